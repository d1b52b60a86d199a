/* bydate.h - a straight run of revisions re-linked in Create Date order.
 *
 * Date order is never a problem by itself: in healthy projects 13-28% of the
 * parent links point to a newer revision (a rebased branch keeps its dates), so
 * no check asks for this. It is a tool the user aims at a run they know was
 * linked out of order (the seed report's c2a48966 above the older
 * 004_add_missing_user_columns): `migtree order-by-date` and the explorer's O.
 *
 * The run LOWER..UPPER is a straight line: each revision's only parent is the
 * one before it, and none strictly inside is a branch or merge point. Its ends
 * keep their outside links: the earliest by date takes LOWER's parents, each
 * next one the one before, and UPPER's children move to the new top. LOWER may
 * not branch (its other branch would be carried along, up the new order): such
 * a run starts one above it. The sort is stable: equal dates keep the order
 * they have.
 * A revision without a Create Date refuses the run, by name, rather than
 * staying where it is: date order has no place for it, and keeping its place
 * would put it between revisions by an order that is not the one asked for
 * (the user knows where it goes: give it a date, or mark the run around it).
 * Dates are read as dates, not compared as text: Alembic writes datetime's
 * str() ("2024-12-16 08:55:12.302944"), with an offset ("+01:00") when the
 * project sets a timezone, and two offsets are compared as instants.
 * Planning reads the graph only; the links are applied through edit.h as one
 * step (edit_relink_prepare), so undo restores every file at once. */
#ifndef MIGTREE_BYDATE_H
#define MIGTREE_BYDATE_H

#include "migtree/edit.h"
#include "migtree/graph.h"
#include "migtree/published.h"

struct bydate_plan {
	struct u32vec run;          /* LOWER..UPPER, LOWER first (nodes of the graph planned on) */
	struct u32vec sorted;       /* the same revisions by Create Date */
	struct edit_relink *links;  /* each revision whose down_revision changes (ids borrowed
				     * from the graph: apply before it changes) */
	size_t n_links;
	struct strlist *parents;    /* the links' new parents (owned) */
};

/* Plan the run LOWER..UPPER (nodes of G; LOWER the ancestor). 0 with the links;
 * 1 when the run is in Create Date order already (ERR says so, nothing to do);
 * -1 refused (ERR: not a straight line, a revision without a readable date, a
 * depends_on the new order would break, a child of UPPER naming the new top
 * already). The plan is empty (freeable) on 1 and -1. */
int bydate_plan(const struct graph *g, uint32_t lower, uint32_t upper, struct bydate_plan *pl,
		struct mt_error *err);
void bydate_plan_free(struct bydate_plan *pl);
/* The revisions the plan re-parents that PUB says are published (their ids,
 * appended to OUT): databases that ran them would be stranded. */
void bydate_published(const struct bydate_plan *pl, const struct graph *g, const struct published *pub,
		      struct strlist *out);
/* The plan's new order, oldest first ("a, b, c"). Owned. */
char *bydate_order_text(const struct bydate_plan *pl, const struct graph *g);

#endif
