#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crc32.h"
#include "core/le.h"
#include "core/quote.h"
#include "core/xalloc.h"
#include "log/log.h"

/* The layout is mpiloom(5)'s; offsets are named here once. */
static const uint8_t file_magic[8] = {'M', 'P', 'I', 'L', 'O', 'O', 'M', '\0'};
static const uint8_t chunk_magic[4] = {'C', 'H', 'N', 'K'};

#define HDR_VERSION 8
#define HDR_LENGTH  12
#define HDR_NRANKS  16
#define HDR_FLAGS   20
#define HDR_CREATED 24
#define HDR_RTT	    32
#define HDR_STRINGS 40
/* The fixed fields, three string lengths and the CRC: a header with
 * empty strings. */
#define HDR_MIN (HDR_STRINGS + 3 * 4 + 4)
/* No version's header may be longer: a reader can check any header's CRC. */
#define HDR_MAX 65536

#define CHUNK_HEAD  20
#define PAYLOAD_MAX (64u << 20)
/* Offset of preview_len in an encoded event (see event_encode). */
#define WIRE_PREVIEW_LEN 62

enum chunk_type {
	CHUNK_EVENTS = 1,
	CHUNK_RANK_TOTALS = 2,
	CHUNK_RESULT = 3,
	CHUNK_END = 4,
	CHUNK_OUTPUT = 5,
};

/* An output chunk: stream, reserved, time, then the bytes. */
#define OUTPUT_FIXED 16
#define OUTPUT_CHUNK_MAX (64u << 10)

#define RESULT_FIXED 12
#define TOTAL_SIZE   8
/* Room for a full events chunk; a result chunk gets a buffer of its own. */
#define WRITER_PAYLOAD (LOG_CHUNK_EVENTS * EVENT_RECORD_WIRE_SIZE)
_Static_assert(WRITER_PAYLOAD >= LOG_CHUNK_EVENTS * TOTAL_SIZE,
	       "the writer's buffer must hold a rank totals chunk");
_Static_assert(RESULT_FIXED + LOG_TEXT_MAX <= PAYLOAD_MAX, "a result chunk must be readable");

static char *copy_string(const uint8_t *p, size_t n)
{
	char *s = xmalloc(n + 1);
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void log_header_free(struct log_header *h)
{
	free(h->scenario);
	free(h->args);
	free(h->host);
	h->scenario = h->args = h->host = NULL;
}

void log_report_free(struct log_report *r)
{
	free(r->result.text);
	r->result.text = NULL;
	output_free(&r->output);
	output_init(&r->output);
}

/* ---- writing ---- */

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
	memcpy(head, chunk_magic, sizeof chunk_magic);
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
	if (++w->count == LOG_CHUNK_EVENTS)
		return flush_events(w);
	return 0;
}

int log_writer_result(struct log_writer *w, const struct log_result *r)
{
	if (failed(w))
		return -1;
	const char *text = r->text ? r->text : "";
	size_t n = strlen(text);
	free(w->result.text);
	w->result = *r;
	/* a report too long to show is cut, rather than the recording lost */
	w->result.text =
	    copy_string((const uint8_t *)text, n > LOG_TEXT_MAX ? LOG_TEXT_MAX : n);
	w->result_pending = 1;
	return 0;
}

int log_writer_output(struct log_writer *w, enum output_stream stream, int64_t t_ns,
		      const void *bytes, size_t n)
{
	if (flush_events(w) != 0)
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
	memcpy(p, file_magic, sizeof file_magic);
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

/* ---- reading ---- */

/* Bytes are read through a window, so that a large log costs a quarter
 * MiB of buffer rather than its size in memory (a larger one read no
 * faster, and showed in the store's bytes per event); a log already in
 * memory is a window that covers all of it. */
#define WINDOW (256u << 10)
/* How far one step of a resynchronising scan looks. */
#define SCAN_STEP (1u << 20)

struct src {
	int fd;		    /* -1: the whole input is in win */
	const uint8_t *win; /* bytes [base, base + len) of the input */
	uint64_t base;
	size_t len;
	uint64_t size; /* lowered when a read comes up short */
	uint8_t *own;  /* the window's memory, when reading a file */
	size_t cap;
	int read_errno; /* a read failed: the input ends there */
};

static void refill(struct src *s, uint64_t off, size_t want)
{
	size_t need = want < WINDOW ? WINDOW : want;
	if (need > s->size - off)
		need = (size_t)(s->size - off);
	if (s->cap < need) {
		s->own = xreallocarray(s->own, need, 1);
		s->cap = need;
	}
	/* keep what the old window holds of the new one: after a chunk that
	 * crossed the window's end, that is most of it */
	size_t have = 0;
	if (s->len > 0 && off >= s->base && off < s->base + s->len) {
		have = (size_t)(s->base + s->len - off);
		memmove(s->own, s->own + (off - s->base), have);
	}
	while (have < need) {
		ssize_t k = pread(s->fd, s->own + have, need - have, (off_t)(off + have));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			/* a shrunken file or a read error: the input ends here */
			if (k < 0)
				s->read_errno = errno;
			s->size = off + have;
			break;
		}
		have += (size_t)k;
	}
	s->win = s->own;
	s->base = off;
	s->len = have;
}

