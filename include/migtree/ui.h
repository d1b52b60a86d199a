/* ui.h - the interactive explorer (ncurses). The only part of migtree that draws.
 *
 * The explorer holds a loaded project, its layout (rows and lanes) and what the
 * user is looking at; each view (main, detail, problems, help) draws from that
 * state and handles its keys. In headless mode (MIGTREE_SCRIPT set, as tig's
 * TIG_SCRIPT) the real drawing code runs on a virtual screen of $LINES x $COLUMNS
 * that goes to /dev/null, keys come from the script, and the final screen is
 * written to standard output as text, for the screen tests. */
#ifndef MIGTREE_UI_H
#define MIGTREE_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "migtree/cli.h"
#include "migtree/dbstate.h"
#include "migtree/edit.h"
#include "migtree/fix.h"
#include "migtree/graph_update.h"
#include "migtree/keys.h"
#include "migtree/layout.h"
#include "migtree/pickindex.h"
#include "migtree/published.h"
#include "migtree/review.h"
#include "migtree/textsig.h"

/* The views. Pagers (help, diff, source) share pager.c; the detail pane is drawn
 * under the history, whose keys it passes on. */
enum view_kind {
	VIEW_MAIN, VIEW_DETAIL, VIEW_PROBLEMS, VIEW_HELP, VIEW_DIFF, VIEW_SOURCE, VIEW_PICKER,
	VIEW_CONFIRM, VIEW_PLAN, VIEW_COUNT
};
#define VIEW_STACK_MAX 16
#define PAGER_VIEWS 4 /* VIEW_HELP, VIEW_DIFF, VIEW_SOURCE, VIEW_PLAN */

struct ui;

/* What a view is, as tig's view_ops: its keymaps (looked up in order), how it
 * draws itself in rows [top, top + height) and how it acts on a request. */
struct view_ops {
	const char *name;
	enum keymap_id keymaps[3];     /* KEYMAP_COUNT ends the chain */
	bool text_input;               /* unbound keys reach `request` as REQ_NONE */
	void (*draw)(struct ui *ui, int top, int height);
	/* true when done; false passes the request on (repairs, then every view's) */
	bool (*request)(struct ui *ui, enum request req, int key, int height);
};
const struct view_ops *view_ops_of(enum view_kind kind);

/* A scrollable page of text: help, the diff, a file's source. */
struct pager {
	char *title;
	struct strlist lines;
	uint32_t top, left;    /* first line shown, columns scrolled sideways */
	int (*role)(const char *line); /* colour role of a line, NULL: plain */
};

enum pick_mode { PICK_RETARGET, PICK_ADD_PARENT, PICK_STUB_PARENT, PICK_MERGE };

enum { STAR_SUGGESTED = 1, STAR_OTHER_HEAD };

/* The shown candidates for a shorter filter, kept for Backspace. */
struct picker_level {
	uint32_t *shown, n_shown;
	int id_w;
};

/* The candidate picker of e / a / c / M. */
struct picker {
	enum pick_mode mode;
	uint32_t target;       /* the revision (or missing one) being repaired */
	char filter[128];
	uint32_t *cand;        /* candidates in order; NO_NODE is "None" */
	uint8_t *below;        /* node -> descends from the target (pickindex.h), made
				* at the first question; NULL: not yet, or desc asks */
	struct descent desc;   /* the same question where the rows cannot answer it
				* (desc.g set): asked per row drawn or chosen */
	uint8_t *listed;       /* row -> already a candidate (None: none_listed) */
	bool none_listed;
	uint32_t n, cap;
	uint32_t n_pre;        /* None, suggestions and other heads: the rows follow */
	uint8_t *star;         /* per candidate: 0, STAR_SUGGESTED, STAR_OTHER_HEAD */
	uint32_t *shown, n_shown; /* those passing the filter */
	struct picker_level *levels; /* one per character typed since the last full filter */
	uint32_t n_levels;
	size_t cap_levels;
	int id_w;              /* id column: the longest shown id, at most 40 */
	uint32_t sel, top;
	uint32_t prepared;     /* the candidate (a node) whose retarget the order's walk and labels were made for (NO_NODE: none) */
};

