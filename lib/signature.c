/* signature.c - what makes two stacks "the same cause" */
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "signature.h"
#include "util.h"

void
lp_sigspec_init(struct lp_sigspec *s)
{
	memset(s, 0, sizeof(*s));
	s->from = LP_SIG_FROM_USER;
	s->depth = 1;
	s->lines = LP_SIG_LINES_EXACT;
	s->bucket = 10;
	s->trim = LP_SIG_TRIM_RUNTIME;
	s->creator = 1;
}

int
lp_sigspec_parse_from(struct lp_sigspec *s, const char *arg)
{
	if (strcmp(arg, "user") == 0)
		s->from = LP_SIG_FROM_USER;
	else if (strcmp(arg, "leaf") == 0)
		s->from = LP_SIG_FROM_LEAF;
	else
		return -1;
	return 0;
}

int
lp_sigspec_parse_lines(struct lp_sigspec *s, const char *arg)
{
	const char *errstr = NULL;
	unsigned long long n;

	if (strcmp(arg, "exact") == 0) {
		s->lines = LP_SIG_LINES_EXACT;
		return 0;
	}
	if (strcmp(arg, "none") == 0) {
		s->lines = LP_SIG_LINES_NONE;
		return 0;
	}
	if (strncmp(arg, "bucket:", 7) != 0)
		return -1;
	n = lp_parse_uint(arg + 7, 1, 1000000, &errstr);
	if (errstr)
		return -1;
	s->lines = LP_SIG_LINES_BUCKET;
	s->bucket = (unsigned)n;
	return 0;
}

int
lp_sigspec_parse_trim(struct lp_sigspec *s, const char *arg)
{
	if (strcmp(arg, "runtime") == 0)
		s->trim = LP_SIG_TRIM_RUNTIME;
	else if (strcmp(arg, "stdlib") == 0)
		s->trim = LP_SIG_TRIM_STDLIB;
	else if (strcmp(arg, "none") == 0)
		s->trim = LP_SIG_TRIM_NONE;
	else
		return -1;
	return 0;
}

static void
write_bool(struct lp_out *o, int v)
{
	if (v)
		lp_out_lit(o, "true");
	else
		lp_out_lit(o, "false");
}

void
lp_sigspec_write(struct lp_out *o, const struct lp_sigspec *s)
{
	static const char *const trims[] = { "runtime", "stdlib", "none" };

	lp_out_lit(o, "{\"from\":");
	if (s->from == LP_SIG_FROM_USER)
		lp_out_lit(o, "\"user\"");
	else
		lp_out_lit(o, "\"leaf\"");
	lp_out_lit(o, ",\"depth\":");
	lp_out_uint(o, s->depth);
	lp_out_lit(o, ",\"lines\":");
	switch (s->lines) {
	case LP_SIG_LINES_EXACT: lp_out_lit(o, "\"exact\""); break;
	case LP_SIG_LINES_NONE: lp_out_lit(o, "\"none\""); break;
	case LP_SIG_LINES_BUCKET:
		lp_out_lit(o, "\"bucket:");
		lp_out_uint(o, s->bucket);
		lp_out_ch(o, '"');
		break;
	}
	lp_out_lit(o, ",\"trim\":\"");
	lp_out_raw(o, trims[s->trim], strlen(trims[s->trim]));
	lp_out_lit(o, "\",\"args\":");
	write_bool(o, s->args);
	lp_out_lit(o, ",\"recursion\":");
	if (s->recursion)
		lp_out_lit(o, "\"keep\"");
	else
		lp_out_lit(o, "\"collapse\"");
	lp_out_lit(o, ",\"state\":");
	write_bool(o, s->state);
	lp_out_lit(o, ",\"creator\":");
	write_bool(o, s->creator);
	lp_out_ch(o, '}');
}

struct lp_str
lp_path_base(struct lp_str path)
{
	size_t i = path.n;

	while (i > 0 && path.p[i - 1] != '/' && path.p[i - 1] != '\\')
		i--;
	return lp_str_make(path.p + i, path.n - i);
}

/*
 * A frame named after its address, with no file: one Go printed no name
 * for in a ?debug=1 text profile, a runtime frame.  Counted as the
 * runtime's, so text and protobuf forms of one profile cluster alike.
 */
static int
unnamed(const struct lp_frame *f)
{
	return f->file.n == 0 && f->line == 0 && f->fn.n > 2 &&
	       f->fn.p[0] == '0' && f->fn.p[1] == 'x';
}

static int
runtime_frame(const struct lp_frame *f)
{
	return lp_frame_is_runtime(f) || unnamed(f);
}

static int
trimmed(const struct lp_sigspec *s, const struct lp_frame *f)
{
	switch (s->trim) {
	case LP_SIG_TRIM_RUNTIME: return runtime_frame(f);
	case LP_SIG_TRIM_STDLIB:
		return runtime_frame(f) || lp_frame_is_stdlib(f);
	case LP_SIG_TRIM_NONE: break;
	}
	return 0;
}

