/* layout.c - lanes, one row per revision, and the folding of linear runs.
 *
 * Walking the rows top-down (children first), each lane remembers which revision
 * it is heading to. A revision takes the leftmost lane heading to it (or a free
 * lane when none is: a head); the other lanes heading to it end there with a
 * horizontal line (a branch point). Its first parent continues in its lane, other
 * parents (a merge) open lanes to the right. Two lanes heading to one parent run
 * side by side down to it and join on its row. Past LAYOUT_JOIN_LANES lanes a
 * revision's line joins a lane heading to its first parent on the revision's
 * own row instead (git collapses such columns too): a fan of N heads on one
 * base took N * N / 2 cells (60,000 heads: 1.9 GB and 7 s to the first screen).
 *
 * Before that, rows are grouped by piece (a stable counting sort on the piece of
 * each row, found with a union-find over down_revision): a piece ends with every
 * lane closed, so the next one starts on lane 0 with nothing above it.
 *
 * Where the history order walks down_revision alone, a revision that is its
 * one parent's only child (NODE_FLAT_CHAIN) has that parent on the next row:
 * such rows are laid out as runs, without reading their nodes' edges, which
 * is most of the work after an edit (2.5 -> 1.8 ms at 100,000 revisions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/layout.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A row's cells start as a copy of this many lanes when they are all it may
 * need: a copy of a fixed size, not a call to memcpy and one to memset for
 * each of the 22,000 rows laid one by one at 100,000 revisions. */
#define LANES_COPIED 32

#define HEADING_MANY UINT8_MAX

/* Bytes of lanes' open past their room, 0: zero_ahead reads eight at a time. */
#define OPEN_PAST 8

/* A row's lanes are counted in 16 bits (struct layout). So many lines side
 * by side come only from a history made to be drawn so (65,535 heads on one
 * base, say), whose cells would take gigabytes before: no picture for it. */
#define LANES_MAX UINT16_MAX

static void too_many_lanes(void)
{
	fputs("migtree: this history needs more than 65,535 lines side by side to be drawn; "
	      "the explorer cannot show it (check, heads and history still read it)\n", stderr);
	exit(2);
}

struct lanes {
	uint32_t *want; /* lane -> the revision (node) it is heading to, NO_NODE when free */
	uint8_t *open;  /* lane -> CELL_UP | CELL_DOWN when it heads somewhere, else 0
	                 * (past n too, up to cap and OPEN_PAST more): a row's cells
	                 * start as a copy of it */
	uint16_t n;     /* lanes in use: at most LANES_MAX */
	uint32_t cap;   /* past a uint16_t: its doubling from 32,768 would be 0 */
	/* node -> how many lanes head to it (HEADING_MANY: that many or more),
	 * and the leftmost: a lane keeps its node until the node's row is laid
	 * out, so a row finds its lanes without looking at every lane (and only
	 * a row more than one lane heads to looks, up to the last); a byte, 100
	 * KB zeroed an edit at 100,000 revisions, not 400. By node, not row: a
	 * lane is told by the revision it heads to, which a mark keeps as it is
	 * (rows move from one build to the next), and no row is looked up for a
	 * parent while laying out */
	uint8_t *n_heading;
	uint16_t *first_heading;
};

static inline void head_to(struct lanes *ln, uint16_t lane, uint32_t v)
{
	ln->want[lane] = v;
	ln->open[lane] = CELL_UP | CELL_DOWN;
	if (!ln->n_heading[v] || lane < ln->first_heading[v])
		ln->first_heading[v] = lane;
	ln->n_heading[v] += ln->n_heading[v] < HEADING_MANY;
}

/* In *AT, the place among the eight bytes memcpy loaded into W (not 0) of
 * the byte holding W's lowest set bit: each "eight a step" scan below reads
 * the first byte it looks for from a bit. Where a load does not put the
 * byte at the lowest address lowest (big-endian), false: the caller goes on
 * a byte at a time. */
static inline bool lowest_byte(uint64_t w, uint32_t *at)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	*at = (uint32_t)__builtin_ctzll(w) / 8;
	return true;
#else
	(void)w;
	*at = 0;
	return false;
#endif
}

/* The first of C[FROM .. N) that is 0, or N: eight bytes a step (a row laid
 * one by one has 11 lanes on average at 100,000 revisions). */
static uint16_t first_zero(const uint8_t *c, uint16_t from, uint16_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones << 7;
	uint32_t i = from, at;

	for (uint64_t w, z; i + 8 <= n; i += 8) {
		memcpy(&w, c + i, sizeof(w));
		z = (w - ones) & ~w & highs; /* its lowest bit is the first 0 byte's (a borrow goes up only) */
		if (!z)
			continue;
		if (!lowest_byte(z, &at))
			break;
		return (uint16_t)(i + at);
	}
	while (i < n && c[i])
		i++;
	return (uint16_t)i;
}

/* A new lane, right of the last (heading nowhere yet). */
__attribute__((noinline)) static uint16_t new_lane(struct lanes *ln)
{
	if (ln->n == LANES_MAX)
		too_many_lanes();
	if (ln->n == ln->cap) {
		ln->cap = ln->cap ? ln->cap * 2 : LANES_COPIED;
		if (ln->cap > LANES_MAX)
			ln->cap = LANES_MAX;
		ln->want = xrealloc(ln->want, ln->cap * sizeof(uint32_t));
		ln->open = xrealloc(ln->open, ln->cap + OPEN_PAST);
		memset(ln->open + ln->n, 0, ln->cap + OPEN_PAST - ln->n); /* see struct lanes */
	}
	ln->want[ln->n] = NO_NODE;
	ln->open[ln->n] = 0;
	return ln->n++;
}

/* A lane heading nowhere, from FROM on; with ROW, not one that a line still
 * reaches on this row (it ended here: taking it would join that line to the
 * new one, an edge the graph does not have). A lane heading nowhere is 0
 * in open, and a lane heading somewhere is not 0 in ROW (lay_row): the
 * lane looked for is the first 0 of one of them. Inline, a new lane out
 * of line: a merge's lane is found among the lanes there are 5 times in 6
 * (at 100,000 revisions), and a call was half its cost. */
static inline uint16_t free_lane(struct lanes *ln, uint16_t from, const uint8_t *row)
{
	uint16_t i = first_zero(row ? row : ln->open, from, ln->n);

	return i < ln->n ? i : new_lane(ln);
}

/* The first 0 of C from I on, eight bytes a step, where one is sure to be
 * found in C's room (lay_merge). */
static inline uint16_t zero_ahead(const uint8_t *c, uint32_t i)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones << 7;
	uint32_t at;

	for (uint64_t w, z;; i += 8) {
		memcpy(&w, c + i, sizeof(w));
		z = (w - ones) & ~w & highs;
		if (!z)
			continue;
		if (!lowest_byte(z, &at))
			break;
		return (uint16_t)(i + at);
	}
	while (c[i])
		i++;
	return (uint16_t)i;
}

/* A horizontal line between lanes A and B (exclusive), and the ends' sides,
 * the lanes between as SRC has them: C itself, or the lanes' open where C
 * is a copy of it past the left end (bytes just stored into C, read back
 * in words that straddle those stores, stall). The lanes between take
 * LEFT | RIGHT eight a step (four on average at 100,000 revisions: a byte a
 * step was half of a merge's cost), each word also writing up to seven
 * bytes past the line's right end: the end itself is put back, what is
 * past it is SRC's (C's copy, or C's own). C and SRC have room for eight
 * bytes past B (lay_row, OPEN_PAST). */
static inline void hline_over(uint8_t *c, const uint8_t *src, uint16_t a, uint16_t b)
{
#define LR (CELL_LEFT | CELL_RIGHT)
	static const uint8_t through[16] = { LR, LR, LR, LR, LR, LR, LR, LR };
#undef LR
	uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
	uint8_t end = c[hi];

	for (uint32_t i = lo + 1; i < hi; i += 8) {
		uint64_t w, m;

		memcpy(&m, through + 8 - (hi - i < 8 ? hi - i : 8), sizeof(m)); /* the first hi - i bytes */
		memcpy(&w, src + i, sizeof(w));
		w |= m;
		memcpy(c + i, &w, sizeof(w));
	}
	c[lo] |= CELL_RIGHT;
	c[hi] = end | CELL_LEFT;
}

static inline void hline(uint8_t *c, uint16_t a, uint16_t b)
{
	hline_over(c, c, a, b);
}

/* Row R's cells, WIDTH of them, laid where the next row's cells go (see
 * lay_row); TURNS: a horizontal line is on it. */
