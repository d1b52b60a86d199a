/* test_suggest.c - each ranking signal alone decides a case (suggest.c, githints.c).
 *
 * Histories are written as files in a temporary directory and loaded as the CLI
 * loads them; every case is built so that the signal under test is the only one
 * pointing at the right parent (no docstring, Create Dates that point elsewhere),
 * so a signal that stops working fails its test. The git cases make a repository
 * in the directory with the git on PATH (skipped when there is none). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "migtree/edit.h"
#include "migtree/plan.h"
#include "migtree/project.h"
#include "migtree/published.h"
#include "migtree/reload.h"

static char *make_dir(void)
{
	char *dir = xstrdup("/tmp/migtree-suggest-XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

/* A revision file: DOWN NULL for a base; DATE NULL for none. */
static void write_rev(const char *dir, const char *id, const char *down, const char *date)
{
	char *path = xasprintf("%s/%s_step.py", dir, id);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "\"\"\"step\n\nRevision ID: %s\n%s%s\n\"\"\"\nrevision = '%s'\n", id, date ? "Create Date: " : "",
		date ? date : "", id);
	if (down)
		fprintf(f, "down_revision = '%s'\n", down);
	else
		fprintf(f, "down_revision = None\n");
	fprintf(f, "branch_labels = None\ndepends_on = None\n");
	fclose(f);
	free(path);
}

/* A revision file as written: DOWN is down_revision's Python text ("None",
 * "'a1'", "('a1', 'b2')"); REVISES and DATE NULL for none. */
static void write_file(const char *dir, const char *id, const char *down, const char *revises, const char *date)
{
	char *path = xasprintf("%s/%s_step.py", dir, id);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "\"\"\"step\n\nRevision ID: %s\n", id);
	if (revises)
		fprintf(f, "Revises: %s\n", revises);
	if (date)
		fprintf(f, "Create Date: %s\n", date);
	fprintf(f, "\n\"\"\"\nrevision = '%s'\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n", id, down);
	fclose(f);
	free(path);
}

static void load(const char *dir, struct project *p)
{
	struct config_request req = { .versions_dir = dir };
	struct mt_error err = { 0 };

	assert_int_equal(project_load(&req, p, &err), 0);
}

/* The problem of KIND about REV. */
static const struct problem *problem_about(const struct project *p, enum problem_kind kind, const char *rev)
{
	for (size_t i = 0; i < p->graph.problems.n; i++)
		if (p->graph.problems.v[i].kind == kind && !strcmp(p->graph.problems.v[i].revision, rev))
			return &p->graph.problems.v[i];
	fail_msg("no %s problem about %s", problem_kind_name(kind), rev);
	return NULL;
}

static void run(const char *dir, const char *cmd)
{
	char *line = xasprintf("cd '%s' && %s >/dev/null 2>&1", dir, cmd);

	assert_int_equal(system(line), 0);
	free(line);
}

static void remove_dir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* A typo of one character: the only id one edit away, though Create Date
 * names another revision. */
static void test_typo_alone(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "3f2a9c41d7e0", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "8b1e77c0a5d2", "3f2a9c41d7e0", "2024-01-01 00:00:02");
	write_rev(dir, "c55d0e9f1b34", "3f2a9c41d7e0", "2024-01-01 00:00:04");
	write_rev(dir, "e0f4a2b6c8d1", "8b1e77c0a5d3", "2024-01-01 00:00:05"); /* ...d2 mistyped */
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "e0f4a2b6c8d1");
	assert_true(pr->candidates.n >= 2);
	assert_string_equal(pr->candidates.v[0], "8b1e77c0a5d2");
	assert_string_equal(pr->candidates.v[1], "c55d0e9f1b34"); /* Create Date's, after it */
	assert_non_null(strstr(pr->fixv[0].reason, "typo"));
	project_free(&p);
	remove_dir(dir);
}

/* A base, two heads on it created at DATES[0] and DATES[1], and a revision
 * whose parent is missing created at DATES[2]: Create Date's first candidate. */
static void assert_created_before(const char *const dates[3], const char *expected)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	write_rev(dir, "1c0ffee00001", NULL, "2023");
	write_rev(dir, "a9000000000a", "1c0ffee00001", dates[0]);
	write_rev(dir, "b1000000000b", "1c0ffee00001", dates[1]);
	write_rev(dir, "f00dfeedd00d", "0123456789ab", dates[2]);
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "f00dfeedd00d");
	assert_true(pr->candidates.n >= 1);
	assert_string_equal(pr->candidates.v[0], expected);
	project_free(&p);
	remove_dir(dir);
}

/* The Create Date index keys a date by a dozen bytes after the prefix all dates
 * share: dates told apart only past them still sort by the whole date (the one
 * created just before leads, not the first in id order), and equal dates
 * shorter than the key tie (the first in id order; no byte read past a date's
 * end). */
