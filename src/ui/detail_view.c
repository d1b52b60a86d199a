/* detail_view.c - everything about the selected revision, with its parents,
 * children and dependencies as links to jump along. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/ui.h"

struct dline {
	char *text;
	int role;
	uint32_t link; /* node to jump to, NO_NODE for plain text */
};

struct dlines {
	struct dline *v;
	size_t n, cap;
};

static void add(struct dlines *d, int role, uint32_t link, char *text)
{
	GROW(d->v, d->cap, d->n + 1);
	d->v[d->n++] = (struct dline){ text, role, link };
}

static void add_links(struct dlines *d, const struct graph *g, const char *title,
		      const struct u32vec *nodes)
{
	if (!nodes->n)
		return;
	add(d, C_TITLE, NO_NODE, xstrdup(title));
	for (uint32_t i = 0; i < nodes->n; i++) {
		const struct node *nd = &g->nodes[nodes->v[i]];

		add(d, nd->phantom ? C_PHANTOM : C_ID, nodes->v[i],
		    xasprintf("  %s  %s", nd->id, nd->phantom ? "(missing)" : nd->file->message));
	}
}

/* Values read through a name: where they came from, or what was tried. */
static void add_values(struct dlines *d, const struct revision_file *rf)
{
	const struct py_value *vals[] = { &rf->rev, &rf->down, &rf->labels, &rf->deps };
	const char *names[] = { "revision", "down_revision", "branch_labels", "depends_on" };

	for (int f = 0; f < 4; f++) {
		const struct py_value *v = vals[f];

		if (v->resolved_from)
			add(d, C_NORMAL, NO_NODE, xasprintf("%s read from %s", names[f], v->resolved_from));
		for (size_t k = 0; k < v->unknown.n; k++)
			add(d, C_WARNING, NO_NODE,
			    xasprintf("%s: %s unknown without running the file (%s)", names[f],
				      v->unknown.v[k], v->unknown_why.v[k]));
	}
}

static void build(const struct ui *ui, uint32_t v, struct dlines *d)
{
	const struct graph *g = &ui->project.graph;
	const struct node *nd = &g->nodes[v];
	const struct revision_file *rf = nd->file;
	size_t *mine, n_mine;

	if (nd->phantom) {
		add(d, C_PHANTOM, NO_NODE, xasprintf("%s is missing: no migration file defines it", nd->id));
	} else {
		add(d, C_ID, NO_NODE, xasprintf("%s  %s:%d", nd->id, rf->path, rf->rev.line));
		add(d, C_NORMAL, NO_NODE, xasprintf("%s", rf->message));
		if (rf->doc_create_date.value)
			add(d, C_DATE, NO_NODE, xasprintf("Create Date: %s", rf->doc_create_date.value));
		if (nd->is_head || nd->is_base || nd->is_branch_point || nd->is_merge_point || nd->in_cycle)
			add(d, C_NORMAL, NO_NODE,
			    xasprintf("%s%s%s%s%s", nd->is_head ? "head  " : "", nd->is_base ? "base  " : "",
				      nd->is_branch_point ? "branch point  " : "",
				      nd->is_merge_point ? "merge point  " : "", nd->in_cycle ? "in a cycle" : ""));
		for (uint32_t i = 0; i < nd->n_labels; i++)
			add(d, C_LABEL, NO_NODE, xasprintf("branch label: %s", nd->labels[i]));
		add_values(d, rf);
	}
	add_links(d, g, "parents (down_revision)", &nd->down);
	add_links(d, g, "children", &nd->children);
	add_links(d, g, "depends on", &nd->deps);
	add_links(d, g, "needed by", &nd->dependants);
	/* a missing revision shows the problems of the revisions that name it */
	n_mine = problems_of(g, v, &mine);
	for (size_t i = 0; i < n_mine; i++) {
		const struct problem *p = &g->problems.v[mine[i]];
		bool err = problem_severity(p->kind) == SEVERITY_ERROR;

		add(d, err ? C_ERROR : C_WARNING, NO_NODE,
		    xasprintf("%s %s:%d: %s", problem_kind_name(p->kind), p->path ? p->path : "", p->line, p->message));
		for (size_t k = 0; k < p->n_fixv; k++) {
			char *line = fix_sentence(&p->fixv[k]);

			add(d, C_NORMAL, NO_NODE, xasprintf("    fix: %s", line));
			free(line);
		}
	}
	free(mine);
	if (!nd->phantom && *rf->longdoc) {
		add(d, C_TITLE, NO_NODE, xstrdup("docstring"));
		for (const char *s = rf->longdoc; *s;) {
			size_t len = strcspn(s, "\n");

			add(d, C_NORMAL, NO_NODE, xstrndup(s, len));
			s += len + (s[len] == '\n');
		}
	}
}

static void release(struct dlines *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
}

/* Index in D of the DETAIL_SEL-th link, or d->n when there is none. */
static size_t selected_line(const struct ui *ui, const struct dlines *d, uint32_t *links)
{
	size_t at = d->n;

	*links = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].link != NO_NODE) {
			if (*links == ui->detail_sel)
				at = i;
			(*links)++;
		}
	return at;
}

void detail_view_draw(struct ui *ui, int top, int height)
{
	struct dlines d = { 0 };
	uint32_t links;
	size_t sel, first = 0;

	if (!ui_line_count(ui))
		return;
	build(ui, ui_line_node(ui, ui->sel), &d);
	sel = selected_line(ui, &d, &links);
	if (links && ui->detail_sel >= links)
		ui->detail_sel = links - 1, sel = selected_line(ui, &d, &links);
	if (sel < d.n && sel >= (size_t)height)
		first = sel - (size_t)height + 1;
	for (int i = 0; i < height && first + (size_t)i < d.n; i++) {
		const struct dline *l = &d.v[first + (size_t)i];

		move(top + i, 0);
		attron(draw_attr(l->role == C_TITLE ? C_GRAPH : l->role));
		draw_text(l->text, COLS);
		attroff(draw_attr(l->role == C_TITLE ? C_GRAPH : l->role));
		if (first + (size_t)i == sel)
			mvchgat(top + i, 0, -1, A_REVERSE, 0, NULL);
	}
	release(&d);
}

bool detail_view_key(struct ui *ui, int key)
{
	struct dlines d = { 0 };
	uint32_t links;
	size_t sel;
	bool done = true;

	if (!ui_line_count(ui))
		return false;
	build(ui, ui_line_node(ui, ui->sel), &d);
	sel = selected_line(ui, &d, &links);
	switch (key) {
	case 'j': case KEY_DOWN: case '\t':
		if (ui->detail_sel + 1 < links)
			ui->detail_sel++;
		break;
	case 'k': case KEY_UP:
		if (ui->detail_sel > 0)
			ui->detail_sel--;
		break;
	case '\n': case '\r': case KEY_ENTER:
		if (sel < d.n) {
			ui_select_node(ui, d.v[sel].link);
			ui->detail_sel = 0;
		}
		break;
	default:
		done = false;
	}
	release(&d);
	return done;
}
