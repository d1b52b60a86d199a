/* test_order.c - the `alembic history` order, on hand-picked shapes whose expected
 * order was printed by Alembic's own RevisionMap (tests/agree covers thousands of
 * generated ones), plus ranges and a long history. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_text.h"
#include "migtree/order.h"
#include "migtree/range.h"

static void assert_order(const char *graph, const char *want)
{
	struct project p;
	char *got;

	graph_text_load(&p, graph);
	got = graph_text_order(&p);
	assert_string_equal(got, want);
	free(got);
	project_free(&p);
}

static void test_linear(void **state)
{
	(void)state;
	assert_order("a0\na1 a0\na2 a1\n", "a2 a1 a0");
}

static void test_merge_of_two(void **state)
{
	(void)state;
	assert_order("root\nb1 root\nc1 root\nm1 b1 c1\n", "m1 b1 c1 root");
}

static void test_merge_of_three(void **state)
{
	(void)state;
	assert_order("r0\nx1 r0\ny1 r0\nz1 r0\nx2 x1\nm3 x2 y1 z1\nafter m3\n",
		     "after m3 x2 x1 y1 z1 r0");
}

static void test_long_lived_branches(void **state)
{
	(void)state;
	assert_order("r0\na1 r0\nb1 r0\na2 a1\nb2 b1\na3 a2\nb3 b2\n", "a3 a2 a1 b3 b2 b1 r0");
}

static void test_heads_by_load_order(void **state)
{
	(void)state;
	/* ww is loaded before vv: its line is walked first */
	assert_order("zz\nyy zz\nxx zz\nww xx\nvv yy\n", "ww xx vv yy zz");
}

static void test_crossing_merge_and_side_branch(void **state)
{
	(void)state;
	assert_order("root\nleft root\nright root\nmerge left right\ntip merge\nside right\n",
		     "tip merge left side right root");
}

static void test_two_bases_merged(void **state)
{
	(void)state;
	assert_order("one\ntwo\nthree two\nm one three\nt2 one\n", "m t2 one three two");
}

static void test_dependencies(void **state)
{
	(void)state;
	assert_order("r0\na1 r0 @feature\na2 a1\nb1 r0\nb2 b1 +a1\nc1 b2\n", "a2 c1 b2 b1 a1 r0");
	/* a dependency already declared by an ancestor is dropped (normalized) */
	assert_order("r0\na1 r0\nb1 r0 +a1\nb2 b1 +a1\n", "b2 b1 a1 r0");
}

static void test_phantoms_where_referenced(void **state)
{
	(void)state;
	assert_order("a1 gone\na2 a1\nb1\n", "a2 a1 [gone] b1");
}

static void test_cycle_does_not_hang(void **state)
{
	struct project p;

	(void)state;
	graph_text_load(&p, "h1 c1\nc1 c2\nc2 c1\nr0\n");
	assert_true(p.graph.has_cycle);
	assert_true(p.order.n < p.graph.n); /* cycle members are left out, not looped over */
	project_free(&p);
}

static void assert_range(const char *graph, const char *spec, const char *want)
{
	struct project p;
	struct u32vec out = { 0 };
	struct mt_error err = { 0 };
	char *lower, *upper;
	struct strbuf sb;

	graph_text_load(&p, graph);
	assert_int_equal(range_parse(spec, &lower, &upper, &err), 0);
	if (history_range(&p.graph, lower, upper, &out, &err) != 0) {
		assert_string_equal(err.message, want);
	} else {
		sb_init(&sb);
		for (uint32_t i = 0; i < out.n; i++)
			sb_addf(&sb, "%s%s", i ? " " : "", p.graph.nodes[out.v[i]].id);
		assert_string_equal(sb.buf ? sb.buf : "", want);
		sb_free(&sb);
	}
	free(out.v);
	free(lower);
	free(upper);
	project_free(&p);
}

static void test_ranges(void **state)
{
	const char *g = "r0\nx1 r0\ny1 r0\nz1 r0\nx2 x1\nm3 x2 y1 z1\nafter m3\n";

	(void)state;
	assert_range(g, "x1:m3", "m3 x2 x1");
	assert_range(g, ":x2", "x2 x1 r0");
	assert_range(g, "y1:", "after m3 y1");
	assert_range(g, "x2:y1", "Requested range x2:y1 does not refer to ancestor/descendant revisions "
				 "along the same branch");
	assert_range(g, "nope:", "Can't locate revision identified by 'nope'");
	assert_range(g, "afte:", "after"); /* unique prefix */
}

