/* Drawing cost against history size: a synthetic store of 1,000,000
 * events (8 ranks exchanging messages) rendered into an off-screen curses
 * screen, fitted (everything on screen) and zoomed in. Prints
 * "name: value unit" lines. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/store.h"
#include "synth.h"
#include "tui/ui.h"
#include "view/canvas.h"
#include "view/frame.h"
#include "view/view.h"

#define RANKS 8
#define EVENTS 1000000
#define FRAMES 50

/* The synthetic run of synth.h, with 8-byte previews. */
static struct store *synthetic_store(void)
{
	struct store *st = store_new(RANKS);
	uint32_t seq[RANKS] = {0};
	uint8_t preview[8] = {0};
	for (long k = 0; k < EVENTS / 2; k++) {
		struct event s, r;
		synth_exchange(k, RANKS, seq, 100, 1, &s, &r);
		if (store_add(st, &s, preview) != 0 || store_add(st, &r, preview) != 0)
			exit(1);
	}
	return st;
}

static double ms_per_frame(struct ui *ui, struct canvas *cv, const struct store *st,
			   struct view *v)
{
	struct frame_info info = {"synthetic", RUN_REPLAY, 1, NULL, NULL, NULL, NULL};
	struct timeline_layout lay;
	int64_t t0 = clock_now_ns();
	for (int i = 0; i < FRAMES; i++) {
		frame_draw(cv, st, v, &info, &lay);
		ui_blit(ui, cv);
		v->t0 += 1; /* defeat nothing: every frame is drawn in full */
	}
	return (double)(clock_now_ns() - t0) / 1e6 / FRAMES;
}

int main(void)
{
	FILE *out = fopen("/dev/null", "w");
	struct ui ui;
	struct canvas cv;
	struct view v;
	if (out == NULL || ui_start(&ui, out, 50, 200) != 0)
		return 1;
	int64_t t0 = clock_now_ns();
	struct store *st = synthetic_store();
	double load_s = (double)(clock_now_ns() - t0) / 1e9;
	canvas_init(&cv, ui.rows, ui.cols);
	view_init(&v);
	v.show_tree = 1;
	v.has_sel = 1;
	v.sel = (struct event_ref){3, 1000};
	view_fit(&v, st);
	double fit = ms_per_frame(&ui, &cv, st, &v);
	v.span = 200000; /* 200 us: a few hundred calls on screen */
	v.t0 = 400000000;
	v.fit = 0;
	double zoomed = ms_per_frame(&ui, &cv, st, &v);
	/* logical time: the layout of a whole fresh store (the frames above
	 * laid this one out already: the detail pane gives the step), then
	 * frames */
	struct store *fresh = synthetic_store();
	store_seal(fresh);
	t0 = clock_now_ns();
	(void)store_logical(fresh);
	double layout_s = (double)(clock_now_ns() - t0) / 1e9;
	store_free(fresh);
	store_seal(st);
	v.time = VIEW_LOGICAL;
	view_fit(&v, st);
	double logical_fit = ms_per_frame(&ui, &cv, st, &v);
	v.span = 200 * VIEW_STEP; /* 200 steps */
	v.t0 = v.span * 100;
	v.fit = 0;
	double logical_zoomed = ms_per_frame(&ui, &cv, st, &v);
	ui_stop(&ui);
	fclose(out);
	printf("render_events: %d events\n", EVENTS);
	printf("render_store_build_events_per_s: %.0f events/s\n", EVENTS / load_s);
	printf("render_ms_per_frame_fit: %.3f ms\n", fit);
	printf("render_ms_per_frame_zoomed: %.3f ms\n", zoomed);
	printf("render_logical_layout_s: %.3f s\n", layout_s);
	printf("render_logical_ms_per_frame_fit: %.3f ms\n", logical_fit);
	printf("render_logical_ms_per_frame_zoomed: %.3f ms\n", logical_zoomed);
	canvas_free(&cv);
	store_free(st);
	return 0;
}
