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
	long n = a->count;
	double *sum = malloc((size_t)n * sizeof *sum);
	double *partial = malloc((size_t)n * sizeof *partial);
	if (sum == NULL || partial == NULL) {
		free(sum);
		free(partial);
		return MPI_ERR_NO_MEM;
	}
	sum_values(sum, n, a->rank);
	int rc = sum_tree(sum, partial, n, a->root, a->rank, a->size);
	res->ok = rc == MPI_SUCCESS;
	if (rc == MPI_SUCCESS && a->rank == a->root)
		result_sum(res, sum, n, a->size);
	free(sum);
	free(partial);
	return rc;
}

const struct scenario scenario_tree_sum = {
	.name = "tree-sum",
	.summary = "the homework: binomial-tree addition of rank+1 (or --count N doubles), tag = level",
	.min_ranks = 1,
	.default_count = 1,
	.min_count = 1,
	.max_count = 10000000,
	.uses_count = 1,
	.uses_root = 1,
	.shows_tree = 1,
	.tag_is_level = 1,
	.run = tree_sum,
};
