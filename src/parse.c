/* parse.c - read a migration file's Alembic variables and docstring statically.
 *
 * The file is split into logical lines by pylex; module-level statements that assign
 * one of the four names Alembic reads are decoded as literals. A value that names
 * something (`(cli.EXPAND_BRANCH,)`, `DEPS`) is kept as a reference, and every other
 * module-level binding and import is recorded, so that resolve.c can follow the
 * name without running anything. Any other expression is kept as its text: it is
 * reported as unknown, never guessed. What makes the file itself ambiguous (an
 * assignment inside an `if`, unpacking, `+=`) makes it "unparsable" with the line
 * and the reason.
 *
 * Read fast (the default), the lines whose reading is certain from a few of their
 * bytes (the docstring, imports, defs and their bodies, `revision = 'id'`...) get
 * no tokens at all: prescan.c finds where they end and fast_lines reads them as
 * statement() would. The token path stays the reference: every other line goes
 * to it, and PARSE_FULL reads every line through it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migtree/parse.h"
#include "migtree/prescan.h"
#include "migtree/pylex.h"

static const char *const tracked_names[] = { "revision", "down_revision", "branch_labels",
					     "depends_on", NULL };

/* A long `NAME = [...]` line read as it is lexed (stream_line): the items
 * before the last cut are parsed here, as parse_items would parse them, and their
 * tokens dropped; the statement then reads NAME = [ and the tokens after the cut,
 * and parse_items starts from what is here. */
struct stream {
	/* ON: a list whose items are read as it goes; DROP: the value of a name
	 * nothing will read (names are not recorded), its tokens dropped */
	enum { STREAM_UNDECIDED, STREAM_ON, STREAM_DROP, STREAM_OFF } state;
	bool cut;        /* tokens were dropped */
	size_t scan;     /* tokens whose brackets are counted */
	int depth;       /* bracket depth after them, the list's `[` counted */
	int status;      /* parse_items so far: 0, or the -1 / -2 it returns */
	int commas;
	char quote;      /* of the first string token dropped */
	struct py_value v;   /* the items parsed */
};

/* A streamed line's errors: 10 KiB, outside struct stream so that the reset
 * before every logical line clears a few words, not them. */
struct stream_errors {
	struct mt_error err;  /* status -2: the string's error */
	struct mt_error keep; /* the parser's error before: put back (5 KiB: copied once) */
};

/* What a migration's file holds fits in a few hundred bytes: its path, the
 * docstring and its fields, two ids. A string or list that does not fit gets an
 * allocation of its own, as every one did before. */
#define SCRATCH_BYTES 8192

struct parse_scratch {
	struct revision_file file; /* the file read last, while it is lent */
	size_t used;
	/* strings, and the lists of them (aligned), of the file; a string in it is
	 * never changed or freed alone, so one can stand for its copies */
	_Alignas(char *) char bytes[SCRATCH_BYTES];
};

struct parse_scratch *parse_scratch_new(void)
{
	struct parse_scratch *s = xmalloc(sizeof(*s));

	s->used = 0;
	s->file.lent = false;
	return s;
}

void parse_scratch_free(struct parse_scratch *scratch)
{
	free(scratch);
}

/* The scratch RF is lent from, or NULL. */
static const struct parse_scratch *lender(const struct revision_file *rf)
{
	return rf && rf->lent ? (const struct parse_scratch *)(const void *)((const char *)rf -
									     offsetof(struct parse_scratch, file))
			      : NULL;
}

static bool in_scratch(const struct parse_scratch *s, const void *p)
{
	return s && (const char *)p >= s->bytes && (const char *)p < s->bytes + s->used;
}

/* Free P unless it is in S (whose bytes go with it). */
static void scratch_free(const struct parse_scratch *s, void *p)
{
	if (!in_scratch(s, p))
		free(p);
}

/* N bytes aligned to ALIGN (a power of two) in S, or NULL when they do not fit. */
static inline void *scratch_take(struct parse_scratch *s, size_t n, size_t align)
{
	size_t at;

	if (!s)
		return NULL;
	at = (s->used + align - 1) & ~(align - 1);
	if (at > sizeof(s->bytes) || n > sizeof(s->bytes) - at)
		return NULL;
	s->used = at + n;
	return s->bytes + at;
}

/* B[0..N) to D: from 8 to 32 bytes (an id, a date, a message) by words, not a
 * call to memcpy, for the short strings a migration is made of. */
static inline void copy_short(char *d, const char *b, size_t n)
{
	uint64_t w[4];

	if (n < 8 || n > 32) {
		memcpy(d, b, n);
		return;
	}
	/* the first and last eight bytes, and the next and previous eight past sixteen */
	memcpy(&w[0], b, 8);
	memcpy(&w[1], b + n - 8, 8);
	if (n > 16) {
		memcpy(&w[2], b + 8, 8);
		memcpy(&w[3], b + n - 16, 8);
		memcpy(d + 8, &w[2], 8);
		memcpy(d + n - 16, &w[3], 8);
	}
	memcpy(d, &w[0], 8);
	memcpy(d + n - 8, &w[1], 8);
}

/* A string's length, in the scratch's two bytes before it (SCRATCH_BYTES bounds it). */
typedef uint16_t scratch_len;
_Static_assert(SCRATCH_BYTES <= UINT16_MAX, "a scratch string's length fits its two bytes");

/* B[0..N) as a string of the file: in S when it fits, its length before it
 * (scratch_strlen: packing reads the length, not measures it again). */
static char *scratch_strndup(struct parse_scratch *s, const char *b, size_t n)
{
	scratch_len len = (scratch_len)n;
	char *d = n < SCRATCH_BYTES ? scratch_take(s, sizeof(len) + n + 1, 1) : NULL;

	if (!d)
		return xstrndup(b, n);
	memcpy(d, &len, sizeof(len));
	d += sizeof(len);
	copy_short(d, b, n);
	d[n] = '\0';
	return d;
}

/* The length of P, a string of S (scratch_strndup's). */
static size_t scratch_strlen(const char *p)
{
	scratch_len len;

	memcpy(&len, p - sizeof(len), sizeof(len));
	return len;
}

/* A copy of STR for the file: STR itself when it is in S. */
static char *scratch_strdup(struct parse_scratch *s, const char *str)
{
	return in_scratch(s, str) ? (char *)str : scratch_strndup(s, str, strlen(str));
}

/* A list of N strings' room for the file (its `cap` N): in S when it fits. */
static inline char **scratch_list(struct parse_scratch *s, size_t n)
{
	char **v = n ? scratch_take(s, n * sizeof(*v), _Alignof(char *)) : NULL;

	return v || !n ? v : xmalloc(n * sizeof(*v));
}

/* L's strings and array freed, L left as it is (packing: a list the moved
 * file shares). */
static void list_release(const struct parse_scratch *s, const struct strlist *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		scratch_free(s, l->v[i]);
	scratch_free(s, l->v);
}

static void list_free(const struct parse_scratch *s, struct strlist *l)
{
	if (l->v) /* else none made (then none in it): most values' ids when collapsed */
		list_release(s, l);
	memset(l, 0, sizeof(*l));
}

/* py_value_free for a value whose lists may be in S. */
static void value_free(const struct parse_scratch *s, struct py_value *v)
{
	list_free(s, &v->items);
	list_free(s, &v->ids);
	py_value_free(v);
}

struct parser {
	struct pylex lx;
	/* where the file's strings go (parse_revision_file_lent: also where the file
	 * is); NULL when reading another module */
	struct parse_scratch *scratch;
	struct revision_file *rf; /* NULL when reading another module */
	struct py_module *mod;    /* where bindings and imports go */
	const char *path;
	bool failed;
	bool fast; /* skim what cannot matter (not PARSE_FULL) */
	/* read the lines whose reading their bytes tell without tokens (fast_lines):
	 * a migration in UTF-8, read fast */
	bool prescan;
	struct parse_work *work; /* counted into, or NULL */
	bool in_binding; /* an expression's text waits for binding_exprs */
	/* Module-level names and imports are not recorded (PARSE_DROP_MODULE: only a
	 * tracked value that names something reads them); such a value sets RESTART,
	 * and the file is read again recording them (parse_revision_file_streamed). */
	bool no_names;
	bool restart;
	bool doc_no_cr; /* the docstring was read by prescan_docstring: no CR in it */
	/* The docstring is Alembic's template (doc_template_read): longdoc is not
	 * copied, and the header fields' bytes are these, found with it. */
	bool doc_tmpl;
	struct mt_span tmpl_field[3];
	struct stream stream;
	bool stream_used; /* stream_line ran since the stream was last cleared */
	struct stream_errors *stream_errs; /* made when a line first streams */
	const struct token *stream_open; /* the streamed list's `[` while its statement is read */
	enum { BLOCK_NONE, BLOCK_CONDITIONAL, BLOCK_DEF } block;
	/* Last: 5 KiB that parse_file does not clear (only a failure writes it, and
	 * clearing it was a tenth of a small file's reading). */
	struct mt_error err;
};

/* rf_value_mut, inline where a parse asks it: the file's `more` is its
 * caller's (parse_lent), there from the start. */
static inline struct py_value *value_mut(struct revision_file *rf, int which)
{
	return rf->more ? &rf->more[which] : rf_value_mut(rf, which);
}

static void fail_at(struct parser *p, int line, const char *msg)
{
	if (p->failed)
		return;
	p->failed = true;
	if (!p->rf) {
		if (msg != p->err.message) /* fail_err: already there */
			mt_fail(&p->err, p->path, line, "%s", msg);
		return;
	}
	p->rf->error = xstrdup(msg);
	p->rf->error_line = line;
}

static void fail_err(struct parser *p)
{
	fail_at(p, p->err.line, p->err.message);
}

static struct py_value *value_slot(struct revision_file *rf, const char *name)
{
	if (!strcmp(name, "revision"))
		return &rf->rev;
	if (!strcmp(name, "down_revision"))
		return &rf->down;
	return rf_value_mut(rf, strcmp(name, "branch_labels") ? RF_DEPS : RF_LABELS);
}

/* Which of tracked_names the ASCII bytes B (N of them) are, or -1: an ASCII
 * name is one only with its first byte, length and bytes. */
static int tracked_index(const char *b, size_t n)
{
	int i = n == 8 && b[0] == 'r' ? 0 : n == 13 && b[0] == 'd' ? 1 : n == 13 && b[0] == 'b' ? 2
		: n == 10 && b[0] == 'd' ? 3 : -1;

	return i >= 0 && !memcmp(b, tracked_names[i], n) ? i : -1;
}

static const char *tracked_name(struct parser *p, const struct token *t)
{
	const unsigned char *b = (const unsigned char *)p->lx.text + t->start;
	size_t n = t->end - t->start;

	bool ascii = true;

	if (t->kind != TOK_NAME || !p->rf)
		return NULL;
	/* an ASCII name is one only with its first byte, length and bytes; a
	 * non-ASCII one may NFKC-normalise to one (`ｄown_revision`) */
	for (size_t i = 0; i < n && ascii; i++)
		ascii = b[i] < 0x80;
	if (ascii) {
		int i = tracked_index((const char *)b, n);

		return i < 0 ? NULL : tracked_names[i];
	}
	for (int i = 0; tracked_names[i]; i++)
		if (tok_name_is(&p->lx, t, tracked_names[i]))
			return tracked_names[i];
	return NULL;
}

/* Decode and concatenate adjacent string tokens (Python's implicit concatenation). */
static char *decode_strings(struct parser *p, const struct token *t, size_t n)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		const char *tok = p->lx.text + t[i].start;
		size_t len = t[i].end - t[i].start;
		/* UTF-8 is decoded where it lies; others through a UTF-8 copy */
		char *u = p->lx.enc == PY_ENC_UTF8 ? NULL : py_to_utf8(tok, len, p->lx.enc);
		char *s = py_string_decode(u ? u : tok, u ? strlen(u) : strnlen(tok, len), p->path, t[i].line,
					   &p->err);

		free(u);
		if (!s) {
			sb_free(&sb);
			return NULL;
		}
		if (n == 1)
			return s; /* a single literal: no second copy of a huge one */
		sb_adds(&sb, s);
		free(s);
	}
	return sb_detach(&sb);
}

static bool all_strings(const struct token *t, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (t[i].kind != TOK_STRING)
			return false;
	return true;
}

/* f-strings, t-strings and bytes are expressions for Alembic's purposes. */
static bool plain_strings(struct parser *p, const struct token *t, size_t n)
{
	char prefix[4];

	for (size_t i = 0; i < n; i++) {
		py_string_prefix(p->lx.text + t[i].start, t[i].end - t[i].start, prefix);
		if (strchr(prefix, 'b') || strchr(prefix, 'f') || strchr(prefix, 't'))
			return false;
	}
	return true;
}

/* NAME or NAME.NAME...: something another binding may tell. */
static bool dotted_name(struct parser *p, const struct token *t, size_t n)
{
	if (n % 2 == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (i % 2 ? !tok_is(&p->lx, &t[i], ".") : t[i].kind != TOK_NAME)
			return false;
	return !(n == 1 && (tok_name_is(&p->lx, t, "None") || tok_name_is(&p->lx, t, "True") ||
			    tok_name_is(&p->lx, t, "False")));
}

/* The tokens' text, names as Python reads them (decoded, NFKC): what a
 * reference or an import names. */
static char *token_text(struct parser *p, const struct token *t, size_t n)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		char *name = t[i].kind == TOK_NAME ? tok_name(&p->lx, &t[i]) : NULL;

		if (name)
			sb_adds(&sb, name);
		else
			sb_addn(&sb, p->lx.text + t[i].start, t[i].end - t[i].start);
		free(name);
	}
	return sb_detach(&sb);
}

/* Parentheses around one item are grouping, not a tuple: `(("a" "b"), "c")` is
 * ("ab", "c"). Narrows T[0..N-1] to what such parentheses hold. */
