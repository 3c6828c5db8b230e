/* record.c - typed records from any input, for every analysis program */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "decode.h"
#include "detect.h"
#include "input.h"
#include "limits.h"
#include "reader.h"
#include "record.h"
#include "traceemit.h"
#include "u64map.h"
#include "util.h"

/* Sample types of a profile implied from a sample's values, at most. */
#define IMPLIED_TYPES_MAX 32

enum ev { EV_NONE, EV_PROFILE, EV_DUMP, EV_TRACE, EV_RENDERED };

/* A trace view's summary waiting to be handed out (copied). */
struct queued {
	int is_gc;
	struct lp_tglife life;
	struct lp_tgc gc;
};

struct lp_records {
	unsigned long want;
	unsigned flags;
	struct lp_reader *rd;
	unsigned long unit_no;
	const char *unit; /* the unit's name (the lp_reader's) */
	struct lp_record rec;
	json_t *json; /* the record handed out */
	/* Records whose stack_id is not defined, in the unit: the first
	 * LP_REPEAT_MAX are told, the rest counted, said when it ends
	 * (before what the reader gave next, which waits in held_*). */
	unsigned long nostack;
	char *nostack_unit;
	int held, held_rc;
	json_t *held_v;
	const char *held_src;
	struct lp_error held_err;
	/* A record put off while an implied profile or dump went first. */
	json_t *pending;
	unsigned long pending_line;

	/* Stacks: one per content, and by the unit's stack ids. */
	struct lp_stackpool pool;
	struct lp_u64map ids;
	struct lp_frame *scratch; /* frames being parsed */
	size_t scap;
	struct lp_stack own; /* LP_RECORDS_FLAT_OWN: the record's stack */
	struct lp_frame *own_frames;
	size_t own_cap;

	/* The open profile or dump of the unit. */
	struct lp_rprofile prof;
	struct lp_valuetype *types;
	size_t tcap;
	json_t *prof_json; /* holds prof's strings */
	const char *prof_src;
	struct lp_rdump dump;
	json_t *dump_json;
	const char *dump_src;
	char *implied_src[2]; /* copies for implied ones (profile, dump) */
	int64_t *values;
	size_t vcap;
	struct lp_label *labels;
	size_t lcap;
	struct lp_rsample sample;
	struct lp_goroutine g;

	/* Evidence decoded in process. */
	enum ev ev;
	unsigned long ev_line; /* records handed out of the unit */
	int ev_started;
	size_t ev_next;
	unsigned long skipped; /* lines a text decoder stepped over */
	struct lp_profile decoded;
	int has_decoded;
	struct lp_godump *godump; /* a dump, a goroutine at a time */
	struct lp_diag godump_diag;
	const struct lp_goroutine *first_g; /* read to name the dump */
	/* A dump's stacks by the text of their goroutines (no parsed
	 * frames to hash): hash -> index into dtext. */
	struct lp_u64map dtexts;
	struct dtext {
		struct lp_str text;
		const struct lp_stack *stack;
	} * dtext;
	size_t ndtext, dtcap;

	/* Evidence with no typed decoder here (gctrace logs, …): its
	 * records as the shared writer renders them, parsed back. */
	struct lp_out rendered;
	size_t rpos;

	/* A trace, streamed. */
	struct lp_trace *trace;
	struct lp_tview *view;
	struct lp_tev_writer tw; /* keeps t0 */
	int tw_init;
	struct lp_out null_out;
	struct lp_u64map tstacks; /* lp_tstack address -> lp_stack, per
	                             generation */
	struct queued *q;
	size_t nq, qcap, qnext;
	struct lp_arena qmem; /* what the queued summaries point to */
	int trace_done;
	struct lp_error trace_err; /* where the trace broke, told last */
	struct lp_tglife life;
	struct lp_tgc gc;
	/* NDJSON lives' and cycles' arrays. */
	struct lp_tblocked *blocked;
	size_t bcap;
	struct lp_tstw *stw;
	size_t stwcap;
	/* Lines decoders step over: to the program, or counted. */
	void (*diag_fn)(void *ctx, const char *src, const char *msg);
	void *diag_ctx;
	/* NDJSON events and edges, typed. */
	struct lp_tev tev;
	struct lp_tstack tst[2];
	struct lp_tframe *tsf[2];
	size_t tsfcap[2];
	struct lp_redge edge;
	struct lp_rheapdiff hd;
	struct lp_rchange change;
	struct lp_rcluster cluster;
	struct lp_rcount *counts;
	size_t ccap;
	struct lp_rwait wait;
	struct lp_rclusters clusters;
	struct lp_rpartial partial;
	struct lp_rkey key;
	struct lp_rcolumn column;
	int64_t *colids, *colvals;
	size_t colcap[2];
	struct lp_rwaiter *waiters;
	size_t wcap;
	struct lp_redge *wedges;
	size_t wecap;
};

static const char *const kind_names[LP_REC_NKINDS] = {
	[LP_REC_OTHER] = "?",
	[LP_REC_PROFILE] = "profile",
	[LP_REC_SAMPLE] = "sample",
	[LP_REC_DUMP] = "dump",
	[LP_REC_GOROUTINE] = "goroutine",
	[LP_REC_EVENT] = "event",
	[LP_REC_GC] = "gc",
	[LP_REC_HEAPDIFF] = "heapdiff",
	[LP_REC_DIFF] = "diff",
	[LP_REC_TREND] = "trend",
	[LP_REC_PARTIAL] = "partial",
	[LP_REC_KEY] = "key",
	[LP_REC_COLUMN] = "column",
	[LP_REC_CLUSTER] = "cluster",
	[LP_REC_EDGE] = "edge",
	[LP_REC_CYCLE] = "cycle",
	[LP_REC_STUCK] = "stuck",
	[LP_REC_STACKCLUSTER] = "stackcluster",
};

const char *
lp_rkind_name(enum lp_rkind k)
{
	return (unsigned)k < LP_REC_NKINDS ? kind_names[k] : "?";
}

static enum lp_rkind
kind_of(const char *s)
{
	int k;

	for (k = 1; k < LP_REC_NKINDS; k++)
		if (s[0] == kind_names[k][0] && strcmp(s, kind_names[k]) == 0)
			return (enum lp_rkind)k;
	return LP_REC_OTHER;
}

struct lp_records *
lp_records_new(unsigned long want, unsigned flags)
{
	struct lp_records *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->want = want;
	r->flags = flags;
	r->rd = lp_reader_new();
	if (!r->rd) {
		free(r);
		return NULL;
	}
	lp_stackpool_init(&r->pool, (flags & LP_RECORDS_KEEP_STACKS) != 0);
	lp_arena_init(&r->qmem, 0);
	if (lp_out_init(&r->null_out, -1, 64) < 0 ||
	    lp_out_init(&r->rendered, -1, 4096) < 0) {
		lp_out_release(&r->null_out);
		lp_reader_free(r->rd);
		free(r);
		return NULL;
	}
	return r;
}

/* The decoded profile or dump: its unit's stacks borrow from it, so it
 * goes with them, when the unit ends, not when its records do. */
static void
drop_decoded(struct lp_records *r)
{
	if (r->has_decoded)
		lp_profile_release(&r->decoded);
	r->has_decoded = 0;
	lp_godump_free(r->godump);
	r->godump = NULL;
}

/* Drop what belongs to the evidence unit being read. */
static void
end_evidence(struct lp_records *r)
{
	lp_u64map_clear(&r->dtexts);
	r->ndtext = 0;
	r->first_g = NULL;
	r->ev = EV_NONE;
	r->skipped = 0;
	lp_trace_free(r->trace);
	r->trace = NULL;
	lp_tview_free(r->view);
	r->view = NULL;
	if (r->tw_init)
		lp_tev_writer_release(&r->tw);
	r->tw_init = 0;
	lp_u64map_clear(&r->tstacks);
	r->nq = r->qnext = 0;
	lp_arena_release(&r->qmem);
	r->trace_done = 0;
	r->trace_err.code = 0;
}

static void
close_profile(struct lp_records *r)
{
	json_decref(r->prof_json);
	r->prof_json = NULL;
	r->prof_src = NULL;
	json_decref(r->dump_json);
	r->dump_json = NULL;
	r->dump_src = NULL;
}

/* A new unit: its stack ids, and (unless kept) its stacks, are gone. */
static void
new_unit(struct lp_records *r)
{
	close_profile(r);
	drop_decoded(r);
	lp_u64map_clear(&r->ids);
	lp_stackpool_end_unit(&r->pool);
	json_decref(r->pending);
	r->pending = NULL;
	r->nostack = 0;
	free(r->nostack_unit);
	r->nostack_unit = NULL;
}

