/* stackcluster.h - the pieces of stackcluster that main ties together */
#ifndef STACKCLUSTER_H
#define STACKCLUSTER_H

#include <jansson.h>

#include "leakpipe.h"

/* The run: the clusterer, and the reader with what it keeps between
 * records. */
struct sc_run {
	struct lp_clusterer *c;
	struct lp_records *r;
	int ended;   /* --ended: trace goroutines that ended count too */
	char **srcs; /* input unit names, in order of first appearance */
	size_t nsrcs, capsrcs;
	const struct lp_rprofile *prof; /* the samples' profile */
	size_t *vidx;                   /* its sample types as value types */
	size_t vcap;
	size_t gtype; /* its "goroutine" type, or (size_t)-1 */
	/* The cluster of each stack of the unit (read.c) */
	struct sc_memo *memo;
	size_t nmemo, memocap;
	struct lp_arena memo_mem;
	struct lp_frame *frames; /* a new stack's, for the clusterer */
	size_t fcap;
	int key_state, key_creator; /* what the signature has besides */
};

int sc_read_init(struct sc_run *run);
void sc_read_release(struct sc_run *run);

/*
 * Every input unit of path ("-" = stdin) into run->c: leakpipe NDJSON
 * (goroutine, sample and event records, flat or interned), goroutine
 * dumps, profiles of any format, and Go execution traces (their
 * goroutines, as trace2ndjson --goroutines gives them).  Errors are
 * reported per record or unit, and the others go on.
 */
void sc_read_path(struct sc_run *run, const char *path);

/* The clusters as a table for people (headed, human units). */
void sc_table_write(struct lp_clusterer *c, struct lp_out *o,
    const struct lp_cluster_write_opts *w);

#endif
