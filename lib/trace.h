/* trace.h - Go execution traces as one stream of modern-model events */
#ifndef LP_TRACE_H
#define LP_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "str.h"

/*
 * Every trace, whichever Go wrote it, comes out as the event model Go's
 * own reader (golang.org/x/exp/trace, internal/trace since Go 1.23) gives:
 * state transitions with reasons, ranges, metrics, labels, tasks, regions,
 * logs, stack samples and sync points.  The current format (Go 1.22+) is
 * decoded one generation at a time (tracev2.c); the legacy format (Go
 * 1.5-1.21) is read whole, ordered and converted (tracev1.c).  Events come
 * out in the order Go's reader yields them.
 */

enum lp_tev_kind {
	LP_TEV_SYNC,
	LP_TEV_METRIC,
	LP_TEV_LABEL,
	LP_TEV_STACK_SAMPLE,
	LP_TEV_RANGE_BEGIN,
	LP_TEV_RANGE_ACTIVE,
	LP_TEV_RANGE_END,
	LP_TEV_TASK_BEGIN,
	LP_TEV_TASK_END,
	LP_TEV_REGION_BEGIN,
	LP_TEV_REGION_END,
	LP_TEV_LOG,
	LP_TEV_STATE,
	LP_TEV_EXPERIMENTAL,
	LP_TEV_NKINDS
};

/* Goroutine states, then proc states, as Go's reader names them. */
enum lp_gstate {
	LP_G_UNDETERMINED,
	LP_G_NOTEXIST,
	LP_G_RUNNABLE,
	LP_G_RUNNING,
	LP_G_WAITING,
	LP_G_SYSCALL
};
enum lp_pstate { LP_P_UNDETERMINED, LP_P_NOTEXIST, LP_P_RUNNING, LP_P_IDLE };

/* What a transition, range scope or label is about. */
enum lp_tres { LP_RES_NONE, LP_RES_GOROUTINE, LP_RES_PROC, LP_RES_THREAD };

#define LP_NO_ID   (-1) /* no thread, proc or goroutine */
#define LP_NO_TASK UINT64_MAX

struct lp_tframe {
	uint64_t pc;
	struct lp_str fn, file;
	uint64_t line;
};

/*
 * A stack, leaf first.  It lives as long as the generation that defined
 * it (legacy: the whole trace).  The last three fields belong to whoever
 * writes the stack out (traceemit.c): it caches the rendered JSON there,
 * allocated from lp_trace_arena, so each stack is rendered once.
 */
struct lp_tstack {
	uint32_t n;
	const struct lp_tframe *frames;
	const char *json; /* writer's cache; NULL until first written */
	size_t jsonlen;
	uint64_t sid; /* writer's cache: interned id, 0 until known */
};

/*
 * One event.  t is nanoseconds on the trace clock, as Go's reader gives
 * Event.Time (v2: the runtime's monotonic clock; legacy: from the first
 * event), strictly increasing.  m, p, g are the context before the event
 * (LP_NO_ID when absent).  Strings and stacks point into the trace's
 * memory and stay valid until the next lp_trace_next.
 */
struct lp_tev {
	enum lp_tev_kind kind;
	int64_t t;
	int64_t m, p, g;
	struct lp_tstack *stack; /* NULL: no stack */

	/* LP_TEV_STATE: the resource, from -> to (lp_gstate or lp_pstate),
	 * reason (GoStop/GoBlock) and the transition's own stack where it
	 * differs from the event's (GoCreate: the new goroutine's start).
	 * no_tstack: the transition has no stack of its own while the event
	 * has one, which is then its context's: a wake-up (GoUnblock)
	 * carries the waker's stack, as Go's reader gives it. */
	/* LP_TEV_LABEL: res/id is the labelled goroutine, name the label. */
	/* LP_TEV_RANGE_*: name, scope res/id (LP_RES_NONE: global). */
	enum lp_tres res;
	int64_t id;
	uint8_t from, to;
	struct lp_str reason;
	struct lp_tstack *tstack;
	uint8_t no_tstack;

	/* Range name, metric name, label, task/region type, log category,
	 * experimental event name. */
	struct lp_str name;
	/* LP_TEV_LOG: the message. */
	struct lp_str message;

	/* Tasks, regions and logs: the task (LP_NO_TASK: none); task
	 * begin/end also the parent. */
	uint64_t task, parent;

