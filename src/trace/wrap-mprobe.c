/* Wrappers: matched probes. MPI_Mprobe, and MPI_Improbe that finds a
 * message, take the message off MPI's queue there and hand it over as an
 * MPI_Message; MPI_Mrecv, or MPI_Imrecv and the Wait of its request,
 * receive it later. For matching, the receive was posted at the probe:
 * the probe is a posting, as an Irecv is, and the Mrecv (or that Wait)
 * its completion, so that a receive between the two takes the next
 * message, as in MPI. */
#include "config.h"

#include "trace/tracer.h"

static void begin(struct call *c, enum event_kind kind, int source, int tag, MPI_Comm comm)
{
	tracer_before(c, kind);
	c->rec.ev.peer = comms_world_rank(comm, source);
	c->rec.ev.tag = tracer_tag(tag);
	c->rec.ev.comm = comms_id(comm);
	tracer_set_buffer(&c->rec.ev, 0, MPI_BYTE);
	c->rec.ev.count = EV_UNSET;
	tracer_gate(c);
}

/* The probe's status (in bytes: the program's datatype comes with the
 * receive), and its posting kept with the message for the receive. */
static void found(struct call *c, MPI_Comm comm, const MPI_Status *st, MPI_Message msg)
{
	tracer_set_status(&c->rec.ev, st, MPI_BYTE, comm);
	tracer_commit(c);
	if (msg == MPI_MESSAGE_NULL || msg == MPI_MESSAGE_NO_PROC)
		return;
	struct posting p = {c->rec.ev, MPI_DATATYPE_NULL, NULL, NULL};
	tracer_post_message(msg, &p);
}

int MPI_Mprobe(int source, int tag, MPI_Comm comm, MPI_Message *msg, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Mprobe(source, tag, comm, msg, status);
	struct call c;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	begin(&c, EV_MPROBE, source, tag, comm);
	int rc = PMPI_Mprobe(source, tag, comm, msg, st);
	tracer_after(&c);
	if (rc == MPI_SUCCESS)
		found(&c, comm, st, *msg);
	else
		tracer_commit(&c);
	return rc;
}

/* Finding nothing it is an Iprobe that found nothing: no posting. */
int MPI_Improbe(int source, int tag, MPI_Comm comm, int *flag, MPI_Message *msg,
		MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Improbe(source, tag, comm, flag, msg, status);
	struct call c;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	begin(&c, EV_IMPROBE, source, tag, comm);
	int rc = PMPI_Improbe(source, tag, comm, flag, msg, st);
	tracer_after(&c);
	if (rc == MPI_SUCCESS && *flag) {
		found(&c, comm, st, *msg);
		return rc;
	}
	c.rec.ev.kind = EV_IPROBE;
	tracer_commit(&c);
	return rc;
}

/* The receive's own buffer and datatype, on the probe's posting. */
static void with_buffer(struct posting *p, void *buf, int count, MPI_Datatype dt)
{
	p->buf = buf;
	p->dt = dt;
	tracer_set_buffer(&p->ev, count, dt);
}

int MPI_Mrecv(void *buf, int count, MPI_Datatype dt, MPI_Message *msg, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Mrecv(buf, count, dt, msg, status);
	struct call c;
	struct posting p;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	/* taken while the handle is still this message's: once MPI has
	 * received it, another thread's probe may get the same handle */
	int posted = tracer_take_message(*msg, &p);
	tracer_before(&c, EV_MRECV);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Mrecv(buf, count, dt, msg, st);
	tracer_after(&c);
	if (posted) {
		with_buffer(&p, buf, count, dt);
		tracer_complete_posting(&c, &p, rc == MPI_SUCCESS ? st : NULL);
	}
	tracer_commit(&c);
	return rc;
}

/* The probe's posting moves to the request: its Wait completes it. */
int MPI_Imrecv(void *buf, int count, MPI_Datatype dt, MPI_Message *msg, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Imrecv(buf, count, dt, msg, req);
	struct call c;
	struct posting p;
	int posted = tracer_take_message(*msg, &p); /* see MPI_Mrecv */
	tracer_before(&c, EV_IMRECV);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Imrecv(buf, count, dt, msg, req);
	tracer_after(&c);
	tracer_commit(&c);
	if (posted && rc == MPI_SUCCESS) {
		with_buffer(&p, buf, count, dt);
		tracer_post_held(*req, &p);
	}
	return rc;
}
