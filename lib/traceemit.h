/* traceemit.h - trace events as "event" records */
#ifndef LP_TRACEEMIT_H
#define LP_TRACEEMIT_H

#include <stdint.h>

#include "emit.h"
#include "intern.h"
#include "trace.h"

/*
 * Writes the records of one trace (man/trace2ndjson.1 documents them).
 * t in a record is nanoseconds since the trace's first event.  A stack is
 * rendered once per generation and cached in the lp_tstack; with
 * LP_EMIT_INTERN in flags the event carries "stack_id" and the stack
 * record goes out first.
 */
struct lp_tev_writer {
	const char *src;
	unsigned flags; /* LP_EMIT_ADDR, LP_EMIT_DROP_RUNTIME, LP_EMIT_INTERN */
	struct lp_intern *in; /* with LP_EMIT_INTERN */
	int64_t t0;
	int started;
	struct lp_out scratch; /* renders stacks */
	struct lp_out head;    /* {"kind":"event","src":…,"t": */
};

void lp_tev_writer_init(struct lp_tev_writer *w, const char *src,
    unsigned flags, struct lp_intern *in);
void lp_tev_writer_release(struct lp_tev_writer *w);

/* The event's t as written: ns since the first event written. */
int64_t lp_tev_rel(struct lp_tev_writer *w, const struct lp_tev *ev);

/* Write ev as one record; a is lp_trace_arena of its trace. */
void lp_tev_write(struct lp_out *o, struct lp_tev_writer *w,
    const struct lp_tev *ev, struct lp_arena *a);

/* Write the stack as a JSON array (cached as above). */
void lp_tstack_write(struct lp_out *o, struct lp_tev_writer *w,
    struct lp_tstack *s, struct lp_arena *a);

/*
 * Write one wire event (--raw) as a "raw" record:
 * {"kind":"raw","src":…,"off":N,"ev":NAME,"args":{…}} with "data" and
 * "frames" where the event has them.
 */
void lp_traw_write(struct lp_out *o, const char *src, const struct lp_traw *r);

#endif
