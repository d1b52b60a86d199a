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
#include "migtree/edit.h"
#include "migtree/layout.h"
#include "migtree/published.h"
#include "migtree/review.h"

enum view_kind { VIEW_MAIN, VIEW_DETAIL, VIEW_PROBLEMS, VIEW_HELP, VIEW_PICKER, VIEW_DIFF, VIEW_CONFIRM };

enum pick_mode { PICK_RETARGET, PICK_ADD_PARENT, PICK_STUB_PARENT, PICK_MERGE };

/* The candidate picker of e / a / c / M. */
struct picker {
	enum pick_mode mode;
	uint32_t target;       /* the revision (or missing one) being repaired */
	char filter[128];
	uint32_t *cand;        /* candidates in order; NO_NODE is "None" */
	char **why_not;        /* per candidate: why it is disabled, or NULL */
	bool *suggested;
	bool *listed;          /* node -> already a candidate (NO_NODE: none_listed) */
	bool none_listed;
	uint32_t n, cap;
	uint32_t *shown, n_shown; /* those passing the filter */
	int id_w;              /* id column: the longest shown id, at most 40 */
	uint32_t sel, top;
};

enum confirm_action { CONFIRM_SAVE, CONFIRM_QUIT, CONFIRM_RELOAD, CONFIRM_PUBLISHED, CONFIRM_REVIEW_FIX };

struct confirm {
	enum confirm_action action;
	char *question;
	struct strlist lines;
	uint32_t target;             /* CONFIRM_PUBLISHED: the revision and its new parents */
	struct strlist parents;
	enum view_kind back;
};

/* Review mode (`review --explore`): the merged history, read-only, with each
 * side's revisions marked and the review's fixes on keys. */
struct ui_review {
	struct review *r;      /* its `merged` project moved into the ui */
	const char *base, *head; /* as the user named them; head NULL: the work tree */
	uint8_t *side;         /* node -> 0, 1 + enum review_side */
};

/* Node severities for markers: none, warning, error. */
enum mark { MARK_NONE, MARK_WARNING, MARK_ERROR };

struct ui {
	struct cli *cli;
	struct project project;
	struct layout layout;
	struct display display;
	bool *plain;         /* row -> could be folded */
	bool *open_at;       /* row -> this run was unfolded */
	uint8_t *mark;       /* node -> enum mark */
	int id_w;            /* width of the id column (derived) */
	size_t unsaved;      /* files whose bytes differ from disk (derived) */
	bool fold;           /* folding of long runs is on */
	bool oldest_first;   /* display order flipped */
	enum view_kind view;
	uint32_t sel, top;   /* main view: selected display line and first shown */
	uint32_t detail_sel; /* detail pane: selected link */
	uint32_t prob_sel, prob_top;
	uint32_t help_top;
	char *search;        /* current pattern, NULL when none */
	void *search_code;   /* pcre2_code * */
	void *search_md;     /* pcre2_match_data * */
	char message[256];   /* one line for the status bar */
	bool message_is_error;
	bool repaint;        /* redraw every cell next time (a message, Ctrl-L) */
	bool quit;
	struct edit_session edit;
	struct picker picker;
	struct confirm confirm;
	char *diff_text;     /* D: the pending changes */
	uint32_t diff_top;
	struct published published; /* files other databases may have run */
	bool headless;
	bool ascii;
	bool color;
	struct ui_review *review; /* NULL unless in review mode */
};

/* Run the explorer on the project CLI names. Returns the exit status. */
int ui_run(struct cli *cli);
/* The explorer in review mode over R (its merged history is taken over). */
int ui_run_review(struct cli *cli, struct review *r, const char *base, const char *head);
/* Review mode (review_view.c): take R's merged history, mark the sides; keys. */
void review_view_take(struct ui *ui, struct review *r);
bool review_key(struct ui *ui, int key);
/* Write the review's fix number FIX on the HEAD side (after its confirmation). */
void review_view_apply(struct ui *ui, size_t fix);
/* A side marker for NODE in review mode ("" when none), and its colour role. */
const char *review_view_marker(const struct ui *ui, uint32_t node, int *role);

/* Shared by the views (src/ui/). */
uint32_t ui_line_node(const struct ui *ui, uint32_t line); /* first node of a display line */
uint32_t ui_line_count(const struct ui *ui);
uint32_t ui_line_of_node(struct ui *ui, uint32_t node);  /* unfolds if needed */
void ui_select_node(struct ui *ui, uint32_t node);
/* The id of the selected revision (owned), NULL when the history is empty. */
char *ui_selected_id(const struct ui *ui);
void ui_set_message(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool ui_node_matches(const struct ui *ui, uint32_t node);
void ui_search_next(struct ui *ui, int dir);
void ui_prompt_search(struct ui *ui);
int ui_read_key(struct ui *ui);

void main_view_draw(struct ui *ui, int top, int height);
/* The display line drawn on screen row Y of the main view (false: a rule
 * between pieces, or nothing). */
bool main_view_line_at(const struct ui *ui, int y, uint32_t *line);
bool main_view_key(struct ui *ui, int key, int height);
void detail_view_draw(struct ui *ui, int top, int height);
bool detail_view_key(struct ui *ui, int key);
void problem_view_draw(struct ui *ui, int top, int height);
bool problem_view_key(struct ui *ui, int key, int height);
void help_view_draw(struct ui *ui, int top, int height);
bool help_view_key(struct ui *ui, int key, int height);
bool repair_key(struct ui *ui, int key);
void picker_open(struct ui *ui, enum pick_mode mode);
void picker_draw(struct ui *ui, int top, int height);
bool picker_key(struct ui *ui, int key, int height);
void picker_close(struct ui *ui);
void diff_view_draw(struct ui *ui, int top, int height);
bool diff_view_key(struct ui *ui, int key, int height);
void confirm_open(struct ui *ui, enum confirm_action action, char *question);
void confirm_draw(struct ui *ui, int top, int height);
bool confirm_key(struct ui *ui, int key);
void confirm_clear(struct ui *ui);
/* Layout, marks and folds from the project, and their release (ui.c). */
void ui_derive(struct ui *ui);
void ui_underive(struct ui *ui);
/* Re-read the project from disk (FORCE: even with unsaved changes). */
void ui_reload(struct ui *ui, bool force);
/* After an edit: layout and marks again, the selection kept on NODE_ID. */
void ui_after_edit(struct ui *ui, const char *node_id);
/* Apply a retarget (asks first for a published revision). */
void ui_retarget(struct ui *ui, uint32_t rev, const struct strlist *parents, bool confirmed);

/* Drawing helpers (src/ui/draw.c). */
enum color_role {
	C_NORMAL = 0, C_SELECTED, C_STATUS, C_PHANTOM, C_ERROR, C_WARNING, C_HEAD, C_BASE,
	C_LABEL, C_DEPEND, C_ID, C_DATE, C_TITLE, C_MATCH, C_GRAPH, C_SIDE_BASE, C_SIDE_HEAD,
	C_SIDE_BOTH, C_LANE1, C_LANE2, C_LANE3, C_LANE4, C_LANE5, /* graph lanes after the first (C_GRAPH) */
	C_ROLE_COUNT
};
void draw_init_colors(bool color);
int draw_attr(enum color_role role);
/* Write S at the cursor, at most MAX columns, control characters and escape
 * sequences made visible (^[, \x9b) instead of sent; returns columns used. */
int draw_text(const char *s, int max);
/* The columns draw_text would take for all of S. */
int draw_width(const char *s);
void draw_fill(int y, int x, int width);

#endif
