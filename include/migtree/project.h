/* project.h - one loaded project: configuration, files, graph, analysis, order.
 *
 * The single entry point the CLI, the explorer and the tests use to go from
 * "where am I" to an analysed history. */
#ifndef MIGTREE_PROJECT_H
#define MIGTREE_PROJECT_H

#include "migtree/analyze.h"
#include "migtree/config.h"
#include "migtree/graph.h"
#include "migtree/order.h"
#include "migtree/resolve.h"
#include "migtree/scan.h"

struct file_stamps;

struct project {
	struct mt_config config;
	struct file_list files;
	struct graph graph;
	struct u32vec order; /* history order (children first), phantoms included */
	struct resolver *resolver; /* names in files -> values (modules read once) */
	/* for a reload that re-reads only what changed (reload.h): when the files
	 * were read (0: never reuse them, as for a git tree), and their stamps */
	int64_t load_ns;
	struct file_stamps *stamps; /* NULL after a plain load */
	/* git's memory of the versions directories for the suggestions (githints.h):
	 * a work tree's project only; asked nothing until a suggestion needs it */
	struct git_hints *hints;
	/* The suggestions are left for when a fix is shown (analyze_graph): the
	 * explorer's loads and order-by-date's. Every analysis of this project
	 * (project_analyse, graph_update.c) follows it. */
	bool defer_suggestions;
	/* No history order is made (ORDER stays empty): for a command that reads
	 * none (check, heads, bases), which then neither spends the walk nor holds
	 * its arrays at its peak (~10 MB at 100,000 revisions). Nothing may edit
	 * such a project (graph_update.c keeps the order up to date). */
	bool no_order;
	/* To be edited (the explorer's): its first history order keeps the
	 * walk's ranking for the walks after each edit (order.h,
	 * history_order_all_kept), as the orders made after an edit do anyway. */
	bool for_edits;
	/* graph_update_file's in-place updates made and refused (a rebuild instead),
	 * for the tests, which must see the in-place path taken */
	uint64_t updates_done, updates_refused;
};

/* Load the project REQ names; its options (config.h) say whether the files
 * keep their text and whether suggestions are deferred. */
int project_load(const struct config_request *req, struct project *p, struct mt_error *err);
/* The project as it is at the commit REF of the repository the current directory
 * is in: configuration and version files read from git (source.h), nothing
 * checked out or written. File paths are the work tree's, shown as "REF:path".
 * Names a migration imports from other modules are still looked up in the work
 * tree (resolve.c reads the file system). */
int project_load_at(const char *ref, const struct config_request *req, struct project *p,
		    struct mt_error *err);
/* Build graph, analysis and order over already-read files (tests, git refs),
 * with P's defer_suggestions (false in a project built by hand). */
void project_analyse(struct project *p);
void project_free(struct project *p);
/* Set by main.c for a one-shot command (check, history...) in a build without
 * leak checks: project_free then does nothing, since the process is about to exit
 * and the kernel takes the memory back faster than free() (11% of a run at 10k). */
extern bool project_exit_without_free;

#endif
