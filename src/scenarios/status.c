/* status: receive from anyone into a buffer declared beforehand, then ask
 * the status who it was.
 *
 *     data = rank*np.ones(3, dtype=np.float64)  # declared beforehand
 *     if rank == 0:
 *         comm.Send([data, MPI.DOUBLE], dest=1, tag=1)
 *     if rank == 1:
 *         info = MPI.Status()
 *         comm.Recv(data, MPI.ANY_SOURCE, MPI.ANY_TAG, info)
 *         source = info.Get_source(); tag = info.Get_tag()
 *
 * So that MPI_ANY_SOURCE means something with more than 2 ranks, every rank
 * but 1 sends its data with tag rank + 1, and rank 1 receives size - 1
 * messages in whatever order they arrive.
 */
#include "config.h"

#include <mpi.h>
#include <stdlib.h>

#include "scenarios/scenario.h"

#define LISTED 8 /* arrivals named in the result text */

/* Receives one message into data and checks it against its status. */
static int recv_one(double data[3], char *seen, int size, int *source, int *tag,
		    int *count, int *ok)
{
	MPI_Status status;
	int elements;

	MPI_CHECK(MPI_Recv(data, 3, MPI_DOUBLE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD,
			   &status));
	*source = status.MPI_SOURCE;
	*tag = status.MPI_TAG;
	MPI_CHECK(MPI_Get_count(&status, MPI_DOUBLE, count));
	MPI_CHECK(MPI_Get_elements(&status, MPI_DOUBLE, &elements));

	if (*source < 0 || *source >= size || *source == 1 || seen[*source]) {
		*ok = 0;
		return MPI_SUCCESS;
	}
	seen[*source] = 1;
	if (*tag != *source + 1 || *count != 3 || elements != 3)
		*ok = 0;
	for (int k = 0; k < 3; k++)
		if (data[k] != (double)*source)
			*ok = 0;
	return MPI_SUCCESS;
}

static int recv_all(double data[3], int size, struct scenario_result *res)
{
	int source = -1, tag = -1, count = -1, ok = 1;
	char *seen = calloc((size_t)size, 1);
	if (seen == NULL)
		return MPI_ERR_NO_MEM;

	int rc = MPI_SUCCESS;
	strbuf_puts(&res->text, "arrivals:");
	for (int k = 0; k < size - 1 && rc == MPI_SUCCESS; k++) {
		rc = recv_one(data, seen, size, &source, &tag, &count, &ok);
		if (rc == MPI_SUCCESS && k < LISTED)
			strbuf_printf(&res->text, " %d", source);
		else if (rc == MPI_SUCCESS && k == LISTED)
			strbuf_puts(&res->text, " ...");
	}
	if (rc == MPI_SUCCESS) {
		res->ok = ok;
		strbuf_printf(&res->text, "; last source=%d tag=%d count=%d data = ", source,
			      tag, count);
		result_doubles(&res->text, data, 3);
	}
	free(seen);
	return rc;
}

static int status(const struct scenario_args *a, struct scenario_result *res)
{
	double data[3];

	for (int k = 0; k < 3; k++)
		data[k] = a->rank;
	if (a->rank == 1)
		return recv_all(data, a->size, res);
	MPI_CHECK(MPI_Send(data, 3, MPI_DOUBLE, 1, a->rank + 1, MPI_COMM_WORLD));
	res->ok = 1;
	strbuf_printf(&res->text, "sent [%d, %d, %d] with tag %d", a->rank, a->rank, a->rank,
		      a->rank + 1);
	return MPI_SUCCESS;
}

const struct scenario scenario_status = {
	.name = "status",
	.summary = "MPI_Recv(MPI_ANY_SOURCE, MPI_ANY_TAG): rank 1 reads each status to see who sent",
	.min_ranks = 2,
	.run = status,
};
