/* waitgraph.c - wait-for graphs: liveness, Tarjan's components, records */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "error.h"
#include "strpool.h"
#include "u64map.h"
#include "util.h"
#include "waitgraph.h"

#define NONE UINT32_MAX

/* The chain of a stuck record stops after this many goroutines. */
#define CHAIN_MAX 64

struct node {
	int64_t id;
	unsigned flags;
	int described; /* an lp_wgraph_node call named it */
	const char *state, *stack;
	int64_t since, wait, ended;
};

struct edge {
	uint32_t from, to;
	const char *reason;
	uint8_t ev;
	uint64_t count;
	int64_t last;
	uint64_t object;
};

struct lp_wgraph {
	struct lp_strpool pool;
	struct lp_u64map index; /* id -> node */
	struct node *nodes;
	size_t nnodes, capnodes;
	struct edge *edges;
	size_t nedges, capedges;
	const char *lastreason; /* pooled: edges mostly repeat the reason */
	int analysed;

	/* Analysis: edges sorted by from, off[v]..off[v+1] are v's. */
	size_t *off;
	uint8_t *doomed;
	uint32_t *comp;     /* component of a doomed node, NONE otherwise */
	uint32_t *compsize; /* by component */
	uint8_t *compcycle; /* by component: a cycle */
	uint32_t *next;     /* stuck: the doomed goroutine it waits on */
	uint32_t *root;     /* stuck: the end of its chain */
	uint8_t *cause;     /* stuck: lp_wcause */
	size_t *behind;     /* goroutines whose chain runs through it */
	uint8_t *weak;      /* stuck: the weakest evidence down its chain */
	size_t *chainlen;   /* stuck: goroutines in its chain */
	uint32_t ncomp;
	uint32_t *order; /* doomed nodes by component, emission order */
	size_t *compoff; /* by component: its members in order[] */

	struct lp_wresult *res;
	uint32_t *resv; /* by result: its node (stuck) or component (cycle) */
	size_t nres;
};

static const char *const evnames[LP_WEV_N] = { "trace unblock",
	"trace peer unblock", "trace creation", "dump argument match", "given",
	"dump leaked mark" };

const char *
lp_wev_name(enum lp_wev e)
{
	return (unsigned)e < LP_WEV_N ? evnames[e] : "given";
}

int
lp_wev_parse(const char *s)
{
	for (int i = 0; i < LP_WEV_N; i++)
		if (strcmp(s, evnames[i]) == 0)
			return i;
	return -1;
}

const char *
lp_wcause_name(enum lp_wcause c)
{
	switch (c) {
	case LP_WC_CYCLE: return "cycle";
	case LP_WC_WAKER_EXITED: return "waker exited";
	case LP_WC_NEVER_WOKEN: return "never woken";
	case LP_WC_ON_CYCLE: return "waits on cycle";
	case LP_WC_ON_STUCK: return "waits on stuck";
	case LP_WC_LEAKED: return "leaked";
	}
	return "?";
}

struct lp_wgraph *
lp_wgraph_new(void)
{
	return calloc(1, sizeof(struct lp_wgraph));
}

void
lp_wgraph_free(struct lp_wgraph *g)
{
	if (!g)
		return;
	lp_strpool_free(&g->pool);
	lp_u64map_free(&g->index);
	free(g->nodes);
	free(g->edges);
	free(g->off);
	free(g->doomed);
	free(g->comp);
	free(g->compsize);
	free(g->compcycle);
	free(g->next);
	free(g->root);
	free(g->cause);
	free(g->behind);
	free(g->weak);
	free(g->chainlen);
	free(g->order);
	free(g->compoff);
	free(g->res);
	free(g->resv);
	free(g);
}

size_t
lp_wgraph_nnodes(const struct lp_wgraph *g)
{
	return g->nnodes;
}

size_t
lp_wgraph_nedges(const struct lp_wgraph *g)
{
	return g->nedges;
}

static uint32_t
node_of(struct lp_wgraph *g, int64_t id)
{
	uint64_t *ix = lp_u64map_get(&g->index, (uint64_t)id);
	struct node *n;

	if (ix)
		return (uint32_t)*ix;
	if (g->nnodes >= NONE - 1 ||
	    lp_reserve((void **)&g->nodes, &g->capnodes, g->nnodes + 1,
	        sizeof *g->nodes) < 0 ||
	    lp_u64map_put(&g->index, (uint64_t)id, g->nnodes) < 0)
		return NONE;
	n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof *n);
	n->id = id;
	n->since = n->wait = n->ended = -1;
	return (uint32_t)g->nnodes++;
}

