#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace/fastclock.h"

#ifdef FASTCLOCK_TSC
#include <cpuid.h>

#define CALIBRATE_NS 2000000
/* A pair whose clock_gettime took longer than this between its two
 * counter reads (the thread was preempted) does not say where the
 * counter was when the clock was read: no anchor is made from it. */
#define PAIR_MAX_TICKS 200000
/* How far the counter may stray from the kernel's clock between two
 * anchors before it is given up: far above clock rate corrections (at
 * most 500 ppm) and a pair's uncertainty, far below what a person sees. */
#define STRAY_NS 1000000
#define STRAY_PPM 2000

/* CPUID: the counter ticks at one rate whatever the core's frequency and
 * sleep state. */
static int tsc_invariant(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(0x80000007, &a, &b, &c, &d))
		return 0;
	return (d >> 8) & 1;
}

/* The kernel keeps CLOCK_MONOTONIC with the counter only once it found it
 * in step across cores (and stable under a hypervisor): the same test we
 * would need, made by the party best placed to make it. */
static int kernel_uses_tsc(void)
{
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
	if (f == NULL)
		return 0;
	char name[32] = "";
	int ok = fgets(name, sizeof name, f) != NULL && strcmp(name, "tsc\n") == 0;
	fclose(f);
	return ok;
}

/* A counter reading at the middle of a clock_gettime, from the tightest
 * bracket of a few tries. */
static uint64_t take_pair(uint64_t *tsc, int64_t *ns)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 4; i++) {
		uint64_t t1 = __rdtsc();
		int64_t n = clock_now_ns();
		uint64_t t2 = __rdtsc();
		if (t2 - t1 < best) {
			best = t2 - t1;
			*tsc = t1 + (t2 - t1) / 2;
			*ns = n;
		}
	}
	return best;
}

/* A pair taken while the thread ran on: 1, or 0 after many tries. */
static int good_pair(uint64_t *tsc, int64_t *ns)
{
	for (int i = 0; i < 64; i++)
		if (take_pair(tsc, ns) <= PAIR_MAX_TICKS)
			return 1;
	return 0;
}

/* ns per tick times 2^32 over the whole span since the first anchor, so
 * the longer the run, the finer the scale; 0 when it cannot be told. */
static uint64_t scale_since(const struct fastclock *fc, uint64_t tsc, int64_t ns)
{
	if (tsc <= fc->tsc0 || ns <= fc->ns0)
		return 0;
	return (uint64_t)(((unsigned __int128)(ns - fc->ns0) << 32) / (tsc - fc->tsc0));
}

static void publish(struct fastclock_now *now, const struct fastclock_anchor *a)
{
	unsigned g = atomic_load_explicit(&now->gen, memory_order_relaxed);
	atomic_store_explicit(&now->gen, g + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	now->a = *a;
	atomic_store_explicit(&now->gen, g + 2, memory_order_release);
}

/* Whether the pair is where the anchor in use says the counter is. */
static int agrees(const struct fastclock_anchor *cur, uint64_t tsc, int64_t ns)
{
	if (tsc < cur->tsc || ns < cur->ns)
		return 0;
	int64_t off = fastclock_scale(cur, tsc) - ns;
	int64_t allowed = STRAY_NS + (ns - cur->ns) / 1000000 * STRAY_PPM;
	return off <= allowed && off >= -allowed;
}

/* Every reading from now on is clock_gettime's. */
static void give_up(struct fastclock *fc)
{
	struct fastclock_anchor none = {0, 0, 0};
	publish(fc->now, &none);
	fc->use_tsc = 0;
}

int fastclock_anchor_at(struct fastclock *fc, uint64_t tsc, int64_t ns)
{
	if (!fc->use_tsc)
		return -1;
	const struct fastclock_anchor *cur = &fc->now->a;
	struct fastclock_anchor a = {tsc, ns, scale_since(fc, tsc, ns)};
	if (atomic_load(&fc->now->gen) != 0 && (cur->mult == 0 || !agrees(cur, tsc, ns))) {
		give_up(fc);
		return -1;
	}
	if (a.mult == 0)
		return 0; /* too soon to tell a scale: the last anchor stays */
	publish(fc->now, &a);
	return 0;
}

static int anchor_now(struct fastclock *fc)
{
	uint64_t tsc;
	int64_t ns;
	if (!good_pair(&tsc, &ns))
		return 0; /* preempted each time: the last anchor stays */
	return fastclock_anchor_at(fc, tsc, ns);
}

void fastclock_start(struct fastclock *fc)
{
	fc->use_tsc = 0;
	fc->now = &fc->own;
	atomic_store(&fc->own.gen, 0);
	const char *force = getenv("MPILOOM_CLOCK");
	if ((force != NULL && strcmp(force, "monotonic") == 0) || !tsc_invariant() ||
	    !kernel_uses_tsc())
		return;
	if (!good_pair(&fc->tsc0, &fc->ns0))
		return;
	/* the first scale from at least the calibration's span, however
	 * often a signal cuts the sleep short */
	int64_t until = fc->ns0 + CALIBRATE_NS;
	for (int64_t left = CALIBRATE_NS; left > 0; left = until - clock_now_ns()) {
		struct timespec ts = {0, (long)left};
		nanosleep(&ts, NULL);
	}
	uint64_t tsc;
	int64_t ns;
	if (!good_pair(&tsc, &ns))
		return;
	struct fastclock_anchor a = {tsc, ns, scale_since(fc, tsc, ns)};
	fc->use_tsc = a.mult != 0;
	if (fc->use_tsc)
		publish(fc->now, &a);
}

void fastclock_anchor(struct fastclock *fc)
{
	if (fc->use_tsc && atomic_load_explicit(&fc->distrusted, memory_order_relaxed))
		give_up(fc);
	if (fc->use_tsc)
		anchor_now(fc);
}

void fastclock_distrust(struct fastclock *fc)
{
	atomic_store(&fc->distrusted, 1);
}

void fastclock_seed(const struct fastclock *fc, struct fastclock_now *shared)
{
	if (fc->use_tsc)
		publish(shared, &fc->now->a);
}

void fastclock_share(struct fastclock *fc, struct fastclock_now *shared)
{
	/* the writer does not read the counter: neither do we */
	if (atomic_load_explicit(&shared->gen, memory_order_acquire) == 0)
		fc->use_tsc = 0;
	else
		fc->now = shared;
}
#else
void fastclock_start(struct fastclock *fc)
{
	fc->use_tsc = 0;
}

void fastclock_anchor(struct fastclock *fc)
{
	(void)fc;
}

void fastclock_distrust(struct fastclock *fc)
{
	(void)fc;
}

int fastclock_anchor_at(struct fastclock *fc, uint64_t tsc, int64_t ns)
{
	(void)fc;
	(void)tsc;
	(void)ns;
	return -1;
}

void fastclock_seed(const struct fastclock *fc, struct fastclock_now *shared)
{
	(void)fc;
	(void)shared;
}

void fastclock_share(struct fastclock *fc, struct fastclock_now *shared)
{
	(void)fc;
	(void)shared;
}
#endif
