/* gcycle - goroutines that wait on each other, and goroutines stuck for good */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"

static const char usage[] =
    "usage: gcycle [-hu] [--version] [--strict] [--format=table|ndjson]\n"
    "              [--min-size=N] [--edges] [--drop-runtime] [FILE ...]\n"
    "\n"
    "Build the wait-for graph of a Go program from execution traces,\n"
    "goroutine dumps, or leakpipe records (trace2ndjson's events,\n"
    "pprof2ndjson's goroutines, \"edge\" records), and report the\n"
    "goroutines that wait on each other (\"cycle\" records) and those\n"
    "nothing alive will ever wake (\"stuck\" records), most severe first.\n"
    "With no FILE, or when FILE is -, read standard input.\n"
    "\n"
    "  -h, --help             print this help and exit\n"
    "      --version          print the version and exit\n"
    "  -u, --unbuffered       write each record out at once\n"
    "      --strict           stop at the first bad input\n"
    "      --format=FORMAT    table (the default on a terminal) or ndjson\n"
    "                         (the default otherwise)\n"
    "      --min-size=N       only cycles of at least N goroutines and\n"
    "                         stuck goroutines holding up at least N\n"
    "                         (themselves included)\n"
    "      --edges            also write every edge of the graph, as \"edge\"\n"
    "                         records, before the findings\n"
    "      --drop-runtime     leave out frames of the Go runtime\n";

enum {
	OPT_FORMAT = LP_OPT_FIRST_PRIVATE,
	OPT_MIN_SIZE,
	OPT_EDGES,
	OPT_DROP_RUNTIME,
};

static const struct option longopts[] = {
	LP_CLI_COMMON_LONGOPTS,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "min-size", required_argument, NULL, OPT_MIN_SIZE },
	{ "edges", no_argument, NULL, OPT_EDGES },
	{ "drop-runtime", no_argument, NULL, OPT_DROP_RUNTIME },
	{ NULL, 0, NULL, 0 },
};

struct run {
	enum lp_view view;
	struct lp_table *table; /* with --format=table: the rows so far */
	size_t min_size;
	unsigned outflags; /* LP_WOUT_* */
	unsigned emit;     /* LP_EMIT_* for stacks */
};

/* What one src of records builds: a graph, from a trace's transitions, a
 * dump's goroutines, and edges given as they are. */
struct group {
	char *src;
	struct lp_wgraph *g;
	struct lp_wtrace *t;
	struct lp_wdump *d;
};

LP_NORETURN static void
oom(void)
{
	lp_cli_warn(NULL, "out of memory");
	exit(LP_EXIT_OSERR);
}

/* ---- output ------------------------------------------------------------ */

/* One row per finding; the table is written once, at the end. */
static void
table_rows(struct run *run, const struct lp_wgraph *g, const char *src)
{
	char why[1024], b[LP_UNIT_BUF];

	if (!run->table) {
		run->table = lp_table_new();
		if (!run->table)
			oom();
		lp_table_column(run->table, "kind", 0);
		lp_table_column(run->table, "severity", LP_COL_RIGHT);
		lp_table_column(run->table, "goroutine", LP_COL_RIGHT);
		lp_table_column(run->table, "size", LP_COL_RIGHT);
		lp_table_column(run->table, "waited", LP_COL_RIGHT);
		lp_table_column(run->table, "state", 0);
		lp_table_column(run->table, "why", LP_COL_SHRINK);
		lp_table_column(run->table, "src", LP_COL_OPTIONAL);
	}
	for (size_t i = 0; i < lp_wgraph_nresults(g); i++) {
		const struct lp_wresult *r = lp_wgraph_result(g, i);
		if (r->kind == LP_WR_CYCLE && r->size < run->min_size)
			continue;
		if (r->kind == LP_WR_STUCK && r->severity < run->min_size)
			continue;
		lp_wgraph_why(g, i, why, sizeof why);
		if (r->kind == LP_WR_CYCLE || r->severity > 1)
			lp_table_row_style(run->table, LP_ROW_ALERT);
		lp_table_cell(
		    run->table, r->kind == LP_WR_CYCLE ? "cycle" : "stuck");
		lp_table_cellf(run->table, "%zu", r->severity);
		lp_table_cellf(run->table, "%" PRId64, r->goid);
		lp_table_cellf(run->table, "%zu", r->size);
		lp_table_cell(run->table,
		    r->wait >= 0 ? lp_fmt_ns(b, (double)r->wait, 0) : "-");
		lp_table_cell(run->table, r->state ? r->state : "-");
		lp_table_cell(run->table, why);
		lp_table_cell(run->table, src);
	}
}

static void
finish_group(struct run *run, struct group *gr)
{
	struct lp_wgraph *g = gr->g;

	if ((gr->t && lp_wtrace_finish(gr->t, g) < 0) ||
	    (gr->d && lp_wdump_finish(gr->d, g) < 0) ||
	    lp_wgraph_analyse(g) < 0)
		oom();
	if (run->view == LP_VIEW_TABLE)
		table_rows(run, g, gr->src);
	else
		lp_wgraph_write(
		    g, &lp_cli.out, gr->src, run->min_size, run->outflags);
	lp_out_flush(&lp_cli.out);
	lp_cli_check_output();
}