static void test_long_history_is_linear_time(void **state)
{
	/* 20,000 revisions with a merge every 50: an O(n^2) sort would take minutes */
	struct strbuf sb;
	struct project p;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "r0\n");
	for (int i = 1; i < 20000; i++) {
		if (i % 50 == 0)
			sb_addf(&sb, "r%d r%d s%d\n", i, i - 1, i - 1);
		else if (i % 50 == 49)
			sb_addf(&sb, "s%d r%d\n", i, i - 10);
		else
			sb_addf(&sb, "r%d r%d\n", i, i - 1);
		if (i % 50 == 49)
			sb_addf(&sb, "r%d r%d\n", i, i - 1);
	}
	graph_text_load(&p, sb.buf);
	assert_int_equal(p.order.n, p.graph.n);
	assert_string_equal(p.graph.nodes[p.order.v[0]].id, "s19999"); /* the unmerged side head, loaded first */
	assert_string_equal(p.graph.nodes[p.order.v[p.order.n - 1]].id, "r0");
	sb_free(&sb);
	project_free(&p);
}

/* The walk's work on a fan of N heads, each a child of one base: the base
 * is asked about after each head, and the first head above it is the next
 * one (the walk-up's rival scan finds it in a step). The walk-up took all
 * of the base's children at each question: 2N * N work, 6 s of `history`
 * at 60,000 heads. */
static uint64_t fan_work(int n)
{
	struct strbuf sb;
	struct project p;
	uint64_t work;

	sb_init(&sb);
	sb_adds(&sb, "base\n");
	for (int i = 0; i < n; i++)
		sb_addf(&sb, "h%05d base\n", i);
	graph_text_load(&p, sb.buf);
	assert_int_equal(p.order.n, n + 1);
	assert_string_equal(p.graph.nodes[p.order.v[0]].id, "h00000");
	assert_string_equal(p.graph.nodes[p.order.v[n - 1]].id, n == 3000 ? "h02999" : "h08999");
	assert_string_equal(p.graph.nodes[p.order.v[n]].id, "base");
	work = p.graph.work.order;
	project_free(&p);
	sb_free(&sb);
	return work;
}

/* WORK at 3,000 and 9,000 revisions: 3x the revisions at most 4x the work. */
static void assert_walk_near_linear(uint64_t (*work)(int))
{
	uint64_t small = work(3000), large = work(9000);

	print_message("work %llu -> %llu\n", (unsigned long long)small, (unsigned long long)large);
	assert_true(small >= 3000);
	assert_true(large <= small * 4);
}

static void test_fan_of_heads_is_linear(void **state)
{
	(void)state;
	assert_walk_near_linear(fan_work);
}

/* The walk's work on a comb: a line whose every revision also has a head on
 * it. The walk emits the heads first, each leaving its parent, a revision
 * of the line, blocked as a head of its own: each question about the next
 * revision up found those below it still heads of smaller keys, and the
 * scan took them all, one a step (5.8 s of `history` at 60,000). */
static uint64_t comb_work(int n)
{
	struct strbuf sb;
	struct project p;
	uint64_t work;

	sb_init(&sb);
	sb_adds(&sb, "r000000\n");
	for (int i = 1; i < n; i++) /* odd: a head on the revision before; even: the line */
		sb_addf(&sb, "r%06d r%06d\n", i, i % 2 ? i - 1 : i - 2);
	graph_text_load(&p, sb.buf);
	assert_int_equal(p.order.n, n);
	assert_string_equal(p.graph.nodes[p.order.v[0]].id, "r000001");
	assert_string_equal(p.graph.nodes[p.order.v[p.order.n - 1]].id, "r000000");
	work = p.graph.work.order;
	project_free(&p);
	sb_free(&sb);
	return work;
}

static void test_comb_is_linear(void **state)
{
	(void)state;
	assert_walk_near_linear(comb_work);
}

