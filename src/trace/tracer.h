/* Internals shared by the trace layer's files: the tracer state and the two
 * hooks every wrapper calls, one before and one after the PMPI call. */
#ifndef MPILOOM_TRACER_H
#define MPILOOM_TRACER_H

#include <mpi.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>

#include "core/event.h"
#include "core/store.h"
#include "core/trace.h"
#include "trace/clocksync.h"
#include "trace/fastclock.h"
#include "trace/reqtable.h"
#include "trace/ring.h"

/* The call a rank is in, published by the rank's own thread (a sequence
 * lock) and read by the thread that reports
 * it to rank 0 as a pending event: the rank's shipper, or on one host
 * rank 0's collector, through shared memory. */
enum gate_state { GATE_IDLE, GATE_HELD, GATE_RUNNING };

/* Tags of the tracer's own messages on its communicator (tr->comm). */
enum tracer_tag {
	TAG_BATCH = 77,   /* a rank's events, to rank 0 (ship.c, collect.c) */
	TAG_STEP = 78,	  /* rank 0's stepping commands and goodbyes (gate.c) */
	TAG_FLUSHED = 79, /* rank 0's answer to a BATCH_FLUSH: the log is written */
};

struct gate_slot {
	atomic_uint gen; /* and the state: see gate.c */
	int64_t since; /* own clock: entered (held) or released (running) */
	struct event call;
};

/* What the reporting thread last said of one slot. */
struct gate_watch {
	unsigned gen;
	int state;
};

struct gate {
	struct gate_slot *slot; /* own_slot, or the rank's in shared memory */
	/* lecture stepping: rank 0 lets each held call go, one post of
	 * release a call; the flag and the semaphore are shared on one host */
	atomic_int *stepping;
	sem_t *release;
	int listening; /* the shipper takes rank 0's commands */
	/* rank 0: no command goes to a rank after its goodbye (cmd_lock) */
	pthread_mutex_t cmd_lock;
	unsigned char *gone;
	struct gate_watch watch; /* the shipper's */
	struct gate_slot own_slot;
	atomic_int own_stepping;
	sem_t own_release;
};

/* A message a matched probe took, and the probe's posting. */
struct tracer_message {
	MPI_Message msg;
	struct posting p;
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
	struct fastclock fast; /* the traced calls' clock */
	int64_t max_rtt;
	int64_t present; /* rank 0: no call kept can begin after this (tracer_keep) */
	struct ring ring;
	uint32_t seq;
	pthread_mutex_t record_lock; /* only taken for MPI_THREAD_MULTIPLE programs */
	int lock_records;

	/* A probe stays open until the next call, so that the program's
	 * MPI_Get_count/MPI_Get_elements on its status can complete it. */
	int probe_open;
	struct event_record probe;
	const MPI_Status *probe_status;

	struct reqtable reqs; /* non-blocking calls not yet completed */
	struct tracer_message *msgs; /* matched probes' messages not yet received */
	size_t nmsgs, msgs_cap;
	struct reqtable persistent; /* persistent requests: what each starts */
	int comm_keyval;      /* caches a communicator's id and world ranks */
	atomic_uint comm_generation; /* communicators freed: see comms.c */
	uint32_t next_comm_id;

	struct gate gate;
	struct shared *shared; /* one host: rings and gates rank 0 reads directly */

	pthread_t shipper;
	atomic_int stopping;
	int shipper_running;

