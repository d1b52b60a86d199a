/* pylex.c - logical lines and string literals of Python source, statically.
 *
 * Only what migration files need: the parser looks at module-level assignments and
 * the module docstring, so tokens are coarse (names, strings, numbers, operators)
 * and nothing is evaluated. Errors name the line where the broken construct began. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/pylex.h"
#include "migtree/util.h"

void pylex_init(struct pylex *lx, const char *text, size_t len, const char *path)
{
	lx->text = text;
	lx->len = len;
	lx->pos = 0;
	lx->line = 1;
	lx->path = path;
}

void logical_line_free(struct logical_line *ll)
{
	free(ll->tok);
	ll->tok = NULL;
	ll->n = ll->cap = 0;
}

bool tok_is(const struct pylex *lx, const struct token *t, const char *s)
{
	size_t n;

	/* called for every token against keyword lists: reject on the first byte */
	if (t->end == t->start || lx->text[t->start] != s[0])
		return false;
	n = strlen(s);
	return t->end - t->start == n && memcmp(lx->text + t->start, s, n) == 0;
}

static bool is_name_start(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Length of a string prefix followed by a quote at P, or -1 when there is none. */
static int string_prefix_len(const char *p, size_t avail)
{
	int n = 0;

	while ((size_t)n < avail && n < 3 && strchr("rRbBuUfFtT", p[n]) && p[n])
		n++;
	if ((size_t)n < avail && (p[n] == '\'' || p[n] == '"'))
		return n;
	return -1;
}

/* Scan a string token starting at its prefix; returns its end offset or 0. */
static size_t scan_string(struct pylex *lx, size_t pos, int plen, struct mt_error *err)
{
	const char *t = lx->text;
	int start_line = lx->line;
	char q = t[pos + plen];
	bool triple;
	size_t i = pos + plen;

	triple = i + 2 < lx->len && t[i + 1] == q && t[i + 2] == q;
	i += triple ? 3 : 1;
	while (i < lx->len) {
		char c = t[i];

		if (c == '\\') {
			if (i + 1 < lx->len && t[i + 1] == '\n')
				lx->line++;
			i += 2;
			continue;
		}
		if (c == '\n') {
			if (!triple)
				break;
			lx->line++;
		}
		if (c == q) {
			if (!triple)
				return i + 1;
			if (i + 2 < lx->len && t[i + 1] == q && t[i + 2] == q)
				return i + 3;
		}
		i++;
	}
	mt_fail(err, lx->path, start_line, "unterminated string literal (the file may be truncated)");
	return 0;
}

static const char *const multi_ops[] = {
	"**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "**", "//",
	"<<", ">>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", NULL,
};

static size_t op_len(const char *p, size_t avail)
{
	if (avail < 2 || !strchr("*/<>.-:=!+%&|^@", p[0]) || !p[0])
		return 1; /* brackets, commas and the like are one byte */
	for (int i = 0; multi_ops[i]; i++) {
		size_t n = strlen(multi_ops[i]);

		if (multi_ops[i][0] == p[0] && n <= avail && memcmp(p, multi_ops[i], n) == 0)
			return n;
	}
	return 1;
}

static void push_tok(struct logical_line *ll, enum tok_kind kind, size_t s, size_t e, int line)
{
	GROW(ll->tok, ll->cap, ll->n + 1);
	ll->tok[ll->n++] = (struct token){ kind, s, e, line };
}

/* Column of the first non-blank byte of the physical line holding POS. A UTF-8
 * BOM opening the file is no column: Python drops it before reading, so a first
 * statement right after it is at module level. */
static int indent_of(const struct pylex *lx, size_t pos)
{
	size_t b = pos;

	while (b > 0 && lx->text[b - 1] != '\n')
		b--;
	if (b == 0 && pos >= 3 && lx->len >= 3 && !memcmp(lx->text, "\xEF\xBB\xBF", 3))
		b = 3;
	return (int)(pos - b);
}

int pylex_line(struct pylex *lx, struct logical_line *ll, struct mt_error *err)
{
	const char *t = lx->text;
	int depth = 0, open_line = 0;

	ll->n = 0;
	ll->indent = 0;
	while (lx->pos < lx->len) {
		unsigned char c = (unsigned char)t[lx->pos];
		size_t s = lx->pos;
		int pl;

		if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
			lx->pos++;
		} else if (c == '#') {
			while (lx->pos < lx->len && t[lx->pos] != '\n')
				lx->pos++;
		} else if (c == '\\' && lx->pos + 1 < lx->len &&
			   (t[lx->pos + 1] == '\n' || t[lx->pos + 1] == '\r')) {
			lx->pos += t[lx->pos + 1] == '\r' ? 2 : 1;
			if (lx->pos < lx->len && t[lx->pos] == '\n') {
				lx->pos++;
				lx->line++;
			}
		} else if (c == '\n') {
			lx->pos++;
			lx->line++;
			if (depth == 0 && ll->n > 0)
				return 1;
		} else if ((pl = string_prefix_len(t + s, lx->len - s)) >= 0) {
			int line = lx->line;
			size_t e = scan_string(lx, s, pl, err);

			if (!e)
				return -1;
			if (ll->n == 0)
				ll->indent = indent_of(lx, s);
			push_tok(ll, TOK_STRING, s, e, line);
			lx->pos = e;
		} else {
			enum tok_kind kind = TOK_OP;

			if (is_name_start(c)) {
				kind = TOK_NAME;
				while (lx->pos < lx->len && is_name_char((unsigned char)t[lx->pos]))
					lx->pos++;
			} else if (c >= '0' && c <= '9') {
				kind = TOK_NUMBER;
				while (lx->pos < lx->len &&
				       (is_name_char((unsigned char)t[lx->pos]) || t[lx->pos] == '.'))
					lx->pos++;
			} else {
				lx->pos += op_len(t + s, lx->len - s);
				if (strchr("([{", c) && c) {
					if (depth++ == 0)
						open_line = lx->line;
				} else if (strchr(")]}", c) && c && depth > 0) {
					depth--;
				}
			}
			if (ll->n == 0)
				ll->indent = indent_of(lx, s);
			push_tok(ll, kind, s, lx->pos, lx->line);
		}
	}
	if (depth > 0)
		return mt_fail(err, lx->path, open_line,
			       "bracket opened here is never closed (the file may be truncated)");
	return ll->n > 0 ? 1 : 0;
}

