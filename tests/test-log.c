/* The event log: a recorded run reads back exactly; a log cut at any byte
 * or damaged in any byte never crashes the reader, never passes for a
 * clean log, and still yields every chunk the damage did not touch. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/crc32.h"
#include "core/le.h"
#include "core/store.h"
#include "core/xalloc.h"
#include "log/reader.h"
#include "log/writer.h"
#include "unit.h"

/* ---- files ---- */

static char *path_in(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s/%s", dir, name);
	return sb.s;
}

static char *make_temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, "%s/test-log-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(sb.s) == NULL) {
		perror("test-log: mkdtemp");
		exit(99);
	}
	return sb.s;
}

static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	if (f == NULL) {
		perror(path);
		exit(99);
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_putn(&sb, buf, n);
	if (ferror(f) || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
	*size = sb.len;
	return (uint8_t *)(sb.s ? sb.s : xcalloc(1, 1));
}

static void spill(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
}

static void remove_file(const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		perror(path);
}

/* ---- the recorded run ---- */

/* Events go to the writer and to a reference store alike; the writer
 * flushes every few events so that the log has many chunks. */
struct run {
	struct log_writer *w;
	struct store *ref;
	uint32_t seq[3];
	uint64_t events;
	int flush_every;
};

static struct event mk(uint32_t rank, int kind, int64_t t)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.rank = rank;
	ev.kind = (uint8_t)kind;
	ev.t_begin = t;
	ev.dur = 250;
	ev.peer = ev.tag = EV_UNSET;
	ev.st_source = ev.st_tag = ev.st_count = ev.st_elements = EV_UNSET;
	return ev;
}

static void put(struct run *r, struct event ev, const void *preview, int n)
{
	ev.seq = r->seq[ev.rank]++;
	ev.preview_len = (uint8_t)n;
	CHECK(store_add(r->ref, &ev, n ? preview : NULL) == 0);
	CHECK(log_writer_add(r->w, &ev, n ? preview : NULL) == 0);
	if (++r->events % (uint64_t)r->flush_every == 0)
		CHECK(log_writer_flush(r->w) == 0);
}

/* Rank 0 exchanges with ranks 1 and 2 in turn: sends of growing int
 * arrays (truncated previews beyond 8 values), receives by source or
 * ANY with their statuses, replies on other communicators. */
static void exchanges(struct run *r, int64_t t)
{
	for (int k = 0; k < 10; k++, t += 1000) {
		uint32_t p = 1 + (uint32_t)k % 2;
		int vals[16];
		for (int i = 0; i < 16; i++)
			vals[i] = k * 100 + i;
		int n = 4 * (k + 1) > EVENT_PREVIEW_MAX ? EVENT_PREVIEW_MAX : 4 * (k + 1);
		struct event s = mk(0, EV_SEND + k % 3, t);
		s.peer = (int32_t)p;
		s.tag = k;
		s.count = k + 1;
		s.type_size = 4;
		s.dtype = s.preview_dtype = DT_INT;
		s.flags = 4 * (k + 1) > EVENT_PREVIEW_MAX ? EVF_TRUNCATED : 0;
		put(r, s, vals, n);
		struct event v = s;
		v.rank = p;
		v.kind = EV_RECV;
		v.t_begin = t + 100;
		v.peer = k % 2 ? EV_ANY : 0;
		v.tag = k % 2 ? EV_ANY : k;
		v.st_source = 0;
		v.st_tag = k;
		v.st_count = v.st_elements = k + 1;
		put(r, v, vals, n);
		double d = k * 1.5;
		struct event back = mk(p, EV_SEND, t + 200);
		back.peer = 0;
		back.tag = 100 + k;
		back.comm = (uint16_t)(k % 3);
		back.count = 1;
		back.type_size = 8;
		back.dtype = back.preview_dtype = DT_DOUBLE;
		put(r, back, &d, 8);
		struct event got = back;
		got.rank = 0;
		got.kind = EV_RECV;
		got.t_begin = t + 300;
		got.peer = (int32_t)p;
		got.st_source = (int32_t)p;
		got.st_tag = 100 + k;
		got.st_count = got.st_elements = 1;
		put(r, got, &d, 8);
	}
}

/* Probes, a long blocked call, collectives, pack bytes that spell the
 * chunk magic (a trap for the resynchronising scan), results. */
