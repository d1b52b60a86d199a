/* graph.c - build the revision graph from parsed files, the way RevisionMap does.
 *
 * Order of work, as in Alembic's _revision_map: index every revision in load order
 * (a later duplicate wins), index branch labels, resolve depends_on (ids and
 * labels), link down revisions (a missing one becomes a phantom), then derive
 * head/base/branch/merge flags, normalized dependencies, inherited labels, cycles
 * (Tarjan's SCC, iterative) and connected components. Everything is linear in the
 * number of revisions and edges, or near it (graph_derive.c says the bounds of
 * dependency normalization and label inheritance). */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "migtree/graph.h"
#include "migtree/order.h"

void u32_grow(struct u32vec *vec)
{
	uint32_t cap = vec->cap & ~U32_BORROWED, *v;

	cap = cap ? cap * 2 : 2;
	if (vec->cap & U32_BORROWED) { /* out of the room lent: a list of its own */
		v = xmalloc(cap * sizeof(*v));
		if (vec->n)
			memcpy(v, vec->v, vec->n * sizeof(*v));
	} else {
		v = xrealloc(vec->v, cap * sizeof(*v));
	}
	vec->v = v;
	vec->cap = cap;
}

bool u32_contains(const struct u32vec *vec, uint32_t x)
{
	for (uint32_t i = 0; i < vec->n; i++)
		if (vec->v[i] == x)
			return true;
	return false;
}

uint32_t u32_find_either(const uint32_t *v, uint32_t n, uint32_t a, uint32_t b)
{
	uint32_t k = 0;
#if defined(__SSE2__)
	const __m128i va = _mm_set1_epi32((int)a), vb = _mm_set1_epi32((int)b);

	for (; k + 16 <= n; k += 16) { /* the block that holds the first, found below */
		__m128i m = _mm_setzero_si128();

		for (int j = 0; j < 16; j += 4) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(v + k + j));

			m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi32(x, va), _mm_cmpeq_epi32(x, vb)));
		}
		if (_mm_movemask_epi8(m))
			break;
	}
#endif
	for (; k < n; k++)
		if (v[k] == a || v[k] == b)
			return k;
	return n;
}

uint32_t u32_lower_bound(const uint32_t *v, uint32_t n, uint32_t x)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void u32_free(struct u32vec *vec)
{
	if (!(vec->cap & U32_BORROWED))
		free(vec->v);
	memset(vec, 0, sizeof(*vec));
}

uint32_t graph_find(const struct graph *g, const char *id)
{
	uint32_t n;

	return strmap_get(&g->index, id, &n) ? n : NO_NODE;
}

bool *graph_descendants(const struct graph *g, uint32_t v)
{
	bool *d = xcalloc(g->n ? g->n : 1, sizeof(bool));
	struct u32vec st = { 0 };

	u32_push(&st, v);
	while (st.n) {
		uint32_t x = st.v[--st.n];
		const struct node *nd = &g->nodes[x];

		if (d[x])
			continue;
		d[x] = true;
		for (uint32_t k = 0; k < nd->children.n; k++)
			u32_push(&st, nd->children.v[k]);
		for (uint32_t k = 0; k < nd->dependants.n; k++)
			u32_push(&st, nd->dependants.v[k]);
	}
	free(st.v);
	return d;
}

static uint32_t add_node_hashed(struct graph *g, const char *id, uint32_t h, struct revision_file *rf)
{
	struct node *nd;

	GROW(g->nodes, g->cap, g->n + 1);
	nd = &g->nodes[g->n];
	memset(nd, 0, sizeof(*nd));
	nd->id = id;
	nd->file = rf;
	nd->phantom = rf == NULL;
	nd->order = g->n;
	strmap_put_hashed(&g->index, id, h, g->n);
	return g->n++;
}

static uint32_t add_node(struct graph *g, const char *id, struct revision_file *rf)
{
	return add_node_hashed(g, id, strmap_hash(id, strlen(id)), rf);
}

