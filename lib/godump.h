/* godump.h - goroutine dumps: ?debug=2, panics, fatal errors, SIGQUIT */
#ifndef LP_GODUMP_H
#define LP_GODUMP_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "emit.h"
#include "error.h"
#include "frame.h"
#include "intern.h"
#include "profile.h"
#include "str.h"

/* lp_goroutine.flags and lp_ancestor.flags */
#define LP_G_LOCKED          0x1u    /* ", locked to thread" */
#define LP_G_LEAKED          0x2u    /* " (leaked)", Go 1.26 leak detector */
#define LP_G_SCAN            0x4u    /* " (scan)": GC was scanning the stack */
#define LP_G_DURABLE         0x8u    /* " (durable)": synctest, Go 1.25 */
#define LP_G_ELIDED          0x10u   /* an "...elided..." line was seen */
#define LP_G_CREATED         0x20u   /* created_by is set */
#define LP_G_CREATOR_ID      0x40u   /* creator_id is set (Go 1.21+) */
#define LP_G_UNAVAILABLE     0x80u   /* "stack unavailable" */
#define LP_G_PARTIAL         0x100u  /* some of its lines were not understood */
#define LP_G_GP              0x200u  /* gp is set (GOTRACEBACK=system) */
#define LP_G_M               0x400u  /* m is set */
#define LP_G_MP              0x800u  /* mp is set */
#define LP_G_SYNCTEST_GROUP  0x1000u /* synctest_group is set (Go 1.24) */
#define LP_G_SYNCTEST_BUBBLE 0x2000u /* synctest_bubble is set (Go 1.25+) */

/* Header items in brackets that no Go release prints, kept verbatim. */
#define LP_G_EXTRA_MAX 4

/*
 * One "[originating from goroutine N]:" block (GODEBUG=tracebackancestors):
 * the stack of the goroutine that created this one, at creation time.
 */
struct lp_ancestor {
	uint64_t id;
	const struct lp_frame *frames; /* leaf first */
	size_t nframes;
	unsigned flags;  /* LP_G_ELIDED, LP_G_CREATED */
	uint64_t elided; /* count from "...N frames elided...", 0 = not said */
	struct lp_frame created_by;
};

/*
 * One goroutine of a dump.  Every pointer borrows from the parser: strings
 * point into the input buffer, arrays into the parser's reused storage, so
 * all of it is valid only during the callback.
 */
struct lp_goroutine {
	uint64_t id;
	struct lp_str state; /* wait reason or status, suffixes removed */
	int64_t wait_ns;     /* from ", N minutes"; -1 when not said */
	unsigned flags;      /* LP_G_* */
	uint64_t gp, mp;     /* with LP_G_GP, LP_G_MP */
	int64_t m;           /* with LP_G_M */
	uint64_t synctest_group, synctest_bubble;
	struct lp_str extra[LP_G_EXTRA_MAX]; /* unknown ", …" header items */
	size_t nextra;
	const struct lp_frame *frames; /* leaf first */
	size_t nframes;
	uint64_t elided;  /* count from "...N frames elided...", 0 = not said */
	size_t elided_at; /* frames before the elision line */
	struct lp_frame created_by; /* with LP_G_CREATED */
	uint64_t creator_id;        /* with LP_G_CREATOR_ID */
	const struct lp_ancestor *ancestors;
	size_t nancestors;
	size_t line; /* line number of the header, from 1 */
	/* The lines after the header, as in the input (dumps only; empty
	 * when lines had a prefix cut): equal text, equal frames. */
	struct lp_str text;
};

/*
 * Called once per goroutine, in input order.  g is borrowed (see above).
 * A non-zero return stops the parse, and lp_godump_parse returns it.
 */
typedef int (*lp_goroutine_fn)(const struct lp_goroutine *g, void *ctx);

/*
 * Parse a goroutine dump from data[0..len): the output of
 * goroutine?debug=2 or runtime.Stack, a panic, a fatal error or a SIGQUIT,
 * with any text before, between and after the goroutines (panic messages,
 * log lines, register dumps).  Lines inside a goroutine that are not
 * understood are reported through d (may be NULL) as "line N: …" and
 * skipped; the goroutine is still delivered, marked LP_G_PARTIAL.
 *
 * data is borrowed and must stay valid while fn runs.  Returns 0, the
 * callback's non-zero value, -LP_EDATA when the input holds no goroutine
 * at all, or -LP_ENOMEM; err (may be NULL) says why.
 */
int lp_godump_parse(const unsigned char *data, size_t len, lp_goroutine_fn fn,
    void *ctx, struct lp_diag *d, struct lp_error *err);

/*
 * The same, one goroutine at a time, for readers that pull: memory holds
 * one goroutine, not the dump.  lp_godump_new borrows data (valid until
 * lp_godump_free) and d (may be NULL).  lp_godump_next returns 1 with *g
 * (the iterator's, valid until the next call), 0 at the end, or a
 * negative LP_E* with err filled (-LP_EDATA: no goroutine at all); after
 * an error it returns 0.
 */
struct lp_godump;
struct lp_godump *lp_godump_new(
    const unsigned char *data, size_t len, struct lp_diag *d);
int lp_godump_next(
    struct lp_godump *it, const struct lp_goroutine **g, struct lp_error *err);
void lp_godump_free(struct lp_godump *it);

/*
 * Write g as one {"kind":"goroutine",…} record with the given src.  With
 * LP_EMIT_INTERN in opts->flags the stack is interned through in (which
 * may write a "stack" record first) and the record carries "stack_id".
 * opts may be NULL (flat output, no addresses).
 */
void lp_goroutine_write(struct lp_out *o, const struct lp_goroutine *g,
    const char *src, const struct lp_emit_opts *opts, struct lp_intern *in);

#endif
