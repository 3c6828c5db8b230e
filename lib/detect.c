/* detect.c - what an input unit holds, judged by its content */
#include <string.h>

#include "detect.h"
#include "gctrace.h"
#include "legacycpu.h"

/*
 * Formats are told apart by content alone, never by file name: archives
 * and stdin have no useful names, and people save ?debug=2 output as
 * "goroutine.pb.gz" as often as not.
 */

/* Bytes looked at to tell text from binary. */
#define SNIFF_MAX 4096

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/*
 * Text has no control bytes but white space (and ESC, which colored
 * terminal logs carry).  A protobuf message almost always has one within
 * its first bytes: field lengths and small varints are below 0x20.
 */
static int
looks_text(const unsigned char *p, size_t n)
{
	size_t i, m = n < SNIFF_MAX ? n : SNIFF_MAX;

	for (i = 0; i < m; i++) {
		unsigned char c = p[i];
		if (c < 0x20 && !is_space(c) && c != 0x1b)
			return 0;
		if (c == 0x7f)
			return 0;
	}
	return 1;
}

static int
has_prefix(const unsigned char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(p, lit, k) == 0;
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* "NAME profile: total N" (goroutine, threadcreate, custom profiles) */
static int
is_count_header(const unsigned char *p, size_t n)
{
	size_t i = 0, j;
	static const char mid[] = " profile: total ";

	while (i < n && !is_space(p[i]))
		i++;
	if (i == 0 || n - i < sizeof(mid) - 1 ||
	    memcmp(p + i, mid, sizeof(mid) - 1) != 0)
		return 0;
	j = i + sizeof(mid) - 1;
	if (j >= n || !is_digit(p[j]))
		return 0;
	while (j < n && is_digit(p[j]))
		j++;
	while (j < n && is_space(p[j]))
		j++;
	return j == n;
}

/*
 * The Java agent's text profiles: a "--- heapz 1 ---" or "--- contentionz
 * 1 ---" line, then "format = java".  p is just after the first line.
 */
static int
is_java_text(const unsigned char *p, const unsigned char *e)
{
	while (p < e && is_space(*p))
		p++;
	if (!has_prefix(p, (size_t)(e - p), "format"))
		return 0;
	p += 6;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= e || *p++ != '=')
		return 0;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return has_prefix(p, (size_t)(e - p), "java");
}

/*
 * A goroutine header "goroutine N [" or "goroutine N gp=" at p.  The rest
 * of the grammar is the parser's job; this only has to find dumps.
 */
static int
is_dump_header(const unsigned char *p, size_t n)
{
	size_t i = 10;

	if (!has_prefix(p, n, "goroutine "))
		return 0;
	if (i >= n || !is_digit(p[i]))
		return 0;
	while (i < n && is_digit(p[i]))
		i++;
	return has_prefix(p + i, n - i, " [") ||
	       has_prefix(p + i, n - i, " gp=");
}

/*
 * Is there a goroutine header anywhere in p[0..n), at the start of a line
 * or glued to the end of other output?  The header must also end its
 * line with "]:", which rules out prose that mentions goroutines.
 */
static int
has_dump_header(const unsigned char *p, size_t n)
{
	const unsigned char *q = p, *e = p + n;

	while ((size_t)(e - q) > 10) {
		const unsigned char *h = memchr(q, 'g', (size_t)(e - q));
		const unsigned char *nl, *le;

		if (!h)
			return 0;
		if (!is_dump_header(h, (size_t)(e - h))) {
			q = h + 1;
			continue;
		}
		nl = memchr(h, '\n', (size_t)(e - h));
		le = nl ? nl : e;
		while (le > h && is_space(le[-1]))
			le--;
		if (le - h >= 2 && le[-2] == ']' && le[-1] == ':')
			return 1;
		/* Every other candidate on this line has the same end, so
		 * go on from the next line: rescanning it for each one is
		 * quadratic in the length of a hostile line. */
		if (!nl)
			return 0;
		q = nl + 1;
	}
	return 0;
}

static enum lp_format detect_text(
    const unsigned char *q, const unsigned char *e);

