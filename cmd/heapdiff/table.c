/* table.c - heapdiff's view for people: its records as a table */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapdiff.h"
#include "leakpipe.h"

/*
 * The table is drawn from heapdiff's own records (written to memory
 * first), so it says exactly what the NDJSON says: one row per diff or
 * trend record, in their order (suspects first, then by growth), under a
 * line that sums up the heapdiff record.
 */

struct row {
	json_t *rec;      /* the diff or trend record (owned) */
	const char *name; /* the function shown (borrowed from rec) */
	int named;        /* index in the stack of the named frame, or -1 */
	char site[200];   /* where, when another row has the same name */
};

static const char *
str(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double
num(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The frame's function is the Go runtime's (or internal/...): a goroutine
 * parked in runtime.gopark says nothing about whose it is. */
static int
frame_is_runtime(const char *fn)
{
	struct lp_frame f;

	memset(&f, 0, sizeof(f));
	f.fn = lp_str_make(fn, strlen(fn));
	return lp_frame_is_runtime(&f) || strncmp(fn, "internal/", 9) == 0;
}

static const char *
frame_fn(const json_t *stack, size_t i)
{
	const char *fn = str(json_array_get(stack, i), "fn");

	return fn ? fn : "";
}

/*
 * The name a row goes by: the record's "fn" (heapdiff's first user
 * frame), unless it is empty (--key=signature) or the runtime's, then
 * the first frame of the stack outside the runtime.
 */
static void
name_row(struct row *r)
{
	const json_t *stack = json_object_get(r->rec, "stack");
	const char *fn = str(r->rec, "fn");
	size_t i, n = json_array_size(stack);

	r->named = -1;
	for (i = 0; fn && *fn && i < n; i++)
		if (strcmp(frame_fn(stack, i), fn) == 0) {
			r->named = (int)i;
			break;
		}
	if (fn && *fn && !frame_is_runtime(fn)) {
		r->name = fn;
		return;
	}
	for (i = 0; i < n; i++)
		if (!frame_is_runtime(frame_fn(stack, i))) {
			r->name = frame_fn(stack, i);
			r->named = (int)i;
			return;
		}
	if (fn && *fn)
		r->name = fn;
	else if (n > 0)
		r->name = frame_fn(stack, 0), r->named = 0;
	else if (!(r->name = str(r->rec, "key")))
		r->name = "?";
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * Rows sharing a name get a site: the file:line of the named frame when
 * that tells them apart, else the first caller where their stacks part
 * ("main.addToCache main.go:77"); rows keyed by signature, with no
 * stack, the signature after the function ("main.go:77 <- go main.f@…").
 */
static void
site_rows(struct row *rows, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const json_t *si = json_object_get(rows[i].rec, "stack");
		size_t d, ni = json_array_size(si);
		const char *key = str(rows[i].rec, "key"), *at;
		int dup = 0;

		for (j = 0; j < n && !dup; j++)
			dup = j != i && strcmp(rows[j].name, rows[i].name) == 0;
		if (!dup)
			continue;
		if (!si && key && (at = strchr(key, '@')) != NULL) {
			snprintf(
			    rows[i].site, sizeof(rows[i].site), "%s", at + 1);
			continue;
		}
		if (rows[i].named < 0)
			continue;
		/* The first depth from the named frame up at which some
		 * other row of this name has a different frame. */
		for (d = (size_t)rows[i].named; d < ni; d++) {
			const json_t *fi = json_array_get(si, d);
			int differs = 0;
			for (j = 0; j < n && !differs; j++) {
				const json_t *sj, *fj;
				size_t off;
				if (j == i ||
				    strcmp(rows[j].name, rows[i].name) ||
				    rows[j].named < 0)
					continue;
				sj = json_object_get(rows[j].rec, "stack");
				off = d - (size_t)rows[i].named +
				      (size_t)rows[j].named;
				fj = json_array_get(sj, off);
				differs = !fj ||
				          strcmp(frame_fn(sj, off),
				              frame_fn(si, d)) != 0 ||
				          num(fj, "line") != num(fi, "line");
			}
			if (differs)
				break;
		}
		if (d >= ni)
			d = (size_t)rows[i].named;
		{
			const json_t *f = json_array_get(si, d);
			const char *file = str(f, "file");
			double line = num(f, "line");
			char where[120];
			if (file && !isnan(line))
				snprintf(where, sizeof(where), "%s:%.0f",
				    base_name(file), line);
			else
				snprintf(where, sizeof(where), "?");
			if (d == (size_t)rows[i].named)
				snprintf(rows[i].site, sizeof(rows[i].site),
				    "%s", where);
			else
				snprintf(rows[i].site, sizeof(rows[i].site),
				    "%s %s", frame_fn(si, d), where);
		}
	}
}

/* A value in the record's unit. */
static const char *
fmt_value(char *buf, double v, const char *unit, int flags)
{
	if (unit && strcmp(unit, "bytes") == 0)
		return lp_fmt_bytes(buf, v, flags);
	if (unit && strcmp(unit, "nanoseconds") == 0)
		return lp_fmt_ns(buf, v, flags);
	return lp_fmt_count(buf, v, flags);
}

static void
summary(
    struct lp_out *o, const json_t *h, size_t shown, size_t rows, size_t zero)
{
	char a[LP_UNIT_BUF], b[LP_UNIT_BUF], c[LP_UNIT_BUF];
	const char *value = str(h, "value"), *unit = str(h, "unit");
	const char *mode = str(h, "mode");
	double snaps = num(h, "snapshots"), skipped = num(h, "skipped");
	char line[600];
	int n;

	if (!value)
		value = "?";
	if (mode && strcmp(mode, "diff") == 0) {
		const json_t *bs = json_object_get(h, "base");
		const json_t *nw = json_object_get(h, "new");
		const char *bsrc = str(bs, "src"), *nsrc = str(nw, "src");
		n = snprintf(line, sizeof(line),
		    "%s: %s -> %s (%s) from %s to %s", value,
		    fmt_value(a, num(bs, "total"), unit, 0),
		    fmt_value(b, num(nw, "total"), unit, 0),
		    fmt_value(c, num(h, "delta"), unit, LP_UNIT_SIGN),
		    bsrc ? base_name(bsrc) : "?", nsrc ? base_name(nsrc) : "?");
	} else {
		double hours = num(h, "hours");
		const char *order = str(h, "order");
		n = snprintf(
		    line, sizeof(line), "%s over %.0f snapshots", value, snaps);
		if (!isnan(hours) && n > 0 && (size_t)n < sizeof(line))
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    " in %s", lp_fmt_ns(a, hours * 3600e9, 0));
		if (order && strcmp(order, "stream") == 0 && n > 0 &&
		    (size_t)n < sizeof(line))
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    " (in input order: not every snapshot has a "
			    "time)");
		if (n > 0 && (size_t)n < sizeof(line))
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    ", %.0f suspect%s", num(h, "suspects"),
			    num(h, "suspects") == 1 ? "" : "s");
	}
	if (n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, ", %.0f keys",
		    num(h, "keys"));
	if (skipped > 0 && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n,
		    "; %.0f input%s without %s left out (--value chooses)",
		    skipped, skipped == 1 ? "" : "s", value);
	lp_out_raw(o, line, strlen(line));
	lp_out_ch(o, '\n');
	if (shown < rows || zero > 0) {
		n = snprintf(line, sizeof(line), "(");
		if (shown < rows)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    "the first %zu of %zu keys: --top=N shows N", shown,
			    rows);
		if (zero > 0)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    "%s%zu at zero throughout not shown",
			    shown < rows ? "; " : "", zero);
		n += snprintf(line + n, sizeof(line) - (size_t)n,
		    "; --format=ndjson has every record)\n");
		lp_out_raw(o, line, strlen(line));
	}
	lp_out_ch(o, '\n');
}

