#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "ring.h"

int ring_init(struct ring *r, size_t capacity_pow2)
{
	r->slots = calloc(capacity_pow2, sizeof *r->slots);
	if (r->slots == NULL)
		return -1;
	r->mask = capacity_pow2 - 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	return 0;
}

void ring_free(struct ring *r)
{
	free(r->slots);
	r->slots = NULL;
}

void ring_push(struct ring *r, const struct event_record *rec)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	while (head - atomic_load_explicit(&r->tail, memory_order_acquire) > r->mask) {
		/* Back-pressure: the shipper is behind; let it run. */
		struct timespec ts = {0, 50000};
		nanosleep(&ts, NULL);
	}
	r->slots[head & r->mask] = *rec;
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
}

size_t ring_peek(struct ring *r, struct event_record **first, size_t max)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t n = head - tail;
	size_t to_wrap = r->mask + 1 - (tail & r->mask);
	if (n > to_wrap)
		n = to_wrap;
	if (n > max)
		n = max;
	*first = &r->slots[tail & r->mask];
	return n;
}

void ring_release(struct ring *r, size_t n)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
}

size_t ring_used(struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire) -
	       atomic_load_explicit(&r->tail, memory_order_acquire);
}
