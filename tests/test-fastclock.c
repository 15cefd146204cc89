/* The traced calls' clock agrees with CLOCK_MONOTONIC: every reading falls
 * between two clock_gettime readings around it (give or take a margin far
 * below any MPI call's length), over many anchors, and never goes back;
 * also after the counter jumps away from the kernel's clock (issue 16: a
 * lecture's call read 702 s into a run of under a minute). */
#include "config.h"

#include <time.h>

#include "trace/fastclock.h"
#include "unit.h"

#define MARGIN_NS 2000

static void sleep_us(long us)
{
	struct timespec ts = {0, us * 1000};
	nanosleep(&ts, NULL);
}

static void test_agrees(struct fastclock *fc)
{
	int64_t last = 0;
	int outside = 0, back = 0;
	for (int i = 0; i < 200; i++) {
		if (i % 4 == 0)
			fastclock_anchor(fc);
		int64_t a = clock_now_ns();
		int64_t f = fastclock_ns(fc);
		int64_t b = clock_now_ns();
		outside += f < a - MARGIN_NS || f > b + MARGIN_NS;
		back += f < last - MARGIN_NS;
		last = f;
		sleep_us(250);
	}
	CHECK(outside == 0);
	CHECK(back == 0);
}

#ifdef FASTCLOCK_TSC
/* An anchor whose counter reading is 700 s of ticks ahead of the clock
 * (or one that went back): the clock gives the counter up and still
 * agrees with clock_gettime. */
static void test_jump(int64_t jump_ns)
{
	struct fastclock fc = {0};
	fastclock_start(&fc);
	if (!fc.use_tsc)
		return;
	sleep_us(3000);
	fastclock_anchor(&fc);
	uint64_t ticks = (uint64_t)((((__int128)(jump_ns < 0 ? -jump_ns : jump_ns)) << 32) /
				    fc.now->a.mult);
	uint64_t tsc = __rdtsc();
	CHECK(fastclock_anchor_at(&fc, jump_ns < 0 ? tsc - ticks : tsc + ticks, clock_now_ns()) == -1);
	test_agrees(&fc);
	CHECK(!fc.use_tsc);
}

/* A pair that agrees is taken as it is. */
static void test_no_jump(void)
{
	struct fastclock fc = {0};
	fastclock_start(&fc);
	if (!fc.use_tsc)
		return;
	sleep_us(3000);
	uint64_t tsc = __rdtsc();
	CHECK(fastclock_anchor_at(&fc, tsc, clock_now_ns()) == 0);
	CHECK(fc.use_tsc);
}
#endif

int main(void)
{
	struct fastclock fc = {0};
	fastclock_start(&fc);
	test_agrees(&fc);
#ifdef FASTCLOCK_TSC
	test_jump(700LL * 1000000000LL);
	test_jump(-5LL * 1000000000LL);
	test_no_jump();
#endif
	fprintf(stderr, "fast clock: %s\n", fc.use_tsc ? "time-stamp counter" : "clock_gettime");
	UNIT_END();
}
