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
 * - the walk goes chain by chain, not node by node. A chain is a line where
 *   each node below its top has one child and is that child's one parent (a
 *   first head the caller hands in, which may have children, starts a chain of
 *   its own; "chains" below says which lines are taken). The
 *   walk emits a chain whole once it emits its top: the node below has no other
 *   child, so it is not blocked, and is no head (only its one child could have
 *   made it one), so the slot moves onto it in place. And a head is always a
 *   chain's top: a parent made a head is the top of its chain, its child being
 *   the bottom of another. So the walk runs over the chains, each a node of a
 *   smaller graph whose edges are its bottom's parents, and writes a chain's
 *   revisions out when it emits it: 14,000 chains for 100,000 revisions of
 *   branchy history, and the walk's arrays, its labels among them, are a
 *   seventh of what they would be by revision.
 * Below, "node" is such a chain unless said otherwise.
 * A walk-up then costs the number of unemitted chains above the candidate. That
 * alone is quadratic when a node is blocked low under a large unemitted history:
 * one asked about after every finished branch (a slot a merge left low), or many
 * (each depends_on target is appended as a head low in the history: 10x the work
 * for 3x the revisions). So the walk-up races a scan of the heads in key order,
 * each asked whether it reaches the node (reachability labels, see "the first
 * head above C" below), and the cheaper one answers. */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "migtree/order.h"

/* The heads, Alembic's current_heads, are slots. A slot's key is its place in
 * that list (list order is key order: new slots are appended) and its index in
 * the slot arrays; a chain is a head at most once (it stops being one only when
 * it is emitted), so there are at most n keys. */
/* A graph's edges, flat: the parents of v (in norm_down order) are
 * fwd_nodes[fwd_start[v] .. fwd_start[v + 1]), its children
 * rev_nodes[rev_start[v] .. rev_start[v + 1]). The ranked revisions have
 * theirs, the chains theirs. */
struct flat_edges {
	uint32_t *fwd_start, *fwd_nodes;
	uint32_t *rev_start, *rev_nodes;
};

/* A node's reachability labels in one depth-first forest (see "the first head
 * above C" below): pre and post order, and low, the smallest post number it
 * reaches. */
struct label {
	uint32_t pre, post, low;
};

/* ... in both forests: edges taken first to last (t[0]), last to first (t[1]) */
struct labels {
	struct label t[2];
};

/* An edge a relink changed since the labels were made (see "labels kept
 * across edits" below): from rank X to rank Y, with their labels; CUT[t]: a
 * removed edge that may carry forest t's tree path from X to Y. */
struct label_edge {
	uint32_t x, y;
	struct labels lx, ly;
	bool cut[2];
};

#define LABEL_EDGES 8
/* Room made with the labels for the chains edits cut (each a few at most),
 * so that the first ones move no copy of the array. */
#define LABEL_SPARE 64

/* The labels of a kept ranking's chains (its breaks' runs, in order), made
 * by an earlier walk, and the edges changed since: the graph they label is
 * the ranking's less REMOVED plus ADDED. V is NULL when there are none. */
struct kept_labels {
	struct labels *v;
	uint32_t n, cap;
	struct label_edge added[LABEL_EDGES], removed[LABEL_EDGES];
	uint32_t n_added, n_removed;
	/* ranks inside a chain whose labels are not their chain's top's: two
	 * chains joined that were apart when labelled (an edit undone) */
	struct {
		uint32_t r;
		struct labels l;
	} inner[LABEL_EDGES];
	uint32_t n_inner;
};

static inline bool nests(const struct label *h, const struct label *c)
{
	return h->pre <= c->pre && c->post <= h->post;
}

/* H may reach C by the labels alone (the graph they were made on): low and
 * post never rise along an edge. */
static inline bool labels_may_reach(const struct labels *h, const struct labels *c)
{
	for (int t = 0; t < 2; t++)
		if (h->t[t].low > c->t[t].low || c->t[t].post > h->t[t].post)
			return false;
	return true;
}

/* A path from H to C that takes added edges: down to the first one's X by
 * the labels, from the last one's Y on by the labels. */
static bool may_reach_added(const struct kept_labels *k, const struct labels *h, const struct labels *c)
{
	uint32_t i = 0;

	while (i < k->n_added && !labels_may_reach(h, &k->added[i].lx))
		i++;
	if (i == k->n_added)
		return false;
	for (uint32_t j = 0; j < k->n_added; j++)
		if (labels_may_reach(&k->added[j].ly, c))
			return true;
	return false;
}

/* ---- labels kept across edits ---------------------------------------------
 * Labels answer for the graph they were made on, and a walk makes them in two
 * passes over the chains: as much as the rest of an edit's walk at 100,000
 * revisions. An edit moves one revision's parents, and the labels still hold
 * for most of the graph, so a kept ranking keeps its last walk's labels and
 * notes each edge an edit moves; a question then trusts them where no moved
 * edge is in the way:
 * - a tree path (nested intervals) is a path unless it went through a removed
 *   edge: a removed edge whose ends nest in a forest may cut one, and the
 *   labels are then made again (kept_labels_cut);
 * - low and post never rise along an edge the labels knew, so a path that
 *   takes no added edge still passes may_reach; one that takes added edges
 *   goes by the labels to the first one's top, and from the last one's
 *   bottom by the labels to C.
 * A revision's labels follow from its chain's (label_leave), so the chains an
 * edit cuts take their labels from the chain they were cut from; two chains
 * an edit joins keep theirs only if the lower one's are what the upper one's
 * give it (it was the same chain when labelled), else the labels are
 * dropped. So are they past LABEL_EDGES moved edges: the next walk that needs
 * them makes them again. The answers are the same either way (a question's
 * answer is the first head above C, whatever its searches take). */

/* Rank R's labels, from its chain's: its chain starts at START. */
static struct labels labels_at(const struct labels *top, uint32_t start, uint32_t r)
{
	struct labels l = *top;

	for (int t = 0; t < 2; t++) {
		l.t[t].pre += r - start;
		l.t[t].post -= r - start;
	}
	return l;
}

/* Rank R's labels, in chain C (starting at START): from the nearest rank at
 * or above it with labels of its own. */
static struct labels kept_labels_in(const struct kept_labels *k, uint32_t c, uint32_t start, uint32_t r)
{
	const struct labels *base = &k->v[c];
	uint32_t from = start;

	for (uint32_t i = 0; i < k->n_inner; i++)
		if (k->inner[i].r > from && k->inner[i].r <= r) {
			base = &k->inner[i].l;
			from = k->inner[i].r;
		}
	return labels_at(base, from, r);
}

/* Rank R's labels, its chain found among the ranking's breaks B (N). */
static struct labels kept_labels_of(const struct kept_labels *k, const uint32_t *b, uint32_t n, uint32_t r)
{
	uint32_t c = u32_lower_bound(b, n, r + 1); /* breaks at or below R: its chain's number */

	return kept_labels_in(k, c, c ? b[c - 1] : 0, r);
}

static void kept_labels_drop(struct kept_labels *k)
{
	free(k->v);
	*k = (struct kept_labels){ 0 };
}

/* The labels a walk made for N chains (room for CAP), kept. */
static void kept_labels_take(struct kept_labels *k, struct labels *lab, uint32_t n, uint32_t cap)
{
	kept_labels_drop(k);
	k->v = lab;
	k->n = n;
	k->cap = cap;
}

/* The chain at AT (starting at START) cut at rank R: the lower part a chain
 * of its own, AT + 1, with R's labels (no longer inner ones). */
static void kept_labels_split(struct kept_labels *k, uint32_t at, uint32_t start, uint32_t r)
{
	struct labels l = kept_labels_in(k, at, start, r);

	for (uint32_t i = 0; i < k->n_inner; i++)
		if (k->inner[i].r == r)
			k->inner[i--] = k->inner[--k->n_inner];
	if (k->n == k->cap) {
		k->cap = k->cap * 2 + 16;
		k->v = xrealloc(k->v, k->cap * sizeof(*k->v));
	}
	memmove(k->v + at + 2, k->v + at + 1, (k->n - at - 1) * sizeof(*k->v));
	k->v[at + 1] = l;
	k->n++;
}

/* Chain AT + 1 (starting at rank R) joined to chain AT (starting at START):
 * R keeps its labels as inner ones where its chain's top does not give
 * them (they were apart when labelled). */
static void kept_labels_join(struct kept_labels *k, uint32_t at, uint32_t start, uint32_t r)
{
	struct labels l = kept_labels_in(k, at, start, r);

	if (memcmp(&l, &k->v[at + 1], sizeof(l))) {
		if (k->n_inner == LABEL_EDGES) {
			kept_labels_drop(k);
			return;
		}
		k->inner[k->n_inner].r = r;
		k->inner[k->n_inner++].l = k->v[at + 1];
	}
	memmove(k->v + at + 1, k->v + at + 2, (k->n - at - 2) * sizeof(*k->v));
	k->n--;
}

/* Does a removed edge cut a tree path? The nestings across it are then no
 * proof, and the searches that must be made instead cost more than making
 * the labels again: at 100,000 revisions a retarget's old parent lies above
 * half the history in both forests (an edge inside a chain is in both
 * trees), and a walk with such labels did seven times the labels' work. */
static bool kept_labels_cut(const struct kept_labels *k)
{
	for (uint32_t i = 0; i < k->n_removed; i++)
		if (k->removed[i].cut[0] || k->removed[i].cut[1])
			return true;
	return false;
}

/* Edge X -> Y removed (ADD false) or added; B (N) the ranking's breaks.
 * An edge moved back cancels its note; past LABEL_EDGES notes the labels
 * are dropped. */
static void kept_labels_edge(struct kept_labels *k, const uint32_t *b, uint32_t n, uint32_t x, uint32_t y, bool add)
{
	struct label_edge *undo = add ? k->removed : k->added, *note = add ? k->added : k->removed;
	uint32_t *n_undo = add ? &k->n_removed : &k->n_added, *n_note = add ? &k->n_added : &k->n_removed;
	struct label_edge e = { x, y, kept_labels_of(k, b, n, x), kept_labels_of(k, b, n, y), { false, false } };

	for (uint32_t i = 0; i < *n_undo; i++)
		if (undo[i].x == x && undo[i].y == y) {
			undo[i] = undo[--*n_undo];
			return;
		}
	if (*n_note == LABEL_EDGES) {
		kept_labels_drop(k);
		return;
	}
	for (int t = 0; !add && t < 2; t++)
		e.cut[t] = nests(&e.lx.t[t], &e.ly.t[t]);
	note[(*n_note)++] = e;
}

/* ---- meeting the last walk again -------------------------------------------
 * Alembic's walk goes on from its state alone: the revisions emitted, the list
 * of heads, the candidate's place in it, and the graph among the revisions not
 * yet emitted. An edit relinks a revision, and once the walk after it has
 * emitted every revision relinked since the last walk, the graph left is the
 * last walk's: where its state is then the last walk's at the same row, the
 * rest of the order is the last walk's too, and is copied, not walked. An
 * edit of a recent revision walks its first rows and copies the rest; the
 * bench's (the middle revision onto one a quarter in) copies the last quarter.
 * A kept walk notes its state at the first chain's end from every MEET_EVERY
 * rows on (not with more than MEET_HEADS heads: a wide walk is noted less),
 * and the next walk compares at the rows noted (meets_last says why equal
 * heads are enough). The bench's edit at 100,000 revisions meets the last
 * walk at row 75,271; test_order's edit near the top of 20,000 revisions
 * walks fewer than 2,000. */
#define MEET_EVERY 256
#define MEET_HEADS 64
#define MEET_RELINKED 16

struct walk_state {
	uint32_t row;   /* revisions emitted */
	uint32_t cur;   /* the candidate's place in the list */
	uint32_t at, n; /* the list: heads[at .. at + n), graph nodes (chain tops) in list order */
};

/* A walk's states, its order, and the revisions relinked since it. */
struct walk_states {
	struct walk_state *v;
	uint32_t n, cap;
	struct u32vec heads;
	uint32_t *order, n_rows; /* N_ROWS 0: no walk noted */
	uint32_t relinked[MEET_RELINKED], n_relinked;
	bool stale; /* more relinked than noted: nothing to meet */
};

/* What a kept walk keeps for it. */
struct meet {
	struct walk_states now;         /* this walk's states */
	const struct walk_states *last; /* the last walk's, NULL: none to meet */
	uint32_t last_at;               /* LAST's first state not below this walk's row */
	uint32_t next_note;             /* the row from which the next state is noted */
	const uint32_t *rank;           /* graph node -> rank */
	/* the relinked revisions' rows in the last walk, LAST_ROWS_UPTO where
	 * one is not found before it (looked for as far as asked) */
	uint32_t last_rows[MEET_RELINKED], last_rows_upto;
};

static void walk_states_free(struct walk_states *w)
{
	free(w->v);
	free(w->heads.v);
	free(w->order);
	*w = (struct walk_states){ 0 };
}

struct sorter {
	/* The walk's nodes are the chains (see "chains" below), 0..n-1, numbered
	 * by their tops' ranks. */
	uint32_t n;
	/* what emitting chain c writes out: graph nodes exp_nodes[exp_start[c] ..
	 * exp_start[c + 1]), top to bottom (a chain is a run of ranks, and
	 * exp_nodes the ranking's node_of, borrowed) */
	uint32_t *exp_start;
	const uint32_t *exp_nodes;
	struct flat_edges e; /* a chain's parents (its bottom's), as chains; no children lists: */
	/* a chain's children are its top's, ranks up_nodes[up_start[top] ..
	 * up_start[top + 1]) (the ranking's, borrowed), each the bottom of its
	 * chain of[rank] (the walk-up, their one reader, pays a load a child
	 * for it: less than making a list for every chain each walk) */
	const uint32_t *up_start, *up_nodes;
	uint32_t *of;
	uint32_t *pending;   /* children not yet emitted */
	uint32_t *slot_of;   /* node -> key of its slot, NO_NODE if it is no head */
	uint32_t *slot_node; /* key -> node, NO_NODE once removed */
	uint32_t *slot_prev, *slot_next; /* the list, by key */
	uint32_t first, last, next_key;
	uint32_t *seen, stamp;    /* per chain: met by the current walk-up (stamp), or SEEN_DONE: emitted */
	struct u32vec stack;      /* the walk-up's, N long */
	/* reachability labels (first_head_above), per chain: the sorter's own,
	 * or its ranking's (KEPT) when it keeps them across edits */
	struct labels *lab;
	struct kept_labels *kept;
	uint32_t *cursor;         /* node -> the key its last question was answered with */
	uint32_t last_c, last_answer; /* the last question answered (NO_NODE: none yet) */
	uint32_t *live;           /* key -> a key not below it that may be live (find_live) */
	uint32_t *mark, mark_stamp; /* per node: visited by the current reachability search */
	uint32_t *climbed;        /* per node: the stamp of its last climb that went to the end, 0 none */
	struct u32vec dfs;
	uint64_t work;            /* chains visited, keys and chains looked at, revisions emitted */
	uint64_t searched;        /* nodes the searches took (labels_fit) */
	uint64_t labelled;        /* chains labelled (make_labels) */
	struct u32vec *out;
	/* the ranks emitted and not yet written out: chains emitted one after
	 * the other in rank order are written in one copy (most are: the ranks
	 * follow the last walk's order), not one copy a chain */
	uint32_t out_from, out_to;
	uint32_t out_base;        /* OUT's length when the walk began */
	struct meet *meet;        /* the states a kept walk notes and meets (NULL: none) */
};

/* An emitted chain's seen: above every stamp (there are fewer questions). */
#define SEEN_DONE UINT32_MAX

static bool in_todo(const struct sorter *s, uint32_t v)
{
	return s->seen[v] != SEEN_DONE;
}

static inline uint32_t append_slot(struct sorter *s, uint32_t node)
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
	/* every key between K and the next live one is removed already (list
	 * order is key order), and keys appended later are past next_key */
	s->live[k] = next != NO_NODE ? next : s->next_key;
	return prev != NO_NODE ? prev : next;
}

