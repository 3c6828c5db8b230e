/* trace2ndjson - Go execution traces to NDJSON event records */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"

static const char usage[] =
    "usage: trace2ndjson [-hu] [--version] [--strict] [--events=LIST]\n"
    "                    [--goroutine=LIST] [--from=TIME] [--to=TIME]\n"
    "                    [--goroutines] [--gc] [--drop-runtime]\n"
    "                    [--addresses] [--intern] [--raw] [--progress]\n"
    "                    [--no-progress] [FILE ...]\n"
    "\n"
    "Decode Go execution traces (runtime/trace, go test -trace,\n"
    "/debug/pprof/trace; Go 1.5 to 1.26, gzip or not, or tar/zip archives\n"
    "of them) into one NDJSON \"event\" record per event, in the order\n"
    "Go's own reader gives them.  With no FILE, or when FILE is -, read\n"
    "standard input.\n"
    "\n"
    "  -h, --help             print this help and exit\n"
    "      --version          print the version and exit\n"
    "  -u, --unbuffered       write each record out at once\n"
    "      --strict           stop at the first bad input\n"
    "      --events=LIST      only these kinds of event (comma-separated:\n"
    "                         Sync, Metric, Label, StackSample, Range,\n"
    "                         RangeBegin, RangeActive, RangeEnd, Task,\n"
    "                         TaskBegin, TaskEnd, Region, RegionBegin,\n"
    "                         RegionEnd, Log, StateTransition, Experimental)\n"
    "      --goroutine=LIST   only events of these goroutines (ids)\n"
    "      --from=TIME        only events at or after TIME since the trace\n"
    "                         start (ns, or with a unit: 1.5s, 200ms, 10us)\n"
    "      --to=TIME          only events before TIME\n"
    "      --goroutines       instead of events, one \"goroutine\" record per\n"
    "                         goroutine: its life, its time per state, and\n"
    "                         where it stands at the end\n"
    "      --gc               instead of events, one \"gc\" record per GC\n"
    "                         cycle: mark phase, pauses, heap\n"
    "      --drop-runtime     leave out frames of the Go runtime\n"
    "      --addresses        add \"addr\" (the pc) to frames\n"
    "      --intern           write each stack once, as a \"stack\" record,\n"
    "                         and refer to it by \"stack_id\"\n"
    "      --raw              instead of events, one \"raw\" record per event\n"
    "                         as it stands in the file, in file order\n"
    "                         (for debugging the decoder)\n"
    "      --progress         show progress on stderr, even off a terminal\n"
    "      --no-progress      never show progress\n";

enum {
	OPT_EVENTS = LP_OPT_FIRST_PRIVATE,
	OPT_GOROUTINE,
	OPT_FROM,
	OPT_TO,
	OPT_GOROUTINES,
	OPT_GC,
	OPT_DROP_RUNTIME,
	OPT_ADDRESSES,
	OPT_INTERN,
	OPT_RAW,
};

static const struct option longopts[] = {
	LP_CLI_COMMON_LONGOPTS,
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "goroutine", required_argument, NULL, OPT_GOROUTINE },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "goroutines", no_argument, NULL, OPT_GOROUTINES },
	{ "gc", no_argument, NULL, OPT_GC },
	{ "drop-runtime", no_argument, NULL, OPT_DROP_RUNTIME },
	{ "addresses", no_argument, NULL, OPT_ADDRESSES },
	{ "intern", no_argument, NULL, OPT_INTERN },
	{ "raw", no_argument, NULL, OPT_RAW },
	LP_CLI_PROGRESS_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

struct run {
	unsigned flags;
	struct lp_intern *intern;
	unsigned kinds; /* bit per lp_tev_kind; 0 = all */
	int64_t *gs;    /* --goroutine */
	size_t ngs;
	int64_t from, to; /* window in ns since the start; to < 0: none */
	unsigned views;   /* LP_VIEW_*: summaries instead of events */
	int raw;          /* --raw: wire events instead */
};

/* Bytes read, on stderr when the work is long (lib/progress.h). */
static struct lp_progress meter;

