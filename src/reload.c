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
#include "migtree/githints.h"
#include "migtree/graph_update.h"
#include "migtree/reload.h"
#include "migtree/save.h"
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

/* reload_changed with the racy window given (a getenv per file was 5% of a
 * reload at 100,000 files). */
static bool changed_in(const struct file_stamp *old, int64_t load_ns, const struct file_stamp *now, int64_t window)
{
	if (!old) /* read by a plain load: unchanged only if last changed well before it */
		return load_ns <= 0 || racy(now->mtime_ns, now->ctime_ns, load_ns, window);
	return !same_stamp(old, now) || racy(old->mtime_ns, old->ctime_ns, old->read_ns, window);
}

bool reload_changed(const struct file_stamp *old, int64_t load_ns, const struct file_stamp *now)
{
	return changed_in(old, load_ns, now, racy_ns());
}

bool reload_dir_changed(const struct file_stamp *old, const struct file_stamp *now)
{
	const char *e = getenv("MIGTREE_DIR_RACY_NS");
	int64_t window = e && *e ? strtoll(e, NULL, 10) : RELOAD_DIR_RACY_NS;

	return old->size < 0 || !same_stamp(old, now) || racy(old->mtime_ns, old->ctime_ns, old->read_ns, window);
}

/* ---- what a watch saw ---------------------------------------------------------- */

void reload_hint_init(struct reload_hint *h)
{
	memset(h, 0, sizeof(*h));
	h->max_names = RELOAD_HINT_MAX_NAMES;
	strmap_init(&h->dir_index);
	strmap_init(&h->name_index);
}

void reload_hint_free(struct reload_hint *h)
{
	for (size_t i = 0; i < h->n_dirs; i++)
		free(h->dirs[i].path);
	free(h->dirs);
	strmap_free(&h->dir_index);
	sl_free(&h->names);
	free(h->kinds);
	strmap_free(&h->name_index);
	memset(h, 0, sizeof(*h));
}

void reload_hint_add_dir(struct reload_hint *h, const char *dir, uint64_t dev, uint64_t ino, int64_t since_ns)
{
	uint32_t k;

	if (!strmap_get(&h->dir_index, dir, &k)) {
		GROW(h->dirs, h->cap_dirs, h->n_dirs + 1);
		k = (uint32_t)h->n_dirs++;
		h->dirs[k].path = xstrdup(dir);
		strmap_put(&h->dir_index, h->dirs[k].path, k);
	}
	h->dirs[k].dev = dev;
	h->dirs[k].ino = ino;
	h->dirs[k].since_ns = since_ns;
}

bool reload_hint_has_dir(const struct reload_hint *h, const char *dir)
{
	uint32_t k;

	return strmap_get(&h->dir_index, dir, &k) && h->dirs[k].since_ns != INT64_MAX;
}

/* The bloom filter's bit for the base name NAME of LEN bytes: a few of its
 * bytes, no hash of the whole path (100,000 of those were 5 ms). */
static unsigned base_bit(const char *name, size_t len)
{
	unsigned b = (unsigned)len * 131u;

	if (len)
		b += (unsigned char)name[0] * 31u + (unsigned char)name[len / 2] * 7u + (unsigned char)name[len - 1];
	if (len > 1)
		b += (unsigned char)name[1] * 17u;
	return b & 4095u;
}

void reload_hint_name(struct reload_hint *h, const char *dir, const char *name, unsigned kind)
{
	char *path;
	uint32_t k;
	unsigned bit = base_bit(name, strlen(name));

	if (!h->complete)
		return; /* not used: nothing to keep */
	path = xasprintf("%s/%s", dir, name);
	if (strmap_get(&h->name_index, path, &k)) {
		h->kinds[k] |= (uint8_t)kind;
		free(path);
		return;
	}
	if (h->names.n >= h->max_names) {
		h->complete = false;
		free(path);
		return;
	}
	GROW(h->kinds, h->cap_kinds, h->names.n + 1);
	h->kinds[h->names.n] = (uint8_t)kind;
	sl_push_owned(&h->names, path);
	strmap_put(&h->name_index, path, h->names.n - 1);
	h->bloom[bit / 64] |= 1ull << (bit % 64);
}

