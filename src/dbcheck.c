/* dbcheck.c - unknown stamps and their ways out; stamps no head reaches (see dbcheck.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/dbcheck.h"
#include "migtree/didyoumean.h"
#include "migtree/githints.h"

#define DB_FILES_SHOWN 3 /* files naming an unknown stamp, at most */
/* Unknown stamps whose ways out are looked for, at most: each look reads
 * every file and scores every id, and a table of thousands of rows no file
 * defines (another project's database, a hostile one) took minutes. Past
 * it each is still reported, without ways out. */
#define DB_STAMPS_EXPLAINED 32

/* `alembic stamp --purge NEW` and the other known stamps: the table as it
 * should read with the unknown one replaced (Alembic's stamp cannot start from
 * a table holding an id it cannot locate, hence --purge). */
static char *stamp_command(const struct db_state *st, const char *unknown, const char *with)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_addf(&sb, "alembic stamp --purge %s", with);
	for (size_t i = 0; i < st->known_at.n; i++) { /* not every row: one command a fix */
		const char *stamp = st->stamps.v[st->known_at.v[i]];

		if (strcmp(stamp, unknown) && strcmp(stamp, with))
			sb_addf(&sb, " %s", stamp);
	}
	return sb_detach(&sb);
}

static void add_stamp_fix(struct problem *pr, const struct db_state *st, const char *unknown, const char *with,
			  char *reason)
{
	struct fix *f;

	for (size_t i = 0; i < pr->n_fixv; i++)
		if (pr->fixv[i].kind == FIX_RUN && pr->fixv[i].parents.n && !strcmp(pr->fixv[i].parents.v[0], with)) {
			free(reason); /* a file and a typo pointing at one id: the first says why */
			return;
		}
	f = problem_add_fix(pr, FIX_RUN, NULL, NULL);
	f->target = stamp_command(st, unknown, with);
	f->reason = reason;
	sl_push(&f->parents, with); /* the id it stamps, for JSON and the explorer */
}

/* The file defining a revision whose path ends with REL (a path from the top of
 * the work tree), or NULL. */
static const struct revision_file *file_at(const struct project *p, const char *rel)
{
	size_t len = strlen(rel);

	for (size_t i = 0; i < p->files.n; i++) {
		const struct revision_file *rf = p->files.v[i];
		const char *path = rf->real_path ? rf->real_path : rf->path;
		size_t plen = strlen(path);

		if (rf->revision && plen >= len && !strcmp(path + plen - len, rel) &&
		    (plen == len || path[plen - len - 1] == '/'))
			return rf;
	}
	return NULL;
}

/* What git remembers: the deleting commit (restore), or the renaming one. */
static void git_ways(const struct project *p, const struct db_state *st, struct problem *pr, const char *id)
{
	const struct git_deleted *d = p->hints ? git_hints_deleted(p->hints, id) : NULL;
	const struct revision_file *now;
	struct fix *f;

	if (!d)
		return;
	now = d->renamed_to ? file_at(p, d->renamed_to) : NULL;
	if (now && strcmp(now->revision, id)) {
		add_stamp_fix(pr, st, id, now->revision,
			      xasprintf("its file %s was renamed by commit %s to %s, which defines %s now", d->rel_path,
					d->commit, d->renamed_to, now->revision));
		return;
	}
	f = problem_add_fix(pr, FIX_RESTORE, id, NULL);
	if (d->renamed_to)
		f->reason = xasprintf("git has its file: %s, renamed by commit %s to %s", d->rel_path, d->commit,
				      d->renamed_to);
	else if (d->uncommitted)
		f->reason = xasprintf("git has its file: %s, deleted but not committed", d->rel_path);
	else
		f->reason = xasprintf("git has its file: %s, deleted by commit %s", d->rel_path, d->commit);
}

