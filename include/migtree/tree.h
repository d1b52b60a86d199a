/* tree.h - the indented chain drawing people make by hand in repair reports:
 *
 *   82069bc89d27 (initial_migration) - ROOT
 *       ↓
 *   002_enhance_rls (enhance_rls_security) - BRANCH POINT
 *       ├── 003_simplify_rls (simplify_rls_implementation) - BRANCH HEAD
 *       └── 003_acgs_enhancements (comprehensive_acgs_enhancements)
 *           ↓
 *
 * One block per root (base, or missing revision), the longest line of descent
 * drawn last so the trunk stays on the left. */
#ifndef MIGTREE_TREE_H
#define MIGTREE_TREE_H

#include <stdbool.h>
#include <stdio.h>

#include "migtree/project.h"

void tree_print(FILE *out, const struct project *p, bool ascii);

#endif
