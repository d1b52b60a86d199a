/* util.h - allocation, growable strings and string lists shared by every module.
 *
 * Allocation failure is not recoverable in a command-line tool of this size: the
 * x* functions print one line and exit(2), as git and tig do. */
#ifndef MIGTREE_UTIL_H
#define MIGTREE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grow *PTR (of *CAP elements of SIZE bytes) so that it holds at least NEED:
 * twice as many as it held (at least 8), or NEED itself when it held none and
 * NEED is large (1,024 or more: a list made for what it will hold). */
void xgrow(void **ptr, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Strings made one after another and freed all at once, in blocks: a listing's
 * 100,000 paths are a few dozen allocations, not 100,000 (a 73-byte path took
 * a 96-byte chunk of its own). */
struct strarena {
	char **blocks;
	size_t n, cap;
	size_t used, room; /* in the last block */
};

/* "DIR/NAME" in A (valid until arena_free). */
char *arena_join(struct strarena *a, const char *dir, const char *name);
/* A copy of S in A. */
char *arena_dup(struct strarena *a, const char *s);
void arena_free(struct strarena *a);

/* qsort/qsort_r that accept an empty (NULL) array, which the C library may not. */
void sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void sort_array_r(void *base, size_t n, size_t size,
		  int (*cmp)(const void *, const void *, void *), void *ctx);

/* Sort N elements of SIZE bytes at BASE in strcmp's order of the string each
 * points to at byte STR_AT (a list of names: a directory's 100,000), faster
 * than sort_array with a strcmp comparator. Stable. */
void sort_by_string(void *base, size_t n, size_t size, size_t str_at);

/* The capacity test inline: most calls (a token, an item) find room. */
#define GROW(arr, cap, need)                                                  \
	do {                                                                  \
		size_t grow_need_ = (need);                                   \
		if (grow_need_ > (cap))                                       \
			xgrow((void **)&(arr), &(cap), grow_need_, sizeof(*(arr))); \
	} while (0)

/* A growable NUL-terminated byte string. */
struct strbuf {
	char *buf;
	size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the buffer to the caller (never NULL) and reset SB. */
char *sb_detach(struct strbuf *sb);

/* An owned list of owned strings. */
struct strlist {
	char **v;
	uint32_t n, cap; /* 16 bytes: a file's values hold a dozen lists */
};

void sl_push(struct strlist *sl, const char *s);
void sl_push_owned(struct strlist *sl, char *s);
bool sl_contains(const struct strlist *sl, const char *s);
/* The same strings in the same order. */
bool sl_equal(const struct strlist *a, const struct strlist *b);
void sl_free(struct strlist *sl);
void sl_copy(struct strlist *dst, const struct strlist *src);
/* Join with SEP into a new string. */
char *sl_join(const struct strlist *sl, const char *sep);
void sl_sort(struct strlist *sl);

/* Every file migtree reads goes through open_regular: opened with O_NONBLOCK,
 * since a FIFO (or a device) named like a migration or a config would block the
 * open forever, and refused unless it is a regular file. Returns the descriptor
 * (blocking again), or -1 with errno set and *WHY (when not NULL) a phrase for the
 * user: strerror's, or "not a regular file (a FIFO)" (then errno is EINVAL). */
int open_regular(const char *path, const char **why);
struct stat;
/* The same with the file's stat in *ST, and O_NONBLOCK left on (it changes
 * nothing for a regular file): for a caller that reads the file to its end and
 * closes it, two system calls fewer per file. */
int open_regular_stat(const char *path, struct stat *st, const char **why);
/* The same with PATH relative to the directory DIRFD (openat): a scan opens
 * each file by its name in a directory it holds open, one name to look up
 * instead of every component of a long path. */
int open_regular_statat(int dirfd, const char *path, struct stat *st, const char **why);
/* Its second half, for FD opened as open_regular_statat opens (O_NONBLOCK): FD
 * itself when it is a regular file (its stat in *ST), else -1, FD closed, errno
 * and *WHY as open_regular_statat sets them. */
int regular_fd_stat(int fd, struct stat *st, const char **why);
/* "a FIFO", "a directory", "a character device"... for a stat st_mode. */
const char *file_kind(unsigned mode);
/* The whole regular file at PATH (NUL-terminated; *LEN, when not NULL, gets its
 * size), or NULL with errno and *WHY (may be NULL) set as by open_regular. */
char *read_regular(const char *path, size_t *len, const char **why);
char *read_file(const char *path, size_t *len);

/* The file name after the last '/' of PATH (PATH itself when there is none). */
const char *path_base(const char *path);
/* The directory part of PATH ("." when none, "/" for a file at the root). Owned. */
char *path_dir(const char *path);

bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);

#endif
