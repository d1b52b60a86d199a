/* reload.c - a project read again, re-reading only what changed (reload.h). */
#include <sys/stat.h>
#include <pthread.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "migtree/docstring.h"
#include "migtree/graph_update.h"
#include "migtree/reload.h"
#include "migtree/scan.h"
#include "migtree/source.h"

int64_t reload_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The stamp of ST, read at READ_NS. */
static void stamp_of(const struct stat *st, int64_t read_ns, struct file_stamp *out)
{
	*out = (struct file_stamp){ (int64_t)st->st_size,
				    (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
				    (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec,
				    (uint64_t)st->st_ino, (uint64_t)st->st_dev, read_ns };
}

bool reload_stat(const char *path, int64_t read_ns, struct file_stamp *out)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	stamp_of(&st, read_ns, out);
	return true;
}

/* The directory of the files being stamped, open: each file is looked up by
 * its name from there (fstatat), not by its whole path from the root (half
 * the time of a stat: 100 ms of a reload at 100,000 files). */
struct stat_dir {
	int fd;
	char *dir; /* its path, NULL when none is open */
	size_t len;
};

static bool stat_in_dir(struct stat_dir *sd, const char *path, int64_t read_ns, struct file_stamp *out)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	struct stat st;

	if (!slash || !len)
		return reload_stat(path, read_ns, out);
	if (!sd->dir || sd->len != len || memcmp(sd->dir, path, len)) {
		if (sd->dir)
			close(sd->fd);
		free(sd->dir);
		sd->dir = xstrndup(path, len);
		sd->len = len;
		sd->fd = open(sd->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (sd->fd < 0)
		return reload_stat(path, read_ns, out);
	if (fstatat(sd->fd, slash + 1, &st, 0) != 0)
		return false;
	stamp_of(&st, read_ns, out);
	return true;
}

static void stat_dir_close(struct stat_dir *sd)
{
	if (sd->dir && sd->fd >= 0)
		close(sd->fd);
	free(sd->dir);
}

/* The racy window: RELOAD_RACY_NS, or MIGTREE_RACY_NS for tests whose files
 * were all written a moment before the explorer read them (screen tests show
 * the count of files re-read, which must not depend on how fast they ran). */
static int64_t racy_ns(void)
{
	const char *e = getenv("MIGTREE_RACY_NS");

	return e && *e ? strtoll(e, NULL, 10) : RELOAD_RACY_NS;
}

/* Was the file changed so close to READ_NS (within WINDOW) that its
 * timestamps cannot tell? */
static bool racy(int64_t mtime_ns, int64_t ctime_ns, int64_t read_ns, int64_t window)
{
	return mtime_ns + window > read_ns || ctime_ns + window > read_ns;
}

static bool same_stamp(const struct file_stamp *old, const struct file_stamp *now)
{
	return old->size == now->size && old->mtime_ns == now->mtime_ns && old->ctime_ns == now->ctime_ns &&
	       old->ino == now->ino && old->dev == now->dev;
}

bool reload_changed(const struct file_stamp *old, int64_t load_ns, const struct file_stamp *now)
{
	int64_t window = racy_ns();

	if (!old) /* read by a plain load: unchanged only if last changed well before it */
		return load_ns <= 0 || racy(now->mtime_ns, now->ctime_ns, load_ns, window);
	return !same_stamp(old, now) || racy(old->mtime_ns, old->ctime_ns, old->read_ns, window);
}

bool reload_dir_changed(const struct file_stamp *old, const struct file_stamp *now)
{
	const char *e = getenv("MIGTREE_DIR_RACY_NS");
	int64_t window = e && *e ? strtoll(e, NULL, 10) : RELOAD_DIR_RACY_NS;

	return old->size < 0 || !same_stamp(old, now) || racy(old->mtime_ns, old->ctime_ns, old->read_ns, window);
}

static void listing_free(struct dir_listing *l)
{
	if (!l)
		return;
	source_files_free(&l->files);
	sl_free(&l->locations);
	for (size_t i = 0; i < l->dirs.n; i++)
		free(l->entries[i]);
	free(l->entries);
	free(l->entries_len);
	sl_free(&l->dirs);
	free(l->dir_st);
	free(l);
}

/* The walk's before_list: DIR's stamp, taken before it is read. */
static void stamp_dir(void *ctx, const char *dir)
{
	struct dir_listing *l = ctx;

	GROW(l->dir_st, l->cap, l->dirs.n + 1);
	l->entries = xrealloc(l->entries, l->cap * sizeof(*l->entries));
	l->entries_len = xrealloc(l->entries_len, l->cap * sizeof(*l->entries_len));
	if (!reload_stat(dir, reload_now_ns(), &l->dir_st[l->dirs.n]))
		l->dir_st[l->dirs.n] = (struct file_stamp){ .size = -1 };
	l->entries[l->dirs.n] = NULL;
	l->entries_len[l->dirs.n] = 0;
	sl_push(&l->dirs, dir);
}

/* The walk's listed: the entries of the directory just stamped. */
static void keep_entries(void *ctx, const struct source_entry *v, size_t n)
{
	struct dir_listing *l = ctx;
	size_t len = 0, at = 0;
	char *buf;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i].name) + 2;
	buf = xmalloc(len + 1);
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(v[i].name) + 1;

		buf[at++] = v[i].is_dir ? 'd' : v[i].dir_link || v[i].maybe_link ? 'x' : 'f';
		memcpy(buf + at, v[i].name, k);
		at += k;
	}
	l->entries[l->dirs.n - 1] = buf;
	l->entries_len[l->dirs.n - 1] = len;
}

