/* bydate.c - a straight run re-linked in Create Date order (see bydate.h). */
#include <stdlib.h>
#include <string.h>

#include "migtree/bydate.h"

/* ---- dates -------------------------------------------------------------- */

/* N digits at *S (advanced) as a number, or -1. */
static long digits(const char **s, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (**s - '0');
	}
	return v;
}

/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, long m, long d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* ":SS[.ffffff]" after the minutes, into microseconds; false when malformed. */
static bool seconds(const char **s, int64_t *us)
{
	long sec, scale = 100000;

	*us = 0;
	if (**s != ':')
		return true;
	(*s)++;
	if ((sec = digits(s, 2)) < 0 || sec > 60)
		return false;
	*us = (int64_t)sec * 1000000;
	if (**s != '.')
		return true;
	(*s)++;
	if (**s < '0' || **s > '9')
		return false;
	for (; **s >= '0' && **s <= '9'; (*s)++, scale /= 10)
		*us += scale ? (**s - '0') * scale : 0; /* past microseconds: cut, as datetime */
	return true;
}

/* "Z" or "+HH[:]MM" into seconds east of UTC; true with 0 when there is none. */
static bool offset(const char **s, int64_t *east)
{
	int sign = **s == '-' ? -1 : 1;
	long h, m = 0;

	*east = 0;
	if (**s == 'Z') {
		(*s)++;
		return true;
	}
	if (**s != '+' && **s != '-')
		return true;
	(*s)++;
	if ((h = digits(s, 2)) < 0)
		return false;
	if (**s == ':')
		(*s)++;
	if (**s >= '0' && **s <= '9' && (m = digits(s, 2)) < 0)
		return false;
	*east = sign * (h * 3600 + m * 60);
	return true;
}

/* A Create Date as microseconds since 1970 (UTC when an offset is written):
 * "YYYY-MM-DD[ |T]HH:MM[:SS[.f...]][Z|+HH:MM]", blanks around. False when
 * it is not one. */
static bool parse_date(const char *s, int64_t *out)
{
	long y, mo, d, h = 0, mi = 0;
	int64_t us = 0, east = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((y = digits(&s, 4)) < 0 || *s++ != '-' || (mo = digits(&s, 2)) < 1 || mo > 12 || *s++ != '-' ||
	    (d = digits(&s, 2)) < 1 || d > 31)
		return false;
	if (*s == ' ' || *s == 'T') {
		s++;
		if ((h = digits(&s, 2)) < 0 || h > 23 || *s++ != ':' || (mi = digits(&s, 2)) < 0 || mi > 59 ||
		    !seconds(&s, &us) || !offset(&s, &east))
			return false;
	}
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	if (*s)
		return false;
	*out = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - east) * 1000000) + us;
	return true;
}

/* ---- the run ------------------------------------------------------------ */

/* The line from UPPER down to LOWER into RUN, LOWER first; -1 with ERR when it
 * is not a straight one. */
static int walk_run(const struct graph *g, uint32_t lower, uint32_t upper, struct u32vec *run,
		    struct mt_error *err)
{
	const char *lo = g->nodes[lower].id, *up = g->nodes[upper].id;
	uint32_t v = upper;

	if (g->nodes[lower].phantom || g->nodes[upper].phantom)
		return mt_fail(err, NULL, 0, "%s is missing: only revisions with a file can be ordered",
			       g->nodes[lower].phantom ? lo : up);
	for (u32_push(run, v); v != lower; u32_push(run, v)) {
		const struct node *nd = &g->nodes[v];

		if (run->n > g->n) /* a cycle on the way down */
			return mt_fail(err, NULL, 0, "%s is not below %s on a straight line (a cycle)", lo, up);
		if (nd->down.n != 1)
			return nd->down.n ? mt_fail(err, NULL, 0, "%s is a merge point (%u parents): a run to order is "
						    "a straight line", nd->id, nd->down.n)
					  : mt_fail(err, NULL, 0, "%s is not below %s: the line down from %s ends at "
						    "the base %s", lo, up, up, nd->id);
		if (v != upper && nd->children.n != 1)
			return mt_fail(err, NULL, 0, "%s is a branch point (%u children): a run to order is a "
				       "straight line (only its top may branch)", nd->id, nd->children.n);
		v = nd->down.v[0];
		if (g->nodes[v].phantom)
			return mt_fail(err, NULL, 0, "%s is not below %s: the line down from %s ends at the missing %s",
				       lo, up, up, g->nodes[v].id);
	}
	for (uint32_t i = 0, j = run->n - 1; i < j; i++, j--) { /* LOWER first */
		uint32_t t = run->v[i];

		run->v[i] = run->v[j];
		run->v[j] = t;
	}
	if (run->n > 1 && g->nodes[lower].children.n != 1)
		return mt_fail(err, NULL, 0, "%s is a branch point: its other branch would move up with it; "
			       "start the run at %s", lo, g->nodes[run->v[1]].id);
	return 0;
}

