/* cluster.c - goroutines, samples and events grouped by signature */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cluster.h"
#include "strpool.h"
#include "u64map.h"
#include "util.h"

/* Creators and states kept per cluster, at most (then "other" is not
 * tracked: the counts still add up in "count"). */
#define CREATORS_MAX 64
#define STATES_MAX   64
/* Creators written per record. */
#define CREATORS_OUT 10

struct lp_clusterer {
	struct lp_sigspec spec;
	size_t members_max;
	struct lp_cluster *cl;
	size_t ncl, capcl;
	struct lp_u64map index; /* id (+ probe) -> cluster index + 1 */
	struct lp_arena arena;  /* signatures, sites, stacks */
	struct lp_strpool pool; /* state names, creator fn and file */
	struct lp_out sig;      /* the signature being built */
	char **vnames;          /* value types */
	size_t nv, capv;
	size_t *order; /* output order, after lp_clusterer_sort */
	size_t norder;
	uint64_t count, records;
};

struct lp_clusterer *
lp_clusterer_new(const struct lp_sigspec *spec, size_t members_max)
{
	struct lp_clusterer *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->spec = *spec;
	c->members_max = members_max;
	lp_arena_init(&c->arena, 0);
	if (lp_out_init(&c->sig, -1, 1024) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

void
lp_clusterer_free(struct lp_clusterer *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->ncl; i++) {
		free(c->cl[i].states);
		free(c->cl[i].vals);
		free(c->cl[i].has_val);
		free(c->cl[i].members);
		free(c->cl[i].creators);
	}
	free(c->cl);
	for (i = 0; i < c->nv; i++)
		free(c->vnames[i]);
	free(c->vnames);
	free(c->order);
	lp_u64map_free(&c->index);
	lp_arena_release(&c->arena);
	lp_strpool_free(&c->pool);
	lp_out_release(&c->sig);
	free(c);
}

size_t
lp_clusterer_find_value_type(const struct lp_clusterer *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nv; i++)
		if (strcmp(c->vnames[i], name) == 0)
			return i;
	return (size_t)-1;
}

size_t
lp_clusterer_value_type(struct lp_clusterer *c, const char *name, size_t len)
{
	size_t i;
	char *s;

	for (i = 0; i < c->nv; i++)
		if (strlen(c->vnames[i]) == len &&
		    memcmp(c->vnames[i], name, len) == 0)
			return i;
	if (lp_reserve((void **)&c->vnames, &c->capv, c->nv + 1,
	        sizeof(*c->vnames)) < 0 ||
	    !(s = malloc(len + 1)))
		return (size_t)-1;
	memcpy(s, name, len);
	s[len] = '\0';
	c->vnames[c->nv] = s;
	return c->nv++;
}

size_t
lp_clusterer_nvalue_types(const struct lp_clusterer *c)
{
	return c->nv;
}

const char *
lp_clusterer_value_name(const struct lp_clusterer *c, size_t i)
{
	return i < c->nv ? c->vnames[i] : NULL;
}

uint64_t
lp_clusterer_count(const struct lp_clusterer *c)
{
	return c->count;
}

uint64_t
lp_clusterer_records(const struct lp_clusterer *c)
{
	return c->records;
}

/* A frame whose strings live in the arena; 0 or -1. */
static int
copy_frame(struct lp_arena *a, struct lp_frame *dst, const struct lp_frame *f)
{
	char *fn = lp_arena_strdup(a, f->fn.p ? f->fn.p : "", f->fn.n);
	char *file = lp_arena_strdup(a, f->file.p ? f->file.p : "", f->file.n);

	if (!fn || !file)
		return -1;
	memset(dst, 0, sizeof(*dst));
	dst->fn = lp_str_make(fn, f->fn.n);
	dst->file = lp_str_make(file, f->file.n);
	dst->line = f->line;
	dst->flags = f->flags & LP_FRAME_INLINED;
	return 0;
}

