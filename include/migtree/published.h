/* published.h - which migration files other databases may already have run.
 *
 * A revision whose file exists on the upstream branch is "published": giving it a
 * new parent strands the databases that ran it (the reason Alembic has no rebase).
 * The upstream is REF when given, else the current branch's upstream, else
 * origin/main or origin/master. Outside git, or with no such ref, nothing is
 * known to be published. git is run directly (no shell), read-only.
 *
 * A database is ground truth of the same kind: the revisions it has applied
 * (dbstate.h) have run there, and a new parent strands it just the same. The
 * explorer adds them (published_set_applied), so that every guard of published
 * revisions (the fixes offered, the questions asked) guards them too, and says
 * which of the two a revision is (published_why). */
#ifndef MIGTREE_PUBLISHED_H
#define MIGTREE_PUBLISHED_H

#include <stdbool.h>

#include "migtree/dbstate.h"
#include "migtree/project.h"
#include "migtree/strmap.h"

struct published {
	char *ref;             /* the ref used, NULL when nothing is known */
	struct strlist paths;  /* absolute paths of the files on REF (owned) */
	struct strmap index;   /* path -> 1 */
	char *db;              /* the database whose applied revisions count (URL shown), NULL: none */
	struct strlist applied_paths; /* absolute paths of its applied revisions' files (owned) */
	struct strmap applied; /* path -> 1 */
};

/* Find the published files of P's version locations. Returns 0 also when the
 * project is not in git (pub->ref stays NULL); -1 only when REF was given and
 * cannot be read. */
int published_load(const struct project *p, const char *ref, struct published *pub, struct mt_error *err);
/* RF is published on the ref, or applied in the database. */
bool published_has(const struct published *pub, const struct revision_file *rf);
/* RF is applied in the database (published_set_applied). */
bool published_applied(const struct published *pub, const struct revision_file *rf);
/* Why RF is guarded, for a message (owned): "published on REF", "applied in URL"
 * (the database first: it is the one that certainly ran it); NULL when it is not. */
char *published_why(const struct published *pub, const struct revision_file *rf);
/* The revisions ST finds applied in G count from now on, as applied in
 * ST->url_display; what a previous call set is replaced. By file: the guard
 * stays on the files the database ran while the history is edited in memory
 * (an edit changes which revisions Alembic would count, not what ran). ST
 * without a URL (no database read) clears it. */
void published_set_applied(struct published *pub, const struct graph *g, const struct db_state *st);

/* Fixes that respect what is published: a published revision is never offered
 * new parents (set-down then refuses it, and databases that ran it would be
 * stranded). Its re-parent fixes go: several heads keep the merge revision; a
 * missing parent is recreated instead, a placeholder on each ranked candidate
 * (a merge cannot give back a parent the revision names); a docstring keeps
 * set-docstring; a loose piece keeps the merge of its head. Run after every
 * analysis of G (edit.h's session does it when told PUB). */
void published_fix_problems(const struct published *pub, struct graph *g);
/* For the CLI: find what is published (REF, else the upstream) and rewrite P's
 * fixes. 0, or -1 (ERR) when REF was given and cannot be read. */
int published_fix_project(struct project *p, const char *ref, struct mt_error *err);
void published_free(struct published *pub);

#endif
