/* table_test.c - formats, human units, and tables fitted to a width */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "leakpipe.h"
#include "test.h"

static struct lp_out o;

static void
reset(void)
{
	lp_out_release(&o);
	lp_out_init(&o, -1, 64);
}

/* The written table as a C string (o's buffer, terminated). */
static const char *
text(void)
{
	lp_out_ch(&o, '\0');
	return o.buf;
}

TEST(format_parse)
{
	struct lp_error err = { 0, "" };
	enum lp_view f = LP_VIEW_AUTO;

	CHECK_INT(lp_view_parse("table", &f, &err), 0);
	CHECK_INT(f, LP_VIEW_TABLE);
	CHECK_INT(lp_view_parse("ndjson", &f, &err), 0);
	CHECK_INT(f, LP_VIEW_NDJSON);
	CHECK_INT(lp_view_parse("json", &f, &err), -LP_EUSAGE);
	CHECK_STR(err.msg, "unknown format 'json' (table or ndjson)");
	CHECK_INT(f, LP_VIEW_NDJSON);
}

TEST(format_resolve)
{
	CHECK_INT(lp_view_resolve(LP_VIEW_TABLE, -1), LP_VIEW_TABLE);
	CHECK_INT(lp_view_resolve(LP_VIEW_NDJSON, -1), LP_VIEW_NDJSON);
	/* Not a terminal (a closed descriptor is not one either). */
	CHECK_INT(lp_view_resolve(LP_VIEW_AUTO, -1), LP_VIEW_NDJSON);
}

TEST(term_probe_not_a_tty)
{
	struct lp_term t;

	setenv("COLUMNS", "100", 1);
	unsetenv("NO_COLOR");
	lp_term_probe(&t, -1);
	CHECK_INT(t.tty, 0);
	CHECK_INT(t.width, 100);
	CHECK_INT(t.color, 0); /* never colour off a terminal */
	setenv("COLUMNS", "abc", 1);
	lp_term_probe(&t, -1);
	CHECK_INT(t.width, 0);
	setenv("COLUMNS", "5", 1); /* below 20: ignored */
	lp_term_probe(&t, -1);
	CHECK_INT(t.width, 0);
	unsetenv("COLUMNS");
	lp_term_probe(&t, -1);
	CHECK_INT(t.width, 0);
}

TEST(bytes)
{
	char b[LP_UNIT_BUF];

	CHECK_STR(lp_fmt_bytes(b, 0, 0), "0B");
	CHECK_STR(lp_fmt_bytes(b, 512, 0), "512B");
	CHECK_STR(lp_fmt_bytes(b, 1023, 0), "1023B");
	CHECK_STR(lp_fmt_bytes(b, 1024, 0), "1.0kB");
	CHECK_STR(lp_fmt_bytes(b, 1536, 0), "1.5kB");
	CHECK_STR(lp_fmt_bytes(b, 10.2 * 1024, 0), "10kB");
	CHECK_STR(lp_fmt_bytes(b, 9.97 * 1024, 0), "10kB");
	CHECK_STR(lp_fmt_bytes(b, 1023.7 * 1024, 0), "1.0MB");
	CHECK_STR(lp_fmt_bytes(b, 23.4 * 1048576, 0), "23MB");
	CHECK_STR(lp_fmt_bytes(b, 1.25 * 1073741824, 0), "1.2GB");
	CHECK_STR(lp_fmt_bytes(b, 3e15, 0), "2728TB");
	CHECK_STR(lp_fmt_bytes(b, -1536, 0), "-1.5kB");
	CHECK_STR(lp_fmt_bytes(b, 1536, LP_UNIT_SIGN), "+1.5kB");
	CHECK_STR(lp_fmt_bytes(b, 0, LP_UNIT_SIGN), "0B");
	CHECK_STR(lp_fmt_bytes(b, NAN, 0), "-");
	CHECK_STR(lp_fmt_bytes(b, INFINITY, 0), "-");
}

