#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd/child.h"
#include "cmd/relay.h"
#include "core/quote.h"
#include "tui/keys.h"
#include "tui/signals.h"
#include "tui/tty.h"

/* How long mpiexec gets to end its ranks after SIGTERM, before SIGKILL. */
#define RELAY_GRACE_MS 5000
/* Input the child has not read yet. Fixed: reads never ask for more than
 * the room left, and keys beyond it are dropped (see relay_input). */
#define RELAY_BUF 4096

/* A child that died mid-draw may have left the mouse reporting on and
 * the cursor hidden; the saved termios knows nothing of either. */
static const char terminal_reset[] = TTY_MOUSE_OFF "\033[?25h";

static const int relay_signals[] = {SIGCHLD, SIGWINCH, SIGINT, SIGTERM,
				    SIGHUP,  SIGQUIT,  SIGPIPE};
#define NSIGNALS (sizeof relay_signals / sizeof relay_signals[0])

enum ending { RUNNING, TERMINATING, KILLED };

struct relay {
	long long last_interrupt; /* ms of the last Ctrl-C typed, or 0 */
	int tty;              /* the terminal: stdin */
	struct termios saved; /* its settings before raw mode */
	int started;          /* raw mode is on: restore before leaving */
	struct signals sig;   /* caught while the relay runs */
	int child_stdin; /* read end of the child's stdin, until the fork */
	int to_child;    /* write end of it, -1 once closed */
	pid_t child;
	int reaped;
	int status; /* waitpid's, once reaped; -1 if lost */
	enum ending ending;
	long long kill_at; /* CLOCK_MONOTONIC ms of the SIGKILL, when TERMINATING */
	int tty_open;      /* still reading the terminal */
	int resize_pending;
	int stopped_by; /* the signal that ended the run, or 0 */
	unsigned char out[RELAY_BUF];
	size_t outlen;
	char *name; /* argv[0] quoted for messages, before the fork */
};

/* Nor does an atexit handler: the relay whose terminal to restore if
 * someone calls exit() (xmalloc does) while raw mode is on. */
static struct relay *relay_at_exit;

static void write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return; /* a terminal that hung up: nobody left to tell */
		p += k;
		n -= (size_t)k;
	}
}

static void relay_restore(struct relay *r)
{
	if (!r->started)
		return;
	r->started = 0;
	relay_at_exit = NULL;
	write_all(STDOUT_FILENO, terminal_reset, sizeof terminal_reset - 1);
	tty_restore(r->tty, &r->saved);
}

static void relay_exit_hook(void)
{
	if (relay_at_exit != NULL)
		relay_restore(relay_at_exit);
}

static int relay_raw(struct relay *r)
{
	if (tty_make_raw(r->tty, &r->saved) < 0)
		return -1;
	r->started = 1;
	relay_at_exit = r;
	return 0;
}

static void close_fd(int *fd)
{
	/* after close fails (even EINTR) the fd is gone on Linux: no retry */
	if (*fd >= 0 && close(*fd) < 0 && errno != EINTR)
		fprintf(stderr, "mpiloom: close: %s\n", strerror(errno));
	*fd = -1;
}

static int relay_setup(struct relay *r)
{
	int in[2];
	const char *what = "read the terminal settings";
	if (tcgetattr(r->tty, &r->saved) < 0)
		goto fail;
	/* the child's end blocks, as a stdin should; ours does not */
	if (pipe2(in, O_CLOEXEC) < 0)
		goto fail;
	r->child_stdin = in[0];
	r->to_child = in[1];
	if (fcntl(r->to_child, F_SETFL, O_NONBLOCK) < 0)
		goto fail;
	what = "install signal handlers";
	if (signals_catch(&r->sig, relay_signals, NSIGNALS) < 0 || atexit(relay_exit_hook) != 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "mpiloom: cannot %s: %s\n", what, strerror(errno));
	return -1;
}

/* The child: mpiexec as the launcher would run it, but with our pipe as
 * stdin, and the signal handling the launcher itself was given. */
static _Noreturn void relay_child(struct relay *r, char *const argv[], const sigset_t *mask,
				  pid_t parent)
{
	char lines[16], columns[16];
	int rows, cols;
	signals_reset_in_child(&r->sig);
	child_die_with_parent(parent);
	if (sigprocmask(SIG_SETMASK, mask, NULL) < 0)
		_exit(127); /* cannot fail with a valid set: no message */
	tty_size(r->tty, &rows, &cols);
	snprintf(lines, sizeof lines, "%d", rows);
	snprintf(columns, sizeof columns, "%d", cols);
	if (dup2(r->child_stdin, STDIN_FILENO) < 0 || setenv("MPILOOM_UI", "1", 1) < 0 ||
	    setenv("MPILOOM_LINES", lines, 1) < 0 || setenv("MPILOOM_COLUMNS", columns, 1) < 0) {
		fprintf(stderr, "mpiloom: cannot prepare %s: %s\n", r->name, strerror(errno));
		_exit(127);
	}
	execv(argv[0], argv);
	fprintf(stderr, "mpiloom: cannot run %s: %s\n", r->name, strerror(errno));
	_exit(127);
}

