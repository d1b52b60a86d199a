/* test_layout.c - lanes from the compact text form, as tig's graph tests: merges
 * of 2 and 3, crossing and long-lived branches, disconnected pieces, phantoms,
 * and folding of linear runs. Each expected picture is one line per row: the
 * lane glyphs then the revision. Then the invariant over generated histories:
 * every line drawn traces back to an edge of the graph, and every edge is drawn. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_text.h"
#include "migtree/layout.h"

/* Under ASan (make check) memory from malloc starts as this byte, its
 * first 4 KB: 1, not ASan's 0xbe, so that a lane count layout_build reads
 * before it writes it reads one lane, whose number is no lane: a picture
 * goes wrong (a count of 0xbe drew as one of 0 or 1). Unused elsewhere. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "malloc_fill_byte=1";
}

static char *picture(const char *graph, bool ascii)
{
	struct project p;
	struct layout l;
	struct strbuf sb;
	char buf[512];

	graph_text_load(&p, graph);
	layout_build(&l, &p);
	sb_init(&sb);
	for (uint32_t r = 0; r < l.n_rows; r++) {
		const struct node *nd = &p.graph.nodes[l.node[r]];
		char *end;

		if (r && l.piece[r] != l.piece[r - 1])
			sb_adds(&sb, "--\n"); /* where the view draws its rule */
		layout_row_glyphs(&l, r, ascii, buf, sizeof(buf));
		end = buf + strlen(buf);
		while (end > buf && end[-1] == ' ')
			*--end = '\0';
		sb_addf(&sb, "%s %s\n", buf, nd->id);
	}
	layout_free(&l);
	project_free(&p);
	return sb_detach(&sb);
}

static void assert_picture(const char *graph, bool ascii, const char *want)
{
	char *got = picture(graph, ascii);

	assert_string_equal(got, want);
	free(got);
}

static void test_linear(void **state)
{
	(void)state;
	assert_picture("a0\na1 a0\na2 a1\n", false, "\u25cf a2\n\u25cf a1\n\u25ce a0\n");
}

static void test_branch_and_merge_of_two(void **state)
{
	(void)state;
	assert_picture("r0\nb1 r0\nc1 r0\nm1 b1 c1\n", true,
		       "*-\\ m1\n"
		       "* | b1\n"
		       "| * c1\n"
		       "I-/ r0\n");
}

static void test_merge_of_three(void **state)
{
	(void)state;
	assert_picture("r0\nx1 r0\ny1 r0\nz1 r0\nx2 x1\nm3 x2 y1 z1\n", true,
		       "*-+-\\ m3\n"
		       "* | | x2\n"
		       "* | | x1\n"
		       "| * | y1\n"
		       "| | * z1\n"
		       "I-+-/ r0\n");
}

static void test_long_lived_branches(void **state)
{
	(void)state;
	assert_picture("r0\na1 r0\nb1 r0\na2 a1\nb2 b1\na3 a2\nb3 b2\n", false,
		       "\u25cf a3\n"
		       "\u25cf a2\n"
		       "\u25cf a1\n"
		       "\u2502 \u25cf b3\n"
		       "\u2502 \u25cf b2\n"
		       "\u2502 \u25cf b1\n"
		       "\u25ce\u2500\u2518 r0\n");
}

static void test_crossing_lanes(void **state)
{
	(void)state;
	/* merge's second parent opens a lane right of the side branch's lane */
	assert_picture("root\nleft root\nright root\nmerge left right\ntip merge\nside right\n", true,
		       "* tip\n"
		       "*-\\ merge\n"
		       "* | left\n"
		       "| | * side\n"
		       "| *-/ right\n"
		       "I-/ root\n");
}

static void test_disconnected_and_phantom(void **state)
{
	(void)state;
	assert_picture("a1 gone\na2 a1\nb1\n", true, "* a2\n* a1\nx gone\n--\nI b1\n");
}

/* The example: a piece of one revision sat in lane 0 right under the
 * base of another, and a revision whose parent is missing was drawn inside the
 * lanes of the main piece. Each piece is now a block of its own. */
static void test_pieces_never_share_lanes(void **state)
{
	(void)state;
	assert_picture("b0\nb1 b0\nlone\nx1 b0\nw1 gone\nb2 b1\nx2 x1\n", true,
		       "I lone\n"
		       "--\n"
		       "* w1\n"
		       "x gone\n"
		       "--\n"
		       "* b2\n"
		       "* b1\n"
		       "| * x2\n"
		       "| * x1\n"
		       "I-/ b0\n");
}

/* depends_on is not a down_revision: no line for it, and pieces it joins stay
 * apart (the view shows it as a marker) */
static void test_depends_on_draws_no_line(void **state)
{
	(void)state;
	assert_picture("a0\nb0\nb1 b0 +a0\n", true, "* b1\nI b0\n--\nI a0\n");
}

/* ---- the invariant over generated histories ------------------------------ */

/* The checks note the first line that failed instead of stopping, so that a
 * test can also show they catch a false picture. */
static int bad_line;
#define NEED(c) ((c) ? (void)0 : (void)(bad_line = bad_line ? bad_line : __LINE__))
#define NEED_EQ(a, b) NEED((a) == (b))

static uint8_t cell(const struct layout *l, uint32_t r, uint16_t i)
{
	return r < l->n_rows && i < l->n_cells[r] ? l->cells[l->cell_off[r] + i] : 0;
}

/* Lines meet where they are drawn: a line going down meets one coming up, a line
 * going right one coming from the left, and every horizontal line on a row runs
 * into that row's revision. */
