/* source.c - the file-source interface, the work-tree backend, and the walk that
 * lists version files in Alembic's load order over either backend (source.h).
 * The git backend is source_git.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#if defined(__linux__)
#include <linux/magic.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#endif
#include <unistd.h>

#include "migtree/save.h"
#include "migtree/scan.h"
#include "migtree/source.h"
#include "migtree/strmap.h"

/* ---- the interface ------------------------------------------------------------ */

int source_list(struct source *s, const char *dir, struct source_entry **v, size_t *n, struct mt_error *err)
{
	return s->ops->list(s, dir, v, n, err);
}

void source_entries_free(struct source_entry *v, size_t n)
{
	(void)n; /* the names are in V's allocation */
	free(v);
}

struct source_entry *source_entries_add(struct source_entries *b, const char *name, size_t len)
{
	struct source_entry *e;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
		b->name_at = xrealloc(b->name_at, b->cap * sizeof(*b->name_at));
	}
	GROW(b->names, b->names_cap, b->len + len + 1);
	memcpy(b->names + b->len, name, len);
	b->names[b->len + len] = '\0';
	b->name_at[b->n] = b->len;
	b->len += len + 1;
	e = &b->v[b->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

struct source_entry *source_entries_done(struct source_entries *b, size_t *n)
{
	struct source_entry *v = NULL;
	char *names;

	*n = b->n;
	if (b->n) {
		v = xmalloc(b->n * sizeof(*v) + b->len);
		names = (char *)(v + b->n);
		memcpy(v, b->v, b->n * sizeof(*v));
		memcpy(names, b->names, b->len);
		for (size_t i = 0; i < b->n; i++)
			v[i].name = names + b->name_at[i];
	}
	free(b->v);
	free(b->name_at);
	free(b->names);
	memset(b, 0, sizeof(*b));
	return v;
}

enum source_type source_type(struct source *s, const char *path)
{
	return s->ops->type(s, path);
}

char *source_realpath(struct source *s, const char *path)
{
	return s->ops->realpath(s, path);
}

int source_read(struct source *s, const char *path, size_t max, char **bytes, size_t *len, char why[256])
{
	return s->ops->read(s, path, max, bytes, len, why);
}

char *source_display(struct source *s, const char *path)
{
	return s->ops->display(s, path);
}

void source_free(struct source *s)
{
	if (s)
		s->ops->free(s);
}

struct source_reader {
	struct source *src;
	char *dir;  /* the directory of the last file read, when the source reads in one */
	size_t dir_len;
	int dirfd;  /* it, opened (O_PATH), or -1 */
	char *buf;  /* the bytes source_reader_read_listed gave last (the reader's) */
	size_t cap; /* its size */
	int listed_here; /* ops->listed_here of DIR, or -1 when not asked yet */
	bool noatime;    /* read_listed's, kept from file to file */
};

struct source_reader *source_reader_new(struct source *s)
{
	struct source_reader *r = xcalloc(1, sizeof(*r));

	r->src = s;
	r->dirfd = -1;
	r->listed_here = -1;
	r->noatime = true;
	return r;
}

/* The directory of PATH (up to its last '/', SLASH) held open, or -1 to read
 * by path: the source has no read_in, PATH has no directory part, or it cannot
 * be opened (then opening by path says why, as it always did). */
static int reader_dir(struct source_reader *r, const char *path, const char *slash)
{
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!r->src->ops->read_in || n == 0)
		return -1;
	if (r->dir && r->dir_len == n && !memcmp(r->dir, path, n))
		return r->dirfd;
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->dir);
	r->dir = xstrndup(path, n);
	r->dir_len = n;
	r->dirfd = open(r->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	r->listed_here = -1;
	return r->dirfd;
}

int source_reader_read(struct source_reader *r, const char *path, size_t max, char **bytes, size_t *len,
		       char why[256])
{
	const char *slash = strrchr(path, '/');
	int dirfd = reader_dir(r, path, slash);

	if (dirfd < 0)
		return source_read(r->src, path, max, bytes, len, why);
	return r->src->ops->read_in(r->src, dirfd, slash + 1, max, bytes, len, why);
}

