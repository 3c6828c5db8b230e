/* waits.c - gcycle's records (edge, cycle, stuck) as a wait graph */
#include <stdlib.h>

#include "waits.h"

struct rd_waits {
	int dummy;
};

struct rd_waits *
rd_waits_new(void)
{
	return calloc(1, sizeof(struct rd_waits));
}

void
rd_waits_free(struct rd_waits *w)
{
	free(w);
}

int
rd_waits_take(struct rd_waits *w, const char *kind, json_t *rec,
    unsigned long line, struct lp_error *err)
{
	(void)w, (void)kind, (void)rec, (void)line, (void)err;
	return 0;
}

int
rd_waits_goroutine(struct rd_waits *w, json_t *rec, struct lp_error *err)
{
	(void)w, (void)rec, (void)err;
	return 0;
}

int
rd_waits_dot(struct rd_waits *w, struct lp_out *o)
{
	(void)w, (void)o;
	return 0;
}

int
rd_waits_folded(struct rd_waits *w, struct lp_out *o)
{
	(void)w, (void)o;
	return 0;
}
