/* newfile.c - names and texts of new migration files. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "migtree/newfile.h"
#include "migtree/quote.h"
#include "migtree/util.h"

/* Alembic's generic script.py.mako, for projects without a usable one. */
static const char default_template[] =
	"\"\"\"${message}\n\n"
	"Revision ID: ${up_revision}\n"
	"Revises: ${down_revision | comma,n}\n"
	"Create Date: ${create_date}\n\n"
	"\"\"\"\n"
	"from typing import Sequence, Union\n\n"
	"from alembic import op\n"
	"import sqlalchemy as sa\n"
	"${imports if imports else \"\"}\n\n"
	"# revision identifiers, used by Alembic.\n"
	"revision: str = ${repr(up_revision)}\n"
	"down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}\n"
	"branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}\n"
	"depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}\n\n\n"
	"def upgrade() -> None:\n"
	"    \"\"\"Upgrade schema.\"\"\"\n"
	"    ${upgrades if upgrades else \"pass\"}\n\n\n"
	"def downgrade() -> None:\n"
	"    \"\"\"Downgrade schema.\"\"\"\n"
	"    ${downgrades if downgrades else \"pass\"}\n";

bool newfile_valid_id(const char *id)
{
	if (!*id || id[0] == '.')
		return false;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("@-+:/\\'\"", *p))
			return false;
	return strlen(id) < 200;
}

char *newfile_new_id(void)
{
	const char *fixed = getenv("MIGTREE_NEW_REVISION_ID");
	unsigned char b[6] = { 0 };
	int fd;

	if (fixed && *fixed)
		return xstrdup(fixed);
	fd = open("/dev/urandom", O_RDONLY);
	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		struct timeval tv;

		gettimeofday(&tv, NULL); /* no /dev/urandom: still unique enough per run */
		srand((unsigned)(tv.tv_sec ^ tv.tv_usec ^ getpid()));
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	}
	if (fd >= 0)
		close(fd);
	return xasprintf("%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static bool word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80; /* Python's \w covers letters beyond ASCII */
}

char *newfile_slug(const char *message, int limit)
{
	struct strbuf sb;
	const unsigned char *p = (const unsigned char *)message;

	sb_init(&sb);
	while (*p) {
		if (!word_char(*p)) {
			p++;
			continue;
		}
		if (sb.len)
			sb_addc(&sb, '_');
		while (*p && word_char(*p))
			sb_addc(&sb, (char)tolower(*p++));
	}
	if (limit > 0 && sb.len > (size_t)limit) {
		char *cut;

		sb.buf[limit] = '\0';
		cut = strrchr(sb.buf, '_');
		sb.len = cut ? (size_t)(cut - sb.buf) : (size_t)limit;
		sb.buf[sb.len] = '\0';
		sb_addc(&sb, '_');
	}
	return sb_detach(&sb);
}

char *newfile_format_template(const char *tpl, const char *rev, const char *slug, const struct tm *tm,
			      long long epoch, struct mt_error *err)
{
	struct strbuf sb;

	sb_init(&sb);
	for (const char *p = tpl; *p; p++) {
		const char *close;
		char name[32], spec[16];
		size_t nlen, slen = 0;
		long long num = 0;
		bool is_num = true;

		if (*p != '%') {
			sb_addc(&sb, *p);
			continue;
		}
		if (p[1] == '%') {
			sb_addc(&sb, '%');
			p++;
			continue;
		}
		if (p[1] != '(' || !(close = strchr(p, ')')) || (nlen = (size_t)(close - p - 2)) >= sizeof(name))
			goto bad;
		memcpy(name, p + 2, nlen);
		name[nlen] = '\0';
		p = close + 1;
		while (*p && strchr("0123456789.-+ #", *p) && slen + 1 < sizeof(spec))
			spec[slen++] = *p++;
		spec[slen] = '\0';
		if (!strcmp(name, "rev") || !strcmp(name, "slug")) {
			is_num = false;
		} else if (!strcmp(name, "epoch")) {
			num = epoch;
		} else if (!strcmp(name, "year")) {
			num = tm->tm_year + 1900;
		} else if (!strcmp(name, "month")) {
			num = tm->tm_mon + 1;
		} else if (!strcmp(name, "day")) {
			num = tm->tm_mday;
		} else if (!strcmp(name, "hour")) {
			num = tm->tm_hour;
		} else if (!strcmp(name, "minute")) {
			num = tm->tm_min;
		} else if (!strcmp(name, "second")) {
			num = tm->tm_sec;
		} else {
			sb_free(&sb);
			mt_fail(err, NULL, 0, "file_template names %%(%s)s, which Alembic does not provide", name);
			return NULL;
		}
		if (*p == 's' && !is_num) {
			sb_adds(&sb, !strcmp(name, "rev") ? rev : slug);
		} else if ((*p == 'd' || *p == 's') && is_num) {
			char fmt[24], out[48];
			const char *dot = strchr(spec, '.');

			/* Python's %.2d pads with zeros like C's %02d */
			if (dot)
				snprintf(fmt, sizeof(fmt), "%%0%dlld", atoi(dot + 1));
			else
				snprintf(fmt, sizeof(fmt), "%%%slld", spec);
			snprintf(out, sizeof(out), fmt, num);
			sb_adds(&sb, out);
		} else {
			goto bad;
		}
	}
	return sb_detach(&sb);
bad:
	sb_free(&sb);
	mt_fail(err, NULL, 0, "file_template '%s' is not a template Alembic can fill", tpl);
	return NULL;
}

