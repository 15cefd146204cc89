#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "store.h"
#include "xalloc.h"

#define NO_PREVIEW UINT32_MAX

/* Where an event's preview is; only events that have one get an entry,
 * so an event without a payload costs its 64 bytes and nothing more. */
struct preview_ref {
	uint32_t index;
	uint32_t off;
};

struct store_rank {
	struct event *ev;
	size_t n;
	size_t cap;
	struct preview_ref *pv; /* by index, ascending */
	size_t npv;
	size_t pv_cap;
	uint8_t *previews;
	size_t previews_len;
	size_t previews_cap;
	uint32_t next_seq;
	struct event pending; /* kind EV_NONE: none */
	uint32_t total; /* announced by the rank when done */
	int done;
};

struct store {
	uint32_t nranks;
	struct store_rank *ranks;
	struct matcher matcher;
	uint64_t events;
	uint64_t gaps;
	uint64_t rejected;
	uint64_t matched;
	int64_t t_last;
};

struct store *store_new(uint32_t nranks)
{
	struct store *st = xcalloc(1, sizeof *st);
	st->nranks = nranks;
	st->ranks = xcalloc(nranks, sizeof *st->ranks);
	matcher_init(&st->matcher);
	return st;
}

void store_free(struct store *st)
{
	if (st == NULL)
		return;
	for (uint32_t r = 0; r < st->nranks; r++) {
		free(st->ranks[r].ev);
		free(st->ranks[r].pv);
		free(st->ranks[r].previews);
	}
	free(st->ranks);
	matcher_free(&st->matcher);
	free(st);
}

uint32_t store_nranks(const struct store *st)
{
	return st->nranks;
}

static uint32_t keep_preview(struct store_rank *sr, uint32_t index, const uint8_t *bytes,
			     size_t n)
{
	if (n == 0 || bytes == NULL)
		return NO_PREVIEW;
	if (sr->previews_len + n > UINT32_MAX)
		return NO_PREVIEW;
	if (sr->npv == sr->pv_cap) {
		sr->pv_cap = sr->pv_cap ? sr->pv_cap * 2 : 64;
		sr->pv = xreallocarray(sr->pv, sr->pv_cap, sizeof *sr->pv);
	}
	if (sr->previews_len + n > sr->previews_cap) {
		size_t cap = sr->previews_cap ? sr->previews_cap * 2 : 1024;
		sr->previews = xreallocarray(sr->previews, cap, 1);
		sr->previews_cap = cap;
	}
	memcpy(sr->previews + sr->previews_len, bytes, n);
	uint32_t off = (uint32_t)sr->previews_len;
	sr->previews_len += n;
	sr->pv[sr->npv++] = (struct preview_ref){index, off};
	return off;
}

static void link_partner(struct store *st, struct event_ref ref)
{
	struct event *ev = &st->ranks[ref.rank].ev[ref.index];
	struct match_key key;
	uint32_t partner;
	if (!match_key_of(ev, &key))
		return;
	uint32_t other_rank = event_is_send(ev) ? key.dst : key.src;
	if (other_rank >= st->nranks)
		return;
	if (matcher_offer(&st->matcher, &key, event_is_send(ev), ref.index, &partner)) {
		ev->aux = partner + 1;
		st->ranks[other_rank].ev[partner].aux = ref.index + 1;
		st->matched++;
	}
}

/* Doubling: a log of n events costs log(n) copies. (Asking for huge
 * pages with madvise halved the load rate here, measured: not done.) */
static void grow_events(struct store_rank *sr)
{
	sr->cap = sr->cap ? sr->cap * 2 : 256;
	sr->ev = xreallocarray(sr->ev, sr->cap, sizeof *sr->ev);
}

int store_add(struct store *st, const struct event *ev, const uint8_t *preview)
{
	if (ev->rank >= st->nranks) {
		st->rejected++;
		return -1;
	}
	struct store_rank *sr = &st->ranks[ev->rank];
	if (ev->flags & EVF_PENDING) {
		/* one that finished already (reports and events cross) is old news */
		if (ev->seq >= sr->next_seq && !sr->done) {
			sr->pending = *ev;
			if (ev->t_begin > st->t_last) /* so that a fitted view shows it */
				st->t_last = ev->t_begin;
		}
		return 0;
	}
	if (ev->seq < sr->next_seq || sr->n >= UINT32_MAX - 1) {
		st->rejected++;
		return -1;
	}
	st->gaps += ev->seq - sr->next_seq;
	sr->next_seq = ev->seq + 1;
	if (sr->pending.kind != EV_NONE && ev->seq >= sr->pending.seq)
		sr->pending.kind = EV_NONE;
	if (sr->n == sr->cap)
		grow_events(sr);
	struct event_ref ref = {ev->rank, (uint32_t)sr->n};
	sr->ev[sr->n] = *ev;
	sr->ev[sr->n].aux = 0;
	if (keep_preview(sr, ref.index, preview, ev->preview_len) == NO_PREVIEW)
		sr->ev[sr->n].preview_len = 0;
	sr->n++;
	st->events++;
	int64_t end = event_end(ev);
	if (end > st->t_last)
		st->t_last = end;
	link_partner(st, ref);
	return 0;
}

