/* analyze.c - warnings and fix suggestions over a built graph. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "migtree/analyze.h"
#include "migtree/docstring.h"

/* Create Date as written, "" when absent (sorts first). */
static const char *created(const struct graph *g, uint32_t v)
{
	const char *d = g->nodes[v].file->doc_create_date.value;

	return d ? d : "";
}

/* Parent E of ND over down_revision then depends_on (a dependency links pieces
 * too: expand and contract heads are related through it), or NO_NODE. */
static uint32_t up_edge(const struct node *nd, uint32_t e)
{
	if (e < nd->down.n)
		return nd->down.v[e];
	e -= nd->down.n;
	return e < nd->deps.n ? nd->deps.v[e] : NO_NODE;
}

/* Parent E of node V as up_edge gives it, from the flat lists where no
 * revision has a depends_on: the walks below then read 4 bytes a node, not its
 * 136 (at 100,000 revisions, a cache miss a node). */
static uint32_t up_edge_of(const struct graph *g, uint32_t v, uint32_t e)
{
	uint32_t at;

	if (g->any_deps || !g->down_at)
		return up_edge(&g->nodes[v], e);
	at = g->down_at[v] + e;
	return at < g->down_at[v + 1] ? g->down_flat[at] : NO_NODE;
}

/* The oldest base by Create Date (ties: load order): where the history starts. */
uint32_t graph_primary_base(const struct graph *g)
{
	uint32_t best = NO_NODE;

	for (uint32_t i = 0; i < g->bases.n; i++) {
		uint32_t b = g->bases.v[i];

		if (best == NO_NODE || strcmp(created(g, b), created(g, best)) < 0)
			best = b;
	}
	return best;
}

uint32_t graph_main_component(const struct graph *g)
{
	uint32_t base = graph_primary_base(g), *size, best = 0;

	if (base != NO_NODE)
		return g->component[base];
	size = xcalloc(g->n_components ? g->n_components : 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom)
			size[g->component[i]]++;
	for (uint32_t c = 1; c < g->n_components; c++)
		if (size[c] > size[best])
			best = c;
	free(size);
	return best;
}

/* MARK[v] for every ancestor of A (A included), by down_revision and depends_on. */
static bool *mark_ancestors(const struct graph *g, uint32_t a)
{
	bool *mark = xcalloc(g->n ? g->n : 1, sizeof(bool));
	struct u32vec q = { 0 };

	u32_push(&q, a);
	mark[a] = true;
	for (uint32_t h = 0; h < q.n; h++) {
		for (uint32_t k = 0, w; (w = up_edge_of(g, q.v[h], k)) != NO_NODE; k++)
			if (!mark[w]) {
				mark[w] = true;
				u32_push(&q, w);
			}
	}
	free(q.v);
	return mark;
}

/* Breadth-first down from B to the first node of MARK: the nearest common
 * ancestor on B's side. SEEN is scratch of g->n entries, cleared on return. */
static uint32_t first_marked_below(const struct graph *g, const bool *mark, uint32_t b, bool *seen)
{
	struct u32vec q = { 0 };
	uint32_t found = NO_NODE;

	u32_push(&q, b);
	seen[b] = true;
	for (uint32_t h = 0; h < q.n && found == NO_NODE; h++) {
		if (mark[q.v[h]] && !g->nodes[q.v[h]].phantom) {
			found = q.v[h];
			break;
		}
		for (uint32_t k = 0, w; (w = up_edge_of(g, q.v[h], k)) != NO_NODE; k++)
			if (!seen[w]) {
				seen[w] = true;
				u32_push(&q, w);
			}
	}
	for (uint32_t h = 0; h < q.n; h++) /* only what was touched: cheap to clear */
		seen[q.v[h]] = false;
	free(q.v);
	return found;
}

uint32_t graph_common_ancestor(const struct graph *g, uint32_t a, uint32_t b)
{
	bool *mark = mark_ancestors(g, a), *seen = xcalloc(g->n ? g->n : 1, sizeof(bool));
	uint32_t found = first_marked_below(g, mark, b, seen);

	free(mark);
	free(seen);
	return found;
}

