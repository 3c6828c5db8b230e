/* clusters.c - stackcluster's clusters under the tree of their stacks */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusters.h"
#include "render-dot.h"

/*
 * A prefix tree of the clusters' stacks, outermost frame first, under the
 * go statement that created them when the record says: goroutines started
 * by one function share a branch, and each cluster hangs where its stack
 * ends.
 */
struct tnode {
	char *name;
	size_t parent;      /* index + 1, 0 = a root */
	size_t first, next; /* children, siblings: index + 1 */
	size_t nchildren, nclusters;
	int64_t count;
};

struct cl {
	char id[17];
	long rank;
	int64_t count;
	double pct;
	size_t at; /* tree node index + 1, 0 = none (empty stack) */
	char *site, *file, *states;
	int64_t line, wait_min, wait_max;
	int has_wait;
};

struct rd_clusters {
	struct tnode *ts;
	size_t nts, tcap;
	struct cl *cs;
	size_t ncs, ccap;
	int64_t total; /* the header's count */
	int64_t max;
	char *inputs;
};

struct rd_clusters *
rd_clusters_new(void)
{
	return calloc(1, sizeof(struct rd_clusters));
}

void
rd_clusters_free(struct rd_clusters *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nts; i++)
		free(c->ts[i].name);
	for (i = 0; i < c->ncs; i++) {
		free(c->cs[i].site);
		free(c->cs[i].file);
		free(c->cs[i].states);
	}
	free(c->ts);
	free(c->cs);
	free(c->inputs);
	free(c);
}

/* The child of parent (index + 1, 0 = roots) named name; made when new.
 * Returns index + 1, or 0 when out of memory. */
static size_t
child(struct rd_clusters *c, size_t parent, const char *name)
{
	size_t i = parent ? c->ts[parent - 1].first : 0, last = 0;
	struct tnode *t;

	if (!parent) {
		/* Roots: scan them all (they are few). */
		for (i = 0; i < c->nts; i++)
			if (!c->ts[i].parent &&
			    strcmp(c->ts[i].name, name) == 0)
				return i + 1;
	} else {
		for (; i; i = c->ts[i - 1].next) {
			if (strcmp(c->ts[i - 1].name, name) == 0)
				return i;
			last = i;
		}
	}
	if (lp_reserve((void **)&c->ts, &c->tcap, c->nts + 1, sizeof(*c->ts)) <
	    0)
		return 0;
	t = &c->ts[c->nts];
	memset(t, 0, sizeof(*t));
	if (!(t->name = strdup(name)))
		return 0;
	t->parent = parent;
	c->nts++;
	if (parent) {
		if (last)
			c->ts[last - 1].next = c->nts;
		else
			c->ts[parent - 1].first = c->nts;
		c->ts[parent - 1].nchildren++;
	}
	return c->nts;
}

int
rd_clusters_header(struct rd_clusters *c, const struct lp_rclusters *h)
{
	if (h->has_count)
		c->total = h->count;
	if (h->first_input && !c->inputs) {
		const char *base = strrchr(h->first_input, '/');
		if (!(c->inputs = strdup(base ? base + 1 : h->first_input)))
			return -1;
	}
	return 0;
}

int
rd_clusters_take(struct rd_clusters *c, const struct lp_rcluster *k,
    const struct lp_stack *stack, unsigned long line, struct lp_error *err)
{
	const struct lp_frame *f = lp_cli_frames(stack);
	const char *prev = NULL;
	struct cl *cl;
	size_t at = 0, i;
	char buf[96];

	if (!k->has_count || !k->id)
		return lp_error_set(err, LP_EDATA,
		    "line %lu: a cluster record needs id and count", line);
	if (lp_reserve((void **)&c->cs, &c->ccap, c->ncs + 1, sizeof(*c->cs)) <
	    0)
		goto oom;
	cl = &c->cs[c->ncs];
	memset(cl, 0, sizeof(*cl));
	snprintf(cl->id, sizeof(cl->id), "%s", k->id);
	cl->count = k->count;
	if (cl->count > c->max)
		c->max = cl->count;
	cl->rank = k->has_rank ? (long)k->rank : (long)c->ncs + 1;
	cl->pct = k->has_pct ? k->pct : -1;
	if (k->has_site) {
		if (k->site_fn && !(cl->site = strdup(k->site_fn)))
			goto oom;
		if (k->site_file) {
			const char *b = strrchr(k->site_file, '/');
			if (!(cl->file = strdup(b ? b + 1 : k->site_file)))
				goto oom;
		}
		cl->line = k->site_line;
	}
	if (k->nstates) {
		struct lp_out o;
		if (lp_out_init(&o, -1, 128) < 0)
			goto oom;
		for (i = 0; i < k->nstates; i++) {
			snprintf(buf, sizeof(buf), "%s%s %lld", i ? ", " : "",
			    k->states[i].name, (long long)k->states[i].count);
			lp_out_raw(&o, buf, strlen(buf));
		}
		lp_out_ch(&o, '\0');
		cl->states = o.err ? NULL : strdup(o.buf);
		lp_out_release(&o);
	}
	if (k->has_wait_min) {
		cl->has_wait = 1;
		cl->wait_min = k->wait_min_ns;
		cl->wait_max = k->has_wait_max ? k->wait_max_ns : cl->wait_min;
	}
	/* Its path down the tree. */
	if (k->creator) {
		/* One root per creator: "go FN". */
		size_t len = strlen(k->creator) + 4;
		char *name = malloc(len);
		if (!name)
			goto oom;
		snprintf(name, len, "go %s", k->creator);
		at = child(c, 0, name);
		free(name);
		if (!at)
			goto oom;
	}
	for (i = stack ? stack->n : 0; i-- > 0;) {
		/* Frames from JSON: their strings end in a NUL. */
		const char *fn = f[i].fn.p;
		if (!f[i].fn.n || (prev && strcmp(prev, fn) == 0))
			continue; /* no name; recursion collapsed */
		if (!(at = child(c, at, fn)))
			goto oom;
		prev = fn;
	}
	cl->at = at;
	for (i = at; i; i = c->ts[i - 1].parent)
		c->ts[i - 1].count += cl->count;
	if (at)
		c->ts[at - 1].nclusters++;
	c->ncs++;
	return 0;
oom:
	return lp_error_set(err, LP_ENOMEM, "out of memory");
}

