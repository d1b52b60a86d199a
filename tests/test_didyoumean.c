/* test_didyoumean.c - the bounded edit distance and the few names it suggests
 * (didyoumean.c): exact results within the bound, MAX + 1 beyond it whatever
 * the strings' length, and the ranking the CLI's "did you mean" lines rely on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migtree/didyoumean.h"

/* The unbounded optimal-string-alignment distance, the plain way: the oracle. */
static size_t reference(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[64][64];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

static void known_distances(void **state)
{
	(void)state;
	assert_int_equal(dym_distance("check", "check", 3), 0);
	assert_int_equal(dym_distance("chek", "check", 3), 1);       /* a letter left out */
	assert_int_equal(dym_distance("chekc", "check", 3), 1);      /* two swapped */
	assert_int_equal(dym_distance("histroy", "history", 3), 1);
	assert_int_equal(dym_distance("CHECK", "check", 3), 0);      /* ASCII case folded */
	assert_int_equal(dym_distance("", "abc", 3), 3);
	assert_int_equal(dym_distance("abc", "", 3), 3);
	assert_int_equal(dym_distance("kitten", "sitting", 3), 3);
	assert_int_equal(dym_distance("max-haeds", "max-heads", 2), 1);
	assert_int_equal(dym_distance("005_add_qec_conflict_resolutoin_fields",
				      "005_add_qec_conflict_resolution_fields", 3), 1);
}

static void bounded(void **state)
{
	(void)state;
	/* beyond MAX: MAX + 1, never the true (larger) distance */
	assert_int_equal(dym_distance("kitten", "sitting", 2), 3);
	assert_int_equal(dym_distance("kitten", "sitting", 1), 2);
	assert_int_equal(dym_distance("abc", "xyz", 0), 1);
	/* lengths too far apart: no work at all, still MAX + 1 */
	assert_int_equal(dym_distance("a", "abcdefghijklmnop", 3), 4);
	/* long strings that differ early: the row minimum passes MAX and stops */
	assert_int_equal(dym_distance("zzzz_add_qec_conflict_resolution_fields",
				      "0000_add_qec_conflict_resolution_fields", 3), 4);
	/* a bound larger than the band the code supports is clamped, not overrun */
	assert_true(dym_distance("abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba", 100) <= 26);
}

/* Every pair from a small alphabet, every bound: the band agrees with the oracle. */
static void agrees_with_reference(void **state)
{
	static const char *words[] = { "", "a", "ab", "ba", "abc", "acb", "bca", "abcd", "abdc", "dcba",
				        "check", "chekc", "heads", "hades", "history", "histroy", "merge",
				        "branches", "bases", "stub", "stubb", "s-t-u-b" };
	size_t n = sizeof(words) / sizeof(words[0]);

	(void)state;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			for (size_t max = 0; max <= 4; max++) {
				size_t want = reference(words[i], words[j]), got = dym_distance(words[i], words[j], max);

				if (want > max)
					want = max + 1;
				if (got != want)
					fail_msg("'%s' '%s' max %zu: %zu, want %zu", words[i], words[j], max, got, want);
			}
}

static void thresholds(void **state)
{
	(void)state;
	assert_int_equal(dym_threshold("ab"), 0);
	assert_int_equal(dym_threshold("chek"), 1);
	assert_int_equal(dym_threshold("histroy"), 2);
	assert_int_equal(dym_threshold("005_add_qec_conflict"), 3);
}

static char *suggest(const char *typed, bool ids, const char **names)
{
	struct dym d;

	dym_init(&d, typed, ids);
	for (; *names; names++)
		dym_add(&d, *names);
	return dym_format(&d, NULL);
}

static void expect_suggestion(const char *typed, bool ids, const char **names, const char *want)
{
	char *got = suggest(typed, ids, names);

	if (want ? !got || strcmp(got, want) : got != NULL)
		fail_msg("'%s': %s, want %s", typed, got ? got : "nothing", want ? want : "nothing");
	free(got);
}

static void ranking(void **state)
{
	static const char *cmds[] = { "check", "heads", "bases", "branches", "history", "show", "tree",
				      "export", "set-down", "set-docstring", "stub", "merge", "review", NULL };
	static const char *ids[] = { "004_add_missing_user_columns", "004_add_qec_enhancement_fields",
				     "005_fix_refresh_token_length", "c2a48966", "f1a2b3c4d5e6", NULL };

	(void)state;
	expect_suggestion("chek", false, cmds, "did you mean check?");
	expect_suggestion("hist", false, cmds, NULL); /* not a command prefix rule: 3 edits */
	expect_suggestion("frobnicate", false, cmds, NULL);
	expect_suggestion("set-dwn", false, cmds, "did you mean set-down?");
	/* ids: the start of one, a piece of several (in the order given), an edit */
	expect_suggestion("c2a4", true, ids, "did you mean c2a48966?");
	expect_suggestion("qec", true, ids, "did you mean 004_add_qec_enhancement_fields?");
	expect_suggestion("004", true, ids, "did you mean 004_add_missing_user_columns or 004_add_qec_enhancement_fields?");
	expect_suggestion("add", true, ids, "did you mean 004_add_missing_user_columns or 004_add_qec_enhancement_fields?");
	expect_suggestion("005_fix_refresh_tokne_length", true, ids, "did you mean 005_fix_refresh_token_length?");
	expect_suggestion("zzzzzz", true, ids, NULL);
}

/* More than DYM_SHOWN close names: the closest first, the rest counted. */
static void counted(void **state)
{
	static const char *names[] = { "rev_a", "rev_b", "rev_c", "rev_d", "rev_e", "rev", NULL };

	(void)state;
	expect_suggestion("rev", true, names, "did you mean rev, rev_a or rev_b? (3 more)");
}

/* A history of 100,000 generated ids: each is scored in bounded work (the band),
 * so this is quick even under the sanitizers; the time is not asserted (no timed
 * tests), the result is. */
static void many(void **state)
{
	enum { N = 100000 };
	char **ids = malloc(N * sizeof(*ids));
	struct dym d;
	char *got;

	(void)state;
	for (int i = 0; i < N; i++) {
		ids[i] = malloc(48);
		snprintf(ids[i], 48, "%06d_generated_revision_number_%d", i, i * 7);
	}
	/* one letter left out: that id first; ids a digit or two away follow */
	dym_init(&d, "054321_generated_revision_numbr_380247", true);
	for (int i = 0; i < N; i++)
		dym_add(&d, ids[i]);
	assert_int_equal(d.n, DYM_SHOWN);
	assert_string_equal(d.best[0].name, "054321_generated_revision_number_380247");
	assert_int_equal(d.best[0].score, 4);
	assert_true(d.best[1].score > 4);
	/* nothing close: nothing said */
	dym_init(&d, "zzzzzz_entirely_different", true);
	for (int i = 0; i < N; i++)
		dym_add(&d, ids[i]);
	got = dym_format(&d, NULL);
	assert_null(got);
	for (int i = 0; i < N; i++)
		free(ids[i]);
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_distances), cmocka_unit_test(bounded), cmocka_unit_test(agrees_with_reference),
		cmocka_unit_test(thresholds),      cmocka_unit_test(ranking), cmocka_unit_test(counted),
		cmocka_unit_test(many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
