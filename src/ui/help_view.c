/* help_view.c - every key of every view (? F1 h), made from the keymaps of
 * keys.c so that it lists exactly what the keys do; a pager. */
#include <curses.h>
#include <string.h>

#include "migtree/ui.h"

static const enum keymap_id order[] = {
	KEYMAP_MAIN, KEYMAP_DETAIL, KEYMAP_PROBLEMS, KEYMAP_PAGER, KEYMAP_DIFF, KEYMAP_PICKER,
	KEYMAP_CONFIRM, KEYMAP_GENERIC,
};

static const char *const marks[] = {
	"Marks",
	"  \u2717  an error on that revision    !  a warning",
	"  MISSING  a revision referenced but defined by no file (red)",
	"  [head] [base] [branch] [merge] (branch label) \u21e2dependency",
	"  [BASE] [HEAD] [both]  review mode: which side of the merge brings the revision",
	"  \u25c9 applied in the database (--db)  [current] its stamp  [pending] a head not applied",
	"  UNKNOWN STAMP  the database is stamped with a revision no file defines (red, on top)",
	"  \u00bb \u00ab  the line goes on past the edge: \u2190 \u2192 scroll sideways",
	"Nothing is written before w; u undoes every change.",
};

/* The same lines where only ASCII can be shown. */
static const char *ascii_line(const char *line)
{
	if (strstr(line, "\u2717"))
		return "  E  an error on that revision    !  a warning";
	if (strstr(line, "\u21e2"))
		return "  [head] [base] [branch] [merge] (branch label) needs:dependency";
	if (strstr(line, "\u25c9"))
		return "  [db] applied in the database (--db)  [current] its stamp  [pending] a head not applied";
	if (strstr(line, "\u00bb"))
		return "  > <  the line goes on past the edge: Left Right scroll sideways";
	return line;
}

static int help_role(const char *line)
{
	return line[0] != ' ' ? C_GRAPH : C_NORMAL;
}

void help_view_open(struct ui *ui)
{
	struct pager *pg = ui_pager(ui, VIEW_HELP);

	pager_free(pg);
	pg->title = xstrdup(" keys  (j/k PgDn/PgUp g/G: scroll, q: back)");
	pg->role = help_role;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		sl_push(&pg->lines, keymap_get(order[i])->name);
		keymap_help(order[i], &pg->lines);
	}
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		sl_push(&pg->lines, ui->ascii ? ascii_line(marks[i]) : marks[i]);
	view_open(ui, VIEW_HELP);
}
