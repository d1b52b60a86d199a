/* scan.c - the walk over version locations and the reading of each file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "migtree/docstring.h"
#include "migtree/save.h"
#include "migtree/scan.h"
#include "migtree/strmap.h"

bool scan_is_candidate(const char *name)
{
	return str_ends_with(name, ".py") && !str_starts_with(name, "__init__") &&
	       !str_starts_with(name, ".#");
}

char *scan_display_path(const char *abs)
{
	char cwd[PATH_MAX];
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)))
		return xstrdup(abs);
	n = strlen(cwd);
	if (!strncmp(abs, cwd, n) && abs[n] == '/')
		return xstrdup(abs + n + 1);
	return xstrdup(abs);
}

static struct revision_file *read_one(const char *path)
{
	char *shown = scan_display_path(path);
	struct revision_file *rf;
	struct stat st;
	struct strbuf sb;
	char buf[65536];
	ssize_t got = 0;
	const char *why;
	int fd = open_regular(path, &why);

	if (fd < 0 || fstat(fd, &st) < 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), fd < 0 && errno == EINVAL ? "%s" : "cannot read: %s",
			 fd < 0 ? why : strerror(errno));
		if (fd >= 0)
			close(fd);
		rf = revision_file_failed(shown, 0, msg);
		free(shown);
		return rf;
	}
	if ((unsigned long long)st.st_size > MT_MAX_FILE_SIZE) {
		close(fd);
		rf = revision_file_failed(shown, 0, "file larger than 16 MiB; not read as a migration");
		free(shown);
		return rf;
	}
	sb_init(&sb);
	while (sb.len <= MT_MAX_FILE_SIZE && (got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		sb_addn(&sb, buf, (size_t)got);
	}
	close(fd);
	if (got < 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "cannot read: %s", strerror(errno));
		rf = revision_file_failed(shown, 0, msg);
	} else {
		rf = parse_revision_file(shown, sb.buf ? sb.buf : "", sb.len);
		docstring_complete(rf);
	}
	sb_free(&sb);
	free(shown);
	return rf;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory entry that is not a directory; MAYBE_LINK when readdir could not say
 * it is a regular file, so its real path needs realpath(). */
struct entry {
	char *name;
	bool maybe_link;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

struct walk {
	struct file_list *out;
	struct strlist seen_paths; /* owns the keys of `seen` */
	struct strmap seen;        /* real paths, to skip a file reached twice */
	bool recursive;
	const struct strlist *locations; /* a subdirectory that is one is read anyway */
	size_t unread_dirs;       /* subdirectories with candidates, not read */
	char *first_unread;       /* the first of them */
	size_t too_deep;          /* directories below SCAN_MAX_DEPTH, not read */
	char *first_too_deep;
	struct strlist removed;   /* stale temporaries removed (display paths) */
	time_t now;
};

static bool seen_before(struct walk *w, const char *real)
{
	/* Alembic: "File X loaded twice! ignoring." (overlapping version locations) */
	char *key;

	if (strmap_get(&w->seen, real, NULL))
		return true;
	key = xstrdup(real);
	sl_push_owned(&w->seen_paths, key);
	strmap_put(&w->seen, key, 0);
	return false;
}

/* Is D_NAME in DIR a directory that os.walk would descend into (not a link)? */
static bool is_walked_dir(const char *dir, const struct dirent *de, bool *is_dir)
{
	char *full;
	struct stat st;
	bool walked = false;

	*is_dir = false;
	if (de->d_type == DT_REG)
		return false; /* the common case costs no system call */
	if (de->d_type == DT_DIR) {
		*is_dir = true;
		return true;
	}
	full = xasprintf("%s/%s", dir, de->d_name);
	if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct stat lst;

		*is_dir = true; /* like os.walk: a link to a directory is listed, not followed */
		walked = lstat(full, &lst) == 0 && !S_ISLNK(lst.st_mode);
	}
	free(full);
	return walked;
}

/* Does DIR or a directory below it hold a migration candidate? DEPTH bounds the
 * look on deep trees; links to directories are not followed, as in the walk. */
