/* tracev1.c - legacy Go execution traces (formats 1.5 to 1.21)
 *
 * A legacy trace is one flat run of events in per-P batches that the
 * runtime flushed in no particular time order, so it cannot be streamed:
 * the whole file is read into memory (at most LP_TRACE1_MAX bytes) and
 * decoded in four steps, after the scheme golang.org/x/exp/trace uses
 * for the versions it reads (1.11, 1.19, 1.21):
 *
 *  1. scan: walk every event once, check its encoding and argument
 *     count, note where each P's batches start, and load the string and
 *     stack tables, the frequency, the timer goroutines and CPU samples;
 *  2. order: merge the per-P batches into one stream by goroutine
 *     sequence dependencies, the earliest ready event first (a binary
 *     heap with x/exp's exact tie behaviour); format 1.5 is sorted by
 *     its global sequence numbers instead.  Then syscall exits get their
 *     real time and ticks become nanoseconds;
 *  3. check: the same consistency checks as Go's reader (a P runs one
 *     goroutine, a blocked goroutine is unblocked, ...), which also move
 *     some events to Go's pseudo Ps (GC, syscall, netpoll, timer);
 *  4. convert, one event at a time on lp_trace_next: legacy events
 *     become the modern model exactly as x/exp's converter does it.
 *
 * Memory: the file, one 64-byte record per event, the tables, and
 * the largest batch of each P while merging.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "traceimpl.h"
#include "u64map.h"

/* Legacy event types, as the runtime numbers them. */
enum {
	EV_NONE,
	EV_BATCH,
	EV_FREQUENCY,
	EV_STACK,
	EV_GOMAXPROCS,
	EV_PROC_START,
	EV_PROC_STOP,
	EV_GC_START,
	EV_GC_DONE,
	EV_STW_START,
	EV_STW_DONE,
	EV_SWEEP_START,
	EV_SWEEP_DONE,
	EV_GO_CREATE,
	EV_GO_START,
	EV_GO_END,
	EV_GO_STOP,
	EV_GO_SCHED,
	EV_GO_PREEMPT,
	EV_GO_SLEEP,
	EV_GO_BLOCK,
	EV_GO_UNBLOCK,
	EV_GO_BLOCK_SEND,
	EV_GO_BLOCK_RECV,
	EV_GO_BLOCK_SELECT,
	EV_GO_BLOCK_SYNC,
	EV_GO_BLOCK_COND,
	EV_GO_BLOCK_NET,
	EV_GO_SYSCALL,
	EV_GO_SYSEXIT,
	EV_GO_SYSBLOCK,
	EV_GO_WAITING,
	EV_GO_INSYSCALL,
	EV_HEAP_ALLOC,
	EV_HEAP_GOAL,
	EV_TIMER_GOROUTINE,
	EV_FUTILE_WAKEUP,
	EV_STRING,
	EV_GO_START_LOCAL,
	EV_GO_UNBLOCK_LOCAL,
	EV_GO_SYSEXIT_LOCAL,
	EV_GO_START_LABEL,
	EV_GO_BLOCK_GC,
	EV_ASSIST_START,
	EV_ASSIST_DONE,
	EV_TASK_CREATE,
	EV_TASK_END,
	EV_REGION,
	EV_LOG,
	EV_CPU_SAMPLE,
	EV_COUNT
};

/* Name, first format version, arguments (1.7+ layout), stack id last;
 * the arguments' names (spec A.3) for --raw. */
static const struct {
	const char *name;
	uint8_t minver, nargs, stack;
	const char *argn[3];
} evdesc[EV_COUNT] = {
	[EV_NONE] = { "None", 5, 0, 0, { NULL } },
	[EV_BATCH] = { "Batch", 5, 2, 0, { "p", "ticks" } },
	[EV_FREQUENCY] = { "Frequency", 5, 1, 0, { "freq" } },
	[EV_STACK] = { "Stack", 5, 2, 0, { "id", "nframes" } },
	[EV_GOMAXPROCS] = { "Gomaxprocs", 5, 1, 1, { "procs" } },
	[EV_PROC_START] = { "ProcStart", 5, 1, 0, { "thread" } },
	[EV_PROC_STOP] = { "ProcStop", 5, 0, 0, { NULL } },
	[EV_GC_START] = { "GCStart", 5, 1, 1, { "seq" } },
	[EV_GC_DONE] = { "GCDone", 5, 0, 0, { NULL } },
	[EV_STW_START] = { "GCSTWStart", 5, 1, 0, { "kind" } },
	[EV_STW_DONE] = { "GCSTWDone", 5, 0, 0, { NULL } },
	[EV_SWEEP_START] = { "GCSweepStart", 5, 0, 1, { NULL } },
	[EV_SWEEP_DONE] = { "GCSweepDone", 5, 2, 0, { "swept", "reclaimed" } },
	[EV_GO_CREATE] = { "GoCreate", 5, 2, 1, { "new_g", "new_stack" } },
	[EV_GO_START] = { "GoStart", 5, 2, 0, { "g", "seq" } },
	[EV_GO_END] = { "GoEnd", 5, 0, 0, { NULL } },
	[EV_GO_STOP] = { "GoStop", 5, 0, 1, { NULL } },
	[EV_GO_SCHED] = { "GoSched", 5, 0, 1, { NULL } },
	[EV_GO_PREEMPT] = { "GoPreempt", 5, 0, 1, { NULL } },
	[EV_GO_SLEEP] = { "GoSleep", 5, 0, 1, { NULL } },
	[EV_GO_BLOCK] = { "GoBlock", 5, 0, 1, { NULL } },
	[EV_GO_UNBLOCK] = { "GoUnblock", 5, 2, 1, { "g", "seq" } },
	[EV_GO_BLOCK_SEND] = { "GoBlockSend", 5, 0, 1, { NULL } },
	[EV_GO_BLOCK_RECV] = { "GoBlockRecv", 5, 0, 1, { NULL } },
	[EV_GO_BLOCK_SELECT] = { "GoBlockSelect", 5, 0, 1, { NULL } },
	[EV_GO_BLOCK_SYNC] = { "GoBlockSync", 5, 0, 1, { NULL } },
	[EV_GO_BLOCK_COND] = { "GoBlockCond", 5, 0, 1, { NULL } },
	[EV_GO_BLOCK_NET] = { "GoBlockNet", 5, 0, 1, { NULL } },
	[EV_GO_SYSCALL] = { "GoSysCall", 5, 0, 1, { NULL } },
	[EV_GO_SYSEXIT] = { "GoSysExit", 5, 3, 0, { "g", "seq", "real_ts" } },
	[EV_GO_SYSBLOCK] = { "GoSysBlock", 5, 0, 0, { NULL } },
	[EV_GO_WAITING] = { "GoWaiting", 5, 1, 0, { "g" } },
	[EV_GO_INSYSCALL] = { "GoInSyscall", 5, 1, 0, { "g" } },
	[EV_HEAP_ALLOC] = { "HeapAlloc", 5, 1, 0, { "bytes" } },
	[EV_HEAP_GOAL] = { "HeapGoal", 5, 1, 0, { "bytes" } },
	[EV_TIMER_GOROUTINE] = { "TimerGoroutine", 5, 1, 0, { "g" } },
	[EV_FUTILE_WAKEUP] = { "FutileWakeup", 5, 0, 0, { NULL } },
	[EV_STRING] = { "String", 7, 0, 0, { "id" } },
	[EV_GO_START_LOCAL] = { "GoStartLocal", 7, 1, 0, { "g" } },
	[EV_GO_UNBLOCK_LOCAL] = { "GoUnblockLocal", 7, 1, 1, { "g" } },
	[EV_GO_SYSEXIT_LOCAL] = { "GoSysExitLocal", 7, 2, 0,
	    { "g", "real_ts" } },
	[EV_GO_START_LABEL] = { "GoStartLabel", 8, 3, 0,
	    { "g", "seq", "label" } },
	[EV_GO_BLOCK_GC] = { "GoBlockGC", 8, 0, 1, { NULL } },
	[EV_ASSIST_START] = { "GCMarkAssistStart", 9, 0, 1, { NULL } },
	[EV_ASSIST_DONE] = { "GCMarkAssistDone", 9, 0, 0, { NULL } },
	[EV_TASK_CREATE] = { "UserTaskCreate", 11, 3, 1,
	    { "task", "parent", "name" } },
	[EV_TASK_END] = { "UserTaskEnd", 11, 1, 1, { "task" } },
	[EV_REGION] = { "UserRegion", 11, 3, 1, { "task", "mode", "name" } },
	[EV_LOG] = { "UserLog", 11, 2, 1, { "task", "key" } },
	[EV_CPU_SAMPLE] = { "CPUSample", 19, 3, 1, { "real_ts", "p", "g" } },
};

/* Go's pseudo Ps for events that belong to no real P. */
#define P_TIMER   1000001
#define P_NETPOLL 1000002
#define P_SYSCALL 1000003
#define P_GC      1000004
#define P_PROFILE 1000005

/* Go's reader limits, kept so that we reject what it rejects. */
#define LONG_EVENT_MAX 2048u /* bytes of a length-prefixed event */
#define STRING_MAX     1000000u
#define FRAMES_MAX     1000u

/*
 * One timed event.  args are the arguments after the time stamp; a
 * UserLog keeps the file offset of its message in args[2], a 1.5 event
 * its sequence number there until ordering is done.
 */
struct ev1 {
	int64_t ts;
	uint64_t g;
	uint64_t args[3];
	uint64_t off; /* of the event's first byte in the file */
	uint32_t stk;
	int32_t p;
	uint8_t type;
	uint8_t blocked; /* GoSysCall: the goroutine's next event blocks */
};

/* A growable array of fixed-size items (lp_reserve), the grown array
 * returned, or NULL when memory runs out. */
static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	return lp_reserve(&p, cap, need, size) < 0 ? NULL : p;
}

/*
 * Two words for an id, where one will not do (a goroutine's sequence
 * number and state, a P's flags and goroutine, a string's offset and
 * length, a task's parent and name): the shared map gives the id its
 * index into an array of pairs.  No removal.
 */
struct uval {
	uint64_t a, b;
};
struct pairs {
	struct lp_u64map ix; /* id -> index into v + 1 */
	struct uval *v;
	size_t n, cap;
};

static struct uval *
pairs_get(const struct pairs *m, uint64_t k)
{
	const uint64_t *ix = lp_u64map_get(&m->ix, k);

	return ix ? &m->v[*ix - 1] : NULL;
}

/* The pair for k, zeroed when new; NULL when memory runs out. */
static struct uval *
pairs_put(struct pairs *m, uint64_t k)
{
	struct uval *v;
	uint64_t *ix;

	/* Room first, so that no id is ever in the map without its pair. */
	if (m->n == m->cap) {
		v = grow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
		if (!v)
			return NULL;
		m->v = v;
	}
	ix = lp_u64map_slot(&m->ix, k);
	if (!ix)
		return NULL;
	if (!*ix) {
		m->v[m->n].a = m->v[m->n].b = 0;
		*ix = ++m->n;
	}
	return &m->v[*ix - 1];
}

