/* test_config.c - finding and reading alembic.ini / pyproject.toml as Alembic does:
 * interpolation, %(here)s, separators, recursive locations, upward search, and the
 * errors that name the file and line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "migtree/config.h"
#include "migtree/ini.h"
#include "migtree/scan.h"

static char root[PATH_MAX], saved_cwd[PATH_MAX];

static void write_file(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", root, rel);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void make_dir(const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);

	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/migtree-config-XXXXXX";
	char *made = mkdtemp(tmpl);

	(void)state;
	assert_non_null(made);
	assert_non_null(realpath(made, root));
	assert_non_null(getcwd(saved_cwd, sizeof(saved_cwd)));
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	(void)state;
	assert_int_equal(chdir(saved_cwd), 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static void test_ini_interpolation(void **state)
{
	struct ini ini;
	struct mt_error err = { 0 };
	char *v, *path = xasprintf("%s/a.ini", root);

	(void)state;
	write_file("a.ini", "[DEFAULT]\nbase = /srv\n\n[alembic]\n# a comment\n"
			    "Script_Location = %(base)s/db\nfile_template = %%(rev)s_%%(slug)s\n"
			    "multi = one\n    two\n\n    three\n\nhere_path = %(here)s/x\nbad = %(nope)s\n");
	assert_int_equal(ini_load(&ini, path, &err), 0);
	free(path);
	assert_int_equal(ini_get(&ini, "alembic", "script_location", "/H", &v, &err), 0);
	assert_string_equal(v, "/srv/db");
	free(v);
	assert_int_equal(ini_get(&ini, "alembic", "file_template", "/H", &v, &err), 0);
	assert_string_equal(v, "%(rev)s_%(slug)s");
	free(v);
	assert_int_equal(ini_get(&ini, "alembic", "multi", "/H", &v, &err), 0);
	assert_string_equal(v, "one\ntwo\n\nthree");
	free(v);
	assert_int_equal(ini_get(&ini, "alembic", "here_path", "/H", &v, &err), 0);
	assert_string_equal(v, "/H/x");
	free(v);
	assert_int_equal(ini_get(&ini, "alembic", "bad", "/H", &v, &err), -1);
	assert_int_equal(err.line, 14);
	assert_non_null(strstr(err.message, "nope"));
	assert_int_equal(ini_get(&ini, "alembic", "absent", "/H", &v, &err), 0);
	assert_null(v);
	ini_free(&ini);
}

static void test_separators(void **state)
{
	struct strlist sl = { 0 };
	struct mt_error err = { 0 };

	(void)state;
	assert_int_equal(config_split_locations("a b,c,  d", NULL, &sl, "x", &err), 0);
	assert_int_equal(sl.n, 4);
	sl_free(&sl);
	assert_int_equal(config_split_locations("a b:c", "os", &sl, "x", &err), 0);
	assert_int_equal(sl.n, 2);
	assert_string_equal(sl.v[0], "a b");
	sl_free(&sl);
	assert_int_equal(config_split_locations("\n  a\n  b c\n", "newline", &sl, "x", &err), 0);
	assert_int_equal(sl.n, 2);
	assert_string_equal(sl.v[1], "b c");
	sl_free(&sl);
	assert_int_equal(config_split_locations("a", "comma", &sl, "x", &err), -1);
	assert_non_null(strstr(err.message, "comma"));
}

static void test_locate_upwards_and_scan_order(void **state)
{
	struct config_request req = { 0 };
	struct mt_config cfg;
	struct file_list fl;
	struct mt_error err = { 0 };
	char *sub;

	(void)state;
	make_dir("proj");
	make_dir("proj/db");
	make_dir("proj/db/versions");
	make_dir("proj/db/versions/b_sub");
	make_dir("proj/db/versions/a_sub");
	make_dir("proj/db/versions/__pycache__");
	make_dir("proj/deep");
	write_file("proj/alembic.ini", "[alembic]\nscript_location = db\nrecursive_version_locations = true\n");
	write_file("proj/db/versions/z.py", "revision = 'z1'\ndown_revision = None\n");
	write_file("proj/db/versions/a.py", "revision = 'a1'\ndown_revision = 'z1'\n");
	write_file("proj/db/versions/__init__.py", "");
	write_file("proj/db/versions/.#lock.py", "");
	write_file("proj/db/versions/notes.txt", "");
	write_file("proj/db/versions/b_sub/m.py", "revision = 'm1'\ndown_revision = 'a1'\n");
	write_file("proj/db/versions/a_sub/n.py", "revision = 'n1'\ndown_revision = 'a1'\n");
	write_file("proj/db/versions/__pycache__/c.py", "revision = 'c1'\ndown_revision = None\n");
	{
		char *link = xasprintf("%s/proj/db/versions/b_dangling.py", root);

		assert_int_equal(symlink("/nonexistent/target.py", link), 0);
		free(link);
	}
	sub = xasprintf("%s/proj/deep", root);
	assert_int_equal(chdir(sub), 0);
	free(sub);
	assert_int_equal(config_load(&req, &cfg, &err), 0);
	assert_true(cfg.recursive);
	assert_true(str_ends_with(cfg.version_locations.v[0], "/proj/db/versions"));
	assert_int_equal(scan_project(&cfg, &fl, &err), 0);
	/* files of a directory sorted, then its subdirectories sorted; caches skipped;
	 * a dangling link is listed with the reason it cannot be read */
	assert_int_equal(fl.n, 5);
	assert_string_equal(fl.v[0]->revision, "a1");
	assert_non_null(strstr(fl.v[1]->error, "cannot read"));
	assert_string_equal(fl.v[2]->revision, "z1");
	assert_string_equal(fl.v[3]->revision, "n1");
	assert_string_equal(fl.v[4]->revision, "m1");
	file_list_free(&fl);
	config_free(&cfg);
}

