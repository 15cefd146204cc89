/* Reading a whole log (mpiloom(5)), into a store or as a stream, with a
 * report of what damage or a cut cost. */
#ifndef MPILOOM_LOG_READER_H
#define MPILOOM_LOG_READER_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "log/log.h"
#include "log/output.h"

struct log_report {
	uint64_t events;	   /* events recovered into the store */
	uint64_t chunks;	   /* good chunks */
	uint64_t bad_chunks;	   /* bad checksum or impossible fields: skipped */
	uint64_t first_bad_offset; /* byte offset of the first bad chunk, if any */
	int truncated;		   /* ends inside a chunk or has no end record */
	uint64_t truncated_at;	   /* byte offset where the last whole chunk ended */
	int has_end;		   /* the end record was found */
	int has_result;
	struct log_result result;
	uint64_t file_bytes;
	/* Records of good chunks that event_decode refused (damage), and
	 * that store_add refused (repeats, bad rank: not damage, and in the
	 * store's own count too). */
	uint64_t pending; /* reports of calls in progress (EVF_PENDING): not events */
	uint64_t bad_events;
	uint64_t rejected_events;
	uint64_t end_events; /* events the writer said it wrote, when has_end */
	struct output output; /* the program's output (output chunks), as lines */
};

void log_report_free(struct log_report *r);

/* Reads a log into a new store. Returns 0 (complete and clean), 1
 * (something was recovered but the file is truncated or damaged: see rep;
 * also when the end record's count disagrees with the records found), or
 * 2 (unusable: unreadable, not a log, damaged header, newer format
 * version): then *out is NULL and err gets a one-line reason such as
 * "run.loom: not an mpiloom log" (a read error part-way through ends the
 * log there and is reported in err too). h and rep may be NULL; what
 * they receive is the caller's to free (log_header_free,
 * log_report_free) whatever the return. */
int log_read(const char *path, struct store **out, struct log_header *h, struct log_report *rep,
	     struct strbuf *err);
/* The same from memory; name is used in messages as it is (a file's path
 * is quoted, as core/quote.h does). */
int log_read_buffer(const uint8_t *data, size_t size, const char *name, struct store **out,
		    struct log_header *h, struct log_report *rep, struct strbuf *err);

/* Where log_stream delivers what it reads, as it reads it: the header
 * first (begin may refuse it: log_stream then returns 2 at once), then the
 * events in file order (each rank's in sequence order, the ranks
 * interleaved). event returns 0, or -1 for a record it rejects (counted
 * in rejected_events, as a store's refusal is). NULL begin or rank_done:
 * not wanted. */
struct log_stream_sink {
	int (*begin)(void *ctx, const struct log_header *h);
	int (*event)(void *ctx, const struct event *ev, const uint8_t *preview);
	void (*rank_done)(void *ctx, uint32_t rank, uint32_t total);
	void *ctx;
};

/* log_read without the store: a window of the file in memory at a time.
 * Same returns, report and messages. */
int log_stream(const char *path, const struct log_stream_sink *sink, struct log_header *h,
	       struct log_report *rep, struct strbuf *err);

#endif
