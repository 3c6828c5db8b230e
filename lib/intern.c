/* intern.c - one id per distinct stack, for a whole output stream */
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "util.h"

struct entry {
	uint64_t hash, id;
	char *json;
	size_t len;
};

struct lp_intern {
	struct entry *tab; /* open addressing, power-of-two size */
	size_t size, count;
	uint64_t next_id;
};

struct lp_intern *
lp_intern_new(void)
{
	struct lp_intern *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->size = 1024;
	in->tab = calloc(in->size, sizeof(*in->tab));
	if (!in->tab) {
		free(in);
		return NULL;
	}
	in->next_id = 1;
	return in;
}

void
lp_intern_free(struct lp_intern *in)
{
	size_t i;

	if (!in)
		return;
	for (i = 0; i < in->size; i++)
		free(in->tab[i].json);
	free(in->tab);
	free(in);
}

static int
grow(struct lp_intern *in)
{
	size_t nsize = in->size * 2, i;
	struct entry *nt = calloc(nsize, sizeof(*nt));

	if (!nt)
		return -1;
	for (i = 0; i < in->size; i++) {
		struct entry *e = &in->tab[i];
		size_t j;
		if (!e->id)
			continue;
		for (j = e->hash & (nsize - 1); nt[j].id; j = (j + 1) & (nsize - 1))
			;
		nt[j] = *e;
	}
	free(in->tab);
	in->tab = nt;
	in->size = nsize;
	return 0;
}

uint64_t
lp_intern_stack(struct lp_intern *in, struct lp_out *o, const char *json,
    size_t n)
{
	uint64_t h = lp_hash(json, n, 0);
	size_t j;
	struct entry *e;

	if (in->count * 2 >= in->size && grow(in) < 0)
		return 0;
	for (j = h & (in->size - 1); in->tab[j].id; j = (j + 1) & (in->size - 1)) {
		e = &in->tab[j];
		if (e->hash == h && e->len == n && memcmp(e->json, json, n) == 0)
			return e->id;
	}
	e = &in->tab[j];
	e->json = malloc(n ? n : 1);
	if (!e->json)
		return 0;
	memcpy(e->json, json, n);
	e->len = n;
	e->hash = h;
	e->id = in->next_id++;
	in->count++;

	lp_out_lit(o, "{\"kind\":\"stack\",\"id\":");
	lp_out_uint(o, e->id);
	lp_out_lit(o, ",\"frames\":");
	lp_out_raw(o, json, n);
	lp_out_ch(o, '}');
	lp_out_end(o);
	return e->id;
}
