/* graph_update.c - relink one revision in place (graph_update.h).
 *
 * What graph_build derives, and from what, decides what a change of one
 * file's down_revision touches:
 * - edges, flags, head and base lists: the revision, its old and new parents;
 * - phantoms: one is made for a parent no file defines, one goes when nothing
 *   names it any more, and phantoms are numbered by their first reference
 *   (the order graph_build meets them), which a relink can change: they are
 *   renumbered, touching only their children's edges;
 * - problems: the file's own missing parents and docstring; the warnings about
 *   the shape (heads, bases, pieces) and the suggestions, made again; the rest
 *   of the list (every other file's errors) is kept with its order;
 * - normalized dependencies and inherited labels can change below the whole
 *   history: passed again only when the history has any; the history order
 *   always (one pass, with the ranking kept with the graph); the pieces unless
 *   the edit cannot have changed them (pieces_kept);
 * - the flat edges and flags (graph.h): patched, or made again where nodes
 *   were added, dropped or renumbered.
 * Problem order: kept problems keep their sequence numbers, new ones get later
 * ones in the order a full build makes them, so the stable sort gives the
 * full build's list. */
#include <stdlib.h>
#include <string.h>

#include "migtree/docstring.h"
#include "migtree/graph_update.h"
#include "migtree/resolve.h"


void graph_normalize_deps(struct graph *g);
void graph_inherit_labels(struct graph *g);
void graph_components(struct graph *g);

/* Neither file holds what this module does not redo: labels, dependencies,
 * values only running the file could tell. */
static bool plain_file(const struct revision_file *rf)
{
	return !rf->error && rf->revision && !rf_label_ids(rf)->n && !rf_n_unknown(rf, RF_LABELS) && !rf_dep_ids(rf)->n &&
	       !rf_n_unknown(rf, RF_DEPS) && !pv_n_unknown(&rf->down);
}

static bool redone_kind(enum problem_kind k)
{
	return k == PROBLEM_MISSING_DOWN_REVISION || k == PROBLEM_DOCSTRING_MISMATCH ||
	       k == PROBLEM_MULTIPLE_HEADS || k == PROBLEM_MULTIPLE_BASES || k == PROBLEM_DISCONNECTED_COMPONENT;
}

/* May OLD's revision be relinked in place to read as RF? V gets its node. */
static bool updatable(const struct graph *g, const struct revision_file *old, const struct revision_file *rf,
		      uint32_t *v)
{
	if (g->has_cycle || !plain_file(old) || !plain_file(rf) || strcmp(old->revision, rf->revision) ||
	    strcmp(old->path, rf->path))
		return false;
	*v = graph_find(g, rf->revision);
	if (*v == NO_NODE || g->nodes[*v].file != old)
		return false;
	/* any other problem of this file (a duplicate, a self reference, an
	 * invalid id...) is graph_build's to make */
	for (size_t k = 0; k < g->problems.n; k++) {
		const struct problem *pr = &g->problems.v[k];
		bool mine = (pr->revision && !strcmp(pr->revision, rf->revision)) ||
			    (pr->path && !strcmp(pr->path, rf->path));

		if (mine && !redone_kind(pr->kind))
			return false;
	}
	for (size_t k = 0; k < rf->down.ids.n; k++)
		if (!strcmp(rf->down.ids.v[k], rf->revision))
			return false;
	return true;
}

/* History order positions (children first), or NULL when the order leaves a
 * node out. */
static uint32_t *order_positions(const struct project *p)
{
	const struct graph *g = &p->graph;
	uint32_t *pos;

	if (p->order.n != g->n)
		return NULL;
	pos = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	for (uint32_t k = 0; k < p->order.n; k++)
		pos[p->order.v[k]] = k;
	return pos;
}

/* Does P's history order place Q after V? Then V is no ancestor of Q (the
 * order puts children first). One scan as far as the first of the two: most
 * edits give a revision a parent placed after it, and are settled without
 * the positions of every node (two such arrays were 4% of an edit). Only
 * where the order has every node. */
static bool placed_after(const struct project *p, uint32_t q, uint32_t v)
{
	const uint32_t *o = p->order.v;
	uint32_t n = p->order.n, k;

	if (n != p->graph.n || q == v)
		return false;
	k = u32_find_either(o, n, q, v);
	return k < n && o[k] == v;
}

