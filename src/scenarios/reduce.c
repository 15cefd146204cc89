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
	double *value, *sum; /* the total only at the root */
	if (sum_alloc(&value, &sum, a, a->rank == a->root) != MPI_SUCCESS)
		return MPI_ERR_NO_MEM;

	int rc = MPI_Reduce(value, sum, (int)a->count, MPI_DOUBLE, MPI_SUM, a->root,
			    MPI_COMM_WORLD);
	result_sum(res, rc, sum, a);
	free(value);
	free(sum);
	return rc;
}

const struct scenario scenario_reduce = {
	.name = "reduce",
	.summary = "MPI_Reduce(MPI_SUM): the homework's sum of rank+1 (or --count N doubles) in one call",
	SUM_SCENARIO,
	.shows_tree = 1,
	.run = reduce,
};
