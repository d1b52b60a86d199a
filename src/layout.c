/* layout.c - lanes, one row per revision, and the folding of linear runs.
 *
 * Walking the rows top-down (children first), each lane remembers which revision
 * it is heading to. A revision takes the leftmost lane heading to it (or a free
 * lane when none is: a head); the other lanes heading to it end there with a
 * horizontal line (a branch point). Its first parent continues in its lane, other
 * parents (a merge) open lanes to the right. Two lanes heading to one parent run
 * side by side down to it and join on its row, as git draws them.
 *
 * Before that, rows are grouped by piece (a stable counting sort on the piece of
 * each row, found with a union-find over down_revision): a piece ends with every
 * lane closed, so the next one starts on lane 0 with nothing above it. */
#include <stdlib.h>
#include <string.h>

#include "migtree/layout.h"

struct lanes {
	uint32_t *want; /* lane -> row it is heading to, NO_NODE when free */
	uint16_t n, cap;
	/* row -> how many lanes head to it, and the leftmost: a lane keeps its
	 * row until that row is laid out, so a row finds its lanes without looking
	 * at every lane (and only a row more than one lane heads to looks) */
	uint32_t *n_heading;
	uint16_t *first_heading;
};

static void head_to(struct lanes *ln, uint16_t lane, uint32_t row)
{
	ln->want[lane] = row;
	if (!ln->n_heading[row]++ || lane < ln->first_heading[row])
		ln->first_heading[row] = lane;
}

/* A lane heading nowhere, from FROM on; with ROW, not one that a line still
 * reaches on this row (it ended here: taking it would join that line to the
 * new one, an edge the graph does not have). */
static uint16_t free_lane(struct lanes *ln, uint16_t from, const uint8_t *row)
{
	for (uint16_t i = from; i < ln->n; i++)
		if (ln->want[i] == NO_NODE && !(row && row[i]))
			return i;
	if (ln->n == ln->cap) {
		ln->cap = ln->cap ? ln->cap * 2 : 8;
		ln->want = xrealloc(ln->want, ln->cap * sizeof(uint32_t));
	}
	ln->want[ln->n] = NO_NODE;
	return ln->n++;
}

static int16_t lane_wanting(const struct lanes *ln, uint32_t v, int16_t except)
{
	for (uint16_t i = 0; i < ln->n; i++)
		if (ln->want[i] == v && i != except)
			return (int16_t)i;
	return -1;
}

/* A horizontal line between lanes A and B (exclusive), and the ends' sides. */
static void hline(uint8_t *c, uint16_t a, uint16_t b)
{
	uint16_t lo = a < b ? a : b, hi = a < b ? b : a;

	c[lo] |= CELL_RIGHT;
	c[hi] |= CELL_LEFT;
	for (uint16_t i = lo + 1; i < hi; i++)
		c[i] |= CELL_LEFT | CELL_RIGHT;
}

static void emit_row(struct layout *l, uint32_t r, const uint8_t *c, uint16_t width)
{
	l->turns[r] = false;
	for (uint16_t i = 0; i < width; i++)
		l->turns[r] |= (c[i] & (CELL_LEFT | CELL_RIGHT)) != 0;
	GROW(l->cells, l->cap_cells, l->n_cells_total + width);
	memcpy(l->cells + l->n_cells_total, c, width);
	l->cell_off[r] = (uint32_t)l->n_cells_total;
	l->n_cells[r] = width;
	l->n_cells_total += width;
	if (width > l->max_lanes)
		l->max_lanes = width;
}

/* What the rows are laid out from, read from the graph once (see layout_build):
 * each row's parents as rows, in down_revision order. */
struct row_edges {
	uint32_t *start, *down; /* row r's parents: down[start[r] .. start[r + 1]) */
};

/* A row on a line of single links (one lane heads to it, it has one parent)
 * whose lane LANE continued the row above, itself such a row: nothing changes
 * but that lane's target, so it is drawn as the row above, sharing its cells.
 * Most rows of a history are such rows (86% at 100,000 branchy revisions). */
