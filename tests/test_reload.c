/* test_reload.c - the reload that re-reads only what changed (reload.h): a file
 * is taken as it was only when its stat is unchanged and was not racy; a file
 * changed within the timestamp granularity of its read is read again, as git
 * re-reads racily clean index entries; edited files are always read again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "migtree/reload.h"
#include "migtree/scan.h"
#include "migtree/ui.h"

static char root[PATH_MAX];

static void put(const char *name, const char *rev, const char *down)
{
	char *p = xasprintf("%s/versions/%s", root, name);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	fprintf(f, "\"\"\"%s\n\"\"\"\nrevision = '%s'\ndown_revision = %s\n", rev, rev, down);
	fclose(f);
	free(p);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/migtree-reload-XXXXXX";
	char *dir;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	dir = xasprintf("%s/versions", root);
	assert_int_equal(mkdir(dir, 0755), 0);
	free(dir);
	put("a.py", "aaaa", "None");
	put("b.py", "bbbb", "'aaaa'");
	put("c.py", "cccc", "'bbbb'");
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	unsetenv("MIGTREE_RACY_NS");
	return 0;
}

static struct config_request request(void)
{
	static char dir[PATH_MAX + 16];

	snprintf(dir, sizeof(dir), "%s/versions", root);
	return (struct config_request){ .versions_dir = dir };
}

static void load(struct project *p)
{
	struct config_request req = request();
	struct mt_error err = { 0 };

	assert_int_equal(project_load(&req, p, &err), 0);
}

/* OLD reloaded into OLD: returns project_reload's result, the counts in ST. */
static int reload(struct project *old, struct reload_stats *st)
{
	struct config_request req = request();
	struct mt_error err = { 0 };
	struct project fresh;
	int rc = project_reload(&req, old, NULL, &fresh, st, &err);

	assert_true(rc >= 0);
	if (rc == 0) {
		project_free(old);
		*old = fresh;
	}
	return rc;
}

static const char *down_of(const struct project *p, const char *rev)
{
	uint32_t v = graph_find(&p->graph, rev);

	assert_int_not_equal(v, NO_NODE);
	return p->graph.nodes[v].down.n ? p->graph.nodes[p->graph.nodes[v].down.v[0]].id : "None";
}

/* The rule itself, on made-up stamps. */
static void test_rule(void **state)
{
	const int64_t s = 1000000000LL, t = 1700000000LL * s;
	struct file_stamp old = { 100, t, t, 7, 1, t + 5 * s }, now = old;

	(void)state;
	assert_false(reload_changed(&old, 0, &now));          /* read well after its last change */
	now.size = 101;
	assert_true(reload_changed(&old, 0, &now));
	now = old, now.mtime_ns++;
	assert_true(reload_changed(&old, 0, &now));            /* ns timestamps count */
	now = old, now.ctime_ns++;
	assert_true(reload_changed(&old, 0, &now));
	now = old, now.ino = 8;
	assert_true(reload_changed(&old, 0, &now));            /* replaced by another file */
	old.read_ns = t + s / 2, now = old;
	assert_true(reload_changed(&old, 0, &now));            /* racy: changed in the second it was read */
	/* no stamp: a plain load at LOAD_NS; the file's own times decide */
	now = (struct file_stamp){ 100, t, t, 7, 1, 0 };
	assert_false(reload_changed(NULL, t + 5 * s, &now));
	assert_true(reload_changed(NULL, t + s / 2, &now));    /* racy against the load */
	assert_true(reload_changed(NULL, 0, &now));            /* no load time (a git tree): read */
}

