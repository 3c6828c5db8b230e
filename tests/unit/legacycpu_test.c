/* legacycpu_test.c - the legacy binary CPU profile decoder */
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"

/* A profile built word by word in any word size and byte order. */
struct buf {
	unsigned char b[4096];
	size_t n;
	unsigned w;
	int be;
};

static void
put(struct buf *b, uint64_t v)
{
	unsigned i;

	for (i = 0; i < b->w; i++)
		b->b[b->n + (b->be ? b->w - 1 - i : i)] =
		    (unsigned char)(v >> (8 * i));
	b->n += b->w;
}

static void
text(struct buf *b, const char *s)
{
	memcpy(b->b + b->n, s, strlen(s));
	b->n += strlen(s);
}

/*
 * Header (period 10000 us), three samples sharing the caller 0x2001 and
 * the signal frame 0x9001, one with a duplicated leaf, the end record
 * and a memory map.
 */
static void
sample_profile(struct buf *b, unsigned w, int be)
{
	memset(b, 0, sizeof(*b));
	b->w = w;
	b->be = be;
	put(b, 0), put(b, 3), put(b, 0), put(b, 10000), put(b, 0);
	put(b, 2), put(b, 3), put(b, 0x401000), put(b, 0x9001),
	    put(b, 0x402001);
	put(b, 1), put(b, 3), put(b, 0x401100), put(b, 0x9001),
	    put(b, 0x402001);
	put(b, 5), put(b, 4), put(b, 0x401200), put(b, 0x9001),
	    put(b, 0x401200), put(b, 0x402001);
	put(b, 0), put(b, 1), put(b, 0);
	text(b, "00400000-00500000 r-xp 00000000 08:01 1234   /bin/app\n"
	        "00500000-00600000 rw-p 00100000 08:01 1234   /bin/app\n"
	        "7f0000000000-7f0000100000 r-xp 00000000 08:01 77 "
	        "/lib/libc.so.6\n");
}

static void
check_sample_profile(const struct buf *b)
{
	struct lp_profile p;
	struct lp_error err = { 0, "" };
	const struct lp_location *l;

	CHECK(lp_legacycpu_match(b->b, b->n));
	CHECK_INT(lp_detect(b->b, b->n), LP_FMT_LEGACY_CPU);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_legacycpu_decode(b->b, b->n, &p, &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_STR(p.format, "legacy-cpu");
	CHECK_INT(p.period, 10000000);
	CHECK_INT(p.nsample_types, 2);
	CHECK_INT(p.nsamples, 3);
	if (p.nsamples == 3) {
		/* the signal frame 0x9000 is gone from every sample, and
		 * the third's duplicated leaf 0x401200 too */
		CHECK_INT(p.samples[0].values[0], 2);
		CHECK_INT(p.samples[0].values[1], 20000000);
		CHECK_INT(p.samples[0].nlocs, 2);
		CHECK_INT(p.samples[2].values[0], 5);
		CHECK_INT(p.samples[2].nlocs, 2);
		l = &p.locations[p.samples[0].locs[0]];
		CHECK_INT(l->addr, 0x401000);
		CHECK_MEM(l->frames[0].fn.p, l->frames[0].fn.n, "0x401000");
		CHECK(l->frames[0].flags & LP_FRAME_HAS_ADDR);
		l = &p.locations[p.samples[0].locs[1]];
		CHECK_INT(l->addr, 0x402000);
		CHECK_INT(l->mapping, 1);
		l = &p.locations[p.samples[2].locs[1]];
		CHECK_INT(l->addr, 0x402000);
	}
	CHECK_INT(p.nlocations, 4);
	CHECK_INT(p.nmappings, 2);
	if (p.nmappings == 2) {
		CHECK_MEM(
		    p.mappings[0].file.p, p.mappings[0].file.n, "/bin/app");
		CHECK_INT(p.mappings[0].limit, 0x500000);
		CHECK_INT(p.mappings[1].id, 2);
	}
	lp_profile_release(&p);
}

TEST(legacycpu_64_little)
{
	struct buf b;
	sample_profile(&b, 8, 0);
	check_sample_profile(&b);
}

TEST(legacycpu_64_big)
{
	struct buf b;
	sample_profile(&b, 8, 1);
	check_sample_profile(&b);
}

TEST(legacycpu_32_little)
{
	struct buf b;
	sample_profile(&b, 4, 0);
	check_sample_profile(&b);
}

TEST(legacycpu_32_big)
{
	struct buf b;
	sample_profile(&b, 4, 1);
	check_sample_profile(&b);
}

/* Every cut of the profile: a clean error or a clean profile. */
TEST(legacycpu_truncated)
{
	struct buf b;
	size_t n, errors = 0;

	sample_profile(&b, 8, 0);
	for (n = 0; n < b.n; n++) {
		struct lp_profile p;
		struct lp_error err = { 0, "" };
		unsigned char *copy = malloc(n ? n : 1);
		int rc;

		memcpy(copy, b.b, n);
		lp_profile_init(&p, 0);
		rc = lp_legacycpu_decode(copy, n, &p, &err);
		CHECK(rc == 0 || rc == -LP_EDATA);
		if (rc < 0) {
			errors++;
			/* a cut header is no legacy profile at all */
			CHECK(strstr(err.msg, n < 40 ? "no header" : "byte ") !=
			      NULL);
		}
		lp_profile_release(&p);
		free(copy);
	}
	CHECK(errors > 0);
}

TEST(legacycpu_cut_stack_message)
{
	struct buf b = { { 0 }, 0, 8, 0 };
	struct lp_profile p;
	struct lp_error err = { 0, "" };

	put(&b, 0), put(&b, 3), put(&b, 0), put(&b, 100), put(&b, 0);
	put(&b, 1), put(&b, 3), put(&b, 0x1000);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_legacycpu_decode(b.b, b.n, &p, &err), -LP_EDATA);
	CHECK_STR(err.msg, "word 7 at byte 48: stack of 3 pcs runs past the "
	                   "end (1 words left)");
	lp_profile_release(&p);
}

