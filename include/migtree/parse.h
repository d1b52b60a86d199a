/* parse.h - one migration file's bytes -> what Alembic would read from it.
 *
 * parse_revision_file() reads the module-level `revision`, `down_revision`,
 * `branch_labels` and `depends_on` assignments and the module docstring without
 * running anything, and records the byte span of every value so that a repair can
 * rewrite exactly those bytes. A file it cannot read as Alembic would is not an
 * error of the call: the file comes back with `error` set (line and message).
 *
 * A value may name what only running a file could tell (`(cli.EXPAND_BRANCH,)`,
 * `depends_on = DEPS`). The parser records such names as references, with the
 * file's module-level bindings and imports, and leaves them to resolve.c; `ids`
 * is Alembic's reading of a value once everything in it is known. */
#ifndef MIGTREE_PARSE_H
#define MIGTREE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migtree/error.h"
#include "migtree/strmap.h"
#include "migtree/util.h"

/* The largest file migtree reads; a migration over this is not a migration. */
#define MT_MAX_FILE_SIZE (16u * 1024u * 1024u)
/* The most ids one value may name (down_revision, branch_labels, depends_on):
 * a merge of more is no hand-written migration, and each named id that no file
 * defines becomes a revision of its own (a 16 MiB tuple: 1.5 million). */
#define MT_MAX_VALUE_IDS 10000u

struct mt_span {
	uint32_t start, end; /* byte range [start, end) in the file (at most 16 MiB) */
	int line;            /* line of START */
};

enum value_kind {
	VALUE_ABSENT,   /* no assignment */
	VALUE_NONE,     /* None */
	VALUE_STRING,   /* one string literal */
	VALUE_SEQUENCE, /* a tuple or list of string literals (maybe empty) */
	VALUE_REF,      /* a (dotted) name: items.v[0] is its text */
	VALUE_EXPR,     /* any other expression (a call, an operator): `expr` */
};

/* What few values hold (references, expressions, what resolving could not
 * tell, a sequence's item spans): apart, so that the common value stays small. */
struct py_value_extra {
	/* Each item's bytes; NULL when the value has at most one item and it is the
	 * whole value (`'ab12'`, the usual id): its span is the value's (pv_item_span). */
	struct mt_span *item_spans;
	bool *item_is_ref;    /* per item: a (dotted) name, not a string; NULL when none is */
	char *expr;           /* VALUE_EXPR: the expression's source text */
	/* UNKNOWN lists the names or expressions nothing could tell. */
	struct strlist unknown;     /* expressions as written */
	struct strlist unknown_why; /* for each: what was tried */
	char *resolved_from;  /* where a reference's value was found ("cli.py:12", "--define") */
};

struct py_value {
	enum value_kind kind;
	int line;             /* line of the assignment's name */
	struct strlist items; /* the strings, in order; pv_item_span has each one's bytes */
	struct mt_span span;  /* the whole value expression */
	char quote;           /* quote character of the first string ('\'' or '"'), 0 if none */
	/* Alembic's reading of the value (None/""/() collapsed as Revision does), once
	 * resolved. */
	struct strlist ids;
	/* The rarely set fields (owned), NULL while none is: read them through the
	 * pv_* accessors, set them through py_value_extra(). */
	struct py_value_extra *x;
};

/* V's extra fields, made (all unset) on first use. */
struct py_value_extra *py_value_extra(struct py_value *v);

static inline bool pv_has_refs(const struct py_value *v)
{
	return v->x && v->x->item_is_ref;
}

/* Whether item I is a (dotted) name, not a string. */
static inline bool pv_item_is_ref(const struct py_value *v, size_t i)
{
	return v->x && v->x->item_is_ref && v->x->item_is_ref[i];
}

/* The bytes of item I (I < items.n): its string tokens. */
static inline struct mt_span pv_item_span(const struct py_value *v, size_t i)
{
	return v->x && v->x->item_spans ? v->x->item_spans[i] : v->span;
}

static inline const char *pv_expr(const struct py_value *v)
{
	return v->x ? v->x->expr : NULL;
}

static inline size_t pv_n_unknown(const struct py_value *v)
{
	return v->x ? v->x->unknown.n : 0;
}

/* The K-th expression nothing could tell, and what was tried (K < pv_n_unknown). */
static inline const char *pv_unknown(const struct py_value *v, size_t k)
{
	return v->x->unknown.v[k];
}

static inline const char *pv_unknown_why(const struct py_value *v, size_t k)
{
	return v->x->unknown_why.v[k];
}

