/* test_graph.c - the graph core fed from the compact text form: flags, phantoms,
 * duplicates, labels, dependencies, cycles, components, resolution and the
 * problems with their suggested fixes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_text.h"

static void test_flags(void **state)
{
	struct project p;
	const struct node *r0, *m;

	(void)state;
	graph_text_load(&p, "r0\na1 r0\nb1 r0\nm a1 b1\n");
	r0 = &p.graph.nodes[graph_text_node(&p, "r0")];
	m = &p.graph.nodes[graph_text_node(&p, "m")];
	assert_true(r0->is_base);
	assert_true(r0->is_branch_point);
	assert_false(r0->is_head);
	assert_true(m->is_merge_point);
	assert_true(m->is_head && m->is_real_head);
	assert_int_equal(p.graph.heads.n, 1);
	assert_int_equal(p.graph.bases.n, 1);
	assert_int_equal(p.graph.problems.n, 0);
	project_free(&p);
}

/* Every node's edge lists borrow the graph's blocks (issue 11: a list of one
 * edge malloc'd on its own takes 32 bytes); a list pushed past its room moves to
 * an allocation of its own, leaving the room after it to its neighbour. */
static void test_edge_lists_are_borrowed(void **state)
{
	struct project p;
	struct node *r0, *m;
	uint32_t *after, was;

	(void)state;
	graph_text_load(&p, "r0\na1 r0\nb1 r0\nm a1 b1\nc1 r0\n");
	r0 = &p.graph.nodes[graph_text_node(&p, "r0")];
	m = &p.graph.nodes[graph_text_node(&p, "m")];
	assert_int_equal(r0->children.n, 3);
	assert_true(r0->children.cap & U32_BORROWED);
	assert_int_equal(m->down.n, 2);
	assert_true(m->down.cap & U32_BORROWED);
	assert_true(m->norm_down.cap & U32_BORROWED);
	assert_int_equal(m->norm_down.n, 2);
	after = r0->children.v + r0->children.n;
	was = *after;
	u32_push(&r0->children, 99);
	assert_false(r0->children.cap & U32_BORROWED);
	assert_int_equal(r0->children.n, 4);
	assert_int_equal(r0->children.v[0], graph_text_node(&p, "a1"));
	assert_int_equal(r0->children.v[2], graph_text_node(&p, "c1"));
	assert_int_equal(r0->children.v[3], 99);
	assert_int_equal(*after, was);
	r0->children.n--; /* the graph as built again, its list now its own: freed by graph_free */
	project_free(&p);
}

static void test_missing_parent_is_a_phantom(void **state)
{
	struct project p;
	uint32_t ghost;
	const struct problem *pr;

	(void)state;
	graph_text_load(&p, "r0\na1 r0\nb1 ghost0\n");
	ghost = graph_text_node(&p, "ghost0");
	assert_true(p.graph.nodes[ghost].phantom);
	assert_int_equal(p.graph.nodes[ghost].children.n, 1);
	assert_int_equal(graph_text_count(&p, PROBLEM_MISSING_DOWN_REVISION), 1);
	pr = &p.graph.problems.v[0];
	assert_int_equal(pr->kind, PROBLEM_MISSING_DOWN_REVISION);
	assert_string_equal(pr->revision, "b1");
	assert_string_equal(pr->ref, "ghost0");
	assert_string_equal(pr->path, "versions/b1.py");
	assert_int_equal(pr->line, 6);
	/* a phantom is neither a head nor a base */
	assert_false(p.graph.nodes[ghost].is_base);
	assert_int_equal(p.graph.heads.n, 2);
	project_free(&p);
}

static void test_candidates_for_a_missing_parent(void **state)
{
	struct project p;
	const struct problem *pr = NULL;
	char *cmd;

	(void)state;
	/* "a1b2" is a unique prefix of a1b2c3d4; the child must not be offered (cycle) */
	graph_text_load(&p, "a1b2c3d4\nz9 a1b2c3d4\nchild0 a1b2\ngrand child0\n");
	for (size_t i = 0; i < p.graph.problems.n; i++)
		if (p.graph.problems.v[i].kind == PROBLEM_MISSING_DOWN_REVISION)
			pr = &p.graph.problems.v[i];
	assert_non_null(pr);
	assert_int_equal(pr->candidates.n, 1);
	assert_string_equal(pr->candidates.v[0], "a1b2c3d4");
	assert_int_equal(pr->fixv[0].kind, FIX_SET_DOWN);
	assert_string_equal(pr->fixv[0].target, "child0");
	assert_int_equal(pr->fixv[0].parents.n, 1);
	assert_string_equal(pr->fixv[0].parents.v[0], "a1b2c3d4");
	assert_int_equal(pr->fixv[0].rank, 1);
	cmd = fix_command(&pr->fixv[0]);
	assert_string_equal(cmd, "migtree set-down child0 a1b2c3d4");
	free(cmd);
	project_free(&p);
}

static void test_duplicate_later_file_wins(void **state)
{
	struct project p;

	(void)state;
	graph_text_load(&p, "r0\na1 r0\na1\n");
	assert_int_equal(graph_text_count(&p, PROBLEM_DUPLICATE_REVISION), 1);
	assert_true(p.graph.nodes[graph_text_node(&p, "a1")].is_base); /* the later file's view */
	project_free(&p);
}