static int
str_eq(struct lp_str a, struct lp_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* A new cluster for signature sig[0..n) with id; its index, or -1. */
static long
new_cluster(struct lp_clusterer *c, uint64_t id, const char *sig, size_t n,
    const struct lp_cluster_item *it, size_t site)
{
	struct lp_cluster *k;
	struct lp_frame *stack = NULL;
	char *s;
	size_t i;

	if (lp_reserve((void **)&c->cl, &c->capcl, c->ncl + 1, sizeof(*c->cl)) <
	        0 ||
	    !(s = lp_arena_strdup(&c->arena, sig, n)))
		return -1;
	if (it->nframes &&
	    !(stack = lp_arena_calloc(&c->arena, it->nframes, sizeof(*stack))))
		return -1;
	k = &c->cl[c->ncl];
	memset(k, 0, sizeof(*k));
	k->id = id;
	k->sig = s;
	k->siglen = n;
	k->wait_min = INT64_MAX;
	k->wait_max = -1;
	for (i = 0; i < it->nframes; i++)
		if (copy_frame(&c->arena, &stack[i], &it->frames[i]) < 0)
			return -1;
	k->stack = stack;
	k->nstack = it->nframes;
	if (site < it->nframes) {
		k->has_site = 1;
		k->site = stack[site];
	}
	return (long)c->ncl++;
}

/* The cluster of the signature in c->sig, found or made; index or -1. */
static long
find_cluster(
    struct lp_clusterer *c, const struct lp_cluster_item *it, size_t site)
{
	const char *sig = c->sig.buf;
	size_t n = c->sig.len;
	uint64_t id = lp_signature_id(sig, n), probe = id, *slot;
	long k;

	/* Two signatures with one id (never seen; 2^-64) probe on. */
	while ((slot = lp_u64map_get(&c->index, probe))) {
		struct lp_cluster *cl = &c->cl[*slot - 1];
		if (cl->siglen == n && (n == 0 || memcmp(cl->sig, sig, n) == 0))
			return (long)(*slot - 1);
		probe++;
	}
	if ((k = new_cluster(c, id, sig, n, it, site)) < 0)
		return -1;
	if (lp_u64map_put(&c->index, probe, (uint64_t)k + 1) < 0) {
		c->ncl--;
		return -1;
	}
	return k;
}

static int
add_state(
    struct lp_clusterer *c, struct lp_cluster *k, struct lp_str st, uint64_t w)
{
	size_t i;
	const char *name;

	for (i = 0; i < k->nstates; i++) {
		struct lp_cluster_state *s = &k->states[i];
		if (strlen(s->name) == st.n &&
		    (st.n == 0 || memcmp(s->name, st.p, st.n) == 0)) {
			s->count += w;
			/* The frequent ones drift to the front. */
			if (i > 0 && s->count > k->states[i - 1].count) {
				struct lp_cluster_state t = k->states[i - 1];
				k->states[i - 1] = *s;
				*s = t;
			}
			return 0;
		}
	}
	if (k->nstates == STATES_MAX)
		return 0;
	if (!(name = lp_strpool_get(&c->pool, st.p ? st.p : "", st.n)) ||
	    lp_reserve((void **)&k->states, &k->states_cap, k->nstates + 1,
	        sizeof(*k->states)) < 0)
		return -1;
	k->states[k->nstates].name = name;
	k->states[k->nstates].count = w;
	k->nstates++;
	return 0;
}

static int
add_creator(struct lp_clusterer *c, struct lp_cluster *k,
    const struct lp_frame *f, uint64_t w)
{
	size_t i;
	const char *fn, *file;
	struct lp_cluster_creator *cr;

	for (i = 0; i < k->ncreators; i++) {
		cr = &k->creators[i];
		if (cr->frame.line == f->line && str_eq(cr->frame.fn, f->fn) &&
		    str_eq(cr->frame.file, f->file)) {
			cr->count += w;
			if (i > 0 && cr->count > k->creators[i - 1].count) {
				struct lp_cluster_creator t =
				    k->creators[i - 1];
				k->creators[i - 1] = *cr;
				*cr = t;
			}
			return 0;
		}
	}
	if (k->ncreators == CREATORS_MAX)
		return 0;
	fn = lp_strpool_get(&c->pool, f->fn.p ? f->fn.p : "", f->fn.n);
	file = lp_strpool_get(&c->pool, f->file.p ? f->file.p : "", f->file.n);
	if (!fn || !file ||
	    lp_reserve((void **)&k->creators, &k->creators_cap,
	        k->ncreators + 1, sizeof(*k->creators)) < 0)
		return -1;
	cr = &k->creators[k->ncreators++];
	memset(cr, 0, sizeof(*cr));
	cr->frame.fn = lp_str_make(fn, f->fn.n);
	cr->frame.file = lp_str_make(file, f->file.n);
	cr->frame.line = f->line;
	cr->count = w;
	return 0;
}

/* Keep the smallest members_max ids: k->members is a max-heap. */
static int
add_member(struct lp_clusterer *c, struct lp_cluster *k, uint64_t id)
{
	uint64_t *h;
	size_t i, n;

	k->members_count++;
	if (c->members_max == 0)
		return 0;
	if (!k->members &&
	    !(k->members = malloc(c->members_max * sizeof(*k->members))))
		return -1;
	h = k->members;
	n = k->nmembers;
	if (n < c->members_max) {
		/* Sift up. */
		i = n;
		h[i] = id;
		while (i > 0 && h[(i - 1) / 2] < h[i]) {
			uint64_t t = h[(i - 1) / 2];
			h[(i - 1) / 2] = h[i];
			h[i] = t;
			i = (i - 1) / 2;
		}
		k->nmembers++;
		return 0;
	}
	if (id >= h[0])
		return 0;
	/* Replace the largest, sift down. */
	h[0] = id;
	i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		uint64_t t;
		if (l < n && h[l] > h[m])
			m = l;
		if (r < n && h[r] > h[m])
			m = r;
		if (m == i)
			break;
		t = h[m];
		h[m] = h[i];
		h[i] = t;
		i = m;
	}
	return 0;
}

