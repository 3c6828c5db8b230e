/* godump_test.c - goroutine dump parsing, detection and the record writer */
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"

/* Every goroutine of a parse, rendered as records into one buffer. */
struct collect {
	struct lp_out o;
	int n;
	int stop_after;
};

static int
collect_fn(const struct lp_goroutine *g, void *ctx)
{
	struct collect *c = ctx;

	lp_goroutine_write(&c->o, g, "t", NULL, NULL);
	c->n++;
	return c->stop_after && c->n >= c->stop_after ? 7 : 0;
}

static char diags[4096];

static void
diag_fn(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(diags, msg, sizeof(diags) - strlen(diags) - 2);
	strcat(diags, "\n");
}

/* Parse text; returns the parse's result, records in c->o. */
static int
parse(struct collect *c, const char *text, struct lp_diag *d)
{
	struct lp_error err = { 0, "" };

	memset(c, 0, sizeof(*c));
	lp_out_init(&c->o, -1, 256);
	diags[0] = '\0';
	memset(d, 0, sizeof(*d));
	d->fn = diag_fn;
	return lp_godump_parse(
	    (const unsigned char *)text, strlen(text), collect_fn, c, d, &err);
}

static void
done(struct collect *c)
{
	lp_out_release(&c->o);
}

/* The output as a NUL-terminated string. */
static const char *
text(struct collect *c)
{
	lp_out_ch(&c->o, '\0');
	c->o.len--;
	return c->o.buf;
}

TEST(record_of_a_plain_goroutine)
{
	struct collect c;
	struct lp_diag d;

	CHECK_INT(
	    parse(&c,
	        "goroutine 7 [chan receive, 1 minutes, locked to thread]:\n"
	        "main.worker(0xc000012345, 0x1)\n"
	        "\t/src/main.go:25 +0x1d\n"
	        "created by main.main in goroutine 1\n"
	        "\t/src/main.go:40 +0x3c\n",
	        &d),
	    0);
	CHECK_INT(c.n, 1);
	CHECK_INT(d.count, 0);
	CHECK_STR(text(&c),
	    "{\"kind\":\"goroutine\",\"src\":\"t\",\"id\":7,"
	    "\"state\":\"chan receive\",\"wait_ns\":60000000000,"
	    "\"locked\":true,\"stack\":[{\"fn\":\"main.worker\","
	    "\"file\":\"/src/main.go\",\"line\":25,"
	    "\"args\":\"0xc000012345, 0x1\",\"offset\":\"0x1d\"}],"
	    "\"created_by\":{\"fn\":\"main.main\",\"file\":\"/src/main.go\","
	    "\"line\":40,\"offset\":\"0x3c\",\"goid\":1}}\n");
	done(&c);
}

TEST(header_variants)
{
	struct collect c;
	struct lp_diag d;

	CHECK_INT(
	    parse(&c,
	        "goroutine 1 gp=0xc000002380 m=6 mp=0xc0002e4808 [running]:\n"
	        "main.main()\n\t/a.go:1\n\n"
	        "goroutine 2 gp=0xc000006c40 m=nil [force gc (idle)]:\n"
	        "runtime.gopark(0x0?)\n\t/b.go:2 +0x1 fp=0x1 sp=0x2 pc=0x4a8f2b\n\n"
	        "goroutine 9 [sleep (durable), 2 minutes, synctest bubble 1]:\n"
	        "time.Sleep(0x1)\n\t/c.go:3\n\n"
	        "goroutine 21 [chan send (leaked)]:\n"
	        "main.p(...)\n\t/d.go:4\n\n"
	        "goroutine 8 [select (no cases), synctest group 6, label x]:\n"
	        "main.q()\n\t/e.go:5\n",
	        &d),
	    0);
	CHECK_INT(c.n, 5);
	CHECK_INT(d.count, 0);
	CHECK_STR(text(&c),
	    "{\"kind\":\"goroutine\",\"src\":\"t\",\"id\":1,\"state\":\"running\","
	    "\"gp\":\"0xc000002380\",\"m\":6,\"mp\":\"0xc0002e4808\","
	    "\"stack\":[{\"fn\":\"main.main\",\"file\":\"/a.go\",\"line\":1,"
	    "\"args\":\"\"}]}\n"
	    "{\"kind\":\"goroutine\",\"src\":\"t\",\"id\":2,"
	    "\"state\":\"force gc (idle)\",\"gp\":\"0xc000006c40\","
	    "\"stack\":[{\"fn\":\"runtime.gopark\",\"file\":\"/b.go\",\"line\":2,"
	    "\"args\":\"0x0?\",\"offset\":\"0x1\"}]}\n"
	    "{\"kind\":\"goroutine\",\"src\":\"t\",\"id\":9,\"state\":\"sleep\","
	    "\"wait_ns\":120000000000,\"durable\":true,\"synctest_bubble\":1,"
	    "\"stack\":[{\"fn\":\"time.Sleep\",\"file\":\"/c.go\",\"line\":3,"
	    "\"args\":\"0x1\"}]}\n"
	    "{\"kind\":\"goroutine\",\"src\":\"t\",\"id\":21,\"state\":\"chan send\","
	    "\"leaked\":true,\"stack\":[{\"fn\":\"main.p\",\"file\":\"/d.go\","
	    "\"line\":4,\"args\":\"...\"}]}\n"
	    "{\"kind\":\"goroutine\",\"src\":\"t\",\"id\":8,"
	    "\"state\":\"select (no cases)\",\"synctest_group\":6,"
	    "\"extra\":[\"label x\"],\"stack\":[{\"fn\":\"main.q\","
	    "\"file\":\"/e.go\",\"line\":5,\"args\":\"\"}]}\n");
	done(&c);
}