static void test_dates_past_and_within_the_key(void **state)
{
	static const char *const late[3] = { "2024-01-01 00:00:01.000001", "2024-01-01 00:00:01.000009",
					     "2024-01-01 00:00:01.000010" };
	static const char *const late_swapped[3] = { "2024-01-01 00:00:01.000009", "2024-01-01 00:00:01.000001",
						     "2024-01-01 00:00:01.000010" };
	static const char *const short_equal[3] = { "2024", "2024", "2025" };
	/* the search for the revision's own date: one equal to it past the key is
	 * not before it */
	static const char *const late_equal[3] = { "2024-01-01 00:00:01.000001", "2024-01-01 00:00:01.000010",
						   "2024-01-01 00:00:01.000010" };

	(void)state;
	assert_created_before(late, "b1000000000b");
	assert_created_before(late_swapped, "a9000000000a");
	assert_created_before(short_equal, "a9000000000a");
	assert_created_before(late_equal, "a9000000000a");
}

/* Two ids equally close: no typo candidate (Create Date alone is left). */
static void test_typo_tie_is_no_signal(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "aaaa1111bbbb", NULL, NULL);
	write_rev(dir, "aaaa1111bbbc", "aaaa1111bbbb", NULL);
	write_rev(dir, "aaaa1111bbbd", "aaaa1111bbbb", NULL);
	write_rev(dir, "ffff0000eeee", "aaaa1111bbbe", NULL);
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "ffff0000eeee");
	for (size_t i = 0; i < pr->n_fixv; i++)
		assert_true(!pr->fixv[i].reason || !strstr(pr->fixv[i].reason, "typo"));
	project_free(&p);
	remove_dir(dir);
}

/* A link cut to None left its old parent a childless head: that head ranks
 * before the revision created just before (which has a child). The other
 * head, f6, was made after the piece (a head created closer after the cut
 * revision would be taken for a rebase's parent). */
static void test_cut_link_head(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "a00000000001", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b00000000002", "a00000000001", "2024-01-01 00:00:02");
	write_rev(dir, "e00000000005", "a00000000001", "2024-01-01 00:00:03");
	write_rev(dir, "c00000000003", NULL, "2024-01-01 00:00:04"); /* was on b...2 */
	write_rev(dir, "f00000000006", "e00000000005", "2024-01-01 00:00:07");
	write_rev(dir, "d00000000004", "c00000000003", "2024-01-01 00:00:06");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MULTIPLE_BASES, "c00000000003");
	assert_true(pr->candidates.n >= 2);
	assert_string_equal(pr->candidates.v[0], "b00000000002");
	assert_string_equal(pr->candidates.v[1], "e00000000005");
	assert_int_equal(pr->fixv[0].kind, FIX_SET_DOWN);
	assert_string_equal(pr->fixv[0].target, "c00000000003");
	project_free(&p);
	remove_dir(dir);
}

/* Only Create Date points at a revision that has a child: the placeholder for
 * the missing id on it comes first, the re-parent second. */
static void test_placeholder_first_on_a_forking_date_candidate(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "a00000000001", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b00000000002", "a00000000001", "2024-01-01 00:00:02");
	write_rev(dir, "c00000000003", "b00000000002", "2024-01-01 00:00:04");
	write_rev(dir, "d00000000004", "zz_gone", "2024-01-01 00:00:03");
	/* merged back: no loose piece, whose root could take c3 for its rebased parent */
	write_file(dir, "e00000000005", "('c00000000003', 'd00000000004')", NULL, "2024-01-01 00:00:05");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "d00000000004");
	assert_string_equal(pr->candidates.v[0], "b00000000002");
	assert_int_equal(pr->fixv[0].kind, FIX_STUB);
	assert_string_equal(pr->fixv[0].target, "zz_gone");
	assert_string_equal(pr->fixv[0].parents.v[0], "b00000000002");
	assert_int_equal(pr->fixv[1].kind, FIX_SET_DOWN);
	project_free(&p);
	remove_dir(dir);
	/* a childless date candidate is re-parented onto: no fork */
	dir = make_dir();
	write_rev(dir, "a00000000001", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b00000000002", "a00000000001", "2024-01-01 00:00:02");
	write_rev(dir, "d00000000004", "zz_gone", "2024-01-01 00:00:03");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "d00000000004");
	assert_int_equal(pr->fixv[0].kind, FIX_SET_DOWN);
	assert_string_equal(pr->fixv[0].parents.v[0], "b00000000002");
	project_free(&p);
	remove_dir(dir);
}

/* The cut c3 is merged with o4 by m5: a merge joins heads, so c3 did not hang
 * below o4, though o4 was created just before it; b2, before o4, comes first. */
static void test_merge_joins_heads(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b20000000000", "a10000000000", "2024-01-01 00:00:02");
	write_rev(dir, "o40000000000", "b20000000000", "2024-01-01 00:00:03");
	write_rev(dir, "c30000000000", NULL, "2024-01-01 00:00:04"); /* was on b2 */
	write_file(dir, "m50000000000", "('c30000000000', 'o40000000000')", NULL, "2024-01-01 00:00:05");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MULTIPLE_BASES, "c30000000000");
	assert_string_equal(pr->candidates.v[0], "b20000000000");
	assert_non_null(strstr(pr->fixv[0].reason, "a merge joins heads"));
	for (size_t i = 0; i < pr->candidates.n; i++)
		assert_string_not_equal(pr->candidates.v[i], "o40000000000");
	project_free(&p);
	remove_dir(dir);
}

