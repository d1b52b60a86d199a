/* dburl.c - SQLAlchemy's URL grammar, without I/O (dburl.h).
 *
 * The parse follows the regular expression of SQLAlchemy's make_url
 * (sqlalchemy/engine/url.py, 1.4 and 2.0 alike) choice for choice, so that a
 * URL names the same user, host and database here as for Alembic:
 *
 *     name://[user[:password]@][host|[ipv6]][:port][/database][?query]
 *
 * user and password are percent-decoded (unquote), the query as parse_qsl
 * decodes it ('+' is a space, pairs without a value dropped); the database is
 * taken as written, as SQLAlchemy passes it to the driver. Where SQLAlchemy's
 * `re.match` would stop early and silently drop the rest ("u:p@ss@host"), this
 * is an error instead: such a URL does not say what its author meant. Nothing
 * parsed is echoed in an error but the dialect, since the text may hold a
 * password. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "migtree/dburl.h"

static const char url_forms[] = "dialect[+driver]://user:password@host:port/database";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Python's unquote (PLUS: unquote_plus) of N bytes at S; NULL when it decodes
 * to a NUL byte, which no C library call could pass on. */
static char *unquote(const char *s, size_t n, bool plus)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			if (!(hi | lo)) {
				sb_free(&sb);
				return NULL;
			}
			sb_addc(&sb, (char)(hi << 4 | lo));
			i += 2;
		} else {
			sb_addc(&sb, plus && s[i] == '+' ? ' ' : s[i]);
		}
	}
	return sb_detach(&sb);
}

/* parse_qsl: '&'-separated name=value pairs, both unquote_plus'ed; a pair
 * without '=' or with an empty value is dropped (keep_blank_values=False). */
static int parse_query(const char *q, struct strlist *out, struct mt_error *err)
{
	while (*q) {
		size_t n = strcspn(q, "&"), k = strcspn(q, "=");
		char *name, *value;

		if (k < n && k + 1 < n) {
			name = unquote(q, k, true);
			value = unquote(q + k + 1, n - k - 1, true);
			if (!name || !value) {
				free(name);
				free(value);
				return mt_fail(err, NULL, 0, "a database URL's query decodes to a NUL byte (%%00)");
			}
			sl_push_owned(out, xasprintf("%s=%s", name, value));
			free(name);
			free(value);
		}
		q += n + (q[n] == '&');
	}
	return 0;
}

/* The value of query parameter NAME (the last one given), or NULL. */
static const char *query_get(const struct strlist *query, const char *name)
{
	size_t len = strlen(name);
	const char *found = NULL;

	for (uint32_t i = 0; i < query->n; i++)
		if (!strncmp(query->v[i], name, len) && query->v[i][len] == '=')
			found = query->v[i] + len + 1;
	return found;
}

/* `[user[:password]@]` as the regular expression's backtracking settles it:
 * the user is the longest run without ':' or '/' that a ":password@" or an
 * '@' follows; the password runs to the first '@'. Returns where the host
 * starts. */
static const char *parse_userinfo(const char *s, struct db_url *u, struct mt_error *err)
{
	size_t k = strcspn(s, ":/"), j;
	const char *user = NULL, *pass = NULL, *host = s;
	size_t user_n = 0, pass_n = 0;

	if (s[k] == ':' && strchr(s + k + 1, '@')) {
		user = s;
		user_n = k;
		pass = s + k + 1;
		pass_n = strcspn(pass, "@");
		host = pass + pass_n + 1;
	} else {
		for (j = k; j > 0 && s[j - 1] != '@'; j--)
			;
		if (j > 0) {
			user = s;
			user_n = j - 1;
			host = s + j;
		}
	}
	if (user && !(u->user = unquote(user, user_n, false)))
		return mt_fail(err, NULL, 0, "a database URL's user decodes to a NUL byte (%%00)"), NULL;
	if (pass && !(u->password = unquote(pass, pass_n, false)))
		return mt_fail(err, NULL, 0, "a database URL's password decodes to a NUL byte (%%00)"), NULL;
	return host;
}

