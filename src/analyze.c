/* analyze.c - warnings and fix suggestions over a built graph. */
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/docstring.h"

/* Create Date as written, "" when absent (sorts first). */
static const char *created(const struct graph *g, uint32_t v)
{
	const char *d = g->nodes[v].file->doc_create_date.value;

	return d ? d : "";
}

/* The oldest base by Create Date (ties: load order): where the history starts. */
uint32_t graph_primary_base(const struct graph *g)
{
	uint32_t best = NO_NODE;

	for (uint32_t i = 0; i < g->bases.n; i++) {
		uint32_t b = g->bases.v[i];

		if (best == NO_NODE || strcmp(created(g, b), created(g, best)) < 0)
			best = b;
	}
	return best;
}

uint32_t graph_main_component(const struct graph *g)
{
	uint32_t base = graph_primary_base(g), *size, best = 0;

	if (base != NO_NODE)
		return g->nodes[base].component;
	size = xcalloc(g->n_components ? g->n_components : 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom)
			size[g->nodes[i].component]++;
	for (uint32_t c = 1; c < g->n_components; c++)
		if (size[c] > size[best])
			best = c;
	free(size);
	return best;
}

/* The newest head of the main piece by Create Date (else of all): the one to keep. */
static uint32_t primary_head(const struct graph *g, uint32_t main_comp)
{
	uint32_t best = NO_NODE;

	for (int pass = 0; pass < 2 && best == NO_NODE; pass++)
		for (uint32_t i = 0; i < g->heads.n; i++) {
			uint32_t h = g->heads.v[i];

			if (pass == 0 && g->nodes[h].component != main_comp)
				continue;
			if (best == NO_NODE || strcmp(created(g, h), created(g, best)) >= 0)
				best = h;
		}
	return best;
}

/* MARK[v] for every ancestor of A (A included), by down_revision. */
static bool *mark_ancestors(const struct graph *g, uint32_t a)
{
	bool *mark = xcalloc(g->n ? g->n : 1, sizeof(bool));
	struct u32vec q = { 0 };

	u32_push(&q, a);
	mark[a] = true;
	for (uint32_t h = 0; h < q.n; h++) {
		const struct node *nd = &g->nodes[q.v[h]];

		for (uint32_t k = 0; k < nd->down.n; k++)
			if (!mark[nd->down.v[k]]) {
				mark[nd->down.v[k]] = true;
				u32_push(&q, nd->down.v[k]);
			}
	}
	free(q.v);
	return mark;
}

/* Breadth-first down from B to the first node of MARK: the nearest common
 * ancestor on B's side. SEEN is scratch of g->n entries, cleared on return. */
static uint32_t first_marked_below(const struct graph *g, const bool *mark, uint32_t b, bool *seen)
{
	struct u32vec q = { 0 };
	uint32_t found = NO_NODE;

	u32_push(&q, b);
	seen[b] = true;
	for (uint32_t h = 0; h < q.n && found == NO_NODE; h++) {
		const struct node *nd = &g->nodes[q.v[h]];

		if (mark[q.v[h]] && !nd->phantom) {
			found = q.v[h];
			break;
		}
		for (uint32_t k = 0; k < nd->down.n; k++)
			if (!seen[nd->down.v[k]]) {
				seen[nd->down.v[k]] = true;
				u32_push(&q, nd->down.v[k]);
			}
	}
	for (uint32_t h = 0; h < q.n; h++) /* only what was touched: cheap to clear */
		seen[q.v[h]] = false;
	free(q.v);
	return found;
}

uint32_t graph_common_ancestor(const struct graph *g, uint32_t a, uint32_t b)
{
	bool *mark = mark_ancestors(g, a), *seen = xcalloc(g->n ? g->n : 1, sizeof(bool));
	uint32_t found = first_marked_below(g, mark, b, seen);

	free(mark);
	free(seen);
	return found;
}

static int line_of_down(const struct node *nd)
{
	return nd->file->down.span.line ? nd->file->down.span.line : nd->file->down.line;
}

