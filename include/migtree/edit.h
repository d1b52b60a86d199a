/* edit.h - changes to a loaded history, made in memory, undoable, saved by save.h.
 *
 * An edit session sits on a project: every touched file keeps the bytes it had on disk;
 * an operation rewrites only the spans of the values it changes (down_revision,
 * the docstring's Revises: and Revision ID: lines) or adds a new file, re-parses
 * the touched files and brings the graph up to date from memory (nothing is
 * re-read): one rewritten file relinks its revision in place (graph_update.h),
 * anything else rebuilds the graph. Each
 * operation is validated first (no unknown target unless asked, never a cycle) and
 * is one step of undo/redo. No ncurses here: the CLI, the explorer and the tests
 * use it. */
#ifndef MIGTREE_EDIT_H
#define MIGTREE_EDIT_H

#include <stdbool.h>

#include "migtree/error.h"
#include "migtree/project.h"

/* What a file is now, against what it was on disk. Its paths are those of the
 * project's file at the same index (edit_file_path, edit_file_abs_path): every
 * step keeps them (a rewrite parses under the old path, a file put back gets
 * the paths the step kept), so the session holds no copy of 2 x 100,000 paths. */
struct file_state {
	char *disk;        /* bytes on disk when loaded; NULL for a new file, and for a
			    * file no change has touched (its text is still the disk's:
			    * copied when first touched, so opening a session copies nothing) */
	uint32_t disk_len;  /* a revision_file's len: 16 bytes a file, not 24 */
	bool is_new;
};

struct edit_step; /* one undoable operation (edit.c) */
struct edit_snapshot;
struct edit_batch;
struct published;

struct edit_session {
	struct project *p;
	struct file_state *files; /* parallel to p->files.v */
	size_t n_files, cap_files;
	/* the files that are not untouched (a change touched them, or new), by
	 * index, ascending: what may differ from the disk is looked for there,
	 * not in every file (100,000 of them) after every edit */
	struct u32vec touched;
	struct edit_step **undo, **redo;
	size_t n_undo, cap_undo, n_redo, cap_redo;
	const struct published *published; /* borrowed, or NULL: see edit_set_published */
	struct edit_snapshot *snap; /* the state on the other side of the last step (edit.c) */
	/* Names the state the files are in: an undo right after an edit gets back
	 * the name the state had before it, so a front end may keep what it
	 * derived from a state and take it back. Names come from *NAMES: the
	 * session's own counter, or one the front end owns (edit_begin_named), so
	 * that they stay unique across the sessions a reload begins and ends. */
	uint64_t state;
	uint64_t own_names, *names;
	struct edit_batch *batch; /* re-parents made as one step, or NULL: edit_batch_begin */
	/* the times an edit brought the graph up to date (an update in place or a
	 * build): for the tests, which bound the work of a plan, not its time */
	uint64_t rederived;
};

/* The path of the session's file I as the project shows it, and where it is
 * written (its real path). Borrowed from S->p->files.v[I]: valid until a step. */
const char *edit_file_path(const struct edit_session *s, size_t i);
const char *edit_file_abs_path(const struct edit_session *s, size_t i);

/* Refuse an id no repair may write: empty or blank (an unset shell variable:
 * "an empty revision id; did you mean `none`?") or holding a control character
 * (a newline would end the string literal). Quotes and backslashes are fine: ids
 * are written with quote_python. 0 or -1 with ERR saying what is wrong. */
int edit_check_id(const char *id, struct mt_error *err);

void edit_begin(struct edit_session *s, struct project *p);
/* The same, the states named from *NAMES (a counter the caller owns, starting
 * at 1, that outlives the session): a front end that keeps what it derived from
 * a state by its name across sessions (the explorer, over reloads). */
void edit_begin_named(struct edit_session *s, struct project *p, uint64_t *names);
void edit_end(struct edit_session *s);
/* What is published (borrowed; it must outlive the session): the problems'
 * fixes are rewritten for it now and after every edit, undo and redo, so no
 * re-parent of a published revision is ever offered (published.h). */
void edit_set_published(struct edit_session *s, const struct published *pub);

