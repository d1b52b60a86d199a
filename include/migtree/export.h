/* export.h - the graph for other tools: Graphviz dot and Mermaid (JSON is json.h). */
#ifndef MIGTREE_EXPORT_H
#define MIGTREE_EXPORT_H

#include <stdio.h>

#include "migtree/project.h"

void export_dot(FILE *out, const struct project *p);
void export_mermaid(FILE *out, const struct project *p);

#endif