static void test_self_reference_and_cycle(void **state)
{
	struct project p;

	(void)state;
	graph_text_load(&p, "r0\nloop loop\nc1 c2\nc2 c3\nc3 c1\n");
	assert_int_equal(graph_text_count(&p, PROBLEM_SELF_REFERENCE), 1);
	assert_int_equal(graph_text_count(&p, PROBLEM_CYCLE), 1);
	assert_true(p.graph.nodes[graph_text_node(&p, "c2")].in_cycle);
	assert_false(p.graph.nodes[graph_text_node(&p, "r0")].in_cycle);
	for (size_t i = 0; i < p.graph.problems.n; i++)
		if (p.graph.problems.v[i].kind == PROBLEM_CYCLE)
			assert_non_null(strstr(p.graph.problems.v[i].message, "c1, c2, c3"));
	project_free(&p);
	/* depending on itself by its own branch label: reported (Alembic finds a
	 * dependency cycle), and the history still has every revision (the walk
	 * once stopped at it, leaving it and the rest out without a word) */
	graph_text_load(&p, "a @foo +foo\nb a\nd\n");
	assert_int_equal(graph_text_count(&p, PROBLEM_SELF_REFERENCE), 1);
	assert_int_equal(p.order.n, 3);
	project_free(&p);
}

/* The links graph_build tells from the index alone: a revision naming itself
 * (the later file of a duplicated id, twice in one tuple: one problem), and a
 * missing parent named by two revisions, twice by one (a phantom, past every
 * file's node: each revision's link reported once, each linked once). */
static void test_links_told_by_the_index(void **state)
{
	struct project p;
	uint32_t gone;

	(void)state;
	graph_text_load(&p, "r0\ndup r0\ndup dup dup\nx1 gone gone\nx2 gone r0\n");
	assert_int_equal(graph_text_count(&p, PROBLEM_DUPLICATE_REVISION), 1);
	assert_int_equal(graph_text_count(&p, PROBLEM_SELF_REFERENCE), 1);
	assert_int_equal(graph_text_count(&p, PROBLEM_MISSING_DOWN_REVISION), 2);
	gone = graph_text_node(&p, "gone");
	assert_true(p.graph.nodes[gone].phantom);
	assert_int_equal(p.graph.nodes[gone].children.n, 2);
	assert_int_equal(p.graph.nodes[graph_text_node(&p, "x1")].down.n, 1);
	assert_true(p.graph.nodes[graph_text_node(&p, "x1")].is_merge_point); /* as its file says */
	assert_true(p.graph.nodes[graph_text_node(&p, "x2")].is_merge_point);
	assert_false(p.graph.nodes[graph_text_node(&p, "r0")].is_merge_point);
	assert_int_equal(p.graph.nodes[graph_text_node(&p, "dup")].down.n, 0);
	project_free(&p);
}

static void test_labels_are_inherited_as_alembic_does(void **state)
{
	struct project p;
	const struct node *nd;
	struct label_list labels = { 0 };

	(void)state;
	/* a1 carries the label; its chain up and down to the branch point r0 gets it */
	graph_text_load(&p, "r0\na1 r0 @feature\na2 a1\nb1 r0\n");
	nd = &p.graph.nodes[graph_text_node(&p, "a2")];
	assert_int_equal(nd->n_labels, 1);
	graph_labels(&p.graph, graph_text_node(&p, "a2"), &labels);
	assert_int_equal(labels.n, 1);
	assert_string_equal(labels.v[0], "feature");
	label_list_free(&labels);
	assert_int_equal(p.graph.nodes[graph_text_node(&p, "r0")].n_labels, 0);
	assert_int_equal(p.graph.nodes[graph_text_node(&p, "b1")].n_labels, 0);
	project_free(&p);
	/* on a single line, a label covers the whole line */
	graph_text_load(&p, "r0\na1 r0\na2 a1 @main\n");
	assert_int_equal(p.graph.nodes[graph_text_node(&p, "r0")].n_labels, 1);
	project_free(&p);
}

static void test_label_conflicts(void **state)
{
	struct project p;

	(void)state;
	graph_text_load(&p, "r0 @x\na1 r0 @x\nb1 r0 @r0\n");
	assert_int_equal(graph_text_count(&p, PROBLEM_BRANCH_LABEL_CONFLICT), 2);
	project_free(&p);
}

static void test_dependencies(void **state)
{
	struct project p;
	const struct node *b1;

	(void)state;
	graph_text_load(&p, "r0\nq0 @other\na1 r0 +q0\nb1 r0 +other +nothere\n");
	b1 = &p.graph.nodes[graph_text_node(&p, "b1")];
	assert_int_equal(b1->deps.n, 1); /* the label resolves to q0 */
	assert_string_equal(p.graph.nodes[b1->deps.v[0]].id, "q0");
	assert_int_equal(graph_text_count(&p, PROBLEM_MISSING_DEPENDENCY), 1);
	project_free(&p);
	/* a prefix in depends_on: Alembic fails on it; the full id is offered */
	graph_text_load(&p, "r0\nq0abcdef @other\na1 r0 +q0ab\n");
	assert_int_equal(graph_text_count(&p, PROBLEM_MISSING_DEPENDENCY), 1);
	for (size_t i = 0; i < p.graph.problems.n; i++)
		if (p.graph.problems.v[i].kind == PROBLEM_MISSING_DEPENDENCY)
			assert_string_equal(p.graph.problems.v[i].candidates.v[0], "q0abcdef");
	project_free(&p);
	graph_text_load(&p, "r0\nq0 @other\na1 r0 +q0\nb1 r0 +other +nothere\n");
	/* q0 has dependants: a head, but not a real head (Alembic's "effective head") */
	assert_true(p.graph.nodes[graph_text_node(&p, "q0")].is_head);
	assert_false(p.graph.nodes[graph_text_node(&p, "q0")].is_real_head);
	project_free(&p);
}

