/* The store: sequence checks (nothing lost unnoticed), send/receive
 * matching in any arrival order, and the merged time order. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "events.h"
#include "unit.h"

static void test_sequence(void)
{
	struct store *st = store_new(2);
	struct store_stats s;
	struct event a = mk(0, 0, EV_INIT, 0, EV_UNSET, EV_UNSET);
	CHECK(store_add(st, &a, NULL) == 0);
	a.seq = 0;
	CHECK(store_add(st, &a, NULL) == -1); /* repeated */
	a.seq = 3;
	CHECK(store_add(st, &a, NULL) == 0); /* 1 and 2 lost */
	a.rank = 7;
	CHECK(store_add(st, &a, NULL) == -1); /* no such rank */
	store_rank_done(st, 0, 6);	      /* 4 and 5 never came */
	store_stats(st, &s);
	CHECK(s.events == 2);
	CHECK(s.rejected == 2);
	CHECK(s.lost == 4);
	CHECK(s.ranks_final == 1);
	store_free(st);
}

/* Rank 1 receives twice with ANY_TAG from rank 0, which sent tag 5 then
 * tag 7; the receives' statuses say which they got. The receives reach
 * the store before the sends. */
static void test_matching_any_order(void)
{
	struct store *st = store_new(3);
	struct event r1 = recv_from(1, 0, 100, 0, 7);
	struct event r2 = recv_from(1, 1, 200, 0, 5);
	struct event s1 = mk(0, 0, EV_SEND, 10, 1, 5);
	struct event s2 = mk(0, 1, EV_SEND, 20, 1, 7);
	struct event s3 = mk(2, 0, EV_SEND, 30, 1, 5); /* never received */
	CHECK(store_add(st, &r1, NULL) == 0);
	CHECK(store_add(st, &r2, NULL) == 0);
	CHECK(store_add(st, &s1, NULL) == 0);
	CHECK(store_add(st, &s2, NULL) == 0);
	CHECK(store_add(st, &s3, NULL) == 0);
	struct event_ref p;
	CHECK(store_partner(st, (struct event_ref){1, 0}, &p) && p.rank == 0 && p.index == 1);
	CHECK(store_partner(st, (struct event_ref){1, 1}, &p) && p.rank == 0 && p.index == 0);
	CHECK(store_partner(st, (struct event_ref){0, 0}, &p) && p.rank == 1 && p.index == 1);
	CHECK(!store_partner(st, (struct event_ref){2, 0}, &p));
	struct store_stats s;
	store_stats(st, &s);
	CHECK(s.matched == 2);
	CHECK(s.unmatched_sends == 1 && s.unmatched_recvs == 0);
	store_free(st);
}

/* Same envelope twice: non-overtaking pairs them first with first. */
static void test_matching_fifo(void)
{
	struct store *st = store_new(2);
	for (uint32_t i = 0; i < 5; i++) {
		struct event s = mk(0, i, EV_SEND, i * 10, 1, 1);
		CHECK(store_add(st, &s, NULL) == 0);
	}
	for (uint32_t i = 0; i < 5; i++) {
		struct event r = recv_from(1, i, 100 + i * 10, 0, 1);
		CHECK(store_add(st, &r, NULL) == 0);
		struct event_ref p;
		CHECK(store_partner(st, (struct event_ref){1, i}, &p) && p.index == i);
	}
	store_free(st);
}

static void test_time_order(void)
{
	struct store *st = store_new(3);
	int64_t t[3][3] = {{5, 40, 90}, {1, 40, 60}, {2, 3, 100}};
	for (uint32_t r = 0; r < 3; r++)
		for (uint32_t i = 0; i < 3; i++) {
			struct event ev = mk(r, i, EV_BARRIER, t[r][i], EV_UNSET, EV_UNSET);
			store_add(st, &ev, NULL);
		}
	size_t n;
	struct event_ref *order = store_time_order(st, &n);
	CHECK(n == 9);
	for (size_t i = 1; i < n; i++) {
		const struct event *a = store_event(st, order[i - 1]);
		const struct event *b = store_event(st, order[i]);
		CHECK(a->t_begin < b->t_begin ||
		      (a->t_begin == b->t_begin && a->rank < b->rank));
	}
	CHECK(order[0].rank == 1 && order[8].rank == 2);
	free(order);
	store_free(st);
}

