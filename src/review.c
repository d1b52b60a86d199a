/* review.c - the history a merge would produce, and what it would break (review.h).
 *
 * Files are matched by their work-tree path, revisions by id: a file renamed on
 * one side is the same revision, and a revision rewritten in place is "changed".
 * The merged history is analysed like any other; its problems are then filtered
 * down to those neither side had alone, keyed by kind and the revisions named (a
 * pair of heads is the same problem whichever of them analyze.c calls primary). */
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/review.h"
#include "migtree/strmap.h"

const char *review_side_name(enum review_side side)
{
	return side == REVIEW_BASE ? "base" : side == REVIEW_HEAD ? "head" : "both";
}

/* A project's readable revisions by id, and every file by path. */
struct index {
	struct strmap by_id, by_path;
	const struct project *p;
};

static void index_build(struct index *ix, const struct project *p)
{
	strmap_init(&ix->by_id);
	strmap_init(&ix->by_path);
	ix->p = p;
	for (size_t i = 0; p && i < p->files.n; i++) {
		const struct revision_file *rf = p->files.v[i];

		if (!rf->error && rf->revision)
			strmap_put(&ix->by_id, rf->revision, (uint32_t)i);
		strmap_put(&ix->by_path, rf->real_path ? rf->real_path : rf->path, (uint32_t)i);
	}
}

static void index_free(struct index *ix)
{
	strmap_free(&ix->by_id);
	strmap_free(&ix->by_path);
}

static const struct revision_file *by_id(const struct index *ix, const char *id)
{
	uint32_t at;

	return ix->p && strmap_get(&ix->by_id, id, &at) ? ix->p->files.v[at] : NULL;
}

static const struct revision_file *by_path(const struct index *ix, const char *path)
{
	uint32_t at;

	return ix->p && strmap_get(&ix->by_path, path, &at) ? ix->p->files.v[at] : NULL;
}

/* What Alembic sees of a revision: its parents, labels and dependencies. */
static bool same_revision(const struct revision_file *a, const struct revision_file *b)
{
	return sl_equal(&a->down.ids, &b->down.ids) && sl_equal(rf_label_ids(a), rf_label_ids(b)) &&
	       sl_equal(rf_dep_ids(a), rf_dep_ids(b));
}

static void push_rf(const struct revision_file ***v, size_t *n, const struct revision_file *rf)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = rf;
}

static void side_changes(const struct index *anc, const struct index *side, struct review_changes *c)
{
	const struct project *p = side->p;

	for (size_t i = 0; i < p->files.n; i++) {
		const struct revision_file *rf = p->files.v[i], *old;

		if (rf->error || !rf->revision)
			continue;
		old = by_id(anc, rf->revision);
		if (!old)
			push_rf(&c->added, &c->n_added, rf);
		else if (!same_revision(old, rf))
			push_rf(&c->changed, &c->n_changed, rf);
	}
	for (size_t i = 0; anc->p && i < anc->p->files.n; i++) {
		const struct revision_file *rf = anc->p->files.v[i];

		if (!rf->error && rf->revision && !by_id(side, rf->revision))
			push_rf(&c->deleted, &c->n_deleted, rf);
	}
}

static bool same_bytes(const struct revision_file *a, const struct revision_file *b)
{
	if (!a || !b)
		return a == b;
	return a->len == b->len && !memcmp(a->text, b->text, a->len);
}

/* git's rule for one path: a side that left it as it was takes the other's. */
static const struct revision_file *merge_path(const struct revision_file *a, const struct revision_file *b,
					      const struct revision_file *h, bool *conflict)
{
	*conflict = false;
	if (same_bytes(b, h) || same_bytes(a, b))
		return h;
	if (same_bytes(a, h))
		return b;
	*conflict = true; /* git stops here; HEAD's bytes stand in for the result */
	return h ? h : b;
}

static const char *real_of(const struct revision_file *rf)
{
	return rf->real_path ? rf->real_path : rf->path;
}

/* Alembic's load order over paths: the version location first (HEAD's list), then
 * in each folder its files before its subfolders, names sorted. */
