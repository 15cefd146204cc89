/* Logical time: every call at a step (a column) instead of a wall-clock
 * time, Lamport-style. A call is one step after the call before it on its
 * rank; a receive is after its message's send; a collective that makes
 * every member wait for the others (a barrier, an allreduce) is at one
 * step on all of them, and a broadcast's or a reduction's data flow keeps
 * the same rule as a message's. Each call is then as far left as those
 * rules let it be: idle time is gone, and calls that could have happened
 * at once share a column. A send starts an even step, so the messages of
 * one round of a tree line up as a textbook draws them.
 *
 * The layout is a function of the store's events and matches alone: the
 * same log gives the same steps every time. It grows with the store, each
 * new event costing O(1) amortised. */
#ifndef MPILOOM_LOGICAL_H
#define MPILOOM_LOGICAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

struct logical;

struct logical *logical_new(uint32_t nranks);
void logical_free(struct logical *lg);
/* Lays out what the store holds now. A call waits for what it depends on
 * (a receive for its send, a broadcast for its root); complete says that
 * nothing more will come, so what still waits (a message whose send was
 * lost, a collective a rank never reached) is laid out without it. */
void logical_update(struct logical *lg, const struct store *st, int complete);
/* The rank's events laid out so far: always the first ones. */
size_t logical_placed(const struct logical *lg, uint32_t rank);
/* The step of an event laid out (index < logical_placed). */
uint32_t logical_step(const struct logical *lg, struct event_ref ref);
/* One past the greatest step laid out; 0 when none is. */
uint32_t logical_steps(const struct logical *lg);
/* Index of the rank's first laid-out event at or after step s. */
size_t logical_first_at(const struct logical *lg, uint32_t rank, int64_t s);

#endif
