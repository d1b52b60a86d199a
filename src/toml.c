/* toml.c - a small reader for one table of pyproject.toml ([tool.alembic]).
 *
 * The whole file is read as TOML, so that a syntax error anywhere is reported
 * with its line (Alembic's tomllib refuses such a file too) and so that what other
 * tools keep in pyproject.toml - multi-line strings, inline tables, arrays over
 * lines, dotted keys, dates - is understood well enough to be skipped. Of the
 * wanted table, the values kept are strings, booleans and numbers (as text) and
 * arrays of strings, which is what Alembic's options are; a key of the table may
 * also be written as a dotted key of a parent table (`[tool]` `alembic.x = 1`). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/toml.h"

struct reader {
	const char *p;
	int line;
	const char *path;
	struct mt_error *err;
};

/* What a value was: what the table keeps of it. */
struct toml_value {
	enum { TV_STRING, TV_SCALAR, TV_ARRAY, TV_OTHER } kind;
	char *text;            /* TV_STRING, TV_SCALAR */
	struct strlist items;  /* TV_ARRAY of strings */
	int *lines;            /* the line of each item */
	size_t cap_lines;
	bool all_strings;
};

static int fail(struct reader *r, const char *what)
{
	return mt_fail(r->err, r->path, r->line, "invalid TOML: %s", what);
}

static void skip_blank(struct reader *r)
{
	while (*r->p == ' ' || *r->p == '\t')
		r->p++;
}

/* Blanks, newlines and comments. */
static void skip_space(struct reader *r)
{
	for (;;) {
		skip_blank(r);
		if (*r->p == '\r' && r->p[1] == '\n')
			r->p++;
		if (*r->p == '\n') {
			r->line++;
			r->p++;
		} else if (*r->p == '#') {
			while (*r->p && *r->p != '\n')
				r->p++;
		} else {
			return;
		}
	}
}

/* After a key/value pair or a header: only a comment may follow on the line. */
static int end_of_line(struct reader *r)
{
	skip_blank(r);
	if (*r->p == '#')
		while (*r->p && *r->p != '\n')
			r->p++;
	if (*r->p == '\r' && r->p[1] == '\n')
		r->p++;
	if (*r->p && *r->p != '\n')
		return fail(r, "expected the end of the line after a value");
	return 0;
}

