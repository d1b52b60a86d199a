/* suggest.c - ranked candidates for a down_revision that names nothing, and for
 * the root of a piece that hangs loose.
 *
 * People break chains in a few recurring ways, so candidates are ranked by how
 * directly they explain the mistake: the missing text is a file name (written
 * instead of the id), or a prefix of exactly one id (or one id is a prefix of it),
 * or the docstring's `Revises:` still names the right parent, or the graph shows
 * who lost a child (a childless head, one per broken link when several break),
 * or, failing all, the revision created just before this one. The graph also says where a parent cannot be: a merge revision
 * joins heads, so a line that a merge joins with another did not hang below that
 * other; a loose piece (cut off, joined back by no merge) may hang on a head newer
 * than its root, as a rebased branch keeps its Create Dates, and its Revises: may
 * name the old fork point. A candidate that would make a cycle
 * (a descendant of the revision) is never offered, nor, for a loose piece, one of
 * its own revisions (that would not connect it). Each candidate is a fix
 * (fix.h): re-parent the revision onto it, with the signal as its reason.
 *
 * Scanning every revision per missing parent is quadratic when many parents are
 * missing, so the signals come from indexes built once (struct sindex): the
 * missing texts hashed, each file name's `_<slug>` keys and each id's prefixes
 * looked up in them (one pass, nothing copied), Create Dates sorted for "just
 * before". "A descendant of V" stays exact without a walk over
 * every descendant of every V: each candidate is asked about alone, by a walk
 * down its ancestors through the nodes that could be V's descendants: above V's
 * level (longest path from a base) and below its height (longest path to a
 * head), in V's piece. What one walk proves is kept for V's next question.
 * Candidates near V in the history (the usual case, and Create Date's) make
 * short walks, and so does a V low in the history whose parent is missing (its
 * level is 1, but its height prunes); the worst case is a walk over the history
 * per candidate, when candidates sit far above V.
 * A history with a cycle has no levels: it takes the descendants walk per V.
 * The pairing of childless heads with broken links (claims_solve) lists a few
 * heads per link once, before the problems are answered, and tries every
 * pairing only within small groups of links that list one head. */
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/didyoumean.h"
#include "migtree/docstring.h"
#include "migtree/githints.h"

/* How much each signal weighs: the strongest signal a candidate has ranks it,
 * and each other signal that agrees adds AGREE, never enough to pass a stronger
 * signal. git knows what the link was; a text that is nearly an id explains the
 * mistake; the graph says who lost a child; Create Date only says "about then". */
enum {
	W_GIT_WORKTREE = 100, /* the file's committed parent: the break is not committed */
	W_GIT_HISTORY = 95,   /* its parent before the commit that last changed it */
	W_GIT_RENAMED = 92,   /* the id the missing revision's file took when renamed */
	W_GIT_DELETED = 90,   /* the parent of the missing revision's deleted file */
	W_GIT_DELETED_MORE = 85, /* a deleted merge's other parents: its first leads */
	W_NAME = 80,          /* its file name is the missing text */
	W_TYPO = 75,          /* one or two characters from the missing text */
	W_PREFIX = 70,        /* the only id sharing the prefix */
	W_DOCSTRING = 60,     /* the docstring's Revises: line */
	W_HEAD = 40,          /* a childless head created near it (lost its child) */
	W_DOC_STALE = 30,     /* Revises: naming a revision whose line goes on, for a loose piece */
	W_SEQ = 35,           /* numbered just before the missing id (N-1) */
	W_DATE = 20,          /* created just before it */
	W_TYPO_NUMBER = 15,   /* a typo in the number only, when the missing number is free */
	AGREE = 3
};

/* The candidates of one problem, gathered from every signal before any is
 * added as a fix, so that the order is the weights', not the signals'. */
struct cand {
	uint32_t node;
	unsigned base;    /* the strongest signal's weight */
	unsigned extra;   /* other signals that agree */
	unsigned signals; /* bit per weight seen: the same signal twice adds nothing */
	char *why;        /* the strongest signal's reason (owned) */
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

/* Agreement never lifts a candidate past the next signal up (5 apart at least). */
static unsigned cand_weight(const struct cand *c)
{
	return c->base + (c->extra * AGREE > 4 ? 4 : c->extra * AGREE);
}

static void cand_add(struct cands *cs, uint32_t node, unsigned weight, const char *why)
{
	unsigned bit = 1u << (weight / 5 % 32);
	struct cand *c = NULL;

	for (size_t k = 0; k < cs->n && !c; k++) /* a handful per problem */
		if (cs->v[k].node == node)
			c = &cs->v[k];
	if (!c) {
		GROW(cs->v, cs->cap, cs->n + 1);
		cs->v[cs->n++] = (struct cand){ node, weight, 0, bit, xstrdup(why) };
		return;
	}
	if (c->signals & bit)
		return;
	c->signals |= bit;
	c->extra++;
	if (weight > c->base) { /* a stronger signal: its reason leads */
		c->base = weight;
		free(c->why);
		c->why = xstrdup(why);
	}
}

static void cands_clear(struct cands *cs)
{
	for (size_t k = 0; k < cs->n; k++)
		free(cs->v[k].why);
	cs->n = 0;
}

/* Heaviest first; equal weights keep the order the signals found them. */
static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (cand_weight(x) != cand_weight(y))
		return cand_weight(x) > cand_weight(y) ? -1 : 1;
	return 0;
}

static void add_candidate(struct problem *p, const char *target, const char *id, const char *why)
{
	struct fix *f;

	unsigned rank = 1;

	for (size_t k = 0; k < p->n_fixv; k++) {
		if (p->fixv[k].rank && !strcmp(p->fixv[k].parents.v[0], id))
			return;
		rank += p->fixv[k].rank != 0;
	}
	/* candidates are parents for the problem's revision (the picker stars them);
	 * a loose piece's root may be another revision: its fixes say which */
	if (!strcmp(target, p->revision))
		sl_push(&p->candidates, id);
	f = problem_add_fix(p, FIX_SET_DOWN, target, why);
	sl_push(&f->parents, id);
	f->rank = rank;
}

static void sort_cands(struct cands *cs)
{
	for (size_t k = 1; k < cs->n; k++) { /* insertion sort: stable, and a handful */
		struct cand c = cs->v[k];
		size_t j = k;

		for (; j > 0 && cmp_cand(&cs->v[j - 1], &c) > 0; j--)
			cs->v[j] = cs->v[j - 1];
		cs->v[j] = c;
	}
}

/* A text's bit in a filter of SIG_BITS (sig_add, sig_has), from its length
 * and its first two and last two bytes: a filter of a few thousand texts
 * tells most other texts apart without hashing them. */
#define SIG_BITS 65536