/* The walk's work on a ladder (two lines, each revision of the second also
 * on the one before it in the first) whose last revision was retargeted onto
 * the second line's base: that base, a head's parent, is blocked low and asked
 * about after nearly every chain the walk emits; each climb from it went
 * through the half of the history above it, and each search from a head on
 * the first line (which cannot reach it, though the labels allow every rung)
 * through the other half (5.35 s of `history` at 60,000). */
static uint64_t ladder_work(int n)
{
	struct strbuf sb;
	struct project p;
	uint64_t work;

	sb_init(&sb);
	sb_adds(&sb, "r000000\nr000001 r000000\n");
	for (int i = 2; i < n - 1; i++) /* even: the first line; odd: the second, a rung to the first */
		if (i % 2)
			sb_addf(&sb, "r%06d r%06d r%06d\n", i, i - 1, i - 2);
		else
			sb_addf(&sb, "r%06d r%06d\n", i, i - 2);
	sb_addf(&sb, "r%06d r000001\n", n - 1);
	graph_text_load(&p, sb.buf);
	assert_int_equal(p.order.n, n);
	assert_int_equal(p.graph.heads.n, 3);
	work = p.graph.work.order;
	project_free(&p);
	sb_free(&sb);
	return work;
}

static void test_ladder_with_a_low_head_is_linear(void **state)
{
	(void)state;
	assert_walk_near_linear(ladder_work);
}

static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* gen_history.py's shape (a main line, branches that fork and merge back),
 * its lines shuffled (the load order) and the first DROP left out (files
 * removed): a node is then left blocked low in the history and asked about
 * again and again, and the walk makes its labels. */
static char *branchy_history(unsigned n, unsigned seed, unsigned drop)
{
	struct strbuf sb;
	unsigned s = seed, tip = 0, *open = xmalloc(n * sizeof(unsigned)), n_open = 0;
	char **line = xmalloc(n * sizeof(char *));

	for (unsigned i = 0; i < n; i++) {
		unsigned r = next_rand(&s) % 100, k = n_open ? next_rand(&s) % n_open : 0;

		if (i == 0)
			line[i] = xstrdup("r0");
		else if (n_open && r < 6) {
			line[i] = xasprintf("r%u r%u r%u", i, tip, open[k]);
			open[k] = open[--n_open];
			tip = i;
		} else if (r < 10) {
			line[i] = xasprintf("r%u r%u", i, tip);
			open[n_open++] = i;
		} else if (n_open && r < 35) {
			line[i] = xasprintf("r%u r%u", i, open[k]);
			open[k] = i;
		} else {
			line[i] = xasprintf("r%u r%u", i, tip);
			tip = i;
		}
	}
	for (unsigned i = n; i > 1; i--) {
		unsigned j = next_rand(&s) % i;
		char *t = line[i - 1];

		line[i - 1] = line[j];
		line[j] = t;
	}
	sb_init(&sb);
	for (unsigned i = 0; i < n; i++) {
		if (i >= drop || !strcmp(line[i], "r0"))
			sb_addf(&sb, "%s\n", line[i]);
		free(line[i]);
	}
	free(line);
	free(open);
	return sb_detach(&sb);
}

/* Does X descend from V (V reachable down from X)? */
static bool descends(const struct graph *g, uint32_t x, uint32_t v)
{
	bool *seen = xcalloc(g->n, sizeof(bool)), found = false;
	struct u32vec st = { 0 };

	u32_push(&st, x);
	while (st.n && !found) {
		uint32_t y = st.v[--st.n];

		found = y == v;
		for (uint32_t e = g->down_at[y]; !seen[y] && e < g->down_at[y + 1]; e++)
			u32_push(&st, g->down_flat[e]);
		seen[y] = true;
	}
	free(st.v);
	free(seen);
	return found;
}

/* V's parent K becomes TO, as graph_update.c moves it (the flat edges,
 * the kept ranking, the real heads: the revisions with no child, in any
 * order, as the walk sorts them). */
