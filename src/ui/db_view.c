/* db_view.c - where the database stands, in the explorer: its stamps read
 * once (and again on R), held against the history shown.
 *
 * The database is named by the commands' rule (cli_db_state: --db, else
 * MIGTREE_DB, else the configuration's URL when it is a local SQLite file): a
 * network database is contacted only when asked. What was read (the stamps)
 * is kept; what it means (applied, pending, unknown) is worked out again on
 * every graph the user's edits make, in one walk, since node numbers change
 * with each. The revisions applied when the files were read are guarded
 * like published ones (published.h): a new parent strands the database that
 * ran them, whatever the edits in memory make of the history since. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ui.h"

/* The state of the same stamps against the graph shown now. */
static void recompute(struct ui *ui)
{
	struct db_state fresh;

	if (!ui->db_read)
		return;
	db_state_compute(&ui->project.graph, ui->db.url_display, &ui->db.stamps, ui->db.no_table, &fresh);
	db_state_free(&ui->db);
	ui->db = fresh;
}

void ui_db_derive(struct ui *ui)
{
	recompute(ui);
}

/* Read the database the rule names into *ST against the graph shown: 1 when
 * one was read, 0 when none is named, -1 with the reason in the status bar. */
static int read_state(struct ui *ui, struct db_state *st)
{
	struct mt_error err = { 0 };
	char why[sizeof(err.message) + sizeof(err.path) + 8];

	memset(st, 0, sizeof(*st));
	if (cli_db_state(ui->cli, &ui->project, false, st, &err) == 0)
		return st->url_display ? 1 : 0;
	mt_error_format(&err, why, sizeof(why));
	ui_set_message(ui, true, "database not read: %s", why);
	db_state_free(st);
	memset(st, 0, sizeof(*st));
	return -1;
}

void ui_db_guard(struct ui *ui)
{
	if (!ui->db_read)
		return;
	published_set_applied(&ui->published, &ui->project.graph, &ui->db);
	if (ui->edit.p)
		edit_set_published(&ui->edit, &ui->published);
}

void ui_db_load(struct ui *ui)
{
	struct db_state st;
	int rc = read_state(ui, &st);

	ui->db_named = rc != 0;
	if (rc <= 0)
		return;
	ui->db = st;
	ui->db_read = true; /* guarded once the session and what git knows are there (ui_db_guard) */
}

static bool same_stamps(const struct db_state *a, const struct db_state *b)
{
	return a->no_table == b->no_table && sl_equal(&a->stamps, &b->stamps) &&
	       !strcmp(a->url_display, b->url_display);
}

/* The reload's message says the database was read too. */
static void said_reread(struct ui *ui)
{
	size_t len = strlen(ui->message);

	if (len && !ui->message_is_error)
		snprintf(ui->message + len, sizeof(ui->message) - len, "; database re-read");
	else if (!len)
		ui_set_message(ui, false, "database re-read");
}

void ui_db_reread(struct ui *ui)
{
	struct db_state st;
	char *keep;
	int rc;

	if (ui->review || !ui->db_named)
		return;
	if ((rc = read_state(ui, &st)) <= 0) {
		if (rc == 0) /* the configuration no longer names one */
			ui_set_message(ui, false, "no database named any more: --db URL or MIGTREE_DB names one");
		return; /* the stamps read before stay shown: the message says they are old */
	}
	said_reread(ui);
	if (ui->db_read && same_stamps(&ui->db, &st)) {
		db_state_free(&st);
		return;
	}
	db_state_free(&ui->db);
	ui->db = st;
	ui->db_read = true;
	recompute(ui); /* read against the files' graph; the one shown may be edited */
	ui_db_guard(ui);
	/* the marks and the rows that fold depend on the stamps: derived afresh,
	 * and nothing kept from the old stamps for an undo */
	keep = ui_selected_id(ui);
	ui_kept_free(ui);
	ui_after_edit(ui, keep);
	ui_kept_free(ui);
	free(keep);
}

void ui_db_free(struct ui *ui)
{
	if (ui->db_read)
		db_state_free(&ui->db);
	memset(&ui->db, 0, sizeof(ui->db));
	ui->db_read = false;
}