/* The one check of a parent, for the edits below and for the explorer's picker
 * (which weighs many revisions against one, hence DESCENDS: whether P is REV or
 * descends from it, asked by the caller of a struct descent). Why node P
 * cannot become a parent of REV, as a phrase about P ("descends from REV: a
 * cycle"), or NULL. ADDING: P is added to REV's parents (one it has already is
 * refused). Owned. */
char *edit_check_parent(const struct graph *g, uint32_t rev, uint32_t p, bool descends, bool adding);

/* Validation alone: why setting the parents of REV to PARENTS would be refused,
 * or NULL when it would not (the string is owned by the caller). */
char *edit_check_set_down(const struct edit_session *s, uint32_t rev, const struct strlist *parents,
			  bool allow_missing);

/* Set REV's down_revision to PARENTS (empty: a base). */
int edit_set_down(struct edit_session *s, const char *rev, const struct strlist *parents,
		  bool allow_missing, struct mt_error *err);
/* Several revisions given new down_revisions at once, as ONE step: one undo
 * restores them all. A re-ordering moves every link of a run together, and
 * setting them one at a time would pass through states with a cycle (b under
 * a while a is still under b) that edit_set_down rightly refuses; here only
 * the state after is checked: each revision named once, each parent present
 * (or, with ALLOW_MISSING, defined nowhere, as set-down allows), none
 * twice, and no cycle through a revision relinked. A link that changes
 * nothing is left out; when none changes, refused.
 * The step is made first and committed apart, so that a front end can show
 * its diff and ask; it belongs to the session in the state it was made in
 * (edit_step_commit refuses it in any other). */
struct edit_relink {
	const char *rev;
	const struct strlist *parents;
};
struct edit_step *edit_relink_prepare(struct edit_session *s, const struct edit_relink *links, size_t n,
				      bool allow_missing, struct mt_error *err);
/* What STEP changes, as a unified diff against the files as they are. Owned. */
char *edit_step_diff(const struct edit_step *st);
/* Apply STEP (taken, freed when refused) as one step of undo: 0, or -1 with
 * ERR when the session is no longer in the state STEP was made in. */
int edit_step_commit(struct edit_session *s, struct edit_step *st, struct mt_error *err);
void edit_step_free(struct edit_step *st);
/* edit_relink_prepare, then edit_step_commit. */
int edit_relink(struct edit_session *s, const struct edit_relink *links, size_t n, bool allow_missing,
		struct mt_error *err);
/* Re-parents made as one step (a repair plan's steps, plan.h). Between
 * edit_batch_begin and edit_batch_end, edit_set_down and edit_add_parent are
 * checked against the history as the ones before them left it and refused
 * alike, each with the words one at a time gives; but the graph is brought up
 * to date once, at the end: one at a time re-derived the problems, the
 * history order and the pieces after each (a plan giving a parent to every
 * other revision: the history's square). One the batch cannot check alone
 * (it drops a parent that is there, gives several, allows a missing one,
 * rewrites a file twice; a history with a cycle) makes the batch so far a
 * step and is made as ever, and the batch goes on after it. EXPECTED: the
 * links the caller means to make, whose cycles are looked for as topo.h
 * does (the order it keeps agrees with them). While a batch is open the
 * graph is the one from before it: ask edit_names what a revision names;
 * any other operation, undo or redo first makes the batch so far a step.
 * edit_batch_end makes it one; nothing, when no re-parent was made. */
void edit_batch_begin(struct edit_session *s, const struct edit_relink *expected, size_t n);
void edit_batch_end(struct edit_session *s);
/* Does node REV name node P in its down_revision, the open batch's
 * re-parents included? */
bool edit_names(const struct edit_session *s, uint32_t rev, uint32_t p);
/* Add PARENT to REV's down_revision (making it a merge point). */
int edit_add_parent(struct edit_session *s, const char *rev, const char *parent, struct mt_error *err);
/* Rewrite REV's docstring `Revision ID:` and `Revises:` values to what its variables
 * say (parents in down_revision order, nothing for a base); refused when they
 * already agree. */
int edit_set_docstring(struct edit_session *s, const char *rev, struct mt_error *err);
/* edit_set_docstring for each of REVS in turn, as ONE step (undone at once);
 * refused, with nothing changed, where one of them would be. */
int edit_set_docstrings(struct edit_session *s, const struct strlist *revs, struct mt_error *err);
/* A placeholder file for the missing revision ID, with down_revision PARENT (or
 * none). It goes beside the first revision that names ID. */
