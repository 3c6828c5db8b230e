/* graph.c - the call graph: functions as nodes, calls as weighted edges */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render-dot.h"

void
rd_graph_init(struct rd_graph *g)
{
	memset(g, 0, sizeof(*g));
	lp_arena_init(&g->arena, 0);
}

void
rd_graph_release(struct rd_graph *g)
{
	lp_arena_release(&g->arena);
	free(g->nodes);
	free(g->nodeidx);
	free(g->stacks);
	free(g->ids);
	free(g->stackidx);
	free(g->edges);
	lp_u64map_free(&g->edgemap);
	memset(g, 0, sizeof(*g));
}

static uint64_t
name_hash(const char *fn, size_t fnlen, const char *file, size_t filelen)
{
	uint64_t h = lp_hash(fn, fnlen, 0x6c70646f74ULL);

	return lp_hash(file, filelen, h ^ 0xff);
}

static int
node_rehash(struct rd_graph *g, size_t cap)
{
	uint32_t *t = calloc(cap, sizeof(*t));
	size_t i;

	if (!t)
		return -1;
	for (i = 0; i < g->nnodes; i++) {
		size_t j = g->nodes[i].hash & (cap - 1);
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)i + 1;
	}
	free(g->nodeidx);
	g->nodeidx = t;
	g->nodeidxcap = cap;
	return 0;
}

uint32_t
rd_graph_node(struct rd_graph *g, const char *fn, size_t fnlen,
    const char *file, size_t filelen)
{
	uint64_t h = name_hash(fn, fnlen, file, filelen);
	struct rd_node *n;
	size_t j;

	if (g->nnodes >= 0x7fffffff)
		return UINT32_MAX;
	if ((g->nnodes + 1) * 2 > g->nodeidxcap &&
	    node_rehash(g, g->nodeidxcap ? g->nodeidxcap * 2 : 1024) < 0)
		return UINT32_MAX;
	for (j = h & (g->nodeidxcap - 1); g->nodeidx[j];
	     j = (j + 1) & (g->nodeidxcap - 1)) {
		n = &g->nodes[g->nodeidx[j] - 1];
		if (n->hash == h && n->fnlen == fnlen &&
		    n->filelen == filelen && memcmp(n->fn, fn, fnlen) == 0 &&
		    memcmp(n->file, file, filelen) == 0)
			return g->nodeidx[j] - 1;
	}
	if (lp_reserve((void **)&g->nodes, &g->nodecap, g->nnodes + 1,
	        sizeof(*g->nodes)) < 0)
		return UINT32_MAX;
	n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof(*n));
	n->fn = lp_arena_strdup(&g->arena, fn, fnlen);
	n->file = lp_arena_strdup(&g->arena, file, filelen);
	if (!n->fn || !n->file)
		return UINT32_MAX;
	n->fnlen = fnlen;
	n->filelen = filelen;
	n->hash = h;
	n->kept = 1;
	g->nodeidx[j] = (uint32_t)g->nnodes + 1;
	return (uint32_t)g->nnodes++;
}

static int
stack_rehash(struct rd_graph *g, size_t cap)
{
	uint32_t *t = calloc(cap, sizeof(*t));
	size_t i;

	if (!t)
		return -1;
	for (i = 0; i < g->nstacks; i++) {
		struct rd_stack *s = &g->stacks[i];
		size_t j =
		    lp_hash(g->ids + s->off, s->n * sizeof(uint32_t), 0) &
		    (cap - 1);
		s->next = t[j];
		t[j] = (uint32_t)i + 1;
	}
	free(g->stackidx);
	g->stackidx = t;
	g->stackidxcap = cap;
	return 0;
}

