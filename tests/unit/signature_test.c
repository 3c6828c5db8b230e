/* signature_test.c - stack signatures and the clusterer built on them */
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"
#include "test.h"

/* Constant initializers (LP_STR_LIT is a compound literal). */
#define S(s)                       \
	{                          \
		(s), sizeof(s) - 1 \
	}
#define F(fn, file, line)                            \
	{                                            \
		S(fn), S(file), S(""), line, 0, 0, 0 \
	}

/* A goroutine blocked sending on a channel, two user frames deep. */
static const struct lp_frame send_stack[] = {
	F("runtime.gopark", "/go/src/runtime/proc.go", 435),
	F("runtime.chansend", "/go/src/runtime/chan.go", 259),
	F("runtime.chansend1", "/go/src/runtime/chan.go", 145),
	F("main.deliver", "/home/a/src/app/main.go", 46),
	F("main.viaA", "/home/a/src/app/main.go", 52),
	F("main.sender", "/home/a/src/app/main.go", 80),
};

/* The same site reached through recursion, built elsewhere. */
static const struct lp_frame recursive_stack[] = {
	F("runtime.gopark", "/usr/lib/go/src/runtime/proc.go", 398),
	F("runtime.chansend1", "/usr/lib/go/src/runtime/chan.go", 145),
	F("main.deliver", "/build/app/main.go", 46),
	F("main.walk", "/build/app/main.go", 69),
	F("main.walk", "/build/app/main.go", 72),
	F("main.walk", "/build/app/main.go", 72),
	F("main.walk", "/build/app/main.go", 72),
	F("main.sender", "/build/app/main.go", 84),
};

static const struct lp_frame mutex_stack[] = {
	F("runtime.gopark", "/go/src/runtime/proc.go", 435),
	F("sync.runtime_SemacquireMutex", "/go/src/runtime/sema.go", 95),
	F("sync.(*Mutex).lockSlow", "/go/src/sync/mutex.go", 149),
	F("sync.(*Mutex).Lock", "/go/src/sync/mutex.go", 46),
	F("github.com/x/y.(*Pool).get", "/m/y/pool.go", 107),
	F("net/http.HandlerFunc.ServeHTTP", "/go/src/net/http/server.go", 2220),
	F("main.handler", "/app/main.go", 12),
};

static const struct lp_frame idle_stack[] = {
	F("runtime.gopark", "/go/src/runtime/proc.go", 435),
	F("internal/poll.runtime_pollWait", "/go/src/runtime/netpoll.go", 351),
	F("internal/poll.(*FD).Read", "/go/src/internal/poll/fd_unix.go", 165),
	F("net/http.(*conn).serve", "/go/src/net/http/server.go", 2009),
};

static const struct lp_frame system_stack[] = {
	F("runtime.gopark", "/go/src/runtime/proc.go", 435),
	F("runtime.gcBgMarkWorker", "/go/src/runtime/mgc.go", 1791),
};

static const struct lp_frame creator =
    F("main.spawn", "/home/a/src/app/main.go", 92);

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct lp_out o;

static const char *
sig(const struct lp_sigspec *s, const struct lp_frame *f, size_t n,
    const struct lp_str *state, const struct lp_frame *cr)
{
	lp_out_release(&o);
	lp_out_init(&o, -1, 64);
	lp_signature_build(&o, s, f, n, state, cr);
	lp_out_ch(&o, '\0');
	return o.buf;
}

TEST(signature_default_is_site_and_creator)
{
	struct lp_sigspec s;

	lp_sigspec_init(&s);
	CHECK_STR(sig(&s, send_stack, N(send_stack), NULL, &creator),
	    "main.deliver@main.go:46 <- go main.spawn@main.go:92");
	/* Another path, recursion, other install paths: the same. */
	CHECK_STR(sig(&s, recursive_stack, N(recursive_stack), NULL, &creator),
	    "main.deliver@main.go:46 <- go main.spawn@main.go:92");
	CHECK_STR(sig(&s, send_stack, N(send_stack), NULL, NULL),
	    "main.deliver@main.go:46");
}

TEST(signature_arguments_only_when_asked)
{
	struct lp_sigspec s;
	struct lp_frame f[2] = { F("main.deliver", "/a/main.go", 46),
		F("main.run", "/a/main.go", 9) };

	f[0].args = LP_STR_LIT("0xc000012345, 0x2a");
	f[0].flags |= LP_FRAME_HAS_ARGS;
	lp_sigspec_init(&s);
	CHECK_STR(sig(&s, f, 2, NULL, NULL), "main.deliver@main.go:46");
	s.args = 1;
	CHECK_STR(sig(&s, f, 2, NULL, NULL),
	    "main.deliver(0xc000012345, 0x2a)@main.go:46");
}