/* ID in TEXT as a word of its own (not inside a longer id). */
static bool names_word(const char *text, const char *id)
{
	size_t len = strlen(id);

	for (const char *at = text; (at = strstr(at, id)); at++) {
		bool before = at == text || !isalnum((unsigned char)at[-1]);
		bool after = !isalnum((unsigned char)at[len]);

		if (before && after)
			return true;
	}
	return false;
}

/* Files still named after ID, or whose docstring says `Revision ID: ID`, that
 * define another id: the id was changed after the database ran the file. */
static void file_ways(const struct project *p, const struct db_state *st, struct problem *pr, const char *id)
{
	size_t shown = 0;

	for (size_t i = 0; i < p->files.n && shown < DB_FILES_SHOWN; i++) {
		const struct revision_file *rf = p->files.v[i];
		const char *doc_id = rf->doc_revision_id.value;
		bool by_name = names_word(rf->name, id), by_doc = doc_id && !strcmp(doc_id, id);

		if (!rf->revision || !strcmp(rf->revision, id) || (!by_name && !by_doc))
			continue;
		add_stamp_fix(pr, st, id, rf->revision,
			      xasprintf("%s names it in its %s and defines %s now", rf->path,
					by_name ? "file name" : "docstring (Revision ID)", rf->revision));
		shown++;
	}
}

/* The ids closest to ID: a typo, or the start of one. */
static void typo_ways(const struct project *p, const struct db_state *st, struct problem *pr, const char *id)
{
	const struct graph *g = &p->graph;
	struct dym d;

	dym_init(&d, id, true);
	for (uint32_t i = 0; i < g->n; i++)
		if (!g->nodes[i].phantom && strcmp(g->nodes[i].id, id))
			dym_add(&d, g->nodes[i].id);
	for (size_t i = 0; i < d.n; i++)
		add_stamp_fix(pr, st, id, d.best[i].name,
			      xasprintf("%s is the closest id (a typo, or a shortened id)", d.best[i].name));
}

void db_check_unknown(const struct project *p, const struct db_state *st, const char *where_path,
		      int where_line, struct problem_list *pl)
{
	const char *url = st->url_display ? st->url_display : "the database";

	for (size_t i = 0; i < st->unknown.n; i++) {
		const char *id = st->unknown.v[i];
		struct problem *pr = problem_add(pl, PROBLEM_UNKNOWN_STAMP, NULL, id, where_path,
						 where_line, p->files.n,
						 "%s is stamped with %s, which no file defines (Alembic: Can't locate "
						 "revision identified by '%s')",
						 url, id, id);

		if (i >= DB_STAMPS_EXPLAINED)
			continue;
		git_ways(p, st, pr, id);
		file_ways(p, st, pr, id);
		typo_ways(p, st, pr, id);
	}
	if (st->unknown.n)
		problem_list_sort(pl);
}

void db_unreachable_stamps(const struct graph *g, const struct db_state *st, struct u32vec *out)
{
	bool *seen = xcalloc(g->n ? g->n : 1, sizeof(bool));
	struct u32vec stack = { 0 };

	for (uint32_t i = 0; i < g->heads.n; i++) {
		seen[g->heads.v[i]] = true;
		u32_push(&stack, g->heads.v[i]);
	}
	while (stack.n) {
		const struct node *nd = &g->nodes[stack.v[--stack.n]];
		const struct u32vec *links[] = { &nd->down, &nd->deps };

		for (int l = 0; l < 2; l++)
			for (uint32_t k = 0; k < links[l]->n; k++)
				if (!seen[links[l]->v[k]]) {
					seen[links[l]->v[k]] = true;
					u32_push(&stack, links[l]->v[k]);
				}
	}
	for (uint32_t i = 0; i < st->stamp_nodes.n; i++) /* each once: stamp_nodes has no repeats */
		if (!seen[st->stamp_nodes.v[i]])
			u32_push(out, st->stamp_nodes.v[i]);
	free(stack.v);
	free(seen);
}
