/* test_edit_random.c - after any edit, undo or redo through the edit session,
 * the state the explorer draws from (heads, bases, problems, history order,
 * layout rows) equals a fresh full build of the same file bytes. Random
 * histories (merges, missing parents, branch labels, depends_on), random edits
 * (set-down, add a parent, a placeholder, a merge) mixed with undo and redo.
 * Whatever the edit path does to be fast, it must not be seen here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "migtree/docstring.h"
#include "migtree/edit.h"
#include "migtree/graph_update.h"
#include "migtree/layout.h"
#include "migtree/order.h"
#include "migtree/reload.h"
#include "migtree/source.h"

static char root[PATH_MAX];
static uint64_t rng;
static uint32_t self_turn; /* add-parent's turns: every sixth onto the revision itself */

static uint32_t rnd_from(uint64_t *r, uint32_t n)
{
	*r ^= *r << 13;
	*r ^= *r >> 7;
	*r ^= *r << 17;
	return n ? (uint32_t)(*r % n) : 0;
}

static uint32_t rnd(uint32_t n)
{
	return rnd_from(&rng, n);
}

/* Draws of their own for the walks made ahead: the steps drawn are the same
 * with them as without. */
static uint64_t ahead_rng;

/* Every third file in versions/sub (read with --recursive): new files then
 * go to two directories. */
static bool in_subdir;

static void write_file(int i, const char *down, const char *extra)
{
	char *p = xasprintf("%s/versions/%s%03d_r%03d.py", root, in_subdir && i % 3 == 1 ? "sub/" : "", i, i);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	fprintf(f, "\"\"\"step %d\n\nRevision ID: r%03d\nRevises: \nCreate Date: 2024-01-%02d 10:00:00\n\"\"\"\n"
		"revision = 'r%03d'\ndown_revision = %s\n%s", i, i, 1 + i % 28, i, down, extra);
	fclose(f);
	free(p);
}

/* Histories of down_revision only (no label, no depends_on): the common
 * case, where an edit patches what it changed (graph_update.c) rather than
 * deriving it again for every revision. */
static bool plain_only;
/* Missing parents: how many ids they are drawn from, and how many in 20
 * revisions name one. */
static uint32_t gone_ids = 5, gone_in_20 = 1;
/* Half the missing ids named to sort before every file (000g..): their
 * placeholders come first in their directory, not after its last file. */
static bool gone_sort_first;

/* N revisions: mostly a line, some branches and merges, a few missing parents,
 * labels and dependencies (none with PLAIN_ONLY). */
static void make_history(int n)
{
	char *dir = xasprintf("%s/versions", root);

	assert_int_equal(mkdir(dir, 0755), 0);
	free(dir);
	if (in_subdir) {
		dir = xasprintf("%s/versions/sub", root);
		assert_int_equal(mkdir(dir, 0755), 0);
		free(dir);
	}
	for (int i = 0; i < n; i++) {
		char down[64], extra[96] = "";
		uint32_t kind = rnd(20);

		if (i == 0 || kind == 0)
			snprintf(down, sizeof(down), "None");
		else if (kind <= gone_in_20) {
			uint32_t g = rnd(gone_ids);

			snprintf(down, sizeof(down), gone_sort_first && g % 2 ? "'000g%02u'" : "'gone%02u'", g);
		}
		else if (kind < 4 && i > 2)
			snprintf(down, sizeof(down), "('r%03u', 'r%03u')", rnd((uint32_t)i / 2), (uint32_t)i / 2 + rnd((uint32_t)i / 2));
		else
			snprintf(down, sizeof(down), "'r%03u'", kind < 8 ? rnd((uint32_t)i) : (uint32_t)i - 1);
		if (plain_only)
			;
		else if (rnd(15) == 0)
			snprintf(extra, sizeof(extra), "branch_labels = ('lab%d',)\n", i);
		else if (rnd(15) == 0 && i > 1)
			snprintf(extra, sizeof(extra), "depends_on = 'r%03u'\n", rnd((uint32_t)i));
		write_file(i, down, extra);
	}
}

/* The same bytes built from nothing: what a fresh load of them gives. */
static void fresh_build(const struct project *p, struct project *q)
{
	memset(q, 0, sizeof(*q));
	q->for_edits = p->for_edits; /* what it keeps, made too */
	for (size_t i = 0; i < p->files.n; i++) {
		const struct revision_file *rf = p->files.v[i];
		char *bytes = NULL;
		size_t len = 0;
		struct mt_error err = { 0 };
		struct revision_file *c;

		/* an untouched file keeps no bytes (scan.h): its disk's are the same */
		if (!rf->text)
			assert_int_equal(revision_file_bytes(rf, source_worktree(), &bytes, &len, &err), 0);
		c = parse_revision_file(rf->path, rf->text ? rf->text : bytes, rf->text ? rf->len : len);
		free(bytes);
		docstring_complete(c);
		c->real_path = rf->real_path ? xstrdup(rf->real_path) : NULL;
		c->load_index = i;
		GROW(q->files.v, q->files.cap, q->files.n + 1);
		q->files.v[q->files.n++] = c;
	}
	project_analyse(q);
}

static void ids(struct strbuf *sb, const char *what, const struct graph *g, const struct u32vec *v)
{
	sb_addf(sb, "%s:", what);
	for (uint32_t i = 0; i < v->n; i++)
		sb_addf(sb, " %s", g->nodes[v->v[i]].id);
	sb_adds(sb, "\n");
}

static void node_text(struct strbuf *sb, const struct graph *g, uint32_t i)
{
	const struct node *nd = &g->nodes[i];
	struct label_list labels = { 0 };

	sb_addf(sb, "node %u %s%s file %s order %u component %u flags %d%d%d%d%d%d%d%d%d\n", i, nd->id,
		nd->phantom ? " (phantom)" : "", nd->file ? nd->file->path : "-", nd->order, g->component[i],
		nd->is_head, nd->is_real_head, nd->is_base, nd->is_branch_point, nd->is_real_branch_point,
		nd->is_merge_point, nd->in_cycle, nd->labels_unknown, nd->phantom);
	ids(sb, "  down", g, &nd->down);
	if (g->base_below) /* the explorer's: kept by the edits too */
		sb_addf(sb, "  base below %s\n", g->nodes[g->base_below[i]].id);
	sb_addf(sb, "  flat %u:", g->node_flat[i]); /* the flat copy, as the passes read it */
	for (uint32_t k = g->down_at[i]; k < g->down_at[i + 1]; k++)
		sb_addf(sb, " %s", g->nodes[g->down_flat[k]].id);
	sb_adds(sb, "\n");
	ids(sb, "  deps", g, &nd->deps);
	ids(sb, "  norm_deps", g, &nd->norm_deps);
	ids(sb, "  norm_down", g, &nd->norm_down);
	ids(sb, "  children", g, &nd->children);
	ids(sb, "  dependants", g, &nd->dependants);
	sb_adds(sb, "  labels:");
	graph_labels(g, i, &labels);
	for (uint32_t k = 0; k < labels.n; k++)
		sb_addf(sb, " %s", labels.v[k]);
	sb_adds(sb, "\n");
	label_list_free(&labels);
}