/* Would the run be a line with its ends swapped? (For the message.) */
static bool wrong_way_round(const struct graph *g, uint32_t lower, uint32_t upper)
{
	struct u32vec run = { 0 };
	struct mt_error ignored = { 0 };
	bool swapped = lower != upper && walk_run(g, upper, lower, &run, &ignored) == 0;

	free(run.v);
	return swapped;
}

struct dated {
	int64_t at;
	uint32_t pos; /* in the run: equal dates keep their order */
};

static int cmp_dated(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The run by Create Date into SORTED; -1 naming a revision without one. */
static int sort_run(const struct graph *g, const struct u32vec *run, struct u32vec *sorted, struct mt_error *err)
{
	struct dated *d = xmalloc((run->n ? run->n : 1) * sizeof(*d));

	for (uint32_t i = 0; i < run->n; i++) {
		const struct node *nd = &g->nodes[run->v[i]];
		const char *date = nd->file->doc_create_date.value;

		d[i].pos = i;
		if (!date || !*date) {
			free(d);
			return mt_fail(err, nd->file->path, nd->file->doc_line,
				       "%s has no Create Date: date order has no place for it (give it a "
				       "`Create Date:` line, or order a run without it)", nd->id);
		}
		if (!parse_date(date, &d[i].at)) {
			free(d);
			return mt_fail(err, nd->file->path, nd->file->doc_line,
				       "%s: the Create Date '%.60s' is not a date (YYYY-MM-DD HH:MM:SS...)", nd->id, date);
		}
	}
	sort_array(d, run->n, sizeof(*d), cmp_dated);
	for (uint32_t i = 0; i < run->n; i++)
		u32_push(sorted, run->v[d[i].pos]);
	free(d);
	return 0;
}

/* A depends_on inside the run must still point down the new order. */
static int check_deps(const struct graph *g, const struct u32vec *sorted, struct mt_error *err)
{
	for (uint32_t i = 0; i < sorted->n; i++) {
		const struct node *nd = &g->nodes[sorted->v[i]];

		for (uint32_t k = 0; k < nd->deps.n; k++)
			for (uint32_t j = i + 1; j < sorted->n; j++)
				if (sorted->v[j] == nd->deps.v[k])
					return mt_fail(err, NULL, 0, "%s depends on %s, which date order puts after it "
						       "(a cycle)", nd->id, g->nodes[sorted->v[j]].id);
	}
	return 0;
}

/* ---- the links ---------------------------------------------------------- */

static struct strlist *add_link(struct bydate_plan *pl, const char *rev)
{
	struct strlist *to = &pl->parents[pl->n_links];

	pl->links[pl->n_links++] = (struct edit_relink){ rev, to };
	return to;
}

/* UPPER's children onto TOP, each once (a child naming UPPER twice is in its
 * list twice: one link; flags, not a search of the list so far, as a base
 * may have thousands of children). */
static int move_children(const struct graph *g, struct bydate_plan *pl, const struct node *upper,
			 const struct node *top, struct mt_error *err)
{
	bool *linked = xcalloc(g->n ? g->n : 1, sizeof(bool));
	int rc = 0;

	for (uint32_t k = 0; !rc && k < upper->children.n; k++) {
		const struct node *c = &g->nodes[upper->children.v[k]];
		struct strlist *to;

		if (linked[upper->children.v[k]])
			continue;
		linked[upper->children.v[k]] = true;
		if (sl_contains(&c->file->down.ids, top->id)) {
			rc = mt_fail(err, NULL, 0, "%s names %s already: moving it onto the new top %s would name "
				     "it twice", c->id, top->id, top->id);
			break;
		}
		to = add_link(pl, c->id);
		for (size_t j = 0; j < c->file->down.ids.n; j++)
			sl_push(to, strcmp(c->file->down.ids.v[j], upper->id) ? c->file->down.ids.v[j] : top->id);
	}
	free(linked);
	return rc;
}

/* Each revision of the new order on the one before (the first on LOWER's
 * parents), and UPPER's children on the new top. */
static int make_links(const struct graph *g, struct bydate_plan *pl, struct mt_error *err)
{
	const struct node *upper = &g->nodes[pl->run.v[pl->run.n - 1]];
	const struct node *top = &g->nodes[pl->sorted.v[pl->sorted.n - 1]];
	size_t max = pl->sorted.n + upper->children.n;

	pl->links = xcalloc(max, sizeof(*pl->links));
	pl->parents = xcalloc(max, sizeof(*pl->parents));
	for (uint32_t i = 0; i < pl->sorted.n; i++) {
		struct strlist *to = add_link(pl, g->nodes[pl->sorted.v[i]].id);

		if (i)
			sl_push(to, g->nodes[pl->sorted.v[i - 1]].id);
		else
			sl_copy(to, &g->nodes[pl->run.v[0]].file->down.ids);
	}
	return top == upper ? 0 : move_children(g, pl, upper, top, err);
}

int bydate_plan(const struct graph *g, uint32_t lower, uint32_t upper, struct bydate_plan *pl,
		struct mt_error *err)
{
	int rc;

	memset(pl, 0, sizeof(*pl));
	rc = walk_run(g, lower, upper, &pl->run, err);
	if (rc && wrong_way_round(g, lower, upper))
		rc = mt_fail(err, NULL, 0, "%s is above %s: the run goes from its oldest end up, %s:%s",
			     g->nodes[lower].id, g->nodes[upper].id, g->nodes[upper].id, g->nodes[lower].id);
	if (!rc && pl->run.n < 2)
		rc = mt_fail(err, NULL, 0, "one revision: nothing to order (mark a run of two or more)");
	if (!rc)
		rc = sort_run(g, &pl->run, &pl->sorted, err);
	if (!rc && !memcmp(pl->run.v, pl->sorted.v, pl->run.n * sizeof(uint32_t))) {
		mt_fail(err, NULL, 0, "%s..%s is already in Create Date order (%u revisions)", g->nodes[lower].id,
			g->nodes[upper].id, pl->run.n);
		rc = 1;
	}
	if (!rc)
		rc = check_deps(g, &pl->sorted, err);
	if (!rc)
		rc = make_links(g, pl, err);
	if (rc)
		bydate_plan_free(pl);
	return rc;
}

void bydate_plan_free(struct bydate_plan *pl)
{
	for (size_t i = 0; i < pl->n_links; i++)
		sl_free(&pl->parents[i]);
	free(pl->parents);
	free(pl->links);
	free(pl->run.v);
	free(pl->sorted.v);
	memset(pl, 0, sizeof(*pl));
}

void bydate_published(const struct bydate_plan *pl, const struct graph *g, const struct published *pub,
		      struct strlist *out)
{
	for (size_t i = 0; i < pl->n_links; i++) {
		const struct node *nd = &g->nodes[graph_find(g, pl->links[i].rev)];

		if (sl_equal(&nd->file->down.ids, pl->links[i].parents))
			continue; /* it keeps its parents */
		if (published_has(pub, nd->file))
			sl_push(out, nd->id);
	}
}

char *bydate_order_text(const struct bydate_plan *pl, const struct graph *g)
{
	struct strlist ids = { 0 };
	char *s;

	for (uint32_t i = 0; i < pl->sorted.n; i++)
		sl_push(&ids, g->nodes[pl->sorted.v[i]].id);
	s = sl_join(&ids, ", ");
	sl_free(&ids);
	return s;
}
