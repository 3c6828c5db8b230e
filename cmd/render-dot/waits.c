/* waits.c - gcycle's records (edge, cycle, stuck) as a wait graph */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render-dot.h"
#include "waits.h"

/* Edge kinds, the strongest drawn */
enum { E_PLAIN, E_CHAIN, E_CYCLE };

struct wg {
	int64_t id;
	char *state;
	char *fn; /* where it blocks: the first frame outside the runtime */
	int64_t wait_ns; /* -1: unknown */
	int64_t severity;
	char *cause, *why;
	long cycle; /* index + 1 of its cycle, 0 = none */
	unsigned stuck : 1, exited : 1, leaked : 1, root : 1, known : 1;
};

struct we {
	int64_t from, to, count;
	char *reason, *evidence;
	int kind;
};

struct wc {
	char *why, *evidence;
	int64_t severity, behind;
	size_t size;
};

struct rd_waits {
	struct wg *gs;
	size_t ngs, gcap;
	struct lp_u64map gidx; /* id -> index */
	struct we *es;
	size_t nes, ecap;
	struct wc *cs;
	size_t ncs, ccap;
	size_t nstuck;
};

struct rd_waits *
rd_waits_new(void)
{
	return calloc(1, sizeof(struct rd_waits));
}

void
rd_waits_free(struct rd_waits *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->ngs; i++) {
		free(w->gs[i].state);
		free(w->gs[i].fn);
		free(w->gs[i].cause);
		free(w->gs[i].why);
	}
	for (i = 0; i < w->nes; i++) {
		free(w->es[i].reason);
		free(w->es[i].evidence);
	}
	for (i = 0; i < w->ncs; i++) {
		free(w->cs[i].why);
		free(w->cs[i].evidence);
	}
	free(w->gs);
	free(w->es);
	free(w->cs);
	lp_u64map_free(&w->gidx);
	free(w);
}

/* Replace *dst with a copy of s when s is set (and *dst is not, unless
 * force). */
