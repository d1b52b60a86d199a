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
 * Linux only, and optional at configure time (--disable-watch); headless runs
 * never watch, so screen tests do not depend on timing. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migtree/ui.h"

#ifdef MIGTREE_WATCH
#include <sys/inotify.h>

#define WATCH_QUIET_MS 150
#define WATCH_MAX_WAIT_MS 2000

/* Every directory a version file is in, and each version location. */
static void watched_dirs(const struct project *p, struct strlist *dirs)
{
	for (size_t i = 0; i < p->config.version_locations.n; i++)
		sl_push(dirs, p->config.version_locations.v[i]);
	for (size_t i = 0; i < p->files.n; i++) {
		const struct revision_file *rf = p->files.v[i];

		sl_push_owned(dirs, path_dir(rf->real_path ? rf->real_path : rf->path));
	}
}

void ui_watch_start(struct ui *ui)
{
	struct strlist dirs = { 0 };
	struct strmap seen;

	ui_watch_stop(ui);
	if (ui->headless || ui->review || getenv("MIGTREE_NO_WATCH"))
		return;
	ui->watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ui->watch_fd < 0)
		return;
	watched_dirs(&ui->project, &dirs);
	strmap_init(&seen);
	for (size_t i = 0; i < dirs.n; i++)
		if (strmap_put(&seen, dirs.v[i], 0))
			(void)inotify_add_watch(ui->watch_fd, dirs.v[i],
						IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
						IN_DELETE | IN_ATTRIB | IN_ONLYDIR);
	strmap_free(&seen);
	sl_free(&dirs);
}

void ui_watch_stop(struct ui *ui)
{
	if (ui->watch_fd >= 0)
		close(ui->watch_fd);
	ui->watch_fd = -1;
}

/* Read what is queued; true when a candidate file was touched. */
static bool drain(int fd)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool relevant = false;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->len && scan_is_candidate(ev->name))
				relevant = true;
			if (ev->mask & IN_Q_OVERFLOW)
				relevant = true;
			p += sizeof(*ev) + ev->len;
		}
	return relevant;
}

/* The watch fired: true when files changed (the burst is over). */
static bool settle(int fd)
{
	bool relevant = drain(fd);
	struct pollfd pf = { fd, POLLIN, 0 };

	for (int waited = 0; waited < WATCH_MAX_WAIT_MS; waited += WATCH_QUIET_MS) {
		if (poll(&pf, 1, WATCH_QUIET_MS) <= 0)
			break;
		relevant |= drain(fd);
	}
	return relevant;
}

void ui_watch_drain(struct ui *ui)
{
	if (ui->watch_fd >= 0)
		(void)drain(ui->watch_fd);
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
	return settle(ui->watch_fd);
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
