/* cmd_misc.c - show, tree and export: views of the graph beyond Alembic's. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/cli.h"
#include "migtree/export.h"
#include "migtree/json.h"
#include "migtree/tree.h"

static void list_nodes(FILE *out, const struct graph *g, const char *title, const struct u32vec *v)
{
	fprintf(out, "%-10s", title);
	if (!v->n)
		fputs("none", out);
	for (uint32_t i = 0; i < v->n; i++) {
		const struct node *nd = &g->nodes[v->v[i]];

		fprintf(out, "%s%s", i ? "\n          " : "", nd->id);
		if (nd->phantom)
			fputs("  (missing)", out);
		else
			fprintf(out, "  %s:%d", nd->file->path, nd->file->rev.line);
	}
	fputc('\n', out);
}

static void show_node(struct cli *cli, const struct project *p, uint32_t v)
{
	const struct graph *g = &p->graph;
	const struct node *nd = &g->nodes[v];
	const struct revision_file *rf = nd->file;
	FILE *out = cli->out;

	fprintf(out, "%-10s%s\n", "revision", nd->id);
	fprintf(out, "%-10s%s:%d\n", "path", rf->path, rf->rev.line);
	fprintf(out, "%-10s%s\n", "message", rf->message);
	if (rf->doc_create_date.value)
		fprintf(out, "%-10s%s\n", "created", rf->doc_create_date.value);
	if (nd->is_head || nd->is_base || nd->is_branch_point || nd->is_merge_point || nd->in_cycle)
		fprintf(out, "%-10s%s%s%s%s%s\n", "flags", nd->is_head ? "head " : "",
			nd->is_base ? "base " : "", nd->is_branch_point ? "branchpoint " : "",
			nd->is_merge_point ? "mergepoint " : "", nd->in_cycle ? "in-cycle" : "");
	list_nodes(out, g, "parents", &nd->down);
	list_nodes(out, g, "children", &nd->children);
	if (nd->deps.n)
		list_nodes(out, g, "depends", &nd->deps);
	if (nd->dependants.n)
		list_nodes(out, g, "needed-by", &nd->dependants);
	if (nd->n_labels) {
		fprintf(out, "%-10s", "labels");
		for (uint32_t i = 0; i < nd->n_labels; i++)
			fprintf(out, "%s%s", i ? ", " : "", nd->labels[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < g->problems.n; i++) {
		const struct problem *pr = &g->problems.v[i];

		if (!pr->revision || strcmp(pr->revision, nd->id))
			continue;
		fprintf(out, "%-10s%s:%d: %s: %s\n", "problem", pr->path ? pr->path : "", pr->line,
			problem_kind_name(pr->kind), pr->message);
		for (size_t k = 0; k < pr->fixes.n; k++)
			fprintf(out, "%-10s  fix: %s\n", "", pr->fixes.v[k]);
	}
	fputs("\n", out);
	fputs(rf->longdoc, out);
	fputs("\n", out);
}

static void show_phantom(struct cli *cli, const struct project *p, uint32_t v)
{
	const struct node *nd = &p->graph.nodes[v];

	fprintf(cli->out, "%-10s%s\n%-10smissing: no file defines it\n", "revision", nd->id, "flags");
	list_nodes(cli->out, &p->graph, "needed-by", &nd->children);
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	struct project p;
	uint32_t v;

	if (argc != 2) {
		cli_error("usage: migtree show REV");
		return EXIT_USAGE;
	}
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	v = graph_find(&p.graph, argv[1]);
	if (v == NO_NODE || !p.graph.nodes[v].phantom)
		v = cli_resolve(&p, argv[1]);
	if (v == NO_NODE) {
		project_free(&p);
		return EXIT_USAGE;
	}
	if (p.graph.nodes[v].phantom)
		show_phantom(cli, &p, v);
	else
		show_node(cli, &p, v);
	project_free(&p);
	return EXIT_OK;
}

int cmd_tree(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "ascii", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
	struct project p;
	bool use_ascii = cli->ascii;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'a') {
			cli_error("usage: migtree tree [--ascii]");
			return EXIT_USAGE;
		}
		use_ascii = true;
	}
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	tree_print(cli->out, &p, use_ascii);
	project_free(&p);
	return EXIT_OK;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "format", required_argument, NULL, 'f' },
						  { NULL, 0, NULL, 0 } };
	const char *format = "json";
	struct project p;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		if (c != 'f') {
			cli_error("usage: migtree export [--format json|dot|mermaid]");
			return EXIT_USAGE;
		}
		format = optarg;
	}
	if (strcmp(format, "json") && strcmp(format, "dot") && strcmp(format, "mermaid")) {
		cli_error("--format takes json, dot or mermaid, not '%s'", format);
		return EXIT_USAGE;
	}
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	if (!strcmp(format, "json"))
		json_write_export(cli->out, &p);
	else if (!strcmp(format, "dot"))
		export_dot(cli->out, &p);
	else
		export_mermaid(cli->out, &p);
	project_free(&p);
	return EXIT_OK;
}