static void fixes_text(struct strbuf *sb, const struct problem *pr)
{
	for (size_t k = 0; k < pr->n_fixv; k++) {
		const struct fix *f = &pr->fixv[k];

		sb_addf(sb, "  fix %d %s rank %u (%s):", (int)f->kind, f->target ? f->target : "-", f->rank,
			f->reason ? f->reason : "-");
		for (size_t j = 0; j < f->parents.n; j++)
			sb_addf(sb, " %s", f->parents.v[j]);
		sb_adds(sb, "\n");
	}
}

/* Everything the explorer shows, as text, field by field: two states are the
 * same when their texts are. */
static char *state_text(const struct project *p)
{
	const struct graph *g = &p->graph;
	struct layout l;
	struct strbuf sb;
	char buf[1024];

	sb_init(&sb);
	sb_addf(&sb, "%u nodes, %zu phantoms, %u components, cycle %d, %zu labels\n", g->n, (size_t)g->owned.n,
		g->n_components, g->has_cycle, g->labels.n);
	for (uint32_t c = 0; c < g->n_components; c++) /* what decides whether an edit keeps the pieces */
		sb_addf(&sb, "piece %u: %u with no edge down\n", c, g->component_roots[c]);
	for (uint32_t i = 0; i < g->n; i++)
		node_text(&sb, g, i);
	ids(&sb, "heads", g, &g->heads);
	ids(&sb, "real heads", g, &g->real_heads);
	ids(&sb, "bases", g, &g->bases);
	ids(&sb, "order", g, &p->order);
	for (size_t i = 0; i < g->problems.n; i++) {
		const struct problem *pr = &g->problems.v[i];

		sb_addf(&sb, "problem %d %s %s %s:%d %s |", (int)pr->kind, pr->revision ? pr->revision : "-",
			pr->ref ? pr->ref : "-", pr->path ? pr->path : "-", pr->line, pr->message);
		for (size_t k = 0; k < pr->candidates.n; k++)
			sb_addf(&sb, " %s", pr->candidates.v[k]);
		sb_adds(&sb, "\n");
		fixes_text(&sb, pr);
	}
	layout_build(&l, p);
	for (uint32_t r = 0; r < l.n_rows; r++) {
		layout_row_glyphs(&l, r, true, buf, sizeof(buf));
		sb_addf(&sb, "row %u piece %u kind %u %s %s\n", r, l.piece[r], layout_row_kind(&l, r), buf, g->nodes[l.node[r]].id);
	}
	layout_free(&l);
	return sb_detach(&sb);
}

/* With suggestions deferred (as in the explorer) they are made here, as the
 * explorer makes them before showing a fix; a fresh build makes them at once. */
/* Each state name (edit_session.state) seen, and the state it named: a name
 * given again must name the same state (the explorer takes back what it
 * derived from a state by its name). */
static struct named {
	uint64_t state;
	char *text;
} *named;
static size_t n_named, cap_named, n_named_again;

static void assert_name_kept(uint64_t state, const char *text, const char *after)
{
	for (size_t k = 0; k < n_named; k++)
		if (named[k].state == state) {
			if (strcmp(named[k].text, text))
				fail_msg("after %s state %llu is not the state it named before:\n--- now\n%s--- then\n%s",
					 after, (unsigned long long)state, text, named[k].text);
			n_named_again++;
			return;
		}
	GROW(named, cap_named, n_named + 1);
	named[n_named++] = (struct named){ state, xstrdup(text) };
}

static void forget_names(void)
{
	for (size_t k = 0; k < n_named; k++)
		free(named[k].text);
	free(named);
	named = NULL;
	n_named = cap_named = 0;
}

/* The session's touched list (edit.h) is every file a change touched or that
 * is new, in order, and nothing else. */
static void assert_touched_listed(const struct edit_session *s, const char *after)
{
	uint32_t k = 0;

	for (size_t i = 0; i < s->n_files; i++) {
		bool touched = s->files[i].is_new || s->files[i].disk;
		bool listed = k < s->touched.n && s->touched.v[k] == i;

		if (touched != listed)
			fail_msg("after %s file %zu is %s but %s", after, i, touched ? "touched" : "untouched",
				 listed ? "listed" : "not listed");
		k += listed;
	}
	assert_int_equal(k, s->touched.n);
}

static void assert_same_as_fresh(struct edit_session *s, const char *after)
{
	struct project q;
	char *inc, *full;

	assert_touched_listed(s, after);
	edit_suggest(s, NULL);
	inc = state_text(s->p);
	assert_name_kept(s->state, inc, after);
	fresh_build(s->p, &q); /* suggestions made: Q defers none */
	full = state_text(&q);
	if (strcmp(inc, full))
		fail_msg("after %s the session's state differs from a fresh build:\n--- session\n%s--- fresh\n%s",
			 after, inc, full);
	free(inc);
	free(full);
	project_free(&q);
}

/* ---- layouts after edits ---- */

/* The layout the explorer had before the step (layout_build_after's PREV),
 * now and then left a few steps old, as the explorer's kept one is after an
 * undo; and the rows taken from it over a run. */
static struct layout prev_layout;
static uint64_t rows_taken, rows_built, rows_paused;
static uint32_t layout_turn; /* not rnd(): the steps stay the ones they were */

