/* cmd_check.c - every problem, for people (text) and for CI (json, exit code). */
#include <getopt.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/analyze.h"
#include "migtree/annotate.h"
#include "migtree/cli.h"
#include "migtree/dbcheck.h"
#include "migtree/format.h"
#include "migtree/json.h"
#include "migtree/quote.h"
#include "migtree/source.h"

struct check_opts {
	bool json, github, strict, verbose;
	long max_heads; /* -1: no limit */
	const char *require;
};

/* 0, or where to stop (cli_options_exit): help shown, or one line said why not. */
static int check_options(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 's' },
		{ "max-heads", required_argument, NULL, 'H' },
		{ "require", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;

	optind = 1;
	while ((c = cli_getopt("check", argc, argv, "v", longopts)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text") && strcmp(optarg, "github")) {
				cli_error("--format takes text, json or github, not '%s'", optarg);
				return CLI_OPT_BAD;
			}
			o->json = !strcmp(optarg, "json");
			o->github = !strcmp(optarg, "github");
			break;
		case 's':
			o->strict = true;
			break;
		case 'H':
			o->max_heads = strtol(optarg, &end, 10);
			if (*end || o->max_heads < 0) {
				cli_error("--max-heads takes a number, not '%s'", optarg);
				return CLI_OPT_BAD;
			}
			break;
		case 'R':
			o->require = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		default: /* --help, or the line cli_getopt printed */
			return c;
		}
	}
	if (optind < argc) {
		cli_error("check takes no argument '%s' (see migtree help check)", argv[optind]);
		return CLI_OPT_BAD;
	}
	return 0;
}

/* Add a pattern_missing warning for every file whose bytes do not match. */
static int check_required(struct project *p, const char *pattern)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code,
				       &off, NULL);
	pcre2_match_data *md;

	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		cli_error("--require: invalid regular expression at offset %zu: %s", (size_t)off, msg);
		return -1;
	}
	md = pcre2_match_data_create_from_pattern(re, NULL);
	for (size_t i = 0; i < p->files.n; i++) {
		struct revision_file *rf = p->files.v[i];
		char *bytes = NULL, why[256];
		size_t len = 0;
		int miss;

		/* files need not keep their text (scan.h): read the bytes again; a
		 * file that cannot be read is matched as empty, as it always was */
		if (!rf->real_path || source_read(source_worktree(), rf->real_path, MT_MAX_FILE_SIZE, &bytes,
						  &len, why) != SOURCE_READ_OK)
			len = 0;
		miss = pcre2_match(re, (PCRE2_SPTR)(bytes ? bytes : ""), len, 0, 0, md, NULL) < 0;
		free(bytes);
		if (miss)
			problem_add(&p->graph.problems, PROBLEM_PATTERN_MISSING, rf->revision, NULL, rf->path,
				    1, rf->load_index, "file does not contain the required pattern /%s/", pattern);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	problem_list_sort(&p->graph.problems);
	return 0;
}

/* Several heads on one branch are the one warning that fails a deploy, so its
 * ways out are printed without -v too: that is what a CI log must say. */
/* One problem is one line: a newline or control character inside a path, an id
 * or a message is shown escaped (^J), so a file cannot forge more lines. */
static void put_line_text(struct cli *cli, const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	quote_terminal(&sb, s, strlen(s));
	fputs(sb.buf ? sb.buf : "", cli->out);
	sb_free(&sb);
}

static void print_text(struct cli *cli, const struct problem_list *pl, bool verbose)
{
	for (size_t i = 0; i < pl->n; i++) {
		const struct problem *pr = &pl->v[i];
		bool err = problem_severity(pr->kind) == SEVERITY_ERROR;
		/* what a CI log must say without -v: how to join the heads, where a
		 * stamp went */
		bool fixes = verbose || pr->kind == PROBLEM_MULTIPLE_HEADS || pr->kind == PROBLEM_UNKNOWN_STAMP;

		if (pr->path) {
			put_line_text(cli, pr->path);
			fprintf(cli->out, ":%d: ", pr->line);
		}
		cli_put_color(cli, err ? "\033[31m" : "\033[33m");
		fputs(problem_kind_name(pr->kind), cli->out);
		cli_put_color(cli, "\033[0m");
		fputs(": ", cli->out);
		put_line_text(cli, format_clip(pr->message, FORMAT_CLIP_MESSAGE));
		fputc('\n', cli->out);
		for (size_t k = 0; fixes && k < pr->n_fixv; k++) {
			char *line = fix_sentence(&pr->fixv[k]);

			fputs("    fix: ", cli->out);
			put_line_text(cli, format_clip(line, FORMAT_CLIP_MESSAGE));
			fputc('\n', cli->out);
			free(line);
		}
	}
}

/* The exit rule (README, man page, --help): 1 on any error, and on several heads
 * within one branch, because `alembic upgrade head` (or `label@head`) fails on
 * them; with --max-heads N, on more than N heads instead; with --strict, on any
 * warning. */
static bool check_fails(const struct check_opts *o, const struct project *p, size_t errors,
			size_t warnings)
{
	bool heads_fail = o->max_heads >= 0 ? p->graph.heads.n > (uint32_t)o->max_heads
					    : problem_count_kind(&p->graph.problems, PROBLEM_MULTIPLE_HEADS) > 0;

	return errors || (o->strict && warnings) || heads_fail;
}

/* Are some of the heads in pieces that share no ancestor (their problems'
 * fix is the plan, not a merge)? */
