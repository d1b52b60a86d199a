/* scan.c - list a project's version files through a source (source.c walks them
 * in Alembic's load order), then read and parse each one: in worker threads when
 * there are many and the source can be read concurrently, each file into its own
 * slot of the list, so that nothing in the result depends on timing. */
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "migtree/docstring.h"
#include "migtree/scan.h"
#include "migtree/source.h"

/* One strlen and a few bytes compared: it runs on every name of a listing. */
bool scan_is_candidate(const char *name)
{
	size_t n = strlen(name);

	return n >= 3 && !memcmp(name + n - 3, ".py", 3) && !(n >= 8 && !memcmp(name, "__init__", 8)) &&
	       !(name[0] == '.' && name[1] == '#');
}

char *scan_display_path(const char *abs)
{
	char cwd[PATH_MAX];
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)))
		return xstrdup(abs);
	n = strlen(cwd);
	if (!strncmp(abs, cwd, n) && abs[n] == '/')
		return xstrdup(abs + n + 1);
	return xstrdup(abs);
}

/* RF's real path: a copy of F's (the listing's strings are its own, in blocks),
 * for a file that is not packed (a packed one copies F's into its block). */
static void take_real_path(struct revision_file *rf, const struct source_file *f)
{
	revision_file_set_real_path(rf, xstrdup(f->real_path ? f->real_path : f->path));
}

/* Read and parse one listed file; a file that cannot be read is listed with why.
 * The bytes are the reader's (one buffer a thread, not a malloc and a free a
 * file), lent to the parse as the file's `text` and taken back once it is
 * parsed and packed; with KEEP_TEXT the file gets a copy of its own. The file
 * is read into the thread's SCRATCH, and packing it (or keeping it, when it
 * needs resolving) moves it out: one allocation a file. F's real path (its
 * path, in the lean listing, where they are the same) is packed with the file:
 * its path is then the real path's tail, no bytes of its own. */
static struct revision_file *read_one(struct source *src, struct source_reader *rd, struct parse_scratch *scratch,
				      struct source_file *f, bool keep_text)
{
	const char *lent = source_display_lent(src, f->path), *bytes;
	char *own = lent ? NULL : source_display(src, f->path), why[256]; /* as shown: most lent */
	const char *shown = lent ? lent : own;
	size_t len;
	struct revision_file *rf;
	int rc = source_reader_read_listed(rd, f, MT_MAX_FILE_SIZE, &bytes, &len, why);

	if (rc == SOURCE_READ_OK) {
		char *text = keep_text ? xstrndup(bytes, len) : (char *)bytes; /* never written */

		rf = parse_revision_file_lent(shown, text, len, PARSE_ADOPT_TEXT | PARSE_DROP_MODULE, scratch);
		docstring_complete(rf); /* reads the docstring's bytes: before they go */
		if (rf->needs_resolve) {
			rf = revision_file_keep(rf);
			take_real_path(rf, f);
		} else /* the listing's real path, copied into the file's block */
			rf = revision_file_pack_real(rf, f->real_path ? f->real_path : f->path);
		if (!keep_text)
			rf->text = NULL; /* the reader's */
	} else if (rc == SOURCE_READ_TOO_LARGE) {
		rf = revision_file_failed(shown, 0, "file larger than 16 MiB; not read as a migration");
		take_real_path(rf, f);
	} else {
		char msg[300];

		snprintf(msg, sizeof(msg), rc == SOURCE_READ_NOT_REGULAR ? "%s" : "cannot read: %s", why);
		rf = revision_file_failed(shown, 0, msg);
		take_real_path(rf, f);
	}
	free(own);
	return rf;
}

/* Files are handed out to the workers in chunks, in order, through one counter:
 * each file's result goes to its own slot, so the list is the same whatever
 * thread read what and when. */
#define SCAN_CHUNK 64

struct scan_job {
	struct source *src;
	struct source_files *listed;
	struct revision_file **slot;
	atomic_size_t next;
	bool keep_text;
	long threads;
};

static void *scan_worker(void *arg)
{
	struct scan_job *job = arg;
	struct source_reader *rd = source_reader_new(job->src);
	struct parse_scratch *scratch = parse_scratch_new();
	size_t n = job->listed->n, at;

	while ((at = atomic_fetch_add(&job->next, SCAN_CHUNK)) < n)
		for (size_t i = at; i < n && i < at + SCAN_CHUNK; i++)
			job->slot[i] = read_one(job->src, rd, scratch, &job->listed->v[i], job->keep_text);
	parse_scratch_free(scratch);
	source_reader_free(rd);
	return NULL;
}

/* The heap a file read keeps, about (the file and its block), and the pieces
 * reserve_heap takes it in: under the mmap threshold (main.c), so that they
 * come from the thread's heap. */
#define SCAN_FILE_HEAP 1024
#define RESERVE_PIECE (96 * 1024)
#define RESERVE_MAX_PIECES 320 /* 30 MiB: well inside one of glibc's 64 MiB thread heaps */

/* glibc gives a started thread a heap of its own and grows it a few pages at a
 * time as the thread's files fill it, each step an mprotect(2): 5,800 calls at
 * 100,000 files. Taking the room its share of N files will keep at once, and
 * giving it back, leaves those pages usable (glibc lowers that mark only when
 * the kernel's overcommit is strict): the files fill them without a system
 * call. The pieces are freed first to last, so that they merge into one free
 * run before the last one reaches the top: one trim, not one a piece. */
