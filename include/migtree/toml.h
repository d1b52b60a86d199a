/* toml.h - read one table of a pyproject.toml (strings, booleans, integers and
 * arrays of strings), enough for Alembic's [tool.alembic]. The whole file is
 * checked as TOML (see toml.c): a syntax error fails with its file and line. */
#ifndef MIGTREE_TOML_H
#define MIGTREE_TOML_H

#include <stdbool.h>

#include "migtree/error.h"
#include "migtree/util.h"

struct toml_table {
	bool found;
	struct strlist keys, values; /* scalar values as text */
	struct strlist list_keys;    /* arrays: key i's items are lists[i] */
	struct strlist *lists;
	int **item_lines;            /* the file line of each item of lists[i] */
	size_t nlists, cap, cap_lines;
};

int toml_load_table(const char *path, const char *table, struct toml_table *t, struct mt_error *err);
/* The same from TEXT (NUL-terminated) already read; PATH names it in errors. */
int toml_parse_table(const char *path, const char *text, const char *table, struct toml_table *t,
		     struct mt_error *err);
void toml_table_free(struct toml_table *t);
const char *toml_get(const struct toml_table *t, const char *key);
/* Copy the array KEY into OUT; false when there is no such array. */
bool toml_get_list(const struct toml_table *t, const char *key, struct strlist *out);
/* The array KEY in place, with the line of each item; false when there is none. */
bool toml_find_list(const struct toml_table *t, const char *key, const struct strlist **items,
		    const int **lines);

#endif
