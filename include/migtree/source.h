/* source.h - where a project's files are read from: the work tree, or a git tree.
 *
 * The read side of what save.h's save_io is for writes. `review` reads a
 * project as it is at a git ref, without a checkout; everything else reads the
 * work tree. Both go through one interface, so that configuration, the listing
 * of version files and the reading of each file follow the same rules whatever
 * backs them:
 * - paths are absolute work-tree paths in both backends: a file read from git has
 *   the path it would have if that commit were checked out, so results compare
 *   with the work tree's; only `display` differs ("REF:dir/file.py" for git);
 * - listing in Alembic's load order (source_list_versions) is separate from
 *   reading a file (source_read): scan.c lists, then reads and parses;
 * - the work tree opens regular files only, without blocking (open_regular); the
 *   git tree is one `ls-tree` of the commit, and bytes come from one
 *   `git cat-file --batch`; nothing in the repository is written.
 * Symbolic links are followed in both: in git, a link's blob is its target, and
 * a target outside the repository does not exist at that ref. */
#ifndef MIGTREE_SOURCE_H
#define MIGTREE_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "migtree/config.h"
#include "migtree/error.h"
#include "migtree/util.h"

enum source_type {
	SOURCE_NONE,     /* nothing there (or a dangling link) */
	SOURCE_FILE,     /* a regular file (through links) */
	SOURCE_DIR,      /* a directory (through links) */
	SOURCE_OTHER,    /* a FIFO, a device, a socket */
};

/* One name in a directory as os.walk sees it. */
struct source_entry {
	char *name;
	bool is_dir;     /* a directory os.walk descends into (not a link to one) */
	bool dir_link;   /* a link to a directory: listed, never followed */
	bool maybe_link; /* a non-directory that may be a link: its real path needs source_realpath */
};

/* What source_read says when it cannot give the bytes. */
enum source_read_rc {
	SOURCE_READ_OK = 0,
	SOURCE_READ_FAILED = -1,      /* WHY is a reason such as strerror's ("Permission denied") */
	SOURCE_READ_NOT_REGULAR = -2, /* WHY is the whole phrase ("not a regular file (a FIFO)") */
	SOURCE_READ_TOO_LARGE = 1,    /* larger than MAX; *LEN is its size */
};

struct source;

struct source_ops {
	/* DIR's entries, in no particular order, and their names in one allocation
	 * (source_entries: source_entries_free frees it); -1 with ERR when it cannot
	 * be listed */
	int (*list)(struct source *s, const char *dir, struct source_entry **v, size_t *n, struct mt_error *err);
	enum source_type (*type)(struct source *s, const char *path);
	/* PATH with links resolved, or NULL when it does not exist (owned) */
	char *(*realpath)(struct source *s, const char *path);
	int (*read)(struct source *s, const char *path, size_t max, char **bytes, size_t *len, char why[256]);
	char *(*display)(struct source *s, const char *path);
	/* Remove NAME in DIR when it is a stale save temporary (save.h), adding its
	 * display path to REMOVED. NULL for sources that are never written. */
	void (*tidy)(struct source *s, const char *dir, const char *name, struct strlist *removed);
	void (*free)(struct source *s);
	/* read and display may run in several threads at once (the work tree);
	 * git's one `cat-file --batch` pipe is read in order, by one thread */
	bool concurrent_read;
	/* Optional: read NAME in the directory DIRFD (an O_PATH descriptor of a
	 * directory), as read does its path; a source_reader uses it when set. */
	int (*read_in)(struct source *s, int dirfd, const char *name, size_t max, char **bytes, size_t *len,
		       char why[256]);
	/* Optional: read_in for a file the listing saw as a regular file, into *BUF
	 * (*CAP bytes; the caller's, which it may replace or grow), as read_in reads
	 * it but free to trust the listing where that costs nothing (the work tree
	 * asks no fstat of a file it reads whole in one read). *NOATIME is the
	 * reader's, true at first: whether to ask that the file's access time be
	 * left as it is; the source clears it where that is refused. */
	int (*read_listed)(struct source *s, int dirfd, const char *name, size_t max, char **buf, size_t *cap,
			   bool *noatime, size_t *len, char why[256]);
	/* With read_listed: whether it may read in DIRFD's file system (asked
	 * once a directory); else read_in reads there. */
	bool (*listed_here)(struct source *s, int dirfd);
};

struct source {
	const struct source_ops *ops;
};

/* The work tree (the file system as it is). */
struct source *source_worktree(void);
/* The tree of the commit REF names, in the repository DIR is in. */
struct source *source_git(const char *dir, const char *ref, struct mt_error *err);
void source_free(struct source *s);

/* The backend's operations, for callers that do not care which it is. */
int source_list(struct source *s, const char *dir, struct source_entry **v, size_t *n, struct mt_error *err);
/* A listing's entries and names (one allocation: N is not needed, kept for
 * the callers that have it). */