static void
pairs_free(struct pairs *m)
{
	lp_u64map_free(&m->ix);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

struct frame1 {
	uint64_t pc, fn, file, line;
};

struct stack1 {
	size_t first; /* into v1.stkframes */
	uint32_t n;
	struct lp_tstack *out;
};

struct batch1 {
	size_t off;    /* of the Batch event, in data */
	uint32_t next; /* the same P's next batch, or UINT32_MAX */
	uint32_t nev;  /* timed events in it */
};

struct proc1 {
	int32_t pid;
	uint32_t batch; /* next batch to load, or UINT32_MAX */
	uint64_t lastg; /* the goroutine running when its last batch ended */
	uint32_t last;  /* step 1: its last batch so far */
	struct ev1 *buf;
	size_t cap, head, len;
	int done;
};

struct front {
	struct ev1 ev;
	uint32_t proc;
};

/* A region open on a goroutine, in a free-listed pool. */
struct region1 {
	uint64_t task, name;
	uint32_t next;
};

struct v1 {
	struct lp_trace base;
	int ver;
	const unsigned char *data; /* the trace after its header */
	unsigned char *owned;
	size_t len;
	struct lp_arena arena; /* output stacks and frames */

	uint64_t vals[LONG_EVENT_MAX + 8]; /* one event's values */
	size_t nvals;

	struct pairs strings;    /* id -> a: offset, b: length */
	struct lp_u64map pcs;    /* pc -> index into frames + 1 */
	struct lp_u64map stacks; /* id -> index into stk; UINT64_MAX: empty */
	struct lp_u64map timers; /* timer goroutines */
	struct lp_u64map pcstk;  /* 1.5: start pc -> a one-frame stack */
	struct frame1 *frames;
	size_t nframes, capframes;
	uint32_t *stkframes;
	size_t nstkframes, capstkframes;
	struct stack1 *stk;
	size_t nstk, capstk;
	int64_t freq;

	struct batch1 *batches;
	size_t nbatches, capbatches;
	struct proc1 *procs;
	size_t nprocs, capprocs;
	struct lp_u64map procidx; /* pid -> index into procs */
	struct ev1 *cpu;
	size_t ncpu, capcpu;
	size_t ntimed;

	struct ev1 *ev; /* the ordered events */
	size_t nev;

	/* The converter. */
	size_t cur;
	int started, finished, preinit;
	uint64_t syncs;
	int64_t lastts;
	struct lp_u64map created; /* goroutines created before the first
	                           * Gomaxprocs: 1 while pending */
	struct lp_u64map seenprocs;
	struct lp_u64map procms;   /* P -> its thread, while it has one */
	struct pairs tasks;        /* id -> a: parent, b: name string id */
	struct lp_u64map tasklive; /* id -> 1 while the task is live */
	struct lp_str stw;
	struct lp_tev *q;
	size_t qcap, qlen, qhead;
	int err;
	struct lp_error errv;
	/* An id an event used that no stack or string event defined (the
	 * first one): the trace is cut or damaged, as Go's reader says. */
	uint64_t undef_stk, undef_str;
};

static const char *const stw_names[17] = {
	"stop-the-world ()",
	"stop-the-world (GC mark termination)",
	"stop-the-world (GC sweep termination)",
	"stop-the-world (write heap dump)",
	"stop-the-world (goroutine profile)",
	"stop-the-world (goroutine profile cleanup)",
	"stop-the-world (all goroutine stack trace)",
	"stop-the-world (read mem stats)",
	"stop-the-world (AllThreadsSyscall)",
	"stop-the-world (GOMAXPROCS)",
	"stop-the-world (start trace)",
	"stop-the-world (stop trace)",
	"stop-the-world (CountPagesInUse (test))",
	"stop-the-world (ReadMetricsSlow (test))",
	"stop-the-world (ReadMemStatsSlow (test))",
	"stop-the-world (PageCachePagesLeaked (test))",
	"stop-the-world (ResetDebugLog (test))",
};

static struct lp_str
cstr(const char *s)
{
	return lp_str_make(s, strlen(s));
}

/* Byte offsets in messages count the 16-byte header. */
#define FOFF(pos) ((unsigned long long)(pos) + 16)

static int
bad(struct lp_error *err, size_t pos, const char *what)
{
	return lp_error_set(
	    err, LP_EDATA, "event at byte %llu: %s", FOFF(pos), what);
}

/* ---- reading the source ---- */

static int read_event(
    struct v1 *t, size_t *pos, int *typ, struct lp_error *err);
static size_t arg_count(int ty, int ver);

/*
 * The events wholly inside the head, checked before the rest is read:
 * a file that is bad from its start must not cost its whole size in
 * memory first.  An event cut by the end of the head is left to the
 * full read ("truncated" is all read_event says of it).
 */
static int
check_head(struct v1 *t, const struct lp_byte_src *src, struct lp_error *out)
{
	size_t pos = 0;
	int typ, batched = 0;
	struct lp_error e = { 0, "" }, *err = &e;
	int r = 0;

	t->data = src->head;
	t->len = src->headlen;
	while (pos < t->len) {
		size_t at = pos;

		if (read_event(t, &pos, &typ, err)) {
			if (!strstr(err->msg, "truncated"))
				r = -LP_EDATA;
			break;
		}
		if (typ == EV_STRING || typ == EV_STACK)
			continue;
		if (t->nvals != arg_count(typ, t->ver) + (typ == EV_LOG)) {
			r = bad(err, at, "wrong number of arguments");
			break;
		}
		if (typ == EV_BATCH) {
			batched = 1;
		} else if (!batched) {
			r = bad(err, at, "event before the first batch");
			break;
		}
	}
	if (r < 0 && out)
		*out = e;
	return r;
}

static int
read_all(struct v1 *t, const struct lp_byte_src *src, struct lp_error *err)
{
	size_t cap = src->headlen + 65536, len = src->headlen;
	unsigned char *buf;
	if (src->more && check_head(t, src, err) < 0)
		return -LP_EDATA;
	t->data = NULL;
	t->len = 0;

	if (cap > LP_TRACE1_MAX)
		cap = LP_TRACE1_MAX;
	buf = malloc(cap ? cap : 1);
	if (!buf)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if (src->headlen)
		memcpy(buf, src->head, src->headlen);
	while (src->more) {
		long n;

		if (len == cap) {
			size_t ncap = cap * 2;
			unsigned char *nb;

			if (cap >= LP_TRACE1_MAX) {
				free(buf);
				return lp_error_set(err, LP_ELIMIT,
				    "a legacy trace larger than the %zu MiB "
				    "limit (LEAKPIPE_MEMORY_MAX)",
				    LP_TRACE1_MAX >> 20);
			}
			if (ncap > LP_TRACE1_MAX)
				ncap = LP_TRACE1_MAX;
			nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				return lp_error_set(
				    err, LP_ENOMEM, "out of memory");
			}
			buf = nb;
			cap = ncap;
		}
		n = src->more(src->ctx, buf + len, cap - len, err);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	t->owned = buf;
	t->data = buf;
	t->len = len;
	return 0;
}

/* ---- step 1: events on the wire ---- */

/*
 * The event at *pos: its type and values (t->vals), *pos past it.
 * Strings are returned as EV_STRING with vals = {id, offset, length};
 * a UserLog's message offset is added as a last value.
 */
static int
read_event(struct v1 *t, size_t *pos, int *typ, struct lp_error *err)
{
	const unsigned char *d = t->data;
	size_t start = *pos, p = *pos + 1;
	unsigned n, want, ty;
	uint64_t v;
	int r;

	ty = d[start] & 0x3f;
	n = d[start] >> 6;
	*typ = (int)ty;
	t->nvals = 0;
	if (ty == EV_NONE || ty >= EV_COUNT || evdesc[ty].minver > t->ver) {
		char m[48];

		snprintf(m, sizeof(m), "unknown event type %u", ty);
		return bad(err, start, m);
	}
	if (ty == EV_STRING) {
		uint64_t id, ln;

		if (lp_uvarint(d, t->len, &p, &id) != 1 ||
		    lp_uvarint(d, t->len, &p, &ln) != 1)
			return bad(err, start, "truncated string");
		if (ln > t->len - p)
			return bad(err, start, "truncated string");
		t->vals[0] = id;
		t->vals[1] = p;
		t->vals[2] = ln;
		t->nvals = 3;
		*pos = p + ln;
		return 0;
	}
	want = n + 1 + (t->ver < 7);
	if (n < 3) {
		for (unsigned i = 0; i < want; i++) {
			r = lp_uvarint(d, t->len, &p, &t->vals[i]);
			if (r != 1)
				return bad(err, start,
				    r ? "malformed varint" : "truncated event");
		}
		t->nvals = want;
	} else {
		size_t end;

		r = lp_uvarint(d, t->len, &p, &v);
		if (r != 1)
			return bad(err, start,
			    r ? "malformed varint" : "truncated event");
		if (v > LONG_EVENT_MAX)
			return bad(err, start, "event longer than 2048 bytes");
		if (v > t->len - p)
			return bad(err, start, "truncated event");
		end = p + (size_t)v;
		while (p < end) {
			r = lp_uvarint(d, end, &p, &t->vals[t->nvals]);
			if (r != 1)
				return bad(
				    err, start, "malformed argument list");
			t->nvals++;
		}
		if (ty == EV_LOG) {
			size_t at = p;

			r = lp_uvarint(d, t->len, &p, &v);
			if (r != 1)
				return bad(err, start, "truncated log message");
			if (v > STRING_MAX)
				return bad(err, start, "log message too long");
			if (v > t->len - p)
				return bad(err, start, "truncated log message");
			p += (size_t)v;
			t->vals[t->nvals++] = at;
		}
	}
	*pos = p;
	return 0;
}

/* How many values an event of this type has in this format version. */
static size_t
arg_count(int ty, int ver)
{
	size_t n = evdesc[ty].nargs + evdesc[ty].stack;

	if (ty == EV_BATCH || ty == EV_FREQUENCY || ty == EV_TIMER_GOROUTINE)
		return n + (ver < 7);
	n += 1 + (ver < 7); /* time stamp, and 1.5's sequence number */
	if (ty == EV_SWEEP_DONE && ver < 9)
		n -= 2;
	if ((ty == EV_GC_START || ty == EV_GO_START || ty == EV_GO_UNBLOCK) &&
	    ver < 7)
		n--;
	if (ty == EV_STW_START && ver < 10)
		n--;
	return n;
}

static int
nomem(struct lp_error *err)
{
	return lp_error_set(err, LP_ENOMEM, "out of memory");
}

static int
add_stack(struct v1 *t, size_t pos, struct lp_error *err)
{
	uint64_t size;
	size_t per = t->ver < 7 ? 1 : 4, i;
	uint32_t id;

	if (t->nvals < 2)
		return bad(err, pos, "stack has too few values");
	size = t->vals[1];
	if (size > FRAMES_MAX)
		return bad(err, pos, "stack has more than 1000 frames");
	if (t->nvals != 2 + per * size)
		return bad(err, pos, "stack has wrong number of values");
	id = (uint32_t)t->vals[0];
	if (id == 0)
		return 0;
	if (size == 0) { /* defined, and empty */
		if (lp_u64map_put(&t->stacks, id, UINT64_MAX) < 0)
			return nomem(err);
		return 0;
	}
	t->stkframes = grow(t->stkframes, &t->capstkframes,
	    t->nstkframes + size, sizeof(*t->stkframes));
	t->stk = grow(t->stk, &t->capstk, t->nstk + 1, sizeof(*t->stk));
	if (!t->stkframes || !t->stk)
		return nomem(err);
	for (i = 0; i < size; i++) {
		const uint64_t *f = &t->vals[2 + per * i];
		uint64_t *pv = lp_u64map_slot(&t->pcs, f[0]);

		if (!pv)
			return nomem(err);
		if (!*pv) { /* the first frame seen for a pc wins */
			t->frames = grow(t->frames, &t->capframes,
			    t->nframes + 1, sizeof(*t->frames));
			if (!t->frames)
				return nomem(err);
			t->frames[t->nframes].pc = f[0];
			t->frames[t->nframes].fn = per == 4 ? f[1] : 0;
			t->frames[t->nframes].file = per == 4 ? f[2] : 0;
			t->frames[t->nframes].line = per == 4 ? f[3] : 0;
			*pv = ++t->nframes;
		}
		t->stkframes[t->nstkframes + i] = (uint32_t)(*pv - 1);
	}
	t->stk[t->nstk].first = t->nstkframes;
	t->stk[t->nstk].n = (uint32_t)size;
	t->stk[t->nstk].out = NULL;
	t->nstkframes += size;
	if (lp_u64map_put(&t->stacks, id, t->nstk) < 0)
		return nomem(err);
	t->nstk++;
	return 0;
}

static struct lp_str
str_of(const struct v1 *t, uint64_t id)
{
	const struct uval *v = id ? pairs_get(&t->strings, id) : NULL;

	if (!v)
		return lp_str_make("", 0);
	return lp_str_make((const char *)t->data + v->a, (size_t)v->b);
}

/* Walk the whole trace once (step 1). */
static int
scan(struct v1 *t, struct lp_error *err)
{
	size_t pos = 0;
	uint32_t cur = UINT32_MAX; /* the current batch */
	int typ, r;

	while (pos < t->len) {
		size_t at = pos;

		r = read_event(t, &pos, &typ, err);
		if (r)
			return r;
		if (typ == EV_STRING) {
			uint64_t id = t->vals[0];
			struct uval *v;

			/* Go's reader reads strings only from inside
			 * batches: one before the first batch is ignored. */
			if (cur == UINT32_MAX)
				continue;
			if (id == 0)
				return bad(err, at, "string has invalid id 0");
			if (t->vals[2] == 0)
				return bad(err, at, "string has length 0");
			if (t->vals[2] > STRING_MAX)
				return bad(err, at, "string too long");
			if (pairs_get(&t->strings, id))
				return bad(err, at, "string has duplicate id");
			v = pairs_put(&t->strings, id);
			if (!v)
				return nomem(err);
			v->a = t->vals[1];
			v->b = t->vals[2];
			continue;
		}
		if (typ != EV_STACK &&
		    t->nvals != arg_count(typ, t->ver) + (typ == EV_LOG)) {
			char m[80];

			snprintf(m, sizeof(m),
			    "%s has wrong number of arguments: want %zu, got "
			    "%zu",
			    evdesc[typ].name, arg_count(typ, t->ver),
			    t->nvals - (typ == EV_LOG));
			return bad(err, at, m);
		}
		if (typ == EV_BATCH) {
			uint64_t pid = t->vals[0];
			int32_t p32;
			uint64_t *pv;

			if (pid != UINT64_MAX && pid > INT32_MAX)
				return bad(err, at, "processor id too large");
			p32 = pid == UINT64_MAX ? -1 : (int32_t)pid;
			t->batches = grow(t->batches, &t->capbatches,
			    t->nbatches + 1, sizeof(*t->batches));
			if (!t->batches || t->nbatches >= UINT32_MAX - 1)
				return nomem(err);
			cur = (uint32_t)t->nbatches++;
			t->batches[cur].off = at;
			t->batches[cur].next = UINT32_MAX;
			t->batches[cur].nev = 0;
			pv = lp_u64map_get(&t->procidx, (uint64_t)(int64_t)p32);
			if (pv) {
				t->batches[t->procs[*pv].last].next = cur;
				t->procs[*pv].last = cur;
				continue;
			}
			t->procs = grow(t->procs, &t->capprocs, t->nprocs + 1,
			    sizeof(*t->procs));
			if (!t->procs ||
			    lp_u64map_put(&t->procidx, (uint64_t)(int64_t)p32,
			        t->nprocs) < 0)
				return nomem(err);
			memset(&t->procs[t->nprocs], 0, sizeof(t->procs[0]));
			t->procs[t->nprocs].pid = p32;
			t->procs[t->nprocs].batch = cur;
			t->procs[t->nprocs].last = cur;
			t->nprocs++;
			continue;
		}
		if (cur == UINT32_MAX)
			return bad(err, at, "event before the first batch");
		switch (typ) {
		case EV_FREQUENCY:
			t->freq = (int64_t)t->vals[0];
			if (t->freq <= 0)
				return bad(err, at,
				    "time stamps out of order "
				    "(frequency not positive)");
			break;
		case EV_TIMER_GOROUTINE:
			if (lp_u64map_put(&t->timers, t->vals[0], 1) < 0)
				return nomem(err);
			break;
		case EV_STACK:
			r = add_stack(t, at, err);
			if (r)
				return r;
			break;
		case EV_CPU_SAMPLE: {
			struct ev1 *e;

			t->cpu = grow(
			    t->cpu, &t->capcpu, t->ncpu + 1, sizeof(*t->cpu));
			if (!t->cpu)
				return nomem(err);
			e = &t->cpu[t->ncpu++];
			memset(e, 0, sizeof(*e));
			e->type = EV_CPU_SAMPLE;
			e->ts = (int64_t)t->vals[1];
			e->p = (int32_t)(uint32_t)t->vals[2];
			e->g = t->vals[3];
			e->stk = (uint32_t)t->vals[4];
			e->off = at;
			break;
		}
		default: t->batches[cur].nev++; t->ntimed++;
		}
	}
	return 0;
}

/* ---- step 2: ordering ---- */

static int
is_block(int ty)
{
	switch (ty) {
	case EV_GO_STOP:
	case EV_GO_SLEEP:
	case EV_GO_BLOCK:
	case EV_GO_BLOCK_SEND:
	case EV_GO_BLOCK_RECV:
	case EV_GO_BLOCK_SELECT:
	case EV_GO_BLOCK_SYNC:
	case EV_GO_BLOCK_COND:
	case EV_GO_BLOCK_NET:
	case EV_GO_SYSBLOCK:
	case EV_GO_BLOCK_GC: return 1;
	}
	return 0;
}

/*
 * Decode the timed events of the batch at data[off], for the P whose
 * running goroutine is *lastg, into out (room for n events).  The
 * batch was checked by scan(); *got is the number decoded.
 */
static int
decode_batch(struct v1 *t, size_t off, uint64_t *lastg, struct ev1 *out,
    size_t n, size_t *got, struct lp_error *err)
{
	size_t pos = off, k = 0;
	int64_t lastts = 0, lastseq = 0;
	int32_t p = -1;
	int typ, r, first = 1;

	while (pos < t->len) {
		size_t at = pos, i, a;
		struct ev1 *e;

		r = read_event(t, &pos, &typ, err);
		if (r)
			return r;
		if (typ == EV_BATCH) {
			if (!first)
				break;
			first = 0;
			p = t->vals[0] == UINT64_MAX ? -1 : (int32_t)t->vals[0];
			if (t->ver < 7) {
				lastseq = (int64_t)t->vals[1];
				lastts = (int64_t)t->vals[2];
			} else {
				lastts = (int64_t)t->vals[1];
			}
			continue;
		}
		switch (typ) {
		case EV_STRING:
		case EV_STACK:
		case EV_FREQUENCY:
		case EV_TIMER_GOROUTINE:
		case EV_CPU_SAMPLE: continue;
		}
		if (k >= n)
			return bad(err, at, "batch changed between passes");
		e = &out[k++];
		memset(e, 0, sizeof(*e));
		e->type = (uint8_t)typ;
		e->p = p;
		e->g = *lastg;
		e->off = at;
		a = 1;
		if (t->ver < 7) {
			lastseq = (int64_t)((uint64_t)lastseq + t->vals[0]);
			e->ts = (int64_t)((uint64_t)lastts + t->vals[1]);
			a = 2;
		} else {
			e->ts = (int64_t)((uint64_t)lastts + t->vals[0]);
		}
		lastts = e->ts;
		for (i = a; i < t->nvals; i++) {
			if (typ == EV_LOG && i == t->nvals - 1)
				e->args[2] = t->vals[i];
			else if (evdesc[typ].stack &&
			         i == t->nvals - 1 - (typ == EV_LOG))
				e->stk = (uint32_t)t->vals[i];
			else if (i - a < 3)
				e->args[i - a] = t->vals[i];
		}
		if (t->ver < 7 && typ != EV_GO_SYSEXIT)
			e->args[2] = (uint64_t)lastseq;
		switch (typ) {
		case EV_GO_START:
		case EV_GO_START_LOCAL:
		case EV_GO_START_LABEL:
			*lastg = e->args[0];
			e->g = *lastg;
			break;
		case EV_GO_END:
		case EV_GO_SCHED:
		case EV_GO_PREEMPT: *lastg = 0; break;
		case EV_GO_SYSEXIT:
		case EV_GO_WAITING:
		case EV_GO_INSYSCALL: e->g = e->args[0]; break;
		default:
			if (is_block(typ))
				*lastg = 0;
		}
	}
	*got = k;
	return 0;
}

/* Goroutine scheduling states for ordering and checking. */
enum { G_DEAD, G_RUNNABLE, G_RUNNING, G_WAITING };

#define G_UNORDERED UINT64_MAX
#define G_GARBAGE   (UINT64_MAX - 1)
#define SEQ_ANY     UINT64_MAX
#define SEQ_INC     (UINT64_MAX - 1)

struct gst {
	uint64_t seq;
	unsigned status;
};

/* Which goroutine an event orders on, in which state it must find it
 * (init) and leaves it (next). */
static uint64_t
transition(const struct ev1 *e, struct gst *init, struct gst *next)
{
	switch (e->type) {
	case EV_GO_CREATE:
		*init = (struct gst){ 0, G_DEAD };
		*next = (struct gst){ 1, G_RUNNABLE };
		return e->args[0];
	case EV_GO_WAITING:
	case EV_GO_INSYSCALL:
		*init = (struct gst){ 1, G_RUNNABLE };
		*next = (struct gst){ 2, G_WAITING };
		return e->g;
	case EV_GO_START:
	case EV_GO_START_LABEL:
		*init = (struct gst){ e->args[1], G_RUNNABLE };
		*next = (struct gst){ e->args[1] + 1, G_RUNNING };
		return e->g;
	case EV_GO_START_LOCAL:
		*init = (struct gst){ SEQ_ANY, G_RUNNABLE };
		*next = (struct gst){ SEQ_INC, G_RUNNING };
		return e->g;
	case EV_GO_SCHED:
	case EV_GO_PREEMPT:
		*init = (struct gst){ SEQ_ANY, G_RUNNING };
		*next = (struct gst){ SEQ_ANY, G_RUNNABLE };
		return e->g;
	case EV_GO_UNBLOCK:
	case EV_GO_SYSEXIT:
		*init = (struct gst){ e->args[1], G_WAITING };
		*next = (struct gst){ e->args[1] + 1, G_RUNNABLE };
		return e->args[0];
	case EV_GO_UNBLOCK_LOCAL:
	case EV_GO_SYSEXIT_LOCAL:
		*init = (struct gst){ SEQ_ANY, G_WAITING };
		*next = (struct gst){ SEQ_INC, G_RUNNABLE };
		return e->args[0];
	case EV_GC_START:
		*init = (struct gst){ e->args[0], G_DEAD };
		*next = (struct gst){ e->args[0] + 1, G_DEAD };
		return G_GARBAGE;
	}
	if (is_block(e->type)) {
		*init = (struct gst){ SEQ_ANY, G_RUNNING };
		*next = (struct gst){ SEQ_ANY, G_WAITING };
		return e->g;
	}
	return G_UNORDERED;
}

/* A goroutine not yet seen is dead at 0, as a new zeroed pair says. */
static struct gst
gstate(const struct uval *v)
{
	struct gst s = { 0, G_DEAD };

	if (v) {
		s.seq = v->a;
		s.status = (unsigned)v->b;
	}
	return s;
}

static int
fits(struct gst cur, struct gst init)
{
	return (init.seq == SEQ_ANY || init.seq == cur.seq) &&
	       init.status == cur.status;
}

/* The frontier: a binary min-heap on time stamps, sifting exactly as
 * Go's reader does, so that ties come out in the same order. */
static void
heap_up(struct front *h, size_t j)
{
	while (j > 0) {
		size_t i = (j - 1) / 2;
		struct front x;

		if (!(h[j].ev.ts < h[i].ev.ts))
			break;
		x = h[i];
		h[i] = h[j];
		h[j] = x;
		j = i;
	}
}

static void
heap_down(struct front *h, size_t i, size_t n)
{
	for (;;) {
		size_t j = 2 * i + 1;
		struct front x;

		if (j >= n)
			break;
		if (j + 1 < n && h[j + 1].ev.ts < h[j].ev.ts)
			j++;
		if (!(h[j].ev.ts < h[i].ev.ts))
			break;
		x = h[i];
		h[i] = h[j];
		h[j] = x;
		i = j;
	}
}

/* Load the proc's next batch; 0 when it has none left. */
static int
load_batch(struct v1 *t, struct proc1 *pr, struct lp_error *err)
{
	const struct batch1 *b;
	size_t got = 0;
	int r;

	if (pr->batch == UINT32_MAX)
		return 0;
	b = &t->batches[pr->batch];
	pr->batch = b->next;
	pr->buf =
	    grow(pr->buf, &pr->cap, b->nev ? b->nev : 1, sizeof(*pr->buf));
	if (!pr->buf)
		return nomem(err);
	r = decode_batch(t, b->off, &pr->lastg, pr->buf, b->nev, &got, err);
	if (r)
		return r;
	pr->head = 0;
	pr->len = got;
	return 1;
}

static int
cmp_ts(const void *a, const void *b)
{
	const struct ev1 *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Merge the per-P batches (formats 1.7 and later). */
static int
order_frontier(struct v1 *t, struct lp_error *err)
{
	size_t nproc = t->nprocs + 1, navail, nfront = 0, i;
	uint32_t *avail = NULL;
	struct front *heap = NULL;
	struct pairs gs = { 0 };
	int r = 0;
	struct proc1 *prof;

	/* CPU samples are their own P, in order of their own time; ties
	 * keep file order. */
	if (t->ncpu > 1)
		qsort(t->cpu, t->ncpu, sizeof(*t->cpu), cmp_ts);
	t->procs = grow(t->procs, &t->capprocs, nproc, sizeof(*t->procs));
	avail = calloc(nproc, sizeof(*avail));
	heap = calloc(nproc, sizeof(*heap));
	if (!t->procs || !avail || !heap) {
		r = nomem(err);
		goto out;
	}
	prof = &t->procs[t->nprocs];
	memset(prof, 0, sizeof(*prof));
	prof->pid = P_PROFILE;
	prof->batch = UINT32_MAX;
	prof->buf = t->cpu;
	prof->cap = t->capcpu;
	prof->len = t->ncpu;
	t->cpu = NULL;
	t->capcpu = 0;
	t->nprocs++;
	for (i = 0; i < nproc; i++)
		avail[i] = (uint32_t)i;
	navail = nproc;

	for (;;) {
		struct front f;
		struct gst init, next, cur;
		uint64_t g;
		struct uval *gv;

		for (i = 0; i < navail; i++) {
			struct proc1 *pr = &t->procs[avail[i]];
			const struct ev1 *e;

			while (pr->head == pr->len && !pr->done) {
				r = load_batch(t, pr, err);
				if (r < 0)
					goto out;
				if (r == 0)
					pr->done = 1;
			}
			r = 0;
			if (pr->done) {
				avail[i] = avail[--navail];
				i--;
				continue;
			}
			e = &pr->buf[pr->head];
			g = transition(e, &init, &next);
			/* An unordered event is always ready, and its
			 * goroutine is never in gs. */
			if (g != G_UNORDERED &&
			    !fits(gstate(pairs_get(&gs, g)), init))
				continue;
			heap[nfront].ev = *e;
			heap[nfront].proc = avail[i];
			heap_up(heap, nfront);
			nfront++;
			pr->head++;
			avail[i] = avail[--navail];
			i--;
		}
		if (nfront == 0) {
			for (i = 0; i < nproc; i++) {
				const struct proc1 *pr = &t->procs[i];

				if (!pr->done) {
					r = bad(err, pr->buf[pr->head].off,
					    "no consistent ordering of events "
					    "possible");
					goto out;
				}
			}
			break;
		}
		nfront--;
		f = heap[0];
		heap[0] = heap[nfront];
		heap[nfront] = f;
		heap_down(heap, 0, nfront);

		g = transition(&f.ev, &init, &next);
		switch (f.ev.type) {
		case EV_GO_START_LOCAL: f.ev.type = EV_GO_START; break;
		case EV_GO_UNBLOCK_LOCAL: f.ev.type = EV_GO_UNBLOCK; break;
		case EV_GO_SYSEXIT_LOCAL: f.ev.type = EV_GO_SYSEXIT; break;
		}
		if (t->nev >= t->ntimed + t->procs[t->nprocs - 1].len) {
			r = bad(err, f.ev.off, "more events than counted");
			goto out;
		}
		t->ev[t->nev++] = f.ev;
		if (g != G_UNORDERED) {
			gv = pairs_put(&gs, g);
			if (!gv) {
				r = nomem(err);
				goto out;
			}
			cur = gstate(gv);
			if (!fits(cur, init)) {
				r = bad(err, f.ev.off,
				    "impossible goroutine state transition");
				goto out;
			}
			if (next.seq == SEQ_ANY)
				next.seq = cur.seq;
			else if (next.seq == SEQ_INC)
				next.seq = cur.seq + 1;
			gv->a = next.seq;
			gv->b = next.status;
		}
		avail[navail++] = f.proc;
	}
out:
	free(avail);
	free(heap);
	pairs_free(&gs);
	return r;
}

static int
time_order_ok(struct v1 *t, struct lp_error *err)
{
	for (size_t i = 1; i < t->nev; i++)
		if (t->ev[i].ts < t->ev[i - 1].ts)
			return bad(
			    err, t->ev[i].off, "time stamps out of order");
	return 0;
}

/*
 * A syscall exit was written when the goroutine got a P back; its real
 * time is an argument.  Give it that time, then re-sort stably.  Only
 * the moved events need sorting: the rest are in order already, and a
 * stable sort of the whole is the merge of the two by (time, position).
 */
struct moved1 {
	struct ev1 ev;
	size_t pos;
};

static int
cmp_moved(const void *a, const void *b)
{
	const struct moved1 *x = a, *y = b;

	if (x->ev.ts != y->ev.ts)
		return x->ev.ts < y->ev.ts ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
fix_sysexits(struct v1 *t, struct lp_error *err)
{
	struct lp_u64map last = { 0 }; /* g -> time of its syscall */
	struct moved1 *moved = NULL;
	size_t *kpos = NULL, nm = 0, capm = 0, nk = 0, i;
	int r = 0;

	for (i = 0; i < t->nev; i++) {
		struct ev1 *e = &t->ev[i];
		const uint64_t *v;
		int64_t ts;

		switch (e->type) {
		case EV_GO_SYSBLOCK:
		case EV_GO_INSYSCALL:
			if (lp_u64map_put(&last, e->g, (uint64_t)e->ts) < 0) {
				r = nomem(err);
				goto out;
			}
			break;
		case EV_GO_SYSEXIT:
			ts = (int64_t)e->args[2];
			if (ts == 0)
				break;
			v = lp_u64map_get(&last, e->g);
			if (!v || *v == 0) {
				r = bad(err, e->off, "stray syscall exit");
				goto out;
			}
			if (ts < (int64_t)*v) {
				r = bad(err, e->off,
				    "time stamps out of order "
				    "(syscall exit)");
				goto out;
			}
			if (ts != e->ts) {
				e->ts = ts;
				e->blocked = 1; /* moved; cleared below */
			}
			break;
		}
	}
	for (i = 0; i < t->nev; i++) {
		if (!t->ev[i].blocked)
			continue;
		moved = grow(moved, &capm, nm + 1, sizeof(*moved));
		if (!moved) {
			r = nomem(err);
			goto out;
		}
		moved[nm].ev = t->ev[i];
		moved[nm].ev.blocked = 0;
		moved[nm++].pos = i;
	}
	if (nm == 0)
		goto out;
	kpos = malloc((t->nev - nm + 1) * sizeof(*kpos));
	if (!kpos) {
		r = nomem(err);
		goto out;
	}
	for (i = 0; i < t->nev; i++) {
		if (!t->ev[i].blocked) {
			kpos[nk] = i;
			t->ev[nk++] = t->ev[i];
		}
	}
	qsort(moved, nm, sizeof(*moved), cmp_moved);
	/* Merge from the back, ties by original position. */
	{
		size_t w = t->nev, a = nk, b = nm;

		while (b > 0) {
			const struct moved1 *m = &moved[b - 1];
			int take;

			if (a == 0)
				take = 1;
			else if (m->ev.ts != t->ev[a - 1].ts)
				take = m->ev.ts > t->ev[a - 1].ts;
			else
				take = m->pos > kpos[a - 1];
			if (take) {
				t->ev[--w] = m->ev;
				b--;
			} else {
				t->ev[--w] = t->ev[--a];
			}
		}
	}
out:
	free(moved);
	free(kpos);
	lp_u64map_free(&last);
	return r;
}

static uint64_t
seq1005(const struct ev1 *e)
{
	return e->type == EV_GO_SYSEXIT ? e->args[1] : e->args[2];
}

static int
cmp_seq(const void *a, const void *b)
{
	const struct ev1 *x = a, *y = b;
	int64_t sx = (int64_t)seq1005(x), sy = (int64_t)seq1005(y);

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Format 1.5: every event carries a global sequence number. */
static int
order_1005(struct v1 *t, struct lp_error *err)
{
	size_t i;
	int r;

	for (i = 0; i < t->nbatches; i++) {
		size_t got = 0;
		uint64_t g = 0;
		const struct batch1 *b = &t->batches[i];

		/* The running goroutine carries over between a P's
		 * batches, as in the frontier merge. */
		const uint64_t *pv;
		int32_t p;
		size_t bp = b->off + 1;
		uint64_t pid = 0;

		if (lp_uvarint(t->data, t->len, &bp, &pid) != 1)
			return bad(err, b->off, "bad batch");
		p = pid == UINT64_MAX ? -1 : (int32_t)pid;
		pv = lp_u64map_get(&t->procidx, (uint64_t)(int64_t)p);
		if (!pv)
			return bad(err, b->off, "bad batch");
		g = t->procs[*pv].lastg;
		if (t->nev + b->nev > t->ntimed)
			return bad(err, b->off, "more events than counted");
		r = decode_batch(
		    t, b->off, &g, t->ev + t->nev, b->nev, &got, err);
		if (r)
			return r;
		t->procs[*pv].lastg = g;
		t->nev += got;
	}
	for (i = 0; i < t->nev; i++) {
		struct ev1 *e = &t->ev[i];

		if (e->type == EV_GO_SYSEXIT && e->args[2] != 0)
			e->ts = (int64_t)e->args[2];
	}
	if (t->nev > 1)
		qsort(t->ev, t->nev, sizeof(*t->ev), cmp_seq);
	for (i = 0; i < t->nev; i++)
		if (t->ev[i].type != EV_GO_SYSEXIT)
			t->ev[i].args[2] = 0;
	return time_order_ok(t, err);
}

/* Go converts float64 to int64 with CVTTSD2SQ: out of range gives the
 * smallest int64. */
static int64_t
go_f2i(double x)
{
	if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)x;
}

static void
to_ns(struct v1 *t)
{
	int64_t min;
	double f;

	if (t->nev == 0)
		return;
	min = t->ev[0].ts;
	f = 1e9 / (double)t->freq;
	for (size_t i = 0; i < t->nev; i++) {
		struct ev1 *e = &t->ev[i];

		e->ts = go_f2i(
		    (double)(int64_t)((uint64_t)e->ts - (uint64_t)min) * f);
		if (e->type == EV_GO_UNBLOCK && lp_u64map_get(&t->timers, e->g))
			e->p = P_TIMER;
		if (e->type == EV_GO_SYSEXIT)
			e->p = P_SYSCALL;
	}
}

/*
 * Formats before 1.11 (which Go's current reader does not read): drop
 * futile wakeups (an unblock, start and block that achieved nothing),
 * as Go's old reader did.
 */
static int
remove_futile(struct v1 *t, struct lp_error *err)
{
	/* Per goroutine: a = futile flag | (last event of the wakeup run
	 * + 1) << 1, b = first event of the run + 1 (0: none).  The run
	 * is chained through link[]; its events are marked blocked = 2
	 * when it proves futile. */
	struct pairs gs = { 0 };
	uint32_t *link = NULL;
	size_t i, w = 0;
	struct uval *v;

	if (t->nev >= UINT32_MAX)
		return lp_error_set(err, LP_ELIMIT, "too many events");
	link = malloc((t->nev + 1) * sizeof(*link));
	if (!link)
		return nomem(err);
	for (i = 0; i < t->nev; i++) {
		struct ev1 *e = &t->ev[i];

		link[i] = UINT32_MAX;
		switch (e->type) {
		case EV_GO_UNBLOCK:
			v = pairs_put(&gs, e->args[0]);
			if (!v)
				goto oom;
			v->a = (v->a & 1) | (uint64_t)(i + 1) << 1;
			v->b = i + 1;
			break;
		case EV_GO_START:
		case EV_GO_PREEMPT:
		case EV_FUTILE_WAKEUP:
			v = pairs_put(&gs, e->g);
			if (!v)
				goto oom;
			if (v->b)
				link[(v->a >> 1) - 1] = (uint32_t)i;
			else
				v->b = i + 1;
			v->a = (v->a & 1) | (e->type == EV_FUTILE_WAKEUP) |
			       (uint64_t)(i + 1) << 1;
			break;
		case EV_GO_BLOCK:
		case EV_GO_BLOCK_SEND:
		case EV_GO_BLOCK_RECV:
		case EV_GO_BLOCK_SELECT:
		case EV_GO_BLOCK_SYNC:
		case EV_GO_BLOCK_COND:
			v = pairs_get(&gs, e->g);
			if (!v)
				break;
			if (v->a & 1) {
				e->blocked = 2;
				for (uint32_t h = (uint32_t)v->b; h;) {
					t->ev[h - 1].blocked = 2;
					h = link[h - 1] == UINT32_MAX
					        ? 0
					        : link[h - 1] + 1;
				}
			}
			v->a = v->b = 0;
			break;
		}
	}
	for (i = 0; i < t->nev; i++)
		if (t->ev[i].blocked != 2)
			t->ev[w++] = t->ev[i];
	t->nev = w;
	free(link);
	pairs_free(&gs);
	return 0;
oom:
	free(link);
	pairs_free(&gs);
	return nomem(err);
}

/* ---- step 3: consistency, as Go's reader checks it ---- */

struct check {
	struct pairs gs;        /* a: state | last event type << 8 |
	                         * assist << 16; b: open regions + 1 */
	struct pairs ps;        /* a: running | sweep << 1 | stw << 2; b: g */
	struct lp_u64map tasks; /* 1 while active */
	struct region1 *regions;
	size_t nregions, capregions;
	uint32_t freeregion;
};

#define GS_STATE(a)  ((unsigned)((a)&0xff))
#define GS_LAST(a)   ((unsigned)(((a) >> 8) & 0xff))
#define GS_ASSIST(a) ((unsigned)(((a) >> 16) & 1))

static int ckerr(struct lp_error *err, const struct ev1 *e, const char *fmt,
    ...) LP_PRINTF(3, 4);

static int
ckerr(struct lp_error *err, const struct ev1 *e, const char *fmt, ...)
{
	char m[120];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	return bad(err, e->off, m);
}

static int
check_running(const struct uval *p, const struct uval *g, const struct ev1 *e,
    int allow0, struct lp_error *err)
{
	char m[120];

	if (!g || GS_STATE(g->a) != G_RUNNING) {
		snprintf(m, sizeof(m), "g %llu is not running while %s",
		    (unsigned long long)e->g, evdesc[e->type].name);
		return bad(err, e->off, m);
	}
	if ((p ? p->b : 0) != e->g) {
		snprintf(m, sizeof(m), "p %d is not running g %llu while %s",
		    e->p, (unsigned long long)e->g, evdesc[e->type].name);
		return bad(err, e->off, m);
	}
	if (!allow0 && e->g == 0) {
		snprintf(m, sizeof(m), "g 0 did %s", evdesc[e->type].name);
		return bad(err, e->off, m);
	}
	return 0;
}

static void
gs_set(struct uval *v, unsigned state, unsigned last)
{
	v->a = (v->a & ~(uint64_t)0xffff) | state | (uint64_t)last << 8;
}

static int
check_events(struct v1 *t, struct lp_error *err)
{
	struct check c;
	int gc = 0, stw = 0, r = 0;
	struct uval *g, *p, *g1;
	uint64_t *tk;
	size_t i;

	memset(&c, 0, sizeof(c));
	g = pairs_put(&c.gs, 0);
	if (!g)
		return nomem(err);
	g->a = G_RUNNING;

#define PUTG(x)                            \
	do {                               \
		g = pairs_put(&c.gs, (x)); \
		if (!g) {                  \
			r = nomem(err);    \
			goto out;          \
		}                          \
	} while (0)
#define PUTP()                                                 \
	do {                                                   \
		p = pairs_put(&c.ps, (uint64_t)(int64_t)e->p); \
		if (!p) {                                      \
			r = nomem(err);                        \
			goto out;                              \
		}                                              \
	} while (0)

	for (i = 0; i < t->nev; i++) {
		struct ev1 *e = &t->ev[i];

		switch (e->type) {
		case EV_PROC_START:
			PUTP();
			if (p->a & 1) {
				r = ckerr(err, e,
				    "p %d is running before start", (int)e->p);
				goto out;
			}
			p->a |= 1;
			break;
		case EV_PROC_STOP:
			PUTP();
			if (!(p->a & 1)) {
				r = ckerr(err, e,
				    "p %d is not running before stop",
				    (int)e->p);
				goto out;
			}
			if (p->b != 0) {
				r = ckerr(err, e,
				    "p is running goroutine %llu during stop",
				    (unsigned long long)p->b);
				goto out;
			}
			p->a &= ~(uint64_t)1;
			break;
		case EV_GC_START:
			if (gc) {
				r = bad(err, e->off,
				    "previous GC is not ended before a new one");
				goto out;
			}
			gc = 1;
			e->p = P_GC;
			break;
		case EV_GC_DONE:
			if (!gc) {
				r = bad(err, e->off, "bogus GC end");
				goto out;
			}
			gc = 0;
			break;
		case EV_STW_START:
		case EV_STW_DONE: {
			/* Before 1.10 each P had its own stop-the-world. */
			int on;

			p = NULL;
			if (t->ver < 10) {
				PUTP();
				on = (p->a >> 2) & 1;
			} else {
				on = stw;
			}
			if (e->type == EV_STW_START && on) {
				r = bad(err, e->off,
				    "previous STW is not ended "
				    "before a new one");
				goto out;
			}
			if (e->type == EV_STW_DONE && !on) {
				r = bad(err, e->off, "bogus STW end");
				goto out;
			}
			on = e->type == EV_STW_START;
			if (p)
				p->a = (p->a & ~(uint64_t)4) | (uint64_t)on
				                                   << 2;
			else
				stw = on;
			break;
		}
		case EV_SWEEP_START:
			PUTP();
			if (p->a & 2) {
				r = bad(err, e->off,
				    "previous sweeping is not "
				    "ended before a new one");
				goto out;
			}
			p->a |= 2;
			break;
		case EV_SWEEP_DONE:
			PUTP();
			if (!(p->a & 2)) {
				r = bad(err, e->off, "bogus sweeping end");
				goto out;
			}
			p->a &= ~(uint64_t)2;
			break;
		case EV_ASSIST_START:
			PUTG(e->g);
			if (GS_ASSIST(g->a)) {
				r = bad(err, e->off,
				    "previous mark assist is "
				    "not ended before a new one");
				goto out;
			}
			g->a |= (uint64_t)1 << 16;
			break;
		case EV_ASSIST_DONE:
			PUTG(e->g);
			g->a &= ~((uint64_t)1 << 16);
			break;
		case EV_GO_WAITING:
		case EV_GO_INSYSCALL:
			PUTG(e->g);
			if (GS_STATE(g->a) != G_RUNNABLE) {
				r = ckerr(err, e,
				    e->type == EV_GO_WAITING
				        ? "g %llu is not runnable before "
				          "EvGoWaiting"
				        : "g %llu is not runnable before "
				          "EvGoInSyscall",
				    (unsigned long long)e->g);
				goto out;
			}
			gs_set(g, G_WAITING, e->type);
			break;
		case EV_GO_CREATE:
			g = pairs_get(&c.gs, e->g);
			p = pairs_get(&c.ps, (uint64_t)(int64_t)e->p);
			r = check_running(p, g, e, 1, err);
			if (r)
				goto out;
			if (pairs_get(&c.gs, e->args[0])) {
				r = ckerr(err, e, "g %llu already exists",
				    (unsigned long long)e->args[0]);
				goto out;
			}
			PUTG(e->args[0]);
			g->a = G_RUNNABLE | (uint64_t)EV_GO_CREATE << 8;
			break;
		case EV_GO_START:
		case EV_GO_START_LABEL:
			PUTG(e->g);
			PUTP();
			if (GS_STATE(g->a) != G_RUNNABLE) {
				r = ckerr(err, e,
				    "g %llu is not runnable before start",
				    (unsigned long long)e->g);
				goto out;
			}
			if (p->b != 0) {
				r = ckerr(err, e,
				    "p is already running g %llu while start",
				    (unsigned long long)p->b);
				goto out;
			}
			gs_set(g, G_RUNNING, 0);
			p->b = e->g;
			break;
		case EV_GO_END:
		case EV_GO_STOP:
			g = pairs_get(&c.gs, e->g);
			p = pairs_get(&c.ps, (uint64_t)(int64_t)e->p);
			r = check_running(p, g, e, 0, err);
			if (r)
				goto out;
			gs_set(g, G_DEAD, GS_LAST(g->a));
			p->b = 0;
			if (e->type == EV_GO_END) {
				/* its open regions go too */
				while (g->b) {
					uint32_t k = (uint32_t)(g->b - 1);

					g->b = c.regions[k].next;
					c.regions[k].next = c.freeregion;
					c.freeregion = k + 1;
				}
			}
			break;
		case EV_GO_SCHED:
		case EV_GO_PREEMPT:
			g = pairs_get(&c.gs, e->g);
			p = pairs_get(&c.ps, (uint64_t)(int64_t)e->p);
			r = check_running(p, g, e, 0, err);
			if (r)
				goto out;
			gs_set(g, G_RUNNABLE, e->type);
			p->b = 0;
			break;
		case EV_GO_UNBLOCK:
			g = pairs_get(&c.gs, e->g);
			p = pairs_get(&c.ps, (uint64_t)(int64_t)e->p);
			if (!g || GS_STATE(g->a) != G_RUNNING) {
				r = ckerr(err, e,
				    "g %llu is not running while unpark",
				    (unsigned long long)e->g);
				goto out;
			}
			if (e->p != P_TIMER && (p ? p->b : 0) != e->g) {
				r = ckerr(err, e,
				    "p is not running g %llu while unpark",
				    (unsigned long long)e->g);
				goto out;
			}
			g1 = pairs_get(&c.gs, e->args[0]);
			if (!g1 || GS_STATE(g1->a) != G_WAITING) {
				r = ckerr(err, e,
				    "g %llu is not waiting before unpark",
				    (unsigned long long)e->args[0]);
				goto out;
			}
			if (GS_LAST(g1->a) == EV_GO_BLOCK_NET)
				e->p = P_NETPOLL;
			gs_set(g1, G_RUNNABLE, EV_GO_UNBLOCK);
			break;
		case EV_GO_SYSCALL:
			g = pairs_get(&c.gs, e->g);
			p = pairs_get(&c.ps, (uint64_t)(int64_t)e->p);
			r = check_running(p, g, e, 0, err);
			if (r)
				goto out;
			gs_set(g, GS_STATE(g->a), EV_GO_SYSCALL);
			break;
		case EV_GO_SYSBLOCK:
			g = pairs_get(&c.gs, e->g);
			p = pairs_get(&c.ps, (uint64_t)(int64_t)e->p);
			r = check_running(p, g, e, 0, err);
			if (r)
				goto out;
			gs_set(g, G_WAITING, GS_LAST(g->a));
			p->b = 0;
			break;
		case EV_GO_SYSEXIT:
			PUTG(e->g);
			if (GS_STATE(g->a) != G_WAITING) {
				r = ckerr(err, e,
				    "g %llu is not waiting during syscall exit",
				    (unsigned long long)e->g);
				goto out;
			}
			gs_set(g, G_RUNNABLE, EV_GO_SYSEXIT);
			break;
		case EV_TASK_CREATE:
			tk = lp_u64map_slot(&c.tasks, e->args[0]);
			if (!tk) {
				r = nomem(err);
				goto out;
			}
			if (*tk) {
				r = ckerr(err, e, "task id %llu conflicts",
				    (unsigned long long)e->args[0]);
				goto out;
			}
			*tk = 1;
			break;
		case EV_TASK_END:
			tk = lp_u64map_get(&c.tasks, e->args[0]);
			if (tk)
				*tk = 0;
			break;
		case EV_REGION:
			if (e->args[1] == 0) {
				uint32_t k;

				PUTG(e->g);
				if (c.freeregion) {
					k = c.freeregion - 1;
					c.freeregion = c.regions[k].next;
				} else {
					c.regions = grow(c.regions,
					    &c.capregions, c.nregions + 1,
					    sizeof(*c.regions));
					if (!c.regions ||
					    c.nregions >= UINT32_MAX - 1) {
						r = nomem(err);
						goto out;
					}
					k = (uint32_t)c.nregions++;
				}
				c.regions[k].task = e->args[0];
				c.regions[k].name = e->args[2];
				c.regions[k].next = (uint32_t)g->b;
				g->b = k + 1;
			} else if (e->args[1] == 1) {
				g = pairs_get(&c.gs, e->g);
				if (g && g->b) {
					uint32_t k = (uint32_t)(g->b - 1);

					if (c.regions[k].task != e->args[0] ||
					    c.regions[k].name != e->args[2]) {
						r = ckerr(err, e,
						    "misuse of region in "
						    "goroutine %llu",
						    (unsigned long long)e->g);
						goto out;
					}
					g->b = c.regions[k].next;
					c.regions[k].next = c.freeregion;
					c.freeregion = k + 1;
				}
			} else {
				r = ckerr(err, e,
				    "invalid user region mode %llu",
				    (unsigned long long)e->args[1]);
				goto out;
			}
			break;
		default:
			if (is_block(e->type)) {
				g = pairs_get(&c.gs, e->g);
				p = pairs_get(&c.ps, (uint64_t)(int64_t)e->p);
				r = check_running(p, g, e, 0, err);
				if (r)
					goto out;
				gs_set(g, G_WAITING, e->type);
				p->b = 0;
			}
		}
	}
#undef PUTG
#undef PUTP
out:
	pairs_free(&c.gs);
	pairs_free(&c.ps);
	lp_u64map_free(&c.tasks);
	free(c.regions);
	return r;
}

/* Does each syscall block?  It did when the goroutine's next event is
 * GoSysBlock. */
static int
mark_blocking_syscalls(struct v1 *t, struct lp_error *err)
{
	struct lp_u64map next = { 0 }; /* g -> type of its next event */
	size_t i = t->nev;

	while (i-- > 0) {
		struct ev1 *e = &t->ev[i];
		/* A goroutine new to the map holds 0, which is no event's
		 * type: its syscall did not block. */
		uint64_t *v = lp_u64map_slot(&next, e->g);

		if (!v) {
			lp_u64map_free(&next);
			return nomem(err);
		}
		e->blocked = e->type == EV_GO_SYSCALL && *v == EV_GO_SYSBLOCK;
		*v = e->type;
	}
	lp_u64map_free(&next);
	return 0;
}

/* Output stacks, with their frames' strings resolved. */
static int
build_stacks(struct v1 *t, struct lp_error *err)
{
	for (size_t i = 0; i < t->nstk; i++) {
		struct stack1 *s = &t->stk[i];
		struct lp_tstack *o = lp_arena_calloc(&t->arena, 1, sizeof(*o));
		struct lp_tframe *f =
		    lp_arena_calloc(&t->arena, s->n, sizeof(*f));

		if (!o || !f)
			return nomem(err);
		for (uint32_t k = 0; k < s->n; k++) {
			const struct frame1 *fr =
			    &t->frames[t->stkframes[s->first + k]];

			f[k].pc = fr->pc;
			if ((fr->fn && !pairs_get(&t->strings, fr->fn)) ||
			    (fr->file && !pairs_get(&t->strings, fr->file)))
				return lp_error_set(err, LP_EDATA,
				    "a stack frame (pc %#llx) names string "
				    "%llu, which is never defined",
				    (unsigned long long)fr->pc,
				    (unsigned long long)(fr->fn &&
				                                 !pairs_get(
				                                     &t->strings,
				                                     fr->fn)
				                             ? fr->fn
				                             : fr->file));
			f[k].fn = str_of(t, fr->fn);
			f[k].file = str_of(t, fr->file);
			f[k].line = fr->line;
		}
		o->n = s->n;
		o->frames = f;
		s->out = o;
	}
	free(t->stkframes);
	t->stkframes = NULL;
	t->capstkframes = 0;
	return 0;
}

static struct lp_tstack *
stack_of(struct v1 *t, uint64_t id)
{
	const uint64_t *v;

	if (id == 0)
		return NULL;
	v = id > UINT32_MAX ? NULL : lp_u64map_get(&t->stacks, id);
	if (!v && !t->undef_stk)
		t->undef_stk = id;
	return v && *v != UINT64_MAX ? t->stk[*v].out : NULL;
}

/* An event's string argument; 0 is the empty string. */
static struct lp_str
name_of(struct v1 *t, uint64_t id)
{
	if (id && !pairs_get(&t->strings, id) && !t->undef_str)
		t->undef_str = id;
	return str_of(t, id);
}

/* ---- step 4: the modern model ---- */

static struct lp_tev *
qpush(struct v1 *t)
{
	struct lp_tev *e;

	t->q = grow(t->q, &t->qcap, t->qlen + 1, sizeof(*t->q));
	if (!t->q)
		return NULL;
	e = &t->q[t->qlen++];
	memset(e, 0, sizeof(*e));
	e->m = e->p = e->g = LP_NO_ID;
	e->task = e->parent = LP_NO_TASK;
	return e;
}

static int64_t
proc_m(const struct v1 *t, int32_t p, int64_t none)
{
	const uint64_t *v = lp_u64map_get(&t->procms, (uint64_t)(int64_t)p);

	return v ? (int64_t)*v : none;
}

static void
state(
    struct lp_tev *o, enum lp_tres res, int64_t id, unsigned from, unsigned to)
{
	o->kind = LP_TEV_STATE;
	o->res = res;
	o->id = id;
	o->from = (uint8_t)from;
	o->to = (uint8_t)to;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Goroutines created before tracing's first Gomaxprocs that neither
 * ran nor blocked were runnable: say so, in id order. */
static int
flush_created(struct v1 *t, const struct ev1 *e, struct lp_error *err)
{
	uint64_t *ids;
	size_t n = 0, i;

	ids = malloc((t->created.n + 1) * sizeof(*ids));
	if (!ids)
		return nomem(err);
	for (i = 0; i < t->created.cap; i++)
		if (t->created.used[i] && t->created.vals[i])
			ids[n++] = t->created.keys[i];
	qsort(ids, n, sizeof(*ids), cmp_u64);
	for (i = 0; i < n; i++) {
		struct lp_tev *o = qpush(t);

		if (!o) {
			free(ids);
			return nomem(err);
		}
		o->t = e->ts;
		state(o, LP_RES_GOROUTINE, (int64_t)ids[i], LP_G_UNDETERMINED,
		    LP_G_RUNNABLE);
	}
	free(ids);
	lp_u64map_free(&t->created);
	return 0;
}

static void
created_drop(struct v1 *t, uint64_t g)
{
	uint64_t *v = lp_u64map_get(&t->created, g);

	if (v)
		*v = 0;
}

static const char *
block_reason(int ty)
{
	switch (ty) {
	case EV_GO_STOP: return "forever";
	case EV_GO_SLEEP: return "sleep";
	case EV_GO_BLOCK: return "";
	case EV_GO_BLOCK_SEND: return "chan send";
	case EV_GO_BLOCK_RECV: return "chan receive";
	case EV_GO_BLOCK_SELECT: return "select";
	case EV_GO_BLOCK_SYNC: return "sync";
	case EV_GO_BLOCK_COND: return "sync.(*Cond).Wait";
	case EV_GO_BLOCK_NET: return "network";
	case EV_GO_BLOCK_GC: return "GC mark assist wait for work";
	}
	return NULL;
}

/* 1.5 named the new goroutine's start by pc, not by stack. */
static struct lp_tstack *
pc_stack(struct v1 *t, uint64_t pc)
{
	const uint64_t *v = lp_u64map_get(&t->pcstk, pc);
	struct lp_tstack *s;
	struct lp_tframe *f;

	if (v)
		return (struct lp_tstack *)(uintptr_t)*v;
	s = lp_arena_calloc(&t->arena, 1, sizeof(*s));
	f = lp_arena_calloc(&t->arena, 1, sizeof(*f));
	if (!s || !f ||
	    lp_u64map_put(&t->pcstk, pc, (uint64_t)(uintptr_t)s) < 0)
		return NULL;
	f->pc = pc;
	f->fn = f->file = lp_str_make("", 0);
	s->n = 1;
	s->frames = f;
	return s;
}

/* Convert one ordered legacy event into zero or more queued events. */
static int
convert(struct v1 *t, const struct ev1 *e, struct lp_error *err)
{
	struct lp_tev *o;
	struct uval *v;
	uint64_t *live;
	const char *reason;
	int ty = e->type;

	/* Events with a context of their own. */
	switch (ty) {
	case EV_GOMAXPROCS:
		if (t->preinit) {
			t->preinit = 0;
			return flush_created(t, e, err);
		}
		break;
	case EV_GO_CREATE:
		if (t->preinit) {
			if (lp_u64map_put(&t->created, e->args[0], 1) < 0)
				return nomem(err);
			return 0;
		}
		break;
	case EV_GO_SYSBLOCK: return 0;
	case EV_GO_START_LABEL:
	case EV_GO_SYSCALL:
		if (ty == EV_GO_SYSCALL && e->blocked)
			break;
		o = qpush(t);
		if (!o)
			return nomem(err);
		o->t = e->ts;
		o->g = (int64_t)e->g;
		o->p = e->p;
		o->m = proc_m(t, e->p, 0);
		if (ty == EV_GO_START_LABEL) {
			state(o, LP_RES_GOROUTINE, (int64_t)e->args[0],
			    LP_G_RUNNABLE, LP_G_RUNNING);
			o = qpush(t);
			if (!o)
				return nomem(err);
			*o = t->q[t->qlen - 2];
			o->kind = LP_TEV_LABEL;
			o->res = LP_RES_GOROUTINE;
			o->id = o->g;
			o->name = name_of(t, e->args[2]);
			return 0;
		}
		state(o, LP_RES_GOROUTINE, o->g, LP_G_RUNNING, LP_G_SYSCALL);
		o->stack = stack_of(t, e->stk);
		o = qpush(t);
		if (!o)
			return nomem(err);
		*o = t->q[t->qlen - 2];
		o->t = (int64_t)((uint64_t)e->ts + 1);
		o->stack = NULL;
		o->from = LP_G_SYSCALL;
		o->to = LP_G_RUNNING;
		return 0;
	}

	o = qpush(t);
	if (!o)
		return nomem(err);
	o->t = e->ts;
	o->p = e->p;
	o->g = e->g == 0 ? LP_NO_ID : (int64_t)e->g;
	if (ty == EV_PROC_START) {
		if (lp_u64map_put(
		        &t->procms, (uint64_t)(int64_t)e->p, e->args[0]) < 0)
			return nomem(err);
	}
	if (e->p != -1 && ty != EV_CPU_SAMPLE)
		o->m = proc_m(t, e->p, LP_NO_ID);
	if (evdesc[ty].stack)
		o->stack = stack_of(t, e->stk);

	switch (ty) {
	case EV_GOMAXPROCS:
		o->kind = LP_TEV_METRIC;
		o->name = cstr("/sched/gomaxprocs:threads");
		o->value = e->args[0];
		break;
	case EV_HEAP_ALLOC:
		o->kind = LP_TEV_METRIC;
		o->name = cstr("/memory/classes/heap/objects:bytes");
		o->value = e->args[0];
		break;
	case EV_HEAP_GOAL:
		o->kind = LP_TEV_METRIC;
		o->name = cstr("/gc/heap/goal:bytes");
		o->value = e->args[0];
		break;
	case EV_PROC_START:
	case EV_PROC_STOP: {
		uint64_t *seen =
		    lp_u64map_slot(&t->seenprocs, (uint64_t)(int64_t)e->p);
		int start = ty == EV_PROC_START;

		if (!seen)
			return nomem(err);
		state(o, LP_RES_PROC, e->p,
		    *seen ? (start ? LP_P_IDLE : LP_P_RUNNING)
		          : LP_P_UNDETERMINED,
		    start ? LP_P_RUNNING : LP_P_IDLE);
		*seen = 1;
		if (!start) /* the P has no thread until it starts again */
			lp_u64map_del(&t->procms, (uint64_t)(int64_t)e->p);
		break;
	}
	case EV_GC_START:
	case EV_GC_DONE:
		o->kind =
		    ty == EV_GC_START ? LP_TEV_RANGE_BEGIN : LP_TEV_RANGE_END;
		o->name = cstr("GC concurrent mark phase");
		o->res = LP_RES_NONE;
		break;
	case EV_STW_START:
	case EV_STW_DONE:
		if (ty == EV_STW_START) {
			uint64_t k = e->args[0];
			unsigned idx;

			if (t->ver < 21)
				idx = k <= 1 ? (unsigned)k + 1 : 0;
			else
				idx = k < 17 ? (unsigned)k : 0;
			t->stw = cstr(stw_names[idx]);
		} else if (!t->stw.p) {
			t->stw = cstr(stw_names[0]);
		}
		o->kind =
		    ty == EV_STW_START ? LP_TEV_RANGE_BEGIN : LP_TEV_RANGE_END;
		o->name = t->stw;
		o->res = LP_RES_GOROUTINE;
		o->id = o->g;
		break;
	case EV_SWEEP_START:
	case EV_SWEEP_DONE:
		o->kind = ty == EV_SWEEP_START ? LP_TEV_RANGE_BEGIN
		                               : LP_TEV_RANGE_END;
		o->name = cstr("GC incremental sweep");
		o->res = LP_RES_PROC;
		o->id = o->p;
		if (ty == EV_SWEEP_DONE) {
			o->has_attrs = 1;
			o->value = e->args[0];
			o->value2 = e->args[1];
		}
		break;
	case EV_ASSIST_START:
	case EV_ASSIST_DONE:
		o->kind = ty == EV_ASSIST_START ? LP_TEV_RANGE_BEGIN
		                                : LP_TEV_RANGE_END;
		o->name = cstr("GC mark assist");
		o->res = LP_RES_GOROUTINE;
		o->id = o->g;
		break;
	case EV_GO_CREATE:
		state(o, LP_RES_GOROUTINE, (int64_t)e->args[0], LP_G_NOTEXIST,
		    LP_G_RUNNABLE);
		o->tstack = t->ver < 7 ? pc_stack(t, e->args[1])
		                       : stack_of(t, e->args[1]);
		if (!o->tstack || !o->tstack->n)
			o->no_tstack = o->stack != NULL;
		else if (o->tstack == o->stack)
			o->tstack = NULL;
		break;
	case EV_GO_START:
		if (t->preinit) {
			state(o, LP_RES_GOROUTINE, (int64_t)e->args[0],
			    LP_G_UNDETERMINED, LP_G_RUNNING);
			created_drop(t, e->args[0]);
		} else {
			state(o, LP_RES_GOROUTINE, (int64_t)e->args[0],
			    LP_G_RUNNABLE, LP_G_RUNNING);
		}
		break;
	case EV_GO_END:
		state(o, LP_RES_GOROUTINE, o->g, LP_G_RUNNING, LP_G_NOTEXIST);
		break;
	case EV_GO_SCHED:
	case EV_GO_PREEMPT:
		state(o, LP_RES_GOROUTINE, o->g, LP_G_RUNNING, LP_G_RUNNABLE);
		o->reason =
		    cstr(ty == EV_GO_SCHED ? "runtime.Gosched" : "preempted");
		break;
	case EV_GO_UNBLOCK:
		state(o, LP_RES_GOROUTINE, (int64_t)e->args[0], LP_G_WAITING,
		    LP_G_RUNNABLE);
		o->no_tstack = o->stack != NULL; /* the waker's */
		break;
	case EV_GO_SYSCALL: /* one that blocked */
		state(o, LP_RES_GOROUTINE, o->g, LP_G_RUNNING, LP_G_SYSCALL);
		break;
	case EV_GO_SYSEXIT:
		state(o, LP_RES_GOROUTINE, o->g, LP_G_SYSCALL, LP_G_RUNNABLE);
		break;
	case EV_GO_WAITING:
	case EV_GO_INSYSCALL:
		state(o, LP_RES_GOROUTINE, (int64_t)e->args[0],
		    LP_G_UNDETERMINED,
		    ty == EV_GO_WAITING ? LP_G_WAITING : LP_G_SYSCALL);
		created_drop(t, e->args[0]);
		break;
	case EV_TASK_CREATE:
		o->kind = LP_TEV_TASK_BEGIN;
		o->task = e->args[0];
		o->parent = e->args[1] ? e->args[1] : LP_NO_TASK;
		o->name = name_of(t, e->args[2]);
		v = pairs_put(&t->tasks, e->args[0]);
		if (!v || lp_u64map_put(&t->tasklive, e->args[0], 1) < 0)
			return nomem(err);
		v->a = e->args[1];
		v->b = e->args[2];
		break;
	case EV_TASK_END:
		o->kind = LP_TEV_TASK_END;
		o->task = e->args[0];
		live = lp_u64map_get(&t->tasklive, e->args[0]);
		if (live && *live) {
			const struct uval *tv =
			    pairs_get(&t->tasks, e->args[0]);

			*live = 0;
			o->parent = tv->a;
			o->name = name_of(t, tv->b);
		} else {
			o->name = lp_str_make("", 0);
		}
		break;
	case EV_REGION:
		o->kind =
		    e->args[1] == 0 ? LP_TEV_REGION_BEGIN : LP_TEV_REGION_END;
		o->task = e->args[0];
		o->name = name_of(t, e->args[2]);
		break;
	case EV_LOG: {
		size_t p = (size_t)e->args[2];
		uint64_t n = 0;

		o->kind = LP_TEV_LOG;
		o->task = e->args[0];
		o->name = name_of(t, e->args[1]);
		if (lp_uvarint(t->data, t->len, &p, &n) != 1 || n > t->len - p)
			return bad(err, e->off, "bad log message");
		o->message = lp_str_make((const char *)t->data + p, (size_t)n);
		break;
	}
	case EV_CPU_SAMPLE: o->kind = LP_TEV_STACK_SAMPLE; break;
	default:
		reason = block_reason(ty);
		if (!reason) {
			char m[64];

			snprintf(m, sizeof(m), "unexpected event type %s",
			    evdesc[ty].name);
			return bad(err, e->off, m);
		}
		state(o, LP_RES_GOROUTINE, o->g, LP_G_RUNNING, LP_G_WAITING);
		o->reason = cstr(reason);
	}
	return 0;
}

static void
sync_event(struct v1 *t, struct lp_tev *o, int64_t ts)
{
	memset(o, 0, sizeof(*o));
	o->kind = LP_TEV_SYNC;
	o->t = ts;
	o->m = o->p = o->g = LP_NO_ID;
	o->task = o->parent = LP_NO_TASK;
	o->n = ++t->syncs;
}

static int
v1_next(struct lp_trace *tr, const struct lp_tev **out, struct lp_error *err)
{
	struct v1 *t = (struct v1 *)tr;
	struct lp_tev *o;
	int r;

	if (t->err) {
		if (err)
			*err = t->errv;
		return -t->err;
	}
	if (t->finished)
		return 0;
	if (!t->started) {
		t->started = 1;
		t->qlen = t->qhead = 0;
		if (t->nev > 0) {
			o = qpush(t);
			if (!o)
				return nomem(err);
			sync_event(t, o, (int64_t)((uint64_t)t->ev[0].ts - 1));
			t->qhead = 1;
			*out = o;
			return 1;
		}
	}
	while (t->qhead == t->qlen) {
		t->qhead = t->qlen = 0;
		if (t->cur == t->nev) {
			t->finished = 1;
			o = qpush(t);
			if (!o)
				return nomem(err);
			sync_event(t, o, (int64_t)((uint64_t)t->lastts + 1));
			t->qhead = 1;
			*out = o;
			return 1;
		}
		r = convert(t, &t->ev[t->cur++], &t->errv);
		if (!r && (t->undef_stk || t->undef_str))
			r = lp_error_set(&t->errv, LP_EDATA,
			    "event at byte %llu: %s %llu is used but never "
			    "defined",
			    FOFF(t->ev[t->cur - 1].off),
			    t->undef_stk ? "stack" : "string",
			    (unsigned long long)(t->undef_stk ? t->undef_stk
			                                      : t->undef_str));
		if (r) {
			t->err = -r;
			if (err)
				*err = t->errv;
			return r;
		}
	}
	o = &t->q[t->qhead++];
	if (o->t <= t->lastts)
		o->t = (int64_t)((uint64_t)t->lastts + 1);
	t->lastts = o->t;
	*out = o;
	return 1;
}

static struct lp_arena *
v1_arena(struct lp_trace *tr)
{
	return &((struct v1 *)tr)->arena;
}

static void
v1_free(struct lp_trace *tr)
{
	struct v1 *t = (struct v1 *)tr;

	if (!t)
		return;
	free(t->owned);
	lp_arena_release(&t->arena);
	pairs_free(&t->strings);
	lp_u64map_free(&t->pcs);
	lp_u64map_free(&t->stacks);
	lp_u64map_free(&t->timers);
	lp_u64map_free(&t->pcstk);
	lp_u64map_free(&t->procidx);
	lp_u64map_free(&t->created);
	lp_u64map_free(&t->seenprocs);
	lp_u64map_free(&t->procms);
	pairs_free(&t->tasks);
	lp_u64map_free(&t->tasklive);
	free(t->frames);
	free(t->stkframes);
	free(t->stk);
	free(t->batches);
	for (size_t i = 0; i < t->nprocs; i++)
		free(t->procs[i].buf);
	free(t->procs);
	free(t->cpu);
	free(t->ev);
	free(t->q);
	free(t);
}

/* Steps 1 to 3. */
static int
prepare(struct v1 *t, struct lp_error *err)
{
	size_t n;
	int r;

	r = scan(t, err);
	if (r)
		return r;
	n = t->ntimed + t->ncpu;
	t->ev = malloc((n ? n : 1) * sizeof(*t->ev));
	if (!t->ev)
		return nomem(err);
	if (t->ver < 7) {
		r = order_1005(t, err);
	} else {
		r = order_frontier(t, err);
		if (!r)
			r = time_order_ok(t, err);
		if (!r)
			r = fix_sysexits(t, err);
	}
	if (r)
		return r;
	/* The batch buffers are no longer needed. */
	for (size_t i = 0; i < t->nprocs; i++) {
		free(t->procs[i].buf);
		t->procs[i].buf = NULL;
	}
	if (t->freq == 0)
		return lp_error_set(err, LP_EDATA, "no frequency event");
	to_ns(t);
	if (t->ver < 11) {
		r = remove_futile(t, err);
		if (r)
			return r;
	}
	r = check_events(t, err);
	if (!r)
		r = mark_blocking_syscalls(t, err);
	if (!r)
		r = build_stacks(t, err);
	return r;
}

struct lp_trace *
lp_tracev1_open(
    const struct lp_byte_src *src, int version, struct lp_error *err)
{
	struct v1 *t;

	if (version < 5 || version > 21) {
		lp_error_set(
		    err, LP_EDATA, "unsupported trace version 1.%d", version);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		nomem(err);
		return NULL;
	}
	t->base.version = version;
	t->base.next = v1_next;
	t->base.arena = v1_arena;
	t->base.free = v1_free;
	t->ver = version;
	t->preinit = 1;
	t->lastts = -1;
	lp_arena_init(&t->arena, 0);
	if (read_all(t, src, err) || prepare(t, err)) {
		v1_free(&t->base);
		return NULL;
	}
	return &t->base;
}

/* ---- raw: the wire events in file order ---- */

static int
raw_walk(struct v1 *t, int (*each)(const struct lp_traw *r, void *ctx),
    void *ctx, struct lp_error *err)
{
	size_t pos = 0;
	int typ, r, batched = 0;

	while (pos < t->len) {
		size_t at = pos, k = 0, nargs;
		const char *argn[8];
		struct lp_traw raw = { .off = FOFF(at), .argn = argn };

		if ((r = read_event(t, &pos, &typ, err)))
			return r;
		raw.name = evdesc[typ].name;
		raw.argv = t->vals;
		if (typ == EV_STRING) {
			raw.nargs = 1;
			argn[0] = "id";
			raw.has_data = 1;
			raw.data = lp_str_make(
			    (const char *)t->data + (size_t)t->vals[1],
			    (size_t)t->vals[2]);
			if ((r = each(&raw, ctx)))
				return r;
			continue;
		}
		if (typ == EV_STACK) {
			size_t per = t->ver < 7 ? 1 : 4;
			struct lp_traw_frame *f;
			uint64_t n = t->vals[1];

			if (!batched)
				return bad(
				    err, at, "event before the first batch");
			if (t->nvals < 2)
				return bad(err, at, "stack has too few values");
			if (n > FRAMES_MAX)
				return bad(
				    err, at, "stack has more than 1000 frames");
			if (t->nvals != 2 + per * n)
				return bad(err, at,
				    "stack has wrong number of values");
			lp_arena_release(&t->arena);
			f = lp_arena_alloc(&t->arena, (n ? n : 1) * sizeof *f);
			if (!f)
				return nomem(err);
			for (size_t i = 0; i < n; i++) {
				const uint64_t *v = &t->vals[2 + per * i];
				f[i].pc = v[0];
				f[i].fn = per == 4 ? v[1] : 0;
				f[i].file = per == 4 ? v[2] : 0;
				f[i].line = per == 4 ? v[3] : 0;
			}
			raw.nargs = 2;
			argn[0] = "id";
			argn[1] = "nframes";
			raw.has_frames = 1;
			raw.pc_only = per == 1;
			raw.nframes = (size_t)n;
			raw.frames = f;
			if ((r = each(&raw, ctx)))
				return r;
			continue;
		}
		/* The same count check as scan. */
		nargs = arg_count(typ, t->ver);
		if (t->nvals != nargs + (typ == EV_LOG)) {
			char m[80];

			snprintf(m, sizeof(m),
			    "%s has wrong number of arguments: want %zu, got "
			    "%zu",
			    evdesc[typ].name, nargs,
			    t->nvals - (typ == EV_LOG));
			return bad(err, at, m);
		}
		if (typ != EV_BATCH && !batched)
			return bad(err, at, "event before the first batch");
		if (typ == EV_BATCH) {
			batched = 1;
			argn[k++] = "p";
			if (t->ver < 7)
				argn[k++] = "gseq";
			argn[k++] = "ticks";
		} else if (typ == EV_FREQUENCY || typ == EV_TIMER_GOROUTINE) {
			argn[k++] = evdesc[typ].argn[0];
			if (t->ver < 7)
				argn[k++] = "unused";
		} else {
			size_t own =
			    nargs - 1 - (t->ver < 7) - evdesc[typ].stack;

			if (t->ver < 7)
				argn[k++] = "gseq";
			argn[k++] = "ts";
			for (size_t i = 0; i < own; i++)
				argn[k++] = evdesc[typ].argn[i];
			if (evdesc[typ].stack)
				argn[k++] = "stack";
		}
		raw.nargs = (unsigned)k;
		if (typ == EV_LOG) {
			size_t p = (size_t)t->vals[nargs];
			uint64_t len = 0;

			/* read_event checked the message's bounds. */
			lp_uvarint(t->data, t->len, &p, &len);
			raw.has_data = 1;
			raw.data =
			    lp_str_make((const char *)t->data + p, (size_t)len);
		}
		if ((r = each(&raw, ctx)))
			return r;
	}
	return 0;
}

int
lp_tracev1_raw(const struct lp_byte_src *src, int version,
    int (*each)(const struct lp_traw *r, void *ctx), void *ctx,
    struct lp_error *err)
{
	struct v1 *t;
	int r;

	if (version < 5 || version > 21)
		return lp_error_set(
		    err, LP_EDATA, "unsupported trace version 1.%d", version);
	if (!(t = calloc(1, sizeof(*t))))
		return nomem(err);
	t->base.version = version;
	t->ver = version;
	lp_arena_init(&t->arena, 0);
	r = read_all(t, src, err);
	if (r == 0)
		r = raw_walk(t, each, ctx, err);
	v1_free(&t->base);
	return r;
}
