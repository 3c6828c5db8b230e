/* heapdiff.h - what heapdiff.c and table.c share */
#ifndef HEAPDIFF_H
#define HEAPDIFF_H

#include <stddef.h>

struct lp_out;

/*
 * Write heapdiff's records, held in records (NDJSON, as heapdiff writes
 * them), to stdout as a table for a person: a summary line, then one row
 * per diff or trend record, the first top of them (0: a screenful).
 * Returns 0 or -LP_ENOMEM.
 */
int heapdiff_table(const struct lp_out *records, size_t top);

#endif
