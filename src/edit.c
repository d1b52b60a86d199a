/* edit.c - in-memory changes to a history: span rewrites, new files, undo/redo.
 *
 * Every change becomes new bytes for some files; the files are re-parsed from
 * those bytes and the graph is rebuilt from memory. A step remembers each touched
 * file's bytes before and after, so undo and redo restore bytes exactly. When a
 * file's values come back to what they are on disk, its disk bytes come back too:
 * a change and its inverse leave every byte as it was. Loaded files keep no bytes:
 * a change reads its file again (load_text), so only edited files are in memory. */
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/diff.h"
#include "migtree/docstring.h"
#include "migtree/edit.h"
#include "migtree/githints.h"
#include "migtree/graph_update.h"
#include "migtree/topo.h"
#include "migtree/newfile.h"
#include "migtree/published.h"
#include "migtree/quote.h"
#include "migtree/source.h"

struct step_file {
	char *path;
	char *before, *after; /* NULL: the file does not exist on that side */
	size_t before_len, after_len;
	char *abs_path;       /* for files created by the step */
	size_t at;            /* its index among the files when the step was made:
			       * where file_index_at looks first (SIZE_MAX: none) */
};

struct edit_step {
	struct step_file *f;
	size_t n;
	uint64_t serial; /* names the step for the snapshot (an address may be reused) */
	uint64_t made_on; /* a prepared step: the session's state it was made in */
};

/* Undo right after an edit, and redo right after an undo, are the common case,
 * and they go back to the state the last step left: a step that rewrites one
 * file keeps that state (the file's old parse, the graph and the order built
 * over it) instead of freeing it, and going back swaps it in: no parse, no
 * graph build, no analysis, no order. The snapshot only ever holds the state
 * one step away, so every file its graph points to is alive (the one the step
 * rewrote is the snapshot's own). Any other change drops it. */
struct edit_snapshot {
	uint64_t serial;      /* the step it is the other side of */
	uint64_t state;       /* the name (edit_session.state) of the state it holds */
	bool after;           /* the state after the step (else before it) */
	size_t file;          /* the file the step rewrote */
	struct revision_file *rf; /* NULL: only what the passes made is kept (below) */
	struct graph graph;
	struct u32vec order;
	struct graph_known known; /* with RF NULL */
};

/* A step that graph_update.h relinked in place keeps no graph: going back is
 * the same relink. What it would cost again is the passes over the whole
 * history (order, pieces, the shape's warnings: 70 ms at 100,000); what they
 * made of the state left is kept instead (RF NULL, no graph: graph_known) and
 * given back to the relink that returns to it. */

/* A file's new bytes read as scan.c reads them. */
static struct revision_file *reparse(const char *path, const char *text, size_t len)
{
	struct revision_file *rf = parse_revision_file(path, text, len);

	docstring_complete(rf);
	return rf;
}

int edit_check_id(const char *id, struct mt_error *err)
{
	const unsigned char *p = (const unsigned char *)id;
	struct strbuf shown;
	char what[16];
	int rc;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return mt_fail(err, NULL, 0, "an empty revision id; did you mean `none`?");
	for (p = (const unsigned char *)id; *p && *p >= 0x20 && *p != 0x7f; p++)
		;
	if (!*p)
		return 0;
	sb_init(&shown);
	quote_python(&shown, id, '\'');
	snprintf(what, sizeof(what), "byte 0x%02x", *p);
	rc = mt_fail(err, NULL, 0, "the revision id '%.200s%s' holds a control character (%s); "
		     "an id is written into a Python string and a file name: rename that revision first",
		     shown.buf, shown.len > 200 ? "..." : "",
		     *p == '\n' ? "a newline" : *p == '\r' ? "a carriage return" : *p == '\t' ? "a tab" : what);
	sb_free(&shown);
	return rc;
}

/* edit_check_id for every id of LIST. */
static int check_ids(const struct strlist *list, struct mt_error *err)
{
	for (size_t i = 0; i < list->n; i++)
		if (edit_check_id(list->v[i], err))
			return -1;
	return 0;
}

void edit_begin(struct edit_session *s, struct project *p)
{
	memset(s, 0, sizeof(*s));
	s->p = p;
	s->own_names = 1;
	s->names = &s->own_names;
	s->state = (*s->names)++;
	GROW(s->files, s->cap_files, p->files.n + 1);
	for (size_t i = 0; i < p->files.n; i++) {
		/* no copy of the bytes yet: an untouched file's text is its disk's
		 * (keep_disk copies them when a change first touches the file) */
		s->files[i] = (struct file_state){ NULL, 0, false };
	}
	s->n_files = p->files.n;
}

void edit_begin_named(struct edit_session *s, struct project *p, uint64_t *names)
{
	edit_begin(s, p);
	s->names = names;
	s->state = (*names)++;
}

static void snapshot_drop(struct edit_session *s)
{
	if (!s->snap)
		return;
	if (s->snap->rf)
		graph_free(&s->snap->graph);
	free(s->snap->order.v);
	graph_known_free(&s->snap->known);
	revision_file_free(s->snap->rf);
	free(s->snap);
	s->snap = NULL;
}

static void step_free(struct edit_step *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->f[i].path);
		free(st->f[i].before);
		free(st->f[i].after);
		free(st->f[i].abs_path);
	}
	free(st->f);
	free(st);
}

static void clear_redo(struct edit_session *s)
{
	for (size_t i = 0; i < s->n_redo; i++)
		step_free(s->redo[i]);
	s->n_redo = 0;
}

static void batch_settle(struct edit_session *s);

void edit_end(struct edit_session *s)
{
	edit_batch_end(s);
	snapshot_drop(s);
	for (size_t i = 0; i < s->n_files; i++)
		free(s->files[i].disk);
	free(s->files);
	free(s->touched.v);
	for (size_t i = 0; i < s->n_undo; i++)
		step_free(s->undo[i]);
	clear_redo(s);
	free(s->undo);
	free(s->redo);
	memset(s, 0, sizeof(*s));
}

const char *edit_file_path(const struct edit_session *s, size_t i)
{
	return s->p->files.v[i]->path;
}

const char *edit_file_abs_path(const struct edit_session *s, size_t i)
{
	const struct revision_file *rf = s->p->files.v[i];

	return rf->real_path ? rf->real_path : rf->path;
}

static long file_index(const struct edit_session *s, const char *path)
{
	for (size_t i = 0; i < s->n_files; i++)
		if (!strcmp(edit_file_path(s, i), path))
			return (long)i;
	return -1;
}

/* PATH's index, looked for at AT first: a step's file is mostly where it was
 * when the step was made, and a search by path is 100,000 compares. */
static long file_index_at(const struct edit_session *s, const char *path, size_t at)
{
	if (at < s->n_files && !strcmp(edit_file_path(s, at), path))
		return (long)at;
	return file_index(s, path);
}

/* RF's index among the session's files: its load index when that still
 * names it (a search by path is 100,000 compares, for each revision of a run). */
static long index_of(const struct edit_session *s, const struct revision_file *rf)
{
	if (rf->load_index < s->n_files && s->p->files.v[rf->load_index] == rf)
		return (long)rf->load_index;
	return file_index(s, rf->path);
}

static void renumber(struct edit_session *s)
{
	for (size_t i = 0; i < s->p->files.n; i++)
		s->p->files.v[i]->load_index = i;
}

static void reanalyse(struct edit_session *s)
{
	s->rederived++;
	graph_free(&s->p->graph);
	renumber(s);
	project_analyse(s->p);
	published_fix_problems(s->published, &s->p->graph);
}

void edit_set_published(struct edit_session *s, const struct published *pub)
{
	s->published = pub;
	published_fix_problems(pub, &s->p->graph);
}

static bool suggestible(enum problem_kind k)
{
	return k == PROBLEM_MISSING_DOWN_REVISION || k == PROBLEM_MISSING_DEPENDENCY ||
	       k == PROBLEM_DISCONNECTED_COMPONENT;
}

void edit_suggest(struct edit_session *s, const char *about)
{
	struct graph *g = &s->p->graph;
	bool wanted = !about;

	if (!g->suggest_pending)
		return;
	for (size_t i = 0; i < g->problems.n && !wanted; i++) {
		const struct problem *p = &g->problems.v[i];

		wanted = suggestible(p->kind) && ((p->revision && !strcmp(p->revision, about)) ||
						  (p->ref && !strcmp(p->ref, about)));
	}
	if (wanted && analyze_suggest(g))
		published_fix_problems(s->published, g);
}

void edit_finish_messages(struct edit_session *s, const char *about)
{
	const struct problem_list *pl = &s->p->graph.problems;
	bool wanted = false;

	for (size_t i = 0; i < pl->n && !wanted; i++)
		wanted = pl->v[i].pending && (!about || (pl->v[i].revision && !strcmp(pl->v[i].revision, about)));
	if (wanted)
		analyze_finish_messages(&s->p->graph);
}

/* Is the file at I untouched: never changed, its text (when it holds one) still
 * the disk's bytes? */
static bool untouched(const struct edit_session *s, size_t i)
{
	return !s->files[i].is_new && !s->files[i].disk;
}

/* Give the file at I its bytes (rf->text) if it does not hold them. A scan keeps
 * no file's bytes (scan.h): the first change that splices a file reads it again,
 * refused when it no longer reads as it did (revision_file_bytes). A file a
 * change touched always holds its bytes, so only the files being edited have
 * them in memory. */
static int load_text(struct edit_session *s, size_t i, struct mt_error *err)
{
	struct revision_file *rf = s->p->files.v[i];
	char *bytes;
	size_t len;

	if (rf->text)
		return 0;
	if (revision_file_bytes(rf, source_worktree(), &bytes, &len, err))
		return -1;
	rf->text = bytes;
	rf->len = len;
	return 0;
}

/* The bytes the file at I had on disk (NULL for a new file); an untouched file's
 * text is loaded (load_text) before anything asks. */
