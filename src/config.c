/* config.c - find alembic.ini / pyproject.toml and read the options that place files.
 *
 * Relative paths are taken relative to the configuration file's directory. Alembic
 * takes them relative to the current directory, which only works when it is run
 * from there; migtree also runs from subdirectories, so it anchors them where
 * the file that names them is (the same result in the case Alembic supports). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migtree/config.h"
#include "migtree/ini.h"
#include "migtree/toml.h"

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
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

static char *dir_of(const char *path)
{
	char *abs = absolute(NULL, path), *slash = strrchr(abs, '/');
	char real[PATH_MAX];

	if (slash && slash != abs)
		*slash = '\0';
	if (realpath(abs, real)) {
		free(abs);
		return xstrdup(real);
	}
	return abs;
}

/* Walk up from the current directory looking for NAME; returns a path or NULL. */
static char *find_upwards(const char *name, bool (*accept)(const char *))
{
	char dir[PATH_MAX];

	if (!getcwd(dir, sizeof(dir)))
		return NULL;
	for (;;) {
		char *cand = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", name);
		char *slash;

		if (is_file(cand) && (!accept || accept(cand)))
			return cand;
		free(cand);
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	return NULL;
}

static bool pyproject_has_alembic(const char *path)
{
	struct toml_table t;
	bool ok = toml_load_table(path, "tool.alembic", &t, NULL) == 0 && t.found;

	toml_table_free(&t);
	return ok;
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

static bool is_module_name(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || s[i] == '.' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* script_location may be `package:path`; resolve the package as a directory. */
static char *resolve_script_location(const char *here, const char *loc)
{
	const char *colon = strchr(loc, ':');

	if (colon && colon != loc && is_module_name(loc, (size_t)(colon - loc))) {
		char *pkg = xstrndup(loc, (size_t)(colon - loc));
		char *rel, *abs;

		for (char *c = pkg; *c; c++)
			if (*c == '.')
				*c = '/';
		rel = xasprintf("%s/%s", pkg, colon + 1);
		abs = absolute(here, rel);
		free(pkg);
		free(rel);
		return abs;
	}
	return absolute(here, loc);
}

struct option_source {
	struct ini *ini;
	const char *section;
	struct toml_table *toml;
};

/* pyproject values are not configparser-interpolated; Alembic still expands %(here)s. */
static char *expand_here(const char *value, const char *here)
{
	struct strbuf sb;
	const char *at;

	sb_init(&sb);
	while ((at = strstr(value, "%(here)s"))) {
		sb_addn(&sb, value, (size_t)(at - value));
		sb_adds(&sb, here);
		value = at + 8;
	}
	sb_adds(&sb, value);
	return sb_detach(&sb);
}

static int get_option(struct option_source *src, const char *key, const char *here, char **out,
		      struct mt_error *err)
{
	*out = NULL;
	if (src->toml && src->toml->found) {
		const char *v = toml_get(src->toml, key);

		if (v) {
			*out = expand_here(v, here);
			return 0;
		}
	}
	if (src->ini)
		return ini_get(src->ini, src->section, key, here, out, err);
	return 0;
}

static int read_locations(struct option_source *src, struct mt_config *cfg, struct mt_error *err)
{
	char *vl = NULL, *sep = NULL;
	struct strlist raw = { 0 };
	int rc = 0;

	if (src->toml && src->toml->found && toml_get_list(src->toml, "version_locations", &raw)) {
		/* pyproject lists are already split */
	} else {
		if (get_option(src, "version_locations", cfg->here, &vl, err))
			return -1;
		if (vl && *vl) {
			if (get_option(src, "path_separator", cfg->here, &sep, err) ||
			    (!sep && get_option(src, "version_path_separator", cfg->here, &sep, err)))
				rc = -1;
			else
				rc = config_split_locations(vl, sep, &raw, cfg->config_path, err);
		}
	}
	for (size_t i = 0; rc == 0 && i < raw.n; i++) {
		char *loc = expand_here(raw.v[i], cfg->here);

		sl_push_owned(&cfg->version_locations, resolve_script_location(cfg->here, loc));
		free(loc);
	}
	if (rc == 0 && raw.n == 0)
		sl_push_owned(&cfg->version_locations, xasprintf("%s/versions", cfg->script_location));
	sl_free(&raw);
	free(vl);
	free(sep);
	return rc;
}

static int read_options(struct option_source *src, struct mt_config *cfg, struct mt_error *err)
{
	char *loc = NULL, *rec = NULL, *tpl = NULL, *tsl = NULL;
	int rc = -1;

	if (get_option(src, "script_location", cfg->here, &loc, err))
		goto out;
	if (!loc) {
		mt_fail(err, cfg->config_path, 0, "no 'script_location' key found in configuration (section [%s])",
			src->section);
		goto out;
	}
	cfg->script_location = resolve_script_location(cfg->here, loc);
	if (!is_dir(cfg->script_location)) {
		mt_fail(err, cfg->config_path, 0, "script_location %s is not a directory", cfg->script_location);
		goto out;
	}
	if (get_option(src, "recursive_version_locations", cfg->here, &rec, err) ||
	    get_option(src, "file_template", cfg->here, &tpl, err) ||
	    get_option(src, "truncate_slug_length", cfg->here, &tsl, err))
		goto out;
	cfg->recursive = rec && !strcmp(rec, "true");
	cfg->file_template = tpl ? xstrdup(tpl) : xstrdup("%(rev)s_%(slug)s");
	cfg->truncate_slug_length = tsl && atoi(tsl) > 0 ? atoi(tsl) : 40;
	rc = read_locations(src, cfg, err);
out:
	free(loc);
	free(rec);
	free(tpl);
	free(tsl);
	return rc;
}

static int load_file(const char *path, const char *section, struct mt_config *cfg, struct mt_error *err)
{
	struct ini ini = { 0 };
	struct toml_table toml = { 0 };
	struct option_source src = { NULL, section, NULL };
	char *pyproject;
	int rc;

	cfg->config_path = xstrdup(path);
	cfg->here = dir_of(path);
	if (str_ends_with(path, ".toml")) {
		if (toml_load_table(path, "tool.alembic", &toml, err))
			return -1;
		if (!toml.found) {
			toml_table_free(&toml);
			return mt_fail(err, path, 0, "no [tool.alembic] table");
		}
		src.toml = &toml;
	} else {
		if (ini_load(&ini, path, err)) {
			ini_free(&ini);
			return -1;
		}
		src.ini = &ini;
		/* Alembic 1.16+ reads [tool.alembic] of a pyproject.toml beside the ini */
		pyproject = xasprintf("%s/pyproject.toml", cfg->here);
		if (is_file(pyproject) && toml_load_table(pyproject, "tool.alembic", &toml, NULL) == 0 &&
		    toml.found)
			src.toml = &toml;
		free(pyproject);
		if (!ini_has_section(&ini, section) && !src.toml) {
			ini_free(&ini);
			toml_table_free(&toml);
			return mt_fail(err, path, 0, "no [%s] section", section);
		}
	}
	rc = read_options(&src, cfg, err);
	ini_free(&ini);
	toml_table_free(&toml);
	return rc;
}

static int locate_and_read(const struct config_request *req, struct mt_config *cfg,
			   struct mt_error *err)
{
	const char *section = req->section ? req->section : "alembic";
	char *found;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (req->versions_dir) {
		char real[PATH_MAX];

		if (!is_dir(req->versions_dir))
			return mt_fail(err, req->versions_dir, 0, "not a directory");
		cfg->here = xstrdup(realpath(req->versions_dir, real) ? real : req->versions_dir);
		sl_push(&cfg->version_locations, cfg->here);
		cfg->recursive = req->recursive;
		cfg->file_template = xstrdup("%(rev)s_%(slug)s");
		cfg->truncate_slug_length = 40;
		return 0;
	}
	if (req->config_file) {
		if (!is_file(req->config_file))
			return mt_fail(err, req->config_file, 0, "no such configuration file");
		return load_file(req->config_file, section, cfg, err);
	}
	found = find_upwards("alembic.ini", NULL);
	if (!found)
		found = find_upwards("pyproject.toml", pyproject_has_alembic);
	if (!found)
		return mt_fail(err, NULL, 0,
			       "no alembic.ini (or pyproject.toml with [tool.alembic]) here or above; "
			       "use -c FILE or -d VERSIONS_DIR");
	rc = load_file(found, section, cfg, err);
	free(found);
	return rc;
}

int config_load(const struct config_request *req, struct mt_config *cfg, struct mt_error *err)
{
	if (locate_and_read(req, cfg, err))
		return -1;
	/* the command line comes last, so it overrides what the files define */
	for (size_t i = 0; i < req->defines.n; i++)
		sl_push(&cfg->defines, req->defines.v[i]);
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
	memset(cfg, 0, sizeof(*cfg));
}
