/* tree.c - the report-style drawing: chains go straight down, branch points fan
 * out with box-drawing connectors, a revision reached twice (below a merge) is
 * drawn once and then referred to. */
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/format.h"
#include "migtree/tree.h"

struct glyphs {
	const char *down, *tee, *corner, *bar;
};

static const struct glyphs unicode = { "\u2193", "\u251c\u2500\u2500 ", "\u2514\u2500\u2500 ", "\u2502   " };
static const struct glyphs ascii = { "|", "|-- ", "`-- ", "|   " };

struct tree {
	FILE *out;
	const struct graph *g;
	const struct glyphs *gl;
	uint32_t *height;   /* longest descent to a head */
	bool *printed;
	uint32_t main_comp;
};

/* Message on one line: line ends become spaces (the rest is escaped by the CLI's
 * output stream); a long one shortened. */
static void put_message(FILE *out, const char *s)
{
	for (s = format_clip(s, FORMAT_CLIP_ID); *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void describe(struct tree *t, uint32_t v, bool side_child)
{
	const struct node *nd = &t->g->nodes[v];
	const char *marks[5];
	int n = 0;

	fputs(format_clip(nd->id, FORMAT_CLIP_ID), t->out);
	if (nd->phantom) {
		fputs(" - MISSING (no file defines it)\n", t->out);
		return;
	}
	fputs(" (", t->out);
	put_message(t->out, nd->file->message);
	fputc(')', t->out);
	if (nd->is_base)
		marks[n++] = "ROOT";
	if (nd->is_merge_point)
		marks[n++] = "MERGE POINT";
	if (nd->is_branch_point)
		marks[n++] = "BRANCH POINT";
	if (nd->in_cycle)
		marks[n++] = "IN CYCLE";
	if (nd->is_head)
		marks[n++] = side_child ? "BRANCH HEAD" : t->g->component[v] == t->main_comp ? "MAIN HEAD" : "HEAD";
	for (int i = 0; i < n; i++)
		fprintf(t->out, "%s%s", i ? ", " : " - ", marks[i]);
	fputc('\n', t->out);
}

static int cmp_height(const void *a, const void *b, void *ctx)
{
	const struct tree *t = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (t->height[x] != t->height[y])
		return t->height[x] < t->height[y] ? -1 : 1;
	return t->g->nodes[x].order < t->g->nodes[y].order ? -1 : 1;
}

/* Each branch point indents what follows by 8 columns, which at 100,000 revisions
 * made lines of megabytes (2 GB of output). Past TREE_MAX_DEPTH levels lines stop
 * moving right and say how much deeper they are: `[+3] ` before the id. */
#define TREE_MAX_DEPTH 8

/* A + B, owned: one per drawn revision, without a format to parse. */
static char *concat(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = xmalloc(na + nb + 1);

	memcpy(s, a, na);
	memcpy(s + na, b, nb + 1);
	return s;
}

/* A prefix and the marker of depth D (nothing up to the cap). Owned. */
static char *deeper(const char *prefix, const char *glyph, uint32_t d)
{
	if (d <= TREE_MAX_DEPTH)
		return concat(prefix, glyph);
	return xasprintf("%s%s[+%u] ", prefix, glyph, d - TREE_MAX_DEPTH);
}

/* Draw V and its descendants. FIRST prefixes V's own line, REST the lines below it
 * in its chain, at branch depth DEPTH. SIDE: drawn as a non-last child, so its
 * heads are branch heads. */
static void walk(struct tree *t, uint32_t v, const char *first, const char *rest, bool side, uint32_t depth)
{
	char *own_first = xstrdup(first), *own_rest = xstrdup(rest), *tmp;

	for (;;) {
		const struct node *nd = &t->g->nodes[v];
		uint32_t nk = nd->children.n, *kids;

		fputs(own_first, t->out);
		if (t->printed[v]) {
			fprintf(t->out, "%s (drawn above)\n", format_clip(nd->id, FORMAT_CLIP_ID));
			break;
		}
		t->printed[v] = true;
		describe(t, v, side);
		if (nk == 0)
			break;
		free(own_first);
		if (nk == 1) {
			/* the report puts the arrow under the id, or 4 columns in at the top level */
			fputs(*own_rest ? own_rest : "    ", t->out);
			fputs(t->gl->down, t->out);
			fputc('\n', t->out);
			own_first = deeper(own_rest, "", depth);
			v = nd->children.v[0]; /* a chain, most of any history: nothing to sort */
			continue;
		}
		kids = xmalloc(nk * sizeof(uint32_t));
		memcpy(kids, nd->children.v, nk * sizeof(uint32_t));
		sort_array_r(kids, nk, sizeof(uint32_t), cmp_height, t);
		for (uint32_t k = 0; k + 1 < nk; k++) {
			char *f = xasprintf("%s    %s", own_rest, t->gl->tee), *fm = deeper(f, "", depth + 1);
			char *r = depth >= TREE_MAX_DEPTH ? xstrdup(own_rest) : xasprintf("%s    %s", own_rest, t->gl->bar);

			walk(t, kids[k], fm, r, true, depth + 1);
			free(f);
			free(fm);
			free(r);
		}
		tmp = xasprintf("%s    %s", own_rest, t->gl->corner);
		own_first = deeper(tmp, "", depth + 1);
		free(tmp);
		if (depth < TREE_MAX_DEPTH) {
			tmp = xasprintf("%s        ", own_rest);
			free(own_rest);
			own_rest = tmp;
		}
		depth++;
		v = kids[nk - 1];
		free(kids);
	}
	free(own_first);
	free(own_rest);
}

void tree_print(FILE *out, const struct project *p, bool use_ascii)
{
	const struct graph *g = &p->graph;
	size_t n = g->n ? g->n : 1;
	struct tree t = { out, g, use_ascii ? &ascii : &unicode, xcalloc(n, sizeof(uint32_t)),
			  xcalloc(n, sizeof(bool)), graph_main_component(g) };
	/* a scan of every base's Create Date: once, not once a node */
	uint32_t primary = graph_primary_base(g);
	bool blank = false;

	for (uint32_t k = 0; k < p->order.n; k++) { /* children come first in history order */
		const struct node *nd = &g->nodes[p->order.v[k]];

		for (uint32_t c = 0; c < nd->children.n; c++)
			if (t.height[nd->children.v[c]] + 1 > t.height[p->order.v[k]])
				t.height[p->order.v[k]] = t.height[nd->children.v[c]] + 1;
	}
	/* the oldest base first, then the other bases, the missing revisions, and
	 * whatever only a cycle reaches */
	for (int pass = 0; pass < 4; pass++) {
		for (uint32_t k = 0; k < (pass == 1 ? g->bases.n : g->n); k++) {
			uint32_t i = pass == 1 ? g->bases.v[k] : k;
			const struct node *nd = &g->nodes[i];
			bool root = pass == 0 ? i == primary : pass == 1 ? true
								 : pass == 2 ? nd->phantom : true;

			if (!root || t.printed[i])
				continue;
			if (blank)
				fputc('\n', out);
			blank = true;
			walk(&t, i, "", "", false, 0);
		}
	}
	free(t.height);
	free(t.printed);
}
