/* ui.c - the explorer's state, input loop, status bar and search.
 *
 * Views draw from struct ui and handle their keys (main_view.c, detail_view.c,
 * problem_view.c, help_view.c); this file owns what they share. Headless mode
 * (headless.c) is tig's: the same drawing code on a virtual screen, keys from a
 * script, the final screen dumped. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <curses.h>
#include <pcre2.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "migtree/headless.h"
#include "migtree/order.h"
#include "migtree/quote.h"
#include "migtree/reload.h"
#include "migtree/ui.h"

/* ---- derived state ------------------------------------------------------ */

/* Width of the id column: the longest id as drawn (<U+200B> is 8 columns). The
 * main view caps it at a share of the screen. A missing revision's id is left
 * out: its row takes the room it needs. */
static int id_width(struct ui *ui)
{
	const struct graph *g = &ui->project.graph;
	int w = 8;

	if (g->ids_gen && ui->id_w_of.ids_gen == g->ids_gen)
		return ui->id_w_of.w; /* the same ids: an edit relinked a revision */
	for (uint32_t i = 0; i < g->n; i++) {
		int n = g->nodes[i].phantom ? 0 : draw_width(g->nodes[i].id);

		if (n > w)
			w = n;
	}
	ui->id_w_of.ids_gen = g->ids_gen;
	ui->id_w_of.w = w;
	return w;
}

/* PLAIN[r] for the N rows of FLAT and SHAPE (plain_between), eight rows a
 * step, each a byte 0 or 1 (a bool's): the compiler makes no vector loop of
 * it at -O2 (1M -> 0.2M instructions at 100,000 rows, an edit). */
static void plain_rows(bool *plain, const uint8_t *flat, const uint8_t *shape, uint32_t n)
{
	const uint64_t ones = 0x0101010101010101u;
	uint32_t r = 0;

	_Static_assert(sizeof(bool) == 1 && NODE_FLAT_LINE == 4 && ROW_TURNS == 1, "the bits read below");
	for (uint64_t f, s, p; r + 8 <= n; r += 8) {
		memcpy(&f, flat + r, sizeof(f));
		memcpy(&s, shape + r, sizeof(s));
		p = (f >> 2) & ~s & ones; /* each byte's own bits: the mask drops what the shift brings in */
		memcpy(plain + r, &p, sizeof(p));
	}
	for (; r < n; r++)
		plain[r] = (flat[r] & NODE_FLAT_LINE) && !(shape[r] & ROW_TURNS);
}

/* Rows past an edited revision's laid out before the screen is drawn
 * (ui_rederive_upto): a screen of lines and their folds, most of the time
 * (where not, ui_after_edit_shown derives the rest first). */
static uint32_t shown_rows_after(void)
{
	return (uint32_t)(LINES > 0 ? LINES : 24) * 16;
}

/* Which rows FROM .. TO - 1 (laid out) may fold into a run: a revision
 * with one parent and one child and nothing to show (NODE_FLAT_LINE), no
 * line turning on its row, no database stamp and no problem on it. From
 * the layout's rows and flags, in row order; the few stamped revisions and
 * those with a problem cleared after. */
static void plain_between(struct ui *ui, uint32_t from, uint32_t to)
{
	const struct graph *g = &ui->project.graph;
	const struct layout *l = &ui->layout;

	plain_rows(ui->plain + from, l->flat + from, l->shape + from, to - from);
	for (uint32_t k = 0; ui->db_read && k < ui->db.stamp_nodes.n; k++) {
		uint32_t v = ui->db.stamp_nodes.v[k];

		if (v < g->n && l->row_of[v] >= from && l->row_of[v] < to)
			ui->plain[l->row_of[v]] = false;
	}
	for (size_t i = 0; i < g->problems.n; i++) { /* a problem shows: never folded away */
		uint32_t v = g->problems.v[i].revision ? graph_find(g, g->problems.v[i].revision) : NO_NODE;

		if (v != NO_NODE && l->row_of[v] >= from && l->row_of[v] < to)
			ui->plain[l->row_of[v]] = false;
	}
}

/* The part derived from the graph alone, kept with the state it is of:
 * laid out as far as NODE's row and shown_rows_after() past it (NO_NODE:
 * every row). */
static void derive_graph_upto(struct ui *ui, uint32_t node)
{
	const struct graph *g = &ui->project.graph;

	ui->id_w = id_width(ui);
	/* after an edit the state before it is kept (swap_kept): its rows
	 * above and below the ones the edit changed are taken from it */
	layout_build_upto(&ui->layout, &ui->project, &ui->kept.layout, node, shown_rows_after());
	ui->plain = xmalloc(ui->layout.n_rows ? ui->layout.n_rows : 1);
	plain_between(ui, 0, layout_rows_final(&ui->layout));
	ui->mark = xcalloc(g->n ? g->n : 1, 1);
	for (size_t i = 0; i < g->problems.n; i++) {
		const struct problem *p = &g->problems.v[i];
		uint32_t v = p->revision ? graph_find(g, p->revision) : NO_NODE;
		uint8_t m = problem_severity(p->kind) == SEVERITY_ERROR ? MARK_ERROR : MARK_WARNING;

		if (v != NO_NODE && m > ui->mark[v])
			ui->mark[v] = m;
	}
	ui->derived_state = ui->edit.state;
}

static void derive_graph(struct ui *ui)
{
	derive_graph_upto(ui, NO_NODE);
}

