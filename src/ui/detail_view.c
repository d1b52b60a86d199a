/* detail_view.c - everything about the selected revision, with its parents,
 * children and dependencies as links to jump along, its fixes as actions, and
 * its path line opening the source.
 *
 * Long lines wrap (this pane is for reading: nothing in it is cut); j/k move
 * between the selectable lines and scroll on past the last one, so the
 * docstring at the end can be read. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ui.h"

enum dline_kind { DL_TEXT, DL_LINK, DL_FIX, DL_SOURCE };

struct dline {
	char *text;
	int role;
	enum dline_kind kind;
	uint32_t link;  /* DL_LINK: node to jump to */
	size_t problem, fix; /* DL_FIX: the problem and its fix */
	int row, rows;  /* screen rows, once wrapped */
};

struct dlines {
	struct dline *v;
	size_t n, cap;
};

static struct dline *add(struct dlines *d, int role, uint32_t link, char *text)
{
	GROW(d->v, d->cap, d->n + 1);
	d->v[d->n] = (struct dline){ text, role, link == NO_NODE ? DL_TEXT : DL_LINK, link, 0, 0, 0, 1 };
	return &d->v[d->n++];
}

static void add_links(struct dlines *d, const struct graph *g, const char *title,
		      const struct u32vec *nodes)
{
	if (!nodes->n)
		return;
	add(d, C_TITLE, NO_NODE, xstrdup(title));
	for (uint32_t i = 0; i < nodes->n; i++) {
		const struct node *nd = &g->nodes[nodes->v[i]];

		add(d, nd->phantom ? C_PHANTOM : C_ID, nodes->v[i],
		    xasprintf("  %s  %s", nd->id, nd->phantom ? "(missing)" : nd->file->message));
	}
}

/* Values read through a name: where they came from, or what was tried. */
static void add_values(struct dlines *d, const struct revision_file *rf)
{
	const struct py_value labels = rf_labels(rf), deps = rf_deps(rf);
	const struct py_value *vals[] = { &rf->rev, &rf->down, &labels, &deps };
	const char *names[] = { "revision", "down_revision", "branch_labels", "depends_on" };

	for (int f = 0; f < 4; f++) {
		const struct py_value *v = vals[f];

		if (pv_resolved_from(v))
			add(d, C_NORMAL, NO_NODE, xasprintf("%s read from %s", names[f], pv_resolved_from(v)));
		for (size_t k = 0; k < pv_n_unknown(v); k++)
			add(d, C_WARNING, NO_NODE,
			    xasprintf("%s: %s unknown without running the file (%s)", names[f],
				      pv_unknown(v, k), pv_unknown_why(v, k)));
	}
}

/* Where the database stands on V: applied (its stamp), or pending. */
static void add_db(struct dlines *d, const struct ui *ui, uint32_t v)
{
	int role;
	char *line = ui_db_detail(ui, v, &role);

	if (line)
		add(d, role, NO_NODE, line);
}

static void add_labels(struct dlines *d, const struct graph *g, uint32_t v)
{
	struct label_list labels = { 0 };

	graph_labels(g, v, &labels);
	for (uint32_t i = 0; i < labels.n; i++)
		add(d, C_LABEL, NO_NODE, xasprintf("branch label: %s", labels.v[i]));
	label_list_free(&labels);
}