static const char *disk_bytes(const struct edit_session *s, size_t i, size_t *len)
{
	if (untouched(s, i)) {
		*len = s->p->files.v[i]->len;
		return s->p->files.v[i]->text;
	}
	*len = s->files[i].disk_len;
	return s->files[i].disk;
}

/* The touched list (edit.h) when the file at I stops being untouched, or when
 * a file comes in at I (SHIFT 1: the indexes from I on move up) or goes (SHIFT
 * -1: I leaves the list, the indexes after it move down). */
static void touched_at(struct edit_session *s, uint32_t i, int shift)
{
	struct u32vec *t = &s->touched;
	/* found, not looked for in turn: a step of 30,000 files touches each */
	uint32_t k = u32_lower_bound(t->v, (uint32_t)t->n, i);
	if (shift < 0 && k < t->n && t->v[k] == i)
		memmove(t->v + k, t->v + k + 1, (--t->n - k) * sizeof(uint32_t));
	for (uint32_t j = k; shift && j < t->n; j++)
		t->v[j] = (uint32_t)((int64_t)t->v[j] + shift);
	if (shift >= 0) {
		u32_push(t, 0);
		memmove(t->v + k + 1, t->v + k, (t->n - 1 - k) * sizeof(uint32_t));
		t->v[k] = i;
	}
}

/* The first change of the file at I: keep the bytes it has on disk (loaded by
 * load_text before the change was made). */
static void touch(struct edit_session *s, size_t i)
{
	const struct revision_file *old = s->p->files.v[i];

	if (!untouched(s, i))
		return;
	touched_at(s, (uint32_t)i, 0);
	/* no text would be a missed load_text: "" then makes save refuse the file */
	s->files[i].disk = xstrndup(old->text ? old->text : "", old->text ? old->len : 0);
	s->files[i].disk_len = old->text ? old->len : 0;
}

/* Put TEXT in the file at I (re-parsed); the caller re-analyses. The disk's
 * bytes are copied the first time a file is touched. */
static void set_text(struct edit_session *s, size_t i, const char *text, size_t len)
{
	struct revision_file *old = s->p->files.v[i];
	struct revision_file *rf = reparse(old->path, text, len);

	touch(s, i);
	rf->real_path = old->real_path ? xstrdup(old->real_path) : NULL;
	rf->load_index = old->load_index;
	s->p->files.v[i] = rf;
	revision_file_free(old);
}

/* The length of PATH's directory, its '/' included. */
static size_t dir_len(const char *path)
{
	return (size_t)(path_base(path) - path);
}

/* Is PATH a file of the directory of the file OF (not of one below it)? */
static bool same_dir(const char *path, const char *of)
{
	size_t len = dir_len(of);

	return dir_len(path) == len && !strncmp(path, of, len);
}

/* Where a new file goes in load order: among the files of its directory, by name
 * (the order a fresh scan would give it). */
static size_t insertion_point(const struct edit_session *s, const char *abs_path)
{
	const char *name = path_base(abs_path);
	size_t at = s->n_files, last_in_dir = SIZE_MAX;

	for (size_t i = 0; i < s->n_files; i++) {
		const char *other = edit_file_abs_path(s, i), *n = path_base(other);

		if (!same_dir(other, abs_path))
			continue; /* another directory */
		last_in_dir = i;
		if (strcmp(n, name) > 0) {
			at = i;
			break;
		}
	}
	if (at == s->n_files && last_in_dir != SIZE_MAX)
		at = last_in_dir + 1;
	return at;
}

static void insert_file(struct edit_session *s, const char *path, const char *abs_path, const char *text,
			size_t len)
{
	size_t at = insertion_point(s, abs_path);
	struct revision_file *rf = reparse(path, text, len);

	rf->real_path = xstrdup(abs_path);
	GROW(s->p->files.v, s->p->files.cap, s->p->files.n + 1);
	memmove(s->p->files.v + at + 1, s->p->files.v + at, (s->p->files.n - at) * sizeof(*s->p->files.v));
	s->p->files.v[at] = rf;
	s->p->files.n++;
	GROW(s->files, s->cap_files, s->n_files + 1);
	memmove(s->files + at + 1, s->files + at, (s->n_files - at) * sizeof(*s->files));
	s->files[at] = (struct file_state){ NULL, 0, true };
	s->n_files++;
	touched_at(s, (uint32_t)at, 1);
}

static void remove_file(struct edit_session *s, size_t i)
{
	revision_file_free(s->p->files.v[i]);
	memmove(s->p->files.v + i, s->p->files.v + i + 1, (s->p->files.n - i - 1) * sizeof(*s->p->files.v));
	s->p->files.n--;
	free(s->files[i].disk);
	memmove(s->files + i, s->files + i + 1, (s->n_files - i - 1) * sizeof(*s->files));
	s->n_files--;
	touched_at(s, (uint32_t)i, -1);
}

/* The file a step rewrites when it rewrites exactly one existing file, else -1. */
static long one_rewrite(const struct edit_session *s, const struct edit_step *st)
{
	if (st->n != 1 || !st->f[0].before || !st->f[0].after)
		return -1;
	return file_index_at(s, st->f[0].path, st->f[0].at);
}

/* Going to the side of ST that the snapshot holds: swap it in (the state left
 * becomes the snapshot). */
static bool swap_snapshot(struct edit_session *s, const struct edit_step *st, bool forward)
{
	struct edit_snapshot *sn = s->snap;
	struct revision_file *rf;
	struct graph g;
	struct u32vec o;
	uint64_t state;

	if (!sn || !sn->rf || sn->serial != st->serial || sn->after != forward ||
	    one_rewrite(s, st) != (long)sn->file)
		return false;
	rf = s->p->files.v[sn->file];
	s->p->files.v[sn->file] = sn->rf;
	sn->rf = rf;
	g = s->p->graph, s->p->graph = sn->graph, sn->graph = g;
	o = s->p->order, s->p->order = sn->order, sn->order = o;
	state = s->state, s->state = sn->state, sn->state = state;
	sn->after = !forward;
	return true;
}

/* The state LEAVING, which step ST (applied FORWARD or back) leaves by
 * rewriting FILE, to be kept as the step's other side. */
static struct edit_snapshot *snapshot_new(const struct edit_step *st, uint64_t leaving, bool forward, size_t file)
{
	struct edit_snapshot *sn = xcalloc(1, sizeof(*sn));

	sn->serial = st->serial;
	sn->state = leaving;
	sn->after = !forward;
	sn->file = file;
	return sn;
}

/* ---- a step of many files -------------------------------------------------- */

/* A step's files one after the other: each is found, inserted or removed
 * with a pass over the session's files. */
static void apply_files_each(struct edit_session *s, const struct edit_step *st, bool forward)
{
	for (size_t k = 0; k < st->n; k++) {
		const struct step_file *f = &st->f[forward ? k : st->n - 1 - k];
		const char *text = forward ? f->after : f->before;
		size_t len = forward ? f->after_len : f->before_len;
		long i = file_index_at(s, f->path, f->at);

		if (!text && i >= 0)
			remove_file(s, (size_t)i);
		else if (text && i < 0)
			insert_file(s, f->path, f->abs_path, text, len);
		else if (text)
			set_text(s, (size_t)i, text, len);
	}
}

/* From this many files a step (a plan's placeholders: thousands) is applied
 * with one pass over the session's files, not one a file. */
enum { MANY_FILES = 4, MANY_DIRS = 8 };

/* A file coming in: where insertion_point would put it, among the files as
 * they are before any comes in. */
struct incoming {
	const struct step_file *f;
	const char *text;
	size_t len;
	size_t at;       /* before the file at AT (or at the end) */
	bool after_last; /* AT is past the last file of its directory */
};

/* The indexes of the session's files in the directory of the file OF, in
 * order; false when their names are not in order (insertion_point's "the
 * first one after it" is then no binary search). */
static bool files_in_dir(const struct edit_session *s, const char *of, struct u32vec *out)
{
	out->n = 0;
	for (size_t i = 0; i < s->n_files; i++) {
		const char *other = edit_file_abs_path(s, i);

		if (!same_dir(other, of))
			continue;
		if (out->n && strcmp(path_base(edit_file_abs_path(s, out->v[out->n - 1])), path_base(other)) > 0)
			return false;
		u32_push(out, (uint32_t)i);
	}
	return true;
}

