/* The event log: a run recorded to a file, to be replayed later or on
 * another machine. The format is described in mpiloom(5). A log is
 * written while the run goes on, so a crash leaves a readable prefix, and
 * read as untrusted input: damage costs the chunks it hits, not the file. */
#ifndef MPILOOM_LOG_H
#define MPILOOM_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "log/output.h"

#define LOG_FORMAT_VERSION 2
/* Events per chunk: the most a crash of the recording process can lose. */
#define LOG_CHUNK_EVENTS 4096
/* Longest header string (scenario, args, host) and result text. */
#define LOG_STRING_MAX 4096
#define LOG_TEXT_MAX   (4 << 20)
/* Header nranks must be 1 to this. */
#define LOG_RANKS_MAX 1000000

struct log_header {
	uint32_t version;	  /* as read; LOG_FORMAT_VERSION when writing */
	uint32_t nranks;	  /* 1 to LOG_RANKS_MAX */
	int64_t created;	  /* unix seconds */
	int64_t clock_max_rtt_ns; /* 0: all ranks shared one clock */
	/* Owned, at most LOG_STRING_MAX bytes each; untrusted when read:
	 * any bytes (escape them to print them). */
	char *scenario; /* e.g. "tree-sum" */
	char *args;	/* the command line options, e.g. "--count 3 --root 0" */
	char *host;	/* host name of rank 0 */
};

void log_header_free(struct log_header *h);

struct log_result {
	uint32_t ok_ranks;
	uint32_t size;
	char *text; /* owned; the result line's free text */
};

struct log_writer;

/* Creates/truncates path and writes the header. Returns NULL with a
 * one-line reason in err ("cannot record to PATH: REASON"). NULL strings
 * in h are written as empty ones. */
struct log_writer *log_writer_open(const char *path, const struct log_header *h,
				   struct strbuf *err);
/* Buffers one event (its aux is recorded only where it names a
 * completion's posting: the reader matches again);
 * writes a chunk when LOG_CHUNK_EVENTS are buffered. A NULL preview is
 * recorded as none, like store_add does. Returns 0, or -1 once anything
 * failed (the error is kept and reported by log_writer_close). */
int log_writer_add(struct log_writer *w, const struct event *ev, const uint8_t *preview);
/* Writes what is buffered now: the live run calls it at least every
 * 100 ms, so that a crash loses at most that much. */
int log_writer_flush(struct log_writer *w);
/* The run's result, written at the next flush; a text longer than
 * LOG_TEXT_MAX bytes is cut to that length. */
int log_writer_result(struct log_writer *w, const struct log_result *r);
/* A rank's announced total (store_rank_done), written at the next flush. */
int log_writer_rank_done(struct log_writer *w, uint32_t rank, uint32_t total);
/* The program's own output (mpiloom run): bytes of one stream, read at
 * t_ns (unix time in nanoseconds), written at once in output chunks after
 * the events buffered so far. */
int log_writer_output(struct log_writer *w, enum output_stream stream, int64_t t_ns,
		      const void *bytes, size_t n);
/* Flushes, writes the end record, closes. Returns 0, or -1 with the first
 * error's reason in err (e.g. disk full). Frees w either way. */
int log_writer_close(struct log_writer *w, struct strbuf *err);

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
 * "run.loom: not an mpiloom log", the path quoted as core/quote.h does
 * (a read error part-way through ends the log there and is reported in
 * err too). h and rep may be NULL; what
 * they receive is the caller's to free (log_header_free,
 * log_report_free) whatever the return. */
int log_read(const char *path, struct store **out, struct log_header *h, struct log_report *rep,
	     struct strbuf *err);
/* The same from memory; name is used in messages as it is. */
int log_read_buffer(const uint8_t *data, size_t size, const char *name, struct store **out,
		    struct log_header *h, struct log_report *rep, struct strbuf *err);

/* Following a log while another process writes it: each poll reads the
 * whole chunks appended since the last one and hands them to a sink. */
struct log_sink {
	void *ctx;
	void (*header)(void *ctx, const struct log_header *h);
	void (*event)(void *ctx, const struct event *ev, const uint8_t *preview);
	void (*total)(void *ctx, uint32_t rank, uint32_t total);
	void (*result)(void *ctx, const struct log_result *r);
};
struct log_follower;
/* NULL with a one-line reason in err. The file may still be empty. */
struct log_follower *log_follow_open(const char *path, struct strbuf *err);
/* 0: read what there was, 1: the end record was read, -1: the file is
 * not a log (reason in err); damaged chunks are skipped. */
int log_follow_poll(struct log_follower *f, const struct log_sink *sink, struct strbuf *err);
void log_follow_close(struct log_follower *f);


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
