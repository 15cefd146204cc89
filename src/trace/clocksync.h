/* One monotonic clock per rank, mapped onto rank 0's clock by an offset
 * estimated at start-up, so that events of all ranks share one axis and
 * no receive is drawn before its send, also across hosts. */
#ifndef MPILOOM_CLOCKSYNC_H
#define MPILOOM_CLOCKSYNC_H

#include <mpi.h>
#include <stdint.h>

#include "core/clock.h"

struct clock_sync {
	int64_t epoch;	  /* rank 0's start time, in this rank's clock */
	int64_t offset;	  /* this rank's clock minus rank 0's */
	int64_t rtt;	  /* best round trip of the estimate; 0 when exact */
	int same_host;	  /* shares rank 0's kernel clock: offset is exactly 0 */
};

/* Collective over comm (PMPI only). Returns an MPI error code. */
int clock_sync_run(struct clock_sync *cs, MPI_Comm comm, int force_estimate);

static inline int64_t clock_event_time(const struct clock_sync *cs, int64_t now)
{
	return now - cs->epoch;
}

#endif