/* A stack length that would need petabytes is an error, not a malloc. */
TEST(legacycpu_lying_counts)
{
	struct buf b = { { 0 }, 0, 8, 1 };
	struct lp_profile p;
	struct lp_error err = { 0, "" };

	put(&b, 0), put(&b, 3), put(&b, 0), put(&b, 100), put(&b, 0);
	put(&b, 1), put(&b, UINT64_MAX), put(&b, 0x1000);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_legacycpu_decode(b.b, b.n, &p, &err), -LP_EDATA);
	CHECK(strstr(err.msg, "runs past the end") != NULL);
	lp_profile_release(&p);

	/* a count whose cpu time overflows */
	b.n = 5 * 8;
	put(&b, UINT64_MAX / 2), put(&b, 1), put(&b, 0x1000);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_legacycpu_decode(b.b, b.n, &p, &err), -LP_EDATA);
	CHECK_STR(err.msg, "word 6 at byte 40: sample count "
	                   "9223372036854775807 out of range");
	lp_profile_release(&p);

	/* a period that overflows in nanoseconds */
	b.n = 0;
	put(&b, 0), put(&b, 3), put(&b, 0), put(&b, UINT64_MAX / 2), put(&b, 0);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_legacycpu_decode(b.b, b.n, &p, &err), -LP_EDATA);
	CHECK(strstr(err.msg, "sampling period") != NULL);
	lp_profile_release(&p);
}

/* No end record and no map (what Go wrote): one catch-all mapping. */
TEST(legacycpu_go_without_map)
{
	struct buf b = { { 0 }, 0, 8, 0 };
	struct lp_profile p;
	struct lp_error err = { 0, "" };

	put(&b, 0), put(&b, 3), put(&b, 0), put(&b, 10000), put(&b, 0);
	put(&b, 1), put(&b, 1), put(&b, 0x430b93);
	put(&b, 1), put(&b, 1), put(&b, 0x430b94);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_legacycpu_decode(b.b, b.n, &p, &err), 0);
	CHECK_INT(p.nsamples, 2);
	CHECK_INT(p.nmappings, 1);
	if (p.nmappings == 1)
		CHECK(p.mappings[0].limit == UINT64_MAX);
	lp_profile_release(&p);
}

TEST(legacycpu_java_symbols)
{
	struct buf b = { { 0 }, 0, 4, 0 };
	struct lp_profile p;
	struct lp_error err = { 0, "" };

	put(&b, 0), put(&b, 3), put(&b, 1), put(&b, 10000), put(&b, 0);
	put(&b, 3), put(&b, 2), put(&b, 6), put(&b, 7);
	put(&b, 0), put(&b, 1), put(&b, 0);
	text(&b, " 0x00000006 com.example.f (source.java:12)\n"
	         " 0x00000007 GC\n");
	lp_profile_init(&p, 0);
	CHECK_INT(lp_legacycpu_decode(b.b, b.n, &p, &err), 0);
	CHECK_INT(p.nlocations, 2);
	if (p.nlocations == 2) {
		struct lp_frame *f = &p.locations[0].frames[0];
		CHECK_MEM(f->fn.p, f->fn.n, "com.example.f");
		CHECK_MEM(f->file.p, f->file.n, "source.java");
		CHECK_INT(f->line, 12);
		f = &p.locations[1].frames[0];
		CHECK_MEM(f->fn.p, f->fn.n, "GC");
	}
	lp_profile_release(&p);
}

TEST(threadz_text)
{
	static const char t[] = "--- threadz 1 ---\n\n"
	                        "--- Thread 7f79 (name: main/1) stack: ---\n"
	                        "  PC:  0x00bc8f1c: helper(arg *)\n"
	                        "  0x0040be31: main\n"
	                        "--- Thread 7f7a (name: t1/2) stack: ---\n"
	                        "  [same as previous thread]\n"
	                        "--- Memory map: ---\n"
	                        "  00400000-00fcb000: /bin/server\n";
	struct lp_profile p;
	struct lp_error err = { 0, "" };

	CHECK_INT(lp_detect((const unsigned char *)t, sizeof(t) - 1),
	    LP_FMT_THREADZ_TEXT);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_threadz_decode(
	              (const unsigned char *)t, sizeof(t) - 1, &p, &err),
	    0);
	CHECK_INT(p.nsamples, 1);
	if (p.nsamples == 1) {
		CHECK_INT(p.samples[0].values[0], 2);
		CHECK_INT(p.samples[0].nlocs, 2);
		CHECK_INT(p.locations[p.samples[0].locs[1]].addr, 0x40be30);
	}
	CHECK_INT(p.nmappings, 1);
	lp_profile_release(&p);

	lp_profile_init(&p, 0);
	CHECK_INT(lp_threadz_decode((const unsigned char *)"--- threadz 1 "
	                                                   "---\n--- bogus\n",
	              27, &p, &err),
	    -LP_EDATA);
	CHECK_STR(err.msg, "line 2: not a thread header: '--- bogus'");
	lp_profile_release(&p);

	/* A NUL in the quoted line is '?': the quote went on past it. */
	lp_profile_init(&p, 0);
	CHECK_INT(lp_threadz_decode((const unsigned char *)"--- threadz 1 "
	                                                   "---\n--- bo\0gus\n",
	              29, &p, &err),
	    -LP_EDATA);
	CHECK_STR(err.msg, "line 2: not a thread header: '--- bo?gus'");
	lp_profile_release(&p);
}
