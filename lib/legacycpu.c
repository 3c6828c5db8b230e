/* legacycpu.c - the legacy binary CPU profile (Go <= 1.7, gperftools) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "legacycpu.h"
#include "u64map.h"
#include "util.h"

/*
 * The format (spec c.4): machine words of 4 or 8 bytes in the writer's
 * byte order.  A header 0, 3, 0, P, 0 (P the sampling period in
 * microseconds; a third word of 1 marks the Java agent's flavour), then
 * records "count, n, pc_1 … pc_n" (pc_1 the leaf), then the record
 * 0, 1, 0, then text: the process's /proc/self/maps (the Java flavour:
 * one "0xADDR name (file:line)" line per address).  The words carry no
 * length, so every count is checked against the bytes that are left
 * before anything is allocated.
 */

#define S(lit) ((struct lp_str){ (lit), sizeof(lit) - 1 })

struct words {
	const unsigned char *p;
	size_t len;
	unsigned w; /* 4 or 8 */
	int be;
};

static uint64_t
word_at(const struct words *d, size_t off)
{
	const unsigned char *b = d->p + off;
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < d->w; i++)
		v |= (uint64_t)b[d->be ? d->w - 1 - i : i] << (8 * i);
	return v;
}

/* Which word size and order make a header; 1 when one does. */
static int
find_header(const unsigned char *p, size_t len, struct words *d, int *java,
    uint64_t *period)
{
	/* pprof's order: 32-bit little, 32-bit big, 64-bit little, big. */
	static const struct {
		unsigned w;
		int be;
	} kinds[] = { { 4, 0 }, { 4, 1 }, { 8, 0 }, { 8, 1 } };
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct words t = { p, len, kinds[k].w, kinds[k].be };
		uint64_t h[5];
		unsigned i;

		if (len < 5 * (size_t)t.w)
			continue;
		for (i = 0; i < 5; i++)
			h[i] = word_at(&t, i * (size_t)t.w);
		if (h[0] == 0 && h[1] == 3 && (h[2] == 0 || h[2] == 1) &&
		    h[3] > 0 && h[4] == 0) {
			*d = t;
			*java = h[2] == 1;
			*period = h[3];
			return 1;
		}
	}
	return 0;
}

int
lp_legacycpu_match(const unsigned char *data, size_t len)
{
	struct words d;
	int java;
	uint64_t period;

	return find_header(data, len, &d, &java, &period);
}

/* ---- building the profile ---- */

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

/* Hex digits at *pp (at least one, value fits 64 bits); 0 or -1. */
static int
scan_hex(const char **pp, const char *e, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	int h;

	if (p >= e || hex_digit(*p) < 0)
		return -1;
	for (; p < e && (h = hex_digit(*p)) >= 0; p++) {
		if (x >> 60)
			return -1;
		x = x << 4 | (uint64_t)h;
	}
	*pp = p;
	*v = x;
	return 0;
}

static void
skip_space(const char **pp, const char *e)
{
	while (*pp < e && is_space(**pp))
		(*pp)++;
}

/*
 * One memory map line, trimmed, as pprof reads it: the /proc/self/maps
 * form "START-LIMIT PERMS OFFSET DEV:DEV INODE [FILE]" (kept only when
 * executable), or the brief form "START-LIMIT: FILE [… @OFFSET]".
 * Returns 1 with *m filled, 0 to skip the line.
 */
static int
map_line(const char *p, const char *e, struct lp_mapping *m)
{
	const char *q, *t;
	uint64_t dev;
	int exec = 0;

	memset(m, 0, sizeof(*m));
	if (scan_hex(&p, e, &m->start) < 0 || p >= e || *p != '-')
		return 0;
	p++;
	if (scan_hex(&p, e, &m->limit) < 0 || p >= e)
		return 0;
	if (*p == ':') {
		/* brief form */
		p++;
		skip_space(&p, e);
		for (t = p; t < e && !is_space(*t); t++)
			;
		if (t == p)
			return 0;
		m->file = lp_str_make(p, (size_t)(t - p));
		for (q = e; q > t && q[-1] != '@'; q--)
			;
		if (q > t && q[-1] == '@' && q - 1 > t && is_space(*t)) {
			const char *h = q;
			if (scan_hex(&h, e, &m->offset) < 0)
				m->offset = 0;
		}
		return 1;
	}
	if (!is_space(*p))
		return 0;
	skip_space(&p, e);
	for (t = p; t < e && (*t == '-' || *t == 'r' || *t == 'w' ||
	                         *t == 'x' || *t == 'p');
	     t++)
		if (*t == 'x')
			exec = 1;
	if (t == p || t >= e || !is_space(*t))
		return 0;
	p = t;
	skip_space(&p, e);
	if (scan_hex(&p, e, &m->offset) < 0 || p >= e || !is_space(*p))
		return 0;
	skip_space(&p, e);
	if (scan_hex(&p, e, &dev) < 0 || p >= e || *p != ':')
		return 0;
	p++;
	if (scan_hex(&p, e, &dev) < 0 || p >= e || !is_space(*p))
		return 0;
	skip_space(&p, e);
	for (t = p; t < e && *t >= '0' && *t <= '9'; t++)
		;
	if (t == p)
		return 0;
	p = t;
	skip_space(&p, e);
	for (t = p; t < e && !is_space(*t); t++)
		;
	m->file = lp_str_make(p, (size_t)(t - p));
	return exec;
}

