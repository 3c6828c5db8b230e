/* render-dot - leakpipe records as a Graphviz graph, or as folded stacks */
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clusters.h"
#include "render-dot.h"
#include "waits.h"

static const char usage[] =
    "usage: render-dot [-hu] [--version] [--strict] [--folded]\n"
    "                  [--value=TYPE] [--focus=REGEX] [--ignore=REGEX]\n"
    "                  [--nodecount=N] [--nodefraction=F]\n"
    "                  [--edgefraction=F] [FILE ...]\n"
    "\n"
    "Draw leakpipe records as a Graphviz DOT graph: samples of any profile\n"
    "as a call graph, heapdiff's diff and trend records as the same graph\n"
    "coloured by growth, stackcluster's clusters as a tree, and gcycle's\n"
    "wait edges, cycles and stuck goroutines.  With --folded, write folded\n"
    "stacks for flame graphs instead.  Reads leakpipe NDJSON, or profiles,\n"
    "dumps and archives of them.  With no FILE, or when FILE is -, read\n"
    "standard input.\n"
    "\n"
    "  -h, --help            print this help and exit\n"
    "      --version         print the version and exit\n"
    "  -u, --unbuffered      write the output out at once\n"
    "      --strict          stop at the first bad input\n"
    "      --folded          folded stacks (frame;frame;leaf value), not DOT\n"
    "      --value=TYPE      the sample type drawn (default: the first\n"
    "                        profile's default, e.g. inuse_space)\n"
    "      --focus=REGEX     only stacks through a function matching REGEX\n"
    "      --ignore=REGEX    no stacks through a function matching REGEX\n"
    "      --nodecount=N     draw at most N functions (default 80, 0 = all)\n"
    "      --nodefraction=F  leave out functions under F of the total\n"
    "                        (default 0.005)\n"
    "      --edgefraction=F  leave out calls under F of the total\n"
    "                        (default 0.001)\n";

enum {
	OPT_FOLDED = LP_OPT_FIRST_PRIVATE,
	OPT_VALUE,
	OPT_FOCUS,
	OPT_IGNORE,
	OPT_NODECOUNT,
	OPT_NODEFRACTION,
	OPT_EDGEFRACTION,
};

static const struct option longopts[] = {
	LP_CLI_COMMON_LONGOPTS,
	{ "folded", no_argument, NULL, OPT_FOLDED },
	{ "value", required_argument, NULL, OPT_VALUE },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "nodecount", required_argument, NULL, OPT_NODECOUNT },
	{ "nodefraction", required_argument, NULL, OPT_NODEFRACTION },
	{ "edgefraction", required_argument, NULL, OPT_EDGEFRACTION },
	{ NULL, 0, NULL, 0 },
};

/* What the input is drawn as: the first analysis kind seen wins over
 * samples. */
enum family { F_NONE, F_SAMPLES, F_GROWTH, F_CLUSTERS, F_WAITS };

struct run {
	struct rd_graph g;
	struct rd_prune prune;
	int folded;
	regex_t focus, ignore;
	int has_focus, has_ignore;
	enum family family;
	unsigned long ignored; /* records of another family */
	char *value;           /* the sample type drawn */
	char *unit;
	int value_given;
	/* The open NDJSON unit's profile: is the type there, where? */
	char *cur_src;
	int cur_has;
	size_t cur_t;
	/* For the legend */
	char *first_src;
	size_t units, skipped;
	int64_t time_ns;
	int64_t total;     /* of the drawn value, over every stack */
	int64_t totals[2]; /* comparisons: base and new totals */
	char *mode;        /* heapdiff's mode */
	size_t suspects;
	/* Scratch */
	uint32_t *ids;
	size_t idcap;
	/* Node ids of the unit's stacks, each mapped once (stack_ids). */
	uint32_t *sids;
	size_t nsids, sidcap;
	uint64_t gen;       /* of the graph: ids of another are void */
	uint32_t *locfirst; /* per location: offset into locids */
	uint32_t *locids;
	size_t loccap, locidcap;
	unsigned long recno;
	struct rd_waits *waits;
	struct rd_clusters *clusters;
};