static void check_joints(const struct layout *l)
{
	for (uint32_t r = 0; r < l->n_rows; r++) {
		uint16_t me = l->lane[r], w = l->max_lanes;

		NEED(cell(l, r, me) & CELL_NODE);
		for (uint16_t i = 0; i <= w; i++) {
			uint8_t c = cell(l, r, i);

			NEED_EQ(!!(c & CELL_DOWN), !!(cell(l, r + 1, i) & CELL_UP));
			if (r == 0)
				NEED(!(c & CELL_UP));
			NEED_EQ(!!(c & CELL_RIGHT), !!(cell(l, r, i + 1) & CELL_LEFT));
			NEED(i == me || !(c & CELL_NODE));
			if (i > me && (c & CELL_LEFT))
				NEED(i - 1 == me || (cell(l, r, i - 1) & CELL_LEFT));
			if (i < me && (c & CELL_RIGHT))
				NEED(i + 1 == me || (cell(l, r, i + 1) & CELL_RIGHT));
		}
	}
}

static int cmp_pair(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] != y[1] ? (x[1] < y[1] ? -1 : 1) : 0;
}

/* The row a line going down lane I from row R reaches: a revision, or a row
 * it ends on, joined to that row's revision. With SEEN (a flag per link
 * between two rows), each link it takes is marked, and must not have been. */
static uint32_t follow_down(const struct layout *l, uint32_t r, uint16_t i, bool *seen)
{
	uint32_t rr = r + 1;

	for (;; rr++) {
		uint8_t x = cell(l, rr, i);
		size_t link = (size_t)(rr - 1) * (l->max_lanes + 1u) + i;

		NEED(rr < l->n_rows);
		NEED(x & CELL_UP);
		if (rr >= l->n_rows || !(x & CELL_UP))
			break;
		if (seen) {
			NEED(!seen[link]);
			seen[link] = true;
		}
		if (x & CELL_NODE)
			break;
		if (!(x & CELL_DOWN)) { /* ends here, joined to this row's revision */
			NEED(x & (CELL_LEFT | CELL_RIGHT));
			break;
		}
	}
	return rr < l->n_rows ? rr : r; /* off the picture: a need failed */
}

/* Past LAYOUT_JOIN_LANES lanes, row R's revision may have a line to its left
 * (nothing else is drawn left of a revision): it joins the lane where that
 * line ends, going down, and goes where that lane goes. That lane, or
 * NO_NODE when R has no such line. */
static uint16_t joined_lane(const struct layout *l, uint32_t r)
{
	uint16_t i = l->lane[r];

	if (!(cell(l, r, i) & CELL_LEFT))
		return UINT16_MAX;
	NEED(l->n_cells[r] >= LAYOUT_JOIN_LANES);
	while (i > 0 && (cell(l, r, i - 1) & CELL_LEFT))
		i--;
	NEED(i > 0 && (cell(l, r, i - 1) & CELL_RIGHT));
	i = i > 0 ? i - 1 : i;
	NEED((cell(l, r, i) & (CELL_UP | CELL_DOWN)) == (CELL_UP | CELL_DOWN));
	NEED(!(cell(l, r, l->lane[r]) & CELL_DOWN)); /* its own line is the join */
	return i;
}

/* Follow every line from the revision it leaves to the revision it reaches:
 * each vertical link between two rows is on exactly one such line (a join
 * goes on down another's), and the lines are exactly the graph's
 * down_revision edges that point down the rows (an edge back up, only in a
 * cycle, is not drawn). */
static void check_lines(const struct project *p, const struct layout *l)
{
	const struct graph *g = &p->graph;
	bool *seen = xcalloc((size_t)l->n_rows * (l->max_lanes + 1u) + 1, sizeof(bool));
	uint32_t *traced = NULL, *want = NULL;
	size_t nt = 0, ct = 0, nw = 0, cw = 0;

	for (uint32_t r = 0; r < l->n_rows; r++) {
		uint16_t join = joined_lane(l, r);

		if (join != UINT16_MAX) {
			GROW(traced, ct, nt + 2);
			traced[nt++] = l->node[r];
			traced[nt++] = l->node[follow_down(l, r, join, NULL)];
		}
		for (uint16_t i = 0; i < l->n_cells[r]; i++) {
			uint8_t c = cell(l, r, i);

			if (!(c & CELL_DOWN) || (i != l->lane[r] && (c & CELL_UP)))
				continue; /* not a line leaving this row's revision */
			if (i != l->lane[r])
				NEED(c & (CELL_LEFT | CELL_RIGHT)); /* a merge's lane, joined to it */
			GROW(traced, ct, nt + 2);
			traced[nt++] = l->node[r];
			traced[nt++] = l->node[follow_down(l, r, i, seen)];
		}
	}
	for (uint32_t r = 0; r < l->n_rows; r++)
		for (uint16_t i = 0; i < l->n_cells[r]; i++)
			if (cell(l, r, i) & CELL_DOWN) /* no line from nowhere */
				NEED(seen[(size_t)r * (l->max_lanes + 1u) + i]);
	for (uint32_t v = 0; v < g->n; v++)
		for (uint32_t k = 0; k < g->nodes[v].down.n; k++)
			if (l->row_of[g->nodes[v].down.v[k]] > l->row_of[v]) {
				GROW(want, cw, nw + 2);
				want[nw++] = v;
				want[nw++] = g->nodes[v].down.v[k];
			}
	NEED_EQ(nt, nw);
	if (nt && nt == nw) {
		qsort(traced, nt / 2, 2 * sizeof(uint32_t), cmp_pair);
		qsort(want, nw / 2, 2 * sizeof(uint32_t), cmp_pair);
		NEED(!memcmp(traced, want, nt * sizeof(uint32_t)));
	}
	free(seen);
	free(traced);
	free(want);
}