/* Makes up to want bytes from off readable; *got says how many (fewer
 * only at the end of the input). */
static const uint8_t *src_map(struct src *s, uint64_t off, size_t want, size_t *got)
{
	*got = 0;
	if (off >= s->size)
		return NULL;
	if (want > s->size - off)
		want = (size_t)(s->size - off);
	if (off < s->base || off + want > s->base + s->len) {
		if (s->fd < 0)
			return NULL;
		refill(s, off, want);
		if (off >= s->size)
			return NULL;
		if (want > s->size - off)
			want = (size_t)(s->size - off);
	}
	*got = want;
	return s->win + (off - s->base);
}

static const uint8_t *src_get(struct src *s, uint64_t off, size_t n)
{
	size_t got;
	const uint8_t *p = src_map(s, off, n, &got);
	return got == n ? p : NULL;
}

struct chunk {
	uint32_t type;
	uint32_t len;
	uint32_t count;
	const uint8_t *payload; /* valid until the source is read again */
};

enum chunk_state {
	CHUNK_OK,	  /* header and CRC check out */
	CHUNK_INCOMPLETE, /* the input ends inside it */
	CHUNK_INVALID,	  /* no chunk starts here */
};

/* Whether a header could be one this version writes: checked before the
 * CRC while resynchronising, so that bytes which merely look like a
 * chunk header cost little. */
static int head_plausible(const struct chunk *c)
{
	switch (c->type) {
	case CHUNK_EVENTS:
		return c->count >= 1 && c->count <= LOG_CHUNK_EVENTS &&
		       c->len >= (uint64_t)c->count * EVENT_WIRE_SIZE &&
		       c->len <= (uint64_t)c->count * EVENT_RECORD_WIRE_SIZE;
	case CHUNK_RANK_TOTALS:
		return c->count >= 1 && c->count <= LOG_CHUNK_EVENTS &&
		       c->len == c->count * TOTAL_SIZE;
	case CHUNK_RESULT:
		return c->count == 1 && c->len >= RESULT_FIXED &&
		       c->len <= RESULT_FIXED + LOG_TEXT_MAX;
	case CHUNK_END:
		return c->len == 0;
	case CHUNK_OUTPUT:
		return c->count == 1 && c->len >= OUTPUT_FIXED &&
		       c->len <= OUTPUT_FIXED + OUTPUT_CHUNK_MAX;
	default:
		return 0;
	}
}

/* Each record is 64 bytes plus its preview, and count of them fill the
 * payload exactly. */
static int events_well_formed(const uint8_t *p, uint32_t len, uint32_t count)
{
	size_t off = 0;
	for (uint32_t i = 0; i < count; i++) {
		if (len - off < EVENT_WIRE_SIZE)
			return 0;
		uint8_t n = p[off + WIRE_PREVIEW_LEN];
		if (n > EVENT_PREVIEW_MAX)
			return 0;
		off += EVENT_WIRE_SIZE + n;
		if (off > len)
			return 0;
	}
	return off == len;
}

/* Unknown types are well formed: a later writer of this format version
 * may add chunk types, which this reader skips. */
static int well_formed(const struct chunk *c)
{
	switch (c->type) {
	case CHUNK_EVENTS:
		return head_plausible(c) && events_well_formed(c->payload, c->len, c->count);
	case CHUNK_RESULT:
		return head_plausible(c) && le_get32(c->payload + 8) == c->len - RESULT_FIXED;
	case CHUNK_RANK_TOTALS:
	case CHUNK_END:
		return head_plausible(c);
	case CHUNK_OUTPUT:
		return head_plausible(c) &&
		       (le_get32(c->payload) == OUTPUT_STDOUT || le_get32(c->payload) == OUTPUT_STDERR);
	default:
		return 1;
	}
}

