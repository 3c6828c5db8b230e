/* threadz.c - the C++ "--- threadz" thread stack text */
#include <stdlib.h>
#include <string.h>

#include "legacycpu.h"
#include "threadz.h"
#include "util.h"

/*
 *	--- threadz 1 ---
 *	--- Thread 7f794ab90940 (name: main/14748) stack: ---
 *	  PC:  0x00bc8f1c: helper(arg *)
 *	  0x0040be31: main
 *	--- Thread 7f7948978700 (name: thread3/14759) stack: ---
 *	  [same as previous thread]
 *	--- Memory map: ---
 *	  00400000-00fcb000: /home/u/cppbench_server_main
 *
 * The names after the addresses are ignored, as pprof ignores them.
 */

struct line {
	const char *s, *e; /* trimmed */
	size_t no;
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

/* The next line of cur[0..end), blank or not; 0 at the end. */
static int
next(const char **cur, const char *end, struct line *l)
{
	const char *p = *cur, *nl, *q;

	if (p >= end)
		return 0;
	nl = memchr(p, '\n', (size_t)(end - p));
	q = nl ? nl : end;
	*cur = nl ? nl + 1 : end;
	while (p < q && is_space(*p))
		p++;
	while (q > p && is_space(q[-1]))
		q--;
	l->s = p;
	l->e = q;
	l->no++;
	return 1;
}

static int
has(const struct line *l, const char *lit)
{
	size_t k = strlen(lit), i, n = (size_t)(l->e - l->s);

	for (i = 0; i + k <= n; i++)
		if (memcmp(l->s + i, lit, k) == 0)
			return 1;
	return 0;
}

static int
starts(const struct line *l, const char *lit)
{
	size_t k = strlen(lit);
	return (size_t)(l->e - l->s) >= k && memcmp(l->s, lit, k) == 0;
}

static int
is_map_trigger(const struct line *l)
{
	return has(l, "--- Memory map: ---") || has(l, "MAPPED_LIBRARIES:");
}

/* "--- Thread HEX (name: NAME/TID) stack: ---" */
static int
is_thread_header(const struct line *l)
{
	const char *p = l->s + 11;
	size_t n = (size_t)(l->e - l->s);

	if (!starts(l, "--- Thread ") || n < 11 + 12 ||
	    memcmp(l->e - 12, ") stack: ---", 12) != 0)
		return 0;
	while (
	    p < l->e && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
	                    (*p >= 'A' && *p <= 'F')))
		p++;
	return p > l->s + 11 && l->e - p > 8 && memcmp(p, " (name: ", 8) == 0;
}

struct vec {
	void *p;
	size_t n, cap, size;
};

static void *
push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		void *q = realloc(v->p, cap * v->size);
		if (!q)
			return NULL;
		v->p = q;
		v->cap = cap;
	}
	return (char *)v->p + v->n++ * v->size;
}

/* Every "0x…" (lowercase hex, as pprof's pattern) of line l into a. */
static int
hex_words(
    const struct line *l, struct vec *a, size_t first, struct lp_error *err)
{
	const char *p = l->s;

	while (l->e - p >= 3) {
		const char *q;
		uint64_t v = 0, *w;

		if (p[0] != '0' || p[1] != 'x' ||
		    !((p[2] >= '0' && p[2] <= '9') ||
		        (p[2] >= 'a' && p[2] <= 'f'))) {
			p++;
			continue;
		}
		for (q = p + 2; q < l->e && ((*q >= '0' && *q <= '9') ||
		                                (*q >= 'a' && *q <= 'f'));
		     q++) {
			if (v >> 60)
				return lp_error_set(err, LP_EDATA,
				    "line %zu: address '%.*s' out of range",
				    l->no, (int)(q - p > 40 ? 40 : q - p), p);
			v = v << 4 |
			    (uint64_t)(*q <= '9' ? *q - '0' : *q - 'a' + 10);
		}
		if (!(w = push(a)))
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		/* Callers point after their call instruction. */
		*w = a->n - 1 > first ? v - 1 : v;
		p = q;
	}
	return 0;
}

int
lp_threadz_decode(const unsigned char *data, size_t len, struct lp_profile *p,
    struct lp_error *err)
{
	static const struct lp_valuetype type = { { "thread", 6 },
		{ "count", 5 } };
	const char *cur = (const char *)data, *end = cur + len;
	const char *maps = NULL;
	struct vec addrs = { NULL, 0, 0, sizeof(uint64_t) };
	struct vec st = { NULL, 0, 0, sizeof(struct lp_legacy_stack) };
	struct line l = { NULL, NULL, 0 };
	int rc = 0, more;

	p->format = "threadz-text";
	p->sample_types = lp_arena_alloc(&p->arena, sizeof(type));
	if (!p->sample_types)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	p->sample_types[0] = type;
	p->nsample_types = 1;
	p->period_type = type;
	p->period = 1;

	do {
		if (!next(&cur, end, &l))
			return lp_error_set(err, LP_EDATA, "no threadz header");
	} while (l.s == l.e || *l.s == '#');
	if (starts(&l, "--- threadz ")) {
		/* Comments up to the first thread. */
		while ((more = next(&cur, end, &l)) &&
		       !(l.s < l.e && *l.s == '-') && !is_map_trigger(&l))
			;
		if (!more)
			goto build;
	} else if (!is_thread_header(&l)) {
		return lp_error_set(
		    err, LP_EDATA, "line %zu: not a threadz header", l.no);
	}
	while (!is_map_trigger(&l)) {
		struct lp_legacy_stack *s;
		size_t first = addrs.n;
		int same = 0;

		if (starts(&l, "---- no stack trace for")) {
			/* The rest: whatever comes before a memory map. */
			while (
			    (more = next(&cur, end, &l)) && !is_map_trigger(&l))
				;
			break;
		}
		if (!is_thread_header(&l)) {
			char b[41];
			rc = lp_error_set(err, LP_EDATA,
			    "line %zu: not a thread header: '%s'", l.no,
			    lp_shown(b, l.s, (size_t)(l.e - l.s)));
			goto out;
		}
		while ((more = next(&cur, end, &l)) && !starts(&l, "---")) {
			if (has(&l, "same as previous thread"))
				same = 1;
			else if ((rc = hex_words(&l, &addrs, first, err)) < 0)
				goto out;
		}
		if (same || addrs.n == first) {
			/* pprof: no addresses means "same as before". */
			addrs.n = first;
			if (st.n)
				((struct lp_legacy_stack *)st.p)[st.n - 1]
				    .v[0]++;
		} else {
			if (!(s = push(&st))) {
				rc = lp_error_set(
				    err, LP_ENOMEM, "out of memory");
				goto out;
			}
			s->off = first;
			s->n = addrs.n - first;
			s->v[0] = 1;
			s->v[1] = 0;
		}
		if (!more)
			break;
	}
build:
	if (cur <= end && is_map_trigger(&l))
		maps = cur;
	rc = lp_legacy_build(
	    p, addrs.p, st.p, st.n, maps, maps ? (size_t)(end - maps) : 0, err);
out:
	free(addrs.p);
	free(st.p);
	return rc;
}
