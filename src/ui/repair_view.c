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

/* The runs the user unfolded, by the id of a revision in each: rows and node
 * numbers change with a rebuild (a new file, a new phantom), ids do not. */
static void opened_runs(const struct ui *ui, struct strlist *ids)
{
	const bool *at = ui->open_at, *end = at + ui->layout.n_rows;

	/* few runs are opened: found with memchr, not a test a row (100,000 rows an edit) */
	while ((at = memchr(at, true, (size_t)(end - at)))) {
		uint32_t r = (uint32_t)(at++ - ui->open_at);

		if (ui->layout.node[r] < ui->project.graph.n) /* a phantom may be gone */
			sl_push(ids, ui->project.graph.nodes[ui->layout.node[r]].id);
	}
}

/* The explorer's state is the user's, not the graph's: the folds they opened,
 * the selection, the first line shown, the restriction (kept as
 * text, lines.c) and the views on the stack all survive the rebuild. */
void ui_after_edit(struct ui *ui, const char *node_id)
{
	char *keep = node_id ? xstrdup(node_id) : NULL;
	uint32_t v;
	struct strlist opened = { 0 };

	opened_runs(ui, &opened);
	ui_rederive(ui, &opened);
	sl_free(&opened);
	ui->sel = 0;
	if (keep && (v = graph_find(&ui->project.graph, keep)) != NO_NODE)
		ui_select_node(ui, v); /* the first line shown stays: the view scrolls only as it must */
	free(keep);
}

void ui_after_edit_shown(struct ui *ui, const char *node_id)
{
	const struct graph *g = &ui->project.graph;
	struct strlist opened = { 0 };
	uint32_t v = node_id ? graph_find(g, node_id) : NO_NODE;

	/* the lines in the order laid out, all of them, and the history on top */
	if (v == NO_NODE || ui->view != VIEW_MAIN || ui->restrict_spec || ui->oldest_first || ui->review) {
		ui_after_edit(ui, node_id);
		return;
	}
	opened_runs(ui, &opened);
	(void)ui_rederive_upto(ui, &opened, v);
	sl_free(&opened);
	ui->sel = 0;
	if (ui->settle.pending && ui->layout.row_of[v] >= ui->settle.rows)
		ui_settle(ui);
	ui_select_node(ui, v); /* the first line shown stays: the view scrolls only as it must */
	if (ui->settle.pending && ui->sel + (uint32_t)LINES > ui_line_count(ui))
		ui_settle(ui); /* the screen from it would go past the lines so far */
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

	if (!confirmed && is_published(ui, rev) && !ui->always[CONFIRM_PUBLISHED]) {
		bool head = ui->project.graph.nodes[rev].is_head;

		if (published_applied(&ui->published, ui->project.graph.nodes[rev].file))
			confirm_open(ui, CONFIRM_PUBLISHED,
				     xasprintf("%s is applied in %s. A new parent would strand that database: it ran %s "
					       "on its old parent, and Alembic will not run it again (this is why "
					       "Alembic has no rebase). %sRetarget anyway? y: yes, a: yes to every "
					       "published or applied revision until quit, %sn: no", id, ui->published.db,
					       id, head ? "A merge revision leaves it as it is. "
					       : "To join its branch to another, merge their heads (M on a head). ",
					       head ? "M: make a merge revision instead, " : ""));
		else
			confirm_open(ui, CONFIRM_PUBLISHED,
				     xasprintf("%s is published on %s. Databases that already ran it would be stranded by "
					       "a new parent (this is why Alembic has no rebase). Retarget anyway? y: yes, "
					       "a: yes to every published revision until quit, %sn: no", id,
					       ui->published.ref, head ? "M: make a merge revision instead, " : ""));
		ui->confirm.target = rev;
		ui->confirm.can_merge = head;
		sl_copy(&ui->confirm.parents, parents);
		free(id);
		return;
	}
	rc = edit_set_down(&ui->edit, id, parents, false, &err);
	list = parents->n ? sl_join(parents, ", ") : xstrdup("None (a base)");
	if (!rc) {
		char done[512];

		snprintf(done, sizeof(done), "%s now revises %s", id, list);
		ui_after_edit_shown(ui, id);
		report(ui, 0, &err, done);
	} else {
		report(ui, rc, &err, NULL);
	}
	free(list);
	free(id);
}

