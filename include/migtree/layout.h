/* layout.h - rows and graph lanes for drawing a history, as git log --graph and
 * tig draw them, one row per revision.
 *
 * Each row has one cell per lane. A cell is a set of directions (up, down, left,
 * right) the lines at that spot connect to, plus whether the row's revision sits
 * there; the view turns that into box-drawing or ASCII glyphs. Rows run children
 * first (history order). The layout is computed once per graph change; folding
 * long linear runs is a cheap second pass over it. No ncurses here.
 *
 * The picture never shows an edge the graph does not have. Pieces of the history
 * that no down_revision joins are laid out one after the other, each a block of
 * rows of its own that starts with no lane open (history order is kept inside a
 * piece), so no line of one piece runs past a revision of another; the view puts
 * a rule between two pieces. A base (down_revision None) has a root glyph of its
 * own, as tig draws a root commit, so nothing reads as going on below it.
 * tests/test_layout.c traces every line of generated pictures back to an edge. */
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

enum {
	ROW_TURNS = 1,    /* a horizontal line is on the row (a cell LEFT or RIGHT) */
	ROW_AS_ABOVE = 2, /* drawn as the row above (its cells and lane: a line of single
	                   * links goes on), so in its piece and straight as it is */
};

/* What a row's revision is, for its glyph: ● (*), a base ◎ (I), a missing one ◌ (x). */
enum row_kind { ROW_REVISION, ROW_BASE, ROW_PHANTOM };

/* Where the lines stood at a row: the first row of a chain at or after
 * each multiple of the marks' spacing (layout_mark_every). */
struct layout_mark {
	uint32_t row;
	uint32_t lanes_at;   /* its lanes in mark_lanes: the node each heads to, or NO_NODE */
	size_t cells_at;     /* the row's cells start here */
	uint16_t n_lanes;
	uint16_t max_lanes;  /* the widest row from this mark to the next */
	int32_t above;       /* the lane of the row above when drawn as a line going on, else -1 */
};

struct layout {
	uint32_t n_rows;
	uint32_t *node;      /* row -> graph node */
	uint32_t *row_of;    /* graph node -> row */
	uint32_t *cell_off;  /* row -> first cell in cells; a row drawn as the one
	                      * above it (a line of single links) shares its cells */
	uint16_t *n_cells;   /* row -> number of lanes drawn */
	uint16_t *lane;      /* row -> lane of its revision */
	uint32_t *piece;     /* row -> connected piece, numbered top-down; a piece's rows are contiguous */
	uint8_t *shape;      /* row -> ROW_TURNS, ROW_AS_ABOVE */
	uint8_t *flat;       /* row -> its node's NODE_FLAT_* bits (graph.h), read in row order;
	                      * its kind (layout_row_kind) among them */
	uint8_t *cells;
	size_t n_cells_total, cap_cells;
	uint16_t max_lanes;
	uint32_t n_pieces;
	/* lines too many to draw (LAYOUT_CELL_BUDGET): every row is its revision's
	 * glyph alone, in lane 0, no line (the view says so) */
	bool lines_hidden;
	/* What a later build of the history after an edit reads to lay out only
	 * the rows the edit changed (layout_build_after): the marks, the graph's
	 * flat edges this was made of (graph.h), and whether the rows were laid
	 * a chain at a time. */
	struct layout_mark *marks;
	uint32_t n_marks;
	size_t cap_marks;
	uint32_t *mark_lanes;
	size_t n_mark_lanes, cap_mark_lanes;
	uint64_t flat_gen, n_relinked;
	bool by_chains;
	uint32_t rows_laid; /* rows this build laid out; the others were taken from the one before */
	/* laid only as far as asked (layout_build_upto): what the rest needs */
	struct layout_rest *rest;
};

/* What ROW's revision is, from its flags. */
static inline enum row_kind layout_row_kind(const struct layout *l, uint32_t row)
{
	return l->flat[row] & NODE_FLAT_PHANTOM ? ROW_PHANTOM : l->flat[row] & NODE_FLAT_BASE ? ROW_BASE : ROW_REVISION;
}