int
rd_graph_add(struct rd_graph *g, const uint32_t *ids, size_t n,
    const int64_t *v, int marked)
{
	size_t j, k;
	uint32_t i;
	struct rd_stack *s;

	if (n > 0x7fffffff || g->nstacks >= 0x7fffffff)
		return -1;
	if ((g->nstacks + 1) > g->stackidxcap &&
	    stack_rehash(g, g->stackidxcap ? g->stackidxcap * 2 : 4096) < 0)
		return -1;
	j = lp_hash(ids, n * sizeof(uint32_t), 0) & (g->stackidxcap - 1);
	for (i = g->stackidx[j]; i; i = s->next) {
		s = &g->stacks[i - 1];
		if (s->n == n &&
		    memcmp(g->ids + s->off, ids, n * sizeof(uint32_t)) == 0) {
			for (k = 0; k < RD_NV; k++)
				s->v[k] += v[k];
			s->marked |= marked != 0;
			return 0;
		}
	}
	if (lp_reserve((void **)&g->stacks, &g->stackcap, g->nstacks + 1,
	        sizeof(*g->stacks)) < 0 ||
	    lp_reserve((void **)&g->ids, &g->idcap, g->nids + n + 1,
	        sizeof(*g->ids)) < 0)
		return -1;
	s = &g->stacks[g->nstacks];
	memset(s, 0, sizeof(*s));
	s->off = g->nids;
	s->n = (uint32_t)n;
	if (n)
		memcpy(g->ids + g->nids, ids, n * sizeof(uint32_t));
	g->nids += n;
	for (k = 0; k < RD_NV; k++)
		s->v[k] = v[k];
	s->marked = marked != 0;
	s->next = g->stackidx[j];
	g->stackidx[j] = (uint32_t)++g->nstacks;
	return 0;
}

static struct rd_edge *
edge_get(struct rd_graph *g, uint32_t src, uint32_t dst)
{
	uint64_t key = (uint64_t)src << 32 | dst, *slot;
	struct rd_edge *e;

	if ((slot = lp_u64map_get(&g->edgemap, key)))
		return &g->edges[*slot];
	if (lp_reserve((void **)&g->edges, &g->edgecap, g->nedges + 1,
	        sizeof(*g->edges)) < 0 ||
	    lp_u64map_put(&g->edgemap, key, g->nedges) < 0)
		return NULL;
	e = &g->edges[g->nedges++];
	memset(e, 0, sizeof(*e));
	e->src = src;
	e->dst = dst;
	e->inl = 1;
	return e;
}

static void
add_values(int64_t *to, const int64_t *v)
{
	size_t k;

	for (k = 0; k < RD_NV; k++)
		to[k] += v[k];
}

int
rd_graph_build(struct rd_graph *g)
{
	size_t i, k;

	for (i = 0; i < g->nnodes; i++) {
		struct rd_node *n = &g->nodes[i];
		memset(n->flat, 0, sizeof(n->flat));
		memset(n->cum, 0, sizeof(n->cum));
		n->stamp = 0;
		n->nin = n->nout = 0;
		n->marked = 0;
	}
	g->nedges = 0;
	g->stamp = 0;
	lp_u64map_clear(&g->edgemap);
	for (i = 0; i < g->nstacks; i++) {
		const struct rd_stack *s = &g->stacks[i];
		const uint32_t *ids = g->ids + s->off;
		uint32_t parent = UINT32_MAX, stamp;
		int residual = 0, zero = 1;

		for (k = 0; k < RD_NV; k++)
			zero &= s->v[k] == 0;
		if (s->hidden || zero)
			continue;
		stamp = ++g->stamp;
		for (k = s->n; k-- > 0;) {
			uint32_t id = RD_NODE(ids[k]);
			struct rd_node *n = &g->nodes[id];
			if (!n->kept) {
				residual = 1;
				continue;
			}
			if (n->stamp != stamp) {
				n->stamp = stamp;
				add_values(n->cum, s->v);
				n->marked |= s->marked;
			}
			if (parent != UINT32_MAX && id != parent) {
				struct rd_edge *e = edge_get(g, parent, id);
				if (!e)
					return -1;
				if (e->stamp != stamp) {
					e->stamp = stamp;
					add_values(e->w, s->v);
					e->residual |= residual;
					if (!(ids[k] & RD_INLINE))
						e->inl = 0;
					e->marked |= s->marked;
				}
			}
			parent = id;
			residual = 0;
		}
		if (parent != UINT32_MAX && !residual)
			add_values(g->nodes[parent].flat, s->v);
	}
	for (i = 0; i < g->nedges; i++) {
		g->nodes[g->edges[i].src].nout++;
		g->nodes[g->edges[i].dst].nin++;
	}
	return 0;
}

static int64_t
abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

/* A node with neither value is not part of the graph. */
static int
present(const struct rd_node *n)
{
	size_t k;

	for (k = 0; k < RD_NV; k++)
		if (n->flat[k] || n->cum[k])
			return 1;
	return 0;
}

static const struct rd_graph *sort_graph;

/* Printable names compare as "fn file". */
static int
cmp_names(const struct rd_node *a, const struct rd_node *b)
{
	int c = strcmp(a->fn, b->fn);

	return c ? c : strcmp(a->file, b->file);
}