/* Would Q as a parent of V close a cycle: is V an ancestor of Q? The order puts
 * children first, so V's descendants come before V and an ancestor of Q placed
 * after V leads nowhere near it: the walk stays between Q and V. */
static bool reaches(const struct graph *g, const uint32_t *pos, uint32_t q, uint32_t v)
{
	struct u32vec st = { 0 };
	bool *seen, hit = false;

	if (pos[q] > pos[v])
		return false;
	seen = xcalloc(g->n, sizeof(bool));
	u32_push(&st, q);
	seen[q] = true;
	while (st.n && !hit) {
		const struct node *nd = &g->nodes[st.v[--st.n]];

		for (uint32_t e = 0; e < nd->down.n + nd->deps.n && !hit; e++) {
			uint32_t a = e < nd->down.n ? nd->down.v[e] : nd->deps.v[e - nd->down.n];

			hit = a == v;
			if (!seen[a] && pos[a] <= pos[v]) {
				seen[a] = true;
				u32_push(&st, a);
			}
		}
	}
	free(st.v);
	free(seen);
	return hit;
}

bool project_descends(const struct project *p, uint32_t x, uint32_t v)
{
	uint32_t *pos;
	bool hit;

	if (x == v)
		return true;
	if (placed_after(p, x, v))
		return false;
	if (!(pos = order_positions(p))) { /* a cycle leaves nodes out: the whole walk */
		bool *desc = graph_descendants(&p->graph, v);

		hit = desc[x];
		free(desc);
		return hit;
	}
	hit = reaches(&p->graph, pos, x, v);
	free(pos);
	return hit;
}

enum { DESCENT_ABOVE = 1, DESCENT_NOT };

void descent_init(struct descent *d, const struct project *p, uint32_t v)
{
	memset(d, 0, sizeof(*d));
	d->g = &p->graph;
	d->v = v;
	d->pos = order_positions(p);
	d->state = xcalloc(d->g->n ? d->g->n : 1, 1);
	d->state[v] = DESCENT_ABOVE;
}

void descent_free(struct descent *d)
{
	free(d->pos);
	free(d->state);
	free(d->desc);
	free(d->path.v);
	free(d->edge.v);
	memset(d, 0, sizeof(*d));
}

/* Parent E of ND: its down_revisions, then its depends_on. */
static uint32_t parent_at(const struct node *nd, uint32_t e)
{
	return e < nd->down.n ? nd->down.v[e] : nd->deps.v[e - nd->down.n];
}

/* Is X above V? A walk up from X, depth first, through the nodes placed no
 * later than V: one reaching V (or a node known above it) settles the whole
 * path from X as above V; a node left with every parent walked is not (in an
 * acyclic history no parent of it is still on the path). */
static bool walk_up(struct descent *d, uint32_t x)
{
	const uint32_t lim = d->pos[d->v];
	bool hit = false;

	d->path.n = d->edge.n = 0;
	u32_push(&d->path, x);
	u32_push(&d->edge, 0);
	while (d->path.n && !hit) {
		uint32_t top = d->path.v[d->path.n - 1], e = d->edge.v[d->edge.n - 1]++;
		const struct node *nd = &d->g->nodes[top];
		uint32_t a;

		if (e == nd->down.n + nd->deps.n) {
			d->state[top] = DESCENT_NOT;
			d->path.n--;
			d->edge.n--;
			continue;
		}
		a = parent_at(nd, e);
		if (d->state[a] == DESCENT_ABOVE) {
			hit = true;
		} else if (!d->state[a] && d->pos[a] <= lim) {
			d->state[a] = DESCENT_NOT; /* on the path: not walked twice; set right below if above */
			d->work++;
			u32_push(&d->path, a);
			u32_push(&d->edge, 0);
		}
	}
	for (uint32_t k = 0; hit && k < d->path.n; k++)
		d->state[d->path.v[k]] = DESCENT_ABOVE;
	return hit;
}

