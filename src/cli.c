/* cli.c - helpers shared by the commands, and what reaches the user's terminal.
 *
 * The escaping of command output is a FILE* wrapper (fopencookie), not a helper
 * each printer calls: history, tree, show, check, the JSON and the exports all
 * write to cli->out through fprintf, in five modules, and a printer that forgot a
 * helper would print raw ESC again. Through the wrapper nothing can be forgotten;
 * migtree's own colour codes, the one thing that must pass raw, take a side
 * channel (cli_put_color). Line ends pass; everything else follows quote.c's
 * terminal rule. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migtree/cli.h"
#include "migtree/commands.h"
#include "migtree/didyoumean.h"
#include "migtree/published.h"
#include "migtree/quote.h"
#include "migtree/strmap.h"

static void (*error_sink)(void *ctx, const char *msg);
static void *error_sink_ctx;

void cli_set_error_sink(void (*sink)(void *ctx, const char *msg), void *ctx)
{
	error_sink = sink;
	error_sink_ctx = ctx;
}

/* Every error message, always escaped: stderr is a terminal more often than not,
 * and a log viewer shows raw bytes too. */
void cli_error(const char *fmt, ...)
{
	struct strbuf line;
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	if (error_sink) { /* the explorer's status bar, which escapes as it draws */
		error_sink(error_sink_ctx, msg);
		free(msg);
		return;
	}
	sb_init(&line);
	sb_adds(&line, "migtree: ");
	quote_terminal(&line, msg, strlen(msg));
	sb_addc(&line, '\n');
	fwrite(line.buf, 1, line.len, stderr);
	sb_free(&line);
	free(msg);
}

struct esc_stream {
	FILE *to;
	struct strbuf pend; /* the start of a UTF-8 character split across writes */
};

/* Bytes at the end of S that may be the start of a character still to come. */
static size_t incomplete_tail(const char *s, size_t len)
{
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		unsigned char c = (unsigned char)s[len - back];
		size_t need = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;

		if ((c & 0xC0) == 0x80)
			continue; /* a continuation byte: look further back for its lead */
		return need > back ? back : 0;
	}
	return 0;
}

static void esc_flush(struct esc_stream *e, size_t keep)
{
	struct strbuf out;
	const char *s = e->pend.buf;
	size_t len = e->pend.len - keep;

	if (!len)
		return;
	sb_init(&out);
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t k = nl ? (size_t)(nl - s) : len;

		quote_terminal(&out, s, k);
		if (nl) {
			sb_addc(&out, '\n');
			k++;
		}
		s += k;
		len -= k;
	}
	fwrite(out.buf, 1, out.len, e->to);
	sb_free(&out);
	memmove(e->pend.buf, e->pend.buf + e->pend.len - keep, keep);
	e->pend.len = keep;
}

static ssize_t esc_write(void *cookie, const char *buf, size_t size)
{
	struct esc_stream *e = cookie;

	sb_addn(&e->pend, buf, size);
	esc_flush(e, incomplete_tail(e->pend.buf, e->pend.len));
	return (ssize_t)size;
}

static int esc_close(void *cookie)
{
	struct esc_stream *e = cookie;

	esc_flush(e, 0); /* a character never completed: shown as its bytes */
	sb_free(&e->pend);
	free(e);
	return 0;
}

void cli_open_output(struct cli *cli, bool for_people)
{
	cookie_io_functions_t io = { .write = esc_write, .close = esc_close };
	struct esc_stream *e;

	cli->raw_out = stdout;
	cli->out = stdout;
	cli->stdout_tty = isatty(STDOUT_FILENO);
	if (!for_people && !cli->stdout_tty)
		return;
	e = xcalloc(1, sizeof(*e));
	e->to = stdout;
	sb_init(&e->pend);
	cli->out = fopencookie(e, "w", io);
	if (!cli->out) {
		free(e);
		cli->out = stdout;
	}
}

void cli_machine_output(struct cli *cli)
{
	if (cli->stdout_tty || cli->out == cli->raw_out)
		return;
	fclose(cli->out);
	cli->out = cli->raw_out;
}

int cli_close_output(struct cli *cli)
{
	int rc = 0;

	if (cli->out && cli->out != cli->raw_out)
		rc = fclose(cli->out);
	cli->out = cli->raw_out;
	return rc;
}

void cli_put_color(struct cli *cli, const char *code)
{
	if (!cli->color)
		return;
	fflush(cli->out); /* what came before goes first, escaped */
	fputs(code, cli->raw_out ? cli->raw_out : cli->out);
}

