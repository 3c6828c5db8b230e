/* recbench.c - read every typed record of the inputs and count them: the
 * cost of the record layer alone, for tests/bench/records.sh.  With -w,
 * also walk the frames of each distinct stack once, as a program that
 * keys its stacks does (a profile's stacks hold their frames by
 * location: this is what reading them costs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakpipe.h"

int
main(int argc, char **argv)
{
	unsigned long n[LP_REC_NKINDS] = { 0 }, frames = 0, bad = 0;
	unsigned long walked = 0, lines = 0;
	struct lp_records *r = lp_records_new(LP_REC_WANT_ALL, 0);
	const struct lp_record *rec;
	struct lp_error err;
	int i = 1, k, rc, walk = argc > 1 && strcmp(argv[1], "-w") == 0;

	for (i += walk; i < argc; i++) {
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
			if (walk && rec->stack && !rec->stack->aux) {
				struct lp_stack *s =
				    (struct lp_stack *)(uintptr_t)rec->stack;
				struct lp_stack_walk w;
				const struct lp_frame *f;
				lp_stack_walk(&w, s);
				while ((f = lp_stack_next(&w)) != NULL) {
					lines += (unsigned long)f->line;
					walked++;
				}
				s->aux = 1;
			}
		}
	}
	for (k = 0; k < LP_REC_NKINDS; k++)
		if (n[k])
			printf(
			    "%s %lu\n", lp_rkind_name((enum lp_rkind)k), n[k]);
	printf("frames %lu\nbad %lu\n", frames, bad);
	if (walk)
		printf("walked %lu (lines %lu)\n", walked, lines);
	lp_records_free(r);
	return bad ? 65 : 0;
}