static inline const char *pv_resolved_from(const struct py_value *v)
{
	return v->x ? v->x->resolved_from : NULL;
}

/* A module-level `NAME = value` (annotated too). COUNT > 1, or an assignment in a
 * block, makes the name's value depend on running the file. */
struct py_binding {
	char *name;
	struct py_value value;
	int count;
	bool in_block;
};

/* `import a.b.c [as x]` (ATTR NULL) or `from a.b import c [as x]`. */
struct py_import {
	char *alias;  /* the name bound in the importing module */
	char *module; /* dotted module path (relative imports keep their dots) */
	char *attr;   /* the imported attribute, or NULL */
	int line;
};

/* What a module binds at its top level, as far as reading tells. */
struct py_module {
	struct py_binding *bindings;
	size_t n_bindings, cap_bindings;
	struct strmap by_name; /* name -> bindings index, once there are many */
	struct py_import *imports;
	size_t n_imports, cap_imports;
};

/* One of the docstring's header lines ("Revises: a, b"). */
struct doc_field {
	char *value;         /* text after the colon, stripped; NULL when absent */
	struct mt_span span; /* the raw value bytes on that line */
};

struct revision_file {
	char *path;        /* path as shown to the user */
	/* Absolute, symlinks resolved (what Alembic prints). Owned by the file: on
	 * its own, or in its block once packed (real_path_packed), where `path`
	 * shares its tail when it is one. Replace it with revision_file_set_real_path. */
	char *real_path;
	char *name;        /* base name of the file: the tail of `path`, no bytes of its own */
	char *text;        /* the file's bytes (owned), NUL-terminated */
	/* NULL for UTF-8; else the PEP 263 coding ("latin-1", "cp1252", "ascii") its
	 * values were decoded from. Spans still count the file's own bytes, and an
	 * edit is kept only when the new bytes read back as the value asked for. */
	char *encoding;
	char *revision;    /* effective id: the variable, or a legacy hex file name */
	struct py_value rev, down;
	/* branch_labels and depends_on ([RF_LABELS], [RF_DEPS]): read them through
	 * rf_labels / rf_deps (rf_label_ids / rf_dep_ids), change them through
	 * rf_value_mut. Nearly every file has both None (or absent): two values of
	 * 64 bytes that hold nothing but where they are. So while both are
	 * plain (rf_value_is_plain) `more` is NULL and `plain` and `plain_kind`
	 * hold all there is of them (100k files: 9 MB fewer); else `more` (owned)
	 * holds both and `plain` is unused. */
	struct py_value *more;
	struct py_plain_value {
		struct mt_span span;
		int line;
	} plain[2];
	/* The docstring, stripped (Alembic's `longdoc`); read it through
	 * revision_file_longdoc: NULL when it is Alembic's template filled with
	 * `message` and the header fields (longdoc_rebuilt; most files), as the
	 * fast reading finds it or revision_file_pack does, a hundred bytes a file
	 * not kept. */
	char *longdoc;
	char *message;     /* first paragraph (Alembic's `doc`) */
	struct mt_span doc_span;
	int doc_line;
	struct doc_field doc_revision_id, doc_revises, doc_create_date;
	/* Set when the file cannot be read as Alembic would: the line and why. */
	char *error;
	int error_line;
	uint32_t load_index; /* position in Alembic's load order (by error_line: 496 -> 488 bytes a file) */
	/* The flags one bit each, with plain_kind and len in one word: 520 -> 488
	 * bytes a file, then 368 -> 352. */
	bool crlf : 1;         /* the file's lines end in CRLF */
	bool has_doc : 1;
	bool needs_resolve : 1;      /* a value holds a reference (resolve.c fills `ids`) */
	bool values_packed : 1; /* revision_file_pack packed the values' items and ids (small ones) */
	bool real_path_packed : 1; /* real_path is in the block */
	bool longdoc_rebuilt : 1;  /* longdoc is not kept: revision_file_longdoc rebuilds it */
	/* After revision_file_pack: one block holding path, real_path, name, encoding,
	 * revision, longdoc, message, the header fields' values and error, which point
	 * into it, and the values' lists when values_packed. It follows the file in
	 * the file's own allocation (revision_file_block): freed with it. */
	bool packed : 1;
	/* Read into a parse_scratch (parse_revision_file_lent): the file is the
	 * scratch's, and so are those of its strings and lists that fit there,
	 * until revision_file_pack or revision_file_keep moves it out. */
	bool lent : 1;
	uint8_t plain_kind[2]; /* while `more` is NULL: VALUE_NONE or VALUE_ABSENT */
	uint32_t len;          /* of `text`: at most MT_MAX_FILE_SIZE but in a file that says so */
	struct py_module *module; /* other module-level names, for references (owned; a
	                           * scanned file that needs no resolving keeps none: scan.c) */
};

