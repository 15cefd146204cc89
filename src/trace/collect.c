/* Rank 0's collector: a thread that fills the store from rank 0's own ring
 * and from every other rank's batches (ship.c) or, on one host, from every
 * rank's ring in the shared segment; it also writes a recording's flushes
 * and answers the ranks that are about to die. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "core/xalloc.h"
#include "trace/batch.h"
#include "trace/shared.h"
#include "trace/tracer.h"

/* Rank 0 reading the shared rings: each look takes a core from a rank
 * that may be busy, and a ring a quarter full or a held call wakes it
 * early anyway (3 ms against 1 ms: 85 against 98 ns a call in
 * bench/pingpong, medians of 8 interleaved runs). */
#define SHARED_POLL_NS 3000000
#define RECORD_FLUSH_NS 100000000

/* A ring's records into the store. Another process may write them (on one
 * host): they are copied and checked before use, as a batch from the
 * network would be. */
static void take_ring(struct tracer *tr, struct ring *ring, uint32_t rank)
{
	struct event_record *recs;
	size_t n;
	while ((n = ring_peek(ring, &recs, BATCH_MAX)) > 0) {
		pthread_mutex_lock(&tr->store_lock);
		for (size_t i = 0; i < n; i++) {
			struct event ev = recs[i].ev;
			if (ev.rank == rank && event_check(&ev) == 0)
				tracer_keep(tr, &ev, recs[i].preview);
		}
		pthread_mutex_unlock(&tr->store_lock);
		ring_release(ring, n);
	}
}

/* A batch is checked before use: a rank is another process, and a record
 * that does not decode is counted as rejected, not trusted. */
static int take_batch(struct tracer *tr, const uint8_t *buf, int bytes, int source)
{
	if (bytes < BATCH_HEADER_SIZE || le_get32(buf) != BATCH_MAGIC || le_get32(buf + 4) != (uint32_t)source)
		return -1;
	uint32_t nrec = le_get32(buf + 8), flags = le_get32(buf + 12), total = le_get32(buf + 16);
	if ((size_t)bytes != BATCH_HEADER_SIZE + (size_t)nrec * EVENT_RECORD_WIRE_SIZE)
		return -1;
	pthread_mutex_lock(&tr->store_lock);
	for (uint32_t i = 0; i < nrec; i++) {
		const uint8_t *p = buf + BATCH_HEADER_SIZE + (size_t)i * EVENT_RECORD_WIRE_SIZE;
		struct event ev;
		if (event_decode(p, &ev) == 0 && ev.rank == (uint32_t)source)
			tracer_keep(tr, &ev, p + EVENT_WIRE_SIZE);
	}
	if (flags & BATCH_FINAL)
		tracer_rank_done(tr, (uint32_t)source, total);
	pthread_mutex_unlock(&tr->store_lock);
	if ((flags & BATCH_FINAL) && gate_rank_gone(tr, (uint32_t)source) != MPI_SUCCESS)
		return -1;
	if (flags & BATCH_FLUSH) {
		/* the rank dies next: its events and ours on disk, then say so */
		take_ring(tr, &tr->ring, 0);
		pthread_mutex_lock(&tr->store_lock);
		if (tr->recorder.flush != NULL)
			tr->recorder.flush(tr->recorder.ctx);
		pthread_mutex_unlock(&tr->store_lock);
		if (PMPI_Send(NULL, 0, MPI_BYTE, source, TAG_FLUSHED, tr->comm) != MPI_SUCCESS)
			return -1;
	}
	return (flags & BATCH_FINAL) ? 1 : 0;
}

/* Rank 0 keeps receives posted for the batches and tests them on each
 * tick, for the same reason the ranks do not block in their sends. They are
 * taken in the order they were posted: MPI matched them in that order, so
 * a rank's batches are kept in the order it sent them. */
#define INBOX_SLOTS 4

struct inbox {
	uint8_t *buf[INBOX_SLOTS];
	MPI_Request req[INBOX_SLOTS];
	int next; /* the oldest posted receive */
};

