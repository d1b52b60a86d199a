/* headless.c - scripted keys in, the virtual screen out (see headless.h).
 *
 * Script keys are words of characters, or <Name> (as the help names keys:
 * <PgDn>, <C-r>, <Left>; a lone < is the key <), <Resize:COLSxLINES>,
 * <Click:ROW>, <WheelDown>, <WheelUp>; mouse and resize events carry their data
 * in the key value (flags above the curses key range).
 *
 * MIGTREE_TIMINGS=FILE (for `make bench`, off by default) writes a line
 * "first-screen USEC CPU_USEC" (from the program's start to the end of the
 * explorer's first redraw in its loop), then per key "INDEX NAME USEC
 * CPU_USEC": the microseconds from reading the key to the end of the redraw
 * that follows it (headless_key_drawn), elapsed and of the process's CPU time
 * (which a busy machine inflates less). The work the explorer does while it
 * waits for keys comes after that redraw, as on a terminal, and is not the
 * key's. Keys a prompt reads before the redraw (a search's text) get no line of
 * their own: the one that ends the prompt gets the span; so does a last key
 * after which nothing is drawn (q) none. */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "migtree/cli.h"
#include "migtree/headless.h"
#include "migtree/ui.h"
#include "migtree/util.h"

#define KEY_IS_RESIZE 0x100000
#define KEY_IS_CLICK 0x200000
#define KEY_IS_WHEEL 0x400000

static int *script_keys;
static size_t script_n, script_pos, script_cap;
static SCREEN *screen;
static FILE *screen_out, *screen_in;

static FILE *timings;
static int64_t t_start, t_key, cpu_key; /* microseconds: the start, the last key read */
static size_t key_at;                   /* that key's place in the script */
static bool key_open, first_drawn;      /* read and not drawn yet; the first screen's line written */

