/* cmd_bydate.c - `migtree order-by-date LOWER:UPPER`: a straight run re-linked
 * in Create Date order (bydate.h), as set-down changes one link: the diff
 * printed, then saved atomically (save.h), or only printed with --dry-run.
 * Published revisions are refused unless --force. Exit 0 done, 1 refused
 * (nothing to do included), 2 usage or I/O error. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/bydate.h"
#include "migtree/cli.h"
#include "migtree/commands.h"
#include "migtree/range.h"

static const struct option bydate_opts[] = {
	{ "dry-run", no_argument, NULL, 'n' }, { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 }
};

/* LOWER:UPPER to two nodes (either end an id, label or unique prefix); -1
 * after saying why (the closest names for a typo), 2 for a malformed range. */
static int resolve_ends(const struct project *p, const char *spec, uint32_t *lower, uint32_t *upper)
{
	struct mt_error err = { 0 };
	char *lo, *up;
	int rc = 0;

	if (range_parse(spec, &lo, &up, &err)) {
		cli_error("%s", err.message);
		return 2;
	}
	if (!*lo || !*up) {
		cli_error("order-by-date needs both ends of the run: LOWER:UPPER (the oldest, then the newest)");
		rc = 2;
	} else if ((*lower = cli_resolve(p, lo)) == NO_NODE || (*upper = cli_resolve(p, up)) == NO_NODE) {
		rc = -1;
	}
	free(lo);
	free(up);
	return rc;
}

/* Re-parenting a revision other databases ran strands them: refuse unless --force. */
static int refuse_published(struct cli *cli, const struct project *p, const struct bydate_plan *pl)
{
	struct published pub;
	struct strlist ids = { 0 };
	struct mt_error err = { 0 };
	int rc = EXIT_OK;

	if (published_load(p, cli->published_ref, &pub, &err)) {
		cli_error("%s", err.message);
		return EXIT_USAGE;
	}
	bydate_published(pl, &p->graph, &pub, &ids);
	if (ids.n) {
		char *list = sl_join(&ids, ", ");

		cli_error("refused: %s %s published on %s: databases that already ran %s would be stranded by new "
			  "parents (the reason Alembic has no rebase); --force re-orders anyway.",
			  list, ids.n == 1 ? "is" : "are", pub.ref, ids.n == 1 ? "it" : "them");
		free(list);
		rc = EXIT_PROBLEMS;
	}
	sl_free(&ids);
	published_free(&pub);
	return rc;
}

/* Plan, check, apply, print and save: the exit status. */
static int order_run(struct cli *cli, struct project *p, uint32_t lower, uint32_t upper, bool dry_run, bool force)
{
	struct bydate_plan pl;
	struct edit_session s;
	struct mt_error err = { 0 };
	char *order;
	int rc = bydate_plan(&p->graph, lower, upper, &pl, &err);

	if (rc) {
		cli_report(rc > 0 ? "nothing to do: " : "refused: ", &err);
		return EXIT_PROBLEMS;
	}
	if (!force && (rc = refuse_published(cli, p, &pl))) {
		bydate_plan_free(&pl);
		return rc;
	}
	order = bydate_order_text(&pl, &p->graph);
	edit_begin(&s, p);
	if (edit_relink(&s, pl.links, pl.n_links, true, &err)) {
		cli_report("refused: ", &err);
		rc = EXIT_PROBLEMS;
	} else {
		cli_error("new order, oldest first: %s", order);
		rc = cli_finish_edit(cli, &s, dry_run);
	}
	edit_end(&s);
	free(order);
	bydate_plan_free(&pl);
	return rc;
}

int cmd_order_by_date(struct cli *cli, int argc, char **argv)
{
	struct project p;
	uint32_t lower = NO_NODE, upper = NO_NODE;
	bool dry_run = false, force = false;
	int c, rc;

	optind = 0; /* a full restart of getopt, so options may follow the arguments */
	while ((c = cli_getopt(argv[0], argc, argv, "", bydate_opts)) != -1) {
		if (c == 'n')
			dry_run = true;
		else if (c == 'f')
			force = true;
		else
			return cli_options_exit(c);
	}
	if (argc - optind != 1) {
		commands_usage_error(argv[0]);
		return EXIT_USAGE;
	}
	/* no fix is shown: the suggestions (a walk of the history at the load and
	 * again after the change) are not made */
	cli->req.defer_suggestions = true;
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	rc = resolve_ends(&p, argv[optind], &lower, &upper);
	rc = rc ? (rc > 0 ? EXIT_USAGE : EXIT_PROBLEMS) : order_run(cli, &p, lower, upper, dry_run, force);
	project_free(&p);
	return rc;
}
