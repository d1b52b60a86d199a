/* prescan.c - where a migration's logical lines end, without tokens.
 *
 * The loops look at sixteen bytes at once (SSE2, on every x86-64) for the few that
 * matter to a line's end, and at one byte through a table where there is no SSE2
 * or fewer than sixteen bytes are left. Each rule below is pylex.c's, for the
 * same reason: skim_line and scan_string are the reference, and
 * tests/fuzz/fuzz_parse.c compares the readings on every input. */
#include <stdint.h>
#include <string.h>

#include "migtree/prescan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* What each byte is to the scanner. */
enum {
	PS_CODE = 1, /* ends a run of code: quotes, '#', '\\', CR, LF, brackets */
	PS_FLAG = 2, /* `;` and `=`, looked for on the lines that want PRESCAN_* flags */
};

static const unsigned char ps_class[256] = {
	['\''] = PS_CODE, ['"'] = PS_CODE, ['#'] = PS_CODE, ['\\'] = PS_CODE, ['\n'] = PS_CODE,
	['\r'] = PS_CODE, ['('] = PS_CODE, [')'] = PS_CODE, ['['] = PS_CODE, [']'] = PS_CODE,
	['{'] = PS_CODE, ['}'] = PS_CODE, [';'] = PS_FLAG, ['='] = PS_FLAG,
};

/* The line break at T[POS] (py_newline_len, on the bytes as unsigned). */
static size_t newline_len(const unsigned char *t, size_t pos, size_t len)
{
	return py_newline_len((const char *)t, pos, len);
}

#if defined(__SSE2__)
static inline __m128i eq8(__m128i x, char c)
{
	return _mm_cmpeq_epi8(x, _mm_set1_epi8(c));
}

/* Bit i set when P[i] may end a run of code (PS_CODE; '|' too, which the caller
 * passes over), and `;` or `=` when FLAGS. */
static inline unsigned code_mask(const unsigned char *p, bool flags)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i lo = _mm_or_si128(x, _mm_set1_epi8(0x01)), up = _mm_or_si128(x, _mm_set1_epi8(0x20));
	/* ( ) by x|1 == ')'; " # by x|1 == '#'; [ { and ] } and \ | by x|0x20 */
	__m128i m = _mm_or_si128(_mm_or_si128(eq8(lo, ')'), eq8(lo, '#')),
				 _mm_or_si128(_mm_or_si128(eq8(up, '{'), eq8(up, '}')), eq8(up, '|')));

	m = _mm_or_si128(m, _mm_or_si128(eq8(x, '\''), _mm_or_si128(eq8(x, '\n'), eq8(x, '\r'))));
	if (flags)
		m = _mm_or_si128(m, _mm_or_si128(eq8(x, ';'), eq8(x, '=')));
	return (unsigned)_mm_movemask_epi8(m);
}

/* Bit i set when P[i] is A, B, C or D. */
static inline unsigned any4_mask(const unsigned char *p, char a, char b, char c, char d)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

	return (unsigned)_mm_movemask_epi8(
		_mm_or_si128(_mm_or_si128(eq8(x, a), eq8(x, b)), _mm_or_si128(eq8(x, c), eq8(x, d))));
}
#endif

/* The first byte at or after I that is A, B, C or D, or LEN. */
static inline size_t find4(const unsigned char *t, size_t len, size_t i, char a, char b, char c, char d)
{
#if defined(__SSE2__)
	for (; i + 16 <= len; i += 16) {
		unsigned m = any4_mask(t + i, a, b, c, d);

		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < len && t[i] != a && t[i] != b && t[i] != c && t[i] != d)
		i++;
	return i < len ? i : len;
}

/* The end of the string token whose quote is at POS (pylex's scan_string with no
 * prefix: a prefix does not move the end), adding the line breaks in it to
 * *LINES; 0 when it is never closed. */
