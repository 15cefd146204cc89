#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/keys.h"

#define ESC 0x1b

/* What decoding the bytes at the front of the buffer gave. */
enum decoded {
	DEC_MORE,    /* an unfinished sequence: wait for more bytes */
	DEC_KEY,     /* a key */
	DEC_SKIP,    /* bytes that mean nothing to us, consumed */
	DEC_TOOLONG, /* an overlong CSI: its start consumed, skip the rest */
};

void keyreader_init(struct keyreader *kr)
{
	kr->pending = NULL;
	kr->len = kr->cap = 0;
	kr->skipping = 0;
}

void keyreader_free(struct keyreader *kr)
{
	free(kr->pending);
	keyreader_init(kr);
}

static int key_of(enum key_code code, struct key *k)
{
	memset(k, 0, sizeof *k);
	k->code = code;
	return DEC_KEY;
}

/* A byte outside any escape sequence. */
static struct key byte_key(unsigned char b)
{
	struct key k;
	switch (b) {
	case '\r':
	case '\n':
		key_of(K_ENTER, &k);
		break;
	case '\t':
		key_of(K_TAB, &k);
		break;
	case 0x7f:
	case 0x08:
		key_of(K_BACKSPACE, &k);
		break;
	case 0x03: /* Ctrl-C: the launcher's raw mode turned ISIG off */
		key_of(K_INTERRUPT, &k);
		break;
	case ESC:
		key_of(K_ESC, &k);
		break;
	default:
		key_of(K_CHAR, &k);
		k.ch = b;
	}
	return k;
}

/* The final letter of "ESC [ A", "ESC O A", "ESC [ 1 ; 5 A" ... */
static int letter_key(unsigned char final, struct key *k)
{
	switch (final) {
	case 'A':
		return key_of(K_UP, k);
	case 'B':
		return key_of(K_DOWN, k);
	case 'C':
		return key_of(K_RIGHT, k);
	case 'D':
		return key_of(K_LEFT, k);
	case 'H':
		return key_of(K_HOME, k);
	case 'F':
		return key_of(K_END, k);
	case 'Z':
		return key_of(K_BTAB, k);
	}
	return DEC_SKIP;
}

/* "ESC [ n ~": the vt220 editing keys (7 and 8 are rxvt's Home and End). */
static int tilde_key(int n, struct key *k)
{
	switch (n) {
	case 1:
	case 7:
		return key_of(K_HOME, k);
	case 4:
	case 8:
		return key_of(K_END, k);
	case 5:
		return key_of(K_PGUP, k);
	case 6:
		return key_of(K_PGDN, k);
	}
	return DEC_SKIP;
}

static int resize_key(int rows, int cols, struct key *k)
{
	/* the message crosses a pipe anyone can write to: no absurd sizes */
	if (rows < 1 || rows > 10000 || cols < 1 || cols > 10000)
		return DEC_SKIP;
	key_of(K_RESIZE, k);
	k->rows = rows;
	k->cols = cols;
	return DEC_KEY;
}

/* A mouse button b (xterm's encoding) at 1-based cell x, y. Only a left
 * press and the wheel mean something to the UI. */
static int mouse_key(int b, int x, int y, int press, struct key *k)
{
	if (!press)
		return DEC_SKIP;
	if (b == 64)
		return key_of(K_UP, k);
	if (b == 65)
		return key_of(K_DOWN, k);
	if (b != 0 || x < 1 || x > 10000 || y < 1 || y > 10000)
		return DEC_SKIP;
	key_of(K_MOUSE, k);
	k->x = x - 1;
	k->y = y - 1;
	k->button = 0;
	return DEC_KEY;
}

/* Splits CSI parameters "12;34;5" into at most max numbers; big numbers
 * saturate, so no input overflows an int. Returns how many, or -1 if the
 * parameters are not plain numbers. */
static int csi_numbers(const unsigned char *p, size_t n, int *num, int max)
{
	int count = 0;
	int v = 0;
	if (n == 0)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == ';') {
			if (count == max)
				return -1;
			num[count++] = v;
			v = 0;
		} else if (p[i] >= '0' && p[i] <= '9') {
			if (v < 1000000)
				v = v * 10 + (p[i] - '0');
		} else {
			return -1;
		}
	}
	return count;
}

/* A complete CSI: parameter bytes p[0..n) and the final byte. */
static int csi_key(const unsigned char *p, size_t n, unsigned char final, struct key *k)
{
	int num[3];
	int count;
	if (n > 0 && p[0] == '<') {
		count = csi_numbers(p + 1, n - 1, num, 3);
		if (count != 3 || (final != 'M' && final != 'm'))
			return DEC_SKIP;
		return mouse_key(num[0], num[1], num[2], final == 'M', k);
	}
	count = csi_numbers(p, n, num, 3);
	if (count < 0)
		return DEC_SKIP;
	if (final == '~')
		return count == 1 ? tilde_key(num[0], k) : DEC_SKIP;
	if (final == 't')
		return count == 3 && num[0] == 8 ? resize_key(num[1], num[2], k) : DEC_SKIP;
	/* "1;5A" is Ctrl-Up and the like: the modifier is dropped */
	if (count == 0 || (count == 2 && num[0] == 1))
		return letter_key(final, k);
	return DEC_SKIP;
}