/*
 * The next line of text[*cur..end) that is not blank, trimmed, in
 * [*s, *e); 0 at the end.
 */
static int
next_line(const char **cur, const char *end, const char **s, const char **e)
{
	while (*cur < end) {
		const char *p = *cur, *nl = memchr(p, '\n', (size_t)(end - p));
		const char *q = nl ? nl : end;

		*cur = nl ? nl + 1 : end;
		skip_space(&p, q);
		while (q > p && is_space(q[-1]))
			q--;
		if (p < q) {
			*s = p;
			*e = q;
			return 1;
		}
	}
	return 0;
}

/* Does p[0..n) contain lit? */
static int
contains(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit), i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, lit, k) == 0)
			return 1;
	return 0;
}

/* Is this (a shared library)?  pprof: `([.]so$|[.]so[._][0-9]+)` */
static int
is_lib(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++) {
		if (memcmp(p + i, ".so", 3) != 0)
			continue;
		if (i + 3 == n)
			return 1;
		if (i + 5 <= n && (p[i + 3] == '.' || p[i + 3] == '_') &&
		    p[i + 4] >= '0' && p[i + 4] <= '9')
			return 1;
	}
	return 0;
}

/* Could this mapping be the main binary (pprof's massageMappings)? */
static int
is_main(struct lp_str f)
{
	char buf[512];
	size_t i, n = 0;
	const char *s;

	/* The name with every "(deleted)" taken out, trimmed. */
	for (i = 0; i < f.n && n < sizeof(buf); i++) {
		if (f.n - i >= 9 && memcmp(f.p + i, "(deleted)", 9) == 0) {
			i += 8;
			continue;
		}
		buf[n++] = f.p[i];
	}
	s = buf;
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	return n && !is_lib(s, n) && s[0] != '[';
}

static int
adjacent(const struct lp_mapping *a, const struct lp_mapping *b)
{
	if (a->file.n && b->file.n &&
	    (a->file.n != b->file.n || memcmp(a->file.p, b->file.p, a->file.n)))
		return 0;
	if (a->limit != b->start)
		return 0;
	if (a->offset && b->offset &&
	    a->offset + (a->limit - a->start) != b->offset)
		return 0;
	return 1;
}

/*
 * Mappings from a memory map, arranged as pprof's massageMappings does:
 * split regions of one file joined, the main binary first.
 */
static int
parse_maps(struct lp_profile *p, const char *text, size_t len)
{
	const char *s, *e;
	struct lp_mapping m, *out;
	size_t n = 0, i;

	const char *cur = text, *end = text + len;

	while (next_line(&cur, end, &s, &e))
		if (map_line(s, e, &m))
			n++;
	/* Room for the catch-all mapping of assign_mappings too. */
	out = lp_arena_calloc(&p->arena, n + 1, sizeof(*out));
	if (!out)
		return -1;
	n = 0;
	cur = text;
	while (next_line(&cur, end, &s, &e)) {
		if (!map_line(s, e, &m))
			continue;
		if (n && adjacent(&out[n - 1], &m)) {
			out[n - 1].limit = m.limit;
			if (m.file.n)
				out[n - 1].file = m.file;
			continue;
		}
		out[n++] = m;
	}
	for (i = 0; i < n; i++) {
		if (is_main(out[i].file)) {
			m = out[0];
			out[0] = out[i];
			out[i] = m;
			break;
		}
	}
	p->mappings = out;
	p->nmappings = n;
	return 0;
}

/* Comparisons spent matching locations to mappings, at most: a map of
 * overlapping regions must not make the decoder quadratic. */
