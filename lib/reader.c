/* reader.c - one record reader for every analysis program */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "detect.h"
#include "input.h"
#include "limits.h"
#include "reader.h"

enum mode { M_NONE, M_NDJSON, M_RENDERED, M_UNIT };

struct lp_reader {
	unsigned flags;
	struct lp_input *in;
	enum mode mode;
	char *src;
	/* NDJSON: the unread part of the stream is buf[pos..len). */
	char *buf;
	size_t len, cap, pos;
	int eof;
	unsigned long lineno;
	int skipping;          /* dropping the rest of an over-long line */
	unsigned long nostack; /* records whose stack_id is undefined */
	unsigned long notjson; /* lines that are no JSON object */
	/* Evidence: its records, rendered by the shared writers. */
	struct lp_out rendered;
	unsigned long skipped;           /* lines a text decoder stepped over */
	json_t *stacks;                  /* "id" -> frames, for this unit */
	lp_reader_profile_fn profile_fn; /* takes decoded profiles, or NULL */
	void *profile_ctx;
	unsigned long unit_no; /* units begun */
	struct lp_unit unit;   /* LP_READ_UNITS: the evidence unit */

	/* Told of each unit begun, or NULL. */
	lp_reader_unit_fn unit_fn;
	void *unit_ctx;
};

struct lp_reader *
lp_reader_new(unsigned flags)
{
	struct lp_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->flags = flags;
	r->stacks = json_object();
	if (!r->stacks || lp_out_init(&r->rendered, -1, 4096) < 0) {
		json_decref(r->stacks);
		free(r);
		return NULL;
	}
	return r;
}

void
lp_reader_free(struct lp_reader *r)
{
	if (!r)
		return;
	lp_input_free(r->in);
	lp_out_release(&r->rendered);
	json_decref(r->stacks);
	free(r->buf);
	free(r->src);
	free(r);
}

void
lp_reader_set_profile_fn(
    struct lp_reader *r, lp_reader_profile_fn fn, void *ctx)
{
	r->profile_fn = fn;
	r->profile_ctx = ctx;
}

unsigned long
lp_reader_line(const struct lp_reader *r)
{
	return r->lineno;
}

unsigned long
lp_reader_unit_no(const struct lp_reader *r)
{
	return r->unit_no;
}

const struct lp_unit *
lp_reader_unit(const struct lp_reader *r)
{
	return &r->unit;
}

struct lp_input *
lp_reader_input(struct lp_reader *r)
{
	return r->in;
}

void
lp_reader_set_unit_fn(struct lp_reader *r, lp_reader_unit_fn fn, void *ctx)
{
	r->unit_fn = fn;
	r->unit_ctx = ctx;
}

int
lp_reader_open(struct lp_reader *r, const char *path, struct lp_error *err)
{
	lp_input_free(r->in);
	r->mode = M_NONE;
	r->in = lp_input_open(path, err);
	return r->in ? 0 : -err->code;
}

