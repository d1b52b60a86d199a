/* resolve.c - follow names in migration files to the literals they are bound to.
 *
 * See resolve.h for the order of the sources. Modules a migration imports from
 * are read once each (the cache is keyed by real path) and looked up by walking up
 * from the importing file's folder, as sys.path holds the project root: for
 * `a.b.cli` the first folder above that has `a/b/cli.py` (or `a/b/cli/__init__.py`).
 * Chains of names (`X = Y` in one module, `Y` imported from another) are followed
 * to a fixed depth, which also stops cycles. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migtree/pylex.h"
#include "migtree/resolve.h"
#include "migtree/scan.h"
#include "migtree/strmap.h"

#define MAX_DEPTH 32    /* names followed through bindings and imports (cycles stop here) */
#define MAX_WALK_UP 64  /* folders climbed looking for a package */
#define NO_MODULE UINT32_MAX

struct define {
	char *name;
	struct py_value value;
};

struct loaded_module {
	char *path;
	struct py_module mod;
	char *error; /* why it could not be read, or NULL */
};

struct resolver {
	struct define *defs;
	size_t n_defs;
	struct loaded_module *mods;
	size_t n_mods, cap_mods;
	struct strmap by_path;      /* real path -> mods index (keys: mods[i].path) */
	struct strmap found;        /* "dir\nmodule" -> mods index or NO_MODULE */
	struct strlist found_keys;  /* owns the keys of `found` */
};

/* A value known to be literal: what the name stands for. */
struct literal {
	enum value_kind kind;
	struct strlist items;
	char *from; /* "path:line" or "--define" */
};

/* Where a name is looked up: a module's bindings and imports, and its folder. */
struct scope {
	const struct py_module *mod;
	const char *dir;
	const char *shown; /* the module's path as shown to the user */
	bool migration;    /* a migration file: Alembic loads it outside any package */
};

static void literal_free(struct literal *l)
{
	sl_free(&l->items);
	free(l->from);
	memset(l, 0, sizeof(*l));
}

static bool is_literal(const struct py_value *v)
{
	return (v->kind == VALUE_NONE || v->kind == VALUE_STRING || v->kind == VALUE_SEQUENCE) &&
	       !pv_has_refs(v);
}

static void literal_from_value(struct literal *out, const struct py_value *v, char *from)
{
	out->kind = v->kind;
	sl_copy(&out->items, &v->items);
	out->from = from;
}

/* ---- defines ---------------------------------------------------------------- */

static int read_define(struct define *d, const char *spec, struct mt_error *err)
{
	const char *eq = strchr(spec, '=');
	const char *val = eq + 1;
	char *name = xstrndup(spec, (size_t)(eq - spec));
	char *trimmed = py_strip(name);

	free(name);
	d->name = trimmed;
	if (!*trimmed)
		return mt_fail(err, NULL, 0, "--define =%s: the name before '=' is empty", val);
	while (*val == ' ')
		val++;
	if (*val == '\'' || *val == '"' || *val == '(' || *val == '[' || !strcmp(val, "None")) {
		char *src = xasprintf("x = %s\n", val);
		struct py_module m;
		const struct py_binding *b;
		int rc = parse_python_module("--define", src, strlen(src), &m, NULL);

		b = rc == 0 ? py_module_binding(&m, "x") : NULL;
		if (!b || !is_literal(&b->value) || m.n_bindings != 1 || m.n_imports) {
			py_module_free(&m);
			free(src);
			return mt_fail(err, NULL, 0,
				       "--define %s: the value is not a Python literal (a string, None, or a "
				       "tuple or list of strings); write NAME=text for a plain string",
				       d->name);
		}
		d->value.kind = b->value.kind;
		sl_copy(&d->value.items, &b->value.items);
		py_module_free(&m);
		free(src);
		return 0;
	}
	d->value.kind = VALUE_STRING;
	sl_push(&d->value.items, val);
	return 0;
}

struct resolver *resolver_new(const struct strlist *defines, struct mt_error *err)
{
	struct resolver *r = xcalloc(1, sizeof(*r));

	strmap_init(&r->by_path);
	strmap_init(&r->found);
	r->defs = xcalloc(defines->n ? defines->n : 1, sizeof(*r->defs));
	for (size_t i = 0; i < defines->n; i++) {
		if (read_define(&r->defs[r->n_defs++], defines->v[i], err)) {
			resolver_free(r);
			return NULL;
		}
	}
	return r;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_defs; i++) {
		free(r->defs[i].name);
		py_value_free(&r->defs[i].value);
	}
	for (size_t i = 0; i < r->n_mods; i++) {
		free(r->mods[i].path);
		py_module_free(&r->mods[i].mod);
		free(r->mods[i].error);
	}
	free(r->defs);
	free(r->mods);
	strmap_free(&r->by_path);
	strmap_free(&r->found);
	sl_free(&r->found_keys);
	free(r);
}

