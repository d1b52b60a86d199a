/* test_githints.c - what git remembers about broken links (githints.c).
 *
 * The hints read a file's past versions by the blob ids `git log --raw` names,
 * where asking cat-file for `COMMIT:PATH` made git read the versions directory's
 * tree again for every file. So the first test counts the work
 * (git_hints_work) on a history whose later commit deleted every 10th file:
 * no tree at all, one blob a file. The second holds the log's parsing to
 * names with spaces, tabs, line breaks and bytes that are not UTF-8, a rename,
 * a change of down_revision and a file deleted from the work tree only: each
 * found with the bytes git has. Skipped when there is no git on PATH. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratch.h"
#include "migtree/git.h"
#include "migtree/githints.h"
#include "migtree/project.h"

#define GIT "git -c user.name=t -c user.email=t@t -c init.defaultBranch=main"

static bool have_git(void)
{
	return system("git --version >/dev/null 2>&1") == 0;
}

/* A new repository in a temporary directory (owned path, resolved). */
static char *new_repo(void)
{
	char tmpl[] = "/tmp/migtree-githints-XXXXXX", real[PATH_MAX];

	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, real));
	sh("cd '%s' && " GIT " init -q", real);
	return xstrdup(real);
}

static void remove_repo(char *dir)
{
	sh("rm -rf '%s'", dir);
	free(dir);
}

/* P: the project whose versions directory is SUB under DIR. */
static void load_in(struct project *p, const char *dir, const char *sub)
{
	struct config_request req = { 0 };
	struct mt_error err = { 0 };
	char *versions = xasprintf("%s/%s", dir, sub);

	req.versions_dir = versions;
	assert_int_equal(project_load(&req, p, &err), 0);
	free(versions);
}

/* ---- the work, counted ------------------------------------------------------------ */

#define N_REVS 300

static void write_revision(const char *dir, int i)
{
	char *rel = xasprintf("migrations/versions/r%04d_step.py", i), *text;

	if (i == 0)
		text = xstrdup("revision = 'r0000'\ndown_revision = None\n");
	else
		text = xasprintf("revision = 'r%04d'\ndown_revision = 'r%04d'\n", i, i - 1);
	write_at(dir, rel, text);
	free(text);
	free(rel);
}

/* The problem about REV's missing parent. */
static const struct problem *missing_parent(const struct project *p, const char *rev)
{
	for (size_t i = 0; i < p->graph.problems.n; i++)
		if (p->graph.problems.v[i].kind == PROBLEM_MISSING_DOWN_REVISION &&
		    !strcmp(p->graph.problems.v[i].revision, rev))
			return &p->graph.problems.v[i];
	fail_msg("no missing parent for %s", rev);
	return NULL;
}

/* N_REVS revisions committed, then every 10th deleted and committed: each
 * deleted file is read as the deleting commit's parent had it and each orphan
 * as the first commit has it, 60 files in all, each by the id the log names:
 * no tree read. Asked by name, git walked three trees for each (the top,
 * migrations, versions): 180. */
static void test_blobs_read_by_id(void **state)
{
	char *dir;
	struct git_work w;
	struct project p;
	const struct problem *pr;

	(void)state;
	if (!have_git())
		skip();
	dir = new_repo();
	for (int i = 0; i < N_REVS; i++)
		write_revision(dir, i);
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm init", dir);
	for (int i = 5; i < N_REVS; i += 10)
		sh("cd '%s' && rm migrations/versions/r%04d_step.py", dir, i);
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm del", dir);
	load_in(&p, dir, "migrations/versions");
	pr = missing_parent(&p, "r0016");
	assert_string_equal(pr->candidates.v[0], "r0014"); /* the deleted r0015's own parent, from git */
	git_hints_work(p.hints, &w);
	assert_int_equal(w.trees, 0);
	assert_true(w.blobs >= N_REVS / 10 && w.blobs <= 2 * (N_REVS / 10));
	project_free(&p);
	remove_repo(dir);
}

/* ---- awkward names ----------------------------------------------------------------- */

/* The file whose revision is ID in P. */
static const struct revision_file *file_of(const struct project *p, const char *id)
{
	for (size_t i = 0; i < p->files.n; i++)
		if (p->files.v[i]->revision && !strcmp(p->files.v[i]->revision, id))
			return p->files.v[i];
	fail_msg("no file for %s", id);
	return NULL;
}

