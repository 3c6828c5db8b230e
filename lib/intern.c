/* intern.c - one id per distinct stack, for a whole output stream */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "frame.h"
#include "intern.h"
#include "util.h"

/* A set of byte strings, each with the id it was given (1, 2, …). */
struct entry {
	uint64_t hash, id;
	const char *key;
	size_t len;
};

struct table {
	struct entry *tab; /* open addressing, power-of-two size */
	size_t size, count;
};

struct lp_intern {
	struct table stacks; /* rendered frames array -> stack id */
	struct table frags;  /* one location's rendered frames -> frag id */
	struct table seqs;   /* sequence of frag ids -> stack id */
	uint64_t next_stack, next_frag;
	struct lp_arena keys;  /* copies of every key */
	struct lp_out scratch; /* a stack being rendered, reused */
};

struct lp_intern *
lp_intern_new(void)
{
	struct lp_intern *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->next_stack = in->next_frag = 1;
	lp_arena_init(&in->keys, 0);
	if (lp_out_init(&in->scratch, -1, 4096) < 0) {
		free(in);
		return NULL;
	}
	return in;
}

void
lp_intern_free(struct lp_intern *in)
{
	if (!in)
		return;
	free(in->stacks.tab);
	free(in->frags.tab);
	free(in->seqs.tab);
	lp_arena_release(&in->keys);
	lp_out_release(&in->scratch);
	free(in);
}

static int
grow(struct table *t)
{
	size_t nsize = t->size ? t->size * 2 : 1024, i, j;
	struct entry *nt = calloc(nsize, sizeof(*nt));

	if (!nt)
		return -1;
	for (i = 0; i < t->size; i++) {
		if (!t->tab[i].id)
			continue;
		for (j = t->tab[i].hash & (nsize - 1); nt[j].id;
		     j = (j + 1) & (nsize - 1))
			;
		nt[j] = t->tab[i];
	}
	free(t->tab);
	t->tab = nt;
	t->size = nsize;
	return 0;
}

/*
 * The entry for key, added with the id *next++ when absent (*added set).
 * NULL when out of memory.
 */
static struct entry *
lookup(struct lp_intern *in, struct table *t, const void *key, size_t n,
    uint64_t *next, int *added)
{
	uint64_t h = lp_hash(key, n, 0);
	struct entry *e;
	size_t j;
	char *copy;

	*added = 0;
	if (t->count * 2 >= t->size && grow(t) < 0)
		return NULL;
	for (j = h & (t->size - 1); t->tab[j].id; j = (j + 1) & (t->size - 1)) {
		e = &t->tab[j];
		if (e->hash == h && e->len == n && memcmp(e->key, key, n) == 0)
			return e;
	}
	if (!(copy = lp_arena_alloc(&in->keys, n ? n : 1)))
		return NULL;
	memcpy(copy, key, n);
	e = &t->tab[j];
	e->key = copy;
	e->len = n;
	e->hash = h;
	e->id = (*next)++;
	t->count++;
	*added = 1;
	return e;
}

static void
write_stack_head(struct lp_out *o, uint64_t id)
{
	lp_out_lit(o, "{\"kind\":\"stack\",\"id\":");
	lp_out_uint(o, id);
	lp_out_lit(o, ",\"frames\":");
}

uint64_t
lp_intern_stack(
    struct lp_intern *in, struct lp_out *o, const char *json, size_t n)
{
	int added;
	struct entry *e =
	    lookup(in, &in->stacks, json, n, &in->next_stack, &added);

	if (!e)
		return 0;
	if (added) {
		write_stack_head(o, e->id);
		lp_out_raw(o, json, n);
		lp_out_ch(o, '}');
		lp_out_end(o);
	}
	return e->id;
}

uint32_t
lp_intern_frag(struct lp_intern *in, const char *json, size_t n)
{
	int added;
	struct entry *e =
	    lookup(in, &in->frags, json, n, &in->next_frag, &added);

	return e ? (uint32_t)e->id : 0;
}

uint64_t
lp_intern_frags(struct lp_intern *in, struct lp_out *o, const uint32_t *frags,
    size_t n, void (*render)(struct lp_out *o, void *ctx), void *ctx)
{
	int added;
	struct entry *e = lookup(
	    in, &in->seqs, frags, n * sizeof(*frags), &in->next_stack, &added);

	if (!e)
		return 0;
	if (added) {
		write_stack_head(o, e->id);
		render(o, ctx);
		lp_out_ch(o, '}');
		lp_out_end(o);
	}
	return e->id;
}

uint64_t
lp_intern_frames(struct lp_intern *in, struct lp_out *o,
    const struct lp_frame *f, size_t n, unsigned flags)
{
	in->scratch.len = 0;
	lp_stack_write(&in->scratch, f, n, flags);
	if (lp_out_error(&in->scratch))
		return 0;
	return lp_intern_stack(in, o, in->scratch.buf, in->scratch.len);
}
