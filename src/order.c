/* order.c - Alembic's _topological_sort, with the same output, in near-linear time.
 *
 * Alembic keeps a list of current heads with each head's full ancestor set. At each
 * step the candidate (the current head) is emitted unless it is in the ancestor set
 * of another current head; then the walk switches to the first such head in list
 * order. An emitted candidate is replaced in place by its first parent still to do
 * and not already a head; further parents are appended; with none, the head is
 * removed and the walk moves to the previous head in the list (or the first).
 *
 * Three facts let us drop the ancestor sets:
 * - the revisions not yet emitted are exactly the ancestors of the current heads,
 *   so "the candidate is an ancestor of another head" is "the candidate has a child
 *   not yet emitted": a counter per node (pending) answers it in O(1);
 * - when it is blocked, the heads that reach it are found by walking up from it
 *   through unemitted children only; the list order of heads is kept as a linked
 *   list with increasing keys, so "the first" is the smallest key met;
 * - the walk-up goes chain by chain, not node by node. A chain is a maximal line
 *   where each node has one child and that child one parent. Inside a chain nodes
 *   are emitted top-down, so its unemitted part is a bottom run, and a head can
 *   only be that run's top: one look per chain tells all. Only the chain's last
 *   node leads to other chains.
 * A walk-up then costs the number of unemitted chains above the candidate. That
 * alone is quadratic when one node stays blocked under a large unemitted history
 * and is asked about after every finished branch (a slot a merge left low: 6x the
 * time for 3x the revisions on the benchmark's histories), so a long walk-up is
 * kept as a snapshot of the chains above (struct snapshot): the next question
 * about the same node costs the heads it passes over. */
#include <stdlib.h>
#include <string.h>

#include "migtree/order.h"

/* A walk-up that visited at least this many chains is kept as a snapshot. */
#define SNAP_MIN_CHAINS 32
/* At most this many snapshots at once (each is one bit per chain). */
#define SNAP_MAX 64

/* The chains above a blocked node C at one walk-up: U(C), the unemitted part of
 * the history above C, only shrinks (nodes are emitted, edges never change), and
 * a head never enters it from outside (heads move down, to parents), so a head
 * in a chain of the snapshot is above C now. The first head above C is the head
 * of smallest key in U(C), and that key never decreases (a new head gets a key
 * larger than all others), so heads of smaller key than the last answer need no
 * look: CURSOR is where the next look starts. A node blocked again and again with
 * a large history above it (a slot left low by a merge, waiting for the rest) is
 * then asked about in the number of heads passed over, not the chains above. */
struct snapshot {
	uint32_t node;   /* C; NO_NODE for a free entry */
	uint32_t cursor; /* key of the last answer */
	uint64_t *bits;  /* per chain: in U(C) then */
};

/* The heads, Alembic's current_heads, are slots. A slot's key is its place in
 * that list (list order is key order: new slots are appended) and its index in
 * the slot arrays; a node is a head at most once (it stops being one only when
 * it is emitted), so there are at most g->n keys. */
struct sorter {
	const struct graph *g;
	const bool *todo;
	bool *done;          /* emitted */
	uint32_t *pending;   /* children in todo not yet emitted (norm_down edges) */
	uint32_t *slot_of;   /* node -> key of its slot, NO_NODE if it is no head */
	uint32_t *slot_node; /* key -> node, NO_NODE once removed */
	uint32_t *slot_prev, *slot_next; /* the list, by key */
	uint32_t first, last, next_key;
	uint32_t *seen, stamp;    /* per chain: visited by the current walk-up */
	struct u32vec stack, visited;
	uint32_t *chain_of;       /* node -> chain */
	uint32_t *chain_pos;      /* node -> index in its chain, 0 at the bottom */
	uint32_t *chain_start;    /* chain -> offset of its first node in chain_nodes */
	uint32_t *chain_len;
	int64_t *chain_top;       /* chain -> index of its highest unemitted node, -1 if none */
	uint32_t *chain_nodes;
	uint8_t *extends;         /* node -> extends_parent(): 0 no, 1 yes, 2 not known yet */
	uint32_t n_chains;
	struct snapshot snaps[SNAP_MAX];
	uint32_t next_snap;       /* the entry replaced next when all are used */
	uint64_t work;            /* chains visited, keys looked at, nodes emitted */
	struct u32vec *out;
	/* reverse norm_down edges, flat: the x with v in x.norm_down are
	 * rev_nodes[rev_start[v] .. rev_start[v + 1]) */
	uint32_t *rev_start, *rev_nodes;
};

