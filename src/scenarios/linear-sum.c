/* linear-sum: the homework done the plain way, to compare with tree-sum.
 *
 *     value = (rank+1)*np.arange(1, n+1)
 *     if rank == root:
 *         for source in range(size):
 *             if source != root:
 *                 comm.Recv(partial, source=source, tag=0); value += partial
 *     else:
 *         comm.Send(value, dest=root, tag=0)
 *
 * The root receives p-1 messages one after the other, in rank order.
 */
#include "config.h"

#include <mpi.h>
#include <stdlib.h>

#include "scenarios/scenario.h"
#include "scenarios/sums.h"

/* The root adds every other rank's value to its own, in rank order. */
int sum_linear(double *sum, double *partial, long n, int root, int rank, int size)
{
	if (rank != root)
		return MPI_Send(sum, (int)n, MPI_DOUBLE, root, 0, MPI_COMM_WORLD);
	for (int source = 0; source < size; source++) {
		if (source == root)
			continue;
		MPI_CHECK(MPI_Recv(partial, (int)n, MPI_DOUBLE, source, 0, MPI_COMM_WORLD,
				   MPI_STATUS_IGNORE));
		for (long j = 0; j < n; j++)
			sum[j] += partial[j];
	}
	return MPI_SUCCESS;
}

static int linear_sum(const struct scenario_args *a, struct scenario_result *res)
{
	double *sum, *partial; /* only the root receives */
	if (sum_alloc(&sum, &partial, a, a->rank == a->root) != MPI_SUCCESS)
		return MPI_ERR_NO_MEM;
	int rc = sum_linear(sum, partial, a->count, a->root, a->rank, a->size);
	result_sum(res, rc, sum, a);
	free(sum);
	free(partial);
	return rc;
}

const struct scenario scenario_linear_sum = {
	.name = "linear-sum",
	.summary = "the homework the plain way: the root receives rank+1 (or --count N) from each rank",
	SUM_SCENARIO,
	.shows_tree = 1,
	.run = linear_sum,
};
