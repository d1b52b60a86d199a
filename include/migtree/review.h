/* review.h - what merging two lines of work would do to a migration history.
 *
 * The most common Alembic failure: two branches each add a migration on the same
 * parent, git merges them without a conflict, and `alembic upgrade head` fails.
 * review_run() compares the history at the merge base (ANCESTOR) with each side
 * (BASE and HEAD: projects loaded from git trees or the work tree), builds the
 * history the merge would produce (git's file-level three-way rule: a file
 * changed on one side only takes that side's bytes; changed on both, HEAD's, and
 * the conflict is reported), and reports:
 *   - what each side added, changed (same id, other parents, labels or
 *     dependencies) or deleted, by revision id (a renamed file is neither);
 *   - every problem of the merged history that neither side had alone, with the
 *     side it comes from — several heads, the same id added on both sides, a label
 *     used on both sides, a new revision whose parent the other side deleted
 *     (missing_down_revision) or re-parented (parent_changed), and a HEAD edit of a
 *     revision BASE already has (published_edit);
 *   - the ways out on the HEAD side: a merge revision of the heads, or (when
 *     HEAD's new revisions are not on BASE) re-parenting HEAD's first new revision
 *     onto BASE's head.
 * Nothing here reads git or prints: the CLI and the explorer load the projects and
 * show the result. */
#ifndef MIGTREE_REVIEW_H
#define MIGTREE_REVIEW_H

#include <stdbool.h>

#include "migtree/error.h"
#include "migtree/project.h"

enum review_side { REVIEW_BASE, REVIEW_HEAD, REVIEW_BOTH };

/* The revisions one side added, changed or deleted, against the merge base
 * (borrowed from the side's project; deleted ones from the ancestor's). */
struct review_changes {
	const struct revision_file **added, **changed, **deleted;
	size_t n_added, n_changed, n_deleted;
};

enum review_fix_kind { REVIEW_FIX_MERGE, REVIEW_FIX_REBASE };

struct review_fix {
	enum review_fix_kind kind;
	char *revision;          /* REBASE: the revision re-parented; MERGE: NULL */
	struct strlist parents;  /* MERGE: the heads joined; REBASE: the new parent */
};

struct review {
	struct review_changes side[2];   /* [REVIEW_BASE], [REVIEW_HEAD] */
	struct project merged;           /* the history after the merge (owns its files) */
	struct problem_list problems;    /* only what neither side had alone; each
					  * problem's `tag` is its enum review_side */
	struct strlist conflicts;        /* paths both sides changed differently */
	struct review_fix *fixes;
	size_t n_fixes;
	bool clean;                      /* no new error, no new heads within a branch */
};

/* Compare. BASE's and HEAD's projects must outlive R (it borrows their files).
 * Files are matched by real_path (the work-tree path they have or would have).
 * The three projects are scanned with their bytes kept (config_request.keep_text):
 * files are compared and merged byte for byte. */
int review_run(const struct project *ancestor, const struct project *base, const struct project *head,
	       struct review *r, struct mt_error *err);
void review_free(struct review *r);

const char *review_side_name(enum review_side side);

#endif