static int
set_str(char **dst, const char *s)
{
	char *c = strdup(s);

	if (!c)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

static int
oom(struct lp_error *err)
{
	return lp_error_set(err, LP_ENOMEM, "out of memory");
}

/* Take records of family f?  Analysis records replace samples. */
static int
want(struct run *run, enum family f)
{
	if (run->family == f)
		return 1;
	if (run->family == F_NONE ||
	    (run->family == F_SAMPLES && f != F_SAMPLES)) {
		if (run->family == F_SAMPLES) {
			rd_graph_release(&run->g);
			rd_graph_init(&run->g);
			run->total = 0;
			run->gen++;
			run->nsids = 0;
		}
		run->family = f;
		return 1;
	}
	run->ignored++;
	return 0;
}

static void
note_unit(struct run *run, const char *src)
{
	if (!run->first_src)
		run->first_src = strdup(src);
	run->units++;
}

/* Profiles decoded in process */

static int
take_profile(void *ctx, const struct lp_profile *p, const char *src,
    struct lp_error *err)
{
	struct run *run = ctx;
	size_t t, i, j, k, total = 0;
	int64_t v[RD_NV] = { 0, 0, 0 };

	if (!want(run, F_SAMPLES))
		return 0;
	if (!run->value && p->default_type < p->nsample_types &&
	    !(run->value = strndup(p->sample_types[p->default_type].type.p,
	          p->sample_types[p->default_type].type.n)))
		return oom(err);
	for (t = 0; t < p->nsample_types; t++)
		if (lp_str_eq(p->sample_types[t].type, run->value))
			break;
	if (t == p->nsample_types) {
		run->skipped++;
		return 0;
	}
	if (!run->unit && !(run->unit = strndup(p->sample_types[t].unit.p,
	                        p->sample_types[t].unit.n)))
		return oom(err);
	note_unit(run, src);
	if (!run->time_ns)
		run->time_ns = p->time_ns;
	/* Each location's frames as nodes, once. */
	for (i = 0; i < p->nlocations; i++)
		total += p->locations[i].nframes;
	if (lp_reserve((void **)&run->locfirst, &run->loccap, p->nlocations + 1,
	        sizeof(*run->locfirst)) < 0 ||
	    lp_reserve((void **)&run->locids, &run->locidcap, total + 1,
	        sizeof(*run->locids)) < 0)
		return oom(err);
	for (i = 0, k = 0; i < p->nlocations; i++) {
		const struct lp_location *l = &p->locations[i];
		run->locfirst[i] = (uint32_t)k;
		for (j = 0; j < l->nframes; j++) {
			const struct lp_frame *f = &l->frames[j];
			uint32_t id = rd_graph_node(
			    &run->g, f->fn.p, f->fn.n, f->file.p, f->file.n);
			if (id == UINT32_MAX)
				return oom(err);
			if (f->flags & LP_FRAME_INLINED)
				id |= RD_INLINE;
			run->locids[k++] = id;
		}
	}
	run->locfirst[p->nlocations] = (uint32_t)k;
	for (i = 0; i < p->nsamples; i++) {
		const struct lp_sample *sm = &p->samples[i];
		size_t n = 0;
		v[RD_V] = sm->values[t];
		run->total += v[RD_V] < 0 ? -v[RD_V] : v[RD_V];
		if (v[RD_V] == 0)
			continue;
		for (j = 0; j < sm->nlocs; j++) {
			uint32_t l = sm->locs[j];
			size_t a = run->locfirst[l], b = run->locfirst[l + 1];
			if (lp_reserve((void **)&run->ids, &run->idcap,
			        n + (b - a) + 1, sizeof(*run->ids)) < 0)
				return oom(err);
			memcpy(run->ids + n, run->locids + a,
			    (b - a) * sizeof(*run->ids));
			n += b - a;
		}
		if (rd_graph_add(&run->g, run->ids, n, v, 0) < 0)
			return oom(err);
	}
	return 0;
}

/* Typed records (lib/record.h) */

static int
bad(struct run *run, struct lp_error *err, const char *what)
{
	return lp_error_set(err, LP_EDATA, "line %lu: %s", run->recno, what);
}

/* A new unit: its stacks, and what was kept of them, are gone. */
static int
new_unit(void *ctx, const char *src)
{
	struct run *run = ctx;

	(void)src;
	run->nsids = 0;
	return 0;
}

/*
 * The node ids of stack st (leaf first) into run->ids; returns n or -1.
 * Each stack of a unit is mapped once: its ids are kept in run->sids,
 * found again through its aux (the graph's generation, and 1 + where).
 * With no stack, a one-frame stack of fn when fn is given.
 */
/* The node ids of frames f[0..n) into dst; 0, or -1 when out of memory. */
static int
frame_ids(struct run *run, const struct lp_frame *f, size_t n, uint32_t *dst)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t id = rd_graph_node(
		    &run->g, f[i].fn.p, f[i].fn.n, f[i].file.p, f[i].file.n);
		if (id == UINT32_MAX)
			return -1;
		dst[i] = id | (f[i].flags & LP_FRAME_INLINED ? RD_INLINE : 0);
	}
	return 0;
}

static long
stack_ids(struct run *run, const struct lp_stack *st, const char *fn,
    struct lp_error *err)
{
	struct lp_stack *s = (struct lp_stack *)(uintptr_t)st;
	size_t off;