/* Does DIR hold ENTRIES (keep_entries), in that order? Only entries whose
 * type readdir says (a file or a directory) can be the same: any other takes
 * a stat, and the listing is made again. */
static bool same_entries(const char *dir, const char *entries, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t at = 0;
	bool same = d != NULL;

	while (same && (de = readdir(d))) {
		size_t k = strlen(de->d_name) + 1;
		char type = de->d_type == DT_REG ? 'f' : de->d_type == DT_DIR ? 'd' : 0;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		same = type && at + 1 + k <= len && entries[at] == type && !memcmp(entries + at + 1, de->d_name, k);
		at += 1 + k;
	}
	if (d)
		closedir(d);
	return same && at == len;
}

/* Would listing DIR (the I-th of L) now give what it gave? Yes when its stamp
 * is unchanged and was not racy; or, the same directory changed, when it holds
 * the same entries (its stamp then the one taken before reading them). */
static bool dir_holds(struct dir_listing *l, size_t i)
{
	struct file_stamp now;

	if (!reload_stat(l->dirs.v[i], reload_now_ns(), &now))
		return false;
	if (!reload_dir_changed(&l->dir_st[i], &now))
		return true;
	if (l->dir_st[i].size < 0 || now.ino != l->dir_st[i].ino || now.dev != l->dir_st[i].dev ||
	    !l->entries[i] || !same_entries(l->dirs.v[i], l->entries[i], l->entries_len[i]))
		return false;
	l->dir_st[i] = now;
	return true;
}

/* Would listing CFG's versions again give L's files? Yes while every
 * directory L read would (dir_holds). */
static bool listing_holds(struct dir_listing *l, const struct mt_config *cfg)
{
	if (!l || !l->keepable || l->recursive != cfg->recursive || !sl_equal(&l->locations, &cfg->version_locations))
		return false;
	for (size_t i = 0; i < l->dirs.n; i++)
		if (!dir_holds(l, i))
			return false;
	return true;
}

/* CFG's version files: PREV's listing (moved out of it) while it holds, else
 * listed afresh with the stamps of the directories read. NULL on error. */
static struct dir_listing *listing_get(struct source *src, const struct mt_config *cfg, struct file_stamps *prev,
				       struct reload_stats *stats, struct mt_error *err)
{
	struct dir_listing *l;
	struct source_watch watch;

