/* A 1-D halo exchange on a periodic ring of ranks: each step every rank
 * posts receives from both neighbours, sends its edge cells with Isend and
 * completes all four requests with MPI_Waitall; then one shift with
 * MPI_Sendrecv round the ring and one along it, where the ends have
 * MPI_PROC_NULL for a neighbour; one with MPI_Ibsend and MPI_Irsend;
 * last, two with persistent requests. Usage: halo [STEPS] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define CELLS 8

static void check(int rc, const char *what)
{
	if (rc != MPI_SUCCESS) {
		fprintf(stderr, "halo: %s failed\n", what);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
}

/* One exchange in buffered mode (MPI_Ibsend) and one in ready mode
 * (MPI_Irsend: legal once the receiver has posted, which the barrier
 * makes sure of). */
static void buffered_and_ready(double *u, int left, int right)
{
	int size;
	check(MPI_Pack_size(1, MPI_DOUBLE, MPI_COMM_WORLD, &size), "Pack_size");
	size += MPI_BSEND_OVERHEAD;
	char *buffer = malloc((size_t)size);
	if (buffer == NULL)
		MPI_Abort(MPI_COMM_WORLD, 3);
	check(MPI_Buffer_attach(buffer, size), "Buffer_attach");
	MPI_Request req[4];
	MPI_Status st[4];
	check(MPI_Irecv(&u[0], 1, MPI_DOUBLE, left, 5, MPI_COMM_WORLD, &req[0]), "Irecv");
	check(MPI_Irecv(&u[CELLS + 1], 1, MPI_DOUBLE, left, 6, MPI_COMM_WORLD, &req[1]), "Irecv");
	check(MPI_Barrier(MPI_COMM_WORLD), "Barrier");
	check(MPI_Ibsend(&u[CELLS], 1, MPI_DOUBLE, right, 5, MPI_COMM_WORLD, &req[2]), "Ibsend");
	check(MPI_Irsend(&u[CELLS], 1, MPI_DOUBLE, right, 6, MPI_COMM_WORLD, &req[3]), "Irsend");
	check(MPI_Waitall(4, req, st), "Waitall");
	void *detached;
	check(MPI_Buffer_detach(&detached, &size), "Buffer_detach");
	free(buffer);
}

/* One more exchange, with persistent requests: each MPI_Startall shows
 * as the postings it starts. Started twice. */
static void persistent_step(double *u, int left, int right)
{
	MPI_Request req[2];
	MPI_Status st[2];
	check(MPI_Recv_init(&u[0], 1, MPI_DOUBLE, left, 4, MPI_COMM_WORLD, &req[0]), "Recv_init");
	check(MPI_Send_init(&u[CELLS], 1, MPI_DOUBLE, right, 4, MPI_COMM_WORLD, &req[1]),
	      "Send_init");
	for (int round = 0; round < 2; round++) {
		check(MPI_Startall(2, req), "Startall");
		check(MPI_Waitall(2, req, st), "Waitall");
		if (st[0].MPI_SOURCE != left)
			MPI_Abort(MPI_COMM_WORLD, 2);
	}
	check(MPI_Request_free(&req[0]), "Request_free");
	check(MPI_Request_free(&req[1]), "Request_free");
}

int main(int argc, char **argv)
{
	int rank, size, steps = argc > 1 ? atoi(argv[1]) : 3;
	double u[CELLS + 2];
	check(MPI_Init(&argc, &argv), "MPI_Init");
	check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
	check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
	int left = (rank + size - 1) % size, right = (rank + 1) % size;
	for (int i = 0; i < CELLS + 2; i++)
		u[i] = rank * 100 + i;
	for (int s = 0; s < steps; s++) {
		MPI_Request req[4];
		MPI_Status st[4];
		check(MPI_Irecv(&u[0], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &req[0]), "Irecv");
		check(MPI_Irecv(&u[CELLS + 1], 1, MPI_DOUBLE, right, 0, MPI_COMM_WORLD, &req[1]),
		      "Irecv");
		check(MPI_Isend(&u[1], 1, MPI_DOUBLE, left, 0, MPI_COMM_WORLD, &req[2]), "Isend");
		check(MPI_Isend(&u[CELLS], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD, &req[3]),
		      "Isend");
		check(MPI_Waitall(4, req, st), "Waitall");
		if (st[0].MPI_SOURCE != left || st[1].MPI_SOURCE != right)
			MPI_Abort(MPI_COMM_WORLD, 2);
		for (int i = 1; i <= CELLS; i++)
			u[i] = (u[i - 1] + u[i] + u[i + 1]) / 3.0;
	}
	MPI_Status st;
	check(MPI_Sendrecv(&u[CELLS], 1, MPI_DOUBLE, right, 2, &u[0], 1, MPI_DOUBLE, left, 2,
			   MPI_COMM_WORLD, &st),
	      "Sendrecv");
	if (st.MPI_SOURCE != left)
		MPI_Abort(MPI_COMM_WORLD, 2);
	/* the same shift without wrapping round: the ends talk to MPI_PROC_NULL */
	int open_left = rank > 0 ? left : MPI_PROC_NULL;
	int open_right = rank < size - 1 ? right : MPI_PROC_NULL;
	check(MPI_Sendrecv(&u[CELLS], 1, MPI_DOUBLE, open_right, 3, &u[0], 1, MPI_DOUBLE,
			   open_left, 3, MPI_COMM_WORLD, &st),
	      "Sendrecv");
	if (st.MPI_SOURCE != open_left)
		MPI_Abort(MPI_COMM_WORLD, 2);
	buffered_and_ready(u, left, right);
	persistent_step(u, left, right);
	if (rank == 0)
		printf("halo: %d ranks, %d steps, u[1] = %.3f\n", size, steps, u[1]);
	check(MPI_Finalize(), "MPI_Finalize");
	return 0;
}
