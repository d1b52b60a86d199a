/* mark_view.c - marking a run in the history and ordering it by Create Date.
 *
 * As lazygit's range selection: v at one end starts a mark, the rows between
 * it and the cursor are highlighted as the cursor moves, v at the other end
 * ends it; Esc clears it. O re-links the marked run in Create Date order
 * (bydate.h): the change is made first, its diff shown in the question, and
 * only y applies it, as one step that u undoes. The ends are kept as ids, so
 * a mark survives other edits, undo and reload while its revisions exist. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/bydate.h"
#include "migtree/ui.h"

void mark_clear(struct ui *ui)
{
	free(ui->marked.anchor);
	free(ui->marked.end);
	free(ui->marked.order);
	memset(&ui->marked, 0, sizeof(ui->marked));
}

/* The node of the mark's end ID, or of the cursor for an open end (NULL). */
static uint32_t end_node(const struct ui *ui, const char *id)
{
	if (!id)
		return ui_line_count(ui) ? ui_line_node(ui, ui->sel) : NO_NODE;
	return graph_find(&ui->project.graph, id);
}

bool mark_rows(const struct ui *ui, uint32_t *lo, uint32_t *hi)
{
	uint32_t a, b;

	if (!ui->marked.anchor)
		return false;
	a = end_node(ui, ui->marked.anchor);
	b = end_node(ui, ui->marked.end);
	if (a == NO_NODE || b == NO_NODE)
		return false; /* a revision the mark named is gone */
	a = ui->layout.row_of[a];
	b = ui->layout.row_of[b];
	*lo = a < b ? a : b;
	*hi = a < b ? b : a;
	return true;
}

/* v: start a mark at the cursor, or end the open one there. */
static void mark_toggle(struct ui *ui)
{
	uint32_t lo, hi;
	char *here = ui_selected_id(ui);

	if (!here)
		return;
	if (ui->marked.anchor && !ui->marked.end) {
		ui->marked.end = here;
		mark_rows(ui, &lo, &hi);
		ui_set_message(ui, false, "marked %u revisions, %s to %s: O orders them by Create Date, Esc clears",
			       hi - lo + 1, ui->marked.anchor, ui->marked.end);
		return;
	}
	mark_clear(ui); /* a mark ended: v starts another */
	ui->marked.anchor = here;
	ui_set_message(ui, false, "marking from %s: move to the other end and press v (Esc clears)", here);
}

/* One line a link: "rev: old parents -> new parents", what the diff says at
 * length (it may not fit under the question; D shows it all once applied). */
static void link_lines(struct ui *ui, const struct bydate_plan *pl)
{
	const struct graph *g = &ui->project.graph;

	for (size_t i = 0; i < pl->n_links; i++) {
		const struct strlist *old = &g->nodes[graph_find(g, pl->links[i].rev)].file->down.ids;
		char *from, *to;

		if (sl_equal(old, pl->links[i].parents))
			continue;
		from = old->n ? sl_join(old, ", ") : xstrdup("None");
		to = pl->links[i].parents->n ? sl_join(pl->links[i].parents, ", ") : xstrdup("None");
		sl_push_owned(&ui->confirm.lines, xasprintf("  %s: %s %s %s", pl->links[i].rev, from,
							    ui->ascii ? "->" : "\u2192", to));
		free(from);
		free(to);
	}
	sl_push(&ui->confirm.lines, "");
}

/* Where the revisions IDS are guarded, as the question says it (owned): on
 * the ref, in the database, or either (a list may hold both). */
static char *guarded_where(struct ui *ui, const struct strlist *ids)
{
	bool applied = false, published = false;

	for (size_t i = 0; i < ids->n; i++) {
		const struct node *nd = &ui->project.graph.nodes[graph_find(&ui->project.graph, ids->v[i])];

		if (published_applied(&ui->published, nd->file))
			applied = true;
		else
			published = true;
	}
	if (!applied)
		return xasprintf("published on %s", ui->published.ref);
	if (!published)
		return xasprintf("applied in %s", ui->published.db);
	return xasprintf("published on %s or applied in %s", ui->published.ref, ui->published.db);
}

