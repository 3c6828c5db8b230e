/*
 * tracev2.c - the Go 1.22+ execution trace: generations, batches and the
 * ordering that turns per-thread batches into one stream of events.
 *
 * A generation is read whole (its batches, string and stack tables, CPU
 * samples and clock), then each thread's batches become a cursor in a heap
 * keyed by the time of the cursor's next event.  An event is taken only
 * when the state it depends on (a goroutine's or proc's sequence number,
 * the GC sequence) allows it, so timestamps only break ties between ready
 * events.  The heap and the retry order follow Go's reader step for step,
 * so events come out in the order golang.org/x/exp/trace gives them.
 * Memory is the current generation plus the state of live goroutines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "limits.h"
#include "strpool.h"
#include "traceimpl.h"
#include "u64map.h"
#include "util.h"

/* Wire event types (spec B.5). */
enum {
	EV_BATCH = 1,
	EV_STACKS = 2,
	EV_STACK = 3,
	EV_STRINGS = 4,
	EV_STRING = 5,
	EV_CPUSAMPLES = 6,
	EV_CPUSAMPLE = 7,
	EV_FREQUENCY = 8,
	EV_PROCSCHANGE = 9,
	EV_PROCSTART = 10,
	EV_PROCSTOP = 11,
	EV_PROCSTEAL = 12,
	EV_PROCSTATUS = 13,
	EV_GOCREATE = 14,
	EV_GOCREATESYSCALL = 15,
	EV_GOSTART = 16,
	EV_GODESTROY = 17,
	EV_GODESTROYSYSCALL = 18,
	EV_GOSTOP = 19,
	EV_GOBLOCK = 20,
	EV_GOUNBLOCK = 21,
	EV_GOSYSCALLBEGIN = 22,
	EV_GOSYSCALLEND = 23,
	EV_GOSYSCALLENDBLOCKED = 24,
	EV_GOSTATUS = 25,
	EV_STWBEGIN = 26,
	EV_STWEND = 27,
	EV_GCACTIVE = 28,
	EV_GCBEGIN = 29,
	EV_GCEND = 30,
	EV_GCSWEEPACTIVE = 31,
	EV_GCSWEEPBEGIN = 32,
	EV_GCSWEEPEND = 33,
	EV_GCMARKASSISTACTIVE = 34,
	EV_GCMARKASSISTBEGIN = 35,
	EV_GCMARKASSISTEND = 36,
	EV_HEAPALLOC = 37,
	EV_HEAPGOAL = 38,
	EV_GOLABEL = 39,
	EV_USERTASKBEGIN = 40,
	EV_USERTASKEND = 41,
	EV_USERREGIONBEGIN = 42,
	EV_USERREGIONEND = 43,
	EV_USERLOG = 44,
	EV_GOSWITCH = 45,
	EV_GOSWITCHDESTROY = 46,
	EV_GOCREATEBLOCKED = 47,
	EV_GOSTATUSSTACK = 48,
	EV_EXPBATCH = 49,
	EV_SYNC = 50,
	EV_CLOCKSNAPSHOT = 51,
	EV_ENDOFGEN = 52,
	EV_EXP_FIRST = 128,
	EV_EXP_LAST = 136,
	EV_NTYPES = 137,
	EV_SYNTH_SYNC = 255 /* our own: a Sync the reader makes */
};

/* Wire statuses. */
enum { GS_BAD, GS_RUNNABLE, GS_RUNNING, GS_SYSCALL, GS_WAITING };
enum { PS_BAD, PS_RUNNING, PS_IDLE, PS_SYSCALL, PS_ABANDONED };

#define MAX_BATCH  65536u
#define MAX_FRAMES 128u
#define MAX_STRING 1024u

struct v2;
struct cursor;

/* A thread's scheduling context: its thread, proc and goroutine, each
 * LP_NO_ID when it has none (Go's schedCtx). */
struct ctx {
	int64_t m, p, g;
};

/* An ordering handler, Go's orderingHandleFunc (see "ordering" below). */
typedef int adv_fn(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err);
static adv_fn adv_proc_status, adv_proc_start, adv_proc_stop, adv_proc_steal,
    adv_go_status, adv_go_create, adv_go_stop_exec, adv_go_start,
    adv_go_unblock, adv_go_switch, adv_go_syscall_begin, adv_go_syscall_end,
    adv_go_syscall_end_blocked, adv_go_create_syscall, adv_go_destroy_syscall,
    adv_user_task_begin, adv_user_task_end, adv_user_region_begin,
    adv_user_region_end, adv_gc_active, adv_gc_begin, adv_gc_end,
    adv_annotation, adv_heap_metric, adv_gc_sweep_begin, adv_gc_sweep_active,
    adv_gc_sweep_end, adv_go_range_begin, adv_go_range_active, adv_go_range_end,
    adv_alloc_free;

struct spec {
	const char *name;
	uint8_t nargs;  /* arguments after dt */
	uint8_t timed;  /* may appear in an event batch */
	uint8_t stack;  /* 1 + index of the event's stack argument; 0: none */
	uint8_t str[2]; /* 1 + indexes of string arguments; 0: none */
	uint8_t start;  /* a range end: the event that begins it */
	const char *argn[4]; /* the arguments' names (spec B.5, C.2) */
	adv_fn *adv;         /* ordering: Go's orderingDispatch; NULL: none */
};

#define A(...)              \
	{                   \
		__VA_ARGS__ \
	}
#define T(n, a, x) .name = n, .nargs = a, .timed = 1, .argn = x
static const struct spec specs[EV_NTYPES] = {
	[EV_PROCSCHANGE] = { .adv = adv_annotation,
	    T("ProcsChange", 2, A("procs_value", "stack")),
	    .stack = 2 },
	[EV_PROCSTART] = { .adv = adv_proc_start,
	    T("ProcStart", 2, A("p", "p_seq")) },
	[EV_PROCSTOP] = { .adv = adv_proc_stop, T("ProcStop", 0, A(NULL)) },
	[EV_PROCSTEAL] = { .adv = adv_proc_steal,
	    T("ProcSteal", 3, A("p", "p_seq", "m")) },
	[EV_PROCSTATUS] = { .adv = adv_proc_status,
	    T("ProcStatus", 2, A("p", "pstatus")) },
	[EV_GOCREATE] = { .adv = adv_go_create,
	    T("GoCreate", 3, A("new_g", "new_stack", "stack")),
	    .stack = 3 },
	[EV_GOCREATESYSCALL] = { .adv = adv_go_create_syscall,
	    T("GoCreateSyscall", 1, A("new_g")) },
	[EV_GOSTART] = { .adv = adv_go_start,
	    T("GoStart", 2, A("g", "g_seq")) },
	[EV_GODESTROY] = { .adv = adv_go_stop_exec,
	    T("GoDestroy", 0, A(NULL)) },
	[EV_GODESTROYSYSCALL] = { .adv = adv_go_destroy_syscall,
	    T("GoDestroySyscall", 0, A(NULL)) },
	[EV_GOSTOP] = { .adv = adv_go_stop_exec,
	    T("GoStop", 2, A("reason_string", "stack")),
	    .stack = 2,
	    .str = { 1, 0 } },
	[EV_GOBLOCK] = { .adv = adv_go_stop_exec,
	    T("GoBlock", 2, A("reason_string", "stack")),
	    .stack = 2,
	    .str = { 1, 0 } },
	[EV_GOUNBLOCK] = { .adv = adv_go_unblock,
	    T("GoUnblock", 3, A("g", "g_seq", "stack")),
	    .stack = 3 },
	[EV_GOSYSCALLBEGIN] = { .adv = adv_go_syscall_begin,
	    T("GoSyscallBegin", 2, A("p_seq", "stack")),
	    .stack = 2 },
	[EV_GOSYSCALLEND] = { .adv = adv_go_syscall_end,
	    T("GoSyscallEnd", 0, A(NULL)) },
	[EV_GOSYSCALLENDBLOCKED] = { .adv = adv_go_syscall_end_blocked,
	    T("GoSyscallEndBlocked", 0, A(NULL)) },
	[EV_GOSTATUS] = { .adv = adv_go_status,
	    T("GoStatus", 3, A("g", "m", "gstatus")) },
	[EV_STWBEGIN] = { .adv = adv_go_range_begin,
	    T("STWBegin", 2, A("kind_string", "stack")),
	    .stack = 2,
	    .str = { 1, 0 } },
	[EV_STWEND] = { .adv = adv_go_range_end,
	    T("STWEnd", 0, A(NULL)),
	    .start = EV_STWBEGIN },
	[EV_GCACTIVE] = { .adv = adv_gc_active,
	    T("GCActive", 1, A("gc_seq")),
	    .start = EV_GCBEGIN },
	[EV_GCBEGIN] = { .adv = adv_gc_begin,
	    T("GCBegin", 2, A("gc_seq", "stack")),
	    .stack = 2 },
	[EV_GCEND] = { .adv = adv_gc_end,
	    T("GCEnd", 1, A("gc_seq")),
	    .start = EV_GCBEGIN },
	[EV_GCSWEEPACTIVE] = { .adv = adv_gc_sweep_active,
	    T("GCSweepActive", 1, A("p")),
	    .start = EV_GCSWEEPBEGIN },
	[EV_GCSWEEPBEGIN] = { .adv = adv_gc_sweep_begin,
	    T("GCSweepBegin", 1, A("stack")),
	    .stack = 1 },
	[EV_GCSWEEPEND] = { .adv = adv_gc_sweep_end,
	    T("GCSweepEnd", 2, A("swept_value", "reclaimed_value")),
	    .start = EV_GCSWEEPBEGIN },
	[EV_GCMARKASSISTACTIVE] = { .adv = adv_go_range_active,
	    T("GCMarkAssistActive", 1, A("g")),
	    .start = EV_GCMARKASSISTBEGIN },
	[EV_GCMARKASSISTBEGIN] = { .adv = adv_go_range_begin,
	    T("GCMarkAssistBegin", 1, A("stack")),
	    .stack = 1 },
	[EV_GCMARKASSISTEND] = { .adv = adv_go_range_end,
	    T("GCMarkAssistEnd", 0, A(NULL)),
	    .start = EV_GCMARKASSISTBEGIN },
	[EV_HEAPALLOC] = { .adv = adv_heap_metric,
	    T("HeapAlloc", 1, A("heapalloc_value")) },
	[EV_HEAPGOAL] = { .adv = adv_heap_metric,
	    T("HeapGoal", 1, A("heapgoal_value")) },
	[EV_GOLABEL] = { .adv = adv_annotation,
	    T("GoLabel", 1, A("label_string")),
	    .str = { 1, 0 } },
	[EV_USERTASKBEGIN] = { .adv = adv_user_task_begin,
	    T("UserTaskBegin", 4,
	        A("task", "parent_task", "name_string", "stack")),
	    .stack = 4,
	    .str = { 3, 0 } },
	[EV_USERTASKEND] = { .adv = adv_user_task_end,
	    T("UserTaskEnd", 2, A("task", "stack")),
	    .stack = 2 },
	[EV_USERREGIONBEGIN] = { .adv = adv_user_region_begin,
	    T("UserRegionBegin", 3, A("task", "name_string", "stack")),
	    .stack = 3,
	    .str = { 2, 0 } },
	[EV_USERREGIONEND] = { .adv = adv_user_region_end,
	    T("UserRegionEnd", 3, A("task", "name_string", "stack")),
	    .stack = 3,
	    .str = { 2, 0 },
	    .start = EV_USERREGIONBEGIN },
	[EV_USERLOG] = { .adv = adv_annotation,
	    T("UserLog", 4, A("task", "key_string", "value_string", "stack")),
	    .stack = 4,
	    .str = { 2, 3 } },
	[EV_GOSWITCH] = { .adv = adv_go_switch,
	    T("GoSwitch", 2, A("g", "g_seq")) },
	[EV_GOSWITCHDESTROY] = { .adv = adv_go_switch,
	    T("GoSwitchDestroy", 2, A("g", "g_seq")) },
	[EV_GOCREATEBLOCKED] = { .adv = adv_go_create,
	    T("GoCreateBlocked", 3, A("new_g", "new_stack", "stack")),
	    .stack = 3 },
	[EV_GOSTATUSSTACK] = { .adv = adv_go_status,
	    T("GoStatusStack", 4, A("g", "m", "gstatus", "stack")),
	    .stack = 4 },
	[EV_CLOCKSNAPSHOT] = { T(
	    "ClockSnapshot", 3, A("mono", "sec", "nsec")) },
	[128] = { .adv = adv_alloc_free,
	    T("Span", 3, A("id", "npages", "kindclass")) },
	[129] = { .adv = adv_alloc_free,
	    T("SpanAlloc", 3, A("id", "npages", "kindclass")) },
	[130] = { .adv = adv_alloc_free, T("SpanFree", 1, A("id")) },
	[131] = { .adv = adv_alloc_free, T("HeapObject", 2, A("id", "type")) },
	[132] = { .adv = adv_alloc_free,
	    T("HeapObjectAlloc", 2, A("id", "type")) },
	[133] = { .adv = adv_alloc_free, T("HeapObjectFree", 1, A("id")) },
	[134] = { .adv = adv_alloc_free,
	    T("GoroutineStack", 2, A("id", "order")) },
	[135] = { .adv = adv_alloc_free,
	    T("GoroutineStackAlloc", 2, A("id", "order")) },
	[136] = { .adv = adv_alloc_free, T("GoroutineStackFree", 1, A("id")) },
};
#undef T
#undef A

/* One batch of one thread, its payload in the generation's memory. */
struct batch {
	int64_t m;
	uint64_t time;
	const unsigned char *data;
	uint32_t len;
	uint64_t off; /* byte offset of data in the trace */
	struct batch *next;
};

/* The batches of one thread, and the cursor over them. */
struct cursor {
	int64_t m;
	size_t msi; /* the thread's slot in ms + 1; 0 until looked up */
	struct batch *first, *last, *cur;
	uint32_t pos;
	int64_t last_t;
	/* the next event */
	uint8_t typ;
	int64_t time;
	uint64_t args[4];
	uint64_t off;
};

struct pcframe {
	uint64_t fn, file, line;
};

struct rawstack {
	uint64_t id;
	uint32_t n;
	const uint64_t *pcs;
};

struct cpusample {
	int64_t time;
	size_t seq; /* file order, to break ties */
	int64_t m, p, g;
	uint64_t stack;
};

/* Everything one generation owns. */
struct gen {
	uint64_t num;
	struct lp_arena arena;
	struct cursor *curs; /* one per thread, in first-seen order */
	size_t ncurs, capcurs;
	struct lp_u64map mindex;  /* m -> index in curs */
	struct lp_u64map strings; /* id -> index in strs */
	struct lp_str *strs;
	size_t nstrs, capstrs;
	struct lp_u64map stacks; /* id -> index in stks */
	/* The same two maps as arrays, id -> index + 1 (0: none), when the
	 * ids are dense enough (they count up from 1 in real traces);
	 * NULL: look in the map. */
	uint32_t *sdense, *tdense;
	size_t nsdense, ntdense;
	struct rawstack *rstks;
	struct lp_tstack *stks;
	size_t nstks, capstks;
	struct lp_u64map pcs; /* pc -> index in frames */
	struct pcframe *frames;
	size_t nframes, capframes;
	struct cpusample *samples;
	size_t nsamples, capsamples;
	uint64_t min_ts;
	double freq;    /* ns per tick; 0 = none seen */
	int tick_shift; /* freq is 1 << tick_shift (0 .. 9); -1: it is not */
	int has_clock;
	uint64_t snap_ts, snap_mono, snap_sec, snap_nsec;
	size_t nexp; /* experimental batches: kept opaque */
};

/* A region or range a goroutine or proc is in. */
struct span {
	uint8_t typ;
	uint64_t desc;    /* ranges: the STW reason string id */
	uint64_t task;    /* regions */
	const char *name; /* regions: pooled */
	size_t namelen;
};

struct spans {
	struct span *v;
	size_t n, cap;
};

struct gstate {
	uint8_t status;
	uint64_t seq_gen, seq;
	struct spans regions, ranges;
};

