/* test_format.c - the exact bytes of history/heads/branches lines (Alembic's
 * formats), the report-style tree and JSON escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_text.h"
#include "migtree/format.h"
#include "migtree/json.h"
#include "migtree/tree.h"

enum what { HISTORY, HISTORY_VERBOSE, HEADS, BRANCHES, TREE, TREE_ASCII };

static char *render(const char *graph, enum what what)
{
	struct project p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	graph_text_load(&p, graph);
	switch (what) {
	case HISTORY:
	case HISTORY_VERBOSE:
		print_history(out, &p.graph, &p.order, what == HISTORY_VERBOSE);
		break;
	case HEADS:
		print_heads(out, &p.graph, false);
		break;
	case BRANCHES:
		print_branches(out, &p.graph, &p.order, false);
		break;
	case TREE:
	case TREE_ASCII:
		tree_print(out, &p, what == TREE_ASCII);
		break;
	}
	fclose(out);
	project_free(&p);
	return buf;
}

static void assert_render(const char *graph, enum what what, const char *want)
{
	char *got = render(graph, what);

	assert_string_equal(got, want);
	free(got);
}

static void test_history_lines(void **state)
{
	(void)state;
	assert_render("r0\na1 r0 @feature\nb1 r0\nm1 a1 b1 +q0\nq0\n", HISTORY,
		      "a1, b1 (q0) -> m1 (feature) (head) (mergepoint), message of m1\n"
		      "r0 -> a1 (feature), message of a1\n"
		      "r0 -> b1, message of b1\n"
		      "<base> -> r0 (branchpoint), message of r0\n"
		      "<base> -> q0 (effective head), message of q0\n");
}

static void test_verbose_entry(void **state)
{
	(void)state;
	assert_render("r0\na1 r0\nb1 r0\n", HISTORY_VERBOSE,
		      "Rev: a1 (head)\nParent: r0\nPath: versions/a1.py\n\n"
		      "    message of a1\n    \n    Revision ID: a1\n\n"
		      "Rev: b1 (head)\nParent: r0\nPath: versions/b1.py\n\n"
		      "    message of b1\n    \n    Revision ID: b1\n\n"
		      "Rev: r0 (branchpoint)\nParent: <base>\nBranches into: a1, b1\nPath: versions/r0.py\n\n"
		      "    message of r0\n    \n    Revision ID: r0\n\n");
}

/* The per-node marks of the space-separated IDS (owned). */
static bool *marks_of(const struct project *p, const char *ids)
{
	bool *m = calloc(p->graph.n, sizeof(bool));
	char *copy = strdup(ids), *save = NULL;

	for (char *id = strtok_r(copy, " ", &save); id; id = strtok_r(NULL, " ", &save))
		m[graph_text_node(p, id)] = true;
	free(copy);
	return m;
}

static char *render_marked(const char *graph, bool current, bool verbose, const char *ids)
{
	struct project p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	bool *m;

	graph_text_load(&p, graph);
	m = marks_of(&p, ids);
	if (current)
		print_current(out, &p.graph, &p.order, m, verbose);
	else
		print_history_marked(out, &p.graph, &p.order, verbose, m);
	fclose(out);
	free(m);
	project_free(&p);
	return buf;
}

/* history -i: " (current)" after the head marks and before the tree ones, on
 * the stamped revisions only (Script._head_only, log_entry). */
static void test_history_current_marks(void **state)
{
	char *got;

	(void)state;
	got = render_marked("r0\na1 r0\nb1 r0\n", false, false, "r0 b1");
	assert_string_equal(got, "r0 -> a1 (head), message of a1\n"
				 "r0 -> b1 (head) (current), message of b1\n"
				 "<base> -> r0 (current) (branchpoint), message of r0\n");
	free(got);
	got = render_marked("r0\na1 r0\n", false, true, "a1");
	assert_string_equal(got, "Rev: a1 (head) (current)\nParent: r0\nPath: versions/a1.py\n\n"
				 "    message of a1\n    \n    Revision ID: a1\n\n"
				 "Rev: r0\nParent: <base>\nPath: versions/r0.py\n\n"
				 "    message of r0\n    \n    Revision ID: r0\n\n");
	free(got);
}

/* current: the applied revisions no applied revision follows (by down_revision;
 * an applied dependency stays a line of its own), with Alembic's tree marks. */
static void test_current_lines(void **state)
{
	char *got;

	(void)state;
	/* applied: r0 a1 (a stamp at a1); b1 pending */
	got = render_marked("r0\na1 r0\nb1 r0\n", true, false, "r0 a1");
	assert_string_equal(got, "a1 (head)\n");
	free(got);
	got = render_marked("r0\na1 r0\nb1 r0\n", true, false, "r0");
	assert_string_equal(got, "r0 (branchpoint)\n");
	free(got);
	/* q0 applied through m1's depends_on: no down_revision child of it is
	 * applied, so it is a line of its own (_filter_into_branch_heads) */
	got = render_marked("r0\nq0\nm1 r0 +q0\n", true, false, "m1 r0 q0");
	assert_string_equal(got, "m1 (head)\nq0 (effective head)\n");
	free(got);
	got = render_marked("r0\nq0\nm1 r0 +q0\n", true, false, "q0");
	assert_string_equal(got, "q0 (effective head)\n");
	free(got);
	got = render_marked("r0\na1 r0\n", true, true, "r0");
	assert_string_equal(got, "Rev: r0\nParent: <base>\nPath: versions/r0.py\n\n"
				 "    message of r0\n    \n    Revision ID: r0\n\n");
	free(got);
	got = render_marked("r0\n", true, false, "");
	assert_string_equal(got, "");
	free(got);
}

