/* suggest.c - ranked candidates for a down_revision that names nothing, and for
 * the root of a piece that hangs loose.
 *
 * People break chains in a few recurring ways, so candidates are ranked by how
 * directly they explain the mistake: the missing text is a file name (written
 * instead of the id), or a prefix of exactly one id (or one id is a prefix of it),
 * or the docstring's `Revises:` still names the right parent, or, failing all,
 * the revision created just before this one. A candidate that would make a cycle
 * (a descendant of the revision) is never offered, nor, for a loose piece, one of
 * its own revisions (that would not connect it). Each candidate is a fix
 * (fix.h): re-parent the revision onto it, with the signal as its reason. */
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/docstring.h"

static void add_candidate(struct problem *p, const char *target, const char *id, const char *why)
{
	struct fix *f;

	unsigned rank = 1;

	for (size_t k = 0; k < p->n_fixv; k++) {
		if (p->fixv[k].rank && !strcmp(p->fixv[k].parents.v[0], id))
			return;
		rank += p->fixv[k].rank != 0;
	}
	/* candidates are parents for the problem's revision (the picker stars them);
	 * a loose piece's root may be another revision: its fixes say which */
	if (!strcmp(target, p->revision))
		sl_push(&p->candidates, id);
	f = problem_add_fix(p, FIX_SET_DOWN, target, why);
	sl_push(&f->parents, id);
	f->rank = rank;
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
 * once per revision rather than per missing parent. SKIP is a piece whose
 * revisions are no candidates (the loose piece being connected), or NO_NODE. */
struct suggest_ctx {
	uint32_t *real, n_real;
	uint32_t v;          /* the revision DESC and DATE_BEST are for */
	uint32_t skip;
	bool *desc;
	uint32_t date_best;
};

static bool excluded(const struct graph *g, const struct suggest_ctx *c, uint32_t i)
{
	return c->desc[i] || (c->skip != NO_NODE && g->nodes[i].component == c->skip);
}

static void by_name_and_prefix(const struct graph *g, struct problem *p, const struct suggest_ctx *c,
			       const char *missing)
{
	uint32_t prefix_hit = NO_NODE, prefix_count = 0;
	const char *target = g->nodes[c->v].id;

	for (uint32_t r = 0; r < c->n_real; r++) {
		uint32_t i = c->real[r];
		const struct node *nd = &g->nodes[i];

		if (excluded(g, c, i))
			continue;
		if (file_name_matches(nd->file, missing))
			add_candidate(p, target, nd->id, "its file name is the missing text");
		if ((str_starts_with(nd->id, missing) && strlen(missing) >= 4) ||
		    (str_starts_with(missing, nd->id) && strlen(nd->id) >= 4)) {
			prefix_hit = i;
			prefix_count++;
		}
	}
	if (prefix_count == 1)
		add_candidate(p, target, g->nodes[prefix_hit].id, "the only id sharing that prefix");
}

/* MISSING: the parent being replaced (not offered back), or NULL. */
static void by_docstring(const struct graph *g, struct problem *p, const struct suggest_ctx *c,
			 const char *missing)
{
	const struct revision_file *rf = g->nodes[c->v].file;
	struct strlist doc = { 0 };

	docstring_split_revises(rf->doc_revises.value, &doc);
	for (size_t i = 0; i < doc.n; i++) {
		uint32_t at = graph_find(g, doc.v[i]);

		if (at != NO_NODE && !g->nodes[at].phantom && !excluded(g, c, at) &&
		    (!missing || strcmp(doc.v[i], missing)))
			add_candidate(p, rf->revision, doc.v[i], "the docstring's Revises: line names it");
	}
	sl_free(&doc);
}

/* The revision created just before RF (not excluded), or NO_NODE. */
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

		if (excluded(g, c, i) || !d || !*d)
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
		struct fix *f = problem_add_fix(p, FIX_FULL_DEPENDENCY, p->revision,
						"Alembic does not resolve prefixes in files");

		sl_push(&p->candidates, g->nodes[v].id);
		sl_push(&f->parents, g->nodes[v].id);
	}
	sl_free(&matches);
}

static void ctx_for(const struct graph *g, struct suggest_ctx *c, uint32_t v, uint32_t skip)
{
	if (c->v == v && c->skip == skip)
		return;
	free(c->desc);
	c->v = v;
	c->skip = skip;
	c->desc = graph_descendants(g, v);
	c->date_best = created_before(g, g->nodes[v].file, c);
}