	/* LP_TEV_METRIC: the value.  LP_TEV_RANGE_END of a sweep:
	 * value = bytes swept, value2 = bytes reclaimed, has_attrs = 1. */
	uint64_t value, value2;
	uint8_t has_attrs;

	/* LP_TEV_SYNC: its number from 1; with a clock snapshot (1.25+)
	 * the snapshot's trace time, monotonic ns and wall clock. */
	uint64_t n;
	uint8_t has_clock;
	int64_t clock_t;
	uint64_t clock_mono, wall_sec, wall_nsec;
};

/*
 * Where the decoder gets its bytes: head[0..headlen) first, then more()
 * until it returns 0 (end) or a negative LP_E* (err filled).  more may be
 * NULL when head holds the whole trace.
 */
struct lp_byte_src {
	const unsigned char *head;
	size_t headlen;
	long (*more)(void *ctx, void *buf, size_t n, struct lp_error *err);
	void *ctx;
};

/*
 * Time arithmetic that wraps like Go's int64 does: a hostile trace can
 * put any value in a timestamp, and overflow must not be undefined.
 */
static inline int64_t
lp_tadd(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}
static inline int64_t
lp_tsub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

/* Is this the start of a Go execution trace ("go 1.N trace\0...")? */
int lp_trace_sniff(const unsigned char *p, size_t n);

/*
 * Start decoding.  Returns NULL with err filled when the header is not a
 * supported trace header or memory runs out.  The source is read lazily:
 * the current format is read one generation at a time, so memory is
 * bounded by the largest generation; the legacy format is read whole.
 */
struct lp_trace *lp_trace_open(
    const struct lp_byte_src *src, struct lp_error *err);

/*
 * The next event: 1 with *ev set, 0 at the end, or a negative LP_E* with
 * err saying what is wrong and at which byte offset.  Every event before
 * the damage has been returned first.  After an error the trace is done.
 */
int lp_trace_next(
    struct lp_trace *t, const struct lp_tev **ev, struct lp_error *err);

/*
 * Which kinds of event the caller will use: a bit per lp_tev_kind (1u <<
 * LP_TEV_SYNC, ...); 0, as opened, is all.  Events of other kinds are
 * still decoded, ordered and checked as Go's reader checks them (the
 * same errors at the same place, the same times), only not built nor
 * returned, which is most of the work of a filtered read.  Sync events
 * always come out: a trace starts with one.  A hint: a decoder may
 * return other kinds too (the legacy one does), so callers still filter.
 */
void lp_trace_want(struct lp_trace *t, unsigned kinds);

/* The format version from the header: 5 for "go 1.5 trace", ... 26. */
int lp_trace_version(const struct lp_trace *t);

/* An arena that lives as long as the stacks of the current event. */
struct lp_arena *lp_trace_arena(struct lp_trace *t);

void lp_trace_free(struct lp_trace *t);

/*
 * One event as it stands on the wire, for debugging a decoder: no
 * ordering, no state, ids not resolved.  off is the event's byte offset
 * in the trace (the header counts); argn[i] names argv[i] as the format's
 * spec does.  data (has_data) is a String's bytes or a UserLog's message;
 * frames (has_frames) a Stack's frames as ids, fn/file/line 0 and
 * pc_only set where the format has only pcs (Go 1.5).  Everything lives
 * until the callback returns.
 */
struct lp_traw_frame {
	uint64_t pc, fn, file, line;
};
struct lp_traw {
	const char *name;
	uint64_t off;
	unsigned nargs;
	const char *const *argn;
	const uint64_t *argv;
	int has_data;
	struct lp_str data;
	int has_frames, pc_only;
	size_t nframes;
	const struct lp_traw_frame *frames;
};

/*
 * Walk the trace in file order, calling each(r, ctx) per wire event.
 * Returns 0 at the end, a nonzero value each returned (the walk stops),
 * or a negative LP_E* with err saying what is wrong and at which byte,
 * after every event before the damage went to each.
 */
int lp_trace_raw(const struct lp_byte_src *src,
    int (*each)(const struct lp_traw *r, void *ctx), void *ctx,
    struct lp_error *err);

/* Names for output: "StateTransition", "Running", "goroutine", ... */
const char *lp_tev_kind_name(enum lp_tev_kind k);
const char *lp_gstate_name(unsigned s);
const char *lp_pstate_name(unsigned s);
const char *lp_tres_name(enum lp_tres r);

#endif
