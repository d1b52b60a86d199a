/* test_plan.c - the repair plan (plan.h): its order (connect, placeholders,
 * merges), one step per revision, never a merge across pieces that share no
 * ancestor, a merge within a piece, published revisions kept, the session left
 * as it was, and a history that checks clean after the plan is applied. On
 * histories written here (each line a revision, its Create Date the line's
 * number, so that "created just before" is the line above) and on the seed
 * report's example. */
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

#include "migtree/edit.h"
#include "migtree/plan.h"
#include "migtree/published.h"

static char root[PATH_MAX];

/* "rev parent... [@label] [!]": ! marks the revision published. */
static void write_history(const char *text, struct strlist *published)
{
	char *copy = xstrdup(text), *save = NULL, *line;
	int day = 1;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save), day++) {
		char *s2 = NULL, *rev = strtok_r(line, " ", &s2), *tok, *path;
		struct strbuf down, labels;
		FILE *f;

		sb_init(&down);
		sb_init(&labels);
		while ((tok = strtok_r(NULL, " ", &s2))) {
			if (tok[0] == '@')
				sb_addf(&labels, "'%s', ", tok + 1);
			else if (tok[0] == '!')
				sl_push_owned(published, xasprintf("%s/versions/%s.py", root, rev));
			else
				sb_addf(&down, "'%s', ", tok);
		}
		path = xasprintf("%s/versions/%s.py", root, rev);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "\"\"\"message of %s\n\nRevision ID: %s\nRevises:\nCreate Date: 2024-01-%02d 10:00:00\n\"\"\"\n"
			   "revision = '%s'\ndown_revision = %s%s%s\nbranch_labels = (%s)\n",
			rev, rev, day, rev, down.len ? "(" : "None", down.len ? down.buf : "", down.len ? ")" : "",
			labels.len ? labels.buf : "");
		fclose(f);
		free(path);
		sb_free(&down);
		sb_free(&labels);
	}
	free(copy);
}

struct fixture {
	struct project p;
	struct published pub;
	struct edit_session s;
	struct plan pl;
	char *dir;
};

/* Load TEXT written as files, mark the published ones, make the plan. */
static void load(struct fixture *fx, const char *text)
{
	struct config_request req = { 0 };
	struct mt_error err = { 0 };
	char tmpl[] = "/tmp/migtree-plan-XXXXXX", *cmd;

	memset(fx, 0, sizeof(*fx));
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	fx->dir = xasprintf("%s/versions", root);
	cmd = xasprintf("mkdir -p '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	strmap_init(&fx->pub.index);
	write_history(text, &fx->pub.paths);
	if (fx->pub.paths.n) {
		fx->pub.ref = xstrdup("origin/main");
		for (size_t i = 0; i < fx->pub.paths.n; i++)
			strmap_put(&fx->pub.index, fx->pub.paths.v[i], 1);
	}
	req.versions_dir = fx->dir;
	assert_int_equal(project_load(&req, &fx->p, &err), 0);
	published_fix_problems(&fx->pub, &fx->p.graph);
	edit_begin(&fx->s, &fx->p);
	edit_set_published(&fx->s, &fx->pub);
	plan_make(&fx->s, &fx->pl);
}

static void unload(struct fixture *fx)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	plan_free(&fx->pl);
	edit_end(&fx->s);
	project_free(&fx->p);
	published_free(&fx->pub);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx->dir);
}

static size_t count_phase(const struct plan *pl, enum plan_phase phase)
{
	size_t n = 0;

	for (size_t i = 0; i < pl->n; i++)
		n += pl->v[i].phase == phase;
	return n;
}

static const struct plan_step *step_of(const struct plan *pl, enum fix_kind kind, const char *target)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].fix.kind == kind && pl->v[i].fix.target && !strcmp(pl->v[i].fix.target, target))
			return &pl->v[i];
	return NULL;
}

/* The steps one by one: each merge joins heads of one piece of the history
 * the steps before it made. Undone after. */