static int cmp_load(const void *x, const void *y, void *ctx)
{
	const struct strlist *locs = ctx;
	const char *a = real_of(*(struct revision_file *const *)x), *b = real_of(*(struct revision_file *const *)y);
	size_t la = locs->n, lb = locs->n;

	for (size_t i = 0; i < locs->n; i++) {
		size_t n = strlen(locs->v[i]);

		if (la == locs->n && !strncmp(a, locs->v[i], n) && a[n] == '/')
			la = i;
		if (lb == locs->n && !strncmp(b, locs->v[i], n) && b[n] == '/')
			lb = i;
	}
	if (la != lb)
		return la < lb ? -1 : 1;
	{
		const char *start = a;
		size_t k = 0, c = 0;
		bool dir_a, dir_b;

		while (a[k] && a[k] == b[k]) {
			if (a[k] == '/')
				c = k + 1; /* the differing component starts after the last common '/' */
			k++;
		}
		dir_a = strchr(start + c, '/') != NULL;
		dir_b = strchr(b + c, '/') != NULL;
		if (dir_a != dir_b)
			return dir_a ? 1 : -1; /* a folder's files come before its subfolders */
		return strcmp(start + c, b + c);
	}
}

static void add_merged(struct review *r, const struct revision_file *src)
{
	struct revision_file *rf = parse_revision_file(src->path, src->text, src->len);

	rf->real_path = src->real_path ? xstrdup(src->real_path) : NULL;
	GROW(r->merged.files.v, r->merged.files.cap, r->merged.files.n + 1);
	r->merged.files.v[r->merged.files.n++] = rf;
}

static void merge_files(struct review *r, const struct index *ix, const struct project *head)
{
	const struct index *a = &ix[0], *b = &ix[1], *h = &ix[2];
	struct strmap done;

	strmap_init(&done);
	for (int s = 0; s < 3; s++) {
		const struct project *p = ix[s].p;

		for (size_t i = 0; p && i < p->files.n; i++) {
			const char *path = real_of(p->files.v[i]);
			const struct revision_file *pick;
			bool conflict;

			if (!strmap_put(&done, path, 0))
				continue;
			pick = merge_path(by_path(a, path), by_path(b, path), by_path(h, path), &conflict);
			if (conflict)
				sl_push(&r->conflicts, p->files.v[i]->path);
			if (pick)
				add_merged(r, pick);
		}
	}
	strmap_free(&done);
	sort_array_r(r->merged.files.v, r->merged.files.n, sizeof(struct revision_file *), cmp_load,
		     (void *)&head->config.version_locations);
	for (size_t i = 0; i < r->merged.files.n; i++)
		r->merged.files.v[i]->load_index = i;
}

/* ---- problems -------------------------------------------------------------- */

/* A problem's identity across the three histories: its kind and the revisions it
 * names, in either order (the primary head of a pair may differ). */
static char *problem_key(const struct problem *p)
{
	const char *a = p->revision ? p->revision : "", *b = p->ref ? p->ref : "";

	if (p->kind == PROBLEM_MULTIPLE_HEADS && strcmp(a, b) > 0) {
		const char *t = a;

		a = b;
		b = t;
	}
	return xasprintf("%d\n%s\n%s\n%s", (int)p->kind, a, b,
			 p->kind == PROBLEM_UNPARSABLE_FILE && p->path ? p->path : "");
}

static void add_keys(struct strmap *keys, struct strlist *owned, const struct project *p)
{
	for (size_t i = 0; i < p->graph.problems.n; i++) {
		char *k = problem_key(&p->graph.problems.v[i]);

		if (strmap_put(keys, k, 0))
			sl_push_owned(owned, k);
		else
			free(k);
	}
}

static bool added_by(const struct review_changes *c, const char *id)
{
	for (size_t i = 0; id && i < c->n_added; i++)
		if (!strcmp(c->added[i]->revision, id))
			return true;
	for (size_t i = 0; id && i < c->n_changed; i++)
		if (!strcmp(c->changed[i]->revision, id))
			return true;
	return false;
}

static bool deleted_by(const struct review_changes *c, const char *id)
{
	for (size_t i = 0; id && i < c->n_deleted; i++)
		if (!strcmp(c->deleted[i]->revision, id))
			return true;
	return false;
}

/* Which side brought a problem: the side that added what it names. */
static enum review_side side_of(const struct review *r, const struct problem *p)
{
	bool b = added_by(&r->side[REVIEW_BASE], p->revision) || added_by(&r->side[REVIEW_BASE], p->ref);
	bool h = added_by(&r->side[REVIEW_HEAD], p->revision) || added_by(&r->side[REVIEW_HEAD], p->ref);

	if (p->kind == PROBLEM_DUPLICATE_REVISION || (b && h))
		return REVIEW_BOTH;
	return h || !b ? REVIEW_HEAD : REVIEW_BASE;
}

