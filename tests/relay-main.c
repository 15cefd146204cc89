/* Runs relay_run on its arguments, then says how it ended, so that
 * tests/relay.sh can check the status after the terminal was restored. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "cmd/relay.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: relay-main PROGRAM [ARGUMENT...]\n");
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "relay-main: stdin and stdout must be terminals\n");
		return 2;
	}
	int rc = relay_run(argv + 1);
	printf("relay exit %d\n", rc);
	return rc;
}