TEST(durations)
{
	char b[LP_UNIT_BUF];

	CHECK_STR(lp_fmt_ns(b, 850, 0), "850ns");
	CHECK_STR(lp_fmt_ns(b, 12e3, 0), "12µs");
	CHECK_STR(lp_fmt_ns(b, 1.5e6, 0), "1.5ms");
	CHECK_STR(lp_fmt_ns(b, 999.7e6, 0), "1.0s");
	CHECK_STR(lp_fmt_ns(b, 2.3e9, 0), "2.3s");
	CHECK_STR(lp_fmt_ns(b, 59.7e9, 0), "1.0min");
	CHECK_STR(lp_fmt_ns(b, 270e9, 0), "4.5min");
	CHECK_STR(lp_fmt_ns(b, 7560e9, 0), "2.1h");
	CHECK_STR(lp_fmt_ns(b, 100 * 3600e9, 0), "100h");
	CHECK_STR(lp_fmt_ns(b, -2e6, LP_UNIT_SIGN), "-2.0ms");
}

TEST(counts)
{
	char b[LP_UNIT_BUF];

	CHECK_STR(lp_fmt_count(b, 0, 0), "0");
	CHECK_STR(lp_fmt_count(b, 9999, 0), "9999");
	CHECK_STR(lp_fmt_count(b, 12345, 0), "12k");
	CHECK_STR(lp_fmt_count(b, 999600, 0), "1.0M");
	CHECK_STR(lp_fmt_count(b, 1.23e6, 0), "1.2M");
	CHECK_STR(lp_fmt_count(b, 3.4e9, 0), "3.4G");
	CHECK_STR(lp_fmt_count(b, 48, LP_UNIT_SIGN), "+48");
	CHECK_STR(lp_fmt_count(b, -48, 0), "-48");
}

TEST(percentages)
{
	char b[LP_UNIT_BUF];

	CHECK_STR(lp_fmt_pct(b, 125.00002801492725, 0), "125%");
	CHECK_STR(lp_fmt_pct(b, 5.34, 0), "5.3%");
	CHECK_STR(lp_fmt_pct(b, 9.96, 0), "10%");
	CHECK_STR(lp_fmt_pct(b, 0.4, 0), "0.4%");
	CHECK_STR(lp_fmt_pct(b, 0.01, 0), "<0.1%");
	CHECK_STR(lp_fmt_pct(b, -0.01, 0), ">-0.1%");
	CHECK_STR(lp_fmt_pct(b, 0, LP_UNIT_SIGN), "0%");
	CHECK_STR(lp_fmt_pct(b, 50, LP_UNIT_SIGN), "+50%");
	CHECK_STR(lp_fmt_pct(b, -50, 0), "-50%");
	CHECK_STR(lp_fmt_pct(b, NAN, 0), "-");
}

static struct lp_table *
sample(void)
{
	struct lp_table *t = lp_table_new();

	lp_table_column(t, "flat", LP_COL_RIGHT);
	lp_table_column(t, "flat%", LP_COL_RIGHT);
	lp_table_column(t, "verdict", 0);
	lp_table_column(t, "function", LP_COL_SHRINK | LP_COL_CUTLEFT);
	lp_table_column(t, "site", LP_COL_OPTIONAL);
	lp_table_row_style(t, LP_ROW_ALERT);
	lp_table_cell(t, "23MB");
	lp_table_cell(t, "125%");
	lp_table_cell(t, "growing");
	lp_table_cell(t, "main.(*cache).put");
	lp_table_cell(t, "main.go:42");
	lp_table_cell(t, "512B");
	lp_table_cell(t, "0.4%");
	lp_table_cell(t, "");
	lp_table_cell(t, "runtime.malg");
	lp_table_cell(t, NULL);
	return t;
}

TEST(table_natural)
{
	struct lp_table *t = sample();

	reset();
	CHECK_INT(lp_table_rows(t), 2);
	CHECK_INT(lp_table_write(t, &o, NULL), 0);
	CHECK_STR(text(),
	    "flat  flat%  verdict  function           site\n"
	    "23MB   125%  growing  main.(*cache).put  main.go:42\n"
	    "512B   0.4%           runtime.malg\n");
	lp_table_free(t);
}

TEST(table_shrinks_then_drops)
{
	struct lp_table *t = sample();
	struct lp_term term = { 0, 42, 0 };

	/* 51 wide.  The function (17) is under 24, so at 42 and at 46 the
	 * short optional site goes first, and the function keeps its room. */
	reset();
	lp_table_write(t, &o, &term);
	CHECK_STR(text(), "flat  flat%  verdict  function\n"
	                  "23MB   125%  growing  main.(*cache).put\n"
	                  "512B   0.4%           runtime.malg\n");
	reset();
	term.width = 46;
	lp_table_write(t, &o, &term);
	CHECK_STR(text(), "flat  flat%  verdict  function\n"
	                  "23MB   125%  growing  main.(*cache).put\n"
	                  "512B   0.4%           runtime.malg\n");
	lp_table_free(t);
}

