/* cmd_review.c - `migtree review BASE [HEAD]`: what merging would do, before it lands.
 *
 * BASE and HEAD are git refs (HEAD: the work tree when omitted), read straight
 * from git objects at each ref and at their merge base, configuration included;
 * or, when they are not refs, two heads of the loaded history, compared from
 * their common ancestor. Read-only unless --fix is given; a fix is written on the
 * HEAD side only, which must then be the work tree, through the edit and save
 * machinery (diff first, --dry-run, atomic save). Exit 0 clean, 1 the merge would
 * break, 2 usage, git or I/O errors. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/cli.h"
#include "migtree/commands.h"
#include "migtree/git.h"
#include "migtree/review.h"
#include "migtree/review_report.h"
#include "migtree/ui.h"

enum review_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_GITHUB };

struct review_opts {
	enum review_format format;
	const char *fix;     /* "merge", "rebase" or NULL */
	const char *message; /* -m for --fix merge */
	bool dry_run, explore;
	const char *base, *head;
};

/* A value getopt took but review does not, or cli_getopt's stop (help shown, or
 * its one line printed). */
static int bad_option(int c)
{
	if (c == 'f')
		cli_error("--format takes text, json or github, not '%s'", optarg);
	else if (c == 'x')
		cli_error("--fix takes merge or rebase, not '%s'", optarg);
	else
		return c;
	return CLI_OPT_BAD;
}

