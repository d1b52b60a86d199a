/* cmd_report.c - heads, bases, branches, history: Alembic's own listings. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/cli.h"
#include "migtree/format.h"
#include "migtree/range.h"

/* Parse -v and (when RANGE is not NULL) -r; returns -1 on a usage error. */
static int report_options(int argc, char **argv, bool *verbose, char **range)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "rev-range", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, range ? "vr:" : "v", longopts, NULL)) != -1) {
		if (c == 'v') {
			*verbose = true;
		} else if (c == 'r' && range) {
			*range = optarg;
		} else {
			cli_error("usage: migtree %s [-v]%s", argv[0], range ? " [-r LOWER:UPPER]" : "");
			return -1;
		}
	}
	if (optind < argc) {
		cli_error("%s takes no argument '%s'", argv[0], argv[optind]);
		return -1;
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
static int run_listing(struct cli *cli, int argc, char **argv,
		       void (*list)(FILE *, const struct project *, bool))
{
	struct project p;
	bool verbose = false;

	if (report_options(argc, argv, &verbose, NULL))
		return EXIT_USAGE;
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	list(cli->out, &p, verbose);
	cli_warn_if_alembic_fails(&p);
	project_free(&p);
	return EXIT_OK;
}

int cmd_heads(struct cli *cli, int argc, char **argv)
{
	return run_listing(cli, argc, argv, list_heads);
}

int cmd_bases(struct cli *cli, int argc, char **argv)
{
	return run_listing(cli, argc, argv, list_bases);
}

int cmd_branches(struct cli *cli, int argc, char **argv)
{
	return run_listing(cli, argc, argv, list_branches);
}

int cmd_history(struct cli *cli, int argc, char **argv)
{
	struct project p;
	bool verbose = false;
	char *range = NULL, *lower = NULL, *upper = NULL;
	struct u32vec order = { 0 };
	struct mt_error err = { 0 };
	int rc = EXIT_OK;

	if (report_options(argc, argv, &verbose, &range))
		return EXIT_USAGE;
	if (range && range_parse(range, &lower, &upper, &err)) {
		cli_error("%s", err.message);
		return EXIT_USAGE;
	}
	if (cli_load(cli, &p)) {
		free(lower);
		free(upper);
		return EXIT_USAGE;
	}
	if (!range) {
		print_history(cli->out, &p.graph, &p.order, verbose);
	} else if (history_range(&p.graph, lower, upper, &order, &err) == 0) {
		print_history(cli->out, &p.graph, &order, verbose);
	} else {
		cli_error("%s", err.message);
		rc = EXIT_USAGE;
	}
	cli_warn_if_alembic_fails(&p);
	free(order.v);
	free(lower);
	free(upper);
	project_free(&p);
	return rc;
}
