/* waitgraph.h - who waits on whom: wait-for graphs, their cycles, dead ends */
#ifndef LP_WAITGRAPH_H
#define LP_WAITGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "emit.h"
#include "frame.h"
#include "trace.h"
#include "traceemit.h"

/*
 * A wait-for graph has one node per goroutine and an edge from a blocked
 * goroutine to each goroutine expected to wake it.  The analysis finds
 *
 * - the goroutines that can still make progress: those not blocked on
 *   another goroutine (running, runnable, in a syscall, sleeping, waiting
 *   for the network or a timer), and, backwards along the edges, every
 *   blocked goroutine with at least one such waker;
 * - among the others (doomed), the strongly connected components of two or
 *   more goroutines, or one that waits on itself: "cycle" records;
 * - the remaining doomed goroutines: "stuck" records, each with the chain
 *   it waits on down to the root cause (an exited waker, nobody, a cycle,
 *   Go's own "(leaked)" mark).
 *
 * Components are found with Tarjan's algorithm run with an explicit stack
 * (no recursion, so no depth limit), in time linear in nodes plus edges.
 * /work/coord/record-gcycle.md and man/gcycle.1 describe the records.
 */

/* Evidence for an edge, strongest first. */
enum lp_wev {
	LP_WEV_UNBLOCK,  /* trace: to woke from at the same blocking site */
	LP_WEV_PEER,     /* trace: to woke others blocked at that site */
	LP_WEV_CREATION, /* trace: from created to, which is still alive */
	LP_WEV_DUMP,     /* dump: a channel or mutex address in both */
	LP_WEV_GIVEN,    /* an input "edge" record */
	LP_WEV_LEAKMARK, /* stuck only: the dump's "(leaked)" mark, no edge */
	LP_WEV_N
};
const char *lp_wev_name(enum lp_wev e);
/* The evidence of that name, or -1. */
int lp_wev_parse(const char *s);

/* struct lp_wnode.flags */
#define LP_WN_BLOCKED  0x1u  /* waits for another goroutine to act */
#define LP_WN_DEAD     0x2u  /* has exited */
#define LP_WN_LEAKED   0x4u  /* Go 1.26's detector marked it "(leaked)" */
#define LP_WN_NOWAKER  0x8u  /* blocked with no edge out: nothing wakes it */
#define LP_WN_EXTERNAL 0x10u /* the runtime (a timer, the network) woke it */

/*
 * What is known of one goroutine.  Strings are copied.  stack is a JSON
 * frames array as written in records (NULL: none).  since is ns since the
 * start of the trace, wait how long it has been blocked, ended when it
 * exited (trace); -1 when not known.
 */
struct lp_wnode {
	int64_t id;
	unsigned flags;
	const char *state;
	const char *stack;
	size_t stacklen;
	int64_t since, wait, ended;
};

/* One edge: from waits on to.  reason is copied; last is -1 or ns since
 * the start of the trace; object 0 or the shared address (dumps). */
struct lp_wedge {
	int64_t from, to;
	const char *reason;
	enum lp_wev ev;
	uint64_t count;
	int64_t last;
	uint64_t object;
};

struct lp_wgraph;

struct lp_wgraph *lp_wgraph_new(void);
void lp_wgraph_free(struct lp_wgraph *g);

/* Add or update (later calls win) a node.  Returns 0 or -LP_ENOMEM. */
int lp_wgraph_node(struct lp_wgraph *g, const struct lp_wnode *n);

/*
 * Add an edge.  A goroutine an edge names but no lp_wgraph_node describes
 * is blocked when it has edges out, and otherwise counts as able to run.
 * Equal edges (same from, to, reason, evidence) are merged: counts add up.
 * Returns 0 or -LP_ENOMEM.
 */
int lp_wgraph_edge(struct lp_wgraph *g, const struct lp_wedge *e);

/* Number of nodes and edges added so far. */
size_t lp_wgraph_nnodes(const struct lp_wgraph *g);
size_t lp_wgraph_nedges(const struct lp_wgraph *g);

/* Find cycles and stuck goroutines.  Call once, after the last edge.
 * Returns 0 or -LP_ENOMEM. */
