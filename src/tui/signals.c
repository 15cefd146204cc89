#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tui/signals.h"

/* A handler gets no argument: this is its only way to the pipe. */
static volatile sig_atomic_t write_fd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	/* fails only when the pipe is full, and then the loop is awake anyway */
	ssize_t n = write(write_fd, &b, 1);
	(void)n;
	errno = saved;
}

static void put_back(struct signals *s, size_t count)
{
	for (size_t i = 0; i < count; i++)
		sigaction(s->sig[i], &s->old[i], NULL); /* it worked once, so it works */
}

int signals_catch(struct signals *s, const int *sigs, size_t n)
{
	memset(s, 0, sizeof *s);
	s->fd[0] = s->fd[1] = -1;
	if (n > SIGNALS_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (pipe2(s->fd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	s->prev_write_fd = write_fd;
	write_fd = s->fd[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++) {
		s->sig[i] = sigs[i];
		sa.sa_handler = sigs[i] == SIGPIPE ? SIG_IGN : on_signal;
		sa.sa_flags = sigs[i] == SIGCHLD ? SA_NOCLDSTOP : 0;
		if (sigaction(sigs[i], &sa, &s->old[i]) < 0) {
			int e = errno;
			put_back(s, i);
			write_fd = s->prev_write_fd;
			close(s->fd[0]);
			close(s->fd[1]);
			s->fd[0] = s->fd[1] = -1;
			errno = e;
			return -1;
		}
	}
	s->n = n;
	s->on = 1;
	return 0;
}

int signals_take(struct signals *s)
{
	unsigned char b;
	if (!s->on || read(s->fd[0], &b, 1) != 1)
		return 0;
	return b;
}

void signals_reset_in_child(struct signals *s)
{
	if (s->on)
		put_back(s, s->n);
}

void signals_release(struct signals *s)
{
	if (!s->on)
		return;
	put_back(s, s->n);
	write_fd = s->prev_write_fd;
	close(s->fd[0]);
	close(s->fd[1]);
	s->fd[0] = s->fd[1] = -1;
	s->on = 0;
}
