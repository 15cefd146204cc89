/* Monte Carlo pi: rank 0 broadcasts the number of samples per rank, each
 * rank counts its hits in the quarter circle, MPI_Reduce sums them on
 * rank 0. The seeds are fixed, so a run's result is the same every time. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned next(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 8) & 0xffffu;
}

int main(int argc, char **argv)
{
	int rank, size;
	long samples = 0, hits = 0, total = 0;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (rank == 0)
		samples = argc > 1 ? atol(argv[1]) : 100000;
	MPI_Bcast(&samples, 1, MPI_LONG, 0, MPI_COMM_WORLD);
	unsigned state = 17u + (unsigned)rank;
	for (long i = 0; i < samples; i++) {
		double x = next(&state) / 65536.0, y = next(&state) / 65536.0;
		hits += x * x + y * y < 1.0;
	}
	MPI_Reduce(&hits, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
	if (rank == 0)
		printf("pi: %.4f from %ld samples on %d ranks\n",
		       4.0 * (double)total / (double)(samples * size), samples * size, size);
	MPI_Finalize();
	return 0;
}