	if (!s && fn) {
		uint32_t id = rd_graph_node(&run->g, fn, strlen(fn), "", 0);
		if (id == UINT32_MAX ||
		    lp_reserve((void **)&run->ids, &run->idcap, 1,
		        sizeof(*run->ids)) < 0)
			return oom(err);
		run->ids[0] = id;
		return 1;
	}
	if (!s)
		return bad(run, err, "no stack array");
	if (lp_reserve((void **)&run->ids, &run->idcap, s->n + 1,
	        sizeof(*run->ids)) < 0)
		return oom(err);
	if (s->own) /* the record's alone: nothing to keep */
		return frame_ids(run, lp_cli_frames(s), s->n, run->ids) < 0
		           ? oom(err)
		           : (long)s->n;
	if (s->aux >> 40 != run->gen || !(s->aux & 0xffffffffffu)) {
		off = run->nsids;
		if (lp_reserve((void **)&run->sids, &run->sidcap,
		        off + s->n + 1, sizeof(*run->sids)) < 0 ||
		    frame_ids(run, lp_cli_frames(s), s->n, run->sids + off) < 0)
			return oom(err);
		run->nsids = off + s->n;
		s->aux = (run->gen << 40) | (uint64_t)(off + 1);
	}
	off = (size_t)(s->aux & 0xffffffffffu) - 1;
	memcpy(run->ids, run->sids + off, s->n * sizeof(*run->ids));
	return (long)s->n;
}

/* A profile record, or one implied by samples with none before them. */
static int
take_profile_rec(
    struct run *run, const struct lp_record *rec, struct lp_error *err)
{
	const struct lp_rprofile *p = rec->profile;
	size_t i;

	if (p->decoded)
		return take_profile(run, p->decoded, rec->src, err);
	if (!want(run, F_SAMPLES))
		return 0;
	if (!run->value && p->ntypes &&
	    !(run->value = strndup(p->types[p->default_type].type.p,
	          p->types[p->default_type].type.n)))
		return oom(err);
	if (set_str(&run->cur_src, rec->src) < 0)
		return oom(err);
	run->cur_has = 0;
	for (i = 0; run->value && i < p->ntypes && !run->cur_has; i++) {
		if (!lp_str_eq(p->types[i].type, run->value))
			continue;
		run->cur_has = 1;
		run->cur_t = i;
		if (!run->unit && !p->implied &&
		    !(run->unit = strndup(
		          p->types[i].unit.p ? p->types[i].unit.p : "",
		          p->types[i].unit.n)))
			return oom(err);
	}
	if (!run->cur_has) {
		run->skipped++;
		return 0;
	}
	note_unit(run, rec->src);
	if (!run->time_ns)
		run->time_ns = p->time_ns;
	return 0;
}

static int
take_sample(struct run *run, const struct lp_record *rec, int goroutine,
    struct lp_error *err)
{
	int64_t v[RD_NV] = { 1, 0, 0 };
	long n;

	if (!want(run, F_SAMPLES))
		return 0;
	if (goroutine) {
		if (!run->value && set_str(&run->value, "goroutine"))
			return oom(err);
		if (!run->unit && set_str(&run->unit, "count"))
			return oom(err);
		if (strcmp(run->value, "goroutine") != 0)
			return 0;
		if (!run->cur_src || strcmp(run->cur_src, rec->src) != 0) {
			if (set_str(&run->cur_src, rec->src) < 0)
				return oom(err);
			note_unit(run, rec->src);
		}
	} else {
		if (!run->cur_has || run->cur_t >= rec->sample->nvalues)
			return 0;
		v[RD_V] = rec->sample->values[run->cur_t];
	}
	run->total += v[RD_V] < 0 ? -v[RD_V] : v[RD_V];
	if (v[RD_V] == 0)
		return 0;
	if ((n = stack_ids(run, rec->stack, NULL, err)) < 0)
		return (int)n;
	return rd_graph_add(&run->g, run->ids, (size_t)n, v, 0) < 0 ? oom(err)
	                                                            : 0;
}

/* heapdiff's records */

static int
take_heapdiff(
    struct run *run, const struct lp_record *rec, struct lp_error *err)
{
	const struct lp_rheapdiff *h = rec->heapdiff;

	if (!want(run, F_GROWTH))
		return 0;
	if ((h->value && set_str(&run->value, h->value)) ||
	    set_str(&run->unit, h->unit ? h->unit : "") ||
	    set_str(&run->mode, h->mode ? h->mode : "diff"))
		return oom(err);
	if (h->first.has_total)
		run->totals[0] = h->first.total;
	if (h->last.has_total)
		run->totals[1] = h->last.total;
	if (!run->first_src)
		run->first_src = strdup(h->first.src ? h->first.src : rec->src);
	run->units++;
	return 0;
}