static void the_rest(struct run *r, int64_t t)
{
	struct event pr = mk(1, EV_PROBE, t);
	pr.peer = pr.tag = EV_ANY;
	pr.st_source = 0;
	pr.st_tag = 3;
	pr.st_count = pr.st_elements = 2;
	put(r, pr, NULL, 0);
	pr.kind = EV_IPROBE;
	pr.st_source = pr.st_tag = EV_UNSET;
	put(r, pr, NULL, 0);
	struct event c = mk(2, EV_COMPUTE, t);
	event_set_duration(&c, 90LL * 1000000000LL);
	put(r, c, NULL, 0);
	double root_val[3] = {1, 2, 3};
	for (uint32_t k = 0; k < 3; k++) {
		struct event b = mk(k, EV_BCAST, t + 1000);
		b.peer = 0;
		b.count = 3;
		b.type_size = 8;
		b.dtype = b.preview_dtype = DT_DOUBLE;
		b.flags = k == 0 ? EVF_ROOT : 0;
		put(r, b, root_val, 24);
		b.kind = EV_REDUCE;
		b.level = 3;
		b.flags |= EVF_LEVEL;
		put(r, b, NULL, 0);
	}
	const char packed[] = "CHNK\x01\0\0\0CHNK";
	struct event pk = mk(1, EV_PACK, t + 2000);
	pk.dtype = pk.preview_dtype = DT_PACKED;
	pk.st_count = sizeof packed;
	put(r, pk, packed, sizeof packed);
	pk.kind = EV_UNPACK;
	put(r, pk, packed, sizeof packed);
	struct event lone = mk(2, EV_RSEND, t + 3000);
	lone.peer = 0;
	lone.tag = 99;
	put(r, lone, NULL, 0);
	for (uint32_t k = 0; k < 3; k++) {
		struct event res = mk(k, EV_RESULT, t + 4000);
		res.flags = k == 1 ? EVF_CHECK_FAILED : 0;
		put(r, res, NULL, 0);
		put(r, mk(k, EV_FINALIZE, t + 5000), NULL, 0);
	}
}

static const struct log_header sample_header = {
    LOG_FORMAT_VERSION, 3, 1700000000, 12345, "tree-sum", "--count 3 --root 0", "node-1",
};

static const struct log_result sample_result = {2, 3, "sum 6; \"check\" failed on rank 1\x01"};

/* Writes the sample run to path; the reference store gets the same. */
static struct store *write_sample(const char *path, uint64_t *events)
{
	struct strbuf err = STRBUF_INIT;
	struct run r = {NULL, store_new(3), {0}, 0, 9};
	r.w = log_writer_open(path, &sample_header, &err);
	if (r.w == NULL) {
		fprintf(stderr, "test-log: %s\n", strbuf_str(&err));
		exit(99);
	}
	for (uint32_t k = 0; k < 3; k++)
		put(&r, mk(k, EV_INIT, k), NULL, 0);
	exchanges(&r, 10000);
	the_rest(&r, 100000);
	/* rank 2 says it made two more events than the log holds: lost */
	for (uint32_t k = 0; k < 3; k++) {
		uint32_t total = r.seq[k] + (k == 2 ? 2 : 0);
		CHECK(log_writer_rank_done(r.w, k, total) == 0);
		store_rank_done(r.ref, k, total);
	}
	CHECK(log_writer_result(r.w, &sample_result) == 0);
	CHECK(log_writer_close(r.w, &err) == 0);
	strbuf_free(&err);
	*events = r.events;
	return r.ref;
}

/* ---- the layout, walked as mpiloom(5) describes it ---- */

struct span {
	size_t start;
	size_t end;
	uint32_t type;
	uint32_t count;
};

struct layout {
	size_t header;
	size_t n;
	struct span *chunk;
};

static void walk(const uint8_t *p, size_t size, struct layout *lay)
{
	lay->header = le_get32(p + 12);
	lay->n = 0;
	lay->chunk = NULL;
	for (size_t off = lay->header; off + 20 <= size;) {
		struct span s = {off, off + 20 + le_get32(p + off + 8), le_get32(p + off + 4),
				 le_get32(p + off + 12)};
		CHECK(memcmp(p + off, "CHNK", 4) == 0 && s.end <= size);
		lay->chunk = xreallocarray(lay->chunk, lay->n + 1, sizeof *lay->chunk);
		lay->chunk[lay->n++] = s;
		off = s.end;
	}
}

/* Events in the events chunks that lie wholly before cut. */
static uint64_t events_before(const struct layout *lay, size_t cut)
{
	uint64_t n = 0;
	for (size_t i = 0; i < lay->n; i++)
		if (lay->chunk[i].end <= cut && lay->chunk[i].type == 1)
			n += lay->chunk[i].count;
	return n;
}

/* Where the last chunk that lies wholly before cut ends. */
static size_t whole_before(const struct layout *lay, size_t cut)
{
	size_t end = lay->header;
	for (size_t i = 0; i < lay->n && lay->chunk[i].end <= cut; i++)
		end = lay->chunk[i].end;
	return end;
}

static const struct span *chunk_at(const struct layout *lay, size_t off)
{
	for (size_t i = 0; i < lay->n; i++)
		if (off >= lay->chunk[i].start && off < lay->chunk[i].end)
			return &lay->chunk[i];
	return NULL;
}

/* ---- comparisons ---- */

/* Every event in got is the reference's event of the same rank and
 * sequence number (the reference holds all, so its index is the sequence
 * number), with the same preview; aux only when the whole run was read
 * (partners differ when part of it is missing). */
