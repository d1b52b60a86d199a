/* test_parse.c - every form of migration file Alembic projects use, and every bad
 * input: parse_revision_file() must read the former exactly and reject the latter
 * with the right line, never crash and never guess. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "migtree/parse.h"
#include "migtree/prescan.h"
#include "migtree/pylex.h"
#include "migtree/resolve.h"
#include "migtree/scan.h"
#include "migtree/source.h"
#include "graph_text.h"

/* RF's branch_labels and depends_on, in a copy that lives until the next call
 * (the pv_* accessors take a pointer; rf_labels gives a value). */
static const struct py_value *labels_of(const struct revision_file *rf)
{
	static struct py_value v;

	v = rf_labels(rf);
	return &v;
}

static const struct py_value *deps_of(const struct revision_file *rf)
{
	static struct py_value v;

	v = rf_deps(rf);
	return &v;
}

static struct revision_file *parse(const char *src)
{
	return parse_revision_file("versions/x.py", src, strlen(src));
}

/* The bytes a span covers, for checking that spans point at the values. */
static char *span_text(const struct revision_file *rf, struct mt_span sp)
{
	return xstrndup(rf->text + sp.start, sp.end - sp.start);
}

static void assert_span(const struct revision_file *rf, struct mt_span sp, const char *want)
{
	char *got = span_text(rf, sp);

	assert_string_equal(got, want);
	free(got);
}

static void test_plain_template(void **state)
{
	const char *src = "\"\"\"add account table\n\n"
			  "Revision ID: ae1027a6acf\n"
			  "Revises: 1975ea83b712\n"
			  "Create Date: 2024-05-01 10:11:12.123456\n\n\"\"\"\n"
			  "from alembic import op\nimport sqlalchemy as sa\n\n"
			  "# revision identifiers, used by Alembic.\n"
			  "revision = 'ae1027a6acf'\n"
			  "down_revision = '1975ea83b712'\n"
			  "branch_labels = None\n"
			  "depends_on = None\n";
	struct revision_file *rf = parse(src);

	(void)state;
	assert_null(rf->error);
	assert_string_equal(rf->revision, "ae1027a6acf");
	assert_int_equal(rf->down.kind, VALUE_STRING);
	assert_string_equal(rf->down.items.v[0], "1975ea83b712");
	assert_int_equal(labels_of(rf)->kind, VALUE_NONE);
	assert_int_equal(deps_of(rf)->kind, VALUE_NONE);
	assert_string_equal(rf->message, "add account table");
	assert_string_equal(rf->doc_revision_id.value, "ae1027a6acf");
	assert_string_equal(rf->doc_revises.value, "1975ea83b712");
	assert_int_equal(rf->doc_revises.span.line, 4);
	assert_string_equal(rf->doc_create_date.value, "2024-05-01 10:11:12.123456");
	assert_int_equal(rf->rev.line, 12);
	assert_int_equal(rf->down.line, 13);
	assert_span(rf, rf->down.span, "'1975ea83b712'");
	assert_span(rf, rf->doc_revises.span, "1975ea83b712");
	assert_int_equal(rf->down.quote, '\'');
	/* A plain file's values make no side allocation (issue 11: peak RSS). */
	assert_null(rf->rev.x);
	assert_null(rf->down.x);
	assert_null(labels_of(rf)->x);
	assert_null(deps_of(rf)->x);
	revision_file_free(rf);
}

/* branch_labels and depends_on that are None take no value of their own (issue
 * 11: 88 bytes a file) and read as they were written; one that is not keeps both. */
static void test_plain_labels_deps(void **state)
{
	const char *src = "revision = 'a1'\ndown_revision = None\n"
			  "branch_labels = None\ndepends_on = \\\n  None\n";
	struct revision_file *rf = parse(src), *again;

	(void)state;
	assert_null(rf->more);
	assert_int_equal(labels_of(rf)->line, 3);
	assert_span(rf, labels_of(rf)->span, "None");
	assert_int_equal(deps_of(rf)->kind, VALUE_NONE);
	assert_int_equal(deps_of(rf)->line, 4);
	assert_int_equal(deps_of(rf)->span.line, 5);
	assert_span(rf, deps_of(rf)->span, "None");
	assert_int_equal(rf_dep_ids(rf)->n, 0);
	/* made changeable, then nothing changed: plain again, the same reading */
	rf_value_mut(rf, RF_DEPS);
	assert_non_null(rf->more);
	assert_int_equal(deps_of(rf)->span.line, 5);
	rf_values_settle(rf);
	assert_null(rf->more);
	again = parse(src);
	assert_true(revision_file_same(rf, again));
	revision_file_free(again);
	again = revision_file_pack(rf);
	assert_span(again, deps_of(again)->span, "None");
	revision_file_free(again);

	rf = parse("revision = 'a1'\ndown_revision = None\ndepends_on = 'b2'\n");
	assert_non_null(rf->more);
	assert_int_equal(labels_of(rf)->kind, VALUE_ABSENT);
	assert_string_equal(rf_dep_ids(rf)->v[0], "b2");
	again = parse("revision = 'a1'\ndown_revision = None\ndepends_on = None\n");
	assert_false(revision_file_same(rf, again));
	assert_false(revision_file_reads_same(rf, again));
	revision_file_free(again);
	rf = revision_file_pack(rf);
	assert_string_equal(rf_dep_ids(rf)->v[0], "b2");
	assert_span(rf, deps_of(rf)->span, "'b2'");
	revision_file_free(rf);
}

static void test_annotated_forms(void **state)
{
	const char *src = "revision: str = \"ae10\"\n"
			  "down_revision: Union[str, Sequence[str], None] = \"1975\"\n"
			  "branch_labels: str | Sequence[str] | None = ('a', 'b')\n"
			  "depends_on: Optional[Union[str, Sequence[str]]] = None\n";
	struct revision_file *rf = parse(src);

	(void)state;
	assert_null(rf->error);
	assert_string_equal(rf->revision, "ae10");
	assert_string_equal(rf->down.items.v[0], "1975");
	assert_int_equal(rf->down.quote, '"');
	assert_int_equal(labels_of(rf)->kind, VALUE_SEQUENCE);
	assert_int_equal(labels_of(rf)->items.n, 2);
	assert_string_equal(labels_of(rf)->items.v[1], "b");
	assert_span(rf, labels_of(rf)->span, "('a', 'b')");
	revision_file_free(rf);
}

static void test_multiline_tuple_with_comments(void **state)
{
	const char *src = "revision = 'm1'\n"
			  "down_revision = (\n"
			  "    'a1',  # the feature branch\n"
			  "    # a comment line\n"
			  "    \"b2\",\n"
			  ")\n";
	struct revision_file *rf = parse(src);

	(void)state;
	assert_null(rf->error);
	assert_int_equal(rf->down.kind, VALUE_SEQUENCE);
	assert_int_equal(rf->down.items.n, 2);
	assert_string_equal(rf->down.items.v[0], "a1");
	assert_string_equal(rf->down.items.v[1], "b2");
	assert_int_equal(rf->down.span.line, 2);
	assert_int_equal(rf->down.span.start, strstr(src, "(") - src);
	assert_int_equal(rf->down.span.end, strrchr(src, ')') + 1 - src);
	revision_file_free(rf);
}

static void test_sequences_and_parentheses(void **state)
{
	struct revision_file *rf;

	(void)state;
	rf = parse("revision = 'x1'\ndown_revision = ('a1')\n");
	assert_int_equal(rf->down.kind, VALUE_STRING); /* parenthesised string, not a tuple */
	revision_file_free(rf);
	rf = parse("revision = 'x1'\ndown_revision = ('a1',)\n");
	assert_int_equal(rf->down.kind, VALUE_SEQUENCE);
	assert_int_equal(rf->down.items.n, 1);
	revision_file_free(rf);
	rf = parse("revision = 'x1'\ndown_revision = ['a1', 'b1', 'c1']\n");
	assert_int_equal(rf->down.kind, VALUE_SEQUENCE);
	assert_int_equal(rf->down.items.n, 3);
	revision_file_free(rf);
	rf = parse("revision = 'x1'\ndown_revision = ()\n");
	assert_int_equal(rf->down.kind, VALUE_SEQUENCE);
	assert_int_equal(rf->down.items.n, 0);
	revision_file_free(rf);
}

static void test_string_prefixes_and_escapes(void **state)
{
	struct revision_file *rf;

	(void)state;
	rf = parse("revision = r'ab\\c'\ndown_revision = u\"d\\x41\\u00e9\"\n");
	assert_null(rf->error);
	assert_string_equal(rf->revision, "ab\\c");
	assert_string_equal(rf->down.items.v[0], "dA\xc3\xa9");
	revision_file_free(rf);
	rf = parse("revision = 'ab' \"cd\"\ndown_revision = None\n");
	assert_null(rf->error);
	assert_string_equal(rf->revision, "abcd"); /* implicit concatenation */
	revision_file_free(rf);
	rf = parse("revision = R'''x1'''\ndown_revision = U'y1'\n");
	assert_null(rf->error);
	assert_string_equal(rf->revision, "x1");
	revision_file_free(rf);
}

static void test_last_assignment_wins_and_semicolons(void **state)
{
	struct revision_file *rf = parse("revision = 'a1'; down_revision = None\nrevision = 'b2'\n");

	(void)state;
	assert_null(rf->error);
	assert_string_equal(rf->revision, "b2");
	assert_int_equal(rf->down.kind, VALUE_NONE);
	revision_file_free(rf);
}

static void test_docstring_forms(void **state)
{
	struct revision_file *rf;

	(void)state;
	rf = parse("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"
		   "r'''  First line\n  second line\n\nbody'''\nrevision = 'a1'\ndown_revision = None\n");
	assert_null(rf->error);
	assert_string_equal(rf->message, "First line\n  second line");
	assert_string_equal(rf->longdoc, "First line\n  second line\n\nbody");
	revision_file_free(rf);
	rf = parse("import os\n\"\"\"not a docstring\"\"\"\nrevision = 'a1'\ndown_revision = None\n");
	assert_false(rf->has_doc);
	assert_string_equal(rf->message, "");
	revision_file_free(rf);
	rf = parse("f'''not a docstring'''\nrevision = 'a1'\ndown_revision = None\n");
	assert_false(rf->has_doc);
	revision_file_free(rf);
}

static void test_crlf_reads_the_same(void **state)
{
	const char *src = "\"\"\"msg line\r\n\r\nRevision ID: a1\r\nRevises: b1\r\n\"\"\"\r\n"
			  "revision = 'a1'\r\ndown_revision = (\r\n    'b1',\r\n)\r\n";
	struct revision_file *rf = parse(src);

	(void)state;
	assert_null(rf->error);
	assert_true(rf->crlf);
	assert_string_equal(rf->message, "msg line");
	assert_string_equal(rf->doc_revises.value, "b1");
	assert_span(rf, rf->doc_revises.span, "b1");
	assert_string_equal(rf->down.items.v[0], "b1");
	assert_int_equal(rf->down.span.line, 7);
	revision_file_free(rf);
}