static const char *
pooled(struct lp_wgraph *g, const char *s, size_t n)
{
	return s ? lp_strpool_get(&g->pool, s, n) : NULL;
}

int
lp_wgraph_node(struct lp_wgraph *g, const struct lp_wnode *in)
{
	uint32_t v = node_of(g, in->id);
	struct node *n;

	if (v == NONE)
		return -LP_ENOMEM;
	n = &g->nodes[v];
	n->flags = in->flags;
	n->described = 1;
	n->since = in->since;
	n->wait = in->wait;
	n->ended = in->ended;
	n->state = pooled(g, in->state, in->state ? strlen(in->state) : 0);
	n->stack = pooled(g, in->stack, in->stacklen);
	if ((in->state && !n->state) || (in->stack && !n->stack))
		return -LP_ENOMEM;
	return 0;
}

int
lp_wgraph_edge(struct lp_wgraph *g, const struct lp_wedge *e)
{
	uint32_t f = node_of(g, e->from), t;
	struct edge *x;

	if (f == NONE || (t = node_of(g, e->to)) == NONE ||
	    lp_reserve((void **)&g->edges, &g->capedges, g->nedges + 1,
	        sizeof *g->edges) < 0)
		return -LP_ENOMEM;
	x = &g->edges[g->nedges];
	x->from = f;
	x->to = t;
	if (g->lastreason &&
	    strcmp(g->lastreason, e->reason ? e->reason : "") == 0) {
		x->reason = g->lastreason;
	} else {
		x->reason = pooled(g, e->reason ? e->reason : "",
		    e->reason ? strlen(e->reason) : 0);
		if (!x->reason)
			return -LP_ENOMEM;
		g->lastreason = x->reason;
	}
	x->ev = (uint8_t)e->ev;
	x->count = e->count;
	x->last = e->last;
	x->object = e->object;
	g->nedges++;
	return 0;
}

/* ---- analysis ---------------------------------------------------------- */

static int
edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->ev != y->ev)
		return x->ev < y->ev ? -1 : 1;
	if (x->reason != y->reason)
		return strcmp(x->reason, y->reason);
	return 0;
}

/* Sort edges by from (counting sort), each node's by to, merge equals. */
static int
sort_edges(struct lp_wgraph *g)
{
	size_t n = g->nnodes, m = g->nedges, k = 0;
	struct edge *sorted;
	size_t *pos;

	if (!(g->off = calloc(n + 1, sizeof *g->off)) ||
	    !(pos = malloc((n + 1) * sizeof *pos)))
		return -LP_ENOMEM;
	if (!(sorted = malloc((m ? m : 1) * sizeof *sorted))) {
		free(pos);
		return -LP_ENOMEM;
	}
	for (size_t i = 0; i < m; i++)
		g->off[g->edges[i].from + 1]++;
	for (size_t v = 0; v < n; v++)
		g->off[v + 1] += g->off[v];
	memcpy(pos, g->off, (n + 1) * sizeof *pos);
	for (size_t i = 0; i < m; i++)
		sorted[pos[g->edges[i].from]++] = g->edges[i];
	free(g->edges);
	g->edges = sorted;
	g->capedges = m ? m : 1;
	/* Merge within each node; off[] is rewritten as edges move down. */
	for (size_t v = 0; v < n; v++) {
		size_t b = g->off[v], e = g->off[v + 1];
		g->off[v] = k;
		if (e - b > 1)
			qsort(g->edges + b, e - b, sizeof *g->edges, edge_cmp);
		for (size_t i = b; i < e; i++) {
			if (k > g->off[v] &&
			    edge_cmp(&g->edges[k - 1], &g->edges[i]) == 0) {
				struct edge *p = &g->edges[k - 1];
				p->count += g->edges[i].count;
				if (g->edges[i].last > p->last)
					p->last = g->edges[i].last;
				if (!p->object)
					p->object = g->edges[i].object;
				continue;
			}
			g->edges[k++] = g->edges[i];
		}
	}
	g->off[n] = k;
	g->nedges = k;
	free(pos);
	return 0;
}

static int
is_waiting(const struct node *n, size_t nout)
{
	if (n->flags & LP_WN_DEAD)
		return 0;
	if (n->flags & LP_WN_LEAKED)
		return 1;
	if (!n->described) /* named by edges only */
		return nout > 0;
	return (n->flags & LP_WN_BLOCKED) && !(n->flags & LP_WN_EXTERNAL);
}

