/* ui.c - the explorer's state, input loop, status bar and search.
 *
 * Views draw from struct ui and handle their keys (main_view.c, detail_view.c,
 * problem_view.c, help_view.c); this file owns what they share. Headless mode
 * (headless.c) is tig's: the same drawing code on a virtual screen, keys from a
 * script, the final screen dumped. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <curses.h>
#include <pcre2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "migtree/headless.h"
#include "migtree/quote.h"
#include "migtree/ui.h"

#define FOLD_MIN_RUN 20

/* ---- derived state ------------------------------------------------------ */

static bool row_is_plain(const struct ui *ui, uint32_t row)
{
	const struct node *nd = &ui->project.graph.nodes[ui->layout.node[row]];
	const uint8_t *c = ui->layout.cells + ui->layout.cell_off[row];

	if (nd->phantom || nd->is_head || nd->is_base || nd->is_branch_point || nd->is_merge_point ||
	    nd->n_labels || nd->deps.n || nd->dependants.n || nd->down.n != 1 ||
	    ui->mark[ui->layout.node[row]] != MARK_NONE)
		return false;
	for (uint16_t i = 0; i < ui->layout.n_cells[row]; i++)
		if (c[i] & (CELL_LEFT | CELL_RIGHT))
			return false;
	return true;
}

/* Width of the id column: the longest id as drawn (<U+200B> is 8 columns). The
 * main view caps it at a share of the screen. A missing revision's id is left
 * out: its row takes the room it needs. */
static int id_width(const struct graph *g)
{
	int w = 8;

	for (uint32_t i = 0; i < g->n; i++) {
		int n = g->nodes[i].phantom ? 0 : draw_width(g->nodes[i].id);

		if (n > w)
			w = n;
	}
	return w;
}

void ui_derive(struct ui *ui)
{
	const struct graph *g = &ui->project.graph;

	ui->id_w = id_width(g);
	ui->unsaved = edit_changed(&ui->edit, NULL, 0);

	layout_build(&ui->layout, &ui->project);
	ui->mark = xcalloc(g->n ? g->n : 1, 1);
	for (size_t i = 0; i < g->problems.n; i++) {
		const struct problem *p = &g->problems.v[i];
		uint32_t v = p->revision ? graph_find(g, p->revision) : NO_NODE;
		uint8_t m = problem_severity(p->kind) == SEVERITY_ERROR ? MARK_ERROR : MARK_WARNING;

		if (v != NO_NODE && m > ui->mark[v])
			ui->mark[v] = m;
	}
	ui->plain = xcalloc(ui->layout.n_rows ? ui->layout.n_rows : 1, sizeof(bool));
	ui->open_at = xcalloc(ui->layout.n_rows ? ui->layout.n_rows : 1, sizeof(bool));
	for (uint32_t r = 0; r < ui->layout.n_rows; r++)
		ui->plain[r] = row_is_plain(ui, r);
	display_build(&ui->display, &ui->layout, ui->plain, ui->fold ? FOLD_MIN_RUN : UINT32_MAX,
		      ui->open_at);
}

void ui_underive(struct ui *ui)
{
	layout_free(&ui->layout);
	display_free(&ui->display);
	free(ui->mark);
	free(ui->plain);
	free(ui->open_at);
	ui->mark = NULL;
	ui->plain = ui->open_at = NULL;
}

uint32_t ui_line_count(const struct ui *ui)
{
	return ui->display.n;
}

uint32_t ui_line_node(const struct ui *ui, uint32_t line)
{
	uint32_t idx = ui->oldest_first ? ui->display.n - 1 - line : line;

	return ui->layout.node[ui->display.v[idx].first];
}

uint32_t ui_line_of_node(struct ui *ui, uint32_t node)
{
	uint32_t row = ui->layout.row_of[node], idx = display_find(&ui->display, row);
	const struct display_line *dl = &ui->display.v[idx];

	if (dl->first != dl->last && dl->first != row) { /* inside a fold: open it */
		ui->open_at[dl->first] = true;
		display_build(&ui->display, &ui->layout, ui->plain, ui->fold ? FOLD_MIN_RUN : UINT32_MAX,
			      ui->open_at);
		idx = display_find(&ui->display, row);
	}
	return ui->oldest_first ? ui->display.n - 1 - idx : idx;
}

void ui_select_node(struct ui *ui, uint32_t node)
{
	ui->sel = ui_line_of_node(ui, node);
}