struct pstate {
	uint8_t status;
	uint64_t seq_gen, seq;
	struct spans ranges;
};

struct mstate {
	int64_t id; /* the thread */
	int64_t g, p;
};

struct task {
	const char *name;
	size_t namelen;
	uint64_t parent;
};

/* An ordered event waiting to be returned. */
struct qev {
	uint8_t typ;
	uint8_t old; /* ProcStatus/GoStatus: old state; ProcSteal: old status */
	int64_t time;
	int64_t m, p, g;
	uint64_t args[4];
	uint64_t parent;   /* UserTaskEnd */
	const char *tname; /* UserTaskEnd: the task's type, pooled */
	size_t tnamelen;
	uint64_t sync_n;
	struct gen *table; /* Sync: the generation announced, or NULL */
};

struct reader {
	struct lp_byte_src src;
	const unsigned char *p; /* current window */
	size_t n, pos;
	uint64_t base; /* trace offset of p[0] */
	int in_head;
	unsigned char *buf;
	int eof;
	struct lp_error err;
	int failed; /* err holds a read error */
};

struct v2 {
	struct lp_trace base;
	struct reader rd;
	struct gen *gen, *spare;
	struct batch *spill;
	uint64_t spill_gen;
	int spill_err; /* an error is deferred: 1 = after one Sync */
	int spill_err_sync;
	struct lp_error deferred;
	int read_gen_failed;

	struct cursor **heap;
	size_t nheap, capheap;
	size_t sample_pos;
	/* The time of gen->samples[sample_pos], INT64_MAX when none is
	 * left: one compare per event against the heap's root. */
	int64_t sample_t;

	/* ordering state */
	struct lp_u64map gidx, pidx, midx, tidx;
	uint32_t *gdir; /* goroutine id -> index in gs + 1: see gget */
	size_t ngdir;
	struct gstate *gs;
	size_t ngs, capgs;
	uint64_t *gfree;
	size_t ngfree, capgfree;
	struct pstate *ps;
	size_t nps, capps;
	struct mstate *ms;
	size_t nms, capms;
	struct task *tasks;
	size_t ntasks, captasks;
	uint64_t *tfree;
	size_t ntfree, captfree;
	uint64_t gc_seq;
	enum { GC_UNDETERMINED, GC_NOT_RUNNING, GC_RUNNING } gc_state;
	uint64_t initial_gen;
	struct lp_strpool names; /* task and region types */

	struct qev *q;
	size_t qhead, qlen, qcap;
	uint64_t syncs;
	int64_t last_ts;
	int done;
	int failed;
	struct lp_error fail;
	struct lp_tev ev;
	int have_first; /* a generation has been installed */
};

/* ---- errors ---------------------------------------------------------- */

static int LP_PRINTF(3, 4)
    fail(struct v2 *t, struct lp_error *err, const char *fmt, ...)
{
	va_list ap;

	t->failed = 1;
	t->fail.code = LP_EDATA;
	va_start(ap, fmt);
	vsnprintf(t->fail.msg, sizeof t->fail.msg, fmt, ap);
	va_end(ap);
	if (err)
		*err = t->fail;
	return -LP_EDATA;
}

static int
nomem(struct v2 *t, struct lp_error *err)
{
	t->failed = 1;
	lp_error_set(&t->fail, LP_ENOMEM, "out of memory");
	if (err)
		*err = t->fail;
	return -LP_ENOMEM;
}

#define RESERVE(arr, cap, need) \
	lp_reserve((void **)&(arr), &(cap), (need), sizeof *(arr))

/* ---- reading bytes --------------------------------------------------- */

#define READ_CHUNK ((size_t)256 << 10)

/* Make at least one unread byte available: 1, 0 at the end, -1 error. */
static int
rd_fill(struct reader *r)
{
	long k;

	if (r->pos < r->n)
		return 1;
	if (r->eof || !r->src.more)
		return 0;
	if (!r->buf && !(r->buf = malloc(READ_CHUNK))) {
		lp_error_set(&r->err, LP_ENOMEM, "out of memory");
		r->failed = 1;
		return -1;
	}
	r->base += r->n;
	r->p = r->buf;
	r->n = r->pos = 0;
	r->in_head = 0;
	k = r->src.more(r->src.ctx, r->buf, READ_CHUNK, &r->err);
	if (k < 0) {
		r->failed = 1;
		return -1;
	}
	if (k == 0) {
		r->eof = 1;
		return 0;
	}
	r->n = (size_t)k;
	return 1;
}

static uint64_t
rd_off(const struct reader *r)
{
	return r->base + r->pos;
}

static int
rd_byte(struct reader *r, unsigned char *b)
{
	int rc = rd_fill(r);

	if (rc > 0)
		*b = r->p[r->pos++];
	return rc;
}

/* 1 with *v; 0 at the end (even mid-value); -1 read error; -2 bad. */
static int
rd_uvarint(struct reader *r, uint64_t *v)
{
	uint64_t x = 0;
	unsigned char b;

	for (unsigned k = 0; k < 10; k++) {
		int rc = rd_byte(r, &b);
		if (rc <= 0)
			return rc;
		if (k == 9 && b > 1)
			return -2;
		x |= (uint64_t)(b & 0x7f) << (7 * k);
		if (!(b & 0x80)) {
			*v = x;
			return 1;
		}
	}
	return -2;
}

/*
 * n bytes that stay valid for the generation: a pointer into the head
 * when the source holds the whole trace there, else a copy in a.
 * Returns NULL at a short read (*short_read set) or out of memory.
 */
static const unsigned char *
rd_take(struct reader *r, size_t n, struct lp_arena *a, int *short_read)
{
	unsigned char *dst;
	size_t got = 0;

	*short_read = 0;
	if (r->in_head && r->n - r->pos >= n) {
		const unsigned char *p = r->p + r->pos;
		r->pos += n;
		return p;
	}
	if (!(dst = lp_arena_alloc(a, n ? n : 1)))
		return NULL;
	while (got < n) {
		int rc = rd_fill(r);
		if (rc <= 0) {
			*short_read = rc == 0;
			return NULL;
		}
		size_t k = r->n - r->pos;
		if (k > n - got)
			k = n - got;
		memcpy(dst + got, r->p + r->pos, k);
		r->pos += k;
		got += k;
	}
	return dst;
}

/* ---- generations ----------------------------------------------------- */

static int64_t
ticks_to_ns(double f, uint64_t t)
{
	double ns = (double)t * f;

	/* Go converts with truncation; out of range is garbage there and
	 * undefined here, so pin it. */
	if (!(ns < 9.2e18))
		return INT64_MAX;
	return (int64_t)ns;
}

static void
gen_reset(struct gen *g)
{
	lp_arena_release(&g->arena);
	lp_u64map_clear(&g->mindex);
	lp_u64map_clear(&g->strings);
	lp_u64map_clear(&g->stacks);
	lp_u64map_clear(&g->pcs);
	g->num = 0;
	g->ncurs = g->nstrs = g->nstks = g->nframes = g->nsamples = 0;
	g->min_ts = 0;
	g->sdense = g->tdense = NULL;
	g->nsdense = g->ntdense = 0;
	g->freq = 0;
	g->has_clock = 0;
	g->nexp = 0;
}

static void
gen_free(struct gen *g)
{
	if (!g)
		return;
	lp_arena_release(&g->arena);
	lp_u64map_free(&g->mindex);
	lp_u64map_free(&g->strings);
	lp_u64map_free(&g->stacks);
	lp_u64map_free(&g->pcs);
	free(g->curs);
	free(g->strs);
	free(g->rstks);
	free(g->frames);
	free(g->samples);
	free(g);
}

/* A little reader over one batch's payload, for the table sections. */
struct bp {
	const unsigned char *p;
	size_t n, pos;
	uint64_t off;
};

static int
bp_uv(struct bp *b, uint64_t *v)
{
	return lp_uvarint(b->p, b->n, &b->pos, v) > 0;
}

static int
add_strings(struct v2 *t, struct gen *g, struct bp *b, struct lp_error *err)
{
	while (b->pos < b->n) {
		uint64_t id, len, at = b->off + b->pos;
		if (b->p[b->pos++] != EV_STRING)
			return fail(t, err,
			    "expected a string event at byte %llu",
			    (unsigned long long)at);
		if (!bp_uv(b, &id) || !bp_uv(b, &len))
			return fail(t, err, "bad string event at byte %llu",
			    (unsigned long long)at);
		if (len > MAX_STRING)
			return fail(t, err,
			    "string of %llu bytes at byte %llu, the "
			    "maximum is %u",
			    (unsigned long long)len, (unsigned long long)at,
			    MAX_STRING);
		if (len > b->n - b->pos)
			return fail(t, err,
			    "string at byte %llu runs past its batch",
			    (unsigned long long)at);
		if (id == 0 || lp_u64map_get(&g->strings, id))
			return fail(t, err,
			    "multiple strings with the same ID: id=%llu "
			    "(byte %llu)",
			    (unsigned long long)id, (unsigned long long)at);
		if (RESERVE(g->strs, g->capstrs, g->nstrs + 1) < 0 ||
		    lp_u64map_put(&g->strings, id, g->nstrs) < 0)
			return nomem(t, err);
		g->strs[g->nstrs++] =
		    lp_str_make((const char *)b->p + b->pos, (size_t)len);
		b->pos += (size_t)len;
	}
	return 0;
}

static int
add_stacks(struct v2 *t, struct gen *g, struct bp *b, struct lp_error *err)
{
	while (b->pos < b->n) {
		uint64_t id, nf, at = b->off + b->pos;
		uint64_t *pcs;
		if (b->p[b->pos++] != EV_STACK)
			return fail(t, err,
			    "expected a stack event at byte %llu",
			    (unsigned long long)at);
		if (!bp_uv(b, &id) || !bp_uv(b, &nf))
			return fail(t, err, "bad stack event at byte %llu",
			    (unsigned long long)at);
		if (nf > MAX_FRAMES)
			return fail(t, err,
			    "stack of %llu frames at byte %llu, the "
			    "maximum is %u",
			    (unsigned long long)nf, (unsigned long long)at,
			    MAX_FRAMES);
		if (id == 0 || lp_u64map_get(&g->stacks, id))
			return fail(t, err,
			    "multiple stacks with the same ID: id=%llu "
			    "(byte %llu)",
			    (unsigned long long)id, (unsigned long long)at);
		pcs = lp_arena_alloc(&g->arena, (nf ? nf : 1) * sizeof *pcs);
		if (!pcs)
			return nomem(t, err);
		for (uint64_t i = 0; i < nf; i++) {
			struct pcframe f;
			uint64_t pc;
			if (!bp_uv(b, &pc) || !bp_uv(b, &f.fn) ||
			    !bp_uv(b, &f.file) || !bp_uv(b, &f.line))
				return fail(t, err,
				    "bad frame %llu of stack %llu at "
				    "byte %llu",
				    (unsigned long long)i + 1,
				    (unsigned long long)id,
				    (unsigned long long)at);
			pcs[i] = pc;
			if (lp_u64map_get(&g->pcs, pc))
				continue; /* the first record of a pc wins */
			if (RESERVE(g->frames, g->capframes, g->nframes + 1) <
			        0 ||
			    lp_u64map_put(&g->pcs, pc, g->nframes) < 0)
				return nomem(t, err);
			g->frames[g->nframes++] = f;
		}
		if (RESERVE(g->rstks, g->capstks, g->nstks + 1) < 0 ||
		    lp_u64map_put(&g->stacks, id, g->nstks) < 0)
			return nomem(t, err);
		g->rstks[g->nstks++] =
		    (struct rawstack){ id, (uint32_t)nf, pcs };
	}
	return 0;
}

static int
add_samples(struct v2 *t, struct gen *g, struct bp *b, struct lp_error *err)
{
	while (b->pos < b->n) {
		uint64_t v[5], at = b->off + b->pos;
		if (b->p[b->pos++] != EV_CPUSAMPLE)
			return fail(t, err,
			    "expected a CPU sample at byte %llu",
			    (unsigned long long)at);
		for (int i = 0; i < 5; i++)
			if (!bp_uv(b, &v[i]))
				return fail(t, err,
				    "bad CPU sample at byte %llu",
				    (unsigned long long)at);
		if (RESERVE(g->samples, g->capsamples, g->nsamples + 1) < 0)
			return nomem(t, err);
		g->samples[g->nsamples] = (struct cpusample){
			.time = (int64_t)v[0], /* ticks until fixed up */
			.seq = g->nsamples,
			.m = (int64_t)v[1],
			.p = (int64_t)v[2],
			.g = v[3] == 0 ? LP_NO_ID : (int64_t)v[3],
			.stack = v[4],
		};
		g->nsamples++;
	}
	return 0;
}

static int
set_sync(struct v2 *t, struct gen *g, const struct batch *bt, struct bp *b,
    struct lp_error *err)
{
	uint64_t last = bt->time;

	if (t->base.version >= 25)
		b->pos++; /* the Sync byte */
	while (b->pos < b->n) {
		uint64_t at = b->off + b->pos, f, dt;
		unsigned char e = b->p[b->pos++];
		if (e == EV_FREQUENCY) {
			if (g->freq != 0)
				return fail(t, err,
				    "found multiple frequency events "
				    "(byte %llu)",
				    (unsigned long long)at);
			if (!bp_uv(b, &f))
				return fail(t, err,
				    "bad frequency event at byte %llu",
				    (unsigned long long)at);
			/* As Go computes it, to the last bit. */
			g->freq = 1.0 / ((double)f / 1e9);
		} else if (e == EV_CLOCKSNAPSHOT && t->base.version >= 25) {
			if (g->has_clock)
				return fail(t, err,
				    "found multiple clock snapshot "
				    "events (byte %llu)",
				    (unsigned long long)at);
			g->has_clock = 1;
			if (!bp_uv(b, &dt) || !bp_uv(b, &g->snap_mono) ||
			    !bp_uv(b, &g->snap_sec) || !bp_uv(b, &g->snap_nsec))
				return fail(t, err,
				    "bad clock snapshot at byte %llu",
				    (unsigned long long)at);
			last += dt;
			g->snap_ts = last;
		} else {
			return fail(t, err,
			    "expected frequency or clock snapshot "
			    "event, got %u (byte %llu)",
			    e, (unsigned long long)at);
		}
	}
	return 0;
}

/* File one batch of the generation where it belongs. */
static int
process_batch(struct v2 *t, struct gen *g, struct batch *bt, int exp,
    struct lp_error *err)
{
	struct bp b = { bt->data, bt->len, 0, bt->off };
	unsigned first = bt->len ? bt->data[0] : 0;

	if (exp) {
		g->nexp++;
		return 0;
	}
	if (bt->len && first == EV_STRINGS) {
		b.pos = 1;
		return add_strings(t, g, &b, err);
	}
	if (bt->len && first == EV_STACKS) {
		b.pos = 1;
		return add_stacks(t, g, &b, err);
	}
	if (bt->len && first == EV_CPUSAMPLES) {
		b.pos = 1;
		return add_samples(t, g, &b, err);
	}
	if (bt->len && ((first == EV_FREQUENCY && t->base.version < 25) ||
	                   (first == EV_SYNC && t->base.version >= 25)))
		return set_sync(t, g, bt, &b, err);

	uint64_t *ix = lp_u64map_get(&g->mindex, (uint64_t)bt->m);
	struct cursor *c;
	if (!ix) {
		if (RESERVE(g->curs, g->capcurs, g->ncurs + 1) < 0 ||
		    lp_u64map_put(&g->mindex, (uint64_t)bt->m, g->ncurs) < 0)
			return nomem(t, err);
		c = &g->curs[g->ncurs++];
		memset(c, 0, sizeof *c);
		c->m = bt->m;
	} else {
		c = &g->curs[*ix];
	}
	bt->next = NULL;
	if (c->last)
		c->last->next = bt;
	else
		c->first = bt;
	c->last = bt;
	return 0;
}

/*
 * Read one batch header and payload.  Returns 1 with *out (payload in the
 * generation arena or the head), *gen_num and *exp (0, or 1 + the
 * experiment of an experimental batch); 2 for an
 * EndOfGeneration byte; 0 at a clean end; negative on error.
 */
