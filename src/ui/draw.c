/* draw.c - colours and safe text output for the views.
 *
 * Bytes from migration files (messages, paths) are shown, never obeyed: control
 * characters become ^X, C1 controls and bytes that are not UTF-8 become \xNN, so
 * a file cannot move the cursor or change the terminal. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "migtree/ui.h"

static int attrs[C_ROLE_COUNT];

void draw_init_colors(bool color)
{
	static const struct {
		short fg, bg;
		int extra;
	} roles[C_ROLE_COUNT] = {
		[C_NORMAL] = { -1, -1, 0 },           [C_SELECTED] = { -1, -1, A_REVERSE },
		[C_STATUS] = { COLOR_WHITE, COLOR_BLUE, A_BOLD }, [C_PHANTOM] = { COLOR_RED, -1, A_BOLD },
		[C_ERROR] = { COLOR_RED, -1, A_BOLD }, [C_WARNING] = { COLOR_YELLOW, -1, 0 },
		[C_HEAD] = { COLOR_GREEN, -1, A_BOLD }, [C_BASE] = { COLOR_CYAN, -1, A_BOLD },
		[C_LABEL] = { COLOR_MAGENTA, -1, 0 }, [C_DEPEND] = { COLOR_BLUE, -1, 0 },
		[C_ID] = { COLOR_YELLOW, -1, 0 },     [C_DATE] = { COLOR_BLUE, -1, 0 },
		[C_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD }, [C_MATCH] = { -1, -1, A_BOLD | A_UNDERLINE },
		[C_GRAPH] = { COLOR_MAGENTA, -1, 0 },
	};

	if (color && has_colors()) {
		start_color();
		use_default_colors();
	}
	for (int r = 0; r < C_ROLE_COUNT; r++) {
		attrs[r] = roles[r].extra;
		if (color && has_colors() && (roles[r].fg != -1 || roles[r].bg != -1)) {
			init_pair((short)(r + 1), roles[r].fg, roles[r].bg);
			attrs[r] |= (int)COLOR_PAIR(r + 1);
		}
	}
	if (!color || !has_colors()) { /* keep what matters visible without colour */
		attrs[C_STATUS] = A_REVERSE;
		attrs[C_TITLE] = A_REVERSE;
		attrs[C_PHANTOM] = A_BOLD;
		attrs[C_ERROR] = A_BOLD;
	}
}

int draw_attr(enum color_role role)
{
	return attrs[role];
}

static int put_escape(const char *text, int used, int max)
{
	int n = (int)strlen(text);

	if (used + n > max)
		return 0;
	addstr(text);
	return n;
}

int draw_text(const char *s, int max)
{
	mbstate_t st;
	int used = 0;
	const unsigned char *p = (const unsigned char *)s;

	memset(&st, 0, sizeof(st));
	while (*p && used < max) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, (const char *)p, strlen((const char *)p), &st);
		char esc[8];
		int w;

		if (k == (size_t)-1 || k == (size_t)-2) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			memset(&st, 0, sizeof(st));
			if (!put_escape(esc, used, max))
				break;
			used += 4;
			p++;
			continue;
		}
		if (wc < 0x20 || wc == 0x7f) {
			snprintf(esc, sizeof(esc), "^%c", wc == 0x7f ? '?' : (char)(wc + '@'));
			if (!put_escape(esc, used, max))
				break;
			used += 2;
		} else if (wc >= 0x80 && wc < 0xa0) {
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned)wc);
			if (!put_escape(esc, used, max))
				break;
			used += 4;
		} else {
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
			if (used + w > max)
				break;
			addnstr((const char *)p, (int)k);
			used += w;
		}
		p += k;
	}
	return used;
}

void draw_fill(int y, int x, int width)
{
	if (width > 0)
		mvhline(y, x, ' ', width);
}