/* The rest of a unit after its head, for the trace decoder. */
static long
more(void *ctx, void *buf, size_t n, struct lp_error *err)
{
	long r = lp_input_read(ctx, buf, n, err);

	if (r > 0)
		lp_progress_add(&meter, 0, (uint64_t)r);
	return r;
}

static int
has_g(const struct run *run, int64_t g)
{
	for (size_t i = 0; i < run->ngs; i++)
		if (run->gs[i] == g)
			return 1;
	return 0;
}

static int
selected(const struct run *run, const struct lp_tev *ev, int64_t rel)
{
	if (run->kinds && !(run->kinds & (1u << ev->kind)))
		return 0;
	if (rel < run->from || (run->to >= 0 && rel >= run->to))
		return 0;
	if (run->ngs && !has_g(run, ev->g) &&
	    !(ev->res == LP_RES_GOROUTINE && has_g(run, ev->id)))
		return 0;
	return 1;
}

static int
raw_one(const struct lp_traw *r, void *ctx)
{
	const char *const *src = ctx;
	static unsigned long n;

	lp_traw_write(&lp_cli.out, *src, r);
	/* A reader that left (| head) ends a long trace early. */
	if (++n % 4096 == 0 && lp_cli.out.err)
		lp_cli_check_output();
	return 0;
}

static void
decode_raw(struct lp_input *in, const struct lp_unit *u)
{
	struct lp_error err = { 0, "" };
	struct lp_byte_src src = { u->data, u->len, more, in };
	const char *name = u->src;

	if (lp_trace_raw(&src, raw_one, &name, &err) < 0) {
		lp_cli_check_output();
		lp_cli_fail(u->src, &err);
	}
	lp_out_flush(&lp_cli.out);
	lp_cli_check_output();
}

static void
decode_trace(struct run *run, struct lp_input *in, const struct lp_unit *u)
{
	struct lp_error err = { 0, "" };
	struct lp_byte_src src = { u->data, u->len, more, in };
	struct lp_tev_writer w;
	const struct lp_tev *ev;
	struct lp_tview *view = NULL;
	struct lp_trace *t = lp_trace_open(&src, &err);
	unsigned long n = 0;
	int rc = 0;

	if (!t) {
		lp_cli_fail(u->src, &err);
		return;
	}
	lp_tev_writer_init(&w, u->src, run->flags, run->intern);
	/* The summaries read every event; --events needs only its kinds. */
	if (!run->views)
		lp_trace_want(t, run->kinds);
	if (run->views && !(view = lp_tview_new(run->views))) {
		lp_error_set(&err, LP_ENOMEM, "out of memory");
		goto out;
	}
	while ((rc = lp_trace_next(t, &ev, &err)) > 0) {
		if (view) {
			rc = lp_tview_add(
			    view, &lp_cli.out, &w, ev, lp_trace_arena(t));
			if (rc < 0) {
				lp_error_set(&err, -rc, "out of memory");
				break;
			}
		} else if (selected(run, ev, lp_tev_rel(&w, ev))) {
			lp_tev_write(&lp_cli.out, &w, ev, lp_trace_arena(t));
		}
		/* A reader that left (| head) ends a long trace early. */
		if (++n % 4096 == 0 && lp_cli.out.err)
			lp_cli_check_output();
	}
	/* Summaries of a broken trace are still true up to the damage. */
	if (view && rc != -LP_ENOMEM &&
	    lp_tview_finish(view, &lp_cli.out, &w) < 0)
		lp_error_set(&err, LP_ENOMEM, "out of memory");
out:
	lp_cli_check_output();
	if (rc < 0 || err.code)
		lp_cli_fail(u->src, &err);
	lp_tview_free(view);
	lp_tev_writer_release(&w);
	lp_trace_free(t);
	lp_out_flush(&lp_cli.out);
	lp_cli_check_output();
}

/* One unit, streamed to the decoder after its head. */
static void
decode_unit(struct lp_input *in, const struct lp_unit *u, void *ctx)
{
	struct run *run = ctx;

	lp_progress_add(&meter, 0, u->len);
	if (run->raw)
		decode_raw(in, u);
	else
		decode_trace(run, in, u);
}

