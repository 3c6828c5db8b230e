/* pprof2ndjson - pprof profiles and Go's text dumps to NDJSON records */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"

static const char usage[] =
    "usage: pprof2ndjson [-hu] [--version] [--strict] [--values=LIST]\n"
    "                    [--drop-runtime] [--addresses] [--headers-only]\n"
    "                    [--intern] [--gc] [--anchor=TIME] [FILE ...]\n"
    "\n"
    "Decode pprof profiles (gzip or not), Go goroutine dumps, ?debug=1\n"
    "profile text and GODEBUG=gctrace=1 logs, and tar/zip archives of\n"
    "them, into NDJSON records.\n"
    "With no FILE, or when FILE is -, read standard input.\n"
    "\n"
    "  -h, --help          print this help and exit\n"
    "      --version       print the version and exit\n"
    "  -u, --unbuffered    write each record out at once\n"
    "      --strict        stop at the first bad input\n"
    "      --values=LIST   keep only these sample types in \"values\"\n"
    "                      (comma-separated, e.g. inuse_space,inuse_objects)\n"
    "      --drop-runtime  leave out frames of the Go runtime\n"
    "      --addresses     add \"addr\" to frames and \"mappings\" to profiles\n"
    "      --headers-only  write profile records only, no samples\n"
    "      --intern        write each stack once, as a \"stack\" record, and\n"
    "                      refer to it by \"stack_id\"\n"
    "      --gc            also write \"gc\" records from the MemStats of\n"
    "                      heap ?debug=1 profiles\n"
    "      --anchor=TIME   when a gctrace log has no timestamps, the time\n"
    "                      its process started (RFC 3339 or Unix seconds)\n";

enum {
	OPT_VALUES = LP_OPT_FIRST_PRIVATE,
	OPT_DROP_RUNTIME,
	OPT_ADDRESSES,
	OPT_HEADERS_ONLY,
	OPT_INTERN,
	OPT_GC,
	OPT_ANCHOR,
};

static const struct option longopts[] = {
	LP_CLI_COMMON_LONGOPTS,
	{ "values", required_argument, NULL, OPT_VALUES },
	{ "drop-runtime", no_argument, NULL, OPT_DROP_RUNTIME },
	{ "addresses", no_argument, NULL, OPT_ADDRESSES },
	{ "headers-only", no_argument, NULL, OPT_HEADERS_ONLY },
	{ "intern", no_argument, NULL, OPT_INTERN },
	{ "gc", no_argument, NULL, OPT_GC },
	{ "anchor", required_argument, NULL, OPT_ANCHOR },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct lp_emit_opts opts;
	struct lp_intern *intern;
	unsigned long decoded; /* units decoded */
	struct lp_gctrace_opts gc;
};

/* One unit, read whole: every format here needs all of it. */
static void
decode_unit(struct lp_input *in, const struct lp_unit *begun, void *ctx)
{
	struct run *run = ctx;
	struct lp_error err = { 0, "" };
	struct lp_unit u = *begun;
	struct lp_diag diag;
	int rc;

	if (lp_input_slurp(in, &u, &err) < 0) {
		lp_cli_fail(u.src, &err);
		return;
	}
	lp_cli_diag_init(&diag, u.src);
	/* --anchor reaches the gctrace decoder only: the one unit it is
	 * for. */
	if (run->gc.anchor_ns && lp_detect(u.data, u.len) == LP_FMT_GCTRACE)
		rc = lp_gctrace_write(
		    &lp_cli.out, u.data, u.len, u.src, &run->gc, &diag, &err);
	else
		rc = lp_decode_unit(
		    &lp_cli.out, &u, &run->opts, run->intern, &diag, &err);
	lp_cli_check_output();
	if (rc < 0)
		lp_cli_fail(u.src, &err);
	else
		run->decoded++;
	/* Out before the next read, which may block (tail -f, a slow pipe). */
	lp_out_flush(&lp_cli.out);
	lp_cli_check_output();
}

/* Split LIST at commas into opts->values (pointers into list). */
static void
parse_values(struct lp_emit_opts *opts, char *list)
{
	size_t n = 1;
	char *p;

	for (p = list; *p; p++)
		n += *p == ',';
	opts->values = calloc(n, sizeof(*opts->values));
	opts->hits = calloc(n, sizeof(*opts->hits));
	if (!opts->values || !opts->hits)
		lp_cli_usage("out of memory");
	opts->nvalues = 0;
	for (p = list;; p++) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (*p == '\0')
			lp_cli_usage(
			    "--values: empty sample type name in '%s'", list);
		opts->values[opts->nvalues++] = p;
		if (!comma)
			break;
		p = comma;
	}
}

/* --anchor=TIME: a whole timestamp, after the Unix epoch. */
static void
parse_anchor(struct lp_gctrace_opts *g, const char *s)
{
	int64_t ns, res;
	size_t n = strlen(s);

	if (lp_gctrace_timestamp(s, n, &ns, &res) != n || ns <= 0)
		lp_cli_usage("--anchor: '%s' is not an RFC 3339 time or "
		             "Unix seconds",
		    s);
	g->anchor_ns = ns;
}

int
main(int argc, char **argv)
{
	struct run run;
	int c, i;

	memset(&run, 0, sizeof(run));
	lp_cli_init("pprof2ndjson");
	lp_cli.reads = "a profile, dump or archive";
	while ((c = lp_cli_getopt(argc, argv, "hu", longopts)) != -1) {
		if (lp_cli_common_opt(c, usage))
			continue;
		switch (c) {
		case OPT_VALUES: parse_values(&run.opts, optarg); break;
		case OPT_DROP_RUNTIME:
			run.opts.flags |= LP_EMIT_DROP_RUNTIME;
			break;
		case OPT_ADDRESSES: run.opts.flags |= LP_EMIT_ADDR; break;
		case OPT_HEADERS_ONLY: run.opts.flags |= LP_EMIT_HEADERS; break;
		case OPT_INTERN: run.opts.flags |= LP_EMIT_INTERN; break;
		case OPT_GC: run.opts.flags |= LP_EMIT_GC; break;
		case OPT_ANCHOR: parse_anchor(&run.gc, optarg); break;
		default:
			fprintf(stderr, "Try 'pprof2ndjson --help' for more "
			                "information.\n");
			exit(LP_EXIT_USAGE);
		}
	}
	if (run.opts.flags & LP_EMIT_INTERN) {
		run.intern = lp_intern_new();
		if (!run.intern) {
			lp_cli_warn(NULL, "out of memory");
			exit(LP_EXIT_OSERR);
		}
	}
	if (optind == argc)
		lp_cli_each_unit("-", decode_unit, &run);
	for (i = optind; i < argc; i++)
		lp_cli_each_unit(argv[i], decode_unit, &run);
	/* A typo in --values would silently give empty "values": once some
	 * input was decoded, a name no input had is an error of its own
	 * (every record is still written). */
	for (i = 0; run.decoded && i < (int)run.opts.nvalues; i++)
		if (!run.opts.hits[i]) {
			lp_cli_warn(NULL,
			    "--values: no input had the sample "
			    "type '%s'",
			    run.opts.values[i]);
			lp_cli_status(LP_EXIT_NOMATCH);
		}
	lp_intern_free(run.intern);
	free(run.opts.values);
	free(run.opts.hits);
	lp_cli_exit();
}