static size_t string_end(const unsigned char *t, size_t len, size_t pos, int *lines)
{
	char q = (char)t[pos];
	bool triple = pos + 2 < len && t[pos + 1] == q && t[pos + 2] == q;
	size_t i = pos + (triple ? 3 : 1), nl;

	for (;;) {
		i = find4(t, len, i, q, '\\', '\n', '\r');
		if (i >= len)
			return 0;
		if (t[i] == '\\') {
			nl = newline_len(t, i + 1, len);
			*lines += nl > 0;
			i += 1 + (nl ? nl : 1); /* backslash-newline continues even a '...' string */
		} else if (t[i] != (unsigned char)q) {
			if (!triple)
				return 0;
			nl = newline_len(t, i, len);
			++*lines;
			i += nl;
		} else if (!triple) {
			return i + 1;
		} else if (i + 2 < len && t[i + 1] == q && t[i + 2] == q) {
			return i + 3;
		} else {
			i++;
		}
	}
}

/* Where a comment starting at I ends: its line break, or LEN. */
static size_t comment_end(const unsigned char *t, size_t len, size_t i)
{
	return find4(t, len, i, '\n', '\r', '\n', '\r');
}

/* The next byte at or after POS that may end a run of code (and a flag byte when
 * FLAGS), or LEN. The sixteen bytes last looked at and what they hold are kept in
 * *BASE and *MASK: code dense with brackets is not looked at again for each one. */
static inline size_t next_stop(const unsigned char *t, size_t len, size_t pos, bool flags, size_t *base,
			       unsigned *mask)
{
	unsigned want = flags ? PS_CODE | PS_FLAG : PS_CODE;

#if defined(__SSE2__)
	if (pos >= *base && pos < *base + 16) {
		unsigned m = *mask & (~0u << (pos - *base));

		if (m)
			return *base + (size_t)__builtin_ctz(m);
		pos = *base + 16;
	}
	for (; pos + 16 <= len; pos += 16) {
		unsigned m = code_mask(t + pos, flags);

		if (m) {
			*base = pos;
			*mask = m;
			return pos + (size_t)__builtin_ctz(m);
		}
	}
#else
	(void)base;
	(void)mask;
#endif
	while (pos < len && !(ps_class[t[pos]] & want))
		pos++;
	return pos;
}

#if defined(__SSE2__)
/* M, the stops from BASE, past the end of the one-line string whose quote is
 * M's lowest bit, when that end is one of M's bits; 0 otherwise (a triple
 * quote, a backslash, a line break or no end in sight: string_end's to read). */
static inline uint32_t past_short_string(const unsigned char *t, size_t len, size_t base, uint32_t m)
{
	size_t at = base + (size_t)__builtin_ctz(m);
	unsigned char q = t[at];

	if (at + 2 < len && t[at + 1] == q && t[at + 2] == q)
		return 0;
	/* between the quotes, a stop byte of any other kind is the string's text */
	for (m &= m - 1; m; m &= m - 1) {
		unsigned char c = t[base + (size_t)__builtin_ctz(m)];

		if (c == q)
			return m & (m - 1);
		if (c == '\\' || c == '\n' || c == '\r')
			return 0;
	}
	return 0;
}
#endif

/* Where the line from POS ends when its LF is in the thirty-two bytes from POS,
 * and before it no byte of code_mask's but brackets, each closed after it
 * opened, and strings on one line with no backslash: most imports, defs and
 * one-line bodies. The bytes' one mask is then all there is to read;
 * PRESCAN_UNSURE leaves the line to the loop. */
static inline size_t short_line_end(const unsigned char *t, size_t len, size_t pos, int *line, bool flags,
				    size_t *base, unsigned *mask)
{
#if defined(__SSE2__)
	uint32_t m;
	int depth = 0;

	if (pos + 32 > len)
		return PRESCAN_UNSURE;
	*base = pos; /* the first sixteen bytes' stops, for next_stop when this fails */
	*mask = code_mask(t + pos, flags);
	m = *mask | (uint32_t)code_mask(t + pos + 16, flags) << 16;
	while (m) {
		size_t i = pos + (size_t)__builtin_ctz(m);

		switch (t[i]) {
		case '(':
		case '[':
		case '{':
			depth++;
			break;
		case ')':
		case ']':
		case '}':
			if (--depth < 0)
				return PRESCAN_UNSURE; /* a stray close: the loop flags it */
			break;
		case '\'':
		case '"':
			if (!(m = past_short_string(t, len, pos, m)))
				return PRESCAN_UNSURE;
			continue;
		case '\n':
			if (depth > 0)
				return PRESCAN_UNSURE;
			++*line;
			return i + 1;
		default:
			return PRESCAN_UNSURE;
		}
		m &= m - 1;
	}
#else
	(void)t, (void)len, (void)pos, (void)line, (void)flags, (void)base, (void)mask;
#endif
	return PRESCAN_UNSURE;
}