static void strip_grouping(struct parser *p, const struct token **t, size_t *n)
{
	while (*n >= 3 && tok_is(&p->lx, &(*t)[0], "(") && tok_is(&p->lx, &(*t)[*n - 1], ")")) {
		int depth = 0;

		for (size_t i = 0; i < *n - 1; i++) {
			char c = (*t)[i].kind == TOK_OP ? p->lx.text[(*t)[i].start] : 0;

			depth += c && strchr("([{", c) ? 1 : c && strchr(")]}", c) ? -1 : 0;
			if (depth == 0 || (depth == 1 && c == ','))
				return; /* `(a), (b)` or a tuple */
		}
		(*t)++;
		*n -= 2;
	}
}

static char quote_of(struct parser *p, const struct token *t)
{
	const char *s = p->lx.text + t->start;

	while (*s != '\'' && *s != '"')
		s++;
	return *s;
}

static size_t pow2_at_least(size_t x)
{
	size_t c = 1;

	while (c < x)
		c <<= 1;
	return c;
}

static bool same_span(struct mt_span a, struct mt_span b)
{
	return a.start == b.start && a.end == b.end && a.line == b.line;
}

/* The spans and flags grow by doubling with the item list (they hold
 * pow2_at_least(n) slots): one realloc per item would copy a 200,000-item tuple
 * quadratically under allocators that move every block. */
static void push_item(struct py_value *v, char *s, bool is_ref, struct mt_span span)
{
	size_t n = v->items.n;
	bool full = (n & (n - 1)) == 0; /* 0 or a power of two */
	struct mt_span *spans = v->x ? v->x->item_spans : NULL;

	if (!spans && (n > 0 || !same_span(span, v->span))) { /* not a lone item that is the whole value */
		spans = py_value_extra(v)->item_spans = xmalloc(pow2_at_least(n + 1) * sizeof(*spans));
		if (n)
			spans[0] = v->span; /* the item before, the whole value: none was kept */
	} else if (spans && full) {
		spans = v->x->item_spans = xrealloc(spans, pow2_at_least(n + 1) * sizeof(*spans));
	}
	if (spans)
		spans[n] = span;
	if (is_ref && !pv_has_refs(v))
		py_value_extra(v)->item_is_ref = xcalloc(pow2_at_least(n + 1), sizeof(bool));
	else if (pv_has_refs(v) && full)
		v->x->item_is_ref = xrealloc(v->x->item_is_ref, pow2_at_least(n + 1) * sizeof(bool));
	if (pv_has_refs(v))
		v->x->item_is_ref[n] = is_ref;
	sl_push_owned(&v->items, s);
}

/* One item of a sequence, T[0..n-1]: strings or a dotted name. 1: read; 0: not a
 * literal; -1: a string Python itself would refuse. */
static int parse_item(struct parser *p, const struct token *t, size_t n, struct py_value *v)
{
	struct mt_span span;

	strip_grouping(p, &t, &n);
	span = (struct mt_span){ t[0].start, t[n - 1].end, t[0].line };
	if (all_strings(t, n) && plain_strings(p, t, n)) {
		char *s = decode_strings(p, t, n);

		if (!s)
			return -1;
		push_item(v, s, false, span);
		return 1;
	}
	if (dotted_name(p, t, n)) {
		push_item(v, token_text(p, t, n), true, span);
		return 1;
	}
	return 0;
}

/* Items of a bracketed sequence T[1..n-2]; returns the number of commas, -1 when
 * an item is no literal, -2 on a string error. */
static int parse_items(struct parser *p, const struct token *t, size_t n, struct py_value *v)
{
	size_t i = 1, start = 1;
	int commas = 0;

	if (t == p->stream_open) { /* the items before the cut are read: take them */
		struct stream *st = &p->stream;

		v->items = st->v.items;
		v->x = st->v.x; /* only item_spans and item_is_ref */
		memset(&st->v, 0, sizeof(st->v));
		if (st->status == -2)
			p->err = p->stream_errs->err;
		if (st->status < 0)
			return st->status;
		commas = st->commas;
	}

	for (; i <= n - 1; i++) {
		bool end = i == n - 1;

		if (!end && !tok_is(&p->lx, &t[i], ","))
			continue;
		if (i > start) {
			int r = parse_item(p, t + start, i - start, v);

			if (r <= 0)
				return r == 0 ? -1 : -2;
		} else if (!end) {
			return -1; /* ", ," */
		}
		if (!end)
			commas++;
		start = i + 1;
	}
	return commas;
}

static void value_reset(const struct parse_scratch *s, struct py_value *v)
{
	int line = v->line;

	value_free(s, v);
	memset(v, 0, sizeof(*v));
	v->line = line;
}

static int parse_sequence(struct parser *p, const struct token *t, size_t n, struct py_value *v)
{
	int commas = parse_items(p, t, n, v);
	bool paren = tok_is(&p->lx, &t[0], "(");

	if (commas < 0)
		return commas;
	if (paren && commas == 0 && v->items.n == 1)
		v->kind = pv_has_refs(v) ? VALUE_REF : VALUE_STRING;
	else
		v->kind = VALUE_SEQUENCE;
	if (t == p->stream_open && p->stream.quote) {
		v->quote = p->stream.quote;
		return 0;
	}
	for (size_t i = 1; i < n - 1; i++)
		if (t[i].kind == TOK_STRING) {
			v->quote = quote_of(p, &t[i]);
			break;
		}
	return 0;
}

/* The value of an assignment: a literal, a reference, or an expression kept as
 * text. Fails only on a string Python itself would refuse. */
static int parse_value(struct parser *p, const struct token *t, size_t n, struct py_value *v)
{
	const struct token *whole = t;
	size_t whole_n = n;
	struct mt_span inner;

	v->span = (struct mt_span){ t[0].start, t[n - 1].end, t[0].line };
	strip_grouping(p, &t, &n);
	inner = (struct mt_span){ t[0].start, t[n - 1].end, t[0].line };
	if (n == 1 && tok_name_is(&p->lx, &t[0], "None")) {
		v->kind = VALUE_NONE;
		return 0;
	}
	if (all_strings(t, n) && plain_strings(p, t, n)) {
		char *s = decode_strings(p, t, n);

		if (!s)
			return -1;
		v->kind = VALUE_STRING;
		v->quote = quote_of(p, &t[0]);
		push_item(v, s, false, inner);
		return 0;
	}
	if (dotted_name(p, t, n)) {
		v->kind = VALUE_REF;
		push_item(v, token_text(p, t, n), true, inner);
		return 0;
	}
	if (n >= 2 && ((tok_is(&p->lx, &t[0], "(") && tok_is(&p->lx, &t[n - 1], ")")) ||
		       (tok_is(&p->lx, &t[0], "[") && tok_is(&p->lx, &t[n - 1], "]")))) {
		int r = parse_sequence(p, t, n, v);

		if (r == -2)
			return -1;
		if (r == 0)
			return 0;
		value_reset(p->scratch, v);
		v->span = (struct mt_span){ whole[0].start, whole[whole_n - 1].end, whole[0].line };
	}
	v->kind = VALUE_EXPR;
	if (!p->in_binding)
		py_value_extra(v)->expr = py_to_utf8(p->lx.text + whole[0].start, whole[whole_n - 1].end - whole[0].start,
				     p->lx.enc);
	return 0;
}

/* Copy out the text of every binding whose value is an expression (its span): at
 * the end of the parse, and only into a module that is kept. A file that needs
 * no resolving drops its module, and a 16 MiB expression is never copied. */
static void binding_exprs(struct parser *p)
{
	for (size_t i = 0; i < p->mod->n_bindings; i++) {
		struct py_value *v = &p->mod->bindings[i].value;

		if (v->kind == VALUE_EXPR && !pv_expr(v))
			py_value_extra(v)->expr = py_to_utf8(p->lx.text + v->span.start, v->span.end - v->span.start,
					     p->lx.enc);
	}
}

/* Index of the first token equal to OP at bracket depth 0, or N. */
static size_t find_top(struct parser *p, const struct token *t, size_t n, const char *op)
{
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i].kind == TOK_OP) {
			char c = p->lx.text[t[i].start];

			if (c == '(' || c == '[' || c == '{')
				depth++;
			else if (c == ')' || c == ']' || c == '}')
				depth--;
			else if (depth == 0 && tok_is(&p->lx, &t[i], op))
				return i;
		}
	}
	return n;
}

/* `+=`, `**=`, `:=`...: an operator token ending in '=' other than a comparison
 * (pylex makes operators only of its list, where these are all that end so). */
static bool is_augmented(struct parser *p, const struct token *t)
{
	const char *s = p->lx.text + t->start;
	size_t n = t->end - t->start;

	if (t->kind != TOK_OP || n < 2 || s[n - 1] != '=')
		return false;
	return !(n == 2 && (s[0] == '=' || s[0] == '!' || s[0] == '<' || s[0] == '>'));
}

/* A migration binds a handful of names, a constants module may bind thousands:
 * past this many, names are looked up in a map so that reading stays linear. */
#define BINDINGS_MAPPED_AT 16

static struct py_binding *find_binding(const struct py_module *mod, const char *name)
{
	uint32_t at;

	if (mod->by_name.n)
		return strmap_get(&mod->by_name, name, &at) ? &mod->bindings[at] : NULL;
	for (size_t i = 0; i < mod->n_bindings; i++)
		if (!strcmp(mod->bindings[i].name, name))
			return &mod->bindings[i];
	return NULL;
}

static struct py_binding *binding_for(struct py_module *mod, const char *name, size_t len)
{
	char *key = xstrndup(name, len);
	struct py_binding *b = find_binding(mod, key);

	if (b) {
		free(key);
		return b;
	}
	GROW(mod->bindings, mod->cap_bindings, mod->n_bindings + 1);
	b = &mod->bindings[mod->n_bindings++];
	memset(b, 0, sizeof(*b));
	b->name = key; /* the map borrows it: it lives as long as the module */
	if (mod->by_name.n)
		strmap_put(&mod->by_name, key, (uint32_t)(mod->n_bindings - 1));
	else if (mod->n_bindings == BINDINGS_MAPPED_AT)
		for (size_t i = 0; i < mod->n_bindings; i++)
			strmap_put(&mod->by_name, mod->bindings[i].name, (uint32_t)i);
	return b;
}

/* NAME bound at module level: to VALUE tokens, or (T NULL) in a way only running
 * the file could tell (unpacking, `+=`, inside a block). */
static void note_binding(struct parser *p, const struct token *name, const struct token *t, size_t n,
			 bool in_block)
{
	char *text;
	struct py_binding *b;
	struct mt_error keep;
	int r;

	if (p->no_names)
		return;
	text = tok_name(&p->lx, name);
	b = binding_for(p->mod, text, strlen(text));
	keep = p->err;
	free(text);
	b->count++;
	b->in_block |= in_block || !t;
	if (!t || b->count > 1)
		return;
	b->value.line = name->line;
	p->in_binding = true;
	r = parse_value(p, t, n, &b->value);
	p->in_binding = false;
	if (r < 0) {
		value_reset(NULL, &b->value); /* a bad string in an unrelated name: not our error */
		b->value.kind = VALUE_EXPR;
		py_value_extra(&b->value)->expr = xstrdup("(a string migtree cannot read)");
		p->err = keep;
	}
}

static void push_import(struct parser *p, char *alias, char *module, char *attr, int line)
{
	struct py_module *mod = p->mod;

	GROW(mod->imports, mod->cap_imports, mod->n_imports + 1);
	mod->imports[mod->n_imports++] = (struct py_import){ alias, module, attr, line };
}

/* `import a.b [as c], d` and `from [.]a.b import (c [as d], e)`. */
static void import_statement(struct parser *p, const struct token *t, size_t n)
{
	bool from = tok_is(&p->lx, &t[0], "from");
	size_t i = 1, mstart, mend;
	char *module;

	if (p->no_names)
		return;

	if (!from) {
		while (i < n) {
			size_t s = i, e, k;

			while (i < n && !tok_is(&p->lx, &t[i], ","))
				i++;
			e = i;
			for (k = s; k < e && !tok_is(&p->lx, &t[k], "as"); k++)
				;
			if (k > s && dotted_name(p, t + s, k - s)) {
				char *m = token_text(p, t + s, k - s);
				char *alias = k + 1 < e ? token_text(p, &t[k + 1], 1)
							: xstrndup(m, strcspn(m, "."));

				/* `import a.b` binds a: keep the whole path, resolve.c walks it */
				push_import(p, alias, m, NULL, t[s].line);
			}
			i++;
		}
		return;
	}
	mstart = i;
	while (i < n && !tok_is(&p->lx, &t[i], "import"))
		i++;
	if (i >= n || i == mstart)
		return;
	mend = i++;
	module = token_text(p, t + mstart, mend - mstart);
	while (i < n) {
		size_t s = i;

		while (i < n && (tok_is(&p->lx, &t[i], "(") || tok_is(&p->lx, &t[i], ")")))
			s = ++i;
		while (i < n && !tok_is(&p->lx, &t[i], ",") && !tok_is(&p->lx, &t[i], ")"))
			i++;
		if (i > s && t[s].kind == TOK_NAME && !tok_is(&p->lx, &t[s], "*")) {
			bool as = i - s == 3 && tok_is(&p->lx, &t[s + 1], "as");

			push_import(p, token_text(p, &t[as ? s + 2 : s], 1), xstrdup(module),
				    token_text(p, &t[s], 1), t[s].line);
		}
		i++;
	}
	free(module);
}

static void fail_tracked(struct parser *p, int line, const char *fmt, const char *name)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, name, name);
	fail_at(p, line, msg);
}

