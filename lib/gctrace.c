/* gctrace.c - GC cycles from GODEBUG=gctrace=1 logs and from MemStats */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gctrace.h"
#include "util.h"

/*
 * The forms read, from the runtime's history (runtime/mgc.go):
 *
 *   Go 1.5, 1.6   gc N @S.SSSs P%: a+b+c+d+e ms clock,
 *                 a+b+c+d/e/f+g ms cpu, H0->H1->H2 MB, G MB goal, P P
 *   Go 1.7-1.17   gc N @S.SSSs P%: a+b+c ms clock, a+b/c/d+e ms cpu,
 *                 H0->H1->H2 MB, G MB goal, P P
 *   Go 1.18-      the same with ", S MB stacks, G MB globals" before P
 *   Go 1.26       "(checking for goroutine leaks)" may follow P%
 *
 * and " (forced)" at the end for a cycle runtime.GC() asked for.  The
 * STW collector of Go 1.4 and before printed "gc1(1): …": not read.
 */

#define NS_PER_S  1000000000LL
#define NS_PER_MS 1000000LL
#define MIB       20 /* the heap figures are in MiB, truncated */

/*
 * Bounds that keep every sum below in int64_t: a time since process start
 * or a phase of at most 2^58 ns (9 years), a wall-clock time of at most
 * 2^62 ns after the epoch (the year 2116).
 */
#define SPAN_MAX ((int64_t)1 << 58)
#define TIME_MAX ((int64_t)1 << 62)

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
lit(const char **pp, const char *e, const char *s)
{
	size_t k = strlen(s);

	if ((size_t)(e - *pp) < k || memcmp(*pp, s, k) != 0)
		return 0;
	*pp += k;
	return 1;
}

/* An unsigned integer of at most 19 digits. */
static int
uint_at(const char **pp, const char *e, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	int k = 0;

	while (p < e && is_digit(*p)) {
		if (++k > 19)
			return 0;
		x = x * 10 + (uint64_t)(*p++ - '0');
	}
	if (k == 0)
		return 0;
	*v = x;
	*pp = p;
	return 1;
}

/* "I[.F]" in units of unit ns (at most 9 digits of fraction). */
static int
dec_at(const char **pp, const char *e, int64_t unit, int64_t *ns)
{
	const char *p = *pp;
	uint64_t i, f = 0;
	int64_t scale = unit;

	if (!uint_at(&p, e, &i) || i > (uint64_t)(INT64_MAX / unit))
		return 0;
	if (p < e && *p == '.') {
		int k = 0;
		p++;
		while (p < e && is_digit(*p)) {
			if (++k > 9)
				return 0;
			scale /= 10;
			f += (uint64_t)(*p++ - '0') * (uint64_t)scale;
		}
		if (k == 0)
			return 0;
	}
	if (f > (uint64_t)(INT64_MAX - (int64_t)i * unit))
		return 0;
	*ns = (int64_t)i * unit + (int64_t)f;
	*pp = p;
	return 1;
}

/* "N MB" as bytes */
static int
mb_at(const char **pp, const char *e, uint64_t *bytes)
{
	uint64_t v;

	if (!uint_at(pp, e, &v) || v > (UINT64_MAX >> MIB))
		return 0;
	*bytes = v << MIB;
	return 1;
}

