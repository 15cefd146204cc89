/* Send/receive matching. MPI's non-overtaking rule makes it exact without
 * looking at time: a receive that completed with (source S, tag T) on a
 * communicator got the oldest unmatched message from S with tag T on it.
 * Events are fed in any interleaving of ranks, each rank in its own order. */
#ifndef MPILOOM_MATCH_H
#define MPILOOM_MATCH_H

#include <stddef.h>
#include <stdint.h>

struct match_key {
	uint32_t src;
	uint32_t dst;
	uint32_t comm;
	int32_t tag;
};

struct event;

/* A point-to-point event gets its matching key (1); collectives and the
 * rest do not take part in matching (0). */
int match_key_of(const struct event *ev, struct match_key *key);

struct matcher {
	struct match_slot *slots;
	size_t cap;
	size_t used;
};

void matcher_init(struct matcher *m);
void matcher_free(struct matcher *m);

/* Offer a send (is_send=1) or a receive (is_send=0), identified by its
 * index in its own rank's events. Returns 1 and sets *partner to the index
 * of the matched event (in the other rank's events), or 0 when it waits. */
int matcher_offer(struct matcher *m, const struct match_key *key, int is_send,
		  uint32_t index, uint32_t *partner);
/* Events still waiting for a partner. */
size_t matcher_pending(const struct matcher *m, size_t *sends, size_t *recvs);

#endif
