/* The key decoder: every key, every sequence however the pipe splits it,
 * a lone ESC only on flush, and hostile input that neither crashes nor
 * grows the pending buffer. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/keys.h"
#include "unit.h"

#define MAXKEYS 512

struct expect {
	const char *bytes;
	enum key_code code;
	int a, b, c; /* K_CHAR: ch; K_RESIZE: rows, cols; K_MOUSE: x, y, button */
};

static const struct expect singles[] = {
	{"q", K_CHAR, 'q', 0, 0},
	{" ", K_CHAR, ' ', 0, 0},
	{"~", K_CHAR, '~', 0, 0},
	{"\x01", K_CHAR, 1, 0, 0},
	{"\x1c", K_CHAR, 0x1c, 0, 0},
	{"\xc3", K_CHAR, 0xc3, 0, 0},
	{"\xff", K_CHAR, 0xff, 0, 0},
	{"\r", K_ENTER, 0, 0, 0},
	{"\n", K_ENTER, 0, 0, 0},
	{"\t", K_TAB, 0, 0, 0},
	{"\x7f", K_BACKSPACE, 0, 0, 0},
	{"\b", K_BACKSPACE, 0, 0, 0},
	{"\x03", K_INTERRUPT, 0, 0, 0},
	{"\033[A", K_UP, 0, 0, 0},
	{"\033[B", K_DOWN, 0, 0, 0},
	{"\033[C", K_RIGHT, 0, 0, 0},
	{"\033[D", K_LEFT, 0, 0, 0},
	{"\033OA", K_UP, 0, 0, 0},
	{"\033OB", K_DOWN, 0, 0, 0},
	{"\033OC", K_RIGHT, 0, 0, 0},
	{"\033OD", K_LEFT, 0, 0, 0},
	{"\033[1;5A", K_UP, 0, 0, 0},
	{"\033[1;2D", K_LEFT, 0, 0, 0},
	{"\033[H", K_HOME, 0, 0, 0},
	{"\033[F", K_END, 0, 0, 0},
	{"\033[1~", K_HOME, 0, 0, 0},
	{"\033[4~", K_END, 0, 0, 0},
	{"\033[7~", K_HOME, 0, 0, 0},
	{"\033[8~", K_END, 0, 0, 0},
	{"\033OH", K_HOME, 0, 0, 0},
	{"\033OF", K_END, 0, 0, 0},
	{"\033[5~", K_PGUP, 0, 0, 0},
	{"\033[6~", K_PGDN, 0, 0, 0},
	{"\033[Z", K_BTAB, 0, 0, 0},
	{"\033[8;40;120t", K_RESIZE, 40, 120, 0},
	{"\033[8;1;1t", K_RESIZE, 1, 1, 0},
	{"\033[8;10000;10000t", K_RESIZE, 10000, 10000, 0},
	{"\033[<0;5;3M", K_MOUSE, 4, 2, 0},
	{"\033[<0;1;1M", K_MOUSE, 0, 0, 0},
	{"\033[<64;9;9M", K_UP, 0, 0, 0},
	{"\033[<65;9;9M", K_DOWN, 0, 0, 0},
	{"\033[M !!", K_MOUSE, 0, 0, 0},
	{"\033[M\x60\x30\x30", K_UP, 0, 0, 0},
};

/* Consumed, and nothing comes of them. */
static const char *const ignored[] = {
	"\033[3~",
	"\033[2~",
	"\033[15~",
	"\033[?1;2c",
	"\033[>0;95;0c",
	"\033[0n",
	"\033[I",
	"\033[O",
	"\033[1;2;3;4;5H",
	"\033[ q",
	"\033[8;0;80t",
	"\033[8;24;0t",
	"\033[8;10001;80t",
	"\033[8;24;10001t",
	"\033[8;99999999999999999999;80t",
	"\033[8;24t",
	"\033[4;400;600t",
	"\033[<0;5;3m",
	"\033[<1;5;3M",
	"\033[<2;5;3M",
	"\033[<32;5;3M",
	"\033[<0;0;3M",
	"\033[<0;5M",
	"\033[<0;5;3t",
	"\033[M#!!",
	"\033OP",
	"\033Oz",
};

