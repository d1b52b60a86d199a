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
#include "migtree/strmap.h"

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

/* A tree object as git gave it, and where each entry starts. SORTED: in git's
 * order, every name a single non-empty component, so a name is found by binary
 * search; else it is scanned as git scans it (tree_scan). */
struct cat_tree {
	char oid[GIT_OID_HEX_MAX + 1]; /* "" for an empty slot */
	char *raw;
	size_t len, n;
	size_t *at;
	bool sorted;
};

/* Trees kept for the next lookup: a commit's versions directory is asked for
 * file after file; commits next to each other share most of their trees. */
#define TREES_KEPT 16
#define TREE_BYTES_KEPT ((size_t)64 << 20)

struct git_cat {
	struct proc p;
	char buf[65536];
	size_t start, end; /* unread bytes of stdout in buf */
	bool broken;       /* the protocol is out of step: no more reads */
	struct git_work work;
	/* "COMMIT" or "COMMIT^" -> its root tree (roots[]), asked once each */
	struct strlist root_keys;
	struct strmap root_index;
	char (*roots)[GIT_OID_HEX_MAX + 1];
	size_t n_roots, cap_roots;
	struct cat_tree trees[TREES_KEPT]; /* the oldest replaced first */
	size_t next_tree, tree_bytes;
};

struct git_cat *git_cat_open(const char *dir, struct mt_error *err)
{
	const char *argv[] = { "cat-file", "--batch", NULL };
	struct git_cat *c = xcalloc(1, sizeof(*c));

	if (proc_start(&c->p, dir, argv, true, err)) {
		free(c);
		return NULL;
	}
	strmap_init(&c->root_index);
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

/* One object as cat-file gave it. */
struct cat_object {
	char oid[GIT_OID_HEX_MAX + 1];
	char *bytes; /* owned, NUL-terminated */
	size_t len;
};

static void count_object(struct git_work *w, const char *type)
{
	if (!strcmp(type, "tree"))
		w->trees++;
	else if (!strcmp(type, "blob"))
		w->blobs++;
}

/* NAME when git has it as a TYPE of at most MAX bytes: 0 with O filled; 1 when
 * it is missing or of another type; 2 when larger than MAX (O->len its size). */
static int cat_read(struct git_cat *c, const char *name, const char *type, size_t max, struct cat_object *o,
		    struct mt_error *err)
{
	char line[4352], got[32]; /* "<name> missing" repeats a name with its path */
	unsigned long long size;

	memset(o, 0, sizeof(*o));
	if (cat_request(c, name, err) || cat_line(c, line, sizeof(line), err))
		return -1;
	/* "<name> missing" (or "ambiguous"): no bytes follow */
	if (str_ends_with(line, " missing") || str_ends_with(line, " ambiguous"))
		return 1;
	if (sscanf(line, "%64s %31s %llu", o->oid, got, &size) != 3 || size >= SIZE_MAX)
		return cat_broken(c, "unexpected header", err);
	count_object(&c->work, got);
	o->len = (size_t)size;
	if (strcmp(got, type) || size > max) {
		if (cat_bytes(c, NULL, (size_t)size + 1, err))
			return -1;
		return strcmp(got, type) ? 1 : 2;
	}
	o->bytes = xmalloc((size_t)size + 1);
	if (cat_bytes(c, o->bytes, (size_t)size, err) || cat_bytes(c, line, 1, err)) {
		free(o->bytes);
		o->bytes = NULL;
		return -1;
	}
	o->bytes[size] = '\0';
	return 0;
}

/* A blob's read handed to the caller (RC from cat_read): a skipped object's
 * size too, as callers had it. */
static int give_blob(int rc, struct cat_object *o, char **bytes, size_t *len)
{
	*bytes = o->bytes;
	*len = rc >= 0 ? o->len : 0;
	return rc;
}

int git_cat_read(struct git_cat *c, const char *oid, size_t max, char **bytes, size_t *len,
		 struct mt_error *err)
{
	struct cat_object o;