static void move_parent(struct graph *g, uint32_t v, uint32_t k, uint32_t to)
{
	struct u32vec was = { 0 };
	uint32_t *children = xcalloc(g->n, sizeof(uint32_t));

	for (uint32_t i = 0; i < g->nodes[v].down.n; i++)
		u32_push(&was, g->nodes[v].down.v[i]);
	g->nodes[v].down.v[k] = to;
	g->down_flat[g->down_at[v] + k] = to;
	g->relinked[g->n_relinked++ % GRAPH_RELINK_LOG] = v;
	order_ranks_relink(g, v, &was);
	for (uint32_t e = 0; e < g->down_at[g->n]; e++)
		children[g->down_flat[e]]++;
	g->real_heads.n = 0;
	for (uint32_t i = 0; i < g->n; i++)
		if (!children[i] && !g->nodes[i].phantom)
			u32_push(&g->real_heads, i);
	free(children);
	free(was.v);
}

/* A random parent move of a revision that makes no cycle and leaves no
 * missing revision without a child (the walk would not reach it); false if
 * the one drawn would. */
static bool random_move(struct graph *g, unsigned *s, uint32_t *v, uint32_t *k, uint32_t *to)
{
	uint32_t *children = xcalloc(g->n, sizeof(uint32_t));
	bool ok;

	for (uint32_t e = 0; e < g->down_at[g->n]; e++)
		children[g->down_flat[e]]++;
	*v = next_rand(s) % g->n;
	*to = next_rand(s) % g->n;
	ok = g->nodes[*v].down.n && !g->nodes[*v].phantom;
	*k = ok ? next_rand(s) % g->nodes[*v].down.n : 0;
	ok = ok && (children[g->nodes[*v].down.v[*k]] > 1 || !g->nodes[g->nodes[*v].down.v[*k]].phantom) &&
	     *to != *v;
	for (uint32_t i = 0; ok && i < g->nodes[*v].down.n; i++)
		ok = g->nodes[*v].down.v[i] != *to;
	ok = ok && !descends(g, *to, *v);
	free(children);
	return ok;
}

/* The chains the last kept walk gave labels (walk_again). */
static uint64_t labelled;

/* The kept walk again after an edit, checked against a fresh walk; returns
 * its work (every revision it emits counts one). */
static uint64_t walk_again(struct graph *g, struct u32vec *order)
{
	uint64_t work = g->work.order, labels = g->work.order_labels;
	struct u32vec fresh = { 0 };

	history_order_all_again(g, order);
	work = g->work.order - work;
	labelled = g->work.order_labels - labels;
	history_order_all(g, &fresh);
	assert_int_equal(order->n, fresh.n);
	assert_memory_equal(order->v, fresh.v, fresh.n * sizeof(uint32_t));
	free(fresh.v);
	return work;
}

/* SET marks V and its ancestors (through norm_down). */
static void ref_mark_ancestors(const struct graph *g, uint32_t v, bool *set)
{
	struct u32vec st = { 0 };

	u32_push(&st, v);
	while (st.n) {
		uint32_t x = st.v[--st.n];

		if (!set[x]) {
			set[x] = true;
			for (uint32_t k = 0; k < g->nodes[x].norm_down.n; k++)
				u32_push(&st, g->nodes[x].norm_down.v[k]);
		}
	}
	free(st.v);
}

/* A range's revisions as range.c finds them, by first principles: the
 * ancestors of UPPER (through norm_down), less those in a cycle, and when
 * LOWER is a revision, only its descendants not below it, it included. */
static bool *ref_range_needs(const struct graph *g, uint32_t lower, uint32_t upper)
{
	bool *needs = xcalloc(g->n, sizeof(bool)), *anc = xcalloc(g->n, sizeof(bool));

	ref_mark_ancestors(g, upper, needs);
	for (uint32_t v = 0; v < g->n; v++) { /* v a descendant of lower: lower among its ancestors */
		memset(anc, 0, g->n * sizeof(bool));
		ref_mark_ancestors(g, v, anc);
		needs[v] = needs[v] && !g->nodes[v].in_cycle && anc[lower];
	}
	free(anc);
	return needs;
}

/* history -r walks a range with the fast walk where no revision has a
 * depends_on (Alembic's own, which history_order_literal follows, was
 * heads times revisions: 19 s and 890 MB for base:heads on 30,000 heads):
 * the same order as the literal walk over the same revisions, on branchy
 * histories with missing parents, for ranges between random revisions. */
