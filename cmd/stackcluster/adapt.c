/* adapt.c - stackcluster's input: any record with a stack, as an item
 *
 * A thin adapter over lib/: dumps go straight from lp_godump_parse,
 * profiles from lp_decode_profile, traces through the goroutine view
 * trace2ndjson --goroutines writes; NDJSON through jansson, interned
 * stacks resolved per unit.  When lib/record.h lands, this file is what
 * it replaces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stackcluster.h"

int
sc_adapt_init(struct sc_run *run)
{
	run->stacks = json_object();
	return run->stacks ? 0 : -1;
}

void
sc_adapt_release(struct sc_run *run)
{
	size_t i;

	for (i = 0; i < run->nsrcs; i++)
		free(run->srcs[i]);
	free(run->srcs);
	free(run->frames);
	free(run->vidx);
	free(run->vals);
	free(run->buf);
	json_decref(run->stacks);
}

static int
note_src(struct sc_run *run, const char *src)
{
	char *s;

	if (run->nsrcs && strcmp(run->srcs[run->nsrcs - 1], src) == 0)
		return 0;
	if (lp_reserve((void **)&run->srcs, &run->capsrcs, run->nsrcs + 1,
	        sizeof(*run->srcs)) < 0 ||
	    !(s = strdup(src)))
		return -1;
	run->srcs[run->nsrcs++] = s;
	return 0;
}

static int
need_frames(struct sc_run *run, size_t n)
{
	return lp_reserve(
	    (void **)&run->frames, &run->fcap, n, sizeof(*run->frames));
}

static int
need_vals(struct sc_run *run, size_t n)
{
	if (lp_reserve((void **)&run->vidx, &run->vcap, n, sizeof(*run->vidx)) <
	    0)
		return -1;
	return lp_reserve(
	    (void **)&run->vals, &run->vcap2, n, sizeof(*run->vals));
}

/* Dumps */

static int
take_goroutine(const struct lp_goroutine *g, void *ctx)
{
	struct sc_run *run = ctx;
	struct lp_error err = { 0, "" };
	struct lp_cluster_item it;

	memset(&it, 0, sizeof(it));
	it.frames = g->frames;
	it.nframes = g->nframes;
	it.state = &g->state;
	it.wait_ns = g->wait_ns;
	it.gid = g->id;
	it.has_gid = 1;
	it.creator = (g->flags & LP_G_CREATED) ? &g->created_by : NULL;
	it.weight = 1;
	return lp_clusterer_add(run->c, &it, &err);
}

/* Profiles */

static int
take_profile(
    struct sc_run *run, const struct lp_profile *p, struct lp_error *err)
{
	size_t i, j, k, nt = p->nsample_types, gtype = (size_t)-1;