bool *graph_line_since(const struct graph *g, uint32_t v, uint32_t c)
{
	bool *stop = c != NO_NODE ? mark_ancestors(g, c) : xcalloc(g->n ? g->n : 1, sizeof(bool));
	bool *line = xcalloc(g->n ? g->n : 1, sizeof(bool));
	struct u32vec q = { 0 };

	if (!stop[v]) {
		u32_push(&q, v);
		line[v] = true;
	}
	for (uint32_t h = 0; h < q.n; h++) {
		const struct node *nd = &g->nodes[q.v[h]];

		for (uint32_t k = 0; k < nd->down.n; k++) {
			uint32_t w = nd->down.v[k];

			if (!stop[w] && !line[w]) {
				line[w] = true;
				u32_push(&q, w);
			}
		}
	}
	free(q.v);
	free(stop);
	return line;
}

static int line_of_down(const struct node *nd)
{
	return nd->file->down.span.line ? nd->file->down.span.line : nd->file->down.line;
}

/* The newest head of GROUP by Create Date, preferring the main piece: the one to
 * keep. */
static uint32_t primary_head(const struct graph *g, const struct u32vec *group, uint32_t main_comp)
{
	uint32_t best = NO_NODE;

	for (int pass = 0; pass < 2 && best == NO_NODE; pass++)
		for (uint32_t i = 0; i < group->n; i++) {
			uint32_t h = group->v[i];

			if (pass == 0 && g->component[h] != main_comp)
				continue;
			if (best == NO_NODE || strcmp(created(g, h), created(g, best)) >= 0)
				best = h;
		}
	return best;
}

static uint32_t uf_root(uint32_t *up, uint32_t x)
{
	while (up[x] != x)
		x = up[x] = up[up[x]];
	return x;
}

/* Heads are on one branch when neither carries a branch label, or when they share
 * one: then `alembic upgrade head` (or `label@head`) cannot choose. Heads with
 * distinct labels (expand/contract) are intended. A head whose labels are unknown
 * is left alone: its unknown_value warning says why. Returns, per head index, the
 * index of its group's first head.
 * A head's labels are its label set's: the labels of the set below it and its
 * own (graph.h). Every head holding a set holds the set below it, so a set is
 * one with the set below it and with the sets that hold one of its own labels
 * too; each set is read once, whatever the heads holding it (a line labelled
 * on every revision with a head every 100th read every head's labels: `check`
 * 0.13 -> 1.10 s from 10,000 to 30,000). Union-find over heads, then sets. */
static uint32_t *group_heads(const struct graph *g)
{
	uint32_t h = g->heads.n, n_sets = graph_label_sets(g), n_ranks = graph_label_ranks(g);
	uint32_t *up = xmalloc(((size_t)h + n_sets) * sizeof(uint32_t)), unlabelled = NO_NODE;
	uint32_t *name = xmalloc(((size_t)h + n_sets) * sizeof(uint32_t)), *group = xmalloc((h ? h : 1) * sizeof(uint32_t));
	uint32_t *owner = xmalloc((n_ranks ? n_ranks : 1) * sizeof(uint32_t));
	bool *read = xcalloc(n_sets, sizeof(bool));

	for (uint32_t i = 0; i < h + n_sets; i++)
		up[i] = i;
	memset(owner, 0xff, (n_ranks ? n_ranks : 1) * sizeof(uint32_t)); /* NO_NODE */
	for (uint32_t i = 0; i < h; i++) {
		const struct node *nd = &g->nodes[g->heads.v[i]];

		if (nd->labels_unknown)
			continue;
		if (!nd->n_labels) {
			if (unlabelled == NO_NODE)
				unlabelled = i;
			else
				up[uf_root(up, i)] = uf_root(up, unlabelled);
			continue;
		}
		if (!nd->label_set) /* no set to read: none shared */
			continue;
		up[uf_root(up, i)] = uf_root(up, h + nd->label_set);
		for (uint32_t s = nd->label_set, below; s && !read[s]; s = below) {
			read[s] = true;
			for (uint32_t k = 0; k < graph_label_set_own(g, s); k++) {
				uint32_t r = graph_label_set_rank(g, s, k);

				if (owner[r] == NO_NODE)
					owner[r] = s;
				else
					up[uf_root(up, h + s)] = uf_root(up, h + owner[r]);
			}
			below = graph_label_set_below(g, s);
			if (below)
				up[uf_root(up, h + s)] = uf_root(up, h + below);
		}
	}
	/* each group named by its first head, as the heads come */
	memset(name, 0xff, ((size_t)h + n_sets) * sizeof(uint32_t));
	for (uint32_t i = 0, r; i < h; i++) {
		r = uf_root(up, i);
		if (name[r] == NO_NODE)
			name[r] = i;
		group[i] = name[r];
	}
	free(up);
	free(name);
	free(owner);
	free(read);
	return group;
}