static int
add_values(struct lp_cluster *k, const struct lp_cluster_item *it, size_t nv)
{
	size_t i;

	if (k->nvals < nv) {
		int64_t *v = realloc(k->vals, nv * sizeof(*v));
		unsigned char *h;
		if (!v)
			return -1;
		k->vals = v;
		h = realloc(k->has_val, nv);
		if (!h)
			return -1;
		k->has_val = h;
		memset(k->vals + k->nvals, 0, (nv - k->nvals) * sizeof(*v));
		memset(k->has_val + k->nvals, 0, nv - k->nvals);
		k->nvals = nv;
	}
	for (i = 0; i < it->nvals; i++) {
		size_t x = it->vidx[i];
		if (x >= nv)
			continue;
		/* Wraps like Go's int64 rather than overflow (UB). */
		k->vals[x] =
		    (int64_t)((uint64_t)k->vals[x] + (uint64_t)it->vals[i]);
		k->has_val[x] = 1;
	}
	return 0;
}

long
lp_clusterer_find(struct lp_clusterer *c, const struct lp_cluster_item *it,
    struct lp_error *err)
{
	size_t site;
	long ki;

	c->sig.len = 0;
	site = lp_signature_build(
	    &c->sig, &c->spec, it->frames, it->nframes, it->state, it->creator);
	if (c->sig.err || (ki = find_cluster(c, it, site)) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	return ki;
}

int
lp_clusterer_add(struct lp_clusterer *c, const struct lp_cluster_item *it,
    struct lp_error *err)
{
	long ki = lp_clusterer_find(c, it, err);

