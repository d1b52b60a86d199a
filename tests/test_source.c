/* test_source.c - the file sources (source.h) and git.c on a real repository.
 *
 * The test makes a repository with two branches (a rename, a deletion, nested
 * version locations read recursively, links to a file and to a directory) and
 * checks that reading a commit through git lists the same files in the same
 * order with the same bytes as the work-tree backend does on a checkout of that
 * commit; that a whole project loaded at a ref prints the same history as the
 * checkout; that the cat-file reader survives many objects and a missing one;
 * that errors name the git command and why; and that nothing of the repository
 * changes: status, refs and the index file's bytes are the same after. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/capability.h>
#endif
#include <cmocka.h>

#include "migtree/format.h"
#include "scratch.h"
#include "migtree/git.h"
#include "migtree/project.h"
#include "migtree/scan.h"
#include "migtree/source.h"

static char root[PATH_MAX], repo[PATH_MAX + 8], saved_cwd[PATH_MAX];

static char *migration(const char *rev, const char *down)
{
	return xasprintf("\"\"\"%s\n\nRevision ID: %s\nRevises: %s\n\"\"\"\nrevision = '%s'\n"
			 "down_revision = %s%s%s\nbranch_labels = None\ndepends_on = None\n",
			 rev, rev, down ? down : "", rev, down ? "'" : "", down ? down : "None", down ? "'" : "");
}

static void add_migration(const char *rel, const char *rev, const char *down)
{
	char *text = migration(rev, down);

	write_at(repo, rel, text);
	free(text);
}

#define GIT "git -c user.name=t -c user.email=t@t -c init.defaultBranch=main -c advice.detachedHead=false"

/* main: a1 <- b2 <- c3 (nested) <- f6; feature (from the first commit): b2
 * renamed, c3 deleted, e5 on b2. */
static void make_repository(void)
{
	sh("cd '%s' && " GIT " init -q && mkdir -p alembic/versions/nested alembic/versions/__pycache__ "
	   "alembic/shared", repo);
	write_at(repo, "alembic.ini", "[alembic]\nscript_location = alembic\n"
				      "version_locations = %(here)s/alembic/versions %(here)s/alembic/versions/nested\n"
				      "recursive_version_locations = true\n");
	write_at(repo, "alembic/env.py", "# env\n");
	write_at(repo, "alembic/versions/__init__.py", "");
	write_at(repo, "alembic/versions/__pycache__/zz_cached.py", "revision = 'zz'\n");
	add_migration("alembic/versions/a1_first.py", "a1", NULL);
	add_migration("alembic/versions/b2_second.py", "b2", "a1");
	add_migration("alembic/versions/nested/c3_third.py", "c3", "b2");
	add_migration("alembic/shared/d4_shared.py", "d4", "a1");
	sh("cd '%s' && ln -s ../shared/d4_shared.py alembic/versions/d4_link.py && "
	   "ln -s nested alembic/versions/dirlink && " GIT " add -A && " GIT " commit -qm first && "
	   GIT " branch feature", repo);
	add_migration("alembic/versions/f6_main.py", "f6", "c3");
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm main && " GIT " checkout -q feature && "
	   GIT " mv alembic/versions/b2_second.py alembic/versions/b2_renamed.py && "
	   GIT " rm -q alembic/versions/nested/c3_third.py", repo);
	add_migration("alembic/versions/e5_feature.py", "e5", "b2");
	/* the branch also changes the configuration: no more nested location */
	write_at(repo, "alembic.ini", "[alembic]\nscript_location = alembic\nrecursive_version_locations = true\n");
	sh("cd '%s' && " GIT " add -A && " GIT " commit -qm feature && " GIT " checkout -q main", repo);
	/* an index whose stat data is stale: a command that refreshed it would write it */
	sh("cd '%s' && touch -d '2001-01-01' alembic.ini alembic/env.py", repo);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/migtree-source-XXXXXX";
	char *made = mkdtemp(tmpl);

	(void)state;
	assert_non_null(made);
	assert_non_null(realpath(made, root));
	snprintf(repo, sizeof(repo), "%s/repo", root);
	assert_int_equal(mkdir(repo, 0755), 0);
	assert_non_null(getcwd(saved_cwd, sizeof(saved_cwd)));
	make_repository();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(chdir(saved_cwd), 0);
	sh("rm -rf '%s'", root);
	return 0;
}

