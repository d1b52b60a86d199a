/* cmd_edit.c - set-down, set-docstring, stub, restore and merge: repairs from the command
 * line. Each prints the diff of what it changes and saves it (atomically, see
 * save.h), or with --dry-run only prints it. Exit 0 done, 1 refused, 2 usage or
 * I/O error. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/cli.h"
#include "migtree/commands.h"
#include "migtree/edit.h"
#include "migtree/published.h"
#include "migtree/save.h"

struct edit_opts {
	bool dry_run;
	const char *message;
	const char *down;
	bool has_down;
	bool force;
	bool all; /* --all */
};

/* Each command's own options, so that --help and "did you mean" name only those. */
#define OPT_DRY_RUN { "dry-run", no_argument, NULL, 'n' }
#define OPT_MESSAGE { "message", required_argument, NULL, 'm' }
#define OPT_END { NULL, 0, NULL, 0 }
static const struct option set_down_opts[] = { OPT_DRY_RUN, { "force", no_argument, NULL, 'f' }, OPT_END };
static const struct option set_docstring_opts[] = { OPT_DRY_RUN, { "all", no_argument, NULL, 'a' }, OPT_END };
static const struct option stub_opts[] = { OPT_DRY_RUN, OPT_MESSAGE, { "down", required_argument, NULL, 'd' },
					   OPT_END };
static const struct option merge_opts[] = { OPT_DRY_RUN, OPT_MESSAGE, OPT_END };
static const struct option restore_opts[] = { OPT_DRY_RUN, OPT_END };

/* Options, then MIN..MAX arguments (MAX 0: no limit); 0, or where to stop
 * (cli_options_exit) after the help or one line saying why not. */
static int edit_options(int argc, char **argv, const char *shortopts, const struct option *longopts,
			struct edit_opts *o, int min, int max)
{
	int c;

	optind = 0; /* a full restart of getopt, so options may follow the arguments */
	while ((c = cli_getopt(argv[0], argc, argv, shortopts, longopts)) != -1) {
		if (c == 'n') {
			o->dry_run = true;
		} else if (c == 'm') {
			o->message = optarg;
		} else if (c == 'd') {
			o->down = optarg;
			o->has_down = true;
		} else if (c == 'f') {
			o->force = true;
		} else if (c == 'a') {
			o->all = true;
		} else {
			return c; /* --help, or the line cli_getopt printed */
		}
	}
	if (argc - optind < min || (max && argc - optind > max)) {
		commands_usage_error(argv[0]);
		return CLI_OPT_BAD;
	}
	return 0;
}

/* A revision argument to its full id, or NULL (after saying why). An empty one
 * is refused before it can be taken for anything (edit_check_id). */
static const char *full_id(struct project *p, const char *arg)
{
	struct mt_error err = { 0 };
	uint32_t v;

	if (edit_check_id(arg, &err)) {
		cli_report("refused: ", &err);
		return NULL;
	}
	v = cli_resolve(p, arg);

	return v == NO_NODE ? NULL : p->graph.nodes[v].id;
}

/* Print the diff, save unless dry-run; the exit status. */
static int finish_edit(struct cli *cli, struct edit_session *s, const struct edit_opts *o)
{
	return cli_finish_edit(cli, s, o->dry_run);
}

int cli_finish_edit(struct cli *cli, struct edit_session *s, bool dry_run)
{
	char *diff = edit_diff(s);
	struct strlist written = { 0 };
	struct mt_error err = { 0 };
	int rc = EXIT_OK;

	fputs(diff, cli->out); /* escaped on a terminal, byte-exact in a pipe */
	free(diff);
	if (dry_run) {
		cli_error("dry run: nothing written");
	} else if (save_session(s, &save_io_system, &written, &err) != 0) {
		cli_report("", &err); /* a partial save says so first (save.h) */
		rc = EXIT_USAGE;
	} else {
		for (size_t i = 0; i < written.n; i++)
			cli_error("saved %s", written.v[i]);
	}
	sl_free(&written);
	return rc;
}

