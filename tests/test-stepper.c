/* Lecture stepping's choices, on a store fed by hand: which held call a
 * press lets go, when the ranks count as settled, what a step counts as
 * done, and the pending slot of the store itself. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/stepper.h"
#include "events.h"
#include "unit.h"

struct released {
	uint32_t ranks[16];
	int n;
	int stepping;
};

static int release(void *ctx, uint32_t rank)
{
	struct released *r = ctx;
	if (r->n < 16)
		r->ranks[r->n++] = rank;
	return 0;
}

static int set_stepping(void *ctx, int on)
{
	struct released *r = ctx;
	r->stepping = on;
	return 0;
}

static struct event call(uint32_t rank, uint32_t seq, int kind, int peer, int tag)
{
	struct event ev = mk(rank, seq, kind, 1000 * (int64_t)seq + rank, peer, tag);
	ev.count = 1;
	ev.type_size = 8;
	return ev;
}

static void add(struct store *st, struct event ev)
{
	CHECK(store_add(st, &ev, NULL) == 0);
}

static void hold(struct store *st, struct event ev)
{
	ev.flags |= EVF_PENDING;
	CHECK(store_add(st, &ev, NULL) == 0);
}

/* A completed call: what the rank's event says once the call returned. */
static void complete(struct store *st, struct event ev)
{
	if (ev.kind == EV_RECV) {
		ev.st_source = ev.peer;
		ev.st_tag = ev.tag;
	}
	add(st, ev);
}

static void test_store_pending(void)
{
	struct store *st = store_new(2);
	add(st, call(0, 0, EV_INIT, EV_UNSET, EV_UNSET));
	hold(st, call(0, 1, EV_RECV, 1, 0));
	CHECK(store_pending(st, 0) != NULL && store_pending(st, 0)->kind == EV_RECV);
	CHECK(store_pending(st, 1) == NULL);
	CHECK(store_rank_count(st, 0) == 1); /* not an event */
	complete(st, call(0, 1, EV_RECV, 1, 0));
	CHECK(store_pending(st, 0) == NULL);
	/* a report that crossed the event it speaks of is old news */
	hold(st, call(0, 1, EV_RECV, 1, 0));
	CHECK(store_pending(st, 0) == NULL);
	store_free(st);
}

/* tree-sum at 2 ranks: rank 0 holds a receive from 1, rank 1 a send to
 * 0. The receive cannot complete first: the send goes, then the receive. */
static void test_send_before_receive(void)
{
	struct store *st = store_new(2);
	struct released rel = {{0}, 0, 1};
	struct stepper_ops ops = {&rel, release, set_stepping};
	struct stepper sp;
	stepper_init(&sp, 2, &ops, 1);
	add(st, call(0, 0, EV_INIT, EV_UNSET, EV_UNSET));
	add(st, call(1, 0, EV_INIT, EV_UNSET, EV_UNSET));
	CHECK(!stepper_settled(&sp, st, 1)); /* nobody at a gate yet */
	hold(st, call(0, 1, EV_RECV, 1, 0));
	CHECK(!stepper_settled(&sp, st, 2));
	hold(st, call(1, 1, EV_SEND, 0, 0));
	CHECK(stepper_settled(&sp, st, 3));
	CHECK(stepper_held(&sp, st) == 2);

	CHECK(stepper_key(&sp, 'n') && stepper_key(&sp, 'n'));
	CHECK(stepper_tick(&sp, st, 4) == 1);
	CHECK(rel.n == 1 && rel.ranks[0] == 1);
	/* the send is let go but has not returned: not settled, no step */
	CHECK(!stepper_settled(&sp, st, 5));
	CHECK(stepper_tick(&sp, st, 5) == 0 && rel.n == 1);
	complete(st, call(1, 1, EV_SEND, 0, 0));
	add(st, call(1, 2, EV_RESULT, EV_UNSET, EV_UNSET));
	CHECK(stepper_tick(&sp, st, 6) == 1);
	CHECK(rel.n == 2 && rel.ranks[1] == 0);
	complete(st, call(0, 1, EV_RECV, 1, 0));
	add(st, call(0, 2, EV_RESULT, EV_UNSET, EV_UNSET));
	CHECK(stepper_settled(&sp, st, 7));

	struct strbuf sb = STRBUF_INIT;
	CHECK(stepper_lines(&sp, st, &sb) == 2);
	CHECK(strstr(strbuf_str(&sb), "# press 1 n: r1 #1 send peer=0 tag=0 step=2 | done before=0\n") != NULL);
	CHECK(strstr(strbuf_str(&sb), "# press 2 n: r0 #1 recv peer=1 tag=0 step=3 | done before=1\n") != NULL);
	CHECK(strstr(strbuf_str(&sb), "# presses: 2, done 2\n") != NULL);
	/* the status bar: the column in logical time, the press in wall time */
	strbuf_reset(&sb);
	stepper_status(&sp, st, 1, &sb);
	CHECK(strcmp(strbuf_str(&sb), "step 3: r0 recv") == 0);
	strbuf_reset(&sb);
	stepper_status(&sp, st, 0, &sb);
	CHECK(strcmp(strbuf_str(&sb), "press 2: r0 recv") == 0);
	strbuf_free(&sb);
	stepper_free(&sp);
	store_free(st);
}

/* Nothing held can complete (two receives): the lowest rank goes and is
 * reported blocked, which settles the ranks again. A collective goes on
 * every rank at once, only when every rank is in it. */
static void test_blocked_and_collective(void)
{
	struct store *st = store_new(3);
	struct released rel = {{0}, 0, 1};
	struct stepper_ops ops = {&rel, release, set_stepping};
	struct stepper sp;
	stepper_init(&sp, 3, &ops, 1);
	hold(st, call(0, 0, EV_RECV, 1, 0));
	hold(st, call(1, 0, EV_RECV, 0, 0));
	hold(st, call(2, 0, EV_BCAST, 0, EV_UNSET));
	stepper_key(&sp, 'n');
	CHECK(stepper_tick(&sp, st, 1) == 1 && rel.n == 1 && rel.ranks[0] == 0);
	CHECK(!stepper_settled(&sp, st, 2));
	struct event blocked = call(0, 0, EV_RECV, 1, 0);
	blocked.flags |= EVF_BLOCKED;
	hold(st, blocked);
	CHECK(stepper_settled(&sp, st, 3));
	CHECK(stepper_held(&sp, st) == 2);

	struct store *st2 = store_new(3);
	struct stepper sp2;
	rel.n = 0;
	stepper_init(&sp2, 3, &ops, 1);
	for (uint32_t r = 0; r < 3; r++)
		hold(st2, call(r, 0, EV_BCAST, 0, EV_UNSET));
	stepper_key(&sp2, 'n');
	CHECK(stepper_tick(&sp2, st2, 1) == 1 && rel.n == 3);
	CHECK(sp2.steps == 1);
	/* space: free running, stepping off on every rank */
	CHECK(stepper_key(&sp2, ' ') && rel.stepping == 0 && !sp2.on);
	stepper_free(&sp2);
	store_free(st2);
	stepper_free(&sp);
	store_free(st);
}

int main(void)
{
	test_store_pending();
	test_send_before_receive();
	test_blocked_and_collective();
	UNIT_END();
}