static int events_match(const struct store *got, const struct store *ref, int with_aux)
{
	for (uint32_t r = 0; r < store_nranks(got); r++) {
		for (uint32_t i = 0; i < store_rank_count(got, r); i++) {
			struct event_ref at = {r, i};
			const struct event *a = store_event(got, at);
			struct event_ref ref_at = {r, a->seq};
			const struct event *b = store_event(ref, ref_at);
			if (b == NULL)
				return 0;
			struct event x = *a, y = *b;
			if (!with_aux)
				x.aux = y.aux = 0;
			if (memcmp(&x, &y, sizeof x) != 0)
				return 0;
			const uint8_t *pa = store_preview(got, at),
				      *pb = store_preview(ref, ref_at);
			if ((pa == NULL) != (pb == NULL) ||
			    (pa && memcmp(pa, pb, a->preview_len)))
				return 0;
		}
	}
	return 1;
}

static int stats_equal(const struct store *a, const struct store *b)
{
	struct store_stats x, y;
	store_stats(a, &x);
	store_stats(b, &y);
	return x.events == y.events && x.lost == y.lost && x.rejected == y.rejected &&
	       x.matched == y.matched && x.unmatched_sends == y.unmatched_sends &&
	       x.unmatched_recvs == y.unmatched_recvs && x.ranks_final == y.ranks_final &&
	       x.t_last == y.t_last;
}

static int header_equal(const struct log_header *a, const struct log_header *b)
{
	return a->version == b->version && a->nranks == b->nranks && a->created == b->created &&
	       a->clock_max_rtt_ns == b->clock_max_rtt_ns &&
	       strcmp(a->scenario, b->scenario) == 0 && strcmp(a->args, b->args) == 0 &&
	       strcmp(a->host, b->host) == 0;
}

/* One read from memory, everything freed; returns log_read's code. */
static int read_mem(const uint8_t *p, size_t n, struct store **st, struct log_report *rep,
		    struct strbuf *err)
{
	struct log_header h;
	strbuf_reset(err);
	int rc = log_read_buffer(p, n, "t.loom", st, &h, rep, err);
	log_header_free(&h);
	return rc;
}

/* ---- the tests ---- */

static uint32_t bitwise_crc(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = crc >> 1 ^ (crc & 1 ? 0xedb88320u : 0);
	}
	return ~crc;
}

/* Random data at every alignment and length exercises all 16 tables and
 * the carry-less multiplication path. */
static void test_crc32(void)
{
	CHECK(crc32("123456789", 9) == 0xcbf43926u);
	CHECK(crc32("", 0) == 0);
	uint8_t buf[4096];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof buf; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n + off <= sizeof buf; n += 1 + n / 3)
			CHECK(crc32(buf + off, n) == bitwise_crc(buf + off, n));
	/* every length around the folding path's 64-byte steps */
	for (size_t n = 0; n <= 300; n++)
		CHECK(crc32(buf + 3, n) == bitwise_crc(buf + 3, n));
	uint32_t part = crc32_update(CRC32_INIT, buf, 1000);
	CHECK((crc32_update(part, buf + 1000, 3000) ^ CRC32_INIT) == crc32(buf, 4000));
}

static void test_round_trip(const char *path, const struct store *ref, uint64_t events)
{
	struct store *st;
	struct log_header h;
	struct log_report rep;
	struct strbuf err = STRBUF_INIT;
	CHECK(log_read(path, &st, &h, &rep, &err) == 0);
	CHECK(st != NULL && err.len == 0);
	CHECK(header_equal(&h, &sample_header));
	CHECK(rep.events == events && rep.end_events == events);
	CHECK(rep.bad_chunks == 0 && rep.bad_events == 0 && rep.rejected_events == 0);
	CHECK(!rep.truncated && rep.has_end && rep.truncated_at == rep.file_bytes);
	CHECK(rep.has_result && rep.result.ok_ranks == 2 && rep.result.size == 3);
	CHECK(strcmp(rep.result.text, sample_result.text) == 0);
	for (uint32_t r = 0; r < 3; r++)
		CHECK(store_rank_count(st, r) == store_rank_count(ref, r));
	CHECK(events_match(st, ref, 1));
	CHECK(stats_equal(st, ref));
	struct store_stats s;
	store_stats(st, &s);
	CHECK(s.lost == 2 && s.ranks_final == 3 && s.matched == 20);
	store_free(st);
	log_header_free(&h);
	log_report_free(&rep);
	strbuf_free(&err);
}

/* The same read through a file, as log_read does it. */
static int read_cut_file(const char *dir, const uint8_t *p, size_t n, uint64_t *events)
{
	char *path = path_in(dir, "cut.loom");
	struct strbuf err = STRBUF_INIT;
	struct store *st;
	struct log_report rep;
	spill(path, p, n);
	int rc = log_read(path, &st, NULL, &rep, &err);
	*events = rep.events;
	store_free(st);
	log_report_free(&rep);
	strbuf_free(&err);
	remove_file(path);
	free(path);
	return rc;
}

/* Cut after every byte: whole chunks before the cut come back, and
 * nothing else. Every 37th cut is read from a file too. */
