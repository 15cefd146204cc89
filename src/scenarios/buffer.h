/* The buffer example's send (buffer.c), which the probe example's rank 0
 * makes too, with its own values and tag. */
#ifndef MPILOOM_BUFFER_H
#define MPILOOM_BUFFER_H

#include "scenarios/scenario.h"

/* comm.Send([data, MPI.DOUBLE], dest=1, tag=tag) of n doubles
 * data[j] = j + first. The result says how many were sent, and with
 * which tag when it is not buffer's 0. */
int send_doubles(long n, double first, int tag, struct scenario_result *res);

#endif
