/* The gate every stepped call passes right before its PMPI call. It makes
 * the call a rank is in visible on rank 0 (a deadlock then shows who waits
 * for whom) and, in lecture stepping, holds the rank there until rank 0
 * lets that one call go. Commands travel on the tracer's own communicator,
 * taken by each rank's shipper thread, so the program never sees them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tracer.h"
#include "xalloc.h"

#define TAG_STEP 78
/* A running call is reported once it has lasted this long: soon after a
 * release in stepping (the screen says "blocked"), later otherwise so that
 * ordinary calls never cost a report. */
#define BLOCKED_STEP_NS 100000000
#define BLOCKED_NS 300000000

enum command { CMD_RELEASE = 1, CMD_STEP_ON, CMD_STEP_OFF, CMD_BYE };

void gate_init(struct tracer *tr)
{
	struct gate *g = &tr->gate;
	atomic_store(&g->gen, 0);
	g->state = GATE_IDLE;
	g->releases = 0;
	g->reported_gen = 0;
	g->reported_state = GATE_IDLE;
	g->listening = tr->opts.steppable;
	atomic_store(&g->stepping, tr->opts.steppable && tr->opts.step);
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	pthread_mutex_init(&g->cmd_lock, NULL);
	g->gone = tr->rank == 0 && g->listening ? xcalloc((size_t)tr->size, 1) : NULL;
}

void gate_free(struct tracer *tr)
{
	free(tr->gate.gone);
	tr->gate.gone = NULL;
}