static void build(const struct ui *ui, uint32_t v, struct dlines *d)
{
	const struct graph *g = &ui->project.graph;
	const struct node *nd = &g->nodes[v];
	const struct revision_file *rf = nd->file;
	size_t *mine, n_mine;
	struct strbuf doc;
	const char *longdoc = "";

	sb_init(&doc);
	if (nd->phantom) {
		add(d, C_PHANTOM, NO_NODE, xasprintf("%s is missing: no migration file defines it", nd->id));
	} else {
		add(d, C_ID, NO_NODE, xasprintf("%s  %s:%d", nd->id, rf->path, rf->rev.line))->kind = DL_SOURCE;
		add(d, C_NORMAL, NO_NODE, xasprintf("%s", rf->message));
		if (rf->doc_create_date.value)
			add(d, C_DATE, NO_NODE, xasprintf("Create Date: %s", rf->doc_create_date.value));
		if (nd->is_head || nd->is_base || nd->is_branch_point || nd->is_merge_point || nd->in_cycle)
			add(d, C_NORMAL, NO_NODE,
			    xasprintf("%s%s%s%s%s", nd->is_head ? "head  " : "", nd->is_base ? "base  " : "",
				      nd->is_branch_point ? "branch point  " : "",
				      nd->is_merge_point ? "merge point  " : "", nd->in_cycle ? "in a cycle" : ""));
		add_labels(d, g, v);
		add_db(d, ui, v);
		add_values(d, rf);
	}
	add_links(d, g, "parents (down_revision)", &nd->down);
	add_links(d, g, "children", &nd->children);
	add_links(d, g, "depends on", &nd->deps);
	add_links(d, g, "needed by", &nd->dependants);
	/* a missing revision shows the problems of the revisions that name it */
	n_mine = problems_of(g, v, &mine);
	for (size_t i = 0; i < n_mine; i++) {
		const struct problem *p = &g->problems.v[mine[i]];
		bool err = problem_severity(p->kind) == SEVERITY_ERROR;

		add(d, err ? C_ERROR : C_WARNING, NO_NODE,
		    xasprintf("%s %s:%d: %s", problem_kind_name(p->kind), p->path ? p->path : "", p->line, p->message));
		for (size_t k = 0; k < fix_count(p); k++) {
			struct dline *l = add(d, C_NORMAL, NO_NODE, fix_line_text(p, k));

			l->kind = DL_FIX;
			l->problem = mine[i];
			l->fix = k;
		}
	}
	free(mine);
	if (!nd->phantom)
		longdoc = revision_file_longdoc(rf, &doc);
	if (*longdoc) {
		add(d, C_TITLE, NO_NODE, xstrdup("docstring"));
		for (const char *s = longdoc; *s;) {
			size_t len = strcspn(s, "\n");

			add(d, C_NORMAL, NO_NODE, xstrndup(s, len));
			s += len + (s[len] == '\n');
		}
	}
	sb_free(&doc);
}

static void release(struct dlines *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
}

static bool selectable(const struct dline *l)
{
	return l->kind != DL_TEXT;
}

/* Index in D of the DETAIL_SEL-th selectable line, or d->n when there is none;
 * *COUNT: how many there are. */
static size_t selected_line(const struct ui *ui, const struct dlines *d, uint32_t *count)
{
	size_t at = d->n;

	*count = 0;
	for (size_t i = 0; i < d->n; i++)
		if (selectable(&d->v[i])) {
			if (*count == ui->detail_sel)
				at = i;
			(*count)++;
		}
	return at;
}

/* Wrap every line at the screen's width; the rows they all take. */
static int wrap(struct dlines *d)
{
	int row = 0;

	for (size_t i = 0; i < d->n; i++) {
		int w = draw_width(d->v[i].text);

		d->v[i].row = row;
		d->v[i].rows = w > COLS && COLS > 0 ? (w + COLS - 1) / COLS : 1;
		row += d->v[i].rows;
	}
	return row;
}

/* The pane's lines for the selection, wrapped, the selection clamped. */
static bool load(struct ui *ui, struct dlines *d, int *rows, size_t *sel, uint32_t *count)
{
	if (!ui_line_count(ui))
		return false;
	/* the fixes shown below need the suggestions the analysis left for later */
	edit_suggest(&ui->edit, ui->project.graph.nodes[ui_line_node(ui, ui->sel)].id);
	edit_finish_messages(&ui->edit, ui->project.graph.nodes[ui_line_node(ui, ui->sel)].id);
	build(ui, ui_line_node(ui, ui->sel), d);
	*rows = wrap(d);
	if (ui->detail_sel == DETAIL_FIRST_LINK) { /* a new revision: on its first link, as before */
		uint32_t k = 0;

		ui->detail_sel = 0;
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].kind == DL_LINK) {
				ui->detail_sel = k;
				break;
			} else if (selectable(&d->v[i])) {
				k++;
			}
	}
	*sel = selected_line(ui, d, count);
	if (*count && ui->detail_sel >= *count)
		ui->detail_sel = *count - 1, *sel = selected_line(ui, d, count);
	return true;
}

/* Keep the selected line in sight and no blank space past the end. */
static void settle(struct ui *ui, const struct dlines *d, size_t sel, int rows, int height)
{
	uint32_t max_top = rows > height && height > 0 ? (uint32_t)(rows - height) : 0;

	if (sel < d->n) {
		const struct dline *l = &d->v[sel];

		if ((uint32_t)l->row < ui->detail_top)
			ui->detail_top = (uint32_t)l->row;
		if (height > 0 && (uint32_t)(l->row + l->rows) > ui->detail_top + (uint32_t)height)
			ui->detail_top = (uint32_t)(l->row + l->rows - height);
	}
	if (ui->detail_top > max_top)
		ui->detail_top = max_top;
}