#define SAME_ROWS(field, n)                                                                \
	do {                                                                               \
		if ((n) && memcmp(a->field, b->field, (size_t)(n) * sizeof(*a->field)))   \
			fail_msg(#field " differs after %s", after);                       \
	} while (0)

static void assert_layouts_equal(const struct layout *a, const struct layout *b, uint32_t n_nodes, const char *after)
{
	assert_int_equal(a->n_rows, b->n_rows);
	assert_int_equal(a->n_cells_total, b->n_cells_total);
	assert_int_equal(a->max_lanes, b->max_lanes);
	assert_int_equal(a->n_pieces, b->n_pieces);
	assert_int_equal(a->lines_hidden, b->lines_hidden);
	assert_int_equal(a->n_marks, b->n_marks);
	assert_int_equal(a->n_mark_lanes, b->n_mark_lanes);
	SAME_ROWS(node, a->n_rows);
	SAME_ROWS(row_of, n_nodes);
	SAME_ROWS(cell_off, a->n_rows);
	SAME_ROWS(n_cells, a->n_rows);
	SAME_ROWS(lane, a->n_rows);
	SAME_ROWS(piece, a->n_rows);
	SAME_ROWS(shape, a->n_rows);
	SAME_ROWS(flat, a->n_rows);
	SAME_ROWS(cells, a->n_cells_total);
	SAME_ROWS(mark_lanes, a->n_mark_lanes);
	for (uint32_t k = 0; k < a->n_marks; k++) {
		const struct layout_mark *x = &a->marks[k], *y = &b->marks[k];

		if (x->row != y->row || x->lanes_at != y->lanes_at || x->cells_at != y->cells_at ||
		    x->n_lanes != y->n_lanes || x->max_lanes != y->max_lanes || x->above != y->above)
			fail_msg("mark %u differs after %s: row %u/%u lanes_at %u/%u cells_at %zu/%zu n_lanes %u/%u "
				 "max %u/%u above %d/%d", k, after, x->row, y->row, x->lanes_at, y->lanes_at, x->cells_at,
				 y->cells_at, x->n_lanes, y->n_lanes, x->max_lanes, y->max_lanes, x->above, y->above);
	}
}

/* A layout laid as far as asked (layout_build_upto) has the rows above
 * layout_rows_final as FRESH has them, and every row's node, flags, piece. */
static void assert_laid_so_far(const struct layout *a, const struct layout *b, uint32_t n_nodes, const char *after)
{
	uint32_t n = layout_rows_final(a);

	assert_true(n <= a->n_rows);
	SAME_ROWS(node, a->n_rows);
	SAME_ROWS(row_of, n_nodes);
	SAME_ROWS(piece, a->n_rows);
	SAME_ROWS(flat, a->n_rows);
	SAME_ROWS(cell_off, n);
	SAME_ROWS(n_cells, n);
	SAME_ROWS(lane, n);
	SAME_ROWS(shape, n);
	if (n)
		SAME_ROWS(cells, a->cell_off[n - 1] + a->n_cells[n - 1]);
	for (uint32_t r = 0; r < n; r++) /* the widest so far: room for any row laid */
		assert_true(a->n_cells[r] <= a->max_lanes);
}

/* P's layout made from the one before (layout_build_after) equals a fresh
 * one, byte for byte; it becomes the one before, but one time in three.
 * Every other time it is laid as far as a random revision first, as the
 * explorer does after an edit, and finished after (or let go unfinished). */
static void assert_layout_after_equal(const struct project *p, const char *after)
{
	struct layout inc, fresh;

	layout_build(&fresh, p);
	if (layout_turn % 2) { /* a revision and a distance of their own: rnd() draws the steps */
		uint32_t h = layout_turn * 2654435761u;

		layout_build_upto(&inc, p, &prev_layout, p->graph.n ? h % p->graph.n : NO_NODE, (h >> 16) % 300);
		assert_laid_so_far(&inc, &fresh, p->graph.n, after);
		rows_paused += layout_rows_final(&inc) < inc.n_rows;
		if (layout_turn % 7 == 1) {
			layout_free(&inc);
			layout_build_after(&inc, p, &prev_layout);
		}
		layout_finish(&inc);
	} else {
		layout_build_after(&inc, p, &prev_layout);
	}
	assert_layouts_equal(&inc, &fresh, p->graph.n, after);
	rows_taken += inc.n_rows - inc.rows_laid;
	rows_built += inc.n_rows;
	layout_free(&fresh);
	if (++layout_turn % 3 == 0) {
		layout_free(&inc);
		return;
	}
	layout_free(&prev_layout);
	prev_layout = inc;
}

/* A revision (not a missing one), and not one of AVOID (NULL: any). */
static const char *random_real(const struct graph *g, const bool *avoid)
{
	for (int tries = 0; tries < 50; tries++) {
		uint32_t v = rnd(g->n);

		if (!g->nodes[v].phantom && !(avoid && avoid[v]))
			return g->nodes[v].id;
	}
	return NULL;
}

/* An edit's answer (RC, ERR) when one of its parents is the revision itself
 * (SELF) or descends from it (CYCLE): refused as its own parent, else refused
 * for a cycle exactly when there is one. */
static void refused_as(int rc, const struct mt_error *err, bool self, bool cycle)
{
	if (self) {
		assert_true(rc && strstr(err->message, "its own parent"));
		return;
	}
	assert_int_equal(rc && strstr(err->message, "a cycle"), cycle);
}

/* One random operation; its name in WHAT. Refused ones change nothing, which
 * is checked too. */
/* The explorer's picker makes the walk after an edit ahead (order.h) for
 * the row selected: for REV's one parent becoming PAR. */
static void prepare_edit(struct edit_session *s, const char *rev, const char *par)
{
	struct graph *g = &s->p->graph;
	uint32_t v = graph_find(g, rev), to = graph_find(g, par);

	if (v != NO_NODE && to != NO_NODE)
		order_ranks_prepare_edit(g, v, &to, 1);
}

static void random_step(struct edit_session *s, char *what, size_t size)
{
	const struct graph *g = &s->p->graph;
	struct mt_error err = { 0 };
	uint32_t op = rnd(10);
	const char *rev = random_real(g, NULL), *par;
	struct strlist parents = { 0 };
	bool *desc;

	if (!rev) {
		snprintf(what, size, "nothing");
		return;
	}
	/* mostly parents that make no cycle, so that most edits are made */
	desc = graph_descendants(g, graph_find(g, rev));
	par = random_real(g, rnd(8) ? desc : NULL);
	if (!par) {
		free(desc);
		snprintf(what, size, "nothing");
		return;
	}
	if (rnd_from(&ahead_rng, 4) == 0) /* made ahead for an edit, which may not come */
		prepare_edit(s, rev, par);
	if (op < 3) {
		snprintf(what, size, "undo");
		edit_undo(s);
	} else if (op < 4) {
		snprintf(what, size, "redo");
		edit_redo(s);
	} else if (op < 7) {
		uint32_t n = rnd(3);

		for (uint32_t k = 0; k < n; k++) {
			const char *x = random_real(g, rnd(8) ? desc : NULL);

			if (x && !sl_contains(&parents, x))
				sl_push(&parents, x);
		}
		bool cycle = false, self = sl_contains(&parents, rev);
		int rc;

		for (size_t k = 0; k < parents.n; k++)
			cycle = cycle || desc[graph_find(g, parents.v[k])];
		snprintf(what, size, "set-down %s (%zu parents)", rev, (size_t)parents.n);
		if (parents.n == 1 && rnd_from(&ahead_rng, 2)) /* made ahead for this very edit */
			prepare_edit(s, rev, parents.v[0]);
		rc = edit_set_down(s, rev, &parents, false, &err);
		if (rc && getenv("DEBUG_RANDOM"))
			fprintf(stderr, "%s: %s\n", what, err.message);
		/* refused for a cycle exactly when a parent descends from it; the
		 * revision itself (its own descendant) is refused by name first */
		refused_as(rc, &err, self, cycle);
	} else if (op < 8) {
		if (++self_turn % 6 == 0) /* the revision itself, which the draws seldom give */
			par = rev;
		bool cycle = desc[graph_find(g, par)], self = !strcmp(par, rev); /* the edit frees both */
		int rc;

		snprintf(what, size, "add-parent %s %s", rev, par);
		rc = edit_add_parent(s, rev, par, &err);
		refused_as(rc, &err, self, cycle);
	} else if (op < 9) {
		uint32_t v = graph_find(g, rev);

		snprintf(what, size, "stub");
		for (uint32_t i = 0; i < g->n; i++)
			if (g->nodes[i].phantom && (g->nodes[i].children.n || g->nodes[i].dependants.n)) {
				snprintf(what, size, "stub %s on %s", g->nodes[i].id, rev);
				edit_create_stub(s, g->nodes[i].id, g->nodes[v].phantom ? NULL : rev, NULL, &err);
				break;
			}
	} else if (g->heads.n >= 2) {
		char *id = NULL;

		sl_push(&parents, g->nodes[g->heads.v[0]].id);
		sl_push(&parents, g->nodes[g->heads.v[g->heads.n - 1]].id);
		snprintf(what, size, "merge %s %s", parents.v[0], parents.v[1]);
		edit_create_merge(s, &parents, "merge", &id, &err);
		free(id);
	} else {
		snprintf(what, size, "nothing");
	}
	sl_free(&parents);
	free(desc);
}

/* The picker's lazy question (struct descent) and project_descends give
 * graph_descendants' set, whatever order the nodes are asked in, and a first
 * question walks no further than the nodes placed between the one asked and V. */
static void assert_descent_agrees(const struct project *p)
{
	const struct graph *g = &p->graph;

	for (int t = 0; t < 3 && g->n; t++) {
		uint32_t v = rnd(g->n), first = rnd(g->n), *perm = xmalloc(g->n * sizeof(uint32_t));
		bool *desc = graph_descendants(g, v);
		struct descent d;

		descent_init(&d, p, v);
		assert_int_equal(descent_ask(&d, first), desc[first]);
		if (d.pos) /* the walk stays within the order between FIRST and V */
			assert_true(d.work <= (d.pos[first] <= d.pos[v] ? d.pos[v] - d.pos[first] + 1 : 0));
		for (uint32_t k = 0; k < g->n; k++)
			perm[k] = k;
		for (uint32_t k = g->n - 1; k > 0 && t; k--) { /* the first pass in node order */
			uint32_t j = rnd(k + 1), x = perm[k];

			perm[k] = perm[j];
			perm[j] = x;
		}
		for (uint32_t k = 0; k < g->n; k++)
			assert_int_equal(descent_ask(&d, perm[k]), desc[perm[k]]);
		for (uint32_t k = 0; k < g->n; k++) /* the answers kept agree too */
			assert_int_equal(descent_ask(&d, k), desc[k]);
		for (uint32_t k = 0; k < g->n; k++) /* and the single question, which scans the order */
			assert_int_equal(project_descends(p, k, v), desc[k]);
		descent_free(&d);
		free(desc);
		free(perm);
	}
}

/* project_descends, about a few nodes, without a random number drawn (the
 * steps' draws stay as they were): each answer graph_descendants'. */
static void assert_descends_agrees(const struct project *p)
{
	const struct graph *g = &p->graph;
	uint32_t vs[3] = { 0, g->n / 2, g->n ? g->n - 1 : 0 };

	for (int t = 0; t < 3 && g->n; t++) {
		bool *desc = graph_descendants(g, vs[t]);

		for (uint32_t k = 0; k < g->n; k++)
			assert_int_equal(project_descends(p, k, vs[t]), desc[k]);
		free(desc);
	}
}

/* The in-place updates made and refused over the runs (each project's). */
static uint64_t updates_done, updates_refused, walks_taken;

static void run_seed(uint64_t seed, int n_revs, int steps)
{
	char tmpl[] = "/tmp/migtree-random-XXXXXX";
	struct config_request req = { 0 };
	struct mt_error err = { 0 };
	struct edit_session s;
	struct project p;
	char *dir, *cmd, what[256];
	uint64_t taken;

	rng = seed;
	ahead_rng = seed ^ 0x5bd1e995u;
	self_turn = 0;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	make_history(n_revs);
	dir = xasprintf("%s/versions", root);
	req.versions_dir = dir;
	req.defer_suggestions = seed % 2; /* the explorer's way, and the commands' */
	req.for_edits = seed % 3 != 0;     /* the first ranking made at load, or at the first edit */
	assert_int_equal(project_load(&req, &p, &err), 0);
	edit_begin(&s, &p);
	assert_same_as_fresh(&s, "loading");
	assert_descends_agrees(&p); /* before an edit leans on a wrong answer */
	setenv("MIGTREE_NOW", "2025-02-01 10:00:00.000000", 1);
	for (int i = 0; i < steps; i++) {
		char *id = xasprintf("%012d", i);

		setenv("MIGTREE_NEW_REVISION_ID", id, 1); /* new files get ids of their own */
		free(id);
		taken = p.graph.work.order_taken;
		random_step(&s, what, sizeof(what));
		if (p.graph.work.order_taken > taken) /* (a graph made again counts from 0) */
			walks_taken += p.graph.work.order_taken - taken;
		/* deferred suggestions: some steps left unasked, so that updates
		 * also meet a graph whose suggestions are still pending */
		if (!p.defer_suggestions || i % 3 == 0)
			assert_same_as_fresh(&s, what);
		assert_descent_agrees(&p);
		assert_layout_after_equal(&p, what);
	}
	assert_true(s.n_undo + s.n_redo >= 10); /* the edits were made, not all refused */
	while (edit_can_undo(&s)) { /* all the way back: the bytes loaded */
		edit_undo(&s);
		assert_same_as_fresh(&s, "undo to the start");
		assert_layout_after_equal(&p, "undo to the start");
	}
	layout_free(&prev_layout);
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	edit_end(&s);
	forget_names();
	updates_done += p.updates_done;
	updates_refused += p.updates_refused;
	project_free(&p);
	cmd = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* File I rewritten on disk with a random down_revision (an existing id, a
 * missing one, several, none), dated T so that its stamp surely changes. */
static void rewrite_on_disk(int n, int i, long t)
{
	char *p = xasprintf("%s/versions/%03d_r%03d.py", root, i, i), down[64];
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };
	uint32_t kind = rnd(10);

	if (kind == 0)
		snprintf(down, sizeof(down), "None");
	else if (kind == 1)
		snprintf(down, sizeof(down), "'gone%02u'", rnd(8));
	else if (kind == 2 && i > 1)
		snprintf(down, sizeof(down), "('r%03u', 'r%03u')", rnd((uint32_t)i), rnd((uint32_t)i));
	else if (kind == 3) /* any revision: now and then a cycle */
		snprintf(down, sizeof(down), "'r%03u'", rnd((uint32_t)n));
	else
		snprintf(down, sizeof(down), "'r%03u'", rnd((uint32_t)i ? (uint32_t)i : 1));
	write_file(i, down, "");
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
}

/* A reload after a few files changed on disk (the explorer's R and its watch)
 * equals a fresh load of the files, whether it relinked in place or rebuilt. */
static void run_reloads(uint64_t seed, int n_revs, int rounds)
{
	char tmpl[] = "/tmp/migtree-reload-random-XXXXXX";
	struct config_request req = { 0 }, fresh;
	struct mt_error err = { 0 };
	struct reload_stats st;
	struct project p, q;
	char *dir, *cmd, *inc, *full;
	long t = 1700000000;

	rng = seed;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	make_history(n_revs);
	dir = xasprintf("%s/versions", root);
	req.versions_dir = dir;
	setenv("MIGTREE_RACY_NS", "0", 1); /* the dates set below tell changes apart */
	req.defer_suggestions = seed % 2;
	fresh = req;
	fresh.defer_suggestions = false;
	assert_int_equal(project_load(&req, &p, &err), 0);
	for (int r = 0; r < rounds; r++) {
		/* now and then a checkout's worth: more than a relink each is worth */
		uint32_t changed = r % 10 == 9 ? 10 + rnd(5) : 1 + rnd(3);
		int rc;

		for (uint32_t k = 0; k < changed; k++)
			rewrite_on_disk(n_revs, (int)rnd((uint32_t)n_revs), t += 10);
		rc = project_reload_in_place(&req, &p, NULL, &st, &err);
		assert_true(rc == 0 || rc == 1);
		assert_true(st.reread <= changed);
		analyze_suggest(&p.graph);
		inc = state_text(&p);
		assert_layout_after_equal(&p, "a reload");
		assert_int_equal(project_load(&fresh, &q, &err), 0);
		full = state_text(&q);
		if (strcmp(inc, full))
			fail_msg("after reload %d the project differs from a fresh load:\n--- reloaded\n%s--- fresh\n%s",
				 r, inc, full);
		free(inc);
		free(full);
		project_free(&q);
	}
	unsetenv("MIGTREE_RACY_NS");
	layout_free(&prev_layout);
	updates_done += p.updates_done;
	updates_refused += p.updates_refused;
	project_free(&p);
	cmd = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static void test_random_reloads_equal_fresh_loads(void **state)
{
	uint64_t done, refused, done2, refused2;

	(void)state;
	done = updates_done, refused = updates_refused;
	for (uint64_t seed = 1; seed <= 4; seed++)
		run_reloads(seed * 0x2545f4914f6cdd1dull, 40 + (int)seed * 15, 40);
	done2 = updates_done, refused2 = updates_refused;
	if (getenv("DEBUG_RANDOM"))
		fprintf(stderr, "reloads in place: %llu, rebuilt: %llu\n", (unsigned long long)(done2 - done),
			(unsigned long long)(refused2 - refused));
	assert_true(done2 - done > 2 * (refused2 - refused));
}

static void test_random_edits_equal_fresh_builds(void **state)
{
	uint64_t done, refused;

	(void)state;
	for (uint64_t seed = 1; seed <= 9; seed++) {
		plain_only = seed > 6;
		run_seed(seed * 0x9e3779b97f4a7c15ull, 40 + (int)seed * 10, 60);
	}
	plain_only = false;
	/* most steps rewrite one file's down_revision: the in-place update must
	 * have made most of them, or this test checked only the rebuild */
	done = updates_done, refused = updates_refused;
	if (getenv("DEBUG_RANDOM"))
		fprintf(stderr, "in place: %llu, rebuilt: %llu\n", (unsigned long long)done,
			(unsigned long long)refused);
	assert_true(done > 2 * refused);
	assert_true(n_named_again > 10); /* undo and redo went back to named states */
	/* the layouts after most steps took rows from the one before */
	if (getenv("DEBUG_RANDOM"))
		fprintf(stderr, "layout rows taken: %llu of %llu\n", (unsigned long long)rows_taken,
			(unsigned long long)rows_built);
	assert_true(rows_taken > 0);
	assert_true(rows_paused > 0); /* some layouts were laid only as far as asked, then finished */
	if (getenv("DEBUG_RANDOM"))
		fprintf(stderr, "walks taken as made ahead: %llu\n", (unsigned long long)walks_taken);
	assert_true(walks_taken > 0); /* the edits' walks were made ahead, some of them */
}

/* A retarget past a revision's parent (onto the parent's first parent: the
 * seed report's repair, a revision taken out of the line) lays out again the
 * rows between the first and the last the edit moved, and a mark's worth
 * past them, each layout the same as a fresh one; undone, the same. The old
 * parent becomes a head, and Alembic's walk takes a head's line where it
 * first meets it, which may be far above the edit: on a plain history of
 * 1,500 more than half the rows are still taken (58% when written). */
static void test_layout_after_a_retarget_lays_few_rows(void **state)
{
	char tmpl[] = "/tmp/migtree-layout-after-XXXXXX";
	struct config_request req = { 0 };
	struct mt_error err = { 0 };
	struct edit_session s;
	struct project p;
	char *dir, *cmd;
	uint64_t taken = rows_taken, built = rows_built;
	int edits = 0;

	(void)state;
	rng = 0x5deece66dull;
	plain_only = true;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	make_history(1500);
	plain_only = false;
	dir = xasprintf("%s/versions", root);
	req.versions_dir = dir;
	req.defer_suggestions = true;
	req.for_edits = true;
	assert_int_equal(project_load(&req, &p, &err), 0);
	edit_begin(&s, &p);
	layout_build(&prev_layout, &p);
	while (edits < 40) {
		const struct graph *g = &p.graph;
		const struct node *nd = &g->nodes[rnd(g->n)], *up;
		struct strlist parents = { 0 };
		char what[96];

		if (nd->phantom || nd->down.n != 1 || g->nodes[nd->down.v[0]].down.n != 1)
			continue;
		up = &g->nodes[nd->down.v[0]];
		sl_push(&parents, g->nodes[up->down.v[0]].id);
		snprintf(what, sizeof(what), "%s onto %s", nd->id, parents.v[0]);
		layout_turn = 0; /* each layout the one before the next */
		if (edit_set_down(&s, nd->id, &parents, true, &err) == 0) {
			assert_layout_after_equal(&p, what);
			assert_int_equal(edit_undo(&s), 0);
			assert_layout_after_equal(&p, "its undo");
			edits++;
		}
		sl_free(&parents);
	}
	if (getenv("DEBUG_RANDOM"))
		fprintf(stderr, "layout rows taken: %llu of %llu\n", (unsigned long long)(rows_taken - taken),
			(unsigned long long)(rows_built - built));
	assert_true(rows_taken - taken > (rows_built - built) / 2);
	layout_free(&prev_layout);
	edit_end(&s);
	project_free(&p);
	cmd = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* ---- placeholders made at once ---- */

/* A random list of placeholders for G's missing revisions: each once, some
 * twice (a second try when the first is refused), in random order, on a
 * parent that is a revision, another missing one (made before it or not), a
 * revision above it (a cycle), an id nothing has, or none. The strings are
 * kept in OWN (the graph changes as they are made). */
static size_t random_stubs(const struct graph *g, struct strlist *own, struct edit_stub **out)
{
	struct u32vec missing = { 0 };
	size_t n = 0;

	for (uint32_t v = 0; v < g->n; v++)
		if (g->nodes[v].phantom && g->nodes[v].children.n)
			u32_push(&missing, v);
	*out = xcalloc(2 * (size_t)missing.n + 1, sizeof(**out));
	for (uint32_t k = 0; k < missing.n; k++)
		for (uint32_t twice = 0; twice < 1 + (rnd(4) == 0); twice++) {
			const struct node *nd = &g->nodes[missing.v[k]];
			uint32_t how = rnd(7), other = missing.v[rnd(missing.n)];
			const char *parent = how == 0   ? NULL
					     : how == 1 ? g->nodes[other].id
					     : how == 2 ? g->nodes[nd->children.v[0]].id
					     : how == 3 ? "nosuch"
							: random_real(g, NULL);

			sl_push(own, nd->id);
			(*out)[n].id = own->v[own->n - 1];
			if (parent) {
				sl_push(own, parent);
				(*out)[n].parent = own->v[own->n - 1];
			}
			n++;
		}
	for (size_t k = n; k > 1; k--) { /* shuffled */
		size_t j = rnd((uint32_t)k);
		struct edit_stub x = (*out)[k - 1];

		(*out)[k - 1] = (*out)[j];
		(*out)[j] = x;
	}
	free(missing.v);
	return n;
}

/* STUBS made one at a time in S, as edit_create_stubs says it makes them:
 * one for an id made before it is left out. */
static void stubs_one_at_a_time(struct edit_session *s, struct edit_stub *stubs, size_t n)
{
	struct strmap made;

	strmap_init(&made);
	for (size_t k = 0; k < n; k++) {
		struct mt_error err = { 0 };

		stubs[k].made = false;
		stubs[k].refused = NULL;
		if (strmap_get(&made, stubs[k].id, NULL))
			continue;
		if (edit_create_stub(s, stubs[k].id, stubs[k].parent, NULL, &err))
			stubs[k].refused = xstrdup(err.message);
		else
			stubs[k].made = strmap_put(&made, stubs[k].id, 0);
	}
	strmap_free(&made);
}

static void assert_sessions_agree(struct edit_session *a, struct edit_session *b, const char *after)
{
	char *ta, *tb;

	edit_suggest(a, NULL);
	edit_suggest(b, NULL);
	ta = state_text(a->p);
	tb = state_text(b->p);
	if (strcmp(ta, tb))
		fail_msg("after %s, at once and one at a time differ:\n--- at once\n%s--- one at a time\n%s", after, ta, tb);
	assert_int_equal(a->n_files, b->n_files);
	for (size_t i = 0; i < a->n_files; i++) /* the same files, in the same order */
		assert_string_equal(edit_file_abs_path(a, i), edit_file_abs_path(b, i));
	assert_touched_listed(a, after);
	free(ta);
	free(tb);
}

static void load_versions(struct project *p, const char *dir)
{
	struct config_request req = { 0 };
	struct mt_error err = { 0 };

	req.versions_dir = dir;
	req.recursive = true;
	req.defer_suggestions = true;
	assert_int_equal(project_load(&req, p, &err), 0);
}

/* One history: the placeholders made by edit_create_stubs as one step, and
 * one at a time, refuse the same ones for the same reasons and leave the same
 * state; one undo takes them all back; redo brings them again. With CYCLE
 * two more revisions name each other: no order to keep, so edit_create_stubs
 * makes them one step each. */
/* Two sessions on two loads of one generated history: the same changes made
 * two ways (at once, one at a time) are compared. */
struct twin {
	char *dir;
	struct project pa, pb;
	struct edit_session a, b;
};

/* ROOT a new scratch directory (TMPL, as mkdtemp takes it) with a history of
 * N_REVS revisions made from SEED. */
static void scratch_history(char *tmpl, uint64_t seed, int n_revs)
{
	rng = seed;
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, root));
	make_history(n_revs);
}

/* T: the history under ROOT (as it is now) loaded twice, a session on each. */
static void twin_begin(struct twin *t)
{
	t->dir = xasprintf("%s/versions", root);
	load_versions(&t->pa, t->dir);
	load_versions(&t->pb, t->dir);
	edit_begin(&t->a, &t->pa);
	edit_begin(&t->b, &t->pb);
}

/* T's sessions and loads ended, ROOT removed. */
static void twin_end(struct twin *t)
{
	char *cmd = xasprintf("rm -rf '%s'", root);

	edit_end(&t->a);
	edit_end(&t->b);
	forget_names();
	project_free(&t->pa);
	project_free(&t->pb);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(t->dir);
}

static void run_stub_seed(uint64_t seed, int n_revs, bool cycle)
{
	char tmpl[] = "/tmp/migtree-stubs-XXXXXX";
	struct twin t;
	struct edit_stub *at_once, *each;
	struct strlist own = { 0 };
	size_t n, made = 0;

	scratch_history(tmpl, seed, n_revs);
	if (cycle) {
		write_file(n_revs, "'r" "9990'", "");
		write_file(n_revs + 1, "'gone00'", "");
		write_file(9990, "'r" "9991'", "");
		write_file(9991, "'r" "9990'", "");
	}
	twin_begin(&t);
	assert_int_equal(t.pa.graph.has_cycle, cycle);
	n = random_stubs(&t.pa.graph, &own, &at_once);
	each = xmalloc((n ? n : 1) * sizeof(*each));
	memcpy(each, at_once, n * sizeof(*each));
	edit_create_stubs(&t.a, at_once, n);
	stubs_one_at_a_time(&t.b, each, n);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(at_once[k].made, each[k].made);
		if (at_once[k].refused || each[k].refused)
			assert_string_equal(at_once[k].refused ? at_once[k].refused : "(made)",
					    each[k].refused ? each[k].refused : "(made)");
		made += at_once[k].made;
		free(at_once[k].refused);
		free(each[k].refused);
	}
	assert_true(made >= 2);
	assert_int_equal(t.a.n_undo, cycle ? made : 1); /* one step, or one each */
	assert_sessions_agree(&t.a, &t.b, "the placeholders");
	assert_same_as_fresh(&t.a, "the placeholders at once");
	while (edit_can_undo(&t.a))
		edit_undo(&t.a);
	while (edit_can_undo(&t.b))
		edit_undo(&t.b);
	assert_sessions_agree(&t.a, &t.b, "undo");
	assert_same_as_fresh(&t.a, "undoing the placeholders");
	assert_int_equal(edit_changed(&t.a, NULL, 0), 0);
	while (edit_can_redo(&t.a))
		edit_redo(&t.a);
	while (edit_can_redo(&t.b))
		edit_redo(&t.b);
	assert_sessions_agree(&t.a, &t.b, "redo");
	sl_free(&own);
	free(at_once);
	free(each);
	twin_end(&t);
}

