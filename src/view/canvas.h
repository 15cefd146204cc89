/* A grid of cells that views draw into; only ui.c turns it into curses
 * calls. Views never emit escapes and can be tested and timed off-screen. */
#ifndef MPILOOM_CANVAS_H
#define MPILOOM_CANVAS_H

#include <stdint.h>

enum canvas_color {
	C_DEFAULT = 0,
	C_SEND,
	C_RECV,
	C_PROBE,
	C_COLL,
	C_PACK,
	C_MARK,
	C_ARROW,
	C_LEVEL,
	C_SELECT,
	C_BAR,
	C_DIM,
	C_FAIL,
	C_OK,
	C_COLOR_COUNT
};

enum canvas_attr {
	A_NONE_ = 0,
	A_BOLD_ = 1,
	A_REV_ = 2,
	A_DIM_ = 4,
	A_UNDER_ = 8,
};

/* Glyphs are named, not literal, so the UI can pick Unicode or ASCII. */
enum glyph {
	G_SPACE = 0,
	G_BASE,	   /* idle rank row */
	G_SPAN,	   /* body of a call */
	G_VLINE,   /* message line, vertical */
	G_HLINE,   /* message line, horizontal */
	G_DIAG_DOWN, /* going right and down */
	G_DIAG_UP,   /* going right and up */
	G_HEAD_DOWN,
	G_HEAD_UP,
	G_DOTTED,  /* collective connector */
	G_TICK,
	G_ROOT,
	G_PENDING,
	G_WAIT,	   /* a call held by stepping: not begun */
	G_BLOCKED, /* a call let go that has not returned */
	G_GLYPH_COUNT
};

struct cell {
	uint16_t glyph; /* enum glyph, or 0x100 + an ASCII character */
	uint8_t color;
	uint8_t attr;
};

struct canvas {
	int rows;
	int cols;
	struct cell *cells;
};

#define CELL_CHAR(c) ((uint16_t)(0x100 + (unsigned char)(c)))

void canvas_init(struct canvas *cv, int rows, int cols);
void canvas_free(struct canvas *cv);
void canvas_clear(struct canvas *cv);
struct cell *canvas_at(struct canvas *cv, int y, int x);
void canvas_put(struct canvas *cv, int y, int x, uint16_t glyph, int color, int attr);
/* Writes printable ASCII (anything else shows as '?'); clips at the edge;
 * returns the column after the text. */
int canvas_text(struct canvas *cv, int y, int x, const char *s, int color, int attr);
void canvas_fill(struct canvas *cv, int y, int x0, int x1, uint16_t glyph, int color, int attr);
/* The row as plain ASCII, for tests and the text dump of a screen. */
void canvas_row_ascii(const struct canvas *cv, int y, char *out);

#endif