/* IN's place in the files of its directory, IN_DIR (sorted by name, not empty). */
static void place_incoming(const struct edit_session *s, const struct u32vec *in_dir, struct incoming *in)
{
	const char *name = path_base(in->f->abs_path);
	uint32_t lo = 0, hi = in_dir->n;

	while (lo < hi) { /* the first file named after it */
		uint32_t mid = lo + (hi - lo) / 2;

		if (strcmp(path_base(edit_file_abs_path(s, in_dir->v[mid])), name) > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	in->after_last = lo == in_dir->n;
	in->at = in->after_last ? in_dir->v[in_dir->n - 1] + 1 : in_dir->v[lo];
}

/* Where each of IN goes, as insert_file one at a time would put them: false
 * when a directory has no file yet, too many directories, or names out of
 * order (left to insert_file). */
static bool place_all(const struct edit_session *s, struct incoming *in, size_t n)
{
	struct u32vec in_dir = { 0 };
	const char *dirs[MANY_DIRS]; /* a new file of each directory */
	size_t n_dirs = 0;
	bool ok = true;

	for (size_t k = 0; k < n && ok; k++) {
		size_t d = 0;

		while (d < n_dirs && !same_dir(in[k].f->abs_path, dirs[d]))
			d++;
		if (d < n_dirs)
			continue;
		if (n_dirs == MANY_DIRS)
			ok = false;
		else
			dirs[n_dirs++] = in[k].f->abs_path;
	}
	for (size_t d = 0; d < n_dirs && ok; d++) {
		ok = files_in_dir(s, dirs[d], &in_dir) && in_dir.n;
		for (size_t k = 0; k < n && ok; k++)
			if (same_dir(in[k].f->abs_path, dirs[d]))
				place_incoming(s, &in_dir, &in[k]);
	}
	free(in_dir.v);
	return ok;
}

/* The order insert_file would leave them in: by place; at one place, the one
 * past the last of its directory first (the next directory's first file is
 * there), then by name. */
static int by_place(const void *a, const void *b)
{
	const struct incoming *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->after_last != y->after_last)
		return x->after_last ? -1 : 1;
	return strcmp(path_base(x->f->abs_path), path_base(y->f->abs_path));
}

/* IN (placed, sorted) merged into the session's files in one pass. */
static void merge_incoming(struct edit_session *s, const struct incoming *in, size_t n)
{
	size_t total = s->n_files + n, k = 0, out = 0;
	struct revision_file **rfs = xmalloc(total * sizeof(*rfs));
	struct file_state *fs = xmalloc(total * sizeof(*fs));

	for (size_t i = 0; i <= s->n_files; i++) {
		for (; k < n && in[k].at == i; k++, out++) {
			rfs[out] = reparse(in[k].f->path, in[k].text, in[k].len);
			rfs[out]->real_path = xstrdup(in[k].f->abs_path);
			fs[out] = (struct file_state){ NULL, 0, true };
		}
		if (i < s->n_files) {
			rfs[out] = s->p->files.v[i];
			fs[out++] = s->files[i];
		}
	}
	free(s->p->files.v);
	free(s->files);
	s->p->files.v = rfs;
	s->p->files.n = s->p->files.cap = total;
	s->files = fs;
	s->n_files = s->cap_files = total;
}

/* The files flagged in GONE removed in one pass. */
static void remove_flagged(struct edit_session *s, const bool *gone)
{
	size_t out = 0;

	for (size_t i = 0; i < s->n_files; i++) {
		if (gone[i]) {
			revision_file_free(s->p->files.v[i]);
			free(s->files[i].disk);
			continue;
		}
		s->p->files.v[out] = s->p->files.v[i];
		s->files[out++] = s->files[i];
	}
	s->p->files.n = s->n_files = out;
}

/* The touched list (edit.h) made again from the files. */
static void retouch(struct edit_session *s)
{
	s->touched.n = 0;
	for (size_t i = 0; i < s->n_files; i++)
		if (!untouched(s, i))
			u32_push(&s->touched, (uint32_t)i);
}

/* Each file of ST found once (a map of the session's paths), the rewritten
 * ones rewritten, then the removed ones removed or the new ones merged in,
 * in one pass. -1, with nothing done, where that would not leave the files
 * in the order one at a time leaves them: a step that both removes and adds
 * files (a directory emptied then filled again takes another place), or new
 * files place_all cannot place. */
static int apply_files_at_once(struct edit_session *s, const struct edit_step *st, bool forward)
{
	struct incoming *in = xmalloc(st->n * sizeof(*in));
	long *at = xmalloc(st->n * sizeof(*at));
	bool *gone = xcalloc(s->n_files ? s->n_files : 1, sizeof(bool));
	struct strmap index;
	size_t n_in = 0, n_gone = 0;
	int rc = 0;

	strmap_init(&index);
	for (size_t i = s->n_files; i-- > 0;) /* the first of a path, as file_index finds it */
		strmap_put(&index, edit_file_path(s, i), (uint32_t)i);
	for (size_t k = 0; k < st->n; k++) {
		const struct step_file *f = &st->f[k];
		const char *text = forward ? f->after : f->before;
		uint32_t i;

		at[k] = strmap_get(&index, f->path, &i) ? (long)i : -1;
		if (text && at[k] < 0)
			in[n_in++] = (struct incoming){ f, text, forward ? f->after_len : f->before_len, 0, false };
		if (!text && at[k] >= 0)
			gone[at[k]] = true, n_gone++;
	}
	strmap_free(&index);
	if ((n_in && n_gone) || (n_in && !place_all(s, in, n_in)))
		rc = -1;
	for (size_t k = 0; k < st->n && !rc; k++) {
		const struct step_file *f = &st->f[k];
		const char *text = forward ? f->after : f->before;

		if (text && at[k] >= 0)
			set_text(s, (size_t)at[k], text, forward ? f->after_len : f->before_len);
	}
	if (!rc && n_gone)
		remove_flagged(s, gone);
	if (!rc && n_in) {
		sort_array(in, n_in, sizeof(*in), by_place);
		merge_incoming(s, in, n_in);
	}
	if (!rc)
		retouch(s);
	free(in);
	free(at);
	free(gone);
	return rc;
}

/* Make one side of a step true: AFTER when forward, BEFORE when undoing. */
static void apply_step(struct edit_session *s, const struct edit_step *st, bool forward)
{
	long one = one_rewrite(s, st);
	struct graph_known known = { 0 }, left;
	bool have_known = false;
	uint64_t leaving = s->state;

	if (swap_snapshot(s, st, forward))
		return;
	s->state = (*s->names)++;
	if (s->snap && !s->snap->rf && s->snap->serial == st->serial && s->snap->after == forward &&
	    one == (long)s->snap->file) { /* what the state we go back to was */
		known = s->snap->known;
		memset(&s->snap->known, 0, sizeof(s->snap->known));
		have_known = true;
		s->state = s->snap->state;
	}
	snapshot_drop(s);
	if (one >= 0) {
		const struct step_file *f = &st->f[0];
		struct edit_snapshot *sn;
		struct revision_file *old = s->p->files.v[one];
		struct revision_file *rf = reparse(old->path, forward ? f->after : f->before,
						   forward ? f->after_len : f->before_len);

		touch(s, (size_t)one);
		rf->real_path = old->real_path ? xstrdup(old->real_path) : NULL;
		rf->load_index = old->load_index;
		/* the revision relinked in place: no graph to keep, the way back
		 * is the same update */
		graph_known_take(&left, s->p); /* its order moved there by the update */
		s->rederived++;
		if ((old = graph_update_file_known(s->p, (size_t)one, rf, have_known ? &known : NULL, &left))) {
			graph_known_free(&known); /* emptied when taken */
			revision_file_free(old);
			published_fix_problems(s->published, &s->p->graph);
			sn = snapshot_new(st, leaving, forward, (size_t)one);
			sn->known = left;
			s->snap = sn;
			return;
		}
		graph_known_free(&left);
		graph_known_free(&known);
		/* else keep the state being left: the way back is a swap */
		old = s->p->files.v[one];
		sn = snapshot_new(st, leaving, forward, (size_t)one);
		sn->rf = old;
		sn->graph = s->p->graph;
		sn->order = s->p->order;
		s->p->files.v[one] = rf;
		memset(&s->p->graph, 0, sizeof(s->p->graph));
		memset(&s->p->order, 0, sizeof(s->p->order));
		s->snap = sn;
		project_analyse(s->p);
		published_fix_problems(s->published, &s->p->graph);
		return;
	}
	if (st->n < MANY_FILES || apply_files_at_once(s, st, forward))
		apply_files_each(s, st, forward);
	reanalyse(s);
}

static void push(struct edit_step ***stack, size_t *n, size_t *cap, struct edit_step *st)
{
	GROW(*stack, *cap, *n + 1);
	(*stack)[(*n)++] = st;
}

/* Record and apply a step (takes ownership). */
static void commit_step(struct edit_session *s, struct edit_step *st)
{
	batch_settle(s); /* the batch's re-parents came first */
	clear_redo(s);
	apply_step(s, st, true);
	push(&s->undo, &s->n_undo, &s->cap_undo, st);
}

/* ST made a step when it changes anything, else dropped. */
static void commit_if_any(struct edit_session *s, struct edit_step *st)
{
	if (st->n)
		commit_step(s, st);
	else
		step_free(st);
}

bool edit_can_undo(const struct edit_session *s)
{
	return s->n_undo > 0;
}

bool edit_can_redo(const struct edit_session *s)
{
	return s->n_redo > 0;
}

int edit_undo(struct edit_session *s)
{
	struct edit_step *st;

	batch_settle(s);
	if (!s->n_undo)
		return -1;
	st = s->undo[--s->n_undo];
	apply_step(s, st, false);
	push(&s->redo, &s->n_redo, &s->cap_redo, st);
	return 0;
}

int edit_redo(struct edit_session *s)
{
	struct edit_step *st;

	batch_settle(s);
	if (!s->n_redo)
		return -1;
	st = s->redo[--s->n_redo];
	apply_step(s, st, true);
	push(&s->undo, &s->n_undo, &s->cap_undo, st);
	return 0;
}

size_t edit_changed(const struct edit_session *s, size_t *indexes, size_t max)
{
	size_t n = 0;

	/* only touched files can differ: no compare of every file's bytes */
	for (uint32_t k = 0; k < s->touched.n; k++) {
		size_t i = s->touched.v[k];
		const struct revision_file *rf = s->p->files.v[i];
		bool changed;

		changed = s->files[i].is_new || rf->len != s->files[i].disk_len ||
			  memcmp(rf->text, s->files[i].disk, rf->len) != 0;

		if (changed) {
			if (indexes && n < max)
				indexes[n] = i;
			n++;
		}
	}
	return n;
}

bool *edit_pristine(const struct edit_session *s)
{
	bool *out = xmalloc((s->n_files ? s->n_files : 1) * sizeof(bool));

	for (size_t i = 0; i < s->n_files; i++) {
		const struct revision_file *rf = s->p->files.v[i];

		out[i] = untouched(s, i) || (!s->files[i].is_new && rf->len == s->files[i].disk_len &&
					     memcmp(rf->text, s->files[i].disk, rf->len) == 0);
	}
	return out;
}

/* ---- validation ----------------------------------------------------------- */

/* edit_check_parent's answer where whether P descends from REV is known. */
static char *why_not_parent(const struct graph *g, uint32_t rev, uint32_t p, bool descends, bool adding)
{
	if (p == rev)
		return xstrdup("cannot be its own parent");
	if (descends)
		return xasprintf("descends from %s: a cycle", g->nodes[rev].id);
	if (adding && u32_contains(&g->nodes[rev].down, p))
		return xstrdup("already a parent");
	return NULL;
}

char *edit_check_parent(const struct graph *g, uint32_t rev, uint32_t p, bool descends, bool adding)
{
	return why_not_parent(g, rev, p, descends, adding);
}

static bool batch_descends(struct edit_batch *b, uint32_t rev, uint32_t p);

/* Why P cannot become a parent of REV, asking the history order rather than
 * marking every descendant of REV (half the history for a revision in the
 * middle: 18 ms at 100,000 for each edit); BATCHED, the open batch's order,
 * which has its re-parents (edit_batch_begin). */
static char *check_parent_in(const struct edit_session *s, uint32_t rev, uint32_t p, bool adding, bool batched)
{
	bool descends = p != rev && (batched ? batch_descends(s->batch, rev, p) : project_descends(s->p, p, rev));

	return why_not_parent(&s->p->graph, rev, p, descends, adding);
}

static char *check_set_down(const struct edit_session *s, uint32_t rev, const struct strlist *parents,
			    bool allow_missing, bool batched)
{
	const struct graph *g = &s->p->graph;
	char *why = NULL;

	for (size_t i = 0; i < parents->n && !why; i++) {
		uint32_t p = graph_find(g, parents->v[i]);

		for (size_t k = 0; k < i && !why; k++)
			if (!strcmp(parents->v[k], parents->v[i]))
				why = xasprintf("%s is named twice", parents->v[i]);
		if (why)
			break;
		if ((p == NO_NODE || g->nodes[p].phantom) && strcmp(parents->v[i], g->nodes[rev].id)) {
			if (!allow_missing)
				why = xasprintf("no revision %s (a placeholder can be created for a missing one)",
						parents->v[i]);
		} else {
			char *phrase = check_parent_in(s, rev, p == NO_NODE ? rev : p, false, batched);

			if (phrase)
				why = xasprintf("%s %s", parents->v[i], phrase);
			free(phrase);
		}
	}
	return why;
}

char *edit_check_set_down(const struct edit_session *s, uint32_t rev, const struct strlist *parents,
			  bool allow_missing)
{
	return check_set_down(s, rev, parents, allow_missing, false);
}

/* ---- rewriting a file ------------------------------------------------------ */

struct splice {
	size_t start, end;
	char *with;
};

static int cmp_splice(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	return x->start < y->start ? 1 : x->start > y->start ? -1 : 0; /* last first */
}

static char *apply_splices(const char *text, size_t len, struct splice *sp, size_t n, size_t *out_len)
{
	struct strbuf sb;
	size_t pos = 0;

	sort_array(sp, n, sizeof(*sp), cmp_splice);
	sb_init(&sb);
	for (size_t i = n; i-- > 0;) { /* now first to last */
		sb_addn(&sb, text + pos, sp[i].start - pos);
		sb_adds(&sb, sp[i].with);
		pos = sp[i].end;
	}
	sb_addn(&sb, text + pos, len - pos);
	*out_len = sb.len;
	return sb_detach(&sb);
}

/* ID as a Python string literal quoted with Q: read back, it is ID again. */
static void add_literal(struct strbuf *sb, const char *id, char q)
{
	sb_addc(sb, q);
	quote_python(sb, id, q);
	sb_addc(sb, q);
}

/* The new down_revision literal, in the style the file already uses. */
static char *down_literal(const struct revision_file *rf, const struct strlist *parents)
{
	char q = rf->down.quote ? rf->down.quote : rf->rev.quote ? rf->rev.quote : '\'';
	char open = rf->down.kind == VALUE_SEQUENCE ? rf->text[rf->down.span.start] : '(';
	char close = open == '[' ? ']' : ')';
	struct strbuf sb;

	for (size_t i = 0; i < parents->n; i++)
		if (strchr(parents->v[i], q))
			q = q == '\'' ? '"' : '\'';
	if (parents->n == 0)
		return xstrdup("None");
	sb_init(&sb);
	if (parents->n == 1 && rf->down.kind != VALUE_SEQUENCE) {
		add_literal(&sb, parents->v[0], q);
		return sb_detach(&sb);
	}
	sb_addc(&sb, open);
	for (size_t i = 0; i < parents->n; i++) {
		sb_adds(&sb, i ? ", " : "");
		add_literal(&sb, parents->v[i], q);
	}
	if (parents->n == 1 && open == '(')
		sb_addc(&sb, ',');
	sb_addc(&sb, close);
	return sb_detach(&sb);
}

/* A string item rewritten to VALUE in the style of its old bytes OLD (prefix and
 * quotes kept), or NULL when only a fresh literal will do. */
static char *item_like(const char *old, size_t len, const char *value)
{
	size_t pre = 0;
	char q;

	while (pre < len && old[pre] != '\'' && old[pre] != '"')
		pre++;
	if (pre >= len || old[len - 1] != old[pre] || strchr(value, old[pre]) || strchr(value, '\\'))
		return NULL;
	q = old[pre];
	if (len - pre >= 6 && old[pre + 1] == q && old[pre + 2] == q) /* triple quotes */
		return xasprintf("%.*s%c%c%c%s%c%c%c", (int)pre, old, q, q, q, value, q, q, q);
	return xasprintf("%.*s%c%s%c", (int)pre, old, q, value, q);
}

/* Splices changing only the items that differ, when the shape stays (a string for
 * a string, a sequence of the same length): comments and layout are untouched. */
static size_t item_splices(const struct revision_file *rf, const struct strlist *parents, struct splice *sp,
			   size_t max)
{
	const struct py_value *d = &rf->down;
	size_t n = 0;

	if (!d->items.n || !((d->kind == VALUE_STRING && parents->n == 1) ||
			     (d->kind == VALUE_SEQUENCE && parents->n == d->items.n && parents->n > 0)))
		return SIZE_MAX;
	for (size_t i = 0; i < parents->n; i++) {
		const struct mt_span is = pv_item_span(d, i);
		char *with;

		if (!strcmp(d->items.v[i], parents->v[i]))
			continue;
		with = item_like(rf->text + is.start, is.end - is.start, parents->v[i]);
		if (!with || n == max) {
			free(with);
			for (size_t k = 0; k < n; k++)
				free(sp[k].with);
			return SIZE_MAX;
		}
		sp[n++] = (struct splice){ is.start, is.end, with };
	}
	return n;
}

/* A docstring header line's value replaced by VALUE; a bare `Revises:` gets the
 * space Alembic's template writes after the colon. */
static struct splice header_splice(const struct revision_file *rf, const struct doc_field *f,
				   const char *value)
{
	struct mt_span v = docstring_value_span(rf, f);
	bool bare = v.start == v.end && rf->text[v.start - 1] == ':';

	return (struct splice){ v.start, v.end, xasprintf("%s%s", bare && *value ? " " : "", value) };
}

/* New bytes for RF with down_revision PARENTS; NULL with ERR set when refused. */
static char *rewrite_down(const struct edit_session *s, size_t idx, const struct strlist *parents,
			  size_t *out_len, struct mt_error *err)
{
	const struct revision_file *rf = s->p->files.v[idx];
	const struct file_state *fs = &s->files[idx];
	struct splice *sp = xcalloc(rf->down.items.n + 2, sizeof(*sp));
	size_t n = item_splices(rf, parents, sp, rf->down.items.n + 1);
	char *text, *joined = docstring_revises_text(parents);
	struct revision_file *check, *disk;

	if (n == SIZE_MAX) { /* the shape changes: a new literal in the file's style */
		n = 0;
		sp[n++] = (struct splice){ rf->down.span.start, rf->down.span.end, down_literal(rf, parents) };
	}
	if (rf->doc_revises.value)
		sp[n++] = header_splice(rf, &rf->doc_revises, joined);
	text = apply_splices(rf->text, rf->len, sp, n, out_len);
	for (size_t i = 0; i < n; i++)
		free(sp[i].with);
	free(sp);
	free(joined);
	check = reparse(rf->path, text, *out_len);
	if (check->error || !sl_equal(&check->down.ids, parents)) {
		mt_fail(err, rf->path, rf->down.span.line, "cannot rewrite down_revision here: %s",
			check->error ? check->error : "the new value does not read back");
		revision_file_free(check);
		free(text);
		return NULL;
	}
	/* back to the disk's value: back to the disk's bytes, docstring included, so a
	 * change and its inverse leave the file as it was */
	if (!fs->is_new) {
		size_t disk_len;
		const char *on_disk = disk_bytes(s, idx, &disk_len);

		disk = reparse(rf->path, on_disk, disk_len);
		if (!disk->error && sl_equal(&disk->down.ids, parents)) {
			free(text);
			text = xstrndup(on_disk, disk_len);
			*out_len = disk_len;
		}
		revision_file_free(disk);
	}
	revision_file_free(check);
	return text;
}

static uint64_t step_serial; /* steps of every session: serials never repeat */

static struct edit_step *new_step(void)
{
	struct edit_step *st = xcalloc(1, sizeof(struct edit_step));

	st->serial = ++step_serial;
	return st;
}

static void step_add(struct edit_step *st, const char *path, const char *abs_path, const char *before,
		     size_t before_len, char *after, size_t after_len, size_t at)
{
	st->f = xrealloc(st->f, (st->n + 1) * sizeof(*st->f));
	st->f[st->n++] = (struct step_file){ xstrdup(path), before ? xstrndup(before, before_len) : NULL,
					     after, before_len, after_len,
					     abs_path ? xstrdup(abs_path) : NULL, at };
}

/* ---- several operations as one step ---------------------------------------- */

size_t edit_mark(const struct edit_session *s)
{
	return s->n_undo;
}

/* Per file, its bytes before the first step and after the last: a file the
 * steps made and then changed is new with its last bytes. */
static struct edit_step *fused(struct edit_step *const *steps, size_t n)
{
	struct edit_step *st = new_step();
	struct strmap at; /* path -> its index in ST */
	struct step_at {
		size_t step, k;
	} *last = NULL; /* per file of ST: where the last step that has it has it */
	size_t cap = 0;

	strmap_init(&at);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < steps[i]->n; k++) {
			const struct step_file *f = &steps[i]->f[k];
			uint32_t j;

			if (!strmap_get(&at, f->path, &j)) {
				step_add(st, f->path, f->abs_path, f->before, f->before_len, NULL, 0, f->at);
				strmap_put(&at, st->f[st->n - 1].path, j = (uint32_t)(st->n - 1));
				GROW(last, cap, st->n);
			} else if (!st->f[j].abs_path && f->abs_path) {
				st->f[j].abs_path = xstrdup(f->abs_path);
			}
			last[j] = (struct step_at){ i, k };
		}
	for (size_t j = 0; j < st->n; j++) { /* the last bytes each file was given (none: removed) */
		const struct step_file *f = &steps[last[j].step]->f[last[j].k];

		if (f->after) {
			st->f[j].after = xstrndup(f->after, f->after_len);
			st->f[j].after_len = f->after_len;
		}
	}
	strmap_free(&at);
	free(last);
	return st;
}

