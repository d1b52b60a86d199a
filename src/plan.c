/* plan.c - one repair plan for the whole history (see plan.h for the order and
 * why). The planner decides a step, applies it in the session at once (so the
 * next decision sees the history it made), and at the end fuses the steps into
 * one, keeps its diff and undoes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/plan.h"
#include "migtree/published.h"

static const char *const phase_names[] = { "connect", "placeholder", "merge" };

const char *plan_phase_name(enum plan_phase phase)
{
	return phase_names[phase];
}

/* A placeholder, or a file restored from git, step 1 chose: made in step 2
 * (when its id is still named). */
struct wanted_stub {
	struct fix fix;
	char *why;
};

struct planner {
	struct edit_session *s;
	struct plan *pl;
	struct strlist settled;   /* revisions a step gave a parent: one step each */
	struct wanted_stub *stubs;
	size_t n_stubs, cap_stubs;
	/* loose pieces no fix connects, each a revision of it then its phrase:
	 * left apart unless a placeholder joins them (said after step 2) */
	struct strlist apart;
};

static void add_step(struct plan *pl, enum plan_phase phase, const struct fix *f, char *why)
{
	struct plan_step *st;

	GROW(pl->v, pl->cap, pl->n + 1);
	st = &pl->v[pl->n++];
	st->phase = phase;
	fix_copy(&st->fix, f);
	st->why = why;
}

static const struct graph *graph_of(const struct planner *pn)
{
	return &pn->s->p->graph;
}

/* Is V a missing revision some revision still names as its parent? */
static bool still_missing(const struct graph *g, uint32_t v)
{
	return v != NO_NODE && g->nodes[v].phantom && g->nodes[v].children.n;
}

/* The revisions F gives a parent: its target, or for a placeholder the
 * revisions naming the missing one. */
static void settled_by(const struct graph *g, const struct fix *f, struct strlist *out)
{
	uint32_t v = f->target ? graph_find(g, f->target) : NO_NODE;

	if (f->kind != FIX_STUB && f->kind != FIX_RESTORE) {
		if (f->target)
			sl_push(out, f->target);
		return;
	}
	for (uint32_t k = 0; still_missing(g, v) && k < g->nodes[v].children.n; k++)
		sl_push(out, g->nodes[g->nodes[v].children.v[k]].id);
}

static bool any_settled(const struct planner *pn, const struct strlist *revs)
{
	for (size_t i = 0; i < revs->n; i++)
		if (sl_contains(&pn->settled, revs->v[i]))
			return true;
	return false;
}

static bool reparents_published(const struct edit_session *s, const struct fix *f)
{
	uint32_t v = f->target ? graph_find(&s->p->graph, f->target) : NO_NODE;

	return s->published && fix_reparents(f) && v != NO_NODE && !s->p->graph.nodes[v].phantom &&
	       published_has(s->published, s->p->graph.nodes[v].file);
}

/* What the problem is, as the start of a step's sentence. */
static char *problem_phrase(const struct problem *pr)
{
	if (pr->kind == PROBLEM_MISSING_DOWN_REVISION)
		return xasprintf("%s names the missing %s as its parent", pr->revision, pr->ref);
	return xstrdup(pr->message);
}

/* What the fix does, as the end of a step's sentence. */
static char *fix_phrase(const struct fix *f)
{
	const char *parent = f->parents.n ? f->parents.v[f->parents.n - 1] : "";
	const char *why = f->reason ? f->reason : "suggested";

	if (f->kind == FIX_STUB && !f->parents.n) /* a stub whose parent is still to choose */
		return xasprintf("a placeholder for %s (%s)", f->target, why);
	if (f->kind == FIX_STUB)
		return xasprintf("a placeholder for %s on %s (%s)", f->target, parent, why);
	if (f->kind == FIX_RESTORE)
		return xasprintf("%s restored (%s)", f->target, why);
	if (f->kind == FIX_ADD_PARENT)
		return xasprintf("add the parent %s (%s)", parent, why);
	return xasprintf("onto %s (%s)", parent, why);
}

static char *step_why(const char *problem, const struct fix *f)
{
	char *what = fix_phrase(f), *why = xasprintf("%s: %s", problem, what);

	free(what);
	return why;
}

/* A placeholder whose parent is still to choose is no step: step 2 says what
 * to run for it (once, not also the edit's refusal, which speaks of a key). */
