#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "trace/dtype.h"
#include "trace/shared.h"
#include "trace/standalone.h"
#include "trace/tracer.h"

#define RING_CAPACITY 16384

struct tracer loom_tracer = {
	.enabled = 1,
	.textbook_comm = MPI_COMM_NULL,
	.record_lock = PTHREAD_MUTEX_INITIALIZER,
	.store_lock = PTHREAD_MUTEX_INITIALIZER,
	.comm_keyval = MPI_KEYVAL_INVALID,
};

static int configured;

void trace_configure(const struct trace_options *opts)
{
	loom_tracer.opts = *opts;
	configured = 1;
}

static void configure_from_env(void)
{
	const char *s = getenv("MPILOOM_DELAY_MS");
	if (s != NULL)
		loom_tracer.opts.delay_ms = strtol(s, NULL, 10);
	s = getenv("MPILOOM_TRACE");
	if (s != NULL && strcmp(s, "0") == 0)
		atomic_store(&loom_tracer.enabled, 0);
}

void trace_set_enabled(int on)
{
	atomic_store(&loom_tracer.enabled, on != 0);
}

int trace_enabled(void)
{
	return atomic_load(&loom_tracer.enabled);
}

struct store *trace_store(void)
{
	return loom_tracer.store;
}

void trace_lock(void)
{
	pthread_mutex_lock(&loom_tracer.store_lock);
}

void trace_unlock(void)
{
	pthread_mutex_unlock(&loom_tracer.store_lock);
}

void trace_clock(struct trace_clock *out)
{
	out->all_same_host = loom_tracer.max_rtt == 0;
	out->max_rtt_ns = loom_tracer.max_rtt;
}

/* Programs that call MPI from several threads get the record lock around
 * everything the tracer keeps between calls (the sequence number, the
 * open probe); single-threaded ones pay nothing for it. */
static void lock_records(struct tracer *tr)
{
	if (tr->lock_records)
		pthread_mutex_lock(&tr->record_lock);
}

static void unlock_records(struct tracer *tr)
{
	if (tr->lock_records)
		pthread_mutex_unlock(&tr->record_lock);
}

void tracer_lock(void)
{
	lock_records(&loom_tracer);
}

void tracer_unlock(void)
{
	unlock_records(&loom_tracer);
}

static void push_locked(struct tracer *tr, struct event_record *rec)
{
	rec->ev.seq = tr->seq++;
	ring_push(&tr->ring, rec);
}

static void push(struct tracer *tr, struct event_record *rec)
{
	lock_records(tr);
	push_locked(tr, rec);
	unlock_records(tr);
}

static void close_probe(struct tracer *tr)
{
	lock_records(tr);
	if (tr->probe_open) {
		tr->probe_open = 0;
		push_locked(tr, &tr->probe);
	}
	unlock_records(tr);
}

void tracer_before(struct call *c, enum event_kind kind)
{
	struct tracer *tr = &loom_tracer;
	close_probe(tr);
	/* --delay slows the calls a person watches, not the run's own marks */
	if (tr->opts.delay_ms > 0 && !event_kind_is_mark(kind))
		clock_sleep_ns((int64_t)tr->opts.delay_ms * 1000000);
	memset(&c->rec.ev, 0, sizeof c->rec.ev);
	c->rec.ev.kind = (uint8_t)kind;
	c->rec.ev.peer = EV_UNSET;
	c->rec.ev.tag = EV_UNSET;
	c->rec.ev.st_source = EV_UNSET;
	c->rec.ev.st_tag = EV_UNSET;
	c->rec.ev.st_count = EV_UNSET;
	c->rec.ev.st_elements = EV_UNSET;
	c->t0 = fastclock_ns(&tr->fast);
}

void tracer_after(struct call *c)
{
	struct tracer *tr = &loom_tracer;
	int64_t t1 = fastclock_ns(&tr->fast);
	if (t1 < c->t0) /* a new anchor may step back by a few ns */
		t1 = c->t0;
	c->rec.ev.t_begin = clock_event_time(&tr->clock, c->t0);
	event_set_duration(&c->rec.ev, t1 - c->t0);
	c->rec.ev.rank = (uint32_t)tr->rank;
	gate_leave(tr);
}

