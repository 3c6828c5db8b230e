/* traceemit.c - trace events as "event" records */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "frame.h"
#include "traceemit.h"

void
lp_tev_writer_init(struct lp_tev_writer *w, const char *src, unsigned flags,
    struct lp_intern *in)
{
	memset(w, 0, sizeof *w);
	w->src = src;
	w->flags = flags;
	w->in = in;
	lp_out_init(&w->scratch, -1, 4096);
	/* Every record starts the same way; escape the source name once. */
	lp_out_init(&w->head, -1, 256);
	lp_out_lit(&w->head, "{\"kind\":\"event\",\"src\":");
	lp_out_cstr(&w->head, src);
	lp_out_lit(&w->head, ",\"t\":");
}

void
lp_tev_writer_release(struct lp_tev_writer *w)
{
	lp_out_release(&w->scratch);
	lp_out_release(&w->head);
}

int64_t
lp_tev_rel(struct lp_tev_writer *w, const struct lp_tev *ev)
{
	if (!w->started) {
		w->started = 1;
		w->t0 = ev->t;
	}
	return lp_tsub(ev->t, w->t0);
}

static void
frames_out(struct lp_out *o, const struct lp_tstack *s, unsigned flags)
{
	int first = 1;

	lp_out_ch(o, '[');
	for (uint32_t i = 0; i < s->n; i++) {
		const struct lp_tframe *tf = &s->frames[i];
		struct lp_frame f = { .fn = tf->fn,
			.file = tf->file,
			.line = (int64_t)tf->line,
			.addr = tf->pc,
			.flags = LP_FRAME_HAS_ADDR };
		if ((flags & LP_EMIT_DROP_RUNTIME) && lp_frame_is_runtime(&f))
			continue;
		if (!first)
			lp_out_ch(o, ',');
		first = 0;
		lp_frame_write(o, &f, flags);
	}
	lp_out_ch(o, ']');
}

/* Render s once into memory that lives as long as s. */
static int
render(struct lp_tev_writer *w, struct lp_tstack *s, struct lp_arena *a)
{
	char *p;

	if (s->json)
		return 1;
	if (!a)
		return 0;
	w->scratch.len = 0;
	frames_out(&w->scratch, s, w->flags);
	if (w->scratch.err || !(p = lp_arena_alloc(a, w->scratch.len)))
		return 0;
	memcpy(p, w->scratch.buf, w->scratch.len);
	s->json = p;
	s->jsonlen = w->scratch.len;
	return 1;
}

void
lp_tstack_write(struct lp_out *o, struct lp_tev_writer *w, struct lp_tstack *s,
    struct lp_arena *a)
{
	if (render(w, s, a))
		lp_out_raw(o, s->json, s->jsonlen);
	else
		frames_out(o, s, w->flags);
}

static int
same_frames(const struct lp_tstack *a, const struct lp_tstack *b)
{
	if (a == b)
		return 1;
	if (!a || !b || a->n != b->n)
		return 0;
	for (uint32_t i = 0; i < a->n; i++) {
		const struct lp_tframe *x = &a->frames[i], *y = &b->frames[i];
		if (x->pc != y->pc || x->line != y->line ||
		    x->fn.n != y->fn.n || x->file.n != y->file.n ||
		    memcmp(x->fn.p, y->fn.p, x->fn.n) != 0 ||
		    memcmp(x->file.p, y->file.p, x->file.n) != 0)
			return 0;
	}
	return 1;
}

static uint64_t
intern(struct lp_out *o, struct lp_tev_writer *w, struct lp_tstack *s,
    struct lp_arena *a)
{
	if (s->sid)
		return s->sid;
	if (render(w, s, a))
		return s->sid = lp_intern_stack(w->in, o, s->json, s->jsonlen);
	w->scratch.len = 0;
	frames_out(&w->scratch, s, w->flags);
	return lp_intern_stack(w->in, o, w->scratch.buf, w->scratch.len);
}

/* The names written on every record, with their lengths worked out once
 * (strlen was a few percent of the time on a big trace), in 16 bytes
 * each: a name is written as one 16-byte move and its length added
 * (memcpy of a length known only at run time is a call). */
struct name {
	char s[16];
	size_t n;
};
#define N(x)                     \
	{                        \
		x, sizeof(x) - 1 \
	}
static const struct name kinds[LP_TEV_NKINDS] = { N("Sync"), N("Metric"),
	N("Label"), N("StackSample"), N("RangeBegin"), N("RangeActive"),
	N("RangeEnd"), N("TaskBegin"), N("TaskEnd"), N("RegionBegin"),
	N("RegionEnd"), N("Log"), N("StateTransition"), N("Experimental") };
static const struct name gstates[6] = { N("Undetermined"), N("NotExist"),
	N("Runnable"), N("Running"), N("Waiting"), N("Syscall") };
