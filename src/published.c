/* published.c - ask git (through git.c: read-only, no shell) which files are on the upstream. */
#include <stdlib.h>
#include <string.h>

#include "migtree/git.h"
#include "migtree/githints.h"
#include "migtree/published.h"

static char *first_line(char *s)
{
	s[strcspn(s, "\n")] = '\0';
	return s;
}

static char *upstream(const char *dir)
{
	static const char *const tries[][6] = {
		{ "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", NULL },
		{ "rev-parse", "--verify", "-q", "--abbrev-ref", "origin/main", NULL },
		{ "rev-parse", "--verify", "-q", "--abbrev-ref", "origin/master", NULL },
	};

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		char *out;

		if (git_capture(dir, tries[i], &out, NULL) == 0 && *first_line(out)) {
			if (i > 0) { /* --abbrev-ref of a remote ref may print it plainly */
				free(out);
				return xstrdup(i == 1 ? "origin/main" : "origin/master");
			}
			return out;
		}
		free(out);
	}
	return NULL;
}

int published_load(const struct project *p, const char *ref, struct published *pub, struct mt_error *err)
{
	const char *top_args[] = { "rev-parse", "--show-toplevel", NULL };
	const char *dir = p->config.version_locations.n ? p->config.version_locations.v[0] : ".";
	char *top = NULL;
	int rc = 0;

	memset(pub, 0, sizeof(*pub));
	strmap_init(&pub->index);
	if (p->hints && p->config.version_locations.n) { /* the hints ask for the same directory's top */
		const char *known = git_hints_toplevel(p->hints);

		top = known ? xstrdup(known) : NULL;
	} else if (git_capture(dir, top_args, &top, NULL) != 0 || !*first_line(top)) {
		free(top);
		top = NULL;
	}
	if (!top) {
		if (ref)
			return mt_fail(err, dir, 0, "--published %s: this project is not in a git repository", ref);
		return 0;
	}
	pub->ref = ref ? xstrdup(ref) : upstream(dir);
	if (pub->ref) {
		/* listed from the top, so paths are relative to it; -z: a name with
		 * a line break or a quote is written as it is, not quoted */
		struct git_tree tree;

		if (git_ls_tree(top, pub->ref, NULL, &tree, NULL) != 0) {
			if (ref)
				rc = mt_fail(err, NULL, 0, "--published %s: git cannot read that ref", ref);
			free(pub->ref);
			pub->ref = NULL;
		} else {
			for (size_t i = 0; i < tree.n; i++)
				if (tree.v[i].is_blob && str_ends_with(tree.v[i].path, ".py"))
					sl_push_owned(&pub->paths, xasprintf("%s/%s", top, tree.v[i].path));
			for (size_t i = 0; i < pub->paths.n; i++)
				strmap_put(&pub->index, pub->paths.v[i], 1);
			git_tree_free(&tree);
		}
	}
	free(top);
	return rc;
}

static bool on_ref(const struct published *pub, const struct revision_file *rf)
{
	return pub->ref && rf && rf->real_path && strmap_get(&pub->index, rf->real_path, NULL);
}

bool published_applied(const struct published *pub, const struct revision_file *rf)
{
	return pub->db && rf && rf->real_path && strmap_get(&pub->applied, rf->real_path, NULL);
}

bool published_has(const struct published *pub, const struct revision_file *rf)
{
	return on_ref(pub, rf) || published_applied(pub, rf);
}

char *published_why(const struct published *pub, const struct revision_file *rf)
{
	if (published_applied(pub, rf))
		return xasprintf("applied in %s", pub->db);
	return on_ref(pub, rf) ? xasprintf("published on %s", pub->ref) : NULL;
}

static void clear_applied(struct published *pub)
{
	free(pub->db);
	pub->db = NULL;
	sl_free(&pub->applied_paths);
	strmap_free(&pub->applied);
}