void
lp_records_free(struct lp_records *r)
{
	if (!r)
		return;
	end_evidence(r);
	drop_decoded(r);
	close_profile(r);
	json_decref(r->json);
	json_decref(r->pending);
	lp_reader_free(r->rd);
	lp_stackpool_free(&r->pool);
	lp_u64map_free(&r->ids);
	lp_u64map_free(&r->tstacks);
	lp_u64map_free(&r->dtexts);
	free(r->dtext);
	lp_out_release(&r->null_out);
	lp_out_release(&r->rendered);
	free(r->q);
	free(r->blocked);
	free(r->stw);
	free(r->counts);
	free(r->waiters);
	free(r->wedges);
	free(r->colids);
	free(r->colvals);
	free(r->tsf[0]);
	free(r->tsf[1]);
	free(r->scratch);
	free(r->own_frames);
	free(r->types);
	free(r->values);
	free(r->labels);
	free(r->nostack_unit);
	if (r->held)
		json_decref(r->held_v);
	free(r->implied_src[0]);
	free(r->implied_src[1]);
	free(r);
}

void
lp_records_set_unit_fn(
    struct lp_records *r, int (*fn)(void *ctx, const char *src), void *ctx)
{
	lp_reader_set_unit_fn(r->rd, fn, ctx);
}

void
lp_records_set_diag(struct lp_records *r,
    void (*fn)(void *ctx, const char *src, const char *msg), void *ctx)
{
	r->diag_fn = fn;
	r->diag_ctx = ctx;
}

static void
tell_diag(void *ctx, const char *msg)
{
	struct lp_records *r = ctx;

	r->diag_fn(r->diag_ctx, r->unit, msg);
}

/* A decoder's diagnostics: told as they come, or counted. */
static struct lp_diag
diag_for(struct lp_records *r)
{
	struct lp_diag d = { NULL, NULL, 0 };

	if (r->diag_fn) {
		d.fn = tell_diag;
		d.ctx = r;
	}
	return d;
}

const char *
lp_records_unit(const struct lp_records *r)
{
	return r->unit ? r->unit : "?";
}

unsigned long
lp_records_unit_no(const struct lp_records *r)
{
	return r->unit_no;
}

int
lp_records_open(struct lp_records *r, const char *path, struct lp_error *err)
{
	end_evidence(r);
	new_unit(r);
	return lp_reader_open(r->rd, path, err);
}

/* Stacks */

static struct lp_stack *
stack_of(struct lp_records *r, const struct lp_frame *f, size_t n)
{
	return lp_stackpool_frames(&r->pool, f, n, 0);
}

static int
bad(struct lp_records *r, struct lp_error *err, const char *what)
{
	return lp_error_set(err, LP_EDATA, "line %lu: %s", r->rec.line, what);
}

static int
oom(struct lp_error *err)
{
	return lp_error_set(err, LP_ENOMEM, "out of memory");
}

static struct lp_str
jstr(json_t *v)
{
	if (!json_is_string(v))
		return lp_str_make("", 0);
	return lp_str_make(json_string_value(v), json_string_length(v));
}

/* A "0x…" string or an integer into *v; 0, or -1 when it is neither. */
static int
jaddr(json_t *j, uint64_t *v)
{
	if (json_is_integer(j)) {
		*v = (uint64_t)json_integer_value(j);
		return 0;
	}
	if (json_is_string(j))
		return lp_parse_hex(
		    json_string_value(j), json_string_length(j), v);
	return -1;
}

/* One frame object into *fr (strings borrowed from j). */
static int
parse_frame(
    struct lp_records *r, json_t *j, struct lp_frame *fr, struct lp_error *err)
{
	json_t *fn, *file, *line, *v;

	if (!json_is_object(j))
		return bad(r, err, "a stack frame is not an object");
	fn = json_object_get(j, "fn");
	file = json_object_get(j, "file");
	line = json_object_get(j, "line");
	if ((fn && !json_is_string(fn)) || (file && !json_is_string(file)) ||
	    (line && !json_is_integer(line)))
		return bad(r, err,
		    "a stack frame's fn, file or line has the wrong type");
	memset(fr, 0, sizeof(*fr));
	fr->fn = jstr(fn);
	fr->file = jstr(file);
	fr->line = line ? json_integer_value(line) : 0;
	if ((v = json_object_get(j, "addr")) && jaddr(v, &fr->addr) == 0)
		fr->flags |= LP_FRAME_HAS_ADDR;
	if (json_is_true(json_object_get(j, "inlined")))
		fr->flags |= LP_FRAME_INLINED;
	if (json_is_string(v = json_object_get(j, "args"))) {
		fr->args = jstr(v);
		fr->flags |= LP_FRAME_HAS_ARGS;
	}
	if ((v = json_object_get(j, "offset")) && jaddr(v, &fr->offset) == 0)
		fr->flags |= LP_FRAME_HAS_OFFSET;
	return 0;
}

/* A frames array into its stack object (own: the record's own). */
static int
parse_frames(struct lp_records *r, json_t *a, const struct lp_stack **out,
    int own, struct lp_error *err)
{
	struct lp_frame **buf = own ? &r->own_frames : &r->scratch;
	size_t *cap = own ? &r->own_cap : &r->scap;
	size_t i, n;
	int rc;

	if (!json_is_array(a))
		return bad(r, err, "no stack array");
	n = json_array_size(a);
	if (n > LP_STACK_FRAMES_MAX)
		return lp_error_set(err, LP_ELIMIT,
		    "line %lu: more than %u frames", r->rec.line,
		    LP_STACK_FRAMES_MAX);
	if (lp_reserve((void **)buf, cap, n + 1, sizeof(**buf)))
		return oom(err);
	for (i = 0; i < n; i++)
		if ((rc = parse_frame(
		         r, json_array_get(a, i), &(*buf)[i], err)) < 0)
			return rc;
	if (own) {
		lp_stack_own(&r->own, *buf, n);
		*out = &r->own;
		return 0;
	}
	if (!(*out = stack_of(r, *buf, n)))
		return oom(err);
	return 0;
}

static int
parse_stack(struct lp_records *r, json_t *a, const struct lp_stack **out,
    struct lp_error *err)
{
	return parse_frames(r, a, out, 0, err);
}

/* A "stack" record: its frames under its id for the rest of the unit. */
static int
take_stack_record(struct lp_records *r, json_t *v, struct lp_error *err)
{
	json_t *id = json_object_get(v, "id");
	json_t *frames = json_object_get(v, "frames");
	const struct lp_stack *s;
	int rc;

	if (!json_is_integer(id) || !json_is_array(frames))
		return lp_error_set(err, LP_EDATA,
		    "line %lu: a stack record needs an integer id and a "
		    "frames array",
		    r->rec.line);
	if ((rc = parse_stack(r, frames, &s, err)) < 0)
		return rc;
	if (lp_u64map_put(&r->ids, (uint64_t)json_integer_value(id),
	        (uint64_t)(uintptr_t)s) < 0)
		return oom(err);
	return 0;
}

/* The members any record may have, found in one pass over it (a lookup
 * each was a tenth of the time on small records). */
struct common {
	json_t *kind, *src, *stack_id, *stack, *signature;
};

static void
scan(json_t *v, struct common *c)
{
	const char *k;
	json_t *x;

	memset(c, 0, sizeof(*c));
	json_object_foreach(v, k, x)
	{
		if (k[0] == 'k' && strcmp(k, "kind") == 0)
			c->kind = x;
		else if (k[0] != 's')
			continue;
		else if (strcmp(k, "src") == 0)
			c->src = x;
		else if (strcmp(k, "stack_id") == 0)
			c->stack_id = x;
		else if (strcmp(k, "stack") == 0)
			c->stack = x;
		else if (strcmp(k, "signature") == 0)
			c->signature = x;
	}
}

/* The record's stack, from "stack_id" or "stack"; NULL when neither. */
static int
record_stack(struct lp_records *r, const struct common *c, struct lp_error *err)
{
	json_t *sid = c->stack_id;
	uint64_t *slot;

	r->rec.stack = NULL;
	if (sid) {
		if (!json_is_integer(sid))
			return bad(r, err, "stack_id is not an integer");
		slot =
		    lp_u64map_get(&r->ids, (uint64_t)json_integer_value(sid));
		/* One lost stack record takes every record that uses it:
		 * the first few are told, the rest counted. */
		if (!slot && ++r->nostack > LP_REPEAT_MAX) {
			if (!r->nostack_unit &&
			    !(r->nostack_unit = strdup(r->unit)))
				return oom(err);
			return 1;
		}
		if (!slot)
			return lp_error_set(err, LP_EDATA,
			    "line %lu: stack_id %" JSON_INTEGER_FORMAT
			    " has no stack record before it",
			    r->rec.line, json_integer_value(sid));
		r->rec.stack = (const struct lp_stack *)(uintptr_t)*slot;
		return 0;
	}
	if (c->stack && !json_is_null(c->stack))
		return parse_frames(r, c->stack, &r->rec.stack,
		    (r->flags & LP_RECORDS_FLAT_OWN) != 0, err);
	return 0;
}

/* NDJSON profiles, samples, dumps, goroutines */

static const char *
keep_src(struct lp_records *r, int which, const char *src)
{
	free(r->implied_src[which]);
	r->implied_src[which] = strdup(src);
	return r->implied_src[which];
}

