/* Following a log while it is written (what `mpiloom run` does with rank
 * 0's file): each poll hands over exactly the whole chunks written since
 * the last one, a half-written chunk waits for the next poll, the end
 * record ends it; output chunks read back as escaped lines, and a reader
 * of the whole file sees the same. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "log/follower.h"
#include "log/output.h"
#include "log/reader.h"
#include "log/writer.h"
#include "unit.h"

struct seen {
	int headers;
	uint32_t nranks;
	int events;
	int totals;
	int results;
	char result[64];
};

static void on_header(void *ctx, const struct log_header *h)
{
	struct seen *s = ctx;
	s->headers++;
	s->nranks = h->nranks;
}

static void on_event(void *ctx, const struct event *ev, const uint8_t *preview)
{
	struct seen *s = ctx;
	(void)preview;
	CHECK(ev->seq == (uint32_t)(s->events / 2)); /* two ranks, in turn */
	s->events++;
}

static void on_total(void *ctx, uint32_t rank, uint32_t total)
{
	struct seen *s = ctx;
	CHECK(rank < 2 && total == 3);
	s->totals++;
}

static void on_result(void *ctx, const struct log_result *r)
{
	struct seen *s = ctx;
	snprintf(s->result, sizeof s->result, "%u/%u %s", r->ok_ranks, r->size, r->text);
	s->results++;
}

static struct event init_event(uint32_t rank, uint32_t seq)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_INIT;
	ev.rank = rank;
	ev.seq = seq;
	ev.t_begin = 1000 * (int64_t)seq + rank;
	ev.peer = ev.tag = ev.st_source = ev.st_tag = ev.st_count = ev.st_elements = EV_UNSET;
	return ev;
}

static int poll_once(struct log_follower *f, struct seen *s)
{
	struct log_sink sink = {s, on_header, on_event, on_total, on_result};
	struct strbuf err = STRBUF_INIT;
	int rc = log_follow_poll(f, &sink, &err);
	if (rc < 0)
		fprintf(stderr, "test-follow: %s\n", strbuf_str(&err));
	strbuf_free(&err);
	return rc;
}

static void add_round(struct log_writer *w, uint32_t seq)
{
	for (uint32_t r = 0; r < 2; r++) {
		struct event ev = init_event(r, seq);
		CHECK(log_writer_add(w, &ev, NULL) == 0);
	}
}

static off_t file_size(const char *path)
{
	struct stat sb;
	CHECK(stat(path, &sb) == 0);
	return sb.st_size;
}

/* A copy of the first `bytes` of src at dst: a writer caught mid-chunk. */
static void copy_prefix(const char *src, const char *dst, off_t bytes)
{
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *buf = xmalloc((size_t)bytes + 1);
	CHECK(in >= 0 && out >= 0);
	CHECK(read(in, buf, (size_t)bytes) == bytes);
	CHECK(write(out, buf, (size_t)bytes) == bytes);
	free(buf);
	close(in);
	close(out);
}

