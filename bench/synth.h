/* The benchmarks' synthetic run: ranks pair up (0-1, 2-3, ...) and
 * ping-pong one double, one exchange a microsecond; each exchange is a
 * send on one side and its matching receive on the other. */
#ifndef MPILOOM_BENCH_SYNTH_H
#define MPILOOM_BENCH_SYNTH_H

#include <stdint.h>

#include "core/event.h"

/* Exchange k of a run over ranks (even): fills *s and *r, advancing the
 * per-rank sequence numbers in seq. The receive begins recv_after ns
 * after the send; with_preview gives both an 8-byte preview. */
static inline void synth_exchange(long k, uint32_t ranks, uint32_t *seq, int64_t recv_after,
				  int with_preview, struct event *s, struct event *r)
{
	uint32_t a = (uint32_t)(k % (ranks / 2)) * 2, b = a + 1;
	uint32_t from = (k / (ranks / 2)) % 2 ? b : a, to = from == a ? b : a;
	*s = (struct event){.t_begin = k * 1000, .dur = 300, .rank = from, .seq = seq[from]++,
			    .peer = (int32_t)to, .tag = 1, .count = 1, .type_size = 8,
			    .st_source = EV_UNSET, .st_tag = EV_UNSET, .kind = EV_SEND,
			    .dtype = DT_DOUBLE};
	if (with_preview) {
		s->preview_len = 8;
		s->preview_dtype = DT_DOUBLE;
	}
	*r = *s;
	r->t_begin = s->t_begin + recv_after;
	r->rank = to;
	r->seq = seq[to]++;
	r->peer = (int32_t)from;
	r->st_source = (int32_t)from;
	r->st_tag = 1;
	r->st_count = r->st_elements = 1;
	r->kind = EV_RECV;
}

#endif