/* A checkout of REF in its own clone, ROOT/NAME. */
static void checkout(const char *ref, const char *name)
{
	sh("cd '%s' && rm -rf '%s' && git clone -q '%s' '%s' && cd '%s' && git checkout -q '%s'", root, name,
	   repo, name, name, ref);
}

static const char *below(const char *path, const char *top)
{
	size_t n = strlen(top);

	assert_true(!strncmp(path, top, n) && path[n] == '/');
	return path + n + 1;
}

static void list_in(struct source *s, const char *dir, struct mt_config *cfg, struct source_files *files)
{
	struct config_request req = { 0 };
	struct mt_error err = { 0 };

	assert_int_equal(chdir(dir), 0);
	if (config_load_from(s, &req, cfg, &err) || source_list_versions(s, cfg, files, &err))
		fail_msg("%s: %s", err.path, err.message);
}

/* REF read from git in the repository = REF checked out, read from the disk. */
static void compare_at(const char *ref, size_t expect_n)
{
	char *clone = xasprintf("%s/co", root);
	struct mt_error err = { 0 };
	struct source *g;
	struct mt_config cg, cw;
	struct source_files fg, fw;

	checkout(ref, "co");
	assert_int_equal(chdir(repo), 0);
	g = source_git(".", ref, &err);
	if (!g)
		fail_msg("%s", err.message);
	list_in(g, repo, &cg, &fg);
	list_in(source_worktree(), clone, &cw, &fw);
	assert_int_equal(fg.n, expect_n);
	assert_int_equal(fg.n, fw.n);
	assert_int_equal(cg.recursive, cw.recursive);
	assert_int_equal(cg.version_locations.n, cw.version_locations.n);
	for (size_t i = 0; i < fg.n; i++) {
		char *bg, *bw, why[256];
		size_t lg, lw;

		assert_string_equal(below(fg.v[i].path, repo), below(fw.v[i].path, clone));
		assert_string_equal(below(fg.v[i].real_path, repo), below(fw.v[i].real_path, clone));
		assert_int_equal(source_read(g, fg.v[i].path, MT_MAX_FILE_SIZE, &bg, &lg, why), 0);
		assert_int_equal(source_read(source_worktree(), fw.v[i].path, MT_MAX_FILE_SIZE, &bw, &lw, why), 0);
		assert_int_equal(lg, lw);
		assert_memory_equal(bg, bw, lg);
		free(bg);
		free(bw);
	}
	source_files_free(&fg);
	source_files_free(&fw);
	config_free(&cg);
	config_free(&cw);
	source_free(g);
	free(clone);
}

static void test_main_matches_checkout(void **state)
{
	(void)state;
	/* a1, b2, d4 (through its link), f6, c3 (nested, once though two locations
	 * reach it); __init__, __pycache__ and the directory link are not read */
	compare_at("main", 5);
}

static void test_feature_matches_checkout(void **state)
{
	(void)state;
	compare_at("feature", 4); /* a1, b2 renamed, d4, e5 */
}

static void test_first_commit_matches_checkout(void **state)
{
	(void)state;
	compare_at("main~1", 4);
}

static void test_display_and_real_path(void **state)
{
	struct mt_error err = { 0 };
	struct source *g;
	char *shown, *real, *path = xasprintf("%s/alembic/versions/d4_link.py", repo);

	(void)state;
	assert_int_equal(chdir(repo), 0);
	g = source_git(".", "main", &err);
	assert_non_null(g);
	shown = source_display(g, path);
	assert_string_equal(shown, "main:alembic/versions/d4_link.py");
	real = source_realpath(g, path);
	assert_non_null(real);
	assert_string_equal(below(real, repo), "alembic/shared/d4_shared.py");
	assert_int_equal(source_type(g, "alembic/versions/dirlink"), SOURCE_DIR);
	assert_int_equal(source_type(g, "alembic/versions/nested/../a1_first.py"), SOURCE_FILE);
	assert_int_equal(source_type(g, "alembic/versions/e5_feature.py"), SOURCE_NONE);
	free(shown);
	free(real);
	free(path);
	source_free(g);
}

