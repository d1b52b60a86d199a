/* problem.h - what is wrong with a history, in the kinds of the CLI contract.
 *
 * Errors are what makes Alembic refuse the history; warnings load but are likely
 * mistakes. Each problem names a file and line and, where migtree can tell, the
 * ways to fix it (ranked candidates, commands). */
#ifndef MIGTREE_PROBLEM_H
#define MIGTREE_PROBLEM_H

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
	struct strlist fixes;      /* ways out, as sentences with a command */
	int tag;                   /* for the module that made the list (review: the side) */
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
/* Errors first, then warnings; each by file load order, then line. */
void problem_list_sort(struct problem_list *pl);
void problem_list_free(struct problem_list *pl);
size_t problem_count(const struct problem_list *pl, enum severity sev);
size_t problem_count_kind(const struct problem_list *pl, enum problem_kind kind);

#endif
