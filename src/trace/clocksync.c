#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/clocksync.h"

#define HOST_ID_LEN 96
#define PINGS 16
#define TAG_PING 1
#define TAG_OFFSET 2

/* Processes that share a kernel share CLOCK_MONOTONIC: the boot id says
 * so better than a host name (containers, aliases). */
static void host_id(char out[HOST_ID_LEN])
{
	memset(out, 0, HOST_ID_LEN);
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f != NULL) {
		if (fgets(out, HOST_ID_LEN, f) == NULL)
			out[0] = '\0';
		fclose(f);
	}
	if (out[0] == '\0' && gethostname(out, HOST_ID_LEN - 1) != 0)
		strcpy(out, "unknown");
}

/* Rank 0's side of the estimate with one peer: keep the offset measured on
 * the shortest round trip, whose midpoint is the least uncertain. */
static int estimate_peer(MPI_Comm comm, int peer, int64_t *offset, int64_t *rtt)
{
	int64_t best = INT64_MAX, best_offset = 0;
	for (int i = 0; i < PINGS; i++) {
		int64_t t1 = clock_now_ns(), remote;
		int rc = PMPI_Send(NULL, 0, MPI_BYTE, peer, TAG_PING, comm);
		if (rc == MPI_SUCCESS)
			rc = PMPI_Recv(&remote, 1, MPI_INT64_T, peer, TAG_PING, comm,
				       MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
		int64_t t2 = clock_now_ns();
		if (t2 - t1 < best) {
			best = t2 - t1;
			best_offset = remote - (t1 + (t2 - t1) / 2);
		}
	}
	*offset = best_offset;
	*rtt = best;
	return MPI_SUCCESS;
}

static int answer_pings(MPI_Comm comm)
{
	for (int i = 0; i < PINGS; i++) {
		int rc = PMPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_PING, comm, MPI_STATUS_IGNORE);
		int64_t now = clock_now_ns();
		if (rc == MPI_SUCCESS)
			rc = PMPI_Send(&now, 1, MPI_INT64_T, 0, TAG_PING, comm);
		if (rc != MPI_SUCCESS)
			return rc;
	}
	return MPI_SUCCESS;
}

static int estimate_all(struct clock_sync *cs, MPI_Comm comm, int rank, int size,
			const int *needs)
{
	int rc = MPI_SUCCESS;
	if (rank != 0) {
		if (!needs[0])
			return MPI_SUCCESS;
		int64_t result[2] = {0, 0};
		if ((rc = answer_pings(comm)) == MPI_SUCCESS)
			rc = PMPI_Recv(result, 2, MPI_INT64_T, 0, TAG_OFFSET, comm,
				       MPI_STATUS_IGNORE);
		cs->offset = result[0];
		cs->rtt = result[1];
		return rc;
	}
	for (int peer = 1; peer < size && rc == MPI_SUCCESS; peer++) {
		int64_t result[2];
		if (!needs[peer])
			continue;
		rc = estimate_peer(comm, peer, &result[0], &result[1]);
		if (rc == MPI_SUCCESS)
			rc = PMPI_Send(result, 2, MPI_INT64_T, peer, TAG_OFFSET, comm);
	}
	return rc;
}

int clock_sync_run(struct clock_sync *cs, MPI_Comm comm, int force_estimate)
{
	int rank, size, rc;
	char mine[HOST_ID_LEN], root[HOST_ID_LEN];
	memset(cs, 0, sizeof *cs);
	if ((rc = PMPI_Comm_rank(comm, &rank)) != MPI_SUCCESS ||
	    (rc = PMPI_Comm_size(comm, &size)) != MPI_SUCCESS)
		return rc;
	host_id(mine);
	memcpy(root, mine, HOST_ID_LEN);
	if ((rc = PMPI_Bcast(root, HOST_ID_LEN, MPI_CHAR, 0, comm)) != MPI_SUCCESS)
		return rc;
	cs->same_host = !force_estimate && memcmp(root, mine, HOST_ID_LEN) == 0;

	int need = !cs->same_host && rank != 0;
	int *needs = calloc((size_t)size, sizeof *needs);
	if (needs == NULL)
		return MPI_ERR_NO_MEM;
	rc = PMPI_Gather(&need, 1, MPI_INT, needs, 1, MPI_INT, 0, comm);
	if (rc == MPI_SUCCESS)
		rc = estimate_all(cs, comm, rank, size, rank == 0 ? needs : &need);
	free(needs);
	if (rc != MPI_SUCCESS)
		return rc;

	int64_t start = clock_now_ns();
	if ((rc = PMPI_Bcast(&start, 1, MPI_INT64_T, 0, comm)) != MPI_SUCCESS)
		return rc;
	if (rank == 0)
		cs->same_host = 1;
	cs->epoch = start + cs->offset;
	return MPI_SUCCESS;
}
