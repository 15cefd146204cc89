/* scatter: the root hands out (i+1)^2 to rank i, one value each.
 *
 *     if rank == 0:
 *         data = [(i+1)**2 for i in range(size)]
 *     else:
 *         data = None
 *     data = comm.scatter(data, root=0)
 *     assert data == (rank+1)**2
 */
#include "config.h"

#include <mpi.h>
#include <stdlib.h>

#include "scenarios/scenario.h"

static int scatter(const struct scenario_args *a, struct scenario_result *res)
{
	int rank = a->rank, size = a->size, root = a->root;
	int *all = NULL;
	int data = 0;

	if (rank == root) {
		all = malloc((size_t)size * sizeof *all);
		if (all == NULL)
			return MPI_ERR_NO_MEM;
		for (int i = 0; i < size; i++)
			all[i] = (i + 1) * (i + 1);
	}
	int rc = MPI_Scatter(all, 1, MPI_INT, &data, 1, MPI_INT, root, MPI_COMM_WORLD);
	if (rc == MPI_SUCCESS) {
		res->ok = data == (rank + 1) * (rank + 1);
		strbuf_printf(&res->text, "got %d", data);
	}
	free(all);
	return rc;
}

const struct scenario scenario_scatter = {
	.name = "scatter",
	.summary = "MPI_Scatter: the root hands rank i the value (i+1)^2, every rank checks its own",
	.min_ranks = 1,
	.uses_root = 1,
	.run = scatter,
};
