/* db_mysql.c - the version table of a MySQL or MariaDB database, read with
 * MariaDB's client library (libmariadb, which reads both).
 *
 * The URL's parts are what mysqlclient's and PyMySQL's dialects pass: host
 * (none or "localhost": the server's Unix socket), port, user, password,
 * database, and from the query `unix_socket`, `charset` and the TLS files
 * (`ssl_ca`, `ssl_cert`, `ssl_key`). Other TLS options are refused rather than
 * dropped, since dropping one could send the password in the clear; the rest
 * of a driver's options do not change where or as whom it connects and are
 * left aside. The connect, read and write timeouts bound every wait on the
 * server. The SELECT runs in a READ ONLY transaction that is rolled back. */
#include <mysql.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/db_backend.h"

/* MariaDB's client library libmariadb, loaded on first use (db_library_load): each
 * function the reader calls goes through this table, which the names below
 * stand for. */
#define MY_FUNCS(_) \
	_(mysql_close) _(mysql_errno) _(mysql_error) _(mysql_fetch_row) _(mysql_free_result) \
	_(mysql_init) _(mysql_options) _(mysql_query) _(mysql_real_connect) \
	_(mysql_store_result)
static struct {
#define MY_SLOT(f) __typeof__(f) *f;
	MY_FUNCS(MY_SLOT)
#undef MY_SLOT
} libmy_api;

static int my_load(const struct db_request *rq, struct mt_error *err)
{
#define MY_NAME(f) #f,
#define MY_ADDR(f) (void **)&libmy_api.f,
	static const char *const sonames[] = { "libmariadb.so.3", "libmysqlclient.so.21", "libmariadb.so", "libmysqlclient.so", NULL };
	static const char *const symbols[] = { MY_FUNCS(MY_NAME) };
	static void **const slots[] = { MY_FUNCS(MY_ADDR) };
#undef MY_NAME
#undef MY_ADDR
	static struct db_library lib = { "MariaDB's client library libmariadb", "libmariadb3", sonames, symbols, slots,
					 sizeof(slots) / sizeof(*slots), false };

	return db_library_load(rq, &lib, err);
}

#define mysql_close (libmy_api.mysql_close)
#define mysql_errno (libmy_api.mysql_errno)
#define mysql_error (libmy_api.mysql_error)
#define mysql_fetch_row (libmy_api.mysql_fetch_row)
#define mysql_free_result (libmy_api.mysql_free_result)
#define mysql_init (libmy_api.mysql_init)
#define mysql_options (libmy_api.mysql_options)
#define mysql_query (libmy_api.mysql_query)
#define mysql_real_connect (libmy_api.mysql_real_connect)
#define mysql_store_result (libmy_api.mysql_store_result)

/* errors read as "no version table": ER_NO_SUCH_TABLE, ER_BAD_DB_ERROR (a
 * --version-schema that is no database) */
#define MT_ER_NO_SUCH_TABLE 1146
#define MT_ER_BAD_DB 1049
/* the client's own: lost the server, or it never answered */
#define MT_CR_SERVER_LOST 2013
#define MT_CR_SERVER_GONE 2006

struct my_params {
	const char *unix_socket, *charset, *ssl_ca, *ssl_cert, *ssl_key;
};

/* The query parameters migtree passes, or -1 for a TLS one it cannot. */
static int read_params(const struct db_request *rq, struct my_params *p, struct mt_error *err)
{
	memset(p, 0, sizeof(*p));
	for (uint32_t i = 0; i < rq->url->query.n; i++) {
		const char *item = rq->url->query.v[i], *v = strchr(item, '=') + 1;
		size_t n = (size_t)(v - 1 - item);

#define IS(name) (n == strlen(name) && !strncmp(item, name, n))
		if (IS("unix_socket"))
			p->unix_socket = v;
		else if (IS("charset"))
			p->charset = v;
		else if (IS("ssl_ca"))
			p->ssl_ca = v;
		else if (IS("ssl_cert"))
			p->ssl_cert = v;
		else if (IS("ssl_key"))
			p->ssl_key = v;
		else if (!strncmp(item, "ssl", 3))
			return mt_fail(err, NULL, 0,
				       "%s: the TLS option %.*s is not one migtree passes on (ssl_ca, ssl_cert, ssl_key)",
				       rq->shown, (int)n, item);
#undef IS
	}
	return 0;
}

