/* legacytext.c - the ?debug=1 text profiles: heap, counts, contention */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "legacytext.h"
#include "limits.h"
#include "util.h"

/*
 * The three layouts (spec c.1-c.3) share everything below the header: a
 * record line with numbers and "@ PC…", optional "# labels:" line, "#"
 * frame lines, a blank line.  One pass reads them; the values are
 * computed exactly as pprof's legacy importer computes them, so our
 * numbers equal `go tool pprof -raw` for the same file, while the frames
 * come from the "#" lines (pprof ignores those and needs the binary).
 */

enum kind { K_HEAP, K_COUNT, K_CONTENTION };

struct vec {
	void *p;
	size_t n, cap, size;
};

struct ltx {
	const char *cur, *end;
	size_t lineno;
	enum kind kind;
	struct lp_profile *p;
	struct lp_diag *d;
	int oom;

	/* heap */
	int scale;     /* apply pprof's unsampling (rate in p->period) */
	int has_alloc; /* four values, not two */
	/* contention */
	int64_t hz;

	/* the record being read */
	int in_rec, skip_rec;
	int partial; /* cut by the end of the input */
	int cut;     /* the line just read has no newline: input ends in it */
	int deep;    /* frames past LP_STACK_FRAMES_MAX were dropped */
	size_t rec_line;
	int64_t values[4];
	int64_t blocksize; /* heap: the numeric "bytes" label */
	struct vec pcs;    /* uint64_t, the "@" list */
	struct vec fr;     /* struct lp_frame, the "#" lines */
	struct vec labels; /* struct lp_label */
	struct vec rlocs;  /* uint32_t */

	/* the whole profile, copied into the arena at the end */
	struct vec samples; /* struct lp_sample */
	struct vec locs;    /* struct lp_location */
	struct vec memstats;
	int in_memstats;
	uint32_t *tab; /* location index + 1, open addressing */
	size_t tabsize;
};

/* ---- helpers ---- */

static void *
vec_push(struct ltx *x, struct vec *v)
{
	char *q;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16, bytes;
		if (!lp_mul(cap, v->size, &bytes) ||
		    !(q = realloc(v->p, bytes))) {
			x->oom = 1;
			return NULL;
		}
		v->p = q;
		v->cap = cap;
	}
	q = (char *)v->p + v->n++ * v->size;
	memset(q, 0, v->size);
	return q;
}

static void
skip_ws(const char **p, const char *e)
{
	while (*p < e && lp_is_blank(**p))
		(*p)++;
}

/*
 * A decimal at *p, with an optional '-', moving *p past it.  Returns 0,
 * -1 when there is no number, -2 when it does not fit an int64.
 */
static int
dec(const char **p, const char *e, int64_t *v)
{
	const char *q = *p;
	int neg = q < e && *q == '-';
	uint64_t x;
	ptrdiff_t k = lp_parse_dec(q + neg, (size_t)(e - q - neg), &x);

	if (k == 0)
		return -1;
	if (k < 0 || x > (uint64_t)INT64_MAX + (unsigned)neg)
		return -2;
	*p = q + neg + k;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return 0;
}

/* The "@ 0x… 0x…" list at p into x->pcs.  Returns 0 or -1. */
static int
parse_pcs(struct ltx *x, const char *p, const char *e)
{
	x->pcs.n = 0;
	skip_ws(&p, e);
	if (p >= e || *p != '@')
		return -1;
	p++;
	for (;;) {
		const char *t;
		uint64_t *v;

		skip_ws(&p, e);
		if (p >= e)
			return 0;
		for (t = p; t < e && !lp_is_blank(*t); t++)
			;
		if (!(v = vec_push(x, &x->pcs)))
			return -1;
		if (lp_parse_hex(p, (size_t)(t - p), v) < 0)
			return -1;
		p = t;
	}
}

/* ---- pprof's value arithmetic ---- */

/* float64 -> int64 as Go's conversion would give for sane values, but
 * clamped instead of undefined for absurd ones. */
static int64_t
to_i64(struct ltx *x, double f)
{
	if (!(f < 9223372036854775807.0) || !(f > -9223372036854775808.0)) {
		lp_diag_line(x->d, x->rec_line, "value out of range");
		return f > 0 ? INT64_MAX : INT64_MIN;
	}
	return (int64_t)f;
}

/*
 * pprof's scaleHeapSample: the runtime samples one allocation per rate
 * bytes on average, so an allocation site of average size avg was seen
 * with probability 1 - exp(-avg/rate); dividing by it gives unbiased
 * counts.  Done in the same order of floating point operations as Go so
 * the truncated results match.
 */
