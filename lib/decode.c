/* decode.c - any evidence unit to records, whatever its format */
#include "decode.h"
#include "detect.h"
#include "gctrace.h"
#include "godump.h"
#include "legacycpu.h"
#include "legacytext.h"
#include "pprof.h"
#include "threadz.h"

#include <string.h>

struct dump_ctx {
	struct lp_out *o;
	const struct lp_unit *u;
	const struct lp_emit_opts *opts;
	struct lp_intern *in;
	int started; /* the dump record is written */
};

/* Does line p[0..n) say why the program died ("panic: …", "SIGQUIT: …")? */
static int
is_reason(const char *p, size_t n)
{
	size_t i;

	if ((n > 7 && memcmp(p, "panic: ", 7) == 0) ||
	    (n > 13 && memcmp(p, "fatal error: ", 13) == 0))
		return 1;
	/* "SIGQUIT: quit", "SIGSEGV: segmentation violation" */
	if (n < 5 || memcmp(p, "SIG", 3) != 0)
		return 0;
	for (i = 3; i < n && p[i] >= 'A' && p[i] <= 'Z'; i++)
		;
	return i > 3 && i + 1 < n && p[i] == ':' && p[i + 1] == ' ';
}

/*
 * One record per dump, before its goroutines, as a profile record is
 * before its samples: it names the unit for --headers-only, and keeps what
 * a crash log says before the goroutines (the panic message, the signal)
 * that no goroutine record carries.  first_line is where the first
 * goroutine's header is.
 */
void
lp_dump_head(const struct lp_unit *u, size_t first_line, struct lp_str *reason,
    struct lp_str *preamble)
{
	const char *p = (const char *)u->data, *end = p + u->len, *q = p;
	size_t line = 1, n;

	*reason = lp_str_make(NULL, 0);
	/* The preamble: every line before the first goroutine's header. */
	while (q < end && line < first_line) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		const char *le = nl ? nl : end;
		n = (size_t)(le - q);
		if (n && q[n - 1] == '\r')
			n--;
		if (!reason->p && is_reason(q, n))
			*reason = lp_str_make(q, n);
		q = nl ? nl + 1 : end;
		line++;
	}
	n = (size_t)(q - p);
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' '))
		n--;
	/* The end matters most: the message right before the goroutines,
	 * not the start of a long log. */
	if (n > LP_DUMP_PREAMBLE_MAX)
		*preamble = lp_str_make(
		    p + n - LP_DUMP_PREAMBLE_MAX, LP_DUMP_PREAMBLE_MAX);
	else
		*preamble = lp_str_make(p, n);
}

/*
 * One record per dump, before its goroutines, as a profile record is
 * before its samples: it names the unit for --headers-only, and keeps what
 * a crash log says before the goroutines (the panic message, the signal)
 * that no goroutine record carries.  first_line is where the first
 * goroutine's header is.
 */
