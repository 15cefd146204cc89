#include "config.h"

#include <stdlib.h>

#include "core/causal.h"
#include "core/xalloc.h"

/* The receiver's shift minus the sender's must be at least need. */
struct need {
	uint32_t from;
	int64_t need;
};

struct needs {
	struct need *v;
	size_t n, cap;
};

struct causal {
	uint32_t nranks;
	int64_t slack;
	int64_t *shift;
	struct needs *in; /* by receiving rank */
};

struct causal *causal_new(uint32_t nranks, int64_t slack)
{
	struct causal *c = xcalloc(1, sizeof *c);
	c->nranks = nranks;
	c->slack = slack;
	c->shift = xcalloc(nranks ? nranks : 1, sizeof *c->shift);
	c->in = xcalloc(nranks ? nranks : 1, sizeof *c->in);
	return c;
}

void causal_free(struct causal *c)
{
	if (c == NULL)
		return;
	for (uint32_t r = 0; r < c->nranks; r++)
		free(c->in[r].v);
	free(c->in);
	free(c->shift);
	free(c);
}

int64_t causal_shift(const struct causal *c, uint32_t rank)
{
	return rank < c->nranks ? c->shift[rank] : 0;
}

/* The pair's need raised to at least need; returns 1 if it changed. */
static int raise_need(struct needs *in, uint32_t from, int64_t need)
{
	for (size_t i = 0; i < in->n; i++) {
		if (in->v[i].from == from) {
			if (need <= in->v[i].need)
				return 0;
			in->v[i].need = need;
			return 1;
		}
	}
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 4;
		in->v = xreallocarray(in->v, in->cap, sizeof *in->v);
	}
	in->v[in->n++] = (struct need){from, need};
	return 1;
}

static int64_t within(const struct causal *c, int64_t x)
{
	return x < -c->slack ? -c->slack : x > c->slack ? c->slack : x;
}

/* One Bellman-Ford pass over every pair: with lower set, the receiver
 * raised to what its senders need (never rank 0); otherwise the sender
 * lowered to what its receivers allow; both kept within the slack, so
 * no sum below can overflow. Returns 1 if anything moved. */
static int relax(struct causal *c, int64_t *x, int lower)
{
	int moved = 0;
	for (uint32_t b = 0; b < c->nranks; b++) {
		for (size_t i = 0; i < c->in[b].n; i++) {
			uint32_t a = c->in[b].v[i].from;
			int64_t need = c->in[b].v[i].need;
			if (x[b] - x[a] >= need)
				continue;
			uint32_t r = lower ? b : a;
			int64_t to = within(c, lower ? x[a] + need : x[b] - need);
			if (r != 0 && to != x[r]) {
				x[r] = to;
				moved = 1;
			}
		}
	}
	return moved;
}

/* The shifts form a system of difference constraints, whose solutions are
 * closed under max and min. First the greatest solution (every rank as
 * late as rank 0 lets it be, within the slack); then, from the smaller of
 * that and no shift at all, the least solution above it: so a rank moves
 * only as far as a chain of messages to or from rank 0 forces it. A pass
 * a rank suffices when the messages can be causal at all; when they
 * cannot (the slack was exceeded), the passes stop and what is left stays. */
void causal_solve(struct causal *c)
{
	int64_t *up = xcalloc(c->nranks, sizeof *up);
	for (uint32_t r = 1; r < c->nranks; r++)
		up[r] = c->slack;
	for (uint32_t pass = 0; pass <= c->nranks && relax(c, up, 0); pass++)
		;
	for (uint32_t r = 0; r < c->nranks; r++)
		c->shift[r] = up[r] < 0 ? up[r] : 0;
	for (uint32_t pass = 0; pass <= c->nranks && relax(c, c->shift, 1); pass++)
		for (uint32_t r = 1; r < c->nranks; r++)
			if (c->shift[r] > up[r])
				c->shift[r] = up[r];
	free(up);
}

int causal_message(struct causal *c, uint32_t a, int64_t send_begin, uint32_t b,
		   int64_t recv_end)
{
	if (a >= c->nranks || b >= c->nranks || a == b || c->slack <= 0)
		return 0;
	int64_t need;
	if (__builtin_sub_overflow(send_begin, recv_end, &need))
		return 0;
	/* beyond twice the slack a need is met by any shifts, or by none */
	if (need > 2 * c->slack)
		need = 2 * c->slack + 1;
	else if (need < -2 * c->slack)
		need = -2 * c->slack - 1;
	return raise_need(&c->in[b], a, need);
}
