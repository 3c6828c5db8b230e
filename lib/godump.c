/* godump.c - goroutine dumps: ?debug=2, panics, fatal errors, SIGQUIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "godump.h"
#include "limits.h"
#include "util.h"

/*
 * One pass over the buffer, one line at a time (memchr), with a small
 * state machine after the spec's c.5.8.  Nothing is allocated per line or
 * per goroutine: frames go into one growable array that is reused for
 * every goroutine, and every string points into the input.  A goroutine
 * is handed to the callback as soon as its block ends, so memory does not
 * grow with the number of goroutines.
 */

enum state {
	S_LOOK,          /* outside a goroutine: preamble, trailer, log text */
	S_HDR,           /* after a header: a call line or "unavailable" */
	S_CALL,          /* after a call line: its file line */
	S_FILE,          /* after a file line or an elision line */
	S_BADCALL,       /* after a bad call line: drop its file line */
	S_CREATED,       /* after "created by": its file line */
	S_AFTER_CREATED, /* after the creator's file line */
	S_UNAVAIL        /* after "stack unavailable" */
};

/* An ancestor block while it is being read: frames by index, since the
 * frame array may move when it grows. */
struct anc {
	uint64_t id;
	size_t first, n;
	unsigned flags;
	uint64_t elided;
	struct lp_frame created_by;
};

/* Diagnostics past this many per dump are counted, not written: a
 * corrupt 100 MB file must not turn into 100 MB of stderr. */

struct parser {
	const char *cur, *end;
	size_t lineno;
	enum state state;
	struct lp_str prefix; /* text before the header, cut from each line */

	struct lp_goroutine g;
	int open;     /* g holds a goroutine being read */
	int in_anc;   /* frames go to the last ancestor */
	int deep;     /* the frame limit was hit in this goroutine */
	size_t nmain; /* frames of the goroutine itself */

	struct lp_frame *fr;
	size_t nfr, capfr;
	struct anc *anc;
	size_t nanc, capanc;
	struct lp_ancestor *ancout;
	size_t capancout;

	const char *line_start;    /* of the line being read */
	const char *text;          /* where the open goroutine's lines begin */
	struct lp_goroutine ready; /* the goroutine finished last */
	int has_ready;
	int oom;
	int cut; /* the input ends inside a line (told once) */
	int pcs; /* file lines carry "fp= sp= pc=" (GOTRACEBACK=system) */
	size_t ngoroutines;

	struct lp_diag *d;
};

/* ---- small lexical helpers ---- */

static int
has_prefix(const char *p, size_t n, const char *lit, size_t litn)
{
	return n >= litn && memcmp(p, lit, litn) == 0;
}
#define HAS(p, n, lit) has_prefix((p), (n), (lit), sizeof(lit) - 1)

static int
has_suffix(const char *p, size_t n, const char *lit, size_t litn)
{
	return n >= litn && memcmp(p + n - litn, lit, litn) == 0;
}
#define ENDS(p, n, lit) has_suffix((p), (n), (lit), sizeof(lit) - 1)

/* ---- diagnostics ---- */

/*
 * The offending text for a message: at most 60 bytes, anything that is
 * not printable ASCII shown as '?', so a diagnostic is always one clean
 * line whatever the input held.
 */
static const char *
quote(char *buf, size_t cap, const char *p, size_t n)
{
	size_t i, m = n < cap - 4 ? n : cap - 4;

	for (i = 0; i < m; i++) {
		unsigned char c = (unsigned char)p[i];
		buf[i] = (c >= 0x20 && c < 0x7f && c != '\'') ? (char)c : '?';
	}
	if (m < n) {
		memcpy(buf + m, "...", 3);
		m += 3;
	}
	buf[m] = '\0';
	return buf;
}

/* ---- storage ---- */

static struct lp_frame *
push_frame(struct parser *ps)
{
	size_t n = ps->in_anc ? ps->anc[ps->nanc - 1].n : ps->nmain;
	struct lp_frame *f;

	if (n >= LP_STACK_FRAMES_MAX) {
		if (!ps->deep)
			lp_diag_line(ps->d, ps->lineno,
			    "more than %u frames; the rest are dropped",
			    LP_STACK_FRAMES_MAX);
		ps->deep = 1;
		ps->g.flags |= LP_G_PARTIAL;
		return NULL;
	}
	if (ps->nfr == ps->capfr) {
		size_t cap = ps->capfr ? ps->capfr * 2 : 256;
		struct lp_frame *nf = realloc(ps->fr, cap * sizeof(*nf));
		if (!nf) {
			ps->oom = 1;
			return NULL;
		}
		ps->fr = nf;
		ps->capfr = cap;
	}
	if (ps->in_anc)
		ps->anc[ps->nanc - 1].n++;
	else
		ps->nmain++;
	f = &ps->fr[ps->nfr++];
	memset(f, 0, sizeof(*f));
	return f;
}

static struct anc *
push_anc(struct parser *ps, uint64_t id)
{
	struct anc *a;

	if (ps->nanc == ps->capanc) {
		size_t cap = ps->capanc ? ps->capanc * 2 : 8;
		a = realloc(ps->anc, cap * sizeof(*a));
		if (!a) {
			ps->oom = 1;
			return NULL;
		}
		ps->anc = a;
		ps->capanc = cap;
	}
	a = &ps->anc[ps->nanc++];
	memset(a, 0, sizeof(*a));
	a->id = id;
	a->first = ps->nfr;
	return a;
}

