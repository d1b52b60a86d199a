/* order.h - the order `alembic history` prints revisions in.
 *
 * Alembic's RevisionMap._topological_sort walks down from the heads (sorted by map
 * order), one line at a time, switching to the first other head that still needs
 * the current revision. Alembic recomputes ancestor sets to decide that, which is
 * quadratic; history_order() makes the same decisions from a count of each
 * revision's pending children, so it prints byte-identical output in near-linear
 * time (see order.c). */
#ifndef MIGTREE_ORDER_H
#define MIGTREE_ORDER_H

#include "migtree/graph.h"

/* Order the nodes of TODO (a bitmap over g->nodes; NULL for every real node and
 * phantom reachable from HEADS) walking down from HEADS. OUT receives the order,
 * children before parents. Nodes in cycles are not ordered (Alembic refuses to
 * load such a history): the caller checks g->has_cycle first. */
void history_order(const struct graph *g, const bool *todo, const struct u32vec *heads,
		   struct u32vec *out);

/* The same, by Alembic's own quadratic algorithm: for subsets that are not closed
 * under ancestry (history -r with depends_on), where the fast one's shortcut does
 * not hold. */
void history_order_literal(const struct graph *g, const bool *todo, const struct u32vec *heads,
			   struct u32vec *out);

/* The whole history as `alembic history` prints it: from the real heads. Phantom
 * nodes are included where they are referenced (callers that print Alembic's
 * format skip them). */
void history_order_all(const struct graph *g, struct u32vec *out);

/* history_order_all for a graph that is going to be edited (the explorer's):
 * the walk's ranking is kept with it (g->ranks, below). */
void history_order_all_kept(const struct graph *g, struct u32vec *out);

/* ORDER, the history order of a graph much like G (G before one edit: a node
 * renumbered or gone does no harm), becomes G's, as history_order_all makes
 * it. The old order only tells the walk where to keep each node's state: in
 * the order it will most likely be visited, which is three times faster at
 * 100,000 revisions than the graph's numbering (see order.c). Where G keeps a
 * ranking (below) young enough, that decides instead, and the old order is
 * read only when the ranking is made again. A graph ordered by it keeps its
 * ranking: one that is edited (the explorer's, or a command's edits). */
void history_order_all_again(const struct graph *g, struct u32vec *order);
/* The same, the old order moved to WAS (uninitialised) instead of freed: for
 * the state an edit leaves, kept to go back to (graph_known), not copied. */
void history_order_all_again_was(const struct graph *g, struct u32vec *order, struct u32vec *was);

/* The ranked graph history_order_all_kept and history_order_all_again keep with G
 * (g->ranks) for the next walk over the same nodes, where the graph has
 * down_revision edges only and no cycle (the explorer's edits): the nodes
 * renumbered in the order of the walk that made it, and their edges by that
 * numbering. Ranking cost a third of the walk at 100,000 revisions; the
 * numbering only decides where the walk keeps its state, never what it
 * emits, so a ranking a few edits old is as good (it is made again now and
 * then, so that the walk keeps reading its arrays in nearly address order).
 * order_ranks_relink follows V's parents, from WAS to g->nodes[v].down (as
 * many, none of them a new node: graph_update.c drops it otherwise). */
struct order_ranks;
void order_ranks_relink(struct graph *g, uint32_t v, const struct u32vec *was);
/* The walk after one edit, and the reachability labels it needs, made
 * ahead (the explorer's picker, between keys, for the row selected): V's
 * parents (as many as it has) becoming PARENTS (N nodes). The relink of
 * that very edit takes the labels, and the walk after it takes the walk
 * where it starts from the same heads, with no relink between (order.c,
 * "labels made ahead of an edit"); any other relink drops both. Nothing if
 * G keeps no ranking. */
void order_ranks_prepare_edit(struct graph *g, uint32_t v, const uint32_t *parents, uint32_t n);
/* Whether G's kept ranking has served its walks: the next walk would make it
 * again first (a pass over the history, 2 ms at 100,000 revisions). */
bool order_ranks_due(const struct graph *g);
/* Make it again now, as that walk would, from ORDER (G's history order): the
 * explorer does it between keys, so that no edit waits for it. The last
 * walk's states stay (the next walk can still meet it); its labels, kept or
 * made ahead, go. Nothing unless order_ranks_due. */
void order_ranks_remake(struct graph *g, const struct u32vec *order);
void order_ranks_free(struct order_ranks *r);

#endif