static void test_ranges_as_literal(void **state)
{
	uint32_t ranges = 0, revisions = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 12; seed++) {
		char *text = branchy_history(150 + seed * 10, seed, seed % 3 ? 0 : 3);
		unsigned s = seed;
		struct project p;

		graph_text_load(&p, text);
		assert_false(p.graph.any_deps);
		for (int k = 0; k < 20; k++) {
			uint32_t lo = next_rand(&s) % p.graph.n, up = next_rand(&s) % p.graph.n;
			struct u32vec fast = { 0 }, lit = { 0 }, heads = { 0 };
			struct mt_error err = { 0 };
			bool *needs = ref_range_needs(&p.graph, lo, up);

			if (!needs[lo] || p.graph.nodes[lo].phantom || p.graph.nodes[up].phantom) {
				free(needs);
				continue; /* not a range (or a missing revision's name) */
			}
			assert_int_equal(history_range(&p.graph, p.graph.nodes[lo].id, p.graph.nodes[up].id, &fast, &err),
					 0);
			u32_push(&heads, up);
			history_order_literal(&p.graph, needs, &heads, &lit);
			assert_int_equal(fast.n, lit.n);
			assert_memory_equal(fast.v, lit.v, fast.n * sizeof(uint32_t));
			ranges++;
			revisions += fast.n;
			free(needs);
			free(fast.v);
			free(lit.v);
			free(heads.v);
		}
		project_free(&p);
		free(text);
	}
	print_message("%u ranges, %u revisions in them\n", ranges, revisions);
	assert_true(ranges >= 40 && revisions >= 40 * 20);
}

/* The walk keeps its labels with its ranking across edits, noting the edges
 * they moved (order.c); an edit undone and done again gives them back as
 * they were. Whatever it keeps, the order is the one a fresh walk makes:
 * random parent moves, each undone and done again now and then. */
static void test_kept_labels_follow_edits(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 6; seed++) {
		char *text = branchy_history(2500, seed, 5);
		struct u32vec order = { 0 };
		struct project p;
		unsigned s = seed;

		graph_text_load(&p, text);
		history_order_all_kept(&p.graph, &order);
		for (int step = 0; step < 40; step++) {
			uint32_t v, k, to, from;

			for (int tries = 0; !random_move(&p.graph, &s, &v, &k, &to); tries++)
				if (tries == 200)
					fail_msg("no move found");
			from = p.graph.nodes[v].down.v[k];
			move_parent(&p.graph, v, k, to);
			(void)walk_again(&p.graph, &order);
			for (unsigned again = next_rand(&s) % 3; again > 0; again--) {
				move_parent(&p.graph, v, k, from); /* undone: the explorer's undo makes no walk */
				if (next_rand(&s) % 2)
					(void)walk_again(&p.graph, &order);
				move_parent(&p.graph, v, k, to);
				(void)walk_again(&p.graph, &order);
			}
		}
		free(order.v);
		project_free(&p);
		free(text);
	}
}


/* The walk after an edit near the top of a long history goes on only until
 * it is where the last walk was (order.c, "meeting the last walk again"),
 * and its order is a fresh walk's; so after the edit undone without a walk
 * (the explorer's undo makes none) and made again, and after random moves. */
/* A revision near the top of ORDER (*V), its parent (*FROM) and its
 * grandparent (*TO): moving V onto *TO changes the order near the top. */
static void near_the_top(const struct graph *g, const struct u32vec *order, uint32_t *v, uint32_t *from,
			 uint32_t *to)
{
	*v = NO_NODE;
	for (uint32_t row = 20; row < order->n && *v == NO_NODE; row++) {
		uint32_t x = order->v[row], px = g->nodes[x].down.n == 1 ? g->nodes[x].down.v[0] : NO_NODE;

		if (px != NO_NODE && !g->nodes[px].phantom && g->nodes[px].down.n == 1 &&
		    !g->nodes[g->nodes[px].down.v[0]].phantom) {
			*v = x;
			*from = px;
			*to = g->nodes[px].down.v[0];
		}
	}
	assert_true(*v != NO_NODE);
}

