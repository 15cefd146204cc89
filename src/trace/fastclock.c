#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace/fastclock.h"

#ifdef FASTCLOCK_TSC
#include <cpuid.h>

#define CALIBRATE_NS 2000000

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
static void take_pair(uint64_t *tsc, int64_t *ns)
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

static int anchor_now(struct fastclock *fc)
{
	struct fastclock_anchor a;
	take_pair(&a.tsc, &a.ns);
	a.mult = scale_since(fc, a.tsc, a.ns);
	if (a.mult == 0)
		return -1;
	publish(fc->now, &a);
	return 0;
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
	take_pair(&fc->tsc0, &fc->ns0);
	struct timespec ts = {0, CALIBRATE_NS};
	nanosleep(&ts, NULL); /* cut short by a signal: a coarser first scale */
	fc->use_tsc = anchor_now(fc) == 0;
}

void fastclock_anchor(struct fastclock *fc)
{
	if (fc->use_tsc)
		anchor_now(fc);
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
