/* Deadlocks on purpose: after a barrier, ranks 0 and 1 both receive from
 * each other first, so neither ever sends; the other ranks wait in
 * MPI_Finalize. What a user of `mpiloom run` should see: who waits for
 * whom. The pid is for tests that kill a rank. */
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rank, size, v = 0;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Barrier(MPI_COMM_WORLD);
	if (rank < 2 && size >= 2) {
		int other = 1 - rank;
		printf("deadlock: rank %d (pid %ld) receives from rank %d first\n", rank,
		       (long)getpid(), other);
		fflush(stdout);
		MPI_Recv(&v, 1, MPI_INT, other, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		MPI_Send(&v, 1, MPI_INT, other, 0, MPI_COMM_WORLD);
	}
	MPI_Finalize();
	return 0;
}
