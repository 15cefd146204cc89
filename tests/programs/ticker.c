/* ticker MS [SECONDS]: every MS milliseconds all ranks meet in a barrier
 * and rank 0 says "ticker: tick N" on stdout, for SECONDS (default 60):
 * a run that goes on, one event a rank a tick, for tests that cut a
 * recording short and count what it kept. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	int rank;
	if (argc < 2 || MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 2;
	long ms = atol(argv[1]), seconds = argc > 2 ? atol(argv[2]) : 60;
	long ticks = ms > 0 ? seconds * 1000 / ms : 0;
	struct timespec pause = {ms / 1000, ms % 1000 * 1000000};
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	for (long n = 1; n <= ticks; n++) {
		MPI_Barrier(MPI_COMM_WORLD);
		if (rank == 0 && (printf("ticker: tick %ld\n", n) < 0 || fflush(stdout) != 0))
			MPI_Abort(MPI_COMM_WORLD, 1);
		nanosleep(&pause, NULL);
	}
	MPI_Finalize();
	return 0;
}
