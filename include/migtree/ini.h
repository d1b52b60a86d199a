/* ini.h - the subset of Python's configparser that alembic.ini files use.
 *
 * Sections, `key = value` / `key: value`, indented continuation lines, full-line
 * `#`/`;` comments, case-insensitive keys, a DEFAULT section, and BasicInterpolation
 * (`%(name)s`, `%%`) with `here` predefined as Alembic does. Unlike configparser,
 * one value's interpolation has a budget (1 MiB of output, 100,000 substitutions):
 * a fan-out of references would otherwise run for minutes. */
#ifndef MIGTREE_INI_H
#define MIGTREE_INI_H

#include "migtree/error.h"

#include "migtree/util.h"

struct ini_entry {
	char *section, *key, *value;
	int line;
	/* the file line of each line of VALUE (continuations skip comment lines,
	 * so line + k is not always right) */
	int *lines;
	size_t nlines, cap_lines;
};

struct ini {
	char *path;
	struct ini_entry *e;
	size_t n, cap;
	/* every section header seen: configparser keeps a section that has no keys,
	 * and Flask-Migrate's alembic.ini has an empty [alembic] */
	struct strlist sections;
};

int ini_load(struct ini *ini, const char *path, struct mt_error *err);
/* The same from TEXT (LEN bytes) already read, e.g. from a git tree; PATH names
 * it in errors. */
int ini_parse(struct ini *ini, const char *path, const char *text, size_t len, struct mt_error *err);
void ini_free(struct ini *ini);
int ini_has_section(const struct ini *ini, const char *section);
/* The raw (not interpolated) entry for KEY in SECTION, else in DEFAULT; NULL when absent. */
const struct ini_entry *ini_find(const struct ini *ini, const char *section, const char *key);
/* The interpolated value of KEY in SECTION (falling back to DEFAULT), with `here`
 * set to HERE. *OUT is NULL when the key is absent; owned by the caller. */
int ini_get(const struct ini *ini, const char *section, const char *key, const char *here,
	    char **out, struct mt_error *err);

#endif
