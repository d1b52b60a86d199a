/* cli.h - what every command receives, and the helpers they share.
 *
 * Each command lives in src/cmd_<name>.c with one entry function (git's builtin/
 * habit). Exit codes: 0 success, 1 problems found or change refused, 2 usage or
 * I/O error (always with one line on stderr naming what failed). */
#ifndef MIGTREE_CLI_H
#define MIGTREE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "migtree/dbchoice.h"
#include "migtree/dbstate.h"
#include "migtree/edit.h"
#include "migtree/project.h"

enum { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

struct cli {
	struct config_request req;
	bool color;  /* ANSI colours on stdout */
	bool ascii;  /* ASCII instead of Unicode glyphs */
	const char *published_ref; /* --published REF, or NULL for the upstream */
	/* the configuration's notes were shown (on stderr, or in the explorer's status
	 * bar): a reload or a second load must not repeat them */
	bool notes_shown;
	/* stdout, through the terminal escaper (quote.c) when it is a terminal or the
	 * command's output is for people (check, show, bases, tree); raw_out is stdout */
	FILE *out, *raw_out;
	bool stdout_tty;
	struct db_request db; /* --db [URL], --version-table, --version-schema */
};

/* Command output (cli_open_output): escaped on a terminal always; elsewhere only
 * FOR_PEOPLE output, since history, heads, branches, the JSON and the exports are
 * read by programs and must stay byte-exact (Alembic's own output). */
void cli_open_output(struct cli *cli, bool for_people);
/* This run writes for programs after all (check --format json): raw unless a
 * terminal reads it. */
void cli_machine_output(struct cli *cli);
/* Flush and close the escaper; returns fclose's status. */
int cli_close_output(struct cli *cli);
/* One of migtree's own colour codes, raw, when colours are on. */
void cli_put_color(struct cli *cli, const char *code);

/* Load the project named by CLI->req; prints the error and returns -1 on failure.
 * The configuration's notes go to stderr once, as `migtree: note: ...`. */
int cli_load(struct cli *cli, struct project *p);
/* The same, with fixes that respect what is published (--published REF, else the
 * upstream; nothing outside git): never a re-parent of a published revision. */
int cli_load_published(struct cli *cli, struct project *p);

/* "did you mean ...?" for a revision argument that names nothing: the closest
 * ids and branch labels by edit distance, and those the text starts or is a piece
 * of (didyoumean.h); NULL when none is close. Caller frees. Which ids: those
 * files define (a command's REV), the missing ones (stub's REV) or both (show). */
enum cli_hint { HINT_PRESENT, HINT_MISSING, HINT_ALL };
char *cli_revision_hint(const struct project *p, const char *typed, enum cli_hint which);
/* Resolve a revision argument (id, label, unique prefix); prints why not (with
 * the closest names) and returns NO_NODE when it names none or several. */
uint32_t cli_resolve(const struct project *p, const char *arg);
/* cli_resolve, suggesting WHICH ids (show: the missing ones too). */
uint32_t cli_resolve_hinted(const struct project *p, const char *arg, enum cli_hint which);

/* getopt_long with the habits every command shares: -h and --help print CMD's
 * help (commands.h; the global usage when CMD is NULL) and return CLI_OPT_HELP;
 * an unknown option (with the closest long ones), an ambiguous prefix, a missing
 * value or a value for an option that takes none print one line naming the
 * option and return CLI_OPT_BAD (getopt's own messages are off: opterr = 0).
 * Otherwise what getopt_long returns. LONGOPTS holds at most 30 options. */
enum { CLI_OPT_HELP = 0x10000, CLI_OPT_BAD = 0x10001 };
int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts);
/* The exit status for an option parser's stop: 0 after help, else 2. */
int cli_options_exit(int stop);

/* One line "migtree: ..." on stderr, escaped with quote.c's terminal rule. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* While SINK is set (not NULL), cli_error gives it each message instead of
 * writing to stderr: under the explorer's screen stderr is the terminal, and a
 * message written there would land over the drawing. */
void cli_set_error_sink(void (*sink)(void *ctx, const char *msg), void *ctx);
/* "migtree: PREFIXpath:line: message" on stderr. */
void cli_report(const char *prefix, const struct mt_error *err);
/* Warn on stderr when Alembic itself would refuse this history. */
void cli_warn_if_alembic_fails(const struct project *p);

/* The database a command reads (dbchoice.h's rule: --db, MIGTREE_DB, then the
 * configuration's sqlalchemy.url, which alone serves only a command that exists
 * to read it, READS_DB, or a local SQLite file), its stamps read (db.h) and set
 * against P's history (dbstate.h) into ST. 0 with ST->url_display NULL when the
 * command reads no database; -1 with ERR (one line: the URL, password masked,
 * and why) when the URL is bad or the database cannot be read. The explorer and
 * the commands all go through here. */
int cli_db_state(struct cli *cli, const struct project *p, bool reads_db, struct db_state *st,
		 struct mt_error *err);
/* cli_db_state with what the commands print besides: where the URL was written
 * (the problem's path:line) and the URL as `alembic current -v` shows it. */
struct cli_db {
	struct db_state st;
	char *where_path;  /* the configuration file, or "<database>" */
	int where_line;
	char *alembic_url; /* the password as XXXXX (Alembic's obfuscate_url_pw) */
};
int cli_db_read(struct cli *cli, const struct project *p, bool reads_db, struct cli_db *out,
		struct mt_error *err);
void cli_db_free(struct cli_db *d);
/* Stamps no file defines (current, history -i): each unknown_stamp problem
 * (dbcheck.h) on stderr with its ways out; P's own problems stay as they are. */
void cli_db_report_unknown(const struct project *p, const struct cli_db *d);

/* Print the session's diff, then save it unless DRY_RUN; the exit status. */
int cli_finish_edit(struct cli *cli, struct edit_session *s, bool dry_run);

int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_heads(struct cli *cli, int argc, char **argv);
int cmd_bases(struct cli *cli, int argc, char **argv);
int cmd_branches(struct cli *cli, int argc, char **argv);
int cmd_history(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_tree(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_set_down(struct cli *cli, int argc, char **argv);
int cmd_set_docstring(struct cli *cli, int argc, char **argv);
int cmd_stub(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
int cmd_merge(struct cli *cli, int argc, char **argv);
int cmd_review(struct cli *cli, int argc, char **argv);
int cmd_plan(struct cli *cli, int argc, char **argv);
int cmd_order_by_date(struct cli *cli, int argc, char **argv);
int cmd_current(struct cli *cli, int argc, char **argv);

#endif
