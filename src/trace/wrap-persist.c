/* Wrappers: persistent requests. MPI_Send_init and its kin and
 * MPI_Recv_init make no event; each MPI_Start or MPI_Startall of such a
 * request is the posting it starts (an isend, issend, ibsend, irsend or
 * irecv event), completed by a Wait or Test like any other. */
#include "config.h"

#include <string.h>

#include "trace/tracer.h"

static void remember(enum event_kind kind, MPI_Request req, const void *buf, int count,
		     MPI_Datatype dt, int peer, int tag, MPI_Comm comm)
{
	struct posting p;
	memset(&p, 0, sizeof p);
	p.ev.kind = (uint8_t)kind;
	p.ev.peer = comms_world_rank(comm, peer);
	p.ev.tag = tracer_tag(tag);
	p.ev.comm = comms_id(comm);
	tracer_set_buffer(&p.ev, count, dt);
	p.dt = dt;
	p.buf = (void *)buf;
	p.source_comm = tracer_source_comm(&p.ev, comm);
	tracer_persist(req, &p);
}

static int send_init(enum event_kind kind,
		     int (*pmpi)(const void *, int, MPI_Datatype, int, int, MPI_Comm,
				 MPI_Request *),
		     const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
		     MPI_Request *req)
{
	int rc = pmpi(buf, count, dt, dest, tag, comm, req);
	if (rc == MPI_SUCCESS && tracer_on())
		remember(kind, *req, buf, count, dt, dest, tag, comm);
	return rc;
}

int MPI_Send_init(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
		  MPI_Request *req)
{
	return send_init(EV_ISEND, PMPI_Send_init, buf, count, dt, dest, tag, comm, req);
}

int MPI_Ssend_init(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
		   MPI_Request *req)
{
	return send_init(EV_ISSEND, PMPI_Ssend_init, buf, count, dt, dest, tag, comm, req);
}

int MPI_Bsend_init(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
		   MPI_Request *req)
{
	return send_init(EV_IBSEND, PMPI_Bsend_init, buf, count, dt, dest, tag, comm, req);
}

int MPI_Rsend_init(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm,
		   MPI_Request *req)
{
	return send_init(EV_IRSEND, PMPI_Rsend_init, buf, count, dt, dest, tag, comm, req);
}

int MPI_Recv_init(void *buf, int count, MPI_Datatype dt, int source, int tag, MPI_Comm comm,
		  MPI_Request *req)
{
	int rc = PMPI_Recv_init(buf, count, dt, source, tag, comm, req);
	if (rc == MPI_SUCCESS && tracer_on())
		remember(EV_IRECV, *req, buf, count, dt, source, tag, comm);
	return rc;
}

/* The posting event of a start: the persistent request's arguments, and
 * for a send the buffer as it is now. */
static void start_event(struct call *c, const struct posting *p)
{
	struct event *ev = &c->rec.ev;
	ev->kind = p->ev.kind;
	tracer_copy_args(ev, &p->ev);
	ev->preview_len = 0;
	ev->flags &= (uint8_t)~EVF_TRUNCATED;
	if (p->ev.kind != EV_IRECV)
		tracer_set_preview(&c->rec, p->buf, p->ev.count);
}

static void commit_start(const struct call *base, MPI_Request req, const struct posting *p)
{
	struct call c = *base;
	start_event(&c, p);
	tracer_commit(&c);
	struct posting started = {c.rec.ev, p->dt, p->buf, comms_hold_again(p->source_comm)};
	tracer_post_held(req, &started);
}

int MPI_Start(MPI_Request *req)
{
	struct posting p;
	if (!tracer_on() || !tracer_persistent(*req, &p))
		return PMPI_Start(req);
	struct call c;
	tracer_before(&c, p.ev.kind);
	start_event(&c, &p);
	tracer_gate(&c);
	int rc = PMPI_Start(req);
	tracer_after(&c);
	if (rc == MPI_SUCCESS)
		commit_start(&c, *req, &p);
	return rc;
}

/* One posting event per persistent request started, all with the call's
 * time; requests mpiloom did not see made start untraced. */
int MPI_Startall(int n, MPI_Request reqs[])
{
	if (!tracer_on())
		return PMPI_Startall(n, reqs);
	struct call c;
	struct posting p;
	tracer_before(&c, EV_ISEND);
	if (n > 0 && tracer_persistent(reqs[0], &p))
		start_event(&c, &p);
	tracer_gate(&c);
	int rc = PMPI_Startall(n, reqs);
	tracer_after(&c);
	for (int i = 0; i < n && rc == MPI_SUCCESS; i++)
		if (tracer_persistent(reqs[i], &p))
			commit_start(&c, reqs[i], &p);
	return rc;
}
