/* parse.c - read a migration file's Alembic variables and docstring statically.
 *
 * The file is split into logical lines by pylex; module-level statements that assign
 * one of the four names Alembic reads are decoded as literals. Anything whose value
 * only running the file could tell (an expression, an assignment inside an `if`, an
 * f-string) makes the file "unparsable" with the line and the reason: migtree
 * reports, it never guesses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/parse.h"
#include "migtree/pylex.h"

static const char *const tracked_names[] = { "revision", "down_revision", "branch_labels",
					     "depends_on", NULL };

struct parser {
	struct pylex lx;
	struct revision_file *rf;
	struct mt_error err;
	bool failed;
	enum { BLOCK_NONE, BLOCK_CONDITIONAL, BLOCK_DEF } block;
};

static void fail_at(struct parser *p, int line, const char *msg)
{
	if (p->failed)
		return;
	p->failed = true;
	p->rf->error = xstrdup(msg);
	p->rf->error_line = line;
}

static void fail_err(struct parser *p)
{
	fail_at(p, p->err.line, p->err.message);
}

static struct py_value *value_slot(struct revision_file *rf, const char *name)
{
	if (!strcmp(name, "revision"))
		return &rf->rev;
	if (!strcmp(name, "down_revision"))
		return &rf->down;
	if (!strcmp(name, "branch_labels"))
		return &rf->labels;
	return &rf->deps;
}

static const char *tracked_name(struct parser *p, const struct token *t)
{
	if (t->kind != TOK_NAME)
		return NULL;
	for (int i = 0; tracked_names[i]; i++)
		if (tok_is(&p->lx, t, tracked_names[i]))
			return tracked_names[i];
	return NULL;
}

/* Decode and concatenate adjacent string tokens (Python's implicit concatenation). */
static char *decode_strings(struct parser *p, const struct token *t, size_t n)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		char *s = py_string_decode(p->lx.text + t[i].start, t[i].end - t[i].start,
					   p->rf->path, t[i].line, &p->err);

		if (!s) {
			sb_free(&sb);
			return NULL;
		}
		sb_adds(&sb, s);
		free(s);
	}
	return sb_detach(&sb);
}

static bool all_strings(const struct token *t, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (t[i].kind != TOK_STRING)
			return false;
	return true;
}

static char quote_of(struct parser *p, const struct token *t)
{
	const char *s = p->lx.text + t->start;

	while (*s != '\'' && *s != '"')
		s++;
	return *s;
}

/* Items of a bracketed sequence T[1..n-2]; returns the number of commas or -1. */
static int parse_items(struct parser *p, const struct token *t, size_t n, struct py_value *v)
{
	size_t i = 1, start = 1;
	int commas = 0;

	for (; i <= n - 1; i++) {
		bool end = i == n - 1;

		if (!end && !tok_is(&p->lx, &t[i], ","))
			continue;
		if (i > start) {
			char *s;

			if (!all_strings(t + start, i - start))
				return -1;
			s = decode_strings(p, t + start, i - start);
			if (!s)
				return -2;
			v->item_spans = xrealloc(v->item_spans, (v->items.n + 1) * sizeof(*v->item_spans));
			v->item_spans[v->items.n] = (struct mt_span){ t[start].start, t[i - 1].end, t[start].line };
			sl_push_owned(&v->items, s);
		} else if (!end) {
			return -1; /* ", ," */
		}
		if (!end)
			commas++;
		start = i + 1;
	}
	return commas;
}

static int parse_value(struct parser *p, const char *name, const struct token *t, size_t n,
		       struct py_value *v)
{
	char msg[512];
	int commas;