static void assert_merges_within_pieces(struct fixture *fx)
{
	const struct graph *g = &fx->p.graph;
	struct mt_error err = { 0 };

	for (size_t i = 0; i < fx->pl.n; i++) {
		const struct plan_step *st = &fx->pl.v[i];
		uint32_t first = graph_find(g, st->fix.parents.n ? st->fix.parents.v[0] : "");

		if (st->fix.kind == FIX_MERGE) {
			assert_true(st->fix.parents.n >= 2);
			assert_int_not_equal(first, NO_NODE);
			for (size_t k = 0; k < st->fix.parents.n; k++) {
				uint32_t v = graph_find(g, st->fix.parents.v[k]);

				assert_int_not_equal(v, NO_NODE);
				assert_true(g->nodes[v].is_head);
				assert_int_equal(g->component[v], g->component[first]);
			}
		}
		assert_int_equal(fix_apply(&fx->s, &st->fix, &err), 0);
	}
	while (edit_can_undo(&fx->s))
		edit_undo(&fx->s);
	edit_clear_redo(&fx->s);
}

/* What holds of every plan: steps in phase order, each revision given a
 * parent once, each merge within one piece, and the session as it was
 * (nothing pending, nothing to undo or redo). */
static void assert_plan_shape(struct fixture *fx)
{
	struct strlist seen = { 0 };

	for (size_t i = 0; i < fx->pl.n; i++) {
		const struct plan_step *st = &fx->pl.v[i];

		assert_non_null(st->why);
		if (i)
			assert_true(fx->pl.v[i - 1].phase <= st->phase);
		if (fix_reparents(&st->fix)) {
			assert_false(sl_contains(&seen, st->fix.target));
			sl_push(&seen, st->fix.target);
		}
	}
	sl_free(&seen);
	assert_int_equal(edit_changed(&fx->s, NULL, 0), 0);
	assert_false(edit_can_undo(&fx->s));
	assert_false(edit_can_redo(&fx->s));
	assert_true(fx->pl.n == 0 || fx->pl.diff[0] != '\0');
	assert_merges_within_pieces(fx);
	assert_int_equal(edit_changed(&fx->s, NULL, 0), 0);
}

/* Apply the plan: one step of undo, after which check finds no error and at
 * most one head per branch (MAX_HEADS_PROBLEMS: what a piece left apart keeps);
 * undone, every file is as loaded. */
static void assert_applies(struct fixture *fx, size_t max_heads_problems)
{
	struct mt_error err = { 0 };
	char *diff;

	assert_int_equal(plan_apply(&fx->s, &fx->pl, &err), 0);
	assert_true(edit_can_undo(&fx->s));
	diff = edit_diff(&fx->s);
	if (!count_phase(&fx->pl, PLAN_MERGE)) /* a merge revision gets a new id each time */
		assert_string_equal(diff, fx->pl.diff); /* what the view showed is what is applied */
	free(diff);
	assert_int_equal(problem_count(&fx->p.graph.problems, SEVERITY_ERROR), 0);
	assert_true(problem_count_kind(&fx->p.graph.problems, PROBLEM_MULTIPLE_HEADS) <= max_heads_problems);
	assert_int_equal(edit_undo(&fx->s), 0);
	assert_false(edit_can_undo(&fx->s)); /* the whole plan was one step */
	assert_int_equal(edit_changed(&fx->s, NULL, 0), 0);
}

/* A second piece starting at its own base hangs onto the revision created
 * just before it: one connection, and nothing left to merge. */
static void two_pieces(void **state)
{
	struct fixture fx;

	(void)state;
	load(&fx, "a1\na2 a1\na3 a2\nb1\nb2 b1\n");
	assert_plan_shape(&fx);
	assert_int_equal(fx.pl.n, 1);
	assert_non_null(step_of(&fx.pl, FIX_SET_DOWN, "b1"));
	assert_string_equal(step_of(&fx.pl, FIX_SET_DOWN, "b1")->fix.parents.v[0], "a3");
	assert_int_equal(count_phase(&fx.pl, PLAN_MERGE), 0);
	assert_applies(&fx, 0);
	unload(&fx);
}

/* A revision whose parent is missing is both a missing parent and a loose
 * piece: one step for it, the first fix of the first problem. */