static int same(const struct key *k, const struct expect *e)
{
	if (k->code != e->code)
		return 0;
	switch (e->code) {
	case K_CHAR:
		return k->ch == e->a;
	case K_RESIZE:
		return k->rows == e->a && k->cols == e->b;
	case K_MOUSE:
		return k->x == e->a && k->y == e->b && k->button == e->c;
	default:
		return 1;
	}
}

/* Feeds bytes in the pieces cut at cuts[0..ncuts), then the trailing
 * byte, and returns every key decoded (no flush). */
static size_t feed_cut(struct keyreader *kr, const char *s, size_t n, const size_t *cuts,
		       size_t ncuts, struct key *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t got = 0, from = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : n;
		got += keyreader_feed(kr, p + from, to - from, out + got, MAXKEYS - got);
		from = to;
	}
	return got;
}

static void check_single(const struct expect *e)
{
	struct keyreader kr;
	struct key out[MAXKEYS];
	size_t n = strlen(e->bytes);
	size_t cuts[64];
	int failures = unit_failures;
	keyreader_init(&kr);
	/* whole */
	size_t got = feed_cut(&kr, e->bytes, n, NULL, 0, out);
	CHECK(got == 1 && same(&out[0], e));
	CHECK(kr.len == 0);
	/* one byte at a time */
	for (size_t i = 0; i < n; i++)
		cuts[i] = i;
	got = feed_cut(&kr, e->bytes, n, cuts, n, out);
	CHECK(got == 1 && same(&out[0], e));
	/* every two-piece split */
	for (size_t i = 0; i <= n; i++) {
		cuts[0] = i;
		got = feed_cut(&kr, e->bytes, n, cuts, 1, out);
		CHECK(got == 1 && same(&out[0], e));
		CHECK(kr.len == 0);
	}
	if (unit_failures != failures)
		fprintf(stderr, "  (in the sequence of %zu bytes \"\\x%02x%s\")\n", n,
			(unsigned char)e->bytes[0], e->bytes + 1);
	keyreader_free(&kr);
}

static void test_singles(void)
{
	for (size_t i = 0; i < sizeof singles / sizeof singles[0]; i++)
		check_single(&singles[i]);
}

/* An ignored sequence between two chars leaves exactly the two chars. */
static void test_ignored(void)
{
	struct keyreader kr;
	struct key out[MAXKEYS];
	keyreader_init(&kr);
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
		char buf[128];
		int n = snprintf(buf, sizeof buf, "a%sb", ignored[i]);
		CHECK(n > 0 && (size_t)n < sizeof buf);
		for (int cut = 0; cut <= n; cut++) {
			size_t c = (size_t)cut;
			size_t got = feed_cut(&kr, buf, (size_t)n, &c, 1, out);
			int ok = got == 2 && out[0].code == K_CHAR && out[0].ch == 'a' &&
				 out[1].code == K_CHAR && out[1].ch == 'b' && kr.len == 0;
			if (!ok)
				fprintf(stderr, "ignored[%zu] cut %d: %zu keys\n", i, cut, got);
			CHECK(ok);
		}
	}
	keyreader_free(&kr);
}

static void test_resize_split(void)
{
	static const char msg[] = "\033[8;40;120t";
	const size_t n = sizeof msg - 1;
	struct keyreader kr;
	struct key out[MAXKEYS];
	keyreader_init(&kr);
	size_t got = 0;
	for (size_t i = 0; i < n; i++) {
		got += keyreader_feed(&kr, (const unsigned char *)msg + i, 1, out + got,
				      MAXKEYS - got);
		CHECK(got == (i + 1 == n));
	}
	CHECK(got == 1 && out[0].code == K_RESIZE && out[0].rows == 40 && out[0].cols == 120);
	for (size_t cut = 0; cut <= n; cut++) {
		got = keyreader_feed(&kr, (const unsigned char *)msg, cut, out, MAXKEYS);
		got += keyreader_feed(&kr, (const unsigned char *)msg + cut, n - cut, out + got,
				      MAXKEYS - got);
		CHECK(got == 1 && out[0].code == K_RESIZE && out[0].rows == 40 &&
		      out[0].cols == 120);
		/* a flush mid-way would break it: only a pause of 50 ms flushes */
	}
	keyreader_free(&kr);
}

