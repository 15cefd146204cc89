/* The logical layout: a binomial broadcast as the textbook draws it, a
 * receive always right of its send, each rank's order kept, collectives in
 * one column, the same steps whatever order the ranks' events arrive in,
 * and a broken log (a lost send, a rank that never reached a barrier) laid
 * out whole once it is complete. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/logical.h"
#include "core/store.h"
#include "events.h"
#include "unit.h"

/* Wall time plays no part in the layout. */
static struct event call(uint32_t rank, uint32_t seq, int kind, int peer, int tag)
{
	return mk(rank, seq, kind, (int64_t)seq * 1000 + rank, peer, tag);
}

static struct event recv_of(uint32_t rank, uint32_t seq, int src, int tag)
{
	return recv_from(rank, seq, (int64_t)seq * 1000 + rank, src, tag);
}

static uint32_t step_of(const struct store *st, uint32_t rank, uint32_t index)
{
	return logical_step(store_logical(st), (struct event_ref){rank, index});
}

/* The textbook's broadcast from 0 over 8 ranks: every rank marks the
 * bcast, then round k's messages go from the ranks that have the data. */
static int bcast8(struct event *out)
{
	int n = 0;
	uint32_t seq[8] = {0};
	for (uint32_t r = 0; r < 8; r++) {
		out[n] = call(r, seq[r]++, EV_BCAST, 0, EV_UNSET);
		if (r == 0)
			out[n].flags |= EVF_ROOT;
		n++;
	}
	for (int bit = 4; bit >= 1; bit /= 2) {
		for (uint32_t r = 0; r < 8; r += 2 * (uint32_t)bit) {
			out[n++] = call(r, seq[r]++, EV_SEND, (int)r + bit, bit);
			out[n++] = recv_of(r + (uint32_t)bit, seq[r + (uint32_t)bit]++, (int)r, bit);
		}
	}
	return n;
}

static void test_binomial(void)
{
	struct event ev[64];
	int n = bcast8(ev);
	struct store *st = store_new(8);
	for (int i = 0; i < n; i++)
		CHECK(store_add(st, &ev[i], NULL) == 0);
	store_seal(st);
	const struct logical *lg = store_logical(st);
	for (uint32_t r = 0; r < 8; r++) {
		CHECK(logical_placed(lg, r) == store_rank_count(st, r));
		CHECK(step_of(st, r, 0) == 0); /* the bcast: one column */
	}
	/* round 0 (0 to 4) at step 2, round 1 (0 to 2, 4 to 6) at 4, round 2 at 6 */
	CHECK(step_of(st, 0, 1) == 2 && step_of(st, 4, 1) == 3);
	CHECK(step_of(st, 0, 2) == 4 && step_of(st, 4, 2) == 4);
	CHECK(step_of(st, 2, 1) == 5 && step_of(st, 6, 1) == 5);
	CHECK(step_of(st, 0, 3) == 6 && step_of(st, 2, 2) == 6 && step_of(st, 4, 3) == 6 &&
	      step_of(st, 6, 2) == 6);
	CHECK(step_of(st, 7, 1) == 7 && logical_steps(lg) == 8);
	store_free(st);
}

/* Every receive right of its send, every rank's steps rising. */
static int invariants_hold(const struct store *st)
{
	const struct logical *lg = store_logical(st);
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		if (logical_placed(lg, r) != store_rank_count(st, r))
			return 0;
		for (uint32_t i = 0; i < store_rank_count(st, r); i++) {
			struct event_ref ref = {r, i}, p;
			if (i > 0 && step_of(st, r, i) <= step_of(st, r, i - 1))
				return 0;
			if (event_is_recv(store_event(st, ref)) && store_partner(st, ref, &p) &&
			    step_of(st, r, i) <= step_of(st, p.rank, p.index))
				return 0;
		}
	}
	return 1;
}

/* Arrival order: rank by rank backwards, and interleaved, each time
 * asking for the layout between events as a live screen would. */
static void test_any_order(void)
{
	struct event ev[64];
	int n = bcast8(ev);
	struct store *ref = store_new(8), *back = store_new(8);
	for (int i = 0; i < n; i++)
		store_add(ref, &ev[i], NULL);
	for (int r = 7; r >= 0; r--) {
		for (int i = 0; i < n; i++) {
			if (ev[i].rank != (uint32_t)r)
				continue;
			store_add(back, &ev[i], NULL);
			(void)store_logical(back);
		}
	}
	store_seal(ref);
	CHECK(invariants_hold(ref) && invariants_hold(back));
	for (uint32_t r = 0; r < 8; r++)
		for (uint32_t i = 0; i < store_rank_count(ref, r); i++)
			CHECK(step_of(ref, r, i) == step_of(back, r, i));
	store_free(ref);
	store_free(back);
}