enum lp_format
lp_detect(const unsigned char *p, size_t n)
{
	const unsigned char *q = p, *e = p + n;

	/* A Go execution trace: "go 1.22 trace\0\0\0". */
	if (has_prefix(p, n, "go 1.")) {
		size_t i = 5;
		while (i < n && i < 12 && (is_digit(p[i]) || p[i] == '.'))
			i++;
		if (has_prefix(p + i, n - i, " trace") && i + 6 < n &&
		    p[i + 6] == '\0')
			return LP_FMT_TRACE;
	}
	/* NDJSON even when a record is broken (a NUL, bad UTF-8): the
	 * reader reports that line and goes on.  No protobuf starts with
	 * '{', which would be field 15 with the invalid wire type 3. */
	if (n && p[0] == '{')
		return LP_FMT_NDJSON;
	/* A byte-order mark some editors and Windows tools write: UTF-8
	 * NDJSON after it (the reader skips it). */
	if (n > 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		for (q = p + 3; q < e && is_space(*q); q++)
			;
		if (q < e && *q == '{')
			return LP_FMT_NDJSON;
	}
	/* Before the protobuf fallback: its first word is 0, and no
	 * protobuf starts with a zero byte (field number 0 is invalid). */
	if (lp_legacycpu_match(p, n))
		return LP_FMT_LEGACY_CPU;
	if (!looks_text(p, n)) {
		/* Text with a stray control byte (a terminal's ^H, a NUL in
		 * the program's output before a dump) is still the text it
		 * starts as.  No profile starts with a printable byte and a
		 * first line without NUL, then one of the headers below; one
		 * that does not match is left to the protobuf decoder, which
		 * says where it breaks. */
		size_t m = n < SNIFF_MAX ? n : SNIFF_MAX;
		const unsigned char *nl = memchr(p, '\n', m);
		enum lp_format f;
		if (p[0] <= ' ' || p[0] >= 0x7f ||
		    memchr(p, '\0', nl ? (size_t)(nl - p) : m))
			return LP_FMT_PPROF; /* a tar's header has NULs */
		f = detect_text(p, e);
		return f == LP_FMT_UNKNOWN ? LP_FMT_PPROF : f;
	}
	while (q < e && is_space(*q))
		q++;
	if (q == e)
		return LP_FMT_EMPTY;
	if (*q == '{')
		return LP_FMT_NDJSON;
	return detect_text(q, e);
}

/* What text from q (not white space) to e holds. */
static enum lp_format
detect_text(const unsigned char *q, const unsigned char *e)
{
	const unsigned char *le;

	/* The first meaningful line, without white space at either end. */
	le = memchr(q, '\n', (size_t)(e - q));
	if (!le)
		le = e;
	while (le > q && is_space(le[-1]))
		le--;
	if (has_prefix(q, (size_t)(le - q), "--- ") && is_java_text(le, e))
		return LP_FMT_JAVA_TEXT;
	if (has_prefix(q, (size_t)(le - q), "--- threadz ") ||
	    has_prefix(q, (size_t)(le - q), "--- Thread "))
		return LP_FMT_THREADZ_TEXT;
	if (has_prefix(q, (size_t)(le - q), "heap profile:"))
		return LP_FMT_HEAP_TEXT;
	if (has_prefix(q, (size_t)(le - q), "--- contention") ||
	    has_prefix(q, (size_t)(le - q), "--- mutex"))
		return LP_FMT_CONTENTION_TEXT;
	if (is_count_header(q, (size_t)(le - q)))
		return LP_FMT_COUNT_TEXT;
	if (has_dump_header(q, (size_t)(e - q)))
		return LP_FMT_GODUMP;
	/* A log: gctrace lines anywhere among others. */
	if (lp_gctrace_match(q, (size_t)(e - q)))
		return LP_FMT_GCTRACE;
	/* Text, but none of ours: the caller says "not a profile". */
	return LP_FMT_UNKNOWN;
}

const char *
lp_format_name(enum lp_format f)
{
	switch (f) {
	case LP_FMT_EMPTY: return "empty";
	case LP_FMT_PPROF: return "pprof";
	case LP_FMT_GODUMP: return "goroutine-dump";
	case LP_FMT_HEAP_TEXT: return "heap-text";
	case LP_FMT_COUNT_TEXT: return "count-text";
	case LP_FMT_CONTENTION_TEXT: return "contention-text";
	case LP_FMT_LEGACY_CPU: return "legacy-cpu";
	case LP_FMT_THREADZ_TEXT: return "threadz-text";
	case LP_FMT_JAVA_TEXT: return "java-text";
	case LP_FMT_NDJSON: return "ndjson";
	case LP_FMT_TRACE: return "trace";
	case LP_FMT_GCTRACE: return "gctrace";
	case LP_FMT_UNKNOWN: break;
	}
	return "unknown";
}