static int
read_batch(struct v2 *t, struct gen *g, struct batch **out, uint64_t *gen_num,
    int *exp, struct lp_error *err)
{
	struct reader *r = &t->rd;
	uint64_t at = rd_off(r), m, ts, size;
	unsigned char typ, e;
	int rc, shortr;
	struct batch *bt;
	const char *what;

	*gen_num = 0;
	*exp = 0;
	rc = rd_byte(r, &typ);
	if (rc == 0)
		return 0;
	if (rc < 0)
		goto readerr;
	if (typ == EV_ENDOFGEN && t->base.version >= 26)
		return 2;
	if (typ != EV_BATCH && typ != EV_EXPBATCH)
		return fail(t, err,
		    "expected batch event, got event %u (byte %llu)", typ,
		    (unsigned long long)at);
	if (typ == EV_EXPBATCH) {
		if ((rc = rd_byte(r, &e)) <= 0) {
			what = "experiment";
			goto trunc;
		}
		*exp = 1 + e; /* nonzero: experimental, and which */
	}
	what = "gen";
	if ((rc = rd_uvarint(r, gen_num)) <= 0)
		goto trunc;
	what = "M ID";
	if ((rc = rd_uvarint(r, &m)) <= 0)
		goto trunc;
	what = "timestamp";
	if ((rc = rd_uvarint(r, &ts)) <= 0)
		goto trunc;
	what = "size";
	if ((rc = rd_uvarint(r, &size)) <= 0)
		goto trunc;
	if (size > MAX_BATCH)
		return fail(t, err,
		    "invalid batch size %llu, maximum is %u (batch at "
		    "byte %llu)",
		    (unsigned long long)size, MAX_BATCH,
		    (unsigned long long)at);
	if (!(bt = lp_arena_alloc(&g->arena, sizeof *bt)))
		goto mem;
	bt->off = rd_off(r);
	bt->data = rd_take(r, (size_t)size, &g->arena, &shortr);
	if (!bt->data) {
		if (shortr)
			return fail(t, err,
			    "failed to read full batch: wanted %llu "
			    "bytes at byte %llu, the trace ends first",
			    (unsigned long long)size,
			    (unsigned long long)bt->off);
		if (r->failed)
			goto readerr;
		goto mem;
	}
	bt->m = (int64_t)m;
	bt->time = ts;
	bt->len = (uint32_t)size;
	*out = bt;
	return 1;
trunc:
	if (rc == -1)
		goto readerr;
	if (rc == -2)
		return fail(t, err, "invalid varint in batch %s at byte %llu",
		    what, (unsigned long long)at);
	return fail(t, err,
	    "error reading batch %s: the trace ends at byte %llu "
	    "(batch at byte %llu)",
	    what, (unsigned long long)rd_off(r), (unsigned long long)at);
readerr:
	t->failed = 1;
	t->fail = r->err;
	if (err)
		*err = r->err;
	return -(r->err.code ? r->err.code : LP_EIO);
mem:
	if (g->arena.used + 2 * MAX_BATCH >= LP_TRACE2_GEN_MAX) {
		fail(t, err,
		    "generation at byte %llu is larger than the %zu MiB "
		    "limit (LEAKPIPE_MEMORY_MAX)",
		    (unsigned long long)at, LP_TRACE2_GEN_MAX >> 20);
		t->fail.code = LP_ELIMIT;
		if (err)
			err->code = LP_ELIMIT;
		return -LP_ELIMIT;
	}
	return nomem(t, err);
}

static int
cmp_sample(const void *a, const void *b)
{
	const struct cpusample *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* After the last batch: check the tables, resolve stacks, fix samples. */
/* The map id -> index as an array id -> index + 1 in g's arena, when
 * its ids are dense enough; else *arr stays NULL.  -1: out of memory. */
static int
dense(struct gen *g, const struct lp_u64map *m, uint32_t **arr, size_t *n)
{
	uint64_t max = 0;

	for (size_t i = 0; i < m->cap; i++)
		if (m->used[i] && m->keys[i] > max)
			max = m->keys[i];
	if (m->n == 0 || max > 4 * (uint64_t)m->n + 1024 || max >= UINT32_MAX)
		return 0;
	if (!(*arr = lp_arena_calloc(&g->arena, max + 1, sizeof **arr)))
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->used[i])
			(*arr)[m->keys[i]] = (uint32_t)m->vals[i] + 1;
	*n = max + 1;
	return 0;
}

/* The index + 1 of id in the map m or its dense array; 0: none. */
static inline uint64_t
lookup(const struct lp_u64map *m, const uint32_t *arr, size_t n, uint64_t id)
{
	const uint64_t *ix;

	if (arr)
		return id < n ? arr[id] : 0;
	ix = lp_u64map_get(m, id);
	return ix ? *ix + 1 : 0;
}

static int
finish_gen(struct v2 *t, struct gen *g, struct lp_error *err)
{
	if (g->freq == 0)
		return fail(t, err,
		    "no frequency event found in generation %llu",
		    (unsigned long long)g->num);
	if (t->base.version >= 25 && !g->has_clock)
		return fail(t, err,
		    "no clock snapshot event found in generation %llu",
		    (unsigned long long)g->num);
	g->tick_shift = -1;
	for (int k = 0; k <= 9; k++)
		if (g->freq == (double)(1 << k))
			g->tick_shift = k;
	g->stks = lp_arena_calloc(
	    &g->arena, g->nstks ? g->nstks : 1, sizeof *g->stks);
	if (!g->stks || dense(g, &g->stacks, &g->sdense, &g->nsdense) < 0 ||
	    dense(g, &g->strings, &g->tdense, &g->ntdense) < 0)
		return nomem(t, err);
	for (size_t i = 0; i < g->nstks; i++) {
		const struct rawstack *rs = &g->rstks[i];
		struct lp_tframe *f =
		    lp_arena_alloc(&g->arena, (rs->n ? rs->n : 1) * sizeof *f);
		if (!f)
			return nomem(t, err);
		for (uint32_t k = 0; k < rs->n; k++) {
			uint64_t *fx = lp_u64map_get(&g->pcs, rs->pcs[k]);
			const struct pcframe *pf;
			uint64_t *s1, *s2;
			if (!fx)
				return fail(t, err,
				    "found unknown pc %llx for stack %llu",
				    (unsigned long long)rs->pcs[k],
				    (unsigned long long)rs->id);
			pf = &g->frames[*fx];
			s1 = pf->fn ? lp_u64map_get(&g->strings, pf->fn) : NULL;
			s2 = pf->file ? lp_u64map_get(&g->strings, pf->file)
			              : NULL;
			if (pf->fn && !s1)
				return fail(t, err,
				    "found invalid func string ID %llu "
				    "for stack %llu",
				    (unsigned long long)pf->fn,
				    (unsigned long long)rs->id);
			if (pf->file && !s2)
				return fail(t, err,
				    "found invalid file string ID %llu "
				    "for stack %llu",
				    (unsigned long long)pf->file,
				    (unsigned long long)rs->id);
			f[k].pc = rs->pcs[k];
			f[k].fn = s1 ? g->strs[*s1] : lp_str_make("", 0);
			f[k].file = s2 ? g->strs[*s2] : lp_str_make("", 0);
			f[k].line = pf->line;
		}
		g->stks[i] = (struct lp_tstack){ rs->n, f, NULL, 0, 0 };
	}
	for (size_t i = 0; i < g->nsamples; i++)
		g->samples[i].time =
		    ticks_to_ns(g->freq, (uint64_t)g->samples[i].time);
	/* Stable, like the insertion sort Go's sort uses on short runs;
	 * longer runs with equal times may come out otherwise there. */
	if (g->nsamples > 1)
		qsort(g->samples, g->nsamples, sizeof *g->samples, cmp_sample);
	return 0;
}

static struct gen *
new_gen(struct v2 *t)
{
	struct gen *g = t->spare;

	if (g) {
		t->spare = NULL;
		gen_reset(g);
	} else if (!(g = calloc(1, sizeof *g))) {
		return NULL;
	}
	lp_arena_init(&g->arena, LP_TRACE2_GEN_MAX);
	return g;
}

/* Move the spilled batch (in the old generation's memory) into g. */
static int
adopt_spill(struct v2 *t, struct gen *g, struct lp_error *err)
{
	struct batch *s = t->spill, *bt;
	unsigned char *data;

	t->spill = NULL;
	if (!(bt = lp_arena_alloc(&g->arena, sizeof *bt)) ||
	    !(data = lp_arena_alloc(&g->arena, s->len ? s->len : 1)))
		return nomem(t, err);
	*bt = *s;
	memcpy(data, s->data, s->len);
	bt->data = data;
	g->num = t->spill_gen;
	g->min_ts = bt->time;
	return process_batch(t, g, bt, 0, err);
}

/*
 * Read the next generation into a new struct gen.  Returns 1 with *out,
 * 0 at the end of the trace, or negative with the error stored: for Go
 * 1.25 and older an error after the generation began is deferred
 * (t->spill_err) and the generation is still returned, as Go does.
 */
static int
read_gen(struct v2 *t, struct gen **out, struct lp_error *err)
{
	struct gen *g = new_gen(t);
	struct batch *bt = NULL;
	uint64_t gnum;
	int exp, rc;
	int v126 = t->base.version >= 26;
	int any = 0;

	*out = NULL;
	if (!g)
		return nomem(t, err);
	if (!v126 && t->spill) {
		if ((rc = adopt_spill(t, g, err)) < 0)
			goto bad;
		any = 1;
	}
	/* The last generation's events are all out: its memory can go
	 * before this one's comes in, so only one is ever held. */
	if (t->gen) {
		gen_reset(t->gen);
		t->sample_pos = 0;
		t->sample_t = INT64_MAX;
	}
	for (;;) {
		struct lp_error e = { 0, "" };
		uint64_t at = rd_off(&t->rd);
		rc = read_batch(t, g, &bt, &gnum, &exp, &e);
		if (rc == 0) {
			if (!v126)
				break;
			if (any) {
				rc = fail(t, err,
				    "incomplete generation found at byte "
				    "%llu; trace likely truncated",
				    (unsigned long long)at);
				goto bad;
			}
			t->spare = g;
			return 0;
		}
		if (rc < 0) {
			/* A generation with no frequency yet would only fail
			 * for the lack of it: the error that cut it is the
			 * one to tell. */
			if (!v126 && g->num != 0 && g->freq != 0) {
				/* Deliver this generation, then the error. */
				t->failed = 0;
				t->spill_err = 1;
				t->deferred = e;
				break;
			}
			if (err)
				*err = e;
			goto bad;
		}
		if (rc == 2) { /* EndOfGeneration */
			if (g->num == 0)
				g->num = gnum;
			break;
		}
		if (v126) {
			if (g->num == 0)
				g->num = gnum;
			if (gnum == 0) {
				rc = fail(t, err,
				    "invalid generation number 0 (batch at "
				    "byte %llu)",
				    (unsigned long long)at);
				goto bad;
			}
			if (gnum != g->num) {
				rc = fail(t, err,
				    "broken trace: missing "
				    "end-of-generation event, or "
				    "generations are interleaved (batch "
				    "at byte %llu)",
				    (unsigned long long)at);
				goto bad;
			}
		} else {
			if (gnum == 0) {
				rc = fail(t, err,
				    "invalid generation number 0 (batch at "
				    "byte %llu)",
				    (unsigned long long)at);
				goto bad;
			}
			if (g->num == 0)
				g->num = gnum;
			if (gnum == g->num + 1) {
				t->spill = bt;
				t->spill_gen = gnum;
				break;
			}
			if (gnum != g->num) {
				rc = fail(t, err,
				    "generations out of order (batch at "
				    "byte %llu)",
				    (unsigned long long)at);
				goto bad;
			}
		}
		any = 1;
		if (g->min_ts == 0 || bt->time < g->min_ts)
			g->min_ts = bt->time;
		if ((rc = process_batch(t, g, bt, exp, err)) < 0)
			goto bad;
	}
	if ((rc = finish_gen(t, g, err)) < 0)
		goto bad;
	*out = g;
	return 1;
bad:
	gen_free(g);
	return rc < 0 ? rc : -LP_EDATA;
}

/* ---- the cursor heap, as Go's reader keeps it ------------------------ */

/* A uvarint at d[*pos..n): 1, or 0 when bad or cut short.  Most of a
 * trace's are one or two bytes: those are read without a call. */
static inline int
uv(const unsigned char *d, size_t n, size_t *pos, uint64_t *v)
{
	size_t i = *pos;

	if (i < n && d[i] < 0x80) {
		*v = d[i];
		*pos = i + 1;
		return 1;
	}
	if (n - i >= 2 && d[i + 1] < 0x80) {
		*v = (uint64_t)(d[i] & 0x7f) | (uint64_t)d[i + 1] << 7;
		*pos = i + 2;
		return 1;
	}
	return lp_uvarint(d, n, pos, v) > 0;
}

/* Decode the cursor's next event; 1 when there is one, 0 at the end of
 * its batches, negative on a malformed event. */
static int
cursor_next(
    struct v2 *t, struct cursor *c, const struct gen *g, struct lp_error *err)
{
	const struct spec *s;
	const unsigned char *d;
	uint64_t dt;
	size_t pos, n;
	unsigned nargs;
	int64_t ns;

	while (c->cur && c->pos == c->cur->len) {
		c->cur = c->cur->next;
		c->pos = 0;
		c->last_t = 0;
	}
	if (!c->cur)
		return 0;
	if (c->last_t == 0)
		c->last_t = ticks_to_ns(g->freq, c->cur->time);
	/* Locals, so that the loop below keeps them in registers. */
	d = c->cur->data;
	n = c->cur->len;
	pos = c->pos;
	c->off = c->cur->off + pos;
	c->typ = d[pos++];
	if (c->typ >= EV_NTYPES)
		return fail(t, err, "found invalid event type: %u (byte %llu)",
		    c->typ, (unsigned long long)c->off);
	s = &specs[c->typ];
	if (!s->timed)
		return fail(t, err,
		    "found event without a timestamp: type=%u (byte "
		    "%llu)",
		    c->typ, (unsigned long long)c->off);
	if (!uv(d, n, &pos, &dt))
		return fail(t, err,
		    "found invalid uvarint for timestamp (byte %llu)",
		    (unsigned long long)c->off);
	/* Unrolled: the loop's own counting was a sixth of the work. */
	nargs = s->nargs;
	if ((nargs > 0 && !uv(d, n, &pos, &c->args[0])) ||
	    (nargs > 1 && !uv(d, n, &pos, &c->args[1])) ||
	    (nargs > 2 && !uv(d, n, &pos, &c->args[2])) ||
	    (nargs > 3 && !uv(d, n, &pos, &c->args[3])))
		return fail(t, err,
		    "found invalid uvarint in %s event (byte %llu)", s->name,
		    (unsigned long long)c->off);
	/* A tick of a power-of-two ns (64 on most of Go's platforms) is
	 * a shift, and gives what the double product gives while dt is
	 * exact as a double and the product is in range. */
	if (g->tick_shift >= 0 && dt < (uint64_t)1 << 53)
		ns = (int64_t)(dt << g->tick_shift);
	else
		ns = ticks_to_ns(g->freq, dt);
	c->time = lp_tadd(ns, c->last_t);
	c->last_t = c->time;
	c->pos = (uint32_t)pos;
	return 1;
}

static void
heap_swap(struct cursor **h, size_t i, size_t j)
{
	struct cursor *x = h[i];

	h[i] = h[j];
	h[j] = x;
}

static size_t
sift_up(struct cursor **h, size_t i)
{
	while (i > 0 && h[(i - 1) / 2]->time > h[i]->time) {
		heap_swap(h, (i - 1) / 2, i);
		i = (i - 1) / 2;
	}
	return i;
}

static void
sift_down(struct cursor **h, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, r = 2 * i + 2;
		int64_t mt = i < n ? h[i]->time : INT64_MAX;
		if (l < n && h[l]->time < mt) {
			mt = h[l]->time;
			m = l;
		}
		if (r < n && h[r]->time < mt)
			m = r;
		if (m == i)
			return;
		heap_swap(h, i, m);
		i = m;
	}
}

