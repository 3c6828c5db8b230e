/* heapdiff - what grew between profiles, or over a whole series of them */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "heapdiff.h"
#include "leakpipe.h"

static const char usage[] =
    "usage: heapdiff [-hu] [--version] [--strict] [--series] [--partial]\n"
    "                [--merge] [--value=TYPE] [--key=HOW] [--drop-runtime]\n"
    "                [--stream-order] [--top=N] [--min-delta=N] [--min-pct=P]\n"
    "                [--points=N] [--format=table|ndjson] [--progress]\n"
    "                [--no-progress] [FILE ...]\n"
    "\n"
    "Compare heap, goroutine or any pprof profiles by stack, function or\n"
    "label: the first against the last (diff records), or every key over a\n"
    "series of snapshots (--series: trend records and a leak verdict).\n"
    "Reads pprof2ndjson records, or profiles, dumps and archives of them.\n"
    "With no FILE, or when FILE is -, read standard input.\n"
    "\n"
    "  -h, --help          print this help and exit\n"
    "      --version       print the version and exit\n"
    "  -u, --unbuffered    write each record out at once\n"
    "      --strict        stop at the first bad input\n"
    "      --series        one trend record per key over every snapshot\n"
    "      --partial       write the mergeable aggregate instead\n"
    "      --merge         the inputs are --partial outputs: combine them\n"
    "      --value=TYPE    the sample type compared (default: the first\n"
    "                      profile's default, e.g. inuse_space, goroutine)\n"
    "      --key=HOW       stack (default), funcs, leaf, first-user,\n"
    "                      label:NAME or signature\n"
    "      --drop-runtime  leave frames of the Go runtime out of keys\n"
    "      --stream-order  order snapshots as they come, not by time\n"
    "      --top=N         write the first N keys only\n"
    "      --min-delta=N   only keys that changed by at least N\n"
    "      --min-pct=P     only keys that changed by at least P percent\n"
    "      --points=N      values in a trend's series (default 100, 0 = all)\n"
    "      --format=F      table (the default on a terminal) or ndjson\n"
    "      --progress      show progress on stderr, even off a terminal\n"
    "      --no-progress   never show progress\n";

enum {
	OPT_SERIES = LP_OPT_FIRST_PRIVATE,
	OPT_PARTIAL,
	OPT_MERGE,
	OPT_VALUE,
	OPT_KEY,
	OPT_DROP_RUNTIME,
	OPT_STREAM_ORDER,
	OPT_TOP,
	OPT_MIN_DELTA,
	OPT_MIN_PCT,
	OPT_POINTS,
	OPT_FORMAT,
};

