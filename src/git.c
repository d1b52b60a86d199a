/* git.c - run git read-only without a shell; stream its output; read blobs (see git.h).
 *
 * A child's stderr is drained while its stdout is read (poll on both), so a
 * chatty git can never block on a full stderr pipe while migtree waits on
 * stdout; only its first kilobyte is kept, for the error message. Every
 * descriptor the parent keeps is close-on-exec: a second git started while a
 * cat-file runs must not inherit the cat-file's input, or closing it would
 * never reach that git as end of file. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migtree/git.h"

extern char **environ;

#define MAX_ARGS 24

/* A running git: its input (a socket, so that writing to a git that died is
 * EPIPE and not SIGPIPE), its stdout, its stderr. */
struct proc {
	pid_t pid;
	int in, out, errfd;
	char errbuf[1024];
	size_t errlen;
	char cmd[160]; /* "git ls-tree -r -z" for messages */
};

static void describe(struct proc *p, const char *const *argv)
{
	size_t n = (size_t)snprintf(p->cmd, sizeof(p->cmd), "git");

	/* the subcommand and its options: enough to say which command failed */
	for (int i = 0; argv[i] && n < sizeof(p->cmd) - 1; i++) {
		if (!strcmp(argv[i], "-c") && argv[i + 1]) {
			i++; /* a configuration value, not the command */
			continue;
		}
		if (n > 3 && argv[i][0] != '-')
			break;
		n += (size_t)snprintf(p->cmd + n, sizeof(p->cmd) - n, " %s", argv[i]);
	}
}

/* The environment git runs with: ours, with GIT_OPTIONAL_LOCKS=0 (owned array,
 * borrowed strings). */
static char **git_environment(void)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = xcalloc(n + 2, sizeof(*env));
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GIT_OPTIONAL_LOCKS=", 19))
			env[k++] = environ[i];
	env[k++] = (char *)"GIT_OPTIONAL_LOCKS=0";
	env[k] = NULL;
	return env;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int spawn_actions(posix_spawn_file_actions_t *fa, int in_child, int out_child, int err_child)
{
	int rc = posix_spawn_file_actions_init(fa);

	if (rc == 0 && in_child >= 0)
		rc = posix_spawn_file_actions_adddup2(fa, in_child, STDIN_FILENO);
	else if (rc == 0)
		rc = posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, out_child, STDOUT_FILENO);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, err_child, STDERR_FILENO);
	return rc;
}

/* Start git in DIR with ARGV; WITH_INPUT gives it an input socket (else /dev/null). */
static int proc_start(struct proc *p, const char *dir, const char *const *argv, bool with_input,
		      struct mt_error *err)
{
	const char *args[MAX_ARGS + 8] = { "git", "--no-optional-locks", "--literal-pathspecs", "-C", dir };
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, in[2] = { -1, -1 }, k = 5, rc;
	posix_spawn_file_actions_t fa;
	char **env;

	memset(p, 0, sizeof(*p));
	p->in = p->out = p->errfd = -1;
	describe(p, argv);
	for (int i = 0; argv[i]; i++) {
		if (i >= MAX_ARGS)
			return mt_fail(err, NULL, 0, "%s: too many arguments", p->cmd);
		args[k++] = argv[i];
	}
	args[k] = NULL;
	if (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) ||
	    (with_input && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in))) {
		rc = errno;
		goto fail;
	}
	if ((rc = spawn_actions(&fa, in[0], out[1], errp[1])) == 0) {
		env = git_environment();
		rc = posix_spawnp(&p->pid, "git", &fa, NULL, (char *const *)args, env);
		free(env);
		posix_spawn_file_actions_destroy(&fa);
	}
	if (rc)
		goto fail;
	close(out[1]);
	close(errp[1]);
	close_fd(&in[0]);
	p->out = out[0];
	p->errfd = errp[0];
	p->in = in[1];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		close_fd(&out[i]);
		close_fd(&errp[i]);
		close_fd(&in[i]);
	}
	if (rc == ENOENT)
		return mt_fail(err, NULL, 0, "cannot run %s: git is not installed (or not on PATH)", p->cmd);
	return mt_fail(err, NULL, 0, "cannot run %s: %s", p->cmd, strerror(rc));
}

/* Take what is waiting on stderr (BLOCK: until it ends). */
static void drain_stderr(struct proc *p, bool block)
{
	char buf[4096];

	while (p->errfd >= 0) {
		ssize_t got = read(p->errfd, buf, sizeof(buf));
		size_t keep;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			close_fd(&p->errfd);
			return;
		}
		keep = sizeof(p->errbuf) - 1 - p->errlen;
		if (keep > (size_t)got)
			keep = (size_t)got;
		memcpy(p->errbuf + p->errlen, buf, keep);
		p->errlen += keep;
		if (!block)
			return;
	}
}

