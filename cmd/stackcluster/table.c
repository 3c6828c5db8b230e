/* table.c - the clusters as a table for people
 *
 * Local until lib/table.h (issue 14) is on main: headed columns, human
 * units, each row the blocking site and the creator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stackcluster.h"

#define COLS 7

struct cell {
	char *s[COLS];
};

static char *
dupf(const char *fmt, ...) LP_PRINTF(1, 2);

#include <stdarg.h>

static char *
dupf(const char *fmt, ...)
{
	va_list ap;
	char tmp[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		tmp[0] = '\0';
	return strdup(tmp);
}

/* 1234 -> "1234", 123456 -> "123.5k", 12345678 -> "12.3M" */
static void
human_count(char *buf, size_t n, uint64_t v)
{
	if (v < 100000)
		snprintf(buf, n, "%llu", (unsigned long long)v);
	else if (v < 100000000)
		snprintf(buf, n, "%.1fk", (double)v / 1e3);
	else
		snprintf(buf, n, "%.1fM", (double)v / 1e6);
}

static void
human_bytes(char *buf, size_t n, int64_t v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)(v < 0 ? -v : v);
	int u = 0;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%s%.0f %s", v < 0 ? "-" : "", d, units[u]);
	else
		snprintf(buf, n, "%s%.1f %s", v < 0 ? "-" : "", d, units[u]);
}

static void
human_ns(char *buf, size_t n, int64_t ns)
{
	double s = (double)ns / 1e9;

	if (ns < 1000)
		snprintf(buf, n, "%lldns", (long long)ns);
	else if (ns < 1000000)
		snprintf(buf, n, "%.1fus", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, n, "%.1fms", (double)ns / 1e6);
	else if (s < 60)
		snprintf(buf, n, "%.1fs", s);
	else if (s < 3600)
		snprintf(buf, n, "%.0fm", s / 60);
	else if (s < 86400 * 2)
		snprintf(buf, n, "%.1fh", s / 3600);
	else
		snprintf(buf, n, "%.1fd", s / 86400);
}

/* How a sample type's values read: bytes, nanoseconds, or a count. */
static void
human_value(char *buf, size_t n, const char *type, int64_t v)
{
	if (strstr(type, "space") || strstr(type, "bytes"))
		human_bytes(buf, n, v);
	else if (strstr(type, "delay") || strstr(type, "cpu") ||
	         strstr(type, "nanoseconds"))
		human_ns(buf, n, v);
	else
		human_count(buf, n, v < 0 ? 0 : (uint64_t)v);
}

static char *
frame_cell(const struct lp_frame *f)
{
	struct lp_str base = lp_path_base(f->file);

	if (!base.n)
		return dupf("%.*s", (int)f->fn.n, f->fn.p);
	return dupf("%.*s %.*s:%lld", (int)f->fn.n, f->fn.p, (int)base.n,
	    base.p, (long long)f->line);
}

