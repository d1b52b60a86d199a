/* test_layout.c - lanes from the compact text form, as tig's graph tests: merges
 * of 2 and 3, crossing and long-lived branches, disconnected pieces, phantoms,
 * and folding of linear runs. Each expected picture is one line per row: the
 * lane glyphs then the revision. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graph_text.h"
#include "migtree/layout.h"

static char *picture(const char *graph, bool ascii)
{
	struct project p;
	struct layout l;
	struct strbuf sb;
	char buf[512];

	graph_text_load(&p, graph);
	layout_build(&l, &p);
	sb_init(&sb);
	for (uint32_t r = 0; r < l.n_rows; r++) {
		const struct node *nd = &p.graph.nodes[l.node[r]];
		char *end;

		layout_row_glyphs(&l, r, ascii, nd->phantom, buf, sizeof(buf));
		end = buf + strlen(buf);
		while (end > buf && end[-1] == ' ')
			*--end = '\0';
		sb_addf(&sb, "%s %s\n", buf, nd->id);
	}
	layout_free(&l);
	project_free(&p);
	return sb_detach(&sb);
}

static void assert_picture(const char *graph, bool ascii, const char *want)
{
	char *got = picture(graph, ascii);

	assert_string_equal(got, want);
	free(got);
}

static void test_linear(void **state)
{
	(void)state;
	assert_picture("a0\na1 a0\na2 a1\n", false, "\u25cf a2\n\u25cf a1\n\u25cf a0\n");
}

static void test_branch_and_merge_of_two(void **state)
{
	(void)state;
	assert_picture("r0\nb1 r0\nc1 r0\nm1 b1 c1\n", true,
		       "*-\\ m1\n"
		       "* | b1\n"
		       "| * c1\n"
		       "*-/ r0\n");
}

static void test_merge_of_three(void **state)
{
	(void)state;
	assert_picture("r0\nx1 r0\ny1 r0\nz1 r0\nx2 x1\nm3 x2 y1 z1\n", true,
		       "*-+-\\ m3\n"
		       "* | | x2\n"
		       "* | | x1\n"
		       "| * | y1\n"
		       "| | * z1\n"
		       "*-+-/ r0\n");
}

static void test_long_lived_branches(void **state)
{
	(void)state;
	assert_picture("r0\na1 r0\nb1 r0\na2 a1\nb2 b1\na3 a2\nb3 b2\n", false,
		       "\u25cf a3\n"
		       "\u25cf a2\n"
		       "\u25cf a1\n"
		       "\u2502 \u25cf b3\n"
		       "\u2502 \u25cf b2\n"
		       "\u2502 \u25cf b1\n"
		       "\u25cf\u2500\u2518 r0\n");
}

static void test_crossing_lanes(void **state)
{
	(void)state;
	/* merge's second parent opens a lane right of the side branch's lane */
	assert_picture("root\nleft root\nright root\nmerge left right\ntip merge\nside right\n", true,
		       "* tip\n"
		       "*-\\ merge\n"
		       "* | left\n"
		       "| | * side\n"
		       "| *-/ right\n"
		       "*-/ root\n");
}

static void test_disconnected_and_phantom(void **state)
{
	(void)state;
	assert_picture("a1 gone\na2 a1\nb1\n", true, "* a2\n* a1\nx gone\n* b1\n");
}

static void test_folding_linear_runs(void **state)
{
	struct project p;
	struct layout l;
	struct display d = { 0 };
	struct strbuf sb;
	bool *plain, *open_at;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "r0\n");
	for (int i = 1; i < 30; i++)
		sb_addf(&sb, "r%d r%d\n", i, i - 1);
	graph_text_load(&p, sb.buf);
	layout_build(&l, &p);
	plain = xcalloc(l.n_rows, sizeof(bool));
	open_at = xcalloc(l.n_rows, sizeof(bool));
	for (uint32_t r = 1; r + 1 < l.n_rows; r++)
		plain[r] = true; /* the head and the base stay visible */
	display_build(&d, &l, plain, 10, NULL);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.v[1].first, 1);
	assert_int_equal(d.v[1].last, 28);
	assert_int_equal(display_find(&d, 17), 1);
	assert_int_equal(display_find(&d, 29), 2);
	open_at[1] = true;
	display_build(&d, &l, plain, 10, open_at);
	assert_int_equal(d.n, 30);
	display_build(&d, &l, plain, 100, NULL); /* runs shorter than the minimum stay */
	assert_int_equal(d.n, 30);
	display_free(&d);
	free(plain);
	free(open_at);
	layout_free(&l);
	project_free(&p);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear),
		cmocka_unit_test(test_branch_and_merge_of_two),
		cmocka_unit_test(test_merge_of_three),
		cmocka_unit_test(test_long_lived_branches),
		cmocka_unit_test(test_crossing_lanes),
		cmocka_unit_test(test_disconnected_and_phantom),
		cmocka_unit_test(test_folding_linear_runs),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
