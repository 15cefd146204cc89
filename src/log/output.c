#include "config.h"

#include <string.h>

#include "log/output.h"

#define LINE_MAX_BYTES 4096 /* a longer "line" is shown in pieces */

void output_init(struct output *o)
{
	memset(o, 0, sizeof *o);
	o->lines = (struct strbuf)STRBUF_INIT;
	o->partial[0] = (struct strbuf)STRBUF_INIT;
	o->partial[1] = (struct strbuf)STRBUF_INIT;
}

void output_free(struct output *o)
{
	strbuf_free(&o->lines);
	strbuf_free(&o->partial[0]);
	strbuf_free(&o->partial[1]);
}

static void finish_line(struct output *o, enum output_stream stream)
{
	struct strbuf *part = &o->partial[stream == OUTPUT_STDERR];
	if (o->lines.len >= OUTPUT_KEEP_MAX) {
		o->dropped++;
	} else {
		strbuf_puts(&o->lines, stream == OUTPUT_STDERR ? "[stderr] " : "[stdout] ");
		strbuf_escape(&o->lines, part->s ? part->s : "", part->len);
		strbuf_putc(&o->lines, '\n');
		o->nlines++;
	}
	strbuf_reset(part);
}

void output_add(struct output *o, enum output_stream stream, const void *bytes, size_t n)
{
	struct strbuf *part = &o->partial[stream == OUTPUT_STDERR];
	const char *p = bytes, *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > LINE_MAX_BYTES - part->len)
			len = LINE_MAX_BYTES - part->len;
		strbuf_putn(part, p, len);
		p += len;
		if (p < end && *p == '\n') {
			p++;
			finish_line(o, stream);
		} else if (part->len >= LINE_MAX_BYTES) {
			finish_line(o, stream);
		}
	}
}

void output_end(struct output *o)
{
	if (o->partial[0].len > 0)
		finish_line(o, OUTPUT_STDOUT);
	if (o->partial[1].len > 0)
		finish_line(o, OUTPUT_STDERR);
}

const char *output_new_lines(struct output *o, size_t *len)
{
	const char *all = strbuf_str(&o->lines);
	*len = o->lines.len - o->consumed;
	const char *p = all + o->consumed;
	o->consumed = o->lines.len;
	return p;
}