	if (prev && listing_holds(prev->listing, cfg)) {
		l = prev->listing;
		prev->listing = NULL;
		stats->listing_kept = true;
		return l;
	}
	if (prev) { /* of no more use: not held beside the new one (12 MB at 100,000 files) */
		listing_free(prev->listing);
		prev->listing = NULL;
	}
	l = xcalloc(1, sizeof(*l));
	watch = (struct source_watch){ stamp_dir, keep_entries, l, false };
	if (source_list_versions_watched(src, cfg, &l->files, &watch, err)) {
		listing_free(l);
		return NULL;
	}
	l->keepable = !watch.unsure;
	l->recursive = cfg->recursive;
	for (size_t i = 0; i < cfg->version_locations.n; i++)
		sl_push(&l->locations, cfg->version_locations.v[i]);
	return l;
}

static struct file_stamps *stamps_new(void)
{
	struct file_stamps *fs = xcalloc(1, sizeof(*fs));

	strmap_init(&fs->index);
	return fs;
}

/* L kept in *FS (made when there is none) for the next reload. */
static void listing_keep(struct file_stamps **fs, struct dir_listing *l)
{
	if (!*fs)
		*fs = stamps_new();
	listing_free((*fs)->listing);
	(*fs)->listing = l;
}

void file_stamps_free(struct file_stamps *fs)
{
	if (!fs)
		return;
	strmap_free(&fs->index);
	sl_free(&fs->keys);
	free(fs->v);
	listing_free(fs->listing);
	free(fs);
}

static void stamp_put(struct file_stamps *fs, const char *key, const struct file_stamp *st)
{
	GROW(fs->v, fs->cap, fs->n + 1);
	fs->v[fs->n] = *st;
	sl_push(&fs->keys, key);
	strmap_put(&fs->index, fs->keys.v[fs->keys.n - 1], (uint32_t)fs->n++);
}

static const struct file_stamp *stamp_get(const struct file_stamps *fs, const char *key)
{
	uint32_t at;

	return fs && strmap_get(&fs->index, key, &at) ? &fs->v[at] : NULL;
}

/* The stamp of the file at K with display path KEY: a reload stamps the files
 * in their order, so the K-th stamp is usually its own (no hash of the path). */
static const struct file_stamp *stamp_of_file(const struct file_stamps *fs, size_t k, const char *key)
{
	if (fs && k < fs->n && !strcmp(fs->keys.v[k], key))
		return &fs->v[k];
	return stamp_get(fs, key);
}

/* Read and parse one file as scan.c does. */
static struct revision_file *read_version(struct source *src, const char *path, const char *shown, bool keep_text)
{
	char *bytes, why[256], msg[300];
	size_t len;
	struct revision_file *rf;
	int rc = source_read(src, path, MT_MAX_FILE_SIZE, &bytes, &len, why);

	if (rc == SOURCE_READ_OK) {
		rf = parse_revision_file(shown, bytes, len);
		docstring_complete(rf);
		free(bytes);
		if (!keep_text) { /* as the scan keeps none: an edit reads the file again */
			free(rf->text);
			rf->text = NULL;
		}
		return rf;
	}
	if (rc == SOURCE_READ_TOO_LARGE)
		return revision_file_failed(shown, 0, "file larger than 16 MiB; not read as a migration");
	snprintf(msg, sizeof(msg), rc == SOURCE_READ_NOT_REGULAR ? "%s" : "cannot read: %s", why);
	return revision_file_failed(shown, 0, msg);
}

/* OLD's files that may be taken, by display path: made on the first listed
 * file that is not OLD's at the same place (usually none is). */
struct old_files {
	const struct project *old;
	const bool *pristine;
	struct strmap m;
	bool made;
};

static bool takable(const struct old_files *of, size_t i)
{
	return of->old->files.v[i] && (!of->pristine || of->pristine[i]);
}

