/* test_pickindex.c - the picker's index (pickindex.h) against the graph it
 * was made from: the text of every node, the filter against a brute-force
 * case-insensitive search of each id and message, the filter narrowed a
 * character at a time (as the picker types) against the whole filter at once,
 * and the descendants swept up the rows against graph_descendants. Generated
 * histories: merges, missing parents, depends_on, cycles, ids and messages in
 * mixed case; the index made in slices of random sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "migtree/graph.h"
#include "migtree/layout.h"
#include "migtree/pickindex.h"
#include "graph_text.h"

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
	*seed = *seed * 1103515245u + 12345u;
	return n ? (*seed >> 16) % n : 0;
}

/* A history of N revisions with ids in mixed case ("Ab3x"): bases, lines,
 * merges, missing parents, depends_on (also on a later revision, which puts a
 * parent above its child), and now and then a cycle. */
static char *generate(uint32_t seed, uint32_t n)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t kind = rnd(&seed, 100);

		sb_addf(&sb, "Ab%uX", i);
		if (i == 0 || kind < 10) {
			/* a base */
		} else if (kind < 65) {
			sb_addf(&sb, " Ab%uX", rnd(&seed, 3) ? i - 1 : rnd(&seed, i));
		} else if (kind < 80) {
			uint32_t a = rnd(&seed, i), b = rnd(&seed, i);

			sb_addf(&sb, " Ab%uX", a);
			if (b != a)
				sb_addf(&sb, " Ab%uX", b);
		} else if (kind < 88) {
			sb_addf(&sb, " GONE%u", rnd(&seed, 4));
		} else if (kind < 96) {
			sb_addf(&sb, " Ab%uX +Ab%uX", i - 1, rnd(&seed, n));
		} else {
			sb_addf(&sb, " Ab%uX", i + rnd(&seed, 3)); /* itself, or later: a cycle may close */
		}
		sb_addc(&sb, '\n');
	}
	return sb_detach(&sb);
}

/* Does S hold NEEDLE, ignoring ASCII case: the obvious way. */
static bool brute_holds(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return !n;
}

static const char *message_of(const struct node *nd)
{
	return nd->phantom ? "" : nd->file->message;
}

static void assert_text(const struct graph *g, const struct pick_index *ix)
{
	for (uint32_t x = 0; x < g->n; x++) {
		const char *t = ix->text + ix->off[x], *msg = message_of(&g->nodes[x]);
		size_t idl = strlen(g->nodes[x].id);

		assert_int_equal(strlen(t), idl);
		assert_int_equal(strcasecmp(t, g->nodes[x].id), 0);
		assert_int_equal(strcasecmp(t + idl + 1, msg), 0);
		assert_int_equal(ix->off[x + 1], ix->off[x] + idl + strlen(msg) + 2);
		assert_int_equal(ix->id_len[x], idl);
		for (const char *c = t; c < ix->text + ix->off[x + 1]; c++)
			assert_false(*c >= 'A' && *c <= 'Z');
	}
}