static void orphan_once(void **state)
{
	struct fixture fx;

	(void)state;
	load(&fx, "a1\na2 a1\na3 a2\nc1 zz_gone\n");
	assert_plan_shape(&fx);
	assert_int_equal(fx.pl.n, 1);
	assert_int_equal(fx.pl.v[0].phase, PLAN_CONNECT);
	assert_string_equal(fx.pl.v[0].fix.target, "c1");
	assert_string_equal(fx.pl.v[0].fix.parents.v[0], "a3");
	assert_non_null(strstr(fx.pl.v[0].why, "zz_gone"));
	assert_applies(&fx, 0);
	unload(&fx);
}

/* Two heads on one branch in one piece: one merge of both. Heads of distinct
 * labelled branches are intended: no step. */
static void heads_in_one_piece(void **state)
{
	struct fixture fx;

	(void)state;
	load(&fx, "a1\na2 a1\na3 a1\n");
	assert_plan_shape(&fx);
	assert_int_equal(fx.pl.n, 1);
	assert_int_equal(fx.pl.v[0].fix.kind, FIX_MERGE);
	assert_int_equal(fx.pl.v[0].fix.parents.n, 2);
	assert_true(sl_contains(&fx.pl.v[0].fix.parents, "a2") && sl_contains(&fx.pl.v[0].fix.parents, "a3"));
	assert_applies(&fx, 0);
	unload(&fx);

	load(&fx, "a1\na2 a1 @x\na3 a1 @y\n");
	assert_plan_shape(&fx);
	assert_int_equal(fx.pl.n, 0);
	assert_int_equal(fx.pl.left.n, 0);
	unload(&fx);
}

/* Connections first, merges after, on the history the connections made: the
 * loose piece hangs onto a3, then a3's line and a2 are the two heads left. */
static void connect_then_merge(void **state)
{
	struct fixture fx;

	(void)state;
	load(&fx, "a1\na2 a1\na3 a1\nb1\nb2 b1\n");
	assert_plan_shape(&fx);
	assert_int_equal(count_phase(&fx.pl, PLAN_CONNECT), 1);
	assert_int_equal(count_phase(&fx.pl, PLAN_MERGE), 1);
	assert_int_equal(fx.pl.v[0].phase, PLAN_CONNECT);
	assert_string_equal(fx.pl.v[0].fix.target, "b1");
	assert_true(sl_contains(&fx.pl.v[1].fix.parents, "a2") && sl_contains(&fx.pl.v[1].fix.parents, "b2"));
	assert_false(sl_contains(&fx.pl.v[1].fix.parents, "a3")); /* no longer a head */
	assert_applies(&fx, 0);
	unload(&fx);
}

/* A published revision keeps its parents: its missing parent is recreated as
 * a placeholder on the candidate instead of re-parenting it. */
static void published_missing_parent(void **state)
{
	struct fixture fx;

	(void)state;
	load(&fx, "a1\na2 a1\nc1 zz_gone !\n");
	assert_plan_shape(&fx);
	assert_null(step_of(&fx.pl, FIX_SET_DOWN, "c1"));
	assert_non_null(step_of(&fx.pl, FIX_STUB, "zz_gone"));
	assert_int_equal(step_of(&fx.pl, FIX_STUB, "zz_gone")->phase, PLAN_PLACEHOLDER);
	assert_string_equal(step_of(&fx.pl, FIX_STUB, "zz_gone")->fix.parents.v[0], "a2");
	assert_applies(&fx, 0);
	unload(&fx);
}

/* Published revisions naming missing ones, one of them named twice: the
 * placeholders are made together (edit_create_stubs), one for each id, in
 * the order of the problems, and applied as the plan says. */
static void published_missing_parents_named_twice(void **state)
{
	struct fixture fx;
	const struct plan_step *first, *second;

	(void)state;
	load(&fx, "a1\na2 a1\nc1 zz_gone !\nc2 zz_gone !\nd1 zz_lost !\n");
	assert_plan_shape(&fx);
	assert_int_equal(count_phase(&fx.pl, PLAN_PLACEHOLDER), 2);
	assert_non_null(first = step_of(&fx.pl, FIX_STUB, "zz_gone"));
	assert_non_null(second = step_of(&fx.pl, FIX_STUB, "zz_lost"));
	assert_true(first < second);
	assert_int_equal(fx.pl.left.n, 0);
	assert_applies(&fx, 1);
	unload(&fx);
}