/*
 * Which goroutines can still make progress: those not waiting, waiting
 * ones with no edge out unless nothing wakes them, and backwards along
 * edges, any waiting goroutine with a live waker.  The others are doomed.
 */
static int
liveness(struct lp_wgraph *g)
{
	size_t n = g->nnodes, m = g->nedges, qh = 0, qt = 0;
	size_t *roff = NULL;
	uint32_t *rin = NULL, *queue = NULL;
	uint8_t *live = NULL;
	int rc = -LP_ENOMEM;

	if (!(g->doomed = calloc(n ? n : 1, 1)) ||
	    !(live = calloc(n ? n : 1, 1)) ||
	    !(roff = calloc(n + 1, sizeof *roff)) ||
	    !(rin = malloc((m ? m : 1) * sizeof *rin)) ||
	    !(queue = malloc((n ? n : 1) * sizeof *queue)))
		goto out;
	for (size_t i = 0; i < m; i++)
		roff[g->edges[i].to + 1]++;
	for (size_t v = 0; v < n; v++)
		roff[v + 1] += roff[v];
	for (size_t v = 0; v < n; v++)
		for (size_t i = g->off[v]; i < g->off[v + 1]; i++)
			rin[roff[g->edges[i].to]++] = (uint32_t)v;
	for (size_t v = n; v > 0; v--)
		roff[v] = roff[v - 1];
	roff[0] = 0;

	for (size_t v = 0; v < n; v++) {
		const struct node *x = &g->nodes[v];
		size_t nout = g->off[v + 1] - g->off[v];
		if (x->flags & LP_WN_DEAD)
			continue;
		if (!is_waiting(x, nout) ||
		    (nout == 0 &&
		        !(x->flags & (LP_WN_NOWAKER | LP_WN_LEAKED)))) {
			live[v] = 1;
			queue[qt++] = (uint32_t)v;
		}
	}
	while (qh < qt) {
		uint32_t v = queue[qh++];
		for (size_t i = roff[v]; i < roff[v + 1]; i++) {
			uint32_t u = rin[i];
			if (live[u] || (g->nodes[u].flags & LP_WN_LEAKED))
				continue;
			live[u] = 1;
			queue[qt++] = u;
		}
	}
	for (size_t v = 0; v < n; v++)
		g->doomed[v] = !live[v] && !(g->nodes[v].flags & LP_WN_DEAD);
	rc = 0;
out:
	free(roff);
	free(rin);
	free(queue);
	free(live);
	return rc;
}

/* Tarjan's strongly connected components of the doomed subgraph, with an
 * explicit stack.  Components come out sinks first. */
