/* main_view.c - the history: one line per revision (or folded run), graph lanes,
 * id, markers, message, date; movement, folding and jumps. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ui.h"

static int put(int role, const char *s, int max)
{
	int used;

	attron(draw_attr(role));
	used = draw_text(s, max);
	attroff(draw_attr(role));
	return used;
}

/* The markers after the id: what a user looks for at a glance. */
static int draw_markers(struct ui *ui, const struct node *nd, int max)
{
	int used = 0;
	char buf[256];

	if (nd->phantom)
		return put(C_PHANTOM, "MISSING ", max);
	if (ui->review) { /* which side of the merge brings it */
		int role = C_NORMAL;
		const char *side = review_view_marker(ui, (uint32_t)(nd - ui->project.graph.nodes), &role);

		if (*side)
			used += put((enum color_role)role, side, max - used);
	}
	if (nd->is_head)
		used += put(C_HEAD, "[head] ", max - used);
	if (nd->is_base)
		used += put(C_BASE, "[base] ", max - used);
	if (nd->is_branch_point)
		used += put(C_GRAPH, "[branch] ", max - used);
	if (nd->is_merge_point)
		used += put(C_GRAPH, "[merge] ", max - used);
	for (uint32_t i = 0; i < nd->n_labels && used < max; i++) {
		snprintf(buf, sizeof(buf), "(%s) ", nd->labels[i]);
		used += put(C_LABEL, buf, max - used);
	}
	for (size_t i = 0; i < nd->file->labels.unknown.n && used < max; i++) {
		snprintf(buf, sizeof(buf), "(?%s) ", nd->file->labels.unknown.v[i]);
		used += put(C_WARNING, buf, max - used);
	}
	for (uint32_t i = 0; i < nd->deps.n && used < max; i++) {
		snprintf(buf, sizeof(buf), "%s%s ", ui->ascii ? "needs:" : "\u21e2", ui->project.graph.nodes[nd->deps.v[i]].id);
		used += put(C_DEPEND, buf, max - used);
	}
	/* a parent or dependency only running the file could tell */
	if (nd->file->down.unknown.n && used < max)
		used += put(C_WARNING, "[parent ?] ", max - used);
	for (size_t i = 0; i < nd->file->deps.unknown.n && used < max; i++) {
		snprintf(buf, sizeof(buf), "%s?%s ", ui->ascii ? "needs:" : "\u21e2", nd->file->deps.unknown.v[i]);
		used += put(C_WARNING, buf, max - used);
	}
	return used;
}

/* A folded run: its lanes, a dotted line where the revisions are, and a count. */
static void draw_folded(struct ui *ui, const struct display_line *dl, int y, int width)
{
	const struct graph *g = &ui->project.graph;
	const uint8_t *cells = ui->layout.cells + ui->layout.cell_off[dl->first];
	uint16_t lane = ui->layout.lane[dl->first];
	char buf[512];
	int used = 0;

	for (uint16_t i = 0; i < ui->layout.n_cells[dl->first] && used + 2 <= width; i++) {
		const char *glyph = i == lane ? (ui->ascii ? ": " : "\u250a ")
				    : (cells[i] & (CELL_UP | CELL_DOWN)) ? (ui->ascii ? "| " : "\u2502 ")
									  : "  ";

		move(y, used);
		used += put(C_GRAPH, glyph, 2);
	}
	snprintf(buf, sizeof(buf), "%s %u revisions (%s %s %s), z unfolds", ui->ascii ? "..." : "\u2026",
		 dl->last - dl->first + 1, g->nodes[ui->layout.node[dl->first]].id,
		 ui->ascii ? "..." : "\u2026", g->nodes[ui->layout.node[dl->last]].id);
	move(y, used);
	put(C_DATE, buf, width - used);
}

/* Draw ID in IDW columns, a "…" at the end when it does not fit. */
static int put_id(struct ui *ui, int role, const char *id, int idw)
{
	int n = (int)strlen(id);

	if (n <= idw)
		return put(role, id, idw);
	put(role, id, idw - 1);
	return put(role, ui->ascii ? "~" : "\u2026", 1) + idw - 1;
}

