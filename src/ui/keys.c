/* keys.c - the keymaps of every view (see keys.h): the one place a key is bound.
 *
 * Bindings of one request sit together, its first binding carrying the words
 * the help shows when the view means something more precise than REQ_INFO's. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "migtree/keys.h"

#define CTRL(c) ((c) & 0x1f)
#define MAP(id, name, table) [id] = { name, table, sizeof(table) / sizeof(table[0]) }

static const struct keybinding generic[] = {
	{ 'q', REQ_VIEW_CLOSE, NULL },
	{ 27, REQ_VIEW_BACK, NULL },
	{ '?', REQ_VIEW_HELP, NULL }, { KEY_F(1), REQ_VIEW_HELP, NULL }, { 'h', REQ_VIEW_HELP, NULL },
	{ 'p', REQ_VIEW_PROBLEMS, NULL },
	{ 'R', REQ_RELOAD, NULL },
	{ CTRL('l'), REQ_REFRESH, NULL },
	{ KEY_MOUSE, REQ_MOUSE, NULL },
};

static const struct keybinding main_keys[] = {
	{ 'j', REQ_MOVE_DOWN, "next revision" }, { KEY_DOWN, REQ_MOVE_DOWN, NULL }, { CTRL('n'), REQ_MOVE_DOWN, NULL },
	{ 'k', REQ_MOVE_UP, "previous revision" }, { KEY_UP, REQ_MOVE_UP, NULL }, { CTRL('p'), REQ_MOVE_UP, NULL },
	{ KEY_NPAGE, REQ_PAGE_DOWN, NULL }, { ' ', REQ_PAGE_DOWN, NULL }, { CTRL('f'), REQ_PAGE_DOWN, NULL },
	{ KEY_PPAGE, REQ_PAGE_UP, NULL }, { 'b', REQ_PAGE_UP, NULL }, { CTRL('b'), REQ_PAGE_UP, NULL },
	{ 'g', REQ_MOVE_FIRST, "first revision" }, { KEY_HOME, REQ_MOVE_FIRST, NULL },
	{ 'G', REQ_MOVE_LAST, "last revision" }, { KEY_END, REQ_MOVE_LAST, NULL },
	{ ']', REQ_NEXT_PROBLEM, NULL }, { '[', REQ_PREV_PROBLEM, NULL },
	{ '}', REQ_NEXT_HEAD, NULL }, { '{', REQ_PREV_HEAD, NULL },
	{ ')', REQ_NEXT_BASE, NULL }, { '(', REQ_PREV_BASE, NULL },
	{ '\n', REQ_ENTER, "detail pane: file, header, parents, children, problems, fixes" },
	{ '\r', REQ_ENTER, NULL }, { KEY_ENTER, REQ_ENTER, NULL },
	{ 's', REQ_VIEW_SOURCE, NULL },
	{ 'o', REQ_TOGGLE_ORDER, NULL },
	{ 'z', REQ_FOLD, NULL }, { 'Z', REQ_FOLD_ALL, NULL },
	{ '/', REQ_SEARCH, NULL }, { 'n', REQ_FIND_NEXT, NULL }, { 'N', REQ_FIND_PREV, NULL },
	{ 'r', REQ_RESTRICT_RANGE, NULL }, { '<', REQ_RESTRICT_ANCESTORS, NULL },
	{ '>', REQ_RESTRICT_DESCENDANTS, NULL },
	{ 'E', REQ_EDIT, NULL }, { 'y', REQ_YANK, NULL },
	{ 'e', REQ_RETARGET, NULL }, { 'a', REQ_ADD_PARENT, NULL }, { 'c', REQ_CREATE_STUB, NULL },
	{ 'M', REQ_MERGE, NULL },
	{ 'v', REQ_MARK, NULL }, { 'O', REQ_ORDER_BY_DATE, NULL },
	{ 27, REQ_VIEW_BACK, "clear the marks (v), else the restriction (r)" },
	{ 'u', REQ_UNDO, NULL }, { CTRL('r'), REQ_REDO, NULL },
	{ 'D', REQ_VIEW_DIFF, NULL }, { 'w', REQ_SAVE, NULL },
	{ 'F', REQ_REVIEW_MERGE, NULL }, { 'B', REQ_REVIEW_REBASE, NULL },
	{ 'P', REQ_VIEW_PLAN, NULL },
};

/* The detail pane under the history: its own lines first, the rest as main. */
static const struct keybinding detail_keys[] = {
	{ 'j', REQ_MOVE_DOWN, "next link or fix (then scroll)" }, { KEY_DOWN, REQ_MOVE_DOWN, NULL },
	{ '\t', REQ_MOVE_DOWN, NULL },
	{ 'k', REQ_MOVE_UP, "previous link or fix (then scroll)" }, { KEY_UP, REQ_MOVE_UP, NULL },
	{ KEY_NPAGE, REQ_PAGE_DOWN, NULL }, { ' ', REQ_PAGE_DOWN, NULL }, { CTRL('f'), REQ_PAGE_DOWN, NULL },
	{ KEY_PPAGE, REQ_PAGE_UP, NULL }, { 'b', REQ_PAGE_UP, NULL }, { CTRL('b'), REQ_PAGE_UP, NULL },
	{ 'g', REQ_MOVE_FIRST, NULL }, { KEY_HOME, REQ_MOVE_FIRST, NULL },
	{ 'G', REQ_MOVE_LAST, NULL }, { KEY_END, REQ_MOVE_LAST, NULL },
	{ '\n', REQ_ENTER, "follow the link, apply the fix (asks), or show the file" },
	{ '\r', REQ_ENTER, NULL }, { KEY_ENTER, REQ_ENTER, NULL },
};