static int
components(struct lp_wgraph *g)
{
	size_t n = g->nnodes, sp = 0, cp = 0, nord = 0;
	uint32_t *index = NULL, *low = NULL, *stack = NULL;
	uint32_t *callv = NULL;
	size_t *calle = NULL;
	uint8_t *on = NULL;
	uint32_t counter = 0;
	int rc = -LP_ENOMEM;

	if (!(g->comp = malloc((n ? n : 1) * sizeof *g->comp)) ||
	    !(g->order = malloc((n ? n : 1) * sizeof *g->order)) ||
	    !(g->compsize = malloc((n ? n : 1) * sizeof *g->compsize)) ||
	    !(g->compcycle = calloc(n ? n : 1, 1)) ||
	    !(g->compoff = malloc((n + 1) * sizeof *g->compoff)) ||
	    !(index = malloc((n ? n : 1) * sizeof *index)) ||
	    !(low = malloc((n ? n : 1) * sizeof *low)) ||
	    !(stack = malloc((n ? n : 1) * sizeof *stack)) ||
	    !(callv = malloc((n ? n : 1) * sizeof *callv)) ||
	    !(calle = malloc((n ? n : 1) * sizeof *calle)) ||
	    !(on = calloc(n ? n : 1, 1)))
		goto out;
	for (size_t v = 0; v < n; v++) {
		g->comp[v] = NONE;
		index[v] = NONE;
	}
	g->ncomp = 0;
	for (size_t s = 0; s < n; s++) {
		if (!g->doomed[s] || index[s] != NONE)
			continue;
		index[s] = low[s] = counter++;
		stack[sp++] = (uint32_t)s;
		on[s] = 1;
		callv[cp] = (uint32_t)s;
		calle[cp++] = g->off[s];
		while (cp) {
			uint32_t v = callv[cp - 1];
			if (calle[cp - 1] < g->off[v + 1]) {
				uint32_t w = g->edges[calle[cp - 1]++].to;
				if (!g->doomed[w])
					continue;
				if (index[w] == NONE) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on[w] = 1;
					callv[cp] = w;
					calle[cp++] = g->off[w];
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			cp--;
			if (cp && low[v] < low[callv[cp - 1]])
				low[callv[cp - 1]] = low[v];
			if (low[v] != index[v])
				continue;
			/* v roots a component: pop it. */
			uint32_t c = g->ncomp++, size = 0, w;
			g->compoff[c] = nord;
			do {
				w = stack[--sp];
				on[w] = 0;
				g->comp[w] = c;
				g->order[nord++] = w;
				size++;
			} while (w != v);
			g->compsize[c] = size;
			if (size > 1) {
				g->compcycle[c] = 1;
			} else {
				for (size_t i = g->off[v]; i < g->off[v + 1];
				     i++)
					if (g->edges[i].to == v)
						g->compcycle[c] = 1;
			}
		}
	}
	g->compoff[g->ncomp] = nord;
	rc = 0;
out:
	free(index);
	free(low);
	free(stack);
	free(callv);
	free(calle);
	free(on);
	return rc;
}

/* The edge from v to w with the strongest evidence. */
static const struct edge *
edge_to(const struct lp_wgraph *g, uint32_t v, uint32_t w)
{
	const struct edge *best = NULL;

	for (size_t e = g->off[v]; e < g->off[v + 1]; e++)
		if (g->edges[e].to == w && (!best || g->edges[e].ev < best->ev))
			best = &g->edges[e];
	return best;
}

/* For each stuck goroutine: whom it waits on, its root cause, and how
 * many wait behind each. */
static int
chains(struct lp_wgraph *g)
{
	size_t n = g->nnodes;

	if (!(g->weak = calloc(n ? n : 1, 1)) ||
	    !(g->chainlen = calloc(n ? n : 1, sizeof *g->chainlen)) ||
	    !(g->next = malloc((n ? n : 1) * sizeof *g->next)) ||
	    !(g->root = malloc((n ? n : 1) * sizeof *g->root)) ||
	    !(g->cause = calloc(n ? n : 1, 1)) ||
	    !(g->behind = calloc(n ? n : 1, sizeof *g->behind)))
		return -LP_ENOMEM;
	for (size_t v = 0; v < n; v++)
		g->next[v] = g->root[v] = NONE;
	/* Sinks first: whoever a stuck goroutine waits on is settled. */
	for (uint32_t c = 0; c < g->ncomp; c++) {
		uint32_t v = g->order[g->compoff[c]], best = NONE, dead = NONE;
		int64_t deadlast = INT64_MIN;
		if (g->compcycle[c]) {
			for (size_t i = g->compoff[c]; i < g->compoff[c + 1];
			     i++) {
				g->cause[g->order[i]] = LP_WC_CYCLE;
				g->root[g->order[i]] = g->order[i];
			}
			continue;
		}
		for (size_t i = g->off[v]; i < g->off[v + 1]; i++) {
			uint32_t w = g->edges[i].to;
			if (g->doomed[w]) {
				if (best == NONE ||
				    (g->cause[w] == LP_WC_CYCLE &&
				        g->cause[best] != LP_WC_CYCLE))
					best = w;
			} else if ((g->nodes[w].flags & LP_WN_DEAD) &&
			           (dead == NONE ||
			               g->edges[i].last > deadlast)) {
				dead = w;
				deadlast = g->edges[i].last;
			}
		}
		if (best != NONE) {
			enum lp_wcause bc = g->cause[best];
			const struct edge *e = edge_to(g, v, best);
			g->next[v] = best;
			g->root[v] = g->root[best];
			g->cause[v] = bc == LP_WC_CYCLE || bc == LP_WC_ON_CYCLE
			                  ? LP_WC_ON_CYCLE
			                  : LP_WC_ON_STUCK;
			g->weak[v] = e ? e->ev : LP_WEV_UNBLOCK;
			if (bc != LP_WC_CYCLE && g->weak[best] > g->weak[v])
				g->weak[v] = g->weak[best];
			g->chainlen[v] =
			    1 + (bc == LP_WC_CYCLE ? 0 : g->chainlen[best]);
		} else if (dead != NONE) {
			const struct edge *e = edge_to(g, v, dead);
			g->cause[v] = LP_WC_WAKER_EXITED;
			g->root[v] = dead;
			g->weak[v] = e ? e->ev : LP_WEV_UNBLOCK;
			g->chainlen[v] = 1;
		} else if (g->nodes[v].flags & LP_WN_LEAKED) {
			g->cause[v] = LP_WC_LEAKED;
			g->root[v] = v;
			g->weak[v] = LP_WEV_LEAKMARK;
		} else {
			g->cause[v] = LP_WC_NEVER_WOKEN;
			g->root[v] = v;
		}
	}
	/* Sources first: a goroutine adds itself and those behind it to
	 * the one it waits on. */
	for (uint32_t c = g->ncomp; c-- > 0;) {
		uint32_t v = g->order[g->compoff[c]];
		if (!g->compcycle[c] && g->next[v] != NONE)
			g->behind[g->next[v]] += g->behind[v] + 1;
	}
	return 0;
}

static int
res_cmp(const void *a, const void *b)
{
	const struct lp_wresult *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->wait != y->wait)
		return x->wait > y->wait ? -1 : 1;
	if (x->goid != y->goid)
		return x->goid < y->goid ? -1 : 1;
	return 0;
}