static void test_only_changed_files_are_read(void **state)
{
	struct project p;
	struct reload_stats st;

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1); /* the files were written a moment ago */
	load(&p);
	assert_int_equal(reload(&p, &st), 1); /* nothing changed: the caller keeps OLD */
	assert_int_equal(st.files, 3);
	assert_int_equal(st.reread, 0);
	put("c.py", "cccc", "'aaaa'");
	assert_int_equal(reload(&p, &st), 0);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.reread, 1);
	assert_string_equal(down_of(&p, "cccc"), "aaaa");
	assert_string_equal(down_of(&p, "bbbb"), "aaaa");
	for (size_t i = 0; i < p.files.n; i++) /* a file read again keeps no text, as the scan */
		assert_null(p.files.v[i]->text);
	put("d.py", "dddd", "'cccc'"); /* a new file; a removed one */
	{
		char *gone = xasprintf("%s/versions/a.py", root);

		assert_int_equal(unlink(gone), 0);
		free(gone);
	}
	assert_int_equal(reload(&p, &st), 0);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.reread, 1);
	assert_int_equal(graph_find(&p.graph, "dddd") != NO_NODE, 1);
	assert_true(p.graph.nodes[graph_find(&p.graph, "aaaa")].phantom);
	assert_int_equal(reload(&p, &st), 1);
	project_free(&p);
}

/* A file rewritten within the same second, same size, its mtime put back: only
 * the racy rule (and ctime) can tell; it is read again. */
static void test_touched_within_the_second_is_reread(void **state)
{
	struct project p;
	struct reload_stats st;
	char *path = xasprintf("%s/versions/b.py", root);
	struct stat before;

	(void)state;
	load(&p);
	reload(&p, &st); /* stamps every file (just written: racy, so all are read) */
	assert_int_equal(stat(path, &before), 0);
	put("b.py", "bbbb", "'cccc'"); /* the same size as before */
	{
		struct timespec ts[2] = { before.st_atim, before.st_mtim };

		assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	}
	assert_int_equal(reload(&p, &st), 0);
	assert_true(st.reread >= 1);
	assert_string_equal(down_of(&p, "bbbb"), "cccc");
	free(path);
	project_free(&p);
}

/* Files edited in memory are never taken as they are. */
static void test_edited_files_are_reread(void **state)
{
	struct project p, fresh;
	struct reload_stats st;
	struct config_request req = request();
	struct mt_error err = { 0 };
	bool pristine[3] = { true, false, true };

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1);
	load(&p);
	assert_int_equal(project_reload(&req, &p, pristine, &fresh, &st, &err), 0);
	assert_int_equal(st.reread, 1);
	project_free(&p);
	project_free(&fresh);
}

/* Every file's real path is the one a fresh load gives (links resolved), after
 * a reload in place and one with other files; with no link in the way it is
 * the path itself (the reload's lean listing). e.py, when there, is a link to
 * a file in another directory. */
static void assert_real_paths(const struct project *p)
{
	for (size_t i = 0; i < p->files.n; i++) {
		const struct revision_file *rf = p->files.v[i];
		bool link = !strcmp(rf->name, "e.py");
		char *want = xasprintf("%s/%s/%s", root, link ? "other" : "versions", rf->name);

		assert_non_null(rf->real_path);
		assert_string_equal(rf->real_path, want);
		if (link)
			assert_string_not_equal(rf->path, rf->real_path);
		else
			assert_string_equal(rf->path, rf->real_path);
		free(want);
	}
}

static void remove_version(const char *name)
{
	char *d = xasprintf("%s/versions/%s", root, name);

	assert_int_equal(unlink(d), 0);
	free(d);
}

static void test_real_paths_kept(void **state)
{
	struct config_request req = request();
	char *other = xasprintf("%s/other", root), *target = xasprintf("%s/other/e.py", root);
	char *link = xasprintf("%s/versions/e.py", root);
	struct mt_error err = { 0 };
	struct reload_stats st;
	struct project p, fresh;

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1);
	assert_int_equal(mkdir(other, 0755), 0);
	for (int linked = 0; linked < 2; linked++) {
		if (linked) {
			put("e.py", "eeee", "'cccc'");
			assert_int_equal(rename(link, target), 0);
			assert_int_equal(symlink(target, link), 0);
		}
		assert_int_equal(project_load(&req, &p, &err), 0);
		assert_int_equal(p.files.n, 3 + (size_t)linked);
		assert_real_paths(&p);
		/* the link's target changed: its real path comes from the listing */
		put(linked ? "e.py" : "c.py", linked ? "eeee" : "cccc", "'aaaa'");
		assert_int_equal(project_reload_in_place(&req, &p, NULL, &st, &err), 0);
		assert_int_equal(st.reread, 1);
		assert_real_paths(&p);
		put("d.py", "dddd", "'cccc'"); /* another file: a new project */
		assert_int_equal(project_reload_in_place(&req, &p, NULL, &st, &err), 2);
		assert_int_equal(project_reload(&req, &p, NULL, &fresh, &st, &err), 0);
		assert_int_equal(st.reread, 1);
		assert_real_paths(&fresh);
		project_free(&p);
		project_free(&fresh);
		remove_version("d.py");
	}
	free(other);
	free(target);
	free(link);
}