/* The first label (strcmp order) heads share with one primary head, a head at
 * a time, each label set read once for that primary: a set's answer is the
 * smaller of the one below it and the first of its own the primary holds
 * (reading both heads' labels whole for each head was quadratic on a line
 * labelled on every revision with a head every 100th). */
struct shared {
	uint32_t primary;
	uint32_t stamp;
	uint32_t *in_primary; /* rank -> STAMP when the primary holds it */
	uint32_t *set_stamp, *set_first; /* set -> its answer (rank + 1, 0 none) when STAMP */
	struct u32vec path;
};

static void shared_free(struct shared *sh)
{
	free(sh->in_primary);
	free(sh->set_stamp);
	free(sh->set_first);
	free(sh->path.v);
}

/* SH asked about PRIMARY from now on: the ranks its labels have marked. */
static void shared_for(struct shared *sh, const struct graph *g, uint32_t primary)
{
	if (!sh->in_primary) {
		sh->in_primary = xcalloc(graph_label_ranks(g) + 1, sizeof(uint32_t));
		sh->set_stamp = xcalloc(graph_label_sets(g), sizeof(uint32_t));
		sh->set_first = xmalloc(graph_label_sets(g) * sizeof(uint32_t));
	}
	sh->primary = primary;
	sh->stamp++;
	for (uint32_t s = g->nodes[primary].label_set; s; s = graph_label_set_below(g, s))
		for (uint32_t k = 0; k < graph_label_set_own(g, s); k++)
			sh->in_primary[graph_label_set_rank(g, s, k)] = sh->stamp;
}

static const char *shared_label(struct shared *sh, const struct graph *g, uint32_t a, uint32_t primary)
{
	uint32_t s = g->nodes[a].label_set, first = 0;

	if (!s || !g->nodes[primary].label_set)
		return NULL;
	if (!sh->stamp || sh->primary != primary)
		shared_for(sh, g, primary);
	sh->path.n = 0;
	for (; s && sh->set_stamp[s] != sh->stamp; s = graph_label_set_below(g, s))
		u32_push(&sh->path, s);
	first = s ? sh->set_first[s] : 0;
	while (sh->path.n) { /* from the lowest set read up to A's */
		s = sh->path.v[--sh->path.n];
		for (uint32_t k = 0; k < graph_label_set_own(g, s); k++) {
			uint32_t r = graph_label_set_rank(g, s, k);

			if (sh->in_primary[r] == sh->stamp && (!first || r + 1 < first))
				first = r + 1;
		}
		sh->set_stamp[s] = sh->stamp;
		sh->set_first[s] = first;
	}
	return first ? graph_label_name(g, first - 1) : NULL;
}

/* The message of head H's warning beside PRIMARY; ANC their common ancestor
 * (NO_NODE: none), or PENDING_ANCESTOR: said later (analyze_suggest). */
#define PENDING_ANCESTOR (NO_NODE - 1)

static char *head_message(struct shared *sh, const struct graph *g, uint32_t h, uint32_t primary, uint32_t n_group,
			  uint32_t anc)
{
	const struct node *nd = &g->nodes[h], *pn = &g->nodes[primary];
	const char *label = shared_label(sh, g, h, primary);
	char target[256];

	snprintf(target, sizeof(target), "%.200s%s", label ? label : "head", label ? "@head" : "");
	return xasprintf("%s (%s:%d) is one of %u heads%s%s%s, beside %s (%s:%d)%s%s; `alembic upgrade %s` fails "
			 "with \"Multiple head%s present\"",
			 nd->id, nd->file->path, nd->file->rev.line, n_group, label ? " of branch '" : "",
			 label ? label : "", label ? "'" : "", pn->id, pn->file->path, pn->file->rev.line,
			 anc == PENDING_ANCESTOR ? "" : anc != NO_NODE ? ", common ancestor " : ", no common ancestor",
			 anc < PENDING_ANCESTOR ? g->nodes[anc].id : "", target, label ? "s are" : " revisions are");
}