/* A loose piece whose root is older than the trunk's head (a rebase keeps
 * Create Date): no head was created before it, the trunk's one just after. */
static void test_loose_piece_head_after(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b20000000000", "a10000000000", "2024-01-01 00:00:05");
	write_rev(dir, "c30000000000", NULL, "2024-01-01 00:00:04"); /* rebased onto b2, then cut */
	write_rev(dir, "d40000000000", "c30000000000", "2024-01-01 00:00:06");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MULTIPLE_BASES, "c30000000000");
	assert_string_equal(pr->candidates.v[0], "b20000000000");
	assert_non_null(strstr(pr->fixv[0].reason, "just after it"));
	assert_string_equal(pr->candidates.v[1], "a10000000000"); /* Create Date's */
	project_free(&p);
	remove_dir(dir);
}

/* In a loose piece, Revises: names b2, whose line goes on to c3 without the
 * piece: a rebase left it stale, and the childless head c3 comes first. */
static void test_stale_revises_in_loose_piece(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b20000000000", "a10000000000", "2024-01-01 00:00:02");
	write_rev(dir, "c30000000000", "b20000000000", "2024-01-01 00:00:03");
	write_file(dir, "d40000000000", "None", "b20000000000", "2024-01-01 00:00:04");
	write_rev(dir, "e50000000000", "d40000000000", "2024-01-01 00:00:05");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MULTIPLE_BASES, "d40000000000");
	assert_string_equal(pr->candidates.v[0], "c30000000000");
	assert_string_equal(pr->candidates.v[1], "b20000000000");
	assert_non_null(strstr(pr->fixv[1].reason, "line goes on"));
	project_free(&p);
	remove_dir(dir);
	/* where the piece is merged back, Revises: stays strong */
	dir = make_dir();
	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b20000000000", "a10000000000", "2024-01-01 00:00:02");
	write_rev(dir, "c30000000000", "b20000000000", "2024-01-01 00:00:03");
	write_file(dir, "d40000000000", "None", "b20000000000", "2024-01-01 00:00:04");
	write_file(dir, "e50000000000", "('d40000000000', 'c30000000000')", NULL, "2024-01-01 00:00:05");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MULTIPLE_BASES, "d40000000000");
	assert_string_equal(pr->candidates.v[0], "b20000000000");
	project_free(&p);
	remove_dir(dir);
}

/* 004_add_users is missing, its number free and 003 taken: a deleted
 * revision's, not a typo of 014_add_users (one digit away). */
static void test_numbered_free_number_is_no_typo(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;
	bool weak_typo = false;

	(void)state;
	write_rev(dir, "001_init", NULL, NULL);
	write_rev(dir, "002_add_a", "001_init", NULL);
	write_rev(dir, "003_add_b", "002_add_a", NULL);
	write_rev(dir, "005_add_c", "004_add_users", NULL);
	write_rev(dir, "014_add_users", "003_add_b", NULL);
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "005_add_c");
	assert_string_equal(pr->candidates.v[0], "003_add_b");
	for (size_t i = 0; i < pr->n_fixv; i++)
		if (pr->fixv[i].kind == FIX_SET_DOWN && !strcmp(pr->fixv[i].parents.v[0], "014_add_users"))
			weak_typo = strstr(pr->fixv[i].reason, "number is free") != NULL;
	assert_true(weak_typo);
	project_free(&p);
	remove_dir(dir);
	/* the number taken by another revision: a typo after all */
	dir = make_dir();
	write_rev(dir, "001_init", NULL, NULL);
	write_rev(dir, "002_add_a", "001_init", NULL);
	write_rev(dir, "003_add_b", "002_add_a", NULL);
	write_rev(dir, "004_add_d", "003_add_b", NULL);
	write_rev(dir, "005_add_c", "004_add_users", NULL);
	write_rev(dir, "014_add_users", "003_add_b", NULL);
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "005_add_c");
	assert_string_equal(pr->candidates.v[0], "014_add_users");
	project_free(&p);
	remove_dir(dir);
}

/* 004_gone is deleted: 005_orphan's parent was 003_left, now childless and
 * numbered just before the missing id. A branch's tip, 006_tip, is the head
 * created nearer before the orphan (and 008_side Create Date's choice): the
 * number and the childless head agree on 003_left, and two signals outrank one. */
static void test_numbered_before_and_childless(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "001_base", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "002_main", "001_base", "2024-01-01 00:00:02");
	write_rev(dir, "003_left", "002_main", "2024-01-01 00:00:03");
	write_rev(dir, "009_later", "008_side", "2024-01-01 00:00:03.5");
	write_rev(dir, "006_tip", "002_main", "2024-01-01 00:00:04");
	write_rev(dir, "008_side", "002_main", "2024-01-01 00:00:05");
	write_rev(dir, "005_orphan", "004_gone", "2024-01-01 00:00:06");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "005_orphan");
	assert_true(pr->candidates.n >= 2);
	assert_string_equal(pr->candidates.v[0], "003_left");
	assert_non_null(strstr(pr->fixv[0].kind == FIX_SET_DOWN ? pr->fixv[0].reason : pr->fixv[1].reason,
			       "numbered just before the missing id, and childless"));
	project_free(&p);
	remove_dir(dir);
}

