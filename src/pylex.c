/* pylex.c - logical lines and string literals of Python source, statically.
 *
 * Only what migration files need: the parser looks at module-level assignments and
 * the module docstring, so tokens are coarse (names, strings, numbers, operators)
 * and nothing is evaluated. Errors name the line where the broken construct began. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/prescan.h"
#include "migtree/pylex.h"
#include "migtree/util.h"
#include "pylex_nfkc.h"

void pylex_init(struct pylex *lx, const char *text, size_t len, const char *path)
{
	lx->text = text;
	lx->len = len;
	lx->pos = 0;
	lx->line = 1;
	lx->path = path;
	lx->begin = 0;
	lx->enc = PY_ENC_UTF8;
	lx->skim_indented = false;
	lx->long_line = 0;
	lx->on_long = NULL;
	lx->ctx = NULL;
}

void logical_line_free(struct logical_line *ll)
{
	free(ll->tok);
	ll->tok = NULL;
	ll->n = ll->cap = 0;
}

static void put_utf8(struct strbuf *sb, uint32_t cp);

/* cp1252's 0x80-0x9F; 0 where Python's codec has no character. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
	0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

char *py_to_utf8(const char *s, size_t n, enum py_encoding enc)
{
	struct strbuf sb;

	if (enc == PY_ENC_UTF8)
		return xstrndup(s, n);
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c;

		if (enc == PY_ENC_CP1252 && c >= 0x80 && c < 0xA0)
			cp = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xFFFD;
		put_utf8(&sb, cp);
	}
	return sb_detach(&sb);
}

/* The code point of the UTF-8 sequence at S (NUL-terminated), its length in *K;
 * UINT32_MAX and length 1 for a byte that starts no valid sequence (a module
 * read for a reference is not checked beforehand). */
static uint32_t utf8_at(const unsigned char *s, size_t *k)
{
	uint32_t cp;

	*k = s[0] < 0x80 ? 1 : s[0] < 0xC0 ? 0 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : s[0] < 0xF8 ? 4 : 0;
	if (!*k) {
		*k = 1;
		return UINT32_MAX;
	}
	cp = *k == 1 ? s[0] : *k == 2 ? (s[0] & 0x1Fu) : *k == 3 ? (s[0] & 0x0Fu) : (s[0] & 0x07u);
	for (size_t j = 1; j < *k; j++) {
		if ((s[j] & 0xC0) != 0x80) {
			*k = 1;
			return UINT32_MAX;
		}
		cp = (cp << 6) | (s[j] & 0x3Fu);
	}
	return cp;
}