static void report_head(struct shared *sh, struct graph *g, uint32_t h, uint32_t primary, uint32_t n_group,
			uint32_t anc)
{
	const struct node *nd = &g->nodes[h], *pn = &g->nodes[primary];
	char *msg = head_message(sh, g, h, primary, n_group, anc);
	struct problem *p;
	struct fix *f;

	p = problem_add(&g->problems, PROBLEM_MULTIPLE_HEADS, nd->id, pn->id, nd->file->path,
			nd->file->rev.line, nd->file->load_index, "%s", msg);
	free(msg);
	p->pending = anc == PENDING_ANCESTOR;
	p->group = n_group;
	if (g->component[h] != g->component[primary]) {
		/* a merge across pieces that share no ancestor joins two histories
		 * that were one before a link broke, and putting one head after the
		 * other tears it from its piece: connect the pieces instead */
		f = problem_add_fix(p, FIX_PLAN, NULL, NULL);
		f->reason = xasprintf("its piece shares no ancestor with %s's: connect the pieces "
				      "(disconnected_component's fixes), or all at once", pn->id);
		return;
	}
	sl_push(&p->candidates, pn->id);
	f = problem_add_fix(p, FIX_MERGE, NULL, "merge them");
	sl_push(&f->parents, pn->id);
	sl_push(&f->parents, nd->id);
	f = problem_add_fix(p, FIX_SET_DOWN, nd->id, "put one after the other");
	sl_push(&f->parents, pn->id);
}

/* Pieces holding a revision whose down_revision only running the file could tell:
 * such a piece may well hang below one of the other heads of its branch. */
static bool *floating_pieces(const struct graph *g)
{
	bool *floats = xcalloc(g->n_components ? g->n_components : 1, sizeof(bool));

	for (uint32_t i = 0; g->any_unknown_down && i < g->n; i++) /* else no file is read */
		if (!g->nodes[i].phantom && pv_n_unknown(&g->nodes[i].file->down))
			floats[g->component[i]] = true;
	return floats;
}

static void warn_heads(struct graph *g, uint32_t main_comp, bool defer_suggestions)
{
	uint32_t h = g->heads.n, *group = group_heads(g);
	bool *floats = floating_pieces(g);
	uint32_t *start = xcalloc(h + 2, sizeof(uint32_t)), *fill = xcalloc(h + 1, sizeof(uint32_t));
	uint32_t *slot = xmalloc((h ? h : 1) * sizeof(uint32_t));
	bool *seen = xcalloc(g->n ? g->n : 1, sizeof(bool));
	struct shared sh = { 0 };

	/* heads bucketed by group (a counting sort: linear however many groups) */
	for (uint32_t i = 0; i < h; i++)
		start[group[i] + 1]++;
	for (uint32_t i = 0; i < h; i++)
		fill[i + 1] = start[i + 1] += start[i];
	for (uint32_t i = 0; i < h; i++)
		slot[fill[group[i]]++] = g->heads.v[i];
	for (uint32_t i = 0; i < h; i++) {
		struct u32vec members = { slot + start[i], start[i + 1] - start[i], 0 };
		uint32_t primary, floating = 0;
		bool *mark;

		for (uint32_t k = 0; k < members.n; k++) /* each may join another head */
			floating += floats[g->component[members.v[k]]];
		if (members.n < 2 + floating)
			continue;
		primary = primary_head(g, &members, main_comp);
		/* the primary's ancestors once; each other head walks down only to
		 * meet them, and one in another piece (joined by no edge) never does:
		 * it would walk its whole piece to find nothing. Left for later with
		 * the suggestions (the message only says it). */
		mark = defer_suggestions ? NULL : mark_ancestors(g, primary);
		for (uint32_t k = 0; k < members.n; k++) {
			uint32_t x = members.v[k];

			if (x != primary)
				report_head(&sh, g, x, primary, members.n,
					    g->component[x] != g->component[primary] ? NO_NODE
					    : !mark ? PENDING_ANCESTOR
						    : first_marked_below(g, mark, x, seen));
		}
		free(mark);
	}
	free(floats);
	free(start);
	free(fill);
	free(slot);
	free(seen);
	free(group);
	shared_free(&sh);
}