static void draw_row(struct ui *ui, uint32_t row, int y, int width, int idw, int graph_w)
{
	const struct graph *g = &ui->project.graph;
	uint32_t v = ui->layout.node[row];
	const struct node *nd = &g->nodes[v];
	char buf[1024];
	int used, date_w = 0, cols;
	const char *date = nd->phantom ? NULL : nd->file->doc_create_date.value;

	cols = layout_row_glyphs(&ui->layout, row, ui->ascii, nd->phantom, buf, sizeof(buf));
	move(y, 0);
	used = put(nd->phantom ? C_PHANTOM : C_GRAPH, buf, width < cols ? width : cols);
	used = graph_w > used && graph_w < width ? graph_w : used; /* ids line up */
	if (used < width) {
		const char *m = ui->mark[v] == MARK_ERROR ? (ui->ascii ? "E " : "\u2717 ")
				: ui->mark[v] == MARK_WARNING ? "! " : "  ";

		move(y, used);
		used += put(ui->mark[v] == MARK_ERROR ? C_ERROR : C_WARNING, m, width - used);
	}
	if (used < width) {
		int n;

		move(y, used);
		n = put_id(ui, ui->search && ui_node_matches(ui, v) ? C_MATCH : (nd->phantom ? C_PHANTOM : C_ID),
			   nd->id, (idw < width - used ? idw : width - used));
		used += n;
		for (; n < idw + 1 && used < width; n++, used++)
			addch(' ');
	}
	if (used < width)
		used += draw_markers(ui, nd, width - used);
	if (date && strlen(date) >= 10 && width - used > 24)
		date_w = 11;
	if (!nd->phantom && used < width - date_w) {
		move(y, used);
		used += put(ui->search && ui_node_matches(ui, v) ? C_MATCH : C_NORMAL, nd->file->message,
			    width - used - date_w);
	} else if (nd->phantom && used < width) {
		snprintf(buf, sizeof(buf), "referenced by %u revision%s, no file defines it",
			 nd->children.n + nd->dependants.n, nd->children.n + nd->dependants.n == 1 ? "" : "s");
		used += put(C_PHANTOM, buf, width - used);
	}
	if (date_w) {
		snprintf(buf, sizeof(buf), "%.10s", date);
		move(y, width - 10);
		put(C_DATE, buf, 10);
	}
}

/* Columns the widest graph among the lines on screen needs (at most a third). */
static int graph_width(const struct ui *ui, int height)
{
	uint32_t n = ui_line_count(ui);
	int w = 0;

	for (int i = 0; i < height && ui->top + (uint32_t)i < n; i++) {
		int cols = 2 * ui->layout.n_cells[ui_line(ui, ui->top + (uint32_t)i)->first];

		if (cols > w)
			w = cols;
	}
	return w < COLS / 3 ? w : COLS / 3;
}

void main_view_draw(struct ui *ui, int top, int height)
{
	uint32_t n = ui_line_count(ui);
	int idw = ui->id_w, width = COLS, graph_w;

	if (ui->sel >= n)
		ui->sel = n ? n - 1 : 0;
	if (ui->sel < ui->top)
		ui->top = ui->sel;
	if (height > 0 && ui->sel >= ui->top + (uint32_t)height)
		ui->top = ui->sel - (uint32_t)height + 1;
	graph_w = graph_width(ui, height);
	for (int i = 0; i < height; i++) {
		uint32_t line = ui->top + (uint32_t)i;
		const struct display_line *dl;

		draw_fill(top + i, 0, width);
		if (line >= n)
			continue;
		dl = ui_line(ui, line);
		if (dl->first != dl->last)
			draw_folded(ui, dl, top + i, width);
		else
			draw_row(ui, dl->first, top + i, width, idw, graph_w);
		if (line == ui->sel)
			mvchgat(top + i, 0, -1, A_REVERSE, 0, NULL);
	}
	if (n == 0)
		mvaddstr(top, 0, ui->restrict_spec ? "Nothing in this range (Esc shows everything)."
						   : "No migration files here.");
}

/* Next display line, after SEL in direction DIR, whose first node passes TEST. */
static bool jump(struct ui *ui, int dir, bool (*test)(const struct ui *, uint32_t), const char *what)
{
	uint32_t n = ui_line_count(ui);

	for (uint32_t k = 1; k < n; k++) {
		uint32_t line = dir > 0 ? ui->sel + k : ui->sel + n - k;

		line %= n;
		if (test(ui, ui_line_node(ui, line))) {
			if ((dir > 0 && line < ui->sel) || (dir < 0 && line > ui->sel))
				ui_set_message(ui, false, "search hit %s, continuing at %s",
					       dir > 0 ? "BOTTOM" : "TOP", dir > 0 ? "TOP" : "BOTTOM");
			ui->sel = line;
			return true;
		}
	}
	ui_set_message(ui, true, "no other %s", what);
	return false;
}

static bool is_head(const struct ui *ui, uint32_t v)
{
	return ui->project.graph.nodes[v].is_head && !ui->project.graph.nodes[v].phantom;
}

static bool is_base(const struct ui *ui, uint32_t v)
{
	return ui->project.graph.nodes[v].is_base;
}

static bool has_problem(const struct ui *ui, uint32_t v)
{
	return ui->mark[v] != MARK_NONE;
}

