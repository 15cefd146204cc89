/* Collectives as a textbook builds them from point-to-point messages
 * (--collectives textbook): every internal message is a traced send and
 * receive, labelled with its round, so a lecture sees and steps through
 * each one. Only on MPI_COMM_WORLD; elsewhere MPI's own collectives run. */
#ifndef MPILOOM_TEXTBOOK_H
#define MPILOOM_TEXTBOOK_H

#include <mpi.h>

#include "core/event.h"

int textbook_for(MPI_Comm comm);
int textbook_can_reduce(MPI_Op op);
int textbook_bcast(void *buf, int count, MPI_Datatype dt, int root);
int textbook_reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt, MPI_Op op,
		    int root);
int textbook_allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype dt,
		       MPI_Op op);
int textbook_gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		    int recvcount, MPI_Datatype recvtype, int root);
int textbook_scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
		     int recvcount, MPI_Datatype recvtype, int root);

#endif
