/* graph_text.h - build a project from the compact text form the graph tests use,
 * as tig's graph harness is fed `commit parent...` lines:
 *
 *     base
 *     a1 base
 *     m1 a1 b1 +dep1 @label
 *
 * Each line is a revision, its down revisions, `+ID` depends_on entries and
 * `@LABEL` branch labels. The lines become real migration source that goes
 * through parse_revision_file(), in the order given (the load order). */
#ifndef MIGTREE_TEST_GRAPH_TEXT_H
#define MIGTREE_TEST_GRAPH_TEXT_H

#include "migtree/project.h"

void graph_text_load(struct project *p, const char *text);
/* The revision ID, SRC its migration source, parsed into P's files, last in
 * load order (graph_text_load's step; for tests that write sources of their
 * own). P is analysed by the caller (project_analyse) once all are in. */
void graph_text_add(struct project *p, const char *id, const char *src);
/* The ids of p->order joined by spaces (phantoms in brackets). Owned. */
char *graph_text_order(const struct project *p);
/* Node of ID (asserts it exists). */
uint32_t graph_text_node(const struct project *p, const char *id);
/* Number of problems of KIND. */
size_t graph_text_count(const struct project *p, enum problem_kind kind);

#endif