static void emit_row(struct layout *l, uint32_t r, uint16_t width, bool turns)
{
	l->shape[r] = turns ? ROW_TURNS : 0;
	l->cell_off[r] = (uint32_t)l->n_cells_total;
	l->n_cells[r] = width;
	l->n_cells_total += width;
	if (width > l->max_lanes)
		l->max_lanes = width;
}

/* One row's parents, in down_revision order: their nodes. A chain's last
 * row's are read from the graph as it is laid (lay_rows), not gathered into
 * lists first. ROW_OF, where a parent may be drawn above its child (a
 * cycle's nodes come after the order: layout_build), gives their rows;
 * NULL where every parent is below (the order walks down_revision alone). */
struct row_down {
	const uint32_t *v;
	uint32_t n;
	const uint32_t *row_of;
};

/* Is parent K of row R drawn below it? */
static inline bool below(struct row_down d, uint32_t k, uint32_t r)
{
	return !d.row_of || d.row_of[d.v[k]] >= r;
}

/* A row of single links (one lane heads to it, LANE, now heading on to its
 * one parent) not drawn as the row above: its cells are the lanes open,
 * its own in LANE, all of them shown (the last lane heads somewhere: see
 * lay_row). What lay_row makes of such a row without its looks for other
 * lanes and parents (13,000 of the 22,000 rows laid one by one at 100,000
 * revisions). */
static void lay_single(struct layout *l, struct lanes *ln, uint32_t r, uint16_t lane)
{
	uint16_t n = ln->n;
	uint8_t *c;

	GROW(l->cells, l->cap_cells, l->n_cells_total + n + LANES_COPIED);
	c = l->cells + l->n_cells_total;
	if (n <= LANES_COPIED) /* a lane is open: cap >= LANES_COPIED */
		memcpy(c, ln->open, LANES_COPIED);
	else
		memcpy(c, ln->open, n);
	c[lane] = CELL_NODE | CELL_UP | CELL_DOWN;
	l->lane[r] = lane;
	emit_row(l, r, n, false);
}

/* Row R's cells begun where they are kept, after the last row's (what is
 * past its width is the next row's room), with room for N_DOWN lanes more
 * (each parent may open one) and LANES_COPIED past them (hline writes 8
 * bytes a step): the lanes open,
 * R's own in *ME (the leftmost heading to R, or a free one: a head), and
 * the other lanes heading to R ended on it with a line to *ME (*TURNS). */
static inline __attribute__((always_inline)) uint8_t *begin_row(struct layout *l, struct lanes *ln, uint32_t r,
								  uint32_t n_down, uint16_t *me, bool *turns)
{
	uint32_t extra = n_down + 2, v = l->node[r];
	int16_t at = ln->n_heading[v] ? (int16_t)ln->first_heading[v] : -1;
	uint8_t *c;

	*me = at >= 0 ? (uint16_t)at : free_lane(ln, 0, NULL);
	/* what is past it is the next row's room: LANES_COPIED may be copied */
	GROW(l->cells, l->cap_cells, l->n_cells_total + ln->n + extra + LANES_COPIED);
	c = l->cells + l->n_cells_total;
	if (ln->n + extra <= LANES_COPIED && ln->cap >= LANES_COPIED) {
		memcpy(c, ln->open, LANES_COPIED); /* 0 past ln->n */
	} else {
		memcpy(c, ln->open, ln->n);
		memset(c + ln->n, 0, extra);
	}
	c[*me] = CELL_NODE | (at >= 0 ? CELL_UP : 0);
	*turns = false;
	/* the other lanes heading to it, right of the leftmost, me (a count of
	 * HEADING_MANY is not one: every lane is looked at) */
	for (uint16_t j = *me + 1, left = at >= 0 ? ln->n_heading[v] - 1 : 0; left && j < ln->n; j++)
		if (ln->want[j] == v) {
			c[j] = CELL_UP;
			hline(c, *me, j);
			*turns = true;
			ln->want[j] = NO_NODE;
			ln->open[j] = 0;
			left -= left < HEADING_MANY - 1;
		}
	return c;
}

/* Row R, whose cells C are laid, in lane ME: its width (lanes that end on
 * it still show on it), and the lanes that end right of the last open. */
static inline __attribute__((always_inline)) void end_row(struct layout *l, struct lanes *ln, uint32_t r, const uint8_t *c, uint16_t me,
			   bool turns)
{
	uint16_t width = ln->n;

	while (width > 0 && !c[width - 1])
		width--;
	while (ln->n > 0 && ln->want[ln->n - 1] == NO_NODE)
		ln->n--;
	l->lane[r] = me;
	emit_row(l, r, width, turns);
}

/* The lane ROW's line joins on it, heading to P from ME: past
 * LAYOUT_JOIN_LANES lanes, the nearest lane left of ME already heading to
 * P; -1 when it opens none (heads there itself). Only to the left: a join
 * is then the one line left of a revision, and its end the lane it goes
 * down, not a line it crosses (lanes that end on a row and a merge's
 * lines are right of its revision). Enough for a fan: a new lane is the
 * rightmost. */
static inline int32_t join_lane(const struct lanes *ln, uint16_t me, uint32_t p)
{
	if (ln->n < LAYOUT_JOIN_LANES || !ln->n_heading[p] || ln->first_heading[p] >= me)
		return -1;
	for (int32_t j = me - 1; j >= 0; j--)
		if (ln->want[j] == p)
			return j;
	return -1;
}

/* Lay row R out, any row. The other lanes heading to it end on it, its
 * first parent continues its lane (or joins one: join_lane), the others
 * open lanes to the right.
 * Out of line (as lay_branch): the registers it needs are not saved for
 * the rows lay_chain draws without it. */
__attribute__((noinline)) static void lay_row(struct layout *l, struct row_down d, struct lanes *ln, uint32_t r)
{
	uint16_t me;
	bool turns;
	uint8_t *c = begin_row(l, ln, r, d.n, &me, &turns);

	ln->want[me] = NO_NODE;
	ln->open[me] = 0;
	for (uint32_t k = 0; k < d.n; k++) {
		uint32_t p = d.v[k];

		if (!below(d, k, r))
			continue; /* drawn above: only a cycle does that */
		if (k == 0) {
			int32_t j = join_lane(ln, me, p);

			if (j >= 0) {
				hline(c, (uint16_t)j, me);
				turns = true;
			} else {
				head_to(ln, me, p);
				c[me] |= CELL_DOWN;
			}
		} else {
			uint16_t n = free_lane(ln, me + 1, c); /* room was made for it above */

			head_to(ln, n, p);
			c[n] = CELL_DOWN;
			hline(c, me, n);
			turns = true;
		}
	}
	end_row(l, ln, r, c, me, turns);
}

/* Lay row R out, a head or a branch point whose one parent is the next
 * row, whose only child it is (a chain's first row: 4,200 of the 9,300
 * rows laid by lay_row at 100,000 revisions): its lane heads on there,
 * which is told to no count (lay_chain hands the lane on). Returns it. */
__attribute__((noinline)) static uint16_t lay_branch(struct layout *l, struct lanes *ln, uint32_t r)
{
	uint16_t me;
	bool turns;
	uint8_t *c = begin_row(l, ln, r, 1, &me, &turns);

	ln->want[me] = l->node[r + 1];
	ln->open[me] = CELL_UP | CELL_DOWN;
	c[me] |= CELL_DOWN;
	end_row(l, ln, r, c, me, turns);
	return me;
}

/* Lay row R out, two lanes heading to it, its one parent the next row
 * (a branch point of two that begins a chain: 4,460 of the 4,700 rows
 * lay_branch laid at 100,000 revisions): the right lane ends on it with a
 * line to the left one, ME, which goes on. What lay_branch makes of it
 * without the count of lanes left to look for and the trim of the row's
 * width (its last lane heads somewhere or ends on it). Returns ME. */
__attribute__((noinline)) static uint16_t lay_fork(struct layout *l, struct lanes *ln, uint32_t r)
{
	uint32_t v = l->node[r];
	uint16_t me = ln->first_heading[v], j = me + 1, n = ln->n;
	uint8_t *c;

	GROW(l->cells, l->cap_cells, l->n_cells_total + n + LANES_COPIED);
	c = l->cells + l->n_cells_total;
	if (n <= LANES_COPIED && ln->cap >= LANES_COPIED)
		memcpy(c, ln->open, LANES_COPIED);
	else
		memcpy(c, ln->open, n);
	while (j + 1 < n && ln->want[j] != v) /* the other lane heading there (the last when none before) */
		j++;
	c[me] = CELL_NODE | CELL_UP | CELL_DOWN;
	c[j] = CELL_UP;
	hline_over(c, ln->open, me, j); /* C between and past them as copied */
	ln->want[j] = NO_NODE;
	ln->open[j] = 0;
	ln->want[me] = l->node[r + 1];
	while (ln->n > 0 && ln->want[ln->n - 1] == NO_NODE)
		ln->n--;
	l->lane[r] = me;
	emit_row(l, r, n, true);
	return me;
}

