#include "config.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/pack-string.h"
#include "scenarios/scenario.h"

/* Bytes MPI_Pack needs for a string packed as its length then its chars. */
int string_pack_size(const char *s, int *size)
{
	int n, m;

	MPI_CHECK(MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &n));
	MPI_CHECK(MPI_Pack_size((int)strlen(s), MPI_CHAR, MPI_COMM_WORLD, &m));
	*size = n + m;
	return MPI_SUCCESS;
}

int pack_string(const char *s, void *buf, int size, int *pos)
{
	int len = (int)strlen(s);

	MPI_CHECK(MPI_Pack(&len, 1, MPI_INT, buf, size, pos, MPI_COMM_WORLD));
	MPI_CHECK(MPI_Pack(s, len, MPI_CHAR, buf, size, pos, MPI_COMM_WORLD));
	return MPI_SUCCESS;
}

/* Unpacks a length and that many chars into a new NUL-terminated string. */
int unpack_string(const void *buf, int size, int *pos, char **s)
{
	int len;

	MPI_CHECK(MPI_Unpack(buf, size, pos, &len, 1, MPI_INT, MPI_COMM_WORLD));
	if (len < 0 || len > size - *pos)
		return MPI_ERR_TRUNCATE;
	*s = malloc((size_t)len + 1);
	if (*s == NULL)
		return MPI_ERR_NO_MEM;
	(*s)[len] = '\0';
	return MPI_Unpack(buf, size, pos, *s, len, MPI_CHAR, MPI_COMM_WORLD);
}
