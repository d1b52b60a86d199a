/* cli_db.c - the database a command reads, read (cli.h's cli_db_state): the one
 * place where dbchoice.h's rule meets the options, the environment and the
 * configuration, so the commands and the explorer cannot disagree on it. */
#include <stdlib.h>
#include <string.h>

#include "migtree/cli.h"
#include "migtree/db.h"

int cli_db_read(struct cli *cli, const struct project *p, bool reads_db, struct cli_db *out, struct mt_error *err)
{
	const struct mt_config *cfg = &p->config;
	struct db_ask ask = {
		.req = &cli->db,
		.env = getenv("MIGTREE_DB"),
		.config_url = cfg->sqlalchemy_url,
		/* where the URL was read, else the configuration that has none */
		.config_path = cfg->sqlalchemy_url ? cfg->sqlalchemy_url_path : cfg->config_path,
		.config_line = cfg->sqlalchemy_url_line,
		.reads_db = reads_db,
	};
	struct db_options opts = { cli->db.version_table, cli->db.version_schema, 0 };
	struct db_choice ch;
	struct strlist stamps = { 0 };
	char *shown;
	int rc;

	memset(out, 0, sizeof(*out));
	if (db_choose(&ask, &ch, err)) {
		db_choice_free(&ch);
		return -1;
	}
	if (ch.source == DB_SOURCE_NONE) {
		db_choice_free(&ch);
		return 0;
	}
	rc = db_read_stamps(&ch.url, &opts, &stamps, err);
	if (rc >= 0) {
		shown = db_url_display(&ch.url);
		db_state_compute(&p->graph, shown, &stamps, rc == DB_READ_NO_TABLE, &out->st);
		free(shown);
		out->where_path = xstrdup(ch.where_path);
		out->where_line = ch.where_line;
		out->alembic_url = db_url_alembic(&ch.url);
	}
	sl_free(&stamps);
	db_choice_free(&ch);
	return rc < 0 ? -1 : 0;
}

int cli_db_state(struct cli *cli, const struct project *p, bool reads_db, struct db_state *st, struct mt_error *err)
{
	struct cli_db d;
	int rc = cli_db_read(cli, p, reads_db, &d, err);

	*st = d.st; /* zero on failure: db_state_free takes it either way */
	memset(&d.st, 0, sizeof(d.st));
	cli_db_free(&d);
	return rc;
}

void cli_db_free(struct cli_db *d)
{
	db_state_free(&d->st);
	free(d->where_path);
	free(d->alembic_url);
	memset(d, 0, sizeof(*d));
}
