/* githints.h - what git remembers about a broken link, for the suggestions.
 *
 * When a versions directory is in a git work tree, git knows what a broken
 * down_revision was: the committed value when the break is not committed yet,
 * the value before the commit that last changed it when it is, and, for an id
 * no file defines any more, the commit that deleted (or renamed) the file that
 * defined it, with that file's own parents and bytes (a `restore` fix puts it
 * back). Those are the strongest signals suggest.c has, so it asks here first.
 *
 * Nothing runs until a question is asked (a healthy history runs no git), and
 * then one `git log --raw` of the versions directories answers where to look
 * and names each version's blob, and one `git cat-file --batch` reads the
 * blobs the questions need by those ids: not a process per problem, nor a
 * tree read per file. Read-only, no shell (git.h). Outside git,
 * or when git fails, every question is answered "nothing known" and the other
 * signals rank alone. */
#ifndef MIGTREE_GITHINTS_H
#define MIGTREE_GITHINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "migtree/git.h"
#include "migtree/parse.h"
#include "migtree/util.h"

struct git_hints;

/* Hints for the versions directories DIRS (absolute; copied). Runs nothing. */
struct git_hints *git_hints_new(const struct strlist *dirs);
void git_hints_free(struct git_hints *h);
/* Has git's HEAD moved since H asked git (a commit, a checkout, a reset)? Then
 * what H knows may be wrong: ask again with new hints. False when H never ran
 * git or git knew nothing; runs `git rev-parse HEAD` otherwise. */
bool git_hints_stale(struct git_hints *h);
/* The top of the git work tree holding the first directory (asked once, with
 * HEAD's commit), or NULL when it is in none. */
const char *git_hints_toplevel(struct git_hints *h);

enum git_parents_kind {
	GIT_PARENTS_NONE,      /* git knows nothing that differs */
	GIT_PARENTS_COMMITTED, /* the file's committed value differs: the break is not committed */
	GIT_PARENTS_BEFORE,    /* the value before the commit that last changed it */
};

/* What RF's down_revision was by git (*PARENTS borrowed, empty for None; *WHY a
 * reason for the user, borrowed). */
enum git_parents_kind git_hints_parents(struct git_hints *h, const struct revision_file *rf,
					const struct strlist **parents, const char **why);

/* The file that defined a missing revision, as the commit that deleted or
 * renamed it left it. */
struct git_deleted {
	char *id;
	char *rel_path;       /* relative to the work tree's top */
	char *abs_path;       /* where a restore writes it */
	char commit[48];      /* the deleting commit (abbreviated, for messages) */
	char *blob;           /* its bytes' object id */
	struct strlist parents;
	char *renamed_to;     /* the path it was renamed to, or NULL when deleted */
	char *renamed_id;     /* the id the file defined under RENAMED_TO in that commit, or NULL */
	bool uncommitted;     /* deleted from the work tree only: BLOB is HEAD's */
};

/* The deleted file that defined ID, or NULL. */
const struct git_deleted *git_hints_deleted(struct git_hints *h, const char *id);
/* Its bytes (owned, NUL-terminated); -1 with ERR when git cannot give them. */
int git_hints_read(struct git_hints *h, const struct git_deleted *d, char **bytes, size_t *len,
		   struct mt_error *err);

/* What H has asked git's cat-file so far (git.h), for tests that bound it. */
void git_hints_work(const struct git_hints *h, struct git_work *out);

#endif