bool ui_db_stamp(const struct ui *ui, uint32_t node)
{
	return ui->db_read && db_state_stamped(&ui->db, node);
}

bool ui_db_pending_head(const struct ui *ui, uint32_t node)
{
	return ui->db_read && db_state_pending_head(&ui->db, node);
}

void ui_db_status(const struct ui *ui, char *buf, size_t size)
{
	const struct db_state *st = &ui->db;
	size_t len;

	buf[0] = '\0';
	if (!ui->db_read)
		return;
	snprintf(buf, size, "db: %u pending", st->n_pending);
	len = strlen(buf);
	if (st->unknown.n == 1)
		snprintf(buf + len, size - len, ", unknown stamp %s", st->unknown.v[0]);
	else if (st->unknown.n > 1)
		snprintf(buf + len, size - len, ", %zu unknown stamps", (size_t)st->unknown.n);
	len = strlen(buf);
	snprintf(buf + len, size - len, "%s", ui->ascii ? " | " : " \u2502 ");
}

/* ---- the unknown stamps, pinned above the history ---- */

#define PINNED_MAX 3

int ui_db_pinned_rows(const struct ui *ui, int height)
{
	size_t n = ui->db_read ? ui->db.unknown.n : 0;
	int cap = height / 3;

	if (n > PINNED_MAX)
		n = PINNED_MAX; /* the last says how many more */
	return (int)n < cap ? (int)n : cap;
}

static int put(int role, const char *s, int max)
{
	int used;

	if (max <= 0)
		return 0;
	attron(draw_attr(role));
	used = draw_text(s, max);
	attroff(draw_attr(role));
	return used;
}

/* An unknown stamp as a missing revision's row: what it is, and where to
 * look. IDW is the id column (the id is never cut, as a missing one's). */
static void draw_unknown(const struct ui *ui, const char *id, int y, int width, int graph_w, int idw)
{
	int used = 0, w = draw_width(id), end = (w > idw ? w : idw) + 1;

	move(y, 0);
	used += put(C_PHANTOM, ui->ascii ? "x" : "\u25cc", width - used);
	used = graph_w > used && graph_w < width ? graph_w : used + 1; /* ids line up with the rows' */
	move(y, used);
	used += put(C_ERROR, ui->ascii ? "E " : "\u2717 ", width - used);
	used += put(C_PHANTOM, id, width - used);
	for (; w < end && used < width; w++, used++)
		addch(' ');
	used += put(C_PHANTOM, "UNKNOWN STAMP ", width - used);
	put(C_PHANTOM, "the database is stamped with it, no file defines it (check says where it went)",
	    width - used);
}

void ui_db_draw_pinned(const struct ui *ui, int top, int rows, int width, int graph_w, int idw)
{
	const struct strlist *u = &ui->db.unknown;

	for (int i = 0; i < rows; i++) {
		draw_fill(top + i, 0, width);
		if (i == rows - 1 && u->n > (size_t)rows) {
			char buf[128];

			snprintf(buf, sizeof(buf), "%s %zu more unknown stamps (check lists them)",
				 ui->ascii ? "..." : "\u2026", (size_t)u->n - (size_t)i);
			move(top + i, 0);
			put(C_PHANTOM, buf, width);
		} else {
			draw_unknown(ui, u->v[i], top + i, width, graph_w, idw);
		}
	}
}

char *ui_db_detail(const struct ui *ui, uint32_t node, int *role)
{
	const struct node *nd = &ui->project.graph.nodes[node];

	if (!ui->db_read || nd->phantom)
		return NULL;
	*role = C_APPLIED;
	if (ui_db_stamp(ui, node))
		return xasprintf("applied in %s (current: the database is stamped with it)", ui->db.url_display);
	if (db_state_applied(&ui->db, node))
		return xasprintf("applied in %s", ui->db.url_display);
	*role = C_WARNING;
	return xasprintf("pending: not applied in %s%s", ui->db.url_display,
			 ui->db.no_table ? " (it has no version table)" : "");
}
