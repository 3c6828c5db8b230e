/* pprof.c - binary pprof (profile.proto) into struct lp_profile */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "pprof.h"
#include "profile.pb-c.h"
#include "u64map.h"
#include "util.h"

typedef Leakpipe__Pprof__Profile PbProfile;
typedef Leakpipe__Pprof__Sample PbSample;
typedef Leakpipe__Pprof__Location PbLocation;
typedef Leakpipe__Pprof__Function PbFunction;
typedef Leakpipe__Pprof__Mapping PbMapping;
typedef Leakpipe__Pprof__Label PbLabel;
typedef Leakpipe__Pprof__ValueType PbValueType;

/*
 * The wire walk.  protobuf-c says only "failed" when a message is bad, so
 * before unpacking we walk the wire format once ourselves to say where:
 * which message, which field, which byte.  It also finds a second
 * time_nanos, pprof's sign of two profiles glued together.
 */
struct walk {
	const unsigned char *base;
	struct lp_error *err;
	int time_seen;
	int64_t first_time;
	unsigned long count[8]; /* top-level messages seen, per kind */
};

/* The messages of profile.proto, for the walk and its errors. */
enum msg {
	M_PROFILE,
	M_VALUETYPE,
	M_SAMPLE,
	M_LABEL,
	M_MAPPING,
	M_LOCATION,
	M_LINE,
	M_FUNCTION
};

static const char *const msg_name[] = { "profile", "value type", "sample",
	"label", "mapping", "location", "line", "function" };

/* Which fields of which message are themselves messages (or -1). */
static int
submessage(enum msg m, uint64_t field)
{
	switch (m) {
	case M_PROFILE:
		switch (field) {
		case 1:
		case 11: return M_VALUETYPE;
		case 2: return M_SAMPLE;
		case 3: return M_MAPPING;
		case 4: return M_LOCATION;
		case 5: return M_FUNCTION;
		}
		return -1;
	case M_SAMPLE: return field == 3 ? M_LABEL : -1;
	case M_LOCATION: return field == 4 ? M_LINE : -1;
	default: return -1;
	}
}

/*
 * The wire types a field may use: messages, strings and packed repeated
 * scalars are length-delimited (2); scalars are varints (0); repeated
 * scalars may be either.  0 for fields we do not know (skipped, any type).
 */
#define WT(t) (1u << (t))
static unsigned
wire_types(enum msg m, uint64_t field)
{
	static const unsigned char last[] = { 15, 2, 3, 4, 10, 5, 3, 5 };
	const unsigned V = WT(0), L = WT(2);

	if (field == 0 || field > last[m])
		return 0;
	switch (m) {
	case M_PROFILE:
		if (field <= 6 || field == 11)
			return L;
		return field == 13 ? V | L : V;
	case M_SAMPLE: return field == 3 ? L : V | L;
	case M_LOCATION: return field == 4 ? L : V;
	default: return V;
	}
}

/* Read a varint at *pp (< end); 0 on success, -1 when the bytes end
 * first, -2 when longer than 10 bytes or over 64 bits. */
static int
varint(const unsigned char **pp, const unsigned char *end, uint64_t *v)
{
	size_t pos = 0;
	int rc = lp_uvarint(*pp, (size_t)(end - *pp), &pos, v);

	if (rc == 1)
		*pp += pos;
	return rc == 1 ? 0 : rc == 0 ? -1 : -2;
}