static int review_options(int argc, char **argv, struct review_opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' }, { "fix", required_argument, NULL, 'x' },
		{ "dry-run", no_argument, NULL, 'n' },      { "message", required_argument, NULL, 'm' },
		{ "explore", no_argument, NULL, 'e' },      { NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0; /* GNU getopt starts afresh (main's scan stopped at the command): options
		     * may come after BASE and HEAD */
	while ((c = cli_getopt("review", argc, argv, "m:", longopts)) != -1) {
		if (c == 'f' && (!strcmp(optarg, "text") || !strcmp(optarg, "json") || !strcmp(optarg, "github")))
			o->format = !strcmp(optarg, "json") ? FORMAT_JSON : !strcmp(optarg, "github") ? FORMAT_GITHUB
											: FORMAT_TEXT;
		else if (c == 'x' && (!strcmp(optarg, "merge") || !strcmp(optarg, "rebase")))
			o->fix = optarg;
		else if (c == 'n')
			o->dry_run = true;
		else if (c == 'm')
			o->message = optarg;
		else if (c == 'e')
			o->explore = true;
		else
			return bad_option(c);
	}
	if (argc - optind > 2) {
		cli_error("review takes BASE and HEAD at most; extra argument '%s'", argv[optind + 2]);
		return CLI_OPT_BAD;
	}
	if (optind >= argc) {
		commands_usage_error("review");
		return CLI_OPT_BAD;
	}
	o->base = argv[optind];
	o->head = argc - optind == 2 ? argv[optind + 1] : NULL;
	return 0;
}

/* Projects that borrow their files from another (head-vs-head mode). */
static void borrowed_free(struct project *p)
{
	free(p->files.v);
	p->files.v = NULL;
	p->files.n = 0;
	sl_free(&p->files.notes);
	project_free(p);
}

struct sides {
	struct project anc, base, head;
	struct project whole; /* head-vs-head: the loaded history the three borrow from */
	bool borrowed;
	char base_commit[GIT_OID_HEX_MAX + 1], head_commit[GIT_OID_HEX_MAX + 1],
		merge_base[GIT_OID_HEX_MAX + 1];
};

static void sides_free(struct sides *s)
{
	if (s->borrowed) {
		borrowed_free(&s->anc);
		borrowed_free(&s->base);
		borrowed_free(&s->head);
		project_free(&s->whole);
		return;
	}
	project_free(&s->anc);
	project_free(&s->base);
	project_free(&s->head);
}

/* Git refs: the merge base, BASE and HEAD (or the work tree) as git has them. */
static int load_refs(struct cli *cli, const struct review_opts *o, struct sides *s, struct mt_error *err)
{
	if (git_resolve_commit(".", o->base, s->base_commit, err))
		return -1;
	if (o->head && git_resolve_commit(".", o->head, s->head_commit, err))
		return -1;
	if (git_merge_base(".", s->base_commit, o->head ? s->head_commit : "HEAD", s->merge_base, err))
		return -1;
	/* the sides are shown by the names the user gave ("main:alembic/versions/x.py") */
	if (project_load_at(s->merge_base, &cli->req, &s->anc, err) ||
	    project_load_at(o->base, &cli->req, &s->base, err))
		return -1;
	if (o->head)
		return project_load_at(o->head, &cli->req, &s->head, err);
	return project_load(&cli->req, &s->head, err);
}

static void add_borrowed(struct project *p, struct revision_file *rf)
{
	GROW(p->files.v, p->files.cap, p->files.n + 1);
	p->files.v[p->files.n++] = rf;
}

/* NAME as a revision of P, or an error line saying it is neither a ref nor that. */
static bool quiet_head(const struct project *p, const char *name, uint32_t *v)
{
	struct mt_error err = { 0 };
	char *top = NULL;
	bool in_git = git_toplevel(".", &top, &err) == 0;

	free(top);
	if (graph_resolve(&p->graph, name, v, NULL) == RESOLVE_OK)
		return true;
	cli_error("review: '%s' is neither a git ref (%s) nor a revision of this history", name,
		  in_git ? "no such commit here" : "not a git repository here");
	return false;
}

/* Two heads of one history: each side is the history without what only the
 * other head's line adds since their common ancestor. */
static int load_heads(struct cli *cli, const struct review_opts *o, struct sides *s)
{
	uint32_t b, h, c;
	bool *from_b, *from_h;

	const struct graph *g = &s->whole.graph;

	s->borrowed = true;
	if (cli_load(cli, &s->whole))
		return -1;
	if (!quiet_head(&s->whole, o->base, &b) || !quiet_head(&s->whole, o->head, &h))
		return -1;
	c = graph_common_ancestor(g, b, h);
	from_b = graph_line_since(g, b, c);
	from_h = graph_line_since(g, h, c);
	for (size_t i = 0; i < s->whole.files.n; i++) {
		struct revision_file *rf = s->whole.files.v[i];
		uint32_t v = rf->error || !rf->revision ? NO_NODE : graph_find(g, rf->revision);
		bool only_b = v != NO_NODE && from_b[v] && !from_h[v];
		bool only_h = v != NO_NODE && from_h[v] && !from_b[v];

		if (!only_b && !only_h)
			add_borrowed(&s->anc, rf);
		if (!only_h)
			add_borrowed(&s->base, rf);
		if (!only_b)
			add_borrowed(&s->head, rf);
	}
	free(from_b);
	free(from_h);
	project_analyse(&s->anc);
	project_analyse(&s->base);
	project_analyse(&s->head);
	return 0;
}

/* The HEAD side is the work tree: HEAD omitted, or naming the checked-out commit. */
static bool head_is_worktree(const struct review_opts *o, const struct sides *s)
{
	char here[GIT_OID_HEX_MAX + 1];
	struct mt_error err = { 0 };

	if (!o->head)
		return true;
	return git_resolve_commit(".", "HEAD", here, &err) == 0 && !strcmp(here, s->head_commit);
}

static const struct review_fix *find_fix(const struct review *r, const char *kind)
{
	enum review_fix_kind want = !strcmp(kind, "merge") ? REVIEW_FIX_MERGE : REVIEW_FIX_REBASE;

	for (size_t i = 0; i < r->n_fixes; i++)
		if (r->fixes[i].kind == want)
			return &r->fixes[i];
	return NULL;
}

/* Apply the fix to the work tree's history, through the edit session. */
static int apply_fix(struct cli *cli, const struct review_opts *o, const struct review *r)
{
	const struct review_fix *fix = find_fix(r, o->fix);
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	int rc;

	if (!fix) {
		cli_error(r->clean ? "the merge is clean: nothing to fix"
				   : "no --fix %s for this merge (see the ways out in the report)", o->fix);
		return EXIT_PROBLEMS;
	}
	if (cli_load(cli, &p))
		return EXIT_USAGE;
	edit_begin(&s, &p);
	if (fix->kind == REVIEW_FIX_MERGE)
		rc = edit_create_merge_with(&s, &fix->parents, &fix->parents,
					    o->message ? o->message : "merge heads", NULL, &err);
	else
		rc = edit_set_down(&s, fix->revision, &fix->parents, true, &err);
	if (rc) {
		cli_report("cannot fix: ", &err);
		rc = EXIT_PROBLEMS;
	} else {
		rc = cli_finish_edit(cli, &s, o->dry_run);
	}
	edit_end(&s);
	project_free(&p);
	return rc;
}

static void report(struct cli *cli, const struct review_opts *o, const struct review *r,
		   const struct sides *s)
{
	struct review_names n = { o->base, o->head, NULL, NULL, NULL, NULL };
	struct mt_error err = { 0 };
	char *top = NULL;

	if (!s->borrowed) {
		n.base_commit = s->base_commit;
		n.head_commit = o->head ? s->head_commit : NULL;
		n.merge_base = s->merge_base;
	}
	if (git_toplevel(".", &top, &err) == 0)
		n.top = top;
	if (o->format == FORMAT_JSON) {
		cli_machine_output(cli);
		review_write_json(cli->out, r, &n);
	} else if (o->format == FORMAT_GITHUB) {
		cli_machine_output(cli);
		review_write_github(cli->out, r, &n);
	} else {
		review_write_text(cli->out, r, &n);
	}
	free(top);
}

/* Are BASE (and HEAD) commits of the repository here? Else they name heads. */
static bool names_refs(const struct review_opts *o)
{
	char oid[GIT_OID_HEX_MAX + 1];
	struct mt_error err = { 0 };

	return git_resolve_commit(".", o->base, oid, &err) == 0 ||
	       (o->head && git_resolve_commit(".", o->head, oid, &err) == 0);
}

int cmd_review(struct cli *cli, int argc, char **argv)
{
	struct review_opts o = { 0 };
	struct sides s;
	struct review r;
	struct mt_error err = { 0 };
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = review_options(argc, argv, &o)))
		return cli_options_exit(rc);
	cli->req.keep_text = true; /* the three sides' bytes are compared and merged (review.c) */
	if (o.head && !names_refs(&o)) {
		if (load_heads(cli, &o, &s)) {
			sides_free(&s);
			return EXIT_USAGE;
		}
	} else if (load_refs(cli, &o, &s, &err)) {
		cli_report("review: ", &err);
		sides_free(&s);
		return EXIT_USAGE;
	}
	review_run(&s.anc, &s.base, &s.head, &r, &err);
	if (o.explore) {
		rc = ui_run_review(cli, &r, o.base, o.head);
	} else if (o.fix && !head_is_worktree(&o, &s)) {
		cli_error("--fix writes on the HEAD side: check out %s first (or omit HEAD for the work tree)",
			  o.head);
		rc = EXIT_USAGE;
	} else if (o.fix) {
		report(cli, &o, &r, &s);
		rc = apply_fix(cli, &o, &r);
	} else {
		report(cli, &o, &r, &s);
		rc = r.clean ? EXIT_OK : EXIT_PROBLEMS;
	}
	review_free(&r);
	sides_free(&s);
	return rc;
}
