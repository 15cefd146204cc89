#include "config.h"

#include <errno.h>
#include <time.h>

#include "core/clock.h"

int64_t clock_now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int clock_deadline(struct timespec *ts, long ns)
{
	if (clock_gettime(CLOCK_REALTIME, ts) != 0)
		return -1;
	ts->tv_nsec += ns;
	ts->tv_sec += ts->tv_nsec / 1000000000;
	ts->tv_nsec %= 1000000000;
	return 0;
}

void clock_sleep_ns(int64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
