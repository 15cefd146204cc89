/* gather: every rank contributes (rank+1)^2; the root receives them all.
 *
 *     data = (rank+1)**2
 *     data = comm.gather(data, root=0)
 *     if rank == 0: assert data[i] == (i+1)**2
 */
#include "config.h"

#include <mpi.h>
#include <stdlib.h>

#include "scenarios/scenario.h"

static int gather(const struct scenario_args *a, struct scenario_result *res)
{
	int rank = a->rank, size = a->size, root = a->root;
	int data = (rank + 1) * (rank + 1);
	int *all = NULL;

	if (rank == root) {
		all = malloc((size_t)size * sizeof *all);
		if (all == NULL)
			return MPI_ERR_NO_MEM;
	}
	int rc = MPI_Gather(&data, 1, MPI_INT, all, 1, MPI_INT, root, MPI_COMM_WORLD);
	if (rc == MPI_SUCCESS && rank == root) {
		res->ok = 1;
		for (int i = 0; i < size; i++)
			if (all[i] != (i + 1) * (i + 1))
				res->ok = 0;
		strbuf_puts(&res->text, "data = ");
		result_ints(&res->text, all, size);
	} else if (rc == MPI_SUCCESS) {
		res->ok = 1;
		strbuf_printf(&res->text, "sent %d", data);
	}
	free(all);
	return rc;
}

const struct scenario scenario_gather = {
	.name = "gather",
	.summary = "MPI_Gather: every rank sends (rank+1)^2, the root checks data[i] == (i+1)^2",
	.min_ranks = 1,
	.uses_root = 1,
	.run = gather,
};
