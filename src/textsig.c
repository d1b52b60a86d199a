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

bool textsig_of_literal(const char *pattern, struct textsig *sig)
{
	size_t n = strlen(pattern);

	if (n < 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)pattern[i] >= 0x80 || (unsigned char)pattern[i] < 0x20 ||
		    strchr("\\^$.[]|()?*+{}", pattern[i]))
			return false;
	memset(sig, 0, sizeof(*sig));
	textsig_add(sig, pattern);
	return true;
}