TEST(table_long_text_gives_way_in_stages)
{
	struct lp_table *t = lp_table_new();
	struct lp_term term = { 0, 0, 0 };
	static const char fn[] =
	    "github.com/acme/shop/internal/cart.(*Cart).Add";
	static const char site[] =
	    "github.com/acme/shop/internal/cart.load x.go:12";

	lp_table_column(t, "n", LP_COL_RIGHT);
	lp_table_column(t, "up/down", LP_COL_OPTIONAL | LP_COL_RIGHT);
	lp_table_column(t, "function", LP_COL_SHRINK | LP_COL_CUTLEFT);
	lp_table_column(
	    t, "site", LP_COL_SHRINK | LP_COL_CUTLEFT | LP_COL_OPTIONAL);
	lp_table_cell(t, "1");
	lp_table_cell(t, "3/0");
	lp_table_cell(t, fn);
	lp_table_cell(t, site);
	/* 1+2+7+2+46+2+47 = 107.  At 80: both long columns shrink, widest
	 * first, to 33 each, and up/down stays. */
	reset();
	term.width = 80;
	lp_table_write(t, &o, &term);
	CHECK_STR(text(),
	    "n  up/down  function                           site\n"
	    "1      3/0  …e/shop/internal/cart.(*Cart).Add  "
	    "…/shop/internal/cart.load x.go:12\n");
	/* At 55 they cannot both keep 24: up/down goes first, then they
	 * share what is left. */
	reset();
	term.width = 55;
	lp_table_write(t, &o, &term);
	CHECK_STR(text(),
	    "n  function                   site\n"
	    "1  …nternal/cart.(*Cart).Add  …ternal/cart.load x.go:12\n");
	/* At 35 they go below 24, to 15 each, before the site is left out. */
	reset();
	term.width = 35;
	lp_table_write(t, &o, &term);
	CHECK_STR(text(), "n  function         site\n"
	                  "1  …rt.(*Cart).Add  …t.load x.go:12\n");
	/* At 20 even 12 each is too wide: the site goes, the function
	 * takes what is left. */
	reset();
	term.width = 20;
	lp_table_write(t, &o, &term);
	CHECK_STR(text(), "n  function\n"
	                  "1  …cart.(*Cart).Add\n");
	lp_table_free(t);
}

TEST(table_cut_right_and_too_narrow)
{
	struct lp_table *t = lp_table_new();
	struct lp_term term = { 0, 20, 0 };

	lp_table_column(t, "n", LP_COL_RIGHT);
	lp_table_column(t, "name", LP_COL_SHRINK);
	lp_table_cell(t, "1");
	lp_table_cell(t, "abcdefghijklmnopqrstuvwxyz");
	reset();
	lp_table_write(t, &o, &term);
	CHECK_STR(text(), "n  name\n"
	                  "1  abcdefghijklmnop…\n");
	/* Nothing left to give: the row is written whole and wraps. */
	term.width = 20;
	lp_table_free(t);
	t = lp_table_new();
	lp_table_column(t, "count", LP_COL_RIGHT);
	lp_table_column(t, "stack", 0);
	lp_table_cell(t, "7");
	lp_table_cell(t, "a-long-unshrinkable-text");
	reset();
	lp_table_write(t, &o, &term);
	CHECK_STR(text(), "count  stack\n"
	                  "    7  a-long-unshrinkable-text\n");
	lp_table_free(t);
}

TEST(table_colour)
{
	struct lp_table *t = sample();
	struct lp_term term = { 1, 0, 1 };

	reset();
	lp_table_write(t, &o, &term);
	CHECK_STR(text(),
	    "\033[1mflat  flat%  verdict  function           site\033[0m\n"
	    "\033[31m23MB   125%  growing  main.(*cache).put  main.go:42"
	    "\033[0m\n"
	    "512B   0.4%           runtime.malg\n");
	lp_table_free(t);
}