static char *replace_all(const char *s, const char *from, const char *to)
{
	struct strbuf sb;
	const char *hit;

	sb_init(&sb);
	while ((hit = strstr(s, from))) {
		sb_addn(&sb, s, (size_t)(hit - s));
		sb_adds(&sb, to);
		s = hit + strlen(from);
	}
	sb_adds(&sb, s);
	return sb_detach(&sb);
}

/* history, plain and verbose, with the work tree's top written TOP. */
static char *history_of(struct project *p, const char *top)
{
	char *buf = NULL, *out;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print_history(f, &p->graph, &p->order, false);
	print_history(f, &p->graph, &p->order, true);
	fclose(f);
	out = replace_all(buf, top, "TOP");
	free(buf);
	return out;
}

static void test_project_at_ref_has_checkout_history(void **state)
{
	const char *refs[] = { "main", "feature", "main~1" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct config_request req = { 0 };
		struct project pg, pw;
		struct mt_error err = { 0 };
		char *clone = xasprintf("%s/co", root), *hg, *hw;

		checkout(refs[i], "co");
		assert_int_equal(chdir(repo), 0);
		if (project_load_at(refs[i], &req, &pg, &err))
			fail_msg("%s: %s", err.path, err.message);
		assert_int_equal(chdir(clone), 0);
		assert_int_equal(project_load(&req, &pw, &err), 0);
		hg = history_of(&pg, repo);
		hw = history_of(&pw, clone);
		assert_string_equal(hg, hw);
		assert_non_null(strstr(hg, "TOP/alembic/versions/a1_first.py"));
		/* shown as git names them */
		free(clone);
		clone = xasprintf("%s:alembic/versions/a1_first.py", refs[i]);
		assert_string_equal(pg.files.v[0]->path, clone);
		free(hg);
		free(hw);
		free(clone);
		project_free(&pg);
		project_free(&pw);
	}
}

/* What must not change: status, every ref, the index file's bytes. */
static char *snapshot(void)
{
	char *out, *index, *path = xasprintf("%s/.git/index", repo), *all;
	const char *status[] = { "status", "--porcelain", "--untracked-files=all", NULL };
	const char *refs[] = { "for-each-ref", "--format=%(refname) %(objectname)", NULL };
	const char *heads[] = { "rev-parse", "--all", "HEAD", NULL };
	char *a, *b, *c;
	size_t len = 0;

	assert_int_equal(git_capture(repo, status, &a, NULL), 0);
	assert_int_equal(git_capture(repo, refs, &b, NULL), 0);
	assert_int_equal(git_capture(repo, heads, &c, NULL), 0);
	index = read_file(path, &len);
	assert_non_null(index);
	out = xasprintf("%s--\n%s--\n%s--\n%zu\n", a, b, c, len);
	/* the index in hex: its bytes hold NULs, and a string compare would stop there */
	all = xmalloc(strlen(out) + 2 * len + 1);
	strcpy(all, out);
	for (size_t i = 0; i < len; i++)
		sprintf(all + strlen(out) + 2 * i, "%02x", (unsigned char)index[i]);
	free(a);
	free(b);
	free(c);
	free(out);
	free(index);
	free(path);
	return all;
}

static char *before;

static void test_snapshot_before(void **state)
{
	(void)state;
	before = snapshot();
	assert_non_null(strstr(before, "refs/heads/feature "));
}

static void test_repository_unchanged(void **state)
{
	char *after = snapshot();

	(void)state;
	assert_string_equal(before, after);
	free(after);
	free(before);
}