void tracer_commit(struct call *c)
{
	struct tracer *tr = &loom_tracer;
	if (tr->opts.tag_is_level && c->rec.ev.tag >= 0 && c->rec.ev.tag < 256 &&
	    (event_is_send(&c->rec.ev) || event_is_recv(&c->rec.ev))) {
		c->rec.ev.level = (uint8_t)c->rec.ev.tag;
		c->rec.ev.flags |= EVF_LEVEL;
	}
	push(tr, &c->rec);
}

void trace_result(int ok, const void *preview, size_t n, enum event_dtype dtype)
{
	struct tracer *tr = &loom_tracer;
	if (!tr->ready)
		return;
	struct call c;
	tracer_before(&c, EV_RESULT);
	tracer_after(&c);
	if (!ok)
		c.rec.ev.flags |= EVF_CHECK_FAILED;
	if (preview != NULL && n > 0) {
		if (n > EVENT_PREVIEW_MAX) {
			n = EVENT_PREVIEW_MAX;
			c.rec.ev.flags |= EVF_TRUNCATED;
		}
		memcpy(c.rec.preview, preview, n);
		c.rec.ev.preview_len = (uint8_t)n;
		c.rec.ev.preview_dtype = (uint8_t)dtype;
	}
	push(tr, &c.rec);
}

void tracer_set_buffer(struct event *ev, int count, MPI_Datatype dt)
{
	enum event_dtype code = dtype_code(dt);
	ev->count = count;
	ev->dtype = (uint8_t)code;
	ev->type_size = dtype_size(dt, code);
}

/* The preview copies at most EVENT_PREVIEW_MAX bytes of a contiguous
 * predefined type: cheap enough for every call, and all a person reads. */
void tracer_set_preview(struct event_record *rec, const void *buf, int64_t count)
{
	struct event *ev = &rec->ev;
	enum event_dtype code = ev->dtype; /* tracer_set_buffer looked it up */
	size_t size = event_dtype_size(code);
	ev->preview_len = 0;
	/* MPI_PACKED previews as bytes: it has no values of its own */
	if (size == 0 || buf == NULL || count <= 0 || buf == MPI_IN_PLACE ||
	    buf == MPI_BOTTOM)
		return;
	size_t bytes = (size_t)count * size;
	size_t n = bytes > EVENT_PREVIEW_MAX ? EVENT_PREVIEW_MAX / size * size : bytes;
	memcpy(rec->preview, buf, n);
	ev->preview_len = (uint8_t)n;
	ev->preview_dtype = (uint8_t)code;
	if (n < bytes)
		ev->flags |= EVF_TRUNCATED;
}

/* A derived datatype is never handed to MPI_Get_count or
 * MPI_Get_elements here: MPICH divides by its size, and one of size zero
 * (or with holes) traps where the program itself, which may never ask,
 * would not. Its count comes from the bytes and the type's size; its
 * elements only from the program's own MPI_Get_elements. */
static void set_derived_counts(struct event *ev, const MPI_Status *st)
{
	int bytes;
	ev->st_count = EV_UNSET;
	ev->st_elements = EV_UNSET;
	if (PMPI_Get_count(st, MPI_BYTE, &bytes) != MPI_SUCCESS || bytes == MPI_UNDEFINED ||
	    bytes < 0)
		return;
	if (ev->type_size == 0)
		ev->st_count = bytes == 0 ? 0 : EV_UNSET;
	else if (bytes % ev->type_size == 0)
		ev->st_count = bytes / (int)ev->type_size;
}

/* ev->dtype, set from dt when the call began, says whether dt is derived:
 * by a request's completion the program may have freed it (MPI allows
 * that), and asking MPI about a freed handle crashes. Only a predefined
 * dt, which is never freed, reaches MPI here. */
