/* arena.c - bump allocation with a budget */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"

struct lp_arena_chunk {
	struct lp_arena_chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

/*
 * Big chunks are 2 MiB-aligned and asked to be backed by huge pages: a
 * large profile touches hundreds of megabytes once, and taking a page
 * fault per 4 KiB of it cost as much time as the decoding itself.
 */
#define HUGE_PAGE ((size_t)2 << 20)

static struct lp_arena_chunk *
chunk_alloc(size_t *want)
{
	void *p;

	if (*want < HUGE_PAGE)
		return malloc(*want);
	*want = (*want + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	p = aligned_alloc(HUGE_PAGE, *want);
#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, *want, MADV_HUGEPAGE);
#endif
	return p;
}

/* Chunks grow so that big profiles do not call malloc per object. */
#define CHUNK_MIN ((size_t)64 << 10)
#define CHUNK_MAX ((size_t)16 << 20)

void
lp_arena_init(struct lp_arena *a, size_t budget)
{
	a->head = NULL;
	a->used = 0;
	a->budget = budget;
}

void
lp_arena_release(struct lp_arena *a)
{
	struct lp_arena_chunk *c, *next;

	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}

void *
lp_arena_alloc(struct lp_arena *a, size_t n)
{
	struct lp_arena_chunk *c = a->head;
	size_t size, want;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + 15) & ~(size_t)15;
	if (c && c->size - c->used >= n) {
		void *p = c->data + c->used;
		c->used += n;
		return p;
	}
	size = c ? c->size * 2 : CHUNK_MIN;
	if (size > CHUNK_MAX)
		size = CHUNK_MAX;
	if (size < n)
		size = n;
	want = sizeof(*c) + size;
	if (a->budget && (a->used > a->budget || want > a->budget - a->used)) {
		/* The doubled chunk does not fit: the budget's rest does,
		 * so that "over budget" means the budget is used up. */
		size_t left = a->used < a->budget ? a->budget - a->used : 0;
		if (left < sizeof(*c) + n)
			return NULL;
		want = left;
	}
	c = chunk_alloc(&want);
	if (!c)
		return NULL;
	size = want - sizeof(*c);
	a->used += want;
	c->size = size;
	c->used = n;
	/* Keep the chunk with free room at the head. */
	if (a->head && n == size) {
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	return c->data;
}

void *
lp_arena_calloc(struct lp_arena *a, size_t count, size_t size)
{
	size_t n;
	void *p;

	if (__builtin_mul_overflow(count, size, &n))
		return NULL;
	p = lp_arena_alloc(a, n ? n : 1);
	if (p)
		memset(p, 0, n);
	return p;
}

char *
lp_arena_strdup(struct lp_arena *a, const char *p, size_t n)
{
	char *s;

	if (n == SIZE_MAX)
		return NULL;
	s = lp_arena_alloc(a, n + 1);
	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}