struct resv {
	struct lp_wresult r;
	uint32_t v;
};

static int
resv_cmp(const void *a, const void *b)
{
	return res_cmp(
	    &((const struct resv *)a)->r, &((const struct resv *)b)->r);
}

static int
results(struct lp_wgraph *g)
{
	size_t nr = 0;
	struct resv *rv;

	for (uint32_t c = 0; c < g->ncomp; c++)
		nr += g->compcycle[c] ? 1 : g->compsize[c];
	if (!(rv = malloc((nr ? nr : 1) * sizeof *rv)) ||
	    !(g->res = malloc((nr ? nr : 1) * sizeof *g->res)) ||
	    !(g->resv = malloc((nr ? nr : 1) * sizeof *g->resv))) {
		free(rv);
		return -LP_ENOMEM;
	}
	nr = 0;
	for (uint32_t c = 0; c < g->ncomp; c++) {
		struct lp_wresult *r = &rv[nr].r;
		uint32_t v = g->order[g->compoff[c]];
		memset(r, 0, sizeof *r);
		if (g->compcycle[c]) {
			r->kind = LP_WR_CYCLE;
			r->cause = LP_WC_CYCLE;
			r->size = g->compsize[c];
			r->severity = r->size;
			r->goid = INT64_MAX;
			r->wait = -1;
			r->weakest = LP_WEV_UNBLOCK;
			for (size_t i = g->compoff[c]; i < g->compoff[c + 1];
			     i++) {
				uint32_t w = g->order[i];
				const struct node *x = &g->nodes[w];
				r->severity += g->behind[w];
				if (x->id < r->goid) {
					r->goid = x->id;
					r->state = x->state;
				}
				if (x->wait > r->wait)
					r->wait = x->wait;
				for (size_t e = g->off[w]; e < g->off[w + 1];
				     e++)
					if (g->comp[g->edges[e].to] == c &&
					    g->edges[e].ev > r->weakest)
						r->weakest = g->edges[e].ev;
			}
			rv[nr++].v = c;
			continue;
		}
		r->kind = LP_WR_STUCK;
		r->cause = g->cause[v];
		r->size = 1;
		r->severity = 1 + g->behind[v];
		r->goid = g->nodes[v].id;
		r->state = g->nodes[v].state;
		r->wait = g->nodes[v].wait;
		r->weakest = (enum lp_wev)g->weak[v];
		rv[nr++].v = v;
	}
	qsort(rv, nr, sizeof *rv, resv_cmp);
	for (size_t i = 0; i < nr; i++) {
		g->res[i] = rv[i].r;
		g->resv[i] = rv[i].v;
	}
	g->nres = nr;
	free(rv);
	return 0;
}

static int
node_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Number nodes in id order, so that everything after is in id order. */
static int
renumber(struct lp_wgraph *g)
{
	size_t n = g->nnodes;
	uint32_t *to = malloc((n ? n : 1) * sizeof *to);

	if (!to)
		return -LP_ENOMEM;
	qsort(g->nodes, n, sizeof *g->nodes, node_cmp);
	for (size_t v = 0; v < n; v++) {
		uint64_t *ix =
		    lp_u64map_get(&g->index, (uint64_t)g->nodes[v].id);
		to[*ix] = (uint32_t)v;
	}
	for (size_t v = 0; v < n; v++)
		*lp_u64map_get(&g->index, (uint64_t)g->nodes[v].id) = v;
	for (size_t i = 0; i < g->nedges; i++) {
		g->edges[i].from = to[g->edges[i].from];
		g->edges[i].to = to[g->edges[i].to];
	}
	free(to);
	return 0;
}

