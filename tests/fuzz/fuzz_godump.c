/* fuzz_godump.c - untrusted bytes through format detection, the dump
 * parser and record writer, and the ?debug=1 text decoder */
#include <stdint.h>

#include "leakpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct lp_out o;
	struct lp_intern *in;
	unsigned n;
};

static int
each(const struct lp_goroutine *g, void *p)
{
	struct ctx *c = p;
	struct lp_emit_opts opts = { 0, NULL, 0, NULL };

	/* Every writer path: flat and interned, addresses, runtime frames. */
	opts.flags = ((c->n & 1) ? LP_EMIT_INTERN : 0) |
	             ((c->n & 2) ? LP_EMIT_ADDR : 0) |
	             ((c->n & 4) ? LP_EMIT_DROP_RUNTIME : 0);
	c->n++;
	c->o.len = 0;
	lp_goroutine_write(&c->o, g, "fuzz", &opts, c->in);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = { { 0 }, NULL, 0 };
	struct lp_diag d = { NULL, NULL, 0 };
	struct lp_error err;
	struct lp_profile p;
	enum lp_format f = lp_detect(data, size);

	(void)lp_format_name(f);
	c.in = lp_intern_new();
	if (lp_out_init(&c.o, -1, 4096) == 0) {
		/* The parser must survive any bytes, dump or not. */
		lp_godump_parse(data, size, each, &c, &d, &err);
		if (f == LP_FMT_HEAP_TEXT || f == LP_FMT_COUNT_TEXT ||
		    f == LP_FMT_CONTENTION_TEXT) {
			lp_profile_init(&p, 0);
			if (lp_legacytext_decode(data, size, f, &p, &d, &err) ==
			    0) {
				struct lp_emit_opts opts = { LP_EMIT_INTERN,
					NULL, 0, NULL };
				c.o.len = 0;
				lp_profile_write(&c.o, &p, "fuzz", &opts, c.in);
			}
			lp_profile_release(&p);
		}
		lp_out_release(&c.o);
	}
	lp_intern_free(c.in);
	return 0;
}