static void
scale_heap(struct ltx *x, int64_t *count, int64_t *size, int64_t rate)
{
	double avg, scale;

	if (*count == 0 || *size == 0) {
		*count = *size = 0;
		return;
	}
	if (rate <= 1)
		return;
	avg = (double)*size / (double)*count;
	scale = 1 / (1 - exp(-avg / (double)rate));
	*count = to_i64(x, (double)*count * scale);
	*size = to_i64(x, (double)*size * scale);
}

/* ---- record lines ---- */

/* "A: B [C: D] @ …" */
static int
heap_record(struct ltx *x, const char *p, const char *e)
{
	int64_t n[4];
	int i, r, k = 0;
	static const char sep[4] = { ':', '[', ':', ']' };

	for (i = 0; i < 4; i++) {
		skip_ws(&p, e);
		if ((r = dec(&p, e, &n[i])) < 0 || n[i] < 0)
			return r == -2 ? -2 : -1;
		skip_ws(&p, e);
		if (p >= e || *p != sep[i])
			return -1;
		p++;
	}
	if (parse_pcs(x, p, e) < 0)
		return -1;
	/* The inuse pair, then the alloc pair; pprof's blocksize comes
	 * from the in-use pair when it has objects, else the alloc pair. */
	x->blocksize = 0;
	if (x->has_alloc) {
		if (n[2] == 0 && n[3] != 0) {
			lp_diag_line(x->d, x->lineno,
			    "allocation count is 0 but its bytes are %lld",
			    (long long)n[3]);
			return -3;
		}
		if (n[2] != 0)
			x->blocksize = n[3] / n[2];
		if (x->scale)
			scale_heap(x, &n[2], &n[3], x->p->period);
		x->values[k++] = n[2];
		x->values[k++] = n[3];
	}
	if (n[0] == 0 && n[1] != 0) {
		lp_diag_line(x->d, x->lineno,
		    "inuse count is 0 but its bytes are %lld", (long long)n[1]);
		return -3;
	}
	if (n[0] != 0)
		x->blocksize = n[1] / n[0];
	if (x->scale)
		scale_heap(x, &n[0], &n[1], x->p->period);
	x->values[k++] = n[0];
	x->values[k++] = n[1];
	return 0;
}

/* "COUNT @ …" */
static int
count_record(struct ltx *x, const char *p, const char *e)
{
	int64_t c;
	int r;

	skip_ws(&p, e);
	if ((r = dec(&p, e, &c)) < 0)
		return r;
	if (parse_pcs(x, p, e) < 0)
		return -1;
	x->values[0] = c;
	return 0;
}

/* "CYCLES COUNT @ …"; pprof: [count * P, cycles * P / (hz / 1e9)] */
static int
contention_record(struct ltx *x, const char *p, const char *e)
{
	int64_t cyc, cnt, period = x->p->period;
	int r;

	skip_ws(&p, e);
	if ((r = dec(&p, e, &cyc)) < 0)
		return r;
	skip_ws(&p, e);
	if ((r = dec(&p, e, &cnt)) < 0)
		return r;
	if (parse_pcs(x, p, e) < 0)
		return -1;
	if (period > 0) {
		if (x->hz > 0) {
			double ghz = (double)x->hz / 1e9;
			cyc = to_i64(x, (double)cyc * (double)period / ghz);
		}
		if (__builtin_mul_overflow(cnt, period, &cnt)) {
			lp_diag_line(x->d, x->lineno, "count out of range");
			cnt = INT64_MAX;
		}
	}
	x->values[0] = cnt;
	x->values[1] = cyc;
	return 0;
}

/* ---- "#" lines ---- */

