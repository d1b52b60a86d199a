/* test_topo.c - the history order kept topological while parents are added
 * (topo.h): on random histories, with random links expected and random links
 * added and taken back, every answer agrees with a walk of the whole graph,
 * and the order stays one in which every child comes before its parents. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migtree/topo.h"
#include "migtree/util.h"
#include "graph_text.h"

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

/* N revisions on earlier ones (some merges, some on missing ones: phantoms
 * m0..), as graph_text lines. */
static char *random_history(uint32_t n)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t kind = rnd(10);

		sb_addf(&sb, "r%u", i);
		if (i && kind < 6)
			sb_addf(&sb, " r%u", kind < 3 ? i - 1 : rnd(i));
		if (i > 2 && kind == 6)
			sb_addf(&sb, " r%u r%u", rnd(i / 2), i / 2 + rnd(i / 2));
		if (kind >= 7)
			sb_addf(&sb, " m%u", rnd(n / 4 + 1));
		if (i > 1 && rnd(12) == 0)
			sb_addf(&sb, " +r%u", rnd(i));
		sb_adds(&sb, "\n");
	}
	return sb_detach(&sb);
}

/* Does X descend from V (or is it V), by the graph's links and ADDED's
 * (per node, the parent added or NO_NODE)? The whole walk up from X. */
static bool descends(const struct graph *g, const uint32_t *added, uint32_t x, uint32_t v)
{
	bool *seen = xcalloc(g->n, sizeof(bool)), hit = false;
	struct u32vec st = { 0 };

	u32_push(&st, x);
	seen[x] = true;
	while (st.n && !hit) {
		uint32_t u = st.v[--st.n];
		const struct node *nd = &g->nodes[u];

		hit = u == v;
		for (uint32_t e = 0; e <= nd->down.n + nd->deps.n; e++) {
			uint32_t w = e < nd->down.n ? nd->down.v[e] : e < nd->down.n + nd->deps.n ? nd->deps.v[e - nd->down.n] : added[u];

			if (w != NO_NODE && !seen[w]) {
				seen[w] = true;
				u32_push(&st, w);
			}
		}
	}
	free(st.v);
	free(seen);
	return hit;
}

/* T's order is a permutation in which every link, the graph's and the ones
 * added, goes from an earlier child to a later parent. */
static void assert_topological(const struct topo *t, const uint32_t *added)
{
	const struct graph *g = t->g;
	bool *used = xcalloc(g->n, sizeof(bool));

	for (uint32_t x = 0; x < g->n; x++) {
		const struct node *nd = &g->nodes[x];

		assert_true(t->ord[x] < g->n && !used[t->ord[x]]);
		used[t->ord[x]] = true;
		for (uint32_t e = 0; e < nd->down.n; e++)
			assert_true(t->ord[x] < t->ord[nd->down.v[e]]);
		for (uint32_t e = 0; e < nd->deps.n; e++)
			assert_true(t->ord[x] < t->ord[nd->deps.v[e]]);
		if (added[x] != NO_NODE)
			assert_true(t->ord[x] < t->ord[added[x]]);
		assert_int_equal(t->added_parent[x], added[x]);
	}
	free(used);
}

static void run_seed(uint64_t seed, uint32_t n, uint32_t steps)
{
	char *text;
	struct project p;
	struct topo t;
	struct topo_link *expected;
	uint32_t *added, n_expected, cycles = 0, made = 0;

	rng = seed;
	text = random_history(n);
	graph_text_load(&p, text);
	assert_false(p.graph.has_cycle);
	added = xmalloc(p.graph.n * sizeof(uint32_t));
	for (uint32_t x = 0; x < p.graph.n; x++)
		added[x] = NO_NODE;
	n_expected = rnd(2 * n);
	expected = xmalloc((n_expected + 1) * sizeof(*expected));
	for (uint32_t k = 0; k < n_expected; k++) /* any links: some in cycles */
		expected[k] = (struct topo_link){ rnd(p.graph.n), rnd(p.graph.n) };
	assert_int_equal(topo_init(&t, &p, expected, n_expected), 0);
	assert_topological(&t, added);
	for (uint32_t s = 0; s < steps; s++) {
		uint32_t child = rnd(p.graph.n), parent = rnd(p.graph.n);
		bool cycle;

		if (rnd(2) && n_expected) { /* mostly the links expected */
			child = expected[s % n_expected].child;
			parent = expected[s % n_expected].parent;
		}
		if (added[child] != NO_NODE) {
			if (rnd(3) == 0) {
				topo_remove(&t, child);
				added[child] = NO_NODE;
				assert_topological(&t, added);
			}
			continue;
		}
		cycle = descends(&p.graph, added, parent, child);
		assert_int_equal(topo_add(&t, child, parent), !cycle);
		if (!cycle)
			added[child] = parent;
		cycles += cycle;
		made += !cycle;
		assert_topological(&t, added);
	}
	assert_true(cycles > 0 && made > 0); /* both answers were given */
	topo_free(&t);
	free(expected);
	free(added);
	free(text);
	project_free(&p);
}

static void test_random_links_agree_with_whole_walks(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++)
		run_seed(seed * 0x9e3779b97f4a7c15ull, 20 + (uint32_t)seed * 5, 300);
}

/* A history with a cycle has no order to keep. */
static void test_cycle_refused(void **state)
{
	struct project p;
	struct topo t;

	(void)state;
	graph_text_load(&p, "a c\nb a\nc b\n");
	assert_true(p.graph.has_cycle);
	assert_int_equal(topo_init(&t, &p, NULL, 0), -1);
	topo_free(&t);
	project_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_links_agree_with_whole_walks),
		cmocka_unit_test(test_cycle_refused),
	};

	return cmocka_run_group_tests_name("topo", tests, NULL, NULL);
}
