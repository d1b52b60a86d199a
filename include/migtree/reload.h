/* reload.h - read a project again, re-reading only the files that changed.
 *
 * The explorer's `R` and its watch (ui/watch.c) read the history again after a
 * `git checkout` or an edit in another window. Reading and parsing 100,000
 * files takes seconds; telling which of them changed takes a stat each. So, as
 * git's index does, each file read is stamped with what stat said just before
 * reading it (size, mtime and ctime in ns, inode, device), and a reload re-reads
 * only the files whose stamp differs. Files read by a plain load have no stamp:
 * for them the load's start time stands in (any change after it sets the file's
 * ctime later than that, and ctime cannot be set back by a user).
 *
 * Racy timestamps: a file changed again within the file system's timestamp
 * granularity of the moment it was read can look unchanged while its bytes
 * differ. Such a file (mtime or ctime not older than the read by at least
 * RELOAD_RACY_NS) is always re-read, as git re-reads racily clean entries.
 *
 * What a watch saw (struct reload_hint): a stat per file is most of a reload
 * at 100,000 files (110 ms), and the explorer's inotify watch (ui/watch.c)
 * already names every file changed since it began. A file is then taken
 * without a stat when its stamp was taken (or, for a file the plain load read,
 * a stat last found it unchanged: file_stamps' verified_ns) after the watch on
 * its directory began, the watch has missed nothing since (no queue overflow,
 * no watch lost), its directory is still the one watched, no event named it,
 * it is no link and its stamp is not racy: the decision a stat would have
 * given, since a change to it would have been an event. Anything else is
 * stat'ed as before; with no hint, or an incomplete one, every file is. So the
 * first reload after the explorer starts stats every file, and the ones after
 * it only what changed. Not seen by a watch, and so not by such a reload: a
 * file written in place through a hard link in a directory that is not
 * watched (MIGTREE_NO_WATCH=1: no watch, every reload stats every file). */
#ifndef MIGTREE_RELOAD_H
#define MIGTREE_RELOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "migtree/project.h"
#include "migtree/source.h"
#include "migtree/strmap.h"

/* The coarsest timestamp granularity we allow for (FAT and some network file
 * systems have seconds; the kernel's coarse clock lags by a tick). */
#define RELOAD_RACY_NS 1000000000LL

struct file_stamp {
	int64_t size, mtime_ns, ctime_ns;
	uint64_t ino, dev;
	int64_t read_ns; /* when the stamp was taken, just before the read */
};

/* The racy window of a directory's stamp: names added, removed or renamed in
 * a directory change its mtime and ctime, but within the timestamp granularity
 * of the moment it was read they may not (MIGTREE_DIR_RACY_NS for tests; not
 * MIGTREE_RACY_NS, which screen tests set to 0 to trust files just written:
 * a directory they change a moment later would then look unchanged). */
#define RELOAD_DIR_RACY_NS RELOAD_RACY_NS

/* The last reload's listing of the version files, kept with the stamps of the
 * directories it read, each taken just before that directory was read: while
 * none of them changed (nor was racy), or those that changed hold the same
 * entries, and the configuration names the same locations, the next reload
 * lists the same files and takes this listing instead of listing the
 * directories again (150 ms at 100,000 files). */
struct dir_listing {
	struct source_files files;
	struct strlist locations; /* the configuration's, as listed */
	bool recursive;
	bool keepable;            /* false: depends on more than the stamped directories */
	struct strlist dirs;      /* the directories read, in order */
	struct file_stamp *dir_st;/* their stamps (size -1: could not stat) */
	/* what each held, in the order readdir gave it: per entry 'f' (file),
	 * 'd' (directory) or 'x' (other), its name and a NUL. A directory whose
	 * stamp changed (an editor's save by rename changes it) holding the same
	 * entries lists the same files: one readdir, no sort, no path made. */
	char **entries;
	size_t *entries_len;
	size_t cap;
};

/* Stamps by display path (rf->path), and the listing they came with. A
 * reload in place stamps only the files it reads: the others, read by the
 * plain load, are told by its time (project.h's load_ns) and VERIFIED_NS. */
struct file_stamps {
	struct strmap index;
	struct strlist keys;
	struct file_stamp *v;
	size_t n, cap;
	uint64_t bloom[64];          /* by each key's base name: most files without a stamp are told unhashed */
	int64_t verified_ns;         /* every file without a stamp was found unchanged by a stat taken after it (0: never) */
	struct dir_listing *listing; /* NULL: the next reload lists the directories */
};

/* What the watch of the version directories saw (ui/watch.c fills it; see the
 * top of this file). Names are "DIR/NAME", DIR as the watch was given it. */
struct hint_dir {
	char *path;
	uint64_t dev, ino; /* what stat said once its watch was set */
	int64_t since_ns;  /* its watch set by then: a change after it is an event */
};

#define RELOAD_HINT_CONTENT 1u /* written, or its attributes changed */
#define RELOAD_HINT_ENTRY 2u   /* the name was added, removed or renamed */
/* More names than this: the hint says it is incomplete (a checkout of
 * thousands of files costs a stat each anyway, and the names' memory stays
 * bounded). */