int
lp_wgraph_analyse(struct lp_wgraph *g)
{
	int rc;

	if (g->analysed)
		return 0;
	g->analysed = 1;
	if ((rc = renumber(g)) < 0 || (rc = sort_edges(g)) < 0 ||
	    (rc = liveness(g)) < 0 || (rc = components(g)) < 0 ||
	    (rc = chains(g)) < 0 || (rc = results(g)) < 0)
		return rc;
	return 0;
}

size_t
lp_wgraph_nresults(const struct lp_wgraph *g)
{
	return g->nres;
}

const struct lp_wresult *
lp_wgraph_result(const struct lp_wgraph *g, size_t i)
{
	return i < g->nres ? &g->res[i] : NULL;
}

/* ---- why ------------------------------------------------------------- */

struct buf {
	char *p;
	size_t n, len;
};

LP_PRINTF(2, 3)
static void
bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->len + 1 >= b->n)
		return;
	va_start(ap, fmt);
	k = vsnprintf(b->p + b->len, b->n - b->len, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	b->len += (size_t)k < b->n - b->len ? (size_t)k : b->n - b->len - 1;
}

static const char *
state_of(const struct node *x)
{
	if (x->flags & LP_WN_DEAD)
		return "exited";
	return x->state && *x->state ? x->state : "blocked";
}

/* Why v, a stuck goroutine, waits in vain (without "it"). */
static void
why_stuck(const struct lp_wgraph *g, uint32_t v, struct buf *b)
{
	uint32_t r = g->root[v];
	int steps = 0;

	switch ((enum lp_wcause)g->cause[v]) {
	case LP_WC_WAKER_EXITED:
		bprintf(b, "woken there only by goroutine");
		{
			int k = 0;
			for (size_t e = g->off[v]; e < g->off[v + 1]; e++)
				if (g->nodes[g->edges[e].to].flags &
				    LP_WN_DEAD) {
					if (k++ < 4)
						bprintf(b, "%s %" PRId64,
						    k > 1 ? "," : "",
						    g->nodes[g->edges[e].to]
						        .id);
				}
			if (k > 4)
				bprintf(b, " and %d more", k - 4);
			bprintf(b, ", which exited");
		}
		return;
	case LP_WC_NEVER_WOKEN:
		bprintf(b, "nobody has ever woken it where it waits (%s)",
		    state_of(&g->nodes[v]));
		return;
	case LP_WC_LEAKED:
		bprintf(b, "Go's leak detector found nothing that can wake it");
		return;
	case LP_WC_ON_CYCLE:
	case LP_WC_ON_STUCK:
		bprintf(b, "waits on goroutine %" PRId64 " (%s)",
		    g->nodes[g->next[v]].id, state_of(&g->nodes[g->next[v]]));
		for (uint32_t w = g->next[v]; w != NONE && steps < CHAIN_MAX;
		     w = g->next[w], steps++)
			if (g->cause[w] != LP_WC_ON_CYCLE &&
			    g->cause[w] != LP_WC_ON_STUCK) {
				if (w != g->next[v])
					bprintf(b, ", which waits on %" PRId64,
					    g->nodes[w].id);
				if (g->cause[w] == LP_WC_CYCLE) {
					bprintf(b, ", in a cycle of %" PRIu32,
					    g->compsize[g->comp[w]]);
				} else {
					bprintf(b, ", which is stuck: ");
					why_stuck(g, w, b);
				}
				break;
			}
		(void)r;
		return;
	case LP_WC_CYCLE: break;
	}
}

static void
why_cycle(const struct lp_wgraph *g, uint32_t c, struct buf *b)
{
	const char *seen[4];
	size_t ns = 0;

	bprintf(b, "%" PRIu32 " goroutine%s wait%s only on each other (",
	    g->compsize[c], g->compsize[c] > 1 ? "s" : "",
	    g->compsize[c] > 1 ? "" : "s");
	for (size_t i = g->compoff[c]; i < g->compoff[c + 1] && ns < 4; i++) {
		const char *s = state_of(&g->nodes[g->order[i]]);
		size_t k;
		for (k = 0; k < ns; k++)
			if (strcmp(seen[k], s) == 0)
				break;
		if (k == ns) {
			bprintf(b, "%s%s", ns ? ", " : "", s);
			seen[ns++] = s;
		}
	}
	bprintf(b, ")");
}

