/* test_strmap.c - the id index (strmap.h) against a plain reference: random
 * puts, gets, deletes and rekeys over many keys, most of them chosen so that
 * their hashes agree in the low bits the table takes, which makes long probe
 * runs that wrap around the end of the table: the case a deletion must get
 * right (every key after the hole still found) and a rekey must not confuse
 * (the entry borrows the new string; the old one may then be overwritten). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migtree/strmap.h"
#include "migtree/util.h"

#define N_KEYS 3000
#define KEY_LEN 24

/* The table's hash of S: the test picks keys by it, so that they collide on
 * purpose. */
static uint32_t table_hash(const char *s)
{
	return strmap_hash(s, strlen(s));
}

struct ref {
	char copy[2][KEY_LEN]; /* two equal strings: the map borrows copy[cur] */
	int cur;
	bool in;
	uint32_t val;
};

static struct ref *keys;
static uint64_t rng = 88172645463325252ull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* N_KEYS keys: four in five whose hashes end in one of three 12-bit values
 * (every table up to 4,096 slots puts them in three runs), the rest any. */
static void make_keys(void)
{
	uint32_t made = 0;

	keys = xcalloc(N_KEYS, sizeof(*keys));
	for (uint32_t i = 0; made < N_KEYS; i++) {
		char buf[KEY_LEN] = { 0 };
		uint32_t low;

		snprintf(buf, sizeof(buf), "k%08x", i);
		low = table_hash(buf) & 0xfff;
		if (made % 5 != 4 && low != 0 && low != 1 && low != 0xfff)
			continue;
		memcpy(keys[made].copy[0], buf, sizeof(buf));
		memcpy(keys[made].copy[1], buf, sizeof(buf));
		made++;
	}
}

/* Every key as the reference says, and the count. */
static void check_all(const struct strmap *m)
{
	size_t n = 0;

	for (uint32_t k = 0; k < N_KEYS; k++) {
		uint32_t v = UINT32_MAX;
		char probe[KEY_LEN];

		memcpy(probe, keys[k].copy[keys[k].cur], KEY_LEN); /* a third copy: found by content */
		assert_int_equal(strmap_get(m, probe, &v), keys[k].in);
		if (keys[k].in) {
			assert_int_equal(v, keys[k].val);
			n++;
		}
	}
	assert_int_equal(m->n, n);
}

static void test_random_operations(void **state)
{
	struct strmap m;

	(void)state;
	make_keys();
	strmap_init(&m);
	for (uint32_t step = 0; step < 60000; step++) {
		struct ref *r = &keys[next() % N_KEYS];
		uint32_t op = next() % 8, v = next();

		if (op < 3) { /* put (new or replace) */
			assert_int_equal(strmap_put(&m, r->copy[r->cur], v), !r->in);
			r->in = true;
			r->val = v;
		} else if (op < 6) { /* delete */
			assert_int_equal(strmap_del(&m, r->copy[r->cur]), r->in);
			r->in = false;
		} else if (op < 7) { /* rekey to the other copy, then spoil the old one */
			int old = r->cur;

			memcpy(r->copy[1 - old], r->copy[old], KEY_LEN); /* spoiled by the last rekey */
			assert_int_equal(strmap_rekey(&m, r->copy[1 - old]), r->in);
			if (r->in) {
				r->cur = 1 - old;
				memset(r->copy[old], 'X', KEY_LEN - 1); /* a lookup through it now fails */
				r->copy[old][KEY_LEN - 1] = '\0';
			}
		} else { /* get */
			uint32_t got;

			assert_int_equal(strmap_get(&m, r->copy[r->cur], &got), r->in);
			if (r->in)
				assert_int_equal(got, r->val);
		}
		if (step % 4000 == 0)
			check_all(&m);
	}
	check_all(&m);
	/* everything deleted, in an order other than insertion's */
	for (uint32_t k = N_KEYS; k-- > 0;)
		if (keys[k].in) {
			assert_true(strmap_del(&m, keys[k].copy[keys[k].cur]));
			keys[k].in = false;
			if (k % 500 == 0)
				check_all(&m);
		}
	check_all(&m);
	assert_false(strmap_del(&m, "k00000000"));
	strmap_free(&m);
	free(keys);
}

/* N distinct ids, "r" and seven digits, spread over the numbers (i * 7919). */
static char (*spread_keys(uint32_t n))[12]
{
	char (*k)[12] = xcalloc(n, sizeof(*k));

	for (uint32_t i = 0; i < n; i++)
		snprintf(k[i], sizeof(k[i]), "r%07u", i * 7919u);
	return k;
}

/* A big table (the id index of 100,000 revisions) is filled to 80%, not 50%:
 * 131,072 slots, not 262,144; every key found, deleted ones not, and what
 * probing past the holes still finds. */