void source_entries_free(struct source_entry *v, size_t n);
/* A listing as a backend makes it: entries added one by one, their names in
 * one buffer, made one allocation by source_entries_done (100,000 names are
 * not 100,000 strings made and freed). */
struct source_entries {
	struct source_entry *v; /* names not set until done */
	size_t *name_at;        /* each entry's name in NAMES */
	size_t n, cap;
	char *names;
	size_t len, names_cap;
};
/* A new entry named by the LEN bytes at NAME (its flags cleared, for the
 * caller to set), valid until the next add. */
struct source_entry *source_entries_add(struct source_entries *b, const char *name, size_t len);
/* The entries and their names in one allocation (NULL when there are none),
 * their count in *N; B is emptied. */
struct source_entry *source_entries_done(struct source_entries *b, size_t *n);
enum source_type source_type(struct source *s, const char *path);
char *source_realpath(struct source *s, const char *path);
int source_read(struct source *s, const char *path, size_t max, char **bytes, size_t *len, char why[256]);
/* One thread's reader of many files, one after another (a scan): the work
 * tree's keeps the directory of the last file open and opens the next file in
 * the same directory by its name (openat), so that each open looks up one name
 * instead of walking every component of its path again. Same results as
 * source_read. Not shared between threads; freed before the source. */
struct source_reader;
struct source_reader *source_reader_new(struct source *s);
int source_reader_read(struct source_reader *r, const char *path, size_t max, char **bytes, size_t *len,
		       char why[256]);
/* F read as source_reader_read reads its path, into R's own buffer: *BYTES
 * (NUL-terminated, LEN bytes) is R's, valid until R reads again or is freed. A
 * file listed as a regular file (F->regular) is read by the work tree without
 * asking its type again when one read gets it whole (the listing said; what
 * replaced it since is still found out: work_read_listed), on the local file
 * systems where a short read is the file's end. */
struct source_file;
int source_reader_read_listed(struct source_reader *r, const struct source_file *f, size_t max, const char **bytes,
			      size_t *len, char why[256]);
void source_reader_free(struct source_reader *r);
/* The path as the user should see it: relative to the current directory for the
 * work tree, "REF:path-from-the-top" for git. */
char *source_display(struct source *s, const char *path);
/* The same when it is PATH itself or its tail (the work tree while the current
 * directory is held: no string made a file of a scan), else NULL. */
const char *source_display_lent(struct source *s, const char *path);
/* While HOLD, the work tree's display paths are made relative to the current
 * directory as it was when the hold began (scan.c holds it for a scan: the
 * directory does not change under it, and one getcwd() a file was a cost). */
void source_hold_cwd(struct source *s, bool hold);

/* One version file to read, in load order. */
struct source_file {
	char *path;      /* absolute, as walked (in the list's strings) */
	char *real_path; /* absolute, links resolved: what Alembic prints (the same) */
	bool regular;    /* listed as a regular file, no link (d_type): source_reader_read_listed */
	/* Where the base name starts in `path`, past its '/' (the listing knows: no
	 * search for it a file read); 0 when not told. In the struct's padding. */
	uint32_t name_at;
};

struct source_files {
	struct source_file *v;
	size_t n, cap;
	struct strarena strings; /* the paths: freed with the list */
	struct strlist notes; /* about the walk: unread subdirectories, too deep, removed temporaries */
};

/* The version files of CFG in Alembic's load order (see scan.h for the rules).
 * -1 only when a directory cannot be listed or no version location exists. */
int source_list_versions(struct source *s, const struct mt_config *cfg, struct source_files *out,
			 struct mt_error *err);
/* The same list, but real_path is NULL where it would equal path (the file's
 * directory is its real one and the file is no link): what a reload wants,
 * which keeps the real paths it has (12 MB at 100,000 files not made again),
 * and a scan, which copies the path as the real path (scan.c). */
int source_list_versions_lean(struct source *s, const struct mt_config *cfg, struct source_files *out,
			      struct mt_error *err);
/* Who wants to know which directories a lean listing read (reload.c keeps a
 * listing while none of them changed): BEFORE_LIST is called with each one just
 * before it is read, LISTED with what it holds, and UNSURE is set when the listing depends on more than
 * those directories' entries (a link, a location that does not exist, a stale
 * temporary to come, subdirectories not walked), so that it cannot be kept. */
struct source_watch {
	void (*before_list)(void *ctx, const char *dir);
	/* the entries of that directory, as it listed them (before any sorting) */
	void (*listed)(void *ctx, const struct source_entry *v, size_t n);
	void *ctx;
	bool unsure;
};
int source_list_versions_watched(struct source *s, const struct mt_config *cfg, struct source_files *out,
				 struct source_watch *watch, struct mt_error *err);
void source_files_free(struct source_files *f);

#endif
