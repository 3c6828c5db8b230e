/* fuzz_gunzip.c - untrusted bytes through the gzip inflater */
#include <stdint.h>
#include <stdlib.h>

#include "leakpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out;
	size_t n;
	struct lp_error err;

	if (lp_gunzip(data, size, &out, &n, &err) == 0)
		free(out);
	return 0;
}
