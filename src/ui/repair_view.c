/* repair_view.c - the explorer's repairs: the candidate picker (e, a, c, M), the
 * diff of pending changes (D) and the confirmations (w, q, R, published
 * revisions). Every change goes through the edit session of the core. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migtree/save.h"
#include "migtree/ui.h"

/* ---- after a change ------------------------------------------------------- */

void ui_after_edit(struct ui *ui, const char *node_id)
{
	char *keep = node_id ? xstrdup(node_id) : NULL;
	uint32_t v;

	ui_underive(ui);
	ui_derive(ui);
	ui->sel = 0;
	if (keep && (v = graph_find(&ui->project.graph, keep)) != NO_NODE)
		ui_select_node(ui, v);
	free(keep);
}

/* An error in the status bar: PREFIX, then path:line: message. */
static void error_message(struct ui *ui, const char *prefix, const struct mt_error *err)
{
	char buf[sizeof(err->message) + sizeof(err->path) + 8];

	mt_error_format(err, buf, sizeof(buf));
	ui_set_message(ui, true, "%s%s", prefix, buf);
}

static void report(struct ui *ui, int rc, const struct mt_error *err, const char *done)
{
	if (rc) {
		error_message(ui, "refused: ", err);
	} else {
		ui_set_message(ui, false, "%s (u undoes, D shows the diff, w saves)", done);
	}
}

static bool is_published(const struct ui *ui, uint32_t rev)
{
	return published_has(&ui->published, ui->project.graph.nodes[rev].file);
}

void ui_retarget(struct ui *ui, uint32_t rev, const struct strlist *parents, bool confirmed)
{
	struct mt_error err = { 0 };
	char *id = xstrdup(ui->project.graph.nodes[rev].id), *list;
	int rc;

	if (!confirmed && is_published(ui, rev)) {
		confirm_open(ui, CONFIRM_PUBLISHED,
			     xasprintf("%s is published on %s. Databases that already ran it would be stranded by a new "
				       "parent (this is why Alembic has no rebase). Retarget anyway? y: yes, "
				       "M: make a merge revision instead, n: no", id, ui->published.ref));
		ui->confirm.target = rev;
		sl_copy(&ui->confirm.parents, parents);
		free(id);
		return;
	}
	rc = edit_set_down(&ui->edit, id, parents, false, &err);
	list = parents->n ? sl_join(parents, ", ") : xstrdup("None (a base)");
	if (!rc) {
		char done[512];

		snprintf(done, sizeof(done), "%s now revises %s", id, list);
		ui_after_edit(ui, id);
		report(ui, 0, &err, done);
	} else {
		report(ui, rc, &err, NULL);
	}
	free(list);
	free(id);
}

/* e a c M u Ctrl-R D w: the repair keys of the history views. */
bool repair_key(struct ui *ui, int key)
{
	if (ui->view != VIEW_MAIN && ui->view != VIEW_DETAIL && ui->view != VIEW_DIFF)
		return false;
	switch (key) {
	case 'e': case 'a': case 'c': case 'M':
		if (!ui_line_count(ui))
			return true;
		picker_open(ui, key == 'e' ? PICK_RETARGET : key == 'a' ? PICK_ADD_PARENT
						   : key == 'c' ? PICK_STUB_PARENT : PICK_MERGE);
		return true;
	case 'u': case ('r' & 0x1f): {
		bool undo = key == 'u';
		char *keep = ui_selected_id(ui);

		if ((undo ? edit_undo(&ui->edit) : edit_redo(&ui->edit)) == 0) {
			ui_after_edit(ui, keep);
			if (ui->view == VIEW_DIFF) { /* the diff on screen follows */
				free(ui->diff_text);
				ui->diff_text = edit_diff(&ui->edit);
			}
			ui_set_message(ui, false, undo ? "undone (Ctrl-R redoes)" : "redone");
		} else {
			ui_set_message(ui, true, undo ? "nothing to undo" : "nothing to redo");
		}
		free(keep);
		return true;
	}
	case 'D':
		free(ui->diff_text);
		ui->diff_text = edit_diff(&ui->edit);
		ui->diff_top = 0;
		ui->view = VIEW_DIFF;
		return true;
	case 'w': {
		size_t n = edit_changed(&ui->edit, NULL, 0), *idx = xmalloc((n ? n : 1) * sizeof(size_t));

		if (!n) {
			ui_set_message(ui, false, "nothing to save");
			free(idx);
			return true;
		}
		edit_changed(&ui->edit, idx, n);
		confirm_open(ui, CONFIRM_SAVE, xasprintf("Save %zu file%s? y/n", n, n == 1 ? "" : "s"));
		for (size_t i = 0; i < n; i++)
			sl_push_owned(&ui->confirm.lines,
				      xasprintf("  %s%s", ui->edit.files[idx[i]].path, ui->edit.files[idx[i]].is_new ? "  (new)" : ""));
		free(idx);
		return true;
	}
	}
	return false;
}