static int
take_change(struct run *run, const struct lp_record *rec, struct lp_error *err)
{
	const struct lp_rchange *c = rec->change;
	int trend = rec->kind == LP_REC_TREND;
	int64_t v[RD_NV];
	long n;

	if (!want(run, F_GROWTH))
		return 0;
	if (!c->has_both)
		return bad(run, err,
		    trend ? "a trend record needs first and last"
		          : "a diff record needs base and new");
	v[RD_BASE] = c->before;
	v[RD_NEW] = c->after;
	v[RD_V] = v[RD_NEW] - v[RD_BASE];
	if (!run->value && c->value &&
	    (set_str(&run->value, c->value) ||
	        set_str(&run->unit, c->unit ? c->unit : "")))
		return oom(err);
	if (!run->mode && set_str(&run->mode, trend ? "series" : "diff"))
		return oom(err);
	run->total += v[RD_V] < 0 ? -v[RD_V] : v[RD_V];
	run->suspects += c->suspect;
	if ((n = stack_ids(run, rec->stack,
	         c->fn    ? c->fn
	         : c->key ? c->key
	                  : "?",
	         err)) < 0)
		return (int)n;
	if (c->suspect) {
		/* The site stands out. */
		size_t i;
		for (i = 0; c->fn && i < run->g.nnodes; i++)
			if (strcmp(run->g.nodes[i].fn, c->fn) == 0)
				run->g.nodes[i].site = 1;
	}
	return rd_graph_add(&run->g, run->ids, (size_t)n, v, c->suspect) < 0
	           ? oom(err)
	           : 0;
}

static int
take_record(struct run *run, const struct lp_record *rec, struct lp_error *err)
{
	switch (rec->kind) {
	case LP_REC_PROFILE: return take_profile_rec(run, rec, err);
	case LP_REC_SAMPLE: return take_sample(run, rec, 0, err);
	case LP_REC_GOROUTINE:
		if (run->family == F_WAITS)
			return rd_waits_goroutine(
			    run->waits, rec->goroutine, err);
		return take_sample(run, rec, 1, err);
	case LP_REC_HEAPDIFF: return take_heapdiff(run, rec, err);
	case LP_REC_DIFF:
	case LP_REC_TREND: return take_change(run, rec, err);
	case LP_REC_CLUSTER:
	case LP_REC_STACKCLUSTER:
		if (!want(run, F_CLUSTERS))
			return 0;
		if (!run->clusters && !(run->clusters = rd_clusters_new()))
			return oom(err);
		if (rec->kind == LP_REC_STACKCLUSTER)
			return rd_clusters_header(
			           run->clusters, rec->clusters) < 0
			           ? oom(err)
			           : 0;
		return rd_clusters_take(
		    run->clusters, rec->cluster, rec->stack, run->recno, err);
	case LP_REC_EDGE:
	case LP_REC_CYCLE:
	case LP_REC_STUCK:
		if (!want(run, F_WAITS))
			return 0;
		if (!run->waits && !(run->waits = rd_waits_new()))
			return oom(err);
		return rd_waits_take(run->waits, rec, run->recno, err);
	default: return 0;
	}
}

static void
read_path(struct run *run, struct lp_records *r, const char *path)
{
	struct lp_error err = { 0, "" };
	const struct lp_record *rec;
	int rc;

	if (lp_cli_records_open(r, path) < 0)
		return;
	while ((rc = lp_records_next(r, &rec, &err)) != 0) {
		if (rc < 0) {
			lp_cli_fail(lp_records_unit(r), &err);
			if (err.code == LP_ENOINPUT || err.code == LP_EIO ||
			    err.code == LP_ENOMEM)
				break;
			continue;
		}
		run->recno = rec->line;
		if (take_record(run, rec, &err) < 0) {
			lp_cli_fail(lp_records_unit(r), &err);
			if (err.code == LP_ENOMEM || err.code == LP_EIO)
				lp_cli_exit();
		}
	}
}

/* --focus and --ignore: hide the stacks they leave out. */
static void
filter_stacks(struct run *run)
{
	struct rd_graph *g = &run->g;
	size_t i, k;

	if (!run->has_focus && !run->has_ignore)
		return;
	for (i = 0; i < g->nnodes; i++) {
		struct rd_node *n = &g->nodes[i];
		n->matched = run->has_focus &&
		             regexec(&run->focus, n->fn, 0, NULL, 0) == 0;
		n->ignored = run->has_ignore &&
		             regexec(&run->ignore, n->fn, 0, NULL, 0) == 0;
	}
	for (i = 0; i < g->nstacks; i++) {
		struct rd_stack *s = &g->stacks[i];
		int matched = 0, ignored = 0;
		for (k = 0; k < s->n; k++) {
			const struct rd_node *n =
			    &g->nodes[RD_NODE(g->ids[s->off + k])];
			matched |= n->matched;
			ignored |= n->ignored;
		}
		s->hidden = (run->has_focus && !matched) || ignored;
	}
}

