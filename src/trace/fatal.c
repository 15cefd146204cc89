/* A rank that crashes (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) in a
 * traced program: before it dies as it would have, its events are handed
 * to rank 0 and rank 0's log is written. The handler only stores atomics,
 * reads the clock, posts a semaphore and sleeps (async-signal-safe); rank
 * 0's collector, or the rank's shipping thread, untouched by the signal,
 * does the rest. A rank that calls exit(3) before MPI_Finalize goes the
 * same way, with an event that says so: mpiexec then kills every other
 * rank, and its report may name one of those rather than the first to
 * leave. Only in standalone mode:
 * mpiloom's own scenarios keep the default behaviour. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/tracer.h"

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])

/* What was installed before us (MPICH's UCX prints a backtrace): called
 * after the flush. A handler has no context argument: global. */
static struct sigaction previous[NFATAL];

static size_t put_text(char *buf, size_t at, const char *s)
{
	while (*s)
		buf[at++] = *s++;
	return at;
}

static size_t put_number(char *buf, size_t at, long v)
{
	char digits[24];
	size_t n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n > 0)
		buf[at++] = digits[--n];
	return at;
}

/* "mpiloom: rank 2 (pid 123) caught signal 11": the line `mpiloom run`
 * looks for, since mpiexec names a crashed process by pid at best.
 * snprintf is not async-signal-safe: the line is put together by hand. */
static void announce(int sig)
{
	char buf[128];
	size_t n = put_text(buf, 0, "mpiloom: rank ");
	n = put_number(buf, n, loom_tracer.rank);
	n = put_text(buf, n, " (pid ");
	n = put_number(buf, n, (long)getpid());
	n = put_text(buf, n, ") caught signal ");
	n = put_number(buf, n, sig);
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* nothing more can be done in a handler */
	}
}

static void on_fatal(int sig, siginfo_t *info, void *uctx)
{
	size_t i = 0;
	while (i < NFATAL && fatal_signals[i] != sig)
		i++;
	announce(sig);
	if (loom_tracer.ready)
		tracer_flush_for_abort();
	if (i < NFATAL && (previous[i].sa_flags & SA_SIGINFO) &&
	    previous[i].sa_sigaction != NULL) {
		previous[i].sa_sigaction(sig, info, uctx);
		return;
	}
	if (i < NFATAL && previous[i].sa_handler != SIG_DFL && previous[i].sa_handler != SIG_IGN &&
	    !(previous[i].sa_flags & SA_SIGINFO)) {
		previous[i].sa_handler(sig);
		return;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void fatal_catch(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NFATAL; i++)
		if (sigaction(fatal_signals[i], &sa, &previous[i]) != 0)
			previous[i].sa_handler = SIG_DFL;
}

/* The process that registered the handler: a child it forked inherits
 * the handler, but neither its rank nor its tracer. */
static pid_t exit_owner;

/* Between MPI_Init and MPI_Finalize only (ready): the status goes to
 * rank 0's log before the process ends, within the bounded wait of
 * tracer_flush_for_abort; the status itself is left as it was. */
static void on_exit_early(int status, void *arg)
{
	(void)arg;
	if (getpid() != exit_owner || !tracer_on())
		return;
	struct call c;
	tracer_before(&c, EV_EXIT);
	tracer_after(&c);
	c.rec.ev.tag = status;
	c.rec.ev.count = EV_UNSET;
	tracer_commit(&c);
	tracer_flush_for_abort();
}

void fatal_catch_exit(void)
{
	if (exit_owner != 0)
		return; /* once a process: a handler cannot be taken back */
	exit_owner = getpid();
	if (on_exit(on_exit_early, NULL) != 0)
		exit_owner = 0;
}
