#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "frame.h"
#include "keys.h"
#include "live.h"
#include "trace.h"
#include "ui.h"
#include "xalloc.h"

#define FRAME_MS 50

struct live {
	struct ui ui;
	struct view view;
	struct keyreader keys;
	struct canvas cv;
	struct timeline_layout lay;
	struct frame_info info;
	char *scenario;
	char *result;
	int in_fd;
	int signal_fd[2]; /* SIGTERM/SIGINT/SIGHUP arrive here */
	pthread_t thread;
	pthread_mutex_t lock; /* guards info and result, set by the main thread */
	atomic_int finished;
	atomic_int quit;
};

/* The write end of the signal pipe: a handler gets no argument. */
static volatile sig_atomic_t signal_write_fd = -1;

static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;
	if (signal_write_fd >= 0 && write(signal_write_fd, &b, 1) < 0) {
		/* nothing more can be done in a handler */
	}
	errno = saved;
}

/* mpiexec typed by hand: rank 0's parent is hydra's proxy, whose parent
 * is mpiexec; if mpiexec's output is a terminal, draw there. Returns the
 * path of that terminal (to read its size), or NULL. */
static char *mpiexec_terminal(void)
{
	pid_t pid = getppid();
	for (int hop = 0; hop < 2 && pid > 1; hop++) {
		char path[64], target[256];
		snprintf(path, sizeof path, "/proc/%d/fd/1", (int)pid);
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strncmp(target, "/dev/pts/", 9) == 0 || strncmp(target, "/dev/tty", 8) == 0)
				return xstrdup(target);
		}
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		FILE *f = fopen(path, "r");
		int ppid = 0;
		if (f == NULL)
			return NULL;
		if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) != 1)
			ppid = 0;
		fclose(f);
		pid = ppid;
	}
	return NULL;
}

int live_wanted(void)
{
	const char *ui = getenv("MPILOOM_UI");
	if (ui != NULL)
		return strcmp(ui, "1") == 0;
	char *tty = mpiexec_terminal();
	free(tty);
	return tty != NULL;
}

static void screen_size(int *rows, int *cols)
{
	const char *r = getenv("MPILOOM_LINES"), *c = getenv("MPILOOM_COLUMNS");
	*rows = r ? atoi(r) : 0;
	*cols = c ? atoi(c) : 0;
	if (*rows <= 0 || *cols <= 0) {
		struct winsize ws;
		char *tty = mpiexec_terminal();
		int fd = tty ? open(tty, O_RDONLY | O_NOCTTY | O_NONBLOCK) : -1;
		free(tty);
		*rows = 24;
		*cols = 80;
		if (fd >= 0) {
			if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
				*rows = ws.ws_row;
				*cols = ws.ws_col;
			}
			close(fd);
		}
	}
	if (*rows > 10000)
		*rows = 10000;
	if (*cols > 10000)
		*cols = 10000;
}

static void visible_selection(struct live *lv)
{
	struct view *v = &lv->view;
	if (!v->has_sel || lv->lay.ranks_shown == 0)
		return;
	if (v->sel.rank >= v->top_rank + lv->lay.ranks_shown)
		v->top_rank = v->sel.rank - lv->lay.ranks_shown + 1;
}

static void scroll_ranks(struct live *lv, int delta)
{
	struct store *st = trace_store();
	int64_t top = (int64_t)lv->view.top_rank + delta;
	int64_t max = (int64_t)store_nranks(st) - (int64_t)lv->lay.ranks_shown;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	lv->view.top_rank = (uint32_t)top;
}

