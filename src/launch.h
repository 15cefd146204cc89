/* The launcher: `mpiloom` typed in a shell is not under mpiexec, so it
 * starts mpiexec (the one MPICH was configured with) on itself. */
#ifndef MPILOOM_LAUNCH_H
#define MPILOOM_LAUNCH_H

int launch_under_mpiexec(void);
/* Returns the exit status of mpiexec; never returns 0 on failure to start. */
/* With a terminal on both ends and no --text, the terminal is handed to
 * rank 0's screen through relay_run; otherwise mpiexec just runs. */
int launch_run(long nprocs, int text, int argc, char **argv);

#endif