static int
take_profile(struct lp_records *r, json_t *v, struct lp_error *err)
{
	json_t *st = json_object_get(v, "sample_types"), *t, *tn, *dn;
	struct lp_str d = jstr(json_object_get(v, "default_sample_type"));
	int has_d = json_is_string(json_object_get(v, "default_sample_type"));
	size_t i, n;

	close_profile(r);
	memset(&r->prof, 0, sizeof(r->prof));
	if (!json_is_array(st))
		return bad(
		    r, err, "a profile record has no sample_types array");
	n = json_array_size(st);
	if (lp_reserve((void **)&r->types, &r->tcap, n + 1, sizeof(*r->types)))
		return oom(err);
	json_array_foreach(st, i, t)
	{
		json_t *ty = json_object_get(t, "type");
		if (!json_is_string(ty))
			return bad(r, err, "a sample type has no type name");
		r->types[i].type = jstr(ty);
		r->types[i].unit = jstr(json_object_get(t, "unit"));
		if (!has_d || lp_str_same(d, r->types[i].type))
			r->prof.default_type = i; /* pprof: the last */
	}
	tn = json_object_get(v, "time_ns");
	if (tn && !json_is_integer(tn))
		return bad(r, err, "time_ns is not an integer");
	r->prof.time_ns = tn ? json_integer_value(tn) : 0;
	if (json_is_integer(dn = json_object_get(v, "duration_ns")))
		r->prof.duration_ns = json_integer_value(dn);
	if (json_is_integer(dn = json_object_get(v, "period")))
		r->prof.period = json_integer_value(dn);
	t = json_object_get(v, "period_type");
	r->prof.period_type.type = jstr(json_object_get(t, "type"));
	r->prof.period_type.unit = jstr(json_object_get(t, "unit"));
	r->prof.format = jstr(json_object_get(v, "format"));
	r->prof.types = r->types;
	r->prof.ntypes = n;
	r->prof_json = json_incref(v);
	r->prof_src = r->rec.src;
	r->rec.profile = &r->prof;
	return 0;
}

/* A profile for samples of src that had none: named by their values. */
static int
imply_profile(
    struct lp_records *r, json_t *values, const char *src, struct lp_error *err)
{
	const char *k;
	json_t *x;
	size_t n = 0;

	close_profile(r);
	memset(&r->prof, 0, sizeof(r->prof));
	if (lp_reserve((void **)&r->types, &r->tcap, IMPLIED_TYPES_MAX,
	        sizeof(*r->types)))
		return oom(err);
	json_object_foreach(values, k, x)
	{
		if (n == IMPLIED_TYPES_MAX)
			break;
		r->types[n].type = lp_str_make(k, strlen(k));
		r->types[n].unit = lp_str_make("", 0);
		r->prof.default_type = n++;
	}
	r->prof.types = r->types;
	r->prof.ntypes = n;
	r->prof.implied = 1;
	r->prof_json = json_incref(values);
	if (!(r->prof_src = keep_src(r, 0, src)))
		return oom(err);
	r->rec.profile = &r->prof;
	return 0;
}

static int
add_label(
    struct lp_records *r, size_t *n, struct lp_label *l, struct lp_error *err)
{
	if (lp_reserve(
	        (void **)&r->labels, &r->lcap, *n + 1, sizeof(*r->labels)))
		return oom(err);
	r->labels[(*n)++] = *l;
	return 0;
}

/* "labels": {"k": "v" | ["v", …]}, "num_labels": {"k": {"value": 1,
 * "unit": "u"} | [{…}, …]} into r->labels. */
static int
parse_labels(struct lp_records *r, json_t *v, size_t *n, struct lp_error *err)
{
	json_t *ls = json_object_get(v, "labels");
	json_t *nls = json_object_get(v, "num_labels"), *x, *e;
	const char *k;
	size_t i, m;
	int rc;

	*n = 0;
	json_object_foreach(ls, k, x)
	{
		m = json_is_array(x) ? json_array_size(x) : 1;
		for (i = 0; i < m; i++) {
			struct lp_label l = { { k, strlen(k) }, { NULL, 0 }, 0,
				{ NULL, 0 }, 0 };
			e = json_is_array(x) ? json_array_get(x, i) : x;
			if (!json_is_string(e))
				continue;
			l.str = jstr(e);
			if ((rc = add_label(r, n, &l, err)) < 0)
				return rc;
		}
	}
	json_object_foreach(nls, k, x)
	{
		m = json_is_array(x) ? json_array_size(x) : 1;
		for (i = 0; i < m; i++) {
			struct lp_label l = { { k, strlen(k) }, { NULL, 0 }, 0,
				{ NULL, 0 }, 1 };
			json_t *val;
			e = json_is_array(x) ? json_array_get(x, i) : x;
			val = json_object_get(e, "value");
			if (!json_is_integer(val))
				continue;
			l.num = json_integer_value(val);
			l.unit = jstr(json_object_get(e, "unit"));
			if ((rc = add_label(r, n, &l, err)) < 0)
				return rc;
		}
	}
	return 0;
}

static int
take_sample(struct lp_records *r, json_t *v, struct lp_error *err)
{
	json_t *values = json_object_get(v, "values");
	size_t i, n;
	int rc;

	if (lp_reserve((void **)&r->values, &r->vcap, r->prof.ntypes + 1,
	        sizeof(*r->values)))
		return oom(err);
	for (i = 0; i < r->prof.ntypes; i++) {
		/* Type names from jansson are NUL-terminated. */
		json_t *x = json_object_get(values, r->types[i].type.p);
		if (x && !json_is_integer(x))
			return bad(r, err, "a sample value is not an integer");
		r->values[i] = x ? json_integer_value(x) : 0;
	}
	if ((rc = parse_labels(r, v, &n, err)) < 0)
		return rc;
	memset(&r->sample, 0, sizeof(r->sample));
	r->sample.profile = &r->prof;
	r->sample.values = r->values;
	r->sample.nvalues = r->prof.ntypes;
	r->sample.labels = r->labels;
	r->sample.nlabels = n;
	r->rec.sample = &r->sample;
	r->rec.profile = &r->prof;
	return 0;
}

static int
take_dump(struct lp_records *r, json_t *v, const char *src, int implied,
    struct lp_error *err)
{
	close_profile(r);
	memset(&r->dump, 0, sizeof(r->dump));
	r->dump.implied = implied;
	if (!implied) {
		r->dump.format = jstr(json_object_get(v, "format"));
		r->dump.reason = jstr(json_object_get(v, "reason"));
		r->dump.preamble = jstr(json_object_get(v, "preamble"));
		r->dump_json = json_incref(v);
		r->dump_src = r->rec.src;
	} else if (!(r->dump_src = keep_src(r, 1, src)))
		return oom(err);
	r->rec.dump = &r->dump;
	return 0;
}

/* g's frames, its stack's (made if need be); -1 when out of memory. */
static int
set_g_frames(struct lp_goroutine *g, const struct lp_stack *s)
{
	g->frames = lp_stack_frames(s);
	g->nframes = s ? s->n : 0;
	return s && s->n && !g->frames ? -1 : 0;
}

static int
take_goroutine(struct lp_records *r, json_t *v, struct lp_error *err)
{
	struct lp_goroutine *g = &r->g;
	json_t *x, *cb;

	memset(g, 0, sizeof(*g));
	x = json_object_get(v, "id");
	g->id = json_is_integer(x) ? (uint64_t)json_integer_value(x) : 0;
	g->state = jstr(json_object_get(v, "state"));
	x = json_object_get(v, "wait_ns");
	g->wait_ns = json_is_integer(x) ? json_integer_value(x) : -1;
	if (json_is_true(json_object_get(v, "locked")))
		g->flags |= LP_G_LOCKED;
	if (json_is_true(json_object_get(v, "leaked")))
		g->flags |= LP_G_LEAKED;
	if (json_is_true(json_object_get(v, "scan")))
		g->flags |= LP_G_SCAN;
	if (json_is_true(json_object_get(v, "durable")))
		g->flags |= LP_G_DURABLE;
	if (json_is_true(json_object_get(v, "partial")))
		g->flags |= LP_G_PARTIAL;
	if (json_is_true(json_object_get(v, "stack_unavailable")))
		g->flags |= LP_G_UNAVAILABLE;
	if (json_is_true(json_object_get(v, "frames_elided")))
		g->flags |= LP_G_ELIDED;
	cb = json_object_get(v, "created_by");
	if (json_is_object(cb)) {
		g->flags |= LP_G_CREATED;
		g->created_by.fn = jstr(json_object_get(cb, "fn"));
		g->created_by.file = jstr(json_object_get(cb, "file"));
		x = json_object_get(cb, "line");
		g->created_by.line =
		    json_is_integer(x) ? json_integer_value(x) : 0;
		x = json_object_get(cb, "goid");
		if (json_is_integer(x)) {
			g->flags |= LP_G_CREATOR_ID;
			g->creator_id = (uint64_t)json_integer_value(x);
		}
	}
	if (set_g_frames(g, r->rec.stack) < 0)
		return oom(err);
	g->line = r->rec.line;
	r->rec.goroutine = g;
	r->rec.dump = &r->dump;
	return 0;
}

static int64_t
jint(json_t *v, const char *k, int64_t dflt)
{
	json_t *x = json_object_get(v, k);
	return json_is_integer(x) ? json_integer_value(x) : dflt;
}