static int diff_role(const char *text)
{
	return text[0] == '+' ? C_HEAD : text[0] == '-' ? C_ERROR : text[0] == '@' ? C_LABEL : C_NORMAL;
}

void diff_view_open(struct ui *ui)
{
	struct pager *pg = ui_pager(ui, VIEW_DIFF);
	char *diff = edit_diff(&ui->edit);
	uint32_t top = ui->view == VIEW_DIFF ? pg->top : 0; /* after u: where it was */

	pg->role = diff_role;
	pager_set_text(pg, xstrdup(" pending changes  (j/k PgDn/PgUp g/G: scroll, w: save, u: undo, q: back)"),
		       diff ? diff : "", false);
	pg->top = top;
	free(diff);
	view_open(ui, VIEW_DIFF);
}

/* e a c M u Ctrl-R D w: the repair requests of the history views. */
bool repair_request(struct ui *ui, enum request req)
{
	if (ui->view != VIEW_MAIN && ui->view != VIEW_DETAIL && ui->view != VIEW_DIFF)
		return false;
	switch (req) {
	case REQ_RETARGET: case REQ_ADD_PARENT: case REQ_CREATE_STUB: case REQ_MERGE:
		if (!ui_line_count(ui))
			return true;
		picker_open(ui, req == REQ_RETARGET ? PICK_RETARGET : req == REQ_ADD_PARENT ? PICK_ADD_PARENT
					: req == REQ_CREATE_STUB ? PICK_STUB_PARENT : PICK_MERGE);
		return true;
	case REQ_UNDO: case REQ_REDO: {
		bool undo = req == REQ_UNDO;
		char *keep = ui_selected_id(ui);

		if ((undo ? edit_undo(&ui->edit) : edit_redo(&ui->edit)) == 0) {
			ui_after_edit(ui, keep);
			if (ui->view == VIEW_DIFF) /* the diff on screen follows */
				diff_view_open(ui);
			ui_set_message(ui, false, undo ? "undone (Ctrl-R redoes)" : "redone");
		} else {
			ui_set_message(ui, true, undo ? "nothing to undo" : "nothing to redo");
		}
		free(keep);
		return true;
	}
	case REQ_VIEW_DIFF:
		diff_view_open(ui);
		return true;
	case REQ_VIEW_PLAN:
		plan_view_open(ui);
		return true;
	case REQ_SAVE: {
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
				      xasprintf("  %s%s", edit_file_path(&ui->edit, idx[i]), ui->edit.files[idx[i]].is_new ? "  (new)" : ""));
		free(idx);
		return true;
	}
	case REQ_REVIEW_MERGE: case REQ_REVIEW_REBASE:
		ui_set_message(ui, false, "F and B are review mode's: migtree review BASE [HEAD] --explore");
		return true;
	default:
		return false;
	}
}

/* ---- the picker's index --------------------------------------------------- */

/* Nodes of the index made in one slice between keys: 0.5 ms, 1 to 1.5 ms
 * after a reload has scattered the files in memory; made whole in 20 keys at
 * 100,000 revisions (keys typed into a prompt, as a search's, make none). */
#define PICK_TEXT_SLICE 5120

void pick_text_free(struct ui *ui)
{
	for (int i = 0; i < 2; i++) {
		pick_index_free(&ui->pick_text[i].ix);
		ui->pick_text[i].state = 0;
	}
}

/* The index of the state shown, begun if none is: in the place of the one
 * not used last (the one used last is the state before, or this one). */
static struct pick_text *text_of_state(struct ui *ui)
{
	struct pick_text *pt;

	for (int i = 0; i < 2; i++)
		if (ui->pick_text[i].state == ui->derived_state) {
			ui->pick_text_last = (uint8_t)i;
			return &ui->pick_text[i];
		}
	ui->pick_text_last ^= 1;
	pt = &ui->pick_text[ui->pick_text_last];
	pick_index_free(&pt->ix);
	pick_index_init(&pt->ix, ui->project.graph.n);
	pt->state = ui->derived_state;
	return pt;
}

bool pick_text_slice(struct ui *ui)
{
	if (!ui->derived_state || ui->review)
		return false;
	return pick_index_more(&text_of_state(ui)->ix, &ui->project.graph, &ui->layout, PICK_TEXT_SLICE);
}

