#include "config.h"

#include <stdio.h>

#include "core/logical.h"
#include "view/detail.h"
#include "view/narrate.h"
#include "view/payload.h"
#include "view/timeline.h"
#include "view/view.h"

static void put_who(struct strbuf *sb, const char *what, int32_t v)
{
	if (v == EV_ANY)
		strbuf_printf(sb, "%s ANY", what);
	else if (v == EV_UNSET)
		strbuf_printf(sb, "%s -", what);
	else
		strbuf_printf(sb, "%s %d", what, v);
}

static void headline(struct strbuf *sb, const struct event *e)
{
	strbuf_printf(sb, "%s  rank %u #%u", event_kind_name(e->kind), e->rank, e->seq);
	if (event_is_send(e)) {
		strbuf_puts(sb, "  ");
		put_who(sb, "to", e->peer);
	} else if (event_is_recv(e) || event_is_any_probe(e) || e->kind == EV_IRECV) {
		strbuf_puts(sb, "  ");
		put_who(sb, "from", e->peer);
	} else if ((event_is_collective(e) || event_is_icoll(e)) && e->peer >= 0) {
		strbuf_printf(sb, "  root %d%s", e->peer, e->flags & EVF_ROOT ? " (this rank)" : "");
	}
	if (e->tag != EV_UNSET && e->kind != EV_ABORT && e->kind != EV_EXIT &&
	    !event_is_comm_op(e)) {
		strbuf_puts(sb, "  ");
		put_who(sb, "tag", e->tag);
	}
	if (e->count != EV_UNSET && e->kind != EV_RESULT && e->kind != EV_INIT &&
	    e->kind != EV_FINALIZE && e->kind != EV_BARRIER && !event_is_comm_op(e))
		strbuf_printf(sb, "  count %d %s (%lld bytes)", e->count, event_dtype_name(e->dtype),
			      (long long)event_bytes(e));
	if (e->flags & EVF_LEVEL)
		strbuf_printf(sb, "  level L%u", e->level);
	if (e->comm != 0)
		strbuf_printf(sb, "  comm %u", e->comm);
}

static void status_line(struct strbuf *sb, const struct event *e)
{
	if (e->kind == EV_PACK || e->kind == EV_UNPACK) {
		strbuf_printf(sb, "raw %lld bytes, packed %d bytes", (long long)event_bytes(e),
			      e->st_count);
		return;
	}
	if (e->kind == EV_RESULT) {
		strbuf_puts(sb, e->flags & EVF_CHECK_FAILED ? "check FAILED" : "check passed");
		return;
	}
	if (e->st_source == EV_UNSET && e->st_tag == EV_UNSET)
		return;
	strbuf_puts(sb, "status: ");
	put_who(sb, "MPI_SOURCE", e->st_source);
	strbuf_puts(sb, "  ");
	put_who(sb, "MPI_TAG", e->st_tag);
	strbuf_printf(sb, "  count %d  elements %d (%s", e->st_count, e->st_elements,
		      event_dtype_name(e->dtype));
	if (e->st_count >= 0)
		strbuf_printf(sb, ", %lld bytes", (long long)event_status_bytes(e));
	strbuf_putc(sb, ')');
}

/* Points in time as the text view prints them (microseconds since the
 * start, three decimals): two calls 10 us apart at 18 ms must differ. */
static void at_us(char *buf, size_t size, int64_t ns)
{
	snprintf(buf, size, "%.3fus", (double)ns / 1000.0);
}

static void message_line(struct strbuf *sb, const struct store *st, struct event_ref ref,
			 const struct event *e)
{
	struct event_ref pref;
	if (!event_is_send(e) && !event_is_recv(e))
		return;
	if (!store_partner(st, ref, &pref)) {
		strbuf_puts(sb, "message: not matched (yet)");
		return;
	}
	const struct event *p = store_event(st, pref);
	const struct event *s = event_is_send(e) ? e : p, *r = event_is_send(e) ? p : e;
	char a[32], b[32], lat[24];
	at_us(a, sizeof a, s->t_begin);
	at_us(b, sizeof b, event_end(r));
	timeline_format_time(lat, sizeof lat, view_elapsed(s->t_begin, event_end(r)));
	strbuf_printf(sb, "message %u.%u: rank %u sends at %s -> rank %u has it at %s (%s)",
		      s->rank, s->seq, s->rank, a, r->rank, b, lat);
}

/* Both clocks: wall time, and the step the logical axis puts it at. */
static void time_line(struct strbuf *sb, const struct store *st, struct event_ref ref,
		      const struct event *e)
{
	char a[32], b[32], d[24];
	at_us(a, sizeof a, e->t_begin);
	at_us(b, sizeof b, event_end(e));
	timeline_format_time(d, sizeof d, event_duration(e));
	strbuf_printf(sb, "begin %s  end %s  duration %s", a, b, d);
	const struct logical *lg = store_logical(st);
	if (ref.index < logical_placed(lg, ref.rank))
		strbuf_printf(sb, "  step %u", logical_step(lg, ref));
}

/* What each rank is in now: the calls stepping holds, the ones blocked. */
static int pending_lines(const struct store *st, struct strbuf *lines, int max)
{
	int n = 0;
	for (uint32_t r = 0; r < store_nranks(st) && n < max; r++) {
		const struct event *p = store_pending(st, r);
		if (p != NULL)
			narrate_pending(&lines[n++], p);
	}
	return n;
}

int detail_lines(const struct store *st, struct event_ref ref, struct strbuf lines[DETAIL_LINES])
{
	for (int i = 0; i < DETAIL_LINES; i++)
		strbuf_reset(&lines[i]);
	const struct event *e = store_event(st, ref);
	if (e == NULL) {
		strbuf_puts(&lines[0], "nothing selected: Tab selects the next call, Shift-Tab the "
				       "previous");
		return 1 + pending_lines(st, lines + 1, DETAIL_LINES - 1);
	}
	int n = 0;
	/* first what happened, in words; then the fields */
	narrate(&lines[n++], st, ref);
	headline(&lines[n++], e);
	status_line(&lines[n], e);
	if (lines[n].len)
		n++;
	message_line(&lines[n], st, ref, e);
	if (lines[n].len)
		n++;
	const uint8_t *pv = store_preview(st, ref);
	if (pv != NULL && n < DETAIL_LINES - 1) {
		strbuf_puts(&lines[n], "data: ");
		payload_format(&lines[n], e, pv);
		n++;
	}
	time_line(&lines[n++], st, ref, e);
	return n;
}
