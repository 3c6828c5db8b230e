/* traceview.h - per-goroutine and per-GC-cycle summaries of a trace */
#ifndef LP_TRACEVIEW_H
#define LP_TRACEVIEW_H

#include "emit.h"
#include "frame.h"
#include "trace.h"
#include "traceemit.h"

/*
 * The questions people take a trace to go tool trace for, answered as
 * records (man/trace2ndjson.1 documents their fields):
 *
 * - "goroutine": one per goroutine: when and where it was created and by
 *   whom, when it ended or that it was still alive at the end, the time
 *   it spent running, runnable, in syscalls and blocked (by reason), and
 *   its last state with the stack it was in.  A goroutine is written
 *   when it ends; those alive at the end are written last, by id.
 * - "gc": one per GC cycle: start and end of the mark phase, its
 *   stop-the-world pauses, the live heap at start and end, the goal.
 *
 * Memory grows with the live goroutines and the distinct stacks they
 * stopped in, not with the number of events.
 */
struct lp_tview;

#define LP_VIEW_GOROUTINES 0x1u
#define LP_VIEW_GC         0x2u

/* Time a goroutine spent blocked for one reason ("" : not said). */
struct lp_tblocked {
	const char *reason;
	int64_t ns;
};

/*
 * A goroutine's life, as far as the trace saw it.  Times are ns since the
 * trace's first event.  Strings live as long as the view; stack and start
 * are handles made by the view's stack maker (see lp_tview_set_sink).
 */
struct lp_tglife {
	int64_t id;
	int alive;            /* still there at the end of the trace */
	const char *state;    /* "running", a wait reason, "dead", … */
	int64_t wait_ns;      /* alive and waiting: for how long; else -1 */
	int wait_lower_bound; /* it was waiting when the trace began */
	const void *stack;    /* where it last stood; NULL: not seen */
	const void *start;    /* its start function (created in the trace) */
	int has_created_by;
	struct lp_frame created_by; /* the go statement, addr = its pc */
	int64_t creator;            /* goroutine id, or LP_NO_ID */
	int64_t created_ns;         /* -1: there at the start */
	int64_t ended_ns;           /* -1: alive */
	int64_t ns[6];              /* time per lp_gstate (runnable…) */
	const struct lp_tblocked *blocked;
	size_t nblocked;
	const char *label; /* GC worker label, or NULL */
};

/* A stop-the-world pause of a GC cycle. */
struct lp_tstw {
	const char *reason;
	int64_t start_ns, ns;
};

/* A GC cycle (its mark phase and pauses). */
struct lp_tgc {
	uint64_t n;  /* from 1 */
	int partial; /* it began before the trace */
	int64_t start_ns;
	int ended;
	int64_t end_ns, mark_ns; /* when ended */
	const struct lp_tstw *stw;
	size_t nstw;
	int64_t stw_ns;
	int has_heap_start, has_heap_end, has_prev;
	uint64_t heap_start, heap_end, heap_goal; /* goal 0: not known */
	int64_t since_prev_ns, heap_growth;       /* with has_prev */
};

struct lp_tview *lp_tview_new(unsigned views);
void lp_tview_free(struct lp_tview *v);

/*
 * Hand the summaries over typed instead of writing them: each goroutine
 * life and GC cycle goes to life() or gc() (borrowed for the call; the
 * lp_out and writer given to lp_tview_add are then not written to), and
 * the stacks they stand in are made by stack(ctx, s) from the trace's
 * stack s (valid for the call), which returns the handle kept (NULL:
 * out of memory).  Without a sink, stacks are the JSON text written.
 */
struct lp_tview_sink {
	const void *(*stack)(void *ctx, struct lp_tstack *s);
	int (*life)(void *ctx, const struct lp_tglife *g);
	int (*gc)(void *ctx, const struct lp_tgc *c);
	void *ctx;
};
void lp_tview_set_sink(struct lp_tview *v, const struct lp_tview_sink *sink);

/* Feed one event (in order); records that are complete are written.
 * Returns 0, or -LP_ENOMEM. */
int lp_tview_add(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w,
    const struct lp_tev *ev, struct lp_arena *a);

/* The trace ended (at its last event): write what is still open. */
int lp_tview_finish(
    struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w);

#endif
