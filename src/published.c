/* published.c - ask git (through git.c: read-only, no shell) which files are on the upstream. */
#include <stdlib.h>
#include <string.h>

#include "migtree/git.h"
#include "migtree/published.h"

static char *first_line(char *s)
{
	s[strcspn(s, "\n")] = '\0';
	return s;
}

static char *upstream(const char *dir)
{
	static const char *const tries[][6] = {
		{ "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", NULL },
		{ "rev-parse", "--verify", "-q", "--abbrev-ref", "origin/main", NULL },
		{ "rev-parse", "--verify", "-q", "--abbrev-ref", "origin/master", NULL },
	};

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		char *out;

		if (git_capture(dir, tries[i], &out, NULL) == 0 && *first_line(out)) {
			if (i > 0) { /* --abbrev-ref of a remote ref may print it plainly */
				free(out);
				return xstrdup(i == 1 ? "origin/main" : "origin/master");
			}
			return out;
		}
		free(out);
	}
	return NULL;
}

int published_load(const struct project *p, const char *ref, struct published *pub, struct mt_error *err)
{
	const char *top_args[] = { "rev-parse", "--show-toplevel", NULL };
	const char *dir = p->config.version_locations.n ? p->config.version_locations.v[0] : ".";
	char *top = NULL, *out = NULL;
	int rc = 0;

	memset(pub, 0, sizeof(*pub));
	strmap_init(&pub->index);
	if (git_capture(dir, top_args, &top, NULL) != 0 || !*first_line(top)) {
		free(top);
		if (ref)
			return mt_fail(err, dir, 0, "--published %s: this project is not in a git repository", ref);
		return 0;
	}
	pub->ref = ref ? xstrdup(ref) : upstream(dir);
	if (pub->ref) {
		/* listed from the top, so paths are relative to it; names unquoted */
		const char *ls[] = { "-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", "--full-name",
				     "--end-of-options", pub->ref, NULL };
		char *save = NULL;

		if (git_capture(top, ls, &out, NULL) != 0) {
			if (ref)
				rc = mt_fail(err, NULL, 0, "--published %s: git cannot read that ref", ref);
			free(pub->ref);
			pub->ref = NULL;
		} else {
			for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				if (str_ends_with(line, ".py"))
					sl_push_owned(&pub->paths, xasprintf("%s/%s", top, line));
			for (size_t i = 0; i < pub->paths.n; i++)
				strmap_put(&pub->index, pub->paths.v[i], 1);
		}
	}
	free(out);
	free(top);
	return rc;
}

bool published_has(const struct published *pub, const struct revision_file *rf)
{
	return pub->ref && rf && rf->real_path && strmap_get(&pub->index, rf->real_path, NULL);
}

void published_free(struct published *pub)
{
	free(pub->ref);
	sl_free(&pub->paths);
	strmap_free(&pub->index);
	memset(pub, 0, sizeof(*pub));
}
