/* graph.h - the revision graph as Alembic's RevisionMap sees it.
 *
 * One node per revision id (the later file wins a duplicate, as in Alembic), plus
 * phantom nodes for ids that are named as down_revision but exist nowhere, so that
 * a broken link still has two ends. Edges are node indexes. Building the graph
 * also records the problems found on the way (unparsable files, duplicates,
 * missing references, label conflicts, self references, cycles). */
#ifndef MIGTREE_GRAPH_H
#define MIGTREE_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "migtree/problem.h"
#include "migtree/scan.h"
#include "migtree/strmap.h"

#define NO_NODE UINT32_MAX

/* CAP with U32_BORROWED set: V is room in a block someone else owns (a graph's
 * edge block, graph_build), holding CAP without the bit; growing past it moves
 * the list to its own allocation. Free a list with u32_free, never free(v). */
struct u32vec {
	uint32_t *v;
	uint32_t n, cap; /* 16 bytes: a node has six */
};
#define U32_BORROWED 0x80000000u

/* VEC full (n == cap without the bit): twice the room. */
void u32_grow(struct u32vec *vec);

/* In the header: the walks push a node a step (order.c's), where a call each
 * time cost more than the push. */
static inline void u32_push(struct u32vec *vec, uint32_t x)
{
	if (vec->n == (vec->cap & ~U32_BORROWED))
		u32_grow(vec);
	vec->v[vec->n++] = x;
}
void u32_free(struct u32vec *vec);
bool u32_contains(const struct u32vec *vec, uint32_t x);
/* The place of the first of V[0 .. N) (ascending) that is X or more; N when
 * none is. */
uint32_t u32_lower_bound(const uint32_t *v, uint32_t n, uint32_t x);
/* The place of the first of V[0 .. N) that is A or B; N when none is. Sixteen
 * a step where there is SSE2: the order's scans (a retarget's cycle check,
 * the walk meeting the last one) go through half of 100,000. */
uint32_t u32_find_either(const uint32_t *v, uint32_t n, uint32_t a, uint32_t b);

/* The root of X in the union-find forest UP (up[r] == r at a root), halving
 * the path on the way: the pieces (graph_derive.c, layout.c) and suggest.c's
 * groups of broken links. */
static inline uint32_t uf_find(uint32_t *up, uint32_t x)
{
	while (up[x] != x)
		x = up[x] = up[up[x]];
	return x;
}

struct node {
	const char *id;              /* the revision id (borrowed) */
	struct revision_file *file;  /* NULL for a phantom */
	struct u32vec down;          /* down_revision, in file order (phantoms for missing) */
	struct u32vec deps;          /* depends_on resolved (ids and branch labels) */
	struct u32vec norm_deps;     /* deps not already declared by an ancestor */
	struct u32vec norm_down;     /* down + norm_deps, deduplicated: what `history` walks */
	struct u32vec children;      /* revisions naming this one as down_revision */
	struct u32vec dependants;    /* revisions naming this one in depends_on */
	uint32_t label_set;          /* own and inherited branch labels: a set of g->label_store,
	                              * shared with other nodes; read through graph_labels */
	uint32_t n_labels;
	uint32_t order;              /* Alembic's map order: first load of the id */
	/* one bit each: a node is 128 bytes, not 136 */
	bool phantom : 1;
	bool is_head : 1;        /* no revision names it as down_revision */
	bool is_real_head : 1;   /* ...nor depends on it */
	bool is_base : 1;        /* down_revision is None */
	bool is_branch_point : 1, is_real_branch_point : 1, is_merge_point : 1;
	bool in_cycle : 1;
	bool labels_unknown : 1; /* it or an ancestor has a label only running a file could tell */
};

/* The relinks a graph remembers (struct graph's relinked). */
#define GRAPH_RELINK_LOG 64

