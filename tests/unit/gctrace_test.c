/* gctrace_test.c - gctrace lines, timestamps and anchoring */
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"

static int
parse(const char *s, struct lp_gc *gc)
{
	return lp_gctrace_parse_line(s, s + strlen(s), gc);
}

TEST(gctrace_go126_line)
{
	struct lp_gc gc;

	CHECK_INT(parse("gc 7 @0.046s 2%: 0.020+0.36+0.003 ms clock, "
	                "0.041+0.11/0.10/0+0.006 ms cpu, 10->12->8 MB, 12 MB "
	                "goal, 1 MB stacks, 2 MB globals, 4 P (forced)",
	              &gc),
	    1);
	CHECK_INT(gc.n, 7);
	CHECK_INT(gc.start_ns, 46000000);
	CHECK_INT(gc.cpu_percent, 2);
	CHECK_INT(gc.nclock, 3);
	CHECK_INT(gc.clock[0], 20000);
	CHECK_INT(gc.clock[1], 360000);
	CHECK_INT(gc.clock[2], 3000);
	CHECK_INT(gc.ncpu, 5);
	CHECK_INT(gc.cpu[1], 110000);
	CHECK_INT(gc.cpu[3], 0);
	CHECK_INT(gc.heap[0], 10 << 20);
	CHECK_INT(gc.heap[1], 12 << 20);
	CHECK_INT(gc.heap[2], 8 << 20);
	CHECK_INT(gc.goal, 12 << 20);
	CHECK_INT(gc.have_scan, 1);
	CHECK_INT(gc.stacks, 1 << 20);
	CHECK_INT(gc.globals, 2 << 20);
	CHECK_INT(gc.procs, 4);
	CHECK_INT(gc.forced, 1);
	CHECK_INT(gc.leak_check, 0);
}

TEST(gctrace_old_forms)
{
	struct lp_gc gc;

	/* Go 1.7 to 1.17 */
	CHECK_INT(parse("gc 1 @0.011s 3%: 0.015+0.98+0.004 ms clock, "
	                "0.061+0.12/0.80/0.57+0.018 ms cpu, 4->4->0 MB, 5 MB "
	                "goal, 4 P",
	              &gc),
	    1);
	CHECK_INT(gc.have_scan, 0);
	CHECK_INT(gc.forced, 0);
	/* Go 1.5 and 1.6 */
	CHECK_INT(parse("gc 1 @0.004s 5%: 0.010+0.30+0.020+0.48+0.045 ms "
	                "clock, 0.040+0.30+0+0.25/0.21/0.085+0.18 ms cpu, "
	                "4->4->1 MB, 4 MB goal, 4 P",
	              &gc),
	    1);
	CHECK_INT(gc.nclock, 5);
	CHECK_INT(gc.ncpu, 7);
	CHECK_INT(gc.clock[4], 45000);
	/* Go 1.26's leak check */
	CHECK_INT(parse("gc 6 @16.000s 1% (checking for goroutine leaks): "
	                "0.1+0.2+0.01 ms clock, 0.2+0/0.1/0.1+0.02 ms cpu, "
	                "2->2->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P",
	              &gc),
	    1);
	CHECK_INT(gc.leak_check, 1);
	CHECK_INT(gc.start_ns, 16000000000LL);
	/* Whole milliseconds from 10 ms up */
	CHECK_INT(parse("gc 4 @13.002s 0%: 10+1200+2.5 ms clock, "
	                "40+0/1100/2400+10 ms cpu, 1500->1700->900 MB, 3000 MB "
	                "goal, 4 P",
	              &gc),
	    1);
	CHECK_INT(gc.clock[1], 1200000000LL);
}

TEST(gctrace_not_lines)
{
	struct lp_gc gc;

	CHECK_INT(
	    parse("gc1(1): 0+0+95+0 us, 0 -> 0 MB, 21 (21-0) objects", &gc), 0);
	CHECK_INT(parse("scav 0 KiB work (bg), 0 KiB work (eager)", &gc), 0);
	CHECK_INT(parse("gc 3 is done", &gc), 0);
	/* Begins as the collector's, then is not. */
	CHECK_INT(parse("gc 3 @12.500s 1%: 0.1+0.2", &gc), -1);
	CHECK_INT(parse("gc 3 @1s 1%: 1+1+1+1 ms clock, 1+1/1/1+1 ms cpu, "
	                "1->1->1 MB, 1 MB goal, 1 P",
	              &gc),
	    -1);
	/* 3 phases with Go 1.5's CPU split */
	CHECK_INT(parse("gc 3 @1s 1%: 1+1+1 ms clock, 1+1+1+1/1/1+1 ms cpu, "
	                "1->1->1 MB, 1 MB goal, 1 P",
	              &gc),
	    -1);
	/* Numbers too long to be true */
	CHECK_INT(
	    parse("gc 3 @99999999999999999999s 1%: 1+1+1 ms clock", &gc), -1);
	CHECK_INT(parse("gc 3 @1s 1%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, "
	                "99999999999999999->1->1 MB, 1 MB goal, 1 P",
	              &gc),
	    -1);
}

