/* CSV: one row per event in the order the log holds them (each rank's in
 * its own order), a header row naming the columns. Wildcards are "ANY",
 * fields that do not apply are empty. */
#include "config.h"

#include <stdlib.h>

#include "core/xalloc.h"
#include "export/escape.h"
#include "export/export.h"
#include "export/outfile.h"
#include "view/payload.h"

struct csv {
	struct outfile out;
	struct strbuf scratch;
};

#define HEADER                                                                                 \
	"rank,seq,call,kind,class,begin_ns,duration_ns,peer,tag,count,datatype,bytes,comm,"    \
	"status_source,status_tag,status_count,status_elements,root,level,payload\n"

static void *csv_open(const struct export_info *in, struct strbuf *err)
{
	struct csv *c = xcalloc(1, sizeof *c);
	if (outfile_create(&c->out, in->opt->out, in->opt->force, err) != 0) {
		free(c);
		return NULL;
	}
	outfile_lit(&c->out, HEADER);
	return c;
}

static void put_rank(struct outfile *o, int32_t v)
{
	outfile_putc(o, ',');
	if (v == EV_ANY)
		outfile_lit(o, "ANY");
	else if (v != EV_UNSET)
		outfile_i64(o, v);
}

static void put_name(struct outfile *o, const char *s)
{
	outfile_putc(o, ',');
	escape_csv(o, s, strlen(s));
}

static void put_status(struct outfile *o, const struct event *ev)
{
	put_rank(o, ev->st_source);
	put_rank(o, ev->st_tag);
	put_rank(o, ev->st_count);
	put_rank(o, ev->st_elements);
}

static int csv_event(void *f, const struct event *ev, const uint8_t *preview)
{
	struct csv *c = f;
	struct outfile *o = &c->out;
	outfile_u64(o, ev->rank);
	outfile_putc(o, ',');
	outfile_u64(o, ev->seq);
	put_name(o, export_call_name(ev));
	put_name(o, event_kind_name(ev->kind));
	put_name(o, export_class_name(export_class_of(ev)));
	outfile_putc(o, ',');
	outfile_i64(o, ev->t_begin);
	outfile_putc(o, ',');
	outfile_i64(o, event_duration(ev));
	put_rank(o, ev->peer);
	put_rank(o, ev->tag);
	put_rank(o, ev->count);
	put_name(o, event_dtype_name(ev->dtype));
	outfile_putc(o, ',');
	outfile_i64(o, event_bytes(ev));
	outfile_putc(o, ',');
	outfile_u64(o, ev->comm);
	put_status(o, ev);
	outfile_putn(o, (ev->flags & EVF_ROOT) ? ",1," : ",0,", 3);
	if (ev->flags & EVF_LEVEL)
		outfile_u64(o, ev->level);
	outfile_putc(o, ',');
	if (preview != NULL && ev->preview_len > 0) {
		strbuf_reset(&c->scratch);
		payload_format(&c->scratch, ev, preview);
		escape_csv(o, c->scratch.s, c->scratch.len);
	}
	outfile_putc(o, '\n');
	return o->err ? -1 : 0;
}

static int csv_close(void *f, const struct export_totals *t, struct strbuf *err)
{
	struct csv *c = f;
	(void)t;
	int rc = outfile_close(&c->out, err);
	strbuf_free(&c->scratch);
	free(c);
	return rc;
}

const struct export_format export_csv = {
    .option = "csv",
    .what = "CSV table",
    .prepare = export_check_file,
    .open = csv_open,
    .event = csv_event,
    .close = csv_close,
};
