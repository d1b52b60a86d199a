/* save.h - write an edit session's changes to disk without ever losing a byte.
 *
 * Every changed file is first re-read: if it changed on disk since it was loaded
 * (or a new file's name appeared), nothing is written. Then each file is written
 * to a temporary file in its own directory, fsynced, given the original's mode,
 * and only when all of them succeeded are they renamed over the originals and the
 * directories fsynced. A failure before the renames leaves every original as it
 * was and removes the temporary files. The I/O calls go through struct save_io so
 * tests can make any of them fail. */
#ifndef MIGTREE_SAVE_H
#define MIGTREE_SAVE_H

#include <sys/types.h>

#include "migtree/edit.h"

struct save_io {
	int (*open)(const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*rename)(const char *from, const char *to);
};

extern const struct save_io save_io_system;

/* Write every pending change; WRITTEN (may be NULL) gets the paths written. */
int save_session(struct edit_session *s, const struct save_io *io, struct strlist *written,
		 struct mt_error *err);

#endif
