/* waitsrc.c - wait-for graphs from traces and from goroutine dumps */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strpool.h"
#include "u64map.h"
#include "util.h"
#include "waitgraph.h"

#define NONE UINT32_MAX

/* What a goroutine is blocked in, from its wait reason and stack. */
enum cls {
	C_OTHER, /* not on another goroutine: sleep, network, GC, ... */
	C_RECV,
	C_SEND,
	C_SELECT,
	C_MUTEX,
	C_RLOCK,
	C_WLOCK,
	C_WG,
	C_COND,
	C_SYNC,
	C_FOREVER,
	C_UNKNOWN /* no reason given (yet) */
};

static const char *const clsname[] = { NULL, "chan receive", "chan send",
	"select", "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
	"sync.WaitGroup.Wait", "sync.Cond.Wait", "sync", "forever", NULL };

static int
is_lock(int c)
{
	return c == C_MUTEX || c == C_RLOCK || c == C_WLOCK;
}

static int
eq(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n == k && memcmp(p, s, k) == 0;
}

static int
prefix(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && memcmp(p, s, k) == 0;
}

static enum cls
reason_cls(const char *p, size_t n)
{
	if (!n)
		return C_UNKNOWN;
	if (eq(p, n, "chan receive"))
		return C_RECV;
	if (eq(p, n, "chan send"))
		return C_SEND;
	if (eq(p, n, "select"))
		return C_SELECT;
	if (eq(p, n, "sync"))
		return C_SYNC;
	if (eq(p, n, "sync.(*Cond).Wait"))
		return C_COND;
	if (eq(p, n, "forever") || eq(p, n, "select (no cases)"))
		return C_FOREVER;
	return C_OTHER;
}

/*
 * What the innermost frames say, leaf first: the outermost sync frame
 * names the primitive (RWMutex.Lock blocks inside Mutex.Lock), else the
 * runtime's channel functions.  *done is set at the first user frame.
 */
struct stackcls {
	enum cls sync, chan;
	int done;
	int user; /* some frame is not the runtime's: not a system goroutine */
};

static void
frame_cls(struct stackcls *s, const char *p, size_t n)
{
	if (!prefix(p, n, "runtime.") && !prefix(p, n, "internal/"))
		s->user = 1;
	if (s->done)
		return;
	if (prefix(p, n, "internal/sync.")) {
		if (!s->sync && (prefix(p, n, "internal/sync.(*Mutex).")))
			s->sync = C_MUTEX;
		return;
	}
	if (prefix(p, n, "sync.")) {
		if (prefix(p, n, "sync.(*Mutex).Lock") ||
		    prefix(p, n, "sync.(*Mutex).lockSlow"))
			s->sync = C_MUTEX;
		else if (eq(p, n, "sync.(*RWMutex).RLock"))
			s->sync = C_RLOCK;
		else if (eq(p, n, "sync.(*RWMutex).Lock"))
			s->sync = C_WLOCK;
		else if (eq(p, n, "sync.(*WaitGroup).Wait"))
			s->sync = C_WG;
		else if (eq(p, n, "sync.(*Cond).Wait"))
			s->sync = C_COND;
		return;
	}
	if (prefix(p, n, "runtime.")) {
		if (s->chan)
			return;
		if (prefix(p, n, "runtime.chanrecv"))
			s->chan = C_RECV;
		else if (prefix(p, n, "runtime.chansend"))
			s->chan = C_SEND;
		else if (eq(p, n, "runtime.selectgo") ||
		         eq(p, n, "runtime.block"))
			s->chan = C_SELECT;
		return;
	}
	s->done = 1;
}

static enum cls
combine(enum cls r, const struct stackcls *s, int have)
{
	/* Only the runtime's own frames: a system goroutine (the trace
	 * reader, the CPU sampler), woken by the runtime when it wants. */
	if (have && !s->user)
		return C_OTHER;
	switch (r) {
	case C_SYNC:
	case C_COND: return s->sync ? s->sync : r;
	case C_UNKNOWN:
		if (s->sync)
			return s->sync;
		return s->chan ? s->chan : C_OTHER;
	default: return r;
	}
}

/* ---- traces ------------------------------------------------------------ */

struct tg {
	int64_t id, creator;
	int64_t since, ended;
	uint64_t site;
	const char *state; /* pooled */
	const char *stack; /* pooled JSON */
	size_t stacklen;
	uint32_t wk; /* its wake entries, newest first */
	uint8_t st;  /* lp_gstate */
	uint8_t dead;
	uint8_t cls;
};