/* "#\tPC\tFUNC+OFF\tFILE:LINE", columns split on runs of tabs. */
static void
frame_line(struct ltx *x, const char *p, const char *e)
{
	const char *f[3];
	size_t fn[3];
	int nf = 0;
	struct lp_frame *fr;
	uint64_t v;

	p++; /* '#' */
	while (nf < 3) {
		const char *t;
		while (p < e && *p == '\t')
			p++;
		if (p >= e)
			break;
		t = p;
		while (t < e && *t != '\t')
			t++;
		f[nf] = p;
		fn[nf++] = (size_t)(t - p);
		p = t;
	}
	if (nf == 0 || lp_parse_hex(f[0], fn[0], &v) < 0) {
		lp_diag_line(x->d, x->lineno, "bad frame line");
		return;
	}
	/* Unsymbolized: threadcreate prints "#\t0x0" for its empty
	 * stacks; anything else keeps its address as its name. */
	if (nf == 1 && v == 0)
		return;
	if (x->fr.n >= LP_STACK_FRAMES_MAX) {
		if (!x->deep)
			lp_diag_line(x->d, x->lineno,
			    "more than %u frames; the rest are dropped",
			    LP_STACK_FRAMES_MAX);
		x->deep = 1;
		return;
	}
	if (!(fr = vec_push(x, &x->fr)))
		return;
	fr->addr = v;
	fr->flags = LP_FRAME_HAS_ADDR;
	fr->file = LP_STR_LIT("");
	if (nf == 1) {
		fr->fn = lp_str_make(f[0], fn[0]);
		return;
	}
	{
		const char *s = f[1], *plus = NULL, *q;
		uint64_t off;
		for (q = s + fn[1]; q > s; q--)
			if (q[-1] == '+') {
				plus = q - 1;
				break;
			}
		if (plus && lp_parse_hex(plus + 1,
		                (size_t)(s + fn[1] - plus - 1), &off) == 0) {
			fr->fn = lp_str_make(s, (size_t)(plus - s));
			fr->offset = off;
			/* Kept only to find inlined frames; not written. */
			fr->flags |= LP_FRAME_HAS_OFFSET;
		} else {
			fr->fn = lp_str_make(s, fn[1]);
		}
	}
	if (nf == 3) {
		const char *s = f[2], *c = s + fn[2];
		int64_t ln;
		while (c > s && lp_is_digit(c[-1]))
			c--;
		if (c > s && c[-1] == ':' && c < s + fn[2]) {
			const char *q = c;
			fr->file = lp_str_make(s, (size_t)(c - 1 - s));
			if (dec(&q, s + fn[2], &ln) < 0 || ln > INT32_MAX) {
				lp_diag_line(x->d, x->lineno,
				    "line number out of range");
				ln = 0;
			}
			fr->line = ln;
		} else {
			fr->file = lp_str_make(s, fn[2]);
		}
	}
}

/*
 * Go's %q quoting, as in `# labels: {"k":"v"}`.  Returns the unquoted
 * string, borrowed from the input when it has no escapes, else in the
 * arena; *pp moves past the closing quote.  -1 on a malformed string.
 */
static int
unquote(struct ltx *x, const char **pp, const char *e, struct lp_str *out)
{
	const char *p = *pp, *s, *q;
	char *buf, *w;

	if (p >= e || *p != '"')
		return -1;
	s = ++p;
	while (p < e && *p != '"' && *p != '\\')
		p++;
	if (p < e && *p == '"') {
		*out = lp_str_make(s, (size_t)(p - s));
		*pp = p + 1;
		return 0;
	}
	/* Escapes: the result is never longer than the quoted text, so
	 * find its end first.  Sizing the buffer by the rest of the line
	 * instead made a line of k escaped labels cost k times its length. */
	for (q = p; q < e && *q != '"'; q++)
		if (*q == '\\' && q + 1 < e)
			q++;
	if (!(buf = lp_arena_alloc(&x->p->arena, (size_t)(q - s) + 1))) {
		x->oom = 1;
		return -1;
	}
	w = buf;
	for (p = s; p < q; p++) {
		uint32_t r = 0;
		int nd = 0, i;

		if (*p != '\\') {
			*w++ = *p;
			continue;
		}
		if (++p >= e)
			return -1;
		switch (*p) {
		case 'a': *w++ = '\a'; continue;
		case 'b': *w++ = '\b'; continue;
		case 'f': *w++ = '\f'; continue;
		case 'n': *w++ = '\n'; continue;
		case 'r': *w++ = '\r'; continue;
		case 't': *w++ = '\t'; continue;
		case 'v': *w++ = '\v'; continue;
		case '\\':
		case '"':
		case '\'': *w++ = *p; continue;
		case 'x': nd = 2; break;
		case 'u': nd = 4; break;
		case 'U': nd = 8; break;
		default:
			if (*p >= '0' && *p <= '7' && e - p >= 3) {
				for (i = 0; i < 3; i++) {
					if (p[i] < '0' || p[i] > '7')
						return -1;
					r = r * 8 + (uint32_t)(p[i] - '0');
				}
				if (r > 255)
					return -1;
				*w++ = (char)r;
				p += 2;
				continue;
			}
			return -1;
		}
		if (e - p <= nd)
			return -1;
		for (i = 1; i <= nd; i++) {
			char c = p[i];
			r <<= 4;
			if (c >= '0' && c <= '9')
				r |= (uint32_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				r |= (uint32_t)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				r |= (uint32_t)(c - 'A' + 10);
			else
				return -1;
		}
		p += nd;
		if (nd == 2) {
			*w++ = (char)r; /* a raw byte */
		} else if (r < 0x80) {
			*w++ = (char)r;
		} else if (r < 0x800) {
			*w++ = (char)(0xc0 | r >> 6);
			*w++ = (char)(0x80 | (r & 0x3f));
		} else if (r < 0x10000) {
			*w++ = (char)(0xe0 | r >> 12);
			*w++ = (char)(0x80 | (r >> 6 & 0x3f));
			*w++ = (char)(0x80 | (r & 0x3f));
		} else if (r < 0x110000) {
			*w++ = (char)(0xf0 | r >> 18);
			*w++ = (char)(0x80 | (r >> 12 & 0x3f));
			*w++ = (char)(0x80 | (r >> 6 & 0x3f));
			*w++ = (char)(0x80 | (r & 0x3f));
		} else {
			return -1;
		}
	}
	if (p >= e)
		return -1;
	*out = lp_str_make(buf, (size_t)(w - buf));
	*pp = p + 1;
	return 0;
}

/* "# labels: {"k":"v", "k2":"v2"}" */
static void
labels_line(struct ltx *x, const char *p, const char *e)
{
	size_t n0 = x->labels.n;

	p += 10; /* "# labels: " */
	skip_ws(&p, e);
	if (p >= e || *p != '{')
		goto bad;
	p++;
	skip_ws(&p, e);
	if (p < e && *p == '}')
		return;
	for (;;) {
		struct lp_label *l;
		struct lp_str k, v;

		skip_ws(&p, e);
		if (unquote(x, &p, e, &k) < 0)
			goto bad;
		skip_ws(&p, e);
		if (p >= e || *p != ':')
			goto bad;
		p++;
		skip_ws(&p, e);
		if (unquote(x, &p, e, &v) < 0)
			goto bad;
		if (!(l = vec_push(x, &x->labels)))
			return;
		l->key = k;
		l->str = v;
		skip_ws(&p, e);
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		if (p < e && *p == '}')
			return;
		goto bad;
	}
bad:
	x->labels.n = n0;
	if (!x->oom)
		lp_diag_line(x->d, x->lineno, "bad labels line");
}

/* "# Name = value" after "# runtime.MemStats" */
static void
memstat_line(struct ltx *x, const char *p, const char *e)
{
	const char *eq, *ne, *vs;
	struct lp_memstat *m;

	p += 2;
	eq = memchr(p, '=', (size_t)(e - p));
	if (!eq || eq == p)
		return; /* a plain comment */
	for (ne = eq; ne > p && ne[-1] == ' '; ne--)
		;
	vs = eq + 1;
	skip_ws(&vs, e);
	if (ne == p || !(m = vec_push(x, &x->memstats)))
		return;
	m->name = lp_str_make(p, (size_t)(ne - p));
	m->value = lp_str_make(vs, (size_t)(e - vs));
}

/* ---- building the profile ---- */

static uint64_t
group_hash(const struct lp_frame *f, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= f[i].addr;
		h *= 1099511628211ull;
		h ^= h >> 29;
	}
	return h;
}

