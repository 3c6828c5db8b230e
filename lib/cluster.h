/* cluster.h - goroutines, samples and events grouped by signature */
#ifndef LP_CLUSTER_H
#define LP_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "emit.h"
#include "error.h"
#include "frame.h"
#include "signature.h"
#include "str.h"

/*
 * stackcluster's core: records with a stack go in one at a time, one
 * hash lookup each, and come out as "cluster" records (leakpipe(7)), one
 * per distinct signature.  Memory grows with the clusters, not the
 * records: each keeps its counts, a representative stack, its creators
 * and a bounded set of member ids.
 */
struct lp_clusterer;

/* One record to add.  Every pointer is borrowed for the call. */
struct lp_cluster_item {
	const struct lp_frame *frames; /* leaf first */
	size_t nframes;
	const struct lp_str *state;     /* NULL when the record has none */
	int64_t wait_ns;                /* < 0 when unknown */
	uint64_t gid;                   /* with has_gid */
	int has_gid;                    /* a goroutine id is known */
	const struct lp_frame *creator; /* NULL when unknown */
	uint64_t weight; /* what it counts for: 1, or a sample's goroutines */
	const size_t *vidx;  /* value types (lp_clusterer_value_type) */
	const int64_t *vals; /* and their values */
	size_t nvals;
};

/* A cluster as lp_clusterer_get shows it; borrowed from the clusterer. */
struct lp_cluster_state {
	const char *name;
	uint64_t count;
};

struct lp_cluster_creator {
	struct lp_frame frame;
	uint64_t count;
};

struct lp_cluster {
	uint64_t id;
	const char *sig; /* NUL-terminated */
	size_t siglen;
	uint64_t count;   /* sum of the items' weights */
	uint64_t records; /* items */
	int has_site;
	struct lp_frame site;
	const struct lp_frame *stack; /* the first item's frames */
	size_t nstack;
	struct lp_cluster_state *states;
	size_t nstates;
	int64_t wait_min, wait_max;
	uint64_t wait_known;
	int64_t *vals; /* by value type; nvals of them */
	size_t nvals;
	unsigned char *has_val;
	uint64_t *members; /* a max-heap of the smallest ids */
	size_t nmembers;
	uint64_t members_count;
	struct lp_cluster_creator *creators;
	size_t ncreators, creators_cap;
	size_t states_cap;
};

/* How lp_clusterer_write orders and cuts. */
enum lp_cluster_sort {
	LP_CLUSTER_BY_COUNT, /* count, largest first */
	LP_CLUSTER_BY_WAIT,  /* longest wait first */
	LP_CLUSTER_BY_VALUE, /* one summed value, largest first */
};

struct lp_cluster_write_opts {
	enum lp_cluster_sort sort;
	size_t sort_value;         /* LP_CLUSTER_BY_VALUE: its type */
	size_t top;                /* 0 = all */
	const char *const *inputs; /* src names for the header, borrowed */
	size_t ninputs;
};

/*
 * members_max: member ids kept per cluster (the smallest ones).  spec is
 * copied.  Returns NULL when out of memory.
 */
struct lp_clusterer *lp_clusterer_new(
    const struct lp_sigspec *spec, size_t members_max);
void lp_clusterer_free(struct lp_clusterer *c);

/*
 * The index of a value type name (a sample type), added when new; or
 * (size_t)-1 when out of memory.
 */
size_t lp_clusterer_value_type(
    struct lp_clusterer *c, const char *name, size_t len);
/* Looked up only: (size_t)-1 when no item had it. */
size_t lp_clusterer_find_value_type(
    const struct lp_clusterer *c, const char *name);

/* Add one item.  Returns 0 or -LP_ENOMEM/-LP_ELIMIT with err filled. */
int lp_clusterer_add(struct lp_clusterer *c, const struct lp_cluster_item *it,
    struct lp_error *err);

/*
 * The same in two steps, for a program that meets one stack many times:
 * lp_clusterer_find gives the cluster of the item's signature (made when
 * new; an index >= 0, or -LP_ENOMEM with err), and lp_clusterer_add_to
 * counts an item in it.  The index holds for the clusterer's life, and
 * serves every item of the same signature (same frames, and state and
 * creator where the spec keys by them).
 */
long lp_clusterer_find(struct lp_clusterer *c, const struct lp_cluster_item *it,
    struct lp_error *err);
int lp_clusterer_add_to(struct lp_clusterer *c, long ki,
    const struct lp_cluster_item *it, struct lp_error *err);

/* Sort (once more after adding), then the clusters in output order. */
size_t lp_clusterer_sort(
    struct lp_clusterer *c, const struct lp_cluster_write_opts *w);
const struct lp_cluster *lp_clusterer_get(
    const struct lp_clusterer *c, size_t rank);
/* Totals over every cluster. */
uint64_t lp_clusterer_count(const struct lp_clusterer *c);
uint64_t lp_clusterer_records(const struct lp_clusterer *c);
const char *lp_clusterer_value_name(const struct lp_clusterer *c, size_t i);
size_t lp_clusterer_nvalue_types(const struct lp_clusterer *c);

/*
 * Write the "stackcluster" header and the cluster records, sorted and cut
 * as w says.  Returns 0, or -LP_ENOMEM.
 */
int lp_clusterer_write(struct lp_clusterer *c, struct lp_out *o,
    const struct lp_cluster_write_opts *w, struct lp_error *err);

/* The 16 hex digits of an id into buf[17]. */
void lp_cluster_id_text(uint64_t id, char buf[17]);

#endif