/* prescan_line_end, FLAGS telling whether SEEN is wanted: one copy of the loop
 * without the flag bytes for bodies, one with them for module-level lines. */
static inline size_t line_end(const unsigned char *t, size_t len, size_t pos, int *line, unsigned *seen,
			      bool flags)
{
	int depth = 0, lines = 0;
	size_t base = SIZE_MAX - 16, nl;
	unsigned mask = 0;

	if ((nl = short_line_end(t, len, pos, line, flags, &base, &mask)) != PRESCAN_UNSURE)
		return nl;
	for (;;) {
		pos = next_stop(t, len, pos, flags, &base, &mask);
		if (pos >= len)
			break;
		switch (t[pos]) {
		case '\'':
		case '"':
			if (!(pos = string_end(t, len, pos, &lines)))
				return PRESCAN_UNSURE;
			break;
		case '#':
			pos = comment_end(t, len, pos);
			break;
		case '\\':
			nl = newline_len(t, pos + 1, len);
			pos += 1 + nl;
			lines += nl > 0;
			break;
		case '\n':
		case '\r':
			pos += newline_len(t, pos, len);
			lines++;
			if (depth == 0) {
				*line += lines;
				return pos;
			}
			break;
		case '(':
		case '[':
		case '{':
			depth++;
			pos++;
			break;
		case ')':
		case ']':
		case '}':
			if (flags && depth == 0)
				*seen |= PRESCAN_STRAY_CLOSE;
			depth -= depth > 0;
			pos++;
			break;
		case ';': /* a stop only when FLAGS */
			if (flags)
				*seen |= PRESCAN_SEMICOLON;
			pos++;
			break;
		case '=':
			if (flags && depth == 0)
				*seen |= PRESCAN_EQUALS;
			pos++;
			break;
		default: /* '|', which the sixteen-byte test lets through with '\\' */
			pos++;
		}
	}
	if (depth > 0)
		return PRESCAN_UNSURE; /* pylex: "bracket opened here is never closed" */
	*line += lines;
	return len;
}

size_t prescan_line_end(const char *text, size_t len, size_t pos, int *line, unsigned *seen)
{
	const unsigned char *t = (const unsigned char *)text;

	return seen ? line_end(t, len, pos, line, seen, true) : line_end(t, len, pos, line, NULL, false);
}

enum prescan_stop prescan_lines(const char *text, size_t len, size_t *pos, int *line, bool skim)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t at = *pos;

	while (at < len) {
		size_t i = at, end;

		while (i < len && (t[i] == ' ' || t[i] == '\t'))
			i++;
		if (i >= len) {
			at = len; /* blanks to the end: pylex reads nothing more */
			break;
		}
		if (t[i] == '\n' || t[i] == '\r' || t[i] == '#') {
			if (t[i] == '#')
				i = comment_end(t, len, i);
			at = i + newline_len(t, i, len);
			*line += at > i;
			continue;
		}
		*pos = at;
		/* a form feed resets the indentation (pylex's indent_of), and a backslash
		 * first continues the line onto the next: the first token may be anywhere */
		if (t[i] == '\f' || t[i] == '\\')
			return PRESCAN_OTHER;
		if (i == at)
			return PRESCAN_TOP;
		if (!skim)
			return PRESCAN_INDENTED;
		end = line_end(t, len, i, line, NULL, false);
		if (end == PRESCAN_UNSURE)
			return PRESCAN_OTHER;
		at = end;
	}
	*pos = at;
	return PRESCAN_END;
}

size_t prescan_line_rest(const char *text, size_t len, size_t pos, int *line)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t nl;

	while (pos < len && (t[pos] == ' ' || t[pos] == '\t' || t[pos] == '\f'))
		pos++;
	if (pos < len && t[pos] == '#')
		pos = comment_end(t, len, pos);
	if (pos >= len)
		return len;
	nl = newline_len(t, pos, len);
	if (!nl)
		return PRESCAN_UNSURE;
	++*line;
	return pos + nl;
}

