/* docstring.c - reading the docstring header the way people and templates write it,
 * and the docstring_mismatch warning. See docstring.h for why it is one module. */
#include <stdlib.h>
#include <string.h>

#include "migtree/docstring.h"
#include "migtree/strmap.h"

/* What separates ids in a header value: list punctuation of every form we accept. */
static bool is_separator(char c)
{
	return c && strchr(", \t\r\n()[]{}", c) != NULL;
}

/* A Python string prefix before a quote (u'a', b"a"): not an id. */
static bool string_prefix(const char *s, size_t n)
{
	if (n == 0 || n > 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("uUrRbB", s[i]))
			return false;
	return true;
}

void docstring_split_revises(const char *value, struct strlist *out)
{
	const char *s = value;

	while (s && *s) {
		size_t n;

		if (is_separator(*s)) {
			s++;
		} else if (*s == '\'' || *s == '"') {
			/* a quoted id, to its closing quote or (cut by parse.c) the end */
			const char *e = strchr(s + 1, *s);

			n = e ? (size_t)(e - s - 1) : strlen(s + 1);
			if (n)
				sl_push_owned(out, xstrndup(s + 1, n));
			s += 1 + n + (e != NULL);
		} else {
			n = strcspn(s, ", \t\r\n()[]{}'\"");
			if (!((s[n] == '\'' || s[n] == '"') && string_prefix(s, n)) &&
			    !(n == 4 && !strncmp(s, "None", 4)))
				sl_push_owned(out, xstrndup(s, n));
			s += n;
		}
	}
}

/* A merge's few parents, compared each with each: cheaper than a table. */
static bool same_small_set(const struct strlist *a, const struct strlist *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!sl_contains(b, a->v[i]))
			return false;
	for (size_t i = 0; i < b->n; i++)
		if (!sl_contains(a, b->v[i]))
			return false;
	return true;
}

/* Whether A and B hold the same ids, each any number of times. A merge of
 * thousands of parents is compared through a table of A's ids, each marked
 * once B names it: equal when B names nothing else and leaves none unmarked. */
static bool same_set(const struct strlist *a, const struct strlist *b)
{
	struct strmap in_a;
	size_t unnamed = 0; /* A's distinct ids B has not named yet */
	uint32_t named;
	bool same = true;

	if (a->n * b->n <= 64)
		return same_small_set(a, b);
	strmap_init(&in_a);
	strmap_reserve(&in_a, a->n);
	for (size_t i = 0; i < a->n; i++)
		unnamed += strmap_put(&in_a, a->v[i], 0);
	for (size_t i = 0; i < b->n && same; i++) {
		same = strmap_get(&in_a, b->v[i], &named);
		if (same && !named) {
			strmap_put(&in_a, b->v[i], 1);
			unnamed--;
		}
	}
	strmap_free(&in_a);
	return same && !unnamed;
}

/* The bytes that end an id in a header value (docstring_split_revises'), NUL too. */
static const bool id_stop[256] = {
	[0] = true,    [','] = true, [' '] = true, ['\t'] = true, ['\r'] = true, ['\n'] = true, ['('] = true,
	[')'] = true,  ['['] = true, [']'] = true, ['{'] = true,  ['}'] = true,  ['\''] = true, ['"'] = true,
};

/* Does VALUE split into itself alone (one id, nothing to strip)? The common
 * header, compared without the split's allocations; its bytes looked up in a
 * table (strcspn built one a call, a fifth of check's docstring work). */
static bool one_plain_id(const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t n;

	while (!id_stop[*s])
		s++;
	n = (size_t)(s - (const unsigned char *)value);
	return !*s && n && !(n == 4 && !memcmp(value, "None", 4));
}

/* Whether A and B are equal: a packed file holds an equal string once (the
 * header's id is nearly always the variable's), so the pointers say yes first. */
static bool same_id(const char *a, const char *b)
{
	return a == b || !strcmp(a, b);
}

bool docstring_revises_agrees(const struct revision_file *rf)
{
	struct strlist doc = { 0 };
	bool same;

	if (!rf->doc_revises.value || pv_n_unknown(&rf->down))
		return true; /* nothing to compare with until the value is known */
	if (one_plain_id(rf->doc_revises.value)) { /* same_set of {value} and the ids */
		same = rf->down.ids.n > 0;
		for (size_t i = 0; i < rf->down.ids.n && same; i++)
			same = same_id(rf->down.ids.v[i], rf->doc_revises.value);
		return same;
	}
	docstring_split_revises(rf->doc_revises.value, &doc);
	same = same_set(&doc, &rf->down.ids);
	sl_free(&doc);
	return same;
}

bool docstring_revision_id_agrees(const struct revision_file *rf)
{
	struct strlist doc = { 0 };
	bool same;

	if (!rf->doc_revision_id.value || !rf->revision)
		return true;
	if (one_plain_id(rf->doc_revision_id.value))
		return same_id(rf->doc_revision_id.value, rf->revision);
	docstring_split_revises(rf->doc_revision_id.value, &doc);
	same = doc.n == 1 && !strcmp(doc.v[0], rf->revision);
	sl_free(&doc);
	return same;
}

/* Where the docstring's closing delimiter starts (its last token's quotes). */
static size_t closing_quotes(const struct revision_file *rf)
{
	size_t end = rf->doc_span.end;
	char q = rf->text[end - 1];

	if (end >= rf->doc_span.start + 6 && rf->text[end - 2] == q && rf->text[end - 3] == q)
		return end - 3;
	return end - 1;
}

