/* Matched probes, as a program receiving messages of any size does:
 * every other rank sends rank 0 two messages with tag 5 (its rank, then
 * ten times it) and one of 1 + rank doubles with tag 6. Rank 0 takes each
 * sender's first tag-5 message with MPI_Mprobe, then receives from the
 * same sender with a plain MPI_Recv before the MPI_Mrecv: MPI gives the
 * Recv the second message, the probed one stays the probe's. The tag-6
 * messages are found with MPI_Improbe, sized with MPI_Get_count and
 * received with MPI_Imrecv and MPI_Wait; then an Mprobe of MPI_PROC_NULL.
 * Rank 0 prints a line per check. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static void check(int rc, const char *what)
{
	if (rc != MPI_SUCCESS) {
		fprintf(stderr, "mprobe: %s failed\n", what);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
}

static void say(int from, const char *what, int good)
{
	printf("from %d %s %s\n", from, what, good ? "ok" : "WRONG");
}

static void send_all(int rank)
{
	int first = rank, second = 10 * rank;
	double *d = malloc((size_t)(rank + 1) * sizeof *d);
	if (d == NULL)
		MPI_Abort(MPI_COMM_WORLD, 3);
	for (int i = 0; i <= rank; i++)
		d[i] = rank + i / 10.0;
	check(MPI_Send(&first, 1, MPI_INT, 0, 5, MPI_COMM_WORLD), "Send");
	check(MPI_Send(&second, 1, MPI_INT, 0, 5, MPI_COMM_WORLD), "Send");
	check(MPI_Send(d, rank + 1, MPI_DOUBLE, 0, 6, MPI_COMM_WORLD), "Send");
	free(d);
}

static void take_tag5(int from)
{
	MPI_Message msg;
	MPI_Status st;
	int probed = -1, plain = -1;
	check(MPI_Mprobe(from, 5, MPI_COMM_WORLD, &msg, &st), "Mprobe");
	check(MPI_Recv(&plain, 1, MPI_INT, from, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
	check(MPI_Mrecv(&probed, 1, MPI_INT, &msg, MPI_STATUS_IGNORE), "Mrecv");
	say(from, "mprobe", probed == from && plain == 10 * from);
}

static void take_tag6(void)
{
	MPI_Message msg;
	MPI_Status st;
	MPI_Request req;
	int flag = 0, n = 0;
	while (!flag)
		check(MPI_Improbe(MPI_ANY_SOURCE, 6, MPI_COMM_WORLD, &flag, &msg, &st), "Improbe");
	check(MPI_Get_count(&st, MPI_DOUBLE, &n), "Get_count");
	double *d = malloc((size_t)(n > 0 ? n : 1) * sizeof *d);
	if (d == NULL)
		MPI_Abort(MPI_COMM_WORLD, 3);
	check(MPI_Imrecv(d, n, MPI_DOUBLE, &msg, &req), "Imrecv");
	check(MPI_Wait(&req, MPI_STATUS_IGNORE), "Wait");
	say(st.MPI_SOURCE, "improbe", n == st.MPI_SOURCE + 1 && d[n - 1] == st.MPI_SOURCE + (n - 1) / 10.0);
	free(d);
}

int main(int argc, char **argv)
{
	int rank, size;
	check(MPI_Init(&argc, &argv), "Init");
	check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "Comm_rank");
	check(MPI_Comm_size(MPI_COMM_WORLD, &size), "Comm_size");
	if (rank > 0) {
		send_all(rank);
	} else {
		for (int from = 1; from < size; from++)
			take_tag5(from);
		for (int i = 1; i < size; i++)
			take_tag6();
		/* MPI_PROC_NULL: an empty message, MPI_MESSAGE_NO_PROC */
		MPI_Message none;
		MPI_Status st;
		int count = -1;
		check(MPI_Mprobe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, &none, &st), "Mprobe");
		check(MPI_Mrecv(NULL, 0, MPI_INT, &none, &st), "Mrecv");
		check(MPI_Get_count(&st, MPI_INT, &count), "Get_count");
		say(MPI_PROC_NULL, "mprobe", none == MPI_MESSAGE_NULL && count == 0);
		printf("rank 0 ok\n");
	}
	check(MPI_Finalize(), "Finalize");
	return 0;
}
