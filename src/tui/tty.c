#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/clock.h"
#include "tui/tty.h"

int tty_make_raw(int fd, const struct termios *saved)
{
	struct termios raw = *saved;
	raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	/* OPOST|ONLCR kept: a stray line on a rank's stderr still starts at
	 * column 0. ISIG off: Ctrl-C reaches the UI as a byte, and the UI
	 * decides. */
	raw.c_oflag |= OPOST | ONLCR;
	raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSADRAIN, &raw) < 0 ? -1 : 0;
}

int tty_restore(int fd, const struct termios *saved)
{
	while (tcsetattr(fd, TCSADRAIN, saved) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EIO) /* EIO: the terminal is gone with its settings */
			fprintf(stderr, "mpiloom: cannot restore the terminal: %s\n",
				strerror(errno));
		return -1;
	}
	return 0;
}

void tty_size(int fd, int *rows, int *cols)
{
	struct winsize ws;
	*rows = 24;
	*cols = 80;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

int tty_drain(int fd, int timeout_ms)
{
	if (isatty(fd))
		return tcdrain(fd) == 0 ? 0 : -1;
	/* a pipe's FIONREAD counts what its reader has not taken yet */
	for (int waited = 0; waited <= timeout_ms; waited++) {
		int queued;
		if (ioctl(fd, FIONREAD, &queued) < 0)
			return -1;
		if (queued == 0)
			return 0;
		clock_sleep_ns(1000000);
	}
	return -1;
}
