/* The terminal's line discipline: raw mode for a screen that reads keys
 * itself, and the saved settings put back exactly. */
#ifndef MPILOOM_TTY_H
#define MPILOOM_TTY_H

#include <termios.h>

/* Mouse reporting (button presses, SGR coordinates), on and off: the
 * screen turns it on, and the launcher turns it off again in case a rank
 * died before its screen could. */
#define TTY_MOUSE_ON "\033[?1000h\033[?1006h"
#define TTY_MOUSE_OFF "\033[?1000l\033[?1006l"

/* Raw input (no echo, no line editing, Ctrl-C as a byte), output still
 * turning \n into \r\n so that a stray line starts at column 0. */
int tty_make_raw(int fd, const struct termios *saved);
/* Returns 0, or -1 (the reason on stderr unless the terminal is gone). */
int tty_restore(int fd, const struct termios *saved);
void tty_size(int fd, int *rows, int *cols);
/* Waits until whoever reads fd has taken all that was written to it (a
 * terminal: tcdrain; a pipe: until it is empty), at most timeout_ms.
 * Returns 0 once drained, -1 on time-out or error. */
int tty_drain(int fd, int timeout_ms);

#endif