/* The last define of NAME wins: the command line comes after the files. */
static bool lookup_define(const struct resolver *r, const char *name, struct literal *out)
{
	for (size_t i = r->n_defs; i-- > 0;)
		if (!strcmp(r->defs[i].name, name)) {
			literal_from_value(out, &r->defs[i].value, xstrdup("--define"));
			return true;
		}
	return false;
}

/* ---- modules ------------------------------------------------------------------ */

static uint32_t load_module(struct resolver *r, const char *path)
{
	uint32_t at;
	struct loaded_module *lm;
	struct mt_error err = { 0 };
	size_t len;
	char *text;

	if (strmap_get(&r->by_path, path, &at))
		return at;
	GROW(r->mods, r->cap_mods, r->n_mods + 1);
	lm = &r->mods[r->n_mods];
	memset(lm, 0, sizeof(*lm));
	lm->path = xstrdup(path);
	text = read_file(path, &len);
	if (!text)
		lm->error = xstrdup("cannot be read");
	else if (len > MT_MAX_FILE_SIZE)
		lm->error = xstrdup("is larger than 16 MiB");
	else if (parse_python_module(path, text, len, &lm->mod, &err))
		lm->error = xasprintf("cannot be read as Python (line %d: %s)", err.line, err.message);
	free(text);
	strmap_put(&r->by_path, lm->path, (uint32_t)r->n_mods);
	return (uint32_t)r->n_mods++;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* MODULE's file under ROOT: a/b/c.py, else a/b/c/__init__.py; owned or NULL. */
static char *module_file(const char *root, const char *module)
{
	struct strbuf sb;
	char *cand;

	sb_init(&sb);
	sb_adds(&sb, root);
	sb_addc(&sb, '/');
	for (const char *c = module; *c; c++)
		sb_addc(&sb, *c == '.' ? '/' : *c);
	cand = xasprintf("%s.py", sb.buf);
	if (!is_regular(cand)) {
		free(cand);
		cand = xasprintf("%s/__init__.py", sb.buf);
		if (!is_regular(cand)) {
			free(cand);
			cand = NULL;
		}
	}
	sb_free(&sb);
	return cand;
}

/* Where MODULE (dotted; leading dots: relative to DIR) is, climbing from DIR. */
static char *find_module_file(const char *dir, const char *module)
{
	char here[PATH_MAX];
	size_t dots = strspn(module, ".");

	snprintf(here, sizeof(here), "%s", dir);
	if (dots) {
		for (size_t i = 1; i < dots; i++) {
			char *slash = strrchr(here, '/');

			if (!slash || slash == here)
				return NULL;
			*slash = '\0';
		}
		return module[dots] ? module_file(here, module + dots) : NULL;
	}
	/* an absolute import never finds a module beside the importing file (its own
	 * folder is not on sys.path): the walk starts one folder up */
	for (int up = 0; up < MAX_WALK_UP; up++) {
		char *found, *slash = strrchr(here, '/');

		if (!slash || slash == here)
			break;
		*slash = '\0';
		found = module_file(here, module);
		if (found)
			return found;
	}
	return NULL;
}

static uint32_t find_module(struct resolver *r, const char *dir, const char *module)
{
	char *key = xasprintf("%s\n%s", dir, module), *path, real[PATH_MAX];
	uint32_t at;

	if (strmap_get(&r->found, key, &at)) {
		free(key);
		return at;
	}
	path = find_module_file(dir, module);
	at = path ? load_module(r, realpath(path, real) ? real : path) : NO_MODULE;
	free(path);
	sl_push_owned(&r->found_keys, key);
	strmap_put(&r->found, key, at);
	return at;
}

/* ---- names ------------------------------------------------------------------- */

static int resolve_name(struct resolver *r, const struct scope *sc, const char *name, int depth,
			struct literal *out, struct strbuf *why);

/* ATTR in the module named by the dotted TARGET's last component's parent. */
static int resolve_in_module(struct resolver *r, const struct scope *sc, const char *target,
			     int depth, struct literal *out, struct strbuf *why)
{
	const char *dot = strrchr(target, '.');
	char *module;
	uint32_t at;
	int rc;

	if (lookup_define(r, target, out))
		return 0;
	if (!dot || dot == target || dot[1] == '\0') {
		sb_addf(why, "`%s` names a module, not a value", target);
		return -1;
	}
	module = xstrndup(target, (size_t)(dot - target));
	at = find_module(r, sc->dir, module);
	if (at == NO_MODULE) {
		sb_addf(why, "module %s not found in %s or the folders above it", module, sc->dir);
		rc = -1;
	} else if (r->mods[at].error) {
		sb_addf(why, "%s %s", r->mods[at].path, r->mods[at].error);
		rc = -1;
	} else {
		char *mdir = path_dir(r->mods[at].path), *shown = scan_display_path(r->mods[at].path);
		struct scope inner = { &r->mods[at].mod, mdir, shown, false };

		rc = resolve_name(r, &inner, dot + 1, depth + 1, out, why);
		free(mdir);
		free(shown);
	}
	free(module);
	return rc;
}

/* NAME's head is bound by IMP: the dotted path it stands for, then look it up. */
static int resolve_import(struct resolver *r, const struct scope *sc, const struct py_import *imp,
			  const char *name, int depth, struct literal *out, struct strbuf *why)
{
	const char *rest = strchr(name, '.');
	char *target;
	int rc;

	if (sc->migration && imp->module[0] == '.') {
		sb_addf(why, "`%s` comes from a relative import, which fails when Alembic loads the file "
			"(it is loaded outside any package: ImportError)", name);
		return -1;
	}
	if (!imp->attr && strcmp(imp->alias, imp->module) &&
	    !strncmp(imp->module, imp->alias, strlen(imp->alias)) &&
	    imp->module[strlen(imp->alias)] == '.')
		target = xstrdup(name); /* `import a.b.c` binds a: the name is the full path */
	else if (imp->attr)
		target = xasprintf("%s%s%s%s", imp->module, str_ends_with(imp->module, ".") ? "" : ".",
				   imp->attr, rest ? rest : "");
	else
		target = xasprintf("%s%s", imp->module, rest ? rest : "");
	rc = resolve_in_module(r, sc, target, depth, out, why);
	free(target);
	return rc;
}

static int literal_of_binding(struct resolver *r, const struct scope *sc,
			      const struct py_binding *b, int depth, struct literal *out,
			      struct strbuf *why)
{
	const struct py_value *v = &b->value;

	if (b->count > 1 || b->in_block) {
		sb_addf(why, "`%s` is bound %s in %s, so only running it tells its value", b->name,
			b->in_block ? "conditionally or by unpacking" : "more than once", sc->shown);
		return -1;
	}
	if (is_literal(v)) {
		literal_from_value(out, v, xasprintf("%s:%d", sc->shown, v->line));
		return 0;
	}
	if (v->kind == VALUE_REF)
		return resolve_name(r, sc, v->items.v[0], depth + 1, out, why);
	if (v->kind == VALUE_SEQUENCE) { /* items that are names, each a string */
		out->kind = VALUE_SEQUENCE;
		for (size_t i = 0; i < v->items.n; i++) {
			struct literal item = { 0 };

			if (!pv_item_is_ref(v, i)) {
				sl_push(&out->items, v->items.v[i]);
				continue;
			}
			if (resolve_name(r, sc, v->items.v[i], depth + 1, &item, why)) {
				literal_free(&item); /* a sequence fails after filling part of it */
				return -1;
			}
			if (item.kind != VALUE_STRING) {
				sb_addf(why, "`%s` is not a string", v->items.v[i]);
				literal_free(&item);
				return -1;
			}
			sl_push(&out->items, item.items.v[0]);
			literal_free(&item);
		}
		out->from = xasprintf("%s:%d", sc->shown, v->line);
		return 0;
	}
	sb_addf(why, "`%s` is computed at %s:%d (`%.80s`)", b->name, sc->shown, v->line,
		pv_expr(v) ? pv_expr(v) : "?");
	return -1;
}

static int resolve_name(struct resolver *r, const struct scope *sc, const char *name, int depth,
			struct literal *out, struct strbuf *why)
{
	size_t head_len = strcspn(name, ".");
	char *head = xstrndup(name, head_len);
	const struct py_binding *b = py_module_binding(sc->mod, head);
	const struct py_import *imp = py_module_import(sc->mod, head);
	int rc = -1;

	if (depth > MAX_DEPTH) {
		sb_addf(why, "`%s`: more than %d names to follow (a cycle?)", name, MAX_DEPTH);
	} else if (b && !name[head_len]) {
		rc = literal_of_binding(r, sc, b, depth, out, why);
	} else if (imp && !b) {
		rc = resolve_import(r, sc, imp, name, depth, out, why);
	} else if (b) {
		sb_addf(why, "`%s` is bound to a value in %s, not a module", head, sc->shown);
	} else {
		sb_addf(why, "`%s` is neither bound nor imported in %s", head, sc->shown);
	}
	free(head);
	return rc;
}

/* ---- a file's values -------------------------------------------------------- */

static void mark_unknown(struct py_value *v, const char *expr, struct strbuf *why)
{
	struct py_value_extra *x = py_value_extra(v);

	sl_push(&x->unknown, expr);
	sl_push(&x->unknown_why, why->len ? why->buf : "only running the file tells");
	why->len = 0;
	if (why->buf)
		why->buf[0] = '\0';
}

/* One expression as written in the migration: defines first, then the file. */
static int resolve_expr(struct resolver *r, const struct scope *sc, const char *expr, bool is_name,
			struct literal *out, struct strbuf *why)
{
	if (lookup_define(r, expr, out))
		return 0;
	if (!is_name) {
		sb_adds(why, "an expression only running the file can evaluate");
		return -1;
	}
	return resolve_name(r, sc, expr, 0, out, why);
}

static void resolve_sequence(struct resolver *r, const struct scope *sc, struct py_value *v,
			     const char *field, struct strbuf *why)
{
	struct py_value tmp = { .kind = VALUE_SEQUENCE };

	for (size_t i = 0; i < v->items.n; i++) {
		struct literal item = { 0 };

		if (!pv_item_is_ref(v, i)) {
			sl_push(&tmp.items, v->items.v[i]);
		} else if (resolve_expr(r, sc, v->items.v[i], true, &item, why) == 0 &&
			   item.kind == VALUE_STRING) {
			sl_push(&tmp.items, item.items.v[0]);
			if (!pv_resolved_from(v))
				py_value_extra(v)->resolved_from = xstrdup(item.from);
		} else {
			if (!why->len)
				sb_addf(why, "`%s` is not a string", v->items.v[i]);
			mark_unknown(v, v->items.v[i], why);
		}
		literal_free(&item);
	}
	if (pv_n_unknown(v)) {
		sl_copy(&v->ids, &tmp.items); /* what is known; the rest shows as unknown */
	} else {
		py_value_collapse(&tmp, field);
		v->ids = tmp.ids;
		tmp.ids = (struct strlist){ 0 };
	}
	py_value_free(&tmp);
}

static void resolve_field(struct resolver *r, const struct scope *sc, struct py_value *v,
			  const char *field)
{
	struct strbuf why;

	if (v->kind != VALUE_REF && v->kind != VALUE_EXPR && !pv_has_refs(v))
		return;
	sl_free(&v->ids);
	if (v->x) {
		sl_free(&v->x->unknown);
		sl_free(&v->x->unknown_why);
		free(v->x->resolved_from);
		v->x->resolved_from = NULL;
	}
	sb_init(&why);
	if (v->kind == VALUE_SEQUENCE) {
		resolve_sequence(r, sc, v, field, &why);
	} else {
		bool is_name = v->kind == VALUE_REF;
		const char *expr = is_name ? v->items.v[0] : pv_expr(v);
		struct literal lit = { 0 };

		if (resolve_expr(r, sc, expr, is_name, &lit, &why) == 0) {
			struct py_value tmp = { .kind = lit.kind, .items = lit.items };

			py_value_collapse(&tmp, field);
			v->ids = tmp.ids;
			py_value_extra(v)->resolved_from = lit.from;
			lit.from = NULL;
		} else {
			mark_unknown(v, expr, &why);
		}
		literal_free(&lit);
	}
	sb_free(&why);
}

static void resolve_revision(struct resolver *r, const struct scope *sc, struct revision_file *rf)
{
	struct literal lit = { 0 };
	struct strbuf why;

	sb_init(&why);
	if (resolve_expr(r, sc, rf->rev.items.v[0], true, &lit, &why) == 0 && lit.kind == VALUE_STRING) {
		rf->revision = xstrdup(lit.items.v[0]);
		sl_push(&rf->rev.ids, lit.items.v[0]);
		py_value_extra(&rf->rev)->resolved_from = lit.from;
		lit.from = NULL;
	} else {
		rf->error = xasprintf("`revision = %s`: %s; migtree needs the id to place the revision "
				      "(--define %s=ID gives it)",
				      rf->rev.items.v[0], why.len ? why.buf : "it is not a string",
				      rf->rev.items.v[0]);
		rf->error_line = rf->rev.line;
	}
	literal_free(&lit);
	sb_free(&why);
}

void resolve_file(struct resolver *r, struct revision_file *rf)
{
	char *dir;
	struct scope sc;

	if (!rf->needs_resolve || rf->error)
		return;
	dir = path_dir(rf->real_path ? rf->real_path : rf->path);
	sc = (struct scope){ rf->module, dir, rf->path, true };
	if (rf->rev.kind == VALUE_REF)
		resolve_revision(r, &sc, rf);
	if (!rf->error) {
		resolve_field(r, &sc, &rf->down, "down_revision");
		resolve_field(r, &sc, rf_value_mut(rf, RF_LABELS), "branch_labels");
		resolve_field(r, &sc, rf_value_mut(rf, RF_DEPS), "depends_on");
		rf_values_settle(rf);
	}
	rf->needs_resolve = false;
	free(dir);
}