static uint32_t find_root(uint32_t *up, uint32_t x)
{
	while (up[x] != x)
		x = up[x];
	return x;
}

/* Pieces: one per connected part of the down_revision graph, numbered top-down,
 * each a block of rows that starts and ends with no lane open; a base has the
 * root glyph, a missing revision its own. */
static void check_pieces(const struct project *p, const struct layout *l)
{
	const struct graph *g = &p->graph;
	uint32_t *up = xmalloc((g->n + 1) * sizeof(uint32_t)), roots = 0;

	for (uint32_t v = 0; v < g->n; v++)
		up[v] = v;
	for (uint32_t v = 0; v < g->n; v++)
		for (uint32_t k = 0; k < g->nodes[v].down.n; k++) {
			uint32_t a = find_root(up, v), b = find_root(up, g->nodes[v].down.v[k]);

			up[a] = b;
			NEED_EQ(l->piece[l->row_of[v]], l->piece[l->row_of[g->nodes[v].down.v[k]]]);
		}
	for (uint32_t v = 0; v < g->n; v++)
		roots += find_root(up, v) == v;
	NEED_EQ(l->n_pieces, roots);
	for (uint32_t r = 0; r < l->n_rows; r++) {
		const struct node *nd = &g->nodes[l->node[r]];

		NEED_EQ(layout_row_kind(l, r), nd->phantom ? ROW_PHANTOM : nd->is_base ? ROW_BASE : ROW_REVISION);
		if (r == 0) {
			NEED_EQ(l->piece[r], 0);
			continue;
		}
		NEED(l->piece[r] == l->piece[r - 1] || l->piece[r] == l->piece[r - 1] + 1);
		if (l->piece[r] != l->piece[r - 1])
			for (uint16_t i = 0; i <= l->max_lanes; i++)
				NEED(!((cell(l, r - 1, i) & CELL_DOWN) || (cell(l, r, i) & CELL_UP)));
	}
	free(up);
}

/* A folded run shows the lanes of its first row; every row of it has the same
 * lines up and down, so the fold hides no line's start or end. */
static uint32_t check_folds(const struct project *p, const struct layout *l)
{
	const struct graph *g = &p->graph;
	bool *plain = xcalloc(l->n_rows + 1, sizeof(bool));
	struct display d = { 0 };
	struct lane_glyph *lg = xmalloc((2 * (size_t)l->max_lanes + 2) * sizeof(*lg));
	uint32_t folds = 0;

	for (uint32_t r = 0; r < l->n_rows; r++) { /* as ui.c decides, less what is not graph */
		const struct node *nd = &g->nodes[l->node[r]];
		bool h = false;

		for (uint16_t i = 0; i < l->n_cells[r]; i++)
			h |= (cell(l, r, i) & (CELL_LEFT | CELL_RIGHT)) != 0;
		plain[r] = !nd->phantom && !nd->is_head && !nd->is_base && !nd->is_branch_point &&
			   !nd->is_merge_point && nd->down.n == 1 && !h;
	}
	display_build(&d, l, plain, 2, NULL);
	for (uint32_t k = 0; k < d.n; k++) {
		const struct display_line *dl = &d.v[k];
		int n;

		if (dl->first == dl->last)
			continue;
		folds++;
		n = layout_fold_symbols(l, dl, true, lg);
		NEED_EQ(n, 2 * l->n_cells[dl->first]);
		for (uint32_t r = dl->first; r <= dl->last; r++) {
			NEED_EQ(l->piece[r], l->piece[dl->first]);
			for (uint16_t i = 0; i <= l->max_lanes; i++) {
				uint8_t c = cell(l, r, i) & (CELL_UP | CELL_DOWN);

				NEED(c == 0 || c == (CELL_UP | CELL_DOWN));
				NEED_EQ(c, cell(l, dl->first, i) & (CELL_UP | CELL_DOWN));
				if (i < l->n_cells[dl->first])
					NEED_EQ(strcmp(lg[2 * i].s, " ") != 0, c != 0);
			}
		}
	}
	display_free(&d);
	free(lg);
	free(plain);
	return folds;
}

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

/* A history of N revisions: bases, linear runs, merges of 2 and 3 across lanes,
 * missing parents, depends_on, and now and then a parent named before it is
 * defined (which may close a cycle) or itself. */
static char *generate(uint32_t seed, uint32_t n)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t kind = rnd(&seed, 100), near = i > 6 ? i - 6 : 0;

		sb_addf(&sb, "r%u", i);
		if (i == 0 || kind < 12) {
			/* a base: a new piece unless something joins it later */
		} else if (kind < 70) {
			sb_addf(&sb, " r%u", rnd(&seed, 3) ? i - 1 : near + rnd(&seed, i - near));
		} else if (kind < 86) {
			uint32_t a = rnd(&seed, i), b = rnd(&seed, i), c = rnd(&seed, i);

			sb_addf(&sb, " r%u", a);
			if (b != a)
				sb_addf(&sb, " r%u", b);
			if (kind < 78 && c != a && c != b)
				sb_addf(&sb, " r%u", c);
		} else if (kind < 92) {
			sb_addf(&sb, " gone%u", rnd(&seed, 4));
			if (kind & 1)
				sb_addf(&sb, " r%u", rnd(&seed, i));
		} else if (kind < 97) {
			sb_addf(&sb, " r%u +r%u", i - 1, rnd(&seed, i));
		} else if (kind & 1) {
			sb_addf(&sb, " r%u", i + 1 + rnd(&seed, 3)); /* defined later */
		} else {
			sb_addf(&sb, " r%u", i); /* itself */
		}
		sb_addc(&sb, '\n');
	}
	return sb_detach(&sb);
}