static int pane_height(int h)
{
	return h - ui_detail_split(h) - 1;
}

void detail_view_draw(struct ui *ui, int top, int height)
{
	struct dlines d = { 0 };
	uint32_t count;
	size_t sel;
	int rows, split = ui_detail_split(height);

	main_view_draw(ui, top, split);
	draw_title(top + split, " revision  (j/k: links and fixes, Enter: follow, apply or show the file, q: close)");
	top += split + 1;
	height = pane_height(height);
	if (!load(ui, &d, &rows, &sel, &count))
		return;
	settle(ui, &d, sel, rows, height);
	for (size_t i = 0; i < d.n; i++) {
		const struct dline *l = &d.v[i];
		int role = l->role == C_TITLE ? C_GRAPH : l->role;

		for (int r = 0; r < l->rows; r++) {
			int y = l->row + r - (int)ui->detail_top;

			if (y < 0 || y >= height)
				continue;
			move(top + y, 0);
			attron(draw_attr(role));
			draw_text_clip(l->text, r * COLS, COLS, NULL);
			attroff(draw_attr(role));
			if (i == sel)
				mvchgat(top + y, 0, -1, A_REVERSE, 0, NULL);
		}
	}
	release(&d);
}

/* j past the last selectable line, k before the first: scroll instead. */
static void step(struct ui *ui, uint32_t count, int rows, int height, int dir)
{
	if (dir > 0 && ui->detail_sel + 1 < count)
		ui->detail_sel++;
	else if (dir < 0 && ui->detail_sel > 0)
		ui->detail_sel--;
	else if (dir > 0 && (int)ui->detail_top + height < rows)
		ui->detail_top++;
	else if (dir < 0 && ui->detail_top > 0)
		ui->detail_top--;
}

/* The first selectable line whose rows are all in sight, else the current. */
static void select_in_sight(struct ui *ui, const struct dlines *d, int height)
{
	uint32_t k = 0;

	for (size_t i = 0; i < d->n; i++) {
		if (!selectable(&d->v[i]))
			continue;
		if (d->v[i].row >= (int)ui->detail_top && d->v[i].row + d->v[i].rows <= (int)ui->detail_top + height) {
			ui->detail_sel = k;
			return;
		}
		k++;
	}
}

static void follow(struct ui *ui, const struct dline *l)
{
	switch (l->kind) {
	case DL_LINK:
		ui_select_node(ui, l->link);
		ui->detail_sel = DETAIL_FIRST_LINK;
		ui->detail_top = 0;
		break;
	case DL_FIX:
		fix_ask(ui, &ui->project.graph.problems.v[l->problem], l->fix);
		break;
	case DL_SOURCE:
		source_view_open(ui, ui_line_node(ui, ui->sel));
		break;
	case DL_TEXT:
		break;
	}
}

bool detail_view_request(struct ui *ui, enum request req, int key, int height)
{
	struct dlines d = { 0 };
	uint32_t count;
	size_t sel;
	int rows, h = pane_height(height), page = h > 1 ? h - 1 : 1;
	bool done = true;

	if (!load(ui, &d, &rows, &sel, &count))
		return main_view_request(ui, req, key, height);
	settle(ui, &d, sel, rows, h);
	switch (req) {
	case REQ_MOVE_DOWN: step(ui, count, rows, h, 1); break;
	case REQ_MOVE_UP: step(ui, count, rows, h, -1); break;
	case REQ_PAGE_DOWN:
		ui->detail_top += (uint32_t)page;
		settle(ui, &d, d.n, rows, h);
		select_in_sight(ui, &d, h);
		break;
	case REQ_PAGE_UP:
		ui->detail_top = ui->detail_top > (uint32_t)page ? ui->detail_top - (uint32_t)page : 0;
		select_in_sight(ui, &d, h);
		break;
	case REQ_MOVE_FIRST: ui->detail_sel = ui->detail_top = 0; break;
	case REQ_MOVE_LAST:
		ui->detail_sel = count ? count - 1 : 0;
		ui->detail_top = rows > h ? (uint32_t)(rows - h) : 0;
		break;
	case REQ_ENTER:
		if (sel < d.n)
			follow(ui, &d.v[sel]);
		break;
	default:
		done = false;
	}
	release(&d);
	return done || main_view_request(ui, req, key, height);
}
