#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/stepper.h"
#include "core/event.h"
#include "core/logical.h"
#include "core/xalloc.h"

/* A standard send this small completes without its receive: MPICH sends
 * it eagerly (its thresholds are far above this on every device). */
#define EAGER_BYTES 4096
/* Ranks that do not settle in this long (a call the gate does not see, a
 * rank busy computing) do not stop the lecture. */
#define SETTLE_NS 3000000000LL
/* How far back a receive looks for a send it can take. */
#define SCAN_BACK 4096

struct let_go {
	uint32_t rank;
	uint32_t seq;
};

struct step {
	char key;
	uint64_t done_before; /* steps completed when this one was taken */
	struct let_go *calls;
	uint32_t ncalls;
	struct event first; /* the first call let go, for the line */
};

enum rank_state { R_RUNNING, R_HELD, R_LET_GO, R_BLOCKED, R_FINISHED };

void stepper_init(struct stepper *sp, uint32_t nranks, const struct stepper_ops *ops, int on)
{
	memset(sp, 0, sizeof *sp);
	sp->nranks = nranks;
	sp->let_go = xreallocarray(NULL, nranks ? nranks : 1, sizeof *sp->let_go);
	for (uint32_t r = 0; r < nranks; r++)
		sp->let_go[r] = UINT32_MAX;
	sp->ops = *ops;
	sp->on = on;
	sp->said = (struct strbuf)STRBUF_INIT;
}

void stepper_free(struct stepper *sp)
{
	for (size_t i = 0; i < sp->nlog; i++)
		free(sp->log[i].calls);
	free(sp->log);
	free(sp->let_go);
	strbuf_free(&sp->said);
}

int stepper_key(struct stepper *sp, int ch)
{
	switch (ch) {
	case 'n':
		sp->presses++;
		return 1;
	case 'r':
		sp->rounds++;
		return 1;
	case ' ':
		sp->on = !sp->on;
		sp->presses = sp->rounds = 0;
		if (sp->ops.set_stepping != NULL)
			sp->ops.set_stepping(sp->ops.ctx, sp->on);
		strbuf_reset(&sp->said);
		strbuf_puts(&sp->said, sp->on ? "stepping: each call waits for n"
					      : "running freely: space to step again");
		sp->said_step = 0;
		return 1;
	default:
		return 0;
	}
}

static const struct event *last_event(const struct store *st, uint32_t r)
{
	size_t n = store_rank_count(st, r);
	return n ? store_event(st, (struct event_ref){r, (uint32_t)(n - 1)}) : NULL;
}

static int completed(const struct store *st, uint32_t r, uint32_t seq)
{
	const struct event *e = last_event(st, r);
	return e != NULL && e->seq >= seq;
}

static enum rank_state state_of(const struct stepper *sp, const struct store *st, uint32_t r)
{
	const struct event *p = store_pending(st, r);
	if (p != NULL) {
		if (p->flags & EVF_BLOCKED)
			return R_BLOCKED;
		return sp->let_go[r] == p->seq ? R_LET_GO : R_HELD;
	}
	/* the scenario's result comes after its last stepped call */
	const struct event *e = last_event(st, r);
	if (e != NULL && (e->kind == EV_RESULT || event_is_end(e)))
		return R_FINISHED;
	return R_RUNNING;
}

int stepper_settled(struct stepper *sp, const struct store *st, int64_t now_ns)
{
	for (uint32_t r = 0; r < sp->nranks; r++) {
		enum rank_state s = state_of(sp, st, r);
		if (s == R_RUNNING || s == R_LET_GO) {
			if (sp->unsettled_since == 0)
				sp->unsettled_since = now_ns;
			return now_ns - sp->unsettled_since >= SETTLE_NS;
		}
	}
	sp->unsettled_since = 0;
	return 1;
}

uint32_t stepper_held(const struct stepper *sp, const struct store *st)
{
	uint32_t n = 0;
	for (uint32_t r = 0; r < sp->nranks; r++)
		n += state_of(sp, st, r) == R_HELD;
	return n;
}

/* A blocking receive or probe: it completes once a message is there. */
static int is_receive(const struct event *p)
{
	return p->kind == EV_RECV || p->kind == EV_PROBE || p->kind == EV_MPROBE;
}

static int tags_match(int32_t want, int32_t tag)
{
	return want == EV_ANY || want == tag;
}

