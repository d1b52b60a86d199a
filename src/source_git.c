/* source_git.c - a git tree at a commit as a file source (source.h).
 *
 * The whole tree is listed once (`ls-tree -r` of the commit) and kept sorted by
 * path: a directory is then the run of paths that start with "DIR/", found by
 * binary search, so configuration lookups and the walk ask git nothing more.
 * Bytes come from one `cat-file --batch`. Paths given to the source are absolute
 * work-tree paths; they are made relative to the top level lexically ("." and
 * ".." folded), then links in the tree are resolved as the file system would. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migtree/git.h"
#include "migtree/source.h"

#define MODE_LINK 0120000
#define MAX_LINKS 40 /* as the kernel's ELOOP */

struct git_source {
	struct source base;
	char *top;  /* the work tree's top level, absolute */
	char *ref;  /* as the user wrote it, for display */
	char oid[GIT_OID_HEX_MAX + 1];
	struct git_tree tree; /* sorted by path (strcmp) */
	struct git_cat *cat;
};

static int cmp_entry_path(const void *a, const void *b)
{
	return strcmp(((const struct git_tree_entry *)a)->path, ((const struct git_tree_entry *)b)->path);
}

/* The first entry whose path is >= KEY. */
static size_t lower_bound(const struct git_tree *t, const char *key)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(t->v[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct git_tree_entry *find_entry(const struct git_source *g, const char *rel)
{
	size_t i = lower_bound(&g->tree, rel);

	return i < g->tree.n && !strcmp(g->tree.v[i].path, rel) ? &g->tree.v[i] : NULL;
}

/* The entries under directory REL ("" is the top): [*FIRST, *END). */
static void dir_range(const struct git_source *g, const char *rel, size_t *first, size_t *end)
{
	char *prefix = xasprintf("%s/", rel);
	size_t n = strlen(prefix);

	if (!*rel) {
		*first = 0;
		*end = g->tree.n;
	} else {
		*first = *end = lower_bound(&g->tree, prefix);
		while (*end < g->tree.n && !strncmp(g->tree.v[*end].path, prefix, n))
			(*end)++;
	}
	free(prefix);
}

static bool has_dir(const struct git_source *g, const char *rel)
{
	size_t first, end;

	dir_range(g, rel, &first, &end);
	return !*rel || first < end;
}

/* PATH relative to the top, "." and ".." folded; NULL when it is outside. */
static char *relative(const struct git_source *g, const char *path)
{
	size_t n = strlen(g->top);
	struct strlist parts = { 0 };
	char *copy, *save = NULL, *rel, cwd[PATH_MAX];

	if (path[0] != '/') { /* relative to the current directory, as in the work tree */
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		copy = xasprintf("%s/%s", cwd, path);
		rel = relative(g, copy);
		free(copy);
		return rel;
	}
	if (strncmp(path, g->top, n) || (path[n] && path[n] != '/'))
		return NULL;
	copy = xstrdup(path + n);
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, ".."))
			if (parts.n == 0) {
				free(copy);
				sl_free(&parts);
				return NULL;
			} else {
				free(parts.v[--parts.n]);
			}
		else if (strcmp(c, "."))
			sl_push(&parts, c);
	}
	rel = sl_join(&parts, "/");
	free(copy);
	sl_free(&parts);
	return rel;
}

/* The target of the link at REL (its blob), or NULL. */
static char *link_target(struct git_source *g, const struct git_tree_entry *e)
{
	char *bytes;
	size_t len;

	if (git_cat_read(g->cat, e->oid, 4096, &bytes, &len, NULL) != 0)
		return NULL;
	if (strlen(bytes) != len) { /* a NUL in a link target: not a path */
		free(bytes);
		return NULL;
	}
	return bytes;
}

static char *resolve_rel(struct git_source *g, const char *rel, int depth);

/* DIR (relative, resolved) joined with the link target TARGET, then resolved. */
static char *follow(struct git_source *g, const char *dir, const char *target, const char *rest, int depth)
{
	char *abs, *rel, *out;

	if (target[0] == '/')
		abs = xasprintf("%s%s%s", target, *rest ? "/" : "", rest);
	else
		abs = xasprintf("%s%s%s/%s%s%s", g->top, *dir ? "/" : "", dir, target, *rest ? "/" : "", rest);
	rel = relative(g, abs);
	out = rel ? resolve_rel(g, rel, depth + 1) : NULL; /* a target outside the repository is not there */
	free(rel);
	free(abs);
	return out;
}

/* REL (folded) with every link in it resolved; NULL on a link that leaves the
 * repository, cannot be read, or loops. What it names need not exist. */
static char *resolve_rel(struct git_source *g, const char *rel, int depth)
{
	struct strbuf done;
	const char *p = rel;

	if (depth > MAX_LINKS)
		return NULL;
	sb_init(&done);
	sb_adds(&done, "");
	while (*p) {
		size_t n = strcspn(p, "/"), mark = done.len;
		const struct git_tree_entry *e;

		if (done.len)
			sb_addc(&done, '/');
		sb_addn(&done, p, n);
		p += n + (p[n] == '/');
		e = find_entry(g, done.buf);
		if (e && e->mode == MODE_LINK) {
			char *target = link_target(g, e), *out;

			done.buf[mark] = '\0';
			out = target ? follow(g, done.buf, target, p, depth) : NULL;
			free(target);
			sb_free(&done);
			return out;
		}
	}
	return sb_detach(&done);
}

/* PATH resolved to a path relative to the top, or NULL. */
static char *resolve(struct git_source *g, const char *path)
{
	char *rel = relative(g, path), *out;

	if (!rel)
		return NULL;
	out = resolve_rel(g, rel, 0);
	free(rel);
	return out;
}