	v->span = (struct mt_span){ t[0].start, t[n - 1].end, t[0].line };
	if (n == 1 && t[0].kind == TOK_NAME && tok_is(&p->lx, &t[0], "None")) {
		v->kind = VALUE_NONE;
		return 0;
	}
	if (all_strings(t, n)) {
		char *s = decode_strings(p, t, n);

		if (!s)
			return -1;
		v->kind = VALUE_STRING;
		v->quote = quote_of(p, &t[0]);
		v->item_spans = xmalloc(sizeof(*v->item_spans));
		v->item_spans[0] = v->span;
		sl_push_owned(&v->items, s);
		return 0;
	}
	if (n >= 2 && ((tok_is(&p->lx, &t[0], "(") && tok_is(&p->lx, &t[n - 1], ")")) ||
		       (tok_is(&p->lx, &t[0], "[") && tok_is(&p->lx, &t[n - 1], "]")))) {
		commas = parse_items(p, t, n, v);
		if (commas == -2)
			return -1;
		if (commas >= 0) {
			bool paren = tok_is(&p->lx, &t[0], "(");

			v->kind = (paren && commas == 0 && v->items.n == 1) ? VALUE_STRING
									    : VALUE_SEQUENCE;
			for (size_t i = 1; i < n - 1; i++)
				if (t[i].kind == TOK_STRING) {
					v->quote = quote_of(p, &t[i]);
					break;
				}
			return 0;
		}
		sl_free(&v->items);
		free(v->item_spans);
		v->item_spans = NULL;
	}
	snprintf(msg, sizeof(msg),
		 "the value of `%s` is not a literal (string, None, or a tuple or list of strings); "
		 "migtree reads files without running them and will not guess it",
		 name);
	return mt_fail(&p->err, p->rf->path, t[0].line, "%s", msg);
}

/* Index of the first token equal to OP at bracket depth 0, or N. */
static size_t find_top(struct parser *p, const struct token *t, size_t n, const char *op)
{
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i].kind == TOK_OP) {
			char c = p->lx.text[t[i].start];

			if (strchr("([{", c))
				depth++;
			else if (strchr(")]}", c))
				depth--;
			else if (depth == 0 && tok_is(&p->lx, &t[i], op))
				return i;
		}
	}
	return n;
}

static bool is_augmented(struct parser *p, const struct token *t)
{
	static const char *const ops[] = { "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
					   "@=", "**=", "//=", ">>=", "<<=", ":=", NULL };

	for (int i = 0; ops[i]; i++)
		if (tok_is(&p->lx, t, ops[i]))
			return true;
	return false;
}

static void module_statement(struct parser *p, const struct token *t, size_t n)
{
	const char *name = tracked_name(p, &t[0]);
	size_t eq = find_top(p, t, n, "=");
	char msg[256];

	if (!name) {
		for (size_t i = 0; i < eq && eq < n; i++)
			if (tracked_name(p, &t[i]) && !(i > 0 && tok_is(&p->lx, &t[i - 1], "."))) {
				snprintf(msg, sizeof(msg),
					 "`%s` is assigned by unpacking; migtree reads only `%s = <literal>`",
					 tracked_name(p, &t[i]), tracked_name(p, &t[i]));
				fail_at(p, t[i].line, msg);
				return;
			}
		return;
	}
	if (n >= 2 && is_augmented(p, &t[1])) {
		snprintf(msg, sizeof(msg), "`%s` is modified with `%.*s`; its value depends on running the file",
			 name, (int)(t[1].end - t[1].start), p->lx.text + t[1].start);
		fail_at(p, t[0].line, msg);
		return;
	}
	if (n < 2 || eq == n)
		return; /* a bare name or annotation: no value */
	if (!(eq == 1 || tok_is(&p->lx, &t[1], ":"))) {
		snprintf(msg, sizeof(msg), "`%s` is assigned by unpacking; migtree reads only `%s = <literal>`",
			 name, name);
		fail_at(p, t[0].line, msg);
		return;
	}
	if (find_top(p, t + eq + 1, n - eq - 1, "=") != n - eq - 1) {
		snprintf(msg, sizeof(msg), "`%s` is assigned in a chain (`a = b = ...`); migtree reads only `%s = <literal>`",
			 name, name);
		fail_at(p, t[0].line, msg);
		return;
	}
	if (eq + 1 >= n) {
		fail_at(p, t[0].line, "assignment without a value");
		return;
	}
	{
		struct py_value *v = value_slot(p->rf, name);

		sl_free(&v->items);
		free(v->item_spans);
		memset(v, 0, sizeof(*v));
		v->line = t[0].line;
		if (parse_value(p, name, t + eq + 1, n - eq - 1, v) < 0)
			fail_err(p);
	}
}

static bool is_keyword(struct parser *p, const struct token *t, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (tok_is(&p->lx, t, words[i]))
			return true;
	return false;
}