static void test_bom_and_legacy_name(void **state)
{
	struct revision_file *rf;
	const char *src = "\xEF\xBB\xBF\"\"\"doc\"\"\"\ndown_revision = None\n";

	(void)state;
	rf = parse_revision_file("v/ae1027a6acf.py", src, strlen(src));
	assert_null(rf->error);
	assert_string_equal(rf->revision, "ae1027a6acf"); /* from the file name */
	assert_string_equal(rf->message, "doc");
	revision_file_free(rf);
	rf = parse_revision_file("v/add_users.py", src, strlen(src));
	assert_non_null(rf->error);
	assert_non_null(strstr(rf->error, "no `revision` variable"));
	revision_file_free(rf);
	/* the BOM is not indentation: a first assignment right after it counts */
	src = "\xEF\xBB\xBFrevision = 'aaa'\ndown_revision = None\n";
	rf = parse_revision_file("v/a.py", src, strlen(src));
	assert_null(rf->error);
	assert_string_equal(rf->revision, "aaa");
	revision_file_free(rf);
}

static void expect_error_n(const char *src, size_t len, int line, const char *words)
{
	struct revision_file *rf = parse_revision_file("v/bad.py", src, len);

	assert_non_null(rf->error);
	if (!strstr(rf->error, words))
		fail_msg("error '%s' does not say '%s'", rf->error, words);
	assert_int_equal(rf->error_line, line);
	revision_file_free(rf);
}

static void expect_error(const char *src, int line, const char *words)
{
	expect_error_n(src, strlen(src), line, words);
}

/* ---- Python's tokenizer, case by case (issue 13) ---------------------------- */

static void test_nul_in_a_value_is_refused(void **state)
{
	static const char raw_nul[] = "revision = 'a1'\ndown_revision = 'b\0'\n";

	(void)state;
	/* Python's id holds the NUL; a C string would cut it to "aaa" */
	expect_error("revision = 'a1'\ndown_revision = None\nrevision = 'aaa\\x00evil'\n", 3, "NUL character");
	expect_error("revision = 'a1'\ndown_revision = ('b', \"c\\0\")\n", 2, "NUL character");
	expect_error("revision = 'a1'\ndown_revision = '\\U00000000'\n", 2, "NUL character");
	expect_error("\"\"\"msg\\u0000\"\"\"\nrevision = 'a1'\ndown_revision = None\n", 1, "NUL character");
	/* a raw NUL byte: Python refuses the source itself */
	expect_error_n(raw_nul, sizeof(raw_nul) - 1, 2, "NUL bytes");
}

static void test_nfkc_names(void **state)
{
	/* U+FF44 FULLWIDTH d, U+FF58 FULLWIDTH x, U+FF2E.. FULLWIDTH None, U+FB01 fi */
	const char *src = "revision = 'a1'\n\xEF\xBD\x84own_revision = 'b1'\n"
			  "\xEF\xBD\x98 = 'c1'\ndepends_on = x\n"
			  "branch_labels = \xEF\xBC\xAE\xEF\xBD\x8F\xEF\xBD\x8E\xEF\xBD\x85\n"
			  "\xEF\xAC\x81" "eld = 1\n";
	struct revision_file *rf = parse(src);

	(void)state;
	assert_null(rf->error);
	assert_int_equal(rf->down.kind, VALUE_STRING);
	assert_string_equal(rf->down.items.v[0], "b1");
	assert_int_equal(rf->down.line, 2);
	assert_int_equal(deps_of(rf)->kind, VALUE_REF);
	assert_string_equal(deps_of(rf)->items.v[0], "x");
	assert_non_null(py_module_binding(rf->module, "x"));
	assert_non_null(py_module_binding(rf->module, "field"));
	assert_int_equal(labels_of(rf)->kind, VALUE_NONE); /* a builtin name: Alembic sees None */
	revision_file_free(rf);
	/* keywords are matched as written: `ｉｆ` is a name, so this is module level */
	rf = parse("\xEF\xBD\x89\xEF\xBD\x86 = 1\nrevision = 'a1'\ndown_revision = None\n");
	assert_null(rf->error);
	assert_non_null(py_module_binding(rf->module, "if"));
	revision_file_free(rf);
}

static void test_form_feed_and_line_ends(void **state)
{
	const char *cr = "\"\"\"msg\r\rRevises: b1\r\"\"\"\r\x0c" "revision = 'a1'\r"
			 "down_revision = (\r  'b1',  # c\r)\r  \x0c" "branch_labels = 'x' \\\r 'y'\r";
	const char *mixed = "revision = 'a1'\r\ndown_revision = '''b\r1'''\rdepends_on = 'd'\n";
	struct revision_file *rf = parse(cr);

	(void)state;
	assert_null(rf->error);
	assert_string_equal(rf->revision, "a1");
	assert_int_equal(rf->rev.line, 5);
	assert_string_equal(rf->message, "msg");
	assert_string_equal(rf->doc_revises.value, "b1");
	assert_int_equal(rf->doc_revises.span.line, 3);
	assert_span(rf, pv_item_span(&rf->down, 0), "'b1'");
	assert_int_equal(rf->down.span.line, 6);
	assert_string_equal(labels_of(rf)->items.v[0], "xy"); /* form feed: back to column 0 */
	revision_file_free(rf);
	rf = parse(mixed);
	assert_null(rf->error);
	assert_string_equal(rf->down.items.v[0], "b\n1");
	assert_string_equal(deps_of(rf)->items.v[0], "d");
	assert_int_equal(deps_of(rf)->line, 4);
	revision_file_free(rf);
	/* spaces after a form feed indent again: inside the `if` */
	expect_error("revision = 'a1'\ndown_revision = None\nif x:\n\x0c    down_revision = 'b'\n", 4,
		     "inside a block");
}

static void test_grouping_parentheses(void **state)
{
	struct revision_file *rf = parse("revision = 'a1'\ndown_revision = ((\"a\" \"b\"), \"c\")\n"
					 "depends_on = ((('d'),), 'e')\nbranch_labels = ((('x', 'y')))\n");

	(void)state;
	assert_null(rf->error);
	assert_int_equal(rf->down.kind, VALUE_SEQUENCE);
	assert_int_equal(rf->down.items.n, 2);
	assert_string_equal(rf->down.items.v[0], "ab");
	assert_string_equal(rf->down.items.v[1], "c");
	assert_span(rf, pv_item_span(&rf->down, 0), "\"a\" \"b\"");
	assert_int_equal(deps_of(rf)->kind, VALUE_EXPR); /* a tuple in a tuple: not ids */
	assert_int_equal(labels_of(rf)->kind, VALUE_SEQUENCE);
	assert_int_equal(labels_of(rf)->items.n, 2);
	revision_file_free(rf);
	rf = parse("revision = (('a1'))\ndown_revision = (('a'), 'b')\n");
	assert_null(rf->error);
	assert_string_equal(rf->revision, "a1");
	assert_span(rf, rf->rev.span, "(('a1'))");
	assert_span(rf, pv_item_span(&rf->rev, 0), "'a1'");
	assert_string_equal(rf->down.items.v[0], "a");
	assert_string_equal(rf->down.items.v[1], "b");
	revision_file_free(rf);
}

static void test_coding_lines(void **state)
{
	static const char latin1[] = "#!/usr/bin/env python\n# -*- coding: latin-1 -*-\n"
				     "\"\"\"caf\xe9\n\nRevises: b\xe9\"\"\"\nrevision = 'a\xe9'\ndown_revision = 'b\xe9'\n";
	static const char cp1252[] = "# vim: set fileencoding=windows-1252 :\n\"\"\"\x80 \xe9\"\"\"\n"
				     "revision = 'a1'\ndown_revision = None\n";
	struct revision_file *rf = parse(latin1);

	(void)state;
	assert_null(rf->error);
	assert_string_equal(rf->encoding, "latin-1");
	assert_string_equal(rf->message, "caf\xc3\xa9");
	assert_string_equal(rf->revision, "a\xc3\xa9");
	assert_string_equal(rf->doc_revises.value, "b\xc3\xa9");
	assert_span(rf, pv_item_span(&rf->down, 0), "'b\xe9'"); /* the file's own bytes */
	revision_file_free(rf);
	rf = parse(cp1252);
	assert_null(rf->error);
	assert_string_equal(rf->message, "\xe2\x82\xac \xc3\xa9");
	revision_file_free(rf);
	rf = parse("# coding: utf-8\nrevision = 'a1'\ndown_revision = None\n");
	assert_null(rf->error);
	assert_null(rf->encoding);
	revision_file_free(rf);
	expect_error("x = 1\n# coding: latin-1\nrevision = 'a\xe9'\ndown_revision = None\n", 3, "UTF-8");
	expect_error("# coding: koi8-r\nrevision = 'a1'\ndown_revision = None\n", 1, "coding 'koi8-r'");
	expect_error("\n# coding=klingon\nrevision = 'a1'\ndown_revision = None\n", 2, "'klingon'");
	expect_error("\xEF\xBB\xBF# coding: latin-1\nrevision = 'a1'\ndown_revision = None\n", 1, "BOM");
	expect_error("# coding: cp1252\nrevision = 'a\x81'\ndown_revision = None\n", 2, "0x81");
	expect_error("# coding: ascii\nrevision = 'a\xe9'\ndown_revision = None\n", 2, "ASCII");
}

static void test_values_that_are_not_literals(void **state)
{
	(void)state;
	/* what only running the file could decide stays an error of the file */
	expect_error("revision = get_rev()\ndown_revision = None\n", 1, "running the file");
	expect_error("revision = f'{x}'\ndown_revision = None\n", 1, "running the file");
	expect_error("revision = 'a1'\nif x:\n    down_revision = 'b'\nelse:\n    down_revision = None\n",
		     3, "inside a block");
	expect_error("revision = 'a1'\ndown_revision = None\ndown_revision += ('x',)\n", 3, "+=");
	expect_error("revision, down_revision = 'a1', None\n", 1, "unpacking");
	expect_error("revision = down_revision = 'a1'\n", 1, "chain");
	expect_error("revision = 'a1'\ndown_revision = '\\N{BULLET}'\n", 2, "escape");
}

