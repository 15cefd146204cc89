/* One sentence on what a call did, from the event itself, for a class
 * watching a run step by step: "rank 3 sends 9 to rank 2 (tag 1, level 0
 * of the tree)". */
#ifndef MPILOOM_NARRATE_H
#define MPILOOM_NARRATE_H

#include "core/store.h"
#include "core/strbuf.h"

void narrate(struct strbuf *sb, const struct store *st, struct event_ref ref);
/* The call a rank is in now (store_pending), in words. */
void narrate_pending(struct strbuf *sb, const struct event *e);
/* One line per rank in a call when the run ended, each after prefix:
 * "# pending: rank 0 is blocked in recv from rank 1, tag 0" (mpiloom run
 * --text, and dump of its recordings). */
void narrate_pending_lines(struct strbuf *sb, const struct store *st, const char *prefix);

#endif