/* Two deleted revisions left two heads, a1 and a2, and two orphans made after
 * both: each head goes to one orphan, so that every pair stays near (o1 on
 * a1, o2 on a2), though a2 is the head nearest each. The f chain and the c
 * children keep the later heads far. */
static void test_heads_paired_with_orphans(void **state)
{
	static const char *const fill[][3] = {
		{ "f10000000001", "b00000000000", "2024-01-01 00:00:05" },
		{ "f20000000002", "f10000000001", "2024-01-01 00:00:06" },
		{ "f30000000003", "f20000000002", "2024-01-01 00:00:07" },
		{ "f40000000004", "f30000000003", "2024-01-01 00:00:08" },
		{ "c10000000001", "e10000000001", "2024-01-01 00:00:09" },
		{ "c20000000002", "e20000000002", "2024-01-01 00:00:10" },
	};
	char *dir = make_dir();
	struct project p;
	const struct problem *o1, *o2;

	(void)state;
	write_rev(dir, "b00000000000", NULL, "2024-01-01 00:00:00");
	write_rev(dir, "a10000000001", "b00000000000", "2024-01-01 00:00:01");
	write_rev(dir, "a20000000002", "b00000000000", "2024-01-01 00:00:02");
	write_rev(dir, "e10000000001", "d10000000001", "2024-01-01 00:00:03"); /* d1 was on a1 */
	write_rev(dir, "e20000000002", "d20000000002", "2024-01-01 00:00:04"); /* d2 was on a2 */
	for (size_t i = 0; i < sizeof(fill) / sizeof(fill[0]); i++)
		write_rev(dir, fill[i][0], fill[i][1], fill[i][2]);
	load(dir, &p);
	o1 = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "e10000000001");
	o2 = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "e20000000002");
	assert_true(o1->candidates.n >= 1 && o2->candidates.n >= 1);
	assert_string_equal(o1->candidates.v[0], "a10000000001");
	assert_string_equal(o2->candidates.v[0], "a20000000002");
	for (size_t i = 0; i < o1->n_fixv; i++)
		if (o1->fixv[i].kind == FIX_SET_DOWN && !strcmp(o1->fixv[i].parents.v[0], "a10000000001"))
			assert_non_null(strstr(o1->fixv[i].reason, "paired with e20000000002"));
	project_free(&p);
	remove_dir(dir);
}

/* v0 lost its parent, and every revision created before it down to the other
 * piece's a1 is its descendant: a line of CHAIN revisions, and heads forking
 * off its top. Each is asked about (Create Date, then the heads), and each
 * asks whether it is below v0: the line the first walk proved is not walked
 * again, so the work stays linear in the line (it was the line's square). */
static void test_descendants_walked_once(void **state)
{
	enum { CHAIN = 400, HEADS = 8 };
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "b00000000000", NULL, "2024-01-01 09:00:00");
	write_rev(dir, "a10000000001", "b00000000000", "2024-01-01 09:00:01");
	write_rev(dir, "v00000000000", "ffffffffffff", "2024-01-02 00:00:00");
	for (unsigned i = 1; i <= CHAIN; i++) {
		char *id = xasprintf("c%011u", i), *down = i > 1 ? xasprintf("c%011u", i - 1) : xstrdup("v00000000000");
		char *date = xasprintf("2024-01-01 10:%02u:%02u", i / 60, i % 60);

		write_rev(dir, id, down, date);
		free(id);
		free(down);
		free(date);
	}
	for (unsigned i = 1; i <= HEADS; i++) {
		char *id = xasprintf("d%011u", i), *down = xasprintf("c%011u", CHAIN - i);

		write_rev(dir, id, down, "2024-01-01 11:00:00");
		free(id);
		free(down);
	}
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "v00000000000");
	assert_true(pr->candidates.n > 0);
	assert_string_equal(pr->candidates.v[0], "a10000000001");
	for (size_t i = 0; i < pr->candidates.n; i++) /* its descendants would make a cycle */
		assert_true(pr->candidates.v[i][0] != 'c' && pr->candidates.v[i][0] != 'd');
	print_message("work %llu for a line of %d\n", (unsigned long long)p.graph.work.suggest, CHAIN);
	assert_true(p.graph.work.suggest < 8 * CHAIN);
	project_free(&p);
	remove_dir(dir);
}

/* Every revision lost one parent: each one's siblings (the lines a merge may
 * join it with) are looked at as far as the co-parent walk reaches, not all
 * of them for each (the siblings' square: 17 s at 30,000). */
