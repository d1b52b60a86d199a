/* format.c - Alembic's text formats for history, heads and branches; and the
 * shortening of long ids and messages in text for people. */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/format.h"
#include "migtree/pylex.h"
#include "migtree/quote.h"

/* A few shortened strings alive at once: enough for the %s of one fprintf. They
 * stay reachable until exit, reused round-robin. */
#define CLIP_RING 4

const char *format_clip(const char *s, size_t max)
{
	static struct strbuf ring[CLIP_RING];
	static unsigned next;
	struct strbuf *sb;
	size_t len = strlen(s), at = 0, chars = 0;
	char esc[QUOTE_ESC_MAX];
	uint32_t cp;

	if (len <= max)
		return s; /* the common case: short in bytes, so in characters */
	while (at < len && chars < max) {
		at += quote_terminal_next(s + at, len - at, esc, &cp);
		chars++;
	}
	if (at == len)
		return s;
	sb = &ring[next++ % CLIP_RING];
	sb->len = 0;
	sb_addn(sb, s, at);
	sb_adds(sb, strcmp(nl_langinfo(CODESET), "UTF-8") ? "..." : "\u2026");
	return sb->buf;
}

static void add_comma_list(struct strbuf *sb, const struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_adds(sb, sl->v[i]);
	}
}

/* A value's known items, then what only running the file could tell, marked so
 * that nobody takes it for Alembic's output (which it equals once defined). */
static void add_value(struct strbuf *sb, const struct py_value *v)
{
	add_comma_list(sb, &v->ids);
	for (size_t i = 0; i < pv_n_unknown(v); i++)
		sb_addf(sb, "%s<unknown %s>", i || v->ids.n ? ", " : "", pv_unknown(v, i));
}

static bool value_present(const struct py_value *v)
{
	return v->ids.n || pv_n_unknown(v);
}

/* Alembic's _format_down_revision: the down revisions as written, or <base>. */
static void add_down(struct strbuf *sb, const struct revision_file *rf)
{
	if (!value_present(&rf->down))
		sb_adds(sb, "<base>");
	else
		add_value(sb, &rf->down);
}

static bool has_labels(const struct node *nd)
{
	return nd->n_labels || (nd->file && rf_n_unknown(nd->file, RF_LABELS));
}

/* NODE's labels, read through LABELS (the list a loop over many nodes keeps). */
static void add_labels(struct strbuf *sb, const struct graph *g, uint32_t node, struct label_list *labels)
{
	const struct node *nd = &g->nodes[node];

	graph_labels(g, node, labels);
	for (uint32_t i = 0; i < labels->n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_adds(sb, labels->v[i]);
	}
	for (size_t i = 0; nd->file && i < rf_n_unknown(nd->file, RF_LABELS); i++)
		sb_addf(sb, "%s<unknown %s>", i || nd->n_labels ? ", " : "",
			rf_unknown(nd->file, RF_LABELS, i));
}

static void head_only(struct strbuf *sb, const struct graph *g, uint32_t node, struct head_only_opts o,
		      struct label_list *labels)
{
	const struct node *nd = &g->nodes[node];
	const struct revision_file *rf = nd->file;

	if (o.include_parents) {
		struct py_value deps = rf_deps(rf);

		add_down(sb, rf);
		if (value_present(&deps)) {
			sb_adds(sb, " (");
			add_value(sb, &deps);
			sb_adds(sb, ")");
		}
		sb_adds(sb, " -> ");
	}
	sb_adds(sb, nd->id);
	if (o.include_branches && has_labels(nd)) {
		sb_adds(sb, " (");
		add_labels(sb, g, node, labels);
		sb_adds(sb, ")");
	}
	if (o.head_indicators || o.tree_indicators) {
		if (nd->is_real_head)
			sb_adds(sb, " (head)");
		else if (nd->is_head)
			sb_adds(sb, " (effective head)");
		if (o.current)
			sb_adds(sb, " (current)");
	}
	if (o.tree_indicators) {
		if (nd->is_branch_point)
			sb_adds(sb, " (branchpoint)");
		if (nd->is_merge_point)
			sb_adds(sb, " (mergepoint)");
	}
	if (o.include_doc) {
		sb_adds(sb, ", ");
		sb_adds(sb, rf->message);
	}
}

