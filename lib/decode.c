/* decode.c - any evidence unit to records, whatever its format */
#include "decode.h"
#include "detect.h"
#include "godump.h"
#include "legacytext.h"
#include "pprof.h"

struct dump_ctx {
	struct lp_out *o;
	const struct lp_unit *u;
	const struct lp_emit_opts *opts;
	struct lp_intern *in;
};

static int
write_goroutine(const struct lp_goroutine *g, void *ctx)
{
	struct dump_ctx *c = ctx;

	if (!(c->opts->flags & LP_EMIT_HEADERS))
		lp_goroutine_write(c->o, g, c->u->src, c->opts, c->in);
	return c->o->err ? -LP_EIO : 0;
}

int
lp_decode_unit(struct lp_out *o, const struct lp_unit *u,
    const struct lp_emit_opts *opts, struct lp_intern *in, struct lp_diag *d,
    struct lp_error *err)
{
	enum lp_format fmt = lp_detect(u->data, u->len);
	struct lp_profile prof;
	struct dump_ctx dc = { o, u, opts, in };
	int rc;

	switch (fmt) {
	case LP_FMT_PPROF:
	case LP_FMT_HEAP_TEXT:
	case LP_FMT_COUNT_TEXT:
	case LP_FMT_CONTENTION_TEXT:
		lp_profile_init(&prof, 0);
		if (fmt == LP_FMT_PPROF)
			rc = lp_pprof_decode(u->data, u->len, &prof, err);
		else
			rc = lp_legacytext_decode(u->data, u->len, fmt, &prof,
			    d, err);
		if (rc == 0 &&
		    lp_profile_write(o, &prof, u->src, opts, in) < 0)
			rc = lp_error_set(err, LP_ENOMEM, "out of memory");
		lp_profile_release(&prof);
		break;
	case LP_FMT_GODUMP:
		rc = lp_godump_parse(u->data, u->len, write_goroutine, &dc, d,
		    err);
		break;
	case LP_FMT_EMPTY:
		return lp_error_set(err, LP_EDATA, "empty input");
	case LP_FMT_NDJSON:
		return lp_error_set(err, LP_EDATA,
		    "already NDJSON records, not a profile or dump");
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
