/* pprof_test.c - the pprof decoder and the profile writer */
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "profile.pb-c.h"
#include "test.h"

typedef Leakpipe__Pprof__Profile Profile;

/*
 * A small heap-like profile built with protobuf-c: two sample types, one
 * location with an inlined call (two lines), one unsymbolized location,
 * sparse ids so the hash path is taken, and labels of every kind.
 */
struct fixture {
	Profile pb;
	Leakpipe__Pprof__ValueType vt[2], *vtp[2];
	Leakpipe__Pprof__Function fn[2], *fnp[2];
	Leakpipe__Pprof__Line ln[2], *lnp[2];
	Leakpipe__Pprof__Location loc[2], *locp[2];
	Leakpipe__Pprof__Label lab[5], *labp[5];
	Leakpipe__Pprof__Sample smp[1], *smpp[1];
	ProtobufCBinaryData str[12];
	uint64_t locids[2];
	int64_t values[2];
};

static const char *const strings[] = { "", "objects", "count", "space", "bytes",
	"main.leaf", "main.caller", "/src/m.go", "worker", "w1", "size",
	"requests" };

static void
fixture_init(struct fixture *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	leakpipe__pprof__profile__init(&f->pb);
	for (i = 0; i < 12; i++) {
		f->str[i].data = (uint8_t *)(uintptr_t)strings[i];
		f->str[i].len = strlen(strings[i]);
	}
	f->pb.string_table = f->str;
	f->pb.n_string_table = 12;
	for (i = 0; i < 2; i++) {
		leakpipe__pprof__value_type__init(&f->vt[i]);
		f->vt[i].type = i ? 3 : 1;
		f->vt[i].unit = i ? 4 : 2;
		f->vtp[i] = &f->vt[i];
		leakpipe__pprof__function__init(&f->fn[i]);
		f->fn[i].id = 1000 + i;
		f->fn[i].name = 5 + (int64_t)i;
		f->fn[i].filename = 7;
		f->fnp[i] = &f->fn[i];
		leakpipe__pprof__line__init(&f->ln[i]);
		f->ln[i].function_id = 1000 + i;
		f->ln[i].line = 10 + (int64_t)i;
		f->lnp[i] = &f->ln[i];
		leakpipe__pprof__location__init(&f->loc[i]);
		f->locp[i] = &f->loc[i];
	}
	f->pb.sample_type = f->vtp;
	f->pb.n_sample_type = 2;
	f->pb.function = f->fnp;
	f->pb.n_function = 2;
	f->loc[0].id = 77;
	f->loc[0].address = 0x4010;
	f->loc[0].mapping_id = 9; /* undefined: pprof leaves it unset */
	f->loc[0].line = f->lnp;
	f->loc[0].n_line = 2;
	f->loc[1].id = 5;
	f->loc[1].address = 0xabc;
	f->pb.location = f->locp;
	f->pb.n_location = 2;
	for (i = 0; i < 5; i++) {
		leakpipe__pprof__label__init(&f->lab[i]);
		f->labp[i] = &f->lab[i];
	}
	f->lab[0].key = 8, f->lab[0].str = 9;   /* worker=w1 */
	f->lab[1].key = 10, f->lab[1].num = 64; /* size=64 [size] */
	f->lab[2].key = 11, f->lab[2].num = 3;  /* requests=3 */
	f->lab[2].num_unit = 2;                 /*   [count] */
	f->lab[3].key = 8;                      /* empty: dropped */
	f->lab[4].key = 8, f->lab[4].str = 1;   /* worker=objects */
	leakpipe__pprof__sample__init(&f->smp[0]);
	f->locids[0] = 77;
	f->locids[1] = 5;
	f->values[0] = 3;
	f->values[1] = -4096;
	f->smp[0].location_id = f->locids;
	f->smp[0].n_location_id = 2;
	f->smp[0].value = f->values;
	f->smp[0].n_value = 2;
	f->smp[0].label = f->labp;
	f->smp[0].n_label = 5;
	f->smpp[0] = &f->smp[0];
	f->pb.sample = f->smpp;
	f->pb.n_sample = 1;
	f->pb.default_sample_type = 1; /* "objects" */
}

