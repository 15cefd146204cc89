/* The timeline: one row per rank, time running right; calls as spans
 * coloured by kind, messages as lines from send to matching receive,
 * collectives joined to their root, tree levels labelled. */
#ifndef MPILOOM_TIMELINE_H
#define MPILOOM_TIMELINE_H

#include "core/store.h"
#include "view/canvas.h"
#include "view/view.h"

#define TIMELINE_GUTTER 6

struct timeline_layout {
	int y0;		 /* first line of the area */
	int height;	 /* lines, the axis included */
	int spacing;	 /* lines per rank: 2 leaves a line for messages */
	uint32_t ranks_shown;
	int arrows_drawn;
	int too_dense;	 /* some rank had too many calls on screen for lines */
};

/* Ranks that fit in height lines (the axis takes one). */
uint32_t timeline_capacity(uint32_t nranks, int height, int *spacing);
void timeline_draw(struct canvas *cv, const struct store *st, const struct view *v, int y0,
		   int height, struct timeline_layout *out);
/* The event under a screen cell, for mouse selection. */
int timeline_hit(const struct store *st, const struct view *v, const struct timeline_layout *lay,
		 int cols, int y, int x, struct event_ref *out);
/* "1.5ms", "300us", "2s": the axis' and the panels' time format. */
void timeline_format_time(char *buf, size_t size, int64_t ns);
/* An axis: the smallest step of 1, 2 or 5 times a power of ten that is
 * at least min_ns, and a tick's label in the unit of its value with as
 * many decimals as the step needs ("1.25ms"). */
int64_t timeline_axis_step(double min_ns);
void timeline_axis_label(char *buf, size_t size, int64_t t, int64_t step);

#endif
