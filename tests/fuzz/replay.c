/* replay.c - runs fuzz inputs through a target without libFuzzer
 *
 * gcc has no libFuzzer, so `make check` links each target with this main
 * and feeds it every file named on the command line: the corpus and every
 * crash ever fixed stay regression tests on any machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		do {
			if (cap - len < 65536) {
				unsigned char *b = realloc(buf, cap + 65536);
				if (!b) {
					fclose(f);
					free(buf);
					return 1;
				}
				buf = b;
				cap += 65536;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	return 0;
}