/* P has the files a fresh load gives now, in its order, with its revisions. */
static void assert_as_fresh(const struct project *p)
{
	struct project q;

	load(&q);
	assert_int_equal(p->files.n, q.files.n);
	for (size_t i = 0; i < q.files.n; i++) {
		assert_string_equal(p->files.v[i]->path, q.files.v[i]->path);
		assert_string_equal(p->files.v[i]->real_path, q.files.v[i]->real_path);
		assert_string_equal(p->files.v[i]->revision, q.files.v[i]->revision);
	}
	assert_int_equal(p->graph.n, q.graph.n);
	project_free(&q);
}

/* P's graph is the one a fresh load makes now: each revision's parents, heads
 * and history order. */
static void assert_graph_as_fresh(const struct project *p)
{
	struct project q;

	load(&q);
	assert_int_equal(p->graph.n, q.graph.n);
	for (uint32_t i = 0; i < q.graph.n; i++) {
		const struct node *b = &q.graph.nodes[i];
		uint32_t v = graph_find(&p->graph, b->id);
		const struct node *a;

		assert_int_not_equal(v, NO_NODE);
		a = &p->graph.nodes[v];
		assert_int_equal(a->down.n, b->down.n);
		for (uint32_t k = 0; k < b->down.n; k++)
			assert_string_equal(p->graph.nodes[a->down.v[k]].id, q.graph.nodes[b->down.v[k]].id);
		assert_int_equal(a->is_head, b->is_head);
	}
	assert_int_equal(p->order.n, q.order.n);
	for (uint32_t k = 0; k < q.order.n; k++)
		assert_string_equal(p->graph.nodes[p->order.v[k]].id, q.graph.nodes[q.order.v[k]].id);
	project_free(&q);
}

/* A reload in place relinks a few changed files one by one and builds the
 * graph again for many, or from the first it cannot relink: either way the
 * graph is a fresh load's. */
static void test_in_place_relinks_few_rebuilds_many(void **state)
{
	struct config_request req = request();
	struct mt_error err = { 0 };
	struct reload_stats st;
	struct project p;
	char name[32], rev[32], down[32];
	const int n = 16;
	uint64_t refused;

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1);
	for (int i = 0; i < n; i++) { /* a chain r00 <- r01 <- ... */
		snprintf(name, sizeof(name), "r%02d.py", i);
		snprintf(rev, sizeof(rev), "r%02d", i);
		snprintf(down, sizeof(down), i ? "'r%02d'" : "None", i - 1);
		put(name, rev, down);
	}
	load(&p);
	for (int round = 0; round < 2; round++) {
		int changed = round ? 12 : 2; /* past RELINK_MAX (8), then not */
		uint64_t relinked = p.updates_done;

		for (int i = 0; i < changed; i++) { /* r(n-1-i) onto r00: a fan of heads */
			snprintf(name, sizeof(name), "r%02d.py", n - 1 - i);
			snprintf(rev, sizeof(rev), "r%02d", n - 1 - i);
			put(name, rev, "'r00'");
		}
		assert_int_equal(project_reload_in_place(&req, &p, NULL, &st, &err), 0);
		assert_int_equal(st.reread, (size_t)changed);
		assert_string_equal(down_of(&p, "r15"), "r00");
		/* two relinked one by one; twelve by one build (a new graph counts none) */
		if (!round)
			assert_int_equal(p.updates_done - relinked, 2);
		assert_graph_as_fresh(&p);
	}
	/* a relink, then one that cannot be (an id changed): the rest by one build */
	refused = p.updates_refused;
	put("r02.py", "r02", "'r00'");
	put("r03.py", "r03x", "'r02'");
	put("r05.py", "r05", "'r00'");
	assert_int_equal(project_reload_in_place(&req, &p, NULL, &st, &err), 0);
	assert_int_equal(st.reread, 3);
	assert_int_equal(p.updates_refused - refused, 1);
	assert_string_equal(down_of(&p, "r03x"), "r02");
	assert_string_equal(down_of(&p, "r05"), "r00");
	assert_graph_as_fresh(&p);
	project_free(&p);
}

