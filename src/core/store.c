#include "config.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "core/causal.h"
#include "core/logical.h"
#include "core/match.h"
#include "core/recvorder.h"
#include "core/store.h"
#include "core/xalloc.h"

#define NO_PREVIEW UINT32_MAX

/* Where an event's preview is; only events that have one get an entry,
 * so an event without a payload costs its 64 bytes and nothing more. */
struct preview_ref {
	uint32_t index;
	uint32_t off;
};

/* A completion event and the posting it completes (indices in the rank). */
struct req_link {
	uint32_t index;
	uint32_t posting;
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
	struct req_link *links; /* by completion index, ascending */
	struct req_link *by_posting; /* the same, by posting index */
	size_t nlinks;
	size_t links_cap;
	struct recvorder order;
	uint32_t next_seq;
	struct event pending; /* kind EV_NONE: none */
	uint32_t total; /* announced by the rank when done */
	int done;
	int64_t shift; /* added to the rank's times: see keep_causal() */
	size_t settled; /* events before this one are matched */
	/* bytes of ev, pv and previews whose pages are mapped (map_ahead) */
	size_t ev_mapped, pv_mapped, previews_mapped;
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
	struct causal *causal; /* clocks estimated: see keep_causal(); or NULL */
	int acausal;	       /* a message asked more of the shifts: solve again */
	int unsettled;	       /* events not matched yet: see store_settle() */
	int map_ahead;
	uint32_t ranks_done;
	int sealed;		/* nothing more will come: see store_seal() */
	struct logical *logical; /* made when first asked for */
	uint64_t laid_events;	 /* events when it was last brought up to date */
	int laid_complete;
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
		free(st->ranks[r].links);
		free(st->ranks[r].by_posting);
		recvorder_free(&st->ranks[r].order);
	}
	free(st->ranks);
	matcher_free(&st->matcher);
	causal_free(st->causal);
	logical_free(st->logical);
	free(st);
}

uint32_t store_nranks(const struct store *st)
{
	return st->nranks;
}

/* A live store grows while the traced program runs on the same cores: a
 * page fault every 64 events, each a trap into a virtualised kernel, cost
 * the collector more than the rest of store_add (measured). Its arrays'
 * next pages are mapped a quarter megabyte at a time, in one system call.
 * A replay leaves it to the faults: nothing competes with it, and it
 * holds no memory beyond what its events take. used and cap in bytes;
 * *mapped is reset to used whenever the array moves. */
#define AHEAD_BYTES (256u << 10)

/* The pages of [base + from, base + to) mapped now, in one system call. */
static void populate(void *base, size_t from, size_t to)
{
#ifdef MADV_POPULATE_WRITE
	const uintptr_t page = 4096;
	uintptr_t a = ((uintptr_t)base + from + page - 1) & ~(page - 1);
	uintptr_t b = ((uintptr_t)base + to) & ~(page - 1);
	if (b > a)
		(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE); /* else: faults */
#else
	(void)base;
	(void)from;
	(void)to;
#endif
}

static void map_ahead(const struct store *st, void *base, size_t used, size_t cap,
		      size_t *mapped)
{
	if (!st->map_ahead || used + 64 <= *mapped)
		return;
	size_t to = used + AHEAD_BYTES < cap ? used + AHEAD_BYTES : cap;
	populate(base, used > *mapped ? used : *mapped, to);
	*mapped = to;
}

#define RESERVE_PREVIEW_BYTES 8 /* one double a message, typically */

static void map_all(void *base, size_t used, size_t cap, size_t *mapped)
{
	populate(base, used, cap);
	*mapped = cap;
}

void store_map_ahead(struct store *st)
{
	st->map_ahead = 1;
}

void store_reserve(struct store *st, size_t per_rank)
{
	for (uint32_t r = 0; r < st->nranks; r++) {
		struct store_rank *sr = &st->ranks[r];
		if (sr->cap < per_rank) {
			sr->cap = per_rank;
			sr->ev = xreallocarray(sr->ev, sr->cap, sizeof *sr->ev);
		}
		if (sr->pv_cap < per_rank) {
			sr->pv_cap = per_rank;
			sr->pv = xreallocarray(sr->pv, sr->pv_cap, sizeof *sr->pv);
		}
		if (sr->previews_cap < per_rank * RESERVE_PREVIEW_BYTES) {
			sr->previews_cap = per_rank * RESERVE_PREVIEW_BYTES;
			sr->previews = xreallocarray(sr->previews, sr->previews_cap, 1);
		}
		map_all(sr->ev, sr->n * sizeof *sr->ev, sr->cap * sizeof *sr->ev, &sr->ev_mapped);
		map_all(sr->pv, sr->npv * sizeof *sr->pv, sr->pv_cap * sizeof *sr->pv, &sr->pv_mapped);
		map_all(sr->previews, sr->previews_len, sr->previews_cap, &sr->previews_mapped);
	}
}