static const char *
jcstr(json_t *v, const char *k, const char *dflt)
{
	json_t *x = json_object_get(v, k);
	return json_is_string(x) ? json_string_value(x) : dflt;
}

/* A trace2ndjson --goroutines record (it has "alive") into r->life. */
static int
take_life(struct lp_records *r, json_t *v, struct lp_error *err)
{
	static const char *const names[] = { NULL, NULL, "runnable_ns",
		"running_ns", "waiting_ns", "syscall_ns" };
	struct lp_tglife *l = &r->life;
	json_t *b = json_object_get(v, "blocked"), *x, *st;
	const struct lp_stack *start = NULL;
	const char *k;
	size_t n = 0;
	int i, rc;

	memset(l, 0, sizeof(*l));
	l->id = (int64_t)r->g.id;
	l->alive = json_is_true(json_object_get(v, "alive"));
	l->state = jcstr(v, "state", "");
	l->wait_ns = r->g.wait_ns;
	l->wait_lower_bound =
	    json_is_true(json_object_get(v, "wait_lower_bound"));
	l->stack = r->rec.stack;
	if ((st = json_object_get(v, "start")) &&
	    (rc = parse_stack(r, st, &start, err)) < 0)
		return rc;
	l->start = start;
	l->has_created_by =
	    json_object_get(json_object_get(v, "created_by"), "fn") != NULL;
	l->created_by = r->g.created_by;
	l->creator =
	    r->g.flags & LP_G_CREATOR_ID ? (int64_t)r->g.creator_id : LP_NO_ID;
	l->created_ns = jint(v, "created_ns", -1);
	l->ended_ns = jint(v, "ended_ns", -1);
	for (i = LP_G_RUNNABLE; i <= LP_G_SYSCALL; i++)
		l->ns[i] = jint(v, names[i], 0);
	if (lp_reserve((void **)&r->blocked, &r->bcap, json_object_size(b) + 1,
	        sizeof(*r->blocked)))
		return oom(err);
	json_object_foreach(b, k, x)
	{
		r->blocked[n].reason = k;
		r->blocked[n++].ns =
		    json_is_integer(x) ? json_integer_value(x) : 0;
	}
	l->blocked = r->blocked;
	l->nblocked = n;
	l->label = jcstr(v, "label", NULL);
	r->rec.life = l;
	r->rec.t = l->created_ns;
	return 0;
}

/* A trace2ndjson --gc record into r->gc. */
static int
take_gc(struct lp_records *r, json_t *v, struct lp_error *err)
{
	struct lp_tgc *c = &r->gc;
	json_t *a = json_object_get(v, "stw"), *x;
	size_t i, n = json_array_size(a);

	memset(c, 0, sizeof(*c));
	c->n = (uint64_t)jint(v, "n", 0);
	c->partial = json_is_true(json_object_get(v, "partial"));
	c->start_ns = jint(v, "start_ns", 0);
	c->ended = json_is_integer(json_object_get(v, "end_ns"));
	c->end_ns = jint(v, "end_ns", 0);
	c->mark_ns = jint(v, "mark_ns", 0);
	if (lp_reserve((void **)&r->stw, &r->stwcap, n + 1, sizeof(*r->stw)))
		return oom(err);
	for (i = 0; i < n; i++) {
		x = json_array_get(a, i);
		r->stw[i].reason = jcstr(x, "reason", "");
		r->stw[i].start_ns = jint(x, "start_ns", 0);
		r->stw[i].ns = jint(x, "ns", 0);
	}
	c->stw = r->stw;
	c->nstw = n;
	c->stw_ns = jint(v, "stw_ns", 0);
	c->has_heap_start = json_is_integer(json_object_get(v, "heap_start"));
	c->heap_start = (uint64_t)jint(v, "heap_start", 0);
	c->has_heap_end = json_is_integer(json_object_get(v, "heap_end"));
	c->heap_end = (uint64_t)jint(v, "heap_end", 0);
	c->heap_goal = (uint64_t)jint(v, "heap_goal", 0);
	c->has_prev = json_is_integer(json_object_get(v, "since_prev_ns"));
	c->since_prev_ns = jint(v, "since_prev_ns", 0);
	c->heap_growth = jint(v, "heap_growth", 0);
	r->rec.gc = c;
	r->rec.t = c->start_ns;
	return 0;
}

/* NDJSON events (trace2ndjson's) and edges */

/* A name's index in a table of n names (name(i)), or -1. */
static int
name_index(const char *s, const char *(*name)(unsigned), unsigned n)
{
	unsigned i;

	for (i = 0; s && i < n; i++)
		if (strcmp(s, name(i)) == 0)
			return (int)i;
	return -1;
}

static const char *
kind_name_of(unsigned i)
{
	return lp_tev_kind_name((enum lp_tev_kind)i);
}

static const char *
res_name_of(unsigned i)
{
	return lp_tres_name((enum lp_tres)i);
}

/* Stack s as a trace stack (buffer which: 0 stack, 1 tstack), valid until
 * the next record; NULL for none. */
static struct lp_tstack *
as_tstack(struct lp_records *r, int which, const struct lp_stack *s)
{
	const struct lp_frame *sf = lp_stack_frames(s);
	struct lp_tframe *f;
	size_t i;

	if (!s || (s->n && !sf))
		return NULL;
	if (lp_reserve((void **)&r->tsf[which], &r->tsfcap[which], s->n + 1,
	        sizeof(*r->tsf[which])))
		return NULL;
	f = r->tsf[which];
	for (i = 0; i < s->n; i++) {
		f[i].fn = sf[i].fn;
		f[i].file = sf[i].file;
		f[i].line = (uint64_t)sf[i].line;
		f[i].pc = sf[i].flags & LP_FRAME_HAS_ADDR ? sf[i].addr : 0;
	}
	memset(&r->tst[which], 0, sizeof(r->tst[which]));
	r->tst[which].n = (uint32_t)s->n;
	r->tst[which].frames = f;
	return &r->tst[which];
}

static int64_t
jid(json_t *v, const char *k)
{
	return jint(v, k, LP_NO_ID);
}

/*
 * An "event" record into r->tev, as lp_tev_write wrote it (its names
 * back to the model's numbers; an unknown state is 0xff).  An "ev" this
 * model does not have leaves rec->event NULL: json has it all.
 */
static int
take_event(struct lp_records *r, json_t *v, struct lp_error *err)
{
	struct lp_tev *ev = &r->tev;
	json_t *st;
	int k = name_index(
	    jcstr(v, "ev", NULL), kind_name_of, (unsigned)LP_TEV_NKINDS);
	int i, rc;

	r->rec.t = jint(v, "t", 0);
	if (k < 0)
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->kind = (enum lp_tev_kind)k;
	ev->t = r->rec.t;
	ev->m = jid(v, "m");
	ev->p = jid(v, "p");
	ev->g = jid(v, "g");
	ev->id = jid(v, "id");
	ev->reason = jstr(json_object_get(v, "reason"));
	ev->message = jstr(json_object_get(v, "message"));
	ev->n = (uint64_t)jint(v, "n", 0);
	ev->value = (uint64_t)jint(v, "value", 0);
	ev->task = (uint64_t)jint(v, "task", (int64_t)LP_NO_TASK);
	ev->parent = (uint64_t)jint(v, "parent", (int64_t)LP_NO_TASK);
	switch (ev->kind) {
	case LP_TEV_LABEL: ev->name = jstr(json_object_get(v, "label")); break;
	case LP_TEV_LOG: ev->name = jstr(json_object_get(v, "category")); break;
	case LP_TEV_TASK_BEGIN:
	case LP_TEV_TASK_END:
	case LP_TEV_REGION_BEGIN:
	case LP_TEV_REGION_END:
		ev->name = jstr(json_object_get(v, "type"));
		break;
	default: ev->name = jstr(json_object_get(v, "name")); break;
	}
	if (ev->kind == LP_TEV_LABEL)
		ev->res = LP_RES_GOROUTINE;
	if (ev->kind >= LP_TEV_RANGE_BEGIN && ev->kind <= LP_TEV_RANGE_END) {
		i = name_index(jcstr(v, "scope", NULL), res_name_of, 4);
		ev->res = i < 0 ? LP_RES_NONE : (enum lp_tres)i;
		if ((st = json_object_get(v, "attrs"))) {
			ev->has_attrs = 1;
			ev->value = (uint64_t)jint(st, "bytes swept", 0);
			ev->value2 = (uint64_t)jint(st, "bytes reclaimed", 0);
		}
	}
	if (ev->kind == LP_TEV_STATE) {
		const char *(*state)(unsigned);
		unsigned ns;
		i = name_index(jcstr(v, "resource", NULL), res_name_of, 4);
		ev->res = i < 0 ? LP_RES_NONE : (enum lp_tres)i;
		state =
		    ev->res == LP_RES_PROC ? lp_pstate_name : lp_gstate_name;
		ns = ev->res == LP_RES_PROC ? 4 : 6;
		i = name_index(jcstr(v, "from", NULL), state, ns);
		ev->from = i < 0 ? 0xff : (uint8_t)i;
		i = name_index(jcstr(v, "to", NULL), state, ns);
		ev->to = i < 0 ? 0xff : (uint8_t)i;
		ev->no_tstack = json_is_true(json_object_get(v, "no_tstack"));
		if ((st = json_object_get(v, "tstack")) &&
		    (rc = parse_stack(r, st, &r->rec.tstack, err)) < 0)
			return rc;
	}
	if ((r->rec.stack && !(ev->stack = as_tstack(r, 0, r->rec.stack))) ||
	    (r->rec.tstack && !(ev->tstack = as_tstack(r, 1, r->rec.tstack))))
		return oom(err);
	r->rec.event = ev;
	return 0;
}

