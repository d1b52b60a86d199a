/* problem_view.c - every problem of `check`, errors first, each followed by its
 * fixes. Enter on a problem goes to its revision; on a fix, applies it (asks).
 *
 * One problem, one line: long ones scroll sideways (← →, as htop's list) and
 * carry » where they go on, so the list stays a list and nothing is cut unseen. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ui.h"

enum pline_kind { PL_HEADER, PL_PROBLEM, PL_FIX };

struct pline {
	enum pline_kind kind;
	size_t problem, fix;
};

/* The screen lines: a header per severity, each problem, its fixes. Problems are
 * sorted errors first (analyze_graph). */
static struct pline *lines_of(const struct ui *ui, size_t *n, size_t *selectable)
{
	const struct problem_list *pl = &ui->project.graph.problems;
	size_t errors = problem_count(pl, SEVERITY_ERROR), cap = 0;
	struct pline *v = NULL;

	*n = *selectable = 0;
	for (size_t i = 0; i < pl->n; i++) {
		if (i == 0 || i == errors) {
			GROW(v, cap, *n + 1);
			v[(*n)++] = (struct pline){ PL_HEADER, i, 0 };
		}
		GROW(v, cap, *n + 1 + fix_count(&pl->v[i]));
		v[(*n)++] = (struct pline){ PL_PROBLEM, i, 0 };
		for (size_t k = 0; k < fix_count(&pl->v[i]); k++)
			v[(*n)++] = (struct pline){ PL_FIX, i, k };
		*selectable += 1 + fix_count(&pl->v[i]);
	}
	return v;
}

/* The screen line of the selection (clamped to the selectable ones). */
static size_t sel_line(struct ui *ui, const struct pline *v, size_t n, size_t selectable)
{
	size_t k = 0;

	if (selectable && ui->prob_sel >= selectable)
		ui->prob_sel = (uint32_t)selectable - 1;
	for (size_t i = 0; i < n; i++)
		if (v[i].kind != PL_HEADER && k++ == ui->prob_sel)
			return i;
	return n;
}

long problem_view_selected(const struct ui *ui)
{
	size_t n, selectable, at;
	struct pline *v = lines_of(ui, &n, &selectable);
	long k;

	at = sel_line((struct ui *)ui, v, n, selectable);
	k = at < n ? (long)v[at].problem : -1;
	free(v);
	return k;
}

static char *text_of(const struct ui *ui, const struct pline *l, size_t errors)
{
	const struct problem_list *pl = &ui->project.graph.problems;
	const struct problem *p = &pl->v[l->problem];

	switch (l->kind) {
	case PL_HEADER:
		return l->problem == 0 && errors ? xasprintf("Errors (%zu)", errors)
						 : xasprintf("Warnings (%zu)", pl->n - errors);
	case PL_FIX:
		return fix_line_text(p, l->fix);
	case PL_PROBLEM:
		break;
	}
	return xasprintf("  %s:%d: %s: %s", p->path ? p->path : "", p->line, problem_kind_name(p->kind), p->message);
}

static int role_of(const struct ui *ui, const struct pline *l)
{
	if (l->kind == PL_HEADER)
		return C_GRAPH;
	if (l->kind == PL_FIX)
		return C_NORMAL;
	return problem_severity(ui->project.graph.problems.v[l->problem].kind) == SEVERITY_ERROR ? C_ERROR
												 : C_WARNING;
}

/* A problem line in three runs (where, what kind, the message), scrolled LEFT
 * columns; true when it goes on past the edge. */
static bool draw_problem(const struct problem *p, int left, int role)
{
	char *where = xasprintf("  %s:%d: ", p->path ? p->path : "", p->line), *msg = xasprintf(": %s", p->message);
	const char *part[3] = { where, problem_kind_name(p->kind), msg };
	int at = 0, used = 0;
	bool cut = false;

	for (int i = 0; i < 3 && !cut; i++) {
		int w = draw_width(part[i]), skip = left > at ? left - at : 0;

		if (skip < w) {
			attron(draw_attr(i == 1 ? role : C_NORMAL));
			used += draw_text_clip(part[i], skip, COLS - used, &cut);
			attroff(draw_attr(i == 1 ? role : C_NORMAL));
		}
		at += w;
	}
	free(where);
	free(msg);
	return cut;
}

