/* record_test.c - typed records from NDJSON and from evidence */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"

static char path[512];

static void
write_file(const char *name, const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", test_tmpdir(), name);
	f = fopen(path, "wb");
	fwrite(text, 1, strlen(text), f);
	fclose(f);
}

/* Every record of path, one line each: kind, src, line, and per kind
 * what the structs hold; errors as "!msg".  stacks[] gets each record's
 * stack pointer. */
static char *
read_all(unsigned long want, unsigned flags, const struct lp_stack **stacks,
    size_t max)
{
	struct lp_records *r = lp_records_new(want, flags);
	const struct lp_record *rec;
	struct lp_error err;
	struct lp_out o;
	size_t i, n = 0;
	int rc;

	lp_out_init(&o, -1, 256);
	CHECK_INT(lp_records_open(r, path, &err), 0);
	while ((rc = lp_records_next(r, &rec, &err)) != 0) {
		if (rc < 0) {
			lp_out_ch(&o, '!');
			lp_out_raw(&o, err.msg, strlen(err.msg));
			lp_out_ch(&o, '\n');
			continue;
		}
		if (stacks && n < max)
			stacks[n++] = rec->stack;
		lp_out_raw(&o, rec->kind_name, strlen(rec->kind_name));
		lp_out_ch(&o, ' ');
		lp_out_raw(
		    &o, rec->src, strlen(rec->src) > 8 ? 0 : strlen(rec->src));
		lp_out_ch(&o, ' ');
		lp_out_uint(&o, rec->line);
		if (rec->kind == LP_REC_PROFILE) {
			const struct lp_rprofile *p = rec->profile;
			if (p->implied)
				lp_out_lit(&o, " implied");
			for (i = 0; i < p->ntypes; i++) {
				lp_out_ch(&o, ' ');
				lp_out_raw(
				    &o, p->types[i].type.p, p->types[i].type.n);
				if (i == p->default_type)
					lp_out_ch(&o, '*');
			}
		}
		if (rec->kind == LP_REC_SAMPLE) {
			for (i = 0; i < rec->sample->nvalues; i++) {
				lp_out_ch(&o, ' ');
				lp_out_int(&o, rec->sample->values[i]);
			}
			for (i = 0; i < rec->sample->nlabels; i++) {
				const struct lp_label *l =
				    &rec->sample->labels[i];
				lp_out_ch(&o, ' ');
				lp_out_raw(&o, l->key.p, l->key.n);
				lp_out_ch(&o, '=');
				if (l->is_num)
					lp_out_int(&o, l->num);
				else
					lp_out_raw(&o, l->str.p, l->str.n);
			}
		}
		if (rec->kind == LP_REC_GOROUTINE) {
			lp_out_lit(&o, " g");
			lp_out_uint(&o, rec->goroutine->id);
			lp_out_ch(&o, ' ');
			lp_out_raw(&o, rec->goroutine->state.p,
			    rec->goroutine->state.n);
		}
		if (rec->stack) {
			lp_out_lit(&o, " [");
			for (i = 0; i < rec->stack->n; i++) {
				const struct lp_frame *f =
				    &lp_stack_frames(rec->stack)[i];
				if (i)
					lp_out_ch(&o, ' ');
				lp_out_raw(&o, f->fn.p, f->fn.n);
				lp_out_ch(&o, ':');
				lp_out_int(&o, f->line);
			}
			lp_out_ch(&o, ']');
		}
		if (rec->has_signature) {
			lp_out_lit(&o, " sig=");
			lp_out_raw(&o, rec->signature.p, rec->signature.n);
		}
		lp_out_ch(&o, '\n');
	}
	lp_out_ch(&o, '\0');
	lp_records_free(r);
	return o.buf;
}

TEST(flat_and_interned_stacks_are_one_object)
{
	const struct lp_stack *s[8] = { 0 };
	char *out;

	write_file("in.ndjson",
	    "{\"kind\":\"profile\",\"src\":\"a\",\"sample_types\":["
	    "{\"type\":\"n\",\"unit\":\"count\"},{\"type\":\"b\"}],"
	    "\"default_sample_type\":\"n\"}\n"
	    "{\"kind\":\"stack\",\"id\":1,\"frames\":[{\"fn\":\"f\","
	    "\"file\":\"x.go\",\"line\":3},{\"fn\":\"main\"}]}\n"
	    "{\"kind\":\"sample\",\"src\":\"a\",\"values\":{\"b\":2,\"n\":1},"
	    "\"stack_id\":1,\"labels\":{\"k\":[\"v\",\"w\"]}}\n"
	    "{\"kind\":\"sample\",\"src\":\"a\",\"values\":{\"n\":5},"
	    "\"stack\":[{\"fn\":\"f\",\"file\":\"x.go\",\"line\":3},"
	    "{\"fn\":\"main\"}],\"num_labels\":{\"m\":{\"value\":7}}}\n"
	    "{\"kind\":\"sample\",\"src\":\"a\",\"values\":{\"n\":1},"
	    "\"stack\":[{\"fn\":\"f\",\"file\":\"x.go\",\"line\":4}]}\n"
	    "{\"kind\":\"diff\",\"stack_id\":1,\"signature\":\"f;main\"}\n");
	out = read_all(LP_REC_WANT_ALL, 0, s, 8);
	CHECK_STR(out, "profile a 1 n* b\n"
	               "sample a 3 1 2 k=v k=w [f:3 main:0]\n"
	               "sample a 4 5 0 m=7 [f:3 main:0]\n"
	               "sample a 5 1 0 [f:4]\n"
	               "diff  6 [f:3 main:0] sig=f;main\n");
	CHECK(s[1] != NULL && s[1] == s[2] && s[2] == s[4]);
	CHECK(s[3] != NULL && s[3] != s[1]);
	free(out);
}