static void test_components_heads_and_bases(void **state)
{
	struct project p;

	(void)state;
	graph_text_load(&p, "r0\na1 r0\nb1 r0\nlone\nx1 missing9\n");
	assert_int_equal(p.graph.n_components, 3);
	assert_int_equal(graph_text_count(&p, PROBLEM_DISCONNECTED_COMPONENT), 2);
	assert_int_equal(graph_text_count(&p, PROBLEM_MULTIPLE_BASES), 1);
	assert_int_equal(graph_text_count(&p, PROBLEM_MULTIPLE_HEADS), 3);
	assert_int_equal(graph_common_ancestor(&p.graph, graph_text_node(&p, "a1"),
					       graph_text_node(&p, "b1")),
			 graph_text_node(&p, "r0"));
	assert_int_equal(graph_common_ancestor(&p.graph, graph_text_node(&p, "a1"),
					       graph_text_node(&p, "lone")),
			 NO_NODE);
	project_free(&p);
}

/* Heads that share a branch label are one group, a group of heads sharing
 * one through a third (h4 holds both a and b) too, and each warning names
 * the first label the head shares with the group's newest head, if any. */
static void test_heads_grouped_by_shared_labels(void **state)
{
	struct project p;
	struct strbuf sb;

	(void)state;
	graph_text_load(&p, "r0\na1 r0 @a\nh0 a1\nh1 a1\nc1 r0 @c\nh2 c1\nh3 c1\nb1 r0 @b\nh4 b1 a1\nh5 b1\n");
	sb_init(&sb);
	for (size_t i = 0; i < p.graph.problems.n; i++)
		if (p.graph.problems.v[i].kind == PROBLEM_MULTIPLE_HEADS)
			sb_addf(&sb, "%s\n", p.graph.problems.v[i].message);
	/* h0 and h1 hold a, h5 b, h4 both: one group of four, its newest h5 */
	assert_non_null(strstr(sb.buf, "h0 (versions/h0.py:5) is one of 4 heads, beside h5 "));
	assert_non_null(strstr(sb.buf, "h1 (versions/h1.py:5) is one of 4 heads, beside h5 "));
	assert_non_null(strstr(sb.buf, "h4 (versions/h4.py:5) is one of 4 heads of branch 'b', beside h5 "));
	assert_non_null(strstr(sb.buf, "h2 (versions/h2.py:5) is one of 2 heads of branch 'c', beside h3 "));
	assert_int_equal(graph_text_count(&p, PROBLEM_MULTIPLE_HEADS), 4);
	sb_free(&sb);
	project_free(&p);
}

/* Loose pieces found wherever their nodes lie: a main line of 60 with two
 * loose pieces among its nodes, one in a run of sixteen nodes the main piece
 * fills but for it (the scan passes such runs over a run at a time). */
static void test_loose_pieces_among_many(void **state)
{
	struct strbuf sb;
	struct project p;
	char *text;

	(void)state;
	sb_init(&sb);
	sb_addf(&sb, "m0\n");
	for (int i = 1; i < 60; i++) {
		sb_addf(&sb, "m%d m%d\n", i, i - 1);
		if (i == 21) /* nodes 22 and 23: inside the run 16..31 */
			sb_addf(&sb, "x1 gone1\nx2 x1\n");
	}
	sb_addf(&sb, "y1 gone2\n");
	text = sb_detach(&sb);
	graph_text_load(&p, text);
	assert_int_equal(graph_text_count(&p, PROBLEM_DISCONNECTED_COMPONENT), 2);
	for (size_t i = 0; i < p.graph.problems.n; i++) {
		const struct problem *q = &p.graph.problems.v[i];

		if (q->kind == PROBLEM_DISCONNECTED_COMPONENT && !strcmp(q->revision, "x1"))
			assert_non_null(strstr(q->message, "2 revisions with x1 are not connected"));
	}
	project_free(&p);
	free(text);
}

static void test_resolve(void **state)
{
	struct project p;
	uint32_t v = NO_NODE;
	struct strlist m = { 0 };

	(void)state;
	graph_text_load(&p, "abcd1234\nabcd5678 abcd1234 @release\nzzz9 abcd5678\nxyz zzz9\n");
	assert_int_equal(graph_resolve(&p.graph, "abcd12", &v, NULL), RESOLVE_OK);
	assert_string_equal(p.graph.nodes[v].id, "abcd1234");
	assert_int_equal(graph_resolve(&p.graph, "abcd", &v, &m), RESOLVE_AMBIGUOUS);
	assert_int_equal(m.n, 2);
	sl_free(&m);
	assert_int_equal(graph_resolve(&p.graph, "release", &v, NULL), RESOLVE_OK);
	assert_string_equal(p.graph.nodes[v].id, "abcd5678");
	assert_int_equal(graph_resolve(&p.graph, "rele", &v, NULL), RESOLVE_OK); /* label prefix */
	assert_int_equal(graph_resolve(&p.graph, "zzz", &v, NULL), RESOLVE_OK);
	assert_int_equal(graph_resolve(&p.graph, "xy", &v, NULL), RESOLVE_NONE); /* only ids over 3 chars */
	assert_int_equal(graph_resolve(&p.graph, "nope", &v, NULL), RESOLVE_NONE);
	project_free(&p);
}

