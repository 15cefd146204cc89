/* Lecture mode on rank 0: the stepper fed by keys (the person's, or
 * --keys), whether a screen shows the run or the text view prints it. */
#ifndef MPILOOM_LECTURE_H
#define MPILOOM_LECTURE_H

#include <stdint.h>
#include <stdio.h>

#include "cmd/stepper.h"
#include "core/store.h"

struct lecture;

/* on: stepping from the start (--step); script: --keys, or NULL. */
struct lecture *lecture_new(uint32_t nranks, int on, const char *script);
/* The next scripted key, once the last one has been carried out and the
 * ranks have settled; 0 when none is due now, -1 when the script is done.
 * With st NULL (the run is over: nothing to settle) the next key at once. */
int lecture_next_key(struct lecture *lc, const struct store *st, int64_t now_ns);
struct stepper *lecture_stepper(struct lecture *lc);
/* Without a screen: a thread takes the scripted keys, then lets the run
 * go on freely. */
int lecture_drive(struct lecture *lc);
void lecture_stop(struct lecture *lc);
/* The presses taken, as "# press" lines (mpiloom(1)); store complete. */
int lecture_print(struct lecture *lc, const struct store *st, FILE *out);
void lecture_free(struct lecture *lc);

#endif
