! The ring of tests/programs/ring.c in Fortran (use mpi): tests/run.sh
! builds it with mpif90.mpich when that is installed, to check that MPICH's
! Fortran bindings reach the C profiling interface that mpiloom wraps.
program fring
  use mpi
  implicit none
  integer :: rank, size, ierr, token, next, prev
  integer :: st(MPI_STATUS_SIZE)
  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, size, ierr)
  next = mod(rank + 1, size)
  prev = mod(rank + size - 1, size)
  token = 0
  if (rank == 0) then
    call MPI_Send(token, 1, MPI_INTEGER, next, 0, MPI_COMM_WORLD, ierr)
    call MPI_Recv(token, 1, MPI_INTEGER, prev, 0, MPI_COMM_WORLD, st, ierr)
    print '(a,i0)', 'fring: token ', token
  else
    call MPI_Recv(token, 1, MPI_INTEGER, prev, 0, MPI_COMM_WORLD, st, ierr)
    token = token + rank
    call MPI_Send(token, 1, MPI_INTEGER, next, 0, MPI_COMM_WORLD, ierr)
  end if
  call MPI_Barrier(MPI_COMM_WORLD, ierr)
  call MPI_Finalize(ierr)
end program
