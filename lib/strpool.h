/* strpool.h - strings kept once each, for as long as the pool lives */
#ifndef LP_STRPOOL_H
#define LP_STRPOOL_H

#include <stddef.h>

#include "u64map.h"

/*
 * Trace state outlives the generation whose tables named it: a task's
 * type, a region's name, the stack a goroutine blocked in.  Such strings
 * are copied here once per distinct content, so memory grows with what is
 * distinct, not with how often it is seen.  A zeroed struct is empty.
 */
struct lp_strpool {
	struct lp_u64map index; /* content hash -> newest entry + 1 */
	struct lp_pooled **all;
	size_t n, cap;
};

/* The pooled, NUL-terminated copy of p[0..n); NULL when out of memory. */
const char *lp_strpool_get(struct lp_strpool *pl, const char *p, size_t n);
void lp_strpool_free(struct lp_strpool *pl);

#endif
