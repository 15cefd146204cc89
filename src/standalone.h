/* Standalone mode of the trace library (see standalone.c): the log that
 * rank 0 writes when MPILOOM_RECORD names a file. */
#ifndef MPILOOM_STANDALONE_H
#define MPILOOM_STANDALONE_H

#include <stdint.h>

#include "log.h"
#include "store.h"
#include "trace.h"

/* Rank 0 after MPI_Init: the log, or NULL when MPILOOM_RECORD is unset or
 * the file cannot be created (the reason on stderr; the run goes on). */
struct log_writer *standalone_start(uint32_t nranks, int64_t max_rtt_ns);
struct trace_recorder standalone_recorder(struct log_writer *w);
/* After the collector stopped: the result and the end record; frees w. */
void standalone_finish(struct log_writer *w, const struct store *st);

#endif
