/* problem.c - problem kinds, construction and ordering. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/graph.h"
#include "migtree/problem.h"

static const char *const kind_names[PROBLEM_KIND_COUNT] = {
	[PROBLEM_MISSING_DOWN_REVISION] = "missing_down_revision",
	[PROBLEM_MISSING_DEPENDENCY] = "missing_dependency",
	[PROBLEM_DUPLICATE_REVISION] = "duplicate_revision",
	[PROBLEM_CYCLE] = "cycle",
	[PROBLEM_SELF_REFERENCE] = "self_reference",
	[PROBLEM_UNPARSABLE_FILE] = "unparsable_file",
	[PROBLEM_INVALID_REVISION_ID] = "invalid_revision_id",
	[PROBLEM_BRANCH_LABEL_CONFLICT] = "branch_label_conflict",
	[PROBLEM_MULTIPLE_HEADS] = "multiple_heads",
	[PROBLEM_MULTIPLE_BASES] = "multiple_bases",
	[PROBLEM_DISCONNECTED_COMPONENT] = "disconnected_component",
	[PROBLEM_DOCSTRING_MISMATCH] = "docstring_mismatch",
	[PROBLEM_PATTERN_MISSING] = "pattern_missing",
	[PROBLEM_UNKNOWN_VALUE] = "unknown_value",
	[PROBLEM_PARENT_CHANGED] = "parent_changed",
	[PROBLEM_PUBLISHED_EDIT] = "published_edit",
	[PROBLEM_UNKNOWN_STAMP] = "unknown_stamp",
};

/* Errors: Alembic cannot load the history. Warnings: it loads, but look. */
static const enum severity kind_severity[PROBLEM_KIND_COUNT] = {
	[PROBLEM_MISSING_DOWN_REVISION] = SEVERITY_ERROR,
	[PROBLEM_MISSING_DEPENDENCY] = SEVERITY_ERROR,
	[PROBLEM_DUPLICATE_REVISION] = SEVERITY_ERROR,
	[PROBLEM_CYCLE] = SEVERITY_ERROR,
	[PROBLEM_SELF_REFERENCE] = SEVERITY_ERROR,
	[PROBLEM_UNPARSABLE_FILE] = SEVERITY_ERROR,
	[PROBLEM_INVALID_REVISION_ID] = SEVERITY_ERROR,
	[PROBLEM_BRANCH_LABEL_CONFLICT] = SEVERITY_ERROR,
	[PROBLEM_MULTIPLE_HEADS] = SEVERITY_WARNING,
	[PROBLEM_MULTIPLE_BASES] = SEVERITY_WARNING,
	[PROBLEM_DISCONNECTED_COMPONENT] = SEVERITY_WARNING,
	[PROBLEM_DOCSTRING_MISMATCH] = SEVERITY_WARNING,
	[PROBLEM_PATTERN_MISSING] = SEVERITY_WARNING,
	[PROBLEM_UNKNOWN_VALUE] = SEVERITY_WARNING,
	[PROBLEM_PARENT_CHANGED] = SEVERITY_WARNING, /* review: a parent re-parented underneath */
	[PROBLEM_PUBLISHED_EDIT] = SEVERITY_ERROR,   /* review: published history rewritten */
	[PROBLEM_UNKNOWN_STAMP] = SEVERITY_ERROR,    /* Alembic: "Can't locate revision" */
};

const char *problem_kind_name(enum problem_kind kind)
{
	return kind_names[kind];
}

enum severity problem_severity(enum problem_kind kind)
{
	return kind_severity[kind];
}

