/* test_docstring.c - the docstring header: the one Revises: splitter, the
 * docstring_mismatch check (no warning on what Alembic's templates write, a
 * warning on every stale header) and the set-docstring edit (exact bytes, every
 * other byte kept, CRLF, undo/redo). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migtree/docstring.h"
#include "migtree/edit.h"

/* SPLIT of VALUE joined by "|" ("" when it names nothing). */
static char *split(const char *value)
{
	struct strlist l = { 0 };
	char *s;

	docstring_split_revises(value, &l);
	s = sl_join(&l, "|");
	sl_free(&l);
	return s;
}

#define assert_split(value, want)                  \
	do {                                       \
		char *got_ = split(value);         \
		assert_string_equal(got_, want);   \
		free(got_);                        \
	} while (0)

static void test_split_forms(void **state)
{
	(void)state;
	assert_split("", "");
	assert_split("None", "");
	assert_split("  None  ", "");
	assert_split("ae10", "ae10");
	assert_split("a1, b2", "a1|b2");
	assert_split("a1,b2", "a1|b2");
	assert_split("a1 b2", "a1|b2");
	assert_split("('a1', 'b2')", "a1|b2");
	assert_split("(\"a1\", \"b2\")", "a1|b2");
	assert_split("['a1','b2']", "a1|b2");
	assert_split("('a1',)", "a1");
	assert_split("(u'a1', u'b2')", "a1|b2");     /* a Python 2 repr */
	assert_split(" 'a1' , \"b2\" ", "a1|b2");
	assert_split("'a1", "a1");                   /* parse.c cuts a closing quote */
	assert_split("()", "");
	assert_split("004_add_missing_user_columns", "004_add_missing_user_columns");
	assert_split(NULL, "");
}

/* A file with this header (DOC_ID / REVISES lines, NULL: absent) and variables. */
static struct revision_file *file(const char *doc_id, const char *revises, const char *rev, const char *down)
{
	char *src = xasprintf("\"\"\"msg\n\n%s%s%s%s%s%s\"\"\"\nrevision = '%s'\ndown_revision = %s\n",
			      doc_id ? "Revision ID: " : "", doc_id ? doc_id : "", doc_id ? "\n" : "",
			      revises ? "Revises:" : "", revises ? revises : "", revises ? "\n" : "", rev, down);
	struct revision_file *rf = parse_revision_file("x.py", src, strlen(src));

	free(src);
	assert_null(rf->error);
	return rf;
}

static bool revises_ok(const char *revises, const char *down)
{
	struct revision_file *rf = file("ae10", revises, "ae10", down);
	bool ok = docstring_revises_agrees(rf);

	revision_file_free(rf);
	return ok;
}

static void test_parent_sets(void **state)
{
	(void)state;
	/* what Alembic's templates and people write: no warning */
	assert_true(revises_ok(" None", "None"));
	assert_true(revises_ok(" ", "None"));            /* script.py.mako for a base */
	assert_true(revises_ok("", "None"));
	assert_true(revises_ok(" ('a1', 'b2')", "('a1', 'b2')"));
	assert_true(revises_ok(" ['b2','a1']", "('a1', 'b2')"));
	assert_true(revises_ok(" b2, a1", "('a1', 'b2')")); /* another order */
	assert_true(revises_ok(" ('a1',)", "'a1'"));
	assert_true(revises_ok(" a1", "('a1',)"));
	assert_true(revises_ok(" 'a1'", "'a1'"));
	assert_true(revises_ok(NULL, "'a1'"));           /* no Revises: line at all */
	/* stale: a warning */
	assert_false(revises_ok(" c3", "'a1'"));
	assert_false(revises_ok(" a1", "('a1', 'b2')"));  /* a parent missing */
	assert_false(revises_ok(" a1, b2, c3", "('a1', 'b2')"));
	assert_false(revises_ok(" a1", "None"));          /* made a base, header kept */
	assert_false(revises_ok(" None", "'a1'"));
	assert_false(revises_ok(" a1b", "'a1'"));
}

/* Whether a merge of N parents (p0 ... pN-1, each named twice when TWICE)
 * agrees with a header naming pN-1 ... p0 backwards, each id twice; but parent
 * SWAP (unless -1) named SWAP_FOR the second time, or both times when BOTH. */
