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
#include "tracer.h"
#include "xalloc.h"

#define TAG_BATCH 77
#define BATCH_MAX 2048
#define BATCH_MAGIC 0x4d4f4f4cu /* "LOOM" */
#define BATCH_FINAL 1u
#define BATCH_FLUSH 2u /* a rank is about to die: rank 0 writes its log now */
#define TAG_FLUSHED 78	/* rank 0's answer: written */
#define FLUSH_WAIT_NS 1000000000LL
#define HEADER_SIZE 20
#define FLUSH_INTERVAL_NS 10000000 /* a live view lags by at most this */
#define POLL_NS 1000000
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

/* total (events this rank recorded) is only known, and only read, once the
 * program's thread has stopped recording: in the final batch. */
static int send_batch(struct tracer *tr, uint8_t *buf, size_t nrec, uint32_t flags,
		      uint32_t total)
{
	struct batch_header h = {BATCH_MAGIC, (uint32_t)tr->rank, (uint32_t)nrec, flags, total};
	encode_header(buf, &h);
	int bytes = (int)(HEADER_SIZE + nrec * EVENT_RECORD_WIRE_SIZE);
	return PMPI_Send(buf, bytes, MPI_BYTE, 0, TAG_BATCH, tr->comm);
}

/* The ring's records, then the pending call (read before the ring was
 * drained, so it never overtakes the events that came before it). */
static int ship_all(struct tracer *tr, uint8_t *buf, const struct event *pending)
{
	for (;;) {
		size_t n = fill_batch(&tr->ring, buf);
		if (pending != NULL && n < BATCH_MAX) {
			put_record(buf, n++, pending, NULL);
			pending = NULL;
		}
		if (n == 0)
			return MPI_SUCCESS;
		int rc = send_batch(tr, buf, n, 0, 0);
		if (rc != MPI_SUCCESS)
			return rc;
	}
}

/* MPI_Abort or a crash on this rank (tracer_flush_for_abort): everything
 * is shipped, rank 0 is told to write its log, and its answer awaited (a
 * bounded wait: rank 0 may be gone already). */
static int flush_before_end(struct tracer *tr, uint8_t *buf)
{
	int rc = ship_all(tr, buf, NULL), flag = 0;
	if (rc == MPI_SUCCESS)
		rc = send_batch(tr, buf, 0, BATCH_FLUSH, 0);
	int64_t t0 = clock_now_ns();
	while (rc == MPI_SUCCESS && !flag && clock_now_ns() - t0 < FLUSH_WAIT_NS) {
		rc = PMPI_Iprobe(0, TAG_FLUSHED, tr->comm, &flag, MPI_STATUS_IGNORE);
		if (rc == MPI_SUCCESS && !flag)
			pause_ns(POLL_NS / 4);
	}
	if (rc == MPI_SUCCESS && flag)
		rc = PMPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_FLUSHED, tr->comm, MPI_STATUS_IGNORE);
	return rc;
}

static void *ship_to_root(void *arg)
{
	struct tracer *tr = arg;
	uint8_t *buf = xmalloc(HEADER_SIZE + (size_t)BATCH_MAX * EVENT_RECORD_WIRE_SIZE);
	int64_t last = clock_now_ns();
	for (;;) {
		int stopping = atomic_load(&tr->stopping);
		struct event pending;
		int report = !stopping && gate_report(tr, &pending);
		size_t used = ring_used(&tr->ring);
		int64_t now = clock_now_ns();
		if (used >= BATCH_MAX / 2 || (used > 0 && now - last >= FLUSH_INTERVAL_NS) ||
		    stopping || report) {
			if (ship_all(tr, buf, report ? &pending : NULL) != MPI_SUCCESS) {
				fprintf(stderr, "mpiloom: rank %d: lost events: "
						"sending to rank 0 failed\n",
					tr->rank);
				goto out;
			}
			last = now;
		}
		if (!stopping && gate_take_commands(tr) != MPI_SUCCESS) {
			fprintf(stderr, "mpiloom: rank %d: stepping commands failed\n", tr->rank);
			goto out;
		}
		if (atomic_load(&tr->flush_soon)) {
			if (flush_before_end(tr, buf) != MPI_SUCCESS)
				fprintf(stderr, "mpiloom: rank %d: flushing before the end failed\n",
					tr->rank);
			atomic_store(&tr->flush_soon, 0);
		}
		if (stopping) {
			if (send_batch(tr, buf, 0, BATCH_FINAL, tr->seq) != MPI_SUCCESS)
				fprintf(stderr, "mpiloom: rank %d: final batch failed\n", tr->rank);
			else if (gate_last_commands(tr) != MPI_SUCCESS)
				fprintf(stderr, "mpiloom: rank %d: stepping commands failed\n",
					tr->rank);
			break;
		}
		ring_wait(&tr->ring, POLL_NS);
	}
out:
	free(buf);
	return NULL;
}

