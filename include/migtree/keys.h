/* keys.h - requests and keymaps of the explorer, as tig's request.h and keys.c.
 *
 * A key means nothing by itself: each view has a keymap that turns it into a
 * request (move down, open the problem list, retarget...), and the view's
 * handler acts on the request. The tables below are the single place a key is
 * bound, so the help (help_view.c) is generated from them and cannot drift from
 * what the keys do. Key names ("PgDn", "C-r") are shared with the headless
 * script reader, so a test types the name the help shows. */
#ifndef MIGTREE_KEYS_H
#define MIGTREE_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "migtree/util.h"

/* Every request: name (for REQ_name) and what it does, as help shows it. */
#define REQ_INFO(_) \
	_(MOVE_DOWN, "down one line") \
	_(MOVE_UP, "up one line") \
	_(PAGE_DOWN, "a page down") \
	_(PAGE_UP, "a page up") \
	_(MOVE_FIRST, "first line") \
	_(MOVE_LAST, "last line") \
	_(SCROLL_LEFT, "scroll left (long lines)") \
	_(SCROLL_RIGHT, "scroll right (long lines)") \
	_(NEXT_PROBLEM, "next revision with a problem") \
	_(PREV_PROBLEM, "previous revision with a problem") \
	_(NEXT_HEAD, "next head") \
	_(PREV_HEAD, "previous head") \
	_(NEXT_BASE, "next base") \
	_(PREV_BASE, "previous base") \
	_(ENTER, "open / follow / apply the selected line") \
	_(VIEW_HELP, "this help (again: close it)") \
	_(VIEW_PROBLEMS, "problem list, errors first (again: close it)") \
	_(VIEW_DIFF, "the diff of every pending change") \
	_(VIEW_SOURCE, "the selected revision's file (upgrade, downgrade)") \
	_(VIEW_CLOSE, "close this view (in the history: quit)") \
	_(VIEW_BACK, "close this view") \
	_(TOGGLE_ORDER, "newest first / oldest first") \
	_(FOLD, "fold / unfold the long straight run under the cursor") \
	_(FOLD_ALL, "fold all long runs / unfold everything") \
	_(RELOAD, "reload from disk (and re-read the database), keeping the selection") \
	_(REFRESH, "redraw the screen") \
	_(MOUSE, "click selects, wheel scrolls") \
	_(SEARCH, "search: a PCRE2 pattern over id, message, path, labels") \
	_(FIND_NEXT, "next match (the status bar says which of how many)") \
	_(FIND_PREV, "previous match") \
	_(RESTRICT_RANGE, "show only LOWER:UPPER (as history -r); empty clears") \
	_(RESTRICT_ANCESTORS, "show only the selection and what it builds on") \
	_(RESTRICT_DESCENDANTS, "show only the selection and what builds on it") \
	_(EDIT, "edit the file in $VISUAL/$EDITOR at its line, reload after") \
	_(YANK, "copy the id to the clipboard (OSC 52)") \
	_(RETARGET, "retarget: pick the new down_revision (suggestion first)") \
	_(ADD_PARENT, "add a parent (makes a merge point)") \
	_(CREATE_STUB, "on a MISSING row: create its placeholder file") \
	_(MERGE, "on a head: merge it with another head (asks the message)") \
	_(MARK, "mark a run: v at one end, move, v at the other (Esc clears)") \
	_(ORDER_BY_DATE, "order the marked run by Create Date (shows the diff, asks)") \
	_(UNDO, "undo") \
	_(REDO, "redo") \
	_(SAVE, "save (lists the files, asks first; atomic)") \
	_(REVIEW_MERGE, "review mode: write the merge revision of the heads on HEAD") \
	_(REVIEW_REBASE, "review mode: put HEAD's new line after BASE's head") \
	_(CHOOSE, "choose the selected candidate") \
	_(CANCEL, "cancel, nothing changes") \
	_(FILTER_ERASE, "erase the last filter character") \
	_(YES, "yes") \
	_(YES_ALL, "yes, and to every question like this until quit") \
	_(NO, "no") \
	_(MERGE_INSTEAD, "make a merge revision instead (heads only)") \
	_(VIEW_PLAN, "the repair plan for the whole history: steps, reasons, diff") \
	_(PLAN_APPLY, "apply the whole plan (asks; u undoes it all at once)")

enum request {
	REQ_NONE,
#define REQ_ENUM_(name, help) REQ_##name,
	REQ_INFO(REQ_ENUM_)
#undef REQ_ENUM_
	REQ_COUNT
};

/* One keymap per view; a view looks its keys up along a chain (keys_chain). */
enum keymap_id {
	KEYMAP_GENERIC, /* every view but the picker and confirmations */
	KEYMAP_MAIN,
	KEYMAP_DETAIL,
	KEYMAP_PROBLEMS,
	KEYMAP_PAGER,   /* help, diff, source */
	KEYMAP_DIFF,
	KEYMAP_PICKER,
	KEYMAP_CONFIRM,
	KEYMAP_PLAN,
	KEYMAP_COUNT
};

struct keybinding {
	int key;
	enum request request;
	const char *help; /* NULL: the request's own words (REQ_INFO) */
};

struct keymap {
	const char *name;  /* as the help titles its section */
	const struct keybinding *v;
	size_t n;
};

const struct keymap *keymap_get(enum keymap_id id);
/* KEY in map ID, REQ_NONE when it is not bound there. */
enum request keymap_request(enum keymap_id id, int key);
/* The request's words as the help shows them. */
const char *request_help(enum request req);
/* KEY as the help writes it ("j", "Down", "C-r", "Space") into BUF. */
const char *keys_name(int key, char *buf, size_t size);
/* The key a name means (a single character, or a name keys_name writes), -1. */
int keys_value(const char *name);
/* The help lines of map ID, one per request: keys, then what the request does. */
void keymap_help(enum keymap_id id, struct strlist *out);

#endif
