/* graph_derive.c - what graph_build derives once the edges exist: cycles,
 * normalized dependencies, inherited branch labels and connected components.
 * Kept apart from graph.c so each file holds one stage of RevisionMap. */
#include <stdlib.h>
#include <string.h>

#include "migtree/graph.h"

void graph_find_cycles(struct graph *g);
void graph_normalize_deps(struct graph *g);
void graph_inherit_labels(struct graph *g);
void graph_components(struct graph *g);

/* Edge E of node V over down revisions then dependencies, or NO_NODE past the end. */
static uint32_t out_edge(const struct node *v, uint32_t e)
{
	if (e < v->down.n)
		return v->down.v[e];
	e -= v->down.n;
	return e < v->deps.n ? v->deps.v[e] : NO_NODE;
}

struct tarjan {
	uint32_t *index, *low, *stack, *edge, *call;
	bool *on_stack;
	uint32_t next_index, sp, cp;
};

static void report_cycle(struct graph *g, struct tarjan *t, uint32_t root)
{
	struct strlist ids = { 0 };
	uint32_t first = NO_NODE, w;
	char *list;

	do {
		w = t->stack[--t->sp];
		t->on_stack[w] = false;
		g->nodes[w].in_cycle = true;
		sl_push(&ids, g->nodes[w].id);
		if (first == NO_NODE || g->nodes[w].order < g->nodes[first].order)
			first = w;
	} while (w != root);
	if (ids.n < 2) {
		g->nodes[root].in_cycle = false;
		sl_free(&ids);
		return;
	}
	g->has_cycle = true;
	sl_sort(&ids);
	list = sl_join(&ids, ", ");
	{
		struct revision_file *rf = g->nodes[first].file;

		problem_add(&g->problems, PROBLEM_CYCLE, rf->revision, NULL, rf->path, rf->down.span.line,
			    rf->load_index, "cycle through down_revision/depends_on: %s (Alembic: Cycle is detected)",
			    list);
	}
	free(list);
	sl_free(&ids);
}

void graph_find_cycles(struct graph *g)
{
	struct tarjan t = { 0 };
	uint32_t n = g->n;

	t.index = xmalloc(n * sizeof(uint32_t));
	t.low = xmalloc(n * sizeof(uint32_t));
	t.stack = xmalloc(n * sizeof(uint32_t));
	t.edge = xcalloc(n, sizeof(uint32_t));
	t.call = xmalloc(n * sizeof(uint32_t));
	t.on_stack = xcalloc(n, sizeof(bool));
	for (uint32_t i = 0; i < n; i++)
		t.index[i] = NO_NODE;
	for (uint32_t s = 0; s < n; s++) {
		if (t.index[s] != NO_NODE)
			continue;
		t.call[t.cp++] = s;
		t.index[s] = t.low[s] = t.next_index++;
		t.stack[t.sp++] = s;
		t.on_stack[s] = true;
		while (t.cp > 0) {
			uint32_t v = t.call[t.cp - 1];
			uint32_t w = out_edge(&g->nodes[v], t.edge[v]);

			if (w != NO_NODE) {
				t.edge[v]++;
				if (t.index[w] == NO_NODE) {
					t.index[w] = t.low[w] = t.next_index++;
					t.stack[t.sp++] = w;
					t.on_stack[w] = true;
					t.call[t.cp++] = w;
				} else if (t.on_stack[w] && t.index[w] < t.low[v]) {
					t.low[v] = t.index[w];
				}
				continue;
			}
			t.cp--;
			if (t.cp > 0 && t.low[v] < t.low[t.call[t.cp - 1]])
				t.low[t.call[t.cp - 1]] = t.low[v];
			if (t.low[v] == t.index[v])
				report_cycle(g, &t, v);
		}
	}
	free(t.index);
	free(t.low);
	free(t.stack);
	free(t.edge);
	free(t.call);
	free(t.on_stack);
}

/* Dependency normalization (Alembic's _normalize_depends_on): a revision's
 * dependency is dropped when one of its ancestors (through down_revision) already
 * declares it. Walking every ancestor of every revision with depends_on is
 * quadratic, so the declared targets are carried up instead: one pass in
 * topological order over down_revision, each node holding a bitset of the
 * targets declared strictly below it. Only targets declared by two or more
 * revisions can be dropped, so the bitsets range over those alone, and a node
 * that adds nothing shares its parent's bitset: new bitsets are made only at
 * declarers and at merges. Work is O(n + (declarers + merges) x shared targets
 * / 64) words. Revisions that a cycle leaves unordered (Kahn never reaches
 * them) keep the ancestor walk, which is exact on cycles too. */
struct norm {
	uint32_t *slot;      /* target node -> bit, or NO_NODE when declared once */
	uint32_t words;      /* 64-bit words per bitset */
	uint64_t **below;    /* node -> targets declared strictly below (NULL: none) */
	uint64_t **out;      /* node -> below + its own: what its children inherit */
	uint64_t **bits;     /* every bitset made, to free */
	size_t n_bits, cap_bits;
};