static void track_block(struct parser *p, const struct token *t)
{
	static const char *const cond[] = { "if", "elif", "else", "try", "except", "finally",
					    "with", "for", "while", "match", "case", NULL };
	static const char *const defs[] = { "def", "class", "async", "@", NULL };

	if (is_keyword(p, t, cond))
		p->block = BLOCK_CONDITIONAL;
	else if (is_keyword(p, t, defs))
		p->block = BLOCK_DEF;
	else
		p->block = BLOCK_NONE;
}

static void statement(struct parser *p, const struct token *t, size_t n, int indent)
{
	const char *name;

	if (indent == 0) {
		track_block(p, t);
		module_statement(p, t, n);
		return;
	}
	name = tracked_name(p, &t[0]);
	if (p->block == BLOCK_CONDITIONAL && name && n >= 2 &&
	    (tok_is(&p->lx, &t[1], "=") || tok_is(&p->lx, &t[1], ":"))) {
		char msg[256];

		snprintf(msg, sizeof(msg),
			 "`%s` is assigned inside a block (if/try/with...), so its value depends on running the file",
			 name);
		fail_at(p, t[0].line, msg);
	}
}

static void read_docstring(struct parser *p, const struct logical_line *ll)
{
	struct revision_file *rf = p->rf;
	char *doc, *cut;
	char prefix[4];

	for (size_t i = 0; i < ll->n; i++) {
		const struct token *t = &ll->tok[i];

		if (t->kind != TOK_STRING)
			return;
		py_string_prefix(p->lx.text + t->start, t->end - t->start, prefix);
		if (strchr(prefix, 'b') || strchr(prefix, 'f') || strchr(prefix, 't'))
			return; /* not a docstring for Python either */
	}
	doc = decode_strings(p, ll->tok, ll->n);
	if (!doc) {
		fail_err(p);
		return;
	}
	rf->has_doc = true;
	rf->doc_line = ll->tok[0].line;
	rf->doc_span = (struct mt_span){ ll->tok[0].start, ll->tok[ll->n - 1].end, ll->tok[0].line };
	rf->longdoc = py_strip(doc);
	free(doc);
	cut = strstr(rf->longdoc, "\n\n");
	rf->message = cut ? xstrndup(rf->longdoc, (size_t)(cut - rf->longdoc)) : xstrdup(rf->longdoc);
}

/* Find "KEY: value" on a line of the raw docstring; record the value's bytes. */
static void doc_field(struct revision_file *rf, const char *key, struct doc_field *f)
{
	const char *s = rf->text + rf->doc_span.start, *end = rf->text + rf->doc_span.end;
	size_t klen = strlen(key);
	int line = rf->doc_span.line;

	for (const char *ls = s; ls < end;) {
		const char *le = memchr(ls, '\n', (size_t)(end - ls));
		const char *b = ls, *ve;

		if (!le)
			le = end;
		while (b < le && (*b == ' ' || *b == '\t'))
			b++;
		if ((size_t)(le - b) >= klen && !memcmp(b, key, klen)) {
			b += klen;
			while (b < le && (*b == ' ' || *b == '\t'))
				b++;
			ve = le;
			while (ve > b && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t' ||
					  ve[-1] == '"' || ve[-1] == '\''))
				ve--;
			f->value = xstrndup(b, (size_t)(ve - b));
			f->span = (struct mt_span){ (size_t)(b - rf->text), (size_t)(ve - rf->text), line };
			return;
		}
		ls = le + 1;
		line++;
	}
}