struct graph {
	struct node *nodes;
	uint32_t n;
	size_t cap;
	struct strmap index;        /* id -> node */
	struct strmap labels;       /* branch label -> node declaring it */
	struct strlist owned;       /* ids of phantoms */
	struct u32vec heads;        /* is_head, Alembic's order */
	struct u32vec real_heads;   /* is_real_head, Alembic's order */
	struct u32vec bases;        /* is_base, load order */
	uint32_t n_components;
	/* node -> its connected piece of the history (graph_components), apart from
	 * the nodes: the passes that read only pieces (the explorer's undo snapshot
	 * of them, 1.5 ms an edit at 100,000) then read 4 bytes a node, not 128 */
	uint32_t *component;
	/* piece -> how many of its nodes have no edge down (no down_revision or
	 * depends_on: bases, missing revisions). With one, every node of the piece
	 * reaches it, so an edit that gives a revision other parents in its own
	 * piece cannot split the piece (graph_update.c then keeps the pieces). */
	uint32_t *component_roots;
	/* node -> the smallest-numbered node with no edge down it reaches by
	 * edges down (down_revision and depends_on): two nodes with the same one
	 * hang together. Made for the explorer's projects (graph_bases_below) and
	 * kept by its edits (graph_update.c); NULL otherwise and with a cycle. */
	uint32_t *base_below;
	bool has_cycle;
	/* Every node's down_revision parents, flat and in node order: v's are
	 * down_flat[down_at[v] .. down_at[v + 1]), as nodes[v].down; and per node
	 * whether it is a missing revision (NODE_FLAT_PHANTOM), a base
	 * (NODE_FLAT_BASE), or a plain link of a line (NODE_FLAT_LINE: see
	 * graph_node_flat). The passes over every edge (the pieces, the history
	 * order, the layout) read these, 4 bytes a node and an edge, and not the
	 * 128-byte nodes: three such reads were a fifth of an edit at 100,000
	 * revisions. graph_flatten makes them; graph_update.c keeps them. */
	uint32_t *down_at, *down_flat;
	uint8_t *node_flat;
	/* Which edges the flat copy holds, for what is derived from it and kept
	 * across edits (the explorer's layout): FLAT_GEN, a number no other
	 * making of them had (every edge made again, nodes maybe renumbered), and
	 * the nodes whose down_revision graph_update.c patched in place since,
	 * the last GRAPH_RELINK_LOG of them: the one N_RELINKED counted k is
	 * relinked[k % GRAPH_RELINK_LOG] (graph_relinked_since). */
	uint64_t flat_gen, n_relinked;
	uint32_t relinked[GRAPH_RELINK_LOG];
	struct order_ranks *ranks; /* order.c's, kept for the next walk (order.h) */
	/* Does any revision have a depends_on, any a branch label (known, or only
	 * running its file could tell), any a down_revision only running its file
	 * could tell? Set by the passes over them (graph_derive.c), so that an
	 * update that changes none of them (graph_update.c) need not look at every
	 * node to know the passes have nothing to do. */
	bool any_deps, any_labels, any_unknown_down;
	/* Which ids the real nodes have: a number no other graph_build gave, kept
	 * by graph_update.c (a relink changes no real node's id), so that what is
	 * derived from the ids alone (the explorer's id column) is not derived
	 * again from 100,000 strings after every edit. */
	uint64_t ids_gen;
	bool suggest_pending; /* suggestions left for later (analyze_graph) */
	struct git_hints *hints; /* what git remembers (the project's, githints.h), or NULL */
	struct problem_list problems;
	struct label_store *label_store; /* the label sets nodes point into (graph_derive.c) */
	/* The room the nodes' edge lists borrow (U32_BORROWED), two blocks instead
	 * of four allocations a revision (a malloc'd list of one edge takes 32 bytes). */
	uint32_t *edge_block, *link_block;
	/* Steps taken by the derivations that once were quadratic (nodes visited,
	 * words or entries compared), so that tests can bound the work, not the time. */
	struct graph_work {
		uint64_t normalize, labels, suggest;
		uint64_t order; /* history_order(): chains walked up, heads looked at, emits */
		uint64_t order_labels; /* history_order(): chains given reachability labels */
		uint64_t order_taken; /* history_order(): walks taken as made ahead of an edit */
		uint64_t pieces; /* graph_components(): pieces found again from every edge */
	} work;
};

enum { NODE_FLAT_PHANTOM = 1, NODE_FLAT_BASE = 2, NODE_FLAT_LINE = 4, NODE_FLAT_CHAIN = 8 };
/* Node V's node_flat bits. NODE_FLAT_LINE: a revision with one parent and one
 * child, and nothing else to show: no merge, no branch label, no depends_on
 * either way (what the explorer may fold into a run). NODE_FLAT_CHAIN: one
 * down_revision parent, of which it is the only child: where the history
 * walks down_revision alone (no depends_on, no cycle), that parent comes
 * right after it in the history order (order.c's chains), so the layout
 * knows its row without looking it up. */
uint8_t graph_node_flat(const struct graph *g, uint32_t v);