	return ki < 0 ? (int)ki : lp_clusterer_add_to(c, ki, it, err);
}

int
lp_clusterer_add_to(struct lp_clusterer *c, long ki,
    const struct lp_cluster_item *it, struct lp_error *err)
{
	struct lp_cluster *k = &c->cl[ki];

	k->count += it->weight;
	k->records++;
	c->count += it->weight;
	c->records++;
	if (it->state && add_state(c, k, *it->state, it->weight) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if (it->wait_ns >= 0) {
		if (it->wait_ns < k->wait_min)
			k->wait_min = it->wait_ns;
		if (it->wait_ns > k->wait_max)
			k->wait_max = it->wait_ns;
		k->wait_known += it->weight;
	}
	if (it->creator && it->creator->fn.n &&
	    add_creator(c, k, it->creator, it->weight) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if (it->has_gid && add_member(c, k, it->gid) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if (it->nvals && add_values(k, it, c->nv) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	return 0;
}

/* Sorting */

static const struct lp_clusterer *sort_c;
static const struct lp_cluster_write_opts *sort_w;

static int64_t
sort_key(const struct lp_cluster *k)
{
	switch (sort_w->sort) {
	case LP_CLUSTER_BY_WAIT: return k->wait_max;
	case LP_CLUSTER_BY_VALUE:
		if (sort_w->sort_value < k->nvals &&
		    k->has_val[sort_w->sort_value])
			return k->vals[sort_w->sort_value];
		return INT64_MIN;
	case LP_CLUSTER_BY_COUNT: break;
	}
	return 0;
}

static int
cmp_cluster(const void *pa, const void *pb)
{
	const struct lp_cluster *a = &sort_c->cl[*(const size_t *)pa];
	const struct lp_cluster *b = &sort_c->cl[*(const size_t *)pb];
	int64_t ka = sort_key(a), kb = sort_key(b);

	if (ka != kb)
		return ka > kb ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return strcmp(a->sig, b->sig);
}

static int
cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

size_t
lp_clusterer_sort(struct lp_clusterer *c, const struct lp_cluster_write_opts *w)
{
	size_t i;

	free(c->order);
	c->norder = 0;
	if (!c->ncl || !(c->order = malloc(c->ncl * sizeof(*c->order)))) {
		c->order = NULL;
		return 0;
	}
	for (i = 0; i < c->ncl; i++) {
		struct lp_cluster *k = &c->cl[i];
		c->order[i] = i;
		/* Members in ascending order from here on. */
		lp_sort(k->members, k->nmembers, sizeof(*k->members), cmp_u64);
	}
	sort_c = c;
	sort_w = w;
	lp_sort(c->order, c->ncl, sizeof(*c->order), cmp_cluster);
	sort_c = NULL;
	sort_w = NULL;
	c->norder = c->ncl;
	return c->norder;
}

const struct lp_cluster *
lp_clusterer_get(const struct lp_clusterer *c, size_t rank)
{
	return rank < c->norder ? &c->cl[c->order[rank]] : NULL;
}

void
lp_cluster_id_text(uint64_t id, char buf[17])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--) {
		buf[i] = hex[id & 0xf];
		id >>= 4;
	}
	buf[16] = '\0';
}

/* Writing */

static void
write_site(struct lp_out *o, const struct lp_frame *f)
{
	lp_out_lit(o, "{\"fn\":");
	lp_out_lstr(o, f->fn);
	lp_out_lit(o, ",\"file\":");
	lp_out_lstr(o, f->file);
	lp_out_lit(o, ",\"line\":");
	lp_out_int(o, f->line);
}

static void
write_pct(struct lp_out *o, uint64_t part, uint64_t whole)
{
	/* Three decimals, rounded, written exactly (no float formatting). */
	uint64_t milli;

	if (!whole) {
		lp_out_ch(o, '0');
		return;
	}
	milli = (uint64_t)((long double)part * 100000.0L / whole + 0.5L);
	lp_out_uint(o, milli / 1000);
	if (milli % 1000) {
		char d[4];
		int n = 3;
		d[0] = (char)('0' + milli % 1000 / 100);
		d[1] = (char)('0' + milli % 100 / 10);
		d[2] = (char)('0' + milli % 10);
		while (n > 0 && d[n - 1] == '0')
			n--;
		lp_out_ch(o, '.');
		lp_out_raw(o, d, (size_t)n);
	}
}

static void
write_cluster(const struct lp_clusterer *c, struct lp_out *o,
    const struct lp_cluster *k, size_t rank)
{
	char id[17];
	size_t i;
	int first;

	lp_cluster_id_text(k->id, id);
	lp_out_lit(o, "{\"kind\":\"cluster\",\"id\":\"");
	lp_out_raw(o, id, 16);
	lp_out_lit(o, "\",\"rank\":");
	lp_out_uint(o, rank + 1);
	lp_out_lit(o, ",\"signature\":");
	lp_out_str(o, k->sig, k->siglen);
	lp_out_lit(o, ",\"count\":");
	lp_out_uint(o, k->count);
	lp_out_lit(o, ",\"pct\":");
	write_pct(o, k->count, c->count);
	if (k->has_site) {
		lp_out_lit(o, ",\"site\":");
		write_site(o, &k->site);
		lp_out_ch(o, '}');
	}
	if (k->nstates) {
		lp_out_lit(o, ",\"states\":{");
		for (i = 0; i < k->nstates; i++) {
			if (i)
				lp_out_ch(o, ',');
			lp_out_cstr(o, k->states[i].name);
			lp_out_ch(o, ':');
			lp_out_uint(o, k->states[i].count);
		}
		lp_out_ch(o, '}');
	}
	if (k->wait_known) {
		lp_out_lit(o, ",\"wait_min_ns\":");
		lp_out_int(o, k->wait_min);
		lp_out_lit(o, ",\"wait_max_ns\":");
		lp_out_int(o, k->wait_max);
		lp_out_lit(o, ",\"wait_known\":");
		lp_out_uint(o, k->wait_known);
	}
	first = 1;
	for (i = 0; i < k->nvals; i++) {
		if (!k->has_val[i])
			continue;
		if (first)
			lp_out_lit(o, ",\"values\":{");
		else
			lp_out_ch(o, ',');
		first = 0;
		lp_out_cstr(o, c->vnames[i]);
		lp_out_ch(o, ':');
		lp_out_int(o, k->vals[i]);
	}
	if (!first)
		lp_out_ch(o, '}');
	if (k->members_count) {
		lp_out_lit(o, ",\"members\":[");
		for (i = 0; i < k->nmembers; i++) {
			if (i)
				lp_out_ch(o, ',');
			lp_out_uint(o, k->members[i]);
		}
		lp_out_lit(o, "],\"members_count\":");
		lp_out_uint(o, k->members_count);
	}
	lp_out_lit(o, ",\"stack\":[");
	for (i = 0; i < k->nstack; i++) {
		if (i)
			lp_out_ch(o, ',');
		write_site(o, &k->stack[i]);
		if (k->stack[i].flags & LP_FRAME_INLINED)
			lp_out_lit(o, ",\"inlined\":true");
		lp_out_ch(o, '}');
	}
	lp_out_ch(o, ']');
	if (k->ncreators) {
		lp_out_lit(o, ",\"creators\":[");
		for (i = 0; i < k->ncreators && i < CREATORS_OUT; i++) {
			if (i)
				lp_out_ch(o, ',');
			write_site(o, &k->creators[i].frame);
			lp_out_lit(o, ",\"count\":");
			lp_out_uint(o, k->creators[i].count);
			lp_out_ch(o, '}');
		}
		lp_out_ch(o, ']');
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
}

static int
cmp_state(const void *pa, const void *pb)
{
	const struct lp_cluster_state *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int
cmp_creator(const void *pa, const void *pb)
{
	const struct lp_cluster_creator *a = pa, *b = pb;
	size_t n;
	int r;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	n = a->frame.fn.n < b->frame.fn.n ? a->frame.fn.n : b->frame.fn.n;
	if ((r = memcmp(a->frame.fn.p, b->frame.fn.p, n)) != 0)
		return r;
	if (a->frame.fn.n != b->frame.fn.n)
		return a->frame.fn.n < b->frame.fn.n ? -1 : 1;
	return a->frame.line < b->frame.line   ? -1
	       : a->frame.line > b->frame.line ? 1
	                                       : 0;
}

int
lp_clusterer_write(struct lp_clusterer *c, struct lp_out *o,
    const struct lp_cluster_write_opts *w, struct lp_error *err)
{
	size_t i, n;

	n = lp_clusterer_sort(c, w);
	if (c->ncl && !c->order)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	for (i = 0; i < c->ncl; i++) {
		struct lp_cluster *k = &c->cl[i];
		lp_sort(k->states, k->nstates, sizeof(*k->states), cmp_state);
		lp_sort(k->creators, k->ncreators, sizeof(*k->creators),
		    cmp_creator);
	}
	lp_out_lit(o, "{\"kind\":\"stackcluster\",\"signature_by\":");
	lp_sigspec_write(o, &c->spec);
	lp_out_lit(o, ",\"clusters\":");
	lp_out_uint(o, c->ncl);
	lp_out_lit(o, ",\"count\":");
	lp_out_uint(o, c->count);
	lp_out_lit(o, ",\"records\":");
	lp_out_uint(o, c->records);
	lp_out_lit(o, ",\"inputs\":[");
	for (i = 0; i < w->ninputs && i < 100; i++) {
		if (i)
			lp_out_ch(o, ',');
		lp_out_cstr(o, w->inputs[i]);
	}
	lp_out_lit(o, "]}");
	lp_out_end(o);
	if (w->top && w->top < n)
		n = w->top;
	for (i = 0; i < n; i++)
		write_cluster(c, o, &c->cl[c->order[i]], i);
	return 0;
}
