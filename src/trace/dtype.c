#include "config.h"

#include "trace/dtype.h"

enum event_dtype dtype_code(MPI_Datatype dt)
{
	/* Most traced calls use one of the first few: test them first. */
	if (dt == MPI_DOUBLE)
		return DT_DOUBLE;
	if (dt == MPI_INT)
		return DT_INT;
	if (dt == MPI_BYTE)
		return DT_BYTE;
	if (dt == MPI_PACKED)
		return DT_PACKED;
	if (dt == MPI_CHAR || dt == MPI_SIGNED_CHAR || dt == MPI_UNSIGNED_CHAR)
		return DT_CHAR;
	if (dt == MPI_SHORT)
		return DT_SHORT;
	if (dt == MPI_UNSIGNED)
		return DT_UNSIGNED;
	if (dt == MPI_LONG)
		return DT_LONG;
	if (dt == MPI_LONG_LONG || dt == MPI_INT64_T)
		return DT_LONG_LONG;
	if (dt == MPI_FLOAT)
		return DT_FLOAT;
	if (dt == MPI_C_DOUBLE_COMPLEX)
		return DT_C_DOUBLE_COMPLEX;
	if (dt == MPI_DATATYPE_NULL)
		return DT_NONE;
	int ni, na, nd, combiner;
	if (PMPI_Type_get_envelope(dt, &ni, &na, &nd, &combiner) == MPI_SUCCESS &&
	    combiner != MPI_COMBINER_NAMED)
		return DT_DERIVED;
	return DT_OTHER;
}

unsigned dtype_size(MPI_Datatype dt, enum event_dtype code)
{
	size_t size = event_dtype_size(code);
	if (size != 0)
		return (unsigned)size;
	int s;
	if (dt == MPI_DATATYPE_NULL || PMPI_Type_size(dt, &s) != MPI_SUCCESS || s < 0)
		return 0;
	return (unsigned)s;
}
