/* --time logical: each event's logical step (core/logical.h) in place of
 * its times, EXPORT_STEP_NS a step, so that a format draws steps as it
 * draws wall time. The layout needs the whole log (a receive waits for
 * its send), so the log is read into a store first. */
#include "config.h"

#include <stdlib.h>

#include "core/logical.h"
#include "core/store.h"
#include "core/xalloc.h"
#include "export/export.h"
#include "log/reader.h"

/* A call takes this much of its step: a bar a slide can show, and a
 * message ends right of where it began. */
#define CALL_NS (EXPORT_STEP_NS * 3 / 5)

struct export_steps {
	struct store *st;
};

struct export_steps *export_steps_load(const char *log, struct strbuf *err)
{
	struct store *st = NULL;
	struct log_report rep;
	int rc = log_read(log, &st, NULL, &rep, err);
	log_report_free(&rep);
	if (rc == 2 || st == NULL) {
		store_free(st);
		return NULL;
	}
	store_seal(st);
	struct export_steps *x = xcalloc(1, sizeof *x);
	x->st = st;
	return x;
}

void export_steps_free(struct export_steps *x)
{
	if (x == NULL)
		return;
	store_free(x->st);
	free(x);
}

/* An event the store kept: at its step. A call a rank is still in: the
 * step after the rank's last. Anything else stays as it is. */
const struct event *export_steps_apply(const struct export_steps *x, const struct event *ev,
				       struct event *buf)
{
	const struct logical *lg = store_logical(x->st);
	struct event_ref ref;
	int64_t step;
	if (ev->flags & EVF_PENDING) {
		step = (int64_t)logical_placed(lg, ev->rank) > 0
			       ? logical_step(lg, (struct event_ref){ev->rank,
					       (uint32_t)logical_placed(lg, ev->rank) - 1}) + 1
			       : 0;
	} else if (store_find_seq(x->st, ev->rank, ev->seq, &ref) &&
		   ref.index < logical_placed(lg, ev->rank)) {
		step = logical_step(lg, ref);
	} else {
		return ev;
	}
	*buf = *ev;
	buf->t_begin = step * EXPORT_STEP_NS;
	event_set_duration(buf, (ev->flags & EVF_PENDING) ? 0 : CALL_NS);
	return buf;
}
