/* lines.c - the lines of the history view: the display (single rows and folded
 * runs) in the order asked, less what a restriction hides.
 *
 * A restriction is the explorer's twin of `history -r LOWER:UPPER`: the range is
 * kept as text and computed again after every edit, so it follows the history
 * the user is changing instead of a list of nodes that may be gone. The layout
 * is not rebuilt for it: the lanes stay where the whole history puts them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/range.h"
#include "migtree/ui.h"

#define FOLD_MIN_RUN 20

static bool line_shown(const struct ui *ui, const struct display_line *dl)
{
	if (!ui->restrict_mask)
		return true;
	for (uint32_t r = dl->first; r <= dl->last; r++)
		if (ui->restrict_mask[ui->layout.node[r]])
			return true;
	return false;
}

void ui_lines_build(struct ui *ui)
{
	display_build_upto(&ui->display, &ui->layout, ui->plain, ui->fold ? FOLD_MIN_RUN : UINT32_MAX, ui->open_at,
			   ui->settle.pending ? ui->settle.rows : ui->layout.n_rows); /* ui_settle: the rest */
	free(ui->vis);
	ui->vis = NULL;
	ui->n_vis = ui->display.n;
	if (!ui->restrict_mask)
		return; /* every line: no list of them (80,000 at 100,000 revisions an edit) */
	ui->vis = xmalloc((ui->display.n ? ui->display.n : 1) * sizeof(uint32_t));
	ui->n_vis = 0;
	for (uint32_t i = 0; i < ui->display.n; i++)
		if (line_shown(ui, &ui->display.v[i]))
			ui->vis[ui->n_vis++] = i;
}

uint32_t ui_line_count(const struct ui *ui)
{
	return ui->n_vis;
}

const struct display_line *ui_line(const struct ui *ui, uint32_t line)
{
	uint32_t at = ui->oldest_first ? ui->n_vis - 1 - line : line;

	return &ui->display.v[ui->vis ? ui->vis[at] : at];
}

uint32_t ui_line_node(const struct ui *ui, uint32_t line)
{
	return ui->layout.node[ui_line(ui, line)->first];
}

/* The visible position of display index IDX, UINT32_MAX when hidden. */
static uint32_t visible_at(const struct ui *ui, uint32_t idx)
{
	uint32_t lo = ui->vis ? u32_lower_bound(ui->vis, ui->n_vis, idx) : idx; /* no list: every line */
	if (lo >= ui->n_vis || (ui->vis && ui->vis[lo] != idx))
		return UINT32_MAX;
	return ui->oldest_first ? ui->n_vis - 1 - lo : lo;
}

uint32_t ui_line_of_node(struct ui *ui, uint32_t node)
{
	uint32_t row = ui->layout.row_of[node], idx = display_find(&ui->display, row);
	const struct display_line *dl = &ui->display.v[idx];

	if (dl->first != dl->last && dl->first != row) { /* inside a fold: open it */
		ui->open_at[dl->first] = true;
		ui_lines_build(ui);
		idx = display_find(&ui->display, row);
	}
	return visible_at(ui, idx);
}

void ui_select_node(struct ui *ui, uint32_t node)
{
	uint32_t line = ui_line_of_node(ui, node);

	if (line == UINT32_MAX) { /* the user asked for it: show it */
		ui_restrict(ui, NULL);
		ui_set_message(ui, false, "restriction cleared to show %s", ui->project.graph.nodes[node].id);
		line = ui_line_of_node(ui, node);
	}
	ui->sel = line == UINT32_MAX ? 0 : line;
}

/* The mask of SPEC, or -1 with ERR when the range cannot be read in this history. */
static int mask_of(const struct ui *ui, const char *spec, bool **mask, struct mt_error *err)
{
	const struct graph *g = &ui->project.graph;
	char *lower = NULL, *upper = NULL;
	struct u32vec in = { 0 };
	int rc = range_parse(spec, &lower, &upper, err);

	if (!rc)
		rc = history_range(g, lower, upper, &in, err);
	if (!rc) {
		*mask = xcalloc(g->n ? g->n : 1, sizeof(bool));
		for (uint32_t i = 0; i < in.n; i++)
			(*mask)[in.v[i]] = true;
	}
	free(lower);
	free(upper);
	free(in.v);
	return rc;
}

void ui_restrict_derive(struct ui *ui)
{
	struct mt_error err = { 0 };

	free(ui->restrict_mask);
	ui->restrict_mask = NULL;
	ui->rows_gen++;
	if (ui->restrict_spec && mask_of(ui, ui->restrict_spec, &ui->restrict_mask, &err)) {
		ui_set_message(ui, true, "restriction %s dropped: %s", ui->restrict_spec, err.message);
		free(ui->restrict_spec);
		ui->restrict_spec = NULL;
	}
}

int ui_restrict(struct ui *ui, const char *spec)
{
	uint32_t keep = ui_line_count(ui) ? ui_line_node(ui, ui->sel) : NO_NODE;
	struct mt_error err = { 0 };
	bool *mask = NULL;

	if (spec && mask_of(ui, spec, &mask, &err)) {
		ui_set_message(ui, true, "cannot restrict to %s: %s", spec, err.message);
		return -1;
	}
	free(ui->restrict_mask);
	free(ui->restrict_spec);
	ui->rows_gen++;
	ui->restrict_mask = mask;
	ui->restrict_spec = spec ? xstrdup(spec) : NULL;
	ui_lines_build(ui);
	ui->sel = ui->top = 0;
	if (keep != NO_NODE && (!mask || mask[keep])) {
		uint32_t line = ui_line_of_node(ui, keep);

		ui->sel = line == UINT32_MAX ? 0 : line;
	}
	if (spec)
		ui_set_message(ui, false, "showing %s: %u line%s (r Enter or Esc shows everything)", spec,
			       ui_line_count(ui), ui_line_count(ui) == 1 ? "" : "s");
	else
		ui_set_message(ui, false, "showing everything");
	return 0;
}