static uint64_t *norm_new(struct graph *g, struct norm *nm, const uint64_t *from)
{
	uint64_t *b = xcalloc(nm->words, sizeof(uint64_t));

	if (from)
		memcpy(b, from, nm->words * sizeof(uint64_t));
	GROW(nm->bits, nm->cap_bits, nm->n_bits + 1);
	nm->bits[nm->n_bits++] = b;
	g->work.normalize += nm->words;
	return b;
}

/* Bits for the targets declared by two or more revisions. */
static bool norm_slots(struct graph *g, struct norm *nm)
{
	uint32_t *count = xcalloc(g->n ? g->n : 1, sizeof(uint32_t)), n_slots = 0;

	nm->slot = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		for (uint32_t k = 0; k < g->nodes[i].deps.n; k++)
			count[g->nodes[i].deps.v[k]]++;
	for (uint32_t t = 0; t < g->n; t++)
		nm->slot[t] = count[t] > 1 ? n_slots++ : NO_NODE;
	free(count);
	nm->words = (n_slots + 63) / 64;
	return n_slots > 0;
}

static void norm_visit(struct graph *g, struct norm *nm, uint32_t v)
{
	const struct node *nd = &g->nodes[v];
	uint64_t *below = NULL;
	bool owned = false;

	g->work.normalize++;
	for (uint32_t k = 0; k < nd->down.n; k++) {
		uint64_t *o = nm->out[nd->down.v[k]];

		if (!o || o == below)
			continue;
		if (!below) {
			below = o;
			continue;
		}
		if (!owned) { /* a merge of two different sets: into a copy */
			below = norm_new(g, nm, below);
			owned = true;
		}
		for (uint32_t w = 0; w < nm->words; w++)
			below[w] |= o[w];
		g->work.normalize += nm->words;
	}
	nm->below[v] = below;
	nm->out[v] = below;
	for (uint32_t k = 0; k < nd->deps.n; k++) {
		uint32_t s = nm->slot[nd->deps.v[k]];

		if (s == NO_NODE)
			continue;
		if (nm->out[v] == below)
			nm->out[v] = norm_new(g, nm, below);
		nm->out[v][s / 64] |= 1ull << (s % 64);
	}
}

/* Visit every node after its down revisions (Kahn); returns how many it reached. */
static uint32_t norm_pass(struct graph *g, struct norm *nm, bool *done)
{
	uint32_t *left = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t)), reached = 0;
	struct u32vec ready = { 0 };

	for (uint32_t i = 0; i < g->n; i++)
		if ((left[i] = g->nodes[i].down.n) == 0)
			u32_push(&ready, i);
	while (ready.n) {
		uint32_t v = ready.v[--ready.n];
		const struct node *nd = &g->nodes[v];

		norm_visit(g, nm, v);
		done[v] = true;
		reached++;
		for (uint32_t k = 0; k < nd->children.n; k++)
			if (--left[nd->children.v[k]] == 0)
				u32_push(&ready, nd->children.v[k]);
	}
	free(ready.v);
	free(left);
	return reached;
}

/* The exact walk for a revision a cycle leaves unordered. */
static void norm_walk(struct graph *g, uint32_t i, bool *drop, uint32_t *seen, uint32_t stamp)
{
	const struct node *nd = &g->nodes[i];
	struct u32vec todo = { 0 };

	for (uint32_t k = 0; k < nd->down.n; k++)
		u32_push(&todo, nd->down.v[k]);
	while (todo.n) {
		uint32_t a = todo.v[--todo.n];
		const struct node *an = &g->nodes[a];

		g->work.normalize++;
		if (seen[a] == stamp || a == i)
			continue;
		seen[a] = stamp;
		for (uint32_t k = 0; k < nd->deps.n; k++)
			if (u32_contains(&an->deps, nd->deps.v[k]))
				drop[k] = true;
		for (uint32_t k = 0; k < an->down.n; k++)
			u32_push(&todo, an->down.v[k]);
	}
	free(todo.v);
}

static void norm_store(struct graph *g, uint32_t i, const bool *drop)
{
	struct node *nd = &g->nodes[i];

	for (uint32_t k = 0; k < nd->down.n; k++)
		u32_push(&nd->norm_down, nd->down.v[k]);
	for (uint32_t k = 0; k < nd->deps.n; k++) {
		if (drop[k])
			continue;
		u32_push(&nd->norm_deps, nd->deps.v[k]);
		if (!u32_contains(&nd->norm_down, nd->deps.v[k]))
			u32_push(&nd->norm_down, nd->deps.v[k]);
	}
}

