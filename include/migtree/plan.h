/* plan.h - one repair plan for a whole broken history, as an ordered list of fixes.
 *
 * `check -v` answers each problem alone, and followed literally its answers
 * fight: the missing parent of a revision and the loose piece that revision
 * starts are two problems with one fix, and six heads in six pieces get six
 * merges. The plan takes the problems in the order a person repairs them:
 *   1. connect: each missing parent and each loose piece (missing_down_revision,
 *      disconnected_component, multiple_bases) gets its problem's first fix
 *      (suggest.c ranked them; the plan does not rank again), once per revision,
 *      never a cycle, never a re-parent of a published revision (published.h);
 *      a placeholder a problem asks for first waits for step 2;
 *   2. placeholders: the missing ids still named after step 1;
 *   3. merge: on the history as it is after 1 and 2, the heads left on one
 *      branch (check's rule, analyze.c) within one piece, one merge per piece.
 *      Never a merge across pieces that share no ancestor: a piece step 1 could
 *      not connect is left apart, and the plan says why (LEFT).
 * Each step is tried as it is decided, in an edit session (edit.h), so each is
 * validated on the history the steps before it made. architecture.md §3 wants
 * the planner to try parents on a graph overlay; the session is what exists:
 * step 1's re-parents are one batch of it (edit_batch_begin), each checked
 * against the ones before it and the graph brought up to date once after
 * them all; step 2's placeholders and step 3's merges are one step each
 * (edit_create_stubs, edit_create_merges); plan_apply makes them again so.
 * The steps are undone before plan_make returns and nothing is written. */
#ifndef MIGTREE_PLAN_H
#define MIGTREE_PLAN_H

#include "migtree/edit.h"
#include "migtree/fix.h"

enum plan_phase { PLAN_CONNECT, PLAN_PLACEHOLDER, PLAN_MERGE };

struct plan_step {
	enum plan_phase phase;
	struct fix fix; /* what to do: fix_command renders it, fix_apply does it */
	char *why;      /* the problem it answers and why this fix, in a sentence */
};

struct plan {
	struct plan_step *v;
	size_t n, cap;
	struct strlist left; /* what the plan leaves as it is, and why, a sentence each */
	char *diff;          /* unified diff of all the steps together ("" when none) */
};

/* "connect", "placeholder", "merge": the name in JSON. */
const char *plan_phase_name(enum plan_phase phase);
/* The plan for S's history as it is now (pending edits included). The steps
 * are tried in S and undone: S's history is as it was, and what redo would
 * have brought back is forgotten. Each step's fix is refused or accepted by
 * edit.c as any edit is. */
void plan_make(struct edit_session *s, struct plan *pl);
/* Apply PL's steps in S as one step of undo. On a refusal nothing stays
 * applied: -1 with ERR naming the step. */
int plan_apply(struct edit_session *s, const struct plan *pl, struct mt_error *err);
void plan_free(struct plan *pl);

#endif