static void
heap_remove(struct v2 *t, size_t i)
{
	while (i > 0) {
		heap_swap(t->heap, (i - 1) / 2, i);
		i = (i - 1) / 2;
	}
	heap_swap(t->heap, 0, t->nheap - 1);
	t->nheap--;
	sift_down(t->heap, t->nheap, 0);
}

/* Stable insertion sort by next-event time (Go sorts the frontier when
 * its root cannot advance; frontiers are a handful of threads). */
static void
heap_sort(struct cursor **h, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct cursor *x = h[i];
		size_t j = i;
		while (j > 0 && h[j - 1]->time > x->time) {
			h[j] = h[j - 1];
			j--;
		}
		h[j] = x;
	}
}

/* ---- ordering state -------------------------------------------------- */

/* Double the queue's ring: 0, or -1 when out of memory. */
static int
grow_queue(struct v2 *t)
{
	size_t nc = t->qcap ? t->qcap * 2 : 16;
	struct qev *nq = malloc(nc * sizeof *nq);

	if (!nq)
		return -1;
	for (size_t i = 0; i < t->qlen; i++)
		nq[i] = t->q[(t->qhead + i) & (t->qcap - 1)];
	free(t->q);
	t->q = nq;
	t->qcap = nc;
	t->qhead = 0;
	return 0;
}

/* A new slot at the queue's tail, its fields not set. */
static inline struct qev *
slot(struct v2 *t)
{
	if (t->qlen == t->qcap && grow_queue(t) < 0)
		return NULL;
	/* qcap is a power of two */
	return &t->q[(t->qhead + t->qlen++) & (t->qcap - 1)];
}

/* Queue an event the reader makes: all but typ, time, m, p, g zero. */
static struct qev *
push(struct v2 *t)
{
	struct qev *e = slot(t);

	if (!e)
		return NULL;
	e->old = 0;
	e->parent = 0;
	e->tname = NULL;
	e->tnamelen = 0;
	e->sync_n = 0;
	e->table = NULL;
	memset(e->args, 0, sizeof e->args);
	return e;
}

/* Queue the event the cursor holds, in context c.  Of the fields past
 * args, fill reads only those the event's own handler sets (old,
 * parent, tname): they are left as they are here. */
static inline struct qev *
queue_ev(struct v2 *t, const struct cursor *cur, struct ctx c)
{
	struct qev *e = slot(t);

	if (!e)
		return NULL;
	e->typ = cur->typ;
	e->time = cur->time;
	e->m = c.m;
	e->p = c.p;
	e->g = c.g;
	memcpy(e->args, cur->args, sizeof e->args);
	return e;
}

/*
 * Goroutine ids count up from 1, so most of them index an array (id ->
 * index in gs + 1; 0: none) rather than the map: a load per event
 * instead of a hash probe.  Ids from GDIR_MAX on (a long-lived, busy
 * program) go to the map, so the array stays under 1 MiB.
 */
#define GDIR_MAX ((uint64_t)1 << 18)

static inline struct gstate *
gget(struct v2 *t, int64_t g)
{
	uint64_t id = (uint64_t)g, *ix;

	if (id < GDIR_MAX)
		return id < t->ngdir && t->gdir[id] ? &t->gs[t->gdir[id] - 1]
		                                    : NULL;
	ix = lp_u64map_get(&t->gidx, id);
	return ix ? &t->gs[*ix] : NULL;
}

/* Goroutine g is gs[ix] from now on: 0, or -1 when out of memory. */
static int
gput(struct v2 *t, int64_t g, uint64_t ix)
{
	uint64_t id = (uint64_t)g;
	uint32_t *d;
	size_t n;

	if (id >= GDIR_MAX)
		return lp_u64map_put(&t->gidx, id, ix);
	if (id >= t->ngdir) {
		for (n = t->ngdir ? t->ngdir : 1024; n <= id; n *= 2)
			;
		if (!(d = realloc(t->gdir, n * sizeof *d)))
			return -1;
		memset(d + t->ngdir, 0, (n - t->ngdir) * sizeof *d);
		t->gdir = d;
		t->ngdir = n;
	}
	t->gdir[id] = (uint32_t)ix + 1;
	return 0;
}

static struct gstate *
gnew(struct v2 *t, int64_t g, uint8_t status, uint64_t gen)
{
	uint64_t ix;
	struct gstate *s;

	if (t->ngfree) {
		ix = t->gfree[--t->ngfree];
	} else {
		if (RESERVE(t->gs, t->capgs, t->ngs + 1) < 0)
			return NULL;
		ix = t->ngs++;
		memset(&t->gs[ix], 0, sizeof t->gs[ix]);
	}
	if (gput(t, g, ix) < 0)
		return NULL;
	s = &t->gs[ix];
	s->status = status;
	s->seq_gen = gen;
	s->seq = 0;
	s->regions.n = s->ranges.n = 0;
	return s;
}

static int
gdel(struct v2 *t, int64_t g)
{
	uint64_t id = (uint64_t)g, *ix, i;

	if (id < GDIR_MAX) {
		if (id >= t->ngdir || !t->gdir[id])
			return 0;
		i = t->gdir[id] - 1;
		t->gdir[id] = 0;
	} else {
		if (!(ix = lp_u64map_get(&t->gidx, id)))
			return 0;
		i = *ix;
		lp_u64map_del(&t->gidx, id);
	}
	if (RESERVE(t->gfree, t->capgfree, t->ngfree + 1) < 0)
		return -1;
	t->gfree[t->ngfree++] = i;
	return 0;
}

static struct pstate *
pget(struct v2 *t, int64_t p)
{
	uint64_t *ix = lp_u64map_get(&t->pidx, (uint64_t)p);

	return ix ? &t->ps[*ix] : NULL;
}

static struct pstate *
pnew(struct v2 *t, int64_t p, uint8_t status, uint64_t gen)
{
	struct pstate *s;

	if (RESERVE(t->ps, t->capps, t->nps + 1) < 0 ||
	    lp_u64map_put(&t->pidx, (uint64_t)p, t->nps) < 0)
		return NULL;
	s = &t->ps[t->nps++];
	memset(s, 0, sizeof *s);
	s->status = status;
	s->seq_gen = gen;
	return s;
}

static struct mstate *
mget(struct v2 *t, int64_t m)
{
	uint64_t *ix = lp_u64map_get(&t->midx, (uint64_t)m);

	return ix ? &t->ms[*ix] : NULL;
}

static struct mstate *
mnew(struct v2 *t, int64_t m, int64_t g, int64_t p)
{
	struct mstate *s;

	if (RESERVE(t->ms, t->capms, t->nms + 1) < 0 ||
	    lp_u64map_put(&t->midx, (uint64_t)m, t->nms) < 0)
		return NULL;
	s = &t->ms[t->nms++];
	s->id = m;
	s->g = g;
	s->p = p;
	return s;
}

/* ---- ordering: one handler per wire event, as Go's order.go ----------- */

/*
 * The handlers are Go's ordering.advanceX, one for one and in the same
 * order: adv_proc_status is advanceProcStatus, and so on.  Each gets the
 * event (its type, arguments, time and byte offset), the generation and
 * the thread's context before the event, and either takes the event (it
 * queues it, updates the state and sets *next to the thread's context
 * after it; 1), leaves it for later (0), or finds the trace broken
 * (negative, err filled).  advance() is Go's Advance, the prologue and
 * epilogue they share; the spec table is Go's orderingDispatch.
 */

static int
succeeds(uint64_t gen, uint64_t seq, uint64_t sgen, uint64_t sseq)
{
	return gen == sgen && seq == sseq + 1;
}

/* The trace is broken at ev: what, then where. */
static int LP_PRINTF(4, 5) bad(struct v2 *o, struct lp_error *err,
    const struct cursor *ev, const char *fmt, ...)
{
	char what[sizeof o->fail.msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return fail(
	    o, err, "%s (byte %llu)", what, (unsigned long long)ev->off);
}

/* What an event needs of its context: Go's schedReqs. */
enum { MUST_NOT_HAVE, MAY_HAVE, MUST_HAVE };
struct reqs {
	uint8_t m, p, g;
};
static const struct reqs user_go_reqs = { MUST_HAVE, MUST_HAVE, MUST_HAVE };

/* validate_ctx's message, off the hot path. */
static int
ctx_fail(struct v2 *o, struct lp_error *err, const struct cursor *ev,
    struct ctx x, struct reqs r)
{
	const char *what = "";

	if (r.m == MUST_HAVE && x.m == LP_NO_ID)
		what = "expected a thread but didn't have one";
	else if (r.m == MUST_NOT_HAVE && x.m != LP_NO_ID)
		what = "expected no thread but had one";
	else if (r.p == MUST_HAVE && x.p == LP_NO_ID)
		what = "expected a proc but didn't have one";
	else if (r.p == MUST_NOT_HAVE && x.p != LP_NO_ID)
		what = "expected no proc but had one";
	else if (r.g == MUST_HAVE && x.g == LP_NO_ID)
		what = "expected a goroutine but didn't have one";
	else if (r.g == MUST_NOT_HAVE && x.g != LP_NO_ID)
		what = "expected no goroutine but had one";
	return fail(o, err, "%s event at byte %llu: %s", specs[ev->typ].name,
	    (unsigned long long)ev->off, what);
}

static inline int
req_ok(uint8_t r, int64_t id)
{
	return r == MAY_HAVE || (r == MUST_HAVE) == (id != LP_NO_ID);
}

/* Whether context x meets r, with no message. */
static inline int
ctx_ok(struct ctx x, struct reqs r)
{
	return req_ok(r.m, x.m) && req_ok(r.p, x.p) && req_ok(r.g, x.g);
}

/* Go's validateCtx.  Inline: with r a constant it is three compares. */
static inline int
validate_ctx(struct v2 *o, struct lp_error *err, const struct cursor *ev,
    struct ctx x, struct reqs r)
{
	if (ctx_ok(x, r))
		return 0;
	return ctx_fail(o, err, ev, x, r);
}

/* Ranges: Go's rangeState.  A range is its begin event and, for STW,
 * the reason's string id. */
static int
has_range(const struct spans *r, uint8_t typ, uint64_t desc)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].typ == typ && r->v[i].desc == desc)
			return 1;
	return 0;
}

static int
begin_range(struct v2 *o, struct lp_error *err, const struct cursor *ev,
    struct spans *r, uint8_t typ, uint64_t desc)
{
	if (has_range(r, typ, desc))
		return bad(o, err, ev,
		    "discovered event already in-flight when starting event %s",
		    specs[typ].name);
	if (RESERVE(r->v, r->cap, r->n + 1) < 0)
		return nomem(o, err);
	r->v[r->n++] = (struct span){ .typ = typ, .desc = desc };
	return 0;
}

static int
active_range(struct v2 *o, struct lp_error *err, const struct cursor *ev,
    struct spans *r, uint8_t typ, int is_initial_gen)
{
	if (is_initial_gen) {
		if (has_range(r, typ, 0))
			return bad(o, err, ev,
			    "found named active range already in first gen");
		if (RESERVE(r->v, r->cap, r->n + 1) < 0)
			return nomem(o, err);
		r->v[r->n++] = (struct span){ .typ = typ };
	} else if (!has_range(r, typ, 0)) {
		return bad(o, err, ev, "resource is missing active range: %s",
		    specs[typ].name);
	}
	return 0;
}

/* End the range that ev (an end event) closes; its desc in *desc. */
static int
end_range(struct v2 *o, struct lp_error *err, const struct cursor *ev,
    struct spans *r, uint64_t *desc)
{
	uint8_t st = specs[ev->typ].start;

	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].typ != st)
			continue;
		*desc = r->v[i].desc;
		r->v[i] = r->v[--r->n];
		return 0;
	}
	return bad(o, err, ev, "tried to end event %s, but not in-flight",
	    specs[st].name);
}

static struct lp_str
gen_string(const struct gen *g, uint64_t id, int *ok)
{
	uint64_t ix;

	*ok = 1;
	if (id == 0)
		return lp_str_make("", 0);
	ix = lookup(&g->strings, g->tdense, g->ntdense, id);
	if (!ix) {
		*ok = 0;
		return lp_str_make("", 0);
	}
	return g->strs[ix - 1];
}

static const char *const gname[] = { "bad", "runnable", "running", "syscall",
	"waiting" };
static const char *const pname[] = { "bad", "running", "idle", "syscall",
	"syscall-abandoned" };
/* Wire status to the model's state. */
static const uint8_t g2state[] = { LP_G_UNDETERMINED, LP_G_RUNNABLE,
	LP_G_RUNNING, LP_G_SYSCALL, LP_G_WAITING };
static const uint8_t p2state[] = { LP_P_UNDETERMINED, LP_P_RUNNING, LP_P_IDLE,
	LP_P_RUNNING, LP_P_IDLE };

/* The kind of event fill makes of a queued wire event (its switch, in
 * short), so that unwanted ones need not be made at all.  A table: the
 * switch it was cost more than the check it serves. */
static const uint8_t wire_kinds[256] = {
	[EV_PROCSTART] = LP_TEV_STATE,
	[EV_PROCSTOP] = LP_TEV_STATE,
	[EV_PROCSTEAL] = LP_TEV_STATE,
	[EV_PROCSTATUS] = LP_TEV_STATE,
	[EV_GOCREATE] = LP_TEV_STATE,
	[EV_GOCREATESYSCALL] = LP_TEV_STATE,
	[EV_GOSTART] = LP_TEV_STATE,
	[EV_GODESTROY] = LP_TEV_STATE,
	[EV_GODESTROYSYSCALL] = LP_TEV_STATE,
	[EV_GOSTOP] = LP_TEV_STATE,
	[EV_GOBLOCK] = LP_TEV_STATE,
	[EV_GOUNBLOCK] = LP_TEV_STATE,
	[EV_GOSYSCALLBEGIN] = LP_TEV_STATE,
	[EV_GOSYSCALLEND] = LP_TEV_STATE,
	[EV_GOSYSCALLENDBLOCKED] = LP_TEV_STATE,
	[EV_GOSTATUS] = LP_TEV_STATE,
	[EV_GOSWITCH] = LP_TEV_STATE,
	[EV_GOSWITCHDESTROY] = LP_TEV_STATE,
	[EV_GOCREATEBLOCKED] = LP_TEV_STATE,
	[EV_GOSTATUSSTACK] = LP_TEV_STATE,
	[EV_SYNTH_SYNC] = LP_TEV_SYNC,
	[EV_CPUSAMPLE] = LP_TEV_STACK_SAMPLE,
	[EV_PROCSCHANGE] = LP_TEV_METRIC,
	[EV_HEAPALLOC] = LP_TEV_METRIC,
	[EV_HEAPGOAL] = LP_TEV_METRIC,
	[EV_GOLABEL] = LP_TEV_LABEL,
	[EV_STWBEGIN] = LP_TEV_RANGE_BEGIN,
	[EV_GCBEGIN] = LP_TEV_RANGE_BEGIN,
	[EV_GCSWEEPBEGIN] = LP_TEV_RANGE_BEGIN,
	[EV_GCMARKASSISTBEGIN] = LP_TEV_RANGE_BEGIN,
	[EV_GCACTIVE] = LP_TEV_RANGE_ACTIVE,
	[EV_GCSWEEPACTIVE] = LP_TEV_RANGE_ACTIVE,
	[EV_GCMARKASSISTACTIVE] = LP_TEV_RANGE_ACTIVE,
	[EV_STWEND] = LP_TEV_RANGE_END,
	[EV_GCEND] = LP_TEV_RANGE_END,
	[EV_GCSWEEPEND] = LP_TEV_RANGE_END,
	[EV_GCMARKASSISTEND] = LP_TEV_RANGE_END,
	[EV_USERTASKBEGIN] = LP_TEV_TASK_BEGIN,
	[EV_USERTASKEND] = LP_TEV_TASK_END,
	[EV_USERREGIONBEGIN] = LP_TEV_REGION_BEGIN,
	[EV_USERREGIONEND] = LP_TEV_REGION_END,
	[EV_USERLOG] = LP_TEV_LOG,
	[128] = LP_TEV_EXPERIMENTAL,
	[129] = LP_TEV_EXPERIMENTAL,
	[130] = LP_TEV_EXPERIMENTAL,
	[131] = LP_TEV_EXPERIMENTAL,
	[132] = LP_TEV_EXPERIMENTAL,
	[133] = LP_TEV_EXPERIMENTAL,
	[134] = LP_TEV_EXPERIMENTAL,
	[135] = LP_TEV_EXPERIMENTAL,
	[136] = LP_TEV_EXPERIMENTAL,
};

