/* cli.c - program name, messages, exit status and stdout for every main */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"
#include "record.h"

struct lp_cli lp_cli;

void
lp_cli_init(const char *prog)
{

	lp_cli.prog = prog;
	lp_cli.status = LP_EXIT_OK;
	if (lp_out_init(&lp_cli.out, 1, (size_t)256 << 10) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(LP_EXIT_OSERR);
	}
	/* Block-buffered, flushed after every input unit (before the next
	 * read that may block) and at exit; per record on a terminal, where
	 * a person is watching (not on any character device: /dev/null is
	 * one).  -u asks for per record anywhere. */
	if (isatty(1))
		lp_cli.out.unbuffered = 1;
}

int
lp_cli_exit_status(int code)
{
	switch (code) {
	case LP_OK: return LP_EXIT_OK;
	case LP_EDATA:
	case LP_ELIMIT: return LP_EXIT_DATAERR;
	case LP_ENOINPUT: return LP_EXIT_NOINPUT;
	case LP_EIO: return LP_EXIT_IOERR;
	case LP_ENOMEM: return LP_EXIT_OSERR;
	case LP_EUSAGE: return LP_EXIT_USAGE;
	default: return LP_EXIT_SOFTWARE;
	}
}

void
lp_cli_status(int status)
{
	/* Any failure beats success; otherwise the first failure stays. */
	if (lp_cli.status == LP_EXIT_OK)
		lp_cli.status = status;
}

static void
vwarn(const char *src, const char *fmt, va_list ap)
{
	char msg[1024];
	int n = 0;

	/* Our own stdout first, so messages and records interleave sanely
	 * when both go to a terminal. */
	if (lp_cli.out.unbuffered)
		lp_out_flush(&lp_cli.out);
	if (lp_cli.meter)
		lp_progress_clear(lp_cli.meter);
	if (src)
		n = snprintf(msg, sizeof(msg), "%s: %s: ", lp_cli.prog, src);
	else
		n = snprintf(msg, sizeof(msg), "%s: ", lp_cli.prog);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	/* One line, and no terminal control from the input: a member's
	 * name or a quoted line may carry ESC sequences or a newline. */
	for (n = 0; msg[n]; n++)
		if (((unsigned char)msg[n] < 0x20 && msg[n] != '\t') ||
		    msg[n] == 0x7f)
			msg[n] = '?';
	fprintf(stderr, "%s\n", msg);
}

void
lp_cli_warn(const char *src, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(src, fmt, ap);
	va_end(ap);
}

void
lp_cli_fail(const char *src, const struct lp_error *err)
{
	lp_cli_warn(src, "%s", err->msg);
	lp_cli_status(lp_cli_exit_status(err->code));
	if (lp_cli.strict)
		lp_cli_exit();
}

void
lp_cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(NULL, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", lp_cli.prog);
	exit(LP_EXIT_USAGE);
}

/* After --help or --version: stdout written by stdio, checked. */
LP_NORETURN static void
exit_stdio(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		exit(LP_EXIT_OK);
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	fprintf(stderr, "%s: write error: %s\n", lp_cli.prog,
	    strerror(errno ? errno : EIO));
	exit(LP_EXIT_IOERR);
}

int
lp_cli_getopt(
    int argc, char **argv, const char *opts, const struct option *longopts)
{
	char *argv0 = argv[0];
	int c;

	/* getopt names the program after argv[0]: its name, not the path
	 * it was run by. */
	argv[0] = (char *)(uintptr_t)lp_cli.prog;
	c = getopt_long(argc, argv, opts, longopts, NULL);
	argv[0] = argv0;
	return c;
}

int
lp_cli_common_opt(int opt, const char *usage)
{
	switch (opt) {
	case 'h': fputs(usage, stdout); exit_stdio();
	case LP_OPT_VERSION:
		printf("%s (leakpipe) %s\n", lp_cli.prog, LP_VERSION);
		exit_stdio();
	case 'u': lp_cli.out.unbuffered = 1; return 1;
	case LP_OPT_STRICT: lp_cli.strict = 1; return 1;
	case LP_OPT_PROGRESS: lp_cli.progress = LP_PROGRESS_ON; return 1;
	case LP_OPT_NO_PROGRESS: lp_cli.progress = LP_PROGRESS_OFF; return 1;
	}
	return 0;
}

void
lp_cli_check_output(void)
{
	int e = lp_cli.out.err;

	if (!e)
		return;
	if (e == EPIPE) {
		/* The reader left (| head).  SIGPIPE was ignored by whoever
		 * started us, or we would be dead already: die of it now,
		 * quietly, as git's check_pipe does. */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		exit(LP_EXIT_IOERR);
	}
	fprintf(stderr, "%s: write error: %s\n", lp_cli.prog, strerror(e));
	exit(LP_EXIT_IOERR);
}

