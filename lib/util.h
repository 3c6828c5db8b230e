/* util.h - small helpers with no better home */
#ifndef LP_UTIL_H
#define LP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * Parse an unsigned decimal from argv or the environment, strtonum-style:
 * returns 0 and sets *errstr ("invalid", "too small", "too large") on
 * failure.
 */
unsigned long long lp_parse_uint(const char *s, unsigned long long min,
    unsigned long long max, const char **errstr);

/*
 * Grow the malloc'd array *p of *cap elements of size bytes so it holds
 * at least need, doubling; returns 0, or -1 when out of memory (the
 * array is then as it was).
 */
int lp_reserve(void **p, size_t *cap, size_t need, size_t size);

/* qsort, for arrays that may be empty and NULL: the C library's qsort
 * must not be given a null pointer, even for no elements. */
static inline void
lp_sort(
    void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* a * b into *r; returns 0 on overflow. */
static inline int
lp_mul(size_t a, size_t b, size_t *r)
{
	return !__builtin_mul_overflow(a, b, r);
}

/*
 * The lexical pieces the text decoders share.  Inline because they run on
 * every line of a dump or profile.
 */
static inline int
lp_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A space or a tab: what indents and separates fields in Go's text. */
static inline int
lp_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The decimal digits at the start of p[0..n) into *v.  Returns how many
 * there are (0: none), or -1 when the value does not fit in 64 bits.
 */
static inline ptrdiff_t
lp_parse_dec(const char *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < n && lp_is_digit(p[i]); i++) {
		unsigned d = (unsigned)(p[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return (ptrdiff_t)i;
}

/*
 * "0x" and 1 to 16 hex digits filling p[0..n) exactly into *v.  Returns 0,
 * or -1 when p[0..n) is anything else.
 */
static inline int
lp_parse_hex(const char *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n < 3 || n > 18 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return -1;
	for (i = 2; i < n; i++) {
		unsigned c = (unsigned char)p[i], h;
		if (c >= '0' && c <= '9')
			h = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			h = (c | 0x20) - 'a' + 10;
		else
			return -1;
		x = x << 4 | h;
	}
	*v = x;
	return 0;
}

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

/* A 64-bit hash of n bytes (FNV-1a folded, good enough for tables). */
uint64_t lp_hash(const void *p, size_t n, uint64_t seed);

/* Up to 40 bytes of an input line for a message, into buf (41 bytes),
 * a NUL in it as '?' (a "%s" or "%.*s" would end there). */
const char *lp_shown(char *buf, const char *p, size_t n);

#endif