TEST(preamble_glued_header_and_trailer)
{
	struct collect c;
	struct lp_diag d;

	/* Log text, a header glued to it, CRLF, then shell text right
	 * after the stack: the trailer ends the goroutine quietly. */
	CHECK_INT(parse(&c,
	              "panic: boom [recovered]\r\n\tpanic: boom\r\n"
	              "dumping all stacksgoroutine 1 [running]:\r\n"
	              "main.main()\r\n\t/a.go:1 +0x2\r\n"
	              "FAIL\tpkg\t0.01s\r\n"
	              "exit status 2\r\n",
	              &d),
	    0);
	CHECK_INT(c.n, 1);
	CHECK_INT(d.count, 0);
	CHECK(strstr(text(&c), "\"file\":\"/a.go\",\"line\":1,") != NULL);
	done(&c);
}

TEST(indented_dump_prefix_is_cut)
{
	struct collect c;
	struct lp_diag d;

	CHECK_INT(parse(&c,
	              "  goroutine 8 [running]:\n"
	              "  main.f()\n"
	              "        /x/f.go:209 +0x469\n"
	              "  created by main.g\n"
	              "        /x/g.go:916 +0x35a\n",
	              &d),
	    0);
	CHECK_INT(c.n, 1);
	CHECK_INT(d.count, 0);
	CHECK(strstr(text(&c), "\"created_by\":{\"fn\":\"main.g\",\"file\":"
	                       "\"/x/g.go\",\"line\":916") != NULL);
	done(&c);
}

TEST(elision_ancestors_and_unavailable)
{
	struct collect c;
	struct lp_diag d;
	const char *t;

	CHECK_INT(parse(&c,
	              "goroutine 1 [running]:\n"
	              "main.r(0x1)\n\t/a.go:9 +0x25\n"
	              "...13421668 frames elided...\n"
	              "main.main()\n\t/a.go:20 +0x1\n\n"
	              "goroutine 18 [chan receive]:\n"
	              "main.park()\n\t/a.go:22 +0x25\n"
	              "created by main.start\n\t/a.go:48 +0x5f\n"
	              "[originating from goroutine 1]:\n"
	              "main.start(...)\n\t/a.go:47 +0x5f\n"
	              "...additional frames elided...\n"
	              "created by main.init\n\t/a.go:3\n\n"
	              "goroutine 24 [running]:\n"
	              "\tgoroutine running on other thread; stack unavailable\n"
	              "created by main.x in goroutine 18\n\t/a.go:4 +0x9\n",
	              &d),
	    0);
	CHECK_INT(c.n, 3);
	CHECK_INT(d.count, 0);
	t = text(&c);
	CHECK(strstr(t, "\"frames_elided\":true,\"elided_count\":13421668,"
	                "\"elided_at\":1") != NULL);
	CHECK(strstr(t,
	          "\"ancestors\":[{\"goid\":1,\"stack\":[{\"fn\":"
	          "\"main.start\",\"file\":\"/a.go\",\"line\":47,"
	          "\"args\":\"...\",\"offset\":\"0x5f\"}],"
	          "\"frames_elided\":true,\"created_by\":{\"fn\":"
	          "\"main.init\",\"file\":\"/a.go\",\"line\":3}}]") != NULL);
	CHECK(strstr(t, "\"stack\":[],\"stack_unavailable\":true,"
	                "\"created_by\":{\"fn\":\"main.x\",\"file\":\"/a.go\","
	                "\"line\":4,\"offset\":\"0x9\",\"goid\":18}") != NULL);
	done(&c);
}

