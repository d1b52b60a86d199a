/* githints.c - what git remembers about broken links (see githints.h).
 *
 * The log is read once, newest commit first, as entries (commit, status, path);
 * each entry is chained to the next older one of the same file, following
 * renames, so that a file's versions are a walk, not a search. The log is
 * `--raw`: each entry names the file's blob before and after its commit, so a
 * version is read from one cat-file process by its id, no tree read. Asked by
 * name (`COMMIT:PATH`) git read the versions directory's tree again for every
 * file, 10 ms a file at 30,000. A log entry comes from a commit with one
 * parent (log shows no diff for a merge), so its "before" is what
 * `COMMIT^:PATH` named. Answers are kept per path and per missing id: the
 * explorer asks again after every edit. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migtree/git.h"
#include "migtree/githints.h"
#include "migtree/strmap.h"

#define BLOB_MAX (1u << 20)  /* a migration file larger than this is no hint */
#define VERSIONS_MAX 16      /* versions of one file read to find a change */
#define DELETED_MAX 1000     /* deleted files read to find missing ids */

/* An entry's strings are the log's own bytes (struct git_hints's log). */
struct gh_entry {
	uint32_t commit;
	char status;        /* A M D R T (C is taken as A) */
	const char *path;   /* the path after the commit */
	const char *old;    /* R: the path before */
	const char *before; /* the blob before the commit and after it (zeros: none) */
	const char *after;
	uint32_t next;      /* the next older entry of the same file, or UINT32_MAX */
};

/* What one file's history says: its parents at HEAD and before they last changed. */
struct gh_file {
	bool has_head, has_before;
	struct strlist head, before;
	char *why_before;
};

struct git_hints {
	struct strlist dirs;
	bool tried, usable, top_tried;
	char *top;
	char *head; /* HEAD's commit when git was asked (git_hints_stale), or NULL */
	struct strlist commits;
	struct strbuf log; /* the log's output, NULs between its fields */
	struct gh_entry *ev;
	size_t n_ev, cap_ev;
	struct strmap newest;   /* path -> newest entry naming it */
	struct git_cat *cat;
	struct strlist file_keys;
	struct gh_file *files;
	size_t n_files, cap_files;
	struct strmap file_index; /* rel path -> files[] */
	bool deleted_scanned;
	struct git_deleted *del;
	size_t n_del, cap_del;
	struct strmap del_index;  /* id -> del[] */
};

struct git_hints *git_hints_new(const struct strlist *dirs)
{
	struct git_hints *h = xcalloc(1, sizeof(*h));

	sl_copy(&h->dirs, dirs);
	sb_init(&h->log);
	strmap_init(&h->newest);
	strmap_init(&h->file_index);
	strmap_init(&h->del_index);
	return h;
}

/* DIR relative to TOP (both resolved), or NULL when outside it. Owned. */
static char *relative_to(const char *top, const char *dir)
{
	char *real = realpath(dir, NULL), *rel = NULL;
	size_t n = strlen(top);

	if (real && !strncmp(real, top, n) && (real[n] == '/' || !real[n]))
		rel = xstrdup(real[n] ? real + n + 1 : ".");
	free(real);
	return rel;
}

/* A raw entry's `:MODE MODE BEFORE AFTER STATUS` (its spaces made NULs): the
 * entry with its blobs, the status letter returned; 0 when it is no such line. */
static char raw_fields(char *tok, struct gh_entry *e)
{
	char *field[5];
	size_t n = 0;

	if (*tok != ':')
		return 0;
	for (char *f = tok + 1; f && n < 5; n++) {
		field[n] = f;
		if ((f = strchr(f, ' ')))
			*f++ = '\0';
	}
	if (n < 5)
		return 0;
	e->before = field[2];
	e->after = field[3];
	return field[4][0];
}

static void add_entry(struct git_hints *h, struct gh_entry *e, char status, const char *path, const char *old)
{
	GROW(h->ev, h->cap_ev, h->n_ev + 1);
	e->commit = (uint32_t)h->commits.n - 1;
	e->status = status == 'C' ? 'A' : status;
	e->path = path;
	e->old = old;
	e->next = UINT32_MAX;
	h->ev[h->n_ev++] = *e;
}

/* `\1HASH\0\n:RAW\0PATH\0` ... (R and C: `\0OLD\0NEW`): tokens split on NUL,
 * kept in the log's bytes. */
