/* Single-producer single-consumer ring of event records: the rank's own
 * thread pushes (a copy and a release store, no lock, no syscall), the
 * shipping thread drains. A full ring makes the producer wait: events are
 * never dropped. */
#ifndef MPILOOM_RING_H
#define MPILOOM_RING_H

#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>

#include "event.h"

struct ring {
	struct event_record *slots;
	size_t mask;
	_Atomic size_t head; /* next slot the producer writes */
	size_t tail_seen;    /* producer's last look at tail: re-read only when full */
	_Atomic size_t tail; /* next slot the consumer reads */
	sem_t wake;	     /* the producer rings it when the ring fills up */
};

int ring_init(struct ring *r, size_t capacity_pow2);
void ring_free(struct ring *r);
void ring_push(struct ring *r, const struct event_record *rec);
/* Up to max records readable in one contiguous run; then ring_release. */
size_t ring_peek(struct ring *r, struct event_record **first, size_t max);
void ring_release(struct ring *r, size_t n);
size_t ring_used(struct ring *r);
/* The consumer waits up to ns for the producer's wake-up. */
void ring_wait(struct ring *r, long ns);

#endif
