/* test.h - the unit test framework: TEST(name) { … } and CHECK macros */
#ifndef LP_TEST_H
#define LP_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/*
 * Each tests/unit/X_test.c holds TEST(name) functions; the Makefile greps
 * them (libarchive's way) into a list that tests/unit/main.c runs in name
 * order.  A failing CHECK prints file:line and both values, marks the test
 * failed, and lets it go on.
 */
#define TEST(name) void test_##name(void)

extern int test_failed;
/* A fresh directory for this test; kept if the test fails. */
const char *test_tmpdir(void);

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__, \
			    __LINE__, #cond);                           \
			test_failed = 1;                                \
		}                                                       \
	} while (0)

#define CHECK_INT(a, b)                                                  \
	do {                                                             \
		long long a_ = (long long)(a), b_ = (long long)(b);      \
		if (a_ != b_) {                                          \
			printf("  %s:%d: %s == %lld, want %s == %lld\n", \
			    __FILE__, __LINE__, #a, a_, #b, b_);         \
			test_failed = 1;                                 \
		}                                                        \
	} while (0)

#define CHECK_STR(a, b)                                                 \
	do {                                                            \
		const char *a_ = (a), *b_ = (b);                        \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                \
			printf("  %s:%d: %s\n    got  '%.400s'\n"       \
			       "    want '%.400s'\n",                   \
			    __FILE__, __LINE__, #a, a_ ? a_ : "(null)", \
			    b_ ? b_ : "(null)");                        \
			test_failed = 1;                                \
		}                                                       \
	} while (0)

/* A length-delimited result against a C string. */
#define CHECK_MEM(p, n, want)                                                 \
	do {                                                                  \
		const char *w_ = (want);                                      \
		size_t n_ = (n);                                              \
		if (n_ != strlen(w_) || memcmp((p), w_, n_) != 0) {           \
			printf("  %s:%d: %s\n    got  '%.*s'\n"               \
			       "    want '%.400s'\n",                         \
			    __FILE__, __LINE__, #p, n_ > 400 ? 400 : (int)n_, \
			    (const char *)(p), w_);                           \
			test_failed = 1;                                      \
		}                                                             \
	} while (0)

#endif