/* The frame a file line belongs to: the last one pushed. */
static struct lp_frame *
last_frame(struct parser *ps)
{
	size_t n = ps->in_anc ? ps->anc[ps->nanc - 1].n : ps->nmain;
	return n ? &ps->fr[ps->nfr - 1] : NULL;
}

/* ---- line parsers ---- */

/*
 * Parse the bracket content of a header, "chan send (leaked), 5 minutes,
 * locked to thread", into g.  Items are split on ", "; the first is the
 * status, whose flag suffixes are peeled off from the end in the reverse
 * of the order the runtime prints them.
 */
static void
parse_status(struct parser *ps, struct lp_goroutine *g, const char *p, size_t n)
{
	const char *e = p + n, *item = p;
	int first = 1;

	while (item <= e) {
		const char *sep = item;
		size_t m;

		/* Find the next ", " (the status never contains one). */
		while (
		    sep < e && !(sep[0] == ',' && sep + 1 < e && sep[1] == ' '))
			sep++;
		m = (size_t)(sep - item);
		if (first) {
			if (ENDS(item, m, " (durable)")) {
				g->flags |= LP_G_DURABLE;
				m -= 10;
			}
			if (ENDS(item, m, " (scan)")) {
				g->flags |= LP_G_SCAN;
				m -= 7;
			}
			if (ENDS(item, m, " (leaked)")) {
				g->flags |= LP_G_LEAKED;
				m -= 9;
			}
			g->state = lp_str_make(item, m);
			first = 0;
		} else {
			uint64_t v = 0;
			ptrdiff_t k = lp_parse_dec(item, m, &v);

			if (k > 0 && (size_t)k + 8 == m &&
			    memcmp(item + k, " minutes", 8) == 0) {
				/* Go prints whole minutes; anything that
				 * overflows int64 nanoseconds is not real. */
				if (v > (uint64_t)INT64_MAX / 60000000000ull)
					lp_diag_line(ps->d, ps->lineno,
					    "wait of %llu minutes is out of "
					    "range",
					    (unsigned long long)v);
				else
					g->wait_ns = (int64_t)v * 60000000000ll;
			} else if (k < 0 && ENDS(item, m, " minutes")) {
				lp_diag_line(ps->d, ps->lineno,
				    "wait in minutes is out of range");
			} else if (m == 16 &&
			           memcmp(item, "locked to thread", 16) == 0) {
				g->flags |= LP_G_LOCKED;
			} else if (HAS(item, m, "synctest group ") &&
			           lp_parse_dec(item + 15, m - 15, &v) ==
			               (ptrdiff_t)(m - 15) &&
			           m > 15) {
				g->flags |= LP_G_SYNCTEST_GROUP;
				g->synctest_group = v;
			} else if (HAS(item, m, "synctest bubble ") &&
			           lp_parse_dec(item + 16, m - 16, &v) ==
			               (ptrdiff_t)(m - 16) &&
			           m > 16) {
				g->flags |= LP_G_SYNCTEST_BUBBLE;
				g->synctest_bubble = v;
			} else if (g->nextra < LP_G_EXTRA_MAX) {
				/* Patched runtimes add their own items
				 * (labels, …): keep them as text. */
				g->extra[g->nextra++] = lp_str_make(item, m);
			}
		}
		if (sep >= e)
			break;
		item = sep + 2;
	}
}

/*
 * Is p[0..n) a goroutine header?  Returns 1 and fills g, 0 when it is not
 * one, -1 when it is one with a number out of range (reported).
 */
static int
parse_header(struct parser *ps, const char *p, size_t n, struct lp_goroutine *g)
{
	const char *e, *q, *br;
	uint64_t id, v;
	ptrdiff_t k;

	if (!HAS(p, n, "goroutine "))
		return 0;
	while (n && lp_is_blank(p[n - 1]))
		n--;
	if (!ENDS(p, n, "]:"))
		return 0;
	e = p + n - 2; /* the closing ']' */
	q = p + 10;
	k = lp_parse_dec(q, (size_t)(e - q), &id);
	if (k == 0)
		return 0;
	if (k < 0) {
		char b[64];
		lp_diag_line(ps->d, ps->lineno,
		    "goroutine id out of range in '%s'",
		    quote(b, sizeof(b), p, n));
		return -1;
	}
	q += k;
	if (q >= e || *q != ' ')
		return 0;
	memset(g, 0, sizeof(*g));
	g->wait_ns = -1;
	g->id = id;
	/* gp=0x… m=N mp=0x… (GOTRACEBACK=system, Go 1.22+) */
	while (q < e && q[0] == ' ' && q + 1 < e && q[1] != '[') {
		const char *t = q + 1, *te = t;
		size_t tn;

		while (te < e && *te != ' ')
			te++;
		tn = (size_t)(te - t);
		if (HAS(t, tn, "gp=") && lp_parse_hex(t + 3, tn - 3, &v) == 0) {
			g->gp = v;
			g->flags |= LP_G_GP;
		} else if (HAS(t, tn, "mp=") &&
		           lp_parse_hex(t + 3, tn - 3, &v) == 0) {
			g->mp = v;
			g->flags |= LP_G_MP;
		} else if (tn == 5 && memcmp(t, "m=nil", 5) == 0) {
			/* no M: nothing to record */
		} else if (HAS(t, tn, "m=") && tn > 2 &&
		           lp_parse_dec(t + 2, tn - 2, &v) ==
		               (ptrdiff_t)(tn - 2) &&
		           v <= (uint64_t)INT64_MAX) {
			g->m = (int64_t)v;
			g->flags |= LP_G_M;
		} else {
			return 0;
		}
		q = te;
	}
	if (q + 1 >= e || q[0] != ' ' || q[1] != '[')
		return 0;
	br = q + 2;
	parse_status(ps, g, br, (size_t)(e - br));
	return 1;
}