/* Time an unwanted event in order and give it Go's table checks, the
 * most --events does with one (defined with resolve, below). */
static int drop_event(struct v2 *t, struct qev *q, struct lp_error *err);

/* Queue ev in context x and take it: Go's o.queue.push(Event{ctx: x,
 * base: *ev}) before its return true. */
static inline int
take(struct v2 *o, struct lp_error *err, const struct cursor *ev, struct ctx x)
{
	/* With nothing queued, an event --events does not want would come
	 * out of the queue next, only to be dropped: it is dropped here, in
	 * the same order, and the queue's round trip goes. */
	int rc;

	if (o->base.want && o->qlen == 0 &&
	    !((o->base.want | 1u << LP_TEV_SYNC) >> wire_kinds[ev->typ] & 1)) {
		struct qev q;
		q.typ = ev->typ;
		q.time = ev->time;
		q.m = x.m;
		q.p = x.p;
		q.g = x.g;
		memcpy(q.args, ev->args, sizeof q.args);
		rc = drop_event(o, &q, err);
		return rc < 0 ? rc : 1;
	}
	return queue_ev(o, ev, x) ? 1 : nomem(o, err);
}

/*
 * The checks the goroutine and syscall handlers share, as Go words them:
 * the thread's goroutine g exists and is in state want (what: its name
 * in the message), or the trace is broken.  0 with *s, or negative.
 */
static inline int
cur_g(struct v2 *o, struct lp_error *err, const struct cursor *ev, int64_t g,
    uint8_t want, const char *what, struct gstate **s)
{
	if (!(*s = gget(o, g)))
		return bad(o, err, ev,
		    "event %s for goroutine (%lld) that doesn't exist",
		    specs[ev->typ].name, (long long)g);
	if ((*s)->status != want)
		return bad(o, err, ev, "%s event for goroutine that's not %s",
		    specs[ev->typ].name, what);
	return 0;
}

/* The thread's goroutine g for a region or range event: 0 with *s, or
 * negative when it has no state (Go names regions, numbers ranges). */
static int
known_g(struct v2 *o, struct lp_error *err, const struct cursor *ev, int64_t g,
    struct gstate **s)
{
	if ((*s = gget(o, g)))
		return 0;
	if (ev->typ == EV_USERREGIONBEGIN || ev->typ == EV_USERREGIONEND)
		return bad(o, err, ev,
		    "encountered %s without known state for current "
		    "goroutine %lld",
		    specs[ev->typ].name, (long long)g);
	return bad(o, err, ev,
	    "encountered event of type %u without known state for current "
	    "goroutine %lld",
	    ev->typ, (long long)g);
}

/* The thread's proc p around a syscall event: 0 with *s, or negative. */
static int
syscall_p(struct v2 *o, struct lp_error *err, const struct cursor *ev,
    int64_t p, struct pstate **s)
{
	if (!(*s = pget(o, p)))
		return bad(o, err, ev,
		    "uninitialized proc %lld found during %s", (long long)p,
		    specs[ev->typ].name);
	return 0;
}

/* -- procs -- */

static int
adv_proc_status(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int64_t pid = (int64_t)ev->args[0];
	uint64_t status = ev->args[1], wire = status;
	uint8_t old;
	struct pstate *s;
	struct qev *e;

	if (status >= 5)
		return bad(o, err, ev, "invalid status for proc %lld: %llu",
		    (long long)pid, (unsigned long long)status);
	old = p2state[status];
	if ((s = pget(o, pid))) {
		if (status == PS_ABANDONED && s->status == PS_SYSCALL) {
			/* Promoted: the P is still in the syscall. */
			old = LP_P_RUNNING;
			wire = PS_SYSCALL;
		} else if (status == PS_ABANDONED &&
		           s->status == PS_ABANDONED) {
			old = LP_P_IDLE;
		} else if (s->status != status) {
			return bad(o, err, ev,
			    "inconsistent status for proc %lld: old %s vs. "
			    "new %s",
			    (long long)pid, pname[s->status], pname[status]);
		}
		s->seq_gen = gen;
		s->seq = 0;
	} else {
		if (!pnew(o, pid, (uint8_t)status, gen))
			return nomem(o, err);
		old = gen == o->initial_gen ? LP_P_UNDETERMINED : LP_P_NOTEXIST;
	}
	*next = cur;
	if (status == PS_RUNNING || status == PS_SYSCALL)
		next->p = pid;
	/* Promoted from syscall-abandoned: the P is about to be stolen
	 * and is still bound to the thread that left it in the syscall,
	 * not to this one.  The event is that thread's.  (The wire
	 * status decides here, not the promoted one.) */
	if (status == PS_ABANDONED && old == LP_P_RUNNING) {
		int found = 0;
		for (size_t i = 0; i < o->nms; i++) {
			if (o->ms[i].p != pid)
				continue;
			cur = (struct ctx){ o->ms[i].id, pid, o->ms[i].g };
			found = 1;
		}
		if (!found)
			return bad(o, err, ev,
			    "failed to find sched context for proc %lld "
			    "that's about to be stolen",
			    (long long)pid);
	}
	if (!(e = queue_ev(o, ev, cur)))
		return nomem(o, err);
	e->args[1] = wire;
	e->old = old;
	return 1;
}

static int
adv_proc_start(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int64_t pid = (int64_t)ev->args[0];
	uint64_t seq = ev->args[1];
	struct pstate *s = pget(o, pid);

	if (!s || s->status != PS_IDLE ||
	    !succeeds(gen, seq, s->seq_gen, s->seq) || cur.p != LP_NO_ID)
		return 0;
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MUST_NOT_HAVE, MAY_HAVE }) < 0)
		return -LP_EDATA;
	s->status = PS_RUNNING;
	s->seq_gen = gen;
	s->seq = seq;
	*next = cur;
	next->p = pid;
	return take(o, err, ev, cur);
}

static int
adv_proc_stop(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	struct pstate *s = pget(o, cur.p);

	(void)gen;
	if (!s)
		return bad(o, err, ev,
		    "event ProcStop for proc (%lld) that doesn't exist",
		    (long long)cur.p);
	if (s->status != PS_RUNNING && s->status != PS_SYSCALL)
		return bad(o, err, ev,
		    "ProcStop event for proc that's not running or syscall");
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MUST_HAVE, MAY_HAVE }) < 0)
		return -LP_EDATA;
	s->status = PS_IDLE;
	*next = cur;
	next->p = LP_NO_ID;
	return take(o, err, ev, cur);
}

static int
adv_proc_steal(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int64_t pid = (int64_t)ev->args[0], mid = (int64_t)ev->args[2];
	uint64_t seq = ev->args[1];
	struct pstate *s = pget(o, pid);
	struct mstate *ms;
	struct qev *e;
	uint8_t old;

	if (!s || (s->status != PS_SYSCALL && s->status != PS_ABANDONED) ||
	    !succeeds(gen, seq, s->seq_gen, s->seq))
		return 0;
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MAY_HAVE, MAY_HAVE }) < 0)
		return -LP_EDATA;
	old = s->status;
	s->status = PS_IDLE;
	s->seq_gen = gen;
	s->seq = seq;
	*next = cur;
	if (old != PS_ABANDONED) {
		if (mid == cur.m) {
			if (cur.p != pid)
				return bad(o, err, ev,
				    "tried to self-steal proc %lld (thread "
				    "%lld), but got proc %lld instead",
				    (long long)pid, (long long)mid,
				    (long long)cur.p);
			next->p = LP_NO_ID;
		} else {
			if (!(ms = mget(o, mid)))
				return bad(o, err, ev,
				    "stole proc from non-existent thread %lld",
				    (long long)mid);
			if (ms->p != pid)
				return bad(o, err, ev,
				    "tried to steal proc %lld from thread "
				    "%lld, but got proc %lld instead",
				    (long long)pid, (long long)mid,
				    (long long)ms->p);
			ms->p = LP_NO_ID;
		}
	}
	if (!(e = queue_ev(o, ev, cur)))
		return nomem(o, err);
	e->old = old;
	return 1;
}

/* -- goroutines -- */

static int
adv_go_status(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int64_t gid = (int64_t)ev->args[0], mid = (int64_t)ev->args[1];
	uint64_t status = ev->args[2];
	struct gstate *s;
	struct mstate *ms;
	struct qev *e;
	uint8_t old;

	if (status >= 5)
		return bad(o, err, ev,
		    "invalid status for goroutine %lld: %llu", (long long)gid,
		    (unsigned long long)status);
	old = g2state[status];
	if ((s = gget(o, gid))) {
		if (s->status != status)
			return bad(o, err, ev,
			    "inconsistent status for goroutine %lld: old %s "
			    "vs. new %s",
			    (long long)gid, gname[s->status], gname[status]);
		s->seq_gen = gen;
		s->seq = 0;
	} else if (gen == o->initial_gen) {
		if (!gnew(o, gid, (uint8_t)status, gen))
			return nomem(o, err);
		old = LP_G_UNDETERMINED;
	} else {
		return bad(o, err, ev,
		    "found goroutine status for new goroutine after the "
		    "first generation: id=%lld status=%s",
		    (long long)gid, gname[status]);
	}
	*next = cur;
	if (status == GS_RUNNING) {
		next->g = gid;
	} else if (status == GS_SYSCALL) {
		if (mid == LP_NO_ID)
			return bad(o, err, ev,
			    "found goroutine %lld in syscall without a thread",
			    (long long)gid);
		if (mid == cur.m) {
			if (gen != o->initial_gen && cur.g != gid)
				return bad(o, err, ev,
				    "inconsistent thread for syscalling "
				    "goroutine %lld: thread has goroutine %lld",
				    (long long)gid, (long long)cur.g);
			next->g = gid;
		} else {
			if ((ms = mget(o, mid))) {
				if (ms->g != gid)
					return bad(o, err, ev,
					    "inconsistent thread for "
					    "syscalling goroutine %lld: "
					    "thread has goroutine %lld",
					    (long long)gid, (long long)ms->g);
				cur.g = ms->g;
			} else if (!mnew(o, mid, gid, LP_NO_ID)) {
				return nomem(o, err);
			}
			cur.m = mid;
		}
	}
	if (!(e = queue_ev(o, ev, cur)))
		return nomem(o, err);
	e->old = old;
	return 1;
}

static int
adv_go_create(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int64_t newgid = (int64_t)ev->args[0];
	struct gstate *s;

	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MUST_HAVE, MAY_HAVE }) < 0)
		return -LP_EDATA;
	if ((s = gget(o, cur.g)) && s->status != GS_RUNNING)
		return bad(o, err, ev,
		    "%s event for goroutine that's not Running",
		    specs[ev->typ].name);
	if (gget(o, newgid))
		return bad(o, err, ev,
		    "tried to create goroutine (%lld) that already exists",
		    (long long)newgid);
	if (!gnew(o, newgid,
	        ev->typ == EV_GOCREATEBLOCKED ? GS_WAITING : GS_RUNNABLE, gen))
		return nomem(o, err);
	*next = cur;
	return take(o, err, ev, cur);
}

/* The running goroutine exits, yields or blocks: GoDestroy, GoStop,
 * GoBlock. */
static inline int
adv_go_stop_exec(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	struct gstate *s;
	int rc;

	(void)gen;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	if ((rc = cur_g(o, err, ev, cur.g, GS_RUNNING, "Running", &s)) < 0)
		return rc;
	if (ev->typ == EV_GODESTROY) {
		if (gdel(o, cur.g) < 0)
			return nomem(o, err);
	} else {
		s->status = ev->typ == EV_GOSTOP ? GS_RUNNABLE : GS_WAITING;
	}
	*next = cur;
	next->g = LP_NO_ID;
	return take(o, err, ev, cur);
}

/*
 * GoBlock, the commonest of adv_go_stop_exec's events, on its own so that
 * it inlines into advance: the running goroutine waits.  Anything wrong
 * goes to adv_go_stop_exec, which says what.
 */
static inline int
adv_go_block(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	struct gstate *s = gget(o, cur.g);

	if (!s || s->status != GS_RUNNING || !ctx_ok(cur, user_go_reqs))
		return adv_go_stop_exec(o, ev, gen, cur, next, err);
	s->status = GS_WAITING;
	*next = cur;
	next->g = LP_NO_ID;
	return take(o, err, ev, cur);
}

static inline int
adv_go_start(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int64_t gid = (int64_t)ev->args[0];
	uint64_t seq = ev->args[1];
	struct gstate *s = gget(o, gid);

	if (!s || s->status != GS_RUNNABLE ||
	    !succeeds(gen, seq, s->seq_gen, s->seq))
		return 0;
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MUST_HAVE, MUST_NOT_HAVE }) < 0)
		return -LP_EDATA;
	s->status = GS_RUNNING;
	s->seq_gen = gen;
	s->seq = seq;
	*next = cur;
	next->g = gid;
	return take(o, err, ev, cur);
}

static inline int
adv_go_unblock(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	uint64_t seq = ev->args[1];
	struct gstate *s = gget(o, (int64_t)ev->args[0]);

	if (!s || s->status != GS_WAITING ||
	    !succeeds(gen, seq, s->seq_gen, s->seq))
		return 0;
	s->status = GS_RUNNABLE;
	s->seq_gen = gen;
	s->seq = seq;
	*next = cur;
	return take(o, err, ev, cur);
}

/* A coroutine switch: the running goroutine blocks (GoSwitch) or exits
 * (GoSwitchDestroy) and the one named starts, as three events. */
static int
adv_go_switch(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int64_t nextg = (int64_t)ev->args[0];
	uint64_t seq = ev->args[1];
	struct gstate *s, *ns;
	struct ctx start = cur;
	struct qev *e;
	int rc;

	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	if ((rc = cur_g(o, err, ev, cur.g, GS_RUNNING, "Running", &s)) < 0)
		return rc;
	ns = gget(o, nextg);
	if (!ns || ns->status != GS_WAITING ||
	    !succeeds(gen, seq, ns->seq_gen, ns->seq))
		return 0;
	if (!queue_ev(o, ev, cur) || !(e = push(o)))
		return nomem(o, err);
	e->time = ev->time;
	e->m = cur.m;
	e->p = cur.p;
	e->g = cur.g;
	if (ev->typ == EV_GOSWITCH) {
		s->status = GS_WAITING;
		e->typ = EV_GOBLOCK; /* no reason, no stack */
	} else {
		e->typ = EV_GODESTROY;
		if (gdel(o, cur.g) < 0) /* frees a slot, moves none */
			return nomem(o, err);
	}
	ns->status = GS_RUNNING;
	ns->seq_gen = gen;
	ns->seq = seq;
	*next = cur;
	next->g = nextg;
	start.g = LP_NO_ID;
	if (!(e = push(o)))
		return nomem(o, err);
	e->typ = EV_GOSTART;
	e->time = ev->time;
	e->m = start.m;
	e->p = start.p;
	e->g = start.g;
	e->args[0] = (uint64_t)nextg;
	e->args[1] = seq;
	return 1;
}

