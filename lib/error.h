/* error.h - library error codes and the caller-owned error buffer */
#ifndef LP_ERROR_H
#define LP_ERROR_H

#include "attr.h"

/* Library functions return 0 or one of these, negated. */
enum {
	LP_OK = 0,
	LP_EDATA = 1, /* malformed input: the unit is bad */
	LP_ENOINPUT,  /* the input cannot be opened */
	LP_EIO,       /* read or write failed */
	LP_ENOMEM,    /* out of memory */
	LP_ELIMIT,    /* a limit in limits.h was exceeded: a data error too */
	LP_EUSAGE,    /* caller misuse, e.g. a bad option value */
	LP_EINTERNAL  /* a bug */
};

/*
 * Filled by a failing library call when the caller passes one; the
 * message says what is wrong and where, without the program or source
 * name (the caller prefixes those).
 */
struct lp_error {
	int code;
	char msg[160];
};

/* Set err (may be NULL) and return -code. */
int lp_error_set(struct lp_error *err, int code, const char *fmt, ...)
    LP_PRINTF(3, 4);

#endif
