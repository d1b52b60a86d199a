/* scan.c - list a project's version files through a source (source.c walks them
 * in Alembic's load order), then read and parse each one. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migtree/docstring.h"
#include "migtree/scan.h"
#include "migtree/source.h"

bool scan_is_candidate(const char *name)
{
	return str_ends_with(name, ".py") && !str_starts_with(name, "__init__") &&
	       !str_starts_with(name, ".#");
}

char *scan_display_path(const char *abs)
{
	char cwd[PATH_MAX];
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)))
		return xstrdup(abs);
	n = strlen(cwd);
	if (!strncmp(abs, cwd, n) && abs[n] == '/')
		return xstrdup(abs + n + 1);
	return xstrdup(abs);
}

/* Read and parse one listed file; a file that cannot be read is listed with why. */
static struct revision_file *read_one(struct source *src, const char *path)
{
	char *shown = source_display(src, path), *bytes, why[256];
	size_t len;
	struct revision_file *rf;
	int rc = source_read(src, path, MT_MAX_FILE_SIZE, &bytes, &len, why);

	if (rc == SOURCE_READ_OK) {
		rf = parse_revision_file(shown, bytes, len);
		docstring_complete(rf);
		free(bytes);
	} else if (rc == SOURCE_READ_TOO_LARGE) {
		rf = revision_file_failed(shown, 0, "file larger than 16 MiB; not read as a migration");
	} else {
		char msg[300];

		snprintf(msg, sizeof(msg), rc == SOURCE_READ_NOT_REGULAR ? "%s" : "cannot read: %s", why);
		rf = revision_file_failed(shown, 0, msg);
	}
	free(shown);
	return rf;
}

int scan_project_from(struct source *src, const struct mt_config *cfg, struct file_list *out,
		      struct mt_error *err)
{
	struct source_files listed;

	memset(out, 0, sizeof(*out));
	if (source_list_versions(src, cfg, &listed, err)) {
		source_files_free(&listed);
		return -1;
	}
	GROW(out->v, out->cap, listed.n);
	for (size_t i = 0; i < listed.n; i++) {
		struct revision_file *rf = read_one(src, listed.v[i].path);

		rf->real_path = listed.v[i].real_path;
		listed.v[i].real_path = NULL;
		rf->load_index = out->n;
		out->v[out->n++] = rf;
	}
	out->notes = listed.notes;
	memset(&listed.notes, 0, sizeof(listed.notes));
	source_files_free(&listed);
	return 0;
}

int scan_project(const struct mt_config *cfg, struct file_list *out, struct mt_error *err)
{
	return scan_project_from(source_worktree(), cfg, out, err);
}

void file_list_free(struct file_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		revision_file_free(fl->v[i]);
	free(fl->v);
	sl_free(&fl->notes);
	memset(fl, 0, sizeof(*fl));
}
