/* watch.c - the explorer reloads by itself when its files change on disk.
 *
 * After a `git checkout` or an edit in another window the history on screen is
 * stale. The directories the version files are in (and the version locations)
 * are watched with inotify; the key loop waits on the terminal and the watch
 * together (ui_read_key), and a change to a candidate file (Alembic's rule,
 * scan.h) becomes a reload, which re-reads only the files whose stat changed
 * (reload.h). A burst of events (a checkout writes many files) is one reload:
 * events are drained until the directories are quiet for WATCH_QUIET_MS. With
 * unsaved changes nothing is reloaded: the user's edits are kept, the status
 * line says "files changed on disk", and save still refuses a file changed
 * since it was read (save.h).
 *
 * What the events name is also kept for the next reload, whatever starts it
 * (R, E, the watch): a reload_hint (reload.h), with which the reload stats
 * only the files named, not all 100,000. The watch stays on across reloads
 * (only directories new to it are added, each vouched for from then on), so
 * that the hint covers all the time since the files were stamped. When the
 * kernel's queue overflowed, or the names were too many, the hint is
 * incomplete: the next reload stats every file and the hint begins again.
 *
 * Linux only, and optional at configure time (--disable-watch). Headless runs
 * watch for the hint only: they never reload by themselves, so screen tests
 * do not depend on timing (a reload with a hint decides as one without). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migtree/reload.h"
#include "migtree/ui.h"

#ifdef MIGTREE_WATCH
#include <linux/magic.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define WATCH_QUIET_MS 150
#define WATCH_MAX_WAIT_MS 2000

/* A name's events that change what the directory holds. */
#define ENTRY_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)
/* The events that start a reload (IN_MODIFY comes many times a write, and its
 * IN_CLOSE_WRITE after: only the hint needs it, for writers that keep the
 * file open). */
#define RELOAD_EVENTS (IN_CLOSE_WRITE | ENTRY_EVENTS | IN_ATTRIB)
/* The directory itself is gone, moved or unmounted: its watch is lost. */
#define LOST_EVENTS (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)

struct ui_watch {
	struct reload_hint hint;
	int *dir_of_wd; /* by watch descriptor: its index in hint.dirs, -1 when none */
	size_t cap;
};

static int dir_of(const struct ui_watch *w, int wd)
{
	return wd >= 0 && (size_t)wd < w->cap ? w->dir_of_wd[wd] : -1;
}

static void set_dir_of(struct ui_watch *w, int wd, int dir)
{
	size_t old = w->cap;

	if (wd < 0)
		return;
	if ((size_t)wd >= w->cap) {
		GROW(w->dir_of_wd, w->cap, (size_t)wd + 1);
		for (size_t i = old; i < w->cap; i++)
			w->dir_of_wd[i] = -1;
	}
	w->dir_of_wd[wd] = dir;
}

/* The index of DIR in H (it is there). */
static int hint_index(const struct reload_hint *h, const char *dir)
{
	uint32_t k;

	return strmap_get(&h->dir_index, dir, &k) ? (int)k : -1;
}

/* Does the kernel see every change to what is on DIR's file system? Not on a
 * network or FUSE file system (another machine's writes make no event): the
 * watch there still starts reloads, but vouches for nothing. */
static bool local_fs(const char *dir)
{
	static const long local[] = { EXT4_SUPER_MAGIC, XFS_SUPER_MAGIC, BTRFS_SUPER_MAGIC, TMPFS_MAGIC,
				      F2FS_SUPER_MAGIC, OVERLAYFS_SUPER_MAGIC, RAMFS_MAGIC,
				      0x2FC12FC1 /* ZFS */, 0xca451a4e /* bcachefs */ };
	struct statfs fs;

	if (statfs(dir, &fs) != 0)
		return false;
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if ((unsigned long)fs.f_type == (unsigned long)local[i])
			return true;
	return false;
}

/* Watch DIR unless it is watched already. Its hint vouches from the moment
 * the watch is set; a directory the kernel already watches under another name
 * (the same inode) is not vouched for: its events come under that name. */