static bool find_old(struct old_files *of, size_t at, const char *path, uint32_t *k)
{
	if (at < of->old->files.n && takable(of, at) && !strcmp(of->old->files.v[at]->path, path)) {
		*k = (uint32_t)at;
		return true;
	}
	if (!of->made) {
		of->made = true;
		for (size_t i = 0; i < of->old->files.n; i++)
			if (takable(of, i))
				strmap_put(&of->m, of->old->files.v[i]->path, (uint32_t)i);
	}
	return strmap_get(&of->m, path, k);
}

static void index_old(const struct project *old, const bool *pristine, struct old_files *of)
{
	*of = (struct old_files){ old, pristine, { 0 }, false };
	strmap_init(&of->m);
}

/* The stamps of the listed files [FROM, TO), a stat each (fstatat from the
 * directory), into ST: one share of the work for a thread. */
struct stamp_job {
	const struct source_files *listed;
	struct file_stamp *st;
	int64_t now;
	size_t from, to;
};

static void *stamp_share(void *arg)
{
	struct stamp_job *j = arg;
	struct stat_dir sd = { -1, NULL, 0 };

	for (size_t i = j->from; i < j->to; i++)
		if (!stat_in_dir(&sd, j->listed->v[i].path, j->now, &j->st[i]))
			j->st[i] = (struct file_stamp){ .size = -1 }; /* never matches: read again next time */
	stat_dir_close(&sd);
	return NULL;
}

/* Every listed file's stamp now. A stat is a path lookup in the kernel (2 us a
 * file: 200 ms of a reload at 100,000 files), so large listings are stamped in
 * threads, each a contiguous share (a share stays in few directories). */