TEST(signature_depth_and_recursion)
{
	struct lp_sigspec s;

	lp_sigspec_init(&s);
	s.depth = 0;
	CHECK_STR(sig(&s, recursive_stack, N(recursive_stack), NULL, NULL),
	    "main.deliver@main.go:46;main.walk@main.go:69;main.walk@main.go:"
	    "72;main.sender@main.go:84");
	s.lines = LP_SIG_LINES_NONE;
	CHECK_STR(sig(&s, recursive_stack, N(recursive_stack), NULL, NULL),
	    "main.deliver;main.walk;main.sender");
	s.recursion = 1;
	CHECK_STR(sig(&s, recursive_stack, N(recursive_stack), NULL, NULL),
	    "main.deliver;main.walk;main.walk;main.walk;main.walk;main.sender");
	s.recursion = 0;
	s.depth = 2;
	CHECK_STR(sig(&s, recursive_stack, N(recursive_stack), NULL, NULL),
	    "main.deliver;main.walk");
}

TEST(signature_lines_bucketed)
{
	struct lp_sigspec s;

	lp_sigspec_init(&s);
	CHECK_INT(lp_sigspec_parse_lines(&s, "bucket:10"), 0);
	CHECK_STR(sig(&s, send_stack, N(send_stack), NULL, NULL),
	    "main.deliver@main.go:40-49");
	CHECK_INT(lp_sigspec_parse_lines(&s, "bucket:0"), -1);
	CHECK_INT(lp_sigspec_parse_lines(&s, "bucket:"), -1);
	CHECK_INT(lp_sigspec_parse_lines(&s, "exactly"), -1);
	CHECK_INT(lp_sigspec_parse_lines(&s, "none"), 0);
	CHECK_STR(
	    sig(&s, send_stack, N(send_stack), NULL, NULL), "main.deliver");
}

TEST(signature_from_and_trim)
{
	struct lp_sigspec s;

	lp_sigspec_init(&s);
	/* The first frame of a module, not the stdlib's sync.Mutex. */
	CHECK_STR(sig(&s, mutex_stack, N(mutex_stack), NULL, NULL),
	    "github.com/x/y.(*Pool).get@pool.go:107");
	s.depth = 3;
	CHECK_STR(sig(&s, mutex_stack, N(mutex_stack), NULL, NULL),
	    "github.com/x/y.(*Pool).get@pool.go:107;net/http.HandlerFunc."
	    "ServeHTTP@server.go:2220;main.handler@main.go:12");
	lp_sigspec_parse_trim(&s, "stdlib");
	CHECK_STR(sig(&s, mutex_stack, N(mutex_stack), NULL, NULL),
	    "github.com/x/y.(*Pool).get@pool.go:107;main.handler@main.go:12");
	s.depth = 1;
	lp_sigspec_parse_trim(&s, "runtime");
	lp_sigspec_parse_from(&s, "leaf");
	CHECK_STR(sig(&s, mutex_stack, N(mutex_stack), NULL, NULL),
	    "sync.runtime_SemacquireMutex@sema.go:95");
	lp_sigspec_parse_trim(&s, "none");
	CHECK_STR(sig(&s, mutex_stack, N(mutex_stack), NULL, NULL),
	    "runtime.gopark@proc.go:435");
	CHECK_INT(lp_sigspec_parse_from(&s, "root"), -1);
	CHECK_INT(lp_sigspec_parse_trim(&s, "all"), -1);
}

TEST(signature_fallback_sites)
{
	struct lp_sigspec s;

	lp_sigspec_init(&s);
	/* All standard library: the frame nearest the leaf outside the
	 * runtime. */
	CHECK_STR(sig(&s, idle_stack, N(idle_stack), NULL, NULL),
	    "internal/poll.runtime_pollWait@netpoll.go:351");
	/* All runtime: the outermost frame names the goroutine. */
	CHECK_STR(sig(&s, system_stack, N(system_stack), NULL, NULL),
	    "runtime.gcBgMarkWorker@mgc.go:1791");
	CHECK_INT(lp_signature_site(&s, system_stack, N(system_stack)), 1);
	CHECK_STR(sig(&s, NULL, 0, NULL, NULL), "");
	CHECK_INT(lp_signature_site(&s, NULL, 0), 0);
}

TEST(signature_state_in_key)
{
	struct lp_sigspec s;
	struct lp_str st = S("chan send");

	lp_sigspec_init(&s);
	CHECK_STR(sig(&s, send_stack, N(send_stack), &st, NULL),
	    "main.deliver@main.go:46");
	s.state = 1;
	CHECK_STR(sig(&s, send_stack, N(send_stack), &st, NULL),
	    "[chan send] main.deliver@main.go:46");
	s.creator = 0;
	CHECK_STR(sig(&s, send_stack, N(send_stack), &st, &creator),
	    "[chan send] main.deliver@main.go:46");
}

TEST(signature_id_is_fnv1a)
{
	/* The FNV-1a test vectors: empty and "a". */
	CHECK(lp_signature_id("", 0) == 0xcbf29ce484222325ULL);
	CHECK(lp_signature_id("a", 1) == 0xaf63dc4c8601ec8cULL);
}