static void watch_dir(struct ui *ui, const char *dir)
{
	struct reload_hint *h = &ui->watch->hint;
	struct stat st;
	int wd;

	if (reload_hint_has_dir(h, dir))
		return;
	wd = inotify_add_watch(ui->watch_fd, dir,
			       RELOAD_EVENTS | IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
	if (wd < 0 || dir_of(ui->watch, wd) >= 0 || stat(dir, &st) != 0 || !local_fs(dir))
		return;
	reload_hint_add_dir(h, dir, (uint64_t)st.st_dev, (uint64_t)st.st_ino, reload_now_ns());
	set_dir_of(ui->watch, wd, hint_index(h, dir));
}

void ui_watch_start(struct ui *ui)
{
	struct strlist dirs = { 0 };

	if (ui->review || getenv("MIGTREE_NO_WATCH"))
		return;
	if (!ui->watch) {
		ui->watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (ui->watch_fd < 0)
			return;
		ui->watch = xcalloc(1, sizeof(*ui->watch));
		reload_hint_init(&ui->watch->hint);
		ui->watch->hint.complete = true;
		if (getenv("MIGTREE_WATCH_MAX_NAMES")) /* tests: a queue that overflows at once */
			ui->watch->hint.max_names = (size_t)strtoul(getenv("MIGTREE_WATCH_MAX_NAMES"), NULL, 10);
	}
	reload_watch_dirs(&ui->project, &dirs);
	for (size_t i = 0; i < dirs.n; i++)
		watch_dir(ui, dirs.v[i]);
	sl_free(&dirs);
}

void ui_watch_stop(struct ui *ui)
{
	if (ui->watch_fd >= 0)
		close(ui->watch_fd);
	ui->watch_fd = -1;
	if (ui->watch) {
		reload_hint_free(&ui->watch->hint);
		free(ui->watch->dir_of_wd);
		free(ui->watch);
		ui->watch = NULL;
	}
}

/* What EV says, into the hint; true when it should start a reload. */
static bool took_event(struct ui_watch *w, const struct inotify_event *ev)
{
	struct reload_hint *h = &w->hint;
	int k = dir_of(w, ev->wd);

	if (ev->mask & IN_Q_OVERFLOW) {
		h->complete = false;
		return true;
	}
	if (k >= 0 && (ev->mask & LOST_EVENTS)) {
		h->dirs[k].since_ns = INT64_MAX; /* vouched for no more; watched again at the next start */
		if (ev->mask & IN_IGNORED)
			set_dir_of(w, ev->wd, -1); /* the kernel may give the number again */
	}
	if (!ev->len)
		return false;
	if (k >= 0) /* else a directory watched for reloads only */
		reload_hint_name(h, h->dirs[k].path, ev->name,
				 RELOAD_HINT_CONTENT | (ev->mask & ENTRY_EVENTS ? RELOAD_HINT_ENTRY : 0u));
	return (ev->mask & RELOAD_EVENTS) && scan_is_candidate(ev->name);
}

/* Read what is queued; true when a candidate file was touched. */
static bool drain(struct ui *ui)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool relevant = false;
	ssize_t n;

	while ((n = read(ui->watch_fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			relevant |= took_event(ui->watch, ev);
			p += sizeof(*ev) + ev->len;
		}
	return relevant;
}

/* The watch fired: true when files changed (the burst is over). */
static bool settle(struct ui *ui)
{
	bool relevant = drain(ui);
	struct pollfd pf = { ui->watch_fd, POLLIN, 0 };

	for (int waited = 0; waited < WATCH_MAX_WAIT_MS; waited += WATCH_QUIET_MS) {
		if (poll(&pf, 1, WATCH_QUIET_MS) <= 0)
			break;
		relevant |= drain(ui);
	}
	return relevant;
}

void ui_watch_drain(struct ui *ui)
{
	if (ui->watch_fd >= 0)
		(void)drain(ui);
}

const struct reload_hint *ui_watch_hint(struct ui *ui)
{
	struct reload_hint *h;
	int64_t now;

	if (ui->watch_fd < 0 || !ui->watch)
		return NULL;
	(void)drain(ui);
	h = &ui->watch->hint;
	if (h->complete)
		return h;
	/* something was missed: this reload stats every file, after this moment,
	 * and from this moment on the watch vouches again */
	now = reload_now_ns();
	for (size_t i = 0; i < h->n_dirs; i++)
		if (h->dirs[i].since_ns != INT64_MAX)
			h->dirs[i].since_ns = now;
	reload_hint_clear_names(h);
	h->complete = true;
	return NULL;
}

void ui_watch_reloaded(struct ui *ui, bool ok)
{
	if (!ui->watch)
		return;
	if (ok)
		reload_hint_clear_names(&ui->watch->hint);
	else /* the files it named were not looked at */
		ui->watch->hint.complete = false;
}

int ui_watch_wait(struct ui *ui)
{
	struct pollfd pf[2] = { { STDIN_FILENO, POLLIN, 0 }, { ui->watch_fd, POLLIN, 0 } };

	if (ui->watch_fd < 0)
		return 0;
	if (poll(pf, 2, -1) < 0)
		return errno == EINTR ? 0 : -1; /* a signal (a resize): getch has it */
	if ((pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) || (pf[1].revents & (POLLERR | POLLNVAL)))
		return -1;
	if (!(pf[1].revents & POLLIN))
		return 0; /* a key */
	return settle(ui);
}
#else
void ui_watch_start(struct ui *ui)
{
	ui->watch_fd = -1;
}

void ui_watch_stop(struct ui *ui)
{
	ui->watch_fd = -1;
}

int ui_watch_wait(struct ui *ui)
{
	(void)ui;
	return 0;
}

void ui_watch_drain(struct ui *ui)
{
	(void)ui;
}

const struct reload_hint *ui_watch_hint(struct ui *ui)
{
	(void)ui;
	return NULL;
}

void ui_watch_reloaded(struct ui *ui, bool ok)
{
	(void)ui;
	(void)ok;
}
#endif

void ui_watch_fired(struct ui *ui)
{
	char said[sizeof(ui->message)];

	if (ui->unsaved) {
		ui_set_message(ui, true, "files changed on disk; your %zu unsaved change%s kept (R reloads and drops "
			       "them; w refuses files changed on disk)", ui->unsaved, ui->unsaved == 1 ? " is" : "s are");
		return;
	}
	ui_reload(ui, false);
	if (ui->message_is_error)
		return;
	snprintf(said, sizeof(said), "%s", ui->message);
	ui_set_message(ui, false, "files changed on disk, %s", said);
}