/* Lay row R out, one lane heading to it (ME), its two parents P0 and P1
 * below it: a merge at a chain's end (4,950 of the 9,300 rows laid one by
 * one but not by lay_single at 100,000 revisions). ME goes on to P0, a
 * lane opens right of it to P1, no lane ends: what lay_row makes of such
 * a row, without its looks for other lanes heading there, its loop over
 * the parents and its trims (the last lane heads somewhere), 207 -> 120
 * instructions a row. */
__attribute__((noinline)) static void lay_merge(struct layout *l, struct lanes *ln, uint32_t r, uint16_t me,
						uint32_t p0, uint32_t p1)
{
	uint16_t n;
	uint8_t *c;

	/* a lane more, and hline's eight bytes past it in LANES_COPIED */
	GROW(l->cells, l->cap_cells, l->n_cells_total + ln->n + 1 + LANES_COPIED);
	c = l->cells + l->n_cells_total;
	if (ln->n < LANES_COPIED && ln->cap >= LANES_COPIED) {
		memcpy(c, ln->open, LANES_COPIED);
		c[me] = CELL_NODE | CELL_UP | CELL_DOWN;
		/* a 0 at ln->n at the latest: looked for eight a step without a
		 * bound, no byte at a time for the last few; in open, which C
		 * copies from me on (C's bytes, just stored, read back in words
		 * across those stores: stalls, 6% of an edit's time) */
		n = zero_ahead(ln->open, me + 1);
		n = n < ln->n ? n : new_lane(ln);
	} else {
		memcpy(c, ln->open, ln->n);
		c[me] = CELL_NODE | CELL_UP | CELL_DOWN;
		n = free_lane(ln, me + 1, c);
	}
	head_to(ln, me, p0);
	head_to(ln, n, p1);
	c[n] = CELL_DOWN;
	hline_over(c, ln->open, me, n); /* C between and past them as copied */
	l->lane[r] = me;
	emit_row(l, r, ln->n, true);
}

/* The graph as the layout reads it: each node's parents and its piece, from
 * the graph's flat edges (graph.h). Rows are in history order, where the
 * nodes come at random (the load order is the ids' sorted order):
 * reading a node's struct and its edge vector row by row missed the cache on
 * every row (23 ms at 100,000). */
struct graph_view {
	const uint32_t *at;   /* node -> its first parent in down; at[n] ends the last */
	const uint32_t *down;
	uint32_t n_edges;
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

/* Which rows have the next row as their one parent, whose only child they
 * are: those whose flag says NODE_FLAT_CHAIN, where the history walks
 * down_revision alone (layout_build), but the last. Read from the rows'
 * flags where they are, not from an array of its own (a pass and 100 KB at
 * 100,000 revisions an edit). */
struct links {
	const uint8_t *flat;
	uint32_t n; /* rows below N are linked where their flag says so; none else */
};

static inline bool linked(struct links lk, uint32_t r)
{
	return r < lk.n && (lk.flat[r] & NODE_FLAT_CHAIN);
}

/* The rows not linked, in row order: each chain's last row (every row
 * where the history does not walk down_revision alone). A chain's first
 * row is row 0 or the one after the last chain's: v[j - 1] + 1. A chain
 * is seven rows on average at 100,000 branchy revisions: its ends are
 * found eight flags a step. */
struct chain_ends {
	uint32_t *v, n;
};

static void find_chain_ends(struct chain_ends *ce, struct links lk, uint32_t n_rows)
{
	uint32_t r = 0, n = 0;

#if defined(__SSE2__)
	/* sixteen flags a step where there is SSE2, each row without the link
	 * one bit of a mask (0.29M -> 0.2M instructions an edit at 100,000) */
	for (const __m128i chain = _mm_set1_epi8(NODE_FLAT_CHAIN); r + 16 <= lk.n; r += 16) {
		__m128i f = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)(lk.flat + r)), chain);

		for (unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(f, _mm_setzero_si128())); m; m &= m - 1)
			ce->v[n++] = r + (uint32_t)__builtin_ctz(m);
	}
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* eight flags a step, each row without the link one bit of a mask */
	for (uint64_t w, m; r + 8 <= lk.n; r += 8) {
		memcpy(&w, lk.flat + r, sizeof(w));
		for (m = ~w & 0x0101010101010101u * NODE_FLAT_CHAIN; m; m &= m - 1)
			ce->v[n++] = r + (uint32_t)__builtin_ctzll(m) / 8;
	}
#endif
	for (; r < n_rows; r++)
		if (!linked(lk, r))
			ce->v[n++] = r;
	ce->n = n;
}

/* A[0 .. N) = V, eight a step (16-byte stores where there is SSE2): the
 * compiler makes no vector loop of an unknown count at -O2. */
static void fill_u32(uint32_t *a, uint32_t n, uint32_t v)
{
	uint32_t i = 0;
#if defined(__SSE2__)
	const __m128i w = _mm_set1_epi32((int)v);

	for (; i + 8 <= n; i += 8) {
		_mm_storeu_si128((__m128i *)(void *)(a + i), w);
		_mm_storeu_si128((__m128i *)(void *)(a + i + 4), w);
	}
#else
	const uint64_t w = v * 0x100000001u;

	for (; i + 8 <= n; i += 8) {
		memcpy(a + i, &w, sizeof(w));
		memcpy(a + i + 2, &w, sizeof(w));
		memcpy(a + i + 4, &w, sizeof(w));
		memcpy(a + i + 6, &w, sizeof(w));
	}
#endif
	for (; i < n; i++)
		a[i] = v;
}

/* OUT[0 .. N) = IN[0 .. N) + ADD (modulo 2^32), four a step where there is
 * SSE2 (move_chain_ends: 14,000 ends at 100,000 revisions). */
static void add_u32(uint32_t *restrict out, const uint32_t *restrict in, uint32_t n, uint32_t add)
{
	uint32_t i = 0;
#if defined(__SSE2__)
	const __m128i a = _mm_set1_epi32((int)add);

	for (; i + 4 <= n; i += 4)
		_mm_storeu_si128((__m128i *)(void *)(out + i),
				 _mm_add_epi32(_mm_loadu_si128((const __m128i *)(const void *)(in + i)), a));
#endif
	for (; i < n; i++)
		out[i] = in[i] + add;
}

/* Each row's node flags, for SRC's order, four rows a step (the compiler
 * unrolls no loop at -O2), by pointers: an index a row cost a lea and a
 * mov more (4.8 -> 3.8 instructions a row). The nodes come at random, but
 * the loads do not wait on each other and the flags are 100 KB at 100,000
 * revisions: not asked for ahead (as row_of's stores and a row's parents
 * are), which was 0.3M instructions an edit and no time seen. */
static void gather_flat(uint8_t *restrict flat, const uint8_t *restrict node_flat, const uint32_t *restrict src,
			uint32_t n)
{
	const uint32_t *end = src + n, *end4 = src + (n & ~3u);

	for (; src < end4; src += 4, flat += 4) {
		flat[0] = node_flat[src[0]];
		flat[1] = node_flat[src[1]];
		flat[2] = node_flat[src[2]];
		flat[3] = node_flat[src[3]];
	}
	for (; src < end; src++)
		*flat++ = node_flat[*src];
}

/* SRC's nodes R .. R + LEN - 1 placed on rows TO ..: each row's node, and
 * each node's row, four a step, by pointers (as gather_flat): the four
 * nodes one copy of 16 bytes (9.5 -> 6.5 instructions a row). The stores
 * to row_of come at random: their lines asked for ahead, for writing
 * (260 -> 160 us an edit at 100,000). */
static void place_nodes(struct layout *l, const uint32_t *src, uint32_t r, uint32_t len, uint32_t to)
{
	uint32_t *restrict row_of = l->row_of, *restrict node = l->node + to;
	const uint32_t *s = src + r, *end = s + len;
	const uint32_t *ahead = src + (l->n_rows > 32 + 4 ? l->n_rows - 32 - 4 : 0); /* SRC has every row: read past the run */

	for (ahead = ahead < end ? ahead : end; s + 4 <= ahead; s += 4, node += 4, to += 4) {
		__builtin_prefetch(&row_of[s[32]], 1);
		__builtin_prefetch(&row_of[s[33]], 1);
		__builtin_prefetch(&row_of[s[34]], 1);
		__builtin_prefetch(&row_of[s[35]], 1);
		memcpy(node, s, 4 * sizeof(uint32_t));
		row_of[s[0]] = to;
		row_of[s[1]] = to + 1;
		row_of[s[2]] = to + 2;
		row_of[s[3]] = to + 3;
	}
	for (; s < end; s++, node++) {
		*node = *s;
		row_of[*s] = to++;
	}
}