void edit_fuse(struct edit_session *s, size_t mark)
{
	struct edit_step *st;

	batch_settle(s);
	if (mark >= s->n_undo || s->n_undo - mark < 2)
		return;
	st = fused(s->undo + mark, s->n_undo - mark);
	for (size_t i = mark; i < s->n_undo; i++)
		step_free(s->undo[i]);
	s->n_undo = mark;
	snapshot_drop(s); /* it was the other side of the last step alone */
	push(&s->undo, &s->n_undo, &s->cap_undo, st);
}

void edit_clear_redo(struct edit_session *s)
{
	clear_redo(s);
}

char *edit_last_step_diff(const struct edit_session *s)
{
	return s->n_undo ? edit_step_diff(s->undo[s->n_undo - 1]) : xstrdup("");
}

/* ---- re-parents as one step (edit_batch_begin) ----------------------------- */

struct edit_batch {
	struct edit_step *st;    /* the files rewritten so far, in the order of the edits */
	struct strlist expected; /* child, parent, child, parent...: where the order starts */
	/* made on the first re-parent after the graph last changed (then
	 * HAVE_TOPO): the graph's links and the batch's, for the cycles */
	bool have_topo;
	struct topo topo;
	uint32_t *slot;          /* per node: its parents in LISTS when the batch gave it new ones */
	struct u32vec *lists;
	size_t n_lists, cap_lists;
};