static void other_statement(struct parser *p, const struct token *t, size_t n, size_t eq)
{
	if (tok_is(&p->lx, &t[0], "import") || tok_is(&p->lx, &t[0], "from")) {
		import_statement(p, t, n);
		return;
	}
	for (size_t i = 0; i < eq && eq < n; i++)
		if (tracked_name(p, &t[i]) && !(i > 0 && tok_is(&p->lx, &t[i - 1], "."))) {
			fail_tracked(p, t[i].line,
				     "`%s` is assigned by unpacking; migtree reads only `%s = <literal>`",
				     tracked_name(p, &t[i]));
			return;
		}
	if (t[0].kind != TOK_NAME)
		return;
	if (n >= 2 && is_augmented(p, &t[1])) {
		note_binding(p, &t[0], NULL, 0, false);
	} else if (eq < n && (eq == 1 || tok_is(&p->lx, &t[1], ":"))) {
		bool chain = find_top(p, t + eq + 1, n - eq - 1, "=") != n - eq - 1;

		note_binding(p, &t[0], chain || eq + 1 >= n ? NULL : t + eq + 1, n - eq - 1, false);
	} else if (eq < n) {
		for (size_t i = 0; i < eq; i++) /* `a, b = ...`: each name unknown */
			if (t[i].kind == TOK_NAME && !(i > 0 && tok_is(&p->lx, &t[i - 1], ".")))
				note_binding(p, &t[i], NULL, 0, false);
	}
}

static bool value_has_refs(const struct py_value *v);

/* Commas between a value's items: at depth 0, or 1 inside the bracket that
 * holds the whole value. At least the number of items less one. */
static size_t top_commas(struct parser *p, const struct token *t, size_t n)
{
	char open = n >= 2 && t[0].kind == TOK_OP ? p->lx.text[t[0].start] : 0;
	int depth = 0, at = open == '(' || open == '[' ? 1 : 0;
	size_t commas = 0;

	for (size_t i = 0; i < n; i++) {
		char c = t[i].kind == TOK_OP ? p->lx.text[t[i].start] : 0;

		depth += c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
		commas += c == ',' && depth == at;
	}
	if (t == p->stream_open) /* the items streamed before the cut had theirs */
		commas += (size_t)p->stream.commas;
	return commas;
}

static void module_statement(struct parser *p, const struct token *t, size_t n)
{
	const char *name = tracked_name(p, &t[0]);
	size_t eq = find_top(p, t, n, "=");
	char msg[256];

	if (!name) {
		other_statement(p, t, n, eq);
		return;
	}
	if (n >= 2 && is_augmented(p, &t[1])) {
		snprintf(msg, sizeof(msg), "`%s` is modified with `%.*s`; its value depends on running the file",
			 name, (int)(t[1].end - t[1].start), p->lx.text + t[1].start);
		fail_at(p, t[0].line, msg);
		return;
	}
	if (n < 2 || eq == n)
		return; /* a bare name or annotation: no value */
	if (!(eq == 1 || tok_is(&p->lx, &t[1], ":"))) {
		fail_tracked(p, t[0].line, "`%s` is assigned by unpacking; migtree reads only `%s = <literal>`",
			     name);
		return;
	}
	if (find_top(p, t + eq + 1, n - eq - 1, "=") != n - eq - 1) {
		fail_tracked(p, t[0].line,
			     "`%s` is assigned in a chain (`a = b = ...`); migtree reads only `%s = <literal>`",
			     name);
		return;
	}
	if (eq + 1 >= n) {
		fail_at(p, t[0].line, "assignment without a value");
		return;
	}
	{
		struct py_value *v = value_slot(p->rf, name);

		value_free(p->scratch, v);
		memset(v, 0, sizeof(*v));
		v->line = t[0].line;
		if (top_commas(p, t + eq + 1, n - eq - 1) > MT_MAX_VALUE_IDS) { /* before its items are made */
			snprintf(msg, sizeof(msg), "`%s` names more than %u ids; migtree reads at most that many in one value",
				 name, MT_MAX_VALUE_IDS);
			fail_at(p, t[0].line, msg);
		} else if (parse_value(p, t + eq + 1, n - eq - 1, v) < 0) {
			fail_err(p);
		} else if (p->no_names && value_has_refs(v)) {
			p->restart = true; /* the names it may read were not recorded */
			p->failed = true;  /* stop here: the file is read again */
		}
	}
}

/* What the first word of a module-level line is: a name, `import` or `from`, a
 * word that opens a block (a conditional one, whose lines may or may not run, or
 * a def, whose lines bind nothing at module level), or tracked name
 * WORD_TRACKED + its index in tracked_names. */
enum { WORD_NAME, WORD_IMPORT, WORD_CONDITIONAL, WORD_DEF, WORD_TRACKED };

/* The kind of the word W (N bytes, as written). Every module-level line asks:
 * the words of its length are compared whole, a load and a compare each. */
static int word_kind(const char *w, size_t n)
{
#define WORD_IS(s) (!memcmp(w, s, sizeof(s) - 1))
	switch (n) {
	case 1:
		return w[0] == '@' ? WORD_DEF : WORD_NAME;
	case 2:
		return WORD_IS("if") ? WORD_CONDITIONAL : WORD_NAME;
	case 3:
		return WORD_IS("def") ? WORD_DEF : WORD_IS("try") || WORD_IS("for") ? WORD_CONDITIONAL : WORD_NAME;
	case 4:
		return WORD_IS("from")					     ? WORD_IMPORT
		       : WORD_IS("elif") || WORD_IS("else") || WORD_IS("with") || WORD_IS("case") ? WORD_CONDITIONAL
											     : WORD_NAME;
	case 5:
		return WORD_IS("class") || WORD_IS("async")   ? WORD_DEF
		       : WORD_IS("while") || WORD_IS("match") ? WORD_CONDITIONAL
							      : WORD_NAME;
	case 6:
		return WORD_IS("import") ? WORD_IMPORT : WORD_IS("except") ? WORD_CONDITIONAL : WORD_NAME;
	case 7:
		return WORD_IS("finally") ? WORD_CONDITIONAL : WORD_NAME;
	case 8:
		return WORD_IS("revision") ? WORD_TRACKED : WORD_NAME;
	case 10:
		return WORD_IS("depends_on") ? WORD_TRACKED + 3 : WORD_NAME;
	case 13:
		return WORD_IS("down_revision")	  ? WORD_TRACKED + 1
		       : WORD_IS("branch_labels") ? WORD_TRACKED + 2
						  : WORD_NAME;
	}
	return WORD_NAME;
#undef WORD_IS
}

/* The block the word S (N bytes, as written) opens, or BLOCK_NONE. */
static int block_of_word(const char *s, size_t n)
{
	int k = word_kind(s, n);

	return k == WORD_CONDITIONAL ? BLOCK_CONDITIONAL : k == WORD_DEF ? BLOCK_DEF : BLOCK_NONE;
}

static void track_block(struct parser *p, const struct token *t)
{
	p->block = t->kind == TOK_STRING ? BLOCK_NONE : block_of_word(p->lx.text + t->start, t->end - t->start);
}

static void statement(struct parser *p, const struct token *t, size_t n, int indent)
{
	const char *name;

	if (indent == 0) {
		track_block(p, t);
		module_statement(p, t, n);
		return;
	}
	if (p->block != BLOCK_CONDITIONAL || n < 2 || t[0].kind != TOK_NAME ||
	    !(tok_is(&p->lx, &t[1], "=") || tok_is(&p->lx, &t[1], ":") || is_augmented(p, &t[1])))
		return;
	name = tracked_name(p, &t[0]);
	if (name)
		fail_tracked(p, t[0].line,
			     "`%s` is assigned inside a block (if/try/with...), so its value depends on "
			     "running the file%.0s",
			     name);
	else
		note_binding(p, &t[0], NULL, 0, true); /* its module-level value is not certain */
}

/* Alembic's template: the message, then these header lines with their values. */
static const char *const doc_template[] = { "\n\nRevision ID: ", "\nRevises: ", "\nCreate Date: " };

/* Whether A's and B's first N bytes are equal: from 8 to 16 of them (an id, a
 * template's line) by two words each, not a call. */
static inline bool bytes_equal(const char *a, const char *b, size_t n)
{
	uint64_t a0, a1, b0, b1;

	if (n < 8 || n > 16)
		return !memcmp(a, b, n);
	memcpy(&a0, a, 8);
	memcpy(&b0, b, 8);
	memcpy(&a1, a + n - 8, 8);
	memcpy(&b1, b + n - 8, 8);
	return a0 == b0 && a1 == b1;
}

/* The first "\n\n" in S[0..N), or NULL. */
static const char *paragraph_end(const char *s, size_t n)
{
	for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))) != NULL && s + 1 < e; s++)
		if (s[1] == '\n')
			return s;
	return NULL;
}

/* DOC[0..N), the docstring's value (no NUL in it), whose tokens are SPAN:
 * Alembic's doc and longdoc. */
static void keep_docstring(struct parser *p, const char *doc, size_t n, struct mt_span span)
{
	struct revision_file *rf = p->rf;
	size_t b, e;
	const char *cut;

	rf->has_doc = true;
	rf->doc_line = span.line;
	rf->doc_span = span;
	py_strip_span(doc, n, &b, &e);
	rf->longdoc = scratch_strndup(p->scratch, doc + b, e - b);
	cut = paragraph_end(rf->longdoc, e - b);
	rf->message = scratch_strndup(p->scratch, rf->longdoc, cut ? (size_t)(cut - rf->longdoc) : e - b);
}

/* Whether the line V[0..VE) can be a header field's value in a template
 * docstring: what doc_field_set reads of it is all of it (no blank first, none
 * of what it strips last), and for LAST, the docstring's last line, what
 * stripping the docstring leaves too (an ASCII byte that is no space last). */
static bool template_value(const char *v, const char *ve, bool last)
{
	unsigned char c = ve > v ? (unsigned char)ve[-1] : 0;

	if (ve == v)
		return !last;
	if (*v == ' ' || *v == '\t' || c == ' ' || c == '\t' || c == '"' || c == '\'')
		return false;
	return !last || (c > ' ' && c < 0x80);
}

/* The docstring between the quotes, TEXT[B..E) (no CR, no backslash: a
 * prescan_docstring's), when it is Alembic's template and nothing else: a
 * message on one line, a blank line, the "Revision ID: ", "Revises: " and
 * "Create Date: " lines, then only blanks and line breaks. Then its longdoc
 * is what revision_file_longdoc rebuilds from the message and the fields,
 * and the fields' values are those lines' rest: found here, with the message,
 * in four searches for a LF, the longdoc not copied (packing would drop it)
 * and the docstring's lines not walked again for the fields (doc_fields).
 * LINE: the opening quotes'. */
static bool doc_template_read(struct parser *p, size_t b, size_t e, int line)
{
	const char *t = p->lx.text, *s = t + b, *end = t + e, *le, *msg_end;

	/* no space first (stripping would move the message's start) */
	if (s == end || (unsigned char)*s <= ' ' || (unsigned char)*s >= 0x80 ||
	    !(le = msg_end = memchr(s, '\n', (size_t)(end - s))))
		return false;
	for (int k = 0; k < 3; k++) {
		size_t klen = k == 0 ? 15 : k == 1 ? 10 : 14; /* doc_template[k]'s */

		if ((size_t)(end - le) < klen || !bytes_equal(le, doc_template[k], klen))
			return false;
		s = le + klen;
		if (!(le = memchr(s, '\n', (size_t)(end - s))))
			le = k == 2 ? end : NULL;
		if (!le || !template_value(s, le, k == 2))
			return false;
		p->tmpl_field[k] = (struct mt_span){ (uint32_t)(s - t), (uint32_t)(le - t), line + 2 + k };
	}
	for (s = le; s < end; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return false;
	p->rf->message = scratch_strndup(p->scratch, t + b, (size_t)(msg_end - (t + b)));
	return true;
}

static void read_docstring(struct parser *p, const struct logical_line *ll)
{
	char *doc;
	char prefix[4];

	for (size_t i = 0; i < ll->n; i++) {
		const struct token *t = &ll->tok[i];

		if (t->kind != TOK_STRING)
			return;
		py_string_prefix(p->lx.text + t->start, t->end - t->start, prefix);
		if (strchr(prefix, 'b') || strchr(prefix, 'f') || strchr(prefix, 't'))
			return; /* not a docstring for Python either */
	}
	doc = decode_strings(p, ll->tok, ll->n);
	if (!doc) {
		fail_err(p);
		return;
	}
	keep_docstring(p, doc, strlen(doc),
		       (struct mt_span){ ll->tok[0].start, ll->tok[ll->n - 1].end, ll->tok[0].line });
	free(doc);
}

/* Which of doc_fields' keys the line at B[0..N) starts with, or -1: its first
 * byte picks the one or two that can (most lines start with neither). */
static int doc_key_at(const char *b, size_t n)
{
	if (n >= 12 && b[0] == 'R' && !memcmp(b, "Revision ID:", 12))
		return 0;
	if (n >= 8 && b[0] == 'R' && !memcmp(b, "Revises:", 8))
		return 1;
	if (n >= 12 && b[0] == 'C' && !memcmp(b, "Create Date:", 12))
		return 2;
	return -1;
}

/* Line K of the docstring, B[0..LE) past its key and blanks: field K's value. */
static void doc_field_set(struct parser *p, struct doc_field *f, const char *b, const char *le, int line)
{
	const char *ve = le;

	while (ve > b && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '"' || ve[-1] == '\''))
		ve--;
	f->value = p->lx.enc == PY_ENC_UTF8 ? scratch_strndup(p->scratch, b, (size_t)(ve - b))
					   : py_to_utf8(b, (size_t)(ve - b), p->lx.enc);
	f->span = (struct mt_span){ (size_t)(b - p->rf->text), (size_t)(ve - p->rf->text), line };
}

