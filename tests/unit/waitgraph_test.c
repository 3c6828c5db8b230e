/* waitgraph_test.c - liveness, Tarjan's components and chains */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"
#include "waitgraph.h"

static void
blocked(struct lp_wgraph *g, int64_t id, unsigned extra)
{
	struct lp_wnode n = { id, LP_WN_BLOCKED | LP_WN_NOWAKER | extra,
		"chan receive", NULL, 0, -1, -1, -1 };
	CHECK_INT(lp_wgraph_node(g, &n), 0);
}

static void
node(struct lp_wgraph *g, int64_t id, unsigned flags, const char *state)
{
	struct lp_wnode n = { id, flags, state, NULL, 0, -1, -1, -1 };
	CHECK_INT(lp_wgraph_node(g, &n), 0);
}

static void
edge(struct lp_wgraph *g, int64_t from, int64_t to)
{
	struct lp_wedge e = { from, to, "chan receive", LP_WEV_UNBLOCK, 1, -1,
		0 };
	CHECK_INT(lp_wgraph_edge(g, &e), 0);
}

/* The results as text: "cycle 1,2 | stuck 4 waits on cycle |". */
static char *
summary(struct lp_wgraph *g)
{
	static char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < lp_wgraph_nresults(g); i++) {
		const struct lp_wresult *r = lp_wgraph_result(g, i);
		len += (size_t)snprintf(buf + len, sizeof buf - len,
		    "%s %lld/%zu/%zu %s|",
		    r->kind == LP_WR_CYCLE ? "cycle" : "stuck",
		    (long long)r->goid, r->size, r->severity,
		    lp_wcause_name(r->cause));
	}
	return buf;
}

TEST(waitgraph_pair_and_stuck_behind)
{
	struct lp_wgraph *g = lp_wgraph_new();

	blocked(g, 1, 0);
	blocked(g, 2, 0);
	blocked(g, 3, 0);
	edge(g, 1, 2);
	edge(g, 2, 1);
	edge(g, 3, 2);
	CHECK_INT(lp_wgraph_analyse(g), 0);
	CHECK_STR(summary(g), "cycle 1/2/3 cycle|stuck 3/1/1 waits on cycle|");
	lp_wgraph_free(g);
}

TEST(waitgraph_live_waker_saves)
{
	struct lp_wgraph *g = lp_wgraph_new();

	/* 1 and 2 wake each other, but 2 can also be woken by 3, which
	 * runs: nobody is doomed. */
	blocked(g, 1, 0);
	blocked(g, 2, 0);
	node(g, 3, 0, "running");
	edge(g, 1, 2);
	edge(g, 2, 1);
	edge(g, 2, 3);
	/* 4 was woken by the runtime (a timer): alive. */
	blocked(g, 4, LP_WN_EXTERNAL);
	CHECK_INT(lp_wgraph_analyse(g), 0);
	CHECK_STR(summary(g), "");
	lp_wgraph_free(g);
}

TEST(waitgraph_exited_and_never_woken)
{
	struct lp_wgraph *g = lp_wgraph_new();
	char why[256];

	blocked(g, 10, 0);
	node(g, 11, LP_WN_DEAD, "exited");
	edge(g, 10, 11);
	blocked(g, 12, 0); /* no edge at all */
	blocked(g, 13, 0); /* waits on 10 */
	edge(g, 13, 10);
	CHECK_INT(lp_wgraph_analyse(g), 0);
	CHECK_STR(summary(g), "stuck 10/1/2 waker exited|stuck 12/1/1 never "
	                      "woken|stuck 13/1/1 waits on stuck|");
	lp_wgraph_why(g, 0, why, sizeof why);
	CHECK_STR(why, "woken there only by goroutine 11, which exited");
	lp_wgraph_free(g);
}