/* A receive waits for its send while the run goes on; a barrier for its
 * last member; neither is laid out before. */
static void test_waits_live(void)
{
	struct store *st = store_new(2);
	struct event e = recv_of(1, 0, 0, 3);
	store_add(st, &e, NULL);
	CHECK(logical_placed(store_logical(st), 1) == 0);
	e = call(0, 0, EV_COMPUTE, EV_UNSET, EV_UNSET);
	store_add(st, &e, NULL);
	e = call(0, 1, EV_SEND, 1, 3);
	store_add(st, &e, NULL);
	CHECK(logical_placed(store_logical(st), 1) == 1);
	CHECK(step_of(st, 0, 1) == 2 && step_of(st, 1, 0) == 3);
	e = call(0, 2, EV_BARRIER, EV_UNSET, EV_UNSET);
	store_add(st, &e, NULL);
	CHECK(logical_placed(store_logical(st), 0) == 2);
	e = call(1, 1, EV_BARRIER, EV_UNSET, EV_UNSET);
	store_add(st, &e, NULL);
	CHECK(logical_placed(store_logical(st), 0) == 3);
	CHECK(step_of(st, 0, 2) == 4 && step_of(st, 1, 1) == 4);
	store_free(st);
}

/* A reduce's root after every member, a broadcast's members not before
 * the root, a member on another communicator not tied to the world's. */
static void test_rooted(void)
{
	struct store *st = store_new(3);
	struct event e[] = {
		call(1, 0, EV_COMPUTE, EV_UNSET, EV_UNSET), call(1, 1, EV_COMPUTE, EV_UNSET, EV_UNSET),
		call(1, 2, EV_REDUCE, 0, EV_UNSET),	    call(0, 0, EV_REDUCE, 0, EV_UNSET),
		call(2, 0, EV_REDUCE, 0, EV_UNSET),	    call(0, 1, EV_COMPUTE, EV_UNSET, EV_UNSET),
		call(0, 2, EV_COMPUTE, EV_UNSET, EV_UNSET), call(0, 3, EV_BCAST, 0, EV_UNSET),
		call(2, 1, EV_BCAST, 0, EV_UNSET),	    call(1, 3, EV_BCAST, 0, EV_UNSET),
		call(2, 2, EV_BARRIER, EV_UNSET, EV_UNSET),
	};
	e[10].comm = 5; /* a split's: its members are not known */
	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
		store_add(st, &e[i], NULL);
	CHECK(step_of(st, 0, 0) == 2 && step_of(st, 1, 2) == 2 && step_of(st, 2, 0) == 0);
	CHECK(step_of(st, 0, 3) == 5 && step_of(st, 2, 1) == 5 && step_of(st, 1, 3) == 5);
	CHECK(step_of(st, 2, 2) == 6);
	store_free(st);
}

/* A probe is right of the send of the message it found, the sender's next
 * one with its envelope after the last one the rank took, and it does not
 * wait for the receive that follows it (a lecture lets that go later). */
static void test_probe(void)
{
	struct store *st = store_new(2);
	struct event e[] = {
		call(0, 0, EV_SEND, 1, 4), recv_of(1, 0, 0, 4),
		call(0, 1, EV_COMPUTE, EV_UNSET, EV_UNSET), call(0, 2, EV_COMPUTE, EV_UNSET, EV_UNSET),
		call(0, 3, EV_SEND, 1, 9), call(0, 4, EV_SEND, 1, 4),
		call(1, 1, EV_PROBE, EV_ANY, EV_ANY),
	};
	e[6].st_source = 0;
	e[6].st_tag = 4;
	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
		store_add(st, &e[i], NULL);
	CHECK(logical_placed(store_logical(st), 1) == 2);
	CHECK(step_of(st, 0, 3) == 4 && step_of(st, 0, 4) == 6);
	CHECK(step_of(st, 1, 1) == 7); /* after the second tag-4 send, not the first */
	store_free(st);

	/* a matched probe of MPI_PROC_NULL has no message to wait for */
	st = store_new(1);
	struct event m = call(0, 0, EV_MPROBE, EV_UNSET, 0), after = call(0, 1, EV_COMPUTE, 0, 0);
	m.st_source = EV_UNSET;
	store_add(st, &m, NULL);
	store_add(st, &after, NULL);
	CHECK(logical_placed(store_logical(st), 0) == 2);
	store_free(st);
}

/* Collectives on a communicator a split made wait for the members the
 * split said (its size); the two halves share an id, told apart by their
 * first members. Without the first member (an older log) nothing is tied. */