/* Python's repr() of a str: single quotes unless the text holds one and no double. */
static char *py_repr_str(const char *s)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	struct strbuf sb;

	sb_init(&sb);
	sb_addc(&sb, q);
	quote_python(&sb, s, q);
	sb_addc(&sb, q);
	return sb_detach(&sb);
}

/* The message inside the template's """docstring""": escaped so that no quote or
 * backslash in it can end the docstring early (the file must parse). */
static char *docstring_message(const char *message)
{
	struct strbuf sb;

	sb_init(&sb);
	quote_python_docstring(&sb, message, '"');
	return sb_detach(&sb);
}

static char *py_repr_down(const struct strlist *down)
{
	struct strbuf sb;

	if (down->n == 0)
		return xstrdup("None");
	if (down->n == 1)
		return py_repr_str(down->v[0]);
	sb_init(&sb);
	sb_addc(&sb, '(');
	for (size_t i = 0; i < down->n; i++) {
		char *r = py_repr_str(down->v[i]);

		sb_addf(&sb, "%s%s", i ? ", " : "", r);
		free(r);
	}
	sb_addc(&sb, ')');
	return sb_detach(&sb);
}

/* The value of one ${...} expression of the standard templates, or NULL. */
static char *expression(const char *expr, const struct new_revision *nr, const char *date)
{
	static const char *const empties[] = { "imports if imports else \"\"", "repr(branch_labels)",
					       "repr(depends_on)", NULL };

	if (!strcmp(expr, "message"))
		return docstring_message(nr->message);
	if (!strcmp(expr, "up_revision"))
		return xstrdup(nr->id);
	if (!strcmp(expr, "create_date"))
		return xstrdup(date);
	if (!strcmp(expr, "down_revision | comma,n") || !strcmp(expr, "comma(down_revision)"))
		return sl_join(nr->down, ", ");
	if (!strcmp(expr, "repr(up_revision)"))
		return py_repr_str(nr->id);
	if (!strcmp(expr, "repr(down_revision)"))
		return py_repr_down(nr->down);
	if (!strcmp(expr, "upgrades if upgrades else \"pass\"") ||
	    !strcmp(expr, "downgrades if downgrades else \"pass\""))
		return xstrdup("pass");
	for (int i = 0; empties[i]; i++)
		if (!strcmp(expr, empties[i]))
			return xstrdup(strstr(expr, "repr") ? "None" : "");
	return NULL;
}

/* Fill TPL; NULL when it uses anything beyond the standard expressions. */
static char *fill(const char *tpl, const struct new_revision *nr, const char *date)
{
	struct strbuf sb;

	sb_init(&sb);
	for (const char *line = tpl; *line;) {
		size_t len = strcspn(line, "\n");
		const char *p = line, *end = line + len;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (!strncmp(p, "##", 2)) { /* a mako comment line */
			line = *end ? end + 1 : end;
			continue;
		}
		if (*p == '%' || !strncmp(p, "<%", 2))
			goto custom;
		for (p = line; p < end;) {
			const char *open = strstr(p, "${"), *close;
			char *expr, *val;

			if (!open || open >= end) {
				sb_addn(&sb, p, (size_t)(end - p));
				break;
			}
			close = strchr(open, '}');
			if (!close || close > end)
				goto custom;
			sb_addn(&sb, p, (size_t)(open - p));
			expr = xstrndup(open + 2, (size_t)(close - open - 2));
			val = expression(expr, nr, date);
			free(expr);
			if (!val)
				goto custom;
			sb_adds(&sb, val);
			free(val);
			p = close + 1;
		}
		if (*end)
			sb_addc(&sb, '\n');
		line = *end ? end + 1 : end;
	}
	return sb_detach(&sb);
custom:
	sb_free(&sb);
	return NULL;
}

/* The closing """ of the docstring opened at OPEN: a backslash escapes the next
 * character, as Python reads it. */
static char *docstring_end(char *open)
{
	for (char *p = open + 3; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (!strncmp(p, "\"\"\"", 3))
			return p;
	}
	return NULL;
}

/* The comment saying why the file exists goes under the docstring, outside it. */
static char *add_why(char *text, const char *why)
{
	char *first = strstr(text, "\"\"\""), *second = first ? docstring_end(first) : NULL;
	char *eol = second ? strchr(second, '\n') : NULL;
	char *out;

	if (!eol)
		out = xasprintf("# %s\n%s", why, text);
	else
		out = xasprintf("%.*s\n# %s\n%s", (int)(eol - text), text, why, eol + 1);
	free(text);
	return out;
}

