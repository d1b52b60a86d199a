/* fix_view.c - a problem's fixes as actions: each is a line the detail pane and
 * the problem list can select, and Enter applies it, after a confirmation that
 * shows its command, through the same edit calls as the picker (validated,
 * undoable with u, listed by D, written only by w).
 *
 * Fixes are data (fix.h): the confirmation shows the command `check -v` prints,
 * and applying goes through the edit session. A fix that changes something
 * migtree does not edit (a dependency written in full) offers the editor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ui.h"

size_t fix_count(const struct problem *p)
{
	return p->n_fixv;
}

char *fix_line_text(const struct problem *p, size_t index)
{
	char *sentence = fix_sentence(&p->fixv[index]), *line = xasprintf("    fix: %s", sentence);

	free(sentence);
	return line;
}

void fix_ask(struct ui *ui, const struct problem *p, size_t index)
{
	const struct fix *f = &p->fixv[index];
	char *cmd;

	if (ui->review) {
		ui_set_message(ui, false, "review mode shows the merged history, read-only: F and B write the "
					  "fixes on HEAD");
		return;
	}
	if (f->kind == FIX_PLAN) { /* many steps: the plan view shows them */
		plan_view_open(ui);
		return;
	}
	if (f->kind == FIX_FULL_DEPENDENCY || f->kind == FIX_RUN) {
		ui_set_message(ui, false, "this fix is made in the file itself: E opens it in your editor");
		return;
	}
	confirm_clear(ui);
	cmd = fix_command(f);
	if (ui->always[CONFIRM_FIX]) {
		ui->confirm.command = cmd;
		fix_copy(&ui->confirm.fix, f);
		fix_apply_confirmed(ui);
		return;
	}
	confirm_open(ui, CONFIRM_FIX, xasprintf("fix: %s -- apply it? y: yes, a: yes to every fix until "
						"quit, n: no (u undoes it, nothing is written before w)", cmd));
	ui->confirm.command = cmd;
	fix_copy(&ui->confirm.fix, f);
}

/* Re-parents go through ui_retarget (a published revision still asks); a stub
 * with no parent opens the picker; the rest through fix_apply. */
static void apply_fix(struct ui *ui, const struct fix *f, const char *cmd)
{
	const struct graph *g = &ui->project.graph;
	uint32_t v = f->target ? graph_find(g, f->target) : NO_NODE;
	struct mt_error err = { 0 };

	if ((f->kind == FIX_SET_DOWN || f->kind == FIX_MAKE_BASE || f->kind == FIX_ADD_PARENT) && v != NO_NODE) {
		ui_retarget(ui, v, &f->parents, false);
	} else if (f->kind == FIX_STUB && !f->parents.n && v != NO_NODE) {
		ui_select_node(ui, v); /* its parent is the user's to choose */
		picker_open(ui, PICK_STUB_PARENT);
	} else if (fix_apply(&ui->edit, f, &err)) {
		char buf[sizeof(err.message) + sizeof(err.path) + 8];

		mt_error_format(&err, buf, sizeof(buf));
		ui_set_message(ui, true, "refused: %s", buf);
	} else {
		ui_after_edit(ui, f->target);
		ui_set_message(ui, false, "done: %s (u undoes, D shows the diff, w saves)", cmd);
	}
}

void fix_apply_confirmed(struct ui *ui)
{
	struct fix f;
	char *cmd = ui->confirm.command;

	if (!cmd)
		return;
	f = ui->confirm.fix; /* taken out: applying may open another confirmation */
	memset(&ui->confirm.fix, 0, sizeof(ui->confirm.fix));
	ui->confirm.command = NULL;
	confirm_clear(ui);
	apply_fix(ui, &f, cmd);
	fix_free(&f);
	free(cmd);
}