/* ---- the picker ----------------------------------------------------------- */

static void add_cand(struct picker *pk, uint32_t v, char *why, bool suggested)
{
	bool *seen = v == NO_NODE ? &pk->none_listed : &pk->listed[v];

	if (*seen) {
		free(why);
		return;
	}
	*seen = true;
	if (pk->n == pk->cap) {
		pk->cap = pk->cap ? pk->cap * 2 : 64;
		pk->cand = xrealloc(pk->cand, pk->cap * sizeof(*pk->cand));
		pk->why_not = xrealloc(pk->why_not, pk->cap * sizeof(*pk->why_not));
		pk->suggested = xrealloc(pk->suggested, pk->cap * sizeof(*pk->suggested));
	}
	pk->cand[pk->n] = v;
	pk->why_not[pk->n] = why;
	pk->suggested[pk->n] = suggested;
	pk->n++;
}

void picker_close(struct ui *ui)
{
	struct picker *pk = &ui->picker;

	for (uint32_t i = 0; i < pk->n; i++)
		free(pk->why_not[i]);
	free(pk->cand);
	free(pk->why_not);
	free(pk->suggested);
	free(pk->shown);
	free(pk->listed);
	memset(pk, 0, sizeof(*pk));
	ui->view = VIEW_MAIN;
}

static bool passes(const struct ui *ui, uint32_t v, const char *filter)
{
	const struct node *nd;

	if (!*filter)
		return true;
	if (v == NO_NODE)
		return strcasestr("none", filter) != NULL;
	nd = &ui->project.graph.nodes[v];
	return strcasestr(nd->id, filter) || (!nd->phantom && strcasestr(nd->file->message, filter));
}

static void refilter(struct ui *ui)
{
	struct picker *pk = &ui->picker;

	free(pk->shown);
	pk->shown = xmalloc((pk->n ? pk->n : 1) * sizeof(uint32_t));
	pk->n_shown = 0;
	pk->id_w = 8;
	for (uint32_t i = 0; i < pk->n; i++) {
		uint32_t c = pk->cand[i];
		int len;

		if (!passes(ui, c, pk->filter))
			continue;
		pk->shown[pk->n_shown++] = i;
		len = c == NO_NODE ? 0 : (int)strlen(ui->project.graph.nodes[c].id);
		if (len > pk->id_w)
			pk->id_w = len < 40 ? len : 40;
	}
	pk->sel = 0;
	pk->top = 0;
	for (uint32_t i = 0; i < pk->n_shown; i++)
		if (pk->suggested[pk->shown[i]]) { /* start on the best suggestion */
			pk->sel = i;
			return;
		}
	while (pk->sel + 1 < pk->n_shown && pk->why_not[pk->shown[pk->sel]])
		pk->sel++; /* else on the first one that can be chosen */
}

/* Suggestions first: the candidates the analysis ranked for this revision. */
static void add_suggestions(struct ui *ui, const char *about, bool by_ref, const bool *desc)
{
	const struct graph *g = &ui->project.graph;

	for (size_t i = 0; i < g->problems.n; i++) {
		const struct problem *p = &g->problems.v[i];
		const char *who = by_ref ? p->ref : p->revision;

		if (!who || strcmp(who, about) || (by_ref && p->kind != PROBLEM_MISSING_DOWN_REVISION))
			continue;
		for (size_t k = 0; k < p->candidates.n; k++) {
			uint32_t c = graph_find(g, p->candidates.v[k]);

			if (c != NO_NODE && !g->nodes[c].phantom && !desc[c])
				add_cand(&ui->picker, c, NULL, true);
		}
	}
}

