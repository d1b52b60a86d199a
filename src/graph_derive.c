/* graph_derive.c - what graph_build derives once the edges exist: cycles,
 * normalized dependencies, inherited branch labels and connected components.
 * Kept apart from graph.c so each file holds one stage of RevisionMap. */
#include <stdlib.h>
#include <string.h>

#include "migtree/graph.h"

void graph_find_cycles(struct graph *g);
void graph_normalize_deps(struct graph *g);
void graph_inherit_labels(struct graph *g);
void graph_inherit_labels_fresh(struct graph *g, bool none);
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

	if (t->stack[t->sp - 1] == root) { /* one revision alone: no cycle, nothing copied */
		t->sp--;
		t->on_stack[root] = false;
		g->nodes[root].in_cycle = false;
		return;
	}
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

/* Kahn's order over the edges START/TO (node i's are TO[START[i] ..
 * START[i + 1])): does it take every node? */
static bool kahn_takes_all(uint32_t n, const uint32_t *start, const uint32_t *to)
{
	uint32_t *left = xcalloc(n ? n : 1, sizeof(uint32_t)), taken = 0;
	struct u32vec ready = { 0 };

	for (uint32_t e = 0; e < start[n]; e++)
		left[to[e]]++; /* children (and dependants) not taken yet */
	for (uint32_t i = 0; i < n; i++)
		if (!left[i])
			u32_push(&ready, i);
	while (ready.n) {
		uint32_t x = ready.v[--ready.n];

		taken++;
		for (uint32_t e = start[x]; e < start[x + 1]; e++)
			if (!--left[to[e]])
				u32_push(&ready, to[e]);
	}
	free(left);
	free(ready.v);
	return taken == n;
}

/* Has the history no cycle? Every node is taken, children before parents,
 * once all its children are (Kahn's order), over the edges flat: the graph's
 * own (graph_flatten) when they are all down_revision's, else a copy made in
 * one pass over the nodes in their own order. Tarjan's walk below reads the
 * nodes depth first, at random in memory: 66 ms at 100,000 revisions where
 * this costs a few, and a history nearly always has no cycle. */
static bool acyclic(const struct graph *g)
{
	uint32_t n = g->n, *start;
	struct u32vec edges = { 0 };
	bool all;

	if (!g->any_deps && g->down_at)
		return kahn_takes_all(n, g->down_at, g->down_flat);
	start = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++) {
		start[i] = edges.n;
		for (uint32_t e = 0, to; (to = out_edge(&g->nodes[i], e)) != NO_NODE; e++)
			u32_push(&edges, to);
	}
	start[n] = edges.n;
	all = kahn_takes_all(n, start, edges.v);
	free(start);
	free(edges.v);
	return all;
}

