/* waits.h - gcycle's records (edge, cycle, stuck) as a wait graph */
#ifndef RENDER_DOT_WAITS_H
#define RENDER_DOT_WAITS_H

#include <jansson.h>

#include "leakpipe.h"

struct rd_waits;

struct rd_waits *rd_waits_new(void);
void rd_waits_free(struct rd_waits *w);
/* An edge, cycle or stuck record (rec borrowed).  Returns 0 or -LP_E*. */
int rd_waits_take(struct rd_waits *w, const struct lp_record *rec,
    unsigned long line, struct lp_error *err);
/* A goroutine record passed along with them: its state and stack. */
int rd_waits_goroutine(
    struct rd_waits *w, const struct lp_goroutine *g, struct lp_error *err);
/* The graph as DOT, or the blocked goroutines' stacks folded. */
int rd_waits_dot(struct rd_waits *w, struct lp_out *o);
int rd_waits_folded(struct rd_waits *w, struct lp_out *o);

#endif