static void
take_snap(json_t *o, struct lp_rsnap *s)
{
	json_t *t = json_object_get(o, "total");

	s->src = jcstr(o, "src", NULL);
	s->has_total = json_is_integer(t);
	s->total = s->has_total ? json_integer_value(t) : 0;
	s->time_ns = jint(o, "time_ns", 0);
}

/* heapdiff's header, diffs and trends */
static void
take_heapdiff(struct lp_records *r, json_t *v)
{
	struct lp_rheapdiff *h = &r->hd;

	memset(h, 0, sizeof(*h));
	h->mode = jcstr(v, "mode", NULL);
	h->series = h->mode && strcmp(h->mode, "series") == 0;
	h->value = jcstr(v, "value", NULL);
	h->unit = jcstr(v, "unit", NULL);
	h->key_by = jcstr(v, "key_by", NULL);
	take_snap(json_object_get(v, h->series ? "first" : "base"), &h->first);
	take_snap(json_object_get(v, h->series ? "last" : "new"), &h->last);
	r->rec.heapdiff = h;
}

static void
take_change(struct lp_records *r, json_t *v, int trend)
{
	struct lp_rchange *c = &r->change;
	json_t *a = json_object_get(v, trend ? "first" : "base");
	json_t *b = json_object_get(v, trend ? "last" : "new");

	memset(c, 0, sizeof(*c));
	c->key = jcstr(v, "key", NULL);
	c->fn = jcstr(v, "fn", NULL);
	c->value = jcstr(v, "value", NULL);
	c->unit = jcstr(v, "unit", NULL);
	c->verdict = jcstr(v, "verdict", NULL);
	c->suspect = trend && c->verdict && strcmp(c->verdict, "suspect") == 0;
	c->has_both = json_is_integer(a) && json_is_integer(b);
	c->before = json_is_integer(a) ? json_integer_value(a) : 0;
	c->after = json_is_integer(b) ? json_integer_value(b) : 0;
	r->rec.change = c;
}

/* stackcluster's header and clusters */
/* heapdiff --partial's header, keys and columns */

static void
take_partial(struct lp_records *r, json_t *v)
{
	struct lp_rpartial *p = &r->partial;
	json_t *x;

	memset(p, 0, sizeof(*p));
	p->value = jcstr(v, "value", NULL);
	p->unit = jcstr(v, "unit", NULL);
	p->key_by = jcstr(v, "key_by", NULL);
	p->drop_runtime = json_is_true(json_object_get(v, "drop_runtime"));
	if (json_is_integer(x = json_object_get(v, "snapshots"))) {
		p->has_snapshots = 1;
		p->snapshots = json_integer_value(x);
	}
	if (json_is_integer(x = json_object_get(v, "skipped"))) {
		p->has_skipped = 1;
		p->skipped = json_integer_value(x);
	}
	r->rec.partial = p;
}

static void
take_key(struct lp_records *r, json_t *v)
{
	struct lp_rkey *k = &r->key;
	json_t *id = json_object_get(v, "id"), *x;

	memset(k, 0, sizeof(*k));
	if (json_is_integer(id) && json_integer_value(id) >= 0) {
		k->has_id = 1;
		k->id = json_integer_value(id);
	}
	if (json_is_string(x = json_object_get(v, "key"))) {
		k->key = json_string_value(x);
		k->keylen = json_string_length(x);
	}
	if (json_is_string(x = json_object_get(v, "fn"))) {
		k->fn = json_string_value(x);
		k->fnlen = json_string_length(x);
	}
	r->rec.key = k;
}

static int
take_column(struct lp_records *r, json_t *v, struct lp_error *err)
{
	struct lp_rcolumn *c = &r->column;
	json_t *ids = json_object_get(v, "ids");
	json_t *vals = json_object_get(v, "values");
	json_t *tn = json_object_get(v, "time_ns");
	size_t i, n;

	memset(c, 0, sizeof(*c));
	c->has_time = tn != NULL;
	c->time_ok = !tn || json_is_integer(tn);
	c->time_ns = json_is_integer(tn) ? json_integer_value(tn) : 0;
	r->rec.column = c;
	if (!json_is_array(ids) || !json_is_array(vals) ||
	    json_array_size(ids) != json_array_size(vals))
		return 0;
	n = json_array_size(ids);
	if (lp_reserve((void **)&r->colids, &r->colcap[0], n + 1,
	        sizeof(*r->colids)) ||
	    lp_reserve((void **)&r->colvals, &r->colcap[1], n + 1,
	        sizeof(*r->colvals)))
		return oom(err);
	for (i = 0; i < n; i++) {
		json_t *id = json_array_get(ids, i),
		       *x = json_array_get(vals, i);
		int ok = json_is_integer(id) && json_is_integer(x) &&
		         json_integer_value(id) >= 0;
		r->colids[i] = ok ? json_integer_value(id) : -1;
		r->colvals[i] = ok ? json_integer_value(x) : 0;
	}
	c->ids = r->colids;
	c->values = r->colvals;
	c->n = n;
	c->has_arrays = 1;
	return 0;
}

static void
take_clusters(struct lp_records *r, json_t *v)
{
	struct lp_rclusters *h = &r->clusters;
	json_t *in = json_object_get(v, "inputs");

	memset(h, 0, sizeof(*h));
	h->has_count = json_is_integer(json_object_get(v, "count"));
	h->count = jint(v, "count", 0);
	if (json_is_array(in) && json_array_size(in) > 0)
		h->first_input =
		    json_string_value(json_array_get(in, 0)); /* or NULL */
	r->rec.clusters = h;
}

static int
take_cluster(struct lp_records *r, json_t *v, struct lp_error *err)
{
	struct lp_rcluster *c = &r->cluster;
	json_t *x, *site = json_object_get(v, "site");
	json_t *states = json_object_get(v, "states");
	json_t *creators = json_object_get(v, "creators");
	const char *k;
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	c->id = jcstr(v, "id", NULL);
	c->signature = jcstr(v, "signature", NULL);
	c->has_count = json_is_integer(json_object_get(v, "count"));
	c->count = jint(v, "count", 0);
	c->has_rank = json_is_integer(json_object_get(v, "rank"));
	c->rank = jint(v, "rank", 0);
	x = json_object_get(v, "pct");
	c->has_pct = json_is_number(x);
	c->pct = c->has_pct ? json_number_value(x) : 0;
	if (json_is_object(site)) {
		c->has_site = 1;
		c->site_fn = jcstr(site, "fn", NULL);
		c->site_file = jcstr(site, "file", NULL);
		c->site_line = jint(site, "line", 0);
	}
	if (lp_reserve((void **)&r->counts, &r->ccap,
	        json_object_size(states) + 1, sizeof(*r->counts)))
		return oom(err);
	json_object_foreach(states, k, x)
	{
		if (!json_is_integer(x))
			continue;
		r->counts[n].name = k;
		r->counts[n++].count = json_integer_value(x);
	}
	c->states = r->counts;
	c->nstates = n;
	c->has_wait_min = json_is_integer(json_object_get(v, "wait_min_ns"));
	c->wait_min_ns = jint(v, "wait_min_ns", 0);
	c->has_wait_max = json_is_integer(json_object_get(v, "wait_max_ns"));
	c->wait_max_ns = jint(v, "wait_max_ns", 0);
	if (json_is_array(creators) && json_array_size(creators) > 0)
		c->creator = jcstr(json_array_get(creators, 0), "fn", NULL);
	r->rec.cluster = c;
	return 0;
}

static void
take_edge(struct lp_records *r, json_t *v)
{
	struct lp_redge *e = &r->edge;
	json_t *from = NULL, *to = NULL, *x;
	const char *k;

	memset(e, 0, sizeof(*e));
	/* One pass: edges come by the million. */
	json_object_foreach(v, k, x)
	{
		if (strcmp(k, "from") == 0)
			from = x;
		else if (strcmp(k, "to") == 0)
			to = x;
		else if (strcmp(k, "reason") == 0 && json_is_string(x))
			e->reason = json_string_value(x);
		else if (strcmp(k, "evidence") == 0 && json_is_string(x))
			e->evidence = json_string_value(x);
		else if (strcmp(k, "count") == 0 && json_is_integer(x))
			e->count = json_integer_value(x);
		else if (strcmp(k, "last_ns") == 0 && json_is_integer(x)) {
			e->last_ns = json_integer_value(x);
			e->has_last = 1;
		}
	}
	e->has_ends = json_is_integer(from) && json_is_integer(to);
	e->from = e->has_ends ? json_integer_value(from) : LP_NO_ID;
	e->to = e->has_ends ? json_integer_value(to) : LP_NO_ID;
	r->rec.edge = e;
}

