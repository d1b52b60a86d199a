/* graph_text.c - the compact graph form -> a project, through the real parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_text.h"

static char *python_for(char *line)
{
	struct strlist down = { 0 }, deps = { 0 }, labels = { 0 };
	struct strbuf sb;
	char *save = NULL, *rev = strtok_r(line, " \t", &save), *tok;

	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (tok[0] == '+')
			sl_push(&deps, tok + 1);
		else if (tok[0] == '@')
			sl_push(&labels, tok + 1);
		else
			sl_push(&down, tok);
	}
	sb_init(&sb);
	sb_addf(&sb, "\"\"\"message of %s\n\nRevision ID: %s\n\"\"\"\nrevision = '%s'\ndown_revision = ", rev, rev, rev);
	if (!down.n) {
		sb_adds(&sb, "None");
	} else {
		sb_adds(&sb, "(");
		for (size_t i = 0; i < down.n; i++)
			sb_addf(&sb, "'%s', ", down.v[i]);
		sb_adds(&sb, ")");
	}
	sb_adds(&sb, "\ndepends_on = (");
	for (size_t i = 0; i < deps.n; i++)
		sb_addf(&sb, "'%s', ", deps.v[i]);
	sb_adds(&sb, ")\nbranch_labels = (");
	for (size_t i = 0; i < labels.n; i++)
		sb_addf(&sb, "'%s', ", labels.v[i]);
	sb_adds(&sb, ")\n");
	sl_free(&down);
	sl_free(&deps);
	sl_free(&labels);
	return sb_detach(&sb);
}

void graph_text_add(struct project *p, const char *id, const char *src)
{
	char *path = xasprintf("versions/%s.py", id);
	struct revision_file *rf = parse_revision_file(path, src, strlen(src));

	assert_null(rf->error);
	rf->load_index = p->files.n;
	GROW(p->files.v, p->files.cap, p->files.n + 1);
	p->files.v[p->files.n++] = rf;
	free(path);
}

void graph_text_load(struct project *p, const char *text)
{
	char *copy = xstrdup(text), *save = NULL, *line;

	memset(p, 0, sizeof(*p));
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *src, *id;

		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		id = xstrndup(line, strcspn(line, " \t"));
		src = python_for(line);
		graph_text_add(p, id, src);
		free(src);
		free(id);
	}
	free(copy);
	project_analyse(p);
}

char *graph_text_order(const struct project *p)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t i = 0; i < p->order.n; i++) {
		const struct node *nd = &p->graph.nodes[p->order.v[i]];

		sb_addf(&sb, nd->phantom ? "%s[%s]" : "%s%s", i ? " " : "", nd->id);
	}
	return sb_detach(&sb);
}

uint32_t graph_text_node(const struct project *p, const char *id)
{
	uint32_t v = graph_find(&p->graph, id);

	assert_int_not_equal(v, NO_NODE);
	return v;
}

size_t graph_text_count(const struct project *p, enum problem_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->graph.problems.n; i++)
		n += p->graph.problems.v[i].kind == kind;
	return n;
}