TEST(waitgraph_dump_nodes_without_edges_live)
{
	struct lp_wgraph *g = lp_wgraph_new();
	struct lp_wnode n = { 5, LP_WN_BLOCKED, "chan receive", NULL, 0, -1, -1,
		-1 };

	/* Without LP_WN_NOWAKER a goroutine with no edge is not known to
	 * wait in vain; with LP_WN_LEAKED it is, whatever its edges. */
	CHECK_INT(lp_wgraph_node(g, &n), 0);
	n.id = 6;
	n.flags |= LP_WN_LEAKED;
	CHECK_INT(lp_wgraph_node(g, &n), 0);
	node(g, 7, 0, "running");
	edge(g, 6, 7);
	CHECK_INT(lp_wgraph_analyse(g), 0);
	CHECK_STR(summary(g), "stuck 6/1/1 leaked|");
	lp_wgraph_free(g);
}

TEST(waitgraph_self_loop_and_given_edges)
{
	struct lp_wgraph *g = lp_wgraph_new();

	edge(g, 1, 1); /* waits on itself */
	edge(g, 2, 3); /* 3 is named by edges only, with none out: runs */
	edge(g, 4, 5);
	edge(g, 5, 4);
	edge(g, 4, 5); /* merged */
	CHECK_INT(lp_wgraph_analyse(g), 0);
	CHECK_STR(summary(g), "cycle 4/2/2 cycle|cycle 1/1/1 cycle|");
	CHECK_INT(lp_wgraph_nedges(g), 4);
	lp_wgraph_free(g);
}

/* Tarjan against the definition: u and v share a component iff each
 * reaches the other (transitive closure by Floyd-Warshall). */
TEST(waitgraph_components_match_reachability)
{
	enum { N = 40 };
	unsigned seed = 12345;

	for (int round = 0; round < 200; round++) {
		static unsigned char reach[N][N];
		struct lp_wgraph *g = lp_wgraph_new();
		int nedges = (int)(seed % (3 * N));
		size_t cycles = 0, in_cycles = 0, want_cycles = 0, want_in = 0;
		memset(reach, 0, sizeof reach);
		for (int v = 0; v < N; v++)
			blocked(g, v, 0);
		for (int i = 0; i < nedges; i++) {
			seed = seed * 1103515245u + 12345u;
			int a = (int)((seed >> 8) % N);
			seed = seed * 1103515245u + 12345u;
			int b = (int)((seed >> 8) % N);
			edge(g, a, b);
			reach[a][b] = 1;
		}
		for (int k = 0; k < N; k++)
			for (int i = 0; i < N; i++)
				for (int j = 0; j < N; j++)
					if (reach[i][k] && reach[k][j])
						reach[i][j] = 1;
		/* Every node is doomed (nothing can run), so components of
		 * the doomed subgraph are those of the whole graph. */
		for (int v = 0; v < N; v++) {
			int lowest = 1, size = 1;
			for (int u = 0; u < N; u++)
				if (u != v && reach[u][v] && reach[v][u]) {
					size++;
					if (u < v)
						lowest = 0;
				}
			if (size > 1 || reach[v][v]) {
				want_in++;
				if (lowest)
					want_cycles++;
			}
		}
		CHECK_INT(lp_wgraph_analyse(g), 0);
		for (size_t i = 0; i < lp_wgraph_nresults(g); i++) {
			const struct lp_wresult *r = lp_wgraph_result(g, i);
			if (r->kind == LP_WR_CYCLE) {
				cycles++;
				in_cycles += r->size;
			}
		}
		CHECK_INT(cycles, want_cycles);
		CHECK_INT(in_cycles, want_in);
		CHECK_INT(lp_wgraph_nresults(g) - cycles, N - want_in);
		lp_wgraph_free(g);
		seed = seed * 1103515245u + 12345u;
	}
}