/* A run of rows of one piece, in the order they come (place_rows). */
struct piece_run {
	uint32_t first, piece;
};

/* The runs of rows of one piece in RUNS (N_RUNS of them), pieces numbered
 * by their first rows, for SRC's order (CE its chains' ends). A chain's
 * rows after its first are of its piece: only the first rows are looked up
 * (14,000 of 100,000 at 100,000 branchy revisions). */
static struct piece_run *piece_runs(struct layout *l, const struct graph *g, struct graph_view *nc,
				    const uint32_t *src, const struct chain_ends *ce, uint32_t *n_runs)
{
	uint32_t roots = nc->by_component ? g->n_components : g->n;
	uint32_t *num = xmalloc((roots ? roots : 1) * sizeof(uint32_t));
	struct piece_run *runs = NULL;
	size_t cap = 0;

	memset(num, 0xff, (roots ? roots : 1) * sizeof(uint32_t)); /* NO_NODE */
	l->n_pieces = 0;
	*n_runs = 0;
	for (uint32_t j = 0, r = 0, last = NO_NODE, root; j < ce->n; r = ce->v[j++] + 1) {
		root = piece_root(nc, src[r]);
		if (root == last)
			continue; /* the run goes on (most chains): its number not looked up */
		last = root;
		if (num[root] == NO_NODE)
			num[root] = l->n_pieces++;
		GROW(runs, cap, (size_t)*n_runs + 1);
		runs[(*n_runs)++] = (struct piece_run){ r, num[root] };
	}
	free(num);
	return runs;
}

/* The end of run K of RUNS (N_RUNS of them, over N rows). */
static uint32_t run_stop(const struct piece_run *runs, uint32_t n_runs, uint32_t k, uint32_t n)
{
	return k + 1 < n_runs ? runs[k + 1].first : n;
}

/* The chains' ends CE moved with the runs they are in, run K to row TO[K]
 * (a run holds whole chains), in row order: the ends grouped by piece as
 * the rows are, not found again (a pass over every row). */
static void move_chain_ends(struct chain_ends *ce, const struct piece_run *runs, uint32_t n_runs, const uint32_t *to,
			    uint32_t n_pieces)
{
	uint32_t *at = xcalloc((size_t)n_pieces + 1, sizeof(uint32_t)), *v = xmalloc(((size_t)ce->n + 1) * sizeof(uint32_t));
	uint32_t *from = xmalloc(((size_t)n_runs + 1) * sizeof(uint32_t)); /* run -> its first end in CE */

	for (uint32_t k = 0; k < n_runs; k++)
		from[k] = u32_lower_bound(ce->v, ce->n, runs[k].first);
	from[n_runs] = ce->n;
	for (uint32_t k = 0; k < n_runs; k++)
		at[runs[k].piece + 1] += from[k + 1] - from[k];
	for (uint32_t c = 0; c < n_pieces; c++)
		at[c + 1] += at[c];
	for (uint32_t k = 0; k < n_runs; k++) {
		add_u32(v + at[runs[k].piece], ce->v + from[k], from[k + 1] - from[k], to[k] - runs[k].first);
		at[runs[k].piece] += from[k + 1] - from[k];
	}
	free(ce->v);
	ce->v = v;
	free(from);
	free(at);
}

/* The rows grouped by piece, RUNS (of SRC's order) moved where their
 * piece's rows go, their order kept, with each row's piece and the chains'
 * ends CE. */
static void group_by_piece(struct layout *l, const uint32_t *src, const struct piece_run *runs, uint32_t n_runs,
			   struct chain_ends *ce)
{
	uint32_t n = l->n_rows, *start = xcalloc((size_t)l->n_pieces + 1, sizeof(uint32_t));
	uint32_t *to = xmalloc(n_runs * sizeof(uint32_t));
	uint8_t *flat = xmalloc(n ? n : 1); /* the flags where their rows go */

	for (uint32_t k = 0; k < n_runs; k++)
		start[runs[k].piece + 1] += run_stop(runs, n_runs, k, n) - runs[k].first;
	for (uint32_t c = 0; c < l->n_pieces; c++)
		start[c + 1] += start[c];
	for (uint32_t c = 0; c < l->n_pieces; c++)
		fill_u32(l->piece + start[c], start[c + 1] - start[c], c);
	for (uint32_t k = 0; k < n_runs; k++) {
		uint32_t first = runs[k].first, len = run_stop(runs, n_runs, k, n) - first;

		to[k] = start[runs[k].piece];
		place_nodes(l, src, first, len, to[k]);
		memcpy(flat + to[k], l->flat + first, len);
		start[runs[k].piece] += len;
	}
	move_chain_ends(ce, runs, n_runs, to, l->n_pieces);
	free(to);
	free(l->flat);
	l->flat = flat;
	free(start);
}

/* The rows: SRC's nodes (the history order, then what it leaves out), grouped
 * by piece so that each piece's rows are contiguous (their order kept), with
 * each row's node flags and piece, pieces numbered in the order of their
 * first rows, and the chains' ends (CE) where the rows are. A piece comes in
 * long runs of rows (a history has few pieces, and a chain's rows are never
 * split): the grouping moves runs, not rows (a pass over every row at random
 * was a tenth of an edit at 100,000). */
static void place_rows(struct layout *l, const struct graph *g, struct graph_view *nc, const uint32_t *src,
		       struct links lk, struct chain_ends *ce)
{
	uint32_t n = l->n_rows, n_runs;
	struct piece_run *runs;

	gather_flat(l->flat, g->node_flat, src, n);
	find_chain_ends(ce, lk, n);
	runs = piece_runs(l, g, nc, src, ce, &n_runs);
	if (n_runs == l->n_pieces) { /* each piece one run, in their order: the rows stay */
		place_nodes(l, src, 0, n, 0);
		for (uint32_t k = 0; k < n_runs; k++)
			fill_u32(l->piece + runs[k].first, run_stop(runs, n_runs, k, n) - runs[k].first, k);
	} else {
		group_by_piece(l, src, runs, n_runs, ce);
	}
	free(runs);
}

/* shape, lane, n_cells and cell_off have room for this many rows past the
 * last: a run's rows are stored eight at a time (lay_run), what goes past
 * the run is of rows laid after it (each row's are set as it is laid). */
#define ROWS_PAST 8

/* Rows R .. END - 1 drawn as the row above them, each in lane LANE heading
 * to the next (a line of single links goes on), in one go: eight rows a
 * step in 16-byte stores where there is SSE2 (every x86-64), four in
 * 8-byte ones where not, the last step past END into the next rows' (or
 * ROWS_PAST's) room. A run is seven rows on average at 100,000 revisions:
 * one step, its shapes too, not a loop of four and a memset for the
 * longer (52 -> 22 instructions a run). */
static void lay_run(struct layout *l, uint32_t r, uint32_t end, uint16_t lane)
{
	const uint64_t shapes = 0x0101010101010101u * ROW_AS_ABOVE;
	uint32_t off = l->cell_off[r - 1];
	uint16_t width = l->n_cells[r - 1];
#if defined(__SSE2__)
	const __m128i lanes = _mm_set1_epi16((short)lane), widths = _mm_set1_epi16((short)width);
	const __m128i offs = _mm_set1_epi32((int)off);

	_Static_assert(ROWS_PAST >= 7, "a step of eight rows may write seven past the last");
	for (uint32_t i = r; i < end; i += 8) {
		_mm_storeu_si128((__m128i *)(void *)(l->lane + i), lanes);
		_mm_storeu_si128((__m128i *)(void *)(l->n_cells + i), widths);
		_mm_storeu_si128((__m128i *)(void *)(l->cell_off + i), offs);
		_mm_storeu_si128((__m128i *)(void *)(l->cell_off + i + 4), offs);
		memcpy(l->shape + i, &shapes, sizeof(shapes));
	}
#else
	const uint64_t w16 = 0x0001000100010001u, w32 = 0x100000001u;
	uint64_t lanes = lane * w16, offs = off * w32, widths = width * w16;

	for (uint32_t i = r; i < end; i += 4) {
		memcpy(l->lane + i, &lanes, sizeof(lanes));
		memcpy(l->n_cells + i, &widths, sizeof(widths));
		memcpy(l->cell_off + i, &offs, sizeof(offs));
		memcpy(l->cell_off + i + 2, &offs, sizeof(offs));
		memcpy(l->shape + i, &shapes, 4);
	}
#endif
}

