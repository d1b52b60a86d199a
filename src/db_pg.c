/* db_pg.c - the version table of a PostgreSQL database, read with libpq.
 *
 * The connection takes the URL's parts and every query parameter as libpq
 * keywords, as psycopg2's dialect passes them (`?host=/run/postgresql`,
 * `?sslmode=require`); libpq's environment (PGPASSWORD, ~/.pgpass) applies as
 * it does for Alembic. libpq's connect_timeout bounds the connection, and the
 * statements run asynchronously against the same deadline, so a server that
 * accepts and then stops answering is cancelled, not waited for forever; the
 * server's statement_timeout bounds them on its side too. The one SELECT runs
 * in a READ ONLY transaction that is rolled back: even a version "table" that
 * is a view calling a function that writes cannot write. */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migtree/db_backend.h"

/* PostgreSQL's client library libpq, loaded on first use (db_library_load): each
 * function the reader calls goes through this table, which the names below
 * stand for. */
#define PQ_FUNCS(_) \
	_(PQcancel) _(PQclear) _(PQconnectdbParams) _(PQconsumeInput) _(PQerrorMessage) \
	_(PQfinish) _(PQfreeCancel) _(PQgetCancel) _(PQgetResult) _(PQgetisnull) _(PQgetvalue) \
	_(PQisBusy) _(PQntuples) _(PQresultErrorField) _(PQresultErrorMessage) \
	_(PQresultStatus) _(PQsendQuery) _(PQsocket) _(PQstatus) _(PQtransactionStatus)
static struct {
#define PQ_SLOT(f) __typeof__(f) *f;
	PQ_FUNCS(PQ_SLOT)
#undef PQ_SLOT
} libpq_api;

static int pq_load(const struct db_request *rq, struct mt_error *err)
{
#define PQ_NAME(f) #f,
#define PQ_ADDR(f) (void **)&libpq_api.f,
	static const char *const sonames[] = { "libpq.so.5", "libpq.so", NULL };
	static const char *const symbols[] = { PQ_FUNCS(PQ_NAME) };
	static void **const slots[] = { PQ_FUNCS(PQ_ADDR) };
#undef PQ_NAME
#undef PQ_ADDR
	static struct db_library lib = { "PostgreSQL's client library libpq", "libpq5", sonames, symbols, slots,
					 sizeof(slots) / sizeof(*slots), false };

	return db_library_load(rq, &lib, err);
}

#define PQcancel (libpq_api.PQcancel)
#define PQclear (libpq_api.PQclear)
#define PQconnectdbParams (libpq_api.PQconnectdbParams)
#define PQconsumeInput (libpq_api.PQconsumeInput)
#define PQerrorMessage (libpq_api.PQerrorMessage)
#define PQfinish (libpq_api.PQfinish)
#define PQfreeCancel (libpq_api.PQfreeCancel)
#define PQgetCancel (libpq_api.PQgetCancel)
#define PQgetResult (libpq_api.PQgetResult)
#define PQgetisnull (libpq_api.PQgetisnull)
#define PQgetvalue (libpq_api.PQgetvalue)
#define PQisBusy (libpq_api.PQisBusy)
#define PQntuples (libpq_api.PQntuples)
#define PQresultErrorField (libpq_api.PQresultErrorField)
#define PQresultErrorMessage (libpq_api.PQresultErrorMessage)
#define PQresultStatus (libpq_api.PQresultStatus)
#define PQsendQuery (libpq_api.PQsendQuery)
#define PQsocket (libpq_api.PQsocket)
#define PQstatus (libpq_api.PQstatus)
#define PQtransactionStatus (libpq_api.PQtransactionStatus)

/* SQLSTATEs read as "no version table": undefined_table, invalid_schema_name */
static const char *const no_table_states[] = { "42P01", "3F000" };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* libpq's keywords and values for RQ (the strings are borrowed from RQ's URL
 * or kept in OWNED). */
static void conninfo(const struct db_request *rq, struct strlist *owned, const char **keys, const char **vals,
		     size_t *n)
{
	const struct db_url *u = rq->url;
	bool timeout_given = false;

	*n = 0;
#define KV(k, v) (keys[*n] = (k), vals[(*n)++] = (v))
	if (u->host)
		KV("host", u->host);
	if (u->port) {
		sl_push_owned(owned, xasprintf("%d", u->port));
		KV("port", owned->v[owned->n - 1]);
	}
	if (u->user && *u->user)
		KV("user", u->user);
	if (u->password)
		KV("password", u->password);
	if (u->database && *u->database)
		KV("dbname", u->database);
	for (uint32_t i = 0; i < u->query.n; i++) {
		char *eq = strchr(u->query.v[i], '=');

		sl_push_owned(owned, xstrndup(u->query.v[i], (size_t)(eq - u->query.v[i])));
		KV(owned->v[owned->n - 1], eq + 1);
		timeout_given |= !strcmp(owned->v[owned->n - 1], "connect_timeout");
	}
	if (!timeout_given) {
		sl_push_owned(owned, xasprintf("%d", rq->timeout_s));
		KV("connect_timeout", owned->v[owned->n - 1]);
	}
	KV("fallback_application_name", "migtree");
#undef KV
	keys[*n] = vals[*n] = NULL;
}

static int connect_failed(const struct db_request *rq, PGconn *conn, struct mt_error *err)
{
	const char *msg = conn ? PQerrorMessage(conn) : "out of memory";
	const char *reason = strstr(msg, "failed: ");
	char *line = db_first_line(reason ? reason + strlen("failed: ") : msg);
	int rc;

	/* libpq's "timeout expired" says nothing of how long or why */
	if (!strcmp(line, "timeout expired"))
		rc = mt_fail(err, NULL, 0, "%s: cannot connect: no answer within %d s", rq->shown, rq->timeout_s);
	else
		rc = mt_fail(err, NULL, 0, "%s: cannot connect: %s", rq->shown, line);
	free(line);
	return rc;
}