static uint32_t keep_preview(const struct store *st, struct store_rank *sr, uint32_t index,
			     const uint8_t *bytes, size_t n)
{
	if (n == 0 || bytes == NULL)
		return NO_PREVIEW;
	if (sr->previews_len + n > UINT32_MAX)
		return NO_PREVIEW;
	if (sr->npv == sr->pv_cap) {
		sr->pv_cap = sr->pv_cap ? sr->pv_cap * 2 : 64;
		sr->pv = xreallocarray(sr->pv, sr->pv_cap, sizeof *sr->pv);
		sr->pv_mapped = sr->npv * sizeof *sr->pv;
	}
	if (sr->previews_len + n > sr->previews_cap) {
		size_t cap = sr->previews_cap ? sr->previews_cap * 2 : 1024;
		sr->previews = xreallocarray(sr->previews, cap, 1);
		sr->previews_cap = cap;
		sr->previews_mapped = sr->previews_len;
	}
	event_copy_preview(sr->previews + sr->previews_len, bytes, n);
	uint32_t off = (uint32_t)sr->previews_len;
	sr->previews_len += n;
	sr->pv[sr->npv++] = (struct preview_ref){index, off};
	map_ahead(st, sr->pv, sr->npv * sizeof *sr->pv, sr->pv_cap * sizeof *sr->pv,
		  &sr->pv_mapped);
	map_ahead(st, sr->previews, sr->previews_len, sr->previews_cap, &sr->previews_mapped);
	return off;
}

/* Moves all of a rank's times by d (see causal.h). */
static void shift_rank(struct store *st, uint32_t rank, int64_t d)
{
	struct store_rank *sr = &st->ranks[rank];
	sr->shift += d;
	for (size_t i = 0; i < sr->n; i++)
		sr->ev[i].t_begin += d;
	if (sr->pending.kind != EV_NONE)
		sr->pending.t_begin += d;
	if (sr->n > 0 && event_end(&sr->ev[sr->n - 1]) > st->t_last)
		st->t_last = event_end(&sr->ev[sr->n - 1]);
}

/* A matched message, where clocks were estimated: its times as recorded
 * go to the causal solver (store_settle moves the ranks once it has seen
 * every message that came). */
static void keep_causal(struct store *st, uint32_t srank, uint32_t sindex, uint32_t rrank,
			uint32_t rindex)
{
	if (st->causal == NULL)
		return;
	const struct store_rank *ss = &st->ranks[srank], *rs = &st->ranks[rrank];
	int64_t send_begin = ss->ev[sindex].t_begin - ss->shift;
	int64_t recv_end = event_end(&rs->ev[rindex]) - rs->shift;
	st->acausal |= causal_message(st->causal, srank, send_begin, rrank, recv_end);
}

static void move_ranks(struct store *st)
{
	causal_solve(st->causal);
	for (uint32_t r = 0; r < st->nranks; r++) {
		int64_t d = causal_shift(st->causal, r) - st->ranks[r].shift;
		if (d != 0)
			shift_rank(st, r, d);
	}
}

void store_clock_estimated(struct store *st, int64_t max_rtt_ns)
{
	causal_free(st->causal);
	st->causal = NULL;
	/* a log's figure is untrusted: no move may take a time further than
	 * event_decode lets in */
	int64_t slack = max_rtt_ns / 2;
	if (slack > EVENT_TIME_MAX / 4)
		slack = EVENT_TIME_MAX / 4;
	if (slack > 0)
		st->causal = causal_new(st->nranks, slack);
}

static void offer(struct store *st, uint32_t rank, uint32_t index, const struct match_key *key)
{
	struct event *ev = &st->ranks[rank].ev[index];
	uint32_t partner;
	int is_send = event_is_send(ev);
	uint32_t other_rank = is_send ? key->dst : key->src;
	if (other_rank >= st->nranks)
		return;
	if (matcher_offer(&st->matcher, key, is_send, index, &partner)) {
		ev->aux = partner + 1;
		st->ranks[other_rank].ev[partner].aux = index + 1;
		st->matched++;
		if (is_send)
			keep_causal(st, rank, index, other_rank, partner);
		else
			keep_causal(st, other_rank, partner, rank, index);
	}
}

