#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crc32.h"
#include "core/event.h"
#include "core/le.h"
#include "core/quote.h"
#include "core/xalloc.h"
#include "log/chunk.h"
#include "log/format.h"
#include "log/output.h"

/* The least a window holds (see struct src). */
#define WINDOW (256u << 10)
/* How far one step of a resynchronising scan looks. */
#define SCAN_STEP (1u << 20)

static char *copy_string(const uint8_t *p, size_t n)
{
	char *s = xmalloc(n + 1);
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Here, with the parsing that allocates a header's strings. */
void log_header_free(struct log_header *h)
{
	free(h->scenario);
	free(h->args);
	free(h->host);
	h->scenario = h->args = h->host = NULL;
}

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
int chunk_well_formed(const struct chunk *c)
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

static enum chunk_state read_chunk(struct src *s, uint64_t off, struct chunk *c, int resyncing)
{
	size_t got;
	const uint8_t *p = src_map(s, off, CHUNK_HEAD, &got);
	if (got == 0)
		return CHUNK_INVALID;
	if (got < CHUNK_HEAD) {
		size_t n = got < CHUNK_MAGIC_LEN ? got : CHUNK_MAGIC_LEN;
		return memcmp(p, CHUNK_MAGIC, n) == 0 ? CHUNK_INCOMPLETE : CHUNK_INVALID;
	}
	if (memcmp(p, CHUNK_MAGIC, CHUNK_MAGIC_LEN) != 0)
		return CHUNK_INVALID;
	c->type = le_get32(p + 4);
	c->len = le_get32(p + 8);
	c->count = le_get32(p + 12);
	uint32_t want = le_get32(p + 16);
	uint32_t crc = crc32_update(CRC32_INIT, p + 4, 12);
	if (c->len > PAYLOAD_MAX || (resyncing && !head_plausible(c)))
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

enum chunk_state chunk_read(struct src *s, uint64_t off, struct chunk *c)
{
	return read_chunk(s, off, c, 0);
}

int chunk_resync(struct src *s, uint64_t from, uint64_t *at)
{
	for (;;) {
		size_t got;
		const uint8_t *p = src_map(s, from, SCAN_STEP, &got);
		if (got < CHUNK_MAGIC_LEN)
			return 0;
		const uint8_t *q = memmem(p, got, CHUNK_MAGIC, CHUNK_MAGIC_LEN);
		if (q == NULL) {
			from += got - (CHUNK_MAGIC_LEN - 1);
			continue;
		}
		uint64_t cand = from + (uint64_t)(q - p);
		struct chunk c;
		if (read_chunk(s, cand, &c, 1) == CHUNK_OK && chunk_well_formed(&c)) {
			*at = cand;
			return 1;
		}
		from = cand + 1;
	}
}

void chunk_result(const struct chunk *c, struct log_result *r)
{
	r->ok_ranks = le_get32(c->payload);
	r->size = le_get32(c->payload + 4);
	r->text = copy_string(c->payload + RESULT_FIXED, c->len - RESULT_FIXED);
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

int chunk_file_header(struct src *s, const char *name, struct log_header *h, uint64_t *end,
		      struct strbuf *err)
{
	size_t got;
	const uint8_t *p = src_map(s, 0, HDR_LENGTH + 4, &got);
	if (got < FILE_MAGIC_LEN || memcmp(p, FILE_MAGIC, FILE_MAGIC_LEN) != 0) {
		if (s->read_errno != 0) { /* name is quoted already */
			strbuf_printf(err, "%s: cannot read: %s", name, strerror(s->read_errno));
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

/* The check is the follower's: while the writer has written only part of
 * the header, chunk_file_header would call the file truncated. */
int chunk_file_header_ready(struct src *s)
{
	size_t got;
	const uint8_t *p = src_map(s, 0, HDR_LENGTH + 4, &got);
	if (got < HDR_LENGTH + 4) {
		size_t n = got < FILE_MAGIC_LEN ? got : FILE_MAGIC_LEN;
		return got > 0 && memcmp(p, FILE_MAGIC, n) != 0 ? -1 : 0;
	}
	uint32_t len = le_get32(p + HDR_LENGTH);
	if (len <= HDR_MAX && s->size < len && memcmp(p, FILE_MAGIC, FILE_MAGIC_LEN) == 0)
		return 0;
	return 1;
}

/* Messages name a file quoted (core/quote.h): "NAME: cannot read: ..." */
void chunk_cannot_read(struct strbuf *err, const char *path, const char *reason)
{
	quote_name(err, path);
	strbuf_printf(err, ": cannot read: %s", reason);
}