/* The list shows every problem's fixes: the suggestions left for later first. */
void problem_view_draw(struct ui *ui, int top, int height)
{
	const struct problem_list *pl = &ui->project.graph.problems;
	size_t errors = problem_count(pl, SEVERITY_ERROR), n, selectable, sel;
	struct pline *v;

	edit_suggest(&ui->edit, NULL);
	edit_finish_messages(&ui->edit, NULL);

	if (!pl->n) {
		mvaddstr(top, 0, "No problems: Alembic can load this history and nothing looks wrong.");
		return;
	}
	v = lines_of(ui, &n, &selectable);
	sel = sel_line(ui, v, n, selectable);
	if (sel < ui->prob_top) /* a header right above stays in sight */
		ui->prob_top = (uint32_t)(sel > 0 && v[sel - 1].kind == PL_HEADER ? sel - 1 : sel);
	if (height > 0 && sel >= ui->prob_top + (size_t)height)
		ui->prob_top = (uint32_t)(sel - (size_t)height + 1);
	for (int i = 0; i < height && ui->prob_top + (size_t)i < n; i++) {
		size_t l = ui->prob_top + (size_t)i;
		char *text = text_of(ui, &v[l], errors);
		int role = role_of(ui, &v[l]);
		bool cut;

		move(top + i, 0);
		if (v[l].kind == PL_PROBLEM) {
			cut = draw_problem(&pl->v[v[l].problem], (int)ui->prob_left, role);
		} else {
			attron(draw_attr(role) | (v[l].kind == PL_HEADER ? A_BOLD : 0));
			draw_text_clip(text, v[l].kind == PL_HEADER ? 0 : (int)ui->prob_left, COLS, &cut);
			attroff(draw_attr(role) | (v[l].kind == PL_HEADER ? A_BOLD : 0));
		}
		if (v[l].kind != PL_HEADER && (cut || ui->prob_left))
			draw_more(ui, top + i, ui->prob_left > 0, cut);
		if (l == sel)
			mvchgat(top + i, 0, -1, A_REVERSE, 0, NULL);
		free(text);
	}
	free(v);
}

static void enter(struct ui *ui, const struct pline *l)
{
	const struct problem *p = &ui->project.graph.problems.v[l->problem];
	uint32_t v;

	if (l->kind == PL_FIX) {
		fix_ask(ui, p, l->fix);
		return;
	}
	v = p->revision ? graph_find(&ui->project.graph, p->revision) : NO_NODE;
	if (v == NO_NODE) {
		ui_set_message(ui, true, "this problem is about a file that is not in the graph: %s",
			       p->path ? p->path : "");
		return;
	}
	view_close(ui);
	ui_select_node(ui, v);
}

bool problem_view_request(struct ui *ui, enum request req, int key, int height)
{
	size_t n, selectable, sel;
	struct pline *v = (edit_suggest(&ui->edit, NULL), edit_finish_messages(&ui->edit, NULL),
			   lines_of(ui, &n, &selectable));
	uint32_t page = height > 2 ? (uint32_t)height - 2 : 1;
	uint32_t last = selectable ? (uint32_t)selectable - 1 : 0;
	bool done = true;

	(void)key;
	switch (req) {
	case REQ_MOVE_DOWN: ui->prob_sel = ui->prob_sel < last ? ui->prob_sel + 1 : last; break;
	case REQ_MOVE_UP: ui->prob_sel = ui->prob_sel ? ui->prob_sel - 1 : 0; break;
	case REQ_PAGE_DOWN: ui->prob_sel = ui->prob_sel + page < last ? ui->prob_sel + page : last; break;
	case REQ_PAGE_UP: ui->prob_sel = ui->prob_sel > page ? ui->prob_sel - page : 0; break;
	case REQ_MOVE_FIRST: ui->prob_sel = 0; break;
	case REQ_MOVE_LAST: ui->prob_sel = last; break;
	case REQ_SCROLL_RIGHT: ui->prob_left += (uint32_t)(COLS / 2); break;
	case REQ_SCROLL_LEFT:
		ui->prob_left = ui->prob_left > (uint32_t)(COLS / 2) ? ui->prob_left - (uint32_t)(COLS / 2) : 0;
		break;
	case REQ_ENTER:
		sel = sel_line(ui, v, n, selectable);
		if (sel < n)
			enter(ui, &v[sel]);
		break;
	default:
		done = false;
	}
	free(v);
	return done;
}