/* Pack f, decode it; returns the decoder's result, output in *out. */
static int
roundtrip(struct fixture *f, unsigned flags, char **out, struct lp_error *err)
{
	size_t n = leakpipe__pprof__profile__get_packed_size(&f->pb);
	uint8_t *buf = malloc(n + 1);
	struct lp_profile p;
	struct lp_out o;
	struct lp_emit_opts opts = { flags, NULL, 0, NULL };
	struct lp_intern *in = lp_intern_new();
	int rc;

	leakpipe__pprof__profile__pack(&f->pb, buf);
	lp_profile_init(&p, 0);
	lp_out_init(&o, -1, 64);
	rc = lp_pprof_decode(buf, n, &p, err);
	if (rc == 0)
		lp_profile_write(&o, &p, "t.pb", &opts, in);
	lp_out_ch(&o, '\0');
	*out = o.buf;
	lp_profile_release(&p);
	lp_intern_free(in);
	free(buf);
	return rc;
}

TEST(decodes_frames_labels_and_header)
{
	struct fixture f;
	struct lp_error err;
	char *out;

	fixture_init(&f);
	CHECK_INT(roundtrip(&f, 0, &out, &err), 0);
	CHECK_STR(out,
	    "{\"kind\":\"profile\",\"src\":\"t.pb\",\"format\":\"pprof\","
	    "\"sample_types\":[{\"type\":\"objects\",\"unit\":\"count\"},"
	    "{\"type\":\"space\",\"unit\":\"bytes\"}],"
	    "\"default_sample_type\":\"objects\",\"period_type\":{\"type\":"
	    "\"\",\"unit\":\"\"},\"period\":0,\"time_ns\":0,\"duration_ns\":0,"
	    "\"samples\":1}\n"
	    "{\"kind\":\"sample\",\"src\":\"t.pb\",\"values\":{\"objects\":3,"
	    "\"space\":-4096},\"stack\":[{\"fn\":\"main.leaf\",\"file\":"
	    "\"/src/m.go\",\"line\":10,\"inlined\":true},{\"fn\":"
	    "\"main.caller\",\"file\":\"/src/m.go\",\"line\":11},{\"fn\":"
	    "\"0xabc\",\"file\":\"\",\"line\":0}],\"labels\":{\"worker\":"
	    "[\"w1\",\"objects\"]},\"num_labels\":{\"size\":{\"value\":64,"
	    "\"unit\":\"size\"},\"requests\":{\"value\":3,\"unit\":\"count\"}}}"
	    "\n");
	free(out);
}

TEST(interned_and_addresses)
{
	struct fixture f;
	struct lp_error err;
	char *out;

	fixture_init(&f);
	f.pb.n_sample_type = 1;
	f.smp[0].n_value = 1;
	f.smp[0].n_label = 0;
	f.smp[0].n_location_id = 1;
	CHECK_INT(roundtrip(&f, LP_EMIT_INTERN | LP_EMIT_ADDR | LP_EMIT_HEADERS,
	              &out, &err),
	    0);
	CHECK(strstr(out, "\"kind\":\"stack\"") == NULL); /* headers only */
	free(out);
	CHECK_INT(roundtrip(&f, LP_EMIT_INTERN | LP_EMIT_ADDR, &out, &err), 0);
	CHECK(
	    strstr(out,
	        "{\"kind\":\"stack\",\"id\":1,\"frames\":[{\"fn\":\"main.leaf\","
	        "\"file\":\"/src/m.go\",\"line\":10,\"addr\":\"0x4010\","
	        "\"inlined\":true},{\"fn\":\"main.caller\",\"file\":\"/src/m.go\","
	        "\"line\":11,\"addr\":\"0x4010\"}]}\n"
	        "{\"kind\":\"sample\",\"src\":\"t.pb\",\"values\":{\"objects\":3},"
	        "\"stack_id\":1}\n") != NULL);
	free(out);
}