void graph_find_cycles(struct graph *g)
{
	struct tarjan t = { 0 };
	uint32_t n = g->n;

	if (acyclic(g))
		return; /* no revision in a cycle: nothing to mark or report */

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
	bool *done = NULL, *drop = NULL, any = false;
	uint32_t *seen = NULL, stamp = 0, max_deps = 1;

	g->any_deps = false;
	for (uint32_t i = 0; i < g->n; i++) {
		if (g->nodes[i].deps.n > max_deps)
			max_deps = g->nodes[i].deps.n;
		g->any_deps = g->any_deps || g->nodes[i].deps.n;
	}
	/* nearly every history has no depends_on: then only norm_down is made,
	 * no slot, set or mark a node (two more passes over the nodes) */
	if (g->any_deps && (any = norm_slots(g, &nm))) {
		done = xcalloc(g->n ? g->n : 1, sizeof(bool));
		nm.below = xcalloc(g->n ? g->n : 1, sizeof(*nm.below));
		nm.out = xcalloc(g->n ? g->n : 1, sizeof(*nm.out));
		if (norm_pass(g, &nm, done) < g->n)
			seen = xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	}
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

/* ---- inherited branch labels ------------------------------------------------
 *
 * Alembic's _add_branches: a label covers every descendant of its revision and,
 * when those descendants form one line, runs on down through the ancestors until a
 * branch point (counting dependants) or a merge point. Copying labels into every
 * descendant is quadratic (a label every 20th revision: every revision holds
 * hundreds), so sets are values, hash-consed so equal ones are one. One pass in
 * topological order over down_revision, no walk per label:
 *   below(v) = own(v) U below(p) for each parent p       (the descendant rule)
 * and one children first for the line rule: a revision whose descendants are one
 * line without a stop holds what the line's head holds, below(head).
 * A revision with one parent gets its parent's set plus its own labels (base,
 * r), not a copy: below() of a labelled line of n revisions is n small sets, not
 * n sets of up to n labels (n^2 / 2). A set is made flat (base 0, r all of it)
 * only where one is needed whole: a merge's parents, and a set many nodes hold
 * (label_holdings). A node holds its set as made otherwise, a chain its readers
 * read through graph_labels (sorted, a node at a time) or set by set
 * (graph_label_set_matches): a labelled line forking at its top holds n
 * different sets, and flat they were n^2 / 2 labels. Work and memory are
 * O(n + flat sets x labels). A history with a cycle keeps the walk per label
 * (struct label_walk), which is exact on it. */
struct lset {
	uint32_t n, hash;       /* n: the labels in all, base's and r */
	uint32_t base;          /* the set r adds to; 0 when r is all (a flat set) */
	uint32_t n_r;
	uint32_t *r;            /* ranks, ascending, none of them in base */
	uint32_t flat;          /* the same set made flat (lset_flat), 0 until then */
};

struct label_store {
	const char **by_rank;   /* distinct label names, strcmp order */
	bool *repeated;         /* rank -> named more than once in the files */
	uint32_t n_ranks;
	struct lset *sets;      /* 0 is the empty set; a set's base is numbered below it */
	uint32_t n_sets;
	size_t cap_sets;
	uint32_t *table, table_cap;        /* (base, r) hash -> set index + 1 */
	uint64_t *memo_key;                /* (a << 32 | b) + 1, 0 empty */
	uint32_t *memo_val, memo_cap, memo_n;
};

static uint32_t hash_ranks(uint32_t base, const uint32_t *r, uint32_t n)
{
	uint32_t h = (2166136261u ^ base) * 16777619u;

	for (uint32_t k = 0; k < n; k++)
		h = (h ^ r[k]) * 16777619u;
	return h;
}

static void table_place(struct label_store *st, uint32_t set)
{
	uint32_t at = st->sets[set].hash & (st->table_cap - 1);

	while (st->table[at])
		at = (at + 1) & (st->table_cap - 1);
	st->table[at] = set + 1;
}

/* The set holding BASE's labels and R[0..N) (ascending, none in BASE), made
 * once. Takes R. */
static uint32_t lset_intern(struct label_store *st, uint32_t base, uint32_t *r, uint32_t n)
{
	uint32_t h = hash_ranks(base, r, n), at;

	if (n == 0) {
		free(r);
		return base;
	}
	if ((st->n_sets + 1) * 2 > st->table_cap) {
		free(st->table);
		st->table_cap = st->table_cap ? st->table_cap * 2 : 64;
		st->table = xcalloc(st->table_cap, sizeof(uint32_t));
		for (uint32_t k = 1; k < st->n_sets; k++)
			table_place(st, k);
	}
	for (at = h & (st->table_cap - 1); st->table[at]; at = (at + 1) & (st->table_cap - 1)) {
		const struct lset *o = &st->sets[st->table[at] - 1];

		if (o->hash == h && o->base == base && o->n_r == n && !memcmp(o->r, r, n * sizeof(uint32_t))) {
			free(r);
			return st->table[at] - 1;
		}
	}
	GROW(st->sets, st->cap_sets, st->n_sets + 1);
	st->sets[st->n_sets] = (struct lset){ st->sets[base].n + n, h, base, n, r, 0 };
	st->table[at] = st->n_sets + 1;
	return st->n_sets++;
}

/* The union of flat sets A and B, flat. */
static uint32_t lset_union(struct graph *g, struct label_store *st, uint32_t a, uint32_t b)
{
	uint64_t key;
	uint32_t at, *r, n = 0, i = 0, k = 0, res;
	const struct lset *x, *y;

	if (a == b || b == 0)
		return a;
	if (a == 0)
		return b;
	key = ((uint64_t)(a < b ? a : b) << 32 | (a < b ? b : a)) + 1;
	if ((st->memo_n + 1) * 2 > st->memo_cap) { /* memo full: start again, larger */
		free(st->memo_key);
		free(st->memo_val);
		st->memo_cap = st->memo_cap ? st->memo_cap * 2 : 256;
		st->memo_key = xcalloc(st->memo_cap, sizeof(uint64_t));
		st->memo_val = xmalloc(st->memo_cap * sizeof(uint32_t));
		st->memo_n = 0;
	}
	for (at = (uint32_t)(key * 0x9e3779b97f4a7c15ull >> 32) & (st->memo_cap - 1); st->memo_key[at];
	     at = (at + 1) & (st->memo_cap - 1))
		if (st->memo_key[at] == key)
			return st->memo_val[at];
	x = &st->sets[a];
	y = &st->sets[b];
	r = xmalloc((x->n + y->n) * sizeof(uint32_t));
	while (i < x->n || k < y->n) {
		if (k == y->n || (i < x->n && x->r[i] < y->r[k]))
			r[n++] = x->r[i++];
		else if (i == x->n || y->r[k] < x->r[i])
			r[n++] = y->r[k++];
		else
			r[n++] = x->r[i++], k++;
	}
	g->work.labels += n;
	res = n == x->n ? (free(r), a) : n == y->n ? (free(r), b) : lset_intern(st, 0, r, n);
	st->memo_key[at] = key;
	st->memo_val[at] = res;
	st->memo_n++;
	return res;
}

static int cmp_label(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* R[0 .. N) and F[0 .. FN) (both ascending, none in both) into R, which has
 * room for both: from the back, so R's own are read before they are written over. */
static void merge_ranks(uint32_t *r, uint32_t n, const uint32_t *f, uint32_t fn)
{
	for (uint32_t w = n + fn; fn;)
		r[--w] = n && r[n - 1] > f[fn - 1] ? r[--n] : f[--fn];
}

/* R[0 .. N), ranks below N_RANKS, ascending (TMP: room for N). A byte at a
 * time from the lowest, past a few: a node's read sorts the chain of a line
 * labelled on every revision, where compares made each read n log n. */
static void sort_ranks(uint32_t *r, uint32_t *tmp, uint32_t n, uint32_t n_ranks)
{
	if (n < 64) {
		sort_array(r, n, sizeof(uint32_t), cmp_u32);
		return;
	}
	for (uint32_t shift = 0; shift < 32 && (n_ranks - 1) >> shift; shift += 8) {
		uint32_t at[257] = { 0 };

		for (uint32_t i = 0; i < n; i++)
			at[(r[i] >> shift & 255) + 1]++;
		for (uint32_t k = 0; k < 256; k++)
			at[k + 1] += at[k];
		for (uint32_t i = 0; i < n; i++)
			tmp[at[r[i] >> shift & 255]++] = r[i];
		memcpy(r, tmp, n * sizeof(uint32_t));
	}
}

/* The r of A and of its bases down to the first set that is flat or made flat
 * already into R (room for A's labels), unsorted: how many, and that set's
 * flat form in *BELOW. Every base adds a label at least, so the walk is no
 * longer than the set. */
static uint32_t chain_gather(const struct label_store *st, uint32_t a, uint32_t *r, uint32_t *below,
			     uint64_t *steps)
{
	uint32_t n = 0, s;

	for (s = a; st->sets[s].base && !st->sets[s].flat; s = st->sets[s].base) {
		memcpy(r + n, st->sets[s].r, st->sets[s].n_r * sizeof(uint32_t));
		n += st->sets[s].n_r;
		++*steps;
	}
	*below = st->sets[s].base ? st->sets[s].flat : s;
	return n;
}

/* Set A's labels, sorted, into R (room for them; TMP as much). */
static void chain_sorted(const struct label_store *st, uint32_t a, uint32_t *r, uint32_t *tmp, uint64_t *steps)
{
	uint32_t below, n = chain_gather(st, a, r, &below, steps);

	sort_ranks(r, tmp, n, st->n_ranks);
	merge_ranks(r, n, st->sets[below].r, st->sets[below].n);
	*steps += st->sets[a].n;
}

/* Set A made flat, once. */
static uint32_t lset_flat(struct graph *g, struct label_store *st, uint32_t a)
{
	uint32_t *r, *tmp, s;

	if (!st->sets[a].base || st->sets[a].flat)
		return st->sets[a].base ? st->sets[a].flat : a;
	r = xmalloc(st->sets[a].n * sizeof(uint32_t));
	tmp = xmalloc(st->sets[a].n * sizeof(uint32_t));
	chain_sorted(st, a, r, tmp, &g->work.labels);
	free(tmp);
	s = lset_intern(st, 0, r, st->sets[a].n);
	st->sets[a].flat = s;
	return s;
}

static bool lset_has(struct graph *g, const struct label_store *st, uint32_t a, uint32_t rank)
{
	for (; a; a = st->sets[a].base) {
		const struct lset *s = &st->sets[a];
		uint32_t at = u32_lower_bound(s->r, s->n_r, rank);

		g->work.labels++;
		if (at < s->n_r && s->r[at] == rank)
			return true;
	}
	return false;
}

/* A with the labels of flat set OWN added: a set on A. A label named once in
 * the files, by OWN's revision, cannot be in A, its parent's (no cycle); one
 * named more than once is looked for down A's bases. */
static uint32_t lset_add(struct graph *g, struct label_store *st, uint32_t a, uint32_t own)
{
	uint32_t *r, n = 0;

	if (a == own || own == 0)
		return a;
	if (a == 0)
		return own;
	r = xmalloc(st->sets[own].n * sizeof(uint32_t));
	for (uint32_t k = 0; k < st->sets[own].n; k++) {
		uint32_t rank = st->sets[own].r[k];

		g->work.labels++;
		if (!st->repeated[rank] || !lset_has(g, st, a, rank))
			r[n++] = rank;
	}
	return lset_intern(st, a, r, n);
}

/* Ranks for every label named in a file, in strcmp order (pointer per name),
 * with room for the N label ids the files declare (mark_labels_unknown), and
 * which are named more than once (counted in RANK until it holds the ranks). */
static void label_ranks(struct graph *g, struct label_store *st, struct strmap *rank, size_t n)
{
	uint32_t times;

	st->by_rank = xmalloc((n ? n : 1) * sizeof(char *));
	st->repeated = xcalloc(n ? n : 1, sizeof(bool));
	for (uint32_t i = 0; n && i < g->n; i++)
		for (size_t k = 0; !g->nodes[i].phantom && k < rf_label_ids(g->nodes[i].file)->n; k++) {
			const char *name = rf_label_ids(g->nodes[i].file)->v[k];

			times = 0;
			if (!strmap_get(rank, name, &times))
				st->by_rank[st->n_ranks++] = name;
			strmap_put(rank, name, times + 1);
		}
	sort_array(st->by_rank, st->n_ranks, sizeof(char *), cmp_label);
	for (uint32_t k = 0; k < st->n_ranks; k++) {
		strmap_get(rank, st->by_rank[k], &times);
		st->repeated[k] = times > 1;
		strmap_put(rank, st->by_rank[k], k);
	}
}

/* Node V's own labels as a set. */
static uint32_t own_set(struct graph *g, struct label_store *st, const struct strmap *rank, uint32_t v)
{
	const struct strlist *own;
	uint32_t *r, n = 0;

	if (g->nodes[v].phantom || !rf_label_ids(g->nodes[v].file)->n)
		return 0;
	own = rf_label_ids(g->nodes[v].file);
	r = xmalloc(own->n * sizeof(uint32_t));
	for (size_t k = 0; k < own->n; k++)
		strmap_get(rank, own->v[k], &r[n++]);
	sort_array(r, n, sizeof(uint32_t), cmp_u32);
	for (uint32_t k = 1, w = 1; k <= n; k++) /* ('a', 'a') is one label */
		if (k == n)
			n = w;
		else if (r[k] != r[w - 1])
			r[w++] = r[k];
	return lset_intern(st, 0, r, n);
}

/* Parents first over down_revision (Kahn); false when a cycle leaves nodes out. */
static bool topo_down(const struct graph *g, uint32_t *topo)
{
	uint32_t *left = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t)), n = 0, head = 0;

	for (uint32_t i = 0; i < g->n; i++)
		if ((left[i] = g->nodes[i].down.n) == 0)
			topo[n++] = i;
	while (head < n) {
		const struct node *nd = &g->nodes[topo[head++]];

		for (uint32_t k = 0; k < nd->children.n; k++)
			if (--left[nd->children.v[k]] == 0)
				topo[n++] = nd->children.v[k];
	}
	free(left);
	return n == g->n;
}

