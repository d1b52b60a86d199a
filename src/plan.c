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
	bool none; /* no placeholder: WHY is what the plan says of it, if still missing */
};

struct planner {
	struct edit_session *s;
	struct plan *pl;
	struct strlist settled;   /* revisions a step gave a parent: one step each */
	struct strmap settled_ids; /* the same, to look up */
	struct wanted_stub *stubs;
	size_t n_stubs, cap_stubs;
	struct strmap stub_ids; /* the ids of STUBS: one placeholder per id */
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

/* Is V a missing revision some revision still names as its parent? Step 1's
 * re-parents are a batch (edit_batch_begin): the graph is the one from before
 * them, and what a child names is asked of the session. */
static bool still_missing(const struct edit_session *s, uint32_t v)
{
	const struct graph *g = &s->p->graph;

	if (v == NO_NODE || !g->nodes[v].phantom)
		return false;
	for (uint32_t k = 0; k < g->nodes[v].children.n; k++)
		if (edit_names(s, g->nodes[v].children.v[k], v))
			return true;
	return false;
}

/* The revisions F gives a parent: its target, or for a placeholder the
 * revisions naming the missing one. */
static void settled_by(const struct edit_session *s, const struct fix *f, struct strlist *out)
{
	const struct graph *g = &s->p->graph;
	uint32_t v = f->target ? graph_find(g, f->target) : NO_NODE;

	if (f->kind != FIX_STUB && f->kind != FIX_RESTORE) {
		if (f->target)
			sl_push(out, f->target);
		return;
	}
	for (uint32_t k = 0; v != NO_NODE && g->nodes[v].phantom && k < g->nodes[v].children.n; k++)
		if (edit_names(s, g->nodes[v].children.v[k], v))
			sl_push(out, g->nodes[g->nodes[v].children.v[k]].id);
}

static void settle(struct planner *pn, const char *rev)
{
	sl_push(&pn->settled, rev);
	strmap_put(&pn->settled_ids, pn->settled.v[pn->settled.n - 1], 0);
}

static bool any_settled(const struct planner *pn, const struct strlist *revs)
{
	for (size_t i = 0; i < revs->n; i++)
		if (strmap_get(&pn->settled_ids, revs->v[i], NULL))
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
	struct wanted_stub *w;

	if (strmap_get(&pn->stub_ids, f->target, NULL)) {
		free(why);
		return;
	}
	GROW(pn->stubs, pn->cap_stubs, pn->n_stubs + 1);
	w = &pn->stubs[pn->n_stubs];
	fix_copy(&w->fix, f);
	w->why = why;
	w->none = false;
	strmap_put(&pn->stub_ids, w->fix.target, (uint32_t)pn->n_stubs++);
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
		settled_by(pn->s, f, &revs);
		if (!revs.n || any_settled(pn, &revs)) {
			done = !tried; /* answered; a later candidate is only skipped */
			continue;
		}
		tried = true;
		if ((done = try_connect(pn, f, phrase, &refused)))
			for (size_t i = 0; i < revs.n; i++)
				settle(pn, revs.v[i]);
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

	if (!still_missing(pn->s, graph_find(graph_of(pn), f->target)))
		return; /* step 1 gave its revisions other parents */
	if (fix_apply(pn->s, f, &err))
		sl_push_owned(&pn->pl->left, xasprintf("%s: no placeholder (%s)", why, err.message));
	else
		add_step(pn->pl, PLAN_PLACEHOLDER, f, xstrdup(why));
}

/* A placeholder that edit_create_stubs can make with others (or one that
 * only says why there is none). */
static bool batched(const struct wanted_stub *w)
{
	return w->none || (w->fix.kind == FIX_STUB && w->fix.parents.n);
}

/* make_stub for each of V[0..N) (placeholders with a parent, or none), as
 * one step: a step per placeholder analysed the history again each time.
 * What the plan says of each comes in V's order, as one at a time would. */
static void make_stub_run(struct planner *pn, const struct wanted_stub *v, size_t n)
{
	struct edit_stub *stubs = xcalloc(n, sizeof(*stubs));
	bool *missing = xmalloc(n * sizeof(*missing));
	struct strmap made;
	size_t m = 0;

	for (size_t k = 0; k < n; k++) {
		missing[k] = still_missing(pn->s, graph_find(graph_of(pn), v[k].fix.target));
		if (missing[k] && !v[k].none)
			stubs[m++] = (struct edit_stub){ v[k].fix.target, v[k].fix.parents.v[0], false, NULL };
	}
	edit_create_stubs(pn->s, stubs, m);
	strmap_init(&made);
	for (size_t k = 0, j = 0; k < n; k++) {
		const struct wanted_stub *w = &v[k];
		struct edit_stub *st = missing[k] && !w->none ? &stubs[j++] : NULL;

		if (!missing[k] || strmap_get(&made, w->fix.target, NULL))
			; /* a placeholder before it made its id */
		else if (!st)
			sl_push(&pn->pl->left, w->why);
		else if (st->refused)
			sl_push_owned(&pn->pl->left, xasprintf("%s: no placeholder (%s)", w->why, st->refused));
		else if (st->made) {
			strmap_put(&made, w->fix.target, (uint32_t)k);
			add_step(pn->pl, PLAN_PLACEHOLDER, &w->fix, xstrdup(w->why));
		}
		if (st)
			free(st->refused);
	}
	strmap_free(&made);
	free(stubs);
	free(missing);
}

/* make_stub for each of V[0..N), in order; the runs of them edit_create_stubs
 * can make, made together. */
static void make_stubs(struct planner *pn, const struct wanted_stub *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && batched(&v[j]))
			j++;
		if (j > i) {
			make_stub_run(pn, v + i, j - i);
			i = j;
		} else {
			make_stub(pn, &v[i].fix, v[i].why);
			i++;
		}
	}
}

