/* topo.c - a history order kept topological while parents are added (topo.h). */
#include <stdlib.h>
#include <string.h>

#include "migtree/topo.h"
#include "migtree/util.h"

/* The expected links by child, as a compressed table: those of X are
 * PARENT[FIRST[X] .. FIRST[X + 1]). */
struct expected_by_child {
	uint32_t *first, *parent;
};

static void expected_index(struct expected_by_child *ex, uint32_t n_nodes, const struct topo_link *links, size_t n)
{
	ex->first = xcalloc((size_t)n_nodes + 2, sizeof(uint32_t));
	ex->parent = xmalloc((n ? n : 1) * sizeof(uint32_t));
	for (size_t k = 0; k < n; k++)
		ex->first[links[k].child + 2]++;
	for (uint32_t x = 0; x < n_nodes; x++)
		ex->first[x + 2] += ex->first[x + 1];
	for (size_t k = 0; k < n; k++) /* FIRST[X + 1] counts X's as they are placed */
		ex->parent[ex->first[links[k].child + 1]++] = links[k].parent;
}

/* Parent E of node U over the graph's links and the expected ones; NO_NODE past the last. */
static uint32_t up_expected(const struct graph *g, const struct expected_by_child *ex, uint32_t u, uint32_t e)
{
	const struct node *nd = &g->nodes[u];

	if (e < nd->down.n)
		return nd->down.v[e];
	e -= nd->down.n;
	if (e < nd->deps.n)
		return nd->deps.v[e];
	e -= nd->deps.n;
	return ex->first[u] + e < ex->first[u + 1] ? ex->parent[ex->first[u] + e] : NO_NODE;
}

struct scc_frame {
	uint32_t u, e; /* a node on the walk, and its next parent to follow */
};

/* Tarjan's strongly connected components of the graph with the expected
 * links, without recursion (a history is one long path): COMP[x] numbers x's,
 * parents' before their children's (a component is closed once all it
 * reaches is). Returns how many. */