/* ---- "the first head above C": two searches, the cheaper one answers --------
 * Climbing from C visits every unemitted chain above it; that is short when C is
 * high in the history, but a node blocked low under a large unemitted history
 * (a slot a merge left low; a depends_on target appended as a head, one per
 * dependency) climbs through all of it, again and again. The other way asks the
 * heads in key order whether they reach C, the first that does being the
 * answer; that is short when an early head is above C. Neither is short in
 * every history, so they run in turns, a step each, and the first to finish
 * answers: a question costs at most twice the cheaper search.
 *
 * "Does head H reach C" is static reachability (a path of chains from H
 * down to C: its nodes are then unemitted, since an emitted node below an
 * unemitted head would have been blocked), answered from the labels of two
 * depth-first forests down the chains (each node's edges taken in one order
 * and in the other): an ancestor in either tree reaches (pre and post order
 * intervals), and H reaches C only if C's [low, post] interval lies within H's in
 * both (low: the smallest post number reachable), so most questions need no
 * search; the rest search down from H through nodes whose intervals hold C's.
 *
 * A key not above C never becomes one (heads only move down: from a node not
 * above C to a parent, still not above it; new heads get larger keys), so each
 * node keeps the key it was last answered with and starts there next time. */

static inline bool tree_reaches(const struct sorter *s, uint32_t h, uint32_t c)
{
	const struct labels *lh = &s->lab[h], *lc = &s->lab[c];

	for (int t = 0; t < 2; t++) /* no removed edge cuts a tree path: kept_labels_cut */
		if (nests(&lh->t[t], &lc->t[t]))
			return true;
	return false;
}

static inline bool may_reach(const struct sorter *s, uint32_t h, uint32_t c)
{
	return labels_may_reach(&s->lab[h], &s->lab[c]) || (s->kept && s->kept->n_added &&
							     may_reach_added(s->kept, &s->lab[h], &s->lab[c]));
}

/* What the climbs proved about X (a node other than C, not emitted) and C:
 * 1 X is above C, 0 it is not, -1 not known. The current question's climb
 * sees only chains above C. A climb that went to the end saw every chain then
 * above C (an unemitted chain above C reaches it through unemitted ones: a
 * chain is emitted after all above it), and reachability does not change in a
 * walk: a chain it saw is above C, one it did not (seen before it) is not,
 * one seen again since is not known. A ladder (two lines, rungs between) whose
 * one head hangs low asks about that head after nearly every chain it emits:
 * each climb went through half the history, and each search from a head on
 * the other line, which cannot reach it, through the other half, for labels
 * allow every rung (`history` 5.35 s at 60,000, quadratic). */
static inline int climbs_prove(const struct sorter *s, uint32_t x, uint32_t c)
{
	uint32_t seen = s->seen[x], climbed = s->climbed[c];

	if (seen == s->stamp || (climbed && seen == climbed))
		return 1;
	return seen < climbed ? 0 : -1;
}

/* The smallest key not below K whose slot is live, NO_NODE past the last: a
 * removed key (never used again) points on to a later key (at first the
 * next live one when it was removed: remove_slot), with path compression,
 * so a scan passes over the removed ones once. */
static uint32_t find_live(struct sorter *s, uint32_t k)
{
	uint32_t r = k;

	while (r < s->next_key && s->slot_node[r] == NO_NODE)
		r = s->live[r] > r ? s->live[r] : r + 1;
	while (k < r) {
		uint32_t next = s->live[k] > k ? s->live[k] : k + 1;

		s->live[k] = r;
		k = next;
	}
	return r < s->next_key ? r : NO_NODE;
}

/* Number forest T, the depth-first forest down the chains from ROOT taking
 * each node's edges first to last (T 0) or last to first (T 1): pre order,
 * post order, low (the smallest post number it reaches). In a DAG every node a
 * node reaches is numbered before it is. A frame keeps its edges' bounds and
 * the smallest low met so far (a parent numbered before, or a child frame
 * closed), so a node's edges are read once and its place in the edge arrays
 * once: labelling was a third of the walk.
 * A chain takes a number for each of its revisions, top to bottom in pre
 * order, bottom to top in post order, with the top's numbers its own: the
 * forest's over the revisions, each chain's run entered at its top (its
 * inner revisions have no other way in). A revision's numbers then follow
 * from its chain's wherever the chains are cut, which lets the labels
 * outlive an edit (see "labels kept across edits"). */