enum confirm_action {
	CONFIRM_SAVE, CONFIRM_QUIT, CONFIRM_RELOAD, CONFIRM_PUBLISHED, CONFIRM_REVIEW_FIX, CONFIRM_BASE,
	CONFIRM_FIX, CONFIRM_PLAN, CONFIRM_ORDER, CONFIRM_ACTION_COUNT
};

struct confirm {
	enum confirm_action action;
	char *question;
	struct strlist lines;
	uint32_t target;             /* CONFIRM_PUBLISHED: the revision and its new parents */
	struct strlist parents;
	char *command;               /* CONFIRM_FIX: the fix's command line */
	struct fix fix;              /* CONFIRM_FIX: the fix itself (owned) */
	bool can_merge;              /* CONFIRM_PUBLISHED on a head: M is offered */
	struct edit_step *step;      /* CONFIRM_ORDER: the re-ordering, made, not applied (owned) */
};

/* A run marked in the history (v ... v), by ids: an edit renumbers nodes. */
struct run_mark {
	char *anchor;  /* where v started it; NULL: nothing marked */
	char *end;     /* where v ended it; NULL: the cursor is the other end */
	char *order;   /* CONFIRM_ORDER: the new order asked about, for the message after */
};

/* Review mode (`review --explore`): the merged history, read-only, with each
 * side's revisions marked and the review's fixes on keys. */
struct ui_review {
	struct review *r;      /* its `merged` project moved into the ui */
	const char *base, *head; /* as the user named them; head NULL: the work tree */
	uint8_t *side;         /* node -> 0, 1 + enum review_side */
};

enum { MATCH_NO = 1, MATCH_YES = 2 };

/* Node severities for markers: none, warning, error. */
enum mark { MARK_NONE, MARK_WARNING, MARK_ERROR };

#define DETAIL_FIRST_LINK UINT32_MAX

struct ui_watch;    /* watch.c's */
struct reload_hint; /* reload.h */