/* The batch's order and re-parents dropped (the graph is about to change). */
static void batch_reset(struct edit_batch *b)
{
	if (!b->have_topo)
		return;
	topo_free(&b->topo);
	for (size_t k = 0; k < b->n_lists; k++)
		free(b->lists[k].v);
	free(b->slot);
	b->slot = NULL;
	b->n_lists = 0;
	b->have_topo = false;
}

static void batch_free(struct edit_batch *b)
{
	if (!b)
		return;
	batch_reset(b);
	free(b->lists);
	step_free(b->st);
	sl_free(&b->expected);
	free(b);
}

/* The batch's re-parents so far made a step, after which the graph is
 * brought up to date: before any other change, undo or redo. */
static void batch_settle(struct edit_session *s)
{
	struct edit_batch *b = s->batch;
	struct edit_step *st;

	if (!b)
		return;
	batch_reset(b);
	if (!b->st->n)
		return;
	st = b->st;
	b->st = new_step();
	s->batch = NULL; /* committed as any other step */
	commit_step(s, st);
	s->batch = b;
}

/* The order of the graph as it is and the links expected, made if not yet:
 * false where the history has a cycle (no order to keep). */
static bool batch_ready(struct edit_session *s)
{
	struct edit_batch *b = s->batch;
	const struct graph *g = &s->p->graph;
	struct topo_link *links;
	size_t n = 0;
	int rc;

	if (b->have_topo)
		return true;
	links = xmalloc((b->expected.n / 2 + 1) * sizeof(*links));
	for (size_t k = 0; k + 1 < b->expected.n; k += 2) {
		uint32_t c = graph_find(g, b->expected.v[k]), p = graph_find(g, b->expected.v[k + 1]);

		if (c != NO_NODE && p != NO_NODE)
			links[n++] = (struct topo_link){ c, p };
	}
	rc = topo_init(&b->topo, s->p, links, n);
	free(links);
	if (rc)
		return false;
	b->slot = xmalloc((g->n ? g->n : 1) * sizeof(uint32_t));
	memset(b->slot, 0xff, (g->n ? g->n : 1) * sizeof(uint32_t)); /* NO_NODE: none */
	b->have_topo = true;
	return true;
}

/* Would P as a parent of REV (given none by the batch yet) close a cycle
 * through the batch's links? The link is made in the order and taken back:
 * the order stays mended for it. */
static bool batch_descends(struct edit_batch *b, uint32_t rev, uint32_t p)
{
	if (!topo_add(&b->topo, rev, p))
		return true;
	topo_remove(&b->topo, rev);
	return false;
}

/* A parent list this long is left to the step of its own (its parents
 * compared with the old ones, each with each). */
enum { BATCH_MAX_PARENTS = 64 };

/* Can the open batch check and make node V's new PARENTS alone: no missing
 * one allowed, V not re-parented by it yet, every parent V has that is there
 * kept (a missing one, dropped, was no ancestor of anything), one new parent
 * at most (the order keeps one link a revision, topo.h)? */
static bool batch_takes(struct edit_session *s, uint32_t v, const struct strlist *parents, bool allow_missing)
{
	const struct graph *g = &s->p->graph;
	const struct u32vec *was;
	size_t n_new = 0;

	if (allow_missing || v == NO_NODE || g->nodes[v].phantom || parents->n > BATCH_MAX_PARENTS ||
	    g->nodes[v].down.n > BATCH_MAX_PARENTS || !batch_ready(s) || s->batch->slot[v] != NO_NODE)
		return false;
	was = &g->nodes[v].down;
	for (size_t k = 0; k < parents->n; k++)
		n_new += !u32_contains(was, graph_find(g, parents->v[k]));
	for (uint32_t k = 0; k < was->n; k++)
		if (!g->nodes[was->v[k]].phantom && !sl_contains(parents, g->nodes[was->v[k]].id))
			return false;
	return n_new <= 1;
}

/* Whether node V's change may go in the open batch (then the batch's
 * order is ready for its checks); where it may not, the batch so far is made
 * a step first, and V (a revision: its node stays) is checked on the graph
 * brought up to date. */
static bool batch_or_settle(struct edit_session *s, uint32_t v, const struct strlist *parents, bool allow_missing)
{
	if (!s->batch)
		return false;
	if (batch_takes(s, v, parents, allow_missing))
		return true;
	batch_settle(s);
	return false;
}

/* V's new PARENTS (checked) kept in the batch, and its file's new bytes. */
static void batch_record(struct edit_session *s, uint32_t v, const struct strlist *parents, const struct revision_file *rf,
			 char *text, size_t len, size_t idx)
{
	struct edit_batch *b = s->batch;
	const struct graph *g = &s->p->graph;
	struct u32vec now = { 0 };

	for (size_t k = 0; k < parents->n; k++) {
		uint32_t q = graph_find(g, parents->v[k]);

		if (!u32_contains(&g->nodes[v].down, q))
			topo_add(&b->topo, v, q); /* the one new parent: checked, no cycle */
		u32_push(&now, q);
	}
	GROW(b->lists, b->cap_lists, b->n_lists + 1);
	b->lists[b->n_lists] = now;
	b->slot[v] = (uint32_t)b->n_lists++;
	step_add(b->st, rf->path, NULL, rf->text, rf->len, text, len, idx);
}

void edit_batch_begin(struct edit_session *s, const struct edit_relink *expected, size_t n)
{
	struct edit_batch *b = xcalloc(1, sizeof(*b));

	edit_batch_end(s);
	b->st = new_step();
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < expected[k].parents->n; i++) {
			sl_push(&b->expected, expected[k].rev);
			sl_push(&b->expected, expected[k].parents->v[i]);
		}
	s->batch = b;
}

void edit_batch_end(struct edit_session *s)
{
	batch_settle(s);
	batch_free(s->batch);
	s->batch = NULL;
}

bool edit_names(const struct edit_session *s, uint32_t rev, uint32_t p)
{
	const struct edit_batch *b = s->batch;

	if (b && b->have_topo && b->slot[rev] != NO_NODE)
		return u32_contains(&b->lists[b->slot[rev]], p);
	return u32_contains(&s->p->graph.nodes[rev].down, p);
}

int edit_set_down(struct edit_session *s, const char *rev, const struct strlist *parents,
		  bool allow_missing, struct mt_error *err)
{
	uint32_t v = graph_find(&s->p->graph, rev);
	const struct revision_file *rf;
	struct edit_step *st;
	char *why, *text;
	size_t len;
	long idx;
	bool batched;

	if (check_ids(parents, err))
		return -1;
	if (!(batched = batch_or_settle(s, v, parents, allow_missing)))
		v = graph_find(&s->p->graph, rev);
	if (v == NO_NODE || s->p->graph.nodes[v].phantom)
		return mt_fail(err, NULL, 0, "no revision %s", rev);
	why = check_set_down(s, v, parents, allow_missing, batched);
	if (why) {
		mt_fail(err, NULL, 0, "%s", why);
		free(why);
		return -1;
	}
	rf = s->p->graph.nodes[v].file;
	idx = index_of(s, rf);
	if (load_text(s, (size_t)idx, err))
		return -1;
	text = rewrite_down(s, (size_t)idx, parents, &len, err);
	if (!text)
		return -1;
	if (batched) {
		batch_record(s, v, parents, rf, text, len, (size_t)idx);
		return 0;
	}
	st = new_step();
	step_add(st, rf->path, NULL, rf->text, rf->len, text, len, (size_t)idx);
	commit_step(s, st);
	return 0;
}