void reload_hint_clear_names(struct reload_hint *h)
{
	sl_free(&h->names);
	strmap_free(&h->name_index);
	strmap_init(&h->name_index);
	memset(h->bloom, 0, sizeof(h->bloom));
}

/* Did the watch see an event about PATH, whose base name is at BASE? */
static bool hint_named(const struct reload_hint *h, const char *path, const char *base)
{
	unsigned bit = base_bit(base, strlen(base));
	uint32_t k;

	return (h->bloom[bit / 64] >> (bit % 64) & 1) && strmap_get(&h->name_index, path, &k);
}

/* Since when does H vouch for the LEN bytes at DIR, a directory: INT64_MAX
 * when it does not (not watched, its watch lost, or the path now names
 * another directory: a parent renamed, a link changed). */
static int64_t hint_dir_since(const struct reload_hint *h, const char *dir, size_t len)
{
	struct file_stamp now;
	uint32_t k;

	if (!strmap_get_n(&h->dir_index, dir, len, &k) || h->dirs[k].since_ns == INT64_MAX ||
	    !reload_stat(h->dirs[k].path, 0, &now) || now.dev != h->dirs[k].dev || now.ino != h->dirs[k].ino)
		return INT64_MAX;
	return h->dirs[k].since_ns;
}

/* What a hint vouches for, directory by directory as the listing goes. */
struct vouch {
	const struct reload_hint *hint; /* NULL: nothing */
	int64_t verified;               /* when files without a stamp were last found unchanged, 0: they are not vouched for */
	const char *dir;                /* the last file's directory (LEN bytes), borrowed */
	size_t len;
	int64_t since;                  /* since when its watch vouches, INT64_MAX: never */
};

/* May OLD, the stamp of the listed file F (NULL: none, the plain load's),
 * stand for its stat now? Yes when it was taken (or, without a stamp, the file
 * last found unchanged) after the watch on F's directory began, and no event
 * named F since; not for a link (its target may be elsewhere), nor for a racy
 * stamp (the file is read again, and wants a fresh stamp). */
