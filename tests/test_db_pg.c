/* test_db_pg.c - db_pg.c against a live PostgreSQL (tests/db_pg.test starts
 * one with tests/lib/pgserver.sh and names its socket directory in
 * PGSOCKDIR): rows, an empty table, no table, a schema and a table named
 * otherwise, a transaction that cannot write, refused credentials, a missing
 * database, a closed port, a host that accepts and never answers, a statement
 * that runs past the timeout. Every error is one line naming the URL with the
 * password masked. The databases are made here, through libpq, as the
 * superuser pgserver.sh sets up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db_test.h"
#include "migtree/db.h"

static const char *sock;

/* Run SQL in database DB as the superuser. */
static void admin(const char *db, const char *sql)
{
	char *info = xasprintf("host=%s dbname=%s", sock, db);
	PGconn *c = PQconnectdb(info);
	PGresult *r;

	free(info);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect to %s: %s", db, PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* The single value SQL returns in DB. Owned. */
static char *admin_value(const char *db, const char *sql)
{
	char *info = xasprintf("host=%s dbname=%s", sock, db), *v;
	PGconn *c = PQconnectdb(info);
	PGresult *r = PQexec(c, sql);

	free(info);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	v = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

static int setup(void **state)
{
	(void)state;
	sock = getenv("PGSOCKDIR");
	if (!sock) {
		fprintf(stderr, "PGSOCKDIR is not set: run tests/db_pg.test, which starts the server\n");
		return -1;
	}
	admin("postgres", "CREATE DATABASE stamped");
	admin("postgres", "CREATE DATABASE empty");
	admin("postgres", "CREATE DATABASE writes");
	admin("stamped", "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
			 "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
			 "INSERT INTO alembic_version VALUES ('b2'), ('a1');"
			 "CREATE SCHEMA app; CREATE TABLE app.\"My Versions\" (version_num VARCHAR(32) NOT NULL);"
			 "INSERT INTO app.\"My Versions\" VALUES ('c3');"
			 "CREATE VIEW slow AS SELECT 'z9'::text AS version_num FROM pg_sleep(30)");
	admin("empty", "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)");
	/* a version "table" that writes when read: a view over a function that inserts */
	admin("writes", "CREATE TABLE log (x text);"
			"CREATE FUNCTION w() RETURNS SETOF text LANGUAGE sql AS "
			"$$ INSERT INTO log VALUES ('written') RETURNING x $$;"
			"CREATE VIEW alembic_version AS SELECT w() AS version_num");
	return 0;
}

/* Read URL (a format with one %s: the socket directory) with O. */
static int read_url(const char *fmt, const struct db_options *o, struct strlist *rows, struct mt_error *err)
{
	char *url = xasprintf(fmt, sock);
	int rc = db_test_read(url, o, rows, err);

	free(url);
	return rc;
}

static void test_reads(void **state)
{
	struct db_options named = { .version_table = "My Versions", .version_schema = "app" };
	struct strlist rows;
	struct mt_error err;

	(void)state;
	assert_int_equal(read_url("postgresql:///stamped?host=%s", NULL, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 2);
	assert_true(sl_contains(&rows, "a1") && sl_contains(&rows, "b2"));
	sl_free(&rows);
	assert_int_equal(read_url("postgresql+psycopg2://@/stamped?host=%s", &named, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.v[0], "c3");
	sl_free(&rows);
	assert_int_equal(read_url("postgresql:///empty?host=%s", NULL, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 0);
	assert_int_equal(read_url("postgresql:///postgres?host=%s", NULL, &rows, &err), DB_READ_NO_TABLE);
	assert_int_equal(read_url("postgresql:///stamped?host=%s", &(struct db_options){ .version_schema = "nope" },
				  &rows, &err),
			 DB_READ_NO_TABLE);
	assert_int_equal(rows.n, 0);
}

/* The transaction is READ ONLY: a view whose function inserts fails, and the
 * table it would have written to stays empty. */
static void test_read_only(void **state)
{
	struct strlist rows;
	struct mt_error err;
	char *n;

	(void)state;
	assert_int_equal(read_url("postgresql:///writes?host=%s", NULL, &rows, &err), -1);
	db_test_has(err.message, "read-only transaction");
	n = admin_value("writes", "SELECT count(*) FROM log");
	assert_string_equal(n, "0");
	free(n);
}

static void test_credentials(void **state)
{
	const char *user = getenv("PG_PW_USER"), *pass = getenv("PG_PW_URLPASS");
	struct strlist rows;
	struct mt_error err;
	char *fmt;

	(void)state;
	assert_non_null(user);
	assert_non_null(pass);
	/* the password percent-decoded (it holds ' ', '@', ':', '/', '%'); read_url
	 * takes a format: its '%' doubled */
	{
		struct strbuf sb;

		sb_init(&sb);
		for (const char *p = pass; *p; p++)
			sb_adds(&sb, *p == '%' ? "%%" : (char[]){ *p, 0 });
		fmt = xasprintf("postgresql://%s:%s@/postgres?host=%%s", user, sb.buf);
		sb_free(&sb);
	}
	assert_int_equal(read_url(fmt, NULL, &rows, &err), DB_READ_NO_TABLE);
	free(fmt);
	fmt = xasprintf("postgresql://%s:wrong-hunter2@/postgres?host=%%s", user);
	assert_int_equal(read_url(fmt, NULL, &rows, &err), -1);
	db_test_has(err.message, "cannot connect: password authentication failed");
	db_test_has(err.message, ":***@");
	assert_null(strstr(err.message, "hunter2"));
	free(fmt);
	assert_int_equal(read_url("postgresql:///no_such_db?host=%s", NULL, &rows, &err), -1);
	db_test_has(err.message, "database \"no_such_db\" does not exist");
	assert_int_equal(read_url("postgresql:///postgres?host=%s&no_such_option=1", NULL, &rows, &err), -1);
	db_test_has(err.message, "no_such_option");
}

static void test_unreachable(void **state)
{
	struct db_options quick = { .timeout_s = 2 };
	struct strlist rows;
	struct mt_error err;
	int port, fd;
	char *fmt;

	(void)state;
	db_test_tcp_socket(false, &port);
	fmt = xasprintf("postgresql://u:secret@127.0.0.1:%d/db", port);
	assert_int_equal(read_url(fmt, &quick, &rows, &err), -1);
	db_test_has(err.message, "cannot connect: Connection refused");
	free(fmt);

	fd = db_test_tcp_socket(true, &port);
	fmt = xasprintf("postgresql://u:secret@127.0.0.1:%d/db", port);
	assert_int_equal(read_url(fmt, &quick, &rows, &err), -1);
	db_test_has(err.message, "cannot connect: no answer within 2 s");
	close(fd);
	free(fmt);

	/* a statement that outlasts the timeout: cancelled, by the server's
	 * statement_timeout or by the client's deadline, whichever comes first */
	assert_int_equal(read_url("postgresql:///stamped?host=%s",
				  &(struct db_options){ .version_table = "slow", .timeout_s = 2 }, &rows, &err),
			 -1);
	assert_true(strstr(err.message, "statement timeout") || strstr(err.message, "no answer within 2 s"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_unreachable),
	};

	return cmocka_run_group_tests_name("db_pg", tests, setup, NULL);
}