/* Up to N bytes of stdout: >0, 0 at its end, -1 on a read error. */
static ssize_t proc_read(struct proc *p, char *buf, size_t n)
{
	for (;;) {
		struct pollfd fds[2] = { { p->out, POLLIN, 0 }, { p->errfd, POLLIN, 0 } };
		ssize_t got;

		if (poll(fds, p->errfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p->errfd >= 0 && fds[1].revents)
			drain_stderr(p, false);
		if (!fds[0].revents)
			continue;
		got = read(p->out, buf, n);
		if (got < 0 && errno == EINTR)
			continue;
		return got;
	}
}

/* git's first non-empty stderr line, without its "fatal: " or "error: ". */
static const char *stderr_reason(struct proc *p)
{
	char *s = p->errbuf;

	p->errbuf[p->errlen] = '\0';
	s += strspn(s, "\r\n");
	s[strcspn(s, "\r\n")] = '\0';
	if (!strncmp(s, "fatal: ", 7) || !strncmp(s, "error: ", 7))
		s += 7;
	return s;
}

/* End P: close what is left, reap git. 0 when it exited 0; else -1 with ERR,
 * unless ERR_SET (the caller already said what went wrong). */
static int proc_finish(struct proc *p, bool err_set, struct mt_error *err)
{
	int status = 0;
	pid_t got;

	close_fd(&p->in);
	close_fd(&p->out);
	drain_stderr(p, true);
	while ((got = waitpid(p->pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (err_set)
		return -1;
	if (got < 0)
		return mt_fail(err, NULL, 0, "%s: %s", p->cmd, strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (*stderr_reason(p))
		return mt_fail(err, NULL, 0, "%s failed: %s", p->cmd, stderr_reason(p));
	if (WIFEXITED(status))
		return mt_fail(err, NULL, 0, "%s failed (exit status %d)", p->cmd, WEXITSTATUS(status));
	return mt_fail(err, NULL, 0, "%s was killed by signal %d", p->cmd, WTERMSIG(status));
}

int git_run(const char *dir, const char *const *argv, git_sink sink, void *ctx, struct mt_error *err)
{
	struct proc p;
	char buf[65536];
	ssize_t got;
	bool failed = false;

	if (proc_start(&p, dir, argv, false, err))
		return -1;
	while (!failed && (got = proc_read(&p, buf, sizeof(buf))) != 0) {
		if (got < 0)
			failed = mt_fail(err, NULL, 0, "%s: reading its output: %s", p.cmd, strerror(errno));
		else if (sink(ctx, buf, (size_t)got, err))
			failed = true;
	}
	return proc_finish(&p, failed, err);
}

static int collect(void *ctx, const char *bytes, size_t n, struct mt_error *err)
{
	(void)err;
	sb_addn(ctx, bytes, n);
	return 0;
}

int git_capture(const char *dir, const char *const *argv, char **out, struct mt_error *err)
{
	struct strbuf sb;

	sb_init(&sb);
	if (git_run(dir, argv, collect, &sb, err)) {
		sb_free(&sb);
		*out = NULL;
		return -1;
	}
	*out = sb_detach(&sb);
	return 0;
}

/* The first line of ARGV's output into OID, which must be an object id. */
static int capture_oid(const char *dir, const char *const *argv, char oid[GIT_OID_HEX_MAX + 1],
		       struct mt_error *err)
{
	char *out;
	size_t n;

	oid[0] = '\0';
	if (git_capture(dir, argv, &out, err))
		return -1;
	n = strcspn(out, "\n");
	if (n != 40 && n != 64) {
		free(out);
		return mt_fail(err, NULL, 0, "git %s printed no object id", argv[0]);
	}
	memcpy(oid, out, n);
	oid[n] = '\0';
	free(out);
	return 0;
}

int git_resolve_commit(const char *dir, const char *ref, char oid[GIT_OID_HEX_MAX + 1], struct mt_error *err)
{
	char *spec = xasprintf("%s^{commit}", ref);
	const char *argv[] = { "rev-parse", "--verify", "--end-of-options", spec, NULL };
	int rc = capture_oid(dir, argv, oid, err);

	/* "Needed a single revision" says nothing about which: name it */
	if (rc && err && strstr(err->message, "Needed a single revision"))
		mt_fail(err, NULL, 0, "git rev-parse: '%s' is not a commit in this repository (unknown ref)", ref);
	free(spec);
	return rc;
}

int git_merge_base(const char *dir, const char *a, const char *b, char oid[GIT_OID_HEX_MAX + 1],
		   struct mt_error *err)
{
	const char *argv[] = { "merge-base", "--end-of-options", a, b, NULL };
	int rc = capture_oid(dir, argv, oid, err);

	if (rc && err && strstr(err->message, "(exit status 1)"))
		mt_fail(err, NULL, 0, "git merge-base: %s and %s have no common ancestor", a, b);
	return rc;
}

int git_toplevel(const char *dir, char **top, struct mt_error *err)
{
	const char *argv[] = { "rev-parse", "--show-toplevel", NULL };

	if (git_capture(dir, argv, top, err))
		return -1;
	(*top)[strcspn(*top, "\n")] = '\0';
	if (**top != '/') {
		free(*top);
		*top = NULL;
		return mt_fail(err, dir, 0, "git rev-parse --show-toplevel: not in a work tree (a bare repository?)");
	}
	return 0;
}

/* ---- ls-tree ------------------------------------------------------------------ */

/* `<mode> SP <type> SP <oid> TAB <path>`, NUL-separated; a record may arrive
 * split across two chunks, so the unfinished one waits in PARTIAL. */
struct ls_state {
	struct git_tree *out;
	struct strbuf partial;
};

static int ls_record(struct git_tree *t, const char *rec, struct mt_error *err)
{
	const char *tab = strchr(rec, '\t'), *sp1 = strchr(rec, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	struct git_tree_entry *e;
	size_t oid_len;

	if (!tab || !sp2 || sp2 > tab || (oid_len = (size_t)(tab - sp2 - 1)) > GIT_OID_HEX_MAX)
		return mt_fail(err, NULL, 0, "git ls-tree: unexpected output '%.40s'", rec);
	GROW(t->v, t->cap, t->n + 1);
	e = &t->v[t->n++];
	e->mode = (unsigned)strtoul(rec, NULL, 8);
	e->is_blob = sp2 - sp1 - 1 == 4 && !strncmp(sp1 + 1, "blob", 4);
	memcpy(e->oid, sp2 + 1, oid_len);
	e->oid[oid_len] = '\0';
	e->path = xstrdup(tab + 1);
	return 0;
}

static int ls_sink(void *ctx, const char *bytes, size_t n, struct mt_error *err)
{
	struct ls_state *st = ctx;

	for (size_t i = 0; i < n;) {
		const char *nul = memchr(bytes + i, '\0', n - i);
		size_t k = nul ? (size_t)(nul - (bytes + i)) : n - i;

		sb_addn(&st->partial, bytes + i, k);
		i += k;
		if (!nul)
			break;
		i++;
		if (ls_record(st->out, st->partial.buf, err))
			return -1;
		st->partial.len = 0;
	}
	return 0;
}

int git_ls_tree(const char *top, const char *commit, const struct strlist *paths, struct git_tree *out,
		struct mt_error *err)
{
	/* after --end-of-options every word past the tree is a path: no "--" */
	const char *argv[MAX_ARGS + 1] = { "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit };
	struct ls_state st = { out, { 0 } };
	size_t k = 6;
	int rc;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; paths && i < paths->n; i++) {
		if (k >= MAX_ARGS)
			return mt_fail(err, NULL, 0, "git ls-tree: too many paths");
		argv[k++] = paths->v[i];
	}
	argv[k] = NULL;
	sb_init(&st.partial);
	rc = git_run(top, argv, ls_sink, &st, err);
	sb_free(&st.partial);
	if (rc)
		git_tree_free(out);
	return rc;
}

void git_tree_free(struct git_tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ---- cat-file --batch ------------------------------------------------------------ */

struct git_cat {
	struct proc p;
	char buf[65536];
	size_t start, end; /* unread bytes of stdout in buf */
	bool broken;       /* the protocol is out of step: no more reads */
	struct git_work work;
};

struct git_cat *git_cat_open(const char *dir, struct mt_error *err)
{
	const char *argv[] = { "cat-file", "--batch", NULL };
	struct git_cat *c = xcalloc(1, sizeof(*c));

	if (proc_start(&c->p, dir, argv, true, err)) {
		free(c);
		return NULL;
	}
	return c;
}

static int cat_broken(struct git_cat *c, const char *why, struct mt_error *err)
{
	c->broken = true;
	drain_stderr(&c->p, false);
	if (*stderr_reason(&c->p))
		return mt_fail(err, NULL, 0, "%s: %s (%s)", c->p.cmd, why, stderr_reason(&c->p));
	return mt_fail(err, NULL, 0, "%s: %s", c->p.cmd, why);
}

static int cat_fill(struct git_cat *c, struct mt_error *err)
{
	ssize_t got;

	if (c->start == c->end)
		c->start = c->end = 0;
	got = proc_read(&c->p, c->buf + c->end, sizeof(c->buf) - c->end);
	if (got > 0) {
		c->end += (size_t)got;
		return 0;
	}
	return cat_broken(c, got == 0 ? "git ended early" : strerror(errno), err);
}

/* The next header line (without its LF) into LINE (of SIZE bytes). */
static int cat_line(struct git_cat *c, char *line, size_t size, struct mt_error *err)
{
	for (;;) {
		char *lf = memchr(c->buf + c->start, '\n', c->end - c->start);

		if (lf) {
			size_t n = (size_t)(lf - (c->buf + c->start));

			if (n >= size)
				return cat_broken(c, "header line too long", err);
			memcpy(line, c->buf + c->start, n);
			line[n] = '\0';
			c->start += n + 1;
			return 0;
		}
		if (c->start > 0) {
			memmove(c->buf, c->buf + c->start, c->end - c->start);
			c->end -= c->start;
			c->start = 0;
		}
		if (c->end == sizeof(c->buf))
			return cat_broken(c, "header line too long", err);
		if (cat_fill(c, err))
			return -1;
	}
}

/* N bytes of the object into DST, or skipped when DST is NULL. */
static int cat_bytes(struct git_cat *c, char *dst, size_t n, struct mt_error *err)
{
	while (n > 0) {
		size_t k;

		if (c->start == c->end && cat_fill(c, err))
			return -1;
		k = c->end - c->start < n ? c->end - c->start : n;
		if (dst) {
			memcpy(dst, c->buf + c->start, k);
			dst += k;
		}
		c->start += k;
		n -= k;
	}
	return 0;
}

static bool is_hex_oid(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return (n == 40 || n == 64) && !s[n];
}

static int cat_request(struct git_cat *c, const char *oid, struct mt_error *err)
{
	char *line = xasprintf("%s\n", oid);
	size_t n = strlen(line), done = 0;
	int rc = 0;

	while (done < n && !rc) {
		ssize_t put = send(c->p.in, line + done, n - done, MSG_NOSIGNAL);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			rc = cat_broken(c, strerror(errno), err);
		else
			done += (size_t)put;
	}
	free(line);
	return rc;
}

static int cat_read(struct git_cat *c, const char *oid, size_t max, char **bytes, size_t *len,
		    struct mt_error *err)
{
	char line[4352], type[32]; /* "<name> missing" repeats a name with its path */
	unsigned long long size;
	char *data;

	if (cat_request(c, oid, err) || cat_line(c, line, sizeof(line), err))
		return -1;
	/* "<oid> missing" (or "ambiguous"): no bytes follow */
	if (str_ends_with(line, " missing") || str_ends_with(line, " ambiguous"))
		return 1;
	if (sscanf(line, "%*s %31s %llu", type, &size) != 2)
		return cat_broken(c, "unexpected header", err);
	if (!strcmp(type, "tree"))
		c->work.trees++;
	else if (!strcmp(type, "blob"))
		c->work.blobs++;
	if (strcmp(type, "blob") || size > max) {
		if (cat_bytes(c, NULL, (size_t)size + 1, err))
			return -1;
		*len = (size_t)size;
		return strcmp(type, "blob") ? 1 : 2;
	}
	data = xmalloc((size_t)size + 1);
	if (cat_bytes(c, data, (size_t)size, err) || cat_bytes(c, line, 1, err)) {
		free(data);
		return -1;
	}
	data[size] = '\0';
	*bytes = data;
	*len = (size_t)size;
	return 0;
}

int git_cat_read(struct git_cat *c, const char *oid, size_t max, char **bytes, size_t *len,
		 struct mt_error *err)
{
	*bytes = NULL;
	*len = 0;
	if (c->broken)
		return mt_fail(err, NULL, 0, "%s: no longer running", c->p.cmd);
	if (!is_hex_oid(oid))
		return 1; /* a name, not an id: never sent, it could say anything */
	return cat_read(c, oid, max, bytes, len, err);
}

void git_cat_work(const struct git_cat *c, struct git_work *out)
{
	if (c)
		*out = c->work;
	else
		memset(out, 0, sizeof(*out));
}

int git_cat_close(struct git_cat *c, struct mt_error *err)
{
	int rc;

	if (!c)
		return 0;
	/* end of input is cat-file's signal to exit */
	rc = proc_finish(&c->p, false, err);
	free(c);
	return rc;
}
