/* Wrappers: collectives. Each rank's part is one event; the root is the
 * peer. The preview shows what this rank contributes or obtains: the
 * gathered array at a gather's root, the scattered element elsewhere. */
#include "config.h"

#include "textbook.h"
#include "tracer.h"

static int is_root(MPI_Comm comm, int root)
{
	int rank;
	return PMPI_Comm_rank(comm, &rank) == MPI_SUCCESS && rank == root;
}

static void set_root(struct call *c, MPI_Comm comm, int root)
{
	c->rec.ev.peer = tracer_world_rank(comm, root);
	c->rec.ev.comm = tracer_comm_id(comm);
	if (is_root(comm, root))
		c->rec.ev.flags |= EVF_ROOT;
}

int MPI_Barrier(MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Barrier(comm);
	struct call c;
	tracer_before(&c, EV_BARRIER);
	c.rec.ev.comm = tracer_comm_id(comm);
	tracer_gate(&c);
	int rc = PMPI_Barrier(comm);
	tracer_after(&c);
	tracer_commit(&c);
	return rc;
}

int MPI_Bcast(void *buf, int count, MPI_Datatype dt, int root, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Bcast(buf, count, dt, root, comm);
	if (textbook_for(comm))
		return textbook_bcast(buf, count, dt, root);
	struct call c;
	tracer_before(&c, EV_BCAST);
	set_root(&c, comm, root);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Bcast(buf, count, dt, root, comm);
	tracer_after(&c);
	tracer_set_preview(&c.rec, buf, count);
	tracer_commit(&c);
	return rc;
}

/* Gather and scatter: the root's side is the whole array (size x count),
 * every other rank's side is its own part. */
struct sides {
	const void *whole;
	int whole_count;
	MPI_Datatype whole_type;
	const void *part;
	int part_count;
	MPI_Datatype part_type;
};

static void finish_rooted(struct call *c, MPI_Comm comm, int root, const struct sides *s)
{
	set_root(c, comm, root);
	if (c->rec.ev.flags & EVF_ROOT) {
		int size = 0;
		PMPI_Comm_size(comm, &size);
		tracer_set_buffer(&c->rec.ev, s->whole_count, s->whole_type);
		tracer_set_preview(&c->rec, s->whole, (int64_t)s->whole_count * size);
	} else {
		tracer_set_buffer(&c->rec.ev, s->part_count, s->part_type);
		tracer_set_preview(&c->rec, s->part, s->part_count);
	}
	tracer_commit(c);
}

int MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
	       int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
				   root, comm);
	if (textbook_for(comm))
		return textbook_gather(sendbuf, sendcount, sendtype, recvbuf, recvcount,
				       recvtype, root);
	struct call c;
	tracer_before(&c, EV_GATHER);
	set_root(&c, comm, root);
	tracer_gate(&c);
	int rc = PMPI_Gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root,
			     comm);
	tracer_after(&c);
	struct sides s = {recvbuf, recvcount, recvtype, sendbuf, sendcount, sendtype};
	finish_rooted(&c, comm, root, &s);
	return rc;
}

int MPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
				    root, comm);
	if (textbook_for(comm))
		return textbook_scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount,
					recvtype, root);
	struct call c;
	tracer_before(&c, EV_SCATTER);
	set_root(&c, comm, root);
	tracer_gate(&c);
	int rc = PMPI_Scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root,
			      comm);
	tracer_after(&c);
	struct sides s = {sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype};
	finish_rooted(&c, comm, root, &s);
	return rc;
}

int MPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
	       int root, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Reduce(sendbuf, recvbuf, count, dt, op, root, comm);
	if (textbook_for(comm) && textbook_can_reduce(op))
		return textbook_reduce(sendbuf, recvbuf, count, dt, op, root);
	struct call c;
	tracer_before(&c, EV_REDUCE);
	set_root(&c, comm, root);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Reduce(sendbuf, recvbuf, count, dt, op, root, comm);
	tracer_after(&c);
	int root_side = (c.rec.ev.flags & EVF_ROOT) || sendbuf == MPI_IN_PLACE;
	tracer_set_preview(&c.rec, root_side ? recvbuf : sendbuf, count);
	tracer_commit(&c);
	return rc;
}

int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
		  MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Allreduce(sendbuf, recvbuf, count, dt, op, comm);
	if (textbook_for(comm) && textbook_can_reduce(op))
		return textbook_allreduce(sendbuf, recvbuf, count, dt, op);
	struct call c;
	tracer_before(&c, EV_ALLREDUCE);
	c.rec.ev.comm = tracer_comm_id(comm);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Allreduce(sendbuf, recvbuf, count, dt, op, comm);
	tracer_after(&c);
	tracer_set_preview(&c.rec, recvbuf, count);
	tracer_commit(&c);
	return rc;
}