static void warn_bases(struct graph *g)
{
	uint32_t primary = graph_primary_base(g);

	if (g->bases.n < 2)
		return;
	for (uint32_t i = 0; i < g->bases.n; i++) {
		uint32_t b = g->bases.v[i];
		const struct node *nd = &g->nodes[b];

		if (b == primary)
			continue;
		problem_add(&g->problems, PROBLEM_MULTIPLE_BASES, nd->id, g->nodes[primary].id,
			    nd->file->path, line_of_down(nd), nd->file->load_index,
			    "%s is one of %u bases (down_revision = None) beside %s, the oldest; "
			    "a second base starts a separate history",
			    nd->id, g->bases.n, g->nodes[primary].id);
	}
}

/* Per piece, what loose_reason needs, gathered in one pass over the loose
 * pieces' nodes: the phantoms as a list through NEXT (node order) and the
 * first node whose down_revision is unknown. A history broken in many places
 * has as many pieces as missing parents, so a scan of every node per piece
 * would be quadratic. */
struct loose_parts {
	uint32_t *phantom_head, *next, *unknown;
};

/* Is any of COMP[0 .. 16) other than MAIN? Four compares of four numbers
 * where there is SSE2 (the compiler at -O2 makes no vector test of a loop over
 * single numbers), else eight of two numbers a word. */
static inline bool any_other16(const uint32_t *comp, uint32_t main)
{
#if defined(__SSE2__)
	const __m128i m = _mm_set1_epi32((int)main);
	__m128i same = _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(const void *)comp), m);

	for (int k = 4; k < 16; k += 4)
		same = _mm_and_si128(same, _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(const void *)(comp + k)), m));
	return _mm_movemask_epi8(same) != 0xffff;
#else
	const uint64_t pair = (uint64_t)main << 32 | main;
	uint64_t any = 0, w;

	for (int k = 0; k < 16; k += 2) {
		memcpy(&w, comp + k, sizeof(w));
		any |= w ^ pair;
	}
	return any != 0;
#endif
}

/* The nodes outside the main piece (MAIN_COMP), in node order. Most nodes are
 * in it: they are passed over sixteen at a time (an edit made this pass twice
 * over 100,000 piece numbers, 3% of it; 0.43M -> 0.1M instructions an edit with
 * SSE2's compares). */
static void nodes_outside(const struct graph *g, uint32_t main_comp, struct u32vec *out)
{
	const uint32_t *comp = g->component;
	uint32_t i = 0;

	for (; i + 16 <= g->n; i += 16) {
		if (!any_other16(comp + i, main_comp))
			continue;
		for (uint32_t k = i; k < i + 16; k++)
			if (comp[k] != main_comp)
				u32_push(out, k);
	}
	for (; i < g->n; i++)
		if (comp[i] != main_comp)
			u32_push(out, i);
}

/* Only the loose pieces' nodes (OUTSIDE: nodes_outside's) are asked about,
 * and a file is read only when some down_revision is unknown
 * (g->any_unknown_down): a file read per node is a cache miss each (1.4 ms an
 * edit at 100,000 revisions, measured by perf). */
static void loose_parts_init(struct loose_parts *lp, const struct graph *g, uint32_t nc,
			     const struct u32vec *outside)
{
	lp->phantom_head = xmalloc(nc * sizeof(uint32_t));
	lp->unknown = xmalloc(nc * sizeof(uint32_t));
	lp->next = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	for (uint32_t c = 0; c < nc; c++)
		lp->phantom_head[c] = lp->unknown[c] = NO_NODE;
	for (uint32_t k = outside->n; k-- > 0;) {
		uint32_t i = outside->v[k];
		const struct node *nd = &g->nodes[i];

		if (nd->phantom) {
			lp->next[i] = lp->phantom_head[g->component[i]];
			lp->phantom_head[g->component[i]] = i;
		} else if (g->any_unknown_down && pv_n_unknown(&nd->file->down)) {
			lp->unknown[g->component[i]] = i;
		}
	}
}

static void loose_parts_free(struct loose_parts *lp)
{
	free(lp->phantom_head);
	free(lp->next);
	free(lp->unknown);
}

/* Why piece C hangs loose: the parents it names that no file defines (each
 * phantom belongs to the piece of the revisions naming it), or a parent only
 * running the file could tell. */
static void loose_reason(const struct graph *g, const struct loose_parts *lp, uint32_t c,
			 struct strbuf *why)
{
	struct strlist missing = { 0 };

