/* pager.c - the generic pager: a title and lines of text, scrolled down and
 * sideways. Help, the diff of pending changes and a revision's source are
 * pagers; each only says how to make its lines and colour them.
 *
 * It never scrolls into blank space (the last page ends on the last line) and
 * a line that goes on past the screen's edge is marked (» and «), so nothing is
 * cut without the user seeing it; ← → scroll sideways. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/source.h"
#include "migtree/ui.h"

struct pager *ui_pager(struct ui *ui, enum view_kind kind)
{
	switch (kind) {
	case VIEW_DIFF: return &ui->pager[1];
	case VIEW_SOURCE: return &ui->pager[2];
	case VIEW_PLAN: return &ui->pager[3];
	default: return &ui->pager[0];
	}
}

void pager_free(struct pager *pg)
{
	free(pg->title);
	sl_free(&pg->lines);
	memset(pg, 0, sizeof(*pg));
}

/* Tabs as spaces (to the next multiple of 8) and CRs dropped: a pager shows a
 * file's layout, and quote.c would show a tab as ^I. */
static char *expand(const char *s, size_t len)
{
	struct strbuf sb;
	size_t col = 0;

	sb_init(&sb);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\t') {
			do
				sb_addc(&sb, ' ');
			while (++col % 8);
		} else if (s[i] != '\r') {
			sb_addc(&sb, s[i]);
			col++;
		}
	}
	return sb.buf ? sb_detach(&sb) : xstrdup("");
}

void pager_set_text(struct pager *pg, char *title, const char *text, bool numbered)
{
	int (*role)(const char *) = pg->role;
	int line = 1;

	pager_free(pg);
	pg->role = role;
	pg->title = title;
	for (const char *s = text; *s; line++) {
		size_t len = strcspn(s, "\n");
		char *t = expand(s, len);

		sl_push_owned(&pg->lines, numbered ? xasprintf("%4d  %s", line, t) : xstrdup(t));
		free(t);
		s += len + (s[len] == '\n');
	}
}

static uint32_t last_top(const struct pager *pg, int height)
{
	return pg->lines.n > (size_t)height && height > 0 ? (uint32_t)(pg->lines.n - (size_t)height) : 0;
}

void pager_view_draw(struct ui *ui, int top, int height)
{
	struct pager *pg = ui_pager(ui, ui->view);
	int body = height - 1;

	draw_title(top, pg->title ? pg->title : "");
	if (pg->top > last_top(pg, body))
		pg->top = last_top(pg, body);
	if (!pg->lines.n)
		mvaddstr(top + 1, 0, ui->view == VIEW_DIFF ? "No pending changes." : "(empty)");
	for (int i = 0; i < body && pg->top + (size_t)i < pg->lines.n; i++) {
		const char *line = pg->lines.v[pg->top + (size_t)i];
		int role = pg->role ? pg->role(line) : C_NORMAL;
		bool cut;

		move(top + 1 + i, 0);
		attron(draw_attr(role));
		draw_text_clip(line, (int)pg->left, COLS, &cut);
		attroff(draw_attr(role));
		if (cut || (pg->left && *line))
			draw_more(ui, top + 1 + i, pg->left && draw_width(line) > (int)pg->left, cut);
	}
}

bool pager_view_request(struct ui *ui, enum request req, int key, int height)
{
	struct pager *pg = ui_pager(ui, ui->view);
	uint32_t body = height > 2 ? (uint32_t)height - 1 : 1, page = body > 1 ? body - 1 : 1;
	uint32_t last = last_top(pg, (int)body);

	(void)key;
	switch (req) {
	case REQ_MOVE_DOWN: pg->top = pg->top < last ? pg->top + 1 : last; return true;
	case REQ_MOVE_UP: pg->top = pg->top ? pg->top - 1 : 0; return true;
	case REQ_PAGE_DOWN: pg->top = pg->top + page < last ? pg->top + page : last; return true;
	case REQ_PAGE_UP: pg->top = pg->top > page ? pg->top - page : 0; return true;
	case REQ_MOVE_FIRST: pg->top = 0; return true;
	case REQ_MOVE_LAST: pg->top = last; return true;
	case REQ_SCROLL_RIGHT: pg->left += (uint32_t)(COLS / 2); return true;
	case REQ_SCROLL_LEFT: pg->left = pg->left > (uint32_t)(COLS / 2) ? pg->left - (uint32_t)(COLS / 2) : 0; return true;
	default: return false;
	}
}

/* ---- the source view ------------------------------------------------------ */

void source_view_open(struct ui *ui, uint32_t node)
{
	const struct node *nd;
	struct pager *pg = ui_pager(ui, VIEW_SOURCE);
	struct mt_error err = { 0 };
	char *bytes = NULL;
	size_t len;

	if (node == NO_NODE)
		return;
	nd = &ui->project.graph.nodes[node];
	if (nd->phantom) {
		ui_set_message(ui, true, "%s is missing: no file to show (c creates its placeholder)", nd->id);
		return;
	}
	if (!nd->file->text && /* files keep no bytes once parsed (scan.h): read again */
	    revision_file_bytes(nd->file, source_worktree(), &bytes, &len, &err)) {
		ui_set_message(ui, true, "%s", err.message);
		return;
	}
	pg->role = NULL;
	pager_set_text(pg, xasprintf(" source  %s  (\u2190\u2192: sideways, q: back)",
				     nd->file->path), nd->file->text ? nd->file->text : bytes, true);
	free(bytes);
	view_open(ui, VIEW_SOURCE);
}
