/* limits.h - every limit on untrusted input, in one place
 *
 * Included as "limits.h" only: the build uses -iquote, so <limits.h> is
 * still the C library's. */
#ifndef LP_LIMITS_H
#define LP_LIMITS_H

#include <stddef.h>

/*
 * The memory budget: for any input, whatever it claims, a program stays
 * within about this much, because the limits below that hold whole
 * units in memory are fractions of it.  LEAKPIPE_MEMORY_MAX=SIZE in the
 * environment (bytes, or a number with K, M, G or T; at least 64M)
 * raises or lowers it; a bad value is ignored.  Read once.
 */
#define LP_MEMORY_DEFAULT ((size_t)1 << 30)
size_t lp_memory_max(void);

/*
 * Largest input unit read whole into memory (a file, stdin, or one
 * archive member), after decompression: a quarter of the budget, 256 MiB
 * by default.  Larger units are a data error, so a gzip bomb or a lying
 * archive header cannot make us allocate without bound.  Units decoded
 * as a stream (Go 1.22+ traces, dumps, NDJSON) are not held whole.
 */
#define LP_UNIT_MAX (lp_memory_max() / 4)

/*
 * A legacy trace (Go 1.21 and older) is read whole and then ordered: its
 * decoded events take about 12 times its size, so it may be at most a
 * sixteenth of the budget, 64 MiB by default.
 */
#define LP_TRACE1_MAX (lp_memory_max() / 16)

/*
 * A Go 1.22+ trace is read a generation at a time (Go's tracer cuts one
 * about every second: real ones are a few MiB); two are held at once, the
 * current and the next, so one may take at most a quarter of the budget,
 * 256 MiB by default.
 */
#define LP_TRACE2_GEN_MAX (lp_memory_max() / 4)

/* A plain file is mapped, not read, up to this size. */
#define LP_MAP_MAX ((size_t)4 << 30)

/* A gzip stream may not expand by more than this factor (bombs). */
#define LP_GZIP_RATIO_MAX 2000u

/* Archive members read from one archive. */
#define LP_ARCHIVE_ENTRIES_MAX 1000000u

/*
 * Memory a protobuf decode may use, as a multiple of the encoded size plus
 * a fixed slack: protobuf-c allocates one struct per message, so a 2-byte
 * empty Sample becomes ~80 bytes.  Real Go profiles need about 12x.  And
 * never more than half the budget (512 MiB by default), whatever the size.
 */
#define LP_PB_MEM_FACTOR 64u
#define LP_PB_MEM_SLACK  ((size_t)16 << 20)
#define LP_PB_MEM_MAX    (lp_memory_max() / 2)

/*
 * One NDJSON input line, and JSON nesting depth (jansson's own limit).
 * jansson takes up to 40 bytes per byte of a line of small numbers, so a
 * line may be a sixty-fourth of the budget (16 MiB by default).
 */
#define LP_LINE_MAX       (lp_memory_max() / 64)
#define LP_JSON_DEPTH_MAX 2048

/* Frames kept per stack; Go itself prints at most 1024 (profstackdepth). */
#define LP_STACK_FRAMES_MAX 100000u

/*
 * Frames of a ?debug=1 text record taken as one physical frame (a call and
 * the calls inlined into it).  Real chains are a few frames deep; finding
 * them is quadratic in the length, so a hostile record must not be long.
 */
#define LP_INLINE_DEPTH_MAX 64u

/* Problems told per input unit by a text decoder; the rest are counted. */
#define LP_DIAG_MAX 100

/* The same problem told per input unit (a stack_id with no stack record,
 * for every sample of a lost stack); the rest are counted in one line. */
#define LP_REPEAT_MAX 5

#endif