void
lp_cli_exit(void)
{
	if (lp_cli.meter)
		lp_cli_progress_done(lp_cli.meter);
	lp_out_flush(&lp_cli.out);
	lp_cli_check_output();
	if (close(1) < 0 && errno != EBADF && errno != EINTR) {
		lp_cli.out.err = errno;
		lp_cli_check_output();
	}
	lp_out_release(&lp_cli.out);
	exit(lp_cli.status);
}

static void
diag_print(void *ctx, const char *msg)
{
	lp_cli_warn(ctx, "%s", msg);
	lp_cli_status(LP_EXIT_DATAERR);
	/* --strict: a line that is not understood is a bad unit too. */
	if (lp_cli.strict)
		lp_cli_exit();
}

void
lp_cli_diag_src(void *ctx, const char *src, const char *msg)
{
	(void)ctx;
	diag_print((void *)(uintptr_t)src, msg);
}

void
lp_cli_diag_init(struct lp_diag *d, const char *src)
{
	d->fn = diag_print;
	d->ctx = (void *)(uintptr_t)src;
	d->count = 0;
}

void
lp_cli_each_unit(const char *path,
    void (*each)(struct lp_input *in, const struct lp_unit *u, void *ctx),
    void *ctx)
{
	struct lp_error err = { 0, "" };
	struct lp_input *in = lp_input_open(path, &err);
	struct lp_unit u;
	int rc;

	lp_cli_stdin_hint(path);
	if (!in) {
		lp_cli_fail(path, &err);
		return;
	}
	while ((rc = lp_input_begin(in, &u, &err)) != 0) {
		if (rc < 0)
			lp_cli_fail(u.src, &err);
		else
			each(in, &u, ctx);
	}
	lp_input_free(in);
}

enum lp_view
lp_cli_view_opt(const char *arg)
{
	struct lp_error err = { 0, "" };
	enum lp_view v = LP_VIEW_AUTO;

	if (lp_view_parse(arg, &v, &err) < 0)
		lp_cli_usage("%s", err.msg);
	return v;
}

enum lp_view
lp_cli_view(enum lp_view asked)
{
	return lp_view_resolve(asked, 1);
}

LP_NORETURN static void
out_of_memory(void)
{
	lp_cli_warn(NULL, "out of memory");
	lp_cli.status = LP_EXIT_OSERR;
	lp_cli_exit();
}

void
lp_cli_table(struct lp_table *t)
{
	struct lp_term term;

	lp_term_probe(&term, 1);
	if (lp_table_write(t, &lp_cli.out, &term) < 0)
		out_of_memory();
	lp_cli_check_output();
}

const struct lp_frame *
lp_cli_frames(const struct lp_stack *s)
{
	const struct lp_frame *f = lp_stack_frames(s);

	if (s && s->n && !f)
		out_of_memory();
	return f;
}

void
lp_cli_progress_start(struct lp_progress *p, const char *what)
{
	lp_progress_init(p, 2, lp_cli.progress, lp_cli.prog, what);
	lp_cli.meter = p;
}

void
lp_cli_progress_files(struct lp_progress *p, char *const *paths, int n)
{
	uint64_t total = 0;
	struct stat st;
	int i;

	/* Standard input, a URL or a pipe has no size to know ahead. */
	for (i = 0; i < n; i++) {
		if (stat(paths[i], &st) < 0 || !S_ISREG(st.st_mode))
			return;
		total += (uint64_t)st.st_size;
	}
	lp_progress_total(p, p->total_units, total);
}

void
lp_cli_progress_done(struct lp_progress *p)
{
	lp_progress_done(p);
	if (lp_cli.meter == p)
		lp_cli.meter = NULL;
}

void
lp_cli_stdin_hint(const char *path)
{
	if (strcmp(path, "-") != 0 || !isatty(0))
		return;
	lp_cli_warn(NULL,
	    "reading %s from the terminal (standard input); end with "
	    "Ctrl-D, or give a FILE or URL (--help)",
	    lp_cli.reads ? lp_cli.reads : "input");
}

int
lp_cli_records_open(struct lp_records *r, const char *path)
{
	struct lp_error err = { 0, "" };

	lp_cli_stdin_hint(path);
	if (lp_records_open(r, path, &err) < 0) {
		lp_cli_fail(path, &err);
		return -1;
	}
	return 0;
}
