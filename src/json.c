/* json.c - JSON output of the graph and its problems (schema in doc/migtree.1). */
#include <stdlib.h>
#include <string.h>

#include "migtree/json.h"
#include "migtree/quote.h"

void json_string(FILE *out, const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	quote_json(&sb, s);
	fwrite(sb.buf, 1, sb.len, out);
	sb_free(&sb);
}

/* V[0 .. N) as a JSON array of strings. */
static void json_strings(FILE *out, const char *const *v, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		json_string(out, v[i]);
	}
	fputc(']', out);
}

void json_string_array(FILE *out, const struct strlist *sl)
{
	json_strings(out, (const char *const *)sl->v, sl->n);
}

/* The ids of NODES as a sorted JSON array. */
static void id_list(FILE *out, const struct graph *g, const struct u32vec *nodes)
{
	struct strlist ids = { 0 };

	for (uint32_t i = 0; i < nodes->n; i++)
		sl_push(&ids, g->nodes[nodes->v[i]].id);
	sl_sort(&ids);
	json_string_array(out, &ids);
	sl_free(&ids);
}

void json_fix(FILE *out, const struct fix *f)
{
	char *cmd = fix_command(f);

	fputs("{\"kind\": ", out);
	json_string(out, fix_kind_name(f->kind));
	fputs(", \"target\": ", out);
	f->target && f->kind != FIX_RUN ? json_string(out, f->target) : (void)fputs("null", out);
	fputs(", \"parents\": ", out);
	json_string_array(out, &f->parents);
	fputs(", \"reason\": ", out);
	f->reason ? json_string(out, f->reason) : (void)fputs("null", out);
	fputs(", \"command\": ", out);
	json_string(out, cmd);
	fputs("}", out);
	free(cmd);
}

void json_problem_fields(FILE *out, const struct problem *pr)
{
	fputs("\"kind\": ", out);
	json_string(out, problem_kind_name(pr->kind));
	fputs(", \"severity\": ", out);
	json_string(out, problem_severity(pr->kind) == SEVERITY_ERROR ? "error" : "warning");
	fputs(", \"revision\": ", out);
	pr->revision ? json_string(out, pr->revision) : (void)fputs("null", out);
	fputs(", \"ref\": ", out);
	pr->ref ? json_string(out, pr->ref) : (void)fputs("null", out);
	fputs(", \"path\": ", out);
	pr->path ? json_string(out, pr->path) : (void)fputs("null", out);
	fprintf(out, ", \"line\": %d, \"message\": ", pr->line);
	json_string(out, pr->message);
	fputs(", \"candidates\": ", out);
	json_string_array(out, &pr->candidates);
	fputs(", \"fixes\": [", out);
	for (size_t k = 0; k < pr->n_fixv; k++) {
		fputs(k ? ", " : "", out);
		json_fix(out, &pr->fixv[k]);
	}
	fputs("]", out);
}

static void problems_array(FILE *out, const struct problem_list *pl)
{
	fputs("[", out);
	for (size_t i = 0; i < pl->n; i++) {
		fputs(i ? ",\n    {" : "\n    {", out);
		json_problem_fields(out, &pl->v[i]);
		fputs("}", out);
	}
	fputs(pl->n ? "\n  ]" : "]", out);
}

static int cmp_id(const void *a, const void *b, void *ctx)
{
	const struct graph *g = ctx;

	return strcmp(g->nodes[*(const uint32_t *)a].id, g->nodes[*(const uint32_t *)b].id);
}

/* What only running the file could tell: which field, the expression, and why. */
static void unknown_array(FILE *out, const struct revision_file *rf)
{
	const struct py_value labels = rf_labels(rf), deps = rf_deps(rf);
	const struct py_value *vals[] = { &rf->down, &labels, &deps };
	const char *names[] = { "down_revision", "branch_labels", "depends_on" };
	bool first = true;

	fputs(", \"unknown\": [", out);
	for (int f = 0; f < 3; f++)
		for (size_t k = 0; k < pv_n_unknown(vals[f]); k++) {
			fputs(first ? "{\"field\": " : ", {\"field\": ", out);
			json_string(out, names[f]);
			fputs(", \"expression\": ", out);
			json_string(out, pv_unknown(vals[f], k));
			fputs(", \"tried\": ", out);
			json_string(out, pv_unknown_why(vals[f], k));
			fprintf(out, ", \"line\": %d}", vals[f]->line);
			first = false;
		}
	fputc(']', out);
}

/* Node V's branch labels, read through LABELS (kept from node to node). */
static void label_array(FILE *out, const struct graph *g, uint32_t v, struct label_list *labels)
{
	graph_labels(g, v, labels);
	json_strings(out, labels->v, labels->n);
}

