/* Standalone mode of the trace library (see standalone.c): the log that
 * rank 0 writes when MPILOOM_RECORD names a file. */
#ifndef MPILOOM_STANDALONE_H
#define MPILOOM_STANDALONE_H

#include <stdint.h>

#include "core/trace.h"

struct standalone;

/* Rank 0 after MPI_Init: the log, or NULL when MPILOOM_RECORD is unset.
 * A file that cannot be created or written (a full disk) is said once on
 * stderr; the events are dropped from then on and the run goes on. */
struct standalone *standalone_start(uint32_t nranks, int64_t max_rtt_ns);
/* Where rank 0's collector hands every event: straight to the log. */
struct trace_recorder standalone_recorder(struct standalone *sa);
/* After the collector stopped: the result and the end record; frees sa. */
void standalone_finish(struct standalone *sa);

#endif