/* The whole index of the state shown, for the picker now. */
static const struct pick_index *pick_index_now(struct ui *ui)
{
	struct pick_index *ix = &text_of_state(ui)->ix;

	pick_index_more(ix, &ui->project.graph, &ui->layout, UINT32_MAX);
	return ix;
}

/* ---- the picker ----------------------------------------------------------- */

static bool descends(struct ui *ui, uint32_t c);

/* Between keys: the history order's walk after the retarget the selected
 * row would make, and its labels (order.h), once for each row selected; not
 * for a revision that descends from the target (a cycle: the edit is
 * refused, and a walk over a cycle would go round it). False when there is
 * nothing to make. */
bool picker_prepare_slice(struct ui *ui)
{
	struct picker *pk = &ui->picker;
	uint32_t c;

	if (ui->view != VIEW_PICKER || pk->mode != PICK_RETARGET || !pk->n_shown || pk->sel >= pk->n_shown)
		return false;
	c = pk->cand[pk->shown[pk->sel]];
	if (c == NO_NODE || c == pk->prepared || ui->project.graph.nodes[pk->target].down.n != 1 || c == pk->target ||
	    descends(ui, c))
		return false;
	pk->prepared = c;
	order_ranks_prepare_edit(&ui->project.graph, pk->target, &c, 1);
	return true;
}

static void cand_room(struct picker *pk, uint32_t need)
{
	if (need <= pk->cap)
		return;
	pk->cap = need > 2 * pk->cap ? need : 2 * pk->cap;
	if (pk->cap < 64)
		pk->cap = 64;
	pk->cand = xrealloc(pk->cand, pk->cap * sizeof(*pk->cand));
	pk->star = xrealloc(pk->star, pk->cap * sizeof(*pk->star));
}

/* V (NO_NODE: None) as the next candidate, unless it is one already. */
static void add_cand(struct ui *ui, uint32_t v, uint8_t star)
{
	struct picker *pk = &ui->picker;
	uint32_t row = v == NO_NODE ? UINT32_MAX : ui->layout.row_of[v];

	if (v == NO_NODE ? pk->none_listed : pk->listed[row])
		return;
	if (v == NO_NODE)
		pk->none_listed = true;
	else
		pk->listed[row] = 1;
	cand_room(pk, pk->n + 1);
	pk->cand[pk->n] = v;
	pk->star[pk->n] = star;
	pk->n++;
}

/* Does node C descend from the target (or is it the target)? The first
 * question sweeps the rows above the target once (pickindex.h); where the
 * rows cannot tell, each question walks (struct descent). */
static bool descends(struct ui *ui, uint32_t c)
{
	struct picker *pk = &ui->picker;

	if (!pk->below && !pk->desc.g) {
		pk->below = xmalloc(ui->project.graph.n ? ui->project.graph.n : 1);
		if (!pick_index_descendants(pick_index_now(ui), &ui->layout, pk->target, pk->below)) {
			free(pk->below);
			pk->below = NULL;
			descent_init(&pk->desc, &ui->project, pk->target);
		}
	}
	return pk->below ? pk->below[c] : descent_ask(&pk->desc, c);
}

/* Is candidate K shown disabled: what the edit would refuse (edit_check_parent)?
 * The stars and None never are; a merge takes any head. */
static bool refused(struct ui *ui, uint32_t k)
{
	struct picker *pk = &ui->picker;
	uint32_t c = pk->cand[k];

	if (c == NO_NODE || pk->star[k] || pk->mode == PICK_MERGE)
		return false;
	return c == pk->target || descends(ui, c) ||
	       (pk->mode == PICK_ADD_PARENT && u32_contains(&ui->project.graph.nodes[pk->target].down, c));
}

/* Why candidate K is disabled (owned), or NULL: made only for a row drawn or
 * chosen. */
static char *why_not(struct ui *ui, uint32_t k)
{
	struct picker *pk = &ui->picker;

	if (!refused(ui, k))
		return NULL;
	return edit_check_parent(&ui->project.graph, pk->target, pk->cand[k], descends(ui, pk->cand[k]),
				 pk->mode == PICK_ADD_PARENT);
}

static void drop_levels(struct picker *pk)
{
	for (uint32_t i = 0; i < pk->n_levels; i++)
		free(pk->levels[i].shown);
	free(pk->levels);
	pk->levels = NULL;
	pk->n_levels = pk->cap_levels = 0;
}

