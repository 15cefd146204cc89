/* An ordinary MPI program, not linked with mpiloom: 200,000 8-byte
 * round trips between ranks 0 and 1 after a warm-up. bench/preload runs
 * it plain and under `mpiloom run` (the trace library preloaded) and
 * compares. Prints "roundtrip_ns: X" from rank 0. */
#include <mpi.h>
#include <stdio.h>

#define WARMUP 20000
#define ROUNDS 200000

static int pingpong(int rank, int rounds, double *msg)
{
	for (int i = 0; i < rounds; i++) {
		int rc = MPI_SUCCESS;
		if (rank == 0) {
			if ((rc = MPI_Send(msg, 1, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD)) == MPI_SUCCESS)
				rc = MPI_Recv(msg, 1, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		} else if (rank == 1) {
			if ((rc = MPI_Recv(msg, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD,
					   MPI_STATUS_IGNORE)) == MPI_SUCCESS)
				rc = MPI_Send(msg, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD);
		}
		if (rc != MPI_SUCCESS)
			return rc;
	}
	return MPI_SUCCESS;
}

int main(int argc, char **argv)
{
	int rank, size;
	double msg = 1.0;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS ||
	    MPI_Comm_rank(MPI_COMM_WORLD, &rank) != MPI_SUCCESS ||
	    MPI_Comm_size(MPI_COMM_WORLD, &size) != MPI_SUCCESS)
		return 1;
	if (size != 2) {
		if (rank == 0)
			fprintf(stderr, "pingpong-plain: needs exactly 2 ranks\n");
		MPI_Finalize();
		return 2;
	}
	if (pingpong(rank, WARMUP, &msg) != MPI_SUCCESS || MPI_Barrier(MPI_COMM_WORLD) != MPI_SUCCESS)
		return 1;
	double t0 = MPI_Wtime();
	if (pingpong(rank, ROUNDS, &msg) != MPI_SUCCESS)
		return 1;
	double t = MPI_Wtime() - t0;
	if (rank == 0)
		printf("roundtrip_ns: %.1f\n", t * 1e9 / ROUNDS);
	MPI_Finalize();
	return 0;
}