	for (uint32_t i = lp->phantom_head[c]; i != NO_NODE; i = lp->next[i])
		sl_push(&missing, g->nodes[i].id);
	if (missing.n == 1) {
		sb_addf(why, " (its parent %s is missing)", missing.v[0]);
	} else if (missing.n > 1) {
		char *list = sl_join(&missing, ", ");

		sb_addf(why, " (its parents %s are missing)", list);
		free(list);
	} else if (lp->unknown[c] != NO_NODE) {
		sb_addf(why, " (the down_revision of %s is unknown without running the file)",
			g->nodes[lp->unknown[c]].id);
	}
	sl_free(&missing);
}

static void warn_components(struct graph *g, uint32_t main_comp)
{
	uint32_t nc = g->n_components ? g->n_components : 1;
	uint32_t *first = xmalloc(nc * sizeof(uint32_t)), *count = xcalloc(nc, sizeof(uint32_t));
	struct u32vec outside = { 0 };
	struct loose_parts lp;
	struct strbuf why;

	sb_init(&why);
	/* the main piece's first file and size are not asked: its nodes' files
	 * are not read (a cache miss each, 5 ms at 100,000) */
	nodes_outside(g, main_comp, &outside);
	loose_parts_init(&lp, g, nc, &outside);
	for (uint32_t c = 0; c < g->n_components; c++)
		first[c] = NO_NODE;
	for (uint32_t k = 0; k < outside.n; k++) {
		uint32_t i = outside.v[k], c = g->component[i];
		const struct node *nd = &g->nodes[i];

		if (nd->phantom)
			continue;
		count[c]++;
		if (first[c] == NO_NODE || nd->file->load_index < g->nodes[first[c]].file->load_index)
			first[c] = i;
	}
	for (uint32_t c = 0; c < g->n_components; c++) {
		const struct node *nd;

		if (c == main_comp || first[c] == NO_NODE)
			continue;
		nd = &g->nodes[first[c]];
		why.len = 0;
		if (why.buf)
			why.buf[0] = '\0';
		loose_reason(g, &lp, c, &why);
		problem_add(&g->problems, PROBLEM_DISCONNECTED_COMPONENT, nd->id, NULL, nd->file->path,
			    nd->file->rev.line, nd->file->load_index,
			    "%u revision%s with %s %s not connected to the main history%s", count[c],
			    count[c] == 1 ? "" : "s", nd->id, count[c] == 1 ? "is" : "are",
			    why.len ? why.buf : "");
	}
	sb_free(&why);
	free(first);
	free(count);
	free(outside.v);
	loose_parts_free(&lp);
}

void analyze_shape(struct graph *g, bool defer_suggestions)
{
	uint32_t main_comp = graph_main_component(g);

	warn_heads(g, main_comp, defer_suggestions);
	warn_bases(g);
	warn_components(g, main_comp);
}

/* The heads' warnings left pending: their common ancestors now (the marks of
 * one primary head serve all the heads beside it). */
void analyze_finish_messages(struct graph *g)
{
	bool *mark = NULL, *seen = NULL;
	uint32_t marked = NO_NODE;
	struct shared sh = { 0 };

	for (size_t i = 0; i < g->problems.n; i++) {
		struct problem *p = &g->problems.v[i];
		uint32_t h, primary, anc;

		if (!p->pending)
			continue;
		h = graph_find(g, p->revision);
		primary = graph_find(g, p->ref);
		if (primary != marked) {
			free(mark);
			mark = mark_ancestors(g, primary);
			marked = primary;
		}
		if (!seen)
			seen = xcalloc(g->n ? g->n : 1, sizeof(bool));
		anc = first_marked_below(g, mark, h, seen);
		free(p->message);
		p->message = head_message(&sh, g, h, primary, p->group, anc);
		p->pending = false;
	}
	free(mark);
	free(seen);
	shared_free(&sh);
}

bool analyze_suggest(struct graph *g)
{
	if (!g->suggest_pending)
		return false;
	g->suggest_pending = false;
	analyze_finish_messages(g);
	suggest_missing_parents(g);
	return true;
}

void analyze_graph(struct graph *g, bool defer_suggestions)
{
	analyze_shape(g, defer_suggestions);
	docstring_check(g);
	g->suggest_pending = true;
	if (!defer_suggestions)
		analyze_suggest(g);
	problem_list_sort(&g->problems);
}