#define MAP_WORK_MAX ((size_t)1 << 26)

/* pprof's remapMappingIDs: each location to the mapping holding it. */
static void
assign_mappings(struct lp_profile *p)
{
	struct lp_mapping *mp = p->mappings;
	size_t i, j, work = 0, fake = 0;

	if (p->nmappings > 1 &&
	    lp_str_has_prefix(mp[0].file, "/anon_hugepage") &&
	    mp[0].limit == mp[1].start) {
		p->mappings++;
		p->nmappings--;
		mp = p->mappings;
	}
	if (p->nmappings && mp[0].start - mp[0].offset == 0x400000) {
		mp[0].start = 0x400000;
		mp[0].offset = 0;
	}
	for (i = 0; i < p->nlocations; i++) {
		struct lp_location *l = &p->locations[i];
		uint64_t a = l->addr;

		if (!a || work > MAP_WORK_MAX)
			continue;
		work += 2 * p->nmappings;
		for (j = 0; j < p->nmappings; j++)
			if (mp[j].start <= a && a < mp[j].limit)
				break;
		if (j == p->nmappings) {
			/* Legacy writers left out the first part of a
			 * mapping split in two. */
			for (j = 0; j < p->nmappings; j++)
				if (mp[j].offset &&
				    mp[j].start - mp[j].offset <= a &&
				    a < mp[j].start) {
					mp[j].start -= mp[j].offset;
					mp[j].offset = 0;
					break;
				}
		}
		if (j == p->nmappings) {
			/* Go's writer had no map: one mapping for all. */
			if (!fake) {
				/* parse_maps left room for it */
				mp[p->nmappings].start = 0;
				mp[p->nmappings].limit = UINT64_MAX;
				fake = ++p->nmappings;
			}
			j = fake - 1;
		}
		l->mapping = j + 1;
	}
	for (i = 0; i < p->nmappings; i++)
		mp[i].id = i + 1;
}

/*
 * The Java flavour's trailer: "0xADDR name (file:line)", "0xADDR name
 * (path)", or "0xADDR name" (agent states such as "GC").
 */
static void
java_symbols(struct lp_profile *p, const struct lp_u64map *tab,
    const char *text, size_t len)
{
	const char *s, *e, *cur = text, *end = text + len;

	while (next_line(&cur, end, &s, &e)) {
		const char *q = s, *open = NULL, *t;
		struct lp_location *l;
		struct lp_frame *f;
		uint64_t a, *ix;

		if (e - q < 3 || q[0] != '0' || q[1] != 'x')
			continue;
		q += 2;
		if (scan_hex(&q, e, &a) < 0 || q >= e || !is_space(*q))
			continue;
		skip_space(&q, e);
		if (!(ix = lp_u64map_get(tab, a)))
			continue; /* an address no sample uses */
		l = &p->locations[*ix];
		f = &l->frames[0];
		f->flags = 0;
		f->fn = lp_str_make(q, (size_t)(e - q));
		if (e[-1] == ')')
			for (t = e - 1; t > q + 1; t--)
				if (t[-1] == '(' && is_space(t[-2])) {
					open = t - 1;
					break;
				}
		if (open) {
			const char *fe = open, *in = open + 1, *c = e - 1;
			while (fe > q && is_space(fe[-1]))
				fe--;
			f->fn = lp_str_make(q, (size_t)(fe - q));
			/* "(file:line)": the line may be negative */
			while (c > in && c[-1] >= '0' && c[-1] <= '9')
				c--;
			if (c < e - 1 && c > in && c[-1] == '-')
				c--;
			if (c < e - 1 && c - 1 > in && c[-1] == ':') {
				int64_t ln = 0;
				const char *d = *c == '-' ? c + 1 : c;
				f->file = lp_str_make(in, (size_t)(c - 1 - in));
				for (; d < e - 1 && ln < INT32_MAX; d++)
					ln = ln * 10 + (*d - '0');
				f->line = *c == '-' ? 0 : ln;
			} else {
				/* a library path: only its base name */
				const char *b = e - 1;
				while (b > in && b[-1] != '/')
					b--;
				f->file = lp_str_make(b, (size_t)(e - 1 - b));
			}
		} else if (contains(q, (size_t)(e - q), "generated stub/JIT")) {
			f->fn = S("STUB");
		}
		l->addr = 0;
	}
}

