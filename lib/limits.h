/* limits.h - every limit on untrusted input, in one place
 *
 * Included as "limits.h" only: the build uses -iquote, so <limits.h> is
 * still the C library's. */
#ifndef LP_LIMITS_H
#define LP_LIMITS_H

/*
 * Largest input unit (a file, stdin, or one archive member) after
 * decompression.  Larger units are a data error, so a gzip bomb or a lying
 * archive header cannot make us allocate without bound.
 */
#define LP_UNIT_MAX ((size_t)4 << 30)

/* A gzip stream may not expand by more than this factor (bombs). */
#define LP_GZIP_RATIO_MAX 2000u

/* Archive members read from one archive. */
#define LP_ARCHIVE_ENTRIES_MAX 1000000u

/*
 * Memory a protobuf decode may use, as a multiple of the encoded size plus
 * a fixed slack: protobuf-c allocates one struct per message, so a 2-byte
 * empty Sample becomes ~80 bytes.  Real Go profiles need about 12x.
 */
#define LP_PB_MEM_FACTOR 64u
#define LP_PB_MEM_SLACK  ((size_t)16 << 20)

/* One NDJSON input line, and JSON nesting depth (jansson's own limit). */
#define LP_LINE_MAX       ((size_t)64 << 20)
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

#endif
