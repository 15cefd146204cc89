/* A recording read back without MPI: dump (the text view, the same lines
 * a live --text run prints), info (what the file holds and its health),
 * replay (the screen, with playback). Exit statuses: 0 the file is whole,
 * 4 it was truncated or damaged and what could be read was used, 2 it
 * cannot be used at all. */
#ifndef MPILOOM_LOGVIEW_H
#define MPILOOM_LOGVIEW_H

struct log_report;

#define LOGVIEW_DAMAGED 4

int logview_dump(const char *path);
int logview_info(const char *path);
int logview_replay(const char *path);
/* One line on stderr for a file that was not whole: where it was cut,
 * what was skipped. */
void logview_say_health(const char *path, const struct log_report *rep);

#endif