int edit_add_parent(struct edit_session *s, const char *rev, const char *parent, struct mt_error *err)
{
	uint32_t v = graph_find(&s->p->graph, rev), p;
	struct strlist parents = { 0 };
	bool batched = false;
	int rc;

	if (v == NO_NODE || s->p->graph.nodes[v].phantom)
		return mt_fail(err, NULL, 0, "no revision %s", rev);
	sl_copy(&parents, &s->p->graph.nodes[v].file->down.ids);
	sl_push(&parents, parent);
	if (!(batched = batch_or_settle(s, v, &parents, false)))
		v = graph_find(&s->p->graph, rev);
	p = graph_find(&s->p->graph, parent);
	if (p != NO_NODE && !s->p->graph.nodes[p].phantom) {
		char *why = check_parent_in(s, v, p, true, batched);

		if (why) {
			mt_fail(err, NULL, 0, "%s: %s of %s", parent, why, rev);
			free(why);
			sl_free(&parents);
			return -1;
		}
	}
	rc = edit_set_down(s, rev, &parents, false, err);
	sl_free(&parents);
	return rc;
}

/* ---- several links at once ------------------------------------------------- */

/* Parent K of V over down_revision (LINKS' new one for a revision relinked:
 * RELINKED[v] is its link's index + 1) then depends_on; *END past the last. */
static uint32_t up_at(const struct graph *g, const struct edit_relink *links, const uint32_t *relinked,
		      uint32_t v, uint32_t k, bool *end)
{
	const struct node *nd = &g->nodes[v];
	const struct strlist *to = relinked[v] ? links[relinked[v] - 1].parents : NULL;
	uint32_t n_down = to ? (uint32_t)to->n : nd->down.n;

	if (k < n_down)
		return to ? graph_find(g, to->v[k]) : nd->down.v[k];
	k -= n_down;
	if (k < nd->deps.n)
		return nd->deps.v[k];
	*end = true;
	return NO_NODE;
}

/* Would the new links close a cycle? One made now passes through a new edge,
 * hence through a relinked revision: a depth-first walk up from those finds
 * it. A revision already in a cycle (and not relinked) is not walked through:
 * that cycle is not the change's. */
static bool makes_cycle(const struct graph *g, const struct edit_relink *links, size_t n,
			const uint32_t *relinked)
{
	struct frame {
		uint32_t v, k;
	} *st = xmalloc((g->n ? g->n : 1) * sizeof(*st));
	uint8_t *color = xcalloc(g->n ? g->n : 1, 1); /* 1: on the walk's path, 2: done */
	uint32_t depth = 0;
	bool cycle = false;

	for (size_t i = 0; i < n && !cycle; i++) {
		uint32_t v = graph_find(g, links[i].rev);

		if (color[v])
			continue;
		color[v] = 1;
		st[depth++] = (struct frame){ v, 0 };
		while (depth && !cycle) {
			struct frame *top = &st[depth - 1];
			bool end = false;
			uint32_t u = up_at(g, links, relinked, top->v, top->k++, &end);

			if (end) {
				color[top->v] = 2;
				depth--;
			} else if (u == NO_NODE || g->nodes[u].phantom || (g->nodes[u].in_cycle && !relinked[u])) {
				continue;
			} else if (color[u] == 1) {
				cycle = true;
			} else if (!color[u]) {
				color[u] = 1;
				st[depth++] = (struct frame){ u, 0 };
			}
		}
	}
	free(st);
	free(color);
	return cycle;
}

/* Link I of LINKS against the state now: a revision present and named once,
 * its parents as set-down checks them (cycles apart: makes_cycle). */
static int check_link(const struct edit_session *s, const struct edit_relink *links, size_t i,
		      uint32_t *relinked, bool allow_missing, struct mt_error *err)
{
	const struct graph *g = &s->p->graph;
	const struct strlist *to = links[i].parents;
	uint32_t v = graph_find(g, links[i].rev);

	if (edit_check_id(links[i].rev, err) || check_ids(to, err))
		return -1;
	if (v == NO_NODE || g->nodes[v].phantom)
		return mt_fail(err, NULL, 0, "no revision %s", links[i].rev);
	if (relinked[v])
		return mt_fail(err, NULL, 0, "%s is given new parents twice", links[i].rev);
	relinked[v] = (uint32_t)i + 1;
	for (size_t k = 0; k < to->n; k++) {
		uint32_t p = graph_find(g, to->v[k]);

		for (size_t j = 0; j < k; j++)
			if (!strcmp(to->v[j], to->v[k]))
				return mt_fail(err, NULL, 0, "%s: %s is named twice", links[i].rev, to->v[k]);
		if (p == v)
			return mt_fail(err, NULL, 0, "%s cannot be its own parent", links[i].rev);
		if ((p == NO_NODE || g->nodes[p].phantom) && !allow_missing)
			return mt_fail(err, NULL, 0, "no revision %s (a placeholder can be created for a missing one)",
				       to->v[k]);
	}
	return 0;
}

/* The new bytes of each link that changes something, into ST. */
static int relink_files(struct edit_session *s, const struct edit_relink *links, size_t n, struct edit_step *st,
			struct mt_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct revision_file *rf = s->p->graph.nodes[graph_find(&s->p->graph, links[i].rev)].file;
		long idx = index_of(s, rf);
		char *text;
		size_t len;

		if (sl_equal(&rf->down.ids, links[i].parents))
			continue;
		if (load_text(s, (size_t)idx, err) || !(text = rewrite_down(s, (size_t)idx, links[i].parents, &len, err)))
			return -1;
		step_add(st, rf->path, NULL, rf->text, rf->len, text, len, (size_t)idx);
	}
	if (!st->n)
		return mt_fail(err, NULL, 0, "nothing changes: every revision has those parents already");
	return 0;
}

struct edit_step *edit_relink_prepare(struct edit_session *s, const struct edit_relink *links, size_t n,
				      bool allow_missing, struct mt_error *err)
{
	const struct graph *g = &s->p->graph;
	uint32_t *relinked = xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	struct edit_step *st = NULL;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		rc = check_link(s, links, i, relinked, allow_missing, err);
	if (!rc && makes_cycle(g, links, n, relinked))
		rc = mt_fail(err, NULL, 0, "the new links would make a cycle");
	if (!rc) {
		st = new_step();
		st->made_on = s->state;
		if (relink_files(s, links, n, st, err)) {
			step_free(st);
			st = NULL;
		}
	}
	free(relinked);
	return st;
}

char *edit_step_diff(const struct edit_step *st)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < st->n; i++) {
		const struct step_file *f = &st->f[i];
		char *d = diff_unified(f->path, f->before, f->before_len, f->after ? f->after : "",
				       f->after ? f->after_len : 0);

		sb_adds(&sb, d);
		free(d);
	}
	return sb_detach(&sb);
}

int edit_step_commit(struct edit_session *s, struct edit_step *st, struct mt_error *err)
{
	if (st->made_on != s->state) {
		step_free(st);
		return mt_fail(err, NULL, 0, "the history changed since the change was made: make it again");
	}
	commit_step(s, st);
	return 0;
}

void edit_step_free(struct edit_step *st)
{
	if (st)
		step_free(st);
}

int edit_relink(struct edit_session *s, const struct edit_relink *links, size_t n, bool allow_missing,
		struct mt_error *err)
{
	struct edit_step *st = edit_relink_prepare(s, links, n, allow_missing, err);

	return st ? edit_step_commit(s, st, err) : -1;
}

/* ---- the docstring header ---------------------------------------------------- */

/* Does CHECK read as RF with a header that agrees: same revision and parents? */
static bool header_fixed(const struct revision_file *rf, const struct revision_file *check)
{
	return !check->error && check->revision && !strcmp(check->revision, rf->revision) &&
	       sl_equal(&check->down.ids, &rf->down.ids) && docstring_revises_agrees(check) &&
	       docstring_revision_id_agrees(check);
}

/* New bytes for RF whose `Revision ID:` and `Revises:` say what its variables say;
 * NULL with ERR set when they already do or the result would not read back. The
 * new bytes are resolved with R as RF was: a computed down_revision (known from a
 * module or --define) only reads back that way. */
static char *rewrite_header(struct resolver *r, const struct revision_file *rf, size_t *out_len,
			    struct mt_error *err)
{
	struct splice sp[2];
	size_t n = 0;
	char *text = NULL, *joined;
	struct revision_file *check;

	if (!docstring_revision_id_agrees(rf))
		sp[n++] = header_splice(rf, &rf->doc_revision_id, rf->revision);
	if (!docstring_revises_agrees(rf)) {
		joined = docstring_revises_text(&rf->down.ids);
		sp[n++] = header_splice(rf, &rf->doc_revises, joined);
		free(joined);
	}
	if (!n) {
		mt_fail(err, NULL, 0, "nothing to fix: the docstring of %s already agrees with its variables",
			rf->revision);
		return NULL;
	}
	text = apply_splices(rf->text, rf->len, sp, n, out_len);
	for (size_t i = 0; i < n; i++)
		free(sp[i].with);
	check = reparse(rf->path, text, *out_len);
	check->real_path = rf->real_path ? xstrdup(rf->real_path) : NULL;
	resolve_file(r, check);
	if (!header_fixed(rf, check)) {
		mt_fail(err, rf->path, rf->doc_line, "cannot rewrite the docstring here: %s",
			check->error ? check->error : "the new header does not read back");
		free(text);
		text = NULL;
	}
	revision_file_free(check);
	return text;
}

/* REV's docstring rewritten, added to ST (not yet applied); -1 with ERR set. */
static int add_docstring(struct edit_session *s, struct edit_step *st, const char *rev, struct mt_error *err)
{
	uint32_t v = graph_find(&s->p->graph, rev);
	const struct revision_file *rf;
	long idx;
	char *text;
	size_t len;

	if (v == NO_NODE || s->p->graph.nodes[v].phantom)
		return mt_fail(err, NULL, 0, "no revision %s", rev);
	rf = s->p->graph.nodes[v].file;
	idx = index_of(s, rf);
	if (load_text(s, (size_t)idx, err))
		return -1;
	text = rewrite_header(s->p->resolver, rf, &len, err);
	if (!text)
		return -1;
	step_add(st, rf->path, NULL, rf->text, rf->len, text, len, (size_t)idx);
	return 0;
}

