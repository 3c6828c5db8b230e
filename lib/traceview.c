/* traceview.c - per-goroutine and per-GC-cycle summaries of a trace */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "frame.h"
#include "strpool.h"
#include "traceview.h"
#include "u64map.h"
#include "util.h"

struct gsum {
	int64_t id;
	int64_t created;    /* ns since the start; -1: there at the start */
	int64_t creator;    /* goroutine id, or LP_NO_ID */
	struct lp_frame cb; /* the go statement (strings pooled) */
	int has_cb;
	const void *start;  /* stack handle: its start function */
	const void *stack;  /* stack handle: where it last stopped */
	const char *reason; /* pooled: why it waits */
	const char *label;  /* pooled: GC worker label */
	uint8_t state;      /* lp_gstate */
	uint8_t before;     /* it was in state when the trace began */
	int64_t since;      /* when it entered state, or first seen */
	int64_t charged;    /* time is counted in ns[] up to here */
	int64_t ns[6];      /* time per lp_gstate */
	struct lp_tblocked *whys;
	size_t nwhys;
};

struct cycle {
	int open;    /* a mark phase began and its record is not out */
	int ended;   /* the mark phase ended */
	int partial; /* it began before the trace */
	uint64_t n;
	int64_t start, end;
	uint64_t heap_start, heap_end;
	int have_heap_start; /* a heap metric came before the mark phase */
	struct lp_tstw *stw;
	size_t nstw, capstw;
};

struct lp_tview {
	unsigned views;
	struct lp_strpool pool;
	struct lp_u64map index; /* goroutine id -> slot in gs */
	struct gsum *gs;
	size_t ngs, capgs;
	size_t *free;
	size_t nfree, capfree;
	int64_t now;
	struct lp_out scratch;
	/* Stacks pooled in this generation: lp_tstack address -> pooled
	 * text, so each is rendered and hashed once.  Stacks die with their
	 * generation, and a new one starts with a Sync: cleared there. */
	struct lp_u64map seen;

	/* GC */
	struct cycle cy;
	uint64_t cycles;
	uint64_t heap, goal;
	int have_heap;
	int64_t prev_end;
	uint64_t prev_heap_end;
	int have_prev;
	struct lp_tstw sweep_term; /* the pause before a mark phase */
	int have_sweep_term;
	const char *stw_reason; /* the pause in progress */
	int64_t stw_start;
	int in_stw;

	struct lp_tview_sink sink; /* typed summaries, when set */
	int has_sink;
};

struct lp_tview *
lp_tview_new(unsigned views)
{
	struct lp_tview *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	v->views = views;
	if (lp_out_init(&v->scratch, -1, 4096) < 0) {
		free(v);
		return NULL;
	}
	return v;
}

void
lp_tview_free(struct lp_tview *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->ngs; i++)
		free(v->gs[i].whys);
	free(v->gs);
	free(v->free);
	free(v->cy.stw);
	lp_u64map_free(&v->index);
	lp_u64map_free(&v->seen);
	lp_strpool_free(&v->pool);
	lp_out_release(&v->scratch);
	free(v);
}

void
lp_tview_set_sink(struct lp_tview *v, const struct lp_tview_sink *sink)
{
	v->has_sink = sink != NULL;
	if (sink)
		v->sink = *sink;
}

static const char *
pool(struct lp_tview *v, struct lp_str s)
{
	return lp_strpool_get(&v->pool, s.p, s.n);
}

/* A stack's handle: the sink's, or a pooled frames array. */
static const void *
pool_stack(struct lp_tview *v, struct lp_tev_writer *w, struct lp_tstack *s,
    struct lp_arena *a)
{
	uint64_t *hit = lp_u64map_get(&v->seen, (uint64_t)(uintptr_t)s);
	const void *p;

