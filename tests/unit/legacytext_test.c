/* legacytext_test.c - ?debug=1 heap, count and contention text */
#include <stdio.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"

static char diags[2048];

static void
diag_fn(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(diags, msg, sizeof(diags) - strlen(diags) - 2);
	strcat(diags, "\n");
}

static int
decode(struct lp_profile *p, const char *s, struct lp_diag *d)
{
	struct lp_error err = { 0, "" };
	const unsigned char *u = (const unsigned char *)s;

	lp_profile_init(p, 0);
	diags[0] = '\0';
	memset(d, 0, sizeof(*d));
	d->fn = diag_fn;
	return lp_legacytext_decode(
	    u, strlen(s), lp_detect(u, strlen(s)), p, d, &err);
}

#define CHECK_LSTR(s, want) CHECK_MEM((s).p, (s).n, want)

TEST(heap_values_scaled_as_pprof_does)
{
	struct lp_profile p;
	struct lp_diag d;
	const struct lp_sample *s;
	const struct lp_location *l;

	/* From generated-go1.19/rate4096: `go tool pprof -raw` gives
	 * 288 4723180 288 4723180 for the first record. */
	CHECK_INT(
	    decode(&p,
	        "heap profile: 722: 4854528 [771: 8920672] @ heap/8192\n"
	        "283: 4636672 [283: 4636672] @ 0x4c4e52 0x4c4e3c 0x4c4e39 0x4c4f4c\n"
	        "#\t0x4c4e51\tmain.mkbuf+0x31\t\t/g/main.go:24\n"
	        "#\t0x4c4e3b\tmain.grow+0x1b\t\t/g/main.go:25\n"
	        "#\t0x4c4e38\tmain.allocLeaf+0x18\t/g/main.go:28\n"
	        "#\t0x4c4f4b\tmain.allocMid+0x2b\t/g/main.go:33\n"
	        "\n"
	        "0: 0 [1: 80] @ 0x4c4f4c\n"
	        "#\t0x4c4f4b\tmain.allocMid+0x2b\t/g/main.go:33\n"
	        "\n"
	        "\n"
	        "# runtime.MemStats\n"
	        "# Alloc = 9180152\n"
	        "# Stack = 393216 / 393216\n",
	        &d),
	    0);
	CHECK_INT(d.count, 0);
	CHECK_STR(p.format, "heap-text");
	CHECK_INT(p.nsample_types, 4);
	CHECK_LSTR(p.sample_types[0].type, "alloc_objects");
	CHECK_LSTR(p.sample_types[3].type, "inuse_space");
	CHECK_INT(p.default_type, 3);
	CHECK_LSTR(p.period_type.type, "space");
	CHECK_INT(p.period, 4096);
	CHECK_INT(p.nsamples, 2);
	s = &p.samples[0];
	CHECK_INT(s->values[0], 288);
	CHECK_INT(s->values[1], 4723180);
	CHECK_INT(s->values[2], 288);
	CHECK_INT(s->values[3], 4723180);
	CHECK_INT(s->nlabels, 1);
	CHECK_LSTR(s->labels[0].key, "bytes");
	CHECK_INT(s->labels[0].num, 16384);
	/* mkbuf and grow share allocLeaf's entry: inlined into it. */
	CHECK_INT(s->nlocs, 2);
	l = &p.locations[s->locs[0]];
	CHECK_INT(l->nframes, 3);
	CHECK_LSTR(l->frames[0].fn, "main.mkbuf");
	CHECK_INT(l->frames[0].flags, LP_FRAME_HAS_ADDR | LP_FRAME_INLINED);
	CHECK_INT(l->frames[0].addr, 0x4c4e51);
	CHECK_INT(l->frames[2].flags, LP_FRAME_HAS_ADDR);
	CHECK_LSTR(l->frames[2].file, "/g/main.go");
	CHECK_INT(l->frames[2].line, 28);
	/* One sampled 80-byte object stands for 51.7 of them: the
	 * oracle's "51 4136 0 0", bytes:[80]. */
	s = &p.samples[1];
	CHECK_INT(s->values[0], 51);
	CHECK_INT(s->values[1], 4136);
	CHECK_INT(s->values[2], 0);
	CHECK_INT(s->values[3], 0);
	CHECK_INT(s->labels[0].num, 80);
	CHECK_INT(s->locs[0], p.samples[0].locs[1]); /* shared location */
	CHECK_INT(p.nlocations, 2);
	CHECK_INT(p.nmemstats, 2);
	CHECK_LSTR(p.memstats[1].name, "Stack");
	CHECK_LSTR(p.memstats[1].value, "393216 / 393216");
	lp_profile_release(&p);
}

