/* progress.c - a progress line on stderr for long work */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "table.h"

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Write all of buf, ignoring failures: a meter never stops the work. */
static void
put(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

void
lp_progress_init(
    struct lp_progress *p, int fd, int mode, const char *prog, const char *what)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->mode = mode;
	p->tty = isatty(fd);
	p->prog = prog;
	p->what = what;
	p->start = now_ns();
	p->delay = 1000000000;
	p->interval = p->tty ? 200000000 : 1000000000;
	if (mode == LP_PROGRESS_AUTO && !p->tty)
		p->mode = LP_PROGRESS_OFF;
	/* Asked for: from the first unit, and a last line at the end. */
	if (mode == LP_PROGRESS_ON)
		p->delay = 0;
}

void
lp_progress_total(struct lp_progress *p, uint64_t units, uint64_t bytes)
{
	p->total_units = units;
	p->total_bytes = bytes;
}

/* printf at buf[*at..n), moving *at; output past n is dropped. */
static void LP_PRINTF(4, 5)
    cat(char *buf, size_t n, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*at >= n)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *at, n - *at, fmt, ap);
	va_end(ap);
	if (w > 0)
		*at += (size_t)w;
}

void
lp_progress_format(
    const struct lp_progress *p, int64_t now, char *buf, size_t n)
{
	char a[LP_UNIT_BUF], b[LP_UNIT_BUF], c[LP_UNIT_BUF];
	double secs = (double)(now - p->start) / 1e9;
	size_t at = 0;

	if (n == 0)
		return;
	buf[0] = '\0';
	cat(buf, n, &at, "%s:", p->prog);
	if (p->what) {
		lp_fmt_count(a, (double)p->units, 0);
		if (p->total_units)
			cat(buf, n, &at, " %s/%s %s (%s)", a,
			    lp_fmt_count(b, (double)p->total_units, 0), p->what,
			    lp_fmt_pct(c,
			        100.0 * (double)p->units /
			            (double)p->total_units,
			        0));
		else
			cat(buf, n, &at, " %s %s", a, p->what);
	}
	if (p->bytes || p->total_bytes || !p->what) {
		cat(buf, n, &at, "%s %s", p->what ? "," : "",
		    lp_fmt_bytes(a, (double)p->bytes, 0));
		if (p->total_bytes && p->bytes <= p->total_bytes &&
		    !(p->what && p->total_units))
			cat(buf, n, &at, "/%s (%s)",
			    lp_fmt_bytes(b, (double)p->total_bytes, 0),
			    lp_fmt_pct(c,
			        100.0 * (double)p->bytes /
			            (double)p->total_bytes,
			        0));
	}
	if (secs <= 0)
		return;
	/* The rate of bytes when there are bytes, else of units. */
	if (p->bytes)
		cat(buf, n, &at, ", %s/s",
		    lp_fmt_bytes(a, (double)p->bytes / secs, 0));
	else if (p->what)
		cat(buf, n, &at, ", %s %s/s",
		    lp_fmt_count(a, (double)p->units / secs, 0), p->what);
}

static void
draw(struct lp_progress *p, int64_t now)
{
	char line[256];
	size_t n;

	lp_progress_format(p, now, line + 1, sizeof(line) - 8);
	n = strlen(line + 1) + 1;
	if (p->tty) {
		line[0] = '\r';
		memcpy(line + n, "\033[K", 3);
		put(p->fd, line, n + 3);
		p->shown = 1;
	} else {
		line[n] = '\n';
		put(p->fd, line + 1, n);
	}
	p->last = now;
}

void
lp_progress_add(struct lp_progress *p, uint64_t units, uint64_t bytes)
{
	int64_t now;

	p->units += units;
	p->bytes += bytes;
	if (p->mode == LP_PROGRESS_OFF)
		return;
	now = now_ns();
	if (now - p->start < p->delay)
		return;
	if (p->last && now - p->last < p->interval)
		return;
	draw(p, now);
}

void
lp_progress_clear(struct lp_progress *p)
{
	if (!p->shown)
		return;
	put(p->fd, "\r\033[K", 4);
	p->shown = 0;
	p->last = 0; /* draw again at the next update */
}

void
lp_progress_done(struct lp_progress *p)
{
	lp_progress_clear(p);
	if (p->mode == LP_PROGRESS_ON && !p->tty && (p->units || p->bytes))
		draw(p, now_ns());
	p->mode = LP_PROGRESS_OFF;
}