/* The header fields, "KEY: value" on lines of the raw docstring, each at the first
 * line that starts with its key: the value's bytes recorded. One pass for the three. */
static void doc_fields(struct parser *p)
{
	static const size_t klen[] = { 12, 8, 12 };
	struct revision_file *rf = p->rf;
	struct doc_field *field[] = { &rf->doc_revision_id, &rf->doc_revises, &rf->doc_create_date };
	const char *s = rf->text + rf->doc_span.start, *end = rf->text + rf->doc_span.end;
	bool found[3] = { false, false, false };
	int line = rf->doc_span.line, left = 3, k;

	if (p->doc_tmpl) { /* found with the template */
		for (k = 0; k < 3; k++) {
			field[k]->value = scratch_strndup(p->scratch, rf->text + p->tmpl_field[k].start,
							  p->tmpl_field[k].end - p->tmpl_field[k].start);
			field[k]->span = p->tmpl_field[k];
		}
		return;
	}
	/* lines end in LF alone nearly always: then memchr finds their ends (a
	 * docstring prescan read has no CR at all) */
	bool cr = !p->doc_no_cr && memchr(s, '\r', (size_t)(end - s)) != NULL;

	for (const char *ls = s; ls < end && left > 0;) {
		const char *le, *b = ls;

		if (cr)
			le = rf->text + prescan_eol(rf->text, rf->doc_span.end, (size_t)(ls - rf->text));
		else if (!(le = memchr(ls, '\n', (size_t)(end - ls))))
			le = end;
		while (b < le && (*b == ' ' || *b == '\t'))
			b++;
		if ((k = doc_key_at(b, (size_t)(le - b))) >= 0 && !found[k]) {
			for (b += klen[k]; b < le && (*b == ' ' || *b == '\t');)
				b++;
			doc_field_set(p, field[k], b, le, line);
			found[k] = true;
			left--;
		}
		ls = le + (le + 1 < end && le[0] == '\r' && le[1] == '\n' ? 2 : 1);
		line++;
	}
}

/* Offset of the first byte that breaks UTF-8, or LEN when all is valid. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t k;

		if (c < 0x80) { /* ASCII, nearly every byte of a migration: sixteen at a time */
			i = prescan_ascii_end((const char *)s, len, i + 1);
			continue;
		}
		k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		uint32_t cp;

		if (!k || i + k > len)
			return i;
		cp = k == 1 ? c : k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + j] & 0x3Fu);
		}
		if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += k;
	}
	return len;
}

/* The line of byte OFF, counting CRLF, CR and LF as Python does. */
static int line_at(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n');
	return line;
}

/* Offset of the first byte the file's encoding cannot decode, or LEN. */
static size_t undecodable_at(const unsigned char *s, size_t len, enum py_encoding enc)
{
	for (size_t i = 0; i < len && enc != PY_ENC_LATIN1; i++)
		if (enc == PY_ENC_ASCII ? s[i] >= 0x80
					: s[i] == 0x81 || s[i] == 0x8D || s[i] == 0x8F || s[i] == 0x90 ||
						  s[i] == 0x9D)
			return i;
	return len;
}

/* The bytes as Python's tokenizer first sees them: no NUL, a coding line it
 * knows, every byte decodable. Sets the lexer's encoding. */
static bool check_bytes(struct parser *p, const char *text, size_t len, bool bom)
{
	size_t bad;
	/* nearly every migration is ASCII with no NUL: one pass tells, and then no
	 * encoding refuses a byte */
	bool plain = prescan_plain_end(text, len, 0) == len;
	const char *nul = plain ? NULL : memchr(text, '\0', len);
	char msg[128];

	if (nul) {
		fail_at(p, line_at(text, (size_t)(nul - text)),
			"binary file (it contains NUL bytes), not Python source");
		return false;
	}
	if (py_coding(text, len, bom, p->path, &p->lx.enc, &p->err) < 0) {
		fail_err(p);
		return false;
	}
	if (plain)
		return true;
	if (p->lx.enc != PY_ENC_UTF8) {
		bad = undecodable_at((const unsigned char *)text, len, p->lx.enc);
		snprintf(msg, sizeof(msg), "byte 0x%02X is not %s, the file's coding line says it is",
			 bad < len ? (unsigned char)text[bad] : 0, p->lx.enc == PY_ENC_ASCII ? "ASCII" : "cp1252");
	} else {
		bad = utf8_invalid_at((const unsigned char *)text, len);
		snprintf(msg, sizeof(msg), "not valid UTF-8 (migtree reads UTF-8 source, Python's default)");
	}
	if (bad < len) {
		fail_at(p, line_at(text, bad), msg);
		return false;
	}
	return true;
}

static bool value_has_refs(const struct py_value *v)
{
	return v->kind == VALUE_REF || v->kind == VALUE_EXPR || pv_has_refs(v);
}

enum { FIELD_OTHER, FIELD_DOWN, FIELD_DEPS };

/* Whether L and its strings are all in S: then they are never freed or changed
 * alone, and a list of the same strings can be L itself. */
static bool items_in_scratch(const struct parse_scratch *s, const struct strlist *l)
{
	if (!in_scratch(s, l->v))
		return false;
	for (uint32_t i = 0; i < l->n; i++)
		if (!in_scratch(s, l->v[i]))
			return false;
	return true;
}

/* Revision.__init__ turns a one-item tuple into its item and an empty value into
 * None; Script passes depends_on through to_tuple first, so `""` and `[""]` are no
 * dependency at all, while a `down_revision` of `""` is a base. FIELD: which of
 * those V is (FIELD_*). */
static void collapse(struct parse_scratch *s, struct py_value *v, int field)
{
	const struct strlist *it = &v->items;

	list_free(s, &v->ids);
	if (v->kind == VALUE_NONE || v->kind == VALUE_ABSENT || it->n == 0)
		return;
	if (it->n == 1 && !*it->v[0] &&
	    (field == FIELD_DEPS || (field == FIELD_DOWN && v->kind == VALUE_STRING)))
		return;
	if (items_in_scratch(s, it)) { /* nothing of it is freed alone: one list for both */
		v->ids = *it;
		return;
	}
	v->ids.v = scratch_list(s, it->n);
	v->ids.n = v->ids.cap = it->n;
	for (size_t i = 0; i < it->n; i++)
		v->ids.v[i] = scratch_strdup(s, it->v[i]);
}

void py_value_collapse(struct py_value *v, const char *field)
{
	collapse(NULL, v, !strcmp(field, "depends_on") ? FIELD_DEPS : !strcmp(field, "down_revision") ? FIELD_DOWN
											 : FIELD_OTHER);
}

static void finish_value(struct parser *p, struct py_value *v, int field)
{
	if (value_has_refs(v))
		p->rf->needs_resolve = true;
	else if (v->items.n || v->ids.v || v->ids.n) /* else no ids, and none to clear: most labels */
		collapse(p->scratch, v, field);
}

static void finish_file(struct parser *p)
{
	struct revision_file *rf = p->rf;
	char msg[MT_PATH_MAX + 256];

	if (!rf->longdoc && !rf->longdoc_rebuilt) {
		rf->longdoc = scratch_strndup(p->scratch, "", 0);
		rf->message = scratch_strndup(p->scratch, "", 0);
	}
	if (p->failed)
		return;
	if (rf->rev.kind == VALUE_STRING) {
		rf->revision = scratch_strdup(p->scratch, rf->rev.items.v[0]);
	} else if (rf->rev.kind == VALUE_REF) {
		rf->needs_resolve = true; /* resolve.c sets `revision` or the error */
	} else if (rf->rev.kind == VALUE_EXPR) {
		snprintf(msg, sizeof(msg),
			 "`revision = %.200s` can only be known by running the file; migtree needs the id "
			 "to place the revision (write it as a string literal)",
			 pv_expr(&rf->rev));
		fail_at(p, rf->rev.line, msg);
		return;
	} else if (rf->rev.kind != VALUE_ABSENT) {
		fail_at(p, rf->rev.line, "`revision` must be a single string");
		return;
	} else if (legacy_revision_name(rf->name, &rf->revision)) {
		rf->rev.line = 1; /* the id is the file name: point at the file's top */
	} else {
		snprintf(msg, sizeof(msg),
			 "no `revision` variable: Alembic cannot determine the revision id of %s",
			 rf->name);
		fail_at(p, 1, msg);
		return;
	}
	if (rf->down.kind == VALUE_ABSENT) {
		fail_at(p, rf->rev.line,
			"no `down_revision` variable: Alembic fails to load this file");
		return;
	}
	finish_value(p, &rf->down, FIELD_DOWN);
	finish_value(p, value_mut(rf, RF_LABELS), FIELD_OTHER);
	finish_value(p, value_mut(rf, RF_DEPS), FIELD_DEPS);
	if (rf->has_doc)
		doc_fields(p);
}

/* The values, the id and the docstring's fields, or why the file cannot be
 * read. A template docstring whose fields were not set (a file that fails)
 * cannot be rebuilt: its longdoc is copied after all (the docstring stripped:
 * to the end of its last field). */
static void finish(struct parser *p)
{
	struct revision_file *rf = p->rf;

	finish_file(p);
	if (p->doc_tmpl && !rf->doc_revision_id.value) {
		size_t b = rf->doc_span.start + 3;

		rf->longdoc = scratch_strndup(p->scratch, rf->text + b, p->tmpl_field[2].end - b);
		rf->longdoc_rebuilt = false;
	}
}

static bool is_op(const struct parser *p, const struct token *t, char c)
{
	return t->kind == TOK_OP && p->lx.text[t->start] == c;
}

/* Parse the items of T[from..to) (each ends with a comma) into the stream, as
 * parse_items would: the first that fails decides, nothing after it is read. */
static void stream_items(struct parser *p, const struct token *t, size_t from, size_t to)
{
	struct stream *st = &p->stream;

	for (size_t s = from, k = from; k < to; k++) {
		if (!is_op(p, &t[k], ',')) {
			if (!st->quote && t[k].kind == TOK_STRING)
				st->quote = quote_of(p, &t[k]);
			continue;
		}
		if (st->status == 0 && k == s) {
			st->status = -1; /* ", ," */
		} else if (st->status == 0) {
			int r = parse_item(p, t + s, k - s, &st->v);

			if (r < 0) { /* reported only if the statement reads as a list */
				p->stream_errs->err = p->err;
				p->err = p->stream_errs->keep;
			}
			st->status = r == 0 ? -1 : r < 0 ? -2 : 0;
		}
		st->commas++;
		s = k + 1;
	}
}

/* A long `NAME = value` at column 0 whose NAME is no tracked name, read while
 * names are not recorded (no_names): nothing reads its value, so its tokens
 * need not be held. Not a list (streamed as a list: the same items either way). */
static bool drops_value(struct parser *p, const struct logical_line *ll)
{
	const struct token *t = ll->tok;

	return p->no_names && ll->indent == 0 && t[0].kind == TOK_NAME && !tracked_name(p, &t[0]) &&
	       !tok_is(&p->lx, &t[0], "import") && !tok_is(&p->lx, &t[0], "from") && is_op(p, &t[1], '=') &&
	       t[1].end - t[1].start == 1 && !tok_is(&p->lx, &t[2], "[");
}

/* Drop the value's tokens after `NAME =` up to the last (which waits for its
 * successor) or a `;` (another statement follows: the line is read from there
 * as usual). The statement still reads `NAME = <last token>`, which binds a name
 * nothing records: what other_statement makes of the whole value. */
static bool drop_value(struct parser *p, struct logical_line *ll)
{
	struct token *t = ll->tok;
	size_t i;

	for (i = p->stream.scan; i + 1 < ll->n && !is_op(p, &t[i], ';'); i++)
		;
	memmove(t + 2, t + i, (ll->n - i) * sizeof(*t));
	ll->n -= i - 2;
	p->stream.scan = 2;
	if (ll->n > 1 && is_op(p, &t[2], ';')) {
		p->stream.state = STREAM_OFF;
		return false;
	}
	return true;
}

/* pylex's on_long: a logical line `NAME = [` at column 0 is read as it is lexed.
 * Its tokens up to a comma at the list's own depth, with a token after it that is
 * no `;`, are parsed (stream_items) and dropped; so the statement still ends where
 * it did, never on a dropped token, and the dropped ones hold no `;` (which would
 * end the statement), no `=` at depth 0 (a chain) and no last token (a span's
 * end). The line streams until the list closes or a `;` comes. */
static bool stream_line(void *ctx, struct logical_line *ll)
{
	struct parser *p = ctx;
	struct stream *st = &p->stream;
	struct token *t = ll->tok;
	size_t i, cut = 0;

	p->stream_used = true;
	if (st->state == STREAM_UNDECIDED) {
		if (ll->n < 3)
			return true;
		if (drops_value(p, ll)) {
			st->state = STREAM_DROP;
			st->scan = 2;
		} else if (ll->indent != 0 || t[0].kind != TOK_NAME || tok_is(&p->lx, &t[0], "import") ||
			   tok_is(&p->lx, &t[0], "from") || !tok_is(&p->lx, &t[1], "=") ||
			   !tok_is(&p->lx, &t[2], "[")) {
			st->state = STREAM_OFF;
			return false;
		} else {
			st->state = STREAM_ON;
			if (!p->stream_errs)
				p->stream_errs = xmalloc(sizeof(*p->stream_errs));
			p->stream_errs->keep = p->err; /* only a failing item changes it: see stream_items */
			st->scan = 3;
			st->depth = 1;
		}
	}
	if (st->state == STREAM_DROP)
		return drop_value(p, ll);
	for (i = st->scan; i + 1 < ll->n; i++) { /* the last token waits for its successor */
		unsigned char c = (unsigned char)p->lx.text[t[i].start];

		if (t[i].kind != TOK_OP)
			continue;
		if (c == ';')
			break;
		st->depth += c == '(' || c == '[' || c == '{' ? 1 : c == ')' || c == ']' || c == '}' ? -1 : 0;
		if (st->depth == 0)
			break;
		if (c == ',' && st->depth == 1 && !is_op(p, &t[i + 1], ';'))
			cut = i + 1;
	}
	st->scan = i;
	if (i + 1 < ll->n)
		st->state = STREAM_OFF; /* the list closed, or a `;` */
	if (cut) {
		stream_items(p, t, 3, cut);
		memmove(t + 3, t + cut, (ll->n - cut) * sizeof(*t));
		ll->n -= cut - 3;
		st->scan -= cut - 3;
		st->cut = true;
	}
	return st->state == STREAM_ON;
}

