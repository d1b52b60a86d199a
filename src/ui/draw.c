/* draw.c - colours and safe text output for the views.
 *
 * Bytes from migration files (messages, paths) are shown, never obeyed, by
 * quote.c's terminal rule: a file cannot move the cursor, change the terminal or
 * hide text behind bidi overrides. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "migtree/quote.h"
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
		[C_SIDE_BASE] = { COLOR_BLUE, -1, A_BOLD }, [C_SIDE_HEAD] = { COLOR_GREEN, -1, A_BOLD | A_UNDERLINE },
		[C_SIDE_BOTH] = { COLOR_RED, -1, A_BOLD | A_UNDERLINE },
		/* graph lanes by index, C_GRAPH first: no red (missing, errors) */
		[C_LANE1] = { COLOR_CYAN, -1, 0 }, [C_LANE2] = { COLOR_GREEN, -1, 0 },
		[C_LANE3] = { COLOR_YELLOW, -1, 0 }, [C_LANE4] = { COLOR_BLUE, -1, 0 },
		[C_LANE5] = { COLOR_WHITE, -1, 0 },
		[C_MARKED] = { COLOR_BLACK, COLOR_CYAN, 0 },
		[C_APPLIED] = { COLOR_GREEN, -1, A_BOLD },
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
		attrs[C_MARKED] = A_UNDERLINE;
	}
}

int draw_attr(enum color_role role)
{
	return attrs[role];
}

/* The one terminal rule of quote.c, measured in cells as curses draws them. */
int draw_text(const char *s, int max)
{
	return draw_text_clip(s, 0, max, NULL);
}

/* Plain text walked and not yet drawn: one addnstr a run, not one a
 * character (curses' per-call cost was a third of a redraw's). */
struct pending_run {
	const char *at;
	size_t len;
};

static void flush_run(struct pending_run *run)
{
	if (run->len)
		addnstr(run->at, (int)run->len);
	run->len = 0;
}

/* Walk S as drawn: each piece (an escape or one character) with its columns.
 * SKIP columns are passed over, at most MAX drawn; DRAW false only measures.
 * Printable ASCII is one column and never escaped: no decoding for it. */
static int walk(const char *s, int skip, int max, bool draw, bool *cut)
{
	size_t len = strlen(s);
	int used = 0, at = 0;
	struct pending_run run = { s, 0 };

	if (cut)
		*cut = false;
	while (len) {
		char esc[QUOTE_ESC_MAX] = "";
		uint32_t cp;
		size_t k = 1;
		int w = 1;

		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) {
			k = quote_terminal_next(s, len, esc, &cp);
			w = esc[0] ? (int)strlen(esc) : wcwidth((wchar_t)cp);
			if (w < 0)
				w = 1;
		}
		if (at >= skip) {
			if (draw && used + w > max) {
				if (cut)
					*cut = true;
				break;
			}
			if (draw && esc[0]) {
				flush_run(&run);
				addstr(esc);
			} else if (draw) { /* drawn pieces follow each other: the run goes on */
				if (!run.len)
					run.at = s;
				run.len += k;
			}
			used += w;
		}
		at += w;
		s += k;
		len -= k;
	}
	if (draw)
		flush_run(&run);
	return draw ? used : at;
}

int draw_text_clip(const char *s, int skip, int max, bool *cut)
{
	return walk(s, skip, max, true, cut);
}

int draw_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	/* printable ASCII is one column a byte: the id column over 100,000 ids is
	 * measured after every edit, and ids are nearly always plain */
	while (*p >= 0x20 && *p < 0x7f)
		p++;
	if (!*p)
		return (int)(p - (const unsigned char *)s);
	return walk(s, 0, 0, false, NULL);
}

void draw_title(int y, const char *title)
{
	attron(draw_attr(C_TITLE));
	draw_fill(y, 0, COLS);
	move(y, 0);
	draw_text(title, COLS);
	attroff(draw_attr(C_TITLE));
}

void draw_more(struct ui *ui, int y, bool left, bool right)
{
	attron(draw_attr(C_DATE) | A_BOLD);
	if (left)
		mvaddstr(y, 0, ui->ascii ? "<" : "\u00ab");
	if (right)
		mvaddstr(y, COLS - 1, ui->ascii ? ">" : "\u00bb");
	attroff(draw_attr(C_DATE) | A_BOLD);
}

void draw_fill(int y, int x, int width)
{
	if (width > 0)
		mvhline(y, x, ' ', width);
}