	if (need_vals(run, nt + 1) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	for (i = 0; i < nt; i++) {
		struct lp_str t = p->sample_types[i].type;
		run->vidx[i] = lp_clusterer_value_type(run->c, t.p, t.n);
		if (run->vidx[i] == (size_t)-1)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		if (lp_str_eq(t, "goroutine") && gtype == (size_t)-1)
			gtype = i;
	}
	for (i = 0; i < p->nsamples; i++) {
		const struct lp_sample *sm = &p->samples[i];
		struct lp_cluster_item it;
		size_t n = 0;
		int rc;

		for (j = 0; j < sm->nlocs; j++) {
			const struct lp_location *l =
			    &p->locations[sm->locs[j]];
			if (need_frames(run, n + l->nframes) < 0)
				return lp_error_set(
				    err, LP_ENOMEM, "out of memory");
			for (k = 0; k < l->nframes; k++)
				run->frames[n++] = l->frames[k];
		}
		memset(&it, 0, sizeof(it));
		it.frames = run->frames;
		it.nframes = n;
		it.wait_ns = -1;
		it.weight = 1;
		if (gtype != (size_t)-1 && sm->values[gtype] > 0)
			it.weight = (uint64_t)sm->values[gtype];
		it.vidx = run->vidx;
		it.vals = sm->values;
		it.nvals = nt;
		if ((rc = lp_clusterer_add(run->c, &it, err)) < 0)
			return rc;
	}
	return 0;
}

/* NDJSON records */

static struct lp_str
jstr(json_t *v)
{
	if (!json_is_string(v))
		return lp_str_make("", 0);
	return lp_str_make(json_string_value(v), json_string_length(v));
}

/* A frame object into f (strings borrowed from it); 0 or -1. */
static int
json_frame(json_t *o, struct lp_frame *f)
{
	json_t *line, *args;

	if (!json_is_object(o))
		return -1;
	memset(f, 0, sizeof(*f));
	f->fn = jstr(json_object_get(o, "fn"));
	f->file = jstr(json_object_get(o, "file"));
	line = json_object_get(o, "line");
	if (json_is_integer(line))
		f->line = json_integer_value(line);
	if ((args = json_object_get(o, "args")) && json_is_string(args)) {
		f->args = jstr(args);
		f->flags |= LP_FRAME_HAS_ARGS;
	}
	if (json_is_true(json_object_get(o, "inlined")))
		f->flags |= LP_FRAME_INLINED;
	return 0;
}

/* The record's stack into run->frames: its length, or -1 with err. */
static long
json_stack(struct sc_run *run, json_t *rec, struct lp_error *err)
{
	json_t *st = json_object_get(rec, "stack"), *sid;
	size_t i, n;

	if (!st && (sid = json_object_get(rec, "stack_id"))) {
		char key[32];
		if (!json_is_integer(sid))
			return lp_error_set(err, LP_EDATA,
			    "line %lu: stack_id is not an integer",
			    run->lineno);
		snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(sid));
		if (!(st = json_object_get(run->stacks, key)))
			return lp_error_set(err, LP_EDATA,
			    "line %lu: stack_id %s has no stack record "
			    "before it",
			    run->lineno, key);
	}
	if (!st)
		return -2; /* no stack: not for us */
	if (!json_is_array(st))
		return lp_error_set(err, LP_EDATA,
		    "line %lu: stack is not an array", run->lineno);
	n = json_array_size(st);
	if (n > LP_STACK_FRAMES_MAX)
		return lp_error_set(err, LP_ELIMIT,
		    "line %lu: more than %u frames", run->lineno,
		    LP_STACK_FRAMES_MAX);
	if (need_frames(run, n + 1) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (json_frame(json_array_get(st, i), &run->frames[i]) < 0)
			return lp_error_set(err, LP_EDATA,
			    "line %lu: frame %zu is not an object", run->lineno,
			    i);
	return (long)n;
}

static int
take_json(struct sc_run *run, json_t *rec, struct lp_error *err)
{
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	struct lp_cluster_item it;
	struct lp_frame creator;
	struct lp_str state;
	json_t *v;
	long n;

	if (!kind)
		return 0;
	if (strcmp(kind, "stack") == 0) {
		json_t *id = json_object_get(rec, "id");
		json_t *frames = json_object_get(rec, "frames");
		char key[32];
		if (!json_is_integer(id) || !json_is_array(frames))
			return lp_error_set(err, LP_EDATA,
			    "line %lu: a stack record needs an integer id "
			    "and a frames array",
			    run->lineno);
		snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(id));
		json_object_set(run->stacks, key, frames);
		return 0;
	}
	if (strcmp(kind, "goroutine") != 0 && strcmp(kind, "sample") != 0 &&
	    strcmp(kind, "event") != 0)
		return 0;
	if (strcmp(kind, "goroutine") == 0 && !run->ended &&
	    json_is_false(json_object_get(rec, "alive")))
		return 0; /* ended within a trace: not stuck anywhere */
	if ((n = json_stack(run, rec, err)) < 0)
		return n == -2 ? 0 : (int)n;
	memset(&it, 0, sizeof(it));
	it.frames = run->frames;
	it.nframes = (size_t)n;
	it.wait_ns = -1;
	it.weight = 1;
	if (strcmp(kind, "goroutine") == 0) {
		if (json_is_string(v = json_object_get(rec, "state"))) {
			state = jstr(v);
			it.state = &state;
		}
		if (json_is_integer(v = json_object_get(rec, "wait_ns")))
			it.wait_ns = json_integer_value(v);
		if (json_is_integer(v = json_object_get(rec, "id")) &&
		    json_integer_value(v) >= 0) {
			it.gid = (uint64_t)json_integer_value(v);
			it.has_gid = 1;
		}
		if (json_frame(json_object_get(rec, "created_by"), &creator) ==
		    0)
			it.creator = &creator;
	} else if (strcmp(kind, "event") == 0) {
		if (json_is_integer(v = json_object_get(rec, "g")) &&
		    json_integer_value(v) >= 0) {
			it.gid = (uint64_t)json_integer_value(v);
			it.has_gid = 1;
		}
	} else if (json_is_object(v = json_object_get(rec, "values"))) {
		const char *name;
		json_t *x;
		size_t k = 0;
		if (need_vals(run, json_object_size(v)) < 0)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		json_object_foreach(v, name, x)
		{
			if (!json_is_integer(x))
				continue;
			run->vidx[k] =
			    lp_clusterer_value_type(run->c, name, strlen(name));
			if (run->vidx[k] == (size_t)-1)
				return lp_error_set(
				    err, LP_ENOMEM, "out of memory");
			run->vals[k] = json_integer_value(x);
			if (strcmp(name, "goroutine") == 0 && run->vals[k] > 0)
				it.weight = (uint64_t)run->vals[k];
			k++;
		}
		it.vidx = run->vidx;
		it.vals = run->vals;
		it.nvals = k;
	}
	return lp_clusterer_add(run->c, &it, err);
}