static bool in_todo(const struct sorter *s, uint32_t v)
{
	return s->todo[v] && !s->done[v];
}

static uint32_t append_slot(struct sorter *s, uint32_t node)
{
	uint32_t k = s->next_key++;

	s->slot_node[k] = node;
	s->slot_prev[k] = s->last;
	s->slot_next[k] = NO_NODE;
	if (s->last != NO_NODE)
		s->slot_next[s->last] = k;
	else
		s->first = k;
	s->last = k;
	s->slot_of[node] = k;
	return k;
}

/* Unlink slot K; returns where Alembic moves: the previous head, or the next. */
static uint32_t remove_slot(struct sorter *s, uint32_t k)
{
	uint32_t prev = s->slot_prev[k], next = s->slot_next[k];

	if (prev != NO_NODE)
		s->slot_next[prev] = next;
	else
		s->first = next;
	if (next != NO_NODE)
		s->slot_prev[next] = prev;
	else
		s->last = prev;
	s->slot_node[k] = NO_NODE;
	return prev != NO_NODE ? prev : next;
}

static struct snapshot *snapshot_of(struct sorter *s, uint32_t c)
{
	for (uint32_t i = 0; i < SNAP_MAX; i++)
		if (s->snaps[i].node == c && s->snaps[i].bits)
			return &s->snaps[i];
	return NULL;
}

/* Keep the chains the walk-up from C just visited (s->visited) as U(C). */
static void snapshot_take(struct sorter *s, uint32_t c, uint32_t answer)
{
	struct snapshot *sn = &s->snaps[s->next_snap];
	size_t words = ((size_t)s->n_chains + 63) / 64;

	s->next_snap = (s->next_snap + 1) % SNAP_MAX;
	if (!sn->bits)
		sn->bits = xmalloc(words * sizeof(uint64_t));
	memset(sn->bits, 0, words * sizeof(uint64_t));
	for (uint32_t i = 0; i < s->visited.n; i++)
		sn->bits[s->visited.v[i] / 64] |= (uint64_t)1 << (s->visited.v[i] % 64);
	/* C's own chain holds nothing above C: its run ends at C (C is a head) */
	sn->bits[s->chain_of[c] / 64] &= ~((uint64_t)1 << (s->chain_of[c] % 64));
	sn->node = c;
	sn->cursor = answer;
	s->work += words;
}

/* The first head (smallest key) other than FROM above C, from its snapshot. */
static uint32_t snapshot_answer(struct sorter *s, struct snapshot *sn, uint32_t from)
{
	for (uint32_t k = sn->cursor; k < s->next_key; k++) {
		uint32_t ch;

		s->work++;
		if (k == from || s->slot_node[k] == NO_NODE)
			continue;
		ch = s->chain_of[s->slot_node[k]];
		if (sn->bits[ch / 64] >> (ch % 64) & 1) {
			sn->cursor = k;
			return k;
		}
	}
	sn->cursor = s->next_key;
	return NO_NODE;
}

/* The first head (smallest key) other than FROM whose ancestors include C. */
static uint32_t first_head_above(struct sorter *s, uint32_t c, uint32_t from)
{
	struct snapshot *sn = snapshot_of(s, c);
	uint32_t best = NO_NODE;

	if (sn)
		return snapshot_answer(s, sn, from);
	s->stamp++;
	s->stack.n = 0;
	s->visited.n = 0;
	u32_push(&s->stack, s->chain_of[c]);
	while (s->stack.n) {
		uint32_t ch = s->stack.v[--s->stack.n], top_node, k;

		if (s->seen[ch] == s->stamp || s->chain_top[ch] < 0)
			continue;
		s->seen[ch] = s->stamp;
		u32_push(&s->visited, ch);
		s->work++;
		top_node = s->chain_nodes[s->chain_start[ch] + (uint32_t)s->chain_top[ch]];
		k = s->slot_of[top_node];
		if (k != NO_NODE && k != from && k < best)
			best = k;
		if ((uint32_t)s->chain_top[ch] + 1 != s->chain_len[ch])
			continue; /* the node above the run is emitted: nothing more this way */
		for (uint32_t e = s->rev_start[top_node]; e < s->rev_start[top_node + 1]; e++) {
			uint32_t x = s->rev_nodes[e];

			if (in_todo(s, x) && s->seen[s->chain_of[x]] != s->stamp)
				u32_push(&s->stack, s->chain_of[x]);
		}
	}
	if (best != NO_NODE && s->visited.n >= SNAP_MIN_CHAINS)
		snapshot_take(s, c, best);
	return best;
}