/* gcycle's findings */
static int
take_waiter(
    struct lp_records *r, json_t *o, struct lp_rwaiter *w, struct lp_error *err)
{
	json_t *x;
	int rc;

	memset(w, 0, sizeof(*w));
	x = json_object_get(o, "goid");
	w->has_goid = json_is_integer(x);
	w->goid = w->has_goid ? json_integer_value(x) : 0;
	x = json_object_get(o, "wait_ns");
	w->has_wait = json_is_integer(x);
	w->wait_ns = w->has_wait ? json_integer_value(x) : -1;
	x = json_object_get(o, "count");
	w->has_count = json_is_integer(x);
	w->count = w->has_count ? json_integer_value(x) : 0;
	w->leaked = json_is_true(json_object_get(o, "leaked"));
	w->state = jcstr(o, "state", NULL);
	w->reason = jcstr(o, "reason", NULL);
	w->evidence = jcstr(o, "evidence", NULL);
	if (json_is_array(x = json_object_get(o, "stack")) &&
	    (rc = parse_stack(r, x, &w->stack, err)) < 0)
		return rc;
	return 0;
}

static int
take_wait(struct lp_records *r, json_t *v, int cycle, struct lp_error *err)
{
	struct lp_rwait *w = &r->wait;
	json_t *m = json_object_get(v, cycle ? "members" : "chain");
	json_t *e = json_object_get(v, "edges"), *x;
	size_t i, n = json_array_size(m), ne = json_array_size(e);
	int rc;

	memset(w, 0, sizeof(*w));
	w->severity = jint(v, "severity", 0);
	w->behind = jint(v, "behind", 0);
	w->has_root = json_is_integer(json_object_get(v, "root"));
	w->root = jint(v, "root", 0);
	w->has_lists = json_is_array(m) && json_is_array(e);
	w->why = jcstr(v, "why", NULL);
	w->evidence = jcstr(v, "evidence", NULL);
	w->cause = jcstr(v, "cause", NULL);
	if (!cycle && (rc = take_waiter(r, v, &w->self, err)) < 0)
		return rc;
	if (lp_reserve(
	        (void **)&r->waiters, &r->wcap, n + 1, sizeof(*r->waiters)) ||
	    lp_reserve(
	        (void **)&r->wedges, &r->wecap, ne + 1, sizeof(*r->wedges)))
		return oom(err);
	for (i = 0; i < n; i++)
		if ((rc = take_waiter(
		         r, json_array_get(m, i), &r->waiters[i], err)) < 0)
			return rc;
	json_array_foreach(e, i, x)
	{
		take_edge(r, x);
		r->wedges[i] = r->edge;
	}
	w->members = r->waiters;
	w->nmembers = n;
	w->edges = r->wedges;
	w->nedges = ne;
	r->rec.edge = NULL;
	r->rec.wait = w;
	return 0;
}

/*
 * One NDJSON record into r->rec.  Returns 1 when it is handed out, 0 when
 * skipped, 2 when an implied profile or dump is handed out first (the
 * record waits in r->pending), or an error.
 */
static int
take_json(struct lp_records *r, json_t *v, struct lp_error *err)
{
	struct common c;
	const char *ks;
	enum lp_rkind k;
	int rc;

	scan(v, &c);
	ks = json_is_string(c.kind) ? json_string_value(c.kind) : "";
	k = kind_of(ks);
	if (strcmp(ks, "stack") == 0)
		return take_stack_record(r, v, err) < 0 ? -err->code : 0;
	if (!(r->want & LP_REC_WANT(k)) && k != LP_REC_PROFILE &&
	    k != LP_REC_DUMP)
		return 0;
	r->rec.kind = k;
	r->rec.kind_name = ks;
	r->rec.src = json_is_string(c.src) ? json_string_value(c.src) : r->unit;
	r->rec.json = v;
	/* An unknown stack id is the first thing wrong with a record, as
	 * it was when ids were resolved before records were looked at. */
	if (c.stack_id && (rc = record_stack(r, &c, err)) != 0)
		return rc < 0 ? rc : 0;
	switch (k) {
	case LP_REC_PROFILE:
		if ((rc = take_profile(r, v, err)) < 0)
			return rc;
		return !!(r->want & LP_REC_WANT(k));
	case LP_REC_DUMP:
		if ((rc = take_dump(r, v, r->rec.src, 0, err)) < 0)
			return rc;
		return !!(r->want & LP_REC_WANT(k));
	case LP_REC_SAMPLE:
		if (!json_is_object(json_object_get(v, "values")))
			return bad(
			    r, err, "a sample record has no values object");
		if (!r->prof_src || strcmp(r->prof_src, r->rec.src) != 0) {
			rc = imply_profile(
			    r, json_object_get(v, "values"), r->rec.src, err);
			if (rc < 0)
				return rc;
			if (r->want & LP_REC_WANT(LP_REC_PROFILE)) {
				r->rec.kind = LP_REC_PROFILE;
				r->rec.kind_name = "profile";
				r->rec.json = NULL;
				return 2;
			}
		}
		if ((rc = take_sample(r, v, err)) < 0)
			return rc;
		break;
	case LP_REC_GOROUTINE:
		if (!r->dump_src || strcmp(r->dump_src, r->rec.src) != 0) {
			if ((rc = take_dump(r, v, r->rec.src, 1, err)) < 0)
				return rc;
			if (r->want & LP_REC_WANT(LP_REC_DUMP)) {
				r->rec.kind = LP_REC_DUMP;
				r->rec.kind_name = "dump";
				r->rec.json = NULL;
				return 2;
			}
		}
		break;
	default: break;
	}
	if (!c.stack_id && (rc = record_stack(r, &c, err)) != 0)
		return rc < 0 ? rc : 0;
	if (json_is_string(c.signature)) {
		r->rec.signature = jstr(c.signature);
		r->rec.has_signature = 1;
	}
	if (k == LP_REC_GOROUTINE) {
		if ((rc = take_goroutine(r, v, err)) < 0)
			return rc;
		if (json_object_get(v, "alive") &&
		    (rc = take_life(r, v, err)) < 0)
			return rc;
	}
	if (k == LP_REC_GC && (rc = take_gc(r, v, err)) < 0)
		return rc;
	if (k == LP_REC_EVENT && (rc = take_event(r, v, err)) < 0)
		return rc;
	if (k == LP_REC_EDGE)
		take_edge(r, v);
	if (k == LP_REC_HEAPDIFF)
		take_heapdiff(r, v);
	if (k == LP_REC_CLUSTER && (rc = take_cluster(r, v, err)) < 0)
		return rc;
	if (k == LP_REC_STACKCLUSTER)
		take_clusters(r, v);
	if ((k == LP_REC_CYCLE || k == LP_REC_STUCK) &&
	    (rc = take_wait(r, v, k == LP_REC_CYCLE, err)) < 0)
		return rc;
	if (k == LP_REC_DIFF || k == LP_REC_TREND)
		take_change(r, v, k == LP_REC_TREND);
	if (k == LP_REC_PARTIAL)
		take_partial(r, v);
	if (k == LP_REC_KEY)
		take_key(r, v);
	if (k == LP_REC_COLUMN && (rc = take_column(r, v, err)) < 0)
		return rc;
	return 1;
}

/* Evidence */

/* Traces */

static long
more(void *ctx, void *buf, size_t n, struct lp_error *err)
{
	return lp_input_read(ctx, buf, n, err);
}

/* A trace's stack as an lp_stack, made once per generation. */
static const struct lp_stack *
tstack_of(struct lp_records *r, struct lp_tstack *ts)
{
	uint64_t *hit = lp_u64map_get(&r->tstacks, (uint64_t)(uintptr_t)ts);
	const struct lp_stack *s;
	uint32_t i;

	if (hit)
		return (const struct lp_stack *)(uintptr_t)*hit;
	if (lp_reserve((void **)&r->scratch, &r->scap, (size_t)ts->n + 1,
	        sizeof(*r->scratch)))
		return NULL;
	for (i = 0; i < ts->n; i++) {
		const struct lp_tframe *tf = &ts->frames[i];
		r->scratch[i] = (struct lp_frame){ .fn = tf->fn,
			.file = tf->file,
			.line = (int64_t)tf->line,
			.addr = tf->pc,
			.flags = LP_FRAME_HAS_ADDR };
	}
	if (!(s = stack_of(r, r->scratch, ts->n)) ||
	    lp_u64map_put(&r->tstacks, (uint64_t)(uintptr_t)ts,
	        (uint64_t)(uintptr_t)s) < 0)
		return NULL;
	return s;
}

static const void *
view_stack(void *ctx, struct lp_tstack *ts)
{
	return tstack_of(ctx, ts);
}

static struct queued *
enqueue(struct lp_records *r)
{
	if (lp_reserve((void **)&r->q, &r->qcap, r->nq + 1, sizeof(*r->q)))
		return NULL;
	memset(&r->q[r->nq], 0, sizeof(*r->q));
	return &r->q[r->nq++];
}

