/* cmd_report.c - heads, bases, branches, history: Alembic's own listings. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/cli.h"
#include "migtree/format.h"
#include "migtree/range.h"

/* Parse -v and (when RANGE is not NULL: history) -r and -i; 0, or where to stop
 * (cli_options_exit). */
static int report_options(int argc, char **argv, bool *verbose, char **range, bool *indicate)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option range_longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "rev-range", required_argument, NULL, 'r' },
		{ "indicate-current", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = cli_getopt(argv[0], argc, argv, range ? "vr:i" : "v", range ? range_longopts : longopts)) != -1) {
		if (c == 'v')
			*verbose = true;
		else if (c == 'r')
			*range = optarg;
		else if (c == 'i')
			*indicate = true;
		else
			return c; /* --help, or the line cli_getopt printed */
	}
	if (optind < argc) {
		cli_error("%s takes no argument '%s' (see migtree help %s)", argv[0], argv[optind], argv[0]);
		return CLI_OPT_BAD;
	}
	return 0;
}

static void list_heads(FILE *out, const struct project *p, bool verbose)
{
	print_heads(out, &p->graph, verbose);
}

static void list_bases(FILE *out, const struct project *p, bool verbose)
{
	print_bases(out, &p->graph, verbose);
}

static void list_branches(FILE *out, const struct project *p, bool verbose)
{
	print_branches(out, &p->graph, &p->order, verbose);
}

/* heads, bases and branches: options, load, print, warn. */
/* ORDERED: LIST reads the history order. */
static int run_listing(struct cli *cli, int argc, char **argv,
		       void (*list)(FILE *, const struct project *, bool), bool ordered)
{
	struct project p;
	bool verbose = false;
	int stop;

	if ((stop = report_options(argc, argv, &verbose, NULL, NULL)))
		return cli_options_exit(stop);
	cli->req.defer_suggestions = true; /* no fix is shown: suggestions are not made */
	cli->req.no_order = !ordered;
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	list(cli->out, &p, verbose);
	cli_warn_if_alembic_fails(&p);
	project_free(&p);
	return EXIT_OK;
}

int cmd_heads(struct cli *cli, int argc, char **argv)
{
	return run_listing(cli, argc, argv, list_heads, false);
}

int cmd_bases(struct cli *cli, int argc, char **argv)
{
	return run_listing(cli, argc, argv, list_bases, false);
}

int cmd_branches(struct cli *cli, int argc, char **argv)
{
	return run_listing(cli, argc, argv, list_branches, true);
}

/* Alembic's words for a range end that names nothing or several ("Can't locate
 * revision identified by 'X'", range.c), byte for byte as `history` is, and the
 * closest names on a line of their own after it. */
static void range_error(const struct project *p, const char *message)
{
	static const char cant[] = "Can't locate revision identified by '";
	const char *end = strrchr(message, '\'');
	char *name, *hint = NULL;

	if (!strncmp(message, cant, sizeof(cant) - 1) && end > message + sizeof(cant) - 1) {
		name = xstrndup(message + sizeof(cant) - 1, (size_t)(end - message) - (sizeof(cant) - 1));
		hint = cli_revision_hint(p, name, HINT_PRESENT);
		free(name);
	}
	cli_error("%s", message);
	if (hint)
		cli_error("%s", hint);
	free(hint);
}

/* history -i: the revisions the database is stamped with, marked "(current)" as
 * Alembic marks them (exactly the rows: not their ancestors); *MARKS per node,
 * owned. Stamps no file defines mark nothing (Alembic's history -i does not look
 * them up) and are said on stderr. -1 after one line when there is no database. */
static int current_marks(struct cli *cli, struct project *p, bool **marks)
{
	struct cli_db d;
	struct mt_error err = { 0 };

	*marks = NULL;
	if (cli_db_read(cli, p, true, &d, &err)) {
		cli_report("", &err);
		return -1;
	}
	if (!d.st.url_display) {
		cli_error("history -i reads a database: give --db URL, set MIGTREE_DB, or set sqlalchemy.url in the "
			  "configuration");
		cli_db_free(&d);
		return -1;
	}
	*marks = xcalloc(p->graph.n ? p->graph.n : 1, sizeof(bool));
	for (size_t i = 0; i < d.st.stamps.n; i++) { /* `sc.revision in currents`: the id as written */
		uint32_t v = graph_find(&p->graph, d.st.stamps.v[i]);

		if (v != NO_NODE)
			(*marks)[v] = true;
	}
	cli_db_report_unknown(p, &d);
	cli_db_free(&d);
	return 0;
}

int cmd_history(struct cli *cli, int argc, char **argv)
{
	struct project p;
	bool verbose = false, indicate = false, *marks = NULL;
	char *range = NULL, *lower = NULL, *upper = NULL;
	struct u32vec order = { 0 };
	struct mt_error err = { 0 };
	int rc = EXIT_OK, stop;

	if ((stop = report_options(argc, argv, &verbose, &range, &indicate)))
		return cli_options_exit(stop);
	if (range && range_parse(range, &lower, &upper, &err)) {
		cli_error("%s", err.message);
		return EXIT_USAGE;
	}
	cli->req.defer_suggestions = true; /* no fix is shown: suggestions are not made */
	if (cli_load(cli, &p)) {
		free(lower);
		free(upper);
		return EXIT_USAGE;
	}
	if (indicate && current_marks(cli, &p, &marks)) {
		rc = EXIT_USAGE;
	} else if (!range) {
		print_history_marked(cli->out, &p.graph, &p.order, verbose, marks);
	} else if (history_range(&p.graph, lower, upper, &order, &err) == 0) {
		print_history_marked(cli->out, &p.graph, &order, verbose, marks);
	} else {
		range_error(&p, err.message);
		rc = EXIT_USAGE;
	}
	cli_warn_if_alembic_fails(&p);
	free(marks);
	free(order.v);
	free(lower);
	free(upper);
	project_free(&p);
	return rc;
}
