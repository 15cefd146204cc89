/* probe: learn what is coming before receiving it.
 *
 *     if rank == 0:
 *         comm.Send([data, MPI.DOUBLE], dest=1, tag=1)
 *     if rank == 1:
 *         info = MPI.Status()
 *         comm.Probe(MPI.ANY_SOURCE, MPI.ANY_TAG, info)
 *         source = info.Get_source(); tag = info.Get_tag()
 *         count = info.Get_elements(MPI.DOUBLE); size = info.Get_count()
 *
 * The notes send rank*np.ones(3), all zeros on rank 0; to make the check
 * meaningful rank 0 sends --count doubles data[j] = j + 1.0 instead.
 * Rank 1 sizes its buffer from the probe's status, then receives.
 */
#include "config.h"

#include <mpi.h>
#include <stdlib.h>

#include "scenarios/buffer.h"
#include "scenarios/scenario.h"

static int probe_and_recv(long n, struct scenario_result *res)
{
	MPI_Status status;
	int source, tag, elements, count;

	MPI_CHECK(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status));
	source = status.MPI_SOURCE;
	tag = status.MPI_TAG;
	MPI_CHECK(MPI_Get_elements(&status, MPI_DOUBLE, &elements));
	MPI_CHECK(MPI_Get_count(&status, MPI_DOUBLE, &count));
	if (count == MPI_UNDEFINED || count < 0)
		return MPI_ERR_COUNT;

	double *buf = malloc((size_t)(count > 0 ? count : 1) * sizeof *buf);
	if (buf == NULL)
		return MPI_ERR_NO_MEM;
	int rc = MPI_Recv(buf, count, MPI_DOUBLE, source, tag, MPI_COMM_WORLD,
			  MPI_STATUS_IGNORE);
	if (rc == MPI_SUCCESS) {
		res->ok = source == 0 && tag == 1 && count == n && elements == n;
		for (int j = 0; j < count; j++)
			if (buf[j] != (double)j + 1.0)
				res->ok = 0;
		strbuf_printf(&res->text, "source=%d tag=%d count=%d elements=%d", source,
			      tag, count, elements);
	}
	free(buf);
	return rc;
}

static int probe(const struct scenario_args *a, struct scenario_result *res)
{
	if (a->rank == 0)
		return send_doubles(a->count, 1.0, 1, res); /* buffer's send */
	if (a->rank == 1)
		return probe_and_recv(a->count, res);
	res->ok = 1;
	return MPI_SUCCESS;
}

const struct scenario scenario_probe = {
	.name = "probe",
	.summary = "MPI_Probe + MPI_Get_count/MPI_Get_elements: rank 1 sizes its buffer before MPI_Recv",
	.min_ranks = 2,
	.default_count = 3,
	.min_count = 0,
	.max_count = 10000000,
	.uses_count = 1,
	.run = probe,
};