/* Lanes side by side past which a revision's line joins a lane heading to
 * its first parent on its own row, when one left of it does, rather than
 * running beside it down to that parent: a fan of heads on one base then
 * takes this many lanes, not one a head (wider than any screen shows). */
#define LAYOUT_JOIN_LANES 64

/* Cells the lines of N rows may take before they are hidden (lines_hidden):
 * where thousands of lines run side by side to different revisions (a line
 * with a head on each revision, whose heads come first), each a row's
 * width, they took gigabytes; no screen shows them, and a picture of them
 * cut at the screen's edge would show lines going nowhere. */
#define LAYOUT_CELL_BUDGET(n) ((size_t)(n) * LAYOUT_JOIN_LANES + ((size_t)1 << 20))

/* Rows in history order (then anything only a cycle reaches), grouped by piece
 * (pieces in the order their first row comes), and their lanes. Pieces are joined
 * by down_revision only: the edges drawn (depends_on shows as a marker). */
void layout_build(struct layout *l, const struct project *p);
/* The same, where PREV (or NULL) is the layout of P's history before an edit:
 * the rows before the first the edit changes, and those after the first mark
 * past the last it changes where the lines stand as they did, are taken from
 * PREV; only the rows between are laid out. L is what layout_build makes,
 * byte for byte (tests/test_edit_random.c). PREV is left as it was. */
void layout_build_after(struct layout *l, const struct project *p, const struct layout *prev);
/* The same, laid out only as far as the first mark at least ROWS_AFTER rows
 * past node V's row (none: all of it) where the rows are laid a chain at a
 * time: a view draws the rows it shows first (tig draws as the log comes).
 * Every row but the cells, lanes and shapes of the rows from
 * layout_rows_final(L) on is there; layout_finish lays the rest, P's
 * history, its graph and PREV as they were: L reads them until then (they
 * must outlive it; layout_free lets what L holds go, without reading them). */
void layout_build_upto(struct layout *l, const struct project *p, const struct layout *prev, uint32_t v,
		       uint32_t rows_after);
uint32_t layout_rows_final(const struct layout *l);
void layout_finish(struct layout *l);
void layout_free(struct layout *l);

/* One column of a row's graph, and the lane whose line it draws (for a colour by
 * lane: the lane itself, or for a horizontal line the lane it leads to). */
struct lane_glyph {
	const char *s; /* one column: a UTF-8 or ASCII glyph, or " " */
	uint16_t lane;
	bool node;     /* the revision's own glyph */
};

/* ROW's graph in OUT (room for 2 * n_cells[row]): two columns per lane, the
 * lane's glyph ("●", "│", "├") then the line to its right ("─" or " ").
 * Returns the number of columns. */
int layout_row_symbols(const struct layout *l, uint32_t row, bool ascii, struct lane_glyph *out);

/* The same written to BUF (NUL-terminated) as text; returns the columns. */
int layout_row_glyphs(const struct layout *l, uint32_t row, bool ascii, char *buf, size_t size);

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
/* The same for rows 0 .. N - 1 alone, N a row count or one past a row that
 * cannot fold (no run goes on past it): the lines of those rows as the
 * whole display has them. */
void display_build_upto(struct display *d, const struct layout *l, const bool *plain, uint32_t min_run,
			const bool *open_at, uint32_t n);
void display_free(struct display *d);
/* The first row of the run that ROW may fold with (display_build's runs,
 * whatever their length): where OPEN marks the run unfolded. ROW itself when
 * it folds with none. */
uint32_t display_run_first(const struct layout *l, const bool *plain, uint32_t row);
/* The display line holding ROW. */
uint32_t display_find(const struct display *d, uint32_t row);

/* A folded run's graph (as layout_row_symbols): each lane that runs through it
 * as "│", the run's own lane dotted ("┊"). Every row of a run has the same lanes
 * (no line starts or ends inside one), so this hides no edge and adds none. */
int layout_fold_symbols(const struct layout *l, const struct display_line *dl, bool ascii,
			struct lane_glyph *out);

#endif