char *ui_selected_id(const struct ui *ui)
{
	return ui_line_count(ui) ? xstrdup(ui->project.graph.nodes[ui_line_node(ui, ui->sel)].id) : NULL;
}

void ui_set_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof(ui->message), fmt, ap);
	va_end(ap);
	ui->message_is_error = error;
	/* whatever went wrong may have reached the terminal too (a library writing
	 * to stderr): every message repaints the whole screen */
	ui->repaint = true;
}

/* cli_error while the screen is up: the message goes to the status bar. */
static void error_to_status(void *ctx, const char *msg)
{
	ui_set_message(ctx, true, "%s", msg);
}

/* ---- search ------------------------------------------------------------- */

static bool match_text(const struct ui *ui, const char *s)
{
	return s && pcre2_match(ui->search_code, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0,
				ui->search_md, NULL) >= 0;
}

bool ui_node_matches(const struct ui *ui, uint32_t node)
{
	const struct node *nd = &ui->project.graph.nodes[node];

	if (!ui->search_code)
		return false;
	if (match_text(ui, nd->id))
		return true;
	if (nd->phantom)
		return false;
	if (match_text(ui, nd->file->message) || match_text(ui, nd->file->path))
		return true;
	for (uint32_t i = 0; i < nd->n_labels; i++)
		if (match_text(ui, nd->labels[i]))
			return true;
	return false;
}

static bool set_search(struct ui *ui, const char *pattern)
{
	int code;
	PCRE2_SIZE off;
	uint32_t opts = PCRE2_UTF;
	pcre2_code *re;

	for (const char *p = pattern; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			break;
		else if (!p[1])
			opts |= PCRE2_CASELESS; /* smart case, as less and vim do */
	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[200];

		pcre2_get_error_message(code, msg, sizeof(msg));
		ui_set_message(ui, true, "invalid pattern /%s/: %s (at %zu)", pattern, (char *)msg, (size_t)off);
		return false;
	}
	pcre2_match_data_free(ui->search_md);
	pcre2_code_free(ui->search_code);
	free(ui->search);
	ui->search = xstrdup(pattern);
	ui->search_code = re;
	ui->search_md = pcre2_match_data_create_from_pattern(re, NULL);
	return true;
}

void ui_search_next(struct ui *ui, int dir)
{
	uint32_t n = ui_line_count(ui);

	if (!ui->search_code) {
		ui_set_message(ui, true, "no search yet: / starts one");
		return;
	}
	/* folded runs hide rows: search rows, then show the hit */
	for (uint32_t k = 1; k <= n; k++) {
		uint32_t line = (dir > 0 ? ui->sel + k : ui->sel + n - k) % n;
		uint32_t idx = ui->oldest_first ? n - 1 - line : line;
		const struct display_line *dl = &ui->display.v[idx];

		for (uint32_t r = dl->first; r <= dl->last; r++)
			if (ui_node_matches(ui, ui->layout.node[r])) {
				ui_select_node(ui, ui->layout.node[r]);
				ui_set_message(ui, false, "/%s", ui->search);
				return;
			}
	}
	ui_set_message(ui, true, "pattern not found: %s", ui->search);
}

/* A signal that ends the program ends it with the terminal restored: the handler
 * only records it (endwin is no async-signal-safe call), getch returns on the
 * interrupted read, and ui_read_key restores the terminal and dies of the same
 * signal, so the shell sees the conventional status. */
static volatile sig_atomic_t fatal_signal;

static void on_fatal_signal(int sig)
{
	fatal_signal = sig;
}

static void catch_fatal_signals(void)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the read in getch must return */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void die_of_signal_if_any(void)
{
	int sig = fatal_signal;

	if (!sig)
		return;
	endwin();
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig); /* not reached */
}

/* ---- input -------------------------------------------------------------- */

static int mouse_row = -1, mouse_bstate;

int ui_read_key(struct ui *ui)
{
	int key;

	if (!ui->headless) {
		die_of_signal_if_any();
		key = getch();
		die_of_signal_if_any();
		if (key == KEY_MOUSE) {
			MEVENT ev;

			if (getmouse(&ev) != OK)
				return ERR;
			mouse_row = ev.y;
			mouse_bstate = (int)ev.bstate;
		}
		return key;
	}
	return headless_read_key(&mouse_row, &mouse_bstate);
}