static void set_options(const struct db_request *rq, MYSQL *my, const struct my_params *p)
{
	unsigned int t = (unsigned int)rq->timeout_s;

	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &t);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &t);
	if (p->charset)
		mysql_options(my, MYSQL_SET_CHARSET_NAME, p->charset);
	if (p->ssl_ca)
		mysql_options(my, MYSQL_OPT_SSL_CA, p->ssl_ca);
	if (p->ssl_cert)
		mysql_options(my, MYSQL_OPT_SSL_CERT, p->ssl_cert);
	if (p->ssl_key)
		mysql_options(my, MYSQL_OPT_SSL_KEY, p->ssl_key);
}

/* The server never answered within the timeout: said so, not as a socket
 * error number. */
static bool timed_out(MYSQL *my)
{
	const char *msg = mysql_error(my);

	return mysql_errno(my) == MT_CR_SERVER_LOST || strstr(msg, "system error: 110") ||
	       strstr(msg, "(110)") || strstr(msg, "timed out");
}

static int fail_my(const struct db_request *rq, MYSQL *my, bool connecting, struct mt_error *err)
{
	char *line = db_first_line(mysql_error(my));
	const char *stage = connecting ? "cannot connect: " : "";
	int rc;

	if (timed_out(my))
		rc = mt_fail(err, NULL, 0, "%s: %sno answer within %d s", rq->shown, stage, rq->timeout_s);
	else
		rc = mt_fail(err, NULL, 0, "%s: %s%s", rq->shown, stage, line);
	free(line);
	return rc;
}

static int select_rows(const struct db_request *rq, MYSQL *my, struct strlist *stamps, struct mt_error *err)
{
	char *table = db_quote_ident(rq->version_table, '`');
	char *schema = rq->version_schema ? db_quote_ident(rq->version_schema, '`') : NULL;
	char *sql = xasprintf("SELECT version_num FROM %s%s%s", schema ? schema : "", schema ? "." : "", table);
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	int rc = DB_READ_OK;

	if (mysql_query(my, sql) || !(res = mysql_store_result(my))) {
		unsigned int e = mysql_errno(my);

		rc = e == MT_ER_NO_SUCH_TABLE || e == MT_ER_BAD_DB ? DB_READ_NO_TABLE : fail_my(rq, my, false, err);
	}
	while (rc == DB_READ_OK && (row = mysql_fetch_row(res))) {
		if (!row[0])
			rc = mt_fail(err, NULL, 0, "%s: the version table %s holds a NULL version_num", rq->shown,
				     rq->version_table);
		else
			sl_push(stamps, row[0]);
	}
	mysql_free_result(res);
	free(sql);
	free(schema);
	free(table);
	return rc;
}

int db_mysql_read(const struct db_request *rq, struct strlist *stamps, struct mt_error *err)
{
	const struct db_url *u = rq->url;
	struct my_params p;
	struct strlist rows = { 0 };
	MYSQL *my;
	int rc;

	if (read_params(rq, &p, err) || my_load(rq, err))
		return -1;
	if (!(my = mysql_init(NULL)))
		return mt_fail(err, NULL, 0, "%s: the MySQL client library could not start", rq->shown);
	set_options(rq, my, &p);
	if (!mysql_real_connect(my, u->host, u->user && *u->user ? u->user : NULL, u->password,
				u->database && *u->database ? u->database : NULL, (unsigned int)u->port,
				p.unix_socket, 0)) {
		rc = fail_my(rq, my, true, err);
	} else if (mysql_query(my, "START TRANSACTION READ ONLY")) {
		rc = fail_my(rq, my, false, err);
	} else {
		rc = select_rows(rq, my, &rows, err);
		/* nothing was written: the rollback only ends the transaction early */
		if (rc != -1 || (mysql_errno(my) != MT_CR_SERVER_LOST && mysql_errno(my) != MT_CR_SERVER_GONE))
			mysql_query(my, "ROLLBACK");
	}
	mysql_close(my);
	if (rc != -1)
		for (uint32_t i = 0; i < rows.n; i++)
			sl_push(stamps, rows.v[i]);
	sl_free(&rows);
	return rc;
}
