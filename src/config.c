/* config.c - find alembic.ini / pyproject.toml and read the options that place files.
 *
 * Relative paths are taken relative to the configuration file's directory. Alembic
 * takes them relative to the current directory, which only works when it is run
 * from there; migtree also runs from subdirectories, so it anchors them where
 * the file that names them is (the same result in the case Alembic supports).
 * Projects that wrote a path relative to their repository root (run from there)
 * are still read: when the anchored path does not exist, the current directory
 * and then the configuration's parent directories are tried, and a note says so.
 *
 * Each option is looked up as Alembic's get_alembic_option does: the ini section
 * first, then [tool.alembic]. With an ini, Alembic reads ./pyproject.toml (the
 * directory it runs in): migtree reads the one in the current directory when the
 * ini was named with -c (exactly Alembic), and the one beside the ini when it
 * found the ini itself (the directory Alembic is run from in that case).
 * `-c DIR` is the search in DIR alone (not above): what `cd DIR && migtree` would
 * read, since a project's directory is what people have at hand, not its ini. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migtree/config.h"
#include "migtree/ini.h"
#include "migtree/pkgfind.h"
#include "migtree/scan.h"
#include "migtree/source.h"
#include "migtree/toml.h"

static bool is_file(struct source *fs, const char *p)
{
	return source_type(fs, p) == SOURCE_FILE;
}

static bool is_dir(struct source *fs, const char *p)
{
	return source_type(fs, p) == SOURCE_DIR;
}

static char *absolute(const char *base, const char *p)
{
	char cwd[PATH_MAX];

	if (p[0] == '/')
		return xstrdup(p);
	if (base)
		return xasprintf("%s/%s", base, p);
	if (!getcwd(cwd, sizeof(cwd)))
		return xstrdup(p);
	return xasprintf("%s/%s", cwd, p);
}

static char *dir_of(struct source *fs, const char *path)
{
	char *abs = absolute(NULL, path), *slash = strrchr(abs, '/'), *real;

	if (slash && slash != abs)
		*slash = '\0';
	if ((real = source_realpath(fs, abs))) {
		free(abs);
		return real;
	}
	return abs;
}

/* ini_load through FS: the work tree reads the file itself (as ever); a git
 * tree hands over the bytes. */
static int load_ini_file(struct source *fs, struct ini *ini, const char *path, struct mt_error *err)
{
	char *text, why[256];
	size_t len;
	int rc;

	if (fs == source_worktree())
		return ini_load(ini, path, err);
	rc = source_read(fs, path, SIZE_MAX, &text, &len, why);
	if (rc != SOURCE_READ_OK) {
		memset(ini, 0, sizeof(*ini));
		ini->path = xstrdup(path);
		return mt_fail(err, path, 0, rc == SOURCE_READ_NOT_REGULAR ? "%s" : "cannot open: %s", why);
	}
	rc = ini_parse(ini, path, text, len, err);
	free(text);
	return rc;
}

static int load_toml_table(struct source *fs, const char *path, const char *table, struct toml_table *t,
			   struct mt_error *err)
{
	char *text, why[256];
	size_t len;
	int rc;

	if (fs == source_worktree())
		return toml_load_table(path, table, t, err);
	memset(t, 0, sizeof(*t));
	rc = source_read(fs, path, SIZE_MAX, &text, &len, why);
	if (rc != SOURCE_READ_OK)
		return mt_fail(err, path, 0, rc == SOURCE_READ_NOT_REGULAR ? "%s" : "cannot open: %s", why);
	rc = toml_parse_table(path, text, table, t, err);
	free(text);
	return rc;
}

/* Walk up from the current directory looking for NAME; returns a path or NULL. */
/* NAME in START (NULL: the current directory) or, when UP, the first folder above
 * that has it. */