/* A plan applied to a history that changed since: the placeholders it would
 * make together are refused as one at a time refuses them, the error naming
 * the step, and nothing of the plan is left. */
static void placeholders_refused_at_apply(void **state)
{
	struct fixture fx;
	struct mt_error err = { 0 };
	size_t steps;

	(void)state;
	load(&fx, "a1\na2 a1\nc1 zz_gone !\nc2 zz_gone !\nd1 zz_lost !\n");
	assert_int_equal(fx.pl.v[1].fix.kind, FIX_STUB);
	assert_int_equal(edit_create_stub(&fx.s, "zz_lost", "a1", NULL, &err), 0);
	steps = fx.s.n_undo;
	assert_int_equal(plan_apply(&fx.s, &fx.pl, &err), -1);
	assert_non_null(strstr(err.message, "step 2 (migtree stub zz_lost --down "));
	assert_non_null(strstr(err.message, "zz_lost exists already"));
	assert_int_equal(fx.s.n_undo, steps);
	assert_true(fx.p.graph.nodes[graph_find(&fx.p.graph, "zz_gone")].phantom); /* step 1 taken back */
	unload(&fx);
}

/* A published piece of its own could only be joined by a merge across pieces
 * that share no ancestor: it is left apart, and said so. Its own two heads
 * are one piece: they are merged, apart from the main piece's merge. */
static void published_piece_left_apart(void **state)
{
	struct fixture fx;
	const struct graph *g;

	(void)state;
	load(&fx, "a1\na2 a1\na3 a1\nb1 !\nb2 b1\nb3 b1\n");
	g = &fx.p.graph;
	assert_plan_shape(&fx);
	assert_null(step_of(&fx.pl, FIX_SET_DOWN, "b1"));
	assert_int_equal(count_phase(&fx.pl, PLAN_CONNECT), 0);
	assert_int_equal(count_phase(&fx.pl, PLAN_MERGE), 2);
	for (size_t i = 0; i < fx.pl.n; i++) { /* {a2, a3} and {b2, b3}, never across */
		const struct strlist *ps = &fx.pl.v[i].fix.parents;

		assert_int_equal(ps->n, 2);
		assert_int_equal(g->component[graph_find(g, ps->v[0])], g->component[graph_find(g, ps->v[1])]);
	}
	assert_int_equal(fx.pl.left.n, 1);
	assert_non_null(strstr(fx.pl.left.v[0], "left apart"));
	assert_applies(&fx, 1); /* the two pieces' heads: the one warning left */
	unload(&fx);
}

/* A plan over a session with an edit pending starts from that edit and
 * leaves it pending. */
static void pending_edit_kept(void **state)
{
	struct fixture fx;
	struct strlist parents = { 0 };
	struct mt_error err = { 0 };

	(void)state;
	load(&fx, "a1\na2 a1\na3 a2\nb1\nb2 b1\n");
	plan_free(&fx.pl);
	sl_push(&parents, "a3");
	assert_int_equal(edit_set_down(&fx.s, "b1", &parents, false, &err), 0);
	plan_make(&fx.s, &fx.pl);
	assert_int_equal(fx.pl.n, 0); /* connected already */
	assert_int_equal(edit_changed(&fx.s, NULL, 0), 1);
	assert_true(edit_can_undo(&fx.s));
	sl_free(&parents);
	unload(&fx);
}

/* The seed report's example (examples/acgs2): the connections the report's
 * author made, and no merge across pieces. */
static void load_seed(struct fixture *fx)
{
	struct config_request req = { 0 };
	struct mt_error err = { 0 };
	char *ini = xasprintf("%s/examples/acgs2/alembic.ini", getenv("top_srcdir") ? getenv("top_srcdir") : ".");

	memset(fx, 0, sizeof(*fx));
	req.config_file = ini;
	assert_int_equal(project_load(&req, &fx->p, &err), 0);
	edit_begin(&fx->s, &fx->p);
	plan_make(&fx->s, &fx->pl);
	free(ini);
}

