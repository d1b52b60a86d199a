/* fix.h - one way out of a problem, as data: what to do, to which revision, why.
 *
 * The analysis says what would fix each problem; the front ends each show it in
 * their own form: the CLI as a command line to run (fix_command, or the sentence
 * with its reason for `check -v`), JSON as an object, the explorer as an action
 * applied through the edit session (fix_apply: validated by edit.c like any
 * other edit, one step of undo). Keeping the fix as data is what lets the
 * explorer apply exactly what `check -v` prints, and lets a later pass (the
 * published revisions, fix_published) change the advice without parsing text. */
#ifndef MIGTREE_FIX_H
#define MIGTREE_FIX_H

#include <stdbool.h>
#include <stdint.h>

#include "migtree/error.h"
#include "migtree/util.h"

enum fix_kind {
	FIX_SET_DOWN,        /* TARGET's down_revision becomes PARENTS */
	FIX_MAKE_BASE,       /* TARGET's down_revision becomes None */
	FIX_ADD_PARENT,      /* TARGET's down_revision becomes PARENTS: the old ones and,
			      * last, the one added (the command is a plain set-down) */
	FIX_MERGE,           /* a merge revision of the heads PARENTS (TARGET: NULL) */
	FIX_STUB,            /* a placeholder for the missing TARGET, on PARENTS[0]; no
			      * parent: the user picks it (the command says PARENT) */
	FIX_SET_DOCSTRING,   /* TARGET's docstring header as its variables say */
	FIX_FULL_DEPENDENCY, /* write PARENTS[0], the full id, in TARGET's depends_on
			      * (no command: an edit migtree does not make) */
	FIX_RUN,             /* run the command line TARGET (review --fix: on a branch,
			      * not in this session) */
	FIX_PLAN,            /* the whole history's repair plan (plan.h): one problem
			      * alone has no good answer (heads in pieces that share no
			      * ancestor); no target */
	FIX_RESTORE,         /* the missing TARGET's file back from git, as the commit
			      * that deleted it found it (githints.h) */
	FIX_KIND_COUNT
};

struct fix {
	enum fix_kind kind;
	char *target;          /* the revision changed (see the kinds), or NULL */
	struct strlist parents;
	char *reason;          /* why this fix, in a few words; NULL when none */
	unsigned rank;         /* 1, 2...: a ranked candidate parent (the sentence
				* leads with it); 0: not a candidate */
};

struct edit_session;

/* "set_down", "make_base"...: the name in JSON. */
const char *fix_kind_name(enum fix_kind kind);
/* The command line that applies F: "migtree set-down A B" (owned). */
char *fix_command(const struct fix *f);
/* The fix as `check -v` prints it, reason then command (owned):
 * "B (created just before it, by Create Date): migtree set-down A B",
 * "merge them: migtree merge A B". */
char *fix_sentence(const struct fix *f);
/* Apply F in the session through edit.c: validated as any edit is (refused with
 * ERR: a cycle, an unknown revision, a fix with no edit behind it) and one step
 * of undo. */
int fix_apply(struct edit_session *s, const struct fix *f, struct mt_error *err);
void fix_free(struct fix *f);
/* A deep copy into DST. */
void fix_copy(struct fix *dst, const struct fix *src);

/* Does applying F give TARGET new parents (a re-parent)? */
bool fix_reparents(const struct fix *f);

#endif