static bool holds_candidates(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		bool is_dir;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "__pycache__"))
			continue;
		if (is_walked_dir(dir, de, &is_dir)) {
			char *sub = xasprintf("%s/%s", dir, de->d_name);

			found = depth > 0 && holds_candidates(sub, depth - 1);
			free(sub);
		} else if (!is_dir) {
			found = scan_is_candidate(de->d_name);
		}
	}
	closedir(d);
	return found;
}

static bool is_location(const struct walk *w, const char *dir)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (!realpath(dir, a))
		return false;
	for (size_t i = 0; i < w->locations->n; i++)
		if (realpath(w->locations->v[i], b) && !strcmp(a, b))
			return true;
	return false;
}

/* A non-recursive walk skips subdirectories; count those it skips with
 * migration files in them, so the user hears the history may be incomplete. */
static void count_unread(struct walk *w, const char *dir, const struct strlist *dirs)
{
	for (size_t i = 0; i < dirs->n; i++) {
		char *sub;

		if (!strcmp(dirs->v[i], "__pycache__"))
			continue;
		sub = xasprintf("%s/%s", dir, dirs->v[i]);
		if (!is_location(w, sub) && holds_candidates(sub, 8) && w->unread_dirs++ == 0)
			w->first_unread = scan_display_path(sub);
		free(sub);
	}
}

/* A directory waiting in the walk, DEPTH levels below its version location. */
struct pending_dir {
	char *path;
	int depth;
};

/* Is NAME one of save.c's temporaries (save_is_temporary) left by a save that was
 * killed, old enough that no running save can still be about to rename it? Then
 * it goes, and the user hears so: nothing else is ever removed. */
static void remove_stale_temporary(struct walk *w, const char *dir, const char *name)
{
	char *full;
	struct stat st;

	if (!save_is_temporary(name))
		return;
	full = xasprintf("%s/%s", dir, name);
	if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) && w->now - st.st_mtime > SAVE_TEMPORARY_STALE &&
	    unlink(full) == 0)
		sl_push_owned(&w->removed, scan_display_path(full));
	free(full);
}

/* The candidates of DIR, in name order, read and added to the list. */
static void read_files(struct walk *w, const char *dir, struct entry *files, size_t n_files)
{
	char dir_real[PATH_MAX];

	if (!realpath(dir, dir_real))
		snprintf(dir_real, sizeof(dir_real), "%s", dir);
	for (size_t i = 0; i < n_files; i++) {
		char *full, *real;
		char resolved[PATH_MAX];

		if (!scan_is_candidate(files[i].name)) {
			remove_stale_temporary(w, dir, files[i].name);
			continue;
		}
		full = xasprintf("%s/%s", dir, files[i].name);
		if (!files[i].maybe_link)
			real = xasprintf("%s/%s", dir_real, files[i].name);
		else
			real = xstrdup(realpath(full, resolved) ? resolved : full); /* broken: read_one says so */
		if (!seen_before(w, real)) {
			struct revision_file *rf = read_one(full);

			rf->real_path = real;
			real = NULL;
			GROW(w->out->v, w->out->cap, w->out->n + 1);
			rf->load_index = w->out->n;
			w->out->v[w->out->n++] = rf;
		}
		free(real);
		free(full);
	}
}

/* List DIR: its files (sorted) and the subdirectories os.walk descends into. */
static int list_dir(const char *dir, struct entry **files, size_t *n_files, struct strlist *dirs,
		    struct mt_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	*files = NULL;
	*n_files = 0;
	if (!d)
		return mt_fail(err, dir, 0, "cannot list directory: %s", strerror(errno));
	while ((de = readdir(d))) {
		bool is_dir;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (is_walked_dir(dir, de, &is_dir)) {
			sl_push(dirs, de->d_name);
		} else if (!is_dir) {
			GROW(*files, cap, *n_files + 1);
			(*files)[(*n_files)++] = (struct entry){ xstrdup(de->d_name), de->d_type != DT_REG };
		}
	}
	closedir(d);
	sort_array(*files, *n_files, sizeof(**files), cmp_entry);
	sort_array(dirs->v, dirs->n, sizeof(char *), cmp_name);
	return 0;
}