static void draw(struct ui *ui);

/* The search prompt on the last line; our own loop so scripts can type into it.
 * A resize redraws everything under it and keeps what was typed. */
void ui_prompt_search(struct ui *ui)
{
	char buf[256] = "";
	size_t len = 0;

	for (;;) {
		int key;

		move(LINES - 1, 0);
		clrtoeol();
		attron(draw_attr(C_STATUS));
		draw_fill(LINES - 1, 0, COLS);
		mvaddstr(LINES - 1, 0, "/");
		draw_text(buf, COLS - 2);
		attroff(draw_attr(C_STATUS));
		refresh();
		key = ui_read_key(ui);
		if (key == KEY_RESIZE || key == ('l' & 0x1f)) {
			ui->repaint = true;
			draw(ui);
			continue;
		}
		if (key == '\n' || key == '\r' || key == KEY_ENTER)
			break;
		if (key == 27 || key == -2) {
			ui_set_message(ui, false, "search cancelled");
			return;
		}
		if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
			buf[--len] = '\0';
		else if (key >= 0x20 && key < 0x100 && len + 1 < sizeof(buf))
			buf[len++] = (char)key, buf[len] = '\0';
	}
	if (!len) {
		if (ui->search)
			ui_search_next(ui, 1);
		return;
	}
	if (set_search(ui, buf))
		ui_search_next(ui, 1);
}

/* ---- screen ------------------------------------------------------------- */

static void draw_status(struct ui *ui)
{
	const struct graph *g = &ui->project.graph;
	char left[512], right[128];
	size_t errors = problem_count(&g->problems, SEVERITY_ERROR);
	size_t warnings = problem_count(&g->problems, SEVERITY_WARNING);
	uint32_t n = ui_line_count(ui);
	int rw;

	attron(draw_attr(C_STATUS));
	draw_fill(LINES - 1, 0, COLS);
	{
		uint32_t revs = g->n - (uint32_t)g->owned.n;

		size_t unsaved = ui->unsaved;

		snprintf(left, sizeof(left), "%u revision%s  %u head%s  %u base%s  %zu error%s  %zu warning%s",
			 revs, revs == 1 ? "" : "s", g->heads.n, g->heads.n == 1 ? "" : "s", g->bases.n,
			 g->bases.n == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings,
			 warnings == 1 ? "" : "s");
		if (unsaved)
			snprintf(left + strlen(left), sizeof(left) - strlen(left), "  %zu unsaved", unsaved);
	}
	snprintf(right, sizeof(right), " %u/%u  ?:help", n ? ui->sel + 1 : 0, n);
	rw = (int)strlen(right);
	move(LINES - 1, 0);
	if (ui->message[0]) { /* the message first; the counts follow when they fit */
		int used;

		if (ui->message_is_error)
			attron(A_BOLD);
		used = draw_text(ui->message, COLS - rw > 0 ? COLS - rw : 0);
		attroff(A_BOLD);
		if (COLS - rw - used > (int)strlen(left) + 4) {
			move(LINES - 1, used);
			draw_text(ui->ascii ? "  | " : "  \u2502 ", 4);
			draw_text(left, COLS - rw - used - 4);
		}
	} else {
		draw_text(left, COLS - rw > 0 ? COLS - rw : 0);
	}
	if (COLS > rw)
		mvaddstr(LINES - 1, COLS - rw, right);
	attroff(draw_attr(C_STATUS));
}

/* Rows of the history above the detail pane, in a screen of H rows. */
static int detail_split(int h)
{
	return h / 2 > 3 ? h / 2 : 3;
}

static void draw_title(int y, const char *title)
{
	attron(draw_attr(C_TITLE));
	draw_fill(y, 0, COLS);
	move(y, 0);
	draw_text(title, COLS);
	attroff(draw_attr(C_TITLE));
}