static bool stops_line(const struct node *nd)
{
	return nd->phantom || nd->is_real_branch_point || nd->is_merge_point || nd->in_cycle;
}

/* The line rule, children first: TOP[x] the head of x's line when x's
 * descendants are one line with no stop on it from the head down to x (CLEAR),
 * else x itself. Down such a line each revision holds below(head): the labels
 * below it and those of the revisions above it up to the head. */
static void label_tops(struct graph *g, const uint32_t *topo, uint32_t *top)
{
	bool *clear = xcalloc(g->n ? g->n : 1, sizeof(bool));

	for (uint32_t t = g->n; t-- > 0;) {
		uint32_t x = topo[t];
		const struct node *nd = &g->nodes[x];
		uint32_t child = nd->children.n == 1 ? nd->children.v[0] : NO_NODE;

		g->work.labels++;
		clear[x] = !stops_line(nd) && (nd->children.n == 0 || (child != NO_NODE && clear[child]));
		top[x] = clear[x] && child != NO_NODE ? top[child] : x;
	}
	free(clear);
}

void label_store_free(struct label_store *st)
{
	if (!st)
		return;
	for (uint32_t k = 0; k < st->n_sets; k++)
		free(st->sets[k].r);
	free(st->sets);
	free(st->by_rank);
	free(st->repeated);
	free(st->table);
	free(st->memo_key);
	free(st->memo_val);
	free(st);
}

