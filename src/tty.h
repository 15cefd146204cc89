/* The terminal's line discipline: raw mode for a screen that reads keys
 * itself, and the saved settings put back exactly. */
#ifndef MPILOOM_TTY_H
#define MPILOOM_TTY_H

#include <termios.h>

/* Raw input (no echo, no line editing, Ctrl-C as a byte), output still
 * turning \n into \r\n so that a stray line starts at column 0. */
int tty_make_raw(int fd, const struct termios *saved);
/* Returns 0, or -1 (the reason on stderr unless the terminal is gone). */
int tty_restore(int fd, const struct termios *saved);
void tty_size(int fd, int *rows, int *cols);

#endif