static void revision_object(FILE *out, const struct graph *g, uint32_t v, struct label_list *labels)
{
	const struct node *nd = &g->nodes[v];
	const struct revision_file *rf = nd->file;

	fputs("{\"revision\": ", out);
	json_string(out, nd->id);
	if (nd->phantom) {
		fputs(", \"missing\": true, \"down_revisions\": [], \"depends_on\": [], \"branch_labels\": [], \"unknown\": [], "
		      "\"message\": null, \"create_date\": null, \"path\": null, \"line\": 0", out);
	} else {
		fputs(", \"missing\": false, \"down_revisions\": ", out);
		json_string_array(out, &rf->down.ids);
		fputs(", \"depends_on\": ", out);
		json_string_array(out, rf_dep_ids(rf));
		fputs(", \"branch_labels\": ", out);
		label_array(out, g, v, labels);
		fputs(", \"message\": ", out);
		json_string(out, rf->message);
		fputs(", \"create_date\": ", out);
		rf->doc_create_date.value ? json_string(out, rf->doc_create_date.value) : (void)fputs("null", out);
		fputs(", \"path\": ", out);
		json_string(out, rf->path);
		fprintf(out, ", \"line\": %d", rf->rev.line);
		unknown_array(out, rf);
	}
	fprintf(out, ", \"is_head\": %s, \"is_base\": %s, \"is_branch_point\": %s, \"is_merge_point\": %s}",
		nd->is_head && !nd->phantom ? "true" : "false", nd->is_base ? "true" : "false",
		nd->is_branch_point ? "true" : "false", nd->is_merge_point ? "true" : "false");
}

/* ,"database": {...} when a database was read: its stamps against the history
 * (dbstate.h); ids sorted, as everywhere in these documents. */
static void database_object(FILE *out, const struct graph *g, const struct db_state *db)
{
	struct u32vec applied = { 0 }, pending = { 0 };

	if (!db || !db->url_display)
		return;
	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom)
			u32_push(db_state_applied(db, i) ? &applied : &pending, i);
	fputs(",\n  \"database\": {\n    \"url\": ", out);
	json_string(out, db->url_display);
	fprintf(out, ",\n    \"table_exists\": %s,\n    \"stamps\": ", db->no_table ? "false" : "true");
	json_string_array(out, &db->stamps);
	fputs(",\n    \"unknown\": ", out);
	json_string_array(out, &db->unknown);
	fputs(",\n    \"applied\": ", out);
	id_list(out, g, &applied);
	fputs(",\n    \"pending\": ", out);
	id_list(out, g, &pending);
	fputs(",\n    \"pending_heads\": ", out);
	id_list(out, g, &db->pending_heads);
	fputs("\n  }", out);
	free(applied.v);
	free(pending.v);
}

void json_write_export(FILE *out, const struct project *p, const struct db_state *db)
{
	const struct graph *g = &p->graph;
	struct u32vec all = { 0 }, bps = { 0 }, mps = { 0 };
	struct label_list labels = { 0 };

	for (uint32_t i = 0; i < g->n; i++) {
		u32_push(&all, i);
		if (g->nodes[i].is_branch_point)
			u32_push(&bps, i);
		if (g->nodes[i].is_merge_point)
			u32_push(&mps, i);
	}
	sort_array_r(all.v, all.n, sizeof(uint32_t), cmp_id, (void *)g);
	fputs("{\n  \"revisions\": [", out);
	for (uint32_t i = 0; i < all.n; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		revision_object(out, g, all.v[i], &labels);
	}
	label_list_free(&labels);
	fputs(all.n ? "\n  ],\n  \"heads\": " : "],\n  \"heads\": ", out);
	id_list(out, g, &g->heads);
	fputs(",\n  \"bases\": ", out);
	id_list(out, g, &g->bases);
	fputs(",\n  \"branch_points\": ", out);
	id_list(out, g, &bps);
	fputs(",\n  \"merge_points\": ", out);
	id_list(out, g, &mps);
	fputs(",\n  \"problems\": ", out);
	problems_array(out, &g->problems);
	database_object(out, g, db);
	fputs("\n}\n", out);
	free(all.v);
	free(bps.v);
	free(mps.v);
}

void json_write_check(FILE *out, const struct project *p, const struct db_state *db)
{
	const struct problem_list *pl = &p->graph.problems;

	fprintf(out, "{\n  \"errors\": %zu,\n  \"warnings\": %zu,\n  \"heads\": ",
		problem_count(pl, SEVERITY_ERROR), problem_count(pl, SEVERITY_WARNING));
	id_list(out, &p->graph, &p->graph.heads);
	fputs(",\n  \"problems\": ", out);
	problems_array(out, pl);
	database_object(out, &p->graph, db);
	fputs("\n}\n", out);
}