static void test_preview_kept(void)
{
	struct store *st = store_new(1);
	struct event ev = mk(0, 0, EV_SEND, 0, EV_UNSET, 0);
	uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	ev.preview_len = 8;
	CHECK(store_add(st, &ev, bytes) == 0);
	const uint8_t *p = store_preview(st, (struct event_ref){0, 0});
	CHECK(p != NULL && memcmp(p, bytes, 8) == 0);
	CHECK(store_event(st, (struct event_ref){0, 1}) == NULL);
	store_free(st);
}

/* A Wait completing the receive posted as the rank's event #posted, with
 * the status it returned. */
static struct event done_recv(uint32_t rank, uint32_t seq, uint32_t posted, int src, int tag)
{
	struct event ev = recv_from(rank, seq, 100 + seq, src, tag);
	ev.kind = EV_WAIT;
	ev.aux = posted + 1;
	ev.flags = EVF_REQ_RECV;
	return ev;
}

static int partner_is(struct store *st, uint32_t rank, uint32_t index, uint32_t prank,
		      uint32_t pindex)
{
	struct event_ref p;
	return store_partner(st, (struct event_ref){rank, index}, &p) && p.rank == prank &&
	       p.index == pindex;
}

static void add_all(struct store *st, const struct event *evs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		CHECK(store_add(st, &evs[i], NULL) == 0);
}

/* Rank 1 posts Irecv(0, ANY_TAG) then Irecv(0, tag 5) and waits for them
 * in the other order; rank 0 sent two tag-5 messages. MPI gives the first
 * message to the first posting, whatever the order of the Waits. */
static void test_nonblocking_posting_order(void)
{
	for (int sends_first = 0; sends_first < 2; sends_first++) {
		struct store *st = store_new(2);
		struct event sends[] = {mk(0, 0, EV_SEND, 1, 1, 5), mk(0, 1, EV_SEND, 2, 1, 5)};
		struct event recvs[] = {mk(1, 0, EV_IRECV, 3, 0, EV_ANY), mk(1, 1, EV_IRECV, 4, 0, 5),
					done_recv(1, 2, 1, 0, 5), done_recv(1, 3, 0, 0, 5)};
		if (sends_first)
			add_all(st, sends, 2);
		add_all(st, recvs, 4);
		if (!sends_first)
			add_all(st, sends, 2);
		CHECK(partner_is(st, 1, 3, 0, 0)); /* posted first: the first message */
		CHECK(partner_is(st, 1, 2, 0, 1));
		CHECK(partner_is(st, 0, 0, 1, 3));
		struct event_ref r;
		CHECK(!store_partner(st, (struct event_ref){1, 0}, &r)); /* postings are not */
		CHECK(store_posting(st, (struct event_ref){1, 2}, &r) && r.rank == 1 && r.index == 1);
		CHECK(store_completion(st, (struct event_ref){1, 0}, &r) && r.index == 3);
		struct store_stats stats;
		store_stats(st, &stats);
		CHECK(stats.matched == 2 && stats.unmatched_recvs == 0 && stats.unmatched_sends == 0);
		store_free(st);
	}
}

/* A blocking receive behind an open Irecv(ANY_SOURCE, ANY_TAG) waits for
 * it: the Irecv was posted first, so it takes the first message. */
static void test_blocking_behind_open(void)
{
	struct store *st = store_new(3);
	struct event evs[] = {mk(0, 0, EV_SEND, 1, 1, 3), mk(0, 1, EV_SEND, 2, 1, 3),
			      mk(1, 0, EV_IRECV, 3, EV_ANY, EV_ANY), recv_from(1, 1, 4, 0, 3)};
	add_all(st, evs, 4);
	struct store_stats stats;
	store_stats(st, &stats);
	CHECK(stats.matched == 0 && stats.unmatched_recvs == 1); /* held */
	struct event w = done_recv(1, 2, 0, 0, 3);
	CHECK(store_add(st, &w, NULL) == 0);
	CHECK(partner_is(st, 1, 2, 0, 0));
	CHECK(partner_is(st, 1, 1, 0, 1));
	/* an open posting that cannot take the message holds nothing back */
	struct event more[] = {mk(1, 3, EV_IRECV, 5, 2, 1), mk(0, 2, EV_SEND, 6, 1, 4),
			       recv_from(1, 4, 7, 0, 4)};
	add_all(st, more, 3);
	CHECK(partner_is(st, 1, 4, 0, 2));
	store_free(st);
}