TEST(implied_profiles_and_dumps)
{
	char *out;

	write_file("in.ndjson",
	    "{\"kind\":\"sample\",\"src\":\"p\",\"values\":{\"x\":1,\"y\":2},"
	    "\"stack\":[]}\n"
	    "{\"kind\":\"sample\",\"src\":\"p\",\"values\":{\"y\":3},"
	    "\"stack\":[]}\n"
	    "{\"kind\":\"goroutine\",\"src\":\"d\",\"id\":4,"
	    "\"state\":\"select\",\"stack\":[{\"fn\":\"g\",\"line\":1}]}\n"
	    "{\"kind\":\"sample\",\"src\":\"q\",\"values\":{\"x\":1}}\n");
	out = read_all(LP_REC_WANT_ALL, 0, NULL, 0);
	CHECK_STR(out, "profile p 1 implied x y*\n"
	               "sample p 1 1 2 []\n"
	               "sample p 2 0 3 []\n"
	               "dump d 3\n"
	               "goroutine d 3 g4 select [g:1]\n"
	               "profile q 4 implied x*\n"
	               "sample q 4 1\n");
	free(out);
	/* Only samples wanted: the rest is skipped. */
	out = read_all(LP_REC_WANT(LP_REC_SAMPLE), 0, NULL, 0);
	CHECK_STR(out, "sample p 1 1 2 []\n"
	               "sample p 2 0 3 []\n"
	               "sample q 4 1\n");
	free(out);
}

TEST(bad_records_are_errors_and_the_rest_is_read)
{
	char *out;

	write_file("in.ndjson",
	    "{\"kind\":\"sample\",\"src\":\"p\"}\n"
	    "{\"kind\":\"sample\",\"src\":\"p\",\"values\":{\"x\":\"1\"}}\n"
	    "{\"kind\":\"sample\",\"src\":\"p\",\"values\":{\"x\":1},"
	    "\"stack_id\":9}\n"
	    "{\"kind\":\"sample\",\"src\":\"p\",\"values\":{\"x\":1},"
	    "\"stack\":[1]}\n"
	    "{\"kind\":\"sample\",\"src\":\"p\",\"values\":{\"x\":1},"
	    "\"stack\":[{\"fn\":1}]}\n"
	    "{\"kind\":\"stack\",\"id\":\"1\"}\n"
	    "{\"kind\":\"profile\",\"sample_types\":1}\n"
	    "{\"kind\":\"sample\",\"src\":\"p\",\"values\":{\"x\":2}}\n");
	out = read_all(LP_REC_WANT_ALL, 0, NULL, 0);
	CHECK_STR(out,
	    "!line 1: a sample record has no values object\n"
	    "profile p 2 implied x*\n"
	    "!line 2: a sample value is not an integer\n"
	    "!line 3: stack_id 9 has no stack record before it\n"
	    "!line 4: a stack frame is not an object\n"
	    "!line 5: a stack frame's fn, file or line has the wrong type\n"
	    "!line 6: a stack record needs an integer id and a frames array\n"
	    "!line 7: a profile record has no sample_types array\n"
	    "profile p 8 implied x*\n"
	    "sample p 8 2\n");
	free(out);
}

TEST(dumps_are_decoded_straight_into_goroutines)
{
	const struct lp_stack *s[8] = { 0 };
	char *out;

	write_file("g.txt", "panic: boom\n\n"
	                    "goroutine 1 [chan receive]:\n"
	                    "main.main()\n"
	                    "\t/src/main.go:10 +0x1d\n\n"
	                    "goroutine 7 [select, 3 minutes]:\n"
	                    "main.main()\n"
	                    "\t/src/main.go:10 +0x1d\n");
	out = read_all(LP_REC_WANT_ALL, 0, s, 8);
	CHECK_STR(out, "dump  1\n"
	               "goroutine  2 g1 chan receive [main.main:10]\n"
	               "goroutine  3 g7 select [main.main:10]\n");
	CHECK(s[1] != NULL && s[1] == s[2]);
	free(out);
}

TEST(dump_stacks_are_one_object_by_text_or_by_frames)
{
	const struct lp_stack *s[8] = { 0 };
	char *out;

	/* 1 and 2 have the same lines; 3 the same frames from other text
	 * (CRLF line ends); 4 another stack. */
	write_file("g.txt", "goroutine 1 [chan receive]:\n"
	                    "main.f(0x1)\n"
	                    "\t/src/main.go:10 +0x1d\n\n"
	                    "goroutine 2 [chan receive]:\n"
	                    "main.f(0x1)\n"
	                    "\t/src/main.go:10 +0x1d\n\n"
	                    "goroutine 3 [chan receive]:\n"
	                    "main.f(0x1)\r\n"
	                    "\t/src/main.go:10 +0x1d\r\n\n"
	                    "goroutine 4 [chan receive]:\n"
	                    "main.f(0x2)\n"
	                    "\t/src/main.go:10 +0x1d\n");
	out = read_all(LP_REC_WANT(LP_REC_GOROUTINE), 0, s, 8);
	CHECK_STR(out, "goroutine  2 g1 chan receive [main.f:10]\n"
	               "goroutine  3 g2 chan receive [main.f:10]\n"
	               "goroutine  4 g3 chan receive [main.f:10]\n"
	               "goroutine  5 g4 chan receive [main.f:10]\n");
	CHECK(s[0] != NULL && s[0] == s[1]);
	CHECK(s[2] == s[0]);
	CHECK(s[3] != NULL && s[3] != s[0]);
	free(out);
}

