/* topo.h - a history order kept topological while parents are added.
 *
 * A repair plan makes its placeholders as one step (edit_create_stubs): each
 * gives a missing revision (a phantom) a parent, and one that would close a
 * cycle through those made before it is refused, as if they were made one at
 * a time. Asking "does the parent descend from the phantom" of the graph and
 * every placeholder so far is a walk of the history for each; keeping an
 * order in which every child comes before its parents (Pearce and Kelly's
 * dynamic topological order) answers it with a walk over the nodes placed
 * between the two ends, and only when the new link goes against the order.
 *
 * The graph itself is not changed: the links added are kept here. The order
 * starts as one that agrees with the links the caller expects to add
 * wherever they close no cycle (pieces a plan connects are far apart in the
 * history order: moving them at each link cost 2 million nodes walked for
 * 2,800 placeholders at 30,000 revisions); then only a link inside a cycle
 * of those expected is walked, over that cycle's nodes. */
#ifndef MIGTREE_TOPO_H
#define MIGTREE_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migtree/graph.h"
#include "migtree/project.h"

struct topo {
	const struct graph *g;
	uint32_t *ord;          /* node -> position: every child before its parents */
	uint32_t *node_at;      /* position -> node: ORD's inverse */
	uint32_t *added_parent; /* node -> the parent added to it, or NO_NODE */
	uint32_t *first_added, *next_added; /* the children added to a node, as a list */
	uint32_t *seen, stamp;  /* the walks' marks, stamped, not cleared */
	uint32_t up_stamp, down_stamp; /* the last walks' marks: ahead's, behind's */
	struct u32vec stack, ahead, behind;
};

/* A link the caller expects to add: CHILD given the parent PARENT (nodes of
 * the graph). */
struct topo_link {
	uint32_t child, parent;
};

/* T over P's graph, in an order of it that agrees with the N links EXPECTED
 * where they make no cycle. -1 when the graph has a cycle (no order to keep). */
int topo_init(struct topo *t, const struct project *p, const struct topo_link *expected, size_t n);
/* Give CHILD (which has no parent added yet) the parent PARENT, the order
 * mended; false, with nothing changed, when PARENT is CHILD or descends from
 * it by the graph's links and those added: a cycle. */
bool topo_add(struct topo *t, uint32_t child, uint32_t parent);
/* Take back the parent added to CHILD (the order stays topological). */
void topo_remove(struct topo *t, uint32_t child);
void topo_free(struct topo *t);

#endif