static bool same_as_above(struct layout *l, const struct row_edges *re, struct lanes *ln, uint32_t r,
			  int32_t lane)
{
	uint32_t p;

	if (lane < 0 || ln->n_heading[r] != 1 || ln->first_heading[r] != lane ||
	    re->start[r + 1] - re->start[r] != 1)
		return false;
	p = re->down[re->start[r]];
	if (p < r)
		return false; /* drawn above: only a cycle does that */
	head_to(ln, (uint16_t)lane, p);
	l->lane[r] = (uint16_t)lane;
	l->cell_off[r] = l->cell_off[r - 1];
	l->n_cells[r] = l->n_cells[r - 1];
	l->turns[r] = false;
	return true;
}

/* Lay row R out; returns its lane when it is a row a row below may be drawn
 * as (see same_as_above), else -1. */
static int32_t lay_row(struct layout *l, const struct row_edges *re, struct lanes *ln, uint32_t r,
		       uint8_t **cbuf, size_t *ccap)
{
	uint32_t n_down = re->start[r + 1] - re->start[r];
	const uint32_t *down = re->down + re->start[r];
	int16_t at = ln->n_heading[r] ? (int16_t)ln->first_heading[r] : -1;
	uint16_t me = at >= 0 ? (uint16_t)at : free_lane(ln, 0, NULL), width;
	bool single = at >= 0 && ln->n_heading[r] == 1 && n_down == 1 && down[0] >= r;
	uint8_t *c;

	/* every lane there is, plus one per merge parent that may open a lane */
	GROW(*cbuf, *ccap, (size_t)ln->n + n_down + 2);
	c = *cbuf;
	memset(c, 0, (size_t)ln->n + n_down + 2);
	for (uint16_t i = 0; i < ln->n; i++)
		if (ln->want[i] != NO_NODE)
			c[i] = CELL_UP | CELL_DOWN;
	c[me] = CELL_NODE | (at >= 0 ? CELL_UP : 0);
	for (int16_t j; ln->n_heading[r] > 1 && (j = lane_wanting(ln, r, (int16_t)me)) >= 0;) {
		c[j] = CELL_UP;
		hline(c, me, (uint16_t)j);
		ln->want[j] = NO_NODE;
		ln->n_heading[r]--;
	}
	ln->want[me] = NO_NODE;
	for (uint32_t k = 0; k < n_down; k++) {
		uint32_t p = down[k];

		if (p < r)
			continue; /* drawn above: only a cycle does that */
		if (k == 0) {
			head_to(ln, me, p);
			c[me] |= CELL_DOWN;
		} else {
			uint16_t n = free_lane(ln, me + 1, c); /* room was made for it above */

			head_to(ln, n, p);
			c[n] = CELL_DOWN;
			hline(c, me, n);
		}
	}
	width = ln->n; /* lanes that end on this row still show on it */
	while (width > 0 && !c[width - 1])
		width--;
	while (ln->n > 0 && ln->want[ln->n - 1] == NO_NODE)
		ln->n--;
	l->lane[r] = me;
	emit_row(l, r, c, width);
	return single ? me : -1;
}

static uint32_t uf_find(uint32_t *up, uint32_t x)
{
	while (up[x] != x) {
		up[x] = up[up[x]];
		x = up[x];
	}
	return x;
}

/* The graph as the layout reads it: each node's parents, its kind and its
 * piece, from the graph's flat edges (graph.h). Rows are in history order,
 * where the nodes come at random (the load order is the ids' sorted order):
 * reading a node's struct and its edge vector row by row missed the cache on
 * every row (23 ms at 100,000). */
struct graph_view {
	const uint32_t *at;   /* node -> its first parent in down; at[n] ends the last */
	const uint32_t *down;
	uint32_t n_edges;
	const uint8_t *flat; /* node -> NODE_FLAT_* */
	uint32_t *up;     /* union-find over down_revision: the pieces */
	bool by_component; /* no depends_on: UP is each node's component */
};

static uint32_t piece_root(const struct graph_view *nc, uint32_t x)
{
	return nc->by_component ? nc->up[x] : uf_find(nc->up, x);
}

