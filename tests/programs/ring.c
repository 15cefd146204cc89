/* A token goes around the ring of ranks ROUNDS times (argument, default
 * 1); each rank adds its rank number. An ordinary MPI program: it knows
 * nothing of mpiloom, which traces it through preloading. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int rank, size, rounds = argc > 1 ? atoi(argv[1]) : 1;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	int next = (rank + 1) % size, prev = (rank + size - 1) % size;
	long token = 0;
	for (int r = 0; r < rounds; r++) {
		if (rank == 0) {
			MPI_Send(&token, 1, MPI_LONG, next, r, MPI_COMM_WORLD);
			MPI_Recv(&token, 1, MPI_LONG, prev, r, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		} else {
			MPI_Recv(&token, 1, MPI_LONG, prev, r, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			token += rank;
			MPI_Send(&token, 1, MPI_LONG, next, r, MPI_COMM_WORLD);
		}
	}
	if (rank == 0)
		printf("ring: token %ld after %d round(s) of %d ranks\n", token, rounds, size);
	fprintf(stderr, "ring: rank %d done\n", rank);
	MPI_Finalize();
	return 0;
}
