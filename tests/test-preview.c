/* Previews and text lines: values decoded by datatype, and untrusted bytes
 * never reach the terminal as control characters. */
#include "config.h"

#include <string.h>

#include "core/store.h"
#include "unit.h"
#include "view/payload.h"
#include "view/textview.h"

static const char *fmt(struct strbuf *sb, int dtype, const void *bytes, int n, int flags)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.preview_dtype = (uint8_t)dtype;
	ev.preview_len = (uint8_t)n;
	ev.flags = (uint8_t)flags;
	strbuf_reset(sb);
	payload_format(sb, &ev, bytes);
	return strbuf_str(sb);
}

static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static void test_values(void)
{
	struct strbuf sb = STRBUF_INIT;
	double d[3] = {0, 2.72, -1.5};
	int i[4] = {1, 4, 9, 16};
	CHECK(strcmp(fmt(&sb, DT_DOUBLE, d, 24, 0), "[0, 2.72, -1.5]") == 0);
	CHECK(strcmp(fmt(&sb, DT_INT, i, 16, EVF_TRUNCATED), "[1, 4, 9, 16, ...]") == 0);
	double z[2] = {2, 3};
	CHECK(strcmp(fmt(&sb, DT_C_DOUBLE_COMPLEX, z, 16, 0), "[2+3i]") == 0);
	uint8_t b[3] = {0x00, 0xff, 0x1b};
	CHECK(strcmp(fmt(&sb, DT_PACKED, b, 3, 0), "<00 ff 1b>") == 0);
	CHECK(strcmp(fmt(&sb, DT_INT, i, 6, 0), "[1, ...]") == 0); /* ragged */
	strbuf_free(&sb);
}

static void test_escaping(void)
{
	struct strbuf sb = STRBUF_INIT;
	const char hostile[] = "a\x1b[2Jb\"\\\n\t\xc3\xa9";
	fmt(&sb, DT_CHAR, hostile, (int)strlen(hostile), 0);
	CHECK(printable(strbuf_str(&sb)));
	CHECK(strstr(strbuf_str(&sb), "\\x1b[2J") != NULL);
	CHECK(strcmp(strbuf_str(&sb), "\"a\\x1b[2Jb\\\"\\\\\\n\\t\\xc3\\xa9\"") == 0);
	/* a preview_len beyond the buffer is clamped, not read */
	uint8_t big[EVENT_PREVIEW_MAX] = {0};
	fmt(&sb, DT_BYTE, big, 255, 0);
	CHECK(strlen(strbuf_str(&sb)) < 200);
	strbuf_free(&sb);
}

static void test_line(void)
{
	struct store *st = store_new(2);
	struct event s, r;
	memset(&s, 0, sizeof s);
	s.kind = EV_SEND;
	s.t_begin = 1500;
	s.peer = 1;
	s.tag = 1;
	s.count = 3;
	s.type_size = 8;
	s.dtype = DT_DOUBLE;
	s.st_source = s.st_tag = s.st_count = s.st_elements = EV_UNSET;
	r = s;
	r.kind = EV_RECV;
	r.rank = 1;
	r.t_begin = 2500;
	r.peer = EV_ANY;
	r.tag = EV_ANY;
	r.st_source = 0;
	r.st_tag = 1;
	r.st_count = 3;
	r.st_elements = 3;
	CHECK(store_add(st, &s, NULL) == 0);
	CHECK(store_add(st, &r, NULL) == 0);
	struct strbuf sb = STRBUF_INIT;
	textview_line(&sb, st, (struct event_ref){0, 0});
	CHECK(strcmp(strbuf_str(&sb), "       1.500 r0 #0 send dest=1 tag=1 count=3 "
				      "type=MPI_DOUBLE bytes=24 msg=0.0 dur=0.000") == 0);
	strbuf_reset(&sb);
	textview_line(&sb, st, (struct event_ref){1, 0});
	CHECK(strstr(strbuf_str(&sb), "r1 #0 recv source=ANY tag=ANY count=3 status.source=0 "
				      "status.tag=1 status.count=3 status.elements=3 "
				      "type=MPI_DOUBLE bytes=24 msg=0.0") != NULL);
	strbuf_free(&sb);
	store_free(st);
}

int main(void)
{
	test_values();
	test_escaping();
	test_line();
	UNIT_END();
}
