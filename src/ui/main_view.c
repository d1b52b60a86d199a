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

/* A revision's branch labels, sorted, as many as fit, read through LABELS:
 * one list for the rows of a screen, which on a labelled line forking at its
 * top hold each another set, the one below the row above's. */
static int draw_labels(const struct ui *ui, const struct node *nd, int max, struct label_list *labels)
{
	int used = 0;
	char buf[256];

	if (!nd->n_labels || max <= 0)
		return 0;
	graph_labels(&ui->project.graph, (uint32_t)(nd - ui->project.graph.nodes), labels);
	for (uint32_t i = 0; i < labels->n && used < max; i++) {
		snprintf(buf, sizeof(buf), "(%s) ", labels->v[i]);
		used += put(C_LABEL, buf, max - used);
	}
	return used;
}

/* The markers after the id: what a user looks for at a glance. */
static int draw_markers(struct ui *ui, const struct node *nd, int max, struct label_list *labels)
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
	if (ui->db_read) { /* where the database is: Alembic's (current), and what it lacks */
		uint32_t v = (uint32_t)(nd - ui->project.graph.nodes);

		if (ui_db_stamp(ui, v))
			used += put(C_APPLIED, "[current] ", max - used);
		else if (ui->ascii && db_state_applied(&ui->db, v)) /* no \u25c9 to tell it */
			used += put(C_APPLIED, "[db] ", max - used);
		else if (ui_db_pending_head(ui, v))
			used += put(C_WARNING, "[pending] ", max - used);
	}
	if (nd->is_head)
		used += put(C_HEAD, "[head] ", max - used);
	if (nd->is_base)
		used += put(C_BASE, "[base] ", max - used);
	if (nd->is_branch_point)
		used += put(C_GRAPH, "[branch] ", max - used);
	if (nd->is_merge_point)
		used += put(C_GRAPH, "[merge] ", max - used);
	used += draw_labels(ui, nd, max - used, labels);
	for (size_t i = 0; i < rf_n_unknown(nd->file, RF_LABELS) && used < max; i++) {
		snprintf(buf, sizeof(buf), "(?%s) ", rf_unknown(nd->file, RF_LABELS, i));
		used += put(C_WARNING, buf, max - used);
	}
	for (uint32_t i = 0; i < nd->deps.n && used < max; i++) {
		snprintf(buf, sizeof(buf), "%s%s ", ui->ascii ? "needs:" : "\u21e2", ui->project.graph.nodes[nd->deps.v[i]].id);
		used += put(C_DEPEND, buf, max - used);
	}
	/* a parent or dependency only running the file could tell */
	if (pv_n_unknown(&nd->file->down) && used < max)
		used += put(C_WARNING, "[parent ?] ", max - used);
	for (size_t i = 0; i < rf_n_unknown(nd->file, RF_DEPS) && used < max; i++) {
		snprintf(buf, sizeof(buf), "%s?%s ", ui->ascii ? "needs:" : "\u21e2", rf_unknown(nd->file, RF_DEPS, i));
		used += put(C_WARNING, buf, max - used);
	}
	return used;
}

/* The colour of lane LANE: a small palette cycling by lane, as tig and
 * `git log --graph --color` colour their lines. The glyphs differ without it. */
static enum color_role lane_role(uint16_t lane)
{
	static const enum color_role palette[] = { C_GRAPH, C_LANE1, C_LANE2, C_LANE3, C_LANE4, C_LANE5 };

	return palette[lane % (sizeof(palette) / sizeof(palette[0]))];
}

/* Columns of graph at least left for a row's mark, id and the start of its
 * message: past them the graph is cut (draw_graph). */
#define TEXT_ROOM 20

/* N graph columns G at the cursor, at most MAX; a missing revision's glyph in
 * the phantom colour, one the database applied as \u25c9 in its own.
 * Returns the columns used. */
static int draw_columns(const struct lane_glyph *g, int n, bool phantom, bool applied, int max)
{
	int used = 0;

	for (int i = 0; i < n && used < max; i++) {
		if (g[i].node && applied && !phantom)
			used += put(C_APPLIED, "\u25c9", max - used);
		else
			used += put(g[i].node && phantom ? C_PHANTOM : lane_role(g[i].lane), g[i].s, max - used);
	}
	return used;
}

/* N graph columns G, at most CAP of them: a graph wider than that (tens of
 * lanes side by side, or a narrow terminal) is cut, "…" where lanes are left
 * out, so that the id and message stay on screen; the revision's own glyph
 * (and the column right of it) is always drawn, after the "…" when it is
 * past the cut. MAX bounds it all (the screen's width). */
