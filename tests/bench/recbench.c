/* recbench.c - read every typed record of the inputs and count them: the
 * cost of the record layer alone, for tests/bench/records.sh */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"

int
main(int argc, char **argv)
{
	unsigned long n[LP_REC_NKINDS] = { 0 }, frames = 0, bad = 0;
	struct lp_records *r = lp_records_new(LP_REC_WANT_ALL, 0);
	const struct lp_record *rec;
	struct lp_error err;
	int i, k, rc;

	for (i = 1; i < argc; i++) {
		if (lp_records_open(r, argv[i], &err) < 0)
			return 66;
		while ((rc = lp_records_next(r, &rec, &err)) != 0) {
			if (rc < 0) {
				bad++;
				continue;
			}
			n[rec->kind]++;
			if (rec->stack)
				frames += rec->stack->n;
		}
	}
	for (k = 0; k < LP_REC_NKINDS; k++)
		if (n[k])
			printf(
			    "%s %lu\n", lp_rkind_name((enum lp_rkind)k), n[k]);
	printf("frames %lu\nbad %lu\n", frames, bad);
	lp_records_free(r);
	return bad ? 65 : 0;
}
