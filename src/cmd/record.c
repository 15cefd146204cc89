#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/record.h"
#include "core/quote.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "log/writer.h"

struct record {
	struct log_writer *w;
	char *path; /* quoted, for messages */
};

static int cannot_record(const char *path)
{
	int e = errno;
	char *name = quote_dup(path);
	fprintf(stderr, "mpiloom: cannot record to %s: %s\n", name, strerror(e));
	free(name);
	return 2;
}

int record_check_path(const char *path)
{
	struct stat sb;
	int existed = stat(path, &sb) == 0;
	/* O_NONBLOCK: a FIFO with no reader is refused at once, not waited on */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
	if (fd < 0)
		return cannot_record(path);
	close(fd);
	if (!existed && unlink(path) != 0)
		return cannot_record(path);
	return 0;
}

static void on_event(void *ctx, const struct event *ev, const uint8_t *preview)
{
	struct record *r = ctx;
	log_writer_add(r->w, ev, preview);
}

static void on_rank_done(void *ctx, uint32_t rank, uint32_t total)
{
	struct record *r = ctx;
	log_writer_rank_done(r->w, rank, total);
}

static void on_flush(void *ctx)
{
	struct record *r = ctx;
	log_writer_flush(r->w);
}

static char *options_text(const struct options *o)
{
	struct strbuf sb = STRBUF_INIT;
	if (o->count_set)
		strbuf_printf(&sb, "--count %ld ", o->count);
	if (o->root_set)
		strbuf_printf(&sb, "--root %ld ", o->root);
	if (o->delay_ms)
		strbuf_printf(&sb, "--delay %ld ", o->delay_ms);
	if (o->reps_set)
		strbuf_printf(&sb, "--reps %ld ", o->reps);
	if (o->step)
		strbuf_puts(&sb, "--step ");
	if (o->textbook)
		strbuf_puts(&sb, o->textbook == TEXTBOOK_LINEAR ? "--collectives linear "
								 : "--collectives textbook ");
	if (sb.len > 0)
		sb.s[--sb.len] = '\0';
	char *s = xstrdup(strbuf_str(&sb));
	strbuf_free(&sb);
	return s;
}

struct record *record_start(const char *path, const char *scenario, const struct options *o,
			    uint32_t nranks)
{
	char host[256] = "";
	struct trace_clock clock;
	struct strbuf err = STRBUF_INIT;
	if (gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "unknown");
	trace_clock(&clock);
	char *args = options_text(o);
	struct log_header h = {LOG_FORMAT_VERSION, nranks, (int64_t)time(NULL),
			       clock.max_rtt_ns, (char *)scenario, args, host};
	struct record *r = xcalloc(1, sizeof *r);
	r->w = log_writer_open(path, &h, &err);
	free(args);
	if (r->w == NULL) {
		fprintf(stderr, "mpiloom: %s\n", strbuf_str(&err));
		strbuf_free(&err);
		free(r);
		return NULL;
	}
	strbuf_free(&err);
	r->path = quote_dup(path);
	struct trace_recorder rec = {r, on_event, on_rank_done, on_flush};
	trace_set_recorder(&rec);
	return r;
}

int record_finish(struct record *r, uint32_t ok_ranks, uint32_t size, const char *text)
{
	struct strbuf err = STRBUF_INIT;
	struct log_result res = {ok_ranks, size, (char *)(text ? text : "")};
	struct trace_recorder none = {NULL, NULL, NULL, NULL};
	trace_set_recorder(&none);
	int rc = log_writer_result(r->w, &res);
	if (log_writer_close(r->w, &err) != 0 || rc != 0) {
		fprintf(stderr, "mpiloom: recording to %s failed: %s\n", r->path,
			err.len ? strbuf_str(&err) : "write error");
		rc = -1;
	}
	strbuf_free(&err);
	free(r->path);
	free(r);
	return rc;
}