struct label_frame {
	uint32_t v;        /* a node on the path */
	uint32_t at, end;  /* its next edge to take, and one past its last, by STEP */
	uint32_t low;      /* the smallest low of the parents taken */
	uint32_t len;      /* its revisions */
};

/* V enters the path as frame F of forest T: numbered, its edges set
 * (backwards for T 1, from start[v + 1] - 1 to start[v] - 1: unsigned,
 * END may be one below 0). */
static inline void label_enter(struct sorter *s, int t, uint32_t v, uint32_t *next_pre, struct label_frame *f)
{
	const uint32_t *start = s->e.fwd_start;
	struct label *l = &s->lab[v].t[t];
	uint32_t len = s->exp_start[v + 1] - s->exp_start[v];

	l->pre = *next_pre;
	*next_pre += len;
	l->low = NO_NODE; /* as a parent still on the path (a cycle) it lowers nothing */
	*f = (struct label_frame){ v, start[v + t] - t, start[v + 1 - t] - t, NO_NODE, len };
}

/* F's next parent not yet labelled, NO_NODE when it has taken them all; the
 * labelled ones passed over lower F's low. */
static inline uint32_t next_unlabelled(struct label_frame *f, const uint32_t *nodes, const struct labels *lab,
				       int t, uint32_t step)
{
	while (f->at != f->end) {
		uint32_t u = nodes[f->at];

		f->at += step;
		if (lab[u].t[t].pre == NO_NODE)
			return u; /* a node is on the path once */
		if (lab[u].t[t].low < f->low)
			f->low = lab[u].t[t].low;
	}
	return NO_NODE;
}

/* F's node leaves the path: its revisions' post numbers from NEXT_POST, its
 * top's its own; returns its low. */
static inline uint32_t label_leave(struct sorter *s, int t, const struct label_frame *f, uint32_t *next_post)
{
	struct label *l = &s->lab[f->v].t[t];
	uint32_t bottom = *next_post; /* the smallest post number in the chain */

	*next_post += f->len;
	l->post = *next_post - 1;
	l->low = f->low < bottom ? f->low : bottom;
	return l->low;
}

/* Inlined where T is known (label_forest): its labels are then at a fixed
 * place in each node's, and its edges' direction fixed. */
__attribute__((always_inline)) static inline void label_from(struct sorter *s, int t, uint32_t root,
							     uint32_t *next_pre, uint32_t *next_post,
							     struct label_frame *stack)
{
	const uint32_t *nodes = s->e.fwd_nodes, step = t ? (uint32_t)-1 : 1;
	struct label_frame *f = stack;

	label_enter(s, t, root, next_pre, f);
	for (;;) {
		uint32_t u = next_unlabelled(f, nodes, s->lab, t, step), low;

		if (u != NO_NODE) {
			label_enter(s, t, u, next_pre, ++f);
			continue;
		}
		low = label_leave(s, t, f, next_post);
		if (f == stack)
			return;
		if (low < f[-1].low)
			f[-1].low = low;
		f--;
	}
}

/* label_from with T known: a copy for each forest. */
static void label_root(struct sorter *s, int t, uint32_t root, uint32_t *next_pre, uint32_t *next_post,
		       struct label_frame *stack)
{
	if (t)
		label_from(s, 1, root, next_pre, next_post, stack);
	else
		label_from(s, 0, root, next_pre, next_post, stack);
}

/* The labels of forest T: from the heads in list order (T 0) or backwards (T
 * 1), then from whatever they miss (until every revision has its number). */
static void label_forest(struct sorter *s, int t)
{
	uint32_t n = s->n, next_pre = 0, next_post = 0, revs = n ? s->exp_start[n] : 0;
	struct label_frame *stack = xmalloc((n ? n : 1) * sizeof(*stack));

	for (uint32_t k = t ? s->last : s->first; k != NO_NODE; k = t ? s->slot_prev[k] : s->slot_next[k])
		if (s->lab[s->slot_node[k]].t[t].pre == NO_NODE)
			label_root(s, t, s->slot_node[k], &next_pre, &next_post, stack);
	for (uint32_t v = 0; next_pre < revs && v < n; v++)
		if (s->lab[v].t[t].pre == NO_NODE)
			label_root(s, t, v, &next_pre, &next_post, stack);
	free(stack);
}

/* The labels of the chains as they are now: the ranking keeps them where it
 * keeps labels (its old ones dropped). */
static void make_labels(struct sorter *s)
{
	uint32_t n = s->n;

	s->labelled += n;
	s->lab = xmalloc((n + LABEL_SPARE) * sizeof(*s->lab));
	for (uint32_t v = 0; v < n; v++)
		s->lab[v].t[0].pre = s->lab[v].t[1].pre = NO_NODE; /* not labelled */
	label_forest(s, 0);
	label_forest(s, 1);
	if (s->kept)
		kept_labels_take(s->kept, s->lab, n, n + LABEL_SPARE);
}

/* What first_head_above keeps between questions: the labels, made unless
 * the ranking kept them. */
static void questions_init(struct sorter *s)
{
	uint32_t n = s->n;

	if (!s->lab)
		make_labels(s);
	s->cursor = xcalloc(n ? n : 1, sizeof(uint32_t));
	s->mark = xcalloc(n ? n : 1, sizeof(uint32_t));
	s->climbed = xcalloc(n ? n : 1, sizeof(uint32_t));
}

/* Kept labels with added edges let through what the edges may lead to, and
 * the searches that then fail cost more the more edges and the higher they
 * are: past SEARCH_SPARE nodes a chain searched this walk (made labels cost
 * about as much) the labels are made again for the graph as it is now.
 * With exact labels the bench's edit at 100,000 revisions searches 568
 * nodes a walk, for 14,201 chains. */
#define SEARCH_SPARE 4

static void labels_fit(struct sorter *s)
{
	if (s->kept && s->kept->n_added && s->searched > (uint64_t)SEARCH_SPARE * s->n)
		make_labels(s); /* the kept ones dropped */
}

struct question {
	uint32_t c, from;
	uint32_t best;             /* the climb's smallest key so far */
	uint32_t rest_at, rest_end; /* up_nodes: children of the chain it took last still to look at */
	uint32_t key;              /* the scan's key, NO_NODE when the scan is done */
	bool searching;            /* a search down from KEY's head is under way */
};

/* Children of one chain a step of the climb looks at, at most. */
#define CLIMB_CHILDREN 8

/* One step of the climb: a chain taken from the stack and its children
 * looked at (the next CLIMB_CHILDREN of them, where it has more); false
 * when the climb is over (Q->best is the answer). A chain is marked seen
 * when it is pushed, so each is pushed once and the stack (N long) needs no
 * check; an emitted chain is seen for good (SEEN_DONE), so one test passes
 * over both. A chain's children a few a step: the race with the scan is
 * then fair to a chain with many (a base with 60,000 heads on it took them
 * all at every question the walk asks about it, each answered by the scan
 * in a step or two: 6 s of `history`, quadratic). */
static inline bool climb_step(struct sorter *s, struct question *q)
{
	uint32_t e, end;

	if (q->rest_at != q->rest_end) {
		e = q->rest_at;
		end = q->rest_end;
	} else {
		uint32_t ch, k, top;

		if (!s->stack.n)
			return false;
		ch = s->stack.v[--s->stack.n];
		s->work++;
		k = s->slot_of[ch];
		if (k < q->best && k != q->from) /* NO_NODE is never below */
			q->best = k;
		top = s->exp_start[ch];
		e = s->up_start[top];
		end = s->up_start[top + 1];
	}
	if (end - e > CLIMB_CHILDREN) {
		q->rest_at = e + CLIMB_CHILDREN;
		q->rest_end = end;
		end = q->rest_at;
	} else {
		q->rest_at = q->rest_end;
	}
	s->work += end - e;
	for (; e < end; e++) {
		uint32_t x = s->of[s->up_nodes[e]];

		if (s->seen[x] < s->stamp) {
			s->seen[x] = s->stamp;
			s->stack.v[s->stack.n++] = x;
		}
	}
	return true;
}

/* Does the search down from the current key's head reach Q->c? One node of it:
 * 1 yes, 0 no (the search is over), -1 not known yet. */
static int search_step(struct sorter *s, struct question *q)
{
	uint32_t x;

	if (!s->dfs.n)
		return 0;
	x = s->dfs.v[--s->dfs.n];
	s->work++;
	s->searched++;
	for (uint32_t k = s->e.fwd_start[x]; k < s->e.fwd_start[x + 1]; k++) {
		uint32_t u = s->e.fwd_nodes[k];
		int proved;

		if (!in_todo(s, u) || s->mark[u] == s->mark_stamp)
			continue;
		s->mark[u] = s->mark_stamp;
		if (u == q->c)
			return 1;
		proved = climbs_prove(s, u, q->c);
		if (proved == 1 || (proved < 0 && tree_reaches(s, u, q->c)))
			return 1;
		if (proved < 0 && may_reach(s, u, q->c))
			u32_push(&s->dfs, u);
	}
	return -1;
}

/* One step of the scan; false when it is over (Q->key is the answer, or
 * NO_NODE when no head reaches C). */
static bool scan_step(struct sorter *s, struct question *q)
{
	uint32_t h;
	int proved;

	if (q->searching) {
		int r = search_step(s, q);

		if (r == 1)
			return false;
		if (r == -1)
			return true;
		q->searching = false;
		q->key++;
	}
	q->key = find_live(s, q->key);
	if (q->key == NO_NODE)
		return false;
	s->work++;
	h = s->slot_node[q->key];
	proved = q->key == q->from || h == q->c ? 0 : climbs_prove(s, h, q->c);
	if (!proved || (proved < 0 && !may_reach(s, h, q->c))) {
		q->key++;
		return true;
	}
	if (proved == 1 || tree_reaches(s, h, q->c))
		return false;
	labels_fit(s); /* a search starts: no question's state depends on the labels */
	q->searching = true;
	s->dfs.n = 0;
	u32_push(&s->dfs, h);
	return true;
}

/* Steps a question may climb before the labels are made. */
#define CLIMB_ALONE 256