static const struct keybinding problem_keys[] = {
	{ 'j', REQ_MOVE_DOWN, "next problem or fix" }, { KEY_DOWN, REQ_MOVE_DOWN, NULL },
	{ 'k', REQ_MOVE_UP, "previous problem or fix" }, { KEY_UP, REQ_MOVE_UP, NULL },
	{ KEY_NPAGE, REQ_PAGE_DOWN, NULL }, { ' ', REQ_PAGE_DOWN, NULL }, { CTRL('f'), REQ_PAGE_DOWN, NULL },
	{ KEY_PPAGE, REQ_PAGE_UP, NULL }, { 'b', REQ_PAGE_UP, NULL }, { CTRL('b'), REQ_PAGE_UP, NULL },
	{ 'g', REQ_MOVE_FIRST, NULL }, { KEY_HOME, REQ_MOVE_FIRST, NULL },
	{ 'G', REQ_MOVE_LAST, NULL }, { KEY_END, REQ_MOVE_LAST, NULL },
	{ KEY_LEFT, REQ_SCROLL_LEFT, NULL }, { KEY_RIGHT, REQ_SCROLL_RIGHT, NULL },
	{ '\n', REQ_ENTER, "on a problem: go to its revision; on a fix: apply it (asks)" },
	{ '\r', REQ_ENTER, NULL }, { KEY_ENTER, REQ_ENTER, NULL },
};

static const struct keybinding pager_keys[] = {
	{ 'j', REQ_MOVE_DOWN, NULL }, { KEY_DOWN, REQ_MOVE_DOWN, NULL }, { '\n', REQ_MOVE_DOWN, NULL },
	{ 'k', REQ_MOVE_UP, NULL }, { KEY_UP, REQ_MOVE_UP, NULL },
	{ KEY_NPAGE, REQ_PAGE_DOWN, NULL }, { ' ', REQ_PAGE_DOWN, NULL }, { CTRL('f'), REQ_PAGE_DOWN, NULL },
	{ KEY_PPAGE, REQ_PAGE_UP, NULL }, { 'b', REQ_PAGE_UP, NULL }, { CTRL('b'), REQ_PAGE_UP, NULL },
	{ 'g', REQ_MOVE_FIRST, NULL }, { KEY_HOME, REQ_MOVE_FIRST, NULL },
	{ 'G', REQ_MOVE_LAST, NULL }, { KEY_END, REQ_MOVE_LAST, NULL },
	{ KEY_LEFT, REQ_SCROLL_LEFT, NULL }, { KEY_RIGHT, REQ_SCROLL_RIGHT, NULL },
};

/* The diff is a pager that keeps the keys of its changes. */
static const struct keybinding diff_keys[] = {
	{ 'u', REQ_UNDO, "undo (the diff follows)" }, { CTRL('r'), REQ_REDO, NULL },
	{ 'w', REQ_SAVE, NULL },
};

/* Every other key types into the filter. */
static const struct keybinding picker_keys[] = {
	{ KEY_DOWN, REQ_MOVE_DOWN, "next candidate" }, { CTRL('n'), REQ_MOVE_DOWN, NULL }, { '\t', REQ_MOVE_DOWN, NULL },
	{ KEY_UP, REQ_MOVE_UP, "previous candidate" }, { CTRL('p'), REQ_MOVE_UP, NULL },
	{ KEY_NPAGE, REQ_PAGE_DOWN, NULL }, { KEY_PPAGE, REQ_PAGE_UP, NULL },
	{ KEY_HOME, REQ_MOVE_FIRST, NULL }, { KEY_END, REQ_MOVE_LAST, NULL },
	{ '\n', REQ_CHOOSE, NULL }, { '\r', REQ_CHOOSE, NULL }, { KEY_ENTER, REQ_CHOOSE, NULL },
	{ 27, REQ_CANCEL, NULL },
	{ KEY_BACKSPACE, REQ_FILTER_ERASE, NULL }, { 127, REQ_FILTER_ERASE, NULL }, { 8, REQ_FILTER_ERASE, NULL },
};