/* One line of NDJSON; 0, or a negative LP_E* with err filled. */
static int
take_line(struct sc_run *run, const char *line, size_t n, struct lp_error *err)
{
	json_error_t jerr;
	json_t *v;
	int rc;

	run->lineno++;
	/* A byte-order mark some editors write before the first line. */
	if (run->lineno == 1 && n >= 3 &&
	    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		n -= 3;
	}
	if (n && line[n - 1] == '\r')
		n--;
	if (n == 0 || strspn(line, " \t") >= n)
		return 0;
	if (n > LP_LINE_MAX)
		return lp_error_set(err, LP_ELIMIT,
		    "line %lu: longer than the %zu MiB limit", run->lineno,
		    LP_LINE_MAX >> 20);
	if (memchr(line, '\0', n))
		return lp_error_set(err, LP_EDATA,
		    "line %lu: NUL byte in a record", run->lineno);
	v = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!v)
		return lp_error_set(err, LP_EDATA, "line %lu: %s (column %d)",
		    run->lineno, jerr.text, jerr.column);
	if (!json_is_object(v))
		rc = lp_error_set(
		    err, LP_EDATA, "line %lu: not a JSON object", run->lineno);
	else
		rc = take_json(run, v, err);
	json_decref(v);
	return rc;
}

/* Report a bad record; 1 when the unit must stop (out of memory, I/O). */
static int
record_failed(const char *src, struct lp_error *err)
{
	lp_cli_fail(src, err);
	return err->code == LP_ENOMEM || err->code == LP_EIO;
}

/* Lines of text[0..len) to take_line; the unfinished tail stays.  Returns
 * the bytes used, or (size_t)-1 when the unit must stop. */
static size_t
take_lines(struct sc_run *run, const char *src, const char *text, size_t len,
    int final)
{
	struct lp_error err = { 0, "" };
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n;
		if (!nl && !final)
			break;
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (take_line(run, text + pos, n, &err) < 0 &&
		    record_failed(src, &err))
			return (size_t)-1;
		pos += n + (nl != NULL);
	}
	return pos;
}

