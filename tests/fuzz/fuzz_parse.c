/* fuzz_parse.c - libFuzzer target: one migration file's bytes through
 * parse_revision_file() and, when the file imports nothing (so no other file is
 * read), the resolver.
 *
 * Beyond "no crash, no leak, no undefined behaviour" (the sanitizers) it asserts
 * what the rest of migtree relies on, none of which holds by construction:
 *   - the file keeps exactly the input bytes, NUL-terminated;
 *   - every recorded span lies within the file with start <= end, and a line is
 *     never below 1;
 *   - a simple one-token string item ('abc' or "abc", printable ASCII, no
 *     backslash) equals the bytes between its quotes;
 *   - a file without an error has a revision id and a down_revision (else
 *     Alembic could not have loaded it), and a resolved file needs nothing more;
 *   - the fast path (indented lines outside conditional blocks skimmed, not
 *     tokenised) and the full path (PARSE_FULL: every line tokenised) read the
 *     same bytes to the same file in every field (revision_file_same): the
 *     skimmer must end each line on the same byte, count the same lines and fail
 *     with the same error as the lexer;
 *   - so do, for a module that is dropped (PARSE_DROP_MODULE), the fast path that
 *     records no module-level names unless a tracked value reads them and the
 *     full path that records them all and drops them at the end;
 *   - a long `NAME = [...]` line streamed (its items parsed as they are lexed and
 *     their tokens dropped: parse_revision_file_streamed, here from a few tokens
 *     on, set by the input's size) reads the same as the full path;
 *   - a file read into a scan thread's scratch (parse_revision_file_lent) and
 *     packed, or kept when packing would not take it, reads the same;
 *   - the prescan (the fast path's lines read from their bytes, no tokens: a
 *     docstring, imports, defs, `NAME = None | 'id' | ('a', 'b')`, bodies) reads
 *     as the full path does. A random input seldom starts the way a migration
 *     does, so the input is also read where the prescan reads: after a
 *     template's docstring and assignments, at module level and inside a
 *     function body, and the same with CRLF line ends; the fast reading must
 *     also have lexed no line of the template itself. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/parse.h"
#include "migtree/resolve.h"

#define REQUIRE(c) ((c) ? (void)0 : abort())

static void check_span(const struct revision_file *rf, const struct mt_span *s)
{
	REQUIRE(s->start <= s->end);
	REQUIRE(s->end <= rf->len);
}

/* 'abc' / "abc" with nothing to decode: the item is exactly abc */
static void check_simple_item(const struct revision_file *rf, const struct mt_span *s,
			      const char *item)
{
	const char *t = rf->text + s->start;
	size_t n = s->end - s->start, i;

	if (n < 2 || (t[0] != '\'' && t[0] != '"') || t[n - 1] != t[0])
		return;
	if (n >= 6 && t[1] == t[0] && t[2] == t[0])
		return; /* a triple-quoted string */
	for (i = 1; i + 1 < n; i++)
		if (t[i] == t[0] || t[i] == '\\' || t[i] < 0x20 || t[i] > 0x7e)
			return;
	REQUIRE(strlen(item) == n - 2 && !memcmp(item, t + 1, n - 2));
}

static void check_value(const struct revision_file *rf, const struct py_value *v)
{
	size_t i;

	if (v->kind == VALUE_ABSENT)
		return;
	check_span(rf, &v->span);
	REQUIRE(v->line >= 1);
	for (i = 0; i < v->items.n; i++) {
		struct mt_span is = pv_item_span(v, i);

		check_span(rf, &is);
		REQUIRE(is.start >= v->span.start && is.end <= v->span.end);
		if (!pv_item_is_ref(v, i))
			check_simple_item(rf, &is, v->items.v[i]);
	}
	if (v->kind == VALUE_EXPR)
		REQUIRE(pv_expr(v) != NULL);
}

static void check_file(const struct revision_file *rf, const uint8_t *data, size_t size)
{
	REQUIRE(rf != NULL && rf->len == size && !memcmp(rf->text, data, size) && !rf->text[size]);
	check_value(rf, &rf->rev);
	check_value(rf, &rf->down);
	for (int i = RF_LABELS; i <= RF_DEPS; i++) {
		struct py_value v = rf_value(rf, i);

		check_value(rf, &v);
	}
	/* both plain: kept as such, not as two values (rf_values_settle) */
	REQUIRE(!rf->more || !rf_value_is_plain(&rf->more[0]) || !rf_value_is_plain(&rf->more[1]));
	if (rf->has_doc)
		check_span(rf, &rf->doc_span);
	if (rf->doc_revises.value)
		check_span(rf, &rf->doc_revises.span);
	if (rf->error) {
		REQUIRE(*rf->error && rf->error_line >= 0);
	} else if (!rf->needs_resolve) {
		REQUIRE(rf->revision != NULL && rf->down.kind != VALUE_ABSENT);
	}
}

/* A migration's module level as Alembic writes it, in LF and in CRLF: every line
 * of it is the prescan's. The input follows it, and again after a def line. */
static const char template_lf[] = "\"\"\"fuzz\n\nRevision ID: a1\nRevises: b1\n\"\"\"\n"
				  "from alembic import op\nrevision = 'a1'\ndown_revision = ('b1',)\n"
				  "branch_labels = None\ndepends_on = None\n\n";