static void parse_log(struct git_hints *h, char *out, size_t len)
{
	char *p = out, *end = out + len;

	while (p < end) {
		char *tok = p, status;
		struct gh_entry e;

		p += strlen(p) + 1;
		if (*tok == '\1') {
			sl_push(&h->commits, tok + 1);
			continue;
		}
		tok += strspn(tok, "\n");
		if (!(status = raw_fields(tok, &e)) || !h->commits.n || p >= end)
			continue;
		if (status == 'R' || status == 'C') {
			const char *old = p, *new_path;

			p += strlen(p) + 1;
			if (p >= end)
				break;
			new_path = p;
			p += strlen(p) + 1;
			add_entry(h, &e, status, new_path, old);
		} else {
			add_entry(h, &e, status, p, NULL);
			p += strlen(p) + 1;
		}
	}
}

/* Chain each entry to the next older one of its file: PENDING maps a path to
 * the entry waiting for its older version (a rename waits under its old path). */
static void chain_entries(struct git_hints *h)
{
	struct strmap pending;
	uint32_t at;

	strmap_init(&pending);
	for (uint32_t i = 0; i < h->n_ev; i++) {
		struct gh_entry *e = &h->ev[i];

		if (strmap_get(&pending, e->path, &at)) {
			h->ev[at].next = i;
			strmap_del(&pending, e->path);
		}
		if (!strmap_get(&h->newest, e->path, NULL))
			strmap_put(&h->newest, e->path, i);
		/* a rename is also the newest word on its old path: the path left
		 * with it, and was not lost from the work tree since */
		if (e->status == 'R' && e->old && !strmap_get(&h->newest, e->old, NULL))
			strmap_put(&h->newest, e->old, i);
		if (e->status == 'R' && e->old)
			strmap_put(&pending, e->old, i);
		else if (e->status != 'A')
			strmap_put(&pending, e->path, i);
	}
	strmap_free(&pending);
}

/* The log holds NULs: kept with its length. */
static int collect(void *ctx, const char *bytes, size_t n, struct mt_error *err)
{
	(void)err;
	sb_addn(ctx, bytes, n);
	return 0;
}

/* HEAD's commit in TOP, or NULL (none yet, or git failed). */
static char *head_commit(const char *top)
{
	static const char *const argv[] = { "rev-parse", "--verify", "-q", "HEAD", NULL };
	struct strbuf out;

	sb_init(&out);
	if (git_run(top, argv, collect, &out, NULL) != 0 || !out.len) {
		sb_free(&out);
		return NULL;
	}
	while (out.len && (out.buf[out.len - 1] == '\n' || out.buf[out.len - 1] == '\r'))
		out.buf[--out.len] = '\0';
	return sb_detach(&out);
}

bool git_hints_stale(struct git_hints *h)
{
	char *now;
	bool stale;

	if (!h || !h->usable)
		return false; /* nothing learned from git: nothing to be stale */
	now = head_commit(h->top);
	stale = !now || !h->head || strcmp(now, h->head);
	free(now);
	return stale;
}

/* The work tree's top and HEAD's commit in one run of git (HEAD is printed
 * only when it exists: a repository with no commit yet has a top alone). */
static void find_top(struct git_hints *h)
{
	static const char *const argv[] = { "rev-parse", "--show-toplevel", "--verify", "-q", "HEAD", NULL };
	struct strbuf out;
	char *line, *save = NULL;

	if (h->top_tried)
		return;
	h->top_tried = true;
	if (!h->dirs.n)
		return;
	sb_init(&out);
	git_run(h->dirs.v[0], argv, collect, &out, NULL); /* exit 1: no HEAD, the top still printed */
	if (out.len && (line = strtok_r(out.buf, "\n", &save)) && line[0] == '/') {
		h->top = xstrdup(line);
		if ((line = strtok_r(NULL, "\n", &save)))
			h->head = xstrdup(line);
	}
	sb_free(&out);
}

const char *git_hints_toplevel(struct git_hints *h)
{
	find_top(h);
	return h->top;
}

/* Run git once: the top level and the log of the versions directories. */
static bool start(struct git_hints *h)
{
	const char *argv[32] = { "-c", "core.quotePath=false", "log", "-z", "--format=%x01%H", "--raw", "--no-abbrev",
				 "-M", "HEAD", "--" };
	struct strlist rels = { 0 };
	size_t k = 10;

	if (h->tried)
		return h->usable;
	h->tried = true;
	find_top(h); /* HEAD asked with the top, before the log: a commit made between is seen as one */
	if (!h->top)
		return false;
	for (size_t i = 0; i < h->dirs.n && k < 24; i++) {
		char *rel = relative_to(h->top, h->dirs.v[i]);

		if (rel) {
			sl_push_owned(&rels, rel);
			argv[k++] = rels.v[rels.n - 1];
		}
	}
	argv[k] = NULL;
	if (rels.n && git_run(h->top, argv, collect, &h->log, NULL) == 0 && (h->cat = git_cat_open(h->top, NULL))) {
		h->usable = true;
		if (h->log.len)
			parse_log(h, h->log.buf, h->log.len);
		chain_entries(h);
	}
	sl_free(&rels);
	return h->usable;
}

