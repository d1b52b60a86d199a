/* strmap.c - FNV-1a hashed, linearly probed, grown at 50% load, or 80% once a
 * table has BIG_SLOTS slots. Each slot keeps its key's hash: a probe compares
 * hashes in one array and reads a key (another cache line, far away) only when
 * they agree, and a rehash hashes nothing. */
#include <stdlib.h>
#include <string.h>

#include "migtree/strmap.h"
#include "migtree/util.h"

static uint64_t fold(uint64_t h)
{
	return h ^ h >> 32; /* the table takes the low bits: fold the high ones in */
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return fold(h);
}

static uint64_t hash_mem(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return fold(h);
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->hashes);
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

bool strmap_put(struct strmap *m, const char *key, uint32_t val)
{
	size_t s;

	uint32_t h = (uint32_t)hash_str(key);

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

/* The slot holding KEY, in *S; false when KEY is absent. */
static bool find(const struct strmap *m, const char *key, size_t *s)
{
	if (!m->cap)
		return false;
	*s = slot_of(m, key, (uint32_t)hash_str(key));
	return m->keys[*s] != NULL;
}

bool strmap_get(const struct strmap *m, const char *key, uint32_t *val)
{
	size_t s;

	if (!find(m, key, &s))
		return false;
	if (val)
		*val = m->vals[s];
	return true;
}

bool strmap_get_n(const struct strmap *m, const char *key, size_t len, uint32_t *val)
{
	uint32_t h;
	size_t i;

	if (!m->cap)
		return false;
	h = (uint32_t)hash_mem(key, len);
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
