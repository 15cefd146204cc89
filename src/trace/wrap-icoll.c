/* Wrappers: non-blocking collectives, and the blocking collectives added
 * with them (Reduce_scatter(_block), Scan, Exscan). A non-blocking
 * collective's posting is one event, with its root and communicator as in
 * the blocking form and this rank's input as its count and preview; the
 * Wait or Test that completes its request is another, as for an Isend.
 * The result is in the buffer only at completion: it is not previewed.
 * Where a count or datatype may not be significant (MPI_IN_PLACE, the
 * v-forms' arrays) the event leaves it unset rather than read it. */
#include "config.h"

#include "trace/tracer.h"

/* The input of a reduction: in place, the receive buffer holds it. */
static const void *input_of(const void *sendbuf, const void *recvbuf)
{
	return sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
}

void tracer_begin_all(struct call *c, enum event_kind kind, MPI_Comm comm)
{
	tracer_before(c, kind);
	c->rec.ev.comm = comms_id(comm);
	c->rec.ev.count = EV_UNSET; /* until a single count says it */
}

static void begin_rooted(struct call *c, enum event_kind kind, MPI_Comm comm, int root)
{
	tracer_before(c, kind);
	tracer_set_root(c, comm, root);
	c->rec.ev.count = EV_UNSET;
}

int tracer_posted(struct call *c, int rc, MPI_Request *req)
{
	tracer_after(c);
	tracer_commit(c);
	if (rc == MPI_SUCCESS)
		tracer_post(c, *req, NULL, MPI_DATATYPE_NULL, MPI_COMM_NULL);
	return rc;
}

void tracer_own_part(struct call *c, const void *buf, int count, MPI_Datatype dt)
{
	if (buf == MPI_IN_PLACE)
		return;
	tracer_set_buffer(&c->rec.ev, count, dt);
	tracer_set_preview(&c->rec, buf, count);
}

int MPI_Ibarrier(MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Ibarrier(comm, req);
	struct call c;
	tracer_begin_all(&c, EV_IBARRIER, comm);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Ibarrier(comm, req), req);
}

int MPI_Ibcast(void *buf, int count, MPI_Datatype dt, int root, MPI_Comm comm,
	       MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Ibcast(buf, count, dt, root, comm, req);
	struct call c;
	begin_rooted(&c, EV_IBCAST, comm, root);
	if (root != MPI_PROC_NULL)
		tracer_set_buffer(&c.rec.ev, count, dt);
	if (c.rec.ev.flags & EVF_ROOT)
		tracer_set_preview(&c.rec, buf, count);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Ibcast(buf, count, dt, root, comm, req), req);
}

int MPI_Ireduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
		int root, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Ireduce(sendbuf, recvbuf, count, dt, op, root, comm, req);
	struct call c;
	begin_rooted(&c, EV_IREDUCE, comm, root);
	if (root != MPI_PROC_NULL && root != MPI_ROOT) {
		tracer_set_buffer(&c.rec.ev, count, dt);
		tracer_set_preview(&c.rec, input_of(sendbuf, recvbuf), count);
	}
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Ireduce(sendbuf, recvbuf, count, dt, op, root, comm, req), req);
}

/* Iallreduce, Iscan, Iexscan: a count and datatype every rank gives, its
 * input from sendbuf or in place. */
static int traced_ireduce(enum event_kind kind,
			  int (*pmpi)(const void *, void *, int, MPI_Datatype, MPI_Op, MPI_Comm,
				      MPI_Request *),
			  const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
			  MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return pmpi(sendbuf, recvbuf, count, dt, op, comm, req);
	struct call c;
	tracer_begin_all(&c, kind, comm);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_set_preview(&c.rec, input_of(sendbuf, recvbuf), count);
	tracer_gate(&c);
	return tracer_posted(&c, pmpi(sendbuf, recvbuf, count, dt, op, comm, req), req);
}

int MPI_Iallreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
		   MPI_Comm comm, MPI_Request *req)
{
	return traced_ireduce(EV_IALLREDUCE, PMPI_Iallreduce, sendbuf, recvbuf, count, dt, op, comm,
			      req);
}