bool descent_ask(struct descent *d, uint32_t x)
{
	if (!d->pos) {
		if (!d->desc)
			d->desc = graph_descendants(d->g, d->v);
		return d->desc[x];
	}
	if (d->state[x])
		return d->state[x] == DESCENT_ABOVE;
	if (d->pos[x] > d->pos[d->v]) /* children first: nothing placed after V is above it */
		return false;
	d->work++;
	return walk_up(d, x);
}

static bool would_cycle(const struct project *p, uint32_t v, const struct revision_file *rf)
{
	const struct graph *g = &p->graph;
	uint32_t *pos = NULL;
	bool cyc = false;

	if (p->order.n != g->n)
		return true; /* the order leaves a node out: a cycle is there already */
	for (size_t k = 0; !cyc && k < rf->down.ids.n; k++) {
		uint32_t q = graph_find(g, rf->down.ids.v[k]);

		if (q == NO_NODE || u32_contains(&g->nodes[v].down, q) || placed_after(p, q, v))
			continue;
		if (!pos)
			pos = order_positions(p);
		cyc = reaches(g, pos, q, v);
	}
	free(pos);
	return cyc;
}

static void remove_value(struct u32vec *vec, uint32_t x)
{
	for (uint32_t k = 0; k < vec->n; k++)
		if (vec->v[k] == x) {
			memmove(vec->v + k, vec->v + k + 1, (vec->n - k - 1) * sizeof(uint32_t));
			vec->n--;
			return;
		}
}

/* Children are in node order, as graph_build links them. */
static void insert_sorted(struct u32vec *vec, uint32_t x)
{
	uint32_t at = vec->n;

	while (at > 0 && vec->v[at - 1] > x)
		at--;
	u32_push(vec, x);
	memmove(vec->v + at + 1, vec->v + at, (vec->n - 1 - at) * sizeof(uint32_t));
	vec->v[at] = x;
}

static uint32_t new_phantom(struct graph *g, const char *id)
{
	char *own = xstrdup(id);
	struct node *nd;

	sl_push_owned(&g->owned, own);
	GROW(g->nodes, g->cap, g->n + 1);
	nd = &g->nodes[g->n];
	memset(nd, 0, sizeof(*nd));
	nd->id = own;
	nd->phantom = true;
	nd->order = g->n;
	strmap_put(&g->index, own, g->n);
	return g->n++;
}

/* V's parents become RF's down_revision (phantoms made for missing ones), in
 * file order, duplicates once; every node whose edges changed into TOUCHED. */
static void relink(struct graph *g, uint32_t v, struct revision_file *rf, struct u32vec *touched)
{
	struct node *nd = &g->nodes[v];

	u32_push(touched, v);
	for (uint32_t k = 0; k < nd->down.n; k++) {
		remove_value(&g->nodes[nd->down.v[k]].children, v);
		u32_push(touched, nd->down.v[k]);
	}
	nd->down.n = 0;
	for (size_t k = 0; k < rf->down.ids.n; k++) {
		uint32_t q = graph_find(g, rf->down.ids.v[k]);

		if (q == NO_NODE)
			q = new_phantom(g, rf->down.ids.v[k]);
		nd = &g->nodes[v]; /* new_phantom may move the array */
		if (u32_contains(&nd->down, q))
			continue;
		u32_push(&nd->down, q);
		insert_sorted(&g->nodes[q].children, v);
		u32_push(touched, q);
	}
	nd->file = rf;
	nd->id = rf->revision;
	strmap_rekey(&g->index, rf->revision);
	nd->is_base = rf->down.ids.n == 0;
}

static void set_node_flags(struct node *nd)
{
	nd->is_head = nd->children.n == 0;
	nd->is_real_head = nd->is_head && nd->dependants.n == 0;
	nd->is_branch_point = nd->children.n > 1;
	nd->is_real_branch_point = nd->children.n + nd->dependants.n > 1;
	nd->is_merge_point = !nd->phantom && nd->file->down.ids.n > 1;
}

/* LIST (real nodes in load order) without the TOUCHED, then with those of them
 * that WANT says belong, each at its place. */