/* A million-long chain and a million-long ring: no recursion to blow. */
TEST(waitgraph_deep_graphs)
{
	enum { N = 1000000 };
	struct lp_wgraph *g = lp_wgraph_new();
	const struct lp_wresult *r;

	for (int64_t v = 0; v < N; v++) {
		blocked(g, v, 0);
		edge(g, v, (v + 1) % N);
	}
	blocked(g, N, 0);
	edge(g, N, 0);
	CHECK_INT(lp_wgraph_analyse(g), 0);
	CHECK_INT(lp_wgraph_nresults(g), 2);
	r = lp_wgraph_result(g, 0);
	CHECK_INT(r->kind, LP_WR_CYCLE);
	CHECK_INT(r->size, N);
	CHECK_INT(r->severity, N + 1);
	lp_wgraph_free(g);

	g = lp_wgraph_new();
	for (int64_t v = 0; v < N; v++) {
		blocked(g, v, 0);
		if (v + 1 < N)
			edge(g, v, v + 1);
	}
	node(g, N, LP_WN_DEAD, "exited");
	edge(g, N - 1, N);
	CHECK_INT(lp_wgraph_analyse(g), 0);
	CHECK_INT(lp_wgraph_nresults(g), N);
	/* The end of the chain holds up everyone before it. */
	r = lp_wgraph_result(g, 0);
	CHECK_INT(r->goid, N - 1);
	CHECK_INT(r->severity, N);
	CHECK_INT(r->cause, LP_WC_WAKER_EXITED);
	r = lp_wgraph_result(g, N - 1);
	CHECK_INT(r->goid, 0);
	CHECK_INT(r->severity, 1);
	CHECK_INT(r->cause, LP_WC_ON_STUCK);
	lp_wgraph_free(g);
}

/* The trace builder: who woke whom, from the same site. */
TEST(waitgraph_trace_rules)
{
	struct lp_wtrace *w = lp_wtrace_new();
	struct lp_wgraph *g = lp_wgraph_new();
	static const char *const recv[] = { "runtime.chanrecv1", "main.a" };
	static const char *const wg[] = { "sync.(*WaitGroup).Wait", "main.w" };

	/* 1 and 2 created by 0; they wake each other at site 7, then both
	 * block there again. */
	CHECK_INT(lp_wtrace_transition(w, 0, 1, 0, LP_G_NOTEXIST, LP_G_RUNNABLE,
	              NULL, NULL, 0, 0, NULL, 0),
	    0);
	CHECK_INT(lp_wtrace_transition(w, 0, 2, 0, LP_G_NOTEXIST, LP_G_RUNNABLE,
	              NULL, NULL, 0, 0, NULL, 0),
	    0);
	for (int i = 0; i < 3; i++) {
		int64_t a = i % 2 ? 1 : 2, b = i % 2 ? 2 : 1;
		CHECK_INT(
		    lp_wtrace_transition(w, 10 * i + 1, a, a, LP_G_RUNNING,
		        LP_G_WAITING, "chan receive", "[]", 2, 7, recv, 2),
		    0);
		CHECK_INT(
		    lp_wtrace_transition(w, 10 * i + 2, a, b, LP_G_WAITING,
		        LP_G_RUNNABLE, NULL, NULL, 0, 0, NULL, 0),
		    0);
	}
	CHECK_INT(lp_wtrace_transition(w, 40, 1, 1, LP_G_RUNNING, LP_G_WAITING,
	              "chan receive", "[]", 2, 7, recv, 2),
	    0);
	CHECK_INT(lp_wtrace_transition(w, 41, 2, 2, LP_G_RUNNING, LP_G_WAITING,
	              "chan receive", "[]", 2, 7, recv, 2),
	    0);
	/* 3 waits on a WaitGroup, never woken; it created 4, which
	 * sleeps: 3 can still be woken. */
	CHECK_INT(lp_wtrace_transition(w, 42, 4, 3, LP_G_NOTEXIST,
	              LP_G_RUNNABLE, NULL, NULL, 0, 0, NULL, 0),
	    0);
	CHECK_INT(lp_wtrace_transition(w, 43, 3, 3, LP_G_RUNNING, LP_G_WAITING,
	              "sync", "[]", 2, 9, wg, 2),
	    0);
	CHECK_INT(lp_wtrace_transition(w, 44, 4, 4, LP_G_RUNNING, LP_G_WAITING,
	              "sleep", "[]", 2, 11, NULL, 0),
	    0);
	CHECK_INT(lp_wtrace_finish(w, g), 0);
	CHECK_INT(lp_wgraph_analyse(g), 0);
	CHECK_STR(summary(g), "cycle 1/2/2 cycle|");
	lp_wtrace_free(w);
	lp_wgraph_free(g);
}