static uint32_t text_sig(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t w = (uint32_t)len * 0x9e3779b9u;

	if (len >= 2)
		w ^= (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[len - 2] << 16 | (uint32_t)u[len - 1] << 24;
	return (w * 2654435761u) >> 16;
}

static void sig_add(uint64_t *bits, const char *s, size_t len)
{
	uint32_t b = text_sig(s, len);

	bits[b / 64] |= 1ull << b % 64;
}

static bool sig_has(const uint64_t *bits, const char *s, size_t len)
{
	uint32_t b = text_sig(s, len);

	return bits[b / 64] >> b % 64 & 1;
}

/* What below_v reads of a node, side by side (one cache line, not four
 * arrays' lines, a step of a walk that hops across the history): the
 * longest path from a base (LEVEL) and to a head (HEIGHT), and walk stamps:
 * not a descendant of the current V (KNOWN), one (REACHES). */
struct walk_node {
	uint32_t level, height, known, reaches;
};

/* The indexes, built on the first problem that needs them, for the texts the
 * problems at hand ask about (the queries: missing parents, a loose root's
 * missing parents), so that building costs a lookup in a small map per file name
 * key and id, not an insertion and a copy: each query's file-name matches and id
 * prefix matches are chains through one entry array, in node order. */
struct sindex {
	struct strmap queries;   /* query text -> its index */
	const char **query_text; /* by index (borrowed) */
	size_t cap_query_text;
	uint32_t *name_head, *prefix_head; /* per query: first entry, or NO_NODE */
	struct u32vec entry_node, entry_next;
	uint64_t name_lens[4];   /* query lengths 0..255 present (bitmap): a key of
	                          * another length is not hashed */
	uint32_t *prefix_lens, n_prefix_lens; /* the query lengths of 4 or more */
	uint64_t query_sigs[SIG_BITS / 64]; /* a bit per query (text_sig): most keys
	                          * and prefixes of a query's length are no query */
	const char **keys_sorted;/* ids and owned labels, sorted, for depends_on prefixes;
	                          * built for the first missing dependency */
	uint32_t *key_node, n_keys;
	bool keys_built;
	const struct graph *g;   /* the dates' (index_dates) */
	struct date_key *dates;  /* real nodes with a Create Date, by (date, node) */
	uint32_t n_dates;
	const char *date_prefix; /* the bytes every date in DATES starts with (a date's) */
	size_t date_common;      /* how many; the keys are of the bytes after them */
	uint32_t *head_pos, n_head_pos; /* the heads' places in DATES, in its order */
	uint32_t *newest;        /* per node: the newest place in DATES of it and its
	                          * descendants (newest_below), or NULL until asked */
	bool newest_built;
	struct label_list labels_x, labels_v; /* other_branch's reads, their room kept */
	/* typos: each query of 6 to 255 bytes cut in three chunks (a prefix and a
	 * suffix of a third each, the middle); two edits leave one chunk whole, in
	 * place or, for the middle, moved by two at most. Chunk text -> first query
	 * with it, the others chained through chunk_next. The ids found close
	 * enough, per query: chains through typo_node/typo_dist/typo_next. */
	struct strmap chunks[3];
	struct strlist chunk_text;
	uint32_t *chunk_next[3], *typo_head;
	/* per chunk text (by its first query): its text and ids it matched; a
	 * text many ids share ("_add_", the digits of numbered ids) proves nothing
	 * and would make the matching quadratic: past CHUNK_HITS_MAX it is dropped */
	const char **chunk_key[3];
	uint32_t *chunk_hits[3];
	struct u32vec typo_node, typo_dist, typo_next;
	uint64_t typo_lens[4];
	/* per chunk map: a bit per chunk text put in it, by its first two and
	 * last two bytes (text_sig), so that an id's text whose bit is clear is
	 * not hashed (700,000 lookups at 100,000 revisions found a handful) */
	uint64_t chunk_sigs[3][SIG_BITS / 64];
	/* have two revisions at least ids of Alembic's own form, numbered ones:
	 * -1 until asked (two_of_form), as most projects have no missing id of
	 * a form, and the answer is found in the first few of the other */
	int8_t two_hex12, two_numbered;
	/* numbered ids by their number as written ("007"), SEQ_SEVERAL for a number
	 * two revisions share; built for the first numbered missing id */
	struct strmap seq;
	struct strlist seq_text;
	struct u32vec seq_node;
	bool seq_built;
	struct walk_node *walk;  /* per node, what below_v reads; NULL with a cycle */
	uint32_t *parent;        /* stamp: a parent the current V still has */
	uint32_t stamp;
	/* the current V's walk stamp: a V asked about again (its head options,
	 * then its problem) takes back the one it had, and what its walks found
	 * then (known, reaches) still holds where no other V's walks wrote since */
	uint32_t walk_stamp, walk_stamps;
	struct u32vec stack, edge; /* below_v's walk: its path, each node's next edge */
	/* the current V's co-parents (merge.h's rule, below): stamped in COPARENT;
	 * a walk's visits in SEEN, each walk a new SEEN_STAMP */
	uint32_t *coparent, *seen, seen_stamp;
	struct u32vec queue;
	/* the co-parent walk's nodes (QUEUED, stamped with V's STAMP: SEEN is the
	 * next walk's), whether it stopped short (CUT_SHORT), and the merges of
	 * more than WIDE_MERGE parents it met (WIDE), whose co-parents are asked
	 * about, not stamped: a merge of k lines, each of which lost a parent of
	 * N children, made k stamps for each of the k * N orphans. Their parents
	 * sorted per node (WIDE_PARENTS), made once for every orphan that meets it */
	struct u32vec wide;
	uint32_t **wide_parents, *queued;
	bool cut_short;
	uint32_t *comp_bases;    /* per piece: its revisions with down_revision = None */
};

/* What every missing parent of one revision shares: V, whose descendants are no
 * candidates, and its Create Date candidate, computed once per revision. SKIP is
 * a piece whose revisions are no candidates (the loose piece being connected), or
 * NO_NODE. DESC is V's descendants, only for a history with a cycle. */
struct claims;

struct suggest_ctx {
	struct sindex *ix;
	uint32_t v;
	uint32_t skip;
	bool *desc;
	uint32_t n_coparents; /* V's co-parents found (0: the rule rules nothing out) */
	uint32_t date_best;
	uint32_t date_passed; /* the co-parent that made Create Date pass a revision over, or NO_NODE */
	bool same_piece;      /* only revisions in V's piece (V's line merges back into it) */
	/* while listing V's head options (picking): the heads listed so far */
	bool picking;
	uint32_t picked[8], n_picked;
	const struct claims *claims; /* which broken link each childless head went to, or NULL */
	struct cands cs; /* the problem at hand's */
};

/* X's parents through down_revision and depends_on: with no depends_on in
 * the history, read from the flat copy of the edges (graph.h), 4 bytes an
 * edge in node order, not from the 136-byte nodes the walks would hop over. */
static bool parents_flat(const struct graph *g)
{
	return !g->any_deps && g->down_at;
}

static uint32_t n_parents(const struct graph *g, bool flat, uint32_t x)
{
	return flat ? g->down_at[x + 1] - g->down_at[x] : g->nodes[x].down.n + g->nodes[x].deps.n;
}

static uint32_t parent_at(const struct graph *g, bool flat, uint32_t x, uint32_t e)
{
	const struct node *nd = &g->nodes[x];

	if (flat)
		return g->down_flat[g->down_at[x] + e];
	return e < nd->down.n ? nd->down.v[e] : nd->deps.v[e - nd->down.n];
}

/* Is V an ancestor-or-self of X through down_revision and depends_on? A walk
 * down from X, depth first, through the nodes above V's level and below its
 * height (the only ones that can be V's descendants). Both answers a walk finds
 * are kept for V's next question: a node whose parents were all walked without
 * reaching V cannot reach it (KNOWN), and when V is reached, the path walked to
 * it (the stack) is V's descendants (REACHES). The heads a problem asks about
 * are often V's descendants, each a walk to V over the same line: the next
 * one stops where it meets the line the first one proved. */
static bool below_v(const struct graph *g, struct suggest_ctx *c, uint32_t x)
{
	struct sindex *ix = c->ix;
	struct walk_node *w = ix->walk;
	uint32_t lv = w[c->v].level, hv = w[c->v].height, stamp = ix->walk_stamp;
	bool hit = false, flat = parents_flat(g);

	if (x == c->v || w[x].reaches == stamp)
		return true;
	/* components join over the same edges: another piece cannot reach V */
	if (w[x].level <= lv || w[x].height >= hv || w[x].known == stamp ||
	    g->component[x] != g->component[c->v])
		return false;
	ix->stack.n = ix->edge.n = 0;
	u32_push(&ix->stack, x);
	u32_push(&ix->edge, 0);
	while (ix->stack.n && !hit) {
		uint32_t y = ix->stack.v[ix->stack.n - 1], e = ix->edge.v[ix->edge.n - 1]++, a;

		if (e == n_parents(g, flat, y)) { /* every parent walked: none reaches V */
			w[y].known = stamp;
			ix->stack.n--;
			ix->edge.n--;
			continue;
		}
		a = parent_at(g, flat, y, e);
		((struct graph *)g)->work.suggest++;
		if (a == c->v || w[a].reaches == stamp) {
			hit = true;
		} else if (w[a].level > lv && w[a].height < hv && w[a].known != stamp) {
			/* no cycle (there are levels): a node on the stack is not met again */
			u32_push(&ix->stack, a);
			u32_push(&ix->edge, 0);
		}
	}
	for (uint32_t k = 0; hit && k < ix->stack.n; k++)
		w[ix->stack.v[k]].reaches = stamp;
	return hit;
}

static bool excluded(const struct graph *g, struct suggest_ctx *c, uint32_t i)
{
	if (c->skip != NO_NODE && g->component[i] == c->skip)
		return true;
	if (c->ix->parent[i] == c->ix->stamp) /* a parent V still has replaces no missing one */
		return true;
	return c->desc ? c->desc[i] : below_v(g, c, i);
}

/* ---- a merge joins heads ----
 * `alembic merge` joins heads, and no head is an ancestor of another: a merge
 * revision never has one parent below another. So where V's line reaches a
 * merge M whose other parent O is not below V (a co-parent of V), V did not
 * hang below O: that would put O above M's other parent. A person who sees V's
 * branch merged with the main line at M looks for V's parent before the point
 * M joined. Both walks stop after COPARENT_REACH nodes (a merge far below V
 * says little, and the rule only passes a date or head candidate over). */
#define COPARENT_REACH 64

/* Is X not below V, by levels alone (no walk: a parent the walk below V did
 * not reach may be below V all the same, and is then no co-parent)? */
static bool surely_not_below(const struct graph *g, const struct suggest_ctx *c, uint32_t x)
{
	if (c->desc)
		return !c->desc[x];
	const struct walk_node *w = c->ix->walk;

	return w[x].level <= w[c->v].level || w[x].height >= w[c->v].height ||
	       g->component[x] != g->component[c->v];
}

/* Can O, a parent of a revision the co-parent walk met, be a co-parent: a
 * revision the walk did not meet (V's lines), and, when the walk stopped
 * short of some line, surely not below V? */
static bool coparent_may_be(const struct graph *g, const struct suggest_ctx *c, uint32_t o)
{
	return !g->nodes[o].phantom && c->ix->queued[o] != c->ix->stamp &&
	       (!c->ix->cut_short || surely_not_below(g, c, o));
}

static int cmp_u32(const void *a, const void *b);

/* Wide merge M's distinct parents, sorted, after two counts: [0] of them, [1]
 * of the missing ones. Made on the first question, kept for every V. */
static const uint32_t *wide_parents(const struct graph *g, struct sindex *ix, uint32_t m)
{
	const struct u32vec *down = &g->nodes[m].down;
	uint32_t *v, n = 0, missing = 0;

	if (!ix->wide_parents)
		ix->wide_parents = xcalloc(g->n, sizeof(uint32_t *));
	if (ix->wide_parents[m])
		return ix->wide_parents[m];
	v = xmalloc((down->n + 2) * sizeof(uint32_t));
	memcpy(v + 2, down->v, down->n * sizeof(uint32_t));
	sort_array(v + 2, down->n, sizeof(uint32_t), cmp_u32);
	for (uint32_t e = 0; e < down->n; e++)
		if (!n || v[2 + e] != v[2 + n - 1]) {
			v[2 + n++] = v[2 + e];
			missing += g->nodes[v[2 + e]].phantom;
		}
	v[0] = n;
	v[1] = missing;
	return ix->wide_parents[m] = v;
}

static bool wide_parent_of(const struct graph *g, struct sindex *ix, uint32_t m, uint32_t o)
{
	const uint32_t *v = wide_parents(g, ix, m);
	uint32_t at = u32_lower_bound(v + 2, v[0], o);

	((struct graph *)g)->work.suggest++;
	return at < v[0] && v[2 + at] == o;
}

/* Has wide merge M a co-parent? Its parents less the missing ones and those
 * the walk met (each met one looked up in M's) leave one; when the walk
 * stopped short, each parent is asked whether it is surely not below V. */
static bool wide_has_coparent(const struct graph *g, struct suggest_ctx *c, uint32_t m)
{
	struct sindex *ix = c->ix;
	const uint32_t *v = wide_parents(g, ix, m);
	uint32_t left = v[0] - v[1];

	if (ix->cut_short) {
		for (uint32_t e = 0; e < v[0]; e++) {
			((struct graph *)g)->work.suggest++;
			if (coparent_may_be(g, c, v[2 + e]))
				return true;
		}
		return false;
	}
	for (uint32_t h = 0; h < ix->queue.n && left; h++)
		left -= wide_parent_of(g, ix, m, ix->queue.v[h]);
	return left > 0;
}

/* Is O a co-parent of V: stamped, or a parent of a wide merge the walk met? */
static bool is_coparent(const struct graph *g, struct suggest_ctx *c, uint32_t o)
{
	struct sindex *ix = c->ix;

	if (ix->coparent[o] == ix->stamp)
		return true;
	if (!ix->wide.n || !coparent_may_be(g, c, o))
		return false;
	for (uint32_t k = 0; k < ix->wide.n; k++)
		if (wide_parent_of(g, ix, ix->wide.v[k], o))
			return true;
	return false;
}

/* V's lines as far as COPARENT_REACH: V, the siblings that lost a parent
 * with it, and the revisions below them, in QUEUE (stamped QUEUED). */
static void coparent_walk(const struct graph *g, struct suggest_ctx *c)
{
	struct sindex *ix = c->ix;

	ix->queue.n = 0;
	u32_push(&ix->queue, c->v);
	ix->queued[c->v] = ix->stamp;
	/* siblings lost the parent too; as many as the walk's reach, as a parent
	 * that 30,000 revisions lost made this the siblings' square */
	for (uint32_t k = 0; k < g->nodes[c->v].down.n && ix->queue.n < COPARENT_REACH; k++) {
		const struct node *lost = &g->nodes[g->nodes[c->v].down.v[k]];

		for (uint32_t j = 0; lost->phantom && j < lost->children.n && ix->queue.n < COPARENT_REACH; j++)
			if (ix->queued[lost->children.v[j]] != ix->stamp) {
				ix->queued[lost->children.v[j]] = ix->stamp;
				u32_push(&ix->queue, lost->children.v[j]);
			}
	}
	for (uint32_t h = 0; h < ix->queue.n && ix->queue.n < COPARENT_REACH; h++) {
		const struct node *nd = &g->nodes[ix->queue.v[h]];

		for (uint32_t k = 0; k < nd->children.n; k++)
			if (ix->queued[nd->children.v[k]] != ix->stamp) {
				ix->queued[nd->children.v[k]] = ix->stamp;
				u32_push(&ix->queue, nd->children.v[k]);
			}
	}
	ix->cut_short = ix->queue.n >= COPARENT_REACH;
}

/* Once the lines below are known: a parent of theirs from elsewhere. A merge
 * of more than WIDE_MERGE parents is listed, not stamped: asked about whole
 * here, and per parent by is_coparent. */
#define WIDE_MERGE 8

static void find_coparents(const struct graph *g, struct suggest_ctx *c)
{
	struct sindex *ix = c->ix;

	c->n_coparents = 0;
	ix->wide.n = 0;
	coparent_walk(g, c);
	for (uint32_t h = 1; h < ix->queue.n; h++) {
		const struct node *nd = &g->nodes[ix->queue.v[h]];

		if (nd->down.n > WIDE_MERGE) {
			u32_push(&ix->wide, ix->queue.v[h]);
			continue;
		}
		for (uint32_t e = 0; e < nd->down.n; e++) {
			uint32_t o = nd->down.v[e];

			((struct graph *)g)->work.suggest++;
			if (ix->coparent[o] == ix->stamp || !coparent_may_be(g, c, o))
				continue;
			ix->coparent[o] = ix->stamp;
			c->n_coparents++;
		}
	}
	for (uint32_t k = 0; k < ix->wide.n && !c->n_coparents; k++)
		c->n_coparents += wide_has_coparent(g, c, ix->wide.v[k]);
}

/* The co-parent of V that X is (or is below, within COPARENT_REACH
 * ancestors), or NO_NODE: V on X would make a merge join a revision and its
 * ancestor. */
static uint32_t joins_own_ancestor(const struct graph *g, struct suggest_ctx *c, uint32_t x)
{
	struct sindex *ix = c->ix;

	if (!c->n_coparents)
		return NO_NODE;
	ix->seen_stamp++;
	ix->queue.n = 0;
	u32_push(&ix->queue, x);
	ix->seen[x] = ix->seen_stamp;
	for (uint32_t h = 0; h < ix->queue.n && h < COPARENT_REACH; h++) {
		const struct node *nd = &g->nodes[ix->queue.v[h]];

		((struct graph *)g)->work.suggest++;
		if (is_coparent(g, c, ix->queue.v[h]))
			return ix->queue.v[h];
		for (uint32_t k = 0; k < nd->down.n; k++)
			if (ix->seen[nd->down.v[k]] != ix->seen_stamp) {
				ix->seen[nd->down.v[k]] = ix->seen_stamp;
				u32_push(&ix->queue, nd->down.v[k]);
			}
	}
	return NO_NODE;
}

/* Per node, the longest path from a base over down_revision and depends_on
 * (LEVEL) and to a head (HEIGHT), the walk stamps clear; NULL when a cycle
 * leaves nodes unordered.
 * A descendant of V is above V's level and below its height. The order is a
 * walk down the parents that lists a node once its parents are listed (each
 * node's level is then known from theirs); the heights go the other way. */
static struct walk_node *levels(const struct graph *g)
{
	uint32_t n = g->n ? g->n : 1, reached = 0;
	struct walk_node *w = xcalloc(n, sizeof(*w));
	uint32_t *order = xmalloc(n * sizeof(uint32_t));
	uint8_t *state = xcalloc(n, 1); /* 1: on the walk's path, 2: listed */
	struct u32vec path = { 0 }, next = { 0 };
	bool flat = parents_flat(g), cycle = false;

	for (uint32_t i = 0; i < g->n && !cycle; i++) {
		if (state[i])
			continue;
		u32_push(&path, i);
		u32_push(&next, 0);
		state[i] = 1;
		while (path.n && !cycle) {
			uint32_t x = path.v[path.n - 1], e = next.v[next.n - 1]++, a;

			if (e == n_parents(g, flat, x)) { /* its parents are listed: it is next */
				for (uint32_t k = 0; k < e; k++) {
					uint32_t above = w[parent_at(g, flat, x, k)].level + 1;

					if (w[x].level < above)
						w[x].level = above;
				}
				order[reached++] = x;
				state[x] = 2;
				path.n--;
				next.n--;
				continue;
			}
			a = parent_at(g, flat, x, e);
			cycle = state[a] == 1;
			if (!state[a]) {
				state[a] = 1;
				u32_push(&path, a);
				u32_push(&next, 0);
			}
		}
	}
	for (uint32_t k = reached; k-- > 0;) { /* a node's children are listed after it */
		uint32_t x = order[k];

		for (uint32_t e = 0; e < n_parents(g, flat, x); e++) {
			struct walk_node *p = &w[parent_at(g, flat, x, e)];

			if (p->height < w[x].height + 1)
				p->height = w[x].height + 1;
		}
	}
	free(path.v);
	free(next.v);
	free(state);
	free(order);
	if (cycle) {
		free(w);
		return NULL;
	}
	return w;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A Create Date keyed by the 12 bytes after the prefix every date shares, so that
 * the sort reads words, not strings behind pointers; only equal keys compare
 * the rest of the dates, found through the node. 16 bytes a date (was 32, with
 * the date's pointer: 1.6 MB of a 100k check's peak). */
struct date_key {
	uint64_t k0;
	uint32_t k1;
	uint32_t node;
};

struct date_cmp {
	const struct graph *g;
	size_t skip; /* the common prefix and the key's bytes */
};

static const char *node_date(const struct graph *g, uint32_t v)
{
	return g->nodes[v].file->doc_create_date.value;
}

static int cmp_date_key(const void *a, const void *b, void *ctx)
{
	const struct date_key *x = a, *y = b;
	const struct date_cmp *dc = ctx;
	int r;

	if (x->k0 != y->k0)
		return x->k0 < y->k0 ? -1 : 1;
	if (x->k1 != y->k1)
		return x->k1 < y->k1 ? -1 : 1;
	/* equal keys: both dates end at the same byte within the key (its last
	 * byte is then 0: the dates are equal), or both go on past SKIP */
	r = x->k1 & 0xff ? strcmp(node_date(dc->g, x->node) + dc->skip, node_date(dc->g, y->node) + dc->skip) : 0;
	return r ? r : x->node < y->node ? -1 : x->node > y->node;
}

/* DK's key: the first 12 bytes of D, big-endian, zeros past its end. */
static void date_key_of(const char *d, struct date_key *dk)
{
	unsigned char b[12] = { 0 };
	uint64_t k0 = 0;
	uint32_t k1 = 0;

	memcpy(b, d, strnlen(d, sizeof(b)));
	for (int i = 0; i < 8; i++)
		k0 = k0 << 8 | b[i];
	for (int i = 8; i < 12; i++)
		k1 = k1 << 8 | b[i];
	dk->k0 = k0;
	dk->k1 = k1;
}

/* Byte B of DK's 12-byte key, B = 0 the last (least significant). */
static unsigned key_byte(const struct date_key *dk, int b)
{
	return (unsigned)(b < 4 ? dk->k1 >> 8 * b : dk->k0 >> 8 * (b - 4)) & 0xff;
}

/* The order cmp_date_key gives, by a stable radix sort of the keys (a pass
 * per byte, least significant first, none for a byte every key shares): the
 * dates come in node order, so equal keys stay in node order, and only a run
 * of equal keys whose dates go on past the key is sorted by the comparator
 * (10 passes over 100,000 keys, not a merge sort's 1.7 million calls). */
static void sort_date_keys(struct date_key *v, uint32_t n, struct date_cmp *dc)
{
	uint32_t (*count)[256] = xcalloc(12, sizeof(*count));
	struct date_key *tmp = xmalloc((n ? n : 1) * sizeof(*tmp)), *from = v, *to = tmp;

	for (uint32_t k = 0; k < n; k++) { /* a word at a time: 12 bytes each */
		for (int b = 0; b < 4; b++)
			count[b][v[k].k1 >> 8 * b & 0xff]++;
		for (int b = 0; b < 8; b++)
			count[4 + b][v[k].k0 >> 8 * b & 0xff]++;
	}
	for (int b = 0; b < 12; b++) {
		uint32_t at = 0;

		if (count[b][key_byte(&v[0], b)] == n)
			continue;
		for (unsigned d = 0; d < 256; d++) { /* counts become each byte's first place */
			uint32_t c = count[b][d];

			count[b][d] = at;
			at += c;
		}
		for (uint32_t k = 0; k < n; k++)
			to[count[b][key_byte(&from[k], b)]++] = from[k];
		to = from;
		from = from == v ? tmp : v;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
	for (uint32_t a = 0, e; a < n; a = e) {
		for (e = a + 1; e < n && v[e].k0 == v[a].k0 && v[e].k1 == v[a].k1; e++)
			;
		if (e - a > 1 && v[a].k1 & 0xff)
			sort_array_r(v + a, e - a, sizeof(*v), cmp_date_key, dc);
	}
	free(tmp);
	free(count);
}

/* One pass over the nodes (each read once, in order): a date's key is made
 * while its text is at hand, from the prefix all dates so far share; only the
 * keys made before that prefix last shrank are made again (most dates share
 * it from the first few on). Then the sort, and the heads' places, from the
 * heads the pass marked: 100,000 nodes and dates read again, in the dates'
 * order, were a cache miss each. */
static void index_dates(struct sindex *ix, const struct graph *g)
{
	size_t common = SIZE_MAX;
	const char *first = NULL;
	struct date_cmp dc = { g, 0 };
	const char **text = xmalloc((g->n ? g->n : 1) * sizeof(char *)); /* by place in DATES */
	uint64_t *head = xcalloc(g->n / 64 + 1, sizeof(uint64_t)); /* a bit per node */
	uint32_t stale = 0; /* the keys before this place were made with a longer prefix */

	ix->g = g;
	ix->dates = xmalloc((g->n ? g->n : 1) * sizeof(*ix->dates));
	for (uint32_t i = 0; i < g->n; i++) {
		const char *d = g->nodes[i].phantom ? NULL : node_date(g, i);
		size_t k = 0;

		if (!d || !*d)
			continue;
		if (!first) {
			first = d;
			common = strlen(d);
		} else if (strncmp(first, d, common)) { /* most dates share it: one call */
			while (k < common && first[k] && first[k] == d[k])
				k++;
			common = k;
			stale = ix->n_dates;
		}
		head[i / 64] |= (uint64_t)g->nodes[i].is_head << i % 64;
		text[ix->n_dates] = d;
		date_key_of(d + common, &ix->dates[ix->n_dates]);
		ix->dates[ix->n_dates++].node = i;
	}
	for (uint32_t k = 0; k < stale; k++)
		date_key_of(text[k] + common, &ix->dates[k]);
	ix->date_prefix = first;
	ix->date_common = first ? common : 0;
	dc.skip = common + 12;
	if (ix->n_dates)
		sort_date_keys(ix->dates, ix->n_dates, &dc);
	for (uint32_t k = 0; k < ix->n_dates; k++)
		ix->n_head_pos += head[ix->dates[k].node / 64] >> ix->dates[k].node % 64 & 1;
	ix->head_pos = xmalloc((ix->n_head_pos ? ix->n_head_pos : 1) * sizeof(uint32_t));
	ix->n_head_pos = 0;
	for (uint32_t k = 0; k < ix->n_dates; k++)
		if (head[ix->dates[k].node / 64] >> ix->dates[k].node % 64 & 1)
			ix->head_pos[ix->n_head_pos++] = k;
	free(text);
	free(head);
}

/* The nodes children first: by level, highest first (a child's level is above
 * each parent's), a counting sort. */
static uint32_t *children_first(const struct graph *g, const struct walk_node *w)
{
	uint32_t top = 0, *count, *order = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));

	for (uint32_t i = 0; i < g->n; i++)
		top = w[i].level > top ? w[i].level : top;
	count = xcalloc((size_t)top + 2, sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		count[top - w[i].level + 1]++;
	for (uint32_t l = 1; l <= top + 1; l++)
		count[l] += count[l - 1];
	for (uint32_t i = 0; i < g->n; i++)
		order[count[top - w[i].level]++] = i;
	free(count);
	return order;
}

/* Per node, the place in DATES of the newest of it and its descendants through
 * down_revision (NO_NODE: none has a Create Date): one pass, children first.
 * NULL with a cycle (no levels). */
static uint32_t *newest_below(const struct graph *g, const struct sindex *ix)
{
	uint32_t *newest, *order;

	if (!ix->walk)
		return NULL;
	newest = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		newest[i] = NO_NODE;
	for (uint32_t k = 0; k < ix->n_dates; k++)
		newest[ix->dates[k].node] = k;
	order = children_first(g, ix->walk);
	for (uint32_t k = 0; k < g->n; k++) {
		const struct node *nd = &g->nodes[order[k]];
		uint32_t mine = newest[order[k]];

		for (uint32_t e = 0; e < nd->down.n && mine != NO_NODE; e++)
			if (newest[nd->down.v[e]] == NO_NODE || newest[nd->down.v[e]] < mine)
				newest[nd->down.v[e]] = mine;
	}
	free(order);
	return newest;
}

static void add_query(struct sindex *ix, const char *text)
{
	size_t len = strlen(text);

	if (strmap_get(&ix->queries, text, NULL))
		return;
	GROW(ix->query_text, ix->cap_query_text, ix->queries.n + 1);
	ix->query_text[ix->queries.n] = text;
	strmap_put(&ix->queries, text, (uint32_t)ix->queries.n);
	sig_add(ix->query_sigs, text, len);
	if (len < 256)
		ix->name_lens[len / 64] |= 1ull << len % 64;
	if (len >= 4) {
		for (uint32_t k = 0; k < ix->n_prefix_lens; k++)
			if (ix->prefix_lens[k] == len)
				return;
		ix->prefix_lens = xrealloc(ix->prefix_lens, (ix->n_prefix_lens + 1) * sizeof(uint32_t));
		ix->prefix_lens[ix->n_prefix_lens++] = (uint32_t)len;
	}
}

/* The texts the problems ask about: each missing down_revision, and the missing
 * parents of loose pieces (their roots' phantom parents; every phantom is taken,
 * which covers them). */
static void collect_queries(struct sindex *ix, const struct graph *g)
{
	strmap_init(&ix->queries);
	for (size_t i = 0; i < g->problems.n; i++)
		if (g->problems.v[i].kind == PROBLEM_MISSING_DOWN_REVISION && g->problems.v[i].ref)
			add_query(ix, g->problems.v[i].ref);
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i].phantom)
			add_query(ix, g->nodes[i].id);
}