static void test_every_line_is_an_edge(void **state)
{
	uint32_t pieces = 0, merges = 0, phantoms = 0, folds = 0;

	(void)state;
	for (uint32_t seed = 1; seed <= 400; seed++) {
		char *text = generate(seed, 1 + seed % 60);
		struct project p;
		struct layout l;

		graph_text_load(&p, text);
		layout_build(&l, &p);
		bad_line = 0;
		check_joints(&l);
		check_lines(&p, &l);
		check_pieces(&p, &l);
		folds += check_folds(&p, &l);
		if (bad_line) {
			char *pic = picture(text, true);

			print_error("seed %u: check at line %d fails on\n%s\n%s", seed, bad_line, text, pic);
			free(pic);
		}
		assert_int_equal(bad_line, 0);
		pieces += l.n_pieces;
		for (uint32_t v = 0; v < p.graph.n; v++) {
			merges += p.graph.nodes[v].down.n > 1;
			phantoms += p.graph.nodes[v].phantom;
		}
		layout_free(&l);
		project_free(&p);
		free(text);
	}
	/* the generator reaches what the invariant is about */
	assert_true(pieces > 1000);
	assert_true(merges > 500);
	assert_true(phantoms > 200);
	assert_true(folds > 100);
}

/* ---- the layout as first written, node by node: layout_build reads the graph
 * into flat arrays and keeps counts to be fast, and must draw the same ---- */

#define REF_LANES 1024

struct ref_lanes {
	uint32_t want[REF_LANES];
	uint16_t n;
};

static uint16_t ref_free_lane(struct ref_lanes *ln, uint16_t from, const uint8_t *row)
{
	for (uint16_t i = from; i < ln->n; i++)
		if (ln->want[i] == NO_NODE && !(row && row[i]))
			return i;
	ln->want[ln->n] = NO_NODE;
	return ln->n++;
}

static int ref_wanting(const struct ref_lanes *ln, uint32_t v, int except)
{
	for (int i = 0; i < ln->n; i++)
		if (ln->want[i] == v && i != except)
			return i;
	return -1;
}

static void ref_hline(uint8_t *c, uint16_t a, uint16_t b)
{
	uint16_t lo = a < b ? a : b, hi = a < b ? b : a;

	c[lo] |= CELL_RIGHT;
	c[hi] |= CELL_LEFT;
	for (uint16_t i = lo + 1; i < hi; i++)
		c[i] |= CELL_LEFT | CELL_RIGHT;
}

/* Row R of REF (rows and row_of set) into its cells, as layout_build's first
 * version laid it: the graph's node read for each row. */
static void ref_row(const struct graph *g, const struct layout *ref, struct ref_lanes *ln, uint32_t r,
		    uint8_t *c, uint16_t *width, uint16_t *lane)
{
	uint32_t v = ref->node[r];
	const struct node *nd = &g->nodes[v];
	int at = ref_wanting(ln, v, -1);
	uint16_t me = at >= 0 ? (uint16_t)at : ref_free_lane(ln, 0, NULL);

	memset(c, 0, REF_LANES);
	for (uint16_t i = 0; i < ln->n; i++)
		if (ln->want[i] != NO_NODE)
			c[i] = CELL_UP | CELL_DOWN;
	c[me] = CELL_NODE | (at >= 0 ? CELL_UP : 0);
	for (int j; (j = ref_wanting(ln, v, me)) >= 0;) {
		c[j] = CELL_UP;
		ref_hline(c, me, (uint16_t)j);
		ln->want[j] = NO_NODE;
	}
	ln->want[me] = NO_NODE;
	for (uint32_t k = 0; k < nd->down.n; k++) {
		uint32_t p = nd->down.v[k];
		int j = me;

		if (ref->row_of[p] < r)
			continue;
		if (k == 0 && ln->n >= LAYOUT_JOIN_LANES) /* many lanes: the nearest left heading there */
			while (--j >= 0 && ln->want[j] != p)
				;
		if (k == 0 && ln->n >= LAYOUT_JOIN_LANES && j >= 0) {
			ref_hline(c, (uint16_t)j, me);
		} else if (k == 0) {
			ln->want[me] = p;
			c[me] |= CELL_DOWN;
		} else {
			uint16_t n = ref_free_lane(ln, me + 1, c);

			ln->want[n] = p;
			c[n] = CELL_DOWN;
			ref_hline(c, me, n);
		}
	}
	*width = ln->n;
	while (*width > 0 && !c[*width - 1])
		(*width)--;
	while (ln->n > 0 && ln->want[ln->n - 1] == NO_NODE)
		ln->n--;
	*lane = me;
}

/* L against the first version: rows grouped by piece (a union-find over
 * down_revision, pieces in the order of their first rows), then each row. */
