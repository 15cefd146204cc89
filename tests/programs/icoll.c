/* Non-blocking collectives, and the blocking ones that came with them:
 * every rank posts each of MPI's I-collectives on WORLD (some in place,
 * some on a split), completes them with Wait, Waitall or Test, and
 * checks what arrived; then Reduce_scatter(_block), Scan and Exscan.
 * Each rank prints one line per check, "ok" or "WRONG". */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int rank, size;

static void check(int rc, const char *what)
{
	if (rc != MPI_SUCCESS) {
		fprintf(stderr, "icoll: %s failed\n", what);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
}

static void *alloc(size_t n, size_t size_each)
{
	void *p = calloc(n ? n : 1, size_each);
	if (p == NULL)
		MPI_Abort(MPI_COMM_WORLD, 3);
	return p;
}

static void say(const char *what, int good)
{
	printf("rank %d %s %s\n", rank, what, good ? "ok" : "WRONG");
}

/* A Test first, as a program overlapping work would, then a Wait. */
static void test_then_wait(MPI_Request *req)
{
	int done = 0;
	check(MPI_Test(req, &done, MPI_STATUS_IGNORE), "Test");
	if (!done)
		check(MPI_Wait(req, MPI_STATUS_IGNORE), "Wait");
}

static void rooted(void)
{
	MPI_Request req[3];
	int b = rank == 0 ? 42 : -1, r = rank + 1, sum = 0;
	check(MPI_Ibcast(&b, 1, MPI_INT, 0, MPI_COMM_WORLD, &req[0]), "Ibcast");
	check(MPI_Ireduce(&r, &sum, 1, MPI_INT, MPI_SUM, size - 1, MPI_COMM_WORLD, &req[1]),
	      "Ireduce");
	check(MPI_Ibarrier(MPI_COMM_WORLD, &req[2]), "Ibarrier");
	MPI_Status st[3];
	check(MPI_Waitall(3, req, st), "Waitall");
	say("ibcast", b == 42);
	if (rank == size - 1)
		say("ireduce", sum == size * (size + 1) / 2);

	int *all = alloc((size_t)size, sizeof *all), part = -1;
	int *counts = alloc((size_t)size, sizeof *counts), *displs = alloc((size_t)size, sizeof *displs);
	for (int i = 0; i < size; i++) {
		all[i] = 10 * i;
		counts[i] = 1;
		displs[i] = i;
	}
	check(MPI_Iscatter(all, 1, MPI_INT, &part, 1, MPI_INT, 0, MPI_COMM_WORLD, &req[0]),
	      "Iscatter");
	check(MPI_Wait(&req[0], MPI_STATUS_IGNORE), "Wait");
	say("iscatter", part == 10 * rank);
	part = rank * 3;
	check(MPI_Igatherv(&part, 1, MPI_INT, all, counts, displs, MPI_INT, 0, MPI_COMM_WORLD,
			   &req[0]), "Igatherv");
	test_then_wait(&req[0]);
	int good = 1;
	for (int i = 0; rank == 0 && i < size; i++)
		good &= all[i] == 3 * i;
	say("igatherv", good);
	check(MPI_Iscatterv(all, counts, displs, MPI_INT, &part, 1, MPI_INT, 0, MPI_COMM_WORLD,
			    &req[0]), "Iscatterv");
	check(MPI_Wait(&req[0], MPI_STATUS_IGNORE), "Wait");
	say("iscatterv", part == 3 * rank);
	check(MPI_Igather(&part, 1, MPI_INT, all, 1, MPI_INT, size - 1, MPI_COMM_WORLD, &req[0]),
	      "Igather");
	check(MPI_Wait(&req[0], MPI_STATUS_IGNORE), "Wait");
	good = 1;
	for (int i = 0; rank == size - 1 && i < size; i++)
		good &= all[i] == 3 * i;
	say("igather", good);
	free(all);
	free(counts);
	free(displs);
}

static void everyone(MPI_Comm comm, const char *where)
{
	int me, n;
	check(MPI_Comm_rank(comm, &me), "Comm_rank");
	check(MPI_Comm_size(comm, &n), "Comm_size");
	MPI_Request req[4];
	int v = me + 1, sum = v, scan = 0, exscan = -7;
	int *all = alloc((size_t)n, sizeof *all), *out = alloc((size_t)n, sizeof *out);
	int *back = alloc((size_t)n, sizeof *back);
	int *counts = alloc((size_t)n, sizeof *counts), *displs = alloc((size_t)n, sizeof *displs);
	for (int i = 0; i < n; i++) {
		out[i] = me * 100 + i;
		counts[i] = 1;
		displs[i] = i;
	}
	check(MPI_Iallreduce(MPI_IN_PLACE, &sum, 1, MPI_INT, MPI_SUM, comm, &req[0]), "Iallreduce");
	check(MPI_Iscan(&v, &scan, 1, MPI_INT, MPI_SUM, comm, &req[1]), "Iscan");
	check(MPI_Iexscan(&v, &exscan, 1, MPI_INT, MPI_SUM, comm, &req[2]), "Iexscan");
	check(MPI_Ialltoall(out, 1, MPI_INT, back, 1, MPI_INT, comm, &req[3]), "Ialltoall");
	MPI_Status st[4];
	check(MPI_Waitall(4, req, st), "Waitall");
	char what[64];
	snprintf(what, sizeof what, "iallreduce %s", where);
	say(what, sum == n * (n + 1) / 2);
	snprintf(what, sizeof what, "iscan %s", where);
	say(what, scan == (me + 1) * (me + 2) / 2);
	snprintf(what, sizeof what, "iexscan %s", where);
	say(what, me == 0 || exscan == me * (me + 1) / 2);
	int good = 1;
	for (int i = 0; i < n; i++)
		good &= back[i] == i * 100 + me;
	snprintf(what, sizeof what, "ialltoall %s", where);
	say(what, good);

	check(MPI_Iallgather(&v, 1, MPI_INT, all, 1, MPI_INT, comm, &req[0]), "Iallgather");
	check(MPI_Wait(&req[0], MPI_STATUS_IGNORE), "Wait");
	good = 1;
	for (int i = 0; i < n; i++)
		good &= all[i] == i + 1;
	check(MPI_Iallgatherv(&v, 1, MPI_INT, back, counts, displs, MPI_INT, comm, &req[0]),
	      "Iallgatherv");
	test_then_wait(&req[0]);
	for (int i = 0; i < n; i++)
		good &= back[i] == i + 1;
	check(MPI_Ialltoallv(out, counts, displs, MPI_INT, back, counts, displs, MPI_INT, comm,
			     &req[0]), "Ialltoallv");
	check(MPI_Wait(&req[0], MPI_STATUS_IGNORE), "Wait");
	for (int i = 0; i < n; i++)
		good &= back[i] == i * 100 + me;
	snprintf(what, sizeof what, "iallgather(v) ialltoallv %s", where);
	say(what, good);

	/* every rank gives 1..n: block i of the sum is n * (i + 1) */
	for (int i = 0; i < n; i++)
		out[i] = i + 1;
	int block = 0;
	check(MPI_Ireduce_scatter_block(out, &block, 1, MPI_INT, MPI_SUM, comm, &req[0]),
	      "Ireduce_scatter_block");
	check(MPI_Wait(&req[0], MPI_STATUS_IGNORE), "Wait");
	good = block == n * (me + 1);
	block = 0;
	check(MPI_Ireduce_scatter(out, &block, counts, MPI_INT, MPI_SUM, comm, &req[0]),
	      "Ireduce_scatter");
	check(MPI_Wait(&req[0], MPI_STATUS_IGNORE), "Wait");
	good &= block == n * (me + 1);
	block = 0;
	check(MPI_Reduce_scatter_block(out, &block, 1, MPI_INT, MPI_SUM, comm),
	      "Reduce_scatter_block");
	good &= block == n * (me + 1);
	block = 0;
	check(MPI_Reduce_scatter(out, &block, counts, MPI_INT, MPI_SUM, comm), "Reduce_scatter");
	good &= block == n * (me + 1);
	check(MPI_Scan(&v, &scan, 1, MPI_INT, MPI_SUM, comm), "Scan");
	good &= scan == (me + 1) * (me + 2) / 2;
	exscan = -7;
	check(MPI_Exscan(&v, &exscan, 1, MPI_INT, MPI_SUM, comm), "Exscan");
	good &= me == 0 || exscan == me * (me + 1) / 2;
	snprintf(what, sizeof what, "reduce_scatter scan exscan %s", where);
	say(what, good);
	free(all);
	free(out);
	free(back);
	free(counts);
	free(displs);
}

int main(int argc, char **argv)
{
	check(MPI_Init(&argc, &argv), "Init");
	check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "Comm_rank");
	check(MPI_Comm_size(MPI_COMM_WORLD, &size), "Comm_size");
	rooted();
	everyone(MPI_COMM_WORLD, "world");
	MPI_Comm half;
	check(MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half), "Comm_split");
	everyone(half, "half");
	check(MPI_Comm_free(&half), "Comm_free");
	check(MPI_Finalize(), "Finalize");
	return 0;
}