int MPI_Iscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
	      MPI_Comm comm, MPI_Request *req)
{
	return traced_ireduce(EV_ISCAN, PMPI_Iscan, sendbuf, recvbuf, count, dt, op, comm, req);
}

int MPI_Iexscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
		MPI_Comm comm, MPI_Request *req)
{
	return traced_ireduce(EV_IEXSCAN, PMPI_Iexscan, sendbuf, recvbuf, count, dt, op, comm, req);
}

int MPI_Ireduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
			      MPI_Datatype dt, MPI_Op op, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Ireduce_scatter_block(sendbuf, recvbuf, recvcount, dt, op, comm, req);
	struct call c;
	tracer_begin_all(&c, EV_IREDUCE_SCATTER_BLOCK, comm);
	tracer_set_buffer(&c.rec.ev, recvcount, dt);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Ireduce_scatter_block(sendbuf, recvbuf, recvcount, dt, op, comm, req),
		      req);
}

int MPI_Ireduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
			MPI_Datatype dt, MPI_Op op, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Ireduce_scatter(sendbuf, recvbuf, recvcounts, dt, op, comm, req);
	struct call c;
	tracer_begin_all(&c, EV_IREDUCE_SCATTER, comm);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Ireduce_scatter(sendbuf, recvbuf, recvcounts, dt, op, comm, req),
		      req);
}

int MPI_Igather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Igather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root,
				    comm, req);
	struct call c;
	begin_rooted(&c, EV_IGATHER, comm, root);
	if (root != MPI_PROC_NULL && root != MPI_ROOT)
		tracer_own_part(&c, sendbuf, sendcount, sendtype);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Igather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
				       root, comm, req), req);
}

int MPI_Igatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		 const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
		 MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Igatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
				     recvtype, root, comm, req);
	struct call c;
	begin_rooted(&c, EV_IGATHERV, comm, root);
	if (root != MPI_PROC_NULL && root != MPI_ROOT)
		tracer_own_part(&c, sendbuf, sendcount, sendtype);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Igatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
					recvtype, root, comm, req), req);
}

/* A scatter's part arrives at completion: the posting gives its size. */
static void scatter_part(struct call *c, const void *recvbuf, int recvcount, MPI_Datatype recvtype,
			 int root)
{
	if (root != MPI_PROC_NULL && root != MPI_ROOT && recvbuf != MPI_IN_PLACE)
		tracer_set_buffer(&c->rec.ev, recvcount, recvtype);
}

int MPI_Iscatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		 int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Iscatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
				     root, comm, req);
	struct call c;
	begin_rooted(&c, EV_ISCATTER, comm, root);
	scatter_part(&c, recvbuf, recvcount, recvtype, root);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Iscatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
					root, comm, req), req);
}

int MPI_Iscatterv(const void *sendbuf, const int sendcounts[], const int displs[],
		  MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
		  int root, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Iscatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount,
				      recvtype, root, comm, req);
	struct call c;
	begin_rooted(&c, EV_ISCATTERV, comm, root);
	scatter_part(&c, recvbuf, recvcount, recvtype, root);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Iscatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount,
					 recvtype, root, comm, req), req);
}

int tracer_iblocks(enum event_kind kind, tracer_iblocks_fn pmpi, const void *sendbuf,
		   int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
		   MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, req);
	struct call c;
	tracer_begin_all(&c, kind, comm);
	tracer_own_part(&c, sendbuf, sendcount, sendtype);
	tracer_gate(&c);
	return tracer_posted(&c, pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm, req),
		      req);
}

int MPI_Iallgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		   int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req)
{
	return tracer_iblocks(EV_IALLGATHER, PMPI_Iallgather, sendbuf, sendcount, sendtype, recvbuf,
			      recvcount, recvtype, comm, req);
}

int tracer_iblocks_v(enum event_kind kind, tracer_iblocks_v_fn pmpi, const void *sendbuf,
		     int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
		     const int displs[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm,
			    req);
	struct call c;
	tracer_begin_all(&c, kind, comm);
	tracer_own_part(&c, sendbuf, sendcount, sendtype);
	tracer_gate(&c);
	return tracer_posted(&c, pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
				      recvtype, comm, req), req);
}

