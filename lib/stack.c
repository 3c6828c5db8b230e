/* stack.c - one object per distinct stack, compared by pointer */
#include <stdlib.h>
#include <string.h>

#include "stack.h"
#include "util.h"

/*
 * A location of a profile, once per distinct content in the pool: its
 * frames (the profile's, or with keep the pool's copy) and their hash
 * folded as a stack's is, so that a profile's stack hashes from its
 * locations what a stack of the same frames hashes from its frames.
 */
struct lp_sloc {
	const struct lp_frame *frames;
	size_t n;
	uint64_t fold, pow; /* the frames' fold from 0, and FOLD^n */
	uint64_t no;        /* keep: its index in the pool's kept space */
	struct lp_sloc *next;
};

/*
 * Hashing: strings are taken a word at a time and each frame finished
 * once (lp_hash finishes per call, which is most of the cost of a frame
 * of short strings).  A stack's hash folds its frames' hashes as a
 * polynomial, h * FOLD + frame, so that a run of frames folds to a
 * value and a power of FOLD and runs combine without their frames.
 */
#define MIX_K 0x9e3779b97f4a7c15ull
#define FOLD  0xff51afd7ed558ccdull

static uint64_t
mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * MIX_K;
	return h ^ (h >> 32);
}

static uint64_t
mix_str(uint64_t h, struct lp_str s)
{
	const char *p = s.p;
	size_t n = s.n;
	uint64_t w = 0;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = mix(h, w);
	}
	w = 0;
	if (n)
		memcpy(&w, p, n);
	return mix(h, w ^ ((uint64_t)s.n << 56));
}

/* splitmix64's finish */
static uint64_t
finish(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

uint64_t
lp_text_hash(const char *p, size_t n)
{
	/* Four lanes, so that the multiplies overlap.  The lanes shift by
	 * different counts, which keeps the compiler from making SSE2
	 * vectors of them (it has no 64-bit multiply, and its stand-in
	 * took longer than the scalar lanes). */
	uint64_t a = 0x243f6a8885a308d3ull, b = 0x13198a2e03707344ull;
	uint64_t c = 0xa4093822299f31d0ull, d = 0x082efa98ec4e6c89ull;
	uint64_t w[4];

	for (; n >= 32; p += 32, n -= 32) {
		memcpy(w, p, 32);
		a = (a ^ w[0]) * MIX_K;
		a ^= a >> 29;
		b = (b ^ w[1]) * MIX_K;
		b ^= b >> 31;
		c = (c ^ w[2]) * MIX_K;
		c ^= c >> 27;
		d = (d ^ w[3]) * MIX_K;
		d ^= d >> 33;
	}
	return mix_str(mix(mix(a, b), mix(c, d)), lp_str_make(p, n));
}

static uint64_t
frame_hash(const struct lp_frame *f)
{
	uint64_t h = mix(0x243f6a8885a308d3ull,
	    (uint64_t)f->line ^ ((uint64_t)f->flags << 48));

	h = mix_str(h, f->fn);
	h = mix_str(h, f->file);
	if (f->flags & LP_FRAME_HAS_ARGS)
		h = mix_str(h, f->args);
	if (f->flags & LP_FRAME_HAS_ADDR)
		h = mix(h, f->addr);
	if (f->flags & LP_FRAME_HAS_OFFSET)
		h = mix(h, f->offset);
	return finish(h);
}

/* Frames folded onto h; *pow (if asked) multiplied by FOLD per frame. */
static uint64_t
fold(uint64_t h, const struct lp_frame *f, size_t n, uint64_t *pow)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h = h * FOLD + frame_hash(&f[i]);
		if (pow)
			*pow *= FOLD;
	}
	return h;
}

/* A stack's hash from its frames' fold. */
static uint64_t
stack_hash(uint64_t folded, size_t n)
{
	return finish(folded ^ ((uint64_t)n * MIX_K));
}

static int
frame_same(const struct lp_frame *a, const struct lp_frame *b)
{
	return a->line == b->line && a->flags == b->flags &&
	       (!(a->flags & LP_FRAME_HAS_ADDR) || a->addr == b->addr) &&
	       (!(a->flags & LP_FRAME_HAS_OFFSET) || a->offset == b->offset) &&
	       lp_str_same(a->fn, b->fn) && lp_str_same(a->file, b->file) &&
	       (!(a->flags & LP_FRAME_HAS_ARGS) ||
	           lp_str_same(a->args, b->args));
}

size_t
lp_stack_runs(const struct lp_stack *s)
{
	if (!s)
		return 0;
	if (s->locs)
		return s->nlocs;
	return s->n ? 1 : 0;
}

