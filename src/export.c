/* export.c - dot and mermaid drawings: an edge from each down revision to the
 * revision above it (dashed for depends_on); heads bold, missing revisions red. */
#include <stdlib.h>
#include <string.h>

#include "migtree/export.h"
#include "migtree/json.h"
#include "migtree/quote.h"

/* Which nodes have an error of their own (one pass over the problems). */
static bool *nodes_with_errors(const struct graph *g)
{
	bool *bad = xcalloc(g->n ? g->n : 1, sizeof(bool));

	for (size_t i = 0; i < g->problems.n; i++) {
		const struct problem *pr = &g->problems.v[i];
		uint32_t v;

		if (pr->revision && problem_severity(pr->kind) == SEVERITY_ERROR &&
		    (v = graph_find(g, pr->revision)) != NO_NODE)
			bad[v] = true;
	}
	return bad;
}

static void mermaid_text(FILE *out, const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	quote_mermaid(&sb, s);
	fwrite(sb.buf, 1, sb.len, out);
	sb_free(&sb);
}

/* DOT has its own quoting (not JSON's: \uNNNN means nothing there). */
static void dot_string(FILE *out, const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	quote_dot(&sb, s);
	fwrite(sb.buf, 1, sb.len, out);
	sb_free(&sb);
}

void export_dot(FILE *out, const struct project *p)
{
	const struct graph *g = &p->graph;
	bool *bad = nodes_with_errors(g);

	fputs("digraph migrations {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n", out);
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		char *label = nd->phantom ? xasprintf("%s\n(missing)", nd->id)
					  : xasprintf("%s\n%s", nd->id, nd->file->message);

		fputs("  ", out);
		dot_string(out, nd->id);
		fputs(" [label=", out);
		dot_string(out, label);
		if (nd->phantom)
			fputs(", color=red, style=dashed, fontcolor=red", out);
		else if (bad[i])
			fputs(", color=red", out);
		if (!nd->phantom && nd->is_head)
			fputs(", penwidth=2", out);
		fputs("];\n", out);
		free(label);
	}
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		for (uint32_t k = 0; k < nd->down.n; k++) {
			fputs("  ", out);
			dot_string(out, g->nodes[nd->down.v[k]].id);
			fputs(" -> ", out);
			dot_string(out, nd->id);
			fputs(g->nodes[nd->down.v[k]].phantom ? " [color=red];\n" : ";\n", out);
		}
		for (uint32_t k = 0; k < nd->deps.n; k++) {
			fputs("  ", out);
			dot_string(out, g->nodes[nd->deps.v[k]].id);
			fputs(" -> ", out);
			dot_string(out, nd->id);
			fputs(" [style=dashed];\n", out);
		}
	}
	fputs("}\n", out);
	free(bad);
}

void export_mermaid(FILE *out, const struct project *p)
{
	const struct graph *g = &p->graph;

	fputs("flowchart BT\n", out);
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		fprintf(out, "  n%u[\"", i);
		mermaid_text(out, nd->id);
		if (!nd->phantom && *nd->file->message) {
			fputs("<br/>", out);
			mermaid_text(out, nd->file->message);
		}
		fputs(nd->phantom ? "<br/>(missing)\"]\n" : "\"]\n", out);
	}
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		for (uint32_t k = 0; k < nd->down.n; k++)
			fprintf(out, "  n%u --> n%u\n", nd->down.v[k], i);
		for (uint32_t k = 0; k < nd->deps.n; k++)
			fprintf(out, "  n%u -.-> n%u\n", nd->deps.v[k], i);
	}
	fputs("  classDef missing stroke:#d00,stroke-dasharray:4,color:#d00\n", out);
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i].phantom)
			fprintf(out, "  class n%u missing\n", i);
}
