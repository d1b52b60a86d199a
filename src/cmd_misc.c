/* cmd_misc.c - show, tree and export: views of the graph beyond Alembic's; and
 * show --config, the configuration as read, each value with where it came from. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migtree/cli.h"
#include "migtree/commands.h"
#include "migtree/dbcheck.h"
#include "migtree/export.h"
#include "migtree/format.h"
#include "migtree/json.h"
#include "migtree/tree.h"

static void list_nodes(FILE *out, const struct graph *g, const char *title, const struct u32vec *v)
{
	fprintf(out, "%-10s", title);
	if (!v->n)
		fputs("none", out);
	for (uint32_t i = 0; i < v->n; i++) {
		const struct node *nd = &g->nodes[v->v[i]];

		fprintf(out, "%s%s", i ? "\n          " : "", format_clip(nd->id, FORMAT_CLIP_ID));
		if (nd->phantom)
			fputs("  (missing)", out);
		else
			fprintf(out, "  %s:%d", nd->file->path, nd->file->rev.line);
	}
	fputc('\n', out);
}

/* Values read through a name: where each came from, or what was tried. */
static void show_values(FILE *out, const struct revision_file *rf)
{
	const struct py_value labels = rf_labels(rf), deps = rf_deps(rf);
	const struct py_value *vals[] = { &rf->rev, &rf->down, &labels, &deps };
	const char *names[] = { "revision", "down_revision", "branch_labels", "depends_on" };

	for (int f = 0; f < 4; f++) {
		if (pv_resolved_from(vals[f]))
			fprintf(out, "%-10s%s read from %s\n", "value", names[f], pv_resolved_from(vals[f]));
		for (size_t k = 0; k < pv_n_unknown(vals[f]); k++)
			fprintf(out, "%-10s%s = %s: unknown without running the file (%s)\n", "unknown",
				names[f], pv_unknown(vals[f], k), pv_unknown_why(vals[f], k));
	}
}

static void show_node(struct cli *cli, const struct project *p, uint32_t v)
{
	const struct graph *g = &p->graph;
	const struct node *nd = &g->nodes[v];
	const struct revision_file *rf = nd->file;
	FILE *out = cli->out;
	size_t *mine, n_mine;
	struct strbuf doc;

	fprintf(out, "%-10s%s\n", "revision", format_clip(nd->id, FORMAT_CLIP_ID));
	fprintf(out, "%-10s%s:%d\n", "path", rf->path, rf->rev.line);
	fprintf(out, "%-10s%s\n", "message", format_clip(rf->message, FORMAT_CLIP_ID));
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
	show_values(out, rf);
	if (nd->n_labels) {
		struct label_list labels = { 0 };

		graph_labels(g, v, &labels);
		fprintf(out, "%-10s", "labels");
		for (uint32_t i = 0; i < labels.n; i++)
			fprintf(out, "%s%s", i ? ", " : "", format_clip(labels.v[i], FORMAT_CLIP_ID));
		fputc('\n', out);
		label_list_free(&labels);
	}
	n_mine = problems_of(g, v, &mine);
	for (size_t i = 0; i < n_mine; i++) {
		const struct problem *pr = &g->problems.v[mine[i]];

		fprintf(out, "%-10s%s:%d: %s: %s\n", "problem", pr->path ? pr->path : "", pr->line,
			problem_kind_name(pr->kind), format_clip(pr->message, FORMAT_CLIP_MESSAGE));
		for (size_t k = 0; k < pr->n_fixv; k++) {
			char *line = fix_sentence(&pr->fixv[k]);

			fprintf(out, "%-10s  fix: %s\n", "", format_clip(line, FORMAT_CLIP_MESSAGE));
			free(line);
		}
	}
	free(mine);
	fputs("\n", out);
	sb_init(&doc);
	fputs(revision_file_longdoc(rf, &doc), out);
	sb_free(&doc);
	fputs("\n", out);
}

static void show_phantom(struct cli *cli, const struct project *p, uint32_t v)
{
	const struct node *nd = &p->graph.nodes[v];

	fprintf(cli->out, "%-10s%s\n%-10smissing: no file defines it\n", "revision", format_clip(nd->id, FORMAT_CLIP_ID), "flags");
	list_nodes(cli->out, &p->graph, "needed-by", &nd->children);
}

/* KEY, VALUE and, when known, [ORIGIN]: aligned like `show REV`, wider for
 * truncate_slug_length. */
static void config_row(FILE *out, const char *key, const char *value, const char *origin)
{
	fprintf(out, "%-22s%s", key, value);
	if (origin)
		fprintf(out, "  [%s]", origin);
	fputc('\n', out);
}

static void config_path_row(FILE *out, const char *key, const char *path, const char *origin)
{
	char *shown = path ? scan_display_path(path) : NULL;

	config_row(out, key, shown ? shown : "none", origin);
	free(shown);
}

/* A list, one item a line; ORIGINS (may be NULL) parallel to ITEMS. */
static void config_list(FILE *out, const char *key, const struct strlist *items,
			const struct strlist *origins)
{
	if (!items->n)
		config_row(out, key, "none", NULL);
	for (size_t i = 0; i < items->n; i++)
		config_row(out, i ? "" : key, items->v[i], origins ? origins->v[i] : NULL);
}