/* z: fold or unfold the run under the cursor. */
static void toggle_fold(struct ui *ui)
{
	const struct display_line *dl = ui_line(ui, ui->sel);
	uint32_t row = dl->first, start = row;

	if (!ui->plain[row]) {
		ui_set_message(ui, false, "nothing to fold here: only long straight runs fold");
		return;
	}
	while (start > 0 && ui->plain[start - 1])
		start--;
	ui->open_at[start] = dl->first != dl->last; /* a folded line opens, an open run folds */
	if (!ui->fold)
		ui->fold = true;
	ui_lines_build(ui);
	ui_select_node(ui, ui->layout.node[row]);
}

/* r: a range typed as history -r takes it; < >: the selection's line. */
static void restrict_request(struct ui *ui, enum request req, uint32_t node)
{
	const char *id = node == NO_NODE ? NULL : ui->project.graph.nodes[node].id;
	char *spec;

	if (req == REQ_RESTRICT_RANGE) {
		spec = ui_prompt(ui, "range LOWER:UPPER (as history -r; empty: everything) ",
				 ui->restrict_spec ? ui->restrict_spec : "");
		if (spec)
			ui_restrict(ui, *spec ? spec : NULL);
		free(spec);
		return;
	}
	if (!id)
		return;
	spec = xasprintf(req == REQ_RESTRICT_ANCESTORS ? ":%s" : "%s:", id);
	ui_restrict(ui, spec);
	free(spec);
}

bool main_view_request(struct ui *ui, enum request req, int key, int height)
{
	uint32_t n = ui_line_count(ui), page = height > 1 ? (uint32_t)height - 1 : 1;
	uint32_t node = n ? ui_line_node(ui, ui->sel) : NO_NODE;

	(void)key;
	if (ui->view == VIEW_DETAIL) /* the history is the top half */
		page = (uint32_t)ui_detail_split(height) > 1 ? (uint32_t)ui_detail_split(height) - 1 : 1;
	switch (req) {
	case REQ_MOVE_DOWN:
		if (ui->sel + 1 < n)
			ui->sel++;
		return true;
	case REQ_MOVE_UP:
		if (ui->sel > 0)
			ui->sel--;
		return true;
	case REQ_PAGE_DOWN:
		ui->sel = ui->sel + page < n ? ui->sel + page : (n ? n - 1 : 0);
		ui->top = ui->top + page < n ? ui->top + page : ui->top;
		return true;
	case REQ_PAGE_UP:
		ui->sel = ui->sel > page ? ui->sel - page : 0;
		ui->top = ui->top > page ? ui->top - page : 0;
		return true;
	case REQ_MOVE_FIRST: ui->sel = 0; return true;
	case REQ_MOVE_LAST: ui->sel = n ? n - 1 : 0; return true;
	case REQ_NEXT_PROBLEM: return jump(ui, 1, has_problem, "revision with a problem"), true;
	case REQ_PREV_PROBLEM: return jump(ui, -1, has_problem, "revision with a problem"), true;
	case REQ_NEXT_HEAD: return jump(ui, 1, is_head, "head"), true;
	case REQ_PREV_HEAD: return jump(ui, -1, is_head, "head"), true;
	case REQ_NEXT_BASE: return jump(ui, 1, is_base, "base"), true;
	case REQ_PREV_BASE: return jump(ui, -1, is_base, "base"), true;
	case REQ_FOLD:
		if (n)
			toggle_fold(ui);
		return true;
	case REQ_FOLD_ALL:
		ui->fold = !ui->fold;
		memset(ui->open_at, 0, ui->layout.n_rows * sizeof(bool));
		ui_lines_build(ui);
		if (node != NO_NODE)
			ui_select_node(ui, node);
		ui_set_message(ui, false, ui->fold ? "long straight runs folded" : "everything unfolded");
		return true;
	case REQ_TOGGLE_ORDER:
		ui->oldest_first = !ui->oldest_first;
		if (node != NO_NODE)
			ui_select_node(ui, node);
		ui_set_message(ui, false, ui->oldest_first ? "oldest first" : "newest first");
		return true;
	case REQ_ENTER:
		if (n && ui->view != VIEW_DETAIL) {
			view_open(ui, VIEW_DETAIL);
			ui->detail_sel = DETAIL_FIRST_LINK;
			ui->detail_top = 0;
		}
		return true;
	case REQ_SEARCH: ui_prompt_search(ui); return true;
	case REQ_FIND_NEXT: ui_search_next(ui, 1); return true;
	case REQ_FIND_PREV: ui_search_next(ui, -1); return true;
	case REQ_RESTRICT_RANGE: case REQ_RESTRICT_ANCESTORS: case REQ_RESTRICT_DESCENDANTS:
		restrict_request(ui, req, node);
		return true;
	case REQ_VIEW_SOURCE: source_view_open(ui, node); return true;
	case REQ_EDIT:
		if (node != NO_NODE)
			ui_edit_file(ui, node);
		return true;
	case REQ_YANK:
		if (node != NO_NODE)
			ui_yank_id(ui, node);
		return true;
	default:
		return false;
	}
}
