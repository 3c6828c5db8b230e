/* tracev1_test.c - the legacy execution trace decoder (Go 1.5-1.21) */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "traceimpl.h"

/* A legacy trace built event by event. */
struct tb {
	unsigned char b[16384];
	size_t n;
	int ver;
};

static void
uv(struct tb *t, uint64_t v)
{
	do {
		unsigned char c = v & 0x7f;

		v >>= 7;
		t->b[t->n++] = c | (v ? 0x80 : 0);
	} while (v);
}

static void
start(struct tb *t, int ver)
{
	memset(t, 0, sizeof(*t));
	t->ver = ver;
	snprintf((char *)t->b, 16, "go 1.%d trace", ver);
	t->n = 16;
}

/* One event of nv values: inline when the type byte can count them,
 * length-prefixed otherwise. */
static void
ev(struct tb *t, unsigned type, size_t nv, const uint64_t *v)
{
	size_t inl = t->ver < 7 ? 4 : 3, i;

	if (nv <= inl) {
		t->b[t->n++] =
		    (unsigned char)(type | (nv - 1 - (t->ver < 7)) << 6);
		for (i = 0; i < nv; i++)
			uv(t, v[i]);
	} else {
		struct tb tmp;

		tmp.n = 0;
		for (i = 0; i < nv; i++)
			uv(&tmp, v[i]);
		t->b[t->n++] = (unsigned char)(type | 3 << 6);
		uv(t, tmp.n);
		memcpy(t->b + t->n, tmp.b, tmp.n);
		t->n += tmp.n;
	}
}

#define EV(t, type, ...)                                         \
	do {                                                     \
		const uint64_t v_[] = { __VA_ARGS__ };           \
		ev((t), (type), sizeof(v_) / sizeof(v_[0]), v_); \
	} while (0)

static void
str(struct tb *t, uint64_t id, const char *s)
{
	t->b[t->n++] = 37;
	uv(t, id);
	uv(t, strlen(s));
	memcpy(t->b + t->n, s, strlen(s));
	t->n += strlen(s);
}

static struct lp_trace *
open_tb(const unsigned char *b, size_t n, int ver, struct lp_error *err)
{
	struct lp_byte_src src = { b + 16, n - 16, NULL, NULL };

	return lp_tracev1_open(&src, ver, err);
}

static const char *const gnames[] = { "Undetermined", "NotExist", "Runnable",
	"Running", "Waiting", "Syscall" };
static const char *const pnames[] = { "Undetermined", "NotExist", "Running",
	"Idle" };

/* The events as one line each: "T KIND details". */
static int
summary(struct lp_trace *tr, char *out, size_t cap, struct lp_error *err)
{
	const struct lp_tev *e;
	size_t n = 0;
	int r;

	out[0] = '\0';
	while ((r = tr->next(tr, &e, err)) == 1) {
		char line[256];

		switch (e->kind) {
		case LP_TEV_SYNC:
			snprintf(line, sizeof(line), "%lld Sync %llu",
			    (long long)e->t, (unsigned long long)e->n);
			break;
		case LP_TEV_STATE:
			snprintf(line, sizeof(line),
			    "%lld %s %lld %s>%s%s%.*s m%lld p%lld g%lld%s",
			    (long long)e->t, e->res == LP_RES_PROC ? "P" : "G",
			    (long long)e->id,
			    e->res == LP_RES_PROC ? pnames[e->from]
			                          : gnames[e->from],
			    e->res == LP_RES_PROC ? pnames[e->to]
			                          : gnames[e->to],
			    e->reason.n ? " " : "", (int)e->reason.n,
			    e->reason.p ? e->reason.p : "", (long long)e->m,
			    (long long)e->p, (long long)e->g,
			    e->stack ? " stk" : "");
			break;
		case LP_TEV_METRIC:
			snprintf(line, sizeof(line), "%lld Metric %.*s=%llu",
			    (long long)e->t, (int)e->name.n, e->name.p,
			    (unsigned long long)e->value);
			break;
		default:
			snprintf(line, sizeof(line), "%lld K%d %.*s",
			    (long long)e->t, (int)e->kind, (int)e->name.n,
			    e->name.p ? e->name.p : "");
		}
		n += (size_t)snprintf(
		    out + n, n < cap ? cap - n : 0, "%s\n", line);
		if (n >= cap)
			return -100;
	}
	return r;
}