static void test_placeholders_at_once_equal_one_at_a_time(void **state)
{
	(void)state;
	setenv("MIGTREE_NOW", "2025-02-01 10:00:00.000000", 1);
	gone_ids = 40;
	gone_in_20 = 4;
	gone_sort_first = true;
	for (uint64_t seed = 1; seed <= 12; seed++) {
		in_subdir = seed % 2 == 0;
		plain_only = seed % 3 == 0;
		run_stub_seed(seed * 0xd1b54a32d192ed03ull, 60 + (int)seed * 15, seed % 4 == 3);
	}
	gone_ids = 5;
	gone_in_20 = 1;
	in_subdir = plain_only = gone_sort_first = false;
}

/* ---- re-parents as one batch ---- */

/* The (child, missing parent) pairs S's history names, the open batch's
 * re-parents included (edit_names), sorted (a missing revision's node
 * number follows where it is first named, and the batch's graph is older):
 * what the planner asks. */
static char *named_missing(const struct edit_session *s)
{
	const struct graph *g = &s->p->graph;
	struct strlist pairs = { 0 };
	char *text;

	for (uint32_t v = 0; v < g->n; v++)
		for (uint32_t k = 0; g->nodes[v].phantom && k < g->nodes[v].children.n; k++)
			if (edit_names(s, g->nodes[v].children.v[k], v))
				sl_push_owned(&pairs, xasprintf("%s<-%s", g->nodes[v].id, g->nodes[g->nodes[v].children.v[k]].id));
	sl_sort(&pairs);
	text = sl_join(&pairs, " ");
	sl_free(&pairs);
	return text;
}

