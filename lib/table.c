/* table.c - the view for people: --format, human units, terminal tables */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "table.h"
#include "util.h"

int
lp_view_parse(const char *s, enum lp_view *f, struct lp_error *err)
{
	if (strcmp(s, "table") == 0)
		*f = LP_VIEW_TABLE;
	else if (strcmp(s, "ndjson") == 0)
		*f = LP_VIEW_NDJSON;
	else
		return lp_error_set(err, LP_EUSAGE,
		    "unknown format '%.40s' (table or ndjson)", s);
	return 0;
}

enum lp_view
lp_view_resolve(enum lp_view f, int fd)
{
	if (f != LP_VIEW_AUTO)
		return f;
	return isatty(fd) ? LP_VIEW_TABLE : LP_VIEW_NDJSON;
}

void
lp_term_probe(struct lp_term *t, int fd)
{
	const char *cols = getenv("COLUMNS");
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	const char *errstr = NULL;
	unsigned long long w = 0;

	t->tty = isatty(fd);
	t->width = 0;
	if (cols && *cols) {
		w = lp_parse_uint(cols, 20, 1000, &errstr);
		if (!errstr)
			t->width = (int)w;
	}
	if (t->width == 0 && t->tty) {
		struct winsize ws;
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			t->width = ws.ws_col;
		else
			t->width = 80;
	}
	t->color =
	    t->tty && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);
}

/* Units: sign, then the value in the largest unit it reaches. */

struct unit {
	const char *name;
	double factor; /* in the base unit */
};

static const char *
fmt_scaled(char *buf, double v, int flags, const struct unit *u, size_t nu,
    double exact_below)
{
	const char *sign = "";
	double a = fabs(v), x;
	size_t i = 0;

	if (isnan(v) || isinf(v)) {
		snprintf(buf, LP_UNIT_BUF, "-");
		return buf;
	}
	if (v < 0)
		sign = "-";
	else if (v > 0 && (flags & LP_UNIT_SIGN))
		sign = "+";
	if (a < exact_below) {
		snprintf(buf, LP_UNIT_BUF, "%s%.0f%s", sign, a, u[0].name);
		return buf;
	}
	while (i + 1 < nu && a >= u[i + 1].factor)
		i++;
	x = a / u[i].factor;
	/* Rounding may reach the next unit: 1023.7kB is "1.0MB". */
	if (i + 1 < nu && floor(x + 0.5) * u[i].factor >= u[i + 1].factor) {
		i++;
		x = a / u[i].factor;
	}
	if (x < 9.95 && i > 0)
		snprintf(buf, LP_UNIT_BUF, "%s%.1f%s", sign, x, u[i].name);
	else
		snprintf(buf, LP_UNIT_BUF, "%s%.0f%s", sign, x, u[i].name);
	return buf;
}

const char *
lp_fmt_bytes(char *buf, double v, int flags)
{
	static const struct unit u[] = {
		{ "B", 1 },
		{ "kB", 1024.0 },
		{ "MB", 1024.0 * 1024 },
		{ "GB", 1024.0 * 1024 * 1024 },
		{ "TB", 1024.0 * 1024 * 1024 * 1024 },
	};
	return fmt_scaled(buf, v, flags, u, sizeof(u) / sizeof(u[0]), 1024);
}

const char *
lp_fmt_ns(char *buf, double ns, int flags)
{
	static const struct unit u[] = {
		{ "ns", 1 },
		{ "µs", 1e3 },
		{ "ms", 1e6 },
		{ "s", 1e9 },
		{ "min", 60e9 },
		{ "h", 3600e9 },
	};
	return fmt_scaled(buf, ns, flags, u, sizeof(u) / sizeof(u[0]), 1000);
}

const char *
lp_fmt_count(char *buf, double v, int flags)
{
	static const struct unit u[] = {
		{ "", 1 },
		{ "k", 1e3 },
		{ "M", 1e6 },
		{ "G", 1e9 },
		{ "T", 1e12 },
	};
	return fmt_scaled(buf, v, flags, u, sizeof(u) / sizeof(u[0]), 10000);
}

const char *
lp_fmt_pct(char *buf, double pct, int flags)
{
	double a = fabs(pct);
	const char *sign = "";

	if (isnan(pct) || isinf(pct)) {
		snprintf(buf, LP_UNIT_BUF, "-");
		return buf;
	}
	if (pct < 0)
		sign = "-";
	else if (pct > 0 && (flags & LP_UNIT_SIGN))
		sign = "+";
	if (a == 0)
		snprintf(buf, LP_UNIT_BUF, "0%%");
	else if (a < 0.05)
		snprintf(buf, LP_UNIT_BUF, "%s", pct < 0 ? ">-0.1%" : "<0.1%");
	else if (a < 9.95)
		snprintf(buf, LP_UNIT_BUF, "%s%.1f%%", sign, a);
	else
		snprintf(buf, LP_UNIT_BUF, "%s%.0f%%", sign, a);
	return buf;
}