static void set_status_counts(struct event *ev, const MPI_Status *st, MPI_Datatype dt)
{
	int n;
	ev->st_tag = st->MPI_TAG == MPI_ANY_TAG ? EV_ANY : st->MPI_TAG;
	if (ev->dtype == DT_DERIVED) {
		set_derived_counts(ev, st);
		return;
	}
	if (PMPI_Get_count(st, dt, &n) == MPI_SUCCESS)
		ev->st_count = n == MPI_UNDEFINED ? EV_UNSET : n;
	/* For a predefined datatype elements and count are the same number:
	 * ask MPI only when they can differ. */
	if (event_dtype_size(ev->dtype) != 0)
		ev->st_elements = ev->st_count;
	else if (PMPI_Get_elements(st, dt, &n) == MPI_SUCCESS)
		ev->st_elements = n == MPI_UNDEFINED ? EV_UNSET : n;
}

void tracer_set_status(struct event *ev, const MPI_Status *st, MPI_Datatype dt, MPI_Comm comm)
{
	ev->st_source = comms_world_rank(comm, st->MPI_SOURCE);
	set_status_counts(ev, st, dt);
}

void tracer_fill_send(struct call *c, const void *buf, int count, MPI_Datatype dt, int dest,
		      int tag, MPI_Comm comm)
{
	c->rec.ev.peer = comms_world_rank(comm, dest);
	c->rec.ev.tag = tag;
	c->rec.ev.comm = comms_id(comm);
	tracer_set_buffer(&c->rec.ev, count, dt);
	tracer_set_preview(&c->rec, buf, count);
}

void tracer_recv_args(struct call *c, int count, MPI_Datatype dt, int source, int tag,
		      MPI_Comm comm)
{
	c->rec.ev.peer = comms_world_rank(comm, source);
	c->rec.ev.tag = tracer_tag(tag);
	c->rec.ev.comm = comms_id(comm);
	tracer_set_buffer(&c->rec.ev, count, dt);
}

void tracer_recv_status(struct call *c, int rc, void *buf, MPI_Datatype dt, MPI_Comm comm,
			const MPI_Status *st)
{
	if (rc == MPI_SUCCESS) {
		tracer_set_status(&c->rec.ev, st, dt, comm);
		if (c->rec.ev.st_count > 0)
			tracer_set_preview(&c->rec, buf, c->rec.ev.st_count);
	}
}

void tracer_copy_span(struct call *to, const struct call *from)
{
	to->t0 = from->t0;
	to->rec.ev.t_begin = from->rec.ev.t_begin;
	to->rec.ev.dur = from->rec.ev.dur;
	to->rec.ev.rank = from->rec.ev.rank;
	to->rec.ev.flags = (uint8_t)((to->rec.ev.flags & ~EVF_DUR_US) |
				     (from->rec.ev.flags & EVF_DUR_US));
}

void tracer_post(const struct call *c, MPI_Request req, void *buf, MPI_Datatype dt,
		 MPI_Comm comm)
{
	struct posting p = {c->rec.ev, dt, buf, tracer_source_comm(&c->rec.ev, comm)};
	tracer_post_held(req, &p);
}

struct comm_info *tracer_source_comm(const struct event *ev, MPI_Comm comm)
{
	return ev->kind == EV_IRECV && ev->peer == EV_ANY ? comms_hold(comm) : NULL;
}

void tracer_post_held(MPI_Request req, const struct posting *p)
{
	struct tracer *tr = &loom_tracer;
	lock_records(tr);
	reqtable_put(&tr->reqs, req, p);
	unlock_records(tr);
}

void tracer_forget(MPI_Request req)
{
	struct tracer *tr = &loom_tracer;
	struct posting p;
	lock_records(tr);
	if (reqtable_take(&tr->reqs, req, &p))
		comms_release(p.source_comm);
	while (reqtable_take(&tr->persistent, req, &p))
		comms_release(p.source_comm);
	unlock_records(tr);
}

void tracer_persist(MPI_Request req, const struct posting *p)
{
	struct tracer *tr = &loom_tracer;
	struct posting old;
	lock_records(tr);
	while (reqtable_take(&tr->persistent, req, &old)) /* a freed handle, reused */
		comms_release(old.source_comm);
	reqtable_put(&tr->persistent, req, p);
	unlock_records(tr);
}

