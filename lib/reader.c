/* reader.c - the NDJSON lines and evidence units under lib/record.c */
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "input.h"
#include "limits.h"
#include "reader.h"

enum mode { M_NONE, M_NDJSON, M_UNIT };

struct lp_reader {
	struct lp_input *in;
	enum mode mode;
	char *src;
	/* NDJSON: the unread part of the stream is buf[pos..len). */
	char *buf;
	size_t len, cap, pos;
	int eof;
	unsigned long lineno;
	int skipping;          /* dropping the rest of an over-long line */
	unsigned long notjson; /* lines that are no JSON object */
	unsigned long unit_no; /* units begun */
	struct lp_unit unit;   /* the evidence unit handed over */

	/* Told of each unit begun, or NULL. */
	lp_reader_unit_fn unit_fn;
	void *unit_ctx;
};

struct lp_reader *
lp_reader_new(void)
{
	return calloc(1, sizeof(struct lp_reader));
}

void
lp_reader_free(struct lp_reader *r)
{
	if (!r)
		return;
	lp_input_free(r->in);
	free(r->buf);
	free(r->src);
	free(r);
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
	enum lp_format fmt;
	int rc = lp_input_begin(r->in, &u, err);

	free(r->src);
	r->src = strdup(u.src ? u.src : "?");
	if (rc <= 0)
		return rc;
	if (!r->src)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	r->unit_no++;
	if (r->unit_fn && r->unit_fn(r->unit_ctx, r->src) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	r->notjson = 0;
	r->lineno = 0;
	r->skipping = 0;
	/* An empty pipe is an empty NDJSON stream ("empty in, empty out",
	 * leakpipe(7)): a filter upstream matched nothing.  An empty file
	 * is still a broken snapshot: handed over, for the decoder to
	 * reject. */
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
	/* Evidence: the caller decodes it (record.c, into typed records). */
	r->unit = u;
	r->unit.src = r->src;
	r->mode = M_UNIT;
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
	const char *nl;
	int rc;

	for (;;) {
		nl = r->pos < r->len
		         ? memchr(r->buf + r->pos, '\n', r->len - r->pos)
		         : NULL;
		if (r->skipping) {
			r->pos = nl ? (size_t)(nl - r->buf) + 1 : r->len;
			r->skipping = !nl;
			if (!nl && r->eof)
				return 0;
			if (!nl && (rc = fill(r, err)) < 0)
				return rc;
			continue;
		}
		if (nl || r->eof) {
			if (r->pos == r->len)
				return 0;
			*line = r->buf + r->pos;
			*n = nl ? (size_t)(nl - *line) : r->len - r->pos;
			r->pos += *n + (nl != NULL);
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

int
lp_reader_next(
    struct lp_reader *r, json_t **rec, const char **src, struct lp_error *err)
{
	const char *line;
	size_t n;
	json_error_t jerr;
	json_t *v;
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
			unsigned long notjson = r->notjson;

			/* The lines told only a few times are counted in one
			 * line; the unit ends after it. */
			r->notjson = 0;
			if (notjson > LP_REPEAT_MAX)
				return lp_error_set(err, LP_EDATA,
				    "%lu more lines that are not JSON records",
				    notjson - LP_REPEAT_MAX);
			r->mode = M_NONE;
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
		*rec = v;
		return 1;
	}
}