static void draw(struct ui *ui)
{
	int h = LINES - 1;

	if (ui->repaint && !ui->headless)
		clearok(curscr, TRUE);
	ui->repaint = false;
	erase();
	if (LINES < 6 || COLS < 30) {
		mvaddstr(0, 0, "terminal too small");
		mvaddstr(1, 0, "(migtree needs 30x6)");
		refresh();
		return;
	}
	switch (ui->view) {
	case VIEW_MAIN:
		main_view_draw(ui, 0, h);
		break;
	case VIEW_DETAIL: {
		int top_h = detail_split(h);

		main_view_draw(ui, 0, top_h);
		draw_title(top_h, " revision  (j/k: move between links, Enter: go there, q: close)");
		detail_view_draw(ui, top_h + 1, h - top_h - 1);
		break;
	}
	case VIEW_PROBLEMS:
		draw_title(0, " problems  (Enter: go to the revision, q: back)");
		problem_view_draw(ui, 1, h - 1);
		break;
	case VIEW_HELP:
		draw_title(0, " keys  (q: back)");
		help_view_draw(ui, 1, h - 1);
		break;
	case VIEW_PICKER:
		picker_draw(ui, 0, h);
		break;
	case VIEW_DIFF:
		draw_title(0, " pending changes  (j/k: scroll, w: save, u: undo, q: back)");
		diff_view_draw(ui, 1, h - 1);
		break;
	case VIEW_CONFIRM:
		draw_title(0, " confirm");
		confirm_draw(ui, 1, h - 1);
		break;
	}
	draw_status(ui);
	refresh();
}

/* ---- keys shared by every view ------------------------------------------ */

void ui_reload(struct ui *ui, bool force)
{
	struct project fresh;
	char *keep = NULL;
	size_t pending = ui->unsaved;

	if (ui->review) { /* the merged history is made, not read: run review again */
		ui_set_message(ui, false, "review: the merged history is not on disk; quit and run review again");
		return;
	}
	if (pending && !force) {
		confirm_open(ui, CONFIRM_RELOAD,
			     xasprintf("%zu file%s changed and not saved: reload from disk and drop the changes? y/n",
				       pending, pending == 1 ? "" : "s"));
		return;
	}
	if (cli_load(ui->cli, &fresh)) { /* its message came to the status bar */
		char why[sizeof(ui->message)];

		snprintf(why, sizeof(why), "%s", ui->message);
		ui_set_message(ui, true, "reload failed: %s; still showing the old state", why);
		return;
	}
	keep = ui_selected_id(ui);
	edit_end(&ui->edit);
	project_free(&ui->project);
	ui->project = fresh;
	edit_begin(&ui->edit, &ui->project);
	ui_after_edit(ui, keep); /* rebuilt from the new project, the selection kept */
	ui_set_message(ui, false, "reloaded: %u revisions", ui->project.graph.n - (uint32_t)ui->project.graph.owned.n);
	free(keep);
}

static void mouse(struct ui *ui)
{
	uint32_t n = ui_line_count(ui);

	if (mouse_bstate & BUTTON4_PRESSED) {
		ui->sel = ui->sel > 3 ? ui->sel - 3 : 0;
	} else if (mouse_bstate & BUTTON5_PRESSED) {
		ui->sel = ui->sel + 3 < n ? ui->sel + 3 : (n ? n - 1 : 0);
	} else if (ui->view == VIEW_MAIN || ui->view == VIEW_DETAIL) {
		int main_h = ui->view == VIEW_MAIN ? LINES - 1 : detail_split(LINES - 1);

		uint32_t line;

		if (mouse_row >= 0 && mouse_row < main_h && main_view_line_at(ui, mouse_row, &line))
			ui->sel = line;
	}
}

static void handle_key(struct ui *ui, int key)
{
	int h = LINES - 1;
	bool done = false;

	if (key != KEY_RESIZE && key != ERR)
		ui->message[0] = '\0';
	switch (ui->view) {
	case VIEW_MAIN: done = main_view_key(ui, key, h); break;
	case VIEW_DETAIL: done = detail_view_key(ui, key) || main_view_key(ui, key, detail_split(h)); break;
	case VIEW_PROBLEMS: done = problem_view_key(ui, key, h - 1); break;
	case VIEW_HELP: done = help_view_key(ui, key, h - 1); break;
	case VIEW_PICKER: done = picker_key(ui, key, h - 2); break;
	case VIEW_DIFF: done = diff_view_key(ui, key, h - 1); break;
	case VIEW_CONFIRM: done = confirm_key(ui, key); break;
	}
	if (done || (ui->review ? review_key(ui, key) : repair_key(ui, key)))
		return;
	switch (key) {
	case 'q':
		if (ui->view != VIEW_MAIN) {
			ui->view = VIEW_MAIN;
		} else if (ui->unsaved) {
			size_t n = ui->unsaved;

			confirm_open(ui, CONFIRM_QUIT, xasprintf("%zu file%s changed and not saved: quit and drop the "
								 "changes? y/n (w saves)", n, n == 1 ? "" : "s"));
		} else {
			ui->quit = true;
		}
		break;
	case 27:
		ui->view = VIEW_MAIN;
		break;
	case '?': case KEY_F(1): case 'h':
		ui->view = VIEW_HELP;
		ui->help_top = 0;
		break;
	case 'p':
		ui->view = VIEW_PROBLEMS;
		break;
	case '/':
		ui_prompt_search(ui);
		break;
	case 'n':
		ui_search_next(ui, 1);
		break;
	case 'N':
		ui_search_next(ui, -1);
		break;
	case 'R':
		ui_reload(ui, false);
		break;
	case KEY_MOUSE:
		mouse(ui);
		break;
	case ('l' & 0x1f):
		ui->repaint = true;
		break;
	case KEY_RESIZE: case ERR:
		break;
	default:
		ui_set_message(ui, false, "unknown key; ? lists the keys");
	}
}