static void stream_reset(struct parser *p)
{
	p->stream_open = NULL;
	if (!p->stream_used) /* as parse_file or the last reset left it */
		return;
	p->stream_used = false;
	py_value_free(&p->stream.v);
	memset(&p->stream, 0, sizeof(p->stream));
}

/* The fast reading (PARSE_FULL not set): whole lines read from their bytes.
 *
 * A migration's module level is a docstring, imports, the four assignments and
 * defs; what the parser makes of such a line is certain from a few of its bytes,
 * and where it ends is prescan's to find. So these lines get no tokens: each is
 * read here exactly as statement() would read its tokens, and any line whose
 * bytes leave the least doubt (a `;`, a `=` where it could matter, a value
 * that is no plain string or None, a non-ASCII name, a conditional block...) is
 * left to pylex and statement(), the reference, from its first byte. */

static bool ascii_name_byte(unsigned char c)
{
	/* c | 0x20 folds A-Z onto a-z and sends no other byte there */
	return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10 || c == '_';
}

static size_t skip_blanks(const char *t, size_t len, size_t pos)
{
	while (pos < len && (t[pos] == ' ' || t[pos] == '\t' || t[pos] == '\f'))
		pos++;
	return pos;
}

/* Past `: annotation =` or `=` from POS, or PRESCAN_UNSURE. An annotation is
 * names, dots, commas, blanks, `|` and balanced `[]`: no `=` in it can be the
 * assignment's, and nothing in it is read. */
static size_t fast_equals(const char *t, size_t len, size_t pos)
{
	int depth = 0;

	pos = skip_blanks(t, len, pos);
	if (pos < len && t[pos] == ':') {
		if (pos + 1 < len && t[pos + 1] == '=')
			return PRESCAN_UNSURE; /* `:=`, an augmented assignment to statement() */
		for (pos++; pos < len && t[pos] != '='; pos++) {
			unsigned char c = (unsigned char)t[pos];

			if (c == '[')
				depth++;
			else if (c == ']' ? depth-- == 0
					  : !(ascii_name_byte(c) || c == ' ' || c == '\t' || c == '.' || c == ',' ||
					      (c == '|' && pos + 1 < len && t[pos + 1] != '=')))
				return PRESCAN_UNSURE;
		}
	}
	if (pos >= len || t[pos] != '=' || depth != 0 || (pos + 1 < len && t[pos + 1] == '='))
		return PRESCAN_UNSURE;
	return pos + 1;
}

/* A value on one line: None, a plain string, or a tuple or list of plain strings
 * (`('a', 'b')`, `['a']`, `()`, `('a',)`) with nothing but blanks between them. */
struct fast_value {
	size_t start, end;
	enum { FAST_NONE, FAST_STRING, FAST_SEQUENCE } kind;
	size_t n;                 /* FAST_SEQUENCE: items, their bytes below */
	struct mt_span items[16]; /* more: pylex's */
	size_t commas;
};

static bool fast_value(const char *t, size_t len, size_t pos, struct fast_value *fv)
{
	char close;

	fv->start = pos;
	fv->n = fv->commas = 0;
	if (len - pos >= 4 && !memcmp(t + pos, "None", 4)) {
		fv->kind = FAST_NONE;
		fv->end = pos + 4;
		return true;
	}
	if (pos < len && (t[pos] == '(' || t[pos] == '[')) {
		close = t[pos] == '(' ? ')' : ']';
		for (pos = skip_blanks(t, len, pos + 1); pos < len && t[pos] != close;) {
			size_t e = prescan_plain_string(t, len, pos);

			if (e == PRESCAN_UNSURE || fv->n == sizeof(fv->items) / sizeof(fv->items[0]))
				return false;
			fv->items[fv->n++] = (struct mt_span){ (uint32_t)pos, (uint32_t)e, 0 };
			pos = skip_blanks(t, len, e);
			if (pos < len && t[pos] == ',') {
				fv->commas++;
				pos = skip_blanks(t, len, pos + 1);
			} else if (pos >= len || t[pos] != close) {
				return false;
			}
		}
		if (pos >= len)
			return false;
		fv->end = pos + 1;
		fv->kind = FAST_SEQUENCE;
		return true;
	}
	fv->kind = FAST_STRING;
	return (fv->end = prescan_plain_string(t, len, pos)) != PRESCAN_UNSURE;
}

/* The string between the quotes of SPAN, for V's items. */
static void fast_item(struct parser *p, struct py_value *v, struct mt_span span)
{
	push_item(v, scratch_strndup(p->scratch, p->lx.text + span.start + 1, span.end - span.start - 2), false,
		  span);
}

/* FV into V, as parse_value reads its tokens: `('a')` is grouping, a string. The
 * items' list is made as long as it will be (push_item then never grows it): in
 * the scratch. */
static void fast_value_set(struct parser *p, const struct fast_value *fv, struct py_value *v, int line)
{
	const char *t = p->lx.text;
	size_t n = fv->kind == FAST_STRING ? 1 : fv->kind == FAST_NONE ? 0 : fv->n;

	v->span = (struct mt_span){ (uint32_t)fv->start, (uint32_t)fv->end, line };
	v->items.v = scratch_list(p->scratch, n);
	v->items.cap = (uint32_t)n;
	if (fv->kind == FAST_NONE) {
		v->kind = VALUE_NONE;
		return;
	}
	if (fv->kind == FAST_STRING) {
		/* push_item's reading of a lone item that is the whole value: no spans */
		v->kind = VALUE_STRING;
		v->quote = t[fv->start];
		v->items.v[v->items.n++] = scratch_strndup(p->scratch, t + fv->start + 1, fv->end - fv->start - 2);
		return;
	}
	v->kind = t[fv->start] == '(' && fv->n == 1 && fv->commas == 0 ? VALUE_STRING : VALUE_SEQUENCE;
	v->quote = fv->n ? t[fv->items[0].start] : 0;
	for (size_t i = 0; i < fv->n; i++)
		fast_item(p, v, (struct mt_span){ fv->items[i].start, fv->items[i].end, line });
}

/* `NAME = value` (annotated or not) for tracked name WHICH, its name ending at
 * POS, the value one fast_value reads: what module_statement makes of it. */
static bool fast_assignment(struct parser *p, int which, size_t pos)
{
	struct pylex *lx = &p->lx;
	const char *t = lx->text;
	struct fast_value fv;
	size_t end;
	int line = lx->line;
	struct py_value *v;

	if ((pos = fast_equals(t, lx->len, pos)) == PRESCAN_UNSURE ||
	    !fast_value(t, lx->len, skip_blanks(t, lx->len, pos), &fv))
		return false;
	if (fv.end < lx->len && t[fv.end] == '\n') { /* nearly always: prescan_line_rest's reading */
		end = fv.end + 1;
		line++;
	} else if ((end = prescan_line_rest(t, lx->len, fv.end, &line)) == PRESCAN_UNSURE) {
		return false;
	}
	v = which == 0 ? &p->rf->rev : which == 1 ? &p->rf->down : value_mut(p->rf, which == 2 ? RF_LABELS : RF_DEPS);
	if (v->kind != VALUE_ABSENT) /* assigned before: the last assignment wins */
		value_free(p->scratch, v);
	memset(v, 0, sizeof(*v));
	v->line = lx->line;
	fast_value_set(p, &fv, v, lx->line);
	p->block = BLOCK_NONE;
	lx->pos = end;
	lx->line = line;
	return true;
}

/* The rest of a statement from POS, passed over: nothing in it is read, and
 * nothing of FORBID (PRESCAN_* flags) may be in it. */
static bool fast_skip(struct parser *p, size_t pos, unsigned forbid, int block)
{
	struct pylex *lx = &p->lx;
	unsigned seen = 0;
	int line = lx->line;
	size_t end = prescan_line_end(lx->text, lx->len, pos, &line, &seen);

	if (end == PRESCAN_UNSURE || (seen & forbid))
		return false;
	p->block = block;
	lx->pos = end;
	lx->line = line;
	return true;
}

/* The first line, a plain docstring: read_docstring's reading of its token. */
static bool fast_docstring(struct parser *p, bool *first)
{
	struct pylex *lx = &p->lx;
	int line = lx->line;
	size_t s, e, end = prescan_docstring(lx->text, lx->len, lx->pos, &line, &s, &e);

	if (end == PRESCAN_UNSURE)
		return false;
	if (doc_template_read(p, s + 3, e - 3, lx->line)) {
		/* revision_file_longdoc rebuilds it, once the fields are set (finish) */
		p->doc_tmpl = p->rf->has_doc = p->rf->longdoc_rebuilt = true;
		p->rf->doc_line = lx->line;
		p->rf->doc_span = (struct mt_span){ (uint32_t)s, (uint32_t)e, lx->line };
	} else {
		keep_docstring(p, lx->text + s + 3, e - s - 6, (struct mt_span){ (uint32_t)s, (uint32_t)e, lx->line });
	}
	p->doc_no_cr = true;
	*first = false;
	p->block = BLOCK_NONE; /* statement() on a string */
	lx->pos = end;
	lx->line = line;
	return true;
}

/* The module-level line at the lexer's position, whose first byte is its first
 * token's: read when its bytes say for certain what statement() would make of
 * it (see above); false leaves it to pylex. A `def`, `class` or decorator line
 * with no `=` outside brackets, no bracket closed before it opened (find_top's
 * depth would go below 0) and no `;` opens a def block; with names not
 * recorded, an import or `NAME = ...` with no `;` does nothing at all. */
static bool fast_statement(struct parser *p, bool *first)
{
	struct pylex *lx = &p->lx;
	const char *t = lx->text;
	size_t pos = lx->pos, e = pos;
	int kind;

	if (*first)
		return fast_docstring(p, first);
	if (t[pos] == '@')
		return !(pos + 1 < lx->len && t[pos + 1] == '=') &&
		       fast_skip(p, pos + 1, PRESCAN_SEMICOLON | PRESCAN_EQUALS | PRESCAN_STRAY_CLOSE, BLOCK_DEF);
	e = prescan_name_end(t, lx->len, pos);
	/* a number, a non-ASCII name (NFKC may make it any), a string's prefix */
	if (e == pos || (t[pos] >= '0' && t[pos] <= '9') ||
	    (e < lx->len && ((unsigned char)t[e] >= 0x80 || t[e] == '\'' || t[e] == '"')))
		return false;
	if ((kind = word_kind(t + pos, e - pos)) == WORD_CONDITIONAL)
		return false;
	if (kind == WORD_DEF)
		return fast_skip(p, e, PRESCAN_SEMICOLON | PRESCAN_EQUALS | PRESCAN_STRAY_CLOSE, BLOCK_DEF);
	if (kind >= WORD_TRACKED)
		return fast_assignment(p, kind - WORD_TRACKED, e);
	if (!p->no_names)
		return false;
	if (kind == WORD_IMPORT)
		return fast_skip(p, e, PRESCAN_SEMICOLON, BLOCK_NONE);
	e = skip_blanks(t, lx->len, e);
	if (e >= lx->len || t[e] != '=' || (e + 1 < lx->len && t[e + 1] == '='))
		return false;
	return fast_skip(p, e + 1, PRESCAN_SEMICOLON, BLOCK_NONE);
}

/* The lexer's position, a line's start, is a statement's first byte: what
 * prescan_lines tells by PRESCAN_TOP when it passes over no line. */
static bool at_top_statement(const struct pylex *lx)
{
	/* the bytes that start a line prescan_lines passes over or leaves to pylex */
	static const bool not_top[256] = { [' '] = true,  ['\t'] = true, ['\n'] = true, ['\r'] = true,
					   ['#'] = true,  ['\f'] = true, ['\\'] = true };

	return lx->pos < lx->len && !not_top[(unsigned char)lx->text[lx->pos]];
}

/* From the lexer's position, a line's start: every line the bytes tell, up to
 * the first that is pylex's (or the end). Blank and comment lines are passed
 * over as pylex passes over them, indented lines skimmed where read_statements
 * would skim them. */
static void fast_lines(struct parser *p, bool *first)
{
	struct pylex *lx = &p->lx;

	while (!p->failed) {
		bool skim = !*first && p->block != BLOCK_CONDITIONAL;

		/* a statement's line right after another's is prescan_lines' PRESCAN_TOP */
		if (!at_top_statement(lx) &&
		    prescan_lines(lx->text, lx->len, &lx->pos, &lx->line, skim) != PRESCAN_TOP)
			return;
		if (!fast_statement(p, first))
			return;
	}
}

/* Every logical line; the first one may be the module docstring (FIRST). On
 * the fast path, an indented line is skimmed whenever statement() would pass
 * over it whatever it holds: anywhere but in a conditional block. */