void graph_normalize_deps(struct graph *g)
{
	struct norm nm = { 0 };
	bool *done = xcalloc(g->n ? g->n : 1, sizeof(bool)), *drop = NULL;
	uint32_t *seen = NULL, stamp = 0, max_deps = 1;
	bool any = norm_slots(g, &nm);

	nm.below = xcalloc(g->n ? g->n : 1, sizeof(*nm.below));
	nm.out = xcalloc(g->n ? g->n : 1, sizeof(*nm.out));
	if (any && norm_pass(g, &nm, done) < g->n)
		seen = xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i].deps.n > max_deps)
			max_deps = g->nodes[i].deps.n;
	drop = xmalloc(max_deps * sizeof(bool));
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		memset(drop, 0, max_deps * sizeof(bool));
		for (uint32_t k = 0; any && done[i] && nm.below[i] && k < nd->deps.n; k++) {
			uint32_t s = nm.slot[nd->deps.v[k]];

			drop[k] = s != NO_NODE && (nm.below[i][s / 64] >> (s % 64) & 1);
		}
		if (any && !done[i] && nd->deps.n)
			norm_walk(g, i, drop, seen, ++stamp);
		norm_store(g, i, drop);
	}
	for (size_t k = 0; k < nm.n_bits; k++)
		free(nm.bits[k]);
	free(nm.bits);
	free(nm.below);
	free(nm.out);
	free(nm.slot);
	free(done);
	free(seen);
	free(drop);
}

struct label_sets {
	uint32_t *cap;
};

static void add_label(struct graph *g, struct label_sets *ls, uint32_t i, const char *label)
{
	struct node *nd = &g->nodes[i];

	for (uint32_t k = 0; k < nd->n_labels; k++)
		if (!strcmp(nd->labels[k], label))
			return;
	if (nd->n_labels == ls->cap[i]) {
		ls->cap[i] = ls->cap[i] ? ls->cap[i] * 2 : 2;
		nd->labels = xrealloc(nd->labels, ls->cap[i] * sizeof(*nd->labels));
	}
	nd->labels[nd->n_labels++] = label;
}

static int cmp_label(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Alembic's _add_branches: a label covers every descendant of its revision and,
 * when those descendants form one line, runs on down through the ancestors until a
 * branch point (counting dependants) or a merge point. */
static void inherit_from(struct graph *g, struct label_sets *ls, uint32_t r, uint32_t *seen,
			 uint32_t stamp, struct u32vec *todo)
{
	const struct strlist *own = &g->nodes[r].file->labels.ids;
	bool chain = true;
	uint32_t last = r;

	todo->n = 0;
	u32_push(todo, r);
	while (todo->n) {
		uint32_t v = todo->v[--todo->n];

		if (seen[v] == stamp)
			continue;
		seen[v] = stamp;
		last = v;
		for (size_t k = 0; k < own->n; k++)
			add_label(g, ls, v, own->v[k]);
		if (g->nodes[v].children.n > 1)
			chain = false;
		for (uint32_t k = 0; k < g->nodes[v].children.n; k++)
			u32_push(todo, g->nodes[v].children.v[k]);
	}
	if (!chain)
		return; /* the walk down from the last descendant stops at a branch point */
	for (uint32_t v = last;;) {
		struct node *nd = &g->nodes[v];

		if (nd->phantom || nd->is_real_branch_point || nd->is_merge_point || nd->in_cycle)
			break;
		for (size_t k = 0; k < own->n; k++)
			add_label(g, ls, v, own->v[k]);
		if (nd->down.n != 1)
			break;
		v = nd->down.v[0];
	}
}

/* A label nobody could read is inherited like the others: every descendant's
 * labels are then unknown too. One walk over all such descendants. */
static void mark_labels_unknown(struct graph *g, struct u32vec *todo)
{
	todo->n = 0;
	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom && g->nodes[i].file->labels.unknown.n)
			u32_push(todo, i);
	while (todo->n) {
		struct node *nd = &g->nodes[todo->v[--todo->n]];

		if (nd->labels_unknown)
			continue;
		nd->labels_unknown = true;
		for (uint32_t k = 0; k < nd->children.n; k++)
			u32_push(todo, nd->children.v[k]);
	}
}

void graph_inherit_labels(struct graph *g)
{
	struct label_sets ls = { xcalloc(g->n, sizeof(uint32_t)) };
	uint32_t *seen = xcalloc(g->n, sizeof(uint32_t)), stamp = 0;
	struct u32vec todo = { 0 };

	mark_labels_unknown(g, &todo);
	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom && g->nodes[i].file->labels.ids.n)
			inherit_from(g, &ls, i, seen, ++stamp, &todo);
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i].n_labels > 1)
			sort_array(g->nodes[i].labels, g->nodes[i].n_labels, sizeof(char *), cmp_label);
	free(todo.v);
	free(seen);
	free(ls.cap);
}

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

void graph_components(struct graph *g)
{
	uint32_t *parent = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	uint32_t *id = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));

	for (uint32_t i = 0; i < g->n; i++) {
		parent[i] = i;
		id[i] = NO_NODE;
	}
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		for (uint32_t e = 0; out_edge(nd, e) != NO_NODE; e++) {
			uint32_t a = uf_find(parent, i), b = uf_find(parent, out_edge(nd, e));

			if (a != b)
				parent[a < b ? b : a] = a < b ? a : b;
		}
	}
	g->n_components = 0;
	for (uint32_t i = 0; i < g->n; i++) {
		uint32_t root = uf_find(parent, i);

		if (id[root] == NO_NODE)
			id[root] = g->n_components++;
		g->nodes[i].component = id[root];
	}
	free(parent);
	free(id);
}
