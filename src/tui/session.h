/* An interactive screen over a store: keys in, frames out, until the user
 * quits. The live run drives one from a thread on rank 0, replay from the
 * main thread; what differs (locking, playback keys) comes in as ops. */
#ifndef MPILOOM_SESSION_H
#define MPILOOM_SESSION_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "tui/keys.h"
#include "tui/signals.h"
#include "tui/ui.h"
#include "view/canvas.h"
#include "view/frame.h"
#include "view/view.h"

struct session;

struct session_ops {
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);
	/* Keys of the caller's own (playback); returns 1 if it used the key.
	 * Called with the store locked. */
	int (*key)(void *ctx, struct session *s, const struct key *k);
	/* Before each frame, store locked: advance playback, set info.extra. */
	void (*tick)(void *ctx, struct session *s);
	/* A key taken as typed (--keys): > 0 a key, 0 none yet; store locked. */
	int (*scripted)(void *ctx, struct session *s);
	void *ctx;
};

enum session_end {
	SESSION_QUIT,	    /* the user quit after the run finished */
	SESSION_QUIT_EARLY, /* ... before it finished */
	SESSION_SIGNAL,	    /* SIGTERM, SIGINT or SIGHUP */
	SESSION_INPUT_GONE, /* no input left and the run finished */
};

struct session {
	struct ui ui;
	struct view view;
	struct keyreader keys;
	struct canvas cv;
	struct timeline_layout lay;
	struct frame_info info;
	pthread_mutex_t info_lock; /* info and result: set by another thread */
	char *scenario;
	char *result;
	char *table;
	struct store *store;
	const struct session_ops *ops;
	int in_fd;
	struct signals sig; /* caught while the screen is up */
	int frame_ms;
	int poll_size_fd; /* >= 0: the terminal is ours; follow its size */
	atomic_int finished;
	int signal;
};

/* Starts the screen at rows x cols on out; -1 (reason on stderr) if not. */
int session_start(struct session *s, struct store *st, const char *scenario,
		  enum run_state state, const struct session_ops *ops, int rows, int cols);
enum session_end session_loop(struct session *s);
/* The run is over (from any thread): the status bar says how it ended. */
void session_finish(struct session *s, int passed, const char *result);
/* A longer report to show when the run is over (compare's table). */
void session_set_table(struct session *s, const char *table);
void session_stop(struct session *s);

#endif
