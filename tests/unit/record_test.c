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
		lp_out_raw(&o, rec->src, strlen(rec->src) > 8 ? 0 : strlen(rec->src));
		lp_out_ch(&o, ' ');
		lp_out_uint(&o, rec->line);
		if (rec->kind == LP_REC_PROFILE) {
			const struct lp_rprofile *p = rec->profile;
			if (p->implied)
				lp_out_lit(&o, " implied");
			for (i = 0; i < p->ntypes; i++) {
				lp_out_ch(&o, ' ');
				lp_out_raw(&o, p->types[i].type.p,
				    p->types[i].type.n);
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
				const struct lp_frame *f = &rec->stack->frames[i];
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
	CHECK(strstr(out, "dump  0\n"
	                  "goroutine  0 g1 chan receive [main.main:10]\n"
	                  "goroutine  0 g7 select [main.main:10]\n") == out);
	CHECK(s[1] != NULL && s[1] == s[2]);
	free(out);
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
	CHECK_STR(out, "profile  0 alloc_objects alloc_space inuse_objects "
	               "inuse_space*\n"
	               "sample  0 104858 1048586 52429 524293 bytes=10 "
	               "[main.f:3 main.main:9]\n"
	               "sample  0 104858 1048586 52429 524293 bytes=10 "
	               "[main.f:3 main.main:9]\n");
	CHECK(s[1] != NULL && s[1] == s[2]);
	free(out);
}

TEST(not_evidence_is_said)
{
	char *out;

	write_file("t.txt", "hello\n");
	out = read_all(LP_REC_WANT_ALL, 0, NULL, 0);
	CHECK_STR(out, "!not a pprof profile or Go dump (text of an unknown "
	               "kind)\n");
	free(out);
}