static int
walk(struct walk *w, enum msg m, const unsigned char *p,
    const unsigned char *end, unsigned long index, int depth)
{
	uint64_t key, v;
	int rc;

	while (p < end) {
		const unsigned char *at = p;
		if (varint(&p, end, &key) < 0)
			return lp_error_set(w->err, LP_EDATA,
			    "corrupt protobuf: bad field key in %s %lu (byte %zu)",
			    msg_name[m], index, (size_t)(at - w->base));
		uint64_t field = key >> 3;
		unsigned wt = key & 7;
		if (field == 0)
			return lp_error_set(w->err, LP_EDATA,
			    "corrupt protobuf: field number 0 in %s %lu (byte %zu)",
			    msg_name[m], index, (size_t)(at - w->base));
		if (wire_types(m, field) && !(wire_types(m, field) & WT(wt)))
			return lp_error_set(w->err, LP_EDATA,
			    "corrupt protobuf: field %" PRIu64 " of %s %lu has "
			    "wire type %u (byte %zu)",
			    field, msg_name[m], index, wt,
			    (size_t)(at - w->base));
		switch (wt) {
		case 0:
			if ((rc = varint(&p, end, &v)) < 0)
				return lp_error_set(w->err, LP_EDATA,
				    "corrupt protobuf: %s varint in field %" PRIu64
				    " of %s %lu (byte %zu)",
				    rc == -1 ? "truncated" : "overlong", field,
				    msg_name[m], index, (size_t)(at - w->base));
			if (m == M_PROFILE && field == 9) {
				if (w->time_seen && w->first_time != 0)
					return lp_error_set(w->err, LP_EDATA,
					    "concatenated profiles: a second "
					    "time_nanos (byte %zu)",
					    (size_t)(at - w->base));
				w->time_seen = 1;
				w->first_time = (int64_t)v;
			}
			break;
		case 1:
		case 5:
			if ((size_t)(end - p) < (wt == 1 ? 8u : 4u))
				return lp_error_set(w->err, LP_EDATA,
				    "corrupt protobuf: truncated fixed-width "
				    "field %" PRIu64 " of %s %lu (byte %zu)",
				    field, msg_name[m], index,
				    (size_t)(at - w->base));
			p += wt == 1 ? 8 : 4;
			break;
		case 2: {
			int sub;
			if (varint(&p, end, &v) < 0 ||
			    (v <= INT32_MAX && v > (uint64_t)(end - p)))
				return lp_error_set(w->err, LP_EDATA,
				    "corrupt protobuf: field %" PRIu64
				    " of %s %lu runs past the end of its "
				    "message (byte %zu)",
				    field, msg_name[m], index,
				    (size_t)(at - w->base));
			if (v > INT32_MAX)
				return lp_error_set(w->err, LP_ELIMIT,
				    "field %" PRIu64 " of %s %lu is %" PRIu64
				    " bytes, over protobuf's 2 GiB limit "
				    "(byte %zu)",
				    field, msg_name[m], index, v,
				    (size_t)(at - w->base));
			sub = submessage(m, field);
			if (sub >= 0 && depth < 4) {
				/* Number entries so errors can name them. */
				unsigned long n =
				    depth == 0 ? w->count[sub]++ : index;
				if ((rc = walk(w, (enum msg)sub, p, p + v, n,
				         depth + 1)) < 0)
					return rc;
			}
			p += v;
			break;
		}
		default:
			return lp_error_set(w->err, LP_EDATA,
			    "corrupt protobuf: wire type %u in field %" PRIu64
			    " of %s %lu (byte %zu)",
			    wt, field, msg_name[m], index,
			    (size_t)(at - w->base));
		}
	}
	return 0;
}

/* protobuf-c allocates from the profile's arena: one budget, one free. */
struct pb_alloc {
	struct lp_arena *arena;
	int failed; /* the budget ran out: a limit, not a corrupt file */
};

static void *
arena_alloc(void *data, size_t size)
{
	struct pb_alloc *a = data;
	void *p = lp_arena_alloc(a->arena, size);

	if (!p)
		a->failed = 1;
	return p;
}

static void
arena_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

/*
 * Message ids (64-bit, any scheme) to array indexes.  Go numbers them
 * 1..n densely, which takes the direct path; other writers use addresses
 * or hashes, which take the hash table.
 */
struct idmap {
	struct lp_u64map map; /* id -> index */
	int dense;            /* index id - 1, with no map */
	size_t n;
};