static void test_cat_file_many_and_missing(void **state)
{
	struct git_tree t;
	struct mt_error err = { 0 };
	struct git_cat *c;
	char oid[GIT_OID_HEX_MAX + 1], *bytes;
	size_t len;

	(void)state;
	assert_int_equal(git_resolve_commit(repo, "main", oid, &err), 0);
	assert_int_equal(git_ls_tree(repo, oid, NULL, &t, &err), 0);
	assert_true(t.n >= 8);
	c = git_cat_open(repo, &err);
	assert_non_null(c);
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < t.n; i++) {
			char *path = xasprintf("%s/%s", repo, t.v[i].path), *disk;
			size_t disk_len;

			assert_int_equal(git_cat_read(c, t.v[i].oid, SIZE_MAX, &bytes, &len, &err), 0);
			if (t.v[i].mode == 0120000) {
				char target[PATH_MAX];
				ssize_t n = readlink(path, target, sizeof(target));

				assert_int_equal((size_t)n, len);
				assert_memory_equal(bytes, target, len);
			} else {
				disk = read_file(path, &disk_len);
				assert_non_null(disk);
				assert_int_equal(disk_len, len);
				assert_memory_equal(disk, bytes, len);
				free(disk);
			}
			free(bytes);
			free(path);
		}
		/* a missing object and a name that is no id: said, and reading goes on */
		assert_int_equal(git_cat_read(c, "0123456789012345678901234567890123456789", SIZE_MAX, &bytes,
					      &len, &err), 1);
		assert_null(bytes);
		assert_int_equal(git_cat_read(c, "HEAD:alembic.ini\nx", SIZE_MAX, &bytes, &len, &err), 1);
	}
	/* a blob over the limit is skipped, not read; the next read still works */
	for (size_t i = 0; i < t.n; i++) {
		int rc = git_cat_read(c, t.v[i].oid, 2, &bytes, &len, &err);

		assert_int_equal(rc, len > 2 ? 2 : 0);
		assert_true(rc == 0 || !bytes);
		free(bytes);
	}
	assert_int_equal(git_cat_read(c, t.v[1].oid, SIZE_MAX, &bytes, &len, &err), 0);
	free(bytes);
	assert_int_equal(git_cat_close(c, &err), 0);
	git_tree_free(&t);
}

static void test_ls_tree_paths_and_modes(void **state)
{
	struct git_tree t;
	struct mt_error err = { 0 };
	struct strlist paths = { 0 };
	bool link = false;

	(void)state;
	sl_push(&paths, "alembic/versions");
	assert_int_equal(git_ls_tree(repo, "main", &paths, &t, &err), 0);
	for (size_t i = 0; i < t.n; i++) {
		assert_true(str_starts_with(t.v[i].path, "alembic/versions/"));
		assert_true(t.v[i].is_blob);
		if (!strcmp(t.v[i].path, "alembic/versions/d4_link.py"))
			link = t.v[i].mode == 0120000;
	}
	assert_true(link);
	git_tree_free(&t);
	sl_free(&paths);
}

static void test_merge_base_and_toplevel(void **state)
{
	struct mt_error err = { 0 };
	char base[GIT_OID_HEX_MAX + 1], first[GIT_OID_HEX_MAX + 1], *top, *sub = xasprintf("%s/alembic", repo);

	(void)state;
	assert_int_equal(git_merge_base(repo, "main", "feature", base, &err), 0);
	assert_int_equal(git_resolve_commit(repo, "main~1", first, &err), 0);
	assert_string_equal(base, first);
	assert_int_equal(git_toplevel(sub, &top, &err), 0);
	assert_string_equal(top, repo);
	free(top);
	free(sub);
}

static void test_errors_say_why(void **state)
{
	struct mt_error err = { 0 };
	char oid[GIT_OID_HEX_MAX + 1], *outside = xasprintf("%s/outside", root), *path = getenv("PATH");
	char *saved = path ? xstrdup(path) : NULL;

	(void)state;
	assert_null(source_git(repo, "nosuchref", &err));
	assert_non_null(strstr(err.message, "'nosuchref' is not a commit"));
	assert_null(source_git(repo, "--output=/tmp/x", &err));
	assert_non_null(strstr(err.message, "git rev-parse"));
	assert_int_equal(mkdir(outside, 0755), 0);
	setenv("GIT_CEILING_DIRECTORIES", root, 1);
	assert_null(source_git(outside, "main", &err));
	assert_non_null(strstr(err.message, "git rev-parse --show-toplevel failed: not a git repository"));
	unsetenv("GIT_CEILING_DIRECTORIES");
	setenv("PATH", "/nonexistent", 1);
	assert_int_equal(git_resolve_commit(repo, "main", oid, &err), -1);
	assert_non_null(strstr(err.message, "git is not installed"));
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
	free(outside);
}