static struct problem *keep_problem(struct review *r, const struct problem *src, enum review_side side)
{
	struct problem *p = problem_add(&r->problems, src->kind, src->revision, src->ref, src->path,
					src->line, src->order, "%s", src->message);

	sl_copy(&p->candidates, &src->candidates);
	if (src->kind != PROBLEM_MULTIPLE_HEADS) /* the review offers its own, for HEAD */
		problem_copy_fixes(p, src);
	p->tag = (int)side;
	return p;
}

/* A missing parent the other side deleted: say so, it is the whole story. */
static void explain_missing(struct review *r, struct problem *p, enum review_side side)
{
	enum review_side other = side == REVIEW_HEAD ? REVIEW_BASE : REVIEW_HEAD;
	char *msg;

	if (p->kind != PROBLEM_MISSING_DOWN_REVISION || side == REVIEW_BOTH ||
	    !deleted_by(&r->side[other], p->ref))
		return;
	msg = xasprintf("%s (%s deleted it; %s builds on it)", p->message,
			other == REVIEW_BASE ? "BASE" : "HEAD", side == REVIEW_BASE ? "BASE" : "HEAD");
	free(p->message);
	p->message = msg;
}

static void new_problems(struct review *r, const struct project *base, const struct project *head)
{
	struct strmap keys;
	struct strlist owned = { 0 };

	strmap_init(&keys);
	add_keys(&keys, &owned, base);
	add_keys(&keys, &owned, head);
	for (size_t i = 0; i < r->merged.graph.problems.n; i++) {
		const struct problem *src = &r->merged.graph.problems.v[i];
		char *k = problem_key(src);

		if (!strmap_get(&keys, k, NULL)) {
			enum review_side side = side_of(r, src);

			explain_missing(r, keep_problem(r, src, side), side);
		}
		free(k);
	}
	strmap_free(&keys);
	sl_free(&owned);
}

/* HEAD rewrote or removed a revision BASE has: databases may have run it. */
static void published_edits(struct review *r, const struct index *base)
{
	const struct review_changes *h = &r->side[REVIEW_HEAD];

	for (size_t i = 0; i < h->n_changed + h->n_deleted; i++) {
		bool deleted = i >= h->n_changed;
		const struct revision_file *rf = deleted ? h->deleted[i - h->n_changed] : h->changed[i];
		struct problem src = { .kind = PROBLEM_PUBLISHED_EDIT };

		if (!by_id(base, rf->revision))
			continue;
		src.revision = rf->revision;
		src.path = rf->path;
		src.line = deleted ? rf->rev.line : rf->down.line ? rf->down.line : rf->rev.line;
		src.message = xasprintf("HEAD %s %s, which BASE already has: databases that ran it would "
					"not follow (write a new revision instead)",
					deleted ? "deletes" : "rewrites", rf->revision);
		keep_problem(r, &src, REVIEW_HEAD);
		free(src.message);
	}
}

static const struct revision_file *changed_by(const struct review_changes *c, const char *id)
{
	for (size_t i = 0; i < c->n_changed; i++)
		if (!strcmp(c->changed[i]->revision, id))
			return c->changed[i];
	return NULL;
}

/* A new revision built on a parent the other side re-parented: its history is no
 * longer the one its author tested. */
static void parents_changed(struct review *r)
{
	for (int s = REVIEW_BASE; s <= REVIEW_HEAD; s++) {
		const struct review_changes *mine = &r->side[s], *other = &r->side[!s];

		for (size_t i = 0; i < mine->n_added; i++) {
			const struct revision_file *rf = mine->added[i];

			for (size_t k = 0; k < rf->down.ids.n; k++) {
				const struct revision_file *moved = changed_by(other, rf->down.ids.v[k]);
				struct problem src = { .kind = PROBLEM_PARENT_CHANGED };
				char *now;

				if (!moved)
					continue;
				now = moved->down.ids.n ? sl_join(&moved->down.ids, ", ") : xstrdup("None");
				src.revision = rf->revision;
				src.ref = moved->revision;
				src.path = rf->path;
				src.line = rf->down.line ? rf->down.line : rf->rev.line;
				src.message = xasprintf("%s builds on %s, which %s re-parented (its down_revision is "
							"now %s)", rf->revision, moved->revision,
							s == REVIEW_BASE ? "HEAD" : "BASE", now);
				keep_problem(r, &src, (enum review_side)s);
				free(src.message);
				free(now);
			}
		}
	}
}

/* ---- fixes ------------------------------------------------------------------ */

