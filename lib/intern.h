/* intern.h - stack interning for the "stack" / "stack_id" record form */
#ifndef LP_INTERN_H
#define LP_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "emit.h"

/*
 * Gives each distinct stack one id for a whole output stream.  A stack is
 * keyed by its rendered JSON array text, so two units (or two formats)
 * with the same frames share the id.  Ids start at 1 and are assigned in
 * order of first use, so output stays deterministic.
 */
struct lp_intern;

struct lp_intern *lp_intern_new(void);
void lp_intern_free(struct lp_intern *in);

/*
 * The id of the stack whose frames array renders as json[0..n).  When the
 * stack is new, a {"kind":"stack","id":N,"frames":…} record is written to
 * o first.  Returns 0 when out of memory.
 */
uint64_t lp_intern_stack(
    struct lp_intern *in, struct lp_out *o, const char *json, size_t n);

/*
 * The same for frames not yet rendered: they are written (as
 * lp_stack_write writes them, with flags) into a buffer the interner keeps
 * for the purpose, then interned.  frames are borrowed.
 */
struct lp_frame;
uint64_t lp_intern_frames(struct lp_intern *in, struct lp_out *o,
    const struct lp_frame *frames, size_t n, unsigned flags);

/*
 * The same for stacks built from pieces, as pprof's are from locations:
 * lp_intern_frag gives each distinct piece (the rendered frames of one
 * location, comma-joined) an id, and lp_intern_frags keys a stack by its
 * sequence of piece ids, so a stack is hashed as a few integers instead of
 * kilobytes of text.  When the stack is new, render(o, ctx) is called to
 * write its frames array inside the new stack record.  Both return 0 when
 * out of memory.
 */
uint32_t lp_intern_frag(struct lp_intern *in, const char *json, size_t n);
uint64_t lp_intern_frags(struct lp_intern *in, struct lp_out *o,
    const uint32_t *frags, size_t n,
    void (*render)(struct lp_out *o, void *ctx), void *ctx);

#endif
