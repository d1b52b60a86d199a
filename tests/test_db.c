/* test_db.c - the database layer without a server: SQLAlchemy URLs (parts,
 * percent-decoding, the masked form, SQLite's paths, dialects migtree does not
 * read), SQLite version tables made here with plain SQL (rows, empty, absent,
 * a missing file that must stay missing, a locked file that must time out),
 * and the applied/pending/unknown state against a graph. The expected URL
 * parts and masked forms are what SQLAlchemy 1.4's make_url and
 * render_as_string give for the same text. PostgreSQL: test_db_pg.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#ifdef MIGTREE_SQLITE
#include <sqlite3.h>
#endif

#include "graph_text.h"
#include "db_test.h"
#include "migtree/db.h"
#include "migtree/db_backend.h"
#include "migtree/dbcheck.h"
#include "migtree/dbstate.h"
#include "migtree/dburl.h"

static char root[PATH_MAX], saved_cwd[PATH_MAX];

static int setup(void **state)
{
	char tmpl[] = "/tmp/migtree-db-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	assert_non_null(getcwd(saved_cwd, sizeof(saved_cwd)));
	assert_int_equal(chdir(root), 0);
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

/* TEXT parses and shows as SHOWN (the password masked). */
static void parses(const char *text, struct db_url *u, const char *shown)
{
	struct mt_error err = { 0 };
	char *got;

	if (db_url_parse(text, u, &err))
		fail_msg("%s: %s", text, err.message);
	got = db_url_display(u);
	assert_string_equal(got, shown);
	free(got);
}

/* TEXT is refused with a message holding WHAT, and never the password PW. */
static void refused(const char *text, const char *what, const char *pw)
{
	struct db_url u;
	struct mt_error err = { 0 };

	assert_int_equal(db_url_parse(text, &u, &err), -1);
	if (!strstr(err.message, what))
		fail_msg("%s: '%s' has no '%s'", text, err.message, what);
	assert_true(!pw || !strstr(err.message, pw));
	assert_null(u.scheme); /* nothing left to free */
}

static void test_url_parts(void **state)
{
	struct db_url u;

	(void)state;
	parses("postgresql+psycopg2://us%3Aer:p%40ss%2Fw@db.example.com:5433/app?sslmode=require", &u,
	       "postgresql+psycopg2://us%3Aer:***@db.example.com:5433/app?sslmode=require");
	assert_int_equal(u.kind, DB_POSTGRESQL);
	assert_string_equal(u.scheme, "postgresql+psycopg2");
	assert_string_equal(u.user, "us:er");
	assert_string_equal(u.password, "p@ss/w");
	assert_string_equal(u.host, "db.example.com");
	assert_int_equal(u.port, 5433);
	assert_string_equal(u.database, "app");
	assert_int_equal(u.query.n, 1);
	assert_string_equal(u.query.v[0], "sslmode=require");
	assert_null(u.path);
	db_url_free(&u);

	/* the query as parse_qsl reads it; the database as written, not decoded */
	parses("mysql+pymysql://root@[::1]:3306/d%20b?charset=utf8&b=1+2&a=x&a=y&empty=&flag", &u,
	       "mysql+pymysql://root@[::1]:3306/d%20b?a=x&a=y&b=1+2&charset=utf8");
	assert_int_equal(u.kind, DB_MYSQL);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.database, "d%20b");
	assert_null(u.password);
	assert_int_equal(u.query.n, 4);
	assert_string_equal(u.query.v[1], "b=1 2");
	db_url_free(&u);

	/* a socket directory: no host, the query names it */
	parses("postgresql:///postgres?host=/tmp/pg%20sock", &u, "postgresql:///postgres?host=%2Ftmp%2Fpg+sock");
	assert_null(u.host);
	assert_null(u.user);
	assert_string_equal(u.query.v[0], "host=/tmp/pg sock");
	db_url_free(&u);

	/* SQLAlchemy's regular expression: the user runs to the last '@' before a
	 * ':' or '/', the password to the first '@' after it */
	parses("postgresql://a@b@host:5/db", &u, "postgresql://a%40b@host:5/db");
	assert_string_equal(u.user, "a@b");
	assert_string_equal(u.host, "host");
	db_url_free(&u);
	parses("postgresql://u:p@ss@host/db", &u, "postgresql://u:***@ss@host/db");
	assert_string_equal(u.password, "p");
	assert_string_equal(u.host, "ss@host");
	db_url_free(&u);
	parses("postgresql://@/x", &u, "postgresql://@/x");
	assert_string_equal(u.user, "");
	db_url_free(&u);
	parses("mariadb+mariadbconnector://u:pw@h", &u, "mariadb+mariadbconnector://u:***@h");
	assert_int_equal(u.kind, DB_MYSQL);
	assert_null(u.database);
	db_url_free(&u);
	parses("postgresql://u:@h/", &u, "postgresql://u:***@h/");
	assert_string_equal(u.password, "");
	assert_string_equal(u.database, "");
	db_url_free(&u);
}

