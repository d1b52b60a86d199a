/* floor.c - the read-all floor for `make bench`: list a version directory, sort
 * the names as Alembic's walk does (bytewise), then open, read to the end and
 * close every .py file once, in that order, into one reused buffer.
 *
 * No parsing and no allocation per file: whatever migtree spends above this is
 * its own work, so bench.py prints each command's time as a multiple of it. It
 * is one thread; a scanner that reads in parallel can come in under 1x.
 *
 * Usage: floor DIR   (prints the files and bytes read) */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, files = 0;
	unsigned long long bytes = 0;
	struct dirent *de;
	DIR *d;

	if (argc != 2 || !(d = opendir(argv[1]))) {
		fprintf(stderr, "usage: floor DIR (a directory that can be listed)\n");
		return 2;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 3, ".py"))
			continue;
		if (n == cap && !(names = realloc(names, (cap = cap ? 2 * cap : 1024) * sizeof(*names))))
			return 1;
		if (!(names[n++] = strdup(de->d_name)))
			return 1;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		ssize_t got;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		while ((got = read(fd, buf, sizeof(buf))) > 0)
			bytes += (unsigned long long)got;
		close(fd);
		files++;
	}
	printf("%zu files, %llu bytes\n", files, bytes);
	return 0;
}