static enum source_type type_of_rel(const struct git_source *g, const char *rel)
{
	const struct git_tree_entry *e = find_entry(g, rel);

	if (e)
		return e->is_blob ? SOURCE_FILE : SOURCE_DIR; /* a submodule is a directory */
	/* pkgfind looks for the repository's .git: the tree's top is one */
	if (has_dir(g, rel) || !strcmp(rel, ".git"))
		return SOURCE_DIR;
	return SOURCE_NONE;
}

static enum source_type git_type(struct source *s, const char *path)
{
	struct git_source *g = (struct git_source *)s;
	char *rel = resolve(g, path);
	enum source_type t = rel ? type_of_rel(g, rel) : SOURCE_NONE;

	free(rel);
	return t;
}

static char *git_realpath(struct source *s, const char *path)
{
	struct git_source *g = (struct git_source *)s;
	char *rel = resolve(g, path), *out = NULL;

	if (rel && type_of_rel(g, rel) != SOURCE_NONE)
		out = *rel ? xasprintf("%s/%s", g->top, rel) : xstrdup(g->top);
	free(rel);
	return out;
}

/* One child of a directory listing: a link is classified by what it points to. */
static void classify(struct git_source *g, const struct git_tree_entry *e, struct source_entry *out)
{
	if (!e->is_blob) {
		out->is_dir = true; /* a submodule: a directory, empty at this commit */
	} else if (e->mode == MODE_LINK) {
		char *r = resolve_rel(g, e->path, 0);

		if (r && type_of_rel(g, r) == SOURCE_DIR)
			out->dir_link = true;
		else
			out->maybe_link = true;
		free(r);
	}
}

static int git_list(struct source *s, const char *dir, struct source_entry **v, size_t *n, struct mt_error *err)
{
	struct git_source *g = (struct git_source *)s;
	char *rel = resolve(g, dir);
	size_t first, end, skip;
	struct source_entries b = { 0 };
	const char *last_dir = NULL;
	size_t last_len = 0;

	*v = NULL;
	*n = 0;
	if (!rel || type_of_rel(g, rel) != SOURCE_DIR) {
		char *shown = source_display(s, dir);

		mt_fail(err, shown, 0, "cannot list directory: %s", rel && find_entry(g, rel) ? "Not a directory"
				       : "No such file or directory");
		free(shown);
		free(rel);
		return -1;
	}
	dir_range(g, rel, &first, &end);
	skip = *rel ? strlen(rel) + 1 : 0;
	for (size_t i = first; i < end; i++) {
		const char *tail = g->tree.v[i].path + skip;
		size_t k = strcspn(tail, "/");

		if (tail[k] == '/' && last_dir && last_len == k && !strncmp(last_dir, tail, k))
			continue; /* the same subdirectory again */
		if (tail[k] == '/') {
			source_entries_add(&b, tail, k)->is_dir = true;
			last_dir = tail;
			last_len = k;
		} else {
			classify(g, &g->tree.v[i], source_entries_add(&b, tail, strlen(tail)));
		}
	}
	*v = source_entries_done(&b, n);
	free(rel);
	return 0;
}

static int git_read(struct source *s, const char *path, size_t max, char **bytes, size_t *len, char why[256])
{
	struct git_source *g = (struct git_source *)s;
	char *rel = resolve(g, path);
	const struct git_tree_entry *e = rel ? find_entry(g, rel) : NULL;
	struct mt_error err;
	int rc = SOURCE_READ_FAILED;

	*bytes = NULL;
	*len = 0;
	if (!e || !e->is_blob) {
		bool dir = rel && type_of_rel(g, rel) == SOURCE_DIR;

		snprintf(why, 256, dir ? "not a regular file (a directory)" : "No such file or directory");
		free(rel);
		return dir ? SOURCE_READ_NOT_REGULAR : SOURCE_READ_FAILED;
	}
	switch (git_cat_read(g->cat, e->oid, max, bytes, len, &err)) {
	case 0:
		rc = SOURCE_READ_OK;
		break;
	case 2:
		rc = SOURCE_READ_TOO_LARGE;
		break;
	case 1:
		snprintf(why, 256, "object %s is missing from the repository", e->oid);
		break;
	default:
		snprintf(why, 256, "%.200s", err.message);
	}
	free(rel);
	return rc;
}

static char *git_display(struct source *s, const char *path)
{
	struct git_source *g = (struct git_source *)s;
	char *rel = relative(g, path), *shown;

	shown = xasprintf("%s:%s", g->ref, rel ? rel : path);
	free(rel);
	return shown;
}

static void git_free(struct source *s)
{
	struct git_source *g = (struct git_source *)s;

	git_cat_close(g->cat, NULL);
	git_tree_free(&g->tree);
	free(g->top);
	free(g->ref);
	free(g);
}

static const struct source_ops git_ops = {
	git_list, git_type, git_realpath, git_read, git_display, NULL, git_free,
	false, /* one `cat-file --batch` pipe: read in order, by one thread */
	NULL, /* read by path */
	NULL,
	NULL,
};

struct source *source_git(const char *dir, const char *ref, struct mt_error *err)
{
	struct git_source *g = xcalloc(1, sizeof(*g));

	g->base.ops = &git_ops;
	g->ref = xstrdup(ref);
	if (git_toplevel(dir, &g->top, err) || git_resolve_commit(g->top, ref, g->oid, err) ||
	    git_ls_tree(g->top, g->oid, NULL, &g->tree, err) || !(g->cat = git_cat_open(g->top, err))) {
		git_free(&g->base);
		return NULL;
	}
	sort_array(g->tree.v, g->tree.n, sizeof(*g->tree.v), cmp_entry_path);
	return &g->base;
}
