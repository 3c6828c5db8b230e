/* stack_test.c - one stack object per content, whatever form it came in */
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"

/* Frames whose strings are the test's to overwrite, as a decoded
 * profile's arena is freed when its unit ends. */
struct held {
	char fn[4][16];
	struct lp_frame f[4];
};

static void
hold(struct held *h)
{
	static const char *const names[] = { "main.a", "main.b", "main.c",
		"main.d" };
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < 4; i++) {
		strcpy(h->fn[i], names[i]);
		h->f[i].fn = lp_str_make(h->fn[i], strlen(h->fn[i]));
		h->f[i].file = lp_str_make("main.go", 7);
		h->f[i].line = 10 + i;
	}
	/* main.a is inlined into main.b: one location holds both. */
	h->f[0].flags = LP_FRAME_INLINED;
}

/*
 * A profile of locations {a,b}, {c}, {} (no frames), {c} again under
 * another id, {d}; samples as the caller gives them.
 */
struct prof {
	struct lp_location loc[5];
	struct lp_sample sm[8];
	uint32_t ids[8][4];
	struct lp_profile p;
};

static void
profile(struct prof *pr, struct held *h, const uint32_t (*ids)[4],
    const size_t *n, size_t nsamples)
{
	size_t i;

	memset(pr, 0, sizeof(*pr));
	pr->loc[0].frames = &h->f[0];
	pr->loc[0].nframes = 2;
	pr->loc[1].frames = &h->f[2];
	pr->loc[1].nframes = 1;
	pr->loc[3].frames = &h->f[2];
	pr->loc[3].nframes = 1;
	pr->loc[4].frames = &h->f[3];
	pr->loc[4].nframes = 1;
	for (i = 0; i < nsamples; i++) {
		memcpy(pr->ids[i], ids[i], sizeof(pr->ids[i]));
		pr->sm[i].locs = pr->ids[i];
		pr->sm[i].nlocs = n[i];
	}
	pr->p.locations = pr->loc;
	pr->p.nlocations = 5;
	pr->p.samples = pr->sm;
	pr->p.nsamples = nsamples;
}

/* The frames of s read run by run, names joined. */
static void
names(const struct lp_stack *s, char *buf)
{
	size_t i, j, n;

	buf[0] = '\0';
	for (i = 0; i < lp_stack_runs(s); i++) {
		const struct lp_frame *f = lp_stack_run(s, i, &n);
		for (j = 0; j < n; j++) {
			strncat(buf, f[j].fn.p, f[j].fn.n);
			strcat(buf, " ");
		}
	}
}

TEST(profile_stacks_are_one_per_content)
{
	static const uint32_t ids[4][4] = { { 0, 1 }, { 0, 3 }, { 0, 2, 1 },
		{ 1 } };
	static const size_t n[4] = { 2, 2, 3, 1 };
	struct lp_stackpool pool;
	struct held h;
	struct prof pr;
	struct lp_stack *s[4], *flat;
	const struct lp_frame *f;
	char buf[128];
	size_t i;

	hold(&h);
	profile(&pr, &h, ids, n, 4);
	lp_stackpool_init(&pool, 0);
	CHECK_INT(lp_stackpool_profile(&pool, &pr.p), 0);
	for (i = 0; i < 4; i++)
		CHECK((s[i] = lp_stackpool_sample(&pool, &pr.sm[i])) != NULL);
	/* Another location id with the same frames, and a location with
	 * none, make the same stack. */
	CHECK(s[0] == s[1]);
	CHECK(s[0] == s[2]);
	CHECK(s[0] != s[3]);
	CHECK_INT(s[0]->n, 3);
	CHECK_INT(lp_stack_runs(s[0]), 2);
	names(s[0], buf);
	CHECK_STR(buf, "main.a main.b main.c ");
	/* The frames as one array, made on asking, the same frames. */
	CHECK((f = lp_stack_frames(s[0])) != NULL);
	CHECK_MEM(f[1].fn.p, f[1].fn.n, "main.b");
	CHECK_MEM(f[2].fn.p, f[2].fn.n, "main.c");
	CHECK(lp_stack_frames(s[0]) == f);
	/* The same frames given flat are the same object, hashed alike. */
	flat = lp_stackpool_frames(&pool, h.f, 3, 0);
	CHECK(flat == s[0]);
	/* Not the same frames: one flag differs. */
	h.f[0].flags = 0;
	flat = lp_stackpool_frames(&pool, h.f, 3, 0);
	CHECK(flat != NULL && flat != s[0]);
	CHECK_INT(lp_stack_runs(flat), 1);
	CHECK(lp_stack_frames(flat) != h.f); /* copied */
	lp_stackpool_end_unit(&pool);
	lp_stackpool_free(&pool);
}

TEST(kept_profile_stacks_outlive_their_unit)
{
	static const uint32_t ids1[2][4] = { { 0, 1 }, { 4 } };
	static const size_t n1[2] = { 2, 1 };
	static const uint32_t ids2[1][4] = { { 0, 3 } };
	static const size_t n2[1] = { 2 };
	struct lp_stackpool pool;
	struct held h1, h2;
	struct prof pr;
	struct lp_stack *a, *b, *c;
	char buf[128];

	hold(&h1);
	profile(&pr, &h1, ids1, n1, 2);
	lp_stackpool_init(&pool, 1);
	CHECK_INT(lp_stackpool_profile(&pool, &pr.p), 0);
	a = lp_stackpool_sample(&pool, &pr.sm[0]);
	b = lp_stackpool_sample(&pool, &pr.sm[1]);
	CHECK(a && b && a != b);
	lp_stackpool_end_unit(&pool);
	/* The first profile is gone: its strings say nothing now. */
	memset(&h1, 'x', sizeof(h1));
	memset(&pr, 0, sizeof(pr));
	names(a, buf);
	CHECK_STR(buf, "main.a main.b main.c ");
	/* A second profile, its locations at other ids. */
	hold(&h2);
	profile(&pr, &h2, ids2, n2, 1);
	CHECK_INT(lp_stackpool_profile(&pool, &pr.p), 0);
	c = lp_stackpool_sample(&pool, &pr.sm[0]);
	CHECK(c == a);
	lp_stackpool_end_unit(&pool);
	memset(&h2, 'y', sizeof(h2));
	CHECK(lp_stack_frames(a) != NULL);
	names(a, buf);
	CHECK_STR(buf, "main.a main.b main.c ");
	lp_stackpool_free(&pool);
}
