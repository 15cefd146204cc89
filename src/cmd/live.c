#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd/lecture.h"
#include "cmd/live.h"
#include "core/clock.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "tui/session.h"
#include "tui/tty.h"

struct live {
	struct session s;
	struct session_ops ops;
	pthread_t thread;
	atomic_int mpi_ending;
	struct lecture *lc; /* NULL: the run cannot be stepped */
	uint64_t shown_step; /* the last step whose call was selected */
	struct strbuf status;
};

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

static void lock_store(void *ctx)
{
	(void)ctx;
	trace_lock();
}

static void unlock_store(void *ctx)
{
	(void)ctx;
	trace_unlock();
}

/* n and r while the run goes freely stop it first: the next press steps. */
static int live_key(void *ctx, struct session *s, const struct key *k)
{
	struct live *lv = ctx;
	if (lv->lc == NULL || k->code != K_CHAR || atomic_load(&s->finished) ||
	    atomic_load(&lv->mpi_ending))
		return 0;
	struct stepper *sp = lecture_stepper(lv->lc);
	if (!sp->on && (k->ch == 'n' || k->ch == 'r'))
		return stepper_key(sp, ' ');
	return stepper_key(sp, k->ch);
}

/* Once the call a step let go has completed, it is selected: the detail
 * pane's first line then says what the step did. */
static void show_step(struct live *lv, struct session *s, const struct stepper *sp)
{
	uint32_t rank, seq;
	struct event_ref ref;
	if (sp->steps == lv->shown_step || !stepper_last_call(sp, &rank, &seq) ||
	    !store_find_seq(s->store, rank, seq, &ref))
		return;
	lv->shown_step = sp->steps;
	s->view.sel = ref;
	s->view.has_sel = 1;
}

static void live_tick(void *ctx, struct session *s)
{
	struct live *lv = ctx;
	if (lv->lc == NULL)
		return;
	struct stepper *sp = lecture_stepper(lv->lc);
	strbuf_reset(&lv->status);
	if (atomic_load(&s->finished) || atomic_load(&lv->mpi_ending)) {
		s->info.extra = NULL;
		return;
	}
	stepper_tick(sp, s->store, clock_now_ns());
	show_step(lv, s, sp);
	/* below 100 columns the keys' reminder gives way to the narration */
	if (sp->on)
		strbuf_printf(&lv->status, " | STEP%s | %u held",
			      s->ui.cols >= 100 ? " n r space" : "",
			      (unsigned)stepper_held(sp, s->store));
	else
		strbuf_puts(&lv->status, " | space: step");
	if (sp->said.len > 0) {
		strbuf_puts(&lv->status, " | ");
		stepper_status(sp, s->store, s->view.time == VIEW_LOGICAL, &lv->status);
	}
	s->info.extra = strbuf_str(&lv->status);
}

static int live_scripted(void *ctx, struct session *s)
{
	struct live *lv = ctx;
	if (lv->lc == NULL)
		return 0;
	/* once MPI ends nothing is left to step: the rest of the script (a
	 * closing q) is the screen's at once */
	int key = atomic_load(&lv->mpi_ending) ? lecture_next_key(lv->lc, NULL, 0)
					       : lecture_next_key(lv->lc, s->store, clock_now_ns());
	return key > 0 ? key : 0;
}

static void *loop(void *arg)
{
	struct live *lv = arg;
	enum session_end end = session_loop(&lv->s);
	ui_stop(&lv->s.ui);
	if (end == SESSION_SIGNAL)
		_exit(128 + (lv->s.signal ? lv->s.signal : 15));
	if (end == SESSION_QUIT_EARLY && !atomic_load(&lv->mpi_ending)) {
		/* q before the run ended: the only way to stop every rank */
		fprintf(stderr, "mpiloom: stopped by the user before %s finished\n",
			lv->s.scenario);
		/* the abort stops mpiexec forwarding output: give it the
		 * bytes that leave the screen first (seen lost under load) */
		fflush(stdout);
		tty_drain(STDOUT_FILENO, 2000);
		trace_abort(130);
	}
	return NULL;
}

struct live *live_start(const char *scenario, int show_tree, struct lecture *lc, int logical)
{
	struct live *lv = xcalloc(1, sizeof *lv);
	int rows, cols;
	screen_size(&rows, &cols);
	lv->lc = lc;
	lv->ops = (struct session_ops){.lock = lock_store, .unlock = unlock_store, .key = live_key,
				       .tick = live_tick, .scripted = live_scripted, .ctx = lv};
	if (session_start(&lv->s, trace_store(), scenario, RUN_LIVE, &lv->ops, rows, cols) != 0) {
		free(lv);
		return NULL;
	}
	lv->s.view.show_tree = show_tree;
	lv->s.view.time = logical ? VIEW_LOGICAL : VIEW_WALL;
	if (pthread_create(&lv->thread, NULL, loop, lv) != 0) {
		session_stop(&lv->s);
		free(lv);
		return NULL;
	}
	return lv;
}

void live_mpi_ending(struct live *lv)
{
	/* under the store lock: no step is being taken while MPI ends */
	trace_lock();
	atomic_store(&lv->mpi_ending, 1);
	trace_unlock();
}

void live_finish(struct live *lv, int passed, const char *result, const char *table)
{
	session_set_table(&lv->s, table);
	session_finish(&lv->s, passed, result);
	pthread_join(lv->thread, NULL);
}

void live_free(struct live *lv)
{
	if (lv == NULL)
		return;
	session_stop(&lv->s);
	strbuf_free(&lv->status);
	free(lv);
}