int source_reader_read_listed(struct source_reader *r, const struct source_file *f, size_t max, const char **bytes,
			      size_t *len, char why[256])
{
	const char *slash = !f->regular || !r->src->ops->read_listed ? NULL
			    : f->name_at ? f->path + f->name_at - 1
					 : strrchr(f->path, '/');
	int dirfd = slash ? reader_dir(r, f->path, slash) : -1, rc;
	char *own = NULL;

	*bytes = NULL;
	if (dirfd >= 0 && r->listed_here < 0)
		r->listed_here = r->src->ops->listed_here(r->src, dirfd);
	if (dirfd >= 0 && r->listed_here) {
		rc = r->src->ops->read_listed(r->src, dirfd, slash + 1, max, &r->buf, &r->cap, &r->noatime, len,
					      why);
		if (rc == SOURCE_READ_OK)
			*bytes = r->buf;
		return rc;
	}
	rc = source_reader_read(r, f->path, max, &own, len, why);
	if (rc != SOURCE_READ_OK) {
		free(own);
		return rc;
	}
	free(r->buf);
	r->buf = own;
	r->cap = *len + 1;
	*bytes = own;
	return rc;
}

void source_reader_free(struct source_reader *r)
{
	if (!r)
		return;
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->dir);
	free(r->buf);
	free(r);
}

/* ---- the work tree -------------------------------------------------------------- */

/* Classify D_NAME in DIR as os.walk does: a link to a directory is listed, not
 * followed. The common case (d_type says regular file) costs no system call. */
static void classify(const char *dir, const struct dirent *de, struct source_entry *e)
{
	char *full;
	struct stat st, lst;

	if (de->d_type == DT_REG)
		return;
	if (de->d_type == DT_DIR) {
		e->is_dir = true;
		return;
	}
	full = xasprintf("%s/%s", dir, de->d_name);
	if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (lstat(full, &lst) == 0 && !S_ISLNK(lst.st_mode))
			e->is_dir = true;
		else
			e->dir_link = true;
	} else {
		e->maybe_link = true;
	}
	free(full);
}

static int work_list(struct source *s, const char *dir, struct source_entry **v, size_t *n, struct mt_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct source_entries b = { 0 };

	(void)s;
	*v = NULL;
	*n = 0;
	if (!d)
		return mt_fail(err, dir, 0, "cannot list directory: %s", strerror(errno));
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		classify(dir, de, source_entries_add(&b, de->d_name, strlen(de->d_name)));
	}
	closedir(d);
	*v = source_entries_done(&b, n);
	return 0;
}

static enum source_type work_type(struct source *s, const char *path)
{
	struct stat st;

	(void)s;
	if (stat(path, &st) != 0)
		return SOURCE_NONE;
	return S_ISREG(st.st_mode) ? SOURCE_FILE : S_ISDIR(st.st_mode) ? SOURCE_DIR : SOURCE_OTHER;
}

static char *work_realpath(struct source *s, const char *path)
{
	char real[PATH_MAX];

	(void)s;
	return realpath(path, real) ? xstrdup(real) : NULL;
}

/* Read FD, SIZE bytes by its fstat, into one buffer of that size and the NUL.
 * The read stops once SIZE bytes are in, without one more read() to see the end
 * (a system call per file: 100,000 at 100,000 revisions). Bytes appended after
 * the fstat are not read: a file that grows while migtree reads it is a race
 * whichever way, since reading a moment earlier would have missed them too, and
 * a writer that is not done leaves a cut file either way (save.c's writes are a
 * rename, so its readers see a whole file). What is read is the file as it was
 * at the fstat, or less when it was cut meanwhile (a read returns 0 first). A
 * file whose size says 0 (empty, or procfs's and the like, whose size says
 * nothing) is read to its end, growing the buffer, up to MAX + 1 bytes (the
 * caller's limit decides). Regular files only, so no read blocks. */
