/* review_report.c - a review as text, JSON and GitHub annotations (review_report.h).
 *
 * Every id, path and message passes through quote.c: branch names and files come
 * from other people's branches. Text is escaped by the CLI's output stream (a
 * report is for people); JSON and annotations carry their own quoting. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migtree/annotate.h"
#include "migtree/json.h"
#include "migtree/quote.h"
#include "migtree/review_report.h"

char *review_repo_path(const struct review_names *n, const char *shown)
{
	const char *refs[] = { n->base, n->head, n->base_commit, n->head_commit, n->merge_base };
	char cwd[4096];
	size_t tl;

	if (!shown)
		return NULL;
	for (size_t i = 0; i < sizeof(refs) / sizeof(*refs); i++) {
		size_t k = refs[i] ? strlen(refs[i]) : 0;

		if (k && !strncmp(shown, refs[i], k) && shown[k] == ':')
			return xstrdup(shown + k + 1); /* source_git shows "REF:top-relative" */
	}
	if (!n->top || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(shown);
	tl = strlen(n->top);
	if (shown[0] == '/')
		return xstrdup(!strncmp(shown, n->top, tl) && shown[tl] == '/' ? shown + tl + 1 : shown);
	if (!strncmp(cwd, n->top, tl) && cwd[tl] == '/') /* run from a subfolder */
		return xasprintf("%s/%s", cwd + tl + 1, shown);
	return xstrdup(shown);
}

char *review_fix_command(const struct review_names *n, const struct review_fix *fix)
{
	return xasprintf("migtree review %s%s%s --fix %s", n->base, n->head ? " " : "", n->head ? n->head : "",
			 fix->kind == REVIEW_FIX_MERGE ? "merge" : "rebase");
}

char *review_fix_summary(const struct review_fix *fix)
{
	char *list = sl_join(&fix->parents, " and "), *s;

	if (fix->kind == REVIEW_FIX_MERGE)
		s = xasprintf("a merge revision of %s, written on HEAD", list);
	else
		s = xasprintf("%s's down_revision becomes %s (HEAD's new line goes after BASE's)",
			      fix->revision, list);
	free(list);
	return s;
}

/* ---- text ------------------------------------------------------------------- */

