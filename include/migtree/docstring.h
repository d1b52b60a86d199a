/* docstring.h - the docstring header (`Revision ID:`, `Revises:`) against the variables.
 *
 * Alembic reads only the variables; the header is what people read, and it goes
 * stale when a file is copied or re-parented by hand. Its `Revises:` line comes in
 * the forms Alembic's templates and people write: `a, b` (script.py.mako's
 * `${down_revision | comma,n}`), nothing or `None` for a base, and a tuple or list
 * repr (`('a', 'b')`, `['a','b']`, `('a',)`). This module is the one place that
 * reads those forms: the docstring_mismatch check, the repair suggestions and the
 * `set-docstring` repair all go through it, so they cannot disagree. Parents are
 * compared as sets: the order of a merge's parents means nothing to Alembic. */
#ifndef MIGTREE_DOCSTRING_H
#define MIGTREE_DOCSTRING_H

#include <stdbool.h>

#include "migtree/graph.h"
#include "migtree/parse.h"

/* Find the header fields parse.c leaves out: one on the docstring's first line,
 * after its opening quotes (`"""Revises: zz"""`). Every reader of a migration
 * file calls it after parse_revision_file (scan.c, edit.c). */
void docstring_complete(struct revision_file *rf);

/* The revision ids a `Revises:` (or `Revision ID:`) value names, in order, appended
 * to OUT: quotes, brackets, commas and spaces separate; `None` and empty names nothing. */
void docstring_split_revises(const char *value, struct strlist *out);

/* Does the `Revises:` line name the same parents as down_revision (any order)?
 * True when the file has no `Revises:` line. */
bool docstring_revises_agrees(const struct revision_file *rf);
/* Does the `Revision ID:` line name the revision? True when there is none. */
bool docstring_revision_id_agrees(const struct revision_file *rf);

/* The bytes of F's value to replace: parse.c's span, plus the quotes at its end
 * that belong to the value rather than to the docstring's closing delimiter. */
struct mt_span docstring_value_span(const struct revision_file *rf, const struct doc_field *f);
/* The `Revises:` value Alembic's template writes for PARENTS: joined by ", ",
 * empty for a base. Owned. */
char *docstring_revises_text(const struct strlist *parents);

/* A docstring_mismatch warning, with its fix, for every file whose header
 * disagrees with its variables. */
void docstring_check(struct graph *g);
/* The same for one file (a revision an edit relinked: graph_update.c). */
void docstring_check_file(struct graph *g, const struct revision_file *rf);

#endif