static int
adv_go_syscall_begin(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	uint64_t pseq = ev->args[0];
	struct gstate *s;
	struct pstate *ps;
	int rc;

	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	if ((rc = cur_g(o, err, ev, cur.g, GS_RUNNING, "Running", &s)) < 0)
		return rc;
	s->status = GS_SYSCALL;
	if ((rc = syscall_p(o, err, ev, cur.p, &ps)) < 0)
		return rc;
	ps->status = PS_SYSCALL;
	if (!succeeds(gen, pseq, ps->seq_gen, ps->seq))
		return bad(o, err, ev,
		    "failed to advance GoSyscallBegin: can't make sequence: "
		    "%llu (gen=%llu) -> %llu (gen=%llu)",
		    (unsigned long long)ps->seq,
		    (unsigned long long)ps->seq_gen, (unsigned long long)pseq,
		    (unsigned long long)gen);
	ps->seq_gen = gen;
	ps->seq = pseq;
	*next = cur;
	return take(o, err, ev, cur);
}

static int
adv_go_syscall_end(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	struct gstate *s;
	struct pstate *ps;
	int rc;

	(void)gen;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	if ((rc = cur_g(o, err, ev, cur.g, GS_SYSCALL, "in a syscall", &s)) < 0)
		return rc;
	s->status = GS_RUNNING;
	if ((rc = syscall_p(o, err, ev, cur.p, &ps)) < 0)
		return rc;
	if (ps->status != PS_SYSCALL)
		return bad(o, err, ev,
		    "expected proc %lld in state syscall, but got %s instead",
		    (long long)cur.p, pname[ps->status]);
	ps->status = PS_RUNNING;
	*next = cur;
	return take(o, err, ev, cur);
}

static int
adv_go_syscall_end_blocked(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	struct gstate *s;
	struct pstate *ps;
	int rc;

	(void)gen;
	if (cur.p != LP_NO_ID) {
		if ((rc = syscall_p(o, err, ev, cur.p, &ps)) < 0)
			return rc;
		if (ps->status == PS_SYSCALL)
			return 0; /* wait for the steal */
	}
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MAY_HAVE, MUST_HAVE }) < 0)
		return -LP_EDATA;
	if ((rc = cur_g(o, err, ev, cur.g, GS_SYSCALL, "in a syscall", &s)) < 0)
		return rc;
	*next = cur;
	next->g = LP_NO_ID;
	s->status = GS_RUNNABLE;
	return take(o, err, ev, cur);
}

static int
adv_go_create_syscall(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int64_t newgid = (int64_t)ev->args[0];

	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MAY_HAVE, MUST_NOT_HAVE }) < 0)
		return -LP_EDATA;
	if (gget(o, newgid))
		return bad(o, err, ev,
		    "tried to create goroutine (%lld) in syscall that already "
		    "exists",
		    (long long)newgid);
	if (!gnew(o, newgid, GS_SYSCALL, gen))
		return nomem(o, err);
	*next = cur;
	next->g = newgid;
	return take(o, err, ev, cur);
}

static int
adv_go_destroy_syscall(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	struct gstate *s;
	struct pstate *ps;
	struct qev *e;
	int rc;

	(void)gen;
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MAY_HAVE, MUST_HAVE }) < 0)
		return -LP_EDATA;
	if ((rc = cur_g(o, err, ev, cur.g, GS_SYSCALL, "Syscall", &s)) < 0)
		return rc;
	if (gdel(o, cur.g) < 0)
		return nomem(o, err);
	*next = cur;
	next->g = LP_NO_ID;
	if (cur.p != LP_NO_ID) {
		if (!(ps = pget(o, cur.p)))
			return bad(o, err, ev,
			    "found invalid proc %lld during GoDestroySyscall",
			    (long long)cur.p);
		if (ps->status != PS_SYSCALL)
			return bad(o, err, ev,
			    "proc %lld in unexpected state %s during "
			    "GoDestroySyscall",
			    (long long)cur.p, pname[ps->status]);
		ps->status = PS_ABANDONED;
		next->p = LP_NO_ID;
		/* The P is lost to the thread: a ProcSteal first. */
		if (!(e = push(o)))
			return nomem(o, err);
		e->typ = EV_PROCSTEAL;
		e->time = ev->time;
		e->m = cur.m;
		e->p = cur.p;
		e->g = cur.g;
		e->args[0] = (uint64_t)cur.p;
		e->old = PS_SYSCALL;
	}
	return take(o, err, ev, cur);
}

/* -- annotations -- */

static int
adv_user_task_begin(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	uint64_t id = ev->args[0], parent = ev->args[1], ix;
	struct lp_str name;
	const char *pn;
	struct qev *e;
	int ok;

	(void)gen;
	if (lp_u64map_get(&o->tidx, id))
		return bad(o, err, ev, "task ID conflict: %llu",
		    (unsigned long long)id);
	if (parent == 0) /* the background task */
		parent = LP_NO_TASK;
	name = gen_string(o->gen, ev->args[2], &ok);
	if (!ok)
		return bad(o, err, ev,
		    "invalid string ID %llu for UserTaskBegin event",
		    (unsigned long long)ev->args[2]);
	if (!(pn = lp_strpool_get(&o->names, name.p, name.n)))
		return nomem(o, err);
	if (o->ntfree) {
		ix = o->tfree[--o->ntfree];
	} else {
		if (RESERVE(o->tasks, o->captasks, o->ntasks + 1) < 0)
			return nomem(o, err);
		ix = o->ntasks++;
	}
	o->tasks[ix] = (struct task){ pn, name.n, parent };
	if (lp_u64map_put(&o->tidx, id, ix) < 0)
		return nomem(o, err);
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	*next = cur;
	if (!(e = queue_ev(o, ev, cur)))
		return nomem(o, err);
	e->args[1] = parent;
	return 1;
}

static int
adv_user_task_end(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	uint64_t *ix = lp_u64map_get(&o->tidx, ev->args[0]);
	uint64_t parent = LP_NO_TASK;
	const char *name = "";
	size_t namelen = 0;
	struct qev *e;

	(void)gen;
	if (ix) {
		parent = o->tasks[*ix].parent;
		name = o->tasks[*ix].name;
		namelen = o->tasks[*ix].namelen;
		if (RESERVE(o->tfree, o->captfree, o->ntfree + 1) < 0)
			return nomem(o, err);
		o->tfree[o->ntfree++] = *ix;
		lp_u64map_del(&o->tidx, ev->args[0]);
	}
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	*next = cur;
	if (!(e = queue_ev(o, ev, cur)))
		return nomem(o, err);
	e->parent = parent;
	e->tname = name;
	e->tnamelen = namelen;
	return 1;
}

/* The region's type in *name, pooled so that a pointer compares names. */
static int
region_name(struct v2 *o, struct lp_error *err, const struct cursor *ev,
    const char **name, size_t *len)
{
	struct lp_str s;
	int ok;

	s = gen_string(o->gen, ev->args[1], &ok);
	if (!ok)
		return bad(o, err, ev, "invalid string ID %llu for %s event",
		    (unsigned long long)ev->args[1], specs[ev->typ].name);
	if (!(*name = lp_strpool_get(&o->names, s.p, s.n)))
		return nomem(o, err);
	*len = s.n;
	return 0;
}

static int
adv_user_region_begin(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int rc;
	struct gstate *s;
	const char *name;
	size_t len;

	(void)gen;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	if ((rc = region_name(o, err, ev, &name, &len)) < 0)
		return rc;
	if ((rc = known_g(o, err, ev, cur.g, &s)) < 0)
		return rc;
	if (RESERVE(s->regions.v, s->regions.cap, s->regions.n + 1) < 0)
		return nomem(o, err);
	s->regions.v[s->regions.n++] =
	    (struct span){ .task = ev->args[0], .name = name, .namelen = len };
	*next = cur;
	return take(o, err, ev, cur);
}

static int
adv_user_region_end(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int rc;
	struct gstate *s;
	const char *name;
	size_t len;

	(void)gen;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	if ((rc = region_name(o, err, ev, &name, &len)) < 0)
		return rc;
	if ((rc = known_g(o, err, ev, cur.g, &s)) < 0)
		return rc;
	/* Regions begun before the trace are not known: no check. */
	if (s->regions.n) {
		const struct span *top = &s->regions.v[s->regions.n - 1];
		if (top->task != ev->args[0] || top->name != name)
			return bad(o, err, ev,
			    "misuse of region in goroutine %lld: region end "
			    "\"%s\" when the inner-most active region start "
			    "event is \"%s\"",
			    (long long)cur.g, name, top->name);
		s->regions.n--;
	}
	*next = cur;
	return take(o, err, ev, cur);
}

/* -- GC -- */

static int
adv_gc_active(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	uint64_t seq = ev->args[0];

	*next = cur;
	if (gen == o->initial_gen) {
		if (o->gc_state != GC_UNDETERMINED)
			return bad(o, err, ev,
			    "GCActive in the first generation isn't first GC "
			    "event");
		o->gc_seq = seq;
		o->gc_state = GC_RUNNING;
		return take(o, err, ev, cur);
	}
	if (seq != o->gc_seq + 1)
		return 0;
	if (o->gc_state != GC_RUNNING)
		return bad(o, err, ev,
		    "encountered GCActive while GC was not in progress");
	o->gc_seq = seq;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	return take(o, err, ev, cur);
}

static int
adv_gc_begin(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	uint64_t seq = ev->args[0];

	(void)gen;
	*next = cur;
	if (o->gc_state == GC_UNDETERMINED) {
		o->gc_seq = seq;
		o->gc_state = GC_RUNNING;
		return take(o, err, ev, cur);
	}
	if (seq != o->gc_seq + 1)
		return 0;
	if (o->gc_state == GC_RUNNING)
		return bad(o, err, ev,
		    "encountered GCBegin while GC was already in progress");
	o->gc_seq = seq;
	o->gc_state = GC_RUNNING;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	return take(o, err, ev, cur);
}

static int
adv_gc_end(struct v2 *o, const struct cursor *ev, uint64_t gen, struct ctx cur,
    struct ctx *next, struct lp_error *err)
{
	uint64_t seq = ev->args[0];

	(void)gen;
	if (seq != o->gc_seq + 1)
		return 0;
	if (o->gc_state == GC_NOT_RUNNING)
		return bad(o, err, ev,
		    "encountered GCEnd when GC was not in progress");
	if (o->gc_state == GC_UNDETERMINED)
		return bad(o, err, ev,
		    "encountered GCEnd when GC was in an undetermined state");
	o->gc_seq = seq;
	o->gc_state = GC_NOT_RUNNING;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	*next = cur;
	return take(o, err, ev, cur);
}

/* ProcsChange, GoLabel, UserLog. */
static int
adv_annotation(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	(void)gen;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	*next = cur;
	return take(o, err, ev, cur);
}

static int
adv_heap_metric(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	(void)gen;
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MUST_HAVE, MAY_HAVE }) < 0)
		return -LP_EDATA;
	*next = cur;
	return take(o, err, ev, cur);
}

static int
adv_gc_sweep_begin(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int rc;
	struct pstate *s;

	(void)gen;
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MUST_HAVE, MAY_HAVE }) < 0)
		return -LP_EDATA;
	if (!(s = pget(o, cur.p)))
		return bad(o, err, ev, "GCSweepBegin on unknown proc %lld",
		    (long long)cur.p);
	if ((rc = begin_range(o, err, ev, &s->ranges, EV_GCSWEEPBEGIN, 0)) < 0)
		return rc;
	*next = cur;
	return take(o, err, ev, cur);
}

static int
adv_gc_sweep_active(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int rc;
	struct pstate *s = pget(o, (int64_t)ev->args[0]);

	if (!s)
		return bad(o, err, ev,
		    "encountered GCSweepActive for unknown proc %llu",
		    (unsigned long long)ev->args[0]);
	if ((rc = active_range(o, err, ev, &s->ranges, EV_GCSWEEPBEGIN,
	         gen == o->initial_gen)) < 0)
		return rc;
	*next = cur;
	return take(o, err, ev, cur);
}

static int
adv_gc_sweep_end(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int rc;
	struct pstate *s;
	uint64_t desc;

	(void)gen;
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MUST_HAVE, MAY_HAVE }) < 0)
		return -LP_EDATA;
	if (!(s = pget(o, cur.p)))
		return bad(o, err, ev, "GCSweepEnd on unknown proc %lld",
		    (long long)cur.p);
	if ((rc = end_range(o, err, ev, &s->ranges, &desc)) < 0)
		return rc;
	*next = cur;
	return take(o, err, ev, cur);
}

/* STWBegin, GCMarkAssistBegin. */
static int
adv_go_range_begin(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int rc;
	uint64_t desc = ev->typ == EV_STWBEGIN ? ev->args[0] : 0;
	struct gstate *s;

	(void)gen;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	if ((rc = known_g(o, err, ev, cur.g, &s)) < 0)
		return rc;
	if ((rc = begin_range(o, err, ev, &s->ranges, ev->typ, desc)) < 0)
		return rc;
	*next = cur;
	return take(o, err, ev, cur);
}

/* GCMarkAssistActive. */
static int
adv_go_range_active(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int rc;
	struct gstate *s = gget(o, (int64_t)ev->args[0]);

	if (!s)
		return bad(o, err, ev,
		    "uninitialized goroutine %llu found during %s",
		    (unsigned long long)ev->args[0], specs[ev->typ].name);
	if ((rc = active_range(o, err, ev, &s->ranges, specs[ev->typ].start,
	         gen == o->initial_gen)) < 0)
		return rc;
	*next = cur;
	return take(o, err, ev, cur);
}

/* STWEnd, GCMarkAssistEnd. */
static int
adv_go_range_end(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	int rc;
	struct gstate *s;
	struct qev *e;
	uint64_t desc;

	(void)gen;
	if (validate_ctx(o, err, ev, cur, user_go_reqs) < 0)
		return -LP_EDATA;
	if ((rc = known_g(o, err, ev, cur.g, &s)) < 0)
		return rc;
	if ((rc = end_range(o, err, ev, &s->ranges, &desc)) < 0)
		return rc;
	*next = cur;
	if (!(e = queue_ev(o, ev, cur)))
		return nomem(o, err);
	if (ev->typ == EV_STWEND)
		e->args[0] = desc; /* the begin's reason */
	return 1;
}

/* The experimental heap, span and stack events. */
static int
adv_alloc_free(struct v2 *o, const struct cursor *ev, uint64_t gen,
    struct ctx cur, struct ctx *next, struct lp_error *err)
{
	(void)gen;
	if (validate_ctx(o, err, ev, cur,
	        (struct reqs){ MUST_HAVE, MAY_HAVE, MAY_HAVE }) < 0)
		return -LP_EDATA;
	*next = cur;
	return take(o, err, ev, cur);
}

/*
 * Go's Advance: the thread's context before ev (its state, made on
 * first sight; none for events without a thread), the event's handler,
 * and the thread's context after it when the event was taken.
 */
static int
advance(struct v2 *o, struct cursor *ev, uint64_t gen, struct lp_error *err)
{
	const struct spec *s = &specs[ev->typ];
	struct ctx cur = { ev->m, LP_NO_ID, LP_NO_ID }, next;
	struct mstate *ms;
	int rc;

	if (o->initial_gen == 0)
		o->initial_gen = gen;
	if (ev->m != LP_NO_ID) {
		/* Thread states are never removed, so a slot found once
		 * stays this thread's. */
		if (!ev->msi) {
			if (!(ms = mget(o, ev->m)) &&
			    !(ms = mnew(o, ev->m, LP_NO_ID, LP_NO_ID)))
				return nomem(o, err);
			ev->msi = (size_t)(ms - o->ms) + 1;
		}
		ms = &o->ms[ev->msi - 1];
		cur.p = ms->p;
		cur.g = ms->g;
	}
	/* GoStart, GoBlock and GoUnblock are most of any trace: called by
	 * name rather than through the table, they are inlined here, and
	 * their calls' cost (a tenth of the decoding) goes. */
	switch (ev->typ) {
	case EV_GOSTART: rc = adv_go_start(o, ev, gen, cur, &next, err); break;
	case EV_GOBLOCK: rc = adv_go_block(o, ev, gen, cur, &next, err); break;
	case EV_GOUNBLOCK:
		rc = adv_go_unblock(o, ev, gen, cur, &next, err);
		break;
	default:
		if (!s->adv)
			return bad(o, err, ev,
			    "bad event type found while ordering: %u", ev->typ);
		rc = s->adv(o, ev, gen, cur, &next, err);
		break;
	}
	if (rc > 0 && ev->m != LP_NO_ID) {
		ms = &o->ms[ev->msi - 1]; /* the handler may grow ms */
		ms->p = next.p;
		ms->g = next.g;
	}
	return rc;
}