/* The placeholder for the missing revision of PR, on the parent its problem
 * suggests (or, with none, what the plan says), into WANT. */
static void want_placeholder(const struct problem *pr, struct wanted_stub **want, size_t *n, size_t *cap)
{
	const char *parent = placeholder_parent(pr);
	char *phrase = problem_phrase(pr);
	struct wanted_stub *w;

	GROW(*want, *cap, *n + 1);
	w = &(*want)[(*n)++];
	w->fix = (struct fix){ FIX_STUB, xstrdup(pr->ref), { 0 }, xstrdup("defined nowhere"), 0 };
	w->none = !parent;
	if (parent) {
		sl_push(&w->fix.parents, parent);
		w->why = step_why(phrase, &w->fix);
	} else {
		w->why = xasprintf("%s: no placeholder, nothing suggests its parent (migtree stub %s --down PARENT)",
				   phrase, pr->ref);
	}
	free(phrase);
}

/* Step 2: the placeholders step 1 chose, then one for each id still named and
 * defined nowhere, on the parent its problem suggests. */
static void placeholders(struct planner *pn)
{
	struct problem_list now;
	struct wanted_stub *want = NULL;
	size_t n = 0, cap = 0;

	make_stubs(pn, pn->stubs, pn->n_stubs);
	edit_suggest(pn->s, NULL);
	problem_list_copy(&now, &graph_of(pn)->problems);
	for (size_t i = 0; i < now.n; i++)
		if (now.v[i].kind == PROBLEM_MISSING_DOWN_REVISION &&
		    still_missing(pn->s, graph_find(graph_of(pn), now.v[i].ref)))
			want_placeholder(&now.v[i], &want, &n, &cap);
	make_stubs(pn, want, n);
	for (size_t i = 0; i < n; i++) {
		fix_free(&want[i].fix);
		free(want[i].why);
	}
	free(want);
	problem_list_free(&now);
}

/* What the plan says of a merge of HEADS. */
static char *merge_why(const struct strlist *heads)
{
	char *list = sl_join(heads, ", "), *why;

	why = xasprintf("%zu heads on one branch in the piece of %s (%s): merge them", (size_t)heads->n, heads->v[0], list);
	free(list);
	return why;
}

/* A merge of each of GROUPS[0..N) that holds two heads or more, as one step
 * (edit_create_merges: a merge a step analysed the history again for each),
 * and what the plan says of each, in order. */
