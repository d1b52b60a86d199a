/* test_bydate.c - a run re-linked in Create Date order (bydate.h) and the
 * several-links step under it (edit_relink): the new links read from the
 * files, the docstrings in step, refusals that change nothing, one undo. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "migtree/bydate.h"
#include "migtree/edit.h"

static char root[PATH_MAX];

/* A migration file: ID on DOWN ("None", "'x'", "('x', 'y')"), created DATE
 * (NULL: no Create Date line), depending on DEPS (NULL: none). */
static void rev(const char *id, const char *down, const char *date, const char *deps)
{
	char *path = xasprintf("%s/versions/%s.py", root, id);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fprintf(f, "\"\"\"%s\n\nRevision ID: %s\nRevises: %s\n", id, id,
		strcmp(down, "None") ? down : "");
	if (date)
		fprintf(f, "Create Date: %s\n", date);
	fprintf(f, "\n\"\"\"\nrevision = '%s'\ndown_revision = %s\n", id, down);
	if (deps)
		fprintf(f, "depends_on = %s\n", deps);
	fclose(f);
	free(path);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/migtree-bydate-XXXXXX";
	char *dir;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	dir = xasprintf("%s/versions", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(dir);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static void load(struct project *p, struct edit_session *s)
{
	struct config_request req = { .versions_dir = NULL };
	struct mt_error err = { 0 };
	char *dir = xasprintf("%s/versions", root);

	req.versions_dir = dir;
	assert_int_equal(project_load(&req, p, &err), 0);
	free(dir);
	edit_begin(s, p);
}

static void unload(struct project *p, struct edit_session *s)
{
	edit_end(s);
	project_free(p);
}

static uint32_t node(const struct project *p, const char *id)
{
	uint32_t v = graph_find(&p->graph, id);

	assert_int_not_equal(v, NO_NODE);
	return v;
}

/* REV's parents as the graph has them now, joined by commas. */
static char *parents(const struct project *p, const char *id)
{
	const struct revision_file *rf = p->graph.nodes[node(p, id)].file;

	return sl_join(&rf->down.ids, ",");
}

static void assert_parents(const struct project *p, const char *id, const char *want)
{
	char *got = parents(p, id);

	assert_string_equal(got, want);
	free(got);
}

/* Plan LOWER..UPPER; RC expected, then ERR's message holds WANT (when given). */
static void plan_refused(const struct project *p, const char *lower, const char *upper, int rc, const char *want)
{
	struct bydate_plan pl;
	struct mt_error err = { 0 };

	assert_int_equal(bydate_plan(&p->graph, node(p, lower), node(p, upper), &pl, &err), rc);
	if (!strstr(err.message, want))
		fail_msg("'%s' does not say '%s'", err.message, want);
	assert_int_equal(pl.n_links, 0);
	bydate_plan_free(&pl);
}

/* Plan LOWER..UPPER and apply it as one step. */
static void order(struct project *p, struct edit_session *s, const char *lower, const char *upper)
{
	struct bydate_plan pl;
	struct mt_error err = { 0 };

	if (bydate_plan(&p->graph, node(p, lower), node(p, upper), &pl, &err))
		fail_msg("plan %s..%s: %s", lower, upper, err.message);
	if (edit_relink(s, pl.links, pl.n_links, true, &err))
		fail_msg("relink: %s", err.message);
	bydate_plan_free(&pl);
}

/* base <- a <- b <- c <- top, dated c < b < a: the run a..c is the wrong way up. */
static void reversed_line(void)
{
	rev("base", "None", "2024-01-01 00:00:00.000000", NULL);
	rev("a", "'base'", "2024-01-04 00:00:00.000000", NULL);
	rev("b", "'a'", "2024-01-03 00:00:00.000000", NULL);
	rev("c", "'b'", "2024-01-02 00:00:00.000000", NULL);
	rev("top", "'c'", "2024-01-05 00:00:00.000000", NULL);
}

static void test_in_order_already(void **state)
{
	struct project p;
	struct edit_session s;

	(void)state;
	rev("base", "None", "2024-01-01 00:00:00", NULL);
	rev("a", "'base'", "2024-01-02 00:00:00", NULL);
	rev("b", "'a'", "2024-01-02 00:00:00", NULL); /* a tie keeps its order */
	load(&p, &s);
	plan_refused(&p, "base", "b", 1, "already in Create Date order (3 revisions)");
	plan_refused(&p, "a", "a", -1, "one revision");
	unload(&p, &s);
}

/* Reversed: each revision on the one created before it, the outside links
 * kept at the ends, the docstrings in step; one undo puts back every byte. */
static void test_reversed_and_undo(void **state)
{
	struct project p;
	struct edit_session s;
	char *before, *after;

	(void)state;
	reversed_line();
	load(&p, &s);
	order(&p, &s, "a", "c");
	assert_parents(&p, "c", "base");
	assert_parents(&p, "b", "c");
	assert_parents(&p, "a", "b");
	assert_parents(&p, "top", "a"); /* the top's child follows the new top */
	assert_true(p.graph.nodes[node(&p, "a")].file->doc_revises.value != NULL);
	assert_string_equal(p.graph.nodes[node(&p, "c")].file->doc_revises.value, "base");
	assert_string_equal(p.graph.nodes[node(&p, "top")].file->doc_revises.value, "a");
	assert_int_equal(edit_changed(&s, NULL, 0), 4);
	before = edit_diff(&s);
	assert_int_equal(edit_undo(&s), 0);
	assert_int_equal(edit_changed(&s, NULL, 0), 0); /* every file as on disk */
	assert_parents(&p, "c", "b");
	assert_parents(&p, "top", "c");
	assert_false(edit_can_undo(&s));
	assert_int_equal(edit_redo(&s), 0);
	after = edit_diff(&s);
	assert_string_equal(before, after);
	free(before);
	free(after);
	plan_refused(&p, "c", "a", 1, "already in Create Date order");
	unload(&p, &s);
}

/* Equal dates keep the order they have; the earliest takes LOWER's parents,
 * all of them (LOWER may be a merge point). */
static void test_ties_and_a_merge_below(void **state)
{
	struct project p;
	struct edit_session s;

	(void)state;
	rev("x", "None", "2024-01-01 00:00:00", NULL);
	rev("y", "None", "2024-01-01 00:00:01", NULL);
	rev("a", "('x', 'y')", "2024-03-01 00:00:00", NULL);
	rev("b", "'a'", "2024-02-01 00:00:00", NULL);
	rev("c", "'b'", "2024-02-01 00:00:00", NULL);
	rev("d", "'c'", "2024-02-01 00:00:00", NULL);
	load(&p, &s);
	order(&p, &s, "a", "d");
	assert_parents(&p, "b", "x,y");
	assert_parents(&p, "c", "b");
	assert_parents(&p, "d", "c");
	assert_parents(&p, "a", "d");
	assert_true(p.graph.nodes[node(&p, "a")].is_head);
	unload(&p, &s);
}

static void test_missing_or_unreadable_date(void **state)
{
	struct project p;
	struct edit_session s;

	(void)state;
	rev("base", "None", "2024-01-01 00:00:00", NULL);
	rev("a", "'base'", "2024-01-03 00:00:00", NULL);
	rev("b", "'a'", NULL, NULL);
	rev("c", "'b'", "yesterday", NULL);
	rev("d", "'c'", "2024-01-02 00:00:00", NULL);
	load(&p, &s);
	plan_refused(&p, "a", "b", -1, "b has no Create Date");
	plan_refused(&p, "c", "d", -1, "c: the Create Date 'yesterday' is not a date");
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	unload(&p, &s);
}

/* Offsets are compared as instants: 10:00+02:00 is before 09:00 UTC. */
static void test_dates_with_offsets(void **state)
{
	struct project p;
	struct edit_session s;

	(void)state;
	rev("base", "None", "2024-01-01 00:00:00", NULL);
	rev("a", "'base'", "2024-01-01 09:00:00.000001+00:00", NULL);
	rev("b", "'a'", "2024-01-01 10:00:00+02:00", NULL);
	rev("c", "'b'", "2024-01-01T09:00:00Z", NULL);
	load(&p, &s);
	order(&p, &s, "a", "c");
	assert_parents(&p, "b", "base");
	assert_parents(&p, "c", "b");
	assert_parents(&p, "a", "c");
	unload(&p, &s);
}

/* Not a straight line: a merge or branch point inside, a branching LOWER,
 * ends the wrong way round, ends on other lines. */
static void test_not_a_line(void **state)
{
	struct project p;
	struct edit_session s;

	(void)state;
	rev("base", "None", "2024-01-01", NULL);
	rev("a", "'base'", "2024-01-05", NULL);
	rev("side", "'base'", "2024-01-02", NULL);
	rev("b", "('a', 'side')", "2024-01-04", NULL);
	rev("c", "'b'", "2024-01-03", NULL);
	rev("d", "'c'", "2024-01-02", NULL);
	rev("e", "'c'", "2024-01-02", NULL);
	rev("f", "'d'", "2024-01-01", NULL);
	load(&p, &s);
	plan_refused(&p, "a", "c", -1, "b is a merge point (2 parents)");
	plan_refused(&p, "b", "f", -1, "c is a branch point (2 children)");
	plan_refused(&p, "base", "a", -1, "base is a branch point: its other branch would move up with it; "
					   "start the run at a");
	plan_refused(&p, "f", "d", -1, "f is above d: the run goes from its oldest end up, d:f");
	plan_refused(&p, "side", "a", -1, "side is not below a: the line down from a ends at the base base");
	unload(&p, &s);
}

/* UPPER may branch: all its children move to the new top. */
static void test_children_of_the_top_move(void **state)
{
	struct project p;
	struct edit_session s;

	(void)state;
	rev("base", "None", "2024-01-01", NULL);
	rev("a", "'base'", "2024-01-03", NULL);
	rev("b", "'a'", "2024-01-02", NULL);
	rev("k1", "'b'", "2024-01-04", NULL);
	rev("k2", "('b', 'z')", "2024-01-05", NULL);
	rev("z", "'base'", "2024-01-01 12:00", NULL);
	load(&p, &s);
	order(&p, &s, "a", "b");
	assert_parents(&p, "b", "base");
	assert_parents(&p, "a", "b");
	assert_parents(&p, "k1", "a");
	assert_parents(&p, "k2", "a,z"); /* the other parent stays, in its place */
	unload(&p, &s);
}

/* A child naming the top twice gets one link, as one naming it once. */
static void test_child_naming_the_top_twice(void **state)
{
	struct project p;
	struct edit_session s;
	struct bydate_plan pl;
	struct mt_error err = { 0 };
	size_t k2 = 0;

	(void)state;
	rev("base", "None", "2024-01-01", NULL);
	rev("a", "'base'", "2024-01-03", NULL);
	rev("b", "'a'", "2024-01-02", NULL);
	rev("k1", "'b'", "2024-01-04", NULL);
	rev("k2", "('b', 'b')", "2024-01-05", NULL);
	load(&p, &s);
	assert_int_equal(bydate_plan(&p.graph, node(&p, "a"), node(&p, "b"), &pl, &err), 0);
	for (size_t i = 0; i < pl.n_links; i++)
		k2 += !strcmp(pl.links[i].rev, "k2");
	assert_int_equal(k2, 1);
	bydate_plan_free(&pl);
	unload(&p, &s);
}

/* A depends_on inside the run that the new order would turn into a cycle. */
static void test_depends_on_inside(void **state)
{
	struct project p;
	struct edit_session s;

	(void)state;
	rev("base", "None", "2024-01-01", NULL);
	rev("a", "'base'", "2024-01-03", NULL);
	rev("b", "'a'", "2024-01-02", "'a'");
	load(&p, &s);
	plan_refused(&p, "a", "b", -1, "b depends on a, which date order puts after it");
	unload(&p, &s);
}

/* The published revisions among those re-parented (the one that keeps its
 * parents is not). */
static void test_published(void **state)
{
	struct project p;
	struct edit_session s;
	struct bydate_plan pl;
	struct mt_error err = { 0 };
	struct published pub = { 0 };
	struct strlist ids = { 0 };

	(void)state;
	reversed_line();
	load(&p, &s);
	pub.ref = xstrdup("origin/main");
	strmap_init(&pub.index);
	sl_push(&pub.paths, p.graph.nodes[node(&p, "b")].file->real_path);
	sl_push(&pub.paths, p.graph.nodes[node(&p, "base")].file->real_path);
	for (size_t i = 0; i < pub.paths.n; i++)
		strmap_put(&pub.index, pub.paths.v[i], 1);
	assert_int_equal(bydate_plan(&p.graph, node(&p, "a"), node(&p, "c"), &pl, &err), 0);
	bydate_published(&pl, &p.graph, &pub, &ids);
	assert_int_equal(ids.n, 1);
	assert_string_equal(ids.v[0], "b");
	sl_free(&ids);
	bydate_plan_free(&pl);
	published_free(&pub);
	unload(&p, &s);
}

/* Several links at once: a swap edit_set_down refuses one link at a time is
 * one step here; a cycle, a revision named twice and a stale step are not. */
static void test_relink_checks_the_state_after(void **state)
{
	struct project p;
	struct edit_session s;
	struct strlist to_a = { 0 }, to_base = { 0 }, to_b = { 0 };
	struct mt_error err = { 0 };
	struct edit_step *st;

	(void)state;
	reversed_line();
	load(&p, &s);
	sl_push(&to_a, "a");
	sl_push(&to_base, "base");
	sl_push(&to_b, "b");
	assert_int_equal(edit_set_down(&s, "a", &to_b, false, &err), -1); /* one at a time: a cycle */
	{
		struct edit_relink cycle[] = { { "b", &to_b } };
		struct edit_relink loop[] = { { "a", &to_b } };
		struct edit_relink twice[] = { { "b", &to_base }, { "b", &to_a } };
		struct edit_relink swap[] = { { "a", &to_b }, { "b", &to_base } };

		assert_int_equal(edit_relink(&s, cycle, 1, true, &err), -1);
		assert_non_null(strstr(err.message, "its own parent"));
		assert_int_equal(edit_relink(&s, loop, 1, true, &err), -1);
		assert_non_null(strstr(err.message, "cycle"));
		assert_int_equal(edit_relink(&s, twice, 2, true, &err), -1);
		assert_non_null(strstr(err.message, "twice"));
		assert_int_equal(edit_changed(&s, NULL, 0), 0);
		st = edit_relink_prepare(&s, swap, 2, true, &err);
		assert_non_null(st);
		{
			char *d = edit_step_diff(st);

			assert_non_null(strstr(d, "+down_revision = 'b'"));
			assert_non_null(strstr(d, "+down_revision = 'base'"));
			free(d);
		}
		assert_int_equal(edit_changed(&s, NULL, 0), 0); /* made, not applied */
		assert_int_equal(edit_set_down(&s, "top", &to_b, false, &err), 0);
		assert_int_equal(edit_step_commit(&s, st, &err), -1); /* the state moved on */
		assert_non_null(strstr(err.message, "changed since"));
		assert_int_equal(edit_undo(&s), 0);
		assert_int_equal(edit_relink(&s, swap, 2, true, &err), 0);
	}
	assert_parents(&p, "b", "base");
	assert_parents(&p, "a", "b");
	assert_parents(&p, "c", "b");
	assert_int_equal(edit_undo(&s), 0);
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	sl_free(&to_a);
	sl_free(&to_base);
	sl_free(&to_b);
	unload(&p, &s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_order_already, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reversed_and_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ties_and_a_merge_below, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_or_unreadable_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dates_with_offsets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_children_of_the_top_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_naming_the_top_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depends_on_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_published, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relink_checks_the_state_after, setup, teardown),
	};

	return cmocka_run_group_tests_name("bydate", tests, NULL, NULL);
}
