/* emit.h - a small buffered NDJSON writer for hot paths */
#ifndef LP_EMIT_H
#define LP_EMIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "str.h"

/*
 * Records are written into a large buffer and handed to write(2) in big
 * blocks.  jansson's json_dumpf is 7x slower on the profiles we care about
 * (DESIGN.md, "Keeping the pipe fast"), so hot records are built here,
 * piece by piece; small or complex records may still go through jansson
 * (lp_out_json).
 *
 * Errors are sticky: once a write fails nothing more is written out, and
 * lp_out_error() returns the errno.  Callers check once per unit or at exit.
 */
struct lp_out {
	char *buf;
	size_t len, cap;
	int fd;
	int err;        /* errno of the first failed write, 0 if none */
	int unbuffered; /* flush after every record */
};

/* Initialise o to write to fd.  Returns 0 or -LP_ENOMEM. */
int lp_out_init(struct lp_out *o, int fd, size_t cap);
void lp_out_release(struct lp_out *o);
/* Write out the buffer.  Returns 0 or -LP_EIO (errno in o->err). */
int lp_out_flush(struct lp_out *o);
static inline int
lp_out_error(const struct lp_out *o)
{
	return o->err;
}

/* Make room for n more bytes; slow path of the inline writers. */
void lp_out_grow(struct lp_out *o, size_t n);

static inline void
lp_out_raw(struct lp_out *o, const char *p, size_t n)
{
	if (o->cap - o->len < n)
		lp_out_grow(o, n);
	if (o->cap - o->len >= n) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	}
}

static inline void
lp_out_ch(struct lp_out *o, char c)
{
	if (o->len == o->cap)
		lp_out_grow(o, 1);
	if (o->len < o->cap)
		o->buf[o->len++] = c;
}

/* A string literal, written as is (it must already be valid JSON text). */
#define lp_out_lit(o, s) lp_out_raw((o), (s), sizeof(s) - 1)

/*
 * A JSON string: quotes, escapes, and invalid UTF-8 replaced by U+FFFD so
 * the output is always valid UTF-8 whatever the input held.
 */
void lp_out_str(struct lp_out *o, const char *p, size_t n);
static inline void
lp_out_lstr(struct lp_out *o, struct lp_str s)
{
	lp_out_str(o, s.p, s.n);
}
static inline void
lp_out_cstr(struct lp_out *o, const char *s)
{
	lp_out_str(o, s, strlen(s));
}

void lp_out_int(struct lp_out *o, int64_t v);
void lp_out_uint(struct lp_out *o, uint64_t v);
/* A hex address as a JSON string, "0x4c4e52". */
void lp_out_hex(struct lp_out *o, uint64_t v);
/* A double, shortest text that reads back exactly; NaN/Inf become null. */
void lp_out_double(struct lp_out *o, double v);

/* End a record: '\n', and a flush when unbuffered. */
void lp_out_end(struct lp_out *o);

/*
 * Write a jansson value compactly (no newline).  v is borrowed.  Declared
 * with an opaque pointer so this header does not pull in jansson.
 */
struct json_t;
void lp_out_json(struct lp_out *o, const struct json_t *v);

/*
 * Length of the valid UTF-8 sequence at p[0..n) (1 for ASCII, up to 4),
 * or 0 when p starts no valid sequence (overlong, surrogate, beyond
 * U+10FFFF, cut short).  Every writer that repairs or vets text uses it.
 */
size_t lp_utf8_len(const unsigned char *p, size_t n);

#endif
