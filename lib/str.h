/* str.h - borrowed byte strings */
#ifndef LP_STR_H
#define LP_STR_H

#include <stddef.h>
#include <string.h>

/*
 * A borrowed run of bytes, not NUL-terminated.  Decoders point these into
 * the input buffer or an arena so that no string is copied on the hot path.
 */
struct lp_str {
	const char *p;
	size_t n;
};

#define LP_STR_LIT(s) ((struct lp_str){ (s), sizeof(s) - 1 })

static inline struct lp_str
lp_str_make(const char *p, size_t n)
{
	struct lp_str s = { p, n };
	return s;
}

static inline int
lp_str_eq(struct lp_str a, const char *lit)
{
	size_t n = strlen(lit);
	return a.n == n && (n == 0 || memcmp(a.p, lit, n) == 0);
}

static inline int
lp_str_same(struct lp_str a, struct lp_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline int
lp_str_has_prefix(struct lp_str a, const char *lit)
{
	size_t n = strlen(lit);
	return a.n >= n && memcmp(a.p, lit, n) == 0;
}

#endif
