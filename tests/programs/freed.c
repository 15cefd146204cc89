/* Handles freed while a request still uses them, as MPI allows: each rank
 * but 0 posts an Irecv of a derived datatype and frees the datatype, and
 * an ANY_SOURCE Irecv on a duplicate of WORLD and frees the communicator,
 * before waiting; then the same with a persistent receive, started after
 * its communicator was freed. Rank 0 sends to each. A tracer that looks at either
 * handle when the request completes asks MPI about a freed object (it
 * crashed on the datatype, or aborted on the communicator). */
#include <mpi.h>
#include <stdio.h>

static int check(int ok, int rank, const char *what)
{
	printf("freed: rank %d %s %s\n", rank, what, ok ? "ok" : "WRONG");
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	int rank, size, bad = 0;
	int v[6] = {0};
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS)
		return 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	MPI_Comm dup, dup2;
	MPI_Comm_dup(MPI_COMM_WORLD, &dup);
	MPI_Comm_dup(MPI_COMM_WORLD, &dup2);
	MPI_Datatype pairs;
	MPI_Type_vector(2, 1, 2, MPI_INT, &pairs); /* v[0] and v[2] */
	MPI_Type_commit(&pairs);
	if (rank == 0) {
		int w[3] = {10, 11, 12};
		for (int r = 1; r < size; r++) {
			MPI_Send(w, 2, MPI_INT, r, 1, MPI_COMM_WORLD);
			MPI_Send(&w[2], 1, MPI_INT, r, 2, dup);
			MPI_Send(&w[1], 1, MPI_INT, r, 3, dup2);
		}
		MPI_Type_free(&pairs);
		MPI_Comm_free(&dup);
		MPI_Comm_free(&dup2);
	} else {
		MPI_Request req[2];
		MPI_Status st[2];
		MPI_Irecv(v, 1, pairs, 0, 1, MPI_COMM_WORLD, &req[0]);
		MPI_Type_free(&pairs);
		MPI_Irecv(&v[4], 1, MPI_INT, MPI_ANY_SOURCE, 2, dup, &req[1]);
		MPI_Comm_free(&dup);
		MPI_Waitall(2, req, st);
		bad += check(v[0] == 10 && v[1] == 0 && v[2] == 11, rank, "derived irecv, type freed");
		bad += check(v[4] == 12 && st[1].MPI_SOURCE == 0, rank, "any-source irecv, comm freed");
		MPI_Recv_init(&v[5], 1, MPI_INT, MPI_ANY_SOURCE, 3, dup2, &req[0]);
		MPI_Comm_free(&dup2);
		MPI_Start(&req[0]);
		MPI_Wait(&req[0], &st[0]);
		MPI_Request_free(&req[0]);
		bad += check(v[5] == 11 && st[0].MPI_SOURCE == 0, rank, "persistent any-source recv, comm freed");
	}
	MPI_Finalize();
	return bad ? 1 : 0;
}