static char *find_from(struct source *fs, const char *start, const char *name, bool up)
{
	char dir[PATH_MAX];

	if (start ? snprintf(dir, sizeof(dir), "%s", start) >= (int)sizeof(dir) : !getcwd(dir, sizeof(dir)))
		return NULL;
	for (;;) {
		char *cand = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", name);
		char *slash;

		if (is_file(fs, cand))
			return cand;
		free(cand);
		slash = strrchr(dir, '/');
		if (!up || !slash || slash == dir)
			break;
		*slash = '\0';
	}
	return NULL;
}

/* The search's pyproject.toml: the first one here or above with [tool.alembic].
 * One that is not valid TOML stops the search with its error: it may be the one
 * meant, and "no configuration here" would hide why. -1, 0 (none) or 1. */
static int find_pyproject(struct source *fs, const char *start, bool up, char **found, struct mt_error *err)
{
	char dir[PATH_MAX];

	*found = NULL;
	if (start ? snprintf(dir, sizeof(dir), "%s", start) >= (int)sizeof(dir) : !getcwd(dir, sizeof(dir)))
		return 0;
	for (;;) {
		char *cand = xasprintf("%s/pyproject.toml", strcmp(dir, "/") ? dir : "");
		char *slash;

		if (is_file(fs, cand)) {
			struct toml_table t;
			int rc = load_toml_table(fs, cand, "tool.alembic", &t, err);
			bool has = rc == 0 && t.found;

			toml_table_free(&t);
			if (rc || has) {
				if (has)
					*found = cand;
				else
					free(cand);
				return rc ? -1 : 1;
			}
		}
		free(cand);
		slash = strrchr(dir, '/');
		if (!up || !slash || slash == dir)
			return 0;
		*slash = '\0';
	}
}

int config_split_locations(const char *value, const char *separator, struct strlist *out,
			   const char *path, struct mt_error *err)
{
	const char *seps;

	if (!separator) {
		seps = ", "; /* legacy: split on commas and runs of spaces */
	} else if (!strcmp(separator, "os") || !strcmp(separator, ":")) {
		seps = ":";
	} else if (!strcmp(separator, "space")) {
		seps = " ";
	} else if (!strcmp(separator, "newline")) {
		seps = "\n";
	} else if (!strcmp(separator, ";")) {
		seps = ";";
	} else {
		return mt_fail(err, path, 0,
			       "'%s' is not a valid path_separator; expected 'space', 'newline', 'os', ':', ';'",
			       separator);
	}
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, seps);
		char *item = xstrndup(p, n), *s = item, *e;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
			*--e = '\0';
		if (*s)
			sl_push(out, s);
		free(item);
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* Where configuration values are read from. */
struct settings {
	struct source *fs;        /* the files: the work tree, or a git tree */
	struct ini *ini;          /* NULL when a pyproject.toml is the configuration */
	const char *section;      /* the ini section (-n) */
	const char *ini_path, *ini_here;
	struct toml_table *toml;  /* [tool.alembic], NULL when there is none */
	const char *toml_path, *toml_here;
};

/* One option's value and where it was set. */
struct value {
	char *text;       /* NULL when no source sets the option */
	char *origin;     /* "alembic.ini:12", "pyproject.toml [tool.alembic]" */
	const char *base; /* the directory relative paths in it start from */
	const char *file; /* for errors */
	int line;         /* 0 when unknown */
};

static void value_free(struct value *v)
{
	free(v->text);
	free(v->origin);
	memset(v, 0, sizeof(*v));
}

/* Alembic formats [tool.alembic] strings with `value % {"here": ...}`: %(here)s
 * and %% are the substitutions a pyproject value can hold. */
static char *expand_here(const char *value, const char *here)
{
	struct strbuf sb;

	sb_init(&sb);
	for (const char *p = value; *p; p++) {
		if (!strncmp(p, "%(here)s", 8)) {
			sb_adds(&sb, here);
			p += 7;
		} else if (p[0] == '%' && p[1] == '%') {
			sb_addc(&sb, '%');
			p++;
		} else {
			sb_addc(&sb, *p);
		}
	}
	return sb_detach(&sb);
}

