/* Clock offsets estimated by ping-pong (ranks on another host than rank
 * 0's) are off by up to half a round trip: enough for a receive to seem to
 * end before its send began. Each message says which way the error goes.
 * This keeps, for every pair of ranks, how much later than the sender's
 * clock the receiver's must run for all their messages to be causal, and
 * finds a shift for every rank's times that satisfies them all, as small
 * as it can, within the slack (half the worst round trip); rank 0's clock
 * is the reference and never moves. */
#ifndef MPILOOM_CAUSAL_H
#define MPILOOM_CAUSAL_H

#include <stdint.h>

struct causal;

struct causal *causal_new(uint32_t nranks, int64_t slack);
void causal_free(struct causal *c);
/* A message from rank a to rank b; times as the ranks recorded them.
 * Returns 1 when it asks more of the pair than their messages did so far:
 * causal_solve then has something new to do. */
int causal_message(struct causal *c, uint32_t a, int64_t send_begin, uint32_t b,
		   int64_t recv_end);
/* The shifts for all the messages so far: the same whatever their order. */
void causal_solve(struct causal *c);
int64_t causal_shift(const struct causal *c, uint32_t rank);

#endif