int
lp_gctrace_parse_line(const char *p, const char *e, struct lp_gc *gc)
{
	uint64_t v;
	const char *q;
	int k;

	memset(gc, 0, sizeof *gc);
	if (!lit(&p, e, "gc ") || !uint_at(&p, e, &gc->n) || !lit(&p, e, " @"))
		return 0;
	if (!dec_at(&p, e, NS_PER_S, &gc->start_ns) ||
	    gc->start_ns > SPAN_MAX || !lit(&p, e, "s ") ||
	    !uint_at(&p, e, &v) || v > 100000 || !lit(&p, e, "%"))
		return -1;
	gc->cpu_percent = (unsigned)v;
	if (lit(&p, e, " (checking for goroutine leaks)"))
		gc->leak_check = 1;
	if (!lit(&p, e, ": "))
		return -1;
	/* At most 5 phases and 7 CPU parts: the work per line is bounded,
	 * whatever a hostile line repeats. */
	for (k = 0; k < 5; k++) {
		if (!dec_at(&p, e, NS_PER_MS, &gc->clock[k]) ||
		    gc->clock[k] > SPAN_MAX)
			return -1;
		if (!lit(&p, e, "+"))
			break;
	}
	gc->nclock = k + 1;
	if (k == 5 || (gc->nclock != 3 && gc->nclock != 5) ||
	    !lit(&p, e, " ms clock, "))
		return -1;
	for (k = 0; k < 7; k++) {
		char want = 0;
		if (!dec_at(&p, e, NS_PER_MS, &gc->cpu[k]))
			return -1;
		if (p < e && (*p == '+' || *p == '/'))
			want = *p++;
		if (!want)
			break;
		/* 3 phases: a+b/c/d+e; 5 phases: a+b+c+d/e/f+g */
		if ((gc->nclock == 3 && want != "+//+"[k < 4 ? k : 0]) ||
		    (gc->nclock == 5 && want != "+++//+"[k < 6 ? k : 0]))
			return -1;
	}
	gc->ncpu = k + 1;
	if (k == 7 || gc->ncpu != (gc->nclock == 3 ? 5 : 7) ||
	    !lit(&p, e, " ms cpu, "))
		return -1;
	if (!mb_at(&p, e, &gc->heap[0]) || !lit(&p, e, "->") ||
	    !mb_at(&p, e, &gc->heap[1]) || !lit(&p, e, "->") ||
	    !mb_at(&p, e, &gc->heap[2]) || !lit(&p, e, " MB, ") ||
	    !mb_at(&p, e, &gc->goal) || !lit(&p, e, " MB goal, "))
		return -1;
	q = p;
	if (mb_at(&q, e, &gc->stacks) && lit(&q, e, " MB stacks, ")) {
		if (!mb_at(&q, e, &gc->globals) || !lit(&q, e, " MB globals, "))
			return -1;
		gc->have_scan = 1;
		p = q;
	} else {
		gc->stacks = 0;
	}
	if (!uint_at(&p, e, &v) || v > 1u << 20 || !lit(&p, e, " P"))
		return -1;
	gc->procs = (unsigned)v;
	/* Output glued after the line is not the collector's. */
	if (lit(&p, e, " (forced)"))
		gc->forced = 1;
	return 1;
}