static int
count_unit(void *ctx, const char *src)
{
	char *names = ctx;

	(void)src;
	strcat(names, "u");
	return 0;
}

TEST(every_unit_is_told_even_one_with_no_record)
{
	struct lp_records *r = lp_records_new(LP_REC_WANT(LP_REC_SAMPLE), 0);
	const struct lp_record *rec;
	struct lp_error err;
	char names[16] = "";
	int n = 0, rc;

	write_file("n.ndjson", "{\"kind\":\"note\"}\n");
	lp_records_set_unit_fn(r, count_unit, names);
	CHECK_INT(lp_records_open(r, path, &err), 0);
	while ((rc = lp_records_next(r, &rec, &err)) != 0)
		n++;
	CHECK_INT(n, 0);
	CHECK_STR(names, "u");
	lp_records_free(r);
}

TEST(profiles_are_decoded_straight_into_samples)
{
	const struct lp_stack *s[8] = { 0 };
	char *out;

	write_file("h.txt", "heap profile: 2: 20 [4: 40] @ heap/1048576\n"
	                    "1: 10 [2: 20] @ 0x2 0x3\n"
	                    "#\t0x1\tmain.f+0x1\t/a.go:3\n"
	                    "#\t0x2\tmain.main+0x2\t/a.go:9\n\n"
	                    "1: 10 [2: 20] @ 0x2 0x3\n"
	                    "#\t0x1\tmain.f+0x1\t/a.go:3\n"
	                    "#\t0x2\tmain.main+0x2\t/a.go:9\n");
	out = read_all(LP_REC_WANT_ALL, 0, s, 8);
	CHECK_STR(out, "profile  1 alloc_objects alloc_space inuse_objects "
	               "inuse_space*\n"
	               "sample  2 104858 1048586 52429 524293 bytes=10 "
	               "[main.f:3 main.main:9]\n"
	               "sample  3 104858 1048586 52429 524293 bytes=10 "
	               "[main.f:3 main.main:9]\n");
	CHECK(s[1] != NULL && s[1] == s[2]);
	free(out);
}

TEST(not_evidence_is_said)
{
	char *out;

	/* In the words of what the reader takes: traces too, or not. */
	write_file("t.txt", "hello\n");
	out = read_all(LP_REC_WANT_ALL, 0, NULL, 0);
	CHECK_STR(out, "!not leakpipe records, a dump, a profile or a trace\n");
	free(out);
	out = read_all(LP_REC_WANT_ALL, LP_RECORDS_NO_TRACES, NULL, 0);
	CHECK_STR(out, "!not a pprof profile or Go dump (text of an unknown "
	               "kind)\n");
	free(out);
}

/* What one goroutine life or GC cycle says, the same from either road. */
static void
say_life(struct lp_out *o, int64_t id, const char *state, int64_t wait,
    int64_t created, int64_t ended, int64_t running, size_t depth,
    const char *creator_fn)
{
	lp_out_lit(o, "g");
	lp_out_int(o, id);
	lp_out_ch(o, ' ');
	lp_out_raw(o, state, strlen(state));
	lp_out_ch(o, ' ');
	lp_out_int(o, wait);
	lp_out_ch(o, ' ');
	lp_out_int(o, created);
	lp_out_ch(o, ' ');
	lp_out_int(o, ended);
	lp_out_ch(o, ' ');
	lp_out_int(o, running);
	lp_out_ch(o, ' ');
	lp_out_uint(o, depth);
	lp_out_ch(o, ' ');
	lp_out_raw(o, creator_fn, strlen(creator_fn));
	lp_out_ch(o, '\n');
}

static json_int_t
jint(json_t *v, const char *k, json_int_t dflt)
{
	json_t *x = json_object_get(v, k);
	return json_is_integer(x) ? json_integer_value(x) : dflt;
}