/* The literal parents of a parsed file; false when its down_revision is not
 * literal (a name or expression: no comparison is safe). */
static bool literal_parents(const struct revision_file *rf, struct strlist *out)
{
	sl_free(out);
	if (rf->error || pv_n_unknown(&rf->down) || rf->down.kind == VALUE_REF || rf->down.kind == VALUE_EXPR)
		return false;
	for (size_t i = 0; i < rf->down.items.n; i++)
		if (*rf->down.items.v[i])
			sl_push(out, rf->down.items.v[i]);
	return true;
}

/* Read the blob BLOB and parse it as the file at PATH: NULL when git has no
 * such blob (none: zeros). */
static struct revision_file *read_version(struct git_hints *h, const char *blob, const char *path, char **bytes,
					  size_t *len)
{
	struct revision_file *rf;
	char *b;
	size_t n;

	if (git_cat_read(h->cat, blob, BLOB_MAX, &b, &n, NULL) != 0)
		return NULL;
	rf = parse_revision_file(path, b, n);
	if (bytes) {
		*bytes = b;
		*len = n;
	} else {
		free(b);
	}
	return rf;
}

/* Entry E took REL away in its commit: deleted it, or renamed it away. */
static bool takes_away(const struct gh_entry *e, const char *rel)
{
	return e->status == 'D' || (e->status == 'R' && strcmp(e->path, rel));
}

/* REL's versions, newest first, until its parents change. */
static void learn_file(struct git_hints *h, const char *rel, struct gh_file *f)
{
	uint32_t e, count = 0;
	struct strlist now = { 0 };
	const char *newer = NULL;

	if (!strmap_get(&h->newest, rel, &e) || takes_away(&h->ev[e], rel))
		return; /* not in HEAD */
	for (; e != UINT32_MAX && count < VERSIONS_MAX && h->ev[e].status != 'D'; e = h->ev[e].next, count++) {
		const char *commit = h->commits.v[h->ev[e].commit];
		struct revision_file *rf = read_version(h, h->ev[e].after, h->ev[e].path, NULL, NULL);
		bool ok = rf && literal_parents(rf, &now);

		revision_file_free(rf);
		if (!ok)
			break;
		if (!f->has_head) {
			f->has_head = true;
			sl_copy(&f->head, &now);
		} else if (!sl_equal(&now, &f->head)) {
			f->has_before = true;
			sl_copy(&f->before, &now);
			f->why_before = xasprintf("its down_revision before commit %.10s changed it (git)", newer);
			break;
		}
		newer = commit;
	}
	sl_free(&now);
}

enum git_parents_kind git_hints_parents(struct git_hints *h, const struct revision_file *rf,
					const struct strlist **parents, const char **why)
{
	struct strlist now = { 0 };
	struct gh_file *f;
	uint32_t at;
	char *rel;
	enum git_parents_kind kind = GIT_PARENTS_NONE;

	if (!h || !rf->real_path || !start(h) || !(rel = relative_to(h->top, rf->real_path)))
		return GIT_PARENTS_NONE;
	if (!strmap_get(&h->file_index, rel, &at)) {
		GROW(h->files, h->cap_files, h->n_files + 1);
		memset(&h->files[h->n_files], 0, sizeof(h->files[0]));
		learn_file(h, rel, &h->files[h->n_files]);
		sl_push_owned(&h->file_keys, rel);
		at = (uint32_t)h->n_files++;
		strmap_put(&h->file_index, h->file_keys.v[h->file_keys.n - 1], at);
	} else {
		free(rel);
	}
	f = &h->files[at];
	if (f->has_head && literal_parents(rf, &now)) {
		if (!sl_equal(&now, &f->head)) {
			kind = GIT_PARENTS_COMMITTED;
			*parents = &f->head;
			*why = "its committed down_revision (git HEAD)";
		} else if (f->has_before) {
			kind = GIT_PARENTS_BEFORE;
			*parents = &f->before;
			*why = f->why_before;
		}
	}
	sl_free(&now);
	return kind;
}

/* The id rename E's file defined under its new name in E's commit (owned),
 * NULL when none: an id changed with the file's name leaves its children's
 * down_revision naming the old one. */
static char *renamed_id(struct git_hints *h, const struct gh_entry *e)
{
	struct revision_file *rf = read_version(h, e->after, e->path, NULL, NULL);
	char *id = rf && rf->revision && *rf->revision ? xstrdup(rf->revision) : NULL;

	revision_file_free(rf);
	return id;
}

/* The file E deleted or renamed away (or, UNCOMMITTED, the one it left that the
 * work tree lost): which id it defined, with what parents. */