static void test_truncation(const char *dir, const uint8_t *p, size_t size,
			    const struct layout *lay, const struct store *ref)
{
	struct strbuf err = STRBUF_INIT;
	for (size_t cut = 0; cut < size; cut++) {
		struct store *st;
		struct log_report rep;
		int rc = read_mem(p, cut, &st, &rep, &err);
		uint64_t from_file;
		if (cut % 37 == 0)
			CHECK(read_cut_file(dir, p, cut, &from_file) == rc &&
			      from_file == rep.events);
		if (cut < lay->header) {
			CHECK(rc == 2 && st == NULL && err.len > 0);
		} else {
			CHECK(rc == 1 && rep.truncated && st != NULL);
			CHECK(rep.events == events_before(lay, cut));
			CHECK(rep.bad_chunks == 0 &&
			      rep.truncated_at == whole_before(lay, cut));
			CHECK(st == NULL || events_match(st, ref, 0));
		}
		store_free(st);
		log_report_free(&rep);
	}
	strbuf_free(&err);
}

/* Change each byte in turn: never clean, and exactly the chunk that
 * holds the byte is lost. */
static void test_single_bytes(const uint8_t *orig, size_t size, const struct layout *lay,
			      uint64_t events, const struct store *ref)
{
	struct strbuf err = STRBUF_INIT;
	uint8_t *p = xmalloc(size);
	static const uint8_t masks[] = {0x01, 0x80, 0xff};
	for (size_t m = 0; m < sizeof masks; m++) {
		memcpy(p, orig, size);
		for (size_t i = 0; i < size; i++) {
			struct store *st;
			struct log_report rep;
			p[i] ^= masks[m];
			int rc = read_mem(p, size, &st, &rep, &err);
			p[i] ^= masks[m];
			const struct span *c = chunk_at(lay, i);
			if (i < lay->header) {
				CHECK(rc == 2);
			} else {
				uint64_t lost = c && c->type == 1 ? c->count : 0;
				/* a longer length in the last chunk reads as a cut */
				int cut = c == &lay->chunk[lay->n - 1] && rep.truncated;
				CHECK(rc == 1 && (rep.bad_chunks == 1 || cut));
				CHECK(c != NULL && (cut || rep.first_bad_offset == c->start));
				CHECK(rep.events == events - lost);
				CHECK(st == NULL || events_match(st, ref, 0));
			}
			store_free(st);
			log_report_free(&rep);
		}
	}
	free(p);
	strbuf_free(&err);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Several bytes at once, bursts, garbage appended: never a crash, never
 * clean, never an event the writer did not write. */
static void test_random_damage(const uint8_t *orig, size_t size, const struct store *ref,
			       uint64_t events)
{
	struct strbuf err = STRBUF_INIT;
	uint8_t *p = xmalloc(size + 64);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int trial = 0; trial < 3000; trial++) {
		memcpy(p, orig, size);
		size_t n = size;
		int hits = 1 + trial % 8;
		for (int k = 0; k < hits; k++) {
			xorshift(&x);
			size_t at = (size_t)(x % size);
			p[at] ^= (uint8_t)(1 + (x >> 40) % 255);
			if (trial % 5 == 0) /* a burst */
				for (size_t j = at; j < size && j < at + 16; j++)
					p[j] = (uint8_t)(x >> (j % 8 * 8));
		}
		if (trial % 7 == 0) { /* trailing garbage */
			memset(p + size, 'C', 64);
			n += 64;
		}
		struct store *st;
		struct log_report rep;
		int changed = n != size || memcmp(p, orig, size) != 0;
		int rc = read_mem(p, n, &st, &rep, &err);
		CHECK(!changed || rc != 0);
		CHECK(rc == 2 ||
		      (st != NULL && rep.events <= events && events_match(st, ref, 0)));
		store_free(st);
		log_report_free(&rep);
	}
	free(p);
	strbuf_free(&err);
}

static int read_fails_with(const uint8_t *p, size_t n, const char *message)
{
	struct strbuf err = STRBUF_INIT;
	struct store *st;
	struct log_report rep;
	int rc = read_mem(p, n, &st, &rep, &err);
	int ok = rc == 2 && st == NULL && strstr(strbuf_str(&err), message) != NULL &&
		 strchr(strbuf_str(&err), '\n') == NULL;
	if (!ok)
		fprintf(stderr, "rc %d, message '%s'\n", rc, strbuf_str(&err));
	store_free(st);
	log_report_free(&rep);
	strbuf_free(&err);
	return ok;
}

static void test_not_a_log(const char *dir)
{
	uint8_t noise[1000];
	uint32_t x = 7;
	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (uint8_t)((x = x * 1664525u + 1013904223u) >> 24);
	const char text[] = "# result: ok 4/4\nrank 0 send\n";
	CHECK(read_fails_with(noise, sizeof noise, "t.loom: not an mpiloom log"));
	CHECK(read_fails_with((const uint8_t *)"", 0, "t.loom: not an mpiloom log"));
	CHECK(read_fails_with((const uint8_t *)text, sizeof text - 1, "not an mpiloom log"));
	/* the same through a file, and a file that is not there */
	char *path = path_in(dir, "text.loom");
	spill(path, text, sizeof text - 1);
	struct strbuf err = STRBUF_INIT;
	struct store *st;
	CHECK(log_read(path, &st, NULL, NULL, &err) == 2 && st == NULL);
	CHECK(strstr(strbuf_str(&err), "not an mpiloom log") != NULL);
	remove_file(path);
	strbuf_reset(&err);
	CHECK(log_read(path, &st, NULL, NULL, &err) == 2 && st == NULL);
	CHECK(strstr(strbuf_str(&err), path) != NULL);
	strbuf_reset(&err);
	CHECK(log_read(dir, &st, NULL, NULL, &err) == 2 && st == NULL);
	CHECK(strstr(strbuf_str(&err), dir) != NULL);
	free(path);
	strbuf_free(&err);
}