static void read_statements(struct parser *p, struct logical_line *ll, bool *first)
{
	int r;

	for (;;) {
		size_t s = 0;

		if (p->prescan && !p->failed)
			fast_lines(p, first);
		p->lx.skim_indented = p->fast && !*first && p->block != BLOCK_CONDITIONAL;
		stream_reset(p);
		if (p->failed || (r = pylex_line(&p->lx, ll, &p->err)) == 0)
			break;
		if (p->work)
			p->work->lexed_lines++;
		if (r < 0) {
			fail_err(p);
			break;
		}
		if (*first)
			read_docstring(p, ll);
		*first = false;
		if (r == 2)
			continue; /* skimmed: no statement here can matter */
		/* statements separated by ';' share the logical line's indentation */
		for (size_t i = 0; i <= ll->n && !p->failed; i++) {
			if (i == ll->n || is_op(p, &ll->tok[i], ';')) {
				/* a streamed line's first statement reads the stream */
				p->stream_open = s == 0 && p->stream.cut ? ll->tok + 2 : NULL;
				if (i > s)
					statement(p, ll->tok + s, i - s, ll->indent);
				p->stream_open = NULL;
				s = i + 1;
			}
		}
	}
	stream_reset(p);
	free(p->stream_errs);
	p->stream_errs = NULL;
}