/*
 * A small well-formed 1.11 trace on one P: goroutines 1 and 3 exist
 * when tracing starts (1 running, 3 runnable); 1 creates 2, which runs,
 * makes a syscall that does not block, and ends.  Ticks are ns.
 */
static void
small111(struct tb *t)
{
	start(t, 11);
	EV(t, 1, 0, 1000); /* Batch P0 at tick 1000 */
	str(t, 1, "main.main");
	str(t, 2, "main.go");
	EV(t, 3, 7, 1, 0x401000, 1, 2, 10); /* Stack 7 */
	EV(t, 13, 1, 1, 0, 0);              /* GoCreate g1 */
	EV(t, 13, 1, 3, 0, 0);              /* GoCreate g3 */
	EV(t, 5, 1, 3);                     /* ProcStart m3 */
	EV(t, 14, 1, 1, 1);                 /* GoStart g1 seq 1 */
	EV(t, 4, 1, 4, 0);                  /* Gomaxprocs 4 */
	EV(t, 13, 1, 2, 7, 7);              /* GoCreate g2 */
	EV(t, 17, 1, 7);                    /* GoSched */
	EV(t, 38, 1, 2);                    /* GoStartLocal g2 */
	EV(t, 28, 1, 7);                    /* GoSysCall */
	EV(t, 15, 1);                       /* GoEnd */
	EV(t, 6, 1);                        /* ProcStop */
	EV(t, 2, 1000000000);               /* Frequency 1 GHz */
}

TEST(tracev1_small)
{
	struct tb t;
	struct lp_error err = { 0, "" };
	struct lp_trace *tr;
	static char out[8192];

	small111(&t);
	tr = open_tb(t.b, t.n, 11, &err);
	CHECK(tr != NULL);
	if (!tr) {
		printf("  %s\n", err.msg);
		return;
	}
	CHECK_INT(summary(tr, out, sizeof(out), &err), 0);
	/* ticks from 1001 (the first event) are ns; g3 was runnable when
	 * tracing started; the syscall takes 1 ns; times never repeat. */
	CHECK_STR(out, "-1 Sync 1\n"
	               "2 P 0 Undetermined>Running m3 p0 g-1\n"
	               "3 G 1 Undetermined>Running m3 p0 g1\n"
	               "4 G 3 Undetermined>Runnable m-1 p-1 g-1\n"
	               "5 G 2 NotExist>Runnable m3 p0 g1 stk\n"
	               "6 G 1 Running>Runnable runtime.Gosched m3 p0 g1 stk\n"
	               "7 G 2 Runnable>Running m3 p0 g2\n"
	               "8 G 2 Running>Syscall m3 p0 g2 stk\n"
	               "9 G 2 Syscall>Running m3 p0 g2\n"
	               "10 G 2 Running>NotExist m3 p0 g2\n"
	               "11 P 0 Running>Idle m3 p0 g-1\n"
	               "12 Sync 2\n");
	tr->free(tr);
}

TEST(tracev1_stack_frames)
{
	struct tb t;
	struct lp_error err = { 0, "" };
	struct lp_trace *tr;
	const struct lp_tev *e;
	int found = 0;

	small111(&t);
	tr = open_tb(t.b, t.n, 11, &err);
	CHECK(tr != NULL);
	if (!tr)
		return;
	while (tr->next(tr, &e, &err) == 1) {
		if (e->kind != LP_TEV_STATE || e->to != LP_G_RUNNABLE ||
		    e->from != LP_G_NOTEXIST)
			continue;
		found = 1;
		CHECK(e->stack != NULL);
		/* the new goroutine's start stack is the same stack here */
		CHECK(e->tstack == NULL);
		if (e->stack) {
			CHECK_INT(e->stack->n, 1);
			CHECK_INT(e->stack->frames[0].pc, 0x401000);
			CHECK_MEM(e->stack->frames[0].fn.p,
			    e->stack->frames[0].fn.n, "main.main");
			CHECK_MEM(e->stack->frames[0].file.p,
			    e->stack->frames[0].file.n, "main.go");
			CHECK_INT(e->stack->frames[0].line, 10);
		}
	}
	CHECK(found);
	tr->free(tr);
}