static int
idmap_build(struct idmap *m, struct lp_arena *a, size_t n,
    uint64_t (*id_of)(const void *, size_t), const void *arr, const char *what,
    struct lp_error *err)
{
	size_t i;

	(void)a;
	m->n = n;
	m->dense = 1;
	for (i = 0; i < n && m->dense; i++)
		m->dense = id_of(arr, i) == i + 1;
	if (m->dense)
		return 0;
	for (i = 0; i < n; i++) {
		uint64_t id = id_of(arr, i);
		if (id == 0)
			return lp_error_set(err, LP_EDATA,
			    "%s %zu has the reserved id 0", what, i);
		if (lp_u64map_get(&m->map, id))
			return lp_error_set(err, LP_EDATA,
			    "two %ss have id %" PRIu64, what, id);
		if (lp_u64map_put(&m->map, id, i) < 0)
			return lp_error_set(err, LP_ELIMIT,
			    "out of memory for %zu %ss", n, what);
	}
	return 0;
}

/* Index of id, or -1. */
static inline int64_t
idmap_get(const struct idmap *m, uint64_t id)
{
	const uint64_t *v;

	if (id == 0)
		return -1;
	if (m->dense)
		return id <= m->n ? (int64_t)(id - 1) : -1;
	v = lp_u64map_get(&m->map, id);
	return v ? (int64_t)*v : -1;
}

static uint64_t
function_id(const void *arr, size_t i)
{
	return ((PbFunction *const *)arr)[i]->id;
}

static uint64_t
location_id(const void *arr, size_t i)
{
	return ((PbLocation *const *)arr)[i]->id;
}

static uint64_t
mapping_id(const void *arr, size_t i)
{
	return ((PbMapping *const *)arr)[i]->id;
}

struct decoder {
	PbProfile *pb;
	struct lp_profile *p;
	struct lp_error *err;
	struct idmap funcs, locs, maps;
};

/* No number in an error's "in WHAT N". */
#define NO_INDEX UINT64_MAX

/*
 * String table lookup with the bounds check every index needs; what and n
 * name the referring message for the error ("in function 12"), formatted
 * only when there is one: this runs for every string of every sample.
 */
static int
str_at(struct decoder *d, int64_t idx, struct lp_str *out, const char *what,
    uint64_t n)
{
	if (LP_UNLIKELY(idx < 0 || (uint64_t)idx >= d->pb->n_string_table)) {
		if (n == NO_INDEX)
			return lp_error_set(d->err, LP_EDATA,
			    "string index %" PRId64 " out of range (table has "
			    "%zu) in %s",
			    idx, d->pb->n_string_table, what);
		return lp_error_set(d->err, LP_EDATA,
		    "string index %" PRId64 " out of range (table has %zu) "
		    "in %s %" PRIu64,
		    idx, d->pb->n_string_table, what, n);
	}
	out->p = (const char *)d->pb->string_table[idx].data;
	out->n = d->pb->string_table[idx].len;
	return 0;
}

static int
valuetype(struct decoder *d, const PbValueType *v, struct lp_valuetype *t,
    const char *what, uint64_t n)
{
	memset(t, 0, sizeof(*t));
	if (!v)
		return 0;
	if (str_at(d, v->type, &t->type, what, n) < 0 ||
	    str_at(d, v->unit, &t->unit, what, n) < 0)
		return -LP_EDATA;
	return 0;
}

