/* trace.c - the trace header, and one entry point for both formats */
#include <string.h>

#include "traceimpl.h"

/*
 * "go 1.N trace" then NULs to 16 bytes, N of one to three digits.  Returns
 * N, or 0 when p is not a trace header.
 */
static int
header_version(const unsigned char *p, size_t n)
{
	size_t i = 5;
	int v = 0;

	if (n < 16 || memcmp(p, "go 1.", 5) != 0)
		return 0;
	while (i < 8 && p[i] >= '0' && p[i] <= '9')
		v = v * 10 + (p[i++] - '0');
	if (i == 5 || memcmp(p + i, " trace", 6) != 0)
		return 0;
	for (i += 6; i < 16; i++)
		if (p[i] != 0)
			return 0;
	return v;
}

int
lp_trace_sniff(const unsigned char *p, size_t n)
{
	return header_version(p, n) != 0;
}

struct lp_trace *
lp_trace_open(const struct lp_byte_src *src, struct lp_error *err)
{
	struct lp_byte_src rest = *src;
	int v = header_version(src->head, src->headlen);

	if (v == 0) {
		lp_error_set(err, LP_EDATA,
		    src->headlen < 16 ? "not a Go execution trace: shorter "
		                        "than its 16-byte header"
		                      : "not a Go execution trace header");
		return NULL;
	}
	rest.head += 16;
	rest.headlen -= 16;
	if (v >= 22)
		return lp_tracev2_open(&rest, v, err);
	if (v >= 5)
		return lp_tracev1_open(&rest, v, err);
	lp_error_set(
	    err, LP_EDATA, "unknown or unsupported version go 1.%d", v);
	return NULL;
}

int
lp_trace_raw(const struct lp_byte_src *src,
    int (*each)(const struct lp_traw *r, void *ctx), void *ctx,
    struct lp_error *err)
{
	struct lp_byte_src rest = *src;
	int v = header_version(src->head, src->headlen);

	if (v == 0)
		return lp_error_set(err, LP_EDATA,
		    src->headlen < 16 ? "not a Go execution trace: shorter "
		                        "than its 16-byte header"
		                      : "not a Go execution trace header");
	rest.head += 16;
	rest.headlen -= 16;
	if (v >= 22)
		return lp_tracev2_raw(&rest, v, each, ctx, err);
	if (v >= 5)
		return lp_tracev1_raw(&rest, v, each, ctx, err);
	return lp_error_set(
	    err, LP_EDATA, "unknown or unsupported version go 1.%d", v);
}

int
lp_trace_next(
    struct lp_trace *t, const struct lp_tev **ev, struct lp_error *err)
{
	return t->next(t, ev, err);
}

void
lp_trace_want(struct lp_trace *t, unsigned kinds)
{
	t->want = kinds;
}

int
lp_trace_version(const struct lp_trace *t)
{
	return t->version;
}

struct lp_arena *
lp_trace_arena(struct lp_trace *t)
{
	return t->arena(t);
}

void
lp_trace_free(struct lp_trace *t)
{
	if (t)
		t->free(t);
}

const char *
lp_tev_kind_name(enum lp_tev_kind k)
{
	static const char *const names[] = { "Sync", "Metric", "Label",
		"StackSample", "RangeBegin", "RangeActive", "RangeEnd",
		"TaskBegin", "TaskEnd", "RegionBegin", "RegionEnd", "Log",
		"StateTransition", "Experimental" };

	return (unsigned)k < LP_TEV_NKINDS ? names[k] : "Bad";
}

const char *
lp_gstate_name(unsigned s)
{
	static const char *const names[] = { "Undetermined", "NotExist",
		"Runnable", "Running", "Waiting", "Syscall" };

	return s < 6 ? names[s] : "Bad";
}

const char *
lp_pstate_name(unsigned s)
{
	static const char *const names[] = { "Undetermined", "NotExist",
		"Running", "Idle" };

	return s < 4 ? names[s] : "Bad";
}

const char *
lp_tres_name(enum lp_tres r)
{
	static const char *const names[] = { "global", "goroutine", "proc",
		"thread" };

	return (unsigned)r < 4 ? names[r] : "bad";
}