static int draw_graph(const struct lane_glyph *g, int n, bool phantom, bool applied, int cap, int max, bool ascii)
{
	int node = 0, keep, used;

	if (n <= cap || cap < 6)
		return draw_columns(g, n, phantom, applied, max);
	while (node < n && !g[node].node)
		node++;
	keep = node < cap - 2 || node == n ? cap - 2 : cap - 5; /* cut lanes, then "…" and the node's two */
	used = draw_columns(g, keep, phantom, applied, max);
	if (used < max)
		used += put(C_DATE, ascii ? "~" : "\u2026", max - used);
	if (node >= keep && node < n && used < max)
		used += draw_columns(g + node, node + 2 <= n ? 2 : 1, phantom, applied, max - used);
	if (used < max)
		used += put(C_DATE, " ", max - used);
	return used;
}

/* The id column: as wide as the longest id (measured once per graph), at most
 * 40% of the width, at least 8; the message takes the rest. */
static int id_column(const struct ui *ui, int width)
{
	int cap = width * 2 / 5;

	if (cap < 8)
		cap = 8;
	return ui->id_w < cap ? ui->id_w : cap;
}

/* Columns a row's graph may take: as many as leave TEXT_ROOM after the
 * mark and id, at least a third of the screen. */
static int graph_cap(int width, int idw)
{
	int cap = width - idw - 3 - TEXT_ROOM;

	return cap > width / 3 ? cap : width / 3;
}

/* A folded run: its lanes, a dotted line where the revisions are, and a count. */
static void draw_folded(struct ui *ui, const struct display_line *dl, int y, int width,
			struct lane_glyph *lg)
{
	const struct graph *g = &ui->project.graph;
	int n = layout_fold_symbols(&ui->layout, dl, ui->ascii, lg), used;
	char buf[512];

	move(y, 0);
	used = draw_graph(lg, n, false, false, graph_cap(width, id_column(ui, width)), width, ui->ascii);
	/* no stamp folds: a run is applied or pending as a whole */
	snprintf(buf, sizeof(buf), "%s %u revisions (%s %s %s)%s, z unfolds", ui->ascii ? "..." : "\u2026",
		 dl->last - dl->first + 1, g->nodes[ui->layout.node[dl->first]].id,
		 ui->ascii ? "..." : "\u2026", g->nodes[ui->layout.node[dl->last]].id,
		 !ui->db_read ? "" : db_state_applied(&ui->db, ui->layout.node[dl->first]) ? ", applied" : ", pending");
	move(y, used);
	put(C_DATE, buf, width - used);
}

/* Draw ID in IDW columns, a "…" at the end when it does not fit. */
static int put_id(struct ui *ui, int role, const char *id, int idw)
{
	int n = draw_width(id);

	if (n <= idw)
		return put(role, id, idw);
	if (idw < 1)
		return 0;
	n = put(role, id, idw - 1);
	return put(role, ui->ascii ? "~" : "\u2026", 1) + n;
}

static const char *mark_glyph(const struct ui *ui, uint32_t v)
{
	if (ui->mark[v] == MARK_ERROR)
		return ui->ascii ? "E " : "\u2717 ";
	return ui->mark[v] == MARK_WARNING ? "! " : "  ";
}

/* A missing revision's id is the very text to type (in `c` or a fix): it is
 * never cut to fit the column; the text after it is. */
static int phantom_id_width(const char *id, int idw, int room)
{
	int n = draw_width(id);

	n = n > idw ? n : idw;
	return n < room ? n : room;
}

static void draw_row(struct ui *ui, uint32_t row, int y, int width, int idw, int graph_w,
		     struct lane_glyph *lg, struct label_list *labels)
{
	const struct graph *g = &ui->project.graph;
	uint32_t v = ui->layout.node[row];
	const struct node *nd = &g->nodes[v];
	char buf[1024];
	int used, date_w = 0, cols;
	const char *date = nd->phantom ? NULL : nd->file->doc_create_date.value;