/* `[host|[ipv6]][:port]`. Returns what follows. */
static const char *parse_hostport(const char *s, struct db_url *u, struct mt_error *err)
{
	size_t n = *s == '[' ? strcspn(s + 1, "/?") : 0;
	const char *close = NULL;
	long port = 0;

	/* greedy: the last ']' before a '/' or '?' closes an IPv6 address */
	for (size_t i = 1; i < n; i++)
		if (s[1 + i] == ']')
			close = s + 1 + i;
	if (close) {
		u->host = xstrndup(s + 1, (size_t)(close - s - 1));
		s = close + 1;
	} else if ((n = strcspn(s, "/:?")) > 0) {
		u->host = xstrndup(s, n);
		s += n;
	}
	if (*s != ':')
		return s;
	n = strcspn(++s, "/?");
	for (size_t i = 0; i < n && port >= 0 && port <= 65535; i++)
		port = isdigit((unsigned char)s[i]) ? port * 10 + (s[i] - '0') : -1;
	if (port < 1 || port > 65535)
		return mt_fail(err, NULL, 0, "a database URL's port is not a number from 1 to 65535"), NULL;
	u->port = (int)port;
	return s + n;
}

static int parse_kind(const char *scheme, enum db_kind *kind, struct mt_error *err)
{
	size_t n = strcspn(scheme, "+");

	if (n == 6 && !strncmp(scheme, "sqlite", n))
		*kind = DB_SQLITE;
	else if (n == 10 && !strncmp(scheme, "postgresql", n))
		*kind = DB_POSTGRESQL;
	else if ((n == 5 && !strncmp(scheme, "mysql", n)) || (n == 7 && !strncmp(scheme, "mariadb", n)))
		*kind = DB_MYSQL;
	else if (n == 8 && !strncmp(scheme, "postgres", n))
		return mt_fail(err, NULL, 0,
			       "unknown database dialect 'postgres': SQLAlchemy 1.4 and later call it "
			       "'postgresql' (postgresql://...)");
	else
		return mt_fail(err, NULL, 0,
			       "unknown database dialect '%.*s': migtree reads sqlite, postgresql, mysql and mariadb",
			       (int)n, scheme);
	return 0;
}

/* os.path.abspath: joined to the current directory, then '.' and '..' taken
 * away by the letter (normpath), as pysqlite's connect arguments are made. */
static char *abspath(const char *p)
{
	char cwd[PATH_MAX];
	struct strlist parts = { 0 };
	char *joined, *save = NULL, *out;
	struct strbuf sb;

	joined = p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".", p);
	for (char *t = strtok_r(joined, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			if (parts.n)
				free(parts.v[--parts.n]);
			continue;
		}
		sl_push(&parts, t);
	}
	sb_init(&sb);
	for (uint32_t i = 0; i < parts.n; i++)
		sb_addf(&sb, "/%s", parts.v[i]);
	if (!sb.len)
		sb_addc(&sb, '/');
	out = sb_detach(&sb);
	sl_free(&parts);
	free(joined);
	return out;
}

/* SQLAlchemy's util.asbool for a query value */
static bool asbool(const char *v)
{
	static const char *const yes[] = { "true", "yes", "on", "y", "t", "1" };

	for (size_t i = 0; v && i < sizeof(yes) / sizeof(*yes); i++)
		if (!strcasecmp(v, yes[i]))
			return true;
	return false;
}

/* pysqlite's create_connect_args: the file, or with ?uri=true a SQLite URI
 * that keeps the query parameters the Python driver does not take. */
static int sqlite_path(struct db_url *u, struct mt_error *err)
{
	static const char *const driver_args[] = { "uri", "timeout", "isolation_level", "detect_types",
						   "check_same_thread", "cached_statements" };
	struct strbuf sb;

	if (u->user || u->password || u->host || u->port)
		return mt_fail(err, NULL, 0,
			       "a SQLite URL has no user, password, host or port: sqlite:///relative/file.db, "
			       "sqlite:////absolute/file.db, or sqlite:// in memory");
	if (!asbool(query_get(&u->query, "uri"))) {
		if (u->database && *u->database && strcmp(u->database, ":memory:"))
			u->path = abspath(u->database);
		return 0;
	}
	if (!u->database || !*u->database)
		return mt_fail(err, NULL, 0, "a SQLite URL with uri=true names a file: URI as its database");
	sb_init(&sb);
	sb_adds(&sb, u->database);
	for (uint32_t i = 0; i < u->query.n; i++) {
		bool ours = false;

		for (size_t k = 0; k < sizeof(driver_args) / sizeof(*driver_args); k++)
			ours |= str_starts_with(u->query.v[i], driver_args[k]) &&
				u->query.v[i][strlen(driver_args[k])] == '=';
		if (!ours)
			sb_addf(&sb, "%c%s", strchr(sb.buf, '?') ? '&' : '?', u->query.v[i]);
	}
	u->path = sb_detach(&sb);
	return 0;
}