TEST(traces_give_typed_events_lives_and_gc_cycles)
{
	static const char *const traces[] = {
		"tests/fixtures/trace/go1.26/tracer.trace",
		"tests/fixtures/trace/go1.19/tracer.trace",
	};
	const char *top = getenv("TOP");
	size_t k;

	for (k = 0; k < 2; k++) {
		struct lp_records *r = lp_records_new(LP_REC_WANT_ALL, 0);
		const struct lp_record *rec;
		struct lp_error err;
		struct lp_out typed, direct, ev1, ev2;
		struct lp_tev_writer w1, w2;
		struct lp_tview *v =
		    lp_tview_new(LP_VIEW_GOROUTINES | LP_VIEW_GC);
		struct lp_trace *t;
		struct lp_byte_src bs;
		const struct lp_tev *ev;
		unsigned long nev = 0, nlife = 0, ngc = 0, nsamestack = 0;
		const struct lp_stack *last = NULL;
		unsigned char *data;
		size_t len;
		FILE *f;
		char *line, *end;
		int rc;

		snprintf(
		    path, sizeof(path), "%s/%s", top ? top : ".", traces[k]);
		f = fopen(path, "rb");
		CHECK(f != NULL);
		if (!f)
			return;
		data = malloc(64 << 20);
		len = fread(data, 1, 64 << 20, f);
		fclose(f);
		lp_out_init(&typed, -1, 4096);
		lp_out_init(&direct, -1, 4096);
		lp_out_init(&ev1, -1, 4096);
		lp_out_init(&ev2, -1, 4096);
		lp_tev_writer_init(&w1, "x", 0, NULL);
		lp_tev_writer_init(&w2, "x", 0, NULL);

		/* The typed road. */
		CHECK_INT(lp_records_open(r, path, &err), 0);
		while ((rc = lp_records_next(r, &rec, &err)) > 0) {
			if (rec->kind == LP_REC_EVENT) {
				nev++;
				lp_tev_write(&ev1, &w1, rec->event, NULL);
				CHECK_INT(rec->t, lp_tev_rel(&w1, rec->event));
				if (rec->stack && rec->stack == last)
					nsamestack++;
				if (rec->stack)
					last = rec->stack;
			} else if (rec->kind == LP_REC_GOROUTINE) {
				const struct lp_tglife *l = rec->life;
				const struct lp_stack *s = l->stack;
				nlife++;
				CHECK(rec->stack == s);
				say_life(&typed, l->id, l->state, l->wait_ns,
				    l->created_ns, l->ended_ns,
				    l->ns[LP_G_RUNNING], s ? s->n : 0,
				    l->has_created_by ? l->created_by.fn.p
				                      : "-");
			} else if (rec->kind == LP_REC_GC) {
				ngc++;
				lp_out_lit(&typed, "gc ");
				lp_out_uint(&typed, rec->gc->n);
				lp_out_ch(&typed, ' ');
				lp_out_int(&typed, rec->gc->stw_ns);
				lp_out_ch(&typed, '\n');
			}
		}
		CHECK_INT(rc, 0);
		lp_records_free(r);

		/* The writer's road: trace2ndjson's records, parsed. */
		bs = (struct lp_byte_src){ data, len, NULL, NULL };
		t = lp_trace_open(&bs, &err);
		CHECK(t != NULL);
		while (t && lp_trace_next(t, &ev, &err) > 0) {
			lp_tev_write(&ev2, &w2, ev, NULL);
			lp_tview_add(v, &direct, &w2, ev, lp_trace_arena(t));
		}
		lp_tview_finish(v, &direct, &w2);
		lp_out_ch(&direct, '\0');
		{
			struct lp_out said;
			lp_out_init(&said, -1, 4096);
			for (line = direct.buf; *line; line = end + 1) {
				json_t *j, *cb;
				end = strchr(line, '\n');
				j = json_loadb(
				    line, (size_t)(end - line), 0, NULL);
				if (strcmp(json_string_value(
				               json_object_get(j, "kind")),
				        "gc") == 0) {
					lp_out_lit(&said, "gc ");
					lp_out_int(&said, jint(j, "n", 0));
					lp_out_ch(&said, ' ');
					lp_out_int(&said, jint(j, "stw_ns", 0));
					lp_out_ch(&said, '\n');
				} else {
					cb = json_object_get(j, "created_by");
					say_life(&said, jint(j, "id", 0),
					    json_string_value(
					        json_object_get(j, "state")),
					    jint(j, "wait_ns", -1),
					    jint(j, "created_ns", -1),
					    jint(j, "ended_ns", -1),
					    jint(j, "running_ns", 0),
					    json_array_size(
					        json_object_get(j, "stack")),
					    json_object_get(cb, "fn")
					        ? json_string_value(
					              json_object_get(cb, "fn"))
					        : "-");
				}
				json_decref(j);
			}
			lp_out_ch(&said, '\0');
			lp_out_ch(&typed, '\0');
			CHECK_STR(typed.buf, said.buf);
			/* And the same records read back as NDJSON. */
			typed.len = 0;
			write_file("views.ndjson", direct.buf);
			r = lp_records_new(LP_REC_WANT(LP_REC_GOROUTINE) |
			                       LP_REC_WANT(LP_REC_GC),
			    0);
			CHECK_INT(lp_records_open(r, path, &err), 0);
			while ((rc = lp_records_next(r, &rec, &err)) > 0) {
				const struct lp_tglife *l = rec->life;
				const struct lp_stack *s;
				if (rec->kind == LP_REC_GC) {
					lp_out_lit(&typed, "gc ");
					lp_out_uint(&typed, rec->gc->n);
					lp_out_ch(&typed, ' ');
					lp_out_int(&typed, rec->gc->stw_ns);
					lp_out_ch(&typed, '\n');
					continue;
				}
				s = l->stack;
				say_life(&typed, l->id, l->state, l->wait_ns,
				    l->created_ns, l->ended_ns,
				    l->ns[LP_G_RUNNING], s ? s->n : 0,
				    l->has_created_by ? l->created_by.fn.p
				                      : "-");
			}
			CHECK_INT(rc, 0);
			lp_records_free(r);
			lp_out_ch(&typed, '\0');
			CHECK_STR(typed.buf, said.buf);
			lp_out_release(&said);
		}
		CHECK(nev > 1000 && nlife > 10 && ngc > 0);
		CHECK(nsamestack > 0);
		CHECK(ev1.len == ev2.len &&
		      memcmp(ev1.buf, ev2.buf, ev1.len) == 0);
		lp_trace_free(t);
		lp_tview_free(v);
		lp_tev_writer_release(&w1);
		lp_tev_writer_release(&w2);
		lp_out_release(&typed);
		lp_out_release(&direct);
		lp_out_release(&ev1);
		lp_out_release(&ev2);
		free(data);
	}
}