/* A chain's rows R .. END: each but the last linked (the next row its one
 * parent, whose only child it is), the last with parents D; ABOVE is the
 * lane of the row above when it was drawn as a line going on (a row of
 * single links), else -1. One lane runs down the chain: the first row's
 * (or, a head or a branch point, the lane it takes), handed on from row to
 * row without the lanes' state (want, n_heading) written on each. The
 * rows after one drawn are drawn as it (lay_run), the last too when it
 * hands the lane on to one parent below. Returns the last row's ABOVE. */
static int32_t lay_chain(struct layout *l, struct lanes *ln, uint32_t r, uint32_t end, struct row_down d,
			 int32_t above)
{
	uint8_t heading = ln->n_heading[l->node[r]];
	int32_t lane = heading == 1 ? ln->first_heading[l->node[r]] : -1;
	uint32_t p = d.n == 1 ? d.v[0] : NO_NODE;
	uint32_t stop = end + (p != NO_NODE && below(d, 0, end)); /* a parent drawn above: only a cycle does that */

	if (lane < 0 && r < end) { /* a head or a branch point: its one parent the next row */
		lane = heading == 2 ? lay_fork(l, ln, r++) : lay_branch(l, ln, r++);
		above = -1;
	}
	if (stop > end && lane >= 0 && join_lane(ln, (uint16_t)lane, p) >= 0)
		stop = end; /* the last row joins another lane: lay_row draws it */
	if (lane >= 0 && r < stop) {
		if (lane != above) {
			lay_single(l, ln, r++, (uint16_t)lane);
			above = lane;
		}
		if (r < stop)
			lay_run(l, r, stop, (uint16_t)lane);
		if (stop > end) { /* the last row's lane goes on to its parent */
			head_to(ln, (uint16_t)lane, p);
			return above;
		}
	}
	if (lane >= 0) {
		if (d.n == 2 && ln->n < LAYOUT_JOIN_LANES && below(d, 0, end) && below(d, 1, end)) {
			lay_merge(l, ln, end, (uint16_t)lane, d.v[0], d.v[1]);
			return -1;
		}
		ln->n_heading[l->node[end]] = 1; /* what lay_row reads: the one lane heading there */
		ln->first_heading[l->node[end]] = (uint16_t)lane;
	}
	lay_row(l, d, ln, end);
	return -1;
}

/* A[NODE[0]] = 0 and A[NODE[V[j] + 1]] = 0 for j < N - 1: each chain's
 * first row's node (a chain's first row comes after the last one's last),
 * four a step (the compiler unrolls no loop at -O2). */
static void zero_heading(uint8_t *a, const uint32_t *node, const uint32_t *v, uint32_t n)
{
	const uint32_t *end = v + (n ? n - 1 : 0), *end4 = v + ((n ? n - 1 : 0) & ~3u);

	if (!n)
		return;
	a[node[0]] = 0;
	for (; v < end4; v += 4) {
		a[node[v[0] + 1]] = 0;
		a[node[v[1] + 1]] = 0;
		a[node[v[2] + 1]] = 0;
		a[node[v[3] + 1]] = 0;
	}
	for (; v < end; v++)
		a[node[*v + 1]] = 0;
}

/* The marks' spacing for N rows: some 128 marks of a dozen lanes each,
 * whatever the size (and a mark every 16 rows at least, so that small
 * histories have several too). */
static uint32_t mark_every(uint32_t n)
{
	return n / 128 > 16 ? n / 128 : 16;
}

/* The last mark's span ends: the widest row laid since it (max_lanes, which
 * emit_row keeps) is its, and max_lanes counts again from 0. */
static void end_span(struct layout *l)
{
	if (l->n_marks)
		l->marks[l->n_marks - 1].max_lanes = l->max_lanes;
	l->max_lanes = 0;
}

/* The widest row of all: the widest span's. */
static uint16_t widest_span(const struct layout *l)
{
	uint16_t w = 0;

	for (uint32_t k = 0; k < l->n_marks; k++)
		if (l->marks[k].max_lanes > w)
			w = l->marks[k].max_lanes;
	return w;
}

/* The mark of row R, a chain's first (ABOVE as lay_chain has it), where the
 * lanes stand before it: each by the node it heads to (rows move from one
 * build to the next, nodes do not). */
static void take_mark(struct layout *l, const struct lanes *ln, uint32_t r, int32_t above)
{
	struct layout_mark *m;

	end_span(l);
	GROW(l->marks, l->cap_marks, (size_t)l->n_marks + 1);
	GROW(l->mark_lanes, l->cap_mark_lanes, l->n_mark_lanes + ln->n);
	m = &l->marks[l->n_marks++];
	*m = (struct layout_mark){ r, (uint32_t)l->n_mark_lanes, l->n_cells_total, ln->n, 0, above };
	for (uint16_t j = 0; j < ln->n; j++)
		l->mark_lanes[l->n_mark_lanes++] = ln->want[j];
}

/* What layout_build_after takes from the layout before an edit, PREV: its
 * rows before mark K0, and its rows from the first of its marks at or after
 * SAME_FROM (the first row from which every row has the same revision, flags
 * and parents as there) where the lanes stand as they do here. */
struct reuse {
	const struct layout *prev;
	uint32_t k0, same_from, k;
};

/* PREV's marks from K on, their lanes and cells where L's go on. */
static void copy_marks(struct layout *l, const struct layout *prev, uint32_t k, uint32_t to_k)
{
	uint32_t lanes_from = k < prev->n_marks ? prev->marks[k].lanes_at : 0;
	uint32_t lanes_to = to_k < prev->n_marks ? prev->marks[to_k].lanes_at : (uint32_t)prev->n_mark_lanes;
	size_t cells_from = k < prev->n_marks ? prev->marks[k].cells_at : 0;

	GROW(l->marks, l->cap_marks, (size_t)l->n_marks + (to_k - k));
	GROW(l->mark_lanes, l->cap_mark_lanes, l->n_mark_lanes + (lanes_to - lanes_from));
	for (uint32_t i = k; i < to_k; i++) {
		struct layout_mark m = prev->marks[i];

		m.lanes_at = m.lanes_at - lanes_from + (uint32_t)l->n_mark_lanes;
		m.cells_at = m.cells_at - cells_from + l->n_cells_total;
		l->marks[l->n_marks++] = m;
	}
	if (lanes_to > lanes_from)
		memcpy(l->mark_lanes + l->n_mark_lanes, prev->mark_lanes + lanes_from,
		       (lanes_to - lanes_from) * sizeof(uint32_t));
	l->n_mark_lanes += lanes_to - lanes_from;
}

/* L begun as PREV up to its mark K (the rows before it the same, the
 * history too as far as they tell): those rows and their cells, the marks
 * before K, and the lanes as they stood there, each heading to the row its
 * node has now. Returns the mark's ABOVE. */
static int32_t resume_at(struct layout *l, struct lanes *ln, const struct layout *prev, uint32_t k)
{
	const struct layout_mark *m = &prev->marks[k];
	uint32_t r = m->row;

	memcpy(l->cell_off, prev->cell_off, r * sizeof(uint32_t));
	memcpy(l->n_cells, prev->n_cells, r * sizeof(uint16_t));
	memcpy(l->lane, prev->lane, r * sizeof(uint16_t));
	memcpy(l->shape, prev->shape, r);
	GROW(l->cells, l->cap_cells, m->cells_at + LANES_COPIED);
	memcpy(l->cells, prev->cells, m->cells_at);
	copy_marks(l, prev, 0, k);
	l->n_cells_total = m->cells_at;
	/* what take_mark is to find counted at mark K: K - 1's widest row */
	l->max_lanes = k ? prev->marks[k - 1].max_lanes : 0;
	for (ln->cap = LANES_COPIED; ln->cap < m->n_lanes; ln->cap *= 2)
		;
	ln->want = xmalloc(ln->cap * sizeof(uint32_t));
	ln->open = xcalloc(ln->cap + OPEN_PAST, 1);
	ln->n = m->n_lanes;
	for (uint16_t j = 0; j < m->n_lanes; j++) {
		uint32_t v = prev->mark_lanes[m->lanes_at + j];

		ln->want[j] = NO_NODE;
		if (v != NO_NODE)
			head_to(ln, j, v);
	}
	return m->above;
}

/* Do the lanes before a chain's first row (ABOVE as lay_chain has it)
 * stand as at PREV's mark K, by the nodes they head to? */