/* Sends go to the matcher as they come (their order is their posting
 * order); receives in the order recvorder keeps. */
static void link_partner(struct store *st, struct event_ref ref, uint32_t posted)
{
	struct store_rank *sr = &st->ranks[ref.rank];
	struct event *ev = &sr->ev[ref.index];
	struct match_key key;
	if (event_opens_recv(ev)) {
		/* a matched probe's message is chosen: only its envelope waits */
		int chosen = event_is_matched_probe(ev) && ev->st_source >= 0;
		recvorder_open(&sr->order, ref.index, chosen ? ev->st_source : ev->peer,
			       chosen ? ev->st_tag : ev->tag, ev->comm);
		return;
	}
	int recv_done = event_is_recv(ev) && event_is_completion(ev);
	if (recv_done)
		recvorder_close(&sr->order, posted);
	if (match_key_of(ev, &key)) {
		if (!event_is_recv(ev) || recvorder_ready(&sr->order, posted, ref.index, &key))
			offer(st, ref.rank, ref.index, &key);
	}
	if (recv_done) {
		uint32_t index;
		while (recvorder_next(&sr->order, &index, &key))
			offer(st, ref.rank, index, &key);
	}
}

/* The index of the rank's event with sequence number seq, if kept. */
static int index_of_seq(const struct store_rank *sr, uint32_t seq, uint32_t *index)
{
	size_t lo = 0, hi = sr->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sr->ev[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == sr->n || sr->ev[lo].seq != seq)
		return 0;
	*index = (uint32_t)lo;
	return 1;
}

int store_find_seq(const struct store *st, uint32_t rank, uint32_t seq, struct event_ref *out)
{
	uint32_t index;
	if (rank >= st->nranks || !index_of_seq(&st->ranks[rank], seq, &index))
		return 0;
	*out = (struct event_ref){rank, index};
	return 1;
}

/* A completion names its posting by sequence number (aux + 1 on the
 * wire); kept as an index. Returns where the request was posted: the
 * posting's index, or the event's own when the posting is unknown (lost,
 * or not traced) or it is not a completion. */
static uint32_t link_posting(struct store_rank *sr, uint32_t index, uint32_t wire_aux)
{
	const struct event *ev = &sr->ev[index];
	uint32_t posting;
	if (!event_is_completion(ev) || wire_aux == 0 || wire_aux - 1 >= ev->seq ||
	    !index_of_seq(sr, wire_aux - 1, &posting))
		return index;
	if (sr->nlinks == sr->links_cap) {
		sr->links_cap = sr->links_cap ? sr->links_cap * 2 : 64;
		sr->links = xreallocarray(sr->links, sr->links_cap, sizeof *sr->links);
		sr->by_posting = xreallocarray(sr->by_posting, sr->links_cap, sizeof *sr->links);
	}
	struct req_link link = {index, posting};
	sr->links[sr->nlinks] = link;
	/* requests complete soon after their posting, mostly in order: the
	 * place is near the end */
	size_t k = sr->nlinks;
	while (k > 0 && sr->by_posting[k - 1].posting > posting)
		k--;
	memmove(sr->by_posting + k + 1, sr->by_posting + k, (sr->nlinks - k) * sizeof link);
	sr->by_posting[k] = link;
	sr->nlinks++;
	return posting;
}

/* Doubling: a log of n events costs log(n) copies. (Asking for huge
 * pages with madvise halved the load rate here, measured: not done.) */
static void grow_events(struct store_rank *sr)
{
	sr->cap = sr->cap ? sr->cap * 2 : 256;
	sr->ev = xreallocarray(sr->ev, sr->cap, sizeof *sr->ev);
	sr->ev_mapped = sr->n * sizeof *sr->ev;
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
			sr->pending.t_begin += sr->shift;
			if (sr->pending.t_begin > st->t_last) /* so that a fitted view shows it */
				st->t_last = sr->pending.t_begin;
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
	sr->ev[sr->n] = *ev; /* aux is the wire's until store_settle */
	sr->ev[sr->n].t_begin += sr->shift;
	if (keep_preview(st, sr, ref.index, preview, ev->preview_len) == NO_PREVIEW)
		sr->ev[sr->n].preview_len = 0;
	sr->n++;
	map_ahead(st, sr->ev, sr->n * sizeof *sr->ev, sr->cap * sizeof *sr->ev, &sr->ev_mapped);
	st->events++;
	int64_t end = event_end(&sr->ev[ref.index]);
	if (end > st->t_last)
		st->t_last = end;
	st->unsettled = 1;
	return 0;
}

