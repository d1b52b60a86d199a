/* db_backend.h - what db.c asks of each client library's file (db_sqlite.c,
 * db_pg.c, db_mysql.c), each compiled only when configure found its library.
 *
 * db.c settles the options (defaults filled in) and the URL to show; a
 * backend connects read-only, runs the one SELECT, and either hands back the
 * rows or fails with ERR's message "SHOWN: reason" on one line. It writes
 * nothing into STAMPS unless it succeeds. */
#ifndef MIGTREE_DB_BACKEND_H
#define MIGTREE_DB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

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
 * database. A backend describes it once (static) and calls through the
 * function pointers SLOTS point at. */
struct db_library {
	const char *what;           /* "PostgreSQL's client library libpq", for errors */
	const char *package;        /* the Debian package that installs it */
	const char *const *sonames; /* NULL-terminated: the first that loads */
	const char *const *symbols; /* the functions the backend calls */
	void **const *slots;        /* where each one's address goes, in SYMBOLS' order */
	size_t n;
	bool loaded;
};

/* Load LIB and fill its slots, once: 0, or -1 with ERR naming the library
 * and its package when it is not installed, or the function a library too old
 * lacks. */
int db_library_load(const struct db_request *rq, struct db_library *lib, struct mt_error *err);

/* NAME as a quoted SQL identifier: QUOTE ('"' or '`') around it, itself doubled
 * inside. Owned. */
char *db_quote_ident(const char *name, char quote);
/* TEXT's first line, trimmed of the newline and of "FATAL:  "/"ERROR:  "
 * prefixes servers add: the one-line reason an error message ends with.
 * Owned. */
char *db_first_line(const char *text);

#endif
