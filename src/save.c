/* save.c - all-or-nothing, crash-safe writes of changed and new files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migtree/newfile.h"
#include "migtree/save.h"

static int sys_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

const struct save_io save_io_system = { sys_open, write, fsync, rename };

struct pending {
	size_t idx;      /* in the session */
	char *target;    /* absolute path to replace or create */
	char *temp;      /* the temporary file, NULL until made */
};

/* Is the file at PATH still exactly DISK (or still absent when DISK is NULL)? */
static int unchanged_on_disk(const char *path, const char *disk, size_t len, struct mt_error *err)
{
	size_t now_len;
	char *now = read_file(path, &now_len);
	bool same;

	if (!now) {
		if (!disk && errno == ENOENT)
			return 0;
		return mt_fail(err, path, 0, disk ? "cannot re-read it before saving: %s; nothing was written"
						  : "cannot check that the name is free: %s; nothing was written",
			       strerror(errno));
	}
	same = disk && now_len == len && (!len || memcmp(now, disk, len) == 0);
	free(now);
	if (!disk)
		return mt_fail(err, path, 0, "a file of this name appeared since migtree looked; nothing was written");
	if (!same)
		return mt_fail(err, path, 0, "changed on disk since migtree read it; nothing was written "
					     "(reload to see the new version)");
	return 0;
}

static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/* Write TEXT to a new temporary file beside P->target. */
static int write_temp(const struct save_io *io, struct pending *p, const char *text, size_t len,
		      struct mt_error *err)
{
	char *dir = path_dir(p->target);
	struct stat st;
	mode_t mode = stat(p->target, &st) == 0 ? (st.st_mode & 07777) : new_file_mode();
	char *suffix = newfile_new_id();
	int fd, rc = 0;

	/* a dot name without .py: never taken for a migration if a crash leaves it */
	p->temp = xasprintf("%s/.%s.migtree-%s", dir, path_base(p->target), suffix);
	free(suffix);
	free(dir);
	fd = io->open(p->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = mt_fail(err, p->target, 0, "cannot create a temporary file beside it: %s; nothing was written",
			     strerror(errno));
		free(p->temp);
		p->temp = NULL;
		return rc;
	}
	for (size_t done = 0; done < len && rc == 0;) {
		ssize_t w = io->write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = mt_fail(err, p->target, 0, "writing failed: %s; nothing was written",
				     w < 0 ? strerror(errno) : "no progress");
		else
			done += (size_t)w;
	}
	if (rc == 0 && io->fsync(fd) != 0)
		rc = mt_fail(err, p->target, 0, "fsync failed: %s; nothing was written", strerror(errno));
	if (rc == 0 && fchmod(fd, mode) != 0)
		rc = mt_fail(err, p->target, 0, "cannot set the file mode: %s; nothing was written", strerror(errno));
	/* keep the owner when we may (root editing another user's project); when we
	 * may not, the file becomes ours, as with any editor */
	if (rc == 0 && stat(p->target, &st) == 0 && fchown(fd, st.st_uid, st.st_gid) != 0)
		errno = 0;
	if (close(fd) != 0 && rc == 0)
		rc = mt_fail(err, p->target, 0, "closing failed: %s; nothing was written", strerror(errno));
	return rc;
}

static void sync_dir(const char *target)
{
	char *dir = path_dir(target);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int save_session(struct edit_session *s, const struct save_io *io, struct strlist *written,
		 struct mt_error *err)
{
	size_t n = edit_changed(s, NULL, 0), *idx = xmalloc((n ? n : 1) * sizeof(size_t));
	struct pending *pend = xcalloc(n ? n : 1, sizeof(*pend));
	int rc = 0;
	size_t renamed = 0;

	edit_changed(s, idx, n);
	for (size_t k = 0; k < n && rc == 0; k++) {
		const struct file_state *fs = &s->files[idx[k]];

		pend[k] = (struct pending){ idx[k], xstrdup(fs->abs_path), NULL };
		rc = unchanged_on_disk(fs->abs_path, fs->is_new ? NULL : fs->disk, fs->disk_len, err);
	}
	for (size_t k = 0; k < n && rc == 0; k++) {
		const struct revision_file *rf = s->p->files.v[pend[k].idx];

		rc = write_temp(io, &pend[k], rf->text, rf->len, err);
	}
	while (rc == 0 && renamed < n) {
		if (io->rename(pend[renamed].temp, pend[renamed].target) != 0)
			rc = mt_fail(err, pend[renamed].target, 0,
				     "cannot replace it: %s; %zu of %zu files were saved before this one",
				     strerror(errno), renamed, n);
		else
			renamed++;
	}
	for (size_t k = 0; k < n; k++) {
		if (k >= renamed && pend[k].temp)
			unlink(pend[k].temp);
		if (k < renamed) {
			struct file_state *fs = &s->files[pend[k].idx];
			const struct revision_file *rf = s->p->files.v[pend[k].idx];

			sync_dir(pend[k].target);
			free(fs->disk);
			fs->disk = xstrndup(rf->text, rf->len);
			fs->disk_len = rf->len;
			fs->is_new = false;
			if (written)
				sl_push(written, fs->path);
		}
		free(pend[k].target);
		free(pend[k].temp);
	}
	free(pend);
	free(idx);
	return rc;
}