/* Take the event of heap member i if it is ready. */
static inline int
try_advance(struct v2 *t, size_t i, struct lp_error *err)
{
	struct cursor *c = t->heap[i];
	int rc = advance(t, c, t->gen->num, err);

	if (rc <= 0)
		return rc;
	rc = cursor_next(t, c, t->gen, err);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		struct cursor **h = t->heap;
		size_t n = t->nheap;
		/* Most often the root's next event is still the earliest:
		 * then it stays, as Go's heapUpdate would leave it. */
		if (i == 0 && (n < 2 || c->time <= h[1]->time) &&
		    (n < 3 || c->time <= h[2]->time))
			return 1;
		if (sift_up(h, i) == i)
			sift_down(h, n, i);
	} else {
		heap_remove(t, i);
	}
	return 1;
}

/* ---- the driver -------------------------------------------------------- */

static int
push_sync(struct v2 *t, struct gen *table, int64_t time, struct lp_error *err)
{
	struct qev *e = push(t);

	if (!e)
		return nomem(t, err);
	e->typ = EV_SYNTH_SYNC;
	e->time = time;
	e->m = e->p = e->g = LP_NO_ID;
	e->sync_n = ++t->syncs;
	e->table = table;
	return 0;
}

/* Make g current: its cursors into the heap, its Sync queued. */
static int
install(struct v2 *t, struct gen *g, struct lp_error *err)
{
	if (t->gen) {
		/* Nothing refers to the old generation any more. */
		gen_reset(t->gen);
		if (t->spare)
			gen_free(t->spare);
		t->spare = t->gen;
	}
	t->gen = g;
	t->sample_pos = 0;
	t->sample_t = g->nsamples ? g->samples[0].time : INT64_MAX;
	t->nheap = 0;
	if (RESERVE(t->heap, t->capheap, g->ncurs) < 0 && g->ncurs)
		return nomem(t, err);
	for (size_t i = 0; i < g->ncurs; i++) {
		struct cursor *c = &g->curs[i];
		int rc;
		c->cur = c->first;
		c->pos = 0;
		c->last_t = 0;
		if ((rc = cursor_next(t, c, g, err)) < 0)
			return rc;
		if (rc == 0)
			continue;
		t->heap[t->nheap] = c;
		sift_up(t->heap, t->nheap++);
	}
	return push_sync(t, g, ticks_to_ns(g->freq, g->min_ts), err);
}

/* No events left in the current generation: queue what comes next. */
static int
next_gen(struct v2 *t, struct lp_error *err)
{
	struct gen *g;
	int rc;

	if (t->base.version >= 26) {
		if (t->read_gen_failed) {
			if (err)
				*err = t->deferred;
			t->failed = 1;
			t->fail = t->deferred;
			return -(
			    t->deferred.code ? t->deferred.code : LP_EDATA);
		}
		rc = read_gen(t, &g, &t->deferred);
		if (rc < 0) {
			t->failed = 0;
			t->read_gen_failed = 1;
			return push_sync(t, NULL, t->last_ts, err);
		}
		if (rc == 0) {
			t->done = 1;
			return push_sync(t, NULL, t->last_ts, err);
		}
		return install(t, g, err);
	}
	if (t->spill_err) {
		if (t->spill_err_sync) {
			t->failed = 1;
			t->fail = t->deferred;
			if (err)
				*err = t->deferred;
			return -(
			    t->deferred.code ? t->deferred.code : LP_EDATA);
		}
		t->spill_err_sync = 1;
		return push_sync(t, NULL, t->last_ts, err);
	}
	if (t->have_first && !t->spill) {
		t->done = 1;
		return push_sync(t, NULL, t->last_ts, err);
	}
	rc = read_gen(t, &g, &t->deferred);
	if (rc <= 0) {
		/* Nothing of a generation could be read: a Sync, then the
		 * error. */
		t->failed = 0;
		t->spill_err = 1;
		t->spill_err_sync = 1;
		if (rc == 0)
			lp_error_set(
			    &t->deferred, LP_EDATA, "no frequency event found");
		return push_sync(t, NULL, t->last_ts, err);
	}
	t->have_first = 1;
	return install(t, g, err);
}

/* resolve's message, off the hot path. */
static int
bad_id(struct v2 *t, struct lp_error *err, const char *what, uint64_t id,
    const struct spec *s)
{
	return fail(t, err, "found invalid %s ID %llu for event %s", what,
	    (unsigned long long)id, s->name);
}

/*
 * Resolve a queued event's stack and strings in the generation's tables,
 * as Go checks them on the way out: found, or the trace is broken.  The
 * stack (NULL: none or empty) and strings go to *stack and str[] for
 * fill, so each id is looked up once.
 */
static int
resolve(struct v2 *t, const struct qev *q, struct lp_tstack **stack,
    struct lp_str str[2], struct lp_error *err)
{
	const struct spec *s = &specs[q->typ];
	const struct gen *g = t->gen;
	uint64_t id, ix;

	*stack = NULL;
	if (s->stack && (id = q->args[s->stack - 1]) != 0) {
		if (!(ix = lookup(&g->stacks, g->sdense, g->nsdense, id)))
			return bad_id(t, err, "stack", id, s);
		if (g->stks[ix - 1].n)
			*stack = &g->stks[ix - 1];
	}
	for (int i = 0; i < 2 && s->str[i]; i++) {
		str[i] = lp_str_make("", 0);
		if ((id = q->args[s->str[i] - 1]) == 0)
			continue;
		if (!(ix = lookup(&g->strings, g->tdense, g->ntdense, id)))
			return bad_id(t, err, "string", id, s);
		str[i] = g->strs[ix - 1];
	}
	return 0;
}

/* Whether the event's stack and string ids are all in the generation's
 * dense tables: the usual answer, found in a few loads.  0 says only
 * that resolve must look (the map, or the error). */
static inline int
ids_dense(const struct gen *g, const struct qev *q)
{
	const struct spec *s = &specs[q->typ];
	uint64_t id;

	if (s->stack && (id = q->args[s->stack - 1]) != 0 &&
	    !(id < g->nsdense && g->sdense[id]))
		return 0;
	for (int i = 0; i < 2 && s->str[i]; i++)
		if ((id = q->args[s->str[i] - 1]) != 0 &&
		    !(id < g->ntdense && g->tdense[id]))
			return 0;
	return 1;
}

static int
drop_event(struct v2 *t, struct qev *q, struct lp_error *err)
{
	struct lp_tstack *stk;
	struct lp_str str[2];

	if (q->time <= t->last_ts)
		q->time = lp_tadd(t->last_ts, 1);
	t->last_ts = q->time;
	/* Only the events with ids (a third have none; CPU samples'
	 * stacks are not checked). */
	if (q->typ != EV_SYNTH_SYNC && q->typ != EV_CPUSAMPLE &&
	    !ids_dense(t->gen, q))
		return resolve(t, q, &stk, str, err);
	return 0;
}

/* resolve, inline, when ids_dense says every id is in the arrays:
 * the usual case, without resolve's call and its map code. */
static inline int
resolve_fast(struct v2 *t, const struct qev *q, struct lp_tstack **stack,
    struct lp_str str[2], struct lp_error *err)
{
	const struct spec *s = &specs[q->typ];
	const struct gen *g = t->gen;
	uint64_t id;

	if (!ids_dense(g, q))
		return resolve(t, q, stack, str, err);
	*stack = NULL;
	if (s->stack && (id = q->args[s->stack - 1]) != 0 &&
	    g->stks[g->sdense[id] - 1].n)
		*stack = &g->stks[g->sdense[id] - 1];
	for (int i = 0; i < 2 && s->str[i]; i++) {
		id = q->args[s->str[i] - 1];
		str[i] = id ? g->strs[g->tdense[id] - 1] : lp_str_make("", 0);
	}
	return 0;
}

static struct lp_tstack *
stack_of(const struct gen *g, uint64_t id)
{
	uint64_t ix;

	if (id == 0 || !g)
		return NULL;
	ix = lookup(&g->stacks, g->sdense, g->nsdense, id);
	if (!ix || g->stks[ix - 1].n == 0)
		return NULL;
	return &g->stks[ix - 1];
}

static struct lp_str
str_of(const struct gen *g, uint64_t id)
{
	int ok;

	return g ? gen_string(g, id, &ok) : lp_str_make("", 0);
}

/* Build the model event from an ordered wire event; negative when its
 * stack or strings are not in the generation's tables. */
static int
fill(struct v2 *t, const struct qev *q, struct lp_tev *ev, struct lp_error *err)
{
	const struct gen *g = t->gen;
	const struct spec *s;
	const uint64_t *a = q->args;
	struct lp_str str[2];
	int rc;

	/* Field by field: a memset of the whole struct was a sixth of the
	 * decoding time.  Every field is set, so no stale value shows. */
	ev->t = q->time;
	ev->m = q->m;
	ev->p = q->p;
	ev->g = q->g;
	ev->stack = ev->tstack = NULL;
	ev->no_tstack = 0;
	ev->res = LP_RES_NONE;
	ev->id = LP_NO_ID;
	ev->from = ev->to = 0;
	ev->reason = ev->name = ev->message = lp_str_make("", 0);
	ev->task = ev->parent = LP_NO_TASK;
	ev->value = ev->value2 = 0;
	ev->has_attrs = 0;
	ev->n = 0;
	ev->has_clock = 0;
	ev->clock_t = 0;
	ev->clock_mono = ev->wall_sec = ev->wall_nsec = 0;
	if (q->typ == EV_SYNTH_SYNC) {
		ev->kind = LP_TEV_SYNC;
		ev->n = q->sync_n;
		if (q->table && q->table->has_clock) {
			const struct gen *tg = q->table;
			ev->has_clock = 1;
			ev->clock_t = ticks_to_ns(tg->freq, tg->snap_ts);
			ev->clock_mono = tg->snap_mono;
			ev->wall_sec = tg->snap_sec;
			ev->wall_nsec = tg->snap_nsec;
		}
		return 0;
	}
	if (q->typ == EV_CPUSAMPLE) {
		ev->kind = LP_TEV_STACK_SAMPLE;
		ev->stack = stack_of(g, a[0]);
		return 0;
	}
	s = &specs[q->typ];
	if ((rc = resolve_fast(t, q, &ev->stack, str, err)) < 0)
		return rc;
	ev->res = LP_RES_GOROUTINE;
	ev->kind = LP_TEV_STATE;
	switch (q->typ) {
	case EV_PROCSTART:
		ev->res = LP_RES_PROC;
		ev->id = (int64_t)a[0];
		ev->from = LP_P_IDLE;
		ev->to = LP_P_RUNNING;
		break;
	case EV_PROCSTOP:
		ev->res = LP_RES_PROC;
		ev->id = q->p;
		ev->from = LP_P_RUNNING;
		ev->to = LP_P_IDLE;
		break;
	case EV_PROCSTEAL:
		ev->res = LP_RES_PROC;
		ev->id = (int64_t)a[0];
		ev->from = q->old == PS_ABANDONED ? LP_P_IDLE : LP_P_RUNNING;
		ev->to = LP_P_IDLE;
		break;
	case EV_PROCSTATUS:
		ev->res = LP_RES_PROC;
		ev->id = (int64_t)a[0];
		ev->from = q->old;
		ev->to = p2state[a[1] < 5 ? a[1] : 0];
		break;
	case EV_GOCREATE:
	case EV_GOCREATEBLOCKED:
		ev->id = (int64_t)a[0];
		ev->from = LP_G_NOTEXIST;
		ev->to = q->typ == EV_GOCREATE ? LP_G_RUNNABLE : LP_G_WAITING;
		ev->tstack = stack_of(g, a[1]);
		ev->no_tstack = ev->stack && !ev->tstack;
		break;
	case EV_GOCREATESYSCALL:
		ev->id = (int64_t)a[0];
		ev->from = LP_G_NOTEXIST;
		ev->to = LP_G_SYSCALL;
		break;
	case EV_GOSTART:
		ev->id = (int64_t)a[0];
		ev->from = LP_G_RUNNABLE;
		ev->to = LP_G_RUNNING;
		break;
	case EV_GODESTROY:
		ev->id = q->g;
		ev->from = LP_G_RUNNING;
		ev->to = LP_G_NOTEXIST;
		break;
	case EV_GODESTROYSYSCALL:
		ev->id = q->g;
		ev->from = LP_G_SYSCALL;
		ev->to = LP_G_NOTEXIST;
		break;
	case EV_GOSTOP:
	case EV_GOBLOCK:
		ev->id = q->g;
		ev->from = LP_G_RUNNING;
		ev->to = q->typ == EV_GOSTOP ? LP_G_RUNNABLE : LP_G_WAITING;
		ev->reason = str[0];
		ev->tstack = ev->stack;
		break;
	case EV_GOUNBLOCK:
	case EV_GOSWITCH:
	case EV_GOSWITCHDESTROY:
		ev->id = (int64_t)a[0];
		ev->from = LP_G_WAITING;
		ev->to = LP_G_RUNNABLE;
		ev->no_tstack = ev->stack != NULL; /* the waker's */
		break;
	case EV_GOSYSCALLBEGIN:
		ev->id = q->g;
		ev->from = LP_G_RUNNING;
		ev->to = LP_G_SYSCALL;
		ev->tstack = ev->stack;
		break;
	case EV_GOSYSCALLEND:
		ev->id = q->g;
		ev->from = LP_G_SYSCALL;
		ev->to = LP_G_RUNNING;
		break;
	case EV_GOSYSCALLENDBLOCKED:
		ev->id = q->g;
		ev->from = LP_G_SYSCALL;
		ev->to = LP_G_RUNNABLE;
		break;
	case EV_GOSTATUS:
	case EV_GOSTATUSSTACK:
		ev->id = (int64_t)a[0];
		ev->from = q->old;
		ev->to = g2state[a[2] < 5 ? a[2] : 0];
		ev->tstack = ev->stack;
		break;
	case EV_PROCSCHANGE:
	case EV_HEAPALLOC:
	case EV_HEAPGOAL:
		ev->kind = LP_TEV_METRIC;
		ev->res = LP_RES_NONE;
		ev->name =
		    q->typ == EV_PROCSCHANGE
		        ? LP_STR_LIT("/sched/gomaxprocs:threads")
		    : q->typ == EV_HEAPALLOC
		        ? LP_STR_LIT("/memory/classes/heap/objects:bytes")
		        : LP_STR_LIT("/gc/heap/goal:bytes");
		ev->value = a[0];
		break;
	case EV_GOLABEL:
		ev->kind = LP_TEV_LABEL;
		ev->id = q->g;
		ev->name = str[0];
		break;
	case EV_STWBEGIN:
	case EV_STWEND: {
		/* "stop-the-world (" + reason + ")" built in the arena. */
		/* STWEnd's a[0] is its begin's reason, checked there. */
		struct lp_str r =
		    q->typ == EV_STWBEGIN ? str[0] : str_of(g, a[0]);
		char *nm = lp_arena_alloc(&t->gen->arena, r.n + 18);
		ev->kind = q->typ == EV_STWBEGIN ? LP_TEV_RANGE_BEGIN
		                                 : LP_TEV_RANGE_END;
		if (nm) {
			memcpy(nm, "stop-the-world (", 16);
			if (r.n)
				memcpy(nm + 16, r.p, r.n);
			nm[16 + r.n] = ')';
			ev->name = lp_str_make(nm, r.n + 17);
		}
		ev->id = q->g;
		break;
	}
	case EV_GCBEGIN:
	case EV_GCACTIVE:
	case EV_GCEND:
		ev->kind = q->typ == EV_GCBEGIN    ? LP_TEV_RANGE_BEGIN
		           : q->typ == EV_GCACTIVE ? LP_TEV_RANGE_ACTIVE
		                                   : LP_TEV_RANGE_END;
		ev->name = LP_STR_LIT("GC concurrent mark phase");
		ev->res = LP_RES_NONE;
		break;
	case EV_GCSWEEPBEGIN:
	case EV_GCSWEEPACTIVE:
	case EV_GCSWEEPEND:
		ev->kind = q->typ == EV_GCSWEEPBEGIN    ? LP_TEV_RANGE_BEGIN
		           : q->typ == EV_GCSWEEPACTIVE ? LP_TEV_RANGE_ACTIVE
		                                        : LP_TEV_RANGE_END;
		ev->name = LP_STR_LIT("GC incremental sweep");
		ev->res = LP_RES_PROC;
		ev->id = q->typ == EV_GCSWEEPACTIVE ? (int64_t)a[0] : q->p;
		if (q->typ == EV_GCSWEEPEND) {
			ev->has_attrs = 1;
			ev->value = a[0];
			ev->value2 = a[1];
		}
		break;
	case EV_GCMARKASSISTBEGIN:
	case EV_GCMARKASSISTACTIVE:
	case EV_GCMARKASSISTEND:
		ev->kind = q->typ == EV_GCMARKASSISTBEGIN ? LP_TEV_RANGE_BEGIN
		           : q->typ == EV_GCMARKASSISTACTIVE
		               ? LP_TEV_RANGE_ACTIVE
		               : LP_TEV_RANGE_END;
		ev->name = LP_STR_LIT("GC mark assist");
		ev->id = q->typ == EV_GCMARKASSISTACTIVE ? (int64_t)a[0] : q->g;
		break;
	case EV_USERTASKBEGIN:
		ev->kind = LP_TEV_TASK_BEGIN;
		ev->res = LP_RES_NONE;
		ev->task = a[0];
		ev->parent = a[1];
		ev->name = str[0];
		break;
	case EV_USERTASKEND:
		ev->kind = LP_TEV_TASK_END;
		ev->res = LP_RES_NONE;
		ev->task = a[0];
		ev->parent = q->parent;
		ev->name = lp_str_make(q->tname, q->tnamelen);
		break;
	case EV_USERREGIONBEGIN:
	case EV_USERREGIONEND:
		ev->kind = q->typ == EV_USERREGIONBEGIN ? LP_TEV_REGION_BEGIN
		                                        : LP_TEV_REGION_END;
		ev->res = LP_RES_NONE;
		ev->task = a[0];
		ev->name = str[0];
		break;
	case EV_USERLOG:
		ev->kind = LP_TEV_LOG;
		ev->res = LP_RES_NONE;
		ev->task = a[0];
		ev->name = str[0];
		ev->message = str[1];
		break;
	default: /* experimental */
		ev->kind = LP_TEV_EXPERIMENTAL;
		ev->res = LP_RES_NONE;
		ev->name = lp_str_make(s->name, strlen(s->name));
		break;
	}
	return 0;
}

