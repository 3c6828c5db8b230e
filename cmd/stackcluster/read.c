/* read.c - stackcluster's input: every record with a stack, as an item
 *
 * Typed records (lib/record.h) from anything: leakpipe NDJSON (goroutine,
 * sample and event records, flat or interned), goroutine dumps, profiles
 * of any format, and execution traces (their goroutines, as trace2ndjson
 * --goroutines gives them).
 */
#include <stdlib.h>
#include <string.h>

#include "stackcluster.h"

/*
 * The cluster of each stack, found once: a stack's aux is 1 + its first
 * memo, further memos (other states or creators, where the signature has
 * them) chained.  Stacks live for a unit, so do the memos.
 */
struct sc_memo {
	long ki;
	struct lp_str state;
	struct lp_frame creator; /* fn, file, line; no fn: none */
	int has_state;
	size_t next; /* 1 + the next memo of the stack, or 0 */
};

static int
note_src(void *ctx, const char *src)
{
	struct sc_run *run = ctx;
	char *s;

	run->nmemo = 0;
	lp_arena_release(&run->memo_mem);
	if (run->nsrcs && strcmp(run->srcs[run->nsrcs - 1], src) == 0)
		return 0;
	if (lp_reserve((void **)&run->srcs, &run->capsrcs, run->nsrcs + 1,
	        sizeof(*run->srcs)) < 0 ||
	    !(s = strdup(src)))
		return -1;
	run->srcs[run->nsrcs++] = s;
	return 0;
}

int
sc_read_init(struct sc_run *run)
{
	run->r = lp_records_new(
	    LP_REC_WANT(LP_REC_PROFILE) | LP_REC_WANT(LP_REC_SAMPLE) |
	        LP_REC_WANT(LP_REC_GOROUTINE) | LP_REC_WANT(LP_REC_EVENT),
	    0);
	if (!run->r)
		return -1;
	lp_arena_init(&run->memo_mem, 0);
	lp_records_set_unit_fn(run->r, note_src, run);
	lp_records_set_diag(run->r, lp_cli_diag_src, NULL);
	return 0;
}

void
sc_read_release(struct sc_run *run)
{
	size_t i;

	for (i = 0; i < run->nsrcs; i++)
		free(run->srcs[i]);
	free(run->srcs);
	free(run->vidx);
	free(run->memo);
	free(run->frames);
	lp_arena_release(&run->memo_mem);
	lp_records_free(run->r);
}

/* A profile's sample types as the clusterer's value types. */
static int
take_profile(struct sc_run *run, const struct lp_rprofile *p)
{
	size_t i;

	run->gtype = (size_t)-1;
	if (lp_reserve((void **)&run->vidx, &run->vcap, p->ntypes + 1,
	        sizeof(*run->vidx)) < 0)
		return -1;
	for (i = 0; i < p->ntypes; i++) {
		struct lp_str t = p->types[i].type;
		run->vidx[i] = lp_clusterer_value_type(run->c, t.p, t.n);
		if (run->vidx[i] == (size_t)-1)
			return -1;
		if (lp_str_eq(t, "goroutine") && run->gtype == (size_t)-1)
			run->gtype = i;
	}
	run->prof = p;
	return 0;
}

static int
same_str(struct lp_str a, struct lp_str b)
{
	return a.n == b.n && (!a.n || memcmp(a.p, b.p, a.n) == 0);
}

/* Does memo m stand for item it (of the same stack)? */
static int
memo_fits(const struct sc_run *run, const struct sc_memo *m,
    const struct lp_cluster_item *it)
{
	const struct lp_frame *c = it->creator;

	if (run->key_state &&
	    (m->has_state != (it->state != NULL) ||
	        (it->state && !same_str(m->state, *it->state))))
		return 0;
	if (run->key_creator) {
		if (!c || !c->fn.n)
			return m->creator.fn.n == 0;
		return same_str(m->creator.fn, c->fn) &&
		       same_str(m->creator.file, c->file) &&
		       m->creator.line == c->line;
	}
	return 1;
}

static int
copy_str(struct lp_arena *a, struct lp_str *s)
{
	char *p = s->n ? lp_arena_strdup(a, s->p, s->n) : NULL;

	if (s->n && !p)
		return -1;
	*s = lp_str_make(p ? p : "", s->n);
	return 0;
}

