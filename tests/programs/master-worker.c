/* Master and workers: rank 0 hands out tasks and collects results from
 * whichever worker is done first (MPI_ANY_SOURCE), with a blocking receive
 * and, for the last round, non-blocking receives completed by MPI_Waitany
 * and MPI_Testsome. Workers stop at tag 0. Usage: master-worker [TASKS] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#define TAG_WORK 1
#define TAG_STOP 0

static void check(int rc, const char *what)
{
	if (rc != MPI_SUCCESS) {
		fprintf(stderr, "master-worker: %s failed\n", what);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
}

/* One result a worker in flight: a blocking receive from any worker. */
static int collect(long *sum)
{
	long result;
	MPI_Status st;
	check(MPI_Recv(&result, 1, MPI_LONG, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st),
	      "Recv");
	*sum += result;
	return st.MPI_SOURCE;
}

static void send_task(int task, int worker)
{
	check(MPI_Send(&task, 1, MPI_INT, worker, TAG_WORK, MPI_COMM_WORLD), "Send");
}

/* The last results arrive through Irecv(ANY_SOURCE): half completed by
 * Waitany, then one look with Testsome, the rest by Waitsome. */
static void collect_last(int n, long *sum)
{
	MPI_Request *req = malloc((size_t)n * sizeof *req);
	long *res = malloc((size_t)n * sizeof *res);
	int *idx = malloc((size_t)n * sizeof *idx);
	if (req == NULL || res == NULL || idx == NULL)
		MPI_Abort(MPI_COMM_WORLD, 3);
	for (int i = 0; i < n; i++)
		check(MPI_Irecv(&res[i], 1, MPI_LONG, MPI_ANY_SOURCE, TAG_WORK, MPI_COMM_WORLD,
				&req[i]),
		      "Irecv");
	int done = 0;
	for (; done < n / 2; done++) {
		int i;
		check(MPI_Waitany(n, req, &i, MPI_STATUS_IGNORE), "Waitany");
		*sum += res[i];
	}
	for (int polled = 0; done < n; polled = 1) {
		int k;
		if (!polled)
			check(MPI_Testsome(n, req, &k, idx, MPI_STATUSES_IGNORE), "Testsome");
		else
			check(MPI_Waitsome(n, req, &k, idx, MPI_STATUSES_IGNORE), "Waitsome");
		for (int j = 0; j < k && k != MPI_UNDEFINED; j++)
			*sum += res[idx[j]];
		done += k == MPI_UNDEFINED ? 0 : k;
	}
	free(req);
	free(res);
	free(idx);
}

static void master(int size, int tasks)
{
	long sum = 0;
	int next = 1, workers = size - 1;
	int first = tasks < workers ? tasks : workers;
	for (int w = 1; w <= first; w++)
		send_task(next++, w);
	int inflight = first;
	/* keep everyone busy; the last round is collected non-blockingly */
	while (next <= tasks)
		send_task(next++, collect(&sum));
	collect_last(inflight, &sum);
	for (int w = 1; w < size; w++)
		check(MPI_Send(&w, 0, MPI_INT, w, TAG_STOP, MPI_COMM_WORLD), "Send");
	long want = (long)tasks * (tasks + 1) * (2L * tasks + 1) / 6;
	printf("master-worker: sum of squares 1..%d = %ld (%s)\n", tasks, sum,
	       sum == want ? "right" : "WRONG");
	if (sum != want)
		MPI_Abort(MPI_COMM_WORLD, 2);
}

static void worker(void)
{
	for (;;) {
		int task;
		MPI_Status st;
		check(MPI_Recv(&task, 1, MPI_INT, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st), "Recv");
		if (st.MPI_TAG == TAG_STOP)
			return;
		long result = (long)task * task;
		check(MPI_Send(&result, 1, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD), "Send");
	}
}

int main(int argc, char **argv)
{
	int rank, size, tasks = argc > 1 ? atoi(argv[1]) : 10;
	check(MPI_Init(&argc, &argv), "MPI_Init");
	check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
	check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
	if (size < 2) {
		if (rank == 0)
			fprintf(stderr, "master-worker: needs at least 2 ranks\n");
		MPI_Finalize();
		return 1;
	}
	if (rank == 0)
		master(size, tasks);
	else
		worker();
	check(MPI_Finalize(), "MPI_Finalize");
	return 0;
}
