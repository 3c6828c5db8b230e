/* signature.h - what makes two stacks "the same cause" */
#ifndef LP_SIGNATURE_H
#define LP_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "emit.h"
#include "frame.h"
#include "str.h"

/*
 * A semantic signature of a stack: the frames that say where something
 * is stuck, normalised so that argument words, recursion depth, call
 * paths below the site and install locations do not split one cause into
 * thousands.  The signature is a line of text (leakpipe(7), "cluster"),
 * and its FNV-1a hash is an id that holds across runs, files and days.
 */

/* Where the signature's frames start. */
enum lp_sig_from {
	LP_SIG_FROM_USER, /* the first frame outside the runtime and stdlib */
	LP_SIG_FROM_LEAF, /* the innermost frame that is not trimmed */
};

/* How a frame's file and line count. */
enum lp_sig_lines {
	LP_SIG_LINES_EXACT,  /* fn@file:line */
	LP_SIG_LINES_BUCKET, /* fn@file:A-B, lines rounded down to N */
	LP_SIG_LINES_NONE,   /* fn only */
};

/* Which frames are left out of the signature. */
enum lp_sig_trim {
	LP_SIG_TRIM_RUNTIME, /* the Go runtime's (lp_frame_is_runtime) */
	LP_SIG_TRIM_STDLIB,  /* the runtime's and the standard library's */
	LP_SIG_TRIM_NONE,    /* none */
};

struct lp_sigspec {
	enum lp_sig_from from;
	unsigned depth; /* frames kept, counted from the start; 0 = all */
	enum lp_sig_lines lines;
	unsigned bucket; /* LP_SIG_LINES_BUCKET: lines per bucket, >= 1 */
	enum lp_sig_trim trim;
	int args;      /* frames keep their argument words */
	int recursion; /* keep repeated frames (0: each frame once) */
	int state;     /* the goroutine's state is part of the signature */
	int creator;   /* its creator (created_by) is part of it */
};

/*
 * The defaults: one signature per blocking site and creator, whatever the
 * arguments, the call path and the recursion depth (from the first user
 * frame, one frame, exact lines, runtime trimmed, recursion collapsed,
 * creator in, state out).
 */
void lp_sigspec_init(struct lp_sigspec *s);

/* Parse --from (leaf, user), --lines (exact, none, bucket:N) and --trim
 * (runtime, stdlib, none) into s; each returns 0, or -1 when arg is none
 * of them. */
int lp_sigspec_parse_from(struct lp_sigspec *s, const char *arg);
int lp_sigspec_parse_lines(struct lp_sigspec *s, const char *arg);
int lp_sigspec_parse_trim(struct lp_sigspec *s, const char *arg);

/* s as a JSON object, {"from":…,"depth":…,…}, the way leakpipe(7) says. */
void lp_sigspec_write(struct lp_out *o, const struct lp_sigspec *s);

/*
 * Append the signature of a stack to o as raw text (not JSON): f[0..n)
 * leaf first, state (NULL when the record has none) and creator (NULL
 * when unknown), all borrowed.  Returns the index in f of the site, the
 * first frame the signature names, or n when it names none (an empty or
 * wholly trimmed stack).
 */
size_t lp_signature_build(struct lp_out *o, const struct lp_sigspec *s,
    const struct lp_frame *f, size_t n, const struct lp_str *state,
    const struct lp_frame *creator);

/* The index of the site alone, as lp_signature_build finds it. */
size_t lp_signature_site(
    const struct lp_sigspec *s, const struct lp_frame *f, size_t n);

/* The id of a signature: FNV-1a, 64 bits, of its bytes. */
uint64_t lp_signature_id(const char *p, size_t n);

/* The last element of a path (after the last '/' or '\'). */
struct lp_str lp_path_base(struct lp_str path);

#endif
