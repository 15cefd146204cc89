/* Writes a small log whose strings and payloads hold everything an
 * exporter must escape: quotes, markup, commas, control characters,
 * invalid UTF-8, and calls still in progress (EVF_PENDING records, not
 * events). usage: hostile-log FILE. tests/export.sh exports it and
 * parses what comes out. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log/writer.h"

#define HOSTILE                                                                                \
	"q\"uote <tag> &amp; ,comma 'apos' \\back\x01\x1b[31m\x7f \xff\xfe \xc3\x28 "          \
	"\xed\xa0\x80 \xef\xbf\xbf end\nline2"

/* A call that is none of the others, with every field unset. */
static const struct event quiet = {
    .dur = 5000,
    .peer = EV_UNSET,
    .tag = EV_UNSET,
    .st_source = EV_UNSET,
    .st_tag = EV_UNSET,
    .st_count = EV_UNSET,
    .st_elements = EV_UNSET,
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: hostile-log FILE\n");
		return 2;
	}
	struct strbuf err = STRBUF_INIT;
	struct log_header h = {LOG_FORMAT_VERSION, 3, 0, 0, HOSTILE, HOSTILE, HOSTILE};
	struct log_writer *w = log_writer_open(argv[1], &h, &err);
	if (w == NULL) {
		fprintf(stderr, "hostile-log: %s\n", strbuf_str(&err));
		return 1;
	}
	static const char payload[] = "\"<&>,'\\\x01\x1b\xff\xfe\n\r\t]}";
	struct event s = quiet;
	s.kind = EV_SEND;
	s.t_begin = 1000;
	s.peer = 1;
	s.tag = 7;
	s.count = (int32_t)sizeof payload - 1;
	s.type_size = 1;
	s.dtype = s.preview_dtype = DT_CHAR;
	s.preview_len = (uint8_t)(sizeof payload - 1);
	struct event r = s;
	r.rank = 1;
	r.t_begin = 500;
	r.dur = 9000;
	r.peer = EV_ANY;
	r.tag = EV_ANY;
	r.kind = EV_RECV;
	r.st_source = 0;
	r.st_tag = 7;
	r.st_count = r.st_elements = s.count;
	struct event b = quiet;
	b.rank = 2;
	b.kind = EV_COMPUTE;
	b.t_begin = 2000;
	/* calls in progress (lecture mode, a deadlock): rank 1's is over by
	 * the time its receive is recorded, rank 0's is not */
	struct event held = r;
	held.flags = EVF_PENDING;
	held.preview_len = 0;
	struct event stuck = quiet;
	stuck.kind = EV_RECV;
	stuck.seq = 1;
	stuck.t_begin = 7000;
	stuck.peer = 2;
	stuck.flags = EVF_PENDING | EVF_BLOCKED;
	struct log_result res = {3, 3, HOSTILE};
	int rc =
	    log_writer_add(w, &s, (const uint8_t *)payload) | log_writer_add(w, &held, NULL) |
	    log_writer_add(w, &stuck, NULL) | log_writer_add(w, &r, (const uint8_t *)payload) |
	    log_writer_add(w, &b, (const uint8_t *)"\xff\x00<") | log_writer_result(w, &res);
	if (log_writer_close(w, &err) != 0 || rc != 0) {
		fprintf(stderr, "hostile-log: %s\n", strbuf_str(&err));
		return 1;
	}
	strbuf_free(&err);
	return 0;
}
