/* main.c - global options and dispatch to the commands (src/cmd_*.c). */
#include <getopt.h>
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
};

static const struct command commands[] = {
	{ "check", cmd_check, "every problem, `path:line: kind: message` (exit rule below)" },
	{ "heads", cmd_heads, "the head revisions, as `alembic heads` prints them" },
	{ "bases", cmd_bases, "the base revisions (down_revision = None)" },
	{ "branches", cmd_branches, "the branch points, as `alembic branches` prints them" },
	{ "history", cmd_history, "every revision, as `alembic history [-v] [-r A:B]` prints them" },
	{ "show", cmd_show, "REV: one revision and its links; --config: the configuration read" },
	{ "tree", cmd_tree, "the indented chain drawing (ROOT, BRANCH POINT, heads)" },
	{ "export", cmd_export, "the whole graph as --format json, dot or mermaid" },
	{ "set-down", cmd_set_down, "REV NEW[,NEW2...]|none: retarget a down_revision [--dry-run]" },
	{ "set-docstring", cmd_set_docstring, "REV|--all: the docstring header as the variables say [--dry-run]" },
	{ "stub", cmd_stub, "REV --down PARENT|none: a placeholder for a missing revision [-m MSG]" },
	{ "merge", cmd_merge, "REV1 REV2...: a merge revision, as alembic merge writes it [-m MSG]" },
	{ NULL, NULL, NULL },
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
static int overview(struct cli *cli)
{
	char *argv[] = { "tree", NULL };
	char *check_argv[] = { "check", NULL };
	int rc = cmd_tree(cli, 1, argv);

	if (rc)
		return rc;
	fputc('\n', cli->out);
	return cmd_check(cli, 1, check_argv);
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
		return overview(&cli);
	}
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[optind]))
			return cmd->run(&cli, argc - optind, argv + optind);
	cli_error("unknown command '%s' (see migtree --help)", argv[optind]);
	return EXIT_USAGE;
}
