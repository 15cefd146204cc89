/* Standalone mode: the trace library preloaded into (or linked with) a
 * program that is not mpiloom. There is no mpiloom on rank 0 to keep the
 * events, so with MPILOOM_RECORD=<path> in the environment rank 0 writes
 * them to a log while the run goes on; `mpiloom run` follows that file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "log/writer.h"
#include "trace/standalone.h"

struct standalone {
	struct log_writer *w; /* NULL: the file could not be created */
	uint32_t nranks;
	uint32_t finals; /* ranks that sent their last batch */
	int told;	 /* the failure is on stderr already */
};

/* One line, once, as soon as a write fails (a full disk): the program
 * runs on as it would have, and its user learns why the recording stops
 * there even if MPI_Finalize, where the log is closed, never comes. */
static void tell_failure(struct standalone *sa, const char *why)
{
	if (sa->told || why == NULL)
		return;
	sa->told = 1;
	fprintf(stderr, "mpiloom: %s (the program runs on; the recording %s)\n", why,
		sa->w != NULL ? "keeps what was written before" : "is lost");
}

static void on_event(void *ctx, const struct event *ev, const uint8_t *preview)
{
	struct standalone *sa = ctx;
	if (sa->w != NULL && log_writer_add(sa->w, ev, preview) != 0)
		tell_failure(sa, log_writer_error(sa->w));
}

static void on_rank_done(void *ctx, uint32_t rank, uint32_t total)
{
	struct standalone *sa = ctx;
	sa->finals++;
	if (sa->w != NULL && log_writer_rank_done(sa->w, rank, total) != 0)
		tell_failure(sa, log_writer_error(sa->w));
}

static void on_flush(void *ctx)
{
	struct standalone *sa = ctx;
	if (sa->w != NULL && log_writer_flush(sa->w) != 0)
		tell_failure(sa, log_writer_error(sa->w));
}

/* The program's command line, from /proc: MPI_Init may be given NULL. */
static void command_line(char **name, char **args)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f = fopen("/proc/self/cmdline", "r");
	int c;
	while (f != NULL && (c = getc(f)) != EOF && sb.len < LOG_STRING_MAX)
		strbuf_putc(&sb, c == '\0' ? '\n' : (char)c);
	if (f != NULL)
		fclose(f);
	const char *all = strbuf_str(&sb);
	size_t n = strcspn(all, "\n");
	*name = strndup(all, n);
	*args = xstrdup(all[n] ? all + n + 1 : "");
	for (char *p = *args; *p; p++)
		if (*p == '\n')
			*p = ' ';
	size_t len = strlen(*args);
	if (len > 0 && (*args)[len - 1] == ' ')
		(*args)[len - 1] = '\0';
	if (*name == NULL)
		*name = xstrdup("?");
	strbuf_free(&sb);
}

struct standalone *standalone_start(uint32_t nranks, int64_t max_rtt_ns)
{
	const char *path = getenv("MPILOOM_RECORD");
	if (path == NULL || *path == '\0')
		return NULL;
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "unknown");
	char *name, *args;
	command_line(&name, &args);
	struct log_header h = {LOG_FORMAT_VERSION, nranks, (int64_t)time(NULL), max_rtt_ns,
			       name, args, host};
	struct strbuf err = STRBUF_INIT;
	struct standalone *sa = xcalloc(1, sizeof *sa);
	sa->w = log_writer_open(path, &h, &err);
	sa->nranks = nranks;
	/* without a file the events still come to rank 0 (the ranks ship
	 * them whatever happens here) and are dropped: kept in a store,
	 * they would grow rank 0 for nothing */
	if (sa->w == NULL)
		tell_failure(sa, strbuf_str(&err));
	strbuf_free(&err);
	free(name);
	free(args);
	return sa;
}

struct trace_recorder standalone_recorder(struct standalone *sa)
{
	struct trace_recorder rec = {sa, on_event, on_rank_done, on_flush};
	return rec;
}

/* Every rank that finished reached MPI_Finalize: each of them is ok. */
void standalone_finish(struct standalone *sa)
{
	struct log_result res = {sa->finals, sa->nranks, "every rank reached MPI_Finalize"};
	struct strbuf err = STRBUF_INIT;
	if (sa->w != NULL) {
		log_writer_result(sa->w, &res);
		if (log_writer_close(sa->w, &err) != 0)
			tell_failure(sa, strbuf_str(&err));
	}
	strbuf_free(&err);
	free(sa);
}