int tracer_persistent(MPI_Request req, struct posting *p)
{
	struct tracer *tr = &loom_tracer;
	lock_records(tr);
	int found = reqtable_peek(&tr->persistent, req, p);
	unlock_records(tr);
	return found;
}

/* The world rank an ANY_SOURCE receive got its message from, from the
 * ranks the posting held: the program may have freed the communicator. */
static int recv_source(const struct posting *p, const MPI_Status *st)
{
	if (event_is_matched_probe(&p->ev)) /* its status said */
		return p->ev.st_source;
	if (p->ev.peer != EV_ANY)
		return p->ev.peer;
	if (p->ev.comm == 0) /* WORLD */
		return st->MPI_SOURCE >= 0 ? st->MPI_SOURCE : EV_UNSET;
	return comms_info_world_rank(p->source_comm, st->MPI_SOURCE);
}

/* A receive's status. A derived datatype may have been freed since the
 * posting (MPI allows it): its count comes from the bytes received. */
static void complete_recv(struct call *c, const struct posting *p, const MPI_Status *st)
{
	struct event *ev = &c->rec.ev;
	int cancelled = 0;
	if (PMPI_Test_cancelled(st, &cancelled) == MPI_SUCCESS && cancelled)
		return;
	ev->st_source = recv_source(p, st);
	set_status_counts(ev, st, p->dt);
	if (ev->dtype != DT_DERIVED && ev->st_count > 0)
		tracer_set_preview(&c->rec, p->buf, ev->st_count);
}

void tracer_copy_args(struct event *to, const struct event *from)
{
	to->peer = from->peer;
	to->tag = from->tag;
	to->comm = from->comm;
	to->count = from->count;
	to->dtype = from->dtype;
	to->type_size = from->type_size;
}

/* What a completion takes from its posting: the request's arguments. */
static void posting_args(struct event *ev, const struct posting *p)
{
	ev->aux = p->ev.seq + 1;
	tracer_copy_args(ev, &p->ev);
	if (event_opens_recv(&p->ev))
		ev->flags |= EVF_REQ_RECV;
}

void tracer_complete(struct call *c, MPI_Request req, const MPI_Status *st)
{
	struct tracer *tr = &loom_tracer;
	struct posting p;
	lock_records(tr);
	int found = reqtable_take(&tr->reqs, req, &p);
	unlock_records(tr);
	/* forget what tracer_expect guessed before the call */
	struct event *ev = &c->rec.ev;
	ev->aux = 0;
	ev->peer = ev->tag = ev->count = EV_UNSET;
	ev->comm = 0;
	ev->dtype = DT_NONE;
	ev->type_size = 0;
	ev->flags &= (uint8_t)~EVF_REQ_RECV;
	if (found)
		tracer_complete_posting(c, &p, st);
}

void tracer_complete_posting(struct call *c, const struct posting *p, const MPI_Status *st)
{
	posting_args(&c->rec.ev, p);
	if (event_opens_recv(&p->ev) && st != NULL)
		complete_recv(c, p, st);
	comms_release(p->source_comm);
}

/* A program holds few probed messages at once (one per Mprobe not yet
 * received): a short list searched from its end. */
void tracer_post_message(MPI_Message msg, const struct posting *p)
{
	struct tracer *tr = &loom_tracer;
	lock_records(tr);
	if (tr->nmsgs == tr->msgs_cap) {
		tr->msgs_cap = tr->msgs_cap ? 2 * tr->msgs_cap : 8;
		tr->msgs = xreallocarray(tr->msgs, tr->msgs_cap, sizeof *tr->msgs);
	}
	tr->msgs[tr->nmsgs++] = (struct tracer_message){msg, *p};
	unlock_records(tr);
}

