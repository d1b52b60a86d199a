/* quote.h - one escaping rule for each place text from files and configs goes.
 *
 * Migration files, configs, git refs and databases are untrusted: a message may hold
 * ESC sequences that retitle a terminal or write its clipboard (OSC 52), bidi
 * overrides that reorder what a reviewer reads, bytes that are not UTF-8. Every
 * writer of such text goes through one function here, per target, as git's quote.c
 * does: the terminal (CLI output on a tty, every error message, the explorer), JSON,
 * Graphviz DOT, Mermaid, and Python string literals in files migtree writes.
 *
 * The terminal rule: C0 controls and DEL as ^X (^[ for ESC, ^? for DEL; tab too,
 * since it moves the cursor), C1 controls as \u0080..\u009f, each byte that is not
 * UTF-8 as \xNN, and the invisible or reordering characters (bidi embeddings,
 * overrides and isolates, zero-width spaces and joiners, the BOM) as <U+202E>.
 * Everything else is printed as it is. */
#ifndef MIGTREE_QUOTE_H
#define MIGTREE_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migtree/util.h"

/* Longest escape quote_terminal_next writes, with its NUL. */
#define QUOTE_ESC_MAX 16

/* Decode the next character of S (LEN > 0 bytes). Returns how many bytes it takes;
 * ESC gets its visible escape when it must not be printed as it is, else "" (then
 * *CP is the code point, for the caller to measure). */
size_t quote_terminal_next(const char *s, size_t len, char esc[QUOTE_ESC_MAX], uint32_t *cp);
/* S escaped for a terminal, appended to SB. */
void quote_terminal(struct strbuf *sb, const char *s, size_t len);
/* Does S hold anything quote_terminal would change? */
bool quote_terminal_needed(const char *s, size_t len);

/* A JSON string with its quotes. The output is always valid UTF-8: each byte
 * that is not UTF-8 becomes \udcNN (Python's surrogateescape, so a reader can get
 * the byte back), controls become \uNNNN, and U+2028/U+2029 are escaped. */
void quote_json(struct strbuf *sb, const char *s);
/* A Graphviz DOT quoted string: \" and \\ escaped, a newline as \n (a line break
 * in a label), other controls and invalid bytes made visible as for a terminal. */
void quote_dot(struct strbuf *sb, const char *s);
/* Text inside a Mermaid quoted label: quotes and markup characters as #quot;
 * #lt; #gt; #amp;, line ends as spaces, controls made visible. */
void quote_mermaid(struct strbuf *sb, const char *s);
/* The body of a Python string literal quoted with Q (' or "), single-line: the
 * written file always parses and reads back as S. */
void quote_python(struct strbuf *sb, const char *s, char q);
/* Text inside a Python (not raw) triple-quoted docstring with Q: backslashes and
 * every Q escaped, controls other than newline as \xNN, so that the docstring
 * cannot end early and reads back as S. */
void quote_python_docstring(struct strbuf *sb, const char *s, char q);

/* A path in a diff header, PREFIX ("a/", "b/") before it, as git writes one
 * (quote_c_style with core.quotePath): as it is, or in double quotes where it
 * holds a control, a quote, a backslash or a byte past ASCII, those as \n \t
 * \" \\ ... or \ooo octal, so that a line break in a file's name cannot end
 * the header line and `git apply` or `patch` reads the name back. */
void quote_diff_path(struct strbuf *sb, const char *prefix, const char *path);

/* GitHub Actions workflow commands (`::error file=F,line=N::MESSAGE`): in the
 * message % CR LF become %25 %0D %0A; in a property also : and , (%3A %2C); other
 * controls and invalid bytes made visible as for a terminal. */
void quote_github_message(struct strbuf *sb, const char *s);
void quote_github_property(struct strbuf *sb, const char *s);

#endif