/* A needle from the text of a random node (or not in any), in random case. */
static void random_needle(uint32_t *seed, const struct graph *g, char *out, size_t size)
{
	const struct node *nd = &g->nodes[rnd(seed, g->n)];
	const char *src = rnd(seed, 2) ? nd->id : message_of(nd);
	size_t len = strlen(src), from, n;

	if (!len || rnd(seed, 8) == 0)
		src = rnd(seed, 2) ? "zq" : "F AB", len = strlen(src);
	from = rnd(seed, (uint32_t)len);
	n = 1 + rnd(seed, (uint32_t)(len - from));
	if (n >= size)
		n = size - 1;
	for (size_t k = 0; k < n; k++) {
		char c = src[from + k];

		out[k] = (char)(rnd(seed, 2) && c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	out[n] = '\0';
}

/* The picker's way: the needle lowered, then matched against MASK. */
static void match(const struct pick_index *ix, const char *needle, size_t len, uint8_t *mask)
{
	char low[64];

	for (size_t k = 0; k <= len; k++)
		low[k] = (char)(needle[k] >= 'A' && needle[k] <= 'Z' ? needle[k] + 32 : needle[k]);
	pick_index_match(ix, low, len, mask);
}

static void assert_filters(uint32_t *seed, const struct graph *g, const struct pick_index *ix)
{
	uint8_t *mask = xmalloc(g->n), *typed = xmalloc(g->n);

	for (int t = 0; t < 20; t++) {
		char needle[16];
		size_t len;

		random_needle(seed, g, needle, sizeof(needle));
		len = strlen(needle);
		for (uint32_t x = 0; x < g->n; x++)
			mask[x] = (uint8_t)(rnd(seed, 4) != 0); /* the candidates: some left out */
		memcpy(typed, mask, g->n);
		match(ix, needle, len, mask);
		for (uint32_t x = 0; x < g->n; x++) {
			const struct node *nd = &g->nodes[x];
			bool want = typed[x] && (brute_holds(nd->id, needle) || brute_holds(message_of(nd), needle));

			assert_int_equal(mask[x], want);
		}
		for (size_t k = 1; k <= len; k++) /* typed a character at a time: each on what the last left */
			match(ix, needle, k, typed);
		assert_memory_equal(typed, mask, g->n);
	}
	free(mask);
	free(typed);
}

/* Do L's rows put every parent below its child? */
static bool parents_below(const struct graph *g, const struct layout *l)
{
	for (uint32_t x = 0; x < g->n; x++) {
		const struct node *nd = &g->nodes[x];

		for (uint32_t e = 0; e < nd->down.n + nd->deps.n; e++) {
			uint32_t a = e < nd->down.n ? nd->down.v[e] : nd->deps.v[e - nd->down.n];

			if (l->row_of[a] <= l->row_of[x])
				return false;
		}
	}
	return true;
}

/* The sweep's descendants are graph_descendants'; where the rows cannot
 * answer, the index says so. Returns whether it answered. */
static bool assert_descendants(const struct graph *g, const struct layout *l, const struct pick_index *ix)
{
	uint8_t *out = xmalloc(g->n);
	bool swept = pick_index_descendants(ix, l, 0, out);

	assert_int_equal(swept, parents_below(g, l));
	for (uint32_t v = 0; swept && v < g->n; v++) {
		bool *want = graph_descendants(g, v);

		assert_true(pick_index_descendants(ix, l, v, out));
		for (uint32_t x = 0; x < g->n; x++)
			assert_int_equal(out[x], want[x]);
		free(want);
	}
	free(out);
	return swept;
}

static void test_index_equals_the_graph(void **state)
{
	uint32_t swept = 0, walked = 0;

	(void)state;
	for (uint32_t seed = 1; seed <= 300; seed++) {
		char *text = generate(seed, 1 + seed % 70);
		uint32_t s = seed;
		struct project p;
		struct layout l;
		struct pick_index ix;

		graph_text_load(&p, text);
		layout_build(&l, &p);
		pick_index_init(&ix, p.graph.n);
		while (pick_index_more(&ix, &p.graph, &l, 1 + rnd(&s, 300))) { /* unfinished: no answer yet */
			uint8_t out;

			assert_true(ix.done < p.graph.n);
			assert_false(pick_index_descendants(&ix, &l, 0, &out));
		}
		assert_int_equal(ix.done, p.graph.n);
		assert_text(&p.graph, &ix);
		assert_filters(&s, &p.graph, &ix);
		if (assert_descendants(&p.graph, &l, &ix))
			swept++;
		else
			walked++;
		pick_index_free(&ix);
		layout_free(&l);
		project_free(&p);
		free(text);
	}
	assert_true(swept > 100); /* both ways were taken */
	assert_true(walked > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_equals_the_graph),
	};

	return cmocka_run_group_tests_name("pickindex", tests, NULL, NULL);
}
