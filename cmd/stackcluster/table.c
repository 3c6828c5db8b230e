/* table.c - the clusters as a table for people (lib/table.h): headed,
 * human units, each row the blocking site and the creator */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stackcluster.h"

/* "fn file:line", the file by its base name. */
static void
frame_cell(struct lp_table *t, const struct lp_frame *f)
{
	struct lp_str base = lp_path_base(f->file);

	if (!base.n)
		lp_table_cellf(t, "%.*s", (int)f->fn.n, f->fn.p);
	else
		lp_table_cellf(t, "%.*s %.*s:%lld", (int)f->fn.n, f->fn.p,
		    (int)base.n, base.p, (long long)f->line);
}

/* How a sample type's values read: bytes, nanoseconds, or a count. */
static const char *
value_text(char *buf, const char *type, int64_t v)
{
	if (strstr(type, "space") || strstr(type, "bytes"))
		return lp_fmt_bytes(buf, (double)v, 0);
	if (strstr(type, "delay") || strstr(type, "cpu") ||
	    strstr(type, "nanoseconds"))
		return lp_fmt_ns(buf, (double)v, 0);
	return lp_fmt_count(buf, (double)v, 0);
}

void
sc_table_write(struct lp_clusterer *c, struct lp_out *o,
    const struct lp_cluster_write_opts *w)
{
	size_t n = lp_clusterer_sort(c, w), rows, i, vt = (size_t)-1;
	uint64_t total = lp_clusterer_count(c);
	int show_value, show_wait = 0, show_state = 0;
	char b[LP_UNIT_BUF], b2[LP_UNIT_BUF], head[64];
	struct lp_table *t;

	(void)o;
	if (w->sort == LP_CLUSTER_BY_VALUE)
		vt = w->sort_value;
	else if (lp_clusterer_nvalue_types(c) > 0)
		vt = 0;
	/* A goroutine profile's one value is the count itself. */
	show_value = vt != (size_t)-1 && vt < lp_clusterer_nvalue_types(c) &&
	             strcmp(lp_clusterer_value_name(c, vt), "goroutine") != 0;
	rows = w->top && w->top < n ? w->top : n;
	for (i = 0; i < rows; i++) {
		const struct lp_cluster *k = lp_clusterer_get(c, i);
		show_state |= k->nstates > 0;
		show_wait |= k->wait_known > 0;
	}
	if (!(t = lp_table_new())) {
		lp_cli_warn(NULL, "out of memory");
		lp_cli_status(LP_EXIT_OSERR);
		return;
	}
	lp_table_column(t, "COUNT", LP_COL_RIGHT);
	lp_table_column(t, "%", LP_COL_RIGHT);
	if (show_state)
		lp_table_column(t, "STATE", LP_COL_SHRINK | LP_COL_OPTIONAL);
	if (show_wait)
		lp_table_column(t, "WAIT", LP_COL_RIGHT | LP_COL_OPTIONAL);
	if (show_value) {
		snprintf(
		    head, sizeof(head), "%s", lp_clusterer_value_name(c, vt));
		for (char *p = head; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		lp_table_column(t, head, LP_COL_RIGHT);
	}
	lp_table_column(t, "BLOCKED AT", LP_COL_SHRINK | LP_COL_CUTLEFT);
	lp_table_column(t, "CREATED BY", LP_COL_SHRINK | LP_COL_CUTLEFT);
	for (i = 0; i < rows; i++) {
		const struct lp_cluster *k = lp_clusterer_get(c, i);
		lp_table_cell(t, lp_fmt_count(b, (double)k->count, 0));
		lp_table_cell(
		    t, lp_fmt_pct(b,
		           total ? 100.0 * (double)k->count / (double)total : 0,
		           0));
		if (show_state) {
			if (k->nstates > 1)
				lp_table_cellf(t, "%s +%zu", k->states[0].name,
				    k->nstates - 1);
			else if (k->nstates)
				lp_table_cell(t, k->states[0].name);
			else
				lp_table_cell(t, "-");
		}
		if (show_wait) {
			if (!k->wait_known) {
				lp_table_cell(t, "-");
			} else {
				lp_fmt_ns(b, (double)k->wait_min, 0);
				lp_fmt_ns(b2, (double)k->wait_max, 0);
				if (strcmp(b, b2) == 0)
					lp_table_cell(t, b);
				else
					lp_table_cellf(t, "%s-%s", b, b2);
			}
		}
		if (show_value) {
			if (vt < k->nvals && k->has_val[vt])
				lp_table_cell(
				    t, value_text(b,
				           lp_clusterer_value_name(c, vt),
				           k->vals[vt]));
			else
				lp_table_cell(t, "-");
		}
		if (k->has_site)
			frame_cell(t, &k->site);
		else
			lp_table_cell(t, "(no stack)");
		if (!k->ncreators) {
			lp_table_cell(t, "-");
		} else if (k->ncreators == 1) {
			frame_cell(t, &k->creators[0].frame);
		} else {
			const struct lp_frame *f = &k->creators[0].frame;
			struct lp_str base = lp_path_base(f->file);
			lp_table_cellf(t, "%.*s %.*s:%lld +%zu", (int)f->fn.n,
			    f->fn.p, (int)base.n, base.p, (long long)f->line,
			    k->ncreators - 1);
		}
	}
	lp_cli_table(t);
	lp_table_free(t);
	lp_fmt_count(b, (double)total, 0);
	lp_out_raw(&lp_cli.out, b, strlen(b));
	snprintf(head, sizeof(head), " in %zu cluster%s", n, n == 1 ? "" : "s");
	lp_out_raw(&lp_cli.out, head, strlen(head));
	if (rows < n) {
		snprintf(head, sizeof(head), " (top %zu shown)", rows);
		lp_out_raw(&lp_cli.out, head, strlen(head));
	}
	lp_out_ch(&lp_cli.out, '\n');
}
