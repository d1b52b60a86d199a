/* dbstate.h - a database's stamps against the history: what is applied, what
 * is pending, and stamps no file defines. No I/O: the stamps come from db.h.
 *
 * A revision is applied when it is a stamp or an ancestor of one through
 * down_revision and depends_on, as `alembic upgrade` would have run it;
 * pending otherwise. A stamp that names no revision in the files is unknown
 * (Alembic: "Can't locate revision identified by ..."). */
#ifndef MIGTREE_DBSTATE_H
#define MIGTREE_DBSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "migtree/graph.h"

struct db_state {
	char *url_display;        /* the URL read, password masked; NULL when none was read */
	bool no_table;            /* the database has no version table */
	struct strlist stamps;    /* the rows, as read */
	struct strlist unknown;   /* stamps no file defines */
	struct u32vec stamp_nodes;/* the known stamps' nodes */
	struct u32vec known_at;   /* where the known stamps are in STAMPS, in order (repeats too) */
	bool *applied;            /* per node (g->n): a stamp or an ancestor of one */
	uint32_t n_applied;
	struct u32vec pending_heads; /* heads not applied */
	uint32_t n_pending;       /* real revisions not applied */
	uint8_t *is;              /* per node (g->n): DB_STAMPED, DB_PENDING_HEAD, for
	                           * what asks a row at a time (the explorer), not a
	                           * list of thousands of stamps */
};

enum { DB_STAMPED = 1, DB_PENDING_HEAD = 2 };

/* ST from the STAMPS read at URL_DISPLAY (copied) against G. */
void db_state_compute(const struct graph *g, const char *url_display, const struct strlist *stamps,
		      bool no_table, struct db_state *st);
static inline bool db_state_applied(const struct db_state *st, uint32_t node)
{
	return st->applied && st->applied[node];
}
static inline bool db_state_stamped(const struct db_state *st, uint32_t node)
{
	return st->is && (st->is[node] & DB_STAMPED);
}
static inline bool db_state_pending_head(const struct db_state *st, uint32_t node)
{
	return st->is && (st->is[node] & DB_PENDING_HEAD);
}
void db_state_free(struct db_state *st);

#endif