static void test_siblings_of_one_lost_parent(void **state)
{
	enum { SIBLINGS = 600 };
	char *dir = make_dir();
	struct project p;

	(void)state;
	for (unsigned i = 0; i < SIBLINGS; i++) {
		char *id = xasprintf("s%011u", i), *date = xasprintf("2024-01-01 10:%02u:%02u", i / 60 % 60, i % 60);

		write_rev(dir, id, "ffffffffffff", date);
		free(id);
		free(date);
	}
	load(dir, &p);
	assert_true(problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "s00000000007")->candidates.n > 0);
	print_message("work %llu for %d siblings\n", (unsigned long long)p.graph.work.suggest, SIBLINGS);
	assert_true(p.graph.work.suggest < 200 * SIBLINGS);
	project_free(&p);
	remove_dir(dir);
}

/* LINES revisions each lost their own parent, which SIBLINGS revisions lost
 * with them, and one merge joins the LINES: each orphan's co-parents are the
 * merge's other parents, asked about (once sorted), not stamped one by one for
 * each orphan (LINES * LINES * SIBLINGS). */
static void test_wide_merge_of_orphans(void **state)
{
	enum { LINES = 200, SIBLINGS = 10 };
	char *dir = make_dir(), *down = xstrdup("(");
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "b00000000000", NULL, "2024-01-01 00:00:00");
	for (unsigned i = 0; i < LINES; i++)
		for (unsigned j = 0; j < SIBLINGS; j++) {
			char *id = xasprintf("c%05u%06u", i, j), *lost = xasprintf("m%011u", i);
			char *date = xasprintf("2024-01-02 %02u:%02u:%02u", (i * SIBLINGS + j) / 3600,
					       (i * SIBLINGS + j) / 60 % 60, (i * SIBLINGS + j) % 60);

			write_rev(dir, id, lost, date);
			if (!j) {
				char *more = xasprintf("%s'%s', ", down, id);

				free(down);
				down = more;
			}
			free(id);
			free(lost);
			free(date);
		}
	{
		char *tuple = xasprintf("%s)", down);

		write_file(dir, "j00000000000", tuple, NULL, "2024-01-03 00:00:00");
		free(tuple);
	}
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "c00007000003");
	assert_true(pr->candidates.n > 0);
	print_message("work %llu for %d lines of %d\n", (unsigned long long)p.graph.work.suggest, LINES, SIBLINGS);
	assert_true(p.graph.work.suggest < 100 * LINES * SIBLINGS);
	project_free(&p);
	free(down);
	remove_dir(dir);
}

/* 005_x is gone; 006_y's line merges with 004_c's at 007_m. 004_c is numbered
 * just before the missing id, but 006_y on it would make 007_m join a revision
 * and its own ancestor (a merge joins heads): it is no candidate, and Create
 * Date's choice, passed down below 004_c, comes first. */
static void test_numbered_before_is_not_the_merged_line(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "001_init", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "002_a", "001_init", "2024-01-01 00:00:02");
	write_rev(dir, "003_b", "002_a", "2024-01-01 00:00:03");
	write_rev(dir, "004_c", "003_b", "2024-01-01 00:00:04");
	write_rev(dir, "006_y", "005_x", "2024-01-01 00:00:06");
	write_file(dir, "007_m", "('006_y', '004_c')", NULL, "2024-01-01 00:00:07");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "006_y");
	assert_true(pr->candidates.n > 0);
	assert_string_equal(pr->candidates.v[0], "003_b");
	for (size_t i = 0; i < pr->candidates.n; i++)
		assert_string_not_equal(pr->candidates.v[i], "004_c");
	project_free(&p);
	remove_dir(dir);
}

/* A labelled branch's revision: DOWN as write_file's, LABEL its branch_labels. */
static void write_labelled(const char *dir, const char *id, const char *down, const char *label, const char *date)
{
	char *path = xasprintf("%s/%s_step.py", dir, id);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "\"\"\"step\n\nRevision ID: %s\nCreate Date: %s\n\n\"\"\"\nrevision = '%s'\ndown_revision = %s\n"
		   "branch_labels = %s\ndepends_on = None\n", id, date, id, down, label);
	fclose(f);
	free(path);
}

/* v3 was written on a branch from m1 (Revises: REVISES), rebased onto t5 (the
 * tip when it landed: newer than v3, which keeps its Create Date), and its
 * link then cut to None; the line went on from it, w6, and the branch f4 (from
 * m2) was merged back at j7. An audit branch's tip a4 was written in between. */
static void write_rebased_cut(const char *dir, const char *revises)
{
	write_rev(dir, "b0", NULL, "2024-01-01 00:00:00");
	write_labelled(dir, "a0", "None", "('audit',)", "2024-01-01 12:00:00");
	write_rev(dir, "m1", "b0", "2024-01-02 00:00:00");
	write_rev(dir, "m2", "m1", "2024-01-02 12:00:00");
	write_file(dir, "v3", "None", revises, "2024-01-03 00:00:00");
	write_labelled(dir, "a4", "'a0'", "None", "2024-01-03 12:00:00");
	write_rev(dir, "f4", "m2", "2024-01-04 00:00:00");
	write_rev(dir, "t5", "m2", "2024-01-05 00:00:00");
	write_rev(dir, "w6", "v3", "2024-01-06 00:00:00");
	write_file(dir, "j7", "('w6', 'f4')", "w6, f4", "2024-01-07 00:00:00");
	write_rev(dir, "n8", "j7", "2024-01-08 00:00:00");
}