static int
same_group(const struct lp_location *l, const struct lp_frame *f, size_t n)
{
	size_t i;

	if (l->nframes != n)
		return 0;
	for (i = 0; i < n; i++)
		if (l->frames[i].addr != f[i].addr ||
		    l->frames[i].fn.n != f[i].fn.n ||
		    memcmp(l->frames[i].fn.p, f[i].fn.p, f[i].fn.n) != 0)
			return 0;
	return 1;
}

static int
tab_grow(struct ltx *x)
{
	size_t size = x->tabsize ? x->tabsize * 2 : 1024, i;
	uint32_t *t = calloc(size, sizeof(*t));
	const struct lp_location *locs = x->locs.p;

	if (!t) {
		x->oom = 1;
		return -1;
	}
	for (i = 0; i < x->locs.n; i++) {
		size_t j =
		    group_hash(locs[i].frames, locs[i].nframes) & (size - 1);
		while (t[j])
			j = (j + 1) & (size - 1);
		t[j] = (uint32_t)(i + 1);
	}
	free(x->tab);
	x->tab = t;
	x->tabsize = size;
	return 0;
}

/* The location for frames f[0..n) (one physical frame), made if new. */
static int
location_of(struct ltx *x, struct lp_frame *f, size_t n, uint32_t *idx)
{
	struct lp_location *l;
	size_t j, i;

	if (x->locs.n >= UINT32_MAX - 1) {
		lp_diag_line(x->d, x->lineno, "too many locations");
		return -1;
	}
	if ((x->locs.n + 1) * 2 > x->tabsize && tab_grow(x) < 0)
		return -1;
	j = group_hash(f, n) & (x->tabsize - 1);
	while (x->tab[j]) {
		l = (struct lp_location *)x->locs.p + x->tab[j] - 1;
		if (same_group(l, f, n)) {
			*idx = x->tab[j] - 1;
			return 0;
		}
		j = (j + 1) & (x->tabsize - 1);
	}
	if (!(l = vec_push(x, &x->locs)))
		return -1;
	l->frames = lp_arena_alloc(&x->p->arena, n * sizeof(*f));
	if (!l->frames) {
		x->locs.n--;
		x->oom = 1;
		return -1;
	}
	for (i = 0; i < n; i++) {
		l->frames[i] = f[i];
		/* The offset only served to find inlining; frames of a
		 * profile carry no offset, as in the protobuf form. */
		l->frames[i].flags &= ~LP_FRAME_HAS_OFFSET;
		if (i + 1 < n)
			l->frames[i].flags |= LP_FRAME_INLINED;
	}
	l->nframes = n;
	l->id = x->locs.n;
	l->addr = f[n - 1].addr;
	x->tab[j] = (uint32_t)x->locs.n;
	*idx = (uint32_t)(x->locs.n - 1);
	return 0;
}

