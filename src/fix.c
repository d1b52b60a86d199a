/* fix.c - rendering a fix as a command or a sentence, and applying it through edit.c. */
#include <stdlib.h>
#include <string.h>

#include "migtree/edit.h"
#include "migtree/fix.h"

static const char *const kind_names[FIX_KIND_COUNT] = {
	[FIX_SET_DOWN] = "set_down",
	[FIX_MAKE_BASE] = "make_base",
	[FIX_ADD_PARENT] = "add_parent",
	[FIX_MERGE] = "merge",
	[FIX_STUB] = "stub",
	[FIX_SET_DOCSTRING] = "set_docstring",
	[FIX_FULL_DEPENDENCY] = "full_dependency",
	[FIX_RUN] = "run",
	[FIX_PLAN] = "plan",
	[FIX_RESTORE] = "restore",
};

const char *fix_kind_name(enum fix_kind kind)
{
	return kind_names[kind];
}

static const char *first_parent(const struct fix *f)
{
	return f->parents.n ? f->parents.v[0] : NULL;
}

char *fix_command(const struct fix *f)
{
	char *list = NULL, *s;

	switch (f->kind) {
	case FIX_SET_DOWN:
	case FIX_ADD_PARENT:
		list = sl_join(&f->parents, ",");
		s = xasprintf("migtree set-down %s %s", f->target, *list ? list : "none");
		break;
	case FIX_MAKE_BASE:
		return xasprintf("migtree set-down %s none", f->target);
	case FIX_MERGE:
		list = sl_join(&f->parents, " ");
		s = xasprintf("migtree merge %s", list);
		break;
	case FIX_STUB:
		return xasprintf("migtree stub %s --down %s", f->target,
				 first_parent(f) ? first_parent(f) : "PARENT");
	case FIX_SET_DOCSTRING:
		return xasprintf("migtree set-docstring %s", f->target);
	case FIX_FULL_DEPENDENCY:
		return xasprintf("depends_on = '%s'", first_parent(f) ? first_parent(f) : "");
	case FIX_PLAN:
		return xstrdup("migtree plan");
	case FIX_RESTORE:
		return xasprintf("migtree restore %s", f->target);
	case FIX_RUN:
	default:
		return xstrdup(f->target ? f->target : "");
	}
	free(list);
	return s;
}

char *fix_sentence(const struct fix *f)
{
	char *cmd = fix_command(f), *s;

	if (f->kind == FIX_FULL_DEPENDENCY) /* the line to write, then why */
		s = xasprintf("write the full id: %s%s%s%s", cmd, f->reason ? " (" : "", f->reason ? f->reason : "",
			      f->reason ? ")" : "");
	else if (f->rank && first_parent(f)) /* the candidate first: it is what the user weighs */
		s = xasprintf("%s (%s): %s", f->kind == FIX_ADD_PARENT ? f->parents.v[f->parents.n - 1]
								      : first_parent(f),
			      f->reason ? f->reason : "suggested", cmd);
	else if (f->reason)
		s = xasprintf("%s: %s", f->reason, cmd);
	else
		return cmd;
	free(cmd);
	return s;
}

bool fix_reparents(const struct fix *f)
{
	return f->kind == FIX_SET_DOWN || f->kind == FIX_MAKE_BASE || f->kind == FIX_ADD_PARENT;
}

static int apply_merge(struct edit_session *s, const struct fix *f, struct mt_error *err)
{
	char *new_id = NULL;
	int rc = edit_create_merge(s, &f->parents, NULL, &new_id, err);

	free(new_id);
	return rc;
}

int fix_apply(struct edit_session *s, const struct fix *f, struct mt_error *err)
{
	struct strlist none = { 0 };

	if (f->kind == FIX_PLAN) /* the front ends show the plan instead */
		return mt_fail(err, NULL, 0, "a plan is many steps: migtree plan shows them");
	if (!f->target && f->kind != FIX_MERGE)
		return mt_fail(err, NULL, 0, "this fix names no revision");
	switch (f->kind) {
	case FIX_SET_DOWN:
		return edit_set_down(s, f->target, &f->parents, false, err);
	case FIX_MAKE_BASE:
		return edit_set_down(s, f->target, &none, false, err);
	case FIX_ADD_PARENT:
		if (!f->parents.n)
			return mt_fail(err, NULL, 0, "no parent to add to %s", f->target);
		return edit_add_parent(s, f->target, f->parents.v[f->parents.n - 1], err);
	case FIX_MERGE:
		return apply_merge(s, f, err);
	case FIX_STUB:
		if (!f->parents.n)
			return mt_fail(err, NULL, 0, "the placeholder for %s needs a parent: choose it (c on the MISSING row)",
				       f->target);
		return edit_create_stub(s, f->target, f->parents.v[0], NULL, err);
	case FIX_SET_DOCSTRING:
		return edit_set_docstring(s, f->target, err);
	case FIX_RESTORE:
		return edit_restore(s, f->target, err);
	case FIX_FULL_DEPENDENCY:
		return mt_fail(err, NULL, 0, "migtree does not rewrite depends_on: write depends_on = '%s' in %s's file",
			       first_parent(f) ? first_parent(f) : "", f->target);
	case FIX_RUN:
	default:
		return mt_fail(err, NULL, 0, "run it from a shell: %s", f->target);
	}
}

void fix_copy(struct fix *dst, const struct fix *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->kind = src->kind;
	dst->target = src->target ? xstrdup(src->target) : NULL;
	sl_copy(&dst->parents, &src->parents);
	dst->reason = src->reason ? xstrdup(src->reason) : NULL;
	dst->rank = src->rank;
}

void fix_free(struct fix *f)
{
	free(f->target);
	free(f->reason);
	sl_free(&f->parents);
	memset(f, 0, sizeof(*f));
}
