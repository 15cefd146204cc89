/* One whole screen: status bar, timeline, detail and tree panels, help,
 * or the "too small" notice. A pure function of the store and the view,
 * drawn into a canvas. */
#ifndef MPILOOM_FRAME_H
#define MPILOOM_FRAME_H

#include "core/store.h"
#include "view/canvas.h"
#include "view/timeline.h"
#include "view/view.h"

#define FRAME_MIN_ROWS 24
#define FRAME_MIN_COLS 80

enum run_state { RUN_LIVE, RUN_FINISHED, RUN_REPLAY };

struct frame_info {
	const char *scenario;
	enum run_state state;
	int passed;		/* when finished */
	const char *result;	/* the result line's text, when finished */
	const char *extra;	/* more for the status bar (replay's position), or NULL */
	const char *table;	/* lines to show when finished (compare), or NULL */
	const char *output;	/* the program's output lines (mpiloom run), or NULL */
};

void frame_draw(struct canvas *cv, const struct store *st, const struct view *v,
		const struct frame_info *info, struct timeline_layout *lay);

#endif
