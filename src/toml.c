/* toml.c - a small reader for the [tool.alembic] table of pyproject.toml.
 *
 * Not a general TOML parser: it reads `key = value` lines of one table where the
 * values are basic or literal strings, booleans, integers or arrays of strings
 * (possibly over several lines), which is what Alembic's options are. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/toml.h"

static char *slurp(const char *path, struct mt_error *err)
{
	char *text = read_file(path, NULL);

	if (!text)
		mt_fail(err, path, 0, "cannot open: %s", strerror(errno));
	return text;
}

static const char *skip_ws(const char *p, int *line)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			if (*p == '\n')
				(*line)++;
			p++;
		}
		if (*p != '#')
			return p;
		while (*p && *p != '\n')
			p++;
	}
}

/* Parse a string at P into OUT; returns the position after it or NULL. */
static const char *parse_string(const char *p, char **out)
{
	char q = *p++;
	struct strbuf sb;

	sb_init(&sb);
	while (*p && *p != q && *p != '\n') {
		if (q == '"' && *p == '\\' && p[1]) {
			p++;
			sb_addc(&sb, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
			p++;
			continue;
		}
		sb_addc(&sb, *p++);
	}
	if (*p != q) {
		sb_free(&sb);
		return NULL;
	}
	*out = sb_detach(&sb);
	return p + 1;
}

static const char *parse_array(const char *p, int *line, struct strlist *items, int **lines)
{
	size_t cap = 0;

	p++;
	for (;;) {
		char *s;

		p = skip_ws(p, line);
		if (*p == ']')
			return p + 1;
		if (*p != '"' && *p != '\'')
			return NULL;
		GROW(*lines, cap, items->n + 1);
		(*lines)[items->n] = *line;
		p = parse_string(p, &s);
		if (!p)
			return NULL;
		sl_push_owned(items, s);
		p = skip_ws(p, line);
		if (*p == ',')
			p++;
		else if (*p != ']')
			return NULL;
	}
}

static bool header_is(const char *p, const char *table)
{
	size_t n = strlen(table);
	const char *s = p + 1;

	while (*s == ' ')
		s++;
	if (strncmp(s, table, n))
		return false;
	s += n;
	while (*s == ' ')
		s++;
	return *s == ']';
}

static int parse_table_body(const char *p, int line, const char *path, struct toml_table *t,
			    struct mt_error *err)
{
	for (;;) {
		const char *ks;
		char *key, *val = NULL;

		p = skip_ws(p, &line);
		if (!*p || *p == '[')
			return 0;
		ks = p;
		while (*p && *p != '=' && *p != '\n')
			p++;
		if (*p != '=')
			return mt_fail(err, path, line, "expected `key = value`");
		key = xstrndup(ks, (size_t)(p - ks));
		for (char *e = key + strlen(key); e > key && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		p = skip_ws(p + 1, &line);
		if (*p == '[') {
			struct strlist items = { 0 };
			int *lines = NULL;

			p = parse_array(p, &line, &items, &lines);
			if (!p) {
				sl_free(&items);
				free(lines);
				free(key);
				return mt_fail(err, path, line, "array of strings expected");
			}
			sl_push_owned(&t->list_keys, key);
			GROW(t->lists, t->cap, t->nlists + 1);
			GROW(t->item_lines, t->cap_lines, t->nlists + 1);
			t->item_lines[t->nlists] = lines;
			t->lists[t->nlists++] = items;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			p = parse_string(p, &val);
			if (!p) {
				free(key);
				return mt_fail(err, path, line, "unterminated string");
			}
		} else {
			const char *vs = p;

			while (*p && *p != '\n' && *p != '#')
				p++;
			val = xstrndup(vs, (size_t)(p - vs));
			for (char *e = val + strlen(val); e > val && (e[-1] == ' ' || e[-1] == '\r');)
				*--e = '\0';
		}
		sl_push_owned(&t->keys, key);
		sl_push_owned(&t->values, val);
	}
}

int toml_load_table(const char *path, const char *table, struct toml_table *t, struct mt_error *err)
{
	char *text = slurp(path, err);
	const char *p;
	int line = 1, rc = 0;

	memset(t, 0, sizeof(*t));
	if (!text)
		return -1;
	for (p = text; *p;) {
		if (*p == '[' && p[1] != '[' && header_is(p, table)) {
			t->found = true;
			p = strchr(p, '\n');
			rc = p ? parse_table_body(p, line, path, t, err) : 0;
			break;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
		line++;
	}
	free(text);
	return rc;
}

void toml_table_free(struct toml_table *t)
{
	sl_free(&t->keys);
	sl_free(&t->values);
	sl_free(&t->list_keys);
	for (size_t i = 0; i < t->nlists; i++) {
		sl_free(&t->lists[i]);
		free(t->item_lines[i]);
	}
	free(t->lists);
	free(t->item_lines);
	memset(t, 0, sizeof(*t));
}

const char *toml_get(const struct toml_table *t, const char *key)
{
	for (size_t i = t->keys.n; i-- > 0;)
		if (!strcmp(t->keys.v[i], key))
			return t->values.v[i];
	return NULL;
}

bool toml_get_list(const struct toml_table *t, const char *key, struct strlist *out)
{
	for (size_t i = t->list_keys.n; i-- > 0;)
		if (!strcmp(t->list_keys.v[i], key)) {
			sl_copy(out, &t->lists[i]);
			return true;
		}
	return false;
}

bool toml_find_list(const struct toml_table *t, const char *key, const struct strlist **items,
		    const int **lines)
{
	for (size_t i = t->list_keys.n; i-- > 0;)
		if (!strcmp(t->list_keys.v[i], key)) {
			*items = &t->lists[i];
			*lines = t->item_lines[i];
			return true;
		}
	return false;
}
