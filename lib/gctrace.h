/* gctrace.h - GC cycles from GODEBUG=gctrace=1 logs and from MemStats */
#ifndef LP_GCTRACE_H
#define LP_GCTRACE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "emit.h"
#include "error.h"
#include "profile.h"

/*
 * The runtime prints one line per cycle to standard error under
 * GODEBUG=gctrace=1 (man/pprof2ndjson.1 lists the forms read):
 *
 *   gc 7 @0.046s 2%: 0.020+0.36+0.003 ms clock, 0.041+0.11/0.10/0+0.006
 *   ms cpu, 10->12->8 MB, 12 MB goal, 0 MB stacks, 0 MB globals, 2 P
 *
 * Such lines are found wherever they stand in a log: among other lines,
 * after a timestamp a collector put in front, or glued to the end of
 * other output.  Each becomes one "gc" record.
 */

/* One cycle as a gctrace line tells it.  Times are in nanoseconds. */
struct lp_gc {
	uint64_t n;       /* the runtime's count of cycles, from 1 */
	int64_t start_ns; /* "@N.NNNs": since the process started */
	int nclock;       /* 3, or 5 for Go 1.5 and 1.6 */
	int64_t clock[5]; /* wall-clock length of each phase */
	int ncpu;         /* 5, or 7 for Go 1.5 and 1.6 */
	int64_t cpu[7];   /* CPU time of each part, in printed order */
	uint64_t heap[3]; /* at start, at mark end, marked live (bytes) */
	uint64_t goal;    /* bytes */
	uint64_t stacks, globals; /* scannable, bytes; with have_scan */
	int have_scan;            /* Go 1.18 and later print them */
	unsigned procs;
	unsigned cpu_percent; /* share of CPU spent in GC since start */
	int forced;           /* "(forced)": runtime.GC() */
	int leak_check;       /* "(checking for goroutine leaks)", Go 1.26 */
};

/*
 * Parse the gctrace line that starts at p (at its "gc "), ending at e.
 * Returns 1 and fills gc, 0 when p does not start "gc N @" (not such a
 * line at all), -1 when it does but the rest is not understood.
 */
int lp_gctrace_parse_line(const char *p, const char *e, struct lp_gc *gc);

/*
 * Read a timestamp at p[0..n): the log package's "2006/01/02 15:04:05"
 * with an optional fraction, RFC 3339 (a space for the T allowed, no zone
 * meaning UTC), or Unix time in seconds, milliseconds, microseconds or
 * nanoseconds (10, 13, 16 or 19 digits, an optional fraction).  Returns
 * the bytes read (0: none) and sets *ns (since the epoch) and *res (the
 * printed resolution in ns).
 */
size_t lp_gctrace_timestamp(const char *p, size_t n, int64_t *ns, int64_t *res);

/* Does p[0..n) hold at least one gctrace line? */
int lp_gctrace_match(const unsigned char *p, size_t n);

struct lp_gctrace_opts {
	int64_t anchor_ns; /* wall-clock time of "@0s", or 0 for none */
};

/*
 * Write one "gc" record per gctrace line in p[0..n) to o, with the given
 * src.  Lines that begin "gc N @" but are not understood are told through
 * d and skipped; every other line is passed over.  opts may be NULL.
 * Returns 0, or -LP_ENOMEM with err filled.
 */
int lp_gctrace_write(struct lp_out *o, const unsigned char *p, size_t n,
    const char *src, const struct lp_gctrace_opts *opts, struct lp_diag *d,
    struct lp_error *err);

/*
 * Write one "gc" record per cycle that the runtime.MemStats trailer of a
 * heap ?debug=1 profile still remembers (the last 256 at most): its end
 * as wall-clock time and its stop-the-world pause, from NumGC, PauseNs and
 * PauseEnd.  Nothing is written when the profile has none of these.
 * Returns 0, or -LP_EDATA with err filled when they disagree.
 */
int lp_memstats_gc_write(struct lp_out *o, const struct lp_profile *p,
    const char *src, struct lp_error *err);

#endif
