/* Neighbourhood collectives on a periodic ring (MPI_Cart_create over
 * WORLD): each rank sends to its left and right neighbours with
 * Neighbor_allgather(v), Neighbor_alltoall(v,w) and their non-blocking
 * forms, completed by Wait, and checks what came back. Each rank prints
 * one line per form, "ok" or "WRONG". */
#include <mpi.h>
#include <stdio.h>

static int rank, size;

static void check(int rc, const char *what)
{
	if (rc != MPI_SUCCESS) {
		fprintf(stderr, "neighbor: %s failed\n", what);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
}

static void say(const char *what, int good)
{
	printf("rank %d %s %s\n", rank, what, good ? "ok" : "WRONG");
}

/* A ring's neighbours in Cart_shift order: the one before, the one after. */
static int left(void) { return (rank + size - 1) % size; }
static int right(void) { return (rank + 1) % size; }

static void gathers(MPI_Comm ring)
{
	MPI_Request req;
	int got[2] = {-1, -1}, counts[2] = {1, 1}, displs[2] = {0, 1};
	check(MPI_Neighbor_allgather(&rank, 1, MPI_INT, got, 1, MPI_INT, ring), "Neighbor_allgather");
	say("neighbor_allgather", got[0] == left() && got[1] == right());
	got[0] = got[1] = -1;
	check(MPI_Ineighbor_allgather(&rank, 1, MPI_INT, got, 1, MPI_INT, ring, &req),
	      "Ineighbor_allgather");
	check(MPI_Wait(&req, MPI_STATUS_IGNORE), "Wait");
	say("ineighbor_allgather", got[0] == left() && got[1] == right());
	got[0] = got[1] = -1;
	check(MPI_Neighbor_allgatherv(&rank, 1, MPI_INT, got, counts, displs, MPI_INT, ring),
	      "Neighbor_allgatherv");
	say("neighbor_allgatherv", got[0] == left() && got[1] == right());
	got[0] = got[1] = -1;
	check(MPI_Ineighbor_allgatherv(&rank, 1, MPI_INT, got, counts, displs, MPI_INT, ring, &req),
	      "Ineighbor_allgatherv");
	check(MPI_Wait(&req, MPI_STATUS_IGNORE), "Wait");
	say("ineighbor_allgatherv", got[0] == left() && got[1] == right());
}

/* To the left neighbour 100 + rank, to the right 200 + rank: from the
 * left comes 200 + left, from the right 100 + right. On a ring of two or one
 * both neighbours are one rank, and the v- and w-forms of MPICH may then
 * deliver its two blocks either way round. */
static int exchanged(const int got[2])
{
	if (got[0] == 200 + left() && got[1] == 100 + right())
		return 1;
	return size <= 2 && got[1] == 200 + left() && got[0] == 100 + right();
}

static void alltoalls(MPI_Comm ring)
{
	MPI_Request req;
	int out[2] = {100 + rank, 200 + rank}, got[2], counts[2] = {1, 1}, displs[2] = {0, 1};
	MPI_Aint bytes[2] = {0, sizeof(int)};
	MPI_Datatype types[2] = {MPI_INT, MPI_INT};
	check(MPI_Neighbor_alltoall(out, 1, MPI_INT, got, 1, MPI_INT, ring), "Neighbor_alltoall");
	say("neighbor_alltoall", exchanged(got));
	check(MPI_Ineighbor_alltoall(out, 1, MPI_INT, got, 1, MPI_INT, ring, &req),
	      "Ineighbor_alltoall");
	check(MPI_Wait(&req, MPI_STATUS_IGNORE), "Wait");
	say("ineighbor_alltoall", exchanged(got));
	check(MPI_Neighbor_alltoallv(out, counts, displs, MPI_INT, got, counts, displs, MPI_INT, ring),
	      "Neighbor_alltoallv");
	say("neighbor_alltoallv", exchanged(got));
	check(MPI_Ineighbor_alltoallv(out, counts, displs, MPI_INT, got, counts, displs, MPI_INT,
				      ring, &req), "Ineighbor_alltoallv");
	check(MPI_Wait(&req, MPI_STATUS_IGNORE), "Wait");
	say("ineighbor_alltoallv", exchanged(got));
	check(MPI_Neighbor_alltoallw(out, counts, bytes, types, got, counts, bytes, types, ring),
	      "Neighbor_alltoallw");
	say("neighbor_alltoallw", exchanged(got));
	check(MPI_Ineighbor_alltoallw(out, counts, bytes, types, got, counts, bytes, types, ring,
				      &req), "Ineighbor_alltoallw");
	check(MPI_Wait(&req, MPI_STATUS_IGNORE), "Wait");
	say("ineighbor_alltoallw", exchanged(got));
}

int main(int argc, char **argv)
{
	check(MPI_Init(&argc, &argv), "Init");
	check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "Comm_rank");
	check(MPI_Comm_size(MPI_COMM_WORLD, &size), "Comm_size");
	int dims[1] = {size}, periods[1] = {1};
	MPI_Comm ring;
	check(MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &ring), "Cart_create");
	gathers(ring);
	alltoalls(ring);
	check(MPI_Comm_free(&ring), "Comm_free");
	check(MPI_Finalize(), "Finalize");
	return 0;
}