/* A send from s to r on comm, tag-compatible, that no receive took yet. */
static int unmatched_send(const struct store *st, uint32_t s, const struct event *recv)
{
	size_t n = store_rank_count(st, s);
	for (size_t k = n, seen = 0; k > 0 && seen < SCAN_BACK; k--, seen++) {
		struct event_ref ref = {s, (uint32_t)(k - 1)}, partner;
		const struct event *e = store_event(st, ref);
		if (event_is_send(e) && e->peer == (int32_t)recv->rank && e->comm == recv->comm &&
		    tags_match(recv->tag, e->tag) && !store_partner(st, ref, &partner))
			return 1;
	}
	return 0;
}

/* A call already let go on rank `other` that is the partner this one
 * needs (a send into a waiting receive, or the reverse). */
static int waiting_partner(const struct stepper *sp, const struct store *st, uint32_t other,
			   const struct event *p)
{
	enum rank_state s = state_of(sp, st, other);
	if (s != R_LET_GO && s != R_BLOCKED)
		return 0;
	const struct event *q = store_pending(st, other);
	if (q->comm != p->comm)
		return 0;
	if (event_is_send(p))
		return is_receive(q) &&
		       (q->peer == EV_ANY || q->peer == (int32_t)p->rank) && tags_match(q->tag, p->tag);
	return event_is_send(q) && q->peer == (int32_t)p->rank && tags_match(p->tag, q->tag);
}

static int can_receive(const struct stepper *sp, const struct store *st, const struct event *p)
{
	for (uint32_t s = 0; s < sp->nranks; s++) {
		if (p->peer != EV_ANY && p->peer != (int32_t)s)
			continue;
		if (unmatched_send(st, s, p) || waiting_partner(sp, st, s, p))
			return 1;
	}
	return 0;
}

/* Every rank is in the same collective, held or let go. */
static int all_in(const struct stepper *sp, const struct store *st, const struct event *p)
{
	for (uint32_t r = 0; r < sp->nranks; r++) {
		const struct event *q = store_pending(st, r);
		if (q == NULL || q->kind != p->kind || q->comm != p->comm)
			return 0;
	}
	return 1;
}

/* Whether the held call p completes once let go, given what is known. */
static int completes(const struct stepper *sp, const struct store *st, const struct event *p)
{
	if (event_is_send(p)) {
		int64_t bytes = (int64_t)p->count * p->type_size;
		if (p->kind != EV_SSEND && bytes <= EAGER_BYTES)
			return 1;
		return p->peer >= 0 && (uint32_t)p->peer < sp->nranks &&
		       waiting_partner(sp, st, (uint32_t)p->peer, p);
	}
	if (is_receive(p))
		return can_receive(sp, st, p);
	if (event_is_collective(p))
		return all_in(sp, st, p);
	return 1; /* local calls */
}

static void let_go(struct stepper *sp, const struct store *st, uint32_t r, struct step *s)
{
	const struct event *p = store_pending(st, r);
	if (s->ncalls == 0)
		s->first = *p;
	s->calls[s->ncalls++] = (struct let_go){r, p->seq};
	sp->let_go[r] = p->seq;
	sp->ops.release(sp->ops.ctx, r);
}

static uint64_t steps_done(const struct stepper *sp, const struct store *st)
{
	uint64_t n = 0;
	for (size_t i = 0; i < sp->nlog; i++) {
		int all = 1;
		for (uint32_t k = 0; k < sp->log[i].ncalls && all; k++)
			all = completed(st, sp->log[i].calls[k].rank, sp->log[i].calls[k].seq);
		n += all;
	}
	return n;
}

static struct step *new_step(struct stepper *sp, const struct store *st, char key)
{
	uint64_t done = steps_done(sp, st);
	if (sp->nlog == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 64;
		sp->log = xreallocarray(sp->log, sp->cap, sizeof *sp->log);
	}
	struct step *s = &sp->log[sp->nlog++];
	memset(s, 0, sizeof *s);
	s->key = key;
	s->done_before = done;
	s->calls = xreallocarray(NULL, sp->nranks, sizeof *s->calls);
	sp->steps++;
	return s;
}

/* The lowest held rank whose call will complete (only receives and
 * probes if asked), or -1. */
static int completing(struct stepper *sp, const struct store *st, int receives_only)
{
	for (uint32_t r = 0; r < sp->nranks; r++) {
		if (state_of(sp, st, r) != R_HELD)
			continue;
		const struct event *p = store_pending(st, r);
		if ((!receives_only || is_receive(p)) && completes(sp, st, p))
			return (int)r;
	}
	return -1;
}

/* n: a message sent is received before anything else goes, so that a send
 * and its arrival are two presses in a row; then the lowest rank whose
 * call will complete (a collective goes on every rank at once); when none
 * will, the lowest held rank, which will block. */