/* A random re-parent, the same in both sessions: mostly a revision whose
 * parent is missing given a revision (a cycle now and then, through the ones
 * before it), else any revision given one parent or two (dropping one that is
 * there) or one added, a missing id or itself. Strings in OWN. */
static void random_relink(const struct graph *g, struct strlist *own, const char **rev, struct strlist *parents,
			  bool *adding)
{
	uint32_t how = rnd(10), v = NO_NODE;

	for (int tries = 0; tries < 20 && how < 6 && v == NO_NODE; tries++) {
		uint32_t x = rnd(g->n);

		if (g->nodes[x].phantom && g->nodes[x].children.n)
			v = g->nodes[x].children.v[rnd(g->nodes[x].children.n)];
	}
	*rev = v != NO_NODE ? g->nodes[v].id : random_real(g, NULL);
	sl_push(own, *rev ? *rev : "r000");
	*rev = own->v[own->n - 1];
	*adding = how == 6 || how == 7;
	for (uint32_t k = 0; k < 1 + (how == 8); k++) {
		const char *p = rnd(12) == 0 ? "gone00" : rnd(15) == 0 ? *rev : random_real(g, NULL);

		if (p && !sl_contains(parents, p))
			sl_push(parents, p);
	}
}

/* One history: re-parents made in a batch, and one at a time, are made or
 * refused alike, with the same words; what each revision names agrees after
 * every one; the batch ended, the two sessions hold the same history and the
 * same diff. */
