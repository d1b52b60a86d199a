/* range.c - the revisions between two points of the history, in history order. */
#include <stdlib.h>
#include <string.h>

#include "migtree/order.h"
#include "migtree/range.h"

int range_parse(const char *spec, char **lower, char **upper, struct mt_error *err)
{
	const char *colon = strchr(spec, ':');

	if (!colon || strchr(colon + 1, ':'))
		return mt_fail(err, NULL, 0, "History range requires [start]:[end], [start]:, or :[end]");
	*lower = xstrndup(spec, (size_t)(colon - spec));
	*upper = xstrdup(colon + 1);
	return 0;
}

static int resolve_point(const struct graph *g, const char *arg, struct u32vec *out,
			 struct mt_error *err)
{
	uint32_t node;
	struct strlist matches = { 0 };
	enum resolve_result r;

	if (!strcmp(arg, "heads")) {
		for (uint32_t i = 0; i < g->real_heads.n; i++)
			u32_push(out, g->real_heads.v[i]);
		return 0;
	}
	if (!strcmp(arg, "head")) {
		if (g->heads.n > 1)
			return mt_fail(err, NULL, 0,
				       "Multiple head revisions are present for given argument 'head'; please "
				       "specify a specific target revision, '<branchname>@head' to narrow to a "
				       "specific head, or 'heads' for all heads");
		if (g->heads.n)
			u32_push(out, g->heads.v[0]);
		return 0;
	}
	if (!strcmp(arg, "base"))
		return 0;
	if (strchr(arg, '@') || strchr(arg, '+') || (arg[0] == '-' && arg[1]))
		return mt_fail(err, NULL, 0, "relative or branch-qualified revision '%s' is not supported by "
				"migtree history -r; name a revision, a branch label, 'head', 'heads' or 'base'", arg);
	/* Alembic reports an unknown and an ambiguous name alike */
	r = graph_resolve(g, arg, &node, &matches);
	sl_free(&matches);
	if (r != RESOLVE_OK)
		return mt_fail(err, NULL, 0, "Can't locate revision identified by '%s'", arg);
	u32_push(out, node);
	return 0;
}

/* Mark V's ancestors (norm_down) or descendants (children) in MARK, V included. */
static void mark_walk(const struct graph *g, const struct u32vec *from, bool down, bool *mark)
{
	struct u32vec st = { 0 };

	for (uint32_t i = 0; i < from->n; i++)
		u32_push(&st, from->v[i]);
	while (st.n) {
		uint32_t v = st.v[--st.n];
		const struct u32vec *next = down ? &g->nodes[v].norm_down : &g->nodes[v].children;

		if (mark[v])
			continue;
		mark[v] = true;
		for (uint32_t k = 0; k < next->n; k++)
			u32_push(&st, next->v[k]);
	}
	free(st.v);
}

int history_range(const struct graph *g, const char *lower, const char *upper, struct u32vec *out,
		  struct mt_error *err)
{
	struct u32vec targets = { 0 }, current = { 0 };
	size_t n = g->n ? g->n : 1;
	bool *needs = xcalloc(n, sizeof(bool)), *below = xcalloc(n, sizeof(bool));
	bool *above = xcalloc(n, sizeof(bool));
	int rc = -1;

	if (resolve_point(g, *upper ? upper : "heads", &targets, err) ||
	    resolve_point(g, *lower ? lower : "base", &current, err))
		goto out;
	mark_walk(g, &targets, true, needs);
	for (uint32_t i = 0; i < current.n; i++)
		if (!needs[current.v[i]]) {
			mt_fail(err, NULL, 0, "Requested range %s:%s does not refer to ancestor/descendant "
				"revisions along the same branch", *lower ? lower : "base",
				*upper ? upper : "heads");
			goto out;
		}
	/* revisions in a cycle are left out, as history_order_all does: Alembic refuses
	 * such a history (CycleDetected), and an ordering through one never ends */
	for (uint32_t i = 0; i < g->n; i++)
		needs[i] = needs[i] && !g->nodes[i].in_cycle;
	if (current.n) {
		mark_walk(g, &current, true, below);
		mark_walk(g, &current, false, above);
		for (uint32_t i = 0; i < g->n; i++)
			needs[i] = needs[i] && !below[i] && above[i];
		for (uint32_t i = 0; i < current.n; i++)
			needs[current.v[i]] = true; /* inclusive */
	}
	/* with down_revision alone a range is closed under the walk (a path between
	 * two of its revisions stays in it), so the fast walk makes the same order;
	 * Alembic's own is heads times revisions (10 s for A:heads on 30,000 heads) */
	if (g->any_deps)
		history_order_literal(g, needs, &targets, out);
	else
		history_order(g, needs, &targets, out);
	rc = 0;
out:
	free(targets.v);
	free(current.v);
	free(needs);
	free(below);
	free(above);
	return rc;
}