static int
cmp_order(const void *pa, const void *pb)
{
	const struct rd_node *a = &sort_graph->nodes[*(const size_t *)pa];
	const struct rd_node *b = &sort_graph->nodes[*(const size_t *)pb];
	double sa = fabs(a->score), sb = fabs(b->score);
	int c;

	if (sa != sb)
		return sa > sb ? -1 : 1;
	if ((c = cmp_names(a, b)))
		return c;
	if (abs64(a->flat[RD_V]) != abs64(b->flat[RD_V]))
		return abs64(a->flat[RD_V]) > abs64(b->flat[RD_V]) ? -1 : 1;
	return 0;
}

/*
 * The ordering score: how much a node tells in a picture.  Entry and leaf
 * nodes count more, and so do nodes whose edges spread their value (their
 * entropy); a node that passes its whole value straight on counts least.
 * list[a..b) are the node's edges in one direction; self its own value.
 */
static double
spread_adj(const struct rd_graph *g, const size_t *list, size_t a, size_t b,
    int64_t self)
{
	double score = 0, total = (double)self, f;
	size_t i;

	for (i = a; i < b; i++)
		if (g->edges[list[i]].w[RD_V] > 0)
			total += (double)g->edges[list[i]].w[RD_V];
	if (total == 0)
		return 0;
	for (i = a; i < b; i++) {
		f = (double)abs64(g->edges[list[i]].w[RD_V]) / total;
		if (f > 0)
			score -= f * log2(f);
	}
	if (self > 0) {
		f = (double)self / total;
		score -= f * log2(f);
	}
	return score;
}

/* Order the present nodes into order[], best first; returns how many. */
static long
order_nodes(struct rd_graph *g, size_t *order)
{
	size_t i, n = 0, *in = NULL, *out = NULL, *io = NULL, *oo = NULL;

	if (!(in = malloc((g->nedges + 1) * sizeof(*in))) ||
	    !(out = malloc((g->nedges + 1) * sizeof(*out))) ||
	    !(io = calloc(g->nnodes + 2, sizeof(*io))) ||
	    !(oo = calloc(g->nnodes + 2, sizeof(*oo)))) {
		free(in);
		free(out);
		free(io);
		return -1;
	}
	for (i = 0; i < g->nedges; i++) {
		io[g->edges[i].dst + 2]++;
		oo[g->edges[i].src + 2]++;
	}
	for (i = 2; i < g->nnodes + 2; i++) {
		io[i] += io[i - 1];
		oo[i] += oo[i - 1];
	}
	for (i = 0; i < g->nedges; i++) {
		in[io[g->edges[i].dst + 1]++] = i;
		out[oo[g->edges[i].src + 1]++] = i;
	}
	for (i = 0; i < g->nnodes; i++) {
		struct rd_node *nd = &g->nodes[i];
		double s = 0;
		if (!nd->kept || !present(nd))
			continue;
		if (nd->nin == 0)
			s += 1;
		else
			s += spread_adj(g, in, io[i], io[i + 1], 0);
		if (nd->nout == 0)
			s += 1;
		else
			s += spread_adj(
			    g, out, oo[i], oo[i + 1], nd->flat[RD_V]);
		nd->score = (double)(int64_t)(s * (double)nd->cum[RD_V]) +
		            (double)nd->flat[RD_V];
		order[n++] = i;
	}
	free(in);
	free(out);
	free(io);
	free(oo);
	sort_graph = g;
	qsort(order, n, sizeof(*order), cmp_order);
	return (long)n;
}

static size_t
trim_edges(struct rd_graph *g, int64_t cutoff)
{
	size_t i, dropped = 0;

	for (i = 0; i < g->nedges; i++) {
		struct rd_edge *e = &g->edges[i];
		if (!e->dead && abs64(e->w[RD_V]) < cutoff) {
			e->dead = 1;
			dropped++;
		}
	}
	return dropped;
}

static int
cmp_edge_weight(const void *pa, const void *pb)
{
	const struct rd_edge *a = &sort_graph->edges[*(const size_t *)pa];
	const struct rd_edge *b = &sort_graph->edges[*(const size_t *)pb];
	int c;

	if (a->w[RD_V] != b->w[RD_V] && abs64(a->w[RD_V]) != abs64(b->w[RD_V]))
		return abs64(a->w[RD_V]) > abs64(b->w[RD_V]) ? -1 : 1;
	if ((c = cmp_names(
	         &sort_graph->nodes[a->src], &sort_graph->nodes[b->src])))
		return c;
	return cmp_names(
	    &sort_graph->nodes[a->dst], &sort_graph->nodes[b->dst]);
}