/*
 * Frames printed for one physical frame share its entry PC (PC minus the
 * printed offset): Go's runtime.Frames gives inlined calls the entry of
 * the function they were inlined into.  A function is never inlined into
 * itself, so a repeated name starts a new frame (recursion).  The name
 * check is quadratic in the group, hence LP_INLINE_DEPTH_MAX.
 */
static int
same_physical(const struct lp_frame *f, size_t from, size_t i)
{
	size_t k;

	if (i - from >= LP_INLINE_DEPTH_MAX ||
	    !(f[i].flags & LP_FRAME_HAS_OFFSET) ||
	    !(f[i - 1].flags & LP_FRAME_HAS_OFFSET) ||
	    f[i].addr - f[i].offset != f[i - 1].addr - f[i - 1].offset)
		return 0;
	for (k = from; k < i; k++)
		if (f[k].fn.n == f[i].fn.n &&
		    memcmp(f[k].fn.p, f[i].fn.p, f[i].fn.n) == 0)
			return 0;
	return 1;
}

/* A frame named after its address, for a pc of the "@" list. */
static int
addr_frame(struct ltx *x, struct vec *v, uint64_t pc)
{
	struct lp_frame *nf = vec_push(x, v);
	char hexbuf[24], *name;
	int k;

	if (!nf)
		return -1;
	/* A return address: the call is the byte before, as pprof has. */
	nf->addr = pc - 1;
	nf->flags = LP_FRAME_HAS_ADDR;
	nf->file = LP_STR_LIT("");
	k = snprintf(
	    hexbuf, sizeof(hexbuf), "0x%llx", (unsigned long long)nf->addr);
	name = lp_arena_strdup(&x->p->arena, hexbuf, (size_t)k);
	if (!name) {
		x->oom = 1;
		return -1;
	}
	nf->fn = lp_str_make(name, (size_t)k);
	return 0;
}

/*
 * The record's frames, as the file says them: one or more "#" lines per
 * "@" address (pc - 1), in the same order; an address with none (Go
 * leaves out runtime frames, e.g. runtime.gopark under a blocked
 * goroutine) is kept as a frame named after it, as pprof keeps it.
 * Zero addresses are padding.  "#" lines that match no address stay,
 * after the rest.
 */
static int
merge_pcs(struct ltx *x)
{
	const uint64_t *pc = x->pcs.p;
	const struct lp_frame *f = x->fr.p;
	struct vec out = { NULL, 0, 0, sizeof(struct lp_frame) };
	size_t i, j = 0, nz = 0;

	for (i = 0; i < x->pcs.n; i++)
		nz += pc[i] != 0;
	if (nz == 0 || x->deep)
		return 0;
	for (i = 0; i < x->pcs.n; i++) {
		struct lp_frame *nf;

		if (pc[i] == 0)
			continue;
		if (j < x->fr.n && f[j].addr == pc[i] - 1) {
			/* One line per address; more with the same one only
			 * when the next address differs (a release that
			 * printed inlined calls at their caller's pc), not
			 * in a recursion, where each has its own. */
			size_t k = i + 1;
			while (k < x->pcs.n && pc[k] == 0)
				k++;
			do {
				if (!(nf = vec_push(x, &out)))
					goto fail;
				*nf = f[j++];
			} while (j < x->fr.n && f[j].addr == pc[i] - 1 &&
			         (k == x->pcs.n || pc[k] != pc[i]));
		} else if (out.n >= LP_STACK_FRAMES_MAX) {
			break;
		} else if (addr_frame(x, &out, pc[i]) < 0) {
			goto fail;
		}
	}
	for (; j < x->fr.n; j++) {
		struct lp_frame *nf = vec_push(x, &out);
		if (!nf)
			goto fail;
		*nf = f[j];
	}
	free(x->fr.p);
	x->fr = out;
	return 0;
fail:
	free(out.p);
	return -1;
}

