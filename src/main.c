/* main.c - global options and dispatch to the commands (src/cmd_*.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "migtree/cli.h"
#include "migtree/ui.h"

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
	/* read by people only: escaped even when stdout is no terminal (cli.h) */
	bool for_people;
};

static const struct command commands[] = {
	{ "check", cmd_check, "every problem, `path:line: kind: message` (exit rule below)", true },
	{ "heads", cmd_heads, "the head revisions, as `alembic heads` prints them", false },
	{ "bases", cmd_bases, "the base revisions (down_revision = None)", true },
	{ "branches", cmd_branches, "the branch points, as `alembic branches` prints them", false },
	{ "history", cmd_history, "every revision, as `alembic history [-v] [-r A:B]` prints them", false },
	{ "show", cmd_show, "REV: one revision and its links; --config: the configuration read", true },
	{ "tree", cmd_tree, "the indented chain drawing (ROOT, BRANCH POINT, heads)", true },
	{ "export", cmd_export, "the whole graph as --format json, dot or mermaid", false },
	{ "set-down", cmd_set_down, "REV NEW[,NEW2...]|none: retarget a down_revision [--dry-run]", false },
	{ "set-docstring", cmd_set_docstring, "REV|--all: the docstring header as the variables say [--dry-run]", false },
	{ "stub", cmd_stub, "REV --down PARENT|none: a placeholder for a missing revision [-m MSG]", false },
	{ "merge", cmd_merge, "REV1 REV2...: a merge revision, as alembic merge writes it [-m MSG]", false },
	{ "review", cmd_review, "BASE [HEAD]: what merging HEAD into BASE would break, and the fixes", false },
	{ NULL, NULL, NULL, false },
};

static void usage(FILE *out)
{
	fputs("usage: migtree [OPTIONS] [COMMAND] [ARGS]\n\n"
	      "Explore and check an Alembic migration history, reading the files statically.\n\n"
	      "Options:\n"
	      "  -c, --config FILE     alembic.ini or pyproject.toml (default: found here or above)\n"
	      "  -n, --name SECTION    ini section (default: alembic)\n"
	      "  -d, --dir DIR         a bare versions directory instead of a configuration\n"
	      "      --recursive       with -d, also read its subdirectories\n"
	      "  -D, --define NAME=VALUE\n"
	      "                        the value of a name only running a file could tell\n"
	      "                        (e.g. cli.EXPAND_BRANCH=expand); repeatable\n"
	      "      --color WHEN      auto (default; honours NO_COLOR), always or never\n"
	      "      --ascii           ASCII instead of Unicode glyphs\n"
	      "      --published REF   revisions on REF count as published (default: the\n"
	      "                        branch's upstream, else origin/main or origin/master)\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         the version\n\n"
	      "Commands:\n",
	      out);
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-13s %s\n", c->name, c->summary);
	fputs("\nWithout a command: the interactive explorer on a terminal (? lists its keys),\n"
	      "else the tree and the problems of the project.\n"
	      "Exit status: 0 success; 1 where a deploy would fail (check: any error, or several\n"
	      "heads within one branch, i.e. heads without distinct branch labels; --max-heads N\n"
	      "allows N, --strict fails on warnings too) or a change refused; 2 usage or I/O\n"
	      "error. See migtree(1).\n",
	      out);
}

static int parse_color(const char *when, bool *color)
{
	if (!strcmp(when, "always"))
		*color = true;
	else if (!strcmp(when, "never"))
		*color = false;
	else if (!strcmp(when, "auto"))
		*color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	else
		return -1;
	return 0;
}

/* No command: what a user most wants from a look at a project. */
static int overview(struct cli *cli, int argc_unused, char **argv_unused)
{
	char *argv[] = { "tree", NULL };
	char *check_argv[] = { "check", NULL };
	int rc = cmd_tree(cli, 1, argv);

	if (rc)
		return rc;
	fputc('\n', cli->out);
	(void)argc_unused;
	(void)argv_unused;
	return cmd_check(cli, 1, check_argv);
}

/* RUN with its output through the escaper (cli.h); a failed final write (a full
 * disk, a closed pipe) is an I/O error. */
static int run_command(struct cli *cli, int (*run)(struct cli *, int, char **), bool for_people,
		       int argc, char **argv)
{
	int rc;

	cli_open_output(cli, for_people);
	rc = run(cli, argc, argv);
	if (cli_close_output(cli) || fflush(stdout)) {
		cli_error("cannot write the output: %s", strerror(errno));
		return EXIT_USAGE;
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' }, { "name", required_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, 'd' },    { "color", required_argument, NULL, 'C' },
		{ "colour", required_argument, NULL, 'C' }, { "ascii", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },         { "version", no_argument, NULL, 'V' },
		{ "published", required_argument, NULL, 'P' },
		{ "define", required_argument, NULL, 'D' }, { "recursive", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	/* static: what --define collected stays reachable until exit (leak checks) */
	static struct cli cli;
	const char *color = "auto";
	int c;

	cli.out = stdout;
	setlocale(LC_ALL, "");
	while ((c = getopt_long(argc, argv, "+c:n:d:D:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli.req.config_file = optarg;
			break;
		case 'n':
			cli.req.section = optarg;
			break;
		case 'd':
			cli.req.versions_dir = optarg;
			break;
		case 'C':
			color = optarg;
			break;
		case 'a':
			cli.ascii = true;
			break;
		case 'P':
			cli.published_ref = optarg;
			break;
		case 'D':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				cli_error("--define takes NAME=VALUE (e.g. --define cli.EXPAND_BRANCH=expand), not '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			sl_push(&cli.req.defines, optarg);
			break;
		case 'r':
			cli.req.recursive = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("migtree %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (parse_color(color, &cli.color)) {
		cli_error("--color takes auto, always or never, not '%s'", color);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		/* the explorer on a terminal (or a screen-test script), a summary elsewhere */
		if ((isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) || getenv("MIGTREE_SCRIPT"))
			return ui_run(&cli);
		return run_command(&cli, overview, true, 0, NULL);
	}
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[optind]))
			return run_command(&cli, cmd->run, cmd->for_people, argc - optind, argv + optind);
	cli_error("unknown command '%s' (see migtree --help)", argv[optind]);
	return EXIT_USAGE;
}