/* The runs that hold a revision of OPENED with a row FROM .. TO - 1, opened. */
static void open_runs(struct ui *ui, const struct strlist *opened, uint32_t from, uint32_t to)
{
	for (size_t i = 0; opened && i < opened->n; i++) {
		uint32_t v = graph_find(&ui->project.graph, opened->v[i]);

		if (v != NO_NODE && ui->layout.row_of[v] >= from && ui->layout.row_of[v] < to)
			ui->open_at[display_run_first(&ui->layout, ui->plain, ui->layout.row_of[v])] = true;
	}
}

/* The part that is the user's view of it: folds opened (the runs that hold a
 * revision of OPENED, by id: rows change with a rebuild, ids do not),
 * restriction, lines (of the rows laid out). */
static void derive_view(struct ui *ui, const struct strlist *opened)
{
	ui->unsaved = edit_changed(&ui->edit, NULL, 0);
	ui->open_at = xcalloc(ui->layout.n_rows ? ui->layout.n_rows : 1, sizeof(bool));
	open_runs(ui, opened, 0, layout_rows_final(&ui->layout));
	ui_restrict_derive(ui);
	ui_lines_build(ui);
}

void ui_derive(struct ui *ui)
{
	derive_graph(ui);
	derive_view(ui, NULL);
}

static void label_sigs_free(struct ui *ui)
{
	free(ui->label_sigs);
	ui->label_sigs = NULL;
	ui->label_sigs_done = 0;
}

/* KEEP_ROOM: the lines are made again next (ui_rederive): their array is
 * kept for them, not grown again from nothing (20,000 lines at 100,000
 * revisions: a dozen reallocs an edit). */
static void underive_view(struct ui *ui, bool keep_room)
{
	if (keep_room)
		ui->display.n = 0;
	else
		display_free(&ui->display);
	free(ui->open_at);
	free(ui->vis);
	free(ui->restrict_mask);
	free(ui->match_cache);
	ui->match_cache = NULL;
	free(ui->node_sigs); /* the graph's texts: made again by the next search */
	ui->node_sigs = NULL;
	ui->node_sigs_done = 0;
	label_sigs_free(ui);
	label_match_free(&ui->label_match);
	ui->count.pending = false; /* its node numbers are the old graph's */
	ui->count.hits.n = 0;
	ui->rows_gen++;
	ui->open_at = ui->restrict_mask = NULL;
	ui->vis = NULL;
	ui->n_vis = 0;
}

void ui_underive(struct ui *ui)
{
	ui->settle.pending = false; /* layout_free lets the rest go */
	sl_free(&ui->settle.opened);
	layout_free(&ui->layout);
	free(ui->mark);
	free(ui->plain);
	ui->mark = NULL;
	ui->plain = NULL;
	underive_view(ui, false);
}

void ui_kept_free(struct ui *ui)
{
	ui_settle(ui); /* the layout laid so far goes on from the kept one */
	layout_free(&ui->kept.layout);
	free(ui->kept.mark);
	free(ui->kept.plain);
	memset(&ui->kept, 0, sizeof(ui->kept));
}

/* The graph-derived part now and the one kept trade places. */
static void swap_kept(struct ui *ui)
{
	struct ui_kept t = ui->kept;

	ui->kept = (struct ui_kept){ ui->derived_state, ui->layout, ui->mark, ui->plain, ui->id_w };
	ui->layout = t.layout;
	ui->mark = t.mark;
	ui->plain = t.plain;
	ui->id_w = t.id_w;
	ui->derived_state = t.state;
}

/* The rows the lines of a layout laid out up to row LAID hold: up to the
 * last that cannot fold (no run goes on past it), or every row. */
static uint32_t rows_to_show(const struct ui *ui, uint32_t laid)
{
	if (laid >= ui->layout.n_rows)
		return ui->layout.n_rows;
	while (laid > 0 && ui->plain[laid - 1])
		laid--;
	return laid;
}

bool ui_rederive_upto(struct ui *ui, const struct strlist *opened, uint32_t node)
{
	uint64_t now = ui->edit.state;

	ui_settle(ui);
	underive_view(ui, true);
	ui_db_derive(ui); /* the stamps against the new graph: one walk, whatever is kept */
	if (ui->kept.state && ui->kept.state == now) {
		swap_kept(ui); /* back to the state it was derived from */
	} else {
		ui_kept_free(ui);
		swap_kept(ui); /* the state left is kept; nothing is derived now */
		derive_graph_upto(ui, node);
	}
	if (layout_rows_final(&ui->layout) < ui->layout.n_rows) {
		ui->settle.pending = true;
		ui->settle.rows = rows_to_show(ui, layout_rows_final(&ui->layout));
		if (opened)
			sl_copy(&ui->settle.opened, opened);
	}
	derive_view(ui, opened);
	return ui->settle.pending;
}

void ui_rederive(struct ui *ui, const struct strlist *opened)
{
	(void)ui_rederive_upto(ui, opened, NO_NODE);
}

