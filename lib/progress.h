/* progress.h - a progress line on stderr for long work */
#ifndef LP_PROGRESS_H
#define LP_PROGRESS_H

#include <stdint.h>

/*
 * A one-line meter for work a person waits on: units done of the total,
 * bytes, rate.  It writes to the fd it is given (stderr) only:
 *  - LP_PROGRESS_AUTO: when fd is a terminal and the work has gone on for
 *    more than a second (so quick runs, pipes and cron never see it),
 *    redrawn in place ("\r", erase to end of line) a few times a second
 *    and erased when the work is done;
 *  - LP_PROGRESS_ON (--progress): from the start, and also when fd is not
 *    a terminal, then as whole lines, at most one a second, and a last
 *    one when the work is done (for logs);
 *  - LP_PROGRESS_OFF (--no-progress): never.
 *
 *     heapdiff: 412/1000 snapshots (41%), 38MB, 120 snapshots/s
 *     trace2ndjson: 120MB/480MB (25%), 60MB/s
 *
 * Updates are cheap (one monotonic clock read), so call lp_progress_add
 * per unit or per buffer read, not per byte.
 */
enum { LP_PROGRESS_AUTO = 0, LP_PROGRESS_ON, LP_PROGRESS_OFF };

struct lp_progress {
	int fd;
	int mode;
	int tty;
	const char *prog; /* borrowed: "heapdiff" */
	const char *what; /* borrowed: "snapshots"; NULL: bytes alone */
	uint64_t units, total_units;
	uint64_t bytes, total_bytes;
	int64_t start, last; /* monotonic ns */
	int64_t delay;       /* before the first line: 1 s */
	int64_t interval;    /* between lines: 0.2 s, 1 s when not a tty */
	int shown;           /* a line is on the terminal */
};

/*
 * Start a meter on fd for prog's work on what (both borrowed, kept for
 * the meter's life).  Totals may be 0 (unknown).
 */
void lp_progress_init(struct lp_progress *p, int fd, int mode, const char *prog,
    const char *what);
void lp_progress_total(struct lp_progress *p, uint64_t units, uint64_t bytes);

/* Count work done, and redraw when it is time. */
void lp_progress_add(struct lp_progress *p, uint64_t units, uint64_t bytes);

/* Erase the line (before another message goes to the same terminal);
 * the next update draws it again. */
void lp_progress_clear(struct lp_progress *p);

/* The work is over: erase the line (or, forced off a terminal, write
 * the last one). */
void lp_progress_done(struct lp_progress *p);

/* The line as it would be drawn now, into buf[0..n). */
void lp_progress_format(
    const struct lp_progress *p, int64_t now, char *buf, size_t n);

#endif