const struct lp_frame *
lp_stack_run(const struct lp_stack *s, size_t i, size_t *n)
{
	const struct lp_sloc *l;

	if (!s->locs) {
		*n = s->n;
		return s->flat;
	}
	l = s->space->at[s->locs[i]];
	*n = l->n;
	return l->frames;
}

void
lp_stack_copy(const struct lp_stack *s, struct lp_frame *f)
{
	size_t i, k, m;

	for (i = 0, k = 0; i < lp_stack_runs(s); i++) {
		const struct lp_frame *run = lp_stack_run(s, i, &m);
		memcpy(f + k, run, m * sizeof(*f));
		k += m;
	}
}

const struct lp_frame *
lp_stack_frames_in(const struct lp_stack *s, struct lp_frame **buf, size_t *cap)
{
	size_t m;

	if (!s || s->flat || !s->n)
		return s ? s->flat : NULL;
	if (s->nlocs == 1)
		return lp_stack_run(s, 0, &m);
	if (lp_reserve((void **)buf, cap, s->n, sizeof(**buf)))
		return NULL;
	lp_stack_copy(s, *buf);
	return *buf;
}

const struct lp_frame *
lp_stack_frames(const struct lp_stack *s)
{
	struct lp_stack *w = (struct lp_stack *)(uintptr_t)s;
	struct lp_frame *f;
	size_t m;

	if (!s || s->flat || !s->n)
		return s ? s->flat : NULL;
	/* A profile's stack, made once: the stack is the pool's, and the
	 * frames an addition to it, not a change a program could see. */
	if (s->nlocs == 1)
		return w->flat = lp_stack_run(s, 0, &m);
	if (!(f = lp_arena_alloc(&s->pool->mem, s->n * sizeof(*f))))
		return NULL;
	lp_stack_copy(s, f);
	return w->flat = f;
}

void
lp_stack_own(struct lp_stack *s, const struct lp_frame *f, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->flat = f;
	s->n = n;
	s->own = 1;
}

/* Do two stacks hold the same frames, whatever their forms? */
static int
same_stacks(const struct lp_stack *a, const struct lp_stack *b)
{
	struct lp_stack_walk wa, wb;
	const struct lp_frame *fa;
	size_t i;

	if (a->n != b->n)
		return 0;
	if (a->locs && b->locs && a->nlocs == b->nlocs) {
		/* Locations are one object per content. */
		for (i = 0; i < a->nlocs; i++)
			if (a->space->at[a->locs[i]] !=
			    b->space->at[b->locs[i]])
				break;
		if (i == a->nlocs)
			return 1;
	}
	/* Other forms, or runs that differ where the frames may not (a
	 * location with none): frame by frame. */
	lp_stack_walk(&wa, a);
	lp_stack_walk(&wb, b);
	while ((fa = lp_stack_next(&wa)) != NULL)
		if (!frame_same(fa, lp_stack_next(&wb)))
			return 0;
	return 1;
}

void
lp_stackpool_init(struct lp_stackpool *p, int keep)
{
	memset(p, 0, sizeof(*p));
	p->keep = keep;
	lp_arena_init(&p->mem, 0);
}

void
lp_stackpool_end_unit(struct lp_stackpool *p)
{
	p->unit.n = 0;
	if (p->keep)
		return;
	lp_u64map_clear(&p->stacks);
	lp_u64map_clear(&p->slocs);
	lp_arena_release(&p->mem);
}

void
lp_stackpool_free(struct lp_stackpool *p)
{
	lp_u64map_free(&p->stacks);
	lp_u64map_free(&p->slocs);
	lp_arena_release(&p->mem);
	free(p->unit.at);
	free(p->kept.at);
	memset(p, 0, sizeof(*p));
}

static int
copy_str(struct lp_arena *a, struct lp_str *s)
{
	char *p;

	if (!s->n) {
		*s = lp_str_make("", 0);
		return 0;
	}
	if (!(p = lp_arena_strdup(a, s->p, s->n)))
		return -1;
	s->p = p;
	return 0;
}

/* A copy of frames f[0..n) in the pool, their strings too unless borrow. */
static struct lp_frame *
copy_frames(
    struct lp_stackpool *p, const struct lp_frame *f, size_t n, int borrow)
{
	struct lp_frame *c = lp_arena_alloc(&p->mem, (n + 1) * sizeof(*c));
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < n; i++) {
		c[i] = f[i];
		if (borrow)
			continue;
		if (copy_str(&p->mem, &c[i].fn) ||
		    copy_str(&p->mem, &c[i].file) ||
		    copy_str(&p->mem, &c[i].args))
			return NULL;
	}
	return c;
}

/* The chain of stacks with hash h. */
static struct lp_stack *
chain(const struct lp_stackpool *p, uint64_t h)
{
	const uint64_t *slot = lp_u64map_get(&p->stacks, h);

	return slot ? (struct lp_stack *)(uintptr_t)*slot : NULL;
}