int edit_create_stub(struct edit_session *s, const char *id, const char *parent, const char *message,
		     struct mt_error *err);
/* Placeholders for several missing revisions, each as edit_create_stub makes
 * it (no message of its own), in turn, as ONE step: the history is analysed
 * once, not once a file (a repair plan making 900 at 10,000 revisions took
 * 7 s, 2,700 at 30,000 127 s, nearly all of it in those). A placeholder for an id one
 * before it made is left out, neither made nor refused. In a history that has
 * a cycle already they are made one step each. */
struct edit_stub {
	const char *id, *parent; /* PARENT: NULL for a base */
	bool made;               /* out: made */
	char *refused;           /* out: why it was refused (the caller frees), or NULL */
};
void edit_create_stubs(struct edit_session *s, struct edit_stub *stubs, size_t n);
/* The missing revision ID's file back where it was, with the bytes it had
 * before the commit that deleted it (githints.h): refused when git has no such
 * file, when a file is there already, or when it does not define ID. ID need
 * not be named by any file: a database stamped with it (an unknown_stamp) is
 * reason enough, and what nothing names can make no cycle. */
int edit_restore(struct edit_session *s, const char *id, struct mt_error *err);
/* A merge revision of HEADS, as `alembic merge` writes it; *NEW_ID gets its id. */
int edit_create_merge(struct edit_session *s, const struct strlist *heads, const char *message,
		      char **new_id, struct mt_error *err);
/* The same, where the heads in ELSEWHERE may be absent here: another branch has
 * them (`review --fix merge` writes, on HEAD, the merge of BASE's head). */
int edit_create_merge_with(struct edit_session *s, const struct strlist *heads,
			   const struct strlist *elsewhere, const char *message, char **new_id,
			   struct mt_error *err);

/* Merges of several sets of heads, each as edit_create_merge makes it, in
 * turn, as ONE step: a merge a step analysed the history again for each (a
 * plan merging the heads of 625 pieces at 10,000 revisions: 17 s). A merge
 * naming a head a merge before it took is refused as it would be then ("not a
 * head"); one naming a merge made before it makes those before it a step
 * first. */
struct edit_merge {
	const struct strlist *heads;
	const char *message;
	char *new_id;  /* out: the id of the merge made (the caller frees), or NULL */
	char *refused; /* out: why it was refused (the caller frees), or NULL */
};
void edit_create_merges(struct edit_session *s, struct edit_merge *merges, size_t n);

/* Make the suggestions the analysis left for later (analyze.h), rewritten for
 * what is published: before fixes are shown. With ABOUT, only when a problem
 * of that revision (or naming that missing one) may get some; NULL: in any case.
 * (The messages left pending are finished with them.) */
void edit_suggest(struct edit_session *s, const char *about);
/* Finish the messages the analysis left pending (analyze.h), before messages
 * are shown: of ABOUT's problems, or of all (NULL). No suggestion is made. */
void edit_finish_messages(struct edit_session *s, const char *about);

bool edit_can_undo(const struct edit_session *s);
bool edit_can_redo(const struct edit_session *s);
int edit_undo(struct edit_session *s);
int edit_redo(struct edit_session *s);

/* Several operations as one step of undo (a repair plan, plan.h): take
 * edit_mark before them, then edit_fuse with it, and the steps made since
 * become one that u undoes whole. Fewer than two steps: nothing to fuse. */
size_t edit_mark(const struct edit_session *s);
void edit_fuse(struct edit_session *s, size_t mark);
/* Forget what redo would bring back (a preview undone is no change to redo). */
void edit_clear_redo(struct edit_session *s);
/* Unified diff of the last step alone, before against after (owned; "" when
 * there is no step): what one step changes, whatever else is pending. */
char *edit_last_step_diff(const struct edit_session *s);

/* Files whose bytes differ from disk (or are new). */
size_t edit_changed(const struct edit_session *s, size_t *indexes, size_t max);
/* Per file (parallel to p->files.v): does it hold its disk bytes? For a reload
 * that takes those files as they are (reload.h). Owned. */
bool *edit_pristine(const struct edit_session *s);
/* Unified diff of every pending change. Owned. */
char *edit_diff(const struct edit_session *s);

#endif
