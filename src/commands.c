/* commands.c - the table of commands and their help (see commands.h). */
#include <stdlib.h>
#include <string.h>

#include "migtree/commands.h"
#include "migtree/didyoumean.h"

#define EXIT_LOAD "  2  a usage error, or the configuration or a file could not be read\n"

const struct command commands[] = {
	{ "check", cmd_check, true, "every problem, `path:line: kind: message` (exit rule below)",
	  "check [--format text|json|github] [--strict] [--max-heads N] [--require REGEX] [-v]",
	  "Every problem of the history, one a line: `path:line: kind: message`, then a count\n"
	  "on stderr. Several heads on one branch print their fixes even without -v.\n"
	  "With a database (--db URL, MIGTREE_DB, or a local SQLite file named by the\n"
	  "configuration's sqlalchemy.url; see migtree --help): a stamp no file defines is\n"
	  "an error, unknown_stamp, with where it went; a line on stderr says what is\n"
	  "applied and which heads are not (pending is no failure).\n\n"
	  "Options:\n"
	  "      --format FORMAT   text (default), json (one document), or github (workflow\n"
	  "                        annotations, ::error file=...::)\n"
	  "      --strict          warnings fail too\n"
	  "      --max-heads N     allow N heads; more fail (default: several heads on one\n"
	  "                        branch fail, heads on distinct labelled branches do not)\n"
	  "      --require REGEX   every migration file must match REGEX (PCRE2), else a\n"
	  "                        pattern_missing warning\n"
	  "  -v, --verbose         the ways to fix each problem\n",
	  "  0  nothing that fails a deploy\n"
	  "  1  any error; several heads on one branch (more than N with --max-heads N);\n"
	  "     any warning with --strict\n" EXIT_LOAD },
	{ "heads", cmd_heads, false, "the head revisions, as `alembic heads` prints them", "heads [-v]",
	  "The head revisions, as `alembic heads` prints them.\n\n"
	  "Options:\n"
	  "  -v, --verbose         every field, as `alembic heads -v`\n",
	  "  0  listed\n" EXIT_LOAD },
	{ "bases", cmd_bases, true, "the base revisions (down_revision = None)", "bases [-v]",
	  "The base revisions (down_revision = None).\n\n"
	  "Options:\n"
	  "  -v, --verbose         every field, as `alembic history -v` shows a revision\n",
	  "  0  listed\n" EXIT_LOAD },
	{ "branches", cmd_branches, false, "the branch points, as `alembic branches` prints them", "branches [-v]",
	  "The branch points and where each branches into, as `alembic branches` prints them.\n\n"
	  "Options:\n"
	  "  -v, --verbose         every field, as `alembic branches -v`\n",
	  "  0  listed\n" EXIT_LOAD },
	{ "history", cmd_history, false, "every revision, as `alembic history [-v] [-r A:B] [-i]`",
	  "history [-v] [-r LOWER:UPPER] [-i]",
	  "Every revision, newest first, as `alembic history` prints them.\n\n"
	  "Options:\n"
	  "  -v, --verbose         every field and the file's path\n"
	  "  -r, --rev-range LOWER:UPPER\n"
	  "                        only from LOWER up to UPPER (ids, prefixes, labels, head,\n"
	  "                        heads, base; either side may be empty)\n"
	  "  -i, --indicate-current\n"
	  "                        mark the revisions the database is stamped with\n"
	  "                        \"(current)\", as Alembic does (the database: --db URL,\n"
	  "                        MIGTREE_DB, else the configuration's sqlalchemy.url)\n",
	  "  0  listed\n"
	  "  2  a usage error, a range end that names nothing, ends that are not ancestor\n"
	  "     and descendant, a configuration or file that could not be read, or with -i\n"
	  "     no database or one that could not be read\n" },
	{ "current", cmd_current, false, "the revisions the database is at, as `alembic current [-v]`",
	  "current [-v]",
	  "The revisions the database is at, as `alembic current` prints them: of the\n"
	  "revisions its version table is stamped with, and their ancestors, those that\n"
	  "no other applied revision follows. The database: --db URL, else MIGTREE_DB,\n"
	  "else the configuration's sqlalchemy.url (see migtree --help). It is only read:\n"
	  "one SELECT in a read-only transaction. A stamp no file defines (Alembic: \"Can't\n"
	  "locate revision\") is said on stderr with where it went: the git commit that\n"
	  "deleted its file (migtree restore ID), a file still named after it, the closest\n"
	  "ids.\n\n"
	  "Options:\n"
	  "  -v, --verbose         the database's URL (password masked) and every field,\n"
	  "                        as `alembic current -v`\n",
	  "  0  shown\n"
	  "  1  the database is stamped with an id no file defines\n"
	  "  2  a usage error, no database, a database that could not be read (unreachable,\n"
	  "     refused, timed out, no such file), or a configuration or file that could\n"
	  "     not be read\n" },
	{ "show", cmd_show, true, "REV: one revision and its links; --config: the configuration read",
	  "show REV | migtree show --config",
	  "One revision: its file and line, message, flags, parents, children, labels,\n"
	  "values read through names, problems and their fixes, and the docstring. REV is a\n"
	  "full id, a branch label or a unique prefix of four characters or more; a missing\n"
	  "revision shows which revisions need it.\n\n"
	  "Options:\n"
	  "      --config          instead: the configuration as read, each value with\n"
	  "                        where it came from\n",
	  "  0  shown\n"
	  "  2  a usage error, a REV that names no revision or several, or a configuration\n"
	  "     or file that could not be read\n" },
	{ "tree", cmd_tree, true, "the indented chain drawing (ROOT, BRANCH POINT, heads)", "tree [--ascii]",
	  "The indented chain drawing of hand-written repair reports: ROOT, BRANCH POINT,\n"
	  "the heads, each piece of the history apart.\n\n"
	  "Options:\n"
	  "      --ascii           ASCII instead of Unicode glyphs\n",
	  "  0  drawn\n" EXIT_LOAD },
	{ "export", cmd_export, false, "the whole graph as --format json, dot or mermaid",
	  "export [--format json|dot|mermaid]",
	  "The whole graph with its problems, for programs and diagrams. With a database\n"
	  "(as for check), the JSON has a \"database\" object: url, stamps, unknown,\n"
	  "applied, pending.\n\n"
	  "Options:\n"
	  "      --format FORMAT   json (default), dot (Graphviz) or mermaid\n",
	  "  0  written\n" EXIT_LOAD },
	{ "set-down", cmd_set_down, false, "REV NEW[,NEW2...]|none: retarget a down_revision [--dry-run]",
	  "set-down REV NEW[,NEW2...]|none [--dry-run] [--force]",
	  "Retarget REV's down_revision: to NEW, to several (a merge point), or to none (a\n"
	  "base). Only the changed values are rewritten; prints the diff, then saves.\n"
	  "A revision published on the upstream branch (see --published in migtree --help)\n"
	  "is refused: databases that ran it would be stranded.\n\n"
	  "Options:\n"
	  "      --dry-run         print the diff, write nothing\n"
	  "      --force           retarget a published revision anyway\n",
	  "  0  written (or shown, with --dry-run)\n"
	  "  1  refused: an unknown or published revision, a cycle\n"
	  "  2  a usage or I/O error\n" },
	{ "set-docstring", cmd_set_docstring, false, "REV|--all: the docstring header as the variables say [--dry-run]",
	  "set-docstring REV|--all [--dry-run]",
	  "Rewrite the docstring header's `Revision ID:` and `Revises:` values to what the\n"
	  "variables say (a docstring_mismatch).\n\n"
	  "Options:\n"
	  "      --all             every revision with a docstring_mismatch (those whose\n"
	  "                        down_revision names a missing revision are skipped)\n"
	  "      --dry-run         print the diff, write nothing\n",
	  "  0  written (or shown, with --dry-run)\n"
	  "  1  refused, or nothing to fix\n"
	  "  2  a usage or I/O error\n" },
	{ "stub", cmd_stub, false, "REV --down PARENT|none: a placeholder for a missing revision [-m MSG]",
	  "stub REV --down PARENT|none [-m MSG] [--dry-run]",
	  "A placeholder file for the missing revision REV, on PARENT (or a base), named as\n"
	  "`alembic revision -m MSG --rev-id REV` would name it: the project's file_template\n"
	  "and truncate_slug_length, the slug of MSG (default: the words of REV itself, e.g.\n"
	  "005_add_fields.py for 005_add_fields, else \"placeholder for missing revision\").\n\n"
	  "Options:\n"
	  "      --down PARENT     its down_revision; none makes it a base (required)\n"
	  "  -m, --message MSG     its message (docstring and file name)\n"
	  "      --dry-run         print the new file, write nothing\n",
	  "  0  written (or shown, with --dry-run)\n"
	  "  1  refused: REV is not a missing revision, PARENT is unknown, a cycle\n"
	  "  2  a usage or I/O error\n" },
	{ "restore", cmd_restore, false, "REV: a missing revision's file back from git [--dry-run]",
	  "restore REV [--dry-run]",
	  "Put back the file that defined the missing revision REV, with the bytes it had\n"
	  "before the commit that deleted it (the versions directory must be in a git work\n"
	  "tree; git is only read). REV may be named by no file: a database stamped with\n"
	  "it (check's unknown_stamp) is enough. Refused when a file is at that path\n"
	  "already.\n\n"
	  "Options:\n"
	  "      --dry-run         print the restored file, write nothing\n",
	  "  0  written (or shown, with --dry-run)\n"
	  "  1  refused: REV is not missing, git has no such file, a file is in the way\n"
	  "  2  a usage or I/O error\n" },
	{ "merge", cmd_merge, false, "REV1 REV2...: a merge revision, as alembic merge writes it [-m MSG]",
	  "merge REV1 REV2... [-m MSG] [--dry-run]",
	  "A merge revision of the heads REV1 REV2..., named and written as `alembic merge`\n"
	  "would.\n\n"
	  "Options:\n"
	  "  -m, --message MSG     its message (default: merge REV1, REV2...)\n"
	  "      --dry-run         print the new file, write nothing\n",
	  "  0  written (or shown, with --dry-run)\n"
	  "  1  refused: not heads, unknown, or named twice\n"
	  "  2  a usage or I/O error\n" },
	{ "plan", cmd_plan, true, "one repair plan for the whole history [--apply [--dry-run]]",
	  "plan [--format text|json] [--apply [--dry-run]]",
	  "One plan for the whole history, in the order a repair goes: connect each\n"
	  "missing parent and loose piece (its problem's first fix, once per revision,\n"
	  "never a cycle nor a re-parent of a published revision), then placeholders for\n"
	  "the ids still named and defined nowhere, then one merge per piece of the heads\n"
	  "left on one branch. Never a merge across pieces that share no ancestor: what\n"
	  "the plan cannot connect it leaves apart, and says why on stderr. Each step is\n"
	  "printed as why, then the command that does it.\n\n"
	  "Options:\n"
	  "      --format FORMAT   text (default) or json ({\"steps\": [...], \"left\": [...]})\n"
	  "      --apply           make every step, print the diff, then save (atomic)\n"
	  "      --dry-run         with --apply: print the diff, write nothing\n",
	  "  0  the plan shown; with --apply, written (or shown, with --dry-run)\n"
	  "  1  with --apply: the plan has no step, or a step was refused\n" EXIT_LOAD },
	{ "order-by-date", cmd_order_by_date, false, "LOWER:UPPER: re-link a straight run by Create Date [--dry-run]",
	  "order-by-date LOWER:UPPER [--dry-run] [--force]",
	  "Re-link the straight run from LOWER (the oldest end) up to UPPER so that its\n"
	  "revisions follow their Create Date: the earliest takes LOWER's parents, each next\n"
	  "one the one before, and UPPER's children move to the new top. Equal dates keep\n"
	  "their order; a revision without a Create Date is refused, by name. Date order is\n"
	  "no problem by itself (rebased branches keep their dates): this is for a run you\n"
	  "know was linked out of order. Prints the diff (Revises: lines kept in step), then\n"
	  "saves. A revision published on the upstream branch is refused, as by set-down.\n\n"
	  "Options:\n"
	  "      --dry-run         print the diff, write nothing\n"
	  "      --force           re-order published revisions anyway\n",
	  "  0  written (or shown, with --dry-run)\n"
	  "  1  refused: not a straight line, a revision without a date, published, unknown;\n"
	  "     or already in Create Date order\n"
	  "  2  a usage or I/O error\n" },
	{ "review", cmd_review, false, "BASE [HEAD]: what merging HEAD into BASE would break, and the fixes",
	  "review BASE [HEAD] [--format text|json|github] [--fix merge|rebase [--dry-run] [-m MSG]] [--explore]",
	  "What merging HEAD (git refs; default: the work tree) into BASE would break, before\n"
	  "it lands, and the fixes; or, when they are not refs, two heads of the history.\n\n"
	  "Options:\n"
	  "      --format FORMAT   text (default), json or github\n"
	  "      --fix HOW         write the fix on the HEAD side (the work tree): merge (a\n"
	  "                        merge revision) or rebase (HEAD's line on BASE's head)\n"
	  "      --dry-run         with --fix: print the diff, write nothing\n"
	  "  -m, --message MSG     with --fix merge: the merge revision's message\n"
	  "      --explore         open the explorer on the merged history\n",
	  "  0  the merge is clean; with --fix, the fix was written (or shown)\n"
	  "  1  it would break; with --fix, no fix applies or it was refused\n"
	  "  2  a usage, git or I/O error\n" },
	{ NULL, NULL, false, NULL, NULL, NULL, NULL },
};