/* Long enough after the last change that the directory's stamp is not racy. */
static void settle(void)
{
	usleep(80 * 1000);
}

static void rename_version(const char *from, const char *to)
{
	char *a = xasprintf("%s/versions/%s", root, from), *b = xasprintf("%s/versions/%s", root, to);

	assert_int_equal(rename(a, b), 0);
	free(a);
	free(b);
}

/* The change N of a directory: a name added, one removed, one renamed. */
static void change_dir(int n)
{
	static const char *added[] = { "d.py", "e.py" };

	switch (n % 3) {
	case 0:
		put(added[n / 3 % 2], n / 3 % 2 ? "eeee" : "dddd", "'cccc'");
		break;
	case 1:
		remove_version(n / 3 % 2 ? "e.py" : "d.py");
		break;
	default:
		rename_version(n / 3 % 2 ? "b.py" : "x.py", n / 3 % 2 ? "x.py" : "b.py");
	}
}

/* The listing of the version directory is kept between reloads while the
 * directory's stamp is unchanged and was not racy: each name added, removed
 * or renamed shows, the directory's stamp taken well before (fresh) or in the
 * same tick as the change (racy: then its stamp looks the same). */
/* Past SCAN_PARALLEL_AT files the stamps are taken in threads, each a share of
 * the listing: a change at either end of any share is still found, and only
 * the changed files are read. */
static void test_many_files_stamped_in_shares(void **state)
{
	const unsigned n = SCAN_PARALLEL_AT + 501;
	const unsigned changed[] = { 1, n / 2 - 1, n / 2, n / 2 + 1, n / 3, 2 * n / 3, n - 1 };
	struct project p;
	struct reload_stats st;
	char name[32], rev[32], down[40];

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1);
	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "m%05u.py", i);
		snprintf(rev, sizeof(rev), "r%05u", i);
		snprintf(down, sizeof(down), i ? "'r%05u'" : "None", i - 1);
		put(name, rev, down);
	}
	load(&p);
	assert_int_equal(reload(&p, &st), 1);
	assert_int_equal(st.files, n + 3);
	for (size_t k = 0; k < sizeof(changed) / sizeof(changed[0]); k++) {
		snprintf(name, sizeof(name), "m%05u.py", changed[k]);
		snprintf(rev, sizeof(rev), "r%05u", changed[k]);
		put(name, rev, "'r00000'");
	}
	assert_int_equal(reload(&p, &st), 0);
	assert_int_equal(st.reread, sizeof(changed) / sizeof(changed[0]));
	for (size_t k = 0; k < sizeof(changed) / sizeof(changed[0]); k++) {
		snprintf(rev, sizeof(rev), "r%05u", changed[k]);
		assert_string_equal(down_of(&p, rev), "r00000");
	}
	assert_string_equal(down_of(&p, "r00003"), "r00002");
	project_free(&p);
}

