/* annotate.c - GitHub Actions annotations (annotate.h). */
#include <stdlib.h>
#include <string.h>

#include "migtree/annotate.h"
#include "migtree/quote.h"

void annotate_github(FILE *out, const struct problem_list *pl, bool heads_fail, bool strict)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < pl->n; i++) {
		const struct problem *p = &pl->v[i];
		bool fails = strict || problem_severity(p->kind) == SEVERITY_ERROR ||
			     (heads_fail && p->kind == PROBLEM_MULTIPLE_HEADS);

		sb.len = 0;
		sb_adds(&sb, fails ? "::error " : "::warning ");
		if (p->path) {
			sb_adds(&sb, "file=");
			quote_github_property(&sb, p->path);
			if (p->line > 0)
				sb_addf(&sb, ",line=%d", p->line);
			sb_addc(&sb, ',');
		}
		sb_adds(&sb, "title=");
		quote_github_property(&sb, problem_kind_name(p->kind));
		sb_adds(&sb, "::");
		quote_github_message(&sb, p->message);
		for (size_t k = 0; k < p->n_fixv; k++) { /* the ways out, one per line */
			char *line = fix_sentence(&p->fixv[k]);

			sb_adds(&sb, "%0Afix: ");
			quote_github_message(&sb, line);
			free(line);
		}
		sb_addc(&sb, '\n');
		fwrite(sb.buf, 1, sb.len, out);
	}
	sb_free(&sb);
}