static void
parse_kinds(struct run *run, char *list)
{
	for (char *next = list, *tok; (tok = strsep(&next, ","));) {
		unsigned bits = 0;
		for (int k = 0; k < LP_TEV_NKINDS; k++) {
			const char *name = lp_tev_kind_name(k);
			size_t n = strlen(tok);
			/* "Range" stands for RangeBegin/Active/End, etc. */
			if (strcmp(name, tok) == 0 ||
			    (strncmp(name, tok, n) == 0 &&
			        (strcmp(name + n, "Begin") == 0 ||
			            strcmp(name + n, "Active") == 0 ||
			            strcmp(name + n, "End") == 0)))
				bits |= 1u << k;
		}
		if (!bits)
			lp_cli_usage(
			    "--events: unknown kind of event '%s'", tok);
		run->kinds |= bits;
	}
	if (!run->kinds)
		lp_cli_usage("--events: no kind of event given");
}

static void
parse_goroutines(struct run *run, char *list)
{
	for (char *next = list, *tok; (tok = strsep(&next, ","));) {
		const char *why = NULL;
		unsigned long long g = lp_parse_uint(tok, 0, INT64_MAX, &why);
		int64_t *p;
		if (why)
			lp_cli_usage("--goroutine: '%s' is %s", tok, why);
		p = realloc(run->gs, (run->ngs + 1) * sizeof *p);
		if (!p)
			lp_cli_usage("out of memory");
		run->gs = p;
		run->gs[run->ngs++] = (int64_t)g;
	}
}

/* "1500", "1.5s", "200ms", "10us", "3ns", "2m" to nanoseconds. */
static int64_t
parse_time(const char *opt, const char *s)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "m", 60e9 }, { "h", 3600e9 }, { "", 1 } };
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		lp_cli_usage("%s: '%s' is not a time", opt, s);
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].unit) == 0 && v * units[i].ns < 9e18)
			return (int64_t)(v * units[i].ns);
	lp_cli_usage(
	    "%s: '%s' is not a time (units: ns, us, ms, s, m, h)", opt, s);
}

int
main(int argc, char **argv)
{
	struct run run;
	int c, i;

	memset(&run, 0, sizeof(run));
	run.to = -1;
	lp_cli_init("trace2ndjson");
	lp_cli.reads = "an execution trace";
	while ((c = lp_cli_getopt(argc, argv, "hu", longopts)) != -1) {
		if (lp_cli_common_opt(c, usage))
			continue;
		switch (c) {
		case OPT_EVENTS: parse_kinds(&run, optarg); break;
		case OPT_GOROUTINE: parse_goroutines(&run, optarg); break;
		case OPT_FROM: run.from = parse_time("--from", optarg); break;
		case OPT_TO: run.to = parse_time("--to", optarg); break;
		case OPT_GOROUTINES: run.views |= LP_VIEW_GOROUTINES; break;
		case OPT_GC: run.views |= LP_VIEW_GC; break;
		case OPT_DROP_RUNTIME: run.flags |= LP_EMIT_DROP_RUNTIME; break;
		case OPT_ADDRESSES: run.flags |= LP_EMIT_ADDR; break;
		case OPT_INTERN: run.flags |= LP_EMIT_INTERN; break;
		case OPT_RAW: run.raw = 1; break;
		default:
			fprintf(stderr, "Try 'trace2ndjson --help' for more "
			                "information.\n");
			exit(LP_EXIT_USAGE);
		}
	}
	if (run.raw && (run.views || run.kinds))
		lp_cli_usage("--raw goes with neither --goroutines, --gc nor "
		             "--events");
	if (run.flags & LP_EMIT_INTERN) {
		run.intern = lp_intern_new();
		if (!run.intern) {
			lp_cli_warn(NULL, "out of memory");
			exit(LP_EXIT_OSERR);
		}
	}
	lp_cli_progress_start(&meter, NULL);
	lp_cli_progress_files(&meter, argv + optind, argc - optind);
	if (optind == argc)
		lp_cli_each_unit("-", decode_unit, &run);
	for (i = optind; i < argc; i++)
		lp_cli_each_unit(argv[i], decode_unit, &run);
	lp_cli_progress_done(&meter);
	lp_intern_free(run.intern);
	free(run.gs);
	lp_cli_exit();
}
