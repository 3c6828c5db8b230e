/* stackcluster.h - the pieces of stackcluster that main ties together */
#ifndef STACKCLUSTER_H
#define STACKCLUSTER_H

#include <jansson.h>

#include "leakpipe.h"

/* The run: the clusterer and what the input adapter keeps between records. */
struct sc_run {
	struct lp_clusterer *c;
	int ended;   /* --ended: trace goroutines that ended count too */
	char **srcs; /* input unit names, in order of first appearance */
	size_t nsrcs, capsrcs;
	struct lp_frame *frames; /* one record's stack */
	size_t fcap;
	size_t *vidx; /* one record's value types and values */
	int64_t *vals;
	size_t vcap, vcap2;
	json_t *stacks; /* interned stacks of the unit: "id" -> frames */
	char *buf;      /* NDJSON: the unread part of the unit */
	size_t cap;
	unsigned long lineno;
};

int sc_adapt_init(struct sc_run *run);
void sc_adapt_release(struct sc_run *run);

/*
 * Every input unit of path ("-" = stdin) into run->c: leakpipe NDJSON
 * (goroutine, sample and event records, flat or interned), goroutine
 * dumps, profiles of any format, and Go execution traces (their
 * goroutines, as trace2ndjson --goroutines gives them).  Errors are
 * reported per unit, and the others go on.
 */
void sc_read_path(struct sc_run *run, const char *path);

/* The clusters as a table for people (headed, human units). */
void sc_table_write(struct lp_clusterer *c, struct lp_out *o,
    const struct lp_cluster_write_opts *w);

#endif
