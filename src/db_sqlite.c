/* db_sqlite.c - the version table of a SQLite file, read with libsqlite3.
 *
 * Opened read-only (SQLITE_OPEN_READONLY), so a missing file is an error and
 * never an empty database created on the spot, as SQLAlchemy's default mode
 * would; a file another connection holds locked is waited for up to the
 * timeout (busy_timeout), then reported as locked rather than read half-way.
 * A ?uri=true URL's "file:" path goes to SQLite as a URI, as pysqlite passes
 * it. The in-memory database (`sqlite://`) is empty by definition. */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migtree/db_backend.h"

/* The plain file must exist and be a file: said in the user's words, not
 * SQLite's "unable to open database file". */
static int check_file(const struct db_request *rq, struct mt_error *err)
{
	const char *path = rq->url->path;
	struct stat st;

	if (str_starts_with(path, "file:"))
		return 0;
	if (stat(path, &st) != 0)
		return mt_fail(err, NULL, 0, "%s: %s: %s", rq->shown, path,
			       errno == ENOENT ? "no such file (migtree does not create it)" : strerror(errno));
	if (!S_ISREG(st.st_mode))
		return mt_fail(err, NULL, 0, "%s: %s: not a regular file (%s)", rq->shown, path,
			       file_kind(st.st_mode));
	return 0;
}

static int fail_sqlite(const struct db_request *rq, sqlite3 *db, int rc, struct mt_error *err)
{
	int code = rc & 0xff;

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return mt_fail(err, NULL, 0, "%s: the database is locked by another connection (still after %d s)",
			       rq->shown, rq->timeout_s);
	return mt_fail(err, NULL, 0, "%s: %s", rq->shown, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Rows of STMT into STAMPS; 0 or -1. */
static int read_rows(const struct db_request *rq, sqlite3 *db, sqlite3_stmt *stmt, struct strlist *stamps,
		     struct mt_error *err)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);

		if (!text)
			return mt_fail(err, NULL, 0, "%s: the version table %s holds a NULL version_num", rq->shown,
				       rq->version_table);
		sl_push(stamps, (const char *)text);
	}
	return rc == SQLITE_DONE ? 0 : fail_sqlite(rq, db, rc, err);
}

static int query(const struct db_request *rq, sqlite3 *db, struct strlist *stamps, struct mt_error *err)
{
	char *table = db_quote_ident(rq->version_table, '"');
	char *schema = rq->version_schema ? db_quote_ident(rq->version_schema, '"') : NULL;
	char *sql = xasprintf("SELECT version_num FROM %s%s%s", schema ? schema : "", schema ? "." : "", table);
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);

	if (rc != SQLITE_OK && str_starts_with(sqlite3_errmsg(db), "no such table"))
		rc = DB_READ_NO_TABLE;
	else if (rc != SQLITE_OK)
		rc = fail_sqlite(rq, db, rc, err);
	else
		rc = read_rows(rq, db, stmt, stamps, err);
	sqlite3_finalize(stmt);
	free(sql);
	free(schema);
	free(table);
	return rc;
}

int db_sqlite_read(const struct db_request *rq, struct strlist *stamps, struct mt_error *err)
{
	struct strlist rows = { 0 };
	sqlite3 *db = NULL;
	int rc;

	if (!rq->url->path)
		return DB_READ_NO_TABLE; /* in memory: a new, empty database */
	if (check_file(rq, err))
		return -1;
	rc = sqlite3_open_v2(rq->url->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	if (rc != SQLITE_OK) {
		rc = fail_sqlite(rq, db, rc, err);
	} else {
		sqlite3_busy_timeout(db, rq->timeout_s * 1000);
		rc = query(rq, db, &rows, err);
	}
	sqlite3_close(db);
	if (rc != -1)
		for (uint32_t i = 0; i < rows.n; i++)
			sl_push(stamps, rows.v[i]);
	sl_free(&rows);
	return rc;
}