static void test_invalid_revision_id(void **state)
{
	struct project p;

	(void)state;
	graph_text_load(&p, "good\nbad-id good\nat@id good\nplus+id good\ncolon:id good\nfine_id.2 good\n");
	assert_int_equal(graph_text_count(&p, PROBLEM_INVALID_REVISION_ID), 4);
	for (size_t i = 0; i < p.graph.problems.n; i++) { /* each names the byte refused */
		const struct problem *q = &p.graph.problems.v[i];
		char want[16];

		if (q->kind != PROBLEM_INVALID_REVISION_ID)
			continue;
		snprintf(want, sizeof(want), "contains '%c'", q->revision[strcspn(q->revision, "@-+:")]);
		assert_non_null(strstr(q->message, want));
	}
	project_free(&p);
}

/* ---- generated histories: oracles and bounds on the work done ---------------- */

struct gen_opts {
	unsigned n, seed;
	unsigned deps_pct;     /* revisions with a depends_on */
	unsigned shared_deps;  /* when not 0: dependencies drawn from this many targets */
	unsigned label_every;  /* a branch label on every Kth revision (0: none) */
	unsigned label_names;  /* when not 0: the labels drawn from this many names */
	unsigned missing_pct;  /* parents renamed to an id no file defines */
	bool cycle;            /* one down_revision loop near the start */
	bool shuffle;          /* load order not line order (Alembic's: file names) */
	unsigned drop;         /* files removed (gen_history.py --broken removes 5) */
};

static unsigned gen_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

/* TEXT's lines in a random order (TEXT is consumed): as gen_history.py's random
 * ids make the load order, which orders the heads. The first DROP of them are
 * left out (but the base): files removed. */
static char *shuffle_lines(char *text, unsigned seed, unsigned drop)
{
	char **line = NULL, *save = NULL, *l;
	size_t n = 0, cap = 0;
	unsigned s = seed * 31u + 7u;
	struct strbuf sb;

	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		GROW(line, cap, n + 1);
		line[n++] = l;
	}
	for (size_t i = n; i > 1; i--) {
		size_t j = gen_rand(&s) % i;
		char *t = line[i - 1];

		line[i - 1] = line[j];
		line[j] = t;
	}
	sb_init(&sb);
	for (size_t i = 0; i < n; i++)
		if (i >= drop || !strncmp(line[i], "r0 ", 3) || !strcmp(line[i], "r0"))
			sb_addf(&sb, "%s\n", line[i]);
	free(line);
	free(text);
	return sb_detach(&sb);
}

/* gen_history.py's shape: a main line, feature branches that fork and merge back. */
static char *gen_history(const struct gen_opts *o)
{
	struct strbuf sb;
	unsigned s = o->seed, main_tip = 0, *open = xmalloc(o->n * sizeof(unsigned)), n_open = 0;

	sb_init(&sb);
	for (unsigned i = 0; i < o->n; i++) {
		unsigned r = gen_rand(&s) % 100, down[2], nd = 0;

		if (i == 0)
			nd = 0;
		else if (n_open && r < 6) {
			unsigned k = gen_rand(&s) % n_open;

			down[nd++] = main_tip;
			down[nd++] = open[k];
			open[k] = open[--n_open];
			main_tip = i;
		} else if (r < 10) {
			down[nd++] = main_tip;
			open[n_open++] = i;
		} else if (n_open && r < 35) {
			unsigned k = gen_rand(&s) % n_open;

			down[nd++] = open[k];
			open[k] = i;
		} else {
			down[nd++] = main_tip;
			main_tip = i;
		}
		sb_addf(&sb, "r%u", i);
		for (unsigned k = 0; k < nd; k++) {
			bool gone = o->missing_pct && gen_rand(&s) % 100 < o->missing_pct;

			sb_addf(&sb, gone ? " gone%u" : " r%u", down[k]);
		}
		if (o->cycle && i == 3)
			sb_adds(&sb, " r5");
		if (i > 2 && gen_rand(&s) % 100 < o->deps_pct) {
			unsigned t = o->shared_deps ? gen_rand(&s) % o->shared_deps : gen_rand(&s) % i;

			sb_addf(&sb, " +r%u", t);
			if (gen_rand(&s) % 4 == 0)
				sb_addf(&sb, " +r%u", gen_rand(&s) % i);
		}
		if (o->label_every && i % o->label_every == 0)
			sb_addf(&sb, " @lab%u", o->label_names ? gen_rand(&s) % o->label_names : i);
		sb_addc(&sb, '\n');
	}
	free(open);
	return o->shuffle ? shuffle_lines(sb_detach(&sb), o->seed, o->drop) : sb_detach(&sb);
}

/* The quadratic normalization it replaced: every ancestor of every revision with
 * depends_on, walked. The oracle for the one-pass version. */
static void oracle_norm_deps(const struct graph *g, uint32_t i, struct u32vec *out)
{
	const struct node *nd = &g->nodes[i];
	bool *seen = xcalloc(g->n, sizeof(bool)), *drop = xcalloc(nd->deps.n + 1, sizeof(bool));
	struct u32vec todo = { 0 };

	for (uint32_t k = 0; k < nd->down.n; k++)
		u32_push(&todo, nd->down.v[k]);
	while (todo.n) {
		uint32_t a = todo.v[--todo.n];
		const struct node *an = &g->nodes[a];

		if (seen[a] || a == i)
			continue;
		seen[a] = true;
		for (uint32_t k = 0; k < nd->deps.n; k++)
			if (u32_contains(&an->deps, nd->deps.v[k]))
				drop[k] = true;
		for (uint32_t k = 0; k < an->down.n; k++)
			u32_push(&todo, an->down.v[k]);
	}
	for (uint32_t k = 0; k < nd->deps.n; k++)
		if (!drop[k])
			u32_push(out, nd->deps.v[k]);
	free(todo.v);
	free(seen);
	free(drop);
}