void picker_close(struct ui *ui)
{
	struct picker *pk = &ui->picker;

	free(pk->cand);
	free(pk->below);
	descent_free(&pk->desc);
	free(pk->star);
	free(pk->shown);
	free(pk->listed);
	drop_levels(pk);
	memset(pk, 0, sizeof(*pk));
	if (ui->view == VIEW_PICKER)
		view_close(ui);
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The candidates of FROM (indexes into cand; NULL: all of them) whose id or
 * message holds the filter, ignoring ASCII case (as strcasestr does in the C
 * locale), as the new shown list. */
static void filter_from(struct ui *ui, const uint32_t *from, uint32_t n_from)
{
	struct picker *pk = &ui->picker;
	char needle[sizeof(pk->filter)];
	size_t n_len = strlen(pk->filter);
	const struct pick_index *ix = pick_index_now(ui);
	uint8_t *pass = NULL; /* node -> a candidate of FROM, then: it passes (NULL: all pass) */
	bool none;
	int w = 8;

	for (size_t k = 0; k <= n_len; k++)
		needle[k] = (char)ascii_lower((unsigned char)pk->filter[k]);
	none = strstr("none", needle) != NULL; /* "None" lowered holds it */
	if (n_len) {
		pass = xcalloc(ix->n ? ix->n : 1, 1);
		for (uint32_t k = 0; k < n_from; k++) {
			uint32_t c = pk->cand[from ? from[k] : k];

			if (c != NO_NODE)
				pass[c] = 1;
		}
		pick_index_match(ix, needle, n_len, pass);
	}
	pk->shown = xmalloc((n_from ? n_from : 1) * sizeof(uint32_t));
	pk->n_shown = 0;
	for (uint32_t k = 0; k < n_from; k++) {
		uint32_t i = from ? from[k] : k, c = pk->cand[i];

		if (c == NO_NODE ? !none : pass && !pass[c])
			continue;
		pk->shown[pk->n_shown++] = i;
		if (c != NO_NODE && ix->id_len[c] > w)
			w = ix->id_len[c];
	}
	free(pass);
	pk->id_w = w < 40 ? w : 40; /* the longest id shown, 8 at least, 40 at most */
}

static void select_start(struct ui *ui);

/* Every candidate against the filter (the picker opens, or Backspace has no
 * kept result to go back to). */
static void refilter(struct ui *ui)
{
	struct picker *pk = &ui->picker;

	drop_levels(pk);
	free(pk->shown);
	filter_from(ui, NULL, pk->n);
	select_start(ui);
}

/* One character typed: a string holding the longer filter holds the shorter,
 * so only the candidates shown now are searched, and the result before is kept
 * for Backspace. At 100,000 candidates each character costs the survivors. */
static void narrow(struct ui *ui)
{
	struct picker *pk = &ui->picker;

	GROW(pk->levels, pk->cap_levels, pk->n_levels + 1);
	pk->levels[pk->n_levels++] = (struct picker_level){ pk->shown, pk->n_shown, pk->id_w };
	filter_from(ui, pk->shown, pk->n_shown);
	select_start(ui);
}

/* Backspace: back to the result kept for the shorter filter. */
static void widen(struct ui *ui)
{
	struct picker *pk = &ui->picker;
	struct picker_level lv;

	if (!pk->n_levels) {
		refilter(ui);
		return;
	}
	lv = pk->levels[--pk->n_levels];
	free(pk->shown);
	pk->shown = lv.shown;
	pk->n_shown = lv.n_shown;
	pk->id_w = lv.id_w;
	select_start(ui);
}

/* Where node C is in the shown list, or UINT32_MAX: looked for among the
 * candidates before the rows, then halving the rows (they keep the rows'
 * order), then halving the shown list (it keeps the candidates'). */
static uint32_t shown_at(const struct ui *ui, uint32_t c)
{
	const struct picker *pk = &ui->picker;
	const uint32_t *row_of = ui->layout.row_of;
	uint32_t i = UINT32_MAX, lo = pk->n_pre, hi = pk->n;

	for (uint32_t k = 0; k < pk->n_pre && i == UINT32_MAX; k++)
		if (pk->cand[k] == c)
			i = k;
	while (i == UINT32_MAX && lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (row_of[pk->cand[mid]] < row_of[c])
			lo = mid + 1;
		else
			hi = mid;
	}
	if (i == UINT32_MAX && lo < pk->n && pk->cand[lo] == c)
		i = lo;
	if (i == UINT32_MAX)
		return UINT32_MAX;
	for (lo = 0, hi = pk->n_shown; lo < hi;) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (pk->shown[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pk->n_shown && pk->shown[lo] == i ? lo : UINT32_MAX;
}

/* Where the selection starts in the shown list. */
static void select_start(struct ui *ui)
{
	struct picker *pk = &ui->picker;
	const struct u32vec *down = &ui->project.graph.nodes[pk->target].down;

	pk->sel = 0;
	pk->top = 0;
	/* on the best suggestion: the stars come first, and shown keeps the order */
	for (uint32_t i = 0; i < pk->n_shown && pk->shown[i] < pk->n_pre; i++)
		if (pk->star[pk->shown[i]] == STAR_SUGGESTED) {
			pk->sel = i;
			return;
		}
	if (pk->mode == PICK_RETARGET) { /* else where it is now: Enter changes nothing */
		uint32_t at = UINT32_MAX;

		for (uint32_t k = 0; k < down->n; k++) {
			uint32_t i = shown_at(ui, down->v[k]);

			at = i < at ? i : at;
		}
		if (at != UINT32_MAX) {
			pk->sel = at;
			return;
		}
	}
	/* else on the first that can be chosen, never on None (a base is asked for) */
	while (pk->sel + 1 < pk->n_shown &&
	       (refused(ui, pk->shown[pk->sel]) || pk->cand[pk->shown[pk->sel]] == NO_NODE))
		pk->sel++;
}

/* Suggestions first: the candidates the analysis ranked for this revision. */
static void add_suggestions(struct ui *ui, const char *about, bool by_ref)
{
	const struct graph *g = &ui->project.graph;

	for (size_t i = 0; i < g->problems.n; i++) {
		const struct problem *p = &g->problems.v[i];
		const char *who = by_ref ? p->ref : p->revision;

		if (!who || strcmp(who, about) || (by_ref && p->kind != PROBLEM_MISSING_DOWN_REVISION))
			continue;
		for (size_t k = 0; k < p->candidates.n; k++) {
			uint32_t c = graph_find(g, p->candidates.v[k]);

			if (c != NO_NODE && !g->nodes[c].phantom && !descends(ui, c))
				add_cand(ui, c, STAR_SUGGESTED);
		}
	}
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Then every revision, in the order of the rows, but the target (a merge:
 * every head). The rows' kinds say which are missing: no node is read. */
static void add_rows(struct ui *ui)
{
	struct picker *pk = &ui->picker;
	const struct graph *g = &ui->project.graph;
	const struct layout *l = &ui->layout;
	uint32_t skip = l->row_of[pk->target];

	if (pk->mode == PICK_MERGE) {
		uint32_t *rows = xmalloc((g->heads.n ? g->heads.n : 1) * sizeof(uint32_t)), n = 0;

		for (uint32_t k = 0; k < g->heads.n; k++)
			rows[n++] = l->row_of[g->heads.v[k]];
		qsort(rows, n, sizeof(*rows), by_value);
		for (uint32_t k = 0; k < n; k++)
			if (rows[k] != skip && layout_row_kind(l, rows[k]) != ROW_PHANTOM)
				add_cand(ui, l->node[rows[k]], 0);
		free(rows);
		return;
	}
	cand_room(pk, pk->n + l->n_rows);
	for (uint32_t r = 0; r < l->n_rows; r++) {
		if (r == skip || pk->listed[r] || layout_row_kind(l, r) == ROW_PHANTOM)
			continue; /* what the edit refuses is shown disabled: refused() */
		pk->cand[pk->n] = l->node[r];
		pk->star[pk->n] = 0;
		pk->n++;
	}
}

void picker_open(struct ui *ui, enum pick_mode mode)
{
	const struct graph *g = &ui->project.graph;
	uint32_t v = ui_line_node(ui, ui->sel);
	const struct node *nd = &g->nodes[v];
	struct picker *pk = &ui->picker;

	if (mode == PICK_STUB_PARENT ? !nd->phantom : nd->phantom) {
		ui_set_message(ui, true, mode == PICK_STUB_PARENT ? "c creates a missing revision: select a MISSING row"
								  : "%s is missing: c creates it first", nd->id);
		return;
	}
	if (mode == PICK_MERGE && !nd->is_head) {
		ui_set_message(ui, true, "M merges heads: %s is not a head (e retargets it)", nd->id);
		return;
	}
	edit_suggest(&ui->edit, nd->id); /* the stars are the suggestions' candidates */
	memset(pk, 0, sizeof(*pk));
	pk->mode = mode;
	pk->target = v;
	pk->prepared = NO_NODE;
	pk->listed = xcalloc(ui->layout.n_rows ? ui->layout.n_rows : 1, 1);
	if (mode == PICK_RETARGET || mode == PICK_STUB_PARENT)
		add_cand(ui, NO_NODE, 0);
	add_suggestions(ui, nd->id, mode == PICK_STUB_PARENT);
	if (nd->is_head && (mode == PICK_RETARGET || mode == PICK_ADD_PARENT)) /* another head: merge with it, or go after it */
		for (uint32_t k = 0; k < g->heads.n; k++) {
			uint32_t h = g->heads.v[k];

			if (h != v && !g->nodes[h].phantom && !descends(ui, h) &&
			    !(mode == PICK_ADD_PARENT && u32_contains(&nd->down, h)))
				add_cand(ui, h, STAR_OTHER_HEAD);
		}
	pk->n_pre = pk->n;
	add_rows(ui);
	refilter(ui);
	view_open(ui, VIEW_PICKER);
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
		bool cut;
		char *why = why_not(ui, k);
		int role = why ? C_DATE : pk->star[k] ? C_HEAD : C_NORMAL;

		if (c == NO_NODE)
			snprintf(buf, sizeof(buf), "  None: make it a base (asks first)");
		else
			snprintf(buf, sizeof(buf), "%s %-*.*s %s%s%s%s", pk->star[k] ? (ui->ascii ? "*" : "\u2605") : " ",
				 idw, idw, g->nodes[c].id, g->nodes[c].file->message,
				 pk->star[k] == STAR_SUGGESTED ? "  (suggested)"
				 : pk->star[k] == STAR_OTHER_HEAD ? "  (another head)" : "",
				 why ? "  -- no: " : "", why ? why : "");
		free(why);
		move(top + 2 + i, 0);
		attron(draw_attr(role));
		draw_text_clip(buf, 0, COLS, &cut);
		attroff(draw_attr(role));
		if (cut) /* the reason goes on: the status bar has it on Enter */
			draw_more(ui, top + 2 + i, false, true);
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
	char *id, *why, *target_id = xstrdup(g->nodes[target].id), done[512];
	enum pick_mode mode = pk->mode;
	int rc;

	if (!pk->n_shown) {
		free(target_id);
		return;
	}
	k = pk->shown[pk->sel];
	c = pk->cand[k];
	if ((why = why_not(ui, k))) {
		ui_set_message(ui, true, "%s cannot be chosen: %s", g->nodes[c].id, why);
		free(why);
		free(target_id);
		return;
	}
	id = c == NO_NODE ? NULL : xstrdup(g->nodes[c].id);
	picker_close(ui);
	switch (mode) {
	case PICK_RETARGET:
		if (!id) { /* a base starts a new line of history: never without asking */
			confirm_open(ui, CONFIRM_BASE, xasprintf("Make %s a base (down_revision = None)? It then "
								 "starts a history of its own. y/n", target_id));
			ui->confirm.target = target;
			break;
		}
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
		char *new_id = NULL, *message = ui_prompt(ui, "message of the merge revision: ", "merge heads");

		if (!message) {
			ui_set_message(ui, false, "nothing changed");
			break;
		}
		sl_push(&parents, target_id);
		sl_push(&parents, id);
		rc = edit_create_merge(&ui->edit, &parents, *message ? message : "merge heads", &new_id, &err);
		free(message);
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

bool picker_request(struct ui *ui, enum request req, int key, int height)
{
	struct picker *pk = &ui->picker;
	size_t len = strlen(pk->filter);
	uint32_t page = height > 4 ? (uint32_t)height - 4 : 1, last = pk->n_shown ? pk->n_shown - 1 : 0;

	switch (req) {
	case REQ_CANCEL:
		picker_close(ui);
		ui_set_message(ui, false, "nothing changed");
		return true;
	case REQ_CHOOSE: choose(ui); return true;
	case REQ_MOVE_DOWN: pk->sel = pk->sel < last ? pk->sel + 1 : last; return true;
	case REQ_MOVE_UP: pk->sel = pk->sel ? pk->sel - 1 : 0; return true;
	case REQ_PAGE_DOWN: pk->sel = pk->sel + page < last ? pk->sel + page : last; return true;
	case REQ_PAGE_UP: pk->sel = pk->sel > page ? pk->sel - page : 0; return true;
	case REQ_MOVE_FIRST: pk->sel = 0; return true;
	case REQ_MOVE_LAST: pk->sel = last; return true;
	case REQ_FILTER_ERASE:
		if (len) {
			pk->filter[len - 1] = '\0';
			widen(ui);
		}
		return true;
	default:
		break;
	}
	if (key >= 0x20 && key < 0x100 && len + 1 < sizeof(pk->filter)) {
		pk->filter[len] = (char)key;
		pk->filter[len + 1] = '\0';
		narrow(ui);
	}
	return true; /* the picker takes every key */
}

/* ---- confirmations -------------------------------------------------------- */

void confirm_clear(struct ui *ui)
{
	free(ui->confirm.question);
	free(ui->confirm.command);
	fix_free(&ui->confirm.fix);
	sl_free(&ui->confirm.lines);
	sl_free(&ui->confirm.parents);
	edit_step_free(ui->confirm.step);
	memset(&ui->confirm, 0, sizeof(ui->confirm));
}

void confirm_open(struct ui *ui, enum confirm_action action, char *question)
{
	confirm_clear(ui);
	ui->confirm.action = action;
	ui->confirm.question = question;
	view_open(ui, VIEW_CONFIRM);
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
		ui_set_message(ui, false, "saved %zu file%s", (size_t)written.n, written.n == 1 ? "" : "s");
	}
	ui_watch_drain(ui); /* our own writes: the history shown is what was written */
	ui->unsaved = edit_changed(&ui->edit, NULL, 0); /* all, or as many as were not saved */
	sl_free(&written);
}

static void make_base(struct ui *ui, uint32_t target)
{
	struct strlist none = { 0 };

	ui_retarget(ui, target, &none, false);
}

/* The answer: y (a: and to every question like it until quit), n, or M. */
bool confirm_request(struct ui *ui, enum request req, int key, int height)
{
	enum confirm_action action = ui->confirm.action;
	bool yes = req == REQ_YES || req == REQ_YES_ALL;

	(void)key;
	(void)height;
	if (action == CONFIRM_PUBLISHED && req == REQ_MERGE_INSTEAD && ui->confirm.can_merge) {
		uint32_t target = ui->confirm.target;

		view_close(ui);
		confirm_clear(ui);
		ui_select_node(ui, target);
		ui_set_message(ui, false, "pick the head to merge with; a merge revision leaves %s ones alone",
			       published_applied(&ui->published, ui->project.graph.nodes[target].file) ? "applied"
												: "published");
		picker_open(ui, PICK_MERGE);
		return true;
	}
	if (req == REQ_YES_ALL && action != CONFIRM_PUBLISHED && action != CONFIRM_FIX)
		return true; /* "all" only where a question comes back again and again */
	if (!yes && req != REQ_NO)
		return true; /* a confirmation waits for its answer */
	view_close(ui);
	if (req == REQ_YES_ALL)
		ui->always[action] = true;
	if (!yes) {
		ui_set_message(ui, false, "nothing done");
	} else if (action == CONFIRM_SAVE) {
		do_save(ui);
	} else if (action == CONFIRM_QUIT) {
		ui->quit = true;
	} else if (action == CONFIRM_RELOAD) {
		ui_reload(ui, true);
		ui_db_reread(ui);
	} else if (action == CONFIRM_REVIEW_FIX) {
		review_view_apply(ui, ui->confirm.target);
	} else if (action == CONFIRM_BASE) {
		make_base(ui, ui->confirm.target);
	} else if (action == CONFIRM_FIX) {
		fix_apply_confirmed(ui);
	} else if (action == CONFIRM_PLAN) {
		plan_view_apply(ui);
	} else if (action == CONFIRM_ORDER) {
		mark_order_confirmed(ui);
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
