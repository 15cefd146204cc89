/* On one host the ranks and rank 0 share a memory segment: each rank's
 * ring of events and its gate slot live there, so rank 0's collector reads
 * them directly. A rank then needs no thread of its own and makes no MPI
 * call to ship events, and what it recorded outlives it if it is killed. */
#ifndef MPILOOM_SHARED_H
#define MPILOOM_SHARED_H

#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/fastclock.h"
#include "trace/ring.h"
#include "trace/tracer.h"

struct shared_rank {
	struct ring_ctl ring;
	struct gate_slot slot;
	sem_t release;		/* stepping: one post lets one held call go */
	_Atomic uint32_t final; /* set once total is: the rank's last event is in */
	uint32_t total;
};

struct shared_head {
	uint32_t nranks;
	uint32_t capacity; /* records per ring */
	sem_t wake;	   /* a ring filled up, or a rank asks for a flush */
	atomic_int stepping;
	/* a rank about to die asks rank 0 to write its log (a count, so
	 * that two ranks dying together each see their own answer) */
	atomic_uint flush_asked;
	atomic_uint flush_done;
	struct fastclock_now clock; /* rank 0's anchor for the time-stamp counter */
};

struct shared {
	struct shared_head *head;
	struct shared_rank *ranks;
	struct event_record *records; /* nranks rings of capacity records */
	/* the shape, kept apart from the segment any rank can write to */
	uint32_t nranks;
	uint32_t capacity;
	size_t bytes;
};

/* Not when MPILOOM_TRANSPORT is "mpi", which every rank must see alike. */
int shared_wanted(void);
/* Collective over tr->comm, after the clock sync: when every rank runs on
 * this host and MPILOOM_TRANSPORT is not "mpi", maps the segment and
 * sets tr->shared. Returns MPI_SUCCESS also when it did not (the ranks
 * then ship over MPI), an MPI error only when MPI failed. */
int shared_open(struct tracer *tr);
void shared_close(struct tracer *tr);
/* Rank r's final event is in its ring: what it recorded in all. */
void shared_mark_final(struct shared *sh, uint32_t r, uint32_t total);
/* Rank r's ring, seen from this process. */
void shared_ring(struct shared *sh, uint32_t r, struct ring *out);

#endif
