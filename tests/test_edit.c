/* test_edit.c - edits, undo/redo and saving under faults. Nothing may be lost:
 * every failure leaves every original byte-identical and no temporary file;
 * a process killed in the middle of a save leaves each file old or new, never
 * torn; a file changed on disk since it was read is never overwritten. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "migtree/edit.h"
#include "migtree/graph_update.h"
#include "migtree/fix.h"
#include "migtree/newfile.h"
#include "migtree/published.h"
#include "migtree/save.h"

static char root[PATH_MAX];

static const char *const files[][2] = {
	{ "a.py", "\"\"\"base\n\nRevises:\n\"\"\"\nrevision = 'aaaa1111'\ndown_revision = None\n" },
	{ "b.py", "\"\"\"b\r\n\r\nRevises: aaaa1111\r\n\"\"\"\r\nrevision = \"bbbb2222\"\r\n"
		  "down_revision = (\"aaaa1111\",)  # one-tuple\r\n" },
	{ "c.py", "\"\"\"c\n\nRevises: aaaa1111\n\"\"\"\nrevision: str = 'cccc3333'\n"
		  "down_revision: Union[str, None] = (\n    'aaaa1111',  # keep me\n)\n" },
	{ "d.py", "\"\"\"d\n\n\tRevises:\taaaa1111\n\"\"\"\nrevision\t=\tR'dddd4444'\n"
		  "down_revision = [\n\t'aaaa1111',\t# tab comment\n\t'bbbb2222'\n]  # no newline at end" },
};

static char *path_of(const char *name)
{
	return xasprintf("%s/versions/%s", root, name);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_addn(&sb, buf, n);
	fclose(f);
	if (len)
		*len = sb.len;
	return sb_detach(&sb);
}

static void assert_originals(void)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = path_of(files[i][0]), *t = slurp(p, NULL);

		assert_non_null(t);
		assert_string_equal(t, files[i][1]);
		free(t);
		free(p);
	}
}

/* No ".x.migtree-*" temporary file left in the versions directory. */
static void assert_no_temp(void)
{
	char *cmd = xasprintf("ls -a '%s/versions' | grep -q migtree-", root);

	assert_int_not_equal(system(cmd), 0);
	free(cmd);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/migtree-edit-XXXXXX";
	char *dir, *p;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	dir = xasprintf("%s/versions", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(dir);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		p = path_of(files[i][0]);
		f = fopen(p, "wb");
		fputs(files[i][1], f);
		fclose(f);
		chmod(p, i == 1 ? 0640 : 0644);
		free(p);
	}
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* FOR_EDITS: loaded as the explorer loads (the order's ranking kept for the edits). */
static void load_as(struct project *p, struct edit_session *s, bool for_edits)
{
	struct config_request req = { .versions_dir = NULL, .for_edits = for_edits };
	struct mt_error err = { 0 };
	char *dir = xasprintf("%s/versions", root);

	req.versions_dir = dir;
	assert_int_equal(project_load(&req, p, &err), 0);
	free(dir);
	edit_begin(s, p);
}

static void load(struct project *p, struct edit_session *s)
{
	load_as(p, s, false);
}

static void unload(struct project *p, struct edit_session *s)
{
	edit_end(s);
	project_free(p);
}

static void set_down(struct edit_session *s, const char *rev, const char *parents)
{
	struct strlist pl = { 0 };
	struct mt_error err = { 0 };
	char *copy = xstrdup(parents), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		sl_push(&pl, t);
	if (edit_set_down(s, rev, &pl, false, &err))
		fail_msg("set_down %s %s: %s", rev, parents, err.message);
	sl_free(&pl);
	free(copy);
}

static void put(const char *name, const char *text)
{
	char *p = path_of(name);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* A loaded file keeps no bytes: an edit reads it again, and refuses it when it
 * no longer reads as it did when loaded (its spans would cut other bytes). */
static void test_edit_reads_the_file_again(void **state)
{
	struct project p;
	struct edit_session s;
	struct strlist pl = { 0 };
	struct mt_error err = { 0 };

	(void)state;
	load(&p, &s);
	assert_null(p.files.v[2]->text);
	put("c.py", "\"\"\"c\n\nRevises: bbbb2222\n\"\"\"\nrevision = 'cccc3333'\ndown_revision = 'bbbb2222'\n");
	sl_push(&pl, "dddd4444");
	assert_int_equal(edit_set_down(&s, "cccc3333", &pl, false, &err), -1);
	assert_non_null(strstr(err.message, "changed on disk"));
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	put("c.py", files[2][1]);
	assert_int_equal(edit_set_down(&s, "cccc3333", &pl, false, &err), 0);
	assert_non_null(strstr(p.files.v[2]->text, "'dddd4444',  # keep me"));
	assert_int_equal(edit_undo(&s), 0);
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	sl_free(&pl);
	unload(&p, &s);
	assert_originals();
}

static void test_undo_redo_restore_bytes(void **state)
{
	struct project p;
	struct edit_session s;
	char *before;

	(void)state;
	load(&p, &s);
	before = slurp(p.files.v[1]->real_path, NULL); /* loaded files keep no bytes (scan.h) */
	set_down(&s, "bbbb2222", "");             /* a base: the one-tuple becomes None */
	assert_true(p.graph.nodes[graph_find(&p.graph, "bbbb2222")].is_base);
	set_down(&s, "cccc3333", "bbbb2222");     /* keeps the multi-line layout */
	assert_non_null(strstr(p.files.v[2]->text, "'bbbb2222',  # keep me"));
	assert_int_equal(edit_changed(&s, NULL, 0), 2);
	assert_int_equal(edit_undo(&s), 0);
	assert_int_equal(edit_undo(&s), 0);
	assert_int_equal(edit_undo(&s), -1);
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	assert_memory_equal(p.files.v[1]->text, before, strlen(before));
	assert_int_equal(edit_redo(&s), 0);
	assert_true(p.graph.nodes[graph_find(&p.graph, "bbbb2222")].is_base);
	assert_int_equal(edit_redo(&s), 0);
	assert_int_equal(edit_redo(&s), -1);
	/* the inverse change within a session: back to the disk bytes, shape and all */
	set_down(&s, "bbbb2222", "aaaa1111");
	set_down(&s, "cccc3333", "aaaa1111");
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	/* tabs, a list, a raw prefix and no final newline: only the strings change */
	set_down(&s, "dddd4444", "cccc3333,bbbb2222");
	assert_non_null(strstr(p.files.v[3]->text, "[\n\t'cccc3333',\t# tab comment\n\t'bbbb2222'\n]  # no newline at end"));
	assert_non_null(strstr(p.files.v[3]->text, "\tRevises:\tcccc3333, bbbb2222\n"));
	set_down(&s, "dddd4444", "aaaa1111,bbbb2222");
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	free(before);
	unload(&p, &s);
}

static void test_validation(void **state)
{
	struct project p;
	struct edit_session s;
	struct strlist pl = { 0 };
	struct mt_error err = { 0 };

	(void)state;
	load(&p, &s);
	sl_push(&pl, "bbbb2222");
	assert_int_equal(edit_set_down(&s, "aaaa1111", &pl, false, &err), -1); /* a cycle */
	assert_non_null(strstr(err.message, "cycle"));
	sl_free(&pl);
	sl_push(&pl, "nope");
	assert_int_equal(edit_set_down(&s, "bbbb2222", &pl, false, &err), -1);
	sl_free(&pl);
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	unload(&p, &s);
}

static const struct problem *find_problem(const struct project *p, enum problem_kind kind)
{
	for (size_t i = 0; i < p->graph.problems.n; i++)
		if (p->graph.problems.v[i].kind == kind)
			return &p->graph.problems.v[i];
	fail_msg("no %s", problem_kind_name(kind));
	return NULL;
}

static void assert_rendered(const struct fix *f, const char *command, const char *sentence)
{
	char *c = fix_command(f), *s = fix_sentence(f);

	assert_string_equal(c, command);
	assert_string_equal(s, sentence);
	free(c);
	free(s);
}

static void test_fix_rendering(void **state)
{
	struct fix f = { FIX_SET_DOWN, xstrdup("A"), { 0 }, xstrdup("created just before it, by Create Date"), 1 };

	(void)state;
	sl_push(&f.parents, "B");
	assert_rendered(&f, "migtree set-down A B", "B (created just before it, by Create Date): migtree set-down A B");
	f.rank = 0;
	free(f.reason);
	f.reason = xstrdup("put one after the other");
	sl_push(&f.parents, "C");
	assert_rendered(&f, "migtree set-down A B,C", "put one after the other: migtree set-down A B,C");
	f.kind = FIX_MERGE;
	assert_rendered(&f, "migtree merge B C", "put one after the other: migtree merge B C");
	f.kind = FIX_MAKE_BASE;
	assert_rendered(&f, "migtree set-down A none", "put one after the other: migtree set-down A none");
	fix_free(&f);
	f = (struct fix){ FIX_STUB, xstrdup("gone"), { 0 }, NULL, 0 };
	assert_rendered(&f, "migtree stub gone --down PARENT", "migtree stub gone --down PARENT");
	sl_push(&f.parents, "B");
	assert_rendered(&f, "migtree stub gone --down B", "migtree stub gone --down B");
	fix_free(&f);
	f = (struct fix){ FIX_FULL_DEPENDENCY, xstrdup("A"), { 0 }, xstrdup("Alembic does not resolve prefixes"), 0 };
	sl_push(&f.parents, "abcdef12");
	assert_rendered(&f, "depends_on = 'abcdef12'",
			"write the full id: depends_on = 'abcdef12' (Alembic does not resolve prefixes)");
	fix_free(&f);
	f = (struct fix){ FIX_SET_DOCSTRING, xstrdup("A"), { 0 }, NULL, 0 };
	assert_rendered(&f, "migtree set-docstring A", "migtree set-docstring A");
	fix_free(&f);
}

/* The fixes the analysis offers are applied through the edit: validated, one undo step. */
static void test_fix_apply(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	const struct problem *pr;
	struct fix f, bad = { FIX_SET_DOWN, xstrdup("aaaa1111"), { 0 }, NULL, 0 };
	char *id;

	(void)state;
	load(&p, &s);
	pr = find_problem(&p, PROBLEM_MULTIPLE_HEADS); /* cccc3333 and dddd4444 */
	assert_int_equal(pr->n_fixv, 2);
	assert_int_equal(pr->fixv[0].kind, FIX_MERGE);
	assert_int_equal(pr->fixv[1].kind, FIX_SET_DOWN);
	fix_copy(&f, &pr->fixv[1]); /* the problem list is rebuilt by the edit */
	id = xstrdup(f.target);
	assert_int_equal(fix_apply(&s, &f, &err), 0);
	assert_int_equal(p.graph.heads.n, 1);
	assert_int_equal(problem_count_kind(&p.graph.problems, PROBLEM_MULTIPLE_HEADS), 0);
	assert_int_equal(edit_undo(&s), 0);
	assert_int_equal(edit_undo(&s), -1); /* one step */
	assert_int_equal(p.graph.heads.n, 2);
	/* the merge, the other way out */
	fix_free(&f);
	fix_copy(&f, &find_problem(&p, PROBLEM_MULTIPLE_HEADS)->fixv[0]);
	assert_int_equal(fix_apply(&s, &f, &err), 0);
	assert_int_equal(p.graph.heads.n, 1);
	assert_int_equal(edit_undo(&s), 0);
	/* refused as the edit refuses: a cycle, a fix with no edit behind it */
	sl_push(&bad.parents, "bbbb2222");
	assert_int_equal(fix_apply(&s, &bad, &err), -1);
	assert_non_null(strstr(err.message, "cycle"));
	bad.kind = FIX_FULL_DEPENDENCY;
	assert_int_equal(fix_apply(&s, &bad, &err), -1);
	bad.kind = FIX_STUB; /* a placeholder with no parent chosen */
	sl_free(&bad.parents);
	assert_int_equal(fix_apply(&s, &bad, &err), -1);
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	fix_free(&bad);
	fix_free(&f);
	free(id);
	unload(&p, &s);
}

/* A node's problems, one at a time (show, the detail pane) or all at once (the
 * explorer's marks): the same lists. */
static void test_problems_by_node(void **state)
{
	struct project p;
	struct edit_session s;
	struct problem_index ix;
	struct strlist gone = { 0 };
	struct mt_error err = { 0 };
	size_t total = 0, n;

	(void)state;
	load(&p, &s);
	sl_push(&gone, "gone");
	assert_int_equal(edit_set_down(&s, "cccc3333", &gone, true, &err), 0); /* a phantom */
	sl_free(&gone);
	problem_index_build(&ix, &p.graph);
	for (uint32_t v = 0; v < p.graph.n; v++) {
		size_t *mine, n = problems_of(&p.graph, v, &mine), m;
		const size_t *all = problem_index_of(&ix, v, &m);

		assert_int_equal(n, m);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(mine[k], all[k]);
		total += n;
		free(mine);
	}
	/* the missing parent's problem is on its revision and on the phantom */
	problem_index_of(&ix, graph_find(&p.graph, "gone"), &n);
	assert_int_equal(n, 1);
	problem_index_of(&ix, graph_find(&p.graph, "cccc3333"), &n);
	assert_true(n >= 1);
	assert_true(total >= 2);
	problem_index_free(&ix);
	unload(&p, &s);
}

/* The picker and the edit ask the same question. */
static void test_one_validator(void **state)
{
	struct project p;
	struct edit_session s;
	uint32_t a, b, d;
	struct descent desc;
	char *why;

	(void)state;
	load(&p, &s);
	a = graph_find(&p.graph, "aaaa1111");
	b = graph_find(&p.graph, "bbbb2222");
	d = graph_find(&p.graph, "dddd4444");
	descent_init(&desc, &p, a); /* the picker's question */
	why = edit_check_parent(&p.graph, a, b, descent_ask(&desc, b), false);
	assert_string_equal(why, "descends from aaaa1111: a cycle");
	free(why);
	why = edit_check_parent(&p.graph, a, a, descent_ask(&desc, a), false);
	assert_string_equal(why, "cannot be its own parent");
	free(why);
	descent_free(&desc);
	descent_init(&desc, &p, d);
	why = edit_check_parent(&p.graph, d, b, descent_ask(&desc, b), true);
	assert_string_equal(why, "already a parent");
	free(why);
	assert_null(edit_check_parent(&p.graph, d, b, descent_ask(&desc, b), false));
	descent_free(&desc);
	unload(&p, &s);
}

/* A published head is offered the merge only, before and after every rebuild. */
static void test_published_fixes(void **state)
{
	struct project p;
	struct edit_session s;
	struct published pub = { 0 };
	const struct problem *pr;
	char *head;

	(void)state;
	load(&p, &s);
	pr = find_problem(&p, PROBLEM_MULTIPLE_HEADS);
	head = xstrdup(pr->revision);
	pub.ref = xstrdup("origin/main");
	strmap_init(&pub.index);
	sl_push(&pub.paths, p.graph.nodes[graph_find(&p.graph, head)].file->real_path);
	strmap_put(&pub.index, pub.paths.v[0], 1);
	edit_set_published(&s, &pub);
	for (int round = 0; round < 2; round++) {
		pr = find_problem(&p, PROBLEM_MULTIPLE_HEADS);
		assert_string_equal(pr->revision, head);
		assert_int_equal(pr->n_fixv, 1);
		assert_int_equal(pr->fixv[0].kind, FIX_MERGE);
		assert_non_null(strstr(pr->fixv[0].reason, "is published"));
		set_down(&s, "bbbb2222", round ? "aaaa1111" : ""); /* a rebuild */
		assert_int_equal(edit_undo(&s), 0);
	}
	free(head);
	unload(&p, &s);
	published_free(&pub);
}

static void test_save_writes_and_keeps_mode(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	struct stat st;
	char *b = path_of("b.py"), *t;

	(void)state;
	load(&p, &s);
	set_down(&s, "bbbb2222", "cccc3333");
	assert_int_equal(save_session(&s, &save_io_system, NULL, &err), 0);
	t = slurp(b, NULL);
	assert_non_null(strstr(t, "down_revision = (\"cccc3333\",)  # one-tuple\r\n"));
	assert_non_null(strstr(t, "Revises: cccc3333\r\n"));
	assert_int_equal(stat(b, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	free(t);
	assert_no_temp();
	/* and back */
	set_down(&s, "bbbb2222", "aaaa1111");
	assert_int_equal(save_session(&s, &save_io_system, NULL, &err), 0);
	assert_originals();
	free(b);
	unload(&p, &s);
}

/* ---- fault injection through the save_io seam ---- */

static int fail_on, calls;
static int fail_errno = ENOSPC;

static ssize_t flaky_write(int fd, const void *buf, size_t n)
{
	if (++calls == fail_on) {
		errno = fail_errno;
		return -1;
	}
	return write(fd, buf, n < 7 ? n : 7); /* short writes too */
}

static int flaky_fsync(int fd)
{
	if (++calls == fail_on) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static int flaky_open(const char *path, int flags, mode_t mode)
{
	if (++calls == fail_on) {
		errno = EACCES;
		return -1;
	}
	return open(path, flags, mode);
}

static int flaky_rename(const char *from, const char *to)
{
	if (++calls == fail_on) {
		errno = EROFS;
		return -1;
	}
	return rename(from, to);
}

static void fault_case(struct save_io io, int at, const char *words)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };

	load(&p, &s);
	set_down(&s, "bbbb2222", "cccc3333");
	set_down(&s, "cccc3333", "");
	calls = 0;
	fail_on = at;
	assert_int_equal(save_session(&s, &io, NULL, &err), -1);
	if (!strstr(err.message, words))
		fail_msg("'%s' does not say '%s'", err.message, words);
	assert_true(err.path[0] != '\0');
	assert_originals();
	assert_no_temp();
	assert_int_equal(edit_changed(&s, NULL, 0), 2); /* still pending, nothing lost */
	unload(&p, &s);
}

static void test_faults_leave_originals(void **state)
{
	struct save_io io = save_io_system;

	(void)state;
	io.write = flaky_write;
	fault_case(io, 1, "No space left");  /* the first write of the first file */
	fault_case(io, 20, "No space left"); /* into the second file (7-byte writes) */
	io = save_io_system;
	io.fsync = flaky_fsync;
	fault_case(io, 2, "fsync failed");
	io = save_io_system;
	io.open = flaky_open;
	fault_case(io, 1, "Permission denied");
	fault_case(io, 2, "Permission denied");
	io = save_io_system;
	io.rename = flaky_rename;
	fault_case(io, 1, "Read-only");
}

static void test_changed_on_disk_is_never_overwritten(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	char *b = path_of("b.py"), *t;
	FILE *f;

	(void)state;
	load(&p, &s);
	set_down(&s, "bbbb2222", "cccc3333");
	f = fopen(b, "ab");
	fputs("# someone else's edit\n", f);
	fclose(f);
	assert_int_equal(save_session(&s, &save_io_system, NULL, &err), -1);
	assert_non_null(strstr(err.message, "changed on disk"));
	assert_string_equal(err.path, b);
	t = slurp(b, NULL);
	assert_non_null(strstr(t, "# someone else's edit"));
	assert_non_null(strstr(t, "(\"aaaa1111\",)"));
	free(t);
	unload(&p, &s);
	f = fopen(b, "wb");
	fputs(files[1][1], f);
	fclose(f);
	free(b);
	assert_originals();
}

static void test_vanished_file(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	char *c = path_of("c.py"), *keep = slurp(c, NULL);
	FILE *f;

	(void)state;
	load(&p, &s);
	set_down(&s, "cccc3333", "bbbb2222");
	assert_int_equal(unlink(c), 0);
	assert_int_equal(save_session(&s, &save_io_system, NULL, &err), -1);
	assert_non_null(strstr(err.message, "nothing was written"));
	unload(&p, &s);
	f = fopen(c, "wb");
	fputs(keep, f);
	fclose(f);
	free(keep);
	free(c);
	assert_originals();
}

/* A crash during the renames: the child dies after the first rename. */
static int crash_after;

static int crashing_rename(const char *from, const char *to)
{
	int rc = rename(from, to);

	if (++calls >= crash_after)
		_exit(9);
	return rc;
}

static void test_killed_mid_save_never_tears(void **state)
{
	(void)state;
	for (crash_after = 1; crash_after <= 2; crash_after++) {
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (pid == 0) {
			struct project p;
			struct edit_session s;
			struct mt_error err = { 0 };
			struct save_io io = save_io_system;

			io.rename = crashing_rename;
			calls = 0;
			load(&p, &s);
			set_down(&s, "bbbb2222", "cccc3333");
			set_down(&s, "cccc3333", "");
			save_session(&s, &io, NULL, &err);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_int_equal(WEXITSTATUS(status), 9);
		/* each file is entirely old or entirely new and still parses */
		for (int i = 1; i <= 2; i++) {
			char *path = path_of(files[i][0]);
			size_t len;
			char *t = slurp(path, &len);
			struct revision_file *rf = parse_revision_file(path, t, len);

			assert_null(rf->error);
			assert_true(!strcmp(t, files[i][1]) || strstr(t, i == 1 ? "cccc3333\",)" : "= None"));
			revision_file_free(rf);
			free(t);
			free(path);
		}
		teardown(NULL);
		setup(NULL);
	}
}

/* A save stopped after its first rename says that first and whole: which file was
 * saved, which was not and why (issue 13: the "1 of 2" part was cut off). */
static void test_partial_save_is_reported_first(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	struct strlist written = { 0 };
	struct save_io io = save_io_system;

	(void)state;
	load(&p, &s);
	set_down(&s, "bbbb2222", "cccc3333");
	set_down(&s, "cccc3333", "");
	io.rename = flaky_rename;
	calls = 0;
	fail_on = 2;
	assert_int_equal(save_session(&s, &io, &written, &err), -1);
	assert_int_equal(written.n, 1);
	assert_string_equal(err.path, "");
	if (strncmp(err.message, "saved 1 of 2 files: ", 20) || !strstr(err.message, "; not saved: ") ||
	    !strstr(err.message, "cannot replace it: Read-only file system"))
		fail_msg("%s", err.message);
	assert_non_null(strstr(err.message, written.v[0]));
	assert_no_temp();
	assert_int_equal(edit_changed(&s, NULL, 0), 1); /* the other one is still pending */
	sl_free(&written);
	unload(&p, &s);
}

/* Empty, blank and control-character ids are refused before anything is written;
 * quotes are not a reason (they are written escaped). */
static void test_bad_ids_refused(void **state)
{
	static const char *const bad[] = { "", "  ", "\t", "a\nb", "a\x1b[31m" };
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(edit_check_id(bad[i], &err), -1);
	assert_int_equal(edit_check_id("", &err), -1);
	assert_string_equal(err.message, "an empty revision id; did you mean `none`?");
	assert_int_equal(edit_check_id("a\nb", &err), -1);
	assert_non_null(strstr(err.message, "'a\\nb' holds a control character (a newline)"));
	assert_int_equal(edit_check_id("it's", &err), 0);
	load(&p, &s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct strlist pl = { 0 };

		sl_push(&pl, bad[i]);
		assert_int_equal(edit_set_down(&s, "bbbb2222", &pl, true, &err), -1);
		assert_int_equal(edit_create_stub(&s, bad[i], NULL, NULL, &err), -1);
		sl_push(&pl, "dddd4444");
		assert_int_equal(edit_create_merge(&s, &pl, NULL, NULL, &err), -1);
		sl_free(&pl);
	}
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	unload(&p, &s);
}

/* Temporaries: their names fit NAME_MAX whatever the target's, and only names of
 * their exact form are taken for one (scan.c removes those when stale). */
static void test_temporary_names(void **state)
{
	(void)state;
	assert_true(save_is_temporary(".a.py.migtree-0123456789ab"));
	assert_false(save_is_temporary("a.py.migtree-0123456789ab"));
	assert_false(save_is_temporary(".a.py.migtree-0123456789AB"));
	assert_false(save_is_temporary(".a.py.migtree-0123456789a"));
	assert_false(save_is_temporary(".a.py.migtree-notours"));
	assert_false(save_is_temporary(".migtree-0123456789ab"));
	assert_false(save_is_temporary(".a.py"));
	assert_true(1 + SAVE_BASE_MAX + strlen(".migtree-") + SAVE_SUFFIX_LEN <= NAME_MAX);
}

static void test_new_files(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	struct strlist heads = { 0 };
	char *id = NULL, *name, *t;

	(void)state;
	setenv("MIGTREE_NEW_REVISION_ID", "0123456789ab", 1);
	setenv("MIGTREE_NOW", "2025-02-03 04:05:06.000007", 1);
	load(&p, &s);
	sl_push(&heads, "cccc3333");
	sl_push(&heads, "dddd4444");
	assert_int_equal(edit_create_merge(&s, &heads, "Merge heads: c & d!", &id, &err), 0);
	assert_string_equal(id, "0123456789ab");
	assert_int_equal(save_session(&s, &save_io_system, NULL, &err), 0);
	name = path_of("0123456789ab_merge_heads_c_d.py");
	t = slurp(name, NULL);
	assert_non_null(t);
	assert_non_null(strstr(t, "Revises: cccc3333, dddd4444\n"));
	assert_non_null(strstr(t, "down_revision: Union[str, Sequence[str], None] = ('cccc3333', 'dddd4444')\n"));
	assert_non_null(strstr(t, "Create Date: 2025-02-03 04:05:06.000007"));
	assert_non_null(strstr(t, "# Created by migtree"));
	assert_int_equal(p.graph.heads.n, 1);
	/* the same name again is refused before anything is written */
	free(id);
	id = NULL;
	assert_int_equal(edit_create_merge(&s, &heads, "x", &id, &err), -1);
	sl_free(&heads);
	free(t);
	free(name);
	unload(&p, &s);
	unsetenv("MIGTREE_NEW_REVISION_ID");
	unsetenv("MIGTREE_NOW");
}

/* MERGE's names, comma-separated, refused with WHY (ELSEWHERE: names another
 * branch has, or NULL); nothing is written. */
static void assert_merge_refused(struct edit_session *s, const char *merge, const char *elsewhere, const char *why)
{
	struct strlist heads = { 0 }, other = { 0 };
	struct mt_error err = { 0 };
	char *copy = xstrdup(merge), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		sl_push(&heads, t);
	free(copy);
	copy = elsewhere ? xstrdup(elsewhere) : NULL;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
		sl_push(&other, t);
	assert_int_equal(edit_create_merge_with(s, &heads, elsewhere ? &other : NULL, NULL, NULL, &err), -1);
	assert_string_equal(err.message, why);
	assert_int_equal(edit_changed(s, NULL, 0), 0);
	free(copy);
	sl_free(&heads);
	sl_free(&other);
}

/* A merge's names are looked up in an index, not against each other: the
 * first name at fault, in the order given, is the one reported, whether it is
 * named twice, absent or no head; a name another branch has may be absent. */
static void test_merge_heads_refused_in_order(void **state)
{
	struct project p;
	struct edit_session s;
	struct strbuf many;

	(void)state;
	load(&p, &s);
	assert_merge_refused(&s, "cccc3333,dddd4444,cccc3333", NULL, "cccc3333 is named twice");
	assert_merge_refused(&s, "cccc3333,bbbb2222,cccc3333", NULL,
			     "bbbb2222 is not a head (a merge joins heads; set-down re-parents others)");
	assert_merge_refused(&s, "cccc3333,cccc3333,bbbb2222", NULL, "cccc3333 is named twice");
	assert_merge_refused(&s, "cccc3333,ffff9999,dddd4444,dddd4444", NULL, "no revision ffff9999");
	assert_merge_refused(&s, "ffff9999,cccc3333,ffff9999", "ffff9999", "ffff9999 is named twice");
	assert_merge_refused(&s, "ffff9999,eeee8888,cccc3333", "eeee8888", "no revision ffff9999");
	assert_merge_refused(&s, "ffff9999,eeee8888", "eeee8888,ffff9999", "none of the heads is in this history");
	sb_init(&many); /* the first repeat far down a long list */
	for (unsigned i = 0; i < 3000; i++)
		sb_addf(&many, "f%07u,", i);
	sb_adds(&many, "dddd4444,cccc3333,f0002999,cccc3333");
	assert_merge_refused(&s, many.buf, many.buf, "f0002999 is named twice");
	sb_free(&many);
	/* more heads than migtree reads in one value: the file it would write is
	 * one it then calls unparsable (plan proposed it for 10,004 heads) */
	sb_init(&many);
	sb_adds(&many, "cccc3333,dddd4444");
	for (unsigned i = 0; i < MT_MAX_VALUE_IDS - 1; i++)
		sb_addf(&many, ",f%07u", i);
	assert_merge_refused(&s, many.buf, many.buf, "a merge of 10001 heads names more than 10000 ids in one "
			     "down_revision, more than migtree reads: merge them in parts");
	sb_free(&many);
	unload(&p, &s);
}

/* Steps fused into one (a plan's): per file its bytes before the first and
 * after the last, a file changed back dropped from nothing, a file made then
 * changed new with its last bytes; one undo takes it all back, redo brings the
 * same diff. */
static void test_fused_steps(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	struct strlist heads = { 0 };
	char *id = NULL, *before, *last, *redone;
	size_t mark;

	(void)state;
	setenv("MIGTREE_NEW_REVISION_ID", "0123456789ab", 1);
	setenv("MIGTREE_NOW", "2025-02-03 04:05:06.000007", 1);
	load(&p, &s);
	set_down(&s, "dddd4444", "aaaa1111"); /* a step before the mark: not fused */
	mark = edit_mark(&s);
	set_down(&s, "bbbb2222", "");
	set_down(&s, "cccc3333", "bbbb2222");
	set_down(&s, "bbbb2222", "aaaa1111"); /* b back as it was */
	sl_push(&heads, "cccc3333");
	sl_push(&heads, "dddd4444");
	assert_int_equal(edit_create_merge(&s, &heads, "merge", &id, &err), 0);
	set_down(&s, id, "dddd4444,cccc3333"); /* the new file changed */
	before = edit_diff(&s);
	edit_fuse(&s, mark);
	assert_int_equal(s.n_undo, mark + 1);
	redone = edit_diff(&s);
	assert_string_equal(redone, before);
	free(redone);
	last = edit_last_step_diff(&s);
	assert_null(strstr(last, "b.py")); /* changed back: no change in the step */
	assert_non_null(strstr(last, "c.py"));
	assert_non_null(strstr(last, "+down_revision: Union[str, Sequence[str], None] = ('dddd4444', 'cccc3333')"));
	assert_int_equal(edit_undo(&s), 0);
	assert_int_equal(edit_changed(&s, NULL, 0), 1); /* d.py, before the mark */
	assert_int_equal(edit_redo(&s), 0);
	redone = edit_diff(&s);
	assert_string_equal(redone, before);
	free(redone);
	free(last);
	free(before);
	free(id);
	sl_free(&heads);
	unload(&p, &s);
	unsetenv("MIGTREE_NEW_REVISION_ID");
	unsetenv("MIGTREE_NOW");
}

/* An edit that cannot split a piece keeps the pieces without finding them
 * again from every edge; one that can, finds them again. The piece here has
 * two nodes with no edge down (the base and a missing revision), so it is the
 * walks down from the old and the new parent that decide. */
static void test_pieces_kept_unless_split(void **state)
{
	struct project p;
	struct edit_session s;
	struct graph *g = &p.graph;
	uint64_t found;

	(void)state;
	put("e.py", "revision = 'eeee5555'\ndown_revision = 'dddd4444'\n");
	put("f.py", "revision = 'ffff6666'\ndown_revision = 'missing0'\n");
	put("g.py", "revision = 'gggg7777'\ndown_revision = ('eeee5555', 'ffff6666')\n");
	load(&p, &s);
	assert_int_equal(g->n_components, 1);
	found = g->work.pieces;
	set_down(&s, "eeee5555", "bbbb2222"); /* from dddd4444: both walks reach aaaa1111 */
	assert_int_equal(g->work.pieces, found);
	assert_int_equal(g->n_components, 1);
	set_down(&s, "eeee5555", "ffff6666"); /* aaaa1111..dddd4444 now hang on nothing else */
	assert_true(g->work.pieces > found);
	assert_int_equal(g->n_components, 2);
	assert_int_not_equal(g->component[graph_find(g, "aaaa1111")], g->component[graph_find(g, "gggg7777")]);
	assert_int_equal(g->component[graph_find(g, "missing0")], g->component[graph_find(g, "eeee5555")]);
	unload(&p, &s);
}

/* P's history order is the one a walk with nothing kept makes. */
static void assert_order_fresh(const struct project *p)
{
	struct u32vec fresh = { 0 };

	history_order_all(&p->graph, &fresh);
	assert_int_equal(fresh.n, p->order.n);
	for (uint32_t i = 0; i < fresh.n; i++)
		if (fresh.v[i] != p->order.v[i])
			fail_msg("row %u: %s, a fresh walk has %s", i, p->graph.nodes[p->order.v[i]].id,
				 p->graph.nodes[fresh.v[i]].id);
	free(fresh.v);
}

/* The kept ranking knows which revisions continue their parent's line
 * (order.c's chains): an edit that gives a parent a second child ends its
 * first child's line there, and the walk must then stop at the parent. zzzz
 * is walked before vvvv (file order), so a line zzzz-qqqq left as it was
 * would put qqqq above vvvv, its new child. */
static void test_kept_order_follows_edits(void **state)
{
	struct project p;
	struct edit_session s;

	(void)state;
	put("p1.py", "revision = 'zzzz0002'\ndown_revision = 'qqqq0001'\n");
	put("p2.py", "revision = 'vvvv0003'\ndown_revision = 'aaaa1111'\n");
	put("q.py", "revision = 'qqqq0001'\ndown_revision = 'aaaa1111'\n");
	load_as(&p, &s, true);
	assert_non_null(p.graph.ranks);
	set_down(&s, "vvvv0003", "qqqq0001");
	assert_order_fresh(&p);
	set_down(&s, "vvvv0003", "zzzz0002"); /* qqqq's one child again: a line qqqq-zzzz-vvvv */
	assert_order_fresh(&p);
	set_down(&s, "zzzz0002", "cccc3333"); /* vvvv's line moves under cccc, qqqq a head */
	assert_order_fresh(&p);
	assert_non_null(p.graph.ranks); /* the edits above were made with it */
	unload(&p, &s);
}

/* The same where the edited revision's own line changes, every parent an
 * existing revision (so every edit patches the kept ranking, none drops
 * it): cccc leaves the line aaaa-bbbb-cccc-dddd for eeee and comes back,
 * then dddd moves under bbbb, which then has two children. */
static void test_kept_order_follows_own_line(void **state)
{
	struct project p;
	struct edit_session s;
	const struct order_ranks *kept;

	(void)state;
	put("a.py", "revision = 'aaaa0001'\ndown_revision = None\n");
	put("b.py", "revision = 'bbbb0002'\ndown_revision = 'aaaa0001'\n");
	put("c.py", "revision = 'cccc0003'\ndown_revision = 'bbbb0002'\n");
	put("d.py", "revision = 'dddd0004'\ndown_revision = 'cccc0003'\n");
	put("e.py", "revision = 'eeee0005'\ndown_revision = 'aaaa0001'\n");
	load_as(&p, &s, true);
	kept = p.graph.ranks;
	assert_non_null(kept);
	set_down(&s, "cccc0003", "eeee0005");
	assert_order_fresh(&p);
	set_down(&s, "cccc0003", "bbbb0002");
	assert_order_fresh(&p);
	set_down(&s, "dddd0004", "bbbb0002");
	assert_order_fresh(&p);
	set_down(&s, "cccc0003", "dddd0004");
	assert_order_fresh(&p);
	assert_ptr_equal(p.graph.ranks, kept); /* patched by each edit, never made again */
	unload(&p, &s);
}

static void test_names_and_slugs(void **state)
{
	struct mt_error err = { 0 };
	struct tm tm = { .tm_year = 124, .tm_mon = 4, .tm_mday = 1, .tm_hour = 9, .tm_min = 5, .tm_sec = 7 };
	char *s;

	(void)state;
	s = newfile_slug("Add 'users' table, with e-mail!", 40);
	assert_string_equal(s, "add_users_table_with_e_mail");
	free(s);
	s = newfile_slug("one two three four five six seven eight nine", 20);
	assert_string_equal(s, "one_two_three_four_"); /* Alembic cuts at a word and keeps '_' */
	free(s);
	s = newfile_format_template("%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(rev)s_%(slug)s",
				    "ab12", "x_y", &tm, 0, &err);
	assert_string_equal(s, "2024_05_01_0905-ab12_x_y");
	free(s);
	assert_null(newfile_format_template("%(nope)s", "a", "b", &tm, 0, &err));
	assert_false(newfile_valid_id("../etc/passwd"));
	assert_false(newfile_valid_id("a/b"));
	assert_false(newfile_valid_id(".hidden"));
	assert_true(newfile_valid_id("005_add_qec_conflict_resolution_fields"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_undo_redo_restore_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_reads_the_file_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_heads_refused_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_writes_and_keeps_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_leave_originals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_on_disk_is_never_overwritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanished_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_mid_save_never_tears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fused_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_save_is_reported_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ids_refused, setup, teardown),
		cmocka_unit_test(test_temporary_names),
		cmocka_unit_test(test_fix_rendering),
		cmocka_unit_test_setup_teardown(test_fix_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_validator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_problems_by_node, setup, teardown),
		cmocka_unit_test_setup_teardown(test_published_fixes, setup, teardown),
		cmocka_unit_test(test_names_and_slugs),
		cmocka_unit_test_setup_teardown(test_pieces_kept_unless_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_order_follows_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_order_follows_own_line, setup, teardown),
	};

	return cmocka_run_group_tests_name("edit", tests, NULL, NULL);
}
