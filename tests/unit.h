/* A minimal unit-test harness: CHECK records a failure and goes on, so one
 * run reports every broken expectation; the exit status is automake's. */
#ifndef MPILOOM_UNIT_H
#define MPILOOM_UNIT_H

#include <stdio.h>

static int unit_failures;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                  \
			unit_failures++;                                                 \
		}                                                                        \
	} while (0)

#define UNIT_END()                                                                       \
	do {                                                                             \
		if (unit_failures)                                                       \
			fprintf(stderr, "%d check(s) failed\n", unit_failures);          \
		return unit_failures ? 1 : 0;                                            \
	} while (0)

#endif
