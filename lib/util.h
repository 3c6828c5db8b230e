/* util.h - small helpers with no better home */
#ifndef LP_UTIL_H
#define LP_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse an unsigned decimal from argv or the environment, strtonum-style:
 * returns 0 and sets *errstr ("invalid", "too small", "too large") on
 * failure.
 */
unsigned long long lp_parse_uint(const char *s, unsigned long long min,
    unsigned long long max, const char **errstr);

/* a * b into *r; returns 0 on overflow. */
static inline int
lp_mul(size_t a, size_t b, size_t *r)
{
	return !__builtin_mul_overflow(a, b, r);
}

/* A 64-bit hash of n bytes (FNV-1a folded, good enough for tables). */
uint64_t lp_hash(const void *p, size_t n, uint64_t seed);

#endif
