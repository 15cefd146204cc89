/* reduce: the homework's sum done by the library in one call.
 *
 *     value = (rank+1)*np.arange(1, n+1)
 *     comm.Reduce(value, total, op=MPI.SUM, root=0)
 *
 * The root checks element j of the sum against p(p+1)/2 * (j+1).
 */
#include "config.h"

#include <mpi.h>
#include <stdlib.h>

#include "scenarios/scenario.h"
#include "scenarios/sums.h"

static int reduce(const struct scenario_args *a, struct scenario_result *res)
{
	int rank = a->rank, root = a->root;
	long n = a->count;
	double *value = calloc((size_t)n, sizeof *value);
	double *sum = NULL;

	if (rank == root)
		sum = malloc((size_t)n * sizeof *sum);
	if (value == NULL || (rank == root && sum == NULL)) {
		free(value);
		free(sum);
		return MPI_ERR_NO_MEM;
	}
	sum_values(value, n, rank);

	int rc = MPI_Reduce(value, sum, (int)n, MPI_DOUBLE, MPI_SUM, root, MPI_COMM_WORLD);
	if (rc == MPI_SUCCESS && rank == root)
		result_sum(res, sum, n, a->size);
	else if (rc == MPI_SUCCESS)
		res->ok = 1;
	free(value);
	free(sum);
	return rc;
}

const struct scenario scenario_reduce = {
	.name = "reduce",
	.summary = "MPI_Reduce(MPI_SUM): the homework's sum of rank+1 (or --count N doubles) in one call",
	.min_ranks = 1,
	.default_count = 1,
	.min_count = 1,
	.max_count = 10000000,
	.uses_count = 1,
	.uses_root = 1,
	.shows_tree = 1,
	.run = reduce,
};
