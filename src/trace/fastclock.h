/* The clock of the traced calls: two reads a call, so its cost is most of
 * what tracing adds. On x86-64 with an invariant time-stamp counter that
 * the kernel itself keeps time with, the counter is read directly and
 * scaled to CLOCK_MONOTONIC nanoseconds (about half the cost of
 * clock_gettime here); elsewhere it is clock_gettime. The scale comes from
 * anchors, pairs of (counter, CLOCK_MONOTONIC) that the collecting or
 * shipping thread takes on each tick, so it stays within a few nanoseconds of the clock
 * the rest of the program reads.
 *
 * The counter is trusted only while it keeps agreeing with the kernel's
 * clock: each anchor first checks where the last one says the counter
 * should be. A counter that jumped or drifted (a VM's time-stamp counter
 * under load, once the kernel has marked it unstable and moved to another
 * clock source) would otherwise put calls minutes away from when they
 * happened, and the scale, measured since the first anchor, would keep
 * the error for the rest of the run. Then every reading is clock_gettime,
 * for good. */
#ifndef MPILOOM_FASTCLOCK_H
#define MPILOOM_FASTCLOCK_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/clock.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <x86intrin.h>
#define FASTCLOCK_TSC 1
#endif

struct fastclock_anchor {
	uint64_t tsc;
	int64_t ns;
	uint64_t mult; /* ns per tick, times 2^32; 0: read clock_gettime */
};

/* The anchor in use, written by one thread under a sequence lock. */
struct fastclock_now {
	atomic_uint gen; /* 0: none published yet */
	struct fastclock_anchor a;
};

struct fastclock {
	/* atomic: the collector or shipper thread gives the counter up while
	 * every traced call reads it (relaxed there: a plain load on x86) */
	atomic_int use_tsc;
	struct fastclock_now *now; /* &own, or one that rank 0 keeps for its host */
	struct fastclock_now own;
	/* the first anchor: the scale is measured from it */
	uint64_t tsc0;
	int64_t ns0;
	atomic_int distrusted; /* fastclock_distrust was called */
};

/* Decides whether the counter can be used and measures its rate. */
void fastclock_start(struct fastclock *fc);
/* A new anchor: call every few milliseconds, from one thread only. */
void fastclock_anchor(struct fastclock *fc);
/* Something else found the counter wrong (a call that began in the
 * future): the next anchor gives it up. Any thread. */
void fastclock_distrust(struct fastclock *fc);
/* The same from a pair taken elsewhere (the tests' counter that jumps);
 * returns 0, or -1 when the pair disagreed with the anchor in use and the
 * counter is given up. */
int fastclock_anchor_at(struct fastclock *fc, uint64_t tsc, int64_t ns);
/* On one host every process reads the counter and the clock alike, so
 * one anchor serves all: rank 0 seeds shared with its own, then every
 * process reads it from there, and rank 0's collector keeps it fresh. */
void fastclock_seed(const struct fastclock *fc, struct fastclock_now *shared);
void fastclock_share(struct fastclock *fc, struct fastclock_now *shared);

#ifdef FASTCLOCK_TSC
static inline int64_t fastclock_scale(const struct fastclock_anchor *a, uint64_t tsc)
{
	__int128 d = (__int128)(int64_t)(tsc - a->tsc) * (__int128)a->mult;
	return a->ns + (int64_t)(d >> 32);
}

static inline int64_t fastclock_ns(const struct fastclock *fc)
{
	if (!atomic_load_explicit(&fc->use_tsc, memory_order_relaxed))
		return clock_now_ns();
	struct fastclock_anchor a;
	unsigned g;
	const struct fastclock_now *now = fc->now;
	do {
		g = atomic_load_explicit(&now->gen, memory_order_acquire);
		a = now->a;
		atomic_thread_fence(memory_order_acquire);
	} while ((g & 1) || atomic_load_explicit(&now->gen, memory_order_relaxed) != g);
	if (a.mult == 0) /* the counter was given up */
		return clock_now_ns();
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
