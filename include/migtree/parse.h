/* parse.h - one migration file's bytes -> what Alembic would read from it.
 *
 * parse_revision_file() reads the module-level `revision`, `down_revision`,
 * `branch_labels` and `depends_on` assignments and the module docstring without
 * running anything, and records the byte span of every value so that a repair can
 * rewrite exactly those bytes. A file it cannot read as Alembic would is not an
 * error of the call: the file comes back with `error` set (line and message). */
#ifndef MIGTREE_PARSE_H
#define MIGTREE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "migtree/error.h"
#include "migtree/util.h"

/* The largest file migtree reads; a migration over this is not a migration. */
#define MT_MAX_FILE_SIZE (16u * 1024u * 1024u)

struct mt_span {
	size_t start, end; /* byte range [start, end) in the file */
	int line;          /* line of START */
};

enum value_kind {
	VALUE_ABSENT,   /* no assignment */
	VALUE_NONE,     /* None */
	VALUE_STRING,   /* one string literal */
	VALUE_SEQUENCE, /* a tuple or list of string literals (maybe empty) */
};

struct py_value {
	enum value_kind kind;
	struct strlist items; /* the strings, in order */
	struct mt_span *item_spans; /* each item's bytes (its string tokens) */
	struct mt_span span;  /* the whole value expression */
	int line;             /* line of the assignment's name */
	char quote;           /* quote character of the first string ('\'' or '"'), 0 if none */
};

/* One of the docstring's header lines ("Revises: a, b"). */
struct doc_field {
	char *value;         /* text after the colon, stripped; NULL when absent */
	struct mt_span span; /* the raw value bytes on that line */
};

struct revision_file {
	char *path;        /* path as shown to the user */
	char *real_path;   /* absolute, symlinks resolved (what Alembic prints) */
	char *name;        /* base name of the file */
	char *text;        /* the file's bytes (owned), NUL-terminated */
	size_t len;
	bool crlf;         /* the file's lines end in CRLF */
	char *revision;    /* effective id: the variable, or a legacy hex file name */
	struct py_value rev, down, labels, deps;
	bool has_doc;
	char *longdoc;     /* docstring, stripped (Alembic's `longdoc`) */
	char *message;     /* first paragraph (Alembic's `doc`) */
	struct mt_span doc_span;
	int doc_line;
	struct doc_field doc_revision_id, doc_revises, doc_create_date;
	/* Set when the file cannot be read as Alembic would: the line and why. */
	char *error;
	int error_line;
	size_t load_index; /* position in Alembic's load order */
};

/* Parse TEXT (LEN bytes, copied) of the file at PATH. Always returns a file; a
 * file Alembic could not load has `error` set. */
struct revision_file *parse_revision_file(const char *path, const char *text, size_t len);
void revision_file_free(struct revision_file *rf);
/* A file that could not be read at all (permissions, size): only its error. */
struct revision_file *revision_file_failed(const char *path, int line, const char *message);

/* Alembic's legacy rule: a file named only of hex digits + ".py" names its id. */
bool legacy_revision_name(const char *name, char **id);

#endif