/* The next byte at or after I that is Q, a backslash or a CR, or LEN, adding the
 * LFs passed to *LINES: one pass over a docstring's body. */
static size_t quote_or_unsure(const unsigned char *t, size_t len, size_t i, unsigned char q, int *lines)
{
#if defined(__SSE2__)
	for (; i + 16 <= len; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
		unsigned stop = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(eq8(x, (char)q), _mm_or_si128(eq8(x, '\\'), eq8(x, '\r'))));
		unsigned lf = (unsigned)_mm_movemask_epi8(eq8(x, '\n'));

		if (stop)
			lf &= (1u << __builtin_ctz(stop)) - 1; /* the LFs before it */
		for (; lf; lf &= lf - 1)
			++*lines;
		if (stop)
			return i + (size_t)__builtin_ctz(stop);
	}
#endif
	for (; i < len && t[i] != q && t[i] != '\\' && t[i] != '\r'; i++)
		*lines += t[i] == '\n';
	return i;
}

size_t prescan_docstring(const char *text, size_t len, size_t pos, int *line, size_t *start, size_t *end)
{
	const unsigned char *t = (const unsigned char *)text;
	unsigned char q = pos + 2 < len ? t[pos] : 0;
	int lines = 0;
	size_t close, rest;

	if ((q != '"' && q != '\'') || t[pos + 1] != q || t[pos + 2] != q)
		return PRESCAN_UNSURE;
	/* with no backslash before it, the first three quotes close the string */
	for (close = pos + 3;; close++) {
		close = quote_or_unsure(t, len, close, q, &lines);
		if (close >= len || t[close] != q)
			return PRESCAN_UNSURE; /* never closed, or a backslash or CR first */
		if (close + 2 < len && t[close + 1] == q && t[close + 2] == q)
			break;
	}
	rest = prescan_line_rest(text, len, close + 3, &lines);
	if (rest == PRESCAN_UNSURE)
		return PRESCAN_UNSURE;
	*start = pos;
	*end = close + 3;
	*line += lines;
	return rest;
}

size_t prescan_plain_string(const char *text, size_t len, size_t pos)
{
	const unsigned char *t = (const unsigned char *)text;
	char q = pos < len ? (char)t[pos] : 0;
	size_t i;

	if (q != '"' && q != '\'')
		return PRESCAN_UNSURE;
	if (pos + 2 < len && t[pos + 1] == q && t[pos + 2] == q)
		return PRESCAN_UNSURE; /* triple-quoted */
	i = find4(t, len, pos + 1, q, '\\', '\n', '\r');
	return i < len && t[i] == (unsigned char)q ? i + 1 : PRESCAN_UNSURE;
}

size_t prescan_eol(const char *text, size_t len, size_t pos)
{
	return comment_end((const unsigned char *)text, len, pos);
}

size_t prescan_ascii_end(const char *text, size_t len, size_t pos)
{
	const unsigned char *t = (const unsigned char *)text;

#if defined(__SSE2__)
	for (; pos + 16 <= len; pos += 16) { /* the high bits, sixteen at once */
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(t + pos)));

		if (m)
			return pos + (size_t)__builtin_ctz(m);
	}
#endif
	while (pos < len && t[pos] < 0x80)
		pos++;
	return pos;
}

#if defined(__SSE2__)
/* Bit i set when P[i] is not ASCII or is NUL: x - 1 sets the high bit of an
 * ASCII byte only when it is 0. */
static inline unsigned plain_mask(const unsigned char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(x, _mm_sub_epi8(x, _mm_set1_epi8(1))));
}
#endif

size_t prescan_plain_end(const char *text, size_t len, size_t pos)
{
	const unsigned char *t = (const unsigned char *)text;

#if defined(__SSE2__)
	/* sixty-four bytes a test: a whole file is looked at, and nearly always passes */
	for (; pos + 64 <= len; pos += 64)
		if (plain_mask(t + pos) | plain_mask(t + pos + 16) | plain_mask(t + pos + 32) | plain_mask(t + pos + 48))
			break;
	for (; pos + 16 <= len; pos += 16) {
		unsigned m = plain_mask(t + pos);

		if (m)
			return pos + (size_t)__builtin_ctz(m);
	}
#endif
	while (pos < len && t[pos] < 0x80 && t[pos])
		pos++;
	return pos;
}
