/* Communicators: WORLD split into even and odd ranks. In each half the
 * ranks pass a token round a ring (Send/Recv on the half, so its ranks are
 * not world ranks), shift values with Sendrecv, and run Allgather,
 * Alltoall, Gatherv, Scatterv, Allgatherv and Alltoallv; then a duplicate
 * of WORLD (with an MPI_Ibarrier completed by a Wait), a
 * Cartesian ring exchange with Sendrecv_replace, and a
 * broadcast on a communicator made by MPI_Comm_create. Only rank 0
 * prints, a summary. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static void check(int rc, const char *what)
{
	if (rc != MPI_SUCCESS) {
		fprintf(stderr, "split: %s failed\n", what);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
}

static void *alloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p == NULL)
		MPI_Abort(MPI_COMM_WORLD, 3);
	return p;
}

/* Tag 7 round the half's ring, from its rank 0 back to it. */
static void token_ring(MPI_Comm half, int hrank, int hsize)
{
	int token = 0;
	if (hsize < 2)
		return;
	if (hrank == 0) {
		check(MPI_Send(&token, 1, MPI_INT, 1, 7, half), "Send");
		check(MPI_Recv(&token, 1, MPI_INT, hsize - 1, 7, half, MPI_STATUS_IGNORE), "Recv");
		if (token != hsize - 1)
			MPI_Abort(MPI_COMM_WORLD, 2);
	} else {
		check(MPI_Recv(&token, 1, MPI_INT, hrank - 1, 7, half, MPI_STATUS_IGNORE), "Recv");
		token++;
		check(MPI_Send(&token, 1, MPI_INT, (hrank + 1) % hsize, 7, half), "Send");
	}
}

static void collectives(MPI_Comm half, int hrank, int hsize)
{
	int *all = alloc((size_t)hsize, sizeof *all), *out = alloc((size_t)hsize, sizeof *out);
	int *counts = alloc((size_t)hsize, sizeof *counts), *displs = alloc((size_t)hsize,
									    sizeof *displs);
	int mine = hrank + 1, got = 0;
	check(MPI_Allgather(&mine, 1, MPI_INT, all, 1, MPI_INT, half), "Allgather");
	for (int i = 0; i < hsize; i++)
		out[i] = hrank * 10 + i;
	check(MPI_Alltoall(out, 1, MPI_INT, all, 1, MPI_INT, half), "Alltoall");
	for (int i = 0; i < hsize; i++) {
		counts[i] = 1;
		displs[i] = i;
	}
	check(MPI_Gatherv(&mine, 1, MPI_INT, all, counts, displs, MPI_INT, 0, half), "Gatherv");
	check(MPI_Scatterv(all, counts, displs, MPI_INT, &got, 1, MPI_INT, 0, half), "Scatterv");
	if (got != mine)
		MPI_Abort(MPI_COMM_WORLD, 2);
	check(MPI_Allgatherv(&mine, 1, MPI_INT, all, counts, displs, MPI_INT, half),
	      "Allgatherv");
	check(MPI_Alltoallv(out, counts, displs, MPI_INT, all, counts, displs, MPI_INT, half),
	      "Alltoallv");
	free(all);
	free(out);
	free(counts);
	free(displs);
}

/* Each rank sends right and receives from the left on a periodic ring. */
static void cart_shift(void)
{
	MPI_Comm ring;
	int size, dims[1] = {0}, periods[1] = {1}, left, right, v;
	check(MPI_Comm_size(MPI_COMM_WORLD, &size), "Comm_size");
	dims[0] = size;
	check(MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &ring), "Cart_create");
	check(MPI_Cart_shift(ring, 0, 1, &left, &right), "Cart_shift");
	check(MPI_Comm_rank(ring, &v), "Comm_rank");
	check(MPI_Sendrecv_replace(&v, 1, MPI_INT, right, 9, left, 9, ring, MPI_STATUS_IGNORE),
	      "Sendrecv_replace");
	if (v != left)
		MPI_Abort(MPI_COMM_WORLD, 2);
	check(MPI_Comm_free(&ring), "Comm_free");
}

/* A communicator made by a call mpiloom does not trace (MPI_Comm_create):
 * its ranks are translated when it is first used. It holds WORLD in
 * reverse order, so its rank 0, the broadcast's root, is the last rank. */
static void untraced_comm(int rank, int size)
{
	MPI_Group world, reversed;
	MPI_Comm comm;
	int *ranks = alloc((size_t)size, sizeof *ranks), v = rank;
	for (int i = 0; i < size; i++)
		ranks[i] = size - 1 - i;
	check(MPI_Comm_group(MPI_COMM_WORLD, &world), "Comm_group");
	check(MPI_Group_incl(world, size, ranks, &reversed), "Group_incl");
	check(MPI_Comm_create(MPI_COMM_WORLD, reversed, &comm), "Comm_create");
	check(MPI_Bcast(&v, 1, MPI_INT, 0, comm), "Bcast");
	if (v != size - 1)
		MPI_Abort(MPI_COMM_WORLD, 2);
	check(MPI_Comm_free(&comm), "Comm_free");
	check(MPI_Group_free(&reversed), "Group_free");
	check(MPI_Group_free(&world), "Group_free");
	free(ranks);
}

int main(int argc, char **argv)
{
	int rank, size, hrank, hsize;
	MPI_Comm half, dup;
	check(MPI_Init(&argc, &argv), "MPI_Init");
	check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "Comm_rank");
	check(MPI_Comm_size(MPI_COMM_WORLD, &size), "Comm_size");
	/* key: the reverse of the world order, so half ranks differ from world ranks */
	check(MPI_Comm_split(MPI_COMM_WORLD, rank % 2, size - rank, &half), "Comm_split");
	check(MPI_Comm_rank(half, &hrank), "Comm_rank");
	check(MPI_Comm_size(half, &hsize), "Comm_size");
	token_ring(half, hrank, hsize);
	int v = hrank, right = (hrank + 1) % hsize, left = (hrank + hsize - 1) % hsize;
	check(MPI_Sendrecv(&hrank, 1, MPI_INT, right, 8, &v, 1, MPI_INT, left, 8, half,
			   MPI_STATUS_IGNORE),
	      "Sendrecv");
	collectives(half, hrank, hsize);
	check(MPI_Comm_dup(MPI_COMM_WORLD, &dup), "Comm_dup");
	check(MPI_Barrier(dup), "Barrier");
	/* a non-blocking collective: its Wait names its posting */
	MPI_Request ibarrier;
	check(MPI_Ibarrier(dup, &ibarrier), "Ibarrier");
	check(MPI_Wait(&ibarrier, MPI_STATUS_IGNORE), "Wait");
	check(MPI_Comm_free(&dup), "Comm_free");
	cart_shift();
	untraced_comm(rank, size);
	check(MPI_Comm_free(&half), "Comm_free");
	if (rank == 0)
		printf("split: %d ranks in halves of %d and %d\n", size, (size + 1) / 2, size / 2);
	check(MPI_Finalize(), "MPI_Finalize");
	return 0;
}