/* ---- the walk per label, for a history with a cycle ---- */

struct label_walk {
	const char ***labels;
	uint32_t *n, *cap;
};

static void add_label(struct graph *g, struct label_walk *lw, uint32_t i, const char *label)
{
	for (uint32_t k = 0; k < lw->n[i]; k++) {
		g->work.labels++;
		if (!strcmp(lw->labels[i][k], label))
			return;
	}
	if (lw->n[i] == lw->cap[i]) {
		lw->cap[i] = lw->cap[i] ? lw->cap[i] * 2 : 2;
		lw->labels[i] = xrealloc(lw->labels[i], lw->cap[i] * sizeof(char *));
	}
	lw->labels[i][lw->n[i]++] = label;
}

static void inherit_from(struct graph *g, struct label_walk *lw, uint32_t r, uint32_t *seen,
			 uint32_t stamp, struct u32vec *todo)
{
	const struct strlist *own = rf_label_ids(g->nodes[r].file);
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
			add_label(g, lw, v, own->v[k]);
		if (g->nodes[v].children.n > 1)
			chain = false;
		for (uint32_t k = 0; k < g->nodes[v].children.n; k++)
			u32_push(todo, g->nodes[v].children.v[k]);
	}
	if (!chain)
		return; /* the walk down from the last descendant stops at a branch point */
	for (uint32_t v = last;;) {
		struct node *nd = &g->nodes[v];

		if (stops_line(nd))
			break;
		for (size_t k = 0; k < own->n; k++)
			add_label(g, lw, v, own->v[k]);
		if (nd->down.n != 1)
			break;
		v = nd->down.v[0];
	}
}