static void add_utf8(struct strbuf *sb, unsigned long cp)
{
	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		sb_addc(sb, (char)(0xC0 | cp >> 6));
		sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		sb_addc(sb, (char)(0xE0 | cp >> 12));
		sb_addc(sb, (char)(0x80 | (cp >> 6 & 0x3F)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
	} else {
		sb_addc(sb, (char)(0xF0 | cp >> 18));
		sb_addc(sb, (char)(0x80 | (cp >> 12 & 0x3F)));
		sb_addc(sb, (char)(0x80 | (cp >> 6 & 0x3F)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
	}
}

/* One escape of a basic string, R->p after the backslash. */
static int escape(struct reader *r, struct strbuf *sb, bool multi)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	const char *hit = *r->p ? strchr(from, *r->p) : NULL;
	int digits = *r->p == 'u' ? 4 : *r->p == 'U' ? 8 : 0;
	const char *q = r->p;

	if (hit) {
		sb_addc(sb, to[hit - from]);
		r->p++;
		return 0;
	}
	if (digits) {
		unsigned long cp = 0;

		for (int i = 1; i <= digits; i++) {
			char c = q[i];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
				return fail(r, "\\u and \\U take 4 and 8 hex digits");
			cp = cp * 16 + (unsigned long)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return fail(r, "an escape that is not a Unicode scalar value");
		add_utf8(sb, cp);
		r->p += digits + 1;
		return 0;
	}
	/* a line-ending backslash trims the newline and the blanks after it */
	while (multi && (*q == ' ' || *q == '\t'))
		q++;
	if (multi && (*q == '\n' || (*q == '\r' && q[1] == '\n'))) {
		for (r->p = q; *r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n'; r->p++)
			if (*r->p == '\n')
				r->line++;
		return 0;
	}
	return fail(r, "an unknown escape in a string");
}

/* A string of any of the four kinds at R->p, into *OUT. */
static int string(struct reader *r, char **out)
{
	char q = *r->p;
	bool multi = r->p[1] == q && r->p[2] == q;
	int start_line = r->line;
	struct strbuf sb;

	r->p += multi ? 3 : 1;
	if (multi && *r->p == '\n') { /* a newline right after the opening is trimmed */
		r->p++;
		r->line++;
	} else if (multi && *r->p == '\r' && r->p[1] == '\n') {
		r->p += 2;
		r->line++;
	}
	sb_init(&sb);
	for (;;) {
		char c = *r->p;

		if (!c || (!multi && c == '\n')) {
			sb_free(&sb);
			r->line = start_line;
			return fail(r, "an unterminated string");
		}
		if (c == q && (!multi || (r->p[1] == q && r->p[2] == q))) {
			size_t extra = 0;

			/* up to two quotes just before the closing three belong to the string */
			while (multi && extra < 2 && r->p[3 + extra] == q)
				extra++;
			sb_addn(&sb, r->p, extra);
			r->p += (multi ? 3 : 1) + extra;
			*out = sb_detach(&sb);
			return 0;
		}
		if (c == '\\' && q == '"') {
			r->p++;
			if (escape(r, &sb, multi)) {
				sb_free(&sb);
				return -1;
			}
			continue;
		}
		if (c == '\n')
			r->line++;
		sb_addc(&sb, c);
		r->p++;
	}
}

static bool bare_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A key, dotted parts joined by '.', into OUT. */
static int key(struct reader *r, struct strbuf *out)
{
	for (;;) {
		skip_blank(r);
		if (*r->p == '"' || *r->p == '\'') {
			char *part;

			if (r->p[1] == *r->p && r->p[2] == *r->p)
				return fail(r, "a multi-line string cannot be a key");
			if (string(r, &part))
				return -1;
			sb_adds(out, part);
			free(part);
		} else if (bare_key_char(*r->p)) {
			while (bare_key_char(*r->p))
				sb_addc(out, *r->p++);
		} else {
			return fail(r, "expected a key");
		}
		skip_blank(r);
		if (*r->p != '.')
			return 0;
		sb_addc(out, '.');
		r->p++;
	}
}

static int value(struct reader *r, struct toml_value *v, int depth);

static void value_clear(struct toml_value *v)
{
	free(v->text);
	sl_free(&v->items);
	free(v->lines);
	memset(v, 0, sizeof(*v));
}

static int array(struct reader *r, struct toml_value *v, int depth)
{
	v->kind = TV_ARRAY;
	v->all_strings = true;
	r->p++;
	for (;;) {
		struct toml_value item = { 0 };
		int line;

		skip_space(r);
		if (*r->p == ']') {
			r->p++;
			return 0;
		}
		line = r->line;
		if (value(r, &item, depth + 1)) {
			value_clear(&item); /* an inner array may hold items already */
			return -1;
		}
		if (item.kind == TV_STRING) {
			GROW(v->lines, v->cap_lines, v->items.n + 1);
			v->lines[v->items.n] = line;
			sl_push_owned(&v->items, item.text);
		} else {
			v->all_strings = false;
			value_clear(&item);
		}
		skip_space(r);
		if (*r->p == ',')
			r->p++;
		else if (*r->p != ']')
			return fail(r, "expected ',' or ']' in an array");
	}
}

/* An inline table: read for its syntax, kept by no one. */
static int inline_table(struct reader *r, int depth)
{
	r->p++;
	skip_blank(r);
	if (*r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		struct strbuf k;
		struct toml_value item = { 0 };
		int rc;

		sb_init(&k);
		rc = key(r, &k);
		sb_free(&k);
		if (rc)
			return -1;
		if (*r->p != '=')
			return fail(r, "expected '=' after a key");
		r->p++;
		skip_blank(r);
		rc = value(r, &item, depth + 1);
		free(item.text);
		sl_free(&item.items);
		free(item.lines);
		if (rc)
			return -1;
		skip_blank(r);
		if (*r->p == '}') {
			r->p++;
			return 0;
		}
		if (*r->p != ',')
			return fail(r, "expected ',' or '}' in an inline table");
		r->p++;
	}
}

/* true, false, numbers, dates and times: their text, checked loosely. */
static int scalar(struct reader *r, struct toml_value *v)
{
	const char *s = r->p;

	while (*r->p && strchr("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_+-.:", *r->p))
		r->p++;
	/* a date and a time may be separated by one space */
	if (r->p - s == 10 && s[4] == '-' && *r->p == ' ' && r->p[1] >= '0' && r->p[1] <= '9')
		for (r->p++; *r->p && strchr("0123456789:.+-Zz", *r->p); r->p++)
			;
	if (r->p == s)
		return fail(r, "expected a value");
	v->kind = TV_SCALAR;
	v->text = xstrndup(s, (size_t)(r->p - s));
	return 0;
}

static int value(struct reader *r, struct toml_value *v, int depth)
{
	if (depth > 64)
		return fail(r, "values nested too deeply");
	if (*r->p == '"' || *r->p == '\'') {
		v->kind = TV_STRING;
		return string(r, &v->text);
	}
	if (*r->p == '[')
		return array(r, v, depth);
	if (*r->p == '{') {
		v->kind = TV_OTHER;
		return inline_table(r, depth);
	}
	return scalar(r, v);
}

/* Keep V as KEY of the table, when it is a kind Alembic's options take. */
static int keep(struct reader *r, struct toml_table *t, const char *k, struct toml_value *v)
{
	(void)r;
	if (v->kind == TV_ARRAY && !v->all_strings)
		return 0; /* no option of Alembic's is such an array: post_write_hooks tables */
	if (v->kind == TV_STRING || v->kind == TV_SCALAR) {
		sl_push(&t->keys, k);
		sl_push_owned(&t->values, v->text);
		v->text = NULL;
	} else if (v->kind == TV_ARRAY) {
		sl_push(&t->list_keys, k);
		GROW(t->lists, t->cap, t->nlists + 1);
		GROW(t->item_lines, t->cap_lines, t->nlists + 1);
		t->item_lines[t->nlists] = v->lines;
		t->lists[t->nlists++] = v->items;
		v->lines = NULL;
		memset(&v->items, 0, sizeof(v->items));
	}
	return 0;
}

/* `key = value` in table CUR; kept when it belongs to TABLE. */
static int pair(struct reader *r, const char *cur, const char *table, struct toml_table *t)
{
	struct strbuf k, full;
	struct toml_value v = { 0 };
	size_t n = strlen(table);
	int rc;

	sb_init(&k);
	sb_init(&full);
	rc = key(r, &k);
	if (rc == 0 && *r->p != '=')
		rc = fail(r, "expected '=' after a key");
	if (rc == 0) {
		r->p++;
		skip_blank(r);
		rc = value(r, &v, 0);
	}
	if (rc == 0)
		rc = end_of_line(r);
	sb_addn(&full, "", 0); /* an empty key at the top (`"" = 1`) still makes a string */
	sb_addf(&full, "%s%s%s", cur, *cur ? "." : "", k.buf ? k.buf : "");
	if (rc == 0 && !strncmp(full.buf, table, n) && full.buf[n] == '.' && !strchr(full.buf + n + 1, '.')) {
		t->found = true;
		rc = keep(r, t, full.buf + n + 1, &v);
	}
	value_clear(&v);
	sb_free(&k);
	sb_free(&full);
	return rc;
}

/* `[name]` or `[[name]]` at R->p, into CUR. */
static int header(struct reader *r, struct strbuf *cur)
{
	bool twice = r->p[1] == '[';

	r->p += twice ? 2 : 1;
	cur->len = 0;
	if (cur->buf)
		cur->buf[0] = '\0';
	if (key(r, cur))
		return -1;
	if (*r->p != ']' || (twice && r->p[1] != ']'))
		return fail(r, twice ? "expected ']]' after a table name" : "expected ']' after a table name");
	r->p += twice ? 2 : 1;
	return end_of_line(r);
}

int toml_load_table(const char *path, const char *table, struct toml_table *t, struct mt_error *err)
{
	const char *why;
	char *text = read_regular(path, NULL, &why);
	int rc;

	memset(t, 0, sizeof(*t));
	if (!text)
		return mt_fail(err, path, 0, errno == EINVAL ? "%s" : "cannot open: %s", why);
	rc = toml_parse_table(path, text, table, t, err);
	free(text);
	return rc;
}

int toml_parse_table(const char *path, const char *text, const char *table, struct toml_table *t,
		     struct mt_error *err)
{
	struct reader r = { text, 1, path, err };
	struct strbuf cur;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	sb_init(&cur);
	sb_adds(&cur, "");
	while (rc == 0) {
		skip_space(&r);
		if (!*r.p)
			break;
		if (*r.p == '[') {
			rc = header(&r, &cur);
			if (rc == 0 && !strcmp(cur.buf, table))
				t->found = true;
		} else {
			rc = pair(&r, cur.buf, table, t);
		}
	}
	sb_free(&cur);
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
