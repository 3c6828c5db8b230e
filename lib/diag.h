/* diag.h - how library code reports problems it can step over */
#ifndef LP_DIAG_H
#define LP_DIAG_H

#include <stddef.h>

#include "attr.h"

/*
 * Library code never prints.  Where a decoder can skip a bad part and go
 * on (a line of a dump it does not understand), it tells the caller
 * through this hook, with a message that names the place ("line 12: …").
 * The caller prefixes program and source names and counts the problems.
 */
struct lp_diag {
	void (*fn)(void *ctx, const char *msg);
	void *ctx;
	unsigned long count; /* problems reported so far */
};

void lp_diag(struct lp_diag *d, const char *fmt, ...) LP_PRINTF(2, 3);

/*
 * "line N: …" through d (may be NULL), for the text decoders.  Only the
 * first LP_DIAG_MAX problems of one unit are told, then one line saying
 * more follow: a binary file fed to a text decoder must not print a
 * million lines.  d->count still counts them all.
 */
void lp_diag_line(struct lp_diag *d, size_t line, const char *fmt, ...)
    LP_PRINTF(3, 4);

#endif