	*bytes = NULL;
	*len = 0;
	if (c->broken)
		return mt_fail(err, NULL, 0, "%s: no longer running", c->p.cmd);
	if (!is_hex_oid(oid))
		return 1; /* a name, not an id: never sent, it could say anything */
	return give_blob(cat_read(c, oid, "blob", max, &o, err), &o, bytes, len);
}

/* ---- a path at a commit, through its trees --------------------------------------- */

static bool is_tree_mode(unsigned mode)
{
	return (mode & 0170000) == 0040000;
}

/* One entry of a tree object: `<octal mode> SP <name> NUL <raw id>`. */
struct tree_ent {
	unsigned mode;
	const char *name; /* NUL-terminated in the object */
	size_t name_len;
	const unsigned char *id;
};

static void tree_ent_at(const struct cat_tree *t, size_t i, struct tree_ent *e)
{
	const char *p = t->raw + t->at[i], *sp = strchr(p, ' ');

	e->mode = (unsigned)strtoul(p, NULL, 8);
	e->name = sp + 1;
	e->name_len = strlen(e->name);
	e->id = (const unsigned char *)e->name + e->name_len + 1;
}

/* git's order of tree entries (base_name_compare): a tree sorts as if its name
 * ended in '/'. */
static int tree_order(const char *a, size_t na, bool a_dir, const char *b, size_t nb, bool b_dir)
{
	size_t n = na < nb ? na : nb;
	int cmp = memcmp(a, b, n);
	unsigned char ca, cb;

	if (cmp)
		return cmp;
	ca = n < na ? (unsigned char)a[n] : a_dir ? '/' : '\0';
	cb = n < nb ? (unsigned char)b[n] : b_dir ? '/' : '\0';
	return (int)ca - (int)cb;
}

/* One entry's extent from P: its end, or NULL when the object is cut short or
 * its mode is not octal. */
static const char *tree_ent_end(const char *p, const char *end, size_t idlen)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p)), *nul;

	if (!sp || sp == p || strspn(p, "01234567") != (size_t)(sp - p))
		return NULL;
	nul = memchr(sp, '\0', (size_t)(end - sp));
	return nul && (size_t)(end - nul - 1) >= idlen ? nul + 1 + idlen : NULL;
}

/* Where T's entries start; whether they are in git's order with plain names. */
static bool tree_index(struct cat_tree *t, size_t idlen)
{
	const char *p = t->raw, *end = t->raw + t->len;
	size_t cap = 0;
	struct tree_ent prev = { 0 }, e;

	t->sorted = true;
	while (p < end) {
		const char *next = tree_ent_end(p, end, idlen);

		if (!next)
			return false;
		GROW(t->at, cap, t->n + 1);
		t->at[t->n++] = (size_t)(p - t->raw);
		tree_ent_at(t, t->n - 1, &e);
		if (!e.name_len || memchr(e.name, '/', e.name_len) ||
		    (t->n > 1 && tree_order(prev.name, prev.name_len, is_tree_mode(prev.mode), e.name, e.name_len,
					    is_tree_mode(e.mode)) >= 0))
			t->sorted = false;
		prev = e;
		p = next;
	}
	return true;
}

/* The entry named NAME (N bytes) sorted as a tree or not (DIR), by binary search. */
static bool tree_search(const struct cat_tree *t, const char *name, size_t n, bool dir, struct tree_ent *e)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp;

		tree_ent_at(t, mid, e);
		cmp = tree_order(e->name, e->name_len, is_tree_mode(e->mode), name, n, dir);
		if (cmp == 0)
			return true;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* git's own scan (tree-walk.c, find_tree_entry) for a tree out of order: the
 * first entry that REST starts with, stopping where a sorted tree would have
 * passed it. *USED: the bytes of REST it took, with the '/' after a tree. */
static bool tree_scan(const struct cat_tree *t, const char *rest, struct tree_ent *e, size_t *used)
{
	size_t len = strlen(rest);

	for (size_t i = 0; i < t->n; i++) {
		int cmp;

		tree_ent_at(t, i, e);
		if (e->name_len > len)
			continue;
		cmp = memcmp(rest, e->name, e->name_len);
		if (cmp > 0)
			continue;
		if (cmp < 0)
			break;
		if (e->name_len == len || (rest[e->name_len] == '/' && is_tree_mode(e->mode))) {
			*used = e->name_len + (e->name_len < len);
			return true;
		}
		if (rest[e->name_len] == '/')
			break;
	}
	return false;
}

/* The entry REST's first component names in T, as git finds it: a file of that
 * name first (then nothing under it), else a tree. *USED as tree_scan's. */
static bool tree_find(const struct cat_tree *t, const char *rest, struct tree_ent *e, size_t *used)
{
	size_t n = strcspn(rest, "/");

	if (!t->sorted)
		return tree_scan(t, rest, e, used);
	if (n == 0)
		return false;
	if (tree_search(t, rest, n, false, e)) {
		*used = n;
		return !rest[n];
	}
	if (!tree_search(t, rest, n, true, e))
		return false;
	*used = n + (rest[n] == '/');
	return true;
}

static void tree_clear(struct git_cat *c, struct cat_tree *t)
{
	c->tree_bytes -= t->len + t->n * sizeof(*t->at);
	free(t->raw);
	free(t->at);
	memset(t, 0, sizeof(*t));
}

/* Keep the tree read into O (taken) in the oldest slot, and drop the next
 * oldest while the trees kept are over TREE_BYTES_KEPT. */
static struct cat_tree *tree_keep(struct git_cat *c, struct cat_object *o)
{
	size_t slot = c->next_tree, idlen = strlen(o->oid) / 2;
	struct cat_tree *t = &c->trees[slot];

