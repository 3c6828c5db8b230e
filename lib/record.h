/* record.h - typed records from any input, for every analysis program */
#ifndef LP_RECORD_H
#define LP_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"
#include "frame.h"
#include "godump.h"
#include "profile.h"
#include "stack.h"
#include "str.h"
#include "trace.h"
#include "traceview.h"

/*
 * An analysis program opens a path and loops over typed records, whatever
 * the path holds: leakpipe NDJSON (flat or interned stacks, parsed once
 * through jansson into these structs) or the evidence itself (pprof and
 * text profiles, goroutine dumps, execution traces, archives of them),
 * decoded in process with no JSON on the way.  A trace is streamed: its
 * events come as they are decoded, and the goroutine lives and GC cycles
 * (the summaries trace2ndjson --goroutines and --gc write) as soon as
 * they are complete, when those kinds are wanted.
 *
 *	struct lp_records *r = lp_records_new(LP_REC_WANT(LP_REC_SAMPLE));
 *	const struct lp_record *rec;
 *	lp_records_open(r, path, &err);
 *	while ((rc = lp_records_next(r, &rec, &err)) != 0) {
 *		if (rc < 0) { report(lp_records_unit(r), &err); continue; }
 *		... rec->kind, rec->stack, rec->sample->values ...
 *	}
 *
 * Stacks: every distinct stack of an input unit is one struct lp_stack,
 * whether it came flat ("stack"), interned ("stack_id"), from a profile's
 * locations or a dump's goroutine, so programs compare stacks by pointer.
 * A stack lives until the unit ends (lp_records_unit_no changes) or, with
 * LP_RECORDS_KEEP_STACKS, as long as the reader: then equal stacks of
 * different units are one object too.  lib/stack.h says how to read
 * one's frames (a profile's are made only when asked for).
 */

enum lp_rkind {
	LP_REC_OTHER, /* a kind not modelled here: see json and kind_name */
	LP_REC_PROFILE,
	LP_REC_SAMPLE,
	LP_REC_DUMP,
	LP_REC_GOROUTINE, /* from dumps, and trace2ndjson --goroutines */
	LP_REC_EVENT,     /* trace events */
	LP_REC_GC,        /* trace2ndjson --gc */
	LP_REC_HEAPDIFF,  /* heapdiff's header */
	LP_REC_DIFF,
	LP_REC_TREND,
	LP_REC_PARTIAL, /* heapdiff --partial: header, key, column */
	LP_REC_KEY,
	LP_REC_COLUMN,
	LP_REC_CLUSTER, /* stackcluster */
	LP_REC_EDGE,    /* gcycle */
	LP_REC_CYCLE,
	LP_REC_STUCK,
	LP_REC_STACKCLUSTER, /* stackcluster's header */
	LP_REC_NKINDS
};

#define LP_REC_WANT(k)  (1ul << (k))
#define LP_REC_WANT_ALL (~0ul)

/* lp_records_new flags */
#define LP_RECORDS_KEEP_STACKS 0x1u /* stacks live as long as the reader */
#define LP_RECORDS_NO_TRACES   0x2u /* a trace is an error, not records */
/* A trace gives its events only: no goroutine lives or GC cycles. */
#define LP_RECORDS_EVENTS_ONLY 0x4u
/* Evidence must be a trace or a dump: anything else is an error. */
#define LP_RECORDS_NO_PROFILES 0x8u
/* A trace's events keep only the trace's stacks (event->stack, tstack):
 * rec->stack and rec->tstack stay NULL, which saves sharing them. */
#define LP_RECORDS_RAW_EVENTS 0x10u
/* A profile decoded from evidence comes whole, as its PROFILE record's
 * profile->decoded, with no SAMPLE records (a program that walks the
 * locations once instead of a stack per sample). */
#define LP_RECORDS_WHOLE_PROFILES 0x20u
/* A flat "stack" is the record's own, not shared: memory stays flat on
 * a stream of distinct stacks (a profile's samples).  Interned stacks,
 * and evidence's, are shared still. */
#define LP_RECORDS_FLAT_OWN 0x40u

/*
 * A profile: from a "profile" record, decoded evidence, or implied (a
 * sample whose src had no profile record before it: its types are the
 * sample's value names, its default the last).  Valid until the next
 * profile or dump record, or the end of its unit.
 */
struct lp_rprofile {
	struct lp_str format;
	const struct lp_valuetype *types;
	size_t ntypes;
	size_t default_type; /* index into types (pprof: the last) */
	struct lp_valuetype period_type;
	int64_t period, time_ns, duration_ns; /* 0: not said */
	int implied;
	const struct lp_profile *decoded; /* evidence: all of it, else NULL */
};

