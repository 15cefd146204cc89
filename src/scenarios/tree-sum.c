/* tree-sum: the homework's tree-structured addition (binomial tree).
 *
 * At level L (step = 2^L) a rank whose distance from the root is a multiple
 * of 2*step receives the partial sum of the rank step further away and
 * adds it; a rank at an odd multiple of step sends its sum and is done.
 * After ceil(log2 p) levels the root holds the total, for any p.
 * Every message is tagged with its level.
 */
#include "config.h"

#include <stdlib.h>

#include "scenario.h"

static int tree_sum(const struct scenario_args *a, struct scenario_result *res)
{
	int rank = a->rank, size = a->size, root = a->root;
	long n = a->count;
	int me = (rank - root + size) % size; /* distance from the root */
	double *sum = malloc((size_t)n * sizeof *sum);
	double *partial = malloc((size_t)n * sizeof *partial);
	if (sum == NULL || partial == NULL) {
		free(sum);
		free(partial);
		return MPI_ERR_NO_MEM;
	}
	for (long j = 0; j < n; j++)
		sum[j] = (double)(rank + 1) * (double)(j + 1);

	int rc = MPI_SUCCESS;
	for (int level = 0, step = 1; step < size && rc == MPI_SUCCESS; level++, step *= 2) {
		if (me % (2 * step) == 0) {
			if (me + step < size) {
				int from = (me + step + root) % size;
				rc = MPI_Recv(partial, (int)n, MPI_DOUBLE, from, level,
					      MPI_COMM_WORLD, MPI_STATUS_IGNORE);
				for (long j = 0; j < n; j++)
					sum[j] += partial[j];
			}
		} else {
			int to = (me - step + root) % size;
			rc = MPI_Send(sum, (int)n, MPI_DOUBLE, to, level, MPI_COMM_WORLD);
			break;
		}
	}

	res->ok = 1;
	if (rc == MPI_SUCCESS && rank == root)
		result_sum(res, sum, n, size);
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