static int take_press(struct stepper *sp, const struct store *st)
{
	int r = completing(sp, st, 1);
	if (r < 0)
		r = completing(sp, st, 0);
	/* a collective that will complete is every rank's at once */
	int all = r >= 0 && event_is_collective(store_pending(st, (uint32_t)r));
	if (r < 0) {
		for (r = 0; r < (int)sp->nranks && state_of(sp, st, (uint32_t)r) != R_HELD; r++)
			;
		if (r == (int)sp->nranks)
			return 0;
	}
	struct step *s = new_step(sp, st, 'n');
	if (!all) {
		let_go(sp, st, (uint32_t)r, s);
		return 1;
	}
	for (uint32_t q = 0; q < sp->nranks; q++)
		if (state_of(sp, st, q) == R_HELD)
			let_go(sp, st, q, s);
	return 1;
}

/* r: every held rank's call, lowest rank first. */
static int take_round(struct stepper *sp, const struct store *st)
{
	if (stepper_held(sp, st) == 0)
		return 0;
	struct step *s = new_step(sp, st, 'r');
	for (uint32_t r = 0; r < sp->nranks; r++)
		if (state_of(sp, st, r) == R_HELD)
			let_go(sp, st, r, s);
	return 1;
}

static void say_step(struct stepper *sp)
{
	const struct step *s = &sp->log[sp->nlog - 1];
	strbuf_reset(&sp->said);
	strbuf_printf(&sp->said, "r%u %s", (unsigned)s->first.rank, event_kind_name(s->first.kind));
	if (s->ncalls > 1)
		strbuf_printf(&sp->said, " (+%u ranks)", (unsigned)s->ncalls - 1);
	sp->said_step = 1;
}

/* Where a call let go sits in logical time, once it is laid out. */
static int call_step(const struct store *st, const struct event *e, uint32_t *step)
{
	struct event_ref ref;
	if (!store_find_seq(st, e->rank, e->seq, &ref))
		return 0;
	const struct logical *lg = store_logical(st);
	if (ref.index >= logical_placed(lg, e->rank))
		return 0;
	*step = logical_step(lg, ref);
	return 1;
}

int stepper_tick(struct stepper *sp, const struct store *st, int64_t now_ns)
{
	if (!sp->on || (sp->presses == 0 && sp->rounds == 0))
		return 0;
	if (!stepper_settled(sp, st, now_ns))
		return 0;
	int took;
	if (sp->rounds > 0) {
		sp->rounds--;
		took = take_round(sp, st);
	} else {
		sp->presses--;
		took = take_press(sp, st);
	}
	if (took) {
		sp->unsettled_since = 0;
		say_step(sp);
	}
	return took;
}

int stepper_last_call(const struct stepper *sp, uint32_t *rank, uint32_t *seq)
{
	if (sp->nlog == 0 || sp->log[sp->nlog - 1].ncalls == 0)
		return 0;
	*rank = sp->log[sp->nlog - 1].calls[0].rank;
	*seq = sp->log[sp->nlog - 1].calls[0].seq;
	return 1;
}

void stepper_status(const struct stepper *sp, const struct store *st, int logical,
		    struct strbuf *out)
{
	const char *said = sp->said.s != NULL ? sp->said.s : "";
	uint32_t step;
	if (!sp->said_step)
		strbuf_puts(out, said);
	else if (!logical)
		strbuf_printf(out, "press %llu: %s", (unsigned long long)sp->steps, said);
	else if (call_step(st, &sp->log[sp->nlog - 1].first, &step))
		strbuf_printf(out, "step %u: %s", (unsigned)step, said);
	else
		strbuf_printf(out, "%s: in progress", said);
}

size_t stepper_lines(struct stepper *sp, const struct store *st, struct strbuf *out)
{
	for (size_t i = 0; i < sp->nlog; i++) {
		const struct step *s = &sp->log[i];
		const struct event *e = &s->first;
		strbuf_printf(out, "# press %zu %c: r%u #%u %s", i + 1, s->key, (unsigned)e->rank,
			      (unsigned)e->seq, event_kind_name(e->kind));
		if (e->peer >= 0)
			strbuf_printf(out, " peer=%d", (int)e->peer);
		if (e->tag >= 0)
			strbuf_printf(out, " tag=%d", (int)e->tag);
		if (s->ncalls > 1)
			strbuf_printf(out, " ranks=%u", (unsigned)s->ncalls);
		uint32_t step;
		if (call_step(st, e, &step))
			strbuf_printf(out, " step=%u", (unsigned)step);
		strbuf_printf(out, " | done before=%llu\n", (unsigned long long)s->done_before);
	}
	strbuf_printf(out, "# presses: %llu, done %llu\n", (unsigned long long)sp->nlog,
		      (unsigned long long)steps_done(sp, st));
	return sp->nlog;
}