TEST(other_evidence_comes_through_the_shared_writer)
{
	struct lp_records *r = lp_records_new(LP_REC_WANT_ALL, 0);
	const struct lp_record *rec;
	struct lp_error err;
	const char *top = getenv("TOP");
	unsigned long ngc = 0, nother = 0;
	int rc;

	/* A GODEBUG=gctrace=1 log: 21 gc lines, as pprof2ndjson says. */
	snprintf(path, sizeof(path), "%s/%s", top ? top : ".",
	    "tests/fixtures/gctrace/go1.26/gctrace.log");
	CHECK_INT(lp_records_open(r, path, &err), 0);
	while ((rc = lp_records_next(r, &rec, &err)) > 0) {
		if (rec->kind == LP_REC_GC && rec->gc && rec->json)
			ngc++;
		else
			nother++;
	}
	CHECK_INT(rc, 0);
	CHECK_INT(ngc, 21);
	CHECK_INT(nother, 0);
	lp_records_free(r);
}

TEST(ndjson_events_and_edges_are_typed)
{
	struct lp_records *r = lp_records_new(
	    LP_REC_WANT(LP_REC_EVENT) | LP_REC_WANT(LP_REC_EDGE), 0);
	const struct lp_record *rec;
	const struct lp_tev *ev;
	struct lp_error err;

	write_file("e.ndjson",
	    "{\"kind\":\"event\",\"src\":\"t\",\"t\":42,\"ev\":"
	    "\"StateTransition\",\"p\":1,\"g\":7,\"resource\":\"goroutine\","
	    "\"id\":9,\"from\":\"Running\",\"to\":\"Waiting\",\"reason\":"
	    "\"chan receive\",\"tstack\":[{\"fn\":\"main.f\",\"file\":\"/a.go\","
	    "\"line\":3,\"addr\":\"0x4a\"}],\"stack\":[{\"fn\":\"main.g\"}]}\n"
	    "{\"kind\":\"event\",\"t\":50,\"ev\":\"Metric\",\"name\":\"/m\","
	    "\"value\":5}\n"
	    "{\"kind\":\"event\",\"t\":51,\"ev\":\"Sideways\"}\n"
	    "{\"kind\":\"edge\",\"from\":1,\"to\":2,\"reason\":\"chan send\","
	    "\"count\":3,\"last_ns\":8}\n"
	    "{\"kind\":\"edge\",\"from\":\"1\",\"to\":2}\n");
	CHECK_INT(lp_records_open(r, path, &err), 0);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	ev = rec->event;
	CHECK(ev != NULL);
	CHECK_INT(ev->kind, LP_TEV_STATE);
	CHECK_INT((int)rec->t, 42);
	CHECK_INT((int)ev->g, 7);
	CHECK_INT((int)ev->m, LP_NO_ID);
	CHECK_INT(ev->res, LP_RES_GOROUTINE);
	CHECK_INT((int)ev->id, 9);
	CHECK_INT(ev->from, LP_G_RUNNING);
	CHECK_INT(ev->to, LP_G_WAITING);
	CHECK_MEM(ev->reason.p, ev->reason.n, "chan receive");
	CHECK(rec->tstack && rec->tstack->n == 1);
	CHECK(ev->tstack && ev->tstack->n == 1);
	CHECK_INT((int)ev->tstack->frames[0].pc, 0x4a);
	CHECK_INT((int)ev->tstack->frames[0].line, 3);
	CHECK(ev->stack && ev->stack->n == 1);
	CHECK_MEM(
	    ev->stack->frames[0].fn.p, ev->stack->frames[0].fn.n, "main.g");
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK_INT(rec->event->kind, LP_TEV_METRIC);
	CHECK_MEM(rec->event->name.p, rec->event->name.n, "/m");
	CHECK_INT((int)rec->event->value, 5);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(rec->event == NULL); /* an "ev" of no model: json only */
	CHECK(rec->json != NULL);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK_INT(rec->kind, LP_REC_EDGE);
	CHECK(rec->edge->has_ends);
	CHECK_INT((int)rec->edge->from, 1);
	CHECK_INT((int)rec->edge->to, 2);
	CHECK_STR(rec->edge->reason, "chan send");
	CHECK(rec->edge->evidence == NULL);
	CHECK_INT((int)rec->edge->count, 3);
	CHECK(rec->edge->has_last && rec->edge->last_ns == 8);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(!rec->edge->has_ends);
	CHECK_INT(lp_records_next(r, &rec, &err), 0);
	lp_records_free(r);
}

static void
keep_diag(void *ctx, const char *src, const char *msg)
{
	char *out = ctx;

	(void)src;
	strncat(out, msg, 200 - strlen(out) - 2);
	strcat(out, "\n");
}