static int ini_value(const struct settings *src, const char *key, struct value *v, struct mt_error *err)
{
	const struct ini_entry *e = src->ini ? ini_find(src->ini, src->section, key) : NULL;

	memset(v, 0, sizeof(*v));
	if (!e)
		return 0;
	if (ini_get(src->ini, src->section, key, src->ini_here, &v->text, err))
		return -1;
	v->origin = xasprintf("%s:%d", path_base(src->ini_path), e->line);
	v->base = src->ini_here;
	v->file = src->ini_path;
	v->line = e->line;
	return 0;
}

static void toml_value(const struct settings *src, const char *key, struct value *v)
{
	const char *t = src->toml ? toml_get(src->toml, key) : NULL;

	memset(v, 0, sizeof(*v));
	if (!t)
		return;
	v->text = expand_here(t, src->toml_here);
	v->origin = xasprintf("%s [tool.alembic]", path_base(src->toml_path));
	v->base = src->toml_here;
	v->file = src->toml_path;
}

/* Alembic's get_alembic_option: the ini first, then [tool.alembic]. */
static int get_option(const struct settings *src, const char *key, struct value *v, struct mt_error *err)
{
	if (ini_value(src, key, v, err))
		return -1;
	if (!v->text)
		toml_value(src, key, v);
	return 0;
}

/* `package:path` (coerce_resource_to_filename): split at every colon; the first
 * token is a package, the others are path components under it. */
static int resolve_package(struct source *fs, const char *what, const struct value *v, const char *text,
			   char **path, char **origin, struct mt_error *err)
{
	size_t n = strcspn(text, ":");
	char *pkg = xstrndup(text, n), *dir, *shown;
	struct strbuf sb;

	if (!pkg_is_module_name(pkg, n)) {
		mt_fail(err, v->file, v->line, "%s '%s': '%s' is not a Python package name (package:path)",
			what, text, pkg);
		free(pkg);
		return -1;
	}
	dir = pkg_find_in(fs, v->base, pkg);
	if (!dir) {
		mt_fail(err, v->file, v->line,
			"%s '%s': package '%s' not found; looked for it in %s (and in its src/ and "
			"subdirectories), then the same in each parent directory",
			what, text, pkg, v->base);
		free(pkg);
		return -1;
	}
	/* Alembic joins each piece with pathlib's `/`: an empty piece adds nothing and
	 * an absolute one replaces what came before (`pkg:/srv/db` is /srv/db) */
	sb_init(&sb);
	sb_adds(&sb, dir);
	for (const char *p = text + n; *p;) {
		size_t k = strcspn(++p, ":");

		if (k && *p == '/')
			sb.len = 0;
		if (k)
			sb_addf(&sb, "%s%.*s", *p == '/' ? "" : "/", (int)k, p);
		p += k;
	}
	*path = sb_detach(&sb);
	shown = source_display(fs, dir);
	*origin = xasprintf("%s, package %s in %s", v->origin, pkg, shown);
	free(shown);
	free(pkg);
	free(dir);
	return 0;
}

/* A relative location that is not beside its configuration: the repository-root
 * habit (paths written for `alembic -c sub/dir/alembic.ini` run from the root). */