static bool same_lanes(const struct lanes *ln, int32_t above, const struct layout *prev, uint32_t k)
{
	const struct layout_mark *m = &prev->marks[k];
	const uint32_t *v = prev->mark_lanes + m->lanes_at;

	if (m->n_lanes != ln->n || m->above != above)
		return false;
	for (uint16_t j = 0; j < ln->n; j++)
		if (ln->want[j] != v[j])
			return false;
	return true;
}

/* L's rows from R on taken from PREV, from its mark K (at R, where the lanes
 * stand as they do in L, every row after it the same): they are laid out as
 * they were, their cells where L's go on. A row drawn as the row above it
 * shares that row's cells, which may be before the mark: L's row above. */
static void take_rest(struct layout *l, const struct layout *prev, uint32_t k)
{
	const struct layout_mark *m = &prev->marks[k];
	uint32_t r = m->row, n = l->n_rows, i = r;
	size_t more = prev->n_cells_total - m->cells_at;

	memcpy(l->n_cells + r, prev->n_cells + r, (n - r) * sizeof(uint16_t));
	memcpy(l->lane + r, prev->lane + r, (n - r) * sizeof(uint16_t));
	memcpy(l->shape + r, prev->shape + r, n - r);
	for (; i < n && prev->cell_off[i] < m->cells_at; i++)
		l->cell_off[i] = l->cell_off[r - 1]; /* r > 0: row 0 has its own cells */
	add_u32(l->cell_off + i, prev->cell_off + i, n - i, (uint32_t)(l->n_cells_total - m->cells_at));
	GROW(l->cells, l->cap_cells, l->n_cells_total + more + LANES_COPIED);
	memcpy(l->cells + l->n_cells_total, prev->cells + m->cells_at, more);
	end_span(l);
	copy_marks(l, prev, k, prev->n_marks); /* their spans ended: each has its widest */
	l->n_cells_total += more;
}

/* What laying rows out needs from one row to the next: kept with a layout
 * laid only as far as asked (layout_build_upto), to go on from there. */
struct layout_rest {
	struct lanes ln;
	struct graph_view nc;
	struct chain_ends ce;
	struct reuse ru;
	bool reusing;
	uint32_t j, r, next; /* the next chain, its first row, the next mark's row */
	int32_t above;
	uint16_t span_max;   /* max_lanes of the span under way (l->max_lanes is the widest while paused) */
};

enum lay { LAY_DONE, LAY_PAUSED, LAY_TOO_WIDE };

/* Lay the rows out, top-down, a chain at a time (st->ce), the last row's
 * parents read from the graph as it comes, from where ST stands; pauses at
 * the first mark's row at or past STOP (every row above it laid as it will
 * stay: a row reads nothing below it). Those rows' nodes come at random:
 * what a later chain reads is asked for ahead, each address once the step
 * before it has come in (the explorer's caches are cold after an edit). */
static enum lay lay_rows(struct layout *l, struct layout_rest *st, uint32_t stop)
{
	const struct graph_view *nc = &st->nc;
	const uint32_t *rows = st->ce.v, *node = l->node, *at = nc->at;
	const uint32_t *row_of = l->by_chains ? NULL : l->row_of; /* see struct row_down */
	struct lanes *ln = &st->ln;
	struct reuse *ru = st->reusing ? &st->ru : NULL;
	uint32_t n = st->ce.n, every = mark_every(l->n_rows), j = st->j, r = st->r, next = st->next;
	int32_t above = st->above;
	size_t budget = LAYOUT_CELL_BUDGET(l->n_rows);

	for (uint32_t v; j < n; r = rows[j++] + 1) {
		if (r >= next) {
			if (r >= stop) {
				uint16_t widest = widest_span(l);

				st->j = j;
				st->r = r;
				st->next = next;
				st->above = above;
				st->span_max = l->max_lanes;
				if (widest > l->max_lanes) /* room for any row laid so far */
					l->max_lanes = widest;
				return LAY_PAUSED;
			}
			if (ru && r >= ru->same_from) {
				while (ru->k < ru->prev->n_marks && ru->prev->marks[ru->k].row < r)
					ru->k++;
				if (ru->k < ru->prev->n_marks && ru->prev->marks[ru->k].row == r &&
				    same_lanes(ln, above, ru->prev, ru->k)) {
					take_rest(l, ru->prev, ru->k);
					l->max_lanes = widest_span(l);
					return LAY_DONE;
				}
			}
			take_mark(l, ln, r, above);
			next = (r / every + 1) * every;
		}
		l->rows_laid += rows[j] + 1 - r;
		if (j + 24 < n) {
			__builtin_prefetch(&at[node[rows[j + 24]]]);
			__builtin_prefetch(&nc->down[at[node[rows[j + 12]]]]);
			if (at[node[rows[j + 4]]] < nc->n_edges) /* a base's: past the last edge */
				__builtin_prefetch(&ln->n_heading[nc->down[at[node[rows[j + 4]]]]], 1);
		}
		v = node[rows[j]];
		above = lay_chain(l, ln, r, rows[j], (struct row_down){ nc->down + at[v], at[v + 1] - at[v], row_of },
				  above);
		if (l->n_cells_total > budget)
			return LAY_TOO_WIDE;
	}
	end_span(l);
	l->max_lanes = widest_span(l);
	return LAY_DONE;
}

/* Where the rows are laid out from: the top, or PREV's rows taken up to a
 * mark (RU). No lane heads to a node yet: only a chain's first row's is
 * counted (a lane heads to a parent of a chain's last row, or lay_chain
 * hands it on), 14,000 bytes, not 100,000 zeroed at 100,000 revisions. */
static void lay_start(struct layout *l, struct layout_rest *st)
{
	zero_heading(st->ln.n_heading, l->node, st->ce.v, st->ce.n);
	st->j = st->r = st->next = 0;
	st->above = -1;
	if (st->reusing) {
		st->above = resume_at(l, &st->ln, st->ru.prev, st->ru.k0);
		st->r = st->next = st->ru.prev->marks[st->ru.k0].row;
		st->j = u32_lower_bound(st->ce.v, st->ce.n, st->r); /* the chain R begins: the one before ends on R - 1 */
	}
}

/* Every row its revision's glyph alone, in lane 0, with no line: what a
 * history gets whose lines lay_rows gave up on (LAYOUT_CELL_BUDGET). No
 * edge is drawn, so none is drawn wrong; nothing folds (a fold is a line). */
static void lay_flat(struct layout *l)
{
	free(l->cells);
	l->cap_cells = l->n_rows ? l->n_rows : 1;
	l->cells = xmalloc(l->cap_cells);
	memset(l->cells, CELL_NODE, l->n_rows);
	for (uint32_t r = 0; r < l->n_rows; r++) {
		l->cell_off[r] = r;
		l->n_cells[r] = 1;
		l->lane[r] = 0;
		l->shape[r] = 0;
	}
	l->n_cells_total = l->n_rows;
	l->max_lanes = l->n_rows ? 1 : 0;
	l->lines_hidden = true;
	l->n_marks = 0; /* nothing to take from it: each edit lays its rows again */
	l->n_mark_lanes = 0;
}

/* The history order, then the nodes it leaves out (those in cycles), in node
 * order: every node once. */
static uint32_t *rows_of_cycles(const struct project *p)
{
	const struct graph *g = &p->graph;
	uint32_t *src = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t)), r = p->order.n;
	bool *placed = xcalloc(g->n ? g->n : 1, sizeof(bool));

	memcpy(src, p->order.v, p->order.n * sizeof(uint32_t));
	for (uint32_t i = 0; i < p->order.n; i++)
		placed[p->order.v[i]] = true;
	for (uint32_t i = 0; i < g->n; i++)
		if (!placed[i])
			src[r++] = i;
	free(placed);
	return src;
}

/* The first row from which A's and B's rows (as many) all have the same
 * revisions and flags: B's count when the last differs; from the end, 256
 * rows a step, memcmp's vector loops. */
static uint32_t same_rows_from(const struct layout *a, const struct layout *b)
{
	uint32_t r = a->n_rows;

	while (r >= 256 && !memcmp(a->node + r - 256, b->node + r - 256, 256 * sizeof(uint32_t)) &&
	       !memcmp(a->flat + r - 256, b->flat + r - 256, 256))
		r -= 256;
	while (r > 0 && a->node[r - 1] == b->node[r - 1] && a->flat[r - 1] == b->flat[r - 1])
		r--;
	return r;
}

/* The first row where A's and B's rows differ in revision or flags, or their count. */
static uint32_t first_row_apart(const struct layout *a, const struct layout *b)
{
	uint32_t r = 0, n = a->n_rows;

	while (r + 256 <= n && !memcmp(a->node + r, b->node + r, 256 * sizeof(uint32_t)) &&
	       !memcmp(a->flat + r, b->flat + r, 256))
		r += 256;
	while (r < n && a->node[r] == b->node[r] && a->flat[r] == b->flat[r])
		r++;
	return r;
}

