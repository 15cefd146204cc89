/* Wrappers: point-to-point calls. */
#include "config.h"

#include "trace/tracer.h"

static int traced_send(enum event_kind kind,
		       int (*pmpi)(const void *, int, MPI_Datatype, int, int, MPI_Comm),
		       const void *buf, int count, MPI_Datatype dt, int dest, int tag,
		       MPI_Comm comm)
{
	if (!tracer_on())
		return pmpi(buf, count, dt, dest, tag, comm);
	struct call c;
	tracer_before(&c, kind);
	tracer_fill_send(&c, buf, count, dt, dest, tag, comm);
	tracer_gate(&c);
	int rc = pmpi(buf, count, dt, dest, tag, comm);
	tracer_after(&c);
	tracer_commit(&c);
	return rc;
}

int MPI_Send(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm)
{
	return traced_send(EV_SEND, PMPI_Send, buf, count, dt, dest, tag, comm);
}

int MPI_Ssend(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm)
{
	return traced_send(EV_SSEND, PMPI_Ssend, buf, count, dt, dest, tag, comm);
}

int MPI_Bsend(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm)
{
	return traced_send(EV_BSEND, PMPI_Bsend, buf, count, dt, dest, tag, comm);
}

int MPI_Rsend(const void *buf, int count, MPI_Datatype dt, int dest, int tag, MPI_Comm comm)
{
	return traced_send(EV_RSEND, PMPI_Rsend, buf, count, dt, dest, tag, comm);
}

int MPI_Recv(void *buf, int count, MPI_Datatype dt, int source, int tag, MPI_Comm comm,
	     MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Recv(buf, count, dt, source, tag, comm, status);
	struct call c;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	tracer_before(&c, EV_RECV);
	tracer_recv_args(&c, count, dt, source, tag, comm);
	tracer_gate(&c);
	int rc = PMPI_Recv(buf, count, dt, source, tag, comm, st);
	tracer_after(&c);
	tracer_recv_status(&c, rc, buf, dt, comm, st);
	tracer_commit(&c);
	return rc;
}

/* Two events, the send then the receive, over the same span of time. The
 * send's preview is taken before the call: Sendrecv_replace overwrites it. */
static int traced_sendrecv(const void *sbuf, int scount, MPI_Datatype stype, int dest, int stag,
			   void *rbuf, int rcount, MPI_Datatype rtype, int source, int rtag,
			   MPI_Comm comm, MPI_Status *status, int replace)
{
	struct call s, r;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	int rc;
	tracer_before(&s, EV_SENDRECV_SEND);
	r = s;
	r.rec.ev.kind = EV_SENDRECV_RECV;
	tracer_fill_send(&s, sbuf, scount, stype, dest, stag, comm);
	tracer_recv_args(&r, rcount, rtype, source, rtag, comm);
	tracer_gate(&s); /* the send half stands for the call while it is pending */
	if (replace)
		rc = PMPI_Sendrecv_replace(rbuf, rcount, rtype, dest, stag, source, rtag, comm, st);
	else
		rc = PMPI_Sendrecv(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source,
				   rtag, comm, st);
	tracer_after(&s);
	tracer_commit(&s);
	tracer_copy_span(&r, &s);
	tracer_recv_status(&r, rc, rbuf, rtype, comm, st);
	tracer_commit(&r);
	return rc;
}

int MPI_Sendrecv(const void *sbuf, int scount, MPI_Datatype stype, int dest, int stag, void *rbuf,
		 int rcount, MPI_Datatype rtype, int source, int rtag, MPI_Comm comm,
		 MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Sendrecv(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source,
				     rtag, comm, status);
	return traced_sendrecv(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source, rtag,
			       comm, status, 0);
}

int MPI_Sendrecv_replace(void *buf, int count, MPI_Datatype dt, int dest, int stag, int source,
			 int rtag, MPI_Comm comm, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Sendrecv_replace(buf, count, dt, dest, stag, source, rtag, comm,
					     status);
	return traced_sendrecv(buf, count, dt, dest, stag, buf, count, dt, source, rtag, comm,
			       status, 1);
}

/* The status is read in bytes until the program asks for a count in its
 * own datatype (MPI_Get_count/MPI_Get_elements), which refines the event. */
static void finish_probe(struct call *c, int rc, int found, int source, int tag, MPI_Comm comm,
			 const MPI_Status *st, MPI_Status *user_status)
{
	c->rec.ev.peer = comms_world_rank(comm, source);
	c->rec.ev.tag = tracer_tag(tag);
	c->rec.ev.comm = comms_id(comm);
	tracer_set_buffer(&c->rec.ev, 0, MPI_BYTE);
	c->rec.ev.count = EV_UNSET;
	if (rc != MPI_SUCCESS || !found) {
		tracer_commit(c);
		return;
	}
	tracer_set_status(&c->rec.ev, st, MPI_BYTE, comm);
	tracer_open_probe(c, user_status == MPI_STATUS_IGNORE ? NULL : user_status);
}

/* While a probe is pending it shows what it waits for. */
static void begin_probe(struct call *c, enum event_kind kind, int source, int tag,
			MPI_Comm comm)
{
	tracer_before(c, kind);
	c->rec.ev.peer = comms_world_rank(comm, source);
	c->rec.ev.tag = tracer_tag(tag);
	tracer_gate(c);
}

int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Probe(source, tag, comm, status);
	struct call c;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	begin_probe(&c, EV_PROBE, source, tag, comm);
	int rc = PMPI_Probe(source, tag, comm, st);
	tracer_after(&c);
	finish_probe(&c, rc, 1, source, tag, comm, st, status);
	return rc;
}

int MPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Iprobe(source, tag, comm, flag, status);
	struct call c;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	begin_probe(&c, EV_IPROBE, source, tag, comm);
	int rc = PMPI_Iprobe(source, tag, comm, flag, st);
	tracer_after(&c);
	finish_probe(&c, rc, *flag, source, tag, comm, st, status);
	return rc;
}
