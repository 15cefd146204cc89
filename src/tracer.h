/* Internals shared by the trace layer's files: the tracer state and the two
 * hooks every wrapper calls, one before and one after the PMPI call. */
#ifndef MPILOOM_TRACER_H
#define MPILOOM_TRACER_H

#include <mpi.h>
#include <pthread.h>
#include <stdatomic.h>

#include "clock.h"
#include "event.h"
#include "ring.h"
#include "store.h"
#include "trace.h"

/* The call a rank is in, published by the rank's own thread (a sequence
 * lock: gen is odd while it writes) and read by its shipper, which reports
 * it to rank 0 as a pending event. */
enum gate_state { GATE_IDLE, GATE_HELD, GATE_RUNNING };

struct gate {
	atomic_uint gen;
	struct event call;
	int64_t since; /* own clock: entered (held) or released (running) */
	int state;
	/* lecture stepping: rank 0 lets each held call go */
	atomic_int stepping;
	int listening; /* the shipper takes rank 0's commands */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned releases;
	/* the shipper's: what it last reported */
	unsigned reported_gen;
	int reported_state;
};

struct tracer {
	atomic_int enabled;
	int ready; /* between our MPI_Init and MPI_Finalize */
	int rank;
	int size;
	MPI_Comm comm; /* the loom's own traffic: never seen by the program */
	MPI_Comm textbook_comm; /* textbook collectives' messages, or NULL */
	struct trace_options opts;
	struct clock_sync clock;
	int64_t max_rtt;
	struct ring ring;
	uint32_t seq;
	pthread_mutex_t record_lock; /* only taken for MPI_THREAD_MULTIPLE programs */
	int lock_records;

	/* A probe stays open until the next call, so that the program's
	 * MPI_Get_count/MPI_Get_elements on its status can complete it. */
	int probe_open;
	struct event_record probe;
	const MPI_Status *probe_status;

	struct gate gate;

	pthread_t shipper;
	atomic_int stopping;
	int shipper_running;

	/* rank 0 */
	struct store *store;
	pthread_mutex_t store_lock;
	struct trace_recorder recorder; /* recorder.event NULL: none */
};

/* There is exactly one: MPI's profiling interface gives a wrapper no context
 * argument, so the state every MPI_X reaches must be global. Nothing outside
 * the trace layer touches it. */
extern struct tracer loom_tracer;

struct call {
	struct event_record rec;
	int64_t t0;
};

static inline int tracer_on(void)
{
	return atomic_load_explicit(&loom_tracer.enabled, memory_order_relaxed) &&
	       loom_tracer.ready;
}

void tracer_before(struct call *c, enum event_kind kind);
/* Fills time, rank and sequence number; the wrapper then fills the rest. */
void tracer_after(struct call *c);
/* Right before the PMPI call, with the arguments known before it filled
 * in: the call becomes visible as pending, and stepping holds it here. */
void tracer_gate(struct call *c);
void tracer_commit(struct call *c);

/* Helpers for wrappers. */
int tracer_world_rank(MPI_Comm comm, int rank);
uint16_t tracer_comm_id(MPI_Comm comm);
void tracer_set_buffer(struct event *ev, int count, MPI_Datatype dt);
/* Both after tracer_set_buffer with the same datatype: they reuse the
 * datatype code it looked up (one lookup a call, on the hot path). */
void tracer_set_preview(struct event_record *rec, const void *buf, int64_t count);
void tracer_set_status(struct event *ev, const MPI_Status *st, MPI_Datatype dt, MPI_Comm comm);
void tracer_open_probe(struct call *c, const MPI_Status *user_status);
void tracer_refine_probe(const MPI_Status *status, MPI_Datatype dt);

int tracer_start(void);
void tracer_stop(void);
/* Adds to the store and the recorder; store locked by the caller. */
void tracer_keep(struct tracer *tr, const struct event *ev, const uint8_t *preview);
void tracer_rank_done(struct tracer *tr, uint32_t rank, uint32_t total);
/* Shipper side of the gate: the pending event due for rank 0, if any
 * (returns 1), and rank 0's stepping commands. */
int gate_report(struct tracer *tr, struct event *out);
int gate_take_commands(struct tracer *tr);
void gate_init(struct tracer *tr);
void gate_leave(struct tracer *tr);
int shipper_start(struct tracer *tr);
void shipper_stop(struct tracer *tr);

#endif
