/* Events made by hand for the unit tests of what reads a store. */
#ifndef MPILOOM_TEST_EVENTS_H
#define MPILOOM_TEST_EVENTS_H

#include <string.h>

#include "core/event.h"

static inline struct event mk(uint32_t rank, uint32_t seq, int kind, int64_t t, int peer, int tag)
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
	ev.st_count = EV_UNSET;
	ev.st_elements = EV_UNSET;
	return ev;
}

/* A receive that completed with the message from src, tagged tag. */
static inline struct event recv_from(uint32_t rank, uint32_t seq, int64_t t, int src, int tag)
{
	struct event ev = mk(rank, seq, EV_RECV, t, EV_ANY, EV_ANY);
	ev.st_source = src;
	ev.st_tag = tag;
	return ev;
}

#endif
