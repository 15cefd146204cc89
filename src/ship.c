/* Shipping events to rank 0, off the program's critical path: a thread per
 * rank drains the ring and sends batches over the tracer's own
 * communicator; on rank 0 the same thread is the collector that fills the
 * store from its own ring and from every other rank's batches. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "le.h"
#include "shared.h"
#include "tracer.h"
#include "xalloc.h"

#define TAG_BATCH 77
#define BATCH_MAX 2048
#define BATCH_MAGIC 0x4d4f4f4cu /* "LOOM" */
#define BATCH_FINAL 1u
#define BATCH_FLUSH 2u /* a rank is about to die: rank 0 writes its log now */
#define TAG_FLUSHED 79	/* rank 0's answer: written (78 is the gate's) */
#define FLUSH_WAIT_NS 1000000000LL
#define HEADER_SIZE 20
#define FLUSH_INTERVAL_NS 10000000 /* a live view lags by at most this */
#define POLL_NS 1000000
/* Rank 0 reading the shared rings: each look takes a core from a rank
 * that may be busy, and a ring a quarter full or a held call wakes it
 * early anyway (3 ms against 1 ms: 85 against 98 ns a call in
 * bench/pingpong, medians of 8 interleaved runs). */
#define SHARED_POLL_NS 3000000
#define SEND_WAIT_NS 60000000000LL /* rank 0 takes no batch for this long: lost */
#define FINAL_WAIT_NS 60000000000LL
#define RECORD_FLUSH_NS 100000000

struct batch_header {
	uint32_t magic;
	uint32_t rank;
	uint32_t nrec;
	uint32_t flags;
	uint32_t total;
};

static void encode_header(uint8_t *buf, const struct batch_header *h)
{
	le_put32(buf, h->magic);
	le_put32(buf + 4, h->rank);
	le_put32(buf + 8, h->nrec);
	le_put32(buf + 12, h->flags);
	le_put32(buf + 16, h->total);
}

