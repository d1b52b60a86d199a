/* didyoumean.h - "did you mean": the closest few names to a mistyped one.
 *
 * For commands, options and revision ids (cli.c, commands.c). The distance is
 * the optimal-string-alignment Damerau-Levenshtein distance, ASCII case folded:
 * a swapped pair (`chekc`, `resolutoin`) costs one edit like a typo does. It is
 * computed only inside a band of width 2*MAX+1 around the diagonal and given up
 * as soon as a whole row is beyond MAX, so one candidate costs O(length * MAX)
 * and a 100,000-revision history is scored in a few milliseconds. For ids the
 * typed text may also be the start of a name (any length) or a piece of it (three
 * characters or more): a short prefix or a word of the message is what people
 * remember. Nothing here prints: the caller puts the line together. */
#ifndef MIGTREE_DIDYOUMEAN_H
#define MIGTREE_DIDYOUMEAN_H

#include <stdbool.h>
#include <stddef.h>

#define DYM_SHOWN 3 /* names a suggestion lists; more are counted */

/* The distance between A and B when it is at most MAX, else MAX + 1. */
size_t dym_distance(const char *a, const char *b, size_t max);
/* The largest distance worth suggesting for TYPED: 0 for one or two characters
 * (everything short is one edit away), 1 up to four, 2 up to eight, then 3. */
size_t dym_threshold(const char *typed);

struct dym {
	const char *typed; /* borrowed */
	size_t max;        /* dym_threshold(typed) */
	bool ids;          /* prefixes and pieces count too */
	struct {
		const char *name; /* borrowed */
		size_t score;     /* lower is closer */
	} best[DYM_SHOWN];
	size_t n;     /* filled in best */
	size_t total; /* every candidate close enough, shown or not */
};

void dym_init(struct dym *d, const char *typed, bool ids);
/* Score NAME (borrowed until dym_format); equal names are the caller's to avoid. */
void dym_add(struct dym *d, const char *name);
/* "did you mean A, B or C?" (with " (N more)" when more were close), each name
 * after PREFIX (e.g. "--"); NULL when nothing was close. Caller frees. */
char *dym_format(const struct dym *d, const char *prefix);

#endif
