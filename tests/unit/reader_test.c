/* reader_test.c - NDJSON and evidence through the one record reader */
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

/* Read every record of path: dumps of the records, errors as "!msg". */
static char *
read_all(unsigned flags)
{
	struct lp_reader *r = lp_reader_new(flags);
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

TEST(resolves_interned_stacks)
{
	static const char in[] =
	    "{\"kind\":\"stack\",\"id\":1,\"frames\":[{\"fn\":\"f\"}]}\n"
	    "{\"kind\":\"sample\",\"values\":{\"n\":1},\"stack_id\":1}\r\n"
	    "\n"
	    "{\"kind\":\"sample\",\"stack_id\":2}\n"
	    "not json\n"
	    "[1]\n"
	    "{\"kind\":\"goroutine\",\"stack\":[]}";
	char *out;

	write_file("in.ndjson", in, sizeof(in) - 1);
	out = read_all(0);
	CHECK_STR(out,
	    "{\"kind\":\"sample\",\"values\":{\"n\":1},\"stack\":[{\"fn\":\"f\"}]}\n"
	    "!line 4: stack_id 2 has no stack record before it\n"
	    "!line 5: '[' or '{' expected near 'not' (column 3)\n"
	    "!line 6: not a JSON object\n"
	    "{\"kind\":\"goroutine\",\"stack\":[]}\n");
	free(out);
	out = read_all(LP_READ_STACKS);
	CHECK(strncmp(out, "{\"kind\":\"stack\",\"id\":1", 22) == 0);
	free(out);
}

TEST(reads_evidence_in_process)
{
	static const char dump[] = "goroutine 1 [chan receive]:\n"
	                           "main.main()\n"
	                           "\t/src/main.go:10 +0x1d\n";
	char *out;

	write_file("g.txt", dump, sizeof(dump) - 1);
	out = read_all(0);
	CHECK(strstr(out, "\"kind\":\"goroutine\"") != NULL);
	CHECK(strstr(out, "\"state\":\"chan receive\"") != NULL);
	CHECK(strstr(out, "\"fn\":\"main.main\"") != NULL);
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
	out = read_all(0);
	CHECK_STR(out, "{\"a\":1}\n"
	               "!line 2: NUL byte in a record\n"
	               "!line 3: longer than the 16 MiB limit\n"
	               "{\"d\":4}\n");
	free(out);
}