static size_t assert_as_first_written(const struct project *p, const struct layout *l)
{
	const struct graph *g = &p->graph;
	uint32_t *up = xmalloc(g->n * sizeof(uint32_t)), *num = xmalloc(g->n * sizeof(uint32_t));
	uint32_t n_pieces = 0, r = 0, *rows = xmalloc(g->n * sizeof(uint32_t));
	struct layout ref = { 0 };
	struct ref_lanes ln = { .n = 0 };
	uint8_t c[REF_LANES];
	size_t cells = 0, shared = 0;

	for (uint32_t i = 0; i < g->n; i++)
		up[i] = i, num[i] = NO_NODE;
	for (uint32_t i = 0; i < g->n; i++)
		for (uint32_t k = 0; k < g->nodes[i].down.n; k++)
			up[find_root(up, i)] = find_root(up, g->nodes[i].down.v[k]);
	for (uint32_t i = 0; i < p->order.n; i++)
		rows[r++] = p->order.v[i];
	for (uint32_t i = 0; i < g->n; i++) /* what the order leaves out: cycles */
		if (!u32_contains(&p->order, i))
			rows[r++] = i;
	for (uint32_t i = 0; i < r; i++)
		if (num[find_root(up, rows[i])] == NO_NODE)
			num[find_root(up, rows[i])] = n_pieces++;
	ref.node = xmalloc(g->n * sizeof(uint32_t));
	ref.row_of = xmalloc(g->n * sizeof(uint32_t));
	ref.n_rows = 0;
	for (uint32_t piece = 0; piece < n_pieces; piece++)
		for (uint32_t i = 0; i < r; i++)
			if (num[find_root(up, rows[i])] == piece) {
				ref.row_of[rows[i]] = ref.n_rows;
				ref.node[ref.n_rows++] = rows[i];
			}
	assert_int_equal(l->n_rows, ref.n_rows);
	assert_int_equal(l->n_pieces, n_pieces);
	assert_memory_equal(l->node, ref.node, ref.n_rows * sizeof(uint32_t));
	assert_memory_equal(l->row_of, ref.row_of, g->n * sizeof(uint32_t));
	for (uint32_t row = 0; row < ref.n_rows; row++) {
		const struct node *nd = &g->nodes[ref.node[row]];
		uint16_t width, lane;
		bool turns;

		ref_row(g, &ref, &ln, row, c, &width, &lane);
		assert_int_equal(l->piece[row], num[find_root(up, ref.node[row])]);
		assert_int_equal(layout_row_kind(l, row), nd->phantom ? ROW_PHANTOM : nd->is_base ? ROW_BASE : ROW_REVISION);
		assert_int_equal(l->flat[row], g->node_flat[ref.node[row]]);
		assert_int_equal(l->lane[row], lane);
		assert_int_equal(l->n_cells[row], width);
		/* its own cells, next in line, or the row above's when they are the same */
		if (row > 0 && l->cell_off[row] == l->cell_off[row - 1]) {
			assert_int_equal(l->n_cells[row - 1], width);
			shared++;
		} else {
			assert_int_equal(l->cell_off[row], cells);
			cells += width;
		}
		assert_memory_equal(l->cells + l->cell_off[row], c, width);
		turns = false;
		for (uint16_t i = 0; i < width; i++)
			turns |= (c[i] & (CELL_LEFT | CELL_RIGHT)) != 0;
		assert_int_equal((l->shape[row] & ROW_TURNS) != 0, turns);
		/* drawn as the row above: the same cells and lane, in its piece (display_build
		 * folds such a row with the one above on this alone) */
		if (l->shape[row] & ROW_AS_ABOVE) {
			assert_true(row > 0 && !turns);
			assert_int_equal(l->cell_off[row], l->cell_off[row - 1]);
			assert_int_equal(l->lane[row], l->lane[row - 1]);
			assert_int_equal(l->piece[row], l->piece[row - 1]);
		}
	}
	assert_int_equal(l->n_cells_total, cells);
	free(ref.node);
	free(ref.row_of);
	free(rows);
	free(num);
	free(up);
	return shared;
}

/* Generated histories, with and without depends_on (without, the pieces are
 * taken from the graph's components), small and larger; rows on a line of
 * single links share the cells of the row above (their pictures equal). */
static void test_same_as_first_written(void **state)
{
	size_t shared = 0;

	(void)state;
	for (uint32_t seed = 1; seed <= 300; seed++) {
		char *text = generate(seed, 1 + seed % 60 + (seed % 10 == 0 ? 600 : 0)), *dep;
		struct project p;
		struct layout l;

		if (seed & 1) /* no depends_on: " +rN" dropped */
			while ((dep = strstr(text, " +")))
				memmove(dep, dep + 2 + strspn(dep + 2, "r0123456789"),
					strlen(dep + 2 + strspn(dep + 2, "r0123456789")) + 1);
		graph_text_load(&p, text);
		assert_true((seed & 1) ? !p.graph.any_deps : true);
		layout_build(&l, &p);
		shared += assert_as_first_written(&p, &l);
		layout_free(&l);
		project_free(&p);
		free(text);
	}
	print_message("%zu rows drawn as the row above\n", shared);
	assert_true(shared > 0);
}

/* The checks of every picture, on one history: the picture if one fails. */
static void assert_lines(const char *text, struct project *p, const struct layout *l)
{
	bad_line = 0;
	check_joints(l);
	check_lines(p, l);
	check_pieces(p, l);
	if (bad_line) {
		char *pic = picture(text, true);

		print_error("check at line %d fails on\n%s\n%s", bad_line, text, pic);
		free(pic);
	}
	assert_int_equal(bad_line, 0);
}

/* N heads, each a child of one base. */
static char *fan_text(int n)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_adds(&sb, "base\n");
	for (int i = 0; i < n; i++)
		sb_addf(&sb, "c%d base\n", i);
	return sb_detach(&sb);
}

/* More lanes head to one row than a count of a byte holds, and more than
 * LAYOUT_JOIN_LANES: 300 heads, each a child of one base. The first 63 run
 * side by side down to it and end on its row; each later one, in the 64th
 * lane, joins the rightmost of them on its own row. */
