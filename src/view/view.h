/* What the user looks at: the time window, the selection and the panels.
 * Shared by the live run and, later, replay. */
#ifndef MPILOOM_VIEW_H
#define MPILOOM_VIEW_H

#include <stdint.h>

#include "core/store.h"

/* The timeline's axis: wall-clock time, or logical steps (core/logical.h)
 * at VIEW_STEP units a step, so that the window (t0, span), zoom, scroll
 * and hit tests are the same arithmetic on both. */
enum view_time { VIEW_WALL, VIEW_LOGICAL };
#define VIEW_STEP 1000

struct view {
	int64_t t0;	  /* left edge of the window: ns, or VIEW_STEP a step */
	int64_t span;	  /* units across the plot; > 0 */
	enum view_time time;
	int fit;	  /* the window follows everything recorded */
	uint32_t top_rank; /* first rank row on screen */
	int has_sel;
	struct event_ref sel;
	int show_detail;
	int show_tree;
	int show_help;
	int show_output; /* the program's output panel (mpiloom run, replay) */
	int paused; /* live: the picture stops following new events */
	int64_t horizon; /* replay: nothing that begins later has happened yet */
};

void view_init(struct view *v);
/* Time range of everything in the store: [*first, *last]. */
/* Init, finalize and result: they frame a run, they are not its work
 * (view_extent leaves them out when there is anything else). */
int view_frames_run(const struct event *e);
void view_extent(const struct store *st, int64_t *first, int64_t *last);
/* to - from, held to int64_t's range: a damaged log's times may lie more
 * than 2^63 ns apart. */
int64_t view_elapsed(int64_t from, int64_t to);
void view_fit(struct view *v, const struct store *st);
void view_zoom(struct view *v, int in);
void view_scroll(struct view *v, int direction);
/* Tab / Shift-Tab: the next or previous event in time order. */
void view_select_step(struct view *v, const struct store *st, int forward);
/* Moves the window so the selection is on screen. */
void view_reveal(struct view *v, const struct store *st);

/* Where a call begins and ends on the view's axis; ref must be on it. */
int64_t view_begin(const struct view *v, const struct store *st, struct event_ref ref);
int64_t view_end(const struct view *v, const struct store *st, struct event_ref ref);
/* The rank's calls on the axis: all of them in wall time, those laid out
 * so far in logical time (always the first ones). */
size_t view_count(const struct view *v, const struct store *st, uint32_t rank);
/* Where the call the rank is in now begins on the axis. */
int64_t view_pending_at(const struct view *v, const struct store *st, const struct event *p);
/* How far the rank's row has happened by the horizon, on the axis. */
int64_t view_horizon_at(const struct view *v, const struct store *st, uint32_t rank);
/* Index of the first event of a rank that begins at or after t. */
size_t view_first_at(const struct view *v, const struct store *st, uint32_t rank, int64_t t);
/* l: the other axis, the selected call kept selected and on screen. */
void view_toggle_time(struct view *v, const struct store *st);
const char *view_time_name(enum view_time t);
/* Events that have happened by the horizon (all of them, live). */
uint64_t view_events_seen(const struct store *st, const struct view *v);
/* The horizon moved to the next / previous event's begin; returns 0 at an
 * end. The event it reaches becomes the selection. */
int view_step_horizon(struct view *v, const struct store *st, int forward);

#endif
