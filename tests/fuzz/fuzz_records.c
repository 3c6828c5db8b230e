/* fuzz_records.c - untrusted bytes as typed records: NDJSON and evidence */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leakpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEEN_MAX 4096

/* Every frame of s, walked and as one array: the same frames, n of
 * them, and a stack key written from them. */
static void
check_stack(const struct lp_stack *s, struct lp_out *o)
{
	const struct lp_keyspec ks = { LP_KEY_STACK, NULL, 0 };
	const struct lp_frame *all = lp_stack_frames(s), *f;
	struct lp_stack_walk w;
	size_t i = 0;

	lp_stack_walk(&w, s);
	while ((f = lp_stack_next(&w)) != NULL) {
		if (!all || f->line != all[i].line || f->fn.n != all[i].fn.n)
			abort();
		i++;
	}
	if (i != s->n)
		abort();
	o->len = 0;
	lp_key_write(o, &ks, s);
}

/* Read path through r; record the stacks met (first SEEN_MAX) in seen,
 * or, when check is set, insist they are the ones seen before. */
static void
read_all(struct lp_records *r, const char *path, const struct lp_stack **seen,
    size_t *nseen, int check, struct lp_out *o)
{
	const struct lp_record *rec;
	struct lp_error err;
	size_t n = 0;
	int rc;

	if (lp_records_open(r, path, &err) < 0)
		return;
	while ((rc = lp_records_next(r, &rec, &err)) != 0) {
		if (rc < 0 || !rec->stack)
			continue;
		check_stack(rec->stack, o);
		if (n < SEEN_MAX) {
			if (!check)
				seen[n] = rec->stack;
			else if (n >= *nseen || seen[n] != rec->stack)
				abort(); /* equal stacks are one object */
			n++;
		}
	}
	if (!check)
		*nseen = n;
	else if (n != *nseen)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lp_stack *seen[SEEN_MAX];
	char path[64];
	struct lp_records *r;
	struct lp_out o;
	size_t nseen = 0;
	int fd = memfd_create("fuzz", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size ||
	    lp_out_init(&o, -1, 4096) < 0) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* Stacks dropped with their unit, every kind wanted. */
	if ((r = lp_records_new(LP_REC_WANT_ALL, 0)) != NULL) {
		read_all(r, path, seen, &nseen, 0, &o);
		lp_records_free(r);
	}
	/* Stacks kept: the same input read twice gives the same objects. */
	r = lp_records_new(LP_REC_WANT_ALL, LP_RECORDS_KEEP_STACKS);
	if (r) {
		read_all(r, path, seen, &nseen, 0, &o);
		read_all(r, path, seen, &nseen, 1, &o);
		lp_records_free(r);
	}
	lp_out_release(&o);
	close(fd);
	return 0;
}