static long long now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return LLONG_MAX; /* no clock: every deadline has passed */
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int relay_start(struct relay *r, char *const argv[])
{
	sigset_t all, old;
	sigfillset(&all);
	if (relay_raw(r) < 0) {
		fprintf(stderr, "mpiloom: cannot set the terminal to raw mode: %s\n",
			strerror(errno));
		return -1;
	}
	/* blocked across fork, so that no handler of ours runs in the child */
	if (sigprocmask(SIG_BLOCK, &all, &old) < 0) {
		int e = errno;
		relay_restore(r);
		fprintf(stderr, "mpiloom: sigprocmask: %s\n", strerror(e));
		return -1;
	}
	pid_t self = getpid();
	r->child = fork();
	int fork_errno = errno;
	if (r->child == 0)
		relay_child(r, argv, &old, self);
	if (sigprocmask(SIG_SETMASK, &old, NULL) < 0)
		fprintf(stderr, "mpiloom: sigprocmask: %s\n", strerror(errno));
	if (r->child < 0) {
		relay_restore(r);
		fprintf(stderr, "mpiloom: cannot start %s: %s\n", r->name, strerror(fork_errno));
		return -1;
	}
	close_fd(&r->child_stdin);
	return 0;
}

/* Asks mpiexec to end (hydra then ends every rank), SIGKILL later. */
static void relay_terminate(struct relay *r)
{
	if (r->ending != RUNNING || r->reaped)
		return;
	if (kill(r->child, SIGTERM) < 0 && errno != ESRCH)
		fprintf(stderr, "mpiloom: cannot stop %d: %s\n", (int)r->child, strerror(errno));
	r->ending = TERMINATING;
	r->kill_at = now_ms();
	if (r->kill_at != LLONG_MAX)
		r->kill_at += RELAY_GRACE_MS;
}

static void relay_deadline(struct relay *r)
{
	if (r->ending != TERMINATING || r->reaped || now_ms() < r->kill_at)
		return;
	if (kill(r->child, SIGKILL) < 0 && errno != ESRCH)
		fprintf(stderr, "mpiloom: cannot kill %d: %s\n", (int)r->child, strerror(errno));
	r->ending = KILLED;
}

