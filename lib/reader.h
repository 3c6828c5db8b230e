/* reader.h - one record reader for every analysis program */
#ifndef LP_READER_H
#define LP_READER_H

#include <jansson.h>

#include "error.h"
#include "frame.h"
#include "profile.h"

/*
 * Reads records from leakpipe NDJSON or from the evidence itself: a pprof
 * profile, a Go dump or ?debug=1 text, or an archive of them, decoded in
 * process.  Either way the caller sees the same records, one json_t object
 * at a time, with every interned stack resolved: a record that carried
 * "stack_id" comes out with "stack" instead, so programs never see the
 * difference between the two forms of DESIGN.md.
 *
 * NDJSON is streamed line by line (memory grows with the distinct stacks
 * kept, not the input).  Evidence is decoded whole, like pprof2ndjson.
 * Stack ids are scoped to one input unit (a file, stdin, a member).
 */
struct lp_reader;

/* lp_reader_new flags */
#define LP_READ_STACKS 0x1u /* also return the "stack" records themselves */
/*
 * For the typed layer (record.c), which decodes evidence and resolves
 * stacks itself: with LP_READ_UNITS an evidence unit is not rendered but
 * handed over, begun and unread (lp_reader_next returns 2, *rec NULL;
 * lp_reader_unit and lp_reader_input give it); with LP_READ_STACK_IDS the
 * "stack" records come out and "stack_id" is left as it is.
 */
#define LP_READ_UNITS     0x2u
#define LP_READ_STACK_IDS 0x4u

struct lp_reader *lp_reader_new(unsigned flags);
void lp_reader_free(struct lp_reader *r);

/*
 * Hand profiles over decoded instead of as records.  When fn is set, an
 * evidence unit that is a profile (pprof, ?debug=1 text, …; not a dump)
 * is decoded and given to fn, and yields no records: a program that
 * aggregates samples skips rendering and parsing them back, which is most
 * of the work on a large archive.  prof is borrowed for the call; src
 * names the unit.  fn returns 0 or a negative LP_E* with err filled,
 * which lp_reader_next then returns for that unit.  NULL restores records.
 */
typedef int (*lp_reader_profile_fn)(void *ctx, const struct lp_profile *prof,
    const char *src, struct lp_error *err);
void lp_reader_set_profile_fn(
    struct lp_reader *r, lp_reader_profile_fn fn, void *ctx);

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
 * call); 0 at the end; or a negative LP_E* with err saying what and where
 * ("line 12: …"), *src naming the unit.  After an error, calling again goes
 * on with the next line or unit.
 */
int lp_reader_next(
    struct lp_reader *r, json_t **rec, const char **src, struct lp_error *err);

/* The line number, in its unit, of the record last returned (for the
 * evidence decoded in process: of its rendered records). */
unsigned long lp_reader_line(const struct lp_reader *r);

/* How many units have begun so far (a new number: a new unit). */
unsigned long lp_reader_unit_no(const struct lp_reader *r);

/* With LP_READ_UNITS, after lp_reader_next returned 2: the unit, begun
 * (its head in u->data), and the input to slurp or read the rest from.
 * Both are valid until the next call of lp_reader_next. */
struct lp_unit;
struct lp_input;
const struct lp_unit *lp_reader_unit(const struct lp_reader *r);
struct lp_input *lp_reader_input(struct lp_reader *r);

#endif