static void text_list(FILE *out, const char *who, const char *what, const struct revision_file *const *v,
		      size_t n)
{
	if (!n)
		return;
	fprintf(out, "%s %s %zu revision%s:\n", who, what, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %s  %s  (%s:%d)\n", v[i]->revision, v[i]->message, v[i]->path, v[i]->rev.line);
}

static void text_changes(FILE *out, const struct review *r)
{
	static const char *const who[] = { "BASE", "HEAD" };

	for (int s = REVIEW_BASE; s <= REVIEW_HEAD; s++) {
		const struct review_changes *c = &r->side[s];

		text_list(out, who[s], "adds", c->added, c->n_added);
		text_list(out, who[s], "changes", c->changed, c->n_changed);
		text_list(out, who[s], "deletes", c->deleted, c->n_deleted);
		if (!c->n_added && !c->n_changed && !c->n_deleted)
			fprintf(out, "%s changes no revision\n", who[s]);
	}
}

static void text_heads(FILE *out, const struct review *r)
{
	const struct graph *g = &r->merged.graph;

	fprintf(out, "after the merge: %u head%s:", g->heads.n, g->heads.n == 1 ? "" : "s");
	for (uint32_t i = 0; i < g->heads.n; i++)
		fprintf(out, " %s", g->nodes[g->heads.v[i]].id);
	fputc('\n', out);
}

void review_write_text(FILE *out, const struct review *r, const struct review_names *n)
{
	fprintf(out, "review: BASE %s, HEAD %s", n->base, n->head ? n->head : "the work tree");
	if (n->merge_base)
		fprintf(out, ", merge base %.12s", n->merge_base);
	fputc('\n', out);
	text_changes(out, r);
	text_heads(out, r);
	for (size_t i = 0; i < r->conflicts.n; i++)
		fprintf(out, "git conflict: %s is changed differently on both sides\n", r->conflicts.v[i]);
	if (r->problems.n)
		fputs("what the merge would break (neither side has it alone):\n", out);
	for (size_t i = 0; i < r->problems.n; i++) {
		const struct problem *p = &r->problems.v[i];

		fprintf(out, "  %s:%d: %s: %s [%s]\n", p->path ? p->path : "", p->line, problem_kind_name(p->kind),
			p->message, review_side_name((enum review_side)p->tag));
	}
	if (r->n_fixes)
		fputs("ways out, on HEAD:\n", out);
	for (size_t i = 0; i < r->n_fixes; i++) {
		char *cmd = review_fix_command(n, &r->fixes[i]), *what = review_fix_summary(&r->fixes[i]);

		fprintf(out, "  %s\n      %s\n", cmd, what);
		free(cmd);
		free(what);
	}
	fprintf(out, "%s\n", r->clean ? "result: the merge is clean"
				      : "result: the merge would break the history (`alembic upgrade head` or loading)");
}

/* ---- JSON -------------------------------------------------------------------- */

static void json_rev(FILE *out, const struct revision_file *rf, const struct review_names *n)
{
	char *path = review_repo_path(n, rf->path);

	fputs("{\"revision\": ", out);
	json_string(out, rf->revision);
	fputs(", \"path\": ", out);
	json_string(out, path);
	free(path);
	fprintf(out, ", \"line\": %d, \"down_revisions\": ", rf->rev.line);
	json_string_array(out, &rf->down.ids);
	fputs(", \"branch_labels\": ", out);
	json_string_array(out, rf_label_ids(rf));
	fputs(", \"message\": ", out);
	json_string(out, rf->message);
	fputc('}', out);
}

static void json_revs(FILE *out, const char *key, const struct review *r, int what,
		      const struct review_names *names)
{
	fprintf(out, "  \"%s\": {", key);
	for (int s = REVIEW_BASE; s <= REVIEW_HEAD; s++) {
		const struct review_changes *c = &r->side[s];
		const struct revision_file *const *v = what == 0 ? c->added : what == 1 ? c->changed : c->deleted;
		size_t n = what == 0 ? c->n_added : what == 1 ? c->n_changed : c->n_deleted;

		fprintf(out, "%s\"%s\": [", s ? ", " : "", s == REVIEW_BASE ? "base" : "head");
		for (size_t i = 0; i < n; i++) {
			fputs(i ? ", " : "", out);
			json_rev(out, v[i], names);
		}
		fputc(']', out);
	}
	fputs("},\n", out);
}

static void json_ref(FILE *out, const char *key, const char *ref, const char *commit)
{
	fprintf(out, "  \"%s\": {\"ref\": ", key);
	ref ? json_string(out, ref) : (void)fputs("null", out);
	fputs(", \"commit\": ", out);
	commit ? json_string(out, commit) : (void)fputs("null", out);
	fputs("},\n", out);
}

/* A copy of P whose path is the repository's (the caller frees it). */
static struct problem repo_problem(const struct problem *p, const struct review_names *n)
{
	struct problem q = *p;

	q.path = review_repo_path(n, p->path);
	return q;
}

static void json_problems(FILE *out, const struct review *r, const struct review_names *n)
{
	fputs("  \"problems\": [", out);
	for (size_t i = 0; i < r->problems.n; i++) {
		const struct problem *p = &r->problems.v[i];
		struct problem q = repo_problem(p, n);

		fputs(i ? ",\n    {" : "\n    {", out);
		json_problem_fields(out, &q);
		free(q.path);
		fputs(", \"side\": ", out);
		json_string(out, review_side_name((enum review_side)p->tag));
		fputc('}', out);
	}
	fputs(r->problems.n ? "\n  ],\n" : "],\n", out);
}

static void json_fixes(FILE *out, const struct review *r, const struct review_names *n)
{
	fputs("  \"fixes\": [", out);
	for (size_t i = 0; i < r->n_fixes; i++) {
		const struct review_fix *f = &r->fixes[i];
		char *cmd = review_fix_command(n, f);

		fprintf(out, "%s{\"kind\": \"%s\", \"revision\": ", i ? ", " : "",
			f->kind == REVIEW_FIX_MERGE ? "merge" : "rebase");
		f->revision ? json_string(out, f->revision) : (void)fputs("null", out);
		fputs(", \"parents\": ", out);
		json_string_array(out, &f->parents);
		fputs(", \"command\": ", out);
		json_string(out, cmd);
		fputc('}', out);
		free(cmd);
	}
	fputs("],\n", out);
}

void review_write_json(FILE *out, const struct review *r, const struct review_names *n)
{
	const struct graph *g = &r->merged.graph;
	struct strlist heads = { 0 };

	fputs("{\n", out);
	json_ref(out, "base", n->base, n->base_commit);
	json_ref(out, "head", n->head, n->head_commit);
	fputs("  \"merge_base\": ", out);
	n->merge_base ? json_string(out, n->merge_base) : (void)fputs("null", out);
	fputs(",\n", out);
	json_revs(out, "added", r, 0, n);
	json_revs(out, "changed", r, 1, n);
	json_revs(out, "deleted", r, 2, n);
	for (uint32_t i = 0; i < g->heads.n; i++)
		sl_push(&heads, g->nodes[g->heads.v[i]].id);
	fputs("  \"heads_after\": ", out);
	json_string_array(out, &heads);
	fputs(",\n  \"conflicts\": ", out);
	json_string_array(out, &r->conflicts);
	fputs(",\n", out);
	json_problems(out, r, n);
	json_fixes(out, r, n);
	fprintf(out, "  \"clean\": %s\n}\n", r->clean ? "true" : "false");
	sl_free(&heads);
}

/* A review fix runs on a branch, not in an edit session: a command to run. */
static struct problem *add_review_fix(struct problem *p, const struct review_names *n, const struct review_fix *rf)
{
	char *cmd = review_fix_command(n, rf);

	problem_add_fix(p, FIX_RUN, cmd, NULL);
	free(cmd);
	return p;
}

void review_write_github(FILE *out, const struct review *r, const struct review_names *n)
{
	struct problem_list with_fixes = { 0 };

	/* the annotations carry the review's own ways out, as commands to run */
	for (size_t i = 0; i < r->problems.n; i++) {
		const struct problem *src = &r->problems.v[i];
		char *path = review_repo_path(n, src->path);
		struct problem *p = problem_add(&with_fixes, src->kind, src->revision, src->ref, path,
						src->line, src->order, "%s", src->message);

		free(path);
		for (size_t k = 0; src->kind == PROBLEM_MULTIPLE_HEADS && k < r->n_fixes; k++)
			p = add_review_fix(p, n, &r->fixes[k]);
	}
	annotate_github(out, &with_fixes, true, false);
	problem_list_free(&with_fixes);
}