static void
free_group(struct group *gr)
{
	free(gr->src);
	lp_wgraph_free(gr->g);
	lp_wtrace_free(gr->t);
	lp_wdump_free(gr->d);
	memset(gr, 0, sizeof *gr);
}

static void
new_group(struct group *gr, const char *src)
{
	memset(gr, 0, sizeof *gr);
	if (!(gr->src = strdup(src)) || !(gr->g = lp_wgraph_new()))
		oom();
}

/* ---- input: typed records of any kind (lib/record.h) -------------------- */

/* What the input of one unit builds: a group per src, finished when the
 * unit ends. */
struct input {
	struct run *run;
	struct lp_records *r;
	struct group *groups;
	size_t ngroups;
	size_t trace_group;     /* 1 + the group of a decoded trace, or 0 */
	struct lp_tev_writer w; /* renders a trace's stacks */
	struct lp_out text;     /* a record's stack as text */
};

static struct group *
group_for(struct input *in, const char *src)
{
	struct group *p;

	for (size_t i = in->ngroups; i-- > 0;)
		if (strcmp(in->groups[i].src, src) == 0)
			return &in->groups[i];
	p = realloc(in->groups, (in->ngroups + 1) * sizeof *p);
	if (!p)
		oom();
	in->groups = p;
	new_group(&p[in->ngroups], src);
	return &p[in->ngroups++];
}

/* The unit's groups, in the order they began. */
static int
end_unit(void *ctx, const char *next_src)
{
	struct input *in = ctx;

	(void)next_src;
	for (size_t i = 0; i < in->ngroups; i++) {
		finish_group(in->run, &in->groups[i]);
		free_group(&in->groups[i]);
	}
	in->ngroups = 0;
	in->trace_group = 0;
	return 0;
}

LP_PRINTF(3, 4)
static void
bad(struct input *in, const struct lp_record *rec, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	lp_cli_warn(lp_records_unit(in->r), "line %lu: %s", rec->line, msg);
	lp_cli_status(LP_EXIT_DATAERR);
	if (lp_cli.strict)
		lp_cli_exit();
}

static void
on_edge(struct input *in, const struct lp_record *rec)
{
	const struct lp_redge *re = rec->edge;
	struct lp_wedge e = { 0, 0, NULL, LP_WEV_GIVEN, 1, -1, 0 };
	int k;

	if (!re->has_ends) {
		bad(in, rec, "an edge needs integer \"from\" and \"to\"");
		return;
	}
	e.from = re->from;
	e.to = re->to;
	e.reason = re->reason;
	if (re->evidence && (k = lp_wev_parse(re->evidence)) >= 0)
		e.ev = (enum lp_wev)k;
	if (re->count > 0)
		e.count = (uint64_t)re->count;
	if (re->has_last)
		e.last = re->last_ns;
	if (lp_wgraph_edge(group_for(in, rec->src)->g, &e) < 0)
		oom();
}

/* A goroutine's transition from records: times are since the trace's
 * start already, and the stack comes as the record had it. */
static void
on_transition(struct input *in, const struct lp_record *rec)
{
	const struct lp_tev *ev = rec->event;
	const struct lp_stack *s = NULL;
	struct group *gr;
	const char *fns[64];
	size_t nfns = 0;
	uint64_t site = 0;

	if (ev->kind != LP_TEV_STATE || ev->res != LP_RES_GOROUTINE)
		return;
	if (ev->from > LP_G_SYSCALL || ev->to > LP_G_SYSCALL ||
	    ev->id == LP_NO_ID) {
		bad(in, rec,
		    "a goroutine transition needs \"id\", \"from\" and \"to\"");
		return;
	}
	gr = group_for(in, rec->src);
	if (!gr->t && !(gr->t = lp_wtrace_new()))
		oom();
	/* The transition's own stack (trace2ndjson(1)): "tstack" when it
	 * differs from the event's, none with no_tstack. */
	if (ev->to == LP_G_WAITING)
		s = rec->tstack     ? rec->tstack
		    : ev->no_tstack ? NULL
		                    : rec->stack;
	in->text.len = 0;
	if (s) {
		const struct lp_frame *f = lp_cli_frames(s);
		for (size_t i = 0; i < s->n && nfns < 64; i++)
			if (f[i].fn.n) /* NUL-terminated, from JSON */
				fns[nfns++] = f[i].fn.p;
		lp_out_ch(&in->text, '[');
		lp_frames_write(&in->text, f, s->n, LP_EMIT_ADDR);
		lp_out_ch(&in->text, ']');
		if (in->text.err)
			oom();
		site = lp_hash(in->text.buf, in->text.len, 0) | 1;
	}
	if (lp_wtrace_transition(gr->t, rec->t, ev->id, ev->g, ev->from, ev->to,
	        ev->reason.n ? ev->reason.p : NULL, s ? in->text.buf : NULL,
	        in->text.len, site, fns, nfns) < 0)
		oom();
}