/* Every prefix of a good trace is either a trace or a clean error. */
TEST(tracev1_truncated)
{
	struct tb t;
	static char out[8192];

	small111(&t);
	for (size_t n = 16; n < t.n; n++) {
		struct lp_error err = { 0, "" };
		struct lp_trace *tr = open_tb(t.b, n, 11, &err);

		if (tr) {
			int r = summary(tr, out, sizeof(out), &err);

			CHECK(r == 0 || r == -LP_EDATA);
			tr->free(tr);
		} else {
			CHECK_INT(err.code, LP_EDATA);
			CHECK(strncmp(err.msg, "event at byte ", 14) == 0 ||
			      strcmp(err.msg, "no frequency event") == 0);
		}
	}
}

TEST(tracev1_errors)
{
	struct tb t;
	struct lp_error err = { 0, "" };
	struct lp_trace *tr;
	static char out[1024];

	/* an unknown event type */
	start(&t, 11);
	t.b[t.n++] = 55;
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK_INT(err.code, LP_EDATA);
	CHECK_STR(err.msg, "event at byte 16: unknown event type 55");

	/* CPU samples are new in 1.19 */
	start(&t, 11);
	EV(&t, 1, 0, 1000);
	EV(&t, 49, 1, 5, 0, 1, 0);
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK_STR(err.msg, "event at byte 20: unknown event type 49");

	/* wrong argument count */
	start(&t, 11);
	EV(&t, 1, 0, 1000);
	EV(&t, 5, 1);
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK_STR(err.msg, "event at byte 20: ProcStart has wrong number "
	                   "of arguments: want 2, got 1");

	/* an event before any batch */
	start(&t, 11);
	EV(&t, 5, 1, 1);
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK_STR(err.msg, "event at byte 16: event before the first batch");

	/* no frequency */
	start(&t, 11);
	EV(&t, 1, 0, 1000);
	EV(&t, 5, 1, 1);
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK_STR(err.msg, "no frequency event");

	/* a length prefix over Go's 2048-byte limit */
	start(&t, 11);
	EV(&t, 1, 0, 1000);
	t.b[t.n++] = 3 | 3 << 6;
	uv(&t, 5000);
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK_STR(err.msg, "event at byte 20: event longer than 2048 bytes");

	/* a stack claiming a billion frames */
	start(&t, 11);
	EV(&t, 1, 0, 1000);
	EV(&t, 3, 1, 1000000000, 1, 2, 3, 4);
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK_STR(err.msg, "event at byte 20: stack has more than 1000 frames");

	/* a goroutine started twice */
	start(&t, 11);
	EV(&t, 1, 0, 1000);
	EV(&t, 5, 1, 3);
	EV(&t, 13, 1, 5, 0, 0);
	EV(&t, 14, 1, 5, 0);
	EV(&t, 17, 1, 0);
	EV(&t, 14, 1, 5, 0);
	EV(&t, 2, 100);
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK(strstr(err.msg, "no consistent ordering") != NULL);

	/* a string with id 0 */
	start(&t, 11);
	EV(&t, 1, 0, 1000);
	str(&t, 0, "x");
	CHECK(open_tb(t.b, t.n, 11, &err) == NULL);
	CHECK_STR(err.msg, "event at byte 20: string has invalid id 0");

	/* a string before the first batch is ignored, as Go's reader
	 * does (it reads strings only inside batches) */
	start(&t, 11);
	str(&t, 0, "x");
	EV(&t, 1, 0, 1000);
	EV(&t, 2, 100);
	tr = open_tb(t.b, t.n, 11, &err);
	CHECK(tr != NULL);
	if (tr) {
		/* no events: just the closing Sync */
		CHECK_INT(summary(tr, out, sizeof(out), &err), 0);
		CHECK_STR(out, "0 Sync 1\n");
		tr->free(tr);
	}
}