struct problem *problem_add(struct problem_list *pl, enum problem_kind kind, const char *revision,
			    const char *ref, const char *path, int line, size_t order,
			    const char *fmt, ...)
{
	struct problem *p;
	va_list ap;
	char buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	GROW(pl->v, pl->cap, pl->n + 1);
	p = &pl->v[pl->n++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->revision = revision ? xstrdup(revision) : NULL;
	p->ref = ref ? xstrdup(ref) : NULL;
	p->path = path ? xstrdup(path) : NULL;
	p->line = line;
	p->order = order;
	p->seq = pl->n - 1;
	p->message = xstrdup(buf);
	return p;
}

struct fix *problem_add_fix(struct problem *p, enum fix_kind kind, const char *target, const char *reason)
{
	struct fix *f;

	GROW(p->fixv, p->cap_fixv, p->n_fixv + 1);
	f = &p->fixv[p->n_fixv++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->target = target ? xstrdup(target) : NULL;
	f->reason = reason ? xstrdup(reason) : NULL;
	return f;
}

void problem_copy_fixes(struct problem *dst, const struct problem *src)
{
	GROW(dst->fixv, dst->cap_fixv, dst->n_fixv + src->n_fixv);
	for (size_t k = 0; k < src->n_fixv; k++)
		fix_copy(&dst->fixv[dst->n_fixv++], &src->fixv[k]);
}

void problem_drop_fix(struct problem *p, size_t i)
{
	fix_free(&p->fixv[i]);
	memmove(&p->fixv[i], &p->fixv[i + 1], (p->n_fixv - i - 1) * sizeof(*p->fixv));
	p->n_fixv--;
}

static int cmp_problem(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	int sx = problem_severity(x->kind), sy = problem_severity(y->kind);

	if (sx != sy)
		return sx - sy;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->line != y->line)
		return x->line - y->line;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void problem_list_sort(struct problem_list *pl)
{
	sort_array(pl->v, pl->n, sizeof(*pl->v), cmp_problem);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void problem_list_copy(struct problem_list *dst, const struct problem_list *src)
{
	memset(dst, 0, sizeof(*dst));
	GROW(dst->v, dst->cap, src->n ? src->n : 1);
	for (size_t i = 0; i < src->n; i++) {
		const struct problem *a = &src->v[i];
		struct problem *b = &dst->v[i];

		*b = *a;
		b->revision = dup_or_null(a->revision);
		b->ref = dup_or_null(a->ref);
		b->path = dup_or_null(a->path);
		b->message = dup_or_null(a->message);
		memset(&b->candidates, 0, sizeof(b->candidates));
		sl_copy(&b->candidates, &a->candidates);
		b->fixv = NULL;
		b->n_fixv = b->cap_fixv = 0;
		problem_copy_fixes(b, a);
	}
	dst->n = src->n;
}

void problem_list_free(struct problem_list *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		struct problem *p = &pl->v[i];

		free(p->revision);
		free(p->ref);
		free(p->path);
		free(p->message);
		sl_free(&p->candidates);
		for (size_t k = 0; k < p->n_fixv; k++)
			fix_free(&p->fixv[k]);
		free(p->fixv);
	}
	free(pl->v);
	memset(pl, 0, sizeof(*pl));
}

size_t problem_count(const struct problem_list *pl, enum severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < pl->n; i++)
		n += problem_severity(pl->v[i].kind) == sev;
	return n;
}

size_t problem_count_kind(const struct problem_list *pl, enum problem_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < pl->n; i++)
		n += pl->v[i].kind == kind;
	return n;
}

/* ---- by node ------------------------------------------------------------------ */

/* The nodes problem P is about: its revision (when a file defines it) and the
 * missing revision it names (a phantom). NO_NODE for none. */
static void nodes_of(const struct graph *g, const struct problem *p, uint32_t *a, uint32_t *b)
{
	uint32_t r = p->revision ? graph_find(g, p->revision) : NO_NODE;
	uint32_t m = p->ref ? graph_find(g, p->ref) : NO_NODE;

	*a = r != NO_NODE && !g->nodes[r].phantom ? r : NO_NODE;
	*b = m != NO_NODE && g->nodes[m].phantom ? m : NO_NODE;
}

size_t problems_of(const struct graph *g, uint32_t v, size_t **out)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t i = 0; i < g->problems.n; i++) {
		uint32_t a, b;

		nodes_of(g, &g->problems.v[i], &a, &b);
		if (a != v && b != v)
			continue;
		GROW(*out, cap, n + 1);
		(*out)[n++] = i;
	}
	return n;
}

void problem_index_build(struct problem_index *ix, const struct graph *g)
{
	size_t *fill;

	ix->n_nodes = g->n;
	ix->start = xcalloc((size_t)g->n + 2, sizeof(size_t));
	/* count per node (shifted by one), prefix sums, then place: two walks */
	for (size_t i = 0; i < g->problems.n; i++) {
		uint32_t a, b;

		nodes_of(g, &g->problems.v[i], &a, &b);
		if (a != NO_NODE)
			ix->start[a + 1]++;
		if (b != NO_NODE && b != a)
			ix->start[b + 1]++;
	}
	for (uint32_t v = 0; v < g->n; v++)
		ix->start[v + 1] += ix->start[v];
	ix->items = xmalloc((ix->start[g->n] ? ix->start[g->n] : 1) * sizeof(size_t));
	fill = xmalloc(((size_t)g->n + 1) * sizeof(size_t));
	memcpy(fill, ix->start, ((size_t)g->n + 1) * sizeof(size_t));
	for (size_t i = 0; i < g->problems.n; i++) {
		uint32_t a, b;

		nodes_of(g, &g->problems.v[i], &a, &b);
		if (a != NO_NODE)
			ix->items[fill[a]++] = i;
		if (b != NO_NODE && b != a)
			ix->items[fill[b]++] = i;
	}
	free(fill);
}

const size_t *problem_index_of(const struct problem_index *ix, uint32_t v, size_t *n)
{
	if (v >= ix->n_nodes) {
		*n = 0;
		return NULL;
	}
	*n = ix->start[v + 1] - ix->start[v];
	return ix->items + ix->start[v];
}

void problem_index_free(struct problem_index *ix)
{
	free(ix->start);
	free(ix->items);
	memset(ix, 0, sizeof(*ix));
}