/* ---- timestamps ---------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Exactly k digits at p as a number, or -1. */
static int64_t
fixed(const char *p, const char *e, int k)
{
	int64_t v = 0;

	if (e - p < k)
		return -1;
	for (int i = 0; i < k; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* ".F" or ",F": the fraction as ns, its resolution in *res. */
static const char *
fraction(const char *p, const char *e, int64_t *ns, int64_t *res)
{
	int64_t scale = NS_PER_S;
	int k = 0;

	*ns = 0;
	*res = NS_PER_S;
	if (p >= e || (*p != '.' && *p != ',') || p + 1 >= e || !is_digit(p[1]))
		return p;
	for (p++; p < e && is_digit(*p); p++, k++)
		if (k < 9) {
			scale /= 10;
			*ns += (*p - '0') * scale;
		}
	*res = scale;
	return p;
}

/* A calendar date and time: "Y/M/D H:M:S" or RFC 3339. */
static size_t
calendar(const char *s, const char *e, int64_t *ns, int64_t *res)
{
	const char *p = s;
	int64_t y, mo, d, h, mi, sec, frac, off = 0;
	char sep;

	y = fixed(p, e, 4);
	if (y < 1970 || y > 2116 || e - p < 19)
		return 0;
	sep = p[4];
	if ((sep != '-' && sep != '/') || p[7] != sep)
		return 0;
	mo = fixed(p + 5, e, 2);
	d = fixed(p + 8, e, 2);
	if (!(p[10] == ' ' || (sep == '-' && (p[10] == 'T' || p[10] == 't'))))
		return 0;
	h = fixed(p + 11, e, 2);
	mi = fixed(p + 14, e, 2);
	sec = fixed(p + 17, e, 2);
	if (p[13] != ':' || p[16] != ':' || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
	    sec > 60)
		return 0;
	p = fraction(p + 19, e, &frac, res);
	if (sep == '-' && p < e && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (sep == '-' && p < e && (*p == '+' || *p == '-')) {
		int64_t oh = fixed(p + 1, e, 2), om;
		const char *q = p + 3;
		if (oh < 0 || oh > 23)
			return 0;
		if (q < e && *q == ':')
			q++;
		om = fixed(q, e, 2);
		if (om < 0 || om > 59)
			return 0;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
		p = q + 2;
	}
	*ns = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	           h * 3600 + mi * 60 + sec - off) *
	          NS_PER_S) +
	      frac;
	return (size_t)(p - s);
}

size_t
lp_gctrace_timestamp(const char *s, size_t n, int64_t *ns, int64_t *res)
{
	const char *p = s, *e = s + n;
	uint64_t v;
	int64_t frac, unit;
	size_t k;

	if ((k = calendar(s, e, ns, res)) != 0)
		return *ns <= TIME_MAX ? k : 0;
	/* Unix time: the number of digits says the unit. */
	if (!uint_at(&p, e, &v))
		return 0;
	switch (p - s) {
	case 10: unit = NS_PER_S; break;
	case 13: unit = NS_PER_MS; break;
	case 16: unit = 1000; break;
	case 19: unit = 1; break;
	default: return 0;
	}
	if (v > (uint64_t)(TIME_MAX / unit))
		return 0;
	frac = 0;
	*res = unit;
	if (unit == NS_PER_S) /* only seconds take a fraction */
		p = fraction(p, e, &frac, res);
	/* A number that goes on is not a timestamp. */
	if (p < e && *p != ' ' && *p != '\t' && *p != ']' && *p != ':' &&
	    *p != '|' && *p != '"')
		return 0;
	*ns = (int64_t)v * unit + frac;
	return *ns <= TIME_MAX ? (size_t)(p - s) : 0;
}

/*
 * The timestamp a line starts with, after an optional "[" or "time=" (or
 * "ts=", with an optional quote).  Returns 1 and sets *ns, *res.
 */
static int
line_time(const char *p, const char *e, int64_t *ns, int64_t *res)
{
	if (p < e && *p == '[')
		p++;
	else if (!lit(&p, e, "time="))
		(void)lit(&p, e, "ts=");
	if (p < e && *p == '"')
		p++;
	return lp_gctrace_timestamp(p, (size_t)(e - p), ns, res) != 0;
}

/* ---- finding the lines ---------------------------------------------- */

/* A character of a number as the runtime prints it. */
static int
num_char(char c)
{
	return is_digit(c) || c == '.';
}

/*
 * The program's own output can land inside a gctrace line: the runtime
 * prints one in many small writes, and a log.Printf between two of them
 * leaves "gc 5 @1.2s 1%: 0.1+2+0.1 ms clock, <log line>\n<the rest>\n".
 * For a record at h on line ..le that does not parse, try it as its head
 * (the line cut where the other text begins) joined to the next line,
 * n..ne: the number of cuts that parse, gc filled when it is one.  Text that
 * begins with digits right after a number ("6->7" then "2026/12/02 …")
 * leaves several cuts that parse ("7", "72", "7202"): no guess is made.
 */
static int
join_split(const char *h, const char *le, const char *n, const char *ne,
    struct lp_gc *gc)
{
	char buf[512];
	size_t tail = (size_t)(ne - n);
	struct lp_gc one;
	int found = 0;

	if ((size_t)(le - h) + tail > sizeof buf)
		return 0;
	for (const char *k = le; k - h >= 3; k--) {
		/* The runtime writes a number in one call: a cut inside
		 * one is not where the other text came in. */
		if (tail && num_char(k[-1]) && num_char(n[0]))
			continue;
		memcpy(buf, h, (size_t)(k - h));
		memcpy(buf + (k - h), n, tail);
		if (lp_gctrace_parse_line(buf, buf + (k - h) + tail, &one) <= 0)
			continue;
		if (found++ == 0)
			*gc = one;
	}
	return found;
}

/*
 * The first "gc N @" of line p..e that starts a word: 1 with *at set and
 * gc filled, -1 for a line that has one but not a line the collector
 * could have printed, 0 for every other line.  A record split by other
 * output (join_split) is taken with the next line: *le moves to its end;
 * one split where no cut is sure gives -2.
 */
static int
find_gc(const char *p, const char **le, const char *end, struct lp_gc *gc,
    const char **at)
{
	const char *e = *le;
	const char *q = p;
	int bad = 0;

	while (e - q >= 6) {
		const char *h = memchr(q, 'g', (size_t)(e - q - 5));
		int rc;

		if (!h)
			break;
		q = h + 1;
		if (h[1] != 'c' || h[2] != ' ' || !is_digit(h[3]))
			continue;
		if (h > p &&
		    (is_digit(h[-1]) || (h[-1] >= 'a' && h[-1] <= 'z') ||
		        (h[-1] >= 'A' && h[-1] <= 'Z') || h[-1] == '_'))
			continue;
		rc = lp_gctrace_parse_line(h, e, gc);
		if (rc > 0) {
			*at = h;
			return 1;
		}
		/* Cut after "gc " or its number, the head parses as
		 * nothing at all: the next line may still complete it. */
		if (rc <= 0 && e < end) {
			const char *n = e + 1;
			const char *nl = memchr(n, '\n', (size_t)(end - n));
			const char *ne = nl ? nl : end;
			int cuts = join_split(h, e, n, ne, gc);
			if (cuts == 1) {
				*at = h;
				*le = ne;
				return 1;
			}
			if (cuts > 1)
				return -2;
		}
		if (rc < 0)
			bad = 1;
	}
	return bad ? -1 : 0;
}

int
lp_gctrace_match(const unsigned char *up, size_t n)
{
	const char *p = (const char *)up, *e = p + n;
	struct lp_gc gc;
	const char *at;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		if (find_gc(p, &le, e, &gc, &at) > 0)
			return 1;
		p = le < e ? le + 1 : e;
	}
	return 0;
}