int lp_wgraph_analyse(struct lp_wgraph *g);

/* Results, in severity order (cycles first, then stuck goroutines). */
enum lp_wkind { LP_WR_CYCLE, LP_WR_STUCK };
enum lp_wcause {
	LP_WC_CYCLE,        /* (a cycle record) */
	LP_WC_WAKER_EXITED, /* every goroutine that woke it has exited */
	LP_WC_NEVER_WOKEN,  /* nobody has woken it there */
	LP_WC_ON_CYCLE,     /* waits, maybe through others, on a cycle */
	LP_WC_ON_STUCK,     /* waits on a goroutine stuck for another cause */
	LP_WC_LEAKED        /* Go's detector says so, nothing more known */
};
const char *lp_wcause_name(enum lp_wcause c);

struct lp_wresult {
	enum lp_wkind kind;
	enum lp_wcause cause;
	size_t size;     /* members (1 for stuck) */
	size_t severity; /* members + goroutines stuck behind them */
	int64_t goid;    /* stuck: the goroutine; cycle: its smallest member */
	const char *state;
	int64_t wait; /* -1: not known; cycle: the longest of its members */
	enum lp_wev weakest;
};
size_t lp_wgraph_nresults(const struct lp_wgraph *g);
/* Result i (0 <= i < nresults); borrowed until lp_wgraph_free. */
const struct lp_wresult *lp_wgraph_result(const struct lp_wgraph *g, size_t i);
/* Its one-sentence "why" into buf (always terminated). */
void lp_wgraph_why(const struct lp_wgraph *g, size_t i, char *buf, size_t n);

/*
 * Write results as "cycle" and "stuck" records with the given src, cycles
 * of fewer than min_size members and stuck goroutines of a lower severity
 * left out.  With edges, every edge of the graph first, as "edge" records.
 */
#define LP_WOUT_EDGES 0x1u
void lp_wgraph_write(struct lp_wgraph *g, struct lp_out *o, const char *src,
    size_t min_size, unsigned flags);

/* ---- building the graph from a trace --------------------------------- */

/*
 * Feed a trace's events in order; at the end lp_wtrace_finish puts every
 * goroutine into g with the edges the trace's unblock transitions give
 * (man/gcycle.1, RULES).  Memory grows with the goroutines and with the
 * distinct (goroutine, blocking site, waker) triples, not with events.
 */
struct lp_wtrace;
struct lp_wtrace *lp_wtrace_new(void);
void lp_wtrace_free(struct lp_wtrace *w);
/* Returns 0 or -LP_ENOMEM.  wr renders stacks (its src is not used). */
int lp_wtrace_add(struct lp_wtrace *w, struct lp_tev_writer *wr,
    const struct lp_tev *ev, struct lp_arena *a);

/*
 * The same fed from records (trace2ndjson's "event" records): one state
 * transition of goroutine id at time t (ns) made while goroutine by ran
 * (-1: none), with the reason, and the stack as JSON text and as a
 * site key (a hash of its frames; 0: no stack), and the leaf-first
 * function names for the blocking reason (fns may be NULL).
 */
int lp_wtrace_transition(struct lp_wtrace *w, int64_t t, int64_t id, int64_t by,
    unsigned from, unsigned to, const char *reason, const char *stack,
    size_t stacklen, uint64_t site, const char *const *fns, size_t nfns);

int lp_wtrace_finish(struct lp_wtrace *w, struct lp_wgraph *g);

/* ---- building the graph from a goroutine dump ----------------------- */

struct lp_wdump;
struct lp_wdump *lp_wdump_new(void);
void lp_wdump_free(struct lp_wdump *d);
/*
 * One goroutine of a dump: its id, state (the wait reason in brackets),
 * leaked mark, wait in ns (-1: not said) and frames (leaf first, with
 * their "args").  Everything is copied.  Returns 0 or -LP_ENOMEM.
 */
int lp_wdump_add(struct lp_wdump *d, uint64_t id, const char *state,
    size_t statelen, int leaked, int64_t wait, const struct lp_frame *frames,
    size_t nframes);
int lp_wdump_finish(struct lp_wdump *d, struct lp_wgraph *g);

#endif