/* The first head (smallest key) other than FROM whose ancestors include C. */
static uint32_t first_head_above(struct sorter *s, uint32_t c, uint32_t from)
{
	struct question q = { c, from, NO_NODE, 0, 0, 0, false };
	uint32_t answer;

	s->stamp++;
	s->seen[c] = s->stamp;
	s->stack.v[0] = c;
	s->stack.n = 1;
	if (!s->cursor) {
		/* the labels cost two passes over the history, as much as the rest
		 * of the walk: made for the first question whose climb goes far
		 * (many walks ask none, or only ones above short climbs) */
		for (uint32_t k = 0; k < CLIMB_ALONE; k++)
			if (!climb_step(s, &q))
				return q.best;
		questions_init(s);
	}
	q.key = s->cursor[c];
	/* No key below the last question's answer reaches its node, nor ever
	 * will (keys are not given again, and a slot moves only to a parent of
	 * its node): so none reaches a node above it either. A line whose
	 * every revision also has a head on it asks about each revision in
	 * turn, each time with every revision below it still a head of a
	 * smaller key: the scan from C's own cursor took them all, one a step
	 * (quadratic; `history` 5.8 s at 60,000). */
	if (s->last_c != NO_NODE && s->last_answer > q.key && tree_reaches(s, c, s->last_c))
		q.key = s->last_answer;
	s->mark_stamp++; /* a node one search left has no way to C: no later one enters it */
	for (;;) {
		if (!climb_step(s, &q)) {
			answer = q.best;
			s->climbed[c] = s->stamp;
			break;
		}
		if (!scan_step(s, &q)) {
			answer = q.key;
			break;
		}
	}
	if (answer != NO_NODE) {
		s->cursor[c] = answer;
		s->last_c = c;
		s->last_answer = answer;
	}
	return answer;
}

/* The ranks emitted since the last write written out. */
static inline void write_out(struct sorter *s)
{
	if (s->out_to == s->out_from)
		return; /* none: and OUT may have no array yet */
	memcpy(s->out->v + s->out->n, s->exp_nodes + s->out_from, (s->out_to - s->out_from) * sizeof(uint32_t));
	s->out->n += s->out_to - s->out_from;
	s->out_from = s->out_to;
}

/* Emit the candidate of slot CUR (a chain: its revisions, top to bottom) and
 * move CUR as Alembic does; returns the new CUR (NO_NODE when no head is left). */
static uint32_t emit(struct sorter *s, uint32_t cur)
{
	uint32_t c = s->slot_node[cur], from = s->e.fwd_start[c], to = s->e.fwd_start[c + 1];
	bool replaced = false;

	if (s->exp_start[c] != s->out_to) {
		write_out(s);
		s->out_from = s->exp_start[c];
	}
	s->out_to = s->exp_start[c + 1];
	s->work += s->exp_start[c + 1] - s->exp_start[c];
	s->seen[c] = SEEN_DONE;
	s->slot_of[c] = NO_NODE;
	for (uint32_t k = from; k < to; k++) {
		uint32_t p = s->e.fwd_nodes[k];

		s->pending[p]--;
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

static int cmp_u32(const void *a, const void *b, void *ctx)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	(void)ctx;
	return x < y ? -1 : x > y;
}

static int cmp_order(const void *a, const void *b, void *ctx)
{
	const struct graph *g = ctx;
	uint32_t x = g->nodes[*(const uint32_t *)a].order, y = g->nodes[*(const uint32_t *)b].order;

	return x < y ? -1 : x > y;
}

/* ---- the nodes to order, ranked, and their chains ---------------------------
 * The nodes are renumbered 0..n-1 (their rank) in the order the walk will most
 * likely emit them: an earlier walk's (a hint) or a guess (guess_order), so that
 * the passes below, and the chains' numbers, follow it. In the graph's own
 * numbering (the load order, which is the ids' sorted order: at random) each
 * node's step missed the cache a dozen times, 500 ns a node at 100,000. */
struct ranked {
	uint32_t n;
	uint32_t *node_of; /* rank -> graph node */
	struct flat_edges e; /* norm_down edges between the nodes to order, by rank */
	/* rank -> does its chain go on at the next rank (links_at, below)? Kept
	 * with a kept ranking, and patched where an edit relinks it: the walk
	 * then finds its chains without reading every rank's edges (a pass as
	 * long as the rest of making the chains at 100,000 revisions). */
	uint8_t *links;
	/* the ranks V where links[V - 1] is 0, in order: where a chain starts
	 * (but at rank 0 and at the first heads). Patched with links: the walk
	 * takes its chains from it, not from a pass over every rank (one in seven
	 * starts a chain) */
	struct u32vec breaks;
};

/* Is V one of the nodes to order (TODO NULL: every node)? */
static inline bool to_order(const bool *todo, uint32_t v)
{
	return !todo || todo[v];
}

/* The ranks: the nodes of TODO in HINT's order (a node named twice, or not
 * one of them, is passed over), then the rest in node order. Returns node ->
 * rank, NO_NODE for a node not to order. */
static uint32_t *rank_nodes(struct ranked *rk, const struct graph *g, const bool *todo,
			    const struct u32vec *hint)
{
	uint32_t *rank = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));

	memset(rank, 0xff, (g->n ? g->n : 1) * sizeof(uint32_t));
	rk->node_of = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	rk->n = 0;
	for (uint32_t i = 0; hint && i < hint->n; i++) {
		uint32_t v = hint->v[i];

		if (v < g->n && to_order(todo, v) && rank[v] == NO_NODE) {
			rank[v] = rk->n;
			rk->node_of[rk->n++] = v;
		}
	}
	for (uint32_t v = 0; v < g->n; v++)
		if (to_order(todo, v) && rank[v] == NO_NODE) {
			rank[v] = rk->n;
			rk->node_of[rk->n++] = v;
		}
	return rank;
}

/* The edges by node: the parents of v are nodes[at[v] .. at[v + 1]). Where
 * they are down_revision's, the graph has them flat (graph.h); else the
 * nodes are read once each, in their own order (the one their edge vectors
 * were allocated in: the node structs are 14 MB at 100,000 revisions, and a
 * second pass over them cost as much as the walk). */
struct node_edges {
	uint32_t *at;
	struct u32vec nodes;
	bool borrowed; /* the graph's flat edges (graph.h), not a copy */
};

static void copy_edges(struct node_edges *ne, const struct graph *g, const bool *todo)
{
	/* every node to order, and no depends_on: what history walks is
	 * down_revision, which the graph has flat already */
	ne->borrowed = !g->any_deps && !g->has_cycle && g->down_at;
	for (uint32_t v = 0; ne->borrowed && todo && v < g->n; v++)
		ne->borrowed = todo[v];
	if (ne->borrowed) {
		ne->at = g->down_at;
		ne->nodes = (struct u32vec){ g->down_flat, g->down_at[g->n], g->down_at[g->n] };
		return;
	}
	ne->at = xmalloc(((size_t)g->n + 1) * sizeof(uint32_t));
	ne->nodes = (struct u32vec){ 0 };
	for (uint32_t v = 0; v < g->n; v++) {
		const struct node *nd = &g->nodes[v];

		ne->at[v] = ne->nodes.n;
		for (uint32_t k = 0; to_order(todo, v) && k < nd->norm_down.n; k++)
			if (to_order(todo, nd->norm_down.v[k]))
				u32_push(&ne->nodes, nd->norm_down.v[k]);
	}
	ne->at[g->n] = ne->nodes.n;
}

/* A guess at the walk's order, for the ranks when no earlier walk is known:
 * children before parents, down the first parent first, from the first head
 * (Kahn's order with a stack). Where the walk switches heads it differs, but
 * most of it is long runs in the same sequence: the walk then reads its
 * arrays in nearly address order (twice as fast at 100,000 revisions). */
static void guess_order(const struct graph *g, const struct node_edges *ne, const uint32_t *heads,
			uint32_t n_heads, struct u32vec *guess)
{
	uint32_t *left = xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	struct u32vec stack = { 0 };

	for (uint32_t e = 0; e < ne->nodes.n; e++)
		left[ne->nodes.v[e]]++;
	for (uint32_t i = n_heads; i-- > 0;)
		if (!left[heads[i]])
			u32_push(&stack, heads[i]);
	while (stack.n) {
		uint32_t x = stack.v[--stack.n];

		u32_push(guess, x);
		for (uint32_t e = ne->at[x + 1]; e-- > ne->at[x];)
			if (!--left[ne->nodes.v[e]])
				u32_push(&stack, ne->nodes.v[e]);
	}
	free(stack.v);
	free(left);
}

/* E's children lists, for its N nodes, from their parent lists. */
static void reverse_edges(struct flat_edges *e, uint32_t n)
{
	uint32_t *start = xcalloc((size_t)n + 1, sizeof(uint32_t)), *nodes, *fill;

	for (uint32_t k = 0; k < e->fwd_start[n]; k++)
		start[e->fwd_nodes[k] + 1]++;
	for (uint32_t r = 0; r < n; r++)
		start[r + 1] += start[r];
	nodes = xmalloc(((size_t)start[n] + 1) * sizeof(uint32_t));
	fill = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
	memcpy(fill, start, ((size_t)n + 1) * sizeof(uint32_t));
	for (uint32_t x = 0; x < n; x++)
		for (uint32_t k = e->fwd_start[x]; k < e->fwd_start[x + 1]; k++)
			nodes[fill[e->fwd_nodes[k]]++] = x;
	free(fill);
	e->rev_start = start;
	e->rev_nodes = nodes;
}

static void flat_edges_free(struct flat_edges *e)
{
	free(e->fwd_start);
	free(e->fwd_nodes);
	free(e->rev_start);
	free(e->rev_nodes);
}

/* Is rank V + 1 the next node of V's chain (see "chains" below): V's one
 * parent, whose one child V is? A first head with children ends a chain
 * too, which the walk from it adds. */
static bool links_at(const struct ranked *rk, uint32_t v)
{
	const struct flat_edges *e = &rk->e;

	return v + 1 < rk->n && e->fwd_start[v + 1] - e->fwd_start[v] == 1 &&
	       e->fwd_nodes[e->fwd_start[v]] == v + 1 && e->rev_start[v + 2] - e->rev_start[v + 1] == 1;
}

/* Rank V's link read again, after an edit; a break it makes or takes away
 * splits or joins a chain of the labels KL keeps. */