void cli_report(const char *prefix, const struct mt_error *err)
{
	char buf[sizeof(err->path) + sizeof(err->message) + 32];

	mt_error_format(err, buf, sizeof(buf));
	cli_error("%s%s", prefix, buf);
}

int cli_load(struct cli *cli, struct project *p)
{
	struct mt_error err = { 0 };

	if (project_load(&cli->req, p, &err) == 0) {
		for (size_t i = 0; !cli->notes_shown && i < p->config.notes.n; i++)
			cli_error("note: %s", p->config.notes.v[i]);
		cli->notes_shown = true;
		return 0;
	}
	cli_report("", &err);
	project_free(p);
	return -1;
}

int cli_load_published(struct cli *cli, struct project *p)
{
	struct mt_error err = { 0 };

	if (cli_load(cli, p))
		return -1;
	if (published_fix_project(p, cli->published_ref, &err) == 0)
		return 0;
	cli_error("%s", err.message);
	project_free(p);
	return -1;
}

uint32_t cli_resolve(const struct project *p, const char *arg)
{
	return cli_resolve_hinted(p, arg, HINT_PRESENT);
}

uint32_t cli_resolve_hinted(const struct project *p, const char *arg, enum cli_hint which)
{
	struct strlist matches = { 0 };
	uint32_t node = NO_NODE;
	char *list;

	switch (graph_resolve(&p->graph, arg, &node, &matches)) {
	case RESOLVE_OK:
		break;
	case RESOLVE_NONE:
		if (graph_find(&p->graph, arg) != NO_NODE) {
			cli_error("revision '%s' is referenced but missing (no file defines it)", arg);
			break;
		}
		list = cli_revision_hint(p, arg, which);
		cli_error("no revision or branch label '%s'%s%s%s", arg,
			  strlen(arg) < 4 ? " (prefixes need at least four characters)" : "", list ? "; " : "",
			  list ? list : "");
		free(list);
		break;
	case RESOLVE_AMBIGUOUS:
		list = sl_join(&matches, ", ");
		cli_error("'%s' is ambiguous; it could be %s", arg, list);
		free(list);
		break;
	}
	sl_free(&matches);
	return node;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The labels node I declares (where g->labels has them: an inherited one is
 * another's), sorted, each once: read from its file, not from its label set,
 * which on a labelled line holds every label below it. */
static void add_declared_labels(struct dym *d, const struct graph *g, uint32_t i)
{
	const struct strlist *ids = rf_label_ids(g->nodes[i].file);
	const char **own = xmalloc((ids->n ? ids->n : 1) * sizeof(char *));
	uint32_t at;

	for (size_t k = 0; k < ids->n; k++)
		own[k] = ids->v[k];
	sort_array(own, ids->n, sizeof(char *), cmp_name);
	for (size_t k = 0; k < ids->n; k++)
		if ((!k || strcmp(own[k], own[k - 1])) && strmap_get(&g->labels, own[k], &at) && at == i)
			dym_add(d, own[k]);
	free(own);
}

char *cli_revision_hint(const struct project *p, const char *typed, enum cli_hint which)
{
	const struct graph *g = &p->graph;
	struct dym d;

	dym_init(&d, typed, true);
	for (uint32_t i = 0; i < g->n; i++) {
		const struct node *nd = &g->nodes[i];

		if (nd->phantom ? which == HINT_PRESENT : which == HINT_MISSING)
			continue;
		dym_add(&d, nd->id);
		if (!nd->phantom)
			add_declared_labels(&d, g, i);
	}
	return dym_format(&d, NULL);
}

/* ---- options ---------------------------------------------------------------- */

/* Score every long option against NAME (the text after "--", before any '='),
 * and collect those NAME starts, which make it ambiguous when there are several. */
static void option_hint(const struct option *longopts, const char *name, struct dym *d, struct strlist *prefixed)
{
	size_t len = strlen(name);

	for (const struct option *o = longopts; o->name; o++) {
		if (!strncmp(o->name, name, len))
			sl_push(prefixed, o->name);
		dym_add(d, o->name);
	}
}

static void unknown_option(const char *cmd, const char *arg, const struct option *longopts)
{
	const char *where = cmd ? cmd : "";
	const char *colon = cmd ? ": " : "";
	struct strlist prefixed = { 0 };
	struct dym d;
	char *name, *hint = NULL, *list;

	if (arg[0] != '-' || arg[1] != '-') { /* a short option: no guessing on one letter */
		cli_error("%s%sunknown option '%s' (see migtree %s%s)", where, colon, arg, cmd ? "help " : "--help",
			  cmd ? cmd : "");
		return;
	}
	name = xstrndup(arg + 2, strcspn(arg + 2, "="));
	dym_init(&d, name, false);
	option_hint(longopts, name, &d, &prefixed);
	if (prefixed.n > 1 && *name) {
		list = sl_join(&prefixed, ", --");
		cli_error("%s%soption '--%s' is ambiguous; it could be --%s", where, colon, name, list);
		free(list);
	} else {
		hint = dym_format(&d, "--");
		cli_error("%s%sunknown option '--%s'%s%s (see migtree %s%s)", where, colon, name, hint ? "; " : "",
			  hint ? hint : "", cmd ? "help " : "--help", cmd ? cmd : "");
	}
	free(hint);
	free(name);
	sl_free(&prefixed);
}

/* The long option ARG ("--name=value") names, when it is one of LONGOPTS with VAL. */
static bool is_long_option(const char *arg, const struct option *longopts, int val)
{
	size_t len;

	if (arg[0] != '-' || arg[1] != '-')
		return false;
	len = strcspn(arg + 2, "=");
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == val && !strncmp(o->name, arg + 2, len))
			return true;
	return false;
}

/* What getopt could not take, in one line. ARG is the last element getopt
 * consumed: after a long option always that option, after a short one only when
 * the option ended its cluster (`-vx` stays on `-vx`), hence the checks. */
static void option_error(const char *cmd, int c, char **argv, const struct option *longopts)
{
	const char *where = cmd ? cmd : "", *colon = cmd ? ": " : "";
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	char shortname[3] = { '-', (char)optopt, '\0' };
	int len = (int)strcspn(arg, "=");

	if (c == ':' && is_long_option(arg, longopts, optopt))
		cli_error("%s%soption '%.*s' needs a value (see migtree %s%s)", where, colon, len, arg,
			  cmd ? "help " : "--help", cmd ? cmd : "");
	else if (c == ':')
		cli_error("%s%soption '-%c' needs a value (see migtree %s%s)", where, colon, optopt,
			  cmd ? "help " : "--help", cmd ? cmd : "");
	else if (optopt && strchr(arg, '=') && is_long_option(arg, longopts, optopt))
		cli_error("%s%soption '%.*s' takes no value", where, colon, len, arg);
	else
		unknown_option(cmd, optopt ? shortname : arg, longopts);
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	struct option all[32];
	char spec[64];
	size_t n = 0;
	bool plus = shortopts[0] == '+';
	int c;

	for (; longopts[n].name; n++) {
		if (n + 2 >= sizeof(all) / sizeof(all[0]))
			abort(); /* a table this long is a programming error */
		all[n] = longopts[n];
	}
	all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	snprintf(spec, sizeof(spec), "%s:h%s", plus ? "+" : "", shortopts + plus);
	opterr = 0; /* one line of ours, not getopt's and then ours */
	c = getopt_long(argc, argv, spec, all, NULL);
	if (c == 'h') {
		const struct command *command = cmd ? commands_find(cmd) : NULL;

		if (command)
			commands_help(stdout, command);
		else
			commands_usage(stdout);
		return CLI_OPT_HELP;
	}
	if (c == '?' || c == ':') {
		option_error(cmd, c, argv, all);
		return CLI_OPT_BAD;
	}
	return c;
}

int cli_options_exit(int stop)
{
	return stop == CLI_OPT_HELP ? EXIT_OK : EXIT_USAGE;
}

/* Output that holds `<unknown NAME>` is not Alembic's: say which names, once. */
static void warn_unknown_values(const struct project *p)
{
	const struct problem_list *pl = &p->graph.problems;
	struct strlist names = { 0 };
	struct strmap seen; /* a name a file (cfg.down_17) is as many names as revisions */
	char *list;

	strmap_init(&seen);
	for (size_t i = 0; i < pl->n; i++)
		if (pl->v[i].kind == PROBLEM_UNKNOWN_VALUE && strmap_put(&seen, pl->v[i].ref, 0))
			sl_push(&names, pl->v[i].ref);
	strmap_free(&seen);
	if (!names.n)
		return;
	list = sl_join(&names, ", ");
	cli_error("warning: shown as <unknown ...>, what only running the files could tell: %.600s; "
		  "give %s with --define NAME=VALUE (see `migtree check`)",
		  list, names.n == 1 ? "it" : "them");
	free(list);
	sl_free(&names);
}

void cli_warn_if_alembic_fails(const struct project *p)
{
	size_t errors = problem_count(&p->graph.problems, SEVERITY_ERROR);

	if (errors)
		cli_error("warning: %zu error%s in this history; Alembic itself would refuse to load it "
			  "(see `migtree check`)",
			  errors, errors == 1 ? "" : "s");
	warn_unknown_values(p);
}