/* A NDJSON unit, streamed: memory holds one line at a time. */
static void
read_ndjson(struct sc_run *run, struct lp_input *in, const struct lp_unit *u)
{
	struct lp_error err = { 0, "" };
	size_t len = 0, used;
	int skipping = 0; /* dropping the rest of an over-long line */
	long got;

	if (u->len > run->cap) {
		char *b = realloc(run->buf, u->len);
		if (!b) {
			lp_error_set(&err, LP_ENOMEM, "out of memory");
			lp_cli_fail(u->src, &err);
			return;
		}
		run->buf = b;
		run->cap = u->len;
	}
	if (u->len)
		memcpy(run->buf, u->data, u->len);
	len = u->len;
	for (;;) {
		if (skipping) {
			const char *nl = memchr(run->buf, '\n', len);
			used = nl ? (size_t)(nl - run->buf) + 1 : len;
			memmove(run->buf, run->buf + used, len - used);
			len -= used;
			skipping = !nl;
		}
		used = skipping ? 0 : take_lines(run, u->src, run->buf, len, 0);
		if (used == (size_t)-1)
			return;
		memmove(run->buf, run->buf + used, len - used);
		len -= used;
		if (len > LP_LINE_MAX) {
			/* Said once; the line is dropped and the rest read. */
			lp_error_set(&err, LP_ELIMIT,
			    "line %lu: longer than the %zu MiB limit",
			    ++run->lineno, LP_LINE_MAX >> 20);
			if (record_failed(u->src, &err))
				return;
			len = 0;
			skipping = 1;
		}
		if (run->cap - len < 65536) {
			size_t ncap = run->cap < 65536 ? 131072 : run->cap * 2;
			char *b = realloc(run->buf, ncap);
			if (!b) {
				lp_error_set(&err, LP_ENOMEM, "out of memory");
				lp_cli_fail(u->src, &err);
				return;
			}
			run->buf = b;
			run->cap = ncap;
		}
		got = lp_input_read(in, run->buf + len, run->cap - len, &err);
		if (got < 0) {
			lp_cli_fail(u->src, &err);
			return;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	if (!skipping)
		take_lines(run, u->src, run->buf, len, 1);
}

/* Traces: the goroutine view, rendered and read back as records. */

static long
more(void *ctx, void *buf, size_t n, struct lp_error *err)
{
	return lp_input_read(ctx, buf, n, err);
}

static void
read_trace(struct sc_run *run, struct lp_input *in, const struct lp_unit *u)
{
	struct lp_error err = { 0, "" };
	struct lp_byte_src src = { u->data, u->len, more, in };
	struct lp_tev_writer w;
	const struct lp_tev *ev;
	struct lp_tview *view = NULL;
	struct lp_trace *t = lp_trace_open(&src, &err);
	struct lp_out o;
	int rc = 0;

	if (!t) {
		lp_cli_fail(u->src, &err);
		return;
	}
	lp_tev_writer_init(&w, u->src, 0, NULL);
	if (lp_out_init(&o, -1, 1 << 16) < 0 ||
	    !(view = lp_tview_new(LP_VIEW_GOROUTINES))) {
		lp_error_set(&err, LP_ENOMEM, "out of memory");
		goto out;
	}
	while ((rc = lp_trace_next(t, &ev, &err)) > 0) {
		if ((rc = lp_tview_add(view, &o, &w, ev, lp_trace_arena(t))) <
		    0) {
			lp_error_set(&err, -rc, "out of memory");
			break;
		}
		/* Goroutines that ended are done with: cluster them now so
		 * the rendering never holds more than a few. */
		if (o.len > (1 << 20)) {
			size_t used = take_lines(run, u->src, o.buf, o.len, 0);
			if (used == (size_t)-1)
				goto out;
			memmove(o.buf, o.buf + used, o.len - used);
			o.len -= used;
		}
	}
	if (rc != -LP_ENOMEM && lp_tview_finish(view, &o, &w) < 0)
		lp_error_set(&err, LP_ENOMEM, "out of memory");
	take_lines(run, u->src, o.buf, o.len, 1);
out:
	if (rc < 0 || err.code)
		lp_cli_fail(u->src, &err);
	lp_out_release(&o);
	lp_tview_free(view);
	lp_tev_writer_release(&w);
	lp_trace_free(t);
}

static void
read_unit(struct lp_input *in, const struct lp_unit *begun, void *ctx)
{
	struct sc_run *run = ctx;
	struct lp_error err = { 0, "" };
	struct lp_unit u = *begun;
	struct lp_diag diag;
	struct lp_profile prof;
	enum lp_format fmt = lp_detect(u.data, u.len);
	int rc;

	if (note_src(run, u.src) < 0) {
		lp_error_set(&err, LP_ENOMEM, "out of memory");
		lp_cli_fail(u.src, &err);
		return;
	}
	json_object_clear(run->stacks);
	run->lineno = 0;
	/* An empty pipe is an empty stream (a filter upstream matched
	 * nothing); an empty file is a broken snapshot. */
	if (fmt == LP_FMT_NDJSON ||
	    (fmt == LP_FMT_EMPTY && strcmp(u.src, "-") == 0)) {
		read_ndjson(run, in, &u);
		return;
	}
	if (fmt == LP_FMT_TRACE) {
		read_trace(run, in, &u);
		return;
	}
	if ((rc = lp_input_slurp(in, &u, &err)) < 0) {
		lp_cli_fail(u.src, &err);
		return;
	}
	lp_cli_diag_init(&diag, u.src);
	if (fmt == LP_FMT_GODUMP) {
		rc = lp_godump_parse(
		    u.data, u.len, take_goroutine, run, &diag, &err);
		if (rc > 0)
			rc = -rc;
		if (rc < 0 && !err.code)
			lp_error_set(&err, -rc, "out of memory");
	} else if (lp_decode_is_profile(u.data, u.len)) {
		lp_profile_init(&prof, 0);
		rc = lp_decode_profile(&u, &prof, &diag, &err);
		if (rc == 0)
			rc = take_profile(run, &prof, &err);
		lp_profile_release(&prof);
	} else if (fmt == LP_FMT_EMPTY) {
		rc = lp_error_set(&err, LP_EDATA, "empty input");
	} else {
		rc = lp_error_set(&err, LP_EDATA,
		    "not leakpipe records, a dump, a profile or a trace");
	}
	if (rc < 0)
		lp_cli_fail(u.src, &err);
}

void
sc_read_path(struct sc_run *run, const char *path)
{
	lp_cli_each_unit(path, read_unit, run);
}
