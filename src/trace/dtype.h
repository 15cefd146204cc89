/* MPI datatypes as the event model's codes. */
#ifndef MPILOOM_DTYPE_H
#define MPILOOM_DTYPE_H

#include <mpi.h>

#include "core/event.h"

enum event_dtype dtype_code(MPI_Datatype dt);
/* Bytes of one element: from the code's table for predefined types, from
 * MPI for derived ones (0 if MPI cannot say). */
unsigned dtype_size(MPI_Datatype dt, enum event_dtype code);

#endif