/* A sample.  values has one per type of its profile (0 where the record
 * had none). */
struct lp_rsample {
	const struct lp_rprofile *profile;
	const int64_t *values;
	size_t nvalues;
	/* Evidence: as decoded.  NDJSON: "labels" (strings), then
	 * "num_labels" (numbers), each key's values in order. */
	const struct lp_label *labels;
	size_t nlabels;
	const struct lp_sample *decoded; /* evidence: its locations */
};

/* A dump's header record, from a "dump" record, the evidence, or implied
 * (goroutines whose src had no dump record before them). */
struct lp_rdump {
	struct lp_str format, reason, preamble;
	int implied;
};

/*
 * heapdiff's header ("heapdiff"): what was compared.  Strings are NULL
 * when the record has none (mode: "diff").  first and last are the base
 * and new snapshots of a pair, the first and last of a series.
 */
struct lp_rsnap {
	const char *src;
	int64_t total, time_ns;
	int has_total;
};
struct lp_rheapdiff {
	const char *mode, *value, *unit, *key_by;
	int series;
	struct lp_rsnap first, last;
};

/*
 * heapdiff --partial's records, read back by --merge.  "partial": how its
 * snapshots were keyed and compared (strings NULL when not given;
 * drop_runtime: given as true).  "key": a key's id and text ("key", a
 * string; stack keys are the record's stack) and its site's function
 * (NULL when not strings; has_id: a non-negative integer id).  "column":
 * one snapshot's values by key id (has_arrays: "ids" and "values" are
 * arrays of one length; ids[i] is -1 where the id or its value is no
 * integer; time_ok: "time_ns", when given, is an integer).
 */
struct lp_rpartial {
	const char *value, *unit, *key_by;
	int drop_runtime;
	int64_t snapshots, skipped;
	int has_snapshots, has_skipped;
};
struct lp_rkey {
	int64_t id;
	int has_id;
	const char *key, *fn;
	size_t keylen, fnlen;
};
struct lp_rcolumn {
	const int64_t *ids, *values;
	size_t n;
	int has_arrays;
	int64_t time_ns;
	int has_time, time_ok;
};

/*
 * One key's change ("diff" of a pair, "trend" of a series): before and
 * after are a diff's base and new, a trend's first and last (has_both:
 * both are integers).  Strings NULL when not given; suspect: a trend
 * whose verdict is "suspect".
 */
struct lp_rchange {
	const char *key, *fn, *value, *unit, *verdict;
	int64_t before, after;
	int has_both;
	int suspect;
};

/*
 * stackcluster's "cluster" (its representative stack is rec->stack).
 * Strings NULL when not given; states in the record's order; creator:
 * the first creator's function.
 */
struct lp_rcount {
	const char *name;
	int64_t count;
};
struct lp_rcluster {
	const char *id, *signature, *creator;
	int64_t count, rank;
	int has_count, has_rank;
	double pct;
	int has_pct;
	const char *site_fn, *site_file;
	int64_t site_line;
	int has_site;
	const struct lp_rcount *states;
	size_t nstates;
	int64_t wait_min_ns, wait_max_ns;
	int has_wait_min, has_wait_max;
};

/*
 * A goroutine in gcycle's findings: a cycle's member, a stuck one, a link
 * of its chain (which also says why it waits on the one before: reason,
 * evidence, count).  Strings NULL when not given; stack NULL when none.
 */
struct lp_rwaiter {
	int64_t goid, wait_ns, count;
	int has_goid, has_wait, has_count, leaked;
	const char *state, *reason, *evidence;
	const struct lp_stack *stack;
};

/*
 * gcycle's "cycle" and "stuck" records.  A cycle: its members and edges
 * (has_lists: both were arrays).  Stuck: self is the goroutine, chain the
 * goroutines it waits on in turn, root the one at the end.
 */
struct lp_rwait {
	int64_t severity, behind, root;
	int has_root, has_lists;
	const char *why, *evidence, *cause;
	struct lp_rwaiter self;
	const struct lp_rwaiter *members; /* cycle: members; stuck: chain */
	size_t nmembers;
	const struct lp_redge *edges;
	size_t nedges;
};

/* stackcluster's header: how many it counted, the first of its inputs
 * (NULL when none). */
struct lp_rclusters {
	int64_t count;
	int has_count;
	const char *first_input;
};

