/* diff.c - a line diff by longest common subsequence, printed as unified hunks.
 *
 * Migration files are small, so the quadratic table is fine; past 4,000 lines a
 * file is shown as one hunk between its common head and tail instead. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/diff.h"
#include "migtree/quote.h"
#include "migtree/util.h"

struct lines {
	const char **s;
	size_t *len, n;
};

static void split(const char *t, size_t len, struct lines *l)
{
	size_t cap = 16;

	l->s = xmalloc(cap * sizeof(char *));
	l->len = xmalloc(cap * sizeof(size_t));
	l->n = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - t) + 1 : len;

		if (l->n == cap) {
			cap *= 2;
			l->s = xrealloc(l->s, cap * sizeof(char *));
			l->len = xrealloc(l->len, cap * sizeof(size_t));
		}
		l->s[l->n] = t + i;
		l->len[l->n++] = e - i;
		i = e;
	}
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->s[i], b->s[j], a->len[i]);
}

static void put_line(struct strbuf *sb, char tag, const char *s, size_t len)
{
	sb_addc(sb, tag);
	sb_addn(sb, s, len);
	if (!len || s[len - 1] != '\n')
		sb_adds(sb, "\n\\ No newline at end of file\n");
}

/* ops: 0 same, 1 delete a[i], 2 insert b[j]; computed from an LCS table */
static char *edit_script(const struct lines *a, const struct lines *b, size_t *n_ops)
{
	size_t n = a->n, m = b->n, k = 0;
	char *ops = xmalloc(n + m + 1);

	if (n > 4000 || m > 4000) {
		size_t pre = 0, suf = 0;

		while (pre < n && pre < m && same(a, pre, b, pre))
			pre++;
		while (suf < n - pre && suf < m - pre && same(a, n - 1 - suf, b, m - 1 - suf))
			suf++;
		memset(ops, 0, pre);
		k = pre;
		memset(ops + k, 1, n - pre - suf);
		k += n - pre - suf;
		memset(ops + k, 2, m - pre - suf);
		k += m - pre - suf;
		memset(ops + k, 0, suf);
		*n_ops = k + suf;
		return ops;
	}
	{
		uint32_t *t = xcalloc((n + 1) * (m + 1), sizeof(uint32_t));
		size_t i = 0, j = 0;

		for (size_t x = n; x-- > 0;)
			for (size_t y = m; y-- > 0;)
				t[x * (m + 1) + y] = same(a, x, b, y) ? t[(x + 1) * (m + 1) + y + 1] + 1
								      : (t[(x + 1) * (m + 1) + y] > t[x * (m + 1) + y + 1]
										 ? t[(x + 1) * (m + 1) + y]
										 : t[x * (m + 1) + y + 1]);
		while (i < n || j < m) {
			if (i < n && j < m && same(a, i, b, j))
				ops[k++] = 0, i++, j++;
			else if (i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]))
				ops[k++] = 1, i++; /* deletions before insertions, as diff -u prints */
			else
				ops[k++] = 2, j++;
		}
		free(t);
	}
	*n_ops = k;
	return ops;
}

char *diff_unified(const char *path, const char *a, size_t alen, const char *b, size_t blen)
{
	struct lines la = { 0 }, lb = { 0 };
	struct strbuf sb;
	size_t n_ops, *ai, *bj;
	char *ops;

	sb_init(&sb);
	if (a && alen == blen && !memcmp(a, b, alen))
		return sb_detach(&sb);
	split(a ? a : "", a ? alen : 0, &la);
	split(b, blen, &lb);
	ops = edit_script(&la, &lb, &n_ops);
	ai = xmalloc((n_ops + 1) * sizeof(size_t));
	bj = xmalloc((n_ops + 1) * sizeof(size_t));
	ai[0] = bj[0] = 0;
	for (size_t k = 0; k < n_ops; k++) { /* line numbers before each op */
		ai[k + 1] = ai[k] + (ops[k] != 2);
		bj[k + 1] = bj[k] + (ops[k] != 1);
	}
	sb_adds(&sb, "--- ");
	if (a)
		quote_diff_path(&sb, "a/", path);
	else
		sb_adds(&sb, "/dev/null");
	sb_adds(&sb, "\n+++ ");
	quote_diff_path(&sb, "b/", path);
	sb_addc(&sb, '\n');
	for (size_t k = 0, prev_end = 0; k < n_ops;) {
		size_t start, end, last, ca = 0, cb = 0;

		while (k < n_ops && ops[k] == 0)
			k++;
		if (k == n_ops)
			break;
		/* changes closer than 6 unchanged lines share a hunk; 3 lines of context */
		last = k;
		for (size_t x = k; x < n_ops && x - last <= 6; x++)
			if (ops[x] != 0)
				last = x;
		start = k > prev_end + 3 ? k - 3 : prev_end;
		end = last + 4 < n_ops ? last + 4 : n_ops;
		for (size_t x = start; x < end; x++) {
			ca += ops[x] != 2;
			cb += ops[x] != 1;
		}
		sb_addf(&sb, "@@ -%zu,%zu +%zu,%zu @@\n", ca ? ai[start] + 1 : ai[start], ca,
			cb ? bj[start] + 1 : bj[start], cb);
		for (size_t x = start; x < end; x++) {
			if (ops[x] == 0)
				put_line(&sb, ' ', la.s[ai[x]], la.len[ai[x]]);
			else if (ops[x] == 1)
				put_line(&sb, '-', la.s[ai[x]], la.len[ai[x]]);
			else
				put_line(&sb, '+', lb.s[bj[x]], lb.len[bj[x]]);
		}
		k = prev_end = end;
	}
	free(ops);
	free(ai);
	free(bj);
	free(la.s);
	free(la.len);
	free(lb.s);
	free(lb.len);
	return sb_detach(&sb);
}