static void relink_at(struct ranked *rk, struct kept_labels *kl, uint32_t v)
{
	bool links = links_at(rk, v);
	uint32_t at, start;

	if (links == rk->links[v])
		return;
	rk->links[v] = links; /* never at the last rank (nothing to link to): V + 1 is a rank */
	at = u32_lower_bound(rk->breaks.v, rk->breaks.n, v + 1);
	start = at ? rk->breaks.v[at - 1] : 0; /* of the chain V is in, AT */
	if (kl->v && links)
		kept_labels_join(kl, at, start, v + 1);
	else if (kl->v)
		kept_labels_split(kl, at, start, v + 1);
	if (links) {
		memmove(rk->breaks.v + at, rk->breaks.v + at + 1, (rk->breaks.n - at - 1) * sizeof(uint32_t));
		rk->breaks.n--;
	} else {
		u32_push(&rk->breaks, 0); /* room */
		memmove(rk->breaks.v + at + 1, rk->breaks.v + at, (rk->breaks.n - 1 - at) * sizeof(uint32_t));
		rk->breaks.v[at] = v + 1;
	}
}

/* The nodes of TODO ranked in HINT's order (NULL: a guess from HEADS, N of
 * them), with their edges by rank. Returns node -> rank (the caller frees it). */
static uint32_t *rank_graph(struct ranked *rk, const struct graph *g, const bool *todo,
			    const uint32_t *heads, uint32_t n_heads, const struct u32vec *hint)
{
	struct node_edges ne;
	struct u32vec guess = { 0 };
	uint32_t *rank;

	copy_edges(&ne, g, todo);
	if (!hint) {
		guess_order(g, &ne, heads, n_heads, &guess);
		hint = &guess;
	}
	rank = rank_nodes(rk, g, todo, hint);
	free(guess.v);
	rk->e.fwd_start = xmalloc(((size_t)rk->n + 1) * sizeof(uint32_t));
	rk->e.fwd_nodes = xmalloc(((size_t)ne.nodes.n + 1) * sizeof(uint32_t));
	rk->e.fwd_start[0] = 0;
	for (uint32_t r = 0; r < rk->n; r++) {
		uint32_t v = rk->node_of[r], at = rk->e.fwd_start[r];

		for (uint32_t e = ne.at[v]; e < ne.at[v + 1]; e++)
			rk->e.fwd_nodes[at++] = rank[ne.nodes.v[e]];
		rk->e.fwd_start[r + 1] = at;
	}
	if (!ne.borrowed) {
		free(ne.at);
		free(ne.nodes.v);
	}
	reverse_edges(&rk->e, rk->n);
	rk->links = xmalloc(rk->n ? rk->n : 1);
	rk->breaks = (struct u32vec){ 0 };
	for (uint32_t r = 0; r < rk->n; r++) {
		rk->links[r] = links_at(rk, r);
		if (r && !rk->links[r - 1])
			u32_push(&rk->breaks, r);
	}
	return rank;
}

static void ranked_free(struct ranked *rk)
{
	free(rk->node_of);
	free(rk->links);
	free(rk->breaks.v);
	flat_edges_free(&rk->e);
}

/* ---- chains ------------------------------------------------------------------
 * A chain is a line where each node but the top has one child and is that
 * child's one parent; a first head is the top of its chain (a caller may hand
 * the walk a head that has children: the walk is blocked on it, as Alembic
 * is, and no chain may run through it). The walk emits a chain whole, so a
 * chain need not be the longest such line: here it is a run of consecutive
 * ranks. The ranking follows an earlier walk (or a guess that goes down the
 * first parent first), which emitted each line's nodes one after the other:
 * the runs are the lines, where the ranking's links break them (kept with
 * it: struct ranked's breaks), and a chain's nodes are the ranking's
 * node_of[start .. end) as they are. */
struct chains {
	uint32_t n;
	/* top or bottom rank -> its chain (the other ranks' are not set): a
	 * chain's parents (its bottom's) and the first heads are tops of chains,
	 * as a node in a chain below its top has one child, the rank above it;
	 * a top's children (the chain's: no other rank has a child outside it)
	 * are bottoms, as a node in a chain above its bottom has one parent, the
	 * rank below it */
	uint32_t *of;
	uint32_t *start; /* chain -> its first rank (its top); start[n] = the number of ranks */
};

/* The chains of RK: they start at rank 0, at RK's breaks and at the N_FIRST
 * ranks FIRST (in order: first heads with children), merged. */
static void build_chains(struct chains *ch, const struct ranked *rk, const uint32_t *first, uint32_t n_first)
{
	const uint32_t *b = rk->breaks.v;
	uint32_t n = rk->n, nb = rk->breaks.n, i = 0, j = 0;

	ch->of = xmalloc((n ? n : 1) * sizeof(uint32_t));
	ch->start = xmalloc(((size_t)nb + n_first + 2) * sizeof(uint32_t)); /* rank 0's, and start[n] */
	ch->start[0] = 0;
	ch->n = n ? 1 : 0;
	if (!n_first && nb) { /* most walks: the breaks are the starts */
		memcpy(ch->start + ch->n, b, nb * sizeof(uint32_t));
		ch->n += nb;
	}
	while (n_first && (i < nb || j < n_first)) {
		uint32_t v = j == n_first || (i < nb && b[i] < first[j]) ? b[i++] : first[j++];

		if (v && v != ch->start[ch->n - 1])
			ch->start[ch->n++] = v;
	}
	ch->start[ch->n] = n;
	for (uint32_t c = 0; c < ch->n; c++) {
		ch->of[ch->start[c]] = c;
		ch->of[ch->start[c + 1] - 1] = c; /* a rank is the top and bottom of one chain, if of any */
	}
}

/* The edges between chains: chain C's parents are its bottom's, as chains
 * (the children stay the ranks': struct sorter's up_nodes). */
static void chain_edges(struct flat_edges *e, const struct ranked *rk, const struct chains *ch)
{
	uint32_t n = ch->n, at = 0;

	e->fwd_start = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
	e->fwd_nodes = xmalloc(((size_t)rk->e.fwd_start[rk->n] + 1) * sizeof(uint32_t));
	for (uint32_t c = 0; c < n; c++) {
		uint32_t bottom = ch->start[c + 1] - 1;

		e->fwd_start[c] = at;
		for (uint32_t k = rk->e.fwd_start[bottom]; k < rk->e.fwd_start[bottom + 1]; k++)
			e->fwd_nodes[at++] = ch->of[rk->e.fwd_nodes[k]];
	}
	e->fwd_start[n] = at;
}

/* The walk's graph (chain_edges), and emitting chain C writes its nodes.
 * Takes CH's start and of; reads RK's node_of and children lists as long
 * as the walk runs. */
static void sorter_init(struct sorter *s, const struct ranked *rk, struct chains *ch, struct u32vec *out)
{
	uint32_t n = ch->n, m = n ? n : 1;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->out = out;
	chain_edges(&s->e, rk, ch);
	s->exp_start = ch->start;
	s->exp_nodes = rk->node_of;
	s->of = ch->of;
	s->up_start = rk->e.rev_start;
	s->up_nodes = rk->e.rev_nodes;
	ch->start = ch->of = NULL;
	s->pending = xmalloc(m * sizeof(uint32_t));
	for (uint32_t c = 0; c < n; c++)
		s->pending[c] = s->up_start[s->exp_start[c] + 1] - s->up_start[s->exp_start[c]];
	s->slot_of = xmalloc(m * sizeof(uint32_t));
	memset(s->slot_of, 0xff, m * sizeof(uint32_t));
	s->slot_node = xmalloc(m * sizeof(uint32_t));
	s->slot_prev = xmalloc(m * sizeof(uint32_t));
	s->slot_next = xmalloc(m * sizeof(uint32_t));
	s->first = s->last = NO_NODE;
	s->last_c = NO_NODE;
	s->seen = xcalloc(m, sizeof(uint32_t));
	s->live = xmalloc(((size_t)n + 1) * sizeof(uint32_t)); /* read only where remove_slot wrote */
	s->stack.v = xmalloc(m * sizeof(uint32_t));
	s->stack.cap = m;
}

static void sorter_free(struct sorter *s)
{
	free(s->exp_start);
	free(s->of);
	free(s->slot_node);
	free(s->slot_prev);
	free(s->slot_next);
	if (!s->kept) /* else the ranking's */
		free(s->lab);
	free(s->cursor);
	flat_edges_free(&s->e);
	free(s->live);
	free(s->mark);
	free(s->climbed);
	free(s->dfs.v);
	free(s->pending);
	free(s->slot_of);
	free(s->seen);
	free(s->stack.v);
}

/* HEADS of TODO as Alembic's first heads: in map order, each once, into
 * SORTED; returns how many. */
static uint32_t first_heads(const struct graph *g, const bool *todo, const struct u32vec *heads,
			    uint32_t *sorted)
{
	uint32_t n = 0, n_set = 0;

	for (uint32_t i = 0; i < heads->n; i++)
		if (to_order(todo, heads->v[i]))
			sorted[n++] = heads->v[i];
	sort_array_r(sorted, n, sizeof(uint32_t), cmp_order, (void *)g);
	for (uint32_t i = 0; i < n; i++)
		if (i == 0 || sorted[i] != sorted[i - 1]) /* heads are a set in Alembic */
			sorted[n_set++] = sorted[i];
	return n_set;
}

/* ---- the ranking kept with the graph (order.h) ------------------------------ */
/* Labels made ahead for one edit (order_ranks_prepare_edit): rank RV's
 * parents made the ranks TO (N of them), the chains then as BREAKS has them. */
struct prepared_labels {
	uint32_t rv, n, to[LABEL_EDGES];
	struct labels *lab; /* NULL: none */
	uint32_t n_lab;
	struct u32vec breaks;
};

/* The walk after that edit, made ahead with the labels (see "labels made
 * ahead of an edit" below): its first heads, its order, and the states it
 * noted. ARMED once the edit's own relink is made (the graph then relinked
 * N_RELINKED times, of FLAT_GEN): the next kept walk takes it if it starts
 * from the same heads. */
