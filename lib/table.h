/* table.h - the view for people: --format, human units, terminal tables */
#ifndef LP_TABLE_H
#define LP_TABLE_H

#include <stddef.h>

#include "attr.h"
#include "emit.h"
#include "error.h"

/*
 * Every analysis program writes records (NDJSON) for pipes, cron and jq,
 * and a table for a person at a terminal.  --format=table|ndjson chooses;
 * without it, a table when stdout is a terminal and NDJSON otherwise.
 */
enum lp_view {
	LP_VIEW_AUTO = 0, /* no --format given */
	LP_VIEW_NDJSON,
	LP_VIEW_TABLE
};

/*
 * Parse a --format value ("table" or "ndjson").  Returns 0 with *f set,
 * or -LP_EUSAGE with err saying what the choices are.
 */
int lp_view_parse(const char *s, enum lp_view *f, struct lp_error *err);

/* LP_VIEW_AUTO becomes TABLE when fd is a terminal, else NDJSON. */
enum lp_view lp_view_resolve(enum lp_view f, int fd);

/*
 * What a table may assume about where it goes.  width 0 means no limit.
 * lp_term_probe fills it from fd and the environment:
 *  - tty: isatty(fd);
 *  - width: COLUMNS when it is a number (20..1000), else the terminal's
 *    width (TIOCGWINSZ) when fd is one, else 0 (a file gets whole rows);
 *  - color: only on a terminal, and never when NO_COLOR is set to
 *    anything non-empty (no-color.org) or TERM is "dumb".
 */
struct lp_term {
	int tty;
	int width;
	int color;
};
void lp_term_probe(struct lp_term *t, int fd);

/*
 * Human units, written into buf (LP_UNIT_BUF bytes are always enough) and
 * returned.  Rounded to about three significant digits: "512B", "1.5kB",
 * "23MB", "1.2GB" (1024-based, as go tool pprof shows them, so figures
 * read the same in both); "850ns", "12µs", "1.5ms", "2.3s", "4.5min",
 * "2.1h"; counts exact below 10000, then "12k", "1.2M", "3.4G";
 * percentages "125%", "5.3%", "0.4%", "<0.1%", "0%".  LP_UNIT_SIGN puts
 * a '+' before positive values (for changes); negatives always get '-'.
 * NaN and infinities are written "-".
 */
#define LP_UNIT_BUF  24
#define LP_UNIT_SIGN 1
const char *lp_fmt_bytes(char *buf, double v, int flags);
const char *lp_fmt_ns(char *buf, double ns, int flags);
const char *lp_fmt_count(char *buf, double v, int flags);
const char *lp_fmt_pct(char *buf, double pct, int flags);

/*
 * A table: columns with headings, then rows of cells, laid out when
 * written.  Cells are copied; control characters and invalid UTF-8 in
 * them (function names come from untrusted files) are shown as '?', so
 * no cell can move the cursor or change colours.
 *
 * Column flags:
 *  LP_COL_RIGHT    right-aligned (numbers); left otherwise
 *  LP_COL_SHRINK   may be cut to fit the width ("…" marks the cut)
 *  LP_COL_CUTLEFT  with SHRINK: cut the start, keep the end (Go function
 *                  names: "…/pkg.(*T).Method" says more than the path)
 *  LP_COL_OPTIONAL may be left out when the table does not fit otherwise
 *                  (rightmost optional column first)
 *
 * Fitting to t->width: shrinkable columns give way first, the widest
 * first, down to 24 columns; then optional columns that do not shrink
 * are left out (rightmost first); then shrinkable ones go down to 12
 * (or their heading); then optional shrinkable ones are left out.  Rows
 * still wider than the terminal wrap as the terminal wraps them.
 *
 * Row styles colour the whole row when colour is on: LP_ROW_ALERT (red:
 * a suspect), LP_ROW_WARN (yellow), LP_ROW_DIM (faint: context).  The
 * heading is bold.  Without colour, styles change nothing, so the text
 * a terminal shows is the text a test sees.
 */
enum {
	LP_COL_RIGHT = 1,
	LP_COL_SHRINK = 2,
	LP_COL_CUTLEFT = 4,
	LP_COL_OPTIONAL = 8
};
enum { LP_ROW_PLAIN = 0, LP_ROW_ALERT, LP_ROW_WARN, LP_ROW_DIM };

struct lp_table;

/* A new, empty table; NULL when out of memory. */
struct lp_table *lp_table_new(void);
void lp_table_free(struct lp_table *t);

/* Add a column (before the first cell).  head is copied.  0 or -LP_E*. */
int lp_table_column(struct lp_table *t, const char *head, int flags);

/*
 * Append a cell to the current row; the row ends after as many cells as
 * there are columns, and the next cell starts a new one.  s may be NULL
 * (an empty cell).  0 or -LP_ENOMEM (the table is then unusable and
 * lp_table_write writes nothing more).
 */
int lp_table_cell(struct lp_table *t, const char *s);
int lp_table_cellf(struct lp_table *t, const char *fmt, ...) LP_PRINTF(2, 3);
/* Style of the current row (call at any time while filling it). */
void lp_table_row_style(struct lp_table *t, int style);

/* Number of complete and partial rows so far. */
size_t lp_table_rows(const struct lp_table *t);

/*
 * Lay the table out for term (NULL: no width limit, no colour) and write
 * it to o: the heading, then every row, each ending in '\n', with two
 * spaces between columns and no trailing blanks.  Returns 0 or -LP_ENOMEM.
 */
int lp_table_write(
    struct lp_table *t, struct lp_out *o, const struct lp_term *term);

#endif