/*
 * A call line, "pkg.(*T).Method(0x1, {0x2, 0x3})": split at the '(' that
 * matches the final ')'.  Returns 1 and fills f, 0 when the line has no
 * parentheses at all (a C function name from a cgo symbolizer), -1 when
 * its parentheses do not make a call.
 */
static int
parse_call(const char *p, size_t n, struct lp_frame *f)
{
	size_t i;
	int depth = 0;

	if (n && p[n - 1] == ')') {
		for (i = n; i-- > 0;) {
			if (p[i] == ')')
				depth++;
			else if (p[i] == '(' && --depth == 0)
				break;
		}
		if (depth != 0 || i == 0 || i == (size_t)-1)
			return -1;
		f->fn = lp_str_make(p, i);
		f->args = lp_str_make(p + i + 1, n - i - 2);
		f->flags |= LP_FRAME_HAS_ARGS;
		return 1;
	}
	if (memchr(p, '(', n) || memchr(p, ')', n))
		return -1;
	return 0;
}

/*
 * Go prints aggregates as {…} nested at most 5 deep (maxDepth in the
 * runtime's printArgs); anything else did not come from a Go runtime.
 */
static const char *
check_braces(struct lp_str a)
{
	size_t i;
	int depth = 0;

	for (i = 0; i < a.n; i++) {
		if (a.p[i] == '{') {
			if (++depth > 5)
				return "arguments nested deeper than Go prints";
		} else if (a.p[i] == '}') {
			if (--depth < 0)
				return "unbalanced braces in arguments";
		}
	}
	return depth ? "unbalanced braces in arguments" : NULL;
}

/*
 * A file line, TAB "path:line [+0xoff] [fp=… sp=… pc=…]", into f.
 * Returns 0, or -1 with *why set when it is not one.
 */
static int
parse_file(struct parser *ps, const char *p, size_t n, struct lp_frame *f,
    const char **why)
{
	const char *c;
	uint64_t v;
	ptrdiff_t k;

	while (n && lp_is_blank(*p))
		p++, n--;
	while (n && lp_is_blank(p[n - 1]))
		n--;
	/* Peel the trailing "+0x…", "fp=", "sp=", "pc=" items. */
	for (;;) {
		/* memchr first: the last round sees only the path, which
		 * rarely has a space, and a vectorised
		 * search of it is faster than the byte loop below (the
		 * one-loop form cost 10% of dump throughput). */
		const char *sp = n ? memchr(p, ' ', n) : NULL;
		const char *t;
		size_t tn;

		if (!sp)
			break;
		/* the last space, searched from the end */
		for (sp = p + n; sp > p && sp[-1] != ' ';)
			sp--;
		t = sp;
		tn = (size_t)(p + n - t);
		if (HAS(t, tn, "+0x")) {
			if (lp_parse_hex(t + 1, tn - 1, &v) == 0) {
				f->offset = v;
				f->flags |= LP_FRAME_HAS_OFFSET;
			}
		} else if (HAS(t, tn, "pc=")) {
			if (lp_parse_hex(t + 3, tn - 3, &v) == 0) {
				f->addr = v;
				f->flags |= LP_FRAME_HAS_ADDR;
			}
			ps->pcs = 1;
		} else if (!HAS(t, tn, "fp=") && !HAS(t, tn, "sp=")) {
			break;
		}
		n = (size_t)(sp - 1 - p);
		while (n && p[n - 1] == ' ')
			n--;
	}
	/* cgo symbolizer frames may have only "pc=0x…" */
	if (HAS(p, n, "pc=") && !memchr(p, ':', n)) {
		if (lp_parse_hex(p + 3, n - 3, &v) == 0) {
			f->addr = v;
			f->flags |= LP_FRAME_HAS_ADDR;
			return 0;
		}
	}
	/* The last ':' followed only by digits: Windows paths have "C:". */
	for (c = p + n; c > p && lp_is_digit(c[-1]);)
		c--;
	if (c == p + n || c == p || c[-1] != ':') {
		*why = "no ':line' in file line";
		return -1;
	}
	k = lp_parse_dec(c, (size_t)(p + n - c), &v);
	f->file = lp_str_make(p, (size_t)(c - 1 - p));
	if (k < 0 || v > INT32_MAX) {
		/* Go keeps line numbers in an int32. */
		lp_diag_line(ps->d, ps->lineno, "line number %.*s out of range",
		    (int)((p + n - c) > 30 ? 30 : (p + n - c)), c);
		ps->g.flags |= LP_G_PARTIAL;
		f->line = 0;
		return 0;
	}
	f->line = (int64_t)v;
	return 0;
}

/* "...additional frames elided..." or "...N frames elided..." */
static int
parse_elided(const char *p, size_t n, uint64_t *count)
{
	*count = 0;
	if (!HAS(p, n, "...") || !ENDS(p, n, "elided..."))
		return 0;
	if (n > 3 && lp_is_digit(p[3]) && lp_parse_dec(p + 3, n - 3, count) < 0)
		*count = 0;
	return 1;
}