static bool connecting(const struct fix *f)
{
	return f->kind == FIX_SET_DOWN || f->kind == FIX_ADD_PARENT || (f->kind == FIX_STUB && f->parents.n) ||
	       f->kind == FIX_RESTORE;
}

static void want_stub(struct planner *pn, const struct fix *f, char *why)
{
	for (size_t i = 0; i < pn->n_stubs; i++)
		if (!strcmp(pn->stubs[i].fix.target, f->target)) { /* one placeholder per id */
			free(why);
			return;
		}
	GROW(pn->stubs, pn->cap_stubs, pn->n_stubs + 1);
	fix_copy(&pn->stubs[pn->n_stubs].fix, f);
	pn->stubs[pn->n_stubs++].why = why;
}

/* Try F for the problem PHRASE names: true when it is a step now (or a
 * placeholder wanted for step 2); else *REFUSED says why not. */
static bool try_connect(struct planner *pn, const struct fix *f, const char *phrase, char **refused)
{
	struct mt_error err = { 0 };

	if (reparents_published(pn->s, f)) {
		free(*refused);
		*refused = xasprintf("%s is published: it keeps its parents", f->target);
		return false;
	}
	if (f->kind == FIX_STUB || f->kind == FIX_RESTORE) { /* made in step 2 */
		want_stub(pn, f, step_why(phrase, f));
		return true;
	}
	if (fix_apply(pn->s, f, &err)) {
		char *cmd = fix_command(f);

		free(*refused);
		*refused = xasprintf("%s: %s", cmd, err.message);
		free(cmd);
		return false;
	}
	add_step(pn->pl, PLAN_CONNECT, f, step_why(phrase, f));
	return true;
}

/* Step 1 for one problem: its first fix that connects (the next ones when
 * the history refuses it), once per revision: a problem whose revision a step
 * before already settled is answered. */
static void connect(struct planner *pn, const struct problem *pr)
{
	struct strlist revs = { 0 };
	char *phrase = problem_phrase(pr), *refused = NULL;
	bool tried = false, done = false;

	for (size_t k = 0; k < pr->n_fixv && !done; k++) {
		const struct fix *f = &pr->fixv[k];

		if (!connecting(f))
			continue;
		sl_free(&revs);
		settled_by(graph_of(pn), f, &revs);
		if (!revs.n || any_settled(pn, &revs)) {
			done = !tried; /* answered; a later candidate is only skipped */
			continue;
		}
		tried = true;
		if ((done = try_connect(pn, f, phrase, &refused)))
			for (size_t i = 0; i < revs.n; i++)
				sl_push(&pn->settled, revs.v[i]);
	}
	if (!done && refused)
		sl_push_owned(&pn->pl->left, xasprintf("%s: no step (%s)", phrase, refused));
	else if (!done && !tried && pr->kind == PROBLEM_DISCONNECTED_COMPONENT) {
		sl_push(&pn->apart, pr->revision);
		sl_push(&pn->apart, phrase);
	}
	free(refused);
	free(phrase);
	sl_free(&revs);
}

/* The parent a placeholder for the missing revision of PR takes: the one its
 * fixes name first (a placeholder's parent, else a ranked candidate). */
static const char *placeholder_parent(const struct problem *pr)
{
	for (size_t k = 0; k < pr->n_fixv; k++) {
		const struct fix *f = &pr->fixv[k];

		if ((f->kind == FIX_STUB || (f->kind == FIX_SET_DOWN && f->rank)) && f->parents.n)
			return f->parents.v[0];
	}
	return NULL;
}

static void make_stub(struct planner *pn, const struct fix *f, const char *why)
{
	struct mt_error err = { 0 };

	if (!still_missing(graph_of(pn), graph_find(graph_of(pn), f->target)))
		return; /* step 1 gave its revisions other parents */
	if (fix_apply(pn->s, f, &err))
		sl_push_owned(&pn->pl->left, xasprintf("%s: no placeholder (%s)", why, err.message));
	else
		add_step(pn->pl, PLAN_PLACEHOLDER, f, xstrdup(why));
}

/* Step 2: the placeholders step 1 chose, then one for each id still named and
 * defined nowhere, on the parent its problem suggests. */
