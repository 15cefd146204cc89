#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "view/canvas.h"

static const char ascii_glyphs[G_GLYPH_COUNT] = {
	[G_SPACE] = ' ', [G_BASE] = '-',      [G_SPAN] = '=',	   [G_VLINE] = '|',
	[G_HLINE] = '-', [G_DIAG_DOWN] = '\\', [G_DIAG_UP] = '/', [G_HEAD_DOWN] = 'v',
	[G_HEAD_UP] = '^', [G_DOTTED] = ':',  [G_TICK] = '+',	   [G_ROOT] = '*',
	[G_PENDING] = '?', [G_WAIT] = '.', [G_BLOCKED] = '~',
};

void canvas_init(struct canvas *cv, int rows, int cols)
{
	cv->rows = rows > 0 ? rows : 0;
	cv->cols = cols > 0 ? cols : 0;
	cv->cells = xcalloc((size_t)cv->rows * (size_t)cv->cols + 1, sizeof *cv->cells);
}

void canvas_free(struct canvas *cv)
{
	free(cv->cells);
	cv->cells = NULL;
	cv->rows = cv->cols = 0;
}

void canvas_clear(struct canvas *cv)
{
	memset(cv->cells, 0, (size_t)cv->rows * (size_t)cv->cols * sizeof *cv->cells);
}

struct cell *canvas_at(struct canvas *cv, int y, int x)
{
	if (y < 0 || x < 0 || y >= cv->rows || x >= cv->cols)
		return NULL;
	return &cv->cells[(size_t)y * (size_t)cv->cols + (size_t)x];
}

void canvas_put(struct canvas *cv, int y, int x, uint16_t glyph, int color, int attr)
{
	struct cell *c = canvas_at(cv, y, x);
	if (c == NULL)
		return;
	c->glyph = glyph;
	c->color = (uint8_t)color;
	c->attr = (uint8_t)attr;
}

int canvas_text(struct canvas *cv, int y, int x, const char *s, int color, int attr)
{
	for (; *s != '\0'; s++, x++) {
		unsigned char ch = (unsigned char)*s;
		if (x >= cv->cols)
			break;
		canvas_put(cv, y, x, CELL_CHAR(ch >= 0x20 && ch < 0x7f ? ch : '?'), color, attr);
	}
	return x;
}

void canvas_fill(struct canvas *cv, int y, int x0, int x1, uint16_t glyph, int color, int attr)
{
	for (int x = x0; x < x1; x++)
		canvas_put(cv, y, x, glyph, color, attr);
}

void canvas_row_ascii(const struct canvas *cv, int y, char *out)
{
	for (int x = 0; x < cv->cols; x++) {
		uint16_t g = cv->cells[(size_t)y * (size_t)cv->cols + (size_t)x].glyph;
		out[x] = g >= 0x100 ? (char)(g - 0x100) : ascii_glyphs[g < G_GLYPH_COUNT ? g : 0];
	}
	out[cv->cols] = '\0';
}