int edit_set_docstring(struct edit_session *s, const char *rev, struct mt_error *err)
{
	struct edit_step *st = new_step();

	if (add_docstring(s, st, rev, err)) {
		step_free(st);
		return -1;
	}
	commit_step(s, st);
	return 0;
}

/* A step a file (the explorer's undo keeps the state one step away, a copy
 * of the problems each step) made --all the revisions' square: one step, and
 * one analysis, for them all. A file rewrites only its own header, so each
 * one's bytes are what they would be after the others; a revision named
 * again is refused as it would be then, its docstring fixed already. */
int edit_set_docstrings(struct edit_session *s, const struct strlist *revs, struct mt_error *err)
{
	struct edit_step *st = new_step();
	struct strmap named;
	int rc = 0;

	strmap_init(&named);
	for (size_t i = 0; i < revs->n && !rc; i++) {
		uint32_t v = graph_find(&s->p->graph, revs->v[i]);

		if (v != NO_NODE && !strmap_put(&named, s->p->graph.nodes[v].id, (uint32_t)i))
			rc = mt_fail(err, NULL, 0, "nothing to fix: the docstring of %s already agrees with its variables",
				     s->p->graph.nodes[v].id);
		else
			rc = add_docstring(s, st, revs->v[i], err);
	}
	strmap_free(&named);
	if (rc)
		step_free(st);
	else
		commit_if_any(s, st);
	return rc;
}

/* ---- new files ------------------------------------------------------------- */

/* A new file's bytes and where it goes: its path as the project shows it and
 * the path it is written to. */
struct new_file {
	char *shown, *abs_path, *text;
	size_t len;
};

static void new_file_free(struct new_file *nf)
{
	free(nf->shown);
	free(nf->abs_path);
	free(nf->text);
}

/* The file of a new revision in DIR, refused when a file of its name exists:
 * on disk, or in the session (TAKEN, when given: the paths shown of the
 * session's files and of those made beside it; a search of the session is
 * 10,000 compares a file). */
static int render_new_file(struct edit_session *s, const char *dir, const struct new_revision *nr,
			   const struct strmap *taken, struct new_file *nf, struct mt_error *err)
{
	char *name = NULL;

	memset(nf, 0, sizeof(*nf));
	if (newfile_render(&s->p->config, nr, &name, &nf->text, err))
		return -1;
	nf->abs_path = xasprintf("%s/%s", dir, name);
	nf->shown = scan_display_path(nf->abs_path);
	nf->len = strlen(nf->text);
	free(name);
	if ((taken ? strmap_get(taken, nf->shown, NULL) : file_index(s, nf->shown) >= 0) ||
	    access(nf->abs_path, F_OK) == 0) {
		mt_fail(err, nf->abs_path, 0, "a file of that name already exists");
		new_file_free(nf);
		return -1;
	}
	return 0;
}

/* NF's file added to ST (its bytes taken). */
static void step_add_new(struct edit_step *st, struct new_file *nf)
{
	step_add(st, nf->shown, nf->abs_path, NULL, 0, nf->text, nf->len, SIZE_MAX);
	nf->text = NULL;
	new_file_free(nf);
}

static char *dir_of_file(const struct revision_file *rf)
{
	return path_dir(rf->real_path ? rf->real_path : rf->path);
}

/* Placeholders made together (edit_create_stubs): their step; their ids (to
 * their index in the step); the paths shown of the session's files and of
 * theirs; the history order with their links. */
struct stub_batch {
	struct edit_step *st;
	struct strmap made, taken;
	struct topo topo;
};

/* Why the placeholder for ID on PARENT (or none) is refused, into ERR; 0 when
 * it is not. B: the batch it is made in (its placeholders are revisions by
 * then), which finds the cycles; or NULL. */
static int check_stub(const struct edit_session *s, const char *id, const char *parent, const struct stub_batch *b,
		      struct mt_error *err)
{
	const struct graph *g = &s->p->graph;
	uint32_t v = graph_find(g, id), p = parent ? graph_find(g, parent) : NO_NODE;
	bool parent_made = parent && b && strmap_get(&b->made, parent, NULL);
	char *why = NULL;

	if (edit_check_id(id, err) || (parent && edit_check_id(parent, err)))
		return -1;
	if (v != NO_NODE && !g->nodes[v].phantom)
		return mt_fail(err, NULL, 0, "%s exists already (%s)", id, g->nodes[v].file->path);
	if (v == NO_NODE)
		return mt_fail(err, NULL, 0, "no revision names %s: a placeholder is for a missing revision", id);
	if (!newfile_valid_id(id))
		return mt_fail(err, NULL, 0, "'%s' cannot be a revision id (Alembic refuses @ - + : and path characters)", id);
	if (parent && !parent_made && (p == NO_NODE || g->nodes[p].phantom))
		return mt_fail(err, NULL, 0, "no revision %s to put the placeholder on", parent);
	if (parent && !b)
		why = check_parent_in(s, v, p, false, false);
	if (why) {
		mt_fail(err, NULL, 0, "%s %s", parent, why);
		free(why);
		return -1;
	}
	return 0;
}

/* The placeholder's file for the missing ID on PARENT: beside the first
 * revision that names ID. */
static int render_stub(struct edit_session *s, const char *id, const char *parent, const char *message,
		       const struct strmap *taken, struct new_file *nf, struct mt_error *err)
{
	const struct graph *g = &s->p->graph;
	const struct node *nd = &g->nodes[graph_find(g, id)];
	struct strlist down = { 0 };
	struct new_revision nr = { id, &down, NULL, NULL };
	char *dir, *msg, *why;
	int rc;

	if (parent)
		sl_push(&down, parent);
	dir = dir_of_file(g->nodes[nd->children.n ? nd->children.v[0] : nd->dependants.v[0]].file);
	nr.message = msg = message ? xstrdup(message) : newfile_placeholder_message(id);
	nr.why = why = xasprintf("Created by migtree as a placeholder: %s was named as down_revision but no file "
				 "defined it.", id);
	rc = render_new_file(s, dir, &nr, taken, nf, err);
	free(dir);
	free(msg);
	free(why);
	sl_free(&down);
	return rc;
}

int edit_create_stub(struct edit_session *s, const char *id, const char *parent, const char *message,
		     struct mt_error *err)
{
	struct new_file nf;
	struct edit_step *st;

	if (check_stub(s, id, parent, NULL, err) || render_stub(s, id, parent, message, NULL, &nf, err))
		return -1;
	st = new_step();
	step_add_new(st, &nf);
	commit_step(s, st);
	return 0;
}

/* The placeholders one at a time, each its own step (a history with a cycle
 * has no order to keep them in). */
static void create_stubs_each(struct edit_session *s, struct edit_stub *stubs, size_t n)
{
	struct strmap made;

	strmap_init(&made);
	for (size_t k = 0; k < n; k++) {
		struct mt_error err = { 0 };

		stubs[k].refused = NULL;
		stubs[k].made = false;
		if (strmap_get(&made, stubs[k].id, NULL))
			continue;
		if (edit_create_stub(s, stubs[k].id, stubs[k].parent, NULL, &err))
			stubs[k].refused = xstrdup(err.message);
		else
			stubs[k].made = strmap_put(&made, stubs[k].id, (uint32_t)k);
	}
	strmap_free(&made);
}

/* STUB's file into B, or why not into its refused. */
static void batch_stub(struct edit_session *s, struct edit_stub *stub, struct stub_batch *b)
{
	const struct graph *g = &s->p->graph;
	struct mt_error err = { 0 };
	struct new_file nf;
	uint32_t v;

	stub->made = false;
	stub->refused = NULL;
	if (strmap_get(&b->made, stub->id, NULL))
		return; /* not missing any more */
	if (check_stub(s, stub->id, stub->parent, b, &err)) {
		stub->refused = xstrdup(err.message);
		return;
	}
	v = graph_find(g, stub->id);
	if (stub->parent && !topo_add(&b->topo, v, graph_find(g, stub->parent))) {
		stub->refused = xasprintf("%s descends from %s: a cycle", stub->parent, stub->id);
		return;
	}
	if (render_stub(s, stub->id, stub->parent, NULL, &b->taken, &nf, &err)) {
		topo_remove(&b->topo, v);
		stub->refused = xstrdup(err.message);
		return;
	}
	strmap_put(&b->made, stub->id, (uint32_t)b->st->n);
	step_add_new(b->st, &nf);
	strmap_put(&b->taken, b->st->f[b->st->n - 1].path, (uint32_t)b->st->n - 1);
	stub->made = true;
}

/* TAKEN (uninitialised): the paths the session's files show, which a new
 * file may not take (render_new_file). */
static void taken_paths(const struct edit_session *s, struct strmap *taken)
{
	strmap_init(taken);
	for (size_t i = 0; i < s->n_files; i++)
		strmap_put(taken, edit_file_path(s, i), UINT32_MAX);
}

void edit_create_stubs(struct edit_session *s, struct edit_stub *stubs, size_t n)
{
	struct stub_batch b = { NULL, { 0 }, { 0 }, { 0 } };
	struct topo_link *links = xmalloc((n ? n : 1) * sizeof(*links));
	size_t n_links = 0;
	int rc;

	for (size_t k = 0; k < n; k++) {
		uint32_t v = graph_find(&s->p->graph, stubs[k].id);
		uint32_t p = stubs[k].parent ? graph_find(&s->p->graph, stubs[k].parent) : NO_NODE;

		if (v != NO_NODE && p != NO_NODE)
			links[n_links++] = (struct topo_link){ v, p };
	}
	rc = topo_init(&b.topo, s->p, links, n_links);
	free(links);
	if (rc) {
		create_stubs_each(s, stubs, n);
		return;
	}
	b.st = new_step();
	strmap_init(&b.made);
	taken_paths(s, &b.taken);
	for (size_t k = 0; k < n; k++)
		batch_stub(s, &stubs[k], &b);
	strmap_free(&b.made);
	strmap_free(&b.taken);
	topo_free(&b.topo);
	commit_if_any(s, b.st);
}

