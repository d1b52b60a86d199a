/* fuzz_config.c - libFuzzer target: the same bytes as an alembic.ini (ini_load,
 * then every value interpolated with ini_get), as a pyproject.toml
 * (toml_load_table of [tool.alembic]), and through config_load: with `-c` on the
 * ini (which also reads a pyproject.toml beside it) and by the search from a
 * directory that holds only the pyproject.toml.
 *
 * The files live in a scratch directory made once, with the folders the seed
 * configurations name (alembic/, migrations/, versions/), so that a plausible
 * input gets past "script_location is not a directory". Asserted besides the
 * sanitizers' findings: recorded lines lie within the file and increase, every
 * failure has a message, and a configuration that loads names absolute
 * directories. Its sqlalchemy.url, and the input itself taken as one URL, go
 * through db_url_parse: a URL that parses shows no password (masked), one that
 * does not says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migtree/config.h"
#include "migtree/dburl.h"
#include "migtree/ini.h"
#include "migtree/toml.h"

#define REQUIRE(c) ((c) ? (void)0 : abort())

/* in memory when there is a tmpfs: three small files written per input on a disk
 * cost far more than reading them */
static char base[64];
static char ini_path[64], toml_path[64], alone_path[64], alone_dir[64];
static char start_dir[4096]; /* libFuzzer reads corpus paths relative to it */

static void cleanup(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_config: could not remove %s\n", base);
}

static void setup(void)
{
	static const char *dirs[] = { "a", "a/alembic", "a/alembic/versions", "a/migrations",
				      "a/migrations/versions", "a/versions", "b" };
	char p[96];

	strcpy(base, "/dev/shm/migtree-fuzz-config-XXXXXX");
	if (!mkdtemp(base)) {
		strcpy(base, "/tmp/migtree-fuzz-config-XXXXXX");
		REQUIRE(mkdtemp(base) != NULL);
	}
	atexit(cleanup);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, dirs[i]);
		REQUIRE(mkdir(p, 0700) == 0);
	}
	snprintf(ini_path, sizeof(ini_path), "%s/a/alembic.ini", base);
	snprintf(toml_path, sizeof(toml_path), "%s/a/pyproject.toml", base);
	snprintf(alone_path, sizeof(alone_path), "%s/b/pyproject.toml", base);
	snprintf(alone_dir, sizeof(alone_dir), "%s/b", base);
	REQUIRE(getcwd(start_dir, sizeof(start_dir)) != NULL);
}

static void put(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	REQUIRE(f != NULL);
	REQUIRE(fwrite(data, 1, size, f) == size || size == 0);
	REQUIRE(fclose(f) == 0);
}

static int count_lines(const uint8_t *data, size_t size)
{
	int n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void fuzz_ini(int lines)
{
	struct ini ini;
	struct mt_error err = { 0 };
	char *v;

	if (ini_load(&ini, ini_path, &err)) {
		REQUIRE(err.message[0] != '\0');
		ini_free(&ini);
		return;
	}
	for (size_t i = 0; i < ini.n; i++) {
		const struct ini_entry *e = &ini.e[i];

		REQUIRE(e->line >= 1 && e->line <= lines && e->nlines >= 1 && e->lines[0] == e->line);
		for (size_t k = 1; k < e->nlines; k++)
			REQUIRE(e->lines[k] > e->lines[k - 1] && e->lines[k] <= lines);
		v = NULL;
		err.message[0] = '\0';
		if (ini_get(&ini, e->section, e->key, base, &v, &err))
			REQUIRE(err.message[0] != '\0' && v == NULL);
		else
			REQUIRE(v != NULL);
		free(v);
	}
	ini_free(&ini);
}

static void fuzz_toml(int lines)
{
	struct toml_table t;
	struct mt_error err = { 0 };

	if (toml_load_table(toml_path, "tool.alembic", &t, &err)) {
		REQUIRE(err.message[0] != '\0');
	} else {
		REQUIRE(t.keys.n == t.values.n && t.list_keys.n == t.nlists);
		for (size_t i = 0; i < t.nlists; i++)
			for (size_t k = 0; k < t.lists[i].n; k++)
				REQUIRE(t.item_lines[i][k] >= 1 && t.item_lines[i][k] <= lines);
	}
	toml_table_free(&t);
}

/* TEXT as a database URL (dburl.h). */
static void fuzz_url(const char *text)
{
	struct db_url u;
	struct mt_error err = { 0 };
	char *shown;

	if (db_url_parse(text, &u, &err)) {
		REQUIRE(err.message[0] != '\0');
		return;
	}
	shown = db_url_display(&u);
	REQUIRE(shown != NULL);
	if (u.password && strlen(u.password) >= 4) /* shorter ones may be any text's part */
		REQUIRE(strstr(shown, u.password) == NULL || strstr(shown, "***") != NULL);
	if (u.password)
		REQUIRE(strstr(shown, "***") != NULL);
	free(shown);
	db_url_free(&u);
}

static void fuzz_config_load(const char *config_file)
{
	struct config_request req = { 0 };
	struct mt_config cfg;
	struct mt_error err = { 0 };

	req.config_file = config_file;
	if (config_load(&req, &cfg, &err)) {
		REQUIRE(err.message[0] != '\0');
	} else {
		REQUIRE(cfg.here && cfg.here[0] == '/');
		REQUIRE(!cfg.script_location || cfg.script_location[0] == '/');
		for (size_t i = 0; i < cfg.version_locations.n; i++)
			REQUIRE(cfg.version_locations.v[i][0] == '/');
		if (cfg.sqlalchemy_url)
			fuzz_url(cfg.sqlalchemy_url);
	}
	config_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	int lines = count_lines(data, size);

	if (!ready++)
		setup();
	put(ini_path, data, size);
	put(toml_path, data, size);
	put(alone_path, data, size);
	fuzz_ini(lines);
	fuzz_toml(lines);
	{
		char *text = malloc(size + 1);

		REQUIRE(text != NULL);
		memcpy(text, data, size);
		text[size] = '\0'; /* up to the first NUL, as a configuration would hold it */
		fuzz_url(text);
		free(text);
	}
	fuzz_config_load(ini_path);
	REQUIRE(chdir(alone_dir) == 0); /* the search starts from the current directory */
	fuzz_config_load(NULL);
	REQUIRE(chdir(start_dir) == 0);
	return 0;
}
