/* legacytext.h - the ?debug=1 text profiles: heap, counts, contention */
#ifndef LP_LEGACYTEXT_H
#define LP_LEGACYTEXT_H

#include <stddef.h>

#include "detect.h"
#include "diag.h"
#include "error.h"
#include "profile.h"

/*
 * Decode a ?debug=1 text profile into p, which the caller has
 * lp_profile_init'ed: LP_FMT_HEAP_TEXT (heap, allocs), LP_FMT_COUNT_TEXT
 * (goroutine, threadcreate, goroutineleak, custom profiles) or
 * LP_FMT_CONTENTION_TEXT (block, mutex).  Sample types, periods and values
 * are the ones pprof's legacy importer produces for the same text, so
 * heap values are scaled for sampling; frames come from the "#" lines.
 * p->format becomes "heap-text", "count-text" or "contention-text".
 *
 * Strings in p borrow from data (which must outlive p) or live in
 * p->arena.  Lines that are not understood are reported through d (may be
 * NULL) as "line N: …" and skipped.  Returns 0, or -LP_EDATA when the
 * header is not one of these formats, -LP_ENOMEM/-LP_ELIMIT when memory
 * or the arena budget runs out; err (may be NULL) says why.
 */
int lp_legacytext_decode(const unsigned char *data, size_t len,
    enum lp_format fmt, struct lp_profile *p, struct lp_diag *d,
    struct lp_error *err);

#endif
