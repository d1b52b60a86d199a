/* save.h - write an edit session's changes to disk without ever losing a byte.
 *
 * Every changed file is first re-read: if it changed on disk since it was loaded
 * (or a new file's name appeared), nothing is written. Then each file is written
 * to a temporary file in its own directory, fsynced, given the original's mode,
 * and only when all of them succeeded are they renamed over the originals and the
 * directories fsynced. A failure before the renames leaves every original as it
 * was and removes the temporary files. The I/O calls go through struct save_io so
 * tests can make any of them fail.
 *
 * A failure between two renames leaves some files saved: the error then says
 * that first and whole ("saved 1 of 2 files: a.py; not saved: b.py: why"), since
 * the user must know which files changed. A save killed before its renames leaves
 * its temporary files: scan.c removes them on the next load once they are stale. */
#ifndef MIGTREE_SAVE_H
#define MIGTREE_SAVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "migtree/edit.h"

struct save_io {
	int (*open)(const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*rename)(const char *from, const char *to);
};

extern const struct save_io save_io_system;

/* Temporaries are ".NAME.migtree-" and SAVE_SUFFIX_LEN hex digits, NAME cut to
 * SAVE_BASE_MAX bytes so the whole fits in NAME_MAX (255). */
#define SAVE_SUFFIX_LEN 12
#define SAVE_BASE_MAX 200
/* Seconds after which a temporary no running save can still need is stale. */
#define SAVE_TEMPORARY_STALE 600

/* Is NAME (a file name, no directory) of the form of save.c's temporaries? */
bool save_is_temporary(const char *name);

/* Write every pending change; WRITTEN (may be NULL) gets the paths written. */
int save_session(struct edit_session *s, const struct save_io *io, struct strlist *written,
		 struct mt_error *err);

#endif
