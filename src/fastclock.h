/* The clock of the traced calls: two reads a call, so its cost is most of
 * what tracing adds. On x86-64 with an invariant time-stamp counter that
 * the kernel itself keeps time with, the counter is read directly and
 * scaled to CLOCK_MONOTONIC nanoseconds (about half the cost of
 * clock_gettime here); elsewhere it is clock_gettime. The scale comes from
 * anchors, pairs of (counter, CLOCK_MONOTONIC) that the shipping thread
 * takes on each tick, so it stays within a few nanoseconds of the clock
 * the rest of the program reads. */
#ifndef MPILOOM_FASTCLOCK_H
#define MPILOOM_FASTCLOCK_H

#include <stdatomic.h>
#include <stdint.h>

#include "clock.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <x86intrin.h>
#define FASTCLOCK_TSC 1
#endif

struct fastclock_anchor {
	uint64_t tsc;
	int64_t ns;
	uint64_t mult; /* ns per tick, times 2^32 */
};

struct fastclock {
	int use_tsc;
	/* the anchor, written by one thread under a sequence lock */
	atomic_uint gen;
	struct fastclock_anchor now;
	/* the first anchor: the scale is measured from it */
	uint64_t tsc0;
	int64_t ns0;
};

/* Decides whether the counter can be used and measures its rate. */
void fastclock_start(struct fastclock *fc);
/* A new anchor: call every millisecond or so, from one thread only. */
void fastclock_anchor(struct fastclock *fc);

#ifdef FASTCLOCK_TSC
static inline int64_t fastclock_scale(const struct fastclock_anchor *a, uint64_t tsc)
{
	__int128 d = (__int128)(int64_t)(tsc - a->tsc) * (__int128)a->mult;
	return a->ns + (int64_t)(d >> 32);
}

static inline int64_t fastclock_ns(const struct fastclock *fc)
{
	if (!fc->use_tsc)
		return clock_now_ns();
	struct fastclock_anchor a;
	unsigned g;
	do {
		g = atomic_load_explicit(&fc->gen, memory_order_acquire);
		a = fc->now;
		atomic_thread_fence(memory_order_acquire);
	} while ((g & 1) || atomic_load_explicit(&fc->gen, memory_order_relaxed) != g);
	return fastclock_scale(&a, __rdtsc());
}
#else
static inline int64_t fastclock_ns(const struct fastclock *fc)
{
	(void)fc;
	return clock_now_ns();
}
#endif

#endif