struct prepared_walk {
	uint32_t *heads, n_heads;   /* graph nodes, in list order; NULL: none made */
	struct u32vec order;
	struct walk_states states;  /* order: NULL (the walk's own is in ORDER) */
	bool armed;
	uint64_t flat_gen, n_relinked;
};

struct order_ranks {
	struct ranked rk;
	struct kept_labels labels; /* its chains' (the last walk's that needed them) */
	struct prepared_labels prep;
	struct prepared_walk walk_ahead;
	uint32_t *rank; /* graph node -> rank */
	uint32_t walks; /* walks made with it since it was made: made again after RANKS_WALKS more */
	struct walk_states states; /* the last kept walk's (v NULL: none) */
};

#define RANKS_WALKS 32

static void prep_drop(struct prepared_labels *p)
{
	free(p->lab);
	free(p->breaks.v);
	memset(p, 0, sizeof(*p));
}

static void walk_ahead_drop(struct prepared_walk *w)
{
	free(w->heads);
	free(w->order.v);
	walk_states_free(&w->states);
	memset(w, 0, sizeof(*w));
}

void order_ranks_free(struct order_ranks *r)
{
	if (!r)
		return;
	ranked_free(&r->rk);
	kept_labels_drop(&r->labels);
	prep_drop(&r->prep);
	walk_ahead_drop(&r->walk_ahead);
	walk_states_free(&r->states);
	free(r->rank);
	free(r);
}

/* START[FROM .. TO) += D (unsigned: -1 is a D too), four at a time where
 * there is SSE2: an edit's relink shifts the starts of the ranks between a
 * revision's old and new parent, half the history in the bench's. */
static void add_to_starts(uint32_t *start, uint32_t from, uint32_t to, uint32_t d)
{
	uint32_t k = from;
#if defined(__SSE2__)
	const __m128i vd = _mm_set1_epi32((int)d);

	for (; k + 4 <= to; k += 4) {
		__m128i *p = (__m128i *)(void *)(start + k);

		_mm_storeu_si128(p, _mm_add_epi32(_mm_loadu_si128(p), vd));
	}
#endif
	for (; k < to; k++)
		start[k] += d;
}

/* Rank X's entry in the children list FROM of E moved to the list TO, kept sorted
 * (reverse_edges makes them in rank order): the entries between the two
 * places shift by one, and the lists' starts between them with them. */
static void move_child(struct flat_edges *e, uint32_t x, uint32_t from, uint32_t to)
{
	uint32_t at = e->rev_start[from], ins;

	while (e->rev_nodes[at] != x)
		at++;
	if (from < to) { /* out at AT, in before the first of TO's above X */
		for (ins = e->rev_start[to + 1]; ins > e->rev_start[to] && e->rev_nodes[ins - 1] > x; ins--)
			;
		memmove(e->rev_nodes + at, e->rev_nodes + at + 1, (ins - 1 - at) * sizeof(uint32_t));
		e->rev_nodes[ins - 1] = x;
		add_to_starts(e->rev_start, from + 1, to + 1, (uint32_t)-1);
	} else if (from > to) {
		for (ins = e->rev_start[to]; ins < e->rev_start[to + 1] && e->rev_nodes[ins] < x; ins++)
			;
		memmove(e->rev_nodes + ins + 1, e->rev_nodes + ins, (at - ins) * sizeof(uint32_t));
		e->rev_nodes[ins] = x;
		add_to_starts(e->rev_start, to + 1, from + 1, 1);
	}
}

/* V relinked since the walk W's states are of: the walk that meets them must
 * have emitted it. */
static void note_relinked(struct walk_states *w, uint32_t v)
{
	for (uint32_t i = 0; i < w->n_relinked; i++)
		if (w->relinked[i] == v)
			return;
	if (w->n_relinked == MEET_RELINKED)
		w->stale = true;
	else
		w->relinked[w->n_relinked++] = v;
}

/* Rank RV's parents, the ranks A (N of them), become the ranks B in RK: its
 * edges, and the links that read what changed (RV's parents, and the
 * children of its old and new parents, of which the rank above may be one);
 * the labels KL keeps follow, the edges noted. */
static void relink_ranks(struct ranked *rk, struct kept_labels *kl, uint32_t rv, const uint32_t *a,
			 const uint32_t *b, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++) {
		rk->e.fwd_nodes[rk->e.fwd_start[rv] + k] = b[k];
		move_child(&rk->e, rv, a[k], b[k]);
		for (int add = 0; a[k] != b[k] && add < 2 && kl->v; add++) /* while the breaks are the labels' */
			kept_labels_edge(kl, rk->breaks.v, rk->breaks.n, rv, add ? b[k] : a[k], add);
	}
	relink_at(rk, kl, rv);
	for (uint32_t k = 0; k < n; k++) {
		if (a[k])
			relink_at(rk, kl, a[k] - 1);
		if (b[k])
			relink_at(rk, kl, b[k] - 1);
	}
}

/* The labels made ahead for this very edit (rank RV's parents now the ranks
 * B, N of them, the chains as they were made for) replace the kept ones,
 * and the walk made ahead with them waits for the walk after it (G's
 * relinks so far name the graph it is for). Made for another edit, both go. */
static void take_prepared(struct order_ranks *r, const struct graph *g, uint32_t rv, const uint32_t *b, uint32_t n)
{
	struct prepared_labels *p = &r->prep;
	bool this_edit = p->lab && p->rv == rv && p->n == n && !memcmp(p->to, b, n * sizeof(uint32_t)) &&
			 p->breaks.n == r->rk.breaks.n &&
			 !memcmp(p->breaks.v, r->rk.breaks.v, p->breaks.n * sizeof(uint32_t));

	if (this_edit) {
		kept_labels_take(&r->labels, p->lab, p->n_lab, p->n_lab + LABEL_SPARE);
		p->lab = NULL;
	}
	if (this_edit && r->walk_ahead.heads) {
		r->walk_ahead.armed = true;
		r->walk_ahead.flat_gen = g->flat_gen;
		r->walk_ahead.n_relinked = g->n_relinked;
	} else {
		walk_ahead_drop(&r->walk_ahead);
	}
	prep_drop(p); /* made for another edit, or taken */
}

void order_ranks_relink(struct graph *g, uint32_t v, const struct u32vec *was)
{
	struct order_ranks *r = g->ranks;
	const struct u32vec *now = &g->nodes[v].down;
	uint32_t rv, a[LABEL_EDGES], b[LABEL_EDGES];

	if (!r)
		return;
	rv = v < r->rk.n ? r->rank[v] : NO_NODE;
	if (rv == NO_NODE || was->n != now->n || now->n > LABEL_EDGES ||
	    r->rk.e.fwd_start[rv + 1] - r->rk.e.fwd_start[rv] != now->n) {
		order_ranks_free(r); /* not the edit it follows: made again at the next walk */
		g->ranks = NULL;
		return;
	}
	note_relinked(&r->states, v);
	for (uint32_t k = 0; k < now->n; k++) {
		a[k] = r->rank[was->v[k]];
		b[k] = r->rank[now->v[k]];
	}
	relink_ranks(&r->rk, &r->labels, rv, a, b, now->n);
	take_prepared(r, g, rv, b, now->n);
}

/* ---- labels made ahead of an edit -----------------------------------------
 * An edit that moves a revision's parent where it linked a chain (the
 * parent had no other child) cuts a tree path of both label forests: the
 * walk after it makes the labels again (kept_labels_cut), 1.9M instructions
 * of the 14M of the bench's first retarget at 100,000 revisions. The
 * explorer knows the edit before it is made: the picker's selected row. The
 * labels of the graph after it, made between keys on a copy of the ranking
 * relinked as the edit will relink it, are taken by the edit's relink when
 * it is that edit (take_prepared). Any depth-first forest gives true
 * answers, but not as cheaply: rooted in the chains' order, the walk's
 * searches made the bench's edit 4.1 -> 4.9 ms; rooted at the heads the walk
 * starts from, as the walk roots its own, they cost what its own do.
 *
 * The walk itself is made ahead too, on the same copy, with those labels:
 * the same heads, the same graph and the same last walk to meet (V noted
 * relinked, as the relink will note it) make the same order and the same
 * states, so the edit's walk takes them instead of walking (take_walk_ahead),
 * where nothing was relinked between and its heads are the ones the walk
 * ahead started from. That walk was a third of the bench's edit at 100,000
 * revisions (1.2 of 3.3-4.5 ms, meeting the last at row 75,271); ahead, it
 * is another 1.3 ms between keys, with the labels' 1 ms. */

/* G's real heads and the N nodes MORE, as a walk over every node starts
 * with them (first_heads, as order_all asks): a new array, *N_SET of them. */
static uint32_t *real_heads_first(const struct graph *g, const uint32_t *more, uint32_t n, uint32_t *n_set)
{
	struct u32vec heads = { 0 };
	uint32_t *sorted;

	for (uint32_t i = 0; i < g->real_heads.n; i++)
		u32_push(&heads, g->real_heads.v[i]);
	for (uint32_t k = 0; k < n; k++)
		u32_push(&heads, more[k]);
	sorted = xmalloc((heads.n ? heads.n : 1) * sizeof(uint32_t));
	*n_set = first_heads(g, NULL, &heads, sorted);
	free(heads.v);
	return sorted;
}

/* S's heads, as the walk after the edit starts with them: the real heads,
 * and the old parents (ranks A, N of them) the edit leaves without a child,
 * in map order; the revisions R0 leaves with a child are heads no more. */
static uint32_t *prepared_heads(struct sorter *s, const struct graph *g, const struct order_ranks *r,
				const struct ranked *r0, const uint32_t *a, uint32_t n, uint32_t *n_heads)
{
	uint32_t old[LABEL_EDGES], n_old = 0, *sorted, n_set;

	for (uint32_t k = 0; k < n; k++)
		if (!g->nodes[r->rk.node_of[a[k]]].phantom)
			old[n_old++] = r->rk.node_of[a[k]];
	sorted = real_heads_first(g, old, n_old, &n_set);
	*n_heads = 0;
	for (uint32_t i = 0; i < n_set; i++) {
		uint32_t h = r->rank[sorted[i]];

		if (r0->e.rev_start[h + 1] == r0->e.rev_start[h]) {
			append_slot(s, s->of[h]);
			sorted[(*n_heads)++] = sorted[i];
		}
	}
	return sorted;
}