static void publish(struct gate *g, const struct event *call, int state, int64_t since)
{
	unsigned gen = atomic_load_explicit(&g->gen, memory_order_relaxed);
	atomic_store_explicit(&g->gen, gen + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	if (call != NULL)
		g->call = *call;
	g->state = state;
	g->since = since;
	atomic_store_explicit(&g->gen, gen + 2, memory_order_release);
}

static void wait_release(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	while (atomic_load(&g->stepping) && g->releases == 0)
		pthread_cond_wait(&g->cond, &g->lock);
	if (g->releases > 0)
		g->releases--;
	pthread_mutex_unlock(&g->lock);
}

void tracer_gate(struct call *c)
{
	struct tracer *tr = &loom_tracer;
	struct gate *g = &tr->gate;
	/* Several threads in MPI at once have no single call to show. */
	if (tr->lock_records)
		return;
	int64_t now = c->t0; /* tracer_before's: a clock read saved a call */
	c->rec.ev.rank = (uint32_t)tr->rank;
	c->rec.ev.seq = tr->seq;
	c->rec.ev.t_begin = clock_event_time(&tr->clock, now);
	if (!atomic_load_explicit(&g->stepping, memory_order_relaxed)) {
		publish(g, &c->rec.ev, GATE_RUNNING, now);
		return;
	}
	publish(g, &c->rec.ev, GATE_HELD, now);
	sem_post(&tr->ring.wake); /* the shipper reports it now, not in a while */
	wait_release(g);
	c->t0 = fastclock_ns(&tr->fast); /* the call begins when it is let go */
	publish(g, NULL, GATE_RUNNING, c->t0);
}

/* After the PMPI call: only a call that passed the gate has anything to
 * take back. */
void gate_leave(struct tracer *tr)
{
	if (tr->gate.state != GATE_IDLE)
		publish(&tr->gate, NULL, GATE_IDLE, 0);
}

/* A consistent copy of the slot, or 0 while the rank is writing it. */
static int read_slot(struct gate *g, struct event *call, int *state, int64_t *since,
		     unsigned *gen)
{
	unsigned g1 = atomic_load_explicit(&g->gen, memory_order_acquire);
	if (g1 & 1)
		return 0;
	*call = g->call;
	*state = g->state;
	*since = g->since;
	atomic_thread_fence(memory_order_acquire);
	*gen = g1;
	return atomic_load_explicit(&g->gen, memory_order_relaxed) == g1;
}

int gate_report(struct tracer *tr, struct event *out)
{
	struct gate *g = &tr->gate;
	int state;
	int64_t since;
	unsigned gen;
	if (!read_slot(g, out, &state, &since, &gen) || state == GATE_IDLE)
		return 0;
	if (gen == g->reported_gen && state == g->reported_state)
		return 0;
	if (state == GATE_RUNNING) {
		int64_t wait = atomic_load(&g->stepping) || g->reported_state == GATE_HELD
				       ? BLOCKED_STEP_NS
				       : BLOCKED_NS;
		if (clock_now_ns() - since < wait)
			return 0;
		out->flags |= EVF_BLOCKED;
	}
	out->flags |= EVF_PENDING;
	out->dur = 0;
	g->reported_gen = gen;
	g->reported_state = state;
	return 1;
}

static void obey(struct gate *g, int cmd)
{
	pthread_mutex_lock(&g->lock);
	if (cmd == CMD_RELEASE)
		g->releases++;
	else if (cmd == CMD_STEP_ON || cmd == CMD_STEP_OFF)
		atomic_store(&g->stepping, cmd == CMD_STEP_ON);
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* Ranks other than 0: whatever rank 0 said since the last look. */
int gate_take_commands(struct tracer *tr)
{
	if (!tr->gate.listening)
		return MPI_SUCCESS;
	for (;;) {
		int flag, cmd;
		int rc = PMPI_Iprobe(0, TAG_STEP, tr->comm, &flag, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS || !flag)
			return rc;
		rc = PMPI_Recv(&cmd, 1, MPI_INT, 0, TAG_STEP, tr->comm, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
		obey(&tr->gate, cmd);
	}
}

/* Under cmd_lock, so that a command and the goodbye, sent by different
 * threads, are ordered: none can reach a rank that stopped listening (it
 * would stay unmatched when MPI ends). */
static int command(struct tracer *tr, uint32_t rank, int cmd)
{
	struct gate *g = &tr->gate;
	if (rank == 0) {
		obey(g, cmd);
		return MPI_SUCCESS;
	}
	int rc = MPI_SUCCESS;
	pthread_mutex_lock(&g->cmd_lock);
	if (!g->gone[rank])
		rc = PMPI_Send(&cmd, 1, MPI_INT, (int)rank, TAG_STEP, tr->comm);
	if (cmd == CMD_BYE)
		g->gone[rank] = 1;
	pthread_mutex_unlock(&g->cmd_lock);
	return rc;
}

int gate_rank_gone(struct tracer *tr, uint32_t rank)
{
	if (!tr->gate.listening || rank == 0 || rank >= (uint32_t)tr->size)
		return MPI_SUCCESS;
	return command(tr, rank, CMD_BYE);
}

/* After the rank's final batch: what rank 0 still sent, up to its goodbye. */
int gate_last_commands(struct tracer *tr)
{
	if (!tr->gate.listening)
		return MPI_SUCCESS;
	for (;;) {
		int cmd;
		int rc = PMPI_Recv(&cmd, 1, MPI_INT, 0, TAG_STEP, tr->comm, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS || cmd == CMD_BYE)
			return rc;
		obey(&tr->gate, cmd);
	}
}

int trace_release(uint32_t rank)
{
	struct tracer *tr = &loom_tracer;
	if (tr->rank != 0 || !tr->gate.listening || rank >= (uint32_t)tr->size)
		return MPI_ERR_OTHER;
	return command(tr, rank, CMD_RELEASE);
}

int trace_set_stepping(int on)
{
	struct tracer *tr = &loom_tracer;
	if (tr->rank != 0 || !tr->gate.listening)
		return MPI_ERR_OTHER;
	for (int r = 0; r < tr->size; r++) {
		int rc = command(tr, (uint32_t)r, on ? CMD_STEP_ON : CMD_STEP_OFF);
		if (rc != MPI_SUCCESS)
			return rc;
	}
	return MPI_SUCCESS;
}

int trace_stepping(void)
{
	return atomic_load(&loom_tracer.gate.stepping);
}