/* The question says which answers apply to it. */
static const struct keybinding confirm_keys[] = {
	{ 'y', REQ_YES, NULL }, { 'Y', REQ_YES, NULL },
	{ 'a', REQ_YES_ALL, "yes to all like this until quit (published revisions, fixes)" },
	{ 'n', REQ_NO, NULL }, { 'N', REQ_NO, NULL }, { 27, REQ_NO, NULL }, { 'q', REQ_NO, NULL },
	{ 'M', REQ_MERGE_INSTEAD, NULL },
};

/* The plan is a pager that applies what it shows. */
static const struct keybinding plan_keys[] = {
	{ '\n', REQ_PLAN_APPLY, NULL }, { '\r', REQ_PLAN_APPLY, NULL }, { KEY_ENTER, REQ_PLAN_APPLY, NULL },
	{ 'a', REQ_PLAN_APPLY, NULL },
};

static const struct keymap keymaps[KEYMAP_COUNT] = {
	MAP(KEYMAP_GENERIC, "Every view", generic),
	MAP(KEYMAP_MAIN, "History (the main view)", main_keys),
	MAP(KEYMAP_DETAIL, "Detail pane (Enter; the history's keys work too)", detail_keys),
	MAP(KEYMAP_PROBLEMS, "Problem list (p)", problem_keys),
	MAP(KEYMAP_PAGER, "Pagers: help, source (s), diff (D)", pager_keys),
	MAP(KEYMAP_DIFF, "Diff (D), besides the pager's keys", diff_keys),
	MAP(KEYMAP_PICKER, "Picker (e a c M; type to filter)", picker_keys),
	MAP(KEYMAP_CONFIRM, "Confirmations", confirm_keys),
	MAP(KEYMAP_PLAN, "Plan (P), besides the pager's keys", plan_keys),
};

static const char *const req_help[REQ_COUNT] = {
	[REQ_NONE] = "",
#define REQ_HELP_(name, help) [REQ_##name] = help,
	REQ_INFO(REQ_HELP_)
#undef REQ_HELP_
};

const struct keymap *keymap_get(enum keymap_id id)
{
	return &keymaps[id];
}

enum request keymap_request(enum keymap_id id, int key)
{
	const struct keymap *m = &keymaps[id];

	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].key == key)
			return m->v[i].request;
	return REQ_NONE;
}

const char *request_help(enum request req)
{
	return req < REQ_COUNT ? req_help[req] : "";
}

static const struct {
	int key;
	const char *name;
} names[] = {
	{ '\n', "Enter" }, { 27, "Esc" }, { KEY_DOWN, "Down" }, { KEY_UP, "Up" }, { KEY_LEFT, "Left" },
	{ KEY_RIGHT, "Right" }, { KEY_NPAGE, "PgDn" }, { KEY_PPAGE, "PgUp" }, { KEY_HOME, "Home" },
	{ KEY_END, "End" }, { KEY_F(1), "F1" }, { ' ', "Space" }, { '\t', "Tab" },
	{ KEY_BACKSPACE, "Backspace" }, { KEY_MOUSE, "mouse" },
};

const char *keys_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].key == key)
			return snprintf(buf, size, "%s", names[i].name), buf;
	if (key > 0 && key < 0x20)
		snprintf(buf, size, "C-%c", key + 'a' - 1);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, size, "%c", key);
	else
		snprintf(buf, size, "<%d>", key);
	return buf;
}

int keys_value(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].key;
	if (name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z' && !name[3])
		return CTRL(name[2]);
	if (name[0] && !name[1])
		return (unsigned char)name[0];
	return -1;
}

/* Keys that only repeat another's meaning in the help (\r and KEY_ENTER beside
 * Enter, the Backspace codes) are bound but not listed. */
static bool listed(int key)
{
	return key != '\r' && key != KEY_ENTER && key != 127 && key != 8;
}

void keymap_help(enum keymap_id id, struct strlist *out)
{
	const struct keymap *m = &keymaps[id];

	for (size_t i = 0; i < m->n; i++) {
		struct strbuf keys;
		const char *help = m->v[i].help;
		char name[32];
		bool seen = false;

		for (size_t k = 0; k < i; k++)
			seen |= m->v[k].request == m->v[i].request;
		if (seen)
			continue;
		sb_init(&keys);
		for (size_t k = i; k < m->n; k++) {
			if (m->v[k].request != m->v[i].request || !listed(m->v[k].key))
				continue;
			if (!help)
				help = m->v[k].help;
			sb_addf(&keys, "%s%s", keys.len ? " " : "", keys_name(m->v[k].key, name, sizeof(name)));
		}
		sl_push_owned(out, xasprintf("  %-20s %s", keys.buf ? keys.buf : "", help ? help : request_help(m->v[i].request)));
		sb_free(&keys);
	}
}
