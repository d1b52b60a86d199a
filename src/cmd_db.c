/* cmd_db.c - `current`: which revisions the database is at, as `alembic current`
 * prints them; and what current and `history -i` say on stderr about stamps no
 * file defines (Alembic stops on them; migtree prints what it can and says where
 * the id went). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/cli.h"
#include "migtree/commands.h"
#include "migtree/dbcheck.h"
#include "migtree/format.h"

void cli_db_report_unknown(const struct project *p, const struct cli_db *d)
{
	struct problem_list pl = { 0 };

	db_check_unknown(p, &d->st, d->where_path, d->where_line, &pl);
	for (size_t i = 0; i < pl.n; i++) {
		cli_error("%s", pl.v[i].message);
		for (size_t k = 0; k < pl.v[i].n_fixv; k++) {
			char *line = fix_sentence(&pl.v[i].fixv[k]);

			cli_error("  fix: %s", format_clip(line, FORMAT_CLIP_MESSAGE));
			free(line);
		}
	}
	problem_list_free(&pl);
}

/* One line on stderr when the database holds no revision: Alembic prints
 * nothing then, which looks like a failure to read it. */
static void note_nothing_applied(const struct cli *cli, const struct cli_db *d)
{
	const char *table = cli->db.version_table ? cli->db.version_table : "alembic_version";

	if (d->st.no_table)
		cli_error("note: %s has no %s table: no revision applied", d->st.url_display, table);
	else if (!d->st.stamps.n)
		cli_error("note: %s: %s is empty: no revision applied", d->st.url_display, table);
}

int cmd_current(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "verbose", no_argument, NULL, 'v' }, { NULL, 0, NULL, 0 } };
	struct project p;
	struct cli_db d;
	struct mt_error err = { 0 };
	bool verbose = false;
	int c, rc = EXIT_OK;

	optind = 1;
	while ((c = cli_getopt("current", argc, argv, "v", longopts)) != -1) {
		if (c != 'v')
			return cli_options_exit(c);
		verbose = true;
	}
	if (optind < argc) {
		cli_error("current takes no argument '%s' (see migtree help current)", argv[optind]);
		return EXIT_USAGE;
	}
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	if (cli_db_read(cli, &p, true, &d, &err)) {
		cli_report("", &err);
		project_free(&p);
		return EXIT_USAGE;
	}
	if (!d.st.url_display) {
		cli_error("current reads a database: give --db URL, set MIGTREE_DB, or set sqlalchemy.url in the "
			  "configuration");
		rc = EXIT_USAGE;
	} else {
		if (verbose)
			fprintf(cli->out, "Current revision(s) for %s:\n", d.alembic_url);
		print_current(cli->out, &p.graph, &p.order, d.st.applied, verbose);
		note_nothing_applied(cli, &d);
		cli_warn_if_alembic_fails(&p);
		cli_db_report_unknown(&p, &d);
		if (d.st.unknown.n)
			rc = EXIT_PROBLEMS;
	}
	cli_db_free(&d);
	project_free(&p);
	return rc;
}
