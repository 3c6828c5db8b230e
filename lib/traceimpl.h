/* traceimpl.h - what the two trace decoders share with trace.c */
#ifndef LP_TRACEIMPL_H
#define LP_TRACEIMPL_H

#include "trace.h"
#include "util.h"

/*
 * Each decoder embeds this as its first member; trace.c reads the header
 * and hands the source to the decoder for its version.
 */
struct lp_trace {
	int version;   /* 5 .. 26: the N of "go 1.N trace" */
	unsigned want; /* lp_trace_want's kinds; 0: all */
	int (*next)(
	    struct lp_trace *t, const struct lp_tev **ev, struct lp_error *err);
	struct lp_arena *(*arena)(struct lp_trace *t);
	void (*free)(struct lp_trace *t);
};

/* src->head starts after the 16-byte header; both fill err on failure. */
struct lp_trace *lp_tracev1_open(
    const struct lp_byte_src *src, int version, struct lp_error *err);
struct lp_trace *lp_tracev2_open(
    const struct lp_byte_src *src, int version, struct lp_error *err);

/* lp_trace_raw for each format; src->head starts after the header. */
int lp_tracev1_raw(const struct lp_byte_src *src, int version,
    int (*each)(const struct lp_traw *r, void *ctx), void *ctx,
    struct lp_error *err);
int lp_tracev2_raw(const struct lp_byte_src *src, int version,
    int (*each)(const struct lp_traw *r, void *ctx), void *ctx,
    struct lp_error *err);

#endif
