/* key.h - what heapdiff compares: a stack, a function, a label */
#ifndef LP_KEY_H
#define LP_KEY_H

#include <stddef.h>

#include "emit.h"
#include "frame.h"
#include "record.h"
#include "str.h"

/*
 * How samples are grouped before they are compared.  Keys are built from
 * function names, files and lines, never addresses, so they survive
 * rebuilds and deploys; a key is kept as JSON text: a frames array for
 * LP_KEY_STACK and LP_KEY_FUNCS, a string for the others.
 */
enum lp_key_by {
	LP_KEY_STACK,     /* every frame: fn, file, line */
	LP_KEY_FUNCS,     /* every frame's fn: line-insensitive */
	LP_KEY_LEAF,      /* the leaf function */
	LP_KEY_USER,      /* the first function outside the runtime/stdlib */
	LP_KEY_LABEL,     /* the value of one label */
	LP_KEY_SIGNATURE, /* a record's "signature", else stackcluster's default
	                   */
};

struct lp_keyspec {
	enum lp_key_by by;
	const char *label; /* LP_KEY_LABEL: the label's name (borrowed) */
	int drop_runtime;  /* leave out frames of package runtime */
};

/*
 * Parse "stack", "funcs", "leaf", "first-user", "label:NAME" or
 * "signature" (arg is borrowed: the label name points into it).
 * Returns 0, or -1 when arg is none of them.
 */
int lp_keyspec_parse(struct lp_keyspec *ks, const char *arg);

/* The spelling lp_keyspec_parse takes, without the label name. */
const char *lp_keyspec_name(enum lp_key_by by);

/* Is the key a frames array (1) or a string (0)? */
static inline int
lp_key_is_stack(const struct lp_keyspec *ks)
{
	return ks->by == LP_KEY_STACK || ks->by == LP_KEY_FUNCS;
}

/*
 * Is f in the Go runtime or standard library?  Judged by the package path
 * in its name: the standard library's first path element has no dot
 * ("net/http", "sync", "internal/poll"), while module paths do
 * ("github.com/…"); "main" and names that are no Go path are user code.
 */
int lp_frame_is_stdlib(const struct lp_frame *f);

/*
 * Does frame f count in a key under ks (drop_runtime)?  A frame named
 * after its address, with no file, never does: it is one Go printed no
 * name for in a ?debug=1 text profile (a runtime frame), and leaving it
 * out gives the text and protobuf forms of one profile the same keys.
 */
static inline int
lp_key_keeps(const struct lp_keyspec *ks, const struct lp_frame *f)
{
	if (f->file.n == 0 && f->line == 0 && f->fn.n > 2 &&
	    f->fn.p[0] == '0' && f->fn.p[1] == 'x')
		return 0;
	return !ks->drop_runtime || !lp_frame_is_runtime(f);
}

/*
 * The frames of s as they appear in a key of ks (LP_KEY_STACK or
 * LP_KEY_FUNCS), comma-joined without brackets: a stack's key is '['
 * and the pieces of its frames joined by ',' and ']', so a writer may
 * render each location once and assemble stacks from the pieces.
 * Writes nothing for frames the key leaves out.
 */
void lp_key_frames_write(
    struct lp_out *o, const struct lp_keyspec *ks, const struct lp_stack *s);

/*
 * The frame that names a stack: the first one outside the runtime and
 * standard library, or the leaf when every frame is theirs (frames the
 * key leaves out are skipped).  Returns it, or NULL when there is none
 * (s may be NULL).
 */
const struct lp_frame *lp_key_site(
    const struct lp_keyspec *ks, const struct lp_stack *s);

/*
 * The whole key of stack s (NULL: none) under ks into o, as JSON text,
 * for keys that do not come from a label or a record's signature field
 * (the caller writes those as strings).  The frames are walked, not made
 * into one array (lib/stack.h).
 */
void lp_key_write(
    struct lp_out *o, const struct lp_keyspec *ks, const struct lp_stack *s);

/*
 * The values of label name on sample sm, comma-joined (numbers in
 * decimal), into o.  Returns how many there were (0: the sample has no
 * such label).
 */
size_t lp_key_label(
    struct lp_out *o, const struct lp_rsample *sm, const char *name);

/*
 * The key of a record under ks into key, as JSON text, and the JSON
 * string naming its site into fn (nothing written when it has none): a
 * sample's or goroutine's stack, its label (LP_KEY_LABEL; "" when the
 * sample has none), or its own "signature" member (LP_KEY_SIGNATURE,
 * else the signature of its stack).  A record with no stack keys as an
 * empty one.  Both buffers are appended to.
 */
void lp_key_record(struct lp_out *key, struct lp_out *fn,
    const struct lp_keyspec *ks, const struct lp_record *rec);

/*
 * Is the key of a record under ks a function of its stack alone, so that
 * a program may work it out once per lp_stack (in stack->aux)?
 */
static inline int
lp_key_by_stack(const struct lp_keyspec *ks, const struct lp_record *rec)
{
	/* A goroutine's signature names its creator too, which is not
	 * part of its stack. */
	return ks->by != LP_KEY_LABEL &&
	       (ks->by != LP_KEY_SIGNATURE ||
	           (!rec->has_signature && !rec->goroutine));
}

#endif