/* Emit the candidate of slot CUR and move CUR as Alembic does; returns the new
 * CUR (NO_NODE when no head is left). */
static uint32_t emit(struct sorter *s, uint32_t cur)
{
	uint32_t c = s->slot_node[cur];
	const struct node *nd = &s->g->nodes[c];
	bool replaced = false;

	u32_push(s->out, c);
	s->work++;
	s->done[c] = true;
	s->chain_top[s->chain_of[c]] = (int64_t)s->chain_pos[c] - 1;
	s->slot_of[c] = NO_NODE;
	for (uint32_t k = 0; k < nd->norm_down.n; k++)
		s->pending[nd->norm_down.v[k]]--;
	for (uint32_t k = 0; k < nd->norm_down.n; k++) {
		uint32_t p = nd->norm_down.v[k];

		if (!in_todo(s, p) || s->slot_of[p] != NO_NODE)
			continue;
		if (!replaced) {
			s->slot_node[cur] = p;
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
	s->slot_of = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	for (uint32_t v = 0; v < g->n; v++)
		s->slot_of[v] = NO_NODE;
	s->slot_node = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	s->slot_prev = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	s->slot_next = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	s->first = s->last = NO_NODE;
	for (uint32_t i = 0; i < SNAP_MAX; i++)
		s->snaps[i].node = NO_NODE;
	s->rev_start = xcalloc((size_t)g->n + 1, sizeof(uint32_t));
	for (uint32_t x = 0; x < g->n; x++) /* count, then fill: one array for all */
		for (uint32_t k = 0; todo[x] && k < g->nodes[x].norm_down.n; k++)
			s->rev_start[g->nodes[x].norm_down.v[k] + 1]++;
	for (uint32_t v = 0; v < g->n; v++)
		s->rev_start[v + 1] += s->rev_start[v];
	s->rev_nodes = xmalloc(((size_t)s->rev_start[g->n] + 1) * sizeof(uint32_t));
	{
		uint32_t *fill = xmalloc(((size_t)g->n + 1) * sizeof(uint32_t));

		memcpy(fill, s->rev_start, ((size_t)g->n + 1) * sizeof(uint32_t));
		for (uint32_t x = 0; x < g->n; x++) {
			const struct node *nd = &g->nodes[x];

			for (uint32_t k = 0; todo[x] && k < nd->norm_down.n; k++) {
				s->pending[nd->norm_down.v[k]]++;
				s->rev_nodes[fill[nd->norm_down.v[k]]++] = x;
			}
		}
		free(fill);
	}
}

static uint32_t rev_count(const struct sorter *s, uint32_t v)
{
	return s->rev_start[v + 1] - s->rev_start[v];
}

/* Number of V's down revisions that are to be ordered. */
static uint32_t todo_parents(const struct sorter *s, uint32_t v)
{
	const struct node *nd = &s->g->nodes[v];
	uint32_t n = 0;

	for (uint32_t k = 0; k < nd->norm_down.n; k++)
		n += s->todo[nd->norm_down.v[k]];
	return n;
}

/* Does V continue the chain of its one parent (a parent with one child)? Known
 * once per node: a merge of 200,000 parents is asked about by each of them. */
static bool extends_parent(const struct sorter *s, uint32_t v)
{
	const struct node *nd = &s->g->nodes[v];
	bool yes = false;

	if (s->extends[v] != 2)
		return s->extends[v];
	if (todo_parents(s, v) == 1)
		for (uint32_t k = 0; k < nd->norm_down.n; k++)
			if (s->todo[nd->norm_down.v[k]]) {
				yes = rev_count(s, nd->norm_down.v[k]) == 1;
				break;
			}
	s->extends[v] = yes;
	return yes;
}

static void start_chain(struct sorter *s, uint32_t bottom, uint32_t *used)
{
	uint32_t ch = s->n_chains++, v = bottom, len = 0;

	s->chain_start[ch] = *used;
	for (;;) {
		s->chain_of[v] = ch;
		s->chain_pos[v] = len++;
		s->chain_nodes[(*used)++] = v;
		if (rev_count(s, v) != 1 || !extends_parent(s, s->rev_nodes[s->rev_start[v]]) ||
		    s->chain_of[s->rev_nodes[s->rev_start[v]]] != NO_NODE)
			break;
		v = s->rev_nodes[s->rev_start[v]];
	}
	s->chain_len[ch] = len;
	s->chain_top[ch] = (int64_t)len - 1;
}

static void build_chains(struct sorter *s)
{
	uint32_t n = s->g->n, used = 0;

	s->chain_of = xmalloc((n ? n : 1) * sizeof(uint32_t));
	s->chain_pos = xcalloc(n ? n : 1, sizeof(uint32_t));
	s->chain_start = xmalloc((n ? n : 1) * sizeof(uint32_t));
	s->chain_len = xmalloc((n ? n : 1) * sizeof(uint32_t));
	s->chain_top = xmalloc((n ? n : 1) * sizeof(int64_t));
	s->chain_nodes = xmalloc((n ? n : 1) * sizeof(uint32_t));
	s->extends = xmalloc(n ? n : 1);
	memset(s->extends, 2, n ? n : 1);
	for (uint32_t v = 0; v < n; v++)
		s->chain_of[v] = NO_NODE;
	for (uint32_t v = 0; v < n; v++)
		if (s->todo[v] && !extends_parent(s, v))
			start_chain(s, v, &used);
	for (uint32_t v = 0; v < n; v++) /* what only a cycle reaches: one chain each */
		if (s->todo[v] && s->chain_of[v] == NO_NODE)
			start_chain(s, v, &used);
	s->seen = xcalloc(s->n_chains ? s->n_chains : 1, sizeof(uint32_t));
}

static void sorter_free(struct sorter *s)
{
	for (uint32_t i = 0; i < SNAP_MAX; i++)
		free(s->snaps[i].bits);
	free(s->slot_node);
	free(s->slot_prev);
	free(s->slot_next);
	free(s->visited.v);
	free(s->rev_start);
	free(s->rev_nodes);
	free(s->done);
	free(s->pending);
	free(s->slot_of);
	free(s->seen);
	free(s->stack.v);
	free(s->chain_of);
	free(s->chain_pos);
	free(s->chain_start);
	free(s->chain_len);
	free(s->chain_top);
	free(s->chain_nodes);
	free(s->extends);
}

void history_order(const struct graph *g, const bool *todo, const struct u32vec *heads,
		   struct u32vec *out)
{
	struct sorter s;
	uint32_t *sorted = xmalloc((heads->n ? heads->n : 1) * sizeof(uint32_t));
	uint32_t n = 0, cur;

	sorter_init(&s, g, todo, out);
	build_chains(&s);
	for (uint32_t i = 0; i < heads->n; i++)
		if (todo[heads->v[i]])
			sorted[n++] = heads->v[i];
	sort_array_r(sorted, n, sizeof(uint32_t), cmp_order, (void *)g);
	for (uint32_t i = 0; i < n; i++)
		if (i == 0 || sorted[i] != sorted[i - 1]) /* heads are a set in Alembic */
			append_slot(&s, sorted[i]);
	free(sorted);
	cur = s.first;
	while (cur != NO_NODE) {
		if (s.pending[s.slot_node[cur]] > 0) {
			uint32_t to = first_head_above(&s, s.slot_node[cur], cur);

			if (to == NO_NODE)
				break; /* only a cycle can block with no head above */
			cur = to;
			continue;
		}
		cur = emit(&s, cur);
		if (cur == NO_NODE)
			cur = s.first;
	}
	/* the walk's cost, for tests that bound it (the graph's own bookkeeping) */
	((struct graph *)g)->work.order += s.work;
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

/* ---- ranges: Alembic's own algorithm, literally ----------------------------
 * For `history -r` the revisions to order are not closed under ancestry through
 * depends_on, so "has a child still to emit" is no longer "is an ancestor of
 * another head". Ranges are small in practice; this follows _topological_sort
 * step by step with explicit ancestor sets. */

static bool *ancestors_of(const struct graph *g, uint32_t v)
{
	bool *set = xcalloc(g->n ? g->n : 1, sizeof(bool));
	struct u32vec st = { 0 };

	u32_push(&st, v);
	while (st.n) {
		uint32_t x = st.v[--st.n];

		if (set[x])
			continue;
		set[x] = true;
		for (uint32_t k = 0; k < g->nodes[x].norm_down.n; k++)
			u32_push(&st, g->nodes[x].norm_down.v[k]);
	}
	free(st.v);
	return set;
}

struct literal {
	uint32_t *head;
	bool **anc;
	uint32_t n, cap;
};

static void literal_insert(struct literal *L, uint32_t at, uint32_t v, bool *anc)
{
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 8;
		L->head = xrealloc(L->head, L->cap * sizeof(*L->head));
		L->anc = xrealloc(L->anc, L->cap * sizeof(*L->anc));
	}
	memmove(L->head + at + 1, L->head + at, (L->n - at) * sizeof(*L->head));
	memmove(L->anc + at + 1, L->anc + at, (L->n - at) * sizeof(*L->anc));
	L->head[at] = v;
	L->anc[at] = anc;
	L->n++;
}

static bool literal_has(const struct literal *L, uint32_t v)
{
	for (uint32_t i = 0; i < L->n; i++)
		if (L->head[i] == v)
			return true;
	return false;
}

void history_order_literal(const struct graph *g, const bool *todo_in, const struct u32vec *heads,
			   struct u32vec *out)
{
	bool *todo = xmalloc((g->n ? g->n : 1) * sizeof(bool));
	uint32_t *sorted = xmalloc((heads->n ? heads->n : 1) * sizeof(uint32_t)), n = 0, idx = 0;
	uint32_t switches = 0; /* head switches in a row without an emit */
	struct literal L = { 0 };

	memcpy(todo, todo_in, g->n * sizeof(bool));
	for (uint32_t i = 0; i < heads->n; i++)
		if (todo[heads->v[i]])
			sorted[n++] = heads->v[i];
	sort_array_r(sorted, n, sizeof(uint32_t), cmp_order, (void *)g);
	for (uint32_t i = 0; i < n; i++)
		if (i == 0 || sorted[i] != sorted[i - 1])
			literal_insert(&L, L.n, sorted[i], ancestors_of(g, sorted[i]));
	free(sorted);
	while (L.n) {
		uint32_t c = L.head[idx], j, k, first_add = NO_NODE, added = 0;
		const struct node *nd = &g->nodes[c];

		for (j = 0; j < L.n; j++)
			if (j != idx && L.anc[j][c])
				break;
		if (j < L.n) {
			/* another head needs it: walk that one first; more switches than
			 * heads means each waits for the next, i.e. a cycle (callers leave
			 * cycles out; this keeps a missed one from looping forever) */
			if (++switches > L.n)
				break;
			idx = j;
			continue;
		}
		switches = 0;
		if (todo[c]) {
			u32_push(out, c);
			todo[c] = false;
		}
		for (k = 0; k < nd->norm_down.n; k++) {
			uint32_t r = nd->norm_down.v[k];

			if (!todo[r] || literal_has(&L, r))
				continue;
			if (first_add == NO_NODE) {
				first_add = r;
			} else {
				literal_insert(&L, L.n, r, ancestors_of(g, r));
				added++;
			}
		}
		if (first_add == NO_NODE) {
			free(L.anc[idx]);
			memmove(L.head + idx, L.head + idx + 1, (L.n - idx - 1) * sizeof(*L.head));
			memmove(L.anc + idx, L.anc + idx + 1, (L.n - idx - 1) * sizeof(*L.anc));
			L.n--;
			idx = idx ? idx - 1 : 0;
		} else if (!nd->norm_deps.n && nd->down.n == 1 && !added) {
			L.head[idx] = first_add;
			L.anc[idx][c] = false;
		} else {
			L.head[idx] = first_add;
			free(L.anc[idx]);
			L.anc[idx] = ancestors_of(g, first_add);
		}
	}
	free(L.head);
	free(L.anc);
	free(todo);
}