static void drain_own(struct tracer *tr)
{
	struct event_record *recs;
	size_t n;
	while ((n = ring_peek(&tr->ring, &recs, BATCH_MAX)) > 0) {
		pthread_mutex_lock(&tr->store_lock);
		for (size_t i = 0; i < n; i++)
			tracer_keep(tr, &recs[i].ev, recs[i].preview);
		pthread_mutex_unlock(&tr->store_lock);
		ring_release(&tr->ring, n);
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
		drain_own(tr);
		pthread_mutex_lock(&tr->store_lock);
		if (tr->recorder.flush != NULL)
			tr->recorder.flush(tr->recorder.ctx);
		pthread_mutex_unlock(&tr->store_lock);
		if (PMPI_Send(NULL, 0, MPI_BYTE, source, TAG_FLUSHED, tr->comm) != MPI_SUCCESS)
			return -1;
	}
	return (flags & BATCH_FINAL) ? 1 : 0;
}

/* Receives whatever batches are waiting; returns how many, or -1. */
static int receive_batches(struct tracer *tr, uint8_t **buf, int *cap, int *finals)
{
	int got = 0;
	for (;;) {
		int flag, bytes;
		MPI_Status st;
		if (PMPI_Iprobe(MPI_ANY_SOURCE, TAG_BATCH, tr->comm, &flag, &st) != MPI_SUCCESS)
			return -1;
		if (!flag)
			return got;
		if (PMPI_Get_count(&st, MPI_BYTE, &bytes) != MPI_SUCCESS || bytes < 0)
			return -1;
		if (bytes > *cap) {
			*buf = xreallocarray(*buf, (size_t)bytes, 1);
			*cap = bytes;
		}
		if (PMPI_Recv(*buf, bytes, MPI_BYTE, st.MPI_SOURCE, TAG_BATCH, tr->comm,
			      MPI_STATUS_IGNORE) != MPI_SUCCESS)
			return -1;
		int r = take_batch(tr, *buf, bytes, st.MPI_SOURCE);
		if (r < 0)
			fprintf(stderr, "mpiloom: malformed event batch from rank %d\n",
				st.MPI_SOURCE);
		else
			*finals += r;
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
		drain_own(tr); /* what rank 0 itself recorded just before */
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
	int cap = HEADER_SIZE + BATCH_MAX * EVENT_RECORD_WIRE_SIZE, finals = 0;
	uint8_t *buf = xmalloc((size_t)cap);
	int64_t last_flush = clock_now_ns();
	for (;;) {
		int stopping = atomic_load(&tr->stopping);
		struct event pending;
		int report = gate_report(tr, &pending);
		drain_own(tr);
		if (report) {
			static const uint8_t none[EVENT_PREVIEW_MAX];
			pthread_mutex_lock(&tr->store_lock);
			tracer_keep(tr, &pending, none);
			pthread_mutex_unlock(&tr->store_lock);
		}
		int got = receive_batches(tr, &buf, &cap, &finals);
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
	free(buf);
	return NULL;
}

int shipper_start(struct tracer *tr)
{
	atomic_store(&tr->stopping, 0);
	int rc = pthread_create(&tr->shipper, NULL, tr->rank == 0 ? collect : ship_to_root, tr);
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