static void test_normalized_deps_equal_the_walk(void **state)
{
	unsigned dropped = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 24; seed++) {
		struct gen_opts o = { .n = 300 + seed * 20, .seed = seed, .deps_pct = 10 + seed % 4 * 10,
				      .shared_deps = seed % 3 ? 0 : 6 + seed % 5, .missing_pct = seed % 5 == 0,
				      .cycle = seed % 6 == 0 };
		char *text = gen_history(&o);
		struct project p;

		graph_text_load(&p, text);
		for (uint32_t i = 0; i < p.graph.n; i++) {
			const struct node *nd = &p.graph.nodes[i];
			struct u32vec want = { 0 };

			oracle_norm_deps(&p.graph, i, &want);
			assert_int_equal(want.n, nd->norm_deps.n);
			if (want.n)
				assert_memory_equal(want.v, nd->norm_deps.v, want.n * sizeof(uint32_t));
			dropped += nd->deps.n - want.n;
			free(want.v);
		}
		project_free(&p);
		free(text);
	}
	assert_true(dropped > 100); /* the histories do exercise the rule */
}

/* The generated text as files with a Create Date (in line order, so "just
 * before" is the previous line) and Alembic's file names; through the parser. */
static void gen_load(struct project *p, const char *text)
{
	char *copy = xstrdup(text), *save = NULL, *line;
	unsigned i = 0;

	memset(p, 0, sizeof(*p));
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		struct strbuf sb;
		char *lsave = NULL, *rev = strtok_r(line, " ", &lsave), *tok, *path;
		struct revision_file *rf;

		struct strbuf part[3]; /* down_revision, depends_on, branch_labels */
		static const char *const names[3] = { "down_revision", "depends_on", "branch_labels" };

		for (int k = 0; k < 3; k++)
			sb_init(&part[k]);
		while ((tok = strtok_r(NULL, " ", &lsave))) {
			int k = tok[0] == '+' ? 1 : tok[0] == '@' ? 2 : 0;

			sb_addf(&part[k], "'%s', ", tok + (k != 0));
		}
		sb_init(&sb);
		sb_addf(&sb, "\"\"\"step %u\n\nRevision ID: %s\nCreate Date: 2024-01-01 %08u\n\"\"\"\n"
			"revision = '%s'\n", i, rev, i, rev);
		for (int k = 0; k < 3; k++) {
			sb_addf(&sb, part[k].len ? "%s = (%s)\n" : "%s = None\n", names[k],
				part[k].len ? part[k].buf : "");
			sb_free(&part[k]);
		}
		path = xasprintf("versions/%s_step_%u.py", rev, i);
		rf = parse_revision_file(path, sb.buf, sb.len);
		assert_null(rf->error);
		rf->load_index = p->files.n;
		GROW(p->files.v, p->files.cap, p->files.n + 1);
		p->files.v[p->files.n++] = rf;
		sb_free(&sb);
		free(path);
	}
	free(copy);
	project_analyse(p);
}

/* Work for a history of N revisions of shape O. */
static uint64_t work_for(struct gen_opts o, unsigned n, size_t field)
{
	char *text;
	struct project p;
	uint64_t w;

	o.n = n;
	text = gen_history(&o);
	gen_load(&p, text);
	w = *(const uint64_t *)((const char *)&p.graph.work + field);
	project_free(&p);
	free(text);
	return w;
}

/* 3x the revisions may cost at most 4x the work (linear is 3x). */
static void assert_near_linear(struct gen_opts o, size_t field)
{
	uint64_t small = work_for(o, 1500, field), large = work_for(o, 4500, field);

	print_message("work %llu -> %llu\n", (unsigned long long)small, (unsigned long long)large);
	assert_true(small > 0);
	assert_true(large <= small * 4);
}

static void test_normalization_is_near_linear(void **state)
{
	struct gen_opts random_targets = { .seed = 7, .deps_pct = 10 };
	struct gen_opts shared_targets = { .seed = 8, .deps_pct = 10, .shared_deps = 20 };

	(void)state;
	assert_near_linear(random_targets, offsetof(struct graph_work, normalize));
	assert_near_linear(shared_targets, offsetof(struct graph_work, normalize));
}

static void test_suggestions_are_near_linear(void **state)
{
	struct gen_opts missing = { .seed = 9, .missing_pct = 10 };

	(void)state;
	assert_near_linear(missing, offsetof(struct graph_work, suggest));
}

/* What history_order_all walks: every node outside a cycle (returned), from
 * the real heads (into HEADS). */
static bool *walk_inputs(const struct graph *g, struct u32vec *heads)
{
	bool *todo = xmalloc(g->n * sizeof(bool));

	for (uint32_t i = 0; i < g->n; i++)
		todo[i] = !g->nodes[i].in_cycle;
	for (uint32_t i = 0; i < g->real_heads.n; i++)
		u32_push(heads, g->real_heads.v[i]);
	return todo;
}

/* The order walk equals Alembic's own algorithm (history_order_literal, quadratic)
 * on generated histories: shuffled load orders, missing parents, dependencies. */
static void test_order_equals_alembic_literal(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 30; seed++) {
		struct gen_opts o = { .n = 200 + seed * 15, .seed = seed, .deps_pct = seed % 3 * 8,
				      .missing_pct = seed % 4, .shuffle = seed % 5 != 0,
				      .drop = seed % 3 * 2 };
		char *text = gen_history(&o);
		struct project p;
		struct u32vec heads = { 0 }, want = { 0 };
		bool *todo;

		graph_text_load(&p, text);
		todo = walk_inputs(&p.graph, &heads);
		history_order_literal(&p.graph, todo, &heads, &want);
		assert_int_equal(want.n, p.order.n);
		assert_memory_equal(want.v, p.order.v, want.n * sizeof(uint32_t));
		free(want.v);
		free(heads.v);
		free(todo);
		project_free(&p);
		free(text);
	}
}

