/* test_db_my.c - db_mysql.c against a live MariaDB (tests/db_my.test starts
 * one with tests/lib/myserver.sh and names its socket in MYSOCK): rows, an
 * empty table, no table, a schema and a table named otherwise, a transaction
 * that cannot write, refused credentials, a missing database, a TLS option
 * not passed on, a closed port, a host that accepts and never answers, a
 * statement past the timeout. Every error is one line naming the URL with the
 * password masked. The databases are made here, as MariaDB's root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db_test.h"
#include "migtree/db.h"

static const char *sock;

/* Run each of SQL's ';'-free statements (NULL-terminated) as root. */
static void admin(const char *const *sql)
{
	MYSQL *my = mysql_init(NULL);

	if (!mysql_real_connect(my, NULL, "root", NULL, NULL, 0, sock, 0))
		fail_msg("connect: %s", mysql_error(my));
	for (; *sql; sql++) {
		if (mysql_query(my, *sql))
			fail_msg("%s: %s", *sql, mysql_error(my));
		mysql_free_result(mysql_store_result(my));
	}
	mysql_close(my);
}

static char *admin_value(const char *sql)
{
	MYSQL *my = mysql_init(NULL);
	MYSQL_RES *res;
	char *v;

	assert_non_null(mysql_real_connect(my, NULL, "root", NULL, NULL, 0, sock, 0));
	assert_int_equal(mysql_query(my, sql), 0);
	res = mysql_store_result(my);
	v = xstrdup(mysql_fetch_row(res)[0]);
	mysql_free_result(res);
	mysql_close(my);
	return v;
}

static int setup(void **state)
{
	static const char *const sql[] = {
		"CREATE DATABASE stamped",
		"CREATE TABLE stamped.alembic_version (version_num VARCHAR(32) NOT NULL, "
		"CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
		"INSERT INTO stamped.alembic_version VALUES ('b2'), ('a1')",
		"CREATE DATABASE app",
		"CREATE TABLE app.`My Versions` (version_num VARCHAR(32) NOT NULL)",
		"INSERT INTO app.`My Versions` VALUES ('c3')",
		"CREATE VIEW stamped.slow AS SELECT 'z9' AS version_num FROM (SELECT SLEEP(30)) AS s",
		"CREATE DATABASE empty",
		"CREATE TABLE empty.alembic_version (version_num VARCHAR(32) NOT NULL)",
		/* a version "table" that writes when read */
		"CREATE DATABASE writes",
		"CREATE TABLE writes.log (x VARCHAR(32)) ENGINE=InnoDB",
		"CREATE FUNCTION writes.w() RETURNS VARCHAR(32) MODIFIES SQL DATA "
		"BEGIN INSERT INTO writes.log VALUES ('written'); RETURN 'x'; END",
		"CREATE VIEW writes.alembic_version AS SELECT writes.w() AS version_num",
		"GRANT SELECT ON stamped.* TO 'migtree_pw'@'localhost'",
		NULL,
	};

	(void)state;
	sock = getenv("MYSOCK");
	if (!sock) {
		fprintf(stderr, "MYSOCK is not set: run tests/db_my.test, which starts the server\n");
		return -1;
	}
	admin(sql);
	return 0;
}

/* Read URL (a format with one %s: the socket) with O. */
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
	assert_int_equal(read_url("mysql://root@localhost/stamped?unix_socket=%s", NULL, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 2);
	assert_true(sl_contains(&rows, "a1") && sl_contains(&rows, "b2"));
	sl_free(&rows);
	assert_int_equal(read_url("mariadb+pymysql://root@/stamped?unix_socket=%s&charset=utf8mb4", &named, &rows,
				  &err),
			 DB_READ_OK);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.v[0], "c3");
	sl_free(&rows);
	assert_int_equal(read_url("mysql://root@localhost/empty?unix_socket=%s", NULL, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 0);
	assert_int_equal(read_url("mysql://root@localhost/app?unix_socket=%s", NULL, &rows, &err), DB_READ_NO_TABLE);
	assert_int_equal(read_url("mysql://root@localhost/stamped?unix_socket=%s",
				  &(struct db_options){ .version_schema = "nope" }, &rows, &err),
			 DB_READ_NO_TABLE);
	assert_int_equal(rows.n, 0);
}

static void test_read_only(void **state)
{
	struct strlist rows;
	struct mt_error err;
	char *n;

	(void)state;
	assert_int_equal(read_url("mysql://root@localhost/writes?unix_socket=%s", NULL, &rows, &err), -1);
	db_test_has(err.message, "READ ONLY transaction");
	n = admin_value("SELECT count(*) FROM writes.log");
	assert_string_equal(n, "0");
	free(n);
}

static void test_credentials(void **state)
{
	const char *user = getenv("MY_PW_USER"), *pass = getenv("MY_PW_URLPASS");
	struct strlist rows;
	struct mt_error err;
	struct strbuf sb;
	char *fmt;

	(void)state;
	assert_non_null(user);
	assert_non_null(pass);
	sb_init(&sb);
	for (const char *p = pass; *p; p++)
		sb_adds(&sb, *p == '%' ? "%%" : (char[]){ *p, 0 });
	fmt = xasprintf("mysql://%s:%s@localhost/stamped?unix_socket=%%s", user, sb.buf);
	sb_free(&sb);
	assert_int_equal(read_url(fmt, NULL, &rows, &err), DB_READ_OK);
	assert_int_equal(rows.n, 2);
	sl_free(&rows);
	free(fmt);
	fmt = xasprintf("mysql://%s:wrong-hunter2@localhost/stamped?unix_socket=%%s", user);
	assert_int_equal(read_url(fmt, NULL, &rows, &err), -1);
	db_test_has(err.message, "cannot connect: Access denied");
	db_test_has(err.message, ":***@");
	assert_null(strstr(err.message, "hunter2"));
	free(fmt);
	assert_int_equal(read_url("mysql://root@localhost/no_such_db?unix_socket=%s", NULL, &rows, &err), -1);
	db_test_has(err.message, "no_such_db");
	assert_int_equal(read_url("mysql://root@localhost/stamped?unix_socket=%s&ssl_mode=REQUIRED", NULL, &rows,
				  &err),
			 -1);
	db_test_has(err.message, "the TLS option ssl_mode is not one migtree passes on");
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
	fmt = xasprintf("mysql://u:secret@127.0.0.1:%d/db", port);
	assert_int_equal(read_url(fmt, &quick, &rows, &err), -1);
	db_test_has(err.message, "cannot connect: Can't connect");
	free(fmt);

	fd = db_test_tcp_socket(true, &port);
	fmt = xasprintf("mysql://u:secret@127.0.0.1:%d/db", port);
	assert_int_equal(read_url(fmt, &quick, &rows, &err), -1);
	db_test_has(err.message, "cannot connect: no answer within 2 s");
	close(fd);
	free(fmt);

	assert_int_equal(read_url("mysql://root@localhost/stamped?unix_socket=%s",
				  &(struct db_options){ .version_table = "slow", .timeout_s = 2 }, &rows, &err),
			 -1);
	db_test_has(err.message, "no answer within 2 s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_unreachable),
	};
	int rc = cmocka_run_group_tests_name("db_my", tests, setup, NULL);

	mysql_library_end();
	return rc;
}