static bool big_merge_ok(int n, bool twice, int swap, const char *swap_for, bool both)
{
	struct strbuf down, revises;
	bool ok;

	sb_init(&down);
	sb_init(&revises);
	sb_adds(&down, "(");
	for (int i = 0; i < n; i++)
		sb_addf(&down, twice ? "'p%d', 'p%d', " : "'p%d', ", i, i);
	sb_adds(&down, ")");
	for (int i = n - 1; i >= 0; i--) {
		char *id = xasprintf("p%d", i);

		sb_addf(&revises, " %s, %s,", i == swap && both ? swap_for : id, i == swap ? swap_for : id);
		free(id);
	}
	ok = revises_ok(revises.buf, down.buf);
	sb_free(&down);
	sb_free(&revises);
	return ok;
}

/* Sets of many parents, as of few: the same ids in any order and number, and
 * the first, a middle or the last parent unnamed, or another named with it. */
static void test_big_parent_sets(void **state)
{
	static const int sizes[] = { 9, 3000 };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		int n = sizes[k];
		char *extra = xasprintf("p%d", n);

		for (int twice = 0; twice < 2; twice++) {
			assert_true(big_merge_ok(n, twice, -1, NULL, false));
			assert_true(big_merge_ok(n, twice, 0, "p1", false)); /* p1 named more often */
			assert_false(big_merge_ok(n, twice, 0, extra, false));
			assert_false(big_merge_ok(n, twice, n / 2, "p0", true)); /* a parent unnamed */
			assert_false(big_merge_ok(n, twice, n - 1, extra, true));
			assert_false(big_merge_ok(n, twice, n - 1, "p1", true));
		}
		free(extra);
	}
}

/* Every byte that ends an id in a header value splits it, the table's as the
 * split's: "b2" and "a1" whatever stands between them. */
static void test_plain_id_stops(void **state)
{
	static const char stops[] = ",()[]{}\t '\"";

	(void)state;
	for (size_t i = 0; stops[i]; i++) {
		char revises[16];

		snprintf(revises, sizeof(revises), " b2%ca1", stops[i]);
		assert_true(revises_ok(revises, "('a1', 'b2')"));
	}
	assert_false(revises_ok(" b2a1", "('a1', 'b2')"));
	assert_false(revises_ok(" None", "'a1'"));
}

/* A packed file's header ids and variables, equal strings placed once, agree
 * (or not) as the file read did. */
static void test_packed_agrees(void **state)
{
	static const char *const hdr[][4] = {
		{ "ae10", " cd34", "ae10", "'cd34'" },
		{ "ae11", " cd34", "ae10", "'cd35'" },
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct revision_file *rf = revision_file_pack(file(hdr[i][0], hdr[i][1], hdr[i][2], hdr[i][3]));

		assert_int_equal(docstring_revision_id_agrees(rf), i == 0);
		assert_int_equal(docstring_revises_agrees(rf), i == 0);
		revision_file_free(rf);
	}
}

static void test_revision_id(void **state)
{
	struct revision_file *rf;

	(void)state;
	rf = file("ae10", NULL, "ae10", "None");
	assert_true(docstring_revision_id_agrees(rf));
	revision_file_free(rf);
	rf = file("'ae10'", NULL, "ae10", "None");
	assert_true(docstring_revision_id_agrees(rf));
	revision_file_free(rf);
	rf = file("ae11", NULL, "ae10", "None");
	assert_false(docstring_revision_id_agrees(rf));
	revision_file_free(rf);
	rf = file("", NULL, "ae10", "None");
	assert_false(docstring_revision_id_agrees(rf));
	revision_file_free(rf);
}

/* A project of in-memory files: N pairs of path and source, in load order. */
static void load(struct project *p, const char *const (*src)[2], size_t n)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		struct revision_file *rf = parse_revision_file(src[i][0], src[i][1], strlen(src[i][1]));

		rf->real_path = xasprintf("/nonexistent/%s", src[i][0]);
		rf->load_index = i;
		GROW(p->files.v, p->files.cap, p->files.n + 1);
		p->files.v[p->files.n++] = rf;
	}
	project_analyse(p);
}