/* The walk runs over chains (lines of one child, one parent), and a head the
 * caller hands it may be inside one: an ancestor of another head, which Alembic
 * holds back until the head above it is done. The same order as Alembic's own
 * algorithm with such heads added: each a random inner revision, one to five. */
static void test_order_with_heads_inside_chains(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 30; seed++) {
		struct gen_opts o = { .n = 120 + seed * 10, .seed = seed, .deps_pct = seed % 3 * 8,
				      .missing_pct = seed % 4, .shuffle = seed % 5 != 0 };
		char *text = gen_history(&o);
		struct project p;
		struct u32vec heads = { 0 }, want = { 0 }, got = { 0 };
		unsigned s = seed * 7919;
		bool *todo;

		graph_text_load(&p, text);
		todo = walk_inputs(&p.graph, &heads);
		for (unsigned k = 0, extra = 1 + seed % 5; k < extra; k++) {
			uint32_t v = gen_rand(&s) % p.graph.n;

			if (todo[v] && !p.graph.nodes[v].phantom)
				u32_push(&heads, v);
		}
		history_order_literal(&p.graph, todo, &heads, &want);
		history_order(&p.graph, todo, &heads, &got);
		assert_int_equal(want.n, got.n);
		assert_memory_equal(want.v, got.v, want.n * sizeof(uint32_t));
		free(want.v);
		free(got.v);
		free(heads.v);
		free(todo);
		project_free(&p);
		free(text);
	}
}

/* The order walk keeps its state in the order of a hint (an earlier walk's:
 * history_order_all_again) or of its own guess: only where it is kept, never
 * the result. The same order from the guess (checked against Alembic's own
 * algorithm above), from the order itself, backwards, shuffled with nodes
 * named twice and indexes no node has, from another history's order, from
 * nothing; with cycles (their nodes left out whatever the hint says). */
static void test_order_whatever_the_hint(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 24; seed++) {
		struct gen_opts o = { .n = 150 + seed * 20, .seed = seed, .deps_pct = seed % 3 * 8,
				      .missing_pct = seed % 4, .shuffle = seed % 5 != 0, .drop = seed % 3 * 2,
				      .cycle = seed % 6 == 0 };
		char *text = gen_history(&o);
		struct project p;
		struct u32vec hint = { 0 };
		unsigned s = seed;

		graph_text_load(&p, text);
		for (int kind = 0; kind < 5; kind++) {
			hint.n = 0;
			for (uint32_t i = 0; i < p.order.n; i++) {
				uint32_t v = p.order.v[kind == 1 ? p.order.n - 1 - i : i];

				if (kind == 2) /* shuffled, with junk */
					v = gen_rand(&s) % 5 == 0 ? p.graph.n + gen_rand(&s) % 9 : gen_rand(&s) % p.graph.n;
				if (kind == 3) /* a history's order where the numbers mean other nodes */
					v = (v * 7 + 3) % p.graph.n;
				if (kind < 4)
					u32_push(&hint, v);
			}
			history_order_all_again(&p.graph, &hint);
			assert_int_equal(hint.n, p.order.n);
			assert_memory_equal(hint.v, p.order.v, hint.n * sizeof(uint32_t));
		}
		free(hint.v);
		project_free(&p);
		free(text);
	}
}

/* A node left blocked low in the history (the head of a piece a removed file cut
 * off, walked down to a fork) is asked about after each branch the walk finishes,
 * and every depends_on target is appended as a head low in the history: walking
 * up through everything above each of them was quadratic (9.7x the work from
 * 4,500 to 13,500 revisions on the first shape, 10x on the second). Now 3.0x and
 * 4.1x: the second shape's questions themselves (Alembic's own switches between
 * heads) grow as n log n, 3.4-3.8x per 3x from 1,500 to 121,500 revisions, at a
 * near constant cost each (about 6 chains, keys or nodes). */
static void test_order_is_near_linear(void **state)
{
	struct gen_opts broken = { .seed = 11, .drop = 5, .shuffle = true };
	/* each depends_on target is appended as a head low in the history */
	struct gen_opts deps = { .seed = 12, .deps_pct = 10, .shuffle = true };
	uint64_t small, large, small2, large2;

	(void)state;
	small = work_for(broken, 4500, offsetof(struct graph_work, order));
	large = work_for(broken, 13500, offsetof(struct graph_work, order));
	print_message("work %llu -> %llu\n", (unsigned long long)small, (unsigned long long)large);
	small2 = work_for(deps, 4500, offsetof(struct graph_work, order));
	large2 = work_for(deps, 13500, offsetof(struct graph_work, order));
	print_message("depends_on: work %llu -> %llu\n", (unsigned long long)small2,
		      (unsigned long long)large2);
	assert_true(small >= 4500); /* every revision is emitted once */
	assert_true(large <= small * 4);
	assert_true(small2 >= 4500);
	assert_true(large2 * 2 <= small2 * 9); /* 4.5x: a quadratic walk is 9x */
}

/* The label walk it replaced (per label, every descendant, then down the line),
 * as the oracle: V's labels, sorted, into OUT. */
