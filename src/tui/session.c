#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "tui/session.h"
#include "tui/signals.h"
#include "tui/tty.h"

#define FRAME_MS 50

static int watch_signals(struct session *s)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
	return signals_catch(&s->sig, sigs, sizeof sigs / sizeof sigs[0]);
}

static void lock(struct session *s)
{
	if (s->ops->lock)
		s->ops->lock(s->ops->ctx);
}

static void unlock(struct session *s)
{
	if (s->ops->unlock)
		s->ops->unlock(s->ops->ctx);
}

static void visible_selection(struct session *s)
{
	struct view *v = &s->view;
	if (!v->has_sel || s->lay.ranks_shown == 0)
		return;
	if (v->sel.rank < v->top_rank)
		v->top_rank = v->sel.rank;
	if (v->sel.rank >= v->top_rank + s->lay.ranks_shown)
		v->top_rank = v->sel.rank - s->lay.ranks_shown + 1;
}

static void scroll_ranks(struct session *s, int delta)
{
	int64_t top = (int64_t)s->view.top_rank + delta;
	int64_t max = (int64_t)store_nranks(s->store) - (int64_t)s->lay.ranks_shown;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	s->view.top_rank = (uint32_t)top;
}

static void click(struct session *s, const struct key *k)
{
	struct event_ref ref;
	if (k->button == 0 && timeline_hit(s->store, &s->view, &s->lay, s->ui.cols, k->y, k->x, &ref) &&
	    store_event(s->store, ref)->t_begin <= s->view.horizon) {
		s->view.sel = ref;
		s->view.has_sel = 1;
	}
}

static int view_key(struct session *s, const struct key *k)
{
	struct view *v = &s->view;
	switch (k->code) {
	case K_CHAR:
		switch (k->ch) {
		case ' ': v->paused = !v->paused; break;
		case '+': case '=': view_zoom(v, 1); break;
		case '-': case '_': view_zoom(v, 0); break;
		case '0': view_fit(v, s->store); break;
		case 't': v->show_tree = !v->show_tree; break;
		case 'l': view_toggle_time(v, s->store); visible_selection(s); break;
		case 'o': v->show_output = !v->show_output; break;
		case '?': case 'h': v->show_help = !v->show_help; break;
		default: return 0;
		}
		return 1;
	case K_LEFT: view_scroll(v, -1); return 1;
	case K_RIGHT: view_scroll(v, 1); return 1;
	case K_UP: scroll_ranks(s, -1); return 1;
	case K_DOWN: scroll_ranks(s, 1); return 1;
	case K_PGUP: scroll_ranks(s, -(int)s->lay.ranks_shown); return 1;
	case K_PGDN: scroll_ranks(s, (int)s->lay.ranks_shown); return 1;
	case K_HOME: view_fit(v, s->store); return 1;
	case K_TAB: view_select_step(v, s->store, 1); visible_selection(s); return 1;
	case K_BTAB: view_select_step(v, s->store, 0); visible_selection(s); return 1;
	case K_ENTER: v->show_detail = !v->show_detail; return 1;
	case K_ESC: v->show_help = 0; return 1;
	case K_RESIZE: ui_resize(&s->ui, k->rows, k->cols); return 1;
	case K_MOUSE: click(s, k); return 1;
	default: return 0;
	}
}

/* Returns 1 when the user wants to quit. Called with the store locked. */
static int handle_key(struct session *s, const struct key *k)
{
	if (k->code == K_INTERRUPT || (k->code == K_CHAR && (k->ch == 'q' || k->ch == 'Q')))
		return 1;
	if (s->ops->key != NULL && s->ops->key(s->ops->ctx, s, k))
		return 0;
	view_key(s, k);
	return 0;
}

static void redraw(struct session *s)
{
	if (s->poll_size_fd >= 0) {
		int rows, cols;
		tty_size(s->poll_size_fd, &rows, &cols);
		if (rows != s->ui.rows || cols != s->ui.cols)
			ui_resize(&s->ui, rows, cols);
	}
	lock(s);
	if (s->cv.rows != s->ui.rows || s->cv.cols != s->ui.cols) {
		canvas_free(&s->cv);
		canvas_init(&s->cv, s->ui.rows, s->ui.cols);
	}
	if (s->ops->tick != NULL)
		s->ops->tick(s->ops->ctx, s);
	if (s->view.fit && !s->view.paused)
		view_fit(&s->view, s->store);
	pthread_mutex_lock(&s->info_lock);
	frame_draw(&s->cv, s->store, &s->view, &s->info, &s->lay);
	pthread_mutex_unlock(&s->info_lock);
	unlock(s);
	ui_blit(&s->ui, &s->cv);
}

