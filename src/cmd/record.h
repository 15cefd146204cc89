/* --record: rank 0 writes the run's events to a log while it goes on. */
#ifndef MPILOOM_RECORD_H
#define MPILOOM_RECORD_H

#include <stdint.h>

#include "cmd/options.h"

/* Before mpiexec starts: can path be written? 0, or 2 with the reason on
 * stderr. Leaves no file behind that was not there. */
int record_check_path(const char *path);

struct record;

/* Rank 0, after MPI_Init: creates the log and attaches it to the trace
 * layer. NULL with the reason on stderr. */
struct record *record_start(const char *path, const char *scenario, const struct options *o,
			    uint32_t nranks);
/* After MPI_Finalize: the result, the end record. 0, or -1 (reason on
 * stderr). Frees r. */
int record_finish(struct record *r, uint32_t ok_ranks, uint32_t size, const char *text);

#endif