static const char *const history[][2] = {
	{ "a.py", "\"\"\"base\n\nRevision ID: a1\nRevises: None\n\"\"\"\nrevision = 'a1'\ndown_revision = None\n" },
	{ "b.py", "\"\"\"b\n\nRevision ID: b2\nRevises: a1\n\"\"\"\nrevision = 'b2'\ndown_revision = 'a1'\n" },
	{ "c.py", "\"\"\"c\n\nRevision ID: c3\nRevises: a1\n\"\"\"\nrevision = 'c3'\ndown_revision = 'a1'\n" },
	{ "m.py", "\"\"\"merge\n\nRevision ID: m4\nRevises: ('b2', 'c3')\n\"\"\"\nrevision = 'm4'\n"
		  "down_revision = ('b2', 'c3')\n" },
	{ "n.py", "\"\"\"merge again\n\nRevision ID: n5\nRevises: m4, c3\n\"\"\"\nrevision = 'n5'\n"
		  "down_revision = ('c3', 'm4')\n" },
	/* stale: Revises from before a re-parent, and a Revision ID copied over */
	{ "s.py", "\"\"\"stale\n\nRevision ID: s6\nRevises: b2\n\"\"\"\nrevision = 's6'\ndown_revision = 'n5'\n" },
	{ "t.py", "\"\"\"copied\n\nRevision ID: s6\nRevises: s6\n\"\"\"\nrevision = 't7'\ndown_revision = 's6'\n" },
};

static void test_check(void **state)
{
	struct project p;
	size_t n = 0;

	(void)state;
	load(&p, history, sizeof(history) / sizeof(history[0]));
	for (size_t i = 0; i < p.graph.problems.n; i++) {
		const struct problem *pr = &p.graph.problems.v[i];

		if (pr->kind != PROBLEM_DOCSTRING_MISMATCH)
			continue;
		n++;
		assert_true(!strcmp(pr->revision, "s6") || !strcmp(pr->revision, "t7"));
		assert_int_equal(pr->n_fixv, 1);
		assert_int_equal(pr->fixv[0].kind, FIX_SET_DOCSTRING);
		assert_string_equal(pr->fixv[0].target, pr->revision);
	}
	assert_int_equal(n, 2); /* s6's Revises:, t7's Revision ID: */
	project_free(&p);
}

/* The text of the file at PATH now. */
static const char *text_of(const struct project *p, const char *path)
{
	for (size_t i = 0; i < p->files.n; i++)
		if (!strcmp(p->files.v[i]->path, path))
			return p->files.v[i]->text;
	fail_msg("no file %s", path);
	return NULL;
}

static const char *const stale[][2] = {
	{ "a.py", "\"\"\"base\n\nRevision ID: a1\nRevises: zz\n\"\"\"\nrevision = 'a1'\ndown_revision = None\n" },
	{ "b.py", "\"\"\"b\r\n\r\nRevision ID: xx\r\nRevises: a1\r\nCreate Date: 2024\r\n\r\n\"\"\"\r\n"
		  "revision = \"b2\"  # keep\r\ndown_revision = ('a1',)\r\n" },
	{ "c.py", "\"\"\"c\n\n  Revises:\t'a1'  \n\"\"\"\nrevision = 'c3'\ndown_revision = (\n  'b2',\n  'a1',\n)\n" },
	{ "d.py", "\"\"\"d\nRevision ID: d4\nRevises:\"\"\"\nrevision = 'd4'\ndown_revision = 'c3'" },
	{ "e.py", "\"\"\"e\nRevises: 'zz'\"\"\"\nrevision = 'e5'\ndown_revision = 'd4'\n" },
};

static const char *const fixed[] = {
	"\"\"\"base\n\nRevision ID: a1\nRevises: \n\"\"\"\nrevision = 'a1'\ndown_revision = None\n",
	"\"\"\"b\r\n\r\nRevision ID: b2\r\nRevises: a1\r\nCreate Date: 2024\r\n\r\n\"\"\"\r\n"
	"revision = \"b2\"  # keep\r\ndown_revision = ('a1',)\r\n",
	"\"\"\"c\n\n  Revises:\tb2, a1  \n\"\"\"\nrevision = 'c3'\ndown_revision = (\n  'b2',\n  'a1',\n)\n",
	"\"\"\"d\nRevision ID: d4\nRevises: c3\"\"\"\nrevision = 'd4'\ndown_revision = 'c3'",
	"\"\"\"e\nRevises: d4\"\"\"\nrevision = 'e5'\ndown_revision = 'd4'\n",
};

static const char *const ids[] = { "a1", "b2", "c3", "d4", "e5" };