static int read_fd(int fd, size_t size, size_t max, char **bytes, size_t *len)
{
	size_t cap = size ? size + 1 : 4096, got = 0;
	char *buf = xmalloc(cap);
	ssize_t r;

	while (size == 0 || got < size) {
		if (got + 1 >= cap) {
			if (got > max)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + got, (size ? size : cap - 1) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*bytes = buf;
	*len = got;
	return 0;
}

/* What work_read_at says when open_regular_statat or regular_fd_stat failed
 * with REASON (errno still theirs). */
static int work_open_failed(const char *reason, char why[256])
{
	snprintf(why, 256, "%s", reason);
	return errno == EINVAL ? SOURCE_READ_NOT_REGULAR : SOURCE_READ_FAILED;
}

/* The rest of work_read_at once FD is open and regular (its stat ST): FD closed. */
static int work_read_stat(int fd, const struct stat *st, size_t max, char **bytes, size_t *len, char why[256])
{
	if ((unsigned long long)st->st_size > max) {
		close(fd);
		*len = (size_t)st->st_size;
		return SOURCE_READ_TOO_LARGE;
	}
	if (read_fd(fd, (size_t)st->st_size, max, bytes, len) < 0) {
		snprintf(why, 256, "%s", strerror(errno));
		close(fd);
		return SOURCE_READ_FAILED;
	}
	close(fd);
	return SOURCE_READ_OK;
}

/* PATH opened relative to DIRFD (AT_FDCWD: as it is). */
static int work_read_at(int dirfd, const char *path, size_t max, char **bytes, size_t *len, char why[256])
{
	struct stat st;
	const char *reason;
	int fd = open_regular_statat(dirfd, path, &st, &reason);

	*bytes = NULL;
	*len = 0;
	if (fd < 0)
		return work_open_failed(reason, why);
	return work_read_stat(fd, &st, max, bytes, len, why);
}

/* The scan's workers open, read and close every file. Once a second thread
 * runs, glibc's wrappers of those calls mark each as a cancellation point: two
 * atomic operations on the thread around each of 300,000 calls at 100,000
 * files (a fifth of the C library's share of check's CPU). No thread of ours
 * is ever cancelled, so work_read_listed makes the three calls itself. */
static int listed_openat(int dirfd, const char *name, int flags)
{
	flags |= O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
#if defined(__linux__) && defined(SYS_openat)
	return (int)syscall(SYS_openat, dirfd, name, flags);
#else
	return openat(dirfd, name, flags);
#endif
}

/* NAME opened for work_read_listed. Reading a migration to know its history
 * is no use of it: with O_NOATIME its access time stays as it was, and the
 * kernel skips the clock read that deciding whether to update it takes at each
 * read (3% of a loop that reads 100,000 files). Only the file's owner, or root,
 * may ask that: the first refusal (EPERM) makes *NOATIME false, and the reader
 * opens plainly from then on. */
static int listed_open(int dirfd, const char *name, bool *noatime)
{
#ifdef O_NOATIME
	if (*noatime) {
		int fd = listed_openat(dirfd, name, O_NOATIME);

		if (fd >= 0 || errno != EPERM)
			return fd;
		*noatime = false;
	}
#else
	*noatime = false;
#endif
	return listed_openat(dirfd, name, 0);
}

/* A 64-bit ABI passes the offset in one register; 32-bit ones split it, and
 * some pad the pair: there the C library's call does it right. */
static ssize_t listed_pread(int fd, char *buf, size_t n)
{
#if defined(__linux__) && defined(SYS_pread64) && defined(__LP64__)
	return (ssize_t)syscall(SYS_pread64, fd, buf, n, (off_t)0);
#else
	return pread(fd, buf, n, 0);
#endif
}

static void listed_close(int fd)
{
#if defined(__linux__) && defined(SYS_close)
	(void)syscall(SYS_close, fd);
#else
	close(fd);
#endif
}

/* The room a listed file is first read into (work_read_listed): a migration
 * is a few KiB; a file that fills it is read as work_read_at reads. */
#define LISTED_ROOM (64 * 1024)

/* NAME in DIRFD, a file the listing saw as a regular file (d_type, no link),
 * into *BUF (*CAP bytes, made LISTED_ROOM or more; the caller's): as
 * work_read_at reads it, without its fstat (a system call a file). A regular
 * file's read comes back short only at its end, so one read that leaves room
 * in the buffer was the whole file: open, read, close. The read is a pread at
 * offset 0, which a FIFO, a socket or a terminal refuses (ESPIPE): one put
 * where the listing saw a file (a rename, a bind mount) is never taken for
 * one, with data waiting in it or not. Any other read (none, an error, a full
 * buffer) is read again from the start as work_read_at does, on the same
 * descriptor, the fstat included: a large file, an empty one, and what took
 * the listed name meanwhile (a directory, a device, a FIFO) say what they
 * always did. Only where work_listed_here says a short read is the end. */
static int work_read_listed(struct source *s, int dirfd, const char *name, size_t max, char **buf, size_t *cap,
			    bool *noatime, size_t *len, char why[256])
{
	int fd = listed_open(dirfd, name, noatime), rc;
	const char *reason;
	struct stat st;
	char *bytes = NULL;
	ssize_t r;

	(void)s;
	*len = 0;
	if (fd < 0)
		return work_open_failed(strerror(errno), why);
	if (*cap != LISTED_ROOM) { /* none yet, or a large file's: not held past it */
		free(*buf);
		*buf = xmalloc(LISTED_ROOM);
		*cap = LISTED_ROOM;
	}
	do
		r = listed_pread(fd, *buf, *cap - 1);
	while (r < 0 && errno == EINTR);
	if (r > 0 && (size_t)r < *cap - 1 && (size_t)r <= max) {
		listed_close(fd);
		(*buf)[r] = '\0';
		*len = (size_t)r;
		return SOURCE_READ_OK;
	}
	if ((fd = regular_fd_stat(fd, &st, &reason)) < 0)
		return work_open_failed(reason, why);
	rc = work_read_stat(fd, &st, max, &bytes, len, why); /* from the start: pread moved no offset */
	if (rc == SOURCE_READ_OK) {
		free(*buf);
		*buf = bytes;
		*cap = *len + 1;
	}
	return rc;
}

/* File systems whose reads of a regular file go through the page cache and
 * come back short only at the file's end, so that work_read_listed's one short
 * read is the whole file. Elsewhere (FUSE, a network file system, procfs) a
 * read may stop short before it: a file there is read as work_read_at reads,
 * to the size its fstat says. */
static bool work_listed_here(struct source *s, int dirfd)
{
#if defined(__linux__)
	static const unsigned long whole_reads[] = {
		EXT4_SUPER_MAGIC, XFS_SUPER_MAGIC, BTRFS_SUPER_MAGIC, F2FS_SUPER_MAGIC,
		TMPFS_MAGIC, RAMFS_MAGIC, OVERLAYFS_SUPER_MAGIC, /* its reads are its layers' */
	};
	struct statfs fs;

	(void)s;
	if (fstatfs(dirfd, &fs) != 0)
		return false;
	for (size_t i = 0; i < sizeof(whole_reads) / sizeof(whole_reads[0]); i++)
		if ((unsigned long)fs.f_type == whole_reads[i])
			return true;
#else
	(void)s;
	(void)dirfd;
#endif
	return false;
}

static int work_read(struct source *s, const char *path, size_t max, char **bytes, size_t *len, char why[256])
{
	(void)s;
	return work_read_at(AT_FDCWD, path, max, bytes, len, why);
}

static int work_read_in(struct source *s, int dirfd, const char *name, size_t max, char **bytes, size_t *len,
			char why[256])
{
	(void)s;
	return work_read_at(dirfd, name, max, bytes, len, why);
}

/* The current directory while a scan holds it (source_hold_cwd): one getcwd()
 * per scan instead of one per file. Set and cleared only outside the workers. */
static char *held_cwd;
static size_t held_cwd_len; /* measured once, not for every file shown */

void source_hold_cwd(struct source *s, bool hold)
{
	char cwd[PATH_MAX];

	if (s != source_worktree())
		return;
	free(held_cwd);
	held_cwd = hold && getcwd(cwd, sizeof(cwd)) ? xstrdup(cwd) : NULL;
	held_cwd_len = held_cwd ? strlen(held_cwd) : 0;
}

/* PATH as shown while the current directory is held: its tail below it, or
 * itself. */
static const char *held_display(const char *path)
{
	size_t n = held_cwd_len;

	return !strncmp(path, held_cwd, n) && path[n] == '/' ? path + n + 1 : path;
}

static char *work_display(struct source *s, const char *path)
{
	(void)s;
	return held_cwd ? xstrdup(held_display(path)) : scan_display_path(path);
}

const char *source_display_lent(struct source *s, const char *path)
{
	return s == source_worktree() && held_cwd ? held_display(path) : NULL;
}

/* Is NAME one of save.c's temporaries (save_is_temporary) left by a save that was
 * killed, old enough that no running save can still be about to rename it? Then
 * it goes, and the user hears so: nothing else is ever removed. */
static void work_tidy(struct source *s, const char *dir, const char *name, struct strlist *removed)
{
	char *full;
	struct stat st;

	(void)s;
	if (!save_is_temporary(name))
		return;
	full = xasprintf("%s/%s", dir, name);
	if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) && time(NULL) - st.st_mtime > SAVE_TEMPORARY_STALE &&
	    unlink(full) == 0)
		sl_push_owned(removed, scan_display_path(full));
	free(full);
}