/* The head t5 was created after v3, whose line (merged back at j7, so its
 * piece is not loose) goes on past it: a rebase's tip, first. Not the audit
 * branch's tip a4, nearer but on a branch v3 is not on, nor Create Date's m2. */
static void test_head_after_when_merged_back(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rebased_cut(dir, NULL);
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MULTIPLE_BASES, "v3");
	assert_true(pr->candidates.n > 0);
	assert_string_equal(pr->candidates.v[0], "t5");
	for (size_t i = 0; i < pr->candidates.n; i++)
		assert_string_not_equal(pr->candidates.v[i], "a4");
	project_free(&p);
	remove_dir(dir);
}

/* The same, its Revises: left naming m1, where the branch forked (m1's line
 * goes on): the head a rebase left childless ranks above it. */
static void test_stale_revises_below_head_after(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rebased_cut(dir, "m1");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MULTIPLE_BASES, "v3");
	assert_true(pr->candidates.n > 1);
	assert_string_equal(pr->candidates.v[0], "t5");
	assert_string_equal(pr->candidates.v[1], "m1");
	project_free(&p);
	remove_dir(dir);
}

/* v3's link is cut and its line stopped at w4; h6 was created later, on the
 * main line: no rebase put v3 there (the line would have gone on from v3), so
 * Create Date's m1 comes first, and h6 is no candidate. */
static void test_head_after_the_line_stopped(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "b0", NULL, "2024-01-01 00:00:00");
	write_rev(dir, "m1", "b0", "2024-01-02 00:00:00");
	write_rev(dir, "v3", NULL, "2024-01-03 00:00:00");
	write_rev(dir, "w4", "v3", "2024-01-04 00:00:00");
	write_rev(dir, "m5", "m1", "2024-01-05 00:00:00");
	write_rev(dir, "h6", "m5", "2024-01-06 00:00:00");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MULTIPLE_BASES, "v3");
	assert_true(pr->candidates.n > 0);
	assert_string_equal(pr->candidates.v[0], "m1");
	for (size_t i = 0; i < pr->candidates.n; i++)
		assert_string_not_equal(pr->candidates.v[i], "h6");
	project_free(&p);
	remove_dir(dir);
}

/* v8 lost its parent, and its line merges with z7's at m9: v8 came from that
 * piece, so the childless head b2 of another piece (another break's) is no
 * candidate, and Create Date's y6 comes first. */
static void test_head_in_own_piece_when_merged_back(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b20000000000", "a10000000000", "2024-01-01 00:00:02");
	write_rev(dir, "x50000000000", "zz_gone_one", "2024-01-01 00:00:03");
	write_rev(dir, "y60000000000", "x50000000000", "2024-01-01 00:00:04");
	write_rev(dir, "z70000000000", "y60000000000", "2024-01-01 00:00:05");
	write_rev(dir, "v80000000000", "zz_gone_two", "2024-01-01 00:00:06");
	write_file(dir, "m90000000000", "('v80000000000', 'z70000000000')", NULL, "2024-01-01 00:00:07");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "v80000000000");
	assert_string_equal(pr->candidates.v[0], "y60000000000");
	for (size_t i = 0; i < pr->candidates.n; i++)
		assert_string_not_equal(pr->candidates.v[i], "b20000000000");
	project_free(&p);
	remove_dir(dir);
}

static bool have_git(void)
{
	return system("git --version >/dev/null 2>&1") == 0;
}

#define COMMIT "git -c user.name=t -c user.email=t@t -c commit.gpgsign=false commit -qm"

/* A repository whose history is a1 <- b2 <- c3, dates pointing at nobody
 * useful (c3 is dated first), then BREAK run on it. */
static char *git_history(void)
{
	char *dir = make_dir();

	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:02");
	write_rev(dir, "b20000000000", "a10000000000", "2024-01-01 00:00:03");
	write_rev(dir, "c30000000000", "b20000000000", "2024-01-01 00:00:01");
	run(dir, "git init -q . && git add -A && " COMMIT " init");
	return dir;
}

static void break_c3(const char *dir)
{
	write_rev(dir, "c30000000000", "q_unrelated", "2024-01-01 00:00:01");
}

static void test_git_committed_parent(void **state)
{
	char *dir;
	struct project p;
	const struct problem *pr;

	(void)state;
	if (!have_git())
		skip();
	dir = git_history();
	break_c3(dir); /* not committed */
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "c30000000000");
	assert_string_equal(pr->candidates.v[0], "b20000000000");
	assert_non_null(strstr(pr->fixv[0].reason, "committed"));
	project_free(&p);
	run(dir, "git add -A && " COMMIT " break"); /* now committed: the value before */
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "c30000000000");
	assert_string_equal(pr->candidates.v[0], "b20000000000");
	assert_non_null(strstr(pr->fixv[0].reason, "before commit"));
	project_free(&p);
	remove_dir(dir);
}