/* Does the restored file (TEXT) define ID, on parents that make no cycle? */
static int check_restored(struct edit_session *s, uint32_t v, const char *id, const char *path, const char *text,
			  size_t len, struct mt_error *err)
{
	struct revision_file *rf = parse_revision_file(path, text, len);
	int rc = 0;

	if (rf->error || !rf->revision || strcmp(rf->revision, id))
		rc = mt_fail(err, path, 0, "git's copy does not define %s", id);
	for (size_t i = 0; !rc && v != NO_NODE && i < rf->down.items.n; i++) {
		uint32_t p = graph_find(&s->p->graph, rf->down.items.v[i]);
		char *why = p != NO_NODE && !s->p->graph.nodes[p].phantom ? check_parent_in(s, v, p, false, false) : NULL;

		if (why) {
			rc = mt_fail(err, path, 0, "restoring %s: its parent %s %s", id, rf->down.items.v[i], why);
			free(why);
		}
	}
	revision_file_free(rf);
	return rc;
}

int edit_restore(struct edit_session *s, const char *id, struct mt_error *err)
{
	const struct graph *g = &s->p->graph;
	uint32_t v = graph_find(g, id);
	const struct git_deleted *d;
	struct edit_step *st;
	char *bytes = NULL, *shown;
	size_t len;

	if (edit_check_id(id, err))
		return -1;
	if (v != NO_NODE && !g->nodes[v].phantom)
		return mt_fail(err, NULL, 0, "%s exists already (%s)", id, g->nodes[v].file->path);
	if (!(d = s->p->hints ? git_hints_deleted(s->p->hints, id) : NULL))
		return mt_fail(err, NULL, 0, "git remembers no deleted file that defined %s", id);
	shown = scan_display_path(d->abs_path);
	if (file_index(s, shown) >= 0 || access(d->abs_path, F_OK) == 0) {
		mt_fail(err, d->abs_path, 0, "a file of that name already exists");
	} else if (git_hints_read(s->p->hints, d, &bytes, &len, err) == 0 &&
		   check_restored(s, v, id, shown, bytes, len, err) == 0) {
		st = new_step();
		step_add(st, shown, d->abs_path, NULL, 0, bytes, len, SIZE_MAX);
		commit_step(s, st);
		free(shown);
		return 0;
	}
	free(bytes);
	free(shown);
	return -1;
}

/* Is NAME in LIST? MAP indexes LIST, made on the first question (a merge of
 * 30,000 heads asked each of them in turn: the heads' square). */
static bool listed_in(const struct strlist *list, struct strmap *map, const char *name)
{
	uint32_t at;

	if (!map->n)
		for (size_t k = 0; k < list->n; k++)
			strmap_put(map, list->v[k], (uint32_t)k);
	return strmap_get(map, name, &at);
}

/* HEADS are heads of this history, named once each; those in ELSEWHERE may be
 * absent here (another branch has them); those MERGED flags (NULL: none) are
 * heads no more (a merge of the same step took them). The first present one,
 * or NO_NODE. Each name is checked in turn: the first one at fault is the one
 * reported. */
static int check_merge_heads(const struct graph *g, const struct strlist *heads, const struct strlist *elsewhere,
			     const bool *merged, uint32_t *local, struct mt_error *err)
{
	struct strmap named, other;
	int rc = 0;

	*local = NO_NODE;
	if (heads->n < 2)
		return mt_fail(err, NULL, 0, "a merge needs two heads or more");
	/* a file naming more is one migtree itself refuses to read (parse.h) */
	if (heads->n > MT_MAX_VALUE_IDS)
		return mt_fail(err, NULL, 0, "a merge of %zu heads names more than %u ids in one down_revision, "
			       "more than migtree reads: merge them in parts", (size_t)heads->n, MT_MAX_VALUE_IDS);
	strmap_init(&named);
	strmap_init(&other);
	strmap_reserve(&named, heads->n);
	for (size_t i = 0; i < heads->n && !rc; i++) {
		uint32_t h = graph_find(g, heads->v[i]);
		bool absent = h == NO_NODE || g->nodes[h].phantom;

		if (!strmap_put(&named, heads->v[i], (uint32_t)i))
			rc = mt_fail(err, NULL, 0, "%s is named twice", heads->v[i]);
		else if (absent && elsewhere && listed_in(elsewhere, &other, heads->v[i]))
			continue;
		else if (absent)
			rc = mt_fail(err, NULL, 0, "no revision %s", heads->v[i]);
		else if (!g->nodes[h].is_head || (merged && merged[h]))
			rc = mt_fail(err, NULL, 0, "%s is not a head (a merge joins heads; set-down re-parents others)",
				     heads->v[i]);
		else if (*local == NO_NODE)
			*local = h;
	}
	strmap_free(&named);
	strmap_free(&other);
	if (!rc && *local == NO_NODE)
		return mt_fail(err, NULL, 0, "none of the heads is in this history");
	return rc;
}

/* The file of a merge of HEADS (checked as check_merge_heads does, MERGED
 * included), in NF, its id in *ID; TAKEN as render_new_file takes it. */
static int merge_file(struct edit_session *s, const struct strlist *heads, const struct strlist *elsewhere,
		      const bool *merged, const char *message, const struct strmap *taken, char **id,
		      struct new_file *nf, struct mt_error *err)
{
	const struct graph *g = &s->p->graph;
	struct new_revision nr = { NULL, heads, NULL, NULL };
	char *dir, *why, *msg, *list;
	uint32_t local;
	int rc;

	if (check_ids(heads, err) || check_merge_heads(g, heads, elsewhere, merged, &local, err))
		return -1;
	nr.id = *id = newfile_new_id();
	dir = s->p->config.version_locations.n == 1 ? xstrdup(s->p->config.version_locations.v[0])
						     : dir_of_file(g->nodes[local].file);
	nr.message = msg = message ? xstrdup(message) : xstrdup("merge heads");
	list = sl_join(heads, ", ");
	nr.why = why = xasprintf("Created by migtree: merges the heads %s.", list);
	free(list);
	rc = render_new_file(s, dir, &nr, taken, nf, err);
	if (rc) {
		free(*id);
		*id = NULL;
	}
	free(dir);
	free(msg);
	free(why);
	return rc;
}

int edit_create_merge_with(struct edit_session *s, const struct strlist *heads,
			   const struct strlist *elsewhere, const char *message, char **new_id,
			   struct mt_error *err)
{
	struct new_file nf;
	struct edit_step *st;
	char *id = NULL;

	if (merge_file(s, heads, elsewhere, NULL, message, NULL, &id, &nf, err))
		return -1;
	st = new_step();
	step_add_new(st, &nf);
	commit_step(s, st);
	if (new_id)
		*new_id = id;
	else
		free(id);
	return 0;
}

/* Merges made together (edit_create_merges): their step, the heads they
 * took, the ids they made, the paths shown of the session's files and theirs. */
struct merge_batch {
	struct edit_step *st;
	bool *merged;
	struct strmap made, taken;
};

static void merge_batch_begin(struct edit_session *s, struct merge_batch *b)
{
	b->st = new_step();
	b->merged = xcalloc(s->p->graph.n ? s->p->graph.n : 1, sizeof(bool));
	strmap_init(&b->made);
	taken_paths(s, &b->taken);
}

/* B's merges made a step (none: nothing), B emptied. */
static void merge_batch_end(struct edit_session *s, struct merge_batch *b)
{
	commit_if_any(s, b->st);
	free(b->merged);
	strmap_free(&b->made);
	strmap_free(&b->taken);
	memset(b, 0, sizeof(*b));
}

/* Does M name a merge B made? That one is a head only once B is a step. */
static bool names_made(const struct edit_merge *m, const struct merge_batch *b)
{
	for (size_t k = 0; k < m->heads->n && b->made.n; k++)
		if (strmap_get(&b->made, m->heads->v[k], NULL))
			return true;
	return false;
}

/* M's file into B, or why not into its refused. */
static void batch_merge(struct edit_session *s, struct edit_merge *m, struct merge_batch *b)
{
	const struct graph *g = &s->p->graph;
	struct mt_error err = { 0 };
	struct new_file nf;

	m->new_id = m->refused = NULL;
	if (names_made(m, b)) {
		merge_batch_end(s, b);
		merge_batch_begin(s, b);
	}
	if (merge_file(s, m->heads, NULL, b->merged, m->message, &b->taken, &m->new_id, &nf, &err)) {
		m->refused = xstrdup(err.message);
		return;
	}
	for (size_t k = 0; k < m->heads->n; k++)
		b->merged[graph_find(g, m->heads->v[k])] = true;
	strmap_put(&b->made, m->new_id, 0);
	step_add_new(b->st, &nf);
	strmap_put(&b->taken, b->st->f[b->st->n - 1].path, (uint32_t)b->st->n - 1);
}

void edit_create_merges(struct edit_session *s, struct edit_merge *merges, size_t n)
{
	struct merge_batch b;

	batch_settle(s);
	merge_batch_begin(s, &b);
	for (size_t k = 0; k < n; k++)
		batch_merge(s, &merges[k], &b);
	merge_batch_end(s, &b);
}

int edit_create_merge(struct edit_session *s, const struct strlist *heads, const char *message,
		      char **new_id, struct mt_error *err)
{
	return edit_create_merge_with(s, heads, NULL, message, new_id, err);
}

char *edit_diff(const struct edit_session *s)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < s->n_files; i++) {
		const struct revision_file *rf = s->p->files.v[i];
		const struct file_state *fs = &s->files[i];
		char *d;

		if (untouched(s, i))
			continue;
		d = diff_unified(edit_file_path(s, i), fs->is_new ? NULL : fs->disk, fs->disk_len, rf->text, rf->len);

		sb_adds(&sb, d);
		free(d);
	}
	return sb_detach(&sb);
}