int tracer_take_message(MPI_Message msg, struct posting *out)
{
	struct tracer *tr = &loom_tracer;
	int found = 0;
	lock_records(tr);
	for (size_t i = tr->nmsgs; i-- > 0 && !found;) {
		if (tr->msgs[i].msg != msg)
			continue;
		*out = tr->msgs[i].p;
		/* the order kept: a stale entry (its receive not traced) stays
		 * older than a reused handle's */
		memmove(&tr->msgs[i], &tr->msgs[i + 1], (tr->nmsgs - i - 1) * sizeof *tr->msgs);
		tr->nmsgs--;
		found = 1;
	}
	unlock_records(tr);
	return found;
}

void tracer_expect(struct call *c, int n, const MPI_Request reqs[])
{
	struct tracer *tr = &loom_tracer;
	struct posting p;
	int found = 0;
	c->rec.ev.count = EV_UNSET;
	lock_records(tr);
	for (int i = 0; i < n && !found; i++)
		found = reqtable_peek(&tr->reqs, reqs[i], &p);
	unlock_records(tr);
	if (found)
		posting_args(&c->rec.ev, &p);
}

void tracer_open_probe(struct call *c, const MPI_Status *user_status)
{
	struct tracer *tr = &loom_tracer;
	lock_records(tr);
	if (tr->probe_open) /* another thread's, not yet closed */
		push_locked(tr, &tr->probe);
	tr->probe = c->rec;
	tr->probe_status = user_status;
	tr->probe_open = 1;
	unlock_records(tr);
}

/* The program asked what the probed message holds in datatype dt: from now
 * on the probe's event speaks of that datatype, as the program does. */
void tracer_refine_probe(const MPI_Status *status, MPI_Datatype dt)
{
	struct tracer *tr = &loom_tracer;
	lock_records(tr);
	struct event *ev = &tr->probe.ev;
	if (tr->probe_open && status == tr->probe_status && dt != MPI_BYTE && ev->dtype == DT_BYTE) {
		int source = ev->st_source;
		tracer_set_buffer(ev, ev->count, dt);
		tracer_set_status(ev, status, dt, MPI_COMM_WORLD);
		ev->st_source = source; /* already a world rank */
	}
	unlock_records(tr);
}

/* Rank 0's store maps memory for this many events before the program
 * runs, as a tracer's buffers are: the kernel's work for fresh pages was
 * half of what the collector spent on an event, on the program's time. */
#define RESERVE_EVENTS (1u << 20)
#define RESERVE_EVENTS_MAX (1u << 24) /* 1.3 GiB */

static size_t reserve_events(void)
{
	const char *s = getenv("MPILOOM_RESERVE_EVENTS");
	if (s == NULL || *s == '\0')
		return RESERVE_EVENTS;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || *s == '-' || n > RESERVE_EVENTS_MAX) {
		fprintf(stderr, "mpiloom: MPILOOM_RESERVE_EVENTS is not a count from 0 to %u: "
				"reserving %u events\n", RESERVE_EVENTS_MAX, RESERVE_EVENTS);
		return RESERVE_EVENTS;
	}
	return (size_t)n;
}

/* mpiexec (Hydra) says how many ranks share each host: all of them on
 * this one means shared memory will carry the events. */
static int one_host_expected(void)
{
	const char *local = getenv("MPI_LOCALNRANKS"), *all = getenv("PMI_SIZE");
	return shared_wanted() && local != NULL && all != NULL && *local != '\0' && strcmp(local, all) == 0;
}

int tracer_thread_level(int required)
{
	if (configured || !one_host_expected())
		return MPI_THREAD_MULTIPLE;
	return required > MPI_THREAD_FUNNELED ? required : MPI_THREAD_FUNNELED;
}