TEST(file_line_forms)
{
	struct collect c;
	struct lp_diag d;
	const char *t;

	CHECK_INT(
	    parse(&c,
	        "goroutine 1 [running]:\n"
	        "main.a()\n\tC:/Users/x/p.go:693 +0x9f\n"
	        "C.cfunc\n ??:0 pc=0x1234\n"
	        "non-Go function\n\tpc=0x5678\n"
	        "main.(*T[...]).M-fm({0x1, {0x2}}, ...)\n\t<autogenerated>:1\n",
	        &d),
	    0);
	CHECK_INT(d.count, 0);
	t = text(&c);
	CHECK(strstr(t, "\"file\":\"C:/Users/x/p.go\",\"line\":693") != NULL);
	CHECK(strstr(t, "{\"fn\":\"C.cfunc\",\"file\":\"??\",\"line\":0}") !=
	      NULL);
	CHECK(strstr(t, "{\"fn\":\"non-Go function\",\"file\":\"\","
	                "\"line\":0}") != NULL);
	CHECK(strstr(t, "{\"fn\":\"main.(*T[...]).M-fm\",\"file\":"
	                "\"<autogenerated>\",\"line\":1,\"args\":"
	                "\"{0x1, {0x2}}, ...\"}") != NULL);
	done(&c);
}

TEST(bad_lines_are_reported_and_skipped)
{
	struct collect c;
	struct lp_diag d;
	const char *t;

	CHECK_INT(parse(&c,
	              "goroutine 1 [running]:\n"
	              "main.main)(\n"
	              "\t/e/main.go:152 +0x3d2\n"
	              "main.ok()\n"
	              "\t/e/main.go:99999999999 +0x1\n"
	              "\n"
	              "goroutine 2 [running]:\n"
	              "main.f({{{{{{...}}}}}})\n\t/e/f.go:1\n"
	              "\n"
	              "goroutine 3 [running]:\n"
	              "main.g()\n\t/e/g.go:1\n",
	              &d),
	    0);
	CHECK_INT(c.n, 3);
	CHECK_INT(d.count, 3);
	CHECK_STR(diags, "line 2: not a call line: 'main.main)('\n"
	                 "line 5: line number 99999999999 out of range\n"
	                 "line 8: arguments nested deeper than Go prints: "
	                 "'main.f({{{{{{...}}}}}})'\n");
	t = text(&c);
	CHECK(strstr(t, "{\"fn\":\"main.ok\",\"file\":\"/e/main.go\","
	                "\"line\":0,") != NULL);
	CHECK(strstr(t, "\"id\":3,\"state\":\"running\",\"stack\":[{\"fn\":"
	                "\"main.g\",\"file\":\"/e/g.go\",\"line\":1,"
	                "\"args\":\"\"}]}\n") != NULL);
	done(&c);
}

TEST(cut_dump_and_empty_stack)
{
	struct collect c;
	struct lp_diag d;

	CHECK_INT(
	    parse(&c, "goroutine 1 [running]:\n\ngoroutine 2 [runn", &d), 0);
	CHECK_INT(c.n, 1);
	CHECK_STR(diags,
	    "line 1: goroutine 1 has no stack\n"
	    "line 3: cut off by the end of the input: a goroutine header\n");
	done(&c);
	/* A last line with no newline was cut: not parsed, one message. */
	CHECK_INT(
	    parse(&c, "goroutine 1 [running]:\nmain.main()\n\t/a.g", &d), 0);
	CHECK_INT(c.n, 1);
	CHECK_STR(diags, "line 3: cut off by the end of the input: goroutine 1 "
	                 "is partial\n");
	done(&c);
	CHECK_INT(parse(&c, "goroutine 1 [running]:\nmain.main(", &d), 0);
	CHECK_STR(diags, "line 2: cut off by the end of the input: goroutine 1 "
	                 "is partial\n");
	CHECK(strstr(text(&c), "\"partial\":true") != NULL);
	done(&c);
}