static int
decode_header(struct decoder *d)
{
	PbProfile *pb = d->pb;
	struct lp_profile *p = d->p;
	struct lp_str def = { "", 0 };
	size_t i;

	if (pb->n_string_table == 0 || pb->string_table[0].len != 0)
		return lp_error_set(d->err, LP_EDATA,
		    pb->n_string_table ? "string table entry 0 is not empty"
		                       : "no string table");
	if (pb->n_sample && !pb->n_sample_type)
		return lp_error_set(
		    d->err, LP_EDATA, "samples without sample types");
	p->nsample_types = pb->n_sample_type;
	p->sample_types = lp_arena_calloc(
	    &p->arena, pb->n_sample_type + 1, sizeof(*p->sample_types));
	if (!p->sample_types)
		return lp_error_set(d->err, LP_ELIMIT, "out of memory");
	for (i = 0; i < pb->n_sample_type; i++) {
		if (valuetype(d, pb->sample_type[i], &p->sample_types[i],
		        "sample type", i))
			return -LP_EDATA;
	}
	if (valuetype(
	        d, pb->period_type, &p->period_type, "period type", NO_INDEX) ||
	    str_at(d, pb->default_sample_type, &def, "default sample type",
	        NO_INDEX) ||
	    str_at(
	        d, pb->drop_frames, &p->drop_frames, "drop_frames", NO_INDEX) ||
	    str_at(
	        d, pb->keep_frames, &p->keep_frames, "keep_frames", NO_INDEX) ||
	    str_at(d, pb->doc_url, &p->doc_url, "doc_url", NO_INDEX))
		return -LP_EDATA;
	/* pprof's rule: unset means the last sample type. */
	p->default_type = pb->n_sample_type ? pb->n_sample_type - 1 : 0;
	for (i = 0; def.n && i < pb->n_sample_type; i++)
		if (p->sample_types[i].type.n == def.n &&
		    memcmp(p->sample_types[i].type.p, def.p, def.n) == 0)
			p->default_type = i;
	p->period = pb->period;
	p->time_ns = pb->time_nanos;
	p->duration_ns = pb->duration_nanos;
	p->ncomments = pb->n_comment;
	p->comments =
	    lp_arena_calloc(&p->arena, pb->n_comment + 1, sizeof(*p->comments));
	if (!p->comments)
		return lp_error_set(d->err, LP_ELIMIT, "out of memory");
	for (i = 0; i < pb->n_comment; i++) {
		if (str_at(d, pb->comment[i], &p->comments[i], "comment", i) <
		    0)
			return -LP_EDATA;
	}
	return 0;
}

static int
decode_mappings(struct decoder *d)
{
	PbProfile *pb = d->pb;
	struct lp_profile *p = d->p;
	size_t i;

	if (idmap_build(&d->maps, &p->arena, pb->n_mapping, mapping_id,
	        pb->mapping, "mapping", d->err) < 0)
		return -d->err->code;
	p->nmappings = pb->n_mapping;
	p->mappings =
	    lp_arena_calloc(&p->arena, pb->n_mapping + 1, sizeof(*p->mappings));
	if (!p->mappings)
		return lp_error_set(d->err, LP_ELIMIT, "out of memory");
	for (i = 0; i < pb->n_mapping; i++) {
		const PbMapping *m = pb->mapping[i];
		struct lp_mapping *o = &p->mappings[i];
		if (str_at(d, m->filename, &o->file, "mapping", m->id) < 0 ||
		    str_at(d, m->build_id, &o->build_id, "mapping", m->id) < 0)
			return -LP_EDATA;
		o->id = m->id;
		o->start = m->memory_start;
		o->limit = m->memory_limit;
		o->offset = m->file_offset;
		o->has_functions = m->has_functions;
		o->has_filenames = m->has_filenames;
		o->has_line_numbers = m->has_line_numbers;
		o->has_inline_frames = m->has_inline_frames;
	}
	return 0;
}

