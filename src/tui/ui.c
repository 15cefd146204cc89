#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <ncurses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui/tty.h"
#include "tui/ui.h"

/* The one pointer the atexit handler needs: exit() takes no argument. */
static struct ui *ui_for_exit;

static const wchar_t unicode_glyphs[G_GLYPH_COUNT] = {
	[G_SPACE] = L' ',     [G_BASE] = L'\u2500',	 [G_SPAN] = L'\u2501',
	[G_VLINE] = L'\u2502', [G_HLINE] = L'\u2500',	 [G_DIAG_DOWN] = L'\u2572',
	[G_DIAG_UP] = L'\u2571', [G_HEAD_DOWN] = L'\u25bc', [G_HEAD_UP] = L'\u25b2',
	[G_DOTTED] = L'\u250a', [G_TICK] = L'\u253c',	 [G_ROOT] = L'\u25c6',
	[G_PENDING] = L'?', [G_WAIT] = L'\u2508', [G_BLOCKED] = L'\u2591',
};

static const char ascii_glyphs[G_GLYPH_COUNT] = {
	[G_SPACE] = ' ', [G_BASE] = '-',	 [G_SPAN] = '=',     [G_VLINE] = '|',
	[G_HLINE] = '-', [G_DIAG_DOWN] = '\\', [G_DIAG_UP] = '/', [G_HEAD_DOWN] = 'v',
	[G_HEAD_UP] = '^', [G_DOTTED] = ':',  [G_TICK] = '+',	   [G_ROOT] = '*',
	[G_PENDING] = '?', [G_WAIT] = '.', [G_BLOCKED] = '~',
};

static void ui_atexit(void)
{
	if (ui_for_exit != NULL)
		ui_stop(ui_for_exit);
}

static void init_colors(struct ui *ui)
{
	const char *no_color = getenv("NO_COLOR");
	ui->color = has_colors() && (no_color == NULL || *no_color == '\0');
	if (!ui->color)
		return;
	start_color();
	use_default_colors();
	init_pair(C_SEND, COLOR_GREEN, -1);
	init_pair(C_RECV, COLOR_CYAN, -1);
	init_pair(C_PROBE, COLOR_MAGENTA, -1);
	init_pair(C_COLL, COLOR_YELLOW, -1);
	init_pair(C_PACK, COLOR_BLUE, -1);
	init_pair(C_MARK, COLOR_WHITE, -1);
	init_pair(C_ARROW, COLOR_WHITE, -1);
	init_pair(C_LEVEL, COLOR_YELLOW, -1);
	init_pair(C_SELECT, COLOR_RED, -1);
	init_pair(C_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_DIM, COLOR_BLUE, -1);
	init_pair(C_FAIL, COLOR_RED, -1);
	init_pair(C_OK, COLOR_GREEN, -1);
}

static int utf8_locale(void)
{
	if (setlocale(LC_CTYPE, "") == NULL)
		return 0;
	const char *cs = nl_langinfo(CODESET);
	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static void set_size_env(int rows, int cols)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%d", rows);
	setenv("LINES", buf, 1);
	snprintf(buf, sizeof buf, "%d", cols);
	setenv("COLUMNS", buf, 1);
}

int ui_start(struct ui *ui, FILE *out, int rows, int cols)
{
	memset(ui, 0, sizeof *ui);
	ui->unicode = utf8_locale();
	rows = rows > 1000 ? 1000 : rows;
	cols = cols > 2000 ? 2000 : cols;
	/* The stream is a pipe: curses cannot ask it for a size. */
	set_size_env(rows, cols);
	ui->in = fopen("/dev/null", "r");
	if (ui->in == NULL) {
		perror("mpiloom: /dev/null");
		return -1;
	}
	SCREEN *scr = newterm(NULL, out, ui->in);
	if (scr == NULL) {
		fprintf(stderr, "mpiloom: cannot start the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "unset");
		fclose(ui->in);
		return -1;
	}
	ui->screen = scr;
	ui->out = out;
	ui->started = 1;
	static int registered;
	ui_for_exit = ui;
	if (!registered && atexit(ui_atexit) == 0)
		registered = 1;
	noecho();
	curs_set(0);
	init_colors(ui);
	/* SGR mouse reports, so a click can select a call. */
	fputs(TTY_MOUSE_ON, out);
	fflush(out);
	ui->rows = LINES;
	ui->cols = COLS;
	return 0;
}

/* No real terminal is larger; a forged resize message must not make the
 * screen allocate gigabytes. */
#define UI_MAX_ROWS 1000
#define UI_MAX_COLS 2000

void ui_resize(struct ui *ui, int rows, int cols)
{
	if (!ui->started || rows < 1 || cols < 1)
		return;
	if (rows > UI_MAX_ROWS)
		rows = UI_MAX_ROWS;
	if (cols > UI_MAX_COLS)
		cols = UI_MAX_COLS;
	/* curses reads LINES and COLUMNS (set by ui_start) when it handles a
	 * SIGWINCH of its own, in doupdate: on a real terminal (a replay)
	 * they must be the new size, or it shrinks the screen back. */
	set_size_env(rows, cols);
	resizeterm(rows, cols);
	ui->rows = LINES;
	ui->cols = COLS;
	clearok(curscr, TRUE);
}

static attr_t cell_attrs(const struct ui *ui, const struct cell *c)
{
	attr_t a = 0;
	if (c->attr & A_BOLD_)
		a |= A_BOLD;
	if (c->attr & A_REV_)
		a |= A_REVERSE;
	if (c->attr & A_DIM_)
		a |= A_DIM;
	if (c->attr & A_UNDER_)
		a |= A_UNDERLINE;
	if (!ui->color && c->color == C_SELECT)
		a |= A_BOLD;
	if (!ui->color && c->color == C_BAR)
		a |= A_REVERSE;
	return a;
}

void ui_blit(struct ui *ui, const struct canvas *cv)
{
	if (!ui->started)
		return;
	for (int y = 0; y < cv->rows && y < LINES; y++) {
		for (int x = 0; x < cv->cols && x < COLS; x++) {
			const struct cell *c = &cv->cells[(size_t)y * (size_t)cv->cols + (size_t)x];
			attr_t a = cell_attrs(ui, c);
			short pair = ui->color ? (short)c->color : 0;
			if (c->glyph >= 0x100) {
				mvaddch(y, x, (chtype)(c->glyph - 0x100) | a | COLOR_PAIR(pair));
			} else if (ui->unicode) {
				wchar_t wc[2] = {unicode_glyphs[c->glyph < G_GLYPH_COUNT ? c->glyph : 0], 0};
				cchar_t cc;
				setcchar(&cc, wc, a, pair, NULL);
				mvadd_wch(y, x, &cc);
			} else {
				char ch = ascii_glyphs[c->glyph < G_GLYPH_COUNT ? c->glyph : 0];
				mvaddch(y, x, (chtype)(unsigned char)ch | a | COLOR_PAIR(pair));
			}
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void ui_stop(struct ui *ui)
{
	if (!ui->started)
		return;
	ui->started = 0;
	fputs(TTY_MOUSE_OFF, ui->out);
	curs_set(1);
	endwin();
	fflush(ui->out);
	delscreen(ui->screen);
	ui->screen = NULL;
	if (ui->in != NULL)
		fclose(ui->in);
	ui->in = NULL;
	if (ui_for_exit == ui)
		ui_for_exit = NULL;
}