/* A reader (one directory held open, files opened in it by name) says what
 * source_read says, file for file: bytes, length, the reason it cannot read,
 * as it moves between directories, through a link, past a FIFO, a directory,
 * a file that is not there and one in a directory that is not there; and a
 * file whose size says 0 (procfs) is read to its end. */
/* Two reads of one file said the same: status, reason, length and bytes. */
static void assert_same_read(int ra, int rb, const char *why_a, const char *why_b, const char *a, const char *b,
			     size_t na, size_t nb)
{
	assert_int_equal(ra, rb);
	assert_string_equal(why_a, why_b);
	assert_int_equal(na, nb);
	if (ra == SOURCE_READ_OK)
		assert_memory_equal(a, b, na + 1); /* the NUL too */
	else
		assert_true(!a && !b);
}

/* source_reader_read_listed says what source_read says, whatever the listing
 * said (F->regular) and whether it told where the name starts (name_at): a
 * listing that called a FIFO, a directory, a missing file or a link a regular
 * file (what replaced a listed file since) changes nothing, nor does a file
 * that fills the first buffer or is over MAX. */
static void compare_listed(struct source_reader *r, const char *full, size_t max)
{
	for (int k = 0; k < 4; k++) {
		int regular = k % 2;
		uint32_t name_at = k < 2 ? 0 : (uint32_t)(strrchr(full, '/') - full) + 1;
		struct source_file f = { (char *)full, NULL, regular, name_at };
		char *a, why_a[256] = "", why_b[256] = "";
		const char *b;
		size_t na, nb;
		int ra = source_read(source_worktree(), full, max, &a, &na, why_a);
		int rb = source_reader_read_listed(r, &f, max, &b, &nb, why_b);

		assert_same_read(ra, rb, why_a, why_b, a, b, na, nb);
		free(a);
	}
}

static void test_reader_reads_as_source_read(void **state)
{
	const char *rel[] = { "rd/a/one.py", "rd/a/two.py", "rd/b/three.py", "rd/a/one.py", "rd/a/fifo.py",
			      "rd/a/sub", "rd/a/gone.py", "rd/nodir/x.py", "rd/b/link.py", "rd/a/empty.py",
			      "rd/a/room.py", "rd/a/big.py", "rd/a/one.py", NULL };
	struct source *w = source_worktree();
	struct source_reader *r = source_reader_new(w);
	char *path = xasprintf("%s/rd", root);

	(void)state;
	sh("mkdir -p '%s/a/sub' '%s/b' && mkfifo '%s/a/fifo.py' && : > '%s/a/empty.py'", path, path, path, path);
	sh("printf 'revision = \"1\"\\n' > '%s/a/one.py' && printf 'x = 2\\n' > '%s/a/two.py'", path, path);
	sh("printf 'y = 3' > '%s/b/three.py' && ln -s ../a/two.py '%s/b/link.py'", path, path);
	/* 65,535 bytes fill the first read's room to the byte; 100,000 more than fill it */
	sh("head -c 65535 /dev/zero | tr '\\0' x > '%s/a/room.py' && head -c 100000 /dev/zero | tr '\\0' y > '%s/a/big.py'",
	   path, path);
	free(path);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; rel[i]; i++) {
			char *full = xasprintf("%s/%s", root, rel[i]), *a, *b, why_a[256] = "", why_b[256] = "";
			size_t na, nb;
			int ra = source_read(w, full, 1 << 20, &a, &na, why_a);
			int rb = source_reader_read(r, full, 1 << 20, &b, &nb, why_b);

			assert_same_read(ra, rb, why_a, why_b, a, b, na, nb);
			free(a);
			free(b);
			compare_listed(r, full, 1 << 20);
			compare_listed(r, full, 4); /* most files are over it */
			free(full);
		}
	{
		char *a, why[256];
		size_t n;

		assert_int_equal(source_reader_read(r, "/proc/version", 1 << 20, &a, &n, why), SOURCE_READ_OK);
		assert_true(n > 0 && strlen(a) == n && !strncmp(a, "Linux", 5));
		free(a);
		compare_listed(r, "/proc/version", 1 << 20); /* procfs: read to its end, as listed or not */
	}
	source_reader_free(r);
}

/* A FIFO with data waiting in it, where the listing saw a regular file (a
 * rename since, or a bind mount): refused as not regular, as source_read
 * refuses it, its data not taken for a migration. */