	if (hit)
		return (const void *)(uintptr_t)*hit;
	if (v->has_sink) {
		p = v->sink.stack(v->sink.ctx, s);
		if (p && lp_u64map_put(&v->seen, (uint64_t)(uintptr_t)s,
		             (uint64_t)(uintptr_t)p) < 0)
			return NULL;
		return p;
	}
	v->scratch.len = 0;
	lp_tstack_write(&v->scratch, w, s, a);
	if (v->scratch.err)
		return NULL;
	p = lp_strpool_get(&v->pool, v->scratch.buf, v->scratch.len);
	if (p && lp_u64map_put(&v->seen, (uint64_t)(uintptr_t)s,
	             (uint64_t)(uintptr_t)p) < 0)
		return NULL;
	return p;
}

/* ---- goroutines ------------------------------------------------------ */

static struct gsum *
gfind(struct lp_tview *v, int64_t id, int create)
{
	uint64_t *ix = lp_u64map_get(&v->index, (uint64_t)id);
	size_t slot;
	struct gsum *g;

	if (ix)
		return &v->gs[*ix];
	if (!create)
		return NULL;
	if (v->nfree) {
		slot = v->free[--v->nfree];
	} else {
		if (lp_reserve((void **)&v->gs, &v->capgs, v->ngs + 1,
		        sizeof *v->gs) < 0)
			return NULL;
		slot = v->ngs++;
		v->gs[slot].whys = NULL;
	}
	if (lp_u64map_put(&v->index, (uint64_t)id, slot) < 0)
		return NULL;
	g = &v->gs[slot];
	free(g->whys);
	memset(g, 0, sizeof *g);
	g->id = id;
	g->created = -1;
	g->creator = LP_NO_ID;
	g->state = LP_G_UNDETERMINED;
	return g;
}

/* Charge the time since g entered its state, up to now. */
static int
charge(struct gsum *g, int64_t now)
{
	int64_t d = lp_tsub(now, g->charged);

	if (d <= 0 || g->state == LP_G_UNDETERMINED)
		return 0;
	g->ns[g->state] = lp_tadd(g->ns[g->state], d);
	if (g->state == LP_G_WAITING) {
		const char *r = g->reason ? g->reason : "";
		size_t i;
		for (i = 0; i < g->nwhys; i++)
			if (g->whys[i].reason == r)
				break;
		if (i == g->nwhys) {
			struct lp_tblocked *nw =
			    realloc(g->whys, (g->nwhys + 1) * sizeof *nw);
			if (!nw)
				return -1;
			g->whys = nw;
			g->whys[g->nwhys++] = (struct lp_tblocked){ r, 0 };
		}
		g->whys[i].ns = lp_tadd(g->whys[i].ns, d);
	}
	g->charged = now;
	return 0;
}

static const char *
state_text(const struct gsum *g, int alive)
{
	if (!alive)
		return "dead";
	switch (g->state) {
	case LP_G_RUNNABLE: return "runnable";
	case LP_G_RUNNING: return "running";
	case LP_G_SYSCALL: return "syscall";
	case LP_G_WAITING:
		return g->reason && *g->reason ? g->reason : "waiting";
	default: return "unknown";
	}
}

/* The summary of g, alive or ended at now. */
static void
life_of(const struct gsum *g, int alive, int64_t now, struct lp_tglife *l)
{
	memset(l, 0, sizeof *l);
	l->id = g->id;
	l->alive = alive;
	l->state = state_text(g, alive);
	l->wait_ns =
	    alive && g->state == LP_G_WAITING ? lp_tsub(now, g->since) : -1;
	l->wait_lower_bound = l->wait_ns >= 0 && g->before;
	l->stack = g->stack;
	l->start = g->start;
	l->has_created_by = g->has_cb;
	l->created_by = g->cb;
	l->creator = g->creator;
	l->created_ns = g->created;
	l->ended_ns = alive ? -1 : now;
	memcpy(l->ns, g->ns, sizeof l->ns);
	l->blocked = g->whys;
	l->nblocked = g->nwhys;
	l->label = g->label;
}

