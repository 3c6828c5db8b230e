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
		lp_wgraph_write(g, &lp_cli.out, gr->src, run->min_size,
		    run->outflags);
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

/* ---- traces and dumps, decoded in process ------------------------------ */

static long
more(void *ctx, void *buf, size_t n, struct lp_error *err)
{
	return lp_input_read(ctx, buf, n, err);
}

static void
read_trace(struct run *run, struct lp_input *in, const struct lp_unit *u)
{
	struct lp_error err = { 0, "" };
	struct lp_byte_src src = { u->data, u->len, more, in };
	struct lp_tev_writer w;
	const struct lp_tev *ev;
	struct lp_trace *t = lp_trace_open(&src, &err);
	struct group gr;
	int rc;

	if (!t) {
		lp_cli_fail(u->src, &err);
		return;
	}
	new_group(&gr, u->src);
	if (!(gr.t = lp_wtrace_new()))
		oom();
	lp_tev_writer_init(&w, u->src, run->emit, NULL);
	while ((rc = lp_trace_next(t, &ev, &err)) > 0)
		if (lp_wtrace_add(gr.t, &w, ev, lp_trace_arena(t)) < 0)
			oom();
	/* What a broken trace showed up to the damage still holds. */
	if (rc < 0)
		lp_cli_fail(u->src, &err);
	finish_group(run, &gr);
	free_group(&gr);
	lp_tev_writer_release(&w);
	lp_trace_free(t);
}

static int
dump_one(const struct lp_goroutine *g, void *ctx)
{
	struct lp_wdump *d = ctx;

	if (lp_wdump_add(d, g->id, g->state.p, g->state.n,
	        (g->flags & LP_G_LEAKED) != 0, g->wait_ns, g->frames,
	        g->nframes) < 0)
		return -LP_ENOMEM;
	return 0;
}

static void
read_dump(struct run *run, const struct lp_unit *u)
{
	struct lp_error err = { 0, "" };
	struct lp_diag diag;
	struct group gr;
	int rc;

	new_group(&gr, u->src);
	if (!(gr.d = lp_wdump_new()))
		oom();
	lp_cli_diag_init(&diag, u->src);
	rc = lp_godump_parse(u->data, u->len, dump_one, gr.d, &diag, &err);
	if (rc == -LP_ENOMEM)
		oom();
	if (rc < 0)
		lp_cli_fail(u->src, &err);
	else
		finish_group(run, &gr);
	free_group(&gr);
}

/* ---- records ----------------------------------------------------------- */

struct records {
	struct run *run;
	const char *unit;
	struct group *groups;
	size_t ngroups;
	json_t *stacks; /* "stack" records of this unit: id -> frames */
	unsigned long lineno;
};

static struct group *
group_for(struct records *rs, const char *src)
{
	struct group *p;

	for (size_t i = rs->ngroups; i-- > 0;)
		if (strcmp(rs->groups[i].src, src) == 0)
			return &rs->groups[i];
	p = realloc(rs->groups, (rs->ngroups + 1) * sizeof *p);
	if (!p)
		oom();
	rs->groups = p;
	new_group(&p[rs->ngroups], src);
	return &p[rs->ngroups++];
}

LP_PRINTF(2, 3)
static void
bad(struct records *rs, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	lp_cli_warn(rs->unit, "line %lu: %s", rs->lineno, msg);
	lp_cli_status(LP_EXIT_DATAERR);
	if (lp_cli.strict)
		lp_cli_exit();
}

static int
get_int(json_t *o, const char *key, int64_t *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_integer(x))
		return 0;
	*v = (int64_t)json_integer_value(x);
	return 1;
}