static void test_big_table_dense(void **state)
{
	enum { N = 100000 };
	char (*k)[12] = spread_keys(N);
	struct strmap m;
	uint32_t v;

	(void)state;
	strmap_init(&m);
	for (uint32_t i = 0; i < N; i++)
		assert_true(strmap_put(&m, k[i], i));
	assert_int_equal(m.cap, 131072);
	for (uint32_t i = 0; i < N; i += 3)
		assert_true(strmap_del(&m, k[i]));
	for (uint32_t i = 0; i < N; i++) {
		bool in = strmap_get(&m, k[i], &v);

		assert_int_equal(in, i % 3 != 0);
		if (in)
			assert_int_equal(v, i);
	}
	assert_false(strmap_get(&m, "r0000001", &v));
	strmap_free(&m);
	free(k);
}

/* util.c's xgrow, the room of most lists beside the index: a first size that
 * is known is taken as it is (100,000 files: not 131,072 slots), a growing
 * list doubles, a small one starts at a power of two. */
static void test_grow_first_exact(void **state)
{
	uint32_t *v = NULL;
	size_t cap = 0;

	(void)state;
	GROW(v, cap, 100000);
	assert_int_equal(cap, 100000);
	GROW(v, cap, 100001);
	assert_int_equal(cap, 200000);
	free(v);
	v = NULL;
	cap = 0;
	GROW(v, cap, 1);
	assert_int_equal(cap, 8);
	GROW(v, cap, 9);
	assert_int_equal(cap, 16);
	free(v);
	v = NULL;
	cap = 0;
	GROW(v, cap, 100); /* a string's first piece: room to grow */
	assert_int_equal(cap, 128);
	free(v);
}

/* A rekeyed entry borrows the new string: the old one overwritten, the key
 * is still found, and what the map hands out is the new pointer's text. */
static void test_rekey_borrows_new_string(void **state)
{
	struct strmap m;
	char a[] = "abcdef012345", b[] = "abcdef012345";
	uint32_t v;

	(void)state;
	strmap_init(&m);
	assert_true(strmap_put(&m, a, 7));
	assert_false(strmap_rekey(&m, "absent"));
	assert_true(strmap_rekey(&m, b));
	memset(a, 'X', sizeof(a) - 1);
	assert_true(strmap_get(&m, "abcdef012345", &v));
	assert_int_equal(v, 7);
	assert_false(strmap_get(&m, a, NULL));
	assert_true(strmap_del(&m, "abcdef012345"));
	assert_int_equal(m.n, 0);
	strmap_free(&m);
}

/* A table reserved for N keys is made at its size once: the keys put after
 * it (by their hashes, as graph_build puts the ids) leave it as it is, and
 * each is found by its hash and by its text; a wrong hash finds nothing, a
 * smaller reservation keeps the room and the keys. */
static void test_reserve_and_hashed(void **state)
{
	enum { N = 100000 };
	char (*k)[12] = spread_keys(N);
	struct strmap m;
	uint32_t v;

	(void)state;
	strmap_init(&m);
	strmap_reserve(&m, N);
	assert_int_equal(m.cap, 131072);
	for (uint32_t i = 0; i < N; i++)
		assert_true(strmap_put_hashed(&m, k[i], table_hash(k[i]), i));
	assert_int_equal(m.cap, 131072);
	assert_false(strmap_put_hashed(&m, k[5], table_hash(k[5]), 55)); /* replaced */
	for (uint32_t i = 0; i < N; i += 7) {
		assert_true(strmap_get_hashed(&m, k[i], table_hash(k[i]), &v));
		assert_int_equal(v, i == 5 ? 55 : i);
		assert_true(strmap_get(&m, k[i], &v));
		assert_false(strmap_get_hashed(&m, k[i], table_hash(k[i]) ^ 1, NULL));
	}
	strmap_reserve(&m, 10);
	assert_int_equal(m.cap, 131072);
	assert_int_equal(m.n, N);
	assert_true(strmap_get(&m, k[N - 1], &v));
	assert_int_equal(v, N - 1);
	strmap_free(&m);
	strmap_init(&m);
	assert_false(strmap_get_hashed(&m, "r0000000", table_hash("r0000000"), &v)); /* no table yet */
	assert_true(strmap_put(&m, k[0], 1));
	strmap_reserve(&m, 1000); /* a table that holds keys, grown: they stay */
	assert_int_equal(m.cap, 2048);
	assert_true(strmap_get(&m, k[0], &v));
	assert_int_equal(v, 1);
	strmap_free(&m);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_borrows_new_string),
		cmocka_unit_test(test_random_operations),
		cmocka_unit_test(test_big_table_dense),
		cmocka_unit_test(test_grow_first_exact),
		cmocka_unit_test(test_reserve_and_hashed),
	};

	return cmocka_run_group_tests_name("strmap", tests, NULL, NULL);
}