static const struct name pstates[4] = { N("Undetermined"), N("NotExist"),
	N("Running"), N("Idle") };
static const struct name tres[4] = { N("global"), N("goroutine"), N("proc"),
	N("thread") };
static const struct name bad_name = N("Bad"), bad_res = N("bad");
#undef N

static inline void
put_name(struct lp_out *o, const struct name *nm)
{
	if (o->cap - o->len < sizeof nm->s)
		lp_out_grow(o, sizeof nm->s);
	if (o->cap - o->len >= sizeof nm->s) {
		memcpy(o->buf + o->len, nm->s, sizeof nm->s);
		o->len += nm->n;
	}
}

/* lp_tres_name(r), without its strlen. */
static void
res_name(struct lp_out *o, enum lp_tres r)
{
	put_name(o, (unsigned)r < 4 ? &tres[r] : &bad_res);
}

static void
name(struct lp_out *o, const struct name *table, size_t n, unsigned i)
{
	put_name(o, i < n ? &table[i] : &bad_name);
}

/* A context id or resource id: most have three digits or fewer, and
 * are written here without lp_out_int's two calls (they were a tenth of
 * the time of a full write). */
static inline void
id_out(struct lp_out *o, int64_t v)
{
	char *d;

	if (v < 0 || v >= 1000 || o->cap - o->len < 3) {
		lp_out_int(o, v);
		return;
	}
	d = o->buf + o->len;
	if (v >= 100) {
		*d++ = (char)('0' + v / 100);
		v %= 100;
		*d++ = (char)('0' + v / 10);
	} else if (v >= 10) {
		*d++ = (char)('0' + v / 10);
	}
	*d++ = (char)('0' + v % 10);
	o->len = (size_t)(d - o->buf);
}

/* ,"k": for a literal key k, copied as is (keys need no escaping). */
#define key(o, k) lp_out_lit((o), ",\"" k "\":")

static void
wall(struct lp_out *o, uint64_t sec, uint64_t nsec)
{
	char buf[64];
	struct tm tm;
	time_t tt = (time_t)(sec + nsec / 1000000000u);
	int n;

	if (!gmtime_r(&tt, &tm)) {
		lp_out_uint(o, sec);
		return;
	}
	n = snprintf(buf, sizeof buf, "\"%04d-%02d-%02dT%02d:%02d:%02d.%09uZ\"",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (unsigned)(nsec % 1000000000u));
	lp_out_raw(o, buf, (size_t)n);
}

void
lp_tev_write(struct lp_out *o, struct lp_tev_writer *w, const struct lp_tev *ev,
    struct lp_arena *a)
{
	uint64_t sid = 0;
	int64_t rel = lp_tev_rel(w, ev);
	int has_stack = ev->stack && ev->stack->n;
	int has_tstack = ev->tstack && ev->tstack->n &&
	                 !same_frames(ev->tstack, has_stack ? ev->stack : NULL);