static enum chunk_state read_chunk(struct src *s, uint64_t off, struct chunk *c, int resync)
{
	size_t got;
	const uint8_t *p = src_map(s, off, CHUNK_HEAD, &got);
	if (got == 0)
		return CHUNK_INVALID;
	if (got < CHUNK_HEAD) {
		size_t n = got < sizeof chunk_magic ? got : sizeof chunk_magic;
		return memcmp(p, chunk_magic, n) == 0 ? CHUNK_INCOMPLETE : CHUNK_INVALID;
	}
	if (memcmp(p, chunk_magic, sizeof chunk_magic) != 0)
		return CHUNK_INVALID;
	c->type = le_get32(p + 4);
	c->len = le_get32(p + 8);
	c->count = le_get32(p + 12);
	uint32_t want = le_get32(p + 16);
	uint32_t crc = crc32_update(CRC32_INIT, p + 4, 12);
	if (c->len > PAYLOAD_MAX || (resync && !head_plausible(c)))
		return CHUNK_INVALID;
	if (c->len > s->size - off - CHUNK_HEAD)
		return CHUNK_INCOMPLETE;
	p = src_get(s, off, CHUNK_HEAD + (size_t)c->len);
	if (p == NULL)
		return CHUNK_INCOMPLETE; /* a read error cut the input short */
	c->payload = p + CHUNK_HEAD;
	if ((crc32_update(crc, c->payload, c->len) ^ CRC32_INIT) != want)
		return CHUNK_INVALID;
	return CHUNK_OK;
}

/* Finds the first offset from `from` on where a good chunk of a known
 * type starts. Returns 1 and sets *at, or 0. */
