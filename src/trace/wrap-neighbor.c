/* Wrappers: neighbourhood collectives, on a Cartesian or graph topology's
 * neighbours, blocking and non-blocking. Each rank's part is one event
 * (the non-blocking form's posting, then its completion, as for
 * MPI_Ibcast); the count and preview are the block this rank sends each
 * neighbour where one count says it, unset in the v- and w-forms. Which
 * ranks are the neighbours the events do not say. */
#include "config.h"

#include "trace/tracer.h"

static int done(struct call *c, int rc)
{
	tracer_after(c);
	tracer_commit(c);
	return rc;
}

typedef int (*same_blocks_fn)(const void *, int, MPI_Datatype, void *, int, MPI_Datatype,
			      MPI_Comm);

/* Neighbor_allgather and Neighbor_alltoall: one block a neighbour. */
static int same_blocks(enum event_kind kind, same_blocks_fn pmpi, const void *sendbuf,
		       int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount,
		       MPI_Datatype recvtype, MPI_Comm comm)
{
	if (!tracer_on())
		return pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
	struct call c;
	tracer_begin_all(&c, kind, comm);
	tracer_own_part(&c, sendbuf, sendcount, sendtype);
	tracer_gate(&c);
	return done(&c, pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm));
}

int MPI_Neighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
			   void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
	return same_blocks(EV_NEIGHBOR_ALLGATHER, PMPI_Neighbor_allgather, sendbuf, sendcount,
			   sendtype, recvbuf, recvcount, recvtype, comm);
}

int MPI_Neighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
			  void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
	return same_blocks(EV_NEIGHBOR_ALLTOALL, PMPI_Neighbor_alltoall, sendbuf, sendcount,
			   sendtype, recvbuf, recvcount, recvtype, comm);
}

int MPI_Ineighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
			    void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
			    MPI_Request *req)
{
	return tracer_iblocks(EV_INEIGHBOR_ALLGATHER, PMPI_Ineighbor_allgather, sendbuf,
			      sendcount, sendtype, recvbuf, recvcount, recvtype, comm, req);
}

int MPI_Ineighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
			   void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm,
			   MPI_Request *req)
{
	return tracer_iblocks(EV_INEIGHBOR_ALLTOALL, PMPI_Ineighbor_alltoall, sendbuf,
			      sendcount, sendtype, recvbuf, recvcount, recvtype, comm, req);
}

int MPI_Neighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
			    void *recvbuf, const int recvcounts[], const int displs[],
			    MPI_Datatype recvtype, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Neighbor_allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts,
						displs, recvtype, comm);
	struct call c;
	tracer_begin_all(&c, EV_NEIGHBOR_ALLGATHERV, comm);
	tracer_own_part(&c, sendbuf, sendcount, sendtype);
	tracer_gate(&c);
	return done(&c, PMPI_Neighbor_allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts,
						 displs, recvtype, comm));
}

int MPI_Ineighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
			     void *recvbuf, const int recvcounts[], const int displs[],
			     MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *req)
{
	return tracer_iblocks_v(EV_INEIGHBOR_ALLGATHERV, PMPI_Ineighbor_allgatherv, sendbuf,
				sendcount, sendtype, recvbuf, recvcounts, displs, recvtype, comm, req);
}

int MPI_Neighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
			   MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
			   const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Neighbor_alltoallv(sendbuf, sendcounts, sdispls, sendtype, recvbuf,
					       recvcounts, rdispls, recvtype, comm);
	struct call c;
	tracer_begin_all(&c, EV_NEIGHBOR_ALLTOALLV, comm);
	tracer_gate(&c);
	return done(&c, PMPI_Neighbor_alltoallv(sendbuf, sendcounts, sdispls, sendtype, recvbuf,
						recvcounts, rdispls, recvtype, comm));
}

int MPI_Ineighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
			    MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
			    const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm,
			    MPI_Request *req)
{
	return tracer_iexchange_v(EV_INEIGHBOR_ALLTOALLV, PMPI_Ineighbor_alltoallv, sendbuf,
				  sendcounts, sdispls, sendtype, recvbuf, recvcounts, rdispls,
				  recvtype, comm, req);
}

int MPI_Neighbor_alltoallw(const void *sendbuf, const int sendcounts[],
			   const MPI_Aint sdispls[], const MPI_Datatype sendtypes[], void *recvbuf,
			   const int recvcounts[], const MPI_Aint rdispls[],
			   const MPI_Datatype recvtypes[], MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Neighbor_alltoallw(sendbuf, sendcounts, sdispls, sendtypes, recvbuf,
					       recvcounts, rdispls, recvtypes, comm);
	struct call c;
	tracer_begin_all(&c, EV_NEIGHBOR_ALLTOALLW, comm);
	tracer_gate(&c);
	return done(&c, PMPI_Neighbor_alltoallw(sendbuf, sendcounts, sdispls, sendtypes, recvbuf,
						recvcounts, rdispls, recvtypes, comm));
}

int MPI_Ineighbor_alltoallw(const void *sendbuf, const int sendcounts[],
			    const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
			    void *recvbuf, const int recvcounts[], const MPI_Aint rdispls[],
			    const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Request *req)
{
	if (!tracer_on())
		return PMPI_Ineighbor_alltoallw(sendbuf, sendcounts, sdispls, sendtypes, recvbuf,
						recvcounts, rdispls, recvtypes, comm, req);
	struct call c;
	tracer_begin_all(&c, EV_INEIGHBOR_ALLTOALLW, comm);
	tracer_gate(&c);
	return tracer_posted(&c, PMPI_Ineighbor_alltoallw(sendbuf, sendcounts, sdispls, sendtypes,
							  recvbuf, recvcounts, rdispls, recvtypes,
							  comm, req),
			     req);
}
