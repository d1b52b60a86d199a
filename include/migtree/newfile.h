/* newfile.h - a new migration file, named and written as Alembic would.
 *
 * The name follows file_template (`%(rev)s_%(slug)s` by default, with the date
 * fields) and truncate_slug_length, except that a slug the id already ends with is
 * not written twice (a placeholder for the worded id 005_add_fields is
 * 005_add_fields.py); the text follows the project's script.py.mako
 * when it only uses the standard expressions, else Alembic's default template.
 * A comment under the docstring says why migtree created the file. */
#ifndef MIGTREE_NEWFILE_H
#define MIGTREE_NEWFILE_H

#include <stdbool.h>
#include <time.h>

#include "migtree/config.h"
#include "migtree/error.h"

struct new_revision {
	const char *id;
	const struct strlist *down; /* may be empty */
	const char *message;
	const char *why;            /* one sentence for the comment */
};

/* File name (no directory) and full text; both owned by the caller. */
int newfile_render(const struct mt_config *cfg, const struct new_revision *nr, char **name, char **text,
		   struct mt_error *err);
/* The message of a placeholder for the missing ID when none is given: the id's
 * own words (005_add_qec_fields: "add qec fields"), since a worded id is what its
 * lost file was called; "placeholder for missing revision" for a hex id. */
char *newfile_placeholder_message(const char *id);
/* 12 hex digits as Alembic makes them (MIGTREE_NEW_REVISION_ID overrides, for tests). */
char *newfile_new_id(void);
/* An id that Alembic accepts and that is safe in a file name. */
bool newfile_valid_id(const char *id);
/* Alembic's slug of MESSAGE: its words joined by '_', lower-cased, cut to LIMIT. */
char *newfile_slug(const char *message, int limit);
/* Python's "%(name)s"-style formatting of a file_template. */
char *newfile_format_template(const char *tpl, const char *rev, const char *slug, const struct tm *tm,
			      long long epoch, struct mt_error *err);

#endif