static bool heads_apart(const struct problem_list *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		for (size_t k = 0; pl->v[i].kind == PROBLEM_MULTIPLE_HEADS && k < pl->v[i].n_fixv; k++)
			if (pl->v[i].fixv[k].kind == FIX_PLAN)
				return true;
	return false;
}

#define DB_HEADS_SHOWN 10

/* IDS (nodes) as "a, b, c" and " (N more)" past DB_HEADS_SHOWN. Owned. */
static char *id_list_text(const struct graph *g, const struct u32vec *ids)
{
	struct strbuf sb;

	sb_init(&sb);
	for (uint32_t i = 0; i < ids->n && i < DB_HEADS_SHOWN; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", format_clip(g->nodes[ids->v[i]].id, FORMAT_CLIP_ID));
	if (ids->n > DB_HEADS_SHOWN)
		sb_addf(&sb, " (%u more)", ids->n - DB_HEADS_SHOWN);
	return sb_detach(&sb);
}

/* Where the database stands, on stderr after the count: what is applied, the
 * heads still to apply, and stamps no head reaches. Pending revisions are no
 * problem (a database behind its files is the normal state of a deploy). */
static void database_summary(const struct project *p, const struct cli_db *d)
{
	const struct db_state *st = &d->st;
	struct u32vec cut = { 0 };
	char *list;

	if (!st->pending_heads.n) {
		cli_error("database %s: at the heads (%u revision%s applied)", st->url_display, st->n_applied,
			  st->n_applied == 1 ? "" : "s");
	} else {
		list = id_list_text(&p->graph, &st->pending_heads);
		cli_error("database %s: %u applied, %u pending%s; head%s not applied: %s", st->url_display,
			  st->n_applied, st->n_pending, st->no_table ? " (no version table)" : "",
			  st->pending_heads.n == 1 ? "" : "s", list);
		free(list);
	}
	db_unreachable_stamps(&p->graph, st, &cut);
	if (cut.n) {
		list = id_list_text(&p->graph, &cut);
		cli_error("database %s: stamped with %s, which no head reaches (`alembic upgrade heads` cannot go on "
			  "from there)",
			  st->url_display, list);
		free(list);
	}
	free(cut.v);
}

/* The project and, when this run reads one, the database (its unknown stamps
 * problems like the others). -1 after one line when either cannot be read. */
static int check_load(struct cli *cli, const struct check_opts *o, struct project *p, struct cli_db *d)
{
	struct mt_error err = { 0 };

	memset(d, 0, sizeof(*d));
	cli->req.no_order = true; /* check lists no revision in history order */
	/* without -v the text shows no missing parent's fixes: their suggestions
	 * (a tenth of a check at 100,000 revisions) are not made; the heads'
	 * fixes, shown, are made all the same, and their messages finished */
	cli->req.defer_suggestions = !o->json && !o->github && !o->verbose;
	if (cli_load_published(cli, p))
		return -1;
	if (p->graph.suggest_pending)
		analyze_finish_messages(&p->graph);
	if (o->require && check_required(p, o->require)) {
		project_free(p);
		return -1;
	}
	if (cli_db_read(cli, p, false, d, &err)) {
		cli_report("", &err);
		project_free(p);
		return -1;
	}
	if (d->st.url_display)
		db_check_unknown(p, &d->st, d->where_path, d->where_line, &p->graph.problems);
	return 0;
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct check_opts o = { .max_heads = -1 };
	struct project p;
	struct cli_db d;
	size_t errors, warnings;
	int rc = EXIT_OK, stop;

	if ((stop = check_options(argc, argv, &o)))
		return cli_options_exit(stop);
	if (check_load(cli, &o, &p, &d))
		return EXIT_USAGE;
	errors = problem_count(&p.graph.problems, SEVERITY_ERROR);
	warnings = problem_count(&p.graph.problems, SEVERITY_WARNING);
	if (o.json) {
		cli_machine_output(cli);
		json_write_check(cli->out, &p, &d.st);
	} else if (o.github) {
		cli_machine_output(cli); /* quote.c's GitHub rules already escape it */
		annotate_github(cli->out, &p.graph.problems, o.max_heads < 0, o.strict);
	} else {
		print_text(cli, &p.graph.problems, o.verbose);
		if (errors || warnings)
			cli_error("%zu error%s, %zu warning%s in %u revisions%s", errors, errors == 1 ? "" : "s",
				  warnings, warnings == 1 ? "" : "s", p.graph.n - (uint32_t)p.graph.owned.n,
				  o.verbose ? "" : " (check -v shows ways to fix each)");
		if (d.st.url_display)
			database_summary(&p, &d);
	}
	if (check_fails(&o, &p, errors, warnings))
		rc = EXIT_PROBLEMS;
	if (!o.json && !o.github && o.max_heads >= 0 && p.graph.heads.n > (uint32_t)o.max_heads)
		cli_error("%u heads, more than --max-heads %ld", p.graph.heads.n, o.max_heads);
	else if (!o.json && !o.github && o.max_heads < 0 &&
		 problem_count_kind(&p.graph.problems, PROBLEM_MULTIPLE_HEADS))
		cli_error(heads_apart(&p.graph.problems)
				  ? "several heads on one branch, in pieces that share no ancestor: `alembic upgrade "
				    "head` fails; `migtree plan` connects the pieces and merges what is left, or "
				    "allow them with --max-heads N"
				  : "several heads on one branch: `alembic upgrade head` fails; merge them or put one "
				    "after the other (the fix lines above), or allow them with --max-heads N");
	cli_db_free(&d);
	project_free(&p);
	return rc;
}