static int refused(const struct mt_error *err)
{
	cli_report("refused: ", err);
	return EXIT_PROBLEMS;
}

/* Re-parenting a revision other databases ran strands them: refuse unless --force. */
static int refuse_published(struct cli *cli, struct project *p, const char *rev)
{
	struct published pub;
	struct mt_error err = { 0 };
	const struct revision_file *rf = p->graph.nodes[graph_find(&p->graph, rev)].file;
	int rc = EXIT_OK;

	if (published_load(p, cli->published_ref, &pub, &err)) {
		cli_error("%s", err.message);
		return EXIT_USAGE;
	}
	if (published_has(&pub, rf)) {
		cli_error("refused: %s is published on %s: databases that already ran it would be stranded by a new "
			  "parent (the reason Alembic has no rebase). Prefer `migtree merge`; --force retargets anyway.",
			  rev, pub.ref);
		rc = EXIT_PROBLEMS;
	}
	published_free(&pub);
	return rc;
}

int cmd_set_down(struct cli *cli, int argc, char **argv)
{
	struct edit_opts o = { 0 };
	struct project p;
	struct edit_session s;
	struct strlist parents = { 0 };
	struct mt_error err = { 0 };
	const char *rev;
	char *spec, *tok, *next;
	int rc;

	if ((rc = edit_options(argc, argv, "", set_down_opts, &o, 2, 2)))
		return cli_options_exit(rc);
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	rev = full_id(&p, argv[optind]);
	spec = xstrdup(argv[optind + 1]);
	rc = rev ? EXIT_OK : EXIT_PROBLEMS;
	/* every piece between commas is an id: "a,,b" and "" are refused, not skipped */
	for (tok = spec; tok && rc == EXIT_OK; tok = next) {
		const char *id;

		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (!strcmp(tok, "none") && !strchr(argv[optind + 1], ','))
			break;
		id = full_id(&p, tok);
		if (id)
			sl_push(&parents, id);
		else
			rc = EXIT_PROBLEMS;
	}
	free(spec);
	if (rc == EXIT_OK && !o.force)
		rc = refuse_published(cli, &p, rev);
	if (rc == EXIT_OK) {
		edit_begin(&s, &p);
		rc = edit_set_down(&s, rev, &parents, false, &err) ? refused(&err) : finish_edit(cli, &s, &o);
		edit_end(&s);
	}
	sl_free(&parents);
	project_free(&p);
	return rc;
}

/* With --all: every revision with a docstring_mismatch, except those whose
 * down_revision names a missing revision, where the docstring is the better
 * witness of the intended parent (suggest.c reads it): those only by name.
 * The list is taken first: each edit rebuilds the graph and its problems. */
static int set_all_docstrings(struct project *p, struct edit_session *s, struct mt_error *err)
{
	struct strlist todo = { 0 };
	struct strmap seen; /* revisions listed (a problem's text, borrowed) */
	int rc = 0;

	strmap_init(&seen);

	for (size_t i = 0; i < p->graph.problems.n; i++) {
		const struct problem *pr = &p->graph.problems.v[i];
		const struct node *nd;
		const char *missing = NULL;

		if (pr->kind != PROBLEM_DOCSTRING_MISMATCH || !strmap_put(&seen, pr->revision, 0))
			continue;
		nd = &p->graph.nodes[graph_find(&p->graph, pr->revision)];
		for (uint32_t k = 0; k < nd->down.n && !missing; k++)
			if (p->graph.nodes[nd->down.v[k]].phantom)
				missing = p->graph.nodes[nd->down.v[k]].id;
		if (missing)
			cli_error("skipped %s: its down_revision names the missing %s, so its docstring may be "
				  "the right one (migtree set-docstring %s rewrites it anyway)",
				  pr->revision, missing, pr->revision);
		else
			sl_push(&todo, pr->revision);
	}
	rc = edit_set_docstrings(s, &todo, err);
	if (rc == 0 && !todo.n)
		rc = mt_fail(err, NULL, 0, "nothing to fix: no docstring disagrees with its variables");
	strmap_free(&seen);
	sl_free(&todo);
	return rc;
}

