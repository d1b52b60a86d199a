/* scratch.h - what tests that work on real files and repositories share: a
 * shell command that must succeed, and a file written under a directory. */
#ifndef MIGTREE_TEST_SCRATCH_H
#define MIGTREE_TEST_SCRATCH_H

/* Run the command FMT makes (printf's way) with system(); the test fails,
 * naming it, when it does not exit 0. */
void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* TEXT as the file REL (any bytes but NUL) under DIR, REL's directories made. */
void write_at(const char *dir, const char *rel, const char *text);

#endif
