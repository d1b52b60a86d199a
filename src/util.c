/* util.c - allocation, strbuf and strlist, and the one way files are opened to read. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migtree/util.h"

static void out_of_memory(void)
{
	fputs("migtree: out of memory\n", stderr);
	exit(2);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

/* A first size from this many elements on is taken as it is: a list made for
 * what it will hold. Below, a first piece of a string that grows (a strbuf), it
 * is rounded up to a power of two, as the later sizes are: fewer copies. */
#define XGROW_EXACT 1024

void xgrow(void **ptr, size_t *cap, size_t need, size_t size)
{
	size_t ncap;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap : 8;
	if (!*cap && need >= XGROW_EXACT)
		ncap = need; /* a first size that is known (a list of 100,000 files): exact,
			      * not rounded up to 131,072; doubled from there if it grows */
	while (ncap < need)
		ncap *= 2;
	*ptr = xrealloc(*ptr, ncap * size);
	*cap = ncap;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Append FMT's expansion. It is measured into a small buffer, not with
 * vsnprintf(NULL, 0, ...): GCC 12 at -O1 with UBSan then warns falsely
 * ("null format string", -Wformat-truncation), which broke user builds. */
/* EXACT: an empty SB takes just the room the expansion needs (xasprintf's
 * strings are kept, never grown: a listing holds 100,000 paths). */
static void sb_vaddf_room(struct strbuf *sb, bool exact, const char *fmt, va_list ap)
{
	char probe[128];
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(probe, sizeof(probe), fmt, ap);
	if (n <= 0) {
		va_end(again);
		return;
	}
	if (exact && !sb->cap) {
		sb->buf = xmalloc((size_t)n + 1);
		sb->cap = (size_t)n + 1;
	}
	GROW(sb->buf, sb->cap, sb->len + (size_t)n + 1);
	if ((size_t)n < sizeof(probe))
		memcpy(sb->buf + sb->len, probe, (size_t)n + 1);
	else
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, again);
	va_end(again);
	sb->len += (size_t)n;
}

/* Above glibc's mmap threshold as one-shot commands fix it (main.c): a block
 * freed goes back to the system, no hole left in the heap; a little under a
 * power of two, so that with malloc's header it fills whole pages. */
#define ARENA_BLOCK (256 * 1024 - 64)

/* LEN bytes of room in A: in the last block, else in a new one (a string
 * longer than a block gets a block of its own size). */
static char *arena_room(struct strarena *a, size_t len)
{
	if (!a->n || a->room - a->used < len) {
		size_t size = len > ARENA_BLOCK ? len : ARENA_BLOCK;

		GROW(a->blocks, a->cap, a->n + 1);
		a->blocks[a->n++] = xmalloc(size);
		a->used = 0;
		a->room = size;
	}
	a->used += len;
	return a->blocks[a->n - 1] + a->used - len;
}

char *arena_join(struct strarena *a, const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	char *s = arena_room(a, d + n + 2);

	memcpy(s, dir, d);
	s[d] = '/';
	memcpy(s + d + 1, name, n + 1);
	return s;
}

char *arena_dup(struct strarena *a, const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(arena_room(a, len), s, len);
}

void arena_free(struct strarena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->blocks[i]);
	free(a->blocks);
	memset(a, 0, sizeof(*a));
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	sb_init(&sb);
	va_start(ap, fmt);
	sb_vaddf_room(&sb, true, fmt, ap);
	va_end(ap);
	return sb_detach(&sb);
}

void sb_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	GROW(sb->buf, sb->cap, sb->len + n + 1);
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_adds(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_addn(sb, &c, 1);
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf_room(sb, false, fmt, ap);
	va_end(ap);
}

char *sb_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");

	sb_init(sb);
	return p;
}

void sl_push(struct strlist *sl, const char *s)
{
	sl_push_owned(sl, xstrdup(s));
}