static void test_walk_after_an_edit_meets_the_last(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 3; seed++) {
		char *text = branchy_history(20000, seed, 5);
		struct u32vec order = { 0 };
		struct project p;
		struct graph *g = &p.graph;
		uint32_t v, from, to, k;
		uint64_t work;
		unsigned s = seed;

		graph_text_load(&p, text);
		history_order_all_kept(g, &order);
		near_the_top(g, &order, &v, &from, &to);
		move_parent(g, v, 0, to);
		work = walk_again(g, &order);
		print_message("seed %u: the walk after an edit near the top: work %llu for %u revisions\n", seed,
			      (unsigned long long)work, order.n);
		assert_true(work < order.n / 10); /* a whole walk: at least order.n */
		move_parent(g, v, 0, from);
		move_parent(g, v, 0, to);
		(void)walk_again(g, &order);
		for (int step = 0; step < 10; step++) {
			while (!random_move(g, &s, &v, &k, &to))
				;
			move_parent(g, v, k, to);
			(void)walk_again(g, &order);
		}
		free(order.v);
		project_free(&p);
		free(text);
	}
}

/* The kept ranking serves a number of walks and is then due to be made
 * again; made between walks (order_ranks_remake, as the explorer does it
 * between keys), it is not due any more, the next walk after an edit near the
 * top still meets the last one (its states kept), and every order after it
 * is a fresh walk's. Nothing is made when it is not due. */
static void test_ranking_made_again_between_walks(void **state)
{
	char *text = branchy_history(6000, 7, 5);
	struct u32vec order = { 0 };
	struct project p;
	struct graph *g = &p.graph;
	uint32_t v, from, to, k, walks = 0;
	unsigned s = 7;

	(void)state;
	graph_text_load(&p, text);
	history_order_all_kept(g, &order);
	near_the_top(g, &order, &v, &from, &to);
	assert_false(order_ranks_due(g));
	while (!order_ranks_due(g) && walks < 200) {
		move_parent(g, v, 0, walks % 2 ? from : to);
		(void)walk_again(g, &order);
		walks++;
	}
	print_message("the ranking was due after %u walks\n", walks);
	assert_true(order_ranks_due(g) && walks > 1 && walks < 200);
	order_ranks_remake(g, &order);
	assert_false(order_ranks_due(g));
	move_parent(g, v, 0, walks % 2 ? from : to);
	assert_true(walk_again(g, &order) < order.n / 10); /* a whole walk: at least order.n */
	for (int step = 0; step < 3 * (int)walks; step++) {
		while (!random_move(g, &s, &v, &k, &to))
			;
		move_parent(g, v, k, to);
		(void)walk_again(g, &order);
		if (order_ranks_due(g) && step % 2)
			order_ranks_remake(g, &order);
	}
	free(order.v);
	project_free(&p);
	free(text);
}

/* Labels made ahead for an edit (order_ranks_prepare_edit, as the explorer's
 * picker makes them for its selected row) are taken by that edit's relink:
 * the walk after it makes none, where without them it makes them for every
 * chain; made for another edit, they are dropped. Every walk's order is a
 * fresh walk's, over random moves some of which were prepared. */