static void refresh_list(struct graph *g, struct u32vec *list, const struct u32vec *touched,
			 bool (*want)(const struct node *))
{
	for (uint32_t k = 0; k < touched->n; k++)
		remove_value(list, touched->v[k]);
	for (uint32_t k = 0; k < touched->n; k++) {
		uint32_t x = touched->v[k], at = list->n;
		const struct node *nd = &g->nodes[x];

		if (nd->phantom || !want(nd) || u32_contains(list, x))
			continue;
		while (at > 0 && g->nodes[list->v[at - 1]].file->load_index > nd->file->load_index)
			at--;
		u32_push(list, x);
		memmove(list->v + at + 1, list->v + at, (list->n - 1 - at) * sizeof(uint32_t));
		list->v[at] = x;
	}
}

static bool want_head(const struct node *nd)
{
	return nd->is_head;
}

static bool want_real_head(const struct node *nd)
{
	return nd->is_real_head;
}

static bool want_base(const struct node *nd)
{
	return nd->is_base;
}

/* ---- phantoms: dropped when unnamed, numbered by first reference ---- */

/* Node X is now at index TO: its entries in the index and its children's edges. */
static void renumber(struct graph *g, uint32_t x, uint32_t to, uint32_t from)
{
	struct node *nd = &g->nodes[x];

	nd->order = to;
	strmap_put(&g->index, nd->id, to);
	for (uint32_t k = 0; k < nd->children.n; k++) {
		struct node *c = &g->nodes[nd->children.v[k]];

		for (uint32_t e = 0; e < c->down.n; e++)
			if (c->down.v[e] == from)
				c->down.v[e] = to;
		for (uint32_t e = 0; e < c->norm_down.n; e++)
			if (c->norm_down.v[e] == from)
				c->norm_down.v[e] = to;
	}
}

static void drop_owned(struct graph *g, const char *id)
{
	for (size_t k = 0; k < g->owned.n; k++)
		if (g->owned.v[k] == id) {
			free(g->owned.v[k]);
			memmove(g->owned.v + k, g->owned.v + k + 1, (g->owned.n - k - 1) * sizeof(char *));
			g->owned.n--;
			return;
		}
}

static void drop_phantom(struct graph *g, uint32_t x)
{
	struct node *nd = &g->nodes[x];

	strmap_del(&g->index, nd->id);
	drop_owned(g, nd->id);
	node_free_edges(nd);
	memmove(g->nodes + x, g->nodes + x + 1, (g->n - x - 1) * sizeof(*g->nodes));
	g->n--;
	for (uint32_t k = x; k < g->n; k++)
		renumber(g, k, k, k + 1);
}

static int cmp_desc(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x > y ? -1 : x < y;
}

/* The phantoms among TOUCHED that nothing names now, dropped highest first
 * (dropping one renumbers only those above it). */
static void drop_unnamed(struct graph *g, struct u32vec *touched)
{
	sort_array(touched->v, touched->n, sizeof(uint32_t), cmp_desc);
	for (uint32_t k = 0; k < touched->n; k++) {
		uint32_t x = touched->v[k];

		if ((k == 0 || x != touched->v[k - 1]) && g->nodes[x].phantom && !g->nodes[x].children.n)
			drop_phantom(g, x);
	}
}

/* Where graph_build meets phantom X: its first child, then its place there. */
static uint64_t first_reference(const struct graph *g, uint32_t x)
{
	uint32_t c = g->nodes[x].children.v[0], k = 0;

	while (g->nodes[c].down.v[k] != x)
		k++;
	return (uint64_t)c << 32 | k;
}

struct phantom_key {
	uint64_t key;
	uint32_t node;
};

static int cmp_key(const void *a, const void *b)
{
	uint64_t x = ((const struct phantom_key *)a)->key, y = ((const struct phantom_key *)b)->key;

	return x < y ? -1 : x > y;
}

