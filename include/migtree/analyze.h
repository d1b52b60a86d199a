/* analyze.h - the warnings of a loaded history and what would fix each problem.
 *
 * graph_build() already recorded the errors Alembic would stop on. analyze_graph()
 * adds the warnings (several heads or bases, disconnected pieces, docstrings that
 * disagree with the variables) and, for each problem, ranked candidates and the
 * ways out, so a user can act without reading the files first. */
#ifndef MIGTREE_ANALYZE_H
#define MIGTREE_ANALYZE_H

#include "migtree/graph.h"

/* Suggestions show only where a problem's fixes are shown (the explorer's
 * detail pane, problem list and picker), and making them is most of the
 * analysis of a large history. With DEFER_SUGGESTIONS (a project's option:
 * project.h), analyze_graph leaves them out and sets g->suggest_pending;
 * analyze_suggest makes them when asked. The common ancestor that a head's
 * warning names is left for then too (problem.pending: a walk of most of the
 * history, at every edit). The problems themselves, their order and counts do
 * not depend on them. */
void analyze_graph(struct graph *g, bool defer_suggestions);
/* The warnings about the history's shape alone, appended: several heads on a
 * branch, several bases, pieces not connected to the main one. What
 * analyze_graph does first; graph_update.c makes them again after a relink.
 * With DEFER_SUGGESTIONS a head's common ancestor is left pending. */
void analyze_shape(struct graph *g, bool defer_suggestions);
/* Ranked candidates and ways out for every missing parent, missing dependency
 * and loose piece in G's list (suggest.c), added to those problems' fixes. */
void suggest_missing_parents(struct graph *g);

/* Make the suggestions left out, and finish the messages; false when no
 * suggestion was pending. */
bool analyze_suggest(struct graph *g);
/* Finish the messages left pending (a head's common ancestor) alone. */
void analyze_finish_messages(struct graph *g);

/* The nearest common ancestor of A and B (by down_revision), or NO_NODE. */
uint32_t graph_common_ancestor(const struct graph *g, uint32_t a, uint32_t b);
/* The revisions on V's line since C: V and its ancestors (by down_revision) that
 * are not C or one of C's ancestors (all of V's when C is NO_NODE). Owned array
 * of g->n flags. */
bool *graph_line_since(const struct graph *g, uint32_t v, uint32_t c);
/* The oldest base by Create Date (ties: load order), or NO_NODE. */
uint32_t graph_primary_base(const struct graph *g);
/* The piece of the history holding the primary base (else the largest piece). */
uint32_t graph_main_component(const struct graph *g);

#endif