static int cmp_pos(const void *a, const void *b, void *ctx)
{
	const uint32_t *pos = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (pos && pos[x] != pos[y])
		return pos[x] < pos[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Children in history order (Alembic prints a set here). */
static void add_children(struct strbuf *sb, const struct graph *g, const struct node *nd,
			 const uint32_t *pos)
{
	uint32_t *kids = xmalloc(nd->children.n * sizeof(uint32_t));

	memcpy(kids, nd->children.v, nd->children.n * sizeof(uint32_t));
	sort_array_r(kids, nd->children.n, sizeof(uint32_t), cmp_pos, (void *)pos);
	for (uint32_t i = 0; i < nd->children.n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_adds(sb, g->nodes[kids[i]].id);
	}
	free(kids);
}

static void log_entry(struct strbuf *sb, const struct graph *g, uint32_t node, const uint32_t *pos, bool current,
		      struct label_list *labels)
{
	const struct node *nd = &g->nodes[node];
	const struct revision_file *rf = nd->file;
	struct py_value deps = rf_deps(rf);
	struct strbuf doc;
	char **lines;
	size_t n;

	sb_addf(sb, "Rev: %s%s%s%s%s\n", nd->id, nd->is_head ? " (head)" : "",
		nd->is_branch_point ? " (branchpoint)" : "", nd->is_merge_point ? " (mergepoint)" : "",
		current ? " (current)" : "");
	sb_adds(sb, nd->is_merge_point ? "Merges: " : "Parent: ");
	add_down(sb, rf);
	sb_adds(sb, "\n");
	if (value_present(&deps)) {
		sb_adds(sb, "Also depends on: ");
		add_value(sb, &deps);
		sb_adds(sb, "\n");
	}
	if (nd->is_branch_point) {
		sb_adds(sb, "Branches into: ");
		add_children(sb, g, nd, pos);
		sb_adds(sb, "\n");
	}
	if (has_labels(nd)) {
		sb_adds(sb, "Branch names: ");
		add_labels(sb, g, node, labels);
		sb_adds(sb, "\n");
	}
	sb_addf(sb, "Path: %s\n", rf->real_path ? rf->real_path : rf->path);
	sb_adds(sb, "\n");
	sb_init(&doc);
	n = py_splitlines(revision_file_longdoc(rf, &doc), &lines);
	sb_free(&doc);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, "\n");
		sb_adds(sb, "    ");
		sb_adds(sb, lines[i]);
		free(lines[i]);
	}
	free(lines);
	sb_adds(sb, "\n");
}

void format_head_only(struct strbuf *sb, const struct graph *g, uint32_t node,
		      struct head_only_opts o)
{
	struct label_list labels = { 0 };

	head_only(sb, g, node, o, &labels);
	label_list_free(&labels);
}

void format_log_entry(struct strbuf *sb, const struct graph *g, uint32_t node, const uint32_t *pos,
		      bool current)
{
	struct label_list labels = { 0 };

	log_entry(sb, g, node, pos, current, &labels);
	label_list_free(&labels);
}

static void put_line(FILE *out, struct strbuf *sb)
{
	fwrite(sb->buf ? sb->buf : "", 1, sb->len, out);
	fputc('\n', out);
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

uint32_t *order_positions(const struct graph *g, const struct u32vec *order)
{
	uint32_t *pos = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));

	for (uint32_t i = 0; i < g->n; i++)
		pos[i] = UINT32_MAX;
	for (uint32_t i = 0; i < order->n; i++)
		pos[order->v[i]] = i;
	return pos;
}

void print_history(FILE *out, const struct graph *g, const struct u32vec *order, bool verbose)
{
	print_history_marked(out, g, order, verbose, NULL);
}

void print_history_marked(FILE *out, const struct graph *g, const struct u32vec *order, bool verbose,
			  const bool *current)
{
	struct strbuf sb;
	struct label_list labels = { 0 };
	uint32_t *pos = order_positions(g, order);
	struct head_only_opts o = { true, true, true, true, true, false };

	sb_init(&sb);
	for (uint32_t i = 0; i < order->n; i++) {
		uint32_t v = order->v[i];

		if (g->nodes[v].phantom)
			continue;
		o.current = current && current[v];
		if (verbose)
			log_entry(&sb, g, v, pos, o.current, &labels);
		else
			head_only(&sb, g, v, o, &labels);
		put_line(out, &sb);
	}
	sb_free(&sb);
	label_list_free(&labels);
	free(pos);
}

