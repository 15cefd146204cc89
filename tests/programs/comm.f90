! Non-blocking calls and a split in Fortran: each rank receives (MPI_Irecv,
! MPI_Wait) from its left neighbour what it sent to its right, then sums
! ranks in halves of MPI_COMM_WORLD. tests/programs.sh builds it with mpif90 when there is one.
program comm
  use mpi
  implicit none
  integer :: ierr, rank, nprocs, token, status(MPI_STATUS_SIZE), req, sub
  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nprocs, ierr)
  token = rank
  call MPI_Irecv(token, 1, MPI_INTEGER, mod(rank + nprocs - 1, nprocs), 3, MPI_COMM_WORLD, req, ierr)
  call MPI_Send(rank, 1, MPI_INTEGER, mod(rank + 1, nprocs), 3, MPI_COMM_WORLD, ierr)
  call MPI_Wait(req, status, ierr)
  call MPI_Comm_split(MPI_COMM_WORLD, mod(rank, 2), rank, sub, ierr)
  call MPI_Allreduce(rank, token, 1, MPI_INTEGER, MPI_SUM, sub, ierr)
  call MPI_Comm_free(sub, ierr)
  call MPI_Finalize(ierr)
end program comm
