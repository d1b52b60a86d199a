/* didyoumean.c - the closest few names to a mistyped one (see didyoumean.h). */
#include <stdlib.h>
#include <string.h>

#include "migtree/didyoumean.h"
#include "migtree/util.h"

#define BAND_MAX 8 /* the widest threshold a caller may ask for */

static unsigned char fold(char c)
{
	return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Three rows of the matrix, each indexed by j - i + MAX (the band), so memory is
 * O(MAX) and time O(len(A) * MAX). Cells outside the band count as MAX + 1. */
size_t dym_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), w, far = max + 1;
	size_t rows[3][2 * BAND_MAX + 3];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (max > BAND_MAX)
		max = BAND_MAX, far = max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return far;
	w = 2 * max + 1;
	/* row 0: D[0][j] = j */
	for (size_t k = 0; k < w; k++) {
		long j = (long)k - (long)max;

		prev[k] = j < 0 || (size_t)j > lb ? far : (size_t)j;
		prev2[k] = far;
	}
	for (size_t i = 1; i <= la; i++) {
		size_t row_min = far;

		for (size_t k = 0; k < w; k++) {
			long jl = (long)i + (long)k - (long)max;
			size_t j, best;

			if (jl < 0 || jl > (long)lb) {
				cur[k] = far;
				continue;
			}
			j = (size_t)jl;
			if (j == 0) {
				cur[k] = i > max ? far : i;
			} else {
				/* D[i-1][j-1] is prev[k]; D[i-1][j] is prev[k+1]; D[i][j-1] is cur[k-1] */
				size_t sub = prev[k] + (fold(a[i - 1]) != fold(b[j - 1]));
				size_t del = (k + 1 < w ? prev[k + 1] : far) + 1;
				size_t ins = (k ? cur[k - 1] : far) + 1;

				best = min3(sub, del, ins);
				/* a swap of neighbours: D[i-2][j-2] is prev2[k] */
				if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
				    fold(a[i - 2]) == fold(b[j - 1]) && prev2[k] + 1 < best)
					best = prev2[k] + 1;
				cur[k] = best > far ? far : best;
			}
			if (cur[k] < row_min)
				row_min = cur[k];
		}
		if (row_min > max)
			return far; /* every path through this row is already too long */
		{
			size_t *t = prev2;

			prev2 = prev;
			prev = cur;
			cur = t;
		}
	}
	/* D[la][lb] sits at k = lb - la + max in the last row */
	return prev[lb + max - la] > max ? far : prev[lb + max - la];
}

size_t dym_threshold(const char *typed)
{
	size_t n = strlen(typed);

	return n <= 2 ? 0 : n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

void dym_init(struct dym *d, const char *typed, bool ids)
{
	memset(d, 0, sizeof(*d));
	d->typed = typed;
	d->max = dym_threshold(typed);
	d->ids = ids;
}

static bool starts_with_folded(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (fold(*s) != fold(*prefix))
			return false;
	return true;
}

static bool contains_folded(const char *s, const char *piece)
{
	for (; *s; s++)
		if (starts_with_folded(s, piece))
			return true;
	return false;
}

/* Scores: 0 the same but for case, 1 a start of the name, 2 a piece of it, then
 * 4 per edit, so that any edit ranks below what the user evidently remembered. */
static size_t score_of(const struct dym *d, const char *name, bool *close)
{
	size_t dist;

	*close = true;
	if (d->ids && *d->typed && starts_with_folded(name, d->typed))
		return strlen(name) == strlen(d->typed) ? 0 : 1;
	if (d->ids && strlen(d->typed) >= 3 && contains_folded(name, d->typed))
		return 2;
	dist = dym_distance(d->typed, name, d->max);
	*close = dist <= d->max && *d->typed;
	return dist * 4;
}

void dym_add(struct dym *d, const char *name)
{
	bool close;
	size_t score = score_of(d, name, &close), at;

	if (!close)
		return;
	d->total++;
	/* insertion into the few best; ties keep the order the names came in */
	for (at = d->n; at > 0 && d->best[at - 1].score > score; at--)
		;
	if (at >= DYM_SHOWN)
		return;
	if (d->n < DYM_SHOWN)
		d->n++;
	memmove(&d->best[at + 1], &d->best[at], (d->n - 1 - at) * sizeof(d->best[0]));
	d->best[at].name = name;
	d->best[at].score = score;
}

char *dym_format(const struct dym *d, const char *prefix)
{
	struct strbuf sb;

	if (!d->n)
		return NULL;
	sb_init(&sb);
	sb_adds(&sb, "did you mean ");
	for (size_t i = 0; i < d->n; i++) {
		if (i)
			sb_adds(&sb, i + 1 == d->n ? " or " : ", ");
		sb_addf(&sb, "%s%s", prefix ? prefix : "", d->best[i].name);
	}
	sb_addc(&sb, '?');
	if (d->total > d->n)
		sb_addf(&sb, " (%zu more)", d->total - d->n);
	return sb_detach(&sb);
}