static void chain(struct sindex *ix, uint32_t *head, uint32_t node)
{
	u32_push(&ix->entry_node, node);
	u32_push(&ix->entry_next, *head);
	*head = ix->entry_node.n - 1;
}

/* Chain NODE to the query that is the LEN bytes at KEY, if one is. Keys of a
 * length no query has are not hashed. */
static void match_key(struct sindex *ix, const char *key, size_t len, uint32_t node)
{
	uint32_t q;

	if ((len < 256 && !(ix->name_lens[len / 64] >> len % 64 & 1)) || !sig_has(ix->query_sigs, key, len))
		return;
	if (strmap_get_n(&ix->queries, key, len, &q))
		chain(ix, &ix->name_head[q], node);
}

/* A file name's keys (file_name_matches' rule): after each '_' but the first
 * byte, the rest less its last 3 ("<id>_<missing>.py"), the name, and the
 * name less its last 3 bytes ("<missing>.py"); each one a query asks about is
 * chained to that query. memchr finds the few '_' of a name. */
static void match_name(struct sindex *ix, const char *name, uint32_t node)
{
	size_t n = strlen(name);
	const char *last = n >= 5 ? name + n - 4 : NULL; /* the last place a key's '_' may be */

	for (const char *u = last ? memchr(name + 1, '_', (size_t)(last - name)) : NULL; u;
	     u = memchr(u + 1, '_', (size_t)(last - u)))
		match_key(ix, u + 1, (size_t)(last - u), node);
	match_key(ix, name, n, node);
	if (n >= 3)
		match_key(ix, name, n - 3, node);
}

