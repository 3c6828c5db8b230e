/* util.c - argument parsing and hashing */
#include <errno.h>
#include <stdlib.h>

#include "util.h"

unsigned long long
lp_parse_uint(const char *s, unsigned long long min, unsigned long long max,
    const char **errstr)
{
	unsigned long long v;
	char *end;

	*errstr = NULL;
	if (!s || *s < '0' || *s > '9') {
		*errstr = "invalid";
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return 0;
	}
	if (errno == ERANGE || v > max) {
		*errstr = "too large";
		return 0;
	}
	if (v < min) {
		*errstr = "too small";
		return 0;
	}
	return v;
}

uint64_t
lp_hash(const void *p, size_t n, uint64_t seed)
{
	/* FNV-1a over 8-byte words, then a final mix (splitmix64's). */
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull ^ seed;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		__builtin_memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

int
lp_reserve(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 8;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return -1;
		c *= 2;
	}
	if (c > SIZE_MAX / size || !(q = realloc(*p, c * size)))
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

const char *
lp_shown(char *buf, const char *p, size_t n)
{
	size_t i;

	if (n > 40)
		n = 40;
	for (i = 0; i < n; i++)
		buf[i] = p[i] ? p[i] : '?';
	buf[n] = '\0';
	return buf;
}
