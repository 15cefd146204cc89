#include "config.h"

#include "narrate.h"
#include "preview.h"

/* "9", "3 doubles [1, 2, 3]", "67 bytes": what travels, as a person
 * would say it. */
static void what(struct strbuf *sb, const struct store *st, struct event_ref ref,
		 const struct event *e, int32_t count)
{
	const uint8_t *pv = store_preview(st, ref);
	size_t size = event_dtype_size(e->dtype);
	if (count == 1 && pv != NULL && e->dtype != DT_PACKED && e->dtype != DT_BYTE &&
	    e->dtype != DT_CHAR && size > 0) {
		struct strbuf one = STRBUF_INIT;
		preview_format(&one, e, pv);
		/* "[9]" -> "9" */
		if (one.len >= 2 && one.s[0] == '[' && one.s[one.len - 1] == ']')
			strbuf_putn(sb, one.s + 1, one.len - 2);
		else
			strbuf_puts(sb, strbuf_str(&one));
		strbuf_free(&one);
		return;
	}
	if (e->dtype == DT_PACKED || e->dtype == DT_BYTE || size == 0) {
		strbuf_printf(sb, "%lld bytes", (long long)count * (e->type_size ? e->type_size : 1));
		return;
	}
	strbuf_printf(sb, "%d %s", count, event_dtype_name(e->dtype));
	if (pv != NULL) {
		strbuf_putc(sb, ' ');
		preview_format(sb, e, pv);
	}
}

static void envelope(struct strbuf *sb, const struct event *e, int32_t tag)
{
	strbuf_printf(sb, " (tag %d", tag);
	if (e->flags & EVF_LEVEL)
		strbuf_printf(sb, ", level %u of the tree", e->level);
	strbuf_putc(sb, ')');
}

static void who(struct strbuf *sb, int32_t rank)
{
	if (rank == EV_ANY)
		strbuf_puts(sb, "any rank");
	else if (rank < 0)
		strbuf_puts(sb, "nobody");
	else
		strbuf_printf(sb, "rank %d", rank);
}

static void p2p(struct strbuf *sb, const struct store *st, struct event_ref ref,
		const struct event *e)
{
	if (event_is_send(e)) {
		strbuf_printf(sb, "rank %u sends ", e->rank);
		what(sb, st, ref, e, e->count);
		strbuf_puts(sb, " to ");
		who(sb, e->peer);
		envelope(sb, e, e->tag);
		return;
	}
	strbuf_printf(sb, "rank %u receives ", e->rank);
	what(sb, st, ref, e, e->st_count >= 0 ? e->st_count : e->count);
	strbuf_puts(sb, " from ");
	who(sb, e->st_source);
	envelope(sb, e, e->st_tag);
	if (e->peer == EV_ANY || e->tag == EV_ANY)
		strbuf_printf(sb, ", having asked for %s%s",
			      e->peer == EV_ANY ? "ANY_SOURCE" : "a given source",
			      e->tag == EV_ANY ? " and ANY_TAG" : "");
}

static void probe(struct strbuf *sb, const struct event *e)
{
	strbuf_printf(sb, "rank %u probes (", e->rank);
	if (e->peer == EV_ANY)
		strbuf_puts(sb, "ANY_SOURCE");
	else
		who(sb, e->peer);
	strbuf_puts(sb, e->tag == EV_ANY ? ", ANY_TAG): " : ", a tag): ");
	if (e->st_source < 0) {
		strbuf_puts(sb, "no message yet");
		return;
	}
	strbuf_printf(sb, "message from rank %d, tag %d, %d %s (MPI_Get_count), %d elements",
		      e->st_source, e->st_tag, e->st_count, event_dtype_name(e->dtype),
		      e->st_elements);
}

static void collective(struct strbuf *sb, const struct store *st, struct event_ref ref,
		       const struct event *e)
{
	int root = (e->flags & EVF_ROOT) != 0;
	strbuf_printf(sb, "rank %u%s ", e->rank, root ? " (the root)" : "");
	switch (e->kind) {
	case EV_BARRIER:
		strbuf_puts(sb, "waits at the barrier until every rank is there");
		return;
	case EV_BCAST:
		strbuf_puts(sb, root ? "broadcasts " : "receives the broadcast of ");
		break;
	case EV_GATHER:
		strbuf_puts(sb, root ? "gathers everyone's values: " : "sends its value to the gather: ");
		break;
	case EV_SCATTER:
		strbuf_puts(sb, root ? "scatters " : "gets its part of the scatter: ");
		break;
	case EV_REDUCE:
		strbuf_puts(sb, root ? "gets the reduction's result: " : "contributes to the reduction: ");
		break;
	default:
		strbuf_puts(sb, "takes part in an allreduce, result ");
		break;
	}
	what(sb, st, ref, e, e->count);
	if (e->peer >= 0 && !root && e->kind != EV_ALLREDUCE)
		strbuf_printf(sb, " (root %d)", e->peer);
}

void narrate(struct strbuf *sb, const struct store *st, struct event_ref ref)
{
	const struct event *e = store_event(st, ref);
	if (e == NULL)
		return;
	if (event_is_send(e) || event_is_recv(e))
		p2p(sb, st, ref, e);
	else if (e->kind == EV_PROBE || e->kind == EV_IPROBE)
		probe(sb, e);
	else if (event_is_collective(e))
		collective(sb, st, ref, e);
	else if (e->kind == EV_PACK || e->kind == EV_UNPACK)
		strbuf_printf(sb, "rank %u %s %d %s: %lld bytes of data, %d bytes packed", e->rank,
			      e->kind == EV_PACK ? "packs" : "unpacks", e->count,
			      event_dtype_name(e->dtype), (long long)event_bytes(e), e->st_count);
	else if (e->kind == EV_INIT)
		strbuf_printf(sb, "rank %u starts MPI", e->rank);
	else if (e->kind == EV_FINALIZE)
		strbuf_printf(sb, "rank %u ends MPI", e->rank);
	else if (e->kind == EV_RESULT)
		strbuf_printf(sb, "rank %u checks its result: %s", e->rank,
			      e->flags & EVF_CHECK_FAILED ? "FAILED" : "passed");
	else
		strbuf_printf(sb, "rank %u: %s", e->rank, event_kind_name(e->kind));
}

void narrate_pending(struct strbuf *sb, const struct event *e)
{
	strbuf_printf(sb, "rank %u %s %s", e->rank,
		      e->flags & EVF_BLOCKED ? "is blocked in" : "waits for n before",
		      event_kind_name(e->kind));
	if (event_is_send(e)) {
		strbuf_puts(sb, " to ");
		who(sb, e->peer);
	} else if (event_is_recv(e) || e->kind == EV_PROBE || e->kind == EV_IPROBE) {
		strbuf_puts(sb, " from ");
		who(sb, e->peer);
	} else if (event_is_collective(e) && e->peer >= 0) {
		strbuf_printf(sb, " (root %d)", e->peer);
	}
	if (e->tag >= 0)
		strbuf_printf(sb, ", tag %d", e->tag);
	else if (e->tag == EV_ANY)
		strbuf_puts(sb, ", ANY_TAG");
	if (e->flags & EVF_LEVEL)
		strbuf_printf(sb, ", level %u", e->level);
}