/* Phantoms (all after the real nodes) in the order of their first reference. */
static void order_phantoms(struct graph *g)
{
	uint32_t first = g->n, n;
	struct phantom_key *pk;
	struct node *moved;
	bool sorted = true;

	while (first > 0 && g->nodes[first - 1].phantom)
		first--;
	n = g->n - first;
	pk = xmalloc((n ? n : 1) * sizeof(*pk));
	for (uint32_t k = 0; k < n; k++) {
		pk[k] = (struct phantom_key){ first_reference(g, first + k), first + k };
		sorted = sorted && (k == 0 || pk[k - 1].key < pk[k].key);
	}
	if (!sorted) {
		sort_array(pk, n, sizeof(*pk), cmp_key);
		/* edges first, through indexes no node has, then the nodes moved */
		for (uint32_t k = 0; k < n; k++)
			renumber(g, pk[k].node, g->n + k, pk[k].node);
		moved = xmalloc(n * sizeof(*moved));
		for (uint32_t k = 0; k < n; k++)
			moved[k] = g->nodes[pk[k].node];
		memcpy(g->nodes + first, moved, n * sizeof(*moved));
		free(moved);
		for (uint32_t k = 0; k < n; k++)
			renumber(g, first + k, first + k, g->n + k);
	}
	free(pk);
}

/* ---- problems ---- */

static void problem_release(struct problem *pr)
{
	free(pr->revision);
	free(pr->ref);
	free(pr->path);
	free(pr->message);
	sl_free(&pr->candidates);
	for (size_t k = 0; k < pr->n_fixv; k++)
		fix_free(&pr->fixv[k]);
	free(pr->fixv);
}

/* Drop what is made again (ID's own problems, none for NULL; the shape's
 * warnings) and the suggestions (made again for every missing parent); the
 * highest sequence number kept. */
static size_t strip_problems(struct graph *g, const char *id)
{
	struct problem_list *pl = &g->problems;
	size_t n = 0, seq = 0;

	for (size_t k = 0; k < pl->n; k++) {
		struct problem *pr = &pl->v[k];
		bool own = id && pr->revision && !strcmp(pr->revision, id);

		if (pr->kind == PROBLEM_MULTIPLE_HEADS || pr->kind == PROBLEM_MULTIPLE_BASES ||
		    pr->kind == PROBLEM_DISCONNECTED_COMPONENT ||
		    (own && (pr->kind == PROBLEM_MISSING_DOWN_REVISION || pr->kind == PROBLEM_DOCSTRING_MISMATCH))) {
			problem_release(pr);
			continue;
		}
		if (pr->kind == PROBLEM_MISSING_DOWN_REVISION || pr->kind == PROBLEM_MISSING_DEPENDENCY) {
			sl_free(&pr->candidates);
			for (size_t f = 0; f < pr->n_fixv; f++)
				fix_free(&pr->fixv[f]);
			pr->n_fixv = 0;
		}
		if (pr->seq > seq)
			seq = pr->seq;
		pl->v[n++] = *pr;
	}
	pl->n = n;
	return seq;
}

/* Problems appended since FROM get the next sequence numbers, in order. */
static void number_from(struct graph *g, size_t from, size_t *seq)
{
	for (size_t k = from; k < g->problems.n; k++)
		g->problems.v[k].seq = ++*seq;
}

/* The shape's warnings and every suggestion made again, after V's own
 * problems (NO_NODE: no revision changed, only what the suggestions read). */
static void redo_problems(struct graph *g, uint32_t v, bool defer_suggestions)
{
	const struct node *nd = v == NO_NODE ? NULL : &g->nodes[v];
	size_t seq = strip_problems(g, nd ? nd->id : NULL), from = g->problems.n;

	for (uint32_t k = 0; nd && k < nd->down.n; k++)
		if (g->nodes[nd->down.v[k]].phantom)
			graph_report_missing_down(g, nd->file, g->nodes[nd->down.v[k]].id);
	number_from(g, from, &seq);
	from = g->problems.n;
	analyze_shape(g, defer_suggestions);
	number_from(g, from, &seq);
	if (nd) {
		from = g->problems.n;
		docstring_check_file(g, nd->file);
		number_from(g, from, &seq);
	}
	g->suggest_pending = true; /* the fixes of every missing parent were dropped */
	if (!defer_suggestions)
		analyze_suggest(g);
	problem_list_sort(&g->problems);
}

void graph_redo_suggestions(struct project *p)
{
	redo_problems(&p->graph, NO_NODE, p->defer_suggestions);
}

/* ---- the global passes ---- */

/* Neither file has a depends_on or a label (plain_file): whether the history
 * has any is as it was, and g->any_deps and g->any_labels stay true. */