void picker_open(struct ui *ui, enum pick_mode mode)
{
	const struct graph *g = &ui->project.graph;
	uint32_t v = ui_line_node(ui, ui->sel);
	const struct node *nd = &g->nodes[v];
	struct picker *pk = &ui->picker;
	bool *desc;

	if (mode == PICK_STUB_PARENT ? !nd->phantom : nd->phantom) {
		ui_set_message(ui, true, mode == PICK_STUB_PARENT ? "c creates a missing revision: select a MISSING row"
								  : "%s is missing: c creates it first", nd->id);
		return;
	}
	if (mode == PICK_MERGE && !nd->is_head) {
		ui_set_message(ui, true, "M merges heads: %s is not a head (e retargets it)", nd->id);
		return;
	}
	memset(pk, 0, sizeof(*pk));
	pk->mode = mode;
	pk->target = v;
	pk->listed = xcalloc(g->n ? g->n : 1, sizeof(bool));
	desc = graph_descendants(g, v); /* one walk for every candidate */
	if (mode == PICK_RETARGET || mode == PICK_STUB_PARENT)
		add_cand(pk, NO_NODE, NULL, false);
	add_suggestions(ui, nd->id, mode == PICK_STUB_PARENT, desc);
	for (uint32_t k = 0; k < ui->layout.n_rows; k++) {
		uint32_t c = ui->layout.node[k];
		const struct node *cn = &g->nodes[c];
		char *why = NULL;

		if (c == v || cn->phantom || (mode == PICK_MERGE && !cn->is_head))
			continue;
		if (mode != PICK_MERGE) /* the edit's own check: what it refuses is shown disabled */
			why = edit_check_parent(g, v, c, desc, mode == PICK_ADD_PARENT);
		add_cand(pk, c, why, false);
	}
	free(desc);
	refilter(ui);
	ui->view = VIEW_PICKER;
}

static const char *picker_title(const struct ui *ui)
{
	switch (ui->picker.mode) {
	case PICK_RETARGET: return "new down_revision of";
	case PICK_ADD_PARENT: return "parent to add to";
	case PICK_STUB_PARENT: return "down_revision of the placeholder for";
	case PICK_MERGE: return "head to merge with";
	}
	return "";
}

void picker_draw(struct ui *ui, int top, int height)
{
	struct picker *pk = &ui->picker;
	const struct graph *g = &ui->project.graph;
	char buf[512];
	int idw = pk->id_w;
	snprintf(buf, sizeof(buf), " %s %s  (type to filter, Enter: choose, Esc: cancel)", picker_title(ui),
		 g->nodes[pk->target].id);
	attron(draw_attr(C_TITLE));
	draw_fill(top, 0, COLS);
	move(top, 0);
	draw_text(buf, COLS);
	attroff(draw_attr(C_TITLE));
	move(top + 1, 0);
	draw_text("> ", 2);
	draw_text(pk->filter, COLS - 2);
	height -= 2;
	if (pk->sel < pk->top)
		pk->top = pk->sel;
	if (height > 0 && pk->sel >= pk->top + (uint32_t)height)
		pk->top = pk->sel - (uint32_t)height + 1;
	for (int i = 0; i < height && pk->top + (uint32_t)i < pk->n_shown; i++) {
		uint32_t k = pk->shown[pk->top + (uint32_t)i], c = pk->cand[k];
		int role = pk->why_not[k] ? C_DATE : pk->suggested[k] ? C_HEAD : C_NORMAL;

		if (c == NO_NODE)
			snprintf(buf, sizeof(buf), "  None: make it a base");
		else
			snprintf(buf, sizeof(buf), "%s %-*.*s %s%s%s%s", pk->suggested[k] ? (ui->ascii ? "*" : "\u2605") : " ",
				 idw, idw, g->nodes[c].id, g->nodes[c].file->message, pk->suggested[k] ? "  (suggested)" : "",
				 pk->why_not[k] ? "  -- no: " : "", pk->why_not[k] ? pk->why_not[k] : "");
		move(top + 2 + i, 0);
		attron(draw_attr(role));
		draw_text(buf, COLS);
		attroff(draw_attr(role));
		if (pk->top + (uint32_t)i == pk->sel)
			mvchgat(top + 2 + i, 0, -1, A_REVERSE, 0, NULL);
	}
	if (!pk->n_shown)
		mvaddstr(top + 2, 0, "nothing matches");
}