static void test_version_locations_and_pyproject(void **state)
{
	struct config_request req = { 0 };
	struct mt_config cfg;
	struct mt_error err = { 0 };
	char *path;

	(void)state;
	make_dir("pp");
	make_dir("pp/mig");
	make_dir("pp/one");
	make_dir("pp/two");
	write_file("pp/pyproject.toml", "[project]\nname = \"x\"\n\n[tool.alembic]\n"
					"script_location = \"%(here)s/mig\"\n"
					"version_locations = [\n  \"%(here)s/one\",\n  'two',  # relative\n]\n");
	path = xasprintf("%s/pp/pyproject.toml", root);
	req.config_file = path;
	assert_int_equal(config_load(&req, &cfg, &err), 0);
	assert_int_equal(cfg.version_locations.n, 2);
	assert_true(str_ends_with(cfg.version_locations.v[0], "/pp/one"));
	assert_true(str_ends_with(cfg.version_locations.v[1], "/pp/two"));
	config_free(&cfg);
	free(path);
}

static void test_config_errors(void **state)
{
	struct config_request req = { 0 };
	struct mt_config cfg;
	struct mt_error err = { 0 };
	char *path;

	(void)state;
	write_file("noloc.ini", "[alembic]\nsqlalchemy.url = x\n");
	path = xasprintf("%s/noloc.ini", root);
	req.config_file = path;
	assert_int_equal(config_load(&req, &cfg, &err), -1);
	assert_non_null(strstr(err.message, "script_location"));
	assert_string_equal(err.path, path);
	config_free(&cfg);
	req.section = "other";
	assert_int_equal(config_load(&req, &cfg, &err), -1);
	assert_non_null(strstr(err.message, "[other]"));
	config_free(&cfg);
	free(path);
	write_file("broken.ini", "[alembic]\nscript_location\n");
	path = xasprintf("%s/broken.ini", root);
	req.config_file = path;
	req.section = NULL;
	assert_int_equal(config_load(&req, &cfg, &err), -1);
	assert_int_equal(err.line, 2);
	config_free(&cfg);
	free(path);
	req.config_file = "/nonexistent/alembic.ini";
	assert_int_equal(config_load(&req, &cfg, &err), -1);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_interpolation),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_locate_upwards_and_scan_order),
		cmocka_unit_test(test_version_locations_and_pyproject),
		cmocka_unit_test(test_config_errors),
	};

	return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
