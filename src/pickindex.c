/* pickindex.c - the picker's revisions as flat arrays (pickindex.h). */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* The first place in P .. END where a match of a needle of LEN bytes may
 * start: its first byte C0 and (LEN > 1) its second C1 there, the needle
 * ending by END; NULL when none. Sixteen places a step where there is SSE2
 * (the picker's first characters: a memchr a node, 2.2-3.5 ms at 100,000
 * revisions, was most of a key). */
static const char *next_start(const char *p, const char *end, char c0, char c1, size_t len)
{
	const char *last = end - len; /* the last place a match may start */

	if ((size_t)(end - p) < len)
		return NULL;
#if defined(__SSE2__)
	{
		const __m128i v0 = _mm_set1_epi8(c0), v1 = _mm_set1_epi8(c1);

		for (; end - p >= 17; p += 16) { /* the second byte's 16 read one further */
			__m128i hit = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), v0);
			int m;

			if (len > 1)
				hit = _mm_and_si128(hit, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 1)), v1));
			m = _mm_movemask_epi8(hit);
			if (m) {
				const char *q = p + __builtin_ctz((unsigned)m);

				return q <= last ? q : NULL;
			}
		}
	}
#endif
	for (; p <= last; p++)
		if (p[0] == c0 && (len < 2 || p[1] == c1))
			return p;
	return NULL;
}

/* MASK[X .. Y) (all set) left set where the node's text holds NEEDLE: the
 * run's texts are one stretch of the buffer, scanned at once; a match cannot
 * span two nodes (a NUL ends each, and a needle holds none), and a node that
 * holds one is passed over from there. */
static void match_run(const struct pick_index *ix, const char *needle, size_t len, uint8_t *mask, uint32_t x,
		      uint32_t y)
{
	const char *text = ix->text, *p = text + ix->off[x], *end = text + ix->off[y];
	uint32_t z = x;

	memset(mask + x, 0, y - x);
	while ((p = next_start(p, end, needle[0], len > 1 ? needle[1] : '\0', len))) {
		uint32_t at = (uint32_t)(p - text);

		while (ix->off[z + 1] <= at)
			z++;
		if (len <= 2 || !memcmp(p + 2, needle + 2, len - 2)) {
			mask[z] = 1;
			p = text + ix->off[++z]; /* the next node */
		} else {
			p++;
		}
	}
}

void pick_index_match(const struct pick_index *ix, const char *needle, size_t len, uint8_t *mask)
{
	for (uint32_t x = 0, y; x < ix->n; x = y) {
		for (; x < ix->n && !mask[x]; x++)
			;
		for (y = x; y < ix->n && mask[y]; y++)
			;
		if (x < y)
			match_run(ix, needle, len, mask, x, y);
	}
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