TEST(absurd_numbers)
{
	struct collect c;
	struct lp_diag d;

	CHECK_INT(parse(&c,
	              "goroutine 99999999999999999999999 [running]:\n"
	              "main.main()\n\t/a.go:1\n\n"
	              "goroutine 2 [sleep, 999999999999 minutes]:\n"
	              "main.main()\n\t/a.go:1\n",
	              &d),
	    0);
	CHECK_INT(c.n, 1);
	CHECK_STR(diags,
	    "line 1: goroutine id out of range in "
	    "'goroutine 99999999999999999999999 [running]:'\n"
	    "line 5: wait of 999999999999 minutes is out of range\n");
	CHECK(strstr(text(&c), "\"wait_ns\"") == NULL);
	done(&c);
}

TEST(no_goroutine_is_an_error)
{
	struct lp_error err = { 0, "" };

	CHECK_INT(lp_godump_parse((const unsigned char *)"hello\n", 6, NULL,
	              NULL, NULL, &err),
	    -LP_EDATA);
	CHECK_STR(err.msg, "no goroutine in the dump");
}

TEST(callback_stops_the_parse)
{
	struct collect c;
	struct lp_diag d;

	memset(&c, 0, sizeof(c));
	(void)d;
	lp_out_init(&c.o, -1, 256);
	c.stop_after = 1;
	CHECK_INT(lp_godump_parse(
	              (const unsigned char *)"goroutine 1 [a]:\nf()\n\t/a:1\n\n"
	                                     "goroutine 2 [b]:\nf()\n\t/a:1\n",
	              40, collect_fn, &c, NULL, NULL),
	    7);
	CHECK_INT(c.n, 1);
	done(&c);
}

TEST(intern_writes_stack_id)
{
	struct lp_out o;
	struct lp_intern *in = lp_intern_new();
	struct lp_emit_opts opts = { LP_EMIT_INTERN, NULL, 0, NULL };
	struct lp_frame f;
	struct lp_goroutine g;

	memset(&g, 0, sizeof(g));
	memset(&f, 0, sizeof(f));
	f.fn = LP_STR_LIT("main.f");
	f.file = LP_STR_LIT("/a.go");
	f.line = 3;
	g.id = 5;
	g.state = LP_STR_LIT("select");
	g.wait_ns = -1;
	g.frames = &f;
	g.nframes = 1;
	lp_out_init(&o, -1, 64);
	lp_goroutine_write(&o, &g, "s", &opts, in);
	lp_goroutine_write(&o, &g, "s", &opts, in);
	lp_out_ch(&o, '\0');
	CHECK_STR(o.buf,
	    "{\"kind\":\"stack\",\"id\":1,\"frames\":[{\"fn\":\"main.f\","
	    "\"file\":\"/a.go\",\"line\":3}]}\n"
	    "{\"kind\":\"goroutine\",\"src\":\"s\",\"id\":5,\"state\":\"select\","
	    "\"stack_id\":1}\n"
	    "{\"kind\":\"goroutine\",\"src\":\"s\",\"id\":5,\"state\":\"select\","
	    "\"stack_id\":1}\n");
	lp_out_release(&o);
	lp_intern_free(in);
}

