/* Wrappers: collectives. Each rank's part is one event; the root is the
 * peer. The preview shows what this rank contributes or obtains: the
 * gathered array at a gather's root, the scattered element elsewhere. */
#include "config.h"

#include "trace/textbook.h"
#include "trace/tracer.h"

static int is_inter(MPI_Comm comm)
{
	int inter = 0;
	return PMPI_Comm_test_inter(comm, &inter) == MPI_SUCCESS && inter;
}

/* On an intercommunicator the root passes MPI_ROOT, the rest of its group
 * MPI_PROC_NULL, and the other group the root's rank over there: only
 * MPI_ROOT is the root itself. */
static int is_root(MPI_Comm comm, int root)
{
	int rank;
	if (is_inter(comm))
		return root == MPI_ROOT;
	return PMPI_Comm_rank(comm, &rank) == MPI_SUCCESS && rank == root;
}

/* The rest of an intercommunicator's root group (MPI_PROC_NULL) passes
 * buffers and counts that are not significant: nothing of them is read. */
static int takes_part(int root)
{
	return root != MPI_PROC_NULL;
}

/* How many ranks a collective's per-rank arrays and blocks are for: on an
 * intercommunicator the other group's. */
static int comm_size(MPI_Comm comm)
{
	int size = 0;
	int rc = is_inter(comm) ? PMPI_Comm_remote_size(comm, &size) : PMPI_Comm_size(comm, &size);
	return rc == MPI_SUCCESS ? size : 0;
}

/* Counts beyond an int (a v-collective's total) are shown as INT32_MAX. */
static int clamp_count(int64_t n)
{
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

/* The total of a v-collective's counts; only the root's are valid for a
 * rooted one, so the caller asks only there. */
static int64_t sum_counts(const int counts[], int n)
{
	int64_t total = 0;
	if (counts == NULL) /* allowed where the counts are not significant */
		return 0;
	for (int i = 0; i < n; i++)
		total += counts[i] > 0 ? counts[i] : 0;
	return total;
}

void tracer_set_root(struct call *c, MPI_Comm comm, int root)
{
	c->rec.ev.peer = comms_world_rank(comm, root);
	c->rec.ev.comm = comms_id(comm);
	if (is_root(comm, root))
		c->rec.ev.flags |= EVF_ROOT;
}

/* Before a collective that shows no count while it is pending (it has
 * none, or it is set on return): the root, or for a rootless one only the
 * communicator. */
static void begin_rooted(struct call *c, enum event_kind kind, MPI_Comm comm, int root)
{
	tracer_before(c, kind);
	tracer_set_root(c, comm, root);
	tracer_gate(c);
}

static void begin_all(struct call *c, enum event_kind kind, MPI_Comm comm)
{
	tracer_before(c, kind);
	c->rec.ev.comm = comms_id(comm);
	tracer_gate(c);
}

int MPI_Barrier(MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Barrier(comm);
	struct call c;
	begin_all(&c, EV_BARRIER, comm);
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
	tracer_set_root(&c, comm, root);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Bcast(buf, count, dt, root, comm);
	tracer_after(&c);
	tracer_set_preview(&c.rec, buf, takes_part(root) ? count : 0);
	tracer_commit(&c);
	return rc;
}

/* Gather and scatter: the root's side is the whole array (size x count),
 * every other rank's side is its own part. */
struct sides {
	const void *whole;
	int whole_count;
	int64_t whole_preview; /* elements of the whole array to preview */
	MPI_Datatype whole_type;
	const void *part;
	int part_count;
	MPI_Datatype part_type;
};

/* begin_rooted set the root, and EVF_ROOT on the root. */
static void finish_rooted(struct call *c, int root, const struct sides *s)
{
	if (!takes_part(root)) {
		tracer_set_buffer(&c->rec.ev, 0, MPI_DATATYPE_NULL);
	} else if (c->rec.ev.flags & EVF_ROOT) {
		tracer_set_buffer(&c->rec.ev, s->whole_count, s->whole_type);
		tracer_set_preview(&c->rec, s->whole, s->whole_preview);
	} else {
		tracer_set_buffer(&c->rec.ev, s->part_count, s->part_type);
		tracer_set_preview(&c->rec, s->part, s->part_count);
	}
	tracer_commit(c);
}

/* Gather and Scatter take the same arguments; the root's whole array is a
 * gather's receive buffer and a scatter's send buffer. */
static int traced_rooted(enum event_kind kind,
			 int (*pmpi)(const void *, int, MPI_Datatype, void *, int, MPI_Datatype,
				     int, MPI_Comm),
			 int (*textbook)(const void *, int, MPI_Datatype, void *, int,
					 MPI_Datatype, int),
			 const void *sendbuf, int sendcount, MPI_Datatype sendtype,
			 void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
			 MPI_Comm comm)
{
	if (!tracer_on())
		return pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root,
			    comm);
	if (textbook_for(comm))
		return textbook(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
				root);
	struct call c;
	begin_rooted(&c, kind, comm, root);
	int rc = pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm);
	tracer_after(&c);
	int gather = kind == EV_GATHER;
	int64_t whole = (int64_t)(gather ? recvcount : sendcount) * comm_size(comm);
	struct sides gathered = {recvbuf, recvcount, whole, recvtype,
				 sendbuf, sendcount, sendtype};
	struct sides scattered = {sendbuf, sendcount, whole, sendtype,
				  recvbuf, recvcount, recvtype};
	finish_rooted(&c, root, gather ? &gathered : &scattered);
	return rc;
}

int MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
	       int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
	return traced_rooted(EV_GATHER, PMPI_Gather, textbook_gather, sendbuf, sendcount,
			     sendtype, recvbuf, recvcount, recvtype, root, comm);
}

int MPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
	return traced_rooted(EV_SCATTER, PMPI_Scatter, textbook_scatter, sendbuf, sendcount,
			     sendtype, recvbuf, recvcount, recvtype, root, comm);
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
	tracer_set_root(&c, comm, root);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Reduce(sendbuf, recvbuf, count, dt, op, root, comm);
	tracer_after(&c);
	int root_side = (c.rec.ev.flags & EVF_ROOT) || sendbuf == MPI_IN_PLACE;
	tracer_set_preview(&c.rec, root_side ? recvbuf : sendbuf, takes_part(root) ? count : 0);
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
	c.rec.ev.comm = comms_id(comm);
	tracer_set_buffer(&c.rec.ev, count, dt);
	tracer_gate(&c);
	int rc = PMPI_Allreduce(sendbuf, recvbuf, count, dt, op, comm);
	tracer_after(&c);
	tracer_set_preview(&c.rec, recvbuf, count);
	tracer_commit(&c);
	return rc;
}

/* Gatherv and Scatterv: the root's whole array is as long as its counts
 * add up to (valid only there, so only the root adds them). */
static void finish_rooted_v(struct call *c, MPI_Comm comm, int root, const void *whole,
			    const int counts[], MPI_Datatype whole_type, const void *part,
			    int part_count, MPI_Datatype part_type)
{
	int64_t total = c->rec.ev.flags & EVF_ROOT ? sum_counts(counts, comm_size(comm)) : 0;
	struct sides s = {whole, clamp_count(total), total, whole_type, part, part_count, part_type};
	finish_rooted(c, root, &s);
}

int MPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
		MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
				    recvtype, root, comm);
	struct call c;
	begin_rooted(&c, EV_GATHERV, comm, root);
	int rc = PMPI_Gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, recvtype,
			      root, comm);
	tracer_after(&c);
	finish_rooted_v(&c, comm, root, recvbuf, recvcounts, recvtype, sendbuf, sendcount,
			sendtype);
	return rc;
}

int MPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[],
		 MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
		 int root, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Scatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount,
				     recvtype, root, comm);
	struct call c;
	begin_rooted(&c, EV_SCATTERV, comm, root);
	int rc = PMPI_Scatterv(sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount,
			       recvtype, root, comm);
	tracer_after(&c);
	finish_rooted_v(&c, comm, root, sendbuf, sendcounts, sendtype, recvbuf, recvcount,
			recvtype);
	return rc;
}

/* Rootless collectives that hand every rank a result: the event's count
 * and datatype are what this rank receives in all, the preview its start
 * (begin_all set the communicator). */
static void finish_all(struct call *c, const void *recvbuf, int64_t total, MPI_Datatype recvtype)
{
	tracer_set_buffer(&c->rec.ev, clamp_count(total), recvtype);
	tracer_set_preview(&c->rec, recvbuf, total);
	tracer_commit(c);
}

/* Allgather and Alltoall take the same arguments. */
static int traced_all(enum event_kind kind,
		      int (*pmpi)(const void *, int, MPI_Datatype, void *, int, MPI_Datatype,
				  MPI_Comm),
		      const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		      int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
	if (!tracer_on())
		return pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
	struct call c;
	begin_all(&c, kind, comm);
	int rc = pmpi(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm);
	tracer_after(&c);
	finish_all(&c, recvbuf, (int64_t)recvcount * comm_size(comm), recvtype);
	return rc;
}

int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		  int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
	return traced_all(EV_ALLGATHER, PMPI_Allgather, sendbuf, sendcount, sendtype, recvbuf,
			  recvcount, recvtype, comm);
}

int MPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		   const int recvcounts[], const int displs[], MPI_Datatype recvtype,
		   MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
				       recvtype, comm);
	struct call c;
	begin_all(&c, EV_ALLGATHERV, comm);
	int rc = PMPI_Allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
				 recvtype, comm);
	tracer_after(&c);
	finish_all(&c, recvbuf, sum_counts(recvcounts, comm_size(comm)), recvtype);
	return rc;
}

int MPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		 int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
	return traced_all(EV_ALLTOALL, PMPI_Alltoall, sendbuf, sendcount, sendtype, recvbuf,
			  recvcount, recvtype, comm);
}

int MPI_Alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
		  MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
		  const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
	if (!tracer_on())
		return PMPI_Alltoallv(sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts,
				      rdispls, recvtype, comm);
	struct call c;
	begin_all(&c, EV_ALLTOALLV, comm);
	int rc = PMPI_Alltoallv(sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts,
				rdispls, recvtype, comm);
	tracer_after(&c);
	finish_all(&c, recvbuf, sum_counts(recvcounts, comm_size(comm)), recvtype);
	return rc;
}