TEST(heap_without_alloc_columns_is_two_values)
{
	struct lp_profile p;
	struct lp_diag d;

	CHECK_INT(decode(&p,
	              "heap profile:    1:  8 [   1:  8] @ heapprofile\n"
	              "   1:  8 [   1:  8] @ 0x10\n",
	              &d),
	    0);
	CHECK_INT(p.nsample_types, 2);
	CHECK_LSTR(p.sample_types[0].type, "objects");
	CHECK_INT(p.period, 1);
	CHECK_INT(p.samples[0].values[1], 8);
	/* No "#" lines: the frame is named after the call-site address. */
	CHECK_LSTR(p.locations[0].frames[0].fn, "0xf");
	lp_profile_release(&p);
}

TEST(count_profile_with_labels)
{
	struct lp_profile p;
	struct lp_diag d;
	const struct lp_sample *s;

	CHECK_INT(
	    decode(&p,
	        "goroutine profile: total 4\n"
	        "3 @ 0x437c96 0x4c6cbf 0x4c4823\n"
	        "# labels: {\"team\":\"in\\\"gest\", \"w\":\"\\u00e9\\x41\"}\n"
	        "#\t0x4c6cbe\tmain.f+0x1e\t\t\t/m.go:110\n"
	        "#\t0x4c4822\truntime/pprof.Do+0xa2\t/r.go:40\n"
	        "\n"
	        "1 @ 0x437c96\n"
	        "# labels: {broken\n"
	        "#\t0x437c95\tmain.g+0x5\t/m.go:1\n",
	        &d),
	    0);
	CHECK_STR(p.format, "count-text");
	CHECK_LSTR(p.sample_types[0].type, "goroutine");
	CHECK_LSTR(p.sample_types[0].unit, "count");
	CHECK_LSTR(p.period_type.type, "goroutine");
	CHECK_INT(p.nsamples, 2);
	s = &p.samples[0];
	CHECK_INT(s->values[0], 3);
	/* The runtime's frame Go printed no "#" line for is kept, named
	 * after its address (pc - 1), as pprof keeps it. */
	CHECK_INT(s->nlocs, 3);
	CHECK_LSTR(p.locations[s->locs[0]].frames[0].fn, "0x437c95");
	CHECK_INT(s->nlabels, 2);
	CHECK_LSTR(s->labels[0].key, "team");
	CHECK_LSTR(s->labels[0].str, "in\"gest");
	CHECK_LSTR(s->labels[1].str, "\xc3\xa9"
	                             "A");
	CHECK_INT(p.samples[1].nlabels, 0);
	CHECK_STR(diags, "line 8: bad labels line\n");
	lp_profile_release(&p);
}

TEST(threadcreate_empty_stacks)
{
	struct lp_profile p;
	struct lp_diag d;

	CHECK_INT(decode(&p,
	              "threadcreate profile: total 7\n"
	              "6 @\n"
	              "#\t0x0\n"
	              "\n"
	              "1 @ 0x43e3e6\n"
	              "#\t0x43e3e5\tmain.f+0x5\t/m.go:120\n",
	              &d),
	    0);
	CHECK_INT(d.count, 0);
	CHECK_INT(p.nsamples, 2);
	CHECK_INT(p.samples[0].nlocs, 0);
	CHECK_INT(p.samples[0].values[0], 6);
	CHECK_INT(p.samples[1].nlocs, 1);
	lp_profile_release(&p);
}