#define RELOAD_HINT_MAX_NAMES 20000

struct reload_hint {
	bool complete;         /* false: something may have been missed */
	size_t max_names;      /* RELOAD_HINT_MAX_NAMES (tests set fewer: a queue that overflows) */
	struct hint_dir *dirs;
	size_t n_dirs, cap_dirs;
	struct strmap dir_index; /* path -> index in dirs */
	struct strlist names;    /* since the last reload that took them */
	uint8_t *kinds;          /* RELOAD_HINT_* of each */
	size_t cap_kinds;
	struct strmap name_index; /* name -> index in names */
	uint64_t bloom[64];      /* by each name's base name: most files are told apart unhashed */
};

void reload_hint_init(struct reload_hint *h);
void reload_hint_free(struct reload_hint *h);
/* DIR is watched since SINCE_NS (after its watch was set), and is DEV/INO. */
void reload_hint_add_dir(struct reload_hint *h, const char *dir, uint64_t dev, uint64_t ino, int64_t since_ns);
/* Is DIR watched? */
bool reload_hint_has_dir(const struct reload_hint *h, const char *dir);
/* An event about NAME in DIR (a watched directory), of KIND. */
void reload_hint_name(struct reload_hint *h, const char *dir, const char *name, unsigned kind);
/* Forget the names: a reload has taken them into account. */
void reload_hint_clear_names(struct reload_hint *h);

/* The directories a watch must cover for P's next reload to use a hint: those
 * its last listing read, else the version locations and its files'. */
void reload_watch_dirs(const struct project *p, struct strlist *dirs);

struct reload_stats {
	size_t files;   /* version files listed now */
	size_t reread;  /* of those, read and parsed again */
	bool listing_kept; /* the directories were unchanged: the last listing taken */
	size_t statted;    /* files whose stat was taken (with a hint: only those it could not vouch for) */
};

/* The wall clock in ns (CLOCK_REALTIME: what file timestamps are in). */
int64_t reload_now_ns(void);

/* The stamp of PATH now (stat, links followed); false when it cannot be had. */
bool reload_stat(const char *path, int64_t read_ns, struct file_stamp *out);
/* May a file stamped OLD (NULL: read by a plain load at LOAD_NS) have changed,
 * now that stat says NOW? */
bool reload_changed(const struct file_stamp *old, int64_t load_ns, const struct file_stamp *now);

/* Has the directory stamped OLD changed (or may it have: racy), now that stat
 * says NOW? */
bool reload_dir_changed(const struct file_stamp *old, const struct file_stamp *now);

void file_stamps_free(struct file_stamps *fs);

/* OLD's history read again from the work tree with REQ into P: configuration
 * and listing afresh, and each listed file taken from OLD when it is the same
 * file unchanged and PRISTINE[i] (OLD's file i holds its disk bytes: not edited
 * in memory; NULL: all are), else read and parsed. The files taken are moved
 * out of OLD, which stays valid and is freed by the caller as usual. 0 then.
 * 1 when every file is OLD's, unchanged, in the same order: P is left empty
 * and OLD is untouched (the caller keeps it: no rebuild). -1 with ERR as
 * project_load (P is then freed). Names that files import from other modules
 * are not looked up again for the files taken. A changed configuration shows
 * only with a changed file; R with --define changes none. P defers its
 * suggestions as REQ says (project.h) and has git hints of its own. */
int project_reload(const struct config_request *req, struct project *old, const bool *pristine,
		   struct project *p, struct reload_stats *stats, struct mt_error *err);
/* The same with what a watch saw (NULL: none), which spares the stat of the
 * files it vouches for (the decisions are the same). */
int project_reload_hinted(const struct config_request *req, struct project *old, const bool *pristine,
			  const struct reload_hint *hint, struct project *p, struct reload_stats *stats,
			  struct mt_error *err);

/* The same into P itself, when the listing is P's files in P's order (what a
 * checkout of one branch's edit or an edit in another window leaves): each
 * changed file is read and its revision relinked in place (graph_update.h),
 * a rebuild of the graph only where that cannot be done; what analysis,
 * order, stamps and defer_suggestions P had stay P's. Git is asked afresh
 * (P's hints are replaced: pointers into the old ones die) when a file was
 * read, or when none was but git's HEAD moved since the hints asked it: then
 * the suggestions are made again. 1 when nothing changed (P untouched), 0
 * when P was updated, 2 when the listing differs (P
 * untouched: then project_reload), -1 with ERR when the configuration or a
 * directory cannot be read (P untouched). Unless -1, the listing made or
 * kept is kept in P's stamps for the next reload, whatever else P keeps. */
int project_reload_in_place(const struct config_request *req, struct project *p, const bool *pristine,
			    struct reload_stats *stats, struct mt_error *err);
/* The same with what a watch saw (NULL: none): the files it vouches for are
 * not stat'ed, and the last listing is taken without reading a directory when
 * no name the watch saw added, removed or renamed changes what it lists. */
int project_reload_in_place_hinted(const struct config_request *req, struct project *p, const bool *pristine,
				   const struct reload_hint *hint, struct reload_stats *stats, struct mt_error *err);

#endif