static int
v2_next(struct lp_trace *base, const struct lp_tev **out, struct lp_error *err)
{
	struct v2 *t = (struct v2 *)base;
	unsigned want = base->want ? base->want | 1u << LP_TEV_SYNC : 0;
	int rc;

	for (;;) {
		if (t->failed) {
			if (err)
				*err = t->fail;
			return -(t->fail.code ? t->fail.code : LP_EDATA);
		}
		/* A handler fails with its error at once: queued events
		 * need no new look at t->failed. */
		while (t->qlen) {
			struct qev *q = &t->q[t->qhead];
			t->qhead = (t->qhead + 1) & (t->qcap - 1);
			t->qlen--;
			if (want && !(want >> wire_kinds[q->typ] & 1)) {
				if ((rc = drop_event(t, q, err)) < 0)
					return rc;
				continue;
			}
			if (q->time <= t->last_ts)
				q->time = lp_tadd(t->last_ts, 1);
			t->last_ts = q->time;
			if ((rc = fill(t, q, &t->ev, err)) < 0)
				return rc;
			*out = &t->ev;
			return 1;
		}
		if (t->nheap == 0 &&
		    (!t->gen || t->sample_pos >= t->gen->nsamples)) {
			if (t->done)
				return 0;
			if ((rc = next_gen(t, err)) < 0)
				return rc;
			continue;
		}
		/* A sample of INT64_MAX never comes before a root, and
		 * with no root there is one left (above). */
		if (t->nheap == 0 || t->sample_t < t->heap[0]->time) {
			const struct cpusample *s =
			    &t->gen->samples[t->sample_pos++];
			struct qev *e = push(t);
			t->sample_t = t->sample_pos < t->gen->nsamples
			                  ? t->gen->samples[t->sample_pos].time
			                  : INT64_MAX;
			if (!e)
				return nomem(t, err);
			e->typ = EV_CPUSAMPLE;
			e->time = s->time;
			e->m = s->m;
			e->p = s->p;
			e->g = s->g;
			e->args[0] = s->stack;
			continue;
		}
		rc = try_advance(t, 0, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			heap_sort(t->heap, t->nheap);
			for (size_t i = 1; i < t->nheap && rc == 0; i++)
				if ((rc = try_advance(t, i, err)) < 0)
					return rc;
			if (rc == 0)
				return fail(t, err,
				    "broken trace: failed to advance: no thread "
				    "can go on in generation %llu (next events "
				    "at byte %llu and on)",
				    (unsigned long long)t->gen->num,
				    (unsigned long long)t->heap[0]->off);
		}
	}
}

static struct lp_arena *
v2_arena(struct lp_trace *base)
{
	struct v2 *t = (struct v2 *)base;

	return t->gen ? &t->gen->arena : NULL;
}

static void
v2_free(struct lp_trace *base)
{
	struct v2 *t = (struct v2 *)base;

	if (!t)
		return;
	gen_free(t->gen);
	gen_free(t->spare);
	free(t->rd.buf);
	free(t->heap);
	for (size_t i = 0; i < t->ngs; i++) {
		free(t->gs[i].regions.v);
		free(t->gs[i].ranges.v);
	}
	for (size_t i = 0; i < t->nps; i++)
		free(t->ps[i].ranges.v);
	free(t->gs);
	free(t->gfree);
	free(t->ps);
	free(t->ms);
	free(t->tasks);
	free(t->tfree);
	lp_u64map_free(&t->gidx);
	free(t->gdir);
	lp_u64map_free(&t->pidx);
	lp_u64map_free(&t->midx);
	lp_u64map_free(&t->tidx);
	lp_strpool_free(&t->names);
	free(t->q);
	free(t);
}

struct lp_trace *
lp_tracev2_open(
    const struct lp_byte_src *src, int version, struct lp_error *err)
{
	struct v2 *t;

	if (version != 22 && version != 23 && version != 25 && version != 26) {
		lp_error_set(err, LP_EDATA,
		    "unknown or unsupported version go 1.%d", version);
		return NULL;
	}
	if (!(t = calloc(1, sizeof *t))) {
		lp_error_set(err, LP_ENOMEM, "out of memory");
		return NULL;
	}
	t->base.version = version;
	t->base.next = v2_next;
	t->base.arena = v2_arena;
	t->base.free = v2_free;
	t->rd.src = *src;
	t->rd.p = src->head;
	t->rd.n = src->headlen;
	t->rd.base = 16;
	t->rd.in_head = 1;
	return &t->base;
}

/* ---- raw: the wire events in file order ------------------------------ */

struct rawwalk {
	struct v2 *t;
	int (*each)(const struct lp_traw *r, void *ctx);
	void *ctx;
	struct lp_arena *a;
};

static int
raw_emit(struct rawwalk *w, const char *name, uint64_t off, unsigned n,
    const char *const *argn, const uint64_t *argv)
{
	struct lp_traw r = {
		.name = name, .off = off, .nargs = n, .argn = argn, .argv = argv
	};

	return w->each(&r, w->ctx);
}

/* One Strings, Stacks or CPUSamples section; b->pos after its marker. */
static int
raw_table(
    struct rawwalk *w, struct bp *b, unsigned char what, struct lp_error *err)
{
	static const char *const n_str[] = { "id" },
	                         *const n_stk[] = { "id", "nframes" },
	                         *const n_cpu[] = { "time", "m", "p", "g",
		                         "stack" };
	struct v2 *t = w->t;
	int rc;

	while (b->pos < b->n) {
		uint64_t v[5], at = b->off + b->pos;
		struct lp_traw r = { .off = at, .argv = v };
		if (b->p[b->pos++] != what)
			return fail(t, err, "expected a %s event at byte %llu",
			    what == EV_STRING  ? "string"
			    : what == EV_STACK ? "stack"
			                       : "CPU sample",
			    (unsigned long long)at);
		if (what == EV_CPUSAMPLE) {
			for (int i = 0; i < 5; i++)
				if (!bp_uv(b, &v[i]))
					return fail(t, err,
					    "bad CPU sample at byte "
					    "%llu",
					    (unsigned long long)at);
			r.name = "CPUSample";
			r.nargs = 5;
			r.argn = n_cpu;
		} else if (!bp_uv(b, &v[0]) || !bp_uv(b, &v[1])) {
			return fail(t, err, "bad %s event at byte %llu",
			    what == EV_STRING ? "string" : "stack",
			    (unsigned long long)at);
		} else if (what == EV_STRING) {
			if (v[1] > MAX_STRING)
				return fail(t, err,
				    "string of %llu bytes at byte %llu, "
				    "the maximum is %u",
				    (unsigned long long)v[1],
				    (unsigned long long)at, MAX_STRING);
			if (v[1] > b->n - b->pos)
				return fail(t, err,
				    "string at byte %llu runs past its "
				    "batch",
				    (unsigned long long)at);
			r.name = "String";
			r.nargs = 1;
			r.argn = n_str;
			r.has_data = 1;
			r.data = lp_str_make(
			    (const char *)b->p + b->pos, (size_t)v[1]);
			b->pos += (size_t)v[1];
		} else {
			struct lp_traw_frame *f;
			if (v[1] > MAX_FRAMES)
				return fail(t, err,
				    "stack of %llu frames at byte %llu, "
				    "the maximum is %u",
				    (unsigned long long)v[1],
				    (unsigned long long)at, MAX_FRAMES);
			lp_arena_release(w->a);
			f = lp_arena_alloc(w->a, (v[1] ? v[1] : 1) * sizeof *f);
			if (!f)
				return nomem(t, err);
			for (uint64_t i = 0; i < v[1]; i++)
				if (!bp_uv(b, &f[i].pc) ||
				    !bp_uv(b, &f[i].fn) ||
				    !bp_uv(b, &f[i].file) ||
				    !bp_uv(b, &f[i].line))
					return fail(t, err,
					    "bad frame %llu of stack "
					    "%llu at byte %llu",
					    (unsigned long long)i + 1,
					    (unsigned long long)v[0],
					    (unsigned long long)at);
			r.name = "Stack";
			r.nargs = 2;
			r.argn = n_stk;
			r.has_frames = 1;
			r.nframes = (size_t)v[1];
			r.frames = f;
		}
		if ((rc = w->each(&r, w->ctx)) != 0)
			return rc;
	}
	return 0;
}

/* Timed events, as cursor_next reads them; Sync sections use this too. */
static int
raw_timed(struct rawwalk *w, struct bp *b, int sync, struct lp_error *err)
{
	static const char *const n_freq[] = { "freq" };
	struct v2 *t = w->t;
	int rc;

	while (b->pos < b->n) {
		uint64_t at = b->off + b->pos, v[5];
		const char *argn[5] = { "dt" };
		unsigned typ = b->p[b->pos++];
		const struct spec *s;
		if (sync && typ != EV_FREQUENCY &&
		    !(typ == EV_CLOCKSNAPSHOT && t->base.version >= 25))
			return fail(t, err,
			    "expected frequency or clock snapshot "
			    "event, got %u (byte %llu)",
			    typ, (unsigned long long)at);
		if (sync && typ == EV_FREQUENCY) {
			if (!bp_uv(b, &v[0]))
				return fail(t, err,
				    "bad frequency event at byte %llu",
				    (unsigned long long)at);
			rc = raw_emit(w, "Frequency", at, 1, n_freq, v);
			if (rc)
				return rc;
			continue;
		}
		if (typ >= EV_NTYPES)
			return fail(t, err,
			    "found invalid event type: %u (byte %llu)", typ,
			    (unsigned long long)at);
		s = &specs[typ];
		if (!s->timed)
			return fail(t, err,
			    "found event without a timestamp: type=%u "
			    "(byte %llu)",
			    typ, (unsigned long long)at);
		if (!bp_uv(b, &v[0]))
			return fail(t, err,
			    "found invalid uvarint for timestamp (byte "
			    "%llu)",
			    (unsigned long long)at);
		for (unsigned i = 0; i < s->nargs; i++) {
			argn[i + 1] = s->argn[i];
			if (!bp_uv(b, &v[i + 1]))
				return fail(t, err,
				    "found invalid uvarint in %s event "
				    "(byte %llu)",
				    s->name, (unsigned long long)at);
		}
		if ((rc = raw_emit(w, s->name, at, 1u + s->nargs, argn, v)))
			return rc;
	}
	return 0;
}

static int
raw_batch(struct rawwalk *w, const struct batch *bt, uint64_t at, uint64_t gen,
    int exp, struct lp_error *err)
{
	static const char *const n_batch[] = { "gen", "m", "time", "size" },
	                         *const n_exp[] = { "exp", "gen", "m", "time",
		                         "size" };
	uint64_t v[5] = { (uint64_t)(exp - 1), gen, (uint64_t)bt->m, bt->time,
		bt->len };
	struct bp b = { bt->data, bt->len, 0, bt->off };
	unsigned first = bt->len ? bt->data[0] : 0;
	int v25 = w->t->base.version >= 25, rc;

	rc = exp ? raw_emit(w, "ExperimentalBatch", at, 5, n_exp, v)
	         : raw_emit(w, "EventBatch", at, 4, n_batch, v + 1);
	if (rc || exp) /* experimental payloads stay opaque, as decoded */
		return rc;
	if (bt->len &&
	    (first == EV_STRINGS || first == EV_STACKS ||
	        first == EV_CPUSAMPLES || (first == EV_SYNC && v25))) {
		static const char *const sect[] = { [EV_STRINGS] = "Strings",
			[EV_STACKS] = "Stacks",
			[EV_CPUSAMPLES] = "CPUSamples",
			[EV_SYNC] = "Sync" };
		if ((rc = raw_emit(w, sect[first], b.off, 0, NULL, NULL)))
			return rc;
		b.pos = 1;
		if (first == EV_SYNC)
			return raw_timed(w, &b, 1, err);
		return raw_table(w, &b,
		    first == EV_STRINGS  ? EV_STRING
		    : first == EV_STACKS ? EV_STACK
		                         : EV_CPUSAMPLE,
		    err);
	}
	return raw_timed(w, &b, first == EV_FREQUENCY && !v25, err);
}

int
lp_tracev2_raw(const struct lp_byte_src *src, int version,
    int (*each)(const struct lp_traw *r, void *ctx), void *ctx,
    struct lp_error *err)
{
	struct lp_trace *base = lp_tracev2_open(src, version, err);
	struct v2 *t = (struct v2 *)base;
	struct gen *g;
	struct rawwalk w;
	struct lp_arena frames;
	int rc = 0;

	if (!base)
		return -(err && err->code ? err->code : LP_EDATA);
	if (!(g = new_gen(t))) {
		v2_free(base);
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	}
	t->gen = g;
	lp_arena_init(&frames, 0);
	w = (struct rawwalk){ t, each, ctx, &frames };
	for (;;) {
		struct batch *bt;
		uint64_t at = rd_off(&t->rd), gnum;
		int exp;
		lp_arena_release(&g->arena);
		rc = read_batch(t, g, &bt, &gnum, &exp, err);
		if (rc == 2) {
			rc = raw_emit(&w, "EndOfGeneration", at, 0, NULL, NULL);
		} else if (rc == 1) {
			rc = raw_batch(&w, bt, at, gnum, exp, err);
		} else {
			break; /* the end, or bad bytes */
		}
		if (rc != 0)
			break;
	}
	lp_arena_release(&frames);
	v2_free(base);
	return rc;
}
