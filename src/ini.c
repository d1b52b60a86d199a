/* ini.c - configparser-compatible reading of alembic.ini. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ini.h"
#include "migtree/util.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void add_line(struct ini_entry *e, int line)
{
	GROW(e->lines, e->cap_lines, e->nlines + 1);
	e->lines[e->nlines++] = line;
}

static void add_entry(struct ini *ini, const char *sec, char *key, char *val, int line)
{
	GROW(ini->e, ini->cap, ini->n + 1);
	ini->e[ini->n++] = (struct ini_entry){ xstrdup(sec), key, val, line, NULL, 0, 0 };
	add_line(&ini->e[ini->n - 1], line);
}

/* Drop trailing empty continuation lines, as configparser does. */
static void strip_value_tail(char *v)
{
	size_t n = strlen(v);

	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		v[--n] = '\0';
}

int ini_load(struct ini *ini, const char *path, struct mt_error *err)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, *sec = NULL;
	size_t cap = 0;
	ssize_t got;
	int lineno = 0;
	struct ini_entry *last = NULL;

	memset(ini, 0, sizeof(*ini));
	ini->path = xstrdup(path);
	if (!f)
		return mt_fail(err, path, 0, "cannot open: %s", strerror(errno));
	while ((got = getline(&buf, &cap, f)) >= 0) {
		char *line = buf, *t, *sep;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		t = trim(line);
		if (*t == '#' || *t == ';')
			continue;
		if ((line[0] == ' ' || line[0] == '\t') && last) {
			char *old = last->value;

			last->value = xasprintf("%s\n%s", old, t);
			free(old);
			add_line(last, lineno);
			continue;
		}
		if (!*t) {
			if (last) {
				char *old = last->value;

				last->value = xasprintf("%s\n", old);
				free(old);
				add_line(last, lineno);
			}
			continue;
		}
		if (*t == '[') {
			char *close = strchr(t, ']');

			if (!close) {
				free(buf);
				free(sec);
				fclose(f);
				return mt_fail(err, path, lineno, "section header without ']'");
			}
			*close = '\0';
			free(sec);
			sec = xstrdup(t + 1);
			sl_push(&ini->sections, sec);
			last = NULL;
			continue;
		}
		if (!sec) {
			free(buf);
			fclose(f);
			return mt_fail(err, path, lineno, "option before any [section] header");
		}
		sep = t + strcspn(t, "=:");
		if (!*sep) {
			free(buf);
			free(sec);
			fclose(f);
			return mt_fail(err, path, lineno, "expected `key = value`");
		}
		*sep = '\0';
		{
			char *key = xstrdup(trim(t));

			lower(key);
			add_entry(ini, sec, key, xstrdup(trim(sep + 1)), lineno);
			last = &ini->e[ini->n - 1];
		}
	}
	free(buf);
	free(sec);
	fclose(f);
	for (size_t i = 0; i < ini->n; i++)
		strip_value_tail(ini->e[i].value);
	return 0;
}

void ini_free(struct ini *ini)
{
	for (size_t i = 0; i < ini->n; i++) {
		free(ini->e[i].section);
		free(ini->e[i].key);
		free(ini->e[i].value);
		free(ini->e[i].lines);
	}
	free(ini->e);
	sl_free(&ini->sections);
	free(ini->path);
	memset(ini, 0, sizeof(*ini));
}

int ini_has_section(const struct ini *ini, const char *section)
{
	for (size_t i = 0; i < ini->sections.n; i++)
		if (!strcmp(ini->sections.v[i], section))
			return 1;
	return 0;
}

/* The last raw entry for KEY in SECTION, else in DEFAULT. */
const struct ini_entry *ini_find(const struct ini *ini, const char *section, const char *key)
{
	const struct ini_entry *found = NULL;

	for (size_t i = 0; i < ini->n; i++)
		if (!strcmp(ini->e[i].section, section) && !strcmp(ini->e[i].key, key))
			found = &ini->e[i];
	if (found)
		return found;
	for (size_t i = 0; i < ini->n; i++)
		if (!strcmp(ini->e[i].section, "DEFAULT") && !strcmp(ini->e[i].key, key))
			found = &ini->e[i];
	return found;
}

static int interpolate(const struct ini *ini, const char *section, const char *value, int line,
		       const char *here, int depth, struct strbuf *out, struct mt_error *err)
{
	if (depth > 10)
		return mt_fail(err, ini->path, line, "interpolation nested too deeply (a loop of %%(...)s references?)");
	for (const char *p = value; *p; p++) {
		const char *close;
		char *name;
		const struct ini_entry *ref;
		int rc;

		if (*p != '%') {
			sb_addc(out, *p);
			continue;
		}
		if (p[1] == '%') {
			sb_addc(out, '%');
			p++;
			continue;
		}
		if (p[1] != '(' || !(close = strstr(p, ")s")))
			return mt_fail(err, ini->path, line, "'%%' must be followed by '%%' or '(name)s' (configparser syntax)");
		name = xstrndup(p + 2, (size_t)(close - p - 2));
		lower(name);
		ref = ini_find(ini, section, name);
		if (ref) {
			rc = interpolate(ini, section, ref->value, ref->line, here, depth + 1, out, err);
		} else if (!strcmp(name, "here")) {
			sb_adds(out, here);
			rc = 0;
		} else {
			rc = mt_fail(err, ini->path, line, "%%(%s)s names no option of [%s]", name, section);
		}
		free(name);
		if (rc)
			return rc;
		p = close + 1;
	}
	return 0;
}

int ini_get(const struct ini *ini, const char *section, const char *key, const char *here,
	    char **out, struct mt_error *err)
{
	const struct ini_entry *e = ini_find(ini, section, key);
	struct strbuf sb;

	*out = NULL;
	if (!e)
		return 0;
	sb_init(&sb);
	if (interpolate(ini, section, e->value, e->line, here, 0, &sb, err)) {
		sb_free(&sb);
		return -1;
	}
	*out = sb_detach(&sb);
	return 0;
}