const struct command *commands_find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void commands_usage(FILE *out)
{
	fputs("usage: migtree [OPTIONS] [COMMAND] [ARGS]\n\n"
	      "Explore and check an Alembic migration history, reading the files statically.\n\n"
	      "Options:\n"
	      "  -c, --config FILE|DIR alembic.ini or pyproject.toml, or the directory holding\n"
	      "                        it (default: found here or above)\n"
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
	      "      --db [URL]        read the database at URL, as SQLAlchemy writes it\n"
	      "                        (sqlite:///file.db, postgresql://user@host/db,\n"
	      "                        mysql://...); alone, the configuration's sqlalchemy.url.\n"
	      "                        Without it: MIGTREE_DB, else sqlalchemy.url for current\n"
	      "                        and history -i, for others only a local SQLite file\n"
	      "      --version-table NAME\n"
	      "                        the version table (default: alembic_version)\n"
	      "      --version-schema NAME\n"
	      "                        its schema (default: the connection's)\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         the version\n\n"
	      "Commands:\n",
	      out);
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-13s %s\n", c->name, c->summary);
	fprintf(out, "  %-13s %s\n", "help", "CMD: a command's options and exit codes (or CMD --help)");
	fputs("\nWithout a command: the interactive explorer on a terminal (? lists its keys),\n"
	      "else the tree and the problems of the project.\n"
	      "Exit status: 0 success; 1 where a deploy would fail (check: any error, or several\n"
	      "heads within one branch, i.e. heads without distinct branch labels; --max-heads N\n"
	      "allows N, --strict fails on warnings too) or a change refused; 2 usage or I/O\n"
	      "error. See migtree(1).\n",
	      out);
}