/* The question of O: the change made (not applied), link by link then as a
 * diff, and what is published among the revisions it re-parents. */
static void ask_order(struct ui *ui, const struct bydate_plan *pl, struct edit_step *st)
{
	struct strlist pub = { 0 };
	char *diff = edit_step_diff(st), *line, *next, *warn = NULL;

	bydate_published(pl, &ui->project.graph, &ui->published, &pub);
	if (pub.n) {
		char *list = sl_join(&pub, ", "), *where = guarded_where(ui, &pub);

		warn = xasprintf(" %s %s %s: databases that already ran %s would be stranded by new parents.", list,
				 pub.n == 1 ? "is" : "are", where, pub.n == 1 ? "it" : "them");
		free(where);
		free(list);
	}
	confirm_open(ui, CONFIRM_ORDER, xasprintf("Order %u revisions by Create Date, oldest first: %s?%s y/n",
						  pl->run.n, ui->marked.order, warn ? warn : ""));
	ui->confirm.step = st;
	link_lines(ui, pl);
	for (line = diff; *line; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		sl_push_owned(&ui->confirm.lines, xstrndup(line, (size_t)(next - line - (next[-1] == '\n'))));
	}
	free(diff);
	free(warn);
	sl_free(&pub);
}

/* O: plan the marked run, make the change, ask. */
static void order_marked(struct ui *ui)
{
	const struct graph *g = &ui->project.graph;
	uint32_t a = NO_NODE, b = NO_NODE, lo, hi;
	struct bydate_plan pl;
	struct mt_error err = { 0 };
	struct edit_step *st = NULL;
	char why[sizeof(err.message) + sizeof(err.path) + 8];
	int rc;

	if (ui->review) {
		ui_set_message(ui, true, "review mode shows a merge that is not made: nothing in it can be re-ordered");
		return;
	}
	if (!mark_rows(ui, &lo, &hi)) {
		ui_set_message(ui, true, "mark a run first: v at one end, v at the other, then O");
		return;
	}
	a = ui->layout.node[hi]; /* the layout lists the newest first: the oldest end is below */
	b = ui->layout.node[lo];
	rc = bydate_plan(g, a, b, &pl, &err);
	if (!rc && !(st = edit_relink_prepare(&ui->edit, pl.links, pl.n_links, true, &err))) {
		bydate_plan_free(&pl);
		rc = -1;
	}
	if (rc) {
		mt_error_format(&err, why, sizeof(why));
		ui_set_message(ui, rc < 0, "%s%s", rc < 0 ? "cannot order: " : "", why);
		return;
	}
	free(ui->marked.order);
	ui->marked.order = bydate_order_text(&pl, g);
	ask_order(ui, &pl, st);
	bydate_plan_free(&pl);
}

void mark_order_confirmed(struct ui *ui)
{
	struct edit_step *st = ui->confirm.step;
	struct mt_error err = { 0 };
	char *keep = ui_selected_id(ui), why[sizeof(err.message) + sizeof(err.path) + 8];

	ui->confirm.step = NULL; /* the commit takes it */
	if (edit_step_commit(&ui->edit, st, &err)) {
		mt_error_format(&err, why, sizeof(why));
		ui_set_message(ui, true, "refused: %s", why);
	} else {
		char *order = ui->marked.order;

		ui->marked.order = NULL;
		mark_clear(ui); /* the run is done */
		ui_after_edit(ui, keep);
		ui_set_message(ui, false, "ordered by Create Date: %s (u undoes, D shows the diff, w saves)", order);
		free(order);
	}
	free(keep);
}

bool mark_request(struct ui *ui, enum request req)
{
	switch (req) {
	case REQ_MARK:
		mark_toggle(ui);
		return true;
	case REQ_ORDER_BY_DATE:
		order_marked(ui);
		return true;
	case REQ_VIEW_BACK: /* Esc in the history clears the mark first */
		if (ui->view != VIEW_MAIN || !ui->marked.anchor)
			return false;
		mark_clear(ui);
		ui_set_message(ui, false, "marks cleared");
		return true;
	default:
		return false;
	}
}