static const char template_crlf[] = "\"\"\"fuzz\"\"\"\r\nimport sqlalchemy as sa\r\n"
				    "revision: str = 'a1'\r\ndown_revision = 'b1'\r\n\r\n";

/* The fast and the full reading of PREFIX + (DEF) + DATA agree, dropped module or
 * not; the fast one lexed none of PREFIX's lines. */
static void check_placed(const char *prefix, bool def, const uint8_t *data, size_t size)
{
	static const char def_line[] = "def upgrade():\n    ";
	size_t plen = strlen(prefix), dlen = def ? strlen(def_line) : 0, n = plen + dlen + size;
	char *text = malloc(n + 1);
	struct revision_file *fast, *full;
	struct parse_work work = { 0 };
	size_t lines_in = 0;

	REQUIRE(text != NULL);
	memcpy(text, prefix, plen);
	memcpy(text + plen, def_line, dlen);
	memcpy(text + plen + dlen, data, size);
	text[n] = '\0';
	for (size_t i = 0; i < size; i++) /* the input's own logical lines bound what is lexed */
		lines_in += data[i] == '\n' || data[i] == '\r' || data[i] == ';';
	for (unsigned drop = 0; drop <= PARSE_DROP_MODULE; drop += PARSE_DROP_MODULE) {
		fast = parse_revision_file_work("/nonexistent/migtree-fuzz/x.py", text, n, drop, &work);
		full = parse_revision_file_with("/nonexistent/migtree-fuzz/x.py", text, n, PARSE_FULL | drop);
		check_file(fast, (const uint8_t *)text, n);
		REQUIRE(revision_file_same(fast, full));
		revision_file_free(fast);
		revision_file_free(full);
	}
	/* twice (two readings, a restart each at most), the input's lines and one
	 * for the def's body */
	REQUIRE(work.lexed_lines <= 4 * (lines_in + 2));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct resolver *r;
	static struct parse_scratch *scratch;
	struct revision_file *rf, *again, *dropped;
	struct strlist none = { 0 };

	if (!r)
		r = resolver_new(&none, NULL);
	if (!scratch)
		scratch = parse_scratch_new();
	/* a hex name: the legacy rule may give the id from the file name */
	rf = parse_revision_file("/nonexistent/migtree-fuzz/0a1b2c3d.py", (const char *)data, size);
	check_file(rf, data, size);
	again = parse_revision_file_with("/nonexistent/migtree-fuzz/0a1b2c3d.py", (char *)data, size,
					 PARSE_FULL); /* copied, never written */
	check_file(again, data, size);
	REQUIRE(revision_file_same(rf, again));
	if (!again->needs_resolve) { /* packing moves the strings; what reads stays */
		again = revision_file_pack(again);
		check_file(again, data, size);
		REQUIRE(revision_file_same(rf, again));
	}
	revision_file_free(again);
	/* as a scan reads it: lent, then packed or kept (its strings copied out) */
	dropped = parse_revision_file_with("/nonexistent/migtree-fuzz/0a1b2c3d.py", (char *)data, size,
					   PARSE_DROP_MODULE);
	again = parse_revision_file_lent("/nonexistent/migtree-fuzz/0a1b2c3d.py", (char *)data, size,
					 PARSE_DROP_MODULE, scratch);
	again = again->needs_resolve ? revision_file_keep(again) : revision_file_pack(again);
	REQUIRE(!again->lent);
	check_file(again, data, size);
	REQUIRE(revision_file_same(dropped, again));
	revision_file_free(dropped);
	revision_file_free(again);
	again = parse_revision_file_streamed("/nonexistent/migtree-fuzz/0a1b2c3d.py", (char *)data, size,
					     0, 1 + size % 6);
	check_file(again, data, size);
	REQUIRE(revision_file_same(rf, again));
	revision_file_free(again);
	/* a module that is dropped: the fast path records no names unless a tracked
	 * value reads them (then reads the file again); the full path records them
	 * all and drops them at the end */
	again = parse_revision_file_with("/nonexistent/migtree-fuzz/0a1b2c3d.py", (char *)data, size,
					 PARSE_FULL | PARSE_DROP_MODULE);
	dropped = parse_revision_file_with("/nonexistent/migtree-fuzz/0a1b2c3d.py", (char *)data, size,
					   PARSE_DROP_MODULE);
	check_file(dropped, data, size);
	REQUIRE(revision_file_same(dropped, again));
	revision_file_free(dropped);
	dropped = parse_revision_file_streamed("/nonexistent/migtree-fuzz/0a1b2c3d.py", (char *)data, size,
					       PARSE_DROP_MODULE, 1 + size % 6);
	check_file(dropped, data, size);
	REQUIRE(revision_file_same(dropped, again));
	revision_file_free(dropped);
	revision_file_free(again);
	check_placed(template_lf, false, data, size);
	check_placed(template_lf, true, data, size);
	check_placed(template_crlf, true, data, size);
	if (rf->module->n_imports == 0) {
		resolve_file(r, rf);
		REQUIRE(!rf->needs_resolve || rf->error);
		check_file(rf, data, size);
	}
	revision_file_free(rf);
	return 0;
}
