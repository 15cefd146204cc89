/* The event store: the single source of every view, live or replayed.
 * Events are kept per rank in sequence order; sends are matched to their
 * receives as events arrive. The store does no locking: its owner does. */
#ifndef MPILOOM_STORE_H
#define MPILOOM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

struct event_ref {
	uint32_t rank;
	uint32_t index;
};

struct store;

struct store_stats {
	uint64_t events;
	uint64_t lost;	       /* gaps in sequence numbers, and missing tails */
	uint64_t rejected;     /* malformed or out-of-order records */
	uint64_t matched;      /* matched send/receive pairs */
	uint64_t unmatched_sends;
	uint64_t unmatched_recvs;
	uint32_t ranks_final;  /* ranks that said they had sent everything */
	int64_t t_last;	       /* latest end time seen */
};

struct store *store_new(uint32_t nranks);
/* Ranks' clocks were aligned by ping-pong, the worst round trip max_rtt_ns
 * (0: one clock, exact): each one is then off by up to half of it, and
 * matched messages move a rank's times, by no more than that over the
 * run, so that no receive ends before its send begins (rank 0's times
 * never move). */
void store_clock_estimated(struct store *st, int64_t max_rtt_ns);
/* The store fills while a traced program runs: map its memory ahead of
 * use (see store.c) rather than fault it in page by page. */
void store_map_ahead(struct store *st);
/* Room for per_rank events of each rank, mapped now rather than as they come. */
void store_reserve(struct store *st, size_t per_rank);
void store_free(struct store *st);
uint32_t store_nranks(const struct store *st);

/* Returns 0, or -1 when the event is rejected (bad rank, repeated
 * sequence number). A jump in sequence numbers counts the gap as lost.
 * An EVF_PENDING event is not kept among the events: it becomes its rank's
 * pending call until an event with its sequence number or a later one. */
int store_add(struct store *st, const struct event *ev, const uint8_t *preview);
/* Matches the messages of the events added since the last call (and, with
 * estimated clocks, moves the ranks' times). Every reader below does it
 * first by itself; a writer calls it to have the work done now. */
void store_settle(struct store *st);
/* The call the rank is in, or NULL. */
const struct event *store_pending(const struct store *st, uint32_t rank);
/* The rank has sent all its events: total is how many it recorded. */
void store_rank_done(struct store *st, uint32_t rank, uint32_t total);

/* Nothing more will come (a log read to its end): what waits for a
 * partner that never came is laid out without it (core/logical.h). */
void store_seal(struct store *st);
/* The events' logical layout, brought up to date with the store. */
struct logical;
const struct logical *store_logical(const struct store *st);

size_t store_rank_count(const struct store *st, uint32_t rank);
const struct event *store_event(const struct store *st, struct event_ref ref);
const uint8_t *store_preview(const struct store *st, struct event_ref ref);
/* Returns 1 and sets *partner for a matched send or receive. */
int store_partner(const struct store *st, struct event_ref ref, struct event_ref *partner);
/* Returns 1 and sets *out to the rank's event with sequence number seq. */
int store_find_seq(const struct store *st, uint32_t rank, uint32_t seq, struct event_ref *out);

/* A completion (Wait, Test ...) and the posting (Isend, Irecv) of the
 * request it completed, both ways: 1 when known. */
int store_posting(const struct store *st, struct event_ref ref, struct event_ref *posting);
int store_completion(const struct store *st, struct event_ref ref, struct event_ref *done);
/* The event as a log keeps it: aux names a completion's posting. ref must
 * be valid. */
void store_wire_event(const struct store *st, struct event_ref ref, struct event *out);

void store_stats(const struct store *st, struct store_stats *out);

/* All events by begin time (ties: rank, then sequence); caller frees. */
struct event_ref *store_time_order(const struct store *st, size_t *n);

#endif