struct ui {
	struct cli *cli;
	struct project project;
	struct layout layout;
	struct display display;
	bool *plain;         /* row -> could be folded */
	bool *open_at;       /* row -> this run was unfolded */
	uint8_t *mark;       /* node -> enum mark */
	int id_w;            /* width of the id column (derived) */
	struct { uint64_t ids_gen; int w; } id_w_of; /* the last id_w measured, of which ids */
	size_t unsaved;      /* files whose bytes differ from disk (derived) */
	bool fold;           /* folding of long runs is on */
	bool oldest_first;   /* display order flipped */
	enum view_kind view; /* the view on top of the stack */
	enum view_kind stack[VIEW_STACK_MAX];
	int depth;           /* stack[depth] == view; stack[0] is the history */
	uint32_t *vis;       /* display indexes the restriction lets through, in order;
	                      * NULL: every one (no restriction) */
	uint32_t n_vis;
	char *restrict_spec; /* LOWER:UPPER shown, NULL: everything */
	bool *restrict_mask; /* node -> in the restriction */
	uint32_t sel, top;   /* main view: selected display line and first shown */
	uint32_t detail_sel; /* detail pane: selected link or fix (DETAIL_FIRST_LINK) */
	uint32_t detail_top; /* its first screen row shown */
	uint32_t prob_sel, prob_top, prob_left; /* problem list: selectable line, scroll */
	struct pager pager[PAGER_VIEWS];
	bool always[CONFIRM_ACTION_COUNT]; /* answered "a": yes to all like it until quit */
	char *search;        /* current pattern, NULL when none */
	void *search_code;   /* pcre2_code * */
	void *search_md;     /* pcre2_match_data * */
	uint8_t *match_cache; /* node -> 0 not asked yet, MATCH_NO, MATCH_YES (this pattern, this graph) */
	/* A literal pattern's trigrams (textsig.h: literal runs between '.' gaps
	 * too), and each node's texts', made while a search prompt waits for keys
	 * (NULL until then, and again after each re-derive; a search that finds
	 * them unfinished goes without): a node that lacks a trigram of the
	 * pattern is no match, without a regex run on its scattered strings (an
	 * id found 90,000 rows down: 60 -> 2 ms at 100,000 revisions; making them
	 * costs ~30 ms of the prompt's idle time). */
	bool search_literal;
	struct textsig search_need;
	struct textsig *node_sigs;
	uint32_t node_sigs_done; /* nodes whose signature is made: usable when all are */
	uint32_t node_sigs_n;    /* the revisions NODE_SIGS has room for */
	/* The label sets' signatures (graph.h), each made on the one below it,
	 * and which sets match this pattern: a node's texts hold every label it
	 * inherits, all of a line labelled on every revision, so its labels are
	 * read once a set, not once a node (/ . on 10,000 such revisions, labels
	 * of 200 characters: 76 s). */
	struct textsig *label_sigs;
	uint32_t label_sigs_done;
	struct label_match label_match;
	/* The "k of m" of the last search hit, counted in slices (ui.c): at 100,000
	 * revisions a whole count is 100 ms of matching, more than a key may take.
	 * The count goes over the rows in the order shown, which folding does not
	 * change: a finished count (its matches, in that order) answers every
	 * later hit of the same pattern at once. */
	struct search_count {
		bool pending;      /* rows left to count */
		bool message;      /* the status message is this count's: rewrite it when done */
		uint32_t node;     /* the hit */
		uint32_t next;     /* the next row to count, in the order shown */
		uint32_t at;       /* the hit's rank among the matches (0: not met yet) */
		struct u32vec hits; /* the matches so far, in the order shown */
		uint64_t rows_gen; /* ui->rows_gen it was counted over */
	} count;
	uint64_t rows_gen;   /* bumped whenever the rows shown or their order change
			      * (a new layout, the order flipped, a restriction) */
	/* What was derived from the graph (layout, marks, foldable rows, id
	 * column) is a function of the state of the files: derived_state names
	 * the state it was made from (edit_session.state), and the graph-derived
	 * part of the state before the last change is kept, so that an undo
	 * right after an edit takes it back instead of laying out 100,000 rows. */
	uint64_t derived_state;
	/* The picker reads ids, messages and parents of every node (pickindex.h):
	 * the index of the state shown (derived_state), made in slices between
	 * keys (or finished by a picker that needs it first). Two are kept, the
	 * state's and the one before (an undo returns to it). */
	struct pick_text {
		uint64_t state;  /* the derived_state it is of; 0: none */
		struct pick_index ix;
	} pick_text[2];
	uint8_t pick_text_last; /* the one used last */
	/* After a retarget the screen is drawn as soon as its rows are laid out
	 * (layout_build_upto; tig draws as the log comes in): the display then
	 * holds the lines of the rows before ROWS alone, and the rest is laid
	 * out and derived after that draw, before the next key (ui_settle),
	 * the folds of OPENED opened in it. */
	struct {
		bool pending;
		uint32_t rows;
		struct strlist opened;
	} settle;
	struct ui_kept {
		uint64_t state;  /* 0: nothing kept */
		struct layout layout;
		uint8_t *mark;
		bool *plain;
		int id_w;
	} kept;
	char message[256];   /* one line for the status bar */
	bool message_is_error;
	bool repaint;        /* redraw every cell next time (a message, Ctrl-L) */
	bool quit;
	struct edit_session edit;
	uint64_t edit_names; /* names edit's states across sessions (edit_begin_named), from 1 */
	struct picker picker;
	struct confirm confirm;
	struct run_mark marked;
	struct published published; /* files other databases may have run, and this one's applied */
	struct db_state db;  /* the database's stamps against the graph shown (db_view.c) */
	bool db_named;       /* a database is named: R reads it again */
	bool db_read;        /* DB holds what it was read to be */
	int db_pinned;       /* rows the unknown stamps took above the history when last drawn */
	int watch_fd;        /* inotify, -1 when not watching */
	struct ui_watch *watch; /* what it saw, for the next reload (watch.c); NULL when not watching */
	bool watch_pending;  /* files changed while a picker or question was open */
	bool headless;
	bool ascii;
	bool color;
	struct ui_review *review; /* NULL unless in review mode */
	struct plan *plan;        /* the plan view's (plan_view.c), NULL when closed */
};