static void placeholders(struct planner *pn)
{
	struct problem_list now;

	for (size_t i = 0; i < pn->n_stubs; i++)
		make_stub(pn, &pn->stubs[i].fix, pn->stubs[i].why);
	edit_suggest(pn->s, NULL);
	problem_list_copy(&now, &graph_of(pn)->problems);
	for (size_t i = 0; i < now.n; i++) {
		const struct problem *pr = &now.v[i];
		const char *parent = placeholder_parent(pr);
		struct fix f = { FIX_STUB, NULL, { 0 }, NULL, 0 };
		char *phrase, *why;

		if (pr->kind != PROBLEM_MISSING_DOWN_REVISION ||
		    !still_missing(graph_of(pn), graph_find(graph_of(pn), pr->ref)))
			continue;
		phrase = problem_phrase(pr);
		if (!parent) {
			sl_push_owned(&pn->pl->left, xasprintf("%s: no placeholder, nothing suggests its parent "
							       "(migtree stub %s --down PARENT)", phrase, pr->ref));
			free(phrase);
			continue;
		}
		f.target = xstrdup(pr->ref);
		f.reason = xstrdup("defined nowhere");
		sl_push(&f.parents, parent);
		why = step_why(phrase, &f);
		make_stub(pn, &f, why);
		free(why);
		free(phrase);
		fix_free(&f);
	}
	problem_list_free(&now);
}

/* The heads of one branch (check's multiple_heads: PRIMARY, the head they are
 * reported beside, first) that are in PIECE. */
static void heads_in(const struct graph *g, const struct problem_list *pl, const char *primary, uint32_t piece,
		     struct strlist *out)
{
	uint32_t v = graph_find(g, primary);

	if (v != NO_NODE && g->component[v] == piece)
		sl_push(out, primary);
	for (size_t i = 0; i < pl->n; i++) {
		const struct problem *pr = &pl->v[i];

		if (pr->kind != PROBLEM_MULTIPLE_HEADS || strcmp(pr->ref, primary) || sl_contains(out, pr->revision))
			continue;
		v = graph_find(g, pr->revision);
		if (v != NO_NODE && g->component[v] == piece)
			sl_push(out, pr->revision);
	}
}

static void merge_heads(struct planner *pn, const struct strlist *heads)
{
	struct fix f = { FIX_MERGE, NULL, { 0 }, NULL, 0 };
	struct mt_error err = { 0 };
	char *list = sl_join(heads, ", "), *why;

	sl_copy(&f.parents, heads);
	f.reason = xstrdup("merge them");
	why = xasprintf("%zu heads on one branch in the piece of %s (%s): merge them", (size_t)heads->n, heads->v[0], list);
	if (fix_apply(pn->s, &f, &err))
		sl_push_owned(&pn->pl->left, xasprintf("%s: no merge (%s)", why, err.message));
	else
		add_step(pn->pl, PLAN_MERGE, &f, xstrdup(why));
	free(why);
	free(list);
	fix_free(&f);
}

/* Step 3: per branch with several heads, one merge per piece holding two of
 * them or more; heads alone in their piece stay (step 1 said why). The groups
 * are all found first, on the pieces as they are: a merge made renumbers the
 * pieces (their numbers follow the load order, which follows the new file's
 * random name), and a piece met again under a new number was merged twice. */
static void merges(struct planner *pn)
{
	const struct graph *g = graph_of(pn);
	struct problem_list now;
	struct strlist done = { 0 }, *groups = NULL;
	size_t n_groups = 0, cap = 0;

	problem_list_copy(&now, &g->problems);
	for (size_t i = 0; i < now.n; i++) {
		const struct problem *pr = &now.v[i];
		struct u32vec pieces = { 0 };

		if (pr->kind != PROBLEM_MULTIPLE_HEADS || sl_contains(&done, pr->ref))
			continue;
		sl_push(&done, pr->ref);
		for (size_t k = i; k < now.n; k++) { /* each piece once, in the order met */
			const struct problem *q = &now.v[k];
			uint32_t v = q->kind == PROBLEM_MULTIPLE_HEADS && !strcmp(q->ref, pr->ref)
					     ? graph_find(g, q->revision) : NO_NODE;

			if (v == NO_NODE || u32_contains(&pieces, g->component[v]))
				continue;
			u32_push(&pieces, g->component[v]);
			GROW(groups, cap, n_groups + 1);
			groups[n_groups] = (struct strlist){ 0 };
			heads_in(g, &now, pr->ref, g->component[v], &groups[n_groups]);
			if (groups[n_groups].n >= 2)
				n_groups++;
			else
				sl_free(&groups[n_groups]);
		}
		free(pieces.v);
	}
	for (size_t i = 0; i < n_groups; i++) {
		merge_heads(pn, &groups[i]);
		sl_free(&groups[i]);
	}
	free(groups);
	sl_free(&done);
	problem_list_free(&now);
}

