/* format.h - the lines `alembic history`, `heads` and `branches` print.
 *
 * Byte for byte Alembic's Script._head_only() and Script.log_entry, so the output
 * can be diffed against Alembic's. Where Alembic prints a Python set (branch labels,
 * "Branches into"), whose order varies from run to run, migtree prints labels
 * sorted and children in history order. */
#ifndef MIGTREE_FORMAT_H
#define MIGTREE_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "migtree/graph.h"

struct head_only_opts {
	bool include_branches, include_doc, include_parents, tree_indicators, head_indicators;
	bool current; /* " (current)": the database is stamped with it (history -i) */
};

/* POS maps a node to its position in history order (to order children), or NULL. */
void format_head_only(struct strbuf *sb, const struct graph *g, uint32_t node,
		      struct head_only_opts o);
void format_log_entry(struct strbuf *sb, const struct graph *g, uint32_t node, const uint32_t *pos,
		      bool current);

void print_history(FILE *out, const struct graph *g, const struct u32vec *order, bool verbose);
/* `history -i`: CURRENT (per node, may be NULL) marks the revisions the database
 * is stamped with, " (current)" where Alembic puts it. */
void print_history_marked(FILE *out, const struct graph *g, const struct u32vec *order, bool verbose,
			  const bool *current);
/* `alembic current [-v]`'s lines: of the APPLIED revisions (per node: a stamp or
 * an ancestor of one, dbstate.h), those no applied revision descends from by
 * down_revision, in ORDER. Alembic prints them from a Python set, in no fixed
 * order: with several, only the set of lines agrees. */
void print_current(FILE *out, const struct graph *g, const struct u32vec *order, const bool *applied,
		   bool verbose);
void print_heads(FILE *out, const struct graph *g, bool verbose);
void print_bases(FILE *out, const struct graph *g, bool verbose);
void print_branches(FILE *out, const struct graph *g, const struct u32vec *order, bool verbose);

/* Text for people (check, show, tree) is bounded by the input's meaning, not its
 * size: an id, a label or a file's message over FORMAT_CLIP_ID characters, and a
 * problem or a fix (which quote ids and paths) over FORMAT_CLIP_MESSAGE, is cut
 * there with an ellipsis (... outside UTF-8 locales). JSON and Alembic's formats
 * keep everything. */
#define FORMAT_CLIP_ID 200
#define FORMAT_CLIP_MESSAGE 1000
/* S itself, or its first MAX characters and an ellipsis, in a buffer valid for
 * the next three calls (enough for the arguments of one fprintf). */
const char *format_clip(const char *s, size_t max);

/* Positions of ORDER's nodes: pos[node] = index, UINT32_MAX when absent. Owned. */
uint32_t *order_positions(const struct graph *g, const struct u32vec *order);

#endif
