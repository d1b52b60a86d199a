/* test_quote.c - one escaping rule per target (quote.c): what reaches a terminal,
 * JSON, DOT, Mermaid and Python files from untrusted text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migtree/quote.h"

typedef void (*quoter)(struct strbuf *, const char *);

static void expect(quoter q, const char *in, const char *want)
{
	struct strbuf sb;

	sb_init(&sb);
	q(&sb, in);
	if (strcmp(sb.buf ? sb.buf : "", want))
		fail_msg("quoted '%s' as '%s', want '%s'", in, sb.buf ? sb.buf : "", want);
	sb_free(&sb);
}

static void terminal(struct strbuf *sb, const char *s)
{
	quote_terminal(sb, s, strlen(s));
}

static void json(struct strbuf *sb, const char *s)
{
	quote_json(sb, s);
}

static void py_single(struct strbuf *sb, const char *s)
{
	quote_python(sb, s, '\'');
}

static void py_doc(struct strbuf *sb, const char *s)
{
	quote_python_docstring(sb, s, '"');
}

static void test_terminal(void **state)
{
	(void)state;
	expect(terminal, "plain text, é ü 日本", "plain text, é ü 日本");
	expect(terminal, "\x1b[31mred\x1b]52;c;ZXZpbA==\x07", "^[[31mred^[]52;c;ZXZpbA==^G");
	expect(terminal, "tab\there\x7f", "tab^Ihere^?");
	expect(terminal, "csi \xc2\x9b 2J", "csi \\u009b 2J");
	expect(terminal, "bad \xff\xfe end \xe2\x82", "bad \\xff\\xfe end \\xe2\\x82");
	expect(terminal, "admin\xe2\x80\xae txt.exe", "admin<U+202E> txt.exe");
	expect(terminal, "zero\xe2\x80\x8bwidth\xef\xbb\xbf", "zero<U+200B>width<U+FEFF>");
	expect(terminal, "overlong \xc0\xaf surrogate \xed\xa0\x80", "overlong \\xc0\\xaf surrogate \\xed\\xa0\\x80");
	/* tree's box drawing and arrows go as runs; what is next to them is still seen */
	expect(terminal, "\xe2\x94\x9c\xe2\x94\x80 a\n\xe2\x86\x93\xe2\x80\xae\xe2\x94\x82\x1b",
	       "\xe2\x94\x9c\xe2\x94\x80 a^J\xe2\x86\x93<U+202E>\xe2\x94\x82^[");
	expect(terminal, "cut \xe2\x94", "cut \\xe2\\x94");
	assert_false(quote_terminal_needed("a normal message", 16));
	assert_true(quote_terminal_needed("x\x1b", 2));
	assert_true(quote_terminal_needed("\xe2\x80\xae", 3));
}

static void test_json(void **state)
{
	(void)state;
	expect(json, "a\"b\\c\n\t\r", "\"a\\\"b\\\\c\\n\\t\\r\"");
	expect(json, "esc\x1b bel\x07", "\"esc\\u001b bel\\u0007\"");
	expect(json, "name\xff\xfe.py", "\"name\\udcff\\udcfe.py\"");
	expect(json, "c1\xc2\x9b ls\xe2\x80\xa8", "\"c1\\u009b ls\\u2028\"");
	expect(json, "日本", "\"日本\"");
}

static void test_dot_and_mermaid(void **state)
{
	(void)state;
	expect(quote_dot, "id\nmsg \"q\" \\ \x1b[2J", "\"id\\nmsg \\\"q\\\" \\\\ ^[[2J\"");
	expect(quote_mermaid, "a \"b\" <script>&#x; \x1b\nc", "a #quot;b#quot; #lt;script#gt;#amp;#35;x; ^[ c");
}

static void test_python(void **state)
{
	(void)state;
	expect(py_single, "it's a \\ path\nnext", "it\\'s a \\\\ path\\nnext");
	expect(py_single, "ctl\x01 bidi\xe2\x80\xae", "ctl\\x01 bidi\\u202e");
	expect(py_doc, "fix \"\"\" q", "fix \\\"\\\"\\\" q");
	expect(py_doc, "two\nlines\\", "two\nlines\\\\");
}

static void test_github(void **state)
{
	(void)state;
	expect(quote_github_message, "100% broken\r\nnext: a, b", "100%25 broken%0D%0Anext: a, b");
	expect(quote_github_property, "dir:a,b/x.py\x1b", "dir%3Aa%2Cb/x.py^[");
}

static void a_path(struct strbuf *sb, const char *s)
{
	quote_diff_path(sb, "a/", s);
}

/* As git diff writes names: `git apply` and `patch` read them back. */
static void test_diff_path(void **state)
{
	(void)state;
	expect(a_path, "versions/1a2b_add users.py", "a/versions/1a2b_add users.py");
	expect(a_path, "versions/x\ny.py", "\"a/versions/x\\ny.py\"");
	expect(a_path, "v/\"q\"\\b\t\x1b.py", "\"a/v/\\\"q\\\"\\\\b\\t\\033.py\"");
	expect(a_path, "v/caf\xc3\xa9\xff.py", "\"a/v/caf\\303\\251\\377.py\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_dot_and_mermaid),
		cmocka_unit_test(test_python),
		cmocka_unit_test(test_github),
		cmocka_unit_test(test_diff_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
