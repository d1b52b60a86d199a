/* pickindex.c - the picker's revisions as flat arrays (pickindex.h). */
#include <stdlib.h>
#include <string.h>

#include "migtree/pickindex.h"
#include "migtree/util.h"

void pick_index_init(struct pick_index *ix, uint32_t n)
{
	memset(ix, 0, sizeof(*ix));
	ix->n = n;
	ix->off = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
	ix->up_off = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
	ix->id_len = xmalloc(n ? n : 1);
	ix->off[0] = ix->up_off[0] = 0;
	ix->topo = true;
}

void pick_index_free(struct pick_index *ix)
{
	free(ix->text);
	free(ix->off);
	free(ix->id_len);
	free(ix->up_off);
	free(ix->up);
	memset(ix, 0, sizeof(*ix));
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* LEN bytes of S lowered at OUT, then a NUL. Locals only: a loop writing
 * through a char pointer into the index's buffer would reload the index's
 * fields at every byte (a char may alias them). */
static size_t put_lowered(char *out, const char *s, size_t len)
{
	for (size_t k = 0; k < len; k++)
		out[k] = (char)ascii_lower((unsigned char)s[k]);
	out[len] = '\0';
	return len + 1;
}

/* Node X's parents after those of the nodes before it. */
static void put_parents(struct pick_index *ix, const struct layout *l, const struct node *nd, uint32_t x)
{
	uint32_t n = nd->down.n + nd->deps.n;

	GROW(ix->up, ix->cap_up, ix->n_up + n);
	for (uint32_t e = 0; e < n; e++) {
		uint32_t a = e < nd->down.n ? nd->down.v[e] : nd->deps.v[e - nd->down.n];

		ix->up[ix->n_up++] = a;
		if (l->row_of[a] <= l->row_of[x])
			ix->topo = false;
	}
	ix->up_off[x + 1] = (uint32_t)ix->n_up;
}

/* Nodes read ahead in one block: their strings are looked up and measured in
 * a loop of nothing but loads, whose cache misses the processor overlaps;
 * copied in the same loop, each node waited for its misses in turn (200 ns a
 * node instead of 80). */
#define PICK_BLOCK 256

bool pick_index_more(struct pick_index *ix, const struct graph *g, const struct layout *l, uint32_t max)
{
	const char *id[PICK_BLOCK], *msg[PICK_BLOCK];
	size_t idl[PICK_BLOCK], ml[PICK_BLOCK];

	while (ix->done < ix->n && max) {
		uint32_t n = ix->n - ix->done < max ? ix->n - ix->done : max, first = ix->done;

		if (n > PICK_BLOCK)
			n = PICK_BLOCK;
		for (uint32_t k = 0; k < n; k++) { /* the files, then the strings: short chains */
			const struct node *nd = &g->nodes[first + k];

			id[k] = nd->id;
			msg[k] = nd->phantom ? "" : nd->file->message;
		}
		for (uint32_t k = 0; k < n; k++) {
			idl[k] = strlen(id[k]);
			ml[k] = strlen(msg[k]);
		}
		for (uint32_t k = 0; k < n; k++) {
			uint32_t x = first + k;

			GROW(ix->text, ix->cap, ix->len + idl[k] + ml[k] + 2);
			ix->len += put_lowered(ix->text + ix->len, id[k], idl[k]);
			ix->len += put_lowered(ix->text + ix->len, msg[k], ml[k]);
			ix->off[x + 1] = (uint32_t)ix->len;
			ix->id_len[x] = (uint8_t)(idl[k] < 255 ? idl[k] : 255);
			put_parents(ix, l, &g->nodes[x], x);
		}
		ix->done += n;
		max -= n;
		if (ix->done == ix->n) { /* kept while its state is: without the room grown into */
			ix->text = xrealloc(ix->text, ix->len ? ix->len : 1);
			ix->up = xrealloc(ix->up, (ix->n_up ? ix->n_up : 1) * sizeof(uint32_t));
			ix->cap = ix->len;
			ix->cap_up = ix->n_up;
		}
	}
	return ix->done < ix->n;
}

static bool holds(const struct pick_index *ix, uint32_t v, const char *needle, size_t len)
{
	/* one search over the node's "id\0message\0": no match spans a NUL (a
	 * needle holds none). memchr for the first byte, the rest compared here:
	 * glibc's memmem sets up a search per call, twice the cost on 30 bytes,
	 * and a call to memcmp per first byte found was a third of the filter */
	const char *p = ix->text + ix->off[v], *end = ix->text + ix->off[v + 1];

	while ((size_t)(end - p) >= len) {
		const char *h = memchr(p, needle[0], (size_t)(end - p) - len + 1);
		size_t k = 1;

		if (!h)
			return false;
		while (k < len && h[k] == needle[k])
			k++;
		if (k == len)
			return true;
		p = h + 1;
	}
	return false;
}

void pick_index_match(const struct pick_index *ix, const char *needle, size_t len, uint8_t *mask)
{
	for (uint32_t x = 0; x < ix->n; x++)
		if (mask[x])
			mask[x] = holds(ix, x, needle, len);
}

bool pick_index_descendants(const struct pick_index *ix, const struct layout *l, uint32_t v, uint8_t *out)
{
	if (!ix->topo || ix->done < ix->n)
		return false;
	/* parents come below: a row's parents are settled before the row, and
	 * no row below V's descends from it */
	memset(out, 0, ix->n);
	out[v] = 1;
	for (uint32_t r = l->row_of[v]; r-- > 0;) {
		uint32_t x = l->node[r];
		uint8_t hit = 0;

		for (uint32_t k = ix->up_off[x]; k < ix->up_off[x + 1] && !hit; k++)
			hit = out[ix->up[k]];
		out[x] = hit;
	}
	return true;
}