/* Lists start at one slot and double: most hold one id. */
void sl_push_owned(struct strlist *sl, char *s)
{
	if (sl->n == UINT32_MAX)
		abort();
	if (sl->n == sl->cap) {
		sl->cap = sl->cap ? sl->cap * 2 : 1;
		sl->v = xrealloc(sl->v, (size_t)sl->cap * sizeof(*sl->v));
	}
	sl->v[sl->n++] = s;
}

bool sl_contains(const struct strlist *sl, const char *s)
{
	for (size_t i = 0; i < sl->n; i++)
		if (!strcmp(sl->v[i], s))
			return true;
	return false;
}

bool sl_equal(const struct strlist *a, const struct strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) /* one string may be in both (a parse's scratch) */
		if (a->v[i] != b->v[i] && strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

void sl_free(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = sl->cap = 0;
}

void sl_copy(struct strlist *dst, const struct strlist *src)
{
	if (!dst->cap && src->n) { /* exact: a copy does not grow */
		dst->v = xmalloc((size_t)src->n * sizeof(*dst->v));
		dst->cap = src->n;
	}
	for (size_t i = 0; i < src->n; i++)
		sl_push(dst, src->v[i]);
}

char *sl_join(const struct strlist *sl, const char *sep)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < sl->n; i++) {
		if (i)
			sb_adds(&sb, sep);
		sb_adds(&sb, sl->v[i]);
	}
	return sb_detach(&sb);
}

void sl_sort(struct strlist *sl)
{
	sort_by_string(sl->v, sl->n, sizeof(*sl->v), 0);
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

void sort_array(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void sort_array_r(void *base, size_t n, size_t size,
		  int (*cmp)(const void *, const void *, void *), void *ctx)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, ctx);
}

/* An element to sort by its string: the string's first 8 bytes as one number
 * that compares as they do (big-endian, zero past the NUL), so that most
 * comparisons of a directory's names (ids of 12 hex digits) are one compare of
 * two integers, not a call to strcmp through qsort's comparator. */
struct str_key {
	uint64_t head;
	const char *s;
	size_t i;
};

static uint64_t str_head(const char *s)
{
	uint64_t h = 0;
	size_t i = 0;

	for (; i < 8 && s[i]; i++)
		h = h << 8 | (unsigned char)s[i];
	return i ? h << (8 * (8 - i)) : 0; /* (a shift by 64 is undefined) */
}

/* strcmp's order: equal heads are equal strings when they hold the NUL, else
 * the rest decides. */
static bool str_key_less(const struct str_key *a, const struct str_key *b)
{
	if (a->head != b->head)
		return a->head < b->head;
	if ((a->head & 0xff) == 0)
		return false;
	return strcmp(a->s + 8, b->s + 8) < 0;
}

/* Merge sort of V (N keys), each pass from one array into the other: stable,
 * n log n compares, no call per compare. Returns the array that holds them
 * sorted, V or TMP. */
static struct str_key *str_keys_sort(struct str_key *v, struct str_key *tmp, size_t n)
{
	for (size_t w = 1; w < n; w *= 2) {
		struct str_key *swap;

		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t a = lo, b = mid, o = lo;

			while (a < mid && b < hi)
				tmp[o++] = str_key_less(&v[b], &v[a]) ? v[b++] : v[a++];
			while (a < mid)
				tmp[o++] = v[a++];
			while (b < hi)
				tmp[o++] = v[b++];
		}
		swap = v;
		v = tmp;
		tmp = swap;
	}
	return v;
}

/* From this many keys on, they are sorted by their heads a byte at a time
 * (str_keys_radix): below, the 256 counts of each pass cost more than the
 * compares they save. */
#define RADIX_FROM 256

/* V (N keys) ordered by their heads, a byte a pass from the last (an LSD
 * radix sort: stable, no compare), each pass from one array into the other; a
 * byte all keys share is no pass. Returns the array that holds them, V or TMP. */