/* Wait until CONN has a whole result or DEADLINE passes: 0, or -1 with
 * *TIMED_OUT set when the deadline passed, clear when the connection broke. */
static int wait_result(PGconn *conn, double deadline, bool *timed_out)
{
	*timed_out = false;
	while (PQisBusy(conn)) {
		struct pollfd pfd = { PQsocket(conn), POLLIN, 0 };
		double left = deadline - now_s();
		int r;

		if (left <= 0) {
			*timed_out = true;
			return -1;
		}
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0 && !PQconsumeInput(conn))
			return -1;
	}
	return 0;
}

/* Ask the server to stop what it runs, at most until the deadline. */
static void cancel(PGconn *conn)
{
	PGcancel *c = PQgetCancel(conn);
	char buf[256];

	if (c) {
		PQcancel(c, buf, sizeof(buf));
		PQfreeCancel(c);
	}
}

/* Run SQL and leave its last result in *RES (NULL on failure, *RES then
 * says nothing: the message is in ERR). A statement error is a result. */
static int run(const struct db_request *rq, PGconn *conn, const char *sql, double deadline, PGresult **res,
	       struct mt_error *err)
{
	bool timed_out = false;
	PGresult *r;

	*res = NULL;
	if (!PQsendQuery(conn, sql) || wait_result(conn, deadline, &timed_out)) {
		char *line = db_first_line(PQerrorMessage(conn));

		if (timed_out) {
			cancel(conn);
			mt_fail(err, NULL, 0, "%s: no answer within %d s", rq->shown, rq->timeout_s);
		} else {
			mt_fail(err, NULL, 0, "%s: %s", rq->shown, line);
		}
		free(line);
		return -1;
	}
	while ((r = PQgetResult(conn))) {
		PQclear(*res);
		*res = r;
	}
	return 0;
}

static bool no_table(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	for (size_t i = 0; state && i < sizeof(no_table_states) / sizeof(*no_table_states); i++)
		if (!strcmp(state, no_table_states[i]))
			return true;
	return false;
}

static int statement_failed(const struct db_request *rq, const PGresult *res, struct mt_error *err)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	char *line = db_first_line(primary ? primary : PQresultErrorMessage(res));
	int rc = mt_fail(err, NULL, 0, "%s: %s", rq->shown, line);

	free(line);
	return rc;
}

/* The SELECT's rows into STAMPS: DB_READ_OK, DB_READ_NO_TABLE or -1. */
static int select_rows(const struct db_request *rq, PGconn *conn, double deadline, struct strlist *stamps,
		       struct mt_error *err)
{
	char *table = db_quote_ident(rq->version_table, '"');
	char *schema = rq->version_schema ? db_quote_ident(rq->version_schema, '"') : NULL;
	char *sql = xasprintf("SELECT version_num FROM %s%s%s", schema ? schema : "", schema ? "." : "", table);
	PGresult *res;
	int rc = run(rq, conn, sql, deadline, &res, err);

	if (rc == 0 && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = no_table(res) ? DB_READ_NO_TABLE : statement_failed(rq, res, err);
	for (int i = 0; rc == DB_READ_OK && i < PQntuples(res); i++) {
		if (PQgetisnull(res, i, 0))
			rc = mt_fail(err, NULL, 0, "%s: the version table %s holds a NULL version_num", rq->shown,
				     rq->version_table);
		else
			sl_push(stamps, PQgetvalue(res, i, 0));
	}
	PQclear(res);
	free(sql);
	free(schema);
	free(table);
	return rc;
}

/* BEGIN READ ONLY with the statement timeout set, the SELECT, ROLLBACK. */
static int read_in_transaction(const struct db_request *rq, PGconn *conn, struct strlist *stamps,
			       struct mt_error *err)
{
	double deadline = now_s() + rq->timeout_s;
	char *begin = xasprintf("BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = %d",
				rq->timeout_s * 1000);
	PGresult *res;
	int rc = run(rq, conn, begin, deadline, &res, err);

	free(begin);
	if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = statement_failed(rq, res, err);
	PQclear(res);
	if (rc == 0)
		rc = select_rows(rq, conn, deadline, stamps, err);
	/* nothing was written; the rollback only ends the transaction early, and
	 * the connection is closed next either way: its failure changes nothing */
	if (PQtransactionStatus(conn) != PQTRANS_IDLE && run(rq, conn, "ROLLBACK", deadline, &res, NULL) == 0)
		PQclear(res);
	return rc;
}

int db_pg_read(const struct db_request *rq, struct strlist *stamps, struct mt_error *err)
{
	const char *keys[16 + 64], *vals[16 + 64];
	struct strlist owned = { 0 }, rows = { 0 };
	PGconn *conn;
	size_t n;
	int rc;

	if (rq->url->query.n > 64)
		return mt_fail(err, NULL, 0, "%s: more than 64 query parameters", rq->shown);
	if (pq_load(rq, err))
		return -1;
	conninfo(rq, &owned, keys, vals, &n);
	conn = PQconnectdbParams(keys, vals, 0);
	if (!conn || PQstatus(conn) != CONNECTION_OK)
		rc = connect_failed(rq, conn, err);
	else
		rc = read_in_transaction(rq, conn, &rows, err);
	PQfinish(conn);
	sl_free(&owned);
	if (rc != -1)
		for (uint32_t i = 0; i < rows.n; i++)
			sl_push(stamps, rows.v[i]);
	sl_free(&rows);
	return rc;
}