static void renormalize(struct graph *g, uint32_t v)
{
	if (!g->any_deps) { /* nothing to normalize: what history walks is down_revision */
		struct node *nd = &g->nodes[v];

		nd->norm_down.n = 0;
		for (uint32_t k = 0; k < nd->down.n; k++)
			u32_push(&nd->norm_down, nd->down.v[k]);
		return;
	}
	for (uint32_t i = 0; i < g->n; i++)
		g->nodes[i].norm_deps.n = g->nodes[i].norm_down.n = 0;
	graph_normalize_deps(g);
}

static void relabel(struct graph *g)
{
	if (!g->any_labels)
		return; /* every set is empty, as it was */
	for (uint32_t i = 0; i < g->n; i++)
		g->nodes[i].labels_unknown = false;
	label_store_free(g->label_store);
	g->label_store = NULL;
	graph_inherit_labels(g);
}

void graph_known_take(struct graph_known *k, const struct project *p)
{
	const struct graph *g = &p->graph;

	memset(k, 0, sizeof(*k)); /* no order, no pieces: the update moves P's there */
	problem_list_copy(&k->problems, &g->problems);
	k->n_nodes = g->n;
	k->n_components = g->n_components;
	k->suggest_pending = g->suggest_pending;
}

/* P's pieces, about to be made again or replaced, moved to LEFT (or freed). */
static void pieces_left(struct graph *g, struct graph_known *left)
{
	if (left) {
		left->component = g->component;
		left->component_roots = g->component_roots;
	} else {
		free(g->component);
		free(g->component_roots);
	}
	g->component = g->component_roots = NULL;
}

void graph_known_free(struct graph_known *k)
{
	if (!k)
		return;
	free(k->order.v);
	problem_list_free(&k->problems);
	free(k->component);
	free(k->component_roots);
	memset(k, 0, sizeof(*k));
}

/* The known state's pieces (unless they are P's: same_pieces), problems and
 * order moved into P (its node count checked: the same files make the same
 * nodes); P's order and pieces to LEFT (or freed). */
static bool take_known(struct project *p, struct graph_known *k, struct graph_known *left)
{
	struct graph *g = &p->graph;

	if (k->n_nodes != g->n || k->order.n > g->n)
		return false;
	if (left)
		left->same_pieces = k->same_pieces;
	if (!k->same_pieces) {
		pieces_left(g, left);
		g->component = k->component;
		k->component = NULL;
		g->component_roots = k->component_roots;
		k->component_roots = NULL;
		g->n_components = k->n_components;
	}
	problem_list_free(&g->problems);
	g->problems = k->problems;
	g->suggest_pending = k->suggest_pending;
	if (left)
		left->order = p->order;
	else
		free(p->order.v);
	p->order = k->order;
	memset(&k->problems, 0, sizeof(k->problems));
	memset(&k->order, 0, sizeof(k->order));
	graph_known_free(k);
	return true;
}

/* Does every parent in LIST (V's, before or after an edit) lie in V's piece,
 * none of them a missing revision? A missing one can be dropped or
 * renumbered by the edit (order_phantoms), and the pieces with it. */
static bool parents_in_piece(const struct graph *g, uint32_t v, const struct u32vec *list)
{
	for (uint32_t k = 0; k < list->n; k++)
		if (g->nodes[list->v[k]].phantom || g->component[list->v[k]] != g->component[v])
			return false;
	return list->n > 0;
}

/* Do the walks down from A and from B (the first edge down at each step)
 * meet within MEET_STEPS steps each? Then A and B hang together through
 * where they met. A re-parent onto a revision near the old parent meets in a
 * few steps; one far from it gives up after 2 * MEET_STEPS nodes read (tens
 * of microseconds), against the pieces found again (1.1 ms at 100,000). The
 * nodes met are kept in a small open-addressing table, each with the walk
 * that met it in the top bit. */
#define MEET_STEPS 256
#define MEET_TABLE (4 * MEET_STEPS) /* a power of two, half full at most */

/* X's first parent (by depends_on when it has no down_revision), read flat
 * where the graph has down_revision edges only. */
static uint32_t first_edge_down(const struct graph *g, uint32_t x)
{
	const struct node *nd = &g->nodes[x];

	if (!g->any_deps)
		return g->down_at[x] < g->down_at[x + 1] ? g->down_flat[g->down_at[x]] : NO_NODE;
	return nd->down.n + nd->deps.n ? parent_at(nd, 0) : NO_NODE;
}

