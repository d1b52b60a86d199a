/* test_review.c - what a merge would do (review.c), on histories written to one
 * folder in turn (ancestor, BASE, HEAD), as git trees of one work tree would be. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "migtree/review.h"

static char root[] = "/tmp/migtree-review-XXXXXX";

/* Write the history SPEC ("id:parent,parent:label;..." — parent "-" is none)
 * into ROOT/versions, one file per revision, and load it. */
static void load(struct project *p, const char *spec)
{
	char *cmd = xasprintf("rm -rf %s/versions && mkdir -p %s/versions", root, root);
	char *copy = xstrdup(spec), *save = NULL;
	/* review compares the files' bytes (review.h) */
	struct config_request req = { .keep_text = true };
	struct mt_error err = { 0 };
	char *dir = xasprintf("%s/versions", root);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	for (char *rev = strtok_r(copy, ";", &save); rev; rev = strtok_r(NULL, ";", &save)) {
		char *id = strtok(rev, ":"), *down = strtok(NULL, ":"), *label = strtok(NULL, ":");
		char *at = strchr(id, '@'); /* id@file: the revision in another file */
		char *path = xasprintf("%s/%s.py", dir, at ? at + 1 : id);
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		if (at)
			*at = '\0';
		fprintf(f, "\"\"\"rev %s\n\"\"\"\nrevision = '%s'\n", id, id);
		if (!down || !strcmp(down, "-"))
			fputs("down_revision = None\n", f);
		else if (strchr(down, ','))
			fprintf(f, "down_revision = ('%.*s', '%s')\n", (int)(strchr(down, ',') - down), down,
				strchr(down, ',') + 1);
		else
			fprintf(f, "down_revision = '%s'\n", down);
		if (label)
			fprintf(f, "branch_labels = ('%s',)\n", label);
		fclose(f);
		free(path);
	}
	req.versions_dir = dir;
	assert_int_equal(project_load(&req, p, &err), 0);
	free(copy);
	free(dir);
}

static void run(struct review *r, struct project *pr, const char *anc, const char *base, const char *head)
{
	struct mt_error err = { 0 };

	load(&pr[0], anc);
	load(&pr[1], base);
	load(&pr[2], head);
	assert_int_equal(review_run(&pr[0], &pr[1], &pr[2], r, &err), 0);
}

static void done(struct review *r, struct project *pr)
{
	review_free(r);
	for (int i = 0; i < 3; i++)
		project_free(&pr[i]);
}

static const struct problem *find(const struct review *r, enum problem_kind kind)
{
	for (size_t i = 0; i < r->problems.n; i++)
		if (r->problems.v[i].kind == kind)
			return &r->problems.v[i];
	return NULL;
}

static void test_two_heads(void **state)
{
	struct project pr[3];
	struct review r;
	const struct problem *p;

	(void)state;
	run(&r, pr, "a1:-", "a1:-;b1:a1", "a1:-;h1:a1;h2:h1");
	assert_int_equal(r.side[REVIEW_BASE].n_added, 1);
	assert_int_equal(r.side[REVIEW_HEAD].n_added, 2);
	assert_false(r.clean);
	p = find(&r, PROBLEM_MULTIPLE_HEADS);
	assert_non_null(p);
	assert_int_equal(p->tag, REVIEW_BOTH);
	assert_int_equal(r.problems.n, 1);
	assert_int_equal(r.n_fixes, 2);
	assert_int_equal(r.fixes[0].kind, REVIEW_FIX_MERGE);
	assert_string_equal(r.fixes[0].parents.v[0], "b1");
	assert_string_equal(r.fixes[0].parents.v[1], "h2");
	assert_int_equal(r.fixes[1].kind, REVIEW_FIX_REBASE);
	assert_string_equal(r.fixes[1].revision, "h1"); /* HEAD's first new revision */
	assert_string_equal(r.fixes[1].parents.v[0], "b1");
	done(&r, pr);
}

static void test_clean_and_already_merged(void **state)
{
	struct project pr[3];
	struct review r;

	(void)state;
	run(&r, pr, "a1:-", "a1:-;b1:a1", "a1:-;b1:a1;h1:b1");
	assert_true(r.clean);
	assert_int_equal(r.problems.n, 0);
	assert_int_equal(r.side[REVIEW_HEAD].n_added, 2);
	done(&r, pr);
	run(&r, pr, "a1:-", "a1:-;b1:a1", "a1:-;h1:a1;m1:b1,h1");
	assert_true(r.clean); /* HEAD merged both heads already */
	done(&r, pr);
}

static void test_deleted_and_reparented_parents(void **state)
{
	struct project pr[3];
	struct review r;
	const struct problem *p;

	(void)state;
	run(&r, pr, "a1:-;a2:a1", "a1:-", "a1:-;a2:a1;h1:a2");
	p = find(&r, PROBLEM_MISSING_DOWN_REVISION);
	assert_non_null(p);
	assert_non_null(strstr(p->message, "BASE deleted it"));
	assert_int_equal(p->tag, REVIEW_HEAD);
	assert_false(r.clean);
	done(&r, pr);
	run(&r, pr, "a1:-;a0:-;a2:a1", "a1:-;a0:-;a2:a0", "a1:-;a0:-;a2:a1;h1:a2");
	p = find(&r, PROBLEM_PARENT_CHANGED);
	assert_non_null(p);
	assert_string_equal(p->revision, "h1");
	assert_string_equal(p->ref, "a2");
	done(&r, pr);
}

static void test_both_sides_and_published(void **state)
{
	struct project pr[3];
	struct review r;
	const struct problem *p;

	(void)state;
	/* the same id in two files added on both sides */
	run(&r, pr, "a1:-", "a1:-;x1@fb:a1", "a1:-;x1@fh:a1");
	p = find(&r, PROBLEM_DUPLICATE_REVISION);
	assert_non_null(p);
	assert_int_equal(p->tag, REVIEW_BOTH);
	assert_false(r.clean);
	done(&r, pr);
	/* one label declared on both sides */
	run(&r, pr, "a1:-", "a1:-;b1:a1:lab", "a1:-;y1:a1:lab");
	assert_non_null(find(&r, PROBLEM_BRANCH_LABEL_CONFLICT));
	done(&r, pr);
	/* a file changed differently on both sides: git would stop there */
	run(&r, pr, "a1:-;a2:a1", "a1:-;a2:a1:x", "a1:-;a2:a1:y");
	assert_int_equal(r.conflicts.n, 1);
	done(&r, pr);
	run(&r, pr, "a1:-;a2:a1", "a1:-;a2:a1", "a1:-;a0:-;a2:a0");
	p = find(&r, PROBLEM_PUBLISHED_EDIT);
	assert_non_null(p);
	assert_string_equal(p->revision, "a2");
	assert_false(r.clean);
	done(&r, pr);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", root);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_heads),
		cmocka_unit_test(test_clean_and_already_merged),
		cmocka_unit_test(test_deleted_and_reparented_parents),
		cmocka_unit_test(test_both_sides_and_published),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