static void work_free(struct source *s)
{
	(void)s; /* the one work tree is static */
}

static const struct source_ops work_ops = {
	work_list, work_type, work_realpath, work_read, work_display, work_tidy, work_free,
	true, /* open(2) and read(2) from many threads */
	work_read_in,
	work_read_listed,
	work_listed_here,
};

struct source *source_worktree(void)
{
	static struct source work = { &work_ops };

	return &work;
}

/* ---- the walk in Alembic's load order -------------------------------------------- */

struct walk {
	struct source *src;
	struct source_files *out;
	struct strmap seen;        /* real paths, to skip a file reached twice (keys
				    * borrowed from the list made: it outlives the walk) */
	size_t hashed;            /* the files of the list in SEEN (see seen_catch_up) */
	bool hash_all;            /* every file goes into SEEN as it is listed */
	bool recursive;
	const struct strlist *locations; /* a subdirectory that is one is read anyway */
	size_t unread_dirs;       /* subdirectories with candidates, not read */
	char *first_unread;       /* the first of them */
	size_t too_deep;          /* directories below SCAN_MAX_DEPTH, not read */
	char *first_too_deep;
	struct strlist removed;   /* stale temporaries removed (display paths) */
	bool lean;                /* real_path NULL where it equals path */
	struct source_watch *watch; /* told of each directory before it is read, or NULL */
};

