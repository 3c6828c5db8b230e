/* threadz.h - the C++ "--- threadz" thread stack text */
#ifndef LP_THREADZ_H
#define LP_THREADZ_H

#include <stddef.h>

#include "error.h"
#include "profile.h"

/*
 * Decode a C++ threadz text (gperftools-era servers; not written by Go)
 * into p, which the caller has lp_profile_init'ed, as pprof's importer
 * does: one sample of type thread/count per thread (a "[same as previous
 * thread]" one adds 1 to the sample before), its stack every hex address
 * of its lines, callers moved back by one, frames named after their
 * addresses, mappings from the memory map after the threads.
 * p->format becomes "threadz-text".  Strings in p borrow from data or
 * live in p->arena.  Returns 0, -LP_EDATA with err saying which line is
 * wrong, or -LP_ENOMEM.
 */
int lp_threadz_decode(const unsigned char *data, size_t len,
    struct lp_profile *p, struct lp_error *err);

#endif