/* A packed file's block (revision_file_pack), or NULL. */
static inline const char *revision_file_block(const struct revision_file *rf)
{
	return rf->packed ? (const char *)(rf + 1) : NULL;
}

enum { RF_LABELS, RF_DEPS };

/* Whether V is all a plain value keeps: None or absent, nothing resolved. */
static inline bool rf_value_is_plain(const struct py_value *v)
{
	return (v->kind == VALUE_NONE || v->kind == VALUE_ABSENT) && !v->items.n && !v->ids.n && !v->x &&
	       !v->quote;
}

/* RF's branch_labels (RF_LABELS) or depends_on (RF_DEPS): a copy whose lists
 * and extra are RF's, valid while RF is unchanged (never freed through it). */
static inline struct py_value rf_value(const struct revision_file *rf, int which)
{
	const struct py_plain_value *pl = &rf->plain[which];

	if (rf->more)
		return rf->more[which];
	return (struct py_value){ .kind = (enum value_kind)rf->plain_kind[which], .line = pl->line, .span = pl->span };
}

static inline struct py_value rf_labels(const struct revision_file *rf)
{
	return rf_value(rf, RF_LABELS);
}

static inline struct py_value rf_deps(const struct revision_file *rf)
{
	return rf_value(rf, RF_DEPS);
}

/* Alembic's reading of RF's branch_labels / depends_on (rf_value's `ids`). */
static inline const struct strlist *rf_value_ids(const struct revision_file *rf, int which)
{
	static const struct strlist none;

	return rf->more ? &rf->more[which].ids : &none;
}

static inline const struct strlist *rf_label_ids(const struct revision_file *rf)
{
	return rf_value_ids(rf, RF_LABELS);
}

static inline const struct strlist *rf_dep_ids(const struct revision_file *rf)
{
	return rf_value_ids(rf, RF_DEPS);
}

/* What nothing could tell in RF's branch_labels / depends_on (pv_n_unknown,
 * pv_unknown): a plain value has none. */
static inline size_t rf_n_unknown(const struct revision_file *rf, int which)
{
	return rf->more ? pv_n_unknown(&rf->more[which]) : 0;
}

static inline const char *rf_unknown(const struct revision_file *rf, int which, size_t k)
{
	return pv_unknown(&rf->more[which], k);
}

/* RF's branch_labels / depends_on to change in place: both move to `more`
 * first when they are plain. Not for a packed file (its lists are its block's). */
struct py_value *rf_value_mut(struct revision_file *rf, int which);
/* Back to `plain` when both values are plain again (after a parse, a resolve). */
void rf_values_settle(struct revision_file *rf);

/* Parse TEXT (LEN bytes, copied) of the file at PATH. Always returns a file; a
 * file Alembic could not load has `error` set. */
struct revision_file *parse_revision_file(const char *path, const char *text, size_t len);

/* How parse_revision_file_with reads and what it keeps. */
enum {
	/* Tokenise every line, function bodies included: the reference reading the
	 * fast path (the default) must equal on every input (tests/fuzz/fuzz_parse.c). */
	PARSE_FULL = 1,
	/* `text` is TEXT itself (NUL-terminated, LEN bytes, now owned by the file),
	 * not a copy; the scanner hands over what it read instead of copying it. */
	PARSE_ADOPT_TEXT = 2,
	/* A file that needs no resolving keeps no `module` (NULL): only resolve.c
	 * reads a file's other names. What the scanner wants. */
	PARSE_DROP_MODULE = 4,
};
struct revision_file *parse_revision_file_with(const char *path, char *text, size_t len, unsigned flags);
/* The same, a long module-level `NAME = [...]` read as it is lexed once its logical
 * line holds STREAM_TOKENS tokens (0: never), its items parsed and their tokens
 * dropped, so that a 16 MiB list is not held as tokens. It reads to the same file
 * as PARSE_FULL: parse_revision_file_with streams past 65536 tokens (never with
 * PARSE_FULL), tests and the fuzz target from a few tokens on, to compare. */
struct revision_file *parse_revision_file_streamed(const char *path, char *text, size_t len, unsigned flags,
						   size_t stream_tokens);

/* Where one scan thread reads its files (parse_revision_file_lent): room for the
 * file and for the strings and lists a migration holds, used again for each
 * file, so that reading one makes no allocation before it is packed. */
