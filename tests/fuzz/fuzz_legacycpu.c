/* fuzz_legacycpu.c - untrusted bytes through the legacy CPU and threadz
 * decoders and the profile writer */
#include <stdint.h>

#include "leakpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
write_all(struct lp_profile *p, struct lp_intern *in)
{
	struct lp_emit_opts opts = { 0, NULL, 0, NULL };
	struct lp_out o;
	unsigned f;

	if (lp_out_init(&o, -1, 4096) != 0)
		return;
	for (f = 0; f < 4; f++) {
		opts.flags = ((f & 1) ? LP_EMIT_INTERN : 0) |
		             ((f & 2) ? LP_EMIT_ADDR : 0);
		o.len = 0;
		lp_profile_write(&o, p, "fuzz", &opts, in);
	}
	lp_out_release(&o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lp_profile p;
	struct lp_error err;
	struct lp_intern *in = lp_intern_new();

	/* Both decoders see every input: a corrupt header must not get
	 * past either. */
	lp_profile_init(&p, 0);
	if (lp_legacycpu_decode(data, size, &p, &err) == 0)
		write_all(&p, in);
	lp_profile_release(&p);
	lp_profile_init(&p, 0);
	if (lp_threadz_decode(data, size, &p, &err) == 0)
		write_all(&p, in);
	lp_profile_release(&p);
	lp_intern_free(in);
	return 0;
}
