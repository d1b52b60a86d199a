/* scan.h - list and read a project's migration files in Alembic's load order.
 *
 * For each version location in order, a top-down walk: a directory's file names
 * sorted, then (only with recursive_version_locations) its subdirectories sorted.
 * `__pycache__` is skipped; a name is a candidate when it ends in `.py` and does
 * not start with `__init__` or `.#`. The order matters: it breaks ties in
 * `alembic history`.
 *
 * Two things Alembic does not do, both reported as notes: directories more than
 * SCAN_MAX_DEPTH levels below a location are not read (a tree that deep is a
 * mistake or an attack, and the walk must end), and temporaries a killed save
 * left behind (save.h) are removed once they are stale. */
#ifndef MIGTREE_SCAN_H
#define MIGTREE_SCAN_H

#include "migtree/config.h"
#include "migtree/error.h"
#include "migtree/parse.h"

/* From this many files on, they are read and parsed in threads (one per CPU, at
 * most SCAN_MAX_THREADS), each into its own slot: the order is the listing's. */
#define SCAN_PARALLEL_AT 2000
#define SCAN_MAX_THREADS 16

struct source;
/* How many threads go through N files of SRC (reading, parsing, stamping). */
long scan_threads(const struct source *src, size_t n);

/* How deep below a version location the recursive walk goes. */
#define SCAN_MAX_DEPTH 64

struct file_list {
	struct revision_file **v;
	size_t n, cap;
	/* one-line notices about the walk (subdirectories holding migration files
	 * that a non-recursive location does not read), for the front ends to show */
	struct strlist notes;
};

/* Read and parse every candidate through SRC (the work tree, or a git tree at a
 * commit). A file that cannot be read or parsed is still listed (with its
 * error); only a failure to list a directory fails the call.
 *
 * With KEEP_TEXT the files keep their bytes in `text`; without, they are freed
 * once parsed (a third of the heap at 100,000 revisions). Nothing needs them
 * once parsed: an edit reads its file again (edit.c, through
 * revision_file_bytes), check --require and save re-read. `review` keeps them
 * (config_request.keep_text): it compares and merges the bytes of three trees. */
int scan_project_from(struct source *src, const struct mt_config *cfg, bool keep_text, struct file_list *out,
		      struct mt_error *err);
/* The same through the work tree, keeping no text. */
int scan_project(const struct mt_config *cfg, struct file_list *out, struct mt_error *err);
void file_list_free(struct file_list *fl);

/* The bytes of RF, a file scan_project_from read through SRC, read again (owned,
 * NUL-terminated): what an edit splices and a save writes, now that files need
 * not keep their text. -1 with ERR ("changed on disk ...") when the file can no
 * longer be read, or when its bytes no longer read as RF (values, their spans,
 * the docstring: revision_file_reads_same; the very bytes while RF keeps its
 * text), so that spans taken from RF never cut into other bytes. */
int revision_file_bytes(const struct revision_file *rf, struct source *src, char **bytes, size_t *len,
			struct mt_error *err);

/* Alembic's candidate rule for a file name. */
bool scan_is_candidate(const char *name);
/* Path as the user should see it: relative to the current directory when below it. */
char *scan_display_path(const char *abs);

#endif