size_t
lp_signature_site(
    const struct lp_sigspec *s, const struct lp_frame *f, size_t n)
{
	size_t i, kept = n, notrt = n;

	for (i = 0; i < n; i++) {
		if (trimmed(s, &f[i]))
			continue;
		if (s->from == LP_SIG_FROM_LEAF)
			return i;
		if (kept == n)
			kept = i;
		if (runtime_frame(&f[i]))
			continue;
		if (notrt == n)
			notrt = i;
		if (!lp_frame_is_stdlib(&f[i]))
			return i;
	}
	/* Nothing of the program's own: the stdlib frame nearest the leaf
	 * (a server's idle connection reader), else whatever is kept, else
	 * (a runtime goroutine, all trimmed) the outermost frame, which
	 * names what the goroutine runs. */
	if (notrt < n)
		return notrt;
	return kept < n ? kept : (n ? n - 1 : 0);
}

/* The line as the signature counts it. */
static int64_t
line_of(const struct lp_sigspec *s, int64_t line)
{
	if (s->lines == LP_SIG_LINES_BUCKET && line > 0)
		return line - line % (int64_t)s->bucket;
	return line;
}

/* Do two frames read the same in a signature? */
static int
same_frame(const struct lp_sigspec *s, const struct lp_frame *a,
    const struct lp_frame *b)
{
	struct lp_str fa, fb;

	if (a->fn.n != b->fn.n || memcmp(a->fn.p, b->fn.p, a->fn.n) != 0)
		return 0;
	if (s->args &&
	    (a->args.n != b->args.n ||
	        (a->args.n && memcmp(a->args.p, b->args.p, a->args.n) != 0)))
		return 0;
	if (s->lines == LP_SIG_LINES_NONE)
		return 1;
	if (line_of(s, a->line) != line_of(s, b->line))
		return 0;
	fa = lp_path_base(a->file);
	fb = lp_path_base(b->file);
	return fa.n == fb.n && (fa.n == 0 || memcmp(fa.p, fb.p, fa.n) == 0);
}

static void
frame_text(struct lp_out *o, const struct lp_sigspec *s,
    const struct lp_frame *f, int args)
{
	struct lp_str base;
	int64_t line;

	lp_out_raw(o, f->fn.p, f->fn.n);
	if (args && s->args && (f->flags & LP_FRAME_HAS_ARGS)) {
		lp_out_ch(o, '(');
		lp_out_raw(o, f->args.p, f->args.n);
		lp_out_ch(o, ')');
	}
	if (s->lines == LP_SIG_LINES_NONE || (f->file.n == 0 && f->line == 0))
		return;
	base = lp_path_base(f->file);
	lp_out_ch(o, '@');
	lp_out_raw(o, base.p, base.n);
	lp_out_ch(o, ':');
	line = line_of(s, f->line);
	lp_out_int(o, line);
	if (s->lines == LP_SIG_LINES_BUCKET && f->line > 0) {
		lp_out_ch(o, '-');
		lp_out_int(o, line + (int64_t)s->bucket - 1);
	}
}

/* Kept frames of the signature so far, for collapsing recursion. */
#define SEEN_INLINE 16

size_t
lp_signature_build(struct lp_out *o, const struct lp_sigspec *s,
    const struct lp_frame *f, size_t n, const struct lp_str *state,
    const struct lp_frame *creator)
{
	size_t site = lp_signature_site(s, f, n), i, j, kept = 0;
	size_t seen_inline[SEEN_INLINE], *seen = seen_inline;
	size_t seen_cap = SEEN_INLINE;

	if (s->state && state) {
		lp_out_ch(o, '[');
		lp_out_raw(o, state->p, state->n);
		lp_out_lit(o, "] ");
	}
	for (i = site; i < n; i++) {
		int dup = 0;
		if (s->depth && kept == s->depth)
			break;
		if (i > site && trimmed(s, &f[i]))
			continue;
		if (!s->recursion) {
			for (j = 0; j < kept && !dup; j++)
				dup = same_frame(s, &f[seen[j]], &f[i]);
			if (dup)
				continue;
			if (kept == seen_cap) {
				size_t *ns;
				if (seen == seen_inline) {
					ns = malloc(2 * seen_cap * sizeof(*ns));
					if (ns)
						memcpy(ns, seen,
						    seen_cap * sizeof(*ns));
				} else {
					ns = realloc(
					    seen, 2 * seen_cap * sizeof(*ns));
				}
				if (!ns)
					break; /* out of memory: a shorter one
					        */
				seen = ns;
				seen_cap *= 2;
			}
			seen[kept] = i;
		}
		if (kept)
			lp_out_ch(o, ';');
		frame_text(o, s, &f[i], 1);
		kept++;
	}
	if (seen != seen_inline)
		free(seen);
	if (s->creator && creator && creator->fn.n) {
		lp_out_lit(o, " <- go ");
		frame_text(o, s, creator, 0);
	}
	return site;
}

uint64_t
lp_signature_id(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