/* ---- anchoring to wall-clock time ----------------------------------- */

/*
 * A process, in the log: the run of cycles until the count or the clock
 * starts again (a restart).  Its wall-clock start is bounded by the
 * timestamped lines around its cycles, in file order: a line after a
 * gctrace line (or its own prefix) was written after the cycle ended and
 * bounds the start from above; a line before it was written before the
 * runtime printed it, at about the cycle's end, and bounds it from below.
 */
struct proc {
	int have_lo, have_hi, pending;
	int64_t lo, hi; /* bounds on the start, Unix ns */
	int64_t pend_e; /* the latest end of a cycle not yet followed by a
	                   timestamp */
};

struct scan {
	const char *p, *e;
	size_t lineno;
	struct proc *procs;
	size_t nprocs, cap;
	uint64_t last_n;
	int64_t last_start;
	int have_ts;
	int64_t ts, res; /* the last timestamp seen */
};

static int64_t
cycle_end(const struct lp_gc *gc)
{
	int64_t t = gc->start_ns;

	for (int i = 0; i < gc->nclock; i++)
		t += gc->clock[i];
	return t;
}

/*
 * How much later than cycle_end() the cycle may have ended: "@" is
 * truncated to the millisecond, and each phase to two significant digits
 * (or whole milliseconds from 10 ms up).
 */
static int64_t
cycle_slack(const struct lp_gc *gc)
{
	int64_t s = NS_PER_MS;

	for (int i = 0; i < gc->nclock; i++)
		s += gc->clock[i] / 10 + 1000;
	return s;
}

/* Is gc the first cycle of a new process?  Updates the scan's state. */
static int
new_process(struct scan *s, const struct lp_gc *gc)
{
	int fresh = s->nprocs == 0 || gc->n <= s->last_n ||
	            gc->start_ns < s->last_start;

	s->last_n = gc->n;
	s->last_start = gc->start_ns;
	return fresh;
}

/* A timestamp bounds from above every cycle printed before it. */
static void
settle(struct scan *s, int64_t ts, int64_t res)
{
	for (size_t i = s->nprocs; i-- > 0;) {
		struct proc *pr = &s->procs[i];
		int64_t hi;
		if (!pr->pending)
			break;
		hi = ts + res - pr->pend_e;
		if (!pr->have_hi || hi < pr->hi)
			pr->hi = hi;
		pr->have_hi = 1;
		pr->pending = 0;
	}
}

