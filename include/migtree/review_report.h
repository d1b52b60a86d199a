/* review_report.h - a review (review.h) for people, for JSON readers and for
 * GitHub Actions. Kept apart from review.c, which decides, and cmd_review.c,
 * which loads the sides: the explorer's review mode reuses the fix commands. */
#ifndef MIGTREE_REVIEW_REPORT_H
#define MIGTREE_REVIEW_REPORT_H

#include <stdio.h>

#include "migtree/review.h"

/* What the two sides are, as the user named them. */
struct review_names {
	const char *base, *head;          /* refs as given; head NULL: the work tree */
	const char *base_commit, *head_commit, *merge_base; /* full ids, or NULL */
	const char *top;                  /* the repository's top level (absolute), or NULL */
};

/* A file's path from the repository's top level, as JSON readers and GitHub want
 * it, whether shown as "REF:path" (read from git) or as a work-tree path. Owned. */
char *review_repo_path(const struct review_names *n, const char *shown);

/* The command that applies FIX ("migtree review BASE [HEAD] --fix merge"). Owned. */
char *review_fix_command(const struct review_names *n, const struct review_fix *fix);
/* A sentence saying what FIX does. Owned. */
char *review_fix_summary(const struct review_fix *fix);

void review_write_text(FILE *out, const struct review *r, const struct review_names *n);
void review_write_json(FILE *out, const struct review *r, const struct review_names *n);
void review_write_github(FILE *out, const struct review *r, const struct review_names *n);

#endif