/* Returns 1 when the user wants to quit. Called with the store locked. */
static int handle_key(struct live *lv, const struct key *k)
{
	struct view *v = &lv->view;
	struct store *st = trace_store();
	switch (k->code) {
	case K_INTERRUPT:
		return 1;
	case K_CHAR:
		switch (k->ch) {
		case 'q': case 'Q': return 1;
		case ' ': v->paused = !v->paused; break;
		case '+': case '=': view_zoom(v, 1); break;
		case '-': case '_': view_zoom(v, 0); break;
		case '0': view_fit(v, st); break;
		case 't': v->show_tree = !v->show_tree; break;
		case '?': case 'h': v->show_help = !v->show_help; break;
		}
		break;
	case K_LEFT: view_scroll(v, -1); break;
	case K_RIGHT: view_scroll(v, 1); break;
	case K_UP: scroll_ranks(lv, -1); break;
	case K_DOWN: scroll_ranks(lv, 1); break;
	case K_PGUP: scroll_ranks(lv, -(int)lv->lay.ranks_shown); break;
	case K_PGDN: scroll_ranks(lv, (int)lv->lay.ranks_shown); break;
	case K_HOME: view_fit(v, st); break;
	case K_TAB: view_select_step(v, st, 1); visible_selection(lv); break;
	case K_BTAB: view_select_step(v, st, 0); visible_selection(lv); break;
	case K_ENTER: v->show_detail = !v->show_detail; break;
	case K_ESC: v->show_help = 0; break;
	case K_RESIZE: ui_resize(&lv->ui, k->rows, k->cols); break;
	case K_MOUSE: {
		struct event_ref ref;
		if (k->button == 0 &&
		    timeline_hit(st, v, &lv->lay, lv->ui.cols, k->y, k->x, &ref)) {
			v->sel = ref;
			v->has_sel = 1;
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

static void redraw(struct live *lv)
{
	trace_lock();
	struct store *st = trace_store();
	if (lv->cv.rows != lv->ui.rows || lv->cv.cols != lv->ui.cols) {
		canvas_free(&lv->cv);
		canvas_init(&lv->cv, lv->ui.rows, lv->ui.cols);
	}
	if (lv->view.fit && !lv->view.paused)
		view_fit(&lv->view, st);
	pthread_mutex_lock(&lv->lock);
	frame_draw(&lv->cv, st, &lv->view, &lv->info, &lv->lay);
	pthread_mutex_unlock(&lv->lock);
	trace_unlock();
	ui_blit(&lv->ui, &lv->cv);
}

static int read_keys(struct live *lv, int timed_out)
{
	unsigned char buf[256];
	struct key keys[64];
	size_t nk;
	if (timed_out) {
		nk = keyreader_flush(&lv->keys, keys, 64);
	} else {
		ssize_t n = read(lv->in_fd, buf, sizeof buf);
		if (n <= 0) {
			/* No more input (the terminal hung up, or mpiexec had none):
			 * nobody can press q, so the screen ends with the run. */
			lv->in_fd = -1;
			return 0;
		}
		nk = keyreader_feed(&lv->keys, buf, (size_t)n, keys, 64);
	}
	int quit = 0;
	trace_lock();
	for (size_t i = 0; i < nk && !quit; i++)
		quit = handle_key(lv, &keys[i]);
	trace_unlock();
	return quit;
}

/* q before the run ended: the only way to stop every rank at once. */
static void quit_early(struct live *lv)
{
	ui_stop(&lv->ui);
	fprintf(stderr, "mpiloom: stopped by the user before %s finished\n", lv->scenario);
	PMPI_Abort(MPI_COMM_WORLD, 130);
}

static void *loop(void *arg)
{
	struct live *lv = arg;
	for (;;) {
		struct pollfd fds[2] = {{lv->in_fd, POLLIN, 0}, {lv->signal_fd[0], POLLIN, 0}};
		int n = poll(fds, 2, FRAME_MS);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (fds[1].revents & POLLIN)) {
			ui_stop(&lv->ui);
			_exit(143);
		}
		int quit = 0;
		if (lv->in_fd >= 0 && (n == 0 || (fds[0].revents & (POLLIN | POLLHUP))))
			quit = read_keys(lv, n == 0);
		if (lv->in_fd < 0 && atomic_load(&lv->finished))
			break;
		if (quit) {
			atomic_store(&lv->quit, 1);
			if (!atomic_load(&lv->finished))
				quit_early(lv);
			break;
		}
		redraw(lv);
	}
	ui_stop(&lv->ui);
	return NULL;
}

static int watch_signals(struct live *lv)
{
	if (pipe2(lv->signal_fd, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	signal_write_fd = lv->signal_fd[1];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGHUP, &sa, NULL) != 0)
		return -1;
	return 0;
}

struct live *live_start(const char *scenario, int show_tree)
{
	struct live *lv = xcalloc(1, sizeof *lv);
	int rows, cols;
	lv->scenario = xstrdup(scenario);
	lv->in_fd = STDIN_FILENO;
	lv->info = (struct frame_info){lv->scenario, RUN_LIVE, 0, NULL};
	pthread_mutex_init(&lv->lock, NULL);
	keyreader_init(&lv->keys);
	view_init(&lv->view);
	lv->view.show_tree = show_tree;
	screen_size(&rows, &cols);
	if (watch_signals(lv) != 0 || ui_start(&lv->ui, stdout, rows, cols) != 0) {
		live_free(lv);
		return NULL;
	}
	canvas_init(&lv->cv, lv->ui.rows, lv->ui.cols);
	if (pthread_create(&lv->thread, NULL, loop, lv) != 0) {
		ui_stop(&lv->ui);
		live_free(lv);
		return NULL;
	}
	return lv;
}

void live_finish(struct live *lv, int passed, const char *result)
{
	pthread_mutex_lock(&lv->lock);
	lv->result = xstrdup(result ? result : "");
	lv->info.state = RUN_FINISHED;
	lv->info.passed = passed;
	lv->info.result = lv->result;
	pthread_mutex_unlock(&lv->lock);
	atomic_store(&lv->finished, 1);
	pthread_join(lv->thread, NULL);
}

void live_free(struct live *lv)
{
	if (lv == NULL)
		return;
	canvas_free(&lv->cv);
	keyreader_free(&lv->keys);
	if (lv->signal_fd[0] > 0) {
		signal_write_fd = -1;
		close(lv->signal_fd[0]);
		close(lv->signal_fd[1]);
	}
	pthread_mutex_destroy(&lv->lock);
	free(lv->scenario);
	free(lv->result);
	free(lv);
}