/* Folded stacks */

void
rd_folded_name_n(struct lp_out *o, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];
		if (c == ';')
			c = ':';
		else if ((unsigned char)c < 0x20 || c == 0x7f)
			c = '?';
		lp_out_ch(o, c);
	}
}

static void
write_folded(struct run *run)
{
	struct rd_graph *g = &run->g;
	struct lp_out *o = &lp_cli.out;
	size_t i, k;

	for (i = 0; i < g->nstacks; i++) {
		const struct rd_stack *s = &g->stacks[i];
		if (s->hidden || (s->v[RD_V] == 0 && s->v[RD_BASE] == 0 &&
		                     s->v[RD_NEW] == 0))
			continue;
		if (s->n == 0)
			lp_out_lit(o, "[no stack]");
		for (k = s->n; k-- > 0;) {
			const struct rd_node *n =
			    &g->nodes[RD_NODE(g->ids[s->off + k])];
			rd_folded_name_n(o, n->fn, n->fnlen);
			if (k)
				lp_out_ch(o, ';');
		}
		lp_out_ch(o, ' ');
		if (run->family == F_GROWTH) {
			lp_out_int(o, s->v[RD_BASE]);
			lp_out_ch(o, ' ');
			lp_out_int(o, s->v[RD_NEW]);
		} else {
			lp_out_int(o, s->v[RD_V]);
		}
		lp_out_end(o);
	}
}

/* The call graph */

static void legend_line(struct lp_out *o, const char *fmt, ...) LP_PRINTF(2, 3);

static void
legend_line(struct lp_out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rd_dot_esc(o, buf, strlen(buf));
	lp_out_lit(o, "\\l");
}

static void
write_legend(struct run *run, const struct rd_prune *p)
{
	struct lp_out *o = &lp_cli.out;
	const char *unit = run->unit ? run->unit : "";
	char a[64], b[64], c[64];
	int growth = run->family == F_GROWTH;

	lp_out_lit(o, "subgraph cluster_legend {\n"
	              "legend [shape=box fontsize=14 fillcolor=\"#ffffff\" "
	              "label=\"");
	if (run->first_src) {
		/* The base name: paths differ between machines. */
		const char *base = strrchr(run->first_src, '/');
		base = base ? base + 1 : run->first_src;
		lp_out_lit(o, "File: ");
		rd_dot_esc_max(o, base, strlen(base), 120);
		if (run->units > 1)
			legend_line(o, " and %zu more", run->units - 1);
		else
			lp_out_lit(o, "\\l");
	}
	legend_line(o, "Type: %s%s", run->value ? run->value : "?",
	    growth ? (run->mode && strcmp(run->mode, "series") == 0
	                     ? " (heapdiff --series: first to last)"
	                     : " (heapdiff: base to new)")
	           : "");
	if (growth) {
		rd_fmt_value(a, sizeof(a), run->totals[0], unit, 0);
		rd_fmt_value(b, sizeof(b), run->totals[1], unit, 0);
		rd_fmt_value(
		    c, sizeof(c), run->totals[1] - run->totals[0], unit, 1);
		legend_line(o, "Total: %s -> %s (%s)", a, b, c);
		legend_line(o, "Red grew, blue shrank; labels show the change");
		if (run->suspects)
			legend_line(o,
			    "%zu leak suspect%s: thick red outline and edges",
			    run->suspects, run->suspects == 1 ? "" : "s");
	}
	rd_fmt_value(a, sizeof(a), p->shown, unit, growth);
	rd_fmt_pct(b, sizeof(b), p->shown, run->total);
	rd_fmt_value(c, sizeof(c), run->total, unit, 0);
	legend_line(o, "Showing nodes accounting for %s, %s of %s %s", a, b, c,
	    growth ? "changed" : "total");
	if (p->dropped_nodes) {
		rd_fmt_value(a, sizeof(a), p->node_cutoff, unit, 0);
		legend_line(o, "Dropped %zu node%s (cum < %s)",
		    p->dropped_nodes, p->dropped_nodes == 1 ? "" : "s", a);
	}
	if (p->dropped_edges) {
		rd_fmt_value(a, sizeof(a), p->edge_cutoff, unit, 0);
		legend_line(o, "Dropped %zu edge%s (weight < %s)",
		    p->dropped_edges, p->dropped_edges == 1 ? "" : "s", a);
	}
	if (p->norder < p->before_count)
		legend_line(o, "Showing top %zu nodes out of %zu", p->norder,
		    p->before_count);
	if (run->has_focus || run->has_ignore)
		legend_line(o, "Filtered by --focus/--ignore");
	if (run->skipped)
		legend_line(o, "%zu profile%s without %s skipped", run->skipped,
		    run->skipped == 1 ? "" : "s",
		    run->value ? run->value : "?");
	lp_out_lit(o, "\" tooltip=\"render-dot legend\"]\n}\n");
}

