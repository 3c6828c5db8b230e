/* fuzz_tracev1.c - untrusted bytes through the legacy execution trace
 * decoder (formats 1.5 to 1.21), every event read to the end */
#include <stdint.h>
#include <string.h>

#include "traceimpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A trace header picks its own version; otherwise the first byte does
 * and the rest is the body, so that mutations reach every format. */
static const int versions[] = { 5, 7, 8, 9, 10, 11, 19, 21 };

static int
header_version(const uint8_t *d, size_t n)
{
	int v = 0;
	size_t i = 5;

	if (n < 16 || memcmp(d, "go 1.", 5) != 0)
		return 0;
	while (i < 8 && d[i] >= '0' && d[i] <= '9')
		v = v * 10 + (d[i++] - '0');
	return v >= 5 && v <= 21 ? v : 0;
}

static uint64_t sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lp_byte_src src = { NULL, 0, NULL, NULL };
	struct lp_error err;
	struct lp_trace *t;
	const struct lp_tev *e;
	int v = header_version(data, size);

	if (v) {
		src.head = data + 16;
		src.headlen = size - 16;
	} else {
		if (size < 1)
			return 0;
		v = versions[data[0] & 7];
		src.head = data + 1;
		src.headlen = size - 1;
	}
	t = lp_tracev1_open(&src, v, &err);
	if (!t)
		return 0;
	while (t->next(t, &e, &err) == 1) {
		/* Touch what a writer would read. */
		sink += (uint64_t)e->t + e->name.n + e->reason.n + e->message.n;
		if (e->name.n)
			sink += (unsigned char)e->name.p[e->name.n - 1];
		if (e->message.n)
			sink += (unsigned char)e->message.p[e->message.n - 1];
		const struct lp_tstack *st[2] = { e->stack, e->tstack };

		for (int k = 0; k < 2; k++)
			for (uint32_t i = 0; st[k] && i < st[k]->n; i++) {
				const struct lp_tframe *f = &st[k]->frames[i];

				sink += f->pc + f->fn.n + f->file.n + f->line;
				if (f->fn.n)
					sink += (unsigned char)f->fn.p[0];
			}
	}
	t->free(t);
	return 0;
}
