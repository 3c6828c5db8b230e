/* fuzz_gctrace.c - untrusted bytes through the gctrace log reader: line
 * finding, wall-clock anchoring and the gc record writer, and the
 * timestamp reader on its own */
#include <stdint.h>

#include "leakpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lp_out o;
	struct lp_diag d = { NULL, NULL, 0 };
	struct lp_error err;
	struct lp_gctrace_opts opts = { 1796173200000000000LL };
	int64_t ns, res;

	(void)lp_gctrace_match(data, size);
	(void)lp_gctrace_timestamp((const char *)data, size, &ns, &res);
	if (lp_out_init(&o, -1, 4096) == 0) {
		lp_gctrace_write(&o, data, size, "fuzz", &opts, &d, &err);
		lp_out_release(&o);
	}
	return 0;
}
