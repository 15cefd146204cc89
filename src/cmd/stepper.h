/* Lecture stepping, rank 0's side: which held call goes next. Every rank
 * stops before each traced call (the trace layer's gate) and rank 0 lets
 * the calls go one press at a time, in an order decided from the store
 * alone, so that the same presses give the same run every time. */
#ifndef MPILOOM_STEPPER_H
#define MPILOOM_STEPPER_H

#include <stdint.h>

#include "core/store.h"
#include "core/strbuf.h"

struct stepper_ops {
	void *ctx;
	int (*release)(void *ctx, uint32_t rank);
	int (*set_stepping)(void *ctx, int on);
};

struct stepper {
	uint32_t nranks;
	uint32_t *let_go; /* per rank: seq of the call let go last, or UINT32_MAX */
	struct stepper_ops ops;
	int on;		   /* every call waits */
	unsigned presses;  /* n not yet done */
	unsigned rounds;   /* r not yet done */
	int64_t unsettled_since;
	uint64_t steps;	   /* steps taken */
	uint64_t done;	   /* steps all of whose calls have completed */
	struct step *log;  /* what each step let go */
	size_t nlog, cap;
	struct strbuf said; /* the last step, or the last toggle, in words */
	int said_step;	    /* said is a step's */
};

void stepper_init(struct stepper *sp, uint32_t nranks, const struct stepper_ops *ops, int on);
void stepper_free(struct stepper *sp);
/* n, r, space; returns 1 when the key was the stepper's. */
int stepper_key(struct stepper *sp, int ch);
/* Ranks that have settled: each one held, blocked or finished. */
int stepper_settled(struct stepper *sp, const struct store *st, int64_t now_ns);
/* Takes what was pressed once the ranks have settled; the store locked.
 * Returns 1 when it let something go. */
int stepper_tick(struct stepper *sp, const struct store *st, int64_t now_ns);
/* The first call the last step let go; 0 before any step. */
int stepper_last_call(const struct stepper *sp, uint32_t *rank, uint32_t *seq);
/* Held calls, for the status bar. */
uint32_t stepper_held(const struct stepper *sp, const struct store *st);
/* The status bar's words for the last press. In logical time it names
 * the step (the column) its first call is at, so that "step 5" there is
 * step 5 on the axis; wall time has no columns: there it counts presses. */
void stepper_status(const struct stepper *sp, const struct store *st, int logical,
		    struct strbuf *out);
/* One line a press ("# press 3 n: r1 #1 send peer=0 tag=0 step=2 | done
 * before=2"), step= once its first call is laid out in logical time. */
size_t stepper_lines(struct stepper *sp, const struct store *st, struct strbuf *out);

#endif