/* Names and expressions are kept for resolve.c, never dropped or guessed. */
static void test_references_are_kept(void **state)
{
	struct revision_file *rf;

	(void)state;
	rf = parse("from a.b import cli\nimport x.y.z as zz, q\nfrom .m import (K as L, M)\n"
		   "DEPS = []\nN = 'n'\nN2 = 'a'\nN2 = 'b'\n"
		   "revision = 'a1'\ndown_revision = PREVIOUS\n"
		   "branch_labels = (cli.EXPAND_BRANCH, 'own')\ndepends_on = f'{x}'\n");
	assert_null(rf->error);
	assert_true(rf->needs_resolve);
	assert_int_equal(rf->down.kind, VALUE_REF);
	assert_string_equal(rf->down.items.v[0], "PREVIOUS");
	assert_int_equal(labels_of(rf)->kind, VALUE_SEQUENCE);
	assert_int_equal(labels_of(rf)->items.n, 2);
	assert_true(pv_item_is_ref(labels_of(rf), 0));
	assert_false(pv_item_is_ref(labels_of(rf), 1));
	assert_string_equal(labels_of(rf)->items.v[0], "cli.EXPAND_BRANCH");
	assert_int_equal(deps_of(rf)->kind, VALUE_EXPR);
	assert_string_equal(pv_expr(deps_of(rf)), "f'{x}'");
	assert_string_equal(py_module_import(rf->module, "cli")->module, "a.b");
	assert_string_equal(py_module_import(rf->module, "cli")->attr, "cli");
	assert_string_equal(py_module_import(rf->module, "zz")->module, "x.y.z");
	assert_null(py_module_import(rf->module, "zz")->attr);
	assert_string_equal(py_module_import(rf->module, "q")->module, "q");
	assert_string_equal(py_module_import(rf->module, "L")->attr, "K");
	assert_string_equal(py_module_import(rf->module, "M")->module, ".m");
	assert_int_equal(py_module_binding(rf->module, "DEPS")->value.kind, VALUE_SEQUENCE);
	assert_int_equal(py_module_binding(rf->module, "N")->count, 1);
	assert_int_equal(py_module_binding(rf->module, "N2")->count, 2);
	revision_file_free(rf);
}

/* A constants module may bind thousands of names: each is found, repeats are
 * counted, and reading them is linear (200k names took over a minute before). */
static void test_many_bindings(void **state)
{
	struct strbuf sb;
	struct py_module m;
	const struct py_binding *b;

	(void)state;
	sb_init(&sb);
	for (int i = 0; i < 50000; i++)
		sb_addf(&sb, "N%d = 'v%d'\n", i, i);
	sb_adds(&sb, "N3 = 'again'\nN49999 += 'x'\n");
	assert_int_equal(parse_python_module("m.py", sb.buf, sb.len, &m, NULL), 0);
	assert_int_equal(m.n_bindings, 50000);
	b = py_module_binding(&m, "N0");
	assert_non_null(b);
	assert_string_equal(b->value.items.v[0], "v0");
	assert_int_equal(py_module_binding(&m, "N3")->count, 2);
	assert_true(py_module_binding(&m, "N49999")->in_block);
	assert_string_equal(py_module_binding(&m, "N40000")->value.items.v[0], "v40000");
	assert_null(py_module_binding(&m, "N50000"));
	py_module_free(&m);
	sb_free(&sb);
}

/* An imported module is held to the bytes a migration is: a Latin-1 constant
 * must not reach a label as a stray byte. */
static void test_module_bytes(void **state)
{
	const char *latin1 = "X = 'ok'\nZ = 'caf\xe9'\n", *utf8 = "\xEF\xBB\xBFX = 'caf\xc3\xa9'\n";
	struct py_module m;
	struct mt_error err = { 0 };

	(void)state;
	assert_int_equal(parse_python_module("l.py", latin1, strlen(latin1), &m, &err), -1);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.message, "UTF-8"));
	py_module_free(&m);
	assert_int_equal(parse_python_module("n.py", "X = 'ok'\0\n", 10, &m, &err), -1);
	assert_non_null(strstr(err.message, "NUL"));
	py_module_free(&m);
	assert_int_equal(parse_python_module("u.py", utf8, strlen(utf8), &m, &err), 0);
	assert_string_equal(py_module_binding(&m, "X")->value.items.v[0], "caf\xc3\xa9");
	py_module_free(&m);
}

/* Revision.__init__ and Script: "" and [""] are no dependency; "" is a base. */
static void test_empty_values_as_alembic(void **state)
{
	struct revision_file *rf;

	(void)state;
	rf = parse("revision = 'a1'\ndown_revision = ''\ndepends_on = ''\nbranch_labels = ()\n");
	assert_null(rf->error);
	assert_int_equal(rf->down.ids.n, 0);
	assert_int_equal(deps_of(rf)->ids.n, 0);
	assert_int_equal(labels_of(rf)->ids.n, 0);
	revision_file_free(rf);
	rf = parse("revision = 'a1'\ndown_revision = ('',)\ndepends_on = ['']\n");
	assert_int_equal(rf->down.ids.n, 1); /* Alembic looks up '' and fails */
	assert_int_equal(deps_of(rf)->ids.n, 0);
	revision_file_free(rf);
	rf = parse("revision = 'a1'\ndown_revision = []\ndepends_on = ('', 'b')\n");
	assert_int_equal(rf->down.ids.n, 0);
	assert_int_equal(deps_of(rf)->ids.n, 2);
	revision_file_free(rf);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void write_at(const char *dir, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel);

	write_text(path, text);
	free(path);
}

static struct revision_file *resolved(const char *dir, const char *name, const char *text,
				      const char *define)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct strlist defines = { 0 };
	struct resolver *r;
	struct revision_file *rf;
	struct mt_error err;

	if (define)
		sl_push(&defines, define);
	r = resolver_new(&defines, &err);
	assert_non_null(r);
	write_text(path, text);
	rf = parse_revision_file(path, text, strlen(text));
	resolve_file(r, rf);
	resolver_free(r);
	sl_free(&defines);
	free(path);
	return rf;
}

/* A project tree as neutron lays it out: the constants in a module of the package,
 * the migrations further down. */