/* First pass: the processes and the bounds on their starts. */
static int
anchor_pass(struct scan *s)
{
	const char *p = s->p;
	struct lp_gc gc;
	const char *at;

	while (p < s->e) {
		const char *nl = memchr(p, '\n', (size_t)(s->e - p));
		const char *le = nl ? nl : s->e;
		int64_t ts, res;
		int timed = line_time(p, le, &ts, &res);

		if (timed) {
			s->have_ts = 1;
			s->ts = ts;
			s->res = res;
		}
		if (find_gc(p, &le, s->e, &gc, &at) > 0) {
			struct proc *pr;
			int64_t end = cycle_end(&gc);
			int64_t late = end + cycle_slack(&gc);
			if (new_process(s, &gc)) {
				if (lp_reserve((void **)&s->procs, &s->cap,
				        s->nprocs + 1, sizeof *s->procs) < 0)
					return -LP_ENOMEM;
				memset(&s->procs[s->nprocs++], 0,
				    sizeof *s->procs);
			}
			pr = &s->procs[s->nprocs - 1];
			/* Written before the cycle ended: the start is at
			 * least the line's time less the latest end. */
			if (s->have_ts &&
			    (!pr->have_lo || s->ts - late > pr->lo)) {
				pr->lo = s->ts - late;
				pr->have_lo = 1;
			}
			if (!pr->pending || end > pr->pend_e)
				pr->pend_e = end;
			pr->pending = 1;
		}
		if (timed)
			settle(s, ts, res);
		p = le < s->e ? le + 1 : s->e;
	}
	return 0;
}

/*
 * The wall-clock start of a process, or 0 when nothing tells it; *err is
 * how far off it can be, when both bounds are known (else -1).
 */
static int64_t
proc_start(const struct proc *pr, int64_t *err)
{
	*err = -1;
	if (pr->have_lo && pr->have_hi && pr->lo <= pr->hi) {
		*err = (pr->hi - pr->lo + 1) / 2;
		return pr->lo + (pr->hi - pr->lo) / 2;
	}
	/* The upper bound is sure: the runtime prints the line after the
	 * cycle ended.  The lower one assumes it printed at once, but it
	 * prints after restarting the world, and other output can come
	 * first: the overlap is how late that was. */
	if (pr->have_lo && pr->have_hi) {
		*err = pr->lo - pr->hi;
		return pr->hi;
	}
	if (pr->have_lo)
		return pr->lo;
	if (pr->have_hi)
		return pr->hi;
	return 0;
}

/* ---- records ---------------------------------------------------------- */

/* ns as RFC 3339 text in UTC, with digits of fraction (3 or 9). */
static void
write_time(struct lp_out *o, const char *name, int64_t ns, int digits)
{
	time_t secs = (time_t)(ns / NS_PER_S);
	struct tm tm;
	char buf[64];
	size_t n;

	if (ns <= 0 || !gmtime_r(&secs, &tm))
		return;
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0)
		return;
	if (digits == 3)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ".%03dZ",
		    (int)(ns % NS_PER_S / NS_PER_MS));
	else
		n += (size_t)snprintf(
		    buf + n, sizeof(buf) - n, ".%09dZ", (int)(ns % NS_PER_S));
	lp_out_ch(o, ',');
	lp_out_cstr(o, name);
	lp_out_ch(o, ':');
	lp_out_str(o, buf, n);
}

static void
write_stw(
    struct lp_out *o, const char *reason, int64_t start, int64_t ns, int first)
{
	if (!first)
		lp_out_ch(o, ',');
	lp_out_lit(o, "{\"reason\":");
	lp_out_cstr(o, reason);
	lp_out_lit(o, ",\"start_ns\":");
	lp_out_int(o, start);
	lp_out_lit(o, ",\"ns\":");
	lp_out_int(o, ns);
	lp_out_ch(o, '}');
}

struct prev {
	int have;
	uint64_t n;
	int64_t end;
	uint64_t heap_end;
};

static void
write_gc(struct lp_out *o, const char *src, size_t lineno,
    const struct lp_gc *gc, int64_t anchor, int64_t anchor_err, int periodic,
    struct prev *pv)
{
	static const char *const clock3[] = { "sweep_term", "mark",
		"mark_term" };
	static const char *const clock5[] = { "sweep_term", "scan",
		"install_wb", "mark", "mark_term" };
	static const char *const cpu5[] = { "sweep_term", "assist",
		"background", "idle", "mark_term" };
	static const char *const cpu7[] = { "sweep_term", "scan", "install_wb",
		"assist", "background", "idle", "mark_term" };
	const char *const *cn = gc->nclock == 3 ? clock3 : clock5;
	const char *const *un = gc->ncpu == 5 ? cpu5 : cpu7;
	int64_t end = cycle_end(gc), t = gc->start_ns, stw = 0;
	int i;

