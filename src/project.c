/* project.c - locate, scan, parse, build, analyse, order. */
#include <stdlib.h>
#include <string.h>

#include "migtree/githints.h"
#include "migtree/project.h"
#include "migtree/reload.h"
#include "migtree/source.h"

void project_analyse(struct project *p)
{
	if (!p->resolver) {
		struct strlist none = { 0 };

		p->resolver = resolver_new(&none, NULL); /* no define: cannot fail */
	}
	for (size_t i = 0; i < p->files.n; i++)
		resolve_file(p->resolver, p->files.v[i]);
	graph_build(&p->graph, &p->files);
	p->graph.hints = p->hints;
	analyze_graph(&p->graph, p->defer_suggestions);
	p->order.n = 0;
	if (p->for_edits) { /* what the edits to come keep up to date (graph_update.c) */
		history_order_all_kept(&p->graph, &p->order);
		graph_bases_below(&p->graph, &p->order);
	}
	else if (!p->no_order)
		history_order_all(&p->graph, &p->order);
}

/* WORKTREE: the files are the work tree's, so git may know their history (a
 * tree at a commit is its own history's past: no hints). */
static int load_from(struct source *fs, const struct config_request *req, struct project *p, bool worktree,
		     struct mt_error *err)
{
	p->defer_suggestions = req->defer_suggestions;
	p->no_order = req->no_order;
	p->for_edits = req->for_edits;
	if (config_load_from(fs, req, &p->config, err))
		return -1;
	if (worktree)
		p->hints = git_hints_new(&p->config.version_locations);
	p->resolver = resolver_new(&p->config.defines, err);
	if (!p->resolver)
		return -1;
	if (scan_project_from(fs, &p->config, req->keep_text, &p->files, err))
		return -1;
	/* one list of notices for the front ends: the configuration's, then the walk's */
	for (size_t i = 0; i < p->files.notes.n; i++)
		sl_push(&p->config.notes, p->files.notes.v[i]);
	project_analyse(p);
	return 0;
}

int project_load(const struct config_request *req, struct project *p, struct mt_error *err)
{
	memset(p, 0, sizeof(*p));
	p->load_ns = reload_now_ns(); /* before any file is read (reload.h) */
	return load_from(source_worktree(), req, p, true, err);
}

int project_load_at(const char *ref, const struct config_request *req, struct project *p,
		    struct mt_error *err)
{
	struct source *fs;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!(fs = source_git(".", ref, err)))
		return -1;
	rc = load_from(fs, req, p, false, err);
	source_free(fs);
	return rc;
}

bool project_exit_without_free;

void project_free(struct project *p)
{
	if (project_exit_without_free)
		return;
	graph_free(&p->graph);
	file_list_free(&p->files);
	config_free(&p->config);
	resolver_free(p->resolver);
	free(p->order.v);
	file_stamps_free(p->stamps);
	git_hints_free(p->hints);
	memset(p, 0, sizeof(*p));
}