static void pause_ns(long ns)
{
	struct timespec ts = {0, ns};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void put_record(uint8_t *buf, size_t i, const struct event *ev, const uint8_t *preview)
{
	uint8_t *out = buf + HEADER_SIZE + i * EVENT_RECORD_WIRE_SIZE;
	event_encode(ev, out);
	if (preview != NULL)
		memcpy(out + EVENT_WIRE_SIZE, preview, EVENT_PREVIEW_MAX);
	else
		memset(out + EVENT_WIRE_SIZE, 0, EVENT_PREVIEW_MAX);
}

/* Moves up to BATCH_MAX records from the ring into buf; returns how many. */
static size_t fill_batch(struct ring *ring, uint8_t *buf)
{
	size_t total = 0;
	while (total < BATCH_MAX) {
		struct event_record *recs;
		size_t n = ring_peek(ring, &recs, BATCH_MAX - total);
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			put_record(buf, total + i, &recs[i].ev, recs[i].preview);
		ring_release(ring, n);
		total += n;
	}
	return total;
}

/* Batches go out with Isend from a few buffers, tested on each tick: a
 * shipper blocked in a send would spin in MPI's progress engine and fight
 * the program's own thread for MPI's lock on every one of its calls. */
#define OUTBOX_SLOTS 4
#define BATCH_BYTES (HEADER_SIZE + BATCH_MAX * EVENT_RECORD_WIRE_SIZE)

struct outbox {
	uint8_t *buf[OUTBOX_SLOTS];
	MPI_Request req[OUTBOX_SLOTS]; /* MPI_REQUEST_NULL: the buffer is free */
};

static void outbox_init(struct outbox *o)
{
	for (int i = 0; i < OUTBOX_SLOTS; i++) {
		o->buf[i] = xmalloc(BATCH_BYTES);
		o->req[i] = MPI_REQUEST_NULL;
	}
}

static void outbox_free(struct outbox *o)
{
	for (int i = 0; i < OUTBOX_SLOTS; i++)
		free(o->buf[i]);
}

static int outbox_busy(const struct outbox *o)
{
	int busy = 0;
	for (int i = 0; i < OUTBOX_SLOTS; i++)
		busy += o->req[i] != MPI_REQUEST_NULL;
	return busy;
}

/* Frees the buffers whose sends finished. */
static int outbox_test(struct outbox *o)
{
	if (outbox_busy(o) == 0)
		return MPI_SUCCESS;
	int idx[OUTBOX_SLOTS], n;
	MPI_Status st[OUTBOX_SLOTS];
	return PMPI_Testsome(OUTBOX_SLOTS, o->req, &n, idx, st);
}

/* Until at most max_busy sends are in flight: MPI_SUCCESS, or an error
 * when MPI failed or that did not happen within wait_ns. */
static int outbox_wait(struct outbox *o, int max_busy, int64_t wait_ns)
{
	int64_t t0 = clock_now_ns();
	for (;;) {
		if (outbox_test(o) != MPI_SUCCESS)
			return MPI_ERR_OTHER;
		if (outbox_busy(o) <= max_busy)
			return MPI_SUCCESS;
		if (clock_now_ns() - t0 >= wait_ns)
			return MPI_ERR_OTHER;
		pause_ns(POLL_NS / 8);
	}
}

/* A free buffer, or -1 (see outbox_wait). */
static int outbox_slot(struct outbox *o, int64_t wait_ns)
{
	if (outbox_wait(o, OUTBOX_SLOTS - 1, wait_ns) != MPI_SUCCESS)
		return -1;
	int i = 0;
	while (o->req[i] != MPI_REQUEST_NULL)
		i++;
	return i;
}

/* total (events this rank recorded) is only known, and only read, once the
 * program's thread has stopped recording: in the final batch. */
static int send_batch(struct tracer *tr, struct outbox *o, int slot, size_t nrec,
		      uint32_t flags, uint32_t total)
{
	struct batch_header h = {BATCH_MAGIC, (uint32_t)tr->rank, (uint32_t)nrec, flags, total};
	encode_header(o->buf[slot], &h);
	int bytes = (int)(HEADER_SIZE + nrec * EVENT_RECORD_WIRE_SIZE);
	return PMPI_Isend(o->buf[slot], bytes, MPI_BYTE, 0, TAG_BATCH, tr->comm, &o->req[slot]);
}

/* A batch with no records and these flags. */
static int send_mark(struct tracer *tr, struct outbox *o, uint32_t flags, uint32_t total,
		     int64_t wait_ns)
{
	int slot = outbox_slot(o, wait_ns);
	return slot < 0 ? MPI_ERR_OTHER : send_batch(tr, o, slot, 0, flags, total);
}

/* The ring's records, then the pending call (read before the ring was
 * drained, so it never overtakes the events that came before it). */
static int ship_all(struct tracer *tr, struct outbox *o, const struct event *pending)
{
	for (;;) {
		if (ring_used(&tr->ring) == 0 && pending == NULL)
			return MPI_SUCCESS;
		int slot = outbox_slot(o, SEND_WAIT_NS);
		if (slot < 0)
			return MPI_ERR_OTHER;
		size_t n = fill_batch(&tr->ring, o->buf[slot]);
		if (pending != NULL && n < BATCH_MAX) {
			put_record(o->buf[slot], n++, pending, NULL);
			pending = NULL;
		}
		if (n == 0)
			return MPI_SUCCESS;
		int rc = send_batch(tr, o, slot, n, 0, 0);
		if (rc != MPI_SUCCESS)
			return rc;
	}
}

/* MPI_Abort or a crash on this rank (tracer_flush_for_abort): everything
 * is shipped, rank 0 is told to write its log, and its answer awaited (a
 * bounded wait: rank 0 may be gone already). */
static int flush_before_end(struct tracer *tr, struct outbox *o)
{
	int rc = ship_all(tr, o, NULL), flag = 0;
	if (rc == MPI_SUCCESS)
		rc = send_mark(tr, o, BATCH_FLUSH, 0, FLUSH_WAIT_NS);
	int64_t t0 = clock_now_ns();
	while (rc == MPI_SUCCESS && !flag && clock_now_ns() - t0 < FLUSH_WAIT_NS) {
		rc = outbox_test(o);
		if (rc == MPI_SUCCESS)
			rc = PMPI_Iprobe(0, TAG_FLUSHED, tr->comm, &flag, MPI_STATUS_IGNORE);
		if (rc == MPI_SUCCESS && !flag)
			pause_ns(POLL_NS / 4);
	}
	if (rc == MPI_SUCCESS && flag)
		rc = PMPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_FLUSHED, tr->comm, MPI_STATUS_IGNORE);
	return rc;
}

