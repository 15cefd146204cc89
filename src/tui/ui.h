/* The terminal, owned here and nowhere else: curses set-up on the stream
 * mpiexec forwards, colours or monochrome, Unicode or ASCII glyphs, the
 * canvas blitted to the screen, and one teardown for every way out. */
#ifndef MPILOOM_UI_H
#define MPILOOM_UI_H

#include <stdio.h>

#include "view/canvas.h"

struct ui {
	void *screen; /* SCREEN *, kept opaque so views need no curses */
	FILE *out;
	FILE *in;
	int started;
	int color;
	int unicode;
	int rows;
	int cols;
};

/* Starts curses on out with the given size (the launcher's terminal's).
 * Returns 0, or -1 with a reason on stderr. */
int ui_start(struct ui *ui, FILE *out, int rows, int cols);
void ui_resize(struct ui *ui, int rows, int cols);
void ui_blit(struct ui *ui, const struct canvas *cv);
/* Restores the terminal; safe to call twice, and from an atexit handler. */
void ui_stop(struct ui *ui);

#endif
