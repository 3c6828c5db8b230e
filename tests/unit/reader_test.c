/* reader_test.c - NDJSON lines and evidence units under lib/record.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"

static char path[512];

static void
write_file(const char *name, const char *text, size_t n)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", test_tmpdir(), name);
	f = fopen(path, "wb");
	fwrite(text, 1, n, f);
	fclose(f);
}

/* Read every record of path: dumps of the records, errors as "!msg", an
 * evidence unit as "=unit" and the first line of its head. */
static char *
read_all(void)
{
	struct lp_reader *r = lp_reader_new();
	struct lp_error err;
	struct lp_out o;
	const char *src;
	json_t *rec;
	int rc;

	lp_out_init(&o, -1, 256);
	CHECK_INT(lp_reader_open(r, path, &err), 0);
	while ((rc = lp_reader_next(r, &rec, &src, &err)) != 0) {
		if (rc < 0) {
			lp_out_ch(&o, '!');
			lp_out_raw(&o, err.msg, strlen(err.msg));
		} else if (rc == 2) {
			const struct lp_unit *u = lp_reader_unit(r);
			const char *nl = memchr(u->data, '\n', u->len);

			CHECK(rec == NULL);
			CHECK_STR(u->src, src);
			CHECK(lp_reader_input(r) != NULL);
			lp_out_raw(&o, "=unit ", 6);
			lp_out_raw(&o, (const char *)u->data,
			    nl ? (size_t)(nl - (const char *)u->data) : u->len);
		} else {
			lp_out_json(&o, rec);
			json_decref(rec);
		}
		lp_out_ch(&o, '\n');
	}
	lp_out_ch(&o, '\0');
	lp_reader_free(r);
	return o.buf;
}

TEST(ndjson_records_come_out_as_they_stand)
{
	static const char in[] =
	    "{\"kind\":\"stack\",\"id\":1,\"frames\":[{\"fn\":\"f\"}]}\n"
	    "{\"kind\":\"sample\",\"values\":{\"n\":1},\"stack_id\":1}\r\n"
	    "\n"
	    " \t\n"
	    "{\"kind\":\"sample\",\"stack_id\":2}\n"
	    "not json\n"
	    "[1]\n"
	    "{\"kind\":\"goroutine\",\"stack\":[]}";
	char *out;

	write_file("in.ndjson", in, sizeof(in) - 1);
	out = read_all();
	/* Stack ids are record.c's to resolve: an undefined one too. */
	CHECK_STR(out,
	    "{\"kind\":\"stack\",\"id\":1,\"frames\":[{\"fn\":\"f\"}]}\n"
	    "{\"kind\":\"sample\",\"values\":{\"n\":1},\"stack_id\":1}\n"
	    "{\"kind\":\"sample\",\"stack_id\":2}\n"
	    "!line 6: '[' or '{' expected near 'not' (column 3)\n"
	    "!line 7: not a JSON object\n"
	    "{\"kind\":\"goroutine\",\"stack\":[]}\n");
	free(out);
}

TEST(lines_not_json_are_told_five_times_a_unit_then_counted)
{
	static const char in[] = "{\"a\":1}\n"
	                         "x1\nx2\nx3\nx4\nx5\nx6\nx7\n"
	                         "{\"b\":2}\n";
	char *out;

	write_file("text.ndjson", in, sizeof(in) - 1);
	out = read_all();
	CHECK_STR(out, "{\"a\":1}\n"
	               "!line 2: '[' or '{' expected near 'x' (column 1)\n"
	               "!line 3: '[' or '{' expected near 'x' (column 1)\n"
	               "!line 4: '[' or '{' expected near 'x' (column 1)\n"
	               "!line 5: '[' or '{' expected near 'x' (column 1)\n"
	               "!line 6: '[' or '{' expected near 'x' (column 1)\n"
	               "{\"b\":2}\n"
	               "!2 more lines that are not JSON records\n");
	free(out);
}

TEST(evidence_is_handed_over_unread)
{
	static const char dump[] = "goroutine 1 [chan receive]:\n"
	                           "main.main()\n"
	                           "\t/src/main.go:10 +0x1d\n";
	char *out;

	write_file("g.txt", dump, sizeof(dump) - 1);
	out = read_all();
	CHECK_STR(out, "=unit goroutine 1 [chan receive]:\n");
	free(out);
}

TEST(rejects_nul_and_long_lines)
{
	char *big = malloc(LP_LINE_MAX + 100), *out;
	size_t n = 0;

	memcpy(big, "{\"a\":1}\n{\"b\":\0}\n{\"c\":\"", 22);
	n = 22;
	memset(big + n, 'x', LP_LINE_MAX + 10);
	n += LP_LINE_MAX + 10;
	memcpy(big + n, "\"}\n{\"d\":4}\n", 11);
	n += 11;
	write_file("long.ndjson", big, n);
	free(big);
	out = read_all();
	CHECK_STR(out, "{\"a\":1}\n"
	               "!line 2: NUL byte in a record\n"
	               "!line 3: longer than the 16 MiB limit\n"
	               "{\"d\":4}\n");
	free(out);
}
