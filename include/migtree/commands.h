/* commands.h - the table of commands: names, what runs them, and their help.
 *
 * One table serves the dispatch (main.c), `migtree --help`, `migtree help CMD`,
 * `CMD --help` and every usage error, so the help a user reads and the usage line
 * a mistake prints cannot drift apart (git's builtin table does the same). Each
 * command's help lists its options and its exit codes. */
#ifndef MIGTREE_COMMANDS_H
#define MIGTREE_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "migtree/cli.h"

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	/* read by people only: escaped even when stdout is no terminal (cli.h) */
	bool for_people;
	const char *summary;  /* one line for `migtree --help` */
	const char *synopsis; /* after "usage: migtree " */
	const char *help;     /* what it does, then "Options:" */
	const char *exits;    /* one line a code, after "Exit status:" */
};

/* NULL-terminated. */
extern const struct command commands[];

/* The command named exactly NAME, or NULL. */
const struct command *commands_find(const char *name);
/* `migtree --help`: the global options and the commands. */
void commands_usage(FILE *out);
/* `migtree help CMD` and `CMD --help`. */
void commands_help(FILE *out, const struct command *cmd);
/* One line on stderr: "migtree: usage: migtree SYNOPSIS". */
void commands_usage_error(const char *name);
/* `migtree help [CMD]`: 0, or 2 after one line naming the unknown command. */
int commands_help_command(int argc, char **argv);
/* One line for a command nobody has: the closest names, if any. Returns 2. */
int commands_unknown(const char *typed);

#endif
