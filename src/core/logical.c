#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/logical.h"
#include "core/xalloc.h"

#define NONE UINT32_MAX
#define STEP_MAX (UINT32_MAX - 4) /* steps saturate here: no sum below wraps */
/* How far a probe's message is looked for, on either rank. */
#define PROBE_SCAN 4096

/* How a collective ties its members' steps (see logical.h). */
enum tie {
	TIE_NONE,
	TIE_FROM_ROOT, /* bcast, scatter: a member is not before its root */
	TIE_TO_ROOT,   /* gather, reduce: the root is not before any member */
	TIE_ALL,       /* barrier, allreduce ...: one step for all */
};

/* One collective call as all its members make it: the k-th collective on
 * a communicator (with that root), the same on every member, since MPI
 * has them called in the same order. */
struct inst {
	uint32_t comm, root, k;
	uint32_t arrived;   /* members counted in */
	uint32_t base;	    /* the greatest step among them */
	uint32_t root_step; /* NONE until the root is laid out */
};

/* Collectives laid out on one communicator by one rank, and who is in
 * it where the rank's call that made it said: its size and its first
 * member (a world rank), else 0 and NONE. */
struct comm_count {
	uint32_t comm, n, size, first;
};

struct lrank {
	uint32_t *step;
	size_t n, cap;
	struct comm_count *cc;
	size_t ncc, cc_cap;
	uint32_t waiters;     /* first rank waiting for this one's progress, or NONE */
	uint32_t next_waiter; /* in the list of the rank this one waits for */
	uint32_t parked;      /* instance this rank's next call is counted into, or NONE */
	int listed, queued, forced;
};

struct logical {
	uint32_t nranks;
	struct lrank *r;
	uint32_t *queue; /* ranks to look at again */
	size_t nqueue;
	struct inst *inst;
	size_t ninst, inst_cap;
	uint32_t *slots; /* hash of inst: index + 1, 0 empty */
	size_t nslots;
	uint32_t steps;
};

struct logical *logical_new(uint32_t nranks)
{
	struct logical *lg = xcalloc(1, sizeof *lg);
	lg->nranks = nranks;
	lg->r = xcalloc(nranks ? nranks : 1, sizeof *lg->r);
	lg->queue = xcalloc(nranks ? nranks : 1, sizeof *lg->queue);
	for (uint32_t i = 0; i < nranks; i++) {
		lg->r[i].waiters = NONE;
		lg->r[i].parked = NONE;
	}
	return lg;
}

void logical_free(struct logical *lg)
{
	if (lg == NULL)
		return;
	for (uint32_t i = 0; i < lg->nranks; i++) {
		free(lg->r[i].step);
		free(lg->r[i].cc);
	}
	free(lg->r);
	free(lg->queue);
	free(lg->inst);
	free(lg->slots);
	free(lg);
}

size_t logical_placed(const struct logical *lg, uint32_t rank)
{
	return rank < lg->nranks ? lg->r[rank].n : 0;
}

uint32_t logical_step(const struct logical *lg, struct event_ref ref)
{
	if (ref.rank >= lg->nranks || ref.index >= lg->r[ref.rank].n)
		return 0;
	return lg->r[ref.rank].step[ref.index];
}

uint32_t logical_steps(const struct logical *lg)
{
	return lg->steps;
}

