/* strmap.c - hashed a word at a time (strmap_hash), linearly probed, grown at
 * 50% load, or 80% once a table has BIG_SLOTS slots. Each slot keeps its key's
 * hash: a probe compares hashes in one array and reads a key (another cache
 * line, far away) only when they agree, and a rehash hashes nothing. */
#include <stdlib.h>
#include <string.h>

#include "migtree/strmap.h"
#include "migtree/util.h"

/* One 64-bit word of the key at a time, not a byte (FNV-1a was): a listing's
 * 100,000 paths of 80 bytes each are 10 multiplies, not 80. Each word is
 * multiplied in and its high half folded down; the end is MurmurHash3's
 * finalizer, so that the low bits the table takes depend on every byte. The
 * words are read in the machine's byte order: no hash is ever stored. */
uint32_t strmap_hash(const char *s, size_t len)
{
	const uint64_t k = 0xff51afd7ed558ccdull;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * k), w = 0;
	size_t at = 0;

	for (; at + 8 <= len; at += 8) {
		memcpy(&w, s + at, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	if (at < len) {
		if (len >= 8) { /* the last 8 bytes, some hashed already: one load, not a loop */
			memcpy(&w, s + len - 8, 8);
		} else {
			w = 0;
			for (size_t i = 0; i < len; i++)
				w |= (uint64_t)(unsigned char)s[i] << (8 * i);
		}
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static uint32_t hash_str(const char *s)
{
	return strmap_hash(s, strlen(s));
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_free(struct strmap *m)
{
	if (m->cap) { /* most sets made for a file stay empty: no three free(NULL) */
		free(m->keys);
		free(m->vals);
		free(m->hashes);
	}
	strmap_init(m);
}

static size_t slot_of(const struct strmap *m, const char *key, uint32_t h)
{
	size_t i = h & (m->cap - 1);

	while (m->keys[i] && (m->hashes[i] != h || strcmp(m->keys[i], key)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void rehash(struct strmap *m, size_t cap)
{
	struct strmap old = *m;

	m->keys = xcalloc(cap, sizeof(*m->keys));
	m->vals = xcalloc(cap, sizeof(*m->vals));
	m->hashes = xcalloc(cap, sizeof(*m->hashes));
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i]) {
			size_t s = old.hashes[i] & (cap - 1);

			while (m->keys[s]) /* keys are distinct: the first free slot */
				s = (s + 1) & (cap - 1);
			m->keys[s] = old.keys[i];
			m->vals[s] = old.vals[i];
			m->hashes[s] = old.hashes[i];
		}
	free(old.keys);
	free(old.vals);
	free(old.hashes);
}

/* Past this many slots (16 bytes each) a table's room is what it costs, not its
 * probes: the id index of 100,000 revisions in 131,072 slots at 76%, not 262,144
 * (2 MB), of 300,000 in 524,288, not 1,048,576 (8 MB). Misses (an insert, a
 * phantom) probe longer, but through the hashes: 16 to a cache line. */
#define BIG_SLOTS 65536u

static bool too_full(size_t n, size_t cap)
{
	return cap < BIG_SLOTS ? n * 2 > cap : n * 5 > cap * 4;
}

void strmap_reserve(struct strmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;

	while (too_full(n, cap))
		cap *= 2;
	if (cap > m->cap)
		rehash(m, cap);
}

bool strmap_put(struct strmap *m, const char *key, uint32_t val)
{
	return strmap_put_hashed(m, key, hash_str(key), val);
}

bool strmap_put_hashed(struct strmap *m, const char *key, uint32_t h, uint32_t val)
{
	size_t s;

	if (too_full(m->n + 1, m->cap))
		rehash(m, m->cap ? m->cap * 2 : 64);
	s = slot_of(m, key, h);
	m->vals[s] = val;
	if (m->keys[s])
		return false;
	m->keys[s] = key;
	m->hashes[s] = h;
	m->n++;
	return true;
}

/* The slot holding KEY, hashed H, in *S; false when KEY is absent. */
static bool find_hashed(const struct strmap *m, const char *key, uint32_t h, size_t *s)
{
	if (!m->cap)
		return false;
	*s = slot_of(m, key, h);
	return m->keys[*s] != NULL;
}

/* The same for KEY hashed here: an empty map hashes nothing. */
static bool find(const struct strmap *m, const char *key, size_t *s)
{
	return m->cap && find_hashed(m, key, hash_str(key), s);
}

bool strmap_get_hashed(const struct strmap *m, const char *key, uint32_t h, uint32_t *val)
{
	size_t s;

	if (!find_hashed(m, key, h, &s))
		return false;
	if (val)
		*val = m->vals[s];
	return true;
}

bool strmap_get(const struct strmap *m, const char *key, uint32_t *val)
{
	return m->cap && strmap_get_hashed(m, key, hash_str(key), val); /* an empty map hashes nothing */
}

bool strmap_get_n(const struct strmap *m, const char *key, size_t len, uint32_t *val)
{
	uint32_t h;
	size_t i;

	if (!m->cap)
		return false;
	h = strmap_hash(key, len);
	for (i = h & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->hashes[i] == h && !strncmp(m->keys[i], key, len) && !m->keys[i][len]) {
			if (val)
				*val = m->vals[i];
			return true;
		}
	return false;
}

bool strmap_rekey(struct strmap *m, const char *key)
{
	size_t s;

	if (!find(m, key, &s))
		return false;
	m->keys[s] = key;
	return true;
}

bool strmap_del(struct strmap *m, const char *key)
{
	size_t s, i, home;

	if (!find(m, key, &s))
		return false;
	m->keys[s] = NULL;
	m->n--;
	/* linear probing: move back every key of the run after the hole that
	 * could no longer be found past it */
	for (i = (s + 1) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		home = m->hashes[i] & (m->cap - 1);
		if ((i > s && (home <= s || home > i)) || (i < s && home <= s && home > i)) {
			m->keys[s] = m->keys[i];
			m->vals[s] = m->vals[i];
			m->hashes[s] = m->hashes[i];
			m->keys[i] = NULL;
			s = i;
		}
	}
	return true;
}