	if (has_stack && (w->flags & LP_EMIT_INTERN))
		sid = intern(o, w, ev->stack, a);
	lp_out_raw(o, w->head.buf, w->head.len);
	lp_out_int(o, rel);
	lp_out_lit(o, ",\"ev\":\"");
	name(o, kinds, LP_TEV_NKINDS, ev->kind);
	lp_out_ch(o, '"');
	if (ev->m != LP_NO_ID) {
		lp_out_lit(o, ",\"m\":");
		lp_out_int(o, ev->m);
	}
	if (ev->p != LP_NO_ID) {
		lp_out_lit(o, ",\"p\":");
		id_out(o, ev->p);
	}
	if (ev->g != LP_NO_ID) {
		lp_out_lit(o, ",\"g\":");
		id_out(o, ev->g);
	}
	switch (ev->kind) {
	case LP_TEV_SYNC:
		key(o, "n");
		lp_out_uint(o, ev->n);
		if (ev->has_clock) {
			lp_out_lit(o, ",\"clock\":{\"t\":");
			lp_out_int(o, lp_tsub(ev->clock_t, w->t0));
			lp_out_lit(o, ",\"mono\":");
			lp_out_uint(o, ev->clock_mono);
			lp_out_lit(o, ",\"wall\":");
			wall(o, ev->wall_sec, ev->wall_nsec);
			lp_out_ch(o, '}');
		}
		break;
	case LP_TEV_METRIC:
		key(o, "name");
		lp_out_lstr(o, ev->name);
		key(o, "value");
		lp_out_uint(o, ev->value);
		break;
	case LP_TEV_LABEL:
		key(o, "label");
		lp_out_lstr(o, ev->name);
		lp_out_lit(o, ",\"resource\":\"goroutine\",\"id\":");
		lp_out_int(o, ev->id);
		break;
	case LP_TEV_RANGE_BEGIN:
	case LP_TEV_RANGE_ACTIVE:
	case LP_TEV_RANGE_END:
		key(o, "name");
		lp_out_lstr(o, ev->name);
		lp_out_lit(o, ",\"scope\":\"");
		res_name(o, ev->res);
		lp_out_ch(o, '"');
		if (ev->res != LP_RES_NONE) {
			key(o, "id");
			lp_out_int(o, ev->id);
		}
		if (ev->has_attrs) {
			lp_out_lit(o, ",\"attrs\":{\"bytes swept\":");
			lp_out_uint(o, ev->value);
			lp_out_lit(o, ",\"bytes reclaimed\":");
			lp_out_uint(o, ev->value2);
			lp_out_ch(o, '}');
		}
		break;
	case LP_TEV_TASK_BEGIN:
	case LP_TEV_TASK_END:
		key(o, "task");
		lp_out_uint(o, ev->task);
		if (ev->parent != LP_NO_TASK) {
			key(o, "parent");
			lp_out_uint(o, ev->parent);
		}
		key(o, "type");
		lp_out_lstr(o, ev->name);
		break;
	case LP_TEV_REGION_BEGIN:
	case LP_TEV_REGION_END:
		key(o, "task");
		lp_out_uint(o, ev->task);
		key(o, "type");
		lp_out_lstr(o, ev->name);
		break;
	case LP_TEV_LOG:
		key(o, "task");
		lp_out_uint(o, ev->task);
		key(o, "category");
		lp_out_lstr(o, ev->name);
		key(o, "message");
		lp_out_lstr(o, ev->message);
		break;
	case LP_TEV_STATE:
		lp_out_lit(o, ",\"resource\":\"");
		res_name(o, ev->res);
		lp_out_lit(o, "\",\"id\":");
		id_out(o, ev->id);
		lp_out_lit(o, ",\"from\":\"");
		if (ev->res == LP_RES_PROC)
			name(o, pstates, 4, ev->from);
		else
			name(o, gstates, 6, ev->from);
		lp_out_lit(o, "\",\"to\":\"");
		if (ev->res == LP_RES_PROC)
			name(o, pstates, 4, ev->to);
		else
			name(o, gstates, 6, ev->to);
		lp_out_ch(o, '"');
		if (ev->reason.n) {
			key(o, "reason");
			lp_out_lstr(o, ev->reason);
		}
		if (has_tstack) {
			key(o, "tstack");
			lp_tstack_write(o, w, ev->tstack, a);
		} else if (ev->no_tstack && has_stack) {
			lp_out_lit(o, ",\"no_tstack\":true");
		}
		break;
	case LP_TEV_EXPERIMENTAL:
		key(o, "name");
		lp_out_lstr(o, ev->name);
		break;
	default: break;
	}
	if (has_stack) {
		if (w->flags & LP_EMIT_INTERN) {
			key(o, "stack_id");
			lp_out_uint(o, sid);
		} else {
			key(o, "stack");
			lp_tstack_write(o, w, ev->stack, a);
		}
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
}

void
lp_traw_write(struct lp_out *o, const char *src, const struct lp_traw *r)
{
	lp_out_lit(o, "{\"kind\":\"raw\",\"src\":");
	lp_out_cstr(o, src);
	lp_out_lit(o, ",\"off\":");
	lp_out_uint(o, r->off);
	lp_out_lit(o, ",\"ev\":");
	lp_out_cstr(o, r->name);
	lp_out_lit(o, ",\"args\":{");
	for (unsigned i = 0; i < r->nargs; i++) {
		if (i)
			lp_out_ch(o, ',');
		lp_out_cstr(o, r->argn[i]);
		lp_out_ch(o, ':');
		lp_out_uint(o, r->argv[i]);
	}
	lp_out_ch(o, '}');
	if (r->has_data) {
		lp_out_lit(o, ",\"data\":");
		lp_out_lstr(o, r->data);
	}
	if (r->has_frames) {
		lp_out_lit(o, ",\"frames\":[");
		for (size_t i = 0; i < r->nframes; i++) {
			const struct lp_traw_frame *f = &r->frames[i];
			if (i)
				lp_out_ch(o, ',');
			lp_out_lit(o, "{\"pc\":");
			lp_out_uint(o, f->pc);
			if (!r->pc_only) {
				lp_out_lit(o, ",\"func\":");
				lp_out_uint(o, f->fn);
				lp_out_lit(o, ",\"file\":");
				lp_out_uint(o, f->file);
				lp_out_lit(o, ",\"line\":");
				lp_out_uint(o, f->line);
			}
			lp_out_ch(o, '}');
		}
		lp_out_ch(o, ']');
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
}
