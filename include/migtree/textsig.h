/* textsig.h - a 128-bit signature of a few strings' trigrams, to pass over
 * the strings a literal cannot occur in without reading them.
 *
 * The explorer's search matches each revision's id, message, path and labels:
 * three regex runs on strings scattered in memory, 400-600 ns a revision, so
 * finding an id 90,000 rows down took 60 ms at 100,000 revisions. A literal
 * pattern (no regex metacharacter, or only '.' gaps) occurs in a string only if
 * each of its trigrams does, case folded (ASCII): a revision whose signature lacks one of
 * the pattern's bits cannot match, and 16 bytes a revision, read in order,
 * say so. The signature only passes strings over; every revision it keeps is
 * matched by the regex as before, so what matches never changes. A string
 * with a byte outside ASCII gives every bit (Unicode case folding matches 'k'
 * with the Kelvin sign): such revisions are always matched by the regex. */
#ifndef MIGTREE_TEXTSIG_H
#define MIGTREE_TEXTSIG_H

#include <stdbool.h>
#include <stdint.h>

struct textsig {
	uint64_t bits[2];
};

/* S's trigrams added to SIG (NULL adds nothing). */
void textsig_add(struct textsig *sig, const char *s);

/* The signature a string must have to match PATTERN, when PATTERN is runs of
 * literal characters (ASCII, no regex metacharacter) between gaps of '.'
 * (with '*', '+' or '?' after it, or not), maybe anchored by '^' and '$', and
 * a run has three characters or more: each run must occur in the string, so
 * each of its trigrams (`add.*users`: add, use, ser, ers). True and *SIG
 * set; false otherwise (no signature can tell). */
bool textsig_of_pattern(const char *pattern, struct textsig *sig);

/* SIG with MORE's trigrams: the signature of both texts. */
static inline void textsig_or(struct textsig *sig, const struct textsig *more)
{
	sig->bits[0] |= more->bits[0];
	sig->bits[1] |= more->bits[1];
}

/* May a string with signature HAVE hold a literal with signature NEED? */
static inline bool textsig_may_hold(const struct textsig *have, const struct textsig *need)
{
	return (have->bits[0] & need->bits[0]) == need->bits[0] && (have->bits[1] & need->bits[1]) == need->bits[1];
}

#endif