static void record_deleted(struct git_hints *h, const struct gh_entry *e, bool uncommitted)
{
	const char *path = e->status == 'R' ? e->old : e->path, *commit = h->commits.v[e->commit];
	/* a rename's old path is not in its own commit: git had nothing there */
	const char *blob = !uncommitted ? e->before : e->status == 'R' ? NULL : e->after;
	struct revision_file *rf = blob ? read_version(h, blob, path, NULL, NULL) : NULL;
	struct git_deleted *d;

	if (rf && rf->revision && *rf->revision && !strmap_get(&h->del_index, rf->revision, NULL)) {
		GROW(h->del, h->cap_del, h->n_del + 1);
		d = &h->del[h->n_del];
		memset(d, 0, sizeof(*d));
		d->id = xstrdup(rf->revision);
		d->rel_path = xstrdup(path);
		d->abs_path = xasprintf("%s/%s", h->top, path);
		snprintf(d->commit, sizeof(d->commit), "%.10s", commit);
		d->blob = xstrdup(blob);
		d->uncommitted = uncommitted;
		literal_parents(rf, &d->parents);
		d->renamed_to = e->status == 'R' && !uncommitted ? xstrdup(e->path) : NULL;
		d->renamed_id = d->renamed_to ? renamed_id(h, e) : NULL;
		strmap_put(&h->del_index, d->id, (uint32_t)h->n_del++);
	}
	revision_file_free(rf);
}

/* Every file deleted from the work tree but not yet in a commit, then every
 * file the log deleted or renamed away, newest first: which id each defined,
 * with what parents. */
static void scan_deleted(struct git_hints *h)
{
	size_t reads = 0;

	h->deleted_scanned = true;
	for (uint32_t i = 0; i < h->n_ev && reads < DELETED_MAX; i++) {
		const struct gh_entry *e = &h->ev[i];
		uint32_t newest;
		char *abs;

		if (e->status == 'D' || !str_ends_with(e->path, ".py") || !strmap_get(&h->newest, e->path, &newest) ||
		    newest != i)
			continue;
		abs = xasprintf("%s/%s", h->top, e->path);
		if (access(abs, F_OK) != 0) {
			reads++;
			record_deleted(h, e, true);
		}
		free(abs);
	}
	for (uint32_t i = 0; i < h->n_ev && reads < DELETED_MAX; i++) {
		const struct gh_entry *e = &h->ev[i];
		const char *path = e->status == 'R' ? e->old : e->path;

		if ((e->status != 'D' && e->status != 'R') || !path || !str_ends_with(path, ".py"))
			continue;
		reads++;
		record_deleted(h, e, false);
	}
}

const struct git_deleted *git_hints_deleted(struct git_hints *h, const char *id)
{
	uint32_t at;

	if (!h || !start(h))
		return NULL;
	if (!h->deleted_scanned)
		scan_deleted(h);
	return strmap_get(&h->del_index, id, &at) ? &h->del[at] : NULL;
}

int git_hints_read(struct git_hints *h, const struct git_deleted *d, char **bytes, size_t *len,
		   struct mt_error *err)
{
	struct revision_file *rf;

	if (!h || !h->usable || !h->cat)
		return mt_fail(err, NULL, 0, "git cannot give back %s: no repository", d->rel_path);
	rf = read_version(h, d->blob, d->rel_path, bytes, len);
	if (!rf)
		return mt_fail(err, NULL, 0, "git cannot give back %s as commit %s%s had it", d->rel_path, d->commit,
			       d->uncommitted ? "" : "^");
	revision_file_free(rf);
	return 0;
}

void git_hints_work(const struct git_hints *h, struct git_work *out)
{
	git_cat_work(h ? h->cat : NULL, out);
}

void git_hints_free(struct git_hints *h)
{
	if (!h)
		return;
	sl_free(&h->dirs);
	free(h->top);
	free(h->head);
	sl_free(&h->commits);
	sb_free(&h->log);
	free(h->ev);
	strmap_free(&h->newest);
	git_cat_close(h->cat, NULL);
	for (size_t i = 0; i < h->n_files; i++) {
		sl_free(&h->files[i].head);
		sl_free(&h->files[i].before);
		free(h->files[i].why_before);
	}
	free(h->files);
	sl_free(&h->file_keys);
	strmap_free(&h->file_index);
	for (size_t i = 0; i < h->n_del; i++) {
		free(h->del[i].id);
		free(h->del[i].rel_path);
		free(h->del[i].abs_path);
		free(h->del[i].blob);
		sl_free(&h->del[i].parents);
		free(h->del[i].renamed_to);
		free(h->del[i].renamed_id);
	}
	free(h->del);
	strmap_free(&h->del_index);
	free(h);
}