static int parse(const char *text, struct db_url *u, struct mt_error *err)
{
	size_t n = strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+");
	const char *s;

	if (!n || strncmp(text + n, "://", 3))
		return mt_fail(err, NULL, 0, "not a database URL: expected %s", url_forms);
	u->scheme = xstrndup(text, n);
	if (parse_kind(u->scheme, &u->kind, err))
		return -1;
	if (!(s = parse_userinfo(text + n + 3, u, err)) || !(s = parse_hostport(s, u, err)))
		return -1;
	if (*s == '/') {
		size_t d = strcspn(++s, "?");

		u->database = xstrndup(s, d);
		s += d;
	}
	if (*s == '?') {
		if (parse_query(s + 1, &u->query, err))
			return -1;
		s += strlen(s);
	}
	if (*s)
		return mt_fail(err, NULL, 0,
			       "a %s URL that does not read as %s: percent-encode '@', ':' and '/' in the user "
			       "and password (%%40, %%3A, %%2F)",
			       u->scheme, url_forms);
	return u->kind == DB_SQLITE ? sqlite_path(u, err) : 0;
}

int db_url_parse(const char *text, struct db_url *out, struct mt_error *err)
{
	memset(out, 0, sizeof(*out));
	if (parse(text, out, err) == 0)
		return 0;
	db_url_free(out);
	return -1;
}

/* SQLAlchemy's _sqla_url_quote: ':', '@' and '/' percent-encoded */
static void add_quoted(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == ':' || *s == '@' || *s == '/')
			sb_addf(sb, "%%%X", (unsigned char)*s);
		else
			sb_addc(sb, *s);
	}
}

/* Python's quote_plus */
static void add_quoted_plus(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~')
			sb_addc(sb, (char)c);
		else if (c == ' ')
			sb_addc(sb, '+');
		else
			sb_addf(sb, "%%%02X", c);
	}
}

/* A query item and its place: render_as_string sorts the names and keeps
 * each name's values in the order given, a stable sort qsort is not. */
struct item {
	const char *text; /* "name=value" */
	uint32_t at;
};

static int by_name(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	size_t nx = strcspn(x->text, "="), ny = strcspn(y->text, "=");
	int c = strncmp(x->text, y->text, nx < ny ? nx : ny);

	if (c)
		return c;
	if (nx != ny)
		return nx < ny ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

static void add_query(struct strbuf *sb, const struct strlist *query)
{
	struct item *items = xcalloc(query->n, sizeof(*items));

	for (uint32_t i = 0; i < query->n; i++)
		items[i] = (struct item){ query->v[i], i };
	sort_array(items, query->n, sizeof(*items), by_name);
	for (uint32_t i = 0; i < query->n; i++) {
		size_t k = strcspn(items[i].text, "=");

		sb_addc(sb, i ? '&' : '?');
		add_quoted_plus(sb, items[i].text, k);
		sb_addc(sb, '=');
		add_quoted_plus(sb, items[i].text + k + 1, strlen(items[i].text + k + 1));
	}
	free(items);
}

/* render_as_string with the password as MASK; an empty one stays empty unless
 * MASK_EMPTY (SQLAlchemy's repr masks it, Alembic's obfuscate_url_pw does not). */
static char *render(const struct db_url *u, const char *mask, bool mask_empty)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_addf(&sb, "%s://", u->scheme);
	if (u->user) {
		add_quoted(&sb, u->user);
		if (u->password)
			sb_addf(&sb, ":%s", *u->password || mask_empty ? mask : "");
		sb_addc(&sb, '@');
	}
	if (u->host)
		sb_addf(&sb, strchr(u->host, ':') ? "[%s]" : "%s", u->host);
	if (u->port)
		sb_addf(&sb, ":%d", u->port);
	if (u->database)
		sb_addf(&sb, "/%s", u->database);
	add_query(&sb, &u->query);
	return sb_detach(&sb);
}

char *db_url_display(const struct db_url *u)
{
	return render(u, "***", true);
}

char *db_url_alembic(const struct db_url *u)
{
	return render(u, "XXXXX", false);
}

void db_url_free(struct db_url *u)
{
	free(u->scheme);
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->database);
	free(u->path);
	sl_free(&u->query);
	memset(u, 0, sizeof(*u));
}