/* ---- chunks built by hand, with good CRCs and bad contents ---- */

static void put_chunk(struct strbuf *out, uint32_t type, uint32_t count, const void *payload,
		      uint32_t len)
{
	uint8_t head[20];
	memcpy(head, "CHNK", 4);
	le_put32(head + 4, type);
	le_put32(head + 8, len);
	le_put32(head + 12, count);
	uint32_t crc = crc32_update(CRC32_INIT, head + 4, 12);
	le_put32(head + 16, crc32_update(crc, payload, len) ^ CRC32_INIT);
	strbuf_putn(out, (const char *)head, sizeof head);
	strbuf_putn(out, payload, len);
}

static void put_range(struct strbuf *out, const uint8_t *p, size_t from, size_t to)
{
	strbuf_putn(out, (const char *)p + from, to - from);
}

static const struct span *first_of_type(const struct layout *lay, uint32_t type)
{
	for (size_t i = 0; i < lay->n; i++)
		if (lay->chunk[i].type == type)
			return &lay->chunk[i];
	return NULL;
}

struct crafted {
	int rc;
	struct log_report rep;
};

/* The log with [from, to) replaced by a chunk of the given fields. */
static struct crafted splice(const uint8_t *p, size_t size, size_t from, size_t to,
			     uint32_t type, uint32_t count, const void *payload, uint32_t len)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct crafted c;
	struct store *st;
	put_range(&out, p, 0, from);
	put_chunk(&out, type, count, payload, len);
	put_range(&out, p, to, size);
	c.rc = read_mem((const uint8_t *)out.s, out.len, &st, &c.rep, &err);
	store_free(st);
	strbuf_free(&out);
	strbuf_free(&err);
	return c;
}

static void test_crafted(const uint8_t *p, size_t size, const struct layout *lay,
			 uint64_t events)
{
	const struct span *ev = first_of_type(lay, 1), *res = first_of_type(lay, 3);
	const struct span *end = &lay->chunk[lay->n - 1];
	uint32_t len = (uint32_t)(ev->end - ev->start - 20);
	uint8_t *payload = xmalloc(len + 3);
	memcpy(payload, p + ev->start + 20, len);
	memset(payload + len, 0, 3);
	/* a count that disagrees with the records, or bytes left over */
	struct crafted c = splice(p, size, ev->start, ev->end, 1, ev->count + 1, payload, len);
	CHECK(c.rc == 1 && c.rep.bad_chunks == 1 && c.rep.first_bad_offset == ev->start);
	CHECK(c.rep.events == events - ev->count && c.rep.has_end);
	log_report_free(&c.rep);
	c = splice(p, size, ev->start, ev->end, 1, ev->count, payload, len + 3);
	CHECK(c.rc == 1 && c.rep.bad_chunks == 1 && c.rep.events == events - ev->count);
	log_report_free(&c.rep);
	/* one record a reader refuses costs that record only */
	payload[58] = EV_KIND_COUNT;
	c = splice(p, size, ev->start, ev->end, 1, ev->count, payload, len);
	CHECK(c.rc == 1 && c.rep.bad_chunks == 0 && c.rep.bad_events == 1);
	CHECK(c.rep.events == events - 1);
	log_report_free(&c.rep);
	/* the same chunk twice: the store refuses the repeats */
	memcpy(payload, p + ev->start + 20, len);
	c = splice(p, size, ev->end, ev->end, 1, ev->count, payload, len);
	CHECK(c.rc == 1 && c.rep.rejected_events == ev->count && c.rep.events == events);
	log_report_free(&c.rep);
	/* a chunk type from a later writer is skipped */
	c = splice(p, size, end->start, end->start, 99, 7, "future", 6);
	CHECK(c.rc == 0 && c.rep.events == events && c.rep.chunks == lay->n + 1);
	log_report_free(&c.rep);
	/* a result whose text length disagrees with the payload */
	uint8_t r[20] = {0};
	le_put32(r + 8, 9);
	c = splice(p, size, res->start, res->end, 3, 1, r, sizeof r);
	CHECK(c.rc == 1 && c.rep.bad_chunks == 1 && !c.rep.has_result);
	log_report_free(&c.rep);
	/* an end record that counts differently */
	c = splice(p, size, end->start, end->end, 4, (uint32_t)events + 1, "", 0);
	CHECK(c.rc == 1 && c.rep.has_end && !c.rep.truncated && c.rep.bad_chunks == 0);
	log_report_free(&c.rep);
	/* bytes after the end record */
	c = splice(p, size, size, size, 4, 0, "", 0);
	CHECK(c.rc == 1 && c.rep.bad_chunks == 1 && c.rep.first_bad_offset == size);
	CHECK(c.rep.events == events);
	log_report_free(&c.rep);
	free(payload);
}