static void walk_ahead(struct sorter *s, struct order_ranks *r, uint32_t v, uint32_t *heads, uint32_t n);

void order_ranks_prepare_edit(struct graph *g, uint32_t v, const uint32_t *parents, uint32_t n)
{
	struct order_ranks *r = g->ranks;
	struct kept_labels none = { 0 };
	struct ranked r0;
	struct chains ch;
	struct sorter s;
	struct u32vec out = { 0 };
	uint32_t rv, a[LABEL_EDGES], b[LABEL_EDGES], edges, *heads, n_heads;
	size_t nodes;

	if (!r || v >= g->n || (rv = r->rank[v]) == NO_NODE || n > LABEL_EDGES ||
	    r->rk.e.fwd_start[rv + 1] - r->rk.e.fwd_start[rv] != n)
		return;
	for (uint32_t k = 0; k < n; k++) {
		if (parents[k] >= g->n || r->rank[parents[k]] == NO_NODE)
			return;
		a[k] = r->rk.e.fwd_nodes[r->rk.e.fwd_start[rv] + k];
		b[k] = r->rank[parents[k]];
	}
	if (!memcmp(a, b, n * sizeof(uint32_t)) ||
	    (r->prep.lab && r->prep.rv == rv && r->prep.n == n && !memcmp(r->prep.to, b, n * sizeof(uint32_t))))
		return; /* no edit, or made for it already */
	prep_drop(&r->prep);
	walk_ahead_drop(&r->walk_ahead);
	r0 = r->rk; /* node_of and fwd_start borrowed: the counts do not change */
	edges = r->rk.e.fwd_start[r->rk.n];
	nodes = (size_t)r->rk.n + 1;
	r0.e.fwd_nodes = xmalloc(((size_t)edges + 1) * sizeof(uint32_t));
	memcpy(r0.e.fwd_nodes, r->rk.e.fwd_nodes, edges * sizeof(uint32_t));
	r0.e.rev_start = xmalloc(nodes * sizeof(uint32_t));
	memcpy(r0.e.rev_start, r->rk.e.rev_start, nodes * sizeof(uint32_t));
	r0.e.rev_nodes = xmalloc(((size_t)edges + 1) * sizeof(uint32_t));
	memcpy(r0.e.rev_nodes, r->rk.e.rev_nodes, edges * sizeof(uint32_t));
	r0.links = xmalloc(r->rk.n ? r->rk.n : 1);
	memcpy(r0.links, r->rk.links, r->rk.n);
	r0.breaks.cap = r->rk.breaks.n + 2 * n + 2;
	r0.breaks.v = xmalloc(r0.breaks.cap * sizeof(uint32_t));
	memcpy(r0.breaks.v, r->rk.breaks.v, r->rk.breaks.n * sizeof(uint32_t));
	relink_ranks(&r0, &none, rv, a, b, n);
	build_chains(&ch, &r0, NULL, 0);
	sorter_init(&s, &r0, &ch, &out);
	heads = prepared_heads(&s, g, r, &r0, a, n, &n_heads);
	make_labels(&s); /* S keeps none: they are the prepared ones */
	if (!g->has_cycle && !g->any_deps) /* the walk after the edit keeps its ranking */
		walk_ahead(&s, r, v, heads, n_heads);
	else
		free(heads);
	r->prep = (struct prepared_labels){ rv, n, { 0 }, s.lab, s.n, r0.breaks };
	memcpy(r->prep.to, b, n * sizeof(uint32_t));
	s.lab = NULL;
	sorter_free(&s);
	free(out.v);
	free(r0.e.fwd_nodes);
	free(r0.e.rev_start);
	free(r0.e.rev_nodes);
	free(r0.links);
}

/* Room in OUT for MORE entries past its N: emit() writes without a check. */
static void out_room(struct u32vec *out, uint32_t more)
{
	if (out->cap - out->n < more) {
		out->cap = out->n + more;
		out->v = xrealloc(out->v, (out->cap ? out->cap : 1) * sizeof(uint32_t));
	}
}

/* The sorter for the walk from HEADS (N of them, graph nodes) over TODO,
 * with the ranking R; KEEP: R is kept, and keeps the labels. */
static void sorter_for(struct sorter *s, struct order_ranks *r, bool keep, const uint32_t *heads, uint32_t n,
		       struct u32vec *out)
{
	struct chains ch;
	uint32_t *first = xmalloc((n ? n : 1) * sizeof(uint32_t)), n_first = 0;

	for (uint32_t i = 0; i < n; i++) { /* a first head with children ends a chain there */
		uint32_t h = r->rank[heads[i]];

		if (r->rk.e.rev_start[h + 1] != r->rk.e.rev_start[h])
			first[n_first++] = h;
	}
	sort_array_r(first, n_first, sizeof(uint32_t), cmp_u32, NULL);
	build_chains(&ch, &r->rk, first, n_first);
	free(first);
	sorter_init(s, &r->rk, &ch, out);
	if (keep && !n_first) { /* its chains are the breaks' runs, as the kept labels' */
		s->kept = &r->labels;
		if (r->labels.v && (r->labels.n != s->n || kept_labels_cut(&r->labels)))
			kept_labels_drop(&r->labels);
		s->lab = r->labels.v;
	}
	for (uint32_t i = 0; i < n; i++)
		append_slot(s, s->of[r->rank[heads[i]]]);
	out_room(out, r->rk.n);
}

/* The ranking for a walk over TODO from HEADS: G's kept one when KEEP (a walk
 * over every node of a graph with down_revision edges only) and it has one
 * young enough, else made, by HINT or a guess, and kept when KEEP. */
static struct order_ranks *ranks_for(const struct graph *g, const bool *todo, const uint32_t *heads,
				     uint32_t n_heads, const struct u32vec *hint, bool keep)
{
	struct graph *kept = (struct graph *)g; /* the ranking is a cache: no node changes */
	struct order_ranks *r = keep ? g->ranks : NULL, *old = r;

	if (r && r->rk.n == g->n && r->walks++ < RANKS_WALKS)
		return r;
	r = xcalloc(1, sizeof(*r));
	r->rank = rank_graph(&r->rk, g, todo, heads, n_heads, hint);
	if (keep) {
		if (old && old->rk.n == r->rk.n) { /* the same nodes: the last walk's states hold */
			r->states = old->states;
			old->states = (struct walk_states){ 0 };
		}
		order_ranks_free(old);
		kept->ranks = r;
	}
	return r;
}

static uint32_t walk_rows(const struct sorter *s)
{
	return s->out->n - s->out_base + (s->out_to - s->out_from);
}

/* Each head's key K and NODE (the graph node at its chain's top), in list order. */
#define EACH_HEAD(s, k, node) \
	for (uint32_t k = (s)->first, node; k != NO_NODE && ((node) = (s)->exp_nodes[(s)->exp_start[(s)->slot_node[k]]], 1); \
	     k = (s)->slot_next[k])

