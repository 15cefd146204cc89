#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crc32.h"
#include "core/le.h"
#include "core/quote.h"
#include "core/xalloc.h"
#include "log/format.h"
#include "log/writer.h"

/* Room for a rank totals chunk, larger than any events chunk; a result
 * chunk gets a buffer of its own. */
#define WRITER_PAYLOAD (LOG_CHUNK_EVENTS * EVENT_RECORD_WIRE_SIZE)
_Static_assert(WRITER_PAYLOAD >= LOG_CHUNK_BYTES, "the writer's buffer must hold an events chunk");
_Static_assert(WRITER_PAYLOAD >= LOG_CHUNK_EVENTS * TOTAL_SIZE,
	       "the writer's buffer must hold a rank totals chunk");

struct rank_total {
	uint32_t rank;
	uint32_t total;
};

struct log_writer {
	int fd;
	char *path;	  /* for messages, quoted */
	uint8_t *buf;	  /* the chunk being built: CHUNK_HEAD bytes, then payload */
	size_t len;	  /* events payload bytes in buf */
	uint32_t count;	  /* events in buf */
	size_t cap;	  /* payload bytes at which buf is written */
	uint64_t written; /* events in chunks written */
	struct rank_total *totals;
	size_t ntotals;
	size_t totals_cap;
	struct log_result result;
	int result_pending;
	struct strbuf error; /* the first failure; empty while all is well */
};

static int failed(const struct log_writer *w)
{
	return w->error.len > 0;
}

const char *log_writer_error(const struct log_writer *w)
{
	return failed(w) ? w->error.s : NULL;
}