/* os.walk's top-down order without recursion on the C stack (a deep tree would
 * overflow it): a directory's files, then its subdirectories in name order, each
 * one whole before the next. Pushing them last-first onto an explicit stack keeps
 * that order. Directories more than SCAN_MAX_DEPTH below the location are counted
 * and reported instead of read. Links to directories are not followed (os.walk's
 * default), so a link loop cannot make the walk go round. */
static int walk_location(struct walk *w, const char *location, struct mt_error *err)
{
	struct pending_dir *stack = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	GROW(stack, cap, 1);
	stack[n++] = (struct pending_dir){ xstrdup(location), 0 };
	while (n > 0) {
		struct pending_dir cur = stack[--n];
		struct strlist dirs = { 0 };
		struct entry *files;
		size_t n_files;

		if (rc == 0 && cur.depth > SCAN_MAX_DEPTH) {
			if (w->too_deep++ == 0)
				w->first_too_deep = scan_display_path(cur.path);
		} else if (rc == 0 && (rc = list_dir(cur.path, &files, &n_files, &dirs, err)) == 0) {
			if (!str_ends_with(cur.path, "__pycache__"))
				read_files(w, cur.path, files, n_files);
			if (!w->recursive)
				count_unread(w, cur.path, &dirs);
			for (size_t i = dirs.n; w->recursive && i-- > 0;) {
				GROW(stack, cap, n + 1);
				stack[n++] = (struct pending_dir){ xasprintf("%s/%s", cur.path, dirs.v[i]), cur.depth + 1 };
			}
			for (size_t i = 0; i < n_files; i++)
				free(files[i].name);
			free(files);
		}
		sl_free(&dirs);
		free(cur.path);
	}
	free(stack);
	return rc;
}

static char *unread_note(const struct mt_config *cfg, size_t n, const char *first)
{
	char *how;
	char *note;

	if (!cfg->config_path)
		how = xstrdup("add --recursive to -d");
	else
		how = xasprintf("set recursive_version_locations = true in [%s] of %s", cfg->section,
				path_base(cfg->config_path));
	if (n == 1)
		note = xasprintf("subdirectory %s holds migration files that are not read; %s to read it",
				 first, how);
	else
		note = xasprintf("%zu subdirectories (%s, ...) hold migration files that are not read; "
				 "%s to read them", n, first, how);
	free(how);
	return note;
}

int scan_project(const struct mt_config *cfg, struct file_list *out, struct mt_error *err)
{
	struct walk w = { out, { 0 }, { 0 }, cfg->recursive, &cfg->version_locations, 0, NULL, 0, NULL,
			  { 0 }, time(NULL) };
	size_t existing = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < cfg->version_locations.n && rc == 0; i++) {
		struct stat st;
		const char *loc = cfg->version_locations.v[i];

		if (stat(loc, &st) != 0 || !S_ISDIR(st.st_mode))
			continue; /* Alembic skips version locations that do not exist */
		existing++;
		rc = walk_location(&w, loc, err);
	}
	strmap_free(&w.seen);
	sl_free(&w.seen_paths);
	if (w.unread_dirs)
		sl_push_owned(&out->notes, unread_note(cfg, w.unread_dirs, w.first_unread));
	if (w.too_deep)
		sl_push_owned(&out->notes, xasprintf("%s%s is nested more than %d directories below its version "
						     "location; not read%s", w.too_deep > 1 ? "" : "directory ",
						     w.first_too_deep, SCAN_MAX_DEPTH,
						     w.too_deep > 1 ? " (nor the others as deep)" : ""));
	if (w.removed.n) {
		char *list = sl_join(&w.removed, ", ");

		sl_push_owned(&out->notes, xasprintf("removed %zu stale temporary file%s (left by a save that "
						     "was stopped): %s", w.removed.n,
						     w.removed.n == 1 ? "" : "s", list));
		free(list);
	}
	free(w.first_unread);
	free(w.first_too_deep);
	sl_free(&w.removed);
	if (rc == 0 && existing == 0 && cfg->version_locations.n > 0)
		rc = mt_fail(err, cfg->version_locations.v[0], 0, "version directory does not exist");
	return rc;
}

void file_list_free(struct file_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		revision_file_free(fl->v[i]);
	free(fl->v);
	sl_free(&fl->notes);
	memset(fl, 0, sizeof(*fl));
}
