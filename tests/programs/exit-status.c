/* exit-status CODE [nofinalize]: rank 0 ends with exit status CODE after
 * MPI_Finalize; with nofinalize the last rank calls exit(CODE) right after
 * MPI_Init instead, while rank 0 waits for a message from it that never
 * comes. Plain mpiexec exits CODE both ways; so must mpiloom run. */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int rank, size, v = 0;
	if (argc < 2 || MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 2;
	int code = atoi(argv[1]);
	int nofinalize = argc > 2 && strcmp(argv[2], "nofinalize") == 0;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (nofinalize && size > 1) {
		if (rank == size - 1)
			exit(code);
		if (rank == 0)
			MPI_Recv(&v, 1, MPI_INT, size - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	}
	MPI_Finalize();
	return rank == 0 ? code : 0;
}