/* Each node's walked labels into the store, as sets. */
static void labels_by_walk(struct graph *g, struct label_store *st, const struct strmap *rank,
			   uint32_t *set)
{
	struct label_walk lw = { xcalloc(g->n ? g->n : 1, sizeof(char **)),
				 xcalloc(g->n ? g->n : 1, sizeof(uint32_t)),
				 xcalloc(g->n ? g->n : 1, sizeof(uint32_t)) };
	uint32_t *seen = xcalloc(g->n ? g->n : 1, sizeof(uint32_t)), stamp = 0;
	struct u32vec todo = { 0 };

	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom && rf_label_ids(g->nodes[i].file)->n)
			inherit_from(g, &lw, i, seen, ++stamp, &todo);
	for (uint32_t i = 0; i < g->n; i++) {
		uint32_t *r = xmalloc((lw.n[i] ? lw.n[i] : 1) * sizeof(uint32_t));

		for (uint32_t k = 0; k < lw.n[i]; k++)
			strmap_get(rank, lw.labels[i][k], &r[k]);
		sort_array(r, lw.n[i], sizeof(uint32_t), cmp_u32);
		set[i] = lset_intern(st, 0, r, lw.n[i]);
		free(lw.labels[i]);
	}
	free(lw.labels);
	free(lw.n);
	free(lw.cap);
	free(seen);
	free(todo.v);
}

/* A label nobody could read is inherited like the others: every descendant's
 * labels are then unknown too. One walk over all such descendants. */
