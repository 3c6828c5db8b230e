/* strpool.c - strings kept once each */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strpool.h"

struct lp_pooled {
	struct lp_pooled *next; /* same hash */
	size_t n;
	char s[];
};

const char *
lp_strpool_get(struct lp_strpool *pl, const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	uint64_t *head;
	struct lp_pooled *e;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	head = lp_u64map_get(&pl->index, h);
	for (e = head ? pl->all[*head - 1] : NULL; e; e = e->next)
		if (e->n == n && (n == 0 || memcmp(e->s, p, n) == 0))
			return e->s;
	if (pl->n == pl->cap) {
		size_t nc = pl->cap ? pl->cap * 2 : 64;
		struct lp_pooled **na = realloc(pl->all, nc * sizeof *na);
		if (!na)
			return NULL;
		pl->all = na;
		pl->cap = nc;
	}
	if (!(e = malloc(sizeof *e + n + 1)))
		return NULL;
	e->n = n;
	if (n)
		memcpy(e->s, p, n);
	e->s[n] = '\0';
	e->next = head ? pl->all[*head - 1] : NULL;
	if (lp_u64map_put(&pl->index, h, pl->n + 1) < 0) {
		free(e);
		return NULL;
	}
	pl->all[pl->n++] = e;
	return e->s;
}

void
lp_strpool_free(struct lp_strpool *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->all[i]);
	free(pl->all);
	lp_u64map_free(&pl->index);
	memset(pl, 0, sizeof *pl);
}
