/* textsig.c - trigram signatures (textsig.h). */
#include <string.h>

#include "migtree/textsig.h"

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static void set_trigram(struct textsig *sig, unsigned char a, unsigned char b, unsigned char c)
{
	uint32_t h = ((uint32_t)a << 16 | (uint32_t)b << 8 | c) * 2654435761u;

	sig->bits[h >> 31] |= 1ull << (h >> 25 & 63);
}

void textsig_add(struct textsig *sig, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	for (const unsigned char *q = p; *q; q++)
		if (*q >= 0x80) { /* caseless Unicode may match it: no signature can tell */
			sig->bits[0] = sig->bits[1] = ~0ull;
			return;
		}
	for (size_t i = 0; p[i] && p[i + 1] && p[i + 2]; i++)
		set_trigram(sig, fold(p[i]), fold(p[i + 1]), fold(p[i + 2]));
}

/* The trigrams of PATTERN[FROM, TO) added to SIG; true when it has one. */
static bool add_run(struct textsig *sig, const char *pattern, size_t from, size_t to)
{
	for (size_t i = from; i + 2 < to; i++)
		set_trigram(sig, fold((unsigned char)pattern[i]), fold((unsigned char)pattern[i + 1]),
			    fold((unsigned char)pattern[i + 2]));
	return to - from >= 3;
}

bool textsig_of_pattern(const char *pattern, struct textsig *sig)
{
	size_t n = strlen(pattern), run = 0, from = 0, to = n;
	bool any = false;

	memset(sig, 0, sizeof(*sig));
	if (n && pattern[0] == '^') /* anchors match no text */
		from = run = 1;
	if (to > from && pattern[to - 1] == '$') /* "\\$" is refused below, by its backslash */
		to--;
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)pattern[i];

		if (c == '.') { /* any one character, and a quantifier on it: a gap */
			any = add_run(sig, pattern, run, i) || any;
			if (i + 1 < to && strchr("*+?", pattern[i + 1]))
				i++;
			run = i + 1;
		} else if (c >= 0x80 || c < 0x20 || strchr("\\^$[]|()?*+{}", c)) {
			return false;
		}
	}
	any = add_run(sig, pattern, run, to) || any;
	return any;
}