/* Isend and its Wait; Sendrecv halves pair like a send and a receive. */
static void test_isend_and_sendrecv(void)
{
	struct store *st = store_new(2);
	struct event isend_wait = mk(0, 1, EV_WAIT, 2, 1, 2);
	isend_wait.aux = 1; /* posting #0, a send: no EVF_REQ_RECV */
	struct event evs[] = {mk(0, 0, EV_ISEND, 1, 1, 2), isend_wait,
			      mk(1, 0, EV_IRECV, 1, 0, 2), done_recv(1, 1, 0, 0, 2),
			      mk(0, 2, EV_SENDRECV_SEND, 5, 1, 0), recv_from(0, 3, 5, 1, 0),
			      mk(1, 2, EV_SENDRECV_SEND, 5, 0, 0), recv_from(1, 3, 5, 0, 0)};
	evs[5].kind = EV_SENDRECV_RECV;
	evs[7].kind = EV_SENDRECV_RECV;
	add_all(st, evs, 8);
	CHECK(partner_is(st, 0, 0, 1, 1)); /* the arrow ends at the Wait */
	CHECK(!partner_is(st, 0, 1, 1, 1));
	CHECK(partner_is(st, 0, 2, 1, 3));
	CHECK(partner_is(st, 1, 2, 0, 3));
	struct event_ref r;
	CHECK(store_completion(st, (struct event_ref){0, 0}, &r) && r.index == 1);
	struct event wire;
	store_wire_event(st, (struct event_ref){1, 1}, &wire);
	CHECK(wire.aux == 1);
	store_wire_event(st, (struct event_ref){0, 0}, &wire);
	CHECK(wire.aux == 0);
	store_free(st);
}

/* A completion naming a posting that is not there (lost, or a damaged
 * log) or not before it is taken as a receive of its own. */
static void test_bad_posting(void)
{
	struct store *st = store_new(2);
	struct event evs[] = {mk(0, 0, EV_SEND, 1, 1, 2), done_recv(1, 0, 0, 0, 2),
			      done_recv(1, 1, 7, 0, 2)};
	evs[2].aux = UINT32_MAX;
	add_all(st, evs, 3);
	struct event_ref r;
	CHECK(partner_is(st, 1, 0, 0, 0));
	CHECK(!store_posting(st, (struct event_ref){1, 0}, &r));
	CHECK(!store_posting(st, (struct event_ref){1, 1}, &r));
	store_free(st);
}

static int64_t end_of(struct store *st, uint32_t rank, uint32_t index)
{
	return event_end(store_event(st, (struct event_ref){rank, index}));
}

static int64_t begin_of(struct store *st, uint32_t rank, uint32_t index)
{
	return store_event(st, (struct event_ref){rank, index})->t_begin;
}

/* Estimated clocks: the tree-sum pattern r3 -> r2 -> r0 with r2's clock
 * 500 ns behind and r3's 400 ns behind r2's. Every receive ends after its
 * send begins once the store has moved r2 and r3 (rank 0 never moves,
 * nobody by more than the slack), events added later move too, and with
 * exact clocks nothing moves. */
static void test_causal(int64_t slack)
{
	struct store *st = store_new(4);
	store_clock_estimated(st, 2 * slack);
	/* r3 sends at 1000 on its clock; r2 receives it ending at 800 on its own */
	struct event evs[] = {
		mk(3, 0, EV_SEND, 1000, 2, 0), recv_from(2, 0, 790, 3, 0),
		mk(2, 1, EV_SEND, 900, 0, 1), recv_from(0, 0, 600, 2, 1),
		mk(2, 2, EV_BARRIER, 2000, EV_UNSET, EV_UNSET),
	};
	add_all(st, evs, sizeof evs / sizeof evs[0]);
	struct store_stats stats;
	store_stats(st, &stats);
	CHECK(stats.matched == 2);
	int causal = end_of(st, 2, 0) >= begin_of(st, 3, 0) && end_of(st, 0, 0) >= begin_of(st, 2, 1);
	CHECK(begin_of(st, 0, 0) == 600);
	if (slack >= 1000) {
		CHECK(causal);
		CHECK(begin_of(st, 2, 1) >= 900 - slack && begin_of(st, 2, 1) <= 900 + slack);
		/* the rank's later events move with it */
		CHECK(begin_of(st, 2, 2) - 2000 == begin_of(st, 2, 1) - 900);
	} else if (slack == 0) {
		CHECK(!causal);
		CHECK(begin_of(st, 2, 1) == 900 && begin_of(st, 3, 0) == 1000);
	}
	store_free(st);
}

int main(void)
{
	test_causal(0);
	test_causal(1000);
	test_causal(1000000);
	test_nonblocking_posting_order();
	test_blocking_behind_open();
	test_isend_and_sendrecv();
	test_bad_posting();
	test_sequence();
	test_matching_any_order();
	test_matching_fifo();
	test_time_order();
	test_preview_kept();
	UNIT_END();
}
