/* test_textsig.c - a signature never passes over a string that holds the
 * literal (random strings and literals, every case mix), refuses what is no
 * literal, gives every bit for a string outside ASCII, and does pass over
 * most strings that lack a long literal (else it would be no use). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "migtree/textsig.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A string of N characters from a small alphabet (hex digits, a few letters
 * in both cases, '_', '-', ' '), so that literals recur. */
static void random_text(char *s, size_t n)
{
	static const char alphabet[] = "0123456789abcdefABCDEF_- xyzXYZ";

	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[rnd(sizeof(alphabet) - 1)];
	s[n] = '\0';
}

static struct textsig sig_of(const char *s)
{
	struct textsig sig = { { 0, 0 } };

	textsig_add(&sig, s);
	return sig;
}

static void test_never_passes_over_a_holder(void **state)
{
	char hay[96], lit[16];

	(void)state;
	for (int round = 0; round < 200000; round++) {
		size_t n = 3 + rnd(60), m = 3 + rnd(10);
		struct textsig have, need;

		random_text(hay, n);
		if (rnd(2) && m <= n) { /* a literal taken from the string, its case changed */
			size_t at = rnd((uint32_t)(n - m + 1));

			memcpy(lit, hay + at, m);
			lit[m] = '\0';
			for (size_t i = 0; i < m; i++)
				if (rnd(2) && lit[i] >= 'a' && lit[i] <= 'z')
					lit[i] = (char)(lit[i] - 'a' + 'A');
		} else {
			random_text(lit, m);
		}
		if (!textsig_of_pattern(lit, &need))
			continue; /* no literal for a signature ('-' and ' ' are; none of these is a metacharacter) */
		have = sig_of(hay);
		if (strcasestr(hay, lit) && !textsig_may_hold(&have, &need))
			fail_msg("\"%s\" holds \"%s\" but its signature says no", hay, lit);
	}
}

static void test_what_is_no_literal(void **state)
{
	struct textsig sig;
	static const char *const no[] = { "ab", "a.c", "ab.*cd", "abc*", "(abc)", "a|b", "x[0]", "ab^c", "a$bc",
					  "a\\d", "ab+", "ab?", "a{2}", "caf\xc3\xa9", "tab\there", "^", "$",
					  "abc.{2}def" };
	static const char *const yes[] = { "15bb5b7c7cba", "add users_table", "^abc", "abc$", "^abc$",
					   "77.add.index", "add.*users", "a.users.+b", "add.?x" };

	(void)state;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (textsig_of_pattern(no[i], &sig))
			fail_msg("\"%s\" has a signature", no[i]);
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!textsig_of_pattern(yes[i], &sig))
			fail_msg("\"%s\" has no signature", yes[i]);
}

/* Runs between '.' gaps: a string the pattern matches (each run, in order,
 * with text between) has every run's trigrams. */
static void test_gaps_never_pass_over_a_match(void **state)
{
	static const char *const gaps[] = { ".", ".*", ".+", ".?" };

	(void)state;
	for (int round = 0; round < 100000; round++) {
		char pat[128] = "", hay[256] = "", run[16];
		int runs = 1 + (int)rnd(3);
		struct textsig need, have = { { 0, 0 } };

		for (int k = 0; k < runs; k++) {
			const char *gap = gaps[rnd(4)];
			size_t m = 1 + rnd(7);

			random_text(run, m);
			if (k)
				strcat(pat, gap);
			strcat(pat, run);
			if (k) /* the gap's text: "." and ".+" need a character, ".*" and ".?" may have none */
				strcat(hay, gap[1] == '*' || gap[1] == '?' ? (rnd(2) ? "x" : "") : "x");
			for (size_t i = 0; i < m; i++) /* the run, its case changed now and then */
				run[i] = rnd(3) || run[i] < 'a' || run[i] > 'z' ? run[i] : (char)(run[i] - 'a' + 'A');
			strcat(hay, run);
		}
		if (!textsig_of_pattern(pat, &need))
			continue;
		textsig_add(&have, hay);
		if (!textsig_may_hold(&have, &need))
			fail_msg("\"%s\" matches /%s/ but its signature says no", hay, pat);
	}
}

/* 'k' matches the Kelvin sign when case is folded by Unicode: a string with
 * any byte outside ASCII can hold every literal. */
static void test_outside_ascii_gives_every_bit(void **state)
{
	struct textsig have = sig_of("\xe2\x84\xaa" "elvin"), need;

	(void)state;
	assert_true(textsig_of_pattern("kelvin", &need));
	assert_true(textsig_may_hold(&have, &need));
	assert_true(textsig_of_pattern("anything at all", &need));
	assert_true(textsig_may_hold(&have, &need));
}

/* An id-like literal against strings of a migration's sizes that lack it: the
 * signature passes over nearly all of them. */
static void test_passes_over_most_non_holders(void **state)
{
	char hay[96], lit[16];
	int lacking = 0, passed = 0;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		struct textsig have, need;

		random_text(hay, 60);
		random_text(lit, 12);
		assert_true(textsig_of_pattern(lit, &need)); /* the alphabet has no metacharacter */
		if (strcasestr(hay, lit))
			continue;
		have = sig_of(hay);
		lacking++;
		passed += !textsig_may_hold(&have, &need);
	}
	assert_true(lacking > 10000);
	assert_true(passed > lacking * 95 / 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_passes_over_a_holder),
		cmocka_unit_test(test_what_is_no_literal),
		cmocka_unit_test(test_gaps_never_pass_over_a_match),
		cmocka_unit_test(test_outside_ascii_gives_every_bit),
		cmocka_unit_test(test_passes_over_most_non_holders),
	};

	return cmocka_run_group_tests_name("textsig", tests, NULL, NULL);
}
