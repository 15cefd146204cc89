/* What every child the front forks to become mpiexec needs. */
#ifndef MPILOOM_CHILD_H
#define MPILOOM_CHILD_H

#include <sys/types.h>

/* Before exec: the child gets SIGTERM (and ends its ranks, as hydra does
 * then) when parent, the front that forked it, dies for any reason,
 * SIGKILL included, so that no run is left behind without its screen. */
void child_die_with_parent(pid_t parent);
/* The front's exit status for mpiexec's wait status: the one mpiexec
 * exited with (the program's), 128 plus the signal that killed it, or 2
 * when there is none (-1: waitpid failed). */
int child_exit_code(int wait_status);

#endif