/* The bytes an id ends at: its end and the four Alembic refuses. One load and
 * one test a byte of every id (four compares a byte were 1% of a check). */
static const bool id_stop[256] = { ['\0'] = true, ['@'] = true, ['-'] = true, ['+'] = true, [':'] = true };

static bool valid_id(const char *id, char *bad)
{
	const char *p = id;

	while (!id_stop[(unsigned char)*p])
		p++;
	if (*p) {
		*bad = *p;
		return false;
	}
	return p != id;
}

/* Shell-quoted when it is more than a dotted name, so the hint can be pasted. */
static bool plain_name(const char *s)
{
	for (; *s; s++)
		if (!(*s == '.' || *s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static void report_unknown(struct graph *g, const struct revision_file *rf, const char *field,
			   const struct py_value *v)
{
	for (size_t k = 0; k < pv_n_unknown(v); k++) {
		const char *e = pv_unknown(v, k);
		const char *q = plain_name(e) ? "" : "'";

		if (strchr(e, '=')) /* --define splits at the first '=': it cannot name this */
			problem_add(&g->problems, PROBLEM_UNKNOWN_VALUE, rf->revision, e, rf->path, v->line,
				    rf->load_index, "%s = `%.200s` is unknown without running the file: %.300s; "
				    "bind it to a name (X = ...) to give that name with --define X=VALUE",
				    field, e, pv_unknown_why(v, k));
		else
			problem_add(&g->problems, PROBLEM_UNKNOWN_VALUE, rf->revision, e, rf->path, v->line,
				    rf->load_index, "%s = `%.200s` is unknown without running the file: %.300s; "
				    "give its value with --define %s%.200s=VALUE%s",
				    field, e, pv_unknown_why(v, k), q, e, q);
	}
}

/* What a real node's file names, noted as index_revisions reads the file: the
 * passes after it read these 12 bytes a node, not the files, which lie apart
 * (a cache miss a file each time one is read again: 100,000 files are 50 MB). */
struct named {
	uint32_t down;   /* down_revision's ids */
	uint32_t deps;   /* depends_on's */
	uint32_t labels; /* branch_labels' */
	uint32_t hash;   /* the first down_revision id's (strmap_hash), for link_ahead */
};

static struct named named_by(const struct revision_file *rf)
{
	const char *d = rf->down.ids.n ? rf->down.ids.v[0] : "";

	return (struct named){ rf->down.ids.n, rf_dep_ids(rf)->n, rf_label_ids(rf)->n, strmap_hash(d, strlen(d)) };
}

/* How many nodes ahead of link_down link_ahead asks for each step of its
 * first parent's lookup: the file's list, the id, the index's slot, the key
 * there. Each is a cache miss at 100,000 revisions (the files lie apart, the
 * ids in load order name parents anywhere), taken one after another without. */
#define LINK_AHEAD 6

/* The ids' hashes index_ahead made, for the files from I on: file J's in
 * [J % AHEAD_RING], made LINK_AHEAD files before its turn. */
#define AHEAD_RING 16
_Static_assert(AHEAD_RING >= LINK_AHEAD, "a hash is not overwritten before its turn");

static uint32_t id_hash(const struct revision_file *rf)
{
	return rf->revision ? strmap_hash(rf->revision, strlen(rf->revision)) : 0;
}

/* Ahead of index_revisions, as link_ahead (below) is of link_down: file I's
 * struct, its id, and the index's slot for the id, whose hash goes in RING. */
static void index_ahead(const struct graph *g, const struct file_list *files, size_t i, uint32_t *ring)
{
	size_t j;

	if ((j = i + 3 * LINK_AHEAD) < files->n)
		__builtin_prefetch(&files->v[j]->revision);
	if ((j = i + 2 * LINK_AHEAD) < files->n && files->v[j]->revision)
		__builtin_prefetch(files->v[j]->revision);
	if ((j = i + LINK_AHEAD) < files->n) {
		ring[j % AHEAD_RING] = id_hash(files->v[j]);
		strmap_prefetch(&g->index, ring[j % AHEAD_RING], false);
	}
}

/* Every file's revision indexed, the later of two with one id kept; NAMED[i]
 * noted for node I's file. Returns whether a file holds a value only running
 * it could tell (in down_revision, branch_labels or depends_on). */
static bool index_revisions(struct graph *g, const struct file_list *files, struct named *named)
{
	uint32_t ring[AHEAD_RING];
	bool unknown = false;

	for (size_t i = 0; i < LINK_AHEAD && i < files->n; i++)
		ring[i] = id_hash(files->v[i]);
	for (size_t i = 0; i < files->n; i++) {
		struct revision_file *rf = files->v[i];
		uint32_t at, h;
		char bad = 0;

		index_ahead(g, files, i, ring);
		h = ring[i % AHEAD_RING];
		if (rf->error) {
			problem_add(&g->problems, PROBLEM_UNPARSABLE_FILE, NULL, NULL, rf->path,
				    rf->error_line, rf->load_index, "%s", rf->error);
			continue;
		}
		if (!valid_id(rf->revision, &bad)) {
			problem_add(&g->problems, PROBLEM_INVALID_REVISION_ID, rf->revision, NULL, rf->path,
				    rf->rev.line, rf->load_index,
				    bad ? "revision id '%s' contains '%c', which Alembic does not allow (@ - + :)"
					: "revision id '%s' is empty",
				    rf->revision, bad);
		}
		/* rare: not three calls a file, nor the plain values' lines read */
		if (pv_n_unknown(&rf->down) + rf_n_unknown(rf, RF_LABELS) + rf_n_unknown(rf, RF_DEPS)) {
			struct py_value labels = rf_labels(rf), deps = rf_deps(rf);

			report_unknown(g, rf, "down_revision", &rf->down);
			report_unknown(g, rf, "branch_labels", &labels);
			report_unknown(g, rf, "depends_on", &deps);
			unknown = true;
		}
		if (strmap_get_hashed(&g->index, rf->revision, h, &at)) {
			struct revision_file *prev = g->nodes[at].file;

			problem_add(&g->problems, PROBLEM_DUPLICATE_REVISION, rf->revision, rf->revision,
				    rf->path, rf->rev.line, rf->load_index,
				    "revision %s is defined in %s:%d and again in %s:%d; Alembic keeps only this "
				    "later file", rf->revision, prev->path, prev->rev.line, rf->path, rf->rev.line);
			g->nodes[at].file = rf;
			named[at] = named_by(rf);
			continue;
		}
		named[add_node_hashed(g, rf->revision, h, rf)] = named_by(rf);
	}
	return unknown;
}

/* Index the branch labels: only the files NAMED says have any are read. */
static void index_labels(struct graph *g, const struct named *named)
{
	for (uint32_t i = 0; i < g->n; i++) {
		struct revision_file *rf = g->nodes[i].file;
		uint32_t other;

		if (!named[i].labels)
			continue;
		for (size_t k = 0; k < rf_label_ids(rf)->n; k++) {
			const char *label = rf_label_ids(rf)->v[k];

			if (strmap_get(&g->index, label, &other) || strmap_get(&g->labels, label, &other)) {
				problem_add(&g->problems, PROBLEM_BRANCH_LABEL_CONFLICT, rf->revision,
					    g->nodes[other].id, rf->path, rf_labels(rf).line, rf->load_index,
					    "branch name '%s' in revision %s is already used by revision %s",
					    label, rf->revision, g->nodes[other].id);
				continue;
			}
			strmap_put(&g->labels, label, i);
		}
	}
}

static uint32_t phantom_for(struct graph *g, const char *id)
{
	uint32_t at = graph_find(g, id);
	char *own;

	if (at != NO_NODE)
		return at;
	own = xstrdup(id);
	sl_push_owned(&g->owned, own);
	return add_node(g, own, NULL);
}

/* Has LIST (a node's edges) got X? A plain scan for the usual one or two edges;
 * a hashed set once a list is long, so a 200,000-item tuple stays linear. */
struct edge_set {
	uint32_t *slot; /* NO_NODE = empty */
	size_t cap, n;
};

static bool edge_set_add(struct edge_set *es, const struct u32vec *list, uint32_t x)
{
	size_t at;

	if (list->n < 16 && !es->slot)
		return !u32_contains(list, x);
	if (es->n * 2 >= es->cap) { /* rebuild from the list, twice as large */
		free(es->slot);
		es->cap = es->cap ? es->cap * 4 : 64;
		es->slot = xmalloc(es->cap * sizeof(uint32_t));
		memset(es->slot, 0xff, es->cap * sizeof(uint32_t));
		es->n = 0;
		for (uint32_t k = 0; k < list->n; k++)
			for (at = (list->v[k] * 2654435761u) & (es->cap - 1); es->slot[at] != list->v[k];
			     at = (at + 1) & (es->cap - 1))
				if (es->slot[at] == NO_NODE) {
					es->slot[at] = list->v[k];
					es->n++;
					break;
				}
	}
	for (at = (x * 2654435761u) & (es->cap - 1); es->slot[at] != NO_NODE; at = (at + 1) & (es->cap - 1))
		if (es->slot[at] == x)
			return false;
	return true; /* the caller pushes X to LIST; the next call finds it there */
}

static void edge_set_note(struct edge_set *es, uint32_t x)
{
	size_t at;

	if (!es->slot)
		return;
	for (at = (x * 2654435761u) & (es->cap - 1); es->slot[at] != NO_NODE && es->slot[at] != x;
	     at = (at + 1) & (es->cap - 1))
		;
	if (es->slot[at] == NO_NODE) {
		es->slot[at] = x;
		es->n++;
	}
}

void graph_report_missing_down(struct graph *g, const struct revision_file *rf, const char *d)
{
	uint32_t lab;
	bool is_label = strmap_get(&g->labels, d, &lab);

	problem_add(&g->problems, PROBLEM_MISSING_DOWN_REVISION, rf->revision, d, rf->path, rf->down.span.line,
		    rf->load_index,
		    is_label ? "down_revision '%s' is a branch label, not a revision id; Alembic cannot walk it"
			     : "down_revision '%s' is not present in any migration file",
		    d);
}

/* Ahead of link_down: node I's file's list three steps before its turn, its
 * first id and that id's slot two, the key in the slot one (LINK_AHEAD). */
static void link_ahead(const struct graph *g, const struct named *named, uint32_t i, uint32_t real)
{
	const struct revision_file *rf;
	uint32_t j;

	if ((j = i + 3 * LINK_AHEAD) < real)
		__builtin_prefetch(&g->nodes[j].file->down.ids);
	if ((j = i + 2 * LINK_AHEAD) < real && named[j].down) {
		__builtin_prefetch(g->nodes[j].file->down.ids.v);
		strmap_prefetch(&g->index, named[j].hash, false);
	}
	if ((j = i + LINK_AHEAD) < real && named[j].down) {
		rf = g->nodes[j].file;
		__builtin_prefetch(rf->down.ids.v[0]);
		strmap_prefetch(&g->index, named[j].hash, true);
	}
}

/* Node I's down_revision links. The nodes below REAL are the files', never
 * phantoms; the index gives I itself for an id equal to I's (its file's
 * `revision`, or an earlier duplicate's, the same string). */
static void link_down(struct graph *g, uint32_t i, uint32_t real, uint32_t hash)
{
	struct edge_set seen = { 0 };
	struct node *nd = &g->nodes[i];
	struct revision_file *rf = nd->file;
	struct strlist *downs = &rf->down.ids;

	bool self_seen = false;

	/* a down_revision only running the file could tell is no base: its parent is unknown */
	nd->is_base = downs->n == 0 && pv_n_unknown(&rf->down) == 0;
	/* one problem per distinct parent: `('a',) * 2000` is one missing parent, not
	 * 2000 (each copy of a long id repeated would make the output huge) */
	for (size_t k = 0; k < downs->n; k++) {
		const char *d = downs->v[k];
		uint32_t to;

		/* the first id's hash made while its file was read (named_by) */
		if (!strmap_get_hashed(&g->index, d, k ? strmap_hash(d, strlen(d)) : hash, &to))
			to = NO_NODE;

		if (to == i) {
			if (self_seen)
				continue;
			self_seen = true;
			problem_add(&g->problems, PROBLEM_SELF_REFERENCE, rf->revision, d, rf->path,
				    rf->down.span.line, rf->load_index,
				    "revision %s names itself as down_revision (Alembic: Self-loop is detected)", d);
			continue;
		}
		if (to != NO_NODE && !edge_set_add(&seen, &nd->down, to))
			continue; /* a duplicate: linked and reported already */
		if (to == NO_NODE || to >= real) {
			graph_report_missing_down(g, rf, d);
			to = phantom_for(g, d);
			nd = &g->nodes[i]; /* phantom_for may move the array */
		}
		u32_push(&nd->down, to);
		edge_set_note(&seen, to);
	}
	free(seen.slot);
}

static void link_deps(struct graph *g, uint32_t i)
{
	struct node *nd = &g->nodes[i];
	struct revision_file *rf = nd->file;
	struct strmap seen; /* one problem per distinct name, as in link_down */

	strmap_init(&seen);
	for (size_t k = 0; k < rf_dep_ids(rf)->n; k++) {
		const char *d = rf_dep_ids(rf)->v[k];
		uint32_t to = graph_find(g, d);

		if (rf_dep_ids(rf)->n > 1 && !strmap_put(&seen, d, 0))
			continue;

		if (to != NO_NODE && g->nodes[to].phantom)
			to = NO_NODE;
		if (to == NO_NODE)
			strmap_get(&g->labels, d, &to);
		if (!strcmp(d, rf->revision)) {
			problem_add(&g->problems, PROBLEM_SELF_REFERENCE, rf->revision, d, rf->path,
				    rf_deps(rf).span.line, rf->load_index,
				    "revision %s names itself in depends_on (Alembic: Dependency self-loop is detected)", d);
			continue;
		}
		if (to == i) { /* its own branch label: Alembic's cycle check finds it */
			problem_add(&g->problems, PROBLEM_SELF_REFERENCE, rf->revision, d, rf->path,
				    rf_deps(rf).span.line, rf->load_index,
				    "revision %s names itself in depends_on by its own branch label '%s' (Alembic: "
				    "Dependency cycle is detected)", rf->revision, d);
			continue;
		}
		if (to == NO_NODE) {
			problem_add(&g->problems, PROBLEM_MISSING_DEPENDENCY, rf->revision, d, rf->path,
				    rf_deps(rf).span.line, rf->load_index,
				    "depends_on '%s' names no revision id or branch label", d);
			continue;
		}
		/* one also a down revision counts once, as a child (link_back) */
		if (!u32_contains(&nd->deps, to))
			u32_push(&nd->deps, to);
	}
	strmap_free(&seen);
}

static void lend(struct u32vec *vec, uint32_t **room, uint32_t cap)
{
	if (!cap)
		return;
	*vec = (struct u32vec){ .v = *room, .n = 0, .cap = cap | U32_BORROWED };
	*room += cap;
}

/* Room for the edge lists of the first REAL nodes, as many as their files name
 * (NAMED; a name repeated or missing leaves some unused): down and deps,
 * norm_deps (a part of deps) and norm_down (down and norm_deps), which
 * graph_derive.c fills. */
static void lend_edges(struct graph *g, uint32_t real, const struct named *named)
{
	size_t total = 0;
	uint32_t *room;

	for (uint32_t i = 0; i < real; i++)
		total += 2 * (size_t)named[i].down + 3 * (size_t)named[i].deps;
	if (!total)
		return;
	room = g->edge_block = xmalloc(total * sizeof(uint32_t));
	for (uint32_t i = 0; i < real; i++) {
		struct node *nd = &g->nodes[i];
		uint32_t down = named[i].down, deps = named[i].deps;

		lend(&nd->down, &room, down);
		lend(&nd->deps, &room, deps);
		lend(&nd->norm_deps, &room, deps);
		lend(&nd->norm_down, &room, down + deps);
	}
}

/* The reverse edges, counted, then laid out in one block: children in node
 * order, and the dependants, revisions whose depends_on names one that is not
 * also their down revision. */
static void link_back(struct graph *g, uint32_t real)
{
	size_t total = 0;
	uint32_t *room;

	for (uint32_t i = 0; i < real; i++) {
		const struct node *nd = &g->nodes[i];

		for (uint32_t k = 0; k < nd->down.n; k++)
			g->nodes[nd->down.v[k]].children.n++;
		for (uint32_t k = 0; k < nd->deps.n; k++)
			if (!u32_contains(&nd->down, nd->deps.v[k]))
				g->nodes[nd->deps.v[k]].dependants.n++;
	}
	for (uint32_t i = 0; i < g->n; i++)
		total += (size_t)g->nodes[i].children.n + g->nodes[i].dependants.n;
	if (!total)
		return;
	room = g->link_block = xmalloc(total * sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++) {
		struct node *nd = &g->nodes[i];

		lend(&nd->children, &room, nd->children.n);
		lend(&nd->dependants, &room, nd->dependants.n);
	}
	for (uint32_t i = 0; i < real; i++) {
		const struct node *nd = &g->nodes[i];

		for (uint32_t k = 0; k < nd->down.n; k++)
			u32_push(&g->nodes[nd->down.v[k]].children, i);
		for (uint32_t k = 0; k < nd->deps.n; k++)
			if (!u32_contains(&nd->down, nd->deps.v[k]))
				u32_push(&g->nodes[nd->deps.v[k]].dependants, i);
	}
}

/* Every node's flags; a merge is a real node (below REAL) naming two or more. */
static void set_flags(struct graph *g, uint32_t real, const struct named *named)
{
	for (uint32_t i = 0; i < g->n; i++) {
		struct node *nd = &g->nodes[i];

		nd->is_head = nd->children.n == 0;
		nd->is_real_head = nd->is_head && nd->dependants.n == 0;
		nd->is_branch_point = nd->children.n > 1;
		nd->is_real_branch_point = nd->children.n + nd->dependants.n > 1;
		nd->is_merge_point = i < real && named[i].down > 1;
	}
}

static int cmp_by_load(const void *a, const void *b, void *ctx)
{
	const struct graph *g = ctx;
	size_t x = g->nodes[*(const uint32_t *)a].file->load_index;
	size_t y = g->nodes[*(const uint32_t *)b].file->load_index;

	return x < y ? -1 : x > y;
}

static void collect_ends(struct graph *g)
{
	for (uint32_t i = 0; i < g->n; i++) {
		struct node *nd = &g->nodes[i];

		if (nd->phantom)
			continue;
		if (nd->is_head)
			u32_push(&g->heads, i);
		if (nd->is_real_head)
			u32_push(&g->real_heads, i);
		if (nd->is_base)
			u32_push(&g->bases, i);
	}
	/* Alembic keeps heads in the order their Script objects were loaded */
	sort_array_r(g->heads.v, g->heads.n, sizeof(uint32_t), cmp_by_load, g);
	sort_array_r(g->real_heads.v, g->real_heads.n, sizeof(uint32_t), cmp_by_load, g);
	sort_array_r(g->bases.v, g->bases.n, sizeof(uint32_t), cmp_by_load, g);
}

void node_free_edges(struct node *nd)
{
	u32_free(&nd->down);
	u32_free(&nd->deps);
	u32_free(&nd->norm_deps);
	u32_free(&nd->norm_down);
	u32_free(&nd->children);
	u32_free(&nd->dependants);
}

void graph_free(struct graph *g)
{
	for (uint32_t i = 0; i < g->n; i++)
		node_free_edges(&g->nodes[i]);
	free(g->nodes);
	free(g->component);
	free(g->component_roots);
	free(g->base_below);
	free(g->down_at);
	free(g->down_flat);
	free(g->node_flat);
	order_ranks_free(g->ranks);
	free(g->edge_block);
	free(g->link_block);
	label_store_free(g->label_store);
	strmap_free(&g->index);
	strmap_free(&g->labels);
	sl_free(&g->owned);
	u32_free(&g->heads);
	u32_free(&g->real_heads);
	u32_free(&g->bases);
	problem_list_free(&g->problems);
	memset(g, 0, sizeof(*g));
}

void graph_find_cycles(struct graph *g);
void graph_normalize_deps(struct graph *g);
void graph_inherit_labels_fresh(struct graph *g, bool none);
void graph_components(struct graph *g);

uint8_t graph_node_flat(const struct graph *g, uint32_t v)
{
	const struct node *nd = &g->nodes[v];
	bool line = !(nd->phantom || nd->is_head || nd->is_base || nd->is_branch_point || nd->is_merge_point ||
		      nd->n_labels || nd->deps.n || nd->dependants.n || nd->down.n != 1);
	bool chain = nd->down.n == 1 && g->nodes[nd->down.v[0]].children.n == 1;

	return (nd->phantom ? NODE_FLAT_PHANTOM : 0) | (nd->is_base ? NODE_FLAT_BASE : 0) |
	       (line ? NODE_FLAT_LINE : 0) | (chain ? NODE_FLAT_CHAIN : 0);
}

/* The down_revision edges flat (graph.h). graph_build makes them before the
 * passes that walk every edge (the cycle check), which then read 4 bytes an
 * edge, not a 128-byte node and its list at random. */
static void flatten_edges(struct graph *g)
{
	static uint64_t flat_gens;
	size_t m = 0;

	g->flat_gen = __atomic_add_fetch(&flat_gens, 1, __ATOMIC_RELAXED);

	for (uint32_t i = 0; i < g->n; i++)
		m += g->nodes[i].down.n;
	free(g->down_at);
	free(g->down_flat);
	g->down_at = xmalloc(((size_t)g->n + 1) * sizeof(uint32_t));
	g->down_flat = xmalloc((m ? m : 1) * sizeof(uint32_t));
	m = 0;
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		g->down_at[i] = (uint32_t)m;
		for (uint32_t k = 0; k < nd->down.n; k++)
			g->down_flat[m++] = nd->down.v[k];
	}
	g->down_at[g->n] = (uint32_t)m;
}

/* Each node's flags, once its labels are known. A node's first parent is
 * anywhere: its count of children (whether the node chains) is asked for
 * sixteen nodes ahead, from the flat edges. */
static void flatten_nodes(struct graph *g)
{
	free(g->node_flat);
	g->node_flat = xmalloc(g->n ? g->n : 1);
	for (uint32_t i = 0; i < g->n; i++) {
		if (i + 16 < g->n && g->down_at[i + 16] < g->down_at[i + 17])
			__builtin_prefetch(&g->nodes[g->down_flat[g->down_at[i + 16]]].children.n);
		g->node_flat[i] = graph_node_flat(g, i);
	}
}

void graph_flatten(struct graph *g)
{
	flatten_edges(g);
	flatten_nodes(g);
}

bool graph_relinked_since(const struct graph *g, uint64_t flat_gen, uint64_t n_relinked,
			  uint32_t out[GRAPH_RELINK_LOG], uint32_t *n)
{
	*n = 0;
	if (!g->flat_gen || flat_gen != g->flat_gen || n_relinked > g->n_relinked ||
	    g->n_relinked - n_relinked > GRAPH_RELINK_LOG)
		return false;
	for (uint64_t k = n_relinked; k < g->n_relinked; k++)
		out[(*n)++] = g->relinked[k % GRAPH_RELINK_LOG];
	return true;
}

void graph_build(struct graph *g, const struct file_list *files)
{
	struct named *named;
	uint32_t real;
	bool unknown, labelled = false;

	static uint64_t ids_gens;

	memset(g, 0, sizeof(*g));
	g->ids_gen = __atomic_add_fetch(&ids_gens, 1, __ATOMIC_RELAXED);
	strmap_init(&g->index);
	strmap_init(&g->labels);
	g->cap = files->n + 16; /* one node per file, and room for a few phantoms */
	g->nodes = xmalloc(g->cap * sizeof(*g->nodes));
	strmap_reserve(&g->index, files->n);
	named = xmalloc((files->n ? files->n : 1) * sizeof(*named));
	unknown = index_revisions(g, files, named);
	real = g->n;
	index_labels(g, named);
	lend_edges(g, real, named);
	for (uint32_t i = 0; i < real; i++) {
		link_ahead(g, named, i, real);
		link_down(g, i, real, named[i].hash);
	}
	for (uint32_t i = 0; i < real; i++)
		if (named[i].deps) /* nearly none: its file not read again */
			link_deps(g, i);
	link_back(g, real);
	set_flags(g, real, named);
	for (uint32_t i = 0; i < real; i++) {
		g->any_deps = g->any_deps || named[i].deps; /* as graph_normalize_deps finds it: the cycle check reads flat */
		labelled = labelled || named[i].labels;
	}
	free(named);
	collect_ends(g);
	flatten_edges(g);
	graph_find_cycles(g);
	graph_normalize_deps(g);
	/* its nodes are new; with no label nor unknown value in any file, their
	 * empty sets are all there is to know (no pass over the files) */
	graph_inherit_labels_fresh(g, !labelled && !unknown);
	flatten_nodes(g);
	graph_components(g);
}

static bool prefix_candidate(const char *key, const char *arg)
{
	return strlen(key) > 3 && str_starts_with(key, arg);
}

/* Alembic's partial lookup scans every key of its map: ids and branch labels. */
static void prefix_matches(const struct graph *g, const char *arg, struct strlist *keys,
			   uint32_t *last)
{
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		uint32_t owner;

		if (nd->phantom)
			continue;
		if (prefix_candidate(nd->id, arg)) {
			sl_push(keys, nd->id);
			*last = i;
		}
		for (size_t k = 0; k < rf_label_ids(nd->file)->n; k++) {
			const char *label = rf_label_ids(nd->file)->v[k];

			if (prefix_candidate(label, arg) && strmap_get(&g->labels, label, &owner) &&
			    owner == i) {
				sl_push(keys, label);
				*last = i;
			}
		}
	}
}

enum resolve_result graph_resolve(const struct graph *g, const char *arg, uint32_t *node,
				  struct strlist *matches)
{
	struct strlist keys = { 0 };
	uint32_t at, last = NO_NODE;
	enum resolve_result r;

	if (strmap_get(&g->index, arg, &at) && !g->nodes[at].phantom) {
		*node = at;
		return RESOLVE_OK;
	}
	if (strmap_get(&g->labels, arg, &at)) {
		*node = at;
		return RESOLVE_OK;
	}
	prefix_matches(g, arg, &keys, &last);
	r = keys.n == 0 ? RESOLVE_NONE : keys.n == 1 ? RESOLVE_OK : RESOLVE_AMBIGUOUS;
	if (r == RESOLVE_OK)
		*node = last;
	if (matches)
		sl_copy(matches, &keys);
	sl_free(&keys);
	return r;
}
