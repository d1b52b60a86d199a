/* help_view.c - every key, grouped (? or F1). */
#include <curses.h>
#include <string.h>

#include "migtree/ui.h"

static const char *const help[] = {
	"Move",
	"  j k  Down Up          next / previous revision",
	"  PgDn PgUp  Space b    a page down / up",
	"  g G  Home End         first / last revision",
	"  ] [                   next / previous revision with a problem",
	"  } {                   next / previous head",
	"  ) (                   next / previous base",
	"  mouse                 click selects, wheel scrolls",
	"View",
	"  Enter                 detail pane: file, header, parents, children, problems",
	"                        (j/k move between its links, Enter follows one)",
	"  p                     problem list, errors first (Enter: go to the revision)",
	"  o                     newest first / oldest first",
	"  z                     fold / unfold the long straight run under the cursor",
	"  Z                     fold all long runs / unfold everything",
	"  R                     reload from disk, keeping the selection",
	"Search",
	"  /PATTERN Enter        regular expression (PCRE2) over id, message, path, labels;",
	"                        lower case only means case-insensitive",
	"  n N                   next / previous match",
	"Repair (nothing is written before w)",
	"  e                     retarget: pick the new down_revision (None makes a base);",
	"                        suggested candidates first, cycle-making ones refused",
	"  a                     add a parent (makes a merge point)",
	"  c                     on a MISSING row: create its placeholder file",
	"  M                     on a head: create a merge revision with another head",
	"  u  Ctrl-R             undo / redo",
	"  D                     the diff of every pending change",
	"  w                     save (lists the files, asks first; atomic, never half-written)",
	"Review mode (migtree review BASE [HEAD] --explore: the merged history, read-only)",
	"  [BASE] [HEAD] [both]  which side of the merge brings the revision",
	"  F                     write the merge revision of the heads on HEAD (asks first)",
	"  B                     put HEAD's new line after BASE's head (asks first)",
	"Other",
	"  ? F1 h                this help",
	"  q Esc                 close this view; q in the history quits",
	"Marks",
	"  \u2717  an error on that revision    !  a warning",
	"  MISSING  a revision referenced but defined by no file (red)",
	"  [head] [base] [branch] [merge] (branch label) \u21e2dependency",
};

/* The same lines where only ASCII can be shown. */
static const char *ascii_line(const char *line)
{
	if (strstr(line, "\u2717"))
		return "  E  an error on that revision    !  a warning";
	if (strstr(line, "\u21e2"))
		return "  [head] [base] [branch] [merge] (branch label) needs:dependency";
	return line;
}

void help_view_draw(struct ui *ui, int top, int height)
{
	int n = (int)(sizeof(help) / sizeof(help[0]));

	if ((int)ui->help_top > n - 1)
		ui->help_top = (uint32_t)(n - 1);
	for (int i = 0; i < height && (int)ui->help_top + i < n; i++) {
		const char *line = help[ui->help_top + (uint32_t)i];

		if (ui->ascii)
			line = ascii_line(line);

		move(top + i, 0);
		if (line[0] != ' ')
			attron(A_BOLD | draw_attr(C_GRAPH));
		draw_text(line, COLS);
		attroff(A_BOLD | draw_attr(C_GRAPH));
	}
}

bool help_view_key(struct ui *ui, int key, int height)
{
	(void)height;
	if (key == 'j' || key == KEY_DOWN) {
		ui->help_top++;
		return true;
	}
	if (key == 'k' || key == KEY_UP) {
		ui->help_top = ui->help_top ? ui->help_top - 1 : 0;
		return true;
	}
	return key == '?' || key == KEY_F(1) || key == 'h' ? (ui->view = VIEW_MAIN, true) : false;
}