static void
end_record(struct ltx *x)
{
	struct lp_frame *f = x->fr.p;
	struct lp_sample *s;
	size_t from, nv = x->p->nsample_types;
	uint32_t *li;

	if (!x->in_rec)
		return;
	x->in_rec = 0;
	if (x->skip_rec)
		goto out;
	x->rlocs.n = 0;
	if (merge_pcs(x) < 0)
		goto out;
	f = x->fr.p;
	for (from = 0; from < x->fr.n;) {
		size_t to = from + 1;
		uint32_t idx, *r;

		while (to < x->fr.n && same_physical(f, from, to))
			to++;
		if (location_of(x, f + from, to - from, &idx) < 0)
			goto out;
		if (!(r = vec_push(x, &x->rlocs)))
			goto out;
		*r = idx;
		from = to;
	}
	if (!(s = vec_push(x, &x->samples)))
		goto out;
	s->partial = x->partial;
	s->nlocs = x->rlocs.n;
	if (s->nlocs) {
		li = lp_arena_alloc(&x->p->arena, s->nlocs * sizeof(*li));
		s->locs = li;
		if (li)
			memcpy(li, x->rlocs.p, s->nlocs * sizeof(*li));
	}
	s->values = lp_arena_alloc(&x->p->arena, nv * sizeof(*s->values));
	if (s->values)
		memcpy(s->values, x->values, nv * sizeof(*s->values));
	s->nlabels = x->labels.n + (x->kind == K_HEAP);
	s->labels =
	    lp_arena_calloc(&x->p->arena, s->nlabels, sizeof(*s->labels));
	if (!s->values || (s->nlocs && !s->locs) || !s->labels) {
		x->oom = 1;
		goto out;
	}
	if (x->labels.n)
		memcpy(
		    s->labels, x->labels.p, x->labels.n * sizeof(*s->labels));
	if (x->kind == K_HEAP) {
		/* pprof's importer labels every heap sample with its
		 * block size. */
		struct lp_label *l = &s->labels[x->labels.n];
		l->key = LP_STR_LIT("bytes");
		l->num = x->blocksize;
		l->is_num = 1;
	}
out:
	x->fr.n = x->labels.n = x->pcs.n = 0;
	x->skip_rec = x->deep = x->partial = 0;
}

/* ---- headers ---- */

/* An lp_str constant usable in static initializers. */
#define S(lit)                         \
	{                              \
		(lit), sizeof(lit) - 1 \
	}

static int
set_types(struct ltx *x, const struct lp_valuetype *t, size_t n)
{
	struct lp_profile *p = x->p;

	p->sample_types = lp_arena_alloc(&p->arena, n * sizeof(*t));
	if (!p->sample_types) {
		x->oom = 1;
		return -1;
	}
	memcpy(p->sample_types, t, n * sizeof(*t));
	p->nsample_types = n;
	/* pprof's legacy importer sets no default: the last type is. */
	p->default_type = n - 1;
	return 0;
}

/* "heap profile: A: B [C: D] @ heap/RATE2" and pprof's other variants */
static int
heap_header(struct ltx *x, const char *p, const char *e, struct lp_error *err)
{
	int64_t n[4], rate = 0;
	const char *t;
	size_t tn;
	int i;
	static const struct lp_valuetype four[] = {
		{ S("alloc_objects"), S("count") },
		{ S("alloc_space"), S("bytes") },
		{ S("inuse_objects"), S("count") },
		{ S("inuse_space"), S("bytes") },
	};
	static const struct lp_valuetype two[] = {
		{ S("objects"), S("count") },
		{ S("space"), S("bytes") },
	};

	p += 13; /* "heap profile:" */
	for (i = 0; i < 4; i++) {
		skip_ws(&p, e);
		if (dec(&p, e, &n[i]) < 0)
			goto bad;
		skip_ws(&p, e);
		if (p >= e || *p != (i == 1 ? '[' : i == 3 ? ']' : ':'))
			goto bad;
		p++;
	}
	skip_ws(&p, e);
	if (p >= e || *p != '@')
		goto bad;
	p++;
	skip_ws(&p, e);
	for (t = p; p < e && *p != '/' && !lp_is_blank(*p); p++)
		;
	tn = (size_t)(p - t);
	if (p < e && *p == '/') {
		p++;
		if (p < e && dec(&p, e, &rate) < 0)
			goto bad;
	}
#define TAG(s) (tn == sizeof(s) - 1 && memcmp(t, s, tn) == 0)
	if (TAG("heap")) {
		/* Go prints twice MemProfileRate (spec c.1). */
		rate /= 2;
		x->scale = 1;
	} else if (TAG("heap_v2") || TAG("heapz_v2")) {
		x->scale = 1;
	} else if (TAG("heapprofile") || TAG("growthz") || TAG("growth") ||
	           TAG("fragmentationz") || TAG("fragmentation")) {
		rate = 1;
	} else {
		goto bad;
	}
#undef TAG
	/* pprof: alloc columns exist unless they repeat in-use or are 0. */
	x->has_alloc =
	    (n[2] != n[0] && n[2] != 0) || (n[3] != n[1] && n[3] != 0);
	x->p->period_type.type = LP_STR_LIT("space");
	x->p->period_type.unit = LP_STR_LIT("bytes");
	x->p->period = rate;
	return set_types(x, x->has_alloc ? four : two, x->has_alloc ? 4 : 2);
bad:
	return lp_error_set(
	    err, LP_EDATA, "line %zu: not a heap profile header", x->lineno);
}

