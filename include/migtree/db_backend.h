/* db_backend.h - what db.c asks of each client library's file (db_sqlite.c,
 * db_pg.c, db_mysql.c), each compiled only when configure found its library.
 *
 * db.c settles the options (defaults filled in) and the URL to show; a
 * backend connects read-only, runs the one SELECT, and either hands back the
 * rows or fails with ERR's message "SHOWN: reason" on one line. It writes
 * nothing into STAMPS unless it succeeds. */
#ifndef MIGTREE_DB_BACKEND_H
#define MIGTREE_DB_BACKEND_H

#include "migtree/db.h"

struct db_request {
	const struct db_url *url;
	const char *shown;          /* the URL, password masked, for errors */
	const char *version_table;  /* never NULL */
	const char *version_schema; /* NULL: the connection's default */
	int timeout_s;              /* > 0 */
};

int db_sqlite_read(const struct db_request *rq, struct strlist *stamps, struct mt_error *err);
int db_pg_read(const struct db_request *rq, struct strlist *stamps, struct mt_error *err);
int db_mysql_read(const struct db_request *rq, struct strlist *stamps, struct mt_error *err);

/* The client library of one kind, loaded when a URL of that kind is read
 * (dlopen), not linked: linked, libpq alone cost every migtree run ~5 ms of CPU
 * and 4 MB (22 more libraries: TLS, Kerberos, LDAP), though most runs read no
 * database. The first of SONAMES that loads; NULL with ERR naming WHAT (the
 * library) and PACKAGE (the Debian package that installs it). */
void *db_load_library(const struct db_request *rq, const char *const *sonames, const char *what,
		      const char *package, struct mt_error *err);
/* SYMBOL of LIB into *SLOT (a function pointer's address); -1 with ERR when
 * the library has no such symbol (a library too old). */
int db_load_symbol(const struct db_request *rq, void *lib, const char *what, const char *symbol, void **slot,
		   struct mt_error *err);

/* NAME as a quoted SQL identifier: QUOTE ('"' or '`') around it, itself doubled
 * inside. Owned. */
char *db_quote_ident(const char *name, char quote);
/* TEXT's first line, trimmed of the newline and of "FATAL:  "/"ERROR:  "
 * prefixes servers add: the one-line reason an error message ends with.
 * Owned. */
char *db_first_line(const char *text);

#endif