static void test_labels_made_ahead_of_an_edit(void **state)
{
	unsigned seeds_made = 0;
	uint64_t steps_taken = 0;

	(void)state;
	for (unsigned seed = 1; seed <= 4; seed++) {
		char *text = branchy_history(6000, seed, 5);
		struct u32vec order = { 0 };
		struct project p;
		struct graph *g = &p.graph;
		uint32_t v, k = 0, to, from, other;
		uint64_t made, taken;
		unsigned s = seed;

		graph_text_load(&p, text);
		history_order_all_kept(g, &order);
		/* the middle revision onto one a quarter further down, as the
		 * bench's edit: without labels made ahead, the walk makes them */
		v = order.v[order.n / 2];
		while (g->nodes[v].down.n != 1 || g->nodes[g->nodes[v].down.v[0]].phantom)
			v = order.v[order.n / 2 + ++k % 64];
		from = g->nodes[v].down.v[0];
		to = order.v[order.n * 3 / 4];
		while (descends(g, to, v) || g->nodes[to].phantom || to == from)
			to = order.v[order.n * 3 / 4 + ++k % 64];
		other = order.v[order.n * 3 / 4 + 100];
		move_parent(g, v, 0, to);
		(void)walk_again(g, &order);
		made = labelled;
		move_parent(g, v, 0, from); /* undone */
		(void)walk_again(g, &order);
		order_ranks_prepare_edit(g, v, &other, 1); /* another edit's: dropped */
		order_ranks_prepare_edit(g, v, &to, 1);
		taken = g->work.order_taken;
		move_parent(g, v, 0, to);
		(void)walk_again(g, &order);
		print_message("seed %u: chains labelled by the walk after the edit: %llu, prepared: %llu\n", seed,
			      (unsigned long long)made, (unsigned long long)labelled);
		seeds_made += made > 0; /* not every edit asks a question that needs them */
		assert_int_equal(labelled, 0);
		assert_int_equal(g->work.order_taken, taken + 1); /* the walk made ahead, not a walk */
		/* onto a revision above it: a cycle, which the edit refuses; the
		 * walk ahead gives up going round it (the heads that block each
		 * other), and the next edit's walk is its own */
		assert_true(g->nodes[v].children.n > 0 || g->real_heads.n);
		for (uint32_t i = 0; i < order.n; i++)
			if (order.v[i] != v && descends(g, order.v[i], v) && g->nodes[v].down.n == 1) {
				order_ranks_prepare_edit(g, v, &order.v[i], 1);
				break;
			}
		while (!random_move(g, &s, &v, &k, &to))
			;
		taken = g->work.order_taken;
		move_parent(g, v, k, to);
		(void)walk_again(g, &order);
		assert_int_equal(g->work.order_taken, taken);
		/* made ahead for one edit, then another file updated first (V
		 * relinked to the parent it has): the edit made after it walks */
		while (!random_move(g, &s, &other, &k, &to) || other == v || g->nodes[other].down.n != 1)
			;
		order_ranks_prepare_edit(g, other, &to, 1);
		taken = g->work.order_taken;
		move_parent(g, v, 0, g->nodes[v].down.v[0]);
		move_parent(g, other, 0, to);
		(void)walk_again(g, &order);
		assert_int_equal(g->work.order_taken, taken);
		for (int step = 0; step < 40; step++) {
			while (!random_move(g, &s, &v, &k, &to))
				;
			if (next_rand(&s) % 2 && g->nodes[v].down.n == 1)
				order_ranks_prepare_edit(g, v, &to, 1);
			if (next_rand(&s) % 4 == 0) /* another's (it replaces it), or one that cannot be made */
				order_ranks_prepare_edit(g, order.v[next_rand(&s) % order.n], &to, 1);
			taken = g->work.order_taken;
			move_parent(g, v, k, to);
			(void)walk_again(g, &order); /* taken or walked, the fresh walk's order */
			steps_taken += g->work.order_taken - taken;
		}
		free(order.v);
		project_free(&p);
		free(text);
	}
	assert_true(seeds_made >= 2);
	print_message("random moves taken as walked ahead: %llu\n", (unsigned long long)steps_taken);
	assert_true(steps_taken > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_merge_of_two),
		cmocka_unit_test(test_merge_of_three),
		cmocka_unit_test(test_long_lived_branches),
		cmocka_unit_test(test_heads_by_load_order),
		cmocka_unit_test(test_crossing_merge_and_side_branch),
		cmocka_unit_test(test_two_bases_merged),
		cmocka_unit_test(test_dependencies),
		cmocka_unit_test(test_phantoms_where_referenced),
		cmocka_unit_test(test_cycle_does_not_hang),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_ranges_as_literal),
		cmocka_unit_test(test_long_history_is_linear_time),
		cmocka_unit_test(test_fan_of_heads_is_linear),
		cmocka_unit_test(test_comb_is_linear),
		cmocka_unit_test(test_ladder_with_a_low_head_is_linear),
		cmocka_unit_test(test_kept_labels_follow_edits),
		cmocka_unit_test(test_walk_after_an_edit_meets_the_last),
		cmocka_unit_test(test_labels_made_ahead_of_an_edit),
		cmocka_unit_test(test_ranking_made_again_between_walks),
	};

	return cmocka_run_group_tests_name("order", tests, NULL, NULL);
}
