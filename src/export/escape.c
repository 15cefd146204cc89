#include "config.h"

#include <stdint.h>

#include "export/escape.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0: no overlong
 * forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Writes the non-ASCII sequence at s, or U+FFFD; returns bytes used. */
static size_t put_utf8(struct outfile *o, const unsigned char *s, size_t n, int xml)
{
	size_t len = utf8_len(s, n);
	/* U+FFFE and U+FFFF are not characters in XML */
	if (len == 0 || (xml && len == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe)) {
		outfile_lit(o, REPLACEMENT);
		return len ? len : 1;
	}
	outfile_putn(o, (const char *)s, len);
	return len;
}

/* Bytes from s on that JSON takes as they are. */
static size_t json_plain(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

void escape_json(struct outfile *o, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		size_t k = json_plain(s + i, n - i);
		if (k > 0) {
			outfile_putn(o, str + i, k);
			i += k;
			continue;
		}
		unsigned c = s[i];
		if (c >= 0x80) {
			i += put_utf8(o, s + i, n - i, 0);
			continue;
		}
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			outfile_putn(o, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			outfile_putn(o, e, 6);
		} else {
			outfile_putc(o, (char)c);
		}
		i++;
	}
}

void escape_xml(struct outfile *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c >= 0x80) {
			i += put_utf8(o, s + i, n - i, 1);
			continue;
		}
		switch (c) {
		case '&':
			outfile_lit(o, "&amp;");
			break;
		case '<':
			outfile_lit(o, "&lt;");
			break;
		case '>':
			outfile_lit(o, "&gt;");
			break;
		case '"':
			outfile_lit(o, "&quot;");
			break;
		case '\'':
			outfile_lit(o, "&#39;");
			break;
		case '\t':
		case '\n':
		case '\r':
			outfile_putc(o, (char)c);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				outfile_lit(o, REPLACEMENT);
			else
				outfile_putc(o, (char)c);
		}
		i++;
	}
}

static int csv_plain(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f || s[i] == ',' || s[i] == '"')
			return 0;
	return 1;
}

void escape_csv(struct outfile *o, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	if (csv_plain(s, n)) {
		outfile_putn(o, str, n);
		return;
	}
	outfile_putc(o, '"');
	for (size_t i = 0; i < n;) {
		if (s[i] >= 0x80) {
			i += put_utf8(o, s + i, n - i, 0);
			continue;
		}
		if (s[i] == '"')
			outfile_putc(o, '"');
		outfile_putc(o, (char)s[i]);
		i++;
	}
	outfile_putc(o, '"');
}
