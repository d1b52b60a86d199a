/* config.h - where a project's migration files are, read as Alembic reads it.
 *
 * Sources, in order: an explicit `-d DIR` (a bare versions directory); an explicit
 * `-c FILE`; else `alembic.ini` in the current directory or above, then
 * `migrations/alembic.ini` there (Flask-Migrate's folder), then a `pyproject.toml`
 * with a [tool.alembic] table. An option set in both the ini and [tool.alembic]
 * is the ini's (Alembic's get_alembic_option). Every value records where it came
 * from, so that `show --config` can say it: users debugging "why is this directory
 * not read" need the source, not only the result. */
#ifndef MIGTREE_CONFIG_H
#define MIGTREE_CONFIG_H

#include <stdbool.h>

#include "migtree/error.h"
#include "migtree/util.h"

/* Where each value came from: "alembic.ini:12", "pyproject.toml [tool.alembic]",
 * "default", "-d", "--recursive", "fallback: current directory". */
struct mt_origins {
	char *script_location, *recursive, *file_template, *truncate_slug_length;
	char *separator;                  /* of path_separator */
	struct strlist version_locations; /* one per mt_config.version_locations item */
	struct strlist defines;           /* one per mt_config.defines item */
};

struct mt_config {
	char *config_path;         /* alembic.ini or pyproject.toml read, NULL with -d */
	char *section;             /* "alembic" (-n), "tool.alembic", NULL with -d */
	char *toml_path;           /* the pyproject.toml read beside an ini, or NULL */
	char *separator;           /* path_separator as written, NULL when unset */
	char *here;                /* absolute directory of config_path (or of -d) */
	char *script_location;     /* absolute; NULL with -d */
	struct strlist version_locations; /* absolute directories, Alembic's order */
	bool recursive;            /* recursive_version_locations = true */
	char *file_template;       /* e.g. "%(rev)s_%(slug)s" */
	int truncate_slug_length;  /* 40 by default */
	/* Values for names only running a file could tell, "NAME=VALUE" (the
	 * [migtree] ini section or [tool.migtree] first, then --define: later wins). */
	struct strlist defines;
	/* One-line notices about how the configuration was read (a fallback taken,
	 * subdirectories not read): shown once on stderr, or in the status bar. */
	struct strlist notes;
	struct mt_origins origin;
	/* `sqlalchemy.url` of the ini's section (-n), interpolated as Alembic's
	 * get_main_option does (%(here)s); NULL when the ini has none (a
	 * pyproject.toml or -d never does). Where it was read, for errors about
	 * the database it names. Only read, never contacted here (db.h). */
	char *sqlalchemy_url;
	char *sqlalchemy_url_path; /* the ini file */
	int sqlalchemy_url_line;
};

struct config_request {
	const char *config_file; /* -c, or NULL */
	const char *section;     /* -n, default "alembic" */
	const char *versions_dir; /* -d, or NULL */
	struct strlist defines;   /* --define NAME=VALUE, in order */
	bool recursive;           /* --recursive: also read subdirectories of -d */
	/* How the project is loaded (project.h), not read by config_load: options
	 * of the request rather than of the process, so that two projects in one
	 * process may be loaded differently. */
	bool keep_text;           /* files keep their bytes (scan_project_from) */
	bool defer_suggestions;   /* project.defer_suggestions */
	bool no_order;            /* project.no_order */
	bool for_edits;           /* project.for_edits */
};

int config_load(const struct config_request *req, struct mt_config *cfg, struct mt_error *err);
/* The same with every file read through FS (source.h): a git tree gives the
 * configuration as it is at a commit, found at the same places relative to the
 * current directory. Paths in CFG are work-tree paths either way. */
struct source;
int config_load_from(struct source *fs, const struct config_request *req, struct mt_config *cfg,
		     struct mt_error *err);
void config_free(struct mt_config *cfg);

/* Split a version_locations value as Alembic does for SEPARATOR ("os", "space",
 * "newline", ":", ";", or NULL for the legacy space/comma split). */
int config_split_locations(const char *value, const char *separator, struct strlist *out,
			   const char *path, struct mt_error *err);

#endif