static void test_url_refused(void **state)
{
	(void)state;
	refused("oracle+cx_oracle://scott:tiger@h/x", "unknown database dialect 'oracle'", "tiger");
	refused("oracle://x", "sqlite, postgresql, mysql and mariadb", NULL);
	refused("postgres://u:hunter2@h/db", "'postgresql'", "hunter2");
	refused("driver://user:pass@localhost/dbname", "'driver'", NULL); /* alembic.ini's template */
	refused("no url at all", "not a database URL", NULL);
	refused("%(DB_URL)s", "not a database URL", NULL);
	refused("postgresql://u:hunter2@host:/x", "port", "hunter2");
	refused("postgresql://u:hunter2@host:99999/x", "port", "hunter2");
	refused("postgresql://u:hunter2@host:54x/x", "port", "hunter2");
	refused("postgresql://u:hunter2@[::1]x/db", "percent-encode", "hunter2");
	refused("postgresql://u:hunt%00er@h/db", "NUL", "hunt");
	refused("sqlite://user:pw@host/x.db", "a SQLite URL has no user", "pw@");
	refused("sqlite://?uri=true", "file: URI", NULL);
}

static void test_sqlite_paths(void **state)
{
	struct db_url u;
	char *want;

	(void)state;
	parses("sqlite:///app.db", &u, "sqlite:///app.db");
	want = xasprintf("%s/app.db", root);
	assert_string_equal(u.path, want);
	assert_string_equal(u.database, "app.db");
	free(want);
	db_url_free(&u);
	parses("sqlite+pysqlite:///./sub/../data/x.db", &u, "sqlite+pysqlite:///./sub/../data/x.db");
	want = xasprintf("%s/data/x.db", root);
	assert_string_equal(u.path, want); /* os.path.abspath: normalised by the letter */
	free(want);
	db_url_free(&u);
	parses("sqlite:////srv/db/../app.db", &u, "sqlite:////srv/db/../app.db");
	assert_string_equal(u.path, "/srv/app.db");
	db_url_free(&u);
	parses("sqlite://", &u, "sqlite://");
	assert_null(u.path);
	db_url_free(&u);
	parses("sqlite:///:memory:", &u, "sqlite:///:memory:");
	assert_null(u.path);
	db_url_free(&u);
	/* ?uri=true: the driver's own parameters are not the URI's */
	parses("sqlite:///file:data.db?mode=ro&uri=true&timeout=3&cache=shared", &u,
	       "sqlite:///file:data.db?cache=shared&mode=ro&timeout=3&uri=true");
	assert_string_equal(u.path, "file:data.db?mode=ro&cache=shared");
	db_url_free(&u);
}

