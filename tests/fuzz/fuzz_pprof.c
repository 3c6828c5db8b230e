/* fuzz_pprof.c - untrusted bytes through the pprof decoder and writer */
#include <stdint.h>

#include "leakpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lp_profile p;
	struct lp_error err;
	struct lp_out o;
	struct lp_intern *in = lp_intern_new();
	struct lp_emit_opts opts = { 0, NULL, 0, NULL };
	unsigned f;

	lp_profile_init(&p, 0);
	if (lp_pprof_decode(data, size, &p, &err) == 0 &&
	    lp_out_init(&o, -1, 4096) == 0) {
		/* Every writer path: flat and interned, with and without
		 * addresses and runtime frames. */
		for (f = 0; f < 8; f++) {
			opts.flags = ((f & 1) ? LP_EMIT_INTERN : 0) |
			             ((f & 2) ? LP_EMIT_ADDR : 0) |
			             ((f & 4) ? LP_EMIT_DROP_RUNTIME : 0);
			o.len = 0;
			lp_profile_write(&o, &p, "fuzz", &opts, in);
		}
		lp_out_release(&o);
	}
	lp_profile_release(&p);
	lp_intern_free(in);
	return 0;
}