static int
view_life(void *ctx, const struct lp_tglife *g)
{
	struct lp_records *r = ctx;
	struct queued *q = enqueue(r);
	struct lp_tblocked *b = NULL;

	if (!q)
		return -1;
	q->life = *g;
	if (g->nblocked) {
		b = lp_arena_calloc(&r->qmem, g->nblocked, sizeof(*b));
		if (!b)
			return -1;
		memcpy(b, g->blocked, g->nblocked * sizeof(*b));
	}
	q->life.blocked = b;
	return 0;
}

static int
view_gc(void *ctx, const struct lp_tgc *c)
{
	struct lp_records *r = ctx;
	struct queued *q = enqueue(r);
	struct lp_tstw *w = NULL;

	if (!q)
		return -1;
	q->is_gc = 1;
	q->gc = *c;
	if (c->nstw) {
		w = lp_arena_calloc(&r->qmem, c->nstw, sizeof(*w));
		if (!w)
			return -1;
		memcpy(w, c->stw, c->nstw * sizeof(*w));
	}
	q->gc.stw = w;
	return 0;
}

static int
begin_trace(struct lp_records *r, const struct lp_unit *u, struct lp_input *in,
    struct lp_error *err)
{
	struct lp_byte_src bs = { u->data, u->len, more, in };
	unsigned views = 0;

	if (r->want & LP_REC_WANT(LP_REC_GOROUTINE))
		views |= LP_VIEW_GOROUTINES;
	if (r->want & LP_REC_WANT(LP_REC_GC))
		views |= LP_VIEW_GC;
	if (r->flags & LP_RECORDS_EVENTS_ONLY)
		views = 0;
	if (!(r->trace = lp_trace_open(&bs, err)))
		return -err->code;
	lp_tev_writer_init(&r->tw, r->unit, 0, NULL);
	r->tw_init = 1;
	if (views) {
		struct lp_tview_sink sink = { view_stack, view_life, view_gc,
			r };
		if (!(r->view = lp_tview_new(views)))
			return oom(err);
		lp_tview_set_sink(r->view, &sink);
	}
	r->ev = EV_TRACE;
	return 0;
}

/* The next queued summary into r->rec: 1, 0 when none is left, or
 * -LP_ENOMEM. */
static int
next_queued(struct lp_records *r, struct lp_error *err)
{
	struct lp_record *rec = &r->rec;
	const struct queued *q;

	if (r->qnext == r->nq) {
		if (r->nq) {
			r->nq = r->qnext = 0;
			lp_arena_release(&r->qmem);
		}
		return 0;
	}
	q = &r->q[r->qnext++];
	rec->event = NULL; /* what an event before it set */
	rec->tstack = NULL;
	if (q->is_gc) {
		r->gc = q->gc;
		rec->kind = LP_REC_GC;
		rec->gc = &r->gc;
		rec->t = r->gc.start_ns;
		return 1;
	}
	r->life = q->life;
	memset(&r->g, 0, sizeof(r->g));
	r->g.id = (uint64_t)r->life.id;
	r->g.state = lp_str_make(r->life.state, strlen(r->life.state));
	r->g.wait_ns = r->life.wait_ns;
	if (r->life.has_created_by) {
		r->g.flags |= LP_G_CREATED;
		r->g.created_by = r->life.created_by;
	}
	if (r->life.creator != LP_NO_ID) {
		r->g.flags |= LP_G_CREATOR_ID;
		r->g.creator_id = (uint64_t)r->life.creator;
	}
	rec->stack = r->life.stack;
	if (set_g_frames(&r->g, rec->stack) < 0)
		return oom(err);
	rec->kind = LP_REC_GOROUTINE;
	rec->goroutine = &r->g;
	rec->life = &r->life;
	rec->t = r->life.created_ns;
	return 1;
}

/* The next record of a trace: 1, 0 at its end, or an error. */
static int
next_trace(struct lp_records *r, struct lp_error *err)
{
	struct lp_record *rec = &r->rec;
	const struct lp_tev *ev;
	int rc;

	for (;;) {
		if ((rc = next_queued(r, err)) != 0)
			return rc;
		if (r->trace_done) {
			if (r->trace_err.code) {
				*err = r->trace_err;
				r->trace_err.code = 0;
				return -err->code;
			}
			return 0;
		}
		rc = lp_trace_next(r->trace, &ev, &r->trace_err);
		if (rc <= 0) {
			r->trace_done = 1;
			/* Summaries of a broken trace are still true up to
			 * the damage. */
			if (r->view && r->trace_err.code != LP_ENOMEM &&
			    lp_tview_finish(r->view, &r->null_out, &r->tw) < 0)
				lp_error_set(
				    &r->trace_err, LP_ENOMEM, "out of memory");
			continue;
		}
		if (ev->kind == LP_TEV_SYNC)
			lp_u64map_clear(&r->tstacks);
		if (r->view && lp_tview_add(r->view, &r->null_out, &r->tw, ev,
		                   lp_trace_arena(r->trace)) < 0) {
			lp_error_set(&r->trace_err, LP_ENOMEM, "out of memory");
			r->trace_done = 1;
			continue;
		}
		r->null_out.len = 0;
		if (!(r->want & LP_REC_WANT(LP_REC_EVENT)))
			continue;
		rec->kind = LP_REC_EVENT;
		rec->event = ev;
		rec->t = lp_tev_rel(&r->tw, ev);
		rec->stack = NULL;
		rec->tstack = NULL;
		if (r->flags & LP_RECORDS_RAW_EVENTS)
			return 1;
		if (ev->stack && !(rec->stack = tstack_of(r, ev->stack)))
			return oom(err);
		if (ev->tstack && ev->tstack->n &&
		    !(rec->tstack = tstack_of(r, ev->tstack)))
			return oom(err);
		return 1;
	}
}

static int take_json(struct lp_records *r, json_t *v, struct lp_error *err);

/* The next rendered record: 1, 0 at the end, or an error. */
static int
next_rendered(struct lp_records *r, struct lp_error *err)
{
	json_error_t jerr;
	json_t *v;
	int rc;

	for (;;) {
		const char *p = r->rendered.buf + r->rpos, *nl;
		size_t n;
		if (r->pending) {
			v = r->pending;
			r->pending = NULL;
			r->rec.line = r->pending_line;
		} else {
			if (r->rpos >= r->rendered.len)
				return 0;
			nl = memchr(p, '\n', r->rendered.len - r->rpos);
			n = nl ? (size_t)(nl - p) : r->rendered.len - r->rpos;
			r->rpos += n + (nl != NULL);
			v = json_loadb(p, n, 0, &jerr);
			if (!v)
				return lp_error_set(err, LP_EINTERNAL,
				    "record %lu: %s", r->rec.line, jerr.text);
		}
		json_decref(r->json);
		r->json = v;
		rc = take_json(r, v, err);
		if (rc == 2) {
			r->pending = json_incref(v);
			r->pending_line = r->rec.line;
			return 1;
		}
		if (rc != 0)
			return rc;
		r->rec.line = ++r->ev_line;
	}
}

/* Take the evidence unit the lp_reader handed over. */
static int
begin_evidence(struct lp_records *r, struct lp_error *err)
{
	struct lp_unit u = *lp_reader_unit(r->rd);
	struct lp_input *in = lp_reader_input(r->rd);
	struct lp_diag d = diag_for(r);
	enum lp_format fmt = lp_detect(u.data, u.len);
	int rc;

	r->ev_started = 0;
	r->ev_next = 0;
	r->ev_line = 0;
	if (fmt == LP_FMT_TRACE && !(r->flags & LP_RECORDS_NO_TRACES))
		return begin_trace(r, &u, in, err);
	if ((r->flags & LP_RECORDS_NO_PROFILES) && fmt != LP_FMT_GODUMP)
		return lp_error_set(err, LP_EDATA,
		    "%s: not an execution trace, a goroutine dump or records",
		    lp_format_name(fmt));
	if (lp_decode_is_profile(u.data, u.len)) {
		if ((rc = lp_input_slurp(in, &u, err)) < 0)
			return rc;
		lp_profile_init(&r->decoded, 0);
		r->has_decoded = 1;
		if ((rc = lp_decode_profile(&u, &r->decoded, &d, err)) < 0)
			return rc;
		if (lp_stackpool_profile(&r->pool, &r->decoded) < 0)
			return oom(err);
		r->skipped = r->diag_fn ? 0 : d.count;
		r->ev = EV_PROFILE;
		return 0;
	}
	if (fmt == LP_FMT_GODUMP) {
		if ((rc = lp_input_slurp(in, &u, err)) < 0)
			return rc;
		/* Streamed: the first goroutine now, to say where the
		 * dump's head ends (and that it is a dump at all). */
		r->godump_diag = diag_for(r);
		r->godump = lp_godump_new(u.data, u.len, &r->godump_diag);
		if (!r->godump)
			return oom(err);
		if ((rc = lp_godump_next(r->godump, &r->first_g, err)) < 0)
			return rc;
		memset(&r->dump, 0, sizeof(r->dump));
		r->dump.format = LP_STR_LIT("goroutine-dump");
		lp_dump_head(
		    &u, r->first_g->line, &r->dump.reason, &r->dump.preamble);
		r->ev = EV_DUMP;
		return 0;
	}
	/* A reader of traces says what it reads. */
	if (fmt == LP_FMT_UNKNOWN && !(r->flags & LP_RECORDS_NO_TRACES))
		return lp_error_set(err, LP_EDATA,
		    "not leakpipe records, a dump, a profile or a trace");
	/* Any other evidence through the shared writer, its records parsed
	 * back as NDJSON's are; what is no evidence, in the decoder's words. */
	if ((rc = lp_input_slurp(in, &u, err)) < 0)
		return rc;
	r->rendered.len = 0;
	r->rendered.err = 0;
	r->rpos = 0;
	{
		struct lp_emit_opts opts = { 0, NULL, 0, NULL };
		rc = lp_decode_unit(&r->rendered, &u, &opts, NULL, &d, err);
		if (rc < 0)
			return rc;
	}
	if (r->rendered.err)
		return oom(err);
	r->skipped = r->diag_fn ? 0 : d.count;
	r->ev = EV_RENDERED;
	return 0;
}