static int
gstate(const char *s)
{
	static const char *const names[] = { "Undetermined", "NotExist",
		"Runnable", "Running", "Waiting", "Syscall" };

	for (int i = 0; i < 6; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* The frames of a record: "stack", or "stack_id" resolved. */
static json_t *
frames_of(struct records *rs, json_t *rec)
{
	json_t *s = json_object_get(rec, "stack");
	json_t *id;
	char key[32];

	if (json_is_array(s))
		return s;
	id = json_object_get(rec, "stack_id");
	if (!json_is_integer(id))
		return NULL;
	snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
	    json_integer_value(id));
	s = json_object_get(rs->stacks, key);
	if (!s)
		bad(rs, "unknown stack_id %s", key);
	return s;
}

static void
on_edge(struct records *rs, json_t *rec, const char *src)
{
	struct lp_wedge e = { 0, 0, NULL, LP_WEV_GIVEN, 1, -1, 0 };
	json_t *ev = json_object_get(rec, "evidence");
	int64_t count;
	int k;

	if (!get_int(rec, "from", &e.from) || !get_int(rec, "to", &e.to)) {
		bad(rs, "an edge needs integer \"from\" and \"to\"");
		return;
	}
	e.reason = json_string_value(json_object_get(rec, "reason"));
	if (json_is_string(ev) && (k = lp_wev_parse(json_string_value(ev))) >= 0)
		e.ev = (enum lp_wev)k;
	if (get_int(rec, "count", &count) && count > 0)
		e.count = (uint64_t)count;
	if (get_int(rec, "last_ns", &count))
		e.last = count;
	if (lp_wgraph_edge(group_for(rs, src)->g, &e) < 0)
		oom();
}

static void
on_transition(struct records *rs, json_t *rec, const char *src)
{
	const char *res = json_string_value(json_object_get(rec, "resource"));
	const char *reason = json_string_value(json_object_get(rec, "reason"));
	int from = gstate(json_string_value(json_object_get(rec, "from")));
	int to = gstate(json_string_value(json_object_get(rec, "to")));
	int64_t t = 0, id, by = LP_NO_ID;
	json_t *frames = NULL;
	struct group *gr;
	const char *fns[64];
	size_t nfns = 0;
	char *stack = NULL;
	uint64_t site = 0;

	if (!res || strcmp(res, "goroutine") != 0)
		return;
	if (from < 0 || to < 0 || !get_int(rec, "id", &id)) {
		bad(rs, "a goroutine transition needs \"id\", \"from\" and "
		        "\"to\"");
		return;
	}
	get_int(rec, "t", &t);
	get_int(rec, "g", &by);
	gr = group_for(rs, src);
	if (!gr->t && !(gr->t = lp_wtrace_new()))
		oom();
	if (to == LP_G_WAITING) {
		/* The transition's own stack (trace2ndjson(1)): "tstack"
		 * when it differs from the event's, none with no_tstack. */
		json_t *tf = json_object_get(rec, "tstack");
		if (json_is_array(tf))
			frames = tf;
		else if (!json_is_true(json_object_get(rec, "no_tstack")))
			frames = frames_of(rs, rec);
	}
	if (frames) {
		size_t i;
		json_t *f;
		json_array_foreach (frames, i, f) {
			const char *fn =
			    json_string_value(json_object_get(f, "fn"));
			if (fn && nfns < 64)
				fns[nfns++] = fn;
		}
		if (!(stack = json_dumps(frames, JSON_COMPACT)))
			oom();
		site = lp_hash(stack, strlen(stack), 0) | 1;
	}
	if (lp_wtrace_transition(gr->t, t, id, by, (unsigned)from,
	        (unsigned)to, reason, stack, stack ? strlen(stack) : 0, site,
	        fns, nfns) < 0)
		oom();
	free(stack);
}

/* A goroutine record of a dump (not trace2ndjson --goroutines, which
 * has "alive" and no arguments). */
static void
on_goroutine(struct records *rs, json_t *rec, const char *src)
{
	const char *state = json_string_value(json_object_get(rec, "state"));
	json_t *frames, *f;
	struct lp_frame *fr = NULL;
	struct group *gr;
	int64_t id, wait = -1;
	size_t i, n;

	if (json_object_get(rec, "alive"))
		return;
	if (!get_int(rec, "id", &id) || id < 0 || !state) {
		bad(rs, "a goroutine needs \"id\" and \"state\"");
		return;
	}
	get_int(rec, "wait_ns", &wait);
	frames = frames_of(rs, rec);
	n = json_is_array(frames) ? json_array_size(frames) : 0;
	if (n && !(fr = calloc(n, sizeof *fr)))
		oom();
	json_array_foreach (frames, i, f) {
		const char *s;
		if ((s = json_string_value(json_object_get(f, "fn"))))
			fr[i].fn = (struct lp_str){ s, strlen(s) };
		if ((s = json_string_value(json_object_get(f, "file"))))
			fr[i].file = (struct lp_str){ s, strlen(s) };
		if ((s = json_string_value(json_object_get(f, "args")))) {
			fr[i].args = (struct lp_str){ s, strlen(s) };
			fr[i].flags |= LP_FRAME_HAS_ARGS;
		}
		fr[i].line = json_integer_value(json_object_get(f, "line"));
	}
	gr = group_for(rs, src);
	if (!gr->d && !(gr->d = lp_wdump_new()))
		oom();
	if (lp_wdump_add(gr->d, (uint64_t)id, state, strlen(state),
	        json_is_true(json_object_get(rec, "leaked")), wait, fr, n) < 0)
		oom();
	free(fr);
}

static void
on_record(struct records *rs, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *kind, *src;

	if (!rec) {
		bad(rs, "%s", jerr.text);
		return;
	}
	if (!json_is_object(rec)) {
		bad(rs, "a record must be a JSON object");
		json_decref(rec);
		return;
	}
	kind = json_string_value(json_object_get(rec, "kind"));
	src = json_string_value(json_object_get(rec, "src"));
	if (!src)
		src = rs->unit;
	if (!kind) {
		bad(rs, "a record needs a \"kind\"");
	} else if (strcmp(kind, "stack") == 0) {
		json_t *id = json_object_get(rec, "id");
		json_t *fr = json_object_get(rec, "frames");
		char key[32];
		if (!json_is_integer(id) || !json_is_array(fr)) {
			bad(rs, "a stack record needs \"id\" and \"frames\"");
		} else {
			snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(id));
			if (json_object_set(rs->stacks, key, fr) < 0)
				oom();
		}
	} else if (strcmp(kind, "edge") == 0) {
		on_edge(rs, rec, src);
	} else if (strcmp(kind, "event") == 0) {
		const char *ev = json_string_value(json_object_get(rec, "ev"));
		if (ev && strcmp(ev, "StateTransition") == 0)
			on_transition(rs, rec, src);
	} else if (strcmp(kind, "goroutine") == 0) {
		on_goroutine(rs, rec, src);
	}
	json_decref(rec);
}