static int
decode_locations(struct decoder *d)
{
	PbProfile *pb = d->pb;
	struct lp_profile *p = d->p;
	size_t i, j;

	if (idmap_build(&d->funcs, &p->arena, pb->n_function, function_id,
	        pb->function, "function", d->err) < 0 ||
	    idmap_build(&d->locs, &p->arena, pb->n_location, location_id,
	        pb->location, "location", d->err) < 0)
		return -d->err->code;
	p->nlocations = pb->n_location;
	p->locations = lp_arena_calloc(
	    &p->arena, pb->n_location + 1, sizeof(*p->locations));
	if (!p->locations)
		return lp_error_set(d->err, LP_ELIMIT, "out of memory");
	for (i = 0; i < pb->n_location; i++) {
		const PbLocation *l = pb->location[i];
		struct lp_location *o = &p->locations[i];
		int64_t mi = idmap_get(&d->maps, l->mapping_id);

		o->id = l->id;
		o->addr = l->address;
		o->mapping = mi < 0 ? 0 : (size_t)mi + 1;
		o->nframes = l->n_line ? l->n_line : 1;
		o->frames =
		    lp_arena_calloc(&p->arena, o->nframes, sizeof(*o->frames));
		if (!o->frames)
			return lp_error_set(d->err, LP_ELIMIT, "out of memory");
		if (!l->n_line) {
			/* Unsymbolized: name the frame after its address, as
			 * pprof's reports do. */
			char hex[24];
			int n = snprintf(
			    hex, sizeof(hex), "0x%" PRIx64, l->address);
			o->frames[0].fn.p =
			    lp_arena_strdup(&p->arena, hex, (size_t)n);
			if (!o->frames[0].fn.p)
				return lp_error_set(
				    d->err, LP_ELIMIT, "out of memory");
			o->frames[0].fn.n = (size_t)n;
			o->frames[0].file = LP_STR_LIT("");
			o->frames[0].addr = l->address;
			o->frames[0].flags = LP_FRAME_HAS_ADDR;
			continue;
		}
		for (j = 0; j < l->n_line; j++) {
			const Leakpipe__Pprof__Line *ln = l->line[j];
			struct lp_frame *f = &o->frames[j];
			int64_t fi = idmap_get(&d->funcs, ln->function_id);
			const PbFunction *fn;
			if (fi < 0)
				return lp_error_set(d->err, LP_EDATA,
				    "location %" PRIu64 " line %zu refers to "
				    "%s function id %" PRIu64,
				    l->id, j,
				    ln->function_id ? "undefined"
				                    : "the reserved",
				    ln->function_id);
			fn = pb->function[fi];
			if (str_at(d, fn->name, &f->fn, "function", fn->id) <
			        0 ||
			    str_at(d, fn->filename, &f->file, "function",
			        fn->id) < 0)
				return -LP_EDATA;
			f->line = ln->line;
			f->addr = l->address;
			f->flags = l->address ? LP_FRAME_HAS_ADDR : 0;
			if (j + 1 < l->n_line)
				f->flags |= LP_FRAME_INLINED;
		}
	}
	return 0;
}

static int
decode_labels(
    struct decoder *d, const PbSample *s, struct lp_sample *o, size_t si)
{
	struct lp_profile *p = d->p;
	size_t i, n = 0;

	o->labels = lp_arena_calloc(&p->arena, s->n_label, sizeof(*o->labels));
	if (!o->labels)
		return lp_error_set(d->err, LP_ELIMIT, "out of memory");
	for (i = 0; i < s->n_label; i++) {
		const PbLabel *l = s->label[i];
		struct lp_label *t = &o->labels[n];
		if (str_at(d, l->key, &t->key, "a label of sample", si) < 0 ||
		    str_at(d, l->str, &t->str, "a label of sample", si) < 0 ||
		    str_at(d, l->num_unit, &t->unit, "a label of sample", si) <
		        0)
			return -LP_EDATA;
		/* pprof's rule: a label with neither a string nor a number
		 * (nor a unit) is dropped. */
		if (l->str != 0) {
			t->is_num = 0;
		} else if (l->num != 0 || l->num_unit != 0) {
			t->is_num = 1;
			t->num = l->num;
		} else {
			continue;
		}
		n++;
	}
	o->nlabels = n;
	return 0;
}