static int poll_timeout(const struct relay *r)
{
	if (r->ending != TERMINATING)
		return -1;
	long long left = r->kill_at - now_ms();
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

static void relay_read_signals(struct relay *r)
{
	int sig;
	while ((sig = signals_take(&r->sig)) != 0) {
		if (sig == SIGWINCH)
			r->resize_pending = 1;
		else if (sig != SIGCHLD) { /* SIGCHLD: relay_reap looks anyway */
			if (r->stopped_by == 0)
				r->stopped_by = sig;
			relay_terminate(r);
		}
	}
}

static void relay_input(struct relay *r)
{
	unsigned char buf[1024];
	ssize_t n = read(r->tty, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* hung up: the child gets EOF once the rest is sent */
		r->tty_open = 0;
		return;
	}
	size_t got = (size_t)n;
	size_t keep = r->to_child < 0 ? 0 : sizeof r->out - r->outlen;
	if (keep > got)
		keep = got;
	memcpy(r->out + r->outlen, buf, keep);
	r->outlen += keep;
	/* Keys the child does not take are dropped, not left unread in the
	 * terminal, so that a Ctrl-C among them can still end the child. */
	if (keep < got && memchr(buf + keep, 0x03, got - keep) != NULL)
		relay_terminate(r);
	/* Ctrl-C is the screen's to act on; a second one within two seconds
	 * means nobody did (rank 0 has no screen, or is stuck): end the run. */
	if (memchr(buf, 0x03, got) != NULL) {
		long long now = now_ms();
		if (r->last_interrupt != 0 && now - r->last_interrupt <= 2000)
			relay_terminate(r);
		r->last_interrupt = now;
	}
}

static void relay_resize(struct relay *r)
{
	char msg[32];
	int rows, cols;
	if (!r->resize_pending || r->to_child < 0)
		return;
	tty_size(r->tty, &rows, &cols);
	int n = keys_resize_message(msg, sizeof msg, rows, cols);
	/* no room: sent once the child has read, with the size of then */
	if (n < 0 || (size_t)n > sizeof r->out - r->outlen)
		return;
	memcpy(r->out + r->outlen, msg, (size_t)n);
	r->outlen += (size_t)n;
	r->resize_pending = 0;
}

static void relay_output(struct relay *r)
{
	while (r->outlen > 0 && r->to_child >= 0) {
		ssize_t n = write(r->to_child, r->out, r->outlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			/* EPIPE: the child closed its stdin; keys go nowhere now,
			 * but a Ctrl-C among them still ends it */
			if (memchr(r->out, 0x03, r->outlen) != NULL)
				relay_terminate(r);
			r->outlen = 0;
			close_fd(&r->to_child);
			return;
		}
		memmove(r->out, r->out + n, r->outlen - (size_t)n);
		r->outlen -= (size_t)n;
	}
	if (!r->tty_open)
		close_fd(&r->to_child);
}

static void relay_reap(struct relay *r)
{
	int status;
	pid_t p = waitpid(r->child, &status, WNOHANG);
	if (p == r->child) {
		r->status = status;
		r->reaped = 1;
	} else if (p < 0 && errno != EINTR) {
		fprintf(stderr, "mpiloom: lost track of %d: %s\n", (int)r->child, strerror(errno));
		r->status = -1;
		r->reaped = 1;
	}
}

static void relay_loop(struct relay *r)
{
	while (!r->reaped) {
		struct pollfd pfd[3] = {{.fd = r->sig.fd[0], .events = POLLIN}};
		nfds_t n = 1, tty = 0;
		if (r->tty_open) {
			tty = n;
			pfd[n++] = (struct pollfd){.fd = r->tty, .events = POLLIN};
		}
		/* writable or not, relay_output tries and hears EAGAIN: this is
		 * only to wake up when the child has read */
		if (r->outlen > 0 && r->to_child >= 0)
			pfd[n++] = (struct pollfd){.fd = r->to_child, .events = POLLOUT};
		int k = poll(pfd, n, poll_timeout(r));
		if (k < 0 && errno != EINTR) {
			fprintf(stderr, "mpiloom: poll: %s\n", strerror(errno));
			relay_terminate(r);
			/* no busy loop while the child ends; an early wake is harmless */
			struct timespec nap = {0, 10 * 1000000};
			if (nanosleep(&nap, NULL) < 0 && errno != EINTR)
				fprintf(stderr, "mpiloom: nanosleep: %s\n", strerror(errno));
		}
		if (k > 0 && pfd[0].revents != 0)
			relay_read_signals(r);
		if (k > 0 && tty != 0 && pfd[tty].revents != 0)
			relay_input(r);
		relay_resize(r);
		relay_output(r);
		relay_reap(r);
		relay_deadline(r);
	}
}

/* The statuses mpiloom ends with on its own, its screen closed first;
 * anything else (a rank killed, mpiexec's own failure) may have left the
 * terminal in the screen's alternate buffer. */
static int own_exit(int rc)
{
	return rc == 0 || rc == 1 || rc == 2 || rc == 3 || rc == 4 || rc == 130;
}

static void leave_screen(struct relay *r)
{
	static const char leave[] = "\033[?1049l\033[m";
	if (r->started)
		write_all(STDOUT_FILENO, leave, sizeof leave - 1);
}

/* After an end that was not mpiloom's own, what mpiexec said went with the
 * alternate screen: one line says how it ended. MPICH's mpiexec exits with
 * the signal's number when a rank was killed by one. */
static void say_abnormal(const char *prog, int rc)
{
	char *name = quote_dup(strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog);
	if (rc > 128 && rc < 128 + NSIG)
		fprintf(stderr, "mpiloom: %s was killed by signal %d (%s)\n", name, rc - 128,
			strsignal(rc - 128));
	else if (rc > 0 && rc < NSIG)
		fprintf(stderr,
			"mpiloom: the run ended abnormally: %s exited with status %d, as it does "
			"when a rank is killed by signal %d (%s)\n",
			name, rc, rc, strsignal(rc));
	else
		fprintf(stderr, "mpiloom: the run ended abnormally: %s exited with status %d\n", name,
			rc);
	free(name);
}

int relay_run(char *const argv[])
{
	struct relay r;
	int rc = 2;
	memset(&r, 0, sizeof r);
	r.tty = STDIN_FILENO;
	r.child_stdin = r.to_child = -1;
	r.tty_open = 1;
	r.name = quote_dup(argv[0]);
	if (relay_setup(&r) == 0 && relay_start(&r, argv) == 0) {
		relay_loop(&r);
		/* stopped by a signal: the shell's rule, whatever mpiexec said */
		rc = r.stopped_by ? 128 + r.stopped_by : child_exit_code(r.status);
	}
	int abnormal = !own_exit(rc) && r.started && !r.stopped_by;
	if (abnormal)
		leave_screen(&r);
	relay_restore(&r);
	if (abnormal)
		say_abnormal(argv[0], rc);
	signals_release(&r.sig);
	close_fd(&r.to_child);
	close_fd(&r.child_stdin);
	free(r.name);
	return rc;
}
