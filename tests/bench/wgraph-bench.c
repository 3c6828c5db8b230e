/* wgraph-bench.c - the wait-for graph analysis on a big synthetic graph
 * (tests/bench/gcycle.sh builds and runs it; not part of leakpipe).
 *
 *   wgraph-bench GOROUTINES EDGES
 *
 * Goroutines are numbered 1..N.  One in 50 runs; the others are blocked
 * and wait on random goroutines, so most can still be woken and some
 * cannot; planted among them: rings of 3, pairs, and chains ending at an
 * exited goroutine.  Prints the time to add the graph and to analyse it,
 * and what was found. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "leakpipe.h"
#include "waitgraph.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252u;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long m = argc > 2 ? atol(argv[2]) : 10000000;
	struct lp_wgraph *g = lp_wgraph_new();
	double t0, t1, t2;
	size_t cycles = 0, stuck = 0, incycles = 0;
	long planted = n / 100, e = 0;

	if (!g || n < 1000)
		return 2;
	t0 = now();
	for (long v = 1; v <= n; v++) {
		struct lp_wnode x = { v, 0, "running", NULL, 0, -1, -1, -1 };
		if (v % 50 != 0) {
			x.flags = LP_WN_BLOCKED | LP_WN_NOWAKER;
			x.state = "chan receive";
		}
		if (v <= planted && v % 10 == 9) {
			x.flags = LP_WN_DEAD;
			x.state = "exited";
		}
		if (lp_wgraph_node(g, &x) < 0)
			return 1;
	}
	/* The first 1% of goroutines: rings of 3 (v%10 in 0..2), pairs
	 * (3..4), chains into an exited one (5..8 -> 9). */
	for (long v = 1; v <= planted; v++) {
		struct lp_wedge x = { v, 0, "chan receive", LP_WEV_UNBLOCK, 1,
			-1, 0 };
		long b = v - v % 10, r = v % 10;
		if (r == 9 || v % 50 == 0)
			continue;
		if (r <= 2)
			x.to = b + (r + 1) % 3;
		else if (r <= 4)
			x.to = b + (r == 3 ? 4 : 3);
		else
			x.to = v + 1;
		if (x.to == 0)
			continue;
		if (lp_wgraph_edge(g, &x) < 0)
			return 1;
		e++;
	}
	/* The rest wait on random goroutines outside the planted ones. */
	for (; e < m; e++) {
		struct lp_wedge x = { 0, 0, "chan receive", LP_WEV_UNBLOCK, 1,
			-1, 0 };
		x.from = planted + 1 + (long)(next() % (uint64_t)(n - planted));
		x.to = planted + 1 + (long)(next() % (uint64_t)(n - planted));
		if (lp_wgraph_edge(g, &x) < 0)
			return 1;
	}
	t1 = now();
	if (lp_wgraph_analyse(g) < 0)
		return 1;
	t2 = now();
	for (size_t i = 0; i < lp_wgraph_nresults(g); i++) {
		const struct lp_wresult *r = lp_wgraph_result(g, i);
		if (r->kind == LP_WR_CYCLE) {
			cycles++;
			incycles += r->size;
		} else {
			stuck++;
		}
	}
	printf("%ld goroutines, %zu edges: built in %.2f s, analysed in "
	       "%.2f s; %zu cycles (%zu goroutines), %zu stuck\n",
	    n, lp_wgraph_nedges(g), t1 - t0, t2 - t1, cycles, incycles, stuck);
	lp_wgraph_free(g);
	return 0;
}
