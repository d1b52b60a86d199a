/* order.c - Alembic's _topological_sort, with the same output, in near-linear time.
 *
 * Alembic keeps a list of current heads with each head's full ancestor set. At each
 * step the candidate (the current head) is emitted unless it is in the ancestor set
 * of another current head; then the walk switches to the first such head in list
 * order. An emitted candidate is replaced in place by its first parent still to do
 * and not already a head; further parents are appended; with none, the head is
 * removed and the walk moves to the previous head in the list (or the first).
 *
 * Two facts let us drop the ancestor sets:
 * - the revisions not yet emitted are exactly the ancestors of the current heads,
 *   so "the candidate is an ancestor of another head" is "the candidate has a child
 *   not yet emitted": a counter per node (pending) answers it in O(1);
 * - when it is blocked, the heads that reach it are found by walking up from it
 *   through unemitted children only; the list order of heads is kept as a linked
 *   list with increasing keys, so "the first" is the smallest key met.
 * Each walk-up visits only the unemitted region above one merge, so typical
 * histories cost O(revisions + edges). */
#include <stdlib.h>
#include <string.h>

#include "migtree/order.h"

struct slot {
	uint32_t node;
	uint64_t key;
	struct slot *prev, *next;
};

struct sorter {
	const struct graph *g;
	const bool *todo;
	bool *done;          /* emitted */
	uint32_t *pending;   /* children in todo not yet emitted (norm_down edges) */
	struct slot **slot_of;
	struct slot *first, *last;
	uint64_t next_key;
	uint32_t *seen, stamp;
	struct u32vec stack;
	struct u32vec *out;
	struct u32vec *rev;  /* reverse norm_down edges: rev[v] = nodes x with v in x.norm_down */
};

static bool in_todo(const struct sorter *s, uint32_t v)
{
	return s->todo[v] && !s->done[v];
}

static struct slot *append_slot(struct sorter *s, uint32_t node)
{
	struct slot *sl = xcalloc(1, sizeof(*sl));

	sl->node = node;
	sl->key = s->next_key++;
	sl->prev = s->last;
	if (s->last)
		s->last->next = sl;
	else
		s->first = sl;
	s->last = sl;
	s->slot_of[node] = sl;
	return sl;
}

static struct slot *remove_slot(struct sorter *s, struct slot *sl)
{
	struct slot *to = sl->prev ? sl->prev : sl->next;

	if (sl->prev)
		sl->prev->next = sl->next;
	else
		s->first = sl->next;
	if (sl->next)
		sl->next->prev = sl->prev;
	else
		s->last = sl->prev;
	free(sl);
	return to;
}

/* The first head (smallest key) other than FROM whose ancestors include C. */
static struct slot *first_head_above(struct sorter *s, uint32_t c, struct slot *from)
{
	struct slot *best = NULL;

	s->stamp++;
	s->stack.n = 0;
	u32_push(&s->stack, c);
	s->seen[c] = s->stamp;
	while (s->stack.n) {
		uint32_t v = s->stack.v[--s->stack.n];
		const struct u32vec *up = &s->rev[v];

		if (s->slot_of[v] && s->slot_of[v] != from &&
		    (!best || s->slot_of[v]->key < best->key))
			best = s->slot_of[v];
		for (uint32_t k = 0; k < up->n; k++) {
			uint32_t x = up->v[k];

			if (s->seen[x] != s->stamp && in_todo(s, x)) {
				s->seen[x] = s->stamp;
				u32_push(&s->stack, x);
			}
		}
	}
	return best;
}

/* Emit the candidate of CUR and move CUR as Alembic does; returns the new CUR. */
static struct slot *emit(struct sorter *s, struct slot *cur)
{
	const struct node *nd = &s->g->nodes[cur->node];
	uint32_t c = cur->node;
	bool replaced = false;