static void
fill_series(struct lp_table *t, struct row *rows, size_t n, int site)
{
	char b[LP_UNIT_BUF];
	size_t i;
	int per_hour = 0;

	for (i = 0; i < n; i++)
		per_hour |= !isnan(num(rows[i].rec, "per_hour"));
	lp_table_column(t, "verdict", 0);
	lp_table_column(t, "first", LP_COL_RIGHT);
	lp_table_column(t, "last", LP_COL_RIGHT);
	lp_table_column(t, "growth", LP_COL_RIGHT);
	lp_table_column(t, "growth%", LP_COL_RIGHT);
	lp_table_column(t, per_hour ? "per hour" : "per snap", LP_COL_RIGHT);
	lp_table_column(t, "r2", LP_COL_RIGHT | LP_COL_OPTIONAL);
	lp_table_column(t, "up/down", LP_COL_RIGHT | LP_COL_OPTIONAL);
	lp_table_column(t, "function", LP_COL_SHRINK | LP_COL_CUTLEFT);
	if (site)
		lp_table_column(t, "site",
		    LP_COL_SHRINK | LP_COL_CUTLEFT | LP_COL_OPTIONAL);
	for (i = 0; i < n; i++) {
		const json_t *r = rows[i].rec;
		const char *unit = str(r, "unit"), *v = str(r, "verdict");
		double rate = num(r, per_hour ? "per_hour" : "per_snapshot");
		if (v && strcmp(v, "suspect") == 0)
			lp_table_row_style(t, LP_ROW_ALERT);
		else if (v && strcmp(v, "growing") == 0)
			lp_table_row_style(t, LP_ROW_WARN);
		lp_table_cell(t, v ? v : "-");
		lp_table_cell(t, fmt_value(b, num(r, "first"), unit, 0));
		lp_table_cell(t, fmt_value(b, num(r, "last"), unit, 0));
		lp_table_cell(
		    t, fmt_value(b, num(r, "growth"), unit, LP_UNIT_SIGN));
		lp_table_cell(t, lp_fmt_pct(b, num(r, "pct"), LP_UNIT_SIGN));
		lp_table_cell(t, fmt_value(b, rate, unit, LP_UNIT_SIGN));
		if (isnan(num(r, "r2")))
			lp_table_cell(t, "-");
		else
			lp_table_cellf(t, "%.2f", num(r, "r2"));
		lp_table_cellf(t, "%.0f/%.0f", num(r, "up"), num(r, "down"));
		lp_table_cell(t, rows[i].name);
		if (site)
			lp_table_cell(t, rows[i].site);
	}
}

