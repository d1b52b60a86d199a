/* graph_update.h - a project's graph, analysis and history order brought up to
 * date in place after one file changed, instead of built again.
 *
 * An edit or a reload usually changes one revision's down_revision (or only
 * its docstring): building the graph again from every file, re-hashing every
 * id, re-running every analysis, costs a second at 100,000 revisions where the
 * change touches a handful of nodes. graph_update_file relinks the revision
 * (its parents' children, phantoms made or dropped), sets the flags and the
 * head and base lists of the nodes it touched, redoes the problems of that
 * file and the warnings about the history's shape, and only then runs the
 * passes that are global by nature (the history order; the pieces unless the
 * edit cannot have changed them; normalized dependencies and inherited labels
 * when the history has any) over flat data.
 *
 * The result equals a full project_analyse of the same files, field by field
 * and problem by problem (tests/test_edit_random.c checks it after random
 * edits, undos, redos and reloads). Where that cannot be had cheaply (a cycle,
 * a duplicate id, labels or depends_on in the file, values only running the
 * file could tell, another id) nothing is changed and the caller rebuilds. */
#ifndef MIGTREE_GRAPH_UPDATE_H
#define MIGTREE_GRAPH_UPDATE_H

#include "migtree/project.h"

/* Put RF (a new parse of P's file at I: same path; real_path and load_index
 * set by the caller) in its place, with the graph, problems and order updated.
 * Returns the file it replaced (the caller frees it), or NULL when this change
 * needs a full build: then P is untouched and RF still the caller's. */
struct revision_file *graph_update_file(struct project *p, size_t i, struct revision_file *rf);
/* P's suggestions (and the shape's warnings, which carry some) made again from
 * the same graph: what they read besides the files changed (git's hints). */
void graph_redo_suggestions(struct project *p);
/* What a state of a project was, kept to go back to it: an undo right after
 * an edit (or a redo right after an undo) returns to the state the step left,
 * and what the global passes made of it (history order, pieces, problems) is
 * taken back instead of made again. */
struct graph_known {
	struct u32vec order;
	struct problem_list problems;
	uint32_t *component;  /* per node */
	uint32_t *component_roots; /* per piece */
	uint32_t n_nodes, n_components;
	bool suggest_pending;
	bool same_pieces; /* no pieces kept: the step between kept them, so they
	                   * are the ones the graph has when it is taken back */
};

/* K (uninitialised) becomes a copy of what P is now, but its order and
 * pieces: the update that follows moves P's there (graph_update_file_known's
 * LEFT), or says the pieces are the same, not copies of 400 KB each at
 * 100,000 revisions an edit. */
void graph_known_take(struct graph_known *k, const struct project *p);
void graph_known_free(struct graph_known *k);

/* graph_update_file where the caller knows the result: KNOWN, taken by
 * graph_known_take when P's files were these last (and the update from that
 * state was made in place: it had no cycle). Its parts are moved into P and
 * *KNOWN is left empty when the update is made and the node count agrees;
 * else KNOWN stays the caller's to free. LEFT, when not NULL (graph_known_take
 * before the update), gets P's order and pieces from before it when it is
 * made (or same_pieces where it keeps them). */
struct revision_file *graph_update_file_known(struct project *p, size_t i, struct revision_file *rf,
					      struct graph_known *known, struct graph_known *left);

/* Is X V itself or above it (V its ancestor by down_revision or depends_on):
 * may V not take X as a parent? Walks up from X only as far as V's place in
 * P's history order (the nodes between them), not every descendant of V. */
bool project_descends(const struct project *p, uint32_t x, uint32_t v);

/* project_descends asked of many X about one V (the explorer's picker: the
 * rows drawn, the row chosen), each answer kept: a node is settled once, as
 * above V or not, by the walks up from the nodes asked about. Asking about
 * every node costs what graph_descendants does; asking about a screenful costs
 * the nodes between them and V in the history order, not V's descendants
 * (half the history for a revision in the middle: 20 ms at 100,000). The
 * graph must not change while it is asked (a history with a cycle has no
 * order: the descendants are then marked at the first question). */
struct descent {
	const struct graph *g;
	uint32_t v;
	uint32_t *pos;      /* history order positions, NULL with a cycle */
	uint8_t *state;     /* per node: 0 unknown, DESCENT_ABOVE, DESCENT_NOT */
	bool *desc;         /* the whole set, made only when there is no order */
	struct u32vec path, edge; /* the walk: nodes from X up, next parent index of each */
	uint64_t work;      /* nodes visited by the walks: for the tests */
};

void descent_init(struct descent *d, const struct project *p, uint32_t v);
bool descent_ask(struct descent *d, uint32_t x);
void descent_free(struct descent *d);


#endif
