/* fuzz_trace.c - untrusted bytes through the trace decoders (any header
 * version), the event writer and both summaries */
#include <stdint.h>
#include <string.h>

#include "leakpipe.h"
#include "trace.h"
#include "traceemit.h"
#include "traceview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Hand the bytes over in small pieces, as a pipe would. */
struct feed {
	const uint8_t *p;
	size_t n, pos;
};

static long
more(void *ctx, void *buf, size_t n, struct lp_error *err)
{
	struct feed *f = ctx;
	size_t k = f->n - f->pos;

	(void)err;
	if (k > n)
		k = n;
	if (k > 4093)
		k = 4093;
	memcpy(buf, f->p + f->pos, k);
	f->pos += k;
	return (long)k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the header version and the writer's options,
	 * so the fuzzer need not find the 16-byte header itself. */
	static const int versions[] = { 5, 7, 9, 10, 11, 19, 21, 22, 23, 25, 26,
		0 };
	unsigned char hdr[4096];
	size_t h;
	struct feed f;
	struct lp_byte_src src;
	struct lp_error err;
	struct lp_trace *t;
	struct lp_tev_writer w;
	struct lp_tview *v;
	struct lp_intern *in;
	struct lp_out o;
	const struct lp_tev *ev;
	unsigned opt;
	int ver;

	if (size < 1)
		return 0;
	opt = data[0];
	ver = versions[opt % (sizeof versions / sizeof versions[0])];
	data++;
	size--;
	if (ver) {
		int n = snprintf((char *)hdr, 17, "go 1.%d trace", ver);
		memset(hdr + n, 0, 16 - (size_t)n);
		h = 16;
	} else {
		h = 0;
	}
	/* The head holds a little of the data, the rest comes by more(). */
	{
		size_t k = size < 64 ? size : 64;
		memcpy(hdr + h, data, k);
		h += k;
		f = (struct feed){ data, size, k };
	}
	src = (struct lp_byte_src){ hdr, h, more, &f };
	if (!(t = lp_trace_open(&src, &err)))
		return 0;
	in = lp_intern_new();
	lp_out_init(&o, -1, 4096);
	lp_tev_writer_init(&w, "fuzz",
	    ((opt & 0x10) ? LP_EMIT_INTERN : 0) |
	        ((opt & 0x20) ? LP_EMIT_DROP_RUNTIME : 0) |
	        ((opt & 0x40) ? LP_EMIT_ADDR : 0),
	    in);
	v = lp_tview_new(LP_VIEW_GOROUTINES | LP_VIEW_GC);
	while (lp_trace_next(t, &ev, &err) > 0) {
		o.len = 0;
		lp_tev_write(&o, &w, ev, lp_trace_arena(t));
		if (v)
			lp_tview_add(v, &o, &w, ev, lp_trace_arena(t));
	}
	if (v) {
		lp_tview_finish(v, &o, &w);
		lp_tview_free(v);
	}
	lp_tev_writer_release(&w);
	lp_out_release(&o);
	lp_intern_free(in);
	lp_trace_free(t);
	return 0;
}