void published_set_applied(struct published *pub, const struct graph *g, const struct db_state *st)
{
	clear_applied(pub);
	if (!st->url_display)
		return;
	pub->db = xstrdup(st->url_display);
	for (uint32_t v = 0; v < g->n; v++)
		if (db_state_applied(st, v) && !g->nodes[v].phantom && g->nodes[v].file->real_path)
			sl_push(&pub->applied_paths, g->nodes[v].file->real_path);
	/* the map borrows the list's strings: filled once the list no longer grows */
	for (size_t i = 0; i < pub->applied_paths.n; i++)
		strmap_put(&pub->applied, pub->applied_paths.v[i], 1);
}

void published_free(struct published *pub)
{
	free(pub->ref);
	sl_free(&pub->paths);
	strmap_free(&pub->index);
	clear_applied(pub);
	memset(pub, 0, sizeof(*pub));
}

/* ---- fixes ------------------------------------------------------------------ */

/* Why F's target may not take new parents, as the fixes' reasons say it
 * (owned): "published" (the ref is named elsewhere), "applied in URL"; NULL
 * when it may. */
static char *target_published(const struct published *pub, const struct graph *g, const struct fix *f)
{
	uint32_t v = f->target ? graph_find(g, f->target) : NO_NODE;

	if (v == NO_NODE || g->nodes[v].phantom)
		return NULL;
	if (published_applied(pub, g->nodes[v].file))
		return xasprintf("applied in %s", pub->db);
	return on_ref(pub, g->nodes[v].file) ? xstrdup("published") : NULL;
}

static bool has_stub_on(const struct problem *p, const char *parent)
{
	for (size_t k = 0; k < p->n_fixv; k++)
		if (p->fixv[k].kind == FIX_STUB && p->fixv[k].parents.n && !strcmp(p->fixv[k].parents.v[0], parent))
			return true;
	return false;
}

/* A ranked parent for the published revision becomes the parent of its missing
 * one: the placeholder, not the published file, takes it. */
static void recreate_instead(struct problem *p, struct fix *f, const char *guard)
{
	char *why = xasprintf("%s; %s is %s, so the missing revision is recreated on it",
			      f->reason ? f->reason : "suggested", f->target, guard);

	free(f->reason);
	f->reason = why;
	free(f->target);
	f->target = xstrdup(p->ref);
	f->kind = FIX_STUB;
}

static void fix_problem(const struct published *pub, const struct graph *g, struct problem *p)
{
	char *published = NULL, *guard = NULL;

	for (size_t k = 0; k < p->n_fixv;) {
		struct fix *f = &p->fixv[k];
		char *why = fix_reparents(f) ? target_published(pub, g, f) : NULL;

		if (!why) {
			k++;
			continue;
		}
		free(published);
		free(guard);
		published = xstrdup(f->target);
		guard = why;
		if (p->kind == PROBLEM_MISSING_DOWN_REVISION && f->kind == FIX_SET_DOWN && f->rank && p->ref &&
		    !has_stub_on(p, f->parents.v[0])) {
			recreate_instead(p, f, guard);
			k++;
		} else {
			problem_drop_fix(p, k);
		}
	}
	for (size_t k = 1; published && k < p->n_fixv; k++)
		if (p->fixv[k].kind == FIX_RESTORE) { /* the missing revision as it was, first */
			struct fix f = p->fixv[k];

			memmove(&p->fixv[1], &p->fixv[0], k * sizeof(f));
			p->fixv[0] = f;
			break;
		}
	for (size_t k = 0; published && k < p->n_fixv; k++) {
		struct fix *f = &p->fixv[k];

		if (f->kind == FIX_MERGE) { /* say why it is the way out left */
			char *why = xasprintf("%s (%s is %s: it keeps its parents)",
					      f->reason ? f->reason : "merge them", published, guard);

			free(f->reason);
			f->reason = why;
		}
	}
	free(published);
	free(guard);
}

void published_fix_problems(const struct published *pub, struct graph *g)
{
	if (!pub || (!pub->ref && !pub->db))
		return;
	for (size_t i = 0; i < g->problems.n; i++)
		fix_problem(pub, g, &g->problems.v[i]);
}

int published_fix_project(struct project *p, const char *ref, struct mt_error *err)
{
	struct published pub;

	if (published_load(p, ref, &pub, err)) {
		published_free(&pub);
		return -1;
	}
	published_fix_problems(&pub, &p->graph);
	published_free(&pub);
	return 0;
}