/* Start the next unit.  Returns 1, 0 at the end, or an error. */
static int
next_unit(struct lp_reader *r, struct lp_error *err)
{
	struct lp_unit u;
	struct lp_diag d = { NULL, NULL, 0 };
	struct lp_emit_opts opts = { 0, NULL, 0, NULL };
	enum lp_format fmt;
	int rc = lp_input_begin(r->in, &u, err);

	free(r->src);
	r->src = strdup(u.src ? u.src : "?");
	if (rc <= 0)
		return rc;
	if (!r->src)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	json_object_clear(r->stacks);
	r->unit_no++;
	if (r->unit_fn && r->unit_fn(r->unit_ctx, r->src) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	r->nostack = 0;
	r->notjson = 0;
	r->lineno = 0;
	r->skipping = 0;
	/* An empty pipe is an empty NDJSON stream ("empty in, empty out",
	 * leakpipe(7)): a filter upstream matched nothing.  An empty file
	 * is still a broken snapshot, and an error below. */
	fmt = lp_detect(u.data, u.len);
	if (fmt == LP_FMT_NDJSON ||
	    (fmt == LP_FMT_EMPTY && strcmp(r->src, "-") == 0)) {
		if (r->cap < u.len) {
			char *b = realloc(r->buf, u.len);
			if (!b)
				return lp_error_set(
				    err, LP_ENOMEM, "out of memory");
			r->buf = b;
			r->cap = u.len;
		}
		if (u.len >= 3 && memcmp(u.data, "\xef\xbb\xbf", 3) == 0) {
			u.data += 3; /* a byte-order mark */
			u.len -= 3;
		}
		if (u.len) /* an empty pipe has no buffer at all */
			memcpy(r->buf, u.data, u.len);
		r->len = u.len;
		r->pos = 0;
		r->eof = 0;
		r->mode = M_NDJSON;
		return 1;
	}
	if (r->flags & LP_READ_UNITS) {
		r->unit = u;
		r->unit.src = r->src;
		r->mode = M_UNIT;
		return 1;
	}
	if (r->profile_fn && lp_decode_is_profile(u.data, u.len)) {
		struct lp_profile prof;
		if ((rc = lp_input_slurp(r->in, &u, err)) < 0)
			return rc;
		lp_profile_init(&prof, 0);
		rc = lp_decode_profile(&u, &prof, &d, err);
		if (rc == 0)
			rc = r->profile_fn(r->profile_ctx, &prof, r->src, err);
		lp_profile_release(&prof);
		if (rc < 0)
			return rc;
		/* Nothing to read back: the unit ends at once. */
		r->rendered.len = 0;
		r->skipped = d.count;
		r->pos = 0;
		r->mode = M_RENDERED;
		return 1;
	}
	/* Evidence: decode it in process.  The records go through the same
	 * writers as pprof2ndjson's and are parsed back one at a time, so
	 * both roads give the same records by construction. */
	if ((rc = lp_input_slurp(r->in, &u, err)) < 0)
		return rc;
	r->rendered.len = 0;
	r->rendered.err = 0;
	rc = lp_decode_unit(&r->rendered, &u, &opts, NULL, &d, err);
	if (rc < 0)
		return rc;
	r->skipped = d.count;
	r->pos = 0;
	r->mode = M_RENDERED;
	return 1;
}

/* More NDJSON bytes into buf; 0 at the end of the unit. */
static int
fill(struct lp_reader *r, struct lp_error *err)
{
	long n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->len < 65536) {
		size_t ncap = r->cap < 65536 ? 131072 : r->cap * 2;
		char *b;
		if (r->len - r->pos > LP_LINE_MAX)
			return lp_error_set(err, LP_ELIMIT,
			    "line %lu: longer than the %zu MiB limit",
			    r->lineno + 1, LP_LINE_MAX >> 20);
		b = realloc(r->buf, ncap);
		if (!b)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		r->buf = b;
		r->cap = ncap;
	}
	n = lp_input_read(r->in, r->buf + r->len, r->cap - r->len, err);
	if (n < 0)
		return (int)n;
	if (n == 0)
		r->eof = 1;
	r->len += (size_t)n;
	return n > 0;
}

/* The next line of the unit: 1, 0 at its end, or an error. */
static int
next_line(
    struct lp_reader *r, const char **line, size_t *n, struct lp_error *err)
{
	const char *base, *nl;
	size_t avail, *pos;
	int rc;

	for (;;) {
		if (r->mode == M_RENDERED) {
			base = r->rendered.buf;
			avail = r->rendered.len;
			pos = &r->pos;
		} else {
			base = r->buf;
			avail = r->len;
			pos = &r->pos;
		}
		nl = *pos < avail ? memchr(base + *pos, '\n', avail - *pos)
		                  : NULL;
		if (r->skipping) {
			*pos = nl ? (size_t)(nl - base) + 1 : avail;
			r->skipping = !nl;
			if (!nl && r->eof)
				return 0;
			if (!nl && (rc = fill(r, err)) < 0)
				return rc;
			continue;
		}
		if (nl || r->mode == M_RENDERED || r->eof) {
			if (*pos == avail)
				return 0;
			*line = base + *pos;
			*n = nl ? (size_t)(nl - *line) : avail - *pos;
			*pos += *n + (nl != NULL);
			r->lineno++;
			if (*n > LP_LINE_MAX)
				return lp_error_set(err, LP_ELIMIT,
				    "line %lu: longer than the %zu MiB limit",
				    r->lineno, LP_LINE_MAX >> 20);
			return 1;
		}
		if ((rc = fill(r, err)) < 0) {
			if (rc == -LP_ELIMIT) {
				/* Drop the over-long line and go on after it.
				 */
				r->pos = r->len;
				r->lineno++;
				r->skipping = 1;
			}
			return rc;
		}
	}
}

