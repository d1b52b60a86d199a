/* pickindex.h - what the explorer's parent picker reads of every revision, in
 * flat arrays by node, made once per state of the graph.
 *
 * The picker filters 100,000 candidates by id and message at each character
 * and asks, for the rows it shows, whether a candidate descends from the
 * revision being repaired (a parent there would make a cycle). Read from the
 * nodes, each candidate costs several cache misses (node, id, file, message,
 * parents). Here the ids and messages are one buffer, lowered, node after node
 * ("id\0message\0"), and the parents of each node are in two flat arrays, so
 * that a filter is one pass over contiguous bytes, and the descendants of a
 * revision are one sweep up the rows above it.
 *
 * The index is made in slices (pick_index_more), between keys, in one pass
 * over the nodes in their own order, where the nodes and mostly their strings
 * lie one after the other, the strings of a block of nodes looked up ahead of
 * the copying: 9 ms at 100,000 revisions, where a pass in row order missed
 * the cache at every row (58 ms). A picker that finds it unmade finishes it.
 * No ncurses here: tests/test_pickindex.c checks it against the graph. */
#ifndef MIGTREE_PICKINDEX_H
#define MIGTREE_PICKINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migtree/graph.h"
#include "migtree/layout.h"

struct pick_index {
	uint32_t n;        /* nodes */
	uint32_t done;     /* nodes made so far */
	bool topo;         /* every parent's row is below its child's (so far) */
	char *text;        /* per node "id\0message\0", ASCII letters lowered */
	size_t len, cap;
	uint32_t *off;     /* node -> its id in text; off[done]: the end */
	uint8_t *id_len;   /* node -> strlen(id), 255 at most */
	uint32_t *up_off;  /* node -> its first parent in up; up_off[done]: the end */
	uint32_t *up;      /* the parents (down_revision, then depends_on) */
	size_t n_up, cap_up;
};

/* An empty index for the N nodes of a graph. */
void pick_index_init(struct pick_index *ix, uint32_t n);
/* Up to MAX more nodes of G, laid out as L (the rows tell whether parents come
 * below). True while the index is unfinished. */
bool pick_index_more(struct pick_index *ix, const struct graph *g, const struct layout *l, uint32_t max);
/* MASK[x] (one byte per node) left set only where node x's id or message
 * holds NEEDLE (LEN > 0 bytes, ASCII letters already lowered), ignoring ASCII
 * case. One pass over the nodes in their order, each run of nodes set read
 * as one stretch of text: the candidates come in row order, where each would
 * miss the cache. The index must be finished. */
void pick_index_match(const struct pick_index *ix, const char *needle, size_t len, uint8_t *mask);
/* OUT[x] (one byte per node) set to 1 for V and every node that reaches it by
 * parents, 0 for the others: graph_descendants. One sweep up L's rows above
 * V's. False (OUT untouched) when the index is unfinished or L's rows are not
 * in an order where parents come below (a cycle, a depends_on across pieces):
 * the caller then walks. */
bool pick_index_descendants(const struct pick_index *ix, const struct layout *l, uint32_t v, uint8_t *out);
void pick_index_free(struct pick_index *ix);

#endif
