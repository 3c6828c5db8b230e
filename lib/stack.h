/* stack.h - one object per distinct stack, compared by pointer */
#ifndef LP_STACK_H
#define LP_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "frame.h"
#include "profile.h"
#include "u64map.h"

struct lp_stackpool;
struct lp_space;

/*
 * A stack, leaf first.  Programs read n, hash and aux, and the frames
 * through the functions below; the rest is the pool's.
 *
 * A profile's stack is held as its locations (a sample's location
 * indexes, each location's frames shared by every stack through it):
 * a profile of 262,144 distinct stacks of 22 frames would otherwise
 * copy 5.7 million 80-byte frames that most programs never read whole.
 * Its frames are made into one array on the first lp_stack_frames.
 */
struct lp_stack {
	size_t n;      /* frames */
	uint64_t hash; /* of the frames' members, whatever the form */
	/* The program's: zero when the stack is made, free to cache what
	 * the program derives from the stack (a key id, say). */
	uint64_t aux;
	/* The pool's. */
	const struct lp_frame *flat; /* all n frames, or NULL until made */
	const uint32_t *locs;        /* a profile's: indexes into space */
	const struct lp_space *space;
	size_t nlocs;
	struct lp_stackpool *pool;
	struct lp_stack *next; /* same hash */
	/* The record's own (LP_RECORDS_FLAT_OWN): valid until the next
	 * record, one object per record, aux not kept. */
	int own;
};

/*
 * The stack's frames as one array, leaf first, valid as long as the
 * stack.  NULL only when s is NULL, has no frames, or memory ran out
 * making them (a profile's stack, made on the first call).
 */
const struct lp_frame *lp_stack_frames(const struct lp_stack *s);

/*
 * The frames a run at a time, leaf first, without making them into one
 * array: run i of lp_stack_runs(s), its length in *n.  A profile's stack
 * has a run per location, any other one run.
 */
size_t lp_stack_runs(const struct lp_stack *s);
const struct lp_frame *lp_stack_run(
    const struct lp_stack *s, size_t i, size_t *n);

/*
 * The frames one at a time, leaf first, without making them one array:
 *
 *	struct lp_stack_walk w;
 *	lp_stack_walk(&w, s);
 *	while ((f = lp_stack_next(&w)) != NULL) ...
 *
 * s may be NULL (no frames).
 */
struct lp_stack_walk {
	const struct lp_stack *s;
	const struct lp_frame *run;
	size_t next_run, i, n;
};

static inline void
lp_stack_walk(struct lp_stack_walk *w, const struct lp_stack *s)
{
	w->s = s;
	w->run = NULL;
	w->next_run = w->i = w->n = 0;
}

static inline const struct lp_frame *
lp_stack_next(struct lp_stack_walk *w)
{
	while (w->i == w->n) {
		if (w->next_run == lp_stack_runs(w->s))
			return NULL;
		w->run = lp_stack_run(w->s, w->next_run++, &w->n);
		w->i = 0;
	}
	return &w->run[w->i++];
}

/* The frames copied into f (room for s->n of them). */
void lp_stack_copy(const struct lp_stack *s, struct lp_frame *f);

/*
 * The frames as one array for a program that reads them once and keeps
 * nothing: the stack's own when it has them as one, else copied into
 * *buf (grown as need be; the caller frees it), so that the pool keeps
 * no copy.  NULL when out of memory (or s has no frames).
 */
const struct lp_frame *lp_stack_frames_in(
    const struct lp_stack *s, struct lp_frame **buf, size_t *cap);

/* A stack with frames f[0..n) of its own (not in a pool): one record's. */
void lp_stack_own(struct lp_stack *s, const struct lp_frame *f, size_t n);

/*
 * The pool: each distinct stack once, by the content of its frames, so
 * that a profile's stack and a stack of frames (a dump's, a trace's,
 * NDJSON's) with the same frames are one object.  Stacks live until
 * lp_stackpool_end_unit, or with keep as long as the pool.
 */
struct lp_sloc;
struct lp_space {
	struct lp_sloc **at;
	size_t n, cap;
};
struct lp_stackpool {
	int keep;
	struct lp_arena mem;              /* stacks, their frames, locations */
	struct lp_u64map stacks;          /* hash -> stack, chained by next */
	struct lp_u64map slocs;           /* hash -> location, chained */
	struct lp_space unit;             /* the unit profile's location i */
	struct lp_space kept;             /* keep: every location, by number */
	const struct lp_profile *profile; /* the unit's, whose samples */
};

void lp_stackpool_init(struct lp_stackpool *p, int keep);
void lp_stackpool_free(struct lp_stackpool *p);

/*
 * The stack of frames f[0..n) (borrowed; copied when new).  Their
 * strings are copied too, unless borrow says they live as long as the
 * unit (evidence decoded whole) and the pool does not keep stacks
 * beyond it.  NULL when out of memory.
 */
struct lp_stack *lp_stackpool_frames(
    struct lp_stackpool *p, const struct lp_frame *f, size_t n, int borrow);

/*
 * Take a decoded profile's locations; its samples' stacks then come from
 * lp_stackpool_sample.  The profile is borrowed until the unit ends.
 * Returns 0, or -1 when out of memory.
 */
int lp_stackpool_profile(struct lp_stackpool *p, const struct lp_profile *pr);
struct lp_stack *lp_stackpool_sample(
    struct lp_stackpool *p, const struct lp_sample *sm);

/* The unit ends: its stacks go, unless the pool keeps them. */
void lp_stackpool_end_unit(struct lp_stackpool *p);

/* A hash of a stack's text (a dump goroutine's lines), when the text
 * alone tells stacks apart. */
uint64_t lp_text_hash(const char *p, size_t n);

#endif
