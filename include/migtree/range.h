/* range.h - `history -r LOWER:UPPER`, as Alembic's _collect_upgrade_revisions.
 *
 * UPPER: "heads" (default), "head" (the one head), an id, a unique prefix or a
 * branch label. LOWER: "base" (default) or the same forms. The range is every
 * ancestor of UPPER that descends from LOWER, both included. Relative forms
 * (`+2`, `label@head`) are refused with a message. */
#ifndef MIGTREE_RANGE_H
#define MIGTREE_RANGE_H

#include "migtree/error.h"
#include "migtree/graph.h"

/* Parse "A:B" (either side may be empty). */
int range_parse(const char *spec, char **lower, char **upper, struct mt_error *err);
int history_range(const struct graph *g, const char *lower, const char *upper, struct u32vec *out,
		  struct mt_error *err);

#endif
