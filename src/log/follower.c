#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/le.h"
#include "core/quote.h"
#include "core/xalloc.h"
#include "log/chunk.h"
#include "log/follower.h"
#include "log/format.h"

struct log_follower {
	struct src src;
	char *path;
	uint64_t pos; /* 0 until the header was read */
	int ended;
};

struct log_follower *log_follow_open(const char *path, struct strbuf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		chunk_cannot_read(err, path, strerror(errno));
		return NULL;
	}
	struct log_follower *f = xcalloc(1, sizeof *f);
	f->src.fd = fd;
	f->path = xstrdup(path);
	return f;
}

void log_follow_close(struct log_follower *f)
{
	if (f == NULL)
		return;
	(void)close(f->src.fd); /* read-only */
	free(f->src.own);
	free(f->path);
	free(f);
}

/* The header once it is whole: 0 not yet, 1 read, -1 not a log. */
static int follow_header(struct log_follower *f, const struct log_sink *sink, struct strbuf *err)
{
	int ready = chunk_file_header_ready(&f->src);
	if (ready <= 0)
		return ready;
	struct log_header h;
	memset(&h, 0, sizeof h);
	uint64_t end;
	char *name = quote_dup(f->path);
	int rc = chunk_file_header(&f->src, name, &h, &end, err);
	free(name);
	if (rc != 0) {
		log_header_free(&h);
		return -1;
	}
	if (sink->header)
		sink->header(sink->ctx, &h);
	log_header_free(&h);
	f->pos = end;
	return 1;
}

static void follow_events(const struct chunk *c, const struct log_sink *sink)
{
	const uint8_t *p = c->payload;
	for (uint32_t i = 0; i < c->count; i++) {
		struct event ev;
		uint8_t n = p[WIRE_PREVIEW_LEN];
		if (event_decode(p, &ev) == 0 && sink->event)
			sink->event(sink->ctx, &ev, n ? p + EVENT_WIRE_SIZE : NULL);
		p += EVENT_WIRE_SIZE + n;
	}
}

static void follow_chunk(struct log_follower *f, const struct chunk *c, const struct log_sink *sink)
{
	switch (c->type) {
	case CHUNK_EVENTS:
		follow_events(c, sink);
		break;
	case CHUNK_RANK_TOTALS:
		for (uint32_t i = 0; i < c->count && sink->total; i++) {
			const uint8_t *p = c->payload + (size_t)i * TOTAL_SIZE;
			sink->total(sink->ctx, le_get32(p), le_get32(p + 4));
		}
		break;
	case CHUNK_RESULT: {
		struct log_result r;
		chunk_result(c, &r);
		if (sink->result)
			sink->result(sink->ctx, &r);
		free(r.text);
		break;
	}
	case CHUNK_END:
		f->ended = 1;
		break;
	default:
		break;
	}
}

int log_follow_poll(struct log_follower *f, const struct log_sink *sink, struct strbuf *err)
{
	struct stat sb;
	if (f->ended)
		return 1;
	if (fstat(f->src.fd, &sb) != 0) {
		chunk_cannot_read(err, f->path, strerror(errno));
		return -1;
	}
	f->src.size = (uint64_t)sb.st_size;
	if (f->pos == 0) {
		int rc = follow_header(f, sink, err);
		if (rc <= 0)
			return rc;
	}
	while (!f->ended && f->pos < f->src.size) {
		struct chunk c;
		enum chunk_state state = chunk_read(&f->src, f->pos, &c);
		if (state == CHUNK_INCOMPLETE)
			break;
		if (state == CHUNK_INVALID) {
			/* damage: go on at the next good chunk, if any came yet */
			uint64_t next;
			if (!chunk_resync(&f->src, f->pos + 1, &next))
				break;
			f->pos = next;
			continue;
		}
		f->pos += CHUNK_HEAD + (uint64_t)c.len;
		if (chunk_well_formed(&c))
			follow_chunk(f, &c, sink);
	}
	return f->ended;
}
