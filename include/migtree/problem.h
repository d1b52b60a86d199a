/* problem.h - what is wrong with a history, in the kinds of the CLI contract.
 *
 * Errors are what makes Alembic refuse the history; warnings load but are likely
 * mistakes. Each problem names a file and line and, where migtree can tell, the
 * ways to fix it (ranked candidates, commands). */
#ifndef MIGTREE_PROBLEM_H
#define MIGTREE_PROBLEM_H

#include "migtree/fix.h"
#include "migtree/util.h"

enum problem_kind {
	PROBLEM_MISSING_DOWN_REVISION,
	PROBLEM_MISSING_DEPENDENCY,
	PROBLEM_DUPLICATE_REVISION,
	PROBLEM_CYCLE,
	PROBLEM_SELF_REFERENCE,
	PROBLEM_UNPARSABLE_FILE,
	PROBLEM_INVALID_REVISION_ID,
	PROBLEM_BRANCH_LABEL_CONFLICT,
	PROBLEM_MULTIPLE_HEADS,
	PROBLEM_MULTIPLE_BASES,
	PROBLEM_DISCONNECTED_COMPONENT,
	PROBLEM_DOCSTRING_MISMATCH,
	PROBLEM_PATTERN_MISSING,
	PROBLEM_UNKNOWN_VALUE,
	PROBLEM_PARENT_CHANGED,
	PROBLEM_PUBLISHED_EDIT,
	PROBLEM_UNKNOWN_STAMP, /* a database stamped with an id no file defines (dbcheck.h) */
	PROBLEM_KIND_COUNT
};

enum severity { SEVERITY_ERROR, SEVERITY_WARNING };

struct problem {
	enum problem_kind kind;
	char *revision;  /* the revision the problem is about, or NULL */
	char *ref;       /* the id it refers to (missing parent, other head...), or NULL */
	char *path;      /* file, NULL when none */
	int line;        /* 0 when none */
	size_t order;    /* load order of the file, to sort */
	size_t seq;      /* insertion number: keeps sorting stable */
	char *message;
	struct strlist candidates; /* ranked ids that would fix it */
	struct fix *fixv;          /* ways out, best first (fix.h renders them) */
	size_t n_fixv, cap_fixv;
	int tag;                   /* for the module that made the list (review: the side) */
	/* A head's warning whose message still lacks the common ancestor (a walk
	 * of the history, left for later with the suggestions: analyze.h);
	 * GROUP is the number of heads on its branch. */
	bool pending;
	uint32_t group;
};

struct problem_list {
	struct problem *v;
	size_t n, cap;
};

const char *problem_kind_name(enum problem_kind kind);
enum severity problem_severity(enum problem_kind kind);
/* Append a problem; strings are copied. Returns it so candidates can be added. */
struct problem *problem_add(struct problem_list *pl, enum problem_kind kind, const char *revision,
			    const char *ref, const char *path, int line, size_t order,
			    const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* Append a way out of P (strings copied); the caller adds its parents. */
struct fix *problem_add_fix(struct problem *p, enum fix_kind kind, const char *target, const char *reason);
/* Append a copy of each of SRC's fixes to DST. */
void problem_copy_fixes(struct problem *dst, const struct problem *src);
/* Drop P's fix at I, keeping the order of the others. */
void problem_drop_fix(struct problem *p, size_t i);
/* Errors first, then warnings; each by file load order, then line. */
void problem_list_sort(struct problem_list *pl);
void problem_list_free(struct problem_list *pl);
/* DST (uninitialised) becomes a deep copy of SRC. */
void problem_list_copy(struct problem_list *dst, const struct problem_list *src);
size_t problem_count(const struct problem_list *pl, enum severity sev);
size_t problem_count_kind(const struct problem_list *pl, enum problem_kind kind);

/* The problems about node V of G, as indexes into G's problem list, in list
 * order: for a revision, those naming it as their revision; for a missing one
 * (a phantom), those of the revisions that name it (their ref). One walk of the
 * list: for every row at once (the explorer's marks) build a problem_index. */
struct graph;
size_t problems_of(const struct graph *g, uint32_t v, size_t **out);

/* Every node's problems at once, built in one pass (by node, CSR): what the
 * explorer's rows and detail pane read after each rebuild. */
struct problem_index {
	uint32_t n_nodes;
	size_t *start; /* n_nodes + 1 offsets into ITEMS */
	size_t *items; /* indexes into the graph's problem list */
};
void problem_index_build(struct problem_index *ix, const struct graph *g);
/* Node V's problems: *N indexes into the problem list. */
const size_t *problem_index_of(const struct problem_index *ix, uint32_t v, size_t *n);
void problem_index_free(struct problem_index *ix);

#endif
