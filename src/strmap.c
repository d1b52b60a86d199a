/* strmap.c - FNV-1a hashed, linearly probed, grown at 50% load. */
#include <stdlib.h>
#include <string.h>

#include "migtree/strmap.h"
#include "migtree/util.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	strmap_init(m);
}

static size_t slot_of(const struct strmap *m, const char *key)
{
	size_t i = (size_t)hash_str(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void rehash(struct strmap *m, size_t cap)
{
	struct strmap old = *m;

	m->keys = xcalloc(cap, sizeof(*m->keys));
	m->vals = xcalloc(cap, sizeof(*m->vals));
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i]) {
			size_t s = slot_of(m, old.keys[i]);

			m->keys[s] = old.keys[i];
			m->vals[s] = old.vals[i];
		}
	free(old.keys);
	free(old.vals);
}

bool strmap_put(struct strmap *m, const char *key, uint32_t val)
{
	size_t s;

	if ((m->n + 1) * 2 > m->cap)
		rehash(m, m->cap ? m->cap * 2 : 64);
	s = slot_of(m, key);
	m->vals[s] = val;
	if (m->keys[s])
		return false;
	m->keys[s] = key;
	m->n++;
	return true;
}

bool strmap_get(const struct strmap *m, const char *key, uint32_t *val)
{
	size_t s;

	if (!m->cap)
		return false;
	s = slot_of(m, key);
	if (!m->keys[s])
		return false;
	if (val)
		*val = m->vals[s];
	return true;
}

bool strmap_rekey(struct strmap *m, const char *key)
{
	size_t s;

	if (!m->cap)
		return false;
	s = slot_of(m, key);
	if (!m->keys[s])
		return false;
	m->keys[s] = key;
	return true;
}

bool strmap_del(struct strmap *m, const char *key)
{
	size_t s, i, home;

	if (!m->cap)
		return false;
	s = slot_of(m, key);
	if (!m->keys[s])
		return false;
	m->keys[s] = NULL;
	m->n--;
	/* linear probing: move back every key of the run after the hole that
	 * could no longer be found past it */
	for (i = (s + 1) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		home = (size_t)hash_str(m->keys[i]) & (m->cap - 1);
		if ((i > s && (home <= s || home > i)) || (i < s && home <= s && home > i)) {
			m->keys[s] = m->keys[i];
			m->vals[s] = m->vals[i];
			m->keys[i] = NULL;
			s = i;
		}
	}
	return true;
}