static void test_many_lanes_to_one_row(void **state)
{
	char *text = fan_text(300);
	struct project p;
	struct layout l;
	uint32_t joins = 0;

	(void)state;
	graph_text_load(&p, text);
	layout_build(&l, &p);
	assert_as_first_written(&p, &l);
	assert_lines(text, &p, &l);
	assert_int_equal(l.max_lanes, LAYOUT_JOIN_LANES);
	assert_int_equal(l.n_cells[l.row_of[graph_find(&p.graph, "base")]], LAYOUT_JOIN_LANES - 1);
	for (uint32_t r = 0; r < l.n_rows; r++)
		if (l.n_cells[r] == LAYOUT_JOIN_LANES) {
			const uint8_t *c = l.cells + l.cell_off[r];

			assert_int_equal(l.lane[r], LAYOUT_JOIN_LANES - 1);
			assert_int_equal(c[LAYOUT_JOIN_LANES - 1], CELL_NODE | CELL_LEFT);
			assert_int_equal(c[LAYOUT_JOIN_LANES - 2], CELL_UP | CELL_DOWN | CELL_RIGHT);
			joins++;
		}
	assert_int_equal(joins, 300 - (LAYOUT_JOIN_LANES - 1));
	layout_free(&l);
	project_free(&p);
	free(text);
}

/* A fan as wide as it can be: every revision but one a head on it. Its cells
 * grew as the square of the heads (60,000: 1.9 GB); now a row has at most
 * LAYOUT_JOIN_LANES. */
static void test_fan_of_heads_is_linear(void **state)
{
	char *text = fan_text(20000);
	struct project p;
	struct layout l;

	(void)state;
	graph_text_load(&p, text);
	layout_build(&l, &p);
	assert_int_equal(l.max_lanes, LAYOUT_JOIN_LANES);
	assert_true(l.n_cells_total <= (size_t)l.n_rows * LAYOUT_JOIN_LANES);
	assert_false(l.lines_hidden);
	assert_lines(text, &p, &l);
	layout_free(&l);
	project_free(&p);
	free(text);
}

/* A comb: a line with a head on each revision. The heads come first in
 * history order, each with a line down to its own revision of the line:
 * N / 2 lines side by side to different revisions, which no join can
 * share, N * N / 8 cells (1 GB at 60,000). Past LAYOUT_CELL_BUDGET the
 * lines are hidden: every row its glyph alone, nothing drawn wrong. A comb
 * a third as long is drawn whole. */
static void test_lines_hidden_past_the_budget(void **state)
{
	(void)state;
	for (int n = 2000; n <= 6000; n += 4000) {
		struct strbuf sb;
		struct project p;
		struct layout l;
		struct display d = { 0 };
		bool *plain;

		sb_init(&sb);
		sb_adds(&sb, "r000000\n");
		for (int i = 1; i < n; i++)
			sb_addf(&sb, "r%06d r%06d\n", i, i % 2 ? i - 1 : i - 2);
		graph_text_load(&p, sb.buf);
		layout_build(&l, &p);
		assert_int_equal(l.lines_hidden, n == 6000);
		if (!l.lines_hidden) {
			assert_true(l.max_lanes >= n / 2 - 1);
			assert_lines(sb.buf, &p, &l);
		} else {
			assert_int_equal(l.n_cells_total, l.n_rows);
			assert_int_equal(l.max_lanes, 1);
			for (uint32_t r = 0; r < l.n_rows; r++) {
				assert_int_equal(l.n_cells[r], 1);
				assert_int_equal(l.lane[r], 0);
				assert_int_equal(l.cells[l.cell_off[r]], CELL_NODE);
				assert_int_equal(l.shape[r], 0);
			}
			plain = xmalloc(l.n_rows);
			memset(plain, 1, l.n_rows);
			display_build(&d, &l, plain, 2, NULL);
			assert_int_equal(d.n, l.n_rows); /* nothing folds */
			display_free(&d);
			free(plain);
		}
		layout_free(&l);
		project_free(&p);
		sb_free(&sb);
	}
}

/* Wide histories: many heads and branches on a few revisions, merges of
 * two and three among them, so that rows laid past LAYOUT_JOIN_LANES lanes
 * join lanes from heads, from a chain's last row, from a merge's first
 * parent; each drawn as first written, every line an edge. */
static char *generate_wide(uint32_t seed, uint32_t n)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t kind = rnd(&seed, 100), hub = n - 1 - rnd(&seed, 6);

		sb_addf(&sb, "r%u", i);
		if (i >= n - 6) {
			if (i + 1 < n)
				sb_addf(&sb, " r%u", i + 1); /* the hubs: a line at the bottom */
		} else if (kind < 45) {
			sb_addf(&sb, " r%u", hub);
		} else if (kind < 75) {
			sb_addf(&sb, " r%u", i + 1); /* on a line down to the next */
		} else if (kind < 90) {
			sb_addf(&sb, " r%u r%u", hub, i + 1 + rnd(&seed, n - 1 - i));
		} else {
			sb_addf(&sb, " r%u r%u r%u", i + 1 + rnd(&seed, n - 1 - i), hub, n - 1 - rnd(&seed, 6));
		}
		sb_addc(&sb, '\n');
	}
	return sb_detach(&sb);
}

static void test_wide_histories_join_lanes(void **state)
{
	uint32_t joined = 0, wide = 0;

	(void)state;
	for (uint32_t seed = 1; seed <= 40; seed++) {
		char *text = generate_wide(seed, 200 + seed * 20);
		struct project p;
		struct layout l;

		graph_text_load(&p, text);
		layout_build(&l, &p);
		assert_as_first_written(&p, &l);
		assert_lines(text, &p, &l);
		for (uint32_t r = 0; r < l.n_rows; r++) {
			joined += (l.cells[l.cell_off[r] + l.lane[r]] & CELL_LEFT) != 0;
			wide += l.n_cells[r] >= LAYOUT_JOIN_LANES;
		}
		layout_free(&l);
		project_free(&p);
		free(text);
	}
	print_message("%u rows %d lanes wide or more, %u of them joined\n", wide, LAYOUT_JOIN_LANES, joined);
	assert_true(joined > 200);
}