/* A goroutine of a dump, decoded or as pprof2ndjson wrote it (not
 * trace2ndjson --goroutines: those have a life, and no arguments). */
static void
on_goroutine(struct input *in, const struct lp_record *rec)
{
	const struct lp_goroutine *g = rec->goroutine;
	struct group *gr;

	if (rec->life)
		return;
	if (rec->json) {
		json_t *id = json_object_get(rec->json, "id");
		if (!json_is_integer(id) || json_integer_value(id) < 0 ||
		    !json_is_string(json_object_get(rec->json, "state"))) {
			bad(in, rec, "a goroutine needs \"id\" and \"state\"");
			return;
		}
	}
	gr = group_for(in, rec->src);
	if (!gr->d && !(gr->d = lp_wdump_new()))
		oom();
	if (lp_wdump_add(gr->d, g->id, g->state.p, g->state.n,
	        (g->flags & LP_G_LEAKED) != 0, g->wait_ns, g->frames,
	        g->nframes) < 0)
		oom();
}

static void
on_record(struct input *in, const struct lp_record *rec)
{
	switch (rec->kind) {
	case LP_REC_EDGE: on_edge(in, rec); break;
	case LP_REC_GOROUTINE: on_goroutine(in, rec); break;
	case LP_REC_EVENT:
		if (!rec->event)
			break; /* an "ev" of no model */
		if (rec->json) {
			on_transition(in, rec);
			break;
		}
		/* A trace, decoded in process: one group, found once. */
		{
			struct group *gr;
			if (!in->trace_group) {
				gr = group_for(in, rec->src);
				in->trace_group = (size_t)(gr - in->groups) + 1;
			}
			gr = &in->groups[in->trace_group - 1];
			if (!gr->t && !(gr->t = lp_wtrace_new()))
				oom();
			if (lp_wtrace_add(gr->t, &in->w, rec->event, NULL) < 0)
				oom();
		}
		break;
	default:
		if (!*rec->kind_name)
			bad(in, rec, "a record needs a \"kind\"");
		break;
	}
}

static void
read_path(struct input *in, const char *path)
{
	struct lp_error err = { 0, "" };
	const struct lp_record *rec;
	int rc;

	if (lp_cli_records_open(in->r, path) < 0)
		return;
	while ((rc = lp_records_next(in->r, &rec, &err)) != 0) {
		if (rc > 0) {
			on_record(in, rec);
			continue;
		}
		if (err.code == LP_ENOMEM)
			oom();
		lp_cli_fail(lp_records_unit(in->r), &err);
	}
	end_unit(in, NULL);
}

int
main(int argc, char **argv)
{
	struct run run;
	struct input in;
	int c;

	memset(&run, 0, sizeof run);
	memset(&in, 0, sizeof in);
	lp_cli_init("gcycle");
	lp_cli.reads = "a trace, dump or edge records";
	while ((c = lp_cli_getopt(argc, argv, "hu", longopts)) != -1) {
		if (lp_cli_common_opt(c, usage))
			continue;
		switch (c) {
		case OPT_FORMAT: run.view = lp_cli_view_opt(optarg); break;
		case OPT_MIN_SIZE: {
			const char *why = NULL;
			run.min_size =
			    (size_t)lp_parse_uint(optarg, 1, UINT32_MAX, &why);
			if (why)
				lp_cli_usage(
				    "--min-size: '%s' is %s", optarg, why);
			break;
		}
		case OPT_EDGES: run.outflags |= LP_WOUT_EDGES; break;
		case OPT_DROP_RUNTIME: run.emit |= LP_EMIT_DROP_RUNTIME; break;
		default:
			fprintf(stderr, "Try 'gcycle --help' for more "
			                "information.\n");
			exit(LP_EXIT_USAGE);
		}
	}
	run.view = lp_cli_view(run.view);
	in.run = &run;
	in.r = lp_records_new(
	    LP_REC_WANT(LP_REC_EVENT) | LP_REC_WANT(LP_REC_GOROUTINE) |
	        LP_REC_WANT(LP_REC_EDGE) | LP_REC_WANT(LP_REC_OTHER),
	    LP_RECORDS_EVENTS_ONLY | LP_RECORDS_RAW_EVENTS |
	        LP_RECORDS_NO_PROFILES);
	if (!in.r || lp_out_init(&in.text, -1, 4096) < 0)
		oom();
	lp_records_set_unit_fn(in.r, end_unit, &in);
	lp_records_set_diag(in.r, lp_cli_diag_src, NULL);
	lp_tev_writer_init(&in.w, "", run.emit, NULL);
	if (optind == argc)
		read_path(&in, "-");
	for (int i = optind; i < argc; i++)
		read_path(&in, argv[i]);
	free(in.groups);
	lp_out_release(&in.text);
	lp_tev_writer_release(&in.w);
	lp_records_free(in.r);
	if (run.table) {
		lp_cli_table(run.table);
		lp_table_free(run.table);
	}
	lp_cli_exit();
}
