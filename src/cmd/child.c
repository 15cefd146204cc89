#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cmd/child.h"

void child_die_with_parent(pid_t parent)
{
	/* the parent may have died between fork and prctl: then nobody
	 * would send the signal, so look */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		_exit(128 + SIGTERM);
}
