/* detect.h - what an input unit holds, judged by its content */
#ifndef LP_DETECT_H
#define LP_DETECT_H

#include <stddef.h>

enum lp_format {
	LP_FMT_EMPTY,      /* no bytes, or only white space */
	LP_FMT_PPROF,      /* binary pprof protobuf (gzip already removed) */
	LP_FMT_GODUMP,     /* goroutine traceback: debug=2, panic, SIGQUIT */
	LP_FMT_HEAP_TEXT,  /* heap/allocs ?debug=1 */
	LP_FMT_COUNT_TEXT, /* goroutine/threadcreate/… ?debug=1 */
	LP_FMT_CONTENTION_TEXT, /* block/mutex ?debug=1 */
	LP_FMT_LEGACY_CPU,      /* legacy binary CPU profile (Go <= 1.7) */
	LP_FMT_THREADZ_TEXT,    /* C++ "--- threadz" thread stacks */
	LP_FMT_JAVA_TEXT,       /* Java agent heapz/contentionz text */
	LP_FMT_NDJSON,          /* leakpipe records */
	LP_FMT_TRACE,           /* Go execution trace */
	LP_FMT_GCTRACE,         /* a log with GODEBUG=gctrace=1 lines */
	LP_FMT_UNKNOWN
};

/*
 * Judge the format from the first bytes.  Text forms are recognised by
 * their first meaningful line, a dump by a "goroutine N [" header near the
 * top (log lines may come before it).  Binary that is no other format is
 * LP_FMT_PPROF: the protobuf decoder has the last word.
 */
enum lp_format lp_detect(const unsigned char *p, size_t n);
const char *lp_format_name(enum lp_format f);

#endif