/* "NAME profile: total N" */
static int
count_header(struct ltx *x, const char *p, const char *e, struct lp_error *err)
{
	const char *sp = p;
	struct lp_valuetype t;

	while (sp < e && !lp_is_blank(*sp))
		sp++;
	if (sp == p || (size_t)(e - sp) < 16 ||
	    memcmp(sp, " profile: total ", 16) != 0)
		return lp_error_set(err, LP_EDATA,
		    "line %zu: not a count profile header", x->lineno);
	t.type = lp_str_make(p, (size_t)(sp - p));
	t.unit = LP_STR_LIT("count");
	x->p->period_type = t;
	x->p->period = 1;
	return set_types(x, &t, 1);
}

/* "cycles/second=N", "sampling period=N", "ms since reset=N", … */
static void
contention_attr(struct ltx *x, const char *p, const char *e)
{
	const char *eq = memchr(p, '=', (size_t)(e - p)), *ke, *v;
	int64_t val;
	size_t kn;

	for (ke = eq; ke > p && lp_is_blank(ke[-1]); ke--)
		;
	kn = (size_t)(ke - p);
	v = eq + 1;
	skip_ws(&v, e);
	if (dec(&v, e, &val) < 0) {
		lp_diag_line(x->d, x->lineno, "bad number in header line");
		return;
	}
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(p, s, kn) == 0)
	if (KEY("cycles/second")) {
		x->hz = val;
	} else if (KEY("sampling period")) {
		x->p->period = val;
	} else if (KEY("ms since reset")) {
		if (__builtin_mul_overflow(val, 1000000, &x->p->duration_ns))
			lp_diag_line(x->d, x->lineno, "duration out of range");
	} else if (!KEY("discarded samples") && !KEY("resolution")) {
		char b[41];
		lp_diag_line(x->d, x->lineno, "unknown header item '%s'",
		    lp_shown(b, p, kn));
	}
#undef KEY
}

static int
contention_header(struct ltx *x)
{
	static const struct lp_valuetype t[] = {
		{ S("contentions"), S("count") },
		{ S("delay"), S("nanoseconds") },
	};

	x->p->period_type = t[0];
	x->p->period = 1;
	return set_types(x, t, 2);
}

/* ---- the line loop ---- */

static int
next_line(struct ltx *x, const char **pp, const char **ep)
{
	const char *p = x->cur, *nl, *e;

	if (p >= x->end)
		return 0;
	nl = memchr(p, '\n', (size_t)(x->end - p));
	e = nl ? nl : x->end;
	x->cur = nl ? nl + 1 : x->end;
	x->cut = !nl;
	x->lineno++;
	if (e > p && e[-1] == '\r')
		e--;
	*pp = p;
	*ep = e;
	return 1;
}

static void
body_line(struct ltx *x, const char *p, const char *e)
{
	int r;

	skip_ws(&p, e);
	if (p >= e) {
		end_record(x);
		return;
	}
	if (*p == '#') {
		if (e - p >= 2 && p[1] == '\t') {
			if (x->in_rec && !x->skip_rec)
				frame_line(x, p, e);
			else if (!x->in_rec)
				lp_diag_line(x->d, x->lineno,
				    "frame line outside a record");
		} else if (x->in_rec && (size_t)(e - p) >= 10 &&
		           memcmp(p, "# labels: ", 10) == 0) {
			if (!x->skip_rec)
				labels_line(x, p, e);
		} else if ((size_t)(e - p) >= 18 &&
		           memcmp(p, "# runtime.MemStats", 18) == 0) {
			end_record(x);
			x->in_memstats = 1;
		} else if (x->in_memstats && e - p >= 2 && p[1] == ' ') {
			memstat_line(x, p, e);
		}
		return;
	}
	end_record(x);
	x->in_rec = 1;
	x->rec_line = x->lineno;
	if (x->kind == K_HEAP)
		r = heap_record(x, p, e);
	else if (x->kind == K_COUNT)
		r = count_record(x, p, e);
	else
		r = contention_record(x, p, e);
	if (r < 0) {
		if (r == -2)
			lp_diag_line(x->d, x->lineno, "number out of range");
		else if (r == -1 && !x->oom) {
			char b[41];
			lp_diag_line(x->d, x->lineno, "not a %s record: '%s'",
			    x->kind == K_HEAP    ? "heap"
			    : x->kind == K_COUNT ? "count"
			                         : "contention",
			    lp_shown(b, p, (size_t)(e - p)));
		}
		x->skip_rec = 1;
	}
}

