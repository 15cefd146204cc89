/* Asks MPI for no threads at all and prints the thread level it got:
 * mpiloom's trace layer asks for more only when it must (tests/transport.sh). */
#include <mpi.h>
#include <stdio.h>

static const char *level_name(int level)
{
	if (level == MPI_THREAD_SINGLE)
		return "single";
	if (level == MPI_THREAD_FUNNELED)
		return "funneled";
	if (level == MPI_THREAD_SERIALIZED)
		return "serialized";
	return level == MPI_THREAD_MULTIPLE ? "multiple" : "unknown";
}

int main(int argc, char **argv)
{
	int provided, rank;
	if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SINGLE, &provided) != MPI_SUCCESS ||
	    MPI_Comm_rank(MPI_COMM_WORLD, &rank) != MPI_SUCCESS)
		return 1;
	if (rank == 0)
		printf("level: %s\n", level_name(provided));
	if (MPI_Barrier(MPI_COMM_WORLD) != MPI_SUCCESS)
		return 1;
	return MPI_Finalize() == MPI_SUCCESS ? 0 : 1;
}