static int64_t
ts(const char *s, int64_t *res, size_t *used)
{
	int64_t ns = -1;

	*used = lp_gctrace_timestamp(s, strlen(s), &ns, res);
	return ns;
}

TEST(gctrace_timestamps)
{
	int64_t res;
	size_t used;

	/* 2026-12-02T01:00:00Z is 1796173200 */
	CHECK_INT(ts("2026/12/02 01:00:00 server: up", &res, &used),
	    1796173200000000000LL);
	CHECK_INT(used, 19);
	CHECK_INT(res, 1000000000);
	CHECK_INT(ts("2026/12/02 01:00:00.123456 x", &res, &used),
	    1796173200123456000LL);
	CHECK_INT(res, 1000);
	CHECK_INT(ts("2026-12-02T02:00:00.5+01:00 x", &res, &used),
	    1796173200500000000LL);
	CHECK_INT(res, 100000000);
	CHECK_INT(
	    ts("2026-12-02 01:00:00Z", &res, &used), 1796173200000000000LL);
	CHECK_INT(
	    ts("2026-12-01T20:00:00-0500", &res, &used), 1796173200000000000LL);
	CHECK_INT(ts("1796173200.25 gc", &res, &used), 1796173200250000000LL);
	CHECK_INT(res, 10000000);
	CHECK_INT(ts("1796173200250 x", &res, &used), 1796173200250000000LL);
	CHECK_INT(res, 1000000);
	CHECK_INT(ts("1796173200250000 x", &res, &used), 1796173200250000000LL);
	CHECK_INT(
	    ts("1796173200250000001", &res, &used), 1796173200250000001LL);
	/* Not timestamps */
	ts("12345 x", &res, &used);
	CHECK_INT(used, 0);
	ts("1796173200x", &res, &used);
	CHECK_INT(used, 0);
	ts("2026-13-02T01:00:00Z", &res, &used);
	CHECK_INT(used, 0);
	ts("1969-12-31T23:59:59Z", &res, &used);
	CHECK_INT(used, 0);
	ts("9999-12-31T23:59:59Z", &res, &used);
	CHECK_INT(used, 0);
	ts("2026/12-02 01:00:00", &res, &used);
	CHECK_INT(used, 0);
}

/* Write the records of a log into a string the caller frees. */
static char *
records(const char *log, int64_t anchor, unsigned long *problems)
{
	struct lp_out o;
	struct lp_diag d = { NULL, NULL, 0 };
	struct lp_error err;
	struct lp_gctrace_opts opts = { anchor };
	char *s;

	if (lp_out_init(&o, -1, 1 << 16) < 0)
		return NULL;
	CHECK_INT(lp_gctrace_write(&o, (const unsigned char *)log, strlen(log),
	              "t", &opts, &d, &err),
	    0);
	*problems = d.count;
	s = malloc(o.len + 1);
	if (s) {
		memcpy(s, o.buf, o.len);
		s[o.len] = '\0';
	}
	lp_out_release(&o);
	return s;
}

#define L1 \
	"gc 1 @1.000s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 4 MB goal, 1 P\n"
#define L2 \
	"gc 2 @2.000s 1%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 3->3->1 MB, 4 MB goal, 1 P\n"

TEST(gctrace_anchor)
{
	unsigned long bad;
	char *s;

	/*
	 * Timestamps around the cycles: the start is between the bounds.
	 * Before gc 1 (ends at 1 s, up to 1.003 ms later): start >=
	 * 200.990 - 1.001003 s; after it: start <= 201.010 + 0.001 - 1;
	 * after gc 2: <= 202.005 + 0.001 - 2, the least upper bound.
	 */
	s = records("1796173200.990 app\n" L1 "1796173201.010 app\n" L2
	            "1796173202.005 app\n",
	    0, &bad);
	CHECK(s && strstr(s, "\"time_ns\":1796173200997498500,"));
	CHECK(s && strstr(s, "\"time\":\"2026-12-02T01:00:00.997Z\""));
	CHECK(s && strstr(s, "\"time_error_ns\":8501500"));
	CHECK(s && strstr(s, "\"since_prev_ns\":1000000000"));
	CHECK(s && strstr(s, "\"heap_growth\":3145728"));
	CHECK_INT(bad, 0);
	free(s);
	/* None: --anchor's time, for the first process only. */
	s = records(L1 L2 L1, 1796173200000000000LL, &bad);
	CHECK(s && strstr(s, "\"n\":2,\"start_ns\":2000000000,\"end_ns\":"
	                     "2000000000,\"time_ns\":1796173202000000000"));
	CHECK(s && strstr(strrchr(s, '{'), "time_ns") == NULL);
	free(s);
	/* A bad line is told, the others still written. */
	s = records(L1 "gc 2 @2.000s 1%: 0+0\n" L2, 0, &bad);
	CHECK_INT(bad, 1);
	CHECK(s && strstr(s, "\"n\":1,") && strstr(s, "\"n\":2,"));
	CHECK(s && !strstr(s, "time_ns"));
	free(s);
}
