/* error.c - filling and printing struct mt_error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "migtree/error.h"

int mt_fail(struct mt_error *err, const char *path, int line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

void mt_error_format(const struct mt_error *err, char *buf, size_t size)
{
	if (err->path[0] && err->line > 0)
		snprintf(buf, size, "%s:%d: %s", err->path, err->line, err->message);
	else if (err->path[0])
		snprintf(buf, size, "%s: %s", err->path, err->message);
	else
		snprintf(buf, size, "%s", err->message);
}
