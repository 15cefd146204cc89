/* The detail pane: everything known about the selected call, and for a
 * send or receive, about its message. Plain lines, escaped. */
#ifndef MPILOOM_DETAIL_H
#define MPILOOM_DETAIL_H

#include "core/store.h"
#include "core/strbuf.h"

#define DETAIL_LINES 6

/* Fills lines[0..DETAIL_LINES-1]; returns how many are used. */
int detail_lines(const struct store *st, struct event_ref ref, struct strbuf lines[DETAIL_LINES]);

#endif