static void unload_seed(struct fixture *fx)
{
	plan_free(&fx->pl);
	edit_end(&fx->s);
	project_free(&fx->p);
}

static void assert_set_down(const struct plan *pl, const char *rev, const char *parent)
{
	const struct plan_step *st = step_of(pl, FIX_SET_DOWN, rev);

	assert_non_null(st);
	assert_int_equal(st->phase, PLAN_CONNECT);
	assert_int_equal(st->fix.parents.n, 1);
	assert_string_equal(st->fix.parents.v[0], parent);
}

static void seed_example(void **state)
{
	struct fixture fx;

	(void)state;
	load_seed(&fx);
	assert_plan_shape(&fx);
	assert_set_down(&fx.pl, "001_multi_tenant", "f1a2b3c4d5e6");
	assert_set_down(&fx.pl, "add_violation_detection_tables", "010_task_13_cross_domain_testing");
	assert_set_down(&fx.pl, "task8_incremental_compilation", "add_violation_detection_tables");
	assert_true(count_phase(&fx.pl, PLAN_MERGE) <= 1); /* one piece once connected */
	assert_int_equal(fx.pl.left.n, 0);
	assert_applies(&fx, 0);
	unload_seed(&fx);
}

/* The placeholder the report made: 006_add_wina's missing parent has this
 * project's form of id (numbered) and nothing but the graph and the calendar
 * point at a parent, so the ranking (suggest.c) puts the placeholder first and
 * the plan takes it. Its parent is the head created just before 006_add_wina,
 * 004_add_qec_enhancement_fields, which it leaves childless no more; the report's
 * author put it on 005_fix_refresh_token_length (created later, with a child
 * already) after re-ordering that run by hand. */
static void seed_placeholder(void **state)
{
	struct fixture fx;
	const struct problem *missing = NULL;

	(void)state;
	load_seed(&fx);
	for (size_t i = 0; i < fx.p.graph.problems.n && !missing; i++)
		if (fx.p.graph.problems.v[i].kind == PROBLEM_MISSING_DOWN_REVISION &&
		    !strcmp(fx.p.graph.problems.v[i].ref, "005_add_qec_conflict_resolution_fields"))
			missing = &fx.p.graph.problems.v[i];
	assert_non_null(missing);
	assert_true(missing->n_fixv > 0);
	assert_int_equal(missing->fixv[0].kind, FIX_STUB);
	assert_non_null(step_of(&fx.pl, FIX_STUB, "005_add_qec_conflict_resolution_fields"));
	assert_int_equal(step_of(&fx.pl, FIX_STUB, "005_add_qec_conflict_resolution_fields")->phase, PLAN_PLACEHOLDER);
	assert_string_equal(step_of(&fx.pl, FIX_STUB, "005_add_qec_conflict_resolution_fields")->fix.parents.v[0],
			    "004_add_qec_enhancement_fields");
	assert_null(step_of(&fx.pl, FIX_SET_DOWN, "006_add_wina_constitutional_updates"));
	unload_seed(&fx);
}

/* A revision file of DIR: ID on PARENT (NULL: a base), created SECOND seconds
 * into the day. */
static void write_revision(const char *dir, const char *id, const char *parent, int second)
{
	char *path = xasprintf("%s/%s.py", dir, id);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "\"\"\"step\n\nRevision ID: %s\nRevises:\nCreate Date: 2024-01-01 %02d:%02d:%02d\n\"\"\"\n"
		   "revision = '%s'\ndown_revision = %s%s%s\n", id, second / 3600, second / 60 % 60, second % 60, id,
		parent ? "'" : "None", parent ? parent : "", parent ? "'" : "");
	fclose(f);
	free(path);
}

/* A line of N revisions where every other one names a missing parent, each
 * created a second after the one before: the plan gives each of those the
 * revision created just before it, N / 2 re-parents. */