int tracer_start(int provided)
{
	struct tracer *tr = &loom_tracer;
	int rc;
	if (!configured)
		configure_from_env();
	fastclock_start(&tr->fast);
	if ((rc = PMPI_Comm_dup(MPI_COMM_WORLD, &tr->comm)) != MPI_SUCCESS ||
	    (rc = PMPI_Comm_rank(tr->comm, &tr->rank)) != MPI_SUCCESS ||
	    (rc = PMPI_Comm_size(tr->comm, &tr->size)) != MPI_SUCCESS)
		return rc;
	rc = clock_sync_run(&tr->clock, tr->comm, tr->opts.force_clock_estimate);
	if (rc == MPI_SUCCESS)
		rc = PMPI_Allreduce(&tr->clock.rtt, &tr->max_rtt, 1, MPI_INT64_T, MPI_MAX,
				    tr->comm);
	if (rc != MPI_SUCCESS)
		return rc;
	if (tr->opts.textbook &&
	    (rc = PMPI_Comm_dup(MPI_COMM_WORLD, &tr->textbook_comm)) != MPI_SUCCESS)
		return rc;
	if ((rc = shared_open(tr)) != MPI_SUCCESS)
		return rc;
	if (tr->shared == NULL && provided < MPI_THREAD_MULTIPLE) {
		/* every rank sees the same: the decision is collective */
		if (tr->rank == 0)
			fprintf(stderr, "mpiloom: the ranks share no memory and MPI was started for "
					"one host: not tracing (MPILOOM_TRANSPORT=mpi traces)\n");
		return MPI_SUCCESS;
	}
	if (tr->shared != NULL)
		shared_ring(tr->shared, (uint32_t)tr->rank, &tr->ring);
	else if (ring_init(&tr->ring, RING_CAPACITY) != 0)
		return MPI_ERR_NO_MEM;
	if (tr->rank == 0) {
		tr->store = store_new((uint32_t)tr->size);
		store_clock_estimated(tr->store, tr->max_rtt);
		store_map_ahead(tr->store);
	}
	/* mpiloom itself configures the layer and records on its own */
	if (tr->rank == 0 && !configured &&
	    (tr->solo = standalone_start((uint32_t)tr->size, tr->max_rtt)) != NULL) {
		struct trace_recorder rec = standalone_recorder(tr->solo);
		trace_set_recorder(&rec);
	}
	if (tr->rank == 0 && tr->solo == NULL) /* standalone: only the log is kept */
		store_reserve(tr->store, reserve_events() / (size_t)tr->size);
	tr->seq = 0;
	if ((rc = comms_start(tr)) != MPI_SUCCESS)
		return rc;
	if (gate_init(tr) != 0 || ship_start(tr) != 0) {
		fprintf(stderr, "mpiloom: rank %d: cannot start the event shipper\n", tr->rank);
		return MPI_ERR_OTHER;
	}
	tr->ready = 1;
	const char *solo = getenv("MPILOOM_RECORD");
	if (!configured && solo != NULL && *solo != '\0') {
		fatal_catch();
		fatal_catch_exit();
	}
	return MPI_SUCCESS;
}

void tracer_stop(void)
{
	struct tracer *tr = &loom_tracer;
	if (!tr->ready)
		return;
	close_probe(tr);
	tr->ready = 0;
	if (tr->shared != NULL)
		shared_mark_final(tr->shared, (uint32_t)tr->rank, tr->seq);
	ship_stop(tr);
	gate_free(tr);
	ring_free(&tr->ring);
	shared_close(tr);
	reqtable_free(&tr->reqs);
	reqtable_free(&tr->persistent);
	free(tr->msgs);
	tr->msgs = NULL;
	tr->nmsgs = tr->msgs_cap = 0;
	comms_stop(tr);
	if (tr->textbook_comm != MPI_COMM_NULL)
		PMPI_Comm_free(&tr->textbook_comm);
	PMPI_Comm_free(&tr->comm);
	if (tr->solo != NULL) {
		struct trace_recorder none = {NULL, NULL, NULL, NULL};
		trace_set_recorder(&none);
		standalone_finish(tr->solo);
		tr->solo = NULL;
		trace_shutdown(); /* nobody else reads the store */
	}
}

static int64_t elapsed_ms(int64_t since)
{
	return (clock_now_ns() - since) / 1000000;
}

/* Also called from a fatal signal's handler: atomics, the clock and
 * nanosleep only, except for the open probe of a single-threaded
 * program, whose record lock is never taken. */