static bool on_side(const struct review_changes *c, const char *id)
{
	for (size_t i = 0; i < c->n_added; i++)
		if (!strcmp(c->added[i]->revision, id))
			return true;
	return false;
}

/* HEAD's first new revision on the way down from HEAD's head H: the one whose
 * parent is not new on HEAD. NULL when H is not new on HEAD. */
static const struct revision_file *first_new(const struct review *r, const char *h)
{
	const struct review_changes *c = &r->side[REVIEW_HEAD];
	const struct revision_file *cur = NULL;

	for (size_t guard = 0; on_side(c, h) && guard <= c->n_added; guard++) {
		for (size_t i = 0; i < c->n_added; i++)
			if (!strcmp(c->added[i]->revision, h))
				cur = c->added[i];
		if (cur->down.ids.n != 1 || !on_side(c, cur->down.ids.v[0]))
			return cur;
		h = cur->down.ids.v[0];
	}
	return cur;
}

/* Does HEAD's new line stand on a revision BASE deleted? */
static bool stands_on_deleted(const struct review *r, const struct revision_file *first)
{
	for (size_t k = 0; first && k < first->down.ids.n; k++)
		if (deleted_by(&r->side[REVIEW_BASE], first->down.ids.v[k]))
			return true;
	return false;
}

/* For each pair of new heads within a branch: a merge of them, and, when HEAD's
 * line is new, re-parenting its first revision onto BASE's head. */
static void offer_fixes(struct review *r)
{
	for (size_t i = 0; i < r->problems.n; i++) {
		const struct problem *p = &r->problems.v[i];
		const char *h, *b;
		const struct revision_file *first;

		if (p->kind != PROBLEM_MULTIPLE_HEADS || !p->ref)
			continue;
		h = on_side(&r->side[REVIEW_HEAD], p->revision) ? p->revision : p->ref;
		b = h == p->revision ? p->ref : p->revision;
		r->fixes = xrealloc(r->fixes, (r->n_fixes + 2) * sizeof(*r->fixes));
		memset(&r->fixes[r->n_fixes], 0, 2 * sizeof(*r->fixes));
		first = first_new(r, h);
		if (!stands_on_deleted(r, first)) { /* a merge would keep the missing parent */
			r->fixes[r->n_fixes].kind = REVIEW_FIX_MERGE;
			sl_push(&r->fixes[r->n_fixes].parents, b);
			sl_push(&r->fixes[r->n_fixes].parents, h);
			r->n_fixes++;
		}
		if (first && !on_side(&r->side[REVIEW_BASE], first->revision)) {
			r->fixes[r->n_fixes].kind = REVIEW_FIX_REBASE;
			r->fixes[r->n_fixes].revision = xstrdup(first->revision);
			sl_push(&r->fixes[r->n_fixes].parents, b);
			r->n_fixes++;
		}
	}
}

/* ---- the whole review ------------------------------------------------------- */

int review_run(const struct project *ancestor, const struct project *base, const struct project *head,
	       struct review *r, struct mt_error *err)
{
	struct index ix[3];

	(void)err;
	memset(r, 0, sizeof(*r));
	index_build(&ix[0], ancestor);
	index_build(&ix[1], base);
	index_build(&ix[2], head);
	side_changes(&ix[0], &ix[1], &r->side[REVIEW_BASE]);
	side_changes(&ix[0], &ix[2], &r->side[REVIEW_HEAD]);
	merge_files(r, ix, head);
	project_analyse(&r->merged);
	new_problems(r, base, head);
	published_edits(r, &ix[1]);
	parents_changed(r);
	problem_list_sort(&r->problems);
	offer_fixes(r);
	r->clean = problem_count(&r->problems, SEVERITY_ERROR) == 0 &&
		   problem_count_kind(&r->problems, PROBLEM_MULTIPLE_HEADS) == 0;
	for (int i = 0; i < 3; i++)
		index_free(&ix[i]);
	return 0;
}

void review_free(struct review *r)
{
	for (int s = 0; s < 2; s++) {
		free(r->side[s].added);
		free(r->side[s].changed);
		free(r->side[s].deleted);
	}
	project_free(&r->merged);
	problem_list_free(&r->problems);
	sl_free(&r->conflicts);
	for (size_t i = 0; i < r->n_fixes; i++) {
		free(r->fixes[i].revision);
		sl_free(&r->fixes[i].parents);
	}
	free(r->fixes);
	memset(r, 0, sizeof(*r));
}