/* The ranks take turns, a slice of events each: a whole rank's sends
 * first would wait in the matcher for the other rank's receives, a
 * queue as long as the run (2.8 bytes an event more, measured). */
#define SETTLE_SLICE 4096

static int settle_slice(struct store *st, uint32_t r)
{
	struct store_rank *sr = &st->ranks[r];
	size_t end = sr->n - sr->settled > SETTLE_SLICE ? sr->settled + SETTLE_SLICE : sr->n;
	for (; sr->settled < end; sr->settled++) {
		uint32_t i = (uint32_t)sr->settled, wire_aux = sr->ev[i].aux;
		sr->ev[i].aux = 0;
		link_partner(st, (struct event_ref){r, i}, link_posting(sr, i, wire_aux));
	}
	return sr->settled < sr->n;
}

/* Matching waits until something reads the store: a traced program that
 * nobody watches live (--text, --record, a benchmark) then does not pay
 * for it while it runs, and a screen pays for it in its drawing thread.
 * Each rank's events are taken in order, which is all MPI's matching
 * rule looks at; the clock shifts depend only on the messages seen. */
void store_settle(struct store *st)
{
	if (!st->unsettled)
		return;
	st->unsettled = 0;
	for (int more = 1; more;) {
		more = 0;
		for (uint32_t r = 0; r < st->nranks; r++)
			more |= settle_slice(st, r);
	}
	if (st->acausal)
		move_ranks(st);
	st->acausal = 0;
}

/* The matches are the store's cache of what its events say, not part of
 * them: a reader that fills them in changes nothing it could tell. */
static const struct store *settled(const struct store *st)
{
	store_settle((struct store *)st);
	return st;
}

void store_rank_done(struct store *st, uint32_t rank, uint32_t total)
{
	if (rank >= st->nranks || st->ranks[rank].done)
		return;
	st->ranks[rank].done = 1;
	st->ranks_done++;
	st->ranks[rank].total = total;
	st->ranks[rank].pending.kind = EV_NONE;
}

void store_seal(struct store *st)
{
	st->sealed = 1;
}

/* Laid out when asked for, as far as the events go: a run nobody looks
 * at in logical time does not pay for it. */
const struct logical *store_logical(const struct store *st)
{
	struct store *w = (struct store *)settled(st);
	int complete = w->sealed || w->ranks_done == w->nranks;
	if (w->logical == NULL)
		w->logical = logical_new(w->nranks);
	else if (w->laid_events == w->events && w->laid_complete == complete)
		return w->logical;
	logical_update(w->logical, w, complete);
	w->laid_events = w->events;
	w->laid_complete = complete;
	return w->logical;
}

const struct event *store_pending(const struct store *st, uint32_t rank)
{
	st = settled(st);
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
	st = settled(st);
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

/* The link whose completion (by_posting 0) or posting (1) is at index. */
static const struct req_link *find_link(const struct store_rank *sr, uint32_t index,
					int by_posting)
{
	const struct req_link *v = by_posting ? sr->by_posting : sr->links;
	size_t lo = 0, hi = sr->nlinks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((by_posting ? v[mid].posting : v[mid].index) < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == sr->nlinks || (by_posting ? v[lo].posting : v[lo].index) != index)
		return NULL;
	return &v[lo];
}

int store_posting(const struct store *st, struct event_ref ref, struct event_ref *posting)
{
	if (store_event(st, ref) == NULL)
		return 0;
	const struct req_link *l = find_link(&st->ranks[ref.rank], ref.index, 0);
	if (l == NULL)
		return 0;
	*posting = (struct event_ref){ref.rank, l->posting};
	return 1;
}

/* A posting is completed once; a damaged log may name it twice, and then
 * either completion is an answer. */
int store_completion(const struct store *st, struct event_ref ref, struct event_ref *done)
{
	if (store_event(st, ref) == NULL)
		return 0;
	const struct req_link *l = find_link(&st->ranks[ref.rank], ref.index, 1);
	if (l == NULL)
		return 0;
	*done = (struct event_ref){ref.rank, l->index};
	return 1;
}

void store_wire_event(const struct store *st, struct event_ref ref, struct event *out)
{
	struct event_ref posting;
	*out = *store_event(st, ref);
	out->aux = 0;
	if (store_posting(st, ref, &posting))
		out->aux = st->ranks[ref.rank].ev[posting.index].seq + 1;
}

void store_stats(const struct store *st, struct store_stats *out)
{
	st = settled(st);
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
	for (uint32_t r = 0; r < st->nranks; r++)
		out->unmatched_recvs += recvorder_held(&st->ranks[r].order);
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
	st = settled(st);
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
