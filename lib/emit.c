/* emit.c - the buffered NDJSON writer */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "emit.h"
#include "error.h"

int
lp_out_init(struct lp_out *o, int fd, size_t cap)
{
	o->fd = fd;
	o->len = 0;
	o->err = 0;
	o->unbuffered = 0;
	o->cap = cap ? cap : 4096;
	o->buf = malloc(o->cap);
	if (!o->buf) {
		o->cap = 0;
		o->err = ENOMEM;
		return -LP_ENOMEM;
	}
	return 0;
}

void
lp_out_release(struct lp_out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

int
lp_out_flush(struct lp_out *o)
{
	size_t off = 0;

	if (o->fd < 0)
		return 0;
	while (!o->err && off < o->len) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->err = errno;
			break;
		}
		off += (size_t)w;
	}
	o->len = 0;
	return o->err ? -LP_EIO : 0;
}

void
lp_out_grow(struct lp_out *o, size_t n)
{
	size_t cap;
	char *b;

	if (o->err)
		return;
	/* A file writer drains first; only a record bigger than the whole
	 * buffer (or a memory writer, fd < 0) makes the buffer grow. */
	if (o->fd >= 0) {
		lp_out_flush(o);
		if (o->err || o->cap - o->len >= n)
			return;
	}
	cap = o->cap ? o->cap : 4096;
	while (cap - o->len < n) {
		if (cap > SIZE_MAX / 2) {
			o->err = ENOMEM;
			return;
		}
		cap *= 2;
	}
	b = realloc(o->buf, cap);
	if (!b) {
		o->err = ENOMEM;
		return;
	}
	o->buf = b;
	o->cap = cap;
}

/* Bytes that need more than a copy: controls, '"', '\\', and non-ASCII. */
static inline int
needs_care(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

/* Eight bytes at p that need only a copy (no needs_care byte), tested
 * at once: names, reasons and paths are plain ASCII, and the byte loop
 * was most of the cost of writing them.  A zero is a "maybe": the byte
 * loop decides. */
static inline int
plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones << 7;
	uint64_t x, q, b;

	memcpy(&x, p, 8);
	q = x ^ (ones * '"');
	b = x ^ (ones * '\\');
	/* (v - ones) & ~v & highs: some byte of v is below 1 (is 0) */
	return !((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
	             ((b - ones) & ~b) | x) &
	         highs);
}

size_t
lp_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && p[1] > 0x9f)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;
		if (c == 0xf4 && p[1] > 0x8f)
			return 0;
		return 4;
	}
	return 0;
}

void
lp_out_str(struct lp_out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run;

	/* Worst case 6 output bytes per input byte, plus quotes: reserve
	 * once so the loop below never checks for room. */
	if (n > (SIZE_MAX - 2) / 6) {
		o->err = ENOMEM;
		return;
	}
	if (o->cap - o->len < n * 6 + 2)
		lp_out_grow(o, n * 6 + 2);
	if (o->err || o->cap - o->len < n * 6 + 2)
		return;

	char *d = o->buf + o->len;
	*d++ = '"';
	while (i < n) {
		run = i;
		while (n - run >= 8 && plain8(p + run))
			run += 8;
		while (run < n && !needs_care(p[run]))
			run++;
		memcpy(d, p + i, run - i);
		d += run - i;
		i = run;
		if (i == n)
			break;
		unsigned char c = p[i];
		if (c >= 0x80) {
			size_t k = lp_utf8_len(p + i, n - i);
			if (k) {
				memcpy(d, p + i, k);
				d += k;
				i += k;
			} else {
				memcpy(d, "\xef\xbf\xbd", 3); /* U+FFFD */
				d += 3;
				i++;
			}
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '\n': *d++ = 'n'; break;
		case '\t': *d++ = 't'; break;
		case '\r': *d++ = 'r'; break;
		case '\b': *d++ = 'b'; break;
		case '\f': *d++ = 'f'; break;
		default:
			*d++ = 'u';
			*d++ = '0';
			*d++ = '0';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
		i++;
	}
	*d++ = '"';
	o->len = (size_t)(d - o->buf);
}

/* Decimal digits of v, 1 to 20. */
static inline unsigned
ndigits(uint64_t v)
{
	static const uint64_t pow10[20] = { 1, 10, 100, 1000, 10000, 100000,
		1000000, 10000000, 100000000, 1000000000, 10000000000u,
		100000000000u, 1000000000000u, 10000000000000u,
		100000000000000u, 1000000000000000u, 10000000000000000u,
		100000000000000000u, 1000000000000000000u,
		10000000000000000000u };
	/* Bits times log10(2) is the count or one short; v | 1 makes 0 one
	 * digit and moves no other v across a power of ten (those are
	 * even, the numbers just below them odd). */
	uint64_t x = v | 1;
	unsigned n = ((64u - (unsigned)__builtin_clzll(x)) * 1233u) >> 12;

	return n + (x >= pow10[n]);
}

void
lp_out_uint(struct lp_out *o, uint64_t v)
{
	/* Two digits per division: numbers are most of a sample record.
	 * Written in place, right to left, once the length is known: a
	 * trace record has five numbers, and the copy from a scratch
	 * buffer cost as much as the digits. */
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	unsigned n = ndigits(v);
	char *d;

	if (o->cap - o->len < n)
		lp_out_grow(o, n);
	if (o->cap - o->len < n)
		return;
	d = o->buf + o->len + n;
	o->len += n;
	while (v >= 100) {
		unsigned k = (unsigned)(v % 100) * 2;
		v /= 100;
		*--d = pairs[k + 1];
		*--d = pairs[k];
	}
	if (v >= 10) {
		*--d = pairs[v * 2 + 1];
		*--d = pairs[v * 2];
	} else {
		*--d = (char)('0' + v);
	}
}

void
lp_out_int(struct lp_out *o, int64_t v)
{
	if (v < 0) {
		lp_out_ch(o, '-');
		lp_out_uint(o, (uint64_t)0 - (uint64_t)v);
	} else {
		lp_out_uint(o, (uint64_t)v);
	}
}

void
lp_out_hex(struct lp_out *o, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[20];
	int i = sizeof(tmp);

	tmp[--i] = '"';
	do {
		tmp[--i] = hex[v & 15];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	tmp[--i] = '"';
	lp_out_raw(o, tmp + i, sizeof(tmp) - (size_t)i);
}

void
lp_out_double(struct lp_out *o, double v)
{
	char tmp[32];
	int n;

	if (!isfinite(v)) {
		lp_out_lit(o, "null");
		return;
	}
	/* %.17g always reads back exactly; try shorter first for tidiness. */
	n = snprintf(tmp, sizeof(tmp), "%.15g", v);
	if (strtod(tmp, NULL) != v)
		n = snprintf(tmp, sizeof(tmp), "%.17g", v);
	if (n > 0)
		lp_out_raw(o, tmp, (size_t)n);
}

void
lp_out_end(struct lp_out *o)
{
	lp_out_ch(o, '\n');
	if (o->unbuffered)
		lp_out_flush(o);
}

static int
dump_cb(const char *buf, size_t size, void *data)
{
	lp_out_raw(data, buf, size);
	return 0;
}

void
lp_out_json(struct lp_out *o, const struct json_t *v)
{
	json_dump_callback((const json_t *)v, dump_cb, o,
	    JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}