/* Format 1.5 orders by its global sequence numbers, not by file order,
 * and frames are bare pcs. */
TEST(tracev1_1005)
{
	struct tb t;
	struct lp_error err = { 0, "" };
	struct lp_trace *tr;
	static char out[8192];

	start(&t, 5);
	/* P1's batch is first in the file but later in sequence. */
	EV(&t, 1, 1, 10, 2000);   /* Batch P1 seq 10 ticks 2000 */
	EV(&t, 5, 0, 0, 4);       /* ProcStart m4 (seq 10) */
	EV(&t, 6, 1, 5);          /* ProcStop (seq 11) */
	EV(&t, 1, 0, 1, 1000);    /* Batch P0 seq 1 ticks 1000 */
	EV(&t, 5, 0, 0, 3);       /* ProcStart m3 (seq 1) */
	EV(&t, 4, 1, 5, 2, 9);    /* Gomaxprocs 2 stack 9 (seq 2) */
	EV(&t, 3, 9, 1, 0x1234);  /* Stack 9: one pc */
	EV(&t, 6, 1, 5);          /* ProcStop (seq 3) */
	EV(&t, 2, 1000000000, 0); /* Frequency, unused */
	tr = open_tb(t.b, t.n, 5, &err);
	CHECK(tr != NULL);
	if (!tr) {
		printf("  %s\n", err.msg);
		return;
	}
	CHECK_INT(summary(tr, out, sizeof(out), &err), 0);
	CHECK_STR(out, "-1 Sync 1\n"
	               "0 P 0 Undetermined>Running m3 p0 g-1\n"
	               "10 P 0 Running>Idle m3 p0 g-1\n"
	               "1000 P 1 Undetermined>Running m4 p1 g-1\n"
	               "1005 P 1 Running>Idle m4 p1 g-1\n"
	               "1006 Sync 2\n");
	tr->free(tr);

	/* The same with the sequence numbers disagreeing with time. */
	start(&t, 5);
	EV(&t, 1, 0, 1, 5000);
	EV(&t, 5, 0, 0, 3);
	EV(&t, 1, 1, 2, 1000);
	EV(&t, 5, 0, 0, 4);
	EV(&t, 2, 100, 0);
	CHECK(open_tb(t.b, t.n, 5, &err) == NULL);
	CHECK(strstr(err.msg, "time stamps out of order") != NULL);
}

/* CPU samples (1.19+) come in time order, on their own. */
TEST(tracev1_cpu_samples)
{
	struct tb t;
	struct lp_error err = { 0, "" };
	struct lp_trace *tr;
	const struct lp_tev *e;
	int64_t got[4];
	int n = 0;

	start(&t, 19);
	EV(&t, 1, 0, 1000);
	EV(&t, 5, 1, 3);
	EV(&t, 6, 100);
	EV(&t, 1, UINT64_MAX, 0);
	EV(&t, 49, 0, 1300, 0, 7, 0); /* later sample first in the file */
	EV(&t, 49, 0, 1050, UINT64_MAX, 0, 0);
	EV(&t, 2, 1000000000);
	tr = open_tb(t.b, t.n, 19, &err);
	CHECK(tr != NULL);
	if (!tr) {
		printf("  %s\n", err.msg);
		return;
	}
	while (tr->next(tr, &e, &err) == 1)
		if (e->kind == LP_TEV_STACK_SAMPLE && n < 4) {
			got[n++] = e->t;
			CHECK_INT(e->m, LP_NO_ID);
			if (n == 1) {
				CHECK_INT(e->p, LP_NO_ID);
				CHECK_INT(e->g, LP_NO_ID);
			} else {
				CHECK_INT(e->p, 0);
				CHECK_INT(e->g, 7);
			}
		}
	CHECK_INT(n, 2);
	/* ticks 1050 and 1300, from the first event at 1001 */
	CHECK_INT(got[0], 49);
	CHECK_INT(got[1], 299);
	tr->free(tr);
}