static void read_graph(struct graph_view *nc, const struct graph *g)
{
	size_t n = g->n ? g->n : 1;

	memset(nc, 0, sizeof(*nc));
	nc->at = g->down_at;
	nc->down = g->down_flat;
	nc->n_edges = g->down_at[g->n];
	nc->flat = g->node_flat;
	/* with no depends_on the graph's components are joined by down_revision
	 * alone: they are the pieces, and no union-find is needed */
	nc->by_component = !g->any_deps;
	if (nc->by_component) {
		nc->up = g->component;
		return;
	}
	nc->up = xmalloc(n * sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		nc->up[i] = i;
	for (uint32_t i = 0; i < g->n; i++)
		for (uint32_t k = nc->at[i]; k < nc->at[i + 1]; k++) {
			uint32_t a = uf_find(nc->up, i), b = uf_find(nc->up, nc->down[k]);

			if (a != b) /* the larger root under the smaller: shallower trees */
				nc->up[a < b ? b : a] = a < b ? a : b;
		}
}

static void graph_view_free(struct graph_view *nc)
{
	if (!nc->by_component)
		free(nc->up);
}

/* Piece of each row, numbered in the order of their first rows, and the rows
 * regrouped so that each piece's rows are contiguous (their order kept). */
static void group_pieces(struct layout *l, const struct graph *g, struct graph_view *nc)
{
	uint32_t n = l->n_rows ? l->n_rows : 1;
	uint32_t *num = xmalloc(n * sizeof(uint32_t)), *start, *old = l->node;
	bool grouped = true;

	for (uint32_t i = 0; i < g->n; i++)
		num[i] = NO_NODE;
	l->n_pieces = 0;
	for (uint32_t r = 0; r < l->n_rows; r++) { /* root -> piece number */
		uint32_t root;

		if (nc->by_component && r + 16 < l->n_rows) /* as in row_edges */
			__builtin_prefetch(&nc->up[old[r + 16]]);
		root = piece_root(nc, old[r]);

		if (num[root] == NO_NODE)
			num[root] = l->n_pieces++;
		l->piece[r] = num[root];
		grouped = grouped && (r == 0 || l->piece[r] >= l->piece[r - 1]);
	}
	if (grouped) { /* one piece, or each already in one run: nothing moves */
		free(num);
		return;
	}
	start = xcalloc((size_t)l->n_pieces + 1, sizeof(uint32_t));
	for (uint32_t r = 0; r < l->n_rows; r++)
		start[l->piece[r] + 1]++;
	for (uint32_t c = 0; c < l->n_pieces; c++)
		start[c + 1] += start[c];
	l->node = xmalloc(n * sizeof(uint32_t));
	for (uint32_t r = 0; r < l->n_rows; r++)
		l->node[start[l->piece[r]]++] = old[r];
	for (uint32_t r = 0; r < l->n_rows; r++) {
		l->row_of[l->node[r]] = r;
		l->piece[r] = num[piece_root(nc, l->node[r])];
	}
	free(start);
	free(old);
	free(num);
}

/* Each row's parents as rows, and its kind. */
static void row_edges(struct row_edges *re, struct layout *l, const struct graph_view *nc)
{
	re->start = xmalloc(((size_t)l->n_rows + 1) * sizeof(uint32_t));
	re->down = xmalloc(((size_t)nc->n_edges + 1) * sizeof(uint32_t));
	re->start[0] = 0;
	for (uint32_t r = 0; r < l->n_rows; r++) {
		uint32_t v = l->node[r], at = re->start[r];

		/* the rows' nodes come at random: what a later row reads is asked
		 * for ahead, each address once the step before it has come in
		 * (0.5 ms of an edit at 100,000: the explorer's caches are cold) */
		if (r + 24 < l->n_rows) {
			__builtin_prefetch(&nc->at[l->node[r + 24]]);
			__builtin_prefetch(&nc->flat[l->node[r + 24]]);
		}
		if (r + 12 < l->n_rows)
			__builtin_prefetch(&nc->down[nc->at[l->node[r + 12]]]);
		if (r + 4 < l->n_rows && nc->at[l->node[r + 4]] < nc->n_edges)
			__builtin_prefetch(&l->row_of[nc->down[nc->at[l->node[r + 4]]]]);

		for (uint32_t k = nc->at[v]; k < nc->at[v + 1]; k++)
			re->down[at++] = l->row_of[nc->down[k]];
		re->start[r + 1] = at;
		l->kind[r] = nc->flat[v] & NODE_FLAT_PHANTOM ? ROW_PHANTOM
			     : nc->flat[v] & NODE_FLAT_BASE  ? ROW_BASE
							     : ROW_REVISION;
	}
}

void layout_build(struct layout *l, const struct project *p)
{
	const struct graph *g = &p->graph;
	size_t n = g->n ? g->n : 1;
	struct lanes ln = { 0 };
	struct graph_view nc;
	struct row_edges re;
	uint8_t *cbuf = NULL;
	size_t ccap = 0;
	uint32_t r = 0;

	memset(l, 0, sizeof(*l));
	l->node = xmalloc(n * sizeof(uint32_t));
	l->row_of = xmalloc(n * sizeof(uint32_t));
	l->cell_off = xmalloc(n * sizeof(uint32_t));
	l->n_cells = xmalloc(n * sizeof(uint16_t));
	l->lane = xmalloc(n * sizeof(uint16_t));
	l->piece = xmalloc(n * sizeof(uint32_t));
	l->kind = xmalloc(n);
	l->turns = xmalloc(n * sizeof(bool));
	for (uint32_t i = 0; i < g->n; i++)
		l->row_of[i] = UINT32_MAX;
	for (uint32_t i = 0; i < p->order.n; i++) {
		l->node[r] = p->order.v[i];
		l->row_of[p->order.v[i]] = r++;
	}
	for (uint32_t i = 0; i < g->n; i++) /* what the order leaves out: cycles */
		if (l->row_of[i] == UINT32_MAX) {
			l->node[r] = i;
			l->row_of[i] = r++;
		}
	l->n_rows = r;
	read_graph(&nc, g);
	group_pieces(l, g, &nc);
	row_edges(&re, l, &nc);
	graph_view_free(&nc);
	/* room for two lanes a row to begin with: fewer copies as it grows */
	l->cap_cells = (size_t)l->n_rows * 2 + 16;
	l->cells = xmalloc(l->cap_cells);
	ln.n_heading = xcalloc(n, sizeof(uint32_t));
	ln.first_heading = xmalloc(n * sizeof(uint16_t));
	r = 0;
	for (int32_t above = -1; r < l->n_rows; r++)
		if (!same_as_above(l, &re, &ln, r, above))
			above = lay_row(l, &re, &ln, r, &cbuf, &ccap);
	/* kept as long as the view: not the room its last doubling left (100,000
	 * rows: 0.7 MB) */
	l->cap_cells = l->n_cells_total ? l->n_cells_total : 1;
	l->cells = xrealloc(l->cells, l->cap_cells);
	free(re.start);
	free(re.down);
	free(cbuf);
	free(ln.want);
	free(ln.n_heading);
	free(ln.first_heading);
}

void layout_free(struct layout *l)
{
	free(l->node);
	free(l->row_of);
	free(l->cell_off);
	free(l->n_cells);
	free(l->lane);
	free(l->piece);
	free(l->kind);
	free(l->turns);
	free(l->cells);
	memset(l, 0, sizeof(*l));
}

/* Box-drawing glyph for a set of directions. */
static const char *box(uint8_t m, bool ascii)
{
	static const char *const utf8[16] = {
		" ", "\u2575", "\u2577", "\u2502", "\u2574", "\u2518", "\u2510", "\u2524",
		"\u2576", "\u2514", "\u250c", "\u251c", "\u2500", "\u2534", "\u252c", "\u253c",
	};
	static const char *const plain[16] = {
		" ", "|", "|", "|", "-", "/", "\\", "|", "-", "\\", "/", "|", "-", "+", "+", "+",
	};

	return (ascii ? plain : utf8)[m & 15];
}

/* The lane a horizontal line at lane I (or right of it, RIGHT_OF) belongs to: the
 * nearest lane away from the node whose line starts or ends on this row (lines
 * that only cross it are passed over). */
static uint16_t hline_lane(const uint8_t *c, uint16_t n, uint16_t me, uint16_t i, bool right_of)
{
	const uint8_t cross = CELL_UP | CELL_DOWN;

	if (i > me || (i == me && right_of)) {
		for (uint16_t k = right_of ? i + 1 : i; k < n; k++)
			if ((c[k] & cross) && (c[k] & cross) != cross)
				return k;
	} else {
		for (int k = i; k >= 0; k--)
			if ((c[k] & cross) && (c[k] & cross) != cross)
				return (uint16_t)k;
	}
	return i;
}

static const char *node_glyph(uint8_t kind, bool ascii)
{
	static const char *const utf8[] = { "\u25cf", "\u25ce", "\u25cc" }, *const plain[] = { "*", "I", "x" };

	return (ascii ? plain : utf8)[kind];
}

int layout_row_symbols(const struct layout *l, uint32_t row, bool ascii, struct lane_glyph *out)
{
	const uint8_t *c = l->cells + l->cell_off[row];
	uint16_t n = l->n_cells[row], me = l->lane[row];

	for (uint16_t i = 0; i < n; i++) {
		struct lane_glyph *g = out + 2 * i;

		g[0] = (struct lane_glyph){ box(c[i], ascii), i, false };
		if (c[i] & CELL_NODE)
			g[0] = (struct lane_glyph){ node_glyph(l->kind[row], ascii), i, true };
		else if (!(c[i] & (CELL_UP | CELL_DOWN)))
			g[0].lane = hline_lane(c, n, me, i, false);
		g[1] = (struct lane_glyph){ " ", i, false };
		if (c[i] & CELL_RIGHT)
			g[1] = (struct lane_glyph){ box(CELL_LEFT | CELL_RIGHT, ascii), hline_lane(c, n, me, i, true), false };
	}
	return 2 * n;
}

int layout_fold_symbols(const struct layout *l, const struct display_line *dl, bool ascii,
			struct lane_glyph *out)
{
	const uint8_t *c = l->cells + l->cell_off[dl->first];
	uint16_t n = l->n_cells[dl->first], me = l->lane[dl->first];

	for (uint16_t i = 0; i < n; i++) {
		const char *s = i == me ? (ascii ? ":" : "\u250a") : box(c[i] & (CELL_UP | CELL_DOWN), ascii);

		out[2 * i] = (struct lane_glyph){ s, i, false };
		out[2 * i + 1] = (struct lane_glyph){ " ", i, false };
	}
	return 2 * n;
}

int layout_row_glyphs(const struct layout *l, uint32_t row, bool ascii, char *buf, size_t size)
{
	struct lane_glyph *g = xmalloc(((size_t)l->n_cells[row] * 2 + 1) * sizeof(*g));
	int n = layout_row_symbols(l, row, ascii, g), cols = 0;
	size_t len = 0;

	buf[0] = '\0';
	for (; cols < n; cols++) {
		size_t k = strlen(g[cols].s);

		if (len + k + 1 > size)
			break;
		memcpy(buf + len, g[cols].s, k);
		len += k;
	}
	buf[len] = '\0';
	free(g);
	return cols;
}

/* Whether ROW only continues a line: its revision's lane comes from above and goes
 * on below, and nothing turns. What the caller's PLAIN says is not enough where a
 * cycle leaves an edge undrawn: folding such a row would hide a line's end. */
static bool straight(const struct layout *l, uint32_t row)
{
	const uint8_t *c = l->cells + l->cell_off[row];

	return (c[l->lane[row]] & (CELL_UP | CELL_DOWN)) == (CELL_UP | CELL_DOWN) && !l->turns[row];
}

void display_build(struct display *d, const struct layout *l, const bool *plain, uint32_t min_run,
		   const bool *open_at)
{
	d->n = 0;
	for (uint32_t r = 0; r < l->n_rows;) {
		bool fold = plain[r] && straight(l, r);
		uint32_t end = r;

		while (fold && end + 1 < l->n_rows && plain[end + 1] && straight(l, end + 1) &&
		       l->piece[end + 1] == l->piece[r])
			end++;
		if (fold && end - r + 1 >= min_run && !(open_at && open_at[r])) {
			GROW(d->v, d->cap, d->n + 1);
			d->v[d->n++] = (struct display_line){ r, end };
		} else {
			for (uint32_t k = r; k <= end; k++) {
				GROW(d->v, d->cap, d->n + 1);
				d->v[d->n++] = (struct display_line){ k, k };
			}
		}
		r = end + 1;
	}
}

void display_free(struct display *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

uint32_t display_find(const struct display *d, uint32_t row)
{
	uint32_t lo = 0, hi = d->n;

	while (lo + 1 < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->v[mid].first <= row)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}