/* A header whose CRC checks out but whose contents this version refuses. */
static void test_header_fields(const uint8_t *orig, size_t size)
{
	uint8_t *p = xmalloc(size);
	uint32_t len = le_get32(orig + 12);
	memcpy(p, orig, size);
	le_put32(p + 8, LOG_FORMAT_VERSION + 1);
	le_put32(p + len - 4, crc32(p, len - 4));
	CHECK(read_fails_with(p, size,
			      "t.loom: format version 3 is newer than this mpiloom reads (2)"));
	memcpy(p, orig, size);
	le_put32(p + 16, 0);
	le_put32(p + len - 4, crc32(p, len - 4));
	CHECK(read_fails_with(p, size, "damaged header"));
	le_put32(p + 16, LOG_RANKS_MAX + 1);
	le_put32(p + len - 4, crc32(p, len - 4));
	CHECK(read_fails_with(p, size, "damaged header"));
	memcpy(p, orig, size);
	le_put32(p + 40, 5000); /* scenario length past the header */
	le_put32(p + len - 4, crc32(p, len - 4));
	CHECK(read_fails_with(p, size, "damaged header"));
	free(p);
}

/* A log built from mpiloom(5) alone: a header with a scenario name of n
 * bytes and two empty strings, then an end record. */
static int read_built(size_t n)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	uint8_t fixed[44] = "MPILOOM";
	le_put32(fixed + 8, 1);
	le_put32(fixed + 12, (uint32_t)(56 + n));
	le_put32(fixed + 16, 1);
	le_put32(fixed + 40, (uint32_t)n);
	strbuf_putn(&out, (const char *)fixed, sizeof fixed);
	for (size_t i = 0; i < n; i++)
		strbuf_putc(&out, 'a');
	strbuf_putn(&out, "\0\0\0\0\0\0\0\0", 8);
	uint8_t crc[4];
	le_put32(crc, crc32(out.s, out.len));
	strbuf_putn(&out, (const char *)crc, 4);
	put_chunk(&out, 4, 0, "", 0);
	struct store *st;
	struct log_report rep;
	int rc = read_mem((const uint8_t *)out.s, out.len, &st, &rep, &err);
	store_free(st);
	log_report_free(&rep);
	strbuf_free(&out);
	strbuf_free(&err);
	return rc;
}

static void test_built_header(void)
{
	CHECK(read_built(0) == 0);
	CHECK(read_built(LOG_STRING_MAX) == 0);
	CHECK(read_built(LOG_STRING_MAX + 1) == 2);
}

/* Events written, flushed, never closed: as a crash leaves the file. */
static void test_no_end(const char *dir)
{
	char *path = path_in(dir, "open.loom"), *copy = path_in(dir, "crashed.loom");
	struct strbuf err = STRBUF_INIT;
	struct run r = {
	    log_writer_open(path, &sample_header, &err), store_new(3), {0}, 0, 1000};
	CHECK(r.w != NULL);
	if (r.w == NULL)
		return;
	for (uint32_t k = 0; k < 3; k++)
		put(&r, mk(k, EV_INIT, k), NULL, 0);
	exchanges(&r, 10000);
	CHECK(log_writer_flush(r.w) == 0);
	size_t size;
	uint8_t *p = slurp(path, &size);
	spill(copy, p, size);
	struct store *st;
	struct log_report rep;
	CHECK(log_read(copy, &st, NULL, &rep, &err) == 1);
	CHECK(rep.truncated && !rep.has_end && rep.bad_chunks == 0);
	CHECK(rep.events == r.events && rep.truncated_at == size);
	CHECK(st != NULL && events_match(st, r.ref, 1));
	CHECK(log_writer_close(r.w, &err) == 0);
	store_free(st);
	store_free(r.ref);
	log_report_free(&rep);
	free(p);
	remove_file(path);
	remove_file(copy);
	free(path);
	free(copy);
	strbuf_free(&err);
}

static char *all_bytes(size_t n)
{
	char *s = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(1 + i % 255);
	s[n] = '\0';
	return s;
}

/* A log of a header and a result, no events: 0, or -1 (a failed check)
 * when it could not be opened. */
static int write_result_only(const char *path, const struct log_header *h,
			     const struct log_result *res, struct strbuf *err)
{
	struct log_writer *w = log_writer_open(path, h, err);
	CHECK(w != NULL);
	if (w == NULL)
		return -1;
	CHECK(log_writer_result(w, res) == 0);
	CHECK(log_writer_close(w, err) == 0);
	return 0;
}