/* g (or, in the peer lists, any goroutine) was woken at site by waker
 * (-1: no goroutine, the runtime) count times, last at last. */
struct wk {
	uint64_t site;
	int64_t g, waker;
	uint64_t count;
	int64_t last;
	uint32_t next;
};

/* A stack seen in this generation. */
struct sc {
	uint64_t site;
	const char *json;
	size_t len;
	struct stackcls cls;
};

struct lp_wtrace {
	struct lp_strpool pool;
	struct lp_u64map index; /* goroutine id -> slot */
	struct tg *gs;
	size_t ngs, capgs;
	struct wk *wk; /* per goroutine */
	size_t nwk, capwk;
	struct lp_u64map wkmap; /* hash(g, site, waker) -> wk */
	struct wk *pk;          /* per site */
	size_t npk, cappk;
	struct lp_u64map pkmap; /* hash(site, waker) -> pk */
	struct lp_u64map phead; /* site -> newest pk */
	struct lp_u64map scmap; /* lp_tstack address -> sc, per generation */
	struct sc *sc;
	size_t nsc, capsc;
	struct lp_out scratch;
	int started;
	int64_t t0, now;
};

struct lp_wtrace *
lp_wtrace_new(void)
{
	struct lp_wtrace *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	if (lp_out_init(&w->scratch, -1, 4096) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

void
lp_wtrace_free(struct lp_wtrace *w)
{
	if (!w)
		return;
	lp_strpool_free(&w->pool);
	lp_u64map_free(&w->index);
	lp_u64map_free(&w->wkmap);
	lp_u64map_free(&w->pkmap);
	lp_u64map_free(&w->phead);
	lp_u64map_free(&w->scmap);
	free(w->gs);
	free(w->wk);
	free(w->pk);
	free(w->sc);
	lp_out_release(&w->scratch);
	free(w);
}

static uint64_t
mix(uint64_t a, uint64_t b)
{
	uint64_t x = a * 0x9e3779b97f4a7c15u ^ (b + 0x632be59bd9b4e019u);
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9u;
	x ^= x >> 29;
	return x;
}

static struct tg *
gfind(struct lp_wtrace *w, int64_t id)
{
	uint64_t *ix = lp_u64map_get(&w->index, (uint64_t)id);
	struct tg *g;

	if (ix)
		return &w->gs[*ix];
	if (w->ngs >= NONE - 1 ||
	    lp_reserve((void **)&w->gs, &w->capgs, w->ngs + 1, sizeof *w->gs) <
	        0 ||
	    lp_u64map_put(&w->index, (uint64_t)id, w->ngs) < 0)
		return NULL;
	g = &w->gs[w->ngs++];
	memset(g, 0, sizeof *g);
	g->id = id;
	g->creator = LP_NO_ID;
	g->since = g->ended = -1;
	g->wk = NONE;
	g->st = LP_G_UNDETERMINED;
	return g;
}

/* Count one wake of g (at its site) by waker. */
static int
woken(struct lp_wtrace *w, struct tg *g, int64_t waker, int64_t t)
{
	uint64_t key = mix(mix((uint64_t)g->id, g->site), (uint64_t)waker);
	uint64_t *ix = lp_u64map_get(&w->wkmap, key);
	struct wk *e;

	if (ix && (e = &w->wk[*ix])->g == g->id && e->site == g->site &&
	    e->waker == waker) {
		e->count++;
		e->last = t;
	} else {
		if (w->nwk >= NONE - 1 || lp_reserve((void **)&w->wk, &w->capwk,
		                              w->nwk + 1, sizeof *w->wk) < 0)
			return -LP_ENOMEM;
		e = &w->wk[w->nwk];
		*e = (struct wk){ g->site, g->id, waker, 1, t, g->wk };
		/* On a (vanishingly rare) hash collision the older entry
		 * keeps the map slot; this one is still on the list. */
		if (!ix && lp_u64map_put(&w->wkmap, key, w->nwk) < 0)
			return -LP_ENOMEM;
		g->wk = (uint32_t)w->nwk++;
	}
	/* The same for the site, whoever was blocked there. */
	key = mix(g->site, (uint64_t)waker);
	ix = lp_u64map_get(&w->pkmap, key);
	if (ix && (e = &w->pk[*ix])->site == g->site && e->waker == waker) {
		e->count++;
		e->last = t;
		e->g = g->id;
		return 0;
	}
	uint64_t *head = lp_u64map_get(&w->phead, g->site);
	if (w->npk >= NONE - 1 || lp_reserve((void **)&w->pk, &w->cappk,
	                              w->npk + 1, sizeof *w->pk) < 0)
		return -LP_ENOMEM;
	w->pk[w->npk] = (struct wk){ g->site, g->id, waker, 1, t,
		head ? (uint32_t)*head : NONE };
	if ((!ix && lp_u64map_put(&w->pkmap, key, w->npk) < 0) ||
	    lp_u64map_put(&w->phead, g->site, w->npk) < 0)
		return -LP_ENOMEM;
	w->npk++;
	return 0;
}

/* A goroutine's state changes; for a block, the caller has set the
 * stack fields (site, cls, stack) through *blk. */
struct blk {
	enum cls cls;
	const char *reason;
	size_t reasonlen;
	uint64_t site;
	const char *stack; /* pooled */
	size_t stacklen;
};

static int
transition(struct lp_wtrace *w, int64_t t, int64_t id, int64_t by,
    unsigned from, unsigned to, const struct blk *b)
{
	struct tg *g = gfind(w, id);

	if (!g)
		return -LP_ENOMEM;
	if (from == LP_G_NOTEXIST && to != LP_G_NOTEXIST) {
		g->creator = by;
		g->dead = 0;
	}
	if (to == LP_G_NOTEXIST) {
		if (from != LP_G_NOTEXIST && from != LP_G_UNDETERMINED) {
			g->dead = 1;
			g->ended = t;
		}
	} else if (to == LP_G_WAITING) {
		/* A generation announcing a goroutine already blocked
		 * changes nothing we know. */
		if (!(from == LP_G_WAITING && g->st == LP_G_WAITING)) {
			g->cls = (uint8_t)b->cls;
			g->site = b->site;
			g->stack = b->stack;
			g->stacklen = b->stacklen;
			g->since = from == LP_G_UNDETERMINED ? -1 : t;
			if (b->cls != C_OTHER && b->cls != C_UNKNOWN &&
			    b->cls != C_FOREVER)
				g->state = clsname[b->cls];
			else if (b->reasonlen)
				g->state = lp_strpool_get(
				    &w->pool, b->reason, b->reasonlen);
			else
				g->state = "waiting";
			if (!g->state)
				return -LP_ENOMEM;
		}
	} else if (from == LP_G_WAITING && g->st == LP_G_WAITING &&
	           to == LP_G_RUNNABLE) {
		if (woken(w, g, by, t) < 0)
			return -LP_ENOMEM;
	}
	g->st = (uint8_t)to;
	return 0;
}

static const struct sc *
stack_of(struct lp_wtrace *w, struct lp_tev_writer *wr, struct lp_tstack *s,
    struct lp_arena *a)
{
	uint64_t *ix = lp_u64map_get(&w->scmap, (uint64_t)(uintptr_t)s);
	struct sc *c;
	uint64_t h = 0x5bd1e995u;

	if (ix)
		return &w->sc[*ix];
	if (lp_reserve((void **)&w->sc, &w->capsc, w->nsc + 1, sizeof *w->sc) <
	    0)
		return NULL;
	c = &w->sc[w->nsc];
	memset(c, 0, sizeof *c);
	for (uint32_t i = 0; i < s->n; i++) {
		const struct lp_tframe *f = &s->frames[i];
		h = mix(h, f->pc ? f->pc
		                 : lp_hash(f->fn.p, f->fn.n, f->line) ^
		                       lp_hash(f->file.p, f->file.n, 0));
		frame_cls(&c->cls, f->fn.p, f->fn.n);
	}
	c->site = h ? h : 1;
	w->scratch.len = 0;
	lp_tstack_write(&w->scratch, wr, s, a);
	if (w->scratch.err)
		return NULL;
	c->len = w->scratch.len;
	c->json = lp_strpool_get(&w->pool, w->scratch.buf, w->scratch.len);
	if (!c->json ||
	    lp_u64map_put(&w->scmap, (uint64_t)(uintptr_t)s, w->nsc) < 0)
		return NULL;
	return &w->sc[w->nsc++];
}

int
lp_wtrace_add(struct lp_wtrace *w, struct lp_tev_writer *wr,
    const struct lp_tev *ev, struct lp_arena *a)
{
	struct blk b = { C_OTHER, NULL, 0, 0, NULL, 0 };
	int64_t t;

	if (!w->started) {
		w->started = 1;
		w->t0 = ev->t;
	}
	w->now = ev->t;
	if (ev->kind == LP_TEV_SYNC) {
		/* Stacks die with their generation. */
		lp_u64map_clear(&w->scmap);
		w->nsc = 0;
		return 0;
	}
	if (ev->kind != LP_TEV_STATE || ev->res != LP_RES_GOROUTINE)
		return 0;
	t = lp_tsub(ev->t, w->t0);
	if (ev->to == LP_G_WAITING) {
		/* The transition's own stack: where it blocked. */
		struct lp_tstack *s = ev->tstack      ? ev->tstack
		                      : ev->no_tstack ? NULL
		                                      : ev->stack;
		struct stackcls none = { C_OTHER, C_OTHER, 0, 0 };
		const struct sc *c = NULL;
		if (s && s->n && !(c = stack_of(w, wr, s, a)))
			return -LP_ENOMEM;
		b.reason = ev->reason.p;
		b.reasonlen = ev->reason.n;
		b.cls = combine(reason_cls(ev->reason.p, ev->reason.n),
		    c ? &c->cls : &none, c != NULL);
		if (c) {
			b.site = c->site;
			b.stack = c->json;
			b.stacklen = c->len;
		}
	}
	return transition(w, t, ev->id, ev->g, ev->from, ev->to, &b);
}

int
lp_wtrace_transition(struct lp_wtrace *w, int64_t t, int64_t id, int64_t by,
    unsigned from, unsigned to, const char *reason, const char *stack,
    size_t stacklen, uint64_t site, const char *const *fns, size_t nfns)
{
	struct blk b = { C_OTHER, NULL, 0, 0, NULL, 0 };
	struct stackcls sc = { C_OTHER, C_OTHER, 0, 0 };

	if (!w->started) {
		w->started = 1;
		w->t0 = 0; /* records carry times since the start already */
	}
	if (t > w->now)
		w->now = t;
	if (to == LP_G_WAITING) {
		for (size_t i = 0; i < nfns; i++)
			frame_cls(&sc, fns[i], strlen(fns[i]));
		b.reason = reason;
		b.reasonlen = reason ? strlen(reason) : 0;
		b.cls = combine(reason_cls(reason ? reason : "", b.reasonlen),
		    &sc, nfns > 0);
		b.site = site;
		if (stack &&
		    !(b.stack = lp_strpool_get(&w->pool, stack, stacklen)))
			return -LP_ENOMEM;
		b.stacklen = stacklen;
	}
	return transition(w, t, id, by, from, to, &b);
}

static const char *
gstate_text(const struct tg *g)
{
	switch (g->st) {
	case LP_G_RUNNABLE: return "runnable";
	case LP_G_RUNNING: return "running";
	case LP_G_SYSCALL: return "syscall";
	case LP_G_WAITING: return g->state ? g->state : "waiting";
	default: return "unknown";
	}
}

int
lp_wtrace_finish(struct lp_wtrace *w, struct lp_wgraph *gr)
{
	int64_t end = lp_tsub(w->now, w->t0);
	size_t *coff = NULL, *cpos = NULL;
	uint32_t *kids = NULL;
	int rc = -LP_ENOMEM;

	/* Children of each goroutine that are alive at the end. */
	if (!(coff = calloc(w->ngs + 1, sizeof *coff)) ||
	    !(cpos = malloc((w->ngs + 1) * sizeof *cpos)) ||
	    !(kids = malloc((w->ngs ? w->ngs : 1) * sizeof *kids)))
		goto out;
	for (size_t i = 0; i < w->ngs; i++) {
		uint64_t *p;
		if (w->gs[i].dead || w->gs[i].creator == LP_NO_ID ||
		    !(p = lp_u64map_get(&w->index, (uint64_t)w->gs[i].creator)))
			continue;
		coff[*p + 1]++;
	}
	for (size_t i = 0; i < w->ngs; i++)
		coff[i + 1] += coff[i];
	memcpy(cpos, coff, (w->ngs + 1) * sizeof *cpos);
	for (size_t i = 0; i < w->ngs; i++) {
		uint64_t *p;
		if (w->gs[i].dead || w->gs[i].creator == LP_NO_ID ||
		    !(p = lp_u64map_get(&w->index, (uint64_t)w->gs[i].creator)))
			continue;
		kids[cpos[*p]++] = (uint32_t)i;
	}

	for (size_t i = 0; i < w->ngs; i++) {
		const struct tg *g = &w->gs[i];
		struct lp_wnode n = { g->id, 0, NULL, NULL, 0, -1, -1, -1 };
		int blocked = !g->dead && g->st == LP_G_WAITING &&
		              g->cls != C_OTHER && g->cls != C_UNKNOWN;
		size_t own = 0;

		if (g->st == LP_G_UNDETERMINED && !g->dead)
			continue; /* never seen doing anything */
		if (g->dead) {
			n.flags = LP_WN_DEAD;
			n.ended = g->ended;
			n.state = "exited";
		} else {
			n.state = gstate_text(g);
		}
		if (!blocked) {
			if ((rc = lp_wgraph_node(gr, &n)) < 0)
				goto out;
			continue;
		}
		n.flags = LP_WN_BLOCKED | LP_WN_NOWAKER;
		n.stack = g->stack;
		n.stacklen = g->stacklen;
		n.since = g->since;
		n.wait = g->since >= 0 ? lp_tsub(end, g->since) : -1;
		for (uint32_t k = g->wk; k != NONE; k = w->wk[k].next) {
			const struct wk *e = &w->wk[k];
			struct lp_wedge ed = { g->id, e->waker, g->state,
				LP_WEV_UNBLOCK, e->count, e->last, 0 };
			if (e->site != g->site)
				continue;
			own++;
			if (e->waker == LP_NO_ID)
				n.flags |= LP_WN_EXTERNAL;
			else if ((rc = lp_wgraph_edge(gr, &ed)) < 0)
				goto out;
		}
		if (!own) {
			uint64_t *h = lp_u64map_get(&w->phead, g->site);
			const struct wk *best = NULL;
			for (uint32_t k = h ? (uint32_t)*h : NONE; k != NONE;
			     k = w->pk[k].next) {
				const struct wk *e = &w->pk[k];
				struct lp_wedge ed = { g->id, e->waker,
					g->state, LP_WEV_PEER, e->count,
					e->last, 0 };
				if (e->waker == g->id)
					continue;
				if (e->waker == LP_NO_ID) {
					n.flags |= LP_WN_EXTERNAL;
					continue;
				}
				if (is_lock(g->cls)) {
					if (!best || e->last > best->last)
						best = e;
					continue;
				}
				if ((rc = lp_wgraph_edge(gr, &ed)) < 0)
					goto out;
			}
			if (best) {
				struct lp_wedge ed = { g->id, best->waker,
					g->state, LP_WEV_PEER, best->count,
					best->last, 0 };
				if ((rc = lp_wgraph_edge(gr, &ed)) < 0)
					goto out;
			}
		}
		for (size_t k = coff[i]; k < coff[i + 1]; k++) {
			struct lp_wedge ed = { g->id, w->gs[kids[k]].id,
				g->state, LP_WEV_CREATION, 1, -1, 0 };
			if ((rc = lp_wgraph_edge(gr, &ed)) < 0)
				goto out;
		}
		if ((rc = lp_wgraph_node(gr, &n)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(coff);
	free(cpos);
	free(kids);
	return rc;
}

/* ---- dumps ------------------------------------------------------------- */

struct dg {
	uint64_t id;
	const char *state; /* pooled */
	const char *stack; /* pooled JSON */
	size_t stacklen;
	int leaked, waitable;
	int64_t wait;
	uint64_t obj;      /* the channel or mutex it waits on, 0: unknown */
	uint64_t leafsite; /* its innermost frame of user code */
	size_t lw, nlw;    /* that frame's argument words in words[], one per
	                    * argument (0 where it is no pointer) */
	size_t aw, naw;    /* every word it mentions in words[] */
};

struct pair {
	uint64_t word;
	uint32_t g;
};

struct lp_wdump {
	struct lp_strpool pool;
	struct dg *gs;
	size_t ngs, capgs;
	uint64_t *words;
	size_t nwords, capwords;
	struct lp_out scratch;
};

/* A word mentioned by more goroutines than this is shared by design (a
 * context, a logger), not evidence of waiting. */
#define DUMP_FANOUT_MAX 64

struct lp_wdump *
lp_wdump_new(void)
{
	struct lp_wdump *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	if (lp_out_init(&d->scratch, -1, 4096) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

void
lp_wdump_free(struct lp_wdump *d)
{
	if (!d)
		return;
	lp_strpool_free(&d->pool);
	free(d->gs);
	free(d->words);
	lp_out_release(&d->scratch);
	free(d);
}

/*
 * The pointer-like words of an argument list ("0xc000012345, 0x1?").
 * With every_arg, each argument gets a word, 0 where it is no pointer,
 * so that two frames of one function compare argument by argument.
 */
static int
add_words(struct lp_wdump *d, struct lp_str args, int every_arg)
{
	size_t i = 0;

	while (i < args.n) {
		size_t b, e;
		uint64_t v;
		while (i < args.n && (args.p[i] == ' ' || args.p[i] == ',' ||
		                         args.p[i] == '{' || args.p[i] == '}'))
			i++;
		b = i;
		while (i < args.n && args.p[i] != ' ' && args.p[i] != ',' &&
		       args.p[i] != '{' && args.p[i] != '}')
			i++;
		e = i;
		if (e > b && args.p[e - 1] == '?')
			e--;
		if (e == b)
			continue;
		if (lp_parse_hex(args.p + b, e - b, &v) < 0 || v < 0x10000) {
			if (!every_arg)
				continue;
			v = 0;
		}
		if (lp_reserve((void **)&d->words, &d->capwords, d->nwords + 1,
		        sizeof *d->words) < 0)
			return -LP_ENOMEM;
		d->words[d->nwords++] = v;
	}
	return 0;
}

static int
is_object_frame(struct lp_str fn)
{
	static const char *const fns[] = { "sync.(*Mutex).lockSlow",
		"internal/sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock",
		"sync.(*RWMutex).RLock", "sync.(*RWMutex).Lock",
		"sync.(*WaitGroup).Wait", "sync.(*Cond).Wait",
		"runtime.chanrecv1", "runtime.chanrecv2", "runtime.chanrecv",
		"runtime.chansend1", "runtime.chansend" };

	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (eq(fn.p, fn.n, fns[i]))
			return 1;
	return 0;
}

static int
is_user_frame(const struct lp_frame *f)
{
	return !lp_frame_is_runtime(f) && !prefix(f->fn.p, f->fn.n, "sync.") &&
	       !prefix(f->fn.p, f->fn.n, "internal/") &&
	       !prefix(f->fn.p, f->fn.n, "time.");
}

static int
dump_waitable(const char *s, size_t n)
{
	return prefix(s, n, "chan ") || prefix(s, n, "select") ||
	       prefix(s, n, "sync") || prefix(s, n, "semacquire");
}

int
lp_wdump_add(struct lp_wdump *d, uint64_t id, const char *state,
    size_t statelen, int leaked, int64_t wait, const struct lp_frame *frames,
    size_t nframes)
{
	struct dg *g;
	int leaf = 0;

	if (lp_reserve((void **)&d->gs, &d->capgs, d->ngs + 1, sizeof *d->gs) <
	    0)
		return -LP_ENOMEM;
	g = &d->gs[d->ngs];
	memset(g, 0, sizeof *g);
	g->id = id;
	g->leaked = leaked;
	g->wait = wait;
	g->waitable = dump_waitable(state, statelen) || leaked;
	/* Go 1.19 and older say "semacquire" for every sync wait: the
	 * stack says which. */
	if (eq(state, statelen, "semacquire")) {
		struct stackcls sc = { C_OTHER, C_OTHER, 0, 0 };
		for (size_t i = 0; i < nframes; i++)
			frame_cls(&sc, frames[i].fn.p, frames[i].fn.n);
		if (sc.sync) {
			state = clsname[sc.sync];
			statelen = strlen(state);
		}
	}
	g->state = lp_strpool_get(&d->pool, state, statelen);
	d->scratch.len = 0;
	lp_stack_write(&d->scratch, frames, nframes, 0);
	g->stacklen = d->scratch.len;
	g->stack = lp_strpool_get(&d->pool, d->scratch.buf, d->scratch.len);
	if (!g->state || !g->stack || d->scratch.err)
		return -LP_ENOMEM;
	g->aw = d->nwords;
	for (size_t i = 0; i < nframes; i++) {
		const struct lp_frame *f = &frames[i];
		int args = (f->flags & LP_FRAME_HAS_ARGS) != 0;
		if (is_object_frame(f->fn)) {
			size_t before = d->nwords;
			if (!g->obj && args) {
				if (add_words(d, f->args, 0) < 0)
					return -LP_ENOMEM;
				if (d->nwords > before)
					g->obj = d->words[before];
				d->nwords = before;
			}
			continue;
		}
		if (!is_user_frame(f))
			continue;
		if (!leaf) {
			leaf = 1;
			g->leafsite =
			    lp_hash(f->fn.p, f->fn.n, (uint64_t)f->line);
			g->lw = d->nwords;
			if (args && add_words(d, f->args, 1) < 0)
				return -LP_ENOMEM;
			g->nlw = d->nwords - g->lw;
			continue;
		}
		if (args && add_words(d, f->args, 0) < 0)
			return -LP_ENOMEM;
	}
	g->naw = d->nwords - g->aw;
	d->ngs++;
	return 0;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->word != y->word)
		return x->word < y->word ? -1 : 1;
	return x->g < y->g ? -1 : x->g > y->g;
}

/* The first pair of word in p[0..n), or n. */
static size_t
lower(const struct pair *p, size_t n, uint64_t word)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid].word < word)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Whether h waits as g does on the word g's k-th key is: on the same
 * object in the same state, or at the same place with that word in the
 * same argument.  Two such goroutines are both blocked on one thing, so
 * neither can be what wakes the other: an edge between them would make a
 * cycle of two goroutines that only share a channel nobody else touches.
 */
static int
waits_alike(
    const struct lp_wdump *d, const struct dg *g, const struct dg *h, size_t k)
{
	if (g->obj)
		return h->obj == g->obj && h->state == g->state;
	return h->leafsite == g->leafsite && k < h->nlw &&
	       d->words[h->lw + k] == d->words[g->lw + k];
}

int
lp_wdump_finish(struct lp_wdump *d, struct lp_wgraph *gr)
{
	struct pair *p;
	size_t np = 0;
	int rc = 0;

	if (!(p = malloc((d->nwords ? d->nwords : 1) * sizeof *p)))
		return -LP_ENOMEM;
	for (size_t i = 0; i < d->ngs; i++) {
		const struct dg *g = &d->gs[i];
		/* A goroutine mentions a word once; 0 is no word. */
		for (size_t k = 0; k < g->naw; k++)
			if (d->words[g->aw + k])
				p[np++] = (struct pair){ d->words[g->aw + k],
					(uint32_t)i };
	}
	qsort(p, np, sizeof *p, pair_cmp);
	{
		size_t k = 0;
		for (size_t i = 0; i < np; i++)
			if (!k || p[i].word != p[k - 1].word ||
			    p[i].g != p[k - 1].g)
				p[k++] = p[i];
		np = k;
	}
	for (size_t i = 0; i < d->ngs; i++) {
		const struct dg *g = &d->gs[i];
		struct lp_wnode n = { (int64_t)g->id, 0, g->state, g->stack,
			g->stacklen, -1, g->wait, -1 };
		const uint64_t *keys = g->obj ? &g->obj : d->words + g->lw;
		size_t nkeys = g->obj ? 1 : g->nlw;

		if (g->waitable)
			n.flags |= LP_WN_BLOCKED;
		if (g->leaked)
			n.flags |= LP_WN_LEAKED;
		if ((rc = lp_wgraph_node(gr, &n)) < 0)
			break;
		if (!g->waitable)
			continue;
		for (size_t k = 0; k < nkeys; k++) {
			size_t b = lower(p, np, keys[k]), e = b;
			if (!keys[k])
				continue;
			while (e < np && p[e].word == keys[k])
				e++;
			if (e - b > DUMP_FANOUT_MAX)
				continue;
			for (size_t j = b; j < e; j++) {
				const struct dg *h = &d->gs[p[j].g];
				struct lp_wedge ed = { (int64_t)g->id,
					(int64_t)h->id, g->state, LP_WEV_DUMP,
					1, -1, keys[k] };
				if (h == g || waits_alike(d, g, h, k))
					continue;
				if ((rc = lp_wgraph_edge(gr, &ed)) < 0)
					goto out;
			}
		}
	}
out:
	free(p);
	return rc;
}