/* Can dst be reached from src without edge skip? (breadth first, up the
 * callers of dst) */
static int
reachable_without(
    struct rd_graph *g, size_t skip, unsigned char *seen, uint32_t *queue)
{
	uint32_t src = g->edges[skip].src, dst = g->edges[skip].dst;
	size_t head = 0, tail = 0, i;
	int found = 0;

	memset(seen, 0, g->nnodes);
	seen[dst] = 1;
	queue[tail++] = dst;
	while (head < tail && !found) {
		uint32_t n = queue[head++];
		for (i = 0; i < g->nedges; i++) {
			struct rd_edge *e = &g->edges[i];
			if (e->dead || e->dst != n || i == skip || seen[e->src])
				continue;
			if (e->src == src) {
				found = 1;
				break;
			}
			seen[e->src] = 1;
			queue[tail++] = e->src;
		}
	}
	return found;
}

/*
 * Residual edges (that jump over dropped nodes) whose callee can be
 * reached another way only clutter the picture: drop them, lightest first,
 * never one heavier than a direct call into the same node.
 */
static int
remove_redundant(struct rd_graph *g, const size_t *order, size_t norder)
{
	size_t *in = malloc((g->nedges + 1) * sizeof(*in)), i, j, nin;
	unsigned char *seen = malloc(g->nnodes + 1);
	uint32_t *queue = malloc((g->nnodes + 1) * sizeof(*queue));
	int rc = 0, any = 0;

	for (i = 0; i < g->nedges; i++)
		any |= !g->edges[i].dead && g->edges[i].residual;
	if (!any)
		goto out; /* nothing to remove: skip the O(nodes x edges) walk
		           */
	if (!in || !seen || !queue) {
		rc = -1;
		goto out;
	}
	sort_graph = g;
	for (i = norder; i-- > 0;) {
		nin = 0;
		for (j = 0; j < g->nedges; j++)
			if (!g->edges[j].dead && g->edges[j].dst == order[i])
				in[nin++] = j;
		qsort(in, nin, sizeof(*in), cmp_edge_weight);
		for (j = nin; j-- > 0;) {
			struct rd_edge *e = &g->edges[in[j]];
			if (!e->residual)
				break;
			if (reachable_without(g, in[j], seen, queue))
				e->dead = 1;
		}
	}
out:
	free(in);
	free(seen);
	free(queue);
	return rc;
}

int
rd_graph_prune(struct rd_graph *g, struct rd_prune *p)
{
	size_t i, n;
	int64_t total = 0;
	long m;

	for (i = 0; i < g->nnodes; i++)
		g->nodes[i].kept = 1;
	if (rd_graph_build(g) < 0)
		return -1;
	free(p->order);
	if (!(p->order = malloc((g->nnodes + 1) * sizeof(*p->order))))
		return -1;
	p->nodes_total = 0;
	for (i = 0; i < g->nnodes; i++) {
		if (!present(&g->nodes[i]))
			continue;
		p->nodes_total++;
		total += g->nodes[i].flat[RD_V];
	}
	p->node_cutoff = abs64((int64_t)((double)total * p->nodefrac));
	p->edge_cutoff = abs64((int64_t)((double)total * p->edgefrac));
	p->dropped_nodes = p->dropped_edges = 0;
	if (p->node_cutoff > 0) {
		for (i = 0; i < g->nnodes; i++) {
			struct rd_node *nd = &g->nodes[i];
			if (present(nd) &&
			    abs64(nd->cum[RD_V]) < p->node_cutoff) {
				nd->kept = 0;
				p->dropped_nodes++;
			}
		}
		if (p->dropped_nodes && rd_graph_build(g) < 0)
			return -1;
	}
	if ((m = order_nodes(g, p->order)) < 0)
		return -1;
	n = (size_t)m;
	p->before_count = n;
	if (p->nodecount > 0 && n > p->nodecount) {
		trim_edges(g, p->edge_cutoff);
		for (i = p->nodecount; i < n; i++)
			g->nodes[p->order[i]].kept = 0;
		if (rd_graph_build(g) < 0 || (m = order_nodes(g, p->order)) < 0)
			return -1;
		n = (size_t)m;
	}
	p->norder = n;
	p->dropped_edges = trim_edges(g, p->edge_cutoff);
	if (remove_redundant(g, p->order, n) < 0)
		return -1;
	p->shown = 0;
	for (i = 0; i < n; i++)
		p->shown += g->nodes[p->order[i]].flat[RD_V];
	return 0;
}
