/* A stand-in for mpiexec and rank 0, so that tests/relay.sh can drive
 * relay_run without MPI: reads its stdin (the relay's pipe), decodes it
 * as rank 0 does and prints one line per key. 'q' and Ctrl-C end it with
 * status 0, 'x' with status 7, and 's' kills it with SIGSEGV like a
 * crashing rank. Like a UI it turns the mouse reporting on and hides the
 * cursor, and never undoes it: the relay must. With "ignore-term" it
 * ignores SIGTERM (the relay must then SIGKILL it); with "close-stdin" it
 * closes its stdin at once, says so and waits for a signal. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tui/keys.h"

static const char *const key_names[] = {
	[K_UP] = "up",
	[K_DOWN] = "down",
	[K_LEFT] = "left",
	[K_RIGHT] = "right",
	[K_HOME] = "home",
	[K_END] = "end",
	[K_PGUP] = "pgup",
	[K_PGDN] = "pgdn",
	[K_TAB] = "tab",
	[K_BTAB] = "btab",
	[K_ENTER] = "enter",
	[K_ESC] = "esc",
	[K_BACKSPACE] = "backspace",
	[K_INTERRUPT] = "interrupt",
};

static void print_key(const struct key *k)
{
	switch (k->code) {
	case K_CHAR:
		if (k->ch > 0x20 && k->ch < 0x7f)
			printf("key char %c\n", k->ch);
		else
			printf("key char 0x%02x\n", (unsigned)k->ch);
		break;
	case K_RESIZE:
		printf("key resize %dx%d\n", k->rows, k->cols);
		break;
	case K_MOUSE:
		printf("key mouse %d,%d button %d\n", k->x, k->y, k->button);
		break;
	default:
		printf("key %s\n", key_names[k->code] ? key_names[k->code] : "?");
	}
	fflush(stdout);
}

static _Noreturn void crash(void)
{
	/* no core file left behind by a test */
	struct rlimit none = {0, 0};
	if (setrlimit(RLIMIT_CORE, &none) < 0)
		perror("relay-child: setrlimit");
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
	_exit(99);
}

/* Prints a key, and ends the program on the keys that do. */
static void act(const struct key *k)
{
	print_key(k);
	if (k->code == K_INTERRUPT || (k->code == K_CHAR && k->ch == 'q'))
		exit(0);
	if (k->code == K_CHAR && k->ch == 'x')
		exit(7);
	if (k->code == K_CHAR && k->ch == 's')
		crash();
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v != NULL ? v : "unset";
}

/* The child that stopped reading: only a signal ends it. */
static _Noreturn void close_stdin(void)
{
	if (close(STDIN_FILENO) < 0)
		perror("relay-child: close");
	printf("child closed stdin\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct keyreader kr;
	struct key keys[256];
	unsigned char buf[256];
	const char *mode = argc > 1 ? argv[1] : "";
	keyreader_init(&kr);
	if (strcmp(mode, "ignore-term") == 0 && signal(SIGTERM, SIG_IGN) == SIG_ERR)
		perror("relay-child: signal");
	printf("\033[?1000h\033[?1006h\033[?25l");
	printf("child ready stdin=%s ui=%s lines=%s columns=%s ppid=%d\n",
	       isatty(0) ? "tty" : "pipe", env("MPILOOM_UI"), env("MPILOOM_LINES"),
	       env("MPILOOM_COLUMNS"), (int)getppid());
	fflush(stdout);
	if (strcmp(mode, "close-stdin") == 0)
		close_stdin();
	for (;;) {
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		/* a lone ESC is a key only once nothing follows it for 50 ms */
		int n = poll(&p, 1, kr.len > 0 ? 50 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("relay-child: poll");
			return 1;
		}
		size_t got;
		if (n == 0) {
			got = keyreader_flush(&kr, keys, 256);
		} else {
			ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				printf("child eof\n");
				return 0;
			}
			got = keyreader_feed(&kr, buf, (size_t)r, keys, 256);
		}
		for (size_t i = 0; i < got; i++)
			act(&keys[i]);
	}
}