static void suggest_missing(struct graph *g, struct problem *p, struct suggest_ctx *c)
{
	uint32_t v = graph_find(g, p->revision);
	struct fix *f;

	if (v == NO_NODE)
		return;
	ctx_for(g, c, v, NO_NODE);
	by_name_and_prefix(g, p, c, p->ref);
	by_docstring(g, p, c, p->ref);
	if (c->date_best != NO_NODE)
		add_candidate(p, p->revision, g->nodes[c->date_best].id, "created just before it, by Create Date");
	problem_add_fix(p, FIX_STUB, p->ref, "create the missing revision");
	f = problem_add_fix(p, FIX_MAKE_BASE, p->revision, NULL);
	f->reason = xasprintf("make %s a base", p->revision);
}

/* ---- loose pieces ------------------------------------------------------------- */

/* Per piece, its root (a base, or a revision whose parent is missing or unknown:
 * where a parent would connect it; the first by load order) and its single head
 * (NO_NODE when it has none or several). One pass over the nodes. */
struct pieces {
	uint32_t *root, *head, *n_heads;
};

static bool is_root(const struct graph *g, const struct node *nd)
{
	if (nd->file->down.unknown.n || !nd->down.n)
		return true;
	for (uint32_t k = 0; k < nd->down.n; k++)
		if (g->nodes[nd->down.v[k]].phantom)
			return true;
	return false;
}

static void pieces_init(struct pieces *pc, const struct graph *g)
{
	uint32_t nc = g->n_components ? g->n_components : 1;

	pc->root = xmalloc(nc * sizeof(uint32_t));
	pc->head = xmalloc(nc * sizeof(uint32_t));
	pc->n_heads = xcalloc(nc, sizeof(uint32_t));
	for (uint32_t c = 0; c < nc; c++)
		pc->root[c] = pc->head[c] = NO_NODE;
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];
		uint32_t c = nd->component;

		if (nd->phantom)
			continue;
		if (is_root(g, nd) && (pc->root[c] == NO_NODE ||
				       nd->file->load_index < g->nodes[pc->root[c]].file->load_index))
			pc->root[c] = i;
		if (nd->is_head && pc->n_heads[c]++ == 0)
			pc->head[c] = i;
	}
}

static void pieces_free(struct pieces *pc)
{
	free(pc->root);
	free(pc->head);
	free(pc->n_heads);
}

/* A loose piece is connected by giving its root a parent in the rest of the
 * history, found by the signals a missing parent uses; a piece that starts at
 * its own base can also stay as it is and be joined by a merge revision of the
 * two heads (what a published root needs: it keeps its parents). */
static void suggest_loose(struct graph *g, struct problem *p, struct suggest_ctx *c, const struct pieces *pc,
			  uint32_t main_comp)
{
	uint32_t v = graph_find(g, p->revision), comp, root;
	const struct node *rn;

	if (v == NO_NODE || g->nodes[v].phantom)
		return;
	comp = g->nodes[v].component;
	root = pc->root[comp];
	if (root == NO_NODE)
		return;
	rn = &g->nodes[root];
	ctx_for(g, c, root, comp);
	for (uint32_t k = 0; k < rn->down.n; k++)
		if (g->nodes[rn->down.v[k]].phantom)
			by_name_and_prefix(g, p, c, g->nodes[rn->down.v[k]].id);
	by_docstring(g, p, c, NULL);
	if (c->date_best != NO_NODE)
		add_candidate(p, rn->id, g->nodes[c->date_best].id, "created just before it, by Create Date");
	if (!rn->down.n && !rn->file->down.unknown.n && pc->n_heads[comp] == 1 && main_comp != NO_NODE &&
	    pc->n_heads[main_comp] == 1) {
		struct fix *f = problem_add_fix(p, FIX_MERGE, NULL, "keep it apart and join the heads");

		sl_push(&f->parents, g->nodes[pc->head[main_comp]].id);
		sl_push(&f->parents, g->nodes[pc->head[comp]].id);
	}
}

void suggest_missing_parents(struct graph *g)
{
	struct suggest_ctx c = { xmalloc((g->n ? g->n : 1) * sizeof(uint32_t)), 0, NO_NODE, NO_NODE, NULL,
				 NO_NODE };
	uint32_t main_comp = g->n_components ? graph_main_component(g) : NO_NODE;
	struct pieces pc;

	pieces_init(&pc, g);
	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom)
			c.real[c.n_real++] = i;
	for (size_t i = 0; i < g->problems.n; i++) {
		struct problem *p = &g->problems.v[i];

		if (p->kind == PROBLEM_MISSING_DEPENDENCY)
			suggest_dependency(g, p);
		else if (p->kind == PROBLEM_MISSING_DOWN_REVISION)
			suggest_missing(g, p, &c);
		else if (p->kind == PROBLEM_DISCONNECTED_COMPONENT)
			suggest_loose(g, p, &c, &pc, main_comp);
	}
	pieces_free(&pc);
	free(c.desc);
	free(c.real);
}
