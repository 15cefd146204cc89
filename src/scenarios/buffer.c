/* buffer: the capital Send of a bufferable object, no pickling.
 *
 *     if rank == 0:
 *         comm.Send([data, MPI.DOUBLE], dest=1, tag=0)
 *     if rank == 1:
 *         comm.Recv([data, MPI.DOUBLE], source=0, tag=0)
 *
 * Rank 0 sends --count doubles data[j] = j + 0.5; rank 1 receives exactly
 * that many and checks the values and MPI_Get_count.
 */
#include "config.h"

#include <mpi.h>
#include <stdlib.h>

#include "scenarios/buffer.h"
#include "scenarios/scenario.h"

int send_doubles(long n, double first, int tag, struct scenario_result *res)
{
	double *data = malloc((size_t)(n > 0 ? n : 1) * sizeof *data);
	if (data == NULL)
		return MPI_ERR_NO_MEM;
	for (long j = 0; j < n; j++)
		data[j] = (double)j + first;
	int rc = MPI_Send(data, (int)n, MPI_DOUBLE, 1, tag, MPI_COMM_WORLD);
	if (rc == MPI_SUCCESS) {
		res->ok = 1;
		strbuf_printf(&res->text, "sent %ld doubles", n);
		if (tag != 0)
			strbuf_printf(&res->text, " with tag %d", tag);
	}
	free(data);
	return rc;
}

static int recv_data(long n, struct scenario_result *res)
{
	MPI_Status status;
	int count = -1;
	double *data = malloc((size_t)(n > 0 ? n : 1) * sizeof *data);
	if (data == NULL)
		return MPI_ERR_NO_MEM;
	int rc = MPI_Recv(data, (int)n, MPI_DOUBLE, 0, 0, MPI_COMM_WORLD, &status);
	if (rc == MPI_SUCCESS)
		rc = MPI_Get_count(&status, MPI_DOUBLE, &count);
	if (rc == MPI_SUCCESS) {
		res->ok = count == n;
		for (long j = 0; j < n; j++)
			if (data[j] != (double)j + 0.5)
				res->ok = 0;
		strbuf_printf(&res->text, "count=%d data = ", count);
		result_doubles(&res->text, data, n);
	}
	free(data);
	return rc;
}

static int buffer(const struct scenario_args *a, struct scenario_result *res)
{
	if (a->rank == 0)
		return send_doubles(a->count, 0.5, 0, res);
	if (a->rank == 1)
		return recv_data(a->count, res);
	res->ok = 1;
	return MPI_SUCCESS;
}

const struct scenario scenario_buffer = {
	.name = "buffer",
	.summary = "comm.Send([data, MPI.DOUBLE]): rank 0 sends --count doubles j+0.5, rank 1 checks them",
	.min_ranks = 2,
	.default_count = 3,
	.min_count = 0,
	.max_count = 10000000,
	.uses_count = 1,
	.run = buffer,
};