/* A function's full name for a tooltip. */
static void
tip_name(struct lp_out *o, const struct rd_node *n)
{
	if (n->fnlen)
		rd_dot_esc_max(o, n->fn, n->fnlen, 1024);
	else
		lp_out_lit(o, "<unknown>");
}

static void
write_node(
    struct run *run, const struct rd_node *n, int64_t maxflat, int64_t maxcum)
{
	struct lp_out *o = &lp_cli.out;
	const char *unit = run->unit ? run->unit : "";
	int growth = run->family == F_GROWTH;
	int64_t flat = n->flat[RD_V], cum = n->cum[RD_V];
	int64_t af = flat < 0 ? -flat : flat;
	char a[64], b[64], fg[8], bg[8];
	double score;
	int fs = 8;

	if (maxflat > 0 && af > 0)
		fs += (int)ceil(16 * sqrt((double)af / (double)maxflat));
	if (growth)
		score = maxcum ? (double)cum / (double)maxcum : 0;
	else
		score = run->total ? (double)cum / (double)run->total : 0;
	rd_color(fg, score, 0);
	rd_color(bg, score, 1);
	rd_dot_id(o, n->hash);
	lp_out_lit(o, " [label=\"");
	if (n->fnlen)
		rd_dot_fn_label(o, n->fn, n->fnlen);
	else
		lp_out_lit(o, "<unknown>\\n");
	rd_fmt_value(a, sizeof(a), flat, unit, growth);
	rd_fmt_pct(b, sizeof(b), flat, run->total);
	if (flat != 0 || cum == 0) {
		rd_dot_esc(o, a, strlen(a));
		lp_out_lit(o, " (");
		rd_dot_esc(o, b, strlen(b));
		lp_out_lit(o, ")\\n");
	}
	if (cum != flat) {
		rd_fmt_value(a, sizeof(a), cum, unit, growth);
		rd_fmt_pct(b, sizeof(b), cum, run->total);
		lp_out_lit(o, "of ");
		rd_dot_esc(o, a, strlen(a));
		lp_out_lit(o, " (");
		rd_dot_esc(o, b, strlen(b));
		lp_out_lit(o, ")\\n");
	}
	if (growth) {
		rd_fmt_value(a, sizeof(a), n->cum[RD_BASE], unit, 0);
		rd_fmt_value(b, sizeof(b), n->cum[RD_NEW], unit, 0);
		rd_dot_esc(o, a, strlen(a));
		lp_out_lit(o, " \xe2\x86\x92 "); /* → */
		rd_dot_esc(o, b, strlen(b));
		lp_out_lit(o, "\\n");
		if (n->site)
			lp_out_lit(o, "LEAK SUSPECT\\n");
	}
	lp_out_lit(o, "\" shape=box fontsize=");
	lp_out_int(o, fs);
	lp_out_lit(o, " tooltip=\"");
	tip_name(o, n);
	lp_out_lit(o, "\\nflat ");
	lp_out_int(o, flat);
	lp_out_lit(o, ", cum ");
	lp_out_int(o, cum);
	lp_out_ch(o, ' ');
	rd_dot_esc(o, unit, strlen(unit));
	if (growth) {
		lp_out_lit(o, "\\nbase cum ");
		lp_out_int(o, n->cum[RD_BASE]);
		lp_out_lit(o, ", new cum ");
		lp_out_int(o, n->cum[RD_NEW]);
	}
	if (n->filelen) {
		lp_out_lit(o, "\\n");
		rd_dot_esc_max(o, n->file, n->filelen, 1024);
	}
	lp_out_lit(o, "\" color=\"");
	if (growth && n->site) {
		lp_out_lit(o, "#d00000\" penwidth=4 peripheries=2");
	} else {
		lp_out_raw(o, fg, 7);
		lp_out_ch(o, '"');
		if (growth && n->marked)
			lp_out_lit(o, " penwidth=2");
	}
	lp_out_lit(o, " fontcolor=\"");
	lp_out_raw(o, fg, 7);
	lp_out_lit(o, "\" fillcolor=\"");
	lp_out_raw(o, bg, 7);
	lp_out_lit(o, "\"]\n");
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void
write_edges(struct run *run, const size_t *rank, const size_t *order)
{
	struct rd_graph *g = &run->g;
	struct lp_out *o = &lp_cli.out;
	const char *unit = run->unit ? run->unit : "";
	int growth = run->family == F_GROWTH;
	size_t i, n = 0, *list = malloc((g->nedges + 1) * sizeof(size_t));
	char a[64], color[8];

	if (!list) {
		lp_cli_warn(NULL, "out of memory");
		exit(LP_EXIT_OSERR);
	}
	/* In the order of their callers, then of their callees. */
	for (i = 0; i < g->nedges; i++)
		if (!g->edges[i].dead)
			list[n++] = rank[g->edges[i].src] * (g->nnodes + 1) +
			            rank[g->edges[i].dst];
	qsort(list, n, sizeof(*list), cmp_size);
	for (i = 0; i < n; i++) {
		uint32_t src = (uint32_t)order[list[i] / (g->nnodes + 1)];
		uint32_t dst = (uint32_t)order[list[i] % (g->nnodes + 1)];
		const struct rd_edge *e;
		uint64_t *slot;
		int64_t w, aw;
		slot = lp_u64map_get(&g->edgemap, (uint64_t)src << 32 | dst);
		if (!slot)
			continue;
		e = &g->edges[*slot];
		w = e->w[RD_V];
		aw = w < 0 ? -w : w;
		rd_dot_id(o, g->nodes[src].hash);
		lp_out_lit(o, " -> ");
		rd_dot_id(o, g->nodes[dst].hash);
		lp_out_lit(o, " [label=\" ");
		rd_fmt_value(a, sizeof(a), w, unit, growth);
		rd_dot_esc(o, a, strlen(a));
		if (e->inl)
			lp_out_lit(o, "\\n (inline)");
		lp_out_ch(o, '"');
		if (run->total) {
			int64_t wt = 1 + (aw * 100 / run->total > 100
			                         ? 100
			                         : aw * 100 / run->total);
			int64_t pw =
			    1 +
			    (aw * 5 / run->total > 5 ? 5 : aw * 5 / run->total);
			if (growth && e->marked && pw < 3)
				pw = 3;
			lp_out_lit(o, " weight=");
			lp_out_int(o, wt);
			lp_out_lit(o, " penwidth=");
			lp_out_int(o, pw);
			rd_color(color, (double)w / (double)run->total, 0);
			if (growth && e->marked)
				memcpy(color, "#d00000", 8);
			lp_out_lit(o, " color=\"");
			lp_out_raw(o, color, 7);
			lp_out_ch(o, '"');
		}
		if (e->residual)
			lp_out_lit(o, " style=dotted");
		lp_out_lit(o, " tooltip=\"");
		tip_name(o, &g->nodes[src]);
		lp_out_lit(o, " -> ");
		tip_name(o, &g->nodes[dst]);
		lp_out_lit(o, " (");
		rd_dot_esc(o, a, strlen(a));
		lp_out_lit(o, ")\"]\n");
	}
	free(list);
}

static int
write_callgraph(struct run *run)
{
	struct rd_graph *g = &run->g;
	struct lp_out *o = &lp_cli.out;
	size_t i, *rank;
	int64_t maxflat = 0, maxcum = 0;

	if (rd_graph_prune(g, &run->prune) < 0)
		return -1;
	if (!(rank = malloc((g->nnodes + 1) * sizeof(*rank))))
		return -1;
	for (i = 0; i < g->nnodes; i++)
		rank[i] = g->nnodes; /* not drawn */
	for (i = 0; i < run->prune.norder; i++) {
		const struct rd_node *n = &g->nodes[run->prune.order[i]];
		int64_t f = n->flat[RD_V] < 0 ? -n->flat[RD_V] : n->flat[RD_V];
		int64_t c = n->cum[RD_V] < 0 ? -n->cum[RD_V] : n->cum[RD_V];
		rank[run->prune.order[i]] = i;
		if (f > maxflat)
			maxflat = f;
		if (c > maxcum)
			maxcum = c;
	}
	lp_out_lit(o, "digraph \"render-dot\" {\n"
	              "graph [fontname=\"Helvetica\" ranksep=0.3]\n"
	              "node [style=filled fontname=\"Helvetica\" "
	              "fillcolor=\"#f7f7f7\"]\n"
	              "edge [fontname=\"Helvetica\" fontsize=10]\n");
	write_legend(run, &run->prune);
	for (i = 0; i < run->prune.norder; i++)
		write_node(run, &g->nodes[run->prune.order[i]], maxflat,
		    run->family == F_GROWTH ? maxcum : 0);
	write_edges(run, rank, run->prune.order);
	lp_out_lit(o, "}\n");
	free(rank);
	return 0;
}

static double
fraction(const char *opt, const char *arg)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v >= 0) || v > 1)
		lp_cli_usage(
		    "--%s: '%s' is not a fraction from 0 to 1", opt, arg);
	return v;
}