static int
keep(char **dst, const char *s, int force)
{
	char *c;

	if (!s || (*dst && !force))
		return 0;
	if (!(c = strdup(s)))
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

/* The goroutine with this id, made when new; NULL when out of memory. */
static struct wg *
goroutine(struct rd_waits *w, int64_t id)
{
	uint64_t *slot = lp_u64map_get(&w->gidx, (uint64_t)id);
	struct wg *g;

	if (slot)
		return &w->gs[*slot];
	if (lp_reserve((void **)&w->gs, &w->gcap, w->ngs + 1, sizeof(*w->gs)) <
	        0 ||
	    lp_u64map_put(&w->gidx, (uint64_t)id, w->ngs) < 0)
		return NULL;
	g = &w->gs[w->ngs++];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->wait_ns = -1;
	return g;
}

/* Where a stack blocks: its first frame outside the runtime. */
static const char *
blocking_fn(const struct lp_stack *stack)
{
	const struct lp_frame *f = lp_cli_frames(stack);
	const char *first = NULL;
	size_t i;

	for (i = 0; stack && i < stack->n; i++) {
		/* From JSON: the strings end in a NUL. */
		const char *fn = f[i].fn.p;
		struct lp_frame fr;
		if (!f[i].fn.n)
			continue;
		if (!first)
			first = fn;
		memset(&fr, 0, sizeof(fr));
		fr.fn = f[i].fn;
		if (!lp_frame_is_runtime(&fr))
			return fn;
	}
	return first;
}

/* A goroutine as a cycle member, a stuck one, or a link of its chain;
 * 1 when it has no goid. */
static int
take_g(struct rd_waits *w, const struct lp_rwaiter *o, struct wg **out)
{
	struct wg *g;

	if (!o->has_goid)
		return 1;
	if (!(g = goroutine(w, o->goid)))
		return -1;
	g->known = 1;
	if (keep(&g->state, o->state, 1) < 0)
		return -1;
	if (o->stack && keep(&g->fn, blocking_fn(o->stack), 1) < 0)
		return -1;
	if (o->has_wait)
		g->wait_ns = o->wait_ns;
	if (o->leaked)
		g->leaked = 1;
	if (g->state && strcmp(g->state, "exited") == 0)
		g->exited = 1;
	*out = g;
	return 0;
}

static int
add_edge(struct rd_waits *w, const char *reason, const char *evidence,
    int64_t count, int64_t from, int64_t to, int kind)
{
	struct we *e;
	size_t i;

	if (!goroutine(w, from) || !goroutine(w, to))
		return -1;
	for (i = 0; i < w->nes; i++) {
		e = &w->es[i];
		if (e->from == from && e->to == to &&
		    strcmp(e->reason ? e->reason : "", reason ? reason : "") ==
		        0) {
			if (kind > e->kind)
				e->kind = kind;
			if (count > e->count)
				e->count = count;
			return keep(&e->evidence, evidence, 0);
		}
	}
	if (lp_reserve((void **)&w->es, &w->ecap, w->nes + 1, sizeof(*w->es)) <
	    0)
		return -1;
	e = &w->es[w->nes++];
	memset(e, 0, sizeof(*e));
	e->from = from;
	e->to = to;
	e->count = count;
	e->kind = kind;
	if (keep(&e->reason, reason, 1) < 0 ||
	    keep(&e->evidence, evidence, 1) < 0)
		return -1;
	return 0;
}

/* An edge as the record has it: its count, else 1. */
static int
add_redge(struct rd_waits *w, const struct lp_redge *e, int kind)
{
	return add_edge(w, e->reason, e->evidence, e->count ? e->count : 1,
	    e->from, e->to, kind);
}

static int
bad(struct lp_error *err, unsigned long line, const char *what)
{
	return lp_error_set(err, LP_EDATA, "line %lu: %s", line, what);
}

int
rd_waits_take(struct rd_waits *w, const struct lp_record *rec,
    unsigned long line, struct lp_error *err)
{
	const struct lp_rwait *k = rec->wait;
	struct wg *g;
	size_t i;
	int rc;

	if (rec->kind == LP_REC_EDGE) {
		if (!rec->edge->has_ends)
			return bad(
			    err, line, "an edge record needs from and to");
		if (add_redge(w, rec->edge, E_PLAIN) < 0)
			goto oom;
		return 0;
	}
	if (rec->kind == LP_REC_CYCLE) {
		struct wc *c;
		if (!k->has_lists)
			return bad(err, line,
			    "a cycle record needs members and edges arrays");
		if (lp_reserve((void **)&w->cs, &w->ccap, w->ncs + 1,
		        sizeof(*w->cs)) < 0)
			goto oom;
		c = &w->cs[w->ncs++];
		memset(c, 0, sizeof(*c));
		c->severity = k->severity;
		c->behind = k->behind;
		c->size = k->nmembers;
		if (keep(&c->why, k->why, 1) < 0 ||
		    keep(&c->evidence, k->evidence, 1) < 0)
			goto oom;
		for (i = 0; i < k->nmembers; i++) {
			if ((rc = take_g(w, &k->members[i], &g)) < 0)
				goto oom;
			if (rc == 0 && !g->cycle)
				g->cycle = (long)w->ncs;
		}
		for (i = 0; i < k->nedges; i++) {
			if (!k->edges[i].has_ends)
				return bad(err, line,
				    "a cycle's edge needs from and to");
			if (add_redge(w, &k->edges[i], E_CYCLE) < 0)
				goto oom;
		}
		return 0;
	}
	/* stuck */
	{
		int64_t prev;
		if ((rc = take_g(w, &k->self, &g)) < 0)
			goto oom;
		if (rc)
			return bad(err, line, "a stuck record needs a goid");
		g->stuck = 1;
		w->nstuck++;
		g->severity = k->severity;
		if (keep(&g->cause, k->cause, 1) < 0 ||
		    keep(&g->why, k->why, 1) < 0)
			goto oom;
		prev = g->id;
		for (i = 0; i < k->nmembers; i++) {
			const struct lp_rwaiter *m = &k->members[i];
			struct wg *link;
			if ((rc = take_g(w, m, &link)) < 0)
				goto oom;
			if (rc)
				return bad(err, line,
				    "a stuck record's chain needs goids");
			if (add_edge(w, m->reason, m->evidence,
			        m->has_count ? m->count : 1, prev, link->id,
			        E_CHAIN) < 0)
				goto oom;
			prev = link->id;
		}
		if (k->has_root) {
			struct wg *r = goroutine(w, k->root);
			if (!r)
				goto oom;
			r->root = 1;
		}
		return 0;
	}
oom:
	return lp_error_set(err, LP_ENOMEM, "out of memory");
}

int
rd_waits_goroutine(
    struct rd_waits *w, const struct lp_goroutine *rg, struct lp_error *err)
{
	const struct lp_frame *f = rg->frames, *at = NULL;
	uint64_t *slot;
	struct wg *g;
	size_t i;

	/* Only goroutines the graph has: the others would be noise. */
	if (!(slot = lp_u64map_get(&w->gidx, rg->id)))
		return 0;
	g = &w->gs[*slot];
	/* Where it blocks: its first function outside the runtime. */
	for (i = 0; i < rg->nframes; i++) {
		struct lp_frame fr;
		memset(&fr, 0, sizeof(fr));
		fr.fn = f[i].fn;
		if (!at)
			at = &f[i];
		if (!lp_frame_is_runtime(&fr)) {
			at = &f[i];
			break;
		}
	}
	if ((!g->state && !(g->state = strndup(rg->state.p ? rg->state.p : "",
	                        rg->state.n))) ||
	    (!g->fn && at && !(g->fn = strndup(at->fn.p, at->fn.n))))
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if (g->wait_ns < 0)
		g->wait_ns = rg->wait_ns;
	return 0;
}

static void
gid(struct lp_out *o, int64_t id)
{
	if (id < 0) {
		lp_out_lit(o, "g_runtime");
		return;
	}
	lp_out_ch(o, 'g');
	lp_out_int(o, id);
}

static void
esc_cstr(struct lp_out *o, const char *s)
{
	rd_dot_esc(o, s, strlen(s));
}

static void
write_g(struct lp_out *o, const struct wg *g, int64_t maxsev)
{
	char buf[64];

	gid(o, g->id);
	lp_out_lit(o, " [label=\"");
	if (g->id < 0) {
		lp_out_lit(o, "the runtime\\n(timers, network poller)\"");
		lp_out_lit(o, " shape=ellipse style=dashed]\n");
		return;
	}
	lp_out_lit(o, "goroutine ");
	lp_out_int(o, g->id);
	lp_out_lit(o, "\\n");
	esc_cstr(o, g->state ? g->state : (g->known ? "?" : "state unknown"));
	if (g->wait_ns > 0) {
		rd_fmt_value(buf, sizeof(buf), g->wait_ns, "nanoseconds", 0);
		lp_out_lit(o, ", ");
		esc_cstr(o, buf);
	}
	lp_out_lit(o, "\\n");
	if (g->fn)
		rd_dot_fn_label(o, g->fn, strlen(g->fn));
	if (g->stuck) {
		lp_out_lit(o, "STUCK");
		if (g->cause) {
			lp_out_lit(o, ": ");
			esc_cstr(o, g->cause);
		}
		lp_out_lit(o, "\\n");
	}
	if (g->leaked)
		lp_out_lit(o, "leaked (Go's detector)\\n");
	lp_out_lit(o, "\" tooltip=\"");
	if (g->why)
		rd_dot_esc_max(o, g->why, strlen(g->why), 1024);
	else
		esc_cstr(o, g->fn ? g->fn : "");
	lp_out_ch(o, '"');
	if (g->exited) {
		lp_out_lit(o, " style=\"dashed\" color=\"#808080\" "
		              "fontcolor=\"#606060\"]\n");
		return;
	}
	if (g->stuck) {
		if (maxsev && g->severity * 2 > maxsev)
			lp_out_lit(o, " penwidth=4");
		else
			lp_out_lit(o, " penwidth=3");
		lp_out_lit(o, " color=\"#e06000\" fillcolor=\"#ffe8cc\"");
	} else if (g->cycle) {
		lp_out_lit(
		    o, " penwidth=2 color=\"#c00000\" fillcolor=\"#ffd6d6\"");
	} else if (g->root) {
		lp_out_lit(o, " color=\"#e06000\"");
	}
	lp_out_lit(o, "]\n");
}

static int
cmp_we(const void *pa, const void *pb)
{
	const struct we *a = pa, *b = pb;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return strcmp(a->reason ? a->reason : "", b->reason ? b->reason : "");
}

static int
cmp_wg(const void *pa, const void *pb)
{
	const struct wg *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

int
rd_waits_dot(struct rd_waits *w, struct lp_out *o)
{
	size_t i, j;
	int64_t maxsev = 0;
	char buf[64];

	if (!w)
		return 0;
	lp_sort(w->gs, w->ngs, sizeof(*w->gs), cmp_wg);
	lp_sort(w->es, w->nes, sizeof(*w->es), cmp_we);
	for (i = 0; i < w->ngs; i++)
		if (w->gs[i].severity > maxsev)
			maxsev = w->gs[i].severity;
	lp_out_lit(o, "digraph \"render-dot\" {\n"
	              "graph [fontname=\"Helvetica\" ranksep=0.4]\n"
	              "node [shape=box style=filled fontname=\"Helvetica\" "
	              "fontsize=11 fillcolor=\"#f7f7f7\"]\n"
	              "edge [fontname=\"Helvetica\" fontsize=10]\n"
	              "subgraph cluster_legend {\n"
	              "legend [fontsize=14 fillcolor=\"#ffffff\" label=\"");
	for (i = 0, j = 0; i < w->ngs; i++)
		j += w->gs[i].id >= 0;
	snprintf(buf, sizeof(buf), "Wait graph (gcycle): %zu goroutines", j);
	esc_cstr(o, buf);
	lp_out_lit(o, "\\l");
	snprintf(buf, sizeof(buf), "%zu cycle%s (red clusters)", w->ncs,
	    w->ncs == 1 ? "" : "s");
	esc_cstr(o, buf);
	lp_out_lit(o, "\\l");
	snprintf(buf, sizeof(buf), "%zu stuck (orange), chains in orange",
	    w->nstuck);
	esc_cstr(o, buf);
	lp_out_lit(o, "\\lAn arrow: waits on; labels: reason, evidence\\l\"]\n"
	              "}\n");
	/* Cycles, each in its own cluster. */
	for (j = 0; j < w->ncs; j++) {
		const struct wc *c = &w->cs[j];
		lp_out_lit(o, "subgraph cluster_cycle");
		lp_out_uint(o, j + 1);
		lp_out_lit(o, " {\nlabel=\"cycle ");
		lp_out_uint(o, j + 1);
		lp_out_lit(o, ": ");
		if (c->why)
			rd_dot_esc_max(o, c->why, strlen(c->why), 200);
		lp_out_lit(o, "\" style=filled fillcolor=\"#fff0f0\" "
		              "color=\"#c00000\" penwidth=2 "
		              "fontcolor=\"#c00000\" fontname=\"Helvetica\"\n");
		for (i = 0; i < w->ngs; i++)
			if (w->gs[i].cycle == (long)j + 1)
				write_g(o, &w->gs[i], maxsev);
		lp_out_lit(o, "}\n");
	}
	for (i = 0; i < w->ngs; i++)
		if (!w->gs[i].cycle)
			write_g(o, &w->gs[i], maxsev);
	for (i = 0; i < w->nes; i++) {
		const struct we *e = &w->es[i];
		gid(o, e->from);
		lp_out_lit(o, " -> ");
		gid(o, e->to);
		lp_out_lit(o, " [label=\"");
		esc_cstr(o, e->reason ? e->reason : "?");
		if (e->count > 1) {
			lp_out_lit(o, " x");
			lp_out_int(o, e->count);
		}
		if (e->evidence) {
			lp_out_lit(o, "\\n(");
			esc_cstr(o, e->evidence);
			lp_out_ch(o, ')');
		}
		lp_out_ch(o, '"');
		if (e->kind == E_CYCLE)
			lp_out_lit(o,
			    " color=\"#c00000\" fontcolor=\"#c00000\" "
			    "penwidth=2.5");
		else if (e->kind == E_CHAIN)
			lp_out_lit(o,
			    " color=\"#e06000\" fontcolor=\"#a04000\" "
			    "penwidth=2");
		else
			lp_out_lit(o, " color=\"#707070\"");
		if (e->evidence &&
		    strcmp(e->evidence, "dump argument match") == 0)
			lp_out_lit(o, " style=dashed");
		lp_out_lit(o, "]\n");
	}
	lp_out_lit(o, "}\n");
	return 0;
}

int
rd_waits_folded(struct rd_waits *w, struct lp_out *o)
{
	size_t i;

	/* One line per blocked goroutine: where it waits. */
	if (!w)
		return 0;
	lp_sort(w->gs, w->ngs, sizeof(*w->gs), cmp_wg);
	for (i = 0; i < w->ngs; i++) {
		const struct wg *g = &w->gs[i];
		if (g->id < 0 || !g->known || g->exited)
			continue;
		rd_folded_name(o, g->state ? g->state : "?");
		lp_out_ch(o, ';');
		rd_folded_name(o, g->fn ? g->fn : "?");
		lp_out_lit(o, " 1");
		lp_out_end(o);
	}
	return 0;
}