static int fail(struct log_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Keeps the first failure only: later ones are usually its echoes. */
static int fail(struct log_writer *w, const char *fmt, ...)
{
	if (failed(w))
		return -1;
	va_list ap;
	strbuf_printf(&w->error, "cannot record to %s: ", w->path);
	va_start(ap, fmt);
	strbuf_vprintf(&w->error, fmt, ap);
	va_end(ap);
	return -1;
}

static int write_all(struct log_writer *w, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return fail(w, "%s", strerror(errno));
		if (k == 0)
			return fail(w, "write made no progress");
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The chunk CRC covers type, length and count as well as the payload, so
 * that no single damaged byte of a chunk goes unnoticed. */
static uint32_t chunk_crc(const uint8_t *head, const uint8_t *payload, uint32_t len)
{
	uint32_t crc = crc32_update(CRC32_INIT, head + 4, 12);
	return crc32_update(crc, payload, len) ^ CRC32_INIT;
}

/* Writes the chunk at head, whose payload of len bytes follows the
 * CHUNK_HEAD bytes left for its header. */
static int emit_chunk(struct log_writer *w, uint8_t *head, uint32_t type, size_t len,
		      uint32_t count)
{
	memcpy(head, CHUNK_MAGIC, CHUNK_MAGIC_LEN);
	le_put32(head + 4, type);
	le_put32(head + 8, (uint32_t)len);
	le_put32(head + 12, count);
	le_put32(head + 16, chunk_crc(head, head + CHUNK_HEAD, (uint32_t)len));
	return write_all(w, head, CHUNK_HEAD + len);
}

static int flush_events(struct log_writer *w)
{
	if (w->count == 0)
		return 0;
	int rc = emit_chunk(w, w->buf, CHUNK_EVENTS, w->len, w->count);
	w->written += w->count;
	if (w->cap < LOG_CHUNK_BYTES)
		w->cap *= 2;
	w->len = 0;
	w->count = 0;
	return rc;
}

static int flush_totals(struct log_writer *w)
{
	for (size_t i = 0; i < w->ntotals;) {
		uint32_t n = 0;
		uint8_t *p = w->buf + CHUNK_HEAD;
		for (; n < LOG_CHUNK_EVENTS && i < w->ntotals; n++, i++) {
			le_put32(p + n * TOTAL_SIZE, w->totals[i].rank);
			le_put32(p + n * TOTAL_SIZE + 4, w->totals[i].total);
		}
		if (emit_chunk(w, w->buf, CHUNK_RANK_TOTALS, (size_t)n * TOTAL_SIZE, n) != 0)
			return -1;
	}
	w->ntotals = 0;
	return 0;
}

static int flush_result(struct log_writer *w)
{
	if (!w->result_pending)
		return 0;
	size_t n = strlen(w->result.text);
	uint8_t *chunk = xmalloc(CHUNK_HEAD + RESULT_FIXED + n);
	uint8_t *p = chunk + CHUNK_HEAD;
	le_put32(p, w->result.ok_ranks);
	le_put32(p + 4, w->result.size);
	le_put32(p + 8, (uint32_t)n);
	memcpy(p + RESULT_FIXED, w->result.text, n);
	w->result_pending = 0;
	int rc = emit_chunk(w, chunk, CHUNK_RESULT, RESULT_FIXED + n, 1);
	free(chunk);
	return rc;
}

int log_writer_flush(struct log_writer *w)
{
	if (failed(w))
		return -1;
	if (flush_events(w) != 0 || flush_totals(w) != 0 || flush_result(w) != 0)
		return -1;
	return 0;
}

int log_writer_add(struct log_writer *w, const struct event *ev, const uint8_t *preview)
{
	if (failed(w))
		return -1;
	struct event e = *ev;
	if (!event_is_completion(&e))
		e.aux = 0;
	if (preview == NULL)
		e.preview_len = 0;
	uint8_t *rec = w->buf + CHUNK_HEAD + w->len;
	/* A record the reader would refuse must not make the log look
	 * damaged: refuse it here, where the bug is (the reader decodes,
	 * then makes this same check). */
	if (event_check(&e) != 0)
		return fail(
		    w,
		    "event %u of rank %u is invalid (kind %u, datatype %u, preview %u bytes)",
		    e.seq, e.rank, e.kind, e.dtype, e.preview_len);
	event_encode(&e, rec);
	event_copy_preview(rec + EVENT_WIRE_SIZE, preview, e.preview_len);
	w->len += EVENT_WIRE_SIZE + e.preview_len;
	if (++w->count == LOG_CHUNK_EVENTS || w->len + EVENT_RECORD_WIRE_SIZE > w->cap)
		return flush_events(w);
	return 0;
}

int log_writer_result(struct log_writer *w, const struct log_result *r)
{
	if (failed(w))
		return -1;
	char *text = xstrdup(r->text ? r->text : "");
	/* a report too long to show is cut, rather than the recording lost */
	if (strlen(text) > LOG_TEXT_MAX)
		text[LOG_TEXT_MAX] = '\0';
	free(w->result.text);
	w->result = *r;
	w->result.text = text;
	w->result_pending = 1;
	return 0;
}

int log_writer_output(struct log_writer *w, enum output_stream stream, int64_t t_ns,
		      const void *bytes, size_t n)
{
	if (failed(w) || flush_events(w) != 0)
		return -1;
	const uint8_t *p = bytes;
	uint8_t *chunk = xmalloc(CHUNK_HEAD + OUTPUT_FIXED + OUTPUT_CHUNK_MAX);
	int rc = 0;
	while (n > 0 && rc == 0) {
		size_t k = n < OUTPUT_CHUNK_MAX ? n : OUTPUT_CHUNK_MAX;
		uint8_t *q = chunk + CHUNK_HEAD;
		le_put32(q, (uint32_t)stream);
		le_put32(q + 4, 0);
		le_put64(q + 8, (uint64_t)t_ns);
		memcpy(q + OUTPUT_FIXED, p, k);
		rc = emit_chunk(w, chunk, CHUNK_OUTPUT, OUTPUT_FIXED + k, 1);
		p += k;
		n -= k;
	}
	free(chunk);
	return rc;
}

int log_writer_rank_done(struct log_writer *w, uint32_t rank, uint32_t total)
{
	if (failed(w))
		return -1;
	if (w->ntotals == w->totals_cap) {
		w->totals_cap = w->totals_cap ? w->totals_cap * 2 : 64;
		w->totals = xreallocarray(w->totals, w->totals_cap, sizeof *w->totals);
	}
	w->totals[w->ntotals++] = (struct rank_total){rank, total};
	return 0;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Returns the reason the header cannot be written, or NULL: checked
 * before the file is touched, so a bad call truncates nothing. */
static const char *header_problem(const struct log_header *h)
{
	if (h->nranks == 0 || h->nranks > LOG_RANKS_MAX)
		return "the number of ranks is out of range";
	if (strlen(or_empty(h->scenario)) > LOG_STRING_MAX)
		return "the scenario name is too long";
	if (strlen(or_empty(h->args)) > LOG_STRING_MAX)
		return "the options are too long";
	if (strlen(or_empty(h->host)) > LOG_STRING_MAX)
		return "the host name is too long";
	return NULL;
}

static size_t put_string(uint8_t *p, const char *s)
{
	size_t n = strlen(or_empty(s));
	le_put32(p, (uint32_t)n);
	memcpy(p + 4, or_empty(s), n);
	return 4 + n;
}

static int write_header(struct log_writer *w, const struct log_header *h)
{
	size_t len = HDR_MIN + strlen(or_empty(h->scenario)) + strlen(or_empty(h->args)) +
		     strlen(or_empty(h->host));
	uint8_t *p = xcalloc(len, 1);
	memcpy(p, FILE_MAGIC, FILE_MAGIC_LEN);
	le_put32(p + HDR_VERSION, LOG_FORMAT_VERSION);
	le_put32(p + HDR_LENGTH, (uint32_t)len);
	le_put32(p + HDR_NRANKS, h->nranks);
	le_put32(p + HDR_FLAGS, 0);
	le_put64(p + HDR_CREATED, (uint64_t)h->created);
	le_put64(p + HDR_RTT, (uint64_t)h->clock_max_rtt_ns);
	size_t off = HDR_STRINGS;
	off += put_string(p + off, h->scenario);
	off += put_string(p + off, h->args);
	off += put_string(p + off, h->host);
	le_put32(p + off, crc32(p, off));
	int rc = write_all(w, p, len);
	free(p);
	return rc;
}

static void writer_free(struct log_writer *w)
{
	free(w->path);
	free(w->buf);
	free(w->totals);
	free(w->result.text);
	strbuf_free(&w->error);
	free(w);
}

static void cannot_record(struct strbuf *err, const char *path, const char *reason)
{
	strbuf_puts(err, "cannot record to ");
	quote_name(err, path);
	strbuf_printf(err, ": %s", reason);
}

struct log_writer *log_writer_open(const char *path, const struct log_header *h,
				   struct strbuf *err)
{
	const char *problem = header_problem(h);
	if (problem != NULL) {
		cannot_record(err, path, problem);
		return NULL;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0666);
	if (fd < 0) {
		cannot_record(err, path, strerror(errno));
		return NULL;
	}
	struct log_writer *w = xcalloc(1, sizeof *w);
	w->fd = fd;
	w->path = quote_dup(path);
	w->buf = xmalloc(CHUNK_HEAD + WRITER_PAYLOAD);
	w->cap = LOG_CHUNK_FIRST_BYTES;
	if (write_header(w, h) != 0) {
		strbuf_puts(err, strbuf_str(&w->error));
		/* the header is lost already: a close error adds nothing */
		(void)close(fd);
		writer_free(w);
		return NULL;
	}
	return w;
}

int log_writer_close(struct log_writer *w, struct strbuf *err)
{
	/* failures are kept in w->error and reported below; the end
	 * record's count field is 32 bits: it holds the total mod 2^32 */
	if (log_writer_flush(w) == 0)
		(void)emit_chunk(w, w->buf, CHUNK_END, 0, (uint32_t)w->written);
	/* close reports write-back errors of some file systems (NFS) */
	if (close(w->fd) != 0)
		(void)fail(w, "%s", strerror(errno));
	int rc = failed(w) ? -1 : 0;
	if (rc != 0)
		strbuf_puts(err, strbuf_str(&w->error));
	writer_free(w);
	return rc;
}
