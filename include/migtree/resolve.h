/* resolve.h - the values only running a migration file could tell, found by reading.
 *
 * neutron writes `branch_labels = (cli.EXPAND_BRANCH,)`, Invenio
 * `depends_on = resolved_depends_on`, others `DEPS = []` then `depends_on = DEPS`.
 * Alembic imports the file and sees the values; migtree reads, in this order:
 *   1. a value the user gave for that name (`--define NAME=VALUE`, or the
 *      [migtree] / [tool.migtree] tables) — the user knows best;
 *   2. a module-level name bound once, to a literal, in the same file;
 *   3. a name imported from a module inside the project (`from a.b import cli`,
 *      `import a.b.cli as cli`, `from a.b.cli import NAME`, relative imports),
 *      found by walking up from the file's folder to where the package path
 *      exists, and bound there once to a literal (or to a name that is, again).
 * Nothing is imported or run. A value still unknown stays in the file's
 * `unknown` lists with what was tried; it never drops the revision. */
#ifndef MIGTREE_RESOLVE_H
#define MIGTREE_RESOLVE_H

#include "migtree/error.h"
#include "migtree/parse.h"
#include "migtree/util.h"

struct resolver;

/* A resolver with DEFINES ("NAME=VALUE"; a VALUE that starts with a quote, a
 * bracket or is None is read as a Python literal, anything else is the string
 * itself). Returns NULL with ERR when a define is not of that form. */
struct resolver *resolver_new(const struct strlist *defines, struct mt_error *err);
void resolver_free(struct resolver *r);

/* Fill the `ids` of every value of RF that holds a reference (and `revision`
 * when it is one); clears `needs_resolve`. A `revision` that stays unknown sets
 * RF's error: without its id the revision cannot be placed. */
void resolve_file(struct resolver *r, struct revision_file *rf);

#endif