/* ---- the shared pool, when present ---- */

static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	long sz;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)sz + 1);
		if (b && fread(b, 1, (size_t)sz, f) != (size_t)sz) {
			free(b);
			b = NULL;
		}
		*n = (size_t)sz;
	}
	fclose(f);
	return b;
}

static int
version_of(const unsigned char *b, size_t n)
{
	int v = 0;
	size_t i = 5;

	if (n < 16 || memcmp(b, "go 1.", 5) != 0)
		return 0;
	while (i < 16 && b[i] >= '0' && b[i] <= '9')
		v = v * 10 + (b[i++] - '0');
	return v;
}

/* Decode a whole file: 0, or the error. */
static int
decode_file(const char *path, struct lp_error *err, size_t *nev)
{
	size_t n = 0;
	unsigned char *b = slurp(path, &n);
	struct lp_trace *tr;
	const struct lp_tev *e;
	int v, r;

	*nev = 0;
	if (!b)
		return lp_error_set(err, LP_ENOINPUT, "cannot read");
	v = version_of(b, n);
	if (v < 5 || v > 21) {
		free(b);
		return 1; /* not legacy */
	}
	tr = open_tb(b, n, v, err);
	if (!tr) {
		free(b);
		return -err->code;
	}
	while ((r = tr->next(tr, &e, err)) == 1)
		(*nev)++;
	tr->free(tr);
	free(b);
	return r;
}

static int
each_file(const char *dir, const char *suffix,
    void (*fn)(const char *path, const char *name))
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[1024];
		size_t l = strlen(de->d_name), sl = strlen(suffix);

		if (de->d_name[0] == '.' || l < sl ||
		    strcmp(de->d_name + l - sl, suffix) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fn(path, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static void
must_decode(const char *path, const char *name)
{
	struct lp_error err = { 0, "" };
	size_t nev;
	int r = decode_file(path, &err, &nev);

	if (r == 1)
		return;
	if (r != 0 || nev < 3) {
		printf("  %s: r=%d events=%zu %s\n", name, r, nev, err.msg);
		test_failed = 1;
	}
}

static void
no_crash(const char *path, const char *name)
{
	struct lp_error err = { 0, "" };
	size_t nev;
	int r = decode_file(path, &err, &nev);

	(void)name;
	CHECK(r == 0 || r == 1 || r == -LP_EDATA);
}

static const char *
shared_dir(char *buf, size_t n, const char *sub)
{
	const char *s = getenv("SHARED");

	if (!s || !*s)
		return NULL;
	snprintf(buf, n, "%s/testdata/go-trace/%s", s, sub);
	return buf;
}

TEST(tracev1_shared_pool)
{
	char dir[1024];
	struct lp_error err = { 0, "" };
	size_t nev;
	int n;

	if (!shared_dir(dir, sizeof(dir), "golang-go/internal-trace-testdata"))
		return; /* no $SHARED: nothing to read */
	n = each_file(dir, "_good", must_decode);
	if (n < 0)
		return;
	CHECK(n >= 24);
	{
		char path[1200];

		snprintf(path, sizeof(path), "%s/stress_1_5_unordered", dir);
		CHECK_INT(decode_file(path, &err, &nev), -LP_EDATA);
		CHECK(strstr(err.msg, "time stamps out of order") != NULL);
	}
	if (shared_dir(dir, sizeof(dir), "golang-go/tracev1-testdata"))
		CHECK(each_file(dir, "_good", must_decode) >= 1);
	if (shared_dir(dir, sizeof(dir), "gotraceui/legacy"))
		CHECK(each_file(dir, "_good", must_decode) >= 2);
	if (shared_dir(
	        dir, sizeof(dir), "gotraceui/fuzz/FuzzLoadTrace-decoded"))
		each_file(dir, "", no_crash);
}
