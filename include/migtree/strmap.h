/* strmap.h - an open-addressing hash table from strings to indexes.
 *
 * Keys are borrowed: the caller keeps them alive as long as the map. Used for the
 * revision index (id -> node) and every "seen" set, so that nothing over the
 * revisions is quadratic. */
#ifndef MIGTREE_STRMAP_H
#define MIGTREE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap {
	const char **keys;
	uint32_t *vals;
	uint32_t *hashes; /* each key's hash (strmap.c) */
	size_t cap, n;
};

void strmap_init(struct strmap *m);
/* The hash of the LEN bytes at S the table keeps for a key (its low bits pick
 * the slot): tests choose keys that collide by it. */
uint32_t strmap_hash(const char *s, size_t len);
void strmap_free(struct strmap *m);
/* Room for N keys without growing: the table made once at its size, not
 * rehashed a dozen times on the way (100,000 ids). */
void strmap_reserve(struct strmap *m, size_t n);
/* Insert or replace; returns true when KEY was new. */
bool strmap_put(struct strmap *m, const char *key, uint32_t val);
/* The value of KEY, or false when absent. */
bool strmap_get(const struct strmap *m, const char *key, uint32_t *val);
/* strmap_put and strmap_get for a KEY whose strmap_hash the caller has (H):
 * not hashed again. */
bool strmap_put_hashed(struct strmap *m, const char *key, uint32_t h, uint32_t val);
bool strmap_get_hashed(const struct strmap *m, const char *key, uint32_t h, uint32_t *val);
/* The same for the LEN bytes at KEY (no NUL needed: a piece of a longer string). */
bool strmap_get_n(const struct strmap *m, const char *key, size_t len, uint32_t *val);
/* Ask the cache ahead for what a lookup of a key hashed H (strmap_hash) reads
 * first: its home slot, or with KEY the first key past it that has its hash
 * (a second call, once the first has brought the slot in). Nothing is
 * changed or promised. */
static inline void strmap_prefetch(const struct strmap *m, uint32_t h, bool key)
{
	size_t s;

	if (!m->cap)
		return;
	s = h & (m->cap - 1);
	if (!key) {
		__builtin_prefetch(&m->hashes[s]);
		__builtin_prefetch(&m->keys[s]);
		__builtin_prefetch(&m->vals[s]);
		return;
	}
	for (; m->keys[s]; s = (s + 1) & (m->cap - 1)) /* as the lookup probes: the key of its hash */
		if (m->hashes[s] == h) {
			__builtin_prefetch(m->keys[s]);
			return;
		}
}
/* Let the entry of KEY borrow KEY itself (an equal string that outlives the one
 * it replaces: a re-parsed file's id); false when absent. */
bool strmap_rekey(struct strmap *m, const char *key);
/* Remove KEY; false when absent. */
bool strmap_del(struct strmap *m, const char *key);

#endif