/* List DIR: its files (non-directories, sorted) and the subdirectories os.walk
 * descends into (sorted). Links to directories are in neither. */
static int list_dir(struct source *src, struct source_watch *watch, const char *dir, struct source_entry **files,
		    size_t *n_files, struct strlist *dirs, struct mt_error *err)
{
	struct source_entry *v;
	size_t n, k = 0;

	*files = NULL;
	*n_files = 0;
	if (watch)
		watch->before_list(watch->ctx, dir);
	if (source_list(src, dir, &v, &n, err))
		return -1;
	if (watch)
		watch->listed(watch->ctx, v, n);
	for (size_t i = 0; i < n; i++) {
		if (watch && (v[i].dir_link || v[i].maybe_link))
			watch->unsure = true; /* a link's target can change under an unchanged directory */
		if (v[i].is_dir)
			sl_push(dirs, v[i].name);
		if (!v[i].is_dir && !v[i].dir_link)
			v[k++] = v[i]; /* the others' names stay in V's allocation, unused */
	}
	*files = v;
	*n_files = k;
	sort_by_string(*files, *n_files, sizeof(**files), offsetof(struct source_entry, name));
	sort_by_string(dirs->v, dirs->n, sizeof(char *), 0);
	return 0;
}

/* Does DIR or a directory below it hold a migration candidate? DEPTH bounds the
 * look on deep trees; links to directories are not followed, as in the walk. */