TEST(rejects_what_pprof_rejects)
{
	struct fixture f;
	struct lp_error err;
	char *out;

	fixture_init(&f);
	f.locids[1] = 6; /* undefined location */
	CHECK_INT(roundtrip(&f, 0, &out, &err), -LP_EDATA);
	CHECK_STR(err.msg, "sample 0 refers to undefined location id 6");
	free(out);

	fixture_init(&f);
	f.smp[0].n_value = 1;
	CHECK_INT(roundtrip(&f, 0, &out, &err), -LP_EDATA);
	CHECK_STR(err.msg, "sample 0 has 1 values for 2 sample types");
	free(out);

	fixture_init(&f);
	f.loc[1].id = 77;
	CHECK_INT(roundtrip(&f, 0, &out, &err), -LP_EDATA);
	CHECK_STR(err.msg, "two locations have id 77");
	free(out);

	fixture_init(&f);
	f.ln[1].function_id = 0;
	CHECK_INT(roundtrip(&f, 0, &out, &err), -LP_EDATA);
	CHECK_STR(
	    err.msg, "location 77 line 1 refers to the reserved function id 0");
	free(out);

	fixture_init(&f);
	f.lab[0].str = 12;
	CHECK_INT(roundtrip(&f, 0, &out, &err), -LP_EDATA);
	CHECK_STR(err.msg, "string index 12 out of range (table has 12) in a "
	                   "label of sample 0");
	free(out);

	fixture_init(&f);
	f.str[0].len = 1;
	CHECK_INT(roundtrip(&f, 0, &out, &err), -LP_EDATA);
	CHECK_STR(err.msg, "string table entry 0 is not empty");
	free(out);
}

TEST(rejects_concatenated_profiles)
{
	struct fixture f;
	size_t n;
	uint8_t *buf;
	struct lp_profile p;
	struct lp_error err;

	fixture_init(&f);
	f.pb.time_nanos = 1700000000;
	n = leakpipe__pprof__profile__get_packed_size(&f.pb);
	buf = malloc(2 * n);
	leakpipe__pprof__profile__pack(&f.pb, buf);
	memcpy(buf + n, buf, n);
	lp_profile_init(&p, 0);
	CHECK_INT(lp_pprof_decode(buf, 2 * n, &p, &err), -LP_EDATA);
	CHECK(strstr(err.msg, "concatenated profiles") != NULL);
	lp_profile_release(&p);
	free(buf);
}

TEST(wire_errors_say_where)
{
	static const unsigned char overlong[] = { 0x48, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	static const unsigned char past_end[] = { 0x12, 0x05, 0x08 };
	static const unsigned char group[] = { 0x32, 0x00, 0x0b };
	struct lp_profile p;
	struct lp_error err;

	lp_profile_init(&p, 0);
	CHECK_INT(
	    lp_pprof_decode(overlong, sizeof(overlong), &p, &err), -LP_EDATA);
	CHECK_STR(err.msg, "corrupt protobuf: overlong varint in field 9 of "
	                   "profile 0 (byte 0)");
	CHECK_INT(
	    lp_pprof_decode(past_end, sizeof(past_end), &p, &err), -LP_EDATA);
	CHECK_STR(err.msg, "corrupt protobuf: field 2 of profile 0 runs past "
	                   "the end of its message (byte 0)");
	CHECK_INT(lp_pprof_decode(group, sizeof(group), &p, &err), -LP_EDATA);
	CHECK_STR(err.msg, "corrupt protobuf: field 1 of profile 0 has wire "
	                   "type 3 (byte 2)");
	CHECK_INT(lp_pprof_decode(group, 0, &p, &err), -LP_EDATA);
	CHECK_STR(err.msg, "empty input");
	lp_profile_release(&p);
}

TEST(memory_budget_is_a_data_error)
{
	struct fixture f;
	size_t n;
	uint8_t *buf;
	struct lp_profile p;
	struct lp_error err;

	fixture_init(&f);
	n = leakpipe__pprof__profile__get_packed_size(&f.pb);
	buf = malloc(n);
	leakpipe__pprof__profile__pack(&f.pb, buf);
	lp_profile_init(&p, 1024); /* far too small */
	CHECK(lp_pprof_decode(buf, n, &p, &err) < 0);
	CHECK_INT(err.code, LP_ELIMIT);
	lp_profile_release(&p);
	free(buf);
}