static int inbox_post(struct tracer *tr, struct inbox *in, int i)
{
	return PMPI_Irecv(in->buf[i], BATCH_BYTES, MPI_BYTE, MPI_ANY_SOURCE, TAG_BATCH, tr->comm,
			  &in->req[i]);
}

static int inbox_open(struct tracer *tr, struct inbox *in)
{
	int rc = MPI_SUCCESS;
	in->next = 0;
	for (int i = 0; i < INBOX_SLOTS; i++) {
		in->buf[i] = xmalloc(BATCH_BYTES);
		in->req[i] = MPI_REQUEST_NULL;
		if (rc == MPI_SUCCESS)
			rc = inbox_post(tr, in, i);
	}
	return rc;
}

static void inbox_close(struct inbox *in)
{
	for (int i = 0; i < INBOX_SLOTS; i++) {
		if (in->req[i] != MPI_REQUEST_NULL && PMPI_Cancel(&in->req[i]) == MPI_SUCCESS)
			PMPI_Wait(&in->req[i], MPI_STATUS_IGNORE);
		free(in->buf[i]);
	}
}

/* Takes the batches that arrived; returns how many, or -1. */
static int receive_batches(struct tracer *tr, struct inbox *in, int *finals)
{
	int got = 0;
	for (;;) {
		int i = in->next, flag, bytes;
		MPI_Status st;
		if (PMPI_Test(&in->req[i], &flag, &st) != MPI_SUCCESS)
			return -1;
		if (!flag)
			return got;
		if (PMPI_Get_count(&st, MPI_BYTE, &bytes) != MPI_SUCCESS || bytes < 0)
			return -1;
		int r = take_batch(tr, in->buf[i], bytes, st.MPI_SOURCE);
		if (r < 0)
			fprintf(stderr, "mpiloom: malformed event batch from rank %d\n",
				st.MPI_SOURCE);
		else
			*finals += r;
		if (inbox_post(tr, in, i) != MPI_SUCCESS)
			return -1;
		in->next = (i + 1) % INBOX_SLOTS;
		got++;
	}
}

/* A log written while the run goes on loses at most what came since the
 * last flush if the run dies. */
static void flush_recorder(struct tracer *tr, int64_t *last)
{
	int64_t now = clock_now_ns();
	int urgent = atomic_load(&tr->flush_soon);
	if (now - *last < RECORD_FLUSH_NS && !urgent)
		return;
	*last = now;
	if (urgent)
		take_ring(tr, &tr->ring, 0); /* what rank 0 itself recorded just before */
	pthread_mutex_lock(&tr->store_lock);
	if (tr->recorder.flush != NULL)
		tr->recorder.flush(tr->recorder.ctx);
	pthread_mutex_unlock(&tr->store_lock);
	if (urgent)
		atomic_store(&tr->flush_soon, 0);
}

static void *collect_batches(void *arg)
{
	struct tracer *tr = arg;
	struct inbox in;
	int finals = 0;
	int64_t last_flush = clock_now_ns();
	if (inbox_open(tr, &in) != MPI_SUCCESS) {
		fprintf(stderr, "mpiloom: rank 0: receiving events failed\n");
		inbox_close(&in);
		return NULL;
	}
	for (;;) {
		int stopping = atomic_load(&tr->stopping);
		fastclock_anchor(&tr->fast);
		struct event pending;
		int report = gate_report(tr->gate.slot, &tr->gate.watch,
					 atomic_load(tr->gate.stepping), &pending);
		take_ring(tr, &tr->ring, 0);
		if (report) {
			static const uint8_t none[EVENT_PREVIEW_MAX];
			pthread_mutex_lock(&tr->store_lock);
			tracer_keep(tr, &pending, none);
			pthread_mutex_unlock(&tr->store_lock);
		}
		int got = receive_batches(tr, &in, &finals);
		if (got < 0) {
			fprintf(stderr, "mpiloom: rank 0: receiving events failed\n");
			break;
		}
		flush_recorder(tr, &last_flush);
		if (stopping && finals >= tr->size - 1 && ring_used(&tr->ring) == 0) {
			pthread_mutex_lock(&tr->store_lock);
			tracer_rank_done(tr, 0, tr->seq);
			pthread_mutex_unlock(&tr->store_lock);
			break;
		}
		if (got == 0)
			clock_sleep_ns(SHIP_POLL_NS);
	}
	inbox_close(&in);
	return NULL;
}

