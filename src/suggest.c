/* suggest.c - ranked candidates for a down_revision that names nothing.
 *
 * People break chains in a few recurring ways, so candidates are ranked by how
 * directly they explain the mistake: the missing text is a file name (written
 * instead of the id), or a prefix of exactly one id (or one id is a prefix of it),
 * or the docstring's `Revises:` still names the right parent, or, failing all,
 * the revision created just before this one. A candidate that would make a cycle
 * (a descendant of the revision) is never offered. */
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/docstring.h"

static void add_candidate(struct problem *p, const char *id, const char *why)
{
	if (sl_contains(&p->candidates, id))
		return;
	sl_push(&p->candidates, id);
	sl_push_owned(&p->fixes, xasprintf("%s (%s): migtree set-down %s %s", id, why, p->revision, id));
}

static bool file_name_matches(const struct revision_file *rf, const char *missing)
{
	size_t n = strlen(rf->name), m = strlen(missing);

	if (!strcmp(rf->name, missing))
		return true;
	if (n == m + 3 && !strncmp(rf->name, missing, m))
		return true; /* "<missing>.py" */
	/* "<id>_<missing>.py": the slug written instead of the id */
	return n > m + 4 && !strncmp(rf->name + n - 3 - m, missing, m) && rf->name[n - 4 - m] == '_';
}

/* What every missing parent of one revision shares: the revisions that exist (a
 * broken file may name 200,000 missing parents: loops go over files, not
 * phantoms), and the revision's descendants and Create Date candidate, computed
 * once per revision rather than per missing parent. */
struct suggest_ctx {
	uint32_t *real, n_real;
	uint32_t v;          /* the revision DESC and DATE_BEST are for */
	bool *desc;
	uint32_t date_best;
};

static void by_name_and_prefix(const struct graph *g, struct problem *p, const struct suggest_ctx *c)
{
	uint32_t prefix_hit = NO_NODE, prefix_count = 0;

	for (uint32_t r = 0; r < c->n_real; r++) {
		uint32_t i = c->real[r];
		const struct node *nd = &g->nodes[i];

		if (c->desc[i])
			continue;
		if (file_name_matches(nd->file, p->ref))
			add_candidate(p, nd->id, "its file name is the missing text");
		if ((str_starts_with(nd->id, p->ref) && strlen(p->ref) >= 4) ||
		    (str_starts_with(p->ref, nd->id) && strlen(nd->id) >= 4)) {
			prefix_hit = i;
			prefix_count++;
		}
	}
	if (prefix_count == 1)
		add_candidate(p, g->nodes[prefix_hit].id, "the only id sharing that prefix");
}

static void by_docstring(const struct graph *g, struct problem *p, const struct revision_file *rf,
			 const bool *desc)
{
	struct strlist doc = { 0 };

	docstring_split_revises(rf->doc_revises.value, &doc);
	for (size_t i = 0; i < doc.n; i++) {
		uint32_t at = graph_find(g, doc.v[i]);

		if (at != NO_NODE && !g->nodes[at].phantom && !desc[at] && strcmp(doc.v[i], p->ref))
			add_candidate(p, doc.v[i], "the docstring's Revises: line names it");
	}
	sl_free(&doc);
}

/* The revision created just before RF (not one of its descendants), or NO_NODE. */
static uint32_t created_before(const struct graph *g, const struct revision_file *rf,
			       const struct suggest_ctx *c)
{
	const char *mine = rf->doc_create_date.value;
	uint32_t best = NO_NODE;

	if (!mine || !*mine)
		return NO_NODE;
	for (uint32_t r = 0; r < c->n_real; r++) {
		uint32_t i = c->real[r];
		const char *d = g->nodes[i].file->doc_create_date.value;

		if (c->desc[i] || !d || !*d)
			continue;
		if (strcmp(d, mine) < 0 &&
		    (best == NO_NODE || strcmp(d, g->nodes[best].file->doc_create_date.value) > 0))
			best = i;
	}
	return best;
}

/* Alembic resolves depends_on by full id or branch label only (a prefix is a
 * KeyError), so a unique prefix is offered as the full id to write. */
static void suggest_dependency(struct graph *g, struct problem *p)
{
	struct strlist matches = { 0 };
	uint32_t v;

	if (graph_resolve(g, p->ref, &v, &matches) == RESOLVE_OK && strcmp(g->nodes[v].id, p->ref)) {
		sl_push(&p->candidates, g->nodes[v].id);
		sl_push_owned(&p->fixes, xasprintf("write the full id: depends_on = '%s' (Alembic does not "
						   "resolve prefixes in files)", g->nodes[v].id));
	}
	sl_free(&matches);
}

static void ctx_for(const struct graph *g, struct suggest_ctx *c, uint32_t v)
{
	if (c->v == v)
		return;
	free(c->desc);
	c->v = v;
	c->desc = graph_descendants(g, v);
	c->date_best = created_before(g, g->nodes[v].file, c);
}

void suggest_missing_parents(struct graph *g)
{
	struct suggest_ctx c = { xmalloc((g->n ? g->n : 1) * sizeof(uint32_t)), 0, NO_NODE, NULL, NO_NODE };

	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom)
			c.real[c.n_real++] = i;
	for (size_t i = 0; i < g->problems.n; i++) {
		struct problem *p = &g->problems.v[i];
		uint32_t v;

		if (p->kind == PROBLEM_MISSING_DEPENDENCY)
			suggest_dependency(g, p);
		if (p->kind != PROBLEM_MISSING_DOWN_REVISION)
			continue;
		v = graph_find(g, p->revision);
		if (v == NO_NODE)
			continue;
		ctx_for(g, &c, v);
		by_name_and_prefix(g, p, &c);
		by_docstring(g, p, g->nodes[v].file, c.desc);
		if (c.date_best != NO_NODE)
			add_candidate(p, g->nodes[c.date_best].id, "created just before it, by Create Date");
		sl_push_owned(&p->fixes, xasprintf("or create the missing revision: migtree stub %s --down PARENT",
						   p->ref));
		sl_push_owned(&p->fixes, xasprintf("or make %s a base: migtree set-down %s none", p->revision,
						   p->revision));
	}
	free(c.desc);
	free(c.real);
}