static void merge_groups(struct planner *pn, const struct strlist *groups, size_t n)
{
	struct edit_merge *m = xcalloc(n ? n : 1, sizeof(*m));
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (groups[i].n >= 2)
			m[k++] = (struct edit_merge){ &groups[i], NULL, NULL, NULL };
	edit_create_merges(pn->s, m, k);
	for (size_t j = 0; j < k; j++) {
		struct fix f = { FIX_MERGE, NULL, { 0 }, NULL, 0 };
		char *why = merge_why(m[j].heads);

		sl_copy(&f.parents, m[j].heads);
		f.reason = xstrdup("merge them");
		if (m[j].refused)
			sl_push_owned(&pn->pl->left, xasprintf("%s: no merge (%s)", why, m[j].refused));
		else
			add_step(pn->pl, PLAN_MERGE, &f, xstrdup(why));
		free(why);
		free(m[j].refused);
		free(m[j].new_id);
		fix_free(&f);
	}
	free(m);
}

/* The several-heads problems of NOW by branch (the head they are reported
 * beside, their ref), in the order each branch is first met: BRANCH[k] lists
 * the problems of the k-th. */
static size_t heads_by_branch(const struct problem_list *now, struct u32vec **branch)
{
	struct strmap at;
	size_t n = 0, cap = 0;

	*branch = NULL;
	strmap_init(&at);
	for (size_t i = 0; i < now->n; i++) {
		uint32_t k;

		if (now->v[i].kind != PROBLEM_MULTIPLE_HEADS)
			continue;
		if (!strmap_get(&at, now->v[i].ref, &k)) {
			GROW(*branch, cap, n + 1);
			(*branch)[n] = (struct u32vec){ 0 };
			strmap_put(&at, now->v[i].ref, k = (uint32_t)n++);
		}
		u32_push(&(*branch)[k], (uint32_t)i);
	}
	strmap_free(&at);
	return n;
}

/* Grouping the heads of each branch by piece: per piece and per node, the
 * group it went to last (groups of branches before have lower numbers). */
struct grouping {
	uint32_t *piece_group, *node_group;
	struct strlist *v;
	size_t n, cap;
};

/* G's group for node V's REV (made when V's piece has none for this branch:
 * FIRST is the branch's first group), PRIMARY first when in that piece. */
static void group_head(const struct graph *g, struct grouping *gr, uint32_t first, uint32_t v, const char *rev,
		       uint32_t p, const char *primary)
{
	uint32_t c = g->component[v], k = gr->piece_group[c];

	if (k == NO_NODE || k < first) { /* the branch meets this piece first */
		GROW(gr->v, gr->cap, gr->n + 1);
		k = gr->piece_group[c] = (uint32_t)gr->n++;
		gr->v[k] = (struct strlist){ 0 };
		if (p != NO_NODE && g->component[p] == c) {
			sl_push(&gr->v[k], primary);
			gr->node_group[p] = k;
		}
	}
	if (gr->node_group[v] != k) { /* each head once */
		sl_push(&gr->v[k], rev);
		gr->node_group[v] = k;
	}
}

/* The heads of one branch (problems LIST of NOW) by piece, the pieces in the
 * order met: the head they are reported beside first, when in the piece,
 * then the others in the problems' order. */
static void group_heads(const struct graph *g, const struct problem_list *now, const struct u32vec *list,
			struct grouping *gr)
{
	const char *primary = now->v[list->v[0]].ref;
	uint32_t p = graph_find(g, primary), first = (uint32_t)gr->n;

	for (uint32_t k = 0; k < list->n; k++) {
		const char *rev = now->v[list->v[k]].revision;
		uint32_t v = graph_find(g, rev);

		if (v != NO_NODE)
			group_head(g, gr, first, v, rev, p, primary);
	}
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
	struct grouping gr = { NULL, NULL, NULL, 0, 0 };
	struct u32vec *branch;
	size_t n_branches;

	problem_list_copy(&now, &g->problems);
	gr.piece_group = xmalloc((g->n_components ? g->n_components : 1) * sizeof(uint32_t));
	gr.node_group = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	for (uint32_t c = 0; c < g->n_components; c++)
		gr.piece_group[c] = NO_NODE;
	for (uint32_t v = 0; v < g->n; v++)
		gr.node_group[v] = NO_NODE;
	n_branches = heads_by_branch(&now, &branch);
	for (size_t b = 0; b < n_branches; b++) {
		group_heads(g, &now, &branch[b], &gr);
		free(branch[b].v);
	}
	free(branch);
	free(gr.piece_group);
	free(gr.node_group);
	merge_groups(pn, gr.v, gr.n);
	for (size_t i = 0; i < gr.n; i++)
		sl_free(&gr.v[i]);
	free(gr.v);
	problem_list_free(&now);
}