static int
finish(struct ltx *x, struct lp_error *err)
{
	struct lp_profile *p = x->p;
	size_t bytes;

	end_record(x);
	if (x->oom)
		return lp_error_set(
		    err, LP_ENOMEM, "out of memory at line %zu", x->lineno);
#define COPY(field, nfield, v)                                              \
	do {                                                                \
		if ((v).n) {                                                \
			if (!lp_mul((v).n, (v).size, &bytes) ||             \
			    !(p->field = lp_arena_alloc(&p->arena, bytes))) \
				return lp_error_set(err, LP_ELIMIT,         \
				    "profile too large for memory");        \
			memcpy(p->field, (v).p, bytes);                     \
		}                                                           \
		p->nfield = (v).n;                                          \
	} while (0)
	COPY(samples, nsamples, x->samples);
	COPY(locations, nlocations, x->locs);
	COPY(memstats, nmemstats, x->memstats);
#undef COPY
	return 0;
}

int
lp_legacytext_decode(const unsigned char *data, size_t len, enum lp_format fmt,
    struct lp_profile *p, struct lp_diag *d, struct lp_error *err)
{
	struct ltx x;
	const char *s, *e;
	int r;

	memset(&x, 0, sizeof(x));
	x.cur = (const char *)data;
	x.end = x.cur + len;
	x.p = p;
	x.d = d;
	x.pcs.size = sizeof(uint64_t);
	x.fr.size = sizeof(struct lp_frame);
	x.labels.size = sizeof(struct lp_label);
	x.rlocs.size = sizeof(uint32_t);
	x.samples.size = sizeof(struct lp_sample);
	x.locs.size = sizeof(struct lp_location);
	x.memstats.size = sizeof(struct lp_memstat);

	/* The header is the first line that is not blank. */
	do {
		if (!next_line(&x, &s, &e)) {
			r = lp_error_set(err, LP_EDATA, "no profile header");
			goto out;
		}
		skip_ws(&s, e);
	} while (s >= e);
	switch (fmt) {
	case LP_FMT_HEAP_TEXT:
		x.kind = K_HEAP;
		p->format = "heap-text";
		r = heap_header(&x, s, e, err);
		break;
	case LP_FMT_COUNT_TEXT:
		x.kind = K_COUNT;
		p->format = "count-text";
		r = count_header(&x, s, e, err);
		break;
	case LP_FMT_CONTENTION_TEXT:
		x.kind = K_CONTENTION;
		p->format = "contention-text";
		if ((size_t)(e - s) < 4 || memcmp(s, "--- ", 4) != 0)
			r = lp_error_set(err, LP_EDATA,
			    "line %zu: not a contention profile header",
			    x.lineno);
		else
			r = contention_header(&x);
		break;
	default:
		r = lp_error_set(err, LP_EUSAGE, "not a text profile format");
		break;
	}
	if (r < 0)
		goto out;

	while (next_line(&x, &s, &e)) {
		const char *t = s;

		if (x.oom)
			break;
		skip_ws(&t, e);
		/* A memory map ends the profile (pprof stops there). */
		if ((e - t >= 3 && memcmp(t, "---", 3) == 0) ||
		    (e - t >= 17 && memcmp(t, "MAPPED_LIBRARIES:", 17) == 0))
			break;
		if (x.cut && t < e) {
			/* Go ends every line: the input was cut here.  The
			 * record this line belongs to is partial; a record
			 * line itself is dropped (its numbers may be cut). */
			if (t[0] == '#' && x.in_rec && !x.in_memstats) {
				x.partial = 1;
				lp_diag_line(x.d, x.lineno,
				    "cut off by the end of the input: the "
				    "record of line %zu is partial",
				    x.rec_line);
			} else {
				lp_diag_line(x.d, x.lineno,
				    "cut off by the end of the input");
			}
			break;
		}
		if (x.kind == K_CONTENTION && x.samples.n == 0 && !x.in_rec &&
		    t < e && !lp_is_digit(*t) && *t != '#' &&
		    memchr(t, '=', (size_t)(e - t))) {
			contention_attr(&x, t, e);
			continue;
		}
		body_line(&x, s, e);
	}
	r = finish(&x, err);
out:
	free(x.pcs.p);
	free(x.fr.p);
	free(x.labels.p);
	free(x.rlocs.p);
	free(x.samples.p);
	free(x.locs.p);
	free(x.memstats.p);
	free(x.tab);
	return r;
}