	lp_out_lit(o, "{\"kind\":\"gc\",\"src\":");
	lp_out_cstr(o, src);
	lp_out_lit(o, ",\"source\":\"gctrace\",\"line\":");
	lp_out_uint(o, lineno);
	lp_out_lit(o, ",\"n\":");
	lp_out_uint(o, gc->n);
	lp_out_lit(o, ",\"start_ns\":");
	lp_out_int(o, gc->start_ns);
	lp_out_lit(o, ",\"end_ns\":");
	lp_out_int(o, end);
	if (anchor) {
		lp_out_lit(o, ",\"time_ns\":");
		lp_out_int(o, anchor + gc->start_ns);
		/* Milliseconds: what the runtime printed is no finer. */
		write_time(o, "time", anchor + gc->start_ns, 3);
		lp_out_lit(o, ",\"end_time_ns\":");
		lp_out_int(o, anchor + end);
		if (anchor_err >= 0) {
			lp_out_lit(o, ",\"time_error_ns\":");
			lp_out_int(o, anchor_err);
		}
	}
	lp_out_lit(o, ",\"clock_ns\":{");
	for (i = 0; i < gc->nclock; i++) {
		if (i)
			lp_out_ch(o, ',');
		lp_out_cstr(o, cn[i]);
		lp_out_ch(o, ':');
		lp_out_int(o, gc->clock[i]);
	}
	lp_out_lit(o, "},\"cpu_ns\":{");
	for (i = 0; i < gc->ncpu; i++) {
		if (i)
			lp_out_ch(o, ',');
		lp_out_cstr(o, un[i]);
		lp_out_ch(o, ':');
		lp_out_int(o, gc->cpu[i]);
	}
	/* The stop-the-world phases: the first and the last, and Go 1.5's
	 * write-barrier install in between. */
	lp_out_lit(o, "},\"stw\":[");
	for (i = 0; i < gc->nclock; i++) {
		const char *why = i == 0                ? "GC sweep termination"
		                  : i == gc->nclock - 1 ? "GC mark termination"
		                  : i == 2 && gc->nclock == 5
		                      ? "GC install write barrier"
		                      : NULL;
		if (why) {
			write_stw(o, why, t, gc->clock[i], i == 0);
			stw += gc->clock[i];
		}
		t += gc->clock[i];
	}
	lp_out_lit(o, "],\"stw_ns\":");
	lp_out_int(o, stw);
	lp_out_lit(o, ",\"heap_start\":");
	lp_out_uint(o, gc->heap[0]);
	lp_out_lit(o, ",\"heap_mark_end\":");
	lp_out_uint(o, gc->heap[1]);
	lp_out_lit(o, ",\"heap_end\":");
	lp_out_uint(o, gc->heap[2]);
	lp_out_lit(o, ",\"heap_goal\":");
	lp_out_uint(o, gc->goal);
	lp_out_lit(o, ",\"heap_precision\":1048576");
	if (gc->have_scan) {
		lp_out_lit(o, ",\"stacks\":");
		lp_out_uint(o, gc->stacks);
		lp_out_lit(o, ",\"globals\":");
		lp_out_uint(o, gc->globals);
	}
	lp_out_lit(o, ",\"procs\":");
	lp_out_uint(o, gc->procs);
	lp_out_lit(o, ",\"cpu_percent\":");
	lp_out_uint(o, gc->cpu_percent);
	if (gc->forced)
		lp_out_lit(o, ",\"forced\":true");
	if (periodic)
		lp_out_lit(o, ",\"periodic\":true");
	if (gc->leak_check)
		lp_out_lit(o, ",\"leak_check\":true");
	/* As the trace's gc record has them, when the cycle before is the
	 * one just before (no line lost in between). */
	if (pv->have && pv->n + 1 == gc->n && gc->start_ns >= pv->end) {
		lp_out_lit(o, ",\"since_prev_ns\":");
		lp_out_int(o, gc->start_ns - pv->end);
		lp_out_lit(o, ",\"heap_growth\":");
		lp_out_int(o, (int64_t)(gc->heap[0] - pv->heap_end));
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
	pv->have = 1;
	pv->n = gc->n;
	pv->end = end;
	pv->heap_end = gc->heap[2];
}

int
lp_gctrace_write(struct lp_out *o, const unsigned char *up, size_t n,
    const char *src, const struct lp_gctrace_opts *opts, struct lp_diag *d,
    struct lp_error *err)
{
	struct scan s;
	struct prev pv = { 0, 0, 0, 0 };
	const char *p = (const char *)up, *e = p + n;
	size_t lineno = 0, proc = 0;
	int periodic = 0, rc;

