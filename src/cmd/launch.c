#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/child.h"
#include "cmd/launch.h"
#include "cmd/relay.h"
#include "core/quote.h"
#include "core/xalloc.h"

int launch_under_mpiexec(void)
{
	return getenv("PMI_RANK") != NULL || getenv("PMI_FD") != NULL ||
	       getenv("PMIX_RANK") != NULL || getenv("OMPI_COMM_WORLD_RANK") != NULL;
}

const char *launch_mpiexec_path(void)
{
	const char *env = getenv("MPILOOM_MPIEXEC");
	return env != NULL && *env != '\0' ? env : MPILOOM_MPIEXEC;
}

/* /proc/self/exe, not argv[0]: the ranks must run this very binary even
 * when it was found through PATH or a relative path. */
char *launch_self_path(void)
{
	size_t cap = 256;
	for (;;) {
		char *buf = xmalloc(cap);
		ssize_t n = readlink("/proc/self/exe", buf, cap);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < cap) {
			buf[n] = '\0';
			return buf;
		}
		free(buf);
		cap *= 2;
	}
}

int launch_check_mpiexec(void)
{
	if (access(launch_mpiexec_path(), X_OK) == 0)
		return 0;
	int e = errno;
	char *name = quote_dup(launch_mpiexec_path());
	fprintf(stderr, "mpiloom: cannot run %s: %s (set MPILOOM_MPIEXEC to MPICH's mpiexec)\n",
		name, strerror(e));
	free(name);
	return 2;
}

static int wait_for(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	return child_exit_code(status);
}

static int run_plain(char **args)
{
	/* No screen: rank 0 prints the text view, whatever it would guess. */
	if (setenv("MPILOOM_UI", "0", 1) != 0) {
		perror("mpiloom: setenv");
		return 2;
	}
	char *name = quote_dup(args[0]); /* for the child's message */
	pid_t self = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "mpiloom: cannot start mpiexec: %s\n", strerror(errno));
		free(name);
		return 2;
	}
	if (pid == 0) {
		/* Nothing reads keys without a screen; mpiexec would otherwise
		 * read the terminal for rank 0 and be stopped (SIGTTIN) when
		 * run in the background. */
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0) {
			fprintf(stderr, "mpiloom: /dev/null: %s\n", strerror(errno));
			_exit(127);
		}
		/* a kill of this process (SIGKILL: no handler) ends the run
		 * too, rather than leave every rank running unwatched */
		child_die_with_parent(self);
		execv(args[0], args);
		fprintf(stderr, "mpiloom: cannot run %s: %s\n", name, strerror(errno));
		_exit(127);
	}
	free(name);
	return wait_for(pid);
}

int launch_run(const struct options *o, char **argv)
{
	char *self = launch_self_path();
	if (self == NULL) {
		fprintf(stderr, "mpiloom: cannot find my own executable: %s\n", strerror(errno));
		return 2;
	}
	if (launch_check_mpiexec() != 0) {
		free(self);
		return 2;
	}
	char nbuf[32];
	snprintf(nbuf, sizeof nbuf, "%ld", o->nprocs);
	char **args = xcalloc((size_t)o->argc + (size_t)o->n_mpiexec_extra + 5, sizeof *args);
	int k = 0;
	args[k++] = (char *)launch_mpiexec_path();
	args[k++] = "-n";
	args[k++] = nbuf;
	for (int i = 0; i < o->n_mpiexec_extra; i++)
		args[k++] = o->mpiexec_extra[i];
	args[k++] = self;
	for (int i = 1; i < o->argc; i++)
		args[k++] = argv[i];
	args[k] = NULL;

	int status = !o->text && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) ? relay_run(args)
									     : run_plain(args);
	free(args);
	free(self);
	return status;
}
