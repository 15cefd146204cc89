/* How a traced program's run ended, in words: which rank aborted, crashed
 * or was killed, which never reached MPI_Finalize. Read from the store,
 * mpiexec's wait status and mpiexec's own messages in the output. */
#ifndef MPILOOM_PROGFAULT_H
#define MPILOOM_PROGFAULT_H

#include <stdint.h>

#include "core/store.h"
#include "core/strbuf.h"
#include "log/output.h"

enum progfault_stop { STOP_NONE, STOP_USER, STOP_TIMEOUT, STOP_SIGNAL };

struct progfault_in {
	const struct store *st; /* NULL: rank 0 never wrote a log */
	uint32_t nranks;
	int wait_status;	/* mpiexec's */
	const struct output *out;
	enum progfault_stop stop;
	long timeout_s;
};

/* Appends one line (no newline) per finding to lines, separated by '\n';
 * returns how many. None: the run ended well. */
int progfault_describe(const struct progfault_in *in, struct strbuf *lines);

#endif
