/* external.c - what the explorer hands to the outside: the user's editor, and
 * the terminal's clipboard.
 *
 * The editor runs as git runs it: `$VISUAL`, else `$EDITOR`, else vi, through
 * `sh -c` so that "code -w" or "emacsclient -t" work, with the file passed as an
 * argument and never pasted into the command line. The terminal is handed over
 * (endwin) and taken back after, then the project is read again, since the
 * file changed under us.
 *
 * The clipboard is OSC 52, as tmux, kitty, iTerm2 and most terminals over ssh
 * understand it: the id goes base64-encoded, so no byte of it reaches the
 * terminal as a command. MIGTREE_OSC52_LOG names a file that gets the same
 * bytes, for tests (headless mode writes them only there). */
#include <curses.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migtree/ui.h"

int ui_run_program(struct ui *ui, char *const argv[])
{
	pid_t pid;
	int status = -1;

	if (!ui->headless) {
		def_prog_mode();
		endwin();
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (ui->headless) { /* stdout holds the screen dump */
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0) {
				dup2(null, STDOUT_FILENO);
				dup2(null, STDERR_FILENO);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0)
			;
	if (!ui->headless) {
		reset_prog_mode();
		ui->repaint = true;
	}
	return pid < 0 ? -1 : status;
}

void ui_edit_file(struct ui *ui, uint32_t node)
{
	const struct node *nd = &ui->project.graph.nodes[node];
	const char *editor = getenv("VISUAL");
	char *cmd, *line;
	int status;

	if (nd->phantom) {
		ui_set_message(ui, true, "%s is missing: no file to edit (c creates its placeholder)", nd->id);
		return;
	}
	if (ui->review) {
		ui_set_message(ui, false, "review mode: the merged history is in no work tree; nothing to edit");
		return;
	}
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	cmd = xasprintf("%s \"$@\"", editor);
	line = xasprintf("+%d", nd->file->rev.line > 0 ? nd->file->rev.line : 1);
	{
		char *argv[] = { "sh", "-c", cmd, (char *)editor, line,
				 nd->file->real_path ? nd->file->real_path : nd->file->path, NULL };

		status = ui_run_program(ui, argv);
	}
	free(cmd);
	free(line);
	if (status != 0) {
		ui_set_message(ui, true, "the editor (%s) failed (status %d); nothing reloaded", editor,
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	ui_reload(ui, false); /* unsaved changes here: it asks first */
}

static void base64(struct strbuf *sb, const unsigned char *s, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < len ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < len ? s[i + 2] : 0);

		sb_addc(sb, tab[v >> 18 & 63]);
		sb_addc(sb, tab[v >> 12 & 63]);
		sb_addc(sb, i + 1 < len ? tab[v >> 6 & 63] : '=');
		sb_addc(sb, i + 2 < len ? tab[v & 63] : '=');
	}
}

void ui_yank_id(struct ui *ui, uint32_t node)
{
	const char *id = ui->project.graph.nodes[node].id, *log = getenv("MIGTREE_OSC52_LOG");
	struct strbuf seq;

	sb_init(&seq);
	sb_adds(&seq, "\033]52;c;");
	base64(&seq, (const unsigned char *)id, strlen(id));
	sb_adds(&seq, "\a");
	if (log && *log) {
		FILE *f = fopen(log, "ab");

		if (f) {
			fwrite(seq.buf, 1, seq.len, f);
			fclose(f);
		}
	}
	if (!ui->headless) {
		fwrite(seq.buf, 1, seq.len, stdout);
		fflush(stdout);
	}
	sb_free(&seq);
	ui_set_message(ui, false, "copied %s to the clipboard (OSC 52)", id);
}
