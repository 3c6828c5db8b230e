/* limits.c - the memory budget every limit in limits.h derives from */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "limits.h"

/* Never below this, so that a typo cannot make every input "too large". */
#define MEMORY_MIN ((size_t)64 << 20)

/* "SIZE": digits and an optional K, M, G or T (powers of 1024). */
static size_t
parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return 0;
	switch (*end) {
	case 'k':
	case 'K': shift = 10; break;
	case 'm':
	case 'M': shift = 20; break;
	case 'g':
	case 'G': shift = 30; break;
	case 't':
	case 'T': shift = 40; break;
	case '\0': break;
	default: return 0;
	}
	if (shift && *++end != '\0')
		return 0;
	if (v > (SIZE_MAX >> shift))
		return 0;
	v <<= shift;
	return v < MEMORY_MIN ? 0 : (size_t)v;
}

size_t
lp_memory_max(void)
{
	static size_t max;

	if (!max) {
		max = parse_size(getenv("LEAKPIPE_MEMORY_MAX"));
		if (!max)
			max = LP_MEMORY_DEFAULT;
	}
	return max;
}