/* "[originating from goroutine N]:" */
static int
parse_ancestor(const char *p, size_t n, uint64_t *id)
{
	static const char lit[] = "[originating from goroutine ";
	size_t ln = sizeof(lit) - 1;

	while (n && lp_is_blank(p[n - 1]))
		n--;
	if (!has_prefix(p, n, lit, ln) || !ENDS(p, n, "]:"))
		return 0;
	return lp_parse_dec(p + ln, n - ln - 2, id) ==
	           (ptrdiff_t)(n - ln - 2) &&
	       n > ln + 2;
}

/* A Go function name has no space but inside a generic shape's [...]. */
static int
odd_name(const char *p, size_t n)
{
	size_t i;
	int depth = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '[')
			depth++;
		else if (p[i] == ']' && depth > 0)
			depth--;
		else if (p[i] == ' ' && depth == 0)
			return 1;
	}
	return 0;
}

/* "created by FUNC" or "created by FUNC in goroutine N" (Go 1.21+);
 * returns 1 when what is left for FUNC is no function name. */
static int
parse_created(const char *p, size_t n, struct lp_frame *f, unsigned *flags,
    uint64_t *creator)
{
	const char *q;
	uint64_t v;

	p += 11, n -= 11; /* "created by " */
	q = p + n;
	while (q > p && lp_is_digit(q[-1]))
		q--;
	if (q < p + n && (size_t)(q - p) > 14 &&
	    memcmp(q - 14, " in goroutine ", 14) == 0 &&
	    lp_parse_dec(q, (size_t)(p + n - q), &v) > 0) {
		*creator = v;
		*flags |= LP_G_CREATOR_ID;
		n = (size_t)(q - 14 - p);
	}
	memset(f, 0, sizeof(*f));
	f->fn = lp_str_make(p, n);
	*flags |= LP_G_CREATED;
	return odd_name(p, n);
}

/* ---- goroutine lifecycle ---- */

static int
finish(struct parser *ps)
{
	struct lp_goroutine *g = &ps->g;
	size_t i;

	if (!ps->open)
		return 0;
	ps->open = 0;
	ps->in_anc = 0;
	if (ps->oom)
		return -LP_ENOMEM;
	if (ps->nmain == 0 && !(g->flags & (LP_G_UNAVAILABLE | LP_G_PARTIAL))) {
		lp_diag_line(ps->d, g->line, "goroutine %llu has no stack",
		    (unsigned long long)g->id);
		g->flags |= LP_G_PARTIAL;
	}
	g->frames = ps->fr;
	g->nframes = ps->nmain;
	if (ps->nanc > ps->capancout) {
		struct lp_ancestor *a =
		    realloc(ps->ancout, ps->nanc * sizeof(*a));
		if (!a)
			return -LP_ENOMEM;
		ps->ancout = a;
		ps->capancout = ps->nanc;
	}
	for (i = 0; i < ps->nanc; i++) {
		struct lp_ancestor *a = &ps->ancout[i];
		a->id = ps->anc[i].id;
		/* fr is NULL until a first frame is pushed */
		a->frames = ps->fr ? ps->fr + ps->anc[i].first : NULL;
		a->nframes = ps->anc[i].n;
		a->flags = ps->anc[i].flags;
		a->elided = ps->anc[i].elided;
		a->created_by = ps->anc[i].created_by;
	}
	g->ancestors = ps->nanc ? ps->ancout : NULL;
	g->nancestors = ps->nanc;
	/* Its lines end where the line that ends it begins.  With a prefix
	 * cut from each line, equal text need not mean equal frames. */
	g->text = ps->prefix.n ? lp_str_make(NULL, 0)
	                       : lp_str_make(ps->text,
	                             (size_t)(ps->line_start - ps->text));
	ps->ngoroutines++;
	/* Handed out after its line: what the rest of the line does (a new
	 * header) touches ps->g, not the frames. */
	ps->ready = *g;
	ps->has_ready = 1;
	ps->nfr = ps->nmain = ps->nanc = 0;
	ps->deep = 0;
	return 0;
}

static void
start(struct parser *ps, const struct lp_goroutine *g)
{
	ps->g = *g;
	ps->g.line = ps->lineno;
	ps->text = ps->cur;
	ps->open = 1;
	ps->in_anc = 0;
	ps->nfr = ps->nmain = ps->nanc = 0;
	ps->deep = 0;
	ps->state = S_HDR;
}

/*
 * In S_LOOK: find a header at the start of the line, or glued to the end
 * of other text ("…dumping all stacksgoroutine 1 [running]:").  Whatever
 * comes before it is taken as a per-line prefix (indentation, a log
 * prefix) and cut from the goroutine's other lines where they have it.
 */
static int
look_for_header(struct parser *ps, const char *p, size_t n)
{
	struct lp_goroutine g;
	const char *q = p;
	int r;

	r = parse_header(ps, p, n, &g);
	if (r == 0) {
		for (;;) {
			size_t left = (size_t)(p + n - q);
			const char *h;

			if (left <= 10)
				return 0;
			h = memchr(q + 1, 'g', left - 1);
			if (!h)
				return 0;
			q = h;
			if (!HAS(q, (size_t)(p + n - q), "goroutine "))
				continue;
			r = parse_header(ps, q, (size_t)(p + n - q), &g);
			if (r != 0)
				break;
		}
	}
	if (r < 0)
		return 0;
	start(ps, &g);
	ps->prefix = lp_str_make(p, (size_t)(q - p));
	return 1;
}