static void test_flush(void)
{
	struct keyreader kr;
	struct key out[MAXKEYS];
	keyreader_init(&kr);
	CHECK(keyreader_flush(&kr, out, MAXKEYS) == 0);

	CHECK(keyreader_feed(&kr, (const unsigned char *)"\033", 1, out, MAXKEYS) == 0);
	CHECK(kr.len == 1);
	CHECK(keyreader_flush(&kr, out, MAXKEYS) == 1 && out[0].code == K_ESC);
	CHECK(kr.len == 0);
	CHECK(keyreader_flush(&kr, out, MAXKEYS) == 0);

	/* an unfinished CSI: ESC then its bytes as chars */
	CHECK(keyreader_feed(&kr, (const unsigned char *)"\033[12", 4, out, MAXKEYS) == 0);
	CHECK(keyreader_flush(&kr, out, MAXKEYS) == 4);
	CHECK(out[0].code == K_ESC);
	CHECK(out[1].code == K_CHAR && out[1].ch == '[');
	CHECK(out[2].code == K_CHAR && out[2].ch == '1');
	CHECK(out[3].code == K_CHAR && out[3].ch == '2');

	CHECK(keyreader_feed(&kr, (const unsigned char *)"\033O", 2, out, MAXKEYS) == 0);
	CHECK(keyreader_flush(&kr, out, MAXKEYS) == 2);
	CHECK(out[0].code == K_ESC && out[1].code == K_CHAR && out[1].ch == 'O');

	/* ESC and a key at once (or Alt-key): no wait needed */
	CHECK(keyreader_feed(&kr, (const unsigned char *)"\033q", 2, out, MAXKEYS) == 2);
	CHECK(out[0].code == K_ESC && out[1].code == K_CHAR && out[1].ch == 'q');
	CHECK(keyreader_feed(&kr, (const unsigned char *)"\033\033", 2, out, MAXKEYS) == 1);
	CHECK(out[0].code == K_ESC && kr.len == 1);
	CHECK(keyreader_flush(&kr, out, MAXKEYS) == 1 && out[0].code == K_ESC);

	/* a control byte inside a CSI ends it: the byte is a key of its own */
	CHECK(keyreader_feed(&kr, (const unsigned char *)"\033[1\rx", 5, out, MAXKEYS) == 2);
	CHECK(out[0].code == K_ENTER && out[1].code == K_CHAR && out[1].ch == 'x');
	CHECK(keyreader_feed(&kr, (const unsigned char *)"\033[1\033[B", 6, out, MAXKEYS) == 1);
	CHECK(out[0].code == K_DOWN && kr.len == 0);
	keyreader_free(&kr);
}

/* Keys that do not fit in out wait for the next call. */
static void test_out_full(void)
{
	struct keyreader kr;
	struct key out[4];
	keyreader_init(&kr);
	CHECK(keyreader_feed(&kr, (const unsigned char *)"ab\033[Ac", 6, out, 1) == 1);
	CHECK(out[0].ch == 'a');
	CHECK(keyreader_feed(&kr, NULL, 0, out, 2) == 2);
	CHECK(out[0].ch == 'b' && out[1].code == K_UP);
	CHECK(keyreader_flush(&kr, out, 4) == 1 && out[0].ch == 'c');
	CHECK(keyreader_feed(&kr, (const unsigned char *)"xyz", 3, out, 0) == 0);
	CHECK(keyreader_flush(&kr, out, 4) == 3 && out[2].ch == 'z');
	keyreader_free(&kr);
}