static void mark_labels_unknown(struct graph *g, struct u32vec *todo, size_t *n_label_ids)
{
	todo->n = 0;
	*n_label_ids = 0; /* what label_ranks needs room for: counted in the same pass */
	g->any_unknown_down = false; /* the files are read here anyway: the flag's pass */
	for (uint32_t i = 0; i < g->n; i++) {
		if (g->nodes[i].phantom)
			continue;
		*n_label_ids += rf_label_ids(g->nodes[i].file)->n;
		if (rf_n_unknown(g->nodes[i].file, RF_LABELS))
			u32_push(todo, i);
		g->any_unknown_down = g->any_unknown_down || pv_n_unknown(&g->nodes[i].file->down);
	}
	g->any_labels = g->labels.n > 0 || todo->n > 0;
	while (todo->n) {
		struct node *nd = &g->nodes[todo->v[--todo->n]];

		if (nd->labels_unknown)
			continue;
		nd->labels_unknown = true;
		for (uint32_t k = 0; k < nd->children.n; k++)
			u32_push(todo, nd->children.v[k]);
	}
}

/* Nodes holding a set flat: at least one in FLAT_HOLDERS of its labels. */
#define FLAT_HOLDERS 16

/* SET[i], what node i holds: its line's set, made flat where many nodes hold
 * it (a labelled line without a stop: one set for every revision, a row drawn
 * reads it at once), so that flat sets cost FLAT_HOLDERS labels a node at most. */
static void label_holdings(struct graph *g, struct label_store *st, const uint32_t *below, const uint32_t *top,
			   uint32_t *set)
{
	uint32_t *held = xcalloc(st->n_sets, sizeof(uint32_t));

	for (uint32_t i = 0; i < g->n; i++)
		held[below[top[i]]]++;
	for (uint32_t i = 0; i < g->n; i++) {
		uint32_t s = below[top[i]];

		set[i] = (uint64_t)held[s] * FLAT_HOLDERS >= st->sets[s].n ? lset_flat(g, st, s) : s;
	}
	free(held);
}

/* The two passes of the header comment; SET[v] gets v's labels. */
static void labels_by_passes(struct graph *g, struct label_store *st, const struct strmap *rank,
			     const uint32_t *topo, uint32_t *set)
{
	uint32_t n = g->n ? g->n : 1;
	uint32_t *below = xmalloc(n * sizeof(uint32_t)), *top = xmalloc(n * sizeof(uint32_t));

	for (uint32_t t = 0; t < g->n; t++) {
		uint32_t v = topo[t], own = own_set(g, st, rank, v);
		const struct node *nd = &g->nodes[v];

		g->work.labels++;
		if (nd->down.n == 1) {
			below[v] = lset_add(g, st, below[nd->down.v[0]], own);
			continue;
		}
		below[v] = own;
		for (uint32_t k = 0; k < nd->down.n; k++)
			below[v] = lset_union(g, st, below[v], lset_flat(g, st, below[nd->down.v[k]]));
	}
	label_tops(g, topo, top);
	label_holdings(g, st, below, top, set);
	free(below);
	free(top);
}

/* FRESH: every node's label set is still empty (graph_build's new nodes),
 * so with no label at all there is nothing to write in them. NONE: no file
 * has a label or a value only running it could tell (its caller knows). */
static void inherit_labels(struct graph *g, bool fresh, bool none)
{
	struct label_store *st = xcalloc(1, sizeof(*st));
	uint32_t n = g->n ? g->n : 1, *set, *topo;
	size_t n_label_ids = 0;
	struct strmap rank;
	struct u32vec todo = { 0 };

	strmap_init(&rank);
	if (none) {
		g->any_unknown_down = false;
		g->any_labels = g->labels.n > 0;
	} else {
		mark_labels_unknown(g, &todo, &n_label_ids);
	}
	free(todo.v);
	label_ranks(g, st, &rank, n_label_ids);
	GROW(st->sets, st->cap_sets, 1);
	st->sets[st->n_sets++] = (struct lset){ 0 }; /* the empty set */
	g->label_store = st;
	if (!st->n_ranks && fresh) { /* nearly every history: no pass writing 100,000 empty sets */
		strmap_free(&rank);
		return;
	}
	set = xcalloc(n, sizeof(uint32_t));
	if (st->n_ranks) {
		topo = xmalloc(n * sizeof(uint32_t));
		if (!g->has_cycle && topo_down(g, topo))
			labels_by_passes(g, st, &rank, topo, set);
		else
			labels_by_walk(g, st, &rank, set);
		free(topo);
	}
	for (uint32_t i = 0; i < g->n; i++) {
		g->nodes[i].label_set = set[i];
		g->nodes[i].n_labels = st->sets[set[i]].n;
	}
	strmap_free(&rank);
	free(set);
}

