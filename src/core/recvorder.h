/* The order in which one rank's receives meet the matcher. MPI pairs a
 * message with the earliest *posted* receive it fits, but a non-blocking
 * receive only says what it got (its key) when a Wait or Test completes it,
 * in whatever order the program completes them. So a completed receive
 * waits here while an earlier posting that is still open could take the
 * same message, or while an earlier completed one with its key waits:
 * within a key, receives reach the matcher in posting order, which is all
 * non-overtaking needs. A rank that only makes blocking calls holds nothing
 * here and pays nothing. */
#ifndef MPILOOM_RECVORDER_H
#define MPILOOM_RECVORDER_H

#include <stddef.h>
#include <stdint.h>

#include "core/match.h"

struct recvorder {
	struct open_recv *open; /* postings not yet completed, by index */
	size_t nopen, open_cap;
	struct held_recv *held; /* completed, by posting index */
	size_t nheld, held_cap;
};

void recvorder_free(struct recvorder *o);
/* A non-blocking receive was posted: peer and tag as in its event
 * (EV_ANY for a wildcard). */
void recvorder_open(struct recvorder *o, uint32_t index, int32_t peer, int32_t tag,
		    uint32_t comm);
/* Its completion arrived: it no longer holds anything back. */
void recvorder_close(struct recvorder *o, uint32_t index);
/* Returns 1 when a receive posted at `posted`, completed by event `index`
 * with key, may meet the matcher now; 0 when it was held. */
int recvorder_ready(struct recvorder *o, uint32_t posted, uint32_t index,
		    const struct match_key *key);
/* The next held receive that may go now: 1 and its index and key, removed. */
int recvorder_next(struct recvorder *o, uint32_t *index, struct match_key *key);
size_t recvorder_held(const struct recvorder *o);

#endif
