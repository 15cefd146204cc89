#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cmd/program-fault.h"
#include "core/xalloc.h"

static const struct event *last_event(const struct store *st, uint32_t rank)
{
	size_t n = store_rank_count(st, rank);
	if (n == 0)
		return NULL;
	struct event_ref ref = {rank, (uint32_t)(n - 1)};
	return store_event(st, ref);
}

/* The rank whose EV_INIT carries this process id (see wrap-setup.c). */
static int rank_of_pid(const struct store *st, long pid)
{
	for (uint32_t r = 0; st != NULL && r < store_nranks(st); r++) {
		struct event_ref ref = {r, 0};
		if (store_rank_count(st, r) > 0 && store_event(st, ref)->kind == EV_INIT &&
		    store_event(st, ref)->count == pid)
			return (int)r;
	}
	return -1;
}

/* A number after `key` in the captured lines (hydra's report), or -1. */
static long find_number(const char *text, const char *key)
{
	const char *p = text ? strstr(text, key) : NULL;
	if (p == NULL)
		return -1;
	char *end;
	long v = strtol(p + strlen(key), &end, 10);
	return end == p + strlen(key) ? -1 : v;
}

static void say(struct strbuf *lines, int *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One finding: a line of its own. */
static void say(struct strbuf *lines, int *n, const char *fmt, ...)
{
	va_list ap;
	if ((*n)++ > 0)
		strbuf_putc(lines, '\n');
	va_start(ap, fmt);
	strbuf_vprintf(lines, fmt, ap);
	va_end(ap);
}

/* The trace library's own line from a crashing rank (fatal.c), else
 * hydra's report, which names a process by pid only ("PID 123 RUNNING AT",
 * "EXIT CODE: 9": the signal's number when it was killed). */
static int bad_termination(const struct progfault_in *in, struct strbuf *lines, int n,
			   int *culprit)
{
	const char *text = in->out ? strbuf_str((struct strbuf *)&in->out->lines) : NULL;
	const char *caught = text ? strstr(text, "mpiloom: rank ") : NULL;
	*culprit = -1;
	if (caught != NULL) {
		long rank = find_number(caught, "mpiloom: rank "), pid = find_number(caught, "(pid ");
		long sig = find_number(caught, "caught signal ");
		if (rank >= 0 && sig > 0) {
			*culprit = (int)rank;
			say(lines, &n, "rank %ld (pid %ld) crashed: signal %ld (%s)", rank, pid, sig,
			    strsignal((int)sig));
			return n;
		}
	}
	long pid = find_number(text, "=   PID ");
	long code = find_number(text, "=   EXIT CODE: ");
	if (pid < 0 || code < 0)
		return n;
	*culprit = rank_of_pid(in->st, pid);
	char who[64];
	if (*culprit >= 0)
		snprintf(who, sizeof who, "rank %d (pid %ld)", *culprit, pid);
	else
		snprintf(who, sizeof who, "a process (pid %ld)", pid);
	/* "EXIT STRING: Killed (signal 9)" with exit code 9: a signal. Only
	 * mpiexec's word: when it cleans up it may name a rank it killed
	 * itself rather than the first to die. */
	if (find_number(text, "(signal ") == code)
		say(lines, &n, "mpiexec reports: %s killed by signal %ld (%s)", who, code,
		    strsignal((int)code));
	else
		say(lines, &n, "mpiexec reports: %s ended with exit code %ld", who, code);
	return n;
}

static int by_time(const void *a, const void *b)
{
	const struct event *x = *(const struct event *const *)a;
	const struct event *y = *(const struct event *const *)b;
	if (x->t_begin != y->t_begin)
		return x->t_begin < y->t_begin ? -1 : 1;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

/* The ranks that called exit(3) before MPI_Finalize (fatal.c records it),
 * the first to leave first: mpiexec kills the others then, and its own
 * report may name one of those. */
static int early_exits(const struct progfault_in *in, struct strbuf *lines, int n)
{
	uint32_t nranks = in->st != NULL ? store_nranks(in->st) : 0, k = 0;
	const struct event **exits = xcalloc(nranks ? nranks : 1, sizeof *exits);
	for (uint32_t r = 0; r < nranks; r++) {
		const struct event *e = last_event(in->st, r);
		if (e != NULL && e->kind == EV_EXIT)
			exits[k++] = e;
	}
	qsort(exits, k, sizeof *exits, by_time);
	for (uint32_t i = 0; i < k; i++)
		say(lines, &n, "rank %u called exit(%d) before MPI_Finalize", exits[i]->rank,
		    exits[i]->tag);
	free(exits);
	return n;
}

/* Aborts first: the cause, before the ranks it took down. */
static int rank_ends(const struct progfault_in *in, int culprit, int anything, struct strbuf *lines,
		     int n)
{
	uint32_t nranks = in->st != NULL ? store_nranks(in->st) : 0;
	for (uint32_t r = 0; r < nranks; r++) {
		const struct event *e = last_event(in->st, r);
		if (e != NULL && e->kind == EV_ABORT)
			say(lines, &n, "rank %u called MPI_Abort (error code %d)", r, e->tag);
	}
	for (uint32_t r = 0; r < nranks && anything; r++) {
		const struct event *e = last_event(in->st, r);
		if (e == NULL)
			say(lines, &n, "rank %u made no traced call", r);
		else if (!event_is_end(e) && (int)r != culprit)
			say(lines, &n, "rank %u did not reach MPI_Finalize (last traced call: %s)", r,
			    event_kind_name(e->kind));
	}
	return n;
}

int progfault_describe(const struct progfault_in *in, struct strbuf *lines)
{
	int n = 0, culprit = -1, ws = in->wait_status;
	int failed = !WIFEXITED(ws) || WEXITSTATUS(ws) != 0 || in->stop != STOP_NONE;
	if (in->stop == STOP_USER)
		say(lines, &n, "stopped by the user before the program ended");
	else if (in->stop == STOP_TIMEOUT)
		say(lines, &n, "stopped after the time limit of %ld s (--timeout)", in->timeout_s);
	else if (in->stop == STOP_SIGNAL)
		say(lines, &n, "stopped by a signal before the program ended");
	n = early_exits(in, lines, n);
	if (failed && in->stop == STOP_NONE)
		n = bad_termination(in, lines, n, &culprit);
	n = rank_ends(in, culprit, failed, lines, n);
	if (failed && n == 0 && WIFEXITED(ws))
		say(lines, &n, "mpiexec exited with status %d", WEXITSTATUS(ws));
	else if (failed && n == 0)
		say(lines, &n, "mpiexec was killed by signal %d", WTERMSIG(ws));
	return n;
}
