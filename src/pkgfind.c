/* pkgfind.c - the places a package may be, tried nearest first (see pkgfind.h).
 *
 * Nearest first because the first hit wins: a project's own package must not
 * lose to a same-named checkout further up. */
#include <stdlib.h>
#include <string.h>

#include "migtree/pkgfind.h"
#include "migtree/source.h"
#include "migtree/util.h"

static bool is_file(struct source *fs, const char *p)
{
	return source_type(fs, p) == SOURCE_FILE;
}

bool pkg_is_module_name(const char *s, size_t n)
{
	bool start = true;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (start)
				return false;
			start = true;
			continue;
		}
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (!start && c >= '0' && c <= '9')))
			return false;
		start = false;
	}
	return n > 0 && !start;
}

/* Does ROOT/REL hold an __init__.py at every level of REL ("a/b")? */
static bool is_package(struct source *fs, const char *root, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);
	size_t base = strlen(root) + 1;
	bool ok = true;

	for (char *p = path + base;; p++) {
		if (*p == '/' || !*p) {
			char saved = *p, *init;

			*p = '\0';
			init = xasprintf("%s/__init__.py", path);
			ok = is_file(fs, init);
			free(init);
			*p = saved;
			if (!ok || !saved)
				break;
		}
	}
	free(path);
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR/<one subdirectory>/REL, subdirectories in name order, hidden ones skipped. */
static char *in_subdirectory(struct source *fs, const char *dir, const char *rel)
{
	struct source_entry *v;
	size_t n;
	struct strlist subs = { 0 };
	char *hit = NULL;

	if (source_list(fs, dir, &v, &n, NULL))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].name[0] != '.')
			sl_push(&subs, v[i].name);
	source_entries_free(v, n);
	sort_array(subs.v, subs.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < subs.n && !hit; i++) {
		char *root = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", subs.v[i]);

		if (is_package(fs, root, rel))
			hit = xasprintf("%s/%s", root, rel);
		free(root);
	}
	sl_free(&subs);
	return hit;
}

/* SUBDIRS: also one level of DIR's subdirectories (see pkg_find). */
static char *at_level(struct source *fs, const char *dir, const char *rel, bool subdirs)
{
	size_t n = strlen(dir), m = strlen(rel);
	const char *top = strcmp(dir, "/") ? dir : "";
	char *root;

	if (n > m && dir[n - m - 1] == '/' && !strcmp(dir + n - m, rel)) {
		root = xstrndup(dir, n - m - 1);
		if (is_package(fs, root, rel)) {
			free(root);
			return xstrdup(dir);
		}
		free(root);
	}
	if (is_package(fs, top, rel))
		return xasprintf("%s/%s", top, rel);
	root = xasprintf("%s/src", top);
	if (is_package(fs, root, rel)) {
		char *hit = xasprintf("%s/%s", root, rel);

		free(root);
		return hit;
	}
	free(root);
	return subdirs ? in_subdirectory(fs, dir, rel) : NULL;
}

/* The nearest folder at or above START holding .git: the project's own tree. */
static char *repository_root(struct source *fs, const char *start)
{
	char *dir = xstrdup(start);

	for (;;) {
		char *git = xasprintf("%s/.git", strcmp(dir, "/") ? dir : "");
		bool found = source_type(fs, git) != SOURCE_NONE;
		char *slash = strrchr(dir, '/');

		free(git);
		if (found)
			return dir;
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	free(dir);
	return NULL;
}

/* Subdirectories are searched in START and, inside a git work tree, in every
 * folder up to its root: one level of every parent up to / would reach
 * unrelated checkouts (and list /usr, /home...). */
char *pkg_find(const char *start, const char *dotted)
{
	return pkg_find_in(source_worktree(), start, dotted);
}

char *pkg_find_in(struct source *fs, const char *start, const char *dotted)
{
	char *rel = xstrdup(dotted), *dir = xstrdup(start), *hit = NULL;
	char *top = repository_root(fs, start);
	bool inside = true;

	for (char *c = rel; *c; c++)
		if (*c == '.')
			*c = '/';
	for (bool first = true;; first = false) {
		char *slash;

		hit = at_level(fs, dir, rel, first || (top && inside));
		if (top && !strcmp(dir, top))
			inside = false;
		if (hit)
			break;
		slash = strrchr(dir, '/');
		if (!slash || !strcmp(dir, "/"))
			break;
		if (slash == dir)
			slash[1] = '\0'; /* the root itself is the last place */
		else
			*slash = '\0';
	}
	free(dir);
	free(rel);
	free(top);
	return hit;
}