/* The loose pieces step 1 found nothing for and no placeholder joined to the
 * main one: once each, as the pieces are after step 2. */
static void say_apart(struct planner *pn)
{
	const struct graph *g = graph_of(pn);
	uint32_t main = g->n_components ? graph_main_component(g) : NO_NODE;
	struct u32vec said = { 0 };

	for (size_t i = 0; i + 1 < pn->apart.n; i += 2) {
		uint32_t v = graph_find(g, pn->apart.v[i]), c = v != NO_NODE ? g->component[v] : main;

		if (c == main || u32_contains(&said, c))
			continue;
		u32_push(&said, c);
			sl_push_owned(&pn->pl->left, xasprintf("%s: left apart (no parent to give it: its root is "
							       "published, or nothing is older; a merge would join "
							       "pieces that share no ancestor)", pn->apart.v[i + 1]));
	}
	free(said.v);
}

static bool connects(enum problem_kind kind)
{
	return kind == PROBLEM_MISSING_DOWN_REVISION || kind == PROBLEM_DISCONNECTED_COMPONENT ||
	       kind == PROBLEM_MULTIPLE_BASES;
}

/* A plan's steps are edits, and an edit analyses the history again, repair
 * suggestions included (every broken link's, made afresh): made after each
 * step, a history with 900 broken links made them 900 times (17 s at 10,000
 * revisions). While the steps run they are left pending, as the explorer
 * leaves them, and made where the planner reads them (edit_suggest). Returns
 * what the project had, for steps_end. */
static bool steps_begin(struct edit_session *s)
{
	bool deferred = s->p->defer_suggestions;

	s->p->defer_suggestions = true;
	return deferred;
}

/* The project as it was: with DEFERRED false, its problems' suggestions and
 * messages made, as a caller that never defers them reads them. */
static void steps_end(struct edit_session *s, bool deferred)
{
	s->p->defer_suggestions = deferred;
	if (!deferred) {
		edit_suggest(s, NULL);
		edit_finish_messages(s, NULL);
	}
}

void plan_make(struct edit_session *s, struct plan *pl)
{
	struct planner pn = { s, pl, { 0 }, NULL, 0, 0, { 0 } };
	struct problem_list before;
	size_t mark = edit_mark(s);
	bool deferred = steps_begin(s);

	memset(pl, 0, sizeof(*pl));
	edit_suggest(s, NULL); /* the explorer leaves them for later */
	problem_list_copy(&before, &s->p->graph.problems); /* each step rebuilds the list */
	for (size_t i = 0; i < before.n; i++)
		if (connects(before.v[i].kind))
			connect(&pn, &before.v[i]);
	problem_list_free(&before);
	placeholders(&pn);
	say_apart(&pn);
	merges(&pn);
	edit_fuse(s, mark);
	pl->diff = s->n_undo > mark ? edit_last_step_diff(s) : xstrdup("");
	while (s->n_undo > mark)
		edit_undo(s);
	edit_clear_redo(s);
	steps_end(s, deferred);
	for (size_t i = 0; i < pn.n_stubs; i++) {
		fix_free(&pn.stubs[i].fix);
		free(pn.stubs[i].why);
	}
	free(pn.stubs);
	sl_free(&pn.settled);
	sl_free(&pn.apart);
}

int plan_apply(struct edit_session *s, const struct plan *pl, struct mt_error *err)
{
	size_t mark = edit_mark(s);
	bool deferred = steps_begin(s);

	for (size_t i = 0; i < pl->n; i++)
		if (fix_apply(s, &pl->v[i].fix, err)) {
			char *cmd = fix_command(&pl->v[i].fix), *why = xstrdup(err->message);

			mt_fail(err, NULL, 0, "step %zu (%s): %s", i + 1, cmd, why);
			free(cmd);
			free(why);
			while (s->n_undo > mark)
				edit_undo(s);
			edit_clear_redo(s);
			steps_end(s, deferred);
			return -1;
		}
	edit_fuse(s, mark);
	steps_end(s, deferred);
	return 0;
}

void plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		fix_free(&pl->v[i].fix);
		free(pl->v[i].why);
	}
	free(pl->v);
	sl_free(&pl->left);
	free(pl->diff);
	memset(pl, 0, sizeof(*pl));
}