static void test_listed_fifo_with_data(void **state)
{
	struct source_reader *r = source_reader_new(source_worktree());
	char *dir = xasprintf("%s/fifodata", root), *full = xasprintf("%s/b.py", dir), why[256] = "";
	struct source_file f = { full, NULL, true, 0 };
	const char *bytes;
	size_t n;
	int w;

	(void)state;
	sh("mkdir -p '%s' && mkfifo '%s'", dir, full);
	w = open(full, O_RDWR | O_NONBLOCK); /* a writer that stays: the data waits */
	assert_true(w >= 0);
	assert_int_equal(write(w, "revision = 'b1'\ndown_revision = None\n", 37), 37);
	assert_int_equal(source_reader_read_listed(r, &f, 1 << 20, &bytes, &n, why), SOURCE_READ_NOT_REGULAR);
	assert_null(bytes);
	assert_non_null(strstr(why, "FIFO"));
	close(w);
	source_reader_free(r);
	free(full);
	free(dir);
}

/* Set PATH's access time two days back and its modification time three: a
 * read under relatime (the common mount) then updates the access time. */
static void age_file(const char *path)
{
	struct timespec t[2];

	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[1] = t[0];
	t[0].tv_sec -= 2 * 86400;
	t[1].tv_sec -= 3 * 86400;
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static time_t atime_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_atime;
}

static void free_all(char *a, char *b, char *c, char *d)
{
	free(a);
	free(b);
	free(c);
	free(d);
}

/* Drop CAP_FOWNER from this process's effective set: it is then, for
 * O_NOATIME, what a user is on a file of another's. Linux's capabilities;
 * elsewhere false. */
static bool drop_fowner(void)
{
#if defined(__linux__)
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0)
		return false;
	d[CAP_FOWNER / 32].effective &= ~(1u << (CAP_FOWNER % 32));
	return syscall(SYS_capset, &h, d) == 0;
#else /* no capabilities to drop: the test is skipped */
	return false;
#endif
}

/* Whether the work tree reads DIR's files as listed (work_listed_here): on
 * other file systems a listed file is read as any other, plainly. */
static bool read_as_listed(const char *dir)
{
	struct source *w = source_worktree();
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool here = fd >= 0 && w->ops->read_listed && w->ops->listed_here(w, fd);

	if (fd >= 0)
		close(fd);
	return here;
}

/* A listed read leaves the file's access time as it was (O_NOATIME), where a
 * plain read updates it. */
static void test_listed_reads_keep_atime(void **state)
{
	char *dir = xasprintf("%s/atime", root), *own = xasprintf("%s/own.py", dir),
	     *ctl = xasprintf("%s/ctl.py", dir), buf[64], why[256] = "";
	struct source_file f = { own, NULL, true, 0 };
	struct source_reader *r;
	const char *bytes;
	size_t n;
	time_t before;
	int fd;

	(void)state;
	sh("mkdir -p '%s' && printf 'revision = \"o\"\n' > '%s' && printf 'x = 1\n' > '%s'", dir, own, ctl);
	age_file(ctl);
	before = atime_of(ctl);
	assert_true((fd = open(ctl, O_RDONLY)) >= 0);
	assert_true(read(fd, buf, sizeof(buf)) > 0);
	close(fd);
	if (atime_of(ctl) == before || !read_as_listed(dir)) { /* a noatime mount, or plain reads there */
		free_all(dir, own, ctl, NULL);
		skip();
	}
	age_file(own);
	before = atime_of(own);
	r = source_reader_new(source_worktree());
	assert_int_equal(source_reader_read_listed(r, &f, 1 << 20, &bytes, &n, why), SOURCE_READ_OK);
	assert_string_equal(bytes, "revision = \"o\"\n");
	assert_true(atime_of(own) == before);
	source_reader_free(r);
	free_all(dir, own, ctl, NULL);
}

/* One who may not ask for O_NOATIME (not the owner, no CAP_FOWNER) still
 * reads every file as listed: the refused one and those after it, its own
 * too. Root drops CAP_FOWNER in a child to be that user; where it cannot
 * (not root, or capset refused), the test is skipped. */