/* ST appended to W's states (its heads already in W's). */
static void add_state(struct walk_states *w, struct walk_state st)
{
	if (w->n == w->cap) {
		w->cap = w->cap * 2 + 16;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = st;
}

/* The state after ROW rows noted in W (none past MEET_HEADS heads). */
static void note_state(const struct sorter *s, struct walk_states *w, uint32_t row, uint32_t cur)
{
	struct walk_state st = { row, NO_NODE, w->heads.n, 0 };

	EACH_HEAD(s, k, node) {
		if (st.n == MEET_HEADS) {
			w->heads.n = st.at;
			return;
		}
		if (k == cur)
			st.cur = st.n;
		u32_push(&w->heads, node);
		st.n++;
	}
	add_state(w, st);
}

static bool same_state(const struct sorter *s, const struct walk_states *w, const struct walk_state *st,
		       uint32_t cur)
{
	uint32_t i = 0;

	EACH_HEAD(s, k, node) {
		if (i == st->n || w->heads.v[st->at + i] != node || (i == st->cur) != (k == cur))
			return false;
		i++;
	}
	return i == st->n;
}

/* Has the walk emitted graph node V? */
static bool emitted(const struct sorter *s, uint32_t v)
{
	uint32_t r = s->meet->rank[v], c = u32_lower_bound(s->exp_start, s->n + 1, r + 1) - 1;

	return !in_todo(s, c); /* C: the chain whose first rank is the last at or before R */
}

/* Had the last walk emitted each relinked revision after ROW rows? Each is
 * looked for in its order as far as ROW, the first time a walk asks, and
 * on from there as later rows are asked about. */
static bool last_emitted(struct meet *m, uint32_t row)
{
	const struct walk_states *last = m->last;
	uint32_t upto = m->last_rows_upto;

	if (row > upto) {
		for (uint32_t i = 0; i < last->n_relinked; i++)
			if (m->last_rows[i] == upto) /* not before UPTO */
				m->last_rows[i] = upto + u32_find_either(last->order + upto, row - upto, last->relinked[i],
									 last->relinked[i]);
		m->last_rows_upto = row;
	}
	for (uint32_t i = 0; i < last->n_relinked; i++)
		if (m->last_rows[i] >= row)
			return false;
	return true;
}

/* Is the walk, ROW rows out with CUR the candidate, where the last walk was
 * after as many rows? The revisions left are the ancestors of the heads,
 * in both walks; where they hold the same heads and neither reaches a
 * relinked revision (both walks have emitted it), the paths from the heads
 * take no edge the edits changed: the same revisions are left, with the
 * same edges between them. */
static bool meets_last(struct sorter *s, uint32_t cur, uint32_t row)
{
	struct meet *m = s->meet;
	const struct walk_states *last = m->last;

	while (m->last_at < last->n && last->v[m->last_at].row < row)
		m->last_at++;
	if (m->last_at == last->n || last->v[m->last_at].row != row || !same_state(s, last, &last->v[m->last_at], cur))
		return false;
	for (uint32_t i = 0; i < last->n_relinked; i++)
		if (!emitted(s, last->relinked[i]))
			return false;
	return last_emitted(m, row);
}

/* The walk, met at ROW, ends as the last one did: its order and its states. */
static void copy_rest(struct sorter *s, uint32_t row)
{
	struct meet *m = s->meet;
	const struct walk_states *last = m->last;

	write_out(s);
	memcpy(s->out->v + s->out->n, last->order + row, (last->n_rows - row) * sizeof(uint32_t));
	s->out->n += last->n_rows - row;
	for (uint32_t i = m->last_at; i < last->n; i++) {
		struct walk_state st = last->v[i];

		if (m->now.n && m->now.v[m->now.n - 1].row >= st.row)
			continue;
		st.at = m->now.heads.n;
		for (uint32_t k = 0; k < last->v[i].n; k++)
			u32_push(&m->now.heads, last->heads.v[last->v[i].at + k]);
		add_state(&m->now, st);
	}
}

/* A kept walk notes its states in M, and meets R's last ones where they hold. */
/* S notes its states in M from OUT's end on, and meets LAST's (a walk of
 * R's nodes) where they hold. */
static void meet_start(struct sorter *s, struct meet *m, const struct order_ranks *r, const struct walk_states *last)
{
	*m = (struct meet){ .next_note = MEET_EVERY, .rank = r->rank };
	if (last->n_rows == r->rk.n && !last->stale)
		m->last = last;
	s->meet = m;
	s->out_base = s->out->n;
}

/* R's room for the order a walk's states are of: kept for the ranking's
 * life, no new pages each walk. */
static uint32_t *states_order(struct order_ranks *r)
{
	if (!r->states.order)
		r->states.order = xmalloc((r->rk.n ? r->rk.n : 1) * sizeof(uint32_t));
	return r->states.order;
}

static void meet_begin(struct sorter *s, struct meet *m, struct order_ranks *r)
{
	(void)states_order(r); /* meet_end writes it */
	meet_start(s, m, r, &r->states);
}

/* NOW's states (a walk of N_ROWS rows, its order already in W's) become
 * W's, nothing relinked since; NOW keeps none. */
static void states_take(struct walk_states *w, struct walk_states *now, uint32_t n_rows)
{
	free(w->v);
	free(w->heads.v);
	w->v = now->v;
	w->n = now->n;
	w->cap = now->cap;
	w->heads = now->heads;
	w->n_rows = n_rows;
	w->n_relinked = 0;
	w->stale = false;
	*now = (struct walk_states){ 0 };
}

/* The walk's states become R's, with its order (the rows it did not copy),
 * nothing relinked since. */
static void meet_end(struct sorter *s, struct meet *m, struct order_ranks *r, uint32_t walked)
{
	struct walk_states *w = &r->states;

	if (walked) /* an empty history's OUT may have no array */
		memcpy(w->order, s->out->v + s->out_base, walked * sizeof(uint32_t));
	states_take(w, &m->now, s->out->n - s->out_base);
	s->meet = NULL;
}

/* S's walk from its heads, noting its states and meeting the last walk's
 * where S has a meet (S->meet); its order is written out. Returns the row it
 * met the last walk at, NO_NODE if it did not. */
static uint32_t walk(struct sorter *s)
{
	struct meet *m = s->meet;
	uint32_t cur = s->first, walked = NO_NODE, switches = 0;

	while (cur != NO_NODE) {
		uint32_t row;

		if (s->pending[s->slot_node[cur]] > 0) {
			uint32_t to = first_head_above(s, s->slot_node[cur], cur);

			/* only a cycle can block with no head above, or come back to a
			 * head it left without an emit between (each head it moves to
			 * reaches the last: once round the heads is a cycle) */
			if (to == NO_NODE || ++switches > s->next_key)
				break;
			cur = to;
			continue;
		}
		switches = 0;
		cur = emit(s, cur);
		if (cur == NO_NODE)
			cur = s->first;
		if (!m || cur == NO_NODE)
			continue;
		row = walk_rows(s);
		if (m->last && m->last_at < m->last->n && m->last->v[m->last_at].row <= row && meets_last(s, cur, row)) {
			copy_rest(s, row);
			walked = row;
			break;
		}
		if (row >= m->next_note) {
			note_state(s, &m->now, row, cur);
			m->next_note = (row / MEET_EVERY + 1) * MEET_EVERY;
		}
	}
	write_out(s);
	return walked;
}

/* The walk after the edit made ahead on S (its graph and heads, HEADS, N
 * of them, as the edit will leave them, V relinked), meeting R's last walk
 * as that walk will: kept in R (walk_ahead), with HEADS (taken), for the
 * edit's walk to take (take_walk_ahead). Not kept where it could not emit
 * every node (the edit would close a cycle, and is refused). */
static void walk_ahead(struct sorter *s, struct order_ranks *r, uint32_t v, uint32_t *heads, uint32_t n)
{
	struct prepared_walk *a = &r->walk_ahead;
	struct walk_states last = r->states; /* read only: its arrays stay R's */
	struct meet m;

	note_relinked(&last, v); /* as the edit's relink will note it */
	out_room(s->out, r->rk.n);
	meet_start(s, &m, r, &last);
	(void)walk(s);
	s->meet = NULL;
	if (s->out->n != r->rk.n) { /* a cycle left some out: the edit will be refused */
		walk_states_free(&m.now);
		free(heads);
		return;
	}
	a->heads = heads;
	a->n_heads = n;
	a->order = *s->out;
	*s->out = (struct u32vec){ 0 };
	a->states = m.now;
}

/* The walk made ahead for the edit G's last relink made (R's, armed), as
 * this walk from the N first heads HEADS would make it: its order onto OUT,
 * its states R's. False, and dropped, where it is not that walk: another
 * relink since, or other heads. */
static bool take_walk_ahead(const struct graph *g, struct order_ranks *r, const uint32_t *heads, uint32_t n,
			    struct u32vec *out)
{
	struct prepared_walk *a = &r->walk_ahead;

	if (!a->armed)
		return false;
	/* another relink drops it (take_prepared), and a graph flattened again
	 * drops the ranking: the first three are there should that change */
	if (r != g->ranks || a->flat_gen != g->flat_gen || a->n_relinked != g->n_relinked || a->n_heads != n ||
	    memcmp(a->heads, heads, n * sizeof(uint32_t))) {
		walk_ahead_drop(a);
		return false;
	}
	if (a->order.n) /* whole, as of this graph: R's own array held the last walk's */
		memcpy(states_order(r), a->order.v, a->order.n * sizeof(uint32_t));
	states_take(&r->states, &a->states, a->order.n);
	if (!out->n) { /* the order itself, not a copy */
		free(out->v);
		*out = a->order;
		a->order = (struct u32vec){ 0 };
	} else {
		out_room(out, a->order.n);
		memcpy(out->v + out->n, a->order.v, a->order.n * sizeof(uint32_t));
		out->n += a->order.n;
	}
	((struct graph *)g)->work.order_taken++;
	walk_ahead_drop(a);
	return true;
}

/* The walk; HINT (or NULL) orders the ranks; KEEP: see ranks_for. */
static void order_ranked(const struct graph *g, const bool *todo, const struct u32vec *heads,
			 const struct u32vec *hint, bool keep, struct u32vec *out)
{
	struct sorter s;
	struct meet meet;
	uint32_t walked; /* the row the walk met the last one at */
	uint32_t *sorted = xmalloc((heads->n ? heads->n : 1) * sizeof(uint32_t));
	uint32_t n_set = first_heads(g, todo, heads, sorted);
	struct order_ranks *r = ranks_for(g, todo, sorted, n_set, hint, keep);

	if (keep && take_walk_ahead(g, r, sorted, n_set, out)) {
		free(sorted);
		return;
	}
	sorter_for(&s, r, keep, sorted, n_set, out);
	free(sorted);
	if (keep)
		meet_begin(&s, &meet, r);
	walked = walk(&s);
	if (keep)
		meet_end(&s, &meet, r, walked != NO_NODE ? walked : s.out->n - s.out_base);
	/* the walk's cost, for tests that bound it (the graph's own bookkeeping) */
	((struct graph *)g)->work.order += s.work;
	((struct graph *)g)->work.order_labels += s.labelled;
	sorter_free(&s);
	if (!keep) /* its node_of was the walk's output */
		order_ranks_free(r);
}

void history_order(const struct graph *g, const bool *todo, const struct u32vec *heads,
		   struct u32vec *out)
{
	order_ranked(g, todo, heads, NULL, false, out);
}

bool order_ranks_due(const struct graph *g)
{
	return g->ranks && g->ranks->walks >= RANKS_WALKS && g->ranks->rk.n == g->n && !g->has_cycle && !g->any_deps;
}

void order_ranks_remake(struct graph *g, const struct u32vec *order)
{
	uint32_t *sorted, n_set;

	if (!order_ranks_due(g))
		return;
	sorted = real_heads_first(g, NULL, 0, &n_set);
	(void)ranks_for(g, NULL, sorted, n_set, order && order->n ? order : NULL, true);
	free(sorted);
}

static void order_all(const struct graph *g, const struct u32vec *hint, bool keep, struct u32vec *out)
{
	bool *todo = NULL; /* every node, unless some are in a cycle */
	struct u32vec heads = { 0 };

	if (g->has_cycle) {
		todo = xmalloc(g->n * sizeof(bool));
		for (uint32_t i = 0; i < g->n; i++)
			todo[i] = !g->nodes[i].in_cycle;
	}
	/* Alembic walks from the real heads; with phantoms a head may only be a head
	 * through a missing node, which has no children of its own: phantoms are never
	 * heads, so the real heads are enough. */
	for (uint32_t i = 0; i < g->real_heads.n; i++)
		u32_push(&heads, g->real_heads.v[i]);
	/* a walk over every node of down_revision edges may keep its ranking */
	order_ranked(g, todo, &heads, hint && hint->n ? hint : NULL, keep && !g->has_cycle && !g->any_deps, out);
	free(heads.v);
	free(todo);
}

void history_order_all(const struct graph *g, struct u32vec *out)
{
	order_all(g, NULL, false, out);
}

void history_order_all_kept(const struct graph *g, struct u32vec *out)
{
	order_all(g, NULL, true, out);
}

void history_order_all_again_was(const struct graph *g, struct u32vec *order, struct u32vec *was)
{
	*was = *order;
	*order = (struct u32vec){ 0 };
	order_all(g, was, true, order);
}

void history_order_all_again(const struct graph *g, struct u32vec *order)
{
	struct u32vec hint;

	history_order_all_again_was(g, order, &hint);
	free(hint.v);
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