/* Steps rise along a rank: a binary search. */
size_t logical_first_at(const struct logical *lg, uint32_t rank, int64_t s)
{
	if (rank >= lg->nranks)
		return 0;
	const struct lrank *lr = &lg->r[rank];
	size_t lo = 0, hi = lr->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((int64_t)lr->step[mid] < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static enum tie tie_of(const struct event *e)
{
	switch (e->kind) {
	case EV_BCAST: case EV_SCATTER: case EV_SCATTERV:
		return TIE_FROM_ROOT;
	case EV_GATHER: case EV_GATHERV: case EV_REDUCE:
		return TIE_TO_ROOT;
	case EV_BARRIER: case EV_ALLREDUCE: case EV_ALLGATHER: case EV_ALLGATHERV:
	case EV_ALLTOALL: case EV_ALLTOALLV: case EV_REDUCE_SCATTER: case EV_REDUCE_SCATTER_BLOCK:
	case EV_COMM_SPLIT: case EV_COMM_DUP:
	case EV_CART_CREATE:
		return TIE_ALL;
	default:
		return TIE_NONE;
	}
}

static struct comm_count *comm_count(struct lrank *lr, uint32_t comm)
{
	for (size_t i = 0; i < lr->ncc; i++)
		if (lr->cc[i].comm == comm)
			return &lr->cc[i];
	if (lr->ncc == lr->cc_cap) {
		lr->cc_cap = lr->cc_cap ? lr->cc_cap * 2 : 4;
		lr->cc = xreallocarray(lr->cc, lr->cc_cap, sizeof *lr->cc);
	}
	lr->cc[lr->ncc] = (struct comm_count){comm, 0, 0, NONE};
	return &lr->cc[lr->ncc++];
}

/* A traced call that made an intracommunicator names it (tag), its size
 * (count) and its first member (peer): whom a collective on it waits for.
 * Two communicators that share an id share no member, so the first
 * member tells them apart. */
static void note_created(struct lrank *lr, const struct event *e)
{
	if ((e->kind == EV_COMM_SPLIT || e->kind == EV_COMM_DUP || e->kind == EV_CART_CREATE) &&
	    e->tag > 0 && e->count > 0 && e->peer >= 0) {
		struct comm_count *cc = comm_count(lr, (uint32_t)e->tag);
		cc->size = (uint32_t)e->count;
		cc->first = (uint32_t)e->peer;
		cc->n = 0; /* an id comes back after 32767 communicators */
	}
}

static size_t hash_inst(uint32_t comm, uint32_t root, uint32_t k, size_t nslots)
{
	uint64_t h = ((uint64_t)comm << 32 | root) * 0x9e3779b97f4a7c15u;
	h ^= (k + 0x632be59bd9b4e019u) * 0xbf58476d1ce4e5b9u;
	return (size_t)(h >> 17) & (nslots - 1);
}

static void rehash(struct logical *lg)
{
	free(lg->slots);
	lg->nslots = lg->nslots ? lg->nslots * 2 : 64;
	lg->slots = xcalloc(lg->nslots, sizeof *lg->slots);
	for (size_t i = 0; i < lg->ninst; i++) {
		const struct inst *in = &lg->inst[i];
		size_t h = hash_inst(in->comm, in->root, in->k, lg->nslots);
		while (lg->slots[h] != 0)
			h = (h + 1) & (lg->nslots - 1);
		lg->slots[h] = (uint32_t)i + 1;
	}
}

/* The instance, made on first use; returns its index. */
static uint32_t find_inst(struct logical *lg, uint32_t comm, uint32_t root, uint32_t k)
{
	if (2 * (lg->ninst + 1) > lg->nslots)
		rehash(lg);
	size_t h = hash_inst(comm, root, k, lg->nslots);
	for (; lg->slots[h] != 0; h = (h + 1) & (lg->nslots - 1)) {
		const struct inst *in = &lg->inst[lg->slots[h] - 1];
		if (in->comm == comm && in->root == root && in->k == k)
			return lg->slots[h] - 1;
	}
	if (lg->ninst == lg->inst_cap) {
		lg->inst_cap = lg->inst_cap ? lg->inst_cap * 2 : 64;
		lg->inst = xreallocarray(lg->inst, lg->inst_cap, sizeof *lg->inst);
	}
	lg->inst[lg->ninst] = (struct inst){comm, root, k, 0, 0, NONE};
	lg->slots[h] = (uint32_t)lg->ninst + 1;
	return (uint32_t)lg->ninst++;
}

static void enqueue(struct logical *lg, uint32_t r)
{
	if (lg->r[r].queued)
		return;
	lg->r[r].queued = 1;
	lg->queue[lg->nqueue++] = r;
}

/* Rank r goes on once rank `on` has laid out more. */
static void wait_for(struct logical *lg, uint32_t r, uint32_t on)
{
	struct lrank *lr = &lg->r[r];
	if (lr->listed || on == r)
		return;
	lr->listed = 1;
	lr->next_waiter = lg->r[on].waiters;
	lg->r[on].waiters = r;
}

static void wake_waiters(struct logical *lg, uint32_t r)
{
	for (uint32_t w = lg->r[r].waiters; w != NONE;) {
		uint32_t next = lg->r[w].next_waiter;
		lg->r[w].listed = 0;
		enqueue(lg, w);
		w = next;
	}
	lg->r[r].waiters = NONE;
}

static uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Where the rank's next call can go by its own order alone. */
static uint32_t base_of(const struct lrank *lr)
{
	return lr->n ? (lr->step[lr->n - 1] < STEP_MAX ? lr->step[lr->n - 1] + 1 : STEP_MAX) : 0;
}

static void put(struct logical *lg, uint32_t r, const struct event *e, uint32_t s)
{
	struct lrank *lr = &lg->r[r];
	note_created(lr, e);
	if (lr->n == lr->cap) {
		lr->cap = lr->cap ? lr->cap * 2 : 256;
		lr->step = xreallocarray(lr->step, lr->cap, sizeof *lr->step);
	}
	lr->step[lr->n++] = s;
	lr->forced = 0;
	lr->parked = NONE;
	if (s + 1 > lg->steps)
		lg->steps = s + 1;
}

/* The members a collective ties together, or 0 when they are not known:
 * the world's, and those of a communicator the rank made by a traced
 * call. *group is what tells apart two communicators with one id. */
static uint32_t members(const struct logical *lg, const struct comm_count *cc,
			uint32_t *group)
{
	*group = NONE;
	if (cc->comm == 0)
		return lg->nranks;
	if (cc->first == NONE || cc->size > lg->nranks)
		return 0;
	*group = cc->first;
	return cc->size;
}

/* Rank r's next call after event e of another rank: 1 once e is laid out
 * (*s raised past it), else 0 while r waits for e's rank. */
static int after(struct logical *lg, uint32_t r, struct event_ref e, uint32_t *s)
{
	const struct lrank *es = &lg->r[e.rank];
	if (e.index < es->n) {
		*s = max32(*s, es->step[e.index] + 1);
		return 1;
	}
	wait_for(lg, r, e.rank);
	return lg->r[r].forced;
}

/* A receive: after its send. Returns 0 while the send is not laid out. */
static int after_send(struct logical *lg, const struct store *st, uint32_t r, uint32_t i,
		      uint32_t *s)
{
	struct event_ref partner;
	if (!store_partner(st, (struct event_ref){r, i}, &partner))
		return lg->r[r].forced; /* matched later, or never */
	return after(lg, r, partner, s);
}

/* Where the sender's messages to rank r that the probe could find start:
 * after the one r last took from it with the probe's envelope (messages
 * between two ranks with one envelope are not overtaken). Returns 0 while
 * that receive is not matched, -1 when it is too far back to look for. */
static int probe_from(const struct store *st, uint32_t r, uint32_t i, const struct event *p,
		      uint32_t *from)
{
	*from = 0;
	for (uint32_t k = i; k-- > 0;) {
		if (i - k > PROBE_SCAN)
			return -1;
		const struct event *e = store_event(st, (struct event_ref){r, k});
		if (!event_is_recv(e) || e->st_source != p->st_source || e->st_tag != p->st_tag ||
		    e->comm != p->comm)
			continue;
		struct event_ref partner;
		if (!store_partner(st, (struct event_ref){r, k}, &partner))
			return 0;
		*from = partner.index + 1;
		return 1;
	}
	return 1;
}

/* A probe that found a message: after that message's send, the sender's
 * next one to this rank with the envelope the probe's status gives. Found
 * from the sender's side, so that a probe in a lecture is laid out before
 * the receive that follows it is let go. Returns 0 while that send is not
 * laid out; a send too far to look for is not waited for. */
static int after_probe(struct logical *lg, const struct store *st, uint32_t r, uint32_t i,
		       uint32_t *s)
{
	const struct event *p = store_event(st, (struct event_ref){r, i});
	if (p->st_source < 0 || (uint32_t)p->st_source >= lg->nranks)
		return 1; /* an Iprobe that found nothing, or no sender to tie to */
	uint32_t src = (uint32_t)p->st_source, from;
	int found = probe_from(st, r, i, p, &from);
	if (found <= 0)
		return found < 0 || lg->r[r].forced;
	size_t n = store_rank_count(st, src);
	for (size_t j = from; j < n; j++) {
		if (j - from > PROBE_SCAN)
			return 1;
		const struct event *e = store_event(st, (struct event_ref){src, (uint32_t)j});
		if (event_is_send(e) && e->peer == (int32_t)r && e->tag == p->st_tag &&
		    e->comm == p->comm)
			return after(lg, r, (struct event_ref){src, (uint32_t)j}, s);
	}
	return lg->r[r].forced; /* not recorded yet */
}

/* A matched probe took its message where it was: after that message's
 * send, the one the probe's receive (its completion) got. Returns 0
 * while that receive is not recorded or its send not laid out. */
static int after_mprobe(struct logical *lg, const struct store *st, uint32_t r, uint32_t i,
			uint32_t *s)
{
	struct event_ref done, partner;
	const struct event *p = store_event(st, (struct event_ref){r, i});
	if (p->st_source < 0 || (uint32_t)p->st_source >= lg->nranks)
		return 1; /* MPI_PROC_NULL's empty message, or no sender to tie to */
	if (!store_completion(st, (struct event_ref){r, i}, &done) ||
	    !store_partner(st, done, &partner))
		return lg->r[r].forced;
	return after(lg, r, partner, s);
}

/* Every member counted in: all of them at the greatest one's step. */
static void close_all(struct logical *lg, const struct store *st, uint32_t idx)
{
	uint32_t s = lg->inst[idx].base;
	for (uint32_t q = 0; q < lg->nranks; q++) {
		if (lg->r[q].parked != idx)
			continue;
		const struct event *e = store_event(st, (struct event_ref){q, (uint32_t)lg->r[q].n});
		comm_count(&lg->r[q], e->comm)->n++;
		put(lg, q, e, s);
		enqueue(lg, q);
		wake_waiters(lg, q);
	}
}

/* A collective: returns 1 when placed (at *s), 0 when it waits. */
static int place_collective(struct logical *lg, const struct store *st, uint32_t r,
			    const struct event *e, uint32_t *s)
{
	struct lrank *lr = &lg->r[r];
	enum tie tie = tie_of(e);
	if (tie == TIE_NONE)
		return 1; /* not a collective */
	int rooted = tie == TIE_FROM_ROOT || tie == TIE_TO_ROOT;
	if (rooted && (e->peer < 0 || (uint32_t)e->peer >= lg->nranks))
		tie = TIE_NONE;
	struct comm_count *cc = comm_count(lr, e->comm);
	uint32_t group, n = members(lg, cc, &group);
	if ((tie == TIE_ALL || tie == TIE_TO_ROOT) && n == 0)
		tie = TIE_NONE;
	uint32_t *count = &cc->n;
	if (tie == TIE_NONE) {
		(*count)++;
		return 1;
	}
	uint32_t root = rooted ? (uint32_t)e->peer : NONE;
	uint32_t idx = find_inst(lg, e->comm, rooted ? root : group, *count);
	struct inst *in = &lg->inst[idx];
	int is_root = root == r;
	if (tie == TIE_ALL) {
		if (lr->parked != idx) {
			lr->parked = idx;
			in->arrived++;
			in->base = max32(in->base, *s);
		}
		if (in->arrived >= n || lr->forced)
			close_all(lg, st, idx);
		return 0; /* placed by close_all, or waits */
	}
	if (tie == TIE_FROM_ROOT && !is_root) {
		if (in->root_step == NONE && !lr->forced) {
			wait_for(lg, r, root);
			return 0;
		}
		if (in->root_step != NONE)
			*s = max32(*s, in->root_step);
	} else if (tie == TIE_TO_ROOT && is_root) {
		if (in->arrived + 1 < n && !lr->forced)
			return 0; /* the last member to come queues it */
		*s = max32(*s, in->base);
	}
	(*count)++;
	if (is_root)
		in->root_step = *s;
	if (tie == TIE_TO_ROOT && !is_root) {
		in->arrived++;
		in->base = max32(in->base, *s);
		if (in->arrived + 1 >= n)
			enqueue(lg, root);
	}
	return 1;
}

/* The rank's next call laid out if what it depends on is; 1 if it was. */
static int place_next(struct logical *lg, const struct store *st, uint32_t r)
{
	struct lrank *lr = &lg->r[r];
	uint32_t i = (uint32_t)lr->n, s = base_of(lr);
	const struct event *e = store_event(st, (struct event_ref){r, i});
	if (event_is_send(e) && s < STEP_MAX)
		s = (s + 1) & ~1u; /* a round starts on an even step */
	if (event_is_recv(e) && !after_send(lg, st, r, i, &s))
		return 0;
	if ((e->kind == EV_PROBE || e->kind == EV_IPROBE) && !after_probe(lg, st, r, i, &s))
		return 0;
	if (event_is_matched_probe(e) && !after_mprobe(lg, st, r, i, &s))
		return 0;
	size_t before = lr->n;
	if (!place_collective(lg, st, r, e, &s))
		return lr->n > before;
	put(lg, r, e, s > STEP_MAX ? STEP_MAX : s);
	return 1;
}

static void run_rank(struct logical *lg, const struct store *st, uint32_t r)
{
	struct lrank *lr = &lg->r[r];
	size_t before = lr->n, n = store_rank_count(st, r);
	while (lr->n < n && place_next(lg, st, r))
		;
	if (lr->n > before)
		wake_waiters(lg, r);
}

static void drain(struct logical *lg, const struct store *st)
{
	while (lg->nqueue > 0) {
		uint32_t r = lg->queue[--lg->nqueue];
		lg->r[r].queued = 0;
		run_rank(lg, st, r);
	}
}

/* How sure it is that a waiting rank waits for something that will not
 * come: a receive whose send was never matched (lost, or not traced), a
 * collective other ranks did not reach, or else one that waits for
 * another rank (only a damaged log ties them in a circle). */
static int stuck_rank(const struct logical *lg, const struct store *st, uint32_t r)
{
	const struct lrank *lr = &lg->r[r];
	struct event_ref ref = {r, (uint32_t)lr->n}, partner;
	if (event_is_recv(store_event(st, ref)) && !store_partner(st, ref, &partner))
		return 3;
	return lr->listed ? 1 : 2;
}

/* Nothing can move and nothing more will come: the rank surest to wait
 * for nothing (the lowest of them) goes on without what it waits for. */
static int force_one(struct logical *lg, const struct store *st)
{
	uint32_t best = NONE;
	int best_how = 0;
	for (uint32_t r = 0; r < lg->nranks; r++) {
		if (lg->r[r].n >= store_rank_count(st, r))
			continue;
		int how = stuck_rank(lg, st, r);
		if (how > best_how) {
			best = r;
			best_how = how;
		}
	}
	if (best == NONE)
		return 0;
	lg->r[best].forced = 1;
	enqueue(lg, best);
	return 1;
}

void logical_update(struct logical *lg, const struct store *st, int complete)
{
	for (uint32_t r = 0; r < lg->nranks; r++)
		if (lg->r[r].n < store_rank_count(st, r))
			enqueue(lg, r);
	do
		drain(lg, st);
	while (complete && force_one(lg, st));
}
