/* prescan.h - a migration's lines that need no tokens, followed byte by byte.
 *
 * Nearly every byte of a migration is in a function body, an import or the
 * module docstring; nothing in them changes what Alembic reads (parse.c says
 * which lines these are). The prescan finds where such lines end with byte loops
 * (SSE2 where there is, memchr) that stop only at what decides a logical line's
 * end: quotes, comments, backslashes, line breaks and brackets. It reads no values
 * and knows no Python names: parse.c asks, at a logical line's start, where the line
 * ends, and reads the few lines it needs from the bytes or through pylex.
 *
 * Its contract is pylex's: a line ends on the byte pylex_line would end it on,
 * with as many line breaks counted (CRLF, CR and LF, as Python counts them).
 * Where pylex would fail (an unterminated string, a bracket never closed) or the
 * prescan is not sure (a form feed in an indentation), it says so, and the line
 * is pylex's: its errors stay the one reference. */
#ifndef MIGTREE_PRESCAN_H
#define MIGTREE_PRESCAN_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* What prescan_line_end saw outside strings and comments. */
enum {
	PRESCAN_SEMICOLON = 1, /* a `;`: more than one statement */
	PRESCAN_EQUALS = 2,    /* a `=` byte outside brackets (maybe of `==`, `+=`...) */
	/* a closing bracket with none open: pylex goes on at depth 0, but parse.c's
	 * find_top counts below it, and a later `=` inside brackets may be at its 0 */
	PRESCAN_STRAY_CLOSE = 4,
};

/* Length of the line break at T[POS]: CRLF, CR or LF, as Python's universal
 * newlines read source; 0 when there is none. pylex's rule and the prescan's. */
static inline size_t py_newline_len(const char *t, size_t pos, size_t len)
{
	if (pos >= len)
		return 0;
	if (t[pos] == '\n')
		return 1;
	if (t[pos] == '\r')
		return pos + 1 < len && t[pos + 1] == '\n' ? 2 : 1;
	return 0;
}

/* Returned where the prescan leaves a line to pylex. */
#define PRESCAN_UNSURE ((size_t)-1)

/* The end of the logical line that goes on at POS of TEXT (LEN bytes, LEN the
 * end of the source): the offset just past its final line break, or LEN. Adds
 * the line breaks passed to *LINE and the PRESCAN_* flags seen to *SEEN (NULL:
 * none wanted, and bodies go faster). PRESCAN_UNSURE when pylex would fail on it. */
size_t prescan_line_end(const char *text, size_t len, size_t pos, int *line, unsigned *seen);

/* Where prescan_lines stopped. */
enum prescan_stop {
	PRESCAN_END,      /* the end of the source */
	PRESCAN_TOP,      /* a line whose first byte is its first token's (column 0) */
	PRESCAN_INDENTED, /* an indented line, not to be skimmed (SKIM false) */
	PRESCAN_OTHER,    /* a line left to pylex: a form feed or backslash before its
			   * first token, or a string or bracket pylex would fail on */
};

/* From POS, the start of a physical line: pass over blank lines, comment lines
 * and, when SKIM, every logical line whose first token is indented. Sets *POS to
 * the start of the physical line it stopped at (or LEN) and adds the line breaks
 * passed to *LINE. */
enum prescan_stop prescan_lines(const char *text, size_t len, size_t *pos, int *line, bool skim);

/* A docstring line at POS (column 0): a triple-quoted string with no prefix, no
 * backslash and no CR, then only blanks or a comment to the line's end. Returns
 * the offset past the line's break (or LEN), the token's bytes in
 * [*START, *END) and the line breaks passed added to *LINE; PRESCAN_UNSURE when
 * the line is any other. The string's value is its bytes between the quotes. */
size_t prescan_docstring(const char *text, size_t len, size_t pos, int *line, size_t *start, size_t *end);

/* The rest of a line from POS, after the statement it read: blanks, then maybe a
 * comment, then a line break or the end. Returns the offset past the break (or
 * LEN), adding it to *LINE; PRESCAN_UNSURE when anything else follows. */
size_t prescan_line_rest(const char *text, size_t len, size_t pos, int *line);

/* A plain string literal at POS: a quote, no backslash, no line break, the same
 * quote (not triple). Returns the offset past it, or PRESCAN_UNSURE. */
size_t prescan_plain_string(const char *text, size_t len, size_t pos);

/* The first CR or LF at or after POS, or LEN. */
size_t prescan_eol(const char *text, size_t len, size_t pos);

#if defined(__SSE2__)
/* Bit i set when P[i] is an ASCII letter, digit or `_`. */
static inline unsigned prescan_name_mask(const unsigned char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	/* a byte in [LO, LO + N) as a signed compare: shifted to start at -128 */
	__m128i letter = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8(128 - 'a')),
					_mm_set1_epi8(-128 + 26));
	__m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(128 - '0')), _mm_set1_epi8(-128 + 10));

	return (unsigned)_mm_movemask_epi8(
		_mm_or_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(x, _mm_set1_epi8('_'))));
}
#endif

/* The first byte at or after POS that is no ASCII letter, digit or `_`, or LEN:
 * where a name that starts there ends, sixteen bytes at a time. Inline: parse.c
 * asks it at every module-level line's start, of a name a few bytes long. */
static inline size_t prescan_name_end(const char *text, size_t len, size_t pos)
{
	const unsigned char *t = (const unsigned char *)text;

#if defined(__SSE2__)
	for (; pos + 16 <= len; pos += 16) {
		unsigned m = ~prescan_name_mask(t + pos) & 0xFFFFu;

		if (m)
			return pos + (size_t)__builtin_ctz(m);
	}
#endif
	/* c | 0x20 folds A-Z onto a-z and sends no other byte there */
	while (pos < len && ((unsigned)((t[pos] | 0x20) - 'a') < 26 || (unsigned)(t[pos] - '0') < 10 || t[pos] == '_'))
		pos++;
	return pos;
}

/* The first byte at or after POS that is not ASCII, or LEN. */
size_t prescan_ascii_end(const char *text, size_t len, size_t pos);

/* The first byte at or after POS that is not ASCII or is NUL, or LEN: a whole
 * file checked for both in one pass. */
size_t prescan_plain_end(const char *text, size_t len, size_t pos);

#endif