/* The loose pieces step 1 found nothing for and no placeholder joined to the
 * main one: once each, as the pieces are after step 2. */
static void say_apart(struct planner *pn)
{
	const struct graph *g = graph_of(pn);
	uint32_t main = g->n_components ? graph_main_component(g) : NO_NODE;
	/* per piece, not a list of them: 30,000 loose pieces looked each for
	 * the others (the pieces' square, half of plan) */
	bool *said = xcalloc(g->n_components ? g->n_components : 1, sizeof(bool));

	for (size_t i = 0; i + 1 < pn->apart.n; i += 2) {
		uint32_t v = graph_find(g, pn->apart.v[i]), c = v != NO_NODE ? g->component[v] : main;

		if (c == main || said[c])
			continue;
		said[c] = true;
		sl_push_owned(&pn->pl->left, xasprintf("%s: left apart (no parent to give it: its root is "
						       "published, or nothing is older; a merge would join "
						       "pieces that share no ancestor)", pn->apart.v[i + 1]));
	}
	free(said);
}

static bool connects(enum problem_kind kind)
{
	return kind == PROBLEM_MISSING_DOWN_REVISION || kind == PROBLEM_DISCONNECTED_COMPONENT ||
	       kind == PROBLEM_MULTIPLE_BASES;
}

static bool relinks(const struct fix *f)
{
	return f->kind == FIX_SET_DOWN || f->kind == FIX_ADD_PARENT;
}

/* Step 1 for each problem of BEFORE that connects, its re-parents one batch
 * (edit.h): each was an edit, and an edit re-derived the problems, the
 * history order and the pieces, the history's size a step (a line with every
 * other parent missing: 8.8 s at 3,000 revisions). The links the batch keeps
 * its order for: each problem's first re-parent. */