TEST(table_cleans_cells)
{
	struct lp_table *t = lp_table_new();

	/* An escape sequence, a C1 control, a bad byte; é is kept and is
	 * one column wide. */
	lp_table_column(t, "fn", 0);
	lp_table_column(t, "n", LP_COL_RIGHT);
	lp_table_cell(t, "a\033[2Jb\xc2\x9b\xff");
	lp_table_cell(t, "1");
	lp_table_cell(t, "caf\xc3\xa9");
	lp_table_cell(t, "22");
	reset();
	lp_table_write(t, &o, NULL);
	CHECK_STR(text(), "fn         n\n"
	                  "a?[2Jb??   1\n"
	                  "caf\xc3\xa9      22\n");
	lp_table_free(t);
}

TEST(table_cellf_and_errors)
{
	struct lp_table *t = lp_table_new();

	CHECK_INT(lp_table_cell(t, "x"), -LP_EUSAGE); /* no columns yet */
	lp_table_column(t, "a", 0);
	CHECK_INT(lp_table_cellf(t, "%d-%s", 7, "x"), 0);
	CHECK_INT(lp_table_column(t, "late", 0), -LP_EUSAGE);
	reset();
	lp_table_write(t, &o, NULL);
	CHECK_STR(text(), "a\n7-x\n");
	lp_table_free(t);
	lp_table_free(NULL);
}

/* The progress meter (lib/progress.h) shares the units. */

TEST(progress_format)
{
	struct lp_progress p;
	char line[256];

	lp_progress_init(&p, -1, LP_PROGRESS_AUTO, "heapdiff", "snapshots");
	CHECK_INT(p.mode, LP_PROGRESS_OFF); /* not a terminal */
	lp_progress_total(&p, 1000, 0);
	lp_progress_add(&p, 412, 38 * 1048576);
	lp_progress_format(&p, p.start + 2000000000, line, sizeof(line));
	CHECK_STR(line, "heapdiff: 412/1000 snapshots (41%), 38MB, 19MB/s");
	p.bytes = 0;
	lp_progress_format(&p, p.start + 4000000000, line, sizeof(line));
	CHECK_STR(line, "heapdiff: 412/1000 snapshots (41%), 103 snapshots/s");

	lp_progress_init(&p, -1, LP_PROGRESS_ON, "trace2ndjson", NULL);
	lp_progress_total(&p, 0, 480 * 1048576);
	lp_progress_add(&p, 0, 120 * 1048576);
	lp_progress_format(&p, p.start + 2000000000, line, sizeof(line));
	CHECK_STR(line, "trace2ndjson: 120MB/480MB (25%), 60MB/s");
	/* A short buffer is cut, and still terminated. */
	lp_progress_format(&p, p.start + 2000000000, line, 10);
	CHECK_STR(line, "trace2ndj");
	/* Past its total (a compressed file reads as more): no total. */
	lp_progress_add(&p, 0, 480 * 1048576);
	lp_progress_format(&p, p.start + 2000000000, line, sizeof(line));
	CHECK_STR(line, "trace2ndjson: 600MB, 300MB/s");
}

TEST(progress_lines_off_a_terminal)
{
	struct lp_progress p;
	char path[300], buf[512];
	FILE *f;
	size_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/err", test_tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	/* AUTO off a terminal: nothing, however long the work. */
	lp_progress_init(&p, fd, LP_PROGRESS_AUTO, "x", "units");
	p.delay = 0;
	lp_progress_add(&p, 1, 0);
	/* ON: whole lines, after the delay, one per interval. */
	lp_progress_init(&p, fd, LP_PROGRESS_ON, "x", "units");
	p.delay = 0;
	p.interval = 0;
	lp_progress_add(&p, 1, 0);
	lp_progress_add(&p, 1, 0);
	p.interval = 3600000000000;
	lp_progress_add(&p, 1, 0); /* too soon */
	lp_progress_done(&p);      /* the last line */
	lp_progress_add(&p, 1, 0); /* done: nothing more */
	close(fd);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Rates depend on the clock: keep the start of each line. */
	CHECK(strncmp(buf, "x: 1 units, ", 12) == 0);
	CHECK(strstr(buf, "\nx: 2 units, ") != NULL);
	CHECK(strstr(buf, "\nx: 3 units, ") != NULL);
	CHECK(strstr(buf, "x: 4") == NULL);
	CHECK(strchr(buf, '\r') == NULL);
	CHECK_INT(buf[n - 1], '\n');
	{
		size_t lines = 0, i;
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
		CHECK_INT(lines, 3);
	}
}