	cols = layout_row_symbols(&ui->layout, row, ui->ascii, lg);
	move(y, 0);
	used = draw_graph(lg, cols, nd->phantom, !ui->ascii && db_state_applied(&ui->db, v), graph_cap(width, idw),
			  width, ui->ascii);
	used = graph_w > used && graph_w < width ? graph_w : used; /* ids line up */
	if (used < width) {
		move(y, used);
		used += put(ui->mark[v] == MARK_ERROR ? C_ERROR : C_WARNING, mark_glyph(ui, v), width - used);
	}
	if (used < width) {
		int n, w = nd->phantom ? phantom_id_width(nd->id, idw, width - used) : idw;

		move(y, used);
		n = put_id(ui, ui->search && ui_node_matches(ui, v) ? C_MATCH : (nd->phantom ? C_PHANTOM : C_ID),
			   nd->id, (w < width - used ? w : width - used));
		used += n;
		for (; n < w + 1 && used < width; n++, used++)
			addch(' ');
	}
	if (used < width)
		used += draw_markers(ui, nd, width - used, labels);
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

/* Whether a rule goes above screen line LINE: the line before it shows another
 * piece of the history. A rule, not a blank line: a blank reads as the end of
 * the list, and tig-like lists separate sections with a line. */
static bool rule_above(const struct ui *ui, uint32_t line)
{
	if (line == 0 || line >= ui_line_count(ui))
		return false;
	return ui->layout.piece[ui_line(ui, line - 1)->first] != ui->layout.piece[ui_line(ui, line)->first];
}

/* The rule above LINE: dashes under the graph and marks, then which piece. */
static void draw_rule(const struct ui *ui, uint32_t line, int y, int width, int graph_w)
{
	char buf[64];
	int used = 0;

	move(y, 0);
	for (; used < width && used < graph_w + 2; used++)
		put(C_DATE, ui->ascii ? "-" : "\u254c", 1);
	snprintf(buf, sizeof(buf), " unconnected piece %u of %u", ui->layout.piece[ui_line(ui, line)->first] + 1,
		 ui->layout.n_pieces);
	if (used < width)
		put(C_DATE, buf, width - used);
}

/* Screen rows that display lines FROM..TO take, rules between them included. */
static uint32_t rows_between(const struct ui *ui, uint32_t from, uint32_t to)
{
	uint32_t rows = to - from + 1;

	for (uint32_t k = from + 1; k <= to; k++)
		rows += rule_above(ui, k);
	return rows;
}

bool main_view_line_at(const struct ui *ui, int y, uint32_t *line)
{
	uint32_t n = ui_line_count(ui);
	int row = 0;

	y -= ui->db_pinned; /* the unknown stamps above the lines */
	for (uint32_t k = ui->top; k < n && row <= y; k++, row++) {
		if (k > ui->top && rule_above(ui, k) && row++ == y)
			return false; /* a rule */
		if (row == y) {
			*line = k;
			return true;
		}
	}
	return false;
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
	uint32_t n = ui_line_count(ui), line = 0, mark_lo, mark_hi;
	int width = COLS, idw = id_column(ui, width), graph_w, pinned = ui_db_pinned_rows(ui, height);
	bool marked = mark_rows(ui, &mark_lo, &mark_hi);
	struct lane_glyph *lg = xmalloc((2 * (size_t)ui->layout.max_lanes + 2) * sizeof(*lg));
	struct label_list labels = { 0 };

	ui->db_pinned = pinned;
	top += pinned;
	height -= pinned;
	if (ui->sel >= n)
		ui->sel = n ? n - 1 : 0;
	if (ui->sel < ui->top)
		ui->top = ui->sel;
	if (height > 0 && ui->sel >= ui->top + (uint32_t)height)
		ui->top = ui->sel - (uint32_t)height + 1;
	while (height > 0 && ui->top < ui->sel && rows_between(ui, ui->top, ui->sel) > (uint32_t)height)
		ui->top++; /* rules take rows too */
	graph_w = graph_width(ui, height);
	if (pinned)
		ui_db_draw_pinned(ui, top - pinned, pinned, width, graph_w, idw);
	line = ui->top;
	for (int i = 0; i < height; i++, line++) {
		const struct display_line *dl;

		draw_fill(top + i, 0, width);
		if (line >= n)
			continue;
		if (line > ui->top && rule_above(ui, line)) {
			draw_rule(ui, line, top + i, width, graph_w);
			if (++i == height)
				break;
			draw_fill(top + i, 0, width);
		}
		dl = ui_line(ui, line);
		if (dl->first != dl->last)
			draw_folded(ui, dl, top + i, width, lg);
		else
			draw_row(ui, dl->first, top + i, width, idw, graph_w, lg, &labels);
		if (line != ui->sel && marked && dl->first <= mark_hi && dl->last >= mark_lo) {
			int a = draw_attr(C_MARKED);

			mvchgat(top + i, 0, -1, (attr_t)(a & ~A_COLOR), (short)PAIR_NUMBER(a), NULL);
		}
		if (line == ui->sel)
			mvchgat(top + i, 0, -1, A_REVERSE, 0, NULL);
	}
	if (n == 0)
		mvaddstr(top, 0, ui->restrict_spec ? "Nothing in this range (Esc shows everything)."
						   : "No migration files here.");
	free(lg);
	label_list_free(&labels);
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
	uint32_t row = dl->first;

	if (!ui->plain[row]) {
		ui_set_message(ui, false, "nothing to fold here: only long straight runs fold");
		return;
	}
	/* a folded line opens, an open run folds */
	ui->open_at[display_run_first(&ui->layout, ui->plain, row)] = dl->first != dl->last;
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
	if (page > (uint32_t)ui->db_pinned + 1) /* the unknown stamps take rows of it */
		page -= (uint32_t)ui->db_pinned;
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
		ui->rows_gen++;
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
	case REQ_MARK: case REQ_ORDER_BY_DATE: case REQ_VIEW_BACK:
		return mark_request(ui, req);
	default:
		return false;
	}
}