	tree_clear(c, t);
	memcpy(t->oid, o->oid, sizeof(t->oid));
	t->raw = o->bytes;
	t->len = o->len;
	o->bytes = NULL;
	if (!tree_index(t, idlen))
		t->n = 0; /* not a tree git could walk: nothing is found in it */
	c->tree_bytes += t->len + t->n * sizeof(*t->at);
	c->next_tree = (slot + 1) % TREES_KEPT;
	for (size_t i = c->next_tree; c->tree_bytes > TREE_BYTES_KEPT && i != slot; i = (i + 1) % TREES_KEPT)
		tree_clear(c, &c->trees[i]);
	return t;
}

static struct cat_tree *tree_kept(struct git_cat *c, const char *oid)
{
	for (size_t i = 0; i < TREES_KEPT; i++)
		if (!strcmp(c->trees[i].oid, oid))
			return &c->trees[i];
	return NULL;
}

/* The tree NAME (an id, or `COMMIT^{tree}`) names: 0 with *T (kept until a
 * later read), 1 when there is none, -1 when git failed. OID: its id. */
static int tree_read(struct git_cat *c, const char *name, char oid[GIT_OID_HEX_MAX + 1], struct cat_tree **t,
		     struct mt_error *err)
{
	struct cat_object o;
	int rc;

	if ((*t = tree_kept(c, name))) {
		memcpy(oid, (*t)->oid, sizeof((*t)->oid));
		return 0;
	}
	rc = cat_read(c, name, "tree", SIZE_MAX, &o, err);
	if (rc == 0) {
		memcpy(oid, o.oid, sizeof(o.oid));
		*t = tree_kept(c, o.oid);
		if (*t)
			free(o.bytes);
		else
			*t = tree_keep(c, &o);
	}
	return rc;
}

/* The root tree of COMMIT or of its first parent (PARENT): git peels
 * `COMMIT^{tree}` itself, so a shallow clone's missing parent and replaced
 * objects are what they were to `COMMIT^:PATH`. Asked once per commit. */
static int root_tree(struct git_cat *c, const char *commit, bool parent, char oid[GIT_OID_HEX_MAX + 1],
		     struct mt_error *err)
{
	char *key = xasprintf("%s%s", commit, parent ? "^" : ""), *name;
	struct cat_tree *t;
	uint32_t at;
	int rc = 0;

	if (strmap_get(&c->root_index, key, &at)) {
		memcpy(oid, c->roots[at], GIT_OID_HEX_MAX + 1);
		free(key);
		return *oid ? 0 : 1;
	}
	name = xasprintf("%s^{tree}", key);
	c->work.names++;
	rc = tree_read(c, name, oid, &t, err);
	free(name);
	if (rc < 0) {
		free(key);
		return rc;
	}
	if (rc)
		oid[0] = '\0'; /* none is remembered too */
	GROW(c->roots, c->cap_roots, c->n_roots + 1);
	memcpy(c->roots[c->n_roots], oid, GIT_OID_HEX_MAX + 1);
	sl_push_owned(&c->root_keys, key);
	strmap_put(&c->root_index, c->root_keys.v[c->root_keys.n - 1], (uint32_t)c->n_roots++);
	return rc;
}

static void hex_of(const unsigned char *id, size_t n, char *hex)
{
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = "0123456789abcdef"[id[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[id[i] & 15];
	}
	hex[2 * n] = '\0';
}

/* The id of what PATH names under the tree OID, into OID: a tree read at a
 * time, each kept for the next path (git, asked `COMMIT:PATH`, reads every
 * tree on the way again for each file). */
static int path_oid(struct git_cat *c, char oid[GIT_OID_HEX_MAX + 1], const char *path, struct mt_error *err)
{
	const char *rest = path;
	struct cat_tree *t;
	struct tree_ent e;
	size_t used;
	int rc;

	for (;;) {
		if ((rc = tree_read(c, oid, oid, &t, err)))
			return rc;
		if (!tree_find(t, rest, &e, &used))
			return 1;
		hex_of(e.id, strlen(oid) / 2, oid);
		rest += used;
		if (!*rest)
			return 0;
		if (!is_tree_mode(e.mode))
			return 1;
	}
}

int git_cat_read_at(struct git_cat *c, const char *commit, bool parent, const char *path, size_t max,
		    char **bytes, size_t *len, struct mt_error *err)
{
	char oid[GIT_OID_HEX_MAX + 1];
	struct cat_object o;
	int rc;

	*bytes = NULL;
	*len = 0;
	if (c->broken)
		return mt_fail(err, NULL, 0, "%s: no longer running", c->p.cmd);
	if (!is_hex_oid(commit) || !*path)
		return 1;
	if ((rc = root_tree(c, commit, parent, oid, err)) || (rc = path_oid(c, oid, path, err)))
		return rc;
	return give_blob(cat_read(c, oid, "blob", max, &o, err), &o, bytes, len);
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
	for (size_t i = 0; i < TREES_KEPT; i++)
		tree_clear(c, &c->trees[i]);
	strmap_free(&c->root_index);
	sl_free(&c->root_keys);
	free(c->roots);
	free(c);
	return rc;
}
