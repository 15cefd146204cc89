/* The traced calls' clock agrees with CLOCK_MONOTONIC: every reading falls
 * between two clock_gettime readings around it (give or take a margin far
 * below any MPI call's length), over many anchors, and never goes back. */
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

int main(void)
{
	struct fastclock fc = {0};
	fastclock_start(&fc);
	test_agrees(&fc);
	fprintf(stderr, "fast clock: %s\n", fc.use_tsc ? "time-stamp counter" : "clock_gettime");
	UNIT_END();
}