/* What git gives back of ID's deleted file: its path (relative) and bytes. */
static const struct git_deleted *assert_deleted(struct git_hints *h, const char *id, const char *rel,
					       const char *parent)
{
	const struct git_deleted *d = git_hints_deleted(h, id);
	char *bytes, *text = xasprintf("revision = '%s'\ndown_revision = '%s'\n", id, parent);
	size_t len;

	assert_non_null(d);
	assert_string_equal(d->rel_path, rel);
	assert_int_equal(d->parents.n, 1);
	assert_string_equal(d->parents.v[0], parent);
	assert_int_equal(git_hints_read(h, d, &bytes, &len, NULL), 0);
	assert_int_equal(len, strlen(text));
	assert_string_equal(bytes, text);
	free(bytes);
	free(text);
	return d;
}

static void write_named(const char *dir, const char *name, const char *id, const char *down)
{
	char *rel = xasprintf("v/%s", name), *text = xasprintf("revision = '%s'\ndown_revision = '%s'\n", id, down);

	write_at(dir, rel, text);
	free(text);
	free(rel);
}

/* REL under DIR removed, or renamed to TO. */
static void move_at(const char *dir, const char *rel, const char *to)
{
	char *from = xasprintf("%s/%s", dir, rel), *dest = to ? xasprintf("%s/%s", dir, to) : NULL;

	assert_int_equal(dest ? rename(from, dest) : unlink(from), 0);
	free(dest);
	free(from);
}

/* a <- b (a line break in its name) <- c (a tab) <- d ("\xff") <- e (a space)
 * <- f; f's down_revision changed from d to e and d renamed in a second
 * commit, b and c deleted in a third, and e deleted from the work tree only. */
static void make_awkward_history(const char *dir)
{
	write_at(dir, "v/a.py", "revision = 'a'\ndown_revision = None\n");
	write_named(dir, "b\nline.py", "b", "a");
	write_named(dir, "c\ttab.py", "c", "b");
	write_named(dir, "d\xff.py", "d", "c");
	write_named(dir, "e space.py", "e", "d");
	write_named(dir, "f.py", "f", "d");
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm one", dir);
	write_named(dir, "f.py", "f", "e");
	move_at(dir, "v/d\xff.py", "v/d_renamed.py");
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm two", dir);
	move_at(dir, "v/b\nline.py", NULL);
	move_at(dir, "v/c\ttab.py", NULL);
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm three", dir);
	move_at(dir, "v/e space.py", NULL);
}

static void test_awkward_names_found(void **state)
{
	const struct strlist *parents;
	const struct git_deleted *d;
	const char *why;
	char *dir;
	struct project p;

	(void)state;
	if (!have_git())
		skip();
	dir = new_repo();
	make_awkward_history(dir);
	load_in(&p, dir, "v");
	assert_false(assert_deleted(p.hints, "b", "v/b\nline.py", "a")->uncommitted);
	assert_false(assert_deleted(p.hints, "c", "v/c\ttab.py", "b")->uncommitted);
	/* renamed in a commit: not lost from the work tree since (its old path
	 * was taken as deleted and not committed) */
	d = assert_deleted(p.hints, "d", "v/d\xff.py", "c");
	assert_false(d->uncommitted);
	assert_string_equal(d->renamed_to, "v/d_renamed.py");
	assert_true(assert_deleted(p.hints, "e", "v/e space.py", "d")->uncommitted);
	assert_int_equal(git_hints_parents(p.hints, file_of(&p, "f"), &parents, &why), GIT_PARENTS_BEFORE);
	assert_int_equal(parents->n, 1);
	assert_string_equal(parents->v[0], "d");
	project_free(&p);
	remove_repo(dir);
}

/* a <- b <- c, then b's file renamed and its id changed in one commit (b2):
 * c's parent is missing, and what c meant is b under its new id, first
 * (before b's own parent, as for a deleted file). */
static void test_renamed_id_first(void **state)
{
	const struct git_deleted *d;
	const struct problem *pr;
	char *dir;
	struct project p;

	(void)state;
	if (!have_git())
		skip();
	dir = new_repo();
	write_at(dir, "v/a.py", "revision = 'a'\ndown_revision = None\n");
	write_named(dir, "b.py", "b", "a");
	write_named(dir, "c.py", "c", "b");
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm one", dir);
	move_at(dir, "v/b.py", "v/b2_renamed.py");
	write_named(dir, "b2_renamed.py", "b2", "a");
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm two", dir);
	load_in(&p, dir, "v");
	d = git_hints_deleted(p.hints, "b");
	assert_non_null(d);
	assert_string_equal(d->renamed_to, "v/b2_renamed.py");
	assert_string_equal(d->renamed_id, "b2");
	pr = missing_parent(&p, "c");
	assert_true(pr->candidates.n >= 2);
	assert_string_equal(pr->candidates.v[0], "b2");
	assert_string_equal(pr->candidates.v[1], "a");
	project_free(&p);
	remove_repo(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blobs_read_by_id),
		cmocka_unit_test(test_awkward_names_found),
		cmocka_unit_test(test_renamed_id_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