/* "ESC [ M b x y" with raw bytes: the mouse of terminals without SGR
 * reporting (mode 1006). */
static int decode_x10(const unsigned char *p, size_t len, struct key *k, size_t *used)
{
	if (len < 6)
		return DEC_MORE;
	*used = 6;
	int b = p[3] - 32;
	if (b == 3) /* a release: X10 does not say which button */
		return DEC_SKIP;
	return mouse_key(b, p[4] - 32, p[5] - 32, 1, k);
}

static int decode_csi(const unsigned char *p, size_t len, struct key *k, size_t *used)
{
	if (len >= 3 && p[2] == 'M')
		return decode_x10(p, len, k, used);
	for (size_t i = 2; i < len; i++) {
		if (i >= KEYS_SEQ_MAX) {
			*used = i;
			return DEC_TOOLONG;
		}
		unsigned char b = p[i];
		if (b >= 0x40 && b <= 0x7e) {
			*used = i + 1;
			return csi_key(p + 2, i - 2, b, k);
		}
		if (b < 0x20 || b > 0x7e) {
			/* not a sequence after all: drop its start, decode this byte afresh */
			*used = i;
			return DEC_SKIP;
		}
	}
	return DEC_MORE;
}

/* The sequence or byte at p[0..len), len >= 1. */
static int decode_one(const unsigned char *p, size_t len, struct key *k, size_t *used)
{
	*used = 1;
	if (p[0] != ESC) {
		*k = byte_key(p[0]);
		return DEC_KEY;
	}
	if (len < 2)
		return DEC_MORE;
	if (p[1] == '[')
		return decode_csi(p, len, k, used);
	if (p[1] == 'O') {
		if (len < 3)
			return DEC_MORE;
		if (p[2] >= 0x20 && p[2] <= 0x7e) {
			*used = 3;
			return letter_key(p[2], k);
		}
	}
	/* ESC then a key typed quickly (or Alt-key): ESC, and the key next */
	return key_of(K_ESC, k);
}

/* Drops the rest of an overlong CSI, up to and with its final byte. */
static size_t skip_overlong(struct keyreader *kr, size_t pos)
{
	while (pos < kr->len) {
		unsigned char b = kr->pending[pos];
		if (b < 0x20 || b > 0x7e) {
			kr->skipping = 0;
			return pos;
		}
		pos++;
		if (b >= 0x40) {
			kr->skipping = 0;
			return pos;
		}
	}
	return pos;
}

static void consume(struct keyreader *kr, size_t n)
{
	if (n == 0)
		return;
	memmove(kr->pending, kr->pending + n, kr->len - n);
	kr->len -= n;
}

static void append(struct keyreader *kr, const unsigned char *bytes, size_t n)
{
	if (kr->len + n > kr->cap) {
		size_t cap = kr->cap ? kr->cap : KEYS_SEQ_MAX;
		while (cap < kr->len + n)
			cap *= 2;
		kr->pending = xreallocarray(kr->pending, cap, 1);
		kr->cap = cap;
	}
	memcpy(kr->pending + kr->len, bytes, n);
	kr->len += n;
}

static size_t decode(struct keyreader *kr, struct key *out, size_t max)
{
	size_t pos = 0, nkeys = 0;
	while (pos < kr->len && nkeys < max) {
		if (kr->skipping) {
			pos = skip_overlong(kr, pos);
			continue;
		}
		size_t used;
		int r = decode_one(kr->pending + pos, kr->len - pos, &out[nkeys], &used);
		if (r == DEC_MORE)
			break;
		if (r == DEC_TOOLONG)
			kr->skipping = 1;
		if (r == DEC_KEY)
			nkeys++;
		pos += used;
	}
	consume(kr, pos);
	return nkeys;
}

size_t keyreader_feed(struct keyreader *kr, const unsigned char *bytes, size_t n,
		      struct key *out, size_t max)
{
	size_t nkeys = decode(kr, out, max);
	/* A byte at a time, so that the buffer never holds more than one
	 * unfinished sequence, whatever the size of the chunk. */
	for (size_t i = 0; i < n; i++) {
		if (nkeys == max) {
			append(kr, bytes + i, n - i);
			break;
		}
		append(kr, bytes + i, 1);
		nkeys += decode(kr, out + nkeys, max - nkeys);
	}
	return nkeys;
}

size_t keyreader_flush(struct keyreader *kr, struct key *out, size_t max)
{
	size_t nkeys = decode(kr, out, max);
	size_t pos = 0;
	/* What is left is one unfinished sequence: ESC, then its bytes as keys. */
	kr->skipping = 0;
	while (pos < kr->len && nkeys < max)
		out[nkeys++] = byte_key(kr->pending[pos++]);
	consume(kr, pos);
	return nkeys;
}

int keys_resize_message(char *buf, size_t size, int rows, int cols)
{
	int n = snprintf(buf, size, "\033[8;%d;%dt", rows, cols);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
