/* dburl.h - a database URL as SQLAlchemy writes it, read without I/O.
 *
 * Alembic finds its database in `sqlalchemy.url` (or env.py builds it); migtree
 * reads the same text: `dialect[+driver]://user:password@host:port/database?k=v`,
 * with SQLAlchemy's rules for SQLite (`sqlite:///relative.db` is relative to the
 * current directory, `sqlite:////abs.db` absolute, `sqlite://` in memory) and
 * percent-decoding of the user, the password and the query (not the database:
 * SQLAlchemy passes it to the driver as written). The password is never shown:
 * db_url_display masks it as SQLAlchemy's `render_as_string` does, and no
 * error holds it. */
#ifndef MIGTREE_DBURL_H
#define MIGTREE_DBURL_H

#include "migtree/error.h"
#include "migtree/util.h"

enum db_kind { DB_SQLITE, DB_POSTGRESQL, DB_MYSQL };

struct db_url {
	enum db_kind kind;
	char *scheme;   /* as written: "postgresql+psycopg2", "sqlite", "mariadb+pymysql" */
	char *user, *password;    /* decoded; NULL when absent ("" when empty) */
	char *host, *database;    /* as written; NULL when absent */
	int port;       /* 0 when absent */
	struct strlist query; /* "name=value", decoded, in order (?host=/run/postgresql) */
	char *path;     /* SQLite: the file as SQLAlchemy opens it (absolute, as
	                 * os.path.abspath makes it, or a "file:" URI with ?uri=true);
	                 * NULL in memory */
};

/* Parse TEXT. An unknown dialect is an error that names it and the ones migtree
 * reads; ERR never holds the password. */
int db_url_parse(const char *text, struct db_url *out, struct mt_error *err);
/* The URL to show (owned): the password replaced by "***". */
char *db_url_display(const struct db_url *u);
/* The URL as `alembic current -v` prints it (owned): Alembic's obfuscate_url_pw
 * puts "XXXXX" for a password that is not empty, then renders it whole. */
char *db_url_alembic(const struct db_url *u);
void db_url_free(struct db_url *u);

#endif