static size_t write_every_other_missing(const char *dir, int n)
{
	for (int i = 0; i < n; i++) {
		char id[16], parent[16];

		snprintf(id, sizeof(id), "r%05d", i);
		snprintf(parent, sizeof(parent), i % 2 ? "gone%05d" : "r%05d", i % 2 ? i : i - 1);
		write_revision(dir, id, i ? parent : NULL, i);
	}
	return (size_t)n / 2;
}

/* N / 3 pieces, all created at once (nothing suggests a parent): a root on a
 * missing id, two heads on it: the plan merges each piece's heads, N / 3
 * merges. */
static size_t write_pieces_of_two_heads(const char *dir, int n)
{
	for (int k = 0; k < n / 3; k++) {
		char root_id[16], gone[16], head[16];

		snprintf(root_id, sizeof(root_id), "p%05d", k);
		snprintf(gone, sizeof(gone), "gone%05d", k);
		write_revision(dir, root_id, gone, 0);
		for (int h = 0; h < 2; h++) {
			snprintf(head, sizeof(head), "p%05d%c", k, 'a' + h);
			write_revision(dir, head, root_id, 0);
		}
	}
	return (size_t)n / 3;
}

/* How many times the plan's edits brought the graph up to date
 * (edit_session's rederived) making the plan of the history WRITE writes (N
 * revisions) and applying it. */
static uint64_t plan_work(size_t (*write)(const char *dir, int n), int n)
{
	struct config_request req = { 0 };
	struct mt_error err = { 0 };
	struct fixture fx;
	char tmpl[] = "/tmp/migtree-plan-XXXXXX";
	size_t steps;
	uint64_t work;

	memset(&fx, 0, sizeof(fx));
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	fx.dir = xasprintf("%s/versions", root);
	assert_int_equal(mkdir(fx.dir, 0755), 0);
	steps = write(fx.dir, n);
	req.versions_dir = fx.dir;
	assert_int_equal(project_load(&req, &fx.p, &err), 0);
	edit_begin(&fx.s, &fx.p);
	plan_make(&fx.s, &fx.pl);
	assert_int_equal(fx.pl.n, steps);
	assert_int_equal(plan_apply(&fx.s, &fx.pl, &err), 0);
	work = fx.s.rederived;
	strmap_init(&fx.pub.index);
	unload(&fx);
	return work;
}

/* Each step of a plan was an edit, which re-derived the problems, the
 * history order and the pieces: N steps cost N times the history (a line
 * with every other parent missing, 29.9 s at 4,000 revisions; 625 merges at
 * 10,000, 17 s). The re-parents are one batch now, and the merges one step,
 * the graph brought up to date once for them however many: three times the
 * steps, no more work. */
static void assert_steps_batched(size_t (*write)(const char *dir, int n))
{
	uint64_t small = plan_work(write, 210), large = plan_work(write, 630);

	print_message("graph brought up to date %llu -> %llu times\n", (unsigned long long)small,
		      (unsigned long long)large);
	assert_true(small >= 1);
	assert_true(large <= small);
}

static void relinks_batched(void **state)
{
	(void)state;
	assert_steps_batched(write_every_other_missing);
}

static void merges_batched(void **state)
{
	(void)state;
	unsetenv("MIGTREE_NEW_REVISION_ID"); /* each merge its own id */
	assert_steps_batched(write_pieces_of_two_heads);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_pieces),
		cmocka_unit_test(orphan_once),
		cmocka_unit_test(heads_in_one_piece),
		cmocka_unit_test(connect_then_merge),
		cmocka_unit_test(published_missing_parent),
		cmocka_unit_test(published_missing_parents_named_twice),
		cmocka_unit_test(placeholders_refused_at_apply),
		cmocka_unit_test(published_piece_left_apart),
		cmocka_unit_test(pending_edit_kept),
		cmocka_unit_test(seed_example),
		cmocka_unit_test(seed_placeholder),
		cmocka_unit_test(relinks_batched),
		cmocka_unit_test(merges_batched),
	};

	unsetenv("MIGTREE_NEW_REVISION_ID"); /* two merges need two ids */
	setenv("MIGTREE_NOW", "2025-02-01 10:00:00.000000", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