int MPI_Iallgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		    const int recvcounts[], const int displs[], MPI_Datatype recvtype,
		    MPI_Comm comm, MPI_Request *req)
{
	return tracer_iblocks_v(EV_IALLGATHERV, PMPI_Iallgatherv, sendbuf, sendcount, sendtype,
				recvbuf, recvcounts, displs, recvtype, comm, req);
}

int MPI_Ialltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		  int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req)
{
	return tracer_iblocks(EV_IALLTOALL, PMPI_Ialltoall, sendbuf, sendcount, sendtype, recvbuf,
			      recvcount, recvtype, comm, req);
}

int tracer_iexchange_v(enum event_kind kind, tracer_iexchange_v_fn pmpi, const void *sendbuf,
		       const int sendcounts[], const int sdispls[], MPI_Datatype sendtype,
		       void *recvbuf, const int recvcounts[], const int rdispls[],
		       MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return pmpi(sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts, rdispls,
			    recvtype, comm, req);
	struct call c;
	tracer_begin_all(&c, kind, comm);
	tracer_gate(&c);
	return tracer_posted(&c, pmpi(sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts,
				      rdispls, recvtype, comm, req), req);
}

int MPI_Ialltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
		   MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
		   const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req)
{
	return tracer_iexchange_v(EV_IALLTOALLV, PMPI_Ialltoallv, sendbuf, sendcounts, sdispls,
				  sendtype, recvbuf, recvcounts, rdispls, recvtype, comm, req);
}

/* Blocking: the result is there on return (an exscan's is undefined on
 * the first rank, so it shows its input instead). */
static int reduced(struct call *c, int rc, const void *shown, int count)
{
	tracer_after(c);
	if (rc == MPI_SUCCESS)
		tracer_set_preview(&c->rec, shown, count);
	tracer_commit(c);
	return rc;
}

int MPI_Scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
	     MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Scan(sendbuf, recvbuf, count, dt, op, comm);
	struct call c;
	tracer_begin_all(&c, EV_SCAN, comm);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	return reduced(&c, PMPI_Scan(sendbuf, recvbuf, count, dt, op, comm), recvbuf, count);
}

int MPI_Exscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
	       MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Exscan(sendbuf, recvbuf, count, dt, op, comm);
	struct call c;
	tracer_begin_all(&c, EV_EXSCAN, comm);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int in_place = sendbuf == MPI_IN_PLACE;
	return reduced(&c, PMPI_Exscan(sendbuf, recvbuf, count, dt, op, comm),
		       in_place ? NULL : sendbuf, in_place ? 0 : count);
}

int MPI_Reduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
			     MPI_Datatype dt, MPI_Op op, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Reduce_scatter_block(sendbuf, recvbuf, recvcount, dt, op, comm);
	struct call c;
	tracer_begin_all(&c, EV_REDUCE_SCATTER_BLOCK, comm);
	tracer_set_buffer(&c.rec.ev, recvcount, dt);
	tracer_gate(&c);
	return reduced(&c, PMPI_Reduce_scatter_block(sendbuf, recvbuf, recvcount, dt, op, comm),
		       recvbuf, recvcount);
}

/* Its block is recvcounts[this rank] long. */
int MPI_Reduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
		       MPI_Datatype dt, MPI_Op op, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Reduce_scatter(sendbuf, recvbuf, recvcounts, dt, op, comm);
	struct call c;
	int rank, inter = 0, count = 0;
	tracer_begin_all(&c, EV_REDUCE_SCATTER, comm);
	if (PMPI_Comm_test_inter(comm, &inter) == MPI_SUCCESS && !inter &&
	    PMPI_Comm_rank(comm, &rank) == MPI_SUCCESS && recvcounts != NULL) {
		count = recvcounts[rank];
		tracer_set_buffer(&c.rec.ev, count, dt);
	}
	tracer_gate(&c);
	return reduced(&c, PMPI_Reduce_scatter(sendbuf, recvbuf, recvcounts, dt, op, comm),
		       recvbuf, count);
}
