/* Signals as ordinary events: a caught signal's number goes into a pipe
 * that the main loop polls beside its other descriptors, so nothing but a
 * write(2) ever runs inside a handler. The launcher's relay, the screen's
 * session and `mpiloom run`'s text view all take their signals this way. */
#ifndef MPILOOM_SIGNALS_H
#define MPILOOM_SIGNALS_H

#include <signal.h>
#include <stddef.h>

#define SIGNALS_MAX 8

struct signals {
	int fd[2]; /* the pipe: poll fd[0] for POLLIN; -1 when closed */
	size_t n;
	int sig[SIGNALS_MAX];
	struct sigaction old[SIGNALS_MAX];
	int prev_write_fd; /* an outer catcher's pipe, put back by release */
	int on;
};

/* Catches the n signals of sigs (SIGPIPE among them is ignored instead:
 * write(2)'s EPIPE says it already; SIGCHLD is not sent for stops). While
 * it is on, an earlier catcher's signals come here. Returns 0, or -1 with
 * errno set and nothing changed. */
int signals_catch(struct signals *s, const int *sigs, size_t n);
/* The next caught signal, or 0 when none is waiting. */
int signals_take(struct signals *s);
/* The handlers as they were, the pipe closed. Safe to call twice. */
void signals_release(struct signals *s);
/* In a child about to exec: the dispositions as they were, the pipe left
 * to close-on-exec. */
void signals_reset_in_child(struct signals *s);

#endif
