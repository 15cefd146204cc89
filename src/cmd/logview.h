/* A recording read back without MPI: dump (the text view, the same lines
 * a live --text run prints), info (what the file holds and its health),
 * replay (the screen, with playback). Exit statuses: 0 the file is whole,
 * 4 it was truncated or damaged and what could be read was used, 2 it
 * cannot be used at all. */
#ifndef MPILOOM_LOGVIEW_H
#define MPILOOM_LOGVIEW_H

/* steps: each line with its logical step (--steps). */
int logview_dump(const char *path, int steps);
int logview_info(const char *path);
/* logical: the screen starts in logical time. */
int logview_replay(const char *path, int logical);

#endif