static void choose(struct ui *ui)
{
	struct picker *pk = &ui->picker;
	const struct graph *g = &ui->project.graph;
	uint32_t k, c, target = pk->target;
	struct strlist parents = { 0 };
	struct mt_error err = { 0 };
	char *id, *target_id = xstrdup(g->nodes[target].id), done[512];
	enum pick_mode mode = pk->mode;
	int rc;

	if (!pk->n_shown) {
		free(target_id);
		return;
	}
	k = pk->shown[pk->sel];
	c = pk->cand[k];
	if (pk->why_not[k]) {
		ui_set_message(ui, true, "%s cannot be chosen: %s", g->nodes[c].id, pk->why_not[k]);
		free(target_id);
		return;
	}
	id = c == NO_NODE ? NULL : xstrdup(g->nodes[c].id);
	picker_close(ui);
	switch (mode) {
	case PICK_RETARGET:
		if (id)
			sl_push(&parents, id);
		ui_retarget(ui, target, &parents, false);
		break;
	case PICK_ADD_PARENT:
		sl_copy(&parents, &g->nodes[target].file->down.ids);
		sl_push(&parents, id);
		ui_retarget(ui, target, &parents, false);
		break;
	case PICK_STUB_PARENT:
		rc = edit_create_stub(&ui->edit, target_id, id, NULL, &err);
		snprintf(done, sizeof(done), "placeholder for %s created", target_id);
		if (!rc)
			ui_after_edit(ui, target_id);
		report(ui, rc, &err, done);
		break;
	case PICK_MERGE: {
		char *new_id = NULL;

		sl_push(&parents, target_id);
		sl_push(&parents, id);
		rc = edit_create_merge(&ui->edit, &parents, NULL, &new_id, &err);
		snprintf(done, sizeof(done), "merge revision %s created", new_id ? new_id : "");
		if (!rc)
			ui_after_edit(ui, new_id);
		report(ui, rc, &err, done);
		free(new_id);
		break;
	}
	}
	sl_free(&parents);
	free(id);
	free(target_id);
}

bool picker_key(struct ui *ui, int key, int height)
{
	struct picker *pk = &ui->picker;
	size_t len = strlen(pk->filter);

	(void)height;
	switch (key) {
	case 27:
		picker_close(ui);
		ui_set_message(ui, false, "nothing changed");
		return true;
	case '\n': case '\r': case KEY_ENTER:
		choose(ui);
		return true;
	case KEY_DOWN: case ('n' & 0x1f): case '\t':
		if (pk->sel + 1 < pk->n_shown)
			pk->sel++;
		return true;
	case KEY_UP: case ('p' & 0x1f):
		if (pk->sel > 0)
			pk->sel--;
		return true;
	case KEY_BACKSPACE: case 127: case 8:
		if (len)
			pk->filter[len - 1] = '\0';
		refilter(ui);
		return true;
	}
	if (key >= 0x20 && key < 0x100 && len + 1 < sizeof(pk->filter)) {
		pk->filter[len] = (char)key;
		pk->filter[len + 1] = '\0';
		refilter(ui);
	}
	return true; /* the picker takes every key */
}

/* ---- the diff ------------------------------------------------------------- */

void diff_view_draw(struct ui *ui, int top, int height)
{
	const char *s = ui->diff_text ? ui->diff_text : "";
	uint32_t line = 0;

	if (!*s)
		mvaddstr(top, 0, "No pending changes.");
	while (*s && height > 0) {
		size_t len = strcspn(s, "\n");
		char *text = xstrndup(s, len);

		if (line >= ui->diff_top) {
			int role = text[0] == '+' ? C_HEAD : text[0] == '-' ? C_ERROR : text[0] == '@' ? C_LABEL : C_NORMAL;

			move(top++, 0);
			attron(draw_attr(role));
			draw_text(text, COLS);
			attroff(draw_attr(role));
			height--;
		}
		free(text);
		line++;
		s += len + (s[len] == '\n');
	}
}