static uint32_t components(const struct graph *g, const struct expected_by_child *ex, uint32_t *comp)
{
	uint32_t n = g->n, counter = 0, n_comp = 0, depth = 0, top = 0;
	uint32_t *index = xmalloc((n ? n : 1) * sizeof(uint32_t)), *low = xmalloc((n ? n : 1) * sizeof(uint32_t));
	uint32_t *stack = xmalloc((n ? n : 1) * sizeof(uint32_t));
	struct scc_frame *calls = xmalloc((n ? n : 1) * sizeof(*calls));

	for (uint32_t x = 0; x < n; x++)
		index[x] = comp[x] = NO_NODE;
	for (uint32_t r = 0; r < n; r++) {
		if (index[r] != NO_NODE)
			continue;
		index[r] = low[r] = counter++;
		stack[top++] = r;
		calls[depth++] = (struct scc_frame){ r, 0 };
		while (depth) {
			struct scc_frame *f = &calls[depth - 1];
			uint32_t w = up_expected(g, ex, f->u, f->e++);

			if (w != NO_NODE) {
				if (index[w] == NO_NODE) {
					index[w] = low[w] = counter++;
					stack[top++] = w;
					calls[depth++] = (struct scc_frame){ w, 0 };
				} else if (comp[w] == NO_NODE && index[w] < low[f->u]) { /* on the stack */
					low[f->u] = index[w];
				}
				continue;
			}
			if (low[f->u] == index[f->u]) {
				uint32_t x;

				do {
					x = stack[--top];
					comp[x] = n_comp;
				} while (x != f->u);
				n_comp++;
			}
			if (--depth && low[f->u] < low[calls[depth - 1].u])
				low[calls[depth - 1].u] = low[f->u];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(calls);
	return n_comp;
}

/* ORD from the components: a child's component before its parents' (the
 * higher number first), inside one the history order's. */
static void order_by_component(struct topo *t, const struct project *p, const uint32_t *comp, uint32_t n_comp)
{
	uint32_t *start = xcalloc((size_t)n_comp + 1, sizeof(uint32_t));

	for (uint32_t x = 0; x < t->g->n; x++)
		start[n_comp - 1 - comp[x] + 1]++;
	for (uint32_t c = 0; c < n_comp; c++)
		start[c + 1] += start[c];
	for (uint32_t k = 0; k < p->order.n; k++) {
		uint32_t x = p->order.v[k];

		t->ord[x] = start[n_comp - 1 - comp[x]]++;
	}
	free(start);
	for (uint32_t x = 0; x < t->g->n; x++)
		t->node_at[t->ord[x]] = x;
}

int topo_init(struct topo *t, const struct project *p, const struct topo_link *expected, size_t n)
{
	const struct graph *g = &p->graph;
	size_t size = g->n ? g->n : 1;
	struct expected_by_child ex;
	uint32_t *comp, n_comp;

	memset(t, 0, sizeof(*t));
	if (g->has_cycle || p->order.n != g->n)
		return -1;
	t->g = g;
	t->ord = xmalloc(size * sizeof(uint32_t));
	t->node_at = xmalloc(size * sizeof(uint32_t));
	t->added_parent = xmalloc(size * sizeof(uint32_t));
	t->first_added = xmalloc(size * sizeof(uint32_t));
	t->next_added = xmalloc(size * sizeof(uint32_t));
	t->seen = xcalloc(size, sizeof(uint32_t));
	for (uint32_t x = 0; x < g->n; x++)
		t->added_parent[x] = t->first_added[x] = t->next_added[x] = NO_NODE;
	expected_index(&ex, g->n, expected, n);
	comp = xmalloc(size * sizeof(uint32_t));
	n_comp = components(g, &ex, comp);
	order_by_component(t, p, comp, n_comp);
	free(comp);
	free(ex.first);
	free(ex.parent);
	return 0;
}

void topo_free(struct topo *t)
{
	free(t->ord);
	free(t->node_at);
	free(t->added_parent);
	free(t->first_added);
	free(t->next_added);
	free(t->seen);
	free(t->stack.v);
	free(t->ahead.v);
	free(t->behind.v);
	memset(t, 0, sizeof(*t));
}

/* A mark no walk has left yet. */
static uint32_t new_stamp(struct topo *t)
{
	if (++t->stamp == 0) { /* wrapped: old marks could look current */
		memset(t->seen, 0, t->g->n * sizeof(uint32_t));
		t->stamp = 1;
	}
	return t->stamp;
}

/* Visit W from the walk marked STAMP: pushed once, onto the stack and OUT. */
static void visit(struct topo *t, uint32_t w, uint32_t stamp, struct u32vec *out)
{
	if (t->seen[w] == stamp)
		return;
	t->seen[w] = stamp;
	u32_push(&t->stack, w);
	u32_push(out, w);
}

/* The ancestors of FROM placed before position UB, into t->ahead; true when
 * the walk meets TARGET (then FROM descends from it). */
static bool walk_up(struct topo *t, uint32_t from, uint32_t target, uint32_t ub)
{
	uint32_t stamp = t->up_stamp = new_stamp(t);

	t->stack.n = t->ahead.n = 0;
	visit(t, from, stamp, &t->ahead);
	while (t->stack.n) {
		uint32_t u = t->stack.v[--t->stack.n];
		const struct node *nd = &t->g->nodes[u];
		uint32_t n_up = nd->down.n + nd->deps.n;

		for (uint32_t e = 0; e <= n_up; e++) {
			uint32_t w = e < nd->down.n ? nd->down.v[e] : e < n_up ? nd->deps.v[e - nd->down.n] : t->added_parent[u];

			if (w == target)
				return true;
			if (w != NO_NODE && t->ord[w] < ub)
				visit(t, w, stamp, &t->ahead);
		}
	}
	return false;
}

/* The descendants of FROM placed after position LB, into t->behind. */
static void walk_down(struct topo *t, uint32_t from, uint32_t lb)
{
	uint32_t stamp = t->down_stamp = new_stamp(t);

	t->stack.n = t->behind.n = 0;
	visit(t, from, stamp, &t->behind);
	while (t->stack.n) {
		uint32_t u = t->stack.v[--t->stack.n];
		const struct node *nd = &t->g->nodes[u];

		for (uint32_t e = 0; e < nd->children.n + nd->dependants.n; e++) {
			uint32_t w = e < nd->children.n ? nd->children.v[e] : nd->dependants.v[e - nd->children.n];

			if (t->ord[w] > lb)
				visit(t, w, stamp, &t->behind);
		}
		for (uint32_t w = t->first_added[u]; w != NO_NODE; w = t->next_added[w])
			if (t->ord[w] > lb)
				visit(t, w, stamp, &t->behind);
	}
}

static int by_position(const void *a, const void *b, void *ctx)
{
	const uint32_t *ord = ctx, x = ord[*(const uint32_t *)a], y = ord[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The positions of the nodes walked, POOL (room for both lists), in order,
 * and each list in the order its nodes had: by sorting, for a few nodes
 * spread over a long stretch of the order. */
static void walked_by_sorting(struct topo *t, uint32_t *pool)
{
	uint32_t nb = t->behind.n, na = t->ahead.n;

	sort_array_r(t->behind.v, nb, sizeof(uint32_t), by_position, t->ord);
	sort_array_r(t->ahead.v, na, sizeof(uint32_t), by_position, t->ord);
	for (uint32_t k = 0; k < nb; k++)
		pool[k] = t->ord[t->behind.v[k]];
	for (uint32_t k = 0; k < na; k++)
		pool[nb + k] = t->ord[t->ahead.v[k]];
	sort_array(pool, nb + na, sizeof(uint32_t), by_value);
}

/* The same by reading the stretch LB .. UB of the order once, where the
 * walks' marks say which list each node is in: no comparison at all. */
static void walked_by_scan(struct topo *t, uint32_t *pool, uint32_t lb, uint32_t ub)
{
	uint32_t nb = 0, na = 0, k = 0;

	for (uint32_t at = lb; at <= ub; at++) {
		uint32_t x = t->node_at[at], mark = t->seen[x];

		if (mark == t->down_stamp)
			t->behind.v[nb++] = x;
		else if (mark == t->up_stamp)
			t->ahead.v[na++] = x;
		else
			continue;
		pool[k++] = at;
	}
}

/* The nodes walked, all placed in LB .. UB, take the positions they held
 * between them: the descendants (BEHIND) first, then the ancestors (AHEAD),
 * each in the order they had, so that the new link goes with the order. A
 * long stretch holding few of them is sorted; else it is read (a walk in a
 * large piece moves most of what lies between: sorting it was most of `plan`
 * at 30,000 revisions). */
static void reorder(struct topo *t, uint32_t lb, uint32_t ub)
{
	uint32_t nb = t->behind.n, na = t->ahead.n, k = nb + na, *pool = xmalloc(k * sizeof(uint32_t));
	uint32_t log2k = 1;

	while (log2k < 32 && (UINT32_C(1) << log2k) < k)
		log2k++;
	if ((uint64_t)(ub - lb) <= (uint64_t)8 * k * log2k)
		walked_by_scan(t, pool, lb, ub);
	else
		walked_by_sorting(t, pool);
	for (uint32_t i = 0; i < k; i++) {
		uint32_t x = i < nb ? t->behind.v[i] : t->ahead.v[i - nb];

		t->ord[x] = pool[i];
		t->node_at[pool[i]] = x;
	}
	free(pool);
}

bool topo_add(struct topo *t, uint32_t child, uint32_t parent)
{
	if (child == parent)
		return false;
	if (t->ord[parent] < t->ord[child]) { /* against the order: mend it, or a cycle */
		if (walk_up(t, parent, child, t->ord[child]))
			return false;
		walk_down(t, child, t->ord[parent]);
		reorder(t, t->ord[parent], t->ord[child]);
	}
	t->added_parent[child] = parent;
	t->next_added[child] = t->first_added[parent];
	t->first_added[parent] = child;
	return true;
}

void topo_remove(struct topo *t, uint32_t child)
{
	uint32_t parent = t->added_parent[child], *link;

	if (parent == NO_NODE)
		return;
	for (link = &t->first_added[parent]; *link != child; link = &t->next_added[*link])
		;
	*link = t->next_added[child];
	t->next_added[child] = NO_NODE;
	t->added_parent[child] = NO_NODE;
}