/* Offset of the first byte that breaks UTF-8, or LEN when all is valid. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		uint32_t cp;

		if (!k || i + k > len)
			return i;
		cp = k == 1 ? c : k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + j] & 0x3Fu);
		}
		if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += k;
	}
	return len;
}

static int line_at(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

static bool check_bytes(struct parser *p)
{
	struct revision_file *rf = p->rf;
	size_t bad;
	const char *nul = memchr(rf->text, '\0', rf->len);

	if (nul) {
		fail_at(p, line_at(rf->text, (size_t)(nul - rf->text)),
			"binary file (it contains NUL bytes), not Python source");
		return false;
	}
	bad = utf8_invalid_at((const unsigned char *)rf->text, rf->len);
	if (bad < rf->len) {
		fail_at(p, line_at(rf->text, bad),
			"not valid UTF-8 (migtree reads UTF-8 source, Python's default)");
		return false;
	}
	return true;
}

static void finish(struct parser *p)
{
	struct revision_file *rf = p->rf;
	char msg[MT_PATH_MAX + 256];

	if (!rf->longdoc) {
		rf->longdoc = xstrdup("");
		rf->message = xstrdup("");
	}
	if (p->failed)
		return;
	if (rf->rev.kind == VALUE_STRING) {
		rf->revision = xstrdup(rf->rev.items.v[0]);
	} else if (rf->rev.kind != VALUE_ABSENT) {
		fail_at(p, rf->rev.line, "`revision` must be a single string");
		return;
	} else if (legacy_revision_name(rf->name, &rf->revision)) {
		rf->rev.line = 1; /* the id is the file name: point at the file's top */
	} else {
		snprintf(msg, sizeof(msg),
			 "no `revision` variable: Alembic cannot determine the revision id of %s",
			 rf->name);
		fail_at(p, 1, msg);
		return;
	}
	if (rf->down.kind == VALUE_ABSENT) {
		fail_at(p, rf->rev.line,
			"no `down_revision` variable: Alembic fails to load this file");
		return;
	}
	if (rf->has_doc) {
		doc_field(rf, "Revision ID:", &rf->doc_revision_id);
		doc_field(rf, "Revises:", &rf->doc_revises);
		doc_field(rf, "Create Date:", &rf->doc_create_date);
	}
}

bool legacy_revision_name(const char *name, char **id)
{
	size_t n = strlen(name), i;

	if (n < 4 || strcmp(name + n - 3, ".py"))
		return false;
	for (i = 0; i < n - 3; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	*id = xstrndup(name, n - 3);
	return true;
}

struct revision_file *parse_revision_file(const char *path, const char *text, size_t len)
{
	struct revision_file *rf = xcalloc(1, sizeof(*rf));
	struct parser p = { .rf = rf };
	struct logical_line ll = { 0 };
	size_t skip = 0;
	bool first = true;
	int r;

	rf->path = xstrdup(path);
	rf->name = xstrdup(path_base(path));
	rf->text = xstrndup(text, len);
	rf->len = len;
	const char *nl = memchr(text, '\n', len);
	rf->crlf = nl && nl > text && nl[-1] == '\r';
	if (len > MT_MAX_FILE_SIZE) {
		fail_at(&p, 1, "file larger than 16 MiB; not read as a migration");
		return rf;
	}
	if (!check_bytes(&p))
		return rf;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		skip = 3;
	pylex_init(&p.lx, rf->text, len, rf->path);
	p.lx.pos = skip;
	while (!p.failed && (r = pylex_line(&p.lx, &ll, &p.err)) != 0) {
		size_t s = 0;

		if (r < 0) {
			fail_err(&p);
			break;
		}
		if (first)
			read_docstring(&p, &ll);
		first = false;
		/* statements separated by ';' share the logical line's indentation */
		for (size_t i = 0; i <= ll.n && !p.failed; i++) {
			if (i == ll.n || tok_is(&p.lx, &ll.tok[i], ";")) {
				if (i > s)
					statement(&p, ll.tok + s, i - s, ll.indent);
				s = i + 1;
			}
		}
	}
	logical_line_free(&ll);
	finish(&p);
	return rf;
}

struct revision_file *revision_file_failed(const char *path, int line, const char *message)
{
	struct revision_file *rf = parse_revision_file(path, "", 0);

	free(rf->error);
	rf->error = xstrdup(message);
	rf->error_line = line;
	return rf;
}

static void value_free(struct py_value *v)
{
	sl_free(&v->items);
	free(v->item_spans);
}

void revision_file_free(struct revision_file *rf)
{
	if (!rf)
		return;
	free(rf->path);
	free(rf->real_path);
	free(rf->name);
	free(rf->text);
	free(rf->revision);
	value_free(&rf->rev);
	value_free(&rf->down);
	value_free(&rf->labels);
	value_free(&rf->deps);
	free(rf->longdoc);
	free(rf->message);
	free(rf->doc_revision_id.value);
	free(rf->doc_revises.value);
	free(rf->doc_create_date.value);
	free(rf->error);
	free(rf);
}
