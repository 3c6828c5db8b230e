/* decode.h - any evidence unit to records, whatever its format */
#ifndef LP_DECODE_H
#define LP_DECODE_H

#include <stddef.h>

#include "diag.h"
#include "emit.h"
#include "error.h"
#include "input.h"
#include "intern.h"
#include "profile.h"

/*
 * Judge the format of u by its content and write its records to o: pprof
 * and ?debug=1 text as profile + sample records, dumps as goroutine
 * records.  With LP_EMIT_HEADERS only profile records are written.  Lines
 * a text decoder steps over are reported through d.  Returns 0, or a
 * negative LP_E* with err saying why the unit is not evidence or where it
 * is broken (-LP_EIO when o failed).
 */
int lp_decode_unit(struct lp_out *o, const struct lp_unit *u,
    const struct lp_emit_opts *opts, struct lp_intern *in, struct lp_diag *d,
    struct lp_error *err);

/* Is p[0..n) (a unit's head) a profile of some format, not a dump? */
int lp_decode_is_profile(const unsigned char *p, size_t n);

/*
 * Decode the profile in u into prof (lp_profile_init'ed by the caller,
 * released by the caller whatever the result), for programs that work on
 * the decoded profile instead of its records.  Returns 0 or a negative
 * LP_E* with err filled; -LP_EDATA when u is not a profile.
 */
int lp_decode_profile(const struct lp_unit *u, struct lp_profile *prof,
    struct lp_diag *d, struct lp_error *err);

/*
 * What a dump says before its first goroutine (whose header is on line
 * first_line): the line saying why the program died ("panic: …",
 * "fatal error: …", "SIGQUIT: quit"; p NULL when none), and the text
 * before the goroutines, its last LP_DUMP_PREAMBLE_MAX bytes at most.
 * Both point into u->data.
 */
#define LP_DUMP_PREAMBLE_MAX 4096
void lp_dump_head(const struct lp_unit *u, size_t first_line,
    struct lp_str *reason, struct lp_str *preamble);

#endif
