/* fuzz_input.c - untrusted bytes as a whole input: gzip, tar, zip, raw */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leakpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct lp_input *in;
	struct lp_unit u;
	struct lp_error err;
	int fd = memfd_create("fuzz", 0), rc;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		in = lp_input_open(path, &err);
		/* Iterate every unit; a bad member may be followed by more. */
		while (in && (rc = lp_input_next(in, &u, &err)) != 0)
			if (rc > 0)
				(void)lp_detect(u.data, u.len);
		lp_input_free(in);
	}
	close(fd);
	return 0;
}