/* The ASCII NFKC form of CP from the generated table, or NULL. */
static const char *nfkc_lookup(uint32_t cp, char one[2])
{
	size_t lo = 0, hi = sizeof(nfkc_ascii) / sizeof(nfkc_ascii[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct nfkc_range *r = &nfkc_ascii[mid];

		if (cp < r->first) {
			hi = mid;
		} else if (cp >= r->first + r->count) {
			lo = mid + 1;
		} else if (r->count == 1) {
			return r->to;
		} else {
			one[0] = (char)(r->to[0] + (cp - r->first));
			one[1] = '\0';
			return one;
		}
	}
	return NULL;
}

static bool ascii_span(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

char *tok_name(const struct pylex *lx, const struct token *t)
{
	char *u;
	const unsigned char *p;
	struct strbuf sb;

	if (ascii_span(lx->text + t->start, t->end - t->start)) /* ASCII is its own NFKC form, in any coding */
		return xstrndup(lx->text + t->start, t->end - t->start);
	u = py_to_utf8(lx->text + t->start, t->end - t->start, lx->enc);
	p = (const unsigned char *)u;
	sb_init(&sb);
	while (*p) {
		size_t k;
		uint32_t cp = utf8_at(p, &k);
		char one[2];
		const char *ascii = cp >= 0x80 && cp != UINT32_MAX ? nfkc_lookup(cp, one) : NULL;

		if (ascii)
			sb_adds(&sb, ascii);
		else
			sb_addn(&sb, (const char *)p, k);
		p += k;
	}
	free(u);
	return sb_detach(&sb);
}

bool tok_name_is(const struct pylex *lx, const struct token *t, const char *s)
{
	bool same;
	char *name;

	if (t->kind != TOK_NAME)
		return false;
	if (ascii_span(lx->text + t->start, t->end - t->start))
		return tok_is(lx, t, s);
	name = tok_name(lx, t);
	same = !strcmp(name, s);
	free(name);
	return same;
}

/* What each byte is to the lexer: one table lookup instead of a chain of tests
 * or a strchr per byte. */
enum {
	CH_NAME = 1,      /* starts and continues a name (ASCII letters, '_', bytes >= 0x80) */
	CH_DIGIT = 2,     /* continues a name, starts a number */
	CH_PREFIX = 4,    /* a string prefix letter: rRbBuUfFtT */
	CH_OPEN = 8,      /* ( [ { */
	CH_CLOSE = 16,    /* ) ] } */
	CH_SKIM = 32,     /* what the skimmer stops at: quotes, '#', '\\', CR, LF, brackets */
};

#define CH_HIGH8(x) [x] = CH_NAME, [x + 1] = CH_NAME, [x + 2] = CH_NAME, [x + 3] = CH_NAME, \
		    [x + 4] = CH_NAME, [x + 5] = CH_NAME, [x + 6] = CH_NAME, [x + 7] = CH_NAME
#define CH_HIGH64(x) CH_HIGH8(x), CH_HIGH8(x + 8), CH_HIGH8(x + 16), CH_HIGH8(x + 24), \
		     CH_HIGH8(x + 32), CH_HIGH8(x + 40), CH_HIGH8(x + 48), CH_HIGH8(x + 56)

static const unsigned char ch_class[256] = {
	['_'] = CH_NAME, ['a'] = CH_NAME, ['c'] = CH_NAME, ['d'] = CH_NAME, ['e'] = CH_NAME,
	['g'] = CH_NAME, ['h'] = CH_NAME, ['i'] = CH_NAME, ['j'] = CH_NAME, ['k'] = CH_NAME,
	['l'] = CH_NAME, ['m'] = CH_NAME, ['n'] = CH_NAME, ['o'] = CH_NAME, ['p'] = CH_NAME,
	['q'] = CH_NAME, ['s'] = CH_NAME, ['v'] = CH_NAME, ['w'] = CH_NAME, ['x'] = CH_NAME,
	['y'] = CH_NAME, ['z'] = CH_NAME,
	['A'] = CH_NAME, ['C'] = CH_NAME, ['D'] = CH_NAME, ['E'] = CH_NAME, ['G'] = CH_NAME,
	['H'] = CH_NAME, ['I'] = CH_NAME, ['J'] = CH_NAME, ['K'] = CH_NAME, ['L'] = CH_NAME,
	['M'] = CH_NAME, ['N'] = CH_NAME, ['O'] = CH_NAME, ['P'] = CH_NAME, ['Q'] = CH_NAME,
	['S'] = CH_NAME, ['V'] = CH_NAME, ['W'] = CH_NAME, ['X'] = CH_NAME, ['Y'] = CH_NAME,
	['Z'] = CH_NAME,
	['r'] = CH_NAME | CH_PREFIX, ['R'] = CH_NAME | CH_PREFIX, ['b'] = CH_NAME | CH_PREFIX,
	['B'] = CH_NAME | CH_PREFIX, ['u'] = CH_NAME | CH_PREFIX, ['U'] = CH_NAME | CH_PREFIX,
	['f'] = CH_NAME | CH_PREFIX, ['F'] = CH_NAME | CH_PREFIX, ['t'] = CH_NAME | CH_PREFIX,
	['T'] = CH_NAME | CH_PREFIX,
	['0'] = CH_DIGIT, ['1'] = CH_DIGIT, ['2'] = CH_DIGIT, ['3'] = CH_DIGIT, ['4'] = CH_DIGIT,
	['5'] = CH_DIGIT, ['6'] = CH_DIGIT, ['7'] = CH_DIGIT, ['8'] = CH_DIGIT, ['9'] = CH_DIGIT,
	['('] = CH_OPEN | CH_SKIM, ['['] = CH_OPEN | CH_SKIM, ['{'] = CH_OPEN | CH_SKIM,
	[')'] = CH_CLOSE | CH_SKIM, [']'] = CH_CLOSE | CH_SKIM, ['}'] = CH_CLOSE | CH_SKIM,
	['\''] = CH_SKIM, ['"'] = CH_SKIM, ['#'] = CH_SKIM, ['\\'] = CH_SKIM, ['\n'] = CH_SKIM,
	['\r'] = CH_SKIM,
	CH_HIGH64(0x80), CH_HIGH64(0xC0),
};

static bool is_name_char(unsigned char c)
{
	return ch_class[c] & (CH_NAME | CH_DIGIT);
}

/* Length of a string prefix followed by a quote at P, or -1 when there is none. */
static int string_prefix_len(const char *p, size_t avail)
{
	int n = 0;

	while ((size_t)n < avail && n < 3 && (ch_class[(unsigned char)p[n]] & CH_PREFIX))
		n++;
	if ((size_t)n < avail && (p[n] == '\'' || p[n] == '"'))
		return n;
	return -1;
}

/* Scan a string token starting at its prefix; returns its end offset or 0. */
/* The bytes that may end a run of string text: quotes, backslash, line ends. */
static const bool string_stop[256] = { ['\''] = true, ['"'] = true, ['\\'] = true, ['\n'] = true, ['\r'] = true };

static size_t scan_string(struct pylex *lx, size_t pos, int plen, struct mt_error *err)
{
	const char *t = lx->text;
	int start_line = lx->line;
	char q = t[pos + plen];
	bool triple;
	size_t i = pos + plen, nl;

	triple = i + 2 < lx->len && t[i + 1] == q && t[i + 2] == q;
	i += triple ? 3 : 1;
	while (i < lx->len) {
		char c;

		while (i < lx->len && !string_stop[(unsigned char)t[i]])
			i++; /* a docstring's text: one table look a byte */
		if (i >= lx->len)
			break;
		c = t[i];
		if (c != q && c != '\\' && c != '\n' && c != '\r') {
			i++;
			continue;
		}
		if (c == '\\') {
			nl = py_newline_len(t, i + 1, lx->len);
			lx->line += nl > 0;
			i += 1 + (nl ? nl : 1); /* backslash-newline continues even a '...' string */
			continue;
		}
		nl = py_newline_len(t, i, lx->len);
		if (nl) {
			if (!triple)
				break;
			lx->line++;
			i += nl;
			continue;
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

/* Python's operators of two and three bytes, by their first byte: **= //= >>=
 * <<= ... -> := == != <= >= ** // << >> += -= *= /= %= &= |= ^= @=; brackets,
 * commas and the like are one byte. */
static size_t op_len(const char *p, size_t avail)
{
	char b = avail >= 2 ? p[1] : '\0', c = avail >= 3 ? p[2] : '\0';

	switch (p[0]) {
	case '*': case '/': case '<': case '>': /* ** **= // //= << <<= >> >>=, then *= /= <= >= */
		if (b == p[0])
			return c == '=' ? 3 : 2;
		return b == '=' ? 2 : 1;
	case '.':
		return b == '.' && c == '.' ? 3 : 1;
	case '-':
		return b == '>' || b == '=' ? 2 : 1;
	case ':': case '=': case '!': case '+': case '%': case '&': case '|': case '^': case '@':
		return b == '=' ? 2 : 1;
	default:
		return 1;
	}
}

static void push_tok(struct logical_line *ll, enum tok_kind kind, size_t s, size_t e, int line)
{
	GROW(ll->tok, ll->cap, ll->n + 1);
	ll->tok[ll->n++] = (struct token){ kind, (uint32_t)s, (uint32_t)e, line };
}

/* The line has reached its call_at: hand it to on_long (which may drop tokens). */
static void line_is_long(struct pylex *lx, struct logical_line *ll)
{
	ll->call_at = lx->on_long(lx->ctx, ll) ? ll->n + lx->long_line : SIZE_MAX;
}

/* Python's indentation of the physical line holding POS: a tab to the next
 * multiple of 8, a form feed back to column 0 (so "\fx = 1" is at module level). */
static int indent_of(const struct pylex *lx, size_t pos)
{
	size_t b = pos;
	int col = 0;

	while (b > lx->begin && lx->text[b - 1] != '\n' && lx->text[b - 1] != '\r')
		b--;
	for (; b < pos; b++) {
		char c = lx->text[b];

		col = c == '\t' ? (col / 8 + 1) * 8 : c == '\f' ? 0 : col + 1;
	}
	return col;
}

/* The rest of a logical line from S, its first token, without tokens: the bytes
 * that matter to where a logical line ends (quotes, comments, backslashes, line
 * breaks, brackets) are followed as pylex_line follows them, everything else is
 * passed over by one table lookup a byte. A quote always starts a string here, as
 * it does there: no name, number or operator holds one, and a string's prefix
 * does not change where it ends. */
static int skim_line(struct pylex *lx, struct logical_line *ll, size_t s, struct mt_error *err)
{
	const char *t = lx->text;
	size_t pos = s, len = lx->len, nl;
	int depth = 0, open_line = 0;

	ll->indent = indent_of(lx, s);
	while (pos < len) {
		unsigned char c;

		/* the loop nearly all of a function body goes through */
		while (pos + 4 <= len && !(ch_class[(unsigned char)t[pos]] & CH_SKIM) &&
		       !(ch_class[(unsigned char)t[pos + 1]] & CH_SKIM) &&
		       !(ch_class[(unsigned char)t[pos + 2]] & CH_SKIM) &&
		       !(ch_class[(unsigned char)t[pos + 3]] & CH_SKIM))
			pos += 4;
		if (pos >= len)
			break;
		c = (unsigned char)t[pos];
		if (!(ch_class[c] & CH_SKIM)) {
			pos++;
		} else if (c == '\'' || c == '"') {
			if (!(pos = scan_string(lx, pos, 0, err)))
				return -1;
		} else if (c == '#') {
			while (pos < len && t[pos] != '\n' && t[pos] != '\r')
				pos++;
		} else if (c == '\\') {
			nl = py_newline_len(t, pos + 1, len);
			pos += 1 + nl;
			lx->line += nl > 0;
		} else if (c == '\n' || c == '\r') {
			pos += py_newline_len(t, pos, len);
			lx->line++;
			if (depth == 0) {
				lx->pos = pos;
				return 2;
			}
		} else if (ch_class[c] & CH_OPEN) {
			if (depth++ == 0)
				open_line = lx->line;
			pos++;
		} else {
			depth -= depth > 0;
			pos++;
		}
	}
	lx->pos = pos;
	if (depth > 0)
		return mt_fail(err, lx->path, open_line,
			       "bracket opened here is never closed (the file may be truncated)");
	return 2;
}

/* Whether the logical line starting at S is to be skimmed (see skim_indented). */
static bool skims(const struct pylex *lx, const struct logical_line *ll, size_t s)
{
	return ll->n == 0 && lx->skim_indented && indent_of(lx, s) > 0;
}

int pylex_line(struct pylex *lx, struct logical_line *ll, struct mt_error *err)
{
	const char *t = lx->text;
	int depth = 0, open_line = 0;
	size_t nl;

	ll->n = 0;
	ll->indent = 0;
	ll->call_at = lx->on_long && lx->long_line ? lx->long_line : SIZE_MAX;
	while (lx->pos < lx->len) {
		unsigned char c = (unsigned char)t[lx->pos];
		size_t s = lx->pos;
		int pl;

		if (c == ' ' || c == '\t' || c == '\f') {
			lx->pos++;
		} else if (c == '#') {
			while (lx->pos < lx->len && t[lx->pos] != '\n' && t[lx->pos] != '\r')
				lx->pos++;
		} else if (c == '\\' && (nl = py_newline_len(t, lx->pos + 1, lx->len)) > 0) {
			lx->pos += 1 + nl;
			lx->line++;
		} else if ((nl = py_newline_len(t, lx->pos, lx->len)) > 0) {
			lx->pos += nl;
			lx->line++;
			if (depth == 0 && ll->n > 0)
				return 1;
		} else if (skims(lx, ll, s)) {
			return skim_line(lx, ll, s, err);
		} else if ((pl = string_prefix_len(t + s, lx->len - s)) >= 0) {
			int line = lx->line;
			size_t e = scan_string(lx, s, pl, err);

			if (!e)
				return -1;
			if (ll->n == 0)
				ll->indent = indent_of(lx, s);
			push_tok(ll, TOK_STRING, s, e, line);
			lx->pos = e;
			if (ll->n >= ll->call_at)
				line_is_long(lx, ll);
		} else {
			enum tok_kind kind = TOK_OP;
			unsigned char k = ch_class[c];

			if (k & CH_NAME) {
				kind = TOK_NAME;
				while (lx->pos < lx->len && is_name_char((unsigned char)t[lx->pos]))
					lx->pos++;
			} else if (k & CH_DIGIT) {
				kind = TOK_NUMBER;
				while (lx->pos < lx->len &&
				       (is_name_char((unsigned char)t[lx->pos]) || t[lx->pos] == '.'))
					lx->pos++;
			} else {
				lx->pos += op_len(t + s, lx->len - s);
				if (k & CH_OPEN) {
					if (depth++ == 0)
						open_line = lx->line;
				} else if ((k & CH_CLOSE) && depth > 0) {
					depth--;
				}
			}
			if (ll->n == 0)
				ll->indent = indent_of(lx, s);
			push_tok(ll, kind, s, lx->pos, lx->line);
			if (ll->n >= ll->call_at)
				line_is_long(lx, ll);
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

/* Decode one backslash escape at BODY[*I] (just after the backslash): 0, -1 when
 * migtree cannot decode it, -2 for a NUL character. */
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
	if (c == '\n' || c == '\r') { /* backslash-newline joins lines */
		*i += py_newline_len(body, *i, n);
		return 0;
	}
	if (c >= '0' && c <= '7') {
		while (digits < 3 && *i < n && body[*i] >= '0' && body[*i] <= '7')
			cp = cp * 8 + (uint32_t)(body[(*i)++] - '0'), digits++;
	} else if ((digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0) > 0) {
		(*i)++;
		for (int k = 0; k < digits; k++, (*i)++) {
			if (*i >= n || hexval(body[*i]) < 0)
				return -1;
			cp = cp * 16 + (uint32_t)hexval(body[*i]);
		}
		if (cp > 0x10FFFF)
			return -1;
	} else if (c == 'N') {
		return -1; /* \N{NAME} needs Unicode's name table: refuse rather than guess */
	} else {
		sb_addc(sb, '\\'); /* unknown escapes keep their backslash, as in Python */
		return 0;
	}
	if (cp == 0)
		return -2;
	put_utf8(sb, cp);
	return 0;
}

static char *decode_fail(struct strbuf *sb, int why, const char *path, int line, struct mt_error *err)
{
	sb_free(sb);
	if (why == -2)
		mt_fail(err, path, line,
			"a NUL character in the value (written as an escape such as \\x00): Python's "
			"string holds it, migtree's cannot, so it would read a different id");
	else
		mt_fail(err, path, line, "string escape migtree cannot decode statically");
	return NULL;
}

/* The bytes that end a run of literal text in a string's body. */
static const bool decode_stop[256] = { ['\\'] = true, ['\r'] = true, ['\n'] = true, ['\0'] = true };

char *py_string_decode(const char *tok, size_t len, const char *path, int line,
		       struct mt_error *err)
{
	char prefix[4];
	size_t plen, qlen, i, nl;
	const char *body;
	size_t n;
	bool raw;
	struct strbuf sb;
	int r;

	py_string_prefix(tok, len, prefix);
	if (prefix[0] && strchr(prefix, 'b')) { /* most strings have no prefix: no look */
		mt_fail(err, path, line, "a bytes literal where Alembic needs a str");
		return NULL;
	}
	if (prefix[0] && (strchr(prefix, 'f') || strchr(prefix, 't'))) {
		mt_fail(err, path, line, "an f-string is computed when the file runs, so it cannot be read statically");
		return NULL;
	}
	raw = prefix[0] && strchr(prefix, 'r') != NULL;
	plen = strlen(prefix);
	qlen = (len >= plen + 6 && tok[plen + 1] == tok[plen] && tok[plen + 2] == tok[plen]) ? 3 : 1;
	body = tok + plen + qlen;
	n = len - plen - 2 * qlen;
	sb_init(&sb);
	GROW(sb.buf, sb.cap, n + 1); /* decoding never lengthens: one allocation, no doubling */
	sb.buf[0] = '\0';
	for (i = 0; i < n;) {
		if ((nl = py_newline_len(body, i, n)) > 0) {
			sb_addc(&sb, '\n'); /* CRLF and CR in source read as LF */
			i += nl;
		} else if (body[i] == '\\' && i + 1 < n && raw) {
			sb_addc(&sb, '\\');
			nl = py_newline_len(body, i + 1, n);
			if (nl)
				sb_addc(&sb, '\n');
			else if (body[i + 1] == '\0')
				return decode_fail(&sb, -2, path, line, err);
			else
				sb_addc(&sb, body[i + 1]);
			i += 1 + (nl ? nl : 1);
		} else if (body[i] == '\\' && i + 1 < n) {
			i++;
			if ((r = decode_escape(body, n, &i, &sb)) < 0)
				return decode_fail(&sb, r, path, line, err);
		} else if (body[i] == '\0') {
			return decode_fail(&sb, -2, path, line, err); /* the parser refuses these files first */
		} else {
			size_t run = i + 1;

			while (run < n && !decode_stop[(unsigned char)body[run]])
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

/* Where S[0..N) stripped starts (*B) and ends (*E). */
static void strip_bounds(const char *s, size_t n, const char **bo, const char **eo)
{
	const unsigned char *b = (const unsigned char *)s, *e = b + n, *p;
	size_t k;

	/* a space is whole inside the N bytes, as it is before a NUL */
	while (b < e && (k = py_space_len(b)) > 0 && k <= (size_t)(e - b))
		b += k;
	/* the end from the back: a long docstring is not walked to find it. A space
	 * of 2 or 3 bytes starts with a lead byte (C2, E1, E2, E3), never part of
	 * another character, so looking back 2 or 3 bytes finds only real ones. */
	for (;;) {
		if (e > b && *(p = e - 1) < 0x80) {
			/* an ASCII byte ends no longer space: it is the end, or a space */
			if (py_space_len(p) != 1)
				break;
			e = p;
		} else if (e - b >= 2 && py_space_len(p = e - 2) == 2)
			e = p;
		else if (e - b >= 3 && py_space_len(p = e - 3) == 3)
			e = p;
		else
			break;
	}
	*bo = (const char *)b;
	*eo = (const char *)e;
}

char *py_strip(const char *s)
{
	const char *b, *e;

	strip_bounds(s, strlen(s), &b, &e);
	return xstrndup(b, (size_t)(e - b));
}

void py_strip_span(const char *s, size_t n, size_t *start, size_t *end)
{
	const char *b, *e;

	strip_bounds(s, n, &b, &e);
	*start = (size_t)(b - s);
	*end = (size_t)(e - s);
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

/* The coding named on the comment line S..E (Python's get_coding_spec: blanks,
 * `#`, then `coding[:=]` and a name of [A-Za-z0-9._-]), copied to NAME; false
 * when the line declares none. */
static bool coding_spec(const char *s, const char *e, char *name, size_t cap)
{
	const char *p = s;

	while (p < e && (*p == ' ' || *p == '\t' || *p == '\f'))
		p++;
	if (p >= e || *p != '#')
		return false;
	for (; p + 6 < e; p++) {
		const char *b, *q;

		if (memcmp(p, "coding", 6) || (p[6] != ':' && p[6] != '='))
			continue;
		for (q = p + 7; q < e && (*q == ' ' || *q == '\t'); q++)
			;
		for (b = q; q < e && (strchr("-_.", *q) || (*q >= '0' && *q <= '9') ||
				      ((*q | 32) >= 'a' && (*q | 32) <= 'z')) && *q; q++)
			;
		if (q > b) {
			size_t n = (size_t)(q - b) < cap - 1 ? (size_t)(q - b) : cap - 1;

			memcpy(name, b, n);
			name[n] = '\0';
			return true;
		}
	}
	return false;
}

/* NAME as Python's codec registry would find it (case and separators folded),
 * for the codings migtree decodes; -1 for any other. */
static int known_coding(const char *name, enum py_encoding *enc)
{
	static const char *const utf8[] = { "utf8", "u8", "utf", "cp65001", NULL };
	static const char *const latin1[] = { "latin1", "iso88591", "l1", "cp819", "8859", "latin",
					      "isolatin1", "isoir100", "csisolatin1", NULL };
	static const char *const cp1252[] = { "cp1252", "windows1252", NULL };
	static const char *const ascii[] = { "ascii", "usascii", "646", NULL };
	static const char *const *const all[] = { utf8, latin1, cp1252, ascii };
	static const enum py_encoding as[] = { PY_ENC_UTF8, PY_ENC_LATIN1, PY_ENC_CP1252, PY_ENC_ASCII };
	static const char *const emacs[] = { "utf-8-", "latin-1-", "iso-8859-1-", "iso-latin-1-", NULL };
	char folded[64], lower[64];
	size_t n = 0;

	/* Python's get_normal_name: Emacs's `utf-8-unix` is utf-8, `latin-1-dos` latin-1 */
	for (n = 0; name[n] && n < sizeof(lower) - 1; n++)
		lower[n] = (char)(name[n] == '_' ? '-' : name[n] >= 'A' && name[n] <= 'Z' ? name[n] + 32 : name[n]);
	lower[n] = '\0';
	for (int i = 0; emacs[i]; i++)
		if (!strncmp(lower, emacs[i], strlen(emacs[i]))) {
			*enc = i ? PY_ENC_LATIN1 : PY_ENC_UTF8;
			return 0;
		}
	n = 0;
	for (const char *p = name; *p && n < sizeof(folded) - 1; p++)
		if (*p != '-' && *p != '_' && *p != '.' && *p != ' ')
			folded[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	folded[n] = '\0';
	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		for (int i = 0; all[k][i]; i++)
			if (!strcmp(folded, all[k][i])) {
				*enc = as[k];
				return 0;
			}
	return -1;
}

/* Whether the line S..E is blank or only a comment: Python looks at line 2 for a
 * coding only then. */
static bool blank_or_comment(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\f'))
		s++;
	return s == e || *s == '#' || *s == '\r' || *s == '\n';
}

int py_coding(const char *text, size_t len, bool bom, const char *path, enum py_encoding *enc,
	      struct mt_error *err)
{
	const char *s = text + (bom ? 3 : 0), *end = text + len;
	char name[64];
	bool found = false;
	int line;

	*enc = PY_ENC_UTF8;
	for (line = 1; line <= 2 && s < end && !found; line++) {
		const char *e = s, *b = s;

		while (b < end && (*b == ' ' || *b == '\t' || *b == '\f'))
			b++;
		if (b < end && *b != '#' && *b != '\n' && *b != '\r')
			break; /* a statement (a docstring): no coding on it, none looked for below */
		while (e < end && *e != '\n' && *e != '\r')
			e++;
		found = coding_spec(s, e, name, sizeof(name));
		if (found || !blank_or_comment(s, e))
			break;
		s = e + py_newline_len(text, (size_t)(e - text), len);
	}
	if (!found)
		return 0;
	if (known_coding(name, enc) < 0)
		return mt_fail(err, path, line,
			       "coding '%s' is not one migtree decodes (UTF-8, latin-1, cp1252 or ASCII); "
			       "Python may read it, migtree cannot", name);
	if (bom && *enc != PY_ENC_UTF8)
		return mt_fail(err, path, line,
			       "coding '%s' after a UTF-8 byte-order mark: Python refuses the file "
			       "(encoding problem with BOM)", name);
	return 0;
}