static void oracle_labels(const struct graph *g, uint32_t v, struct strlist *out)
{
	for (uint32_t r = 0; r < g->n; r++) {
		const struct node *rn = &g->nodes[r];
		bool *seen, chain = true, mine = false;
		struct u32vec todo = { 0 };
		uint32_t last = r;

		if (rn->phantom || !rf_label_ids(rn->file)->n)
			continue;
		seen = xcalloc(g->n, sizeof(bool));
		u32_push(&todo, r);
		while (todo.n) {
			uint32_t x = todo.v[--todo.n];

			if (seen[x])
				continue;
			seen[x] = true;
			last = x;
			mine |= x == v;
			chain &= g->nodes[x].children.n <= 1;
			for (uint32_t k = 0; k < g->nodes[x].children.n; k++)
				u32_push(&todo, g->nodes[x].children.v[k]);
		}
		for (uint32_t x = last; chain && !mine;) {
			const struct node *nd = &g->nodes[x];

			if (nd->phantom || nd->is_real_branch_point || nd->is_merge_point || nd->in_cycle)
				break;
			mine = x == v;
			if (nd->down.n != 1)
				break;
			x = nd->down.v[0];
		}
		for (size_t k = 0; mine && k < rf_label_ids(rn->file)->n; k++)
			if (!sl_contains(out, rf_label_ids(rn->file)->v[k]))
				sl_push(out, rf_label_ids(rn->file)->v[k]);
		free(seen);
		free(todo.v);
	}
	sl_sort(out);
}

static void test_labels_equal_the_walk(void **state)
{
	unsigned labelled = 0;
	struct label_list labels = { 0 };

	(void)state;
	for (unsigned seed = 1; seed <= 16; seed++) {
		struct gen_opts o = { .n = 120 + seed * 10, .seed = seed, .label_every = 3 + seed % 7,
				      .missing_pct = seed % 4 == 0, .cycle = seed % 5 == 0,
				      .label_names = seed % 3 == 0 ? 5 + seed : 0 };
		char *text = gen_history(&o);
		struct project p;

		gen_load(&p, text);
		for (uint32_t i = 0; i < p.graph.n; i++) {
			const struct node *nd = &p.graph.nodes[i];
			struct strlist want = { 0 };

			oracle_labels(&p.graph, i, &want);
			assert_int_equal(want.n, nd->n_labels);
			graph_labels(&p.graph, i, &labels);
			assert_int_equal(want.n, labels.n);
			for (uint32_t k = 0; k < labels.n; k++)
				assert_string_equal(want.v[k], labels.v[k]);
			labelled += nd->n_labels > 0;
			sl_free(&want);
		}
		project_free(&p);
		free(text);
	}
	label_list_free(&labels);
	assert_true(labelled > 1000);
}

/* Flat label sets cost distinct sets x labels: with a label every 20th revision,
 * 3x the revisions is 3x the labels and at most 9x the work (the walk per label
 * with a scan per node was 27x); with few labels, linear. */
static void test_labels_are_near_linear(void **state)
{
	struct gen_opts dense = { .seed = 10, .label_every = 20 };
	struct gen_opts sparse = { .seed = 11, .label_every = 700 };
	uint64_t small = work_for(dense, 1500, offsetof(struct graph_work, labels));
	uint64_t large = work_for(dense, 4500, offsetof(struct graph_work, labels));

	(void)state;
	print_message("work %llu -> %llu\n", (unsigned long long)small, (unsigned long long)large);
	assert_true(large <= small * 9);
	assert_near_linear(sparse, offsetof(struct graph_work, labels));
}

/* Labels work for one line of N revisions, a branch label on every EVERYth:
 * the labels run the whole line, so every revision holds all of them. */
static uint64_t labelled_line_work(unsigned n, unsigned every)
{
	struct strbuf sb;
	struct project p;
	uint64_t w;

	sb_init(&sb);
	for (unsigned i = 0; i < n; i++) {
		sb_addf(&sb, i ? "r%u r%u" : "r%u", i, i - 1);
		sb_addf(&sb, i % every ? "\n" : " @l%u\n", i);
	}
	gen_load(&p, sb.buf);
	assert_int_equal(p.graph.nodes[graph_find(&p.graph, "r0")].n_labels, (n + every - 1) / every);
	w = p.graph.work.labels;
	project_free(&p);
	sb_free(&sb);
	return w;
}

/* The sets below each revision on the way up (l0, then l0 l1, ...) were each
 * made in full, n^2 / 2 labels, though none is any revision's in the end. */
static void test_labelled_line_is_near_linear(void **state)
{
	(void)state;
	for (unsigned every = 1; every <= 10; every += 9) {
		uint64_t small = labelled_line_work(1500, every), large = labelled_line_work(4500, every);

		print_message("every %u: work %llu -> %llu\n", every, (unsigned long long)small,
			      (unsigned long long)large);
		assert_true(small > 0);
		assert_true(large <= small * 4);
	}
}

/* A line of N revisions, each labelled (r0 @l0, r1 @l1, ...), and with FORK
 * two heads on its last: then every revision holds another set, l0 up to its
 * own, where without the fork all hold all of them. */
static void load_labelled_line(struct project *p, unsigned n, bool fork)
{
	struct strbuf sb;

	sb_init(&sb);
	for (unsigned i = 0; i < n; i++) {
		sb_addf(&sb, i ? "r%u r%u" : "r%u", i, i - 1);
		sb_addf(&sb, " @l%u\n", i);
	}
	if (fork)
		sb_addf(&sb, "h1 r%u\nh2 r%u\n", n - 1, n - 1);
	gen_load(p, sb.buf);
	sb_free(&sb);
}

/* Node V's labels read through LIST (kept from the reads before) equal those
 * a list of its own reads. */
