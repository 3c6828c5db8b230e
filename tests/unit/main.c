/* main.c - runs the TEST()s of one unit test file, in name order */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

int test_failed;
static char tmpdir[256];

#define T(name) void test_##name(void);
#include TEST_LIST
#undef T

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
#define T(name) { #name, test_##name },
#include TEST_LIST
#undef T
};

const char *
test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "%s/lp-unit-XXXXXX",
		    base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(1);
		}
	}
	return tmpdir;
}

int
main(int argc, char **argv)
{
	size_t i;
	int fails = 0;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
			continue;
		test_failed = 0;
		tmpdir[0] = '\0';
		tests[i].fn();
		printf(
		    "%s - %s\n", test_failed ? "not ok" : "ok", tests[i].name);
		if (test_failed) {
			if (tmpdir[0])
				printf("  kept %s\n", tmpdir);
			fails++;
		} else if (tmpdir[0]) {
			char cmd[300];
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
			if (system(cmd) != 0)
				printf("  could not remove %s\n", tmpdir);
		}
		fflush(stdout);
	}
	return fails ? 1 : 0;
}