void graph_inherit_labels(struct graph *g)
{
	inherit_labels(g, false, false);
}

void graph_inherit_labels_fresh(struct graph *g, bool none)
{
	inherit_labels(g, true, none);
}

/* ---- reading the sets ---- */

static void label_list_room(struct label_list *l, uint32_t n)
{
	if (n <= l->cap)
		return;
	l->cap = n;
	l->v = xrealloc(l->v, n * sizeof(*l->v));
	l->rank = xrealloc(l->rank, n * sizeof(uint32_t));
	l->tmp = xrealloc(l->tmp, n * sizeof(uint32_t));
}

/* R[0 .. N) without DROP[0 .. N_DROP) (both ascending, DROP all in R). */
static void drop_ranks(uint32_t *r, uint32_t n, const uint32_t *drop, uint32_t n_drop)
{
	uint32_t w = 0;

	for (uint32_t k = 0, d = 0; k < n; k++)
		if (d < n_drop && r[k] == drop[d])
			d++;
		else
			r[w++] = r[k];
}

/* OUT's ranks made set S's. A read in history order goes down a line (or up
 * it): S is then the set the last read one adds to, or the one adding to it,
 * and its ranks are the last's without that set's own, or with S's. */
static void ranks_of(const struct label_store *st, uint32_t s, struct label_list *out)
{
	uint32_t last = out->store == st ? out->set : 0;

	if (last && st->sets[s].base == last) {
		merge_ranks(out->rank, out->n, st->sets[s].r, st->sets[s].n_r);
		out->work += st->sets[s].n;
	} else if (last && st->sets[last].base == s) {
		drop_ranks(out->rank, out->n, st->sets[last].r, st->sets[last].n_r);
		out->work += st->sets[last].n;
	} else {
		chain_sorted(st, s, out->rank, out->tmp, &out->work);
	}
}

void graph_labels(const struct graph *g, uint32_t v, struct label_list *out)
{
	const struct label_store *st = g->label_store;
	uint32_t s = g->nodes[v].label_set;

	if (!st || !s) {
		out->n = out->set = 0;
		return;
	}
	if (out->store == st && out->set == s)
		return; /* read last: as it was */
	label_list_room(out, st->sets[s].n);
	ranks_of(st, s, out);
	out->store = st;
	out->set = s;
	out->n = st->sets[s].n;
	for (uint32_t k = 0; k < out->n; k++)
		out->v[k] = st->by_rank[out->rank[k]];
}

void label_list_free(struct label_list *l)
{
	free(l->v);
	free(l->rank);
	free(l->tmp);
	*l = (struct label_list){ 0 };
}

uint32_t graph_label_sets(const struct graph *g)
{
	return g->label_store ? g->label_store->n_sets : 1;
}

uint32_t graph_label_set_below(const struct graph *g, uint32_t s)
{
	return s ? g->label_store->sets[s].base : 0;
}

uint32_t graph_label_set_own(const struct graph *g, uint32_t s)
{
	return s ? g->label_store->sets[s].n_r : 0;
}

const char *graph_label_set_name(const struct graph *g, uint32_t s, uint32_t k)
{
	return graph_label_name(g, graph_label_set_rank(g, s, k));
}

uint32_t graph_label_ranks(const struct graph *g)
{
	return g->label_store ? g->label_store->n_ranks : 0;
}

uint32_t graph_label_set_rank(const struct graph *g, uint32_t s, uint32_t k)
{
	return g->label_store->sets[s].r[k];
}

const char *graph_label_name(const struct graph *g, uint32_t rank)
{
	return g->label_store->by_rank[rank];
}

enum { LABEL_ASKED_NO = 1, LABEL_ASKED_YES = 2 };

/* Does a label set S adds to the one below it match? Each label asked once. */
static bool own_matches(const struct label_store *st, uint32_t s, struct label_match *m)
{
	for (uint32_t k = 0; k < st->sets[s].n_r; k++) {
		uint32_t rank = st->sets[s].r[k];

		if (!m->rank[rank]) {
			m->work++;
			m->rank[rank] = m->match(m->ctx, st->by_rank[rank]) ? LABEL_ASKED_YES : LABEL_ASKED_NO;
		}
		if (m->rank[rank] == LABEL_ASKED_YES)
			return true;
	}
	return false;
}