static void connect_all(struct planner *pn, const struct problem_list *before)
{
	struct edit_relink *links = xmalloc((before->n ? before->n : 1) * sizeof(*links));
	size_t n = 0;

	for (size_t i = 0; i < before->n; i++)
		for (size_t k = 0; connects(before->v[i].kind) && k < before->v[i].n_fixv; k++)
			if (relinks(&before->v[i].fixv[k])) {
				links[n++] = (struct edit_relink){ before->v[i].fixv[k].target, &before->v[i].fixv[k].parents };
				break;
			}
	edit_batch_begin(pn->s, links, n);
	free(links);
	for (size_t i = 0; i < before->n; i++)
		if (connects(before->v[i].kind))
			connect(pn, &before->v[i]);
	edit_batch_end(pn->s);
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

/* The session as it was at MARK, with nothing to redo. */
static void undo_to(struct edit_session *s, size_t mark)
{
	while (s->n_undo > mark)
		edit_undo(s);
	edit_clear_redo(s);
}

void plan_make(struct edit_session *s, struct plan *pl)
{
	struct planner pn = { s, pl, { 0 }, { 0 }, NULL, 0, 0, { 0 }, { 0 } };
	struct problem_list before;
	size_t mark = edit_mark(s);
	bool deferred = steps_begin(s);

	strmap_init(&pn.settled_ids);
	strmap_init(&pn.stub_ids);
	memset(pl, 0, sizeof(*pl));
	edit_suggest(s, NULL); /* the explorer leaves them for later */
	problem_list_copy(&before, &s->p->graph.problems); /* each step rebuilds the list */
	connect_all(&pn, &before);
	problem_list_free(&before);
	placeholders(&pn);
	say_apart(&pn);
	merges(&pn);
	edit_fuse(s, mark);
	pl->diff = s->n_undo > mark ? edit_last_step_diff(s) : xstrdup("");
	undo_to(s, mark);
	steps_end(s, deferred);
	for (size_t i = 0; i < pn.n_stubs; i++) {
		fix_free(&pn.stubs[i].fix);
		free(pn.stubs[i].why);
	}
	free(pn.stubs);
	sl_free(&pn.settled);
	sl_free(&pn.apart);
	strmap_free(&pn.settled_ids);
	strmap_free(&pn.stub_ids);
}

/* Steps FROM..TO of PL (placeholders with a parent) made as one step: true
 * when every one was; else nothing is left of them. */
static bool apply_stubs_at_once(struct edit_session *s, const struct plan *pl, size_t from, size_t to)
{
	struct edit_stub *stubs = xcalloc(to - from, sizeof(*stubs));
	size_t mark = edit_mark(s);
	bool all = true;

	for (size_t i = from; i < to; i++)
		stubs[i - from] = (struct edit_stub){ pl->v[i].fix.target, pl->v[i].fix.parents.v[0], false, NULL };
	edit_create_stubs(s, stubs, to - from);
	for (size_t k = 0; k < to - from; k++) {
		all = all && stubs[k].made;
		free(stubs[k].refused);
	}
	free(stubs);
	if (!all)
		undo_to(s, mark);
	return all;
}

/* Steps FROM..TO of PL (merges) made as one step (edit_create_merges): true
 * when every one was; else nothing is left of them. */
static bool apply_merges_at_once(struct edit_session *s, const struct plan *pl, size_t from, size_t to)
{
	struct edit_merge *m = xcalloc(to - from, sizeof(*m));
	size_t mark = edit_mark(s);
	bool all = true;

	for (size_t i = from; i < to; i++)
		m[i - from] = (struct edit_merge){ &pl->v[i].fix.parents, NULL, NULL, NULL };
	edit_create_merges(s, m, to - from);
	for (size_t k = 0; k < to - from; k++) {
		all = all && !m[k].refused;
		free(m[k].refused);
		free(m[k].new_id);
	}
	free(m);
	if (!all)
		undo_to(s, mark);
	return all;
}

/* Steps made at once: placeholders with a parent, merges. */
enum run_kind { RUN_NONE, RUN_STUBS, RUN_MERGES };

static enum run_kind run_kind(const struct plan_step *st)
{
	if (st->fix.kind == FIX_STUB && st->fix.parents.n)
		return RUN_STUBS;
	return st->fix.kind == FIX_MERGE ? RUN_MERGES : RUN_NONE;
}

/* The end of the run of steps made at once that starts at step I (I: none). */
static size_t run_end(const struct plan *pl, size_t i)
{
	enum run_kind kind = run_kind(&pl->v[i]);

	while (kind != RUN_NONE && i < pl->n && run_kind(&pl->v[i]) == kind)
		i++;
	return i;
}

static bool apply_run_at_once(struct edit_session *s, const struct plan *pl, size_t from, size_t to)
{
	return run_kind(&pl->v[from]) == RUN_STUBS ? apply_stubs_at_once(s, pl, from, to)
						   : apply_merges_at_once(s, pl, from, to);
}

/* The re-parents of PL (its first steps) begun as one batch (edit.h), as
 * plan_make made them. */
static void relinks_begin(struct edit_session *s, const struct plan *pl)
{
	struct edit_relink *links = xmalloc((pl->n ? pl->n : 1) * sizeof(*links));
	size_t n = 0;

	for (size_t i = 0; i < pl->n; i++)
		if (relinks(&pl->v[i].fix))
			links[n++] = (struct edit_relink){ pl->v[i].fix.target, &pl->v[i].fix.parents };
	edit_batch_begin(s, links, n);
	free(links);
}

int plan_apply(struct edit_session *s, const struct plan *pl, struct mt_error *err)
{
	size_t mark = edit_mark(s), at_once_to = 0;
	bool deferred = steps_begin(s);

	relinks_begin(s, pl);
	for (size_t i = 0; i < pl->n; i++) {
		size_t end = run_end(pl, i);

		if (!relinks(&pl->v[i].fix))
			edit_batch_end(s); /* the steps after the re-parents read the graph */
		/* a run of placeholders or merges at once; one at a time when one of
		 * them is refused, so that the error names it as one at a time would */
		if (i >= at_once_to && end - i >= 2 && apply_run_at_once(s, pl, i, end)) {
			i = end - 1;
			continue;
		}
		at_once_to = end;
		if (fix_apply(s, &pl->v[i].fix, err)) {
			char *cmd = fix_command(&pl->v[i].fix), *why = xstrdup(err->message);

			mt_fail(err, NULL, 0, "step %zu (%s): %s", i + 1, cmd, why);
			free(cmd);
			free(why);
			edit_batch_end(s);
			undo_to(s, mark);
			steps_end(s, deferred);
			return -1;
		}
	}
	edit_batch_end(s);
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
