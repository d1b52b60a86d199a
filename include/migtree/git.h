/* git.h - run git, read-only, without a shell, and read its objects.
 *
 * Every question migtree asks git (which files are published, what a branch
 * holds) goes through here, so that three rules hold everywhere:
 * - git is executed directly (posix_spawnp, no shell): refs and paths from the
 *   user or from a repository are arguments, never command text;
 * - nothing is written: `git --no-optional-locks --literal-pathspecs -C DIR`
 *   with GIT_OPTIONAL_LOCKS=0, and only commands that read (rev-parse, ls-tree,
 *   merge-base, cat-file); the work tree, the index and the refs stay as they were;
 * - a failure says which git command failed and why: git's first stderr line
 *   ("not a git repository", "Needed a single revision"), or that git is not
 *   installed.
 * Output is streamed to a callback (ls-tree of a large tree is never held whole),
 * and blobs come from one long-running `git cat-file --batch` per repository
 * instead of one process per file. */
#ifndef MIGTREE_GIT_H
#define MIGTREE_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include "migtree/error.h"
#include "migtree/util.h"

/* An object id in hex: 40 digits (SHA-1) or 64 (SHA-256), NUL-terminated. */
#define GIT_OID_HEX_MAX 64

/* Receives N bytes of a command's stdout; nonzero stops reading (the command is
 * then ended and git_run returns -1 with the error the sink set). */
typedef int (*git_sink)(void *ctx, const char *bytes, size_t n, struct mt_error *err);

/* Run `git ... -C DIR ARGV` (ARGV NULL-terminated, at most 24 items), its stdout
 * to SINK. 0 when git exited 0; else -1 with ERR naming the command and git's
 * reason. */
int git_run(const char *dir, const char *const *argv, git_sink sink, void *ctx, struct mt_error *err);
/* The same, stdout collected into *OUT (owned, NUL-terminated; NULL on -1). */
int git_capture(const char *dir, const char *const *argv, char **out, struct mt_error *err);

/* The commit REF names (`rev-parse --verify REF^{commit}`), into OID. */
int git_resolve_commit(const char *dir, const char *ref, char oid[GIT_OID_HEX_MAX + 1], struct mt_error *err);
/* The best common ancestor of commits A and B; -1 also when they have none. */
int git_merge_base(const char *dir, const char *a, const char *b, char oid[GIT_OID_HEX_MAX + 1],
		   struct mt_error *err);
/* The absolute top level of the work tree DIR is in (owned). */
int git_toplevel(const char *dir, char **top, struct mt_error *err);

/* One entry of `git ls-tree -r`: a blob (file, or symlink with mode 0120000) or
 * a commit (a submodule). PATH is relative to the repository's top level. */
struct git_tree_entry {
	unsigned mode;         /* 0100644, 0100755, 0120000, 0160000 */
	bool is_blob;          /* else a commit (submodule) */
	char oid[GIT_OID_HEX_MAX + 1];
	char *path;
};

struct git_tree {
	struct git_tree_entry *v;
	size_t n, cap;
};

/* `git ls-tree -r -z --full-tree --end-of-options COMMIT PATHS` run at the top level TOP (PATHS
 * may be NULL or empty: the whole tree), in git's order. */
int git_ls_tree(const char *top, const char *commit, const struct strlist *paths, struct git_tree *out,
		struct mt_error *err);
void git_tree_free(struct git_tree *t);

/* A `git cat-file --batch` process: object ids in, objects out, one at a time. */
struct git_cat;

struct git_cat *git_cat_open(const char *dir, struct mt_error *err);
/* The blob OID: 0 with *BYTES (owned, NUL-terminated) and *LEN; 1 when the
 * repository has no such object (or it is not a blob); -1 when the process
 * failed (then every later read fails too). Blobs over MAX bytes are not read
 * into memory: 2, with *LEN their size. */
int git_cat_read(struct git_cat *c, const char *oid, size_t max, char **bytes, size_t *len,
		 struct mt_error *err);
/* What a cat-file has been asked, for tests that bound the work by counting. */
struct git_work {
	size_t trees; /* tree objects read (a name, COMMIT:PATH, made git read each tree on its path) */
	size_t blobs; /* blobs read, skipped ones too */
};

/* C's counts so far (zeros for NULL). */
void git_cat_work(const struct git_cat *c, struct git_work *out);
/* Close its input, let git exit and reap it. 0, or -1 with ERR when git had
 * failed. C is freed either way (NULL is accepted). */
int git_cat_close(struct git_cat *c, struct mt_error *err);

#endif
