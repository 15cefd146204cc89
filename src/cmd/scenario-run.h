/* Running a scenario on every rank, under mpiexec. */
#ifndef MPILOOM_SCENARIO_RUN_H
#define MPILOOM_SCENARIO_RUN_H

#include "cmd/options.h"
#include "scenarios/scenario.h"

/* Returns this rank's exit status: 0 passed, 1 check failed, 2 bad input,
 * 3 events lost or an MPI error. */
int scenario_run(const struct scenario *s, const struct options *o, int *argc, char ***argv);

#endif
