/* json.h - the JSON forms of a project: `export --format json` and `check --format json`. */
#ifndef MIGTREE_JSON_H
#define MIGTREE_JSON_H

#include <stdio.h>

#include "migtree/dbstate.h"
#include "migtree/project.h"

/* A JSON string literal (quotes included) of S. */
void json_string(FILE *out, const char *s);
/* A JSON array of strings. */
void json_string_array(FILE *out, const struct strlist *sl);
/* The fields of one problem object (kind, severity, revision, ref, path, line,
 * message, candidates, fixes), without the braces: callers add their own. */
void json_problem_fields(FILE *out, const struct problem *pr);
/* {"kind", "target", "parents", "reason", "command"}: the fix as data, and the
 * command line a script may run as it is. */
void json_fix(FILE *out, const struct fix *f);
/* DB (may be NULL): the database read, a "database" object after the problems:
 * {url (password masked), table_exists (the version table), stamps (the
 * rows, as read), unknown (stamps no file defines), applied, pending,
 * pending_heads (ids, sorted)}. */
void json_write_export(FILE *out, const struct project *p, const struct db_state *db);
void json_write_check(FILE *out, const struct project *p, const struct db_state *db);

#endif