TEST(lines_not_understood_are_told_or_counted)
{
	struct lp_records *r = lp_records_new(LP_REC_WANT_ALL, 0);
	const struct lp_record *rec;
	struct lp_error err;
	char said[200] = "";
	int rc, n = 0;

	write_file("g.txt", "goroutine 1 [chan receive]:\n"
	                    "main.main()\n"
	                    "\t/src/main.go:10 +0x1d\n"
	                    "\tstray file line\n");
	lp_records_set_diag(r, keep_diag, said);
	CHECK_INT(lp_records_open(r, path, &err), 0);
	while ((rc = lp_records_next(r, &rec, &err)) != 0)
		n += rc < 0;
	CHECK_INT(n, 0);
	CHECK(strstr(said, "line 4:") != NULL);
	lp_records_free(r);
}

TEST(a_reader_of_traces_and_dumps_only_says_so)
{
	char *out;

	write_file("h.txt", "heap profile: 1: 10 [1: 10] @ heap/1048576\n"
	                    "1: 10 [1: 10] @ 0x2\n"
	                    "#\t0x2\tmain.main+0x2\t/a.go:9\n");
	out = read_all(LP_REC_WANT_ALL, LP_RECORDS_NO_PROFILES, NULL, 0);
	CHECK_STR(out, "!heap-text: not an execution trace, a goroutine dump "
	               "or records\n");
	free(out);
}

TEST(whole_profiles_and_flat_stacks_of_their_own)
{
	const struct lp_stack *s[8] = { 0 };
	struct lp_records *r;
	const struct lp_record *rec;
	struct lp_error err;
	char *out;

	write_file("h.txt", "heap profile: 2: 20 [4: 40] @ heap/1048576\n"
	                    "1: 10 [2: 20] @ 0x2 0x3\n"
	                    "#\t0x1\tmain.f+0x1\t/a.go:3\n"
	                    "#\t0x2\tmain.main+0x2\t/a.go:9\n");
	out = read_all(LP_REC_WANT_ALL, LP_RECORDS_WHOLE_PROFILES, NULL, 0);
	CHECK_STR(out, "profile  1 alloc_objects alloc_space inuse_objects "
	               "inuse_space*\n");
	free(out);
	r = lp_records_new(LP_REC_WANT(LP_REC_PROFILE), 0);
	CHECK_INT(lp_records_open(r, path, &err), 0);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(rec->profile->decoded != NULL);
	CHECK_INT((int)rec->profile->decoded->nsamples, 1);
	lp_records_free(r);

	write_file("f.ndjson",
	    "{\"kind\":\"sample\",\"values\":{\"n\":1},\"stack\":[{\"fn\":\"a\"}]}\n"
	    "{\"kind\":\"sample\",\"values\":{\"n\":1},\"stack\":[{\"fn\":\"a\"}]}\n");
	out = read_all(LP_REC_WANT(LP_REC_SAMPLE), LP_RECORDS_FLAT_OWN, s, 8);
	CHECK(s[0] && s[0]->own && s[0]->n == 1);
	free(out);
	out = read_all(LP_REC_WANT(LP_REC_SAMPLE), 0, s, 8);
	CHECK(s[0] && !s[0]->own && s[0] == s[1]);
	free(out);
}

TEST(undefined_stack_ids_are_told_five_times_per_unit_then_counted)
{
	char text[2048] = "", *out;
	int i;

	for (i = 0; i < 8; i++)
		strcat(text, "{\"kind\":\"sample\",\"values\":{\"n\":1},"
		             "\"stack_id\":9}\n");
	strcat(text, "{\"kind\":\"sample\",\"values\":{\"n\":2},"
	             "\"stack\":[]}\n");
	write_file("s.ndjson", text);
	out = read_all(LP_REC_WANT(LP_REC_SAMPLE), 0, NULL, 0);
	CHECK_STR(out, "!line 1: stack_id 9 has no stack record before it\n"
	               "!line 2: stack_id 9 has no stack record before it\n"
	               "!line 3: stack_id 9 has no stack record before it\n"
	               "!line 4: stack_id 9 has no stack record before it\n"
	               "!line 5: stack_id 9 has no stack record before it\n"
	               "sample  9 2 []\n"
	               "!3 more records whose stack_id has no stack record "
	               "before it\n");
	free(out);
}

TEST(heapdiff_headers_diffs_and_trends_are_typed)
{
	struct lp_records *r = lp_records_new(LP_REC_WANT(LP_REC_HEAPDIFF) |
	                                          LP_REC_WANT(LP_REC_DIFF) |
	                                          LP_REC_WANT(LP_REC_TREND),
	    0);
	const struct lp_record *rec;
	struct lp_error err;

	write_file("d.ndjson",
	    "{\"kind\":\"heapdiff\",\"mode\":\"series\",\"value\":\"v\","
	    "\"unit\":\"bytes\",\"first\":{\"src\":\"a\",\"total\":5},"
	    "\"last\":{\"src\":\"b\",\"total\":9,\"time_ns\":3}}\n"
	    "{\"kind\":\"trend\",\"key\":\"k\",\"fn\":\"main.f\","
	    "\"verdict\":\"suspect\",\"first\":1,\"last\":4,"
	    "\"stack\":[{\"fn\":\"main.f\"}]}\n"
	    "{\"kind\":\"diff\",\"key\":\"k2\",\"base\":2}\n");
	CHECK_INT(lp_records_open(r, path, &err), 0);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(rec->heapdiff && rec->heapdiff->series);
	CHECK_STR(rec->heapdiff->value, "v");
	CHECK_STR(rec->heapdiff->first.src, "a");
	CHECK(
	    rec->heapdiff->first.has_total && rec->heapdiff->first.total == 5);
	CHECK(
	    rec->heapdiff->last.total == 9 && rec->heapdiff->last.time_ns == 3);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK_INT(rec->kind, LP_REC_TREND);
	CHECK(rec->change->suspect && rec->change->has_both);
	CHECK_INT((int)rec->change->before, 1);
	CHECK_INT((int)rec->change->after, 4);
	CHECK_STR(rec->change->fn, "main.f");
	CHECK(rec->stack && rec->stack->n == 1);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK_INT(rec->kind, LP_REC_DIFF);
	CHECK(!rec->change->has_both && !rec->change->suspect);
	CHECK(rec->change->fn == NULL);
	CHECK_STR(rec->change->key, "k2");
	CHECK_INT(lp_records_next(r, &rec, &err), 0);
	lp_records_free(r);
}