	memset(&s, 0, sizeof s);
	s.p = p;
	s.e = e;
	if ((rc = anchor_pass(&s)) < 0) {
		free(s.procs);
		return lp_error_set(err, rc, "out of memory");
	}
	/* Second pass: the records, with the same processes. */
	s.nprocs = 0;
	s.last_n = 0;
	s.last_start = 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e, *le0;
		struct lp_gc gc;
		const char *at;
		int64_t anchor = 0, anchor_err = -1;

		lineno++;
		le0 = le;
		rc = find_gc(p, &le, e, &gc, &at);
		if (rc > 0) {
			if (new_process(&s, &gc)) {
				proc = s.nprocs++;
				pv.have = 0;
			}
			anchor = proc_start(&s.procs[proc], &anchor_err);
			if (!anchor && proc == 0 && opts)
				anchor = opts->anchor_ns;
			write_gc(o, src, lineno, &gc, anchor, anchor_err,
			    periodic, &pv);
			periodic = 0;
		} else if (rc == -2) {
			lp_diag_line(d, lineno,
			    "a gctrace line with other output written "
			    "into it where its numbers cannot be told apart");
		} else if (rc < 0) {
			lp_diag_line(d, lineno,
			    "not a gctrace line the "
			    "runtime writes");
		} else if (le - p >= 9 && memcmp(le - 9, "GC forced", 9) == 0) {
			/* sysmon's line before a cycle it starts because
			 * none ran for two minutes */
			periodic = 1;
		}
		if (le != le0)
			lineno++; /* the rest of a split record */
		p = le < e ? le + 1 : e;
	}
	free(s.procs);
	return 0;
}

/* ---- MemStats -------------------------------------------------------- */

static const struct lp_str *
memstat(const struct lp_profile *p, const char *name)
{
	for (size_t i = 0; i < p->nmemstats; i++)
		if (lp_str_eq(p->memstats[i].name, name))
			return &p->memstats[i].value;
	return NULL;
}

/* "[a b c …]" into v[0..256); returns the count or -1. */
static int
ring(const struct lp_str *s, uint64_t *v)
{
	const char *p = s->p, *e = s->p + s->n;
	int k = 0;

	if (p >= e || *p++ != '[')
		return -1;
	for (;;) {
		while (p < e && *p == ' ')
			p++;
		if (p < e && *p == ']')
			return k;
		if (k == 256 || !uint_at(&p, e, &v[k]))
			return -1;
		k++;
	}
}

int
lp_memstats_gc_write(struct lp_out *o, const struct lp_profile *p,
    const char *src, struct lp_error *err)
{
	const struct lp_str *num = memstat(p, "NumGC");
	const struct lp_str *pns = memstat(p, "PauseNs");
	const struct lp_str *pend = memstat(p, "PauseEnd");
	uint64_t ns[256], end[256], numgc, c, first;
	const char *q;

	if (!num || !pns || !pend)
		return 0;
	q = num->p;
	if (!uint_at(&q, num->p + num->n, &numgc) || q != num->p + num->n ||
	    ring(pns, ns) != 256 || ring(pend, end) != 256)
		return lp_error_set(err, LP_EDATA,
		    "MemStats: NumGC, PauseNs or PauseEnd not understood");
	/* Cycle c (from 1) is at index (c-1) % 256 of the ring. */
	first = numgc > 256 ? numgc - 255 : 1;
	for (c = first; c <= numgc; c++) {
		size_t i = (size_t)((c - 1) % 256);
		if (end[i] > (uint64_t)INT64_MAX || ns[i] > (uint64_t)INT64_MAX)
			return lp_error_set(err, LP_EDATA,
			    "MemStats: a PauseEnd or PauseNs out of range");
		lp_out_lit(o, "{\"kind\":\"gc\",\"src\":");
		lp_out_cstr(o, src);
		lp_out_lit(o, ",\"source\":\"memstats\",\"n\":");
		lp_out_uint(o, c);
		if (end[i]) {
			lp_out_lit(o, ",\"end_time_ns\":");
			lp_out_uint(o, end[i]);
			write_time(o, "end_time", (int64_t)end[i], 9);
		}
		lp_out_lit(o, ",\"stw_ns\":");
		lp_out_uint(o, ns[i]);
		lp_out_ch(o, '}');
		lp_out_end(o);
	}
	return 0;
}
