/* db.h - which revisions a database is stamped with, read and nothing else.
 *
 * Alembic records the applied heads in a table (alembic_version, column
 * version_num). migtree reads it with the database's own client library (SQLite,
 * PostgreSQL's libpq, MariaDB/MySQL's libmariadb: each optional at configure
 * time), by one SELECT in a read-only transaction, with a connect and a
 * statement timeout: it never writes, never creates a database file, and never
 * hangs on a host that does not answer. */
#ifndef MIGTREE_DB_H
#define MIGTREE_DB_H

#include <stdbool.h>

#include "migtree/dburl.h"

struct db_options {
	const char *version_table;  /* "alembic_version" when NULL */
	const char *version_schema; /* NULL: the connection's default */
	int timeout_s;              /* connect and statement timeout; 10 when 0 */
};

enum db_read { DB_READ_OK = 0, DB_READ_NO_TABLE = 1 };

/* The version table's rows, in the table's order, into STAMPS. DB_READ_NO_TABLE
 * when there is no such table (Alembic then has no current revision): not an
 * error. -1 with ERR, one line naming the URL (password masked) and the reason:
 * unreachable, timed out, refused credentials, no such database or file, or a
 * build without the client library ("migtree was built without PostgreSQL
 * support: install libpq-dev and run ./configure again"). ERR's path and line
 * stay empty: the caller knows where the URL came from (--db, MIGTREE_DB, the
 * ini's sqlalchemy.url line). STAMPS gets nothing unless the read succeeds. */
int db_read_stamps(const struct db_url *u, const struct db_options *o, struct strlist *stamps,
		   struct mt_error *err);
/* Whether this build has the client library for K. */
bool db_kind_supported(enum db_kind k);

#endif
