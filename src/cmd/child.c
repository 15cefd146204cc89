#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/child.h"

void child_die_with_parent(pid_t parent)
{
	/* the parent may have died between fork and prctl: then nobody
	 * would send the signal, so look */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		_exit(128 + SIGTERM);
}

int child_exit_code(int wait_status)
{
	if (wait_status == -1)
		return 2;
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 2;
}