/* The table. */

struct col {
	char *head;
	int flags;
	size_t natural; /* widest cell or heading, in characters */
	size_t width;   /* after fitting */
	int shown;
};

struct lp_table {
	struct col *cols;
	size_t ncols, colcap;
	char **cells; /* row-major, ncols per row */
	size_t ncells, cellcap;
	unsigned char *styles; /* one per row */
	size_t stylecap;
	unsigned char pending; /* style for the row not yet begun */
	int failed;
};

struct lp_table *
lp_table_new(void)
{
	return calloc(1, sizeof(struct lp_table));
}

void
lp_table_free(struct lp_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->ncols; i++)
		free(t->cols[i].head);
	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cols);
	free(t->cells);
	free(t->styles);
	free(t);
}

/*
 * The length of the character at p[0..n): positive for a valid UTF-8
 * sequence that is safe to show, negative for a whole sequence that is
 * not (a C1 control), 0 for a byte that starts no valid sequence.
 */
static ptrdiff_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len;

	if (p[0] < 0x20 || p[0] == 0x7f)
		return -1;
	if (!(len = lp_utf8_len(p, n)))
		return 0;
	/* C1 controls: U+0080..U+009F, two bytes 0xc2 0x80..0x9f. */
	if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		return -2;
	return (ptrdiff_t)len;
}

/* A copy of s safe to show on a terminal; NULL when out of memory. */
static char *
clean_copy(const char *s)
{
	size_t n = strlen(s), i = 0, o = 0;
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	while (i < n) {
		ptrdiff_t l = utf8_len((const unsigned char *)s + i, n - i);
		if (l <= 0) {
			d[o++] = '?';
			i += l < 0 ? (size_t)-l : 1;
		} else {
			memcpy(d + o, s + i, (size_t)l);
			o += (size_t)l;
			i += (size_t)l;
		}
	}
	d[o] = '\0';
	return d;
}

/* Width in characters of clean text (one column per code point). */
static size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* The byte offset of the character k of clean text s (or its end). */
static size_t
char_offset(const char *s, size_t k)
{
	size_t i = 0;

	while (s[i] && k > 0) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		k--;
	}
	return i;
}

int
lp_table_column(struct lp_table *t, const char *head, int flags)
{
	struct col *c;

	if (t->failed || t->ncells > 0)
		return -LP_EUSAGE;
	if (lp_reserve((void **)&t->cols, &t->colcap, t->ncols + 1,
	        sizeof(*t->cols)) < 0) {
		t->failed = 1;
		return -LP_ENOMEM;
	}
	c = &t->cols[t->ncols];
	memset(c, 0, sizeof(*c));
	c->head = clean_copy(head ? head : "");
	if (!c->head) {
		t->failed = 1;
		return -LP_ENOMEM;
	}
	c->flags = flags;
	c->natural = text_width(c->head);
	c->shown = 1;
	t->ncols++;
	return 0;
}

size_t
lp_table_rows(const struct lp_table *t)
{
	return t->ncols ? (t->ncells + t->ncols - 1) / t->ncols : 0;
}

int
lp_table_cell(struct lp_table *t, const char *s)
{
	size_t row, w;
	char *d;

	if (t->failed)
		return -LP_ENOMEM;
	if (t->ncols == 0)
		return -LP_EUSAGE;
	row = t->ncells / t->ncols;
	if (lp_reserve((void **)&t->cells, &t->cellcap, t->ncells + 1,
	        sizeof(*t->cells)) < 0 ||
	    lp_reserve((void **)&t->styles, &t->stylecap, row + 1, 1) < 0 ||
	    !(d = clean_copy(s ? s : ""))) {
		t->failed = 1;
		return -LP_ENOMEM;
	}
	if (t->ncells % t->ncols == 0) {
		t->styles[row] = t->pending;
		t->pending = LP_ROW_PLAIN;
	}
	w = text_width(d);
	if (w > t->cols[t->ncells % t->ncols].natural)
		t->cols[t->ncells % t->ncols].natural = w;
	t->cells[t->ncells++] = d;
	return 0;
}

int
lp_table_cellf(struct lp_table *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return lp_table_cell(t, buf);
}

void
lp_table_row_style(struct lp_table *t, int style)
{
	/* Before the row's first cell, the style waits for the row. */
	if (t->ncols == 0 || t->ncells % t->ncols == 0)
		t->pending = (unsigned char)style;
	else
		t->styles[t->ncells / t->ncols] = (unsigned char)style;
}

/*
 * Shrink the shrinkable shown columns, the widest first, a column at a
 * time, none below floor (or its heading); returns the excess left.
 */
