/* error.h - the one error value every fallible core function fills in.
 *
 * Errors flow up as values (sqlite's rc habit): a function returns 0 or -1 and, on
 * -1, has written where (file, line) and what (a sentence a user understands). */
#ifndef MIGTREE_ERROR_H
#define MIGTREE_ERROR_H

#include <stddef.h>

#define MT_PATH_MAX 4096

struct mt_error {
	char path[MT_PATH_MAX]; /* file the error is about, "" when none */
	int line;               /* 1-based line in that file, 0 when none */
	char message[1024];     /* one line, no trailing newline */
};

/* Fill ERR (when not NULL) and return -1, so callers can `return mt_fail(...)`. */
int mt_fail(struct mt_error *err, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "path:line: message" (or the parts that are set) into BUF. */
void mt_error_format(const struct mt_error *err, char *buf, size_t size);

#endif
