/* layout.h - rows and graph lanes for drawing a history, as git log --graph and
 * tig draw them, one row per revision.
 *
 * Each row has one cell per lane. A cell is a set of directions (up, down, left,
 * right) the lines at that spot connect to, plus whether the row's revision sits
 * there; the view turns that into box-drawing or ASCII glyphs. Rows run children
 * first (history order). The layout is computed once per graph change; folding
 * long linear runs is a cheap second pass over it. No ncurses here. */
#ifndef MIGTREE_LAYOUT_H
#define MIGTREE_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "migtree/project.h"

enum {
	CELL_UP = 1,    /* a line comes from the row above */
	CELL_DOWN = 2,  /* a line goes on to the row below */
	CELL_LEFT = 4,  /* a horizontal line to the left */
	CELL_RIGHT = 8, /* a horizontal line to the right */
	CELL_NODE = 16, /* the row's revision is in this lane */
};

struct layout {
	uint32_t n_rows;
	uint32_t *node;      /* row -> graph node */
	uint32_t *row_of;    /* graph node -> row */
	uint32_t *cell_off;  /* row -> first cell in cells */
	uint16_t *n_cells;   /* row -> number of lanes drawn */
	uint16_t *lane;      /* row -> lane of its revision */
	uint8_t *cells;
	size_t n_cells_total, cap_cells;
	uint16_t max_lanes;
};

/* Rows in history order (then anything only a cycle reaches) and their lanes. */
void layout_build(struct layout *l, const struct project *p);
void layout_free(struct layout *l);

/* The glyphs of ROW's lanes: two columns per lane ("● ", "│ ", "├─"), UTF-8 or
 * ASCII. Written to BUF (NUL-terminated); returns the number of columns. */
int layout_row_glyphs(const struct layout *l, uint32_t row, bool ascii, bool phantom, char *buf,
		      size_t size);

/* Folding: a display line is either one row or a run of rows shown as one line. */
struct display_line {
	uint32_t first, last; /* rows [first, last]; first == last for a single row */
};

struct display {
	struct display_line *v;
	uint32_t n;
	size_t cap;
};

/* A row can be folded when its revision continues one line (one parent, one child,
 * no horizontal lines) and nothing is to be seen on it (no head, base, branch or
 * merge point, label, problem). FOLDABLE marks such rows; runs of at least MIN_RUN
 * become one line, except runs listed as unfolded in OPEN (row of their start). */
void display_build(struct display *d, const struct layout *l, const bool *plain, uint32_t min_run,
		   const bool *open_at);
void display_free(struct display *d);
/* The display line holding ROW. */
uint32_t display_find(const struct display *d, uint32_t row);

#endif