/* Marks X as met by walk SIDE; true when the other walk met it first. */
static bool meet_mark(uint32_t *table, uint32_t x, uint32_t side)
{
	uint32_t h = (x * 2654435761u) & (MEET_TABLE - 1);

	for (; table[h] != NO_NODE; h = (h + 1) & (MEET_TABLE - 1))
		if ((table[h] & 0x7fffffffu) == x)
			return (table[h] >> 31) != side;
	table[h] = x | side << 31;
	return false;
}

static bool walks_meet(const struct graph *g, uint32_t a, uint32_t b)
{
	uint32_t table[MEET_TABLE], at[2] = { a, b };
	bool met = false;

	memset(table, 0xff, MEET_TABLE * sizeof(uint32_t));
	for (uint32_t step = 0; step < MEET_STEPS && !met && (at[0] != NO_NODE || at[1] != NO_NODE); step++)
		for (uint32_t side = 0; side < 2 && !met; side++) {
			if (at[side] == NO_NODE)
				continue;
			met = meet_mark(table, at[side], side);
			at[side] = first_edge_down(g, at[side]);
		}
	return met;
}

/* Do A and B reach the same node with no edge down (base_below, read from
 * before the edit: no node above an old or new parent of V is below V)? */
static bool same_base_below(const struct graph *g, uint32_t a, uint32_t b)
{
	return g->base_below && g->base_below[a] == g->base_below[b];
}

/* Can V's edit, from parents WAS to its parents now, have changed no piece?
 * V had and has parents, all in its piece. Every edge but V's is as it was,
 * and V's new ones stay in the piece: no piece is joined to another. One
 * could only split where an edge of V's went: it did not when V still hangs
 * together with each old parent. Walks down from an old parent and from a
 * new one that meet join them in the edited graph, and the new parent hangs
 * on V; so do an old and a new parent that reach the same node with no edge
 * down (base_below). When the piece has one node with no edge down
 * (component_roots), every walk down from a node of it ends there, and none
 * passes V (V would be its own ancestor, before the edit or after it: there
 * is no cycle). */
static bool pieces_kept(const struct graph *g, uint32_t v, const struct u32vec *was, uint32_t n_was)
{
	const struct u32vec *now = &g->nodes[v].down;

	if (g->n != n_was || !g->component || !g->component_roots || g->has_cycle ||
	    !parents_in_piece(g, v, was) || !parents_in_piece(g, v, now))
		return false;
	if (g->component_roots[g->component[v]] == 1)
		return true;
	for (uint32_t k = 0; k < was->n; k++)
		if (!u32_contains(now, was->v[k]) && !same_base_below(g, was->v[k], now->v[0]) &&
		    !walks_meet(g, was->v[k], now->v[0]))
			return false;
	return true;
}

/* V's base_below (graph.h) from its parents now: what it would be made. */
static uint32_t base_below_now(const struct graph *g, uint32_t v)
{
	const struct u32vec *now = &g->nodes[v].down;
	uint32_t b = now->n ? NO_NODE : v;

	for (uint32_t k = 0; k < now->n; k++)
		if (g->base_below[now->v[k]] < b)
			b = g->base_below[now->v[k]];
	return b;
}

/* Does base_below still hold after V's edit? Every value below V is as it
 * was (no node below V is above it), and every value above V is the smallest
 * of its parents': it changed only if V's did. So it holds when V's value is
 * the same from its new parents, none of them a new or renumbered node. */
static bool bases_below_kept(const struct graph *g, uint32_t v, uint32_t n_was, bool phantoms)
{
	return g->base_below && g->n == n_was && !phantoms && !g->has_cycle && g->nodes[v].down.n &&
	       base_below_now(g, v) == g->base_below[v];
}

static bool any_phantom(const struct graph *g, const struct u32vec *list)
{
	for (uint32_t k = 0; k < list->n; k++)
		if (g->nodes[list->v[k]].phantom)
			return true;
	return false;
}