TEST(sigspec_written)
{
	struct lp_sigspec s;

	lp_sigspec_init(&s);
	lp_out_release(&o);
	lp_out_init(&o, -1, 64);
	lp_sigspec_write(&o, &s);
	CHECK_MEM(o.buf, o.len,
	    "{\"from\":\"user\",\"depth\":1,\"lines\":\"exact\",\"trim\":"
	    "\"runtime\",\"args\":false,\"recursion\":\"collapse\","
	    "\"state\":false,\"creator\":true}");
}

static struct lp_cluster_item
item(const struct lp_frame *f, size_t n, uint64_t gid, int64_t wait)
{
	static const struct lp_str st = S("chan send");
	struct lp_cluster_item it;

	memset(&it, 0, sizeof(it));
	it.frames = f;
	it.nframes = n;
	it.state = &st;
	it.wait_ns = wait;
	it.gid = gid;
	it.has_gid = 1;
	it.creator = &creator;
	it.weight = 1;
	return it;
}

TEST(clusterer_groups_and_orders)
{
	struct lp_sigspec s;
	struct lp_clusterer *c;
	struct lp_cluster_write_opts w;
	struct lp_error err = { 0, "" };
	const struct lp_cluster *k;
	struct lp_cluster_item it;
	uint64_t g;

	lp_sigspec_init(&s);
	c = lp_clusterer_new(&s, 3);
	CHECK(c != NULL);
	memset(&w, 0, sizeof(w));
	/* Ids arrive out of order; the smallest three are kept. */
	for (g = 100; g > 90; g--) {
		it = item(send_stack, N(send_stack), g, (int64_t)g * 1000);
		CHECK_INT(lp_clusterer_add(c, &it, &err), 0);
	}
	for (g = 1; g <= 4; g++) {
		it = item(recursive_stack, N(recursive_stack), g, -1);
		CHECK_INT(lp_clusterer_add(c, &it, &err), 0);
	}
	it = item(mutex_stack, N(mutex_stack), 7, -1);
	CHECK_INT(lp_clusterer_add(c, &it, &err), 0);
	CHECK_INT(lp_clusterer_sort(c, &w), 2);
	k = lp_clusterer_get(c, 0);
	CHECK_INT(k->count, 14);
	CHECK_INT(k->nmembers, 3);
	CHECK_INT(k->members[0], 1);
	CHECK_INT(k->members[1], 2);
	CHECK_INT(k->members[2], 3);
	CHECK_INT(k->members_count, 14);
	CHECK_INT(k->wait_min, 91000);
	CHECK_INT(k->wait_max, 100000);
	CHECK_INT(k->wait_known, 10);
	CHECK_INT(k->site.line, 46);
	CHECK_INT(k->nstack, N(send_stack));
	CHECK_INT(k->ncreators, 1);
	k = lp_clusterer_get(c, 1);
	CHECK_INT(k->count, 1);
	CHECK(lp_clusterer_get(c, 2) == NULL);
	lp_clusterer_free(c);
	lp_clusterer_free(NULL);
}

TEST(clusterer_sums_values_and_weights)
{
	struct lp_sigspec s;
	struct lp_clusterer *c;
	struct lp_cluster_write_opts w;
	struct lp_error err = { 0, "" };
	struct lp_cluster_item it;
	size_t vi[2];
	int64_t v[2] = { 4096, 3 };
	const struct lp_cluster *k;

	lp_sigspec_init(&s);
	c = lp_clusterer_new(&s, 10);
	vi[0] = lp_clusterer_value_type(c, "inuse_space", 11);
	vi[1] = lp_clusterer_value_type(c, "inuse_objects", 13);
	CHECK_INT(vi[0], 0);
	CHECK_INT(vi[1], 1);
	CHECK_INT(lp_clusterer_value_type(c, "inuse_space", 11), 0);
	memset(&it, 0, sizeof(it));
	it.frames = send_stack;
	it.nframes = N(send_stack);
	it.wait_ns = -1;
	it.weight = 5;
	it.vidx = vi;
	it.vals = v;
	it.nvals = 2;
	CHECK_INT(lp_clusterer_add(c, &it, &err), 0);
	CHECK_INT(lp_clusterer_add(c, &it, &err), 0);
	memset(&w, 0, sizeof(w));
	w.sort = LP_CLUSTER_BY_VALUE;
	w.sort_value = lp_clusterer_find_value_type(c, "inuse_objects");
	CHECK_INT(w.sort_value, 1);
	CHECK_INT(lp_clusterer_sort(c, &w), 1);
	k = lp_clusterer_get(c, 0);
	CHECK_INT(k->count, 10);
	CHECK_INT(k->records, 2);
	CHECK_INT(k->vals[0], 8192);
	CHECK_INT(k->vals[1], 6);
	CHECK_INT(k->members_count, 0);
	CHECK_INT(k->nstates, 0);
	CHECK(lp_clusterer_find_value_type(c, "alloc_space") == (size_t)-1);
	lp_clusterer_free(c);
}
