/* An ordinary MPI program, not linked with mpiloom: 8-byte round trips
 * between ranks 0 and 1 three ways, in interleaved blocks (so that each
 * way sees the same machine state): blocking on MPI_COMM_WORLD, blocking
 * on a duplicate of it (what a traced call costs on a communicator other
 * than WORLD: its id and world ranks come from an attribute), and
 * Isend/Irecv + Wait on WORLD (the request table). Prints the best block
 * of each, "comms_<way>_roundtrip_ns: X ns". Run plain and under
 * `mpiloom run` (bench/run-all does both): the difference over 4 is the
 * cost per traced call (a non-blocking round trip is 4 calls a rank, so
 * over 8 there). */
#include <mpi.h>
#include <stdio.h>

#define BLOCKS 5
#define ROUNDS 40000

enum way { WORLD, DUP, NONBLOCKING, WAYS };

static int blocking(int rank, MPI_Comm comm, double *msg)
{
	int rc = MPI_SUCCESS, peer = 1 - rank;
	for (int i = 0; i < ROUNDS && rc == MPI_SUCCESS; i++) {
		if (rank == 0 && (rc = MPI_Send(msg, 1, MPI_DOUBLE, peer, 0, comm)) == MPI_SUCCESS)
			rc = MPI_Recv(msg, 1, MPI_DOUBLE, peer, 0, comm, MPI_STATUS_IGNORE);
		if (rank == 1 &&
		    (rc = MPI_Recv(msg, 1, MPI_DOUBLE, peer, 0, comm, MPI_STATUS_IGNORE)) == MPI_SUCCESS)
			rc = MPI_Send(msg, 1, MPI_DOUBLE, peer, 0, comm);
	}
	return rc;
}

static int nonblocking(int rank, double *msg)
{
	int rc = MPI_SUCCESS, peer = 1 - rank;
	MPI_Request req;
	for (int i = 0; i < ROUNDS && rc == MPI_SUCCESS; i++) {
		if (rank == 0) {
			if ((rc = MPI_Isend(msg, 1, MPI_DOUBLE, peer, 0, MPI_COMM_WORLD, &req)) ==
				    MPI_SUCCESS &&
			    (rc = MPI_Wait(&req, MPI_STATUS_IGNORE)) == MPI_SUCCESS &&
			    (rc = MPI_Irecv(msg, 1, MPI_DOUBLE, peer, 0, MPI_COMM_WORLD, &req)) ==
				    MPI_SUCCESS)
				rc = MPI_Wait(&req, MPI_STATUS_IGNORE);
		} else {
			if ((rc = MPI_Irecv(msg, 1, MPI_DOUBLE, peer, 0, MPI_COMM_WORLD, &req)) ==
				    MPI_SUCCESS &&
			    (rc = MPI_Wait(&req, MPI_STATUS_IGNORE)) == MPI_SUCCESS &&
			    (rc = MPI_Isend(msg, 1, MPI_DOUBLE, peer, 0, MPI_COMM_WORLD, &req)) ==
				    MPI_SUCCESS)
				rc = MPI_Wait(&req, MPI_STATUS_IGNORE);
		}
	}
	return rc;
}

/* Ranks 0 and 1 only: a zero-byte exchange lines them up before each
 * block, so the others may just wait in MPI_Finalize. */
static int measure(int rank, MPI_Comm dup, double best[WAYS])
{
	int rc = MPI_SUCCESS;
	double msg = 1.0;
	for (int w = 0; w < WAYS; w++)
		best[w] = 1e30;
	for (int b = 0; b <= BLOCKS && rc == MPI_SUCCESS; b++) { /* block 0 warms up */
		for (int w = 0; w < WAYS && rc == MPI_SUCCESS; w++) {
			rc = MPI_Sendrecv(NULL, 0, MPI_BYTE, 1 - rank, 1, NULL, 0, MPI_BYTE, 1 - rank, 1,
					  MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			double t0 = MPI_Wtime();
			if (rc == MPI_SUCCESS)
				rc = w == NONBLOCKING ? nonblocking(rank, &msg)
						      : blocking(rank, w == DUP ? dup : MPI_COMM_WORLD,
								 &msg);
			double ns = (MPI_Wtime() - t0) * 1e9 / ROUNDS;
			if (b > 0 && ns < best[w])
				best[w] = ns;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	int rank, size;
	double best[WAYS];
	const char *name[WAYS] = {"world", "dup", "nonblocking"};
	MPI_Comm dup;
	if (MPI_Init(&argc, &argv) != MPI_SUCCESS ||
	    MPI_Comm_rank(MPI_COMM_WORLD, &rank) != MPI_SUCCESS ||
	    MPI_Comm_size(MPI_COMM_WORLD, &size) != MPI_SUCCESS ||
	    MPI_Comm_dup(MPI_COMM_WORLD, &dup) != MPI_SUCCESS)
		return 1;
	if (size < 2) {
		fprintf(stderr, "pingpong-comms: needs 2 ranks (more wait)\n");
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	if (rank < 2 && measure(rank, dup, best) != MPI_SUCCESS)
		return 1;
	for (int w = 0; w < WAYS && rank == 0; w++)
		printf("comms_%s_roundtrip_ns: %.1f ns\n", name[w], best[w]);
	MPI_Comm_free(&dup);
	MPI_Finalize();
	return 0;
}
