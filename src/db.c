/* db.c - the stamps read through whichever client library the URL's kind
 * needs (db.h). The libraries are optional at configure time: a build without
 * one says which Debian package adds it instead of reading nothing. The
 * backends share the few helpers they all need (db_backend.h). */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/db.h"
#include "migtree/db_backend.h"

/* What each kind is called and what a build without it needs. */
static const struct {
	const char *name, *package;
	bool built;
} kinds[] = {
	[DB_SQLITE] = { "SQLite", "libsqlite3-dev",
#ifdef MIGTREE_SQLITE
			true
#else
			false
#endif
	},
	[DB_POSTGRESQL] = { "PostgreSQL", "libpq-dev",
#ifdef MIGTREE_POSTGRESQL
			    true
#else
			    false
#endif
	},
	[DB_MYSQL] = { "MySQL/MariaDB", "libmariadb-dev",
#ifdef MIGTREE_MYSQL
		       true
#else
		       false
#endif
	},
};

bool db_kind_supported(enum db_kind k)
{
	return kinds[k].built;
}

static int dispatch(const struct db_request *rq, struct strlist *stamps, struct mt_error *err)
{
	enum db_kind k = rq->url->kind;

	if (!kinds[k].built)
		return mt_fail(err, NULL, 0,
			       "%s: migtree was built without %s support: install %s and run ./configure again",
			       rq->shown, kinds[k].name, kinds[k].package);
#ifdef MIGTREE_SQLITE
	if (k == DB_SQLITE)
		return db_sqlite_read(rq, stamps, err);
#endif
#ifdef MIGTREE_POSTGRESQL
	if (k == DB_POSTGRESQL)
		return db_pg_read(rq, stamps, err);
#endif
#ifdef MIGTREE_MYSQL
	if (k == DB_MYSQL)
		return db_mysql_read(rq, stamps, err);
#endif
	(void)stamps;
	return mt_fail(err, NULL, 0, "%s: no reader for this kind of database", rq->shown);
}

int db_read_stamps(const struct db_url *u, const struct db_options *o, struct strlist *stamps,
		   struct mt_error *err)
{
	char *shown = db_url_display(u);
	struct db_request rq = {
		.url = u,
		.shown = shown,
		.version_table = o && o->version_table ? o->version_table : "alembic_version",
		.version_schema = o && o->version_schema && *o->version_schema ? o->version_schema : NULL,
		.timeout_s = o && o->timeout_s > 0 ? o->timeout_s : 10,
	};
	int rc;

	if (!*rq.version_table)
		rc = mt_fail(err, NULL, 0, "%s: the version table's name is empty", shown);
	else
		rc = dispatch(&rq, stamps, err);
	free(shown);
	return rc;
}

char *db_quote_ident(const char *name, char quote)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_addc(&sb, quote);
	for (const char *p = name; *p; p++) {
		if (*p == quote)
			sb_addc(&sb, quote);
		sb_addc(&sb, *p);
	}
	sb_addc(&sb, quote);
	return sb_detach(&sb);
}

char *db_first_line(const char *text)
{
	static const char *const prefixes[] = { "FATAL:  ", "ERROR:  " };
	size_t n;

	text = text ? text : "";
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (str_starts_with(text, prefixes[i]))
			text += strlen(prefixes[i]);
	n = strcspn(text, "\n");
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\r' || text[n - 1] == '\t'))
		n--;
	return n ? xstrndup(text, n) : xstrdup("no reason given");
}

int db_library_load(const struct db_request *rq, struct db_library *lib, struct mt_error *err)
{
	const char *why = NULL;
	void *h = NULL;

	if (lib->loaded)
		return 0;
	for (size_t i = 0; !h && lib->sonames[i]; i++)
		if (!(h = dlopen(lib->sonames[i], RTLD_NOW | RTLD_LOCAL)) && !why)
			why = dlerror();
	if (!h)
		return mt_fail(err, NULL, 0, "%s: cannot load %s (%s): install the Debian package %s", rq->shown,
			       lib->what, why ? why : "not found", lib->package);
	for (size_t i = 0; i < lib->n; i++)
		if (!(*lib->slots[i] = dlsym(h, lib->symbols[i])))
			return mt_fail(err, NULL, 0, "%s: %s has no %s (too old a version)", rq->shown, lib->what,
				       lib->symbols[i]);
	lib->loaded = true; /* kept loaded: dlclose would gain nothing */
	return 0;
}
