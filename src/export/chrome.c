/* The Chrome trace-event format (chrome://tracing, Perfetto, Speedscope):
 * one process per rank, a complete event ("X") per call with its
 * arguments, and a flow ("s" at the send, "f" at the receive) per matched
 * message so that the viewer draws the arrow. Times in microseconds. */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "core/xalloc.h"
#include "export/escape.h"
#include "export/export.h"
#include "export/outfile.h"
#include "view/payload.h"

struct chrome {
	struct outfile out;
	struct strbuf scratch;
	uint8_t *named; /* per rank: its process_name record is written */
	uint32_t nranks;
	uint64_t flows;
	uint64_t records;
};

static void put_string(struct outfile *o, const char *s, size_t n)
{
	outfile_putc(o, '"');
	escape_json(o, s, n);
	outfile_putc(o, '"');
}

static void put_cstring(struct outfile *o, const char *s)
{
	put_string(o, s ? s : "", s ? strlen(s) : 0);
}

/* One of mpiloom's own names (calls, kinds, datatypes): nothing in them
 * needs escaping. */
static void put_name(struct outfile *o, const char *s)
{
	outfile_putc(o, '"');
	outfile_puts(o, s);
	outfile_putc(o, '"');
}

static void put_header(struct outfile *o, const struct log_header *h)
{
	char when[64] = "";
	time_t created = (time_t)h->created;
	struct tm tm;
	if (gmtime_r(&created, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	outfile_lit(o, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"scenario\":");
	put_cstring(o, h->scenario);
	outfile_lit(o, ",\"args\":");
	put_cstring(o, h->args);
	outfile_lit(o, ",\"host\":");
	put_cstring(o, h->host);
	outfile_lit(o, ",\"created\":");
	put_cstring(o, when);
	outfile_lit(o, ",\"ranks\":");
	outfile_u64(o, h->nranks);
	outfile_lit(o, ",\"clock_max_rtt_ns\":");
	outfile_i64(o, h->clock_max_rtt_ns);
	outfile_lit(o, ",\"exporter\":\"mpiloom " PACKAGE_VERSION "\"},\n\"traceEvents\":[\n");
}

static void *chrome_open(const struct export_info *in, struct strbuf *err)
{
	struct chrome *c = xcalloc(1, sizeof *c);
	if (outfile_create(&c->out, in->opt->out, in->opt->force, err) != 0) {
		free(c);
		return NULL;
	}
	c->nranks = in->h->nranks;
	c->named = xcalloc(c->nranks, 1);
	put_header(&c->out, in->h);
	return c;
}

/* Starts a record: every one but the first after a comma. */
static void next_record(struct chrome *c)
{
	if (c->records++ > 0)
		outfile_lit(&c->out, ",\n");
}

static void name_rank(struct chrome *c, uint32_t rank)
{
	struct outfile *o = &c->out;
	c->named[rank] = 1;
	next_record(c);
	outfile_lit(o, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":");
	outfile_u64(o, rank);
	outfile_lit(o, ",\"args\":{\"name\":\"rank ");
	outfile_u64(o, rank);
	outfile_lit(o, "\"}},\n{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":");
	outfile_u64(o, rank);
	outfile_lit(o, ",\"args\":{\"sort_index\":");
	outfile_u64(o, rank);
	outfile_lit(o, "}},\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":");
	outfile_u64(o, rank);
	outfile_lit(o, ",\"tid\":0,\"args\":{\"name\":\"MPI calls\"}}");
}

/* ,"key":N or "ANY"; nothing for a field the call does not have. */
static void put_value(struct outfile *o, const char *key, size_t keylen, int32_t v)
{
	if (v == EV_UNSET)
		return;
	outfile_putn(o, key, keylen);
	if (v == EV_ANY)
		outfile_lit(o, "\"ANY\"");
	else
		outfile_i64(o, v);
}

#define PUT_VALUE(o, key, v) put_value((o), key, sizeof(key) - 1, (v))

static const char *peer_key(enum export_class cls)
{
	switch (cls) {
	case XC_SEND:
		return ",\"dest\":";
	case XC_RECV:
	case XC_PROBE:
		return ",\"source\":";
	case XC_COLLECTIVE:
		return ",\"root\":";
	default:
		return ",\"peer\":";
	}
}

static void put_status(struct outfile *o, const struct event *ev)
{
	if (ev->st_source == EV_UNSET && ev->st_count == EV_UNSET)
		return;
	outfile_lit(o, ",\"status\":{\"source\":");
	if (ev->st_source == EV_ANY || ev->st_source == EV_UNSET)
		outfile_lit(o, "null");
	else
		outfile_i64(o, ev->st_source);
	PUT_VALUE(o, ",\"tag\":", ev->st_tag);
	PUT_VALUE(o, ",\"count\":", ev->st_count);
	PUT_VALUE(o, ",\"elements\":", ev->st_elements);
	outfile_putc(o, '}');
}

static void put_args(struct chrome *c, const struct event *ev, const uint8_t *preview)
{
	struct outfile *o = &c->out;
	enum export_class cls = export_class_of(ev);
	outfile_lit(o, ",\"args\":{\"seq\":");
	outfile_u64(o, ev->seq);
	const char *pk = peer_key(cls);
	put_value(o, pk, strlen(pk), ev->peer);
	PUT_VALUE(o, ",\"tag\":", ev->tag);
	PUT_VALUE(o, ",\"count\":", ev->count);
	if (ev->dtype != DT_NONE) {
		outfile_lit(o, ",\"datatype\":");
		put_name(o, event_dtype_name(ev->dtype));
		outfile_lit(o, ",\"bytes\":");
		outfile_i64(o, cls == XC_RECV || cls == XC_PROBE ? event_status_bytes(ev)
		                                                 : event_bytes(ev));
	}
	if (ev->comm != 0) {
		outfile_lit(o, ",\"comm\":");
		outfile_u64(o, ev->comm);
	}
	put_status(o, ev);
	if (ev->flags & EVF_ROOT)
		outfile_lit(o, ",\"is_root\":true");
	if (ev->flags & EVF_LEVEL) {
		outfile_lit(o, ",\"level\":");
		outfile_u64(o, ev->level);
	}
	if (ev->kind == EV_RESULT)
		outfile_puts(o, (ev->flags & EVF_CHECK_FAILED) ? ",\"check\":\"failed\""
		                                               : ",\"check\":\"passed\"");
	if (preview != NULL && ev->preview_len > 0) {
		strbuf_reset(&c->scratch);
		payload_format(&c->scratch, ev, preview);
		outfile_lit(o, ",\"payload\":");
		put_string(o, c->scratch.s, c->scratch.len);
	}
	outfile_putc(o, '}');
}

static int chrome_event(void *f, const struct event *ev, const uint8_t *preview)
{
	struct chrome *c = f;
	struct outfile *o = &c->out;
	if (!c->named[ev->rank])
		name_rank(c, ev->rank);
	next_record(c);
	outfile_lit(o, "{\"name\":");
	put_name(o, export_call_name(ev));
	outfile_lit(o, ",\"cat\":\"");
	outfile_puts(o, export_class_name(export_class_of(ev)));
	outfile_lit(o, "\",\"ph\":\"X\",\"pid\":");
	outfile_u64(o, ev->rank);
	outfile_lit(o, ",\"tid\":0,\"ts\":");
	outfile_us(o, ev->t_begin);
	outfile_lit(o, ",\"dur\":");
	outfile_us(o, event_duration(ev));
	put_args(c, ev, preview);
	outfile_putc(o, '}');
	return o->err ? -1 : 0;
}

static void put_flow(struct chrome *c, const char *ph, uint64_t id, const struct event *ev)
{
	struct outfile *o = &c->out;
	next_record(c);
	outfile_lit(o, "{\"name\":\"msg\",\"cat\":\"msg\",\"ph\":\"");
	outfile_puts(o, ph);
	outfile_lit(o, "\",\"id\":");
	outfile_u64(o, id);
	outfile_lit(o, ",\"pid\":");
	outfile_u64(o, ev->rank);
	outfile_lit(o, ",\"tid\":0,\"ts\":");
	/* inside the slice, not on its edge: viewers bind a flow to the
	 * slice that encloses its time */
	outfile_us(o, ev->t_begin + event_duration(ev) / 2);
	outfile_putc(o, '}');
}

/* The flow starts in the middle of the send's slice and ends, bound to
 * the enclosing slice ("bp":"e"), in the middle of the receive's. */
static int chrome_message(void *f, const struct event *send, const struct event *recv)
{
	struct chrome *c = f;
	uint64_t id = ++c->flows;
	put_flow(c, "s", id, send);
	put_flow(c, "f\",\"bp\":\"e", id, recv);
	return c->out.err ? -1 : 0;
}

/* A call a rank was still in at the end (held by stepping, or blocked):
 * an instant event where it began, so that a deadlock shows. */
static int chrome_pending(void *f, const struct event *ev)
{
	struct chrome *c = f;
	struct outfile *o = &c->out;
	if (!c->named[ev->rank])
		name_rank(c, ev->rank);
	next_record(c);
	outfile_lit(o, "{\"name\":\"");
	outfile_puts(o, export_call_name(ev));
	outfile_puts(o, (ev->flags & EVF_BLOCKED) ? " (blocked)" : " (held)");
	outfile_lit(o, "\",\"cat\":\"pending\",\"ph\":\"i\",\"s\":\"p\",\"pid\":");
	outfile_u64(o, ev->rank);
	outfile_lit(o, ",\"tid\":0,\"ts\":");
	outfile_us(o, ev->t_begin);
	put_args(c, ev, NULL);
	outfile_putc(o, '}');
	return o->err ? -1 : 0;
}

static void put_health(struct outfile *o, const struct export_totals *t)
{
	const struct log_report *rep = t->rep;
	outfile_lit(o, ",\"health\":");
	if (t->health == 0) {
		outfile_lit(o, "\"complete\"");
		return;
	}
	outfile_lit(o, "{\"truncated\":");
	outfile_puts(o, rep->truncated ? "true" : "false");
	outfile_lit(o, ",\"bad_chunks\":");
	outfile_u64(o, rep->bad_chunks);
	outfile_lit(o, ",\"bad_events\":");
	outfile_u64(o, rep->bad_events);
	outfile_putc(o, '}');
}

static int chrome_close(void *f, const struct export_totals *t, struct strbuf *err)
{
	struct chrome *c = f;
	struct outfile *o = &c->out;
	outfile_lit(o, "\n],\n\"mpiloom\":{\"events\":");
	outfile_u64(o, t->events);
	outfile_lit(o, ",\"messages\":");
	outfile_u64(o, t->messages);
	put_health(o, t);
	outfile_lit(o, "}}\n");
	int rc = outfile_close(o, err);
	strbuf_free(&c->scratch);
	free(c->named);
	free(c);
	return rc;
}

const struct export_format export_chrome = {
    .option = "chrome",
    .what = "Chrome trace JSON",
    .wants_messages = 1,
    .prepare = export_check_file,
    .open = chrome_open,
    .event = chrome_event,
    .message = chrome_message,
    .pending = chrome_pending,
    .close = chrome_close,
};
