#include "config.h"

#include "core/logical.h"
#include "core/xalloc.h"
#include "view/payload.h"
#include "view/textview.h"

#include <stdlib.h>
#include <string.h>

static void put_rank(struct strbuf *sb, const char *key, int32_t v)
{
	if (v == EV_ANY)
		strbuf_printf(sb, " %s=ANY", key);
	else if (v == EV_UNSET)
		strbuf_printf(sb, " %s=-", key);
	else
		strbuf_printf(sb, " %s=%d", key, v);
}

static void put_count(struct strbuf *sb, const char *key, int32_t v)
{
	if (v == EV_UNSET)
		strbuf_printf(sb, " %s=-", key);
	else
		strbuf_printf(sb, " %s=%d", key, v);
}

static void put_buffer(struct strbuf *sb, const struct event *ev)
{
	if (ev->count == EV_UNSET) { /* a v- or w-form's counts, one per rank */
		strbuf_puts(sb, " count=-");
		return;
	}
	put_count(sb, "count", ev->count);
	strbuf_printf(sb, " type=%s bytes=%lld", event_dtype_name(ev->dtype),
		      (long long)event_bytes(ev));
}

static void put_status(struct strbuf *sb, const struct event *ev)
{
	put_rank(sb, "status.source", ev->st_source);
	put_rank(sb, "status.tag", ev->st_tag);
	put_count(sb, "status.count", ev->st_count);
	put_count(sb, "status.elements", ev->st_elements);
	strbuf_printf(sb, " type=%s", event_dtype_name(ev->dtype));
	if (ev->st_count >= 0)
		strbuf_printf(sb, " bytes=%lld", (long long)event_status_bytes(ev));
}

static void put_message(struct strbuf *sb, const struct store *st, struct event_ref ref,
			const struct event *ev)
{
	struct event_ref partner;
	/* MPI_PROC_NULL: no message, nothing to match */
	if (event_is_send(ev) ? ev->peer == EV_UNSET : ev->st_source == EV_UNSET)
		return;
	if (!store_partner(st, ref, &partner)) {
		strbuf_puts(sb, " msg=unmatched");
		return;
	}
	/* A message is named by its send: sender rank and sequence number. */
	const struct event *send = event_is_send(ev) ? ev : store_event(st, partner);
	strbuf_printf(sb, " msg=%u.%u", send->rank, send->seq);
}

/* Which posting a completion completed (req=rank's seq), and the other
 * way: where a posting was completed (done=seq, or done=- while open). */
static void put_request(struct strbuf *sb, const struct store *st, struct event_ref ref,
			const struct event *ev)
{
	struct event_ref other;
	const char *key = event_is_completion(ev) ? "req" : "done";
	int known = event_is_completion(ev) ? store_posting(st, ref, &other)
					    : store_completion(st, ref, &other);
	if (known)
		strbuf_printf(sb, " %s=#%u", key, store_event(st, other)->seq);
	else
		strbuf_printf(sb, " %s=-", key);
}

/* A Wait or Test that completed a non-blocking collective: its posting's
 * line says what it was. */
static int completes_icoll(const struct store *st, struct event_ref ref)
{
	struct event_ref posting;
	return store_posting(st, ref, &posting) && event_is_icoll(store_event(st, posting));
}

static void put_comm_op(struct strbuf *sb, const struct event *ev)
{
	if (ev->kind == EV_COMM_FREE) {
		strbuf_printf(sb, " freed=%u", ev->comm);
		return;
	}
	put_rank(sb, "new", ev->tag);
	put_count(sb, "size", ev->count);
	if (ev->peer >= 0)
		strbuf_printf(sb, " first=%d", (int)ev->peer);
}