/*
 * An "edge" record: goroutine from waits on goroutine to (gcycle's, or
 * anyone's).  has_ends: both "from" and "to" are integers.  reason and
 * evidence: NULL when not given.  count: 0 when not given.
 */
struct lp_redge {
	int64_t from, to;
	int has_ends;
	const char *reason, *evidence;
	int64_t count;
	int64_t last_ns;
	int has_last;
};

/*
 * The record.  Everything it points to is the reader's, valid until the
 * next lp_records_next, except what is said otherwise (stacks, profiles).
 */
struct lp_record {
	enum lp_rkind kind;
	const char *kind_name; /* as written: "sample", or any other kind */
	const char *src;       /* its "src", else its unit's name */
	unsigned long line;    /* in its unit; evidence: 0 */
	/* The record's stack: a sample's, a goroutine's, any record's
	 * "stack" or "stack_id"; NULL when it has none. */
	const struct lp_stack *stack;
	/* A "signature" member (any kind), when has_signature. */
	struct lp_str signature;
	int has_signature;
	/* Per kind (NULL for the others). */
	const struct lp_rprofile *profile; /* PROFILE, SAMPLE */
	const struct lp_rsample *sample;
	const struct lp_rdump *dump;          /* DUMP, GOROUTINE of a dump */
	const struct lp_goroutine *goroutine; /* frames = stack's */
	/* From traces.  event: the decoded event (its stacks are the
	 * trace's; rec->stack is the event's stack as an lp_stack).  life:
	 * a GOROUTINE's life in the trace, its stack and start handles are
	 * const struct lp_stack *.  gc: a GC record.  t: ns since the
	 * trace's first event (events), as trace2ndjson writes it. */
	const struct lp_tev *event;
	const struct lp_stack *tstack; /* the event's transition stack,
	                                  where it has its own */
	const struct lp_tglife *life;
	const struct lp_tgc *gc;
	const struct lp_redge *edge;         /* EDGE */
	const struct lp_rheapdiff *heapdiff; /* HEAPDIFF */
	const struct lp_rchange *change;     /* DIFF, TREND */
	const struct lp_rcluster *cluster;   /* CLUSTER */
	const struct lp_rwait *wait;         /* CYCLE, STUCK */
	const struct lp_rclusters *clusters; /* STACKCLUSTER */
	const struct lp_rpartial *partial;   /* PARTIAL */
	const struct lp_rkey *key;           /* KEY */
	const struct lp_rcolumn *column;     /* COLUMN */
	int64_t t;
	/* NDJSON: the record as parsed (borrowed; incref to keep it), for
	 * the members the structs do not model.  "stack_id" is left as it
	 * was.  NULL for evidence. */
	json_t *json;
};

struct lp_records;

/* A reader of the kinds in want (LP_REC_WANT bits; others are skipped). */
struct lp_records *lp_records_new(unsigned long want, unsigned flags);
void lp_records_free(struct lp_records *r);

/*
 * Start reading path ("-" = stdin).  Returns 0, or -LP_ENOINPUT/-LP_ENOMEM
 * with err filled.
 */
int lp_records_open(
    struct lp_records *r, const char *path, struct lp_error *err);

/*
 * The next record: 1 with *rec set (the reader's, see lp_record), 0 at
 * the end of the path, or a negative LP_E* with err saying what and where
 * ("line 12: …"); lp_records_unit names the unit.  After an error, calling
 * again goes on with the next record or unit.
 */
int lp_records_next(
    struct lp_records *r, const struct lp_record **rec, struct lp_error *err);

/*
 * Call fn(ctx, src) as each unit begins, even one that gives no record
 * (a program that lists its inputs); see lp_reader_set_unit_fn.
 */
void lp_records_set_unit_fn(
    struct lp_records *r, int (*fn)(void *ctx, const char *src), void *ctx);

/*
 * Tell fn of each line a decoder steps over in evidence (a text profile,
 * a dump), as "line N: …" with the unit's name, instead of one count of
 * them when the unit ends.  NULL: the count.
 */
void lp_records_set_diag(struct lp_records *r,
    void (*fn)(void *ctx, const char *src, const char *msg), void *ctx);

/* The name of the unit being read ("-", a path, "ARCHIVE:MEMBER"). */
const char *lp_records_unit(const struct lp_records *r);
/* How many units have begun (a new number: a new unit). */
unsigned long lp_records_unit_no(const struct lp_records *r);

const char *lp_rkind_name(enum lp_rkind k);

#endif
