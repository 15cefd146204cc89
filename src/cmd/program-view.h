/* `mpiloom run -- PROGRAM`: the live screen over a traced program, or the
 * text view for pipes; the report of how it ended; the exit status. */
#ifndef MPILOOM_PROGVIEW_H
#define MPILOOM_PROGVIEW_H

#include "cmd/options.h"

/* 0 the program ran to its end and was traced; 1 it failed (a rank
 * aborted, crashed or exited non-zero; stopped by q, a signal or the time
 * limit); 2 bad usage or nothing could start; 3 no MPI call was traced,
 * or the recording failed. */
int progview_run(const struct options *o);

#endif
