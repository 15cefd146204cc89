/* The gate every stepped call passes right before its PMPI call. It makes
 * the call a rank is in visible on rank 0 (a deadlock then shows who waits
 * for whom) and, in lecture stepping, holds the rank there until rank 0
 * lets that one call go. Commands travel on the tracer's own communicator,
 * taken by each rank's shipper thread, so the program never sees them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include "core/xalloc.h"
#include "trace/shared.h"
#include "trace/tracer.h"

/* A running call is reported once it has lasted this long: soon after a
 * release in stepping (the screen says "blocked"), later otherwise so that
 * ordinary calls never cost a report. */
#define BLOCKED_STEP_NS 100000000
#define BLOCKED_NS 300000000

enum command { CMD_RELEASE = 1, CMD_STEP_ON, CMD_STEP_OFF, CMD_BYE };

/* A held call looks at the stepping flag this often: turning stepping off
 * lets it go without a release. */
#define STEP_POLL_NS 10000000

int gate_init(struct tracer *tr)
{
	struct gate *g = &tr->gate;
	struct shared *sh = tr->shared;
	g->listening = tr->opts.steppable && sh == NULL;
	g->watch = (struct gate_watch){0, GATE_IDLE};
	pthread_mutex_init(&g->cmd_lock, NULL);
	if (sh != NULL) { /* rank 0 set the stepping flag up */
		g->slot = &sh->ranks[tr->rank].slot;
		g->stepping = &sh->head->stepping;
		g->release = &sh->ranks[tr->rank].release;
	} else {
		g->slot = &g->own_slot;
		atomic_store(&g->slot->gen, 0); /* idle */
		g->stepping = &g->own_stepping;
		atomic_store(g->stepping, tr->opts.steppable && tr->opts.step);
		if (sem_init(&g->own_release, 0, 0) != 0)
			return -1;
		g->release = &g->own_release;
	}
	g->gone = tr->rank == 0 && g->listening ? xcalloc((size_t)tr->size, 1) : NULL;
	return 0;
}

void gate_free(struct tracer *tr)
{
	struct gate *g = &tr->gate;
	free(g->gone);
	g->gone = NULL;
	if (g->release == &g->own_release)
		sem_destroy(&g->own_release);
	g->release = NULL;
	/* the shared segment goes next: what the run ended with stays */
	atomic_store(&g->own_stepping, atomic_load(g->stepping));
	g->stepping = &g->own_stepping;
	atomic_store(&g->own_slot.gen, 0);
	g->slot = &g->own_slot;
}

/* gen holds the state too (bits 1-2, bit 0 while the rank writes), so
 * that leaving a call, once per call, is a single store. */
#define GEN_WRITING 1u
#define GEN_STATE(g) (((g) >> 1) & 3u)
#define GEN_NEXT(g, state) ((((g) | 7u) + 1u) | ((unsigned)(state) << 1))

static void publish(struct gate_slot *s, const struct event *call, int state, int64_t since)
{
	unsigned gen = atomic_load_explicit(&s->gen, memory_order_relaxed);
	atomic_store_explicit(&s->gen, gen | GEN_WRITING, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	if (call != NULL)
		s->call = *call;
	s->since = since;
	atomic_store_explicit(&s->gen, GEN_NEXT(gen, state), memory_order_release);
}

static void wait_release(struct gate *g)
{
	while (atomic_load(g->stepping)) {
		struct timespec ts;
		if (clock_deadline(&ts, STEP_POLL_NS) != 0)
			return;
		if (sem_timedwait(g->release, &ts) == 0)
			return;
	}
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
	if (!atomic_load_explicit(g->stepping, memory_order_relaxed)) {
		publish(g->slot, &c->rec.ev, GATE_RUNNING, now);
		return;
	}
	publish(g->slot, &c->rec.ev, GATE_HELD, now);
	sem_post(tr->ring.wake); /* it is reported now, not in a while */
	wait_release(g);
	c->t0 = fastclock_ns(&tr->fast); /* the call begins when it is let go */
	publish(g->slot, NULL, GATE_RUNNING, c->t0);
}

/* After the PMPI call: only a call that passed the gate has anything to
 * take back. */
void gate_leave(struct tracer *tr)
{
	struct gate_slot *s = tr->gate.slot;
	unsigned gen = atomic_load_explicit(&s->gen, memory_order_relaxed);
	if (GEN_STATE(gen) != GATE_IDLE)
		atomic_store_explicit(&s->gen, GEN_NEXT(gen, GATE_IDLE), memory_order_release);
}

/* A consistent copy of the slot, or 0 while the rank is writing it. */
static int read_slot(struct gate_slot *s, struct event *call, int *state, int64_t *since,
		     unsigned *gen)
{
	unsigned g1 = atomic_load_explicit(&s->gen, memory_order_acquire);
	if (g1 & GEN_WRITING)
		return 0;
	*state = (int)GEN_STATE(g1);
	if (*state == GATE_IDLE)
		return 1;
	*call = s->call;
	*since = s->since;
	atomic_thread_fence(memory_order_acquire);
	*gen = g1;
	return atomic_load_explicit(&s->gen, memory_order_relaxed) == g1;
}

int gate_report(struct gate_slot *slot, struct gate_watch *w, int stepping, struct event *out)
{
	int state;
	int64_t since;
	unsigned gen;
	if (!read_slot(slot, out, &state, &since, &gen) || state == GATE_IDLE)
		return 0;
	if (gen == w->gen && state == w->state)
		return 0;
	if (state == GATE_RUNNING) {
		int64_t wait = stepping || w->state == GATE_HELD ? BLOCKED_STEP_NS : BLOCKED_NS;
		if (clock_now_ns() - since < wait)
			return 0;
		out->flags |= EVF_BLOCKED;
	}
	out->flags |= EVF_PENDING;
	out->dur = 0;
	w->gen = gen;
	w->state = state;
	return 1;
}

static void apply(atomic_int *stepping, sem_t *release, int cmd)
{
	if (cmd == CMD_RELEASE)
		sem_post(release);
	else if (cmd == CMD_STEP_ON || cmd == CMD_STEP_OFF)
		atomic_store(stepping, cmd == CMD_STEP_ON);
}

static void obey(struct gate *g, int cmd)
{
	apply(g->stepping, g->release, cmd);
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
	if (tr->shared != NULL) { /* one host: straight into the rank's slot */
		apply(&tr->shared->head->stepping, &tr->shared->ranks[rank].release, cmd);
		return MPI_SUCCESS;
	}
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
	if (tr->rank != 0 || !tr->opts.steppable || rank >= (uint32_t)tr->size)
		return MPI_ERR_OTHER;
	return command(tr, rank, CMD_RELEASE);
}

int trace_set_stepping(int on)
{
	struct tracer *tr = &loom_tracer;
	if (tr->rank != 0 || !tr->opts.steppable)
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
	return loom_tracer.gate.stepping != NULL && atomic_load(loom_tracer.gate.stepping);
}