static void
read_records(struct run *run, struct lp_input *in, const struct lp_unit *u)
{
	struct records rs = { run, u->src, NULL, 0, json_object(), 0 };
	struct lp_error err = { 0, "" };
	char *buf = NULL;
	size_t len = 0, cap = 0, pos = 0;
	int eof = 0, skipping = 0;

	if (!rs.stacks)
		oom();
	if (u->len) {
		if (!(buf = malloc(u->len)))
			oom();
		memcpy(buf, u->data, u->len);
		len = cap = u->len;
	}
	for (;;) {
		char *nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
		if (nl || (eof && pos < len)) {
			size_t start = pos, end = nl ? (size_t)(nl - buf) : len;
			size_t n = end - start;
			pos = nl ? end + 1 : len;
			if (skipping) { /* the rest of an over-long line */
				skipping = 0;
				continue;
			}
			rs.lineno++;
			if (n && buf[start + n - 1] == '\r')
				n--;
			/* A byte-order mark some editors write first. */
			if (rs.lineno == 1 && n >= 3 &&
			    memcmp(buf + start, "\xef\xbb\xbf", 3) == 0) {
				start += 3;
				n -= 3;
			}
			if (n)
				on_record(&rs, buf + start, n);
			continue;
		}
		if (eof)
			break;
		/* Keep the partial line, read more. */
		if (pos) {
			memmove(buf, buf + pos, len - pos);
			len -= pos;
			pos = 0;
		}
		if (len >= LP_LINE_MAX) {
			if (!skipping) {
				rs.lineno++;
				bad(&rs, "longer than the %zu MiB limit",
				    LP_LINE_MAX >> 20);
			}
			skipping = 1;
			len = 0;
		}
		if (cap - len < 65536) {
			size_t nc = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, nc);
			if (!nb)
				oom();
			buf = nb;
			cap = nc;
		}
		lp_out_flush(&lp_cli.out);
		long got = lp_input_read(in, buf + len, cap - len, &err);
		if (got < 0) {
			lp_cli_fail(u->src, &err);
			break;
		}
		if (got == 0)
			eof = 1;
		len += (size_t)got;
	}
	for (size_t i = 0; i < rs.ngroups; i++) {
		finish_group(run, &rs.groups[i]);
		free_group(&rs.groups[i]);
	}
	free(rs.groups);
	free(buf);
	json_decref(rs.stacks);
}

static void
read_unit(struct lp_input *in, const struct lp_unit *u, void *ctx)
{
	struct run *run = ctx;
	struct lp_error err = { 0, "" };
	struct lp_unit whole = *u;
	enum lp_format fmt = lp_detect(u->data, u->len);

	switch (fmt) {
	case LP_FMT_TRACE: read_trace(run, in, u); return;
	case LP_FMT_NDJSON: read_records(run, in, u); return;
	case LP_FMT_EMPTY:
		if (strcmp(u->src, "-") == 0)
			return; /* empty in, empty out */
		break;
	case LP_FMT_GODUMP:
		if (lp_input_slurp(in, &whole, &err) < 0) {
			lp_cli_fail(u->src, &err);
			return;
		}
		read_dump(run, &whole);
		return;
	default: break;
	}
	lp_cli_warn(u->src,
	    "%s: not an execution trace, a goroutine dump or records",
	    lp_format_name(fmt));
	lp_cli_status(LP_EXIT_DATAERR);
	if (lp_cli.strict)
		lp_cli_exit();
}

int
main(int argc, char **argv)
{
	struct run run;
	int c;

	memset(&run, 0, sizeof run);
	lp_cli_init("gcycle");
	lp_cli.reads = "a trace, dump or edge records";
	while ((c = lp_cli_getopt(argc, argv, "hu", longopts)) != -1) {
		if (lp_cli_common_opt(c, usage))
			continue;
		switch (c) {
		case OPT_FORMAT: run.view = lp_cli_view_opt(optarg); break;
		case OPT_MIN_SIZE: {
			const char *why = NULL;
			run.min_size = (size_t)lp_parse_uint(
			    optarg, 1, UINT32_MAX, &why);
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
	if (optind == argc)
		lp_cli_each_unit("-", read_unit, &run);
	for (int i = optind; i < argc; i++)
		lp_cli_each_unit(argv[i], read_unit, &run);
	if (run.table) {
		lp_cli_table(run.table);
		lp_table_free(run.table);
	}
	lp_cli_exit();
}
