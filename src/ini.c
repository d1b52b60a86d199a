/* ini.c - configparser-compatible reading of alembic.ini. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int ini_read(struct ini *ini, const char *path, FILE *f, struct mt_error *err);

/* Drop trailing empty continuation lines, as configparser does. */
static void strip_value_tail(char *v)
{
	size_t n = strlen(v);

	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		v[--n] = '\0';
}

int ini_load(struct ini *ini, const char *path, struct mt_error *err)
{
	const char *why;
	int fd = open_regular(path, &why);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	memset(ini, 0, sizeof(*ini));
	ini->path = xstrdup(path);
	if (!f) {
		if (fd >= 0) {
			why = strerror(errno);
			close(fd);
		}
		return mt_fail(err, path, 0, errno == EINVAL ? "%s" : "cannot open: %s", why);
	}
	return ini_read(ini, path, f, err);
}

int ini_parse(struct ini *ini, const char *path, const char *text, size_t len, struct mt_error *err)
{
	/* an empty buffer is no stream for fmemopen: read it as an empty file */
	FILE *f = len ? fmemopen((void *)text, len, "r") : fopen("/dev/null", "r");

	memset(ini, 0, sizeof(*ini));
	ini->path = xstrdup(path);
	if (!f)
		return mt_fail(err, path, 0, "cannot read: %s", strerror(errno));
	return ini_read(ini, path, f, err);
}

/* Read F (closed here) into INI, whose path is set. */
static int ini_read(struct ini *ini, const char *path, FILE *f, struct mt_error *err)
{
	char *buf = NULL, *sec = NULL;
	size_t cap = 0;
	ssize_t got;
	int lineno = 0;
	struct ini_entry *last = NULL;

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

/* What one ini_get may cost: configparser has no limit, so `l0 = %(l1)s%(l1)s...`
 * over ten levels (8^10 copies) runs for minutes; no real value comes near. */
#define INI_EXPAND_MAX_BYTES (1u << 20)
#define INI_EXPAND_MAX_STEPS 100000u

struct expansion {
	const struct ini *ini;
	const char *section, *here;
	const char *key; /* the option asked for, and its line, for the error */
	int key_line;
	size_t steps;
};

static int over_budget(const struct expansion *x, const struct strbuf *out, struct mt_error *err)
{
	if (out->len > INI_EXPAND_MAX_BYTES)
		return mt_fail(err, x->ini->path, x->key_line, "interpolation of %s expands past %u bytes",
			       x->key, INI_EXPAND_MAX_BYTES);
	if (x->steps > INI_EXPAND_MAX_STEPS)
		return mt_fail(err, x->ini->path, x->key_line,
			       "interpolation of %s takes more than %u %%(...)s substitutions", x->key,
			       INI_EXPAND_MAX_STEPS);
	return 0;
}

static int interpolate(struct expansion *x, const char *value, int line, int depth, struct strbuf *out,
		       struct mt_error *err)
{
	if (depth > 10)
		return mt_fail(err, x->ini->path, line, "interpolation nested too deeply (a loop of %%(...)s references?)");
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
			return mt_fail(err, x->ini->path, line, "'%%' must be followed by '%%' or '(name)s' (configparser syntax)");
		x->steps++;
		if (over_budget(x, out, err))
			return -1;
		name = xstrndup(p + 2, (size_t)(close - p - 2));
		lower(name);
		ref = ini_find(x->ini, x->section, name);
		if (ref) {
			rc = interpolate(x, ref->value, ref->line, depth + 1, out, err);
		} else if (!strcmp(name, "here")) {
			sb_adds(out, x->here);
			rc = 0;
		} else {
			rc = mt_fail(err, x->ini->path, line, "%%(%s)s names no option of [%s]", name, x->section);
		}
		free(name);
		if (rc || over_budget(x, out, err))
			return -1;
		p = close + 1;
	}
	return 0;
}

int ini_get(const struct ini *ini, const char *section, const char *key, const char *here,
	    char **out, struct mt_error *err)
{
	const struct ini_entry *e = ini_find(ini, section, key);
	struct expansion x = { ini, section, here, key, e ? e->line : 0, 0 };
	struct strbuf sb;

	*out = NULL;
	if (!e)
		return 0;
	sb_init(&sb);
	if (interpolate(&x, e->value, e->line, 0, &sb, err)) {
		sb_free(&sb);
		return -1;
	}
	*out = sb_detach(&sb);
	return 0;
}