static int resync(struct src *s, uint64_t from, uint64_t *at)
{
	for (;;) {
		size_t got;
		const uint8_t *p = src_map(s, from, SCAN_STEP, &got);
		if (got < sizeof chunk_magic)
			return 0;
		const uint8_t *q = memmem(p, got, chunk_magic, sizeof chunk_magic);
		if (q == NULL) {
			from += got - (sizeof chunk_magic - 1);
			continue;
		}
		uint64_t cand = from + (uint64_t)(q - p);
		struct chunk c;
		if (read_chunk(s, cand, &c, 1) == CHUNK_OK && well_formed(&c)) {
			*at = cand;
			return 1;
		}
		from = cand + 1;
	}
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
		rep->result.ok_ranks = le_get32(c->payload);
		rep->result.size = le_get32(c->payload + 4);
		rep->result.text =
		    copy_string(c->payload + RESULT_FIXED, c->len - RESULT_FIXED);
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
		enum chunk_state state = read_chunk(s, pos, &c, 0);
		if (state == CHUNK_OK) {
			uint64_t at = pos;
			pos += CHUNK_HEAD + (uint64_t)c.len;
			/* a good CRC vouches for the length: skip just this one */
			if (!well_formed(&c)) {
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
		if (resync(s, pos + 1, &next)) {
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

static int header_error(struct strbuf *err, const char *name, const char *what)
{
	strbuf_printf(err, "%s: %s", name, what);
	return -1;
}

/* Reads one length-prefixed string at *off, which must end by `end`. */
static int header_string(const uint8_t *p, size_t *off, size_t end, char **out)
{
	if (end - *off < 4)
		return -1;
	uint32_t n = le_get32(p + *off);
	if (n > LOG_STRING_MAX || n > end - *off - 4)
		return -1;
	*out = copy_string(p + *off + 4, n);
	*off += 4 + n;
	return 0;
}

static int header_fields(const uint8_t *p, uint32_t len, struct log_header *h, const char *name,
			 struct strbuf *err)
{
	h->nranks = le_get32(p + HDR_NRANKS);
	h->created = (int64_t)le_get64(p + HDR_CREATED);
	h->clock_max_rtt_ns = (int64_t)le_get64(p + HDR_RTT);
	if (h->nranks == 0 || h->nranks > LOG_RANKS_MAX) {
		strbuf_printf(err, "%s: damaged header (%u ranks)", name, h->nranks);
		return -1;
	}
	/* bytes between the strings and the CRC are fields a later writer
	 * of this version added: skipped */
	size_t off = HDR_STRINGS, end = len - 4;
	if (header_string(p, &off, end, &h->scenario) != 0 ||
	    header_string(p, &off, end, &h->args) != 0 ||
	    header_string(p, &off, end, &h->host) != 0)
		return header_error(err, name, "damaged header (bad string length)");
	return 0;
}

static int read_header(struct src *s, const char *name, struct log_header *h, uint64_t *end,
		       struct strbuf *err)
{
	size_t got;
	const uint8_t *p = src_map(s, 0, HDR_LENGTH + 4, &got);
	if (got < sizeof file_magic || memcmp(p, file_magic, sizeof file_magic) != 0) {
		if (s->read_errno != 0) {
			strbuf_printf(err, "%s: cannot read: %s", name,
				      strerror(s->read_errno));
			return -1;
		}
		return header_error(err, name, "not an mpiloom log");
	}
	if (got < HDR_LENGTH + 4)
		return header_error(err, name, "truncated log header");
	uint32_t version = le_get32(p + HDR_VERSION), len = le_get32(p + HDR_LENGTH);
	if (len < HDR_LENGTH + 8 || len > HDR_MAX) {
		strbuf_printf(err, "%s: damaged header (length %u)", name, len);
		return -1;
	}
	p = src_get(s, 0, len);
	if (p == NULL) {
		strbuf_printf(err, "%s: truncated log header (%llu of %u bytes)", name,
			      (unsigned long long)s->size, len);
		return -1;
	}
	if (crc32(p, len - 4) != le_get32(p + len - 4))
		return header_error(err, name, "damaged header (checksum mismatch)");
	h->version = version;
	if (version > LOG_FORMAT_VERSION) {
		strbuf_printf(err,
			      "%s: format version %u is newer than this mpiloom reads (%d)",
			      name, version, LOG_FORMAT_VERSION);
		return -1;
	}
	if (version == 0 || len < HDR_MIN) {
		strbuf_printf(err, "%s: damaged header (version %u, length %u)", name, version,
			      len);
		return -1;
	}
	*end = len;
	return header_fields(p, len, h, name, err);
}

static int read_log(struct src *s, const char *name, const struct log_stream_sink *sink,
		    struct log_header *h, struct log_report *rep, struct strbuf *err)
{
	uint64_t pos;
	memset(h, 0, sizeof *h);
	memset(rep, 0, sizeof *rep);
	output_init(&rep->output);
	rep->file_bytes = s->size;
	if (read_header(s, name, h, &pos, err) != 0) {
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

/* Messages name a file quoted (core/quote.h): "NAME: cannot read: ..." */
static int cannot_read(struct strbuf *err, const char *path, const char *reason)
{
	quote_name(err, path);
	strbuf_printf(err, ": cannot read: %s", reason);
	return 2;
}

/* Opens a regular file for reading: the fd, or -1 with the reason in err. */
static int open_log(const char *path, struct stat *sb, struct strbuf *err)
{
	/* O_NONBLOCK: a FIFO must fail the regular-file check, not block the open */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		cannot_read(err, path, strerror(errno));
		return -1;
	}
	int bad = fstat(fd, sb) != 0 ? errno : !S_ISREG(sb->st_mode) ? -1 : 0;
	if (bad != 0) {
		/* read-only: whatever close says, nothing is lost */
		(void)close(fd);
		cannot_read(err, path, bad > 0 ? strerror(bad) : "not a regular file");
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

/* ---- following ---- */

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
		cannot_read(err, path, strerror(errno));
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
	struct src *s = &f->src;
	size_t got;
	const uint8_t *p = src_map(s, 0, HDR_LENGTH + 4, &got);
	if (got < HDR_LENGTH + 4)
		return got > 0 && memcmp(p, file_magic, got < 8 ? got : 8) != 0 ? -1 : 0;
	uint32_t len = le_get32(p + HDR_LENGTH);
	if (len <= HDR_MAX && s->size < len && memcmp(p, file_magic, 8) == 0)
		return 0;
	struct log_header h;
	memset(&h, 0, sizeof h);
	uint64_t end;
	char *name = quote_dup(f->path);
	int rc = read_header(s, name, &h, &end, err);
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
		char *text = copy_string(c->payload + RESULT_FIXED, c->len - RESULT_FIXED);
		struct log_result r = {le_get32(c->payload), le_get32(c->payload + 4), text};
		if (sink->result)
			sink->result(sink->ctx, &r);
		free(text);
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
		cannot_read(err, f->path, strerror(errno));
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
		enum chunk_state state = read_chunk(&f->src, f->pos, &c, 0);
		if (state == CHUNK_INCOMPLETE)
			break;
		if (state == CHUNK_INVALID) {
			/* damage: go on at the next good chunk, if any came yet */
			uint64_t next;
			if (!resync(&f->src, f->pos + 1, &next))
				break;
			f->pos = next;
			continue;
		}
		f->pos += CHUNK_HEAD + (uint64_t)c.len;
		if (well_formed(&c))
			follow_chunk(f, &c, sink);
	}
	return f->ended;
}
