/* Writing a log (mpiloom(5)) while the run goes on: events are buffered
 * into small chunks (LOG_CHUNK_BYTES in log.h) and written whole, so that
 * a crash loses at most the chunk being filled and a full disk at most
 * the chunk it cut. The one part of src/log inside a traced program. */
#ifndef MPILOOM_LOG_WRITER_H
#define MPILOOM_LOG_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/strbuf.h"
#include "log/log.h"
#include "log/output.h"

struct log_writer;

/* Creates/truncates path and writes the header. Returns NULL with a
 * one-line reason in err ("cannot record to PATH: REASON"). NULL strings
 * in h are written as empty ones. */
struct log_writer *log_writer_open(const char *path, const struct log_header *h,
				   struct strbuf *err);
/* Buffers one event (its aux is recorded only where it names a
 * completion's posting: the reader matches again);
 * writes a chunk when LOG_CHUNK_EVENTS, or the chunk's size (see
 * LOG_CHUNK_BYTES), are buffered. A NULL preview is recorded as none, like
 * store_add does. Returns 0, or -1 once anything failed (the error is kept
 * and reported by log_writer_close). */
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
/* The first failure's one-line reason ("cannot record to PATH: REASON"),
 * or NULL while all is well: for a writer that must say so at once, not
 * only at the close a crash may never reach. */
const char *log_writer_error(const struct log_writer *w);
/* Flushes, writes the end record, closes. Returns 0, or -1 with the first
 * error's reason in err (e.g. disk full). Frees w either way. */
int log_writer_close(struct log_writer *w, struct strbuf *err);

#endif