static void put_fields(struct strbuf *sb, const struct store *st, struct event_ref ref,
		       const struct event *ev)
{
	if (event_is_posting(ev))
		put_request(sb, st, ref, ev);
	if (event_is_send(ev)) {
		put_rank(sb, "dest", ev->peer);
		put_rank(sb, "tag", ev->tag);
		put_buffer(sb, ev);
		put_message(sb, st, ref, ev);
	} else if (event_is_recv(ev) || ev->kind == EV_IRECV || ev->kind == EV_IMRECV) {
		if (event_is_completion(ev))
			put_request(sb, st, ref, ev);
		put_rank(sb, "source", ev->peer);
		put_rank(sb, "tag", ev->tag);
		put_count(sb, "count", ev->count);
		if (ev->kind == EV_IRECV || ev->kind == EV_IMRECV) {
			strbuf_printf(sb, " type=%s", event_dtype_name(ev->dtype));
			return;
		}
		put_status(sb, ev);
		put_message(sb, st, ref, ev);
	} else if (event_is_completion(ev)) {
		put_request(sb, st, ref, ev);
		if (ev->count != EV_UNSET && !completes_icoll(st, ref)) {
			put_rank(sb, "dest", ev->peer);
			put_rank(sb, "tag", ev->tag);
			put_buffer(sb, ev);
		}
	} else if (event_is_comm_op(ev)) {
		put_comm_op(sb, ev);
	} else if (event_is_any_probe(ev)) {
		put_rank(sb, "source", ev->peer);
		put_rank(sb, "tag", ev->tag);
		put_status(sb, ev);
	} else if (ev->kind == EV_PACK || ev->kind == EV_UNPACK) {
		put_count(sb, "count", ev->count);
		strbuf_printf(sb, " type=%s raw=%lld packed=%d", event_dtype_name(ev->dtype),
			      (long long)event_bytes(ev), ev->st_count);
	} else if (ev->kind == EV_RESULT) {
		strbuf_puts(sb, ev->flags & EVF_CHECK_FAILED ? " check=failed" : " check=passed");
	} else if (ev->kind == EV_ABORT) {
		strbuf_printf(sb, " errorcode=%d", ev->tag);
	} else if (ev->kind == EV_EXIT) {
		strbuf_printf(sb, " status=%d", ev->tag);
	} else if ((event_is_collective(ev) || event_is_icoll(ev)) && ev->kind != EV_BARRIER &&
		   ev->kind != EV_IBARRIER) {
		if (event_has_root(ev))
			put_rank(sb, "root", ev->peer);
		put_buffer(sb, ev);
	}
}

void textview_line(struct strbuf *sb, const struct store *st, struct event_ref ref)
{
	textview_line_with(sb, st, ref, 0);
}

void textview_line_with(struct strbuf *sb, const struct store *st, struct event_ref ref,
			unsigned flags)
{
	const struct event *ev = store_event(st, ref);
	if (ev == NULL)
		return;
	strbuf_printf(sb, "%12.3f r%u #%u %s", (double)ev->t_begin / 1000.0, ev->rank, ev->seq,
		      event_kind_name(ev->kind));
	put_fields(sb, st, ref, ev);
	if (ev->comm != 0)
		strbuf_printf(sb, " comm=%u", ev->comm);
	if (ev->flags & EVF_LEVEL)
		strbuf_printf(sb, " level=%u", ev->level);
	if (ev->flags & EVF_ROOT)
		strbuf_puts(sb, " is-root");
	strbuf_printf(sb, " dur=%.3f", (double)event_duration(ev) / 1000.0);
	if (flags & TEXTVIEW_STEPS) {
		const struct logical *lg = store_logical(st);
		if (ref.index < logical_placed(lg, ref.rank))
			strbuf_printf(sb, " step=%u", logical_step(lg, ref));
	}
	const uint8_t *preview = store_preview(st, ref);
	if (preview != NULL) {
		strbuf_puts(sb, " data=");
		payload_format(sb, ev, preview);
	}
}

int textview_print(FILE *out, const struct store *st, unsigned flags)
{
	size_t n;
	struct event_ref *order = store_time_order(st, &n);
	struct strbuf line = STRBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		strbuf_reset(&line);
		textview_line_with(&line, st, order[i], flags);
		strbuf_putc(&line, '\n');
		if (fwrite(line.s, 1, line.len, out) != line.len)
			rc = -1;
	}
	strbuf_free(&line);
	free(order);
	return rc;
}

void textview_result_line(struct strbuf *sb, const char *scenario, uint32_t size,
			  uint32_t ok_ranks, const struct store *st, const char *text)
{
	struct store_stats stats;
	store_stats(st, &stats);
	strbuf_puts(sb, "# result: ");
	strbuf_escape(sb, scenario, strlen(scenario));
	strbuf_printf(sb,
		      " ranks=%u check=%s ok=%u/%u events=%llu lost=%llu messages=%llu "
		      "unmatched=%llu | ",
		      size, ok_ranks == size ? "passed" : "failed", ok_ranks, size,
		      (unsigned long long)stats.events, (unsigned long long)stats.lost,
		      (unsigned long long)stats.matched,
		      (unsigned long long)(stats.unmatched_sends + stats.unmatched_recvs));
	strbuf_escape(sb, text ? text : "", text ? strlen(text) : 0);
}