/* ---- the lanes a row's glyphs are coloured by, as first written: a look
 * from each cell, where layout_row_symbols sweeps the row once each way ---- */

static uint16_t ref_glyph_lane(const uint8_t *c, uint16_t n, uint16_t me, uint16_t i, bool right_of)
{
	const uint8_t cross = CELL_UP | CELL_DOWN;

	if (i > me || (i == me && right_of)) {
		for (uint16_t k = right_of ? i + 1 : i; k < n; k++)
			if ((c[k] & cross) && (c[k] & cross) != cross)
				return k;
	} else { /* left of it only a join: its left end, going on or not */
		for (int k = i; k >= 0; k--)
			if (((c[k] & cross) && (c[k] & cross) != cross) || ((c[k] & CELL_RIGHT) && !(c[k] & CELL_LEFT)))
				return (uint16_t)k;
	}
	return i;
}

static void assert_glyph_lanes(const struct layout *l)
{
	struct lane_glyph *g = xmalloc((2 * (size_t)l->max_lanes + 2) * sizeof(*g));

	for (uint32_t r = 0; r < l->n_rows; r++) {
		const uint8_t *c = l->cells + l->cell_off[r];
		uint16_t n = l->n_cells[r], me = l->lane[r];

		assert_int_equal(layout_row_symbols(l, r, true, g), 2 * n);
		for (uint16_t i = 0; i < n; i++) {
			uint16_t want0 = (c[i] & (CELL_UP | CELL_DOWN | CELL_NODE)) ? i : ref_glyph_lane(c, n, me, i, false);

			assert_int_equal(g[2 * i].lane, want0);
			assert_int_equal(g[2 * i].node, (c[i] & CELL_NODE) != 0);
			if (c[i] & CELL_RIGHT)
				assert_int_equal(g[2 * i + 1].lane, ref_glyph_lane(c, n, me, i, true));
			else
				assert_int_equal(g[2 * i + 1].lane, i);
		}
	}
	free(g);
}

/* Generated histories, ordinary and wide (joins, merges across many lanes),
 * and an octopus of 400 parents: each horizontal line's glyphs take the
 * lane it leads to, as a look from each cell finds it (which took seconds
 * to draw the octopus's rows, a cell's look crossing every lane). */
static void test_glyph_lanes_as_first_written(void **state)
{
	struct strbuf sb;

	(void)state;
	for (uint32_t seed = 1; seed <= 60; seed++) {
		char *text = seed & 1 ? generate(seed, 1 + seed * 7) : generate_wide(seed, 200 + seed * 10);
		struct project p;
		struct layout l;

		graph_text_load(&p, text);
		layout_build(&l, &p);
		assert_glyph_lanes(&l);
		layout_free(&l);
		project_free(&p);
		free(text);
	}
	sb_init(&sb);
	sb_adds(&sb, "base\nmerge");
	for (int i = 0; i < 400; i++)
		sb_addf(&sb, " h%d", i);
	sb_addc(&sb, '\n');
	for (int i = 0; i < 400; i++)
		sb_addf(&sb, "h%d base\n", i);
	{
		struct project p;
		struct layout l;

		graph_text_load(&p, sb.buf);
		layout_build(&l, &p);
		assert_lines(sb.buf, &p, &l);
		assert_glyph_lanes(&l);
		layout_free(&l);
		project_free(&p);
	}
	sb_free(&sb);
}

/* ---- the display as first written, row by row: display_build passes over
 * stretches of rows that cannot fold and writes lines in bulk, and must
 * make the same lines ---- */

static bool ref_straight(const struct layout *l, uint32_t r)
{
	return (cell(l, r, l->lane[r]) & (CELL_UP | CELL_DOWN)) == (CELL_UP | CELL_DOWN) &&
	       !(l->shape[r] & ROW_TURNS);
}

/* The lines of L as display_build first made them, in OUT; returns how many. */
static uint32_t ref_display(const struct layout *l, const bool *plain, uint32_t min_run, const bool *open_at,
			    struct display_line *out)
{
	uint32_t k = 0;

	for (uint32_t r = 0, end; r < l->n_rows; r = end + 1) {
		bool fold = plain[r] && ref_straight(l, r);

		end = r;
		while (fold && end + 1 < l->n_rows && plain[end + 1] && l->piece[end + 1] == l->piece[r] &&
		       ref_straight(l, end + 1))
			end++;
		if (fold && end - r + 1 >= min_run && !(open_at && open_at[r]))
			out[k++] = (struct display_line){ r, end };
		else
			for (uint32_t i = r; i <= end; i++)
				out[k++] = (struct display_line){ i, i };
	}
	return k;
}

/* A history of N revisions of long lines of single links, now and then a
 * branch, a merge or a base. */
static char *generate_long_runs(uint32_t seed, uint32_t n)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t kind = rnd(&seed, 100);

		sb_addf(&sb, "r%u", i);
		if (i > 0 && kind < 90)
			sb_addf(&sb, " r%u", i - 1);
		else if (i > 0 && kind < 97)
			sb_addf(&sb, " r%u", rnd(&seed, i));
		else if (i > 1)
			sb_addf(&sb, " r%u r%u", i - 1, rnd(&seed, i - 1));
		sb_addc(&sb, '\n');
	}
	return sb_detach(&sb);
}

/* Generated histories, plain rows as the explorer marks them and at random
 * (some plain rows not straight, some runs cut short), runs of every
 * length folded or not, some opened; and the line of each row. */
