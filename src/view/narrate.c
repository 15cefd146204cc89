#include "config.h"

#include "view/narrate.h"
#include "view/payload.h"

/* "9", "3 doubles [1, 2, 3]", "67 bytes": what travels, as a person
 * would say it. */
static void what(struct strbuf *sb, const struct store *st, struct event_ref ref,
		 const struct event *e, int32_t count)
{
	if (count < 0) { /* a v- or w-form's counts, one per rank */
		strbuf_puts(sb, "a count for each rank");
		return;
	}
	const uint8_t *pv = store_preview(st, ref);
	size_t size = event_dtype_size(e->dtype);
	if (count == 1 && pv != NULL && e->dtype != DT_PACKED && e->dtype != DT_BYTE &&
	    e->dtype != DT_CHAR && size > 0) {
		struct strbuf one = STRBUF_INIT;
		payload_format(&one, e, pv);
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
		payload_format(sb, e, pv);
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

/* ", completing its Irecv #3" / ", completed at #7": the other end of a
 * request, when there is one. */
static void request(struct strbuf *sb, const struct store *st, struct event_ref ref,
		    const struct event *e)
{
	struct event_ref other;
	if (event_is_completion(e)) {
		if (store_posting(st, ref, &other))
			strbuf_printf(sb, ", completing its %s #%u",
				      event_kind_name(store_event(st, other)->kind),
				      store_event(st, other)->seq);
	} else if (event_is_posting(e)) {
		if (store_completion(st, ref, &other))
			strbuf_printf(sb, ", completed by its %s #%u",
				      event_kind_name(store_event(st, other)->kind),
				      store_event(st, other)->seq);
		else
			strbuf_puts(sb, ", not completed yet");
	}
}

static void posted_recv(struct strbuf *sb, const struct store *st, struct event_ref ref,
			const struct event *e)
{
	strbuf_printf(sb, "rank %u posts a receive of up to %d %s from ", e->rank, e->count,
		      event_dtype_name(e->dtype));
	if (e->peer == EV_ANY)
		strbuf_puts(sb, "any rank");
	else
		who(sb, e->peer);
	if (e->tag == EV_ANY)
		strbuf_puts(sb, " (ANY_TAG)");
	else
		envelope(sb, e, e->tag);
	request(sb, st, ref, e);
}

/* A Wait or Test that completed a send, or nothing. */
static void completion(struct strbuf *sb, const struct store *st, struct event_ref ref,
		       const struct event *e)
{
	struct event_ref posting;
	if (store_posting(st, ref, &posting) && event_is_icoll(store_event(st, posting))) {
		strbuf_printf(sb, "rank %u's part in the %s is done", e->rank,
			      event_kind_name(store_event(st, posting)->kind));
		request(sb, st, ref, e);
		return;
	}
	if (e->count == EV_UNSET) {
		strbuf_printf(sb, "rank %u: %s, nothing completed", e->rank,
			      event_kind_name(e->kind));
		return;
	}
	strbuf_printf(sb, "rank %u's send to ", e->rank);
	who(sb, e->peer);
	strbuf_puts(sb, " is complete: its buffer may be reused");
	request(sb, st, ref, e);
}

static void p2p(struct strbuf *sb, const struct store *st, struct event_ref ref,
		const struct event *e)
{
	if (event_is_send(e)) {
		strbuf_printf(sb, "rank %u %s ", e->rank,
			      event_is_posting(e) ? "starts sending" : "sends");
		what(sb, st, ref, e, e->count);
		strbuf_puts(sb, " to ");
		who(sb, e->peer);
		envelope(sb, e, e->tag);
		request(sb, st, ref, e);
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
	request(sb, st, ref, e);
}

static void probe(struct strbuf *sb, const struct store *st, struct event_ref ref,
		  const struct event *e)
{
	int matched = event_is_matched_probe(e);
	strbuf_printf(sb, "rank %u %s (", e->rank, matched ? "takes a message by probe" : "probes");
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
	if (matched)
		request(sb, st, ref, e);
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
	case EV_GATHERV:
		strbuf_puts(sb, root ? "gathers everyone's values (counts of their own): "
				     : "sends its values to the gatherv: ");
		break;
	case EV_SCATTERV:
		strbuf_puts(sb, root ? "scatters (a count for each rank) " : "gets its part of the scatterv: ");
		break;
	case EV_ALLGATHER:
	case EV_ALLGATHERV:
		strbuf_puts(sb, "gathers everyone's values, as every rank does: ");
		break;
	case EV_ALLTOALL:
	case EV_ALLTOALLV:
		strbuf_puts(sb, "exchanges a part with every rank, getting ");
		break;
	case EV_REDUCE_SCATTER:
	case EV_REDUCE_SCATTER_BLOCK:
		strbuf_puts(sb, "takes part in a reduce-scatter, its block of the result ");
		break;
	case EV_SCAN:
		strbuf_puts(sb, "takes part in a scan, the reduction over ranks up to it ");
		break;
	case EV_NEIGHBOR_ALLGATHER:
	case EV_NEIGHBOR_ALLGATHERV:
		strbuf_puts(sb, "gathers its neighbours' values, sending each ");
		break;
	case EV_NEIGHBOR_ALLTOALL:
	case EV_NEIGHBOR_ALLTOALLV:
	case EV_NEIGHBOR_ALLTOALLW:
		strbuf_puts(sb, "exchanges a part with each neighbour, sending ");
		break;
	case EV_EXSCAN:
		strbuf_puts(sb, "takes part in an exscan, the reduction over the ranks before it ");
		break;
	default:
		strbuf_puts(sb, "takes part in an allreduce, result ");
		break;
	}
	what(sb, st, ref, e, e->count);
	if (e->peer >= 0 && !root && event_has_root(e))
		strbuf_printf(sb, " (root %d)", e->peer);
}

/* "rank 2 starts an ibcast (root 0): 4 MPI_INT, completed by its wait #7" */
static void icoll(struct strbuf *sb, const struct store *st, struct event_ref ref,
		  const struct event *e)
{
	strbuf_printf(sb, "rank %u starts an %s", e->rank, event_kind_name(e->kind));
	if (e->peer >= 0 && event_has_root(e))
		strbuf_printf(sb, " (root %d%s)", e->peer, e->flags & EVF_ROOT ? ", this rank" : "");
	if (e->count >= 0) {
		strbuf_puts(sb, ": ");
		what(sb, st, ref, e, e->count);
	}
	request(sb, st, ref, e);
}

static void comm_op(struct strbuf *sb, const struct event *e)
{
	if (e->kind == EV_COMM_FREE) {
		strbuf_printf(sb, "rank %u frees communicator %u", e->rank, e->comm);
		return;
	}
	strbuf_printf(sb, "rank %u: %s of communicator %u", e->rank, event_kind_name(e->kind),
		      e->comm);
	if (e->tag < 0)
		strbuf_puts(sb, ", giving it no communicator");
	else
		strbuf_printf(sb, " makes communicator %d of %d ranks", e->tag, e->count);
}

void narrate(struct strbuf *sb, const struct store *st, struct event_ref ref)
{
	const struct event *e = store_event(st, ref);
	if (e == NULL)
		return;
	if (event_is_send(e) || event_is_recv(e))
		p2p(sb, st, ref, e);
	else if (e->kind == EV_IRECV)
		posted_recv(sb, st, ref, e);
	else if (event_is_completion(e))
		completion(sb, st, ref, e);
	else if (event_is_comm_op(e))
		comm_op(sb, e);
	else if (event_is_any_probe(e))
		probe(sb, st, ref, e);
	else if (event_is_collective(e))
		collective(sb, st, ref, e);
	else if (event_is_icoll(e))
		icoll(sb, st, ref, e);
	else if (e->kind == EV_PACK || e->kind == EV_UNPACK)
		strbuf_printf(sb, "rank %u %s %d %s: %lld bytes of data, %d bytes packed", e->rank,
			      e->kind == EV_PACK ? "packs" : "unpacks", e->count,
			      event_dtype_name(e->dtype), (long long)event_bytes(e), e->st_count);
	else if (e->kind == EV_INIT)
		strbuf_printf(sb, "rank %u starts MPI", e->rank);
	else if (e->kind == EV_FINALIZE)
		strbuf_printf(sb, "rank %u ends MPI", e->rank);
	else if (e->kind == EV_EXIT)
		strbuf_printf(sb, "rank %u calls exit(%d) before MPI_Finalize", e->rank, e->tag);
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

void narrate_pending_lines(struct strbuf *sb, const struct store *st, const char *prefix)
{
	for (uint32_t r = 0; r < store_nranks(st); r++) {
		const struct event *p = store_pending(st, r);
		if (p == NULL)
			continue;
		strbuf_puts(sb, prefix);
		narrate_pending(sb, p);
		strbuf_putc(sb, '\n');
	}
}