/* Does the line after the current one start with white space?  The
 * prefix, if any, is skipped first. */
static int
next_is_indented(const struct parser *ps)
{
	const char *p = ps->cur;
	size_t n = (size_t)(ps->end - p);

	if (ps->prefix.n && has_prefix(p, n, ps->prefix.p, ps->prefix.n)) {
		p += ps->prefix.n;
		n -= ps->prefix.n;
	}
	return n > 0 && lp_is_blank(*p);
}

/*
 * Do the next two lines make a frame: a call line or "created by", then
 * its indented file line?  An odd line before them is then inside a
 * stack (junk in the middle of a dump), not the text after the dump.
 */
static int
frame_follows(const struct parser *ps)
{
	const char *p = ps->cur, *e = ps->end, *nl;
	size_t n;
	struct lp_frame f;

	if (ps->prefix.n &&
	    has_prefix(p, (size_t)(e - p), ps->prefix.p, ps->prefix.n))
		p += ps->prefix.n;
	nl = memchr(p, '\n', (size_t)(e - p));
	if (!nl)
		return 0;
	n = (size_t)(nl - p);
	if (n && p[n - 1] == '\r')
		n--;
	if (n == 0 || lp_is_blank(*p))
		return 0;
	memset(&f, 0, sizeof(f));
	if (!HAS(p, n, "created by ") && parse_call(p, n, &f) <= 0)
		return 0;
	p = nl + 1;
	if (ps->prefix.n &&
	    has_prefix(p, (size_t)(e - p), ps->prefix.p, ps->prefix.n))
		p += ps->prefix.n;
	return p < e && *p == '\t';
}

/* A "created by" line whose function is no function name: told. */
static void
odd_created(struct parser *ps, const char *p, size_t n)
{
	char b[120];

	lp_diag_line(ps->d, ps->lineno, "not a 'created by' line: '%s'",
	    quote(b, sizeof(b), p, n));
	ps->g.flags |= LP_G_PARTIAL;
}

static int
is_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!lp_is_blank(p[i]))
			return 0;
	return 1;
}

/* TAB "goroutine running on other thread; stack unavailable" */
static int
is_unavailable(const char *p, size_t n)
{
	static const char lit[] =
	    "goroutine running on other thread; stack unavailable";

	if (!n || !lp_is_blank(*p))
		return 0;
	while (n && lp_is_blank(*p))
		p++, n--;
	while (n && lp_is_blank(p[n - 1]))
		n--;
	return n == sizeof(lit) - 1 && memcmp(p, lit, n) == 0;
}