static int
build(struct lp_profile *p, const uint64_t *addrs,
    const struct lp_legacy_stack *st, size_t ns, const char *text,
    size_t textlen, int java, struct lp_error *err)
{
	size_t total = 0, i, j, nloc = 0;
	struct lp_u64map tab = { 0 }; /* address -> location index */
	uint64_t *locaddr = NULL;
	int rc = -LP_ENOMEM;

	for (i = 0; i < ns; i++)
		total += st[i].n;
	locaddr = malloc((total ? total : 1) * sizeof(*locaddr));
	p->samples =
	    lp_arena_calloc(&p->arena, ns ? ns : 1, sizeof(*p->samples));
	if (!locaddr || !p->samples)
		goto out;
	/* One location per distinct address, numbered in order of first
	 * use, as pprof's remapLocationIDs numbers them. */
	for (i = 0; i < ns; i++) {
		struct lp_sample *s = &p->samples[i];
		s->nlocs = st[i].n;
		s->values = lp_arena_alloc(
		    &p->arena, p->nsample_types * sizeof(*s->values));
		s->locs = lp_arena_alloc(
		    &p->arena, (s->nlocs ? s->nlocs : 1) * sizeof(*s->locs));
		if (!s->values || !s->locs)
			goto out;
		memcpy(
		    s->values, st[i].v, p->nsample_types * sizeof(*s->values));
		for (j = 0; j < s->nlocs; j++) {
			uint64_t a = addrs[st[i].off + j];
			uint64_t *ix = lp_u64map_get(&tab, a);
			if (!ix) {
				if (lp_u64map_put(&tab, a, nloc) < 0)
					goto out;
				locaddr[nloc++] = a;
				s->locs[j] = (uint32_t)(nloc - 1);
			} else {
				s->locs[j] = (uint32_t)*ix;
			}
		}
	}
	p->nsamples = ns;
	p->locations =
	    lp_arena_calloc(&p->arena, nloc ? nloc : 1, sizeof(*p->locations));
	if (!p->locations)
		goto out;
	p->nlocations = nloc;
	for (i = 0; i < nloc; i++) {
		struct lp_location *l = &p->locations[i];
		char hex[24];
		int n = snprintf(hex, sizeof(hex), "0x%" PRIx64, locaddr[i]);

		l->id = i + 1;
		l->addr = locaddr[i];
		l->nframes = 1;
		l->frames = lp_arena_calloc(&p->arena, 1, sizeof(*l->frames));
		if (!l->frames || !(l->frames[0].fn.p = lp_arena_strdup(
		                        &p->arena, hex, (size_t)n)))
			goto out;
		l->frames[0].fn.n = (size_t)n;
		l->frames[0].file = S("");
		l->frames[0].addr = locaddr[i];
		l->frames[0].flags = LP_FRAME_HAS_ADDR;
	}
	if (java) {
		java_symbols(p, &tab, text, textlen);
	} else {
		if (parse_maps(p, text, textlen) < 0)
			goto out;
		assign_mappings(p);
	}
	rc = 0;
out:
	lp_u64map_free(&tab);
	free(locaddr);
	if (rc < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	return rc;
}

int
lp_legacy_build(struct lp_profile *p, const uint64_t *addrs,
    const struct lp_legacy_stack *stacks, size_t nstacks, const char *maps,
    size_t mapslen, struct lp_error *err)
{
	return build(p, addrs, stacks, nstacks, maps ? maps : "",
	    maps ? mapslen : 0, 0, err);
}

/* ---- the binary records ---- */

/* Remove element k of stack s. */
static void
drop_frame(uint64_t *addrs, struct lp_legacy_stack *s, size_t k)
{
	uint64_t *a = addrs + s->off;

	memmove(a + k, a + k + 1, (s->n - k - 1) * sizeof(*a));
	s->n--;
}

/*
 * pprof's cleanup of C++ profiles.  When (almost) every sample has the
 * same second frame, it is the signal handler's, not the program's:
 * remove it, twice at most.  Then remove a leaf that the unwinder
 * reported twice (once as is, once moved back by one).
 */
static void
strip_handler_frames(uint64_t *addrs, struct lp_legacy_stack *st, size_t ns)
{
	size_t margin = ns / 32, iter, i, count;
	uint64_t cand = 0;

	for (iter = 0; iter < 2; iter++) {
		size_t votes = 0;
		/* At most one address can be that common (more than half
		 * the samples), so a majority vote finds the candidate. */
		for (i = 0; i < ns; i++) {
			uint64_t a;
			if (st[i].n < 2)
				continue;
			a = addrs[st[i].off + 1];
			if (votes == 0)
				cand = a;
			votes += a == cand ? 1 : (size_t)-1;
		}
		for (count = 0, i = 0; i < ns; i++)
			if (st[i].n > 1 && addrs[st[i].off + 1] == cand)
				count++;
		if (count == 0 || count < ns - margin)
			continue;
		for (i = 0; i < ns; i++)
			if (st[i].n > 1 && addrs[st[i].off + 1] == cand)
				drop_frame(addrs, &st[i], 1);
	}
	for (i = 0; i < ns; i++)
		if (st[i].n > 1 && addrs[st[i].off] == addrs[st[i].off + 1] + 1)
			drop_frame(addrs, &st[i], 1);
}

int
lp_legacycpu_decode(const unsigned char *data, size_t len, struct lp_profile *p,
    struct lp_error *err)
{
	static const struct lp_valuetype types[2] = {
		{ { "samples", 7 }, { "count", 5 } },
		{ { "cpu", 3 }, { "nanoseconds", 11 } },
	};
	struct words d;
	struct lp_legacy_stack *st = NULL;
	uint64_t *addrs = NULL, period_us;
	int64_t period;
	size_t pos, ns = 0, na = 0, i, trailer, w;
	int java, rc;

	if (!find_header(data, len, &d, &java, &period_us))
		return lp_error_set(err, LP_EDATA,
		    "not a legacy CPU profile: no header words 0, 3, 0, "
		    "period, 0");
	w = d.w;
	if (period_us > INT64_MAX / 1000)
		return lp_error_set(err, LP_EDATA,
		    "word 4 at byte %zu: sampling period %" PRIu64
		    " us out of range",
		    3 * w, period_us);
	period = (int64_t)period_us * 1000;
	p->format = "legacy-cpu";
	p->sample_types = lp_arena_alloc(&p->arena, sizeof(types));
	if (!p->sample_types)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	memcpy(p->sample_types, types, sizeof(types));
	p->nsample_types = 2;
	p->default_type = 1;
	p->period_type = types[1];
	p->period = period;

	/* Pass 1: check every record against the bytes left, and count. */
	trailer = len;
	for (pos = 5 * w; pos < len;) {
		uint64_t count, n;
		size_t left = (len - pos) / w;

		if (len - pos < 2 * w)
			return lp_error_set(err, LP_EDATA,
			    "word %zu at byte %zu: data cut short inside a "
			    "record header (%zu bytes left)",
			    pos / w + 1, pos, len - pos);
		count = word_at(&d, pos);
		n = word_at(&d, pos + w);
		if (n > left - 2)
			return lp_error_set(err, LP_EDATA,
			    "word %zu at byte %zu: stack of %" PRIu64
			    " pcs runs past the end (%zu words left)",
			    pos / w + 2, pos + w, n, left - 2);
		if (count == 0 && n == 1 && word_at(&d, pos + 2 * w) == 0) {
			trailer = pos + 3 * w;
			break;
		}
		if (count > (uint64_t)(INT64_MAX / period))
			return lp_error_set(err, LP_EDATA,
			    "word %zu at byte %zu: sample count %" PRIu64
			    " out of range",
			    pos / w + 1, pos, count);
		ns++;
		na += (size_t)n;
		pos += (2 + (size_t)n) * w;
	}

	/* Pass 2: the stacks; both arrays are bounded by len. */
	st = malloc((ns ? ns : 1) * sizeof(*st));
	addrs = malloc((na ? na : 1) * sizeof(*addrs));
	if (!st || !addrs) {
		rc = lp_error_set(err, LP_ENOMEM, "out of memory");
		goto out;
	}
	na = 0;
	for (pos = 5 * w, i = 0; i < ns; i++) {
		uint64_t count = word_at(&d, pos);
		size_t n = (size_t)word_at(&d, pos + w), k;

		pos += 2 * w;
		st[i].off = na;
		st[i].n = n;
		st[i].v[0] = (int64_t)count;
		st[i].v[1] = (int64_t)count * period;
		for (k = 0; k < n; k++, pos += w) {
			uint64_t a = word_at(&d, pos);
			/* Return addresses point after the call; the leaf
			 * is where the signal hit and stays. */
			if (k > 0 && !java)
				a--;
			addrs[na++] = a;
		}
	}
	if (!java)
		strip_handler_frames(addrs, st, ns);
	rc = build(p, addrs, st, ns, (const char *)data + trailer,
	    len - trailer, java, err);
out:
	free(st);
	free(addrs);
	return rc;
}