static void
write_life(struct lp_out *o, struct lp_tev_writer *w, const struct lp_tglife *g)
{
	static const char *const names[] = { NULL, NULL, "runnable_ns",
		"running_ns", "waiting_ns", "syscall_ns" };

	lp_out_lit(o, "{\"kind\":\"goroutine\",\"src\":");
	lp_out_cstr(o, w->src);
	lp_out_lit(o, ",\"id\":");
	lp_out_int(o, g->id);
	lp_out_lit(o, ",\"state\":");
	lp_out_cstr(o, g->state);
	if (g->wait_ns >= 0) {
		lp_out_lit(o, ",\"wait_ns\":");
		lp_out_int(o, g->wait_ns);
		/* It blocked before the trace: counted from its first
		 * appearance, the wait was at least this long. */
		if (g->wait_lower_bound)
			lp_out_lit(o, ",\"wait_lower_bound\":true");
	}
	if (g->stack) {
		lp_out_lit(o, ",\"stack\":");
		lp_out_raw(o, g->stack, strlen(g->stack));
	}
	if (g->has_created_by) {
		lp_out_lit(o, ",\"created_by\":{");
		lp_frame_write_members(o, &g->created_by, w->flags);
		lp_out_lit(o, ",\"goid\":");
		lp_out_int(o, g->creator);
		lp_out_ch(o, '}');
	} else if (g->creator != LP_NO_ID) {
		lp_out_lit(o, ",\"created_by\":{\"goid\":");
		lp_out_int(o, g->creator);
		lp_out_ch(o, '}');
	}
	if (g->start) {
		lp_out_lit(o, ",\"start\":");
		lp_out_raw(o, g->start, strlen(g->start));
	}
	if (g->created_ns >= 0) {
		lp_out_lit(o, ",\"created_ns\":");
		lp_out_int(o, g->created_ns);
	}
	if (!g->alive) {
		lp_out_lit(o, ",\"ended_ns\":");
		lp_out_int(o, g->ended_ns);
	}
	if (g->alive)
		lp_out_lit(o, ",\"alive\":true");
	else
		lp_out_lit(o, ",\"alive\":false");
	for (int s = LP_G_RUNNABLE; s <= LP_G_SYSCALL; s++) {
		lp_out_ch(o, ',');
		lp_out_cstr(o, names[s]);
		lp_out_ch(o, ':');
		lp_out_int(o, g->ns[s]);
	}
	if (g->nblocked) {
		lp_out_lit(o, ",\"blocked\":{");
		for (size_t i = 0; i < g->nblocked; i++) {
			if (i)
				lp_out_ch(o, ',');
			lp_out_cstr(o, *g->blocked[i].reason
			                   ? g->blocked[i].reason
			                   : "waiting");
			lp_out_ch(o, ':');
			lp_out_int(o, g->blocked[i].ns);
		}
		lp_out_ch(o, '}');
	}
	if (g->label) {
		lp_out_lit(o, ",\"label\":");
		lp_out_cstr(o, g->label);
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
}

/* g's summary to the sink, or written. */
static int
emit_life(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w,
    const struct gsum *g, int alive, int64_t now)
{
	struct lp_tglife l;

	life_of(g, alive, now, &l);
	if (v->has_sink)
		return v->sink.life(v->sink.ctx, &l);
	write_life(o, w, &l);
	return 0;
}

static int
goroutine_event(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w,
    const struct lp_tev *ev, struct lp_arena *a)
{
	struct gsum *g;
	int64_t now = v->now;

	if (ev->kind == LP_TEV_LABEL) {
		if ((g = gfind(v, ev->id, 0)) &&
		    !(g->label = pool(v, ev->name)))
			return -LP_ENOMEM;
		return 0;
	}
	if (ev->kind != LP_TEV_STATE || ev->res != LP_RES_GOROUTINE)
		return 0;
	if (!(g = gfind(v, ev->id, 1)) || charge(g, now) < 0)
		return -LP_ENOMEM;
	if (ev->from == LP_G_NOTEXIST) { /* created in the trace */
		g->created = now;
		g->creator = ev->g;
		if (ev->stack && ev->stack->n) {
			const struct lp_tframe *f0 = &ev->stack->frames[0];
			const char *fn = pool(v, f0->fn), *file;
			if (!fn || !(file = pool(v, f0->file)))
				return -LP_ENOMEM;
			g->cb = (struct lp_frame){ .fn = { fn, f0->fn.n },
				.file = { file, f0->file.n },
				.line = (int64_t)f0->line,
				.addr = f0->pc,
				.flags = LP_FRAME_HAS_ADDR };
			g->has_cb = 1;
		}
		if (ev->tstack && ev->tstack->n &&
		    !(g->start = pool_stack(v, w, ev->tstack, a)))
			return -LP_ENOMEM;
	}
	/* A generation re-announces every goroutine's state; that is no
	 * change, and must not reset how long it has waited, or why. */
	if (ev->from == ev->to && ev->to == g->state) {
		if (!g->stack && ev->tstack && ev->tstack->n &&
		    !(g->stack = pool_stack(v, w, ev->tstack, a)))
			return -LP_ENOMEM;
		return 0;
	}
	g->state = ev->to;
	g->before = ev->from == LP_G_UNDETERMINED;
	g->since = g->charged = now;
	g->reason = NULL;
	if (ev->to == LP_G_WAITING && ev->reason.n &&
	    !(g->reason = pool(v, ev->reason)))
		return -LP_ENOMEM;
	/* Where this goroutine stands: the transition's own stack, or the
	 * event's when the goroutine moved itself (the legacy converter
	 * leaves the transition stack out there).  An unblock's stack is
	 * the waker's, and is not one. */
	struct lp_tstack *st = ev->tstack;
	if (!st && ev->g == ev->id)
		st = ev->stack;
	if (st && st->n && ev->from != LP_G_NOTEXIST &&
	    !(g->stack = pool_stack(v, w, st, a)))
		return -LP_ENOMEM;
	if (ev->from == LP_G_NOTEXIST && !g->stack)
		g->stack = g->start;
	if (ev->to == LP_G_NOTEXIST) {
		uint64_t *ix = lp_u64map_get(&v->index, (uint64_t)g->id);
		if (emit_life(v, o, w, g, 0, now) < 0)
			return -LP_ENOMEM;
		if (lp_reserve((void **)&v->free, &v->capfree, v->nfree + 1,
		        sizeof *v->free) < 0)
			return -LP_ENOMEM;
		v->free[v->nfree++] = (size_t)*ix;
		lp_u64map_del(&v->index, (uint64_t)g->id);
	}
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	const struct gsum *x = *(const struct gsum *const *)a;
	const struct gsum *y = *(const struct gsum *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

static int
finish_goroutines(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w)
{
	struct gsum **live = malloc((v->index.n + 1) * sizeof *live);
	size_t n = 0;

	if (!live)
		return -LP_ENOMEM;
	for (size_t i = 0; i < v->index.cap; i++)
		if (v->index.used[i])
			live[n++] = &v->gs[v->index.vals[i]];
	qsort(live, n, sizeof *live, cmp_id);
	for (size_t i = 0; i < n; i++) {
		if (charge(live[i], v->now) < 0 ||
		    emit_life(v, o, w, live[i], 1, v->now) < 0) {
			free(live);
			return -LP_ENOMEM;
		}
	}
	free(live);
	return 0;
}

/* ---- GC cycles --------------------------------------------------------- */

static void
write_gc(struct lp_out *o, struct lp_tev_writer *w, const struct lp_tgc *c)
{
	lp_out_lit(o, "{\"kind\":\"gc\",\"src\":");
	lp_out_cstr(o, w->src);
	lp_out_lit(o, ",\"n\":");
	lp_out_uint(o, c->n);
	if (c->partial)
		lp_out_lit(o, ",\"partial\":true");
	lp_out_lit(o, ",\"start_ns\":");
	lp_out_int(o, c->start_ns);
	if (c->ended) {
		lp_out_lit(o, ",\"end_ns\":");
		lp_out_int(o, c->end_ns);
		lp_out_lit(o, ",\"mark_ns\":");
		lp_out_int(o, c->mark_ns);
	}
	lp_out_lit(o, ",\"stw\":[");
	for (size_t i = 0; i < c->nstw; i++) {
		if (i)
			lp_out_ch(o, ',');
		lp_out_lit(o, "{\"reason\":");
		lp_out_cstr(o, c->stw[i].reason);
		lp_out_lit(o, ",\"start_ns\":");
		lp_out_int(o, c->stw[i].start_ns);
		lp_out_lit(o, ",\"ns\":");
		lp_out_int(o, c->stw[i].ns);
		lp_out_ch(o, '}');
	}
	lp_out_lit(o, "],\"stw_ns\":");
	lp_out_int(o, c->stw_ns);
	if (c->has_heap_start) {
		lp_out_lit(o, ",\"heap_start\":");
		lp_out_uint(o, c->heap_start);
	}
	if (c->has_heap_end) {
		lp_out_lit(o, ",\"heap_end\":");
		lp_out_uint(o, c->heap_end);
	}
	if (c->heap_goal) {
		lp_out_lit(o, ",\"heap_goal\":");
		lp_out_uint(o, c->heap_goal);
	}
	if (c->has_prev) {
		lp_out_lit(o, ",\"since_prev_ns\":");
		lp_out_int(o, c->since_prev_ns);
		lp_out_lit(o, ",\"heap_growth\":");
		lp_out_int(o, c->heap_growth);
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
}

/* The open cycle is over: its summary to the sink, or written. */
static int
write_cycle(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w)
{
	struct cycle *c = &v->cy;
	struct lp_tgc g;
	int rc = 0;

	memset(&g, 0, sizeof g);
	g.n = c->n;
	g.partial = c->partial;
	g.start_ns = c->start;
	g.ended = c->ended;
	if (c->ended) {
		g.end_ns = c->end;
		g.mark_ns = lp_tsub(c->end, c->start);
	}
	g.stw = c->stw;
	g.nstw = c->nstw;
	for (size_t i = 0; i < c->nstw; i++)
		g.stw_ns = lp_tadd(g.stw_ns, c->stw[i].ns);
	g.has_heap_start = c->have_heap_start;
	g.heap_start = c->heap_start;
	g.has_heap_end = v->have_heap && c->ended;
	g.heap_end = c->heap_end;
	g.heap_goal = v->goal;
	if (v->have_prev && !c->partial && c->have_heap_start) {
		g.has_prev = 1;
		g.since_prev_ns = lp_tsub(c->start, v->prev_end);
		g.heap_growth = (int64_t)(c->heap_start - v->prev_heap_end);
	}
	if (v->has_sink)
		rc = v->sink.gc(v->sink.ctx, &g);
	else
		write_gc(o, w, &g);
	if (c->ended) {
		v->have_prev = 1;
		v->prev_end = c->end;
		v->prev_heap_end = c->heap_end;
	}
	c->open = 0;
	return rc < 0 ? -LP_ENOMEM : 0;
}

static int
add_stw(struct cycle *c, struct lp_tstw s)
{
	if (lp_reserve(
	        (void **)&c->stw, &c->capstw, c->nstw + 1, sizeof *c->stw) < 0)
		return -LP_ENOMEM;
	c->stw[c->nstw++] = s;
	return 0;
}

static int
gc_event(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w,
    const struct lp_tev *ev)
{
	static const char stw[] = "stop-the-world (";
	struct cycle *c = &v->cy;
	int is_mark = lp_str_eq(ev->name, "GC concurrent mark phase");
	int is_stw = lp_str_has_prefix(ev->name, stw);

	if (ev->kind == LP_TEV_METRIC) {
		if (lp_str_eq(ev->name, "/memory/classes/heap/objects:bytes")) {
			v->heap = ev->value;
			v->have_heap = 1;
		} else if (lp_str_eq(ev->name, "/gc/heap/goal:bytes")) {
			v->goal = ev->value;
		}
		return 0;
	}
	if (is_stw && ev->kind == LP_TEV_RANGE_BEGIN) {
		/* A new cycle's first pause closes the last cycle's record. */
		if (c->open && c->ended &&
		    lp_str_has_prefix(ev->name, "stop-the-world (GC sweep") &&
		    write_cycle(v, o, w) < 0)
			return -LP_ENOMEM;
		v->in_stw = 1;
		v->stw_start = v->now;
		v->stw_reason = lp_strpool_get(&v->pool,
		    ev->name.p + sizeof stw - 1, ev->name.n - sizeof stw);
		return v->stw_reason ? 0 : -LP_ENOMEM;
	}
	if (is_stw && ev->kind == LP_TEV_RANGE_END && v->in_stw) {
		struct lp_tstw s = { v->stw_reason, v->stw_start,
			lp_tsub(v->now, v->stw_start) };
		v->in_stw = 0;
		/* Only the collector's own pauses belong to a cycle ("start
		 * trace" or "read mem stats" may fall inside one). */
		if (!strstr(s.reason, "termination"))
			return 0;
		if (c->open && !c->ended)
			return add_stw(c, s);
		if (c->open && strstr(s.reason, "mark termination"))
			return add_stw(c, s);
		/* Pauses outside a cycle are not the GC's, but for the
		 * sweep termination that starts the next one. */
		v->have_sweep_term =
		    strstr(s.reason, "sweep termination") != NULL;
		v->sweep_term = s;
		return 0;
	}
	if (!is_mark)
		return 0;
	if (ev->kind == LP_TEV_RANGE_BEGIN || ev->kind == LP_TEV_RANGE_ACTIVE) {
		if (c->open && write_cycle(v, o, w) < 0)
			return -LP_ENOMEM;
		c->open = 1;
		c->ended = 0;
		c->partial = ev->kind == LP_TEV_RANGE_ACTIVE;
		c->n = ++v->cycles;
		c->start = v->now;
		c->heap_start = v->heap;
		c->have_heap_start = v->have_heap;
		c->nstw = 0;
		/* The pause just before the mark phase (sweep termination)
		 * belongs to this cycle. */
		if (v->have_sweep_term && !c->partial &&
		    add_stw(c, v->sweep_term) < 0)
			return -LP_ENOMEM;
		v->have_sweep_term = 0;
	} else if (ev->kind == LP_TEV_RANGE_END && c->open) {
		c->ended = 1;
		c->end = v->now;
		c->heap_end = v->heap;
	}
	return 0;
}

int
lp_tview_add(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w,
    const struct lp_tev *ev, struct lp_arena *a)
{
	int rc = 0;

	v->now = lp_tev_rel(w, ev);
	if (ev->kind == LP_TEV_SYNC)
		lp_u64map_clear(&v->seen);
	if (v->views & LP_VIEW_GOROUTINES)
		rc = goroutine_event(v, o, w, ev, a);
	if (rc == 0 && (v->views & LP_VIEW_GC))
		rc = gc_event(v, o, w, ev);
	return rc;
}

int
lp_tview_finish(struct lp_tview *v, struct lp_out *o, struct lp_tev_writer *w)
{
	if ((v->views & LP_VIEW_GC) && v->cy.open && write_cycle(v, o, w) < 0)
		return -LP_ENOMEM;
	if (v->views & LP_VIEW_GOROUTINES)
		return finish_goroutines(v, o, w);
	return 0;
}