void
lp_wgraph_why(const struct lp_wgraph *g, size_t i, char *p, size_t n)
{
	struct buf b = { p, n, 0 };

	if (!n)
		return;
	p[0] = '\0';
	if (i >= g->nres)
		return;
	if (g->res[i].kind == LP_WR_CYCLE)
		why_cycle(g, g->resv[i], &b);
	else
		why_stuck(g, g->resv[i], &b);
}

/* ---- records --------------------------------------------------------- */

static void
write_edge_members(
    struct lp_out *o, const struct lp_wgraph *g, const struct edge *e)
{
	lp_out_lit(o, "\"from\":");
	lp_out_int(o, g->nodes[e->from].id);
	lp_out_lit(o, ",\"to\":");
	lp_out_int(o, g->nodes[e->to].id);
	lp_out_lit(o, ",\"reason\":");
	lp_out_cstr(o, e->reason);
	lp_out_lit(o, ",\"evidence\":");
	lp_out_cstr(o, lp_wev_name(e->ev));
	lp_out_lit(o, ",\"count\":");
	lp_out_uint(o, e->count);
	if (e->last >= 0) {
		lp_out_lit(o, ",\"last_ns\":");
		lp_out_int(o, e->last);
	}
	if (e->object) {
		lp_out_lit(o, ",\"object\":");
		lp_out_hex(o, e->object);
	}
}

static void
write_head(struct lp_out *o, const char *kind, const char *src)
{
	lp_out_lit(o, "{\"kind\":");
	lp_out_cstr(o, kind);
	lp_out_lit(o, ",\"src\":");
	lp_out_cstr(o, src);
}