static void test_listing_follows_directory(void **state)
{
	struct project p;
	struct reload_stats st;

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1); /* the files: trusted however recent */
	setenv("MIGTREE_DIR_RACY_NS", "50000000", 1);
	rename_version("b.py", "x.py");
	settle();
	load(&p);
	assert_int_equal(reload(&p, &st), 1);
	assert_false(st.listing_kept); /* none yet */
	assert_int_equal(reload(&p, &st), 1);
	assert_true(st.listing_kept); /* the reuse is there to be tested */
	for (int n = 0; n < 12; n++) {
		bool racy = n >= 6;

		if (!racy) { /* the directory's stamp taken well after its last change */
			settle();
			assert_int_equal(reload(&p, &st), 1);
			assert_int_equal(reload(&p, &st), 1);
			assert_true(st.listing_kept);
		}
		change_dir(n);
		if (racy) { /* changed in the tick it was read: its stamp looks the same */
			struct dir_listing *l = p.stamps->listing;

			assert_non_null(l);
			assert_int_equal(l->dirs.n, 1);
			assert_true(reload_stat(l->dirs.v[0], 0, &l->dir_st[0]));
			l->dir_st[0].read_ns = l->dir_st[0].mtime_ns;
		}
		assert_int_equal(reload(&p, &st), 0);
		assert_false(st.listing_kept);
		assert_as_fresh(&p);
	}
	/* a save by rename (as editors and sed -i do): the directory's stamp
	 * changes, not its entries; the listing is kept, the file read again */
	settle();
	put("c.new", "cccc", "'aaaa'");
	rename_version("c.new", "c.py");
	assert_int_equal(reload(&p, &st), 0);
	assert_true(st.listing_kept);
	assert_int_equal(st.reread, 1);
	assert_string_equal(down_of(&p, "cccc"), "aaaa");
	assert_as_fresh(&p);
	unsetenv("MIGTREE_DIR_RACY_NS");
	project_free(&p);
}

/* ---- with what a watch saw (struct reload_hint) ---------------------------- */

static char *versions_dir(void)
{
	return xasprintf("%s/versions", root);
}

/* A hint watching the version directory from now, as ui/watch.c makes it. */
static void hint_watching(struct reload_hint *h)
{
	char *dir = versions_dir();
	struct stat st;

	reload_hint_init(h);
	h->complete = true;
	assert_int_equal(stat(dir, &st), 0);
	reload_hint_add_dir(h, dir, (uint64_t)st.st_dev, (uint64_t)st.st_ino, reload_now_ns());
	free(dir);
}

/* What the watch would have said of NAME: written (ENTRY: added, removed or
 * renamed too). */
static void told(struct reload_hint *h, const char *name, bool entry)
{
	char *dir = versions_dir();

	reload_hint_name(h, dir, name, RELOAD_HINT_CONTENT | (entry ? RELOAD_HINT_ENTRY : 0u));
	free(dir);
}

/* P reloaded with H as the explorer does it (in place, else a new project),
 * the names then taken; the result of the first call that was not 2. */
static int reload_hinted(struct project *p, const struct reload_hint *h, struct reload_stats *st)
{
	struct config_request req = request();
	struct mt_error err = { 0 };
	struct project fresh;
	int rc = project_reload_in_place_hinted(&req, p, NULL, h, st, &err);

	if (rc == 2) {
		rc = project_reload_hinted(&req, p, NULL, h, &fresh, st, &err);
		if (rc == 0) {
			project_free(p);
			*p = fresh;
		}
	}
	assert_true(rc >= 0);
	return rc;
}

/* With a hint, a file is stat'ed only when the watch cannot vouch for it: its
 * stamp older than the watch, or a name the watch saw; the reload then equals
 * a full load. A hint that missed something (a queue that overflowed) vouches
 * for nothing: every file is stat'ed, and what changed unseen is found. */
static void test_hint_spares_stats(void **state)
{
	struct reload_hint h;
	struct reload_stats st;
	struct project p;

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1);
	load(&p);
	hint_watching(&h);
	assert_int_equal(reload_hinted(&p, &h, &st), 1);
	assert_int_equal(st.statted, 3); /* read before the watch began */
	assert_int_equal(reload_hinted(&p, &h, &st), 1);
	assert_int_equal(st.statted, 0); /* found unchanged since: the watch vouches */
	assert_true(st.listing_kept);
	put("c.py", "cccc", "'aaaa'");
	told(&h, "c.py", false);
	assert_int_equal(reload_hinted(&p, &h, &st), 0);
	assert_int_equal(st.statted, 1);
	assert_int_equal(st.reread, 1);
	assert_string_equal(down_of(&p, "cccc"), "aaaa");
	assert_as_fresh(&p);
	reload_hint_clear_names(&h);
	/* what the watch did not see is not looked at: the work is the hint's */
	put("b.py", "bbbb", "None");
	assert_int_equal(reload_hinted(&p, &h, &st), 1);
	assert_int_equal(st.statted, 0);
	assert_string_equal(down_of(&p, "bbbb"), "aaaa");
	h.complete = false;
	assert_int_equal(reload_hinted(&p, &h, &st), 0);
	assert_int_equal(st.statted, 3);
	assert_int_equal(st.reread, 1);
	assert_string_equal(down_of(&p, "bbbb"), "None");
	assert_as_fresh(&p);
	reload_hint_free(&h);
	project_free(&p);
}

