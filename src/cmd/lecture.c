#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/lecture.h"
#include "core/clock.h"
#include "core/trace.h"
#include "core/xalloc.h"

#define DRIVE_POLL_NS 2000000
/* '~' in the keys: a lecturer's pause (half a second) before the next */
#define PAUSE_KEY '~'
#define PAUSE_NS 500000000

struct lecture {
	struct stepper sp;
	char *script;
	size_t pos;
	int64_t paused_until; /* a pause key's end */
	pthread_t thread;
	int driving;
	atomic_int stop;
};

static int release(void *ctx, uint32_t rank)
{
	(void)ctx;
	return trace_release(rank);
}

static int set_stepping(void *ctx, int on)
{
	(void)ctx;
	return trace_set_stepping(on);
}

struct lecture *lecture_new(uint32_t nranks, int on, const char *script)
{
	struct lecture *lc = xcalloc(1, sizeof *lc);
	struct stepper_ops ops = {NULL, release, set_stepping};
	stepper_init(&lc->sp, nranks, &ops, on);
	lc->script = xstrdup(script ? script : "");
	return lc;
}

struct stepper *lecture_stepper(struct lecture *lc)
{
	return &lc->sp;
}

int lecture_next_key(struct lecture *lc, const struct store *st, int64_t now_ns)
{
	while (st == NULL && lc->script[lc->pos] == PAUSE_KEY)
		lc->pos++; /* the run is over: nothing to wait for */
	if (lc->script[lc->pos] == '\0')
		return -1;
	if (st == NULL)
		return (unsigned char)lc->script[lc->pos++];
	if (lc->sp.presses > 0 || lc->sp.rounds > 0 ||
	    (lc->sp.on && !stepper_settled(&lc->sp, st, now_ns)) || now_ns < lc->paused_until)
		return 0;
	if (lc->script[lc->pos] == PAUSE_KEY) {
		lc->pos++;
		lc->paused_until = now_ns + PAUSE_NS;
		return 0;
	}
	return (unsigned char)lc->script[lc->pos++];
}

/* One pass: a scripted key if one is due, then whatever it asked for.
 * Returns 1 once the script is done and carried out. */
static int drive_once(struct lecture *lc)
{
	int64_t now = clock_now_ns();
	struct store *st = trace_store();
	trace_lock();
	int key = lecture_next_key(lc, st, now);
	if (key > 0)
		stepper_key(&lc->sp, key);
	stepper_tick(&lc->sp, st, now);
	int over = key < 0 && lc->sp.presses == 0 && lc->sp.rounds == 0 &&
		   (!lc->sp.on || stepper_settled(&lc->sp, st, now));
	trace_unlock();
	return over;
}

static void *drive(void *arg)
{
	struct lecture *lc = arg;
	while (!atomic_load(&lc->stop) && !drive_once(lc))
		clock_sleep_ns(DRIVE_POLL_NS);
	/* the keys are used up: the rest of the run goes by itself */
	if (lc->sp.on)
		trace_set_stepping(0);
	return NULL;
}

int lecture_drive(struct lecture *lc)
{
	if (pthread_create(&lc->thread, NULL, drive, lc) != 0)
		return -1;
	lc->driving = 1;
	return 0;
}

void lecture_stop(struct lecture *lc)
{
	if (lc == NULL || !lc->driving)
		return;
	atomic_store(&lc->stop, 1);
	pthread_join(lc->thread, NULL);
	lc->driving = 0;
}

int lecture_print(struct lecture *lc, const struct store *st, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	stepper_lines(&lc->sp, st, &sb);
	int rc = fputs(strbuf_str(&sb), out) < 0 ? -1 : 0;
	strbuf_free(&sb);
	return rc;
}

void lecture_free(struct lecture *lc)
{
	if (lc == NULL)
		return;
	lecture_stop(lc);
	stepper_free(&lc->sp);
	free(lc->script);
	free(lc);
}