/* V's parents are now nodes[v].down: the flat copy of the edges (graph.h)
 * patched in place, or made again when nodes were added, dropped or
 * renumbered (PHANTOMS: a missing revision among V's parents, before or
 * after) or V has another number of parents. The flags of the TOUCHED nodes
 * are read again, and every node's where labels are inherited (they may
 * have changed below V). */
static void reflatten(struct graph *g, uint32_t v, const struct u32vec *was, uint32_t n_was, bool phantoms,
		      const struct u32vec *touched)
{
	const struct node *nd = &g->nodes[v];

	if (g->n != n_was || phantoms || !g->down_at || g->down_at[v + 1] - g->down_at[v] != nd->down.n) {
		graph_flatten(g);
		order_ranks_free(g->ranks); /* made again by the next walk */
		g->ranks = NULL;
		return;
	}
	for (uint32_t k = 0; k < nd->down.n; k++)
		g->down_flat[g->down_at[v] + k] = nd->down.v[k];
	g->relinked[g->n_relinked++ % GRAPH_RELINK_LOG] = v;
	for (uint32_t i = 0; g->any_labels && i < g->n; i++)
		g->node_flat[i] = graph_node_flat(g, i);
	for (uint32_t k = 0; !g->any_labels && k < touched->n; k++) {
		const struct u32vec *ch = &g->nodes[touched->v[k]].children;

		g->node_flat[touched->v[k]] = graph_node_flat(g, touched->v[k]);
		/* a parent's count of children says whether its children chain */
		for (uint32_t c = 0; c < ch->n; c++)
			g->node_flat[ch->v[c]] = graph_node_flat(g, ch->v[c]);
	}
	order_ranks_relink(g, v, was);
}

static struct revision_file *update(struct project *p, size_t i, struct revision_file *rf, struct graph_known *known,
				    struct graph_known *left)
{
	struct graph *g = &p->graph;
	struct revision_file *old = p->files.v[i];
	struct u32vec touched = { 0 }, was = { 0 };
	uint32_t v, n_was = g->n;
	bool phantoms, bases_kept;

	if (p->resolver)
		resolve_file(p->resolver, rf);
	/* a known state had no cycle: no need to look for one */
	if (!updatable(g, old, rf, &v) || (!known && would_cycle(p, v, rf))) {
		p->updates_refused++;
		return NULL;
	}
	p->updates_done++;
	for (uint32_t k = 0; k < g->nodes[v].down.n; k++)
		u32_push(&was, g->nodes[v].down.v[k]);
	phantoms = any_phantom(g, &was);
	relink(g, v, rf, &touched);
	phantoms = phantoms || any_phantom(g, &g->nodes[v].down);
	p->files.v[i] = rf;
	for (uint32_t k = 0; k < touched.n; k++)
		set_node_flags(&g->nodes[touched.v[k]]);
	refresh_list(g, &g->heads, &touched, want_head);
	refresh_list(g, &g->real_heads, &touched, want_real_head);
	refresh_list(g, &g->bases, &touched, want_base);
	drop_unnamed(g, &touched);
	order_phantoms(g);
	renormalize(g, v);
	relabel(g);
	reflatten(g, v, &was, n_was, phantoms, &touched);
	free(touched.v);
	bases_kept = bases_below_kept(g, v, n_was, phantoms);
	if (known && take_known(p, known, left)) {
		free(was.v);
		if (!bases_kept && g->base_below) /* through the order it was known with */
			graph_bases_below(g, &p->order);
		return old;
	}
	if (!pieces_kept(g, v, &was, n_was)) {
		pieces_left(g, left);
		graph_components(g);
	} else if (left) {
		left->same_pieces = true;
	}
	free(was.v);
	redo_problems(g, v, p->defer_suggestions);
	if (left)
		history_order_all_again_was(g, &p->order, &left->order);
	else
		history_order_all_again(g, &p->order);
	if (!bases_kept && g->base_below) /* through the new order: the old one may put V's new parents first */
		graph_bases_below(g, &p->order);
	return old;
}

struct revision_file *graph_update_file(struct project *p, size_t i, struct revision_file *rf)
{
	return update(p, i, rf, NULL, NULL);
}

struct revision_file *graph_update_file_known(struct project *p, size_t i, struct revision_file *rf,
					      struct graph_known *known, struct graph_known *left)
{
	return update(p, i, rf, known, left);
}