static bool holds_candidates(struct source *src, const char *dir, int depth)
{
	struct source_entry *v;
	size_t n;
	bool found = false;

	if (source_list(src, dir, &v, &n, NULL))
		return false;
	for (size_t i = 0; i < n && !found; i++) {
		if (!strcmp(v[i].name, "__pycache__"))
			continue;
		if (v[i].is_dir) {
			char *sub = xasprintf("%s/%s", dir, v[i].name);

			found = depth > 0 && holds_candidates(src, sub, depth - 1);
			free(sub);
		} else if (!v[i].dir_link) {
			found = scan_is_candidate(v[i].name);
		}
	}
	source_entries_free(v, n);
	return found;
}

static bool is_location(const struct walk *w, const char *dir)
{
	char *a = source_realpath(w->src, dir), *b;
	bool same = false;

	for (size_t i = 0; a && !same && i < w->locations->n; i++) {
		b = source_realpath(w->src, w->locations->v[i]);
		same = b && !strcmp(a, b);
		free(b);
	}
	free(a);
	return same;
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
		if (!is_location(w, sub) && holds_candidates(w->src, sub, 8) && w->unread_dirs++ == 0)
			w->first_unread = source_display(w->src, sub);
		free(sub);
	}
}

/* Two listed files can be one only through a link (a link to a file, or a
 * version location that is inside another): the walk follows no link to a
 * directory, so one location's other files are its real directories' names,
 * each listed once. Until the walk meets a link to a file or a second
 * location, files are not hashed into SEEN (100,000 paths, a 2 MB table);
 * then those listed so far are, and every file after them. */
static void seen_catch_up(struct walk *w)
{
	for (; w->hashed < w->out->n; w->hashed++) {
		const struct source_file *f = &w->out->v[w->hashed];

		strmap_put(&w->seen, f->real_path ? f->real_path : f->path, 0); /* borrowed: the list keeps it */
	}
	w->hash_all = true;
}

/* How many names ahead add_files asks for: sorted, they lie anywhere in the
 * listing's buffer (a cache miss each at 100,000 files). */
#define NAMES_AHEAD 8

/* The candidates of DIR, in name order, added to the list. A lean walk leaves
 * real_path NULL where it would equal path (no link in the way). */
static void add_files(struct walk *w, const char *dir, struct source_entry *files, size_t n_files)
{
	struct strarena *a = &w->out->strings;
	char *dir_real = source_realpath(w->src, dir);
	bool dir_is_real = !dir_real || !strcmp(dir_real, dir);
	size_t dir_len = strlen(dir); /* arena_join's "DIR/NAME": the name past it */

	for (size_t i = 0; i < n_files; i++) {
		char *full, *real, *resolved;

		if (i + NAMES_AHEAD < n_files)
			__builtin_prefetch(files[i + NAMES_AHEAD].name);
		if (!scan_is_candidate(files[i].name)) {
			if (w->watch && save_is_temporary(files[i].name))
				w->watch->unsure = true; /* removed once stale: a matter of time */
			if (w->src->ops->tidy)
				w->src->ops->tidy(w->src, dir, files[i].name, &w->removed);
			continue;
		}
		full = arena_join(a, dir, files[i].name);
		if (w->lean && !files[i].maybe_link && dir_is_real)
			real = NULL;
		else if (!files[i].maybe_link)
			real = arena_join(a, dir_real ? dir_real : dir, files[i].name);
		else if ((resolved = source_realpath(w->src, full))) {
			real = arena_dup(a, resolved);
			free(resolved);
		} else {
			real = full; /* broken: reading it says so */
		}
		/* Alembic: "File X loaded twice! ignoring." (overlapping version
		 * locations; the strings stay in the arena until the list is freed) */
		if (files[i].maybe_link && !w->hash_all)
			seen_catch_up(w);
		if (w->hash_all && !strmap_put(&w->seen, real ? real : full, 0)) /* borrowed: the list keeps it */
			continue;
		GROW(w->out->v, w->out->cap, w->out->n + 1);
		w->out->v[w->out->n++] = (struct source_file){ full, real, !files[i].maybe_link, (uint32_t)dir_len + 1 };
		if (w->hash_all)
			w->hashed = w->out->n;
	}
	free(dir_real);
}

