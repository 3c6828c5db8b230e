/* legacycpu.h - the legacy binary CPU profile (Go <= 1.7, gperftools) */
#ifndef LP_LEGACYCPU_H
#define LP_LEGACYCPU_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "profile.h"

/*
 * Does data start with the header of a legacy binary CPU profile: the
 * words 0, 3, 0 (or 1, the Java flavour), P > 0, 0, in 4- or 8-byte words
 * of either byte order?  A protobuf message never starts with a zero
 * byte (field number 0 is invalid), so the two cannot be confused.
 */
int lp_legacycpu_match(const unsigned char *data, size_t len);

/*
 * Decode a legacy binary CPU profile into p, which the caller has
 * lp_profile_init'ed.  As pprof's importer: sample types samples/count
 * and cpu/nanoseconds, period P*1000 ns, values [count, count*period],
 * every caller pc moved back by one onto its call instruction, a
 * duplicated leaf and signal-handler frames removed, one location per
 * distinct address (named after it), mappings from the /proc/self/maps
 * text after the data.  The Java flavour takes its frame names from its
 * symbol trailer instead and keeps its pcs as they are.  p->format
 * becomes "legacy-cpu".
 *
 * Strings in p borrow from data (which must outlive p) or live in
 * p->arena.  Returns 0, or -LP_EDATA with err saying where ("word N at
 * byte B") when the data is cut short or a count is impossible,
 * -LP_ENOMEM when memory runs out.  Memory used is a small multiple of
 * len.
 */
int lp_legacycpu_decode(const unsigned char *data, size_t len,
    struct lp_profile *p, struct lp_error *err);

/*
 * The part of the legacy decoders that turns raw stacks into a profile,
 * shared with lp_threadz_decode.  Stack i is addrs[stacks[i].off ..
 * stacks[i].off + stacks[i].n), leaf first, with stacks[i].v its values
 * (p->nsample_types of them, at most 2).  maps is the text that may hold
 * a memory map (NULL or empty: none).  Fills p's samples, locations and
 * mappings.  Returns 0 or -LP_ENOMEM.
 */
struct lp_legacy_stack {
	size_t off, n;
	int64_t v[2];
};

int lp_legacy_build(struct lp_profile *p, const uint64_t *addrs,
    const struct lp_legacy_stack *stacks, size_t nstacks, const char *maps,
    size_t mapslen, struct lp_error *err);

#endif
