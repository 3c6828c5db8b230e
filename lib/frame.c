/* frame.c - writing frames and stacks */
#include "frame.h"

void
lp_frame_write_members(
    struct lp_out *o, const struct lp_frame *f, unsigned flags)
{
	lp_out_lit(o, "\"fn\":");
	lp_out_lstr(o, f->fn);
	lp_out_lit(o, ",\"file\":");
	lp_out_lstr(o, f->file);
	lp_out_lit(o, ",\"line\":");
	lp_out_int(o, f->line);
	if ((f->flags & LP_FRAME_HAS_ADDR) && (flags & LP_EMIT_ADDR)) {
		lp_out_lit(o, ",\"addr\":");
		lp_out_hex(o, f->addr);
	}
	if (f->flags & LP_FRAME_INLINED)
		lp_out_lit(o, ",\"inlined\":true");
	if (f->flags & LP_FRAME_HAS_ARGS) {
		lp_out_lit(o, ",\"args\":");
		lp_out_lstr(o, f->args);
	}
	if (f->flags & LP_FRAME_HAS_OFFSET) {
		lp_out_lit(o, ",\"offset\":");
		lp_out_hex(o, f->offset);
	}
}

void
lp_frame_write(struct lp_out *o, const struct lp_frame *f, unsigned flags)
{
	lp_out_ch(o, '{');
	lp_frame_write_members(o, f, flags);
	lp_out_ch(o, '}');
}

void
lp_frames_write(
    struct lp_out *o, const struct lp_frame *f, size_t n, unsigned flags)
{
	size_t i;
	int first = 1;

	for (i = 0; i < n; i++) {
		if ((flags & LP_EMIT_DROP_RUNTIME) &&
		    lp_frame_is_runtime(&f[i]))
			continue;
		if (!first)
			lp_out_ch(o, ',');
		first = 0;
		lp_frame_write(o, &f[i], flags);
	}
}

void
lp_stack_write(
    struct lp_out *o, const struct lp_frame *f, size_t n, unsigned flags)
{
	lp_out_ch(o, '[');
	lp_frames_write(o, f, n, flags);
	lp_out_ch(o, ']');
}

int
lp_frame_is_runtime(const struct lp_frame *f)
{
	struct lp_str fn = f->fn;

	/* "runtime.x" and "runtime/internal/…", "internal/runtime/…"; but
	 * runtime/pprof, runtime/trace, runtime/debug are user packages. */
	if (lp_str_has_prefix(fn, "runtime."))
		return 1;
	if (lp_str_has_prefix(fn, "runtime/internal/") ||
	    lp_str_has_prefix(fn, "internal/runtime/"))
		return 1;
	return 0;
}