/* One line, without its newline and CR.  Returns non-zero to stop. */
static int
line(struct parser *ps, const char *p, size_t n)
{
	struct lp_goroutine hg;
	struct lp_frame *f;
	char b[64];
	const char *why;
	uint64_t v = 0;
	int r;

	if (ps->state != S_LOOK && ps->prefix.n &&
	    has_prefix(p, n, ps->prefix.p, ps->prefix.n)) {
		p += ps->prefix.n;
		n -= ps->prefix.n;
	}
again:
	if (ps->oom)
		return -LP_ENOMEM;
	switch (ps->state) {
	case S_LOOK:
		if (n > 10)
			look_for_header(ps, p, n);
		return 0;

	case S_CALL:
		f = last_frame(ps);
		if (n && lp_is_blank(*p)) {
			if (f && parse_file(ps, p, n, f, &why) < 0) {
				lp_diag_line(ps->d, ps->lineno, "%s: '%s'", why,
				    quote(b, sizeof(b), p, n));
				ps->g.flags |= LP_G_PARTIAL;
			}
			ps->state = S_FILE;
			return 0;
		}
		lp_diag_line(
		    ps->d, ps->lineno - 1, "call line without a file line");
		ps->g.flags |= LP_G_PARTIAL;
		ps->state = S_FILE;
		goto again;

	case S_CREATED:
		if (n && lp_is_blank(*p)) {
			f = ps->in_anc ? &ps->anc[ps->nanc - 1].created_by
			               : &ps->g.created_by;
			if (parse_file(ps, p, n, f, &why) < 0) {
				lp_diag_line(ps->d, ps->lineno, "%s: '%s'", why,
				    quote(b, sizeof(b), p, n));
				ps->g.flags |= LP_G_PARTIAL;
			}
			ps->state = S_AFTER_CREATED;
			return 0;
		}
		lp_diag_line(ps->d, ps->lineno - 1,
		    "'created by' line without a file line");
		ps->g.flags |= LP_G_PARTIAL;
		ps->state = S_AFTER_CREATED;
		goto again;

	case S_BADCALL:
		ps->state = S_FILE;
		if (n && lp_is_blank(*p))
			return 0; /* the bad call's file line */
		goto again;

	default: break;
	}

	/* Lines that end the goroutine or open a new part of it. */
	if (n == 0 || is_blank(p, n)) {
		ps->state = S_LOOK;
		return finish(ps);
	}
	if (p[0] == 'g' && (r = parse_header(ps, p, n, &hg)) != 0) {
		int rf = finish(ps);

		if (rf != 0)
			return rf;
		if (r > 0)
			start(ps, &hg); /* the same prefix goes on */
		else
			ps->state = S_LOOK; /* a bad header: skip its block */
		return 0;
	}
	if (p[0] == '[' && parse_ancestor(p, n, &v)) {
		if (!push_anc(ps, v))
			return -LP_ENOMEM;
		ps->in_anc = 1;
		ps->state = S_HDR;
		return 0;
	}
	if (ps->state == S_HDR || ps->state == S_UNAVAIL) {
		if (ps->state == S_HDR && !ps->in_anc && is_unavailable(p, n)) {
			ps->g.flags |= LP_G_UNAVAILABLE;
			ps->state = S_UNAVAIL;
			return 0;
		}
		if (ps->state == S_UNAVAIL) {
			if (HAS(p, n, "created by ")) {
				if (parse_created(p, n, &ps->g.created_by,
				        &ps->g.flags, &ps->g.creator_id))
					odd_created(ps, p, n);
				ps->state = S_CREATED;
				return 0;
			}
			lp_diag_line(ps->d, ps->lineno,
			    "unexpected text after 'stack unavailable': '%s'",
			    quote(b, sizeof(b), p, n));
			ps->g.flags |= LP_G_PARTIAL;
			return 0;
		}
	}
	if (ps->state == S_AFTER_CREATED) {
		/* Only an ancestor block may follow; anything else is the
		 * text after the dump ("FAIL …", "exit status 2"). */
		ps->state = S_LOOK;
		if ((r = finish(ps)) != 0)
			return r;
		goto again;
	}
	if (lp_is_blank(*p)) {
		lp_diag_line(ps->d, ps->lineno,
		    "file line without a call line: '%s'",
		    quote(b, sizeof(b), p, n));
		ps->g.flags |= LP_G_PARTIAL;
		return 0;
	}
	if (ps->state == S_FILE || ps->state == S_HDR) {
		if (p[0] == 'c' && HAS(p, n, "created by ")) {
			if (ps->in_anc) {
				struct anc *a = &ps->anc[ps->nanc - 1];
				uint64_t dummy = 0;
				r = parse_created(
				    p, n, &a->created_by, &a->flags, &dummy);
			} else {
				r = parse_created(p, n, &ps->g.created_by,
				    &ps->g.flags, &ps->g.creator_id);
			}
			if (r)
				odd_created(ps, p, n);
			ps->state = S_CREATED;
			return 0;
		}
		if (p[0] == '.' && parse_elided(p, n, &v)) {
			if (ps->in_anc) {
				ps->anc[ps->nanc - 1].flags |= LP_G_ELIDED;
				ps->anc[ps->nanc - 1].elided = v;
			} else {
				ps->g.flags |= LP_G_ELIDED;
				ps->g.elided = v;
				ps->g.elided_at = ps->nmain;
			}
			return 0;
		}
	}
	/* A call line (S_HDR or S_FILE). */
	{
		struct lp_frame tmp;

		memset(&tmp, 0, sizeof(tmp));
		r = parse_call(p, n, &tmp);
		if (r == 0 && next_is_indented(ps)) {
			tmp.fn = lp_str_make(p, n); /* C function, no args */
			r = 1;
		}
		if (r > 0 && tmp.args.n &&
		    memchr(tmp.args.p, '{', tmp.args.n) &&
		    (why = check_braces(tmp.args)) != NULL) {
			/* Keep the frame: only its argument text is odd. */
			lp_diag_line(ps->d, ps->lineno, "%s: '%s'", why,
			    quote(b, sizeof(b), p, n));
			ps->g.flags |= LP_G_PARTIAL;
		}
		if (r > 0) {
			f = push_frame(ps);
			if (f)
				*f = tmp;
			else if (ps->oom)
				return -LP_ENOMEM;
			ps->state = f ? S_CALL : S_BADCALL;
			return 0;
		}
		if (ps->state == S_FILE && !(r < 0 && next_is_indented(ps))) {
			if (frame_follows(ps)) {
				/* Junk inside a stack: told, and the stack
				 * goes on with the frame after it. */
				lp_diag_line(ps->d, ps->lineno,
				    "not a call line: '%s'",
				    quote(b, sizeof(b), p, n));
				ps->g.flags |= LP_G_PARTIAL;
				return 0;
			}
			/* Not part of the stack: the dump ended. */
			ps->state = S_LOOK;
			if ((r = finish(ps)) != 0)
				return r;
			goto again;
		}
		lp_diag_line(ps->d, ps->lineno, "not a call line: '%s'",
		    quote(b, sizeof(b), p, n));
		ps->g.flags |= LP_G_PARTIAL;
		if (r < 0)
			ps->state = S_BADCALL;
		return 0;
	}
}

/*
 * "\tFILE:LINE +0xHEX", or with pcs (a GOTRACEBACK=system dump, whose
 * file lines go on with " fp=0x… sp=0x… pc=0xHEX") one that ends so.
 */
static int
has_offset(const char *p, size_t n, int pcs)
{
	const char *end = pcs ? " pc=0x" : " +0x";
	size_t i = n, k = strlen(end);

	if (!n || !lp_is_blank(*p))
		return 0;
	while (i > 0 &&
	       (lp_is_digit(p[i - 1]) || (p[i - 1] >= 'a' && p[i - 1] <= 'f')))
		i--;
	return i < n && i > k && memcmp(p + i - k, end, k) == 0 &&
	       memchr(p, ':', i) != NULL;
}