static void assert_read_alike(const struct graph *g, uint32_t v, struct label_list *list)
{
	struct label_list fresh = { 0 };

	graph_labels(g, v, list);
	graph_labels(g, v, &fresh);
	assert_int_equal(list->n, fresh.n);
	assert_int_equal(list->n, g->nodes[v].n_labels);
	for (uint32_t k = 0; k < fresh.n; k++) {
		assert_string_equal(list->v[k], fresh.v[k]);
		assert_true(!k || strcmp(fresh.v[k - 1], fresh.v[k]) < 0);
	}
	label_list_free(&fresh);
}

/* Labels work for the forking line of N: with each revision's set made flat
 * it was n^2 / 2 labels (600 MB at 10,000 revisions). Read up and down the
 * line, one list gives what a list of its own does. */
static uint64_t labelled_fork_work(unsigned n)
{
	struct project p;
	struct label_list list = { 0 };
	uint64_t w;

	load_labelled_line(&p, n, true);
	w = p.graph.work.labels;
	assert_int_equal(p.graph.nodes[graph_find(&p.graph, "r0")].n_labels, 1);
	assert_int_equal(p.graph.nodes[graph_find(&p.graph, "h1")].n_labels, n);
	for (uint32_t i = 0; i < p.graph.n; i += 1 + i / 64)
		assert_read_alike(&p.graph, i, &list);
	for (uint32_t i = p.graph.n; i-- > 0;)
		assert_read_alike(&p.graph, i, &list);
	label_list_free(&list);
	project_free(&p);
	return w;
}

static void test_labelled_fork_is_near_linear(void **state)
{
	uint64_t small = labelled_fork_work(1500), large = labelled_fork_work(4500);

	(void)state;
	print_message("work %llu -> %llu\n", (unsigned long long)small, (unsigned long long)large);
	assert_true(small > 0);
	assert_true(large <= small * 4);
}

static bool never(void *asked, const char *label)
{
	(void)label;
	++*(uint64_t *)asked;
	return false;
}

static bool named(void *name, const char *label)
{
	return !strcmp(label, name);
}

/* Does node V hold label NAME, as graph_labels reads it? */
static bool holds(const struct graph *g, uint32_t v, const char *name)
{
	struct label_list list = { 0 };
	bool found = false;

	graph_labels(g, v, &list);
	for (uint32_t k = 0; k < list.n; k++)
		found = found || !strcmp(list.v[k], name);
	label_list_free(&list);
	return found;
}

/* Work of asking every node of the labelled line of N whether a label of its
 * matches: of one no label matches (each label asked once) and of one in the
 * middle (each node's answer that of its labels). */
static uint64_t label_search_work(unsigned n, bool fork)
{
	struct project p;
	uint64_t asked = 0, w;
	struct label_match none = { .match = never, .ctx = &asked };
	char name[32];
	struct label_match mid = { .match = named, .ctx = name };

	load_labelled_line(&p, n, fork);
	snprintf(name, sizeof(name), "l%u", n / 2);
	for (uint32_t i = 0; i < p.graph.n; i++) {
		assert_false(graph_label_set_matches(&p.graph, p.graph.nodes[i].label_set, &none));
		assert_int_equal(graph_label_set_matches(&p.graph, p.graph.nodes[i].label_set, &mid),
				 holds(&p.graph, i, name));
	}
	assert_int_equal(asked, n);
	w = none.work + mid.work;
	label_match_free(&none);
	label_match_free(&mid);
	project_free(&p);
	return w;
}

/* The explorer's search asks every row whether a label of its matches: on a
 * line labelled on every revision each row holds up to n labels, and asking
 * each row's labels was n^2 (/ . at 10,000 such revisions: 2.5 s). */
static void test_label_search_is_near_linear(void **state)
{
	(void)state;
	for (int fork = 0; fork < 2; fork++) {
		uint64_t small = label_search_work(1500, fork), large = label_search_work(4500, fork);

		print_message("fork %d: work %llu -> %llu\n", fork, (unsigned long long)small,
			      (unsigned long long)large);
		assert_true(small > 0);
		assert_true(large <= small * 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_edge_lists_are_borrowed),
		cmocka_unit_test(test_missing_parent_is_a_phantom),
		cmocka_unit_test(test_candidates_for_a_missing_parent),
		cmocka_unit_test(test_duplicate_later_file_wins),
		cmocka_unit_test(test_self_reference_and_cycle),
		cmocka_unit_test(test_links_told_by_the_index),
		cmocka_unit_test(test_labels_are_inherited_as_alembic_does),
		cmocka_unit_test(test_label_conflicts),
		cmocka_unit_test(test_dependencies),
		cmocka_unit_test(test_components_heads_and_bases),
		cmocka_unit_test(test_heads_grouped_by_shared_labels),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_invalid_revision_id),
		cmocka_unit_test(test_loose_pieces_among_many),
		cmocka_unit_test(test_normalized_deps_equal_the_walk),
		cmocka_unit_test(test_normalization_is_near_linear),
		cmocka_unit_test(test_suggestions_are_near_linear),
		cmocka_unit_test(test_order_equals_alembic_literal),
		cmocka_unit_test(test_order_with_heads_inside_chains),
		cmocka_unit_test(test_order_whatever_the_hint),
		cmocka_unit_test(test_order_is_near_linear),
		cmocka_unit_test(test_labels_equal_the_walk),
		cmocka_unit_test(test_labels_are_near_linear),
		cmocka_unit_test(test_labelled_line_is_near_linear),
		cmocka_unit_test(test_labelled_fork_is_near_linear),
		cmocka_unit_test(test_label_search_is_near_linear),
	};

	return cmocka_run_group_tests_name("graph", tests, NULL, NULL);
}
