/* The text view: one line per event in time order, a stable format that
 * pipes, tests and CI read (documented in mpiloom(1)). */
#ifndef MPILOOM_TEXTVIEW_H
#define MPILOOM_TEXTVIEW_H

#include <stdint.h>
#include <stdio.h>

#include "core/store.h"
#include "core/strbuf.h"

/* What a line holds beyond the stable default (mpiloom(1)). */
enum textview_flags {
	TEXTVIEW_STEPS = 1 << 0, /* step=N: the event's logical step, after dur */
};

void textview_line(struct strbuf *sb, const struct store *st, struct event_ref ref);
void textview_line_with(struct strbuf *sb, const struct store *st, struct event_ref ref,
			unsigned flags);
/* The closing "# result:" line, the same for a live run and a replay. */
void textview_result_line(struct strbuf *sb, const char *scenario, uint32_t size,
			  uint32_t ok_ranks, const struct store *st, const char *text);
/* Prints every event; returns 0, or -1 if writing failed. */
int textview_print(FILE *out, const struct store *st, unsigned flags);

#endif