static size_t
shrink(struct lp_table *t, size_t excess, size_t floor)
{
	size_t i;

	while (excess > 0) {
		struct col *w = NULL;
		for (i = 0; i < t->ncols; i++) {
			struct col *c = &t->cols[i];
			size_t minw = text_width(c->head);
			if (minw < floor)
				minw = floor;
			if (c->shown && (c->flags & LP_COL_SHRINK) &&
			    c->width > minw && (!w || c->width >= w->width))
				w = c;
		}
		if (!w)
			break;
		w->width--;
		excess--;
	}
	return excess;
}

/* Hide the rightmost shown optional column with (or without) SHRINK. */
static int
drop(struct lp_table *t, int shrinkable)
{
	size_t i;

	for (i = t->ncols; i-- > 0;) {
		struct col *c = &t->cols[i];
		if (c->shown && (c->flags & LP_COL_OPTIONAL) &&
		    !!(c->flags & LP_COL_SHRINK) == shrinkable) {
			c->shown = 0;
			return 1;
		}
	}
	return 0;
}

/*
 * Fit the shown columns' widths to width (0: no limit): long text gives
 * way down to 24 columns, then optional columns of short text go, then
 * long text down to 12, then optional long text; what is still too wide
 * wraps.
 */
static void
fit(struct lp_table *t, size_t width)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		t->cols[i].shown = 1;
	for (;;) {
		size_t total = 0, n = 0;
		for (i = 0; i < t->ncols; i++) {
			struct col *c = &t->cols[i];
			c->width = c->natural;
			if (!c->shown)
				continue;
			total += c->width + (n ? 2 : 0);
			n++;
		}
		if (width == 0 || total <= width)
			return;
		if (shrink(t, total - width, 24) == 0)
			return;
		if (drop(t, 0))
			continue;
		for (i = 0; i < t->ncols; i++)
			t->cols[i].width = t->cols[i].natural;
		if (shrink(t, total - width, 12) == 0)
			return;
		if (!drop(t, 1))
			return; /* it wraps */
	}
}

static void
spaces(struct lp_out *o, size_t n)
{
	while (n-- > 0)
		lp_out_ch(o, ' ');
}

/* One cell: s cut or padded to c->width; pad after unless last. */
static void
put_cell(struct lp_out *o, const struct col *c, const char *s, int last)
{
	size_t w = text_width(s);

	if (w > c->width) {
		if (c->width == 0)
			return;
		if (c->flags & LP_COL_CUTLEFT) {
			lp_out_lit(o, "…");
			s += char_offset(s, w - (c->width - 1));
			lp_out_raw(o, s, strlen(s));
		} else {
			lp_out_raw(o, s, char_offset(s, c->width - 1));
			lp_out_lit(o, "…");
		}
		return;
	}
	if (c->flags & LP_COL_RIGHT)
		spaces(o, c->width - w);
	lp_out_raw(o, s, strlen(s));
	if (!(c->flags & LP_COL_RIGHT) && !last)
		spaces(o, c->width - w);
}

static void
put_row(struct lp_out *o, const struct lp_table *t, char *const *cells,
    size_t ncells, const char *on, int color)
{
	size_t i, last = 0, first = 1;

	/* The row ends at its last shown non-empty cell: no trailing
	 * blanks. */
	for (i = 0; i < t->ncols && i < ncells; i++)
		if (t->cols[i].shown && cells[i][0])
			last = i;
	if (color && on)
		lp_out_raw(o, on, strlen(on));
	for (i = 0; i <= last; i++) {
		if (!t->cols[i].shown)
			continue;
		if (!first)
			lp_out_lit(o, "  ");
		first = 0;
		put_cell(o, &t->cols[i], i < ncells ? cells[i] : "", i == last);
	}
	if (color && on)
		lp_out_lit(o, "\033[0m");
	lp_out_ch(o, '\n');
}

int
lp_table_write(struct lp_table *t, struct lp_out *o, const struct lp_term *term)
{
	static const char *const style_on[] = {
		[LP_ROW_PLAIN] = NULL,
		[LP_ROW_ALERT] = "\033[31m",
		[LP_ROW_WARN] = "\033[33m",
		[LP_ROW_DIM] = "\033[2m",
	};
	int color = term && term->color;
	size_t r, rows, i;
	char **heads;

	if (t->failed)
		return -LP_ENOMEM;
	if (t->ncols == 0)
		return 0;
	fit(t, term && term->width > 0 ? (size_t)term->width : 0);
	heads = malloc(t->ncols * sizeof(*heads));
	if (!heads)
		return -LP_ENOMEM;
	for (i = 0; i < t->ncols; i++)
		heads[i] = t->cols[i].head;
	put_row(o, t, heads, t->ncols, "\033[1m", color);
	free(heads);
	rows = lp_table_rows(t);
	for (r = 0; r < rows; r++) {
		size_t n = t->ncells - r * t->ncols;
		unsigned s = t->styles[r];
		if (n > t->ncols)
			n = t->ncols;
		put_row(o, t, t->cells + r * t->ncols, n,
		    s < sizeof(style_on) / sizeof(style_on[0]) ? style_on[s]
		                                               : NULL,
		    color);
	}
	return 0;
}
