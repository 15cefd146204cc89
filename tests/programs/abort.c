/* Rank 1 (the last rank with one rank) receives a message, then calls
 * MPI_Abort with error code 7 while the others wait for a message that
 * never comes: the events before the abort must survive it. Rank 0 sends
 * a second message that rank 1 waits for, so that rank 0 has recorded
 * its first send when the abort ends every rank. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	int rank, size, v = 42;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	int victim = size > 1 ? 1 : 0;
	if (rank == 0 && size > 1) {
		MPI_Send(&v, 1, MPI_INT, victim, 0, MPI_COMM_WORLD);
		MPI_Send(&v, 1, MPI_INT, victim, 1, MPI_COMM_WORLD);
	}
	if (rank == victim) {
		if (size > 1) {
			MPI_Recv(&v, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			MPI_Recv(&v, 1, MPI_INT, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		}
		printf("abort: rank %d gives up\n", rank);
		fflush(stdout);
		MPI_Abort(MPI_COMM_WORLD, 7);
	}
	/* never matched: everyone else waits until the abort ends them */
	MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	MPI_Finalize();
	return 0;
}