static const struct option longopts[] = {
	LP_CLI_COMMON_LONGOPTS,
	{ "series", no_argument, NULL, OPT_SERIES },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "value", required_argument, NULL, OPT_VALUE },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "drop-runtime", no_argument, NULL, OPT_DROP_RUNTIME },
	{ "stream-order", no_argument, NULL, OPT_STREAM_ORDER },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "min-delta", required_argument, NULL, OPT_MIN_DELTA },
	{ "min-pct", required_argument, NULL, OPT_MIN_PCT },
	{ "points", required_argument, NULL, OPT_POINTS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	LP_CLI_PROGRESS_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

#define TYPES_MAX  LP_SERIES_TYPES_MAX
#define LEFT_KINDS 8

/* What heapdiff reads: snapshots, and partials (each refused in the
 * other mode). */
#define WANT_EVIDENCE                                                  \
	(LP_REC_WANT(LP_REC_PROFILE) | LP_REC_WANT(LP_REC_SAMPLE) |    \
	    LP_REC_WANT(LP_REC_DUMP) | LP_REC_WANT(LP_REC_GOROUTINE) | \
	    LP_REC_WANT(LP_REC_PARTIAL) | LP_REC_WANT(LP_REC_KEY) |    \
	    LP_REC_WANT(LP_REC_COLUMN))

struct run {
	struct lp_series_opts opts;
	struct lp_series *s;
	struct lp_progress meter; /* snapshots read, on stderr */
	int series, partial, merge;
	int key_given, value_given, drop_given;
	struct lp_out key, fn;   /* the key being built, its site */
	int64_t ones[TYPES_MAX]; /* a goroutine's values */
	unsigned long line;      /* of the record at hand, for messages */
	int reject_unit;         /* the unit is the wrong kind: skip it */
	char *rejected;
	/* Snapshots left out for want of the compared type, by what they
	 * hold (their default sample type), for the note on stderr. */
	struct {
		char *type;
		size_t n;
	} left[LEFT_KINDS];
	size_t nleft, left_other;
	/* --merge: the first partial's settings. */
	int in_partial;   /* a partial header was read and accepted */
	char *pvalue;     /* the first partial's value type */
	char *key_by_arg; /* storage for a label name taken from a partial */
};

static int
need_series(struct run *run, struct lp_error *err)
{
	if (!run->s)
		run->s = lp_series_new(&run->opts, err);
	return run->s ? 0 : -err->code;
}

static int
bad(struct run *run, struct lp_error *err, const char *what)
{
	return lp_error_set(err, LP_EDATA, "line %lu: %s", run->line, what);
}

/* A snapshot without the compared type is counted by what it holds. */
static void
note_left_out(struct run *run, const struct lp_str *type)
{
	size_t i;

	for (i = 0; i < run->nleft; i++)
		if (lp_str_eq(*type, run->left[i].type)) {
			run->left[i].n++;
			return;
		}
	if (run->nleft == LEFT_KINDS ||
	    !(run->left[i].type = strndup(type->p, type->n))) {
		run->left_other++;
		return;
	}
	run->left[i].n = 1;
	run->nleft++;
}

/*
 * Say on stderr which snapshots were left out, and how to compare them:
 * one line per kind, or, when nothing was compared, one line in all.
 */
static void
say_left_out(const struct run *run, const char *value, int none_kept)
{
	char kinds[256];
	size_t i, n = 0;

	if (!none_kept) {
		for (i = 0; i < run->nleft; i++)
			lp_cli_warn(NULL,
			    "left out %zu snapshot%s of '%s', without '%s' "
			    "(--value=%s compares %s)",
			    run->left[i].n, run->left[i].n == 1 ? "" : "s",
			    run->left[i].type, value, run->left[i].type,
			    run->left[i].n == 1 ? "it" : "them");
		if (run->left_other)
			lp_cli_warn(NULL,
			    "left out %zu snapshots of other "
			    "kinds",
			    run->left_other);
		return;
	}
	kinds[0] = 0;
	for (i = 0; i < run->nleft && n < sizeof(kinds); i++)
		n += (size_t)snprintf(kinds + n, sizeof(kinds) - n, "%s%s",
		    i ? ", " : "", run->left[i].type);
	lp_cli_warn(NULL,
	    "no profile has the sample type '%s'; they hold %s "
	    "(--value chooses one)",
	    value, run->nleft ? kinds : "other types");
}

/* A profile or a dump starts a snapshot. */
static int
begin_snapshot(
    struct run *run, const struct lp_record *rec, struct lp_error *err)
{
	const struct lp_str gtype = LP_STR_LIT("goroutine");
	const struct lp_str gunit = LP_STR_LIT("count");
	const struct lp_str none = LP_STR_LIT("no sample type");
	const struct lp_rprofile *p = rec->profile;
	struct lp_str types[TYPES_MAX], units[TYPES_MAX];
	size_t i;
	int rc;

	if ((rc = need_series(run, err)) < 0)
		return rc;
	if (!p) /* a dump: one goroutine counts one */
		rc = lp_series_begin(
		    run->s, rec->src, 0, &gtype, &gunit, 1, 0, err);
	else if (p->ntypes > TYPES_MAX && !p->decoded)
		return lp_error_set(err, LP_ELIMIT,
		    "line %lu: more than %d sample types", run->line,
		    TYPES_MAX);
	else if (p->ntypes > TYPES_MAX)
		return lp_error_set(
		    err, LP_ELIMIT, "more than %d sample types", TYPES_MAX);
	else {
		for (i = 0; i < p->ntypes; i++) {
			types[i] = p->types[i].type;
			units[i] = p->types[i].unit;
		}
		rc = lp_series_begin(run->s, rec->src, p->time_ns, types, units,
		    p->ntypes, p->default_type, err);
	}
	if (rc > 0)
		lp_progress_add(&run->meter, 1, 0);
	if (rc == 0)
		note_left_out(run, !p ? &gtype
		                   : p->default_type < p->ntypes
		                       ? &p->types[p->default_type].type
		                       : &none);
	return rc < 0 ? rc : 0;
}

/* A sample or goroutine: its values to its key. */
static int
take_sample(struct run *run, const struct lp_record *rec, struct lp_error *err)
{
	struct lp_stack *st = (struct lp_stack *)(uintptr_t)rec->stack;
	const int64_t *values = rec->sample ? rec->sample->values : run->ones;
	int by_stack = lp_key_by_stack(&run->opts.keys, rec);
	long id;

	if (!run->s || !lp_series_open_kept(run->s))
		return 0;
	if (!st)
		return bad(run, err, "no stack array");
	if (by_stack && st->aux) {
		id = (long)st->aux - 1;
	} else {
		run->key.len = 0;
		run->fn.len = 0;
		lp_key_record(&run->key, &run->fn, &run->opts.keys, rec);
		if (run->key.err || run->fn.err)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		id = lp_series_key(run->s, run->key.buf, run->key.len,
		    run->fn.buf, run->fn.len, err);
		if (id < 0)
			return (int)id;
		if (by_stack)
			st->aux = (uint64_t)id + 1;
	}
	return lp_series_add(run->s, id, values, err);
}

/* --merge: a partial's header, key and column records. */

static int
take_partial_head(
    struct run *run, const struct lp_record *rec, struct lp_error *err)
{
	const struct lp_rpartial *p = rec->partial;
	const char *value = p->value, *unit = p->unit ? p->unit : "";
	const char *key_by = p->key_by ? p->key_by : "stack";
	struct lp_keyspec ks;

	run->in_partial = 0;
	if (lp_keyspec_parse(&ks, key_by) < 0)
		return bad(run, err, "a partial record with an unknown key_by");
	if (!run->s) {
		/* The first partial settles what the options left open. */
		if (!run->key_given) {
			free(run->key_by_arg);
			if (!(run->key_by_arg = strdup(key_by)))
				return lp_error_set(err, LP_ENOMEM, "oom");
			lp_keyspec_parse(&run->opts.keys, run->key_by_arg);
		}
		if (!run->drop_given)
			run->opts.keys.drop_runtime = p->drop_runtime;
		if (!run->value_given && value) {
			free(run->pvalue);
			if (!(run->pvalue = strdup(value)))
				return lp_error_set(err, LP_ENOMEM, "oom");
			run->opts.value = run->pvalue;
		}
	}
	if (ks.by != run->opts.keys.by ||
	    (ks.by == LP_KEY_LABEL &&
	        strcmp(ks.label, run->opts.keys.label) != 0))
		return lp_error_set(err, LP_EDATA,
		    "line %lu: keyed by '%s', not like the others", run->line,
		    key_by);
	if (p->drop_runtime != run->opts.keys.drop_runtime)
		return lp_error_set(err, LP_EDATA,
		    "line %lu: drop_runtime differs from the others",
		    run->line);
	if (value && run->opts.value && strcmp(value, run->opts.value) != 0)
		return lp_error_set(err, LP_EDATA,
		    "line %lu: compares '%s', not '%s'", run->line, value,
		    run->opts.value);
	if (need_series(run, err) < 0)
		return -err->code;
	if (lp_series_partial_begin(run->s, rec->src, run->line,
	        p->has_snapshots ? (size_t)p->snapshots : (size_t)-1,
	        p->has_skipped && p->skipped > 0 ? (size_t)p->skipped : 0,
	        err) < 0)
		lp_cli_fail(NULL, err); /* the partial before this one */
	if (lp_series_merge_begin(run->s, unit) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	run->in_partial = 1;
	return 0;
}

static int
take_record(struct run *run, const struct lp_record *rec, struct lp_error *err)
{
	enum lp_rkind k = rec->kind;
	int partial =
	    k == LP_REC_PARTIAL || k == LP_REC_KEY || k == LP_REC_COLUMN;

	/* The wrong kind of input is said once, and the unit skipped. */
	if (partial != run->merge) {
		run->reject_unit = 1;
		return bad(run, err,
		    partial ? "a heapdiff partial: read it with --merge"
		            : "not a heapdiff partial (--merge reads the "
		              "output of heapdiff --partial)");
	}
	switch (k) {
	case LP_REC_PARTIAL: return take_partial_head(run, rec, err);
	case LP_REC_KEY:
		return run->in_partial ? lp_series_merge_key(run->s, rec, err)
		                       : 0;
	case LP_REC_COLUMN:
		return run->in_partial
		           ? lp_series_merge_column(run->s, rec, err)
		           : 0;
	case LP_REC_PROFILE:
	case LP_REC_DUMP: return begin_snapshot(run, rec, err);
	default: return take_sample(run, rec, err);
	}
}

static void
read_path(struct run *run, struct lp_records *r, const char *path)
{
	struct lp_error err = { 0, "" };
	const struct lp_record *rec;
	const char *unit;
	int rc;

	if (lp_cli_records_open(r, path) < 0)
		return;
	while ((rc = lp_records_next(r, &rec, &err)) != 0) {
		unit = lp_records_unit(r);
		if (rc < 0) {
			lp_cli_fail(unit, &err);
			if (err.code == LP_ENOINPUT || err.code == LP_EIO ||
			    err.code == LP_ENOMEM)
				break;
			continue;
		}
		if (run->rejected && strcmp(run->rejected, unit) == 0)
			continue;
		run->line = rec->line;
		run->reject_unit = 0;
		rc = take_record(run, rec, &err);
		if (run->reject_unit) {
			free(run->rejected);
			run->rejected = strdup(unit);
		}
		if (rc < 0) {
			lp_cli_fail(unit, &err);
			if (err.code == LP_ENOMEM || err.code == LP_EIO)
				lp_cli_exit();
		}
	}
}

static long long
number(const char *opt, const char *arg, long long max)
{
	const char *errstr = NULL;
	unsigned long long v =
	    lp_parse_uint(arg, 0, (unsigned long long)max, &errstr);

	if (errstr)
		lp_cli_usage("--%s: '%s' is %s", opt, arg, errstr);
	return (long long)v;
}

int
main(int argc, char **argv)
{
	struct run run;
	struct lp_records *r;
	struct lp_error err = { 0, "" };
	enum lp_view view = LP_VIEW_AUTO;
	struct lp_out mem, *out = &lp_cli.out;
	int c, i, rc = 0;
	char *end;

	memset(&run, 0, sizeof(run));
	run.opts.points = 100;
	run.opts.min_pct = -1;
	lp_cli_init("heapdiff");
	lp_cli.reads = "profiles, dumps or their records";
	while ((c = lp_cli_getopt(argc, argv, "hu", longopts)) != -1) {
		if (lp_cli_common_opt(c, usage))
			continue;
		switch (c) {
		case OPT_SERIES: run.series = 1; break;
		case OPT_PARTIAL: run.partial = 1; break;
		case OPT_MERGE: run.merge = 1; break;
		case OPT_VALUE:
			if (!*optarg)
				lp_cli_usage("--value: empty sample type");
			run.opts.value = optarg;
			run.value_given = 1;
			break;
		case OPT_KEY:
			if (lp_keyspec_parse(&run.opts.keys, optarg) < 0)
				lp_cli_usage("--key: '%s' is not stack, funcs, "
				             "leaf, first-user, label:NAME or "
				             "signature",
				    optarg);
			run.key_given = 1;
			break;
		case OPT_DROP_RUNTIME:
			run.opts.keys.drop_runtime = 1;
			run.drop_given = 1;
			break;
		case OPT_STREAM_ORDER: run.opts.order = LP_ORDER_STREAM; break;
		case OPT_TOP:
			run.opts.top = (size_t)number("top", optarg, 1LL << 40);
			break;
		case OPT_MIN_DELTA:
			run.opts.min_delta =
			    number("min-delta", optarg, INT64_MAX);
			break;
		case OPT_MIN_PCT:
			run.opts.min_pct = strtod(optarg, &end);
			if (end == optarg || *end || !(run.opts.min_pct >= 0) ||
			    run.opts.min_pct > 1e300)
				lp_cli_usage("--min-pct: '%s' is not a "
				             "percentage",
				    optarg);
			break;
		case OPT_FORMAT: view = lp_cli_view_opt(optarg); break;
		case OPT_POINTS:
			run.opts.points =
			    (unsigned)number("points", optarg, 1000000);
			break;
		default:
			fprintf(stderr, "Try 'heapdiff --help' for more "
			                "information.\n");
			exit(LP_EXIT_USAGE);
		}
	}
	if (run.partial &&
	    (run.opts.top || run.opts.min_delta || run.opts.min_pct >= 0))
		lp_cli_usage("--partial keeps every key: it cannot take --top, "
		             "--min-delta or --min-pct");
	run.opts.all_values = !run.series && !run.partial && !run.merge;
	for (i = 0; i < TYPES_MAX; i++)
		run.ones[i] = 1;
	r = lp_records_new(
	    WANT_EVIDENCE, LP_RECORDS_KEEP_STACKS | LP_RECORDS_NO_TRACES);
	if (!r || lp_out_init(&run.key, -1, 4096) < 0 ||
	    lp_out_init(&run.fn, -1, 256) < 0) {
		lp_cli_warn(NULL, "out of memory");
		exit(LP_EXIT_OSERR);
	}
	lp_cli_progress_start(&run.meter, "snapshots");
	if (optind == argc)
		read_path(&run, r, "-");
	for (i = optind; i < argc; i++)
		read_path(&run, r, argv[i]);
	lp_cli_progress_done(&run.meter);
	/* A table is drawn from the records, written to memory first. */
	if (run.partial && view == LP_VIEW_TABLE)
		lp_cli_usage("--partial writes records for --merge: no table");
	if (!run.partial && lp_cli_view(view) == LP_VIEW_TABLE)
		out = &mem;
	if (out == &mem && lp_out_init(&mem, -1, (size_t)64 << 10) < 0) {
		lp_cli_warn(NULL, "out of memory");
		exit(LP_EXIT_OSERR);
	}
	if (run.s && lp_series_partial_end(run.s, &err) < 0)
		lp_cli_fail(NULL, &err);
	if (run.s && (rc = lp_series_end(run.s, &err)) == 0) {
		int none =
		    lp_series_count(run.s) == 0 && lp_series_skipped(run.s) > 0;
		const char *value = lp_series_value(run.s);

		/* What heapdiff chose by itself is said: a table says it
		 * in its heading, records on stderr. */
		if ((out != &mem && !run.value_given) || none)
			say_left_out(&run,
			    value            ? value
			    : run.opts.value ? run.opts.value
			                     : "?",
			    none);
		if (run.partial)
			rc = lp_series_write_partial(run.s, out, &err);
		else if (none) /* nothing compared is not an answer */
			lp_cli_status(LP_EXIT_NOMATCH);
		else if (run.series)
			rc = lp_series_write_trends(run.s, out, &err);
		else
			rc = lp_series_write_diff(run.s, out, &err);
	}
	if (out == &mem && rc == 0 &&
	    (rc = heapdiff_table(&mem, run.opts.top)) < 0)
		lp_error_set(&err, -rc, "out of memory");
	if (out == &mem)
		lp_out_release(&mem);
	if (rc < 0)
		lp_cli_fail(NULL, &err);
	lp_records_free(r);
	lp_series_free(run.s);
	lp_out_release(&run.key);
	lp_out_release(&run.fn);
	for (i = 0; i < (int)run.nleft; i++)
		free(run.left[i].type);
	free(run.rejected);
	free(run.pvalue);
	free(run.key_by_arg);
	lp_cli_exit();
}
