/* The launcher: `mpiloom` typed in a shell is not under mpiexec, so it
 * starts mpiexec (the one MPICH was configured with) on itself. */
#ifndef MPILOOM_LAUNCH_H
#define MPILOOM_LAUNCH_H

#include "cmd/options.h"

int launch_under_mpiexec(void);
/* MPICH's mpiexec: $MPILOOM_MPIEXEC, else the one configure found. */
const char *launch_mpiexec_path(void);
/* 0 if that mpiexec can be run, else 2 and one line on stderr. */
int launch_check_mpiexec(void);
/* This executable's path (malloc'd), or NULL. */
char *launch_self_path(void);
/* Returns the exit status of mpiexec; never returns 0 on failure to start. */
/* With a terminal on both ends and no --text, the terminal is handed to
 * rank 0's screen through relay_run; otherwise mpiexec just runs. The
 * ranks get argv up to o->argc; o->mpiexec_extra goes to mpiexec. */
int launch_run(const struct options *o, char **argv);

#endif