static void stamp_all(const struct source *src, const struct source_files *listed, struct file_stamp *st)
{
	struct stamp_job job[SCAN_MAX_THREADS];
	pthread_t tid[SCAN_MAX_THREADS];
	size_t threads = (size_t)scan_threads(src, listed->n), per, started = 0;
	/* one clock read for all: a stamp read earlier than it was is racy
	 * sooner, never later (100,000 clock reads were 3 ms) */
	int64_t now = reload_now_ns();

	per = (listed->n + threads - 1) / threads;
	for (size_t t = 0; t < threads; t++) {
		size_t from = t * per < listed->n ? t * per : listed->n;

		job[t] = (struct stamp_job){ listed, st, now, from, from + per < listed->n ? from + per : listed->n };
	}
	for (size_t t = 1; t < threads; t++)
		if (pthread_create(&tid[t], NULL, stamp_share, &job[t]) != 0)
			break;
		else
			started = t;
	stamp_share(&job[0]);
	for (size_t t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	for (size_t t = started + 1; t < threads; t++) /* threads that could not start */
		stamp_share(&job[t]);
}

/* Which of OLD's files each listed file is, unchanged (UINT32_MAX: none, read
 * it), and its stamp now: a stat per file, nothing read. */
static void decide(struct source *src, const struct project *old, struct old_files *m,
		   const struct source_files *listed, uint32_t *from, const char **shown, struct file_stamp *st)
{
	char cwd[MT_PATH_MAX];
	size_t cwd_len = getcwd(cwd, sizeof(cwd)) ? strlen(cwd) : 0;

	stamp_all(src, listed, st);
	for (size_t i = 0; i < listed->n; i++) {
		const char *path = listed->v[i].path;
		uint32_t k;

		/* the work tree's display path (scan_display_path) with one getcwd,
		 * borrowed from the listing (the parse copies what it keeps) */
		shown[i] = cwd_len && !strncmp(path, cwd, cwd_len) && path[cwd_len] == '/' ? path + cwd_len + 1 : path;
		from[i] = UINT32_MAX;
		if (st[i].size >= 0 && find_old(m, i, shown[i], &k) &&
		    !reload_changed(stamp_of_file(old->stamps, k, shown[i]), old->load_ns, &st[i]))
			from[i] = k;
	}
}

/* Is every listed file OLD's file at the same place, unchanged? */
static bool same_files(const struct project *old, const uint32_t *from, size_t n)
{
	if (n != old->files.n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (from[i] != i)
			return false;
	return true;
}

/* RF's real path from the lean listing's F: the one RF has when it is the same
 * (an unchanged file: no string made and freed), else a copy of F's (the
 * listing is kept for the next reload). */
static void take_real(struct revision_file *rf, const struct source_file *f)
{
	const char *real = f->real_path ? f->real_path : f->path;

	if (rf->real_path && !strcmp(rf->real_path, real))
		return;
	revision_file_set_real_path(rf, xstrdup(real));
}

/* Drop the files moved out of OLD from its list (file_list_free frees the rest). */
static void compact(struct file_list *fl)
{
	size_t n = 0;

	for (size_t i = 0; i < fl->n; i++)
		if (fl->v[i])
			fl->v[n++] = fl->v[i];
	fl->n = n;
}

/* P's files: OLD's where FROM says so (moved out of OLD), the others read. */
static void take_files(struct source *src, struct project *old, struct project *p, const struct source_files *listed,
		       const uint32_t *from, const char **shown, const struct file_stamp *st, bool keep_text,
		       struct reload_stats *stats)
{
	p->stamps = stamps_new();
	GROW(p->files.v, p->files.cap, listed->n);
	for (size_t i = 0; i < listed->n; i++) {
		struct revision_file *rf;

		if (from[i] != UINT32_MAX && old->files.v[from[i]]) {
			rf = old->files.v[from[i]];
			old->files.v[from[i]] = NULL;
		} else {
			rf = read_version(src, listed->v[i].path, shown[i], keep_text);
			stats->reread++;
		}
		take_real(rf, &listed->v[i]);
		rf->load_index = p->files.n;
		p->files.v[p->files.n++] = rf;
		stamp_put(p->stamps, rf->path, &st[i]);
	}
	compact(&old->files);
}

/* 1 when nothing changed (P is left empty), 0 when P has the files, -1 on error. */
static int reload_files(struct source *src, struct project *old, const bool *pristine, struct project *p,
			bool keep_text, struct reload_stats *stats, struct mt_error *err)
{
	struct dir_listing *l = listing_get(src, &p->config, old->stamps, stats, err);
	struct source_files *listed;
	struct old_files m;
	uint32_t *from;
	const char **shown;
	struct file_stamp *st;
	int rc = 0;

	if (!l)
		return -1;
	listed = &l->files;
	index_old(old, pristine, &m);
	from = xmalloc((listed->n + 1) * sizeof(*from));
	shown = xcalloc(listed->n + 1, sizeof(*shown));
	st = xmalloc((listed->n + 1) * sizeof(*st));
	decide(src, old, &m, listed, from, shown, st);
	stats->files = listed->n;
	if (same_files(old, from, listed->n)) {
		rc = 1;
		listing_keep(&old->stamps, l); /* OLD stays: it keeps the listing */
	} else {
		take_files(src, old, p, listed, from, shown, st, keep_text, stats);
		for (size_t i = 0; i < listed->notes.n; i++)
			sl_push(&p->files.notes, listed->notes.v[i]);
		listing_keep(&p->stamps, l);
	}
	free(shown);
	free(from);
	free(st);
	strmap_free(&m.m);
	return rc;
}

/* FS's stamp of KEY set to ST (one entry per file however often it is read). */
static void stamp_set(struct file_stamps *fs, const char *key, const struct file_stamp *st)
{
	uint32_t at;

	if (strmap_get(&fs->index, key, &at))
		fs->v[at] = *st;
	else
		stamp_put(fs, key, st);
}

/* Is the listing P's files' paths, in P's order? */
static bool same_paths(const struct project *p, const char **shown, size_t n)
{
	if (n != p->files.n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(shown[i], p->files.v[i]->path))
			return false;
	return true;
}

/* Relinking one file costs a pass over the history (its order, pieces,
 * shape): past this many changed files one full build is cheaper. A checkout,
 * or files all written within the racy window of the load, change thousands,
 * and relinking each of them was quadratic (minutes at 100,000). */
#define RELINK_MAX 8

/* The files FROM does not take from P read again into their places, each
 * relinked in place (graph_update.h) while that can be done, the rest of the
 * way by one full build (all of it when many changed). */
static void update_files(struct source *src, struct project *p, const struct source_files *listed, const uint32_t *from,
			 const char **shown, const struct file_stamp *st, bool keep_text, struct reload_stats *stats)
{
	size_t changed = 0;
	bool rebuild;

	for (size_t i = 0; i < listed->n; i++)
		changed += from[i] != i;
	rebuild = changed > RELINK_MAX;

	if (!p->stamps)
		p->stamps = stamps_new();
	for (size_t i = 0; i < listed->n; i++) {
		struct revision_file *rf, *old;

		if (from[i] == i)
			continue;
		rf = read_version(src, listed->v[i].path, shown[i], keep_text);
		stats->reread++;
		take_real(rf, &listed->v[i]);
		rf->load_index = i;
		old = rebuild ? NULL : graph_update_file(p, i, rf);
		if (!old) {
			rebuild = true;
			old = p->files.v[i];
			p->files.v[i] = rf;
		}
		revision_file_free(old);
		stamp_set(p->stamps, p->files.v[i]->path, &st[i]);
	}
	if (rebuild) {
		graph_free(&p->graph);
		project_analyse(p);
	}
}

int project_reload_in_place(const struct config_request *req, struct project *p, const bool *pristine,
			    struct reload_stats *stats, struct mt_error *err)
{
	struct source *src = source_worktree();
	struct source_files *listed;
	struct dir_listing *l;
	struct mt_config cfg = { 0 };
	struct old_files m;
	struct file_stamp *st;
	uint32_t *from;
	const char **shown;
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	if (config_load_from(src, req, &cfg, err) || !(l = listing_get(src, &cfg, p->stamps, stats, err))) {
		config_free(&cfg);
		return -1;
	}
	listed = &l->files;
	index_old(p, pristine, &m);
	from = xmalloc((listed->n + 1) * sizeof(*from));
	shown = xcalloc(listed->n + 1, sizeof(*shown));
	st = xmalloc((listed->n + 1) * sizeof(*st));
	decide(src, p, &m, listed, from, shown, st);
	stats->files = listed->n;
	if (same_files(p, from, listed->n))
		rc = 1;
	else if (!same_paths(p, shown, listed->n) || !sl_equal(&listed->notes, &p->files.notes))
		rc = 2;
	else
		update_files(src, p, listed, from, shown, st, req->keep_text, stats);
	free(shown);
	free(from);
	free(st);
	strmap_free(&m.m);
	/* kept even when P is otherwise untouched: it is the listing of now, for
	 * the next reload (project_reload, when this one says 2) */
	listing_keep(&p->stamps, l);
	config_free(&cfg);
	return rc;
}

int project_reload(const struct config_request *req, struct project *old, const bool *pristine,
		   struct project *p, struct reload_stats *stats, struct mt_error *err)
{
	struct source *src = source_worktree();
	int rc;

	memset(p, 0, sizeof(*p));
	memset(stats, 0, sizeof(*stats));
	p->load_ns = reload_now_ns();
	p->defer_suggestions = req->defer_suggestions;
	if (config_load_from(src, req, &p->config, err) || !(p->resolver = resolver_new(&p->config.defines, err)) ||
	    (rc = reload_files(src, old, pristine, p, req->keep_text, stats, err)) < 0) {
		project_free(p);
		return -1;
	}
	if (rc == 1) { /* nothing changed: OLD stays as it is */
		project_free(p);
		return 1;
	}
	for (size_t i = 0; i < p->files.notes.n; i++)
		sl_push(&p->config.notes, p->files.notes.v[i]);
	project_analyse(p);
	return 0;
}
