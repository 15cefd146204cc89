/* The live screen on rank 0: a thread that reads keys from the stream
 * mpiexec forwards, and redraws from the store while the ranks run. */
#ifndef MPILOOM_LIVE_H
#define MPILOOM_LIVE_H

/* Whether rank 0 should draw: the launcher said so (MPILOOM_UI=1), or
 * mpiexec was typed by hand in a terminal. */
int live_wanted(void);

struct live;
struct lecture;

/* Starts the screen; NULL (with a reason on stderr) if it cannot. With a
 * lecture, n, r and space step the run; logical: in logical time. */
struct live *live_start(const char *scenario, int show_tree, struct lecture *lc, int logical);
/* The run is over and the store complete: show the result, then wait for
 * the user to quit. Returns when they did. */
/* MPI is about to end: a q from now on quits without aborting. */
void live_mpi_ending(struct live *lv);
void live_finish(struct live *lv, int passed, const char *result, const char *table);
void live_free(struct live *lv);

#endif
