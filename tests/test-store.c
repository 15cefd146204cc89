/* The store: sequence checks (nothing lost unnoticed), send/receive
 * matching in any arrival order, and the merged time order. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "unit.h"

static struct event mk(uint32_t rank, uint32_t seq, int kind, int64_t t, int peer, int tag)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.rank = rank;
	ev.seq = seq;
	ev.kind = (uint8_t)kind;
	ev.t_begin = t;
	ev.dur = 10;
	ev.peer = peer;
	ev.tag = tag;
	ev.st_source = EV_UNSET;
	ev.st_tag = EV_UNSET;
	return ev;
}

static struct event recv_from(uint32_t rank, uint32_t seq, int64_t t, int src, int tag)
{
	struct event ev = mk(rank, seq, EV_RECV, t, EV_ANY, EV_ANY);
	ev.st_source = src;
	ev.st_tag = tag;
	return ev;
}

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

int main(void)
{
	test_sequence();
	test_matching_any_order();
	test_matching_fifo();
	test_time_order();
	test_preview_kept();
	UNIT_END();
}