	/* rank 0 */
	struct store *store;
	pthread_mutex_t store_lock;
	struct trace_recorder recorder; /* recorder.event NULL: none */
	struct standalone *solo;	/* standalone mode's log (MPILOOM_RECORD) */
	atomic_int flush_soon;		/* an abort is coming: write the log now */
	int inits;			/* EV_INIT events kept (store_lock) */
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
int comms_world_rank(MPI_Comm comm, int rank);
/* A communicator's ranks kept for a posting that outlives the program's
 * handle (MPI lets it free a communicator with receives pending): NULL for
 * WORLD, whose ranks need no table. Each hold is released once. */
struct comm_info *comms_hold(MPI_Comm comm);
struct comm_info *comms_hold_again(struct comm_info *info);
void comms_release(struct comm_info *info);
int comms_info_world_rank(const struct comm_info *info, int rank);
uint16_t comms_id(MPI_Comm comm);
/* A rooted collective's root (its world rank, as the peer), communicator
 * and whether this rank is the root (MPI_ROOT on an intercommunicator). */
void tracer_set_root(struct call *c, MPI_Comm comm, int root);
/* Before a collective of every member: its communicator, its count unset
 * until a single count says it; then tracer_gate. */
void tracer_begin_all(struct call *c, enum event_kind kind, MPI_Comm comm);
/* A non-blocking collective made: its posting recorded and its request
 * kept for the completion to name; returns rc. */
int tracer_posted(struct call *c, int rc, MPI_Request *req);
/* This rank's part where it sends one (not MPI_IN_PLACE): count elements
 * of dt at buf, as the event's buffer and preview. */
void tracer_own_part(struct call *c, const void *buf, int count, MPI_Datatype dt);
/* Iallgather, Ialltoall and their neighbourhood forms: one block of this
 * rank's, sendcount of sendtype, for every rank or neighbour. */
typedef int (*tracer_iblocks_fn)(const void *, int, MPI_Datatype, void *, int, MPI_Datatype,
				 MPI_Comm, MPI_Request *);
int tracer_iblocks(enum event_kind kind, tracer_iblocks_fn pmpi, const void *sendbuf,
		   int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
		   MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req);
/* Iallgatherv and Ineighbor_allgatherv: this rank's block as above, the
 * counts it receives per rank not read. */
typedef int (*tracer_iblocks_v_fn)(const void *, int, MPI_Datatype, void *, const int[],
				   const int[], MPI_Datatype, MPI_Comm, MPI_Request *);
int tracer_iblocks_v(enum event_kind kind, tracer_iblocks_v_fn pmpi, const void *sendbuf,
		     int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
		     const int displs[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req);
/* Ialltoallv and Ineighbor_alltoallv: counts per rank both ways, none read. */
typedef int (*tracer_iexchange_v_fn)(const void *, const int[], const int[], MPI_Datatype,
				     void *, const int[], const int[], MPI_Datatype, MPI_Comm,
				     MPI_Request *);
int tracer_iexchange_v(enum event_kind kind, tracer_iexchange_v_fn pmpi, const void *sendbuf,
		       const int sendcounts[], const int sdispls[], MPI_Datatype sendtype,
		       void *recvbuf, const int recvcounts[], const int rdispls[],
		       MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req);
void tracer_set_buffer(struct event *ev, int count, MPI_Datatype dt);
/* Both after tracer_set_buffer with the same datatype: they reuse the
 * datatype code it looked up (one lookup a call, on the hot path). */
void tracer_set_preview(struct event_record *rec, const void *buf, int64_t count);
void tracer_set_status(struct event *ev, const MPI_Status *st, MPI_Datatype dt, MPI_Comm comm);
/* The fields of a send (peer, tag, comm, buffer, preview). */
void tracer_fill_send(struct call *c, const void *buf, int count, MPI_Datatype dt, int dest,
		      int tag, MPI_Comm comm);
/* A receive's arguments, before the call; its status st and preview
 * after, when rc is MPI_SUCCESS. */
void tracer_recv_args(struct call *c, int count, MPI_Datatype dt, int source, int tag,
		      MPI_Comm comm);
void tracer_recv_status(struct call *c, int rc, void *buf, MPI_Datatype dt, MPI_Comm comm,
			const MPI_Status *st);
/* The arguments of a call (peer, tag, comm, count, datatype) from another
 * event of the same request. */
void tracer_copy_args(struct event *to, const struct event *from);
/* A second event for the same call (Sendrecv's receive half): its time. */
void tracer_copy_span(struct call *to, const struct call *from);
/* After tracer_commit of a non-blocking call's posting. */
void tracer_post(const struct call *c, MPI_Request req, void *buf, MPI_Datatype dt,
		 MPI_Comm comm);
/* The same for a posting made ready, its source_comm held for the table. */
void tracer_post_held(MPI_Request req, const struct posting *p);
/* What a posting of ev on comm holds: see struct posting. */
struct comm_info *tracer_source_comm(const struct event *ev, MPI_Comm comm);
/* The request is freed: no longer posted, nor persistent. */
void tracer_forget(MPI_Request req);
/* A persistent request (MPI_Send_init ...): what MPI_Start will post. */
void tracer_persist(MPI_Request req, const struct posting *p);
int tracer_persistent(MPI_Request req, struct posting *p);
/* Fills a completion event from the posting of req (the handle before the
 * call) and its status; MPI_REQUEST_NULL: a call that completed nothing. */
void tracer_complete(struct call *c, MPI_Request req, const MPI_Status *st);
/* The same from a posting in hand (st NULL: the call failed). */
void tracer_complete_posting(struct call *c, const struct posting *p, const MPI_Status *st);
/* A matched probe's message, kept until MPI_Mrecv or MPI_Imrecv takes it. */
void tracer_post_message(MPI_Message msg, const struct posting *p);
int tracer_take_message(MPI_Message msg, struct posting *out);
/* Before a Wait or Test: the arguments of the first of reqs that a traced
 * call posted, for the pending call to show what it waits for. */
void tracer_expect(struct call *c, int n, const MPI_Request reqs[]);
void tracer_open_probe(struct call *c, const MPI_Status *user_status);
void tracer_refine_probe(const MPI_Status *status, MPI_Datatype dt);

/* Communicators (comms.c): ids that every member agrees on, world ranks
 * translated once per communicator. */
int comms_start(struct tracer *tr);
void comms_stop(struct tracer *tr);
/* After a call that made newcomm (collective over its members). */
/* Returns the id, or EV_UNSET for MPI_COMM_NULL. */
int comms_created(MPI_Comm newcomm);
/* The record lock, for state shared by a multi-threaded program's calls. */
void tracer_lock(void);
void tracer_unlock(void);

static inline int tracer_tag(int tag)
{
	return tag == MPI_ANY_TAG ? EV_ANY : tag;
}

/* The thread level to ask MPI for, the program having asked for required:
 * MPI_THREAD_MULTIPLE when the trace layer's threads will call MPI (events
 * shipped over MPI between hosts, or mpiloom's own screen); on one host
 * they do not, and the program keeps its level, at least FUNNELED. */
int tracer_thread_level(int required);
/* Returns an MPI error, or MPI_SUCCESS with tracing on (ready) or, when
 * events cannot reach rank 0 at the thread level provided, off. */
int tracer_start(int provided);
void tracer_stop(void);
/* MPI_Abort is about to end every rank: this rank's events reach rank 0
 * and rank 0's log is written before it returns (bounded wait). */
void tracer_flush_for_abort(void);
/* Standalone mode: a crash flushes first (fatal.c); so does an exit(3)
 * before MPI_Finalize, after recording an EV_EXIT event. */
void fatal_catch(void);
void fatal_catch_exit(void);
/* Adds to the store and the recorder; store locked by the caller. */
void tracer_keep(struct tracer *tr, const struct event *ev, const uint8_t *preview);
void tracer_rank_done(struct tracer *tr, uint32_t rank, uint32_t total);
/* Reporting side of the gate: the pending event due for rank 0 from a
 * rank's slot, if any (returns 1); and on a rank, rank 0's stepping
 * commands when they come over MPI. */
int gate_report(struct gate_slot *slot, struct gate_watch *w, int stepping, struct event *out);
int gate_take_commands(struct tracer *tr);
int gate_init(struct tracer *tr);
void gate_leave(struct tracer *tr);
/* A rank's last batch came (rank 0) / was sent (the rank): the goodbye
 * that keeps a command from arriving after the rank stopped listening. */
int gate_rank_gone(struct tracer *tr, uint32_t rank);
int gate_last_commands(struct tracer *tr);
void gate_free(struct tracer *tr);
/* ship.c: starts the rank's shipping thread (on rank 0 the collector;
 * none on a rank of one host) / ships what is left and stops it. */
int ship_start(struct tracer *tr);
void ship_stop(struct tracer *tr);
/* collect.c: rank 0's collector thread, over MPI or the shared segment. */
void *collect_main(void *tracer);

#endif
