/* `mpiloom run`: an MPI program of the user's under MPICH's mpiexec, with
 * the trace library preloaded. Rank 0 of the program writes its events to
 * a temporary log (standalone mode, MPILOOM_RECORD); this side follows
 * that log into a store, captures the program's stdout and stderr through
 * pipes, and writes the --record file (events and output). */
#ifndef MPILOOM_PROGRUN_H
#define MPILOOM_PROGRUN_H

#include <stdint.h>
#include <sys/types.h>

#include "cmd/options.h"
#include "core/store.h"
#include "log/follower.h"
#include "log/output.h"
#include "log/writer.h"

struct progrun {
	pid_t pid;     /* mpiexec, the leader of its own process group */
	int fds[2];    /* its stdout and stderr; -1 once they ended */
	int exited;
	int wait_status;
	int64_t kill_at; /* > 0: the group gets SIGKILL at this time (ns) */
	char *log_path; /* the temporary log rank 0 writes; NULL once unlinked */
	struct log_follower *fol;
	struct store *st; /* NULL until the log's header came */
	struct log_header hdr;
	int has_result;
	struct log_result result; /* rank 0's, when it reached MPI_Finalize */
	struct output out;
	const char *rec_path;
	struct log_writer *rec;
	struct strbuf rec_pending; /* output read before the log's header */
	int rec_failed;
	int64_t last_flush;
	uint32_t nranks;
	const char *prog; /* as given, for a recording without rank 0's header */
	/* 1: read the events as they come (a screen shows them); 0: only
	 * once the program ended, so that following costs the ranks no
	 * processor time while they run (the text view prints at the end),
	 * or every 100 ms for a --record file */
	int live;
};

/* Checks the program, finds the library, starts mpiexec. 0, or 2 with
 * the reason on stderr (nothing was started). */
int progrun_start(struct progrun *pr, const struct options *o);
/* Waits up to ms for output, then reads output, events and mpiexec's
 * end. Returns 1 once mpiexec ended and its output was read to the end. */
int progrun_poll(struct progrun *pr, int ms);
/* Ends the run: SIGTERM to the process group, SIGKILL two seconds later. */
void progrun_stop(struct progrun *pr);
/* After the run: writes the recording's result (fault: what went wrong,
 * or NULL) and closes it. 0, or -1 with the reason on stderr. */
int progrun_finish(struct progrun *pr, const char *fault);
void progrun_free(struct progrun *pr);

#endif