	u32_push(s->out, c);
	s->done[c] = true;
	s->slot_of[c] = NULL;
	for (uint32_t k = 0; k < nd->norm_down.n; k++)
		s->pending[nd->norm_down.v[k]]--;
	for (uint32_t k = 0; k < nd->norm_down.n; k++) {
		uint32_t p = nd->norm_down.v[k];

		if (!in_todo(s, p) || s->slot_of[p])
			continue;
		if (!replaced) {
			cur->node = p;
			s->slot_of[p] = cur;
			replaced = true;
		} else {
			append_slot(s, p);
		}
	}
	return replaced ? cur : remove_slot(s, cur);
}

static int cmp_order(const void *a, const void *b, void *ctx)
{
	const struct graph *g = ctx;
	uint32_t x = g->nodes[*(const uint32_t *)a].order, y = g->nodes[*(const uint32_t *)b].order;

	return x < y ? -1 : x > y;
}

static void sorter_init(struct sorter *s, const struct graph *g, const bool *todo,
			struct u32vec *out)
{
	memset(s, 0, sizeof(*s));
	s->g = g;
	s->todo = todo;
	s->out = out;
	s->done = xcalloc(g->n, sizeof(bool));
	s->pending = xcalloc(g->n, sizeof(uint32_t));
	s->slot_of = xcalloc(g->n, sizeof(struct slot *));
	s->seen = xcalloc(g->n, sizeof(uint32_t));
	s->rev = xcalloc(g->n, sizeof(struct u32vec));
	for (uint32_t x = 0; x < g->n; x++) {
		const struct node *nd = &g->nodes[x];

		if (!todo[x])
			continue;
		for (uint32_t k = 0; k < nd->norm_down.n; k++) {
			s->pending[nd->norm_down.v[k]]++;
			u32_push(&s->rev[nd->norm_down.v[k]], x);
		}
	}
}

static void sorter_free(struct sorter *s)
{
	while (s->first)
		remove_slot(s, s->first);
	for (uint32_t i = 0; i < s->g->n; i++)
		free(s->rev[i].v);
	free(s->rev);
	free(s->done);
	free(s->pending);
	free(s->slot_of);
	free(s->seen);
	free(s->stack.v);
}

void history_order(const struct graph *g, const bool *todo, const struct u32vec *heads,
		   struct u32vec *out)
{
	struct sorter s;
	struct slot *cur;
	uint32_t *sorted = xmalloc((heads->n ? heads->n : 1) * sizeof(uint32_t));
	uint32_t n = 0;

	sorter_init(&s, g, todo, out);
	for (uint32_t i = 0; i < heads->n; i++)
		if (todo[heads->v[i]])
			sorted[n++] = heads->v[i];
	sort_array_r(sorted, n, sizeof(uint32_t), cmp_order, (void *)g);
	for (uint32_t i = 0; i < n; i++)
		if (i == 0 || sorted[i] != sorted[i - 1]) /* heads are a set in Alembic */
			append_slot(&s, sorted[i]);
	free(sorted);
	cur = s.first;
	while (cur) {
		if (s.pending[cur->node] > 0) {
			struct slot *to = first_head_above(&s, cur->node, cur);

			if (!to)
				break; /* only a cycle can block with no head above */
			cur = to;
			continue;
		}
		cur = emit(&s, cur);
		if (!cur)
			cur = s.first;
	}
	sorter_free(&s);
}

void history_order_all(const struct graph *g, struct u32vec *out)
{
	bool *todo = xmalloc((g->n ? g->n : 1) * sizeof(bool));
	struct u32vec heads = { 0 };

	for (uint32_t i = 0; i < g->n; i++)
		todo[i] = !g->nodes[i].in_cycle;
	/* Alembic walks from the real heads; with phantoms a head may only be a head
	 * through a missing node, which has no children of its own: phantoms are never
	 * heads, so the real heads are enough. */
	for (uint32_t i = 0; i < g->real_heads.n; i++)
		u32_push(&heads, g->real_heads.v[i]);
	history_order(g, todo, &heads, out);
	free(heads.v);
	free(todo);
}