static size_t
width(const char *s)
{
	size_t n = 0;

	/* Columns, not bytes: count UTF-8 lead bytes only. */
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
put_cell(struct lp_out *o, const char *s, size_t w, int right, int last)
{
	size_t n = width(s), pad = w > n ? w - n : 0;

	if (right)
		while (pad--)
			lp_out_ch(o, ' ');
	lp_out_raw(o, s, strlen(s));
	if (!right && !last)
		while (pad--)
			lp_out_ch(o, ' ');
	if (!last)
		lp_out_lit(o, "  ");
}

void
sc_table_write(struct lp_clusterer *c, struct lp_out *o,
    const struct lp_cluster_write_opts *w)
{
	static const char *const head[COLS] = { "COUNT", "%", "STATE", "WAIT",
		"VALUE", "BLOCKED AT", "CREATED BY" };
	static const int right[COLS] = { 1, 1, 0, 1, 1, 0, 0 };
	size_t n = lp_clusterer_sort(c, w), rows, i, j, wd[COLS];
	size_t vt = (size_t)-1;
	struct cell *cells;
	char buf[64], buf2[64];
	int show_value, show_wait = 0, show_state = 0;

	if (w->sort == LP_CLUSTER_BY_VALUE)
		vt = w->sort_value;
	else if (lp_clusterer_nvalue_types(c) > 0)
		vt = 0;
	/* A goroutine profile's one value is the count itself. */
	show_value = vt != (size_t)-1 && vt < lp_clusterer_nvalue_types(c) &&
	             strcmp(lp_clusterer_value_name(c, vt), "goroutine") != 0;
	rows = w->top && w->top < n ? w->top : n;
	if (!(cells = calloc(rows + 1, sizeof(*cells))))
		return;
	for (j = 0; j < COLS; j++)
		cells[0].s[j] = strdup(head[j]);
	if (show_value) {
		free(cells[0].s[4]);
		cells[0].s[4] = dupf("%s", lp_clusterer_value_name(c, vt));
		for (char *p = cells[0].s[4]; p && *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	for (i = 0; i < rows; i++) {
		const struct lp_cluster *k = lp_clusterer_get(c, i);
		struct cell *r = &cells[i + 1];
		uint64_t total = lp_clusterer_count(c);
		human_count(buf, sizeof(buf), k->count);
		r->s[0] = strdup(buf);
		r->s[1] = dupf("%.1f%%",
		    total ? 100.0 * (double)k->count / (double)total : 0.0);
		if (k->nstates) {
			show_state = 1;
			if (k->nstates > 1)
				r->s[2] = dupf("%s +%zu", k->states[0].name,
				    k->nstates - 1);
			else
				r->s[2] = dupf("%s", k->states[0].name);
		} else {
			r->s[2] = strdup("-");
		}
		if (k->wait_known) {
			show_wait = 1;
			human_ns(buf, sizeof(buf), k->wait_min);
			human_ns(buf2, sizeof(buf2), k->wait_max);
			r->s[3] = strcmp(buf, buf2) == 0
			              ? strdup(buf)
			              : dupf("%s-%s", buf, buf2);
		} else {
			r->s[3] = strdup("-");
		}
		if (show_value && vt < k->nvals && k->has_val[vt]) {
			human_value(buf, sizeof(buf),
			    lp_clusterer_value_name(c, vt), k->vals[vt]);
			r->s[4] = strdup(buf);
		} else {
			r->s[4] = strdup("-");
		}
		r->s[5] = k->has_site ? frame_cell(&k->site)
		                      : strdup("(no stack)");
		if (k->ncreators) {
			char *f = frame_cell(&k->creators[0].frame);
			r->s[6] = k->ncreators > 1
			              ? dupf("%s +%zu", f ? f : "",
			                    k->ncreators - 1)
			              : dupf("%s", f ? f : "");
			free(f);
		} else {
			r->s[6] = strdup("-");
		}
	}
	for (j = 0; j < COLS; j++) {
		wd[j] = 0;
		for (i = 0; i <= rows; i++)
			if (cells[i].s[j] && width(cells[i].s[j]) > wd[j])
				wd[j] = width(cells[i].s[j]);
	}
	for (i = 0; i <= rows; i++) {
		for (j = 0; j < COLS; j++) {
			if ((j == 2 && !show_state) ||
			    (j == 3 && !show_wait) || (j == 4 && !show_value))
				continue;
			put_cell(o, cells[i].s[j] ? cells[i].s[j] : "?", wd[j],
			    right[j], j == COLS - 1);
		}
		lp_out_ch(o, '\n');
	}
	human_count(buf, sizeof(buf), lp_clusterer_count(c));
	lp_out_raw(o, buf, strlen(buf));
	snprintf(buf2, sizeof(buf2), " in %zu cluster%s", n, n == 1 ? "" : "s");
	lp_out_raw(o, buf2, strlen(buf2));
	if (rows < n) {
		snprintf(buf2, sizeof(buf2), " (top %zu shown)", rows);
		lp_out_raw(o, buf2, strlen(buf2));
	}
	lp_out_ch(o, '\n');
	for (i = 0; i <= rows; i++)
		for (j = 0; j < COLS; j++)
			free(cells[i].s[j]);
	free(cells);
}
