/* pkgfind.h - find a Python package's directory without importing it.
 *
 * Alembic resolves `script_location = package:path` by importing the package
 * (importlib.resources.files). migtree never runs project code, so it looks
 * where projects keep their packages instead: at each directory from START
 * upward, the directory itself when it is the package (Dispatch keeps alembic.ini
 * inside its package), DIR/pkg and DIR/src/pkg, and DIR/<one subdirectory>/pkg
 * in START and, inside a git work tree, in every folder up to its root.
 * A directory is the package when every level of the dotted name holds an
 * __init__.py (`a.b` is a/__init__.py and a/b/__init__.py). */
#ifndef MIGTREE_PKGFIND_H
#define MIGTREE_PKGFIND_H

#include <stdbool.h>

/* Is S (N bytes) a dotted Python module name (`a`, `a.b_2`)? */
bool pkg_is_module_name(const char *s, size_t n);
/* The absolute directory of package DOTTED searched from START (an absolute
 * directory), or NULL when none of the places holds it. Owned by the caller. */
char *pkg_find(const char *start, const char *dotted);
/* The same looking in FS (source.h): the work tree, or a git tree at a commit. */
struct source;
char *pkg_find_in(struct source *fs, const char *start, const char *dotted);

#endif