static void now(char *date, size_t size, struct tm *tm, long long *epoch)
{
	const char *fixed = getenv("MIGTREE_NOW"); /* tests: "YYYY-MM-DD HH:MM:SS.ffffff" */
	struct timeval tv;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, tm);
	*epoch = tv.tv_sec;
	if (fixed && strptime(fixed, "%Y-%m-%d %H:%M:%S", tm)) {
		snprintf(date, size, "%s", fixed);
		*epoch = (long long)mktime(tm);
		return;
	}
	strftime(date, size, "%Y-%m-%d %H:%M:%S", tm);
	snprintf(date + strlen(date), size - strlen(date), ".%06ld", (long)tv.tv_usec);
}

/* Whether ID already ends with "_SLUG" (or "-SLUG"): an id made of words, such as
 * 005_add_fields for the message "add fields". */
static bool id_carries_slug(const char *id, const char *slug)
{
	size_t li = strlen(id), ls = strlen(slug);

	return ls && li > ls && !strcmp(id + li - ls, slug) && strchr("_-", id[li - ls - 1]);
}

/* The name without ".py": the template filled in, except that a slug the id
 * already carries is left out with the separator before it, so that the placeholder
 * for 005_add_fields is 005_add_fields.py, not 005_add_fields_add_fields.py. The
 * slug goes in as a marker first, so only the template's own %(slug)s is cut. */
static char *file_base(const struct mt_config *cfg, const char *id, const char *slug, const struct tm *tm,
		       long long epoch, struct mt_error *err)
{
	const char *tpl = cfg->file_template ? cfg->file_template : "%(rev)s_%(slug)s";
	char *base = newfile_format_template(tpl, id, "\x01", tm, epoch, err), *mark;
	bool drop = id_carries_slug(id, slug);
	struct strbuf sb;

	if (!base)
		return NULL;
	sb_init(&sb);
	for (const char *p = base; *p; p = mark + 1) {
		size_t n;

		mark = strchr(p, '\x01');
		if (!mark) {
			sb_adds(&sb, p);
			break;
		}
		n = (size_t)(mark - p);
		if (drop && n && strchr("_-", p[n - 1]) && n - 1 >= strlen(id) &&
		    !strncmp(p + n - 1 - strlen(id), id, strlen(id)))
			n--; /* "ID_" then the slug: the separator goes too */
		sb_addn(&sb, p, n);
		if (!drop)
			sb_adds(&sb, slug);
	}
	free(base);
	return sb_detach(&sb);
}

char *newfile_placeholder_message(const char *id)
{
	const char *start = id;
	struct strbuf sb;

	/* a leading number ("005_") is the id's place in line, not a word */
	while (*start >= '0' && *start <= '9')
		start++;
	start = start > id && *start == '_' ? start + 1 : id;
	sb_init(&sb);
	for (const char *p = start; *p && strpbrk(id, "_-"); p++) {
		if (*p != '_' && *p != '-')
			sb_addc(&sb, *p);
		else if (sb.len && sb.buf[sb.len - 1] != ' ')
			sb_addc(&sb, ' ');
	}
	if (sb.len && sb.buf[sb.len - 1] == ' ')
		sb.buf[--sb.len] = '\0';
	if (!sb.len) { /* one token, such as a hex id: no words to take */
		sb_free(&sb);
		return xstrdup("placeholder for missing revision");
	}
	return sb_detach(&sb);
}

int newfile_render(const struct mt_config *cfg, const struct new_revision *nr, char **name, char **text,
		   struct mt_error *err)
{
	char date[64], *slug, *base, *tpl = NULL, *mako;
	struct tm tm;
	long long epoch;

	if (!newfile_valid_id(nr->id))
		return mt_fail(err, NULL, 0, "'%s' cannot be a revision id", nr->id);
	now(date, sizeof(date), &tm, &epoch);
	slug = newfile_slug(nr->message, cfg->truncate_slug_length > 0 ? cfg->truncate_slug_length : 40);
	base = file_base(cfg, nr->id, slug, &tm, epoch, err);
	free(slug);
	if (!base)
		return -1;
	if (strchr(base, '/') || base[0] == '.' || strlen(base) > 250) {
		mt_fail(err, NULL, 0, "file name '%s.py' would leave the version directory or is not a plain name", base);
		free(base);
		return -1;
	}
	*name = xasprintf("%s.py", base);
	free(base);
	if (cfg->script_location) {
		mako = xasprintf("%s/script.py.mako", cfg->script_location);
		tpl = read_file(mako, NULL);
		free(mako);
	}
	*text = tpl ? fill(tpl, nr, date) : NULL;
	if (!*text)
		*text = fill(default_template, nr, date);
	free(tpl);
	*text = add_why(*text, nr->why);
	return 0;
}
