/* traceview.h - per-goroutine and per-GC-cycle summaries of a trace */
#ifndef LP_TRACEVIEW_H
#define LP_TRACEVIEW_H

#include "emit.h"
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

struct lp_tview *lp_tview_new(unsigned views);
void lp_tview_free(struct lp_tview *v);

/* Feed one event (in order); records that are complete are written.
 * Returns 0, or -LP_ENOMEM. */
int lp_tview_add(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w,
    const struct lp_tev *ev, struct lp_arena *a);

/* The trace ended (at its last event): write what is still open. */
int lp_tview_finish(
    struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w);

#endif