/* s at the head of its hash's chain. */
static int
add(struct lp_stackpool *p, struct lp_stack *s)
{
	uint64_t *slot = lp_u64map_slot(&p->stacks, s->hash);

	if (!slot)
		return -1;
	s->next = (struct lp_stack *)(uintptr_t)*slot; /* 0: none */
	s->pool = p;
	*slot = (uint64_t)(uintptr_t)s;
	return 0;
}

struct lp_stack *
lp_stackpool_frames(
    struct lp_stackpool *p, const struct lp_frame *f, size_t n, int borrow)
{
	uint64_t h = stack_hash(fold(0, f, n, NULL), n);
	struct lp_stack probe, *s;

	lp_stack_own(&probe, f, n);
	for (s = chain(p, h); s; s = s->next)
		if (same_stacks(s, &probe))
			return s;
	if (!(s = lp_arena_calloc(&p->mem, 1, sizeof(*s))) ||
	    !(s->flat = copy_frames(p, f, n, borrow && !p->keep)))
		return NULL;
	s->n = n;
	s->hash = h;
	return add(p, s) < 0 ? NULL : s;
}

/* The one location object with frames f[0..n) of a profile. */
static struct lp_sloc *
sloc_of(struct lp_stackpool *p, const struct lp_frame *f, size_t n)
{
	uint64_t pow = 1, v = fold(0, f, n, &pow), h = finish(v ^ pow);
	uint64_t *slot = lp_u64map_slot(&p->slocs, h); /* 0: none yet */
	struct lp_sloc *l;
	size_t i;

	if (!slot)
		return NULL;
	for (l = (struct lp_sloc *)(uintptr_t)*slot; l; l = l->next) {
		if (l->n != n)
			continue;
		for (i = 0; i < n && frame_same(&l->frames[i], &f[i]); i++)
			;
		if (i == n)
			return l;
	}
	if (!(l = lp_arena_calloc(&p->mem, 1, sizeof(*l))))
		return NULL;
	/* Kept beyond the unit, the location needs its own copy. */
	if (p->keep) {
		if (!(l->frames = copy_frames(p, f, n, 0)) ||
		    lp_reserve((void **)&p->kept.at, &p->kept.cap,
		        p->kept.n + 1, sizeof(*p->kept.at)))
			return NULL;
		l->no = p->kept.n;
		p->kept.at[p->kept.n++] = l;
	} else {
		l->frames = f;
	}
	l->n = n;
	l->fold = v;
	l->pow = pow;
	l->next = (struct lp_sloc *)(uintptr_t)*slot;
	*slot = (uint64_t)(uintptr_t)l;
	return l;
}

int
lp_stackpool_profile(struct lp_stackpool *p, const struct lp_profile *pr)
{
	size_t i;

	p->unit.n = 0;
	if (lp_reserve((void **)&p->unit.at, &p->unit.cap, pr->nlocations + 1,
	        sizeof(*p->unit.at)))
		return -1;
	for (i = 0; i < pr->nlocations; i++) {
		const struct lp_location *l = &pr->locations[i];
		if (!(p->unit.at[i] = sloc_of(p, l->frames, l->nframes)))
			return -1;
	}
	p->unit.n = pr->nlocations;
	return 0;
}

struct lp_stack *
lp_stackpool_sample(struct lp_stackpool *p, const struct lp_sample *sm)
{
	struct lp_stack probe = { 0 }, *s;
	uint64_t h = 0;
	uint32_t *no;
	size_t i, n = 0;

	for (i = 0; i < sm->nlocs; i++) {
		const struct lp_sloc *l = p->unit.at[sm->locs[i]];
		h = h * l->pow + l->fold;
		n += l->n;
	}
	probe.n = n;
	probe.hash = stack_hash(h, n);
	probe.locs = sm->locs;
	probe.nlocs = sm->nlocs;
	probe.space = &p->unit;
	for (s = chain(p, probe.hash); s; s = s->next)
		if (same_stacks(s, &probe))
			return s;
	if (!(s = lp_arena_alloc(&p->mem, sizeof(*s))))
		return NULL;
	*s = probe;
	/* Kept beyond the unit, the stack names its locations by their
	 * numbers in the pool, not the profile's indexes. */
	if (p->keep) {
		if (!(no = lp_arena_alloc(
		          &p->mem, (sm->nlocs + 1) * sizeof(*no))))
			return NULL;
		for (i = 0; i < sm->nlocs; i++)
			no[i] = (uint32_t)p->unit.at[sm->locs[i]]->no;
		s->locs = no;
		s->space = &p->kept;
	}
	return add(p, s) < 0 ? NULL : s;
}