/* C3's problem in P: git's reason WHY leads. */
static void assert_git_reason(const struct project *p, const char *why)
{
	const struct problem *pr = problem_about(p, PROBLEM_MISSING_DOWN_REVISION, "c30000000000");

	assert_string_equal(pr->candidates.v[0], "b20000000000");
	assert_non_null(strstr(pr->fixv[0].reason, why));
}

/* A reload asks git afresh: a new project (a file added) still has git's
 * signals, and one reloaded in place after a commit (or its undoing) says what
 * git says now, whether a file was read again or none was. */
static void test_git_hints_follow_reload(void **state)
{
	struct config_request req = { 0 };
	struct mt_error err = { 0 };
	struct reload_stats st;
	struct project p, fresh;
	char *dir;

	(void)state;
	if (!have_git())
		skip();
	setenv("MIGTREE_RACY_NS", "0", 1); /* a file is read again when it changed, not for its age */
	dir = git_history();
	req.versions_dir = dir;
	break_c3(dir); /* not committed */
	load(dir, &p);
	assert_git_reason(&p, "committed");
	write_rev(dir, "d40000000000", "b20000000000", "2024-01-01 00:00:04");
	assert_int_equal(project_reload(&req, &p, NULL, &fresh, &st, &err), 0);
	project_free(&p);
	p = fresh;
	assert_git_reason(&p, "committed");
	/* committed, no file changed: HEAD moved, so git is asked again */
	run(dir, "git add -A && " COMMIT " break");
	assert_int_equal(project_reload_in_place(&req, &p, NULL, &st, &err), 0);
	assert_int_equal(st.reread, 0);
	assert_git_reason(&p, "before commit");
	assert_int_equal(project_reload_in_place(&req, &p, NULL, &st, &err), 1); /* HEAD as it was */
	/* the commit undone (files as they are) and a file read again */
	run(dir, "git reset -q --soft HEAD~1");
	break_c3(dir);
	assert_int_equal(project_reload_in_place(&req, &p, NULL, &st, &err), 0);
	assert_true(st.reread >= 1);
	assert_git_reason(&p, "committed");
	project_free(&p);
	unsetenv("MIGTREE_RACY_NS");
	remove_dir(dir);
}

/* b2's file deleted and committed: c3's candidate is b2's own parent, and
 * restore puts the file back. */
static void test_git_deleted_file_and_restore(void **state)
{
	struct mt_error err = { 0 };
	struct edit_session s;
	char *dir;
	struct project p;
	const struct problem *pr;
	bool restore = false;

	(void)state;
	if (!have_git())
		skip();
	dir = git_history();
	run(dir, "git rm -q b20000000000_step.py && " COMMIT " drop");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "c30000000000");
	assert_string_equal(pr->candidates.v[0], "a10000000000");
	assert_non_null(strstr(pr->fixv[0].reason, "deleted"));
	for (size_t i = 0; i < pr->n_fixv; i++)
		if (pr->fixv[i].kind == FIX_RESTORE) {
			restore = true;
			assert_string_equal(pr->fixv[i].target, "b20000000000");
		}
	assert_true(restore);
	edit_begin(&s, &p);
	assert_int_equal(edit_restore(&s, "b20000000000", &err), 0);
	assert_int_equal(problem_count(&p.graph.problems, SEVERITY_ERROR), 0);
	assert_int_equal(edit_restore(&s, "b20000000000", &err), -1); /* not missing now */
	edit_end(&s);
	project_free(&p);
	remove_dir(dir);
}

/* The same deletion under a published c3: c3 keeps its parents, so the file
 * back from git comes first, and the plan restores it (not a placeholder). */
static void test_published_child_gets_restore(void **state)
{
	struct published pub = { 0 };
	struct edit_session s;
	struct plan pl;
	char *dir, *path;
	struct project p;
	const struct problem *pr;

	(void)state;
	if (!have_git())
		skip();
	dir = git_history();
	run(dir, "git rm -q b20000000000_step.py && " COMMIT " drop");
	load(dir, &p);
	strmap_init(&pub.index);
	pub.ref = xstrdup("origin/main");
	path = realpath(dir, NULL);
	sl_push_owned(&pub.paths, xasprintf("%s/c30000000000_step.py", path));
	strmap_put(&pub.index, pub.paths.v[0], 1);
	free(path);
	published_fix_problems(&pub, &p.graph);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "c30000000000");
	assert_int_equal(pr->fixv[0].kind, FIX_RESTORE);
	edit_begin(&s, &p);
	edit_set_published(&s, &pub);
	plan_make(&s, &pl);
	assert_int_equal(pl.n, 1);
	assert_int_equal(pl.v[0].fix.kind, FIX_RESTORE);
	assert_string_equal(pl.v[0].fix.target, "b20000000000");
	plan_free(&pl);
	edit_end(&s);
	published_free(&pub);
	project_free(&p);
	remove_dir(dir);
}

/* A merge revision with one parent renamed wrong: git remembers both parents,
 * and the one it still has is no candidate for the one it lost. */