static bool try_fallbacks(struct source *fs, struct mt_config *cfg, const char *what, const struct value *v,
			  const char *text, char **path, char **origin)
{
	char cwd[PATH_MAX], *dir = xstrdup(v->base), *slash = NULL, *cand = NULL, *shown, *base;
	bool found = false;

	if (getcwd(cwd, sizeof(cwd)) && strcmp(cwd, v->base)) {
		cand = xasprintf("%s/%s", cwd, text);
		found = is_dir(fs, cand);
	}
	while (!found && (slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		free(cand);
		cand = xasprintf("%s/%s", dir, text);
		found = is_dir(fs, cand);
	}
	if (found) {
		base = source_display(fs, v->base);
		shown = slash ? source_display(fs, dir) : xstrdup("the current directory");
		free(*path);
		free(*origin);
		*path = cand;
		cand = NULL;
		*origin = slash ? xasprintf("fallback: parent directory %s", shown)
				: xstrdup("fallback: current directory");
		sl_push_owned(&cfg->notes, xasprintf("%s '%s' (%s) is not in %s; read it from %s", what,
						     text, v->origin, base, shown));
		free(shown);
		free(base);
	}
	free(cand);
	free(dir);
	return found;
}

/* The directory a location value names, and where that came from. REQUIRED
 * locations that exist nowhere are an error naming the places tried. */
static int resolve_location(struct source *fs, struct mt_config *cfg, const char *what,
			    const struct value *v, const char *text, bool required, char **path, char **origin,
			    struct mt_error *err)
{
	if (text[0] != '/' && strchr(text, ':'))
		return resolve_package(fs, what, v, text, path, origin, err);
	*path = absolute(v->base, text);
	*origin = xstrdup(v->origin);
	if (is_dir(fs, *path) || (text[0] != '/' && try_fallbacks(fs, cfg, what, v, text, path, origin)) ||
	    !required)
		return 0;
	if (text[0] == '/')
		return mt_fail(err, v->file, v->line, "%s %s is not a directory", what, text);
	return mt_fail(err, v->file, v->line,
		       "%s '%s' is not a directory in %s, the current directory, or any parent of %s",
		       what, text, v->base, v->base);
}

static int read_script_location(const struct settings *src, struct mt_config *cfg, struct mt_error *err)
{
	struct value v;
	char *env;
	int rc;

	if (get_option(src, "script_location", &v, err))
		return -1;
	if (!v.text) {
		/* Flask-Migrate's folder: its alembic.ini sits beside env.py and the
		 * folder is passed as script_location by the code, not the ini */
		env = src->ini ? xasprintf("%s/env.py", src->ini_here) : NULL;
		rc = env && is_file(src->fs, env) ? 0 : -1;
		free(env);
		if (rc == 0) {
			cfg->script_location = xstrdup(src->ini_here);
			cfg->origin.script_location =
				xstrdup("the ini's folder (Flask-Migrate layout: no script_location, env.py beside)");
			return 0;
		}
		return mt_fail(err, cfg->config_path, 0,
			       "no 'script_location' key found in configuration (section [%s])", cfg->section);
	}
	rc = resolve_location(src->fs, cfg, "script_location", &v, v.text, true, &cfg->script_location,
			      &cfg->origin.script_location, err);
	if (rc == 0 && !is_dir(src->fs, cfg->script_location))
		rc = mt_fail(err, v.file, v.line, "script_location %s is not a directory", cfg->script_location);
	value_free(&v);
	return rc;
}

/* version_locations as Alembic's get_version_locations_list reads it: the ini's
 * string (split by path_separator, an ini-only option), else [tool.alembic]'s list. */
static int locations_text(const struct settings *src, struct mt_config *cfg, struct strlist *raw,
			  struct strlist *origins, struct value *vl, struct mt_error *err)
{
	struct value sep;
	const struct strlist *items;
	const int *lines;

	if (ini_value(src, "version_locations", vl, err))
		return -1;
	if (vl->text && *vl->text) {
		if (ini_value(src, "path_separator", &sep, err) ||
		    (!sep.text && ini_value(src, "version_path_separator", &sep, err)))
			return -1;
		cfg->separator = sep.text ? xstrdup(sep.text) : NULL;
		cfg->origin.separator = xstrdup(sep.text ? sep.origin : "default");
		value_free(&sep);
		if (config_split_locations(vl->text, cfg->separator, raw, vl->file, err))
			return -1;
		for (size_t i = 0; i < raw->n; i++)
			sl_push(origins, vl->origin);
		return 0;
	}
	value_free(vl);
	if (src->toml && toml_find_list(src->toml, "version_locations", &items, &lines)) {
		for (size_t i = 0; i < items->n; i++) {
			sl_push_owned(raw, expand_here(items->v[i], src->toml_here));
			sl_push_owned(origins, xasprintf("%s:%d", path_base(src->toml_path), lines[i]));
		}
		vl->base = src->toml_here;
		vl->file = src->toml_path;
	}
	return 0;
}

static int read_locations(const struct settings *src, struct mt_config *cfg, struct mt_error *err)
{
	struct value vl;
	struct strlist raw = { 0 }, origins = { 0 };
	int rc = locations_text(src, cfg, &raw, &origins, &vl, err);

	for (size_t i = 0; rc == 0 && i < raw.n; i++) {
		struct value item = { NULL, origins.v[i], vl.base, vl.file, vl.line };
		char *path, *origin;

		rc = resolve_location(src->fs, cfg, "version location", &item, raw.v[i], false, &path, &origin,
				      err);
		if (rc == 0) {
			sl_push_owned(&cfg->version_locations, path);
			sl_push_owned(&cfg->origin.version_locations, origin);
		}
	}
	if (rc == 0 && raw.n == 0) {
		sl_push_owned(&cfg->version_locations, xasprintf("%s/versions", cfg->script_location));
		sl_push(&cfg->origin.version_locations, "default: script_location/versions");
	}
	sl_free(&raw);
	sl_free(&origins);
	value_free(&vl);
	return rc;
}

/* VALUE, or DEFAULT_TEXT with the origin "default". */
static char *or_default(struct value *v, const char *default_text, char **origin)
{
	char *text = xstrdup(v->text ? v->text : default_text);

	*origin = xstrdup(v->text ? v->origin : "default");
	value_free(v);
	return text;
}

static int read_options(const struct settings *src, struct mt_config *cfg, struct mt_error *err)
{
	struct value v;
	char *text;

	if (read_script_location(src, cfg, err))
		return -1;
	/* get_alembic_boolean_option: the ini's "true", else a TOML boolean */
	if (get_option(src, "recursive_version_locations", &v, err))
		return -1;
	text = or_default(&v, "false", &cfg->origin.recursive);
	cfg->recursive = !strcmp(text, "true");
	free(text);
	if (get_option(src, "file_template", &v, err))
		return -1;
	cfg->file_template = or_default(&v, "%(rev)s_%(slug)s", &cfg->origin.file_template);
	if (get_option(src, "truncate_slug_length", &v, err))
		return -1;
	text = or_default(&v, "40", &cfg->origin.truncate_slug_length);
	cfg->truncate_slug_length = atoi(text) > 0 ? atoi(text) : 40;
	free(text);
	return read_locations(src, cfg, err);
}

/* One `NAME = VALUE` define, normalised to NAME=VALUE. */
static int push_define(struct mt_config *cfg, const char *entry, const char *file, int line,
		       const char *origin, struct mt_error *err)
{
	const char *eq = strchr(entry, '=');
	const char *ns = entry, *ne = eq, *vs = eq ? eq + 1 : NULL, *ve;

	while (ns < (eq ? eq : entry) && (*ns == ' ' || *ns == '\t'))
		ns++;
	while (ne && ne > ns && (ne[-1] == ' ' || ne[-1] == '\t'))
		ne--;
	if (!eq || ne == ns)
		return mt_fail(err, file, line, "define '%s' is not NAME = VALUE", entry);
	while (*vs == ' ' || *vs == '\t')
		vs++;
	ve = vs + strlen(vs);
	while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
		ve--;
	sl_push_owned(&cfg->defines, xasprintf("%.*s=%.*s", (int)(ne - ns), ns, (int)(ve - vs), vs));
	sl_push(&cfg->origin.defines, origin);
	return 0;
}

/* [migtree] define: one NAME = VALUE a line, taken literally (no interpolation). */
static int read_ini_defines(const struct ini *ini, struct mt_config *cfg, struct mt_error *err)
{
	const struct ini_entry *e = ini_has_section(ini, "migtree") ? ini_find(ini, "migtree", "define") : NULL;
	const char *p = e ? e->value : "";
	int rc = 0;

	for (size_t k = 0; *p && rc == 0; k++) {
		size_t n = strcspn(p, "\n");
		char *entry = xstrndup(p, n), *origin;
		int line = k < e->nlines ? e->lines[k] : e->line;

		origin = xasprintf("%s:%d", path_base(ini->path), line);
		if (entry[strspn(entry, " \t")])
			rc = push_define(cfg, entry, ini->path, line, origin, err);
		free(origin);
		free(entry);
		p += n + (p[n] == '\n');
	}
	return rc;
}

/* [tool.migtree] define = ["NAME=VALUE", ...] */
static int read_toml_defines(struct source *fs, const char *path, struct mt_config *cfg, struct mt_error *err)
{
	struct toml_table t;
	const struct strlist *items;
	const int *lines;
	int rc = load_toml_table(fs, path, "tool.migtree", &t, err);

	if (rc == 0 && toml_get(&t, "define"))
		rc = mt_fail(err, path, 0, "[tool.migtree] define must be an array of strings");
	if (rc == 0 && toml_find_list(&t, "define", &items, &lines)) {
		for (size_t i = 0; i < items->n && rc == 0; i++) {
			char *origin = xasprintf("%s:%d", path_base(path), lines[i]);

			rc = push_define(cfg, items->v[i], path, lines[i], origin, err);
			free(origin);
		}
	}
	toml_table_free(&t);
	return rc;
}

/* sqlalchemy.url, as env.py's config.get_main_option reads it. A value whose
 * interpolation fails (`%(DB_URL)s` that env.py fills in) is kept as written:
 * every command but the ones that read the database can ignore it, and those
 * then say that it is no URL, at its line. */
static void read_sqlalchemy_url(const struct settings *src, struct mt_config *cfg)
{
	const struct ini_entry *e = ini_find(src->ini, src->section, "sqlalchemy.url");
	struct mt_error ignored;

	if (!e)
		return;
	if (ini_get(src->ini, src->section, "sqlalchemy.url", src->ini_here, &cfg->sqlalchemy_url, &ignored) ||
	    !cfg->sqlalchemy_url) {
		free(cfg->sqlalchemy_url);
		cfg->sqlalchemy_url = xstrdup(e->value);
	}
	cfg->sqlalchemy_url_path = xstrdup(src->ini_path);
	cfg->sqlalchemy_url_line = e->line;
}

/* The pyproject.toml Alembic would read with this ini (see the header). */
static char *pyproject_for(const char *ini_here, bool named)
{
	char cwd[PATH_MAX];

	if (named && getcwd(cwd, sizeof(cwd)))
		return xasprintf("%s/pyproject.toml", cwd);
	return xasprintf("%s/pyproject.toml", ini_here);
}

static int load_ini(struct source *fs, const char *path, const char *section, bool named,
		    struct mt_config *cfg, struct mt_error *err)
{
	struct ini ini = { 0 };
	struct toml_table toml = { 0 };
	char *pyproject = pyproject_for(cfg->here, named), *toml_here = NULL;
	struct settings src = { fs, &ini, section, path, cfg->here, NULL, NULL, NULL };
	int rc = -1;

	cfg->section = xstrdup(section);
	if (load_ini_file(fs, &ini, path, err))
		goto out;
	/* Alembic reads this pyproject.toml too: one that is not TOML fails it */
	if (is_file(fs, pyproject) && load_toml_table(fs, pyproject, "tool.alembic", &toml, err))
		goto out;
	if (toml.found) {
		toml_here = dir_of(fs, pyproject);
		src = (struct settings){ fs, &ini, section, path, cfg->here, &toml, pyproject, toml_here };
		cfg->toml_path = xstrdup(pyproject);
	}
	if (!ini_has_section(&ini, section) && !src.toml) {
		mt_fail(err, path, 0, "no [%s] section", section);
		goto out;
	}
	rc = read_options(&src, cfg, err);
	if (rc == 0)
		read_sqlalchemy_url(&src, cfg);
	/* defines: pyproject first, then the ini, as for every other option the ini wins */
	if (rc == 0 && is_file(fs, pyproject))
		rc = read_toml_defines(fs, pyproject, cfg, err);
	if (rc == 0)
		rc = read_ini_defines(&ini, cfg, err);
out:
	ini_free(&ini);
	toml_table_free(&toml);
	free(pyproject);
	free(toml_here);
	return rc;
}

static int load_toml(struct source *fs, const char *path, struct mt_config *cfg, struct mt_error *err)
{
	struct toml_table toml;
	struct settings src = { fs, NULL, "tool.alembic", NULL, NULL, &toml, path, cfg->here };
	int rc;

	cfg->section = xstrdup("tool.alembic");
	if (load_toml_table(fs, path, "tool.alembic", &toml, err))
		return -1;
	if (!toml.found)
		rc = mt_fail(err, path, 0, "no [tool.alembic] table");
	else
		rc = read_options(&src, cfg, err);
	toml_table_free(&toml);
	return rc == 0 ? read_toml_defines(fs, path, cfg, err) : rc;
}

/* NAMED: the file came from -c (not found by the search). */
static int load_file(struct source *fs, const char *path, const char *section, bool named,
		     struct mt_config *cfg, struct mt_error *err)
{
	cfg->config_path = xstrdup(path);
	cfg->here = dir_of(fs, path);
	if (str_ends_with(path, ".toml"))
		return load_toml(fs, path, cfg, err);
	return load_ini(fs, path, section, named, cfg, err);
}

static void bare_directory(struct source *fs, const struct config_request *req, struct mt_config *cfg)
{
	char *dir = absolute(NULL, req->versions_dir);

	if (!(cfg->here = source_realpath(fs, dir)))
		cfg->here = xstrdup(req->versions_dir);
	free(dir);
	sl_push(&cfg->version_locations, cfg->here);
	sl_push(&cfg->origin.version_locations, "-d");
	cfg->recursive = req->recursive;
	cfg->origin.recursive = xstrdup(req->recursive ? "--recursive" : "default");
	cfg->file_template = xstrdup("%(rev)s_%(slug)s");
	cfg->origin.file_template = xstrdup("default");
	cfg->truncate_slug_length = 40;
	cfg->origin.truncate_slug_length = xstrdup("default");
}

/* -c FILE must be a regular file; the work tree says why not in errno's words. */
static int check_named(struct source *fs, const char *path, struct mt_error *err)
{
	struct stat st;
	enum source_type t;

	if (fs != source_worktree()) {
		t = source_type(fs, path);
		if (t == SOURCE_NONE)
			return mt_fail(err, path, 0, "no such configuration file");
		if (t != SOURCE_FILE)
			return mt_fail(err, path, 0, "not a regular file (%s); -c names a configuration file",
				       t == SOURCE_DIR ? "a directory" : "not a file");
		return 0;
	}
	if (stat(path, &st) != 0)
		return mt_fail(err, path, 0, errno == ENOENT ? "no such configuration file" : "cannot read it: %s",
			       strerror(errno));
	if (!S_ISREG(st.st_mode))
		return mt_fail(err, path, 0, "not a regular file (%s); -c names a configuration file",
			       file_kind(st.st_mode));
	return 0;
}

/* The configuration in START (-c DIR, named SHOWN) or, when START is NULL, here
 * or above: alembic.ini, Flask-Migrate's migrations/alembic.ini, then a
 * pyproject.toml with [tool.alembic]. A directory named with -c is read as
 * `cd DIR && migtree` would: its pyproject.toml is the one beside its ini. */
static int search(struct source *fs, const char *start, const char *shown_dir, const char *section,
		  struct mt_config *cfg, struct mt_error *err)
{
	const char *where = start ? "in that directory" : "here or above";
	char *found, *shown;
	int rc;

	found = find_from(fs, start, "alembic.ini", !start);
	if (!found && (found = find_from(fs, start, "migrations/alembic.ini", !start))) {
		shown = source_display(fs, found);
		sl_push_owned(&cfg->notes, xasprintf("no alembic.ini %s; reading %s (Flask-Migrate's folder)",
						     where, shown));
		free(shown);
	}
	if (!found && find_pyproject(fs, start, !start, &found, err) < 0)
		return -1;
	if (!found && start)
		return mt_fail(err, shown_dir, 0,
			       "a directory without alembic.ini, migrations/alembic.ini or a pyproject.toml "
			       "with [tool.alembic]; -c takes such a directory or the file itself");
	if (!found)
		return mt_fail(err, NULL, 0,
			       "no alembic.ini (or migrations/alembic.ini, or pyproject.toml with "
			       "[tool.alembic]) here or above; use -c FILE or -d VERSIONS_DIR");
	rc = load_file(fs, found, section, false, cfg, err);
	free(found);
	return rc;
}

static int locate_and_read(struct source *fs, const struct config_request *req, struct mt_config *cfg,
			   struct mt_error *err)
{
	const char *section = req->section ? req->section : "alembic";
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (req->versions_dir) {
		char *dir = absolute(NULL, req->versions_dir);
		bool ok = is_dir(fs, dir);

		free(dir);
		if (!ok)
			return mt_fail(err, req->versions_dir, 0, "not a directory");
		bare_directory(fs, req, cfg);
		return 0;
	}
	if (req->config_file) {
		char *path = absolute(NULL, req->config_file);

		if (is_dir(fs, path)) { /* -c DIR: the project in DIR, as if migtree ran there */
			rc = search(fs, path, req->config_file, section, cfg, err);
			free(path);
			return rc;
		}
		rc = check_named(fs, fs == source_worktree() ? req->config_file : path, err);
		free(path);
		return rc ? rc : load_file(fs, req->config_file, section, true, cfg, err);
	}
	return search(fs, NULL, NULL, section, cfg, err);
}

int config_load(const struct config_request *req, struct mt_config *cfg, struct mt_error *err)
{
	return config_load_from(source_worktree(), req, cfg, err);
}

int config_load_from(struct source *fs, const struct config_request *req, struct mt_config *cfg,
		     struct mt_error *err)
{
	if (locate_and_read(fs, req, cfg, err)) {
		/* a file read from git is named as git names it: REF:path */
		if (err && err->path[0] == '/' && fs != source_worktree()) {
			char *shown = source_display(fs, err->path);

			snprintf(err->path, sizeof(err->path), "%s", shown);
			free(shown);
		}
		return -1;
	}
	/* the command line comes last, so it overrides what the files define */
	for (size_t i = 0; i < req->defines.n; i++) {
		sl_push(&cfg->defines, req->defines.v[i]);
		sl_push(&cfg->origin.defines, "--define");
	}
	return 0;
}

void config_free(struct mt_config *cfg)
{
	free(cfg->config_path);
	free(cfg->here);
	free(cfg->script_location);
	sl_free(&cfg->version_locations);
	free(cfg->file_template);
	sl_free(&cfg->defines);
	sl_free(&cfg->notes);
	free(cfg->section);
	free(cfg->toml_path);
	free(cfg->separator);
	free(cfg->sqlalchemy_url);
	free(cfg->sqlalchemy_url_path);
	free(cfg->origin.script_location);
	free(cfg->origin.recursive);
	free(cfg->origin.file_template);
	free(cfg->origin.truncate_slug_length);
	free(cfg->origin.separator);
	sl_free(&cfg->origin.version_locations);
	sl_free(&cfg->origin.defines);
	memset(cfg, 0, sizeof(*cfg));
}