static void
fill_diff(struct lp_table *t, struct row *rows, size_t n, int site)
{
	char b[LP_UNIT_BUF];
	size_t i;

	lp_table_column(t, "base", LP_COL_RIGHT);
	lp_table_column(t, "new", LP_COL_RIGHT);
	lp_table_column(t, "delta", LP_COL_RIGHT);
	lp_table_column(t, "delta%", LP_COL_RIGHT);
	lp_table_column(t, "function", LP_COL_SHRINK | LP_COL_CUTLEFT);
	if (site)
		lp_table_column(t, "site",
		    LP_COL_SHRINK | LP_COL_CUTLEFT | LP_COL_OPTIONAL);
	for (i = 0; i < n; i++) {
		const json_t *r = rows[i].rec;
		const char *unit = str(r, "unit");
		if (num(r, "delta") > 0 && isnan(num(r, "pct")))
			lp_table_row_style(t, LP_ROW_WARN); /* new */
		lp_table_cell(t, fmt_value(b, num(r, "base"), unit, 0));
		lp_table_cell(t, fmt_value(b, num(r, "new"), unit, 0));
		lp_table_cell(
		    t, fmt_value(b, num(r, "delta"), unit, LP_UNIT_SIGN));
		lp_table_cell(t, lp_fmt_pct(b, num(r, "pct"), LP_UNIT_SIGN));
		lp_table_cell(t, rows[i].name);
		if (site)
			lp_table_cell(t, rows[i].site);
	}
}

int
heapdiff_table(const struct lp_out *records, size_t top)
{
	const char *p = records->buf, *end = records->buf + records->len;
	json_t *header = NULL;
	struct row *rows = NULL;
	size_t nrows = 0, cap = 0, shown, i, zero = 0;
	struct lp_table *t = NULL;
	int series = 0, site = 0, rc = -LP_ENOMEM;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *rec = json_loadb(p, len, 0, NULL);
		const char *kind = str(rec, "kind");
		p += len + 1;
		if (!kind) {
			json_decref(rec);
			continue;
		}
		if (strcmp(kind, "heapdiff") == 0 && !header) {
			header = rec;
			series = str(rec, "mode") &&
			         strcmp(str(rec, "mode"), "series") == 0;
			continue;
		}
		if (strcmp(kind, "diff") != 0 && strcmp(kind, "trend") != 0) {
			json_decref(rec);
			continue;
		}
		/* Keys that were zero all along say nothing to a person. */
		if (num(rec, "base") == 0 && num(rec, "new") == 0) {
			zero++;
			json_decref(rec);
			continue;
		}
		if (num(rec, "first") == 0 && num(rec, "last") == 0 &&
		    num(rec, "max") == 0) {
			zero++;
			json_decref(rec);
			continue;
		}
		if (lp_reserve((void **)&rows, &cap, nrows + 1, sizeof(*rows)) <
		    0) {
			json_decref(rec);
			goto out;
		}
		memset(&rows[nrows], 0, sizeof(rows[nrows]));
		rows[nrows].rec = rec;
		name_row(&rows[nrows]);
		nrows++;
	}
	/* A person reads a screenful: 25 rows unless --top says. */
	shown = top ? top : 25;
	if (shown > nrows)
		shown = nrows;
	site_rows(rows, shown);
	for (i = 0; i < shown; i++)
		site |= rows[i].site[0] != '\0';
	if (header)
		summary(&lp_cli.out, header, shown, nrows, zero);
	if (!(t = lp_table_new()))
		goto out;
	if (series)
		fill_series(t, rows, shown, site);
	else
		fill_diff(t, rows, shown, site);
	if (nrows > 0)
		lp_cli_table(t);
	rc = 0;
out:
	lp_table_free(t);
	for (i = 0; i < nrows; i++)
		json_decref(rows[i].rec);
	free(rows);
	json_decref(header);
	return rc;
}