/* A racy stamp is never vouched for: the file is read again, as without a
 * hint (MIGTREE_RACY_NS unset: files written a moment ago are racy). */
static void test_hint_keeps_racy_rule(void **state)
{
	struct reload_hint h;
	struct reload_stats st;
	struct project p;

	(void)state;
	load(&p);
	hint_watching(&h);
	assert_int_equal(reload_hinted(&p, &h, &st), 0);
	assert_int_equal(st.reread, 3); /* all written within the second of the load */
	assert_int_equal(reload_hinted(&p, &h, &st), 0);
	assert_int_equal(st.statted, 3); /* read within the second: racy still */
	assert_int_equal(st.reread, 3);
	assert_as_fresh(&p);
	reload_hint_free(&h);
	project_free(&p);
}

/* The last listing is taken without reading the directory when no name the
 * watch saw added, removed or renamed changes it: an editor's save by rename,
 * a file that is no migration; a migration added or removed, a subdirectory
 * made, are listed again. Each time, the same as a full load. */
static void test_hint_keeps_listing(void **state)
{
	struct reload_hint h;
	struct reload_stats st;
	struct project p;
	char *sub = xasprintf("%s/versions/sub", root), *notes = xasprintf("%s/versions/notes.txt", root);
	struct config_request req = request();
	struct mt_error err = { 0 };
	FILE *f;

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1);
	load(&p);
	hint_watching(&h);
	assert_int_equal(reload_hinted(&p, &h, &st), 1);
	assert_false(st.listing_kept); /* none yet */
	/* sed -i: a temporary written, renamed over the file */
	put("sedX1", "cccc", "'aaaa'");
	rename_version("sedX1", "c.py");
	told(&h, "sedX1", true);
	told(&h, "c.py", true);
	assert_int_equal(reload_hinted(&p, &h, &st), 0);
	assert_true(st.listing_kept);
	assert_int_equal(st.reread, 1);
	assert_as_fresh(&p);
	reload_hint_clear_names(&h);
	assert_non_null(f = fopen(notes, "w"));
	fclose(f);
	told(&h, "notes.txt", true);
	assert_int_equal(reload_hinted(&p, &h, &st), 1);
	assert_true(st.listing_kept);
	reload_hint_clear_names(&h);
	/* other files: listed again by the reload in place (then the new
	 * project takes that listing: its counts are the ones said) */
	put("d.py", "dddd", "'cccc'");
	told(&h, "d.py", true);
	assert_int_equal(project_reload_in_place_hinted(&req, &p, NULL, &h, &st, &err), 2);
	assert_false(st.listing_kept);
	assert_int_equal(reload_hinted(&p, &h, &st), 0);
	assert_int_equal(st.files, 4);
	assert_as_fresh(&p);
	reload_hint_clear_names(&h);
	remove_version("a.py");
	told(&h, "a.py", true);
	assert_int_equal(project_reload_in_place_hinted(&req, &p, NULL, &h, &st, &err), 2);
	assert_false(st.listing_kept);
	assert_int_equal(reload_hinted(&p, &h, &st), 0);
	assert_int_equal(st.files, 3);
	assert_as_fresh(&p);
	reload_hint_clear_names(&h);
	assert_int_equal(mkdir(sub, 0755), 0);
	told(&h, "sub", true);
	reload_hinted(&p, &h, &st);
	assert_false(st.listing_kept);
	assert_as_fresh(&p);
	reload_hint_free(&h);
	project_free(&p);
	free(sub);
	free(notes);
}

/* A watch on a directory vouches for that directory only: the version
 * directory replaced by another one (a parent renamed, a checkout that made it
 * anew) is stat'ed and listed again. */
