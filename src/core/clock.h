/* Time as every part of mpiloom reads it: the monotonic clock in
 * nanoseconds, and deadlines for the waits that take wall-clock time. */
#ifndef MPILOOM_CLOCK_H
#define MPILOOM_CLOCK_H

#include <stdint.h>
#include <time.h>

int64_t clock_now_ns(void);
/* The wall-clock time ns from now, the only clock sem_timedwait takes:
 * 0, or -1 when the clock cannot be read. */
int clock_deadline(struct timespec *ts, long ns);
/* Sleeps ns nanoseconds in all, sleeping again for what is left when a
 * signal cuts the sleep short. */
void clock_sleep_ns(int64_t ns);

#endif