static void match_prefixes(struct sindex *ix, const char *id, uint32_t node)
{
	size_t n = strlen(id);
	uint32_t q;

	for (uint32_t k = 0; k < ix->n_prefix_lens; k++)
		if (ix->prefix_lens[k] <= n && sig_has(ix->query_sigs, id, ix->prefix_lens[k]) &&
		    strmap_get_n(&ix->queries, id, ix->prefix_lens[k], &q))
			chain(ix, &ix->prefix_head[q], node);
}

/* Alembic's own ids: the last 12 hex digits of a uuid4. */
static bool id_is_hex12(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++)
		if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
			return false;
	return n == 12;
}

/* A numbered id, "007_add_users": digits, then an underscore and more. */
static bool id_is_numbered(const char *id)
{
	size_t n = strspn(id, "0123456789");

	return n > 0 && id[n] == '_' && id[n + 1];
}

/* ---- typos ---- */

#define TYPO_MIN 6   /* shorter texts are a few edits from too much */
#define TYPO_EDITS 2
#define CHUNK_HITS_MAX 8

/* Chunk K of a text of M bytes: [*FROM, *FROM + *LEN). */
static void chunk_of(size_t m, int k, size_t *from, size_t *len)
{
	size_t a = m / 3;

	*from = k == 0 ? 0 : k == 1 ? a : m - a;
	*len = k == 1 ? m - 2 * a : a;
}

static void typo_setup(struct sindex *ix)
{
	uint32_t nq = (uint32_t)ix->queries.n;

	for (int k = 0; k < 3; k++) {
		strmap_init(&ix->chunks[k]);
		ix->chunk_next[k] = xmalloc((nq ? nq : 1) * sizeof(uint32_t));
		ix->chunk_key[k] = xcalloc(nq ? nq : 1, sizeof(char *));
		ix->chunk_hits[k] = xcalloc(nq ? nq : 1, sizeof(uint32_t));
	}
	ix->typo_head = xmalloc((nq ? nq : 1) * sizeof(uint32_t));
	for (uint32_t q = 0; q < nq; q++) {
		size_t m = strlen(ix->query_text[q]);

		ix->typo_head[q] = NO_NODE;
		for (int k = 0; k < 3; k++)
			ix->chunk_next[k][q] = NO_NODE;
		if (m < TYPO_MIN || m > 255)
			continue;
		ix->typo_lens[m / 64] |= 1ull << m % 64;
		for (int k = 0; k < 3; k++) {
			size_t from, len;
			uint32_t first;
			char *text;

			chunk_of(m, k, &from, &len);
			text = xstrndup(ix->query_text[q] + from, len);
			sl_push_owned(&ix->chunk_text, text); /* the map borrows it */
			if (strmap_get(&ix->chunks[k], text, &first))
				ix->chunk_next[k][q] = first;
			strmap_put(&ix->chunks[k], text, q);
			ix->chunk_key[k][q] = text;
			sig_add(ix->chunk_sigs[k], text, len);
		}
	}
}

/* Two numbered ids whose words agree and numbers do not ("108_rename_users",
 * "001_rename_users") are two revisions of one name, not a typo of each other,
 * unless the numbers are one edit apart. */
static bool same_words_other_number(const char *a, const char *b)
{
	size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");

	return id_is_numbered(a) && id_is_numbered(b) && !strcmp(a + na, b + nb);
}

/* Query Q of M bytes against ID: kept when a typo or two away (once). */
static void typo_try(struct sindex *ix, struct graph *g, uint32_t q, size_t m, const char *id, uint32_t node)
{
	size_t d;

	g->work.suggest++;
	if (strlen(ix->query_text[q]) != m ||
	    (ix->typo_head[q] != NO_NODE && ix->typo_node.v[ix->typo_head[q]] == node))
		return;
	d = dym_distance(ix->query_text[q], id, TYPO_EDITS);
	if (d > TYPO_EDITS || (d > 1 && same_words_other_number(ix->query_text[q], id)))
		return;
	u32_push(&ix->typo_node, node);
	u32_push(&ix->typo_dist, (uint32_t)d);
	u32_push(&ix->typo_next, ix->typo_head[q]);
	ix->typo_head[q] = ix->typo_node.n - 1;
}

/* Every query of a length near ID's that shares a chunk with it where the
 * chunk could be: a handful of lookups per id. */
static void match_typos(struct sindex *ix, struct graph *g, const char *id, uint32_t node)
{
	size_t n = strlen(id);

	for (size_t m = n > TYPO_EDITS ? n - TYPO_EDITS : 0; m <= n + TYPO_EDITS && m < 256; m++) {
		if (m < TYPO_MIN || !(ix->typo_lens[m / 64] >> m % 64 & 1))
			continue;
		for (int k = 0; k < 3; k++) {
			size_t from, len;
			int lo = k == 1 ? -TYPO_EDITS : 0, hi = k == 1 ? TYPO_EDITS : 0;

			chunk_of(m, k, &from, &len);
			if (k == 2) /* the suffix stays at the end */
				from = n >= len ? n - len : 0;
			for (int sh = lo; sh <= hi; sh++) {
				long at = (long)from + sh;
				uint32_t q;

				if (at < 0 || (size_t)at + len > n ||
				    !sig_has(ix->chunk_sigs[k], id + at, len) ||
				    !strmap_get_n(&ix->chunks[k], id + at, len, &q))
					continue;
				if (++ix->chunk_hits[k][q] > CHUNK_HITS_MAX) {
					strmap_del(&ix->chunks[k], ix->chunk_key[k][q]);
					continue;
				}
				for (; q != NO_NODE; q = ix->chunk_next[k][q])
					typo_try(ix, g, q, m, id, node);
			}
		}
	}
}

/* The one id (not excluded) closest to MISSING within two edits, or NO_NODE
 * when none or a tie. */
static uint32_t typo_match(const struct graph *g, struct suggest_ctx *c, const char *missing)
{
	uint32_t q, best = NO_NODE, best_d = UINT32_MAX;
	bool tie = false;

	if (!strmap_get(&c->ix->queries, missing, &q))
		return NO_NODE;
	for (uint32_t e = c->ix->typo_head[q]; e != NO_NODE; e = c->ix->typo_next.v[e]) {
		uint32_t node = c->ix->typo_node.v[e], d = c->ix->typo_dist.v[e];

		((struct graph *)g)->work.suggest++;
		if (d > best_d || excluded(g, c, node))
			continue;
		tie = d == best_d;
		best_d = d;
		best = node;
	}
	return tie ? NO_NODE : best;
}

/* Have two revisions at least an id IS says is of its form? Asked once
 * (*KNOWN, -1 until then): a scan that stops at the second. */
static bool two_of_form(const struct graph *g, int8_t *known, bool (*is)(const char *))
{
	if (*known < 0) {
		uint32_t n = 0;

		for (uint32_t i = 0; i < g->n && n < 2; i++)
			n += !g->nodes[i].phantom && is(g->nodes[i].id);
		*known = n >= 2;
	}
	return *known;
}

/* Does MISSING look like an id this project makes (Alembic's form, or
 * numbered, as two of its revisions at least are)? Then it most likely named a
 * revision that existed, whose file is gone: databases may be stamped with it
 * and other branches may name it, so a placeholder keeps it. An id of no such
 * form ("i4j5k6l7m8n9": not hex) was more likely never a revision. */
static bool looks_like_project_id(struct sindex *ix, const struct graph *g, const char *missing)
{
	return (id_is_hex12(missing) && two_of_form(g, &ix->two_hex12, id_is_hex12)) ||
	       (id_is_numbered(missing) && two_of_form(g, &ix->two_numbered, id_is_numbered));
}

#define SEQ_SEVERAL UINT32_MAX

/* Numbered ids by their number: NUMBER ("007") -> an index into seq_text and
 * seq_node, whose node is SEQ_SEVERAL when two revisions share the number. */
static void index_numbers(struct sindex *ix, const struct graph *g)
{
	strmap_init(&ix->seq);
	ix->seq_built = true;
	for (uint32_t i = 0; i < g->n; i++) {
		const char *id = g->nodes[i].id;
		size_t len = strspn(id, "0123456789");
		uint32_t at;

		if (g->nodes[i].phantom || !id_is_numbered(id))
			continue;
		if (strmap_get_n(&ix->seq, id, len, &at)) {
			ix->seq_node.v[at] = SEQ_SEVERAL;
			continue;
		}
		sl_push_owned(&ix->seq_text, xstrndup(id, len)); /* the map borrows it */
		strmap_put(&ix->seq, ix->seq_text.v[ix->seq_text.n - 1], ix->seq_node.n);
		u32_push(&ix->seq_node, i);
	}
}

/* The one revision numbered just before MISSING (007_x: the 006), NO_NODE
 * when MISSING is not numbered, or none or several are. */
static uint32_t numbered_before(struct sindex *ix, const struct graph *g, const char *missing)
{
	size_t len = strspn(missing, "0123456789");
	char *prev;
	int i;
	uint32_t at;

	if (!id_is_numbered(missing) || !two_of_form(g, &ix->two_numbered, id_is_numbered))
		return NO_NODE;
	if (!ix->seq_built)
		index_numbers(ix, g);
	prev = xstrndup(missing, len);
	for (i = (int)len - 1; i >= 0 && prev[i] == '0'; i--) /* minus one, digit by digit */
		prev[i] = '9';
	if (i < 0) { /* 000: nothing before it */
		free(prev);
		return NO_NODE;
	}
	prev[i]--;
	at = strmap_get(&ix->seq, prev, &at) ? ix->seq_node.v[at] : SEQ_SEVERAL;
	free(prev);
	return at == SEQ_SEVERAL ? NO_NODE : at;
}

/* Is numbered MISSING more likely a deleted revision than a typo of HIT?
 * When their words agree (the typo is in the number), no revision has the
 * missing number and another one has the number before it: the missing id
 * fits the numbering where it stands ("039_x" between 038 and 040 is free:
 * not a slip for 009_x). */
static bool number_fits(struct sindex *ix, const struct graph *g, const char *missing, uint32_t hit)
{
	uint32_t before, at;

	if (!same_words_other_number(missing, g->nodes[hit].id))
		return false;
	before = numbered_before(ix, g, missing); /* builds the index of numbers */
	return before != NO_NODE && before != hit &&
	       !strmap_get_n(&ix->seq, missing, strspn(missing, "0123456789"), &at);
}

static struct sindex *sindex_build(struct graph *g)
{
	struct sindex *ix = xcalloc(1, sizeof(*ix));
	uint32_t n = g->n ? g->n : 1, nq;

