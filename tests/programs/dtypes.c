/* Derived datatypes on every receive path, zero-size ones among them: a
 * tracer that asks MPI about the program's datatype (MPI_Get_elements
 * divides by its size) must not trap where the program would not. Each
 * pair of ranks (0 with every other) exchanges a vector with holes, a
 * struct, and a zero-size type by Send/Recv, Isend/Irecv/Wait,
 * Sendrecv and Probe + Recv; every check prints one line. */
#include <mpi.h>
#include <stddef.h>
#include <stdio.h>

struct pair {
	int i;
	double d;
};

static int check(int ok, int rank, const char *what)
{
	printf("dtypes: rank %d %s %s\n", rank, what, ok ? "ok" : "WRONG");
	return ok ? 0 : 1;
}

static MPI_Datatype pair_type(void)
{
	int len[2] = {1, 1};
	MPI_Aint disp[2] = {offsetof(struct pair, i), offsetof(struct pair, d)};
	MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE}, t;
	MPI_Type_create_struct(2, len, disp, types, &t);
	MPI_Type_commit(&t);
	return t;
}

static int exchange(int rank, int peer, MPI_Datatype vec, MPI_Datatype pairs, MPI_Datatype empty)
{
	int v[12], bad = 0;
	struct pair p[2];
	int sender = rank == 0;
	for (int i = 0; i < 12; i++)
		v[i] = sender ? 100 + i : -1;
	p[0] = sender ? (struct pair){7, 2.5} : (struct pair){0, 0};
	p[1] = sender ? (struct pair){8, 3.5} : (struct pair){0, 0};
	if (sender) {
		MPI_Send(v, 1, vec, peer, 1, MPI_COMM_WORLD);
		MPI_Send(p, 2, pairs, peer, 2, MPI_COMM_WORLD);
		MPI_Send(v, 3, empty, peer, 3, MPI_COMM_WORLD);
		MPI_Request r;
		MPI_Isend(v, 1, vec, peer, 4, MPI_COMM_WORLD, &r);
		MPI_Wait(&r, MPI_STATUS_IGNORE);
		MPI_Send(p, 1, pairs, peer, 5, MPI_COMM_WORLD);
		MPI_Sendrecv(v, 2, empty, peer, 6, v, 2, empty, peer, 6, MPI_COMM_WORLD,
			     MPI_STATUS_IGNORE);
		return 0;
	}
	MPI_Status st;
	int n = -1;
	MPI_Recv(v, 1, vec, 0, 1, MPI_COMM_WORLD, &st);
	bad += check(v[0] == 100 && v[1] == -1 && v[3] == 103 && v[6] == 106, rank, "vector recv");
	MPI_Recv(p, 2, pairs, 0, 2, MPI_COMM_WORLD, &st);
	MPI_Get_count(&st, pairs, &n);
	bad += check(p[1].i == 8 && p[1].d == 3.5 && n == 2, rank, "struct recv");
	MPI_Recv(v, 3, empty, 0, 3, MPI_COMM_WORLD, &st);
	MPI_Get_count(&st, empty, &n);
	bad += check(n == 0, rank, "zero-size recv");
	MPI_Request r;
	for (int i = 0; i < 12; i++)
		v[i] = -1;
	MPI_Irecv(v, 1, vec, 0, 4, MPI_COMM_WORLD, &r);
	MPI_Wait(&r, &st);
	bad += check(v[9] == 109 && v[10] == -1, rank, "vector irecv");
	MPI_Probe(0, 5, MPI_COMM_WORLD, &st);
	MPI_Get_elements(&st, pairs, &n);
	bad += check(n == 2, rank, "struct probe elements");
	MPI_Recv(p, 1, pairs, 0, 5, MPI_COMM_WORLD, &st);
	MPI_Sendrecv(v, 2, empty, 0, 6, v, 2, empty, 0, 6, MPI_COMM_WORLD, &st);
	bad += check(p[0].i == 7, rank, "sendrecv zero-size");
	return bad;
}

int main(int argc, char **argv)
{
	int rank, size, bad = 0;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Datatype vec, empty, pairs = pair_type();
	MPI_Type_vector(4, 1, 3, MPI_INT, &vec); /* holes between the ints */
	MPI_Type_commit(&vec);
	MPI_Type_contiguous(0, MPI_INT, &empty);
	MPI_Type_commit(&empty);
	for (int peer = 1; peer < size; peer++)
		if (rank == 0 || rank == peer)
			bad += exchange(rank, rank == 0 ? peer : 0, vec, pairs, empty);
	MPI_Type_free(&vec);
	MPI_Type_free(&empty);
	MPI_Type_free(&pairs);
	MPI_Finalize();
	return bad ? 1 : 0;
}