TEST(contention_values_as_pprof)
{
	struct lp_profile p;
	struct lp_diag d;

	/* Oracle (go tool pprof -raw): 798 5014081842 */
	CHECK_INT(decode(&p,
	              "--- contention:\n"
	              "cycles/second=2595444167\n"
	              "13013769470 798 @ 0x4c5275 0x4c524e\n"
	              "#\t0x4c5274\tsync.(*Mutex).Lock+0x94\t/s/mutex.go:90\n"
	              "#\t0x4c524d\tmain.contend+0x6d\t/m.go:67\n",
	              &d),
	    0);
	CHECK_STR(p.format, "contention-text");
	CHECK_LSTR(p.sample_types[1].type, "delay");
	CHECK_LSTR(p.sample_types[1].unit, "nanoseconds");
	CHECK_INT(p.samples[0].values[0], 798);
	CHECK_INT(p.samples[0].values[1], 5014081842);
	lp_profile_release(&p);

	CHECK_INT(decode(&p,
	              "--- mutex:\n"
	              "cycles/second=2595444167\n"
	              "sampling period=5\n"
	              "4367311962 798 @ 0x4c52a5\n",
	              &d),
	    0);
	CHECK_INT(p.period, 5);
	CHECK_INT(p.samples[0].values[0], 3990);
	CHECK_INT(p.samples[0].values[1], 8413419208);
	lp_profile_release(&p);
}

TEST(bad_records_are_reported_and_skipped)
{
	struct lp_profile p;
	struct lp_diag d;

	CHECK_INT(decode(&p,
	              "heap profile: 1: 2 [3: 4] @ heap/8192\n"
	              "99999999999999999999: 1 [1: 1] @ 0x1\n"
	              "#\t0x0\tmain.skipped+0x1\t/m.go:1\n"
	              "\n"
	              "0: 5 [1: 5] @ 0x1\n"
	              "garbage\n"
	              "1: 1 [1: 1] @ 0x2\n"
	              "#\t0x1\tmain.f+0x1\t/m.go:99999999999\n",
	              &d),
	    0);
	CHECK_INT(p.nsamples, 1);
	CHECK_STR(diags, "line 2: number out of range\n"
	                 "line 5: inuse count is 0 but its bytes are 5\n"
	                 "line 6: not a heap record: 'garbage'\n"
	                 "line 8: line number out of range\n");
	lp_profile_release(&p);
}

TEST(bad_header_is_an_error)
{
	struct lp_profile p;
	struct lp_error err = { 0, "" };
	static const char s[] = "heap profile: nonsense\n";

	lp_profile_init(&p, 0);
	CHECK_INT(lp_legacytext_decode((const unsigned char *)s, sizeof(s) - 1,
	              LP_FMT_HEAP_TEXT, &p, NULL, &err),
	    -LP_EDATA);
	CHECK_STR(err.msg, "line 1: not a heap profile header");
	lp_profile_release(&p);
}

TEST(long_inline_chain_is_split)
{
	struct lp_profile p;
	struct lp_diag d;
	char buf[8192];
	size_t n;
	unsigned i;

	/* One entry PC for every frame, as if all were inlined into one
	 * call: grouped at most LP_INLINE_DEPTH_MAX to a location. */
	n = (size_t)snprintf(
	    buf, sizeof(buf), "goroutine profile: total 1\n1 @ 0x11\n");
	for (i = 0; i < LP_INLINE_DEPTH_MAX + 1; i++)
		n += (size_t)snprintf(
		    buf + n, sizeof(buf) - n, "#\t0x10\tf%u+0x0\t/a.go:1\n", i);
	CHECK(n < sizeof(buf));
	CHECK_INT(decode(&p, buf, &d), 0);
	CHECK_INT(d.count, 0);
	CHECK_INT(p.nsamples, 1);
	CHECK_INT(p.samples[0].nlocs, 2);
	CHECK_INT(p.locations[0].nframes, LP_INLINE_DEPTH_MAX);
	CHECK_INT(p.locations[1].nframes, 1);
	lp_profile_release(&p);
}
