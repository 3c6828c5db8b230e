/* input.h - files, stdin, gzip and archives as a sequence of input units */
#ifndef LP_INPUT_H
#define LP_INPUT_H

#include <stddef.h>

#include "error.h"

/*
 * One input unit: a whole file, stdin, or one archive member, decompressed.
 * data is owned by the lp_input and valid until the next lp_input_next.
 * src is "PATH", "-", or "ARCHIVE:MEMBER".
 */
struct lp_unit {
	const char *src;
	const unsigned char *data;
	size_t len;
};

struct lp_input;

/*
 * Open path ("-" = stdin).  Returns NULL and fills err with LP_ENOINPUT
 * (cannot open) or LP_ENOMEM.  The path string is copied.
 */
struct lp_input *lp_input_open(const char *path, struct lp_error *err);

/*
 * The next unit.  Returns 1 with u filled; 0 at the end; or a negative
 * LP_E* with err filled and u->src naming the unit that failed.  After
 * -LP_EDATA/-LP_ELIMIT for one archive member, calling again goes on to
 * the next member; after other errors the input is finished.
 */
int lp_input_next(struct lp_input *in, struct lp_unit *u, struct lp_error *err);

/*
 * The same in two steps, for readers that stream: lp_input_begin starts
 * the next unit and reads only its head, at least LP_INPUT_HEAD bytes
 * (fewer when the unit is shorter) into u, enough to judge its format.
 * Then either lp_input_slurp reads the whole unit into u (inflating a gzip
 * archive member), or lp_input_read returns the bytes after the head, a
 * piece at a time (0 at the end, negative LP_E* on error).  Return values
 * are those of lp_input_next.
 */
#define LP_INPUT_HEAD ((size_t)64 << 10)
int lp_input_begin(
    struct lp_input *in, struct lp_unit *u, struct lp_error *err);
int lp_input_slurp(
    struct lp_input *in, struct lp_unit *u, struct lp_error *err);
long lp_input_read(
    struct lp_input *in, void *buf, size_t n, struct lp_error *err);

void lp_input_free(struct lp_input *in);

/*
 * Inflate a gzip stream (every member of a multi-member file) from
 * src[0..n) into a malloc'd buffer.  Returns 0 or -LP_EDATA/-LP_ELIMIT/
 * -LP_ENOMEM with err saying where the stream broke.
 */
int lp_gunzip(const unsigned char *src, size_t n, unsigned char **out,
    size_t *outlen, struct lp_error *err);

static inline int
lp_is_gzip(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

#endif
