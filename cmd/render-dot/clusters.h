/* clusters.h - stackcluster's records as a tree of clusters */
#ifndef RENDER_DOT_CLUSTERS_H
#define RENDER_DOT_CLUSTERS_H

#include <jansson.h>

#include "leakpipe.h"

struct rd_clusters;

struct rd_clusters *rd_clusters_new(void);
void rd_clusters_free(struct rd_clusters *c);
/* The stackcluster header (rec borrowed).  Returns 0, or -1 when out of
 * memory. */
int rd_clusters_header(struct rd_clusters *c, const struct lp_rclusters *h);
/* A cluster record (rec borrowed).  Returns 0 or -LP_E*. */
int rd_clusters_take(struct rd_clusters *c, const struct lp_rcluster *k,
    const struct lp_stack *stack, unsigned long line, struct lp_error *err);
/* The tree as DOT, or each cluster's path folded with its count. */
int rd_clusters_dot(struct rd_clusters *c, struct lp_out *o);
int rd_clusters_folded(struct rd_clusters *c, struct lp_out *o);

#endif