/* Down S's chain to a set answered already (or the empty set), asking each
 * set's own labels until one matches; every set passed gets the answer: a set
 * is read once, however many nodes hold it or sets are made on it. */
bool graph_label_set_matches(const struct graph *g, uint32_t s, struct label_match *m)
{
	const struct label_store *st = g->label_store;
	uint8_t answer = LABEL_ASKED_NO;
	uint32_t t;

	if (!s)
		return false;
	if (!m->set) {
		m->set = xcalloc(st->n_sets, 1);
		m->rank = xcalloc(st->n_ranks ? st->n_ranks : 1, 1);
	}
	for (t = s; t && !m->set[t]; t = st->sets[t].base) {
		m->work++;
		if (own_matches(st, t, m)) {
			answer = LABEL_ASKED_YES;
			break;
		}
	}
	if (t && answer == LABEL_ASKED_NO)
		answer = m->set[t];
	for (uint32_t u = s;; u = st->sets[u].base) {
		m->set[u] = answer;
		if (u == t || !u)
			break;
	}
	return answer == LABEL_ASKED_YES;
}

void label_match_free(struct label_match *m)
{
	free(m->set);
	free(m->rank);
	m->set = m->rank = NULL;
}

/* Through ORDER (children first) backwards, each node's parents before it:
 * its value is itself where it has no edge down, else the smallest of its
 * parents'. Read flat where the edges are down_revision's only. */
void graph_bases_below(struct graph *g, const struct u32vec *order)
{
	uint32_t *bb;

	free(g->base_below);
	g->base_below = NULL;
	if (g->has_cycle || !order || order->n != g->n)
		return; /* a node the order leaves out would have no value */
	bb = g->base_below = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	for (uint32_t i = order->n; i-- > 0;) {
		uint32_t x = order->v[i], b = NO_NODE, to;

		if (!g->any_deps) {
			for (uint32_t k = g->down_at[x]; k < g->down_at[x + 1]; k++)
				if (bb[g->down_flat[k]] < b)
					b = bb[g->down_flat[k]];
			bb[x] = g->down_at[x] == g->down_at[x + 1] ? x : b;
			continue;
		}
		for (uint32_t k = 0; (to = out_edge(&g->nodes[x], k)) != NO_NODE; k++)
			if (bb[to] < b)
				b = bb[to];
		bb[x] = out_edge(&g->nodes[x], 0) == NO_NODE ? x : b;
	}
}

void graph_components(struct graph *g)
{
	uint32_t *parent = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	uint32_t *id = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	struct u32vec roots = { 0 }; /* the nodes with no edge down */

	g->work.pieces++;
	free(g->component);
	free(g->component_roots);
	g->component = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));

	for (uint32_t i = 0; i < g->n; i++) {
		parent[i] = i;
		id[i] = NO_NODE;
	}
	for (uint32_t i = 0; i < g->n; i++) {
		/* with no depends_on the edges are down_revision's, read flat */
		const struct node *nd = g->any_deps ? &g->nodes[i] : NULL;
		uint32_t n_out = nd ? nd->down.n + nd->deps.n : g->down_at[i + 1] - g->down_at[i];

		if (!n_out) /* read here: one pass over the nodes */
			u32_push(&roots, i);
		for (uint32_t e = 0; e < n_out; e++) {
			uint32_t to = nd ? out_edge(nd, e) : g->down_flat[g->down_at[i] + e];
			uint32_t a = uf_find(parent, i), b = uf_find(parent, to);

			if (a != b)
				parent[a < b ? b : a] = a < b ? a : b;
		}
	}
	g->n_components = 0;
	for (uint32_t i = 0; i < g->n; i++) {
		uint32_t root = uf_find(parent, i);

		if (id[root] == NO_NODE)
			id[root] = g->n_components++;
		g->component[i] = id[root];
	}
	g->component_roots = xcalloc(g->n_components ? g->n_components : 1, sizeof(uint32_t));
	for (uint32_t k = 0; k < roots.n; k++)
		g->component_roots[g->component[roots.v[k]]]++;
	free(roots.v);
	free(parent);
	free(id);
}