static void test_split(void)
{
	for (int known = 0; known <= 1; known++) {
		struct store *st = store_new(4);
		struct event e[12];
		for (uint32_t r = 0; r < 4; r++) {
			e[r] = call(r, 0, EV_COMM_SPLIT, known ? (int)(r % 2) : EV_UNSET, 1);
			e[r].count = 2; /* new id 1, of 2 ranks */
			e[4 + r] = call(r, 1, EV_GATHER, (int)(r % 2), EV_UNSET);
			e[8 + r] = call(r, 2, EV_BARRIER, EV_UNSET, EV_UNSET);
			e[4 + r].comm = e[8 + r].comm = 1;
		}
		/* rank 3 computes before its gather: its root (1) waits for it */
		struct event c3 = call(3, 1, EV_COMPUTE, EV_UNSET, EV_UNSET);
		e[7].seq = 2;
		e[11].seq = 3;
		for (size_t i = 0; i < 4; i++)
			store_add(st, &e[i], NULL);
		store_add(st, &c3, NULL);
		for (size_t i = 4; i < 12; i++)
			store_add(st, &e[i], NULL);
		store_seal(st);
		CHECK(step_of(st, 0, 0) == 0 && step_of(st, 3, 0) == 0);
		CHECK(step_of(st, 3, 2) == 2);
		CHECK(step_of(st, 0, 1) == 1 && step_of(st, 2, 1) == 1); /* the other half */
		if (known) {
			CHECK(step_of(st, 1, 1) == 2); /* the root with its late member */
			CHECK(step_of(st, 1, 2) == 3 && step_of(st, 3, 3) == 3); /* one barrier */
			CHECK(step_of(st, 0, 2) == 2 && step_of(st, 2, 2) == 2); /* and the other */
		} else {
			CHECK(step_of(st, 1, 1) == 1 && step_of(st, 1, 2) == 2 && step_of(st, 3, 3) == 3);
		}
		store_free(st);
	}
}

/* A lost send and a rank that never reached the barrier: nothing is laid
 * out past them until the store is complete, then everything is. */
static void test_broken_log(void)
{
	struct store *st = store_new(3);
	struct event e[] = {
		recv_of(0, 0, 1, 9), call(0, 1, EV_BARRIER, EV_UNSET, EV_UNSET),
		call(1, 0, EV_BARRIER, EV_UNSET, EV_UNSET), call(1, 1, EV_SEND, 0, 9),
		call(2, 0, EV_COMPUTE, EV_UNSET, EV_UNSET),
	};
	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
		store_add(st, &e[i], NULL);
	/* rank 0's receive got the send rank 1 made after the barrier: a
	 * circle only a damaged log makes */
	CHECK(logical_placed(store_logical(st), 0) == 0);
	CHECK(logical_placed(store_logical(st), 1) == 0);
	store_seal(st);
	const struct logical *lg = store_logical(st);
	for (uint32_t r = 0; r < 3; r++)
		CHECK(logical_placed(lg, r) == store_rank_count(st, r));
	CHECK(step_of(st, 1, 1) > step_of(st, 1, 0) && step_of(st, 0, 1) > step_of(st, 0, 0));
	store_free(st);
}

/* A long random-ish run: a ring of messages and a barrier now and then,
 * laid out in well under the budget, with the invariants kept. */
static void test_many(void)
{
	enum { RANKS = 6, ROUNDS = 2000 };
	struct store *st = store_new(RANKS);
	uint32_t seq[RANKS] = {0};
	for (int k = 0; k < ROUNDS; k++) {
		for (uint32_t r = 0; r < RANKS; r++) {
			struct event s = call(r, seq[r]++, EV_SEND, (int)((r + 1) % RANKS), k);
			store_add(st, &s, NULL);
		}
		for (uint32_t r = 0; r < RANKS; r++) {
			uint32_t from = (r + RANKS - 1) % RANKS;
			struct event v = recv_of(r, seq[r]++, (int)from, k);
			store_add(st, &v, NULL);
			if (k % 97 == 0) {
				struct event b = call(r, seq[r]++, EV_BARRIER, EV_UNSET, EV_UNSET);
				store_add(st, &b, NULL);
			}
		}
		if (k % 50 == 0)
			(void)store_logical(st);
	}
	store_seal(st);
	CHECK(invariants_hold(st));
	store_free(st);
}

int main(void)
{
	test_binomial();
	test_any_order();
	test_waits_live();
	test_rooted();
	test_probe();
	test_split();
	test_broken_log();
	test_many();
	UNIT_END();
}