TEST(detect_formats)
{
#define D(s) lp_detect((const unsigned char *)(s), sizeof(s) - 1)
	CHECK_INT(D(""), LP_FMT_EMPTY);
	CHECK_INT(D(" \n\t\r\n"), LP_FMT_EMPTY);
	CHECK_INT(D("\x0a\x04\x08\x01\x10\x02"), LP_FMT_PPROF);
	CHECK_INT(D("go 1.22 trace\0\0\0"), LP_FMT_TRACE);
	CHECK_INT(D("go 1.5 trace\0\0\0\0"), LP_FMT_TRACE);
	CHECK_INT(D("  {\"kind\":\"sample\"}\n"), LP_FMT_NDJSON);
	CHECK_INT(
	    D("heap profile: 1: 2 [3: 4] @ heap/8192\n"), LP_FMT_HEAP_TEXT);
	CHECK_INT(D("\n--- mutex:\ncycles/second=1\n"), LP_FMT_CONTENTION_TEXT);
	CHECK_INT(D("--- contention:\n"), LP_FMT_CONTENTION_TEXT);
	CHECK_INT(
	    D("goroutine profile: total 9\n2 @ 0x1\n"), LP_FMT_COUNT_TEXT);
	CHECK_INT(D("threadcreate profile: total 7\n"), LP_FMT_COUNT_TEXT);
	CHECK_INT(D("goroutine 1 [running]:\nmain.main()\n"), LP_FMT_GODUMP);
	CHECK_INT(
	    D("panic: x\n\ngoroutine 1 gp=0x1 m=nil [idle]:\n"), LP_FMT_GODUMP);
	CHECK_INT(D("log\nstacksgoroutine 1 [running]:\r\n"), LP_FMT_GODUMP);
	CHECK_INT(D("the goroutine 1 [ ran away\n"), LP_FMT_UNKNOWN);
	CHECK_INT(D("goroutine 1 [ ran goroutine 2 [\ngoroutine 3 [idle]:\n"),
	    LP_FMT_GODUMP);
	CHECK_INT(D("hello world\n"), LP_FMT_UNKNOWN);
	/* A stray control byte in text: still the text it starts as. */
	CHECK_INT(D("goroutine 1 [running]:\nmain.main()\n\x01\xc8\n"),
	    LP_FMT_GODUMP);
	CHECK_INT(
	    D("starting\x08\x08 up\ngoroutine 1 [running]:\n"), LP_FMT_GODUMP);
	CHECK_INT(
	    D("heap profile: 1: 2 [3: 4] @ heap/8192\n\0\n"), LP_FMT_HEAP_TEXT);
	CHECK_INT(D("\"\x01\x02goroutine 1 [x\n"), LP_FMT_PPROF);
	CHECK_INT(D("\n\x01goroutine 1 [running]:\n"), LP_FMT_PPROF);
	/* A tar holding a dump: its header's NULs are on the first line. */
	CHECK_INT(D("g.txt\0\0\0\0goroutine 1 [running]:\n"), LP_FMT_PPROF);
#undef D
	CHECK_STR(lp_format_name(LP_FMT_GODUMP), "goroutine-dump");
	CHECK_STR(lp_format_name(LP_FMT_UNKNOWN), "unknown");
	CHECK_STR(lp_format_name((enum lp_format)99), "unknown");
}

TEST(the_iterator_gives_what_the_callback_gets_with_its_text)
{
	static const char dump[] = "goroutine 1 [running]:\n"
	                           "main.main()\n"
	                           "\t/a.go:3 +0x1\n"
	                           "\n"
	                           "goroutine 2 [select]:\n"
	                           "main.f()\n"
	                           "\t/a.go:9 +0x2\n";
	struct lp_godump *it =
	    lp_godump_new((const unsigned char *)dump, sizeof(dump) - 1, NULL);
	const struct lp_goroutine *g;
	struct lp_error err = { 0, "" };

	CHECK_INT(lp_godump_next(it, &g, &err), 1);
	CHECK_INT((int)g->id, 1);
	CHECK_INT((int)g->nframes, 1);
	CHECK_MEM(g->text.p, g->text.n, "main.main()\n\t/a.go:3 +0x1\n");
	CHECK_INT(lp_godump_next(it, &g, &err), 1);
	CHECK_INT((int)g->id, 2);
	CHECK_MEM(g->text.p, g->text.n, "main.f()\n\t/a.go:9 +0x2\n");
	CHECK_INT(lp_godump_next(it, &g, &err), 0);
	CHECK_INT(lp_godump_next(it, &g, &err), 0);
	lp_godump_free(it);

	it = lp_godump_new((const unsigned char *)"hello\n", 6, NULL);
	CHECK_INT(lp_godump_next(it, &g, &err), -LP_EDATA);
	CHECK_STR(err.msg, "no goroutine in the dump");
	lp_godump_free(it);
}