/*
 * The last line of the input has no newline: Go ends every line, so the
 * input was cut in it.  Inside a goroutine, that goroutine is partial and
 * the cut line is not parsed (it would make up a name like "main.wri");
 * a goroutine header cut short is told too.  Returns 1 when the line was
 * dealt with here.
 */
static int
cut_line(struct parser *ps, const char *p, size_t n)
{
	const char *q = p;

	if (is_blank(p, n))
		return 0;
	/* A file line that ends in its pc offset is taken as whole: only
	 * digits of the offset could be missing.  (Dumps trimmed by hand
	 * often lose their last newline.) */
	if (ps->state == S_CALL && has_offset(p, n, ps->pcs || ps->g.gp))
		return 0;
	if (ps->state != S_LOOK) {
		lp_diag_line(ps->d, ps->lineno,
		    "cut off by the end of the input: goroutine %llu is "
		    "partial",
		    (unsigned long long)ps->g.id);
		ps->g.flags |= LP_G_PARTIAL;
		ps->cut = 1;
		return 1;
	}
	while (q < p + n && lp_is_blank(*q))
		q++;
	/* "goroutine 7 [" or any start of it ("gor") */
	if (HAS(q, (size_t)(p + n - q), "goroutine ") ||
	    (p + n - q < 10 &&
	        memcmp(q, "goroutine ", (size_t)(p + n - q)) == 0)) {
		lp_diag_line(ps->d, ps->lineno,
		    "cut off by the end of the input: a goroutine header");
		ps->cut = 1;
		return 1;
	}
	return 0;
}

struct lp_godump {
	struct parser ps;
	int ended;
};

struct lp_godump *
lp_godump_new(const unsigned char *data, size_t len, struct lp_diag *d)
{
	struct lp_godump *it = calloc(1, sizeof(*it));

	if (!it)
		return NULL;
	it->ps.cur = (const char *)data;
	it->ps.end = it->ps.cur + len;
	it->ps.d = d;
	it->ps.state = S_LOOK;
	return it;
}

void
lp_godump_free(struct lp_godump *it)
{
	if (!it)
		return;
	free(it->ps.fr);
	free(it->ps.anc);
	free(it->ps.ancout);
	free(it);
}

/* The end of input ends the last goroutine. */
static int
end_of_input(struct parser *ps)
{
	if (ps->cut) {
		/* told by cut_line */
	} else if (ps->state == S_CALL) {
		lp_diag_line(ps->d, ps->lineno, "the dump ends inside a frame");
		ps->g.flags |= LP_G_PARTIAL;
	} else if (ps->state == S_CREATED) {
		lp_diag_line(
		    ps->d, ps->lineno, "the dump ends after 'created by'");
		ps->g.flags |= LP_G_PARTIAL;
	}
	return finish(ps);
}

int
lp_godump_next(
    struct lp_godump *it, const struct lp_goroutine **g, struct lp_error *err)
{
	struct parser *ps = &it->ps;
	int r = 0;

	ps->has_ready = 0;
	while (!it->ended) {
		const char *p = ps->cur, *nl, *le;

		ps->line_start = p;
		if (ps->cur >= ps->end) {
			it->ended = 1;
			if ((r = end_of_input(ps)) != 0)
				goto out;
			break;
		}
		nl = memchr(p, '\n', (size_t)(ps->end - p));
		le = nl ? nl : ps->end;
		ps->cur = nl ? nl + 1 : ps->end;
		ps->lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		if (!nl && cut_line(ps, p, (size_t)(le - p))) {
			ps->cur = ps->end;
			continue;
		}
		if ((r = line(ps, p, (size_t)(le - p))) != 0)
			goto out;
		if (ps->has_ready)
			break;
	}
	if (ps->has_ready) {
		*g = &ps->ready;
		return 1;
	}
	if (ps->ngoroutines == 0)
		return lp_error_set(err, LP_EDATA, "no goroutine in the dump");
	return 0;
out:
	it->ended = 1;
	ps->ngoroutines = 1; /* the error is told once: then the end */
	return lp_error_set(
	    err, LP_ENOMEM, "out of memory at line %zu", ps->lineno);
}

int
lp_godump_parse(const unsigned char *data, size_t len, lp_goroutine_fn fn,
    void *ctx, struct lp_diag *d, struct lp_error *err)
{
	struct lp_godump *it = lp_godump_new(data, len, d);
	const struct lp_goroutine *g;
	int r;

	if (!it)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	while ((r = lp_godump_next(it, &g, err)) > 0)
		if (fn && (r = fn(g, ctx)) != 0)
			break;
	if (r == -LP_ENOMEM)
		lp_error_set(
		    err, LP_ENOMEM, "out of memory at line %zu", it->ps.lineno);
	lp_godump_free(it);
	return r;
}

/* ---- writing ---- */

/*
 * The interned id of a stack, 0 when not interning (or out of memory:
 * the flat form is still correct output).  Interning may write a "stack"
 * record to o, so it must happen before the record that refers to it.
 */
static uint64_t
intern_stack(struct lp_out *o, const struct lp_frame *f, size_t n,
    unsigned flags, struct lp_intern *in)
{
	if (!(flags & LP_EMIT_INTERN) || !in)
		return 0;
	return lp_intern_frames(in, o, f, n, flags);
}