void commands_help(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: migtree %s\n\n%s  -h, --help            this help\n\n", cmd->synopsis, cmd->help);
	fprintf(out, "Global options (-c, -d, --define, --color, --published...) go before the\n"
		     "command: see migtree --help.\n\n");
	fprintf(out, "Exit status:\n%s", cmd->exits);
}

void commands_usage_error(const char *name)
{
	const struct command *cmd = commands_find(name);

	if (cmd)
		cli_error("usage: migtree %s (migtree help %s says more)", cmd->synopsis, name);
	else
		cli_error("usage: migtree [OPTIONS] [COMMAND] [ARGS] (see migtree --help)");
}

int commands_unknown(const char *typed)
{
	struct dym d;
	char *hint;

	dym_init(&d, typed, false);
	for (const struct command *c = commands; c->name; c++)
		dym_add(&d, c->name);
	dym_add(&d, "help");
	hint = dym_format(&d, NULL);
	if (hint)
		cli_error("unknown command '%s'; %s (see migtree --help)", typed, hint);
	else
		cli_error("unknown command '%s' (see migtree --help)", typed);
	free(hint);
	return EXIT_USAGE;
}

int commands_help_command(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2 || !strcmp(argv[1], "help")) {
		commands_usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		cli_error("usage: migtree help [COMMAND]");
		return EXIT_USAGE;
	}
	if (!(cmd = commands_find(argv[1])))
		return commands_unknown(argv[1]);
	commands_help(stdout, cmd);
	return EXIT_OK;
}
