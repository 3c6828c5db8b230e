/* profile.h - a decoded pprof profile, whatever format it came from */
#ifndef LP_PROFILE_H
#define LP_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "emit.h"
#include "frame.h"
#include "intern.h"
#include "str.h"

struct lp_valuetype {
	struct lp_str type, unit;
};

/* A sample label: a string one, or a numeric one with its unit. */
struct lp_label {
	struct lp_str key;
	struct lp_str str; /* string labels */
	int64_t num;       /* numeric labels */
	struct lp_str
	    unit; /* numeric labels; inferred as pprof does if unset */
	int is_num;
};

struct lp_mapping {
	uint64_t id, start, limit, offset;
	struct lp_str file, build_id;
	unsigned has_functions : 1, has_filenames : 1, has_line_numbers : 1,
	    has_inline_frames : 1;
};

/*
 * A location expands to one or more logical frames, leaf first: every
 * frame but the last is marked LP_FRAME_INLINED.  An unsymbolized location
 * has one frame named after its address.
 */
struct lp_location {
	uint64_t id, addr;
	size_t mapping; /* index + 1 into mappings, 0 = none */
	struct lp_frame *frames;
	size_t nframes;
};

struct lp_sample {
	uint32_t *locs; /* indexes into locations, leaf first */
	size_t nlocs;
	int64_t *values; /* one per sample type */
	struct lp_label *labels;
	size_t nlabels;
	int partial; /* cut by the end of the input: written "partial":true */
};

/* One "# Name = value" line of a heap profile's runtime.MemStats trailer. */
struct lp_memstat {
	struct lp_str name, value; /* value is the raw text */
};

struct lp_profile {
	const char *format; /* "pprof", "heap-text", "count-text", … */
	struct lp_valuetype *sample_types;
	size_t nsample_types;
	size_t default_type; /* index into sample_types */
	struct lp_valuetype period_type;
	int64_t period;
	int64_t time_ns, duration_ns;
	struct lp_str *comments;
	size_t ncomments;
	struct lp_str drop_frames, keep_frames, doc_url;
	struct lp_mapping *mappings;
	size_t nmappings;
	struct lp_location *locations;
	size_t nlocations;
	struct lp_sample *samples;
	size_t nsamples;
	struct lp_memstat *memstats;
	size_t nmemstats;
	struct lp_arena arena; /* owns everything above */
};

void lp_profile_init(struct lp_profile *p, size_t budget);
void lp_profile_release(struct lp_profile *p);

/* What a writer is asked for, shared by every record writer. */
struct lp_emit_opts {
	unsigned flags;      /* LP_EMIT_* from frame.h */
	const char **values; /* sample type names to keep; NULL = all */
	size_t nvalues;
	unsigned long *hits; /* per name, profiles that had it (may be NULL) */
};

/*
 * Write the profile record and then one sample record per sample, with
 * the given src.  opts may be NULL (flat, every value, no addresses).  in
 * is the stream's interner (needed with LP_EMIT_INTERN).
 * Returns 0 or -LP_ENOMEM.
 */
int lp_profile_write(struct lp_out *o, struct lp_profile *p, const char *src,
    const struct lp_emit_opts *opts, struct lp_intern *in);

#endif