static void run_batch_seed(uint64_t seed, int n_revs, int n_ops)
{
	char tmpl[] = "/tmp/migtree-batch-XXXXXX", *da, *db;
	struct twin t;
	struct strlist own = { 0 };
	size_t made = 0;

	scratch_history(tmpl, seed, n_revs);
	twin_begin(&t);
	edit_batch_begin(&t.a, NULL, 0);
	for (int i = 0; i < n_ops; i++) {
		struct strlist parents = { 0 };
		struct mt_error ea = { 0 }, eb = { 0 };
		const char *rev;
		bool adding;
		int ra, rb;
		char *na, *nb;

		random_relink(&t.pb.graph, &own, &rev, &parents, &adding);
		if (adding && parents.n) {
			ra = edit_add_parent(&t.a, rev, parents.v[0], &ea);
			rb = edit_add_parent(&t.b, rev, parents.v[0], &eb);
		} else {
			ra = edit_set_down(&t.a, rev, &parents, false, &ea);
			rb = edit_set_down(&t.b, rev, &parents, false, &eb);
		}
		assert_int_equal(ra, rb);
		assert_string_equal(ea.message, eb.message);
		made += !ra;
		na = named_missing(&t.a);
		nb = named_missing(&t.b);
		assert_string_equal(na, nb);
		free(na);
		free(nb);
		sl_free(&parents);
	}
	assert_true(made >= 3);
	edit_batch_end(&t.a);
	assert_true(t.a.n_undo < t.b.n_undo); /* steps of several re-parents */
	assert_sessions_agree(&t.a, &t.b, "the batch");
	assert_same_as_fresh(&t.a, "the batch");
	da = edit_diff(&t.a);
	db = edit_diff(&t.b);
	assert_string_equal(da, db);
	free(da);
	free(db);
	sl_free(&own);
	twin_end(&t);
}

