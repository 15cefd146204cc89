/* Keys from a byte stream. Under mpiexec rank 0's stdin is a pipe fed by
 * the launcher from a raw-mode terminal, with window-size changes carried
 * in-band, so rank 0 decodes the bytes itself instead of asking ncurses
 * (whose getch knows neither the pipe's timing nor the in-band message).
 * No I/O here: bytes in, keys out, so that every sequence can be tested. */
#ifndef MPILOOM_KEYS_H
#define MPILOOM_KEYS_H

#include <stddef.h>

/* K_ and not KEY_: ncurses owns the KEY_ macros. */
enum key_code {
	KEY_NONE_ = 0,
	K_CHAR,
	K_UP,
	K_DOWN,
	K_LEFT,
	K_RIGHT,
	K_HOME,
	K_END,
	K_PGUP,
	K_PGDN,
	K_TAB,
	K_BTAB,
	K_ENTER,
	K_ESC,
	K_BACKSPACE,
	K_INTERRUPT,
	K_RESIZE,
	K_MOUSE
};

struct key {
	enum key_code code;
	int ch;         /* K_CHAR: the byte (UTF-8 bytes one by one) */
	int rows, cols; /* K_RESIZE */
	int x, y;       /* K_MOUSE: 0-based cell */
	int button;     /* K_MOUSE: 0 = left press, the only one reported */
};

/* The longest escape sequence kept while waiting for its end: a longer
 * one is thrown away, so a hostile stream cannot grow the buffer. */
#define KEYS_SEQ_MAX 64

struct keyreader {
	unsigned char *pending; /* bytes not yet decoded */
	size_t len, cap;
	int skipping; /* inside an overlong CSI: drop bytes up to its final byte */
};

void keyreader_init(struct keyreader *kr);
void keyreader_free(struct keyreader *kr);
/* Appends bytes; decodes every complete key into out (at most max) and
 * returns how many. Incomplete sequences stay pending; so do keys that
 * did not fit in out: call again with n == 0 to collect them. */
size_t keyreader_feed(struct keyreader *kr, const unsigned char *bytes, size_t n,
		      struct key *out, size_t max);
/* Called when no byte came for a while (50 ms): a pending lone ESC (or an
 * unfinished sequence) becomes K_ESC followed by the rest as characters.
 * Returns how many keys. */
size_t keyreader_flush(struct keyreader *kr, struct key *out, size_t max);
/* The in-band resize message the launcher writes, "\033[8;<rows>;<cols>t"
 * (xterm's own report of its size). Writes it into buf (size >= 32) and
 * returns its length, or -1 if it does not fit. */
int keys_resize_message(char *buf, size_t size, int rows, int cols);

#endif
