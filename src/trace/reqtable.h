/* The trace layer's open requests: what each non-blocking call posted, so
 * that the Wait or Test completing it can say which posting it ends, and
 * preview a receive's data. Keyed by the MPI_Request handle. */
#ifndef MPILOOM_REQTABLE_H
#define MPILOOM_REQTABLE_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

struct comm_info;

/* The handles are kept for the completion to read the status in the
 * posting's datatype; the event holds everything else. */
struct posting {
	struct event ev; /* the posting's event, its seq included */
	MPI_Datatype dt;
	void *buf;
	/* an ANY_SOURCE receive's communicator other than WORLD, held (see
	 * comms_hold) until the source is known: the program may free it
	 * first */
	struct comm_info *source_comm;
};

struct reqtable {
	struct reqslot *slots;
	size_t cap; /* a power of two, or 0 before the first posting */
	size_t used;
};

void reqtable_free(struct reqtable *t);
/* A handle already present is added again (see reqtable.c). */
void reqtable_put(struct reqtable *t, MPI_Request req, const struct posting *p);
/* Returns 1 and fills *out with the oldest posting of the handle, removing
 * it; 0 for a handle not posted
 * by a traced call (persistent requests, MPI_REQUEST_NULL). */
int reqtable_take(struct reqtable *t, MPI_Request req, struct posting *out);
/* The same, leaving it there. */
int reqtable_peek(const struct reqtable *t, MPI_Request req, struct posting *out);

#endif