static void test_merge_keeps_its_other_parent(void **state)
{
	char *dir, *path;
	struct project p;
	const struct problem *pr;
	FILE *f;

	(void)state;
	if (!have_git())
		skip();
	dir = make_dir();
	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b20000000000", "a10000000000", "2024-01-01 00:00:02");
	write_rev(dir, "c30000000000", "a10000000000", "2024-01-01 00:00:03");
	path = xasprintf("%s/d40000000000_step.py", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "\"\"\"merge\n\nRevision ID: d40000000000\n\"\"\"\nrevision = 'd40000000000'\n"
		   "down_revision = ('b20000000000', 'c30000000000')\n");
	fclose(f);
	run(dir, "git init -q . && git add -A && " COMMIT " init");
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "\"\"\"merge\n\nRevision ID: d40000000000\n\"\"\"\nrevision = 'd40000000000'\n"
		   "down_revision = ('b20000000000', 'q_elsewhere')\n");
	fclose(f);
	free(path);
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "d40000000000");
	assert_string_equal(pr->candidates.v[0], "c30000000000");
	for (size_t i = 0; i < pr->candidates.n; i++)
		assert_string_not_equal(pr->candidates.v[i], "b20000000000");
	project_free(&p);
	remove_dir(dir);
}

/* The merge m4 deleted (committed): git names both its parents; the first
 * leads, though the graph and Create Date agree with the second (c3, the head
 * created just before v5). */
static void test_git_deleted_merge_first_parent_leads(void **state)
{
	char *dir;
	struct project p;
	const struct problem *pr;

	(void)state;
	if (!have_git())
		skip();
	dir = make_dir();
	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "b20000000000", "a10000000000", "2024-01-01 00:00:02");
	write_rev(dir, "c30000000000", "a10000000000", "2024-01-01 00:00:03");
	write_file(dir, "m40000000000", "('b20000000000', 'c30000000000')", NULL, "2024-01-01 00:00:04");
	write_rev(dir, "v50000000000", "m40000000000", "2024-01-01 00:00:05");
	run(dir, "git init -q . && git add -A && " COMMIT " init && git rm -q m40000000000_step.py && " COMMIT
		 " drop");
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "v50000000000");
	assert_string_equal(pr->candidates.v[0], "b20000000000");
	assert_string_equal(pr->candidates.v[1], "c30000000000");
	assert_non_null(strstr(pr->fixv[1].reason, "the first one leads"));
	project_free(&p);
	remove_dir(dir);
}

/* Outside git nothing is asked of it, and the other signals still rank. */
static void test_no_git_still_ranks(void **state)
{
	char *dir = make_dir();
	struct project p;
	const struct problem *pr;

	(void)state;
	write_rev(dir, "a10000000000", NULL, "2024-01-01 00:00:01");
	write_rev(dir, "c30000000000", "a1000000000", "2024-01-01 00:00:02"); /* a prefix */
	load(dir, &p);
	pr = problem_about(&p, PROBLEM_MISSING_DOWN_REVISION, "c30000000000");
	assert_string_equal(pr->candidates.v[0], "a10000000000");
	for (size_t i = 0; i < pr->n_fixv; i++)
		assert_int_not_equal(pr->fixv[i].kind, FIX_RESTORE);
	project_free(&p);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typo_alone),
		cmocka_unit_test(test_dates_past_and_within_the_key),
		cmocka_unit_test(test_typo_tie_is_no_signal),
		cmocka_unit_test(test_cut_link_head),
		cmocka_unit_test(test_placeholder_first_on_a_forking_date_candidate),
		cmocka_unit_test(test_git_committed_parent),
		cmocka_unit_test(test_git_hints_follow_reload),
		cmocka_unit_test(test_git_deleted_file_and_restore),
		cmocka_unit_test(test_published_child_gets_restore),
		cmocka_unit_test(test_merge_keeps_its_other_parent),
		cmocka_unit_test(test_no_git_still_ranks),
		cmocka_unit_test(test_merge_joins_heads),
		cmocka_unit_test(test_loose_piece_head_after),
		cmocka_unit_test(test_stale_revises_in_loose_piece),
		cmocka_unit_test(test_numbered_free_number_is_no_typo),
		cmocka_unit_test(test_numbered_before_is_not_the_merged_line),
		cmocka_unit_test(test_numbered_before_and_childless),
		cmocka_unit_test(test_heads_paired_with_orphans),
		cmocka_unit_test(test_descendants_walked_once),
		cmocka_unit_test(test_siblings_of_one_lost_parent),
		cmocka_unit_test(test_wide_merge_of_orphans),
		cmocka_unit_test(test_head_in_own_piece_when_merged_back),
		cmocka_unit_test(test_head_after_when_merged_back),
		cmocka_unit_test(test_stale_revises_below_head_after),
		cmocka_unit_test(test_head_after_the_line_stopped),
		cmocka_unit_test(test_git_deleted_merge_first_parent_leads),
	};

	/* git must not see the migtree repository around /tmp, nor a user's config */
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CEILING_DIRECTORIES", "/tmp", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