static void warn_heads(struct graph *g, uint32_t main_comp)
{
	uint32_t primary;
	bool *mark, *seen;

	if (g->heads.n < 2)
		return;
	primary = primary_head(g, main_comp);
	/* the primary's ancestors once; each other head walks down only to meet them */
	mark = mark_ancestors(g, primary);
	seen = xcalloc(g->n, sizeof(bool));
	for (uint32_t i = 0; i < g->heads.n; i++) {
		uint32_t h = g->heads.v[i], anc;
		const struct node *nd = &g->nodes[h], *pn = &g->nodes[primary];
		struct problem *p;

		if (h == primary)
			continue;
		anc = first_marked_below(g, mark, h, seen);
		p = problem_add(&g->problems, PROBLEM_MULTIPLE_HEADS, nd->id, pn->id, nd->file->path,
				nd->file->rev.line, nd->file->load_index,
				"%s is one of %u heads, beside %s (%s:%d)%s%s; `alembic upgrade head` fails "
				"with \"Multiple head revisions are present\"",
				nd->id, g->heads.n, pn->id, pn->file->path, pn->file->rev.line,
				anc != NO_NODE ? ", common ancestor " : ", no common ancestor",
				anc != NO_NODE ? g->nodes[anc].id : "");
		sl_push_owned(&p->fixes, xasprintf("merge them: migtree merge %s %s", pn->id, nd->id));
		sl_push_owned(&p->fixes, xasprintf("or put one after the other: migtree set-down %s %s",
						   nd->id, pn->id));
		sl_push(&p->candidates, pn->id);
	}
	free(mark);
	free(seen);
}

static void warn_bases(struct graph *g)
{
	uint32_t primary = graph_primary_base(g);

	if (g->bases.n < 2)
		return;
	for (uint32_t i = 0; i < g->bases.n; i++) {
		uint32_t b = g->bases.v[i];
		const struct node *nd = &g->nodes[b];

		if (b == primary)
			continue;
		problem_add(&g->problems, PROBLEM_MULTIPLE_BASES, nd->id, g->nodes[primary].id,
			    nd->file->path, line_of_down(nd), nd->file->load_index,
			    "%s is one of %u bases (down_revision = None) beside %s, the oldest; "
			    "a second base starts a separate history",
			    nd->id, g->bases.n, g->nodes[primary].id);
	}
}

static void warn_components(struct graph *g, uint32_t main_comp)
{
	uint32_t *first = xmalloc((g->n_components ? g->n_components : 1) * sizeof(uint32_t));
	uint32_t *count = xcalloc(g->n_components ? g->n_components : 1, sizeof(uint32_t));
	uint32_t *missing = xmalloc((g->n_components ? g->n_components : 1) * sizeof(uint32_t));

	for (uint32_t c = 0; c < g->n_components; c++)
		first[c] = missing[c] = NO_NODE;
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		if (nd->phantom) {
			missing[nd->component] = i;
			continue;
		}
		count[nd->component]++;
		if (first[nd->component] == NO_NODE ||
		    nd->file->load_index < g->nodes[first[nd->component]].file->load_index)
			first[nd->component] = i;
	}
	for (uint32_t c = 0; c < g->n_components; c++) {
		const struct node *nd;

		if (c == main_comp || first[c] == NO_NODE)
			continue;
		nd = &g->nodes[first[c]];
		problem_add(&g->problems, PROBLEM_DISCONNECTED_COMPONENT, nd->id, NULL, nd->file->path,
			    nd->file->rev.line, nd->file->load_index,
			    "%u revision%s with %s %s not connected to the main history%s%s%s",
			    count[c], count[c] == 1 ? "" : "s", nd->id, count[c] == 1 ? "is" : "are",
			    missing[c] != NO_NODE ? " (its parent " : "",
			    missing[c] != NO_NODE ? g->nodes[missing[c]].id : "",
			    missing[c] != NO_NODE ? " is missing)" : "");
	}
	free(first);
	free(count);
	free(missing);
}

void suggest_missing_parents(struct graph *g);

void analyze_graph(struct graph *g)
{
	uint32_t main_comp = graph_main_component(g);

	warn_heads(g, main_comp);
	warn_bases(g);
	warn_components(g, main_comp);
	docstring_check(g);
	suggest_missing_parents(g);
	problem_list_sort(&g->problems);
}