#ifdef MIGTREE_SQLITE
/* A SQLite file at NAME (in the test's directory) made by running SQL. */
static void make_db(const char *name, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(name, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* Read URL with OPTS: the result, the rows in *ROWS, the error in ERR. */
static int read_url(const char *url, const struct db_options *o, struct strlist *rows, struct mt_error *err)
{
	return db_test_read(url, o, rows, err);
}

static const char version_table[] =
	"CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
	"CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));";

static void test_sqlite_reads(void **state)
{
	struct strlist rows;
	struct mt_error err;
	char *sql = xasprintf("%sINSERT INTO alembic_version VALUES ('b2'), ('a1');", version_table);
	struct db_options other = { .version_table = "Other Versions", .version_schema = "main" };

	(void)state;
	make_db("two.db", sql);
	free(sql);
	assert_int_equal(read_url("sqlite:///two.db", NULL, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 2);
	assert_true(sl_contains(&rows, "a1") && sl_contains(&rows, "b2"));
	sl_free(&rows);

	make_db("empty.db", version_table);
	assert_int_equal(read_url("sqlite:///empty.db", NULL, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 0);

	make_db("none.db", "CREATE TABLE other (x);");
	assert_int_equal(read_url("sqlite:///none.db", NULL, &rows, &err), DB_READ_NO_TABLE);
	assert_int_equal(rows.n, 0);
	assert_int_equal(read_url("sqlite://", NULL, &rows, &err), DB_READ_NO_TABLE);

	/* --version-table and --version-schema, quoted as SQLAlchemy would */
	make_db("named.db", "CREATE TABLE \"Other Versions\" (version_num VARCHAR(32) NOT NULL);"
			    "INSERT INTO \"Other Versions\" VALUES ('c3');");
	assert_int_equal(read_url("sqlite:///named.db", &other, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.v[0], "c3");
	sl_free(&rows);
	assert_int_equal(read_url("sqlite:///named.db", NULL, &rows, &err), DB_READ_NO_TABLE);
}

static void test_sqlite_errors(void **state)
{
	struct strlist rows;
	struct mt_error err;
	struct stat st;
	FILE *f;

	(void)state;
	/* a missing file is an error, and is still missing afterwards */
	assert_int_equal(read_url("sqlite:///missing.db", NULL, &rows, &err), -1);
	assert_non_null(strstr(err.message, "sqlite:///missing.db: "));
	assert_non_null(strstr(err.message, "no such file"));
	assert_int_equal(stat("missing.db", &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(read_url("sqlite:///file:missing.db?uri=true", NULL, &rows, &err), -1);
	assert_int_equal(stat("missing.db", &st), -1);

	assert_int_equal(mkdir("adir.db", 0755), 0);
	assert_int_equal(read_url("sqlite:///adir.db", NULL, &rows, &err), -1);
	assert_non_null(strstr(err.message, "not a regular file (a directory)"));

	f = fopen("text.db", "w");
	assert_non_null(f);
	fputs("this is no database, but a long enough text to have a header's size at least....\n", f);
	fclose(f);
	assert_int_equal(read_url("sqlite:///text.db", NULL, &rows, &err), -1);
	assert_non_null(strstr(err.message, "not a database"));

	make_db("null.db", "CREATE TABLE alembic_version (version_num VARCHAR(32));"
			   "INSERT INTO alembic_version VALUES ('a1'), (NULL);");
	assert_int_equal(read_url("sqlite:///null.db", NULL, &rows, &err), -1);
	assert_non_null(strstr(err.message, "NULL"));
	assert_int_equal(rows.n, 0); /* nothing half-read */

	make_db("nocol.db", "CREATE TABLE alembic_version (version VARCHAR(32));");
	assert_int_equal(read_url("sqlite:///nocol.db", NULL, &rows, &err), -1);
	assert_non_null(strstr(err.message, "version_num"));
}

/* Another connection holds the file locked (a write in progress): the read
 * waits for the timeout, then says so, with no rows. */
static void test_sqlite_locked(void **state)
{
	struct db_options quick = { .timeout_s = 1 };
	struct strlist rows;
	struct mt_error err;
	char *sql = xasprintf("%sINSERT INTO alembic_version VALUES ('a1');", version_table);
	sqlite3 *writer;

	(void)state;
	make_db("busy.db", sql);
	free(sql);
	assert_int_equal(sqlite3_open("busy.db", &writer), SQLITE_OK);
	assert_int_equal(sqlite3_exec(writer, "BEGIN EXCLUSIVE; INSERT INTO alembic_version VALUES ('b2');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(read_url("sqlite:///busy.db", &quick, &rows, &err), -1);
	assert_non_null(strstr(err.message, "locked by another connection (still after 1 s)"));
	assert_int_equal(rows.n, 0);
	assert_int_equal(sqlite3_exec(writer, "COMMIT;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(writer);
	assert_int_equal(read_url("sqlite:///busy.db", &quick, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 2);
	sl_free(&rows);
}
#endif

/* Each kind this build lacks is refused with the package that adds it. */
static void test_unsupported_kinds(void **state)
{
	static const struct {
		const char *url, *name, *package;
		enum db_kind kind;
	} kinds[] = {
		{ "sqlite:///x.db", "SQLite", "libsqlite3-dev", DB_SQLITE },
		{ "postgresql://u:secret@h/db", "PostgreSQL", "libpq-dev", DB_POSTGRESQL },
		{ "mysql://u:secret@h/db", "MySQL/MariaDB", "libmariadb-dev", DB_MYSQL },
	};
	bool built[] = {
#ifdef MIGTREE_SQLITE
		true,
#else
		false,
#endif
#ifdef MIGTREE_POSTGRESQL
		true,
#else
		false,
#endif
#ifdef MIGTREE_MYSQL
		true,
#else
		false,
#endif
	};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct db_url u;
		struct strlist rows = { 0 };
		struct mt_error err = { 0 };
		char *want;

		assert_int_equal(db_kind_supported(kinds[i].kind), built[i]);
		if (built[i])
			continue;
		assert_int_equal(db_url_parse(kinds[i].url, &u, &err), 0);
		assert_int_equal(db_read_stamps(&u, NULL, &rows, &err), -1);
		want = xasprintf("built without %s support: install %s", kinds[i].name, kinds[i].package);
		assert_non_null(strstr(err.message, want));
		assert_null(strstr(err.message, "secret"));
		free(want);
		db_url_free(&u);
	}
}

/* The history the state tests share: a merge (m), a branch left behind (l2),
 * d1 depending on l1 (applied through depends_on), p1 on a missing parent. */
static const char history[] = "r0\n"
			      "a1 r0\n"
			      "a2 a1\n"
			      "b1 r0\n"
			      "m a2 b1\n"
			      "l1 r0\n"
			      "l2 l1\n"
			      "d1 r0 +l1\n"
			      "p1 zz9\n";

static void state_of(struct project *p, const char *stamps_text, struct db_state *st)
{
	struct strlist stamps = { 0 };
	char *copy = xstrdup(stamps_text), *save = NULL;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		sl_push(&stamps, t);
	db_state_compute(&p->graph, "sqlite:///app.db", &stamps, false, st);
	sl_free(&stamps);
	free(copy);
}

/* Node ids joined by spaces */
static char *ids(const struct project *p, const struct u32vec *v)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t i = 0; i < v->n; i++)
		sb_addf(&sb, "%s%s", i ? " " : "", p->graph.nodes[v->v[i]].id);
	return sb_detach(&sb);
}

/* The applied revisions' ids, in node order */
static char *applied_ids(const struct project *p, const struct db_state *st)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t v = 0; v < p->graph.n; v++)
		if (db_state_applied(st, v))
			sb_addf(&sb, "%s%s", sb.len ? " " : "", p->graph.nodes[v].id);
	return sb_detach(&sb);
}

static void expect(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_state_applied_and_pending(void **state)
{
	struct project p;
	struct db_state st;

	(void)state;
	graph_text_load(&p, history);
	state_of(&p, "m d1 m", &st);
	assert_string_equal(st.url_display, "sqlite:///app.db");
	assert_int_equal(st.stamps.n, 3); /* as read, the repeat too */
	assert_int_equal(st.unknown.n, 0);
	expect(ids(&p, &st.stamp_nodes), "m d1");
	expect(applied_ids(&p, &st), "r0 a1 a2 b1 m l1 d1");
	assert_int_equal(st.n_applied, 7);
	expect(ids(&p, &st.pending_heads), "l2 p1");
	assert_int_equal(st.n_pending, 2); /* l2, p1; the phantom zz9 is no revision */
	db_state_free(&st);

	/* an empty table: everything pending, every head */
	state_of(&p, "", &st);
	assert_int_equal(st.n_applied, 0);
	assert_int_equal(st.n_pending, 9);
	assert_int_equal(st.pending_heads.n, p.graph.heads.n);
	db_state_free(&st);

	/* a stamp below a merge: only its own line */
	state_of(&p, "a2 l2", &st);
	expect(applied_ids(&p, &st), "r0 a1 a2 l1 l2");
	expect(ids(&p, &st.pending_heads), "m d1 p1");
	db_state_free(&st);
	project_free(&p);
}

static void test_state_unknown_stamps(void **state)
{
	struct project p;
	struct db_state st;
	uint32_t zz9;

	(void)state;
	graph_text_load(&p, history);
	/* ghost1 is in no file; zz9 is only named as p1's parent (a phantom) */
	state_of(&p, "ghost1 zz9 p1 ghost1", &st);
	expect(sl_join(&st.unknown, " "), "ghost1 zz9");
	expect(ids(&p, &st.stamp_nodes), "p1");
	assert_int_equal(st.known_at.n, 1);
	assert_int_equal(st.known_at.v[0], 2);
	expect(applied_ids(&p, &st), "p1");
	zz9 = graph_text_node(&p, "zz9");
	assert_true(p.graph.nodes[zz9].phantom);
	assert_false(db_state_applied(&st, zz9));
	db_state_free(&st);

	/* no version table: nothing stamped, nothing unknown */
	{
		struct strlist none = { 0 };

		db_state_compute(&p.graph, NULL, &none, true, &st);
		assert_true(st.no_table);
		assert_null(st.url_display);
		assert_int_equal(st.n_applied, 0);
		db_state_free(&st);
	}
	assert_false(db_state_applied(&st, 0)); /* a freed state applies nothing */
	project_free(&p);
}

/* A table of many rows no file defines: each is reported; the first
 * DB_STAMPS_EXPLAINED (32) get their ways out, as one alone would (each
 * look reads every file and scores every id: a table of thousands took
 * minutes), the rest none. The stamp fixes keep the table's known rows, the
 * repeat too. */
static void test_many_unknown_stamps(void **state)
{
	const char *more = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
	struct strbuf stamps;
	struct project p;
	struct db_state st;
	struct problem_list all = { 0 }, one = { 0 };

	(void)state;
	graph_text_load(&p, history);
	state_of(&p, "a10 m p1 m", &st);
	db_check_unknown(&p, &st, "alembic.ini", 1, &one);
	db_state_free(&st);
	assert_int_equal(one.n, 1);
	assert_true(one.v[0].n_fixv > 0);
	assert_string_equal(one.v[0].fixv[0].target, "alembic stamp --purge a1 m p1 m");
	sb_init(&stamps);
	sb_adds(&stamps, "m p1 m");
	for (const char *c = more; *c; c++)
		sb_addf(&stamps, " a1%c", *c);
	state_of(&p, stamps.buf, &st);
	db_check_unknown(&p, &st, "alembic.ini", 1, &all);
	assert_int_equal(all.n, 40);
	for (size_t i = 0; i < all.n; i++) {
		bool explained = strchr(more, all.v[i].ref[2]) - more < 32;

		assert_int_equal(all.v[i].n_fixv > 0, explained);
	}
	db_state_free(&st);
	sb_free(&stamps);
	problem_list_free(&all);
	problem_list_free(&one);
	project_free(&p);
}

/* A client library that is not installed: loaded when asked, so the error
 * comes then, naming the library and the package; one that lacks a function
 * names the function. */
static void test_library_not_installed(void **state)
{
	static const char *const gone[] = { "libmigtree-no-such-client.so.9", NULL }, *const libc[] = { "libc.so.6", NULL };
	static const char *const symbols[] = { "strlen", "migtree_no_such_symbol" };
	static void *addr[2];
	static void **const slots[] = { &addr[0], &addr[1] };
	struct db_library x = { "X's client library libx", "libx9", gone, symbols, slots, 2, false };
	struct db_library c = { "libc", "libc6", libc, symbols, slots, 2, false };
	struct db_url u = { 0 };
	struct db_request rq = { &u, "postgresql://h/db", "alembic_version", NULL, 10 };
	struct mt_error err = { 0 };

	(void)state;
	assert_int_equal(db_library_load(&rq, &x, &err), -1);
	assert_false(x.loaded);
	assert_non_null(strstr(err.message, "postgresql://h/db: cannot load X's client library libx ("));
	assert_non_null(strstr(err.message, "install the Debian package libx9"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(db_library_load(&rq, &c, &err), -1);
	assert_non_null(addr[0]); /* strlen was found before the one libc lacks */
	assert_false(c.loaded);
	assert_non_null(strstr(err.message, "libc has no migtree_no_such_symbol"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_parts),
		cmocka_unit_test(test_url_refused),
		cmocka_unit_test(test_sqlite_paths),
#ifdef MIGTREE_SQLITE
		cmocka_unit_test(test_sqlite_reads),
		cmocka_unit_test(test_sqlite_errors),
		cmocka_unit_test(test_sqlite_locked),
#endif
		cmocka_unit_test(test_unsupported_kinds),
		cmocka_unit_test(test_state_applied_and_pending),
		cmocka_unit_test(test_state_unknown_stamps),
		cmocka_unit_test(test_many_unknown_stamps),
		cmocka_unit_test(test_library_not_installed),
	};

	return cmocka_run_group_tests_name("db", tests, setup, teardown);
}