/* Build from FILES (in load order; borrowed, must outlive the graph). */
void graph_build(struct graph *g, const struct file_list *files);
/* G's base_below made (again) through ORDER, its history order (every node,
 * children first); none with a cycle or an order that leaves a node out. */
void graph_bases_below(struct graph *g, const struct u32vec *order);
/* G's down_at, down_flat and node_flat made again from its nodes. */
void graph_flatten(struct graph *g);
/* The nodes whose down_revision may differ from what G's flat edges held
 * when they were FLAT_GEN and N_RELINKED, in OUT (a node may come more than
 * once), their count in *N: false when that cannot be told (the edges were
 * made again since, or more relinks were made than the log holds). */
bool graph_relinked_since(const struct graph *g, uint64_t flat_gen, uint64_t n_relinked,
			  uint32_t out[GRAPH_RELINK_LOG], uint32_t *n);
void graph_free(struct graph *g);
/* Free ND's six edge lists (borrowed from the graph's blocks or its own). */
void node_free_edges(struct node *nd);
void label_store_free(struct label_store *st);

/* A node's branch labels (own and inherited), sorted: V[0 .. N), names the
 * graph's files own, never to be written. A set a node holds is kept as the
 * labels it adds to a set below it, so that a labelled line forking at its top
 * holds n sets, not n^2 / 2 labels; a read puts one node's in order, in time
 * linear in them. One list reads many nodes (of one graph): its room is kept,
 * and a node read next to the last (down or up a line) starts from its labels. */
struct label_list {
	const char **v;
	uint32_t n, cap;
	uint32_t *rank, *tmp;
	const struct label_store *store; /* what the last read read: set SET of STORE */
	uint32_t set;
	uint64_t work; /* labels and sets read, so that tests can bound it */
};
void graph_labels(const struct graph *g, uint32_t v, struct label_list *out);
void label_list_free(struct label_list *l);

/* The sets themselves (node.label_set), for what reads every node's labels
 * and may answer once a set (the explorer's search): set S holds the labels of
 * the set below it (numbered below S; 0 is the empty set, below itself) and
 * graph_label_set_own(S) of its own, none of them below. */
uint32_t graph_label_sets(const struct graph *g);
uint32_t graph_label_set_below(const struct graph *g, uint32_t s);
uint32_t graph_label_set_own(const struct graph *g, uint32_t s);
const char *graph_label_set_name(const struct graph *g, uint32_t s, uint32_t k); /* K < own(S) */
/* Each distinct label name has a rank, in strcmp order (RANKS of them):
 * what reads labels by the set may tell them apart and order them by it. */
uint32_t graph_label_ranks(const struct graph *g);
uint32_t graph_label_set_rank(const struct graph *g, uint32_t s, uint32_t k); /* K < own(S) */
const char *graph_label_name(const struct graph *g, uint32_t rank);

/* A question about labels asked of sets: MATCH(CTX, label) once a label, and
 * a set's answer (does it hold a label MATCH takes?) once a set. Zeroed but
 * for MATCH and CTX to start; label_match_free when the question or the graph
 * changes. */
struct label_match {
	bool (*match)(void *ctx, const char *label);
	void *ctx;
	uint8_t *set, *rank; /* answers so far: 0 not asked */
	uint64_t work;       /* labels asked and sets read, so that tests can bound it */
};
bool graph_label_set_matches(const struct graph *g, uint32_t s, struct label_match *m);
void label_match_free(struct label_match *m);

/* V and every revision above it through down_revision or depends_on: what V may
 * not take as a parent without a cycle. Owned array of g->n flags. */
bool *graph_descendants(const struct graph *g, uint32_t v);

/* The missing_down_revision error of RF naming D (graph_build's, and
 * graph_update.c's when it relinks RF's revision). */
void graph_report_missing_down(struct graph *g, const struct revision_file *rf, const char *d);

/* The node of a full id, or NO_NODE. */
uint32_t graph_find(const struct graph *g, const char *id);

enum resolve_result { RESOLVE_OK, RESOLVE_NONE, RESOLVE_AMBIGUOUS };
/* Resolve user input as Alembic does: full id, branch label, or a unique prefix of
 * the ids longer than 3 characters. On RESOLVE_AMBIGUOUS, MATCHES lists candidates. */
enum resolve_result graph_resolve(const struct graph *g, const char *arg, uint32_t *node,
				  struct strlist *matches);

#endif