/* Alembic's _get_all_current: the applied set (stamps and their ancestors,
 * through depends_on too) filtered into branch heads, i.e. the applied
 * revisions none of whose down_revision children is applied. */
static bool current_top(const struct graph *g, const bool *applied, uint32_t v)
{
	const struct node *nd = &g->nodes[v];

	if (!applied[v] || nd->phantom)
		return false;
	for (uint32_t k = 0; k < nd->children.n; k++)
		if (applied[nd->children.v[k]])
			return false;
	return true;
}

void print_current(FILE *out, const struct graph *g, const struct u32vec *order, const bool *applied,
		   bool verbose)
{
	struct strbuf sb;
	struct label_list labels = { 0 };
	uint32_t *pos = order_positions(g, order);
	const struct head_only_opts o = { false, false, false, true, true, false };

	sb_init(&sb);
	for (uint32_t i = 0; applied && i < order->n; i++) {
		if (!current_top(g, applied, order->v[i]))
			continue;
		if (verbose)
			log_entry(&sb, g, order->v[i], pos, false, &labels);
		else
			head_only(&sb, g, order->v[i], o, &labels);
		put_line(out, &sb);
	}
	sb_free(&sb);
	label_list_free(&labels);
	free(pos);
}

void print_heads(FILE *out, const struct graph *g, bool verbose)
{
	struct strbuf sb;
	struct label_list labels = { 0 };
	const struct head_only_opts o = { true, false, false, false, true, false };

	sb_init(&sb);
	for (uint32_t i = 0; i < g->heads.n; i++) {
		if (verbose)
			log_entry(&sb, g, g->heads.v[i], NULL, false, &labels);
		else
			head_only(&sb, g, g->heads.v[i], o, &labels);
		put_line(out, &sb);
	}
	sb_free(&sb);
	label_list_free(&labels);
}

void print_bases(FILE *out, const struct graph *g, bool verbose)
{
	struct strbuf sb;
	struct label_list labels = { 0 };
	const struct head_only_opts o = { true, false, false, false, false, false };

	sb_init(&sb);
	for (uint32_t i = 0; i < g->bases.n; i++) {
		if (verbose) {
			log_entry(&sb, g, g->bases.v[i], NULL, false, &labels);
		} else {
			head_only(&sb, g, g->bases.v[i], o, &labels);
			sb_adds(&sb, " (base)");
		}
		put_line(out, &sb);
	}
	sb_free(&sb);
	label_list_free(&labels);
}

void print_branches(FILE *out, const struct graph *g, const struct u32vec *order, bool verbose)
{
	struct strbuf sb;
	struct label_list labels = { 0 };
	uint32_t *pos = order_positions(g, order);
	const struct head_only_opts first = { true, false, false, true, true, false };
	const struct head_only_opts child = { true, verbose, false, true, true, false };

	sb_init(&sb);
	for (uint32_t i = 0; i < order->n; i++) {
		const struct node *nd = &g->nodes[order->v[i]];
		uint32_t *kids;

		if (nd->phantom || !nd->is_branch_point)
			continue;
		if (verbose)
			log_entry(&sb, g, order->v[i], pos, false, &labels);
		else
			head_only(&sb, g, order->v[i], first, &labels);
		kids = xmalloc(nd->children.n * sizeof(uint32_t));
		memcpy(kids, nd->children.v, nd->children.n * sizeof(uint32_t));
		sort_array_r(kids, nd->children.n, sizeof(uint32_t), cmp_pos, pos);
		for (uint32_t k = 0; k < nd->children.n; k++) {
			sb_addf(&sb, "\n%*s -> ", (int)strlen(nd->id), "");
			head_only(&sb, g, kids[k], child, &labels);
		}
		free(kids);
		sb_adds(&sb, "\n");
		put_line(out, &sb);
	}
	sb_free(&sb);
	label_list_free(&labels);
	free(pos);
}
