/* cli.c - helpers shared by the commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/cli.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("migtree: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_report(const char *prefix, const struct mt_error *err)
{
	char buf[sizeof(err->path) + sizeof(err->message) + 32];

	mt_error_format(err, buf, sizeof(buf));
	cli_error("%s%s", prefix, buf);
}

int cli_load(struct cli *cli, struct project *p)
{
	struct mt_error err = { 0 };

	if (project_load(&cli->req, p, &err) == 0) {
		for (size_t i = 0; !cli->notes_shown && i < p->config.notes.n; i++)
			cli_error("note: %s", p->config.notes.v[i]);
		cli->notes_shown = true;
		return 0;
	}
	cli_report("", &err);
	project_free(p);
	return -1;
}

uint32_t cli_resolve(const struct project *p, const char *arg)
{
	struct strlist matches = { 0 };
	uint32_t node = NO_NODE;
	char *list;

	switch (graph_resolve(&p->graph, arg, &node, &matches)) {
	case RESOLVE_OK:
		break;
	case RESOLVE_NONE:
		if (graph_find(&p->graph, arg) != NO_NODE)
			cli_error("revision '%s' is referenced but missing (no file defines it)", arg);
		else
			cli_error("no revision or branch label '%s'%s", arg,
				  strlen(arg) < 4 ? " (prefixes need at least four characters)" : "");
		break;
	case RESOLVE_AMBIGUOUS:
		list = sl_join(&matches, ", ");
		cli_error("'%s' is ambiguous; it could be %s", arg, list);
		free(list);
		break;
	}
	sl_free(&matches);
	return node;
}

/* Output that holds `<unknown NAME>` is not Alembic's: say which names, once. */
static void warn_unknown_values(const struct project *p)
{
	const struct problem_list *pl = &p->graph.problems;
	struct strlist names = { 0 };
	char *list;

	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].kind == PROBLEM_UNKNOWN_VALUE && !sl_contains(&names, pl->v[i].ref))
			sl_push(&names, pl->v[i].ref);
	if (!names.n)
		return;
	list = sl_join(&names, ", ");
	cli_error("warning: shown as <unknown ...>, what only running the files could tell: %.600s; "
		  "give %s with --define NAME=VALUE (see `migtree check`)",
		  list, names.n == 1 ? "it" : "them");
	free(list);
	sl_free(&names);
}

void cli_warn_if_alembic_fails(const struct project *p)
{
	size_t errors = problem_count(&p->graph.problems, SEVERITY_ERROR);

	if (errors)
		cli_error("warning: %zu error%s in this history; Alembic itself would refuse to load it "
			  "(see `migtree check`)",
			  errors, errors == 1 ? "" : "s");
	warn_unknown_values(p);
}

const char *cli_color(const struct cli *cli, const char *code)
{
	return cli->color ? code : "";
}