/* One host: rank 0 reads every rank's ring and gate slot in the shared
 * segment, the way the collector above reads its own. */
struct peers {
	struct ring *rings; /* rank r's ring seen from here */
	struct gate_watch *watch;
	unsigned char *done;
	int left; /* ranks whose last event has not come yet */
	unsigned flushed; /* the flush requests answered */
};

static void peers_open(struct tracer *tr, struct peers *pe)
{
	uint32_t n = (uint32_t)tr->size;
	pe->rings = xcalloc(n, sizeof *pe->rings);
	pe->watch = xcalloc(n, sizeof *pe->watch);
	pe->done = xcalloc(n, 1);
	for (uint32_t r = 0; r < n; r++)
		shared_ring(tr->shared, r, &pe->rings[r]);
	pe->left = tr->size;
	pe->flushed = 0;
}

static void peers_close(struct peers *pe)
{
	free(pe->rings);
	free(pe->watch);
	free(pe->done);
}

static void collect_rank(struct tracer *tr, struct peers *pe, uint32_t r)
{
	static const uint8_t none[EVENT_PREVIEW_MAX];
	struct shared_rank *sr = &tr->shared->ranks[r];
	struct event pending;
	/* both read before the ring: a report never overtakes the events
	 * before it, and the final mark comes after the last of them */
	int report = gate_report(&sr->slot, &pe->watch[r], atomic_load(&tr->shared->head->stepping),
				 &pending);
	int final = atomic_load_explicit(&sr->final, memory_order_acquire);
	take_ring(tr, &pe->rings[r], r);
	pthread_mutex_lock(&tr->store_lock);
	if (report && pending.rank == r && event_check(&pending) == 0)
		tracer_keep(tr, &pending, none);
	if (final && !pe->done[r]) {
		pe->done[r] = 1;
		pe->left--;
		tracer_rank_done(tr, r, sr->total);
	}
	pthread_mutex_unlock(&tr->store_lock);
}

/* A rank about to die (or rank 0's own abort) wants the log on disk. */
static void answer_flush(struct tracer *tr, struct peers *pe)
{
	struct shared_head *h = tr->shared->head;
	unsigned asked = atomic_load(&h->flush_asked);
	if (asked == pe->flushed && !atomic_load(&tr->flush_soon))
		return;
	for (uint32_t r = 0; r < (uint32_t)tr->size; r++)
		take_ring(tr, &pe->rings[r], r);
	pthread_mutex_lock(&tr->store_lock);
	if (tr->recorder.flush != NULL)
		tr->recorder.flush(tr->recorder.ctx);
	pthread_mutex_unlock(&tr->store_lock);
	pe->flushed = asked;
	atomic_store(&h->flush_done, asked);
	atomic_store(&tr->flush_soon, 0);
}

static void *collect_shared(void *arg)
{
	struct tracer *tr = arg;
	struct peers pe;
	int64_t last_flush = clock_now_ns();
	peers_open(tr, &pe);
	for (;;) {
		int stopping = atomic_load(&tr->stopping);
		fastclock_anchor(&tr->fast); /* every rank's, on this host */
		for (uint32_t r = 0; r < (uint32_t)tr->size; r++)
			collect_rank(tr, &pe, r);
		answer_flush(tr, &pe);
		flush_recorder(tr, &last_flush);
		if (stopping && pe.left == 0)
			break;
		ring_wait(&tr->ring, SHARED_POLL_NS);
	}
	peers_close(&pe);
	return NULL;
}

void *collect_main(void *tracer)
{
	struct tracer *tr = tracer;
	return tr->shared != NULL ? collect_shared(tr) : collect_batches(tr);
}
