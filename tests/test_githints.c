/* test_githints.c - files read from git's past by path (githints.c, git.c).
 *
 * The hints read a file at a commit by walking the commit's trees, each read
 * once, where git asked for `COMMIT:PATH` read the versions directory again for
 * every file. So the first test counts the work (git_hints_work) on a history
 * whose later commit deleted every 10th file: a handful of trees, however many
 * files are read. The others hold the walk to what git's own name lookup
 * finds, path for path: names with spaces, line breaks and bytes that are not
 * UTF-8, git's order of trees (a tree sorts as if its name ended in '/'),
 * links and submodules that are not walked into, a tree written out of order
 * and one with a '/' in a name, and a root commit's missing parent. Skipped
 * when there is no git on PATH. */
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

#include "migtree/git.h"
#include "migtree/githints.h"
#include "migtree/project.h"

#define GIT "git -c user.name=t -c user.email=t@t -c init.defaultBranch=main"

static bool have_git(void)
{
	return system("git --version >/dev/null 2>&1") == 0;
}

static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
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

/* REL (any bytes but NUL) under DIR, its parent directories made. */
static void write_at(const char *dir, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel);
	FILE *f;

	for (char *slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
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
 * deleted file is read at the deleting commit's parent and each orphan at the
 * first commit, 60 files in all, through the same three trees (the top,
 * migrations, versions) of the same commit. Asked by name, git walked three
 * trees for each file: 180. */
static void test_trees_read_once_per_commit(void **state)
{
	struct config_request req = { 0 };
	struct mt_error err = { 0 };
	char *dir, *versions;
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
	versions = xasprintf("%s/migrations/versions", dir);
	req.versions_dir = versions;
	assert_int_equal(project_load(&req, &p, &err), 0);
	pr = missing_parent(&p, "r0016");
	assert_string_equal(pr->candidates.v[0], "r0014"); /* the deleted r0015's own parent, from git */
	git_hints_work(p.hints, &w);
	assert_true(w.blobs >= N_REVS / 10);
	assert_true(w.names <= 2 * 2); /* two commits in the log, each with its parent */
	assert_true(w.trees <= 3 * w.names);
	project_free(&p);
	free(versions);
	remove_repo(dir);
}

/* ---- the walk, against git's own lookup --------------------------------------------- */

/* What git gives for `COMMIT:PATH` (asked by name, on its own): 0 with its
 * bytes, or 1 when it is no blob. */
static int git_by_name(const char *dir, const char *commit, const char *path, char **bytes)
{
	char *name = xasprintf("%s:%s", commit, path);
	const char *argv[] = { "cat-file", "blob", name, NULL };
	int rc = git_capture(dir, argv, bytes, NULL) ? 1 : 0;

	free(name);
	return rc;
}

/* git_cat_read_at of PATH in COMMIT says what git says by name. */
static void assert_as_git(struct git_cat *c, const char *dir, const char *commit, const char *path)
{
	char *ours, *theirs;
	size_t len;
	int rc = git_cat_read_at(c, commit, false, path, SIZE_MAX, &ours, &len, NULL);

	if (git_by_name(dir, commit, path, &theirs) != rc)
		fail_msg("'%s': %s by git, %s here", path, rc ? "found" : "not found", rc ? "not found" : "found");
	if (rc == 0) {
		assert_int_equal(len, strlen(theirs));
		assert_memory_equal(ours, theirs, len);
	}
	free(ours);
	free(theirs);
}

/* The same for COMMIT's first parent, named PARENT ("COMMIT^") to git. */
static void assert_at_parent_as_git(struct git_cat *c, const char *dir, const char *commit, const char *parent,
				    const char *path)
{
	char *ours, *theirs;
	size_t len;
	int rc = git_cat_read_at(c, commit, true, path, SIZE_MAX, &ours, &len, NULL);

	assert_int_equal(git_by_name(dir, parent, path, &theirs), rc);
	if (rc == 0)
		assert_string_equal(ours, theirs);
	free(ours);
	free(theirs);
}

static char *head_of(const char *dir, const char *ref)
{
	char oid[GIT_OID_HEX_MAX + 1];

	assert_int_equal(git_resolve_commit(dir, ref, oid, NULL), 0);
	return xstrdup(oid);
}

/* A work tree of awkward names, in git's order and out of strcmp's. */
static void write_awkward_tree(const char *dir)
{
	static const char *const files[] = {
		"plain.py", "dir with space/a b.py", "nested/deeper/x.py", "bad\xff\xfe.py", "a.py", "a-b/f.py",
		"a/f.py", "a.b", "a0", "nl\ndir/x\ny.py", "tab\there.py",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		write_at(dir, files[i], files[i]); /* each file's bytes are its name */
	sh("cd '%s' && ln -s nested link && ln -s plain.py filelink", dir);
}

static void test_paths_as_git_names_them(void **state)
{
	static const char *const asked[] = {
		"plain.py", "dir with space/a b.py", "dir with space", "dir with space/", "nested/deeper/x.py",
		"nested//deeper/x.py", "nested/deeper/", "bad\xff\xfe.py", "link", "link/deeper/x.py",
		"filelink", "sub", "sub/x.py", "a.py", "a-b/f.py", "a/f.py", "a", "a.b", "a0", "a.b/f.py",
		"missing.py", "nested/missing.py", "plain.py/x", "/plain.py", "tab\there.py",
	};
	char *dir, *first, *head, *bytes;
	struct git_cat *c;
	size_t len;

	(void)state;
	if (!have_git())
		skip();
	dir = new_repo();
	write_awkward_tree(dir);
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm one", dir);
	first = head_of(dir, "HEAD");
	write_at(dir, "plain.py", "changed");
	sh("cd '%s' && " GIT " update-index --add --cacheinfo 160000,%s,sub && " GIT " commit -qam two", dir,
	   first);
	head = head_of(dir, "HEAD");
	c = git_cat_open(dir, NULL);
	assert_non_null(c);
	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++)
		assert_as_git(c, dir, head, asked[i]);
	/* a line break cannot be asked of git by name: the bytes are the file's */
	assert_int_equal(git_cat_read_at(c, head, false, "nl\ndir/x\ny.py", SIZE_MAX, &bytes, &len, NULL), 0);
	assert_string_equal(bytes, "nl\ndir/x\ny.py");
	free(bytes);
	/* the first parent's file; the root commit has none */
	assert_int_equal(git_cat_read_at(c, head, true, "plain.py", SIZE_MAX, &bytes, &len, NULL), 0);
	assert_string_equal(bytes, "plain.py");
	free(bytes);
	assert_int_equal(git_cat_read_at(c, first, true, "plain.py", SIZE_MAX, &bytes, &len, NULL), 1);
	assert_null(bytes);
	assert_int_equal(git_cat_close(c, NULL), 0);
	free(head);
	free(first);
	remove_repo(dir);
}

#define N_COMMITS 40

/* A file changed in each of N_COMMITS commits, each adding a file beside it:
 * read at every commit and its parent, more trees than are kept, each read
 * as git reads it by name, and still a tree or two per commit. */
static void test_many_commits_as_git(void **state)
{
	const char *argv[] = { "rev-list", "HEAD", NULL };
	char *dir, *list, *save = NULL;
	struct git_cat *c;
	struct git_work w;
	size_t commits = 0;

	(void)state;
	if (!have_git())
		skip();
	dir = new_repo();
	for (int i = 0; i < N_COMMITS; i++) {
		char *name = xasprintf("v/g%02d.py", i), *text = xasprintf("version %d", i);

		write_at(dir, name, text);
		write_at(dir, "v/f.py", text);
		sh("cd '%s' && " GIT " add -A && " GIT " commit -qm c%d", dir, i);
		free(text);
		free(name);
	}
	assert_int_equal(git_capture(dir, argv, &list, NULL), 0);
	c = git_cat_open(dir, NULL);
	assert_non_null(c);
	for (char *commit = strtok_r(list, "\n", &save); commit; commit = strtok_r(NULL, "\n", &save), commits++) {
		char *parent = xasprintf("%s^", commit);

		assert_as_git(c, dir, commit, "v/f.py");
		assert_as_git(c, dir, commit, "v/g00.py");
		assert_at_parent_as_git(c, dir, commit, parent, "v/f.py");
		free(parent);
	}
	assert_int_equal(commits, N_COMMITS);
	git_cat_work(c, &w);
	assert_true(w.names <= 2 * commits);
	assert_true(w.trees <= 2 * w.names);
	assert_int_equal(git_cat_close(c, NULL), 0);
	free(list);
	remove_repo(dir);
}

/* ---- a tree out of order ------------------------------------------------------------- */

/* The object id in hex at HEX, raw into RAW: its length in bytes. */
static size_t raw_id(const char *hex, unsigned char raw[32])
{
	size_t n = strcspn(hex, "\n") / 2;

	assert_true(n == 20 || n == 32);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		raw[i] = (unsigned char)v;
	}
	return n;
}