/* What L, its rows placed, can take from PREV, the layout of the history
 * before an edit (none: false). Rows before the first whose revision, flags
 * or parents changed are laid as PREV laid them (they read nothing below:
 * a row's parents are below it, and lanes are told apart by the rows they
 * head to, whose order the rows above cannot see); rows after the last such
 * too, from a mark where the lanes stand as they did. Both only where rows
 * are laid a chain at a time (no cycle, no depends_on) in both. */
static bool plan_reuse(struct reuse *ru, const struct layout *l, const struct graph *g, const struct layout *prev)
{
	uint32_t changed[GRAPH_RELINK_LOG], n_changed, first, same_from, k = 0;

	if (!prev || !l->by_chains || !prev->by_chains || prev->n_rows != l->n_rows || !prev->n_marks ||
	    !graph_relinked_since(g, prev->flat_gen, prev->n_relinked, changed, &n_changed))
		return false;
	first = first_row_apart(l, prev);
	same_from = first < l->n_rows ? same_rows_from(l, prev) : 0;
	for (uint32_t i = 0; i < n_changed; i++) {
		uint32_t a = l->row_of[changed[i]], b = prev->row_of[changed[i]], lo = a < b ? a : b, hi = a < b ? b : a;

		first = lo < first ? lo : first;
		same_from = hi + 1 > same_from ? hi + 1 : same_from;
	}
	while (k + 1 < prev->n_marks && prev->marks[k + 1].row <= first)
		k++;
	*ru = (struct reuse){ prev, k, same_from, k };
	return true;
}

void layout_build(struct layout *l, const struct project *p)
{
	layout_build_after(l, p, NULL);
}

/* The rows laid out, from ST on, and what laying them needed let go. */
static void lay_end(struct layout *l, struct layout_rest *st, enum lay done)
{
	if (done == LAY_TOO_WIDE)
		lay_flat(l);
	graph_view_free(&st->nc);
	free(st->ce.v);
	/* kept as long as the view: not the room its last doubling left (100,000
	 * rows: 0.7 MB) */
	l->cap_cells = l->n_cells_total ? l->n_cells_total : 1;
	l->cells = xrealloc(l->cells, l->cap_cells);
	free(st->ln.want);
	free(st->ln.open);
	free(st->ln.n_heading);
	free(st->ln.first_heading);
}

void layout_build_upto(struct layout *l, const struct project *p, const struct layout *prev, uint32_t v,
		       uint32_t rows_after)
{
	const struct graph *g = &p->graph;
	size_t n = g->n ? g->n : 1;
	struct layout_rest st = { 0 };
	uint32_t *cycles, stop = UINT32_MAX;
	bool chains = !g->any_deps && !g->has_cycle && p->order.n == g->n;
	enum lay done;

	memset(l, 0, sizeof(*l));
	l->by_chains = chains;
	l->flat_gen = g->flat_gen;
	l->n_relinked = g->n_relinked;
	l->node = xmalloc(n * sizeof(uint32_t));
	l->row_of = xmalloc(n * sizeof(uint32_t));
	l->cell_off = xmalloc((n + ROWS_PAST) * sizeof(uint32_t));
	l->n_cells = xmalloc((n + ROWS_PAST) * sizeof(uint16_t));
	l->lane = xmalloc((n + ROWS_PAST) * sizeof(uint16_t));
	l->piece = xmalloc(n * sizeof(uint32_t));
	l->shape = xmalloc(n + ROWS_PAST);
	l->flat = xmalloc(n);
	st.ce.v = xmalloc((n + 1) * sizeof(uint32_t));
	read_graph(&st.nc, g);
	cycles = p->order.n < g->n ? rows_of_cycles(p) : NULL;
	l->n_rows = g->n;
	/* where the history walks down_revision alone, every node, a node's
	 * one parent whose only child it is comes right after it (graph.h) */
	place_rows(l, g, &st.nc, cycles ? cycles : p->order.v,
		   (struct links){ l->flat, chains && l->n_rows ? l->n_rows - 1 : 0 }, &st.ce);
	free(cycles);
	/* room for three lanes a row to begin with: fewer copies as it grows (an
	 * edited history of 100,000 branchy revisions takes 2.2-2.7, so two grew
	 * it once an edit, a copy of 200 KB) */
	l->cap_cells = (size_t)l->n_rows * 3 + 16;
	l->cells = xmalloc(l->cap_cells);
	st.ln.n_heading = xmalloc(n + 1); /* 0 where lay_rows reads it */
	st.ln.first_heading = xmalloc((n + 1) * sizeof(uint16_t));
	st.reusing = plan_reuse(&st.ru, l, g, prev);
	lay_start(l, &st);
	if (v < g->n && chains) /* a layout a view reads row by row as it is laid: no cycle's rows at the end */
		stop = l->row_of[v] + rows_after > l->row_of[v] ? l->row_of[v] + rows_after : UINT32_MAX;
	done = lay_rows(l, &st, stop);
	if (done == LAY_PAUSED) {
		l->rest = xmalloc(sizeof(*l->rest));
		*l->rest = st;
		return;
	}
	lay_end(l, &st, done);
}

void layout_build_after(struct layout *l, const struct project *p, const struct layout *prev)
{
	layout_build_upto(l, p, prev, NO_NODE, 0);
}

uint32_t layout_rows_final(const struct layout *l)
{
	return l->rest ? l->rest->r : l->n_rows;
}

void layout_finish(struct layout *l)
{
	struct layout_rest *st = l->rest;
	enum lay done;

	if (!st)
		return;
	l->rest = NULL;
	l->max_lanes = st->span_max;
	done = lay_rows(l, st, UINT32_MAX);
	lay_end(l, st, done);
	free(st);
}

