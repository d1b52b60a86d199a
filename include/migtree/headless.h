/* headless.h - the explorer without a terminal, for the screen tests (tig's
 * TIG_SCRIPT).
 *
 * With MIGTREE_SCRIPT set the real drawing code runs on a virtual ncurses screen
 * of $LINES x $COLUMNS whose output goes to /dev/null; keys come from the script
 * and, at its end, the screen is written to standard output. Kept apart from the
 * explorer so that what a test sees is defined in one place. */
#ifndef MIGTREE_HEADLESS_H
#define MIGTREE_HEADLESS_H

#include <stdio.h>

/* Read the key script at PATH and set up the virtual screen; with
 * MIGTREE_TIMINGS=FILE set, open FILE for each key's time (headless.c, for
 * `make bench`). Returns -1 with ERR (one line) when the script cannot be read
 * or names an unknown <key>, FILE cannot be written, or the terminal cannot be
 * set up. */
int headless_start(const char *path, char *err, size_t errsize);

/* The next scripted key, -2 at the end of the script. KEY_RESIZE resizes the
 * virtual screen first; KEY_MOUSE sets *ROW and *BSTATE. */
int headless_read_key(int *row, int *bstate);

/* The explorer's loop has redrawn the screen: the key read last (or the
 * first screen) is done, and its time is written (MIGTREE_TIMINGS). */
void headless_key_drawn(void);

/* The screen: its text, one line per row, trailing blanks dropped; a legend
 * line ("-- attributes: ..."); then one line per row with a code per cell for
 * its colour role or attributes (reverse, bold, underline), trailing plain cells
 * dropped. Tests compare both, so a lost selection highlight or an error drawn
 * in the warning colour fails them. */
void headless_dump(FILE *out);

/* Release the virtual screen (after endwin) and the script. */
void headless_end(void);

#endif
