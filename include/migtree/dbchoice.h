/* dbchoice.h - which database a command reads, if any (issue 14's rule).
 *
 * `--db URL` first (`--db` alone: the configuration's sqlalchemy.url), else the
 * MIGTREE_DB environment variable, else the configuration's sqlalchemy.url; that
 * last one by itself only for the commands that exist to read it (current,
 * history -i), and for every other command only when it names a local SQLite
 * file that exists. A network database is never contacted unless asked: `check`
 * in CI must not reach for a production host because an ini names it, and an
 * ini's `driver://user:pass@localhost/dbname` (Alembic's template, left in place
 * by every project whose env.py builds the URL) must not fail it either.
 *
 * One function, no I/O but a stat of the SQLite file: the commands and the
 * explorer call it through cli_db_state (cli.h), so they cannot disagree. */
#ifndef MIGTREE_DBCHOICE_H
#define MIGTREE_DBCHOICE_H

#include <stdbool.h>

#include "migtree/dburl.h"

/* The global options a user gave (main.c). */
struct db_request {
	bool asked;                 /* --db given, with or without a URL */
	const char *url;            /* --db URL, or NULL: the configured one */
	const char *version_table;  /* --version-table NAME, or NULL */
	const char *version_schema; /* --version-schema NAME, or NULL */
};

struct db_ask {
	const struct db_request *req;
	const char *env;         /* MIGTREE_DB, or NULL (unset or empty) */
	const char *config_url;  /* the configuration's sqlalchemy.url, or NULL */
	const char *config_path; /* where it was read (for errors); without a URL, the
				  * configuration that has none; NULL with -d */
	int config_line;
	bool reads_db;           /* the command exists to read the database */
};

enum db_source { DB_SOURCE_NONE, DB_SOURCE_OPTION, DB_SOURCE_ENV, DB_SOURCE_CONFIG };

struct db_choice {
	enum db_source source;   /* DB_SOURCE_NONE: this command reads no database */
	struct db_url url;       /* parsed; zero with DB_SOURCE_NONE */
	/* Where the URL was written, for a problem about the database: the
	 * configuration's line, or "<database>" (line 0) for --db URL and MIGTREE_DB. */
	const char *where_path;
	int where_line;
};

/* The database A asks for into OUT (db_choice_free it, whatever the result).
 * -1 with ERR when the URL asked for cannot be read as one (ERR names where it
 * came from: the ini's line, --db or MIGTREE_DB), or `--db` alone finds no
 * configured URL. A configured URL a command may not use by itself is no error:
 * DB_SOURCE_NONE. */
int db_choose(const struct db_ask *a, struct db_choice *out, struct mt_error *err);
void db_choice_free(struct db_choice *c);
/* "--db", "MIGTREE_DB", "sqlalchemy.url": what the user would look at. */
const char *db_source_name(enum db_source s);

#endif