/* Resolve "stack_id" into "stack"; returns 0 or an error. */
static int
resolve(struct lp_reader *r, json_t *rec, struct lp_error *err)
{
	json_t *sid = json_object_get(rec, "stack_id"), *frames;
	char key[32];

	if (!sid)
		return 0;
	if (!json_is_integer(sid))
		return lp_error_set(err, LP_EDATA,
		    "line %lu: stack_id is not an integer", r->lineno);
	snprintf(
	    key, sizeof(key), "%" JSON_INTEGER_FORMAT, json_integer_value(sid));
	frames = json_object_get(r->stacks, key);
	if (!frames) {
		/* One lost stack record takes every sample that uses it:
		 * the first few are told, the rest counted at the end. */
		if (++r->nostack > LP_REPEAT_MAX)
			return 1;
		return lp_error_set(err, LP_EDATA,
		    "line %lu: stack_id %s has no stack record before it",
		    r->lineno, key);
	}
	json_object_set(rec, "stack", frames);
	json_object_del(rec, "stack_id");
	return 0;
}

int
lp_reader_next(
    struct lp_reader *r, json_t **rec, const char **src, struct lp_error *err)
{
	const char *line;
	size_t n;
	json_error_t jerr;
	json_t *v, *kind;
	int rc;

	*rec = NULL;
	*src = r->src ? r->src : "?";
	if (!r->in)
		return 0;
	for (;;) {
		if (r->mode == M_NONE) {
			rc = next_unit(r, err);
			*src = r->src ? r->src : "?";
			if (rc <= 0)
				return rc;
			if (r->mode == M_UNIT) {
				r->mode = M_NONE; /* the caller reads it */
				return 2;
			}
		}
		rc = next_line(r, &line, &n, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			unsigned long skipped = r->skipped;
			unsigned long nostack = r->nostack;
			unsigned long notjson = r->notjson;
			int was = r->mode;
			/* The counts of what was told only a few times are
			 * told one a call; the unit ends after them. */
			if (notjson > LP_REPEAT_MAX) {
				r->notjson = 0;
				return lp_error_set(err, LP_EDATA,
				    "%lu more lines that are not JSON records",
				    notjson - LP_REPEAT_MAX);
			}
			r->mode = M_NONE;
			r->skipped = 0;
			r->nostack = 0;
			if (nostack > LP_REPEAT_MAX)
				return lp_error_set(err, LP_EDATA,
				    "%lu more records whose stack_id has no "
				    "stack record before it",
				    nostack - LP_REPEAT_MAX);
			if (was == M_RENDERED && skipped)
				return lp_error_set(err, LP_EDATA,
				    "%lu lines not understood (pprof2ndjson "
				    "names them)",
				    skipped);
			continue;
		}
		if (n && line[n - 1] == '\r')
			n--;
		if (n == 0 || strspn(line, " \t") >= n)
			continue;
		/* A file of some other text (pretty-printed JSON, a log)
		 * is told a few lines, then counted. */
		v = memchr(line, '\0', n)
		        ? NULL
		        : json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
		if (!v || !json_is_object(v)) {
			int parsed = v != NULL;
			json_decref(v);
			if (++r->notjson > LP_REPEAT_MAX)
				continue;
			if (parsed)
				return lp_error_set(err, LP_EDATA,
				    "line %lu: not a JSON object", r->lineno);
			if (memchr(line, '\0', n))
				return lp_error_set(err, LP_EDATA,
				    "line %lu: NUL byte in a record",
				    r->lineno);
			return lp_error_set(err, LP_EDATA,
			    "line %lu: %s (column %d)", r->lineno, jerr.text,
			    jerr.column);
		}
		kind = json_object_get(v, "kind");
		if (json_is_string(kind) &&
		    strcmp(json_string_value(kind), "stack") == 0) {
			json_t *id = json_object_get(v, "id");
			json_t *frames = json_object_get(v, "frames");
			char key[32];
			if (!json_is_integer(id) || !json_is_array(frames)) {
				json_decref(v);
				return lp_error_set(err, LP_EDATA,
				    "line %lu: a stack record needs an "
				    "integer id and a frames array",
				    r->lineno);
			}
			snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(id));
			if (!(r->flags & LP_READ_STACK_IDS))
				json_object_set(r->stacks, key, frames);
			if (!(r->flags &
			        (LP_READ_STACKS | LP_READ_STACK_IDS))) {
				json_decref(v);
				continue;
			}
		} else if (!(r->flags & LP_READ_STACK_IDS) &&
		           (rc = resolve(r, v, err)) != 0) {
			json_decref(v);
			if (rc > 0)
				continue; /* counted, told at the end */
			return rc;
		}
		*rec = v;
		return 1;
	}
}
