/* arena.h - bump allocation for everything one decoded unit owns */
#ifndef LP_ARENA_H
#define LP_ARENA_H

#include <stddef.h>

/*
 * A decoded profile or dump is many small objects that all die together,
 * so they come from one arena and are freed in one call.  A budget caps
 * the total, so a file that lies about its sizes hits a clean error
 * instead of exhausting memory.
 */
struct lp_arena {
	struct lp_arena_chunk *head;
	size_t used;   /* bytes handed out and chunk overhead */
	size_t budget; /* 0 = unlimited */
};

void lp_arena_init(struct lp_arena *a, size_t budget);
/* Free every chunk; the arena may be reused afterwards. */
void lp_arena_release(struct lp_arena *a);
/* n bytes, 16-byte aligned, uninitialised; NULL when over budget or OOM. */
void *lp_arena_alloc(struct lp_arena *a, size_t n);
/* count * size bytes, zeroed; NULL on overflow, over budget or OOM. */
void *lp_arena_calloc(struct lp_arena *a, size_t count, size_t size);
/* A copy of n bytes plus a NUL. */
char *lp_arena_strdup(struct lp_arena *a, const char *p, size_t n);

#endif