/* The last batch carries the count of events this rank recorded; every
 * send is finished before the goodbye, the shipper's last MPI traffic. */
static void ship_final(struct tracer *tr, struct outbox *o)
{
	if (ship_all(tr, o, NULL) != MPI_SUCCESS ||
	    send_mark(tr, o, BATCH_FINAL, tr->seq, FINAL_WAIT_NS) != MPI_SUCCESS ||
	    outbox_wait(o, 0, FINAL_WAIT_NS) != MPI_SUCCESS)
		fprintf(stderr, "mpiloom: rank %d: final batch failed\n", tr->rank);
	else if (gate_last_commands(tr) != MPI_SUCCESS)
		fprintf(stderr, "mpiloom: rank %d: stepping commands failed\n", tr->rank);
}

static void *ship_to_root(void *arg)
{
	struct tracer *tr = arg;
	struct outbox o;
	outbox_init(&o);
	int64_t last = clock_now_ns();
	for (;;) {
		int stopping = atomic_load(&tr->stopping);
		fastclock_anchor(&tr->fast);
		struct event pending;
		int report = !stopping && gate_report(tr->gate.slot, &tr->gate.watch,
						      atomic_load(tr->gate.stepping), &pending);
		size_t used = ring_used(&tr->ring);
		int64_t now = clock_now_ns();
		if (stopping) {
			ship_final(tr, &o);
			break;
		}
		int rc = outbox_test(&o);
		if (rc == MPI_SUCCESS &&
		    (used >= BATCH_MAX / 2 || (used > 0 && now - last >= FLUSH_INTERVAL_NS) || report)) {
			rc = ship_all(tr, &o, report ? &pending : NULL);
			last = now;
		}
		if (rc != MPI_SUCCESS) {
			fprintf(stderr, "mpiloom: rank %d: lost events: sending to rank 0 failed\n",
				tr->rank);
			break;
		}
		if (gate_take_commands(tr) != MPI_SUCCESS) {
			fprintf(stderr, "mpiloom: rank %d: stepping commands failed\n", tr->rank);
			break;
		}
		if (atomic_load(&tr->flush_soon)) {
			if (flush_before_end(tr, &o) != MPI_SUCCESS)
				fprintf(stderr, "mpiloom: rank %d: flushing before the end failed\n",
					tr->rank);
			atomic_store(&tr->flush_soon, 0);
		}
		ring_wait(&tr->ring, POLL_NS);
	}
	outbox_free(&o);
	return NULL;
}

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
	if (bytes < HEADER_SIZE || le_get32(buf) != BATCH_MAGIC || le_get32(buf + 4) != (uint32_t)source)
		return -1;
	uint32_t nrec = le_get32(buf + 8), flags = le_get32(buf + 12), total = le_get32(buf + 16);
	if ((size_t)bytes != HEADER_SIZE + (size_t)nrec * EVENT_RECORD_WIRE_SIZE)
		return -1;
	pthread_mutex_lock(&tr->store_lock);
	for (uint32_t i = 0; i < nrec; i++) {
		const uint8_t *p = buf + HEADER_SIZE + (size_t)i * EVENT_RECORD_WIRE_SIZE;
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

static void *collect(void *arg)
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
			pause_ns(POLL_NS);
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

int shipper_start(struct tracer *tr)
{
	atomic_store(&tr->stopping, 0);
	tr->shipper_running = 0;
	if (tr->shared != NULL && tr->rank != 0)
		return 0; /* rank 0 reads this rank's ring itself */
	int rc = pthread_create(&tr->shipper, NULL,
			       tr->shared != NULL ? collect_shared
			       : tr->rank == 0	  ? collect
						  : ship_to_root,
			       tr);
	tr->shipper_running = rc == 0;
	return rc;
}

void shipper_stop(struct tracer *tr)
{
	if (!tr->shipper_running)
		return;
	atomic_store(&tr->stopping, 1);
	pthread_join(tr->shipper, NULL);
	tr->shipper_running = 0;
}
