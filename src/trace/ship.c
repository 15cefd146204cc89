/* Shipping events to rank 0, off the program's critical path: a thread per
 * rank drains the ring and sends batches over the tracer's own
 * communicator (collect.c takes them on rank 0). On one host no rank needs
 * the thread: rank 0 reads the rings in the shared segment itself. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "trace/batch.h"
#include "trace/tracer.h"

#define FLUSH_WAIT_NS 1000000000LL
#define FLUSH_INTERVAL_NS 10000000 /* a live view lags by at most this */
#define SEND_WAIT_NS 60000000000LL /* rank 0 takes no batch for this long: lost */
#define FINAL_WAIT_NS 60000000000LL

static void put_record(uint8_t *buf, size_t i, const struct event *ev, const uint8_t *preview)
{
	uint8_t *out = buf + BATCH_HEADER_SIZE + i * EVENT_RECORD_WIRE_SIZE;
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
		clock_sleep_ns(SHIP_POLL_NS / 8);
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
	batch_encode_header(o->buf[slot], &h);
	int bytes = (int)(BATCH_HEADER_SIZE + nrec * EVENT_RECORD_WIRE_SIZE);
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
			clock_sleep_ns(SHIP_POLL_NS / 4);
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
		ring_wait(&tr->ring, SHIP_POLL_NS);
	}
	outbox_free(&o);
	return NULL;
}

int ship_start(struct tracer *tr)
{
	atomic_store(&tr->stopping, 0);
	tr->shipper_running = 0;
	if (tr->shared != NULL && tr->rank != 0)
		return 0; /* rank 0 reads this rank's ring itself */
	int rc = pthread_create(&tr->shipper, NULL, tr->rank == 0 ? collect_main : ship_to_root, tr);
	tr->shipper_running = rc == 0;
	return rc;
}

void ship_stop(struct tracer *tr)
{
	if (!tr->shipper_running)
		return;
	atomic_store(&tr->stopping, 1);
	pthread_join(tr->shipper, NULL);
	tr->shipper_running = 0;
}
