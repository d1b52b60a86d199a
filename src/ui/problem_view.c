/* problem_view.c - every problem of `check`, errors first; Enter goes to the
 * revision in the main view. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ui.h"

/* Problems are sorted errors first (analyze_graph); screen lines add two headers. */
static size_t screen_lines(const struct ui *ui, size_t *errors)
{
	*errors = problem_count(&ui->project.graph.problems, SEVERITY_ERROR);
	return ui->project.graph.problems.n + 2;
}

/* Problem index of screen line L, or -1 for a header. */
static long problem_at(size_t l, size_t errors)
{
	if (l == 0 || l == errors + 1)
		return -1;
	return (long)(l <= errors ? l - 1 : l - 2);
}

void problem_view_draw(struct ui *ui, int top, int height)
{
	const struct problem_list *pl = &ui->project.graph.problems;
	size_t errors, n = screen_lines(ui, &errors);
	char buf[2048];

	if (!pl->n) {
		mvaddstr(top, 0, "No problems: Alembic can load this history and nothing looks wrong.");
		return;
	}
	if (ui->prob_sel >= pl->n)
		ui->prob_sel = (uint32_t)pl->n - 1;
	{
		size_t sel_line = ui->prob_sel < errors ? ui->prob_sel + 1 : ui->prob_sel + 2;

		if (sel_line < ui->prob_top)
			ui->prob_top = (uint32_t)(sel_line > 0 && problem_at(sel_line - 1, errors) < 0 ? sel_line - 1 : sel_line);
		if (height > 0 && sel_line >= ui->prob_top + (size_t)height)
			ui->prob_top = (uint32_t)(sel_line - (size_t)height + 1);
		for (int i = 0; i < height && ui->prob_top + (size_t)i < n; i++) {
			size_t l = ui->prob_top + (size_t)i;
			long k = problem_at(l, errors);

			move(top + i, 0);
			if (k < 0) {
				snprintf(buf, sizeof(buf), "%s (%zu)", l == 0 ? "Errors" : "Warnings",
					 l == 0 ? errors : pl->n - errors);
				attron(draw_attr(C_GRAPH) | A_BOLD);
				draw_text(buf, COLS);
				attroff(draw_attr(C_GRAPH) | A_BOLD);
				continue;
			}
			snprintf(buf, sizeof(buf), "  %s:%d: ", pl->v[k].path ? pl->v[k].path : "", pl->v[k].line);
			draw_text(buf, COLS);
			attron(draw_attr(l <= errors ? C_ERROR : C_WARNING));
			draw_text(problem_kind_name(pl->v[k].kind), COLS - getcurx(stdscr));
			attroff(draw_attr(l <= errors ? C_ERROR : C_WARNING));
			snprintf(buf, sizeof(buf), ": %s", pl->v[k].message);
			draw_text(buf, COLS - getcurx(stdscr));
			if (l == sel_line)
				mvchgat(top + i, 0, -1, A_REVERSE, 0, NULL);
		}
	}
}

bool problem_view_key(struct ui *ui, int key, int height)
{
	const struct problem_list *pl = &ui->project.graph.problems;
	uint32_t page = height > 1 ? (uint32_t)height - 1 : 1;
	uint32_t last = pl->n ? (uint32_t)pl->n - 1 : 0;
	uint32_t v;

	switch (key) {
	case 'j': case KEY_DOWN:
		ui->prob_sel = ui->prob_sel < last ? ui->prob_sel + 1 : last;
		return true;
	case 'k': case KEY_UP:
		ui->prob_sel = ui->prob_sel ? ui->prob_sel - 1 : 0;
		return true;
	case KEY_NPAGE: case ' ':
		ui->prob_sel = ui->prob_sel + page < last ? ui->prob_sel + page : last;
		return true;
	case KEY_PPAGE: case 'b':
		ui->prob_sel = ui->prob_sel > page ? ui->prob_sel - page : 0;
		return true;
	case 'g': case KEY_HOME:
		ui->prob_sel = 0;
		return true;
	case 'G': case KEY_END:
		ui->prob_sel = last;
		return true;
	case 'p':
		ui->view = VIEW_MAIN;
		return true;
	case '\n': case '\r': case KEY_ENTER:
		if (!pl->n)
			return true;
		v = pl->v[ui->prob_sel].revision ? graph_find(&ui->project.graph, pl->v[ui->prob_sel].revision)
						 : NO_NODE;
		if (v == NO_NODE) {
			ui_set_message(ui, true, "this problem is about a file that is not in the graph: %s",
				       pl->v[ui->prob_sel].path ? pl->v[ui->prob_sel].path : "");
			return true;
		}
		ui_select_node(ui, v);
		ui->view = VIEW_MAIN;
		return true;
	}
	return false;
}
