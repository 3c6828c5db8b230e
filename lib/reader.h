/* reader.h - the NDJSON lines and evidence units under lib/record.c */
#ifndef LP_READER_H
#define LP_READER_H

#include <jansson.h>

#include "error.h"

/*
 * What lib/record.c reads from: a file, stdin or an archive, unit by
 * unit.  A unit of leakpipe NDJSON comes out one json_t object a line,
 * as it stands: "stack" records are records like the others, and
 * "stack_id" is left for the caller to resolve.  A unit of evidence (a
 * pprof profile, a Go dump or ?debug=1 text, a trace) is handed over
 * begun and unread, for the caller to decode into its own structures.
 *
 * NDJSON is streamed line by line; memory grows with the longest line,
 * not the input.
 */
struct lp_reader;

/* A new reader, or NULL when out of memory; lp_reader_free frees it. */
struct lp_reader *lp_reader_new(void);
void lp_reader_free(struct lp_reader *r);

/*
 * Tell fn of every unit as it begins, whatever it holds (even nothing):
 * src names it, borrowed for the call.  fn returns 0, or -1 when out of
 * memory (lp_reader_next then returns -LP_ENOMEM).  NULL: no one.
 */
typedef int (*lp_reader_unit_fn)(void *ctx, const char *src);
void lp_reader_set_unit_fn(
    struct lp_reader *r, lp_reader_unit_fn fn, void *ctx);

/*
 * Start reading path ("-" = stdin); the previous input is dropped.
 * Returns 0, or -LP_ENOINPUT/-LP_ENOMEM with err filled.
 */
int lp_reader_open(struct lp_reader *r, const char *path, struct lp_error *err);

/*
 * The next record of the open input: 1 with *rec (a new reference the
 * caller must json_decref) and *src (the unit's name, valid until the next
 * call); 2 with *rec NULL when the next unit is evidence (lp_reader_unit
 * and lp_reader_input give it); 0 at the end; or a negative LP_E* with err
 * saying what and where ("line 12: …"), *src naming the unit.  After an
 * error, calling again goes on with the next line or unit.
 */
int lp_reader_next(
    struct lp_reader *r, json_t **rec, const char **src, struct lp_error *err);

/* The line number, in its unit, of the record last returned. */
unsigned long lp_reader_line(const struct lp_reader *r);

/* How many units have begun so far (a new number: a new unit). */
unsigned long lp_reader_unit_no(const struct lp_reader *r);

/* After lp_reader_next returned 2: the unit, begun (its head in u->data),
 * and the input to slurp or read the rest from.  Both are borrowed, valid
 * until the next call of lp_reader_next. */
struct lp_unit;
struct lp_input;
const struct lp_unit *lp_reader_unit(const struct lp_reader *r);
struct lp_input *lp_reader_input(struct lp_reader *r);

#endif
