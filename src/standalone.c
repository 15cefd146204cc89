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

#include "log.h"
#include "standalone.h"
#include "xalloc.h"

static void on_event(void *ctx, const struct event *ev, const uint8_t *preview)
{
	log_writer_add(ctx, ev, preview);
}

static void on_rank_done(void *ctx, uint32_t rank, uint32_t total)
{
	log_writer_rank_done(ctx, rank, total);
}

static void on_flush(void *ctx)
{
	log_writer_flush(ctx);
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

struct log_writer *standalone_start(uint32_t nranks, int64_t max_rtt_ns)
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
	struct log_writer *w = log_writer_open(path, &h, &err);
	if (w == NULL)
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
	strbuf_free(&err);
	free(name);
	free(args);
	return w;
}

struct trace_recorder standalone_recorder(struct log_writer *w)
{
	struct trace_recorder rec = {w, on_event, on_rank_done, on_flush};
	return rec;
}

/* Every rank reached MPI_Finalize: each of them counts as ok. */
void standalone_finish(struct log_writer *w, const struct store *st)
{
	struct store_stats stats;
	store_stats(st, &stats);
	struct log_result res = {stats.ranks_final, store_nranks(st),
				 "every rank reached MPI_Finalize"};
	struct strbuf err = STRBUF_INIT;
	log_writer_result(w, &res);
	if (log_writer_close(w, &err) != 0)
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
	strbuf_free(&err);
}