bool legacy_revision_name(const char *name, char **id)
{
	size_t n = strlen(name), i;

	if (n < 4 || strcmp(name + n - 3, ".py"))
		return false;
	for (i = 0; i < n - 3; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	*id = xstrndup(name, n - 3);
	return true;
}

/* Stream a logical line `NAME = [...]` once it holds this many tokens (1 MiB of
 * them): a line that long is a list nobody reads item by item. */
#define STREAM_TOKENS 65536

static void stream_from(struct parser *p, size_t tokens)
{
	p->lx.long_line = tokens;
	p->lx.on_long = stream_line;
	p->lx.ctx = p;
}

struct revision_file *parse_revision_file_with(const char *path, char *text, size_t len, unsigned flags)
{
	return parse_revision_file_streamed(path, text, len, flags, flags & PARSE_FULL ? 0 : STREAM_TOKENS);
}

/* parse_file's second reading of a file whose names a tracked value reads
 * (no_names): a flag of its own, past the public ones. */
#define PARSE_WITH_NAMES 0x10000u

/* MORE: where branch_labels and depends_on are read into (rf_values_keep). */
static struct revision_file *parse_file(const char *path, char *text, size_t len, unsigned flags,
				       size_t stream_tokens, struct py_value more[2], struct parse_work *work,
				       struct parse_scratch *scratch)
{
	struct revision_file *rf = memset(&scratch->file, 0, sizeof(scratch->file));
	struct parser p;
	struct logical_line ll = { 0 };
	size_t skip = 0;
	bool first = true;
	const char *nl;

	memset(&p, 0, offsetof(struct parser, err)); /* not the error: see struct parser */
	p.err.path[0] = p.err.message[0] = '\0';
	p.err.line = 0;
	scratch->used = 0;
	rf->lent = true;
	p.scratch = scratch;
	p.rf = rf;
	/* a file whose module will be dropped records no names unless it must: a
	 * million `a = 1` lines are not a million bindings held to the end, and
	 * nearly every migration is not a module at all */
	p.no_names = (flags & PARSE_DROP_MODULE) && !(flags & PARSE_FULL) && !(flags & PARSE_WITH_NAMES);
	p.mod = rf->module = p.no_names ? NULL : xcalloc(1, sizeof(*rf->module));
	p.path = path;
	p.fast = !(flags & PARSE_FULL);
	p.work = work;
	rf->more = more;
	rf->path = scratch_strdup(scratch, path);
	rf->name = (char *)path_base(rf->path);
	rf->text = flags & PARSE_ADOPT_TEXT ? text : xstrndup(text, len);
	rf->len = len;
	nl = memchr(text, '\n', len);
	rf->crlf = nl && nl > text && nl[-1] == '\r';
	if (len > MT_MAX_FILE_SIZE) {
		fail_at(&p, 1, "file larger than 16 MiB; not read as a migration");
		return rf;
	}
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		skip = 3;
	pylex_init(&p.lx, rf->text, len, rf->path);
	stream_from(&p, stream_tokens);
	if (!check_bytes(&p, rf->text, len, skip > 0))
		return rf;
	p.lx.pos = p.lx.begin = skip;
	p.prescan = p.fast && p.lx.enc == PY_ENC_UTF8; /* its values are the bytes themselves */
	if (p.lx.enc != PY_ENC_UTF8)
		rf->encoding = xstrdup(p.lx.enc == PY_ENC_ASCII    ? "ascii"
				       : p.lx.enc == PY_ENC_LATIN1 ? "latin-1"
								   : "cp1252");
	read_statements(&p, &ll, &first);
	logical_line_free(&ll);
	if (p.restart) {
		if (flags & PARSE_ADOPT_TEXT)
			rf->text = NULL; /* the second reading adopts it */
		for (int i = 0; i < 2; i++) {
			value_free(p.scratch, &more[i]);
			memset(&more[i], 0, sizeof(more[i]));
		}
		rf->more = NULL; /* the caller's, read into again */
		revision_file_free(rf);
		return parse_file(path, text, len, flags | PARSE_WITH_NAMES, stream_tokens, more, work, scratch);
	}
	finish(&p);
	if ((flags & PARSE_DROP_MODULE) && !rf->needs_resolve) {
		if (rf->module)
			py_module_free(rf->module);
		free(rf->module);
		rf->module = NULL;
	} else {
		if (!rf->module) /* names not recorded (no value reads any): none */
			p.mod = rf->module = xcalloc(1, sizeof(*rf->module));
		binding_exprs(&p);
	}
	return rf;
}

static void rf_values_keep(struct revision_file *rf);

/* parse_file into SCRATCH, its two values read into its stack and kept. */
static struct revision_file *parse_lent(const char *path, char *text, size_t len, unsigned flags,
					size_t stream_tokens, struct parse_work *work, struct parse_scratch *scratch)
{
	struct py_value more[2] = { 0 };
	struct revision_file *rf = parse_file(path, text, len, flags, stream_tokens, more, work, scratch);

	rf_values_keep(rf);
	return rf;
}

struct revision_file *parse_revision_file_lent(const char *path, char *text, size_t len, unsigned flags,
					       struct parse_scratch *scratch)
{
	return parse_lent(path, text, len, flags, flags & PARSE_FULL ? 0 : STREAM_TOKENS, NULL, scratch);
}

/* The readings that give a file of its own read into a scratch of their own,
 * on the stack, and keep the file. */
struct revision_file *parse_revision_file_streamed(const char *path, char *text, size_t len, unsigned flags,
						   size_t stream_tokens)
{
	struct parse_scratch scratch;

	return revision_file_keep(parse_lent(path, text, len, flags, stream_tokens, NULL, &scratch));
}

struct revision_file *parse_revision_file_work(const char *path, char *text, size_t len, unsigned flags,
					       struct parse_work *work)
{
	struct parse_scratch scratch;

	return revision_file_keep(
		parse_lent(path, text, len, flags, flags & PARSE_FULL ? 0 : STREAM_TOKENS, work, &scratch));
}

struct revision_file *parse_revision_file(const char *path, const char *text, size_t len)
{
	return parse_revision_file_with(path, (char *)text, len, 0); /* copied, never written */
}

int parse_python_module(const char *path, const char *text, size_t len, struct py_module *mod,
			struct mt_error *err)
{
	struct parser p = { .mod = mod, .path = path, .fast = true };
	struct logical_line ll = { 0 };
	bool first = false;

	memset(mod, 0, sizeof(*mod));
	pylex_init(&p.lx, text, len, path);
	stream_from(&p, STREAM_TOKENS);
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		p.lx.pos = p.lx.begin = 3;
	/* imported modules as migrations: no NUL, a known coding, decodable bytes */
	if (check_bytes(&p, text, len, p.lx.begin > 0))
		read_statements(&p, &ll, &first);
	logical_line_free(&ll);
	binding_exprs(&p);
	if (p.failed && err)
		*err = p.err;
	return p.failed ? -1 : 0;
}

const struct py_binding *py_module_binding(const struct py_module *mod, const char *name)
{
	return find_binding(mod, name);
}

const struct py_import *py_module_import(const struct py_module *mod, const char *alias)
{
	const struct py_import *found = NULL;

	for (size_t i = 0; i < mod->n_imports; i++) /* the last import of a name wins */
		if (!strcmp(mod->imports[i].alias, alias))
			found = &mod->imports[i];
	return found;
}

void py_module_free(struct py_module *mod)
{
	for (size_t i = 0; i < mod->n_bindings; i++) {
		free(mod->bindings[i].name);
		py_value_free(&mod->bindings[i].value);
	}
	for (size_t i = 0; i < mod->n_imports; i++) {
		free(mod->imports[i].alias);
		free(mod->imports[i].module);
		free(mod->imports[i].attr);
	}
	free(mod->bindings);
	free(mod->imports);
	strmap_free(&mod->by_name);
	memset(mod, 0, sizeof(*mod));
}

struct revision_file *revision_file_failed(const char *path, int line, const char *message)
{
	struct revision_file *rf = parse_revision_file(path, "", 0);

	free(rf->error);
	rf->error = xstrdup(message);
	rf->error_line = line;
	return rf;
}

/* PACKED: items and ids live in the file's block (revision_file_pack); else
 * they may be in S. */
static void value_free_unpacked(const struct parse_scratch *s, struct py_value *v, bool packed)
{
	if (packed) {
		memset(&v->items, 0, sizeof(v->items));
		memset(&v->ids, 0, sizeof(v->ids));
	}
	value_free(s, v);
}

void py_value_free(struct py_value *v)
{
	sl_free(&v->items);
	sl_free(&v->ids);
	if (v->x) {
		free(v->x->item_spans);
		free(v->x->item_is_ref);
		free(v->x->expr);
		sl_free(&v->x->unknown);
		sl_free(&v->x->unknown_why);
		free(v->x->resolved_from);
		free(v->x);
	}
	v->x = NULL;
}

struct py_value_extra *py_value_extra(struct py_value *v)
{
	if (!v->x)
		v->x = xcalloc(1, sizeof(*v->x));
	return v->x;
}

/* The names nothing could tell, as a list (an empty one when V has none). */
static const struct strlist *unknown_list(const struct py_value *v)
{
	static const struct strlist none;

	return v->x ? &v->x->unknown : &none;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_value(const struct py_value *a, const struct py_value *b)
{
	if (a->kind != b->kind || !sl_equal(&a->items, &b->items) || !same_span(a->span, b->span) ||
	    a->line != b->line || a->quote != b->quote || !same_str(pv_expr(a), pv_expr(b)) ||
	    !sl_equal(&a->ids, &b->ids) || !sl_equal(unknown_list(a), unknown_list(b)) ||
	    pv_has_refs(a) != pv_has_refs(b))
		return false;
	for (size_t i = 0; i < a->items.n; i++)
		if (!same_span(pv_item_span(a, i), pv_item_span(b, i)) ||
		    pv_item_is_ref(a, i) != pv_item_is_ref(b, i))
			return false;
	return true;
}

static bool same_doc_field(const struct doc_field *a, const struct doc_field *b)
{
	return same_str(a->value, b->value) && same_span(a->span, b->span);
}

static bool same_module(const struct py_module *a, const struct py_module *b)
{
	static const struct py_module none; /* a file that dropped its module holds no names */

	a = a ? a : &none;
	b = b ? b : &none;
	if (a->n_bindings != b->n_bindings || a->n_imports != b->n_imports)
		return false;
	for (size_t i = 0; i < a->n_bindings; i++) {
		const struct py_binding *x = &a->bindings[i], *y = &b->bindings[i];

		if (strcmp(x->name, y->name) || x->count != y->count || x->in_block != y->in_block ||
		    !same_value(&x->value, &y->value))
			return false;
	}
	for (size_t i = 0; i < a->n_imports; i++) {
		const struct py_import *x = &a->imports[i], *y = &b->imports[i];

		if (!same_str(x->alias, y->alias) || !same_str(x->module, y->module) ||
		    !same_str(x->attr, y->attr) || x->line != y->line)
			return false;
	}
	return true;
}

static void doc_template_values(const struct revision_file *rf, const char *v[3])
{
	v[0] = rf->doc_revision_id.value;
	v[1] = rf->doc_revises.value;
	v[2] = rf->doc_create_date.value;
}

/* Whether RF's docstring (DOC_LEN bytes) is the template filled with its own
 * message and header fields (LEN: their lengths, the message's first), byte
 * for byte: what revision_file_longdoc rebuilds. The lengths are packing's,
 * measured already: the sum of them says no to nearly every other docstring. */
static bool longdoc_is_template(const struct revision_file *rf, size_t doc_len, const size_t len[4])
{
	const char *s = rf->longdoc, *v[4] = { rf->message };
	size_t tlen[3], sum = len[0];

	doc_template_values(rf, v + 1);
	for (size_t i = 0; i < 4; i++)
		if (!v[i])
			return false;
	for (size_t i = 0; i < 3; i++)
		sum += (tlen[i] = strlen(doc_template[i])) + len[i + 1]; /* folded: constants */
	if (!s || sum != doc_len || !bytes_equal(s, v[0], len[0]))
		return false;
	for (size_t i = 0; i < 3; i++) {
		s += len[i];
		if (!bytes_equal(s, doc_template[i], tlen[i]) || !bytes_equal(s + tlen[i], v[i + 1], len[i + 1]))
			return false;
		s += tlen[i];
	}
	return true;
}

const char *revision_file_longdoc(const struct revision_file *rf, struct strbuf *buf)
{
	const char *v[3];

	if (!rf->longdoc_rebuilt)
		return rf->longdoc;
	buf->len = 0;
	sb_adds(buf, rf->message);
	doc_template_values(rf, v);
	for (size_t i = 0; i < 3; i++) {
		sb_adds(buf, doc_template[i]);
		sb_adds(buf, v[i]);
	}
	return buf->buf;
}

static bool same_longdoc(const struct revision_file *a, const struct revision_file *b)
{
	struct strbuf x, y;
	bool same;

	if (!a->longdoc_rebuilt && !b->longdoc_rebuilt)
		return same_str(a->longdoc, b->longdoc);
	sb_init(&x);
	sb_init(&y);
	same = same_str(revision_file_longdoc(a, &x), revision_file_longdoc(b, &y));
	sb_free(&x);
	sb_free(&y);
	return same;
}

/* SAME on A's and B's branch_labels, then on their depends_on. */
static bool same_more(const struct revision_file *a, const struct revision_file *b,
		      bool (*same)(const struct py_value *, const struct py_value *))
{
	struct py_value va = rf_labels(a), vb = rf_labels(b);

	if (!same(&va, &vb))
		return false;
	va = rf_deps(a);
	vb = rf_deps(b);
	return same(&va, &vb);
}

static bool same_as_written(const struct py_value *a, const struct py_value *b);

bool revision_file_same(const struct revision_file *a, const struct revision_file *b)
{
	return a->len == b->len && a->crlf == b->crlf && same_str(a->encoding, b->encoding) &&
	       same_str(a->revision, b->revision) && same_value(&a->rev, &b->rev) &&
	       same_value(&a->down, &b->down) && same_more(a, b, same_value) && a->has_doc == b->has_doc &&
	       same_longdoc(a, b) && same_str(a->message, b->message) &&
	       same_span(a->doc_span, b->doc_span) && a->doc_line == b->doc_line &&
	       same_doc_field(&a->doc_revision_id, &b->doc_revision_id) &&
	       same_doc_field(&a->doc_revises, &b->doc_revises) &&
	       same_doc_field(&a->doc_create_date, &b->doc_create_date) && same_str(a->error, b->error) &&
	       a->error_line == b->error_line && a->needs_resolve == b->needs_resolve &&
	       same_module(a->module, b->module);
}

/* What an edit splices by: every value as written and where, and the docstring. */
static bool same_as_written(const struct py_value *a, const struct py_value *b)
{
	if (a->kind != b->kind || !sl_equal(&a->items, &b->items) || !same_span(a->span, b->span) ||
	    a->line != b->line || a->quote != b->quote || !same_str(pv_expr(a), pv_expr(b)) ||
	    pv_has_refs(a) != pv_has_refs(b))
		return false;
	for (size_t i = 0; i < a->items.n; i++)
		if (!same_span(pv_item_span(a, i), pv_item_span(b, i)) ||
		    pv_item_is_ref(a, i) != pv_item_is_ref(b, i))
			return false;
	return true;
}

bool revision_file_reads_same(const struct revision_file *a, const struct revision_file *b)
{
	return a->crlf == b->crlf && same_str(a->encoding, b->encoding) && same_as_written(&a->rev, &b->rev) &&
	       same_as_written(&a->down, &b->down) && same_more(a, b, same_as_written) && a->has_doc == b->has_doc &&
	       same_longdoc(a, b) && same_span(a->doc_span, b->doc_span) &&
	       same_doc_field(&a->doc_revision_id, &b->doc_revision_id) &&
	       same_doc_field(&a->doc_revises, &b->doc_revises) &&
	       same_doc_field(&a->doc_create_date, &b->doc_create_date);
}

/* Where the strings revision_file_pack moves sit in a file (`name` apart: it is
 * the end of `path`). Packing notes `path` first, with the real path, and the
 * docstring last, once the template's four (the message, then the fields,
 * OWN_TEMPLATE on) are measured: the others in between, in this order. */
static const size_t own_string_at[] = {
	offsetof(struct revision_file, path),
	offsetof(struct revision_file, encoding),
	offsetof(struct revision_file, revision),
	offsetof(struct revision_file, message),
	offsetof(struct revision_file, doc_revision_id.value),
	offsetof(struct revision_file, doc_revises.value),
	offsetof(struct revision_file, doc_create_date.value),
	offsetof(struct revision_file, error),
	offsetof(struct revision_file, longdoc),
};
#define N_OWN_STRINGS (sizeof(own_string_at) / sizeof(own_string_at[0]))
#define OWN_TEMPLATE 3 /* the message's place in own_string_at */

/* Values with more items than this keep their own lists (revision_file_pack). */
#define PACK_MAX_ITEMS 64
/* A file whose strings take more than this keeps them apart (a huge docstring). */
#define PACK_MAX_BYTES 65536

static char **own_string(struct revision_file *rf, size_t i)
{
	return (char **)((char *)rf + own_string_at[i]);
}

static const char *own_string_of(const struct revision_file *rf, size_t i)
{
	return *(char *const *)(const void *)((const char *)rf + own_string_at[i]);
}

/* The most strings one file packs: the values' items and ids (values_packable),
 * the real path and the path, the other own strings. */
#define PACK_MAX_STRINGS (PACK_MAX_ITEMS + N_OWN_STRINGS + 1)

/* Packing notes the file's strings, in order, each with where its pointer goes
 * in the moved file, and measures them in one loop: each one's length (the
 * scratch's strings know theirs) and whether it equals one noted before it
 * (an id is often an item, the `revision`, the "Revision ID:" field: placed
 * once). The block is then made to that measure and filled from the notes
 * alone, the values not walked again; what the file owned apart (not in its
 * lender's scratch: nearly never) is freed last, from the file as read. */
struct pack {
	size_t ptrs, strs;   /* bytes of the block's pointer lists, and of its strings */
	size_t n;            /* strings noted */
	uint64_t lens_met;   /* bit LEN % 64 for each length placed: most strings meet no equal length */
	struct pack_str {
		const char *s;   /* as read; NULL for an item that is NULL */
		char *placed;    /* where it went */
		size_t len;      /* with the NUL */
		size_t at;       /* where its pointer goes: bytes from the moved file's start */
		int same;        /* the earlier string it equals, or -1 */
	} str[PACK_MAX_STRINGS];
	const char *real;    /* the real path to pack: the file's, or one lent (revision_file_pack_real) */
	const struct parse_scratch *from; /* a lent file's scratch: its strings there are not freed */
	ptrdiff_t path_tail; /* path_in_real */
	size_t path_len;
	unsigned ids_are_items; /* bit I: value I's ids share its items' packed list */
	bool values;         /* the values' lists are packed (values_packable) */
	bool frees;          /* some of it is not in the lender's scratch (or none lent): freed once placed */
	bool drop_longdoc;   /* the docstring is the template: rebuilt when read */
};

/* Whether A and B, LEN bytes each, are equal (an id is 13 with its NUL). */
static inline bool pack_equal(const char *a, const char *b, size_t len)
{
	return a == b /* one string of the scratch, both the `revision` and an item */ || bytes_equal(a, b, len);
}

/* The string noted before the Nth that S (LEN bytes with its NUL) equals, or -1. */
static inline int pack_same(const struct pack *pk, size_t n, const char *s, size_t len)
{
	if (!(pk->lens_met & (UINT64_C(1) << (len % 64))))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (pk->str[i].same < 0 && pk->str[i].len == len && pack_equal(pk->str[i].s, s, len))
			return (int)i;
	return -1;
}

/* Whether P (not NULL) is to be freed once packed: not the lender's. */
static bool pack_frees(const struct pack *pk, const void *p)
{
	return p && !in_scratch(pk->from, p);
}

/* The length of S, a string of the file. */
static size_t pack_strlen(const struct pack *pk, const char *s)
{
	return in_scratch(pk->from, s) ? scratch_strlen(s) : strlen(s);
}

/* Note S, whose pointer goes AT bytes from the moved file's start, to measure
 * (pack_measure): LEN bytes with its NUL, or 0 for one of the file's own. */
static inline void pack_note(struct pack *pk, const char *s, size_t len, size_t at)
{
	struct pack_str *e = &pk->str[pk->n++];

	e->s = s;
	e->len = len;
	e->at = at;
}

/* Measure the strings noted from the Ith on: each one's length (the lender's
 * know theirs), whether it equals one before it, the bytes they take. */
static void pack_measure(struct pack *pk, size_t i)
{
	for (; i < pk->n; i++) {
		struct pack_str *e = &pk->str[i];

		e->same = -1;
		if (!e->s)
			continue;
		if (e->len) {
			/* measured when noted */
		} else if (in_scratch(pk->from, e->s)) {
			e->len = scratch_strlen(e->s) + 1;
		} else {
			pk->frees = true;
			e->len = strlen(e->s) + 1;
		}
		e->same = pack_same(pk, i, e->s, e->len);
		if (e->same < 0) {
			pk->strs += e->len;
			pk->lens_met |= UINT64_C(1) << (e->len % 64);
		}
	}
}

/* Note L's strings, their pointers the block's next list. */
static void pack_note_list(struct pack *pk, const struct strlist *l)
{
	size_t at = sizeof(struct revision_file) + pk->ptrs;

	pk->frees |= pack_frees(pk, l->v);
	pk->ptrs += l->n * sizeof(char *);
	for (uint32_t i = 0; i < l->n; i++)
		pack_note(pk, l->v[i], 0, at + i * sizeof(char *));
}

/* A value's ids that are its items, string for string (a literal id, the usual
 * value), share the items' packed list: only whether they are freed is noted. */
static void pack_note_values(struct pack *pk, const struct revision_file *rf)
{
	const struct py_value *v[] = { &rf->rev, &rf->down, rf->more, rf->more ? rf->more + 1 : NULL };

	for (unsigned i = 0; i < 4 && v[i]; i++) {
		const struct strlist *ids = &v[i]->ids;

		pack_note_list(pk, &v[i]->items);
		/* collapse shares the items' list in the scratch: no strings compared */
		if (!ids->n || !((ids->v == v[i]->items.v && ids->n == v[i]->items.n) || sl_equal(ids, &v[i]->items))) {
			pack_note_list(pk, ids);
			continue;
		}
		pk->ids_are_items |= 1u << i;
		pk->frees |= pack_frees(pk, ids->v);
		for (uint32_t k = 0; k < ids->n; k++)
			pk->frees |= pack_frees(pk, ids->v[k]);
	}
}

static bool values_packable(const struct revision_file *rf)
{
	const struct py_value *v[] = { &rf->rev, &rf->down, rf->more, rf->more ? rf->more + 1 : NULL };
	size_t items = 0;

	for (size_t i = 0; i < 4 && v[i]; i++)
		items += v[i]->items.n + v[i]->ids.n;
	return items <= PACK_MAX_ITEMS; /* a huge list is not held twice while packed */
}

/* Where in REAL (R bytes), a file's real path, its PATH (N bytes) is the tail
 * ("/abs/" + "dir/x.py", or the same string), or -1: then `path` can take no
 * bytes of its own. */
static ptrdiff_t path_in_real(const char *path, size_t n, const char *real, size_t r)
{
	if (r < n || memcmp(real + (r - n), path, n))
		return -1;
	if (r > n && path[0] != '/' && real[r - n - 1] == '/')
		return (ptrdiff_t)(r - n);
	return r == n ? 0 : -1;
}

/* The real path and the path (its tail when it is one: not noted). */
static void pack_note_paths(struct pack *pk, const struct revision_file *rf)
{
	pk->path_tail = -1;
	pk->frees |= rf->real_path != NULL; /* the file's own, copied, or none when one was lent */
	if (rf->path) {
		pk->path_len = pack_strlen(pk, rf->path);
		pk->frees |= pack_frees(pk, rf->path);
	}
	if (pk->real) {
		size_t r = strlen(pk->real);

		pack_note(pk, pk->real, r + 1, offsetof(struct revision_file, real_path));
		if (rf->path)
			pk->path_tail = path_in_real(rf->path, pk->path_len, pk->real, r);
	}
	if (pk->path_tail < 0 && rf->path)
		pack_note(pk, rf->path, pk->path_len + 1, offsetof(struct revision_file, path));
}

/* The docstring, last: dropped when it is the template filled with the message
 * and fields (LEN, their lengths as measured), else noted. */
static void pack_note_longdoc(struct pack *pk, const struct revision_file *rf, const size_t len[4])
{
	size_t doc_len;

	pk->drop_longdoc = false;
	if (!rf->longdoc)
		return;
	doc_len = pack_strlen(pk, rf->longdoc);
	pk->frees |= pack_frees(pk, rf->longdoc);
	pk->drop_longdoc = longdoc_is_template(rf, doc_len, len);
	if (pk->drop_longdoc)
		return;
	pack_note(pk, rf->longdoc, doc_len + 1, offsetof(struct revision_file, longdoc));
	pack_measure(pk, pk->n - 1);
}

/* Every string own_string_at lists, `name` apart (the path's tail). */
static void pack_note_all(struct pack *pk, const struct revision_file *rf)
{
	size_t at[4] = { 0 }, len[4]; /* the template's strings' notes, 1-based: 0, none */

	if (pk->values)
		pack_note_values(pk, rf);
	pack_note_paths(pk, rf);
	for (size_t i = 1; i + 1 < N_OWN_STRINGS; i++) { /* the path and the docstring apart */
		const char *s = own_string_of(rf, i);

		if (!s) /* NULL in the moved file as it is */
			continue;
		if (i >= OWN_TEMPLATE && i < OWN_TEMPLATE + 4)
			at[i - OWN_TEMPLATE] = pk->n + 1;
		pack_note(pk, s, 0, own_string_at[i]);
	}
	pack_measure(pk, 0);
	for (size_t i = 0; i < 4; i++)
		len[i] = at[i] ? pk->str[at[i] - 1].len - 1 : 0;
	pack_note_longdoc(pk, rf, len);
}

/* The noted strings into FILE's block, past its lists, and their pointers set. */
static void pack_place(struct pack *pk, char *file)
{
	char *to = file + sizeof(struct revision_file) + pk->ptrs;

	for (size_t i = 0; i < pk->n; i++) {
		struct pack_str *e = &pk->str[i];

		if (e->same >= 0) {
			e->placed = pk->str[e->same].placed;
		} else if (!e->s) {
			e->placed = NULL;
		} else {
			e->placed = memcpy(to, e->s, e->len);
			to += e->len;
		}
		memcpy(file + e->at, &e->placed, sizeof(e->placed));
	}
}

static void place_list(struct strlist *l, char *block, size_t *at)
{
	l->v = l->n ? (char **)(void *)(block + *at) : NULL;
	l->cap = l->n;
	*at += l->n * sizeof(char *);
}

/* RF's values' lists, their strings placed, as the block's lists. */
static void pack_place_lists(const struct pack *pk, struct revision_file *rf)
{
	struct py_value *v[] = { &rf->rev, &rf->down, rf->more, rf->more ? rf->more + 1 : NULL };
	size_t at = 0;

	for (unsigned i = 0; i < 4 && v[i]; i++) {
		place_list(&v[i]->items, (char *)(rf + 1), &at);
		if (pk->ids_are_items & (1u << i))
			v[i]->ids = v[i]->items;
		else
			place_list(&v[i]->ids, (char *)(rf + 1), &at);
	}
}

/* What RF, the file as read, held apart that its packed copy took: before the
 * copy's lists are placed (`more` is the copy's too). */
static void pack_release(const struct pack *pk, const struct revision_file *rf)
{
	const struct py_value *v[] = { &rf->rev, &rf->down, rf->more, rf->more ? rf->more + 1 : NULL };

	free(rf->real_path);
	for (size_t i = 0; i < N_OWN_STRINGS; i++)
		scratch_free(pk->from, (char *)own_string_of(rf, i));
	for (size_t i = 0; pk->values && i < 4 && v[i]; i++) {
		list_release(pk->from, &v[i]->items);
		list_release(pk->from, &v[i]->ids);
	}
}

/* MOVED's name, the tail of its path as it was of the path read (RF's). */
static char *pack_name(const struct pack *pk, const struct revision_file *rf, const struct revision_file *moved)
{
	uintptr_t at = (uintptr_t)rf->name - (uintptr_t)rf->path;

	if (rf->name && rf->path && at <= pk->path_len)
		return moved->path + at;
	return (char *)path_base(moved->path);
}

/* P, a string of a file lent from S, as one of the file's own. */
static char *own_copy(const struct parse_scratch *s, char *p)
{
	return in_scratch(s, p) ? xstrdup(p) : p;
}

static void own_list(const struct parse_scratch *s, struct strlist *l)
{
	if (in_scratch(s, l->v)) {
		char **v = xmalloc(l->n * sizeof(*v));

		l->v = memcpy(v, l->v, l->n * sizeof(*v));
		l->cap = l->n;
	}
	for (uint32_t i = 0; i < l->n; i++)
		l->v[i] = own_copy(s, l->v[i]);
}

/* RF's values' lists, those in S copied out. */
static void own_values(const struct parse_scratch *s, struct revision_file *rf)
{
	struct py_value *v[] = { &rf->rev, &rf->down, rf->more, rf->more ? rf->more + 1 : NULL };

	for (size_t i = 0; i < 4 && v[i]; i++) {
		own_list(s, &v[i]->items);
		own_list(s, &v[i]->ids);
	}
}

struct revision_file *revision_file_keep(struct revision_file *rf)
{
	const struct parse_scratch *s = lender(rf);
	struct revision_file *own;

	if (!s)
		return rf;
	own = memcpy(xmalloc(sizeof(*own)), rf, sizeof(*own));
	own->lent = false;
	for (size_t i = 0; i < N_OWN_STRINGS; i++)
		*own_string(own, i) = own_copy(s, *own_string(own, i));
	own->name = (char *)path_base(own->path);
	own_values(s, own);
	return own;
}

/* Whether RF, lent from S, is the file nearly every scan reads, for pack_plain:
 * its values' lists and strings, the path, the message and the header fields
 * all the scratch's (nothing to free), the docstring the template (not kept),
 * no encoding, error or other values, the revision and the down revision one
 * id or none each, the ids the items' list (collapse) or none, the `revision`
 * the item itself. */
static bool plain_packable(const struct revision_file *rf, const struct parse_scratch *s)
{
	const struct py_value *v[2] = { &rf->rev, &rf->down };

	if (!s || rf->real_path || rf->more || rf->longdoc || !rf->longdoc_rebuilt || rf->encoding || rf->error ||
	    !in_scratch(s, rf->path) || !in_scratch(s, rf->message) || !in_scratch(s, rf->doc_revision_id.value) ||
	    !in_scratch(s, rf->doc_revises.value) || !in_scratch(s, rf->doc_create_date.value))
		return false;
	for (int i = 0; i < 2; i++) {
		const struct strlist *it = &v[i]->items, *ids = &v[i]->ids;

		if (it->n > 1 || (it->n && (!in_scratch(s, it->v) || !in_scratch(s, it->v[0]))) ||
		    (ids->n ? ids->v != it->v || ids->n != it->n : ids->v != NULL))
			return false;
	}
	return rf->rev.items.n == 1 && rf->revision == rf->rev.items.v[0];
}

/* pack for a plain_packable file with the real path REAL: what the notes would
 * place, where they would place it (the lists, then each distinct string once,
 * in the notes' order), from the seven strings such a file has and the
 * scratch's lengths, not noted, measured and placed apart (a fifth of the
 * instructions). NULL when RF is not such a file, or its path is not REAL's
 * tail: pack's to read. */
static struct revision_file *pack_plain(struct revision_file *rf, const char *real)
{
	const struct parse_scratch *s = lender(rf);
	const char *str[7];
	size_t len[7], n0, n1, plen, rlen, strs = 0;
	int same[7];
	char *placed[7], *to, **list;
	uint64_t met = 0;
	ptrdiff_t tail;
	struct revision_file *moved;

	if (!real || !plain_packable(rf, s))
		return NULL;
	plen = scratch_strlen(rf->path);
	rlen = strlen(real);
	if ((tail = path_in_real(rf->path, plen, real, rlen)) < 0)
		return NULL;
	n0 = rf->rev.items.n;
	n1 = rf->down.items.n;
	str[0] = rf->rev.items.v[0];
	str[1] = n1 ? rf->down.items.v[0] : NULL;
	str[2] = real;
	str[3] = rf->message;
	str[4] = rf->doc_revision_id.value;
	str[5] = rf->doc_revises.value;
	str[6] = rf->doc_create_date.value;
	for (int i = 0; i < 7; i++) {
		same[i] = -1;
		len[i] = !str[i] ? 0 : i == 2 ? rlen + 1 : scratch_strlen(str[i]) + 1;
		if (!len[i])
			continue;
		if (met & (UINT64_C(1) << (len[i] % 64)))
			for (int j = 0; j < i && same[i] < 0; j++)
				if (same[j] < 0 && len[j] == len[i] && pack_equal(str[j], str[i], len[i]))
					same[i] = j;
		if (same[i] < 0) {
			strs += len[i];
			met |= UINT64_C(1) << (len[i] % 64);
		}
	}
	/* pack's: a new block and the scratch's file left (see there) */
	moved = xmalloc(sizeof(*rf) + (n0 + n1) * sizeof(char *) + strs + 1);
	memcpy(moved, rf, sizeof(*rf));
	list = (char **)(void *)(moved + 1);
	to = (char *)(list + n0 + n1);
	for (int i = 0; i < 7; i++) {
		if (!len[i] || same[i] >= 0) {
			placed[i] = len[i] ? placed[same[i]] : NULL;
			continue;
		}
		copy_short(to, str[i], len[i]);
		placed[i] = to;
		to += len[i];
	}
	moved->rev.items = (struct strlist){ list, (uint32_t)n0, (uint32_t)n0 };
	list[0] = moved->revision = placed[0];
	moved->down.items = (struct strlist){ n1 ? list + 1 : NULL, (uint32_t)n1, (uint32_t)n1 };
	if (n1)
		list[1] = placed[1];
	moved->down.ids = rf->down.ids.n ? moved->down.items : (struct strlist){ 0 };
	moved->real_path = placed[2];
	moved->path = placed[2] + tail;
	moved->name = (size_t)(rf->name - rf->path) <= plen ? moved->path + (rf->name - rf->path)
							      : (char *)path_base(moved->path);
	moved->message = placed[3];
	moved->doc_revision_id.value = placed[4];
	moved->doc_revises.value = placed[5];
	moved->doc_create_date.value = placed[6];
	moved->real_path_packed = moved->packed = moved->values_packed = true;
	moved->lent = false;
	return moved;
}

/* revision_file_pack with REAL as the file's real path (its own, or lent). */
static struct revision_file *pack(struct revision_file *rf, const char *real)
{
	struct pack pk;
	struct revision_file *moved;

	if (rf->packed)
		return rf;
	if ((moved = pack_plain(rf, real)) != NULL)
		return moved;
	/* the notes need no clearing: n says how many are set */
	pk.ptrs = pk.strs = pk.n = 0;
	pk.lens_met = 0;
	pk.real = real;
	pk.from = lender(rf);
	pk.path_len = 0;
	pk.ids_are_items = 0;
	pk.values = values_packable(rf);
	pk.frees = !pk.from;
	pack_note_all(&pk, rf);
	if (pk.ptrs + pk.strs > PACK_MAX_BYTES)
		return revision_file_keep(rf); /* a huge docstring: not held twice while copied */
	/* the block after the file: one allocation (a malloc header and its
	 * rounding fewer), aligned for the pointer lists it starts with. A new
	 * one and a free, not realloc: glibc's realloc neither takes from nor
	 * gives to the thread's cache of freed chunks, and the next file's struct
	 * is made from the one freed here. */
	moved = xmalloc(sizeof(*rf) + pk.ptrs + pk.strs + 1);
	memcpy(moved, rf, sizeof(*rf));
	pack_place(&pk, (char *)moved);
	if (!pk.real)
		moved->real_path = NULL;
	moved->real_path_packed = pk.real != NULL;
	if (pk.path_tail >= 0)
		moved->path = moved->real_path + pk.path_tail;
	moved->name = pack_name(&pk, rf, moved);
	if (pk.drop_longdoc)
		moved->longdoc = NULL;
	if (pk.frees) /* a lent file's strings are nearly always all its scratch's */
		pack_release(&pk, rf);
	if (!pk.from) /* a lent file is its scratch's */
		free(rf);
	rf = moved;
	rf->lent = false;
	rf->packed = true;
	rf->values_packed = pk.values;
	rf->longdoc_rebuilt |= pk.drop_longdoc; /* or the parse found it (doc_template_read) */
	if (pk.values)
		pack_place_lists(&pk, rf);
	else /* long lists stay apart: out of the scratch */
		own_values(pk.from, rf);
	return rf;
}
struct revision_file *revision_file_pack(struct revision_file *rf)
{
	return pack(rf, rf->real_path);
}

struct revision_file *revision_file_pack_real(struct revision_file *rf, const char *real)
{
	if (!rf->packed && (rf = pack(rf, real))->packed)
		return rf;
	revision_file_set_real_path(rf, xstrdup(real)); /* left unpacked: a copy of its own */
	return rf;
}

struct py_value *rf_value_mut(struct revision_file *rf, int which)
{
	if (!rf->more) {
		rf->more = xcalloc(2, sizeof(*rf->more));
		for (size_t i = 0; i < 2; i++) {
			rf->more[i].kind = (enum value_kind)rf->plain_kind[i];
			rf->more[i].line = rf->plain[i].line;
			rf->more[i].span = rf->plain[i].span;
		}
	}
	return &rf->more[which];
}

/* Whether RF's values are plain: then they are moved to `plain`, and `more`'s
 * (empty) lists freed. */
static bool values_to_plain(struct revision_file *rf)
{
	if (!rf_value_is_plain(&rf->more[0]) || !rf_value_is_plain(&rf->more[1]))
		return false;
	for (size_t i = 0; i < 2; i++) {
		rf->plain_kind[i] = (uint8_t)rf->more[i].kind;
		rf->plain[i].line = rf->more[i].line;
		rf->plain[i].span = rf->more[i].span;
		if (rf->more[i].items.v || rf->more[i].ids.v) /* empty, but made by pylex's reading */
			py_value_free(&rf->more[i]);
	}
	return true;
}

void rf_values_settle(struct revision_file *rf)
{
	if (!rf->more || !values_to_plain(rf))
		return;
	free(rf->more);
	rf->more = NULL;
}

/* A parse reads the two values into its caller's `more` on the stack: no
 * allocation a file for the plain ones (nearly all), a copy for the others. */
static void rf_values_keep(struct revision_file *rf)
{
	struct py_value *read = rf->more;

	if (values_to_plain(rf)) {
		rf->more = NULL;
		return;
	}
	rf->more = xmalloc(2 * sizeof(*rf->more));
	memcpy(rf->more, read, 2 * sizeof(*rf->more));
}

void revision_file_set_real_path(struct revision_file *rf, char *real)
{
	if (!rf->real_path_packed)
		free(rf->real_path);
	rf->real_path = real;
	rf->real_path_packed = false;
}

void revision_file_free(struct revision_file *rf)
{
	const struct parse_scratch *s = lender(rf);

	if (!rf)
		return;
	if (!rf->packed) {
		for (size_t i = 0; i < N_OWN_STRINGS; i++)
			scratch_free(s, *own_string(rf, i));
	}
	if (!rf->real_path_packed)
		free(rf->real_path);
	free(rf->text);
	value_free_unpacked(s, &rf->rev, rf->values_packed);
	value_free_unpacked(s, &rf->down, rf->values_packed);
	for (size_t i = 0; rf->more && i < 2; i++)
		value_free_unpacked(s, &rf->more[i], rf->values_packed);
	free(rf->more);
	if (rf->module)
		py_module_free(rf->module);
	free(rf->module);
	if (!s) /* a lent file is its scratch's */
		free(rf);
}
