#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "tui/replay.h"
#include "tui/session.h"
#include "tui/tty.h"
#include "view/timeline.h"

/* Playback moves event by event: at x1, four a second, slow enough to
 * read each step of a lecture example; x64 gets through thousands. */
#define EVENTS_PER_S 4.0

static const double speeds[] = {0.25, 0.5, 1, 2, 4, 8, 16, 32, 64};
#define SPEEDS (int)(sizeof speeds / sizeof speeds[0])

struct playback {
	int playing;
	int speed; /* index into speeds */
	int64_t last_tick;
	double owed; /* events the clock says should have been shown */
	int prompting;
	struct strbuf input; /* the time typed after g */
	char status[160];
};

static void step(struct session *s, int forward)
{
	struct view *v = &s->view;
	if (forward && v->horizon == INT64_MAX)
		return;
	if (!view_step_horizon(v, s->store, forward) && forward)
		v->horizon = INT64_MAX; /* past the last call: everything done */
}

/* g: a time in microseconds, as the text view and the axis show it. */
static int prompt_key(struct playback *pb, struct session *s, const struct key *k)
{
	if (k->code == K_ENTER) {
		char *end;
		double us = strtod(strbuf_str(&pb->input), &end);
		if (end != pb->input.s && *end == '\0') {
			/* past any run's length (11 days): its start or its end */
			s->view.horizon = us <= -1e12  ? INT64_MIN
					  : us >= 1e12 ? INT64_MAX
						       : (int64_t)(us * 1000.0);
			s->view.has_sel = 0;
		}
		pb->prompting = 0;
	} else if (k->code == K_ESC) {
		pb->prompting = 0;
	} else if (k->code == K_BACKSPACE && pb->input.len > 0) {
		pb->input.s[--pb->input.len] = '\0';
	} else if (k->code == K_CHAR && pb->input.len < 20 &&
		   ((k->ch >= '0' && k->ch <= '9') || k->ch == '.' || k->ch == '-')) {
		strbuf_putc(&pb->input, (char)k->ch);
	}
	return 1;
}

static int playback_key(void *ctx, struct session *s, const struct key *k)
{
	struct playback *pb = ctx;
	if (pb->prompting)
		return prompt_key(pb, s, k);
	if (k->code == K_HOME) {
		s->view.horizon = INT64_MIN;
		s->view.has_sel = 0;
		return 1;
	}
	if (k->code == K_END) {
		s->view.horizon = INT64_MAX;
		return 1;
	}
	if (k->code != K_CHAR)
		return 0;
	switch (k->ch) {
	case ' ':
		pb->playing = !pb->playing;
		pb->last_tick = clock_now_ns();
		pb->owed = 0;
		if (pb->playing && s->view.horizon == INT64_MAX)
			s->view.horizon = INT64_MIN; /* at the end: play again */
		return 1;
	case 'n': case '.': pb->playing = 0; step(s, 1); return 1;
	case 'b': case ',': pb->playing = 0; step(s, 0); return 1;
	case '[': if (pb->speed > 0) pb->speed--; return 1;
	case ']': if (pb->speed < SPEEDS - 1) pb->speed++; return 1;
	case 'g':
		pb->prompting = 1;
		strbuf_reset(&pb->input);
		return 1;
	default:
		return 0;
	}
}

static void playback_tick(void *ctx, struct session *s)
{
	struct playback *pb = ctx;
	if (pb->playing) {
		int64_t now = clock_now_ns();
		pb->owed += (double)(now - pb->last_tick) / 1e9 * EVENTS_PER_S * speeds[pb->speed];
		pb->last_tick = now;
		for (; pb->owed >= 1 && pb->playing; pb->owed -= 1) {
			step(s, 1);
			if (s->view.horizon == INT64_MAX)
				pb->playing = 0;
		}
	}
	char at[32] = "end";
	if (s->view.horizon == INT64_MIN)
		snprintf(at, sizeof at, "start");
	else if (s->view.horizon != INT64_MAX)
		timeline_format_time(at, sizeof at, s->view.horizon);
	if (pb->prompting)
		snprintf(pb->status, sizeof pb->status, " | go to time (us): %s_",
			 strbuf_str(&pb->input));
	else
		snprintf(pb->status, sizeof pb->status, " | %s x%g at %s",
			 pb->playing ? "PLAYING" : "paused", speeds[pb->speed], at);
	s->info.extra = pb->status;
}

int replay_screen(struct store *st, const char *scenario, int passed, const char *result,
		  const char *table, const char *output, int logical)
{
	struct termios saved;
	struct playback pb = {0, 2, 0, 0, 0, STRBUF_INIT, ""};
	struct session_ops ops = {.key = playback_key, .tick = playback_tick, .ctx = &pb};
	struct session s;
	int rows, cols, status = 0;
	if (tcgetattr(STDIN_FILENO, &saved) != 0 || tty_make_raw(STDIN_FILENO, &saved) != 0) {
		perror("mpiloom: the terminal");
		return 2;
	}
	tty_size(STDOUT_FILENO, &rows, &cols);
	if (session_start(&s, st, scenario, RUN_REPLAY, &ops, rows, cols) != 0) {
		tty_restore(STDIN_FILENO, &saved);
		return 2;
	}
	/* The screen's own resize message comes from the launcher; here the
	 * terminal is ours, so curses' SIGWINCH handling is not in play and
	 * the size is polled with each frame instead. */
	s.poll_size_fd = STDOUT_FILENO;
	if (result != NULL)
		session_finish(&s, passed, result);
	session_set_table(&s, table);
	atomic_store(&s.finished, 1);
	s.info.state = RUN_REPLAY;
	s.view.horizon = INT64_MIN;
	s.view.time = logical ? VIEW_LOGICAL : VIEW_WALL;
	s.view.show_tree = table == NULL;
	s.info.output = output;
	if (session_loop(&s) == SESSION_SIGNAL)
		status = 128 + (s.signal ? s.signal : 15);
	session_stop(&s);
	tty_restore(STDIN_FILENO, &saved);
	strbuf_free(&pb.input);
	return status;
}
