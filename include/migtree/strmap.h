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
/* Insert or replace; returns true when KEY was new. */
bool strmap_put(struct strmap *m, const char *key, uint32_t val);
/* The value of KEY, or false when absent. */
bool strmap_get(const struct strmap *m, const char *key, uint32_t *val);
/* The same for the LEN bytes at KEY (no NUL needed: a piece of a longer string). */
bool strmap_get_n(const struct strmap *m, const char *key, size_t len, uint32_t *val);
/* Let the entry of KEY borrow KEY itself (an equal string that outlives the one
 * it replaces: a re-parsed file's id); false when absent. */
bool strmap_rekey(struct strmap *m, const char *key);
/* Remove KEY; false when absent. */
bool strmap_del(struct strmap *m, const char *key);

#endif
