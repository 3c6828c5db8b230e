/* emit_test.c - the NDJSON writer: escaping, numbers, errors */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "leakpipe.h"
#include "test.h"

static struct lp_out o;

static void
reset(void)
{
	lp_out_release(&o);
	lp_out_init(&o, -1, 8);
}

TEST(str_plain_and_escapes)
{
	reset();
	lp_out_cstr(&o, "a\"b\\c\n\t\r\b\f\x01/");
	CHECK_MEM(o.buf, o.len, "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001/\"");
}

TEST(str_keeps_valid_utf8)
{
	reset();
	lp_out_cstr(&o, "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
	CHECK_MEM(o.buf, o.len, "\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\"");
}

TEST(str_replaces_invalid_utf8)
{
	/* A lone continuation byte, an overlong '/', a surrogate, a cut
	 * sequence at the end: each becomes U+FFFD, the rest is kept. */
	static const char in[] = "a\x80"
	                         "b\xc0\xaf"
	                         "c\xed\xa0\x80"
	                         "d\xe4\xb8";
	reset();
	lp_out_str(&o, in, sizeof(in) - 1);
	CHECK_MEM(o.buf, o.len,
	    "\"a\xef\xbf\xbd"
	    "b\xef\xbf\xbd\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "d\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(str_with_nul)
{
	reset();
	lp_out_str(&o, "a\0b", 3);
	CHECK_MEM(o.buf, o.len, "\"a\\u0000b\"");
}

TEST(numbers)
{
	reset();
	lp_out_int(&o, INT64_MIN);
	lp_out_ch(&o, ' ');
	lp_out_int(&o, 0);
	lp_out_ch(&o, ' ');
	lp_out_uint(&o, UINT64_MAX);
	lp_out_ch(&o, ' ');
	lp_out_hex(&o, 0x4c4e52);
	lp_out_ch(&o, ' ');
	lp_out_hex(&o, 0);
	lp_out_ch(&o, ' ');
	lp_out_double(&o, 0.1);
	lp_out_ch(&o, ' ');
	lp_out_double(&o, 1.0 / 0.0);
	CHECK_MEM(o.buf, o.len,
	    "-9223372036854775808 0 18446744073709551615 \"0x4c4e52\" \"0x0\" "
	    "0.1 null");
}

TEST(numbers_at_every_length)
{
	/* Each power of ten and its neighbours: the digit count is worked
	 * out before the digits are written. */
	char want[32];
	uint64_t p = 1;

	for (int k = 0; k < 20; k++) {
		for (int d = -1; d <= 1; d++) {
			uint64_t v = p + (uint64_t)(int64_t)d;
			reset();
			lp_out_uint(&o, v);
			snprintf(
			    want, sizeof want, "%llu", (unsigned long long)v);
			CHECK_MEM(o.buf, o.len, want);
		}
		if (k < 19)
			p *= 10;
	}
}

TEST(str_special_byte_at_every_offset)
{
	/* Plain runs are copied eight bytes at a time: a byte that needs
	 * escaping or checking must be seen wherever it falls. */
	static const char *const special[] = { "\"", "\\", "\x01", "\x1f",
		"\x80", "\xc3\xa9" };
	static const char *const escaped[] = { "\\\"", "\\\\", "\\u0001",
		"\\u001f", "\xef\xbf\xbd", "\xc3\xa9" };

	for (size_t s = 0; s < sizeof special / sizeof special[0]; s++) {
		for (int at = 0; at < 20; at++) {
			char in[64], want[80];
			int n = snprintf(in, sizeof in, "%.*s%s%.*s", at,
			    "abcdefghijklmnopqrstuvwxyz", special[s], 19 - at,
			    " !#$%&'()*+,-./0123456789");
			snprintf(want, sizeof want, "\"%.*s%s%.*s\"", at,
			    "abcdefghijklmnopqrstuvwxyz", escaped[s], 19 - at,
			    " !#$%&'()*+,-./0123456789");
			reset();
			lp_out_str(&o, in, (size_t)n);
			CHECK_MEM(o.buf, o.len, want);
		}
	}
}

TEST(grows_for_big_records)
{
	char big[100000];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	reset();
	lp_out_str(&o, big, sizeof(big));
	CHECK_INT(o.len, sizeof(big) + 2);
	CHECK_INT(o.err, 0);
}

TEST(write_error_is_sticky)
{
	struct lp_out f;
	int fd = open("/dev/full", O_WRONLY);

	CHECK(fd >= 0);
	lp_out_init(&f, fd, 16);
	lp_out_lit(&f, "0123456789abcdefghijklmnopqrstuvwxyz");
	CHECK(lp_out_flush(&f) < 0);
	CHECK_INT(lp_out_error(&f), ENOSPC);
	lp_out_lit(&f, "more");
	CHECK(lp_out_flush(&f) < 0);
	lp_out_release(&f);
	close(fd);
}

TEST(intern_gives_one_id_per_stack)
{
	struct lp_intern *in = lp_intern_new();
	uint64_t a, b, c;

	reset();
	a = lp_intern_stack(in, &o, "[1]", 3);
	b = lp_intern_stack(in, &o, "[2]", 3);
	c = lp_intern_stack(in, &o, "[1]", 3);
	CHECK_INT(a, 1);
	CHECK_INT(b, 2);
	CHECK_INT(c, 1);
	CHECK_MEM(o.buf, o.len,
	    "{\"kind\":\"stack\",\"id\":1,\"frames\":[1]}\n"
	    "{\"kind\":\"stack\",\"id\":2,\"frames\":[2]}\n");
	lp_intern_free(in);
	lp_out_release(&o);
}