static void
tid(struct lp_out *o, size_t i)
{
	lp_out_ch(o, 'p');
	lp_out_uint(o, i);
}

static void
cid(struct lp_out *o, const struct cl *cl)
{
	lp_out_ch(o, 'c');
	rd_dot_esc(o, cl->id, strlen(cl->id));
}

/* Follow a chain of single children that hold no cluster. */
static size_t
chain_end(const struct rd_clusters *c, size_t i, size_t *len)
{
	*len = 1;
	while (c->ts[i - 1].nchildren == 1 && c->ts[i - 1].nclusters == 0) {
		i = c->ts[i - 1].first;
		(*len)++;
	}
	return i;
}

/* Emit the chain starting at tree node a, ending at b, as one box. */
static void
write_chain(
    struct rd_clusters *c, struct lp_out *o, size_t a, size_t b, size_t len)
{
	size_t i = a, shown = 0;
	char buf[64];

	tid(o, b);
	lp_out_lit(o, " [label=\"");
	while (1) {
		const char *name = c->ts[i - 1].name;
		if (shown < 3 || i == b) {
			if (shown == 3 && len > 4) {
				snprintf(buf, sizeof(buf),
				    "\xe2\x80\xa6 %zu more\\n", len - 4);
				lp_out_raw(o, buf, strlen(buf));
			}
			rd_dot_esc_max(o, name, strlen(name), 60);
			lp_out_lit(o, "\\n");
		}
		shown++;
		if (i == b)
			break;
		i = c->ts[i - 1].first;
	}
	lp_out_lit(o, "\" tooltip=\"");
	for (i = a;; i = c->ts[i - 1].first) {
		rd_dot_esc_max(
		    o, c->ts[i - 1].name, strlen(c->ts[i - 1].name), 300);
		if (i == b)
			break;
		lp_out_lit(o, "\\n");
	}
	lp_out_lit(o, "\" shape=box style=\"rounded,filled\" "
	              "fillcolor=\"#eef2f7\" color=\"#8090a0\" fontsize=10]\n");
}

static void
write_cluster(struct rd_clusters *c, struct lp_out *o, const struct cl *cl)
{
	char buf[160], fg[8], bg[8];
	double share = c->max ? (double)cl->count / (double)c->max : 0;
	int fs = 9 + (int)ceil(13 * sqrt(share));

	rd_color(
	    fg, c->total ? (double)cl->count / (double)c->total : share, 0);
	rd_color(
	    bg, c->total ? (double)cl->count / (double)c->total : share, 1);
	cid(o, cl);
	lp_out_lit(o, " [label=\"");
	snprintf(
	    buf, sizeof(buf), "#%ld: %lld", cl->rank, (long long)cl->count);
	rd_dot_esc(o, buf, strlen(buf));
	if (cl->pct >= 0) {
		snprintf(buf, sizeof(buf), " (%.1f%%)", cl->pct);
		rd_dot_esc(o, buf, strlen(buf));
	}
	lp_out_lit(o, "\\n");
	if (cl->states) {
		rd_dot_esc_max(o, cl->states, strlen(cl->states), 60);
		lp_out_lit(o, "\\n");
	}
	if (cl->site) {
		rd_dot_esc_max(o, cl->site, strlen(cl->site), 60);
		lp_out_lit(o, "\\n");
	}
	if (cl->file) {
		snprintf(
		    buf, sizeof(buf), "%s:%lld", cl->file, (long long)cl->line);
		rd_dot_esc_max(o, buf, strlen(buf), 60);
		lp_out_lit(o, "\\n");
	}
	if (cl->has_wait) {
		char a[48], b[48];
		rd_fmt_value(a, sizeof(a), cl->wait_min, "nanoseconds", 0);
		rd_fmt_value(b, sizeof(b), cl->wait_max, "nanoseconds", 0);
		if (strcmp(a, b) == 0)
			snprintf(buf, sizeof(buf), "waiting %s", a);
		else
			snprintf(buf, sizeof(buf), "waiting %s to %s", a, b);
		rd_dot_esc(o, buf, strlen(buf));
		lp_out_lit(o, "\\n");
	}
	lp_out_lit(o, "\" tooltip=\"cluster ");
	rd_dot_esc(o, cl->id, strlen(cl->id));
	lp_out_lit(o, "\" shape=box3d style=filled fontsize=");
	lp_out_int(o, fs);
	lp_out_lit(o, " penwidth=");
	lp_out_int(o, 1 + (int)floor(3 * share));
	lp_out_lit(o, " color=\"");
	lp_out_raw(o, fg, 7);
	lp_out_lit(o, "\" fillcolor=\"");
	lp_out_raw(o, bg, 7);
	lp_out_lit(o, "\"]\n");
}

