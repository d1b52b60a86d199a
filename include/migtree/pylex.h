/* pylex.h - just enough of Python's tokenizer to read a migration file statically.
 *
 * It splits source bytes into logical lines (brackets, backslash continuations,
 * comments and every string form handled as Python does) and decodes string
 * literals. It never evaluates anything. */
#ifndef MIGTREE_PYLEX_H
#define MIGTREE_PYLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migtree/error.h"

enum tok_kind { TOK_NAME, TOK_STRING, TOK_NUMBER, TOK_OP };

struct token {
	enum tok_kind kind;
	uint32_t start, end; /* byte range in the source (files are at most 16 MiB) */
	int line;            /* 1-based line of the first byte */
};

/* The source encodings migtree decodes (PEP 263 coding lines): all keep ASCII
 * bytes as ASCII, so tokens are found in the file's own bytes and only the
 * bytes of a token are decoded. */
enum py_encoding { PY_ENC_UTF8, PY_ENC_LATIN1, PY_ENC_CP1252, PY_ENC_ASCII };

struct logical_line;

struct pylex {
	const char *text;
	size_t len, pos;
	int line;
	const char *path; /* for error messages */
	size_t begin;     /* where the source starts (after a BOM) */
	enum py_encoding enc;
	/* The fast path: a logical line whose first token is indented is skimmed
	 * (strings, brackets, comments and continuations followed byte for byte as
	 * the full lexer follows them, so it ends on the same byte, counts the same
	 * lines and fails with the same error) instead of tokenised; pylex_line then
	 * returns 2 with no tokens and the line's indent. The parser sets it where an
	 * indented line cannot matter (a function body), and reads the same either way. */
	bool skim_indented;
	/* A long logical line: once it holds LONG_LINE tokens (0: never), ON_LONG is
	 * called with it, and again every LONG_LINE tokens while it returns true. It
	 * may drop tokens it has read (ll->n shrinks; the first three stay), so that a
	 * 16 MiB list is not held as 16-byte tokens (parse.c's stream). */
	size_t long_line;
	bool (*on_long)(void *ctx, struct logical_line *ll);
	void *ctx;
};

/* One logical line: its tokens and whether it starts in column 0. */
struct logical_line {
	struct token *tok;
	size_t n, cap;
	int indent; /* width of the leading white space of its first physical line */
	size_t call_at; /* on_long is called when n reaches this */
};

void pylex_init(struct pylex *lx, const char *text, size_t len, const char *path);
/* Read the next non-blank logical line into LL. Returns 1 with a line, 0 at the end
 * of the file, -1 on a lexical error (unterminated string or bracket), and 2 for an
 * indented line skimmed without tokens (see skim_indented). */
int pylex_line(struct pylex *lx, struct logical_line *ll, struct mt_error *err);
void logical_line_free(struct logical_line *ll);

/* True when the token's bytes equal S: operators and keywords, which Python
 * matches on the bytes as written (`ｉｆ` is a name, not `if`). */
static inline bool tok_is(const struct pylex *lx, const struct token *t, const char *s)
{
	size_t n = t->end - t->start;
	const char *b = lx->text + t->start;

	/* called for every token against keyword lists: reject on the first byte, and
	 * inline, since a call per comparison was an eighth of the parse */
	if (n == 0 || b[0] != s[0])
		return false;
	for (size_t i = 1; i < n; i++)
		if (b[i] != s[i] || !s[i])
			return false;
	return s[n] == '\0';
}
/* A name token's identifier as Python reads it: decoded from the file's encoding
 * and NFKC-normalised where that gives ASCII (`ｄown_revision` is `down_revision`);
 * characters whose NFKC form is not ASCII stay as written, which is all matching
 * against ASCII names needs. A new string. */
char *tok_name(const struct pylex *lx, const struct token *t);
/* True when the name token T is the identifier S (tok_name(T) equals S). */
bool tok_name_is(const struct pylex *lx, const struct token *t, const char *s);

/* Bytes in encoding ENC as a new NUL-terminated UTF-8 string. */
char *py_to_utf8(const char *s, size_t n, enum py_encoding enc);
/* The PEP 263 coding line of TEXT (line 1, or line 2 after a comment or blank
 * line), as Python finds it: *ENC set (UTF-8 without one); -1 with ERR for a
 * coding migtree does not decode, or one other than UTF-8 after a BOM. */
int py_coding(const char *text, size_t len, bool bom, const char *path, enum py_encoding *enc,
	      struct mt_error *err);

/* The prefix letters of a string token, lower-cased (e.g. "r", "rb", ""). */
void py_string_prefix(const char *tok, size_t len, char out[4]);
/* Decode a str literal token, UTF-8 (prefix, quotes, escapes; CRLF and CR read
 * as LF as Python reads source). Returns a new string, or NULL with ERR set when
 * the token is not a plain str literal (bytes, f-string), has an escape migtree
 * cannot decode, or holds a NUL character (`\x00`: Python's value has it, and
 * migtree's C strings would silently cut it). */
char *py_string_decode(const char *tok, size_t len, const char *path, int line,
		       struct mt_error *err);

/* Python's str.strip() and str.splitlines() on UTF-8 text. */
char *py_strip(const char *s);
/* The same of S[0..N), no copy: the stripped bytes are [*START, *END). */
void py_strip_span(const char *s, size_t n, size_t *start, size_t *end);
/* Split at Python's line boundaries; returns the number of lines, *LINES owned. */
size_t py_splitlines(const char *s, char ***lines);

#endif
