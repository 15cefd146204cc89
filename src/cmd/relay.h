/* The launcher's terminal relay. Under hydra's mpiexec no rank owns the
 * terminal: rank 0 only gets what mpiexec reads from the launcher's stdin.
 * So the launcher puts the terminal in raw mode, feeds its bytes to
 * mpiexec through a pipe, adds window-size changes to that stream as
 * in-band messages (see keys.h), and restores the terminal on every way
 * out. Only for a launcher whose stdin and stdout are terminals. */
#ifndef MPILOOM_RELAY_H
#define MPILOOM_RELAY_H

/* Runs argv (argv[0] = path of mpiexec, execv'd) with the terminal in raw
 * mode, relaying the terminal's input to the child's stdin and window-size
 * changes as in-band messages. Restores the terminal on every way out.
 * Returns the child's exit status (128+signal if it was killed), or 2 if
 * it could not start (with a one-line message on stderr). The child sees
 * MPILOOM_UI=1 and the terminal's size in MPILOOM_LINES, MPILOOM_COLUMNS. */
int relay_run(char *const argv[]);

#endif