static void test_hint_directory_replaced(void **state)
{
	struct reload_hint h;
	struct reload_stats st;
	struct project p;
	char *cmd = xasprintf("cd '%s' && mv versions old && cp -a old versions && sed -i \"s/^down_revision = .*/"
			      "down_revision = None/\" versions/b.py", root);

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1);
	load(&p);
	hint_watching(&h);
	assert_int_equal(reload_hinted(&p, &h, &st), 1);
	assert_int_equal(reload_hinted(&p, &h, &st), 1);
	assert_int_equal(st.statted, 0);
	assert_int_equal(system(cmd), 0); /* the watch would have seen nothing */
	assert_int_equal(reload_hinted(&p, &h, &st), 0);
	assert_int_equal(st.statted, 3);
	assert_false(st.listing_kept);
	assert_string_equal(down_of(&p, "bbbb"), "None");
	assert_as_fresh(&p);
	reload_hint_free(&h);
	project_free(&p);
	free(cmd);
}

#ifdef MIGTREE_WATCH
/* The explorer's own watch (ui/watch.c, inotify): what another process
 * changes is in its hint, and a reload stats that only; with a queue that
 * overflows (no room for a name), the next reload stats every file, and the
 * watch vouches again after it. */
static void test_watch_makes_hint(void **state)
{
	struct ui ui;
	struct reload_stats st;
	const struct reload_hint *h;

	(void)state;
	setenv("MIGTREE_RACY_NS", "0", 1);
	memset(&ui, 0, sizeof(ui));
	ui.watch_fd = -1;
	load(&ui.project);
	ui_watch_start(&ui);
	if (!ui.watch) { /* no inotify here (out of instances, or disabled) */
		project_free(&ui.project);
		skip();
	}
	assert_non_null(ui_watch_hint(&ui)); /* complete: it vouches */
	assert_int_equal(reload_hinted(&ui.project, ui_watch_hint(&ui), &st), 1);
	ui_watch_reloaded(&ui, true);
	assert_int_equal(st.statted, 3); /* read before the watch began */
	put("sedX1", "bbbb", "None");
	rename_version("sedX1", "b.py");
	h = ui_watch_hint(&ui);
	assert_non_null(h);
	assert_int_equal(reload_hinted(&ui.project, h, &st), 0);
	ui_watch_reloaded(&ui, true);
	assert_int_equal(st.statted, 1);
	assert_int_equal(st.reread, 1);
	assert_true(st.listing_kept);
	assert_as_fresh(&ui.project);
	ui_watch_stop(&ui);
	/* again, with no room for a name */
	setenv("MIGTREE_WATCH_MAX_NAMES", "0", 1);
	ui_watch_start(&ui);
	unsetenv("MIGTREE_WATCH_MAX_NAMES");
	assert_int_equal(reload_hinted(&ui.project, ui_watch_hint(&ui), &st), 1);
	ui_watch_reloaded(&ui, true);
	put("c.py", "cccc", "'aaaa'");
	assert_null(ui_watch_hint(&ui)); /* missed: none, and it begins again */
	assert_int_equal(reload_hinted(&ui.project, NULL, &st), 0);
	ui_watch_reloaded(&ui, true);
	assert_int_equal(st.statted, 3);
	assert_int_equal(st.reread, 1);
	assert_as_fresh(&ui.project);
	h = ui_watch_hint(&ui);
	assert_non_null(h);
	assert_int_equal(reload_hinted(&ui.project, h, &st), 1);
	assert_int_equal(st.statted, 0);
	ui_watch_stop(&ui);
	project_free(&ui.project);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test_setup_teardown(test_in_place_relinks_few_rebuilds_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_changed_files_are_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_touched_within_the_second_is_reread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_files_are_reread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_paths_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_follows_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_files_stamped_in_shares, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_spares_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_keeps_racy_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_keeps_listing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hint_directory_replaced, setup, teardown),
#ifdef MIGTREE_WATCH
		cmocka_unit_test_setup_teardown(test_watch_makes_hint, setup, teardown),
#endif
	};

	return cmocka_run_group_tests_name("reload", tests, NULL, NULL);
}
