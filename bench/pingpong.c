/* The cost of tracing one MPI call: an 8-byte ping-pong between ranks 0
 * and 1, in alternating blocks with the trace layer on and off (its
 * runtime switch), so both run in the same process on the same machine
 * state. The overhead is the median over pairs of neighbouring blocks, so
 * that a burst of load elsewhere on the machine moves one pair, not the
 * figure. Prints "name: value unit" lines from rank 0. */
#include "config.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/trace.h"

#define BLOCKS 40
#define ROUNDS_PER_BLOCK 5000

static int block(int rank, int rounds, double *msg, int64_t *ns)
{
	int64_t t0 = clock_now_ns();
	for (int i = 0; i < rounds; i++) {
		int rc;
		if (rank == 0) {
			if ((rc = MPI_Send(msg, 1, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD)) != MPI_SUCCESS ||
			    (rc = MPI_Recv(msg, 1, MPI_DOUBLE, 1, 0, MPI_COMM_WORLD,
					   MPI_STATUS_IGNORE)) != MPI_SUCCESS)
				return rc;
		} else if (rank == 1) {
			if ((rc = MPI_Recv(msg, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD,
					   MPI_STATUS_IGNORE)) != MPI_SUCCESS ||
			    (rc = MPI_Send(msg, 1, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD)) != MPI_SUCCESS)
				return rc;
		}
	}
	*ns = clock_now_ns() - t0;
	return MPI_SUCCESS;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rank, size;
	double msg = 1.0;
	int64_t on[BLOCKS / 2], off[BLOCKS / 2], diff[BLOCKS / 2];

	if (MPI_Init(&argc, &argv) != MPI_SUCCESS ||
	    MPI_Comm_rank(MPI_COMM_WORLD, &rank) != MPI_SUCCESS ||
	    MPI_Comm_size(MPI_COMM_WORLD, &size) != MPI_SUCCESS)
		return 1;
	if (size < 2) {
		if (rank == 0)
			fprintf(stderr, "pingpong: needs 2 ranks\n");
		MPI_Finalize();
		return 2;
	}
	int64_t warm;
	if (block(rank, ROUNDS_PER_BLOCK, &msg, &warm) != MPI_SUCCESS)
		return 1;
	for (int b = 0; b < BLOCKS; b++) {
		/* Both ranks switch together: the barrier is untraced. */
		trace_set_enabled(0);
		MPI_Barrier(MPI_COMM_WORLD);
		trace_set_enabled(b % 2);
		if (block(rank, ROUNDS_PER_BLOCK, &msg, b % 2 ? &on[b / 2] : &off[b / 2]) !=
		    MPI_SUCCESS)
			return 1;
	}
	trace_set_enabled(1);
	MPI_Finalize();
	if (rank == 0) {
		for (int p = 0; p < BLOCKS / 2; p++)
			diff[p] = on[p] - off[p];
		qsort(diff, BLOCKS / 2, sizeof diff[0], cmp64);
		qsort(on, BLOCKS / 2, sizeof on[0], cmp64);
		qsort(off, BLOCKS / 2, sizeof off[0], cmp64);
		double rt_on = (double)on[BLOCKS / 4] / ROUNDS_PER_BLOCK;
		double rt_off = (double)off[BLOCKS / 4] / ROUNDS_PER_BLOCK;
		double min_on = (double)on[0] / ROUNDS_PER_BLOCK;
		double min_off = (double)off[0] / ROUNDS_PER_BLOCK;
		/* The figure other tracers are quoted by: traced half round
		 * trip minus plain half round trip, divisor 1. */
		double mid = (double)(diff[BLOCKS / 4 - 1] + diff[BLOCKS / 4]) / 2;
		printf("pingpong_messages_per_mode: %d messages\n", BLOCKS / 2 * ROUNDS_PER_BLOCK * 2);
		printf("pingpong_formula: traced half round trip - plain half round trip, divisor 1\n");
		printf("pingpong_untraced_half_rtt_ns: %.1f ns\n", rt_off / 2);
		printf("pingpong_traced_half_rtt_ns: %.1f ns\n", rt_on / 2);
		printf("pingpong_added_ns_per_half_rtt: %.1f ns (median of paired differences)\n",
		       mid / ROUNDS_PER_BLOCK / 2);
		printf("pingpong_added_ns_per_half_rtt_medians: %.1f ns\n", (rt_on - rt_off) / 2);
		printf("pingpong_added_ns_per_half_rtt_minima: %.1f ns\n", (min_on - min_off) / 2);
		printf("pingpong_ratio: %.3f x\n", rt_on / rt_off);
	}
	trace_shutdown();
	return 0;
}
