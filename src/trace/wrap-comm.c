/* Wrappers: communicator creation. The event's comm is the parent's id,
 * its tag the new communicator's id (unset where this rank got none), its
 * count the new communicator's size and, for an intracommunicator, its
 * peer the world rank of its rank 0 (so that a reader can tell apart two
 * communicators with one id: they have no member in common). */
#include "config.h"

#include "trace/tracer.h"

static void finish_comm(struct call *c, int rc, MPI_Comm newcomm)
{
	c->rec.ev.count = EV_UNSET;
	int size, inter = 1;
	if (rc == MPI_SUCCESS) {
		c->rec.ev.tag = comms_created(newcomm);
		if (newcomm != MPI_COMM_NULL && PMPI_Comm_size(newcomm, &size) == MPI_SUCCESS)
			c->rec.ev.count = size;
		if (newcomm != MPI_COMM_NULL && PMPI_Comm_test_inter(newcomm, &inter) == MPI_SUCCESS &&
		    !inter)
			c->rec.ev.peer = comms_world_rank(newcomm, 0);
	}
	tracer_commit(c);
}

int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm)
{
	if (!tracer_on())
		return PMPI_Comm_split(comm, color, key, newcomm);
	struct call c;
	tracer_before(&c, EV_COMM_SPLIT);
	c.rec.ev.comm = comms_id(comm);
	tracer_gate(&c);
	int rc = PMPI_Comm_split(comm, color, key, newcomm);
	tracer_after(&c);
	finish_comm(&c, rc, *newcomm);
	return rc;
}

int MPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm)
{
	if (!tracer_on())
		return PMPI_Comm_dup(comm, newcomm);
	struct call c;
	tracer_before(&c, EV_COMM_DUP);
	c.rec.ev.comm = comms_id(comm);
	tracer_gate(&c);
	int rc = PMPI_Comm_dup(comm, newcomm);
	tracer_after(&c);
	finish_comm(&c, rc, *newcomm);
	return rc;
}

int MPI_Cart_create(MPI_Comm comm, int ndims, const int dims[], const int periods[],
		    int reorder, MPI_Comm *newcomm)
{
	if (!tracer_on())
		return PMPI_Cart_create(comm, ndims, dims, periods, reorder, newcomm);
	struct call c;
	tracer_before(&c, EV_CART_CREATE);
	c.rec.ev.comm = comms_id(comm);
	tracer_gate(&c);
	int rc = PMPI_Cart_create(comm, ndims, dims, periods, reorder, newcomm);
	tracer_after(&c);
	finish_comm(&c, rc, *newcomm);
	return rc;
}

/* The communicator's cached ranks go with it (the attribute's delete
 * callback); the event says which one ended. */
int MPI_Comm_free(MPI_Comm *comm)
{
	if (!tracer_on() || *comm == MPI_COMM_NULL)
		return PMPI_Comm_free(comm);
	struct call c;
	uint16_t id = comms_id(*comm);
	tracer_before(&c, EV_COMM_FREE);
	c.rec.ev.comm = id;
	tracer_gate(&c);
	int rc = PMPI_Comm_free(comm);
	tracer_after(&c);
	c.rec.ev.comm = id;
	c.rec.ev.tag = id;
	c.rec.ev.count = EV_UNSET;
	tracer_commit(&c);
	return rc;
}