TEST(heapdiff_partials_are_typed)
{
	struct lp_records *r = lp_records_new(LP_REC_WANT(LP_REC_PARTIAL) |
	                                          LP_REC_WANT(LP_REC_KEY) |
	                                          LP_REC_WANT(LP_REC_COLUMN),
	    0);
	const struct lp_record *rec;
	struct lp_error err;

	write_file("p.ndjson",
	    "{\"kind\":\"partial\",\"value\":\"v\",\"key_by\":\"leaf\","
	    "\"drop_runtime\":true,\"snapshots\":3,\"skipped\":\"x\"}\n"
	    "{\"kind\":\"key\",\"id\":7,\"key\":\"\\\"main.f\\\"\","
	    "\"fn\":\"main.f\"}\n"
	    "{\"kind\":\"key\",\"id\":-1}\n"
	    "{\"kind\":\"column\",\"ids\":[7,\"8\",9],"
	    "\"values\":[5,6,null],\"time_ns\":4}\n"
	    "{\"kind\":\"column\",\"ids\":[7],\"values\":[],"
	    "\"time_ns\":\"4\"}\n");
	CHECK_INT(lp_records_open(r, path, &err), 0);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK_STR(rec->partial->value, "v");
	CHECK_STR(rec->partial->key_by, "leaf");
	CHECK(rec->partial->unit == NULL && rec->partial->drop_runtime);
	CHECK(rec->partial->has_snapshots && rec->partial->snapshots == 3);
	CHECK(!rec->partial->has_skipped);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(rec->key->has_id && rec->key->id == 7);
	CHECK_MEM(rec->key->key, rec->key->keylen, "\"main.f\"");
	CHECK_MEM(rec->key->fn, rec->key->fnlen, "main.f");
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(!rec->key->has_id && rec->key->key == NULL);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(rec->column->has_arrays && rec->column->n == 3);
	CHECK(rec->column->has_time && rec->column->time_ok);
	CHECK_INT((int)rec->column->time_ns, 4);
	/* An id or a value that is no integer reads as no id. */
	CHECK_INT((int)rec->column->ids[0], 7);
	CHECK_INT((int)rec->column->values[0], 5);
	CHECK_INT((int)rec->column->ids[1], -1);
	CHECK_INT((int)rec->column->ids[2], -1);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(!rec->column->has_arrays && !rec->column->time_ok);
	CHECK_INT(lp_records_next(r, &rec, &err), 0);
	lp_records_free(r);
}

TEST(clusters_are_typed)
{
	struct lp_records *r = lp_records_new(LP_REC_WANT(LP_REC_CLUSTER), 0);
	const struct lp_record *rec;
	const struct lp_rcluster *c;
	struct lp_error err;

	write_file("c.ndjson",
	    "{\"kind\":\"cluster\",\"id\":\"8e92\",\"rank\":1,\"signature\":"
	    "\"main.f@main.go:4\",\"count\":300,\"pct\":92.5,\"site\":{"
	    "\"fn\":\"main.f\",\"file\":\"/a/main.go\",\"line\":4},\"states\":"
	    "{\"chan send\":299,\"x\":\"?\",\"select\":1},\"wait_min_ns\":5,"
	    "\"creators\":[{\"fn\":\"main.main\"}],\"stack\":[{\"fn\":"
	    "\"main.f\"}]}\n");
	CHECK_INT(lp_records_open(r, path, &err), 0);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	c = rec->cluster;
	CHECK(c != NULL);
	CHECK_STR(c->id, "8e92");
	CHECK_STR(c->signature, "main.f@main.go:4");
	CHECK(c->has_count && c->count == 300);
	CHECK(c->has_rank && c->rank == 1);
	CHECK(c->has_pct && c->pct > 92.4 && c->pct < 92.6);
	CHECK(c->has_site && c->site_line == 4);
	CHECK_STR(c->site_file, "/a/main.go");
	CHECK_INT((int)c->nstates, 2);
	CHECK_STR(c->states[1].name, "select");
	CHECK(c->has_wait_min && !c->has_wait_max && c->wait_min_ns == 5);
	CHECK_STR(c->creator, "main.main");
	CHECK(rec->stack && rec->stack->n == 1);
	CHECK_INT(lp_records_next(r, &rec, &err), 0);
	lp_records_free(r);
}