/* A directory waiting in the walk, DEPTH levels below its version location. */
struct pending_dir {
	char *path;
	int depth;
};

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
		struct source_entry *files;
		size_t n_files;

		if (rc == 0 && cur.depth > SCAN_MAX_DEPTH) {
			if (w->too_deep++ == 0)
				w->first_too_deep = source_display(w->src, cur.path);
		} else if (rc == 0 && (rc = list_dir(w->src, w->watch, cur.path, &files, &n_files, &dirs, err)) == 0) {
			if (!str_ends_with(cur.path, "__pycache__"))
				add_files(w, cur.path, files, n_files);
			if (!w->recursive)
				count_unread(w, cur.path, &dirs);
			if (!w->recursive && dirs.n && w->watch)
				w->watch->unsure = true; /* what comes into them is a note to make */
			for (size_t i = dirs.n; w->recursive && i-- > 0;) {
				GROW(stack, cap, n + 1);
				stack[n++] = (struct pending_dir){ xasprintf("%s/%s", cur.path, dirs.v[i]), cur.depth + 1 };
			}
			source_entries_free(files, n_files);
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

static void walk_notes(struct walk *w, const struct mt_config *cfg)
{
	struct strlist *notes = &w->out->notes;

	if (w->unread_dirs)
		sl_push_owned(notes, unread_note(cfg, w->unread_dirs, w->first_unread));
	if (w->too_deep)
		sl_push_owned(notes, xasprintf("%s%s is nested more than %d directories below its version "
					       "location; not read%s", w->too_deep > 1 ? "" : "directory ",
					       w->first_too_deep, SCAN_MAX_DEPTH,
					       w->too_deep > 1 ? " (nor the others as deep)" : ""));
	if (w->removed.n) {
		char *list = sl_join(&w->removed, ", ");

		sl_push_owned(notes, xasprintf("removed %zu stale temporary file%s (left by a save that "
					       "was stopped): %s", (size_t)w->removed.n,
					       w->removed.n == 1 ? "" : "s", list));
		free(list);
	}
}

static int list_versions(struct source *s, const struct mt_config *cfg, struct source_files *out, bool lean,
			 struct source_watch *watch, struct mt_error *err)
{
	struct walk w = { s, out, { 0 }, 0, false, cfg->recursive, &cfg->version_locations, 0, NULL, 0, NULL,
			  { 0 }, lean, watch };
	size_t existing = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < cfg->version_locations.n && rc == 0; i++) {
		const char *loc = cfg->version_locations.v[i];

		if (source_type(s, loc) != SOURCE_DIR) {
			if (watch)
				watch->unsure = true; /* it may come to exist */
			continue; /* Alembic skips version locations that do not exist */
		}
		if (existing++ > 0 && !w.hash_all)
			seen_catch_up(&w); /* a second location: it may hold the first's files */
		rc = walk_location(&w, loc, err);
	}
	strmap_free(&w.seen);
	walk_notes(&w, cfg);
	if (watch && out->notes.n)
		watch->unsure = true; /* subdirectories not read, too deep: not stamped */
	free(w.first_unread);
	free(w.first_too_deep);
	sl_free(&w.removed);
	if (rc == 0 && existing == 0 && cfg->version_locations.n > 0) {
		char *shown = source_display(s, cfg->version_locations.v[0]);

		rc = mt_fail(err, s == source_worktree() ? cfg->version_locations.v[0] : shown, 0,
			     "version directory does not exist");
		free(shown);
	}
	return rc;
}

int source_list_versions(struct source *s, const struct mt_config *cfg, struct source_files *out,
			 struct mt_error *err)
{
	return list_versions(s, cfg, out, false, NULL, err);
}

int source_list_versions_lean(struct source *s, const struct mt_config *cfg, struct source_files *out,
			      struct mt_error *err)
{
	return list_versions(s, cfg, out, true, NULL, err);
}

int source_list_versions_watched(struct source *s, const struct mt_config *cfg, struct source_files *out,
				 struct source_watch *watch, struct mt_error *err)
{
	return list_versions(s, cfg, out, true, watch, err);
}

void source_files_free(struct source_files *f)
{
	arena_free(&f->strings);
	free(f->v);
	sl_free(&f->notes);
	memset(f, 0, sizeof(*f));
}
