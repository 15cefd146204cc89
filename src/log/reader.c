#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/le.h"
#include "core/quote.h"
#include "log/chunk.h"
#include "log/format.h"
#include "log/reader.h"

void log_report_free(struct log_report *r)
{
	free(r->result.text);
	r->result.text = NULL;
	output_free(&r->output);
	output_init(&r->output);
}

struct reader {
	struct src *src;
	const struct log_stream_sink *sink;
	struct log_report *rep;
	uint64_t records; /* event records in good chunks */
};

static void note_bad(struct reader *rd, uint64_t at)
{
	if (rd->rep->bad_chunks++ == 0)
		rd->rep->first_bad_offset = at;
}

/* The hot loop of a replay: no allocation, the sink copies. */
static void take_events(struct reader *rd, const struct chunk *c)
{
	const uint8_t *p = c->payload;
	struct log_report *rep = rd->rep;
	const struct log_stream_sink *sink = rd->sink;
	for (uint32_t i = 0; i < c->count; i++) {
		struct event ev;
		uint8_t n = p[WIRE_PREVIEW_LEN];
		if (event_decode(p, &ev) != 0)
			rep->bad_events++;
		else if (sink->event(sink->ctx, &ev, n ? p + EVENT_WIRE_SIZE : NULL) != 0)
			rep->rejected_events++;
		else if (ev.flags & EVF_PENDING)
			rep->pending++;
		else
			rep->events++;
		p += EVENT_WIRE_SIZE + n;
	}
	rd->records += c->count;
}

static void take_chunk(struct reader *rd, const struct chunk *c)
{
	struct log_report *rep = rd->rep;
	switch (c->type) {
	case CHUNK_EVENTS:
		take_events(rd, c);
		break;
	case CHUNK_RANK_TOTALS:
		for (uint32_t i = 0; i < c->count; i++) {
			const uint8_t *p = c->payload + (size_t)i * TOTAL_SIZE;
			if (rd->sink->rank_done != NULL)
				rd->sink->rank_done(rd->sink->ctx, le_get32(p), le_get32(p + 4));
		}
		break;
	case CHUNK_RESULT:
		free(rep->result.text);
		chunk_result(c, &rep->result);
		rep->has_result = 1;
		break;
	case CHUNK_END:
		rep->has_end = 1;
		rep->end_events = c->count;
		break;
	case CHUNK_OUTPUT:
		output_add(&rep->output, (enum output_stream)le_get32(c->payload),
			   c->payload + OUTPUT_FIXED, c->len - OUTPUT_FIXED);
		break;
	default:
		break;
	}
}

/* Reads chunk after chunk; at a spot where none starts, resumes at the
 * next good one, and what lies between counts as one bad chunk. */
static void read_chunks(struct reader *rd, uint64_t pos)
{
	struct src *s = rd->src;
	struct log_report *rep = rd->rep;
	rep->truncated_at = pos;
	while (pos < s->size) {
		struct chunk c;
		enum chunk_state state = chunk_read(s, pos, &c);
		if (state == CHUNK_OK) {
			uint64_t at = pos;
			pos += CHUNK_HEAD + (uint64_t)c.len;
			/* a good CRC vouches for the length: skip just this one */
			if (!chunk_well_formed(&c)) {
				note_bad(rd, at);
				continue;
			}
			take_chunk(rd, &c);
			rep->chunks++;
			rep->truncated_at = pos;
			if (c.type != CHUNK_END)
				continue;
			if (pos < s->size)
				note_bad(rd, pos); /* bytes after the end */
			break;
		}
		uint64_t next;
		if (chunk_resync(s, pos + 1, &next)) {
			note_bad(rd, pos);
			pos = next;
			continue;
		}
		if (state == CHUNK_INCOMPLETE)
			rep->truncated = 1;
		else
			note_bad(rd, pos);
		break;
	}
	if (!rep->has_end)
		rep->truncated = 1;
	output_end(&rep->output);
}