static void
write_stack_field(struct lp_out *o, const struct lp_frame *f, size_t n,
    unsigned flags, uint64_t id)
{
	if (id) {
		lp_out_lit(o, ",\"stack_id\":");
		lp_out_uint(o, id);
		return;
	}
	lp_out_lit(o, ",\"stack\":");
	lp_stack_write(o, f, n, flags);
}

/* The creator frame, with "goid" inside the frame object. */
static void
write_created(
    struct lp_out *o, const struct lp_frame *f, int has_id, uint64_t id)
{
	lp_out_lit(o, ",\"created_by\":{");
	lp_frame_write_members(o, f, 0);
	if (has_id) {
		lp_out_lit(o, ",\"goid\":");
		lp_out_uint(o, id);
	}
	lp_out_ch(o, '}');
}

/* Ancestor stacks interned per record; more are written flat (Go keeps
 * at most 50 ancestors, GODEBUG=tracebackancestors). */
#define ANC_IDS_MAX 64

void
lp_goroutine_write(struct lp_out *o, const struct lp_goroutine *g,
    const char *src, const struct lp_emit_opts *opts, struct lp_intern *in)
{
	unsigned flags = opts ? opts->flags : 0, gf = g->flags;
	uint64_t id, aid[ANC_IDS_MAX];
	size_t i;

	id = intern_stack(o, g->frames, g->nframes, flags, in);
	for (i = 0; i < g->nancestors && i < ANC_IDS_MAX; i++)
		aid[i] = intern_stack(o, g->ancestors[i].frames,
		    g->ancestors[i].nframes, flags, in);
	lp_out_lit(o, "{\"kind\":\"goroutine\"");
	if (src) {
		lp_out_lit(o, ",\"src\":");
		lp_out_cstr(o, src);
	}
	lp_out_lit(o, ",\"id\":");
	lp_out_uint(o, g->id);
	lp_out_lit(o, ",\"state\":");
	lp_out_lstr(o, g->state);
	if (g->wait_ns >= 0) {
		lp_out_lit(o, ",\"wait_ns\":");
		lp_out_int(o, g->wait_ns);
	}
	if (gf & LP_G_LOCKED)
		lp_out_lit(o, ",\"locked\":true");
	if (gf & LP_G_LEAKED)
		lp_out_lit(o, ",\"leaked\":true");
	if (gf & LP_G_SCAN)
		lp_out_lit(o, ",\"scan\":true");
	if (gf & LP_G_DURABLE)
		lp_out_lit(o, ",\"durable\":true");
	if (gf & LP_G_SYNCTEST_GROUP) {
		lp_out_lit(o, ",\"synctest_group\":");
		lp_out_uint(o, g->synctest_group);
	}
	if (gf & LP_G_SYNCTEST_BUBBLE) {
		lp_out_lit(o, ",\"synctest_bubble\":");
		lp_out_uint(o, g->synctest_bubble);
	}
	if (gf & LP_G_GP) {
		lp_out_lit(o, ",\"gp\":");
		lp_out_hex(o, g->gp);
	}
	if (gf & LP_G_M) {
		lp_out_lit(o, ",\"m\":");
		lp_out_int(o, g->m);
	}
	if (gf & LP_G_MP) {
		lp_out_lit(o, ",\"mp\":");
		lp_out_hex(o, g->mp);
	}
	if (g->nextra) {
		lp_out_lit(o, ",\"extra\":[");
		for (i = 0; i < g->nextra; i++) {
			if (i)
				lp_out_ch(o, ',');
			lp_out_lstr(o, g->extra[i]);
		}
		lp_out_ch(o, ']');
	}
	write_stack_field(o, g->frames, g->nframes, flags, id);
	if (gf & LP_G_ELIDED) {
		lp_out_lit(o, ",\"frames_elided\":true");
		if (g->elided) {
			lp_out_lit(o, ",\"elided_count\":");
			lp_out_uint(o, g->elided);
		}
		if (g->elided_at < g->nframes) {
			/* Go 1.21+ keeps the outermost frames too. */
			lp_out_lit(o, ",\"elided_at\":");
			lp_out_uint(o, g->elided_at);
		}
	}
	if (gf & LP_G_UNAVAILABLE)
		lp_out_lit(o, ",\"stack_unavailable\":true");
	if (gf & LP_G_CREATED)
		write_created(
		    o, &g->created_by, !!(gf & LP_G_CREATOR_ID), g->creator_id);
	if (g->nancestors) {
		lp_out_lit(o, ",\"ancestors\":[");
		for (i = 0; i < g->nancestors; i++) {
			const struct lp_ancestor *a = &g->ancestors[i];
			if (i)
				lp_out_ch(o, ',');
			lp_out_lit(o, "{\"goid\":");
			lp_out_uint(o, a->id);
			write_stack_field(o, a->frames, a->nframes, flags,
			    i < ANC_IDS_MAX ? aid[i] : 0);
			if (a->flags & LP_G_ELIDED) {
				lp_out_lit(o, ",\"frames_elided\":true");
				if (a->elided) {
					lp_out_lit(o, ",\"elided_count\":");
					lp_out_uint(o, a->elided);
				}
			}
			if (a->flags & LP_G_CREATED)
				write_created(o, &a->created_by, 0, 0);
			lp_out_ch(o, '}');
		}
		lp_out_ch(o, ']');
	}
	if (gf & LP_G_PARTIAL)
		lp_out_lit(o, ",\"partial\":true");
	lp_out_ch(o, '}');
	lp_out_end(o);
}
