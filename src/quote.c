/* quote.c - the escapers of quote.h, one per target, over one UTF-8 decoder.
 *
 * Decoding is strict (no overlongs, no surrogates, nothing past U+10FFFF), so that
 * what the terminal would see as one character is what migtree measured. */
#include <stdio.h>
#include <string.h>

#include "migtree/quote.h"

/* Bytes of the valid UTF-8 character at S, or 0 when S starts no such character. */
static size_t utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	uint32_t v;

	if (!k || k > len)
		return 0;
	v = k == 1 ? c : k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
	for (size_t j = 1; j < k; j++) {
		if ((s[j] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[j] & 0x3Fu);
	}
	if ((k == 2 && v < 0x80) || (k == 3 && v < 0x800) || (k == 4 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return k;
}

/* Characters that draw nothing or reorder what is around them (Trojan Source). */
static bool invisible(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF ||
	       cp == 0x061C || cp == 0x00AD || cp == 0x180E;
}

size_t quote_terminal_next(const char *s, size_t len, char esc[QUOTE_ESC_MAX], uint32_t *cp)
{
	size_t k = utf8_char((const unsigned char *)s, len, cp);

	esc[0] = '\0';
	if (!k) {
		snprintf(esc, QUOTE_ESC_MAX, "\\x%02x", (unsigned char)s[0]);
		*cp = 0xFFFD;
		return 1;
	}
	if (*cp < 0x20 || *cp == 0x7F)
		snprintf(esc, QUOTE_ESC_MAX, "^%c", *cp == 0x7F ? '?' : (char)(*cp + '@'));
	else if (*cp >= 0x80 && *cp < 0xA0)
		snprintf(esc, QUOTE_ESC_MAX, "\\u%04x", (unsigned)*cp);
	else if (invisible(*cp))
		snprintf(esc, QUOTE_ESC_MAX, "<U+%04X>", (unsigned)*cp);
	return k;
}

void quote_terminal(struct strbuf *sb, const char *s, size_t len)
{
	char esc[QUOTE_ESC_MAX];
	uint32_t cp;

	while (len) {
		size_t k = 0;

		for (;;) { /* printable ASCII, most of any output, arrows and box drawing
			    * (U+2190-21FF, U+2500-257F: tree's lines): copied as one run */
			const unsigned char *u = (const unsigned char *)s + k;

			if (k < len && u[0] >= 0x20 && u[0] < 0x7F)
				k++;
			else if (k + 3 <= len && u[0] == 0xE2 && (u[2] & 0xC0) == 0x80 &&
				 (u[1] == 0x94 || u[1] == 0x95 || u[1] == 0x87 || (u[1] == 0x86 && u[2] >= 0x90)))
				k += 3;
			else
				break;
		}
		if (k) {
			sb_addn(sb, s, k);
			s += k;
			len -= k;
			continue;
		}
		k = quote_terminal_next(s, len, esc, &cp);

		if (esc[0])
			sb_adds(sb, esc);
		else
			sb_addn(sb, s, k);
		s += k;
		len -= k;
	}
}

bool quote_terminal_needed(const char *s, size_t len)
{
	char esc[QUOTE_ESC_MAX];
	uint32_t cp;

	while (len) {
		size_t k;

		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7F) { /* the common case */
			s++;
			len--;
			continue;
		}
		k = quote_terminal_next(s, len, esc, &cp);
		if (esc[0])
			return true;
		s += k;
		len -= k;
	}
	return false;
}

void quote_json(struct strbuf *sb, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	uint32_t cp;

	sb_addc(sb, '"');
	while (len) {
		unsigned char c = (unsigned char)*s;
		size_t k, run = 0;

		/* printable ASCII but the two escaped goes out as it is, a run at a
		 * time: a call a byte made export's JSON 100x slower a byte than
		 * history's text */
		while (run < len && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7F && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		if (run) {
			sb_addn(sb, s, run);
			s += run;
			len -= run;
			continue;
		}
		k = utf8_char((const unsigned char *)s, len, &cp);
		if (!k) {
			sb_addf(sb, "\\udc%02x", c);
			k = 1;
		} else if (c == '"' || c == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)c);
		} else if (c == '\n') {
			sb_adds(sb, "\\n");
		} else if (c == '\t') {
			sb_adds(sb, "\\t");
		} else if (c == '\r') {
			sb_adds(sb, "\\r");
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 ||
			   cp == 0x2029) {
			sb_addf(sb, "\\u%04x", (unsigned)cp);
		} else {
			sb_addn(sb, s, k);
		}
		s += k;
		len -= k;
	}
	sb_addc(sb, '"');
}

/* A character of a label: its visible escape, or itself. */
static void visible(struct strbuf *sb, const char *s, size_t k, const char *esc)
{
	if (esc[0])
		sb_adds(sb, esc);
	else
		sb_addn(sb, s, k);
}

