/* pprof.h - decoding binary pprof (profile.proto) */
#ifndef LP_PPROF_H
#define LP_PPROF_H

#include <stddef.h>

#include "error.h"
#include "profile.h"

/*
 * Decode a pprof protobuf message (not gzipped: the input layer inflates)
 * into p, which the caller has lp_profile_init'ed.  Every id and string
 * index is checked; the rules are pprof's own (CheckValid), so what pprof
 * rejects we reject too.  Returns 0 or -LP_EDATA/-LP_ELIMIT/-LP_ENOMEM
 * with err saying what and where.
 */
int lp_pprof_decode(const unsigned char *data, size_t len, struct lp_profile *p,
    struct lp_error *err);

#endif