void tracer_flush_for_abort(void)
{
	struct tracer *tr = &loom_tracer;
	int64_t t0 = clock_now_ns();
	if (!tr->lock_records)
		close_probe(tr);
	if (tr->shared != NULL && tr->rank != 0) {
		/* our events are in rank 0's reach already: only its log to ask for */
		struct shared_head *h = tr->shared->head;
		unsigned ask = atomic_fetch_add(&h->flush_asked, 1) + 1;
		sem_post(&h->wake);
		while ((int)(atomic_load(&h->flush_done) - ask) < 0 && elapsed_ms(t0) < 1500)
			clock_sleep_ns(1000000);
		return;
	}
	/* the shipper (the collector on rank 0) sends or keeps everything,
	 * has rank 0's log written, and clears the flag */
	atomic_store(&tr->flush_soon, 1);
	while (atomic_load(&tr->flush_soon) && elapsed_ms(t0) < 1500)
		clock_sleep_ns(1000000);
}

void trace_abort(int code)
{
	PMPI_Abort(MPI_COMM_WORLD, code);
}

void trace_shutdown(void)
{
	store_free(loom_tracer.store);
	loom_tracer.store = NULL;
}

/* How far past rank 0's present a call may seem to begin before its
 * clock is taken to be wrong: a scheduling delay, plus what estimated
 * clocks of other hosts may be off by. */
#define AHEAD_NS 50000000

/* A call cannot begin after rank 0 has it. One that seems to was timed
 * by a fast clock gone wrong (fastclock.h): it is put at the present, and
 * the counter is given up (for every rank of this host, whose clock rank
 * 0 anchors), so that the picture never puts a call past the run's end.
 * One comparison a call; the clock is read only past the last present. */
static void keep_in_present(struct tracer *tr, struct event *ev)
{
	if (ev->t_begin <= tr->present)
		return;
	int64_t now = clock_event_time(&tr->clock, clock_now_ns());
	tr->present = now + AHEAD_NS + tr->max_rtt;
	if (ev->t_begin <= tr->present)
		return;
	fastclock_distrust(&tr->fast);
	ev->t_begin = now;
}

void tracer_keep(struct tracer *tr, const struct event *in, const uint8_t *preview)
{
	struct event copy = *in;
	const struct event *ev = &copy;
	keep_in_present(tr, &copy);
	/* Standalone: the log is all rank 0 keeps (mpiloom run matches the
	 * messages as it reads it), so a program's rank 0 spends no time on
	 * a store nobody looks at. */
	if (tr->solo != NULL)
		tr->recorder.event(tr->recorder.ctx, ev, preview);
	else if (store_add(tr->store, ev, preview) == 0 && tr->recorder.event != NULL)
		tr->recorder.event(tr->recorder.ctx, ev, preview);
	/* MPI_Init's events on disk at once: a run killed in its first
	 * 100 ms still tells which process was which rank */
	if (ev->kind == EV_ABORT || (ev->kind == EV_INIT && ++tr->inits == tr->size))
		atomic_store(&tr->flush_soon, 1);
}

void tracer_rank_done(struct tracer *tr, uint32_t rank, uint32_t total)
{
	store_rank_done(tr->store, rank, total);
	if (tr->recorder.rank_done != NULL)
		tr->recorder.rank_done(tr->recorder.ctx, rank, total);
}

void trace_set_recorder(const struct trace_recorder *rec)
{
	struct tracer *tr = &loom_tracer;
	if (tr->store == NULL)
		return;
	pthread_mutex_lock(&tr->store_lock);
	tr->recorder = *rec;
	for (uint32_t r = 0; r < store_nranks(tr->store) && rec->event != NULL; r++) {
		size_t n = store_rank_count(tr->store, r);
		for (size_t i = 0; i < n; i++) {
			struct event_ref ref = {r, (uint32_t)i};
			struct event ev;
			store_wire_event(tr->store, ref, &ev);
			rec->event(rec->ctx, &ev, store_preview(tr->store, ref));
		}
	}
	pthread_mutex_unlock(&tr->store_lock);
}