	collect_queries(ix, g);
	typo_setup(ix);
	nq = ix->queries.n ? (uint32_t)ix->queries.n : 1;
	ix->name_head = xmalloc(nq * sizeof(uint32_t));
	ix->prefix_head = xmalloc(nq * sizeof(uint32_t));
	for (uint32_t q = 0; q < nq; q++)
		ix->name_head[q] = ix->prefix_head[q] = NO_NODE;
	ix->two_hex12 = ix->two_numbered = -1;
	for (uint32_t i = 0; ix->queries.n && i < g->n; i++) {
		if (g->nodes[i].phantom)
			continue;
		match_name(ix, g->nodes[i].file->name, i);
		match_prefixes(ix, g->nodes[i].id, i);
		match_typos(ix, g, g->nodes[i].id, i);
	}
	index_dates(ix, g);
	ix->walk = levels(g);
	ix->parent = xcalloc(n, sizeof(uint32_t));
	ix->coparent = xcalloc(n, sizeof(uint32_t));
	ix->comp_bases = xcalloc(g->n_components ? g->n_components : 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		ix->comp_bases[g->component[i]] += !g->nodes[i].phantom && g->nodes[i].is_base;
	ix->seen = xcalloc(n, sizeof(uint32_t));
	ix->queued = xcalloc(n, sizeof(uint32_t));
	return ix;
}

/* Alembic's partial lookup keys: ids, and the labels each owner declares. */
static void index_keys(struct sindex *ix, const struct graph *g)
{
	size_t n = 0;

	ix->keys_built = true;
	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom)
			n += 1 + rf_label_ids(g->nodes[i].file)->n;
	ix->keys_sorted = xmalloc((n ? n : 1) * sizeof(char *));
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		uint32_t owner;

		if (nd->phantom)
			continue;
		ix->keys_sorted[ix->n_keys++] = nd->id;
		for (size_t k = 0; k < rf_label_ids(nd->file)->n; k++)
			if (strmap_get(&g->labels, rf_label_ids(nd->file)->v[k], &owner) && owner == i)
				ix->keys_sorted[ix->n_keys++] = rf_label_ids(nd->file)->v[k];
	}
	sort_array(ix->keys_sorted, ix->n_keys, sizeof(char *), cmp_str_ptr);
}

