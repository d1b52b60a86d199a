/* dbcheck.h - what `check` says about a database's stamps (dbstate.h).
 *
 * A stamp no file defines is an error, unknown_stamp: Alembic stops on it with
 * "Can't locate revision identified by 'X'" and leaves the user to guess where X
 * went. migtree says where, best first: the commit that deleted or renamed the
 * file that defined X (githints.h: git is only read), with `migtree restore X`
 * that brings it back; a file that still names X in its file name or its
 * docstring's Revision ID (its id changed since: stamp the new one); the nearest
 * ids (a typo, a shortened id). The problem's path:line is where the URL was
 * written (the configuration's sqlalchemy.url line), else "<database>".
 *
 * The database is only read: the ways out that touch it are Alembic's own
 * commands (`alembic stamp --purge ...`), for the user to run. */
#ifndef MIGTREE_DBCHECK_H
#define MIGTREE_DBCHECK_H

#include "migtree/dbstate.h"
#include "migtree/project.h"

/* An unknown_stamp problem, with its ways out, into PL (P's own problem list
 * for check and export, sorted again then; a list of its own for the commands
 * that only tell them) for each of ST's unknown stamps. WHERE_PATH/WHERE_LINE:
 * see above. */
void db_check_unknown(const struct project *p, const struct db_state *st, const char *where_path,
		      int where_line, struct problem_list *pl);

/* The known stamps no head reaches walking down the history (down_revision and
 * depends_on): a database there cannot upgrade to any head (the stamp sits in a
 * cycle, cut off from every head). Node ids into OUT, in stamp order. */
void db_unreachable_stamps(const struct graph *g, const struct db_state *st, struct u32vec *out);

#endif