static void test_batch_equals_one_at_a_time(void **state)
{
	(void)state;
	gone_ids = 40;
	gone_in_20 = 6;
	for (uint64_t seed = 1; seed <= 16; seed++) {
		plain_only = seed % 3 == 0;
		run_batch_seed(seed * 0x9e3779b97f4a7c15ull, 50 + (int)seed * 10, 40);
	}
	gone_ids = 5;
	gone_in_20 = 1;
	plain_only = false;
}

/* ---- merges as one step ---- */

/* Random groups of G's heads to merge: two to four, now and then a revision
 * that is no head, a missing id, a head named twice, or one a group before
 * took. Strings in OWN. */
static size_t random_merges(const struct graph *g, struct strlist *own, struct strlist **out)
{
	size_t n = 3 + rnd(8);

	*out = xcalloc(n, sizeof(**out));
	for (size_t k = 0; k < n; k++) {
		uint32_t size = 1 + rnd(4);

		for (uint32_t j = 0; j < size && g->heads.n; j++) {
			uint32_t how = rnd(12);
			const char *id = how == 0 ? "gone00" : how == 1 ? random_real(g, NULL)
							     : g->nodes[g->heads.v[rnd(g->heads.n)]].id;

			sl_push(own, id ? id : "gone01");
			sl_push(&(*out)[k], own->v[own->n - 1]);
		}
	}
	return n;
}