void store_rank_done(struct store *st, uint32_t rank, uint32_t total)
{
	if (rank >= st->nranks || st->ranks[rank].done)
		return;
	st->ranks[rank].done = 1;
	st->ranks[rank].total = total;
	st->ranks[rank].pending.kind = EV_NONE;
}

const struct event *store_pending(const struct store *st, uint32_t rank)
{
	if (rank >= st->nranks || st->ranks[rank].pending.kind == EV_NONE)
		return NULL;
	return &st->ranks[rank].pending;
}

size_t store_rank_count(const struct store *st, uint32_t rank)
{
	return rank < st->nranks ? st->ranks[rank].n : 0;
}

const struct event *store_event(const struct store *st, struct event_ref ref)
{
	if (ref.rank >= st->nranks || ref.index >= st->ranks[ref.rank].n)
		return NULL;
	return &st->ranks[ref.rank].ev[ref.index];
}

const uint8_t *store_preview(const struct store *st, struct event_ref ref)
{
	const struct event *ev = store_event(st, ref);
	if (ev == NULL || ev->preview_len == 0)
		return NULL;
	const struct store_rank *sr = &st->ranks[ref.rank];
	size_t lo = 0, hi = sr->npv;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sr->pv[mid].index < ref.index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == sr->npv || sr->pv[lo].index != ref.index)
		return NULL;
	return sr->previews + sr->pv[lo].off;
}

int store_partner(const struct store *st, struct event_ref ref, struct event_ref *partner)
{
	const struct event *ev = store_event(st, ref);
	if (ev == NULL || ev->aux == 0)
		return 0;
	partner->rank = event_is_send(ev) ? (uint32_t)ev->peer : (uint32_t)ev->st_source;
	partner->index = ev->aux - 1;
	return 1;
}

void store_stats(const struct store *st, struct store_stats *out)
{
	memset(out, 0, sizeof *out);
	out->events = st->events;
	out->rejected = st->rejected;
	out->matched = st->matched;
	out->t_last = st->t_last;
	out->lost = st->gaps;
	for (uint32_t r = 0; r < st->nranks; r++) {
		const struct store_rank *sr = &st->ranks[r];
		if (!sr->done)
			continue;
		out->ranks_final++;
		if (sr->total > sr->next_seq)
			out->lost += sr->total - sr->next_seq;
	}
	size_t s, rv;
	matcher_pending(&st->matcher, &s, &rv);
	out->unmatched_sends = s;
	out->unmatched_recvs = rv;
}

static int ref_before(const void *a, const void *b, const struct store *st)
{
	const struct event_ref *ra = a, *rb = b;
	const struct event *ea = &st->ranks[ra->rank].ev[ra->index];
	const struct event *eb = &st->ranks[rb->rank].ev[rb->index];
	if (ea->t_begin != eb->t_begin)
		return ea->t_begin < eb->t_begin ? -1 : 1;
	if (ea->rank != eb->rank)
		return ea->rank < eb->rank ? -1 : 1;
	return ea->seq < eb->seq ? -1 : ea->seq > eb->seq;
}

/* A k-way merge of the ranks' own orders (each rank records its calls in
 * time order): n x ranks comparisons, no sort of the whole history. */
struct event_ref *store_time_order(const struct store *st, size_t *n)
{
	size_t total = 0;
	for (uint32_t r = 0; r < st->nranks; r++)
		total += st->ranks[r].n;
	struct event_ref *out = xreallocarray(NULL, total ? total : 1, sizeof *out);
	size_t *pos = xcalloc(st->nranks ? st->nranks : 1, sizeof *pos);
	for (size_t k = 0; k < total; k++) {
		struct event_ref best = {UINT32_MAX, 0};
		for (uint32_t r = 0; r < st->nranks; r++) {
			if (pos[r] >= st->ranks[r].n)
				continue;
			struct event_ref cand = {r, (uint32_t)pos[r]};
			if (best.rank == UINT32_MAX || ref_before(&cand, &best, st) < 0)
				best = cand;
		}
		out[k] = best;
		pos[best.rank]++;
	}
	free(pos);
	*n = total;
	return out;
}