static void test_listed_reads_without_fowner(void **state)
{
	char *dir = xasprintf("%s/fowner", root), *own = xasprintf("%s/own.py", dir),
	     *other = xasprintf("%s/other.py", dir), why[256] = "";
	const char *bytes;
	size_t n;
	int status;
	pid_t pid;

	(void)state;
	sh("mkdir -p '%s' && printf 'revision = \"o\"\n' > '%s' && printf 'revision = \"t\"\n' > '%s'", dir,
	   own, other);
	if (geteuid() != 0 || chown(other, 65534, 65534) != 0) {
		free_all(dir, own, other, NULL);
		skip();
	}
	if ((pid = fork()) == 0) { /* the capability dropped for the child alone */
		struct source_reader *c = source_reader_new(source_worktree());
		struct source_file f = { own, NULL, true, 0 }, g = { other, NULL, true, 0 };
		bool ok;

		if (!drop_fowner())
			_exit(77);
		ok = source_reader_read_listed(c, &g, 1 << 20, &bytes, &n, why) == SOURCE_READ_OK &&
		     !strcmp(bytes, "revision = \"t\"\n");
		ok = ok && source_reader_read_listed(c, &g, 1 << 20, &bytes, &n, why) == SOURCE_READ_OK &&
		     !strcmp(bytes, "revision = \"t\"\n");
		ok = ok && source_reader_read_listed(c, &f, 1 << 20, &bytes, &n, why) == SOURCE_READ_OK &&
		     !strcmp(bytes, "revision = \"o\"\n");
		source_reader_free(c);
		_exit(ok ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free_all(dir, own, other, NULL);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A listing's strings (struct strarena): thousands across many blocks, and one
 * longer than a block, each intact until the arena is freed. */
static void test_arena_strings(void **state)
{
	struct strarena a = { 0 };
	char **got = calloc(20000, sizeof(*got)), name[64];
	char *big = calloc(300 * 1024 + 1, 1);

	(void)state;
	assert_non_null(got);
	assert_non_null(big);
	memset(big, 'x', 300 * 1024);
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "%0*d_step.py", 1 + i % 40, i);
		got[i] = i == 7777 ? arena_dup(&a, big) : arena_join(&a, "/some/versions", name);
	}
	assert_true(a.n > 2);
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "/some/versions/%0*d_step.py", 1 + i % 40, i);
		assert_string_equal(got[i], i == 7777 ? big : name);
	}
	arena_free(&a);
	assert_int_equal(a.n, 0);
	free(got);
	free(big);
}

/* sort_by_string orders as qsort with strcmp does: names that agree in their
 * first 8 bytes and differ after, names shorter than 8 bytes and the empty one,
 * bytes past 0x7f (strcmp compares them unsigned), duplicates; in a list of
 * structs (the name not first) and of bare pointers. */
static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct named {
	int tag;
	const char *name;
	int other;
};

/* N names sorted both ways: from 256 on they go through the radix sort. */
static void sort_names(int n)
{
	static const char *const stems[] = { "", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "\xff", "\x80" "a",
					     "0000aaaa", "0000aaab", "__init__", "zz" };
	char **want = calloc(n, sizeof(*want)), **got = calloc(n, sizeof(*got));
	struct named *v = calloc(n, sizeof(*v));
	uint32_t rng = 2463534242u + (uint32_t)n;

	assert_true(want && got && v);
	for (int i = 0; i < n; i++) {
		char buf[48];

		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		if (rng % 3 == 0)
			snprintf(buf, sizeof(buf), "%s", stems[rng / 3 % (sizeof(stems) / sizeof(stems[0]))]);
		else
			snprintf(buf, sizeof(buf), "%s%x", stems[rng / 3 % (sizeof(stems) / sizeof(stems[0]))],
				 rng % 97);
		want[i] = got[i] = xstrdup(buf);
		v[i] = (struct named){ i, want[i], -i };
	}
	qsort(want, n, sizeof(*want), cmp_strp);
	sort_by_string(got, n, sizeof(*got), 0);
	sort_by_string(v, n, sizeof(*v), offsetof(struct named, name));
	for (int i = 0; i < n; i++) {
		assert_string_equal(got[i], want[i]);
		assert_string_equal(v[i].name, want[i]);
		assert_int_equal(v[i].other, -v[i].tag); /* whole elements moved */
		assert_true(i == 0 || strcmp(v[i - 1].name, v[i].name) < 0 || v[i - 1].tag < v[i].tag); /* stable */
	}
	for (int i = 0; i < n; i++)
		free(want[i]);
	free(want);
	free(got);
	free(v);
}

