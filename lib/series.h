/* series.h - per-key values across profile snapshots, compared */
#ifndef LP_SERIES_H
#define LP_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "emit.h"
#include "error.h"
#include "key.h"
#include "record.h"
#include "str.h"

/*
 * heapdiff's aggregate.  Each snapshot (one profile or dump) is summed by
 * key as it arrives and its column of per-key values is spilled to an
 * unlinked temporary file, so memory holds the key table and one column:
 * it grows with the distinct keys, not with the number or size of the
 * snapshots.  At the end the columns are read back in snapshot order
 * (profile time, or stream order when some snapshot has no time) and
 * compared: the first against the last (diff records), or each key over
 * all of them (trend records).  The columns themselves can be written out
 * (partial records) and read back by another run: merging the columns of
 * several runs and comparing them is the very computation one run over
 * all the inputs does, so the results are identical.
 */

/* Snapshot order */
enum { LP_ORDER_AUTO, LP_ORDER_TIME, LP_ORDER_STREAM };

/* Sample types one snapshot may carry, at most. */
#define LP_SERIES_TYPES_MAX 32

struct lp_series_opts {
	struct lp_keyspec keys;
	const char *value; /* sample type compared; NULL: the first
	                      snapshot's default type */
	int all_values;    /* also keep the other types (diff "values") */
	int order;         /* LP_ORDER_* */
	unsigned points;   /* most values in a trend's "series" */
	size_t top;        /* most diff/trend records; 0 = all */
	int64_t min_delta; /* smallest |delta| (|growth|) written */
	double min_pct;    /* smallest |pct| written; < 0: no limit */
};

struct lp_series;

/*
 * A new aggregate (opts is copied; its strings are borrowed and must
 * outlive it).  The spill file goes in $TMPDIR, else /tmp.  Returns NULL
 * with err filled.
 */
struct lp_series *lp_series_new(
    const struct lp_series_opts *opts, struct lp_error *err);
void lp_series_free(struct lp_series *s);

/* The sample type compared, once known (NULL before), and its unit. */
const char *lp_series_value(const struct lp_series *s);
const char *lp_series_unit(const struct lp_series *s);

/*
 * The id of a key: key[0..n) is its JSON text (see key.h), fn[0..fnn) the
 * JSON string naming its site (fnn = 0: none).  Both are copied.  Returns
 * the id, or -LP_ENOMEM/-LP_ELIMIT with err filled.
 */
long lp_series_key(struct lp_series *s, const char *key, size_t n,
    const char *fn, size_t fnn, struct lp_error *err);

/*
 * Start a snapshot: src (copied), its time (0: unknown), its sample types
 * and units (ntypes of them; the strings are read now) and the index of
 * its default type.  Returns 1 when the snapshot carries the compared
 * type and is kept, 0 when it is skipped (lp_series_add and
 * lp_series_end are then no-ops), or an error.
 */
int lp_series_begin(struct lp_series *s, const char *src, int64_t time_ns,
    const struct lp_str *types, const struct lp_str *units, size_t ntypes,
    size_t default_type, struct lp_error *err);

/*
 * Add values (one per type given to lp_series_begin) to key id.  Returns
 * 0 or -LP_ENOMEM with err filled.
 */
int lp_series_add(
    struct lp_series *s, long id, const int64_t *values, struct lp_error *err);

/* The open snapshot's src, or NULL when none is open; and whether it is
 * kept (values added to a skipped one go nowhere, so callers need not
 * work out their keys). */
const char *lp_series_open_src(const struct lp_series *s);
int lp_series_open_kept(const struct lp_series *s);

/* End the open snapshot: its column goes to the spill file. */
int lp_series_end(struct lp_series *s, struct lp_error *err);

/* Snapshots kept and skipped so far; a merge adds a partial's skipped. */
size_t lp_series_count(const struct lp_series *s);
size_t lp_series_skipped(const struct lp_series *s);
void lp_series_add_skipped(struct lp_series *s, size_t n);

/*
 * --merge: a partial's header opens it (its "snapshots" and "skipped"
 * members; src and line name it in errors); the partial open before is
 * ended first.  lp_series_partial_end checks that the open partial brought
 * as many snapshots as its header counts; when it did not, its snapshots
 * are taken back out and -LP_EDATA says so (err->msg starts with its
 * src).  Call it once more after the last.  snapshots (size_t)-1: the
 * header does not say.
 */
int lp_series_partial_begin(struct lp_series *s, const char *src,
    unsigned long line, size_t snapshots, size_t skipped, struct lp_error *err);
int lp_series_partial_end(struct lp_series *s, struct lp_error *err);

/* Distinct keys, at most (each costs its text and a few words). */
#define LP_SERIES_KEYS_MAX ((size_t)1 << 26)

/*
 * The comparisons, as records (leakpipe(7) and heapdiff(1) describe
 * them): a "heapdiff" record, then one "diff" record per key for the
 * first and last snapshots; or one "trend" record per key over every
 * snapshot; or the "partial", "key" and "column" records another run
 * merges.  Returns 0 or a negative LP_E* with err filled.
 */
int lp_series_write_diff(
    struct lp_series *s, struct lp_out *o, struct lp_error *err);
int lp_series_write_trends(
    struct lp_series *s, struct lp_out *o, struct lp_error *err);
int lp_series_write_partial(
    struct lp_series *s, struct lp_out *o, struct lp_error *err);

/*
 * Reading partials back (heapdiff --merge): lp_series_merge_begin starts
 * one, after its "partial" record (unit: of its compared type; the key
 * ids of its "key" records are its own); then each of its "key" and
 * "column" records goes to lp_series_merge_key or _column (rec->key,
 * rec->column; a key's stack is rec->stack).  Each returns 0 or a negative
 * LP_E* with err saying what is wrong ("line N: …").
 */
int lp_series_merge_begin(struct lp_series *s, const char *unit);
int lp_series_merge_key(
    struct lp_series *s, const struct lp_record *rec, struct lp_error *err);
int lp_series_merge_column(
    struct lp_series *s, const struct lp_record *rec, struct lp_error *err);

#endif