/* goid, state, stack, since_ns, wait_ns, leaked of node v. */
static void
write_goroutine_members(struct lp_out *o, const struct node *x)
{
	lp_out_lit(o, "\"goid\":");
	lp_out_int(o, x->id);
	lp_out_lit(o, ",\"state\":");
	lp_out_cstr(o, state_of(x));
	if (x->stack) {
		lp_out_lit(o, ",\"stack\":");
		lp_out_raw(o, x->stack, strlen(x->stack));
	}
	if (x->since >= 0) {
		lp_out_lit(o, ",\"since_ns\":");
		lp_out_int(o, x->since);
	}
	if (x->wait >= 0) {
		lp_out_lit(o, ",\"wait_ns\":");
		lp_out_int(o, x->wait);
	}
	if (x->flags & LP_WN_LEAKED)
		lp_out_lit(o, ",\"leaked\":true");
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The members of component c, by goroutine id (nodes are numbered in id
 * order). */
static uint32_t *
members_sorted(const struct lp_wgraph *g, uint32_t c)
{
	size_t b = g->compoff[c], n = g->compoff[c + 1] - b;
	uint32_t *m = malloc((n ? n : 1) * sizeof *m);

	if (!m)
		return NULL;
	memcpy(m, g->order + b, n * sizeof *m);
	qsort(m, n, sizeof *m, u32_cmp);
	return m;
}

static void
write_cycle(struct lp_out *o, const struct lp_wgraph *g, size_t i,
    const char *src, char *why, size_t whyn)
{
	const struct lp_wresult *r = &g->res[i];
	uint32_t c = g->resv[i];
	uint32_t *m = members_sorted(g, c);
	size_t behind = r->severity - r->size;
	int first = 1;

	if (!m) {
		o->err = o->err ? o->err : 12; /* ENOMEM, sticky */
		return;
	}
	write_head(o, "cycle", src);
	lp_out_lit(o, ",\"size\":");
	lp_out_uint(o, r->size);
	lp_out_lit(o, ",\"severity\":");
	lp_out_uint(o, r->severity);
	lp_out_lit(o, ",\"evidence\":");
	lp_out_cstr(o, lp_wev_name(r->weakest));
	lp_wgraph_why(g, i, why, whyn);
	lp_out_lit(o, ",\"why\":");
	lp_out_cstr(o, why);
	lp_out_lit(o, ",\"members\":[");
	for (size_t k = 0; k < r->size; k++) {
		if (k)
			lp_out_ch(o, ',');
		lp_out_ch(o, '{');
		write_goroutine_members(o, &g->nodes[m[k]]);
		lp_out_ch(o, '}');
	}
	lp_out_lit(o, "],\"edges\":[");
	for (size_t k = 0; k < r->size; k++)
		for (size_t e = g->off[m[k]]; e < g->off[m[k] + 1]; e++) {
			if (g->comp[g->edges[e].to] != c)
				continue;
			if (!first)
				lp_out_ch(o, ',');
			first = 0;
			lp_out_ch(o, '{');
			write_edge_members(o, g, &g->edges[e]);
			lp_out_ch(o, '}');
		}
	lp_out_ch(o, ']');
	if (behind) {
		lp_out_lit(o, ",\"behind\":");
		lp_out_uint(o, behind);
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
	free(m);
}

static void
write_link(struct lp_out *o, const struct lp_wgraph *g, uint32_t v, uint32_t w)
{
	const struct edge *e = edge_to(g, v, w);
	const struct node *x = &g->nodes[w];

	lp_out_lit(o, "{\"goid\":");
	lp_out_int(o, x->id);
	lp_out_lit(o, ",\"state\":");
	lp_out_cstr(o, state_of(x));
	if (e) {
		lp_out_lit(o, ",\"reason\":");
		lp_out_cstr(o, e->reason);
		lp_out_lit(o, ",\"evidence\":");
		lp_out_cstr(o, lp_wev_name(e->ev));
	}
	if ((x->flags & LP_WN_DEAD) && x->ended >= 0) {
		lp_out_lit(o, ",\"ended_ns\":");
		lp_out_int(o, x->ended);
	}
	lp_out_ch(o, '}');
}

static void
write_stuck(struct lp_out *o, const struct lp_wgraph *g, size_t i,
    const char *src, char *why, size_t whyn)
{
	const struct lp_wresult *r = &g->res[i];
	uint32_t v = g->resv[i], w = v, last = v;
	size_t steps = 0;

	write_head(o, "stuck", src);
	lp_out_ch(o, ',');
	write_goroutine_members(o, &g->nodes[v]);
	lp_out_lit(o, ",\"severity\":");
	lp_out_uint(o, r->severity);
	lp_out_lit(o, ",\"cause\":");
	lp_out_cstr(o, lp_wcause_name(r->cause));
	lp_out_lit(o, ",\"evidence\":");
	lp_out_cstr(o, lp_wev_name(r->weakest));
	lp_wgraph_why(g, i, why, whyn);
	lp_out_lit(o, ",\"why\":");
	lp_out_cstr(o, why);
	lp_out_lit(o, ",\"chain\":[");
	while (g->next[w] != NONE && steps < CHAIN_MAX) {
		if (steps++)
			lp_out_ch(o, ',');
		write_link(o, g, w, g->next[w]);
		last = w = g->next[w];
		if (g->cause[w] == LP_WC_CYCLE)
			break;
	}
	if (steps < CHAIN_MAX && g->cause[w] == LP_WC_WAKER_EXITED &&
	    g->root[w] != NONE) {
		if (steps++)
			lp_out_ch(o, ',');
		write_link(o, g, w, g->root[w]);
		last = g->root[w];
	}
	lp_out_ch(o, ']');
	if (g->chainlen[v] > steps) {
		lp_out_lit(o, ",\"chain_more\":");
		lp_out_uint(o, g->chainlen[v] - steps);
	}
	if (last != v) {
		lp_out_lit(o, ",\"root\":");
		lp_out_int(o, g->nodes[last].id);
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
}

void
lp_wgraph_write(struct lp_wgraph *g, struct lp_out *o, const char *src,
    size_t min_size, unsigned flags)
{
	char why[1024];

	if (flags & LP_WOUT_EDGES)
		for (size_t v = 0; v < g->nnodes; v++)
			for (size_t e = g->off[v]; e < g->off[v + 1]; e++) {
				write_head(o, "edge", src);
				lp_out_ch(o, ',');
				write_edge_members(o, g, &g->edges[e]);
				lp_out_ch(o, '}');
				lp_out_end(o);
			}
	for (size_t i = 0; i < g->nres; i++) {
		const struct lp_wresult *r = &g->res[i];
		if (r->kind == LP_WR_CYCLE && r->size < min_size)
			continue;
		if (r->kind == LP_WR_STUCK && r->severity < min_size)
			continue;
		if (r->kind == LP_WR_CYCLE)
			write_cycle(o, g, i, src, why, sizeof why);
		else
			write_stuck(o, g, i, src, why, sizeof why);
	}
}
