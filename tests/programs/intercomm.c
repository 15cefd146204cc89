/* Collectives on an intercommunicator, every shape the standard allows:
 * the even ranks and the odd ranks are two groups; the root is MPI_ROOT,
 * the rest of its group passes MPI_PROC_NULL and NULL buffers and counts,
 * the other group names the root's rank over there. Gather(v),
 * Scatter(v), Bcast, Reduce, Allgather(v), Alltoall(v) each way; every
 * check prints one line. Needs at least 2 ranks. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int bad;

static void check(int ok, int rank, const char *what)
{
	printf("intercomm: rank %d %s %s\n", rank, what, ok ? "ok" : "WRONG");
	bad += !ok;
}

/* The root group is group 0 (even world ranks), its root local rank 0. */
static int root_arg(int group, int lrank)
{
	return group == 0 ? (lrank == 0 ? MPI_ROOT : MPI_PROC_NULL) : 0;
}

static void rooted(MPI_Comm inter, int group, int lrank, int remote, int wrank)
{
	int root = root_arg(group, lrank), v = 100 + wrank, got = -1;
	int *all = root == MPI_ROOT ? calloc((size_t)remote, sizeof *all) : NULL;
	int *counts = root == MPI_ROOT ? malloc((size_t)remote * sizeof *counts) : NULL;
	int *displs = root == MPI_ROOT ? malloc((size_t)remote * sizeof *displs) : NULL;
	for (int i = 0; root == MPI_ROOT && i < remote; i++)
		counts[i] = 1, displs[i] = i;
	/* the other group's ranks are 1, 3, 5...: world rank 2i+1 */
	MPI_Gather(group ? &v : NULL, group ? 1 : 0, MPI_INT, all, 1, MPI_INT, root, inter);
	if (root == MPI_ROOT)
		check(all[remote - 1] == 100 + 2 * (remote - 1) + 1, wrank, "gather");
	MPI_Gatherv(group ? &v : NULL, group ? 1 : 0, MPI_INT, all, counts, displs, MPI_INT, root,
		    inter);
	if (root == MPI_ROOT)
		check(all[0] == 101, wrank, "gatherv");
	for (int i = 0; root == MPI_ROOT && i < remote; i++)
		all[i] = 200 + i;
	MPI_Scatter(all, 1, MPI_INT, group ? &got : NULL, group ? 1 : 0, MPI_INT, root, inter);
	if (group)
		check(got == 200 + lrank, wrank, "scatter");
	MPI_Scatterv(all, counts, displs, MPI_INT, group ? &got : NULL, group ? 1 : 0, MPI_INT,
		     root, inter);
	if (group)
		check(got == 200 + lrank, wrank, "scatterv");
	/* MPICH checks these buffers even where they are not significant */
	int b = root == MPI_ROOT ? 77 : -1;
	MPI_Bcast(&b, 1, MPI_INT, root, inter);
	if (group)
		check(b == 77, wrank, "bcast");
	int sum = 0;
	MPI_Reduce(&v, &sum, 1, MPI_INT, MPI_SUM, root, inter);
	if (root == MPI_ROOT) {
		int want = 0;
		for (int i = 0; i < remote; i++)
			want += 100 + 2 * i + 1;
		check(sum == want, wrank, "reduce");
	}
	free(all);
	free(counts);
	free(displs);
}

static void everyone(MPI_Comm inter, int remote, int wrank)
{
	int v = wrank, *all = calloc((size_t)remote, sizeof *all);
	int *ones = malloc((size_t)remote * sizeof *ones);
	int *displs = malloc((size_t)remote * sizeof *displs);
	int *mine = malloc((size_t)remote * sizeof *mine);
	for (int i = 0; i < remote; i++)
		ones[i] = 1, displs[i] = i, mine[i] = wrank * 10 + i;
	MPI_Allgather(&v, 1, MPI_INT, all, 1, MPI_INT, inter);
	int parity = (wrank + 1) % 2; /* the other group's world ranks */
	check(all[0] == parity, wrank, "allgather");
	MPI_Allgatherv(&v, 1, MPI_INT, all, ones, displs, MPI_INT, inter);
	check(all[remote - 1] == parity + 2 * (remote - 1), wrank, "allgatherv");
	MPI_Alltoall(mine, 1, MPI_INT, all, 1, MPI_INT, inter);
	check(all[0] == parity * 10 + wrank / 2, wrank, "alltoall");
	MPI_Alltoallv(mine, ones, displs, MPI_INT, all, ones, displs, MPI_INT, inter);
	check(all[0] == parity * 10 + wrank / 2, wrank, "alltoallv");
	free(all);
	free(ones);
	free(displs);
	free(mine);
}

int main(int argc, char **argv)
{
	int wrank, wsize, lrank, remote;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
	MPI_Comm_size(MPI_COMM_WORLD, &wsize);
	if (wsize < 2) {
		MPI_Finalize();
		return 0;
	}
	int group = wrank % 2;
	MPI_Comm local, inter;
	MPI_Comm_split(MPI_COMM_WORLD, group, wrank, &local);
	MPI_Comm_rank(local, &lrank);
	/* the leaders: world 0 for the evens, world 1 for the odds */
	MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, group ? 0 : 1, 9, &inter);
	MPI_Comm_remote_size(inter, &remote);
	rooted(inter, group, lrank, remote, wrank);
	everyone(inter, remote, wrank);
	MPI_Comm_free(&inter);
	MPI_Comm_free(&local);
	MPI_Finalize();
	return bad ? 1 : 0;
}