static void test_hostile_strings(const char *dir)
{
	char *path = path_in(dir, "hostile.loom");
	char *longest = all_bytes(LOG_STRING_MAX);
	char scenario[] = "\"tree\"-sum'\x1b[2J\r\n\t\\";
	char args[] = "--count \xff\xfe\xc3 --root \xed\xa0\x80";
	struct log_header h = {LOG_FORMAT_VERSION, 1, -1, INT64_MAX, scenario, args, longest};
	struct log_result res = {0, 1, longest};
	struct strbuf err = STRBUF_INIT;
	if (write_result_only(path, &h, &res, &err) != 0)
		return;
	struct store *st;
	struct log_header got;
	struct log_report rep;
	CHECK(log_read(path, &st, &got, &rep, &err) == 0);
	CHECK(header_equal(&got, &h) && strlen(got.host) == LOG_STRING_MAX);
	CHECK(rep.has_result && strcmp(rep.result.text, longest) == 0 && rep.events == 0);
	store_free(st);
	log_header_free(&got);
	log_report_free(&rep);
	/* one byte more is refused before the file is touched */
	char *too_long = all_bytes(LOG_STRING_MAX + 1);
	h.args = too_long;
	strbuf_reset(&err);
	CHECK(log_writer_open(path, &h, &err) == NULL);
	CHECK(strstr(strbuf_str(&err), path) != NULL);
	free(too_long);
	free(longest);
	remove_file(path);
	free(path);
	strbuf_free(&err);
}

/* A report longer than a log keeps (compare's table at thousands of
 * ranks comes near) is cut; the recording stays whole. */
static void test_long_result(const char *dir)
{
	char *path = path_in(dir, "long.loom");
	char *text = all_bytes(LOG_TEXT_MAX + 10);
	struct log_result res = {1, 1, text};
	struct strbuf err = STRBUF_INIT;
	if (write_result_only(path, &sample_header, &res, &err) != 0)
		return;
	struct store *st;
	struct log_report rep;
	CHECK(log_read(path, &st, NULL, &rep, &err) == 0 && rep.has_result);
	CHECK(rep.result.text && strlen(rep.result.text) == LOG_TEXT_MAX);
	CHECK(rep.result.text && memcmp(rep.result.text, text, LOG_TEXT_MAX) == 0);
	store_free(st);
	log_report_free(&rep);
	free(text);
	remove_file(path);
	free(path);
	strbuf_free(&err);
}

static void test_unwritable(const char *dir)
{
	struct strbuf err = STRBUF_INIT;
	CHECK(log_writer_open(dir, &sample_header, &err) == NULL);
	CHECK(strstr(strbuf_str(&err), "cannot record to ") != NULL);
	CHECK(strstr(strbuf_str(&err), dir) != NULL);
	strbuf_reset(&err);
	CHECK(log_writer_open("/nonexistent/x", &sample_header, &err) == NULL);
	CHECK(strstr(strbuf_str(&err), "/nonexistent/x") != NULL);
	struct log_header none = sample_header;
	none.nranks = 0;
	strbuf_reset(&err);
	CHECK(log_writer_open("/nonexistent/x", &none, &err) == NULL && err.len > 0);
	strbuf_free(&err);
}

/* A record the reader would refuse fails the recording, not the replay. */
static void test_invalid_event(const char *dir)
{
	char *path = path_in(dir, "invalid.loom");
	struct strbuf err = STRBUF_INIT;
	struct log_writer *w = log_writer_open(path, &sample_header, &err);
	CHECK(w != NULL);
	if (w == NULL)
		return;
	struct event ev = mk(0, EV_NONE, 0);
	CHECK(log_writer_add(w, &ev, NULL) == -1);
	ev.kind = EV_INIT;
	CHECK(log_writer_add(w, &ev, NULL) == -1); /* the failure sticks */
	CHECK(log_writer_close(w, &err) == -1);
	CHECK(strstr(strbuf_str(&err), path) != NULL && strstr(strbuf_str(&err), "invalid"));
	remove_file(path);
	free(path);
	strbuf_free(&err);
}

/* Every events chunk within the writer's sizes: small ones first, none
 * past LOG_CHUNK_BYTES (what a full disk may cost). */
static int chunks_small(const struct layout *lay)
{
	size_t cap = LOG_CHUNK_FIRST_BYTES;
	for (size_t i = 0; i < lay->n; i++) {
		size_t len = lay->chunk[i].end - lay->chunk[i].start - 20;
		if (lay->chunk[i].type != 1)
			continue;
		if (len > cap)
			return 0;
		cap = cap < LOG_CHUNK_BYTES ? cap * 2 : cap;
	}
	return 1;
}

/* Writes count events to path in a child process whose files may grow
 * to limit bytes (RLIMIT_FSIZE: a disk that is full at limit, as far as
 * the writer can tell: a short write, then EFBIG). 0 when the writer
 * failed as it should. */