/* What a merge made of S's history: its parents' ids, or "-". */
static char *merge_parents(const struct edit_session *s, const char *id)
{
	uint32_t v = id ? graph_find(&s->p->graph, id) : NO_NODE;
	struct strlist ids = { 0 };
	char *text;

	if (v == NO_NODE)
		return xstrdup("-");
	for (uint32_t k = 0; k < s->p->graph.nodes[v].down.n; k++)
		sl_push(&ids, s->p->graph.nodes[s->p->graph.nodes[v].down.v[k]].id);
	text = sl_join(&ids, " ");
	sl_free(&ids);
	return text;
}

/* One history: merges made by edit_create_merges as one step, and one at a
 * time, refuse the same ones for the same reasons and make the same merges
 * (their ids are random: compared by their parents) and the same heads. */
static void run_merge_seed(uint64_t seed, int n_revs)
{
	char tmpl[] = "/tmp/migtree-merges-XXXXXX";
	struct twin t;
	struct strlist own = { 0 }, *groups;
	struct edit_merge *m;
	size_t n, made = 0;

	scratch_history(tmpl, seed, n_revs);
	twin_begin(&t);
	n = random_merges(&t.pa.graph, &own, &groups);
	m = xcalloc(n, sizeof(*m));
	for (size_t k = 0; k < n; k++)
		m[k].heads = &groups[k];
	edit_create_merges(&t.a, m, n);
	for (size_t k = 0; k < n; k++) {
		struct mt_error err = { 0 };
		char *id = NULL, *pa_text, *pb_text;
		int rc = edit_create_merge(&t.b, &groups[k], NULL, &id, &err);

		assert_int_equal(rc == 0, m[k].refused == NULL);
		if (rc)
			assert_string_equal(err.message, m[k].refused);
		pa_text = merge_parents(&t.a, m[k].new_id);
		pb_text = merge_parents(&t.b, id);
		assert_string_equal(pa_text, pb_text);
		made += !rc;
		free(pa_text);
		free(pb_text);
		free(id);
		free(m[k].new_id);
		free(m[k].refused);
		sl_free(&groups[k]);
	}
	assert_int_equal(t.a.n_undo, made ? 1 : 0);
	assert_int_equal(t.b.n_undo, made);
	assert_int_equal(t.pa.graph.heads.n, t.pb.graph.heads.n);
	assert_int_equal(t.pa.graph.problems.n, t.pb.graph.problems.n);
	assert_same_as_fresh(&t.a, "the merges at once");
	sl_free(&own);
	free(groups);
	free(m);
	twin_end(&t);
}

static void test_merges_at_once_equal_one_at_a_time(void **state)
{
	(void)state;
	unsetenv("MIGTREE_NEW_REVISION_ID");
	for (uint64_t seed = 1; seed <= 16; seed++) {
		plain_only = seed % 3 == 0;
		run_merge_seed(seed * 0xbf58476d1ce4e5b9ull, 40 + (int)seed * 10);
	}
	plain_only = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_edits_equal_fresh_builds),
		cmocka_unit_test(test_random_reloads_equal_fresh_loads),
		cmocka_unit_test(test_layout_after_a_retarget_lays_few_rows),
		cmocka_unit_test(test_placeholders_at_once_equal_one_at_a_time),
		cmocka_unit_test(test_batch_equals_one_at_a_time),
		cmocka_unit_test(test_merges_at_once_equal_one_at_a_time),
	};

	return cmocka_run_group_tests_name("edit_random", tests, NULL, NULL);
}