static void test_set_docstring_bytes(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };

	(void)state;
	load(&p, stale, sizeof(stale) / sizeof(stale[0]));
	edit_begin(&s, &p);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (edit_set_docstring(&s, ids[i], &err))
			fail_msg("set-docstring %s: %s", ids[i], err.message);
		assert_string_equal(text_of(&p, stale[i][0]), fixed[i]);
	}
	for (size_t i = 0; i < p.graph.problems.n; i++)
		assert_int_not_equal(p.graph.problems.v[i].kind, PROBLEM_DOCSTRING_MISMATCH);
	/* nothing left to fix: refused, nothing changes */
	assert_int_equal(edit_set_docstring(&s, "b2", &err), -1);
	assert_non_null(strstr(err.message, "nothing to fix"));
	assert_int_equal(edit_set_docstring(&s, "nope", &err), -1);
	assert_int_equal(edit_changed(&s, NULL, 0), 5);
	/* undo restores every byte, redo brings the fix back */
	for (size_t i = sizeof(ids) / sizeof(ids[0]); i-- > 0;) {
		assert_int_equal(edit_undo(&s), 0);
		assert_string_equal(text_of(&p, stale[i][0]), stale[i][1]);
	}
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	assert_int_equal(edit_redo(&s), 0);
	assert_string_equal(text_of(&p, "a.py"), fixed[0]);
	edit_end(&s);
	project_free(&p);
}

/* set-docstring --all: every file rewritten as one at a time would, in ONE
 * step (not a step, and a copy of the problems for undo, a file: the square
 * of the files), analysed once; one undo takes it all back. Any of them
 * refused (unknown, or fixed already by being named before) refuses all. */
static void test_set_docstrings_one_step(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	struct strlist revs = { 0 };
	const size_t n = sizeof(ids) / sizeof(ids[0]);

	(void)state;
	load(&p, stale, n);
	edit_begin(&s, &p);
	for (size_t i = 0; i < n; i++)
		sl_push(&revs, ids[i]);
	sl_push(&revs, "b2");
	assert_int_equal(edit_set_docstrings(&s, &revs, &err), -1);
	assert_string_equal(err.message, "nothing to fix: the docstring of b2 already agrees with its variables");
	free(revs.v[--revs.n]);
	sl_push(&revs, "nope");
	assert_int_equal(edit_set_docstrings(&s, &revs, &err), -1);
	assert_string_equal(err.message, "no revision nope");
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	assert_false(edit_can_undo(&s));
	free(revs.v[--revs.n]);
	assert_int_equal(edit_set_docstrings(&s, &revs, &err), 0);
	assert_int_equal(s.n_undo, 1);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(text_of(&p, stale[i][0]), fixed[i]);
	for (size_t i = 0; i < p.graph.problems.n; i++)
		assert_int_not_equal(p.graph.problems.v[i].kind, PROBLEM_DOCSTRING_MISMATCH);
	assert_int_equal(edit_undo(&s), 0);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(text_of(&p, stale[i][0]), stale[i][1]);
	assert_int_equal(edit_changed(&s, NULL, 0), 0);
	assert_int_equal(edit_redo(&s), 0);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(text_of(&p, stale[i][0]), fixed[i]);
	sl_free(&revs);
	edit_end(&s);
	project_free(&p);
}

/* set-down rewrites a quoted Revises: value whole: no stray closing quote. */
static void test_set_down_quoted_revises(void **state)
{
	struct project p;
	struct edit_session s;
	struct mt_error err = { 0 };
	struct strlist parents = { 0 };

	(void)state;
	load(&p, stale, sizeof(stale) / sizeof(stale[0]));
	edit_begin(&s, &p);
	sl_push(&parents, "a1");
	assert_int_equal(edit_set_down(&s, "c3", &parents, false, &err), 0);
	assert_non_null(strstr(text_of(&p, "c.py"), "  Revises:\ta1  \n"));
	sl_free(&parents);
	edit_end(&s);
	project_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_forms),
		cmocka_unit_test(test_parent_sets), cmocka_unit_test(test_big_parent_sets),
		cmocka_unit_test(test_plain_id_stops), cmocka_unit_test(test_packed_agrees),
		cmocka_unit_test(test_revision_id),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_set_docstring_bytes),
		cmocka_unit_test(test_set_docstrings_one_step),
		cmocka_unit_test(test_set_down_quoted_revises),
	};

	return cmocka_run_group_tests_name("docstring", tests, NULL, NULL);
}
