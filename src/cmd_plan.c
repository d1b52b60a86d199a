/* cmd_plan.c - `migtree plan`: one repair plan for the whole history (plan.h),
 * as numbered steps (why, then the command that does it), as JSON, or applied
 * at once with --apply through the edit session and save.h like set-down: the
 * diff on stdout, then saved atomically (--dry-run: the diff only). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/cli.h"
#include "migtree/commands.h"
#include "migtree/json.h"
#include "migtree/plan.h"
#include "migtree/published.h"

struct plan_opts {
	bool json, apply, dry_run;
};

static int plan_options(int argc, char **argv, struct plan_opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "apply", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = cli_getopt("plan", argc, argv, "", longopts)) != -1) {
		if (c == 'f') {
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				cli_error("--format takes text or json, not '%s'", optarg);
				return CLI_OPT_BAD;
			}
			o->json = !strcmp(optarg, "json");
		} else if (c == 'a') {
			o->apply = true;
		} else if (c == 'n') {
			o->dry_run = true;
		} else {
			return c; /* --help, or the line cli_getopt printed */
		}
	}
	if (optind < argc || (o->dry_run && !o->apply) || (o->json && o->apply)) {
		commands_usage_error("plan");
		return CLI_OPT_BAD;
	}
	return 0;
}

static void print_text(struct cli *cli, const struct plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		char *cmd = fix_command(&pl->v[i].fix);

		fprintf(cli->out, "%zu. %s: %s\n   %s\n", i + 1, plan_phase_name(pl->v[i].phase), pl->v[i].why, cmd);
		free(cmd);
	}
}

static void print_json(struct cli *cli, const struct plan *pl)
{
	fputs("{\n  \"steps\": [", cli->out);
	for (size_t i = 0; i < pl->n; i++) {
		fputs(i ? ",\n    {\"phase\": " : "\n    {\"phase\": ", cli->out);
		json_string(cli->out, plan_phase_name(pl->v[i].phase));
		fputs(", \"why\": ", cli->out);
		json_string(cli->out, pl->v[i].why);
		fputs(", \"fix\": ", cli->out);
		json_fix(cli->out, &pl->v[i].fix);
		fputs("}", cli->out);
	}
	fputs(pl->n ? "\n  ],\n  \"left\": " : "],\n  \"left\": ", cli->out);
	json_string_array(cli->out, &pl->left);
	fputs("\n}\n", cli->out);
}

/* What the plan leaves, on stderr: the steps alone do not say it. */
static void report_left(const struct plan *pl)
{
	for (size_t i = 0; i < pl->left.n; i++)
		cli_error("left as it is: %s", pl->left.v[i]);
	if (!pl->n && !pl->left.n)
		cli_error("nothing to plan: no missing parent, loose piece or several heads on one branch");
}

static int apply(struct cli *cli, struct edit_session *s, const struct plan *pl, bool dry_run)
{
	struct mt_error err = { 0 };

	if (!pl->n) {
		cli_error("refused: the plan has no step");
		return EXIT_PROBLEMS;
	}
	if (plan_apply(s, pl, &err)) {
		cli_report("refused: ", &err);
		return EXIT_PROBLEMS;
	}
	return cli_finish_edit(cli, s, dry_run);
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
	struct plan_opts o = { 0 };
	struct project p;
	struct published pub;
	struct edit_session s;
	struct plan pl;
	struct mt_error err = { 0 };
	int rc = EXIT_OK, stop;

	if ((stop = plan_options(argc, argv, &o)))
		return cli_options_exit(stop);
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	if (published_load(&p, cli->published_ref, &pub, &err)) {
		cli_error("%s", err.message);
		published_free(&pub);
		project_free(&p);
		return EXIT_USAGE;
	}
	edit_begin(&s, &p);
	edit_set_published(&s, &pub); /* no step re-parents a published revision */
	plan_make(&s, &pl);
	if (o.json) {
		cli_machine_output(cli);
		print_json(cli, &pl);
	} else if (!o.apply) {
		print_text(cli, &pl);
	}
	if (!o.json)
		report_left(&pl);
	if (o.apply)
		rc = apply(cli, &s, &pl, o.dry_run);
	plan_free(&pl);
	edit_end(&s);
	published_free(&pub);
	project_free(&p);
	return rc;
}