static void test_follow(const char *dir)
{
	char path[512], part[512];
	snprintf(path, sizeof path, "%s/run.loom", dir);
	snprintf(part, sizeof part, "%s/part.loom", dir);
	struct strbuf err = STRBUF_INIT;
	/* an empty file: rank 0 has not started yet */
	copy_prefix("/dev/null", part, 0);
	struct log_follower *f = log_follow_open(part, &err);
	struct seen s;
	memset(&s, 0, sizeof s);
	CHECK(f != NULL);
	CHECK(poll_once(f, &s) == 0 && s.headers == 0);

	struct log_header h = {LOG_FORMAT_VERSION, 2, 0, 0, "prog", "1 2", "host"};
	struct log_writer *w = log_writer_open(path, &h, &err);
	CHECK(w != NULL);
	add_round(w, 0);
	CHECK(log_writer_flush(w) == 0);
	off_t first = file_size(path);
	add_round(w, 1);
	add_round(w, 2);
	CHECK(log_writer_output(w, OUTPUT_STDOUT, 5, "hello\nwor", 9) == 0);
	CHECK(log_writer_output(w, OUTPUT_STDERR, 6, "oops\x1b[2J\n", 9) == 0);
	CHECK(log_writer_output(w, OUTPUT_STDOUT, 7, "ld\n", 3) == 0);
	CHECK(log_writer_rank_done(w, 0, 3) == 0 && log_writer_rank_done(w, 1, 3) == 0);
	struct log_result res = {2, 2, "fine"};
	CHECK(log_writer_result(w, &res) == 0);
	CHECK(log_writer_close(w, &err) == 0);

	/* the header and the first chunk, then half of the next chunk */
	copy_prefix(path, part, first);
	CHECK(poll_once(f, &s) == 0 && s.headers == 1 && s.nranks == 2 && s.events == 2);
	copy_prefix(path, part, first + 30);
	CHECK(poll_once(f, &s) == 0 && s.events == 2);
	copy_prefix(path, part, file_size(path));
	CHECK(poll_once(f, &s) == 1);
	CHECK(s.headers == 1 && s.events == 6 && s.totals == 2 && s.results == 1);
	CHECK(strcmp(s.result, "2/2 fine") == 0);
	CHECK(poll_once(f, &s) == 1 && s.events == 6); /* nothing twice */
	log_follow_close(f);

	/* the whole file: output lines, escaped, in the order they came */
	struct store *st = NULL;
	struct log_report rep;
	CHECK(log_read(path, &st, NULL, &rep, &err) == 0);
	CHECK(rep.output.nlines == 3);
	CHECK(strcmp(strbuf_str(&rep.output.lines),
		     "[stdout] hello\n[stderr] oops\\x1b[2J\n[stdout] world\n") == 0);
	log_report_free(&rep);
	store_free(st);
	strbuf_free(&err);
	unlink(path);
	unlink(part);
}

static void test_not_a_log(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/junk", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, "#!/bin/sh\necho hi\n", 18) == 18);
	close(fd);
	struct strbuf err = STRBUF_INIT;
	struct log_follower *f = log_follow_open(path, &err);
	struct seen s;
	memset(&s, 0, sizeof s);
	CHECK(f != NULL && poll_once(f, &s) == -1 && s.headers == 0);
	log_follow_close(f);
	CHECK(log_follow_open("/nonexistent/x", &err) == NULL);
	strbuf_free(&err);
	unlink(path);
}

/* Lines split across pieces join; a long line is cut; the cap counts. */
static void test_output(void)
{
	struct output o;
	output_init(&o);
	output_add(&o, OUTPUT_STDOUT, "a", 1);
	output_add(&o, OUTPUT_STDERR, "b\n", 2);
	output_add(&o, OUTPUT_STDOUT, "c\nd", 3);
	size_t len;
	const char *p = output_new_lines(&o, &len);
	CHECK(len == strlen("[stderr] b\n[stdout] ac\n") && memcmp(p, "[stderr] b\n[stdout] ac\n", len) == 0);
	output_end(&o);
	p = output_new_lines(&o, &len);
	CHECK(len == strlen("[stdout] d\n") && memcmp(p, "[stdout] d\n", len) == 0);
	char *big = xmalloc(10000);
	memset(big, 'x', 10000);
	output_add(&o, OUTPUT_STDOUT, big, 10000);
	output_end(&o);
	CHECK(o.nlines == 3 + 3); /* 4096 + 4096 + 1808 */
	free(big);
	output_free(&o);
}

int main(void)
{
	char dir[] = "/tmp/test-follow-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		perror("test-follow: mkdtemp");
		return 99;
	}
	test_follow(dir);
	test_not_a_log(dir);
	test_output();
	rmdir(dir);
	UNIT_END();
}