/* An endless CSI is dropped with its final byte; the buffer stays small. */
static void test_overlong(void)
{
	struct keyreader kr;
	struct key out[MAXKEYS];
	unsigned char buf[1000];
	keyreader_init(&kr);
	buf[0] = 0x1b;
	buf[1] = '[';
	for (size_t i = 2; i < sizeof buf; i++)
		buf[i] = (unsigned char)('0' + i % 10);
	for (size_t i = 0; i < sizeof buf; i++) {
		CHECK(keyreader_feed(&kr, buf + i, 1, out, MAXKEYS) == 0);
		CHECK(kr.len <= KEYS_SEQ_MAX);
	}
	CHECK(keyreader_feed(&kr, (const unsigned char *)"5~b", 3, out, MAXKEYS) == 1);
	CHECK(out[0].code == K_CHAR && out[0].ch == 'b');

	/* exactly KEYS_SEQ_MAX bytes is still a sequence */
	memset(buf, '1', sizeof buf);
	buf[0] = 0x1b;
	buf[1] = '[';
	buf[KEYS_SEQ_MAX - 3] = ';';
	buf[KEYS_SEQ_MAX - 2] = '5';
	buf[KEYS_SEQ_MAX - 1] = 'A';
	CHECK(keyreader_feed(&kr, buf, KEYS_SEQ_MAX, out, MAXKEYS) == 0);
	CHECK(kr.len == 0);
	buf[0] = 0x1b;
	buf[1] = '[';
	buf[2] = '1';
	buf[KEYS_SEQ_MAX - 2] = ';';
	buf[KEYS_SEQ_MAX - 1] = '5';
	buf[KEYS_SEQ_MAX] = 'A';
	CHECK(keyreader_feed(&kr, buf, KEYS_SEQ_MAX + 1, out, MAXKEYS) == 0);
	CHECK(keyreader_feed(&kr, (const unsigned char *)"q", 1, out, MAXKEYS) == 1);
	CHECK(out[0].ch == 'q' && kr.len == 0);

	/* a control byte ends the skipping too, and counts */
	buf[KEYS_SEQ_MAX] = '1';
	CHECK(keyreader_feed(&kr, buf, 100, out, MAXKEYS) == 0);
	CHECK(kr.skipping);
	CHECK(keyreader_feed(&kr, (const unsigned char *)"\r", 1, out, MAXKEYS) == 1);
	CHECK(out[0].code == K_ENTER && !kr.skipping);
	keyreader_free(&kr);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

/* Random bytes, rich in ESC, '[', digits and ';', in random chunks. */
static void test_hostile(void)
{
	static const unsigned char alphabet[] = "\033\033\033[[[<;;;0123456789~tMmAOZ";
	unsigned char *bytes = malloc(100000);
	struct key *out = malloc(1200 * sizeof *out);
	struct keyreader kr;
	size_t keys = 0, maxlen = 0;
	CHECK(bytes != NULL && out != NULL);
	if (bytes == NULL || out == NULL)
		return;
	for (size_t i = 0; i < 100000; i++) {
		uint32_t r = rng();
		bytes[i] = r % 3 ? alphabet[(r >> 8) % (sizeof alphabet - 1)] : (unsigned char)(r >> 16);
	}
	keyreader_init(&kr);
	for (size_t i = 0; i < 100000;) {
		size_t n = 1 + rng() % 1000;
		if (n > 100000 - i)
			n = 100000 - i;
		size_t got = keyreader_feed(&kr, bytes + i, n, out, 1200);
		CHECK(got <= n + KEYS_SEQ_MAX);
		for (size_t j = 0; j < got; j++)
			CHECK(out[j].code > KEY_NONE_ && out[j].code <= K_MOUSE);
		keys += got;
		if (kr.len > maxlen)
			maxlen = kr.len;
		if (rng() % 8 == 0)
			keys += keyreader_flush(&kr, out, 1200);
		i += n;
	}
	keys += keyreader_flush(&kr, out, 1200);
	CHECK(maxlen <= KEYS_SEQ_MAX);
	CHECK(kr.len == 0);
	CHECK(keys > 1000);
	keyreader_free(&kr);
	free(out);
	free(bytes);
}

static void test_resize_message(void)
{
	static const int sizes[][2] = {{24, 80}, {1, 1}, {40, 120}, {10000, 10000}, {300, 9}};
	struct keyreader kr;
	struct key out[4];
	char buf[32];
	keyreader_init(&kr);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		int n = keys_resize_message(buf, sizeof buf, sizes[i][0], sizes[i][1]);
		CHECK(n > 0 && (size_t)n == strlen(buf));
		size_t got = keyreader_feed(&kr, (unsigned char *)buf, (size_t)n, out, 4);
		CHECK(got == 1 && out[0].code == K_RESIZE && out[0].rows == sizes[i][0] &&
		      out[0].cols == sizes[i][1]);
	}
	CHECK(keys_resize_message(buf, sizeof buf, 40, 120) == 11);
	CHECK(memcmp(buf, "\033[8;40;120t", 12) == 0);
	CHECK(keys_resize_message(buf, 8, 40, 120) == -1);
	keyreader_free(&kr);
}

int main(void)
{
	test_singles();
	test_ignored();
	test_resize_split();
	test_flush();
	test_out_full();
	test_overlong();
	test_hostile();
	test_resize_message();
	UNIT_END();
}
