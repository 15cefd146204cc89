/* tree-sum: the homework's tree-structured addition (binomial tree).
 *
 * At level L (step = 2^L) a rank whose distance from the root is a multiple
 * of 2*step receives the partial sum of the rank step further away and
 * adds it; a rank at an odd multiple of step sends its sum and is done.
 * After ceil(log2 p) levels the root holds the total, for any p.
 * Every message is tagged with its level.
 */
#include "config.h"

#include <mpi.h>
#include <stdlib.h>

#include "scenarios/scenario.h"
#include "scenarios/sums.h"

int sum_tree(double *sum, double *partial, long n, int root, int rank, int size)
{
	int me = (rank - root + size) % size; /* distance from the root */
	for (int level = 0, step = 1; step < size; level++, step *= 2) {
		if (me % (2 * step) == 0) {
			if (me + step < size) {
				int from = (me + step + root) % size;
				MPI_CHECK(MPI_Recv(partial, (int)n, MPI_DOUBLE, from, level,
						   MPI_COMM_WORLD, MPI_STATUS_IGNORE));
				for (long j = 0; j < n; j++)
					sum[j] += partial[j];
			}
		} else {
			int to = (me - step + root) % size;
			return MPI_Send(sum, (int)n, MPI_DOUBLE, to, level, MPI_COMM_WORLD);
		}
	}
	return MPI_SUCCESS;
}

static int tree_sum(const struct scenario_args *a, struct scenario_result *res)
{
	double *sum, *partial; /* any rank may receive */
	if (sum_alloc(&sum, &partial, a, 1) != MPI_SUCCESS)
		return MPI_ERR_NO_MEM;
	int rc = sum_tree(sum, partial, a->count, a->root, a->rank, a->size);
	result_sum(res, rc, sum, a);
	free(sum);
	free(partial);
	return rc;
}

const struct scenario scenario_tree_sum = {
	.name = "tree-sum",
	.summary = "the homework: binomial-tree addition of rank+1 (or --count N doubles), tag = level",
	SUM_SCENARIO,
	.shows_tree = 1,
	.tag_is_level = 1,
	.run = tree_sum,
};