static struct str_key *str_keys_radix(struct str_key *v, struct str_key *tmp, size_t n)
{
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, at = 0;
		struct str_key *swap;

		for (size_t i = 0; i < n; i++)
			count[v[i].head >> shift & 0xff]++;
		if (count[v[0].head >> shift & 0xff] == n)
			continue;
		for (size_t b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[v[i].head >> shift & 0xff]++] = v[i];
		swap = v;
		v = tmp;
		tmp = swap;
	}
	return v;
}

/* V (N keys) in strcmp's order: by their heads, then each run of equal heads
 * that goes on past them by the rest (merge sort, TMP its room). Returns V or TMP. */
static struct str_key *str_keys_order(struct str_key *v, struct str_key *tmp, size_t n)
{
	struct str_key *by, *other;

	if (n < RADIX_FROM)
		return str_keys_sort(v, tmp, n);
	by = str_keys_radix(v, tmp, n);
	other = by == v ? tmp : v;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && by[j].head == by[i].head; j++)
			;
		if (j - i > 1 && (by[i].head & 0xff) && str_keys_sort(by + i, other + i, j - i) != by + i)
			memcpy(by + i, other + i, (j - i) * sizeof(*by));
	}
	return by;
}

void sort_by_string(void *base, size_t n, size_t size, size_t str_at)
{
	struct str_key *keys, *tmp, *by;
	char *sorted;

	if (n < 2)
		return;
	keys = xmalloc(n * sizeof(*keys));
	tmp = xmalloc(n * sizeof(*tmp));
	for (size_t i = 0; i < n; i++) {
		const char *s;

		memcpy(&s, (char *)base + i * size + str_at, sizeof(s));
		keys[i] = (struct str_key){ str_head(s), s, i };
	}
	by = str_keys_order(keys, tmp, n);
	sorted = xmalloc(n * size);
	for (size_t i = 0; i < n; i++)
		memcpy(sorted + i * size, (char *)base + by[i].i * size, size);
	memcpy(base, sorted, n * size);
	free(sorted);
	free(tmp);
	free(keys);
}

const char *file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFSOCK:
		return "a socket";
	default:
		return "not a file";
	}
}

int open_regular_stat(const char *path, struct stat *out, const char **why)
{
	return open_regular_statat(AT_FDCWD, path, out, why);
}

int open_regular_statat(int dirfd, const char *path, struct stat *out, const char **why)
{
	int fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		if (why)
			*why = strerror(errno);
		return -1;
	}
	return regular_fd_stat(fd, out, why);
}

int regular_fd_stat(int fd, struct stat *out, const char **why)
{
	static _Thread_local char not_regular[64];
	struct stat st;

	if (fstat(fd, &st) != 0) {
		int e = errno;

		close(fd);
		if (why)
			*why = strerror(e);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(not_regular, sizeof(not_regular), "not a regular file (%s)", file_kind(st.st_mode));
		close(fd);
		if (why)
			*why = not_regular;
		errno = EINVAL;
		return -1;
	}
	*out = st;
	return fd;
}

int open_regular(const char *path, const char **why)
{
	struct stat st;
	int fd = open_regular_stat(path, &st, why), flags;

	if (fd < 0)
		return -1;
	/* a regular file never blocks; later reads need no special care */
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

char *read_regular(const char *path, size_t *len, const char **why)
{
	struct strbuf sb;
	char buf[65536];
	ssize_t n;
	int fd = open_regular(path, why);

	if (fd < 0)
		return NULL;
	sb_init(&sb);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			if (why)
				*why = strerror(e);
			sb_free(&sb);
			close(fd);
			errno = e;
			return NULL;
		}
		sb_addn(&sb, buf, (size_t)n);
	}
	close(fd);
	if (len)
		*len = sb.len;
	return sb_detach(&sb);
}

char *read_file(const char *path, size_t *len)
{
	return read_regular(path, len, NULL);
}

const char *path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}
