/* u64map.c - open addressing with linear probing */
#include <stdlib.h>
#include <string.h>

#include "u64map.h"

static size_t
slot(uint64_t key, size_t cap)
{
	/* Fibonacci hashing: ids are often small and dense. */
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

uint64_t *
lp_u64map_get(const struct lp_u64map *m, uint64_t key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = slot(key, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return &m->vals[i];
	return NULL;
}

static int
grow(struct lp_u64map *m)
{
	struct lp_u64map big = { 0 };
	size_t i;

	big.cap = m->cap ? m->cap * 2 : 16;
	big.keys = malloc(big.cap * sizeof *big.keys);
	big.vals = malloc(big.cap * sizeof *big.vals);
	big.used = calloc(big.cap, 1);
	if (!big.keys || !big.vals || !big.used) {
		lp_u64map_free(&big);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->used[i])
			continue;
		size_t j = slot(m->keys[i], big.cap);
		while (big.used[j])
			j = (j + 1) & (big.cap - 1);
		big.used[j] = 1;
		big.keys[j] = m->keys[i];
		big.vals[j] = m->vals[i];
	}
	big.n = m->n;
	lp_u64map_free(m);
	*m = big;
	return 0;
}

uint64_t *
lp_u64map_slot(struct lp_u64map *m, uint64_t key)
{
	size_t i = 0;

	if (m->cap) {
		for (i = slot(key, m->cap); m->used[i];
		     i = (i + 1) & (m->cap - 1))
			if (m->keys[i] == key)
				return &m->vals[i];
	}
	/* Absent, and i is where it goes, unless the map must grow. */
	if ((m->n + 1) * 4 > m->cap * 3) {
		if (grow(m) < 0)
			return NULL;
		for (i = slot(key, m->cap); m->used[i];
		     i = (i + 1) & (m->cap - 1))
			;
	}
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = 0;
	m->n++;
	return &m->vals[i];
}

int
lp_u64map_put(struct lp_u64map *m, uint64_t key, uint64_t val)
{
	uint64_t *v = lp_u64map_slot(m, key);

	if (!v)
		return -1;
	*v = val;
	return 0;
}

void
lp_u64map_del(struct lp_u64map *m, uint64_t key)
{
	size_t i, j, mask = m->cap - 1;

	if (m->cap == 0)
		return;
	for (i = slot(key, m->cap); m->used[i]; i = (i + 1) & mask)
		if (m->keys[i] == key)
			break;
	if (!m->used[i])
		return;
	/* Shift later members of the run back so no probe stops early. */
	for (j = (i + 1) & mask; m->used[j]; j = (j + 1) & mask) {
		size_t home = slot(m->keys[j], m->cap);
		/* Move j to i unless its home lies cyclically in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->used[i] = 0;
	m->n--;
}

void
lp_u64map_clear(struct lp_u64map *m)
{
	if (m->cap)
		memset(m->used, 0, m->cap);
	m->n = 0;
}

void
lp_u64map_free(struct lp_u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof *m);
}