static void test_display_as_first_written(void **state)
{
	static const uint32_t min_runs[] = { 1, 2, 3, 7, 20, UINT32_MAX };
	struct display d = { 0 };
	uint32_t folded = 0, long_folds = 0, seed2 = 7;

	(void)state;
	for (uint32_t seed = 1; seed <= 200; seed++) {
		char *text = seed & 1 ? generate(seed, 1 + seed % 80 + (seed % 10 == 1 ? 400 : 0))
				      : generate_long_runs(seed, 1 + seed % 300);
		struct project p;
		struct layout l;
		bool *plain, *open_at;
		struct display_line *want;

		graph_text_load(&p, text);
		layout_build(&l, &p);
		plain = xcalloc(l.n_rows + 1, sizeof(bool));
		open_at = xcalloc(l.n_rows + 1, sizeof(bool));
		want = xmalloc((l.n_rows + 1) * sizeof(*want));
		for (uint32_t r = 0; r < l.n_rows; r++) {
			plain[r] = (l.flat[r] & NODE_FLAT_LINE) && !(l.shape[r] & ROW_TURNS) ? rnd(&seed2, 60) > 0
											   : rnd(&seed2, 20) == 0;
			open_at[r] = rnd(&seed2, 8) == 0;
		}
		for (size_t m = 0; m < sizeof(min_runs) / sizeof(min_runs[0]); m++) {
			uint32_t n = ref_display(&l, plain, min_runs[m], (m & 1) ? open_at : NULL, want);

			display_build(&d, &l, plain, min_runs[m], (m & 1) ? open_at : NULL);
			assert_int_equal(d.n, n);
			assert_memory_equal(d.v, want, n * sizeof(*want));
			for (uint32_t k = 0; k < n; k++) {
				folded += want[k].first != want[k].last;
				long_folds += want[k].last - want[k].first + 1 >= 20;
				for (uint32_t r = want[k].first; r <= want[k].last; r++)
					assert_int_equal(display_find(&d, r), k);
			}
		}
		free(want);
		free(open_at);
		free(plain);
		layout_free(&l);
		project_free(&p);
		free(text);
	}
	display_free(&d);
	print_message("%u folded lines, %u of 20 rows or more\n", folded, long_folds);
	assert_true(folded > 1000);
	assert_true(long_folds > 100);
}

/* The checks fail on a picture that draws a line the graph does not have. */
static void test_invariant_catches_a_false_line(void **state)
{
	struct project p;
	struct layout l;
	uint32_t r;

	(void)state;
	graph_text_load(&p, "a0\nb0\nb1 b0\n");
	layout_build(&l, &p);
	bad_line = 0;
	check_joints(&l);
	check_lines(&p, &l);
	check_pieces(&p, &l);
	assert_int_equal(bad_line, 0);
	/* join the last row of one piece to the first of the next, as before
	 * (neither row shares its cells with another: drawn as the row above) */
	r = l.piece[1] != l.piece[0] ? 0 : 1;
	assert_int_not_equal(l.piece[r], l.piece[r + 1]);
	l.cells[l.cell_off[r]] |= CELL_DOWN;
	l.cells[l.cell_off[r + 1]] |= CELL_UP;
	check_joints(&l);
	assert_int_equal(bad_line, 0); /* the joints meet... */
	check_lines(&p, &l);
	assert_int_not_equal(bad_line, 0); /* ...but no edge is there */
	layout_free(&l);
	project_free(&p);
}

static void test_folding_linear_runs(void **state)
{
	struct project p;
	struct layout l;
	struct display d = { 0 };
	struct strbuf sb;
	bool *plain, *open_at;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "r0\n");
	for (int i = 1; i < 30; i++)
		sb_addf(&sb, "r%d r%d\n", i, i - 1);
	graph_text_load(&p, sb.buf);
	layout_build(&l, &p);
	plain = xcalloc(l.n_rows, sizeof(bool));
	open_at = xcalloc(l.n_rows, sizeof(bool));
	for (uint32_t r = 1; r + 1 < l.n_rows; r++)
		plain[r] = true; /* the head and the base stay visible */
	display_build(&d, &l, plain, 10, NULL);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.v[1].first, 1);
	assert_int_equal(d.v[1].last, 28);
	assert_int_equal(display_find(&d, 17), 1);
	assert_int_equal(display_find(&d, 29), 2);
	open_at[1] = true;
	display_build(&d, &l, plain, 10, open_at);
	assert_int_equal(d.n, 30);
	display_build(&d, &l, plain, 100, NULL); /* runs shorter than the minimum stay */
	assert_int_equal(d.n, 30);
	display_free(&d);
	free(plain);
	free(open_at);
	layout_free(&l);
	project_free(&p);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_branch_and_merge_of_two),
		cmocka_unit_test(test_merge_of_three),
		cmocka_unit_test(test_long_lived_branches),
		cmocka_unit_test(test_crossing_lanes),
		cmocka_unit_test(test_disconnected_and_phantom),
		cmocka_unit_test(test_pieces_never_share_lanes),
		cmocka_unit_test(test_depends_on_draws_no_line),
		cmocka_unit_test(test_every_line_is_an_edge),
		cmocka_unit_test(test_same_as_first_written),
		cmocka_unit_test(test_many_lanes_to_one_row),
		cmocka_unit_test(test_fan_of_heads_is_linear),
		cmocka_unit_test(test_lines_hidden_past_the_budget),
		cmocka_unit_test(test_wide_histories_join_lanes),
		cmocka_unit_test(test_glyph_lanes_as_first_written),
		cmocka_unit_test(test_display_as_first_written),
		cmocka_unit_test(test_invariant_catches_a_false_line),
		cmocka_unit_test(test_folding_linear_runs),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