static int read_keys(struct session *s, int timed_out)
{
	unsigned char buf[256];
	struct key keys[64];
	size_t nk;
	if (timed_out) {
		nk = keyreader_flush(&s->keys, keys, 64);
	} else {
		ssize_t n = read(s->in_fd, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return 0;
		if (n <= 0) {
			/* No more input (the terminal hung up, or there was
			 * none): nobody can press q, so the screen ends with
			 * the run. */
			s->in_fd = -1;
			return 0;
		}
		nk = keyreader_feed(&s->keys, buf, (size_t)n, keys, 64);
	}
	int quit = 0;
	lock(s);
	/* Every decoded key is handled before more is read, so that pending
	 * input never piles up behind a full key array. */
	for (;;) {
		for (size_t i = 0; i < nk && !quit; i++)
			quit = handle_key(s, &keys[i]);
		if (quit || nk < 64)
			break;
		nk = keyreader_feed(&s->keys, NULL, 0, keys, 64);
	}
	unlock(s);
	return quit;
}

/* Returns 1 when the scripted key was q. */
static int scripted_key(struct session *s)
{
	if (s->ops->scripted == NULL)
		return 0;
	lock(s);
	int ch = s->ops->scripted(s->ops->ctx, s), quit = 0;
	if (ch > 0) {
		struct key k;
		memset(&k, 0, sizeof k);
		k.code = ch == '\t' ? K_TAB : ch == '\n' || ch == '\r' ? K_ENTER : K_CHAR;
		k.ch = ch;
		quit = handle_key(s, &k);
	}
	unlock(s);
	return quit;
}

enum session_end session_loop(struct session *s)
{
	for (;;) {
		if (scripted_key(s))
			return atomic_load(&s->finished) ? SESSION_QUIT : SESSION_QUIT_EARLY;
		struct pollfd fds[2] = {{s->in_fd, POLLIN, 0}, {s->sig.fd[0], POLLIN, 0}};
		int n = poll(fds, 2, s->frame_ms);
		if (n < 0 && errno != EINTR)
			return SESSION_SIGNAL;
		if (n > 0 && (fds[1].revents & POLLIN)) {
			s->signal = signals_take(&s->sig);
			return SESSION_SIGNAL;
		}
		if (s->in_fd >= 0 && (n == 0 || (fds[0].revents & (POLLIN | POLLHUP)))) {
			if (read_keys(s, n == 0))
				return atomic_load(&s->finished) ? SESSION_QUIT : SESSION_QUIT_EARLY;
		}
		if (s->in_fd < 0 && atomic_load(&s->finished))
			return SESSION_INPUT_GONE;
		redraw(s);
	}
}

int session_start(struct session *s, struct store *st, const char *scenario,
		  enum run_state state, const struct session_ops *ops, int rows, int cols)
{
	memset(s, 0, sizeof *s);
	s->store = st;
	s->ops = ops;
	s->scenario = xstrdup(scenario);
	s->in_fd = STDIN_FILENO;
	s->poll_size_fd = -1;
	s->frame_ms = FRAME_MS;
	s->info = (struct frame_info){s->scenario, state, 0, NULL, NULL, NULL, NULL};
	pthread_mutex_init(&s->info_lock, NULL);
	keyreader_init(&s->keys);
	view_init(&s->view);
	if (watch_signals(s) != 0 || ui_start(&s->ui, stdout, rows, cols) != 0) {
		session_stop(s);
		return -1;
	}
	canvas_init(&s->cv, s->ui.rows, s->ui.cols);
	return 0;
}

void session_finish(struct session *s, int passed, const char *result)
{
	pthread_mutex_lock(&s->info_lock);
	free(s->result);
	s->result = xstrdup(result ? result : "");
	s->info.state = RUN_FINISHED;
	s->info.passed = passed;
	s->info.result = s->result;
	pthread_mutex_unlock(&s->info_lock);
	atomic_store(&s->finished, 1);
}

void session_set_table(struct session *s, const char *table)
{
	pthread_mutex_lock(&s->info_lock);
	free(s->table);
	s->table = table && *table ? xstrdup(table) : NULL;
	s->info.table = s->table;
	pthread_mutex_unlock(&s->info_lock);
}

void session_stop(struct session *s)
{
	ui_stop(&s->ui);
	canvas_free(&s->cv);
	keyreader_free(&s->keys);
	/* the run may go on without a screen: signals act again */
	signals_release(&s->sig);
	pthread_mutex_destroy(&s->info_lock);
	free(s->scenario);
	free(s->result);
	free(s->table);
	s->scenario = s->result = s->table = NULL;
}