static void sindex_free(struct sindex *ix)
{
	if (!ix)
		return;
	strmap_free(&ix->queries);
	free(ix->query_text);
	free(ix->name_head);
	free(ix->prefix_head);
	free(ix->entry_node.v);
	free(ix->entry_next.v);
	free(ix->prefix_lens);
	free(ix->keys_sorted);
	free(ix->dates);
	free(ix->head_pos);
	for (int k = 0; k < 3; k++) {
		strmap_free(&ix->chunks[k]);
		free(ix->chunk_next[k]);
		free(ix->chunk_key[k]);
		free(ix->chunk_hits[k]);
	}
	sl_free(&ix->chunk_text);
	if (ix->seq_built)
		strmap_free(&ix->seq);
	sl_free(&ix->seq_text);
	free(ix->seq_node.v);
	free(ix->typo_head);
	free(ix->typo_node.v);
	free(ix->typo_dist.v);
	free(ix->typo_next.v);
	free(ix->walk);
	free(ix->newest);
	label_list_free(&ix->labels_x);
	label_list_free(&ix->labels_v);
	free(ix->parent);
	free(ix->stack.v);
	free(ix->edge.v);
	free(ix->coparent);
	free(ix->comp_bases);
	free(ix->seen);
	free(ix->queued);
	free(ix->queue.v);
	free(ix->wide.v);
	for (uint32_t i = 0; ix->wide_parents && i < ix->g->n; i++)
		free(ix->wide_parents[i]);
	free(ix->wide_parents);
	free(ix);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The files named like MISSING, in node order (the order ranks them by). */
static void name_matches(const struct graph *g, struct suggest_ctx *c, const char *missing,
			 struct u32vec *out)
{
	uint32_t q;

	if (!strmap_get(&c->ix->queries, missing, &q))
		return;
	for (uint32_t e = c->ix->name_head[q]; e != NO_NODE; e = c->ix->entry_next.v[e]) {
		((struct graph *)g)->work.suggest++;
		u32_push(out, c->ix->entry_node.v[e]);
	}
	sort_array(out->v, out->n, sizeof(uint32_t), cmp_u32);
}

/* The one id (not excluded) that starts with MISSING or that MISSING starts with,
 * 4 characters at least; NO_NODE when none or several. (Which one is asked first
 * does not change the answer: it is the only one, or none.) */
static uint32_t prefix_match(const struct graph *g, struct suggest_ctx *c, const char *missing)
{
	size_t m = strlen(missing);
	uint32_t hit = NO_NODE, count = 0, at, q;

	if (m >= 4 && strmap_get(&c->ix->queries, missing, &q))
		for (uint32_t e = c->ix->prefix_head[q]; e != NO_NODE && count < 2; e = c->ix->entry_next.v[e]) {
			((struct graph *)g)->work.suggest++;
			if (!excluded(g, c, c->ix->entry_node.v[e]))
				hit = c->ix->entry_node.v[e], count++;
		}
	for (size_t len = 4; len < m && count < 2; len++) { /* len == m: found above */
		((struct graph *)g)->work.suggest++;
		if (strmap_get_n(&g->index, missing, len, &at) && !g->nodes[at].phantom && !excluded(g, c, at))
			hit = at, count++;
	}
	return count == 1 ? hit : NO_NODE;
}

static void by_name_and_prefix(const struct graph *g, struct suggest_ctx *c, const char *missing)
{
	struct u32vec names = { 0 };
	uint32_t hit;

	name_matches(g, c, missing, &names);
	for (uint32_t k = 0; k < names.n; k++)
		if ((k == 0 || names.v[k] != names.v[k - 1]) && !excluded(g, c, names.v[k]))
			cand_add(&c->cs, names.v[k], W_NAME, "its file name is the missing text");
	free(names.v);
	hit = typo_match(g, c, missing);
	if (hit != NO_NODE && number_fits(c->ix, g, missing, hit))
		cand_add(&c->cs, hit, W_TYPO_NUMBER,
			 "a typo away from the missing text, but only in the number, and the missing number is "
			 "free with the one before it taken: more likely a deleted revision's");
	else if (hit != NO_NODE)
		cand_add(&c->cs, hit, W_TYPO, "the only id a typo away from the missing text");
	hit = prefix_match(g, c, missing);
	if (hit != NO_NODE)
		cand_add(&c->cs, hit, W_PREFIX, "the only id sharing that prefix");
	/* the number says "made just before", not "on the same line": one that a
	 * merge below joins with V's line was on the other (a merge joins heads) */
	hit = numbered_before(c->ix, g, missing);
	if (hit == NO_NODE || excluded(g, c, hit) || joins_own_ancestor(g, c, hit) != NO_NODE)
		return;
	cand_add(&c->cs, hit, W_SEQ, "numbered just before the missing id");
	/* two signals for one revision: the number places it just before, and the
	 * graph shows it lost its child (a head nearer in time may be a branch's tip) */
	if (g->nodes[hit].is_head)
		cand_add(&c->cs, hit, W_HEAD,
			 "numbered just before the missing id, and childless: the missing revision's parent "
			 "would be left childless");
}

/* Does V's piece hang loose: no base but V's own (a cut link), none for a
 * missing parent? Then it was cut from the history, not merged back into it. */
static bool loose_piece(const struct graph *g, const struct suggest_ctx *c)
{
	return c->ix->comp_bases[g->component[c->v]] == (g->nodes[c->v].is_base ? 1u : 0u);
}

/* Does X's line go on: has it a child that starts no branch (declares no
 * branch label)? */
static bool line_goes_on(const struct graph *g, uint32_t x)
{
	const struct u32vec *kids = &g->nodes[x].children;

	for (uint32_t k = 0; k < kids->n; k++)
		if (!g->nodes[kids->v[k]].phantom && !rf_label_ids(g->nodes[kids->v[k]].file)->n)
			return true;
	return false;
}

/* The sorted dates, all of them or a selection (the heads': positions in the
 * whole list, in its order). */
struct date_sel {
	const struct sindex *ix;
	const uint32_t *pos; /* NULL: every date */
	uint32_t n;
};

static const struct date_key *date_at(const struct date_sel *d, uint32_t k)
{
	return &d->ix->dates[d->pos ? d->pos[k] : k];
}

static const char *date_text(const struct date_sel *d, uint32_t k)
{
	return node_date(d->ix->g, date_at(d, k)->node);
}

/* A date to search the index for: its key as index_dates makes them, or, when
 * it does not start with the bytes every indexed date starts with, which side
 * of them all it falls on (not asked today: every search is for a revision's
 * own date, which is in the index). */
struct date_want {
	struct date_key key;
	const char *date;
	int side; /* -1: below every indexed date, 1: above, 0: KEY says */
};

static struct date_want date_want(const struct sindex *ix, const char *date)
{
	struct date_want w = { { 0, 0, 0 }, date, 0 };
	int pre = ix->date_prefix ? strncmp(date, ix->date_prefix, ix->date_common) : 0;

	if (pre)
		w.side = pre < 0 ? -1 : 1;
	else
		date_key_of(date + ix->date_common, &w.key);
	return w;
}

/* strcmp of the selection's date K with W's, from the keys: the dates behind
 * the nodes (three reads at random a probe) only where the keys are equal and
 * both dates go on past them. */
static int date_cmp_want(const struct date_sel *d, uint32_t k, const struct date_want *w)
{
	const struct date_key *x = date_at(d, k);
	size_t skip = d->ix->date_common + 12;

	if (w->side)
		return -w->side;
	if (x->k0 != w->key.k0)
		return x->k0 < w->key.k0 ? -1 : 1;
	if (x->k1 != w->key.k1)
		return x->k1 < w->key.k1 ? -1 : 1;
	return x->k1 & 0xff ? strcmp(date_text(d, k) + skip, w->date + skip) : 0;
}

/* Whether the selection's dates A and B are equal. */
static bool dates_equal(const struct date_sel *d, uint32_t a, uint32_t b)
{
	const struct date_key *x = date_at(d, a), *y = date_at(d, b);
	size_t skip = d->ix->date_common + 12;

	return x->k0 == y->k0 && x->k1 == y->k1 &&
	       (!(x->k1 & 0xff) || !strcmp(date_text(d, a) + skip, date_text(d, b) + skip));
}

/* First index in the selection whose date is not below DATE (ABOVE: above). */
static uint32_t dates_bound(const struct date_sel *d, const char *date, bool above)
{
	struct date_want w = date_want(d->ix, date);
	uint32_t lo = 0, hi = d->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int r = date_cmp_want(d, mid, &w);

		if (r < 0 || (above && r == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t dates_lower_bound(const struct date_sel *d, const char *date)
{
	return dates_bound(d, date, false);
}

/* The graph's rules (a merge joins heads, a line merged back came from its own
 * piece, a head just after a loose piece's root) pass over at most NEAR_MAX
 * candidates: one farther away in time says little, and the scans stay short
 * when many pieces hang loose. */
#define NEAR_MAX 64

/* Is X one of the heads listed so far as V's options (head_options)? */
static bool listed_already(const struct suggest_ctx *c, uint32_t x)
{
	for (uint32_t k = 0; k < c->n_picked; k++)
		if (c->picked[k] == x)
			return true;
	return false;
}

/* The revision of D created just before RF (not excluded), or NO_NODE: the
 * latest earlier Create Date, the first in node order among equal ones. Runs
 * of equal dates are taken from the latest down, each from its first node up. */
static uint32_t created_before(const struct graph *g, const struct revision_file *rf,
			       struct suggest_ctx *c, const struct date_sel *d, uint32_t *passed, uint32_t *at)
{
	const char *mine = rf->doc_create_date.value;
	uint32_t top, passed_over = 0;

	if (!mine || !*mine)
		return NO_NODE;
	for (top = dates_lower_bound(d, mine); top > 0 && passed_over < NEAR_MAX;) {
		uint32_t run = top - 1; /* the run of equal dates ending at TOP - 1: most are one long */

		while (run > 0 && dates_equal(d, run - 1, top - 1))
			run--;
		for (uint32_t k = run; k < top && passed_over < NEAR_MAX; k++) {
			uint32_t x = date_at(d, k)->node, o;

			((struct graph *)g)->work.suggest++;
			if ((c->picking && listed_already(c, x)) || excluded(g, c, x))
				continue;
			if (c->same_piece && g->component[x] != g->component[c->v]) {
				passed_over++;
				continue;
			}
			if ((o = joins_own_ancestor(g, c, x)) == NO_NODE) {
				if (at)
					*at = d->pos ? d->pos[k] : k;
				return x;
			}
			if (passed && *passed == NO_NODE)
				*passed = o;
			passed_over++;
		}
		top = run;
	}
	return NO_NODE;
}

/* Was a revision of V's line (V or a descendant) created after the one at
 * place POS among the dates? Without levels (a cycle) nothing says no. */
static bool line_goes_on_past(const struct graph *g, struct suggest_ctx *c, uint32_t pos)
{
	struct sindex *ix = c->ix;

	if (!ix->newest_built) {
		ix->newest = newest_below(g, ix);
		ix->newest_built = true;
	}
	return !ix->newest || (ix->newest[c->v] != NO_NODE && ix->newest[c->v] > pos);
}

/* Has X a branch label V has not? (the index's lists read them, sorted) */
static bool other_branch(const struct graph *g, struct sindex *ix, uint32_t x, uint32_t v)
{
	const struct label_list *a = &ix->labels_x, *b = &ix->labels_v;
	uint32_t j = 0;

	if (!g->nodes[x].n_labels)
		return false;
	graph_labels(g, x, &ix->labels_x);
	graph_labels(g, v, &ix->labels_v);
	for (uint32_t k = 0; k < a->n; k++) {
		while (j < b->n && strcmp(b->v[j], a->v[k]) < 0)
			j++;
		if (j == b->n || strcmp(b->v[j], a->v[k]))
			return true;
	}
	return false;
}

/* The revision of D created just after RF (not excluded, nor passed over by
 * the merge rule) that fewer than LIMIT revisions were created between, or
 * NO_NODE; *AT its place among all dates. D is the heads, and a head after V
 * is where a rebase may have put it (it keeps its Create Date): the branch
 * lands on the tip of the day and the line then goes on from it, so a head
 * newer than all of V's line is no such tip (V's line had stopped before it
 * was made: the project's own head, or another branch's), nor is the head of
 * a branch label V has not (that branch's own tip; a rebase lands a revision
 * on the line it joins). */
static uint32_t created_after(const struct graph *g, const struct revision_file *rf, struct suggest_ctx *c,
			      const struct date_sel *d, uint32_t limit, uint32_t *at)
{
	const char *mine = rf->doc_create_date.value;
	struct date_sel all = { c->ix, NULL, c->ix->n_dates };
	uint32_t lo, from;

	if (!mine || !*mine)
		return NO_NODE;
	lo = dates_bound(d, mine, true); /* the first date above MINE */
	from = dates_lower_bound(&all, mine);
	for (uint32_t seen = 0; lo < d->n && seen < NEAR_MAX; lo++, seen++) {
		uint32_t x = date_at(d, lo)->node, pos = d->pos ? d->pos[lo] : lo;

		((struct graph *)g)->work.suggest++;
		if (pos - from >= limit || !line_goes_on_past(g, c, pos)) /* nor will a later one */
			break;
		if (other_branch(g, c->ix, x, c->v) || (c->picking && listed_already(c, x)) || excluded(g, c, x) ||
		    joins_own_ancestor(g, c, x) != NO_NODE)
			continue;
		*at = pos;
		return x;
	}
	return NO_NODE;
}

/* Is V a base (a cut link) with a head created after it that a rebase may
 * have put it on (head_options' rule)? */
static bool rebased_onto_head(const struct graph *g, struct suggest_ctx *c)
{
	struct date_sel heads = { c->ix, c->ix->head_pos, c->ix->n_head_pos };
	uint32_t at;

	return g->nodes[c->v].is_base && created_after(g, g->nodes[c->v].file, c, &heads, NEAR_MAX, &at) != NO_NODE;
}

/* MISSING: the parent being replaced (not offered back), or NULL. A rebase
 * rewrites down_revision and may leave Revises: naming the old fork point: in
 * a loose piece, a Revises: revision whose line goes on (without V's piece,
 * which no merge joins back) ranks below a childless head. So it does for a
 * cut revision whose line a merge joins back when a head created after it is
 * there: a branch that forked at the Revises: revision and was merged back
 * leaves no head when its first link is cut (its fork point's line goes on),
 * a rebased one leaves the tip it was moved onto childless. */
static void by_docstring(const struct graph *g, struct suggest_ctx *c, const char *missing)
{
	const struct revision_file *rf = g->nodes[c->v].file;
	struct strlist doc = { 0 };
	bool loose = (loose_piece(g, c) || rebased_onto_head(g, c)) && !rf_label_ids(rf)->n;

	docstring_split_revises(rf->doc_revises.value, &doc);
	for (size_t i = 0; i < doc.n; i++) {
		uint32_t at = graph_find(g, doc.v[i]);

		if (at == NO_NODE || g->nodes[at].phantom || excluded(g, c, at) || (missing && !strcmp(doc.v[i], missing)))
			continue;
		if (loose && line_goes_on(g, at))
			cand_add(&c->cs, at, W_DOC_STALE,
				 "the docstring's Revises: line names it, but its line goes on without this loose "
				 "piece (a rebase leaves Revises: as it was)");
		else
			cand_add(&c->cs, at, W_DOCSTRING, "the docstring's Revises: line names it");
	}
	sl_free(&doc);
}

/* Alembic resolves depends_on by full id or branch label only (a prefix is a
 * KeyError), so a unique prefix is offered as the full id to write. */
static void suggest_dependency(struct graph *g, struct problem *p, struct sindex *ix)
{
	uint32_t v = graph_find(g, p->ref), lo = 0, hi = ix->n_keys, n = 0;

	if (v != NO_NODE && !g->nodes[v].phantom)
		return; /* the full id: nothing to write */
	if (strmap_get(&g->labels, p->ref, &v))
		hi = 0, n = 1;
	while (lo < hi) { /* graph_resolve's prefix rule, on the sorted keys */
		uint32_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->keys_sorted[mid], p->ref) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n_keys && n < 2 && str_starts_with(ix->keys_sorted[lo], p->ref); lo++) {
		g->work.suggest++;
		if (strlen(ix->keys_sorted[lo]) > 3) {
			n++;
			if (!strmap_get(&g->labels, ix->keys_sorted[lo], &v))
				v = graph_find(g, ix->keys_sorted[lo]);
		}
	}
	if (n == 1 && strcmp(g->nodes[v].id, p->ref)) {
		struct fix *f = problem_add_fix(p, FIX_FULL_DEPENDENCY, p->revision,
						"Alembic does not resolve prefixes in files");

		sl_push(&p->candidates, g->nodes[v].id);
		sl_push(&f->parents, g->nodes[v].id);
	}
}

static bool claimed(const struct suggest_ctx *c, uint32_t v, uint32_t *walk_stamp, uint32_t *date_best,
		    uint32_t *date_passed);

static void ctx_for(struct graph *g, struct suggest_ctx *c, uint32_t v, uint32_t skip)
{
	uint32_t best = NO_NODE, passed = NO_NODE;
	bool listed;

	if (c->v == v && c->skip == skip)
		return;
	if (!c->ix)
		c->ix = sindex_build(g);
	free(c->desc);
	c->desc = c->ix->walk ? NULL : graph_descendants(g, v);
	c->v = v;
	c->skip = skip;
	c->ix->stamp++; /* what was known about the last V is not about this one */
	listed = claimed(c, v, &c->ix->walk_stamp, &best, &passed);
	if (!listed)
		c->ix->walk_stamp = ++c->ix->walk_stamps;
	for (uint32_t k = 0; k < g->nodes[v].down.n; k++) /* stamped once: a file naming 30,000
							    * parents asked this for each */
		c->ix->parent[g->nodes[v].down.v[k]] = c->ix->stamp;
	find_coparents(g, c);
	/* V's Create Date pick was made when its head options were listed (the
	 * same V, nothing skipped): a walk over the dates it need not make again */
	if (listed && skip == NO_NODE) {
		c->date_best = best;
		c->date_passed = passed;
		return;
	}
	{
		struct date_sel all = { c->ix, NULL, c->ix->n_dates };

		c->date_passed = NO_NODE;
		c->date_best = created_before(g, g->nodes[v].file, c, &all, &c->date_passed, NULL);
	}
}

/* The parents of the deleted file that defined MISSING; through files deleted
 * with it (a parent missing too) a few steps up. */
static void by_git_deleted(const struct graph *g, struct suggest_ctx *c, const char *missing)
{
	const struct git_deleted *d = git_hints_deleted(g->hints, missing);
	uint32_t now = d && d->renamed_id ? graph_find(g, d->renamed_id) : NO_NODE;

	/* the same revision under its new id: what its children meant */
	if (now != NO_NODE && !g->nodes[now].phantom && !excluded(g, c, now)) {
		char *why = xasprintf("%s's file was renamed by commit %s to %s, which defined %s (git)", missing,
				      d->commit, d->renamed_to, d->renamed_id);

		cand_add(&c->cs, now, W_GIT_RENAMED, why);
		free(why);
	}

	for (int depth = 0; depth < 8 && (d = git_hints_deleted(g->hints, missing)); depth++) {
		char *why = d->uncommitted ? xasprintf("the parent of %s, whose file is deleted but still in git HEAD", d->id)
					   : xasprintf("the parent of %s, whose file commit %s %s (git)", d->id, d->commit,
						       d->renamed_to ? "renamed away" : "deleted");
		const char *next = NULL;

		for (size_t k = 0; k < d->parents.n; k++) {
			uint32_t at = graph_find(g, d->parents.v[k]);

			if (at == NO_NODE || g->nodes[at].phantom)
				next = d->parents.v[k];
			else if (!excluded(g, c, at) && !k)
				cand_add(&c->cs, at, W_GIT_DELETED, why);
			else if (!excluded(g, c, at)) {
				char *other = xasprintf("%s; its other parent (a merge: the first one leads)", why);

				cand_add(&c->cs, at, W_GIT_DELETED_MORE, other);
				free(other);
			}
		}
		free(why);
		if (d->parents.n != 1 || !next)
			break;
		missing = next;
	}
}

/* What git remembers of V's parents, and of the file that defined MISSING. */
static void by_git(const struct graph *g, struct suggest_ctx *c, uint32_t v, const char *missing)
{
	const struct strlist *parents;
	const char *why;
	enum git_parents_kind kind;

	if (!g->hints)
		return;
	kind = git_hints_parents(g->hints, g->nodes[v].file, &parents, &why);
	for (size_t k = 0; kind != GIT_PARENTS_NONE && k < parents->n; k++) {
		uint32_t at = graph_find(g, parents->v[k]);

		if (at != NO_NODE && !g->nodes[at].phantom && !excluded(g, c, at))
			cand_add(&c->cs, at, kind == GIT_PARENTS_COMMITTED ? W_GIT_WORKTREE : W_GIT_HISTORY, why);
	}
	if (missing)
		by_git_deleted(g, c, missing);
}

/* A missing revision whose file git still has can come back as it was. */
static void restore_fix(const struct graph *g, struct problem *p, const char *missing)
{
	const struct git_deleted *d = g->hints ? git_hints_deleted(g->hints, missing) : NULL;
	struct fix *f;

	if (!d || d->renamed_to)
		return;
	f = problem_add_fix(p, FIX_RESTORE, missing, NULL);
	f->reason = d->uncommitted ? xasprintf("git has its file: %s, deleted but not committed", d->rel_path)
				   : xasprintf("git has its file: %s, deleted by commit %s", d->rel_path, d->commit);
}

/* WHY, and when the merge rule passed a later revision over (below co-parent
 * O), why (owned). */
static char *reason_passed(const struct graph *g, const char *why, uint32_t o)
{
	if (o == NO_NODE)
		return xstrdup(why);
	return xasprintf("%s, not below %s (a merge below it joins %s, and a merge joins heads, never a revision "
			 "and its ancestor)", why, g->nodes[o].id, g->nodes[o].id);
}

/* ---- one childless head to one broken link ----
 * A deleted revision leaves one head (its parent, when it was its only
 * child); when several links break at once, each head explains at most one
 * missing parent. A person sets the heads and the orphans side by side and
 * pairs them so that every pair stays close in time: the head nearest an
 * orphan may be another orphan's, nearer to that one, and then this orphan's
 * parent is the next head. Each orphan lists its HEAD_OPTS nearest heads (the
 * rules of by_heads); orphans that list the same head form a group, and each
 * group takes the pairing that leaves the fewest orphans without a head, then
 * the smallest sum of squared distances (revisions created between), which
 * keeps any one pair from lying far apart when another pairing keeps all near. */
#define HEAD_OPTS 3
_Static_assert(2 * HEAD_OPTS <= sizeof(((struct suggest_ctx *)0)->picked) / sizeof(uint32_t),
	       "room for the heads listed before and after V");
#define GROUP_MAX 5 /* (HEAD_OPTS + 1)^5 pairings at most; a bigger group goes greedily */

struct head_opt {
	uint32_t node, dist, passed; /* passed: the co-parent that passed a nearer one over */
	bool after;                  /* created after V (a loose piece: a rebase) */
};

struct claim {
	uint32_t v, missing; /* the orphan and its missing parent (a phantom) */
	uint32_t walk_stamp; /* its walks' (sindex), taken back when its problem is answered */
	uint32_t date_best, date_passed; /* its context's Create Date pick (ctx_for) */
	uint32_t n, pick;    /* options; the one taken, or HEAD_OPTS for none */
	struct head_opt opt[HEAD_OPTS];
};

struct claims {
	struct claim *v;
	size_t n, cap;
	/* head -> the claim that took it: open addressing over the heads the
	 * claims list (a few per claim; an array per node was 400 KB at 100,000) */
	uint32_t *head, *taker, slots;
};

/* The slot of head H in CL's map: H's, or the empty one where it would go. */
static uint32_t taker_slot(const struct claims *cl, uint32_t h)
{
	uint32_t i = (h * 2654435761u) & (cl->slots - 1);

	while (cl->head[i] != NO_NODE && cl->head[i] != h)
		i = (i + 1) & (cl->slots - 1);
	return i;
}

/* The claim that took head H, or NO_NODE. */
static uint32_t taker_of(const struct claims *cl, uint32_t h)
{
	uint32_t i;

	if (!cl->slots)
		return NO_NODE;
	i = taker_slot(cl, h);
	return cl->head[i] == h ? cl->taker[i] : NO_NODE;
}

/* H taken by claim X (NO_NODE: by none); H is one of the listed heads. */
static void taker_set(struct claims *cl, uint32_t h, uint32_t x)
{
	uint32_t i = taker_slot(cl, h);

	cl->head[i] = h;
	cl->taker[i] = x;
}

/* V's claim (its head options, listed by claims_collect), or NULL. */
static const struct claim *claim_of(const struct suggest_ctx *c, uint32_t v)
{
	size_t lo = 0, hi = c->claims ? c->claims->n : 0;

	while (lo < hi) { /* the claims are sorted by node */
		size_t mid = lo + (hi - lo) / 2;

		if (c->claims->v[mid].v < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return c->claims && lo < c->claims->n && c->claims->v[lo].v == v ? &c->claims->v[lo] : NULL;
}

/* What V's context was when its head options were listed (claims_collect):
 * its walk stamp and Create Date pick; false when V has no claim. */
static bool claimed(const struct suggest_ctx *c, uint32_t v, uint32_t *walk_stamp, uint32_t *date_best,
		    uint32_t *date_passed)
{
	const struct claim *k = claim_of(c, v);

	if (!k)
		return false;
	*walk_stamp = k->walk_stamp;
	*date_best = k->date_best;
	*date_passed = k->date_passed;
	return true;
}

/* Up to HEAD_OPTS heads created before V (in V's own piece when a merge joins
 * its line back) and after it (a rebase: created_after's rule, fewer than
 * NEAR_MAX revisions later), nearest first (before on a tie): their distance
 * is the count of revisions created between. */
static uint32_t head_options(const struct graph *g, struct suggest_ctx *c, struct head_opt *out)
{
	struct date_sel heads = { c->ix, c->ix->head_pos, c->ix->n_head_pos };
	struct date_sel all = { c->ix, NULL, c->ix->n_dates };
	const struct revision_file *rf = g->nodes[c->v].file;
	struct head_opt before[HEAD_OPTS], after[HEAD_OPTS];
	uint32_t nb = 0, na = 0, n = 0, mine, x, at;

	if (!rf->doc_create_date.value || !*rf->doc_create_date.value)
		return 0;
	mine = dates_lower_bound(&all, rf->doc_create_date.value);
	c->picking = true;
	c->n_picked = 0;
	c->same_piece = c->n_coparents > 0;
	for (uint32_t passed = NO_NODE; nb < HEAD_OPTS; passed = NO_NODE) {
		if ((x = created_before(g, rf, c, &heads, &passed, &at)) == NO_NODE)
			break;
		c->picked[c->n_picked++] = x;
		before[nb++] = (struct head_opt){ x, mine - at, passed, false };
	}
	c->same_piece = false;
	while (na < HEAD_OPTS && (x = created_after(g, rf, c, &heads, NEAR_MAX, &at)) != NO_NODE) {
		c->picked[c->n_picked++] = x;
		after[na++] = (struct head_opt){ x, at - mine, NO_NODE, true };
	}
	c->picking = false;
	for (uint32_t b = 0, a = 0; n < HEAD_OPTS && (b < nb || a < na);)
		out[n++] = b < nb && (a == na || before[b].dist <= after[a].dist) ? before[b++] : after[a++];
	return n;
}

/* The phantom V lost: its one missing parent, or NO_NODE. */
static uint32_t one_missing_parent(const struct graph *g, uint32_t v)
{
	uint32_t m = NO_NODE;

	for (uint32_t k = 0; k < g->nodes[v].down.n; k++)
		if (g->nodes[g->nodes[v].down.v[k]].phantom) {
			if (m != NO_NODE)
				return NO_NODE;
			m = g->nodes[v].down.v[k];
		}
	return m;
}

static int cmp_claim(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	return x->v < y->v ? -1 : x->v > y->v;
}

static void claims_collect(struct graph *g, struct suggest_ctx *c, struct claims *cl)
{
	for (size_t i = 0; i < g->problems.n; i++) {
		const struct problem *p = &g->problems.v[i];
		uint32_t v = p->kind == PROBLEM_MISSING_DOWN_REVISION ? graph_find(g, p->revision) : NO_NODE;
		struct claim k = { 0 };

		if (v == NO_NODE || g->nodes[v].phantom || (k.missing = one_missing_parent(g, v)) == NO_NODE)
			continue;
		ctx_for(g, c, v, NO_NODE);
		k.v = v;
		k.walk_stamp = c->ix->walk_stamp;
		k.date_best = c->date_best;
		k.date_passed = c->date_passed;
		k.n = head_options(g, c, k.opt);
		k.pick = HEAD_OPTS;
		if (!k.n)
			continue;
		GROW(cl->v, cl->cap, cl->n + 1);
		cl->v[cl->n++] = k;
	}
	/* in history order, not the problems' (a reload appends them in another):
	 * a tie between pairings goes the same way after a reload as on a fresh load */
	sort_array(cl->v, cl->n, sizeof(*cl->v), cmp_claim);
	for (cl->slots = 16; cl->slots < 4 * HEAD_OPTS * cl->n; cl->slots *= 2) /* at most half full */
		;
	cl->head = xmalloc(cl->slots * sizeof(uint32_t));
	cl->taker = xmalloc(cl->slots * sizeof(uint32_t));
	memset(cl->head, 0xff, cl->slots * sizeof(uint32_t)); /* NO_NODE: empty */
}

/* Group the claims that list one head (orphans of one missing revision, which
 * share its parent, too: a group decides who takes the head once); UP[i]'s
 * root is I's group. */
static void claims_group(struct claims *cl, uint32_t *up)
{
	for (uint32_t i = 0; i < cl->n; i++)
		up[i] = i;
	for (uint32_t i = 0; i < cl->n; i++)
		for (uint32_t k = 0; k < cl->v[i].n; k++) {
			uint32_t h = cl->v[i].opt[k].node, o = taker_of(cl, h);

			if (o == NO_NODE)
				taker_set(cl, h, i); /* the first lister, only while grouping */
			else
				up[uf_find(up, i)] = uf_find(up, o);
		}
	for (uint32_t i = 0; i < cl->n; i++)
		for (uint32_t k = 0; k < cl->v[i].n; k++)
			taker_set(cl, cl->v[i].opt[k].node, NO_NODE);
}

/* Can claim M[J] take option K beside M[0..J) as they are? */
static bool pick_free(const struct claims *cl, const uint32_t *m, const uint32_t *pick, uint32_t j, uint32_t k)
{
	const struct claim *x = &cl->v[m[j]];

	for (uint32_t i = 0; i < j && k < HEAD_OPTS; i++) {
		const struct claim *y = &cl->v[m[i]];

		if (pick[i] < HEAD_OPTS && y->opt[pick[i]].node == x->opt[k].node && y->missing != x->missing)
			return false;
	}
	return true;
}

/* Fewest orphans without a head first, then the least sum of squares. */
static uint64_t pairing_cost(const struct claims *cl, const uint32_t *m, const uint32_t *pick, uint32_t n)
{
	uint64_t cost = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t d = pick[i] < HEAD_OPTS ? cl->v[m[i]].opt[pick[i]].dist : 0;

		cost += pick[i] < HEAD_OPTS ? d * d : (uint64_t)1 << 40;
	}
	return cost;
}

/* Every pairing of a small group, in order (earlier members' nearer heads
 * first, so that ties keep them): the fewest without a head, then the least
 * sum of squares. PICK[J] runs over J's options, then HEAD_OPTS (none). */
static void group_exact(struct claims *cl, const uint32_t *m, uint32_t n)
{
	uint32_t pick[GROUP_MAX], best[GROUP_MAX], j = 0;
	uint64_t best_cost = UINT64_MAX;

	pick[0] = 0;
	for (;;) {
		if (pick[j] < HEAD_OPTS && pick[j] >= cl->v[m[j]].n)
			pick[j] = HEAD_OPTS;
		if (pick[j] > HEAD_OPTS) { /* J's choices are done: back up */
			if (j == 0)
				break;
			pick[--j]++;
		} else if (!pick_free(cl, m, pick, j, pick[j])) {
			pick[j]++;
		} else if (j + 1 < n) {
			pick[++j] = 0;
		} else {
			uint64_t cost = pairing_cost(cl, m, pick, n);

			if (cost < best_cost) {
				best_cost = cost;
				memcpy(best, pick, n * sizeof(uint32_t));
			}
			pick[j]++;
		}
	}
	for (uint32_t i = 0; i < n; i++)
		cl->v[m[i]].pick = best[i];
}

/* A group too big to try every pairing: nearest first options first, each
 * taking its nearest head no other missing parent took. */
static void group_greedy(struct claims *cl, uint32_t *m, uint32_t n)
{
	for (uint32_t a = 1; a < n; a++) { /* insertion sort by the first option's distance */
		uint32_t x = m[a], b = a;

		for (; b > 0 && cl->v[m[b - 1]].opt[0].dist > cl->v[x].opt[0].dist; b--)
			m[b] = m[b - 1];
		m[b] = x;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct claim *x = &cl->v[m[i]];

		for (x->pick = 0; x->pick < x->n; x->pick++) {
			uint32_t o = taker_of(cl, x->opt[x->pick].node);

			if (o == NO_NODE || cl->v[o].missing == x->missing)
				break;
		}
		if (x->pick < x->n && taker_of(cl, x->opt[x->pick].node) == NO_NODE)
			taker_set(cl, x->opt[x->pick].node, m[i]);
		if (x->pick == x->n)
			x->pick = HEAD_OPTS;
	}
}

static int cmp_group(const void *a, const void *b, void *ctx)
{
	const uint32_t *up = ctx, x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (up[x] != up[y])
		return up[x] < up[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Pair the heads with the broken links, group by group; TAKER then says which
 * claim took each head. */
static void claims_solve(struct claims *cl)
{
	uint32_t n = cl->n ? (uint32_t)cl->n : 1;
	uint32_t *up = xmalloc(n * sizeof(uint32_t)), *m = xmalloc(n * sizeof(uint32_t));

	claims_group(cl, up);
	for (uint32_t i = 0; i < cl->n; i++) {
		up[i] = uf_find(up, i);
		m[i] = i;
	}
	sort_array_r(m, cl->n, sizeof(uint32_t), cmp_group, up);
	for (uint32_t a = 0, b; a < cl->n; a = b) {
		for (b = a + 1; b < cl->n && up[m[b]] == up[m[a]]; b++)
			;
		if (b - a <= GROUP_MAX)
			group_exact(cl, m + a, b - a);
		else
			group_greedy(cl, m + a, b - a);
	}
	for (uint32_t i = 0; i < cl->n; i++)
		if (cl->v[i].pick < HEAD_OPTS && taker_of(cl, cl->v[i].opt[cl->v[i].pick].node) == NO_NODE)
			taker_set(cl, cl->v[i].opt[cl->v[i].pick].node, i);
	free(up);
	free(m);
}

static void claims_free(struct claims *cl)
{
	free(cl->v);
	free(cl->head);
	free(cl->taker);
}

/* The first of N options that no claim about another missing parent took
 * (MISSING: V's, a phantom, or NO_NODE for a cut link); N when none. */
static uint32_t first_untaken(const struct suggest_ctx *c, const struct head_opt *opt, uint32_t n,
			      uint32_t missing)
{
	uint32_t k = 0;

	for (; c->claims && k < n; k++) {
		uint32_t o = taker_of(c->claims, opt[k].node);

		if (o == NO_NODE || c->claims->v[o].missing == missing)
			break;
	}
	return k;
}

/* A cut link, or a deleted parent, left a revision childless: the head created
 * just before V (branch tips are heads too: a weak signal), or for a loose
 * piece just after it when fewer revisions were created between (a rebased
 * revision keeps its Create Date). When V's line (or a sibling's, that lost
 * the same parent) merges with another, the head is sought in V's piece: the
 * merge joined the line back where it forked, and a head in a piece that no
 * merge joins is another break's. A head paired with another broken link
 * (claims_solve) is that link's. */
static void by_heads(const struct graph *g, struct suggest_ctx *c, const char *missing)
{
	const struct claim *cl = c->skip == NO_NODE ? claim_of(c, c->v) : NULL;
	struct head_opt opt[HEAD_OPTS];
	uint32_t n, m = missing ? graph_find(g, missing) : NO_NODE, k;

	/* listed already for the pairing (the same V, nothing skipped): each
	 * option was a walk down from a head to V's level */
	if (cl) {
		n = cl->n;
		memcpy(opt, cl->opt, n * sizeof(*opt));
	} else {
		n = head_options(g, c, opt);
	}
	k = first_untaken(c, opt, n, m);
	char *why, *base, *other = NULL;

	if (k == n)
		return;
	if (k > 0)
		other = xasprintf(", not %s (created nearer, but paired with %s, whose missing parent it fits "
				  "better: one head for each broken link, every pair as near in time as can be)",
				  g->nodes[opt[0].node].id, g->nodes[c->claims->v[taker_of(c->claims, opt[0].node)].v].id);
	base = xasprintf("the head created %s: %s%s",
			 opt[k].after ? "closest to it, just after it (a rebased revision keeps its Create Date)"
			 : c->n_coparents ? "just before it in its own piece (a merge joins its line back there)"
			 : k ? "nearest before it" : "just before it",
			 missing ? "the missing revision's parent would be left childless"
						 : "the break left it childless",
			 other ? other : "");
	why = reason_passed(g, base, opt[k].after ? NO_NODE : opt[k].passed);
	cand_add(&c->cs, opt[k].node, W_HEAD, why);
	free(why);
	free(base);
	free(other);
}

/* The graph's and the calendar's candidates join the others, and all become
 * P's fixes of TARGET, heaviest first. MISSING (the one missing parent, or
 * NULL for a cut link). The placeholder comes first when nothing stronger than
 * the graph or the calendar points at a parent and either MISSING looks like an
 * id this project makes (a revision that existed: keep its id) or only Create
 * Date points at a revision with a child already (re-parenting onto it would
 * fork the history where the missing revision more likely sat between them). */
static void finish_candidates(const struct graph *g, struct problem *p, struct suggest_ctx *c,
			      const char *target, const char *missing)
{
	struct cand *top;
	bool existed;

	if (!g->nodes[c->v].down.n || missing)
		by_heads(g, c, missing);
	if (c->date_best != NO_NODE) {
		char *why = reason_passed(g, "created just before it, by Create Date", c->date_passed);

		cand_add(&c->cs, c->date_best, W_DATE, why);
		free(why);
	}
	sort_cands(&c->cs);
	top = c->cs.n ? &c->cs.v[0] : NULL;
	existed = missing && looks_like_project_id(c->ix, g, missing);
	if (missing && top && top->base <= W_HEAD &&
	    (existed || (top->base == W_DATE && !top->extra && g->nodes[top->node].children.n))) {
		struct fix *f = problem_add_fix(p, FIX_STUB, missing, NULL);

		f->reason = existed
				    ? xasprintf("%s has this project's form of id, so most likely was a revision (a "
						"database may be stamped with it): recreate it, on %s",
						missing, g->nodes[top->node].id)
				    : xasprintf("only Create Date points at %s, which has a child already: recreate "
						"the missing revision on it rather than fork",
						g->nodes[top->node].id);
		sl_push(&f->parents, g->nodes[top->node].id);
	}
	for (size_t k = 0; k < c->cs.n; k++)
		add_candidate(p, target, g->nodes[c->cs.v[k].node].id, c->cs.v[k].why);
	cands_clear(&c->cs);
}

static void suggest_missing(struct graph *g, struct problem *p, struct suggest_ctx *c)
{
	uint32_t v = graph_find(g, p->revision);
	bool stub_first;
	struct fix *f;

	if (v == NO_NODE)
		return;
	ctx_for(g, c, v, NO_NODE);
	by_git(g, c, v, p->ref);
	by_name_and_prefix(g, c, p->ref);
	by_docstring(g, c, p->ref);
	finish_candidates(g, p, c, p->revision, p->ref);
	restore_fix(g, p, p->ref);
	stub_first = p->n_fixv && p->fixv[0].kind == FIX_STUB;
	if (!stub_first)
		problem_add_fix(p, FIX_STUB, p->ref, "create the missing revision");
	f = problem_add_fix(p, FIX_MAKE_BASE, p->revision, NULL);
	f->reason = xasprintf("make %s a base", p->revision);
}

/* ---- loose pieces ------------------------------------------------------------- */

/* Per piece a loose-piece problem is about, its root (a base, or a revision
 * whose parent is missing or unknown: where a parent would connect it; the
 * first by load order). One pass over the nodes, reading only the pieces'
 * own: most checks have no loose piece, or a small one. */
struct pieces {
	uint32_t *root;
};

static bool is_root(const struct graph *g, const struct node *nd)
{
	if (pv_n_unknown(&nd->file->down) || !nd->down.n)
		return true;
	for (uint32_t k = 0; k < nd->down.n; k++)
		if (g->nodes[nd->down.v[k]].phantom)
			return true;
	return false;
}

/* Which pieces suggest_loose asks for (a byte per piece, owned), or NULL. */
static uint8_t *loose_pieces(const struct graph *g, uint32_t nc)
{
	uint8_t *want = NULL;

	for (size_t i = 0; i < g->problems.n; i++) {
		uint32_t v = g->problems.v[i].kind == PROBLEM_DISCONNECTED_COMPONENT
				     ? graph_find(g, g->problems.v[i].revision) : NO_NODE;

		if (v == NO_NODE || g->nodes[v].phantom)
			continue;
		if (!want)
			want = xcalloc(nc, 1);
		want[g->component[v]] = 1;
	}
	return want;
}

static void pieces_init(struct pieces *pc, const struct graph *g)
{
	uint32_t nc = g->n_components ? g->n_components : 1;
	uint8_t *want = loose_pieces(g, nc);

	pc->root = xmalloc(nc * sizeof(uint32_t));
	for (uint32_t c = 0; c < nc; c++)
		pc->root[c] = NO_NODE;
	for (uint32_t i = 0; want && i < g->n; i++) {
		const struct node *nd;
		uint32_t c = g->component[i];

		if (!want[c] || (nd = &g->nodes[i])->phantom)
			continue;
		if (is_root(g, nd) && (pc->root[c] == NO_NODE ||
				       nd->file->load_index < g->nodes[pc->root[c]].file->load_index))
			pc->root[c] = i;
	}
	free(want);
}

static void pieces_free(struct pieces *pc)
{
	free(pc->root);
}

/* A loose piece is connected by giving its root a parent in the rest of the
 * history, found by the signals a missing parent uses. Never a merge revision
 * of its head and another piece's: that joins histories that share no
 * ancestor (a published root, which keeps its parents, stays apart: plan.h). */
static void suggest_loose(struct graph *g, struct problem *p, struct suggest_ctx *c, const struct pieces *pc)
{
	uint32_t v = graph_find(g, p->revision), comp, root;
	const struct node *rn;
	const char *missing = NULL;
	unsigned several = 0;

	if (v == NO_NODE || g->nodes[v].phantom)
		return;
	comp = g->component[v];
	root = pc->root[comp];
	if (root == NO_NODE)
		return;
	rn = &g->nodes[root];
	ctx_for(g, c, root, comp);
	for (uint32_t k = 0; k < rn->down.n; k++)
		if (g->nodes[rn->down.v[k]].phantom) {
			missing = missing ? NULL : g->nodes[rn->down.v[k]].id;
			several += missing == NULL;
		}
	by_git(g, c, root, several ? NULL : missing);
	for (uint32_t k = 0; k < rn->down.n; k++)
		if (g->nodes[rn->down.v[k]].phantom)
			by_name_and_prefix(g, c, g->nodes[rn->down.v[k]].id);
	by_docstring(g, c, NULL);
	finish_candidates(g, p, c, rn->id, several ? NULL : missing);
}

/* A second base is most often a link cut to None: where it hung, the signals
 * say (a base that declares a branch label meant to start a branch: left
 * alone). Not its own descendants; its piece's other revisions may do. */
static void suggest_base(struct graph *g, struct problem *p, struct suggest_ctx *c)
{
	uint32_t v = graph_find(g, p->revision);

	if (v == NO_NODE || g->nodes[v].phantom || g->nodes[v].n_labels || g->nodes[v].labels_unknown ||
	    pv_n_unknown(&g->nodes[v].file->down))
		return;
	ctx_for(g, c, v, NO_NODE);
	by_git(g, c, v, NULL);
	by_docstring(g, c, NULL);
	finish_candidates(g, p, c, p->revision, NULL);
}

void suggest_missing_parents(struct graph *g)
{
	struct suggest_ctx c = { .v = NO_NODE, .skip = NO_NODE, .date_best = NO_NODE, .date_passed = NO_NODE };
	struct pieces pc;
	struct claims cl = { 0 };

	pieces_init(&pc, g);
	claims_collect(g, &c, &cl);
	claims_solve(&cl);
	c.claims = &cl;
	for (size_t i = 0; i < g->problems.n; i++) {
		struct problem *p = &g->problems.v[i];

		if (p->kind == PROBLEM_MISSING_DEPENDENCY) {
			if (!c.ix)
				c.ix = sindex_build(g);
			if (!c.ix->keys_built)
				index_keys(c.ix, g);
			suggest_dependency(g, p, c.ix);
		} else if (p->kind == PROBLEM_MISSING_DOWN_REVISION) {
			suggest_missing(g, p, &c);
		} else if (p->kind == PROBLEM_DISCONNECTED_COMPONENT) {
			suggest_loose(g, p, &c, &pc);
		} else if (p->kind == PROBLEM_MULTIPLE_BASES) {
			suggest_base(g, p, &c);
		}
	}
	pieces_free(&pc);
	claims_free(&cl);
	free(c.cs.v);
	free(c.desc);
	sindex_free(c.ix);
}