static void test_heads_and_branches(void **state)
{
	(void)state;
	assert_render("r0\na1 r0 @x\nb1 r0\n", HEADS, "a1 (x) (head)\nb1 (head)\n");
	assert_render("r0\na1 r0 @x\nb1 r0\n", BRANCHES,
		      "r0 (branchpoint)\n   -> a1 (x) (head)\n   -> b1 (head)\n\n");
}

static void test_phantoms_are_not_alembic_lines(void **state)
{
	(void)state;
	assert_render("a1 gone\n", HISTORY, "gone -> a1 (head), message of a1\n");
}

static void test_tree_drawing(void **state)
{
	(void)state;
	assert_render("r0\nside r0\nmain1 r0\nmain2 main1\nlost ghost\n", TREE,
		      "r0 (message of r0) - ROOT, BRANCH POINT\n"
		      "    \u251c\u2500\u2500 side (message of side) - BRANCH HEAD\n"
		      "    \u2514\u2500\u2500 main1 (message of main1)\n"
		      "        \u2193\n"
		      "        main2 (message of main2) - MAIN HEAD\n"
		      "\n"
		      "ghost - MISSING (no file defines it)\n"
		      "    \u2193\n"
		      "lost (message of lost) - HEAD\n");
	assert_render("r0\na1 r0\nb1 r0\nm a1 b1\n", TREE_ASCII,
		      "r0 (message of r0) - ROOT, BRANCH POINT\n"
		      "    |-- a1 (message of a1)\n"
		      "    |   |\n"
		      "    |   m (message of m) - MERGE POINT, BRANCH HEAD\n"
		      "    `-- b1 (message of b1)\n"
		      "        |\n"
		      "        m (drawn above)\n");
}

/* The project of N bases, each with one child (b<i> and c<i>), all created
 * 2024-01-02 but base OLDEST and base OLDEST + 1, a day earlier: a tie the
 * load order breaks. */
static void load_dated_bases(struct project *p, int n, int oldest)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 2 * n; i++) {
		int k = i / 2;
		bool base = i % 2 == 0;
		char *id = xasprintf("%c%03d", base ? 'b' : 'c', k);
		char *down = base ? xstrdup("None") : xasprintf("'b%03d'", k);
		char *src = xasprintf("\"\"\"message of %s\n\nRevision ID: %s\nCreate Date: 2024-01-0%d 10:00:00\n\"\"\"\n"
				      "revision = '%s'\ndown_revision = %s\n",
				      id, id, k == oldest || k == oldest + 1 ? 1 : 2, id, down);

		graph_text_add(p, id, src);
		free(src);
		free(down);
		free(id);
	}
	project_analyse(p);
}

static char *tree_of_dated_bases(int n, int oldest)
{
	struct project p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	load_dated_bases(&p, n, oldest);
	tree_print(out, &p, true);
	fclose(out);
	project_free(&p);
	return buf;
}

/* One base's block as the tree draws it: what many bases must each come to. */
static void add_base_block(struct strbuf *sb, int k, bool first)
{
	sb_addf(sb, "%sb%03d (message of b%03d) - ROOT\n    |\nc%03d (message of c%03d) - %sHEAD\n", first ? "" : "\n",
		k, k, k, k, first ? "MAIN " : "");
}

/* The oldest base is drawn first, wherever it was loaded, then the others in
 * load order, however many bases there are (tree_print finds the oldest once,
 * not once for each of its nodes). */
static void test_tree_oldest_base_first(void **state)
{
	struct strbuf want;
	char *got;

	(void)state;
	got = tree_of_dated_bases(3, 1);
	assert_string_equal(got, "b001 (message of b001) - ROOT\n    |\nc001 (message of c001) - MAIN HEAD\n"
				 "\n"
				 "b000 (message of b000) - ROOT\n    |\nc000 (message of c000) - HEAD\n"
				 "\n"
				 "b002 (message of b002) - ROOT\n    |\nc002 (message of c002) - HEAD\n");
	free(got);
	sb_init(&want);
	add_base_block(&want, 600, true);
	for (int k = 0; k < 1000; k++)
		if (k != 600)
			add_base_block(&want, k, false);
	got = tree_of_dated_bases(1000, 600);
	assert_string_equal(got, want.buf);
	free(got);
	sb_free(&want);
}

static void test_json_string_escapes(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	json_string(out, "a\"b\\c\nd\x01\x1b[31m\xc3\xa9");
	fclose(out);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\nd\\u0001\\u001b[31m\xc3\xa9\"");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_lines),
		cmocka_unit_test(test_verbose_entry),
		cmocka_unit_test(test_history_current_marks),
		cmocka_unit_test(test_current_lines),
		cmocka_unit_test(test_heads_and_branches),
		cmocka_unit_test(test_phantoms_are_not_alembic_lines),
		cmocka_unit_test(test_tree_drawing),
		cmocka_unit_test(test_tree_oldest_base_first),
		cmocka_unit_test(test_json_string_escapes),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