static int read_log(struct src *s, const char *name, const struct log_stream_sink *sink,
		    struct log_header *h, struct log_report *rep, struct strbuf *err)
{
	uint64_t pos;
	memset(h, 0, sizeof *h);
	memset(rep, 0, sizeof *rep);
	output_init(&rep->output);
	rep->file_bytes = s->size;
	if (chunk_file_header(s, name, h, &pos, err) != 0) {
		log_header_free(h);
		return 2;
	}
	if (sink->begin != NULL && sink->begin(sink->ctx, h) != 0)
		return 2;
	struct reader rd = {s, sink, rep, 0};
	read_chunks(&rd, pos);
	if (s->read_errno != 0)
		strbuf_printf(err, "%s: read error at byte %llu: %s", name,
			      (unsigned long long)s->size, strerror(s->read_errno));
	if (rep->truncated || rep->bad_chunks > 0 || rep->bad_events > 0)
		return 1;
	if (rep->end_events != (uint32_t)rd.records)
		return 1;
	return 0;
}

/* Lets callers pass NULL for what they do not want. */
static int read_log_into(struct src *s, const char *name, const struct log_stream_sink *sink,
			 struct log_header *h, struct log_report *rep, struct strbuf *err)
{
	struct log_header h_local;
	struct log_report rep_local;
	int rc = read_log(s, name, sink, h ? h : &h_local, rep ? rep : &rep_local, err);
	if (h == NULL)
		log_header_free(&h_local);
	if (rep == NULL)
		log_report_free(&rep_local);
	return rc;
}

/* The sink that fills a store. */
static int store_begin(void *ctx, const struct log_header *h)
{
	*(struct store **)ctx = store_new(h->nranks);
	store_clock_estimated(*(struct store **)ctx, h->clock_max_rtt_ns);
	return 0;
}

static int store_event_in(void *ctx, const struct event *ev, const uint8_t *preview)
{
	return store_add(*(struct store **)ctx, ev, preview);
}

static void store_done_in(void *ctx, uint32_t rank, uint32_t total)
{
	store_rank_done(*(struct store **)ctx, rank, total);
}

/* The messages matched by the time a reader returns its store. */
static int settled(int rc, struct store **out)
{
	if (*out != NULL)
		store_settle(*out);
	return rc;
}

static int read_log_store(struct src *s, const char *name, struct store **out,
			  struct log_header *h, struct log_report *rep, struct strbuf *err)
{
	struct log_stream_sink sink = {store_begin, store_event_in, store_done_in, out};
	*out = NULL;
	return settled(read_log_into(s, name, &sink, h, rep, err), out);
}

int log_read_buffer(const uint8_t *data, size_t size, const char *name, struct store **out,
		    struct log_header *h, struct log_report *rep, struct strbuf *err)
{
	struct src s = {-1, data, 0, size, size, NULL, 0, 0};
	return read_log_store(&s, name, out, h, rep, err);
}

/* Opens a regular file for reading: the fd, or -1 with the reason in err. */
static int open_log(const char *path, struct stat *sb, struct strbuf *err)
{
	/* O_NONBLOCK: a FIFO must fail the regular-file check, not block the open */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		chunk_cannot_read(err, path, strerror(errno));
		return -1;
	}
	int bad = fstat(fd, sb) != 0 ? errno : !S_ISREG(sb->st_mode) ? -1 : 0;
	if (bad != 0) {
		/* read-only: whatever close says, nothing is lost */
		(void)close(fd);
		chunk_cannot_read(err, path, bad > 0 ? strerror(bad) : "not a regular file");
		return -1;
	}
	return fd;
}

int log_read(const char *path, struct store **out, struct log_header *h, struct log_report *rep,
	     struct strbuf *err)
{
	struct log_stream_sink sink = {store_begin, store_event_in, store_done_in, out};
	*out = NULL;
	return settled(log_stream(path, &sink, h, rep, err), out);
}

int log_stream(const char *path, const struct log_stream_sink *sink, struct log_header *h,
	       struct log_report *rep, struct strbuf *err)
{
	struct stat sb;
	if (h != NULL)
		memset(h, 0, sizeof *h);
	if (rep != NULL)
		memset(rep, 0, sizeof *rep);
	int fd = open_log(path, &sb, err);
	if (fd < 0)
		return 2;
	struct src s = {fd, NULL, 0, 0, (uint64_t)sb.st_size, NULL, 0, 0};
	char *name = quote_dup(path);
	int rc = read_log_into(&s, name, sink, h, rep, err);
	free(name);
	free(s.own);
	(void)close(fd);
	return rc;
}