static void
edge(struct lp_out *o, size_t from, size_t to, const struct cl *cl,
    int64_t count)
{
	tid(o, from);
	lp_out_lit(o, " -> ");
	if (cl)
		cid(o, cl);
	else
		tid(o, to);
	lp_out_lit(o, " [label=\" ");
	lp_out_int(o, count);
	lp_out_lit(o, "\"]\n");
}

/* Emit tree node b (the end of a chain) and everything under it. */
static void
walk(struct rd_clusters *c, struct lp_out *o, size_t b)
{
	size_t i, len, end;

	for (i = 0; i < c->ncs; i++)
		if (c->cs[i].at == b) {
			write_cluster(c, o, &c->cs[i]);
			edge(o, b, 0, &c->cs[i], c->cs[i].count);
		}
	for (i = c->ts[b - 1].first; i; i = c->ts[i - 1].next) {
		end = chain_end(c, i, &len);
		write_chain(c, o, i, end, len);
		edge(o, b, end, NULL, c->ts[end - 1].count);
		walk(c, o, end);
	}
}

int
rd_clusters_dot(struct rd_clusters *c, struct lp_out *o)
{
	size_t i, len, end;
	char buf[128];

	if (!c)
		return 0;
	lp_out_lit(o, "digraph \"render-dot\" {\n"
	              "graph [fontname=\"Helvetica\" rankdir=LR ranksep=0.4]\n"
	              "node [fontname=\"Helvetica\"]\n"
	              "edge [fontname=\"Helvetica\" fontsize=10 "
	              "color=\"#8090a0\"]\n"
	              "subgraph cluster_legend {\n"
	              "legend [shape=box fontsize=14 label=\"");
	if (c->inputs) {
		lp_out_lit(o, "File: ");
		rd_dot_esc_max(o, c->inputs, strlen(c->inputs), 120);
		lp_out_lit(o, "\\l");
	}
	snprintf(buf, sizeof(buf), "stackcluster: %zu clusters, %lld in all",
	    c->ncs, (long long)c->total);
	rd_dot_esc(o, buf, strlen(buf));
	lp_out_lit(o, "\\lBoxes: clusters, sized and coloured by count\\l"
	              "Rounded: the stack frames they share, outermost "
	              "first\\l\"]\n}\n");
	for (i = 0; i < c->nts; i++) {
		if (c->ts[i].parent)
			continue;
		end = chain_end(c, i + 1, &len);
		write_chain(c, o, i + 1, end, len);
		walk(c, o, end);
	}
	for (i = 0; i < c->ncs; i++)
		if (!c->cs[i].at)
			write_cluster(c, o, &c->cs[i]);
	lp_out_lit(o, "}\n");
	return 0;
}

int
rd_clusters_folded(struct rd_clusters *c, struct lp_out *o)
{
	size_t i, j, n, *path = NULL, cap = 0;

	if (!c)
		return 0;
	for (i = 0; i < c->ncs; i++) {
		const struct cl *cl = &c->cs[i];
		n = 0;
		for (j = cl->at; j; j = c->ts[j - 1].parent) {
			if (lp_reserve((void **)&path, &cap, n + 1,
			        sizeof(*path)) < 0) {
				free(path);
				return -1;
			}
			path[n++] = j;
		}
		if (n == 0)
			lp_out_lit(o, "[no stack]");
		while (n-- > 0) {
			rd_folded_name(o, c->ts[path[n] - 1].name);
			if (n)
				lp_out_ch(o, ';');
		}
		lp_out_ch(o, ' ');
		lp_out_int(o, cl->count);
		lp_out_end(o);
	}
	free(path);
	return 0;
}
