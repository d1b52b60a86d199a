/* main.c - global options and dispatch to the commands (src/cmd_*.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <locale.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "migtree/cli.h"
#include "migtree/commands.h"
#include "migtree/project.h"
#include "migtree/ui.h"

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

/* `--db URL`, `--db=URL`, or `--db` alone (the configured URL): the next
 * argument is the URL when it looks like one (has "://"), else the command. */
static void db_option(struct cli *cli, int argc, char **argv, const char *value)
{
	cli->db.asked = true;
	cli->db.url = value && *value ? value : NULL;
	if (!value && optind < argc && strstr(argv[optind], "://"))
		cli->db.url = argv[optind++];
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

/* One-shot commands leave their memory to the exit, except in builds with
 * AddressSanitizer, whose leak check must still see everything freed. */
#if defined(__SANITIZE_ADDRESS__)
#define LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LEAK_CHECKED 1
#endif
#endif

static bool is_one_shot(const char *name)
{
	static const char *const one_shot[] = { "check", "history", "heads", "branches", "tree", "export" };

	for (size_t i = 0; i < sizeof(one_shot) / sizeof(*one_shot); i++)
		if (!strcmp(name, one_shot[i]))
			return true;
	return false;
}

static void exit_without_free(const char *name)
{
#ifndef LEAK_CHECKED
	if (is_one_shot(name))
		project_exit_without_free = true;
#else
	(void)name;
#endif
}

/* A one-shot command's big arrays (nodes, indexes, sort buffers) are made once
 * and freed once: glibc's default raises its mmap threshold to the size of the
 * first one freed, so the next come from the heap, where freed holes still count
 * in the RSS (100k check: 1.8 MB). A fixed threshold keeps them mmapped. Not in
 * the explorer, whose arrays are remade at every edit: mapping them afresh each
 * time costs page faults. */
static void one_shot_malloc(const char *name)
{
#ifdef M_MMAP_THRESHOLD /* glibc's; other C libraries go their own way */
	if (is_one_shot(name))
		mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#else
	(void)name;
#endif
}

/* `plan` makes thousands of edits in one session, each freeing many small
 * blocks (strings, lists) and then asking for a larger one: glibc keeps small
 * freed blocks apart unmerged (its fastbins) and merges them all, over the
 * whole heap, at the next request of 1 KiB or more: with every other parent
 * missing, 7% of plan's time at 30,000 revisions and 6% at 10,000 (the larger
 * heap's reads miss the cache more). The small blocks a thread's cache does not
 * keep are then merged as they are freed: 1.54 -> 1.45 and 1.37 -> 1.30 s CPU
 * at 30,000 in two sets of paired runs. Measured on plan alone; the explorer's
 * edits showed no difference. */
static void batch_edit_malloc(const char *name)
{
#ifdef M_MXFAST
	if (!strcmp(name, "plan"))
		mallopt(M_MXFAST, 0);
#else
	(void)name;
#endif
}

/* The explorer remakes its big arrays (the order's, the layout's) at every
 * edit and frees them after: glibc then gives the top of its heap back to the
 * kernel and maps the next ones afresh, and the kernel zeroes every page again
 * (about 1,200 page faults, 2 ms, an edit at 100,000 revisions). Kept, the freed
 * pages are reused: while one project is edited the peak is the same high-water
 * mark (+1.6 MB of holes at 100,000); after a reload to a smaller one, up to the
 * trim threshold stays resident. 16 MiB is the largest mmap threshold glibc
 * takes on 32-bit machines; when it refuses, the trim threshold is not fixed
 * either (fixing it alone would fix the mmap threshold at its default: worse). */
static void explorer_malloc(void)
{
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
	if (mallopt(M_MMAP_THRESHOLD, 16 * 1024 * 1024))
		mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
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
		{ "version", no_argument, NULL, 'V' },
		{ "published", required_argument, NULL, 'P' },
		{ "define", required_argument, NULL, 'D' }, { "recursive", no_argument, NULL, 'r' },
		{ "db", optional_argument, NULL, 'B' },
		{ "version-table", required_argument, NULL, 'T' },
		{ "version-schema", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	/* static: what --define collected stays reachable until exit (leak checks) */
	static struct cli cli;
	const char *color = "auto";
	int c;

	cli.out = stdout;
	setlocale(LC_ALL, "");
	while ((c = cli_getopt(NULL, argc, argv, "+c:n:d:D:V", longopts)) != -1) {
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
		case 'B':
			db_option(&cli, argc, argv, optarg);
			break;
		case 'T':
		case 'S':
			if (!*optarg) {
				cli_error("--%s takes a name", c == 'T' ? "version-table" : "version-schema");
				return EXIT_USAGE;
			}
			if (c == 'T')
				cli.db.version_table = optarg;
			else
				cli.db.version_schema = optarg;
			break;
		case 'V':
			printf("migtree %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default: /* --help, or the one line cli_getopt printed */
			return cli_options_exit(c);
		}
	}
	if (parse_color(color, &cli.color)) {
		cli_error("--color takes auto, always or never, not '%s'", color);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		/* the explorer on a terminal (or a screen-test script), a summary elsewhere */
		if ((isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) || getenv("MIGTREE_SCRIPT")) {
			explorer_malloc();
			return ui_run(&cli);
		}
		return run_command(&cli, overview, true, 0, NULL);
	}
	if (!strcmp(argv[optind], "help"))
		return commands_help_command(argc - optind, argv + optind);
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, argv[optind])) {
			exit_without_free(cmd->name);
			one_shot_malloc(cmd->name);
			batch_edit_malloc(cmd->name);
			return run_command(&cli, cmd->run, cmd->for_people, argc - optind, argv + optind);
		}
	return commands_unknown(argv[optind]);
}