bool ui_settle(struct ui *ui)
{
	uint32_t from, n, sel_node = NO_NODE, sel_at = ui->sel > ui->top ? ui->sel - ui->top : 0;

	if (!ui->settle.pending)
		return false;
	from = layout_rows_final(&ui->layout);
	layout_finish(&ui->layout);
	n = ui->layout.n_rows;
	if (ui->layout.lines_hidden) { /* too wide after all: every row drawn again, flat, nothing folded */
		from = 0;
		memset(ui->open_at, 0, n ? n : 1);
		if (ui_line_count(ui))
			sel_node = ui_line_node(ui, ui->sel);
	}
	plain_between(ui, from, n);
	open_runs(ui, &ui->settle.opened, from, n);
	sl_free(&ui->settle.opened);
	ui->settle.pending = false;
	ui->rows_gen++;
	ui_lines_build(ui); /* the lines so far are the first of these, but where folds went */
	if (sel_node != NO_NODE) { /* the same revision selected, as far down the screen */
		ui_select_node(ui, sel_node);
		ui->top = ui->sel > sel_at ? ui->sel - sel_at : 0;
	}
	return true;
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
	ui->count.message = false;
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

static bool match_label(void *ui, const char *label)
{
	return match_text(ui, label);
}

/* A node's labels are its label set's: asked once a set (graph.h). */
static bool node_matches_now(struct ui *ui, const struct node *nd)
{
	if (match_text(ui, nd->id))
		return true;
	if (nd->phantom)
		return false;
	if (match_text(ui, nd->file->message) || match_text(ui, nd->file->path))
		return true;
	ui->label_match.match = match_label;
	ui->label_match.ctx = ui;
	return graph_label_set_matches(&ui->project.graph, nd->label_set, &ui->label_match);
}

/* May NODE match, as far as its signature tells (textsig.h)? Yes when there
 * is none to ask: no literal, or the signatures unfinished. */
static bool sig_may_match(const struct ui *ui, uint32_t node)
{
	return !ui->search_literal || !ui->node_sigs || ui->node_sigs_n != ui->project.graph.n ||
	       ui->node_sigs_done < ui->project.graph.n ||
	       textsig_may_hold(&ui->node_sigs[node], &ui->search_need);
}

/* Each node is matched once per pattern: `n`, the "k of m" count and the
 * highlight of every row drawn ask again and again. The cache goes with the
 * pattern (set_search) and with the graph (ui_underive: an edit renumbers).
 * A literal that a node's trigrams cannot hold is no match (textsig.h). */
bool ui_node_matches(const struct ui *ui, uint32_t node)
{
	struct ui *mut = (struct ui *)ui; /* the cache only: what matches does not change */

	if (!ui->search_code)
		return false;
	if (!mut->match_cache)
		mut->match_cache = xcalloc(ui->project.graph.n ? ui->project.graph.n : 1, 1);
	if (!mut->match_cache[node])
		mut->match_cache[node] = sig_may_match(ui, node) && node_matches_now(mut, &ui->project.graph.nodes[node])
						 ? MATCH_YES
						 : MATCH_NO;
	return mut->match_cache[node] == MATCH_YES;
}

/* The signature of label set S's labels: every set's up to S made, each
 * on the one below it (numbered before it). */
static const struct textsig *label_sig(struct ui *ui, uint32_t s)
{
	const struct graph *g = &ui->project.graph;

	if (!ui->label_sigs)
		ui->label_sigs = xcalloc(graph_label_sets(g), sizeof(struct textsig));
	for (; ui->label_sigs_done <= s; ui->label_sigs_done++) {
		uint32_t t = ui->label_sigs_done;
		struct textsig *sig = &ui->label_sigs[t];

		*sig = ui->label_sigs[graph_label_set_below(g, t)];
		for (uint32_t k = 0; k < graph_label_set_own(g, t); k++)
			textsig_add(sig, graph_label_set_name(g, t, k));
	}
	return &ui->label_sigs[s];
}

/* Up to MAX more nodes' signatures of the texts a search matches
 * (node_matches_now's), in node order (their strings were packed in that
 * order); false when every node has one. */
static bool node_sigs_slice(struct ui *ui, uint32_t max)
{
	const struct graph *g = &ui->project.graph;
	uint32_t end = g->n - ui->node_sigs_done < max ? g->n : ui->node_sigs_done + max;

	if (ui->node_sigs && ui->node_sigs_n != g->n) { /* another history: never read past its end */
		free(ui->node_sigs);
		ui->node_sigs = NULL;
		ui->node_sigs_done = 0;
		label_sigs_free(ui);
	}
	if (ui->node_sigs && ui->node_sigs_done == g->n)
		return false;
	if (!ui->node_sigs) {
		ui->node_sigs = xcalloc(g->n ? g->n : 1, sizeof(struct textsig));
		ui->node_sigs_n = g->n;
	}
	for (uint32_t i = ui->node_sigs_done; i < end; i++) {
		const struct node *nd = &g->nodes[i];
		struct textsig *sig = &ui->node_sigs[i];

		textsig_add(sig, nd->id);
		if (nd->phantom)
			continue;
		textsig_add(sig, nd->file->message);
		textsig_add(sig, nd->file->path);
		textsig_or(sig, label_sig(ui, nd->label_set));
	}
	ui->node_sigs_done = end;
	return true;
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
	/* JIT when the library has it (several times faster per match); the
	 * interpreter otherwise, with the same results */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	pcre2_match_data_free(ui->search_md);
	pcre2_code_free(ui->search_code);
	free(ui->match_cache);
	ui->match_cache = NULL;
	label_match_free(&ui->label_match); /* the last pattern's answers */
	ui->search_literal = textsig_of_pattern(pattern, &ui->search_need);
	ui->count.pending = false;
	ui->count.next = ui->count.hits.n = 0;
	ui->count.rows_gen = ui->rows_gen - 1; /* another pattern: nothing counted */
	free(ui->search);
	ui->search = xstrdup(pattern);
	ui->search_code = re;
	ui->search_md = pcre2_match_data_create_from_pattern(re, NULL);
	return true;
}

/* ---- the "k of m" count, in slices ---- */

/* Work units of one slice: a node already matched costs 1, one matched now
 * COUNT_FRESH (a regex run on its id, message and path: 1.3-1.8 us measured at
 * 100,000), so a slice is about 1 ms. A history whose whole count costs at most
 * COUNT_WHOLE (1,000 revisions) is counted at once. */
#define COUNT_BUDGET 16384
#define COUNT_WHOLE 32768
#define COUNT_FRESH 32

/* MIGTREE_COUNT_SLICE: a smaller slice, for the tests of a count that takes
 * several keys on a history small enough to ship. */
static uint64_t count_budget(const struct ui *ui)
{
	const char *e = getenv("MIGTREE_COUNT_SLICE");

	if (e && *e)
		return strtoull(e, NULL, 10);
	return (uint64_t)ui->project.graph.n * COUNT_FRESH <= COUNT_WHOLE ? COUNT_WHOLE : COUNT_BUDGET;
}

static void count_message(struct ui *ui)
{
	const struct search_count *c = &ui->count;

	if (c->pending)
		ui_set_message(ui, false, "/%s  (counting matches)", ui->search);
	else
		ui_set_message(ui, false, "/%s  %u of %u", ui->search, c->at, c->hits.n);
	ui->count.message = true;
}

/* The node of the K-th row in the order shown. */
static uint32_t shown_row_node(const struct ui *ui, uint32_t k)
{
	return ui->layout.node[ui->oldest_first ? ui->layout.n_rows - 1 - k : k];
}

/* Count on over the rows in the order shown (what a restriction hides
 * left out) until BUDGET is spent; from the start again when the rows
 * changed under the count. */
static void count_some(struct ui *ui, uint64_t budget)
{
	struct search_count *c = &ui->count;
	uint32_t n = ui->layout.n_rows;

	if (c->rows_gen != ui->rows_gen) {
		c->next = c->at = c->hits.n = 0;
		c->rows_gen = ui->rows_gen;
	}
	for (; c->next < n && budget; c->next++) {
		uint32_t v = shown_row_node(ui, c->next);
		uint64_t cost = ui->match_cache && ui->match_cache[v] ? 1 : COUNT_FRESH;

		if (ui->restrict_mask && !ui->restrict_mask[v])
			continue;
		budget -= cost < budget ? cost : budget;
		if (ui_node_matches(ui, v)) {
			u32_push(&c->hits, v);
			if (v == c->node)
				c->at = c->hits.n;
		}
	}
	c->pending = c->next < n;
}

void ui_search_count_slice(struct ui *ui)
{
	if (!ui->count.pending || !ui->search_code)
		return;
	count_some(ui, count_budget(ui));
	if (!ui->count.pending && ui->count.message)
		count_message(ui);
}

/* The rank of NODE among the matches of a finished count: a binary search by
 * row (the matches are in the order shown). */
static uint32_t rank_of(const struct ui *ui, uint32_t node)
{
	const struct search_count *c = &ui->count;
	uint32_t lo = 0, hi = c->hits.n, row = ui->layout.row_of[node];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, r = ui->layout.row_of[c->hits.v[mid]];

		if (ui->oldest_first ? r > row : r < row)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->hits.n && c->hits.v[lo] == node ? lo + 1 : 0;
}

/* The count of a new hit, NODE: the count of these rows goes on where it is
 * (done, its rank is known at once), else starts; as much as a slice does
 * now, the rest between the keys that follow (the message says so until it
 * is done). */
static void count_start(struct ui *ui, uint32_t node)
{
	struct search_count *c = &ui->count;

	c->node = node;
	c->message = false;
	if (c->rows_gen == ui->rows_gen) {
		c->at = rank_of(ui, node); /* 0 when not met yet: the count meets it */
	} else {
		c->next = c->at = c->hits.n = 0;
		c->rows_gen = ui->rows_gen;
		c->pending = true;
	}
	if (c->pending)
		count_some(ui, count_budget(ui));
	count_message(ui);
}

void ui_search_next(struct ui *ui, int dir)
{
	uint32_t n = ui_line_count(ui);

	if (!ui->search_code) {
		ui_set_message(ui, true, "no search yet: / starts one");
		return;
	}
	/* folded runs hide rows: search rows, then show the hit (through the
	 * signatures when the prompt finished them: not made here, where a hit
	 * may be the next row, as after an edit, which drops them) */
	for (uint32_t k = 1; k <= n; k++) {
		uint32_t line = (dir > 0 ? ui->sel + k : ui->sel + n - k) % n;
		const struct display_line *dl = ui_line(ui, line);

		for (uint32_t r = dl->first; r <= dl->last; r++)
			if (ui_node_matches(ui, ui->layout.node[r])) {
				uint32_t v = ui->layout.node[r];

				ui_select_node(ui, v);
				count_start(ui, v);
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

/* A core that gives up (out of memory, a picture too wide: exit(2) with a
 * message) leaves the terminal as it found it, the message readable. */
static void leave_screen_at_exit(void)
{
	if (!isendwin())
		endwin();
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
		if (ui->watch_fd >= 0) {
			/* what ncurses holds (typeahead, a resize) first, then wait on the
			 * terminal and the watch together, and ask ncurses again */
			for (;;) {
				int w;

				timeout(0);
				key = getch();
				timeout(-1);
				if (key != ERR)
					break;
				die_of_signal_if_any();
				if ((w = ui_watch_wait(ui)) == 1) {
					ui->watch_pending = true;
					return KEY_WATCH;
				}
				if (w < 0) { /* the terminal is gone or the watch broke: plain reads */
					ui_watch_stop(ui);
					key = getch();
					break;
				}
			}
		} else {
			key = getch();
		}
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

/* A line typed on the status line; our own loop so scripts can type into it.
 * A resize redraws everything under it and keeps what was typed. */
/* Nodes a search prompt signs between two keys (textsig.h): ~2.5 ms. */
#define SIG_SLICE 8192

/* While a search prompt waits for a key: the signatures its search will read,
 * a slice at a time while no key is waiting (scripted keys never wait: one
 * slice a key, the same every run). */
static void prompt_idle(struct ui *ui)
{
	struct pollfd in = { STDIN_FILENO, POLLIN, 0 };

	if (ui->headless)
		(void)node_sigs_slice(ui, SIG_SLICE);
	else
		while (poll(&in, 1, 0) == 0 && node_sigs_slice(ui, SIG_SLICE))
			;
}

static char *prompt_for(struct ui *ui, const char *label, const char *initial, bool search)
{
	char buf[256];
	size_t len;

	snprintf(buf, sizeof(buf), "%s", initial ? initial : "");
	len = strlen(buf);
	for (;;) {
		int key, used;

		move(LINES - 1, 0);
		clrtoeol();
		attron(draw_attr(C_STATUS));
		draw_fill(LINES - 1, 0, COLS);
		move(LINES - 1, 0);
		used = draw_text(label, COLS - 2);
		/* the end of a long entry stays in sight */
		draw_text_clip(buf, draw_width(buf) > COLS - used - 1 ? draw_width(buf) - (COLS - used - 1) : 0,
			       COLS - used - 1, NULL);
		attroff(draw_attr(C_STATUS));
		refresh();
		if (search)
			prompt_idle(ui);
		key = ui_read_key(ui);
		if (key == KEY_RESIZE || key == ('l' & 0x1f)) {
			ui->repaint = true;
			draw(ui);
			continue;
		}
		if (key == '\n' || key == '\r' || key == KEY_ENTER)
			return xstrdup(buf);
		if (key == 27 || key == -2)
			return NULL;
		if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
			buf[--len] = '\0';
		else if (key == ('u' & 0x1f)) /* as readline: the whole line */
			buf[len = 0] = '\0';
		else if (key >= 0x20 && key < 0x100 && len + 1 < sizeof(buf))
			buf[len++] = (char)key, buf[len] = '\0';
	}
}

char *ui_prompt(struct ui *ui, const char *label, const char *initial)
{
	return prompt_for(ui, label, initial, false);
}

void ui_prompt_search(struct ui *ui)
{
	char *pattern = prompt_for(ui, "/", "", true);

	if (!pattern) {
		ui_set_message(ui, false, "search cancelled");
		return;
	}
	if (!*pattern) {
		if (ui->search)
			ui_search_next(ui, 1);
	} else if (set_search(ui, pattern)) {
		ui_search_next(ui, 1);
	}
	free(pattern);
}

/* ---- screen ------------------------------------------------------------- */

/* Rows a message needs when it does not fit beside the counts: it wraps over
 * rows above the status bar, never cut (a third of the screen at most). */
static int message_rows(const struct ui *ui, int right_w)
{
	int w = ui->message[0] ? draw_width(ui->message) : 0, rows;

	if (w <= COLS - right_w || COLS < 1)
		return 0;
	rows = (w + COLS - 1) / COLS;
	return rows < LINES / 3 ? rows : LINES / 3;
}

int ui_body_height(const struct ui *ui)
{
	return LINES - 1 - message_rows(ui, 16);
}

static void draw_status(struct ui *ui, int msg_rows)
{
	const struct graph *g = &ui->project.graph;
	char left[1024], right[128], db[256];
	size_t errors = problem_count(&g->problems, SEVERITY_ERROR);
	size_t warnings = problem_count(&g->problems, SEVERITY_WARNING);
	uint32_t n = ui_line_count(ui), revs = g->n - (uint32_t)g->owned.n;
	int rw;

	attron(draw_attr(C_STATUS));
	draw_fill(LINES - 1, 0, COLS);
	ui_db_status(ui, db, sizeof(db));
	snprintf(left, sizeof(left), "%s%s%s%s%u revision%s  %u head%s  %u base%s  %zu error%s  %zu warning%s",
		 ui->restrict_spec ? "range " : "", ui->restrict_spec ? ui->restrict_spec : "",
		 ui->restrict_spec ? (ui->ascii ? " | " : " \u2502 ") : "", db, revs, revs == 1 ? "" : "s", g->heads.n, g->heads.n == 1 ? "" : "s", g->bases.n,
		 g->bases.n == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	if (ui->unsaved)
		snprintf(left + strlen(left), sizeof(left) - strlen(left), "  %zu unsaved", ui->unsaved);
	if (ui->layout.lines_hidden)
		snprintf(left + strlen(left), sizeof(left) - strlen(left), "  graph lines hidden: too many side by side");
	if (ui->settle.pending) /* the lines past the screen are still to come */
		snprintf(right, sizeof(right), " %u/%s  ?:help", n ? ui->sel + 1 : 0, ui->ascii ? "..." : "\u2026");
	else
		snprintf(right, sizeof(right), " %u/%u  ?:help", n ? ui->sel + 1 : 0, n);
	rw = (int)strlen(right);
	move(LINES - 1, 0);
	if (msg_rows) { /* the message wrapped above, the counts here */
		for (int r = 0; r < msg_rows; r++) {
			draw_fill(LINES - 1 - msg_rows + r, 0, COLS);
			move(LINES - 1 - msg_rows + r, 0);
			if (ui->message_is_error)
				attron(A_BOLD);
			draw_text_clip(ui->message, r * COLS, COLS, NULL);
			attroff(A_BOLD);
		}
		move(LINES - 1, 0);
		draw_text(left, COLS - rw > 0 ? COLS - rw : 0);
	} else if (ui->message[0]) { /* the message first; the counts follow when they fit */
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
int ui_detail_split(int h)
{
	return h / 2 > 3 ? h / 2 : 3;
}

static void draw(struct ui *ui)
{
	int msg_rows;

	if (ui->settle.pending && ui->view != VIEW_MAIN)
		ui_settle(ui); /* only the history view draws from the rows laid out first */
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
	msg_rows = message_rows(ui, 16);
	view_ops_of(ui->view)->draw(ui, 0, LINES - 1 - msg_rows);
	draw_status(ui, msg_rows);
	refresh();
}

/* ---- the view stack ----------------------------------------------------- */

static void problems_draw(struct ui *ui, int top, int height)
{
	draw_title(top, " problems  (Enter: go there / apply the fix, \u2190\u2192: scroll, q: back)");
	problem_view_draw(ui, top + 1, height - 1);
}

static void confirm_view_draw(struct ui *ui, int top, int height)
{
	draw_title(top, " confirm");
	confirm_draw(ui, top + 1, height - 1);
}

static const struct view_ops views[VIEW_COUNT] = {
	[VIEW_MAIN] = { "main", { KEYMAP_MAIN, KEYMAP_GENERIC, KEYMAP_COUNT }, false, main_view_draw,
			main_view_request },
	[VIEW_DETAIL] = { "detail", { KEYMAP_DETAIL, KEYMAP_MAIN, KEYMAP_GENERIC }, false, detail_view_draw,
			  detail_view_request },
	[VIEW_PROBLEMS] = { "problems", { KEYMAP_PROBLEMS, KEYMAP_GENERIC, KEYMAP_COUNT }, false, problems_draw,
			    problem_view_request },
	[VIEW_HELP] = { "help", { KEYMAP_PAGER, KEYMAP_GENERIC, KEYMAP_COUNT }, false, pager_view_draw,
			pager_view_request },
	[VIEW_DIFF] = { "diff", { KEYMAP_DIFF, KEYMAP_PAGER, KEYMAP_GENERIC }, false, pager_view_draw,
			pager_view_request },
	[VIEW_SOURCE] = { "source", { KEYMAP_PAGER, KEYMAP_GENERIC, KEYMAP_COUNT }, false, pager_view_draw,
			  pager_view_request },
	[VIEW_PICKER] = { "picker", { KEYMAP_PICKER, KEYMAP_COUNT, KEYMAP_COUNT }, true, picker_draw,
			  picker_request },
	[VIEW_CONFIRM] = { "confirm", { KEYMAP_CONFIRM, KEYMAP_COUNT, KEYMAP_COUNT }, true, confirm_view_draw,
			   confirm_request },
	[VIEW_PLAN] = { "plan", { KEYMAP_PLAN, KEYMAP_PAGER, KEYMAP_GENERIC }, false, pager_view_draw,
			plan_view_request },
};

const struct view_ops *view_ops_of(enum view_kind kind)
{
	return &views[kind];
}

void view_open(struct ui *ui, enum view_kind kind)
{
	for (int i = 0; i <= ui->depth; i++)
		if (ui->stack[i] == kind) { /* already open: back to it */
			ui->depth = i;
			ui->view = kind;
			return;
		}
	if (ui->depth + 1 < VIEW_STACK_MAX)
		ui->depth++;
	ui->stack[ui->depth] = kind;
	ui->view = kind;
}

void view_close(struct ui *ui)
{
	if (ui->depth > 0)
		ui->depth--;
	ui->view = ui->stack[ui->depth];
}

/* ---- requests every view shares ----------------------------------------- */

/* N with thousands separators ("100,000"), as the status line shows counts. */
static void grouped(char *buf, size_t size, size_t n)
{
	char digits[32];
	size_t len, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%zu", n);
	for (size_t i = 0; i < len && o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* The share of files taken as they were, in %, truncated (one file read is
 * never shown as 100%): "99.999%". */
static void hit_rate(char *buf, size_t size, size_t kept, size_t files)
{
	unsigned long long m = files ? (unsigned long long)kept * 100000 / files : 100000;

	snprintf(buf, size, "%llu.%03llu%%", m / 1000, m % 1000);
}

void ui_reload(struct ui *ui, bool force)
{
	struct project fresh;
	struct reload_stats st;
	struct mt_error err = { 0 };
	char *keep = NULL, reread[32], files[32], cached[32];
	bool in_place;
	size_t pending = ui->unsaved;
	const struct reload_hint *hint;
	bool *pristine;
	int rc;

	ui_settle(ui); /* the layout laid so far reads the graph a reload changes */
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
	/* what changed until now, this reload reads: the files the watch saw
	 * changed, and those it cannot vouch for (all, when it missed events) */
	hint = ui_watch_hint(ui);
	/* files edited in memory are read again: their bytes are not the disk's */
	pristine = edit_pristine(&ui->edit);
	keep = ui_selected_id(ui);
	/* the same files changed in place: the project updated where it changed */
	rc = project_reload_in_place_hinted(&ui->cli->req, &ui->project, pristine, hint, &st, &err);
	in_place = rc == 0;
	if (rc == 2) /* other files: a new project, made of the old one's unchanged files */
		rc = project_reload_hinted(&ui->cli->req, &ui->project, pristine, hint, &fresh, &st, &err);
	free(pristine);
	ui_watch_reloaded(ui, rc >= 0);
	if (rc < 0) {
		char why[sizeof(ui->message)];

		mt_error_format(&err, why, sizeof(why));
		ui_set_message(ui, true, "reload failed: %s; still showing the old state", why);
		free(keep);
		return;
	}
	grouped(reread, sizeof(reread), st.reread);
	grouped(files, sizeof(files), st.files);
	hit_rate(cached, sizeof(cached), st.files - st.reread, st.files);
	if (rc == 1) { /* nothing changed on disk: nothing to rebuild */
		if (ui->watch)
			ui_watch_start(ui); /* directories may have come or gone, or been lost */
		ui_set_message(ui, false, "reloaded: %s of %s files re-read (%s cached), nothing changed", reread,
			       files, cached);
		free(keep);
		return;
	}
	edit_end(&ui->edit);
	if (!in_place) {
		project_free(&ui->project);
		ui->project = fresh;
	}
	edit_begin_named(&ui->edit, &ui->project, &ui->edit_names);
	ui_db_derive(ui); /* the files' graph is a new one */
	if (!ui->review) { /* suggestions for published revisions, as at the start */
		edit_set_published(&ui->edit, &ui->published);
		ui_db_guard(ui); /* the applied files may have moved */
	}
	ui_after_edit(ui, keep); /* rebuilt from the new project, the selection kept */
	if (ui->watch)
		ui_watch_start(ui); /* directories may have come or gone, or been lost */
	ui_set_message(ui, false, "reloaded: %s of %s files re-read (%s cached)", reread, files, cached);
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
		int main_h = ui->view == VIEW_MAIN ? LINES - 1 : ui_detail_split(LINES - 1);

		uint32_t line;

		if (mouse_row >= 0 && mouse_row < main_h && main_view_line_at(ui, mouse_row, &line))
			ui->sel = line;
	}
}

static void quit(struct ui *ui)
{
	size_t n = ui->unsaved;

	if (!n) {
		ui->quit = true;
		return;
	}
	confirm_open(ui, CONFIRM_QUIT, xasprintf("%zu file%s changed and not saved: quit and drop the "
						 "changes? y/n (w saves)", n, n == 1 ? "" : "s"));
}

static bool generic_request(struct ui *ui, enum request req)
{
	switch (req) {
	case REQ_VIEW_CLOSE:
		if (ui->depth)
			view_close(ui);
		else
			quit(ui);
		return true;
	case REQ_VIEW_BACK:
		if (ui->depth)
			view_close(ui);
		else if (ui->restrict_spec)
			ui_restrict(ui, NULL);
		return true;
	case REQ_VIEW_HELP:
		if (ui->view == VIEW_HELP)
			view_close(ui);
		else
			help_view_open(ui);
		return true;
	case REQ_VIEW_PROBLEMS:
		if (ui->view == VIEW_PROBLEMS)
			view_close(ui);
		else
			view_open(ui, VIEW_PROBLEMS);
		return true;
	case REQ_RELOAD:
		ui_reload(ui, false);
		if (ui->view != VIEW_CONFIRM)
			ui_db_reread(ui); /* the database too (after a reload that was asked first: at y) */
		return true;
	case REQ_MOUSE:
		mouse(ui);
		return true;
	case REQ_REFRESH:
		ui->repaint = true;
		return true;
	default:
		return false;
	}
}

static bool is_repair(enum request req)
{
	return req == REQ_RETARGET || req == REQ_ADD_PARENT || req == REQ_CREATE_STUB || req == REQ_MERGE ||
	       req == REQ_UNDO || req == REQ_REDO || req == REQ_VIEW_DIFF || req == REQ_SAVE ||
	       req == REQ_REVIEW_MERGE || req == REQ_REVIEW_REBASE || req == REQ_VIEW_PLAN;
}

static void handle_key_now(struct ui *ui, int key);

/* Files changed on disk: a reload, once no picker or question is open (their
 * state points into the history a reload replaces). */
static void handle_key(struct ui *ui, int key)
{
	if (key != KEY_WATCH)
		handle_key_now(ui, key);
	if (ui->watch_pending && ui->view != VIEW_PICKER && ui->view != VIEW_CONFIRM) {
		ui->watch_pending = false;
		ui_watch_fired(ui);
	}
}

/* KEY through the view's keymaps to a request, then to the view, the repairs
 * and what every view shares, in that order. */
static void handle_key_now(struct ui *ui, int key)
{
	const struct view_ops *ops = view_ops_of(ui->view);
	enum request req = REQ_NONE;

	if (key == KEY_RESIZE || key == ERR)
		return;
	ui->message[0] = '\0';
	ui->count.message = false; /* a count done later says nothing: its message is gone */
	for (int i = 0; i < 3 && ops->keymaps[i] != KEYMAP_COUNT && !req; i++)
		req = keymap_request(ops->keymaps[i], key);
	if (req == REQ_NONE && !ops->text_input) {
		ui_set_message(ui, false, "unknown key; ? lists the keys");
		return;
	}
	if (ops->request(ui, req, key, ui_body_height(ui)))
		return;
	if (is_repair(req) && (ui->review ? review_request(ui, req) : repair_request(ui, req)))
		return;
	if (!generic_request(ui, req))
		ui_set_message(ui, false, "unknown key; ? lists the keys");
}

uint32_t ui_current_node(const struct ui *ui)
{
	if (ui->view == VIEW_PROBLEMS) {
		const struct problem_list *pl = &ui->project.graph.problems;
		long k = problem_view_selected(ui);

		if (k >= 0 && pl->v[k].revision)
			return graph_find(&ui->project.graph, pl->v[k].revision);
		return NO_NODE;
	}
	return ui_line_count(ui) ? ui_line_node(ui, ui->sel) : NO_NODE;
}

/* The history order's ranking made again once it has served its walks (the
 * walk of every 33rd edit made it first: 2 ms more, 5 ms at 100,000). The
 * walk and labels made ahead for the picker's row were the old ranking's. */
static bool ranks_slice(struct ui *ui)
{
	if (!order_ranks_due(&ui->project.graph))
		return false;
	order_ranks_remake(&ui->project.graph, &ui->project.order);
	ui->picker.prepared = NO_NODE;
	return true;
}

/* One slice of the work left for between keys (after the rest of an edit,
 * work_while_idle): the picker's index first (a picker that finds it unmade
 * makes it, ~9 ms at 100,000), then the order's ranking when it is due (~2
 * ms), then the order's walk after the edit the picker's selected row would
 * make, with its labels (~2.5 ms), then the search count (each search key
 * counts a slice of its own meanwhile). False when none is left. */
static bool idle_slice(struct ui *ui)
{
	if (pick_text_slice(ui))
		return true;
	if (ranks_slice(ui))
		return true;
	if (picker_prepare_slice(ui))
		return true;
	if (!ui->count.pending)
		return false;
	ui_search_count_slice(ui);
	return true;
}

/* That work goes on while no key is waiting, after the redraw (so that it is
 * no key's time); the rest of an edit comes first and shows at once (the
 * k/n of the status bar), a finished count shows. Scripted keys never wait:
 * the rest of an edit and one slice after each redraw, the same every run. */
static void work_while_idle(struct ui *ui)
{
	struct pollfd in = { STDIN_FILENO, POLLIN, 0 };
	bool counting = ui->count.pending;

	if (ui_settle(ui))
		draw(ui); /* the rest of an edit first, and its line count shown */
	if (ui->headless)
		(void)idle_slice(ui);
	else
		while (poll(&in, 1, 0) == 0 && idle_slice(ui))
			;
	if (counting && !ui->count.pending)
		draw(ui); /* the count */
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
		atexit(leave_screen_at_exit);
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
	edit_begin_named(&ui->edit, &ui->project, &ui->edit_names);
	ui->derived_state = ui->edit.state; /* derived from the state the session starts in */
	if (start_screen(ui)) {
		edit_end(&ui->edit);
		ui_underive(ui);
		project_free(&ui->project);
		return EXIT_USAGE;
	}
	/* the first screen as soon as the graph exists: what is published (git)
	 * only changes the fixes offered, which no first screen shows */
	draw(ui);
	if (!ui->review) {
		struct mt_error err = { 0 };

		if (published_load(&ui->project, ui->cli->published_ref, &ui->published, &err))
			ui_set_message(ui, true, "%s", err.message);
		else /* suggestions for published revisions: merges, never re-parents */
			edit_set_published(&ui->edit, &ui->published);
		ui_db_guard(ui); /* and for the revisions the database applied */
	}
	cli_set_error_sink(error_to_status, ui);
	ui_watch_start(ui);
	while (!ui->quit) {
		int key;

		draw(ui);
		if (ui->headless)
			headless_key_drawn();
		work_while_idle(ui);
		ui_settle(ui); /* a key came before the rest of an edit was derived */
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
	ui_watch_stop(ui);
	endwin();
	if (ui->headless)
		headless_end();
	picker_close(ui);
	confirm_clear(ui);
	mark_clear(ui);
	for (int i = 0; i < PAGER_VIEWS; i++)
		pager_free(&ui->pager[i]);
	plan_view_free(ui);
	free(ui->restrict_spec);
	published_free(&ui->published);
	ui_db_free(ui);
	edit_end(&ui->edit);
	ui_underive(ui);
	ui_kept_free(ui);
	pick_text_free(ui);
	project_free(&ui->project);
	pcre2_match_data_free(ui->search_md);
	pcre2_code_free(ui->search_code);
	free(ui->search);
	free(ui->count.hits.v);
	return EXIT_OK;
}

static void ui_init(struct ui *ui, struct cli *cli)
{
	const char *lang = getenv("LC_ALL") ? getenv("LC_ALL") : getenv("LANG");

	memset(ui, 0, sizeof(*ui));
	ui->edit_names = 1; /* 0 names no state (derived_state) */
	ui->watch_fd = -1;
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
	/* the first screen shows no suggestions: made when a fix is to be shown
	 * (the reloads, through the same request, leave them out too) */
	cli->req.defer_suggestions = true;
	cli->req.for_edits = true;
	if (cli_load(cli, &ui.project))
		return EXIT_USAGE;
	if (ui.project.config.notes.n) {
		char *notes = sl_join(&ui.project.config.notes, "; ");

		ui_set_message(&ui, false, "note: %s", notes);
		free(notes);
	}
	ui_db_load(&ui); /* a failure is the message the first screen shows */
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
