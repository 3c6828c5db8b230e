/* frame.h - the frame and stack model every program shares */
#ifndef LP_FRAME_H
#define LP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "emit.h"
#include "str.h"

/* lp_frame.flags */
#define LP_FRAME_INLINED    0x1u /* inlined into the next (outer) frame */
#define LP_FRAME_HAS_ADDR   0x2u /* addr is known */
#define LP_FRAME_HAS_OFFSET 0x4u /* offset (the "+0x1d" of a dump) is known */
#define LP_FRAME_HAS_ARGS   0x8u /* args holds the raw argument text */

/*
 * One logical frame.  A stack is an array of these, leaf first (index 0
 * is the innermost call), as DESIGN.md's record contract says.  Strings
 * are borrowed from whatever the decoder owns (input buffer or arena).
 */
struct lp_frame {
	struct lp_str fn;
	struct lp_str file;
	struct lp_str args; /* without the parentheses */
	int64_t line;       /* 0 = unknown */
	uint64_t addr;      /* with LP_FRAME_HAS_ADDR */
	uint64_t offset;    /* with LP_FRAME_HAS_OFFSET */
	unsigned flags;
};

/* Output options shared by every record writer (struct lp_emit_opts.flags) */
#define LP_EMIT_ADDR         0x1u /* frames carry "addr"; profiles "mappings" */
#define LP_EMIT_DROP_RUNTIME 0x2u /* leave out frames of package runtime */
#define LP_EMIT_INTERN       0x4u /* "stack" records + "stack_id" */
#define LP_EMIT_HEADERS      0x8u /* profile records only, no samples */
#define LP_EMIT_GC           0x10u /* "gc" records from MemStats too */

/*
 * Write one frame object, {"fn":…,"file":…,"line":…[,"addr":…]
 * [,"inlined":true][,"args":…][,"offset":…]}.  "addr" only with
 * LP_EMIT_ADDR in flags.
 */
/* The same without the braces, for records that add members to a frame
 * (a goroutine's "created_by" carries the creator's "goid"). */
void lp_frame_write_members(
    struct lp_out *o, const struct lp_frame *f, unsigned flags);

void lp_frame_write(struct lp_out *o, const struct lp_frame *f, unsigned flags);

/*
 * Write frames as a JSON array, skipping runtime frames when flags has
 * LP_EMIT_DROP_RUNTIME.
 */
/* The frames comma-joined, without the brackets: a piece of a stack,
 * as the pprof writer caches one per location. */
void lp_frames_write(
    struct lp_out *o, const struct lp_frame *f, size_t n, unsigned flags);

void lp_stack_write(
    struct lp_out *o, const struct lp_frame *f, size_t n, unsigned flags);

/*
 * True for frames of the Go runtime itself (package runtime and its
 * internal packages): scheduler and allocator internals that a leak hunter
 * rarely wants to see.  runtime/pprof, runtime/debug and runtime/trace are
 * user-facing packages and are not runtime frames.
 */
int lp_frame_is_runtime(const struct lp_frame *f);

#endif
