/* The launcher: `mpiloom` typed in a shell is not under mpiexec, so it
 * starts mpiexec (the one MPICH was configured with) on itself. */
#ifndef MPILOOM_LAUNCH_H
#define MPILOOM_LAUNCH_H

int launch_under_mpiexec(void);
/* Returns the exit status of mpiexec; never returns 0 on failure to start. */
int launch_run(long nprocs, int argc, char **argv);

#endif