static int
decode_samples(struct decoder *d)
{
	PbProfile *pb = d->pb;
	struct lp_profile *p = d->p;
	size_t i, j;

	p->nsamples = pb->n_sample;
	p->samples =
	    lp_arena_calloc(&p->arena, pb->n_sample + 1, sizeof(*p->samples));
	if (!p->samples)
		return lp_error_set(d->err, LP_ELIMIT, "out of memory");
	for (i = 0; i < pb->n_sample; i++) {
		const PbSample *s = pb->sample[i];
		struct lp_sample *o = &p->samples[i];
		if (s->n_value != pb->n_sample_type)
			return lp_error_set(d->err, LP_EDATA,
			    "sample %zu has %zu values for %zu sample types", i,
			    s->n_value, pb->n_sample_type);
		/* protobuf-c's array lives in the arena as long as we do. */
		o->values = s->value;
		o->nlocs = s->n_location_id;
		o->locs = lp_arena_alloc(
		    &p->arena, (s->n_location_id + 1) * sizeof(*o->locs));
		if (!o->locs)
			return lp_error_set(d->err, LP_ELIMIT, "out of memory");
		for (j = 0; j < s->n_location_id; j++) {
			int64_t li = idmap_get(&d->locs, s->location_id[j]);
			if (li < 0)
				return lp_error_set(d->err, LP_EDATA,
				    "sample %zu refers to %s location id %" PRIu64,
				    i,
				    s->location_id[j] ? "undefined"
				                      : "the reserved",
				    s->location_id[j]);
			o->locs[j] = (uint32_t)li;
		}
		if (s->n_label && decode_labels(d, s, o, i) < 0)
			return -d->err->code;
	}
	return 0;
}

int
lp_pprof_decode(const unsigned char *data, size_t len, struct lp_profile *p,
    struct lp_error *err)
{
	struct walk w;
	struct decoder d;
	ProtobufCAllocator alloc;
	struct pb_alloc actx = { &p->arena, 0 };
	struct lp_error local;
	size_t budget;
	int rc;

	if (!err)
		err = &local;
	if (len == 0)
		return lp_error_set(err, LP_EDATA, "empty input");
	if (len > UINT32_MAX)
		return lp_error_set(err, LP_ELIMIT,
		    "protobuf of %zu bytes is over the 4 GiB limit", len);
	memset(&w, 0, sizeof(w));
	w.base = data;
	w.err = err;
	if ((rc = walk(&w, M_PROFILE, data, data + len, 0, 0)) < 0)
		return rc;

	/* Whatever the file claims, decoding may not use more than this. */
	if (!p->arena.budget) {
		if (!lp_mul(len, LP_PB_MEM_FACTOR, &budget) ||
		    budget > SIZE_MAX - LP_PB_MEM_SLACK)
			budget = SIZE_MAX;
		else
			budget += LP_PB_MEM_SLACK;
		if (budget > LP_PB_MEM_MAX)
			budget = LP_PB_MEM_MAX;
		p->arena.budget = budget;
	}
	alloc.alloc = arena_alloc;
	alloc.free = arena_free;
	alloc.allocator_data = &actx;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.err = err;
	d.pb = leakpipe__pprof__profile__unpack(&alloc, len, data);
	if (!d.pb) {
		if (actx.failed)
			return lp_error_set(err, LP_ELIMIT,
			    "decoding needs more than %zu MiB, the limit for "
			    "a %zu-byte profile (LEAKPIPE_MEMORY_MAX)",
			    p->arena.budget >> 20, len);
		return lp_error_set(
		    err, LP_EDATA, "corrupt protobuf: not a pprof profile");
	}
	p->format = "pprof";
	if ((rc = decode_header(&d)) >= 0 && (rc = decode_mappings(&d)) >= 0 &&
	    (rc = decode_locations(&d)) >= 0)
		rc = decode_samples(&d);
	lp_u64map_free(&d.funcs.map);
	lp_u64map_free(&d.locs.map);
	lp_u64map_free(&d.maps.map);
	return rc < 0 ? rc : 0;
}
