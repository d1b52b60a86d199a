/* dbchoice.c - which database a command reads (see dbchoice.h). */
#include <string.h>
#include <sys/stat.h>

#include "migtree/dbchoice.h"

const char *db_source_name(enum db_source s)
{
	switch (s) {
	case DB_SOURCE_OPTION:
		return "--db";
	case DB_SOURCE_ENV:
		return "MIGTREE_DB";
	case DB_SOURCE_CONFIG:
		return "sqlalchemy.url";
	case DB_SOURCE_NONE:
	default:
		return "none";
	}
}

/* A SQLite database in a file that is there: reading it reaches no host. */
static bool local_sqlite_file(const struct db_url *u)
{
	struct stat st;

	return u->kind == DB_SQLITE && u->path && stat(u->path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Parse TEXT into OUT->url; on failure ERR says where the text came from. */
static int parse_from(const char *text, const char *from, const char *path, int line, struct db_choice *out,
		      struct mt_error *err)
{
	struct mt_error why = { 0 };

	if (db_url_parse(text, &out->url, &why) == 0)
		return 0;
	db_url_free(&out->url);
	memset(&out->url, 0, sizeof(out->url));
	if (path)
		return mt_fail(err, path, line, "%s: %s", from, why.message);
	return mt_fail(err, NULL, 0, "%s: %s", from, why.message);
}

static int choose_config(const struct db_ask *a, struct db_choice *out, struct mt_error *err)
{
	struct mt_error ignored = { 0 };

	out->where_path = a->config_path && a->config_url ? a->config_path : "<database>";
	out->where_line = a->config_path && a->config_url ? a->config_line : 0;
	if (a->req && a->req->asked) { /* `--db` alone: asked for, so it must work */
		if (!a->config_url && a->config_path)
			return mt_fail(err, NULL, 0, "--db without a URL reads the configuration's sqlalchemy.url, "
				       "and %s sets none", a->config_path);
		if (!a->config_url)
			return mt_fail(err, NULL, 0, "--db without a URL reads the configuration's sqlalchemy.url, "
				       "and there is no configuration (-d)");
		out->source = DB_SOURCE_CONFIG;
		return parse_from(a->config_url, "sqlalchemy.url", a->config_path, a->config_line, out, err);
	}
	if (a->reads_db) {
		out->source = DB_SOURCE_CONFIG;
		return parse_from(a->config_url, "sqlalchemy.url", a->config_path, a->config_line, out, err);
	}
	/* by itself, for a command that does not exist to read it: a local SQLite
	 * file only, and an unreadable URL is none (env.py may build the real one) */
	if (parse_from(a->config_url, "sqlalchemy.url", NULL, 0, out, &ignored) == 0 &&
	    local_sqlite_file(&out->url)) {
		out->source = DB_SOURCE_CONFIG;
		return 0;
	}
	db_choice_free(out);
	return 0;
}

int db_choose(const struct db_ask *a, struct db_choice *out, struct mt_error *err)
{
	memset(out, 0, sizeof(*out));
	if (a->req && a->req->asked && a->req->url) {
		out->source = DB_SOURCE_OPTION;
		out->where_path = "<database>";
		return parse_from(a->req->url, "--db", NULL, 0, out, err);
	}
	if (!(a->req && a->req->asked) && a->env && *a->env) {
		out->source = DB_SOURCE_ENV;
		out->where_path = "<database>";
		return parse_from(a->env, "MIGTREE_DB", NULL, 0, out, err);
	}
	if (!a->config_url && !(a->req && a->req->asked))
		return 0;
	return choose_config(a, out, err);
}

void db_choice_free(struct db_choice *c)
{
	if (c->source != DB_SOURCE_NONE || c->url.scheme)
		db_url_free(&c->url);
	memset(c, 0, sizeof(*c));
}