/*
 * A dump goroutine's stack.  Most goroutines of a big dump share their
 * text with another (the same lines after the header): one hash of the
 * text, no frames to hash and compare.
 */
static const struct lp_stack *
goroutine_stack(struct lp_records *r, const struct lp_goroutine *g)
{
	uint64_t h, *slot = NULL;
	const struct lp_stack *s;
	struct dtext *d;

	if (!g->text.n)
		return lp_stackpool_frames(&r->pool, g->frames, g->nframes, 1);
	h = lp_text_hash(g->text.p, g->text.n);
	if ((slot = lp_u64map_get(&r->dtexts, h))) {
		d = &r->dtext[*slot];
		if (lp_str_same(d->text, g->text))
			return d->stack;
	}
	if (!(s = lp_stackpool_frames(&r->pool, g->frames, g->nframes, 1)))
		return NULL;
	if (!slot) {
		if (lp_reserve((void **)&r->dtext, &r->dtcap, r->ndtext + 1,
		        sizeof(*r->dtext)) ||
		    lp_u64map_put(&r->dtexts, h, r->ndtext) < 0)
			return NULL;
		r->dtext[r->ndtext].text = g->text;
		r->dtext[r->ndtext++].stack = s;
	}
	return s;
}

/* The next goroutine of a dump: 1, 0 at its end (all of it read, so
 * that its lines not understood are counted), or an error. */
static int
next_goroutine(struct lp_records *r, struct lp_error *err)
{
	struct lp_record *rec = &r->rec;
	const struct lp_goroutine *g = r->first_g;
	const struct lp_stack *s;
	int rc;

	r->first_g = NULL;
	do {
		if (!g && (rc = lp_godump_next(r->godump, &g, err)) <= 0) {
			r->skipped = r->diag_fn ? 0 : r->godump_diag.count;
			return rc;
		}
		if (!(r->want & LP_REC_WANT(LP_REC_GOROUTINE)))
			g = NULL;
	} while (!g);
	if (!(s = goroutine_stack(r, g)))
		return oom(err);
	rec->line = ++r->ev_next + 1;
	rec->stack = s;
	r->g = *g;
	if (set_g_frames(&r->g, s) < 0)
		return oom(err);
	rec->kind = LP_REC_GOROUTINE;
	rec->dump = &r->dump;
	rec->goroutine = &r->g;
	return 1;
}

static int
next_evidence(struct lp_records *r, struct lp_error *err)
{
	struct lp_record *rec = &r->rec;

	rec->src = r->unit;
	rec->line = ++r->ev_line; /* traces: as trace2ndjson numbers them */
	if (r->ev == EV_TRACE)
		return next_trace(r, err);
	if (r->ev == EV_RENDERED)
		return next_rendered(r, err);
	/* Profiles and dumps: as pprof2ndjson's records are numbered. */
	rec->line = 1;
	if (r->ev == EV_PROFILE) {
		const struct lp_profile *p = &r->decoded;
		const struct lp_sample *sm;
		if (!r->ev_started) {
			r->ev_started = 1;
			memset(&r->prof, 0, sizeof(r->prof));
			r->prof.format =
			    lp_str_make(p->format, strlen(p->format));
			r->prof.types = p->sample_types;
			r->prof.ntypes = p->nsample_types;
			r->prof.default_type = p->default_type;
			r->prof.period_type = p->period_type;
			r->prof.period = p->period;
			r->prof.time_ns = p->time_ns;
			r->prof.duration_ns = p->duration_ns;
			r->prof.decoded = p;
			rec->kind = LP_REC_PROFILE;
			rec->profile = &r->prof;
			if (r->want & LP_REC_WANT(LP_REC_PROFILE))
				return 1;
		}
		if (!(r->want & LP_REC_WANT(LP_REC_SAMPLE)) ||
		    (r->flags & LP_RECORDS_WHOLE_PROFILES) ||
		    r->ev_next == p->nsamples)
			return 0;
		rec->line = r->ev_next + 2;
		sm = &p->samples[r->ev_next++];
		rec->kind = LP_REC_SAMPLE;
		rec->profile = &r->prof;
		if (!(rec->stack = lp_stackpool_sample(&r->pool, sm)))
			return oom(err);
		memset(&r->sample, 0, sizeof(r->sample));
		r->sample.profile = &r->prof;
		r->sample.values = sm->values;
		r->sample.nvalues = p->nsample_types;
		r->sample.labels = sm->labels;
		r->sample.nlabels = sm->nlabels;
		r->sample.decoded = sm;
		rec->sample = &r->sample;
		return 1;
	}
	if (r->ev == EV_DUMP) {
		if (!r->ev_started) {
			r->ev_started = 1;
			rec->kind = LP_REC_DUMP;
			rec->dump = &r->dump;
			if (r->want & LP_REC_WANT(LP_REC_DUMP))
				return 1;
		}
		return next_goroutine(r, err);
	}
	return 0;
}

/* The unit ended with more undefined stack ids than were told: say how
 * many, in its name; what the reader gave next waits. */
static int
told_nostack(struct lp_records *r, int rc, json_t *v, const char *src,
    struct lp_error *err)
{
	r->held = 1;
	r->held_rc = rc;
	r->held_v = v;
	r->held_src = src;
	r->held_err = *err;
	r->unit = r->nostack_unit;
	lp_error_set(err, LP_EDATA,
	    "%lu more records whose stack_id has no stack record before it",
	    r->nostack - LP_REPEAT_MAX);
	r->nostack = 0;
	return -LP_EDATA;
}

static void
clear_rec(struct lp_records *r)
{
	/* An event after an event (most of a trace): next_trace sets again
	 * all that an event has, and next_queued clears it. */
	if (r->ev == EV_TRACE && r->rec.kind == LP_REC_EVENT)
		return;
	memset(&r->rec, 0, sizeof(r->rec));
	json_decref(r->json);
	r->json = NULL;
}

int
lp_records_next(
    struct lp_records *r, const struct lp_record **rec, struct lp_error *err)
{
	const char *src;
	json_t *v;
	int rc;

	*rec = &r->rec;
	for (;;) {
		clear_rec(r);
		if (r->ev != EV_NONE) {
			if ((rc = next_evidence(r, err)) != 0) {
				r->rec.kind_name = lp_rkind_name(r->rec.kind);
				return rc;
			}
			rc = 0;
			if (r->skipped)
				rc = lp_error_set(err, LP_EDATA,
				    "%lu lines not understood (pprof2ndjson "
				    "names them)",
				    r->skipped);
			end_evidence(r);
			if (rc < 0)
				return rc;
			continue;
		}
		if (r->pending) {
			v = r->pending;
			r->pending = NULL;
			r->rec.line = r->pending_line;
		} else {
			if (r->held) {
				r->held = 0;
				rc = r->held_rc;
				v = r->held_v;
				src = r->held_src;
				*err = r->held_err;
			} else {
				rc = lp_reader_next(r->rd, &v, &src, err);
				if ((rc == 0 || lp_reader_unit_no(r->rd) !=
				                    r->unit_no) &&
				    r->nostack > LP_REPEAT_MAX)
					return told_nostack(r, rc, v, src, err);
			}
			if (lp_reader_unit_no(r->rd) != r->unit_no) {
				r->unit_no = lp_reader_unit_no(r->rd);
				new_unit(r);
			}
			r->unit = src;
			if (rc <= 0)
				return rc;
			if (rc == 2) {
				if ((rc = begin_evidence(r, err)) < 0) {
					end_evidence(r);
					return rc;
				}
				continue;
			}
			r->rec.line = lp_reader_line(r->rd);
		}
		r->json = v;
		rc = take_json(r, v, err);
		if (rc == 2) {
			r->pending = json_incref(v);
			r->pending_line = r->rec.line;
			r->rec.line = r->pending_line;
			return 1;
		}
		if (rc != 0)
			return rc;
	}
}