/* ---- set-up ------------------------------------------------------------- */

static int start_screen(struct ui *ui)
{
	const char *script = getenv("MIGTREE_SCRIPT");

	ui->headless = script && *script;
	if (ui->headless) {
		char err[MT_PATH_MAX + 128];

		if (headless_start(script, err, sizeof(err))) {
			cli_error("%s", err);
			return -1;
		}
	} else if (!initscr()) {
		cli_error("cannot start the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	} else {
		catch_fatal_signals();
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (!ui->headless)
		mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	draw_init_colors(ui->color);
	return 0;
}

/* The explorer over UI's project (loaded by the caller): the screen, the key
 * loop, and everything released at the end. */
static int ui_loop(struct ui *ui)
{
	ui_derive(ui);
	edit_begin(&ui->edit, &ui->project);
	if (!ui->review) {
		struct mt_error err = { 0 };

		if (published_load(&ui->project, ui->cli->published_ref, &ui->published, &err))
			ui_set_message(ui, true, "%s", err.message);
	}
	if (start_screen(ui)) {
		edit_end(&ui->edit);
		ui_underive(ui);
		project_free(&ui->project);
		return EXIT_USAGE;
	}
	cli_set_error_sink(error_to_status, ui);
	while (!ui->quit) {
		int key;

		draw(ui);
		key = ui_read_key(ui);
		if (key == -2)
			break;
		handle_key(ui, key);
	}
	if (ui->headless) {
		draw(ui);
		headless_dump(stdout);
	}
	cli_set_error_sink(NULL, NULL);
	endwin();
	if (ui->headless)
		headless_end();
	picker_close(ui);
	confirm_clear(ui);
	free(ui->diff_text);
	published_free(&ui->published);
	edit_end(&ui->edit);
	ui_underive(ui);
	project_free(&ui->project);
	pcre2_match_data_free(ui->search_md);
	pcre2_code_free(ui->search_code);
	free(ui->search);
	return EXIT_OK;
}

static void ui_init(struct ui *ui, struct cli *cli)
{
	const char *lang = getenv("LC_ALL") ? getenv("LC_ALL") : getenv("LANG");

	memset(ui, 0, sizeof(*ui));
	ui->cli = cli;
	ui->fold = true;
	ui->ascii = cli->ascii;
	ui->color = cli->color;
	if (MB_CUR_MAX == 1 && !(lang && strstr(lang, "UTF")))
		ui->ascii = true; /* a non-UTF-8 locale cannot show the box glyphs */
	cli->notes_shown = true; /* the status bar shows them: stderr is under the screen */
}

int ui_run(struct cli *cli)
{
	struct ui ui;

	ui_init(&ui, cli);
	if (cli_load(cli, &ui.project))
		return EXIT_USAGE;
	if (ui.project.config.notes.n) {
		char *notes = sl_join(&ui.project.config.notes, "; ");

		ui_set_message(&ui, false, "note: %s", notes);
		free(notes);
	}
	return ui_loop(&ui);
}

int ui_run_review(struct cli *cli, struct review *r, const char *base, const char *head)
{
	struct ui ui;
	struct ui_review rv = { r, base, head, NULL };
	int rc;

	ui_init(&ui, cli);
	ui.review = &rv;
	review_view_take(&ui, r);
	rc = ui_loop(&ui);
	free(rv.side);
	return rc;
}
