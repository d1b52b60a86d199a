/* plan_view.c - the repair plan of the whole history (plan.h) in the explorer:
 * the steps as numbered lines with their reasons and commands, what the plan
 * leaves apart, then the diff of all the steps together, in a pager. Enter or
 * a asks, then applies the plan as one step of the edit session: u undoes all
 * of it, D lists it with the other pending changes, nothing is written before
 * w. The plan is made on the history as it is now (pending edits included) and
 * made again each time the view opens, since any edit changes it. */
#include <stdlib.h>
#include <string.h>

#include "migtree/plan.h"
#include "migtree/ui.h"

static int plan_role(const char *text)
{
	if (!strncmp(text, "left as it is:", 14))
		return C_WARNING;
	if (!strncmp(text, "+++", 3) || !strncmp(text, "---", 3) || text[0] == '@')
		return C_LABEL;
	return text[0] == '+' ? C_HEAD : text[0] == '-' ? C_ERROR : text[0] == ' ' ? C_NORMAL : C_ID;
}

static char *plan_text(const struct plan *pl)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < pl->n; i++) {
		char *cmd = fix_command(&pl->v[i].fix);

		sb_addf(&sb, "%zu. %s: %s\n   %s\n", i + 1, plan_phase_name(pl->v[i].phase), pl->v[i].why, cmd);
		free(cmd);
	}
	for (size_t i = 0; i < pl->left.n; i++)
		sb_addf(&sb, "left as it is: %s\n", pl->left.v[i]);
	sb_addf(&sb, "\n%s", pl->diff ? pl->diff : "");
	return sb_detach(&sb);
}

void plan_view_free(struct ui *ui)
{
	if (!ui->plan)
		return;
	plan_free(ui->plan);
	free(ui->plan);
	ui->plan = NULL;
}

void plan_view_open(struct ui *ui)
{
	struct pager *pg = ui_pager(ui, VIEW_PLAN);
	char *keep = ui_selected_id(ui), *text;

	if (ui->review) {
		ui_set_message(ui, false, "review mode shows the merged history, read-only: F and B write the fixes "
					  "on HEAD");
		free(keep);
		return;
	}
	plan_view_free(ui);
	ui->plan = xcalloc(1, sizeof(*ui->plan));
	plan_make(&ui->edit, ui->plan); /* tried and undone: the history is rebuilt */
	ui_after_edit(ui, keep);
	free(keep);
	if (!ui->plan->n && !ui->plan->left.n) {
		plan_view_free(ui);
		ui_set_message(ui, false, "nothing to plan: no missing parent, loose piece or several heads on one branch");
		return;
	}
	text = plan_text(ui->plan);
	pg->role = plan_role;
	pager_set_text(pg, xasprintf(" plan  %zu step%s  (Enter or a: apply them all, one undo step; q: back)",
				     ui->plan->n, ui->plan->n == 1 ? "" : "s"), text, false);
	free(text);
	view_open(ui, VIEW_PLAN);
}

bool plan_view_request(struct ui *ui, enum request req, int key, int height)
{
	if (req != REQ_PLAN_APPLY)
		return pager_view_request(ui, req, key, height);
	if (!ui->plan || !ui->plan->n) {
		ui_set_message(ui, false, "the plan has no step to apply");
		return true;
	}
	confirm_open(ui, CONFIRM_PLAN, xasprintf("Apply the plan's %zu step%s? y/n (one step of undo: u takes it "
						 "all back; nothing is written before w)", ui->plan->n,
						 ui->plan->n == 1 ? "" : "s"));
	return true;
}

void plan_view_apply(struct ui *ui)
{
	struct mt_error err = { 0 };
	char *keep = ui_selected_id(ui);
	size_t n = ui->plan ? ui->plan->n : 0;

	if (ui->view == VIEW_PLAN)
		view_close(ui);
	if (!n || plan_apply(&ui->edit, ui->plan, &err)) {
		char buf[sizeof(err.message) + sizeof(err.path) + 8];

		mt_error_format(&err, buf, sizeof(buf));
		ui_set_message(ui, true, "refused: %s", n ? buf : "the plan has no step");
	} else {
		ui_after_edit(ui, keep);
		ui_set_message(ui, false, "plan applied: %zu step%s (u undoes them all, D shows the diff, w saves)", n,
			       n == 1 ? "" : "s");
	}
	plan_view_free(ui);
	free(keep);
}