static void
write_dump_record(struct lp_out *o, const struct lp_unit *u, size_t first_line)
{
	struct lp_str reason, preamble;

	lp_dump_head(u, first_line, &reason, &preamble);
	lp_out_lit(o, "{\"kind\":\"dump\",\"src\":");
	lp_out_cstr(o, u->src);
	lp_out_lit(o, ",\"format\":\"goroutine-dump\"");
	if (reason.p) {
		lp_out_lit(o, ",\"reason\":");
		lp_out_lstr(o, reason);
	}
	if (preamble.n) {
		lp_out_lit(o, ",\"preamble\":");
		lp_out_lstr(o, preamble);
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
}

static int
write_goroutine(const struct lp_goroutine *g, void *ctx)
{
	struct dump_ctx *c = ctx;

	if (!c->started) {
		write_dump_record(c->o, c->u, g->line);
		c->started = 1;
	}
	if (!(c->opts->flags & LP_EMIT_HEADERS))
		lp_goroutine_write(c->o, g, c->u->src, c->opts, c->in);
	return c->o->err ? -LP_EIO : 0;
}

int
lp_decode_is_profile(const unsigned char *p, size_t n)
{
	switch (lp_detect(p, n)) {
	case LP_FMT_PPROF:
	case LP_FMT_HEAP_TEXT:
	case LP_FMT_COUNT_TEXT:
	case LP_FMT_CONTENTION_TEXT:
	case LP_FMT_LEGACY_CPU:
	case LP_FMT_THREADZ_TEXT: return 1;
	default: return 0;
	}
}

int
lp_decode_profile(const struct lp_unit *u, struct lp_profile *prof,
    struct lp_diag *d, struct lp_error *err)
{
	enum lp_format fmt = lp_detect(u->data, u->len);

	if (fmt == LP_FMT_PPROF)
		return lp_pprof_decode(u->data, u->len, prof, err);
	if (fmt == LP_FMT_LEGACY_CPU)
		return lp_legacycpu_decode(u->data, u->len, prof, err);
	if (fmt == LP_FMT_THREADZ_TEXT)
		return lp_threadz_decode(u->data, u->len, prof, err);
	if (lp_decode_is_profile(u->data, u->len))
		return lp_legacytext_decode(u->data, u->len, fmt, prof, d, err);
	return lp_error_set(err, LP_EDATA, "not a profile");
}

int
lp_decode_unit(struct lp_out *o, const struct lp_unit *u,
    const struct lp_emit_opts *opts, struct lp_intern *in, struct lp_diag *d,
    struct lp_error *err)
{
	enum lp_format fmt = lp_detect(u->data, u->len);
	struct lp_profile prof;
	struct dump_ctx dc = { o, u, opts, in, 0 };
	int rc;

	switch (fmt) {
	case LP_FMT_PPROF:
	case LP_FMT_HEAP_TEXT:
	case LP_FMT_COUNT_TEXT:
	case LP_FMT_CONTENTION_TEXT:
	case LP_FMT_LEGACY_CPU:
	case LP_FMT_THREADZ_TEXT:
		lp_profile_init(&prof, 0);
		rc = lp_decode_profile(u, &prof, d, err);
		if (rc == 0 && lp_profile_write(o, &prof, u->src, opts, in) < 0)
			rc = lp_error_set(err, LP_ENOMEM, "out of memory");
		if (rc == 0 && opts && (opts->flags & LP_EMIT_GC))
			rc = lp_memstats_gc_write(o, &prof, u->src, err);
		lp_profile_release(&prof);
		break;
	case LP_FMT_GODUMP:
		rc = lp_godump_parse(
		    u->data, u->len, write_goroutine, &dc, d, err);
		/* A crash log with gctrace on: the cycles before the end. */
		if (rc == 0 && lp_gctrace_match(u->data, u->len))
			rc = lp_gctrace_write(
			    o, u->data, u->len, u->src, NULL, d, err);
		break;
	case LP_FMT_GCTRACE:
		rc = lp_gctrace_write(o, u->data, u->len, u->src, NULL, d, err);
		break;
	case LP_FMT_EMPTY: return lp_error_set(err, LP_EDATA, "empty input");
	case LP_FMT_NDJSON:
		return lp_error_set(err, LP_EDATA,
		    "already NDJSON records, not a profile or dump");
	case LP_FMT_JAVA_TEXT:
		return lp_error_set(err, LP_EDATA,
		    "a Java profile, not a Go profile (use pprof)");
	case LP_FMT_TRACE:
		return lp_error_set(err, LP_EDATA,
		    "a Go execution trace, not a profile (use trace2ndjson)");
	default:
		return lp_error_set(err, LP_EDATA,
		    "not a pprof profile or Go dump (text of an unknown kind)");
	}
	if (o->err)
		return lp_error_set(err, LP_EIO, "write error");
	return rc;
}