int cmd_set_docstring(struct cli *cli, int argc, char **argv)
{
	struct edit_opts o = { 0 };
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	const char *rev = NULL;
	int rc;

	if ((rc = edit_options(argc, argv, "", set_docstring_opts, &o, 0, 1)))
		return cli_options_exit(rc);
	if (o.all == (argc - optind == 1)) {
		commands_usage_error("set-docstring");
		return EXIT_USAGE;
	}
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	if (!o.all && !(rev = full_id(&p, argv[optind]))) {
		project_free(&p);
		return EXIT_PROBLEMS;
	}
	edit_begin(&s, &p);
	rc = (o.all ? set_all_docstrings(&p, &s, &err) : edit_set_docstring(&s, rev, &err)) ? refused(&err)
											    : finish_edit(cli, &s, &o);
	edit_end(&s);
	project_free(&p);
	return rc;
}

int cmd_stub(struct cli *cli, int argc, char **argv)
{
	struct edit_opts o = { 0 };
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	const char *parent = NULL;
	char *hint;
	int rc;

	if ((rc = edit_options(argc, argv, "m:", stub_opts, &o, 1, 1)))
		return cli_options_exit(rc);
	if (!o.has_down) {
		cli_error("stub needs --down PARENT (or --down none for a base); see migtree help stub");
		return EXIT_USAGE;
	}
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	if (edit_check_id(argv[optind], &err)) {
		project_free(&p);
		return refused(&err);
	}
	if (graph_find(&p.graph, argv[optind]) == NO_NODE && (hint = cli_revision_hint(&p, argv[optind], HINT_MISSING))) {
		/* edit.c would refuse it too; a mistyped missing id gets the closest ones */
		cli_error("refused: no revision names %s: a placeholder is for a missing revision; %s", argv[optind], hint);
		free(hint);
		project_free(&p);
		return EXIT_PROBLEMS;
	}
	if (strcmp(o.down, "none") && !(parent = full_id(&p, o.down))) {
		project_free(&p);
		return EXIT_PROBLEMS;
	}
	edit_begin(&s, &p);
	rc = edit_create_stub(&s, argv[optind], parent, o.message, &err) ? refused(&err) : finish_edit(cli, &s, &o);
	edit_end(&s);
	project_free(&p);
	return rc;
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
	struct edit_opts o = { 0 };
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	int rc;

	if ((rc = edit_options(argc, argv, "", restore_opts, &o, 1, 1)))
		return cli_options_exit(rc);
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	edit_begin(&s, &p);
	rc = edit_restore(&s, argv[optind], &err) ? refused(&err) : finish_edit(cli, &s, &o);
	edit_end(&s);
	project_free(&p);
	return rc;
}

int cmd_merge(struct cli *cli, int argc, char **argv)
{
	struct edit_opts o = { 0 };
	struct project p;
	struct edit_session s;
	struct strlist heads = { 0 };
	struct mt_error err = { 0 };
	char *id = NULL;
	int rc = EXIT_OK;

	if ((rc = edit_options(argc, argv, "m:", merge_opts, &o, 2, 0)))
		return cli_options_exit(rc);
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	for (int i = optind; i < argc && rc == EXIT_OK; i++) {
		const char *h = full_id(&p, argv[i]);

		if (h)
			sl_push(&heads, h);
		else
			rc = EXIT_PROBLEMS;
	}
	if (rc == EXIT_OK) {
		edit_begin(&s, &p);
		rc = edit_create_merge(&s, &heads, o.message, &id, &err) ? refused(&err) : finish_edit(cli, &s, &o);
		edit_end(&s);
	}
	free(id);
	sl_free(&heads);
	project_free(&p);
	return rc;
}