static void
regex(regex_t *re, const char *opt, const char *arg)
{
	char msg[128];
	int rc = regcomp(re, arg, REG_EXTENDED | REG_NOSUB);

	if (rc != 0) {
		regerror(rc, re, msg, sizeof(msg));
		lp_cli_usage("--%s: '%s': %s", opt, arg, msg);
	}
}

int
main(int argc, char **argv)
{
	struct run run;
	struct lp_records *r;
	const char *errstr = NULL;
	int c, i, rc = 0;

	memset(&run, 0, sizeof(run));
	rd_graph_init(&run.g);
	run.prune.nodecount = 80;
	run.prune.nodefrac = 0.005;
	run.prune.edgefrac = 0.001;
	lp_cli_init("render-dot");
	lp_cli.reads = "records, a profile, dump or trace";
	while ((c = lp_cli_getopt(argc, argv, "hu", longopts)) != -1) {
		if (lp_cli_common_opt(c, usage))
			continue;
		switch (c) {
		case OPT_FOLDED: run.folded = 1; break;
		case OPT_VALUE:
			if (!*optarg)
				lp_cli_usage("--value: empty sample type");
			if (set_str(&run.value, optarg) < 0)
				exit(LP_EXIT_OSERR);
			run.value_given = 1;
			break;
		case OPT_FOCUS:
			if (run.has_focus)
				regfree(&run.focus);
			regex(&run.focus, "focus", optarg);
			run.has_focus = 1;
			break;
		case OPT_IGNORE:
			if (run.has_ignore)
				regfree(&run.ignore);
			regex(&run.ignore, "ignore", optarg);
			run.has_ignore = 1;
			break;
		case OPT_NODECOUNT:
			run.prune.nodecount =
			    (size_t)lp_parse_uint(optarg, 0, 1000000, &errstr);
			if (errstr)
				lp_cli_usage(
				    "--nodecount: '%s' is %s", optarg, errstr);
			break;
		case OPT_NODEFRACTION:
			run.prune.nodefrac = fraction("nodefraction", optarg);
			break;
		case OPT_EDGEFRACTION:
			run.prune.edgefrac = fraction("edgefraction", optarg);
			break;
		default:
			fprintf(stderr, "Try 'render-dot --help' for more "
			                "information.\n");
			exit(LP_EXIT_USAGE);
		}
	}
	r = lp_records_new(
	    LP_REC_WANT(LP_REC_PROFILE) | LP_REC_WANT(LP_REC_SAMPLE) |
	        LP_REC_WANT(LP_REC_GOROUTINE) | LP_REC_WANT(LP_REC_HEAPDIFF) |
	        LP_REC_WANT(LP_REC_DIFF) | LP_REC_WANT(LP_REC_TREND) |
	        LP_REC_WANT(LP_REC_CLUSTER) | LP_REC_WANT(LP_REC_EDGE) |
	        LP_REC_WANT(LP_REC_CYCLE) | LP_REC_WANT(LP_REC_STUCK) |
	        LP_REC_WANT(LP_REC_STACKCLUSTER),
	    LP_RECORDS_NO_TRACES | LP_RECORDS_WHOLE_PROFILES |
	        LP_RECORDS_FLAT_OWN);
	if (!r) {
		lp_cli_warn(NULL, "out of memory");
		exit(LP_EXIT_OSERR);
	}
	lp_records_set_unit_fn(r, new_unit, &run);
	if (optind == argc)
		read_path(&run, r, "-");
	for (i = optind; i < argc; i++)
		read_path(&run, r, argv[i]);
	if (run.ignored)
		lp_cli_warn(NULL,
		    "%lu record%s of another kind left out (one graph "
		    "per run)",
		    run.ignored, run.ignored == 1 ? "" : "s");
	if (run.skipped && run.units == 0)
		lp_cli_warn(NULL,
		    "no profile has the sample type '%s' (--value chooses "
		    "another)",
		    run.value ? run.value : "?");
	filter_stacks(&run);
	if (run.family == F_CLUSTERS) {
		if (run.folded)
			rc = rd_clusters_folded(run.clusters, &lp_cli.out);
		else
			rc = rd_clusters_dot(run.clusters, &lp_cli.out);
	} else if (run.family == F_WAITS) {
		if (run.folded)
			rc = rd_waits_folded(run.waits, &lp_cli.out);
		else
			rc = rd_waits_dot(run.waits, &lp_cli.out);
	} else if (run.folded) {
		write_folded(&run);
	} else if (run.family != F_NONE) {
		rc = write_callgraph(&run);
	}
	if (rc < 0) {
		lp_cli_warn(NULL, "out of memory");
		lp_cli_status(LP_EXIT_OSERR);
	}
	lp_records_free(r);
	rd_graph_release(&run.g);
	rd_waits_free(run.waits);
	rd_clusters_free(run.clusters);
	if (run.has_focus)
		regfree(&run.focus);
	if (run.has_ignore)
		regfree(&run.ignore);
	free(run.prune.order);
	free(run.value);
	free(run.unit);
	free(run.cur_src);
	free(run.first_src);
	free(run.mode);
	free(run.ids);
	free(run.sids);
	free(run.locfirst);
	free(run.locids);
	lp_cli_exit();
}
