/* u64map.h - a hash map from 64-bit ids to 64-bit values */
#ifndef LP_U64MAP_H
#define LP_U64MAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Trace decoding keys everything by ids the file chooses (goroutines,
 * threads, stacks, strings, pcs), so it needs one small, fast map:
 * open addressing with linear probing, deletion by backward shift.  A
 * zeroed struct is an empty map.
 */
struct lp_u64map {
	uint64_t *keys;
	uint64_t *vals;
	uint8_t *used;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

/* The value slot of key, or NULL when absent. */
uint64_t *lp_u64map_get(const struct lp_u64map *m, uint64_t key);
/* Insert or overwrite; returns 0, or -1 when out of memory. */
int lp_u64map_put(struct lp_u64map *m, uint64_t key, uint64_t val);
/*
 * The value slot of key, added holding 0 when absent (so a caller that
 * keeps index + 1 tells a new key by the 0); NULL when out of memory.
 * One probe where a get and a put take two.  The pointer is borrowed,
 * good until the next change to the map.
 */
uint64_t *lp_u64map_slot(struct lp_u64map *m, uint64_t key);
/* Remove key if present. */
void lp_u64map_del(struct lp_u64map *m, uint64_t key);
/* Empty the map, keeping its memory. */
void lp_u64map_clear(struct lp_u64map *m);
void lp_u64map_free(struct lp_u64map *m);

#endif