bool diff_view_key(struct ui *ui, int key, int height)
{
	switch (key) {
	case 'j': case KEY_DOWN: ui->diff_top++; return true;
	case 'k': case KEY_UP: ui->diff_top = ui->diff_top ? ui->diff_top - 1 : 0; return true;
	case KEY_NPAGE: case ' ': ui->diff_top += (uint32_t)(height > 1 ? height - 1 : 1); return true;
	case KEY_PPAGE: case 'b':
		ui->diff_top = ui->diff_top > (uint32_t)height ? ui->diff_top - (uint32_t)height : 0;
		return true;
	case 'g': ui->diff_top = 0; return true;
	}
	return false;
}

/* ---- confirmations -------------------------------------------------------- */

void confirm_clear(struct ui *ui)
{
	free(ui->confirm.question);
	sl_free(&ui->confirm.lines);
	sl_free(&ui->confirm.parents);
	memset(&ui->confirm, 0, sizeof(ui->confirm));
}

void confirm_open(struct ui *ui, enum confirm_action action, char *question)
{
	confirm_clear(ui);
	ui->confirm.action = action;
	ui->confirm.question = question;
	ui->confirm.back = ui->view;
	ui->view = VIEW_CONFIRM;
}

void confirm_draw(struct ui *ui, int top, int height)
{
	const char *q = ui->confirm.question;
	int y = top;

	attron(A_BOLD);
	while (*q && y < top + height) { /* the question wraps at spaces */
		size_t len = strlen(q), cut = len;

		if ((int)len > COLS) {
			cut = (size_t)COLS;
			while (cut > 0 && q[cut] != ' ')
				cut--;
			if (!cut)
				cut = (size_t)COLS;
		}
		move(y++, 0);
		{
			char *part = xstrndup(q, cut);

			draw_text(part, COLS);
			free(part);
		}
		q += cut;
		while (*q == ' ')
			q++;
	}
	attroff(A_BOLD);
	for (size_t i = 0; y < top + height && i < ui->confirm.lines.n; i++) {
		move(y++, 0);
		draw_text(ui->confirm.lines.v[i], COLS);
	}
}

static void do_save(struct ui *ui)
{
	struct strlist written = { 0 };
	struct mt_error err = { 0 };

	if (save_session(&ui->edit, &save_io_system, &written, &err)) {
		/* a partial save's message starts with what was saved (save.h) */
		error_message(ui, written.n ? "" : "not saved: ", &err);
	} else {
		ui_set_message(ui, false, "saved %zu file%s", written.n, written.n == 1 ? "" : "s");
	}
	ui->unsaved = edit_changed(&ui->edit, NULL, 0); /* all, or as many as were not saved */
	sl_free(&written);
}

bool confirm_key(struct ui *ui, int key)
{
	enum confirm_action action = ui->confirm.action;
	bool yes = key == 'y' || key == 'Y';

	if (action == CONFIRM_PUBLISHED && key == 'M') {
		ui->view = VIEW_MAIN;
		ui_select_node(ui, ui->confirm.target);
		confirm_clear(ui);
		ui_set_message(ui, false, "pick the head to merge with; a merge revision leaves published ones alone");
		picker_open(ui, PICK_MERGE);
		return true;
	}
	if (!yes && key != 'n' && key != 'N' && key != 27 && key != 'q')
		return true; /* a confirmation waits for its answer */
	ui->view = ui->confirm.back == VIEW_CONFIRM ? VIEW_MAIN : ui->confirm.back;
	if (!yes) {
		ui_set_message(ui, false, "nothing done");
	} else if (action == CONFIRM_SAVE) {
		do_save(ui);
	} else if (action == CONFIRM_QUIT) {
		ui->quit = true;
	} else if (action == CONFIRM_RELOAD) {
		ui_reload(ui, true);
	} else if (action == CONFIRM_REVIEW_FIX) {
		review_view_apply(ui, ui->confirm.target);
	} else if (action == CONFIRM_PUBLISHED) {
		struct strlist parents = { 0 };

		sl_copy(&parents, &ui->confirm.parents);
		ui_retarget(ui, ui->confirm.target, &parents, true);
		sl_free(&parents);
	}
	if (ui->view != VIEW_CONFIRM)
		confirm_clear(ui);
	return true;
}
