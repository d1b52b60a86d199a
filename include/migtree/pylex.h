/* pylex.h - just enough of Python's tokenizer to read a migration file statically.
 *
 * It splits source bytes into logical lines (brackets, backslash continuations,
 * comments and every string form handled as Python does) and decodes string
 * literals. It never evaluates anything. */
#ifndef MIGTREE_PYLEX_H
#define MIGTREE_PYLEX_H

#include <stdbool.h>
#include <stddef.h>

#include "migtree/error.h"

enum tok_kind { TOK_NAME, TOK_STRING, TOK_NUMBER, TOK_OP };

struct token {
	enum tok_kind kind;
	size_t start, end; /* byte range in the source */
	int line;          /* 1-based line of the first byte */
};

struct pylex {
	const char *text;
	size_t len, pos;
	int line;
	const char *path; /* for error messages */
};

/* One logical line: its tokens and whether it starts in column 0. */
struct logical_line {
	struct token *tok;
	size_t n, cap;
	int indent; /* width of the leading white space of its first physical line */
};

void pylex_init(struct pylex *lx, const char *text, size_t len, const char *path);
/* Read the next non-blank logical line into LL. Returns 1 with a line, 0 at the end
 * of the file, -1 on a lexical error (unterminated string or bracket). */
int pylex_line(struct pylex *lx, struct logical_line *ll, struct mt_error *err);
void logical_line_free(struct logical_line *ll);

/* True when the token's text equals S. */
bool tok_is(const struct pylex *lx, const struct token *t, const char *s);

/* The prefix letters of a string token, lower-cased (e.g. "r", "rb", ""). */
void py_string_prefix(const char *tok, size_t len, char out[4]);
/* Decode a str literal token (prefix, quotes, escapes; CRLF read as LF as Python
 * reads source). Returns a new string, or NULL with ERR set when the token is not a
 * plain str literal (bytes, f-string) or has an escape migtree cannot decode. */
char *py_string_decode(const char *tok, size_t len, const char *path, int line,
		       struct mt_error *err);

/* Python's str.strip() and str.splitlines() on UTF-8 text. */
char *py_strip(const char *s);
/* Split at Python's line boundaries; returns the number of lines, *LINES owned. */
size_t py_splitlines(const char *s, char ***lines);

#endif
