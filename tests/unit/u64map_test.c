/* u64map_test.c - the one 64-bit hash map */
#include <stdint.h>

#include "leakpipe.h"
#include "test.h"

/* Keys of several shapes: dense small ids, aligned pcs, the all-ones
 * of a -1 cast to uint64, and multiples of a power of two that crowd
 * into few home slots. */
static uint64_t
key_of(uint64_t i)
{
	switch (i % 4) {
	case 0: return i;
	case 1: return 0x401000 + i * 16;
	case 2: return UINT64_MAX - i;
	}
	return i << 32;
}

TEST(slot_adds_a_key_holding_zero_and_finds_it_again)
{
	struct lp_u64map m = { 0 };
	uint64_t *v, *w;

	CHECK(lp_u64map_get(&m, 7) == NULL);
	v = lp_u64map_slot(&m, 7);
	CHECK(v != NULL);
	CHECK_INT(*v, 0);
	CHECK_INT(m.n, 1);
	*v = 42;
	w = lp_u64map_slot(&m, 7);
	CHECK(w == v);
	CHECK_INT(*w, 42);
	CHECK_INT(m.n, 1);
	CHECK(lp_u64map_get(&m, 7) == v);
	/* A key of 0 is a key like any other. */
	CHECK(lp_u64map_get(&m, 0) == NULL);
	v = lp_u64map_slot(&m, 0);
	CHECK(v != NULL);
	CHECK_INT(*v, 0);
	CHECK_INT(m.n, 2);
	lp_u64map_free(&m);
	CHECK_INT(m.cap, 0);
	CHECK(lp_u64map_get(&m, 7) == NULL);
}

TEST(slot_and_put_keep_every_key_through_growth)
{
	struct lp_u64map m = { 0 };
	const uint64_t n = 5000;
	uint64_t i, *v;

	for (i = 0; i < n; i++) {
		if (i % 2) {
			CHECK_INT(lp_u64map_put(&m, key_of(i), i * 3), 0);
		} else {
			v = lp_u64map_slot(&m, key_of(i));
			CHECK(v != NULL && *v == 0);
			if (v)
				*v = i * 3;
		}
	}
	CHECK_INT(m.n, n);
	CHECK(m.n * 4 <= m.cap * 3);
	for (i = 0; i < n; i++) {
		v = lp_u64map_get(&m, key_of(i));
		CHECK(v != NULL);
		if (v && *v != i * 3) {
			CHECK_INT(*v, i * 3);
			break;
		}
	}
	/* Overwriting adds nothing. */
	CHECK_INT(lp_u64map_put(&m, key_of(3), 1), 0);
	CHECK_INT(*lp_u64map_slot(&m, key_of(3)), 1);
	CHECK_INT(m.n, n);
	lp_u64map_free(&m);
}

TEST(del_leaves_the_rest_of_a_probe_run_findable)
{
	struct lp_u64map m = { 0 };
	const uint64_t n = 3000;
	uint64_t i, *v;
	size_t left = 0;

	for (i = 0; i < n; i++)
		CHECK_INT(lp_u64map_put(&m, key_of(i), i + 1), 0);
	for (i = 0; i < n; i += 3)
		lp_u64map_del(&m, key_of(i));
	lp_u64map_del(&m, 0xdead0000beefULL); /* absent: nothing happens */
	for (i = 0; i < n; i++) {
		v = lp_u64map_get(&m, key_of(i));
		if (i % 3 == 0) {
			CHECK(v == NULL);
		} else {
			CHECK(v != NULL && *v == i + 1);
			left++;
		}
	}
	CHECK_INT(m.n, left);
	/* A deleted key comes back holding 0, not its old value. */
	v = lp_u64map_slot(&m, key_of(0));
	CHECK(v != NULL && *v == 0);
	lp_u64map_clear(&m);
	CHECK_INT(m.n, 0);
	CHECK(lp_u64map_get(&m, key_of(1)) == NULL);
	lp_u64map_free(&m);
}