static void test_sort_by_string(void **state)
{
	(void)state;
	sort_names(5000);
	sort_names(255);
	sort_names(256);
	sort_names(3);
}

/* Alembic's rule for a name (scan_is_candidate): ends in .py, does not start
 * with __init__ or .#; names around each edge. */
static void test_candidate_names(void **state)
{
	static const char *const yes[] = { "a.py", ".py", "x.py.py", "__init.py", "_init__.py", ".a.py", "#.py",
					   "__ini__.py", NULL };
	static const char *const no[] = { "", "p", "py", ".p", "a.pyc", "a.py~", "__init__.py", "__init__x.py",
					  "__init__", ".#a.py", ".#", "a.PY", "a.py ", NULL };

	(void)state;
	for (int i = 0; yes[i]; i++)
		assert_true(scan_is_candidate(yes[i]));
	for (int i = 0; no[i]; i++)
		assert_false(scan_is_candidate(no[i]));
}

/* A file reached twice is listed once, at its first place ("loaded twice"):
 * through a link listed before its target and one listed after, in one
 * location, and through a second location that is inside the first (the walk
 * hashes no file until one of those can make two files one). */
static void test_listed_once(void **state)
{
	struct mt_config cfg = { 0 };
	struct source_files out;
	struct mt_error err = { 0 };
	char *dir = xasprintf("%s/once", root);

	(void)state;
	sh("mkdir -p '%s/v/sub' && cd '%s/v' && : > m5.py && : > z9.py && : > sub/s1.py && "
	   "ln -s z9.py a0_link.py && ln -s m5.py n6_link.py", dir, dir);
	sl_push_owned(&cfg.version_locations, xasprintf("%s/v", dir));
	cfg.recursive = true;
	assert_int_equal(source_list_versions(source_worktree(), &cfg, &out, &err), 0);
	assert_int_equal(out.n, 3);
	assert_string_equal(path_base(out.v[0].path), "a0_link.py");
	assert_string_equal(path_base(out.v[0].real_path), "z9.py");
	assert_string_equal(path_base(out.v[1].path), "m5.py");
	assert_string_equal(path_base(out.v[2].path), "s1.py");
	for (size_t i = 0; i < out.n; i++) /* where the name starts: told, not searched for */
		assert_string_equal(out.v[i].path + out.v[i].name_at, path_base(out.v[i].path));
	source_files_free(&out);
	sl_push_owned(&cfg.version_locations, xasprintf("%s/v/sub", dir)); /* s1.py again */
	sl_push_owned(&cfg.version_locations, xasprintf("%s/v", dir));     /* all again */
	assert_int_equal(source_list_versions_lean(source_worktree(), &cfg, &out, &err), 0);
	assert_int_equal(out.n, 3);
	source_files_free(&out);
	sl_free(&cfg.version_locations);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_sort_by_string),
		cmocka_unit_test(test_candidate_names),
		cmocka_unit_test(test_listed_once),
		cmocka_unit_test(test_snapshot_before),
		cmocka_unit_test(test_main_matches_checkout),
		cmocka_unit_test(test_feature_matches_checkout),
		cmocka_unit_test(test_first_commit_matches_checkout),
		cmocka_unit_test(test_display_and_real_path),
		cmocka_unit_test(test_project_at_ref_has_checkout_history),
		cmocka_unit_test(test_cat_file_many_and_missing),
		cmocka_unit_test(test_ls_tree_paths_and_modes),
		cmocka_unit_test(test_merge_base_and_toplevel),
		cmocka_unit_test(test_errors_say_why),
		cmocka_unit_test(test_reader_reads_as_source_read),
		cmocka_unit_test(test_listed_fifo_with_data),
		cmocka_unit_test(test_listed_reads_keep_atime),
		cmocka_unit_test(test_listed_reads_without_fowner),
		cmocka_unit_test(test_repository_unchanged),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
