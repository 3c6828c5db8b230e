/* cli.h - what every program's main shares: name, messages, exit status */
#ifndef LP_CLI_H
#define LP_CLI_H

#include "attr.h"
#include "emit.h"
#include "error.h"

#define LP_VERSION "0.1.0"

/* Exit statuses (leakpipe(7) is the contract; these are sysexits values). */
#define LP_EXIT_OK       0
#define LP_EXIT_USAGE    64
#define LP_EXIT_DATAERR  65
#define LP_EXIT_NOINPUT  66
#define LP_EXIT_NOMATCH  67 /* no input had what the options asked for */
#define LP_EXIT_SOFTWARE 70
#define LP_EXIT_OSERR    71
#define LP_EXIT_IOERR    74

/* Options every program takes (values of getopt_long's val). */
enum {
	LP_OPT_VERSION = 0x1000,
	LP_OPT_STRICT,
	LP_OPT_PROGRESS,
	LP_OPT_NO_PROGRESS,
	LP_OPT_FIRST_PRIVATE /* programs number their own options from here */
};

/* Laid out by hand: clang-format cannot lay out initializers in a macro. */
/* clang-format off */
#define LP_CLI_COMMON_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, LP_OPT_VERSION }, \
	{ "strict", no_argument, NULL, LP_OPT_STRICT }, \
	{ "unbuffered", no_argument, NULL, 'u' }

/* For programs with long work (their man page lists them). */
#define LP_CLI_PROGRESS_LONGOPTS \
	{ "progress", no_argument, NULL, LP_OPT_PROGRESS }, \
	{ "no-progress", no_argument, NULL, LP_OPT_NO_PROGRESS }
/* clang-format on */

/* The program's state; one per process (this module alone holds globals). */
struct lp_cli {
	const char *prog;
	int status;   /* worst exit status so far */
	int strict;   /* stop at the first bad unit */
	int progress; /* LP_PROGRESS_AUTO, _ON (--progress), _OFF */
	struct lp_progress *meter; /* the meter on stderr, if any */
	const char *reads; /* what the program reads: "a profile, dump..." */
	struct lp_out out; /* stdout */
};

extern struct lp_cli lp_cli;

/* Set the program name and open the stdout writer. */
void lp_cli_init(const char *prog);

/*
 * Handle a common option (h, u, --version, --strict, --progress,
 * --no-progress).  Returns 1 when it
 * was one, 0 otherwise.  usage is printed for -h.
 */
int lp_cli_common_opt(int opt, const char *usage);

/* getopt_long (no longindex), its messages naming the program, not the
 * path it was run by. */
struct option;
int lp_cli_getopt(
    int argc, char **argv, const char *opts, const struct option *longopts);

/*
 * "PROG: SRC: message" to stderr; src may be NULL.  SRC is the unit's
 * name exactly as its records' "src" has it ("-" for stdin,
 * "ARCHIVE:MEMBER"), so a message leads to the records it is about.
 */
void lp_cli_warn(const char *src, const char *fmt, ...) LP_PRINTF(2, 3);

/*
 * Report a failed library call for src, and remember the exit status its
 * code maps to.  Under --strict, exits at once.
 */
void lp_cli_fail(const char *src, const struct lp_error *err);

/* Remember an exit status (the worst one wins). */
void lp_cli_status(int status);

/* The sysexits status for an LP_E* code. */
int lp_cli_exit_status(int code);

/* Misuse: "PROG: message" and a hint, then exit 64. */
LP_NORETURN void lp_cli_usage(const char *fmt, ...) LP_PRINTF(1, 2);

/*
 * Flush stdout if its writer failed or the reader left, and leave the way
 * DESIGN.md says: quietly on a closed pipe, 74 on other write errors.
 * Call after each unit so `| head` ends the work early.
 */
void lp_cli_check_output(void);

/* Flush, close stdout, and exit with the worst status seen. */
LP_NORETURN void lp_cli_exit(void);

/*
 * Every input unit of path ("-" = stdin) in turn: each(in, u, ctx) gets
 * the unit begun with lp_input_begin, and reads the rest itself, whole
 * (lp_input_slurp) or streamed (lp_input_read).  A path that cannot be
 * opened, or a unit that cannot be begun, is reported with lp_cli_fail
 * and the others still go through.  Reading "-" from a terminal first
 * says on stderr what the program waits for (lp_cli_stdin_hint).
 */
struct lp_input;
struct lp_unit;
void lp_cli_each_unit(const char *path,
    void (*each)(struct lp_input *in, const struct lp_unit *u, void *ctx),
    void *ctx);

/*
 * --format: the view a --format=VALUE asks for (a bad value is misuse,
 * exit 64), and the view to use (lp_view_resolve on stdout: a table on a
 * terminal, NDJSON otherwise).
 */
#include "table.h"
enum lp_view lp_cli_view_opt(const char *arg);
enum lp_view lp_cli_view(enum lp_view asked);

/*
 * Write table t to stdout, laid out for it (lp_term_probe on fd 1: width,
 * colour).  Out of memory is reported and exits 71.
 */
void lp_cli_table(struct lp_table *t);

/* The frames of stack s (lp_stack_frames: a profile's are made when first
 * asked for); out of memory is reported and exits 71. */
#include "stack.h"
const struct lp_frame *lp_cli_frames(const struct lp_stack *s);

/*
 * A progress meter on stderr for long work on what ("snapshots"; NULL for
 * bytes alone), as --progress/--no-progress say (lib/progress.h).
 * Messages erase it before they are printed.  End it with
 * lp_cli_progress_done before p goes away.
 */
#include "progress.h"
void lp_cli_progress_start(struct lp_progress *p, const char *what);
void lp_cli_progress_done(struct lp_progress *p);

/*
 * The meter's byte total: the sizes of the n files named, when all are
 * regular files (not "-", a URL or a pipe).  A compressed file reads as
 * more bytes than its size; the meter then drops the total.
 */
void lp_cli_progress_files(struct lp_progress *p, char *const *paths, int n);

/*
 * When path is "-" and stdin is a terminal, say on stderr what the
 * program waits for (lp_cli.reads) and how to end it, so a person who
 * forgot the FILE is not left before a silent program.
 */
void lp_cli_stdin_hint(const char *path);

/*
 * Open path ("-" = stdin, said to a person on a terminal as above) for
 * reading records with r: 0, or -1 when it cannot be, reported with
 * lp_cli_fail.  What every analysis program does before lp_records_next.
 */
struct lp_records;
int lp_cli_records_open(struct lp_records *r, const char *path);

/* A diag hook that prints "PROG: SRC: msg" and marks the run as bad data. */
#include "diag.h"
void lp_cli_diag_init(struct lp_diag *d, const char *src);
/* The same for a reader that names the unit with each line
 * (lp_records_set_diag); ctx is not used. */
void lp_cli_diag_src(void *ctx, const char *src, const char *msg);

#endif
