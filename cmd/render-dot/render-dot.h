/* render-dot.h - what the files of render-dot share */
#ifndef RENDER_DOT_H
#define RENDER_DOT_H

#include <stddef.h>
#include <stdint.h>

#include "leakpipe.h"

/*
 * Values a stack carries: the one drawn (a sample value, or a change), and
 * for comparisons the value before and after.
 */
enum { RD_V = 0, RD_BASE = 1, RD_NEW = 2, RD_NV = 3 };

/* A stack element: a node index, with this bit when the frame was inlined
 * into the next (outer) one. */
#define RD_INLINE  0x80000000u
#define RD_NODE(x) ((x) & ~RD_INLINE)

/* A function: one node of the call graph. */
struct rd_node {
	const char *fn, *file; /* NUL-terminated copies */
	size_t fnlen, filelen;
	uint64_t hash;
	/* Filled by rd_graph_build */
	int64_t flat[RD_NV], cum[RD_NV];
	uint32_t stamp;
	uint32_t nin, nout;
	unsigned kept : 1, matched : 1, ignored : 1, site : 1, marked : 1;
	double score; /* the ordering score */
};

/* An edge of the last build: value flowing from caller src to callee dst. */
struct rd_edge {
	uint32_t src, dst;
	int64_t w[RD_NV];
	uint32_t stamp;
	unsigned residual : 1, inl : 1, marked : 1, dead : 1;
};

/* A distinct stack (leaf first) and its summed values. */
struct rd_stack {
	size_t off;    /* into ids */
	uint32_t n;    /* elements */
	uint32_t next; /* hash chain, index + 1 */
	int64_t v[RD_NV];
	unsigned marked : 1, hidden : 1;
};

struct rd_graph {
	struct lp_arena arena;
	struct rd_node *nodes;
	size_t nnodes, nodecap;
	uint32_t *nodeidx; /* open addressing, node index + 1 */
	size_t nodeidxcap;
	struct rd_stack *stacks;
	size_t nstacks, stackcap;
	uint32_t *ids;
	size_t nids, idcap;
	uint32_t *stackidx; /* chains heads, stack index + 1 */
	size_t stackidxcap;
	struct rd_edge *edges;
	size_t nedges, edgecap;
	struct lp_u64map edgemap; /* src << 32 | dst -> edge index */
	uint32_t stamp;
};

void rd_graph_init(struct rd_graph *g);
void rd_graph_release(struct rd_graph *g);
/* The node of function fn in file; UINT32_MAX when out of memory. */
uint32_t rd_graph_node(struct rd_graph *g, const char *fn, size_t fnlen,
    const char *file, size_t filelen);
/* Add v[0..RD_NV) to the stack ids[0..n) (leaf first).  marked: the
 * stack belongs to something to point out (a suspect).  Returns 0 or -1
 * when out of memory. */
int rd_graph_add(struct rd_graph *g, const uint32_t *ids, size_t n,
    const int64_t *v, int marked);
/* Nodes and edges from the stacks that are not hidden, over the nodes
 * marked kept (residual edges jump over the others). */
int rd_graph_build(struct rd_graph *g);

/* What the pruning keeps, pprof's way. */
struct rd_prune {
	size_t nodecount; /* 0: no limit */
	double nodefrac, edgefrac;
	/* Results */
	size_t *order; /* kept nodes, in drawing order (malloc'd) */
	size_t norder;
	size_t nodes_total;   /* nodes before any pruning */
	size_t dropped_nodes; /* under the node fraction */
	size_t dropped_edges; /* under the edge fraction */
	size_t before_count;  /* nodes before the count limit */
	int64_t node_cutoff, edge_cutoff;
	int64_t shown; /* sum of the kept nodes' flat values */
};
int rd_graph_prune(struct rd_graph *g, struct rd_prune *p);

/* DOT text */

/* A DOT quoted string's body: escaped, valid UTF-8, control characters
 * made visible. */
void rd_dot_esc(struct lp_out *o, const char *p, size_t n);
/* The same, at most max bytes of it (cut on a character boundary and
 * ended with an ellipsis). */
void rd_dot_esc_max(struct lp_out *o, const char *p, size_t n, size_t max);
/* A function name as label lines: package path dropped, broken at dots,
 * long lines wrapped, very long names cut.  Each line ends with "\n". */
void rd_dot_fn_label(struct lp_out *o, const char *fn, size_t n);
/* A value in its unit, human sized ("4.29MB", "12ms", "7"); sign: write
 * "+" before positive values. */
void rd_fmt_value(
    char *buf, size_t size, int64_t v, const char *unit, int sign);
void rd_fmt_pct(char *buf, size_t size, int64_t v, int64_t total);
/* "#rrggbb" for score in [-1, 1]: grey at 0, red towards 1, blue towards
 * -1; light for fills (bg), dark for lines and text. */
void rd_color(char *buf, double score, int bg);
/* A frame name in a folded stack: ';' becomes ':', control characters '?'. */
void rd_folded_name_n(struct lp_out *o, const char *p, size_t n);
static inline void
rd_folded_name(struct lp_out *o, const char *s)
{
	rd_folded_name_n(o, s, strlen(s));
}
/* A stable node id ("f" and 16 hex digits of the name's hash). */
void rd_dot_id(struct lp_out *o, uint64_t hash);

#endif
