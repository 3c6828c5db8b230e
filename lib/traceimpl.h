/* traceimpl.h - what the two trace decoders share with trace.c */
#ifndef LP_TRACEIMPL_H
#define LP_TRACEIMPL_H

#include "trace.h"

/*
 * Each decoder embeds this as its first member; trace.c reads the header
 * and hands the source to the decoder for its version.
 */
struct lp_trace {
	int version; /* 5 .. 26: the N of "go 1.N trace" */
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

/*
 * An unsigned LEB128 value at p[*pos..n): 1 with *v and *pos advanced,
 * 0 when the bytes end first, -1 when longer than 10 bytes or over 64
 * bits.  Padded (non-minimal) encodings are accepted.
 */
static inline int
lp_uvarint(const unsigned char *p, size_t n, size_t *pos, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;
	size_t i = *pos;

	for (int k = 0; k < 10; k++, shift += 7) {
		if (i >= n)
			return 0;
		unsigned char b = p[i++];
		if (k == 9 && b > 1)
			return -1;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			*pos = i;
			return 1;
		}
	}
	return -1;
}

#endif