TEST(cycles_and_stuck_goroutines_are_typed)
{
	struct lp_records *r = lp_records_new(
	    LP_REC_WANT(LP_REC_CYCLE) | LP_REC_WANT(LP_REC_STUCK), 0);
	const struct lp_record *rec;
	const struct lp_rwait *w;
	struct lp_error err;

	write_file("w.ndjson",
	    "{\"kind\":\"cycle\",\"severity\":2,\"why\":\"y\",\"members\":["
	    "{\"goid\":6,\"state\":\"chan receive\",\"wait_ns\":9,\"stack\":["
	    "{\"fn\":\"main.f\"}]},{\"state\":\"x\"}],\"edges\":[{\"from\":6,"
	    "\"to\":7,\"reason\":\"chan receive\",\"count\":3}]}\n"
	    "{\"kind\":\"stuck\",\"goid\":5,\"severity\":1,\"cause\":\"c\","
	    "\"chain\":[{\"goid\":8,\"reason\":\"r\"}],\"root\":8}\n");
	CHECK_INT(lp_records_open(r, path, &err), 0);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	w = rec->wait;
	CHECK(w && w->has_lists && w->severity == 2);
	CHECK_STR(w->why, "y");
	CHECK_INT((int)w->nmembers, 2);
	CHECK(w->members[0].has_goid && w->members[0].goid == 6);
	CHECK(w->members[0].has_wait && w->members[0].wait_ns == 9);
	CHECK(w->members[0].stack && w->members[0].stack->n == 1);
	CHECK(!w->members[1].has_goid);
	CHECK_INT((int)w->nedges, 1);
	CHECK(w->edges[0].has_ends && w->edges[0].to == 7);
	CHECK_INT((int)w->edges[0].count, 3);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	w = rec->wait;
	CHECK(w->self.has_goid && w->self.goid == 5);
	CHECK_STR(w->cause, "c");
	CHECK(!w->has_lists); /* a stuck record has no edges */
	CHECK_INT((int)w->nmembers, 1);
	CHECK_STR(w->members[0].reason, "r");
	CHECK(w->has_root && w->root == 8);
	CHECK_INT(lp_records_next(r, &rec, &err), 0);
	lp_records_free(r);
}

TEST(the_stackcluster_header_is_typed)
{
	struct lp_records *r =
	    lp_records_new(LP_REC_WANT(LP_REC_STACKCLUSTER), 0);
	const struct lp_record *rec;
	struct lp_error err;

	write_file("h.ndjson", "{\"kind\":\"stackcluster\",\"count\":7,"
	                       "\"inputs\":[\"a/b.txt\",\"c\"]}\n"
	                       "{\"kind\":\"stackcluster\",\"inputs\":[1]}\n");
	CHECK_INT(lp_records_open(r, path, &err), 0);
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK_INT(rec->kind, LP_REC_STACKCLUSTER);
	CHECK(rec->clusters->has_count && rec->clusters->count == 7);
	CHECK_STR(rec->clusters->first_input, "a/b.txt");
	CHECK_INT(lp_records_next(r, &rec, &err), 1);
	CHECK(!rec->clusters->has_count && !rec->clusters->first_input);
	CHECK_INT(lp_records_next(r, &rec, &err), 0);
	lp_records_free(r);
}

/*
 * With stacks kept, a profile's stacks (held as its locations) and the
 * same stacks read back from its NDJSON (flat frames) are one object
 * each: the two forms hash and compare alike.
 */
TEST(kept_stacks_are_one_object_in_either_form)
{
	const char *top = getenv("TOP");
	const struct lp_stack *s[2][64];
	struct lp_records *r =
	    lp_records_new(LP_REC_WANT_ALL, LP_RECORDS_KEEP_STACKS);
	const struct lp_emit_opts opts = { LP_EMIT_ADDR, NULL, 0, NULL };
	const struct lp_record *rec;
	struct lp_profile p;
	struct lp_error err;
	struct lp_out o;
	char pb[512];
	unsigned char *data = malloc(1 << 20);
	size_t n[2] = { 0, 0 }, len, i;
	FILE *f;
	int k, rc, distinct = 0;

	snprintf(pb, sizeof(pb), "%s/tests/fuzz/corpus/fuzz_pprof/mutex.pb",
	    top ? top : ".");
	CHECK((f = fopen(pb, "rb")) != NULL);
	if (!f)
		return;
	len = fread(data, 1, 1 << 20, f);
	fclose(f);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_pprof_decode(data, len, &p, &err), 0);
	lp_out_init(&o, -1, 4096);
	lp_profile_write(&o, &p, "x", &opts, NULL);
	lp_out_ch(&o, '\0');
	write_file("mutex.ndjson", o.buf);
	for (k = 0; k < 2; k++) {
		CHECK_INT(lp_records_open(r, k ? path : pb, &err), 0);
		while ((rc = lp_records_next(r, &rec, &err)) > 0)
			if (rec->kind == LP_REC_SAMPLE && n[k] < 64)
				s[k][n[k]++] = rec->stack;
		CHECK_INT(rc, 0);
	}
	CHECK_INT(n[0], p.nsamples);
	CHECK_INT(n[1], n[0]);
	for (i = 0; i < n[0] && i < n[1]; i++) {
		CHECK(s[0][i] == s[1][i]);
		distinct += i == 0 || s[0][i] != s[0][i - 1];
	}
	CHECK(distinct > 1);
	lp_out_release(&o);
	lp_profile_release(&p);
	lp_records_free(r);
	free(data);
}
