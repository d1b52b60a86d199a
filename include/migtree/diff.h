/* diff.h - unified diffs of whole files, for `--dry-run` and the explorer's D. */
#ifndef MIGTREE_DIFF_H
#define MIGTREE_DIFF_H

#include <stddef.h>

/* A unified diff (3 lines of context) from A to B; A NULL means a new file.
 * Returns "" when they are equal. Owned. */
char *diff_unified(const char *path, const char *a, size_t alen, const char *b, size_t blen);

#endif
