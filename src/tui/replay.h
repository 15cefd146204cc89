/* The replay screen: the live run's screen over a recording, with
 * playback on top (play, pause, step, speed, jump). */
#ifndef MPILOOM_REPLAY_H
#define MPILOOM_REPLAY_H

#include "core/store.h"

/* Takes the terminal (stdin and stdout must be one) until the user quits.
 * result is NULL when the recording has none; table is compare's, or NULL. Returns 0, 2 if the screen
 * cannot start, or 128+signal. */
/* output: the program's output lines (mpiloom run's recordings), or NULL. */
int replay_screen(struct store *st, const char *scenario, int passed, const char *result,
		  const char *table, const char *output, int logical);

#endif
