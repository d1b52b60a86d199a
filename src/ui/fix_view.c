/* fix_view.c - a problem's fixes as actions: each is a line the detail pane and
 * the problem list can select, and Enter applies it, after a confirmation that
 * shows its command, through the same edit calls as the picker (validated,
 * undoable with u, listed by D, written only by w).
 *
 * Fixes arrive as sentences ending in a migtree command (suggest.c); the
 * command is what is applied, read back here word by word. Only the three
 * repair commands are actions: set-down, merge, and stub (whose parent the
 * user picks). A fix that changes something else (a prefix written in full)
 * says so and offers the editor instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ui.h"

size_t fix_count(const struct problem *p)
{
	return p->fixes.n;
}

char *fix_line_text(const struct problem *p, size_t index)
{
	return xasprintf("    fix: %s", p->fixes.v[index]);
}

/* The command of fix INDEX ("set-down a b"), NULL when it has none. */
static const char *command_of(const struct problem *p, size_t index)
{
	const char *s = strstr(p->fixes.v[index], "migtree ");

	return s ? s + strlen("migtree ") : NULL;
}

void fix_ask(struct ui *ui, const struct problem *p, size_t index)
{
	const char *cmd = command_of(p, index);

	if (ui->review) {
		ui_set_message(ui, false, "review mode shows the merged history, read-only: F and B write the "
					  "fixes on HEAD");
		return;
	}
	if (!cmd || (strncmp(cmd, "set-down ", 9) && strncmp(cmd, "merge ", 6) && strncmp(cmd, "stub ", 5))) {
		ui_set_message(ui, false, "this fix is made in the file itself: E opens it in your editor");
		return;
	}
	if (ui->always[CONFIRM_FIX]) {
		confirm_clear(ui);
		ui->confirm.command = xstrdup(cmd);
		fix_apply_confirmed(ui);
		return;
	}
	confirm_open(ui, CONFIRM_FIX, xasprintf("fix: migtree %s -- apply it? y: yes, a: yes to every fix until "
						"quit, n: no (u undoes it, nothing is written before w)", cmd));
	ui->confirm.command = xstrdup(cmd);
}

/* Split CMD at spaces (ids have none). */
static void words(const char *cmd, struct strlist *out)
{
	for (const char *s = cmd; *s;) {
		size_t len = strcspn(s, " ");

		if (len)
			sl_push_owned(out, xstrndup(s, len));
		s += len + (s[len] == ' ');
	}
}

static void apply_words(struct ui *ui, const struct strlist *w)
{
	const struct graph *g = &ui->project.graph;
	struct strlist parents = { 0 };
	uint32_t v = w->n > 1 ? graph_find(g, w->v[1]) : NO_NODE;

	if (w->n >= 2 && !strcmp(w->v[0], "set-down") && v != NO_NODE) {
		for (size_t i = 2; i < w->n; i++)
			if (strcmp(w->v[i], "none"))
				sl_push(&parents, w->v[i]);
		ui_retarget(ui, v, &parents, false); /* a published revision still asks */
	} else if (w->n >= 3 && !strcmp(w->v[0], "merge")) {
		struct mt_error err = { 0 };
		char *new_id = NULL;

		for (size_t i = 1; i < w->n; i++)
			sl_push(&parents, w->v[i]);
		if (edit_create_merge(&ui->edit, &parents, "merge heads", &new_id, &err)) {
			char buf[sizeof(err.message) + sizeof(err.path) + 8];

			mt_error_format(&err, buf, sizeof(buf));
			ui_set_message(ui, true, "refused: %s", buf);
		} else {
			ui_after_edit(ui, new_id);
			ui_set_message(ui, false, "merge revision %s created (u undoes, D shows the diff, w saves)", new_id);
		}
		free(new_id);
	} else if (w->n >= 2 && !strcmp(w->v[0], "stub") && v != NO_NODE) {
		ui_select_node(ui, v); /* its parent is the user's to choose */
		picker_open(ui, PICK_STUB_PARENT);
	} else {
		ui_set_message(ui, true, "cannot apply: migtree %s names what this history does not have",
			       w->n ? w->v[0] : "");
	}
	sl_free(&parents);
}

void fix_apply_confirmed(struct ui *ui)
{
	struct strlist w = { 0 };

	if (!ui->confirm.command)
		return;
	words(ui->confirm.command, &w);
	confirm_clear(ui);
	apply_words(ui, &w);
	sl_free(&w);
}