/* The cluster of it, whose stack is st: found once per stack (and state
 * and creator, where they make the signature). */
static long
cluster_of(struct sc_run *run, const struct lp_stack *st,
    const struct lp_cluster_item *it, struct lp_error *err)
{
	struct lp_stack *s = (struct lp_stack *)(uintptr_t)st;
	struct lp_cluster_item full = *it;
	struct sc_memo *m;
	size_t i;
	long ki;

	for (i = (size_t)s->aux; i; i = run->memo[i - 1].next)
		if (memo_fits(run, &run->memo[i - 1], it))
			return run->memo[i - 1].ki;
	/* Only a new stack needs its frames, and only for this call: a
	 * profile's are copied, not kept (lib/stack.h). */
	full.frames = lp_stack_frames_in(st, &run->frames, &run->fcap);
	full.nframes = st->n;
	if (st->n && !full.frames)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if ((ki = lp_clusterer_find(run->c, &full, err)) < 0)
		return ki;
	if (lp_reserve((void **)&run->memo, &run->memocap, run->nmemo + 1,
	        sizeof(*run->memo)) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	m = &run->memo[run->nmemo];
	memset(m, 0, sizeof(*m));
	m->ki = ki;
	if (run->key_state && it->state) {
		m->has_state = 1;
		m->state = *it->state;
	}
	if (run->key_creator && it->creator && it->creator->fn.n) {
		m->creator.fn = it->creator->fn;
		m->creator.file = it->creator->file;
		m->creator.line = it->creator->line;
	}
	if (copy_str(&run->memo_mem, &m->state) < 0 ||
	    copy_str(&run->memo_mem, &m->creator.fn) < 0 ||
	    copy_str(&run->memo_mem, &m->creator.file) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	m->next = (size_t)s->aux;
	s->aux = ++run->nmemo;
	return ki;
}

/* One record into the clusterer: 0, or a negative LP_E* with err. */
static int
take(struct sc_run *run, const struct lp_record *rec, struct lp_error *err)
{
	const struct lp_goroutine *g = rec->goroutine;
	const struct lp_rsample *sm = rec->sample;
	struct lp_cluster_item it;
	long ki;

	if (rec->kind == LP_REC_PROFILE)
		return take_profile(run, rec->profile) < 0 ? -LP_ENOMEM : 0;
	if (!rec->stack)
		return 0;
	/* A trace's own events are not clustered: its goroutines are. */
	if (rec->kind == LP_REC_EVENT && !rec->json)
		return 0;
	/* Goroutines that ended within a trace are not stuck anywhere. */
	if (rec->life && !rec->life->alive && !run->ended)
		return 0;
	memset(&it, 0, sizeof(it));
	it.wait_ns = -1;
	it.weight = 1;
	if (g) {
		if (g->state.n)
			it.state = &g->state;
		it.wait_ns = g->wait_ns;
		it.gid = g->id;
		it.has_gid = 1;
		if (g->flags & LP_G_CREATED)
			it.creator = &g->created_by;
	} else if (sm) {
		if (rec->profile != run->prof &&
		    take_profile(run, rec->profile) < 0)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		if (run->gtype != (size_t)-1 && sm->values[run->gtype] > 0)
			it.weight = (uint64_t)sm->values[run->gtype];
		it.vidx = run->vidx;
		it.vals = sm->values;
		it.nvals = sm->nvalues;
	} else {
		json_t *v = json_object_get(rec->json, "g");
		if (json_is_integer(v) && json_integer_value(v) >= 0) {
			it.gid = (uint64_t)json_integer_value(v);
			it.has_gid = 1;
		}
	}
	if ((ki = cluster_of(run, rec->stack, &it, err)) < 0)
		return (int)ki;
	return lp_clusterer_add_to(run->c, ki, &it, err);
}

void
sc_read_path(struct sc_run *run, const char *path)
{
	struct lp_error err = { 0, "" };
	const struct lp_record *rec;
	int rc;

	if (lp_cli_records_open(run->r, path) < 0)
		return;
	while ((rc = lp_records_next(run->r, &rec, &err)) != 0) {
		if (rc > 0 && (rc = take(run, rec, &err)) == 0)
			continue;
		lp_cli_fail(lp_records_unit(run->r), &err);
		if (err.code == LP_ENOMEM)
			lp_cli_exit();
	}
}