static void print_config(FILE *out, const struct mt_config *cfg)
{
	char num[32];

	config_path_row(out, "config", cfg->config_path, cfg->config_path ? NULL : "-d: a bare versions directory");
	if (cfg->section)
		fprintf(out, "%-22s[%s]\n", "section", cfg->section);
	else
		config_row(out, "section", "none", NULL);
	config_path_row(out, "pyproject", cfg->toml_path, NULL);
	config_path_row(out, "script_location", cfg->script_location, cfg->origin.script_location);
	for (size_t i = 0; i < cfg->version_locations.n; i++) {
		struct stat st;
		char *shown = scan_display_path(cfg->version_locations.v[i]);
		bool exists = stat(cfg->version_locations.v[i], &st) == 0 && S_ISDIR(st.st_mode);
		char *value = xasprintf("%s%s", shown, exists ? "" : " (does not exist)");

		config_row(out, i ? "" : "version_locations", value, cfg->origin.version_locations.v[i]);
		free(value);
		free(shown);
	}
	config_row(out, "recursive", cfg->recursive ? "true" : "false", cfg->origin.recursive);
	config_row(out, "file_template", cfg->file_template, cfg->origin.file_template);
	snprintf(num, sizeof(num), "%d", cfg->truncate_slug_length);
	config_row(out, "truncate_slug_length", num, cfg->origin.truncate_slug_length);
	if (cfg->separator)
		config_row(out, "path_separator", cfg->separator, cfg->origin.separator);
	else if (cfg->origin.separator)
		config_row(out, "path_separator", "none: legacy split on spaces and commas", cfg->origin.separator);
	else
		config_row(out, "path_separator", cfg->config_path ? "not used (no version_locations in the ini)"
								   : "not used", NULL);
	config_list(out, "defines", &cfg->defines, &cfg->origin.defines);
	config_list(out, "notes", &cfg->notes, NULL);
}

/* The configuration even when the walk fails: a version location that does not
 * exist is what a user runs this to find. */
static int show_config(struct cli *cli)
{
	struct mt_config cfg;
	struct file_list fl;
	struct mt_error err = { 0 };

	if (config_load(&cli->req, &cfg, &err)) {
		cli_report("", &err);
		config_free(&cfg);
		return EXIT_USAGE;
	}
	if (scan_project(&cfg, &fl, &err) == 0)
		for (size_t i = 0; i < fl.notes.n; i++)
			sl_push(&cfg.notes, fl.notes.v[i]);
	file_list_free(&fl);
	print_config(cli->out, &cfg);
	config_free(&cfg);
	return EXIT_OK;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "config", no_argument, NULL, 'C' }, { NULL, 0, NULL, 0 } };
	struct project p;
	bool config = false;
	uint32_t v;
	int c;

	optind = 0; /* a full restart: an option after REV (`show REV --help`) counts too */
	while ((c = cli_getopt("show", argc, argv, "", longopts)) != -1) {
		if (c != 'C')
			return cli_options_exit(c);
		config = true;
	}
	if (config && optind == argc)
		return show_config(cli);
	if (config || argc - optind != 1) {
		commands_usage_error("show");
		return EXIT_USAGE;
	}
	if (cli_load_published(cli, &p))
		return EXIT_USAGE;
	v = graph_find(&p.graph, argv[optind]);
	if (v == NO_NODE || !p.graph.nodes[v].phantom)
		v = cli_resolve_hinted(&p, argv[optind], HINT_ALL);
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
	while ((c = cli_getopt("tree", argc, argv, "", longopts)) != -1) {
		if (c != 'a')
			return cli_options_exit(c);
		use_ascii = true;
	}
	if (optind < argc) {
		commands_usage_error("tree");
		return EXIT_USAGE;
	}
	cli->req.defer_suggestions = true; /* no fix is shown: suggestions are not made */
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
	struct cli_db d = { 0 };
	struct mt_error err = { 0 };
	int c;

	optind = 1;
	while ((c = cli_getopt("export", argc, argv, "f:", longopts)) != -1) {
		if (c != 'f')
			return cli_options_exit(c);
		format = optarg;
	}
	if (optind < argc) {
		commands_usage_error("export");
		return EXIT_USAGE;
	}
	if (strcmp(format, "json") && strcmp(format, "dot") && strcmp(format, "mermaid")) {
		cli_error("--format takes json, dot or mermaid, not '%s'", format);
		return EXIT_USAGE;
	}
	/* dot and mermaid mark the revisions with an error, and show no fix:
	 * suggestions are not made for them */
	cli->req.defer_suggestions = strcmp(format, "json") != 0;
	if ((!strcmp(format, "json") ? cli_load_published(cli, &p) : cli_load(cli, &p)))
		return EXIT_USAGE;
	if (!strcmp(format, "json") && cli_db_read(cli, &p, false, &d, &err)) {
		cli_report("", &err);
		project_free(&p);
		return EXIT_USAGE;
	}
	if (!strcmp(format, "json") && d.st.url_display)
		db_check_unknown(&p, &d.st, d.where_path, d.where_line, &p.graph.problems);
	if (!strcmp(format, "json"))
		json_write_export(cli->out, &p, &d.st);
	else if (!strcmp(format, "dot"))
		export_dot(cli->out, &p);
	else
		export_mermaid(cli->out, &p);
	cli_db_free(&d);
	project_free(&p);
	return EXIT_OK;
}