void quote_dot(struct strbuf *sb, const char *s)
{
	size_t len = strlen(s);
	char esc[QUOTE_ESC_MAX];
	uint32_t cp;

	sb_addc(sb, '"');
	while (len) {
		size_t k = quote_terminal_next(s, len, esc, &cp);

		if (*s == '"' || *s == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, *s);
		} else if (*s == '\n') {
			sb_adds(sb, "\\n");
		} else {
			visible(sb, s, k, esc);
		}
		s += k;
		len -= k;
	}
	sb_addc(sb, '"');
}

void quote_mermaid(struct strbuf *sb, const char *s)
{
	size_t len = strlen(s);
	char esc[QUOTE_ESC_MAX];
	uint32_t cp;

	while (len) {
		size_t k = quote_terminal_next(s, len, esc, &cp);

		switch (*s) {
		case '"':
			sb_adds(sb, "#quot;");
			break;
		case '<':
			sb_adds(sb, "#lt;");
			break;
		case '>':
			sb_adds(sb, "#gt;");
			break;
		case '&':
			sb_adds(sb, "#amp;");
			break;
		case '#':
			sb_adds(sb, "#35;"); /* else "#quot;" in the text would be read as an entity */
			break;
		case '\n':
		case '\r':
			sb_addc(sb, ' ');
			break;
		default:
			visible(sb, s, k, esc);
		}
		s += k;
		len -= k;
	}
}

/* One character of a Python literal: controls and invalid bytes as escapes Python
 * reads back; KEEP_NEWLINE for docstrings. */
static size_t python_char(struct strbuf *sb, const char *s, size_t len, char q, bool keep_newline)
{
	uint32_t cp;
	size_t k = utf8_char((const unsigned char *)s, len, &cp);

	if (!k) { /* not text: Python would refuse the file; write the code point */
		sb_addf(sb, "\\x%02x", (unsigned char)*s);
		return 1;
	}
	if (*s == '\\' || *s == q) {
		sb_addc(sb, '\\');
		sb_addc(sb, *s);
	} else if (*s == '\n' && keep_newline)
		sb_addc(sb, '\n');
	else if (*s == '\n')
		sb_adds(sb, "\\n");
	else if (*s == '\t')
		sb_adds(sb, "\\t");
	else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		sb_addf(sb, "\\x%02x", (unsigned)cp);
	else if (cp == 0x2028 || cp == 0x2029 || invisible(cp))
		sb_addf(sb, "\\u%04x", (unsigned)cp);
	else
		sb_addn(sb, s, k);
	return k;
}

void quote_python(struct strbuf *sb, const char *s, char q)
{
	size_t len = strlen(s);

	while (len) {
		size_t k = python_char(sb, s, len, q, false);

		s += k;
		len -= k;
	}
}

void quote_python_docstring(struct strbuf *sb, const char *s, char q)
{
	size_t len = strlen(s);

	while (len) {
		size_t k = python_char(sb, s, len, q, true);

		s += k;
		len -= k;
	}
}

static void github(struct strbuf *sb, const char *s, bool property)
{
	size_t len = strlen(s);
	char esc[QUOTE_ESC_MAX];
	uint32_t cp;

	while (len) {
		size_t k = quote_terminal_next(s, len, esc, &cp);

		if (*s == '%')
			sb_adds(sb, "%25");
		else if (*s == '\r')
			sb_adds(sb, "%0D");
		else if (*s == '\n')
			sb_adds(sb, "%0A");
		else if (property && *s == ':')
			sb_adds(sb, "%3A");
		else if (property && *s == ',')
			sb_adds(sb, "%2C");
		else
			visible(sb, s, k, esc);
		s += k;
		len -= k;
	}
}

void quote_github_message(struct strbuf *sb, const char *s)
{
	github(sb, s, false);
}

void quote_github_property(struct strbuf *sb, const char *s)
{
	github(sb, s, true);
}

static bool diff_path_plain(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == '"' || *c == '\\' || *c >= 0x7f)
			return false;
	return true;
}

void quote_diff_path(struct strbuf *sb, const char *prefix, const char *path)
{
	static const char named[] = "\a\b\t\n\v\f\r", letters[] = "abtnvfr";

	if (diff_path_plain(prefix) && diff_path_plain(path)) {
		sb_adds(sb, prefix);
		sb_adds(sb, path);
		return;
	}
	sb_addc(sb, '"');
	for (int part = 0; part < 2; part++)
		for (const unsigned char *c = (const unsigned char *)(part ? path : prefix); *c; c++) {
			const char *at = memchr(named, *c, sizeof(named) - 1); /* *c is not NUL */

			if (at)
				sb_addf(sb, "\\%c", letters[at - named]);
			else if (*c == '"' || *c == '\\')
				sb_addf(sb, "\\%c", *c);
			else if (*c < 0x20 || *c >= 0x7f)
				sb_addf(sb, "\\%03o", *c);
			else
				sb_addc(sb, (char)*c);
		}
	sb_addc(sb, '"');
}