/* The output of git ARGV (its first line: an id) raw into RAW. */
static size_t git_id(const char *dir, const char *const *argv, unsigned char raw[32])
{
	char *out;
	size_t n;

	assert_int_equal(git_capture(dir, argv, &out, NULL), 0);
	n = raw_id(out, raw);
	free(out);
	return n;
}

static const char *const odd_entries[][2] = {
	{ "100644", "b.py" }, { "100644", "a.py" }, { "40000", "d" }, { "100644", "c.py" }, { "100644", "x/y.py" },
};
#define N_ODD (sizeof(odd_entries) / sizeof(odd_entries[0]))

/* A commit (hex, owned) of a tree of odd_entries in that order: files of one
 * blob, and "d" a tree holding f.py. */
static char *odd_commit(const char *dir)
{
	const char *blob[] = { "hash-object", "-w", "blob", NULL }, *sub[] = { "rev-parse", "HEAD:sub", NULL };
	const char *tree[] = { "hash-object", "-w", "--literally", "-t", "tree", "tree", NULL };
	const char *commit[] = { "commit-tree", "-m", "odd", NULL, NULL };
	unsigned char ids[N_ODD][32], id[32];
	char hex[2 * 32 + 1], *out;
	size_t idlen = 0;
	FILE *f;

	write_at(dir, "blob", "a blob");
	write_at(dir, "sub/f.py", "in d");
	sh("cd '%s' && " GIT " add sub && " GIT " commit -qm sub", dir);
	for (size_t i = 0; i < N_ODD; i++)
		idlen = git_id(dir, i == 2 ? sub : blob, ids[i]);
	assert_int_equal(chdir(dir), 0); /* hash-object reads the file from here */
	f = fopen("tree", "wb");
	assert_non_null(f);
	for (size_t i = 0; i < N_ODD; i++) {
		fprintf(f, "%s %s", odd_entries[i][0], odd_entries[i][1]);
		fputc('\0', f);
		fwrite(ids[i], 1, idlen, f);
	}
	fclose(f);
	git_id(dir, tree, id);
	assert_int_equal(chdir("/"), 0);
	for (size_t i = 0; i < idlen; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	commit[3] = hex;
	assert_int_equal(git_capture(dir, commit, &out, NULL), 0);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

/* A tree written out of git's order, with a '/' inside a name: git scans such a
 * tree entry by entry and stops where a sorted one would have passed the name
 * ("a.py", after "b.py", is never reached), and the walk does the same. */
static void test_unsorted_tree_as_git_scans_it(void **state)
{
	static const char *const asked[] = { "a.py", "b.py", "c.py", "d/f.py", "d", "d/", "x/y.py", "x", "e.py" };
	char *dir, *commit;
	struct git_cat *c;

	(void)state;
	if (!have_git())
		skip();
	dir = new_repo();
	commit = odd_commit(dir);
	c = git_cat_open(dir, NULL);
	assert_non_null(c);
	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++)
		assert_as_git(c, dir, commit, asked[i]);
	assert_int_equal(git_cat_close(c, NULL), 0);
	free(commit);
	remove_repo(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trees_read_once_per_commit),
		cmocka_unit_test(test_paths_as_git_names_them),
		cmocka_unit_test(test_many_commits_as_git),
		cmocka_unit_test(test_unsorted_tree_as_git_scans_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