struct parse_scratch;
struct parse_scratch *parse_scratch_new(void);
void parse_scratch_free(struct parse_scratch *scratch);
/* parse_revision_file_with, reading into SCRATCH: the file returned is lent
 * (`lent`), valid until SCRATCH reads another. Move it out with
 * revision_file_pack, revision_file_pack_real or revision_file_keep before then
 * (or let it go with revision_file_free); docstring_complete may read it first. */
struct revision_file *parse_revision_file_lent(const char *path, char *text, size_t len, unsigned flags,
					       struct parse_scratch *scratch);
/* A lent file moved out of its scratch into allocations of its own, unpacked: RF
 * itself when it is not lent. Returns the file, moved (RF is no longer valid). */
struct revision_file *revision_file_keep(struct revision_file *rf) __attribute__((warn_unused_result));

/* What one reading took: tests bound the work of the fast path with it. */
struct parse_work {
	size_t lexed_lines; /* logical lines pylex read (tokenised or skimmed), not the prescan */
};
/* parse_revision_file_with, counting into WORK. */
struct revision_file *parse_revision_file_work(const char *path, char *text, size_t len, unsigned flags,
					       struct parse_work *work);

/* Whether A and B read the same: every value, item, span, line, the docstring
 * and its header fields, the error and the module's bindings and imports (not
 * paths, text or what resolve.c adds later). */
bool revision_file_same(const struct revision_file *a, const struct revision_file *b);
/* Whether A and B hold the same values as written, at the same spans, and the
 * same docstring: what an edit splices by. Unlike revision_file_same it ignores
 * what resolve.c fills in (ids, errors), so a scanned, resolved file compares
 * with a fresh parse of its bytes. */
bool revision_file_reads_same(const struct revision_file *a, const struct revision_file *b);
/* Frees RF and what it owns; a lent file's scratch is left to read the next. */
void revision_file_free(struct revision_file *rf);
/* Give RF the real path REAL (owned; NULL for none), freeing the one it had
 * unless that one is packed. */
void revision_file_set_real_path(struct revision_file *rf, char *real);
/* Move RF's own strings (path, real_path, name, encoding, revision, longdoc, message, the
 * header fields' values, error) and, unless they are long, its values' items
 * and ids into one block after the file, in its allocation, each distinct
 * string once (a template docstring not at all: revision_file_longdoc): one
 * allocation instead of twenty. Returns the file, moved (RF is no longer valid).
 * A file whose strings are huge stays as it is (a lent one is kept:
 * revision_file_keep). Call it once nothing will replace or grow them: a file that needs no resolving (resolve.c sets `revision`, `error` and
 * `ids` of the others), after docstring_complete. */
struct revision_file *revision_file_pack(struct revision_file *rf) __attribute__((warn_unused_result));
/* The same, and RF's real path becomes REAL (borrowed: copied into the block,
 * or, when RF is not packed, copied on its own), in place of the one it had:
 * a scan's listing has the string, not made and freed a file to be packed. */
struct revision_file *revision_file_pack_real(struct revision_file *rf, const char *real)
	__attribute__((warn_unused_result));
/* RF's docstring: `longdoc`, or (longdoc_rebuilt) the template filled with its
 * message and header fields, written into BUF (emptied first; the caller frees
 * it). Valid while RF and BUF are unchanged. */
const char *revision_file_longdoc(const struct revision_file *rf, struct strbuf *buf);
/* A file that could not be read at all (permissions, size): only its error. */
struct revision_file *revision_file_failed(const char *path, int line, const char *message);

/* Read the module-level bindings and imports of any Python source (a module a
 * migration imports a constant from). Returns -1 with ERR on a lexical error. */
int parse_python_module(const char *path, const char *text, size_t len, struct py_module *mod,
			struct mt_error *err);
void py_module_free(struct py_module *mod);
/* The binding of NAME, or NULL. */
const struct py_binding *py_module_binding(const struct py_module *mod, const char *name);
/* The import that binds ALIAS, or NULL. */
const struct py_import *py_module_import(const struct py_module *mod, const char *alias);
void py_value_free(struct py_value *v);
/* Fill V->ids from V's literal items as Alembic's Revision reads FIELD
 * ("down_revision", "depends_on", "branch_labels" or "revision"). */
void py_value_collapse(struct py_value *v, const char *field);

/* Alembic's legacy rule: a file named only of hex digits + ".py" names its id. */
bool legacy_revision_name(const char *name, char **id);

#endif
