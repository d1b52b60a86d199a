/* save.c - all-or-nothing, crash-safe writes of changed and new files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "migtree/save.h"

static int sys_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

const struct save_io save_io_system = { sys_open, write, fsync, rename };

bool save_is_temporary(const char *name)
{
	static const char mark[] = ".migtree-";
	size_t n = strlen(name), m = sizeof(mark) - 1;

	if (name[0] != '.' || n < 1 + 1 + m + SAVE_SUFFIX_LEN)
		return false;
	if (strncmp(name + n - SAVE_SUFFIX_LEN - m, mark, m))
		return false;
	for (size_t i = n - SAVE_SUFFIX_LEN; i < n; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return false;
	return true;
}

/* SAVE_SUFFIX_LEN hex digits from /dev/urandom (time and pid without it). Not
 * newfile_new_id: tests fix that one, and two temporaries must never share a name. */
static void random_suffix(char out[SAVE_SUFFIX_LEN + 1])
{
	unsigned char b[SAVE_SUFFIX_LEN / 2];
	static unsigned counter;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		unsigned long long x = (unsigned long long)time(NULL) * 1000003u ^ (unsigned long long)getpid() << 20 ^
				       ++counter;

		for (size_t i = 0; i < sizeof(b); i++, x >>= 8)
			b[i] = (unsigned char)x;
	}
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* ".NAME.migtree-XXXXXXXXXXXX" beside TARGET: a dot name without .py is never taken
 * for a migration if a crash leaves it, and scan.c knows it by that form. NAME is
 * cut so that the whole stays within NAME_MAX (a long file name must still save). */
static char *temp_name(const char *target)
{
	char *dir = path_dir(target), *t, suffix[SAVE_SUFFIX_LEN + 1];
	const char *base = path_base(target);
	int keep = (int)strlen(base) > SAVE_BASE_MAX ? SAVE_BASE_MAX : (int)strlen(base);

	random_suffix(suffix);
	t = xasprintf("%s/.%.*s.migtree-%s", dir, keep, base, suffix);
	free(dir);
	return t;
}

struct pending {
	size_t idx;      /* in the session */
	char *target;    /* absolute path to replace or create */
	char *temp;      /* the temporary file, NULL until made */
};

/* Is the file at PATH still exactly DISK (or still absent when DISK is NULL)? */
static int unchanged_on_disk(const char *path, const char *disk, size_t len, struct mt_error *err)
{
	size_t now_len;
	const char *why;
	char *now = read_regular(path, &now_len, &why);
	bool same;

	if (!now) {
		if (!disk && errno == ENOENT)
			return 0;
		return mt_fail(err, path, 0, disk ? "cannot re-read it before saving: %s; nothing was written"
						  : "cannot check that the name is free: %s; nothing was written",
			       why);
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
	struct stat st;
	mode_t mode = stat(p->target, &st) == 0 ? (st.st_mode & 07777) : new_file_mode();
	int fd, rc = 0;

	p->temp = temp_name(p->target);
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

/* The names of files FROM..TO, a few of them and a count of the rest: the message
 * must fit in struct mt_error with its reason. */
static void add_names(struct strbuf *sb, const struct edit_session *s, const size_t *idx, size_t from, size_t to)
{
	for (size_t k = from; k < to && k < from + 4; k++)
		sb_addf(sb, "%s%s", k > from ? ", " : "", edit_file_path(s, idx[k]));
	if (to - from > 4)
		sb_addf(sb, " and %zu more", to - from - 4);
}

/* The error of a save that stopped after RENAMED of N files: what was saved comes
 * first, so a message cut to the screen's width still says it. */
static int partial_save(const struct edit_session *s, const struct pending *pend, const size_t *idx, size_t n,
			size_t renamed, const char *why, struct mt_error *err)
{
	struct strbuf sb;
	int rc;

	sb_init(&sb);
	sb_addf(&sb, "saved %zu of %zu files: ", renamed, n);
	add_names(&sb, s, idx, 0, renamed);
	sb_addf(&sb, "; not saved: %s: cannot replace it: %s", edit_file_path(s, pend[renamed].idx), why);
	if (renamed + 1 < n) {
		sb_adds(&sb, "; nor ");
		add_names(&sb, s, idx, renamed + 1, n);
	}
	rc = mt_fail(err, NULL, 0, "%s", sb.buf);
	sb_free(&sb);
	return rc;
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

		pend[k] = (struct pending){ idx[k], xstrdup(edit_file_abs_path(s, idx[k])), NULL };
		rc = unchanged_on_disk(edit_file_abs_path(s, idx[k]), fs->is_new ? NULL : fs->disk, fs->disk_len, err);
	}
	for (size_t k = 0; k < n && rc == 0; k++) {
		const struct revision_file *rf = s->p->files.v[pend[k].idx];

		rc = write_temp(io, &pend[k], rf->text, rf->len, err);
	}
	while (rc == 0 && renamed < n) {
		if (io->rename(pend[renamed].temp, pend[renamed].target) == 0)
			renamed++;
		else if (renamed == 0)
			rc = mt_fail(err, pend[0].target, 0, "cannot replace it: %s; nothing was written",
				     strerror(errno));
		else
			rc = partial_save(s, pend, idx, n, renamed, strerror(errno), err);
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
				sl_push(written, edit_file_path(s, pend[k].idx));
		}
		free(pend[k].target);
		free(pend[k].temp);
	}
	free(pend);
	free(idx);
	return rc;
}
