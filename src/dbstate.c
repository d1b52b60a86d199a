/* dbstate.c - stamps against the graph (dbstate.h): one walk down from the
 * known stamps through down_revision and depends_on, the way `alembic
 * upgrade` would have had to run them, marks what is applied.
 *
 * A stamp that graph_find cannot place, or places on a phantom (an id some
 * file names as its down_revision but no file defines), is unknown: Alembic
 * fails on both alike ("Can't locate revision identified by ..."). Phantoms
 * are never applied: they have no file, so nothing says what they did. */
#include <stdlib.h>
#include <string.h>

#include "migtree/dbstate.h"
#include "migtree/strmap.h"

/* Flag every real node reachable from the stamps through down and deps. */
static void mark_applied(const struct graph *g, struct db_state *st)
{
	struct u32vec stack = { 0 };

	for (uint32_t i = 0; i < st->stamp_nodes.n; i++)
		u32_push(&stack, st->stamp_nodes.v[i]);
	while (stack.n) {
		uint32_t v = stack.v[--stack.n];
		const struct node *nd = &g->nodes[v];

		if (st->applied[v] || nd->phantom)
			continue;
		st->applied[v] = true;
		st->n_applied++;
		for (uint32_t k = 0; k < nd->down.n; k++)
			u32_push(&stack, nd->down.v[k]);
		for (uint32_t k = 0; k < nd->deps.n; k++)
			u32_push(&stack, nd->deps.v[k]);
	}
	free(stack.v);
}

void db_state_compute(const struct graph *g, const char *url_display, const struct strlist *stamps,
		      bool no_table, struct db_state *st)
{
	struct strmap unknown; /* a table may hold thousands of rows: no list searched a row */

	memset(st, 0, sizeof(*st));
	st->url_display = url_display ? xstrdup(url_display) : NULL;
	st->no_table = no_table;
	sl_copy(&st->stamps, stamps);
	st->applied = xcalloc(g->n ? g->n : 1, sizeof(*st->applied)); /* first: which nodes are stamped */
	strmap_init(&unknown);
	for (uint32_t i = 0; i < stamps->n; i++) {
		uint32_t v = graph_find(g, stamps->v[i]);

		if (v == NO_NODE || g->nodes[v].phantom) {
			if (strmap_put(&unknown, st->stamps.v[i], i))
				sl_push(&st->unknown, stamps->v[i]);
			continue;
		}
		u32_push(&st->known_at, i);
		if (!st->applied[v]) {
			st->applied[v] = true;
			u32_push(&st->stamp_nodes, v);
		}
	}
	strmap_free(&unknown);
	for (uint32_t i = 0; i < st->stamp_nodes.n; i++)
		st->applied[st->stamp_nodes.v[i]] = false; /* mark_applied's to set */
	mark_applied(g, st);
	for (uint32_t i = 0; i < g->heads.n; i++)
		if (!st->applied[g->heads.v[i]] && !g->nodes[g->heads.v[i]].phantom)
			u32_push(&st->pending_heads, g->heads.v[i]);
	st->is = xcalloc(g->n ? g->n : 1, 1);
	for (uint32_t i = 0; i < st->stamp_nodes.n; i++)
		st->is[st->stamp_nodes.v[i]] |= DB_STAMPED;
	for (uint32_t i = 0; i < st->pending_heads.n; i++)
		st->is[st->pending_heads.v[i]] |= DB_PENDING_HEAD;
	for (uint32_t v = 0; v < g->n; v++)
		st->n_pending += !st->applied[v] && !g->nodes[v].phantom;
}

void db_state_free(struct db_state *st)
{
	free(st->url_display);
	sl_free(&st->stamps);
	sl_free(&st->unknown);
	free(st->stamp_nodes.v);
	free(st->known_at.v);
	free(st->applied);
	free(st->pending_heads.v);
	free(st->is);
	memset(st, 0, sizeof(*st));
}
