/* Single-producer single-consumer ring of event records: the rank's own
 * thread pushes (a copy and a release store, no lock, no syscall), a
 * thread of its own or of rank 0 drains. A full ring makes the producer
 * wait: events are never dropped. The indices, the records and the
 * wake-up may live in memory shared with rank 0 (shared.c). */
#ifndef MPILOOM_RING_H
#define MPILOOM_RING_H

#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>

#include "core/event.h"

/* On their own cache lines: the producer writes head, the consumer tail. */
struct ring_ctl {
	_Alignas(64) _Atomic size_t head; /* next slot the producer writes */
	_Alignas(64) _Atomic size_t tail; /* next slot the consumer reads */
};

struct ring {
	struct event_record *slots;
	size_t mask;
	size_t tail_seen; /* producer's last look at tail: re-read only when full */
	struct ring_ctl *ctl;
	sem_t *wake; /* the producer rings it when the ring fills up */
	/* a private ring's own memory */
	struct ring_ctl own_ctl;
	sem_t own_wake;
	int owned;
};

int ring_init(struct ring *r, size_t capacity_pow2);
/* A view of a ring whose memory someone else owns (a shared segment). */
void ring_attach(struct ring *r, struct ring_ctl *ctl, struct event_record *slots,
		 size_t capacity_pow2, sem_t *wake);
void ring_free(struct ring *r);
void ring_push(struct ring *r, const struct event_record *rec);
/* Up to max records readable in one contiguous run; then ring_release. */
size_t ring_peek(struct ring *r, struct event_record **first, size_t max);
void ring_release(struct ring *r, size_t n);
size_t ring_used(struct ring *r);
/* The consumer waits up to ns for the producer's wake-up. */
void ring_wait(struct ring *r, long ns);

#endif
