/* stackcluster - thousands of stacks read as the few causes they are */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "leakpipe.h"
#include "stackcluster.h"

static const char usage[] =
    "usage: stackcluster [-hu] [--version] [--strict] [--format=FMT]\n"
    "                    [--from=WHERE] [--depth=N] [--lines=HOW]\n"
    "                    [--trim=WHAT] [--args] [--keep-recursion] [--state]\n"
    "                    [--no-creator] [--ended] [--sort=BY] [--top=N]\n"
    "                    [--members=N] [FILE ...]\n"
    "\n"
    "Group goroutines, profile samples and trace events by the signature\n"
    "of their stacks (by default: the blocking site and the creator), so\n"
    "thousands of stuck goroutines read as the few causes they are.  Reads\n"
    "leakpipe NDJSON, or goroutine dumps, profiles and archives directly.\n"
    "With no FILE, or when FILE is -, read standard input.\n"
    "\n"
    "  -h, --help            print this help and exit\n"
    "      --version         print the version and exit\n"
    "  -u, --unbuffered      write each record out at once\n"
    "      --strict          stop at the first bad input\n"
    "      --format=FMT      table or ndjson (default: table on a terminal)\n"
    "      --from=WHERE      user (first frame outside the runtime and\n"
    "                        standard library, default) or leaf\n"
    "      --depth=N         frames in the signature (default 1, 0 = all)\n"
    "      --lines=HOW       exact (default), none, or bucket:N\n"
    "      --trim=WHAT       frames left out: runtime (default), stdlib, none\n"
    "      --args            argument words split clusters\n"
    "      --keep-recursion  repeated frames count each time\n"
    "      --state           the goroutine's state is part of the key\n"
    "      --no-creator      the creator (created_by) is not part of the key\n"
    "      --ended           also goroutines that ended within a trace\n"
    "      --sort=BY         count (default), wait, or a sample type\n"
    "      --top=N           write the first N clusters only\n"
    "      --members=N       goroutine ids listed per cluster (default 10)\n";

enum {
	OPT_FORMAT = LP_OPT_FIRST_PRIVATE,
	OPT_FROM,
	OPT_DEPTH,
	OPT_LINES,
	OPT_TRIM,
	OPT_ARGS,
	OPT_KEEP_RECURSION,
	OPT_STATE,
	OPT_NO_CREATOR,
	OPT_ENDED,
	OPT_SORT,
	OPT_TOP,
	OPT_MEMBERS,
};

static const struct option longopts[] = {
	LP_CLI_COMMON_LONGOPTS,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "lines", required_argument, NULL, OPT_LINES },
	{ "trim", required_argument, NULL, OPT_TRIM },
	{ "args", no_argument, NULL, OPT_ARGS },
	{ "keep-recursion", no_argument, NULL, OPT_KEEP_RECURSION },
	{ "state", no_argument, NULL, OPT_STATE },
	{ "no-creator", no_argument, NULL, OPT_NO_CREATOR },
	{ "ended", no_argument, NULL, OPT_ENDED },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "members", required_argument, NULL, OPT_MEMBERS },
	{ NULL, 0, NULL, 0 },
};

static unsigned long long
number(const char *opt, const char *arg, unsigned long long max)
{
	const char *errstr = NULL;
	unsigned long long v = lp_parse_uint(arg, 0, max, &errstr);

	if (errstr)
		lp_cli_usage("--%s: '%s' is %s", opt, arg, errstr);
	return v;
}

int
main(int argc, char **argv)
{
	struct sc_run run;
	struct lp_sigspec spec;
	struct lp_cluster_write_opts w;
	struct lp_error err = { 0, "" };
	const char *sort = "count";
	enum lp_view view = LP_VIEW_AUTO;
	size_t members = 10;
	int c, i, table;

	memset(&run, 0, sizeof(run));
	memset(&w, 0, sizeof(w));
	lp_sigspec_init(&spec);
	lp_cli_init("stackcluster");
	lp_cli.reads = "a dump, goroutine profile or trace";
	while ((c = lp_cli_getopt(argc, argv, "hu", longopts)) != -1) {
		if (lp_cli_common_opt(c, usage))
			continue;
		switch (c) {
		case OPT_FORMAT: view = lp_cli_view_opt(optarg); break;
		case OPT_FROM:
			if (lp_sigspec_parse_from(&spec, optarg) < 0)
				lp_cli_usage(
				    "--from: '%s' is not user or leaf", optarg);
			break;
		case OPT_DEPTH:
			spec.depth = (unsigned)number("depth", optarg, 100000);
			break;
		case OPT_LINES:
			if (lp_sigspec_parse_lines(&spec, optarg) < 0)
				lp_cli_usage("--lines: '%s' is not exact, none "
				             "or bucket:N (N from 1)",
				    optarg);
			break;
		case OPT_TRIM:
			if (lp_sigspec_parse_trim(&spec, optarg) < 0)
				lp_cli_usage("--trim: '%s' is not runtime, "
				             "stdlib or none",
				    optarg);
			break;
		case OPT_ARGS: spec.args = 1; break;
		case OPT_KEEP_RECURSION: spec.recursion = 1; break;
		case OPT_STATE: spec.state = 1; break;
		case OPT_NO_CREATOR: spec.creator = 0; break;
		case OPT_ENDED: run.ended = 1; break;
		case OPT_SORT:
			if (!*optarg)
				lp_cli_usage("--sort: empty");
			sort = optarg;
			break;
		case OPT_TOP:
			w.top = (size_t)number("top", optarg, 1ULL << 40);
			break;
		case OPT_MEMBERS:
			members = (size_t)number("members", optarg, 1000000);
			break;
		default:
			fprintf(stderr, "Try 'stackcluster --help' for more "
			                "information.\n");
			exit(LP_EXIT_USAGE);
		}
	}
	table = lp_cli_view(view) == LP_VIEW_TABLE;
	run.key_state = spec.state;
	run.key_creator = spec.creator;
	run.c = lp_clusterer_new(&spec, members);
	if (!run.c || sc_read_init(&run) < 0) {
		lp_cli_warn(NULL, "out of memory");
		exit(LP_EXIT_OSERR);
	}
	if (optind == argc)
		sc_read_path(&run, "-");
	for (i = optind; i < argc; i++)
		sc_read_path(&run, argv[i]);
	if (strcmp(sort, "count") == 0) {
		w.sort = LP_CLUSTER_BY_COUNT;
	} else if (strcmp(sort, "wait") == 0) {
		w.sort = LP_CLUSTER_BY_WAIT;
	} else {
		w.sort = LP_CLUSTER_BY_VALUE;
		w.sort_value = lp_clusterer_find_value_type(run.c, sort);
		if (w.sort_value == (size_t)-1 && lp_clusterer_records(run.c))
			lp_cli_warn(NULL,
			    "--sort: no input had the sample type '%s'", sort);
	}
	w.inputs = (const char *const *)run.srcs;
	w.ninputs = run.nsrcs;
	if (lp_clusterer_records(run.c) == 0)
		; /* empty in, empty out (leakpipe(7)) */
	else if (table)
		sc_table_write(run.c, &lp_cli.out, &w);
	else if (lp_clusterer_write(run.c, &lp_cli.out, &w, &err) < 0)
		lp_cli_fail(NULL, &err);
	sc_read_release(&run);
	lp_clusterer_free(run.c);
	lp_cli_exit();
}
