/* annotate.h - problems as GitHub Actions annotations (`check` and `review`
 * --format github), so that a pull request shows each at its file and line.
 *
 * One workflow command per problem: `::error file=PATH,line=N,title=KIND::MESSAGE`
 * (warnings as ::warning), escaped by quote.c's GitHub rules. What makes the job
 * fail is an error there too: several heads within a branch (HEADS_FAIL), every
 * warning under --strict (STRICT). */
#ifndef MIGTREE_ANNOTATE_H
#define MIGTREE_ANNOTATE_H

#include <stdio.h>

#include "migtree/problem.h"

#include <stdbool.h>

void annotate_github(FILE *out, const struct problem_list *pl, bool heads_fail, bool strict);

#endif