static void test_resolving_names(void **state)
{
	char dir[] = "/tmp/migtree-resolve-XXXXXX";
	char *v, *cmd;
	struct revision_file *rf;

	(void)state;
	assert_non_null(mkdtemp(dir));
	cmd = xasprintf("mkdir -p %s/proj/db/migration/alembic/versions", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	v = xasprintf("%s/proj/db/migration/alembic/versions", dir);
	write_at(dir, "proj/__init__.py", "");
	write_at(dir, "proj/db/__init__.py", "");
	write_at(dir, "proj/db/migration/__init__.py", "from .cli import ALIAS\n");
	write_at(dir, "proj/db/migration/cli.py",
		   "import os\nEXPAND_BRANCH = 'expand'\nCONTRACT = \"contract\"\nALIAS = EXPAND_BRANCH\n"
		   "BOTH = (EXPAND_BRANCH, 'x')\nTWICE = 'a'\nif os.name:\n    TWICE = 'b'\n"
		   "def f():\n    EXPAND_BRANCH = 'no'\n");
	write_at(dir, "proj/db/migration/consts.py", "REV = 'r9'\n");
	/* beside the migrations is not on sys.path: this one must not be found */
	write_at(dir, "proj/db/migration/alembic/versions/consts.py", "REV = 'wrong'\n");

	rf = resolved(v, "a.py", "from proj.db.migration import cli\nrevision = 'a1'\n"
		      "down_revision = None\nbranch_labels = (cli.EXPAND_BRANCH,)\n", NULL);
	assert_int_equal(labels_of(rf)->ids.n, 1);
	assert_string_equal(labels_of(rf)->ids.v[0], "expand");
	assert_non_null(strstr(pv_resolved_from(labels_of(rf)), "cli.py:2"));
	revision_file_free(rf);
	rf = resolved(v, "b.py", "import proj.db.migration.cli as c\nfrom proj.db.migration.cli import CONTRACT\n"
		      "import proj.db.migration.cli\nrevision = 'b1'\ndown_revision = 'a1'\n"
		      "branch_labels = [c.ALIAS, CONTRACT, proj.db.migration.cli.CONTRACT]\n", NULL);
	assert_int_equal(pv_n_unknown(labels_of(rf)), 0);
	assert_int_equal(labels_of(rf)->ids.n, 3);
	assert_string_equal(labels_of(rf)->ids.v[0], "expand");
	assert_string_equal(labels_of(rf)->ids.v[1], "contract");
	revision_file_free(rf);
	rf = resolved(v, "c.py", "from proj.db.migration import ALIAS, cli\nfrom proj.db.migration.consts import REV\n"
		      "DEPS = []\nrevision = REV\ndown_revision = 'b1'\nbranch_labels = cli.BOTH\n"
		      "depends_on = DEPS\n", NULL);
	assert_null(rf->error);
	assert_string_equal(rf->revision, "r9");
	assert_int_equal(labels_of(rf)->ids.n, 2);
	assert_int_equal(deps_of(rf)->ids.n, 0);
	assert_int_equal(pv_n_unknown(deps_of(rf)), 0);
	revision_file_free(rf);
	/* Alembic loads a migration outside any package: a relative import fails there */
	rf = resolved(v, "r.py", "from .consts import REV\nrevision = 'r1'\ndown_revision = REV\n", NULL);
	assert_int_equal(pv_n_unknown(&rf->down), 1);
	assert_non_null(strstr(pv_unknown_why(&rf->down, 0), "relative import"));
	revision_file_free(rf);
	rf = resolved(v, "s.py", "import consts\nrevision = 's1'\ndown_revision = consts.REV\n", NULL);
	assert_string_equal(rf->down.ids.v[0], "r9"); /* found above, never beside the file */
	revision_file_free(rf);
	/* what reading cannot tell stays unknown, with what was tried */
	rf = resolved(v, "d.py", "from proj.db.migration import cli\nimport nowhere\n"
		      "revision = 'd1'\ndown_revision = 'c1'\n"
		      "branch_labels = (cli.TWICE, nowhere.X, cli.MISSING)\ndepends_on = resolved_depends_on\n",
		      NULL);
	assert_null(rf->error);
	assert_int_equal(labels_of(rf)->ids.n, 0);
	assert_int_equal(pv_n_unknown(labels_of(rf)), 3);
	assert_non_null(strstr(pv_unknown_why(labels_of(rf), 0), "conditionally"));
	assert_non_null(strstr(pv_unknown_why(labels_of(rf), 1), "module nowhere not found"));
	assert_non_null(strstr(pv_unknown_why(labels_of(rf), 2), "neither bound nor imported"));
	assert_string_equal(pv_unknown(deps_of(rf), 0), "resolved_depends_on");
	revision_file_free(rf);
	/* the user's value, as a string or a literal */
	rf = resolved(v, "e.py", "revision = 'e1'\ndown_revision = 'd1'\ndepends_on = resolved_depends_on\n",
		      "resolved_depends_on=('a1', 'b1')");
	assert_int_equal(deps_of(rf)->ids.n, 2);
	assert_string_equal(pv_resolved_from(deps_of(rf)), "--define");
	revision_file_free(rf);
	rf = resolved(v, "f.py", "revision = NAME\ndown_revision = 'd1'\n", NULL);
	assert_non_null(rf->error);
	assert_non_null(strstr(rf->error, "--define NAME=ID"));
	revision_file_free(rf);
	free(v);
	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* A sequence whose second item is unknown, inside another sequence: the part
 * read before the failure is freed (the leak checker runs on this test). */
static void test_nested_sequence_fails_cleanly(void **state)
{
	char dir[] = "/tmp/migtree-resolve-XXXXXX";
	char *cmd;
	struct revision_file *rf;

	(void)state;
	assert_non_null(mkdtemp(dir));
	rf = resolved(dir, "a.py", "A = 'x'\nS1 = (A, MISSING)\nS0 = (S1,)\nrevision = 'a1'\n"
		      "down_revision = None\nbranch_labels = S0\ndepends_on = (S1, A)\n", NULL);
	assert_null(rf->error);
	assert_int_equal(pv_n_unknown(labels_of(rf)), 1);
	assert_non_null(strstr(pv_unknown_why(labels_of(rf), 0), "MISSING"));
	assert_int_equal(pv_n_unknown(deps_of(rf)), 1);
	assert_int_equal(deps_of(rf)->ids.n, 1); /* what is known stays */
	revision_file_free(rf);
	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Each loose piece names its own missing parents, in node order, however many
 * pieces there are (they are gathered in one pass, not one scan per piece). */
static void test_loose_pieces_name_their_parents(void **state)
{
	struct project p;
	const char *want[] = { "(its parents gone1, gone2 are missing)", "(its parent gone3 is missing)" };
	size_t seen = 0;

	(void)state;
	graph_text_load(&p, "base\na1 base\nx1 gone1\nx2 x1 gone2\ny1 gone3\n");
	for (size_t i = 0; i < p.graph.problems.n; i++) {
		const struct problem *pr = &p.graph.problems.v[i];

		if (pr->kind != PROBLEM_DISCONNECTED_COMPONENT)
			continue;
		assert_true(seen < 2);
		assert_non_null(strstr(pr->message, want[seen]));
		seen++;
	}
	assert_int_equal(seen, 2);
	project_free(&p);
}

static void test_bad_define(void **state)
{
	struct strlist defines = { 0 };
	struct mt_error err = { 0 };

	(void)state;
	sl_push(&defines, "X=('a', b)");
	assert_null(resolver_new(&defines, &err));
	assert_non_null(strstr(err.message, "not a Python literal"));
	sl_free(&defines);
}

static void test_a_local_variable_is_not_alembics(void **state)
{
	struct revision_file *rf = parse("revision = 'a1'\ndown_revision = None\n"
					 "def upgrade():\n    revision = compute()\n");

	(void)state;
	assert_null(rf->error);
	assert_string_equal(rf->revision, "a1");
	revision_file_free(rf);
}

static void test_broken_bytes(void **state)
{
	static const char nul[] = "revision = 'a1'\ndown_revision = None\n\0\n";
	static const char latin1[] = "revision = 'a1'\n# caf\xe9\ndown_revision = None\n";
	char *huge;

	(void)state;
	expect_error_n(nul, sizeof(nul) - 1, 3, "binary");
	expect_error_n(latin1, sizeof(latin1) - 1, 2, "UTF-8");
	expect_error("revision = 'a1'\ndown_revision = (\n    'b1',\n", 2, "never closed");
	expect_error("\"\"\"docstring never ends\nrevision = 'a1'\n", 1, "unterminated");
	expect_error("revision = 'a1\ndown_revision = None\n", 1, "unterminated");
	expect_error("revision = 'a1'\n", 1, "no `down_revision`");
	huge = xcalloc(MT_MAX_FILE_SIZE + 2, 1);
	memset(huge, '#', MT_MAX_FILE_SIZE + 1);
	expect_error_n(huge, MT_MAX_FILE_SIZE + 1, 1, "larger than 16 MiB");
	free(huge);
}

static void test_every_prefix_of_a_file_is_safe(void **state)
{
	/* truncated files: each prefix either parses or reports; ASan watches the bytes */
	const char *src = "\"\"\"msg\n\nRevises: b1\n\"\"\"\nrevision: str = 'a1'\n"
			  "down_revision = (\n  'b1',  # c\n  \"c1\",\n)\nbranch_labels = None\n";

	(void)state;
	for (size_t n = 0; n <= strlen(src); n++) {
		struct revision_file *rf = parse_revision_file("v/t.py", src, n);

		assert_true(rf->error != NULL || rf->revision != NULL);
		revision_file_free(rf);
	}
}

/* Lines in TEXT as Python counts them (CRLF, CR and LF each end one). */
static int line_count(const char *text, size_t len)
{
	int lines = 1;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n'));
	return lines;
}

static void assert_span_ok(const struct revision_file *rf, struct mt_span sp, int lines)
{
	assert_true(sp.start <= sp.end);
	assert_true(sp.end <= rf->len);
	assert_in_range(sp.line, 1, lines);
}

/* An item's bytes, read again on their own (in parentheses, with the file's
 * coding), give the item's value: the span holds exactly that item. */
static void assert_item_rereads(const struct revision_file *rf, const struct py_value *v, size_t k)
{
	const struct mt_span is = pv_item_span(v, k);
	char *src = xasprintf("# coding: %s\nrevision = 'r'\ndown_revision = (\n%.*s\n)\n",
			      rf->encoding ? rf->encoding : "utf-8", (int)(is.end - is.start),
			      rf->text + is.start);
	struct revision_file *again = parse_revision_file("v/again.py", src, strlen(src));
	bool ref = pv_item_is_ref(v, k);

	if (again->error || again->down.kind != (ref ? VALUE_REF : VALUE_STRING) ||
	    strcmp(again->down.items.v[0], v->items.v[k]))
		fail_msg("item %zu %s of\n%s\nreads back as %s", k, v->items.v[k], rf->text,
			 again->error ? again->error : again->down.items.n ? again->down.items.v[0] : "-");
	revision_file_free(again);
	free(src);
}

/* What every parse promises, whatever the bytes: spans inside the file and in
 * order, lines within it, items that are what their bytes say. */
static void assert_invariants(const struct revision_file *rf)
{
	const struct py_value *vals[] = { &rf->rev, &rf->down, labels_of(rf), deps_of(rf) };
	const struct doc_field *fields[] = { &rf->doc_revision_id, &rf->doc_revises, &rf->doc_create_date };
	int lines = line_count(rf->text, rf->len);

	if (rf->error) {
		assert_in_range(rf->error_line, 1, lines);
		return;
	}
	for (int f = 0; f < 4; f++) {
		const struct py_value *v = vals[f];

		if (v->kind == VALUE_ABSENT)
			continue;
		assert_in_range(v->line, 1, lines);
		assert_span_ok(rf, v->span, lines);
		for (size_t k = 0; k < v->items.n; k++) {
			assert_span_ok(rf, pv_item_span(v, k), lines);
			assert_true(pv_item_span(v, k).start >= v->span.start &&
				    pv_item_span(v, k).end <= v->span.end);
			assert_true(k == 0 || pv_item_span(v, k).start >= pv_item_span(v, k - 1).end);
			assert_item_rereads(rf, v, k);
		}
	}
	if (rf->has_doc) {
		assert_span_ok(rf, rf->doc_span, lines);
		for (int f = 0; f < 3; f++)
			if (fields[f]->value) {
				assert_span_ok(rf, fields[f]->span, lines);
				assert_true(fields[f]->span.start >= rf->doc_span.start &&
					    fields[f]->span.end <= rf->doc_span.end);
			}
	}
}

/* Deterministic mutations of real migration text: every result must parse or be
 * refused with a line, and ASan/UBSan watch every byte touched. */
static void test_mutations_never_crash(void **state)
{
	static const char *const seeds[] = {
		"\"\"\"msg\n\nRevision ID: a1\nRevises: b1, c1\nCreate Date: 2024\n\"\"\"\n"
		"revision: str = 'a1'\ndown_revision = (\n  'b1',  # c\n  \"c1\",\n)\n"
		"branch_labels = None\ndepends_on = ['d1']\n\ndef upgrade():\n    op.execute(\"x\")\n",
		"r'''raw \\ doc'''\r\nrevision = u\"x\" 'y'\r\ndown_revision = None; branch_labels = ('a',)\r\n",
		"# -*- coding: latin-1 -*-\r\"\"\"caf\xe9\r\rRevises: b\"\"\"\r\x0crevision = 'a\\x41' \\\r 'b'\r"
		"\xef\xbd\x84own_revision = ((\"b\" 'c'), (\"d\"),  # x\r  'e')\rdepends_on = [a.B]\r",
		/* bodies the fast path skims: strings, brackets, continuations, blocks */
		"\"\"\"m\n\nRevises: b\n\"\"\"\nrevision = 'a'\ndown_revision = 'b'\n@d(x=[\n 1])\n"
		"def upgrade():\n    op.execute(\"\"\"\nrevision = 'no'\n\"\"\")\n    x = (1,\n  2)  # )\n"
		"    s = 'i''s' \"#n\" r'\\' \\\n    'm'\n    if x:\n        depends_on = 'i'\n"
		"class K:\n\t'''t'''\n\tbranch_labels = ('k',)\nif s:\n    down_revision = 'c'\n",
	};
	static const char inserts[] = "'\"\\()[]{}#\n\r:=,;\t\x80\xc3\x00xN";
	uint32_t rnd = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		const char *seed = seeds[round % 4];
		size_t len = strlen(seed);
		char *buf = xmalloc(len + 8);
		size_t n = len;

		memcpy(buf, seed, len);
		for (int k = 0; k < 1 + (round / 4) % 4; k++) {
			size_t at;

			rnd = rnd * 1103515245u + 12345u;
			at = (rnd >> 8) % (n ? n : 1);
			switch ((rnd >> 4) % 3) {
			case 0: /* overwrite a byte */
				buf[at] = inserts[(rnd >> 16) % (sizeof(inserts) - 1)];
				break;
			case 1: /* delete a byte */
				if (n) {
					memmove(buf + at, buf + at + 1, n - at - 1);
					n--;
				}
				break;
			default: /* truncate */
				n = at;
			}
		}
		{
			struct revision_file *rf = parse_revision_file("v/fuzz.py", buf, n);
			struct revision_file *full = parse_revision_file_with("v/fuzz.py", buf, n, PARSE_FULL);

			/* the fast path reads exactly what the full one does */
			assert_true(revision_file_same(rf, full));
			revision_file_free(full);
			/* a file is an error, has its id, or names it for resolve.c */
			assert_true(rf->error ? rf->error_line >= 0
					      : rf->revision != NULL || rf->rev.kind == VALUE_REF);
			assert_invariants(rf);
			revision_file_free(rf);
		}
		free(buf);
	}
}

/* A long `NAME = [...]` line read as it is lexed (its items parsed, their tokens
 * dropped) reads to the same file as the full reading: streamed from every small
 * threshold, so that every cut point is taken, on lists that are literals, that
 * are not, that end in a chain, a `;`, a subscript, a bad string, on each of
 * their mutations. */
static void test_streamed_lines_read_the_same(void **state)
{
	static const char *const lists[] = {
		"down_revision = ['b', 'c', \"d\", x.y, ('e' 'f'), 'g',]\n",
		"down_revision = ['b', 'c']; depends_on = ['x', 'y', 'z']\n",
		"depends_on = ['a', 'b', 'c', 'd'] = X\n",
		"down_revision = ['a', 'b', 'c', 1, 'd']\n",
		"down_revision = ['a', 'b', '\\N{DASH}', 'c', 'd']\n",
		"X = [1, 2, 3, 4, 5, 6]; down_revision = X\n",
		"X = ['a', '\\N{DASH}', 'c', 'd']\ndepends_on = X\n",
		"TABLES = ['a', 'b', 'c'] + ['d', 'e']\n",
		"down_revision = ['a', (('b'), 'c'), [1, 2], 'd', (1, (2, 3), 4), 'e']\n",
		"down_revision = ['a', 'b', , 'c', 'd']\n",
		"down_revision = ['a', 'b', ; 'c', 'd']\n",
		"down_revision = ['a', 'b', 'c', 'd'\n",
		"down_revision = ['a', 'b', 'c', 'd' ; depends_on = 'x'\n",
		"X = ['a', 'b', 'c'] ; X = ['c', 'd', 'e']\n",
		"down_revision = [\n 'a',\n 'b',  # c\n 'c', \\\n 'd'\n]\n",
		"down_revision = ['a', 'b', 'c'][0]\n",
		"down_revision = ['a', 'b', 'c', f'x', 'd']\n",
		"import = ['a', 'b', 'c', 'd']\nfrom = ['a', 'b', 'c']\n",
		"down_revision = ['a', 'b', {'c': 1, 'd': 2}, 'e'] ; x = 1\n",
		"branch_labels = [\"a\", 'b', r'c', u'd',]\ndepends_on = [A.b, c, 'd', 'e'];\n",
		"down_revision = [('a', 'b'), 'c', 'd'] = [1, 2, 3]\n",
		"down_revision = [x = 1, 'b', 'c', 'd']\n",
		"X: int = ['a', 'b', 'c', 'd']\nY = [('a', 'b', 'c', 'd')]\nZ = [[1, 2, 3], 4, 5]\n",
		"down_revision = ['a', 'b', 'c', 'd'] if x else ['e', 'f', 'g']\n",
		"revision = ['a', 'b', 'c']\n",
		"\\\n\fdown_revision = ['a', 'b', 'c', 'd']\n  y = ['a', 'b', 'c', 'd']\n",
	};
	static const char inserts[] = "'\"\\()[]{}#\n:=,;x1";
	uint32_t rnd = 777;

	(void)state;
	for (size_t c = 0; c < sizeof(lists) / sizeof(lists[0]); c++) {
		char buf[512];
		int len = snprintf(buf, sizeof(buf), "\"\"\"m\"\"\"\nrevision = 'r'\ndown_revision = 'q'\n%s", lists[c]);

		for (int round = 0; round < 200; round++) {
			char mut[512];
			size_t n = (size_t)len;
			struct revision_file *full;

			memcpy(mut, buf, n);
			for (int k = 0; round > 0 && k < 1 + round % 3; k++) { /* round 0: as written */
				size_t at;

				rnd = rnd * 1103515245u + 12345u;
				at = (rnd >> 8) % n;
				if ((rnd >> 4) % 2)
					mut[at] = inserts[(rnd >> 16) % (sizeof(inserts) - 1)];
				else
					memmove(mut + at, mut + at + 1, n-- - at - 1);
			}
			full = parse_revision_file_with("v/s.py", mut, n, PARSE_FULL);
			for (size_t at = 1; at <= 12; at++) {
				struct revision_file *rf = parse_revision_file_streamed("v/s.py", mut, n, 0, at);

				assert_true(revision_file_same(rf, full));
				assert_invariants(rf);
				revision_file_free(rf);
			}
			revision_file_free(full);
		}
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* revision_file_bytes: the bytes again when they still read as the file did,
 * "changed on disk" when a value or its place changed. */
static void test_bytes_are_read_again(void **state)
{
	char dir[] = "/tmp/migtree-bytes-XXXXXX", *path, *bytes;
	const char *src = "\"\"\"m\n\nRevises: b1\n\"\"\"\nrevision = 'a1'\ndown_revision = 'b1'\n";
	struct revision_file *rf;
	struct mt_error err = { 0 };
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/a1_m.py", dir);
	write_file(path, src);
	rf = parse_revision_file(path, src, strlen(src));
	rf->real_path = xstrdup(path);
	assert_int_equal(revision_file_bytes(rf, source_worktree(), &bytes, &len, &err), 0);
	assert_int_equal(len, strlen(src));
	assert_memory_equal(bytes, src, len);
	free(bytes);
	/* text dropped (as a scan without keep_text does): the values are compared, not the bytes */
	free(rf->text);
	rf->text = NULL;
	write_file(path, "\"\"\"m\n\nRevises: b1\n\"\"\"\nrevision = 'a1'\ndown_revision = 'b1'\n# c\n");
	assert_int_equal(revision_file_bytes(rf, source_worktree(), &bytes, &len, &err), 0);
	free(bytes);
	write_file(path, "\"\"\"m\n\nRevises: b1\n\"\"\"\nrevision = 'a1'\ndown_revision = 'c1'\n");
	assert_int_equal(revision_file_bytes(rf, source_worktree(), &bytes, &len, &err), -1);
	assert_null(bytes);
	assert_non_null(strstr(err.message, "changed on disk"));
	unlink(path);
	assert_int_equal(revision_file_bytes(rf, source_worktree(), &bytes, &len, &err), -1);
	assert_non_null(strstr(err.message, "changed on disk"));
	rmdir(dir);
	free(path);
	revision_file_free(rf);
}

static void test_python_strip_and_splitlines(void **state)
{
	char *s = py_strip("\xc2\xa0 \t x y \x0b\xe3\x80\x80");
	char **lines;
	size_t n = py_splitlines("a\r\nb\rc\x0b" "d\xe2\x80\xa8" "e\n", &lines);

	(void)state;
	assert_string_equal(s, "x y");
	free(s);
	assert_int_equal(n, 5);
	assert_string_equal(lines[0], "a");
	assert_string_equal(lines[3], "d");
	assert_string_equal(lines[4], "e");
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* A packed file (revision_file_pack) reads as it did: every value, span, id and
 * docstring field, its name still the end of its path; a long list keeps its own. */
static void test_pack_keeps_what_reads(void **state)
{
	const char *srcs[] = {
		"\"\"\"merge two\n\nRevision ID: ab12\nRevises: cd34, ef56\n"
		"Create Date: 2024-05-01 10:11:12\n\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = ('cd34', 'ef56')\n"
		"branch_labels = ('feature',)\ndepends_on = ['cd34']\n",
		"# -*- coding: latin-1 -*-\nrevision = 'x\xe9'\ndown_revision = ''\n",
		"revision = 'a1'\ndown_revision = ('b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', "
		"'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'b1', 'c1', "
		"'d1', 'e1', 'f1', 'g1', 'h1', 'i1', 'j1')\ndepends_on = ('b', 'c', 'd', 'e')\n",
		"revision = (\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		struct revision_file *plain = parse(srcs[i]), *packed = parse(srcs[i]);

		packed = revision_file_pack(packed);
		assert_ptr_equal(revision_file_block(packed), (char *)(packed + 1)); /* one allocation */
		assert_true(revision_file_same(plain, packed));
		assert_true(revision_file_reads_same(plain, packed));
		assert_string_equal(packed->path, "versions/x.py");
		assert_ptr_equal(packed->name, packed->path + strlen("versions/"));
		assert_true(packed->values_packed == (i != 2)); /* 34 + 34 items and ids: their own */
		if (packed->values_packed) /* literal ids are their items: one list */
			assert_ptr_equal(packed->down.ids.v, packed->down.ids.n ? packed->down.items.v : NULL);
		if (plain->revision)
			assert_string_equal(plain->revision, packed->revision);
		if (plain->error)
			assert_string_equal(plain->error, packed->error);
		revision_file_free(plain);
		revision_file_free(packed);
	}
}

/* PARSE_DROP_MODULE: a file that needs no resolving keeps no module; one that
 * does keeps it, its bindings' expressions copied out as written. */
static void test_drop_module_keeps_what_resolving_reads(void **state)
{
	const char *plain = "revision = 'a'\ndown_revision = None\nTABLES = [1, 2] + X\n";
	const char *ref = "revision = 'a'\ndown_revision = BASE\nBASE = f(1,  2)\n";
	struct revision_file *rf;

	(void)state;
	rf = parse_revision_file_with("x.py", (char *)plain, strlen(plain), PARSE_DROP_MODULE);
	assert_false(rf->needs_resolve);
	assert_null(rf->module);
	revision_file_free(rf);
	rf = parse_revision_file_with("x.py", (char *)ref, strlen(ref), PARSE_DROP_MODULE);
	assert_true(rf->needs_resolve);
	assert_non_null(rf->module);
	assert_string_equal(pv_expr(&py_module_binding(rf->module, "BASE")->value), "f(1,  2)");
	revision_file_free(rf);
	rf = parse(plain);
	assert_string_equal(pv_expr(&py_module_binding(rf->module, "TABLES")->value), "[1, 2] + X");
	revision_file_free(rf);
}

/* A module that is dropped records no names while reading (a million `a = 1`
 * lines are not a million bindings): a long value of such a name is not held
 * as tokens, a `;` after it still starts a statement, and a tracked value that
 * names something makes the file read again with its names, the text handed
 * over (PARSE_ADOPT_TEXT) to that second reading. Each reads as the full path
 * does. */
static void test_unrecorded_names_read_the_same(void **state)
{
	const char *srcs[] = {
		"import os\nfrom a import (b,\n c)\nX = 1 + 2 + 3 + 4 + 5 + 6 + 7; revision = 'r1'\n"
		"Y = f(1, [2, 3], {4: 5})\ndown_revision = 'r0'\n",
		"X = (1 +\n 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9)\nrevision = 'r1'\ndown_revision = X\n",
		"BASE = 'r0'\nZ = 1 + 2 + 3 + 4 + 5 + 6\nrevision = 'r1'\ndown_revision = (BASE, 'r2')\n",
		"X = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 ;\nrevision = 'r1'\ndown_revision = None\nX += 1\n",
	};

	(void)state;
	for (size_t k = 0; k < sizeof(srcs) / sizeof(srcs[0]); k++) {
		size_t n = strlen(srcs[k]);
		struct revision_file *full = parse_revision_file_with("x.py", (char *)srcs[k], n,
								      PARSE_FULL | PARSE_DROP_MODULE);

		for (size_t at = 1; at < 12; at++) {
			struct revision_file *rf = parse_revision_file_streamed("x.py", xstrdup(srcs[k]), n,
										PARSE_ADOPT_TEXT | PARSE_DROP_MODULE, at);

			if (!revision_file_same(rf, full))
				fail_msg("source %zu, streamed from %zu tokens, reads otherwise", k, at);
			revision_file_free(rf);
		}
		assert_null(full->error);
		assert_string_equal(full->revision, "r1");
		assert_int_equal(full->module != NULL, k == 1 || k == 2);
		revision_file_free(full);
	}
}

/* TEXT read fast (the prescan) and full, module dropped and kept, to the same
 * file each; returns the logical lines the fast reading with a dropped module
 * lexed (what the prescan left to pylex), the file in *OUT when asked for. */
static size_t fast_reads_same(const char *what, const char *text, struct revision_file **out)
{
	size_t n = strlen(text), lexed = 0;

	for (unsigned drop = 0; drop <= PARSE_DROP_MODULE; drop += PARSE_DROP_MODULE) {
		struct parse_work work = { 0 };
		struct revision_file *fast = parse_revision_file_work("v/x.py", (char *)text, n, drop, &work);
		struct revision_file *full = parse_revision_file_with("v/x.py", (char *)text, n, PARSE_FULL | drop);

		if (!revision_file_same(fast, full))
			fail_msg("%s: the fast reading differs (module %s)", what, drop ? "dropped" : "kept");
		assert_invariants(fast);
		lexed = work.lexed_lines;
		if (drop && out)
			*out = fast;
		else
			revision_file_free(fast);
		revision_file_free(full);
	}
	return lexed;
}

#define TEMPLATE_DOC "\"\"\"add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01\n\n\"\"\"\n"
#define TEMPLATE_TOP "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'a1'\n" \
		     "down_revision = 'b1'\nbranch_labels = None\ndepends_on = None\n\n\n"
#define TEMPLATE_DEFS "def upgrade():\n    op.create_table(\n        'account',\n" \
		      "        sa.Column('id', sa.Integer(), nullable=False),\n    )\n\n\n" \
		      "def downgrade():\n    pass\n"

/* The file a scan reads nearly always (lent, a template docstring, one id and
 * its parent or none) is packed by pack_plain to what pack's notes make of an
 * own copy: the same strings at the same places, the header's id and parent
 * the variables' strings when equal, the path the real path's tail, the ids the
 * items' list. A merge, another parent in the header, a path that is no tail of
 * the real one go pack's way, to the same. */
static void test_pack_plain_as_pack(void **state)
{
	static const char *const srcs[] = {
		"\"\"\"add users\n\nRevision ID: ab12\nRevises: cd34\nCreate Date: 2024-05-01 10:11:12.000001\n\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = 'cd34'\nbranch_labels = None\ndepends_on = None\n",
		"\"\"\"base\n\nRevision ID: ab12\nRevises: \nCreate Date: 2024-05-01\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = None\n",
		"\"\"\"other\n\nRevision ID: ab12\nRevises: ef56\nCreate Date: 2024-05-01\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = 'cd34'\n",
		"\"\"\"merge\n\nRevision ID: ab12\nRevises: cd34, ef56\nCreate Date: 2024-05-01\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = ('cd34', 'ef56')\n",
		"\"\"\"same\n\nRevision ID: cd34\nRevises: cd34\nCreate Date: cd34\n\"\"\"\n"
		"revision = 'cd34'\ndown_revision = 'cd34'\n",
	};
	static const char *const reals[] = { "/abs/v/x.py", "/abs/w/x.py" };
	static const char reused[] = "\"\"\"zzzzzzzz\n\nRevision ID: zz99\nRevises: yy88\nCreate Date: zz\n\"\"\"\n"
				     "revision = 'zz99'\ndown_revision = 'yy88'\n";
	struct parse_scratch *scratch = parse_scratch_new();

	(void)state;
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		for (size_t r = 0; r < 2; r++) {
			size_t n = strlen(srcs[i]);
			struct revision_file *own = parse_revision_file_with("v/x.py", (char *)srcs[i], n, PARSE_DROP_MODULE);
			struct revision_file *lent =
				parse_revision_file_lent("v/x.py", (char *)srcs[i], n, PARSE_DROP_MODULE, scratch);

			own = revision_file_pack_real(own, reals[r]);
			lent = revision_file_pack_real(lent, reals[r]);
			/* the scratch read again: nothing of the packed file may be left there */
			revision_file_free(parse_revision_file_lent("v/y.py", (char *)reused, strlen(reused), 0, scratch));
			assert_true(lent->packed && lent->values_packed && lent->real_path_packed && !lent->lent);
			assert_true(revision_file_same(own, lent));
			assert_string_equal(lent->real_path, reals[r]);
			assert_string_equal(lent->path, "v/x.py");
			assert_string_equal(lent->name, "x.py");
			assert_int_equal(lent->path == lent->real_path + 5, r == 0);
			assert_string_equal(lent->revision, own->revision);
			assert_string_equal(lent->message, own->message);
			assert_string_equal(lent->doc_revision_id.value, own->doc_revision_id.value);
			assert_string_equal(lent->doc_revises.value, own->doc_revises.value);
			assert_string_equal(lent->doc_create_date.value, own->doc_create_date.value);
			assert_ptr_equal(lent->revision, lent->rev.items.v[0]);
			assert_ptr_equal(lent->doc_revision_id.value, lent->revision); /* placed once */
			if (lent->down.items.n == 1 && !strcmp(lent->doc_revises.value, lent->down.items.v[0]))
				assert_ptr_equal(lent->doc_revises.value, lent->down.items.v[0]);
			assert_int_equal(lent->down.ids.n, own->down.ids.n);
			for (uint32_t k = 0; k < lent->down.ids.n; k++)
				assert_string_equal(lent->down.ids.v[k], own->down.ids.v[k]);
			assert_null(lent->rev.ids.v);
			revision_file_free(own);
			revision_file_free(lent);
		}
	}
	parse_scratch_free(scratch);
}

/* A value whose items are all in the parse's scratch shares one list for its
 * items and ids; one with an item too long for the scratch (an allocation of
 * its own) gets a list of ids apart, so that the item is freed once. */
static void test_ids_share_items_in_scratch(void **state)
{
	char *big = xmalloc(9001), *text;
	struct parse_scratch *scratch = parse_scratch_new();
	struct revision_file *rf;

	(void)state;
	memset(big, 'x', 9000);
	big[9000] = '\0';
	for (int k = 0; k < 2; k++) {
		text = xasprintf("revision = 'a1'\ndown_revision = ('b1', '%s')\n", k ? big : "c1");
		rf = parse(text);
		assert_null(rf->error);
		assert_int_equal(rf->down.ids.n, 2);
		assert_string_equal(rf->down.ids.v[1], k ? big : "c1");
		assert_true(rf->down.ids.v != rf->down.items.v); /* kept: each list its own */
		revision_file_free(rf);
		rf = parse_revision_file_lent("v/x.py", text, strlen(text), 0, scratch);
		assert_int_equal(rf->down.ids.v == rf->down.items.v, k == 0);
		revision_file_free(revision_file_keep(rf));
		free(text);
	}
	free(big);
	parse_scratch_free(scratch);
}

/* A line that ends in the last thirty-two bytes of the text (a file's last
 * `def` and `pass`) is read by the prescan's short path from bytes that end at
 * the text's end, never past it: the same end, lines and flags as anywhere,
 * whatever the distance to the end. */
static void test_prescan_line_at_text_end(void **state)
{
	static const struct {
		const char *line;
		int lines;
		unsigned seen;
	} cases[] = {
		{ "def downgrade():\n", 1, 0 },
		{ "    pass\n", 1, 0 },
		{ "    op.execute('SELECT 71482')\n", 1, 0 },
		{ "x = ('a', \"b#\", [1, {2: 3}])\n", 1, PRESCAN_EQUALS },
		{ "y = ('a',\n     'b')\n", 2, PRESCAN_EQUALS },
		{ "z = 'a\\'b'  # c\n", 1, PRESCAN_EQUALS },
		{ "a; b\n", 1, PRESCAN_SEMICOLON },
		{ "c)\n", 1, PRESCAN_STRAY_CLOSE },
		{ "pass", 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t pad = 0; pad < 48; pad++) {
			char text[160];
			size_t n = strlen(cases[i].line), len = pad + n, end;
			int line = 1;
			unsigned seen = 0;

			memset(text, '\n', pad);
			memcpy(text + pad, cases[i].line, n + 1);
			end = prescan_line_end(text, len, pad, &line, &seen);
			assert_int_equal(end, len);
			assert_int_equal(line, 1 + cases[i].lines);
			assert_int_equal(seen, cases[i].seen);
			/* the line before another: its own end, the rest unread */
			memcpy(text + pad + n, "w = 1\n", 7);
			line = 1;
			seen = 0;
			if (cases[i].lines) {
				end = prescan_line_end(text, len + 6, pad, &line, &seen);
				assert_int_equal(end, len);
				assert_int_equal(seen, cases[i].seen);
			}
		}
	}
}

/* A docstring that is Alembic's template and nothing else is read at once, its
 * longdoc not copied (rebuilt from the message and fields); one that differs in
 * the least (a blank or quote a field's reading strips, a space stripping would
 * take, a message on two lines, a line more) is read line by line: both to what
 * the full reading makes of it, fields, spans and lines. A file that fails keeps
 * the template's longdoc as read (no fields to rebuild it from). */
static void test_template_docstring_read_at_once(void **state)
{
	static const struct {
		const char *doc;
		bool at_once;
	} docs[] = {
		{ "\"\"\"add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01\n\n\"\"\"", true },
		{ "'''add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01'''", true },
		{ "\"\"\"base\n\nRevision ID: a1\nRevises: \nCreate Date: 2024-01-01\n \t\n\"\"\"", true },
		{ "\"\"\"add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01 \n\"\"\"", false },
		{ "\"\"\"add table\n\nRevision ID: a1\nRevises: 'b1'\nCreate Date: 2024-01-01\n\"\"\"", false },
		{ "\"\"\"add table\n\nRevision ID: a1\t\nRevises: b1\nCreate Date: 2024-01-01\n\"\"\"", false },
		{ "\"\"\"add table\n\nRevision ID:  a1\nRevises: b1\nCreate Date: 2024-01-01\n\"\"\"", false },
		{ "\"\"\" add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01\n\"\"\"", false },
		{ "\"\"\"add\ntable\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01\n\"\"\"", false },
		{ "\"\"\"add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01\f\n\"\"\"", false },
		{ "\"\"\"add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01\xc2\xa0\n\"\"\"", false },
		{ "\"\"\"add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: \n\"\"\"", false },
		{ "\"\"\"add table\n\nRevision ID: a1\nRevises: b1\nCreate Date: 2024-01-01\nmore\n\"\"\"", false },
		{ "\"\"\"add table\n\nRevision ID: a1\nRevises: b1\n\"\"\"", false },
	};
	static const char *const tails[] = { "\nrevision = 'a1'\ndown_revision = 'b1'\n", "\nrevision = 'a1'\n" };

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		for (size_t k = 0; k < 2; k++) { /* k 1: no down_revision, the file fails */
			char *text = xasprintf("%s%s", docs[i].doc, tails[k]);
			struct revision_file *fast = NULL, *full;
			struct strbuf doc;

			fast_reads_same(docs[i].doc, text, &fast);
			assert_int_equal(fast->error != NULL, k == 1);
			assert_int_equal(fast->longdoc_rebuilt, docs[i].at_once && k == 0);
			assert_int_equal(fast->longdoc == NULL, docs[i].at_once && k == 0);
			full = parse_revision_file_with("v/x.py", text, strlen(text), PARSE_FULL);
			sb_init(&doc);
			assert_string_equal(revision_file_longdoc(fast, &doc), full->longdoc);
			sb_free(&doc);
			revision_file_free(full);
			revision_file_free(fast);
			free(text);
		}
	}
}

/* The common shapes (Alembic's templates, old and new, a merge, decorated and
 * nested defs, strings and brackets across body lines) are read without a
 * single line lexed, to what the full reading makes of them. */
static void test_prescan_reads_common_shapes(void **state)
{
	static const char *const shapes[] = {
		TEMPLATE_DOC TEMPLATE_TOP TEMPLATE_DEFS,
		TEMPLATE_DOC "from typing import Sequence, Union\n\nfrom alembic import op\n\n"
		"# revision identifiers, used by Alembic.\nrevision: str = 'a1'\n"
		"down_revision: Union[str, None] = 'b1'\n"
		"branch_labels: Union[str, Sequence[str], None] = None\n"
		"depends_on: Union[str, Sequence[str], None] = None  # none\n\n\n" TEMPLATE_DEFS,
		TEMPLATE_DOC "revision = \"a1\"\ndown_revision = ('b1', 'c1')\nbranch_labels = ['x',]\n"
		"depends_on = ()\nLOG = logging.getLogger(__name__)\n" TEMPLATE_DEFS,
		TEMPLATE_DOC TEMPLATE_TOP "@decorate(x=[1,\n  2])\nasync def f():\n    s = '''\n"
		"revision = 'no'\n'''\n    t = (1,\n2)  # ) not a bracket\n    u = 'a' \\\n'b'\n"
		"class K(Base, metaclass=M):\n\tdef g(self): return {'a': [1]}\n",
		"\xef\xbb\xbf" TEMPLATE_DOC TEMPLATE_TOP, /* a BOM */
		"# -*- coding: utf-8 -*-\n" TEMPLATE_DOC TEMPLATE_TOP,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		struct revision_file *rf = NULL;
		char what[32];

		snprintf(what, sizeof(what), "shape %zu", i);
		assert_int_equal(fast_reads_same(what, shapes[i], &rf), 0);
		assert_null(rf->error);
		assert_string_equal(rf->revision, "a1");
		assert_string_equal(rf->down.items.v[0], "b1");
		assert_string_equal(rf->message, "add table");
		revision_file_free(rf);
	}
}

/* Every line the prescan is not sure of goes to pylex from its first byte, and
 * the file reads as the full reading makes it (errors and their lines too):
 * LEXED is how many logical lines that takes. */
static void test_prescan_leaves_what_it_is_unsure_of(void **state)
{
	static const struct {
		const char *text;
		size_t lexed;
	} cases[] = {
		/* a backslash continuation, a bracket over lines, implicit concatenation */
		{ TEMPLATE_DOC "revision = \\\n  'a1'\ndown_revision = 'b1'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = (\n    'b1',\n    'c1',\n)\n", 1 },
		{ TEMPLATE_DOC "revision = 'a' 'b'\ndown_revision = None\n", 1 },
		/* values that are not plain: prefixes, escapes, triple quotes, names, calls */
		{ TEMPLATE_DOC "revision = u'a1'\ndown_revision = r'b1'\n", 2 },
		{ TEMPLATE_DOC "revision = 'a\\x31'\ndown_revision = '''b1'''\n", 2 },
		/* a name: read again recording names, `BASE = ...` then pylex's too */
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = BASE\nBASE = 'b1'\n", 1 + 2 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = f('b1')\n", 1 + 1 }, /* read again too */
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = (('b1'))\n", 1 },
		/* a top-level `if`: its body is read token by token */
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\nif X:\n    down_revision = 'b1'\n", 2 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\ntry:\n    x = 1\nexcept E:\n    pass\n"
		  "def f():\n    revision = 'x'\n", 4 },
		/* `;`, `=` after a def or class line, augmented and chained assignments */
		{ TEMPLATE_DOC "revision = 'a1'; down_revision = 'b1'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\nclass K: revision = 'x'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\ndef f ) ( a: b[c] = 'x'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\nrevision += 'x'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\nrevision := 'x'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = x = 'b1'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\nX = 1; depends_on = 'c'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\nx[revision] = 1\n", 1 },
		/* a name NFKC may make a tracked one, a string's prefix at a line's start */
		{ TEMPLATE_DOC "revision = 'a1'\n\xef\xbd\x84own_revision = 'b1'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = None\nrb'x'\n", 1 },
		/* a form feed or a backslash before a line's first token */
		{ TEMPLATE_DOC "revision = 'a1'\n\fdown_revision = 'b1'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndef f():\n  \fdown_revision = 'b1'\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndef f():\n    \\\ndown_revision = 'b1'\n", 1 },
		/* (tabs indent as blanks do: skimmed) */
		{ TEMPLATE_DOC "revision = 'a1'\ndef f():\n\tx = 1\n\tdown_revision = 'b1'\n", 0 },
		/* CRLF: the docstring (its CRs) is pylex's, the rest the prescan's */
		{ "\"\"\"m\r\n\r\nRevises: b1\r\n\"\"\"\r\nrevision = 'a1'\r\ndown_revision = 'b1'\r\n"
		  "def f():\r\n    pass\r\n", 1 },
		{ "\"\"\"m\"\"\"\rrevision = 'a1'\rdown_revision = 'b1'\r", 0 },
		/* a coding other than UTF-8 is all pylex's; bytes that are not UTF-8 fail first */
		{ "# coding: latin-1\n\"\"\"caf\xe9\"\"\"\nrevision = 'a1'\ndown_revision = 'b1'\n", 3 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = 'b\xff'\n", 0 },
		/* no docstring, one not plain, one indented, one with more after it */
		{ "revision = 'a1'\ndown_revision = 'b1'\n", 1 },
		{ "r\"\"\"m\\n\"\"\"\nrevision = 'a1'\ndown_revision = 'b1'\n", 1 },
		{ "  \"\"\"m\"\"\"\nrevision = 'a1'\ndown_revision = 'b1'\n", 1 },
		{ "\"\"\"m\"\"\" + x\nrevision = 'a1'\ndown_revision = 'b1'\n", 1 },
		/* what pylex fails on, at the line it fails on */
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = 'b1'\ndef f():\n    x = 'open\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = 'b1'\ndef f():\n    x = (1,\n", 1 },
		{ TEMPLATE_DOC "revision = 'a1'\ndown_revision = 'b1'\nimport a, (\n", 1 },
		{ "\"\"\"never closed\nrevision = 'a1'\n", 1 },
	};

	int wrong = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[32];
		size_t lexed;

		snprintf(what, sizeof(what), "case %zu", i);
		lexed = fast_reads_same(what, cases[i].text, NULL);
		if (lexed != cases[i].lexed) {
			print_message("%s: %zu lines lexed, not %zu\n", what, lexed, cases[i].lexed);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

/* A value naming more than MT_MAX_VALUE_IDS ids is an error at its line, told
 * before its items are made, the same when the list is streamed; one just under
 * the limit reads. */
static void test_too_many_ids_in_one_value(void **state)
{
	(void)state;
	for (unsigned extra = 0; extra < 2; extra++) {
		struct strbuf sb;
		struct revision_file *full, *streamed;

		sb_init(&sb);
		sb_adds(&sb, "revision = 'r'\ndown_revision = [");
		for (unsigned k = 0; k < MT_MAX_VALUE_IDS + extra; k++)
			sb_addf(&sb, "'p%u', ", k);
		sb_adds(&sb, "]\n");
		full = parse_revision_file_with("x.py", sb.buf, sb.len, PARSE_FULL);
		streamed = parse_revision_file_streamed("x.py", sb.buf, sb.len, PARSE_DROP_MODULE, 100);
		assert_true(revision_file_same(full, streamed));
		if (extra) {
			assert_string_equal(full->error, "`down_revision` names more than 10000 ids; migtree reads at "
							 "most that many in one value");
			assert_int_equal(full->error_line, 2);
		} else {
			assert_null(full->error);
			assert_int_equal(full->down.ids.n, MT_MAX_VALUE_IDS);
		}
		revision_file_free(full);
		revision_file_free(streamed);
		sb_free(&sb);
	}
}

/* A docstring over PACK_MAX_BYTES is not copied again: the file stays unpacked. */
static void test_pack_leaves_huge_strings(void **state)
{
	size_t n = 100000;
	char *src = xmalloc(n + 64);
	struct revision_file *rf;

	(void)state;
	memcpy(src, "\"\"\"", 3);
	memset(src + 3, 'x', n);
	strcpy(src + 3 + n, "\"\"\"\nrevision = 'a'\ndown_revision = None\n");
	rf = parse(src);
	rf = revision_file_pack(rf);
	assert_null(revision_file_block(rf));
	assert_int_equal(strlen(rf->longdoc), n);
	revision_file_free(rf);
	free(src);
}

/* A scan thread reads file after file into one scratch (parse_revision_file_lent):
 * each one packed, or kept when it needs resolving or its strings are huge, reads
 * as a file read on its own, and frees cleanly (ASan: nothing of the scratch is
 * freed, nothing of its own leaks). Files whose strings fill the scratch (a 5,000
 * or 20,000-byte docstring, a long tuple) put the rest in allocations of their own. */
static void test_lent_files_read_the_same(void **state)
{
	static const char *const shapes[] = {
		"\"\"\"m\n\nRevision ID: a\nRevises: b\nCreate Date: x\n\n\"\"\"\n"
		"revision = 'a'\ndown_revision = 'b'\nbranch_labels = None\ndepends_on = None\n",
		"revision = 'a'\ndown_revision = ('b', 'c')\nbranch_labels = ('l',)\ndepends_on = ['d']\n",
		"revision = 'a'\ndown_revision = X\nX = 'b'\n",
		"revision = 'a'\nrevision = 'b'\ndown_revision = ''\ndown_revision = (\n'c')\n",
		"'''doc\\n'''\nrevision = 'a' 'b'\ndown_revision = None\n",
		"revision = 'a'\n",
		"",
	};
	struct parse_scratch *scratch = parse_scratch_new();
	struct strbuf sb;

	(void)state;
	sb_init(&sb);
	for (size_t big = 0; big < 3; big++) {
		for (size_t c = 0; c < sizeof(shapes) / sizeof(shapes[0]); c++) {
			struct revision_file *own, *lent;

			sb.len = 0;
			if (big) { /* a docstring that fills the scratch, or does not fit in it */
				sb_adds(&sb, "\"\"\"");
				for (size_t i = 0; i < (big == 1 ? 5000u : 20000u); i++)
					sb_addn(&sb, i % 61 ? "y" : "\n", 1);
				sb_adds(&sb, "\"\"\"\n");
			}
			sb_adds(&sb, shapes[c]);
			if (big == 2)
				sb_adds(&sb, "depends_on = ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i')\n");
			own = parse_revision_file_with("v/a.py", sb.buf, sb.len, PARSE_DROP_MODULE);
			lent = parse_revision_file_lent("v/a.py", sb.buf, sb.len, PARSE_DROP_MODULE, scratch);
			assert_true(lent->lent);
			lent = lent->needs_resolve ? revision_file_keep(lent) : revision_file_pack(lent);
			assert_false(lent->lent);
			assert_true(revision_file_same(own, lent));
			revision_file_free(own);
			revision_file_free(lent);
		}
	}
	/* one let go while lent leaves the scratch to the next */
	revision_file_free(parse_revision_file_lent("v/a.py", (char *)shapes[1], strlen(shapes[1]), 0, scratch));
	sb_free(&sb);
	parse_scratch_free(scratch);
}

/* A packed file's path that is its real path's tail takes no bytes of its own
 * (issue 11: peak RSS); one that is not keeps its own copy. Both free cleanly,
 * and a real path set after packing replaces the packed one. */
static void test_pack_shares_real_path(void **state)
{
	const char *src = "revision = 'a'\ndown_revision = None\n";
	struct revision_file *rf = parse_revision_file("v/a.py", src, strlen(src));

	(void)state;
	revision_file_set_real_path(rf, xstrdup("/p/v/a.py"));
	rf = revision_file_pack(rf);
	assert_true(rf->real_path_packed);
	assert_ptr_equal(rf->path, rf->real_path + 3);
	assert_string_equal(rf->path, "v/a.py");
	assert_string_equal(rf->name, "a.py");
	revision_file_set_real_path(rf, xstrdup("/q/a.py"));
	assert_false(rf->real_path_packed);
	assert_string_equal(rf->path, "v/a.py");
	revision_file_free(rf);

	rf = parse_revision_file("v/a.py", src, strlen(src)); /* a tail, but not at a '/' */
	revision_file_set_real_path(rf, xstrdup("/p/xv/a.py"));
	rf = revision_file_pack(rf);
	assert_string_equal(rf->real_path, "/p/xv/a.py");
	assert_string_equal(rf->path, "v/a.py");
	assert_true(rf->path < rf->real_path || rf->path >= rf->real_path + strlen(rf->real_path));
	revision_file_free(rf);
}

/* A docstring that is Alembic's template filled with the file's own message and
 * header fields is not kept once packed but rebuilt, byte for byte; any other
 * (a line more, a field that differs from its header line) is kept. */
static void test_pack_rebuilds_template_docstring(void **state)
{
	const char *srcs[] = {
		"\"\"\"add users\n\nRevision ID: ab12\nRevises: cd34\nCreate Date: 2024-05-01 10:11:12\n\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = 'cd34'\n",
		"\"\"\"base\n\nRevision ID: ab12\nRevises: \nCreate Date: 2024-05-01\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = None\n",
		"\"\"\"add users\n\nRevision ID: ab12\nRevises: cd34\nCreate Date: 2024-05-01\nmore\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = 'cd34'\n",
		"\"\"\"a\n\nb\n\nRevision ID: ab12\nRevises: cd34\nCreate Date: 2024-05-01\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = 'cd34'\n",
		"\"\"\"add users\n\nRevision ID:  ab12\nRevises: cd34\nCreate Date: 2024-05-01\n\"\"\"\n"
		"revision = 'ab12'\ndown_revision = 'cd34'\n",
		"\"\"\"only a message\"\"\"\nrevision = 'ab12'\ndown_revision = 'cd34'\n",
	};
	const bool rebuilt[] = { true, true, false, false, false, false };
	const char *docs[] = {
		"add users\n\nRevision ID: ab12\nRevises: cd34\nCreate Date: 2024-05-01 10:11:12",
		"base\n\nRevision ID: ab12\nRevises: \nCreate Date: 2024-05-01",
		"add users\n\nRevision ID: ab12\nRevises: cd34\nCreate Date: 2024-05-01\nmore",
		"a\n\nb\n\nRevision ID: ab12\nRevises: cd34\nCreate Date: 2024-05-01",
		"add users\n\nRevision ID:  ab12\nRevises: cd34\nCreate Date: 2024-05-01",
		"only a message",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		struct revision_file *plain = parse(srcs[i]), *packed = parse(srcs[i]);
		struct strbuf doc, was;

		packed = revision_file_pack(packed);
		assert_non_null(revision_file_block(packed));
		assert_int_equal(packed->longdoc_rebuilt, rebuilt[i]);
		assert_true(rebuilt[i] ? packed->longdoc == NULL : packed->longdoc != NULL);
		sb_init(&doc);
		sb_init(&was);
		assert_string_equal(revision_file_longdoc(plain, &was), docs[i]);
		assert_string_equal(revision_file_longdoc(packed, &doc), docs[i]);
		assert_string_equal(revision_file_longdoc(packed, &doc), docs[i]); /* BUF again */
		sb_free(&doc);
		sb_free(&was);
		assert_true(revision_file_same(plain, packed));
		assert_true(revision_file_same(packed, plain));
		assert_true(revision_file_reads_same(packed, plain));
		revision_file_free(plain);
		revision_file_free(packed);
	}
}

/* A lone item that is the whole value keeps no span of its own (no extra: 8
 * bytes a value, 24 a packed file); one apart from it, and a tuple's items,
 * keep theirs. */
static void test_item_spans_kept_only_when_apart(void **state)
{
	struct revision_file *rf = parse("revision = 'a1'\ndown_revision = ('b1', \"c1\")\n"
					 "branch_labels = ('x')\ndepends_on = 'p' 'q'\n");

	(void)state;
	assert_null(rf->rev.x);
	assert_span(rf, pv_item_span(&rf->rev, 0), "'a1'");
	assert_null(deps_of(rf)->x);
	assert_span(rf, pv_item_span(deps_of(rf), 0), "'p' 'q'");
	assert_non_null(rf->down.x);
	assert_span(rf, pv_item_span(&rf->down, 0), "'b1'");
	assert_span(rf, pv_item_span(&rf->down, 1), "\"c1\"");
	assert_span(rf, labels_of(rf)->span, "('x')");
	assert_span(rf, pv_item_span(labels_of(rf), 0), "'x'");
	revision_file_free(rf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_template),
		cmocka_unit_test(test_plain_labels_deps),
		cmocka_unit_test(test_pack_shares_real_path),
		cmocka_unit_test(test_annotated_forms),
		cmocka_unit_test(test_multiline_tuple_with_comments),
		cmocka_unit_test(test_sequences_and_parentheses),
		cmocka_unit_test(test_string_prefixes_and_escapes),
		cmocka_unit_test(test_last_assignment_wins_and_semicolons),
		cmocka_unit_test(test_docstring_forms),
		cmocka_unit_test(test_crlf_reads_the_same),
		cmocka_unit_test(test_bom_and_legacy_name),
		cmocka_unit_test(test_nul_in_a_value_is_refused),
		cmocka_unit_test(test_nfkc_names),
		cmocka_unit_test(test_form_feed_and_line_ends),
		cmocka_unit_test(test_grouping_parentheses),
		cmocka_unit_test(test_coding_lines),
		cmocka_unit_test(test_values_that_are_not_literals),
		cmocka_unit_test(test_references_are_kept),
		cmocka_unit_test(test_many_bindings),
		cmocka_unit_test(test_module_bytes),
		cmocka_unit_test(test_empty_values_as_alembic),
		cmocka_unit_test(test_resolving_names),
		cmocka_unit_test(test_nested_sequence_fails_cleanly),
		cmocka_unit_test(test_loose_pieces_name_their_parents),
		cmocka_unit_test(test_bad_define),
		cmocka_unit_test(test_a_local_variable_is_not_alembics),
		cmocka_unit_test(test_broken_bytes),
		cmocka_unit_test(test_every_prefix_of_a_file_is_safe),
		cmocka_unit_test(test_mutations_never_crash),
		cmocka_unit_test(test_streamed_lines_read_the_same),
		cmocka_unit_test(test_python_strip_and_splitlines),
		cmocka_unit_test(test_bytes_are_read_again),
		cmocka_unit_test(test_pack_keeps_what_reads),
		cmocka_unit_test(test_drop_module_keeps_what_resolving_reads),
		cmocka_unit_test(test_unrecorded_names_read_the_same),
		cmocka_unit_test(test_too_many_ids_in_one_value),
		cmocka_unit_test(test_pack_leaves_huge_strings),
		cmocka_unit_test(test_lent_files_read_the_same),
		cmocka_unit_test(test_pack_rebuilds_template_docstring),
		cmocka_unit_test(test_item_spans_kept_only_when_apart),
		cmocka_unit_test(test_pack_plain_as_pack),
		cmocka_unit_test(test_ids_share_items_in_scratch),
		cmocka_unit_test(test_prescan_line_at_text_end),
		cmocka_unit_test(test_template_docstring_read_at_once),
		cmocka_unit_test(test_prescan_reads_common_shapes),
		cmocka_unit_test(test_prescan_leaves_what_it_is_unsure_of),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