static void reserve_heap(size_t n)
{
	size_t pieces = n * SCAN_FILE_HEAP / RESERVE_PIECE;
	void **v;

	if (pieces < 2)
		return;
	if (pieces > RESERVE_MAX_PIECES)
		pieces = RESERVE_MAX_PIECES;
	v = xmalloc(pieces * sizeof(*v));
	for (size_t i = 0; i < pieces; i++)
		v[i] = xmalloc(RESERVE_PIECE);
	for (size_t i = 0; i < pieces; i++)
		free(v[i]);
	free(v);
}

/* Every file the kernel opens holds a reference to the opening thread's
 * credentials, taken at the open and dropped at the close, and every open
 * checks them: one count, in one cache line, for all of a process's threads
 * until one of them changes its credentials. Two threads opening 100,000 files
 * pass that line between their CPUs at each open and close (the kernel's
 * init_file, __fput and generic_permission took 4, 3 and 2 times their
 * one-thread time). Setting the thread's keep-capabilities flag to what it is
 * makes the kernel give the thread a copy of its credentials, the same in every
 * field: the line is then the thread's own. Where that is refused (a locked
 * flag) they stay shared, as before. */
static void own_credentials(void)
{
#if defined(__linux__)
	int keep = prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0);

	if (keep >= 0)
		(void)prctl(PR_SET_KEEPCAPS, (unsigned long)keep, 0, 0, 0);
#endif
}

static void *scan_thread(void *arg)
{
	struct scan_job *job = arg;

#if defined(__linux__)
	/* a table of file descriptors of its own (a copy: the same files open):
	 * its opens and closes then take no lock another thread also takes, and
	 * the kernel counts no reference per read where one thread alone uses a
	 * table; what it leaves open goes with it. 300,000 files: 7% less CPU,
	 * all of it the kernel's. Where it is refused, the table stays shared. */
	(void)unshare(CLONE_FILES);
#endif
	own_credentials();
	reserve_heap(job->listed->n / (size_t)job->threads);
	return scan_worker(arg);
}

/* One thread below SCAN_PARALLEL_AT (starting threads costs more than it saves
 * on a small project) or when the source must be read in order, else one per
 * online CPU, at most SCAN_MAX_THREADS. */
long scan_threads(const struct source *src, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < SCAN_PARALLEL_AT || !src->ops->concurrent_read || cpus < 2)
		return 1;
	return cpus < SCAN_MAX_THREADS ? cpus : SCAN_MAX_THREADS;
}

static void read_all(struct source *src, struct source_files *listed, struct revision_file **slot,
		     bool keep_text)
{
	long threads = scan_threads(src, listed->n), started = 0;
	struct scan_job job = { src, listed, slot, 0, keep_text, threads };
	pthread_t tid[SCAN_MAX_THREADS];

	for (long i = 1; i < threads; i++) /* the calling thread is the first worker */
		if (pthread_create(&tid[started], NULL, scan_thread, &job) == 0)
			started++;
	scan_worker(&job); /* a thread that could not start leaves its share here */
	for (long i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

int scan_project_from(struct source *src, const struct mt_config *cfg, bool keep_text, struct file_list *out,
		      struct mt_error *err)
{
	struct source_files listed;

	memset(out, 0, sizeof(*out));
	if (source_list_versions_lean(src, cfg, &listed, err)) {
		source_files_free(&listed);
		return -1;
	}
	GROW(out->v, out->cap, listed.n);
	source_hold_cwd(src, true);
	read_all(src, &listed, out->v, keep_text);
	source_hold_cwd(src, false);
	for (size_t i = 0; i < listed.n; i++) {
		struct revision_file *rf = out->v[i];

		rf->load_index = out->n++;
	}
	out->notes = listed.notes;
	memset(&listed.notes, 0, sizeof(listed.notes));
	source_files_free(&listed);
	return 0;
}

int revision_file_bytes(const struct revision_file *rf, struct source *src, char **bytes, size_t *len,
			struct mt_error *err)
{
	char why[256];
	struct revision_file *again;
	int rc;

	*bytes = NULL;
	*len = 0;
	if (!rf->real_path)
		return mt_fail(err, rf->path, 0, "not a file migtree read from disk");
	rc = source_read(src, rf->real_path, MT_MAX_FILE_SIZE, bytes, len, why);
	if (rc != SOURCE_READ_OK) {
		free(*bytes);
		*bytes = NULL;
		return rc == SOURCE_READ_TOO_LARGE
			       ? mt_fail(err, rf->path, 0, "changed on disk: now larger than 16 MiB")
			       : mt_fail(err, rf->path, 0, "changed on disk: cannot read it again: %s", why);
	}
	if (rf->text) /* still kept: the bytes themselves tell */
		rc = rf->len == *len && !memcmp(rf->text, *bytes, *len) ? 0 : -1;
	else {
		again = parse_revision_file_with(rf->path, *bytes, *len, 0);
		docstring_complete(again);
		rc = revision_file_reads_same(rf, again) ? 0 : -1;
		revision_file_free(again);
	}
	if (rc) {
		free(*bytes);
		*bytes = NULL;
		*len = 0;
		return mt_fail(err, rf->path, 0, "changed on disk since migtree read it; reload first");
	}
	return 0;
}

int scan_project(const struct mt_config *cfg, struct file_list *out, struct mt_error *err)
{
	return scan_project_from(source_worktree(), cfg, false, out, err);
}

void file_list_free(struct file_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		revision_file_free(fl->v[i]);
	free(fl->v);
	sl_free(&fl->notes);
	memset(fl, 0, sizeof(*fl));
}