static bool vouched(struct vouch *v, const struct source_file *f, const struct file_stamp *old, int64_t window)
{
	const char *slash;
	size_t len;

	if (!v->hint || (!old && !v->verified) || f->real_path ||
	    (old && racy(old->mtime_ns, old->ctime_ns, old->read_ns, window)) || !(slash = strrchr(f->path, '/')))
		return false;
	len = (size_t)(slash - f->path);
	if (!v->dir || len != v->len || memcmp(f->path, v->dir, len)) {
		v->dir = f->path;
		v->len = len;
		v->since = hint_dir_since(v->hint, f->path, len);
	}
	return (old ? old->read_ns : v->verified) >= v->since && !hint_named(v->hint, f->path, slash + 1);
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

/* Does DIR (holding ENTRIES as keep_entries wrote them) list the file NAME? */
static bool lists_file(const char *entries, size_t len, const char *name)
{
	size_t k = strlen(name);
	char *needle;
	bool found;

	if (len >= k + 2 && entries[0] == 'f' && !memcmp(entries + 1, name, k + 1))
		return true;
	needle = xmalloc(k + 3); /* the end of the entry before, then this one */
	needle[0] = '\0';
	needle[1] = 'f';
	memcpy(needle + 2, name, k + 1);
	found = memmem(entries, len, needle, k + 3) != NULL;
	free(needle);
	return found;
}

/* Would listing the directory that held ENTRIES list what it did, as far as
 * the name BASE (added, removed or renamed there: its path PATH) goes? Yes
 * when it is a file the listing leaves out, or a migration there then and now
 * (an editor's save by rename), or one there neither then nor now (a
 * temporary come and gone). A directory, a link or a save's temporary is for
 * the walk to judge. */
static bool name_keeps_listing(const char *entries, size_t len, const char *path, const char *base)
{
	struct stat st;
	bool there = fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0;

	if (there && (!S_ISREG(st.st_mode) || save_is_temporary(base)))
		return false;
	if (!scan_is_candidate(base))
		return true;
	return entries && there == lists_file(entries, len, base);
}

/* More names added, removed or renamed than this: the directories are listed
 * again (each name costs a search of its directory's entries). */
#define HINT_MAX_ENTRY_NAMES 64

/* May L, the last listing, be taken as CFG's without reading a directory?
 * Yes when HINT vouches for every directory L read, since before L read it,
 * and no name the watch saw added, removed or renamed there changes what L
 * lists. */
static bool listing_vouched(const struct dir_listing *l, const struct mt_config *cfg, const struct reload_hint *hint)
{
	struct strmap at;
	size_t entry_names = 0;
	bool ok = true;

	if (!hint || !l || !l->keepable || l->recursive != cfg->recursive ||
	    !sl_equal(&l->locations, &cfg->version_locations))
		return false;
	strmap_init(&at);
	for (size_t i = 0; ok && i < l->dirs.n; i++) {
		const char *dir = l->dirs.v[i];
		int64_t since = hint_dir_since(hint, dir, strlen(dir));
		uint32_t k;

		ok = l->dir_st[i].size >= 0 && l->dir_st[i].read_ns >= since && strmap_get(&hint->dir_index, dir, &k) &&
		     hint->dirs[k].dev == l->dir_st[i].dev && hint->dirs[k].ino == l->dir_st[i].ino;
		strmap_put(&at, dir, (uint32_t)i);
	}
	for (size_t j = 0; ok && j < hint->names.n; j++) {
		const char *path = hint->names.v[j], *slash = strrchr(path, '/');
		uint32_t i;

		if (!(hint->kinds[j] & RELOAD_HINT_ENTRY) || !strmap_get_n(&at, path, (size_t)(slash - path), &i))
			continue; /* its content, or a directory L did not read */
		ok = ++entry_names <= HINT_MAX_ENTRY_NAMES &&
		     name_keeps_listing(l->entries[i], l->entries_len[i], path, slash + 1);
	}
	strmap_free(&at);
	return ok;
}

/* CFG's version files: PREV's listing (moved out of it) while it holds (or
 * HINT vouches for it), else listed afresh with the stamps of the directories
 * read. NULL on error. */
static struct dir_listing *listing_get(struct source *src, const struct mt_config *cfg, struct file_stamps *prev,
				       const struct reload_hint *hint, struct reload_stats *stats,
				       struct mt_error *err)
{
	struct dir_listing *l;
	struct source_watch watch;

	if (prev && (listing_vouched(prev->listing, cfg, hint) || listing_holds(prev->listing, cfg))) {
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

/* Push the directory of PATH onto DIRS unless it is the one of *LAST (files
 * come directory by directory: a directory is pushed once a run). */
static void push_dir(struct strlist *dirs, const char *path, const char **last, size_t *last_len)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	if (!slash || (*last && len == *last_len && !memcmp(path, *last, len)))
		return;
	sl_push_owned(dirs, xstrndup(path, len ? len : 1));
	*last = path;
	*last_len = len;
}

void reload_watch_dirs(const struct project *p, struct strlist *dirs)
{
	const struct dir_listing *l = p->stamps ? p->stamps->listing : NULL;
	const char *last = NULL;
	size_t last_len = 0;

	/* the directories as the listing names them first: a directory named
	 * twice is watched under its first name */
	if (l) { /* and where links lead: the listing says which files are links */
		for (size_t i = 0; i < l->dirs.n; i++)
			sl_push(dirs, l->dirs.v[i]);
		for (size_t i = 0; i < l->files.n; i++)
			if (l->files.v[i].real_path)
				push_dir(dirs, l->files.v[i].real_path, &last, &last_len);
	} else { /* where each file really is */
		for (size_t i = 0; i < p->files.n; i++)
			push_dir(dirs, p->files.v[i]->real_path ? p->files.v[i]->real_path : p->files.v[i]->path,
				 &last, &last_len);
	}
	for (size_t i = 0; i < p->config.version_locations.n; i++)
		sl_push(dirs, p->config.version_locations.v[i]);
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

/* The bloom filter's bit of the display path KEY: its base name's. */
static unsigned key_bit(const char *key)
{
	const char *slash = strrchr(key, '/'), *base = slash ? slash + 1 : key;

	return base_bit(base, strlen(base));
}

static void stamp_put(struct file_stamps *fs, const char *key, const struct file_stamp *st)
{
	unsigned bit = key_bit(key);

	GROW(fs->v, fs->cap, fs->n + 1);
	fs->v[fs->n] = *st;
	sl_push(&fs->keys, key);
	strmap_put(&fs->index, fs->keys.v[fs->keys.n - 1], (uint32_t)fs->n++);
	fs->bloom[bit / 64] |= 1ull << (bit % 64);
}

static const struct file_stamp *stamp_get(const struct file_stamps *fs, const char *key)
{
	unsigned bit;
	uint32_t at;

	if (!fs || !fs->n)
		return NULL;
	bit = key_bit(key);
	return (fs->bloom[bit / 64] >> (bit % 64) & 1) && strmap_get(&fs->index, key, &at) ? &fs->v[at] : NULL;
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

/* The stamps of the listed files [FROM, TO) that WANT (NULL: all), a stat
 * each (fstatat from the directory), into ST: one share of the work for a
 * thread. */
struct stamp_job {
	const struct source_files *listed;
	const bool *want;
	struct file_stamp *st;
	int64_t now;
	size_t from, to;
};

static void *stamp_share(void *arg)
{
	struct stamp_job *j = arg;
	struct stat_dir sd = { -1, NULL, 0 };

	for (size_t i = j->from; i < j->to; i++)
		if ((!j->want || j->want[i]) && !stat_in_dir(&sd, j->listed->v[i].path, j->now, &j->st[i]))
			j->st[i] = (struct file_stamp){ .size = -1 }; /* never matches: read again next time */
	stat_dir_close(&sd);
	return NULL;
}

/* The stamps now of the N listed files that WANT (NULL: all). A stat is a
 * path lookup in the kernel (2 us a file: 200 ms of a reload at 100,000
 * files), so many are stamped in threads, each a contiguous share (a share
 * stays in few directories). */
static int64_t stamp_all(const struct source *src, const struct source_files *listed, const bool *want, size_t n,
			 struct file_stamp *st)
{
	struct stamp_job job[SCAN_MAX_THREADS];
	pthread_t tid[SCAN_MAX_THREADS];
	size_t threads = (size_t)scan_threads(src, n), per, started = 0;
	/* one clock read for all: a stamp read earlier than it was is racy
	 * sooner, never later (100,000 clock reads were 3 ms) */
	int64_t now = reload_now_ns();

	per = (listed->n + threads - 1) / threads;
	for (size_t t = 0; t < threads; t++) {
		size_t from = t * per < listed->n ? t * per : listed->n;

		job[t] = (struct stamp_job){ listed, want, st, now, from,
					     from + per < listed->n ? from + per : listed->n };
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
	return now;
}

/* What decide found: per listed file, which of OLD's files it is unchanged
 * (UINT32_MAX: none, read it), its display path and its stamp now, and
 * whether that stamp is a stat taken now (else the one a hint vouched for). */
struct decision {
	uint32_t *from;
	const char **shown;
	struct file_stamp *st;
	bool *statted;
	bool *stamped;         /* OLD has a stamp of it */
	bool stampless_statted; /* every file OLD had no stamp of was stat'ed */
	int64_t now;           /* when the stats began (0: none was taken) */
};

static void decision_new(struct decision *d, size_t n)
{
	d->from = xmalloc((n + 1) * sizeof(*d->from));
	d->shown = xcalloc(n + 1, sizeof(*d->shown));
	d->st = xmalloc((n + 1) * sizeof(*d->st));
	d->statted = xmalloc(n + 1);
	d->stamped = xmalloc(n + 1);
	d->stampless_statted = true;
	d->now = 0;
}

static void decision_free(struct decision *d)
{
	free(d->from);
	free(d->shown);
	free(d->st);
	free(d->statted);
	free(d->stamped);
}

/* Decide for each listed file (struct decision): a stat per file, but for
 * those HINT (NULL: none) vouches for; nothing read. Files OLD has no stamp of
 * are vouched for only when STAMPLESS_OK (the stamp they would need to be
 * taken into a new project is a stat's). */
static void decide(struct source *src, const struct project *old, struct old_files *m,
		   const struct source_files *listed, const struct reload_hint *hint, bool stampless_ok,
		   struct decision *d, struct reload_stats *stats)
{
	char cwd[MT_PATH_MAX];
	size_t cwd_len = getcwd(cwd, sizeof(cwd)) ? strlen(cwd) : 0, n = 0;
	int64_t window = racy_ns();
	struct vouch v = { hint, stampless_ok && old->stamps ? old->stamps->verified_ns : 0, NULL, 0, INT64_MAX };

	for (size_t i = 0; i < listed->n; i++) {
		const char *path = listed->v[i].path;
		const struct file_stamp *was = NULL;
		uint32_t k = UINT32_MAX;

		/* the work tree's display path (scan_display_path) with one getcwd,
		 * borrowed from the listing (the parse copies what it keeps) */
		d->shown[i] = cwd_len && !strncmp(path, cwd, cwd_len) && path[cwd_len] == '/' ? path + cwd_len + 1 : path;
		if (!find_old(m, i, d->shown[i], &k))
			k = UINT32_MAX;
		else
			was = stamp_of_file(old->stamps, k, d->shown[i]);
		d->from[i] = k;
		d->stamped[i] = was != NULL;
		/* a file to read (new, or edited in memory) wants a stamp of now; so
		 * does one without a stamp that moved (a new project stamps all it
		 * takes: it is vouched for without a stamp only in its own place) */
		d->statted[i] = k == UINT32_MAX || (!was && k != i) || !vouched(&v, &listed->v[i], was, window);
		if (d->statted[i])
			n++;
		else if (was)
			d->st[i] = *was;
		else
			d->st[i] = (struct file_stamp){ .size = 0 }; /* unused: no stamp is made of it */
		if (!was && !d->statted[i])
			d->stampless_statted = false;
	}
	stats->statted += n;
	if (n)
		d->now = stamp_all(src, listed, n == listed->n ? NULL : d->statted, n, d->st);
	for (size_t i = 0; i < listed->n; i++) {
		uint32_t k = d->from[i];

		if (d->statted[i] && k != UINT32_MAX && (d->st[i].size < 0 ||
					changed_in(stamp_of_file(old->stamps, k, d->shown[i]), old->load_ns, &d->st[i], window)))
			d->from[i] = UINT32_MAX;
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

/* P's files: OLD's where D says so (moved out of OLD), the others read. */
static void take_files(struct source *src, struct project *old, struct project *p, const struct source_files *listed,
		       const struct decision *d, bool keep_text, struct reload_stats *stats)
{
	p->stamps = stamps_new();
	GROW(p->files.v, p->files.cap, listed->n);
	for (size_t i = 0; i < listed->n; i++) {
		struct revision_file *rf;

		if (d->from[i] != UINT32_MAX && old->files.v[d->from[i]]) {
			rf = old->files.v[d->from[i]];
			old->files.v[d->from[i]] = NULL;
		} else {
			rf = read_version(src, listed->v[i].path, d->shown[i], keep_text);
			stats->reread++;
		}
		take_real(rf, &listed->v[i]);
		rf->load_index = p->files.n;
		p->files.v[p->files.n++] = rf;
		stamp_put(p->stamps, rf->path, &d->st[i]);
	}
	compact(&old->files);
}

static void stamps_refresh(struct project *p, const struct decision *d, size_t n);

/* A hint that can be used: complete, else none. */
static const struct reload_hint *usable(const struct reload_hint *hint)
{
	return hint && hint->complete ? hint : NULL;
}

/* 1 when nothing changed (P is left empty), 0 when P has the files, -1 on error. */
static int reload_files(struct source *src, struct project *old, const bool *pristine,
			const struct reload_hint *hint, struct project *p, bool keep_text, struct reload_stats *stats,
			struct mt_error *err)
{
	struct dir_listing *l = listing_get(src, &p->config, old->stamps, hint, stats, err);
	struct source_files *listed;
	struct old_files m;
	struct decision d;
	int rc = 0;

	if (!l)
		return -1;
	listed = &l->files;
	index_old(old, pristine, &m);
	decision_new(&d, listed->n);
	decide(src, old, &m, listed, hint, false, &d, stats);
	stats->files = listed->n;
	if (same_files(old, d.from, listed->n)) {
		rc = 1;
		stamps_refresh(old, &d, listed->n);
		listing_keep(&old->stamps, l); /* OLD stays: it keeps the listing */
	} else {
		take_files(src, old, p, listed, &d, keep_text, stats);
		for (size_t i = 0; i < listed->notes.n; i++)
			sl_push(&p->files.notes, listed->notes.v[i]);
		listing_keep(&p->stamps, l);
	}
	decision_free(&d);
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

/* The same for the file at K, whose stamp is usually the K-th (no hash). */
static void stamp_set_at(struct file_stamps *fs, size_t k, const char *key, const struct file_stamp *st)
{
	if (k < fs->n && !strcmp(fs->keys.v[k], key))
		fs->v[k] = *st;
	else
		stamp_set(fs, key, st);
}

/* P's files that D found unchanged by a stat just taken get it as their
 * stamp: the same stamp, taken later, so that a watch begun since can vouch
 * for them next time. Files without a stamp (the plain load's) keep none when
 * all were stat'ed: VERIFIED_NS says when (100,000 stamps were 17 MB). */
static void stamps_refresh(struct project *p, const struct decision *d, size_t n)
{
	if (!p->stamps)
		p->stamps = stamps_new();
	for (size_t i = 0; i < n; i++)
		if (d->statted[i] && d->from[i] == i && (d->stamped[i] || !d->stampless_statted))
			stamp_set_at(p->stamps, i, p->files.v[i]->path, &d->st[i]);
	if (d->stampless_statted && d->now)
		p->stamps->verified_ns = d->now;
}

/* Is the listing P's files' paths, in P's order? Those D takes from their
 * own place are (decide found them by their path). */
static bool same_paths(const struct project *p, const struct decision *d, size_t n)
{
	if (n != p->files.n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (d->from[i] != i && strcmp(d->shown[i], p->files.v[i]->path))
			return false;
	return true;
}

/* Relinking one file costs a pass over the history (its order, pieces,
 * shape): past this many changed files one full build is cheaper. A checkout,
 * or files all written within the racy window of the load, change thousands,
 * and relinking each of them was quadratic (minutes at 100,000). */
#define RELINK_MAX 8

/* The files a reload in place read again, waiting to be relinked: up to
 * RELINK_MAX of them; past that they are put in place as they are read, and
 * the graph is built once (rebuild), as it is when a relink cannot be done. */
struct reread {
	size_t n;
	uint32_t at[RELINK_MAX];
	struct revision_file *rf[RELINK_MAX];
	bool rebuild;
};

/* RF put in P's place AT, the file it replaces freed (the graph is built again). */
static void put_in_place(struct project *p, uint32_t at, struct revision_file *rf)
{
	revision_file_free(p->files.v[at]);
	p->files.v[at] = rf;
}

/* The files D does not take from P read again (RR, or straight into their
 * places when there are too many to relink one by one). */
static void read_changed(struct source *src, struct project *p, const struct source_files *listed,
			 const struct decision *d, bool keep_text, struct reload_stats *stats, struct reread *rr)
{
	size_t changed = 0;

	for (size_t i = 0; i < listed->n; i++)
		changed += d->from[i] != i;
	rr->rebuild = changed > RELINK_MAX;

	for (size_t i = 0; i < listed->n; i++) {
		struct revision_file *rf;

		if (d->from[i] == i)
			continue;
		rf = read_version(src, listed->v[i].path, d->shown[i], keep_text);
		stats->reread++;
		take_real(rf, &listed->v[i]);
		rf->load_index = i;
		stamp_set_at(p->stamps, i, rf->path, &d->st[i]);
		if (rr->rebuild) {
			put_in_place(p, (uint32_t)i, rf);
		} else {
			rr->at[rr->n] = (uint32_t)i;
			rr->rf[rr->n++] = rf;
		}
	}
}

/* P asks git afresh: what git knew at the load (a value committed since, a file
 * deleted since) is not what it knows now. Git itself runs only when a
 * suggestion asks (githints.h). */
static void fresh_hints(struct project *p)
{
	git_hints_free(p->hints);
	p->hints = git_hints_new(&p->config.version_locations);
	p->graph.hints = p->hints;
}

/* RR's files each relinked in place (graph_update.h) while that can be done,
 * the rest of the way by one full build. Called once the reload's per-file
 * arrays are freed: a relink orders the whole history, and both at once were
 * the explorer's peak (100k: 4.8 MB of decisions). */
static void relink_changed(struct project *p, struct reread *rr)
{
	if (rr->n || rr->rebuild)
		fresh_hints(p);
	for (size_t k = 0; k < rr->n; k++) {
		struct revision_file *old = rr->rebuild ? NULL : graph_update_file(p, rr->at[k], rr->rf[k]);

		if (old) {
			revision_file_free(old);
		} else {
			rr->rebuild = true;
			put_in_place(p, rr->at[k], rr->rf[k]);
		}
	}
	if (rr->rebuild) {
		graph_free(&p->graph);
		project_analyse(p);
	}
}

int project_reload_in_place_hinted(const struct config_request *req, struct project *p, const bool *pristine,
				   const struct reload_hint *hint, struct reload_stats *stats, struct mt_error *err)
{
	struct source *src = source_worktree();
	struct source_files *listed;
	struct dir_listing *l;
	struct mt_config cfg = { 0 };
	struct old_files m;
	struct decision d;
	struct reread rr = { 0 };
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	hint = usable(hint);
	if (config_load_from(src, req, &cfg, err) || !(l = listing_get(src, &cfg, p->stamps, hint, stats, err))) {
		config_free(&cfg);
		return -1;
	}
	listed = &l->files;
	index_old(p, pristine, &m);
	decision_new(&d, listed->n);
	decide(src, p, &m, listed, hint, true, &d, stats);
	stats->files = listed->n;
	if (same_files(p, d.from, listed->n)) {
		rc = 1;
		stamps_refresh(p, &d, listed->n);
		if (git_hints_stale(p->hints)) { /* a commit since: the files say the same, git not */
			fresh_hints(p);
			graph_redo_suggestions(p);
			rc = 0;
		}
	} else if (!same_paths(p, &d, listed->n) || !sl_equal(&listed->notes, &p->files.notes)) {
		rc = 2;
	} else {
		stamps_refresh(p, &d, listed->n);
		read_changed(src, p, listed, &d, req->keep_text, stats, &rr);
	}
	decision_free(&d);
	strmap_free(&m.m);
	relink_changed(p, &rr);
	/* kept even when P is otherwise untouched: it is the listing of now, for
	 * the next reload (project_reload, when this one says 2) */
	listing_keep(&p->stamps, l);
	config_free(&cfg);
	return rc;
}

int project_reload_in_place(const struct config_request *req, struct project *p, const bool *pristine,
			    struct reload_stats *stats, struct mt_error *err)
{
	return project_reload_in_place_hinted(req, p, pristine, NULL, stats, err);
}

int project_reload_hinted(const struct config_request *req, struct project *old, const bool *pristine,
			  const struct reload_hint *hint, struct project *p, struct reload_stats *stats,
			  struct mt_error *err)
{
	struct source *src = source_worktree();
	int rc;

	memset(p, 0, sizeof(*p));
	memset(stats, 0, sizeof(*stats));
	p->load_ns = reload_now_ns();
	p->defer_suggestions = req->defer_suggestions;
	p->no_order = req->no_order;
	p->for_edits = req->for_edits;
	if (config_load_from(src, req, &p->config, err) || !(p->resolver = resolver_new(&p->config.defines, err)) ||
	    (rc = reload_files(src, old, pristine, usable(hint), p, req->keep_text, stats, err)) < 0) {
		project_free(p);
		return -1;
	}
	if (rc == 1) { /* nothing changed: OLD stays as it is */
		project_free(p);
		return 1;
	}
	for (size_t i = 0; i < p->files.notes.n; i++)
		sl_push(&p->config.notes, p->files.notes.v[i]);
	fresh_hints(p); /* the new project's own (project_analyse hands them to the graph) */
	project_analyse(p);
	return 0;
}

int project_reload(const struct config_request *req, struct project *old, const bool *pristine,
		   struct project *p, struct reload_stats *stats, struct mt_error *err)
{
	return project_reload_hinted(req, old, pristine, NULL, p, stats, err);
}