/* Run the explorer on the project CLI names. Returns the exit status. */
int ui_run(struct cli *cli);
/* The explorer in review mode over R (its merged history is taken over). */
int ui_run_review(struct cli *cli, struct review *r, const char *base, const char *head);
/* Review mode (review_view.c): take R's merged history, mark the sides; keys. */
void review_view_take(struct ui *ui, struct review *r);
/* Write the review's fix number FIX on the HEAD side (after its confirmation). */
void review_view_apply(struct ui *ui, size_t fix);
/* A side marker for NODE in review mode ("" when none), and its colour role. */
const char *review_view_marker(const struct ui *ui, uint32_t node, int *role);

/* The view stack (ui.c): closing a view returns to the one it was opened from.
 * Opening a view already on the stack goes back to it. */
void view_open(struct ui *ui, enum view_kind kind);
void view_close(struct ui *ui);

/* The history's lines (lines.c): the display (folded runs) in the order asked,
 * without what a restriction hides. */
void ui_lines_build(struct ui *ui);
const struct display_line *ui_line(const struct ui *ui, uint32_t line);
uint32_t ui_line_node(const struct ui *ui, uint32_t line); /* first node of a display line */
uint32_t ui_line_count(const struct ui *ui);
/* The line of NODE, unfolding its run; UINT32_MAX when the restriction hides it. */
uint32_t ui_line_of_node(struct ui *ui, uint32_t node);
/* Select NODE (a hiding restriction is lifted, and the status bar says so). */
void ui_select_node(struct ui *ui, uint32_t node);
/* Restrict the history to the range SPEC (LOWER:UPPER as history -r), NULL clears. */
int ui_restrict(struct ui *ui, const char *spec);
/* The mask of the restriction, recomputed after an edit (ui_derive). */
void ui_restrict_derive(struct ui *ui);
/* The id of the selected revision (owned), NULL when the history is empty. */
char *ui_selected_id(const struct ui *ui);
void ui_set_message(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool ui_node_matches(const struct ui *ui, uint32_t node);
void ui_search_next(struct ui *ui, int dir);
/* Go on counting the matches of the last search (a slice of the work); the
 * message says "k of m" once done. Called between keys while count.pending. */
void ui_search_count_slice(struct ui *ui);
void ui_prompt_search(struct ui *ui);
/* A line typed on the status line after LABEL, starting as INITIAL: owned, or
 * NULL when cancelled (Esc). */
char *ui_prompt(struct ui *ui, const char *label, const char *initial);
int ui_read_key(struct ui *ui);
/* Rows for the views: the screen less the status bar and a long message. */
int ui_body_height(const struct ui *ui);
int ui_detail_split(int h);
/* The revision the view on top is about: the problem's in the problem list,
 * else the history's selection; NO_NODE when none. */
uint32_t ui_current_node(const struct ui *ui);

/* The watch (watch.c): inotify on the directories of the version files. The
 * key loop waits on it with the terminal; KEY_WATCH is what ui_read_key
 * returns when files changed (a burst counts once). */
#define KEY_WATCH (KEY_MAX + 1)
/* Watch the directories of the project loaded now; again after a reload, only
 * those new to the watch are added (what it saw until then stays). */
void ui_watch_start(struct ui *ui);
void ui_watch_stop(struct ui *ui);
/* Block until a key or a change: 1 when files changed, 0 when a key (or a
 * signal) waits, -1 when the terminal or the watch is gone. */
int ui_watch_wait(struct ui *ui);
/* Forget the changes queued (our own save wrote them): no reload for them,
 * but the next reload still looks at the files they name. */
void ui_watch_drain(struct ui *ui);
/* What the watch saw until now, for the reload about to run (reload.h); NULL
 * when it cannot vouch for anything (not watching, or something was missed:
 * then it begins again, and this reload stats every file). */
const struct reload_hint *ui_watch_hint(struct ui *ui);
/* The reload ran (OK: it took every name the hint had into account). */
void ui_watch_reloaded(struct ui *ui, bool ok);
/* Files changed: reload when nothing is unsaved, else say so and keep the edits. */
void ui_watch_fired(struct ui *ui);

/* The outside world (external.c): the editor, the clipboard. */
void ui_edit_file(struct ui *ui, uint32_t node);
void ui_yank_id(struct ui *ui, uint32_t node);
/* Run ARGV with the terminal handed over (endwin, then back); its exit status. */
int ui_run_program(struct ui *ui, char *const argv[]);

void main_view_draw(struct ui *ui, int top, int height);
bool main_view_request(struct ui *ui, enum request req, int key, int height);
/* The display line drawn on screen row Y of the main view (false: a rule
 * between pieces, or nothing). */
bool main_view_line_at(const struct ui *ui, int y, uint32_t *line);
void detail_view_draw(struct ui *ui, int top, int height);
bool detail_view_request(struct ui *ui, enum request req, int key, int height);
void problem_view_draw(struct ui *ui, int top, int height);
bool problem_view_request(struct ui *ui, enum request req, int key, int height);
/* The problem the list's selection is on (its own or its fix's), -1: none. */
long problem_view_selected(const struct ui *ui);
/* help_view.c: the help pager, made from the keymaps. */
void help_view_open(struct ui *ui);
/* pager.c: the pager views over ui->pager. */
struct pager *ui_pager(struct ui *ui, enum view_kind kind);
void pager_set_text(struct pager *pg, char *title, const char *text, bool numbered);
void pager_free(struct pager *pg);
void pager_view_draw(struct ui *ui, int top, int height);
bool pager_view_request(struct ui *ui, enum request req, int key, int height);
void source_view_open(struct ui *ui, uint32_t node);
/* Fixes as actions (fix_view.c): the fixes of problem P as selectable lines,
 * and applying fix number INDEX of P (after a confirmation). */
size_t fix_count(const struct problem *p);
char *fix_line_text(const struct problem *p, size_t index);
void fix_ask(struct ui *ui, const struct problem *p, size_t index);
void fix_apply_confirmed(struct ui *ui);
/* The repair plan (plan_view.c): made on the session's history, shown as a
 * pager (steps, then their diff), applied after a confirmation as one step. */
void plan_view_open(struct ui *ui);
bool plan_view_request(struct ui *ui, enum request req, int key, int height);
void plan_view_apply(struct ui *ui);
void plan_view_free(struct ui *ui);
/* Repairs (repair_view.c). */
bool repair_request(struct ui *ui, enum request req);
bool review_request(struct ui *ui, enum request req);
void picker_open(struct ui *ui, enum pick_mode mode);
void picker_draw(struct ui *ui, int top, int height);
bool picker_request(struct ui *ui, enum request req, int key, int height);
void picker_close(struct ui *ui);
void diff_view_open(struct ui *ui);
void confirm_open(struct ui *ui, enum confirm_action action, char *question);
void confirm_draw(struct ui *ui, int top, int height);
bool confirm_request(struct ui *ui, enum request req, int key, int height);
void confirm_clear(struct ui *ui);
/* Layout, marks and folds from the project, and their release (ui.c). */
void ui_derive(struct ui *ui);
void ui_underive(struct ui *ui);
/* The same after a change of the project: what was derived from the state
 * left is kept, and taken back if the project is in the kept state again.
 * The runs holding a revision of OPENED (ids, or NULL) stay unfolded. */
void ui_rederive(struct ui *ui, const struct strlist *opened);
/* The same, only as far as NODE's row and a screen past it where the
 * history allows (ui_settle derives the rest): false when it derived all. */
bool ui_rederive_upto(struct ui *ui, const struct strlist *opened, uint32_t node);
/* Release what ui_rederive keeps. */
void ui_kept_free(struct ui *ui);
/* The picker's index of the rows (repair_view.c): a slice of its making for
 * the state shown, true while some is left; and its release. */
bool pick_text_slice(struct ui *ui);
/* A slice of the labels for the retarget the picker's selected row would
 * make (repair_view.c); false when there is none to make. */
bool picker_prepare_slice(struct ui *ui);
void pick_text_free(struct ui *ui);
/* Re-read the project from disk (FORCE: even with unsaved changes). */
void ui_reload(struct ui *ui, bool force);
/* After an edit: layout and marks again, the selection kept on NODE_ID. */
void ui_after_edit(struct ui *ui, const char *node_id);
/* The same where the history view shows NODE_ID next: drawn from the rows
 * it shows, the rest derived by ui_settle. */
void ui_after_edit_shown(struct ui *ui, const char *node_id);
/* The layout and lines of every row, where an edit derived only those shown
 * first (before any key is handled, and between keys). True if it did. */
bool ui_settle(struct ui *ui);
/* Marking a run and ordering it by Create Date (mark_view.c): v, O, and Esc
 * while something is marked (false: the request is not about marks). */
bool mark_request(struct ui *ui, enum request req);
/* The layout rows LO..HI the marked run spans (the cursor's row for an open
 * end); false when nothing is marked. */
bool mark_rows(const struct ui *ui, uint32_t *lo, uint32_t *hi);
void mark_clear(struct ui *ui);
/* The re-ordering asked about (CONFIRM_ORDER), after y. */
void mark_order_confirmed(struct ui *ui);
/* Apply a retarget (asks first for a published revision). */
void ui_retarget(struct ui *ui, uint32_t rev, const struct strlist *parents, bool confirmed);

/* The database (db_view.c). Read the one the rule names (before the first
 * screen; a failure is a message, the history is shown all the same); read it
 * again (R); the state again for the graph shown (after every rebuild); the
 * applied files guarded as published ones (after published_load). */
void ui_db_load(struct ui *ui);
void ui_db_reread(struct ui *ui);
void ui_db_derive(struct ui *ui);
void ui_db_guard(struct ui *ui);
void ui_db_free(struct ui *ui);
/* NODE is a stamp (the database's current revision), a head not applied. */
bool ui_db_stamp(const struct ui *ui, uint32_t node);
bool ui_db_pending_head(const struct ui *ui, uint32_t node);
/* The status bar's part, first of the counts ("db: 2 pending, unknown stamp
 * X | "): where the database stands is what a look at it is for. "" without one. */
void ui_db_status(const struct ui *ui, char *buf, size_t size);
/* The unknown stamps, pinned above the history as missing revisions' rows:
 * how many rows they take in a view of HEIGHT, and their drawing. */
int ui_db_pinned_rows(const struct ui *ui, int height);
void ui_db_draw_pinned(const struct ui *ui, int top, int rows, int width, int graph_w, int idw);
/* The detail pane's line about NODE (owned) and its colour role; NULL without
 * a database. */
char *ui_db_detail(const struct ui *ui, uint32_t node, int *role);

/* Drawing helpers (src/ui/draw.c). */
enum color_role {
	C_NORMAL = 0, C_SELECTED, C_STATUS, C_PHANTOM, C_ERROR, C_WARNING, C_HEAD, C_BASE,
	C_LABEL, C_DEPEND, C_ID, C_DATE, C_TITLE, C_MATCH, C_GRAPH, C_SIDE_BASE, C_SIDE_HEAD,
	C_SIDE_BOTH, C_LANE1, C_LANE2, C_LANE3, C_LANE4, C_LANE5, /* graph lanes after the first (C_GRAPH) */
	C_MARKED, /* a row of the marked run (v) */
	C_APPLIED, /* applied in the database */
	C_ROLE_COUNT
};
void draw_init_colors(bool color);
int draw_attr(enum color_role role);
/* Write S at the cursor, at most MAX columns, control characters and escape
 * sequences made visible (^[, \x9b) instead of sent; returns columns used. */
int draw_text(const char *s, int max);
/* The same, the first SKIP columns left out; *CUT (when given) is set when
 * text is left over past MAX. */
int draw_text_clip(const char *s, int skip, int max, bool *cut);
/* Columns S takes as draw_text shows it. */
int draw_width(const char *s);
void draw_fill(int y, int x, int width);
/* A title bar on row Y. */
void draw_title(int y, const char *title);
/* A mark in the last column of row Y that the line goes on (never cut silently). */
void draw_more(struct ui *ui, int y, bool left, bool right);

#endif