static int write_until_full(const char *path, rlim_t limit, uint32_t count)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct rlimit rl = {limit, limit};
		struct strbuf err = STRBUF_INIT;
		if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(99);
		struct log_writer *w = log_writer_open(path, &sample_header, &err);
		for (uint32_t i = 0; w != NULL && i < count; i++) {
			struct event ev = mk(i % 3, EV_BARRIER, i);
			ev.seq = i / 3;
			if (log_writer_add(w, &ev, NULL) != 0)
				break; /* full: the error sticks */
		}
		_exit(w != NULL && log_writer_close(w, &err) != 0 &&
			      strstr(strbuf_str(&err), strerror(EFBIG)) != NULL
			  ? 0
			  : 1);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A disk that fills up keeps every chunk written before, and a small one
 * holds events too: the first chunk is not 4096 events (256 KiB). */
static void test_full_disk(const char *dir)
{
	static const rlim_t limits[] = {3000, 70000, 200000};
	char *path = path_in(dir, "full.loom");
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		CHECK(write_until_full(path, limits[i], 20000) == 0);
		struct store *st = NULL;
		struct log_report rep;
		struct strbuf err = STRBUF_INIT;
		CHECK(log_read(path, &st, NULL, &rep, &err) == 1 && rep.truncated);
		/* at most one chunk lost, and a chunk's record is 64 bytes here */
		uint64_t room = (limits[i] - 200 - LOG_CHUNK_BYTES) / EVENT_WIRE_SIZE;
		CHECK(rep.events > 0 && (limits[i] < 2 * LOG_CHUNK_BYTES || rep.events >= room));
		store_free(st);
		log_report_free(&rep);
		strbuf_free(&err);
	}
	remove_file(path);
	free(path);
}

/* Enough events for several full chunks and a file larger than the
 * reader's 4 MiB window, so that chunks straddle its refills. */
static void test_large(const char *dir)
{
	char *path = path_in(dir, "large.loom");
	struct strbuf err = STRBUF_INIT;
	struct run r = {
	    log_writer_open(path, &sample_header, &err), store_new(3), {0}, 0, 1 << 30};
	CHECK(r.w != NULL);
	if (r.w == NULL)
		return;
	uint8_t bytes[EVENT_PREVIEW_MAX];
	for (int i = 0; i < EVENT_PREVIEW_MAX; i++)
		bytes[i] = (uint8_t)("CHNK"[i % 4]);
	for (uint32_t i = 0; i < 80000; i++) {
		struct event ev = mk(i % 3, EV_BARRIER, i);
		ev.dtype = ev.preview_dtype = DT_BYTE;
		put(&r, ev, bytes, (int)(i % (EVENT_PREVIEW_MAX + 1)));
	}
	CHECK(log_writer_close(r.w, &err) == 0);
	size_t size;
	uint8_t *p = slurp(path, &size);
	struct layout lay;
	walk(p, size, &lay);
	CHECK(size > (5u << 20) && chunks_small(&lay) && events_before(&lay, size) == 80000);
	struct store *st;
	struct log_report rep;
	CHECK(log_read(path, &st, NULL, &rep, &err) == 0 && rep.events == r.events);
	CHECK(st != NULL && events_match(st, r.ref, 1));
	store_free(st);
	log_report_free(&rep);
	/* damage in the chunk across the window's end, then a cut there */
	size_t at = 4u << 20;
	const struct span *c = chunk_at(&lay, at);
	p[at] ^= 0x20;
	spill(path, p, size);
	CHECK(log_read(path, &st, NULL, &rep, &err) == 1 && rep.bad_chunks == 1);
	CHECK(c != NULL && rep.events == r.events - c->count &&
	      rep.first_bad_offset == c->start);
	store_free(st);
	log_report_free(&rep);
	p[at] ^= 0x20;
	spill(path, p, at + 10);
	CHECK(log_read(path, &st, NULL, &rep, &err) == 1 && rep.truncated);
	CHECK(rep.events == events_before(&lay, at + 10) && rep.truncated_at == c->start);
	store_free(st);
	log_report_free(&rep);
	free(lay.chunk);
	free(p);
	store_free(r.ref);
	remove_file(path);
	free(path);
	strbuf_free(&err);
}

int main(void)
{
	char *dir = make_temp_dir();
	test_crc32();
	char *path = path_in(dir, "run.loom");
	uint64_t events;
	struct store *ref = write_sample(path, &events);
	size_t size;
	uint8_t *bytes = slurp(path, &size);
	struct layout lay;
	walk(bytes, size, &lay);
	CHECK(lay.n >= 8 && lay.chunk[lay.n - 1].end == size && lay.chunk[lay.n - 1].type == 4);
	test_round_trip(path, ref, events);
	test_truncation(dir, bytes, size, &lay, ref);
	test_single_bytes(bytes, size, &lay, events, ref);
	test_random_damage(bytes, size, ref, events);
	test_not_a_log(dir);
	test_header_fields(bytes, size);
	test_built_header();
	test_crafted(bytes, size, &lay, events);
	test_no_end(dir);
	test_hostile_strings(dir);
	test_long_result(dir);
	test_unwritable(dir);
	test_invalid_event(dir);
	test_large(dir);
	test_full_disk(dir);
	free(lay.chunk);
	free(bytes);
	store_free(ref);
	remove_file(path);
	free(path);
	if (rmdir(dir) != 0)
		perror(dir);
	free(dir);
	UNIT_END();
}