/* parse.c strips quotes at a value's end, since a one-line docstring may close
 * right after it (`Revises: a"""`); a value written `'a'` keeps its own quote. */
struct mt_span docstring_value_span(const struct revision_file *rf, const struct doc_field *f)
{
	struct mt_span v = f->span;
	size_t stop = v.end, close = closing_quotes(rf);

	while (stop < rf->len && rf->text[stop] != '\n' && rf->text[stop] != '\r')
		stop++;
	if (close >= v.end && close < stop)
		stop = close;
	while (v.end < stop && (rf->text[v.end] == '\'' || rf->text[v.end] == '"'))
		v.end++;
	return v;
}

/* The header field KEY on the docstring's first line, right after its opening
 * quotes (`"""Revises: zz"""`, a one-line docstring), which parse.c's field search
 * does not look at: found the way it finds the others. */
static void first_line_field(struct revision_file *rf, const char *key, struct doc_field *f)
{
	const char *s = rf->text + rf->doc_span.start, *end = rf->text + rf->doc_span.end, *le, *ve;
	size_t klen = strlen(key);

	if (f->value)
		return;
	while (s < end && strchr("uUrRbB", *s))
		s++;
	if (s < end && (*s == '"' || *s == '\'')) {
		char q = *s;

		s += end - s >= 3 && s[1] == q && s[2] == q ? 3 : 1;
	}
	le = memchr(s, '\n', (size_t)(end - s));
	if (!le)
		le = end;
	while (s < le && (*s == ' ' || *s == '\t'))
		s++;
	if ((size_t)(le - s) < klen || memcmp(s, key, klen))
		return;
	for (s += klen; s < le && (*s == ' ' || *s == '\t');)
		s++;
	for (ve = le; ve > s && strchr("\r \t\"'", ve[-1]);)
		ve--;
	f->value = xstrndup(s, (size_t)(ve - s));
	f->span = (struct mt_span){ (size_t)(s - rf->text), (size_t)(ve - rf->text), rf->doc_span.line };
}

void docstring_complete(struct revision_file *rf)
{
	if (!rf->has_doc || rf->error || rf->doc_span.end <= rf->doc_span.start)
		return;
	first_line_field(rf, "Revision ID:", &rf->doc_revision_id);
	first_line_field(rf, "Revises:", &rf->doc_revises);
	first_line_field(rf, "Create Date:", &rf->doc_create_date);
}

char *docstring_revises_text(const struct strlist *parents)
{
	return sl_join(parents, ", ");
}

/* Does down_revision name a revision no file defines? */
static bool names_missing(const struct graph *g, const struct revision_file *rf)
{
	for (size_t i = 0; i < rf->down.ids.n; i++) {
		uint32_t p = graph_find(g, rf->down.ids.v[i]);

		if (p == NO_NODE || g->nodes[p].phantom)
			return true;
	}
	return false;
}

/* When down_revision names a missing revision and the docstring names existing
 * ones, the docstring is the better witness: offer it as a parent first. */
static void add_fixes(const struct graph *g, struct problem *p, const struct revision_file *rf,
		      bool revises)
{
	struct strlist doc = { 0 };
	bool all_exist = true;

	if (revises && names_missing(g, rf)) {
		docstring_split_revises(rf->doc_revises.value, &doc);
		for (size_t i = 0; i < doc.n && all_exist; i++) {
			uint32_t at = graph_find(g, doc.v[i]);

			all_exist = at != NO_NODE && !g->nodes[at].phantom && strcmp(doc.v[i], rf->revision);
		}
		if (doc.n && all_exist) {
			struct fix *f = problem_add_fix(p, FIX_SET_DOWN, rf->revision, "if the docstring is right");

			sl_copy(&f->parents, &doc);
			problem_add_fix(p, FIX_SET_DOCSTRING, rf->revision, "make the docstring follow down_revision");
			sl_free(&doc);
			return;
		}
		sl_free(&doc);
	}
	problem_add_fix(p, FIX_SET_DOCSTRING, rf->revision, "make the docstring say what the variables say");
}

static void check_file(struct graph *g, const struct revision_file *rf)
{
	struct problem *p;

	if (!docstring_revision_id_agrees(rf)) {
		p = problem_add(&g->problems, PROBLEM_DOCSTRING_MISMATCH, rf->revision, NULL, rf->path,
				rf->doc_revision_id.span.line, rf->load_index,
				"docstring says Revision ID: %s but revision = '%s'", rf->doc_revision_id.value,
				rf->revision);
		add_fixes(g, p, rf, false);
	}
	if (!docstring_revises_agrees(rf)) {
		char *down = sl_join(&rf->down.ids, ", ");

		p = problem_add(&g->problems, PROBLEM_DOCSTRING_MISMATCH, rf->revision, NULL, rf->path,
				rf->doc_revises.span.line, rf->load_index,
				"docstring says Revises: %s but down_revision is %s",
				*rf->doc_revises.value ? rf->doc_revises.value : "(nothing)", *down ? down : "None");
		add_fixes(g, p, rf, true);
		free(down);
	}
}

void docstring_check_file(struct graph *g, const struct revision_file *rf)
{
	if (!rf->error)
		check_file(g, rf);
}

void docstring_check(struct graph *g)
{
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i].file && !g->nodes[i].file->error)
			check_file(g, g->nodes[i].file);
}
