/* review_view.c - the explorer in review mode (`migtree review BASE HEAD --explore`).
 *
 * The history shown is the one the merge would produce: read-only, since it
 * exists in no work tree. Each side's revisions carry a marker in its own colour,
 * the problem list holds the review's problems (what neither side had alone), and
 * the fixes are on keys: F writes the merge revision, B re-parents HEAD's new line
 * onto BASE — on the HEAD side, the work tree, after a confirmation that shows the
 * diff, through the same edit and save machinery as every repair. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/review_report.h"
#include "migtree/save.h"
#include "migtree/ui.h"

static void mark_side(struct ui *ui, const struct revision_file *const *v, size_t n, enum review_side side)
{
	const struct graph *g = &ui->project.graph;

	for (size_t i = 0; i < n; i++) {
		uint32_t at = graph_find(g, v[i]->revision);

		if (at == NO_NODE)
			continue;
		ui->review->side[at] = ui->review->side[at] && ui->review->side[at] != 1 + side
					       ? 1 + REVIEW_BOTH
					       : (uint8_t)(1 + side);
	}
}

void review_view_take(struct ui *ui, struct review *r)
{
	struct problem_list *mine;

	ui->project = r->merged;
	memset(&r->merged, 0, sizeof(r->merged));
	mine = &ui->project.graph.problems; /* the list shows what the merge brings */
	problem_list_free(mine);
	for (size_t i = 0; i < r->problems.n; i++) {
		const struct problem *src = &r->problems.v[i];
		struct problem *p = problem_add(mine, src->kind, src->revision, src->ref, src->path, src->line,
						src->order, "%s", src->message);

		problem_copy_fixes(p, src);
		p->tag = src->tag;
	}
	ui->review->side = xcalloc(ui->project.graph.n ? ui->project.graph.n : 1, 1);
	for (int s = REVIEW_BASE; s <= REVIEW_HEAD; s++) {
		mark_side(ui, r->side[s].added, r->side[s].n_added, (enum review_side)s);
		mark_side(ui, r->side[s].changed, r->side[s].n_changed, (enum review_side)s);
	}
	ui_set_message(ui, !r->clean, "review: %s; %s", r->clean ? "the merge is clean" : "the merge would break",
		       r->n_fixes ? "F: merge revision, B: HEAD's line after BASE's, p: problems"
				  : "p: problems, q: quit");
}

const char *review_view_marker(const struct ui *ui, uint32_t node, int *role)
{
	static const char *const names[] = { "", "[BASE] ", "[HEAD] ", "[both] " };
	uint8_t s;

	if (!ui->review || node >= ui->project.graph.n || !(s = ui->review->side[node]))
		return "";
	*role = s == 1 ? C_SIDE_BASE : s == 2 ? C_SIDE_HEAD : C_SIDE_BOTH;
	return names[s];
}

static size_t fix_of(const struct review *r, enum review_fix_kind kind)
{
	for (size_t i = 0; i < r->n_fixes; i++)
		if (r->fixes[i].kind == kind)
			return i;
	return r->n_fixes;
}

/* The fix made on a fresh load of the work tree: the session to save, or -1. */
static int fix_session(struct ui *ui, size_t fix, struct project *p, struct edit_session *s,
		       struct mt_error *err)
{
	const struct review_fix *f = &ui->review->r->fixes[fix];

	if (project_load(&ui->cli->req, p, err))
		return -1;
	edit_begin(s, p);
	if (f->kind == REVIEW_FIX_MERGE)
		return edit_create_merge_with(s, &f->parents, &f->parents, "merge heads", NULL, err);
	return edit_set_down(s, f->revision, &f->parents, true, err);
}

static void ask_fix(struct ui *ui, enum review_fix_kind kind)
{
	struct review *r = ui->review->r;
	size_t fix = fix_of(r, kind);
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	char *summary, *diff, *line, *save;

	if (fix == r->n_fixes) {
		ui_set_message(ui, false, r->clean ? "the merge is clean: nothing to fix"
						   : "no such fix for this merge (p lists the problems)");
		return;
	}
	if (ui->review->head) {
		ui_set_message(ui, true, "fixes are written on HEAD, the work tree: run review without HEAD");
		return;
	}
	memset(&s, 0, sizeof(s));
	if (fix_session(ui, fix, &p, &s, &err)) {
		ui_set_message(ui, true, "cannot fix: %s", err.message);
	} else {
		summary = review_fix_summary(&r->fixes[fix]);
		confirm_open(ui, CONFIRM_REVIEW_FIX, xasprintf("%s: write it in the work tree? y/n", summary));
		ui->confirm.target = (uint32_t)fix;
		diff = edit_diff(&s);
		for (line = strtok_r(diff, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			sl_push(&ui->confirm.lines, line);
		free(diff);
		free(summary);
	}
	if (s.p)
		edit_end(&s);
	project_free(&p);
}

void review_view_apply(struct ui *ui, size_t fix)
{
	struct project p;
	struct edit_session s;
	struct strlist written = { 0 };
	struct mt_error err = { 0 };

	memset(&s, 0, sizeof(s));
	if (fix_session(ui, fix, &p, &s, &err) || save_session(&s, &save_io_system, &written, &err))
		ui_set_message(ui, true, "not written: %s", err.message);
	else
		ui_set_message(ui, false, "written in the work tree: %zu file%s; commit it on HEAD, then "
					  "review again", (size_t)written.n, written.n == 1 ? "" : "s");
	sl_free(&written);
	if (s.p)
		edit_end(&s);
	project_free(&p);
}

bool review_request(struct ui *ui, enum request req)
{
	switch (req) {
	case REQ_REVIEW_MERGE:
		ask_fix(ui, REVIEW_FIX_MERGE);
		return true;
	case REQ_REVIEW_REBASE:
		ask_fix(ui, REVIEW_FIX_REBASE);
		return true;
	case REQ_RETARGET: case REQ_ADD_PARENT: case REQ_CREATE_STUB: case REQ_MERGE: case REQ_UNDO:
	case REQ_SAVE: case REQ_VIEW_DIFF: case REQ_REDO:
		ui_set_message(ui, false, "review mode shows the merged history, read-only: F and B write the "
					  "fixes on HEAD");
		return true;
	default:
		return false;
	}
}