static int64_t now_usec(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The program's start, as near as a library can see it: before main (the
 * process's CPU clock starts at 0 itself). */
__attribute__((constructor)) static void timings_clock(void)
{
	t_start = now_usec(CLOCK_MONOTONIC);
}

/* Key SCRIPT_POS is read: its span starts. */
static void timings_start(void)
{
	if (!timings)
		return;
	t_key = now_usec(CLOCK_MONOTONIC);
	cpu_key = now_usec(CLOCK_PROCESS_CPUTIME_ID);
	key_at = script_pos;
	key_open = true;
}

void headless_key_drawn(void)
{
	int64_t t, cpu;
	char name[32];

	if (!timings)
		return;
	t = now_usec(CLOCK_MONOTONIC);
	cpu = now_usec(CLOCK_PROCESS_CPUTIME_ID);
	if (!first_drawn) {
		fprintf(timings, "first-screen %lld %lld\n", (long long)(t - t_start), (long long)cpu);
		first_drawn = true;
	} else if (key_open) {
		int key = script_keys[key_at];

		fprintf(timings, "%zu %s %lld %lld\n", key_at,
			key & (KEY_IS_RESIZE | KEY_IS_CLICK | KEY_IS_WHEEL) ? "event" :
			keys_name(key, name, sizeof(name)), (long long)(t - t_key), (long long)(cpu - cpu_key));
	}
	key_open = false;
}

/* <NAME> (without the brackets) as a key value, -1 when unknown */
static int named_key(const char *name)
{
	const char *x;
	int key = keys_value(name); /* the names the help shows (keys.c) */

	if (key >= 0)
		return key;
	if (!strncmp(name, "Resize:", 7)) {
		x = strchr(name, 'x');
		return KEY_IS_RESIZE | (atoi(name + 7) << 10) | atoi(x ? x + 1 : "24");
	}
	if (!strncmp(name, "Click:", 6))
		return KEY_IS_CLICK | atoi(name + 6);
	if (!strcmp(name, "WheelDown"))
		return KEY_IS_WHEEL;
	if (!strcmp(name, "WheelUp"))
		return KEY_IS_WHEEL | 1;
	return -1;
}

static int load_script(const char *path)
{
	FILE *f = fopen(path, "r");
	char tok[256];

	if (!f)
		return -1;
	while (fscanf(f, "%255s", tok) == 1) {
		GROW(script_keys, script_cap, script_pos + strlen(tok) + 1);
		if (tok[0] == '<' && tok[1]) {
			char *end = strchr(tok, '>');
			int key;

			if (end)
				*end = '\0';
			key = named_key(tok + 1);
			if (key < 0) {
				fclose(f);
				return -1;
			}
			script_keys[script_pos++] = key;
			continue;
		}
		for (char *p = tok; *p; p++)
			script_keys[script_pos++] = (unsigned char)*p;
	}
	fclose(f);
	script_n = script_pos;
	script_pos = 0;
	return 0;
}

/* A virtual screen larger than this is refused: ncurses keeps several copies of
 * every cell (LINES=COLUMNS=30000 once took 22 GB). */
#define HEADLESS_MAX 1000

static int headless_size(const char *env, int dflt, const char *name)
{
	int n = env ? atoi(env) : dflt;

	if (n < 1)
		n = dflt;
	if (n > HEADLESS_MAX) {
		cli_error("note: headless mode: %s=%d is more than %d; using %d", name, n, HEADLESS_MAX,
			  HEADLESS_MAX);
		n = HEADLESS_MAX;
	}
	return n;
}

int headless_start(const char *path, char *err, size_t errsize)
{
	int lines = headless_size(getenv("LINES"), 24, "LINES");
	int cols = headless_size(getenv("COLUMNS"), 80, "COLUMNS");

	if (load_script(path)) {
		snprintf(err, errsize, "MIGTREE_SCRIPT %s: cannot read it, or a <key> in it is unknown",
			 path);
		return -1;
	}
	use_env(FALSE); /* else newterm sizes its screen from LINES and COLUMNS, uncapped */
	screen_out = fopen("/dev/null", "w");
	screen_in = fopen("/dev/null", "r");
	if (!screen_out || !screen_in || !(screen = newterm("xterm-256color", screen_out, screen_in))) {
		snprintf(err, errsize, "headless mode: cannot set up a virtual terminal (xterm-256color)");
		return -1;
	}
	resize_term(lines, cols);
	if (getenv("MIGTREE_TIMINGS") && *getenv("MIGTREE_TIMINGS") &&
	    !(timings = fopen(getenv("MIGTREE_TIMINGS"), "w"))) {
		snprintf(err, errsize, "MIGTREE_TIMINGS %s: cannot write it", getenv("MIGTREE_TIMINGS"));
		return -1;
	}
	if (timings) /* a line at a time: a run stopped at a time limit keeps its lines */
		setvbuf(timings, NULL, _IOLBF, 0);
	return 0;
}

int headless_read_key(int *row, int *bstate)
{
	int key;

	if (script_pos >= script_n)
		return -2; /* end of the script */
	timings_start();
	key = script_keys[script_pos++];
	if (key & KEY_IS_RESIZE) {
		resize_term(key & 0x3ff, (key >> 10) & 0x3ff);
		return KEY_RESIZE;
	}
	if (key & KEY_IS_CLICK) {
		*row = key & 0xffff;
		*bstate = BUTTON1_CLICKED;
		return KEY_MOUSE;
	}
	if (key & KEY_IS_WHEEL) {
		*row = 0;
		*bstate = (key & 1) ? BUTTON4_PRESSED : BUTTON5_PRESSED;
		return KEY_MOUSE;
	}
	return key;
}

/* One letter per colour role that has a colour pair; the rest are attributes. */
static const char role_code[C_ROLE_COUNT] = {
	[C_STATUS] = 's', [C_TITLE] = 't', [C_PHANTOM] = 'p', [C_ERROR] = 'e', [C_WARNING] = 'w',
	[C_HEAD] = 'h', [C_BASE] = 'b', [C_LABEL] = 'l', [C_DEPEND] = 'd', [C_ID] = 'i',
	[C_DATE] = 'a', [C_GRAPH] = 'g', [C_SIDE_BASE] = 'o', [C_SIDE_HEAD] = 'y', [C_SIDE_BOTH] = 'z',
	[C_LANE1] = 'c', [C_LANE2] = 'f', [C_LANE3] = 'j', [C_LANE4] = 'k', [C_LANE5] = 'm',
	[C_MARKED] = 'v', [C_APPLIED] = 'n',
};

#define LEGEND "-- attributes: . plain, # reverse, + bold, _ underline; colours: s status, " \
	"t title, p phantom, e error, w warning, h head, b base, l label, d dependency, " \
	"i id, a date, graph lanes g c f j k m (then g again), review sides: o base, y head, " \
	"z both (capital: reversed too)"

/* A cell's code: its colour role found from its colour pair (draw.c gives each
 * role its own), else its attributes. Reverse is the selection. */
static char cell_code(attr_t at, short pair)
{
	bool rev = at & A_REVERSE;

	if (pair > 0) {
		for (int r = 0; r < C_ROLE_COUNT; r++)
			if (role_code[r] && PAIR_NUMBER(draw_attr((enum color_role)r)) == pair)
				return rev ? (char)(role_code[r] - 'a' + 'A') : role_code[r];
		return '?';
	}
	if (rev)
		return '#';
	if (at & A_UNDERLINE)
		return '_';
	return (at & A_BOLD) ? '+' : '.';
}

/* Row Y's text (trailing blanks dropped) to OUT, its cells' codes (trailing
 * plain cells dropped) into CODES. */
static void dump_row(int y, FILE *out, struct strbuf *codes)
{
	char line[4096];
	size_t len = 0, keep = 0;

	codes->len = 0;
	for (int x = 0; x < COLS && len + MB_CUR_MAX + 1 < sizeof(line); x++) {
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t at;
		short pair;
		mbstate_t st;
		char code;

		if (mvin_wch(y, x, &cc) == ERR || getcchar(&cc, wc, &at, &pair, NULL) == ERR || !wc[0])
			continue;
		code = cell_code(at, pair);
		memset(&st, 0, sizeof(st));
		for (int k = 0; wc[k]; k++) {
			size_t n = wcrtomb(line + len, wc[k], &st);

			if (n != (size_t)-1)
				len += n;
		}
		sb_addc(codes, code);
		if (wcwidth(wc[0]) == 2) {
			sb_addc(codes, code);
			x++;
		}
		if (code != '.')
			keep = codes->len;
	}
	while (len > 0 && line[len - 1] == ' ')
		len--;
	fwrite(line, 1, len, out);
	fputc('\n', out);
	codes->len = keep;
}

/* The text of every row, then a legend line, then each row's codes: one
 * character per cell, so a lost highlight or a wrong colour changes the dump. */
void headless_dump(FILE *out)
{
	struct strbuf codes, all;

	sb_init(&codes);
	sb_init(&all);
	for (int y = 0; y < LINES; y++) {
		dump_row(y, out, &codes);
		sb_addn(&all, codes.buf ? codes.buf : "", codes.len);
		sb_addc(&all, '\n');
	}
	/* the codes that came later are named only where one is drawn: the
	 * legend of every other screen stays as it was */
	fprintf(out, "%s%s%s\n", LEGEND, all.len && memchr(all.buf, 'v', all.len) ? "; v a marked run (v)" : "",
		all.len && (memchr(all.buf, 'n', all.len) || memchr(all.buf, 'N', all.len)) ? "; n applied in the database" : "");
	fwrite(all.buf, 1, all.len, out);
	sb_free(&codes);
	sb_free(&all);
}

void headless_end(void)
{
	if (screen)
		delscreen(screen);
	if (screen_out)
		fclose(screen_out);
	if (screen_in)
		fclose(screen_in);
	if (timings)
		fclose(timings);
	timings = NULL;
	key_open = first_drawn = false;
	screen = NULL;
	screen_out = screen_in = NULL;
	free(script_keys);
	script_keys = NULL;
	script_n = script_pos = script_cap = 0;
}
