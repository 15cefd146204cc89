/* The text view: one line per event in time order, a stable format that
 * pipes, tests and CI read (documented in mpiloom(1)). */
#ifndef MPILOOM_TEXTVIEW_H
#define MPILOOM_TEXTVIEW_H

#include <stdio.h>

#include "store.h"
#include "strbuf.h"

void textview_line(struct strbuf *sb, const struct store *st, struct event_ref ref);
/* Prints every event; returns 0, or -1 if writing failed. */
int textview_print(FILE *out, const struct store *st);

#endif
