/* Wrappers: point-to-point calls. */
#include "config.h"

#include "tracer.h"

static int traced_send(enum event_kind kind,
		       int (*pmpi)(const void *, int, MPI_Datatype, int, int, MPI_Comm),
		       const void *buf, int count, MPI_Datatype dt, int dest, int tag,
		       MPI_Comm comm)
{
	if (!tracer_on())
		return pmpi(buf, count, dt, dest, tag, comm);
	struct call c;
	tracer_before(&c, kind);
	c.rec.ev.peer = tracer_world_rank(comm, dest);
	c.rec.ev.tag = tag;
	c.rec.ev.comm = tracer_comm_id(comm);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_set_preview(&c.rec, buf, count);
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

static int wildcard_tag(int tag)
{
	return tag == MPI_ANY_TAG ? EV_ANY : tag;
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
	c.rec.ev.peer = tracer_world_rank(comm, source);
	c.rec.ev.tag = wildcard_tag(tag);
	c.rec.ev.comm = tracer_comm_id(comm);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Recv(buf, count, dt, source, tag, comm, st);
	tracer_after(&c);
	if (rc == MPI_SUCCESS) {
		tracer_set_status(&c.rec.ev, st, dt, comm);
		if (c.rec.ev.st_count > 0)
			tracer_set_preview(&c.rec, buf, c.rec.ev.st_count);
	}
	tracer_commit(&c);
	return rc;
}

/* The status is read in bytes until the program asks for a count in its
 * own datatype (MPI_Get_count/MPI_Get_elements), which refines the event. */
static void finish_probe(struct call *c, int rc, int found, int source, int tag, MPI_Comm comm,
			 const MPI_Status *st, MPI_Status *user_status)
{
	c->rec.ev.peer = tracer_world_rank(comm, source);
	c->rec.ev.tag = wildcard_tag(tag);
	c->rec.ev.comm = tracer_comm_id(comm);
	tracer_set_buffer(&c->rec.ev, 0, MPI_BYTE);
	c->rec.ev.count = EV_UNSET;
	if (rc != MPI_SUCCESS || !found) {
		tracer_commit(c);
		return;
	}
	tracer_set_status(&c->rec.ev, st, MPI_BYTE, comm);
	tracer_open_probe(c, user_status == MPI_STATUS_IGNORE ? NULL : user_status);
}

int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status)
{
	if (!tracer_on())
		return PMPI_Probe(source, tag, comm, status);
	struct call c;
	MPI_Status local;
	MPI_Status *st = status == MPI_STATUS_IGNORE ? &local : status;
	tracer_before(&c, EV_PROBE);
	c.rec.ev.peer = tracer_world_rank(comm, source);
	c.rec.ev.tag = wildcard_tag(tag);
	tracer_gate(&c);
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
	tracer_before(&c, EV_IPROBE);
	c.rec.ev.peer = tracer_world_rank(comm, source);
	c.rec.ev.tag = wildcard_tag(tag);
	tracer_gate(&c);
	int rc = PMPI_Iprobe(source, tag, comm, flag, st);
	tracer_after(&c);
	finish_probe(&c, rc, *flag, source, tag, comm, st, status);
	return rc;
}