void py_string_prefix(const char *tok, size_t len, char out[4])
{
	size_t i = 0;

	while (i < len && i < 3 && tok[i] != '\'' && tok[i] != '"') {
		char c = tok[i];

		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		i++;
	}
	out[i] = '\0';
}

static void put_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		sb_addn(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		sb_addn(sb, b, 3);
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		sb_addn(sb, b, 4);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one backslash escape at BODY[*I] (just after the backslash). */
static int decode_escape(const char *body, size_t n, size_t *i, struct strbuf *sb)
{
	static const char simple_from[] = "\\'\"abfnrtv";
	static const char simple_to[] = "\\'\"\a\b\f\n\r\t\v";
	char c = body[*i];
	const char *p = strchr(simple_from, c);
	int digits = 0;
	uint32_t cp = 0;

	if (c && p) {
		sb_addc(sb, simple_to[p - simple_from]);
		(*i)++;
		return 0;
	}
	if (c == '\n') { /* backslash-newline joins lines */
		(*i)++;
		return 0;
	}
	if (c >= '0' && c <= '7') {
		while (digits < 3 && *i < n && body[*i] >= '0' && body[*i] <= '7')
			cp = cp * 8 + (uint32_t)(body[(*i)++] - '0'), digits++;
		put_utf8(sb, cp);
		return 0;
	}
	digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
	if (digits) {
		(*i)++;
		for (int k = 0; k < digits; k++, (*i)++) {
			if (*i >= n || hexval(body[*i]) < 0)
				return -1;
			cp = cp * 16 + (uint32_t)hexval(body[*i]);
		}
		if (cp > 0x10FFFF)
			return -1;
		put_utf8(sb, cp);
		return 0;
	}
	if (c == 'N')
		return -1; /* \N{NAME} needs Unicode's name table: refuse rather than guess */
	sb_addc(sb, '\\'); /* unknown escapes keep their backslash, as in Python */
	return 0;
}

char *py_string_decode(const char *tok, size_t len, const char *path, int line,
		       struct mt_error *err)
{
	char prefix[4];
	size_t plen, qlen, i;
	const char *body;
	size_t n;
	bool raw;
	struct strbuf sb;

	py_string_prefix(tok, len, prefix);
	if (strchr(prefix, 'b')) {
		mt_fail(err, path, line, "a bytes literal where Alembic needs a str");
		return NULL;
	}
	if (strchr(prefix, 'f') || strchr(prefix, 't')) {
		mt_fail(err, path, line, "an f-string is computed when the file runs, so it cannot be read statically");
		return NULL;
	}
	raw = strchr(prefix, 'r') != NULL;
	plen = strlen(prefix);
	qlen = (len >= plen + 6 && tok[plen + 1] == tok[plen] && tok[plen + 2] == tok[plen]) ? 3 : 1;
	body = tok + plen + qlen;
	n = len - plen - 2 * qlen;
	sb_init(&sb);
	for (i = 0; i < n;) {
		if (body[i] == '\r' && i + 1 < n && body[i + 1] == '\n') {
			i++; /* CRLF in source reads as LF */
			continue;
		}
		if (body[i] == '\\' && i + 1 < n) {
			if (body[i + 1] == '\r' && i + 2 < n && body[i + 2] == '\n')
				i++; /* normalise "\\\r\n" to "\\\n" */
			if (raw) {
				sb_addc(&sb, '\\');
				sb_addc(&sb, body[i + 1]);
				i += 2;
				continue;
			}
			i++;
			if (decode_escape(body, n, &i, &sb) < 0) {
				sb_free(&sb);
				mt_fail(err, path, line, "string escape migtree cannot decode statically");
				return NULL;
			}
			continue;
		}
		{
			size_t run = i + 1;

			while (run < n && body[run] != '\\' && body[run] != '\r')
				run++;
			sb_addn(&sb, body + i, run - i);
			i = run;
		}
	}
	return sb_detach(&sb);
}

/* Byte length of a Python whitespace character at S (0 when S is not one). */
static size_t py_space_len(const unsigned char *s)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r') || (*s >= 0x1c && *s <= 0x1f))
		return 1;
	if (s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
		return 2;
	if (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
		return 3;
	if (s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 ||
					     s[2] == 0xA9 || s[2] == 0xAF))
		return 3;
	if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
		return 3;
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

char *py_strip(const char *s)
{
	const unsigned char *b = (const unsigned char *)s, *e, *p;
	size_t k;

	while ((k = py_space_len(b)) > 0)
		b += k;
	e = b;
	for (p = b; *p;) {
		k = py_space_len(p);
		if (k) {
			p += k;
		} else {
			p++;
			while ((*p & 0xC0) == 0x80)
				p++;
			e = p;
		}
	}
	return xstrndup((const char *)b, (size_t)(e - b));
}

/* Byte length of a Python line boundary at S (0 when none); CRLF counts as one. */
static size_t py_linebreak_len(const unsigned char *s)
{
	if (s[0] == '\r' && s[1] == '\n')
		return 2;
	if (s[0] == '\n' || s[0] == '\r' || s[0] == '\v' || s[0] == '\f' ||
	    (s[0] >= 0x1c && s[0] <= 0x1e))
		return 1;
	if (s[0] == 0xC2 && s[1] == 0x85)
		return 2;
	if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9))
		return 3;
	return 0;
}

size_t py_splitlines(const char *s, char ***lines)
{
	struct strlist sl = { 0 };
	const unsigned char *p = (const unsigned char *)s, *start = p;
	size_t k;

	while (*p) {
		k = py_linebreak_len(p);
		if (k) {
			sl_push_owned(&sl, xstrndup((const char *)start, (size_t)(p - start)));
			p += k;
			start = p;
		} else {
			p++;
		}
	}
	if (p > start)
		sl_push_owned(&sl, xstrndup((const char *)start, (size_t)(p - start)));
	*lines = sl.v;
	return sl.n;
}
