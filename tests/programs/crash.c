/* The last rank sends rank 0 a message, then dies of SIGSEGV (raised, so
 * that the compiler cannot reason the crash away): the message must be
 * in the trace, and the report must name the rank and the signal. Rank 0
 * answers before the crash, so that its receive was recorded by then (a
 * crash ends every rank: what a rank records later may be lost). */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	int rank, size, v = 7;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	int last = size - 1;
	if (rank == last && last > 0) {
		MPI_Send(&v, 1, MPI_INT, 0, 5, MPI_COMM_WORLD);
		MPI_Recv(&v, 1, MPI_INT, 0, 6, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	}
	if (rank == 0 && last > 0) {
		MPI_Recv(&v, 1, MPI_INT, last, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		MPI_Send(&v, 1, MPI_INT, last, 6, MPI_COMM_WORLD);
	}
	if (rank == last)
		raise(SIGSEGV);
	MPI_Barrier(MPI_COMM_WORLD);
	MPI_Finalize();
	return 0;
}