void layout_free(struct layout *l)
{
	if (l->rest) { /* let go unfinished */
		lay_end(l, l->rest, LAY_DONE);
		free(l->rest);
	}
	free(l->node);
	free(l->row_of);
	free(l->cell_off);
	free(l->n_cells);
	free(l->lane);
	free(l->piece);
	free(l->shape);
	free(l->flat);
	free(l->cells);
	free(l->marks);
	free(l->mark_lanes);
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

static const char *node_glyph(uint8_t kind, bool ascii)
{
	static const char *const utf8[] = { "\u25cf", "\u25ce", "\u25cc" }, *const plain[] = { "*", "I", "x" };

	return (ascii ? plain : utf8)[kind];
}

/* Whether cell C is where a line starts or ends on its row (one of up and
 * down), not a line that goes on through it. */
static inline bool line_end_cell(uint8_t c)
{
	return (c & (CELL_UP | CELL_DOWN)) && (c & (CELL_UP | CELL_DOWN)) != (CELL_UP | CELL_DOWN);
}

/* A horizontal line's lane, for its colour, is the lane it leads to: right of
 * the revision the nearest lane at or past it whose line starts or ends on
 * the row (lines that only cross it are passed over), left of it the line's
 * left end (only a join goes left: into a lane that goes on, or a lane that
 * ends). Found in one sweep each way, not by a look from each cell: a row
 * with a line across thousands of lanes took seconds to draw. */
int layout_row_symbols(const struct layout *l, uint32_t row, bool ascii, struct lane_glyph *out)
{
	const uint8_t *c = l->cells + l->cell_off[row];
	uint16_t n = l->n_cells[row], me = l->lane[row], lead = UINT16_MAX;

	for (uint16_t i = n; i-- > 0;) {
		struct lane_glyph *g = out + 2 * i;

		g[1] = (struct lane_glyph){ " ", i, false };
		if (c[i] & CELL_RIGHT) /* the nearest end right of it */
			g[1] = (struct lane_glyph){ box(CELL_LEFT | CELL_RIGHT, ascii), lead != UINT16_MAX ? lead : i, false };
		if (line_end_cell(c[i]))
			lead = i;
		g[0] = (struct lane_glyph){ box(c[i], ascii), i, false };
		if (c[i] & CELL_NODE)
			g[0] = (struct lane_glyph){ node_glyph(layout_row_kind(l, row), ascii), i, true };
		else if (!(c[i] & (CELL_UP | CELL_DOWN)) && i > me && lead != UINT16_MAX)
			g[0].lane = lead; /* at or right of it */
	}
	lead = UINT16_MAX;
	for (uint16_t i = 0; i < me && i < n; i++) {
		struct lane_glyph *g = out + 2 * i;

		if (line_end_cell(c[i]) || ((c[i] & CELL_RIGHT) && !(c[i] & CELL_LEFT)))
			lead = i;
		if (lead == UINT16_MAX)
			continue;
		if (!(c[i] & (CELL_UP | CELL_DOWN | CELL_NODE)))
			g[0].lane = lead;
		if (c[i] & CELL_RIGHT)
			g[1].lane = lead;
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

	return (c[l->lane[row]] & (CELL_UP | CELL_DOWN)) == (CELL_UP | CELL_DOWN) && !(l->shape[row] & ROW_TURNS);
}

/* Is ROW, next to IN (a row of a run that may fold), of that run: plain,
 * straight and in IN's piece? A row drawn as IN (the same cells and lane) is
 * as straight as IN: its cells are not read again. */
static bool folds_next_to(const struct layout *l, const bool *plain, uint32_t in, uint32_t row)
{
	return plain[row] && l->piece[row] == l->piece[in] &&
	       ((l->cell_off[row] == l->cell_off[in] && l->lane[row] == l->lane[in] && !(l->shape[row] & ROW_TURNS)) ||
		straight(l, row));
}

/* The first row from R on that is not both plain and drawn as the row
 * above, or n_rows. Eight rows a step: most rows are both (a fold's runs
 * are a chain's rows, one after the other, 20,000 lines at 100,000
 * revisions), and the explorer asks after every edit and undo. */
static uint32_t as_above_end(const struct layout *l, const bool *plain, uint32_t r)
{
	const uint64_t ones = 0x0101010101010101u;
	uint32_t at;

	_Static_assert(ROW_AS_ABOVE == 2, "a row's ROW_AS_ABOVE bit is its second");
	for (uint64_t p, s, both; r + 8 <= l->n_rows; r += 8) {
		memcpy(&p, plain + r, sizeof(p)); /* a bool is a byte, 0 or 1 */
		memcpy(&s, l->shape + r, sizeof(s));
		both = p & (s >> 1) & ones;
		if (both == ones)
			continue;
		if (!lowest_byte(~both & ones, &at))
			break;
		return r + at;
	}
	while (r < l->n_rows && plain[r] && (l->shape[r] & ROW_AS_ABOVE))
		r++;
	return r;
}

/* The last row of the run of rows that may fold together from R (R one). */
static uint32_t fold_run_end(const struct layout *l, const bool *plain, uint32_t r)
{
	for (;;) {
		/* most rows of a run are drawn as the row above: of it whenever plain */
		r = as_above_end(l, plain, r + 1) - 1;
		if (r + 1 >= l->n_rows || !folds_next_to(l, plain, r, r + 1))
			return r;
		r++;
	}
}

uint32_t display_run_first(const struct layout *l, const bool *plain, uint32_t row)
{
	if (!plain[row] || !straight(l, row))
		return row;
	while (row > 0 && folds_next_to(l, plain, row, row - 1))
		row--;
	return row;
}

/* The first row from R on whose PLAIN is WHICH, or N: eight rows a step. */
static uint32_t plain_from(const bool *plain, uint32_t r, uint32_t n, bool which)
{
	const uint64_t flip = which ? 0 : 0x0101010101010101u;
	uint32_t at;

	for (uint64_t p; r + 8 <= n; r += 8) {
		memcpy(&p, plain + r, sizeof(p)); /* a bool is a byte, 0 or 1 */
		p ^= flip;
		if (!p)
			continue;
		if (!lowest_byte(p, &at))
			break;
		return r + at;
	}
	while (r < n && plain[r] != which)
		r++;
	return r;
}

/* The first row of the next stretch of plain rows from R on that may hold
 * a run of MIN_RUN, or N. One of 15 rows or more holds eight in a row of
 * those from R eight apart: where a fold is that long (the explorer's is),
 * only those are looked at, a step each, and the stretch's start looked for
 * back from there. */
static uint32_t stretch_from(const bool *plain, uint32_t r, uint32_t n, uint32_t min_run)
{
	const uint64_t ones = 0x0101010101010101u;
	uint32_t s = r;

	if (min_run < 15)
		return plain_from(plain, r, n, true);
	for (uint64_t p; s + 8 <= n; s += 8) {
		memcpy(&p, plain + s, sizeof(p)); /* a bool is a byte, 0 or 1 */
		if (p == ones)
			break;
	}
	if (s + 8 > n)
		return n;
	if (s > r) { /* the eight before were looked at: one is not plain */
		uint64_t p;

		memcpy(&p, plain + s - 8, sizeof(p));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		return s - (uint32_t)__builtin_clzll(~p & ones) / 8; /* after the last that is not */
#else
		while (plain[s - 1])
			s--;
#endif
	}
	return s;
}

/* Lines of one row each for rows R .. END - 1 at OUT: eight a step, two
 * a 16-byte store, where there is SSE2 (every x86-64; 2.75 -> 1.4
 * instructions a line, 60,000 lines a display at 100,000 revisions), else
 * four a step, each one store of 8 bytes (its first and last the same,
 * whatever the byte order). Returns where the next line goes. */
static struct display_line *single_lines(struct display_line *out, uint32_t r, uint32_t end)
{
	const uint64_t next = 0x100000001u;
	uint64_t w;
	uint32_t i = 0, n = end - r;

	_Static_assert(sizeof(struct display_line) == sizeof(w), "a line is two rows of 4 bytes");
#if defined(__SSE2__)
	{
		const __m128i two = _mm_set1_epi32(2), eight = _mm_set1_epi32(8);
		__m128i a = _mm_set_epi32((int)(r + 1), (int)(r + 1), (int)r, (int)r); /* lines r and r + 1 */

		for (; i + 8 <= n; i += 8, a = _mm_add_epi32(a, eight)) {
			__m128i b = _mm_add_epi32(a, two), c = _mm_add_epi32(b, two), d = _mm_add_epi32(c, two);

			_mm_storeu_si128((__m128i *)(void *)(out + i), a);
			_mm_storeu_si128((__m128i *)(void *)(out + i + 2), b);
			_mm_storeu_si128((__m128i *)(void *)(out + i + 4), c);
			_mm_storeu_si128((__m128i *)(void *)(out + i + 6), d);
		}
	}
#endif
	w = (r + i) * next;
	for (; i + 4 <= n; i += 4, w += 4 * next) {
		uint64_t w1 = w + next, w2 = w + 2 * next, w3 = w + 3 * next;

		memcpy(out + i, &w, sizeof(w));
		memcpy(out + i + 1, &w1, sizeof(w));
		memcpy(out + i + 2, &w2, sizeof(w));
		memcpy(out + i + 3, &w3, sizeof(w));
	}
	for (; i < n; i++, w += next)
		memcpy(out + i, &w, sizeof(w));
	return out + n;
}

/* The lines of a stretch of plain rows R .. END - 1 at OUT, from the row
 * FROM on (the rows before R not yet written: lines of their own); returns
 * where the next line goes, and in FROM the first row not yet written. */
static struct display_line *fold_stretch(struct display_line *out, uint32_t *from, const struct layout *l,
					 const bool *plain, uint32_t r, uint32_t end, uint32_t min_run,
					 const bool *open_at)
{
	for (uint32_t last; r < end; r = last + 1) {
		last = straight(l, r) ? fold_run_end(l, plain, r) : r;
		if (last - r + 1 < min_run || (open_at && open_at[r]))
			continue;
		out = single_lines(out, *from, r);
		*out++ = (struct display_line){ r, last };
		*from = last + 1;
	}
	return out;
}

/* Runs of plain rows fold (fold_run_end), the rows of a run all plain: a
 * stretch of plain rows shorter than MIN_RUN holds none, and is passed over
 * whole (most of them: a chain's rows, seven at 100,000 revisions); the
 * rows between folds are written at once, a line each. */
void display_build(struct display *d, const struct layout *l, const bool *plain, uint32_t min_run,
		   const bool *open_at)
{
	display_build_upto(d, l, plain, min_run, open_at, l->n_rows);
}

void display_build_upto(struct display *d, const struct layout *l, const bool *plain, uint32_t min_run,
			const bool *open_at, uint32_t n)
{
	uint32_t from = 0;
	struct display_line *v;

	GROW(d->v, d->cap, (size_t)(n ? n : 1)); /* a line a row at most: room made once */
	v = d->v;
	for (uint32_t r = min_run <= n ? 0 : n, end; r < n; r = end) { /* a run longer than every row: none */
		r = stretch_from(plain, r, n, min_run);
		end = plain_from(plain, r, n, false);
		if (end - r >= min_run)
			v = fold_stretch(v, &from, l, plain, r, end, min_run, open_at);
	}
	v = single_lines(v, from, n);
	d->n = (uint32_t)(v - d->v);
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
